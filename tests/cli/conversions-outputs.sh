#!/bin/sh
# What may already be at an output path (-o of pfx2pem, pem2pfx and
# certconv, the files of pfx2pem --split, certaudit's --junit and
# --sarif): a FIFO, a device or a symbolic link is refused without
# --force; a private key or a PFX never goes into a FIFO, a device or a
# file another user owns, even with --force; nothing blocks on a FIFO
# that nobody reads.  Real FIFOs (mkfifo), another user through setpriv.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
need openssl

[ "$(id -u)" -eq 0 ] || skip "not root: another user's FIFO and a run as another user need root"
need setpriv

P=$FX/pki
PFX=$FX/p12/modern.pfx
printf 'chainkit-pw\n' >"$TMPD/pw"
O="$TMPD/o"

fresh() { exec 3<&- 2>/dev/null; rm -rf "$O"; mkdir "$O"; chmod 755 "$TMPD" "$O"; }

# a FIFO at $1 with a reader (fd 3, which also holds it open for writing,
# so that no read waits); drained: what the tools wrote into it
fifo() { mkfifo -m "${2:-600}" "$1"; exec 3<>"$1"; }
drained() { dd iflag=nonblock bs=1M count=1 status=none <&3 2>/dev/null | wc -c; }

# the three tools, each writing a private key (pem2pfx: a PFX) to $1
write_key() {
	t=$1 dest=$2
	shift 2
	case $t in
	pfx2pem) run pfx2pem --password test "$@" -o "$dest" "$PFX" ;;
	pem2pfx) run pem2pfx --password test --out-password-file "$TMPD/pw" "$@" -o "$dest" "$PFX" ;;
	certconv) run certconv --to pem --password test "$@" -o "$dest" "$PFX" ;;
	esac
}

# as nobody (uid 65534), output as run() leaves it
runas() {
	t=$1
	shift
	# shellcheck disable=SC2086
	timeout "${CK_TEST_TIMEOUT:-120}" setpriv --reuid=65534 --regid=65534 --clear-groups \
		${CK_WRAPPER:-} "$BIN/$t" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}

for t in pfx2pem pem2pfx certconv; do
	# --- a FIFO: refused without --force, and nothing reaches the reader
	fresh
	fifo "$O/pipe"
	write_key $t "$O/pipe"
	expect "$t: FIFO without --force" 2 '' "^$t: .*/o/pipe: exists and is a FIFO: not written to without --force$"
	expect_one_line_error "$t: FIFO without --force"
	check "$t: FIFO without --force: the reader got nothing" "$(drained)" 0
	check "$t: still a FIFO" "$(stat -c %F "$O/pipe")" fifo

	# --- our own FIFO with --force: written to, not replaced
	write_key $t "$O/pipe" --force
	expect "$t: own FIFO with --force" 0
	checks=$((checks + 1))
	if [ "$(drained)" -gt 0 ]; then echo "ok: $t: the reader got the output"; else fail "$t: the reader got nothing"; fi
	check "$t: own FIFO: still a FIFO" "$(stat -c %F "$O/pipe")" fifo
	check "$t: own FIFO: no temporary file" "$(dir_count "$O")" 1

	# --- another user's FIFO: a key never goes there, even with --force
	fresh
	fifo "$O/theirs" 666
	chown 65534:65534 "$O/theirs"
	write_key $t "$O/theirs" --force
	expect "$t: another user's FIFO" 2 '' "^$t: .*/o/theirs: is a FIFO of another user: a private key is not written into it, even with --force$"
	expect_one_line_error "$t: another user's FIFO"
	check "$t: another user's FIFO: the reader got nothing" "$(drained)" 0

	# --- the same the other way round: run as nobody, root's FIFO
	fresh
	fifo "$O/roots" 666
	case $t in
	pfx2pem) runas pfx2pem --password test --force -o "$O/roots" "$PFX" ;;
	pem2pfx) chmod 644 "$TMPD/pw"
		runas pem2pfx --password test --out-password-file "$TMPD/pw" --force -o "$O/roots" "$PFX" ;;
	certconv) runas certconv --to pem --password test --force -o "$O/roots" "$PFX" ;;
	esac
	expect "$t as nobody: root's FIFO" 2 '' "is a FIFO of another user: a private key is not written into it"
	check "$t as nobody: root's FIFO: the reader got nothing" "$(drained)" 0
	case $t in
	pem2pfx) runas pem2pfx --password test --out-password-file "$TMPD/pw" --force -o /dev/null "$PFX" ;;
	certconv) runas certconv --to pem --password test --force -o /dev/null "$PFX" ;;
	*) runas "$t" --password test --force -o /dev/null "$PFX" ;;
	esac
	expect "$t as nobody: root's /dev/null" 2 '' "/dev/null: is a character device of another user: a private key is not written into it"

	# --- a symbolic link: refused without --force; with it, the link is
	# replaced and what it points to left alone
	fresh
	echo precious >"$O/target"
	ln -s target "$O/link"
	write_key $t "$O/link"
	expect "$t: link without --force" 2 '' "^$t: .*/o/link: exists and is a symbolic link: not replaced without --force$"
	check "$t: link without --force: target unchanged" "$(cat "$O/target")" precious
	write_key $t "$O/link" --force
	expect "$t: link with --force" 0
	check "$t: link with --force: target unchanged" "$(cat "$O/target")" precious
	check "$t: link with --force: the link is now the file" "$(stat -c %F "$O/link")" "regular file"
	check "$t: link with --force: mode 0600" "$(stat -c %a "$O/link")" 600

	# --- a link to a FIFO (or to a descriptor) means "write there": refused
	fresh
	fifo "$O/pipe"
	ln -s pipe "$O/to-pipe"
	write_key $t "$O/to-pipe" --force
	expect "$t: link to a FIFO" 2 '' "to-pipe: is a symbolic link to a FIFO, a device or a descriptor: name it directly, or use '-' for standard output$"
	check "$t: link to a FIFO: the reader got nothing" "$(drained)" 0
	check "$t: link to a FIFO: still a link" "$(stat -c %F "$O/to-pipe")" "symbolic link"

	# --- another user's file: not replaced by a key, even with --force
	fresh
	echo theirs >"$O/theirs.pem"
	chown 65534:65534 "$O/theirs.pem"
	write_key $t "$O/theirs.pem" --force
	expect "$t: another user's file" 2 '' "theirs.pem: is a file of another user: a private key is not written over it, even with --force$"
	check "$t: another user's file: unchanged" "$(cat "$O/theirs.pem")" theirs

	# --- a FIFO nobody reads: an error at once, not a hang
	fresh
	mkfifo "$O/lonely"
	write_key $t "$O/lonely" --force
	expect "$t: FIFO nobody reads" 5 '' "lonely: a FIFO that nobody reads: not written$"
	check "$t: FIFO nobody reads: nothing left" "$(dir_count "$O")" 1
