#!/bin/sh
# chainview opens every PKCS#12 variant and says how it is protected.
. "$top_srcdir/tests/lib.sh"
need jq

# file | mac | first encrypted bag: cipher | kdf | certificates | keys
while IFS='|' read -r file mac cipher kdf certs keys; do
	[ -z "$file" ] && continue
	run chainview --json --no-system-trust --password-file "$FX/$file.pass" "$FX/$file"
	expect_json "$file: mac" '.input.pkcs12.mac.algorithm // "none"' "$mac"
	expect_json "$file: cipher" '[.input.pkcs12.bags[] | select(.encrypted)][0].cipher // "none"' "$cipher"
	expect_json "$file: kdf" '[.input.pkcs12.bags[] | select(.encrypted)][0].kdf // "none"' "$kdf"
	expect_json "$file: certificates" '.certificates | length' "$certs"
	expect_json "$file: keys" '.keys | length' "$keys"
	[ "$keys" = 1 ] && [ "$certs" != 0 ] &&
		expect_json "$file: key matches the leaf" '.keys[0].matches_certificate' 0
done <<'TABLE'
p12/modern.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/aes128.pfx|SHA256|AES-128-CBC|PBKDF2-HMAC-SHA256|3|1
p12/aes192.pfx|SHA256|AES-192-CBC|PBKDF2-HMAC-SHA256|3|1
p12/pbkdf2-sha1.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA1|3|1
p12/3des.pfx|SHA1|3DES-CBC|PKCS12-KDF-SHA1|3|1
p12/rc2-40.pfx|SHA1|RC2-40-CBC|PKCS12-KDF-SHA1|3|1
p12/rc4-128.pfx|SHA1|RC4-128|PKCS12-KDF-SHA1|3|1
p12/mac-sha1.pfx|SHA1|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/mac-sha384.pfx|SHA384|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/mac-sha512.pfx|SHA512|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/nomac.pfx|none|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/nocrypt.pfx|SHA256|none|none|3|1
p12/nocrypt-nomac.pfx|none|none|none|3|1
p12/unencrypted-keybag.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/empty-pass.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/null-pass.pfx|SHA256|AES-128-CBC|PBKDF2-HMAC-SHA256|3|1
p12/utf8-pass.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/long-pass.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/friendly-utf8.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/java-truststore.p12|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|2|0
p12/java-keystore.p12|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|3|1
p12/many-certs.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|61|1
p12/key-only.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|0|1
p12/certs-only.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|3|0
p12/chain-missing.pfx|SHA256|AES-256-CBC|PBKDF2-HMAC-SHA256|1|1
p12/nested-safecontents.pfx|SHA256|none|none|3|1
p12/crlbag.pfx|SHA256|none|none|3|1
TABLE

# friendly names, BMPString to UTF-8
run chainview --json --no-system-trust --password-file "$FX/p12/friendly-utf8.pfx.pass" "$FX/p12/friendly-utf8.pfx"
expect_json "friendly name" '.certificates[0].friendly_name' "Clïent ✓ 証明書"

# skipped bags are findings, not silence
run chainview --json --no-system-trust --password-file "$FX/p12/crlbag.pfx.pass" "$FX/p12/crlbag.pfx"
expect_json "CRL and secret bags noted" '[.findings[] | select(.code == "skipped-bag")] | length' 2

# the text header shows the protection
run chainview --no-system-trust --password-file "$FX/p12/3des.pfx.pass" "$FX/p12/3des.pfx"
expect "text header" 1 'MAC: SHA1, 2048 iterations' ''
expect "text bag" 1 '3DES-CBC \(PKCS12-PBE, PKCS12-KDF-SHA1, 2048 iterations\)' ''

# containers refused with a clear error
while IFS='|' read -r file want_rc message; do
	[ -z "$file" ] && continue
	run chainview --no-system-trust --password test "$FX/$file"
	expect "$file refused" "$want_rc" '' "$message"
	expect_one_line_error "$file"
done <<'TABLE'
p12/version2.pfx|3|version 2 is not supported \(expected 3\)
p12/enveloped.pfx|3|EnvelopedData \(public-key encryption\)
p12/deep-nesting.pfx|3|nested more than 8 levels deep
p12/unsupported-cipher.pfx|3|encryption CAMELLIA-256-CBC \(1\.2\.392\.200011\.61\.1\.1\.1\.4\) is not supported
bad/corrupted-mac.pfx|3|MAC does not verify although the password decrypts the contents
bad/corrupted-body.pfx|3|does not decrypt with the password that opens the rest of the file
bad/truncated.pfx|3|DER length at byte 1 runs past the end
TABLE
finish
