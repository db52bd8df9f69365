#!/bin/sh
# certaudit --format nagios: the Nagios plugin API's status line (state,
# summary, perfdata by its grammar), long text and exit statuses 0-3 on
# the fixture trees: OK, WARNING, CRITICAL, UNKNOWN (nothing audited,
# a missing PATH, usage errors wherever --format is on the line), the
# days_left thresholds from the policy, and names with '|' or a newline.
. "$top_srcdir/tests/lib.sh"

A="$FX/audit"
OPTS="--no-system-trust --ca-file $FX/pki/root-ca.crt --at 2030-06-01 --policy $A/policy.conf --passwords $A/passwords.map"

# ---- the checker itself rejects what the grammar does not allow
for bad in "CERTAUDIT OK - x | days_left=5" "CERTAUDIT OK - x | 'a=b'=5" "CERTAUDIT OK - x | 'a'=five" \
	"CERTAUDIT OK - x | 'a'=5d" "CERTAUDIT OK - x | 'a'=5;1:2:3" "CERTAUDIT OK - x|y | 'a'=5" \
	"CERTAUDIT OK - x" "CERTAUDIT FINE - x | 'a'=5"; do
	printf '%s\n' "$bad" >"$out"
	: >"$err"
	rc=0
	checks=$((checks + 1))
	if ( failures=0; expect_nagios "bad" 0 CERTAUDIT OK >/dev/null; [ "$failures" -eq 0 ] ); then
		fail "the perfdata check took: $bad"
	else
		echo "ok: the check refuses: $bad"
	fi
done

# ---- states and exit statuses on the trees
# shellcheck disable=SC2086
run certaudit $OPTS --format nagios "$A/tree/good"
expect_nagios "good: OK" 0 CERTAUDIT OK
expect "good: summary" 0 "^CERTAUDIT OK - 3 files: 0 FAIL, 0 WARN, 3 OK \(0 errors, 0 warnings\); earliest expiry: CN=audit\.example\.test,O=chainkit tests in $A/tree/good/[a-z.]+ expires on 2030-12-31T00:00:00Z \(in 213 days\) \| "
expect "good: days_left with warn-days and expiry thresholds" 0 " 'days_left'=213;30:;0: 'files'=3;;;0 'ok'=3;;;0 'warn'=0;0;;0 'fail'=0;;0;0 'errors'=0;;;0 'warnings'=0;;;0 'not_audited'=0;;;0\$"
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 1 ]; then echo "ok: good: one line"; else fail "good: long text for an OK run"; fi

# shellcheck disable=SC2086
run certaudit $OPTS --format nagios "$A/tree/expiring"
expect_nagios "expiring: WARNING" 1 CERTAUDIT WARNING
expect "expiring: summary and days_left" 1 "^CERTAUDIT WARNING - 1 file: 0 FAIL, 1 WARN, 0 OK \(0 errors, 1 warning\); earliest expiry: CN=soon\.audit\.example\.test.* expires on 2030-06-20T00:00:00Z \(in 19 days\) \| 'days_left'=19;30:;0: "
expect "expiring: long text" 1 "^WARN $A/tree/expiring/soon\.pem: warning expires-soon \[0\]: CN=soon"

# shellcheck disable=SC2086
run certaudit $OPTS --format nagios "$A/tree"
expect_nagios "tree: CRITICAL" 2 CERTAUDIT CRITICAL
expect "tree: counts as the text totals" 2 "^CERTAUDIT CRITICAL - 16 files: 8 FAIL, 4 WARN, 4 OK \(8 errors, 5 warnings\); earliest expiry: CN=old\.audit\.example\.test,O=chainkit tests in $A/tree/expired/old\.pem expired on 2030-01-01T00:00:00Z \| 'days_left'=-152;30:;0: .* 'fail'=8;;0;0 .*'not_audited'=2;;;0\$"
expect "tree: a FAIL line" 2 "^FAIL $A/tree/bad/truncated\.pem: error corrupt: PEM block"
checks=$((checks + 1))
if [ "$(grep -c '^FAIL ' "$out")" -eq 8 ] && [ "$(grep -c '^WARN ' "$out")" -eq 5 ]; then
	echo "ok: tree: one line per error and warning"
else
	fail "tree: not 8 FAIL and 5 WARN lines"
fi
cp "$out" "$TMPD/tree-j"
# shellcheck disable=SC2086
run certaudit $OPTS -j 1 --format nagios "$A/tree"
checks=$((checks + 1))
if cmp -s "$out" "$TMPD/tree-j"; then echo "ok: the same bytes with -j 1"; else fail "-j 1 differs"; fi

