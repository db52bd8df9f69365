#!/bin/sh
# aiacheck: what each URL serves — caIssuers as DER, PEM or .p7c, from the
# right or the wrong CA; CRLs fresh, stale, listing the certificate, of
# another CA; delta CRLs; OCSP good, revoked, unknown, wrongly signed —
# from nginx and `openssl ocsp` in a private network namespace.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq
need_servers nginx openssl

www_setup
web
ocsp_start

DEMO="--password demo $FX/demo/client.pfx"
# url KIND CERT FIELD: a field of the first URL of KIND of certificate CERT
url() { printf '.urls[] | select(.kind == "%s" and .certificate == %s) | %s' "$1" "$2" "$3"; }

# A complete, healthy set: DER issuers, fresh CRLs, OCSP good (POST and GET)
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" --ocsp-get $DEMO
expect "all fine: exit 0" 0
expect_json "caIssuers: DER, the issuer" "$(url ca-issuers 0 '.result + " " + .content.format + " " + (.content.issued_certificate|tostring)')" "ok der true"
expect_json "caIssuers: signature verified" "$(url ca-issuers 0 .content.signature_verified)" true
expect_json "the fetched issuer joins the chain" '.certificates[1].source + " " + .certificates[1].origin' "fetched http://127.0.0.1:18080/int-ca.crt"
expect_json "the chain is complete and trusted" '.chain.status + " " + (.chain.trusted|tostring)' "complete true"
expect_json "missing from the input, fetched" '.missing[0].issuer + " " + (.missing[0].fetched|tostring)' "CN=chainkit Issuing CA 1,O=chainkit tests 1"
expect_json "the fetched issuer's URLs are checked too" "$(url crl 1 '.url + " " + .result')" "http://127.0.0.1:18080/root-ca.crl ok"
expect_json "CRL: fresh, signed by the issuer, not listed" "$(url crl 0 '.result + " " + (.content.signature_verified|tostring) + " " + (.content.listed|tostring)')" "ok true false"
expect_json "CRL: dates" "$(url crl 0 '.content.this_update + " " + .content.next_update')" "2020-01-01T00:00:00Z 2070-01-01T00:00:00Z"
expect_json "OCSP POST: good" '.urls[] | select(.kind == "ocsp" and .method == "POST") | .result + " " + .content.cert_status' "ok good"
expect_json "OCSP POST: responder signature" '.urls[] | select(.kind == "ocsp" and .method == "POST") | .content.signature_verified' true
expect_json "OCSP GET (RFC 5019): good" '.urls[] | select(.kind == "ocsp" and .method == "GET") | .result + " " + .content.cert_status' "ok good"
expect_json "OCSP GET: the request is in the URL" '.urls[] | select(.kind == "ocsp" and .method == "GET") | .requested | startswith("http://127.0.0.1:18081/M")' true
expect_json "OCSP: nextUpdate given by the responder" '.urls[] | select(.kind == "ocsp" and .method == "POST") | .content.next_update | type' string
expect_json "OCSP waits for the issuer: round 2" '.urls[] | select(.kind == "ocsp" and .method == "POST") | .round' 2
expect_json ".NET fetches the intermediate; the root is in its store" '[.runtimes[0].fetches[] | .address] | join(" ")' "http://127.0.0.1:18080/int-ca.crt"
expect_json ".NET: no problem" '.runtimes[0].problem' false
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust $DEMO
expect_json "without the root in a store, .NET fetches both, in order" '[.runtimes[0].fetches[] | .address] | join(" ")' "http://127.0.0.1:18080/int-ca.crt http://127.0.0.1:18080/root-ca.crt"

# PEM issuer
cp "$FX/pki/int-ca.crt" "$WWW/int-ca.crt"
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" $DEMO
expect_json "caIssuers: PEM" "$(url ca-issuers 0 '.result + " " + .content.format')" "ok pem"
expect_json ".NET reads PEM" '.runtimes[0].fetches[0].success' true

# certs-only PKCS#7 (.p7c): fine for Java, not for .NET
cp "$FX/aia/int-ca.p7c" "$WWW/int-ca.crt"
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" --as all $DEMO
expect ".p7c: .NET cannot use it" 1
expect_json "caIssuers: PKCS#7" "$(url ca-issuers 0 '.result + " " + .content.format')" "ok pkcs7"
expect_json ".NET fails on the .p7c" '.runtimes[] | select(.name == "dotnet-linux") | .fetches[0].success' false
expect_json ".NET says why" '.runtimes[] | select(.name == "dotnet-linux") | .fetches[0].note | test("PKCS#7")' true
expect_json "Java reads it" '.runtimes[] | select(.name == "java-aia") | .fetches[0].success' true

# the wrong certificate behind the URL
cp "$FX/pki/other-root.der" "$WWW/int-ca.crt"
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust $DEMO
expect "wrong issuer" 1
expect_json "caIssuers: wrong-issuer" "$(url ca-issuers 0 .result)" wrong-issuer
expect_json "wrong-issuer: says what was served" "$(url ca-issuers 0 '.note | test("serves CN=chainkit Other Root CA")')" true
expect_json "wrong-issuer: not added to the chain" '.chain.status' incomplete

