#!/bin/sh
# certconv --fix on scrambled, duplicated, root-included, unrelated and
# incomplete bundles gives the expected fullchain, says what it changed
# and what it could not fix, with the documented exit status.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
need openssl

P=$FX/pki

# input | --ca-file (pki names) | options | fullchain wanted | exit | stderr (regex)
while IFS='|' read -r input cas opts chain want_rc message; do
	[ -z "$input" ] && continue
	tag="$input $opts"
	args=""
	for c in $cas; do args="$args --ca-file $P/$c.crt"; done
	pass=""
	[ -f "$FX/$input.pass" ] && pass="--password-file $FX/$input.pass"
	rm -f "$TMPD/full.pem"
	# shellcheck disable=SC2086
	run certconv --fix --to pem --no-system-trust $pass $args $opts -o "$TMPD/full.pem" "$FX/$input"
	expect "$tag" "$want_rc" '' "$message"
	expect_quiet_stdout "$tag"
	# shellcheck disable=SC2086
	check "$tag: fullchain $chain" "$(fingerprints "$TMPD/full.pem")" "$(fp $chain)"
	# the output is already fixed: a second pass changes nothing
	if [ "$want_rc" = 0 ] && [ -z "$opts" ] && [ -n "$cas" ]; then
		# shellcheck disable=SC2086
		run certconv --fix --to pem --no-system-trust $args "$TMPD/full.pem"
		expect "$tag: fixing the fix changes nothing" 0 '' 'nothing to fix'
	fi
done <<'TABLE'
bundles/client-scrambled.pem|root-ca||client int-ca|0|dropped the root CN=chainkit Test Root CA,O=chainkit tests \(input \[0\]\)
bundles/client-scrambled.pem|root-ca|--keep-root|client int-ca root-ca|0|reordered: leaf first, then each issuer \(input \[1\], \[2\], \[0\]\)
bundles/client-dup.pem|root-ca||client int-ca|0|dropped a duplicate of CN=chainkit Issuing CA 1,O=chainkit tests \(input \[2\], same as \[1\]\)
bundles/client-full.pem|||client int-ca|0|dropped the root CN=chainkit Test Root CA
bundles/client-full.pem||--keep-root|client int-ca root-ca|0|nothing to fix
bundles/client-unrelated.pem|root-ca||client int-ca|0|dropped CN=unrelated.example.test,O=chainkit tests \(input \[2\]\): not on the chain of the leaf
bundles/two-leaves.pem|root-ca||client int-ca|0|dropped CN=server.example.test
bundles/client-leaf.pem|root-ca int-ca||client int-ca|0|added the missing intermediate CN=chainkit Issuing CA 1,O=chainkit tests from .*/pki/int-ca.crt
bundles/client-leaf.pem|root-ca||client|1|could not complete the chain: the issuer of CN=client.example.test,O=chainkit tests is missing: CN=chainkit Issuing CA 1,O=chainkit tests .*; a client would fetch it from http://127.0.0.1:18080/int-ca.crt
bundles/client-chain.pem|||client int-ca|0|the chain ends at CN=chainkit Issuing CA 1,O=chainkit tests; its issuer CN=chainkit Test Root CA,O=chainkit tests .*usually the root
bundles/client-chain.pem|root-ca||client int-ca|0|nothing to fix
bundles/client-combined.pem|root-ca||client int-ca|0|nothing to fix
bundles/client-cross.pem|||client int-ca-cross|0|dropped the root CN=chainkit Second Root CA
p12/chain-missing.pfx|int-ca root-ca||client int-ca|0|added the missing intermediate
demo/client.pfx|||client|1|could not complete the chain: .*http://127.0.0.1:18080/int-ca.crt
TABLE

# nothing left after --fix (the root alone dropped; a key of no chain):
# refused, in every format, and no empty file written
for input in pki/root-ca.crt bundles/key-pkcs8.pem; do
	for to in pem p7b pfx; do
		pw=""
		[ $to = pfx ] && pw=--empty-password
		rm -f "$TMPD/none"
		run certconv --fix --to $to $pw --no-system-trust -o "$TMPD/none" "$FX/$input"
		expect "$input --to $to: nothing left" 1 '' "^certconv: .*$input: (there is no certificate|nothing is left) to write$"
		check "$input --to $to: no file" "$(test -e "$TMPD/none" && echo written || echo none)" none
	done
done
run certconv --fix --to pem --no-system-trust "$FX/bundles/key-pkcs8.pem"
checks=$((checks + 1))
if grep -q 'nothing to fix' "$err"; then fail "a key alone: 'nothing to fix' said"; else echo "ok: a key alone: no 'nothing to fix'"; fi

