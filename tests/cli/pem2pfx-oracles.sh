#!/bin/sh
# Every PFX pem2pfx writes, in every profile, is opened by OpenSSL (with
# -legacy only where the profile needs it), GnuTLS certtool and Java
# keytool, and all three see the same certificates in the same order and
# a private key whose public key is the leaf's.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
need openssl certtool keytool

PW=chainkit-pw   # keytool wants 6 characters or more
printf '%s\n' "$PW" >"$TMPD/pw"
P=$FX/pki

# keytool -list -v: the SHA-256 fingerprints of the key entry's chain
keytool_chain() {
	grep -E '^[[:space:]]*SHA256:' "$1" | sed 's/.*SHA256: //; s/://g' | tr 'A-F' 'a-f'
}

# identity | key | certificates, in a scrambled order | chain wanted (pki names)
while IFS='|' read -r id key certs chain; do
	[ -z "$id" ] && continue
	want=$(fp $chain)
	leaf=$(echo "$chain" | cut -d' ' -f1)
	leafpub=$(cert_pubkey "$P/$leaf.crt")
	set -- $certs
	files=""
	for c in "$@"; do files="$files $P/$c.crt"; done
	for profile in modern legacy openssl1; do
		tag="$id/$profile"
		pfx="$TMPD/$id-$profile.pfx"
		# shellcheck disable=SC2086
		run pem2pfx --profile "$profile" --name "$tag" --no-system-trust \
			--out-password-file "$TMPD/pw" --key "$P/$key" $files -o "$pfx"
		expect "$tag: written" 0
		expect_quiet_stdout "$tag"
		check "$tag: mode 0600" "$(stat -c %a "$pfx")" 600

		# our own reader
		run chainview --json --no-system-trust --password-file "$TMPD/pw" "$pfx"
		expect_json "$tag: chainview: key matches the leaf" '.keys[0].matches_certificate' 0
		expect_json "$tag: chainview: leaf" '.certificates[0].sha256' "$(echo "$want" | head -1)"
		expect_json "$tag: chainview: friendly name" '.keys[0].friendly_name' "$tag"

		# OpenSSL: -legacy only for RC2
		legacy=""
		[ "$profile" = openssl1 ] && legacy=-legacy
		if openssl pkcs12 $legacy -in "$pfx" -passin "file:$TMPD/pw" -nodes \
			-out "$TMPD/ossl.pem" 2>"$TMPD/ossl.err"; then
			check "$tag: openssl: certificates in order" "$(fingerprints "$TMPD/ossl.pem")" "$want"
			check "$tag: openssl: key is the leaf's" "$(key_pubkey "$TMPD/ossl.pem")" "$leafpub"
			check "$tag: openssl: friendly name" \
				"$(grep -c "friendlyName: $tag" "$TMPD/ossl.pem")" 2
		else
			check "$tag: openssl pkcs12 $legacy opens it ($(head -1 "$TMPD/ossl.err"))" no yes
		fi
		checks=$((checks + 1))
		if [ "$profile" = openssl1 ]; then
			if openssl pkcs12 -in "$pfx" -passin "file:$TMPD/pw" -nodes -out /dev/null 2>/dev/null; then
				failures=$((failures + 1)); echo "FAIL: $tag: opened without -legacy (RC2?)"
			else
				echo "ok: $tag: OpenSSL 3 needs -legacy for RC2-40, as documented"
			fi
		else
			echo "ok: $tag: opened without -legacy"
		fi

		# GnuTLS: verifies the MAC, decrypts the certificates; the key it
		# prints encrypted is decrypted with certtool too
		if certtool --p12-info --inder --infile "$pfx" --password "$PW" \
			>"$TMPD/gnutls.txt" 2>"$TMPD/gnutls.err"; then
			check "$tag: certtool: certificates in order" "$(fingerprints "$TMPD/gnutls.txt")" "$want"
			awk '/BEGIN ENCRYPTED PRIVATE KEY/ { on = 1 } on { print }
			     /END ENCRYPTED PRIVATE KEY/ { on = 0 }' "$TMPD/gnutls.txt" >"$TMPD/gnutls-key.pem"
			got=$(certtool --pubkey-info --load-privkey "$TMPD/gnutls-key.pem" --password "$PW" \
				--outder 2>/dev/null | sha256sum | cut -d' ' -f1)
			check "$tag: certtool: key is the leaf's" "$got" "$leafpub"
			check "$tag: certtool: friendly name" \
				"$(grep -c "Friendly name: $tag" "$TMPD/gnutls.txt")" 2
		else
			check "$tag: certtool --p12-info opens it ($(head -1 "$TMPD/gnutls.err"))" no yes
		fi

		# Java: the key entry and its chain; importkeystore proves it
		# decrypted the key, which OpenSSL then reads from Java's copy
		keytool -list -v -storetype pkcs12 -keystore "$pfx" -storepass "$PW" \
			>"$TMPD/java.txt" 2>&1
		check "$tag: keytool: alias" "$(sed -n 's/^Alias name: //p' "$TMPD/java.txt")" "$(echo "$tag" | tr 'A-Z' 'a-z')"
		check "$tag: keytool: private key entry" \
			"$(grep -c '^Entry type: PrivateKeyEntry' "$TMPD/java.txt")" 1
		check "$tag: keytool: chain in order" "$(keytool_chain "$TMPD/java.txt")" "$want"
		rm -f "$TMPD/java.p12"
		keytool -importkeystore -noprompt -srckeystore "$pfx" -srcstoretype pkcs12 \
			-srcstorepass "$PW" -destkeystore "$TMPD/java.p12" -deststoretype pkcs12 \
			-deststorepass "$PW" >"$TMPD/java-import.txt" 2>&1
		openssl pkcs12 -in "$TMPD/java.p12" -passin "file:$TMPD/pw" -nocerts -nodes \
			-out "$TMPD/java-key.pem" 2>/dev/null
		check "$tag: keytool: key is the leaf's" "$(key_pubkey "$TMPD/java-key.pem")" "$leafpub"
	done
