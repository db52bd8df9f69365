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
# expect_same NAME A B    the files A and B hold the same lines (their
#                         diff is the failure's stdout)
# expect_empty NAME FILE  FILE is empty (what it holds, as a diff, is the
#                         failure's stdout)
# skip REASON             the whole test is skipped (exit 77), or fails (1)
#                         if an expectation already failed
# finish                  exit 0 if every expectation held, else 1
#
# Permissions count only for a user other than root: as root, a test that
# needs a file the tool cannot open runs the tool as user nobody (65534).
# nobody cannot reach into the checkout when it sits under a private
# directory (root's home, a mktemp -d), so everything nobody reads (the
# tool, its fixtures, the files it must fail on) is copied into $TMPD:
# unpriv_setup TOOL...    copy build/tools/TOOL (and the suppressions of a
#                         valgrind $CK_WRAPPER) into $TMPD/bin and let every
#                         user through $TMPD (0711); returns 1, the reason in
#                         $unpriv_why, when root has no setpriv or when nobody
#                         still cannot reach $TMPD (a TMPDIR under a private
#                         directory)
# unpriv_copy SRC DEST    cp SRC DEST, readable by all whatever the umask
# run_unpriv TOOL ARGS... like run, with that copy of TOOL; as root, as nobody
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

expect_same() {
	checks=$((checks + 1))
	if diff "$2" "$3" >"$TMPD/diff"; then
		echo "ok: $1"
	else
		rc=1; cp "$TMPD/diff" "$out"; : >"$err"
		fail "$1: not so"
	fi
}

expect_empty() { expect_same "$1" /dev/null "$2"; }

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

# expect_nagios NAME STATUS TOOL STATE: a plugin's output (--format
# nagios) as the Nagios plugin API wants it: exit STATUS; a first line
# "TOOL STATE - text | perfdata" whose text holds no '|' and whose
# perfdata is a list of 'label'=value[UOM][;warn[;crit[;min[;max]]]],
# labels quoted ('' for a quote, no '='), thresholds as ranges
# ([@][start|~:][end]); every further line free of '|' too (the long
# text, where a '|' would start more perfdata)
NAGIOS_NUM='-?[0-9]+(\.[0-9]+)?'
NAGIOS_RANGE="@?(($NAGIOS_NUM|~):)?($NAGIOS_NUM)?"
NAGIOS_PERF="'([^'=]|'')+'=($NAGIOS_NUM|U)(s|ms|us|%|B|KB|MB|TB|c)?(;($NAGIOS_RANGE)(;($NAGIOS_RANGE)(;($NAGIOS_NUM)?(;($NAGIOS_NUM)?)?)?)?)?"
expect_nagios() {
	checks=$((checks + 1))
	if [ "$rc" != "$2" ]; then
		fail "$1: exit status $rc, expected $2"
		return
	fi
	if ! head -1 "$out" | grep -Eq "^$3 $4 - [^|]+ \| $NAGIOS_PERF( $NAGIOS_PERF)*\$"; then
		fail "$1: the first line is not '$3 $4 - text | perfdata' with valid perfdata"
		return
	fi
	if tail -n +2 "$out" | grep -q '|'; then
		fail "$1: a '|' in the long text"
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
	# a skip must not hide what already failed
	[ "$failures" -eq 0 ] || finish
	exit 77
}

UNPRIV="setpriv --reuid=65534 --regid=65534 --clear-groups"
unpriv_why=""
unpriv_wrapper=""

unpriv_setup() {
	mkdir -p "$TMPD/bin"
	for t in "$@"; do
		cp "$BIN/$t" "$TMPD/bin/$t" || { unpriv_why="cannot copy $BIN/$t"; return 1; }
	done
	unpriv_wrapper=""
	for w in ${CK_WRAPPER:-}; do
		case $w in
		--suppressions=*)
			cp "${w#--suppressions=}" "$TMPD/bin/" || { unpriv_why="cannot copy ${w#*=}"; return 1; }
			w="--suppressions=$TMPD/bin/${w##*/}"
			;;
		esac
		unpriv_wrapper="$unpriv_wrapper $w"
	done
	chmod -R a+rX "$TMPD/bin"
	chmod 0711 "$TMPD"
	[ "$(id -u)" -eq 0 ] || return 0
	if ! command -v setpriv >/dev/null 2>&1; then
		unpriv_why="running as root without setpriv (util-linux): cannot run as nobody to make permissions count"
		return 1
	fi
	# setpriv keeps root's capabilities until its exec, so that running
	# the tool proves nothing: ask test(1), which runs without them
	if ! $UNPRIV test -x "$TMPD/bin/$1"; then
		unpriv_why="user nobody cannot reach $TMPD (TMPDIR under a private directory?)"
		return 1
	fi
}

unpriv_copy() {
	cp "$1" "$2" && chmod a+r "$2"
}

run_unpriv() {
	tool=$1
	shift
	as=""
	[ "$(id -u)" -ne 0 ] || as=$UNPRIV
	# shellcheck disable=SC2086
	timeout "${CK_TEST_TIMEOUT:-120}" $as $unpriv_wrapper "$TMPD/bin/$tool" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}

finish() {
	echo "$checks checks, $failures failures"
	[ "$failures" -eq 0 ]
	exit $?
}

# metric_lines PREFIX: the lines of the OpenMetrics text in $M that start
# with PREFIX (a fixed string)
metric_lines() { P=$1 awk 'index($0, ENVIRON["P"]) == 1' "$M"; }

# expect_metric NAME PREFIX VALUE: in $M, exactly one sample starts with
# PREFIX, and its value is VALUE
expect_metric() {
	checks=$((checks + 1))
	got=$(metric_lines "$2" | grep -c '')
	val=$(metric_lines "$2" | sed 's/.* //')
	if [ "$got" -eq 1 ] && [ "$val" = "$3" ]; then
		echo "ok: $1"
	else
		cp "$M" "$out"
		fail "$1: $got samples '$2', value '$val', expected $3"
	fi
}
