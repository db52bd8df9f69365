#!/bin/sh
# aiaserve: what it serves, byte for byte, and every fault mode as a real
# client sees it (curl, and aiacheck's classes), with the --log lines, in
# a private network namespace.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq curl openssl

PKI="$TMPD/pki"
mkdir "$PKI"
cp "$FX/pki/root-ca.crt" "$FX/pki/int-ca.crt" "$FX/pki/int-ca.der" "$FX/pki/int-ca.crl" \
	"$FX/pki/root-ca.crl" "$FX/pki/int-ca.key" "$PKI/"
LOG="$TMPD/log"
as_pid=""
as_stop() {
	[ -n "$as_pid" ] || return 0
	kill "$as_pid" 2>/dev/null
	wait "$as_pid"
	as_rc=$?
	as_pid=""
}
add_cleanup as_stop

# as_start ARGS...: aiaserve --json ARGS in the background; $DOC is its
# document, $H its base URL (read from a fifo: no sleeps)
as_start() {
	rm -f "$TMPD/as.fifo"
	mkfifo "$TMPD/as.fifo"
	"$BIN/aiaserve" --json --log "$LOG" "$@" >"$TMPD/as.fifo" 2>"$TMPD/as.err" &
	as_pid=$!
	read -r DOC <"$TMPD/as.fifo" || { cat "$TMPD/as.err"; echo "aiaserve did not start"; exit 1; }
	H=$(printf '%s' "$DOC" | jq -r .base)
}
url_of() { printf '%s' "$DOC" | jq -r --arg p "$1" '.urls[] | select(.path == $p) | .url'; }

# check NAME COMMAND...: the command succeeds
check() {
	name=$1
	shift
	checks=$((checks + 1))
	if "$@" >"$TMPD/check.out" 2>&1; then
		echo "ok: $name"
	else
		rc=$?; cp "$TMPD/check.out" "$out"; : >"$err"
		fail "$name"
	fi
}

# log_has NAME JQ-FILTER: some --log line matches the filter
log_has() {
	checks=$((checks + 1))
	if jq -e -s "any(.[]; $2)" "$LOG" >/dev/null 2>&1; then
		echo "ok: log: $1"
	else
		rc=1; cp "$LOG" "$out"; : >"$err"
		fail "log: $1"
	fi
}

# curl_code NAME WANT URL [CURL-ARGS]: curl's exit status
curl_code() {
	name=$1 want=$2 u=$3
	shift 3
	curl -sS -o "$TMPD/body" "$@" "$u" 2>"$TMPD/curl.err"
	rc=$?
	checks=$((checks + 1))
	if [ "$rc" = "$want" ]; then
		echo "ok: $name (curl exit $rc)"
	else
		cp "$TMPD/curl.err" "$out"; : >"$err"
		fail "$name: curl exit status $rc, expected $want"
	fi
}

# --- what is served, byte for byte -------------------------------------
: >"$LOG"
as_start "$PKI"
check "the document lists six URLs" test "$(printf '%s' "$DOC" | jq '.urls | length')" = 6
check "a .crt and a .der of one certificate are one URL" \
	test "$(printf '%s' "$DOC" | jq -r '[.urls[].path] | join(" ")')" = \
	"/int-ca.crl /int-ca.crt /int-ca.p7c /root-ca.crl /root-ca.crt /root-ca.p7c"
curl_code "crt" 0 "$H/int-ca.crt"
check "crt: the DER, byte for byte" cmp "$TMPD/body" "$FX/pki/int-ca.der"
curl -sS -o /dev/null -w '%{content_type}' "$H/int-ca.crt" >"$TMPD/ct"
check "crt: application/pkix-cert" grep -qx application/pkix-cert "$TMPD/ct"
curl_code "p7c" 0 "$H/root-ca.p7c"
openssl pkcs7 -inform der -in "$TMPD/body" -print_certs -out "$TMPD/p7.pem" 2>"$TMPD/openssl.err"
openssl x509 -in "$TMPD/p7.pem" -outform der -out "$TMPD/p7.der" 2>>"$TMPD/openssl.err"
check "p7c: openssl reads the root certificate in it" cmp "$TMPD/p7.der" "$FX/pki/root-ca.der"
curl_code "crl" 0 "$H/int-ca.crl"
openssl crl -in "$FX/pki/int-ca.crl" -outform der -out "$TMPD/crl.der"
check "crl: the DER of the CRL given" cmp "$TMPD/body" "$TMPD/crl.der"
curl_code "unknown path: 404" 22 "$H/nope.crt" -f
curl -sS -o /dev/null -D "$TMPD/hdr" -X POST "$H/int-ca.crt"
check "POST: 405 with Allow" grep -qi '^Allow: GET, HEAD' "$TMPD/hdr"
curl_code "a path that is not UTF-8: 404" 22 "$H/%ff.crt?a=%fe" -f
curl -sS -I -o "$TMPD/hdr" "$H/int-ca.crt"
check "HEAD: Content-Length and no body" grep -qi "^Content-Length: $(wc -c <"$FX/pki/int-ca.der" | tr -d ' ')" "$TMPD/hdr"
run aiacheck --json --no-system-trust --url "$H/int-ca.crt"
expect "aiacheck: ok" 0
expect_json "aiacheck: a certificate" '.urls[0].content.type' certificates
as_stop
check "SIGTERM: exit status 0" test "$as_rc" = 0
log_has "one line per request, every field" \
	'.path == "/int-ca.crt" and .method == "GET" and .status == 200 and .fault == null and .bytes == 995 and .client == "127.0.0.1" and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$")) and (.duration_ms | type) == "number"'
