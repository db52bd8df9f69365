#!/bin/sh
# Output formats: text, JSON, JSON Lines, XML against the RELAX NG schema.
. "$top_srcdir/tests/lib.sh"
need jq xmllint

ROOT="$FX/pki/root-ca.crt"
P12="$FX/p12/modern.pfx"

# text: the tree from the root down, the key, the findings
run chainview --no-system-trust --ca-file "$ROOT" --password test "$P12"
expect "text: root line" 0 '\[2\] root CN=chainkit Test Root CA'
expect "text: leaf under intermediate" 0 '└─ \[0\] leaf CN=client.example.test'
expect "text: signature checked" 0 'signature ✓'
expect "text: key" 0 'RSA 2048 ("[^"]*" )?— matches \[0\]'
expect "text: no colour when not a terminal" 0 ''
checks=$((checks + 1))
if grep -q "$(printf '\033')" "$out"; then fail "colour codes without a terminal"; else echo "ok: no colour"; fi

run chainview --no-system-trust --color always --ca-file "$ROOT" --password test "$P12"
checks=$((checks + 1))
if grep -q "$(printf '\033')\[" "$out"; then echo "ok: --color always"; else fail "--color always gave no colour"; fi

NO_COLOR=1 run chainview --no-system-trust --color auto --ca-file "$ROOT" --password test "$P12"
checks=$((checks + 1))
if grep -q "$(printf '\033')" "$out"; then fail "NO_COLOR ignored"; else echo "ok: NO_COLOR"; fi

# -v shows every field, -q only findings
run chainview -v --no-system-trust --ca-file "$ROOT" --password test "$P12"
for field in 'serial:' 'sha256:' 'subject key id:' 'authority key id:' 'key usage:' \
	'ext. key usage:' 'alt. names:' 'CA issuers:' 'OCSP:' 'CRL:' 'friendly name:'; do
	expect "-v shows $field" 0 "$field"
done
run chainview -q --no-system-trust --password test "$P12"
expect "-q: findings only" 1 'untrusted-root'
checks=$((checks + 1))
if grep -q 'Chain 1' "$out"; then fail "-q printed the chain"; else echo "ok: -q is quiet"; fi
checks=$((checks + 1))
if [ "$(head -n 1 "$out")" = "" ]; then fail "-q begins with a blank line"; else echo "ok: -q begins with its findings"; fi
# over several inputs, -q says which input each block of findings is for
run chainview -q --no-system-trust "$FX/pki/soon-leaf.crt" "$FX/bundles/client-leaf.pem"
expect "-q, two inputs: the first named" 1 "^$FX/pki/soon-leaf\.crt: Findings: 1 error"
expect "-q, two inputs: the second named" 1 "^$FX/bundles/client-leaf\.pem: Findings: 1 error"
run chainview -q --no-system-trust "$FX/pki/soon-leaf.crt"
expect "-q, one input: not named" 1 "^Findings: 1 error"

# JSON: one document, the DESIGN fields
run chainview --json --no-system-trust --ca-file "$ROOT" --password test "$P12"
expect "json" 0
expect_json "json: leaf role" '.certificates[0].role' leaf
expect_json "json: root role" '.certificates[2].role' root
expect_json "json: chain" '.chain.status + " " + (.chain.trusted|tostring) + " " + (.chain.valid|tostring)' "complete true true"
expect_json "json: path" '.chain.path | map(tostring) | join(",")' "0,1,2"
expect_json "json: anchor" '.chain.anchor' 2
expect_json "json: hex fingerprints" '.certificates[0].sha256 | test("^[0-9a-f]{64}$")' true
expect_json "json: times" '.certificates[0].not_after' "2070-01-01T00:00:00Z"
expect_json "json: key usage" '.certificates[1].key_usage | join(",")' "keyCertSign,cRLSign"
expect_json "json: ext key usage" '.certificates[0].extended_key_usage | join(",")' clientAuth
expect_json "json: days_left at --at" '.certificates[0].days_left' "$(jq -r '.certificates[0].days_left' "$out")"
run chainview --json --no-system-trust --at 2069-12-01 --password test "$P12"
expect_json "json: days_left follows --at" '.certificates[0].days_left' 31

