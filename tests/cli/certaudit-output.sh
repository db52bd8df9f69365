#!/bin/sh
# certaudit's outputs: JSON Lines (the chainview document inside is
# chainview's, byte for byte), XML against the schema, JUnit XML and SARIF
# parsed back and their structure checked, the same bytes for -j 1 and
# -j 4, atomic report files that are never overwritten without --force.
. "$top_srcdir/tests/lib.sh"
need jq xmllint

A="$FX/audit"
T="$TMPD/certs"
cp -R "$A/tree" "$T"
# names that need care: a space, a quote and an ampersand, and a byte that
# is not UTF-8
cp "$A/tree/expired/old.pem" "$T/expired/old & \"quoted\" copy.pem"
cp "$A/tree/weak/sha1.pem" "$T/weak/$(printf 'bad\377name.pem')"
COMMON="--no-system-trust --ca-file $FX/pki/root-ca.crt --at 2030-06-01 --policy $A/policy.conf --passwords $A/passwords.map"

# ---- the same bytes whatever -j
for j in 1 4; do
	for f in "--color never" --jsonl --xml "-v --color never"; do
		# shellcheck disable=SC2086
		run certaudit $COMMON -j $j $f --junit "$TMPD/junit-$j" --sarif "$TMPD/sarif-$j" --force "$T"
		cp "$out" "$TMPD/out-$j-$(echo "$f" | tr -dc 'a-z')"
	done
done
for f in colornever jsonl xml vcolornever; do
	checks=$((checks + 1))
	if cmp -s "$TMPD/out-1-$f" "$TMPD/out-4-$f"; then echo "ok: -j 1 = -j 4 ($f)"; else fail "-j 1 and -j 4 differ ($f)"; fi
done
for f in junit sarif; do
	checks=$((checks + 1))
	if cmp -s "$TMPD/$f-1" "$TMPD/$f-4"; then echo "ok: -j 1 = -j 4 ($f)"; else fail "-j 1 and -j 4 differ ($f)"; fi
done

# ---- JSON Lines
run certaudit $COMMON --jsonl "$T"
expect "jsonl" 1
checks=$((checks + 1))
if jq -e . "$out" >/dev/null 2>&1 && [ "$(wc -l <"$out")" -eq 19 ]; then
	echo "ok: 18 files and the totals, one JSON object per line"
else
	fail "not 19 JSON lines"
fi
checks=$((checks + 1))
if jq -rs '[.[] | select(.path) | .path] | (. == sort)' "$out" | grep -q true; then echo "ok: paths in order"; else fail "paths not in order"; fi
expect_json "jsonl: the name that is not UTF-8 is valid JSON" \
	'select((.path // "") | test("bad.name")) | .path | test("bad\ufffdname")' true
expect_json "--format json is --jsonl" 'select(.totals) | .totals.files' 18
cp "$out" "$TMPD/lines"

