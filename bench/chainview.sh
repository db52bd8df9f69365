#!/bin/sh
# chainview on a shuffled PEM bundle of 1 root, 100 intermediates and
# 10,000 leaves, beside `openssl storeutl -noout -text -certs` on the same
# file.  Targets (issue 2): wall time <= 0.75x OpenSSL's with every link's
# signature verified, peak RSS <= 64 MB.  Median of 5 runs each.
set -eu
. "$(dirname "$0")/lib.sh"
INTS=${BENCH_INTERMEDIATES:-100}
LEAVES=${BENCH_LEAVES:-10000}
RUNS=${BENCH_RUNS:-5}
bench_bundle "$INTS" "$LEAVES"

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