done

# --- standard output is always "-": a key may go there
fresh
run pfx2pem --password test -o - "$PFX"
expect "-o -: the key goes to standard output" 0 'BEGIN PRIVATE KEY'

# --- certificates alone (no key) may go into another user's FIFO with --force
fresh
fifo "$O/theirs" 666
chown 65534:65534 "$O/theirs"
run pfx2pem --password test --no-key --force -o "$O/theirs" "$PFX"
expect "certificates into another user's FIFO with --force" 0
checks=$((checks + 1))
if [ "$(drained)" -gt 0 ]; then echo "ok: the reader got the certificates"; else fail "the reader got nothing"; fi

# --- pfx2pem --split DIR: the same rules for each file of the set
fresh
mkdir "$O/live"
fifo "$O/live/key.pem"
run pfx2pem --password test --split "$O/live" "$PFX"
expect "--split: key.pem is a FIFO" 2 '' "live/key.pem: exists and is a FIFO: not written to without --force$"
check "--split: key.pem is a FIFO: nothing written" "$(dir_count "$O/live")" 1
check "--split: key.pem is a FIFO: the reader got nothing" "$(drained)" 0
exec 3<&-
rm "$O/live/key.pem"
mkfifo -m 666 "$O/live/key.pem"
chown 65534:65534 "$O/live/key.pem"
exec 3<>"$O/live/key.pem"
run pfx2pem --password test --split "$O/live" --force "$PFX"
expect "--split --force: another user's FIFO as key.pem" 2 '' "live/key.pem: is a FIFO of another user: a private key is not written into it"
check "--split --force: another user's FIFO: nothing written" "$(dir_count "$O/live")" 1
check "--split --force: another user's FIFO: the reader got nothing" "$(drained)" 0
fresh
mkdir "$O/live"
echo precious >"$O/elsewhere"
ln -s ../elsewhere "$O/live/key.pem"
run pfx2pem --password test --split "$O/live" "$PFX"
expect "--split: key.pem is a link" 2 '' "live/key.pem: exists and is a symbolic link: not replaced without --force$"
run pfx2pem --password test --split "$O/live" --force "$PFX"
expect "--split --force: key.pem is a link" 0
check "--split --force: the link's target unchanged" "$(cat "$O/elsewhere")" precious
check "--split --force: key.pem is our file" "$(stat -c '%F %a' "$O/live/key.pem")" "regular file 600"

# --- certaudit's reports
T=$FX/audit/tree
COMMON="--no-system-trust --ca-file $P/root-ca.crt --at 2030-06-01 --policy $FX/audit/policy.conf -j 1"
for r in junit sarif; do
	fresh
	fifo "$O/report"
	# shellcheck disable=SC2086
	run certaudit $COMMON --$r "$O/report" "$T/good/server.pem"
	expect "certaudit --$r FIFO without --force" 2 '' "^certaudit: .*/o/report: exists and is a FIFO: not written to without --force$"
	check "certaudit --$r FIFO: refused before the audit" "$(wc -c <"$out")" 0
	check "certaudit --$r FIFO: the reader got nothing" "$(drained)" 0
	# shellcheck disable=SC2086
	run certaudit $COMMON --force --$r "$O/report" "$T/good/server.pem"
	expect "certaudit --$r FIFO with --force" 0
	checks=$((checks + 1))
	if [ "$(drained)" -gt 0 ]; then echo "ok: certaudit --$r: the reader got the report"; else fail "certaudit --$r: the reader got nothing"; fi
	exec 3<&-
	rm "$O/report"
	ln -s /dev/null "$O/report"
	# shellcheck disable=SC2086
	run certaudit $COMMON --$r "$O/report" "$T/good/server.pem"
	expect "certaudit --$r link without --force" 2 '' "exists and is a symbolic link: not replaced without --force$"
	# shellcheck disable=SC2086
	run certaudit $COMMON --force --$r "$O/report" "$T/good/server.pem"
	expect "certaudit --$r link to /dev/null with --force" 2 '' "is a symbolic link to a FIFO, a device or a descriptor"
	check "certaudit --$r: /dev/null still a device" "$(stat -c %F /dev/null)" "character special file"
	mkfifo "$O/lonely"
	# shellcheck disable=SC2086
	run certaudit $COMMON --force --$r "$O/lonely" "$T/good/server.pem"
	expect "certaudit --$r FIFO nobody reads" 5 '' "lonely: a FIFO that nobody reads: not written$"
done
finish
