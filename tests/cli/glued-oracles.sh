#!/bin/sh
# What the real readers do with PEM blocks that start mid-line, as
# pem-glued-blocks says in its message and hint (libcore/load.c) and
# chainview(1) says in FINDINGS: OpenSSL's PEM reader (the openssl tool,
# and libssl's loaders through Python's ssl module, the calls nginx and
# curl make) stops at an END line not followed by a newline and passes
# over a BEGIN that does not start its line; Java keytool reads none;
# GnuTLS certtool reads every block.  And the same files after
# certconv --fix are read whole by all of them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
. "$top_srcdir/tests/glued.sh"
need openssl certtool keytool python3

G=$TMPD/glued
make_glued "$G"

cat >"$TMPD/libssl_load.py" <<'EOF'
# libssl's file loaders: X509_load_cert_crl_file (a CA file: nginx's
# ssl_trusted_certificate, curl --cacert) and
# SSL_CTX_use_certificate_chain_file (nginx's ssl_certificate, curl --cert)
import ssl, sys
what, path = sys.argv[1], sys.argv[2]
try:
    if what == "cafile":
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=path)
    else:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(path)
    print("ok")
except ssl.SSLError as e:
    print(e.reason or "fails")
EOF

storeutl() { openssl storeutl -noout "$1" 2>/dev/null | sed -n 's/^Total found: //p'; }
crl2pkcs7() {
	if openssl crl2pkcs7 -nocrl -certfile "$1" 2>"$TMPD/c2p.err" >"$TMPD/c2p.pem"; then
		openssl pkcs7 -print_certs -noout -in "$TMPD/c2p.pem" | grep -c '^subject'
	elif grep -q 'bad end line' "$TMPD/c2p.err"; then
		echo 'bad end line'
	else
		echo error
	fi
}
x509cn() {
	openssl x509 -noout -subject -nameopt multiline -in "$1" 2>/dev/null |
		sed -n 's/^ *commonName *= //p' | grep . || echo none
}
keytool_n() {
	o=$(keytool -printcert -file "$1" 2>&1)
	case $o in
	*"Failed to parse input"*) echo 'Failed to parse input' ;;
	*) printf '%s\n' "$o" | grep -c '^Owner:' ;;
	esac
}
certtool_n() { certtool -i --infile "$1" 2>/dev/null | grep -c 'Subject:'; }

# file | storeutl | crl2pkcs7 -certfile | x509 reads | keytool | certtool | libssl CA file (chain file for keys)
while IFS='|' read -r file st c2p x509 kt ct lib; do
	[ -z "$file" ] && continue
	f=$G/$file
	check "$file: openssl storeutl finds $st" "$(storeutl "$f")" "$st"
	check "$file: openssl crl2pkcs7 -certfile: $c2p" "$(crl2pkcs7 "$f")" "$c2p"
	check "$file: openssl x509 reads: $x509" "$(x509cn "$f")" "$x509"
	[ "$kt" != - ] && check "$file: keytool -printcert: $kt" "$(keytool_n "$f")" "$kt"
	check "$file: certtool -i reads $ct" "$(certtool_n "$f")" "$ct"
	case $file in
	*key*) check "$file: libssl chain file: $lib" "$(python3 "$TMPD/libssl_load.py" chain "$f")" "$lib" ;;
	*) check "$file: libssl CA file: $lib" "$(python3 "$TMPD/libssl_load.py" cafile "$f")" "$lib" ;;
	esac

	# what certconv --fix writes, every reader reads whole
	[ "$file" = "${file#*ok}" ] || continue
	rm -f "$TMPD/fixed.pem"
	run certconv --fix --keep-root --to pem --no-system-trust --ca-file "$FX/pki/root-ca.crt" \
		-o "$TMPD/fixed.pem" "$f"
	n=$(grep -c '^-----BEGIN CERTIFICATE-----' "$TMPD/fixed.pem")
	nb=$(grep -c '^-----BEGIN ' "$TMPD/fixed.pem")
	check "$file: fixed: openssl storeutl finds all $nb blocks" "$(storeutl "$TMPD/fixed.pem")" "$nb"
	check "$file: fixed: openssl crl2pkcs7 -certfile reads all $n" "$(crl2pkcs7 "$TMPD/fixed.pem")" "$n"
	check "$file: fixed: certtool -i reads all $n" "$(certtool_n "$TMPD/fixed.pem")" "$n"
	case $file in
	*key*) check "$file: fixed: libssl chain file" "$(python3 "$TMPD/libssl_load.py" chain "$TMPD/fixed.pem")" ok ;;
	*)
		check "$file: fixed: keytool -printcert reads all $n" "$(keytool_n "$TMPD/fixed.pem")" "$n"
		check "$file: fixed: libssl CA file" "$(python3 "$TMPD/libssl_load.py" cafile "$TMPD/fixed.pem")" ok
		;;
	esac
done <<'TABLE'
lf-ok.pem|2|2|client.example.test|2|2|ok
lf-glued-1-2.pem|0|bad end line|none|Failed to parse input|2|fails
lf-glued-2-3.pem|1|bad end line|client.example.test|Failed to parse input|3|fails
lf-glued-2-3-of-4.pem|2|bad end line|client.example.test|Failed to parse input|4|fails
crlf-ok.pem|2|2|client.example.test|2|2|ok
crlf-glued.pem|0|bad end line|none|Failed to parse input|2|fails
crlf-cr-glued.pem|0|bad end line|none|Failed to parse input|2|fails
cert-key.pem|0|bad end line|none|-|1|fails
key-cert.pem|0|bad end line|none|-|1|fails
text-between.pem|0|bad end line|none|Failed to parse input|2|fails
text-before.pem|1|1|chainkit Issuing CA 1|Failed to parse input|2|ok
TABLE

# a key glued to its certificate: libssl's chain file loader fails
# outright; the same two files with the newline load
cat "$FX/pki/client.crt" "$FX/pki/client.key" >"$TMPD/combined.pem"
check "cert and key, newline kept: libssl chain file" "$(python3 "$TMPD/libssl_load.py" chain "$TMPD/combined.pem")" ok
# text before a leaf's BEGIN: libssl passes over the leaf and takes the
# intermediate for it, so the key no longer matches
{ printf '# leaf '; cat "$FX/pki/client.crt" "$FX/pki/int-ca.crt" "$FX/pki/client.key"; } >"$TMPD/pre-key.pem"
check "text before the leaf: libssl takes the next certificate for the leaf" \
	"$(python3 "$TMPD/libssl_load.py" chain "$TMPD/pre-key.pem")" KEY_VALUES_MISMATCH
finish
