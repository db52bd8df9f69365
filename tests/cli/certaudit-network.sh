#!/bin/sh
# certaudit --network against real servers on loopback, in a private
# network namespace: every distinct URL is requested once however many
# files name it (nginx's access log counts), what each URL served becomes a
# finding at the policy's level (ok, revoked, refused, dropped), the
# documents carry the URLs, and the usage errors of the network options.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need_servers nginx openssl
need jq xmllint

P="$FX/pki"
# the fixtures' leaves live 50 years: the validity limit is not what this tests
printf 'max-leaf-validity-days = 0\nnext-update-warn-hours = 1\n' >"$TMPD/net.policy"
COMMON="--no-system-trust --ca-file $P/root-ca.crt --policy $TMPD/net.policy --connect-timeout 1 --timeout 5"

# 24 files naming the same URLs (client + int-ca, in 4 directories), a
# server bundle, and a revoked leaf
T="$TMPD/certs"
for d in a b c d; do
	mkdir -p "$T/$d"
	for i in 1 2 3 4 5 6; do cat "$P/client.crt" "$P/int-ca.crt" >"$T/$d/client-$i.pem"; done
done
mkdir -p "$T/other"
cat "$P/server.crt" "$P/int-ca.crt" >"$T/other/server.pem"
cat "$P/revoked-leaf.crt" "$P/int-ca.crt" >"$T/other/revoked.pem"

www_setup
web
ocsp_start

run certaudit $COMMON --network --jsonl --junit "$TMPD/junit.xml" --sarif "$TMPD/sarif.json" "$T"
expect "network: the revoked leaf fails" 1
# expect_all NAME EXPR VALUE: jq -rs EXPR over every line of stdout prints VALUE
expect_all() {
	checks=$((checks + 1))
	got=$(jq -rs "$2" "$out" 2>&1)
	if [ "$got" = "$3" ]; then echo "ok: $1"; else fail "$1: $2 is '$got', expected '$3'"; fi
}
expect_all "good files pass" '[.[] | select(.path and (.path | test("/client-"))) | .verdict] | unique | join(",")' ok
expect_json "the server bundle passes" 'select((.path // "") | endswith("server.pem")) | .verdict' ok
expect_json "revoked by the CRL and by OCSP" \
	'select((.path // "") | endswith("revoked.pem")) | [.findings[] | select(.code == "revoked") | .message | test("CRL URL|OCSP URL")] | length' 2
expect_json "a URL finding names its certificate" \
	'select((.path // "") | endswith("revoked.pem")) | .findings[] | select(.code == "revoked") | .certificate' "$(printf '0\n0')"
expect_json "urls: five per file (leaf: caIssuers, OCSP, CRL; int-ca: caIssuers, CRL)" \
	'select((.path // "") | endswith("a/client-1.pem")) | [.urls[] | .kind] | join(",")' "ca-issuers,ocsp,crl,ca-issuers,crl"
expect_json "urls: results, methods, statuses" \
	'select((.path // "") | endswith("a/client-1.pem")) | [.urls[] | .result + " " + .method + " " + (.http_status | tostring)] | unique | join(",")' \
	"ok GET 200,ok POST 200"
expect_json "totals: URLs and requests" 'select(.totals) | [.totals.urls, .totals.url_requests] | join(" ")' "130 7"
# int-ca.crt, int-ca.crl, root-ca.crt, root-ca.crl: once each, for 26 files
checks=$((checks + 1))
sed -n 's/.*"GET \([^ ]*\) HTTP.*/\1/p' "$TMPD/nginx/access.log" | sort >"$TMPD/requested"
if [ "$(tr '\n' ' ' <"$TMPD/requested")" = "/int-ca.crl /int-ca.crt /root-ca.crl /root-ca.crt " ]; then
	echo "ok: each distinct URL requested once"
else
	rc=1; cp "$TMPD/requested" "$out"; : >"$err"
	fail "the web server saw other requests than one per URL"
fi
xp() { xmllint --xpath "$1" "$TMPD/junit.xml" 2>/dev/null; }
checks=$((checks + 1))
if [ "$(xp 'count(//testcase[@name="revoked.pem"]/failure[@type="revoked"])')" = 2 ]; then
	echo "ok: junit: revoked"
else
	fail "junit: no revoked failures"
fi
checks=$((checks + 1))
if [ "$(jq -r '[.runs[0].results[] | select(.ruleId == "revoked")] | length' "$TMPD/sarif.json")" = 2 ] &&
	jq -e '.runs[0].tool.driver.rules | map(.id) | index("url-dropped") != null' "$TMPD/sarif.json" >/dev/null; then
	echo "ok: sarif: revoked results, URL rules"
else
	fail "sarif: URL findings"
fi

# XML with the URLs validates
run certaudit $COMMON --network --xml "$T/other"
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/certaudit.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: XML with urls valid"
else
	cat "$TMPD/xmllint"
	fail "XML with urls does not validate"
