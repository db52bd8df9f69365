#!/bin/sh
# --alias keeps one key's chain: a Java keystore with two key entries,
# each with its own intermediate and root (made by openssl and keytool).
# pfx2pem, certconv and pem2pfx --alias write that key, its certificate
# and its issuers, and leave out the other entry's certificate and the
# intermediate and root only the other chain has; a root both chains
# share stays.
. "$top_srcdir/tests/lib.sh"
need openssl
command -v keytool >/dev/null 2>&1 || skip "keytool is not installed (Debian: default-jre-headless)"
cd "$FX" || skip "no fixtures directory"

W="$TMPD/alias"
mkdir -p "$W"
echo storepass >"$W/pass"
p12() { # p12 NAME KEY CERT CHAIN...
	name=$1 key=$2 crt=$3
	shift 3
	cat "$@" >"$W/$name.chain"
	openssl pkcs12 -export -name "$name" -inkey "$key" -in "$crt" -certfile "$W/$name.chain" \
		-passout pass:storepass -out "$W/$name.p12" 2>/dev/null || skip "openssl pkcs12 -export failed"
	keytool -importkeystore -srckeystore "$W/$name.p12" -srcstoretype pkcs12 -srcstorepass storepass \
		-destkeystore "$W/both.jks" -deststoretype jks -deststorepass storepass \
		-noprompt >/dev/null 2>&1 || skip "keytool -importkeystore into JKS failed"
}
p12 rsakey pki/client.key pki/client.crt pki/int-ca.crt pki/root-ca.crt
p12 eckey pki/ec-leaf.key pki/ec-leaf.crt pki/ec-int.crt pki/ec-root.crt
# a third entry whose chain shares the RSA root
p12 subkey pki/server.key pki/server.crt pki/int-ca.crt pki/root-ca.crt

# subjects of the certificates in a PEM file, sorted, one line
subjects() {
	awk '/BEGIN CERTIFICATE/ { n++ } { print > (f "." n) }' f="$W/c" "$1"
	for c in "$W"/c.*; do
		grep -q 'BEGIN CERTIFICATE' "$c" && openssl x509 -in "$c" -noout -subject -nameopt multiline |
			sed -n 's/^ *commonName *= //p'
	done | sort | paste -sd, -
	rm -f "$W"/c.*
}

check_subjects() { # check_subjects WHAT FILE EXPECTED
	checks=$((checks + 1))
	got=$(subjects "$2")
	if [ "$got" = "$3" ]; then echo "ok: $1"; else fail "$1: certificates $got, expected $3"; fi
}

run pfx2pem --alias eckey --password-file "$W/pass" -o "$W/ec.pem" "$W/both.jks"
expect "pfx2pem --alias eckey" 0 '' "left out CN=chainkit Issuing CA 1,O=chainkit tests: on the chain of another key than 'eckey'"
check_subjects "pfx2pem --alias eckey: the EC chain alone" "$W/ec.pem" \
	"chainkit EC Issuing CA,chainkit EC Root CA,ec-leaf.example.test"

run pfx2pem --alias rsakey --password-file "$W/pass" -o "$W/rsa.pem" "$W/both.jks"
expect "pfx2pem --alias rsakey" 0 '' "left out CN=chainkit EC Root CA,O=chainkit tests: on the chain of another key than 'rsakey'"
check_subjects "pfx2pem --alias rsakey: the shared intermediate and root stay" "$W/rsa.pem" \
	"chainkit Issuing CA 1,chainkit Test Root CA,client.example.test"

# the certificates of a PFX that TOOL wrote with --alias eckey
pfx_alias_eckey() { # pfx_alias_eckey TOOL ARGS...
	tool=$1
	shift
	run "$tool" "$@" --alias eckey --password-file "$W/pass" --out-password-file "$W/pass" \
		-o "$W/$tool.pfx" "$W/both.jks"
	expect "$tool --alias eckey" 0
	openssl pkcs12 -in "$W/$tool.pfx" -passin pass:storepass -nokeys -out "$W/$tool-pfx.pem" 2>/dev/null ||
		openssl pkcs12 -legacy -in "$W/$tool.pfx" -passin pass:storepass -nokeys -out "$W/$tool-pfx.pem"
	check_subjects "$tool --alias eckey: the EC chain alone" "$W/$tool-pfx.pem" \
		"chainkit EC Issuing CA,chainkit EC Root CA,ec-leaf.example.test"
}
pfx_alias_eckey certconv --to pfx
pfx_alias_eckey pem2pfx
finish