# not a certificate at all
echo '<html><body>Moved</body></html>' >"$WWW/int-ca.crt"
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust $DEMO
expect_json "caIssuers: bad-content" "$(url ca-issuers 0 .result)" bad-content
cp "$FX/pki/int-ca.der" "$WWW/int-ca.crt"

# CRLs: stale, of another CA; --strict makes any failure count
cp "$FX/aia/int-ca-stale.crl" "$WWW/int-ca.crl"
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" $DEMO
expect "stale CRL: .NET does not need it without revocation" 0
expect_json "CRL: stale" "$(url crl 0 '.result + " " + .content.next_update')" "stale 2021-01-01T00:00:00Z"
# shellcheck disable=SC2086
run aiacheck --json --strict --no-system-trust --ca-file "$FX/pki/root-ca.crt" $DEMO
expect "stale CRL with --strict" 1
# shellcheck disable=SC2086
run aiacheck --json --revocation --no-system-trust --ca-file "$FX/pki/root-ca.crt" $DEMO
expect "stale CRL, .NET with revocation on: falls back to OCSP, which is good" 0
expect_json "--revocation: CRL then OCSP" '[.runtimes[0].fetches[] | .purpose] | join(",")' "issuer,crl,ocsp,crl"
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust --at 2020-12-31T12:00:00Z --warn-hours 24 $DEMO
expect_json "CRL: a warning within --warn-hours" "$(url crl 0 '.result + " " + (.warning|tostring)')" "ok true"
run aiacheck --json --no-system-trust --at 2020-12-31T12:00:00Z --warn-hours 6 --password demo "$FX/demo/client.pfx"
expect_json "CRL: no warning outside --warn-hours" "$(url crl 0 '.result + " " + (.warning|tostring)')" "ok false"
cp "$FX/pki/root-ca.crl" "$WWW/int-ca.crl"
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust $DEMO
expect_json "CRL of another CA: wrong-issuer" "$(url crl 0 .result)" wrong-issuer
cp "$FX/pki/int-ca.crl" "$WWW/int-ca.crl"
run aiacheck --json --no-system-trust --at 2071-01-01 --password demo "$FX/demo/client.pfx"
expect_json "CRL: stale as of --at" "$(url crl 0 .result)" stale

# revoked: the CRL lists revoked-leaf, the responder says so
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" "$FX/pki/revoked-leaf.crt"
expect_json "CRL: revoked" "$(url crl 0 '.result + " " + .content.revoked_at')" "revoked 2021-01-01T00:00:00Z"
expect_json "OCSP: revoked" "$(url ocsp 0 '.result + " " + .content.cert_status + " " + .content.revocation_reason')" "revoked revoked keyCompromise"
run aiacheck --json --strict --no-system-trust --ca-file "$FX/pki/root-ca.crt" "$FX/pki/revoked-leaf.crt"
expect "revoked with --strict" 1

# delta CRL, and 404s for the URLs nobody serves
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" "$FX/pki/multi-aia-leaf.crt"
expect_json "delta CRL: recognised" "$(url delta-crl 0 '.result + " " + (.content.delta|tostring)')" "ok true"
expect_json "a second CRL DP: 404" '.urls[] | select(.url == "http://127.0.0.1:18080/int-ca-2.crl") | .result + " " + (.http_status|tostring)' "http-error 404"

# two leaves share their issuer's URLs: each is fetched once, checked for both
before=$(grep -c 'GET /int-ca.crl ' "$TMPD/nginx/access.log")
# shellcheck disable=SC2086
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" "$FX/bundles/two-leaves.pem"
after=$(grep -c 'GET /int-ca.crl ' "$TMPD/nginx/access.log")
checks=$((checks + 1))
if [ $((after - before)) -eq 1 ]; then echo "ok: a shared URL is fetched once"; else fail "int-ca.crl fetched $((after - before)) times"; fi
expect_json "a shared URL: one entry per certificate" '[.urls[] | select(.url == "http://127.0.0.1:18080/int-ca.crl") | .result] | join(",")' ok,ok

# OCSP: unknown (an index without the client), and signed by a CA the
# issuer never authorised
ocsp_stop
grep -v "$(jq -r '.certificates[0].serial' "$out" >/dev/null; printf '')CN=client.example.test" "$FX/pki/int-ca.index.txt" >"$TMPD/no-client.index"
ocsp_start "$TMPD/no-client.index"
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" --password demo "$FX/demo/client.pfx"
expect_json "OCSP: unknown is bad-content" "$(url ocsp 0 '.result + " " + .content.cert_status')" "bad-content unknown"
ocsp_stop
ocsp_start "$FX/pki/int-ca.index.txt" root-ca
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" --password demo "$FX/demo/client.pfx"
expect_json "OCSP: signed by the wrong CA" "$(url ocsp 0 '.result + " " + (.content.signature_verified|tostring)')" "wrong-issuer false"
# issue 24: the text header counts the file's certificates, the others apart
# shellcheck disable=SC2086
run aiacheck --no-system-trust --ca-file "$FX/pki/root-ca.crt" --ocsp-get $DEMO
expect "text header: 1 in the file, 1 downloaded, 1 from the trust store" 0 \
	': 1 certificate \(\+ 1 from the trust store\) \(\+ 1 downloaded\) · chain complete, trusted$'
finish
