#!/bin/sh
# Round trips: PFX -> PEM -> PFX -> PEM keeps the certificates, their
# order and the key, in every profile; certconv's formats come back the
# same through our reader and OpenSSL; --attributes and --encrypt-key
# output stays readable by OpenSSL and certtool.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
need openssl certtool jq

printf 'chainkit-pw\n' >"$TMPD/pw"
P=$FX/pki

# --- PFX -> PEM -> PFX -> PEM
for src in p12/modern.pfx p12/3des.pfx p12/rc2-40.pfx p12/friendly-utf8.pfx; do
	rm -f "$TMPD/pem1"
	run pfx2pem --password-file "$FX/$src.pass" -o "$TMPD/pem1" "$FX/$src"
	expect "$src -> PEM" 0
	for profile in modern legacy openssl1; do
		tag="$src -> PEM -> $profile PFX -> PEM"
		rm -f "$TMPD/pfx2" "$TMPD/pem2"
		run pem2pfx --profile "$profile" --out-password-file "$TMPD/pw" --no-system-trust \
			-o "$TMPD/pfx2" "$TMPD/pem1"
		expect "$tag: pem2pfx" 0
		run pfx2pem --password-file "$TMPD/pw" -o "$TMPD/pem2" "$TMPD/pfx2"
		expect "$tag: pfx2pem" 0
		checks=$((checks + 1))
		if cmp -s "$TMPD/pem1" "$TMPD/pem2"; then
			echo "ok: $tag: the same PEM, byte for byte"
		else
			failures=$((failures + 1)); echo "FAIL: $tag: the PEM differs"
		fi
		check "$tag: certificates and order" "$(fingerprints "$TMPD/pem2")" "$(fp client int-ca root-ca)"
		check "$tag: the key" "$(key_pubkey "$TMPD/pem2")" "$(cert_pubkey "$P/client.crt")"
	done
done

# a PFX given to pem2pfx directly keeps its friendly name
run pem2pfx --password test --out-password-file "$TMPD/pw" -o "$TMPD/direct.pfx" "$FX/p12/friendly-utf8.pfx"
expect "PFX -> PFX" 0
run chainview --json --no-system-trust --password-file "$TMPD/pw" "$TMPD/direct.pfx"
expect_json "PFX -> PFX keeps the friendly name" '.keys[0].friendly_name' "Clïent ✓ 証明書"

# --- certconv: every format, back through our reader and OpenSSL
want=$(fp client int-ca)
run certconv --to p7b -o "$TMPD/c.p7b" "$FX/bundles/client-chain.pem"
expect "PEM -> p7b" 0
openssl pkcs7 -inform DER -in "$TMPD/c.p7b" -print_certs -out "$TMPD/c.p7.pem" 2>/dev/null
check "PEM -> p7b: openssl, in order" "$(fingerprints "$TMPD/c.p7.pem")" "$want"
certtool --p7-info --inder --infile "$TMPD/c.p7b" >"$TMPD/c.p7.txt" 2>/dev/null
check "PEM -> p7b: certtool, in order" "$(fingerprints "$TMPD/c.p7.txt")" "$want"
run certconv --to pem -o "$TMPD/c.pem" "$TMPD/c.p7b"
expect "p7b -> PEM" 0
check "p7b -> PEM: in order" "$(fingerprints "$TMPD/c.pem")" "$want"
run certconv --to p7b -o "$TMPD/scr.p7b" "$FX/bundles/client-scrambled.pem"
openssl pkcs7 -inform DER -in "$TMPD/scr.p7b" -print_certs -out "$TMPD/scr.pem" 2>/dev/null
check "without --fix the order is kept (PKCS#7)" "$(fingerprints "$TMPD/scr.pem")" "$(fp root-ca client int-ca)"

run certconv --to der -o "$TMPD/c.der" "$FX/bundles/client-leaf.pem"
expect "PEM -> DER" 0
cmp -s "$TMPD/c.der" "$P/client.der" && got=same || got=different
check "PEM -> DER: the certificate's DER" "$got" same

run certconv --to base64 "$FX/bundles/client-leaf.pem"
expect "PEM -> base64" 0
check "PEM -> base64: the DER on one line" "$(cat "$out")" "$(base64 -w0 "$P/client.der")"
run certconv --to base64 -o "$TMPD/chain.b64" "$FX/bundles/client-chain.pem"
expect "chain -> base64 (PKCS#7)" 0
run chainview --json --no-system-trust "$TMPD/chain.b64"
expect_json "chain -> base64: read back as PKCS#7 in base64" '.input.format' base64
expect_json "chain -> base64: two certificates" '.certificates | length' 2
run certconv --to base64 --password test --out-password-file "$TMPD/pw" -o "$TMPD/pfx.b64" "$FX/p12/modern.pfx"
expect "PFX -> base64 (a PFX)" 0
base64 -d "$TMPD/pfx.b64" >"$TMPD/pfx.bin"
openssl pkcs12 -in "$TMPD/pfx.bin" -passin "file:$TMPD/pw" -nodes -out "$TMPD/pfx.pem" 2>/dev/null
check "PFX -> base64: OpenSSL reads the PFX inside" "$(fingerprints "$TMPD/pfx.pem")" "$(fp client int-ca root-ca)"
check "PFX -> base64: mode 0600" "$(stat -c %a "$TMPD/pfx.b64")" 600

