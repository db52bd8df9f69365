#!/bin/sh
# How certaudit walks: which files it audits (names, content, --include,
# --exclude), symbolic links inside and out of the trees (--follow), link
# loops, FIFOs, nested and repeated PATHs, standard input.
. "$top_srcdir/tests/lib.sh"
need jq

GOOD="$FX/audit/tree/good/server.pem"
OPTS="--no-system-trust --ca-file $FX/pki/root-ca.crt --at 2030-06-01 --jsonl"
W="$TMPD/w"
OUT="$TMPD/outside"
mkdir -p "$W/a/b" "$W/c" "$OUT/d"
for f in a/one.pem a/b/two.crt c/three.CER a/four.cert; do cp "$GOOD" "$W/$f"; done
cp "$FX/pki/client.der" "$W/a/five.der"
cp "$FX/p12/modern.pfx" "$W/c/p.pfx"
cp "$FX/p12/modern.pfx" "$W/c/p.p12"
cp "$FX/bundles/client-chain.p7b" "$W/c/chain.p7b"
cp "$FX/bundles/client-chain.p7c" "$W/c/chain.p7c"
cp "$GOOD" "$W/c/no-extension"
cp "$FX/bundles/client.b64" "$W/c/client.b64"
cp "$FX/bundles/key-pkcs8.pem" "$W/c/key-only.key"
echo "just text" >"$W/c/readme.md"
cp "$GOOD" "$OUT/outside.pem"
cp "$GOOD" "$OUT/d/deep.pem"

# paths SORTED, one per line, of the files the last run audited
audited() { jq -r 'select(.path) | .path | sub("^'"$TMPD"'/"; "")' "$out" | tr '\n' ' ' | sed 's/ $//'; }
expect_audited() { # NAME "path path ..."
	checks=$((checks + 1))
	got=$(audited)
	if [ "$got" = "$2" ]; then echo "ok: $1"; else fail "$1: audited '$got', expected '$2'"; fi
}

# ---- by name and by content
run certaudit $OPTS --password test "$W"
expect "walk" 1
expect_audited "bundle names (any case) and PEM content" \
	"w/a/b/two.crt w/a/five.der w/a/four.cert w/a/one.pem w/c/chain.p7b w/c/chain.p7c w/c/no-extension w/c/p.p12 w/c/p.pfx w/c/three.CER"
expect_json "not audited: base64 without a bundle name, a key, a README" 'select(.totals) | .totals.not_audited' 3

# ---- --include replaces the name and content rules; --exclude prunes
run certaudit $OPTS --include '*.b64' --include '*.key' "$W"
expect_audited "--include" "w/c/client.b64 w/c/key-only.key"
run certaudit $OPTS --password test --exclude 'b' --exclude '*.p7?' --exclude 'c/p.*' "$W"
expect_audited "--exclude: a directory name, name globs, a path inside the tree" \
	"w/a/five.der w/a/four.cert w/a/one.pem w/c/no-extension w/c/three.CER"
run certaudit $OPTS --exclude '*/a/*' "$W/c/three.CER" "$W"
expect_audited "--exclude: a path glob; a PATH given is always audited" \
	"w/c/chain.p7b w/c/chain.p7c w/c/no-extension w/c/p.p12 w/c/p.pfx w/c/three.CER"
run certaudit $OPTS --include '*.md' --exclude 'readme*' "$W"
expect_audited "--exclude wins over --include" ""
expect "nothing audited: exit 0" 0

# ---- symbolic links
L="$TMPD/l"
mkdir -p "$L/sub"
cp "$GOOD" "$L/sub/real.pem"
ln -s sub/real.pem "$L/inside-link.pem"         # inside: followed
ln -s "$OUT/outside.pem" "$L/outside-link.pem"  # out of the tree: not followed
ln -s "$OUT/d" "$L/outside-dir"                 # a directory out of the tree
ln -s .. "$L/sub/loop"                          # a loop
ln -s sub "$L/sub-again"                        # the same directory again
run certaudit $OPTS "$L"
expect "links" 0
expect_audited "links inside the tree are followed, each directory walked once" \
	"l/inside-link.pem l/sub/real.pem"
expect_json "links out of the tree are counted" 'select(.totals) | .totals.symlinks_not_followed' 2
run certaudit --no-system-trust --ca-file "$FX/pki/root-ca.crt" --at 2030-06-01 "$L"
expect "text says so" 0 '^2 symbolic links leading out of the trees not followed \(see --follow\)$'
run certaudit $OPTS --follow "$L"
expect "--follow" 0
expect_audited "--follow: out of the tree too; the loop ends" \
	"l/inside-link.pem l/outside-dir/deep.pem l/outside-link.pem l/sub/real.pem"
expect_json "--follow: nothing left unfollowed" 'select(.totals) | .totals.symlinks_not_followed' 0
# a link loop with --follow and a self-loop: the run ends
ln -s selfloop "$L/selfloop.pem"
ln -s "$L" "$OUT/d/back"
run certaudit $OPTS --follow "$L"
expect "--follow with loops ends" 1
expect_json "a link to itself is unreadable" 'select((.path // "") | endswith("selfloop.pem")) | .findings[0].code' unreadable
# a PATH that is a link is followed
ln -s "$OUT" "$TMPD/link-to-outside"
run certaudit $OPTS "$TMPD/link-to-outside"
expect_audited "a PATH that is a link" "link-to-outside/d/deep.pem link-to-outside/outside.pem"

