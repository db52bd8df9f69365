#!/bin/sh
# mtlsprobe's output formats: JSON on one line, XML valid against
# man/mtlsprobe.rng for every kind of outcome, text with -v and colour,
# and a write error on standard output.
. "$top_srcdir/tests/servers/netns.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/tls.sh"
need openssl jq xmllint ss python3

PKI="$FX/pki"
TRUST="--no-system-trust --ca-file $PKI/root-ca.crt"
MODERN="--pfx $FX/p12/modern.pfx --password-file $FX/p12/modern.pfx.pass"
DEMO="--pfx $FX/demo/client.pfx --password-file $FX/demo/client.pfx.pass"
cat "$PKI/server.crt" "$PKI/int-ca.crt" >"$TMPD/server-chain.pem"

openssl_server 4451 -www -cert_chain "$PKI/int-ca.crt" -Verify 1 -CAfile "$PKI/root-ca.crt" -verify_return_error
openssl_server 4452 -www -Verify 1 -CAfile "$PKI/root-ca.crt" -no_ca_names
python_server 4453 tcp.py dropped
python_server 4454 https.py "$TMPD/server-chain.pem" "$PKI/server.key"

# JSON: one line, a valid document
run mtlsprobe --json $TRUST $MODERN 127.0.0.1:4451
expect "json" 0
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 1 ] && jq -e . "$out" >/dev/null; then echo "ok: one JSON line"; else fail "not one JSON line"; fi
expect_json "json: hex fingerprints in the nested documents" '.server.certificates[0].sha256 | test("^[0-9a-f]{64}$")' true
expect_json "json: times" '.at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")' true
expect_json "json: durations are integers" '[.timings[] | select(. != null) | (. == floor)] | all' true

# --at reaches the checks of both chains
run mtlsprobe --json --at 2071-01-01 $TRUST $MODERN 127.0.0.1:4451
expect "--at: expired certificates" 1
expect_json "--at: the server's leaf" '[.server.findings[].code] | index("expired") != null' true
expect_json "--at: the client's leaf" '[.client.findings[].code] | index("expired") != null' true
expect_json "--at: the document's time" .at 2071-01-01T00:00:00Z

# XML against the schema, for each kind of document
for args in "$MODERN 127.0.0.1:4451" "$DEMO 127.0.0.1:4451" "--tls1.3 $MODERN 127.0.0.1:4452" \
	"--tls1.2 127.0.0.1:4452" "--connect-timeout 1 127.0.0.1:4453" "127.0.0.1:4450" \
	"--connect-timeout 2 no-such-host.invalid" "--http-get /hello 127.0.0.1:4454" \
	"--http-get /nothing $MODERN 127.0.0.1:4454" \
	"--pfx $FX/p12/chain-missing.pfx --password-file $FX/p12/chain-missing.pfx.pass --send chain --ca-file $PKI/int-ca.crt 127.0.0.1:4451"; do
	# shellcheck disable=SC2086
	run mtlsprobe --xml $TRUST $args
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/mtlsprobe.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($args)"
	else
		cat "$TMPD/xmllint"
		fail "XML does not validate ($args)"
	fi
done
run mtlsprobe --format xml $TRUST $MODERN 127.0.0.1:4451
expect "--format xml" 0 '^<mtlsprobe>$'

# text: -v shows more, colour only when asked
run mtlsprobe -v $TRUST $MODERN 127.0.0.1:4451
expect "-v: message sizes" 0 '← ServerHello [0-9]+ bytes'
expect "-v: every certificate field" 0 'sha256:'
expect "-v: every signature algorithm" 0 'signature algorithms \(1[0-9]\): [^…]*$'
run mtlsprobe $TRUST $MODERN 127.0.0.1:4451
checks=$((checks + 1))
if grep -q "$(printf '\033')" "$out"; then fail "colour without a terminal"; else echo "ok: no colour"; fi
run mtlsprobe --color always $TRUST $MODERN 127.0.0.1:4451
checks=$((checks + 1))
if grep -q "$(printf '\033')\[" "$out"; then echo "ok: --color always"; else fail "--color always gave no colour"; fi

# stdout that cannot be written is not success
if [ -w /dev/full ]; then
	"$BIN/mtlsprobe" $TRUST $MODERN 127.0.0.1:4451 >/dev/full 2>"$err"
	rc=$?
	expect "write error on stdout" 5 '' 'write error on standard output'
fi
finish
