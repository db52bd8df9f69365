#!/bin/sh
# certaudit --network never connects to link-local or cloud metadata
# addresses (issue 29): a certificate's URL that redirects to the
# metadata address, and a --deny-address range, give url-blocked-address
# findings in every output, with no packet sent (the kernel's counters of
# this private network namespace) and nothing reaching the stand-in
# metadata service; --allow-address opens the range; the usage errors.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq xmllint
need_servers nginx python3

P="$FX/pki"
printf 'max-leaf-validity-days = 0\n' >"$TMPD/net.policy"
COMMON="--no-system-trust --ca-file $P/root-ca.crt --policy $TMPD/net.policy --connect-timeout 1 --timeout 5"
T="$TMPD/certs"
mkdir -p "$T"
cat "$P/client.crt" "$P/int-ca.crt" >"$T/client.pem"
cp "$P/client.crt" "$T/leaf.pem"

www_setup
web
meta_start || skip "$meta_why"

# usage: the address options need --network, and a valid range
run certaudit --no-system-trust --allow-address 169.254.0.0/16 "$T"
expect "usage: --allow-address needs --network" 2 '' '^certaudit: --allow-address needs --network$'
run certaudit $COMMON --network --deny-address 10.0.0.1/8 "$T"
expect "usage: a bad range" 2 '' "^certaudit: --deny-address takes an address range such as 169\.254\.0\.0/16 or fe80::/10: '10\.0\.0\.1/8' has address bits set past the prefix \(the range is 10\.0\.0\.0/8\)$"
expect "usage: a bad range: the hint" 2 '' "^Try 'certaudit --help' for more information\.$"
run certaudit $COMMON --network --resolve metadata.test:18090 "$T"
expect "usage: a bad --resolve" 2 '' "^certaudit: --resolve takes HOST:PORT:ADDRESS"

# --deny-address 127.0.0.0/8: every URL of the fixtures (on 127.0.0.1) is
# refused before a socket is opened
p0=$(packets_sent)
run certaudit $COMMON --network --deny-address 127.0.0.0/8 --jsonl "$T/client.pem"
p1=$(packets_sent)
expect "--deny-address: the file fails" 1
expect_json "--deny-address: every URL finding is url-blocked-address" \
	'select(.path) | [.findings[] | select(.code | startswith("url-")) | .code] | unique | join(",")' url-blocked-address
expect_json "--deny-address: an error" \
	'select(.path) | [.findings[] | select(.code == "url-blocked-address") | .severity] | unique | join(",")' error
expect_json "--deny-address: each message names the URL, the address and the range" \
	'select(.path) | [.findings[] | select(.code == "url-blocked-address") | .message | test("URL http://127.0.0.1:1808[01]/[^ ]* of CN=[^:]*: blocked-address: not connected to 127.0.0.1: it is in the denied range 127.0.0.0/8$")] | (length > 0 and all)' true
expect_json "--deny-address: no socket for any URL" \
	'select(.path) | [.urls[] | .result + " " + (.sockets_opened | tostring) + " " + (.blocked_addresses | join(","))] | unique | join(";")' \
	"blocked-address 0 127.0.0.1"
checks=$((checks + 1))
if [ "$p1" -eq "$p0" ] && ! grep -q GET "$TMPD/nginx/access.log"; then
	echo "ok: --deny-address: no packet sent, nginx saw nothing"
else
	fail "--deny-address: $((p1 - p0)) packets sent"
fi

# the caIssuers URL of the leaf redirects to a name of the metadata
# address: refused on the redirect hop, in every output
web 'location = /int-ca.crt { return 302 http://metadata.test:18090/int-ca.crt; }'
MAP="--resolve metadata.test:18090:169.254.169.254"
run certaudit $COMMON --network $MAP --jsonl --junit "$TMPD/junit.xml" --sarif "$TMPD/sarif.json" "$T/leaf.pem"
expect "redirect: the file fails" 1
expect_json "redirect: url-blocked-address for the caIssuers URL" \
	'select(.path) | .findings[] | select(.code == "url-blocked-address") | .message | test("caIssuers URL http://127.0.0.1:18080/int-ca.crt .*: blocked-address: redirect to http://metadata.test:18090/int-ca.crt: not connected to 169.254.169.254: the cloud instance-metadata address")' true
expect_json "redirect: the hint" \
	'select(.path) | .findings[] | select(.code == "url-blocked-address") | .hint | test("--allow-address CIDR opens a range")' true
expect_json "redirect: the URL's entry" \
	'select(.path) | .urls[] | select(.kind == "ca-issuers") | .result + " " + (.sockets_opened | tostring) + " " + (.blocked_addresses | join(","))' \
	"blocked-address 1 169.254.169.254"
checks=$((checks + 1))
if [ ! -s "$META_LOG" ]; then echo "ok: redirect: nothing reached the stand-in"; else fail "redirect: the stand-in was reached"; fi
checks=$((checks + 1))
if [ "$(xmllint --xpath 'count(//testcase/failure[contains(., "url-blocked-address")])' "$TMPD/junit.xml")" -ge 1 ]; then
	echo "ok: junit: a url-blocked-address failure"
else
	rc=1; cp "$TMPD/junit.xml" "$out"; : >"$err"
	fail "junit: no url-blocked-address failure"
fi
checks=$((checks + 1))
if jq -e '[.runs[0].results[] | select(.ruleId == "url-blocked-address" and .level == "error" and (.message.text | test("169.254.169.254")))] | length == 1' "$TMPD/sarif.json" >/dev/null &&
	jq -e '.runs[0].tool.driver.rules | map(.id) | index("url-blocked-address") != null' "$TMPD/sarif.json" >/dev/null; then
	echo "ok: sarif: a url-blocked-address result and rule"
else
	rc=1; cp "$TMPD/sarif.json" "$out"; : >"$err"
	fail "sarif: no url-blocked-address result"
fi
run certaudit $COMMON --network $MAP --xml "$T/leaf.pem"
expect "xml" 1 '<result>blocked-address</result>'
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/certaudit.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: xml: valid against certaudit.rng"
else
	rc=1; cp "$TMPD/xmllint" "$err"
	fail "xml: not valid against certaudit.rng"
fi
run certaudit $COMMON --network $MAP --color never "$T/leaf.pem"
expect "text" 1 'error   url-blocked-address \[0\]: the caIssuers URL http://127\.0\.0\.1:18080/int-ca\.crt'
run certaudit --print-policy
expect "the policy lists the code" 0 '^severity\.url-blocked-address = error '

# --allow-address opens the range: the stand-in serves the issuer
run certaudit $COMMON --network $MAP --allow-address 169.254.169.254 --jsonl "$T/leaf.pem"
expect_json "--allow-address: the caIssuers URL is fetched from the stand-in" \
	'select(.path) | .urls[] | select(.kind == "ca-issuers") | .result' ok
checks=$((checks + 1))
if [ "$(wc -l <"$META_LOG")" -eq 1 ]; then echo "ok: --allow-address: the stand-in saw it"; else fail "--allow-address: the stand-in saw $(wc -l <"$META_LOG") connections"; fi
finish
