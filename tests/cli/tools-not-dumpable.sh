#!/bin/sh
# Every tool makes itself non-dumpable (PR_SET_DUMPABLE 0) before it
# reads anything: a password or a private key in its memory is in no core
# file, and another process of the same user cannot read that memory.
# Seen from outside: while the tool waits for its input (a FIFO: the
# test's open of it returns once the tool has opened it), a process of
# the same user cannot read its /proc/PID/environ, which it can for an
# ordinary process of its own.  Root may read any
# process's, so as root both run as nobody (setpriv).
. "$top_srcdir/tests/lib.sh"

if [ "$(id -u)" -eq 0 ]; then
	need setpriv
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$TMPD"
else
	AS=
fi
pid=
stop() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; pid=; }
add_cleanup stop

# can the user read /proc/$1/environ?  "yes" or "no"
readable() {
	# shellcheck disable=SC2086
	if $AS cat "/proc/$1/environ" >/dev/null 2>&1; then echo yes; else echo no; fi
}

# an ordinary process of the user, to show the check can say yes
mkfifo "$TMPD/plain"
# shellcheck disable=SC2086
(exec $AS cat "$TMPD/plain" >/dev/null) &
pid=$!
exec 4>"$TMPD/plain"
check_plain=$(readable $pid)
exec 4>&-
wait $pid
pid=
checks=$((checks + 1))
if [ "$check_plain" = yes ]; then
	echo "ok: an ordinary process's environ is readable by its user"
else
	rc=none; : >"$out"; : >"$err"
	fail "cannot read an ordinary process's environ: the check would prove nothing"
fi

for t in chainview pfx2pem pem2pfx certconv aiacheck certaudit derdump; do
	rm -f "$TMPD/in"
	mkfifo "$TMPD/in"
	case $t in
	certconv) set -- --to pem "$TMPD/in" ;;
	aiacheck) set -- --list "$TMPD/in" ;;
	*) set -- "$TMPD/in" ;;
	esac
	# shellcheck disable=SC2086
	(exec $AS ${CK_WRAPPER:-} "$BIN/$t" "$@" >"$out" 2>"$err" </dev/null) &
	pid=$!
	# this open returns when the tool opens its input: it runs, as the
	# user, past its start, and waits for the data
	exec 4>"$TMPD/in"
	got=$(readable $pid)
	kill -0 $pid 2>/dev/null || got="gone"
	exec 4>&-
	wait $pid
	pid=
	checks=$((checks + 1))
	if [ "$got" = no ]; then
		echo "ok: $t is not dumpable"
	else
		rc=none
		fail "$t: another process of its user reads its /proc/PID/environ ($got)"
	fi
done
finish
