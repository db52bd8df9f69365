#!/bin/sh
# derdump's options and input forms: depth, a part of the input, nested DER,
# strict DER, quiet and verbose, JSON Lines, XML against the schema, stdin,
# base64 and PEM, a 100-level deep structure, write errors.
. "$top_srcdir/tests/lib.sh"
need jq xmllint python3

cd "$FX" || skip "no fixtures directory"

# count NAME N PATTERN: stdout has N lines matching PATTERN
count() {
	checks=$((checks + 1))
	got=$(grep -cE -- "$3" "$out")
	if [ "$got" -eq "$2" ]; then echo "ok: $1"; else fail "$1: $got lines match /$3/, expected $2"; fi
}

# --depth: two levels shown, the rest checked
run derdump --depth 2 pki/client.der
expect "--depth 2" 0 '^   4  4\+793      SEQUENCE …$'
count "--depth 2: four elements shown" 4 '^ *[0-9]+  [0-9]+\+'
run derdump --json --depth 1 pki/client.der
expect_json "--depth 1: children hidden" '.blocks[0].tree[0].children_hidden' true
expect_json "--depth 1: still checked" '.blocks[0].summary.elements' 90
run derdump --depth 2 bad/truncated.der
expect "--depth does not hide the error" 3 '' 'runs past the end of the file'

# --offset and --length: a part, offsets still counted from the start
run derdump --offset 13 --length 37 pki/client.der
expect "--offset/--length" 0 '^  13  2\+20 +INTEGER 0x2fc0602a'
expect "--offset/--length: the header says which part" 0 'bytes 13 to 50$'
count "--offset/--length: four elements" 4 '^ *[0-9]+  [0-9]+\+'
run derdump --offset 4 --type TBSCertificate pki/client.der
expect "--offset with --type" 0 'serialNumber: INTEGER'
run derdump --length 4 pki/client.der
expect "--length alone starts at 0" 3 'bytes 0 to 4$' 'runs past the end of the file'

# DER inside OCTET and BIT STRINGs, and --no-nested
run derdump pki/client.der
expect "nested DER in an extension" 0 '512  2\+2  +OCTET STRING, encapsulates:'
expect "nested DER: the key" 0 '224  4\+266 +SEQUENCE'
count "a hash is not taken for DER" 0 '594  2\+20 .*encapsulates'
run derdump --no-nested pki/client.der
expect "--no-nested" 0 '512  2\+2  +OCTET STRING 3000$'
count "--no-nested: no encapsulation" 0 'encapsulates'
run derdump p12/deep-nesting.pfx
expect "nesting deeper than the limit inside an OCTET STRING is not expanded" 0 '53  4\+9425 +OCTET STRING [0-9a-f]+… \(9425 bytes\) \[not checked inside: its content is nested past the depth limit\]$'

# --strict-der: BER is fine without it, a problem with it
run derdump bundles/client-chain-ber.p7b
expect "BER without --strict-der" 0 'Not DER \(valid BER\): 5 DER rules broken; --strict-der lists them'
run derdump --strict-der bundles/client-chain-ber.p7b
expect "BER with --strict-der" 1 '^DER violations \(5\):$'
expect "BER with --strict-der: each one" 1 '^  byte 13: indefinite length \(BER, not DER\)$'
run derdump --strict-der pki/client.der
expect "DER with --strict-der" 0 '^No DER violations\.$'
run derdump --json --strict-der bundles/client-chain-ber.p7b
expect_json "json: der false" '.blocks[0].der' false
expect_json "json: the violations" '[.blocks[0].problems[].code] | unique | join(",")' indefinite-length
run derdump --json pki/client.der
expect_json "json: der true" '.blocks[0].der' true

# -q and -v
run derdump -q --strict-der bundles/client-chain-ber.p7b
expect "-q" 1 '^DER violations \(5\):$'
count "-q: no structure" 0 'SEQUENCE'
run derdump -q pki/client.der
checks=$((checks + 1))
if [ -s "$out" ]; then fail "-q printed something for a good file"; else echo "ok: -q is quiet"; fi
run derdump pki/client.der
count "long values are cut" 1 '228  4\+257 +INTEGER 0x00[0-9a-f]{62}… \(257 bytes\)$'
run derdump -v pki/client.der
count "-v: every byte" 1 '228  4\+257 +INTEGER 0x00[0-9a-f]{512} \(257 bytes\)$'

