#!/bin/sh
# No import circles between libcore's modules (issue 23): a module (name.c
# + name.h) may include the headers of modules below it, never one that
# includes it back, however long the way round.  tests/include-graph.py
# finds the circles; it is first shown to find them in a made-up tree.
. "$top_srcdir/tests/lib.sh"

need python3
graph() {
	python3 "$top_srcdir/tests/include-graph.py" "$@" >"$out" 2>"$err"
	rc=$?
}

# a -> b -> c -> a through a header, d -> a outside it, e.c with no header
T="$TMPD/tree"
mkdir "$T"
printf '#include "config.h"\n#include "a.h"\n' >"$T/a.c"
printf '#include "b.h"\n#include <stdio.h>\n' >"$T/a.h"
printf '#include "b.h"\n#include "c.h"\n' >"$T/b.c"
: >"$T/b.h"
printf '  #  include "a.h"\n' >"$T/c.h"
printf '#include "a.h"\n' >"$T/d.h"
printf '#include "d.h"\n#include "missing.h"\n' >"$T/e.c"
graph "$T"
expect "a circle through three modules is found" 1 '^circle: a b c$'
checks=$((checks + 1))
if [ "$(grep -c '^circle:' "$out")" -eq 1 ] && grep -q '^  c -> a  (c\.h:1)$' "$out"; then
	echo "ok: only that circle, with the include line that closes it"
else
	fail "the made-up tree: one circle a b c expected, with c -> a (c.h:1)"
fi

rm "$T/c.h"
: >"$T/c.h"
graph "$T"
expect "no circle once c.h no longer includes a.h" 0
checks=$((checks + 1))
if [ ! -s "$out" ]; then echo "ok: nothing printed"; else fail "output without a circle"; fi

graph "$TMPD/nothing-here"
expect "a folder that is not there" 2 '' '^include-graph\.py: .*nothing-here: '

# the real tree: the graph is there (chain depends on cert), no circle
graph --edges "$top_srcdir/libcore"
expect "libcore's module graph is read" 0 '^chain -> cert$'
graph "$top_srcdir/libcore"
expect "no import circle between libcore modules" 0
finish
