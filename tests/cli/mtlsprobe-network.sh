#!/bin/sh
# mtlsprobe's outcomes below and above TLS: refused, dropped (a full accept
# queue), DNS failure, silent, closed, reset, plain text; the bounds the
# timeouts put on them; TLS 1.3 post-handshake authentication; TLS 1.2
# renegotiation; --http-get.
. "$top_srcdir/tests/servers/netns.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/tls.sh"
. "$top_srcdir/tests/servers/dns.sh"
need openssl jq ss python3

PKI="$FX/pki"
COMMON="--json --no-system-trust --ca-file $PKI/root-ca.crt"
MODERN="--pfx $FX/p12/modern.pfx --password-file $FX/p12/modern.pfx.pass"

python_server 4441 tcp.py dropped
python_server 4442 tcp.py silent
python_server 4443 tcp.py close
python_server 4444 tcp.py reset
python_server 4445 tcp.py plain
cat "$PKI/server.crt" "$PKI/int-ca.crt" >"$TMPD/server-chain.pem"
python_server 4446 https.py "$TMPD/server-chain.pem" "$PKI/server.key" --pha "$PKI/root-ca.crt"
python_server 4447 https.py "$TMPD/server-chain.pem" "$PKI/server.key"
openssl_server 4448 -tls1_2 -cert_chain "$PKI/int-ca.crt" -CAfile "$PKI/root-ca.crt"
openssl_server 4449 -cert_chain "$PKI/int-ca.crt" -alpn h2,http/1.1

# elapsed seconds of the last run, within [MIN, MAX]
timed_run() {
	t0=$(now_s)
	run "$@"
	t1=$(now_s)
	elapsed=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
}
expect_between() {
	checks=$((checks + 1))
	if echo "$elapsed $2 $3" | awk '{ exit !($1 >= $2 && $1 <= $3) }'; then
		echo "ok: $1 took ${elapsed}s"
	else
		fail "$1 took ${elapsed}s, expected between $2 and $3"
	fi
}

# --- below TLS
run mtlsprobe $COMMON 127.0.0.1:4440
expect "refused" 1
expect_json "refused: result" .outcome.result refused
expect_json "refused: phase" .outcome.phase connect
expect_json "refused: attempt" '.attempts[0].result' refused
expect_json "refused: no handshake" '.timings.handshake_us' null

timed_run mtlsprobe $COMMON --connect-timeout 1.5 127.0.0.1:4441
expect "dropped" 1
expect_json "dropped: result" .outcome.result dropped
expect_json "dropped: the wait" '.timings.connect_us >= 1400000' true
expect_json "dropped: in words" '.outcome.summary | test("within 1.5 s")' true
expect_between "dropped: bounded by --connect-timeout" 1.3 8
timed_run mtlsprobe --connect-timeout 1.5 127.0.0.1:4441
expect "dropped, text" 1 '^  TCP .*127.0.0.1 port 4441: dropped'
expect "dropped, text verdict" 1 '^Result: FAILED — no answer to the TCP connection'

run mtlsprobe $COMMON --connect-timeout 2 no-such-host.invalid:443
expect "DNS failure" 1
expect_json "DNS failure: result" .outcome.result dns-failure
expect_json "DNS failure: phase" .outcome.phase dns
expect_json "DNS failure: no attempt" '.attempts | length' 0
expect_json "DNS failure: in words" '.outcome.summary | test("no-such-host.invalid did not resolve")' true

# A name server that never answers, with a 30 s resolver timeout: the
# lookup is bounded by --connect-timeout.
if silent_dns_on; then
	timed_run mtlsprobe $COMMON --connect-timeout 1.5 silent-dns.example.test:443
	silent_dns_off
	expect "DNS silent" 1
	expect_json "DNS silent: result" .outcome.result dns-failure
	expect_json "DNS silent: in words" \
		'.outcome.summary | test("no answer from the name resolver within 1.5 s")' true
	expect_json "DNS silent: the cause" '.outcome.cause | test("do not answer")' true
	expect_between "DNS silent: bounded by --connect-timeout" 1.3 8
else
	echo "skipped: DNS silent ($silent_dns_why)"
fi

run mtlsprobe $COMMON localhost:4440
expect "a name that resolves" 1
expect_json "localhost resolves" '.target.addresses | index("127.0.0.1") != null' true
expect_json "localhost is sent as SNI" .target.sni localhost

