#!/bin/sh
# A keystore key with a password of its own (keytool -keypass): without
# --key-password-* it is listed, not decrypted; with the right one every
# tool reads it (chainview, pfx2pem, certconv); with a wrong one the
# error names the entry, exit 4; usage errors for the options.
. "$top_srcdir/tests/lib.sh"
need openssl jq
command -v keytool >/dev/null 2>&1 || skip "keytool is not installed (Debian: default-jre-headless)"

W="$TMPD/kp"
mkdir -p "$W"
printf 'keypass1\n' >"$W/keypass"
printf 'outpass\n' >"$W/outpass"

for type in jks jceks; do
	ks="$W/kp.$type"
	keytool -genkeypair -alias Own -keyalg EC -groupname secp384r1 -dname CN=own.example.test \
		-validity 3650 -storetype "$type" -keystore "$ks" -storepass storepass \
		-keypass keypass1 >/dev/null 2>&1 || skip "keytool cannot make a $type keystore"
	keytool -genkeypair -alias same -keyalg RSA -keysize 2048 -dname CN=same.example.test \
		-validity 3650 -storetype "$type" -keystore "$ks" -storepass storepass \
		-keypass storepass >/dev/null 2>&1 || skip "keytool cannot make a $type keystore"

	run chainview --json --no-system-trust --password storepass "$ks"
	expect_json "$type: without a key password: one key" '.keys | length' 1
	expect_json "$type: the other listed, not decrypted" \
		'[.input.jks.entries[] | "\(.alias)=\(.key_decrypted)"] | sort | join(",")' 'own=false,same=true'

	run chainview --no-system-trust --password storepass "$ks"
	# one line when not on a terminal (wrapped on one, like every item)
	expect "$type: text names the key password options" 1 \
		'^  1 key not decrypted: a password of its own \(give it with --key-password-file or --key-password-env\), or over --kdf-budget$' ''

	KP=keypass1
	export KP
	run chainview --json --no-system-trust --password storepass --key-password-env KP "$ks"
	expect_json "$type: --key-password-env: both keys" '[.keys[].friendly_name] | sort | join(",")' 'own,same'
	expect_json "$type: both matched" '[.keys[].matches_certificate | type] | unique | join(",")' number

	run pfx2pem --key-only --alias own --password storepass --key-password-file "$W/keypass" -o "$W/own.$type.pem" "$ks"
	expect "$type: pfx2pem --key-password-file" 0
	checks=$((checks + 1))
	keytool -importkeystore -srckeystore "$ks" -srcstoretype "$type" -srcstorepass storepass \
		-srcalias own -srckeypass keypass1 -destkeystore "$W/ref.$type.p12" -deststoretype pkcs12 \
		-deststorepass storepass -noprompt >/dev/null 2>&1 || fail "$type: keytool -importkeystore failed"
	if [ "$(openssl pkcs12 -in "$W/ref.$type.p12" -passin pass:storepass -nocerts -noenc 2>/dev/null |
		openssl pkey -pubout 2>/dev/null)" = "$(openssl pkey -in "$W/own.$type.pem" -pubout 2>/dev/null)" ] &&
		openssl pkey -in "$W/own.$type.pem" -check -noout >/dev/null 2>&1; then
		echo "ok: $type: the key is the one keytool exports with -srckeypass"
	else
		fail "$type: the key differs from keytool's"
	fi

	run certconv --to pfx --alias own --password storepass --key-password-file "$W/keypass" \
		--out-password-file "$W/outpass" -o "$W/own.$type.pfx" "$ks"
	expect "$type: certconv with the key password" 0

	KP=wrong
	run pfx2pem --key-only --password storepass --key-password-env KP -o "$W/x.pem" "$ks"
	expect "$type: wrong key password" 4 '' "^pfx2pem: .*kp\.$type: wrong key password: the key of entry 'own' decrypts with neither"
	checks=$((checks + 1))
	if [ "$(wc -l <"$err")" = 1 ]; then echo "ok: $type: one line"; else fail "$type: $(cat "$err")"; fi
	checks=$((checks + 1))
	if [ ! -e "$W/x.pem" ]; then echo "ok: $type: nothing written"; else fail "$type: wrote $W/x.pem"; fi
	# a key password that is the keystore's own is still a key password
	# given: the key it does not open is the same error
	KP=storepass
	run pfx2pem --key-only --password storepass --key-password-env KP -o "$W/y.pem" "$ks"
	expect "$type: key password = keystore password" 4 '' "wrong key password: the key of entry 'own'"
done

run chainview --key-password-env NOT_SET_ANYWHERE "$W/kp.jks"
expect "unset variable" 2 '' 'environment variable NOT_SET_ANYWHERE is not set'
KP=x
run chainview --key-password-env KP --key-password-file "$W/keypass" "$W/kp.jks"
expect "both options" 2 '' 'use only one of --key-password-file and --key-password-env'
run chainview --key-password-file "$W/missing" "$W/kp.jks"
expect "missing key password file" 3 '' 'missing'
finish
