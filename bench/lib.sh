# bench/lib.sh — sourced by the benchmark scripts (make bench) for what
# they share.  Sets B (the bench build directory).
: "${top_builddir:?run through make bench}"
B="$top_builddir/bench"

# bench_bundle INTS LEAVES: set $bundle to the shuffled PEM bundle of 1
# root, INTS intermediates and LEAVES leaves, made once and reused.
bench_bundle() {
	bundle="$B/bundle-$1-$2.pem"
	if [ ! -s "$bundle" ]; then
		echo "generating $bundle (1 root, $1 intermediates, $2 leaves; shuffled)..."
		"$B/mkbundle" "$1" "$2" 42 >"$bundle.tmp"
		mv "$bundle.tmp" "$bundle"
	fi
	echo "bundle: $(grep -c 'BEGIN CERTIFICATE' "$bundle") certificates, $(wc -c <"$bundle") bytes"
}

# measure CMD...: "SECONDS PEAK_RSS_KB", the medians over $RUNS runs
measure() {
	runs="$B/.runs.$$"
	i=0
	: >"$runs"
	while [ "$i" -lt "$RUNS" ]; do
		"$B/rusage" "$@" >/dev/null 2>>"$runs" || true
		i=$((i + 1))
	done
	t=$(cut -d' ' -f1 "$runs" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
	m=$(cut -d' ' -f2 "$runs" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
	rm -f "$runs"
	echo "$t $m"
}
