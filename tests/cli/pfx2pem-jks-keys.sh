#!/bin/sh
# The private keys of JKS and JCEKS keystores made by keytool: chainview
# counts them, pfx2pem --key-only writes them (0600) and they are the keys
# keytool -importkeystore puts in a PKCS#12 file; certconv --to pfx turns
# a one-key keystore into a PFX that openssl and keytool read.
. "$top_srcdir/tests/lib.sh"
need openssl jq
command -v keytool >/dev/null 2>&1 || skip "keytool is not installed (Debian: default-jre-headless)"

W="$TMPD/ks"
mkdir -p "$W"
printf 'outpass\n' >"$W/outpass"

# pubs FILE...: the public keys of the private keys in PEM FILEs, sorted
pubs() {
	for f in "$@"; do
		awk -v d="$W/split.$(basename "$f")" '/BEGIN .*PRIVATE KEY/ { n++; in_key = 1 }
			in_key { print > (d "." n) }
			/END .*PRIVATE KEY/ { in_key = 0; close(d "." n) }' "$f"
	done
	for k in "$W"/split.*; do
		openssl pkey -in "$k" -pubout 2>/dev/null | tr -d '\n'
		echo
	done | sort
	rm -f "$W"/split.*
}

for type in jks jceks; do
	ks="$W/multi.$type"
	for alias in one two; do
		keytool -genkeypair -alias "$alias" -keyalg RSA -keysize 2048 -dname "CN=$alias.example.test" \
			-validity 3650 -storetype "$type" -keystore "$ks" -storepass storepass \
			-keypass storepass >/dev/null 2>&1 || skip "keytool cannot make a $type keystore"
	done

	# before: "0 keys"
	run chainview --json --no-system-trust --password storepass "$ks"
	expect_json "$type: two keys" '.keys | length' 2
	expect_json "$type: each key matches its certificate" '[.keys[].matches_certificate | type] | unique | join(",")' number
	expect_json "$type: entries say decrypted" '[.input.jks.entries[].key_decrypted] | unique | join(",")' true
	run chainview --no-system-trust --password storepass "$ks"
	# exit 1: the self-signed certificates keytool made are in no trust store
	expect "$type: text" 1 '2 certificates, 2 keys' ''
	expect "$type: text entries" 1 '2 private-key entries \(keys decrypted\)' ''

	# a JCEKS key's derivation counts against --kdf-budget (twice its
	# iteration count, 200,000 from keytool): over it, the key stays listed
	if [ "$type" = jceks ]; then
		run chainview --json --no-system-trust --password storepass --kdf-budget 1000 "$ks"
		expect_json "$type: over --kdf-budget: no key decrypted" '.keys | length' 0
		expect_json "$type: over --kdf-budget: entries listed" '[.input.jks.entries[].key_decrypted] | unique | join(",")' false
	fi

	# pfx2pem --key-only: the keys keytool itself exports
	run pfx2pem --key-only --password storepass -o "$W/keys.$type.pem" "$ks"
	expect "$type: pfx2pem --key-only" 0
	checks=$((checks + 1))
	mode=$(stat -c %a "$W/keys.$type.pem")
	if [ "$mode" = 600 ]; then echo "ok: $type: key file is 0600"; else fail "$type: key file mode $mode"; fi
	keytool -importkeystore -srckeystore "$ks" -srcstoretype "$type" -srcstorepass storepass \
		-destkeystore "$W/ref.$type.p12" -deststoretype pkcs12 -deststorepass storepass \
		-noprompt >/dev/null 2>&1 || fail "$type: keytool -importkeystore failed"
	openssl pkcs12 -in "$W/ref.$type.p12" -passin pass:storepass -nocerts -noenc \
		-out "$W/ref.$type.pem" 2>/dev/null || fail "$type: openssl cannot read keytool's PKCS#12"
	checks=$((checks + 1))
	if [ "$(pubs "$W/keys.$type.pem")" = "$(pubs "$W/ref.$type.pem")" ] &&
		[ "$(pubs "$W/keys.$type.pem" | grep -c .)" = 2 ]; then
		echo "ok: $type: the two keys are keytool's"
	else
		fail "$type: the keys differ from keytool -importkeystore's"
	fi

	# wrong password: the integrity hash says so, nothing is decrypted
	run pfx2pem --key-only --password wrongpass -o "$W/none.pem" "$ks"
	expect "$type: wrong password" 3 '' 'integrity hash does not match'

	# one key: certconv --to pfx, read by openssl and keytool
	one="$W/one.$type"
	keytool -genkeypair -alias solo -keyalg RSA -keysize 2048 -dname CN=solo.example.test \
		-validity 3650 -storetype "$type" -keystore "$one" -storepass storepass \
		-keypass storepass >/dev/null 2>&1 || fail "$type: keytool cannot make a one-key keystore"
	run certconv --to pfx --password storepass --out-password-file "$W/outpass" -o "$W/one.$type.pfx" "$one"
	expect "$type: certconv --to pfx" 0
	checks=$((checks + 1))
	if openssl pkcs12 -in "$W/one.$type.pfx" -passin pass:outpass -nocerts -noenc 2>/dev/null |
		grep -q 'BEGIN PRIVATE KEY' &&
		keytool -list -keystore "$W/one.$type.pfx" -storetype pkcs12 -storepass outpass 2>/dev/null |
		grep -q PrivateKeyEntry; then
		echo "ok: $type: the PFX holds the key for openssl and keytool"
	else
		fail "$type: the PFX from the keystore is not read back with its key"
	fi
done
finish
