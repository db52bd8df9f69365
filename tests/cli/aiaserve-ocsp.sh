#!/bin/sh
# aiaserve's OCSP responder as real clients see it, in a private network
# namespace: `openssl ocsp` (POST, and GET through curl with the answer
# checked by `openssl ocsp -respin`), GnuTLS `ocsptool` and chainview
# --revocation ocsp must verify its answers and read good, revoked (time
# and reason, from the CRL or an index.txt) and unknown; answers signed by
# the CA (RSA and ECDSA) and by a delegated responder; the nonce echoed;
# malformed requests; the stale and revoked faults; the --log lines; the
# --xml document against man/aiaserve.rng.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq curl openssl

P="$FX/pki"
PKI="$TMPD/pki"
mkdir "$PKI"
cp "$P/root-ca.crt" "$P/int-ca.crt" "$P/int-ca.crl" "$PKI/"
LOG="$TMPD/log"
: >"$LOG"
as_pid=""
as_stop() {
	[ -n "$as_pid" ] || return 0
	kill "$as_pid" 2>/dev/null
	wait "$as_pid"
	as_pid=""
}
add_cleanup as_stop

# as_start ARGS...: aiaserve --json ARGS in the background, listening on
# 127.0.0.1:18081 (the OCSP URL of the fixtures) with the responder at /;
# $DOC is its document, $U the OCSP URL
as_start() {
	as_stop
	rm -f "$TMPD/as.fifo"
	mkfifo "$TMPD/as.fifo"
	"$BIN/aiaserve" --json --log "$LOG" --listen 127.0.0.1:18081 --ocsp-path / "$@" \
		>"$TMPD/as.fifo" 2>"$TMPD/as.err" &
	as_pid=$!
	read -r DOC <"$TMPD/as.fifo" || { cat "$TMPD/as.err"; echo "aiaserve did not start"; exit 1; }
	U=$(printf '%s' "$DOC" | jq -r '.urls[] | select(.kind == "ocsp") | .url')
}

