#!/bin/sh
# fuzz-replay — every libFuzzer harness of fuzz/ run once over its seeds
# (fuzz/seeds.sh, from the fixtures) and over its regression inputs in
# tests/fuzz-regress/TARGET/ (inputs the fuzzers found to crash, leak or
# hang, kept after the fix).  In a normal build the harnesses have the
# replay main() of fuzz/replay.c, so this runs with gcc, under
# --enable-sanitizers and under valgrind (CK_WRAPPER); in a
# --enable-fuzzing build libFuzzer runs the same files (-runs=0).
#
# A harness aborts on any broken invariant (fuzz/fuzz.h), so "exit 0 and
# every input counted" is the whole check.
. "$top_srcdir/tests/lib.sh"

regress=$top_srcdir/tests/fuzz-regress
for bin in "$top_builddir"/fuzz/fuzz-*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	t=${bin##*/fuzz-}
	seeds=$TMPD/seeds/$t
	if ! sh "$top_srcdir/fuzz/seeds.sh" "$t" "$seeds" >"$err" 2>&1; then
		rc=$?
		fail "$t: fuzz/seeds.sh failed"
		continue
	fi
	n=$(ls "$seeds" | wc -l)
	set -- "$seeds"
	if [ -d "$regress/$t" ]; then
		set -- "$@" "$regress/$t"
		n=$((n + $(ls "$regress/$t" | wc -l)))
	fi
	if [ "${FUZZ_LIBFUZZER:-no}" = yes ]; then
		# shellcheck disable=SC2086
		timeout "${CK_TEST_TIMEOUT:-600}" ${CK_WRAPPER:-} "$bin" -runs=0 "$@" >"$out" 2>"$err"
		rc=$?
		expect "$t: $n inputs replayed by libFuzzer" 0 "" "Done [0-9]* runs|INITED"
	else
		# shellcheck disable=SC2086
		timeout "${CK_TEST_TIMEOUT:-600}" ${CK_WRAPPER:-} "$bin" "$@" >"$out" 2>"$err"
		rc=$?
		expect "$t: $n inputs replayed" 0 "" "^replay: $n inputs?\$"
	fi
	expect_no_crash "$t: no sanitizer report"
done
[ "$checks" -gt 0 ] || skip "no harness built in $top_builddir/fuzz"
finish
