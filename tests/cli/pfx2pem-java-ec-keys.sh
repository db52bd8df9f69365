#!/bin/sh
# EC keys from Java: every keystore keytool writes (JKS, JCEKS, PKCS#12)
# holds an EC key as a PKCS#8 without the public point, which GnuTLS 3.7
# refuses; libcore computes the point.  One store of each type with a
# P-256, a P-384 and an RSA key: chainview matches each key to its
# certificate, pfx2pem --key-only writes all three, `openssl pkey -check`
# accepts them and their public keys are the certificates'.
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
	expect "$type: text, P-384 matched" 1 'EC 384 P-384 .* matches \[[0-9]\] CN=p384\.example\.test' ''

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
finish
