#!/bin/sh
# A PEM file with good blocks and a corrupt one (issue 24, item 15): what
# could be read is shown, with a corrupt-block error finding naming the
# block and its line, exit status 1 (problems found) -- in chainview and
# certaudit; aiacheck shows it.  A file with no readable block stays exit
# status 3.
. "$top_srcdir/tests/lib.sh"
need jq xmllint

L="$FX/bundles/client-leaf.pem"
I="$FX/pki/int-ca.crt"
# leaf (lines 1-25), bad base64 (26-29), the intermediate
cat "$L" "$FX/bad/bad-base64.pem" "$I" >"$TMPD/base64.pem"
# leaf, a block whose DER is broken, the intermediate
cat "$L" "$FX/bad/not-a-cert.pem" "$I" >"$TMPD/der.pem"
# leaf, intermediate, then a block cut before its END line
{ cat "$L" "$I"; printf -- '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIU\n'; } >"$TMPD/cut.pem"
# nothing readable: two bad blocks
cat "$FX/bad/bad-base64.pem" "$FX/bad/not-a-cert.pem" >"$TMPD/allbad.pem"
lines=$(wc -l <"$L")
line2=$((lines + 1))
line3=$((lines + $(wc -l <"$I") + 1))

# name | file | pattern on stdout
while IFS="|" read -r name file pat; do
	[ -z "$name" ] && continue
	run chainview --no-system-trust "$TMPD/$file"
	expect "$name" 1 "$pat"
	expect "$name: the good ones are shown" 1 "^$TMPD/$file: PEM, 2 certificates, 0 keys$"
	expect "$name: the chain" 1 '\[0\] leaf CN=client.example.test'
	checks=$((checks + 1))
	if [ -s "$err" ]; then fail "$name: stderr is not empty"; else echo "ok: $name: no error on stderr"; fi
done <<TABLE
bad base64|base64.pem|^  error   corrupt-block: PEM block 2 could not be read and was skipped: bad base64 in CERTIFICATE block at line $line2 \(character 0x21 on line $((line2 + 1))\)$
broken DER|der.pem|^  error   corrupt-block: PEM block 2 could not be read and was skipped: CERTIFICATE block at line $line2: DER length at byte 1 is larger than 2 GiB
no END line|cut.pem|^  error   corrupt-block: PEM block 3 could not be read and was skipped: PEM block "CERTIFICATE" at line $line3 has no END line$
TABLE

run chainview --no-system-trust "$TMPD/base64.pem"
expect "a hint" 1 '→ derdump shows where the block breaks'

# nothing readable: exit 3 with the first block's error, as before
run chainview --no-system-trust "$TMPD/allbad.pem"
expect "no readable block" 3 '' "^chainview: .*allbad.pem: bad base64 in CERTIFICATE block at line 1"
expect_one_line_error "no readable block"

# JSON and XML: the finding, the two certificates; the schema holds
run chainview --no-system-trust --json "$TMPD/base64.pem"
expect "json" 1
expect_json "json: certificates" '.certificates | length' 2
expect_json "json: the finding" '[.findings[] | select(.code == "corrupt-block") | .severity] | join(",")' error
expect_json "json: its message" '.findings[] | select(.code == "corrupt-block") | .message' \
	"PEM block 2 could not be read and was skipped: bad base64 in CERTIFICATE block at line $line2 (character 0x21 on line $((line2 + 1)))"
run chainview --no-system-trust --xml "$TMPD/base64.pem"
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/chainview.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: XML valid"
else
	cat "$TMPD/xmllint"
	fail "XML does not validate"
fi

# certaudit gets it through the finding
run certaudit --no-system-trust "$TMPD/base64.pem"
expect "certaudit" 1 "corrupt-block: PEM block 2 could not be read"
run certaudit --no-system-trust "$TMPD/allbad.pem"
expect "certaudit: no readable block" 1 "corrupt: bad base64 in CERTIFICATE block at line 1"

# aiacheck says it too (it listed the readable half as if it were whole);
# its exit status is about URLs and stays 0 with --list
run aiacheck --list --no-system-trust "$TMPD/base64.pem"
expect "aiacheck: text" 0 "^  error corrupt-block: PEM block 2 could not be read and was skipped: bad base64"
run aiacheck --list --no-system-trust --json "$TMPD/base64.pem"
expect_json "aiacheck: json" '[.input_findings[] | .code + " " + .severity] | join(",")' "corrupt-block error"
run aiacheck --list --no-system-trust --xml "$TMPD/base64.pem"
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/aiacheck.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: aiacheck XML valid"
else
	cat "$TMPD/xmllint"
	fail "aiacheck XML does not validate"
fi
# on a terminal too (the line is written after the header's own item
# stream is closed: it was written to that closed stream and lost)
if command -v script >/dev/null 2>&1 && command -v stty >/dev/null 2>&1; then
	script -qec "stty cols 80 rows 50; '$BIN/aiacheck' --color never --list --no-system-trust '$TMPD/base64.pem'" \
		/dev/null >"$TMPD/tty.out" 2>&1 </dev/null
	rc=$?
	tr -d '\r' <"$TMPD/tty.out" >"$out"
	: >"$err"
	expect "aiacheck on a terminal: the finding" 0 "^  error corrupt-block: PEM block 2 could not be read"
fi

# the converters say it too, in the same words, write what could be read
# and exit 1 (they used to drop the block without a word and exit 0)
msg="^(certconv|pfx2pem|pem2pfx): $TMPD/base64.pem: PEM block 2 could not be read and was skipped: bad base64 in CERTIFICATE block at line $line2"
run certconv --to pem -o "$TMPD/conv.pem" "$TMPD/base64.pem"
expect "certconv: corrupt block said" 1 '' "$msg"
check_count() {
	checks=$((checks + 1))
	if [ "$(grep -c 'BEGIN CERTIFICATE' "$2")" = "$3" ]; then echo "ok: $1"; else fail "$1: not $3 certificates in $2"; fi
}
check_count "certconv: the readable certificates written" "$TMPD/conv.pem" 2
run pfx2pem --chain-only -o "$TMPD/p2p.pem" "$TMPD/base64.pem"
expect "pfx2pem: corrupt block said" 1 '' "$msg"
finish
