#!/bin/sh
# derdump on the PEM bundle bench/chainview.sh uses (1 root, 100
# intermediates, 10,000 leaves: about 400,000 elements), as text, JSON and
# with field names; and in one PKCS#7 beside `openssl asn1parse -i`.  No
# target: the figures show that the walk streams (peak RSS follows the
# input, not the number of elements).  Median of 3 runs each.
set -eu
: "${top_builddir:?run through make bench}"
B="$top_builddir/bench"
INTS=${BENCH_INTERMEDIATES:-100}
LEAVES=${BENCH_LEAVES:-10000}
RUNS=${BENCH_RUNS:-3}
bundle="$B/bundle-$INTS-$LEAVES.pem"

if [ ! -s "$bundle" ]; then
	echo "generating $bundle (1 root, $INTS intermediates, $LEAVES leaves; shuffled)..."
	"$B/mkbundle" "$INTS" "$LEAVES" 42 >"$bundle.tmp"
	mv "$bundle.tmp" "$bundle"
fi
echo "bundle: $(grep -c 'BEGIN CERTIFICATE' "$bundle") certificates, $(wc -c <"$bundle") bytes"

measure() {
	i=0
	: >"$B/.runs"
	while [ "$i" -lt "$RUNS" ]; do
		"$B/rusage" "$@" >/dev/null 2>>"$B/.runs" || true
		i=$((i + 1))
	done
	t=$(cut -d' ' -f1 "$B/.runs" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
	m=$(cut -d' ' -f2 "$B/.runs" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
	rm -f "$B/.runs"
	printf '%-36s %7.3f s  %7.1f MB\n' "$label" "$t" "$(echo "$m" | awk '{ print $1 / 1024 }')"
}

elements=$("$top_builddir/tools/derdump" --json "$bundle" | grep -o '"elements":[0-9]*' |
	awk -F: '{ n += $2 } END { print n }')
echo "elements: $elements"
label="derdump (text)" measure "$top_builddir/tools/derdump" "$bundle"
label="derdump --json" measure "$top_builddir/tools/derdump" --json "$bundle"
label="derdump --type auto" measure "$top_builddir/tools/derdump" --type auto "$bundle"
# the same certificates in one PKCS#7, which openssl asn1parse reads whole
p7="$B/bundle-$INTS-$LEAVES.p7b"
[ -s "$p7" ] || openssl crl2pkcs7 -nocrl -certfile "$bundle" -outform DER -out "$p7"
label="derdump (PKCS#7)" measure "$top_builddir/tools/derdump" "$p7"
label="openssl asn1parse -i (PKCS#7)" measure openssl asn1parse -inform DER -i -in "$p7"