log_has "404" '.path == "/nope.crt" and .status == 404 and .bytes == 0'
log_has "POST" '.method == "POST" and .status == 405'
log_has "HEAD sends no body" '.method == "HEAD" and .status == 200 and .bytes == 0'
log_has "a path that is not UTF-8 is logged (U+FFFD)" '.status == 404 and (.path | test("^/\ufffd\\.crt$"))'
check "the log is JSON Lines, one per request (9)" test "$(jq -c . "$LOG" | wc -l)" = 9

# --- faults ------------------------------------------------------------
: >"$LOG"
as_start "$PKI" --fault /int-ca.crt=drop --fault /root-ca.crt=refuse --fault /int-ca.p7c=hang \
	--fault /root-ca.p7c=delay=1 --fault /int-ca.crl=slow=1000 --fault /nothing=status=503 \
	--fault /root-ca.crl=redirect=3 --fault /loop=redirect=1
DROP=$(url_of /int-ca.crt)
REFUSE=$(url_of /root-ca.crt)
check "drop: a port of its own" test "${DROP%/int-ca.crt}" != "$H"
check "refuse: a port of its own" test "${REFUSE%/root-ca.crt}" != "$H"
check "the document names each fault" test "$(printf '%s' "$DOC" | jq -r '.urls[] | select(.path == "/root-ca.p7c") | .fault')" = delay=1
curl_code "drop: the connect times out" 28 "$DROP" --connect-timeout 1
run aiacheck --json --no-system-trust --connect-timeout 1 --url "$DROP"
expect "drop: aiacheck exit status" 1
expect_json "drop: aiacheck says dropped" '.urls[0].result' dropped
curl_code "refuse: connection refused" 7 "$REFUSE"
run aiacheck --json --no-system-trust --url "$REFUSE"
expect_json "refuse: aiacheck says refused" '.urls[0].result' refused
curl_code "drop on the main port: never answered" 28 "$H/int-ca.crt" -m 1
curl_code "refuse on the main port: closed, no answer" 52 "$H/root-ca.crt"
curl_code "hang: accepted, never answered" 28 "$H/int-ca.p7c" -m 1
run aiacheck --json --no-system-trust --timeout 1 --url "$H/int-ca.p7c"
expect_json "hang: aiacheck says timeout" '.urls[0].result' timeout
t0=$(date +%s%N)
curl_code "delay=1" 0 "$H/root-ca.p7c"
t1=$(date +%s%N)
check "delay=1: the answer takes 1 s or more" test $(((t1 - t0) / 1000000)) -ge 1000
check "delay=1: then the PKCS#7" openssl pkcs7 -inform der -in "$TMPD/body" -noout
t0=$(date +%s%N)
curl_code "slow=1000" 0 "$H/int-ca.crl"
t1=$(date +%s%N)
check "slow=1000: the CRL's bytes" cmp "$TMPD/body" "$TMPD/crl.der"
ms=$(((t1 - t0) / 1000000))
want=$(($(wc -c <"$TMPD/crl.der") * 1000 / 1000))
check "slow=1000: takes its size / 1000 s ($ms ms for $want ms)" test "$ms" -ge $((want - 100))
run aiacheck --json --no-system-trust --timeout 0.2 --url "$H/int-ca.crl"
expect_json "slow: aiacheck says timeout" '.urls[0].result' timeout
curl_code "status=503 on a path not served" 22 "$H/nothing" -f
run aiacheck --json --no-system-trust --url "$H/nothing"
expect_json "status=503: aiacheck says http-error" '.urls[0].result' http-error
expect_json "status=503: the status" '.urls[0].http_status' 503
curl_code "redirect=3: curl gives up after 10" 47 "$H/root-ca.crl" -L --max-redirs 10
curl -sS -o /dev/null -w '%{redirect_url}' "$H/root-ca.crl" >"$TMPD/loc"
check "redirect=3: the first hop" grep -q '/root-ca.crl?hop=1$' "$TMPD/loc"
curl -sS -o /dev/null -w '%{redirect_url}' "$H/root-ca.crl?hop=2" >"$TMPD/loc"
check "redirect=3: the third hop goes back to the start" grep -q '/root-ca.crl$' "$TMPD/loc"
curl -sS -o /dev/null -w '%{redirect_url}' "$H/loop" >"$TMPD/loc"
check "redirect=1: to itself" grep -q '/loop$' "$TMPD/loc"
run aiacheck --json --no-system-trust --url "$H/root-ca.crl"
expect_json "redirect: aiacheck says http-error" '.urls[0].result' http-error
# faults of the connection happen whatever the method (an OCSP POST);
# the answers are for GET and HEAD
curl_code "hang: a POST is not answered either" 28 "$H/int-ca.p7c" -m 1 --data-binary x
curl_code "status=503: a POST gets it too" 22 "$H/nothing" -f --data-binary x
curl -sS -o /dev/null -w '%{http_code}' --data-binary x "$H/root-ca.p7c" >"$TMPD/code"
check "delay: a POST gets 405" grep -qx 405 "$TMPD/code"
as_stop
check "stopped with hung connections: exit status 0" test "$as_rc" = 0
log_has "drop on the main port: no status" '.path == "/int-ca.crt" and .status == null and .fault == "drop"'
log_has "refuse: no status" '.path == "/root-ca.crt" and .status == null and .fault == "refuse"'
log_has "hang: no status, no bytes" '.path == "/int-ca.p7c" and .status == null and .bytes == 0 and .fault == "hang"'
log_has "delay" '.path == "/root-ca.p7c" and .status == 200 and .duration_ms >= 1000 and .fault == "delay=1"'
log_has "slow" '.path == "/int-ca.crl" and .status == 200 and .bytes == 497 and .fault == "slow=1000"'
log_has "status" '.path == "/nothing" and .status == 503 and .fault == "status=503"'
log_has "hang: the POST" '.path == "/int-ca.p7c" and .method == "POST" and .status == null and .fault == "hang"'
log_has "status: the POST" '.path == "/nothing" and .method == "POST" and .status == 503'
log_has "delay: a POST, no fault" '.path == "/root-ca.p7c" and .method == "POST" and .status == 405 and .fault == null'
log_has "redirect, with its query" '.path == "/root-ca.crl" and .query == "hop=1" and .status == 302'
check "the dropped port saw nothing: no request logged on it" \
	test "$(jq -s '[.[] | select(.path == "/int-ca.crt")] | length' "$LOG")" = 1

