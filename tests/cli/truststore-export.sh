#!/bin/sh
# truststore export --to jks, pkcs12 and hashed-dir, checked by their
# consumers: keytool lists every certificate as a trustedCertEntry (JKS
# and PKCS#12), openssl verify -CApath finds the root in the hashed
# directory, and every HASH.N name is what openssl x509 -hash prints
# (collisions numbered .0 .1 ...).  Nothing is overwritten without --force.
. "$top_srcdir/tests/lib.sh"
need jq openssl xmllint
command -v keytool >/dev/null 2>&1 || skip "keytool (a Java runtime) is not installed"
S="$FX/stores"
unset SSL_CERT_FILE SSL_CERT_DIR

# keytool -list: the trustedCertEntry aliases and SHA-256 fingerprints
kt_list() { # FILE TYPE PASSWORD
	keytool -list -keystore "$1" -storetype "$2" -storepass "$3" >"$TMPD/kt" 2>&1
}
fps() { # the fingerprints keytool printed, lowercase hex, sorted
	sed -n 's/^Certificate fingerprint (SHA-256): //p' "$TMPD/kt" | tr -d : | tr A-F a-f | sort | paste -sd, -
}
run truststore list --json "java:$S/cacerts.jks"
want_fps=$(jq -r '[.stores[0].certificates[].sha256] | sort | join(",")' "$out")

for type in jks pkcs12; do
	run truststore export "java:$S/cacerts.jks" --to $type -o "$TMPD/t.$type"
	expect "export $type" 0 "wrote 4 certificates to .*t.$type \\($type\\)"
	checks=$((checks + 1))
	if kt_list "$TMPD/t.$type" $type changeit; then echo "ok: keytool reads the $type"; else fail "keytool: $(cat "$TMPD/kt")"; fi
	checks=$((checks + 1))
	n=$(grep -c 'trustedCertEntry' "$TMPD/kt")
	if [ "$n" = 4 ]; then echo "ok: $type: 4 trustedCertEntry"; else fail "$type: $n trustedCertEntry: $(cat "$TMPD/kt")"; fi
	checks=$((checks + 1))
	if [ "$(fps)" = "$want_fps" ]; then echo "ok: $type: the same certificates"; else fail "$type: fingerprints $(fps)"; fi
	checks=$((checks + 1))
	if grep -q '^root-ca,' "$TMPD/kt"; then echo "ok: $type: the store's aliases kept"; else fail "$type: aliases: $(cat "$TMPD/kt")"; fi
	checks=$((checks + 1))
	if kt_list "$TMPD/t.$type" $type not-the-password; then fail "$type: keytool accepts a wrong password"; else echo "ok: $type: a wrong password is refused"; fi
	run truststore diff "java:$S/cacerts.jks" "java:$TMPD/t.$type"
	expect "$type: chainkit reads it back" 0 '4 same'
	run truststore export "java:$S/cacerts.jks" --to $type -o "$TMPD/t.$type"
	expect "$type: not overwritten" 2 '' 'file exists \(use --force to replace it\)'
	OUTPASS='s3cret pass' run truststore export "$S/old.pem" --to $type -o "$TMPD/t.$type" --force \
		--out-password-env OUTPASS
	expect "$type: --force, --out-password-env" 0 'wrote 6 certificates'
	checks=$((checks + 1))
	if kt_list "$TMPD/t.$type" $type 's3cret pass' && [ "$(grep -c trustedCertEntry "$TMPD/kt")" = 6 ]; then
		echo "ok: $type: the password from the environment"; else fail "$type: $(cat "$TMPD/kt")"; fi
done
run truststore list --json "java:$S/cacerts.jks" --to jks
expect "--to is export's" 2 '' 'does not apply|unrecognized|not.*list'
run truststore export "$S/old.pem" --to pem -o "$TMPD/x.pem" --out-password-env HOME
expect "--out-password-env only for keystores" 2 '' 'applies to --to jks and pkcs12 only'
run truststore export "$S/old.pem" --to jks -o "$TMPD/x.jks" --out-password-env CK_NO_SUCH_VAR
expect "--out-password-env: an unset variable" 2 '' 'CK_NO_SUCH_VAR is not set'

