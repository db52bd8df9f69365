#!/bin/sh
# contrib/prometheus: the alert rules load (promtool check rules), fire as
# chainkit.rules.test.yml expects (promtool test rules: expiring in 28 and
# 14 days, chain incomplete, not valid, URL down, audit stale), and name
# only metrics certaudit writes; the systemd units name the script and
# the directory they should.
. "$top_srcdir/tests/lib.sh"
need promtool

C="$top_srcdir/contrib/prometheus"
# promtool resolves rule_files against the test file's directory; a copy
# keeps the source tree read-only (distcheck)
cp "$C/chainkit.rules.yml" "$C/chainkit.rules.test.yml" "$TMPD/"
checks=$((checks + 1))
if promtool check rules "$TMPD/chainkit.rules.yml" >"$out" 2>"$err"; then
	echo "ok: promtool check rules"
else
	rc=$?; fail "promtool check rules"
fi
checks=$((checks + 1))
if (cd "$TMPD" && promtool test rules chainkit.rules.test.yml) >"$out" 2>"$err"; then
	echo "ok: promtool test rules"
else
	rc=$?; fail "promtool test rules"
fi
# a rule that no longer matches what it tests makes promtool fail: the
# test can fail (a certificate with 28 days less one second left alerts)
sed 's/2419800x20/2419799x20/' "$C/chainkit.rules.test.yml" >"$TMPD/chainkit.rules.test.yml"
checks=$((checks + 1))
if (cd "$TMPD" && promtool test rules chainkit.rules.test.yml) >"$out" 2>"$err"; then
	rc=0; fail "promtool test rules passes a test that expects no alert where one fires"
else
	echo "ok: promtool test rules fails on an unexpected alert"
fi

# every metric the rules and their test name is one certaudit writes
run certaudit --no-system-trust --ca-file "$FX/pki/root-ca.crt" --at 2030-06-01 --format openmetrics \
	"$FX/audit/tree/good/server.pem"
expect "certaudit --format openmetrics" 0 '^# EOF$'
sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$out" | sort >"$TMPD/written"
# the URL families appear with --network only (their names are in the man page)
printf 'chainkit_url_latency_seconds\nchainkit_url_up\n' >>"$TMPD/written"
grep -oh 'chainkit_[a-z_]*' "$C/chainkit.rules.yml" "$C/chainkit.rules.test.yml" | sort -u >"$TMPD/named"
checks=$((checks + 1))
missing=$(sort -u "$TMPD/written" | comm -13 - "$TMPD/named")
if [ -z "$missing" ]; then
	echo "ok: the rules name only metrics certaudit writes"
else
	fail "the rules name metrics certaudit does not write: $missing"
fi
checks=$((checks + 1))
if grep -q '^chainkit_url_up$' "$TMPD/named" && grep -q 'chainkit_url_up' "$top_srcdir/man/certaudit.1" &&
	grep -q 'chainkit_url_latency_seconds' "$top_srcdir/man/certaudit.1"; then
	echo "ok: the URL metrics are in the man page"
else
	fail "the URL metrics are not documented"
fi

# the units: the service runs the script on the textfile directory it
# may write to; the timer starts it
checks=$((checks + 1))
S="$C/chainkit-certaudit.service"
# shellcheck disable=SC2016 # the unit's own variables, literally
if grep -q '^ExecStart=/usr/local/libexec/chainkit/certaudit-textfile \${TEXTFILE_DIR} \$CERTAUDIT_ARGS$' "$S" &&
	[ "$(sed -n 's/^Environment=TEXTFILE_DIR=//p' "$S")" = "$(sed -n 's/^ReadWritePaths=//p' "$S")" ] &&
	grep -q '^Type=oneshot$' "$S" && grep -q '^OnCalendar=' "$C/chainkit-certaudit.timer" &&
	grep -q '^WantedBy=timers.target$' "$C/chainkit-certaudit.timer"; then
	echo "ok: service and timer"
else
	fail "the systemd units"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify needs the ExecStart program: a copy of the units that runs
	# the script from the source tree
	mkdir -p "$TMPD/units"
	sed "s|/usr/local/libexec/chainkit/certaudit-textfile|$(cd "$C" && pwd)/certaudit-textfile|" "$S" >"$TMPD/units/chainkit-certaudit.service"
	cp "$C/chainkit-certaudit.timer" "$TMPD/units/"
	checks=$((checks + 1))
	if SYSTEMD_LOG_LEVEL=err systemd-analyze verify --man=no "$TMPD/units/chainkit-certaudit.timer" \
		"$TMPD/units/chainkit-certaudit.service" >"$out" 2>"$err" && ! grep -q . "$err"; then
		echo "ok: systemd-analyze verify"
	else
		rc=$?; fail "systemd-analyze verify"
	fi
fi
finish
