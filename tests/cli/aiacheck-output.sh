#!/bin/sh
# aiacheck output: text, -q, -v, JSON (the contract's fields), JSON Lines,
# XML against man/aiacheck.rng, --junit, progress on a terminal, and a
# write error on stdout — with real servers in a private namespace.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq xmllint
need_servers nginx openssl

www_setup
web 'location = /redir/int-ca.crt { return 301 /int-ca.crt; }'
ocsp_start
drop_start 18082
CA="--no-system-trust --ca-file $FX/pki/root-ca.crt"
DEMO="--password demo $FX/demo/client.pfx"

# text
# shellcheck disable=SC2086
run aiacheck $CA $DEMO
expect "text: header" 0 'client\.pfx: 1 certificate \(\+ 1 from the trust store\) \(\+ 1 downloaded\) · chain complete, trusted'
expect "text: the missing issuer, fetched" 0 'missing: CN=chainkit Issuing CA 1,O=chainkit tests \(needed by \[0\]\), fetched as \[1\]'
expect "text: a fetched certificate" 0 '\[1\] intermediate CN=chainkit Issuing CA 1,O=chainkit tests \(fetched: http://127\.0\.0\.1:18080/int-ca\.crt\)'
expect "text: column heads" 0 'CERT KIND +URL +RESULT +DNS +CONNECT +TLS +FIRST +TOTAL ms +NOTE'
expect "text: one row per URL" 0 '^  \[0\]  crl +http://127\.0\.0\.1:18080/int-ca\.crl +ok +[0-9.]+ +[0-9.]+ +- +[0-9.]+ +[0-9.]+  CRL, 1 entry'
expect "text: runtimes" 0 '^Runtimes:'
expect "text: used by" 0 'int-ca\.crt +ok .*\[used by dotnet-linux\]'
checks=$((checks + 1))
if [ "$(grep -c '^  \[' "$out")" -ge 8 ]; then echo "ok: text rows"; else fail "text: fewer rows than expected"; fi
# shellcheck disable=SC2086
run aiacheck -q $CA --url http://127.0.0.1:18099/x $DEMO
expect "-q: failures only" 1 'url +http://127\.0\.0\.1:18099/x +refused'
checks=$((checks + 1))
if grep -q ' ok ' "$out" || grep -q '^Runtimes' "$out"; then fail "-q printed ok rows"; else echo "ok: -q"; fi
# shellcheck disable=SC2086
run aiacheck -v $CA --url http://127.0.0.1:18080/redir/int-ca.crt
expect "-v: hops" 0 'hop 1: http://127\.0\.0\.1:18080/redir/int-ca\.crt → 301'
expect "-v: addresses" 0 'addresses: 127\.0\.0\.1'
expect "-v: content type" 0 'content type: application/pkix-cert'
# shellcheck disable=SC2086
run aiacheck --color always $CA $DEMO
checks=$((checks + 1))
if grep -q "$(printf '\033')\[" "$out"; then echo "ok: --color always"; else fail "--color always gave no colour"; fi

# JSON: the contract's fields
# shellcheck disable=SC2086
run aiacheck --json $CA --ocsp-get $DEMO
expect "json" 0
expect_json "json: one line" '.urls | length > 5' true
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 1 ]; then echo "ok: one JSON line"; else fail "JSON is not one line"; fi
expect_json "json: url fields" '.urls[0] | [has("certificate"), has("kind"), has("url"), has("result"), has("http_status"), has("timings"), has("bytes"), has("content"), has("used_by")] | all' true
expect_json "json: timing fields" '.urls[0].timings | keys | join(",")' connect,dns,first_byte,tls,total
expect_json "json: runtimes" '.runtimes[0] | [.name, (.sends|type), (.fetches|type), (.summary|type)] | join(",")' dotnet-linux,array,array,string
expect_json "json: chainview's certificates" '.certificates[0] | [.index, .role, .subject] | map(tostring) | join(",")' "0,leaf,CN=client.example.test,O=chainkit tests"
expect_json "json: chain" '.chain.status' complete
expect_json "json: at" '.at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")' true
expect_json "json: summary" '.summary | [.urls, .failed] | map(tostring) | join(",")' "$(json '.urls | length'),0"
expect_json "json: sha256 of a fetched issuer" '.urls[0].content.sha256 | test("^[0-9a-f]{64}$")' true

# JSON Lines: two inputs and --url
# shellcheck disable=SC2086
run aiacheck --json $CA --url http://127.0.0.1:18080/int-ca.crt "$FX/bundles/client-full.pem" $DEMO
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 3 ] && jq -e . "$out" >/dev/null; then echo "ok: three JSON lines"; else fail "not three JSON lines"; fi
expect_json "json lines: the --url document has no input" 'select(.input == null) | .urls[0].kind' url
run aiacheck --json --no-system-trust "$FX/bad/empty.pem"
expect "json: unreadable input" 3
expect_json "json: error document" '.error.message' "the file is empty"

# XML validates against the shipped schema
for args in "$CA $DEMO" "--list $CA $DEMO" "--as all --revocation --ocsp-get $CA $FX/pki/multi-aia-leaf.crt" \
	"--url http://127.0.0.1:18082/x --connect-timeout 0.3 --url hhtp://x/ --url http://127.0.0.1:18080/int-ca.crt" \
	"--no-system-trust $FX/pki/badurl-leaf.crt" "--no-system-trust $FX/bad/truncated.der" \
	"--no-system-trust $FX/pki/revoked-leaf.crt $FX/bundles/two-leaves.pem" \
	"--list --no-system-trust --password-file $FX/stores/cacerts.jks.pass $FX/stores/cacerts.jks"; do
	# shellcheck disable=SC2086
	run aiacheck --xml $args
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/aiacheck.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($args)"
	else
		cat "$TMPD/xmllint"
		fail "XML does not validate ($args)"
	fi