# input forms: stdin, base64 (one line and wrapped), PEM with several blocks
run_stdin pki/client.der derdump -
expect "stdin" 0 '^-: DER, 1077 bytes$'
run derdump bundles/client.b64 bundles/client-wrapped.b64
expect "base64" 0 '^bundles/client.b64: base64, 1077 bytes decoded$'
expect "base64 wrapped" 0 '^bundles/client-wrapped.b64: base64, 1077 bytes decoded$'
run derdump --type auto bundles/client-chain.pem
expect "PEM block 1" 0 '^bundles/client-chain.pem: PEM block 1 of 2 \(CERTIFICATE, line 1\), 1077 bytes, as Certificate$'
expect "PEM block 2" 0 '^bundles/client-chain.pem: PEM block 2 of 2 \(CERTIFICATE, line 2[0-9]\), [0-9]+ bytes, as Certificate$'
run derdump bundles/client-trusted.pem
expect "TRUSTED CERTIFICATE: the trust settings after the certificate" 0 '^1077  2\+[0-9]+ +SEQUENCE$'
run derdump --type auto asn1/not-der.ber
expect "--type auto when nothing matches" 0 '^asn1/not-der.ber: DER, 55 bytes$'
run derdump --json --type auto asn1/not-der.ber
expect_json "--type auto when nothing matches: json" '.blocks[0].type' null

# JSON Lines: one document per input, the bad ones too
run derdump --json pki/client.der bad/empty.pem asn1/length-past-end.der
expect "json lines" 3
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 3 ] && jq -e . "$out" >/dev/null; then echo "ok: three JSON lines"; else fail "not three JSON lines"; fi
checks=$((checks + 1))
names=$(jq -rs 'map(.input.name) | join(",")' "$out")
if [ "$names" = "pki/client.der,bad/empty.pem,asn1/length-past-end.der" ]; then
	echo "ok: json lines: names"
else
	fail "json lines: names are $names"
fi

# XML validates against the schema shipped in man/
for args in "--type auto pki/client.der" "--strict-der bundles/client-chain-ber.p7b" \
	"--type auto p12/modern.pfx" "asn1/invalid.der bad/truncated.der bad/empty.pem" \
	"--depth 3 --type auto bundles/client-chain.pem bad/bad-base64.pem" "asn1/nested-100.der" \
	"--type auto asn1/ocsp-resp.der bundles/key-enc-pkcs8.pem"; do
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

# 100 levels of nesting: within the limit, no stack overflow (the walker
# has no recursion; the sanitizer build runs this too), every level there
run derdump asn1/nested-100.der
expect "100 levels" 0 '^ 237  2\+0  +\[depth 100\] NULL$'
count "100 levels: 101 elements" 101 '^ *[0-9]+  [0-9]+\+'
run derdump --json asn1/nested-100.der
expect "100 levels: json" 0
checks=$((checks + 1))
# (jq 1.6 stops at 256 levels, objects counting twice: python reads it)
depth=$(python3 -c '
import json, sys
n = json.load(open(sys.argv[1]))["blocks"][0]["tree"][0]
d = 0
while n.get("children"):
    n = n["children"][0]
    d += 1
print(d, n["tag_name"])' "$out" 2>&1)
if [ "$depth" = "100 NULL" ]; then echo "ok: 100 levels in JSON"; else fail "100 levels in JSON: $depth"; fi

# colour only when asked
run derdump --color always --strict-der asn1/not-der.ber
checks=$((checks + 1))
if grep -q "$(printf '\033')\[" "$out"; then echo "ok: --color always"; else fail "--color always gave no colour"; fi
run derdump asn1/not-der.ber
checks=$((checks + 1))
if grep -q "$(printf '\033')" "$out"; then fail "colour without a terminal"; else echo "ok: no colour"; fi

# a control character in the file name or the PEM label does not reach
# the terminal (the fuzzer's der/pem-label-control-char-in-text)
esc=$(printf '\033')
cp pki/client.crt "$TMPD/a${esc}[31mb.pem"
c14=$(printf '\024')
sed 's/CERTIFICATE/CERT'"$c14"'FICATE/' pki/client.crt >"$TMPD/label.pem"
run derdump "$TMPD/a${esc}[31mb.pem" "$TMPD/label.pem"
checks=$((checks + 1))
if grep -q "$esc\|$c14" "$out"; then fail "a control character from the input in the text"; else echo "ok: escapes from the input replaced"; fi
expect "the label is shown" 0 'PEM block 1 of 1 \(CERT.FICATE, line 1\)'

# stdout that cannot be written is not success
if [ -w /dev/full ]; then
	for f in text json xml; do
		"$BIN/derdump" --format $f pki/client.der >/dev/full 2>"$err"
		rc=$?
		expect "write error on stdout ($f)" 5 '' 'write error on standard output'
		expect_one_line_error "write error on stdout ($f)"
	done
fi
finish
