#!/bin/sh
# certaudit over a tree of small bundles (leaf + intermediate, 100 per
# directory) with one CA file, beside ONE `openssl verify -CAfile ROOT
# -untrusted INT LEAF...` process over the same leaves.  Target (issue 6):
# wall time <= 1.0x OpenSSL's at 1,000 files, and linear growth to 10,000.
# certaudit does more per file than openssl verify (it reads the whole
# bundle, rebuilds and validates the chain, applies the policy and writes
# a verdict), and runs -j workers (default: one per CPU).  Median of 5 runs.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${BENCH_RUNS:-5}
SIZES=${BENCH_SIZES:-"1000 10000"}
CPUS=$(nproc 2>/dev/null || echo 1)
T=$(mktemp -d "${TMPDIR:-/tmp}/ck-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
AT=2030-06-01
AT_EPOCH=1906588800 # 2030-06-01T00:00:00Z

echo "certaudit benchmark: $CPUS CPU(s), median of $RUNS runs"
for n in $SIZES; do
	d="$T/$n"
	echo "generating $n bundles..."
	"$B/mktree" "$d" "$n"
	find "$d/tree" -name '*.pem' | sort >"$d/list"
	# shellcheck disable=SC2046
	set -- $(measure sh -c 'exec openssl verify -attime '"$AT_EPOCH"' -CAfile "$1" -untrusted "$2" $(cat "$3")' \
		sh "$d/ca.pem" "$d/int.pem" "$d/list")
	o_t=$1
	# shellcheck disable=SC2046
	ok=$(openssl verify -attime "$AT_EPOCH" -CAfile "$d/ca.pem" -untrusted "$d/int.pem" $(cat "$d/list") | grep -c ': OK$' || true)
	set -- $(measure "$top_builddir/tools/certaudit" -q --no-system-trust --ca-file "$d/ca.pem" --at "$AT" "$d/tree")
	c_t=$1 c_m=$2
	set -- $(measure "$top_builddir/tools/certaudit" -q -j 1 --no-system-trust --ca-file "$d/ca.pem" --at "$AT" "$d/tree")
	c1_t=$1
	set -- $(measure "$top_builddir/tools/certaudit" --jsonl --no-system-trust --ca-file "$d/ca.pem" --at "$AT" "$d/tree")
	cj_t=$1
	set -- $(measure "$top_builddir/tools/certaudit" -q --ca-file "$d/ca.pem" --at "$AT" "$d/tree")
	cs_t=$1
	"$top_builddir/tools/certaudit" -q --no-system-trust --ca-file "$d/ca.pem" --at "$AT" "$d/tree" >"$T/out" || true
	awk -v n="$n" -v ot="$o_t" -v ct="$c_t" -v c1="$c1_t" -v cj="$cj_t" -v cs="$cs_t" -v cm="$c_m" \
		-v ok="$ok" -v sum="$(tail -1 "$T/out")" 'BEGIN {
		printf "%d files (%s; openssl: %d OK)\n", n, sum, ok
		printf "  openssl verify (1 process):         %7.3f s  %6.1f us/file\n", ot, ot / n * 1e6
		printf "  certaudit -q (default -j):          %7.3f s  %6.1f us/file  %6.1f MB  ratio %.2fx\n", ct, ct / n * 1e6, cm / 1024, ct / ot
		printf "  certaudit -q -j 1:                  %7.3f s  %6.1f us/file           ratio %.2fx\n", c1, c1 / n * 1e6, c1 / ot
		printf "  certaudit --jsonl (full documents): %7.3f s  %6.1f us/file           ratio %.2fx\n", cj, cj / n * 1e6, cj / ot
		printf "  certaudit -q with the system store: %7.3f s  %6.1f us/file           ratio %.2fx\n", cs, cs / n * 1e6, cs / ot
	}'
	echo "$n $c_t" >>"$T/lin"
	rm -rf "$d"
done
if [ "$(wc -l <"$T/lin")" -ge 2 ]; then
	awk 'NR == 1 { n0 = $1; t0 = $2 } END { f = ($2 / $1) / (t0 / n0);
		printf "linearity: %.2f us/file at %d files, %.2f us/file at %d files (%.2fx per file)\n",
			t0 / n0 * 1e6, n0, $2 / $1 * 1e6, $1, f }' "$T/lin"
fi
first=$(echo "$SIZES" | cut -d' ' -f1)
echo "target: certaudit <= 1.0x openssl verify at $first files (see the ratio above)"
