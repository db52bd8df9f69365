# bench/lib.sh — sourced by the benchmark scripts (make bench) for what
# they share.  Sets B (the bench build directory).
: "${top_builddir:?run through make bench}"
B="$top_builddir/bench"

# bench_bundle INTS LEAVES [rsa|ecdsa]: set $bundle to the shuffled PEM
# bundle of 1 root, INTS intermediates and LEAVES leaves (RSA-2048 keys
# by default, or ECDSA P-256), and $root to its root alone; made once and
# reused.
bench_bundle() {
	kt=${3:-rsa}
	bundle="$B/bundle-$kt-$1-$2.pem"
	root="$B/bundle-$kt-$1-$2.root.pem"
	if [ ! -s "$bundle" ] || [ ! -s "$root" ]; then
		echo "generating $bundle (1 root, $1 intermediates, $2 leaves, $kt; shuffled)..."
		"$B/mkbundle" "$1" "$2" 42 "$kt" "$root" >"$bundle.tmp"
		mv "$bundle.tmp" "$bundle"
	fi
	echo "bundle: $(grep -c 'BEGIN CERTIFICATE' "$bundle") certificates, $(wc -c <"$bundle") bytes, $kt"
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
