#!/bin/sh
# mtlsprobe through an HTTP proxy (tinyproxy on loopback): --proxy, the
# environment as curl reads it for https (https_proxy, HTTPS_PROXY,
# ALL_PROXY, no_proxy), --no-proxy, and a proxy that refuses the CONNECT
# (403), that is not there, or that never answers.
. "$top_srcdir/tests/servers/netns.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/tls.sh"
need openssl jq ss tinyproxy python3
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

PKI="$FX/pki"
COMMON="--json --no-system-trust --ca-file $PKI/root-ca.crt"
P=http://127.0.0.1:4480

# the proxy allows CONNECT to port 4481 only
cat >"$TMPD/tinyproxy.conf" <<CONF
Port 4480
Listen 127.0.0.1
Timeout 10
Allow 127.0.0.1
ConnectPort 4481
LogLevel Connect
LogFile "$TMPD/tinyproxy.log"
PidFile "$TMPD/tinyproxy.pid"
MaxClients 16
CONF
tinyproxy -d -c "$TMPD/tinyproxy.conf" </dev/null >"$TMPD/server-4480.log" 2>&1 &
server_pids="$server_pids $!"
wait_listen 4480 $!
# and one that wants credentials (407 without them)
sed -e 's/^Port 4480/Port 4484/' -e "s|tinyproxy\.|tinyproxy-auth.|g" "$TMPD/tinyproxy.conf" \
	>"$TMPD/tinyproxy-auth.conf"
echo "BasicAuth probe s3cret" >>"$TMPD/tinyproxy-auth.conf"
tinyproxy -d -c "$TMPD/tinyproxy-auth.conf" </dev/null >"$TMPD/server-4484.log" 2>&1 &
server_pids="$server_pids $!"
wait_listen 4484 $!
openssl_server 4481 -cert_chain "$PKI/int-ca.crt"
openssl_server 4482 -cert_chain "$PKI/int-ca.crt"
python_server 4483 tcp.py silent

run mtlsprobe $COMMON --proxy "$P" 127.0.0.1:4481
expect "--proxy" 0
expect_json "--proxy: handshake through the tunnel" '.handshake.complete' true
expect_json "--proxy: recorded" '.proxy.url + " " + (.proxy.connect_status|tostring)' "$P 200"
expect_json "--proxy: the connection is to the proxy" '.proxy.address' 127.0.0.1
expect_json "--proxy: the server's chain" '.server.chains[0].valid' true
expect_json "--proxy: no DNS of our own" '.timings.dns_us' null
checks=$((checks + 1))
if grep -q 'CONNECT.*127.0.0.1:4481' "$TMPD/tinyproxy.log" ||
	grep -qi 'Established connection to host "127.0.0.1"' "$TMPD/tinyproxy.log"; then
	echo "ok: the proxy saw the CONNECT"
else
	fail "tinyproxy did not see the CONNECT: $(tail -5 "$TMPD/tinyproxy.log")"
fi
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" --proxy "$P" 127.0.0.1:4481
expect "--proxy, text" 0 "^  Proxy .*$P: CONNECT 127.0.0.1 port 4481: 200"

# the environment, as curl reads it for https://
https_proxy=$P
export https_proxy
run mtlsprobe $COMMON 127.0.0.1:4481
expect_json "https_proxy" '.outcome.result + " " + .proxy.url' "ok $P"
no_proxy=localhost,127.0.0.0/8
export no_proxy
run mtlsprobe $COMMON 127.0.0.1:4481
expect_json "no_proxy (a CIDR block): direct" '.outcome.result + " " + (.proxy|tostring)' "ok null"
unset no_proxy
run mtlsprobe $COMMON --no-proxy 127.0.0.1:4481
expect_json "--no-proxy: direct" '.proxy' null
expect_json "--no-proxy: our own connection" '.attempts[0].result' connected
run mtlsprobe $COMMON --starttls smtp 127.0.0.1:4499
expect_json "--starttls: https_proxy is not for SMTP" '.proxy' null
unset https_proxy
HTTPS_PROXY=$P
export HTTPS_PROXY
run mtlsprobe $COMMON 127.0.0.1:4481
expect_json "HTTPS_PROXY" '.proxy.url' "$P"
unset HTTPS_PROXY
ALL_PROXY=$P
export ALL_PROXY
run mtlsprobe $COMMON 127.0.0.1:4481
expect_json "ALL_PROXY as the fallback" '.proxy.url' "$P"
unset ALL_PROXY