# --- connected, then no TLS
timed_run mtlsprobe $COMMON --timeout 1.5 127.0.0.1:4442
expect "silent server" 1
expect_json "silent: result" .outcome.result timeout
expect_json "silent: phase" .outcome.phase handshake
expect_json "silent: in words" '.outcome.summary | test("no answer to our ClientHello within 1.5 s")' true
expect_between "silent: bounded by --timeout" 1.3 8

run mtlsprobe $COMMON 127.0.0.1:4443
expect "closed" 1
expect_json "closed: result" .outcome.result closed
expect_json "closed: in words" '.outcome.summary | test("before answering our ClientHello")' true

run mtlsprobe $COMMON 127.0.0.1:4444
expect "reset" 1
expect_json "reset: result" .outcome.result reset
expect_json "reset: in words" '.outcome.summary | test("reset the connection")' true

run mtlsprobe $COMMON 127.0.0.1:4445
expect "plain text" 1
expect_json "plain text: result" .outcome.result tls-error
expect_json "plain text: in words" '.outcome.cause | test("\"HTTP/")' true

# --- TLS 1.3 post-handshake authentication
run mtlsprobe $COMMON $MODERN --http-get /hello 127.0.0.1:4446
expect "post-handshake authentication" 0
expect_json "PHA: offered" .settings.post_handshake_auth_offered true
expect_json "PHA: requested after the handshake" '.certificate_requests[0].after_handshake' true
expect_json "PHA: answered" '.certificate_requests[0].sent | length' 3
expect_json "PHA: status" .http.status 200
run mtlsprobe $COMMON $MODERN --send leaf --http-get /hello 127.0.0.1:4446
expect "PHA, leaf alone" 1
expect_json "PHA, leaf alone: alert" .outcome.alert.name unknown_ca
expect_json "PHA, leaf alone: phase" .outcome.phase http
expect_json "PHA, leaf alone: explained" '.outcome.hint | test("--send chain")' true
run mtlsprobe $COMMON --http-get /hello 127.0.0.1:4446
expect "PHA, no certificate" 1
expect_json "PHA, no certificate: alert" .outcome.alert.name certificate_required
expect_json "PHA, no certificate: none sent" '.certificate_requests[0].sent | length' 0
expect_json "PHA, no certificate: explained" '.outcome.cause | test("we sent none")' true
run mtlsprobe $MODERN --no-system-trust --ca-file "$PKI/root-ca.crt" --http-get /hello 127.0.0.1:4446
expect "PHA, text" 0 'requested after the handshake'

# --- --http-get
run mtlsprobe $COMMON --http-get /hello 127.0.0.1:4447
expect "GET 200" 0
expect_json "GET: ALPN offered" '.settings.alpn_offered | join(",")' http/1.1
expect_json "GET: ALPN chosen" .handshake.alpn http/1.1
expect_json "GET: status line" .http.status_line "HTTP/1.1 200 OK"
expect_json "GET: status" .http.status 200
expect_json "GET: time to first byte" '.http.first_byte_us | type' number
expect_json "GET: request" .http.request "GET /hello HTTP/1.1"
run mtlsprobe $COMMON --http-get /missing 127.0.0.1:4447
expect "GET 404" 1
expect_json "GET 404: result" .outcome.result http-status
expect_json "GET 404: status" .http.status 404
run mtlsprobe $COMMON --http-get /forbidden 127.0.0.1:4447
expect "GET 403" 1
expect_json "GET 403: in words" '.outcome.cause | test("does not authorize")' true
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" --http-get /hello 127.0.0.1:4447
expect "GET, text" 0 '^  GET .* to the first byte: HTTP/1.1 200 OK'
run mtlsprobe $COMMON 127.0.0.1:4447
expect "no GET, no ALPN" 0
expect_json "no GET: no ALPN offered" '.settings.alpn_offered | length' 0
expect_json "no GET: http" .http null

# --- TLS 1.2 renegotiation asking for the certificate after the request
# (openssl s_server's "R" command: renegotiate, requesting a certificate)
# shellcheck disable=SC2086
timeout "${CK_TEST_TIMEOUT:-120}" ${CK_WRAPPER:-} "$BIN/mtlsprobe" $COMMON $MODERN --timeout 15 \
	--http-get / 127.0.0.1:4448 >"$out" 2>"$err" </dev/null &
