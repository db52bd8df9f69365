#!/bin/sh
# chainview on shuffled PEM bundles of 1 root, 100 intermediates and
# 10,000 leaves, RSA-2048 and ECDSA P-256, in every output format (text,
# JSON, XML), beside `openssl storeutl -noout -text -certs` on the same
# file in the same run.  The root is given as the trust anchor (--ca-file),
# so every chain is validated in full: every link's signature, dates,
# constraints, policies, key usage.
#
# Targets (issue 22), for each key type and format:
#   10k leaves:  wall time <= 0.75x OpenSSL's; peak RSS <= 64 MB
#   100k leaves under 1,000 intermediates, 101,001 certificates
#                (BENCH_LARGE=1, or make bench-chainview-large): wall time
#                <= 10.5x the same format's 10k time; peak RSS <= 160 MB
# Medians of BENCH_RUNS runs (5; 3 for the large bundles).  The machine
# may be shared: only the ratios measured in the same run mean much.
#
# BENCH_KEYS ("rsa ecdsa"), BENCH_LEAVES (10000), BENCH_INTERMEDIATES
# (100), BENCH_LARGE_LEAVES (100000), BENCH_LARGE_INTERMEDIATES (1000)
# change the sizes.
set -eu
. "$(dirname "$0")/lib.sh"
INTS=${BENCH_INTERMEDIATES:-100}
LEAVES=${BENCH_LEAVES:-10000}
LARGE=${BENCH_LARGE:-0}
LARGE_LEAVES=${BENCH_LARGE_LEAVES:-100000}
LARGE_INTS=${BENCH_LARGE_INTERMEDIATES:-1000}
KEYS=${BENCH_KEYS:-rsa ecdsa}
RUNS=${BENCH_RUNS:-5}
CV="$top_builddir/tools/chainview"
# (the 100k bundles are over the default 64 MB input limit)
CVOPTS="--max-size 1G"
missed=0

# check WHAT VALUE UNIT TARGET: print "WHAT VALUE (target <= TARGET): met"
# or MISSED, and count the misses
check() {
	if awk -v v="$2" -v t="$4" 'BEGIN { exit !(v <= t) }'; then
		v=met
	else
		v=MISSED
		missed=$((missed + 1))
	fi
	printf '    %s %s%s (target <= %s%s): %s\n' "$1" "$2" "$3" "$4" "$3" "$v"
}

mb() {
	awk -v m="$1" 'BEGIN { printf "%.1f", m / 1024 }'
}

# row LABEL SECONDS KB: one line of figures
row() {
	awk -v l="$1" -v t="$2" -v m="$3" 'BEGIN { printf "  %-28s %8.3f s  %7.1f MB\n", l, t, m / 1024 }'
}

# fmt_args FORMAT: chainview's option for it
fmt_args() {
	case $1 in
	text) echo "--format text" ;;
	json) echo "--json" ;;
	xml) echo "--xml" ;;
	esac
}

# complete, valid chains in a JSON report (the "chain" member repeats
# the first of "chains")
count_valid() {
	"$CV" $CVOPTS --ca-file "$root" --json "$bundle" 2>/dev/null |
		grep -o '"status":"complete","trusted":true,"valid":true' | wc -l |
		awk '{ print $1 - 1 }'
}

for kt in $KEYS; do
	echo "== $kt: 1 root, $INTS intermediates, $LEAVES leaves"
	bench_bundle "$INTS" "$LEAVES" "$kt"
	echo "  valid chains: $(count_valid) of $LEAVES (every signature verified)"
	set -- $(measure openssl storeutl -noout -text -certs "$bundle")
	o_t=$1 o_m=$2
	row "openssl storeutl -text" "$o_t" "$o_m"
	for f in text json xml; do
		set -- $(measure "$CV" $CVOPTS --ca-file "$root" $(fmt_args "$f") "$bundle")
		eval "t_$f=\$1"
		row "chainview --format $f" "$1" "$2"
		m=$(mb "$2")
		check "time, ratio to OpenSSL's:" "$(awk -v c="$1" -v o="$o_t" 'BEGIN { printf "%.2f", c / o }')" x 0.75
		check "peak RSS:" "$m" " MB" 64
	done
	[ "$LARGE" = 1 ] || continue
	echo "== $kt: 1 root, $LARGE_INTS intermediates, $LARGE_LEAVES leaves"
	bench_bundle "$LARGE_INTS" "$LARGE_LEAVES" "$kt"
	RUNS=${BENCH_LARGE_RUNS:-3}
	echo "  valid chains: $(count_valid) of $LARGE_LEAVES"
	set -- $(measure openssl storeutl -noout -text -certs "$bundle")
	o_t=$1
	row "openssl storeutl -text" "$1" "$2"
	for f in text json xml; do
		set -- $(measure "$CV" $CVOPTS --ca-file "$root" $(fmt_args "$f") "$bundle")
		row "chainview --format $f" "$1" "$2"
		# (no target; the load of a shared machine changes less
		# between these two runs than between this and the 10k run)
		awk -v c="$1" -v o="$o_t" 'BEGIN { printf "    time, ratio to OpenSSL'"'"'s at this size: %.2fx\n", c / o }'
		eval "small=\$t_$f"
		m=$(mb "$2")
		check "time, ratio to the $LEAVES-leaf run:" "$(awk -v c="$1" -v s="$small" 'BEGIN { printf "%.2f", c / s }')" x 10.5
		check "peak RSS:" "$m" " MB" 160
	done
	RUNS=${BENCH_RUNS:-5}
done
echo "targets missed: $missed"