# the report member is chainview's document for the same file
for f in good/server.pfx expired/old.pem keys/privkey.pem weak/legacy.pfx bad/truncated.der; do
	pass=""
	case $f in
	good/*.pfx) pass="--password-file $A/passwords/good.pass" ;;
	*.pfx) pass="--password-file $A/passwords/legacy.pass" ;;
	esac
	# shellcheck disable=SC2086
	run chainview --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" --at 2030-06-01 --purpose server $pass "$T/$f"
	jq -c . "$out" >"$TMPD/chainview"
	jq -c --arg p "$T/$f" 'select(.path == $p) | .report' "$TMPD/lines" >"$TMPD/report"
	checks=$((checks + 1))
	if [ -s "$TMPD/report" ] && cmp -s "$TMPD/chainview" "$TMPD/report"; then
		echo "ok: report = chainview --json ($f)"
	else
		diff "$TMPD/chainview" "$TMPD/report" | head -5
		fail "report differs from chainview --json ($f)"
	fi
done

# ---- XML against the schema
run certaudit $COMMON --xml "$T"
expect "xml" 1 '^<certaudit>$'
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/certaudit.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: XML valid"
else
	cat "$TMPD/xmllint"
	fail "XML does not validate against certaudit.rng"
fi
expect "xml: a file" 1 '<verdict>fail</verdict>'
expect "xml: totals" 1 '<totals>'

# ---- JUnit XML: parse it back
J="$TMPD/junit.xml"
S="$TMPD/sarif.json"
run certaudit $COMMON --junit "$J" --sarif "$S" "$T"
expect "reports written" 1
xp() { xmllint --xpath "$1" "$J" 2>/dev/null; }
checks=$((checks + 1))
if xmllint --noout "$J" 2>"$TMPD/xmllint"; then echo "ok: JUnit is well-formed"; else cat "$TMPD/xmllint"; fail "JUnit is not well-formed"; fi
jcheck() { # NAME XPATH WANT
	checks=$((checks + 1))
	got=$(xp "$2")
	if [ "$got" = "$3" ]; then echo "ok: junit: $1"; else rc=1; : >"$out"; : >"$err"; fail "junit: $1: '$2' is '$got', expected '$3'"; fi
}
jcheck "root" 'name(/*)' testsuites
jcheck "tests" 'string(/testsuites/@tests)' 18
jcheck "failing tests" 'string(/testsuites/@failures)' 10
jcheck "a suite per directory" 'count(/testsuites/testsuite)' 9
jcheck "suites in name order" 'string(/testsuites/testsuite[1]/@name)' "$T/bad"
jcheck "a case per file" 'count(//testcase)' 18
jcheck "suite counts" 'string(/testsuites/testsuite[@name="'"$T"'/weak"]/@tests)' 4
jcheck "suite failures" 'string(/testsuites/testsuite[@name="'"$T"'/weak"]/@failures)' 3
jcheck "case name and classname" \
	'concat(//testcase[@name="old.pem"]/@classname, "|", //testcase[@name="old.pem"]/@file)' "$T/expired|$T/expired/old.pem"
jcheck "a failure per error finding" 'count(//failure)' 10
jcheck "failure type is the code" 'string(//testcase[@name="old.pem"]/failure/@type)' expired
jcheck "failure message" 'string(//testcase[@name="sha1.pem"]/failure/@message)' \
	"CN=sha1.audit.example.test,O=chainkit tests is signed with SHA1 (RSA-SHA1), which the policy forbids"
jcheck "failure text has the hint" 'contains(//testcase[@name="old.pem"]/failure, "Renew or replace")' true
jcheck "warnings in system-out" 'contains(//testcase[@name="soon.pem"]/system-out, "warning expires-soon [0]")' true
jcheck "no failure for a warning" 'count(//testcase[@name="soon.pem"]/failure)' 0
jcheck "OK case is empty" 'count(//testcase[@name="server.pem"]/*)' 0
jcheck "quote and ampersand survive" 'string(//testcase[contains(@name, "quoted")]/@name)' 'old & "quoted" copy.pem'
jcheck "a name that is not UTF-8" 'count(//testcase[contains(@name, "name.pem")])' 1

# a file name with a tab and a right-to-left override: in the JUnit
# report each is U+FFFD, as aiacheck's report and the text have it (one
# JUnit back-end cleans both)
mkdir "$TMPD/ctl"
cp "$FX/bundles/client-chain.pem" "$TMPD/ctl/$(printf 'a\tb\342\200\256c.pem')"
run certaudit --no-system-trust --at 2030-06-01 --junit "$TMPD/ctl.xml" "$TMPD/ctl"
checks=$((checks + 1))
n=$(xmllint --xpath 'string(//testcase/@name)' "$TMPD/ctl.xml")
if [ "$n" = "$(printf 'a\357\277\275b\357\277\275c.pem')" ]; then
	echo "ok: junit: controls in a file name are U+FFFD"
else
	fail "junit: the file name is '$n'"
fi

# two error findings give two failures
run certaudit --no-system-trust --at 2030-06-01 --junit "$TMPD/two.xml" "$A/tree/incomplete/leaf-only.pem" "$FX/pki/weak-rsa1024.crt"
checks=$((checks + 1))
n=$(xmllint --xpath 'count(//testcase[@name="weak-rsa1024.crt"]/failure)' "$TMPD/two.xml")
if [ "$n" = 2 ]; then echo "ok: junit: two errors, two failures"; else fail "junit: $n failures for two errors"; fi

# ---- SARIF: parse it back
scheck() { # NAME JQ WANT
	checks=$((checks + 1))
	got=$(jq -r "$2" "$S" 2>&1)
	if [ "$got" = "$3" ]; then echo "ok: sarif: $1"; else rc=1; : >"$out"; : >"$err"; fail "sarif: $1: '$2' is '$got', expected '$3'"; fi
}
scheck "version" '.version' 2.1.0
scheck "schema" '."$schema" | test("sarif-schema-2.1.0.json$")' true
scheck "one run" '.runs | length' 1
scheck "driver" '.runs[0].tool.driver | .name + " " + .version' "certaudit $(sed -n 's/^AC_INIT(\[chainkit\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")"
"$BIN/certaudit" --print-policy | sed -n 's/^severity\.\([a-z0-9-]*\) = .*/\1/p' >"$TMPD/codes"
scheck "a rule per finding code" '[.runs[0].tool.driver.rules[].id] | join(" ")' "$(tr '\n' ' ' <"$TMPD/codes" | sed 's/ $//')"
scheck "rules have descriptions" '[.runs[0].tool.driver.rules[] | select((.shortDescription.text | length) > 0)] | length' "$(wc -l <"$TMPD/codes" | tr -d ' ')"
scheck "rule levels are SARIF levels" '[.runs[0].tool.driver.rules[].defaultConfiguration.level] | unique | join(",")' "error,note,warning"
scheck "a result per finding" '.runs[0].results | length' "$(jq -s '[.[] | select(.path) | .findings[]] | length' "$TMPD/lines")"
scheck "ruleIndex points at its rule" \
	'[.runs[0] as $r | $r.results[] | $r.tool.driver.rules[.ruleIndex].id == .ruleId] | all' true