done
# shellcheck disable=SC2086
run aiacheck --format xml $CA $DEMO
expect "--format xml" 0 '<aiacheck>'

# --junit: one test case per URL, atomic, no overwrite without --force
# shellcheck disable=SC2086
run aiacheck $CA --junit "$TMPD/junit.xml" --url http://127.0.0.1:18099/x $DEMO
expect "--junit" 1
checks=$((checks + 1))
cases=$(xmllint --xpath 'count(//testcase)' "$TMPD/junit.xml")
fails=$(xmllint --xpath 'count(//testcase/failure)' "$TMPD/junit.xml")
if [ "$cases" = 6 ] && [ "$fails" = 1 ]; then
	echo "ok: junit: 6 test cases, 1 failure"
else
	rc=1; cp "$TMPD/junit.xml" "$out"; : >"$err"
	fail "junit: $cases test cases, $fails failures"
fi
checks=$((checks + 1))
if xmllint --xpath 'string(//testcase[failure]/failure/@type)' "$TMPD/junit.xml" | grep -qx refused &&
	xmllint --xpath 'string(//testcase[failure]/@name)' "$TMPD/junit.xml" | grep -qx 'http://127.0.0.1:18099/x'; then
	echo "ok: junit failure type and name"
else
	fail "junit failure type or name"
fi
checks=$((checks + 1))
if [ "$(xmllint --xpath 'string(//testcase[@name="http://127.0.0.1:18080/int-ca.crt"]/properties/property[@name="used_by"]/@value)' "$TMPD/junit.xml")" = dotnet-linux ]; then
	echo "ok: junit: used_by as a property"
else
	fail "junit: no used_by property"
fi
# shellcheck disable=SC2086
run aiacheck $CA --junit "$TMPD/junit.xml" $DEMO
expect "--junit exists" 2 '' 'junit\.xml: file exists \(use --force to replace it\)'
expect_one_line_error "--junit exists: one line"
# shellcheck disable=SC2086
run aiacheck $CA --junit "$TMPD/junit.xml" --force $DEMO
expect "--junit --force" 0
checks=$((checks + 1))
if [ "$(xmllint --xpath 'count(//testcase/failure)' "$TMPD/junit.xml")" = 0 ] && [ "$(ls -a "$TMPD" | grep -c '^\.junit')" = 0 ] &&
	[ "$(ls "$TMPD" | grep -c 'junit.xml.')" = 0 ]; then
	echo "ok: --force replaced it, nothing left behind"
else
	fail "--force: not replaced, or a temporary file left"
fi
# shellcheck disable=SC2086
run aiacheck --list $CA --junit "$TMPD/list.xml" $DEMO
checks=$((checks + 1))
if [ "$(xmllint --xpath 'count(//testcase/skipped)' "$TMPD/list.xml")" = 3 ]; then echo "ok: junit: --list skips"; else fail "junit: --list should skip every case"; fi
# shellcheck disable=SC2086
run aiacheck $CA --junit "$TMPD/no/such/dir/j.xml" $DEMO
expect "--junit into a missing directory" 5 '' 'j\.xml: '

# progress: on a terminal, for a run over a second
if command -v script >/dev/null 2>&1; then
	script -qec "'$BIN/aiacheck' --no-system-trust --connect-timeout 1.5 --url http://127.0.0.1:18082/x --url http://127.0.0.1:18082/y" \
		/dev/null >"$TMPD/tty.out" 2>&1 </dev/null
	checks=$((checks + 1))
	# the progress line certaudit draws too (tools/progress.c), cleared at the end
	if grep -qE 'aiacheck: \[[#.]{30}\] [0-2]/2 URLs' "$TMPD/tty.out" &&
		grep -q "$(printf '\r\033')\\[K" "$TMPD/tty.out"; then
		echo "ok: progress on a terminal"
	else
		cat "$TMPD/tty.out"
		rc=1; : >"$out"; : >"$err"
		fail "no progress on a terminal"
	fi
fi

# --xml with --junit -: the report ends before the JUnit document begins
# (both on stdout, each well-formed)
"$BIN/aiacheck" $CA --list --xml --junit - "$FX/bundles/client-full.pem" >"$TMPD/both.xml" 2>"$err"
checks=$((checks + 1))
if awk '/<\/aiacheck>/ { end = NR } /<testsuites/ && !start { start = NR } END { exit !(end && start && end < start) }' "$TMPD/both.xml" &&
	sed -n '/<testsuites/,$p' "$TMPD/both.xml" | sed '1s/^.*<testsuites/<testsuites/' | xmllint --noout - 2>/dev/null; then
	echo "ok: --xml --junit -: </aiacheck> before the JUnit document"
else
	rc=1; cp "$TMPD/both.xml" "$out"
	fail "--xml --junit -: the documents are interleaved"
fi

# stdout that cannot be written is not success
if [ -w /dev/full ]; then
	"$BIN/aiacheck" $CA --list "$FX/bundles/client-full.pem" >/dev/full 2>"$err"
	rc=$?
	expect "write error on stdout" 5 '' 'write error on standard output'
fi
finish
