#!/bin/sh
# aiacheck: every transport result class, against real servers in a
# private network namespace (nginx, a dropping listener, nothing at all).
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/dns.sh"
need jq
need_servers nginx

www_setup
head -c 2097152 /dev/zero >"$WWW/big.bin"
head -c 4000 /dev/zero >"$WWW/slow.bin"
web 'location = /slow.bin { limit_rate 200; }
	location /chunked/ { alias '"$WWW"'/; ssi on; ssi_types *; }
	location = /redir/int-ca.crt { return 301 /int-ca.crt; }
	location = /redir2 { return 302 http://127.0.0.1:18080/redir/int-ca.crt; }
	location = /loop { return 302 /loop; }
	location = /toftp { return 302 ftp://127.0.0.1/int-ca.crt; }
	location = /nolocation { return 302; }'
drop_start 18082

H=http://127.0.0.1:18080

# url_case NAME RESULT EXIT ARGS...: one --url, its class and the exit status
url_case() {
	name=$1 want=$2 want_rc=$3
	shift 3
	run aiacheck --json --no-system-trust "$@"
	expect "$name: exit status" "$want_rc"
	expect_json "$name: result" '.urls[0].result' "$want"
}

# Table: name, expected class, exit status, arguments.
url_case "ok" ok 0 --url "$H/int-ca.crt"
expect_json "ok: status" '.urls[0].http_status' 200
expect_json "ok: bytes" '.urls[0].bytes' "$(wc -c <"$FX/pki/int-ca.der" | tr -d ' ')"
expect_json "ok: content type" '.urls[0].content_type' application/pkix-cert
expect_json "ok: address" '.urls[0].addresses | join(",")' 127.0.0.1
expect_json "ok: timings are numbers" '.urls[0].timings | [.dns, .connect, .first_byte, .total] | map(type) | unique | join(",")' number
expect_json "ok: no TLS phase on http" '.urls[0].timings.tls' null
expect_json "ok: content recognised" '.urls[0].content.type' certificates
url_case "404" http-error 1 --url "$H/nope.crt"
expect_json "404: status" '.urls[0].http_status' 404
url_case "refused" refused 1 --url http://127.0.0.1:18099/int-ca.crt
url_case "dns-failure" dns-failure 1 --url http://ca.invalid/ocsp
# a name server that never answers (30 s resolver timeout): the lookup is
# bounded by --connect-timeout, and so is the whole run (libcurl waited
# for its resolver thread without CURLOPT_QUICK_EXIT)
if silent_dns_on; then
	t0=$(date +%s)
	url_case "silent name server" dns-failure 1 --connect-timeout 1 --url http://silent-dns.example.test/int-ca.crt
	t1=$(date +%s)
	silent_dns_off
	expect_json "silent name server: says it timed out" '.urls[0].note | test("timed out")' true
	expect_json "silent name server: the lookup costs the connect timeout (generous bounds)" \
		'.urls[0].timings.total >= 900 and .urls[0].timings.total < 8000' true
	checks=$((checks + 1))
	if [ $((t1 - t0)) -lt 10 ]; then
		echo "ok: silent name server: the run took $((t1 - t0)) s"
	else
		fail "silent name server: the run took $((t1 - t0)) s, not the connect timeout"
	fi
else
	echo "skipped: silent name server ($silent_dns_why)"
fi
url_case "dropped" dropped 1 --connect-timeout 1 --url http://127.0.0.1:18082/int-ca.crt
expect_json "dropped: costs the connect timeout (generous bounds)" \
	'.urls[0].timings.total >= 900 and .urls[0].timings.total < 4000' true
# the connect timeout covers the name lookup too (136 ms for an IP
# literal under valgrind): the two phases hold the time, nothing after
expect_json "dropped: the time is in the lookup and connect phases" \
	'.urls[0].timings.dns + .urls[0].timings.connect >= 900 and .urls[0].timings.tls == null and .urls[0].timings.first_byte == null' true
url_case "timeout (trickled body)" timeout 1 --timeout 1 --url "$H/slow.bin"
expect_json "timeout: connected" '.urls[0].timings.connect != null' true
# shellcheck disable=SC2086
url_case "tls-error (untrusted server)" tls-error 1 $CK_NET_SLACK --url https://127.0.0.1:18443/int-ca.crt
SSL_CERT_FILE="$FX/pki/root-ca.crt"
export SSL_CERT_FILE
# shellcheck disable=SC2086
url_case "https with SSL_CERT_FILE" ok 0 $CK_NET_SLACK --url https://127.0.0.1:18443/int-ca.crt
expect_json "https: TLS phase measured" '.urls[0].timings.tls | type' number
unset SSL_CERT_FILE
url_case "too-large (Content-Length)" too-large 1 --url "$H/big.bin"
url_case "too-large (chunked, write callback)" too-large 1 --url "$H/chunked/big.bin"
url_case "--max-body raises the limit" ok 0 --max-body 4M --url "$H/big.bin"
url_case "--max-body lowers it" too-large 1 --max-body 100 --url "$H/int-ca.crt"
url_case "redirect followed" ok 0 --url "$H/redir/int-ca.crt"
expect_json "redirect: every hop" '.urls[0].hops | map(.status | tostring) | join(",")' 301,200
expect_json "redirect: hop target" '.urls[0].hops[0].location' "$H/int-ca.crt"
url_case "two redirects" ok 0 --url "$H/redir2"
expect_json "two redirects: three hops" '.urls[0].hops | length' 3
url_case "redirect loop" http-error 1 --url "$H/loop"
expect_json "redirect loop: stops after 5 redirects" '.urls[0].hops | length' 6
expect_json "redirect loop: says so" '.urls[0].note | test("more than 5 redirects")' true
url_case "redirect to ftp" unsupported-scheme 1 --url "$H/toftp"
url_case "redirect without Location" http-error 1 --url "$H/nolocation"
url_case "unsupported scheme" unsupported-scheme 1 --url ftp://127.0.0.1/int-ca.crt
expect_json "unsupported: no request" '.urls[0].checked' false
url_case "malformed: unknown scheme" malformed-url 1 --url hhtp://127.0.0.1:18080/int-ca.crt
url_case "malformed: no scheme" malformed-url 1 --url no-scheme/int-ca.crt
url_case "malformed: leading space" malformed-url 1 --url " $H/int-ca.crt"
expect_json "leading space: still tested without it" '.urls[0].effective_result + " " + .urls[0].requested' "ok $H/int-ca.crt"

# LDAP: through libcurl's LDAP support when it has it (nothing listens on 18389)
run aiacheck --json --list --no-system-trust --url ldap://127.0.0.1:18389/cn=int
if [ "$(json '.urls[0].result')" = unsupported-scheme ]; then
	expect_json "ldap without LDAP support: a note" '.urls[0].note | test("no LDAP support")' true
else
	url_case "ldap: refused" refused 1 --url ldap://127.0.0.1:18389/cn=int
fi

# all URLs at once: the run costs about the slowest URL, not the sum
run aiacheck --json --no-system-trust --connect-timeout 2 \
	--url http://127.0.0.1:18082/a --url http://127.0.0.1:18082/b --url http://127.0.0.1:18082/c \
	--url "$H/int-ca.crt" --url http://127.0.0.1:18099/
expect "five URLs" 1
expect_json "five URLs: classes" '[.urls[].result] | join(",")' dropped,dropped,dropped,ok,refused
expect_json "three dropped URLs cost one connect timeout (generous bound)" '.summary.elapsed_ms < 5000' true
run aiacheck --json --no-system-trust --connect-timeout 1 --parallel 1 \
	--url http://127.0.0.1:18082/a --url http://127.0.0.1:18082/b
expect_json "--parallel 1 runs them one after the other" '.summary.elapsed_ms >= 1800' true
finish