# ---- FIFOs and other special files are not read (no hang)
if mkfifo "$TMPD/f/fifo.pem" 2>/dev/null || { mkdir -p "$TMPD/f" && mkfifo "$TMPD/f/fifo.pem"; }; then
	cp "$GOOD" "$TMPD/f/ok.pem"
	CK_TEST_TIMEOUT=30 run certaudit $OPTS "$TMPD/f"
	expect "a FIFO in a tree is skipped" 0
	expect_audited "only the file" "f/ok.pem"
fi

# ---- nested and repeated PATHs: each file once
run certaudit $OPTS "$W/a" "$W/a/b" "$W/a/one.pem" "$W/a"
expect_audited "nested and repeated PATHs" "w/a/b/two.crt w/a/five.der w/a/four.cert w/a/one.pem"

# ---- '-' is standard input
run_stdin "$GOOD" certaudit $OPTS -
expect "stdin" 0
expect_json "stdin: path" 'select(.path) | .path + " " + .verdict' "- ok"

# ---- many files: every one, in order, with 4 workers
M="$TMPD/many"
mkdir -p "$M"
i=0
while [ $i -lt 300 ]; do
	d="$M/$((i % 7))"
	mkdir -p "$d"
	if [ $((i % 5)) -eq 0 ]; then cp "$FX/audit/tree/expired/old.pem" "$d/f$i.pem"; else cp "$GOOD" "$d/f$i.pem"; fi
	i=$((i + 1))
done
run certaudit $OPTS -j 4 "$M"
expect "300 files" 1
expect_json "300 files: totals" 'select(.totals) | [.totals.files, .totals.ok, .totals.fail] | join(" ")' "300 240 60"
checks=$((checks + 1))
if [ "$(jq -r 'select(.path) | .path' "$out")" = "$(jq -r 'select(.path) | .path' "$out" | LC_ALL=C sort)" ]; then
	echo "ok: 300 files in path order"
else
	fail "300 files not in path order"
fi

# --- the tree changes between the walk and the reading: what is opened
# is held to the walk's rules again (no link followed where the walk
# found none, only regular files, nothing outside the PATHs), and a FIFO
# put in a file's place is refused, never waited on.  Deterministic: the
# first file (by path) is an explicit FIFO, the gate; certaudit -j 1
# reads it after the walk, and the writer opens it only then (its open
# waits for certaudit's), changes the tree, and lets certaudit go on.
R="$TMPD/race"
mkdir -p "$R/tree/sub" "$R/away/sub"
for f in b-link.pem c-fifo.pem d-inside-link.pem sub/e.pem z-kept.pem; do cp "$GOOD" "$R/tree/$f"; done
cp "$GOOD" "$R/away/sub/e.pem"
cp "$FX/audit/tree/expired/old.pem" "$R/away/elsewhere.pem"
mkfifo "$R/a-gate"
# shellcheck disable=SC2016
timeout 60 sh -c 'exec 4>"$1/a-gate"; : >"$1/gate-open"
	while [ ! -e "$1/changed" ]; do sleep 0.1; done
	cat "$2" >&4' gate "$R" "$GOOD" &
writer=$!
# shellcheck disable=SC2086
timeout "${CK_TEST_TIMEOUT:-120}" ${CK_WRAPPER:-} "$BIN/certaudit" $OPTS -j 1 "$R/a-gate" "$R/tree" \
	>"$out" 2>"$err" </dev/null &
auditor=$!
i=0
while [ ! -e "$R/gate-open" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
rm "$R/tree/b-link.pem" && ln -s ../away/elsewhere.pem "$R/tree/b-link.pem"
rm "$R/tree/c-fifo.pem" && mkfifo "$R/tree/c-fifo.pem"
rm "$R/tree/d-inside-link.pem" && ln -s z-kept.pem "$R/tree/d-inside-link.pem"
mv "$R/tree/sub" "$R/tree/sub.old" && ln -s ../away/sub "$R/tree/sub"
: >"$R/changed"
wait $auditor
rc=$?
wait $writer
expect "changed after the walk: FAIL, no hang" 1
race() { # NAME FILE WANT: the first finding of FILE
	expect_json "$1" "select(.path == \"$R/tree/$2\") | .findings[0].code + \": \" + .findings[0].message" "$3"
}
race "swapped for a link: not followed" b-link.pem \
	"unreadable: a symbolic link now (it changed after the walk): not followed"
race "swapped for a FIFO: not read, not waited on" c-fifo.pem \
	"unreadable: a FIFO now (it changed after the walk): not read"
race "swapped for a link inside the tree: not followed either" d-inside-link.pem \
	"unreadable: a symbolic link now (it changed after the walk): not followed"
race "its directory swapped for a link out of the PATHs: not read" sub/e.pem \
	"unreadable: leads out of the PATHs given now (it changed after the walk): not read"
expect_json "the gate itself was audited" "select(.path == \"$R/a-gate\") | .verdict" ok
expect_json "an unchanged file is still audited" "select(.path == \"$R/tree/z-kept.pem\") | .verdict" ok
finish