# ext COMMAND...: run any command, its output in $out and $err, status in $rc
ext() {
	timeout 60 "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}

# ask ISSUER CERT [ARGS]: openssl ocsp POST to $U, verified against root-ca
ask() {
	i=$1 c=$2
	shift 2
	ext openssl ocsp -url "$U" -CAfile "$P/root-ca.crt" -issuer "$i" "$@" -cert "$c"
}

# --- signed by the CA, status from the CRL served -----------------------
as_start --ca-key "$P/int-ca.key" "$PKI"
checks=$((checks + 1))
if [ "$U" = "http://127.0.0.1:18081/" ]; then echo "ok: the document lists the OCSP URL"
else rc=1; printf '%s\n' "$DOC" >"$out"; : >"$err"; fail "the OCSP URL is '$U'"; fi

ask "$P/int-ca.crt" "$P/client.crt"
expect "POST: good, verified, the nonce echoed" 0 "client.crt: good" "^Response verify OK"
checks=$((checks + 1))
if grep -q -i nonce "$err"; then fail "POST: openssl complains about the nonce"; else echo "ok: no nonce warning"; fi
ask "$P/int-ca.crt" "$P/revoked-leaf.crt"
expect "POST: revoked (the CRL's entry), verified" 0 "revoked-leaf.crt: revoked" "^Response verify OK"
expect "POST: the reason of the CRL entry" 0 "Reason: keyCompromise"
expect "POST: the time of the CRL entry" 0 "Revocation Time: Jan  1 00:00:00 2021 GMT"
ask "$P/int-ca.crt" "$P/client.crt" -sha256
expect "POST, a SHA-256 CertID: good" 0 "client.crt: good" "^Response verify OK"
ask "$P/int-ca.crt" "$P/client.crt" -cert "$P/revoked-leaf.crt" -cert "$P/server.crt"
expect "POST, three certificates in one request: the second revoked" 0 "revoked-leaf.crt: revoked" \
	"^Response verify OK"
expect "POST, three certificates: the third good" 0 "server.crt: good"

# two CAs the responder serves, asked in one request: one signer (the
# first's, int-ca), so root-ca's certificate is unknown there, never
# answered under int-ca's key (RFC 6960 4.2.2.2)
as_start --ca-key "$P/int-ca.key" --ca-key "$P/root-ca.key" "$PKI"
ext openssl ocsp -url "$U" -noverify -issuer "$P/int-ca.crt" -cert "$P/client.crt" \
	-issuer "$P/root-ca.crt" -cert "$P/int-ca.crt"
expect "two CAs in one request: the first's answered" 0 "client.crt: good"
expect "two CAs in one request: the other's unknown" 0 "int-ca.crt: unknown"
as_start --ca-key "$P/int-ca.key" "$PKI"

# an issuer the responder does not know: unknown (the answer is int-ca's)
ask "$P/other-root.crt" "$P/other-leaf.crt" -noverify
expect "another issuer: unknown" 0 "other-leaf.crt: unknown"

# GET (RFC 6960 A.1): the request's base64, URL-encoded, after the path
openssl ocsp -issuer "$P/int-ca.crt" -cert "$P/revoked-leaf.crt" -reqout "$TMPD/req.der" \
	>/dev/null 2>&1
b64=$(openssl base64 -A -in "$TMPD/req.der" | sed 's/+/%2B/g; s,/,%2F,g; s/=/%3D/g')
ext curl -sS -o "$TMPD/resp.der" -w '%{http_code} %{content_type}' "$U$b64"
expect "GET: 200, application/ocsp-response" 0 "^200 application/ocsp-response$"
ext openssl ocsp -respin "$TMPD/resp.der" -reqin "$TMPD/req.der" -CAfile "$P/root-ca.crt" \
	-verify_other "$P/int-ca.crt" -resp_text
expect "GET: revoked, verified, the nonce echoed" 0 "Cert Status: revoked" "^Response verify OK"
ext curl -sS -o /dev/null -w '%{http_code}' "${U}int-ca.crt"
expect "GET of a served certificate under the OCSP path: the certificate" 0 "^200$"
ext curl -sS -o /dev/null -w '%{http_code}' "${U}nope.crt"
expect "GET of a path that is not base64: 404" 0 "^404$"

# a responder path given with a final '/': the path itself is the
# responder's, with nothing after it (was read one byte past the URL)
as_start --ca-key "$P/int-ca.key" --ocsp-path /ocsp/ "$PKI"
ext curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:18081/ocsp"
expect "--ocsp-path /ocsp/: GET /ocsp with nothing after it: 404" 0 "^404$"
ext curl -sS -o "$TMPD/resp2.der" -w '%{http_code} %{content_type}' "http://127.0.0.1:18081/ocsp/$b64"
expect "--ocsp-path /ocsp/: GET /ocsp/REQUEST: an answer" 0 "^200 application/ocsp-response$"
ext curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/ocsp-request' \
	--data-binary "@$TMPD/req.der" "http://127.0.0.1:18081/ocsp"
expect "--ocsp-path /ocsp/: POST /ocsp: an answer" 0 "^200$"
as_start --ca-key "$P/int-ca.key" "$PKI"

# a body that is no OCSPRequest: malformedRequest (OCSPResponse 30 03 0a 01 01)
ext curl -sS -H 'Content-Type: application/ocsp-request' --data-binary 'not a request' "$U"
checks=$((checks + 1))
if [ "$(od -An -tx1 "$out" | tr -d ' \n')" = 30030a0101 ]; then echo "ok: malformedRequest"
else fail "a malformed request: not answered malformedRequest"; fi
ext curl -sS -o /dev/null -w '%{http_code}' -X PUT "$U"
expect "PUT: 405" 0 "^405$"

if command -v ocsptool >/dev/null 2>&1; then
	ext ocsptool --ask="$U" --load-issuer "$P/int-ca.crt" --load-cert "$P/revoked-leaf.crt" \
		--load-signer "$P/int-ca.crt"
	expect "ocsptool: verified" 0 "Verifying OCSP Response: Success"
	expect "ocsptool: revoked" 0 "Certificate Status: revoked"
else
	echo "note: ocsptool is not installed; its checks are left out"
fi

# chainview --revocation ocsp uses the OCSP URL of the certificates
TRUST="--no-system-trust --ca-file $P/root-ca.crt"
cat "$P/client.crt" "$P/int-ca.crt" >"$TMPD/client.pem"
cat "$P/revoked-leaf.crt" "$P/int-ca.crt" >"$TMPD/revoked.pem"
# shellcheck disable=SC2086
run chainview --json $TRUST --revocation ocsp "$TMPD/client.pem"
expect "chainview: good" 0
expect_json "chainview: the leaf good by OCSP" '.chain.revocation[0] | "\(.status)/\(.method)"' "good/ocsp"
# shellcheck disable=SC2086
run chainview --json $TRUST --revocation ocsp "$TMPD/revoked.pem"
expect "chainview: revoked" 1
expect_json "chainview: reason and date" '.chain.revocation[0] | "\(.status) \(.reason) \(.revoked_at)"' \
	"revoked 1 2021-01-01T00:00:00Z"

# the log: one line per request, with what the responder said
checks=$((checks + 1))
if jq -e -s 'any(.[]; .method == "POST" and .path == "/" and .ocsp.response_status == "successful"
	and .ocsp.cert_status == "revoked" and .ocsp.serial == "46b63c3be15cd2947d06a8b34a64dbf64266b0f0")' \
	"$LOG" >/dev/null && jq -e -s 'any(.[]; .method == "GET" and .ocsp.cert_status == "revoked")' \
	"$LOG" >/dev/null && jq -e -s 'any(.[]; .ocsp.response_status == "malformedRequest")' \
	"$LOG" >/dev/null && jq -e -s 'all(.[]; .path != "/int-ca.crt" or .ocsp == null)' "$LOG" >/dev/null
