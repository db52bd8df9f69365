#!/bin/sh
# certaudit --format openmetrics on the audit fixtures: values checked
# against the certificates (openssl) and the JSON Lines, label values
# escaped, each family's samples together under its # HELP and # TYPE
# with one set of label names, # EOF last, the same bytes for -j 1 and
# -j 4, the exit status of the other formats; promtool check metrics
# accepts it (Prometheus' own parser and linter).
. "$top_srcdir/tests/lib.sh"
need jq openssl

A="$FX/audit"
T="$TMPD/certs"
cp -R "$A/tree" "$T"
# a name with a double quote, a backslash and a line feed
NL='
'
cp "$A/tree/good/server.pem" "$T/good/q\"b\\s${NL}nl.pem"
COMMON="--no-system-trust --ca-file $FX/pki/root-ca.crt --at 2030-06-01 --policy $A/policy.conf --passwords $A/passwords.map"

# shellcheck disable=SC2086
run certaudit $COMMON --format openmetrics -j 1 "$T"
expect "openmetrics: a file FAILs, exit 1 as with text" 1 '^chainkit_file_verdict'
M="$TMPD/metrics"
cp "$out" "$M"
# shellcheck disable=SC2086
run certaudit $COMMON --format openmetrics -j 4 "$T"
checks=$((checks + 1))
if cmp -s "$M" "$out"; then echo "ok: -j 1 = -j 4"; else fail "-j 1 and -j 4 differ"; fi
# the same with --junit and --sarif, which keep the documents without
# their report
# shellcheck disable=SC2086
run certaudit $COMMON --format openmetrics --junit "$TMPD/junit.xml" --sarif "$TMPD/sarif.json" "$T"
checks=$((checks + 1))
if cmp -s "$M" "$out" && [ -s "$TMPD/junit.xml" ] && [ -s "$TMPD/sarif.json" ]; then
	echo "ok: the same with --junit and --sarif"
else
	fail "--junit and --sarif change the metrics"
fi
# shellcheck disable=SC2086
run certaudit $COMMON --jsonl "$T"
J="$TMPD/jsonl"
cp "$out" "$J"

epoch() { date -u -d "$1" +%s; }

# ---- values
leaf_end=$(openssl x509 -in "$A/tree/good/server.pem" -noout -enddate | sed 's/notAfter=//')
leaf_start=$(openssl x509 -in "$A/tree/good/server.pem" -noout -startdate | sed 's/notBefore=//')
sha=$(openssl x509 -in "$A/tree/good/server.pem" -outform DER | openssl dgst -sha256 -r | cut -c1-64)
serial=$(openssl x509 -in "$A/tree/good/server.pem" -noout -serial | sed 's/serial=//' | tr 'A-F' 'a-f')
subj='CN=audit.example.test,O=chainkit tests'
iss='CN=chainkit Issuing CA 1,O=chainkit tests'
L="{file=\"$T/good/server.pem\",subject=\"$subj\",issuer=\"$iss\",serial=\"$serial\",role=\"leaf\",sha256=\"$sha\"}"
expect_metric "not_after = the leaf's notAfter (openssl)" "chainkit_certificate_not_after_timestamp_seconds$L " "$(epoch "$leaf_end")"
expect_metric "not_before = the leaf's notBefore" "chainkit_certificate_not_before_timestamp_seconds$L " "$(epoch "$leaf_start")"
expect_metric "remaining = notAfter - --at" "chainkit_certificate_remaining_seconds$L " \
	"$(($(epoch "$leaf_end") - $(epoch 2030-06-01)))"
# the expiring leaf: the same time left as the JSON's days_left says
soon=$(jq -r --arg p "$T/expiring/soon.pem" 'select(.path == $p) | .report.certificates[0] | "\(.days_left) \(.not_after)"' "$J")
checks=$((checks + 1))
rem=$(metric_lines "chainkit_certificate_remaining_seconds{file=\"$T/expiring/soon.pem\"" | grep 'role="leaf"' | sed 's/.* //')
if [ -n "$rem" ] && [ $((rem / 86400)) -eq "${soon%% *}" ] &&
	[ "$rem" -eq $(($(epoch "${soon#* }") - $(epoch 2030-06-01))) ]; then
	echo "ok: remaining seconds agree with days_left ($soon)"
else
	cp "$M" "$out"; fail "remaining '$rem' does not agree with '$soon'"
fi
expect_metric "incomplete chain" "chainkit_file_chain_complete{file=\"$T/incomplete/leaf-only.pem\"} " 0
expect_metric "complete chain" "chainkit_file_chain_complete{file=\"$T/good/server.pem\"} " 1
expect_metric "expired: not valid" "chainkit_file_chain_valid{file=\"$T/expired/old.pem\"} " 0
expect_metric "expired: trusted" "chainkit_file_chain_trusted{file=\"$T/expired/old.pem\"} " 1
expect_metric "good: valid" "chainkit_file_chain_valid{file=\"$T/good/server.pem\"} " 1
expect_metric "verdict fail" "chainkit_file_verdict{file=\"$T/bad/truncated.der\",verdict=\"fail\"} " 1
expect_metric "verdict not ok" "chainkit_file_verdict{file=\"$T/bad/truncated.der\",verdict=\"ok\"} " 0
expect_metric "verdict warn" "chainkit_file_verdict{file=\"$T/expiring/soon.pem\",verdict=\"warn\"} " 1
checks=$((checks + 1))
if grep -qF "{file=\"$T/bad/truncated.der\"}" "$M"; then
	cp "$M" "$out"; fail "a file that could not be read has chain metrics"
else
	echo "ok: no chain metrics for a file that could not be read"