scheck "levels" '[.runs[0].results[].level] | unique | join(",")' "error,note,warning"
scheck "every result has a file and a line" \
	'[.runs[0].results[].locations[0].physicalLocation | (.artifactLocation.uri | length > 0) and .region.startLine == 1] | all' true
scheck "absolute paths are file URIs" \
	'.runs[0].results[] | select(.ruleId == "expired") | .locations[0].physicalLocation.artifactLocation.uri' \
	"$(printf 'file://%s/expired/old%%20%%26%%20%%22quoted%%22%%20copy.pem\nfile://%s/expired/old.pem' "$T" "$T")"
scheck "a byte that is not UTF-8 is U+FFFD, percent-encoded" \
	'[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri | select(test("bad%EF%BF%BDname.pem$"))] | length' 1
scheck "message" '.runs[0].results[] | select(.ruleId == "weak-key") | .message.text | test("1024-bit RSA")' true
scheck "properties: certificate, subject, hint" \
	'.runs[0].results[] | select(.ruleId == "weak-key") | .properties | [.certificate, .subject, (.hint | length > 0)] | map(tostring) | join("|")' \
	"0|CN=rsa1024.audit.example.test,O=chainkit tests|true"
scheck "execution" '.runs[0].invocations[0].executionSuccessful' true

# relative paths stay relative (code scanning places them in the repository)
(cd "$TMPD" && "$BIN/certaudit" $COMMON --sarif rel.sarif certs/expired >/dev/null 2>&1)
checks=$((checks + 1))
if [ "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' "$TMPD/rel.sarif")" = \
	"certs/expired/old%20%26%20%22quoted%22%20copy.pem" ]; then
	echo "ok: sarif: relative uri"
else
	fail "sarif: relative uri is $(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' "$TMPD/rel.sarif")"
fi
# levels off are disabled rules, info is note
printf 'severity.expired = off\nseverity.expires-soon = info\n' >"$TMPD/policy"
run certaudit --no-system-trust --ca-file "$FX/pki/root-ca.crt" --at 2030-06-01 --policy "$TMPD/policy" \
	--sarif "$TMPD/off.sarif" "$T/expired/old.pem" "$T/expiring/soon.pem"
expect "levels changed: nothing fails" 0
checks=$((checks + 1))
if [ "$(jq -c '.runs[0].tool.driver.rules[] | select(.id == "expired") | .defaultConfiguration' "$TMPD/off.sarif")" = '{"enabled":false,"level":"none"}' ] &&
	[ "$(jq -r '[.runs[0].results[] | .ruleId + ":" + .level] | join(",")' "$TMPD/off.sarif")" = "expires-soon:note" ]; then
	echo "ok: sarif: off and info"
else
	fail "sarif: off/info levels"