then echo "ok: the log lines"; else rc=1; cp "$LOG" "$out"; : >"$err"; fail "the log lines"; fi

# --- --xml: the URLs document, valid against man/aiaserve.rng ----------
as_stop
if command -v xmllint >/dev/null 2>&1; then
	rm -f "$TMPD/ready"
	"$BIN/aiaserve" --xml --ca-key "$P/int-ca.key" --fault /int-ca.crt=drop --ready-file "$TMPD/ready" \
		"$PKI" >"$TMPD/urls.xml" 2>"$TMPD/as.err" &
	as_pid=$!
	n=0
	while [ ! -f "$TMPD/ready" ] && [ $n -lt 100 ] && kill -0 "$as_pid" 2>/dev/null; do
		sleep 0.1
		n=$((n + 1))
	done
	as_stop
	cp "$TMPD/urls.xml" "$out"
	cp "$TMPD/as.err" "$err"
	ext xmllint --noout --relaxng "$top_srcdir/man/aiaserve.rng" "$TMPD/urls.xml"
	expect "--xml: valid against aiaserve.rng" 0 "" "validates"
	ext xmllint --xpath 'string(//item[kind="ocsp"]/path)' "$TMPD/urls.xml"
	expect "--xml: the OCSP URL" 0 "^/ocsp$"
	ext xmllint --xpath 'string(//item[path="/int-ca.crt"]/fault)' "$TMPD/urls.xml"
	expect "--xml: the fault" 0 "^drop$"
	ext xmllint --xpath 'count(//item[kind="ocsp"]/subject[@nil="true"])' "$TMPD/urls.xml"
	expect "--xml: the OCSP URL's subject is nil" 0 "^1$"
else
	echo "note: xmllint is not installed; the --xml checks are left out"
fi

# --- faults --------------------------------------------------------------
as_start --ca-key "$P/int-ca.key" --fault /=stale "$PKI"
ask "$P/int-ca.crt" "$P/client.crt"
expect "stale: openssl says the times are invalid" 0 "WARNING: Status times invalid" "^Response verify OK"
expect "stale: status expired" 0 "status expired"
as_start --ca-key "$P/int-ca.key" --fault /=revoked "$PKI"
ask "$P/int-ca.crt" "$P/client.crt"
expect "revoked: client revoked, verified" 0 "client.crt: revoked" "^Response verify OK"
expect "revoked: reason unspecified" 0 "Reason: unspecified"
ask "$P/other-root.crt" "$P/other-leaf.crt" -noverify
expect "revoked: another issuer still unknown" 0 "other-leaf.crt: unknown"
as_start --ca-key "$P/int-ca.key" --fault /=status=503 "$PKI"
ask "$P/int-ca.crt" "$P/client.crt"
expect "status=503 on the responder" 1 "" "code=503"

# --- an index.txt instead of a CRL; an ECDSA CA -------------------------
printf 'R\t20700101000000Z\t220301120000Z,superseded\t2FC0602A8F16F568C2C6CFC4C2620A973B08F758\tunknown\t/CN=client.example.test\nV\t20700101000000Z\t\t46B63C3BE15CD2947D06A8B34A64DBF64266B0F0\tunknown\t/CN=x\n' \
	>"$TMPD/index.txt"
as_start --ca-key "$P/int-ca.key" --index "/int-ca.crt=$TMPD/index.txt" "$P/int-ca.crt" "$P/root-ca.crt"
ask "$P/int-ca.crt" "$P/client.crt"
expect "index: R is revoked" 0 "client.crt: revoked" "^Response verify OK"
expect "index: with its reason" 0 "Reason: superseded"
expect "index: and its time" 0 "Revocation Time: Mar  1 12:00:00 2022 GMT"
ask "$P/int-ca.crt" "$P/revoked-leaf.crt"
expect "index: V is good (no CRL served)" 0 "revoked-leaf.crt: good"

