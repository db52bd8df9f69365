#!/bin/sh
# derdump checks DER at every level of nesting (issue 24, item 2): a
# certificate policy's VisibleString with a byte the type forbids, inside
# the extension's OCTET STRING, is found by --strict-der on the whole file
# as on the part (--offset/--length), shown nested or not; a value that
# looks like DER but could not be walked is said to be unchecked, never
# "No DER violations".
. "$top_srcdir/tests/lib.sh"
need jq xmllint

cd "$FX" || skip "no fixtures directory"
V=asn1/policy-bad-visiblestring.pem
B=asn1/broken-extension.der

# no "No DER violations" on stdout
not_clean() {
	checks=$((checks + 1))
	if grep -q 'No DER violations' "$out"; then fail "$1: says 'No DER violations'"; else echo "ok: $1: not called clean"; fi
}

# name | exit status | stdout pattern | arguments
while IFS="|" read -r name want_rc pat args; do
	[ -z "$name" ] && continue
	# shellcheck disable=SC2086
	run derdump $args
	expect "$name" "$want_rc" "$pat"
	not_clean "$name"
done <<'TABLE'
whole file, --strict-der|1|^  byte 278: characters the string type does not allow$|--strict-der asn1/policy-bad-visiblestring.pem
whole file, on its line|1|^ 278  2\+11 +VisibleString .*\[characters the string type does not allow\]$|--strict-der asn1/policy-bad-visiblestring.pem
whole file, --type auto|1|^  byte 278: characters the string type does not allow$|--strict-der --type auto asn1/policy-bad-visiblestring.pem
whole file, --no-nested: not shown, still checked|1|^  byte 278: characters the string type does not allow$|--strict-der --no-nested asn1/policy-bad-visiblestring.pem
whole file, without --strict-der|1|^Invalid encodings \(1\):$|asn1/policy-bad-visiblestring.pem
the extension's OCTET STRING alone|1|^  byte 278: characters the string type does not allow$|--strict-der --offset 245 --length 46 asn1/policy-bad-visiblestring.pem
the extension's value alone|1|^  byte 278: characters the string type does not allow$|--strict-der --offset 247 --length 44 asn1/policy-bad-visiblestring.pem
a SEQUENCE that does not decode inside an extension|1|^  byte 9: its content is a SEQUENCE or SET that does not decode$|--strict-der asn1/broken-extension.der
the same, on its line|1|^   9  2\+5 +OCTET STRING 3003020501 \[not checked inside: |--strict-der asn1/broken-extension.der
the same, --no-nested|1|^Not checked inside \(1\):$|--strict-der --no-nested asn1/broken-extension.der
nested past the depth limit|1|^  byte 53: its content is nested past the depth limit$|--strict-der p12/deep-nesting.pfx
TABLE

# --no-nested hides what it checks
run derdump --strict-der --no-nested "$V"
checks=$((checks + 1))
if grep -q 'VisibleString\|encapsulates' "$out"; then fail "--no-nested shows nested elements"; else echo "ok: --no-nested shows none"; fi

# a hash that merely starts like a SEQUENCE is not "unchecked"
run derdump --strict-der pki/client.der
expect "DER with --strict-der is clean" 0 '^No DER violations\.$'

# JSON: the problem at its byte, the unchecked value, der false
run derdump --json --strict-der "$V"
expect "json" 1
expect_json "json: the nested problem" '[.blocks[0].problems[] | "\(.offset) \(.code)"] | join(",")' "278 bad-string"
expect_json "json: der false" '.blocks[0].der' false
run derdump --json "$B"
expect "json: unchecked, without --strict-der" 0
expect_json "json: unchecked count" '.blocks[0].summary.unchecked' 1
expect_json "json: unchecked list" '.blocks[0].unchecked[0] | "\(.offset) \(.message)"' \
	"9 its content is a SEQUENCE or SET that does not decode"
expect_json "json: unchecked on the node" '.blocks[0].tree[0].children[0].children[1].unchecked' \
	"its content is a SEQUENCE or SET that does not decode"
expect_json "json: der false when unchecked" '.blocks[0].der' false

# XML validates against the schema
for args in "--strict-der $V" "--type auto $B" "--no-nested $V"; do
	# shellcheck disable=SC2086
	run derdump --xml $args
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/derdump.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($args)"
	else
		cat "$TMPD/xmllint"
		fail "XML does not validate ($args)"
	fi
done
finish
