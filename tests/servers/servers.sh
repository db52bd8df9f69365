# tests/servers/servers.sh — real servers for the network tests, inside a
# private network namespace.  Source it FIRST in a test, before lib.sh:
#
#   . "$top_srcdir/tests/servers/servers.sh"   # re-runs the test in `unshare -n`
#   . "$top_srcdir/tests/lib.sh"
#   need_servers nginx openssl tinyproxy
#
# Inside the namespace only `lo` exists, so the fixed ports the fixture
# certificates name (127.0.0.1:18080 AIA/CRL, :18081 OCSP, :18443 https,
# :18389 LDAP) cannot collide with anything, and no packet can leave the
# machine.  Where a namespace cannot be made, the test is skipped (77).
#
# Servers (each stopped when the test exits, even on failure):
#   www_setup            fill $WWW: every pki/X.der as X.crt (DER), X.pem.crt
#                        (PEM), every CRL, aia/ files
#   web [DIRECTIVES]     (re)start nginx on 127.0.0.1:18080 (http, root $WWW)
#                        and :18443 (https, server.crt + int-ca), with extra
#                        server directives (locations) for both
#   ocsp_start [INDEX [SIGNER]]
#                        openssl ocsp on :18081 for int-ca (default index
#                        pki/int-ca.index.txt: revoked-leaf revoked), the
#                        answers signed by SIGNER (default int-ca)
#   ocsp_stop
#   drop_start PORT      a loopback listener on PORT whose accept queue is
#                        full: SYNs go unanswered (dropped)
#   aia_start ARGS...    build/tools/aiaserve --json --log $AIA_LOG ARGS in
#                        the background; $AIA_DOC is its document, $AIA_BASE
#                        its base URL (read from a fifo: no sleeps)
#   aia_url PATH         the URL aiaserve serves PATH at (a dropped or
#                        refused path has a port of its own)
#   aia_stop             stop it (SIGTERM); $aia_rc is its exit status
#   proxy_start          tinyproxy on 127.0.0.1:18888 (CONNECT to 443 only)
#   ldap_start [CA-FILE] slapd on 127.0.0.1:18389 with the entries the
#                        fixtures' LDAP URLs name: cn=int and cn=int-crl,
#                        certificationAuthority objects holding CA-FILE
#                        (default pki/int-ca.der), int-ca.crl, root-ca.crl
#   ldap_stop
#   meta_start          the cloud instance-metadata addresses 169.254.169.254
#                        and (where IPv6 works: $META_V6 set) fd00:ec2::254
#                        put on lo, in this namespace only, and a server on
#                        port 18090 of each serving
#                        int-ca.der; every connection it accepts is a line
#                        of $META_LOG.  Returns 1, with the reason in
#                        $meta_why, where the addresses cannot be added
#   packets_sent         the IPv4 and IPv6 packets this namespace has sent
#                        so far (the kernel's OutRequests counters): the
#                        difference over a run is what the run sent
#   tcp_opens            the TCP connections this namespace has opened so
#                        far (ActiveOpens: one per SYN-sending connect)

if [ -z "${CK_NETNS:-}" ]; then
	: "${top_srcdir:?run through make check}"
	for c in unshare ip; do
		if ! command -v "$c" >/dev/null 2>&1; then
			echo "SKIP: $c is not installed (needed for a private network namespace)"
			exit 77
		fi
	done
	ck_unshare=-n
	[ "$(id -u)" -eq 0 ] || ck_unshare=-rn
	if ! unshare $ck_unshare true 2>/dev/null; then
		echo "SKIP: cannot create a network namespace here (unshare $ck_unshare is not permitted)"
		exit 77
	fi
	CK_NETNS=1
	export CK_NETNS
	exec unshare $ck_unshare -- /bin/sh -c \
		'ip link set lo up || { echo "SKIP: cannot bring up lo in the namespace"; exit 77; }; exec /bin/sh "$0"' "$0"
fi

# Proxies from the caller's environment must not leak into the tests.
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR

NETPROBE="$top_builddir/tests/servers/netprobe"
WWW=""
ck_pids=""

# need_servers PROGRAM...: skip unless all are installed
need_servers() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || skip "$p is not installed"
	done
	[ -x "$NETPROBE" ] || skip "tests/servers/netprobe is not built"
}

# every server started is stopped when the test exits (lib.sh's hooks;
# registered on first use, since this file is sourced before lib.sh)
ck_cleanup_on=""
ck_stop_at_exit() {
	[ -n "$ck_cleanup_on" ] && return 0
	add_cleanup ck_stop_all
	ck_cleanup_on=1
}

ck_stop_all() {
	for p in $ck_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $ck_pids; do
		wait "$p" 2>/dev/null
	done
	ck_pids=""
}

