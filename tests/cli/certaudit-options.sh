#!/bin/sh
# certaudit's options and its own inputs: usage errors (2), unreadable or
# malformed PATHs, policies, password maps and files (3), --print-policy and
# the policy format, exit 0 with warnings, colour, the progress line on a
# terminal only, and no password prompt even on a terminal.
. "$top_srcdir/tests/lib.sh"

A="$FX/audit"
GOOD="$A/tree/good/server.pem"
OPTS="--no-system-trust --ca-file $FX/pki/root-ca.crt --at 2030-06-01"
TRY="Try 'certaudit --help' for more information."

# ---- usage errors: exit 2, one message and the hint
while IFS='|' read -r name args msg; do
	# shellcheck disable=SC2086
	run certaudit $args
	expect "usage: $name" 2 '' "$msg"
	expect "usage: $name: hint" 2 '' "^$TRY\$"
done <<EOF
no PATH|--no-system-trust|^certaudit: no PATH to audit\$
--print-policy with a PATH|--print-policy $GOOD|--print-policy takes no PATH
--jobs 0|-j 0 $GOOD|--jobs takes a number from 1 to 256, not '0'
--jobs 257|--jobs 257 $GOOD|--jobs takes a number from 1 to 256, not '257'
--jobs x|--jobs x $GOOD|not 'x'
--junit -|--junit - $GOOD|--junit needs a file name
--sarif -|--sarif - $GOOD|--sarif needs a file name
--include empty|--include= $GOOD|--include needs a glob
unknown option|--frobnicate $GOOD|unrecognized option '--frobnicate'
--at|--at tomorrow $GOOD|--at takes a time
--format|--format yaml $GOOD|--format takes text, json, xml, openmetrics or nagios, not 'yaml'
two password options|--password a --password-file $A/passwords/good.pass $GOOD|use only one of
--junit and --sarif one file|--junit $TMPD/report --sarif $TMPD/./report $GOOD|^certaudit: --junit and --sarif name the same file\$
the same, with --force|--force --junit $TMPD/report --sarif $TMPD/report $GOOD|^certaudit: --junit and --sarif name the same file\$
EOF
checks=$((checks + 1))
if [ -e "$TMPD/report" ]; then fail "--junit and --sarif one file: a report was written"; else echo "ok: --junit and --sarif one file: nothing written"; fi

# ---- the command's own inputs: exit 3, nothing audited
run certaudit $OPTS "$GOOD" "$TMPD/no/such/path" "$A/tree/good"
expect "missing PATH" 3 '' "^certaudit: $TMPD/no/such/path: No such file or directory\$"
expect_one_line_error "missing PATH"
checks=$((checks + 1))
if [ -s "$out" ]; then fail "missing PATH: files were audited"; else echo "ok: missing PATH: nothing audited"; fi

run certaudit $OPTS --policy "$TMPD/none.policy" "$GOOD"
expect "missing --policy" 3 '' "^certaudit: $TMPD/none.policy: cannot open: No such file or directory\$"
printf 'warn-days = 10\nmax-leaf-days = 5\n' >"$TMPD/bad.policy"
run certaudit $OPTS --policy "$TMPD/bad.policy" "$GOOD"
expect "bad --policy" 3 '' "^certaudit: $TMPD/bad.policy: line 2: unknown key 'max-leaf-days'\$"
expect_one_line_error "bad --policy"
printf 'severity.expired = fatal\n' >"$TMPD/bad2.policy"
run certaudit --policy "$TMPD/bad2.policy" --print-policy
expect "bad level" 3 '' "line 1: severity.expired takes error, warning, info or off, not 'fatal'"