fi

# text: the totals say how many requests were made
run certaudit $COMMON --network "$T"
expect "text: URL totals" 1 '^130 URLs checked with 7 requests \(each distinct one once\)$'
expect "text: revoked" 1 'error   revoked \[0\]: the CRL URL http://127.0.0.1:18080/int-ca.crl of CN=revoked.example.test'
# shellcheck disable=SC2086
run certaudit $COMMON --network --format nagios "$T"
expect_nagios "nagios: the revoked leaf is CRITICAL" 2 CERTAUDIT CRITICAL
expect "nagios: the URL counts in the perfdata" 2 " 'urls'=130;;;0 'url_requests'=7;;;0\$"
expect "nagios: the revoked leaf's line" 2 "^FAIL $T/other/revoked\.pem: error revoked \[0\]: "

# the OCSP answers of openssl ocsp (-ndays 1) are valid for less than 48 hours
printf 'max-leaf-validity-days = 0\nnext-update-warn-hours = 48\n' >"$TMPD/soon.policy"
run certaudit --no-system-trust --ca-file "$P/root-ca.crt" --policy "$TMPD/soon.policy" --network --jsonl "$T/a/client-1.pem"
expect "next update soon: a warning" 0
expect_json "url-next-update-soon" '[.findings[]? | .code] | join(",")' url-next-update-soon

# nobody on the OCSP port: refused, for every file, from one request
ocsp_stop
run certaudit $COMMON --network --jsonl "$T/a"
expect "OCSP refused" 1
expect_all "OCSP refused: the code" '[.[] | select(.path) | .findings[] | .code] | unique | join(",")' url-refused
expect_json "OCSP refused: one request per file's leaf" 'select(.totals) | .totals.url_requests' 5

# the web server's address drops the SYNs: dropped, in one connect
# timeout for all the files, not one per file
kill "$ck_pid_nginx" 2>/dev/null
wait "$ck_pid_nginx" 2>/dev/null
ck_pid_nginx=""
while "$NETPROBE" wait 127.0.0.1 18080 0.05 2>/dev/null; do sleep 0.05; done
drop_start 18080
start=$(date +%s)
run certaudit $COMMON --network --color never "$T"
elapsed=$(($(date +%s) - start))
expect "dropped" 1 'url-dropped \[0\]: the caIssuers URL http://127.0.0.1:18080/int-ca.crt of CN=client.example.test'
checks=$((checks + 1))
if [ "$elapsed" -lt 30 ]; then echo "ok: 26 files, one connect timeout ($elapsed s)"; else fail "dropped URLs took $elapsed s"; fi
run certaudit $COMMON --network -v "$T/other/server.pem"
expect "dropped: the hint tells what a .NET client does" 1 '→ A client that fetches it stalls: .NET on Linux waits up to 15 s'

# the policy decides how bad it is
printf 'max-leaf-validity-days = 0\nseverity.url-dropped = warning\nseverity.url-refused = info\n' >"$TMPD/lenient.policy"
run certaudit --no-system-trust --ca-file "$P/root-ca.crt" --policy "$TMPD/lenient.policy" --network --connect-timeout 1 "$T/a"
expect "lenient policy: WARN, exit 0" 0 '^WARN  '

# without --network nothing is requested
run certaudit $COMMON --jsonl "$T/a/client-1.pem" 2>/dev/null
expect "usage: network options need --network" 2 '' '^certaudit: --connect-timeout needs --network$'
run certaudit --no-system-trust --ca-file "$P/root-ca.crt" --policy "$TMPD/net.policy" --jsonl "$T/a/client-1.pem"
expect "without --network" 0
expect_json "without --network: no urls" 'select(.path) | has("urls")' false
run certaudit --network --proxy http://127.0.0.1:1/ --no-proxy "$T/a/client-1.pem"
expect "usage: --proxy and --no-proxy" 2 '' 'use only one of --proxy and --no-proxy'
run certaudit --network --timeout 0 "$T/a/client-1.pem"
expect "usage: --timeout 0" 2 '' "--timeout takes seconds from 0.001 to 3600, not '0'"
# a proxy's password is never shown, in the findings of any format
SECRET=s3cr3t-pw
for f in "-v" "--jsonl" "--xml" "--format nagios"; do
	# shellcheck disable=SC2086
	run certaudit $COMMON $f --network --proxy "http://user:$SECRET@127.0.0.1:18899" "$T/a/client-1.pem"
	checks=$((checks + 1))
	if grep -q "$SECRET" "$out" "$err"; then
		fail "$f: the proxy's password shown"
	elif ! grep -q 'user:\*\*\*@127\.0\.0\.1:18899' "$out"; then
		fail "$f: the proxy not named"
	else
		echo "ok: $f: the proxy named without its password"
	fi
done
finish
