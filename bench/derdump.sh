#!/bin/sh
# derdump on the PEM bundle bench/chainview.sh uses (1 root, 100
# intermediates, 10,000 leaves: about 700,000 elements), as text, JSON, XML
# and with field names; and in one PKCS#7 beside `openssl asn1parse -i`.  No
# target: the figures show that the walk streams (peak RSS follows the
# input, not the number of elements).  Median of 3 runs each.
set -eu
. "$(dirname "$0")/lib.sh"
INTS=${BENCH_INTERMEDIATES:-100}
LEAVES=${BENCH_LEAVES:-10000}
RUNS=${BENCH_RUNS:-3}
bench_bundle "$INTS" "$LEAVES"

# measure, printed with $label
row() {
	set -- $(measure "$@")
	printf '%-36s %7.3f s  %7.1f MB\n' "$label" "$1" "$(echo "$2" | awk '{ print $1 / 1024 }')"
}

elements=$("$top_builddir/tools/derdump" --json "$bundle" | grep -o '"elements":[0-9]*' |
	awk -F: '{ n += $2 } END { print n }')
echo "elements: $elements"
label="derdump (text)" row "$top_builddir/tools/derdump" "$bundle"
label="derdump --json" row "$top_builddir/tools/derdump" --json "$bundle"
label="derdump --xml" row "$top_builddir/tools/derdump" --xml "$bundle"
label="derdump --type auto" row "$top_builddir/tools/derdump" --type auto "$bundle"
# the same certificates in one PKCS#7, which openssl asn1parse reads whole
p7="$B/bundle-rsa-$INTS-$LEAVES.p7b"
[ -s "$p7" ] || openssl crl2pkcs7 -nocrl -certfile "$bundle" -outform DER -out "$p7"
label="derdump (PKCS#7)" row "$top_builddir/tools/derdump" "$p7"
label="openssl asn1parse -i (PKCS#7)" row openssl asn1parse -inform DER -i -in "$p7"
