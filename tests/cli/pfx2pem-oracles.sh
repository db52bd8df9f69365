#!/bin/sh
# pfx2pem on every PKCS#12 fixture: the PEM it writes is read by OpenSSL
# and GnuTLS certtool, with the certificates in chain order, and the key
# matches the leaf for both of them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
need openssl certtool

# file | exit status | certificates | key (1/0) | first certificate (pki name) | message
while IFS='|' read -r file want_rc ncerts key first message; do
	[ -z "$file" ] && continue
	outf="$TMPD/out.pem"
	rm -f "$outf"
	run pfx2pem --password-file "$FX/$file.pass" -o "$outf" "$FX/$file"
	if [ "$want_rc" != 0 ]; then
		expect "$file refused" "$want_rc" '' "^pfx2pem: .*$file: $message"
		expect_quiet_stdout "$file refused"
		expect_one_line_error "$file refused"
		no_file "$file refused" "$outf"
		continue
	fi
	expect "$file" 0
	expect_quiet_stdout "$file"
	got=$(fingerprints "$outf" | wc -l | tr -d ' ')
	check "$file: openssl reads $ncerts certificates" "$got" "$ncerts"
	got=$(certtool --certificate-info --infile "$outf" 2>/dev/null | grep -cE '^[[:space:]]*Subject:')
	[ "$ncerts" -gt 0 ] && check "$file: certtool reads $ncerts certificates" "$got" "$ncerts"
	if [ -n "$first" ]; then
		check "$file: the leaf comes first" "$(fingerprints "$outf" | head -1)" "$(fp "$first")"
	fi
	if [ "$key" = 1 ]; then
		got=$(grep -c 'BEGIN PRIVATE KEY' "$outf")
		check "$file: one unencrypted PKCS#8 key" "$got" 1
		kp=$(key_pubkey "$outf")
		checks=$((checks + 1))
		if openssl pkey -in "$outf" -check -noout >/dev/null 2>&1; then
			echo "ok: $file: openssl checks the key"
		else
			failures=$((failures + 1)); echo "FAIL: $file: openssl pkey -check"
		fi
		got=$(certtool --pubkey-info --load-privkey "$outf" --outder 2>/dev/null | sha256sum | cut -d' ' -f1)
		check "$file: certtool reads the key (same public key as openssl)" "$got" "$kp"
		if [ "$ncerts" -gt 0 ]; then
			check "$file: openssl: key matches the leaf" "$(cert_pubkey "$outf")" "$kp"
			got=$(certtool --pubkey-info --load-certificate "$outf" --outder 2>/dev/null | sha256sum | cut -d' ' -f1)
			check "$file: certtool: key matches the leaf" "$got" "$kp"
		fi
	fi
	# a key file is 0600 whatever the umask; a certificates-only file is not
	mode=$(stat -c %a "$outf")
	if [ "$key" = 1 ]; then
		check "$file: mode" "$mode" 600
	fi
	checks=$((checks + 1))
	if grep -q 'Bag Attributes' "$outf"; then
		failures=$((failures + 1)); echo "FAIL: $file: Bag Attributes in clean PEM"
	else
		echo "ok: $file: clean PEM"
	fi
done <<'TABLE'
p12/modern.pfx|0|3|1|client|
p12/aes128.pfx|0|3|1|client|
p12/aes192.pfx|0|3|1|client|
p12/pbkdf2-sha1.pfx|0|3|1|client|
p12/3des.pfx|0|3|1|client|
p12/rc2-40.pfx|0|3|1|client|
p12/rc4-128.pfx|0|3|1|client|
p12/mac-sha1.pfx|0|3|1|client|
p12/mac-sha384.pfx|0|3|1|client|
p12/mac-sha512.pfx|0|3|1|client|
p12/nomac.pfx|0|3|1|client|
p12/nocrypt.pfx|0|3|1|client|
p12/nocrypt-nomac.pfx|0|3|1|client|
p12/empty-pass.pfx|0|3|1|client|
p12/null-pass.pfx|0|3|1|client|
p12/utf8-pass.pfx|0|3|1|client|
p12/long-pass.pfx|0|3|1|client|
p12/friendly-utf8.pfx|0|3|1|client|
p12/java-truststore.p12|0|2|0|int-ca|
p12/java-keystore.p12|0|3|1|client|
p12/many-certs.pfx|0|61|1|client|
p12/key-only.pfx|0|0|1||
p12/certs-only.pfx|0|3|0|client|
p12/chain-missing.pfx|0|1|1|client|
p12/unencrypted-keybag.pfx|0|3|1|client|
p12/nested-safecontents.pfx|0|3|1|client|
p12/crlbag.pfx|0|3|1|client|
p12/version2.pfx|3||||PKCS#12 version 2 is not supported
p12/enveloped.pfx|3||||the PKCS#12 content is EnvelopedData
p12/deep-nesting.pfx|3||||PKCS#12 bags are nested more than 8 levels deep
p12/unsupported-cipher.pfx|3||||.*CAMELLIA-256-CBC.* is not supported
TABLE

# every PKCS#12 fixture is in the table above
for f in "$FX"/p12/*.pfx "$FX"/p12/*.p12; do
	name=p12/$(basename "$f")
	checks=$((checks + 1))
	if grep -q "^$name|" "$0"; then
		echo "ok: $name is tested"
	else
		failures=$((failures + 1)); echo "FAIL: $name is not in the table"
	fi
done

# the chain order comes from the certificates, not the file
run pfx2pem --password-file "$FX/p12/modern.pfx.pass" "$FX/p12/modern.pfx"
fingerprints "$out" >"$TMPD/got"
fp client int-ca root-ca >"$TMPD/want"
check "chain order: leaf, intermediate, root" "$(cat "$TMPD/got")" "$(cat "$TMPD/want")"
finish