# --- content faults ----------------------------------------------------
: >"$LOG"
# on the port the fixtures' AIA and CRL URLs name (the namespace is ours)
as_start "$PKI" --listen 127.0.0.1:18080 --fault /int-ca.crt=garbage --fault /root-ca.crt=wrong-cert \
	--fault /int-ca.p7c=huge
check "--listen: that port" test "$H" = http://127.0.0.1:18080
curl_code "garbage" 0 "$H/int-ca.crt"
check "garbage: as long as the certificate" test "$(wc -c <"$TMPD/body")" = "$(wc -c <"$FX/pki/int-ca.der")"
check "garbage: not the certificate" sh -c "! cmp -s '$TMPD/body' '$FX/pki/int-ca.der'"
run aiacheck --json --no-system-trust "$FX/pki/server.crt"
expect "garbage: aiacheck finds a problem" 1
expect_json "garbage: aiacheck says bad-content" \
	'.urls[] | select(.url == "http://127.0.0.1:18080/int-ca.crt") | .result' bad-content
expect_json "garbage: the CRL next to it is fine" \
	'.urls[] | select(.url == "http://127.0.0.1:18080/int-ca.crl") | .result' ok
curl_code "wrong-cert" 0 "$H/root-ca.crt"
check "wrong-cert: the other CA's certificate" cmp "$TMPD/body" "$FX/pki/int-ca.der"
curl -sS "$H/int-ca.p7c" 2>/dev/null | head -c 10485760 | wc -c >"$TMPD/n"
check "huge: more than 10 MiB, streamed" test "$(cat "$TMPD/n")" = 10485760
run aiacheck --json --no-system-trust --url "$H/int-ca.p7c"
expect_json "huge: aiacheck says too-large" '.urls[0].result' too-large
as_stop
log_has "garbage" '.path == "/int-ca.crt" and .fault == "garbage" and .bytes == 995'
log_has "huge: bytes counted" '.path == "/int-ca.p7c" and .fault == "huge" and .bytes >= 10485760'
as_start "$PKI" --listen 127.0.0.1:18080 --fault /int-ca.crt=wrong-cert
run aiacheck --json --no-system-trust "$FX/pki/server.crt"
expect_json "wrong-cert: aiacheck says wrong-issuer" \
	'.urls[] | select(.url == "http://127.0.0.1:18080/int-ca.crt") | .result' wrong-issuer