# several intermediates missing, from a --ca-dir: pathlen-leaf, then
# sub-int-ca and int-ca; the root of the store is not added
mkdir "$TMPD/cadir"
cp "$P/sub-int-ca.crt" "$P/int-ca.crt" "$P/root-ca.crt" "$P/other-root.crt" "$TMPD/cadir/"
run certconv --fix --to pem --no-system-trust --ca-dir "$TMPD/cadir" -o "$TMPD/deep.pem" \
	"$P/pathlen-leaf.crt"
expect "two intermediates added" 0 '' 'added the missing intermediate CN=chainkit Sub Issuing CA'
check "two intermediates added: in order" "$(fingerprints "$TMPD/deep.pem")" \
	"$(fp pathlen-leaf sub-int-ca int-ca)"
check "two intermediates added: one message each" "$(grep -c 'added the missing' "$err")" 2

# -q: the changes are not reported, what could not be fixed is
run certconv --fix -q --to pem --no-system-trust "$FX/bundles/client-full.pem"
expect "-q: quiet about changes" 0
expect_quiet_stderr() {
	checks=$((checks + 1))
	if [ -s "$err" ]; then failures=$((failures + 1)); echo "FAIL: $1: stderr not empty"; else echo "ok: $1"; fi
}
expect_quiet_stderr "-q: no change reported"
run certconv --fix -q --to pem --no-system-trust "$FX/bundles/client-leaf.pem"
expect "-q: still says what is missing" 1 'BEGIN CERTIFICATE' 'could not complete the chain'
expect_one_line_error "-q: one line"

# the fixed chain in the other formats
run certconv --fix --to p7b --no-system-trust -o "$TMPD/fixed.p7b" "$FX/bundles/client-scrambled.pem"
expect "--fix --to p7b" 0
openssl pkcs7 -inform DER -in "$TMPD/fixed.p7b" -print_certs -out "$TMPD/fixed-p7.pem" 2>/dev/null
check "--fix --to p7b: order kept in PKCS#7" "$(fingerprints "$TMPD/fixed-p7.pem")" "$(fp client int-ca)"
run certconv --fix --to der --no-system-trust -o "$TMPD/fixed.der" "$FX/bundles/client-full.pem"
expect "--fix --to der of two certificates is refused" 2 '' 'DER holds a single certificate and there are 2; use --to p7b \(PKCS#7\) or --to pem'
no_file "--fix --to der refused" "$TMPD/fixed.der"
run certconv --fix --to der --no-system-trust -o "$TMPD/fixed.der" "$FX/demo/client.pfx" --password demo
expect "--fix --to der of the demo (leaf only)" 1 '' 'could not complete the chain'
check "--fix --to der: the leaf" "$(openssl x509 -inform DER -in "$TMPD/fixed.der" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')" "$(fp client)"

# the key of the leaf goes along, the others do not
run certconv --fix --to pem --no-system-trust --ca-file "$P/root-ca.crt" -o "$TMPD/withkey.pem" \
	"$FX/bundles/client-combined.pem"
expect "--fix keeps the leaf's key" 0
check "--fix keeps the leaf's key: matches" "$(key_pubkey "$TMPD/withkey.pem")" "$(cert_pubkey "$P/client.crt")"
check "--fix keeps the leaf's key: mode" "$(stat -c %a "$TMPD/withkey.pem")" 600

# its notes on a terminal: wrapped at the terminal's width (one line
# each in a pipe, as above)
if command -v script >/dev/null 2>&1 && command -v stty >/dev/null 2>&1; then
	COLUMNS=60 script -qec "stty cols 60 rows 50; '$BIN/certconv' --fix --to pem --no-system-trust --output '$TMPD/tty.pem' --force '$FX/bundles/client-leaf.pem'" \
		/dev/null >"$TMPD/tty.out" 2>&1 </dev/null
	checks=$((checks + 1))
	long=$(tr -d '\r' <"$TMPD/tty.out" | awk 'length($0) > 60' | wc -l)
	lines=$(tr -d '\r' <"$TMPD/tty.out" | grep -c '')
	if [ "$long" -eq 0 ] && [ "$lines" -ge 3 ] && tr -d '\r' <"$TMPD/tty.out" | grep -q '^    '; then
		echo "ok: notes wrapped at 60 columns on a terminal"
	else
		cat "$TMPD/tty.out"
		rc=1; : >"$out"; : >"$err"
		fail "notes not wrapped on a terminal ($long lines over 60 columns, $lines lines)"
	fi
fi
finish