fi

# ---- report files: atomic, never overwritten without --force
echo "keep me" >"$TMPD/exists.xml"
run certaudit $COMMON --junit "$TMPD/exists.xml" "$T"
expect "existing --junit: refused before the audit" 2 '' "certaudit: $TMPD/exists.xml: file exists \\(use --force to replace it\\)"
expect_one_line_error "existing --junit"
checks=$((checks + 1))
if [ -s "$out" ]; then fail "existing --junit: files were audited"; else echo "ok: nothing audited"; fi
checks=$((checks + 1))
if [ "$(cat "$TMPD/exists.xml")" = "keep me" ]; then echo "ok: the file was left alone"; else fail "the file was changed"; fi
echo "keep me" >"$TMPD/exists.sarif"
run certaudit $COMMON --sarif "$TMPD/exists.sarif" "$T"
expect "existing --sarif" 2 '' 'file exists'
run certaudit $COMMON --force --junit "$TMPD/exists.xml" "$T/good"
expect "--force replaces" 0
checks=$((checks + 1))
if xmllint --noout "$TMPD/exists.xml" 2>/dev/null; then echo "ok: replaced by the report"; else fail "not replaced"; fi
run certaudit $COMMON --junit "$TMPD/no/such/dir/j.xml" "$T/good"
expect "--junit in a missing directory" 5 '' 'cannot create a file in its directory'
checks=$((checks + 1))
if ls -a "$TMPD" | grep -q '^\.junit\|^\.sarif\|^\.exists'; then fail "a temporary file was left"; else echo "ok: no temporary file left"; fi
checks=$((checks + 1))
if [ "$(stat -c %a "$J")" = "$(printf '%o' $((0666 & ~$(umask))))" ]; then echo "ok: report mode follows the umask"; else fail "report mode $(stat -c %a "$J")"; fi

# ---- a private PKI's leaf + intermediate without the root: the root is
# most likely what is missing, a warning, not missing-issuer (issue 24
# item 3)
mkdir "$TMPD/private"
cp "$FX/bundles/client-chain.pem" "$TMPD/private/"
run certaudit --no-system-trust --at 2030-06-01 --jsonl "$TMPD/private"
expect "root not given: WARN, exit 0" 0
expect_json "root not given: the finding" 'select(.path) | [.findings[] | select(.code | test("issuer|root")) | .code + " " + .severity] | join(",")' "root-not-given warning"
expect_json "root not given: the verdict" 'select(.path) | .verdict' warn

# ---- the files not audited: counted always, listed with -v, in the
# JSON Lines totals (issue 24 item 12)
echo notes >"$TMPD/private/readme.md"
echo notes >"$TMPD/private/notes"
run certaudit --no-system-trust --at 2030-06-01 "$TMPD/private"
expect "not audited: counted" 0 '^2 other files not audited: .*-v lists them'
checks=$((checks + 1))
if grep -q 'not audited: /' "$out"; then fail "not audited: listed without -v"; else echo "ok: not audited: not listed without -v"; fi
run certaudit --no-system-trust --at 2030-06-01 -v "$TMPD/private"
expect "not audited: -v lists the first" 0 "^  not audited: $TMPD/private/notes \\(not a certificate bundle by name or content\\)\$"
expect "not audited: -v lists the second" 0 "^  not audited: $TMPD/private/readme.md \\("
run certaudit --no-system-trust --at 2030-06-01 --jsonl "$TMPD/private"
expect_json "not audited: JSON" 'select(.totals) | [.totals.not_audited_files[].path | sub("^.*/"; "")] | join(",")' "notes,readme.md"

# ---- standard output that cannot be written is not success
if [ -w /dev/full ]; then
	for f in text json xml; do
		"$BIN/certaudit" $COMMON --format $f "$T/good" >/dev/full 2>"$err"
		rc=$?
		expect "stdout full ($f)" 5 '' '^certaudit: write error on standard output'
		expect_one_line_error "stdout full ($f)"
	done
	for r in junit sarif; do
		"$BIN/certaudit" $COMMON --force --$r /dev/full "$T/good" >/dev/null 2>"$err"
		rc=$?
		expect "--$r /dev/full" 5 '' '^certaudit: /dev/full: write error'
		expect_one_line_error "--$r /dev/full"
	done
fi
finish
