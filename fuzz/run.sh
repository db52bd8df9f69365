#!/bin/sh
# run.sh smoke|run — run the libFuzzer harnesses of a --enable-fuzzing
# build one after the other (fuzz/README.md), and say per harness how
# many inputs ran, the coverage reached and the result.
#
#   smoke   each harness for FUZZ_TIME seconds (default 60), or until the
#           executions fuzz/smoke-runs gives it, whichever comes first
#   run     each harness until FUZZ_RUNS executions (default 10000000),
#           or FUZZ_TIME seconds if set to more than 0 (default: no limit)
#
# Environment (make fuzz-smoke / make fuzz-run set the first two):
#   top_srcdir, top_builddir  the source tree and the fuzzing build
#   FUZZ_TARGETS   harnesses to run, e.g. 'load pem' (default: all built)
#   FUZZ_TIME      seconds per harness (see above)
#   FUZZ_RUNS      run: executions per harness; smoke: the same for
#                  every harness instead of fuzz/smoke-runs (-1: no cap)
#   FUZZ_JOBS      run: libFuzzer -fork=N processes (default 1: one process)
#   FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (10)
#   FUZZ_RSS_MB    memory cap of the process, MB (2048)
#   FUZZ_MALLOC_MB cap of one allocation, MB (default: FUZZ_RSS_MB)
#   FUZZ_MAX_LEN   longest input libFuzzer makes (default: 65536)
#   FUZZ_SEED      libFuzzer's -seed (default: random); a fixed one makes
#                  a run repeat the same inputs (CI sets it, so that a
#                  smoke that passed here passes there)
#
# The corpus grows in $top_builddir/fuzz-corpus/TARGET (kept between
# runs), the seeds are written to fuzz-seeds/TARGET (fuzz/seeds.sh), a
# crashing, leaking or slow input is saved in fuzz-artifacts/TARGET/, the
# log of each run is fuzz-logs/TARGET.log and the figures of the last run
# of each harness are fuzz-logs/TARGET.stats.  Exit status 1 when any
# harness found a crash, a leak, a timeout or ran out of memory.
set -u
# libFuzzer's status lines carry raw bytes (dictionary entries): parse them as bytes
LC_ALL=C
export LC_ALL

mode=${1:-smoke}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
cd "$top_builddir" || exit 2

case $mode in
smoke) time=${FUZZ_TIME:-60}; runs=${FUZZ_RUNS:-} ;;
run) time=${FUZZ_TIME:-0}; runs=${FUZZ_RUNS:-10000000} ;;
*) echo "run.sh: unknown mode '$mode' (smoke or run)" >&2; exit 2 ;;
esac
[ -n "$time" ] || time=0
smoke_table=
if [ "$mode" = smoke ] && [ -z "$runs" ]; then
	smoke_table=$top_srcdir/fuzz/smoke-runs
	runs=-1
fi
[ -n "$runs" ] || runs=10000000

# smoke_runs TARGET: the smoke's cap for TARGET (fuzz/smoke-runs), -1 if none
smoke_runs() {
	n=$(sed -n "s/^$1[[:space:]][[:space:]]*\([0-9][0-9]*\)[[:space:]]*\$/\1/p" "$smoke_table" 2>/dev/null)
	echo "${n:--1}"
}
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}
malloc=${FUZZ_MALLOC_MB:-$rss}
max_len=${FUZZ_MAX_LEN:-65536}
jobs=${FUZZ_JOBS:-1}
[ -n "$jobs" ] || jobs=1

targets=${FUZZ_TARGETS:-}
if [ -z "$targets" ]; then
	for p in fuzz/fuzz-*; do
		[ -x "$p" ] && [ -f "$p" ] && targets="$targets ${p#fuzz/fuzz-}"
	done
fi

# The dictionary of a harness: DER tags and OIDs for binary formats,
# PEM markers for text, both where load sniffs either.
dict_for() {
	case $1 in
	url) echo url ;;
	report|emit) echo report ;;
	csr) echo der pem report ;;
	policy) echo policy ;;
	certpol) echo der certpol ;;
	pem|key|base64) echo pem der ;;
	load|chain|aialist|issuer|der|convert) echo der pem ;;
	audit) echo der pem policy ;;
	*) echo der ;;
	esac
}

