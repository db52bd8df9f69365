#!/bin/sh
# mtlsprobe --starttls postgres against a PostgreSQL server made with
# initdb in a temporary directory (run as nobody: postgres refuses
# root), on loopback: the SSLRequest answered "S" then the handshake
# (the server asks for a client certificate: ssl_ca_file is set), and
# the same server with ssl = off answering "N".
. "$top_srcdir/tests/servers/netns.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/tls.sh"
need jq ss
PGBIN=""
for d in /usr/lib/postgresql/*/bin; do
	[ -x "$d/postgres" ] && [ -x "$d/initdb" ] && PGBIN=$d
done
[ -n "$PGBIN" ] || skip "the PostgreSQL server is not installed (Debian: postgresql)"
AS=""
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "running as root without setpriv: postgres will not run as root"
	AS=$UNPRIV
fi

PKI="$FX/pki"
COMMON="--json --no-system-trust --ca-file $PKI/root-ca.crt"
PG="$TMPD/pg"
mkdir -p "$PG"
cat "$PKI/server.crt" "$PKI/int-ca.crt" >"$PG/server.crt"
cp "$PKI/server.key" "$PG/server.key"
cp "$PKI/root-ca.crt" "$PG/root-ca.crt"
chmod 0711 "$TMPD"
chmod 0700 "$PG"
chmod 0600 "$PG/server.key"
[ -z "$AS" ] || chown -R 65534:65534 "$PG"
$AS "$PGBIN/initdb" -D "$PG/data" -A trust -U postgres --no-sync --no-instructions \
	>"$TMPD/initdb.log" 2>&1 || { cat "$TMPD/initdb.log"; skip "initdb failed here"; }

# pg_on SSL: the cluster on 127.0.0.1:4495 with ssl = SSL
pg_on() {
	$AS "$PGBIN/postgres" -D "$PG/data" -c listen_addresses=127.0.0.1 -c port=4495 \
		-c unix_socket_directories="$PG" -c ssl="$1" -c ssl_cert_file="$PG/server.crt" \
		-c ssl_key_file="$PG/server.key" -c ssl_ca_file="$PG/root-ca.crt" \
		</dev/null >"$TMPD/server-4495.log" 2>&1 &
	pg_pid=$!
	server_pids="$server_pids $pg_pid"
	wait_listen 4495 $pg_pid
}
pg_off() {
	kill -INT "$pg_pid"
	wait "$pg_pid" 2>/dev/null
}

pg_on on
run mtlsprobe $COMMON --starttls postgres 127.0.0.1:4495
expect "postgres" 0
expect_json "postgres: SSLRequest answered S" '.starttls.protocol + " " + .starttls.reply' "postgres S"
expect_json "postgres: then TLS" '.handshake.complete' true
expect_json "postgres: the server's chain" '.server.chains[0].valid' true
expect_json "postgres: it asks for a client certificate" '.certificate_requests | length' 1
run mtlsprobe $COMMON --starttls postgresql --pfx "$FX/p12/modern.pfx" \
	--password-file "$FX/p12/modern.pfx.pass" --send chain 127.0.0.1:4495
expect "postgresql (the long name), with a client certificate" 0
expect_json "postgres: our certificate sent" '.certificate_requests[0].sent | length >= 1' true
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" --starttls postgres 127.0.0.1:4495
expect "postgres, text" 0 '^  STARTTLS .* postgres: S$'
pg_off

pg_on off
run mtlsprobe $COMMON --starttls postgres 127.0.0.1:4495
expect "postgres with ssl = off" 1
expect_json "ssl = off: result" '.outcome.result + " " + .outcome.phase' "starttls-failed starttls"
expect_json "ssl = off: the answer" '.starttls.reply' N
expect_json "ssl = off: in words" '.outcome.summary | test("refused the SSLRequest")' true
pg_off
run mtlsprobe $COMMON --starttls postgres 127.0.0.1
expect_json "postgres: port 5432 by default" '.target.port' 5432
finish
