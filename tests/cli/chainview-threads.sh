#!/bin/sh
# Certificates are decoded, and signatures verified ahead of the path
# builder, by pools of threads (CHAINKIT_THREADS, default one per
# processor): the output is the same
# byte for byte whatever the number of threads, in every format, with the
# trace.  The bundle mixes every fixture certificate (cross-certificates,
# bad signatures, re-issued roots, several chains per name), so that
# candidates do not verify and paths are abandoned.
. "$top_srcdir/tests/lib.sh"

all="$TMPD/all.pem"
cat "$FX"/bundles/*.pem "$FX"/pki/*.crt "$FX"/validate/*.crt 2>/dev/null |
	sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' >"$all"
rc=0
[ "$(grep -c 'BEGIN CERTIFICATE' "$all")" -gt 100 ] || fail "bundle: fewer than 100 certificates"

for fmt in "--json --explain" "--xml" "--format text --explain -v"; do
	ref=
	for t in 1 2 3 16 ""; do
		CHAINKIT_THREADS=$t
		export CHAINKIT_THREADS
		# shellcheck disable=SC2086
		run chainview $fmt --at 2030-06-01 --no-system-trust --ca-file "$FX/pki/root-ca.crt" "$all"
		expect "$fmt, CHAINKIT_THREADS=$t: runs" 1
		if [ -z "$ref" ]; then
			ref="$TMPD/ref"
			cp "$out" "$ref"
			[ -s "$ref" ] || fail "$fmt: no output"
		elif ! cmp -s "$ref" "$out"; then
			fail "$fmt, CHAINKIT_THREADS=$t: output differs from CHAINKIT_THREADS=1"
		fi
	done
	rm -f "$TMPD/ref"
done
unset CHAINKIT_THREADS

# Certificate blocks are decoded in batches on several threads: bad
# blocks in a long file are the same corrupt-block findings, in file
# order, as one by one, whatever the number of threads (two bad blocks,
# the first after several batches of good ones); the good ones are read.
bad="$TMPD/bad.pem"
{
	i=0
	while [ $i -lt 6 ]; do cat "$all"; i=$((i + 1)); done
	printf -- '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n'
	cat "$all"
	printf -- '-----BEGIN CERTIFICATE-----\nMIIB!!!\n-----END CERTIFICATE-----\n'
} >"$bad"
line=$(grep -n 'MIIBAAAA' "$bad" | cut -d: -f1)
line=$((line - 1))
line2=$(grep -n 'MIIB!!!' "$bad" | cut -d: -f1)
line2=$((line2 - 1))
n=$(grep -c 'BEGIN CERT' "$all")
for t in 1 2 5; do
	CHAINKIT_THREADS=$t
	export CHAINKIT_THREADS
	run chainview --no-system-trust "$bad"
	expect "bad block after $n x 6 good ones, CHAINKIT_THREADS=$t" 1 \
		"^  error   corrupt-block: PEM block $((n * 6 + 1)) could not be read and was skipped: CERTIFICATE block at line $line: DER length at byte 1 runs past the end of the block"
	expect "the second bad block, CHAINKIT_THREADS=$t" 1 \
		"^  error   corrupt-block: PEM block $((n * 7 + 2)) could not be read and was skipped: bad base64 in CERTIFICATE block at line $line2"
	if [ "$t" = 1 ]; then
		cp "$out" "$TMPD/bad-ref"
	elif ! cmp -s "$TMPD/bad-ref" "$out"; then
		checks=$((checks + 1))
		fail "bad blocks, CHAINKIT_THREADS=$t: output differs from CHAINKIT_THREADS=1"
	fi
done
unset CHAINKIT_THREADS

for bad in 0 65 two -1; do
	CHAINKIT_THREADS=$bad
	export CHAINKIT_THREADS
	run chainview --no-system-trust "$FX/bundles/client-chain.pem"
	expect "CHAINKIT_THREADS=$bad: usage error" 2 "" \
		"^chainview: CHAINKIT_THREADS takes a number from 1 to 64, not '$bad'"
	[ -s "$out" ] && fail "CHAINKIT_THREADS=$bad: output on stdout"
done
unset CHAINKIT_THREADS
finish
