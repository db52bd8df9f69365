#!/bin/sh
# mtlsprobe --starttls ldap against slapd on loopback: the StartTLS
# extended operation, then the handshake (with a client certificate the
# server asks for), and a slapd without TLS that refuses StartTLS.
. "$top_srcdir/tests/servers/netns.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/tls.sh"
need jq ss
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || skip "slapd is not installed"
PATH=$PATH:/usr/sbin

PKI="$FX/pki"
COMMON="--json --no-system-trust --ca-file $PKI/root-ca.crt"
cat "$PKI/server.crt" "$PKI/int-ca.crt" >"$TMPD/server-chain.pem"

# slapd_on PORT [TLS-DIRECTIVES]: an empty directory on 127.0.0.1:PORT
slapd_on() {
	d="$TMPD/slapd-$1"
	mkdir -p "$d/db"
	printf '%s\n' "$2" | tr '|' '\n' >"$d/slapd.conf"
	cat >>"$d/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
pidfile $d/slapd.pid
argsfile $d/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "cn=x"
directory $d/db
maxsize 10485760
CONF
	slapd -f "$d/slapd.conf" -h "ldap://127.0.0.1:$1/" -d 0 </dev/null >"$TMPD/server-$1.log" 2>&1 &
	server_pids="$server_pids $!"
	wait_listen "$1" $!
}
slapd_on 4490 "TLSCertificateFile $TMPD/server-chain.pem|TLSCertificateKeyFile $PKI/server.key|TLSCACertificateFile $PKI/root-ca.crt|TLSVerifyClient try"
slapd_on 4491 ""

run mtlsprobe $COMMON --starttls ldap 127.0.0.1:4490
expect "ldap" 0
expect_json "ldap: the dialogue" '.starttls.protocol + " " + .starttls.reply' "ldap resultCode 0"
expect_json "ldap: timed" '.starttls.time_us > 0' true
expect_json "ldap: then TLS" '.handshake.complete' true
expect_json "ldap: the server's chain" '.server.chains[0].valid' true
expect_json "ldap: slapd asks for a client certificate" '.certificate_requests | length' 1
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" --starttls ldap 127.0.0.1:4490
expect "ldap, text" 0 '^  STARTTLS .* ldap: resultCode 0$'

run mtlsprobe $COMMON --starttls ldap --pfx "$FX/p12/modern.pfx" --password-file "$FX/p12/modern.pfx.pass" \
	--send chain 127.0.0.1:4490
expect "ldap with a client certificate" 0
expect_json "ldap: our certificate accepted" '.certificate_requests[0].sent | length >= 1' true

# the default port is 389: nothing listens there in this namespace
run mtlsprobe $COMMON --starttls ldap 127.0.0.1
expect_json "ldap: port 389 by default" '.target.port' 389

# through an HTTP proxy: CONNECT, then StartTLS in the tunnel
if command -v tinyproxy >/dev/null 2>&1; then
	cat >"$TMPD/tinyproxy.conf" <<CONF
Port 4480
Listen 127.0.0.1
Timeout 10
Allow 127.0.0.1
ConnectPort 4490
LogFile "$TMPD/tinyproxy.log"
PidFile "$TMPD/tinyproxy.pid"
CONF
	tinyproxy -d -c "$TMPD/tinyproxy.conf" </dev/null >"$TMPD/server-4480.log" 2>&1 &
	server_pids="$server_pids $!"
	wait_listen 4480 $!
	run mtlsprobe $COMMON --proxy http://127.0.0.1:4480 --starttls ldap 127.0.0.1:4490
	expect "ldap through a proxy" 0
	expect_json "proxy, then StartTLS, then TLS" \
		'(.proxy.connect_status|tostring) + " " + .starttls.reply + " " + (.handshake.complete|tostring)' \
		"200 resultCode 0 true"
else
	echo "skipped: ldap through a proxy (tinyproxy is not installed)"
fi

# slapd without TLS answers StartTLS with protocolError
run mtlsprobe $COMMON --starttls ldap 127.0.0.1:4491
expect "ldap without TLS" 1
expect_json "refused: result" '.outcome.result + " " + .outcome.phase' "starttls-failed starttls"
expect_json "refused: slapd's answer" '.starttls.reply | test("^resultCode 2")' true
expect_json "refused: in words" '.outcome.summary | test("refused StartTLS")' true
expect_json "refused: no handshake" '.timings.handshake_us' null
run mtlsprobe --xml --no-system-trust --starttls ldap 127.0.0.1:4491
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/mtlsprobe.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: starttls-failed XML validates"
else
	fail "starttls-failed XML does not validate: $(cat "$TMPD/xmllint")"
fi
run mtlsprobe --xml --no-system-trust --ca-file "$PKI/root-ca.crt" --starttls ldap 127.0.0.1:4490
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/mtlsprobe.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: starttls XML validates"
else
	fail "starttls XML does not validate: $(cat "$TMPD/xmllint")"
fi

# an LDAPS (TLS from the first byte) or other port is not LDAP in plain text
openssl_server 4492 -cert_chain "$PKI/int-ca.crt"
run mtlsprobe $COMMON --timeout 2 --starttls ldap 127.0.0.1:4492
expect "ldap against TLS" 1
expect_json "TLS port: starttls-failed" '.outcome.result' starttls-failed
python_server 4493 tcp.py plain
run mtlsprobe $COMMON --timeout 2 --starttls ldap 127.0.0.1:4493
expect "ldap against plain text" 1
expect_json "plain text: not LDAP" '.outcome.error | test("not an LDAP message")' true
expect_json "plain text: the cause" '.outcome.cause | test("is not ldap")' true
finish