as_start --ca-key "$P/ec-int.key" "$P/ec-int.crt" "$P/ec-root.crt"
ext openssl ocsp -issuer "$P/ec-int.crt" -cert "$P/ec-leaf.crt" -url "$U" -CAfile "$P/ec-root.crt" \
	-resp_text
expect "ECDSA CA: good, verified" 0 "ec-leaf.crt: good" "^Response verify OK"
expect "ECDSA CA: signed with ECDSA" 0 "Signature Algorithm: ecdsa-with-SHA"

# --- a delegated responder ----------------------------------------------
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMPD/rs.key" \
	-subj "/CN=chainkit OCSP responder" -out "$TMPD/rs.csr" 2>/dev/null
printf 'extendedKeyUsage=OCSPSigning\nbasicConstraints=CA:FALSE\n' >"$TMPD/rs.ext"
printf 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n' >"$TMPD/norm.ext"
openssl x509 -req -in "$TMPD/rs.csr" -CA "$P/int-ca.crt" -CAkey "$P/int-ca.key" -set_serial 0x77 \
	-days 3650 -extfile "$TMPD/rs.ext" -out "$TMPD/rs.crt" 2>/dev/null
openssl x509 -req -in "$TMPD/rs.csr" -CA "$P/int-ca.crt" -CAkey "$P/int-ca.key" -set_serial 0x78 \
	-days 3650 -extfile "$TMPD/norm.ext" -out "$TMPD/norm.crt" 2>/dev/null
as_start --responder "$TMPD/rs.crt" --responder-key "$TMPD/rs.key" "$PKI"
ask "$P/int-ca.crt" "$P/revoked-leaf.crt" -resp_text
expect "responder: revoked, verified" 0 "revoked-leaf.crt: revoked" "^Response verify OK"
expect "responder: its certificate in the answer" 0 "Subject: CN ?= ?chainkit OCSP responder"
if command -v ocsptool >/dev/null 2>&1; then
	ext ocsptool --ask="$U" --load-issuer "$P/int-ca.crt" --load-cert "$P/client.crt" \
		--load-trust "$P/int-ca.crt"
	expect "responder, ocsptool: verified through int-ca" 0 "Verifying OCSP Response: Success"
fi
as_stop

run aiaserve --responder "$TMPD/norm.crt" --responder-key "$TMPD/rs.key" "$PKI"
expect "a responder without id-kp-OCSPSigning: usage error" 2 "" \
	"^aiaserve: $TMPD/norm.crt: the responder .* lacks id-kp-OCSPSigning"
run aiaserve --responder "$TMPD/rs.crt" --responder-key "$P/int-ca.key" "$PKI"
expect "a responder with another key: usage error" 2 "" "the key is not the key of CN=chainkit OCSP responder"
run aiaserve --responder "$TMPD/rs.crt" --responder-key "$TMPD/rs.key" "$P/root-ca.crt"
expect "a responder of no CA served: usage error" 2 "" "the responder was issued by no CA served"
run aiaserve --responder "$TMPD/rs.crt" "$PKI"
expect "--responder alone: usage error" 2 "" "--responder and --responder-key go together"
# the CA's name but another key's signature (int-ca-rekeyed: same name)
openssl x509 -req -in "$TMPD/rs.csr" -CA "$P/int-ca-rekeyed.crt" -CAkey "$P/int-ca-rekeyed.key" \
	-set_serial 0x79 -days 3650 -extfile "$TMPD/rs.ext" -out "$TMPD/rs-other.crt" 2>/dev/null
run aiaserve --responder "$TMPD/rs-other.crt" --responder-key "$TMPD/rs.key" "$PKI"
expect "a responder signed by another key of the CA's name: usage error" 2 "" \
	"the responder CN=chainkit OCSP responder was not issued by CN=chainkit Issuing CA 1"
printf 'X\tbad\n' >"$TMPD/bad.txt"
run aiaserve --ca-key "$P/int-ca.key" --index "/int-ca.crt=$TMPD/bad.txt" "$PKI"
expect "a malformed index: input error naming the line" 3 "" "^aiaserve: $TMPD/bad.txt: line 1: not an index.txt line"
expect_one_line_error "a malformed index"
run aiaserve --ca-key "$P/int-ca.key" --index "/root-ca.crt=$TMPD/index.txt" "$PKI"
expect "--index for a CA without a signer: usage error" 2 "" "--index: /root-ca.crt is not the certificate of a CA answered for"
run aiaserve --fault /ocsp=revoked "$PKI"
expect "revoked without a responder: usage error" 2 "" "revoked at /ocsp needs the OCSP responder"

finish
