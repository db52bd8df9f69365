#!/bin/sh
# A tool's --help and the OPTIONS of its man page say the same thing of
# each option, text for text, where both say it:
#  - the option line: short and long name and the argument, as --help
#    prints it ("-j, --jobs N") and as the man page's tag renders
#    ("-j N, --jobs N", the short option's argument dropped);
#  - the default: "(default 16)" in --help is "default 16" in the
#    paragraph of the man page.
# man-options.sh checks that both list the same options; the man page's
# prose says more than --help's line, so the rest of it is not compared.
. "$top_srcdir/tests/lib.sh"
need groff

# The option lines of --help: its left column, one line each.
help_lines() {
	"$BIN/$1" --help | awk '
		/^Options:/ { on = 1; next }
		on && /^$/ { exit }
		on && /^  (-[a-zA-Z0-9], )?--|^      --/ {
			s = $0; sub(/^ +/, "", s); sub(/  .*/, "", s); print s
		}'
}

# The man page's OPTIONS, rendered: "TAG<TAB>PARAGRAPH" per option.
man_entries() {
	groff -mdoc -Tutf8 -P-c -P-b -P-u -rLL=200n "$1" 2>/dev/null | awk '
		/^OPTIONS/ { on = 1; next }
		on && /^[A-Z]/ { exit }
		!on { next }
		/^     -/ {
			if (tag != "") print tag "\t" text
			s = $0; sub(/^ +/, "", s)
			tag = s; text = ""
			if (match(s, /  +/)) { tag = substr(s, 1, RSTART - 1); text = substr(s, RSTART + RLENGTH) }
			next
		}
		tag != "" { s = $0; sub(/^ +/, "", s); text = text " " s }
		END { if (tag != "") print tag "\t" text }' |
		sed 's/\xe2\x80\x90/-/g'
}

for tool in $(ls "$BIN" | grep -v -e '\.' -e '^lib'); do
	[ -x "$BIN/$tool" ] || continue
	man="$top_srcdir/man/$tool.1"
	[ -f "$man" ] || continue # man-options.sh fails for that
	help_lines "$tool" | sort -u >"$TMPD/help"
	man_entries "$man" >"$TMPD/entries"
	cut -f1 "$TMPD/entries" | sed -E 's/^(-[a-zA-Z0-9]) [^,]*, /\1, /' | sort -u >"$TMPD/man"
	# an empty list would agree with nothing: groff's output changed
	[ -s "$TMPD/man" ] || echo "(no option read from $tool.1)" >"$TMPD/man"
	expect_same "$tool: --help (<) and $tool.1 (>) write each option line the same" "$TMPD/help" "$TMPD/man"
	# the defaults --help states
	: >"$TMPD/defaults"
	COLUMNS=80 "$BIN/$tool" --help | awk '
		/^Options:/ { on = 1; next }
		on && /^$/ { exit }
		!on { next }
		/^  (-[a-zA-Z0-9], )?--|^      --/ {
			if (name != "") print name "\t" text
			s = $0; sub(/^ +/, "", s); name = s; sub(/ .*/, "", name); sub(/^-[a-zA-Z0-9], /, "", name)
			text = s; if (!match(s, /  +/)) text = ""; else text = substr(s, RSTART + RLENGTH)
			next
		}
		{ s = $0; sub(/^ +/, "", s); text = text " " s }
		END { if (name != "") print name "\t" text }' |
		while IFS="$(printf '\t')" read -r name text; do
			def=$(printf '%s\n' "$text" | sed -n 's/.*(default \([^);]*\)).*/\1/p')
			[ -n "$def" ] || continue
			entry=$(awk -F '\t' -v n="$name" '{ t = $1; sub(/^-[a-zA-Z0-9]( [^,]*)?, /, "", t); sub(/ .*/, "", t) } t == n { print $2 }' "$TMPD/entries")
			case "$entry" in
			*"default $def"*|*"default, $def,"*) ;;
			*) echo "$name: --help says default $def; $tool.1 says: $entry" >>"$TMPD/defaults" ;;
			esac
		done
	expect_empty "$tool: --help and $tool.1 give the same defaults" "$TMPD/defaults"
done
finish