run certaudit $OPTS --passwords "$TMPD/none.map" "$GOOD"
expect "missing --passwords" 3 '' "^certaudit: $TMPD/none.map: cannot open: No such file or directory\$"
printf '*.pfx passwords/good.pass\n' >"$TMPD/space.map"
run certaudit $OPTS --passwords "$TMPD/space.map" "$GOOD"
expect "map line without a tab" 3 '' "^certaudit: $TMPD/space.map: line 1: expected GLOB<TAB>PASSWORD-FILE\$"
printf '# comment\n\n*.pfx\t\n' >"$TMPD/nofile.map"
run certaudit $OPTS --passwords "$TMPD/nofile.map" "$GOOD"
expect "map line without a password file" 3 '' "line 3: the password file is missing"
printf '*.pfx\tno-such.pass\n' >"$TMPD/missing.map"
run certaudit $OPTS --passwords "$TMPD/missing.map" "$GOOD"
expect "map: password file missing" 3 '' "^certaudit: $TMPD/no-such.pass: cannot read the password file: cannot open: No such file or directory\$"
printf 'te\000st\n' >"$TMPD/nul.pass"
printf '*.pfx\tnul.pass\n' >"$TMPD/nul.map"
run certaudit $OPTS --passwords "$TMPD/nul.map" "$GOOD"
expect "map: a NUL byte in a password file" 2 '' "^certaudit: $TMPD/nul.pass: the password holds a NUL byte: refused"
expect_one_line_error "map: a NUL byte in a password file"
run certaudit $OPTS --password-file "$TMPD/nul.pass" "$GOOD"
expect "a NUL byte in --password-file" 2 '' "^certaudit: $TMPD/nul.pass: the password holds a NUL byte: refused"
run certaudit $OPTS --password-file "$TMPD/none.pass" "$GOOD"
expect "missing --password-file" 3 '' 'cannot read the password file'
run certaudit --ca-file "$TMPD/none.pem" "$GOOD"
expect "missing --ca-file" 3 '' "^certaudit: $TMPD/none.pem: "

# ---- --print-policy: the format, complete, parses back, edits apply
run certaudit --print-policy
expect "--print-policy" 0 '^warn-days = 30$'
expect "--print-policy: a severity" 0 '^severity\.expired = error +# '
cp "$out" "$TMPD/default.policy"
run certaudit --policy "$TMPD/default.policy" --print-policy
checks=$((checks + 1))
if cmp -s "$out" "$TMPD/default.policy"; then echo "ok: printed policy parses back to itself"; else fail "printed policy does not round-trip"; fi
sed -e 's/^warn-days = 30/warn-days = 20/' -e 's/^severity\.expires-soon = warning/severity.expires-soon = error/' \
	"$TMPD/default.policy" >"$TMPD/edited.policy"
run certaudit --policy "$TMPD/edited.policy" --print-policy
expect "edited policy printed" 0 '^severity\.expires-soon = error '
run certaudit $OPTS --policy "$TMPD/edited.policy" "$A/tree/expiring/soon.pem"
expect "edited policy applies: 19 days left is now an error" 1 'error   expires-soon'
printf 'warn-days = 10   # fewer\n' >"$TMPD/ten.policy"
run certaudit $OPTS --policy "$TMPD/ten.policy" "$A/tree/expiring/soon.pem"
expect "partial policy: the rest stays" 0 '^OK    '

# every finding code of the policy is documented in certaudit(1)
"$BIN/certaudit" --print-policy | sed -n 's/^severity\.\([a-z0-9-]*\) = .*/\1/p' >"$TMPD/codes"
while read -r code; do
	checks=$((checks + 1))
	if grep -qE "^\.It Cm $code\$" "$top_srcdir/man/certaudit.1"; then
		echo "ok: $code documented"
	else
		rc=1; : >"$out"; : >"$err"
		fail "finding code $code is not in certaudit(1)"
	fi
done <"$TMPD/codes"
for key in warn-days min-rsa-bits min-dsa-bits min-ec-bits forbidden-hashes purpose max-leaf-validity-days \
	next-update-warn-hours; do
	checks=$((checks + 1))
	if grep -qE "^\.It Cm $key No = " "$top_srcdir/man/certaudit.1"; then echo "ok: $key documented"; else rc=1; fail "policy key $key is not in certaudit(1)"; fi
