#!/bin/sh
# EC keys from Java: every keystore keytool writes (JKS, JCEKS, PKCS#12)
# holds an EC key as a PKCS#8 without the public point, which GnuTLS 3.7
# refuses; libcore computes the point.  One store of each type with a
# P-256, a P-384 and an RSA key: chainview matches each key to its
# certificate, pfx2pem --key-only writes all three, `openssl pkey -check`
# accepts them and their public keys are the certificates'.  Several keys
# (issue 24 item 13): chainview names each key's alias, pfx2pem and
# certconv take one with --alias.
. "$top_srcdir/tests/lib.sh"
need openssl jq
command -v keytool >/dev/null 2>&1 || skip "keytool is not installed (Debian: default-jre-headless)"

W="$TMPD/ec"
mkdir -p "$W"

# one public key per line (base64 of the DER), sorted
pubs_of_keys() {
	awk -v d="$W/split" '/BEGIN .*PRIVATE KEY/ { n++; k = 1 } k { print > (d "." n) }
		/END .*PRIVATE KEY/ { k = 0; close(d "." n) }' "$1"
	for k in "$W"/split.*; do
		openssl pkey -in "$k" -pubout -outform DER 2>/dev/null | base64 -w0
		echo
	done | sort
	rm -f "$W"/split.*
}

for type in jks jceks pkcs12; do
	ks="$W/java.$type"
	for spec in "p256 EC 256" "p384 EC 384" "rsa RSA 2048"; do
		set -- $spec
		keytool -genkeypair -alias "$1" -keyalg "$2" -keysize "$3" -dname "CN=$1.example.test" \
			-validity 3650 -storetype "$type" -keystore "$ks" -storepass storepass \
			-keypass storepass >/dev/null 2>&1 || skip "keytool cannot make a $type keystore with $2 $3"
	done

	# before: 0 keys (JKS, JCEKS), or "the file is corrupt" (PKCS#12)
	run chainview --json --no-system-trust --password storepass "$ks"
	expect_json "$type: three keys" '.keys | length' 3
	expect_json "$type: key types" '[.keys[] | "\(.type) \(.bits) \(.curve)"] | sort | join(",")' \
		'EC 256 P-256,EC 384 P-384,RSA 2048 null'
	expect_json "$type: each key matches a certificate" '[.keys[].matches_certificate | type] | unique | join(",")' number
	expect_json "$type: key and certificate aliases agree" \
		'. as $d | [.keys[] | .friendly_name == $d.certificates[.matches_certificate].friendly_name] | all' true
	run chainview --no-system-trust --password storepass "$ks"
	expect "$type: text" 1 '3 certificates, 3 keys' ''
	expect "$type: text, P-384 matched, with its alias" 1 'EC 384 P-384 "p384" — matches \[[0-9]\] CN=p384\.example\.test' ''

	run pfx2pem --key-only --password storepass -o "$W/keys.$type.pem" "$ks"
	expect "$type: pfx2pem --key-only" 0
	checks=$((checks + 1))
	n=$(grep -c 'BEGIN PRIVATE KEY' "$W/keys.$type.pem")
	if [ "$n" = 3 ]; then echo "ok: $type: three keys written"; else fail "$type: $n keys written"; fi

	# openssl pkey -check accepts every key
	awk -v d="$W/one" '/BEGIN .*PRIVATE KEY/ { n++; k = 1 } k { print > (d "." n) }
		/END .*PRIVATE KEY/ { k = 0; close(d "." n) }' "$W/keys.$type.pem"
	for k in "$W"/one.*; do
		checks=$((checks + 1))
		if openssl pkey -in "$k" -check -noout >/dev/null 2>&1; then
			echo "ok: $type: openssl pkey -check accepts $(openssl pkey -in "$k" -noout -text 2>/dev/null | head -1)"
		else
			fail "$type: openssl pkey -check refuses $k"
		fi
	done
	rm -f "$W"/one.*

	# --alias: one key and its certificate (case ignored: JKS lowercases)
	run pfx2pem --alias P384 --password storepass -o "$W/p384.$type.pem" "$ks"
	expect "$type: pfx2pem --alias" 0 '' "left out the private key 'p256'"
	checks=$((checks + 1))
	if [ "$(grep -c BEGIN "$W/p384.$type.pem")" = 2 ] &&
		[ "$(openssl x509 -in "$W/p384.$type.pem" -noout -subject)" = "subject=CN = p384.example.test" ] &&
		[ "$(openssl x509 -in "$W/p384.$type.pem" -noout -pubkey | openssl pkey -pubin -outform DER | base64 -w0)" = \
		  "$(openssl pkey -in "$W/p384.$type.pem" -pubout -outform DER | base64 -w0)" ]; then
		echo "ok: $type: --alias p384 writes that key and its certificate alone"
	else
		fail "$type: --alias p384 wrote something else"
	fi
	run pfx2pem --alias nope --password storepass "$ks"
	expect "$type: --alias of no key" 2 '' "no private key has the alias 'nope' \(the keys: .*'p384'"
	printf 'outpass\n' >"$W/outpass"
	run certconv --to pfx --alias rsa --password storepass --out-password-file "$W/outpass" -o "$W/rsa.$type.pfx" "$ks"
	expect "$type: certconv --alias" 0
	checks=$((checks + 1))
	if [ "$(openssl pkcs12 -in "$W/rsa.$type.pfx" -passin pass:outpass -noenc 2>/dev/null | grep -c 'BEGIN')" = 2 ] &&
		openssl pkcs12 -in "$W/rsa.$type.pfx" -passin pass:outpass -nokeys 2>/dev/null | grep -q 'subject=CN = rsa.example.test'; then
		echo "ok: $type: certconv --alias rsa: a PFX of that key and certificate"
	else
		fail "$type: certconv --alias rsa: not the PFX of that key"
	fi
	run pem2pfx --alias p256 --password storepass --out-password-file "$W/outpass" -o "$W/p256.$type.pfx" "$ks"
	expect "$type: pem2pfx --alias" 0
	checks=$((checks + 1))
	if openssl pkcs12 -in "$W/p256.$type.pfx" -passin pass:outpass -nokeys 2>/dev/null |
		grep -q 'subject=CN = p256.example.test' &&
		[ "$(openssl pkcs12 -in "$W/p256.$type.pfx" -passin pass:outpass -noenc 2>/dev/null | grep -c 'BEGIN')" = 2 ]; then
		echo "ok: $type: pem2pfx --alias p256: a PFX of that key and certificate"
	else
		fail "$type: pem2pfx --alias p256: not the PFX of that key"
	fi
	run pem2pfx --password storepass --out-password-file "$W/outpass" -o "$W/all2.$type.pfx" "$ks"
	expect "$type: pem2pfx of three keys" 1 '' 'hold 3 private keys; .* or choose one with --alias'
	run certconv --to pfx --password storepass --out-password-file "$W/outpass" -o "$W/all.$type.pfx" "$ks"
	expect "$type: certconv of three keys" 1 '' 'holds one private key; the input has 3 \(choose one with --alias\)'

	# the keys' public keys are the certificates' (keytool -exportcert)
	for alias in p256 p384 rsa; do
		keytool -exportcert -rfc -alias "$alias" -keystore "$ks" -storetype "$type" \
			-storepass storepass 2>/dev/null | openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | base64 -w0
		echo
	done | sort >"$W/certpubs.$type"
	checks=$((checks + 1))
	if [ "$(pubs_of_keys "$W/keys.$type.pem")" = "$(cat "$W/certpubs.$type")" ]; then
		echo "ok: $type: the keys are the certificates' keys"
	else
		fail "$type: the keys' public keys are not the certificates'"
	fi
