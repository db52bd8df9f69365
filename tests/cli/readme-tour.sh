#!/bin/sh
# README.md's tour runs as written: every block after a "<!-- tour: ... -->"
# comment is run, command by command, from the source directory with the
# built tools first in PATH.  Each command must finish (exit status 0, or
# 1 for "problems found", which the tour shows on purpose), what the tour
# says it writes must be there, and nothing may be written into the
# source tree.  The README's advice on a second pfx2pem --split is
# checked too.
. "$top_srcdir/tests/lib.sh"
need awk find
README="$top_srcdir/README.md"

# the blocks, one logical command (continuation lines joined) per line
awk '
	/^<!-- tour:/ { want = 1; next }
	want && /^```sh$/ { inblock = 1; want = 0; next }
	inblock && /^```$/ { inblock = 0; next }
	inblock {
		if ($0 ~ /^[ \t]*#/ || $0 ~ /^[ \t]*$/) next
		if (sub(/\\$/, "")) { cmd = cmd $0; next }
		print cmd $0
		cmd = ""
	}
' "$README" >"$TMPD/commands"
checks=$((checks + 1))
n=$(wc -l <"$TMPD/commands")
if [ "$n" -ge 7 ]; then echo "ok: $n tour commands found"; else fail "only $n tour commands found in README.md"; fi

# one script: each command in its own group, its status recorded
{
	echo 'set -u'
	i=0
	while IFS= read -r cmd; do
		i=$((i + 1))
		printf '{\n%s\n} >"$TMPD/cmd%d.out" 2>"$TMPD/cmd%d.err" </dev/null\necho "$? %d" >>"$TMPD/status"\n' \
			"$cmd" "$i" "$i" "$i"
	done <"$TMPD/commands"
	echo 'printf "%s\n%s\n" "${reports:-}" "${out:-}" >"$TMPD/dirs"'
} >"$TMPD/tour.sh"

touch "$TMPD/stamp"
sleep 1
(cd "$top_srcdir" && PATH="$BIN:$PATH" TMPDIR="$TMPD" TMPD="$TMPD" sh "$TMPD/tour.sh")
i=0
while IFS= read -r cmd; do
	i=$((i + 1))
	st=$(awk -v i="$i" '$2 == i { print $1 }' "$TMPD/status")
	checks=$((checks + 1))
	case $st in
	0 | 1) echo "ok: exit $st: $cmd" ;;
	*) fail "exit ${st:-none}: $cmd: $(head -2 "$TMPD/cmd$i.err")" ;;
	esac
done <"$TMPD/commands"

# what the tour says it writes
reports=$(sed -n 1p "$TMPD/dirs")
outdir=$(sed -n 2p "$TMPD/dirs")
for f in "$reports/audit.xml" "$reports/audit.sarif" "$outdir/demo-split/cert.pem" \
	"$outdir/demo-split/key.pem" "$outdir/client-legacy.pfx"; do
	checks=$((checks + 1))
	case $f in
	"$TMPD"/*) ;;
	*) fail "$f: not in the temporary directory"; continue ;;
	esac
	if [ -s "$f" ]; then echo "ok: written: ${f#"$TMPD"/}"; else fail "not written: $f"; fi
done
run chainview --no-system-trust --ca-file "$FX/pki/root-ca.crt" --password pick-a-password "$outdir/client-legacy.pfx"
expect "the PFX is protected by PFX_PASS, as the tour sets it" 0 'PKCS#12, 2 certificates'

# nothing written into the source tree (the build directory aside: find
# names it as reached from the source tree, e.g. SRC/build/../build for
# a build configured with ../configure, so both are resolved first)
checks=$((checks + 1))
src_real=$(cd "$top_srcdir" && pwd -P)
build_real=$(cd "$top_builddir" && pwd -P)
new=$(find "$src_real" -path "$build_real" -prune -o -newer "$TMPD/stamp" -type f -print 2>/dev/null |
	grep -v -e '\.log$' -e '\.trs$' | head -5)
if [ -z "$new" ]; then echo "ok: nothing written into the source tree"; else fail "written into the source tree: $new"; fi

# the README's word on a second --split: exit 2, and --force replaces
run pfx2pem --password demo --split "$outdir/demo-split" "$FX/demo/client.pfx"
expect "a second --split without --force" 2 '' 'file exists \(use --force to replace it\)'
run pfx2pem --password demo --split "$outdir/demo-split" --force "$FX/demo/client.pfx"
expect "a second --split with --force" 0
finish