mkdir -p fuzz-logs
failed=""
printf '%-9s %-8s %12s %8s %8s %7s\n' harness result executions cov ft seconds
for t in $targets; do
	bin=fuzz/fuzz-$t
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin is not built (make fuzz)" >&2
		failed="$failed $t"
		continue
	fi
	log=fuzz-logs/$t.log
	rm -rf "fuzz-seeds/$t"
	if ! sh "$top_srcdir/fuzz/seeds.sh" "$t" "fuzz-seeds/$t" 2>"$log"; then
		echo "run.sh: $t: writing the seeds failed:" >&2
		cat "$log" >&2
		failed="$failed $t"
		continue
	fi
	mkdir -p "fuzz-corpus/$t" "fuzz-artifacts/$t"
	dict=fuzz-logs/$t.dict
	: >"$dict"
	for d in $(dict_for "$t"); do
		[ -f "$top_srcdir/fuzz/$d.dict" ] && cat "$top_srcdir/fuzz/$d.dict" >>"$dict"
	done
	t_runs=$runs
	[ -z "$smoke_table" ] || t_runs=$(smoke_runs "$t")
	set -- -timeout="$timeout" -rss_limit_mb="$rss" -malloc_limit_mb="$malloc" \
		-max_len="$max_len" -max_total_time="$time" -runs="$t_runs" \
		-print_final_stats=1 -artifact_prefix="fuzz-artifacts/$t/" -dict="$dict"
	if [ "$jobs" -gt 1 ]; then
		set -- "$@" -fork="$jobs" -ignore_crashes=0
	fi
	if [ -n "${FUZZ_SEED:-}" ]; then
		set -- "$@" -seed="$FUZZ_SEED"
	fi
	regress=$top_srcdir/tests/fuzz-regress/$t
	[ -d "$regress" ] || regress=
	start=$(date +%s)
	# a clean exit of libFuzzer is 0; a finding is any other status
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
		"$bin" "$@" "fuzz-corpus/$t" "fuzz-seeds/$t" $regress >>"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ "$jobs" -gt 1 ]; then
		# -fork: the parent's "#N: cov: C ft: F ..." lines count the
		# executions of every worker; the stat:: and "#N  NEW cov:"
		# lines in the log are those of one worker's last job
		last=$(grep -a -E '^#[0-9]+: cov: ' "$log" | tail -n 1)
		execs=
	else
		last=$(grep -a -E '^#[0-9]+.* cov: ' "$log" | tail -n 1)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	fi
	# without a stat:: line (fork mode, or a run cut short) N of the last status line
	[ -n "$execs" ] || execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	if [ $rc -eq 0 ]; then
		result=ok
	elif grep -a -q 'ERROR: libFuzzer: timeout' "$log"; then
		result=timeout
	elif grep -a -q 'ERROR: LeakSanitizer' "$log"; then
		result=leak
	elif grep -a -q -e 'out-of-memory' -e 'malloc(.*) exceeds limit' "$log"; then
		result=oom
	else
		result=crash
	fi
	printf '%-9s %-8s %12s %8s %8s %7s\n' "$t" "$result" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$secs"
	printf 'harness=%s mode=%s result=%s executions=%s cov=%s ft=%s seconds=%s\n' \
		"$t" "$mode" "$result" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$secs" >"fuzz-logs/$t.stats"
	if [ "$result" != ok ]; then
		failed="$failed $t"
		echo "run.sh: $t: $result; the input is in fuzz-artifacts/$t/, the log is $log:" >&2
		grep -a -E -A12 'ERROR:|SUMMARY:|fuzz harness:' "$log" | head -n 40 >&2
	fi
done

if [ -n "$failed" ]; then
	echo "run.sh: failed:$failed" >&2
	exit 1
fi
exit 0