done

# A password beyond the BMP (U+1F600), which Java holds as a surrogate
# pair: one encoder for the integrity hash, the key protector and the JKS
# writer (the key protector's used to make it four U+FFFD).
nb=$(printf 'p\303\244\360\237\230\200ss')
LC_ALL=C.UTF-8 keytool -genkeypair -alias nb -keyalg EC -groupname secp256r1 -dname CN=nb.example.test \
	-validity 3650 -storetype jks -keystore "$W/nb.jks" -storepass "$nb" -keypass "$nb" >/dev/null 2>&1 ||
	skip "keytool does not take a password beyond the BMP here"
run chainview --json --no-system-trust --password "$nb" "$W/nb.jks"
expect_json "non-BMP password: integrity hash checked" '.input.jks.integrity' verified
expect_json "non-BMP password: key decrypted" '"\(.keys | length),\(.input.jks.entries[0].key_decrypted)"' '1,true'
NB_PASS=$nb
export NB_PASS
run truststore export "java:$W/nb.jks" --to jks --out-password-env NB_PASS -o "$W/nb-out.jks"
expect "non-BMP password: truststore export --to jks" 0
checks=$((checks + 1))
if LC_ALL=C.UTF-8 keytool -list -keystore "$W/nb-out.jks" -storetype jks -storepass "$nb" 2>/dev/null |
	grep -q trustedCertEntry; then
	echo "ok: non-BMP password: keytool opens the JKS written with it"
else
	fail "non-BMP password: keytool cannot open the JKS written with it"
fi
finish
