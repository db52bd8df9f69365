#!/bin/sh
# Every option in a tool's --help is in its man page, and the reverse
# (curl's test1139 does this for curl).
. "$top_srcdir/tests/lib.sh"

for tool in $(ls "$BIN" | grep -v -e '\.' -e '^lib'); do
	[ -x "$BIN/$tool" ] || continue
	man="$top_srcdir/man/$tool.1"
	if [ ! -f "$man" ]; then
		checks=$((checks + 1))
		rc=1; : >"$out"; : >"$err"
		fail "$tool has no man page"
		continue
	fi
	"$BIN/$tool" --help | grep -oE -- '--[a-z0-9][a-z0-9.-]*' | sort -u >"$TMPD/help"
	# mdoc lists long options as ".It Fl -name" (short ones: ".It Fl x , Fl -name")
	grep -E '^\.It Fl' "$man" | grep -oE 'Fl -[a-z0-9][a-z0-9.-]*' | sed 's/^Fl -/--/' |
		sort -u >"$TMPD/man"
	expect_same "$tool: --help (<) and $tool.1 (>) list the same options" "$TMPD/help" "$TMPD/man"
	# --help fits 80 columns whatever the terminal (issue 24; bytes
	# counted, so a multibyte character can only make this stricter)
	COLUMNS=200 "$BIN/$tool" --help | awk 'length($0) > 80' >"$TMPD/wide"
	expect_empty "$tool: --help fits 80 columns" "$TMPD/wide"
done

# the FINDINGS sections are checked against the finding registry by
# tests/test-findings.c
finish