fi
# findings by severity, as the JSON's summary counts them, for every file
checks=$((checks + 1))
jq -r 'select(.path and (.path | test("\n") | not)) |
	"\(.path)\t\(.summary.errors) \(.summary.warnings) \(.summary.info)"' "$J" >"$TMPD/want"
: >"$TMPD/got"
while IFS="	" read -r p _; do
	e=$(metric_lines "chainkit_file_findings{file=\"$p\",severity=\"error\"} " | sed 's/.* //')
	w=$(metric_lines "chainkit_file_findings{file=\"$p\",severity=\"warning\"} " | sed 's/.* //')
	i=$(metric_lines "chainkit_file_findings{file=\"$p\",severity=\"info\"} " | sed 's/.* //')
	printf '%s\t%s %s %s\n' "$p" "$e" "$w" "$i" >>"$TMPD/got"
done <"$TMPD/want"
if [ -s "$TMPD/want" ] && cmp -s "$TMPD/want" "$TMPD/got"; then
	echo "ok: findings by severity = the JSON's summary ($(wc -l <"$TMPD/want") files)"
else
	diff "$TMPD/want" "$TMPD/got" | head; fail "findings by severity differ from the JSON"
fi
expect_metric "files audited = the JSON's totals" "chainkit_files_audited " "$(jq -r 'select(.totals) | .totals.files' "$J")"
expect_metric "audit time = --at" "chainkit_audit_timestamp_seconds " "$(epoch 2030-06-01)"

# ---- label values escaped: \" \\ \n
checks=$((checks + 1))
if grep -qF "chainkit_file_chain_complete{file=\"$T/good/q\\\"b\\\\s\\nnl.pem\"} 1" "$M"; then
	echo "ok: label value escaped"
else
	cp "$M" "$out"; fail "the name with a quote, a backslash and a line feed is not escaped"
fi

# ---- structure: # EOF last and once; each family's samples together,
# after its HELP, TYPE (gauge) and UNIT (when the name ends with one),
# with one set of label names; no URL families without --network
checks=$((checks + 1))
if awk '
	/^# EOF$/ { eof++; last = NR; next }
	/^# HELP / { if (seen[$3]++) { print "family twice: " $3; bad = 1 } fam = $3; help = 1; next }
	/^# TYPE / { if ($3 != fam || $4 != "gauge") { print "TYPE: " $0; bad = 1 } next }
	/^# UNIT / { if ($3 != fam || fam !~ ("_" $4 "$")) { print "UNIT: " $0; bad = 1 } units[fam] = 1; next }
	/^#/ { print "other comment: " $0; bad = 1; next }
	{
		name = $0; sub(/[{ ].*/, "", name)
		if (name != fam) { print "sample outside its family: " $0; bad = 1 }
		ln = $0; sub(/^[^{ ]*/, "", ln); names = ""
		while (match(ln, /[a-z0-9_]+="/)) { names = names substr(ln, RSTART, RLENGTH - 2) ","; ln = substr(ln, RSTART + RLENGTH); sub(/^([^"\\]|\\.)*"/, "", ln) }
		if (fam in labels && labels[fam] != names) { print "label names differ: " $0; bad = 1 }
		labels[fam] = names; n[fam]++
	}
	END {
		if (eof != 1 || last != NR) { print "# EOF not once at the end"; bad = 1 }
		for (f in seen) if (f ~ /_seconds$/ && !(f in units)) { print "no UNIT: " f; bad = 1 }
		for (f in seen) if (!n[f]) { print "family without samples: " f; bad = 1 }
		exit bad
	}' "$M" >"$TMPD/awk" && ! grep -q '^chainkit_url_' "$M"; then
	echo "ok: families grouped, HELP/TYPE/UNIT, one label set per family, # EOF last"
else
	cat "$TMPD/awk"; cp "$M" "$out"; fail "the exposition's structure"
fi
checks=$((checks + 1))
if [ "$(grep -v '^#' "$M" | sort | uniq -d | wc -l)" -eq 0 ]; then
	echo "ok: no series twice"
else
	grep -v '^#' "$M" | sort | uniq -d | head -3; fail "a series written twice"
fi

# ---- exit status and errors as with the other formats
# shellcheck disable=SC2086
run certaudit $COMMON --format openmetrics "$A/tree/good/server.pem"
expect "all pass: exit 0" 0 '^# EOF$'
run certaudit --format openmetrics "$TMPD/nonexistent"
expect "a PATH that does not exist: exit 3, one line" 3 '' 'nonexistent'
expect_one_line_error "missing PATH"
checks=$((checks + 1))
# shellcheck disable=SC2086
if "$BIN/certaudit" $COMMON --format openmetrics "$A/tree/good/server.pem" >/dev/full 2>"$err"; then
	rc=0; fail "a write error on standard output is not an error"
else
	rc=$?
	if [ "$rc" -eq 5 ] && grep -q 'write error' "$err"; then echo "ok: write error: exit 5"; else fail "write error: exit $rc"; fi
fi
run chainview --format openmetrics "$A/tree/good/server.pem"
expect "only certaudit takes openmetrics" 2 '' 'openmetrics'
run certaudit --help
expect "--help names openmetrics" 0 'openmetrics'

# ---- promtool: Prometheus' parser and linter
if ! command -v promtool >/dev/null 2>&1; then
	skip "promtool is not installed (package prometheus): the exposition is not checked by Prometheus' parser"
fi
checks=$((checks + 1))
if promtool check metrics <"$M" >"$TMPD/promtool" 2>&1; then
	echo "ok: promtool check metrics"
else
	cat "$TMPD/promtool"; cp "$M" "$out"; fail "promtool check metrics rejects the output"
fi
finish
