#!/bin/sh
# Output: every command's XML validates against man/truststore.rng; JSON
# and text agree; export writes pem, der-dir and p7b that OpenSSL reads
# back, atomically and never over an existing file without --force.
. "$top_srcdir/tests/lib.sh"
need jq xmllint openssl
S="$FX/stores"
unset SSL_CERT_FILE SSL_CERT_DIR
AT=--at=2030-04-01
RNG="$top_srcdir/man/truststore.rng"

valid() { # NAME: stdout validates
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$RNG" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($1)"
	else
		cat "$TMPD/xmllint"
		fail "XML does not validate ($1)"
	fi
}

run truststore list --xml $AT "java:$S/custom.jks" "$S/new" "dotnet:$S/dotnet-home" "java:$S/cacerts.jceks"
valid list
SSL_CERT_FILE="$S/system/bundle.pem"; SSL_CERT_DIR="$S/system/certs"; export SSL_CERT_FILE SSL_CERT_DIR
run truststore list --xml $AT system:openssl
unset SSL_CERT_FILE SSL_CERT_DIR
valid "list system:openssl"
run truststore list --xml $AT system
valid "list system"
run truststore find --xml $AT root "$S/old.pem" "java:$S/cacerts.jks"
valid find
run truststore list --xml --at 2071-01-01 "$S/old.pem" "dotnet:$TMPD/no-home"
valid "list: expired anchors, a missing .NET store"
SSL_CERT_FILE="$S/system/bundle.pem"; SSL_CERT_DIR="$S/system/certs"; export SSL_CERT_FILE SSL_CERT_DIR
run truststore check --xml $AT "$FX/bundles/client-chain.pem" "$FX/bundles/client-leaf.pem" --store system
unset SSL_CERT_FILE SSL_CERT_DIR
valid "check against the system store: every client"
run truststore expiring --xml $AT "$S/old.pem"
valid expiring
run truststore diff --xml $AT "$S/old.pem" "$S/new"
valid diff
run truststore check --xml $AT "$FX/bundles/client-leaf.pem" "$FX/bad/empty.pem" "$FX/pki/other-leaf.crt" \
	--store "dotnet:$S/dotnet-home" --store "$S/new" --store "java:$S/cacerts.jks"
expect "check with a bad bundle" 3
valid "check, with an error document"
rm -f "$TMPD/v.pem"
run truststore export --xml "$S/old.pem" --to pem -o "$TMPD/v.pem"
valid export

# text and JSON say the same
run truststore list --json $AT "$S/old.pem"
sha=$(json '.stores[0].certificates[0].sha256')
subj=$(json '.stores[0].certificates[0].subject')
run truststore list $AT "$S/old.pem"
expect "text: header" 0 "old.pem: 6 certificates"
expect "text: one line per certificate" 0 "^  2070-01-01  RSA 2048 +$sha  $subj"
# find -q prints nothing: the exit status says whether it found
run truststore find -q $AT root "$S/old.pem"
expect "find -q: found" 0
checks=$((checks + 1))
if [ -s "$out" ]; then fail "find -q printed: $(head -1 "$out")"; else echo "ok: find -q prints nothing"; fi
run truststore find -q $AT no-such-subject "$S/old.pem"
expect "find -q: not found" 1
checks=$((checks + 1))
if [ -s "$out" ]; then fail "find -q printed: $(head -1 "$out")"; else echo "ok: find -q prints nothing"; fi
run truststore list -q $AT "$S/old.pem"
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 1 ]; then echo "ok: -q only the counts"; else fail "-q printed certificates"; fi
run truststore list -v $AT "$S/old.pem"
expect "-v: issuer and serial" 0 'issuer CN=chainkit Test Root CA.* · serial [0-9a-f]+ · sha1 [0-9a-f]{40}'
run truststore list --color always $AT "$S/old.pem"
checks=$((checks + 1))
if grep -q "$(printf '\033')\[" "$out"; then echo "ok: --color always"; else fail "no colour"; fi

# help: every command, and per command
run truststore --help
for cmd in list find check diff expiring export; do expect "--help lists $cmd" 0 "^  $cmd "; done
run truststore check --help
expect "check --help" 0 'Usage: truststore check'
expect "check --help: its option" 0 '--store STORE'
checks=$((checks + 1))
if grep -q -- '--days' "$out"; then fail "check --help shows --days"; else echo "ok: check --help shows only its options"; fi
run truststore --version
expect "--version" 0 '^truststore \(chainkit\) '

