#!/bin/sh
# chainview shows a certificate request (issue 24, item 14): subject, key,
# requested extensions and names, the signature checked with the request's
# own key; PEM and DER; text, JSON and XML (against the schema).  A request
# whose signature does not verify is a csr-bad-signature error (exit 1).
. "$top_srcdir/tests/lib.sh"
need jq xmllint openssl python3

K="$FX/pki/client.key"
openssl req -new -key "$K" -subj "/O=chainkit tests/CN=csr.example.test" \
	-addext "subjectAltName=DNS:csr.example.test,DNS:www.csr.example.test,IP:192.0.2.7" \
	-addext "keyUsage=critical,digitalSignature" -out "$TMPD/req.pem" 2>/dev/null ||
	skip "openssl req cannot make a request"
openssl req -in "$TMPD/req.pem" -outform DER -out "$TMPD/req.der"
# the same request with the last byte of its signature changed
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-1] ^= 1
open(sys.argv[2], "wb").write(d)' "$TMPD/req.der" "$TMPD/bad-sig.der"

run chainview "$TMPD/req.pem"
expect "PEM request" 0 "^$TMPD/req.pem: certificate request \\(CSR\\), PEM$"
expect "subject" 0 '^  subject    CN=csr.example.test,O=chainkit tests$'
expect "key" 0 '^  key        RSA 2048$'
expect "signature checked" 0 '^  signature  RSA-SHA256 · ✓ signed by its own key$'
expect "requested extensions" 0 '^  requested extensions: 2$'
expect "key usage, critical" 0 '^    keyUsage \(critical\)$'
expect "names" 0 '^  names      DNS:csr.example.test$'
expect "IP name" 0 '^             IP:192.0.2.7$'

run chainview "$TMPD/req.der"
expect "DER request" 0 "^$TMPD/req.der: certificate request \\(CSR\\), DER$"
run chainview "$FX/bad/client.csr"
expect "DER request without extensions" 0 '^  requested extensions: 0$'

run chainview "$TMPD/bad-sig.der"
expect "bad signature" 1 '^  signature  RSA-SHA256 · ✗ does not verify with its own key$'
expect "bad signature: the finding" 1 '^  error   csr-bad-signature: '

run chainview --json "$TMPD/req.pem"
expect "json" 0
expect_json "json: subject" '.csr.subject' 'CN=csr.example.test,O=chainkit tests'
expect_json "json: key" '"\(.csr.key.type) \(.csr.key.bits)"' 'RSA 2048'
expect_json "json: signature" '.csr.signature_valid' true
expect_json "json: extensions" '[.csr.extensions[] | "\(.name):\(.critical)"] | join(",")' \
	'subjectAltName:false,keyUsage:true'
expect_json "json: names" '.csr.subject_alt_names | join(",")' \
	'DNS:csr.example.test,DNS:www.csr.example.test,IP:192.0.2.7'
run chainview --json "$TMPD/bad-sig.der"
expect_json "json: bad signature" '"\(.csr.signature_valid) \(.findings[0].code) \(.summary.errors)"' \
	'false csr-bad-signature 1'

for f in req.pem bad-sig.der; do
	run chainview --xml "$TMPD/$f"
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/chainview.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($f)"
	else
		cat "$TMPD/xmllint"
		fail "XML does not validate ($f)"
	fi
done

# a PEM file with certificates and a request is a bundle: its chain is shown
cat "$FX/bundles/client-chain.pem" "$TMPD/req.pem" >"$TMPD/mixed.pem"
run chainview --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" "$TMPD/mixed.pem"
expect_json "certificates and a request: the chain" '"\(.chain.path | length) \(.chain.valid) \(has("csr"))"' '3 true false'

# a request read from standard input
run_stdin "$TMPD/req.pem" chainview -
expect "stdin" 0 '^-: certificate request \(CSR\), PEM$'
finish