# ---- the thresholds follow the policy
printf 'purpose = server\nseverity.expires-soon = error\n' >"$TMPD/strict.policy"
run certaudit --no-system-trust --ca-file "$FX/pki/root-ca.crt" --at 2030-06-01 --policy "$TMPD/strict.policy" \
	--format nagios "$A/tree/expiring"
expect_nagios "expires-soon as error: CRITICAL" 2 CERTAUDIT CRITICAL
expect "expires-soon as error: a critical threshold" 2 " 'days_left'=19;;30: "
printf 'purpose = server\nwarn-days = 10\n' >"$TMPD/short.policy"
run certaudit --no-system-trust --ca-file "$FX/pki/root-ca.crt" --at 2030-06-01 --policy "$TMPD/short.policy" \
	--format nagios "$A/tree/expiring"
expect_nagios "warn-days 10: OK" 0 CERTAUDIT OK
expect "warn-days 10: the threshold" 0 " 'days_left'=19;10:;0: "
printf 'severity.expires-soon = off\nseverity.expired = warning\n' >"$TMPD/lax.policy"
run certaudit --no-system-trust --ca-file "$FX/pki/root-ca.crt" --at 2030-06-01 --policy "$TMPD/lax.policy" \
	--format nagios "$A/tree/expired"
expect_nagios "expired as warning: WARNING" 1 CERTAUDIT WARNING
expect "expired as warning: its threshold" 1 " 'days_left'=-152;0:; "

# ---- UNKNOWN: nothing audited, a PATH that does not exist, usage errors
mkdir "$TMPD/empty"
echo "not a bundle" >"$TMPD/empty/notes.txt"
# shellcheck disable=SC2086
run certaudit $OPTS --format nagios "$TMPD/empty"
expect_nagios "nothing audited: UNKNOWN" 3 CERTAUDIT UNKNOWN
expect "nothing audited: says so" 3 "^CERTAUDIT UNKNOWN - no certificate bundle found \(1 other file not audited\) \| 'files'=0;;;0 "
# shellcheck disable=SC2086
run certaudit $OPTS --format nagios "$TMPD/no/such"
expect "missing PATH: UNKNOWN line" 3 "^CERTAUDIT UNKNOWN - $TMPD/no/such: No such file or directory\$" \
	"^certaudit: $TMPD/no/such: No such file or directory\$"
while IFS='|' read -r name args msg; do
	# shellcheck disable=SC2086
	run certaudit $args
	expect "usage: $name: UNKNOWN" 3 "^CERTAUDIT UNKNOWN - $msg" "^certaudit: $msg"
	checks=$((checks + 1))
	if [ "$(wc -l <"$out")" -eq 1 ]; then echo "ok: usage: $name: one line"; else fail "usage: $name: not one line"; fi
done <<EOF
--jobs x after --format|--format nagios --jobs x $A/tree/good|--jobs takes a number from 1 to 256, not 'x'
--jobs x before --format|--jobs x --format=nagios $A/tree/good|--jobs takes a number from 1 to 256, not 'x'
unknown option|--frobnicate --format nagios $A/tree/good|unrecognized option '--frobnicate'
--format abbreviated|--frobnicate --form nagios $A/tree/good|unrecognized option '--frobnicate'
--format= abbreviated|--form=nagios --frobnicate $A/tree/good|unrecognized option '--frobnicate'
no PATH|--format nagios|no PATH to audit
--jsonl|--format nagios --jsonl $A/tree/good|use only one of --jsonl and --format nagios
EOF
# the last --format counts: json's usage errors stay 2
run certaudit --format nagios --format json --jobs x "$A/tree/good"
expect "--format json last: exit 2" 2 '' "not 'x'"
checks=$((checks + 1))
if [ -s "$out" ]; then fail "--format json last: a status line"; else echo "ok: --format json last: no status line"; fi
# a --junit file that exists (exit 2 otherwise)
: >"$TMPD/junit.xml"
# shellcheck disable=SC2086
run certaudit $OPTS --format nagios --junit "$TMPD/junit.xml" "$A/tree/good"
expect "existing --junit: UNKNOWN" 3 "^CERTAUDIT UNKNOWN - $TMPD/junit\.xml: "

# ---- text from file names: no '|', no line break
mkdir "$TMPD/odd"
cp "$A/tree/expired/old.pem" "$TMPD/odd/a|b
c.pem"
# shellcheck disable=SC2086
run certaudit $OPTS --format nagios "$TMPD/odd"
expect_nagios "odd name: CRITICAL" 2 CERTAUDIT CRITICAL
expect "odd name: '?' for '|' and the newline" 2 "in $TMPD/odd/a\?b\?c\.pem expired on "
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 2 ]; then echo "ok: odd name: two lines"; else fail "odd name: the name broke a line"; fi

finish
