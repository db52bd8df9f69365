#!/bin/sh
# aiacheck --format nagios: the Nagios plugin API's status line (state,
# summary, perfdata by its grammar: each URL's time in seconds), long text
# and exit statuses 0-3 — OK, WARNING (a URL fails that no client needs),
# CRITICAL (one a client needs, or any with --strict), UNKNOWN (an input
# not read, usage errors) — with nginx and `openssl ocsp` in a private
# network namespace.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need_servers nginx openssl

www_setup
web
ocsp_start

CA="--no-system-trust --ca-file $FX/pki/root-ca.crt"
DEMO="--password demo $FX/demo/client.pfx"
SECS='[0-9]+(\.[0-9]+)?s;;;0'

# all fine
# shellcheck disable=SC2086
run aiacheck $CA --ocsp-get --format nagios $DEMO
expect_nagios "all fine: OK" 0 AIACHECK OK
expect "all fine: summary" 0 "^AIACHECK OK - [0-9]+ URLs ok for 1 input; slowest http://127\.0\.0\.1:1808[01]/[^|]* [0-9.]+s \| 'urls'=[0-9]+;;;0 'urls_failed'=0;;;0 'urls_warning'=0;;;0 "
expect "all fine: the issuer's time" 0 " 'http://127\.0\.0\.1:18080/int-ca\.crt'=$SECS( |\$)"
expect "all fine: OCSP by POST and by GET" 0 " 'http://127\.0\.0\.1:18081/'=$SECS 'http://127\.0\.0\.1:18081/ \(GET\)'=$SECS( |\$)"
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 1 ]; then echo "ok: all fine: one line"; else fail "all fine: long text"; fi
checks=$((checks + 1))
n=$(head -1 "$out" | grep -o "'http://127\.0\.0\.1:18080/int-ca\.crl'=" | wc -l)
if [ "$n" -eq 1 ]; then echo "ok: each URL once"; else fail "a URL $n times in the perfdata"; fi

# a stale CRL no client here needs: WARNING; with --strict: CRITICAL
cp "$WWW/int-ca.crl" "$TMPD/int-ca.crl"
cp "$FX/aia/int-ca-stale.crl" "$WWW/int-ca.crl"
# shellcheck disable=SC2086
run aiacheck $CA --format nagios $DEMO
expect_nagios "stale CRL: WARNING" 1 AIACHECK WARNING
expect "stale CRL: summary" 1 "^AIACHECK WARNING - [0-9]+ URLs, 1 failed for 1 input; "
expect "stale CRL: long text" 1 "^FAILED $FX/demo/client\.pfx: crl http://127\.0\.0\.1:18080/int-ca\.crl: stale: "
expect "stale CRL: counted" 1 " 'urls_failed'=1;;;0 "
# shellcheck disable=SC2086
run aiacheck $CA --strict --format nagios $DEMO
expect_nagios "stale CRL, --strict: CRITICAL" 2 AIACHECK CRITICAL
expect "stale CRL, --strict: says a URL is needed" 2 "; 1 where a URL a client needs fails; "
cp "$TMPD/int-ca.crl" "$WWW/int-ca.crl"

# a given URL that fails is needed: CRITICAL; a label with a quote and
# '=' is quoted and encoded
run aiacheck $CA --format nagios --url "http://127.0.0.1:18080/it's?a=b" --url http://127.0.0.1:18099/x
expect_nagios "given URLs failing: CRITICAL" 2 AIACHECK CRITICAL
expect "given URLs failing: summary" 2 "^AIACHECK CRITICAL - 2 URLs, 2 failed for 1 input; 1 where a URL a client needs fails; "
expect "a quote doubled, '=' encoded" 2 " 'http://127\.0\.0\.1:18080/it''s\?a%3Db'=$SECS"
expect "refused: long text" 2 "^FAILED --url: url http://127\.0\.0\.1:18099/x: refused: "

# an input that cannot be read: UNKNOWN, unless another is worse
# shellcheck disable=SC2086
run aiacheck $CA --format nagios $DEMO "$TMPD/missing.pem"
expect_nagios "an input not read: UNKNOWN" 3 AIACHECK UNKNOWN
expect "an input not read: summary" 3 "^AIACHECK UNKNOWN - [0-9]+ URLs ok for 1 input; 1 input not read; " \
	"^aiacheck: $TMPD/missing\.pem: "
expect "an input not read: long text" 3 "^UNREADABLE $TMPD/missing\.pem: "
run aiacheck $CA --format nagios --url http://127.0.0.1:18099/x "$TMPD/missing.pem"
expect_nagios "an input not read and a URL needed: CRITICAL" 2 AIACHECK CRITICAL

# --list: no traffic, no times
# shellcheck disable=SC2086
run aiacheck $CA --list --format nagios $DEMO
expect_nagios "--list: OK" 0 AIACHECK OK
checks=$((checks + 1))
if head -1 "$out" | grep -q "'http"; then fail "--list: URL times"; else echo "ok: --list: no URL times"; fi

# usage errors: UNKNOWN, wherever --format is
while IFS='|' read -r name args msg; do
	# shellcheck disable=SC2086
	run aiacheck $args
	expect "usage: $name: UNKNOWN" 3 "^AIACHECK UNKNOWN - $msg" "^aiacheck: $msg"
done <<EOF
--parallel 0 after --format|--format nagios --parallel 0 --url http://127.0.0.1:18080/x|--parallel takes a number from 1 to 1000
--parallel 0 before --format|--parallel 0 --format=nagios --url http://127.0.0.1:18080/x|--parallel takes a number from 1 to 1000
no input|--format nagios|no input file
EOF
run aiacheck --format xml --parallel 0 --url http://127.0.0.1:18080/x
expect "usage, --format xml: exit 2" 2 '' "--parallel takes"

finish
