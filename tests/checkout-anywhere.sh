#!/bin/sh
# checkout-anywhere — the tool tests that run a tool as user nobody (lib.sh's
# unpriv_setup) pass wherever the checkout is: a copy of what they read
# under a fresh 0700 directory (as root's home or a mktemp -d holds a
# clone), reached through a symbolic link, at a path over 300 bytes (longer
# than struct ck_error keeps), with the tools already built.  Each test must
# pass there, and its run as nobody must have happened.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" -eq 0 ] ||
	skip "not root: the tests run no tool as another user, so a private checkout changes nothing"

# TEST|TOOL|a check of its run as nobody that must have passed
cat >"$TMPD/tests" <<'EOF'
certaudit-tree|certaudit|ok: unreadable file$
certaudit-options|certaudit|ok: unreadable directory PATH$
chainview-bad-input|chainview|ok: an unreadable file$
EOF

P="$TMPD/private"
mkdir "$P"
chmod 0700 "$P"
long=$(printf '%0150d' 0 | tr 0 d)/$(printf '%0150d' 0 | tr 0 e)
S="$P/$long/src"
mkdir -p "$S/tests/cli" "$S/man" "$P/build/tools"
cp -R "$top_srcdir/fixtures" "$S/"
cp "$top_srcdir/tests/lib.sh" "$top_srcdir/tests/p12-bags.py" "$S/tests/"
cp "$top_srcdir/man/certaudit.1" "$S/man/"
# make distcheck's source tree is read-only, and so would be the copy
chmod -R u+w "$P"
ln -s src "$P/$long/checkout"
C="$P/$long/checkout"

while IFS='|' read -r t tool want; do
	cp "$top_srcdir/tests/cli/$t.sh" "$S/tests/cli/"
	cp "$BIN/$tool" "$P/build/tools/"
	top_srcdir="$C" top_builddir="$P/build" \
		timeout 300 sh "$C/tests/cli/$t.sh" >"$TMPD/$t.log" 2>&1 </dev/null
	rc=$?
	[ "$rc" -ne 77 ] || skip "$t: $(sed -n 's/^SKIP: //p' "$TMPD/$t.log" | tail -1)"
	checks=$((checks + 1))
	if [ "$rc" -eq 0 ] && grep -q -- "$want" "$TMPD/$t.log"; then
		echo "ok: $t from a private, linked, long checkout path"
	else
		failures=$((failures + 1))
		echo "FAIL: $t from a private, linked, long checkout path: exit status $rc"
		grep -e '^FAIL' -e '^  ' "$TMPD/$t.log" | head -40 | sed 's/^/  /'
	fi
done <"$TMPD/tests"
finish
