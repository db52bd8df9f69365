#!/bin/sh
# The origin story, end to end: the demo PFX holds the client certificate
# without its intermediate; its caIssuers URL's port drops every SYN, as
# the firewall did.  aiacheck must say, within seconds, what DESIGN says.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq
need_servers

# 127.0.0.1:18080 is where the demo certificate's caIssuers and CRL URLs
# point; here nothing answers a SYN there.
drop_start 18080

start=$(date +%s)
run aiacheck --no-system-trust --password-file "$FX/demo/client.pfx.pass" "$FX/demo/client.pfx"
end=$(date +%s)
expect "the demo: problems found" 1
expect "the demo: the sentence" 1 \
	'the intermediate CN=chainkit Issuing CA 1,O=chainkit tests is missing; a \.NET client on Linux will try http://127\.0\.0\.1:18080/int-ca\.crt; from here that URL is DROPPED \(no answer in 5 s\) — expect a 15 s stall per connection and a 100 s cancellation'
expect "the demo: TaskCanceledException" 1 'HttpClient cancels after 100 s \(TaskCanceledException\)'
expect "the demo: the URL row" 1 '^  \[0\]  ca-issuers  http://127\.0\.0\.1:18080/int-ca\.crt +dropped .*\[used by dotnet-linux\]'
checks=$((checks + 1))
if [ -s "$err" ]; then fail "the demo: stderr is not empty without a terminal"; else echo "ok: nothing on stderr without a terminal"; fi
checks=$((checks + 1))
if [ $((end - start)) -lt 15 ]; then
	echo "ok: within seconds ($((end - start)) s, connect timeout 5 s)"
else
	fail "the demo took $((end - start)) s"
fi

run aiacheck --json --no-system-trust --connect-timeout 2 --password-file "$FX/demo/client.pfx.pass" "$FX/demo/client.pfx"
expect_json "json: dropped" '.urls[0].result' dropped
expect_json "json: the dropped URL cost about the connect timeout" '.urls[0].timings.total >= 1900 and .urls[0].timings.total < 6000' true
expect_json "json: .NET waits out its 15 s budget" '.runtimes[0].stall_ms' 15000
expect_json "json: budget exhausted, every connection" '(.runtimes[0].budget_exhausted|tostring) + " " + (.runtimes[0].every_connection|tostring)' "true true"
expect_json "json: .NET sends the leaf alone" '.runtimes[0].sends | map(tostring) | join(",")' 0
expect_json "json: the sentence" '.runtimes[0].summary | test("DROPPED \\(no answer in 2 s\\) — expect a 15 s stall per connection and a 100 s cancellation")' true

# issue 24: --timeout under the connect timeout ends the connect; every
# number said is the one that applied (it said "connect timeout 5.0 s"
# and "no answer in 5 s" after 2 s)
run aiacheck --json --no-system-trust --timeout 2 --password-file "$FX/demo/client.pfx.pass" "$FX/demo/client.pfx"
expect_json "--timeout 2: dropped" '.urls[0].result' dropped
expect_json "--timeout 2: the connect limit said is 2 s" '.urls[0].note | test("connect timeout 2\\.0 s")' true
expect_json "--timeout 2: the sentence says 2 s" '.runtimes[0].summary | test("no answer in 2 s")' true
finish
