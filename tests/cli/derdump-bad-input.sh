#!/bin/sh
# Every malformed input: what decodes is shown, then one line on stderr with
# the byte and the reason, and the documented exit status; never a crash.
. "$top_srcdir/tests/lib.sh"

cd "$FX" || skip "no fixtures directory"

# empty NAME FILE: FILE (the last stdout or stderr) is empty
empty() {
	checks=$((checks + 1))
	if [ -s "$2" ]; then fail "$1: not empty"; else echo "ok: $1"; fi
}

# file | exit status | on stdout (extended regex; "" = no check) | the error line
while IFS='|' read -r file want_rc want_out message; do
	[ -z "$file" ] && continue
	run derdump "$file"
	expect "$file" "$want_rc" "$want_out" "^derdump: $file: $message\$"
	expect_one_line_error "$file"
	expect_no_crash "$file"
done <<'TABLE'
bad/empty.pem|3||the file is empty
bad/random.bin|3|83\+huge  \[PRIVATE 13\] \(truncated\)|DER length at byte 1 is larger than 2 GiB \(81 length octets; 4013 bytes left in the file\)
bad/bad-base64.pem|3|not decoded|bad base64 in CERTIFICATE block at line 1 \(character 0x21 on line 2\)
bad/empty-block.pem|3|not decoded|empty CERTIFICATE block at line 1
bad/truncated.der|3|219  4\+271 +BIT STRING .* \(truncated\)|DER length at byte 1 runs past the end of the file \(content at byte 4 needs 1073 bytes, 296 left\)
bad/huge-length.der|3|0  6\+4294967295  SEQUENCE \(truncated\)|DER length at byte 1 is larger than 2 GiB \(4294967295 bytes; 0 left in the file\)
bad/long-line.txt|3|base64, 2250000 bytes decoded|reserved tag \[UNIVERSAL 0\] at byte 0
bad/not-a-cert.pem|3|PEM block 1 of 1 \(CERTIFICATE, line 1\), 700 bytes|CERTIFICATE block at line 1: DER length at byte 1 is larger than 2 GiB \(26 length octets; 672 bytes left in the block\)
bad/truncated.pfx|3|26  4\+4703 +OCTET STRING .*\(truncated\)|DER length at byte 1 runs past the end of the file \(content at byte 4 needs 4796 bytes, 2396 left\)
asn1/length-past-end.der|3|2  2\+10 +OCTET STRING 010203 \(truncated\)|DER length at byte 3 runs past the end of the SEQUENCE at byte 0 \(content at byte 4 needs 10 bytes, 3 left\)
asn1/truncated-header.der|3|2  2\+1 +INTEGER 5|truncated ASN.1 header at byte 5 \(1 byte left in the file\)
asn1/truncated-length.der|3|DER, 4 bytes|truncated DER length at byte 1 \(needs 4 length bytes, 2 left in the file\)
asn1/tag-overflow.der|3|0  2\+10 +SEQUENCE|tag number overflow at byte 2 \(more than 32 bits\)
asn1/indefinite-primitive.der|3|0  2\+inf  SEQUENCE|indefinite length at byte 3 in a primitive value
asn1/missing-eoc.der|3|2  2\+1 +INTEGER 5|indefinite-length SEQUENCE at byte 0 has no end-of-contents octets before the end of the file
asn1/eoc-outside.der|3|0  2\+2 +SEQUENCE|end-of-contents octets at byte 2 outside an indefinite-length value
asn1/reserved-length.der|3|DER, 3 bytes|reserved length octet 0xff at byte 1
asn1/nested-200.der|3|\[depth 119\] SEQUENCE|nesting deeper than 120 levels at byte 454
bundles/key-rsa-legacy-enc.pem|3|not decoded|RSA PRIVATE KEY block at line 1 is encrypted \(Proc-Type: 4,ENCRYPTED\): its body is not DER
TABLE

# the files that are fine as a whole are not errors
for f in bad/corrupted-mac.pfx bad/corrupted-body.pfx; do
	run derdump "$f"
	expect "$f: the structure is fine" 0 'OCTET STRING'
	empty "$f: no message" "$err"
done

# the same errors in JSON: the document says where, stderr too
run derdump --json asn1/length-past-end.der
expect "json: error" 3 '' 'runs past the end of the SEQUENCE at byte 0'
expect_json "json: error offset" '.blocks[0].error.offset' 3
expect_json "json: error message" '.blocks[0].error.message' \
	"DER length at byte 3 runs past the end of the SEQUENCE at byte 0 (content at byte 4 needs 10 bytes, 3 left)"
expect_json "json: truncated element" '.blocks[0].tree[0].children[0].truncated' true
expect_json "json: what is there" '.blocks[0].tree[0].children[0].hex' 010203
run derdump --json bad/empty.pem
expect_json "json: unreadable input" '.error.message' "the file is empty"

# a broken PEM block does not hide the good ones
cat bundles/client-leaf.pem bad/bad-base64.pem >"$TMPD/mixed.pem"
run derdump "$TMPD/mixed.pem"
expect "mixed PEM: the good block" 3 'PEM block 1 of 2 \(CERTIFICATE, line 1\), 1077 bytes' \
	'bad base64 in CERTIFICATE block at line 2[0-9]'
expect_one_line_error "mixed PEM"

# inputs that are not there, too large, or on stdin
run derdump "$FX/pki"
expect "a directory" 3 '' "^derdump: .*/pki: is a directory$"
run derdump no-such-file.der
expect "a missing file" 3 '' "^derdump: no-such-file.der: cannot open: No such file or directory$"
run derdump --max-size 1K p12/modern.pfx
expect "over --max-size" 3 '' "over the limit of 1024 bytes"
run_stdin bad/truncated.der derdump -
expect "stdin" 3 'SEQUENCE \(truncated\)' '^derdump: -: DER length at byte 1 runs past the end of the file'
run_stdin /dev/null derdump -
expect "empty stdin" 3 '' '^derdump: -: the file is empty$'

# usage errors
run derdump
expect "no file" 2 '' "^derdump: no input file"
run derdump --type Certficate pki/client.der
expect "unknown type" 2 '' "^derdump: --type takes auto, Certificate, .*; not 'Certficate'"
run derdump --depth 0 pki/client.der
expect "--depth 0" 2 '' "^derdump: --depth takes a number of levels from 1, not '0'"
run derdump --offset -1 pki/client.der
expect "--offset -1" 2 '' "^derdump: --offset takes a byte offset"
run derdump --length 0 pki/client.der
expect "--length 0" 2 '' "^derdump: --length takes a number of bytes"
run derdump --offset 1077 pki/client.der
expect "--offset past the end" 2 '' "^derdump: pki/client.der: --offset 1077 is past the end of the data \(1077 bytes\)$"
run derdump --offset 1000 --length 78 pki/client.der
expect "--length past the end" 2 '' "^derdump: pki/client.der: --length 78 runs past the end of the data \(77 bytes from byte 1000\)$"
empty "--length past the end: no output" "$out"
checks=$((checks + 1))
if grep -q "Try 'derdump --help'" "$err"; then fail "--offset past the end is not an option error"; else echo "ok: no --help hint for a data error"; fi

# --type that does not apply: the structure without names, exit 3
run derdump --type PFX pki/client.der
expect "--type PFX on a certificate" 3 '4  4\+793 +SEQUENCE' "^derdump: pki/client.der: does not decode as PFX"
expect_one_line_error "--type PFX on a certificate"
finish