done <<'TABLE'
rsa|client.key|root-ca client int-ca|client int-ca root-ca
ec|ec-leaf.key|ec-int ec-leaf ec-root|ec-leaf ec-int ec-root
ed25519|ed25519-leaf.key|ec-root ec-int ed25519-leaf|ed25519-leaf ec-int ec-root
TABLE

# --iterations is what every oracle sees, for the KDFs and the MAC
for profile in modern legacy openssl1; do
	run pem2pfx --profile "$profile" --iterations 4321 --no-system-trust --out-password-file "$TMPD/pw" \
		--key "$P/client.key" "$P/client.crt" "$P/int-ca.crt" "$P/root-ca.crt" -o "$TMPD/it-$profile.pfx"
	expect "--iterations 4321 ($profile)" 0
	legacy=""
	[ "$profile" = openssl1 ] && legacy=-legacy
	openssl pkcs12 $legacy -in "$TMPD/it-$profile.pfx" -passin "file:$TMPD/pw" -info -noout \
		>"$TMPD/info.txt" 2>&1
	check "openssl: MAC and both bags at 4321 iterations ($profile)" \
		"$(grep -c 'Iteration 4321' "$TMPD/info.txt")" 3
	certtool --p12-info --inder --infile "$TMPD/it-$profile.pfx" --password "$PW" >"$TMPD/info.txt" 2>&1
	check "certtool: MAC and both bags at 4321 iterations ($profile)" \
		"$(grep -c 'Iteration count: 4321' "$TMPD/info.txt")" 3
done

# the empty password, as OpenSSL and GnuTLS take it
run pem2pfx --empty-password --no-system-trust --key "$P/client.key" "$P/client.crt" \
	-o "$TMPD/empty.pfx"
expect "--empty-password" 1 '' 'could not complete the chain'
checks=$((checks + 1))
if openssl pkcs12 -in "$TMPD/empty.pfx" -passin pass: -noout 2>/dev/null &&
	certtool --p12-info --inder --infile "$TMPD/empty.pfx" --empty-password >/dev/null 2>&1; then
	echo "ok: the empty password opens it for openssl and certtool"
else
	failures=$((failures + 1)); echo "FAIL: empty-password file not opened by openssl/certtool"
fi

# leaf + key + intermediate of a private PKI, the root not given: the
# right content for a client PFX, so a note and exit 0, not a failure
# (issue 24 item 3); the leaf alone still fails
run pem2pfx --empty-password --no-system-trust --key "$P/client.key" "$P/client.crt" \
	"$P/int-ca.crt" -o "$TMPD/noroot.pfx"