as_stop

# --- CRLs re-signed with --ca-key ----------------------------------------
: >"$LOG"
as_start "$PKI" --listen 127.0.0.1:18080 --ca-key "$FX/pki/int-ca.key" --ca-key "$FX/pki/root-ca.key" \
	--fault /root-ca.crl=stale
now=$(date +%s)
curl_code "re-signed CRL" 0 "$H/int-ca.crl"
check "re-signed: openssl verifies it with the CA" \
	openssl crl -inform der -in "$TMPD/body" -CAfile "$FX/pki/int-ca.crt" -noout -verify
openssl crl -inform der -in "$TMPD/body" -noout -lastupdate -nextupdate -crlnumber >"$TMPD/dates"
last=$(date -d "$(sed -n 's/^lastUpdate=//p' "$TMPD/dates")" +%s)
next=$(date -d "$(sed -n 's/^nextUpdate=//p' "$TMPD/dates")" +%s)
check "re-signed: thisUpdate is now" test $((last - now)) -ge -5 -a $((last - now)) -le 5
check "re-signed: nextUpdate in 24 hours" test $((next - last)) = 86400
check "re-signed: cRLNumber is thisUpdate" test "$(printf '%d' "$(sed -n 's/^crlNumber=//p' "$TMPD/dates")")" = "$last"
openssl crl -inform der -in "$TMPD/body" -noout -text >"$TMPD/text"
check "re-signed: the entry and its reason kept" grep -q 'Key Compromise' "$TMPD/text"
check "re-signed: the extensions kept" grep -q 'Authority Key Identifier' "$TMPD/text"
curl_code "stale CRL" 0 "$H/root-ca.crl"
check "stale: openssl verifies it with the CA" \
	openssl crl -inform der -in "$TMPD/body" -CAfile "$FX/pki/root-ca.crt" -noout -verify
openssl crl -inform der -in "$TMPD/body" -noout -nextupdate >"$TMPD/dates"
next=$(date -d "$(sed -n 's/^nextUpdate=//p' "$TMPD/dates")" +%s)
check "stale: nextUpdate a day ago" test $((now - next)) -ge 86390 -a $((now - next)) -le 86410
run aiacheck --json --no-system-trust "$FX/pki/server.crt"
expect_json "re-signed: aiacheck takes the CRL" \
	'.urls[] | select(.url == "http://127.0.0.1:18080/int-ca.crl") | .result' ok
as_stop
as_start "$PKI" --listen 127.0.0.1:18080 --ca-key "$FX/pki/int-ca.key" --fault /int-ca.crl=stale
run aiacheck --json --no-system-trust "$FX/pki/server.crt"
expect_json "stale: aiacheck says stale" \
	'.urls[] | select(.url == "http://127.0.0.1:18080/int-ca.crl") | .result' stale
as_stop
log_has "stale" '.path == "/int-ca.crl" and .fault == "stale" and .status == 200'

# --- a fault given as this server's URL ---------------------------------
as_start "$PKI" --listen 127.0.0.1:18080 --fault http://127.0.0.1:18080/int-ca.crt=status=503 \
	--fault http://127.0.0.1:18080/root-ca.crt=drop
check "a URL's fault is listed at its path" \
	test "$(printf '%s' "$DOC" | jq -r '.urls[] | select(.path == "/int-ca.crt") | .fault')" = status=503
curl_code "status=503 given as a URL" 22 "$H/int-ca.crt" -f
check "drop given as a URL: a port of its own" \
	test "$(url_of /root-ca.crt)" != "http://127.0.0.1:18080/root-ca.crt"
curl_code "the other paths are served" 0 "$H/int-ca.p7c" -f
as_stop
log_has "a URL's fault" '.path == "/int-ca.crt" and .status == 503 and .fault == "status=503"'

finish