# export: pem, der-dir, p7b; OpenSSL reads them back; same certificates
run truststore export "java:$S/cacerts.jks" --to pem -o "$TMPD/out.pem"
expect "export pem" 0 'wrote 4 certificates'
checks=$((checks + 1))
n=$(openssl storeutl -noout -certs "$TMPD/out.pem" 2>/dev/null | sed -n 's/^Total found: //p')
if [ "$n" = 4 ]; then echo "ok: openssl reads 4 certificates"; else fail "openssl read '$n' certificates from out.pem"; fi
run truststore diff "java:$S/cacerts.jks" "$TMPD/out.pem"
expect "exported pem is the same store" 0 '4 same'
run truststore export "java:$S/cacerts.jks" --to p7b -o "$TMPD/out.p7b"
expect "export p7b" 0
checks=$((checks + 1))
if [ "$(openssl pkcs7 -inform DER -in "$TMPD/out.p7b" -print_certs -noout | grep -c '^subject')" = 4 ]; then
	echo "ok: openssl reads the p7b"; else fail "openssl cannot read out.p7b"; fi
run truststore diff "java:$S/cacerts.jks" "$TMPD/out.p7b"
expect "exported p7b is the same store" 0 '4 same'
run truststore export "java:$S/cacerts.jks" --to der-dir -o "$TMPD/der"
expect "export der-dir" 0
checks=$((checks + 1))
ok=0
for f in "$TMPD"/der/*.der; do
	want=$(openssl x509 -inform DER -in "$f" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f)
	[ "$(basename "$f" .der)" = "$want" ] && ok=$((ok + 1))
done
if [ "$ok" = 4 ]; then echo "ok: 4 DER files named by SHA-256"; else fail "der-dir: $ok good files"; fi
run truststore diff "java:$S/cacerts.jks" "$TMPD/der"
expect "exported der-dir is the same store" 0 '4 same'
run_stdin /dev/null truststore export "$S/old.pem" --to pem -o -
expect "export to stdout" 0 'BEGIN CERTIFICATE'

# no overwrite without --force; nothing left behind; --force replaces
cp "$TMPD/out.pem" "$TMPD/keep.pem"
run truststore export "$S/old.pem" --to pem -o "$TMPD/out.pem"
expect "pem exists" 2 '' 'out.pem: file exists \(use --force to replace it\)'
checks=$((checks + 1))
if cmp -s "$TMPD/out.pem" "$TMPD/keep.pem"; then echo "ok: untouched"; else fail "out.pem changed"; fi
run truststore export "$S/old.pem" --to pem -o "$TMPD/out.pem" --force
expect "pem --force" 0 'wrote 6 certificates'
run truststore export "$S/old.pem" --to der-dir -o "$TMPD/der"
expect "der-dir exists" 2 '' 'der: exists \(use --force to replace it\)'
run truststore export "$S/old.pem" --to der-dir -o "$TMPD/der" --force
expect "der-dir --force" 0
checks=$((checks + 1))
if [ "$(ls "$TMPD/der" | wc -l)" = 6 ]; then echo "ok: der-dir replaced whole"; else fail "der-dir has $(ls "$TMPD/der" | wc -l) files"; fi
mkdir "$TMPD/precious"
echo data >"$TMPD/precious/notes.txt"
run truststore export "$S/old.pem" --to der-dir -o "$TMPD/precious" --force
expect "--force does not wipe an unrelated directory" 2 '' 'exists and is not a directory of .der files written earlier: not replaced'
checks=$((checks + 1))
if [ -f "$TMPD/precious/notes.txt" ]; then echo "ok: notes.txt still there"; else fail "notes.txt removed"; fi
checks=$((checks + 1))
if ls -a "$TMPD" | grep -q '^\.der\.\|^\.out\.pem\.\|^\.precious\.'; then fail "temporary files left"; else echo "ok: no temporary files left"; fi
run truststore export "$S/old.pem" --to der-dir -o "$TMPD/no-such-dir/x"
expect "der-dir in a missing directory: a system error, as for every output" 5 '' 'cannot create a directory beside it'
run truststore export "$S/old.pem" --json --to pem -o -
expect "json with -o -" 2 '' 'leave out --json'

# stdout that cannot be written is not success
if [ -w /dev/full ]; then
	"$BIN/truststore" list "$S/old.pem" >/dev/full 2>"$err"
	rc=$?
	expect "write error on stdout" 5 '' 'write error on standard output'
fi
finish