# hashed-dir: a store with two roots of one subject (re-keyed) and a
# subject that needs OpenSSL's canonical form (case, runs of spaces)
mkdir "$TMPD/mixed"
cp "$S/old.pem" "$TMPD/mixed/"
cp "$S"/new/* "$TMPD/mixed/"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMPD/k.pem" \
	-subj "/CN=  Mixed   CASE Name /O=ACME  Corp/OU=Ünïcode Ünit" -days 30 -out "$TMPD/mixed/odd.pem" \
	2>/dev/null || fail "openssl req failed"
run truststore export "$TMPD/mixed" --to hashed-dir -o "$TMPD/capath"
expect "export hashed-dir" 0 '\(hashed-dir\)'
n_store=$(ls "$TMPD/capath" | wc -l)
checks=$((checks + 1))
bad=""
for f in "$TMPD"/capath/*; do
	h=$(openssl x509 -hash -noout -in "$f")
	case $(basename "$f") in
	"$h".[0-9]*) ;;
	*) bad="$bad $(basename "$f")=$h" ;;
	esac
done
if [ -z "$bad" ] && [ "$n_store" -ge 8 ]; then echo "ok: $n_store names are openssl x509 -hash"; else fail "hash names:$bad ($n_store files)"; fi
checks=$((checks + 1))
dup=$(ls "$TMPD/capath" | sed 's/\..*//' | sort | uniq -d | head -1)
if [ -n "$dup" ] && [ -f "$TMPD/capath/$dup.0" ] && [ -f "$TMPD/capath/$dup.1" ]; then
	echo "ok: a collision numbered $dup.0, $dup.1"; else fail "no collision numbered: $(ls "$TMPD/capath")"; fi
checks=$((checks + 1))
if openssl verify -CApath "$TMPD/capath" -untrusted "$FX/pki/int-ca.crt" "$FX/pki/client.crt" >"$TMPD/v" 2>&1; then
	echo "ok: openssl verify -CApath"; else fail "openssl verify -CApath: $(cat "$TMPD/v")"; fi
checks=$((checks + 1))
if openssl verify -CApath "$TMPD/capath" "$TMPD/mixed/odd.pem" >"$TMPD/v" 2>&1; then
	echo "ok: openssl verify -CApath finds the canonical-form name"; else fail "odd.pem: $(cat "$TMPD/v")"; fi
checks=$((checks + 1))
mkdir "$TMPD/empty-ca"
if openssl verify -CApath "$TMPD/empty-ca" -untrusted "$FX/pki/int-ca.crt" "$FX/pki/client.crt" >/dev/null 2>&1; then
	fail "openssl verify succeeds without the directory: the check above proves nothing"
else echo "ok: without the directory, openssl verify fails"; fi
run truststore export "$TMPD/mixed" --to hashed-dir -o "$TMPD/capath"
expect "hashed-dir: not overwritten" 2 '' 'exists \(use --force to replace it\)'
run truststore export "$S/old.pem" --to hashed-dir -o "$TMPD/capath" --force
expect "hashed-dir: --force replaces it whole" 0 'wrote 6 certificates'
checks=$((checks + 1))
if [ "$(ls "$TMPD/capath" | wc -l)" = 6 ]; then echo "ok: 6 files now"; else fail "$(ls "$TMPD/capath" | wc -l) files"; fi
mkdir "$TMPD/precious"
echo data >"$TMPD/precious/notes.txt"
run truststore export "$S/old.pem" --to hashed-dir -o "$TMPD/precious" --force
expect "--force does not wipe an unrelated directory" 2 '' 'not a directory of HASH.N files written earlier'
run truststore export "$S/old.pem" --to hashed-dir -o -
expect "hashed-dir: not to standard output" 2 '' 'cannot go to standard output'
run truststore export --xml "$S/old.pem" --to hashed-dir -o "$TMPD/capath2"
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/truststore.rng" "$out" 2>"$TMPD/xl"; then echo "ok: XML valid"; else fail "XML: $(cat "$TMPD/xl")"; fi
finish