# bg_start NAME CMD...: start a server in the background, remember it
bg_start() {
	name=$1
	shift
	"$@" >"$TMPD/$name.out" 2>&1 &
	ck_last=$!
	ck_pids="$ck_pids $ck_last"
	ck_stop_at_exit
	eval "ck_pid_$name=$ck_last"
}

wait_port() {
	"$NETPROBE" wait 127.0.0.1 "$1" "${2:-10}" || {
		echo "server on port $1 did not start:"
		cat "$TMPD"/*.out 2>/dev/null | tail -20
		exit 1
	}
}

www_setup() {
	WWW="$TMPD/www"
	mkdir -p "$WWW"
	for f in "$FX"/pki/*.der; do
		n=$(basename "$f" .der)
		cp "$f" "$WWW/$n.crt"
		cp "$FX/pki/$n.crt" "$WWW/$n.pem.crt"
	done
	cp "$FX"/pki/*.crl "$FX"/aia/* "$WWW/"
	ck_stop_at_exit
}

web() {
	ngx="$TMPD/nginx"
	if [ -n "${ck_pid_nginx:-}" ]; then
		kill "$ck_pid_nginx" 2>/dev/null
		wait "$ck_pid_nginx" 2>/dev/null
		ck_pid_nginx=""
		while "$NETPROBE" wait 127.0.0.1 18080 0.05 2>/dev/null; do sleep 0.05; done
	fi
	mkdir -p "$ngx/tmp"
	cat "$FX/pki/server.crt" "$FX/pki/int-ca.crt" >"$ngx/server-chain.pem"
	cat >"$ngx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 512; }
http {
	access_log $ngx/access.log;
	client_body_temp_path $ngx/tmp/body;
	proxy_temp_path $ngx/tmp/proxy;
	fastcgi_temp_path $ngx/tmp/fastcgi;
	uwsgi_temp_path $ngx/tmp/uwsgi;
	scgi_temp_path $ngx/tmp/scgi;
	types { application/pkix-cert crt; application/pkix-crl crl; application/pkcs7-mime p7c; }
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:18080;
		root $WWW;
		$*
	}
	server {
		listen 127.0.0.1:18443 ssl;
		ssl_certificate $ngx/server-chain.pem;
		ssl_certificate_key $FX/pki/server.key;
		root $WWW;
	}
}
EOF
	bg_start nginx nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/error.log"
	wait_port 18080
	wait_port 18443
}

ocsp_start() {
	# server and server-wrongeku share a subject: openssl ocsp needs
	# unique_subject = no beside the index
	cp "${1:-$FX/pki/int-ca.index.txt}" "$TMPD/ocsp.index"
	echo 'unique_subject = no' >"$TMPD/ocsp.index.attr"
	signer=${2:-int-ca}
	# openssl ocsp exits after a request it cannot parse (aiacheck's GET
	# of the bare URL when the issuer is unknown): restart it each time
	cat >"$TMPD/ocsp.sh" <<EOF
trap 'kill \$child 2>/dev/null; exit 0' TERM INT
while :; do
	openssl ocsp -index "$TMPD/ocsp.index" -CA "$FX/pki/int-ca.crt" \\
		-rsigner "$FX/pki/$signer.crt" -rkey "$FX/pki/$signer.key" -port 18081 -ndays 1 &
	child=\$!
	wait \$child
done
EOF
	bg_start ocsp /bin/sh "$TMPD/ocsp.sh"
	# it serves one connection at a time and hangs on one that sends
	# nothing: wait with a real query rather than a bare connect
	i=0
	until openssl ocsp -url http://127.0.0.1:18081/ -issuer "$FX/pki/int-ca.crt" \
		-cert "$FX/pki/client.crt" -no_nonce -noverify -timeout 2 >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 50 ] || { cat "$TMPD/ocsp.out"; echo "openssl ocsp did not start"; exit 1; }
		sleep 0.1
	done
}

ocsp_stop() {
	[ -n "${ck_pid_ocsp:-}" ] || return 0
	kill "$ck_pid_ocsp" 2>/dev/null
	wait "$ck_pid_ocsp" 2>/dev/null
	ck_pid_ocsp=""
	while "$NETPROBE" wait 127.0.0.1 18081 0.05 2>/dev/null; do sleep 0.05; done
}

drop_start() {
	mkfifo "$TMPD/drop.fifo"
	"$NETPROBE" drop 127.0.0.1 "$1" >"$TMPD/drop.fifo" 2>"$TMPD/drop.err" &
	ck_pid_drop=$!
	ck_pids="$ck_pids $ck_pid_drop"
	ck_stop_at_exit
	read -r line <"$TMPD/drop.fifo"
	[ "$line" = ready ] || { cat "$TMPD/drop.err"; echo "the dropping listener did not start"; exit 1; }
}

AIA_LOG=""
aia_pid=""
aia_start() {
	AIA_LOG="$TMPD/aiaserve.log"
	rm -f "$TMPD/aiaserve.fifo"
	mkfifo "$TMPD/aiaserve.fifo"
	"$top_builddir/tools/aiaserve" --json --log "$AIA_LOG" "$@" >"$TMPD/aiaserve.fifo" \
		2>"$TMPD/aiaserve.err" &
	aia_pid=$!
	[ -n "${aia_hooked:-}" ] || { add_cleanup aia_stop; aia_hooked=1; }
	read -r AIA_DOC <"$TMPD/aiaserve.fifo" ||
		{ cat "$TMPD/aiaserve.err"; echo "aiaserve did not start"; exit 1; }
	AIA_BASE=$(printf '%s' "$AIA_DOC" | jq -r .base)
}

aia_url() {
	printf '%s' "$AIA_DOC" | jq -r --arg p "$1" '.urls[] | select(.path == $p) | .url'
}

aia_stop() {
	[ -n "$aia_pid" ] || return 0
	kill "$aia_pid" 2>/dev/null
	wait "$aia_pid"
	aia_rc=$?
	aia_pid=""
}

proxy_start() {
	cat >"$TMPD/tinyproxy.conf" <<EOF
Port 18888
Listen 127.0.0.1
Timeout 10
Allow 127.0.0.1
ConnectPort 443
LogLevel Info
LogFile "$TMPD/tinyproxy.log"
PidFile "$TMPD/tinyproxy.pid"
MaxClients 64
EOF
	bg_start proxy tinyproxy -d -c "$TMPD/tinyproxy.conf"
	wait_port 18888
}

ldap_start() {
	ca=${1:-$FX/pki/int-ca.der}
	l="$TMPD/ldap"
	mkdir -p "$l/int" "$l/int-crl"
	cat >"$l/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $l/slapd.pid
argsfile $l/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "cn=int"
directory $l/int
maxsize 10485760
database mdb
suffix "cn=int-crl"
directory $l/int-crl
maxsize 10485760
EOF
	for dn in int int-crl; do
		cat >"$l/$dn.ldif" <<EOF
dn: cn=$dn
objectClass: applicationProcess
objectClass: certificationAuthority
cn: $dn
cACertificate;binary:: $(base64 -w0 "$ca")
certificateRevocationList;binary:: $(base64 -w0 "$FX/pki/int-ca.crl")
authorityRevocationList;binary:: $(base64 -w0 "$FX/pki/root-ca.crl")
EOF
		slapadd -f "$l/slapd.conf" -b "cn=$dn" -l "$l/$dn.ldif" >"$l/slapadd.out" 2>&1 ||
			{ cat "$l/slapadd.out"; echo "slapadd failed"; exit 1; }
	done
	bg_start ldap slapd -f "$l/slapd.conf" -h ldap://127.0.0.1:18389/ -d 0
	wait_port 18389
}

ldap_stop() {
	[ -n "${ck_pid_ldap:-}" ] || return 0
	kill "$ck_pid_ldap" 2>/dev/null
	wait "$ck_pid_ldap" 2>/dev/null
	ck_pid_ldap=""
	rm -rf "$TMPD/ldap"
	while "$NETPROBE" wait 127.0.0.1 18389 0.05 2>/dev/null; do sleep 0.05; done
}

META_LOG=""
meta_why=""
meta_start() {
	if ! ip addr add 169.254.169.254/32 dev lo 2>"$TMPD/meta.ip"; then
		meta_why="cannot add 169.254.169.254 to lo: $(head -1 "$TMPD/meta.ip")"
		return 1
	fi
	meta_addrs=169.254.169.254
	META_V6=""
	if ip addr add fd00:ec2::254/128 dev lo nodad 2>/dev/null; then
		meta_addrs="$meta_addrs fd00:ec2::254"
		META_V6=1
	fi
	META_LOG="$TMPD/meta.log"
	: >"$META_LOG"
	mkfifo "$TMPD/meta.fifo"
	# shellcheck disable=SC2086
	python3 "$top_srcdir/tests/servers/meta.py" 18090 "$META_LOG" "$FX/pki/int-ca.der" \
		$meta_addrs >"$TMPD/meta.fifo" 2>"$TMPD/meta.err" &
	ck_pid_meta=$!
	ck_pids="$ck_pids $ck_pid_meta"
	ck_stop_at_exit
	read -r line <"$TMPD/meta.fifo"
	[ "$line" = ready ] || { cat "$TMPD/meta.err"; echo "the metadata stand-in did not start"; exit 1; }
}

packets_sent() {
	v4=$(awk '/^Ip: [0-9]/ { print $11 }' /proc/net/snmp)
	v6=$(awk '$1 == "Ip6OutRequests" { print $2 }' /proc/net/snmp6 2>/dev/null)
	echo $((v4 + ${v6:-0}))
}

tcp_opens() {
	awk '/^Tcp: [0-9]/ { print $6 }' /proc/net/snmp
}