expect "leaf + intermediate, no root: exit 0" 0 '' \
	'the chain ends at CN=chainkit Issuing CA 1,O=chainkit tests; its issuer CN=chainkit Test Root CA,O=chainkit tests .*usually the root'
checks=$((checks + 1))
if grep -q 'could not complete' "$err"; then fail "leaf + intermediate: called incomplete"; else echo "ok: leaf + intermediate: not called incomplete"; fi
check "leaf + intermediate: both in the PFX" \
	"$(openssl pkcs12 -in "$TMPD/noroot.pfx" -passin pass: -nokeys 2>/dev/null | grep -c 'BEGIN CERTIFICATE')" 2

# A password that is not UTF-8 (Latin-1 "café"): OpenSSL takes its bytes
# as Latin-1 characters, and so do we, both ways, in every profile
printf 'caf\351\n' >"$TMPD/latin1"
for profile in modern legacy openssl1; do
	legacy=""; [ "$profile" = modern ] || legacy=-legacy
	run pem2pfx --profile "$profile" --no-system-trust --out-password-file "$TMPD/latin1" \
		--key "$P/client.key" "$P/client.crt" "$P/int-ca.crt" "$P/root-ca.crt" -o "$TMPD/l1-$profile.pfx"
	expect "Latin-1 password: written ($profile)" 0
	openssl pkcs12 $legacy -in "$TMPD/l1-$profile.pfx" -passin "file:$TMPD/latin1" -nodes \
		-out "$TMPD/l1.pem" 2>/dev/null
	check "Latin-1 password: openssl opens pem2pfx's PFX ($profile)" \
		"$(fingerprints "$TMPD/l1.pem")" "$(fp client int-ca root-ca)"
	check "Latin-1 password: with its key ($profile)" "$(grep -c 'BEGIN PRIVATE KEY' "$TMPD/l1.pem")" 1
	# shellcheck disable=SC2086
	openssl pkcs12 -export $legacy -in "$TMPD/l1.pem" -passout "file:$TMPD/latin1" \
		-out "$TMPD/l1-openssl-$profile.pfx" 2>/dev/null
	run pfx2pem --password-file "$TMPD/latin1" "$TMPD/l1-openssl-$profile.pfx" -o "$TMPD/l1-back-$profile.pem"
	expect "Latin-1 password: pfx2pem opens OpenSSL's PFX ($profile)" 0
	check "Latin-1 password: certificates and key of OpenSSL's PFX ($profile)" \
		"$(fingerprints "$TMPD/l1-back-$profile.pem") $(grep -c 'BEGIN PRIVATE KEY' "$TMPD/l1-back-$profile.pem")" \
		"$(fp client int-ca root-ca) 1"
done

# A UTF-8 password not in NFC ("cafe" + U+0301): GnuTLS normalizes it
# before the PKCS#12 KDF, OpenSSL does not, and neither do we
printf 'cafe\314\201\n' >"$TMPD/nfd"
openssl pkcs12 -export -legacy -in "$TMPD/l1.pem" -passout "file:$TMPD/nfd" -out "$TMPD/nfd.pfx" 2>/dev/null
run pfx2pem --password-file "$TMPD/nfd" "$TMPD/nfd.pfx" -o "$TMPD/nfd.pem"
expect "NFD password: pfx2pem opens OpenSSL's PFX" 0
check "NFD password: certificates and key" \
	"$(fingerprints "$TMPD/nfd.pem") $(grep -c 'BEGIN PRIVATE KEY' "$TMPD/nfd.pem")" "$(fp client int-ca root-ca) 1"

# --base64: one line that decodes to the same PFX
run pem2pfx --base64 --no-system-trust --out-password-file "$TMPD/pw" --key "$P/client.key" \
	"$P/client.crt" "$P/int-ca.crt" "$P/root-ca.crt" -o "$TMPD/b64.txt"
expect "--base64" 0
check "--base64: one line" "$(wc -l <"$TMPD/b64.txt" | tr -d ' ')" 1
base64 -d "$TMPD/b64.txt" >"$TMPD/b64.pfx"
openssl pkcs12 -in "$TMPD/b64.pfx" -passin "file:$TMPD/pw" -nodes -out "$TMPD/b64.pem" 2>/dev/null
check "--base64: openssl reads the decoded PFX" "$(fingerprints "$TMPD/b64.pem")" "$(fp client int-ca root-ca)"
finish
