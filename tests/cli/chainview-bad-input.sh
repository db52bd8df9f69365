#!/bin/sh
# Every bad input: one clear line on stderr, the documented exit status,
# no crash, no hang, nothing on stdout.
. "$top_srcdir/tests/lib.sh"

# file | exit status | message (extended regex)
while IFS='|' read -r file want_rc message; do
	[ -z "$file" ] && continue
	run chainview --no-system-trust --password test "$FX/$file"
	expect "$file" "$want_rc" '' "^chainview: .*$file: (.*: )?$message"
	expect_one_line_error "$file"
	expect_no_crash "$file"
done <<'TABLE'
bad/empty.pem|3|the file is empty
bad/random.bin|3|unrecognized format
bad/bad-base64.pem|3|bad base64 in CERTIFICATE block at line 1
bad/empty-block.pem|3|empty CERTIFICATE block at line 1
bad/truncated.der|3|DER length at byte 1 runs past the end of the file \(content at byte 4 needs 1073 bytes, 296 left\)
bad/huge-length.der|3|DER length at byte 1 is larger than 2 GiB \(4294967295 bytes; 0 left in the file\)
bad/long-line.txt|3|base64 text decodes to 2250000 bytes that are not DER
bad/not-a-cert.pem|3|CERTIFICATE block at line 1: DER length at byte 1 is larger than 2 GiB \(26 length octets; 672 bytes left in the block\)
bad/truncated.pfx|3|DER length at byte 1 runs past the end of the file \(content at byte 4 needs 4796 bytes, 2396 left\)
bad/corrupted-mac.pfx|3|the MAC does not verify although the password decrypts the contents: the file is corrupt or was modified
asn1/length-past-end.der|3|DER length at byte 3 runs past the end of the SEQUENCE at byte 0 \(content at byte 4 needs 10 bytes, 3 left\)
asn1/truncated-header.der|3|truncated ASN.1 header at byte 5 \(1 byte left in the file\)
asn1/tag-overflow.der|3|tag number overflow at byte 2 \(more than 32 bits\)
asn1/missing-eoc.der|3|indefinite-length SEQUENCE at byte 0 has no end-of-contents octets before the end of the file
asn1/nested-200.der|3|nesting deeper than 120 levels at byte 454
TABLE

run chainview --no-system-trust "$FX/pki"
expect "a directory" 3 '' "^chainview: .*/pki: is a directory$"
expect_one_line_error "a directory"

run chainview --no-system-trust "$FX/no-such-file.pem"
expect "a missing file" 3 '' "^chainview: .*no-such-file.pem: cannot open: No such file or directory$"

run chainview --no-system-trust --max-size 1K "$FX/bundles/client-full.pem"
expect "over --max-size" 3 '' "over the limit of 1024 bytes"

run_stdin "$FX/bundles/client-full.pem" chainview --no-system-trust --max-size 1K -
expect "stdin over --max-size" 3 '' "over the limit of 1024 bytes"

# garbage on stdin, and the empty stdin
printf 'garbage' >"$TMPD/g"
run_stdin "$TMPD/g" chainview --no-system-trust -
expect "garbage on stdin" 3 '' "^chainview: -: unrecognized format"
run_stdin /dev/null chainview --no-system-trust -
expect "empty stdin" 3 '' "^chainview: -: the file is empty"

# several inputs: the good ones are shown, the status is the input error
run chainview --no-system-trust "$FX/bundles/client-full.pem" "$FX/bad/empty.pem"
expect "good and bad inputs" 3 'chainkit Test Root CA' 'empty.pem: the file is empty'

# an unreadable file: as root, run as nobody, with everything it reads in
# $TMPD (lib.sh's unpriv_setup); last, since it may skip
unpriv_setup chainview || skip "$unpriv_why"
unpriv_copy "$FX/bundles/client-full.pem" "$TMPD/unreadable.pem"
chmod 000 "$TMPD/unreadable.pem"
run_unpriv chainview --no-system-trust "$TMPD/unreadable.pem"
expect "an unreadable file" 3 '' "^chainview: $TMPD/unreadable.pem: cannot open: Permission denied\$"
# a key bag that decrypts to a whole PrivateKeyInfo of an algorithm
# GnuTLS cannot read: the password was right, the file is not corrupt
if command -v python3 >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then
	python3 - "$TMPD/unknown-alg.der" <<'PY'
import sys
def tlv(t, c):
    n = len(c)
    return bytes([t]) + (bytes([n]) if n < 128 else bytes([0x81, n])) + c
oid = tlv(0x06, bytes([0x2b, 6, 1, 4, 1, 0x83, 0xb2, 0x03, 1]))  # 1.3.6.1.4.1.55555.1
pki = tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, oid) + tlv(0x04, b"\x04\x20" + bytes(range(32))))
open(sys.argv[1], "wb").write(pki)
PY
	python3 "$top_srcdir/tests/p12-bags.py" --epki "$TMPD/unknown-alg.epki" "$TMPD/unknown-alg.der" test &&
		python3 "$top_srcdir/tests/p12-bags.py" "$TMPD/unknown-alg.pfx" "$TMPD/unknown-alg.epki" 1 test 2048
	run chainview --no-system-trust --password test "$TMPD/unknown-alg.pfx"
	expect "a key of an unknown algorithm is not a corrupt file" 3 '' \
		"unknown-alg.pfx: the private key decrypts but cannot be read \(key algorithm 1\.3\.6\.1\.4\.1\.55555\.1\): "
	expect_one_line_error "unknown key algorithm"
	run chainview --no-system-trust --password nope "$TMPD/unknown-alg.pfx"
	expect "the same file, a wrong password" 4 '' 'wrong password'
fi
finish
