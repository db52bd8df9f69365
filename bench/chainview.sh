#!/bin/sh
# chainview on a shuffled PEM bundle of 1 root, 100 intermediates and
# 10,000 leaves, beside `openssl storeutl -noout -text -certs` on the same
# file.  Targets (issue 2): wall time <= 0.75x OpenSSL's with every link's
# signature verified, peak RSS <= 64 MB.  Median of 5 runs each.
set -eu
: "${top_builddir:?run through make bench}"
B="$top_builddir/bench"
INTS=${BENCH_INTERMEDIATES:-100}
LEAVES=${BENCH_LEAVES:-10000}
RUNS=${BENCH_RUNS:-5}
bundle="$B/bundle-$INTS-$LEAVES.pem"

if [ ! -s "$bundle" ]; then
	echo "generating $bundle (1 root, $INTS intermediates, $LEAVES leaves; shuffled)..."
	"$B/mkbundle" "$INTS" "$LEAVES" 42 >"$bundle.tmp"
	mv "$bundle.tmp" "$bundle"
fi
echo "bundle: $(grep -c 'BEGIN CERTIFICATE' "$bundle") certificates, $(wc -c <"$bundle") bytes"

# median of the wall times and of the peak RSS over $RUNS runs
measure() {
	i=0
	: >"$B/.runs"
	while [ "$i" -lt "$RUNS" ]; do
		"$B/rusage" "$@" >/dev/null 2>>"$B/.runs" || true
		i=$((i + 1))
	done
	t=$(cut -d' ' -f1 "$B/.runs" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
	m=$(cut -d' ' -f2 "$B/.runs" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
	echo "$t $m"
}

set -- $(measure openssl storeutl -noout -text -certs "$bundle")
o_t=$1 o_m=$2
set -- $(measure "$top_builddir/tools/chainview" --json "$bundle")
c_t=$1 c_m=$2

"$top_builddir/tools/chainview" --json "$bundle" >"$B/.out" || true
chains=$(grep -o '"status":"complete"' "$B/.out" | wc -l)
chains=$((chains - 1)) # "chain" repeats the first of "chains"
rm -f "$B/.out" "$B/.runs"

awk -v ot="$o_t" -v om="$o_m" -v ct="$c_t" -v cm="$c_m" -v ch="$chains" 'BEGIN {
	r = ct / ot
	printf "openssl storeutl -text:  %6.3f s  %7.1f MB\n", ot, om / 1024
	printf "chainview --json:        %6.3f s  %7.1f MB  (%d complete chains, every signature verified)\n", ct, cm / 1024, ch
	printf "time ratio %.2fx (target <= 0.75x): %s\n", r, r <= 0.75 ? "met" : "MISSED"
	printf "peak RSS %.1f MB (target <= 64 MB): %s\n", cm / 1024, cm / 1024 <= 64 ? "met" : "MISSED"
}'