# the proxy refuses the CONNECT: port 4482 is not a ConnectPort
run mtlsprobe $COMMON --proxy "$P" 127.0.0.1:4482
expect "CONNECT refused" 1
expect_json "CONNECT refused: proxy-error" '.outcome.result + " " + .outcome.phase' "proxy-error proxy"
expect_json "CONNECT refused: the proxy's answer" '.proxy.connect_status' 403
expect_json "CONNECT refused: in words" '.outcome.summary | test("answered CONNECT with 403")' true
expect_json "CONNECT refused: the cause" '.outcome.cause | test("refused to connect to this host and port")' true
expect_json "CONNECT refused: no handshake" '.timings.handshake_us' null
run mtlsprobe --no-system-trust --proxy "$P" 127.0.0.1:4482
expect "CONNECT refused, text" 1 '^Result: FAILED — the proxy http://127.0.0.1:4480 gave no tunnel'
if [ -x "$top_srcdir/build-aux/xmllint-ok" ] || command -v xmllint >/dev/null 2>&1; then
	run mtlsprobe --xml --no-system-trust --proxy "$P" 127.0.0.1:4482
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/mtlsprobe.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: proxy-error XML validates"
	else
		fail "proxy-error XML does not validate: $(cat "$TMPD/xmllint")"
	fi
	run mtlsprobe --xml --no-system-trust --ca-file "$PKI/root-ca.crt" --proxy "$P" 127.0.0.1:4481
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/mtlsprobe.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: proxied XML validates"
	else
		fail "proxied XML does not validate: $(cat "$TMPD/xmllint")"
	fi
fi

# credentials: 407 without them; with them, the tunnel, and the password
# is not shown
run mtlsprobe $COMMON --proxy http://127.0.0.1:4484 127.0.0.1:4481
expect "407" 1
expect_json "407: proxy-error" '.outcome.result + " " + (.proxy.connect_status|tostring)' "proxy-error 407"
expect_json "407: the hint" '.outcome.hint | test("USER:PASSWORD@")' true
run mtlsprobe $COMMON --proxy http://probe:s3cret@127.0.0.1:4484 127.0.0.1:4481
expect "credentials" 0
expect_json "credentials: the tunnel" '.proxy.connect_status' 200
expect_json "credentials: the password is not shown" '.proxy.url' "http://probe:***@127.0.0.1:4484/"
checks=$((checks + 1))
if grep -q s3cret "$out"; then fail "the proxy password is in the report"; else echo "ok: no password in the report"; fi

# an https:// proxy would wrap the probe's TLS in its own: refused as
# the proxy's failure, before any connection
run mtlsprobe $COMMON --proxy https://127.0.0.1:4479 127.0.0.1:4481
expect "https proxy" 1
expect_json "https proxy: proxy-error" '.outcome.result' proxy-error
expect_json "https proxy: why" '.outcome.summary + " " + .outcome.cause | test("https:// proxy cannot carry")' true

# no proxy there; a proxy that never answers (bounded by --connect-timeout)
run mtlsprobe $COMMON --proxy http://127.0.0.1:4479 127.0.0.1:4481
expect "proxy refused" 1
expect_json "proxy refused: proxy-error" '.outcome.result + " " + (.proxy.connect_status|tostring)' "proxy-error null"
expect_json "proxy refused: why" '.outcome.cause | test("could not be reached")' true
t0=$(now_s)
run mtlsprobe $COMMON --connect-timeout 1 --proxy http://127.0.0.1:4483 127.0.0.1:4481
t1=$(now_s)
expect "proxy silent" 1
expect_json "proxy silent: proxy-error" '.outcome.result' proxy-error
checks=$((checks + 1))
if echo "$t0 $t1" | awk '{ exit !($2 - $1 < 6) }'; then
	echo "ok: a silent proxy is bounded by --connect-timeout"
else
	fail "a silent proxy took $(echo "$t0 $t1" | awk '{ print $2 - $1 }') s"
fi

finish