done

# ---- exit status: warnings pass, errors fail
run certaudit $OPTS "$A/tree/expiring/soon.pem" "$GOOD"
expect "warnings only: exit 0" 0 '^WARN  '
run certaudit $OPTS -q "$GOOD"
expect "-q, all OK: the totals only" 0 '^1 file: 1 ok, 0 warn, 0 fail'
checks=$((checks + 1))
if grep -q '^OK ' "$out"; then fail "-q printed an OK file"; else echo "ok: -q"; fi
run certaudit $OPTS "$A/tree/expired/old.pem" "$GOOD"
expect "an error: exit 1" 1 '^FAIL  '

# ---- colour
run certaudit $OPTS --color always "$A/tree/expired/old.pem"
checks=$((checks + 1))
if grep -q "$(printf '\033')\[" "$out"; then echo "ok: --color always"; else fail "--color always gave no colour"; fi
run certaudit $OPTS "$A/tree/expired/old.pem"
checks=$((checks + 1))
if grep -q "$(printf '\033')" "$out"; then fail "colour without a terminal"; else echo "ok: no colour by default"; fi

# ---- on a terminal: a progress line on stderr, and never a password prompt
if command -v script >/dev/null 2>&1; then
	timeout 60 script -qec "'$BIN/certaudit' $OPTS -j 2 '$A/tree' >'$TMPD/tty.out'" /dev/null >"$out" 2>"$err" </dev/null
	rc=$?
	expect "terminal: the audit ran" 1
	expect "terminal: progress on stderr" 1 'certaudit: \[[#.]{30}\] [0-9]+/18 files'
	expect "terminal: the line is cleared at the end" 1 "$(printf '\r\033')\\[K"
	checks=$((checks + 1))
	if grep -q 'files' "$TMPD/tty.out"; then
		if grep -q '\[#' "$TMPD/tty.out"; then fail "progress went to stdout"; else echo "ok: stdout has no progress"; fi
	else
		fail "terminal: no output"
	fi
	# TERM=dumb: no progress line, not even the sequence that clears one
	TERM=dumb timeout 60 script -qec "'$BIN/certaudit' $OPTS -j 2 '$A/tree' >'$TMPD/tty.out'" /dev/null >"$out" 2>"$err" </dev/null
	rc=$?
	expect "TERM=dumb: the audit ran" 1
	checks=$((checks + 1))
	if grep -q "$(printf '\033')\\[K\\|\\[[#.]\\{30\\}\\]" "$out"; then
		fail "TERM=dumb: a progress line was drawn"
	else
		echo "ok: TERM=dumb: no progress line"
	fi
	# a PFX without its password, on a terminal: reported, not asked for
	printf 'x\nx\nx\n' | timeout 60 script -qec "'$BIN/certaudit' $OPTS '$A/tree/good/server.pfx'" /dev/null >"$out" 2>"$err"
	rc=$?
	expect "terminal: no prompt, password-required" 1 'password-required'
	checks=$((checks + 1))
	if grep -q 'Password for' "$out"; then fail "terminal: a password was asked for"; else echo "ok: terminal: never prompts"; fi
else
	echo "SKIP (part): script(1) is not installed; the terminal cases are not tested"
fi

# ---- an unreadable directory PATH (3): as root, run as nobody, with
# everything it reads in $TMPD (lib.sh's unpriv_setup); last, since it may skip
unpriv_setup certaudit || skip "$unpriv_why"
unpriv_copy "$FX/pki/root-ca.crt" "$TMPD/root-ca.crt"
mkdir "$TMPD/closed"
chmod 000 "$TMPD/closed"
run_unpriv certaudit --no-system-trust --ca-file "$TMPD/root-ca.crt" --at 2030-06-01 "$TMPD/closed"
chmod 755 "$TMPD/closed"
expect "unreadable directory PATH" 3 '' "^certaudit: $TMPD/closed: cannot open the directory: Permission denied\$"
finish