# JSON Lines for several inputs, with an error document for a bad one
run chainview --json --no-system-trust "$FX/bundles/client-full.pem" "$FX/bad/empty.pem" "$FX/bundles/client-chain.pem"
expect "json lines: status of the bad input" 3
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 3 ] && jq -e . "$out" >/dev/null; then echo "ok: three JSON lines"; else fail "not three JSON lines"; fi
expect_json "json lines: error document" 'select(.error) | .error.message' "the file is empty"

# XML validates against the schema shipped in man/
for args in "--password test $P12" "$FX/bundles/client-dup.pem $FX/bad/truncated.der" \
	"--password demo $FX/demo/client.pfx" "--password test $FX/p12/crlbag.pfx"; do
	# shellcheck disable=SC2086
	run chainview --xml --no-system-trust $args
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/chainview.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($args)"
	else
		cat "$TMPD/xmllint"
		fail "XML does not validate ($args)"
	fi
done
run chainview --format xml --no-system-trust "$FX/bundles/client-full.pem"
expect "--format xml" 1 '<chainview>'

# bidirectional controls from an input (here the file name) never reach
# the terminal: a U+202E in "evil<RLO>mep.exe" shows as "evilexe.pem";
# text output shows U+FFFD, messages \xNN escapes, JSON the name as it is
for cp in '\330\234' '\342\200\216' '\342\200\217' '\342\200\252' '\342\200\253' \
	'\342\200\254' '\342\200\255' '\342\200\256' '\342\201\246' '\342\201\247' \
	'\342\201\250' '\342\201\251'; do
	bidi=$(printf "$cp")
	hex=$(printf "$cp" | od -An -tx1 | tr -d ' \n' | sed 's/\(..\)/\\\\x\1/g')
	name="$TMPD/evil${bidi}mep.exe"
	cp "$FX/bundles/client-leaf.pem" "$name"
	run chainview --no-system-trust "$name"
	checks=$((checks + 1))
	if grep -q "$bidi" "$out"; then
		fail "text output passes the bidi control $hex"
	elif grep -q "evil$(printf '\357\277\275')mep.exe" "$out"; then
		echo "ok: text output shows $hex as U+FFFD"
	else
		fail "text output: no U+FFFD in place of $hex"
	fi
	run chainview --json --no-system-trust "$name"
	expect_json "JSON keeps $hex" '.input.name' "$name"
	run chainview --no-system-trust "$name.missing"
	expect "message with $hex" 3 '' "^chainview: .*/evil${hex}mep\\.exe\\.missing: cannot open"
	checks=$((checks + 1))
	if grep -q "$bidi" "$err"; then fail "the message passes $hex"; else echo "ok: the message escapes $hex"; fi
	rm -f "$name"
done

# stdout that cannot be written is not success
if [ -w /dev/full ]; then
	"$BIN/chainview" --no-system-trust --ca-file "$ROOT" "$FX/bundles/client-chain.pem" >/dev/full 2>"$err"
	rc=$?
	expect "write error on stdout" 5 '' 'write error on standard output'
fi
# issue 24: the header counts the file's own certificates; those taken
# from the trust store are counted apart (it said "2 certificates")
run chainview --no-system-trust --at 2030-05-15 --ca-file "$FX/pki/int-ca.crt" "$FX/pki/soon-leaf.crt"
expect "header: the file's certificates, the trust store's apart" 0 \
	'soon-leaf\.crt: PEM, 1 certificate \(\+ 1 from the trust store\), 0 keys$'
run chainview --no-system-trust --ca-file "$ROOT" "$FX/bundles/client-chain.pem"
expect "header: the root from the trust store" 0 'client-chain\.pem: PEM, 2 certificates \(\+ 1 from the trust store\), 0 keys$'
finish
