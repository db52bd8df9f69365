#!/bin/sh
# certaudit --network --format openmetrics against nginx on loopback in a
# private network namespace, the OCSP responder not started: each URL
# requested has chainkit_url_up (1 for what nginx served, 0 for the
# refused OCSP URL) and chainkit_url_latency_seconds, as many as the JSON
# lists URLs requested; promtool accepts the exposition.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need_servers nginx openssl
need jq

P="$FX/pki"
printf 'max-leaf-validity-days = 0\n' >"$TMPD/net.policy"
COMMON="--no-system-trust --ca-file $P/root-ca.crt --policy $TMPD/net.policy --connect-timeout 2 --timeout 5"
T="$TMPD/certs"
mkdir -p "$T"
cat "$P/client.crt" "$P/int-ca.crt" >"$T/client.pem"
cat "$P/server.crt" "$P/int-ca.crt" >"$T/server.pem"

www_setup
web

start=$(date +%s.%N)
# shellcheck disable=SC2086
run certaudit $COMMON --network --format openmetrics "$T"
end=$(date +%s.%N)
expect "network: the refused OCSP URL fails the files" 1 '^chainkit_url_up'
M="$TMPD/metrics"
cp "$out" "$M"
# shellcheck disable=SC2086
run certaudit $COMMON --network --jsonl "$T"
J="$TMPD/jsonl"
cp "$out" "$J"

C="$T/client.pem"
expect_metric "the CRL nginx serves is up" "chainkit_url_up{file=\"$C\",kind=\"crl\",url=\"http://127.0.0.1:18080/int-ca.crl\"} " 1
expect_metric "the caIssuers URL is up" "chainkit_url_up{file=\"$C\",kind=\"ca-issuers\",url=\"http://127.0.0.1:18080/int-ca.crt\"} " 1
expect_metric "the refused OCSP URL is down" "chainkit_url_up{file=\"$C\",kind=\"ocsp\",url=\"http://127.0.0.1:18081/\"} " 0

# as many up and latency samples as distinct (file, kind, url) the JSON
# shows requested; every latency a number of seconds, no longer than the
# whole run took
checks=$((checks + 1))
want=$(jq -r 'select(.path) | .path as $p | .urls[] | select(.method != null) | "\($p) \(.kind) \(.url)"' "$J" | sort -u | wc -l)
up=$(grep -c '^chainkit_url_up{' "$M")
lat=$(grep -c '^chainkit_url_latency_seconds{' "$M")
if [ "$want" -gt 0 ] && [ "$up" -eq "$want" ] && [ "$lat" -eq "$want" ] &&
	grep '^chainkit_url_latency_seconds{' "$M" | awk -v run="$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" '{ if ($NF !~ /^[0-9]+\.[0-9]+$/ || $NF + 0 > run + 0) exit 1 }'; then
	echo "ok: $want URLs requested: as many up and latency samples, latencies in seconds, within the run's time"
else
	cp "$M" "$out"; fail "URL samples: want $want, up $up, latency $lat"
fi
# up agrees with the JSON's result for every URL: 0 for the transport's
# failures, 1 when an answer came (whatever it held)
checks=$((checks + 1))
jq -r '["dns-failure", "refused", "dropped", "timeout", "tls-error", "http-error", "proxy-error",
	"too-large", "blocked-address"] as $down |
	select(.path) | .path as $p | .urls[] | select(.method != null) |
	"\($p) \(.kind) \(.url) \(if (.result | IN($down[])) then 0 else 1 end)"' "$J" | sort -u >"$TMPD/want"
sed -n 's/^chainkit_url_up{file="\(.*\)",kind="\(.*\)",url="\(.*\)"} \([01]\)$/\1 \2 \3 \4/p' "$M" | sort -u >"$TMPD/got"
if cmp -s "$TMPD/want" "$TMPD/got"; then
	echo "ok: up agrees with the JSON's results"
else
	diff "$TMPD/want" "$TMPD/got"; fail "up differs from the JSON's results"
fi

if ! command -v promtool >/dev/null 2>&1; then
	skip "promtool is not installed (package prometheus)"
fi
checks=$((checks + 1))
if promtool check metrics <"$M" >"$TMPD/promtool" 2>&1; then
	echo "ok: promtool check metrics (with URLs)"
else
	cat "$TMPD/promtool"; cp "$M" "$out"; fail "promtool check metrics rejects the output"
fi
finish
