# tests/servers/tls.sh — TLS and TCP servers on loopback for the tool tests.
# Source after tests/servers/netns.sh and tests/lib.sh.
#
# openssl_server PORT ARGS...  openssl s_server on 127.0.0.1:PORT with the test
#                              PKI's server key and ARGS (certificates, -Verify...)
# gnutls_server PORT ARGS...   gnutls-serv on PORT (only loopback exists here)
# python_server PORT SCRIPT ARGS...
#                              a helper from tests/servers/ (tcp.py, pha.py)
# Each waits until the port accepts (at most 15 s) and is stopped when the
# test exits, even when it fails.  Server output goes to $TMPD/server-PORT.log.
SERVERS_DIR="$top_srcdir/tests/servers"
server_pids=""

stop_servers() {
	for pid in $server_pids; do kill "$pid" 2>/dev/null; done
	for pid in $server_pids; do wait "$pid" 2>/dev/null; done
	server_pids=""
}
add_cleanup stop_servers

# wait_listen PORT PID: until something listens on PORT, or PID died
wait_listen() {
	i=0
	while [ $i -lt 150 ]; do
		if [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; then
			return 0
		fi
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	echo "could not start the server on port $1:"
	sed 's/^/  /' "$TMPD/server-$1.log"
	exit 99
}

openssl_server() {
	port=$1
	shift
	# stdin stays open (a FIFO with a writer that sleeps): at the end of its
	# input s_server would close each connection right after the handshake.
	# Commands for s_server can be written to $TMPD/stdin-PORT.
	mkfifo "$TMPD/stdin-$port"
	openssl s_server -accept "127.0.0.1:$port" -cert "$FX/pki/server.crt" \
		-key "$FX/pki/server.key" "$@" <"$TMPD/stdin-$port" >"$TMPD/server-$port.log" 2>&1 &
	spid=$!
	sleep 86400 >"$TMPD/stdin-$port" &
	server_pids="$server_pids $spid $!"
	wait_listen "$port" "$spid"
}

gnutls_server() {
	port=$1
	shift
	gnutls-serv -p "$port" --x509keyfile "$FX/pki/server.key" "$@" \
		</dev/null >"$TMPD/server-$port.log" 2>&1 &
	server_pids="$server_pids $!"
	wait_listen "$port" $!
}

python_server() {
	port=$1
	script=$2
	shift 2
	python3 "$SERVERS_DIR/$script" "$port" "$@" </dev/null >"$TMPD/server-$port.log" 2>&1 &
	server_pids="$server_pids $!"
	wait_listen "$port" $!
}

# elapsed: seconds (with decimals) since the epoch, for generous time bounds
now_s() { date +%s.%N; }
