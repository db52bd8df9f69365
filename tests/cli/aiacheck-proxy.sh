#!/bin/sh
# aiacheck through a forward proxy (tinyproxy), from --proxy and from the
# environment as curl reads it, and every way a proxy fails.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq
need_servers nginx tinyproxy

www_setup
web
proxy_start
drop_start 18898
P=http://127.0.0.1:18888
U=http://127.0.0.1:18080/int-ca.crt

run aiacheck --json --no-system-trust --proxy "$P" --url "$U"
expect "--proxy" 0
expect_json "--proxy: ok" '.urls[0].result' ok
expect_json "--proxy: recorded" '.urls[0].proxy' "$P"
expect_json "--proxy: the connection is to the proxy" '.urls[0].addresses | join(",")' 127.0.0.1
checks=$((checks + 1))
if grep -q 'GET http://127.0.0.1:18080/int-ca.crt' "$TMPD/tinyproxy.log"; then
	echo "ok: the proxy saw the request"
else
	fail "tinyproxy did not see the request"
fi

http_proxy=$P
export http_proxy
run aiacheck --json --no-system-trust --url "$U"
expect_json "http_proxy from the environment" '.urls[0].result + " " + .urls[0].proxy' "ok $P"
no_proxy=127.0.0.1
export no_proxy
run aiacheck --json --no-system-trust --url "$U"
expect_json "no_proxy: direct" '.urls[0].result + " " + (.urls[0].proxy|tostring)' "ok null"
unset no_proxy
run aiacheck --json --no-system-trust --no-proxy --url "$U"
expect_json "--no-proxy: direct" '.urls[0].proxy' null
unset http_proxy
HTTP_PROXY=http://127.0.0.1:18899
export HTTP_PROXY
run aiacheck --json --no-system-trust --url "$U"
expect_json "HTTP_PROXY (upper case) is ignored for http, as curl does" '.urls[0].result + " " + (.urls[0].proxy|tostring)' "ok null"
unset HTTP_PROXY
ALL_PROXY=$P
export ALL_PROXY
run aiacheck --json --no-system-trust --url "$U"
expect_json "ALL_PROXY as the fallback" '.urls[0].proxy' "$P"
unset ALL_PROXY

# a certificate's URLs go through the proxy too
run aiacheck --json --no-system-trust --proxy "$P" --password demo "$FX/demo/client.pfx"
expect_json "caIssuers through the proxy" '.urls[0].result + " " + .urls[0].proxy' "ok $P"

# proxy failures
run aiacheck --json --no-system-trust --proxy http://127.0.0.1:18899 --url "$U"
expect "proxy refused" 1
expect_json "proxy refused: proxy-error" '.urls[0].result' proxy-error
run aiacheck --json --no-system-trust --proxy http://127.0.0.1:18898 --connect-timeout 1 --url "$U"
expect_json "proxy dropped: proxy-error" '.urls[0].result' proxy-error
run aiacheck --json --no-system-trust --proxy http://proxy.invalid:3128 --url "$U"
expect_json "proxy name does not resolve: proxy-error" '.urls[0].result' proxy-error
HTTPS_PROXY=$P
export HTTPS_PROXY
run aiacheck --json --no-system-trust --url https://127.0.0.1:18443/int-ca.crt
expect_json "CONNECT refused by the proxy (tinyproxy allows port 443 only)" '.urls[0].result' proxy-error
expect_json "CONNECT refused: the proxy's answer" '.urls[0].note | test("answered CONNECT with 403")' true
unset HTTPS_PROXY
run aiacheck --json --no-system-trust --proxy "$P" --url http://127.0.0.1:18099/nothing
expect_json "origin refused behind the proxy: the proxy's error status" '.urls[0].result + " " + (.urls[0].http_status|tostring)' "http-error 500"
# a proxy's password is never shown: not in the JSON, the text, the note
# or the plugin output (libcurl's redaction, as mtlsprobe shows it)
SECRET=s3cr3t-pw
run aiacheck --json --no-system-trust --proxy "http://user:$SECRET@127.0.0.1:18888" --url "$U"
expect "--proxy with a password: ok" 0
expect_json "--proxy with a password: recorded without it" '.urls[0].proxy' "http://user:***@127.0.0.1:18888/"
for f in "--json" "-v" "--format nagios" "--xml"; do
	# shellcheck disable=SC2086
	run aiacheck $f --no-system-trust --proxy "http://user:$SECRET@127.0.0.1:18899" --url "$U"
	checks=$((checks + 1))
	if grep -q "$SECRET" "$out" "$err"; then fail "$f: a refused proxy's password shown"; else echo "ok: $f: a refused proxy's password not shown"; fi
done
expect "refused proxy: the note names it without the password" 1 "proxy http://user:\*\*\*@127\.0\.0\.1:18899/: "
# LDAP never goes through an HTTP proxy
run aiacheck --json --list --no-system-trust --url ldap://127.0.0.1:18389/cn=int
if [ "$(json '.urls[0].result')" != unsupported-scheme ]; then
	run aiacheck --json --no-system-trust --proxy "$P" --url ldap://127.0.0.1:18389/cn=int
	expect_json "ldap: direct, not through the proxy" '.urls[0].result + " " + (.urls[0].proxy|tostring)' "refused null"
fi
finish
