# tests/lib.sh — sourced by the tool tests in tests/cli/.
#
# run TOOL ARGS...        run build/tools/TOOL (under $CK_WRAPPER if set, e.g.
#                         valgrind), stdin from /dev/null, killed after
#                         $CK_TEST_TIMEOUT seconds (120; a hang fails as 124);
#                         sets $rc, and the files $out and $err
# expect NAME RC [PATTERN_OUT [PATTERN_ERR]]
#                         check the last run: exit status, and grep -E patterns
#                         for stdout and stderr ("" = no check, "^$" = empty)
# $CK_NET_SLACK           options for a network run that must succeed on
#                         loopback: empty, or a long --connect-timeout under
#                         $CK_WRAPPER (valgrind makes a TLS handshake take
#                         longer than the tools' default 5 s)
# skip REASON             the whole test is skipped (exit 77)
# finish                  exit 0 if every expectation held, else 1
set -u

: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
FX="$top_srcdir/fixtures"
BIN="$top_builddir/tools"
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/ck-test.XXXXXX")
out="$TMPD/stdout"
err="$TMPD/stderr"
failures=0
checks=0
CK_NET_SLACK=
[ -n "${CK_WRAPPER:-}" ] && CK_NET_SLACK="--connect-timeout 60"
cleanup_hooks=""

on_exit() {
	for h in $cleanup_hooks; do "$h"; done
	rm -rf "$TMPD"
}
trap on_exit EXIT
trap 'exit 1' INT TERM HUP

# add_cleanup FUNCTION: run FUNCTION when the test exits, even on failure
add_cleanup() { cleanup_hooks="$cleanup_hooks $1"; }

run() {
	tool=$1
	shift
	# shellcheck disable=SC2086
	timeout "${CK_TEST_TIMEOUT:-120}" ${CK_WRAPPER:-} "$BIN/$tool" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}

# run_stdin FILE TOOL ARGS...: like run, with FILE on stdin
run_stdin() {
	file=$1
	tool=$2
	shift 2
	# shellcheck disable=SC2086
	timeout "${CK_TEST_TIMEOUT:-120}" ${CK_WRAPPER:-} "$BIN/$tool" "$@" >"$out" 2>"$err" <"$file"
	rc=$?
}

fail() {
	failures=$((failures + 1))
	echo "FAIL: $*"
	echo "  exit status: $rc"
	echo "  --- stdout (first 20 lines)"; head -20 "$out" | sed 's/^/  /'
	echo "  --- stderr (first 20 lines)"; head -20 "$err" | sed 's/^/  /'
}

expect() {
	name=$1 want_rc=$2 want_out=${3:-} want_err=${4:-}
	checks=$((checks + 1))
	if [ "$rc" != "$want_rc" ]; then
		fail "$name: exit status $rc, expected $want_rc"
		return
	fi
	if [ -n "$want_out" ] && ! grep -Eq -- "$want_out" "$out"; then
		fail "$name: stdout does not match /$want_out/"
		return
	fi
	if [ -n "$want_err" ] && ! grep -Eq -- "$want_err" "$err"; then
		fail "$name: stderr does not match /$want_err/"
		return
	fi
	echo "ok: $name"
}

# expect_no_crash NAME: the run ended with a status, not a signal or a sanitizer report
expect_no_crash() {
	checks=$((checks + 1))
	if [ "$rc" -ge 128 ] || grep -q -e 'Sanitizer' -e 'runtime error:' "$err"; then
		fail "$1: crashed"
		return
	fi
	echo "ok: $1 (no crash)"
}

# expect_one_line_error NAME: stderr is exactly one line "TOOL: ..."
expect_one_line_error() {
	checks=$((checks + 1))
	lines=$(wc -l <"$err")
	if [ "$lines" -ne 1 ] || ! grep -q '^[a-z0-9]*: ' "$err"; then
		fail "$1: stderr is not one 'tool: message' line"
		return
	fi
	echo "ok: $1 (one-line error)"
}

# json EXPR: evaluate a jq expression over the last stdout
json() { jq -r "$1" "$out"; }

# expect_json NAME EXPR VALUE: jq -r EXPR over stdout prints VALUE
expect_json() {
	checks=$((checks + 1))
	got=$(jq -r "$2" "$out" 2>&1)
	if [ "$got" != "$3" ]; then
		fail "$1: $2 is '$got', expected '$3'"
		return
	fi
	echo "ok: $1"
}

need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
}

skip() {
	echo "SKIP: $*"
	exit 77
}

finish() {
	echo "$checks checks, $failures failures"
	[ "$failures" -eq 0 ]
	exit $?
}