probe=$!
i=0
until grep -q 'GET / HTTP/1.1' "$TMPD/server-4448.log" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
printf 'R\n' >"$TMPD/stdin-4448"
i=0
until grep -q 'SSL_do_handshake' "$TMPD/server-4448.log" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
printf 'HTTP/1.0 200 OK\n\n' >"$TMPD/stdin-4448"
wait $probe
rc=$?
expect "renegotiation" 0
expect_json "renegotiation: seen" .handshake.renegotiated true
expect_json "renegotiation: certificate asked then" '.certificate_requests[0].after_handshake' true
expect_json "renegotiation: certificate sent" '.certificate_requests[0].sent | length' 3

# --alpn: offered as given, the server's choice reported; a server that
# supports none of them refuses with no_application_protocol
run mtlsprobe $COMMON --alpn h2,http/1.1 127.0.0.1:4449
expect "--alpn" 0
expect_json "--alpn: negotiated" .handshake.alpn h2
expect_json "--alpn: offered" '.settings.alpn_offered | join(",")' h2,http/1.1
run mtlsprobe $COMMON --alpn acme-tls/1,http/1.1 127.0.0.1:4449
expect_json "--alpn: the one the server has" .handshake.alpn http/1.1
run mtlsprobe $COMMON --alpn spdy/3 127.0.0.1:4449
expect "--alpn: none in common" 1
expect_json "--alpn: none in common: the alert" .outcome.alert.name no_application_protocol
expect_json "--alpn: none in common: nothing negotiated" .handshake.alpn null
run mtlsprobe $COMMON 127.0.0.1:4449
expect_json "no --alpn: nothing offered" '.settings.alpn_offered | length' 0
expect_json "no --alpn: nothing negotiated" .handshake.alpn null
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" --alpn h2,http/1.1 127.0.0.1:4449
expect "--alpn: text" 0 '· ALPN h2 \(offered h2, http/1.1\)$'

# --save-chain: the server's certificates as sent, the PEM that
# openssl s_client -showcerts shows; never replaced without --force
SAVED="$TMPD/saved.pem"
run mtlsprobe $COMMON --save-chain "$SAVED" 127.0.0.1:4448
expect "--save-chain" 0
expect_json "--save-chain: reported" '.saved_chain | "\(.file) \(.certificates)"' "$SAVED 2"
openssl s_client -connect 127.0.0.1:4448 -showcerts </dev/null 2>/dev/null |
	sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' >"$TMPD/showcerts.pem"
checks=$((checks + 1))
if [ -s "$TMPD/showcerts.pem" ] && cmp -s "$SAVED" "$TMPD/showcerts.pem"; then
	echo "ok: --save-chain: the same PEM as s_client -showcerts"
else
	fail "--save-chain: not what s_client -showcerts shows"
fi
checks=$((checks + 1))
if openssl verify -CAfile "$PKI/root-ca.crt" -untrusted "$SAVED" "$SAVED" >/dev/null; then
	echo "ok: --save-chain: openssl verifies the saved chain"
else
	fail "--save-chain: openssl cannot verify the saved chain"
fi
echo keep >"$TMPD/keep.pem"
run mtlsprobe $COMMON --save-chain "$TMPD/keep.pem" 127.0.0.1:4448
expect "--save-chain: an existing file" 2 '' 'keep.pem: file exists \(use --force to replace it\)'
checks=$((checks + 1))
if [ "$(cat "$TMPD/keep.pem")" = keep ]; then echo "ok: not replaced"; else fail "replaced without --force"; fi
run mtlsprobe $COMMON --save-chain "$TMPD/keep.pem" --force 127.0.0.1:4448
expect "--save-chain --force" 0
checks=$((checks + 1))
if cmp -s "$TMPD/keep.pem" "$SAVED"; then echo "ok: replaced with --force"; else fail "--force did not replace"; fi
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" --save-chain "$TMPD/text.pem" 127.0.0.1:4448
expect "--save-chain: text" 0 "^Server chain saved to $TMPD/text.pem \\(2 certificates, PEM\\)\$"
run mtlsprobe $COMMON --save-chain "$TMPD/none.pem" 127.0.0.1:4443
expect "--save-chain: no certificate received" 1 '' 'none.pem: not written: the server sent no certificate'
checks=$((checks + 1))
if [ -e "$TMPD/none.pem" ]; then fail "--save-chain left a file"; else echo "ok: nothing written"; fi
checks=$((checks + 1))
if ls "$TMPD" | grep -q '^\.\?none\|\.tmp'; then fail "a temporary file was left"; else echo "ok: no temporary file left"; fi
finish