run certconv --to pfx --profile legacy --out-password-file "$TMPD/pw" -o "$TMPD/certs.pfx" \
	"$FX/bundles/client-chain.pem"
expect "certificates -> PFX" 0
openssl pkcs12 -in "$TMPD/certs.pfx" -passin "file:$TMPD/pw" -nokeys -out "$TMPD/certs.pem" 2>/dev/null
check "certificates -> PFX: OpenSSL" "$(fingerprints "$TMPD/certs.pem")" "$want"
run certconv --to pem --password-file "$TMPD/pw" -o "$TMPD/certs-back.pem" "$TMPD/certs.pfx"
expect "PFX (no key) -> PEM" 0
check "PFX (no key) -> PEM" "$(fingerprints "$TMPD/certs-back.pem")" "$want"
check "PFX (no key) -> PEM: not a key file" "$(stat -c %a "$TMPD/certs-back.pem")" \
	"$(printf '%o' $((0666 & ~$(umask))))"

run certconv --to pem --password test -o "$TMPD/all.pem" "$FX/p12/modern.pfx"
expect "PFX -> PEM with the key" 0
check "PFX -> PEM with the key: key matches" "$(key_pubkey "$TMPD/all.pem")" "$(cert_pubkey "$TMPD/all.pem")"
check "PFX -> PEM with the key: mode" "$(stat -c %a "$TMPD/all.pem")" 600

# --- --attributes: comment lines that readers skip
run pfx2pem --attributes --password test -o "$TMPD/attr.pem" "$FX/p12/friendly-utf8.pfx"
expect "--attributes" 0
check "--attributes: friendly name of the leaf and the key" \
	"$(grep -c '^# friendlyName: Clïent ✓ 証明書$' "$TMPD/attr.pem")" 2
check "--attributes: local key id (hex, as in the PFX)" "$(grep -c "^# localKeyID: [0-9a-f][0-9a-f]*$" "$TMPD/attr.pem")" 2
check "--attributes: openssl still reads three certificates" "$(fingerprints "$TMPD/attr.pem" | wc -l | tr -d ' ')" 3
check "--attributes: certtool still reads three certificates" \
	"$(certtool --certificate-info --infile "$TMPD/attr.pem" 2>/dev/null | grep -cE '^[[:space:]]*Subject:')" 3
check "--attributes: openssl still reads the key" "$(key_pubkey "$TMPD/attr.pem")" "$(cert_pubkey "$P/client.crt")"
run pfx2pem --password test -o "$TMPD/clean.pem" "$FX/p12/friendly-utf8.pfx"
check "without --attributes: no comment" "$(grep -c '^#' "$TMPD/clean.pem")" 0

# --- --encrypt-key
run pfx2pem --encrypt-key --out-password-file "$TMPD/pw" --password test -o "$TMPD/enc.pem" "$FX/p12/3des.pfx"
expect "--encrypt-key" 0
check "--encrypt-key: an ENCRYPTED PRIVATE KEY block" "$(grep -c 'BEGIN ENCRYPTED PRIVATE KEY' "$TMPD/enc.pem")" 1
check "--encrypt-key: no plain key" "$(grep -c 'BEGIN PRIVATE KEY' "$TMPD/enc.pem")" 0
check "--encrypt-key: openssl decrypts it" "$(key_pubkey "$TMPD/enc.pem" chainkit-pw)" "$(cert_pubkey "$P/client.crt")"
awk '/BEGIN ENCRYPTED/{on=1} on{print} /END ENCRYPTED/{on=0}' "$TMPD/enc.pem" >"$TMPD/enc-key.pem"
openssl asn1parse -in "$TMPD/enc-key.pem" >"$TMPD/enc.asn1" 2>/dev/null
check "--encrypt-key: PBES2, PBKDF2, HMAC-SHA256, AES-256-CBC" \
	"$(grep -oE 'PBES2|PBKDF2|hmacWithSHA256|aes-256-cbc' "$TMPD/enc.asn1" | tr '\n' ' ')" \
	"PBES2 PBKDF2 hmacWithSHA256 aes-256-cbc "
got=$(certtool --pubkey-info --load-privkey "$TMPD/enc-key.pem" --password chainkit-pw --outder 2>/dev/null |
	sha256sum | cut -d' ' -f1)
check "--encrypt-key: certtool decrypts it" "$got" "$(cert_pubkey "$P/client.crt")"
run chainview --json --no-system-trust --password-file "$TMPD/pw" "$TMPD/enc.pem"
expect_json "--encrypt-key: our reader decrypts it" '.keys[0].encrypted' true
finish
