#!/bin/sh
# contrib/prometheus/certaudit-textfile writes certaudit's metrics into a
# textfile directory as the systemd service does, and a real
# prometheus-node-exporter (loopback only, in a private network
# namespace) serves them back over HTTP: the values survive its parser,
# the collector reports no error, no temporary file is left, and an audit
# that fails leaves the previous file in place.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need curl
NE=$(command -v prometheus-node-exporter || command -v node_exporter) ||
	skip "prometheus-node-exporter is not installed"
[ -x "$NETPROBE" ] || skip "tests/servers/netprobe is not built"

D="$TMPD/textfile"
mkdir "$D"
PORT=19100
bg_start node_exporter "$NE" --web.listen-address=127.0.0.1:$PORT \
	--collector.disable-defaults --collector.textfile --collector.textfile.directory="$D"
wait_port $PORT

A="$FX/audit"
W="$top_srcdir/contrib/prometheus/certaudit-textfile"
COMMON="--no-system-trust --ca-file $FX/pki/root-ca.crt --at 2030-06-01 --policy $A/policy.conf"

# textfile ARGS...: the script as the service runs it; sets rc, $out, $err
textfile() {
	CERTAUDIT="$BIN/certaudit" sh "$W" "$D" "$@" >"$out" 2>"$err"
	rc=$?
}
scrape() {
	curl -fsS --max-time 10 "http://127.0.0.1:$PORT/metrics" >"$TMPD/scraped" 2>"$err"
}

# shellcheck disable=SC2086
textfile $COMMON "$A/tree/good" "$A/tree/incomplete" "$A/tree/expired"
expect "the script: a file FAILs, the metrics are written all the same" 0
checks=$((checks + 1))
if [ -f "$D/certaudit.prom" ] && [ "$(ls -A "$D")" = "certaudit.prom" ] &&
	[ "$(stat -c %a "$D/certaudit.prom")" = 644 ] && tail -1 "$D/certaudit.prom" | grep -q '^# EOF$'; then
	echo "ok: certaudit.prom written whole, readable by all, no temporary file left"
else
	ls -la "$D"; fail "the textfile directory"
fi

checks=$((checks + 1))
if scrape; then echo "ok: node_exporter answers on loopback"; else rc=$?; fail "curl"; fi
# value NAME PREFIX: the value of the one scraped sample starting PREFIX,
# as an integer (node_exporter writes 1.9249056e+09)
value() {
	P=$1 awk 'index($0, ENVIRON["P"]) == 1 { n++; v = $NF } END { if (n == 1) printf "%.0f\n", v }' "$TMPD/scraped"
}
leaf_end=$(date -u -d "$(openssl x509 -in "$A/tree/good/server.pem" -noout -enddate | sed 's/notAfter=//')" +%s)
# scraped NAME PREFIX WANT: one sample starting PREFIX, of value WANT
scraped() {
	checks=$((checks + 1))
	got=$(value "$2")
	if [ "$got" = "$3" ]; then
		echo "ok: $1"
	else
		cp "$TMPD/scraped" "$out"; fail "$1: '$got', expected '$3'"
	fi
}
scraped "not_after of the leaf, read back over HTTP" \
	"chainkit_certificate_not_after_timestamp_seconds{file=\"$A/tree/good/server.pem\",issuer=\"CN=chainkit Issuing CA 1,O=chainkit tests\",role=\"leaf\"," \
	"$leaf_end"
scraped "chain incomplete, read back" "chainkit_file_chain_complete{file=\"$A/tree/incomplete/leaf-only.pem\"}" 0
scraped "expired: not valid, read back" "chainkit_file_chain_valid{file=\"$A/tree/expired/old.pem\"}" 0
scraped "files audited, read back" "chainkit_files_audited " 5
scraped "the audit's time, read back" "chainkit_audit_timestamp_seconds " "$(date -u -d 2030-06-01 +%s)"
scraped "the textfile collector saw no error" "node_textfile_scrape_error " 0
checks=$((checks + 1))
if grep -q '^# HELP chainkit_certificate_remaining_seconds Seconds from the audit' "$TMPD/scraped" &&
	grep -q '^# TYPE chainkit_file_verdict gauge$' "$TMPD/scraped"; then
	echo "ok: HELP and TYPE read back"
else
	cp "$TMPD/scraped" "$out"; fail "HELP and TYPE lines"
fi

# an audit that fails (exit 3: no such PATH) leaves the previous file
cp "$D/certaudit.prom" "$TMPD/before"
# shellcheck disable=SC2086
textfile $COMMON "$TMPD/nonexistent"
expect "the script: certaudit fails, its status returned" 3 '' 'certaudit-textfile: certaudit failed \(exit status 3\)'
checks=$((checks + 1))
if cmp -s "$TMPD/before" "$D/certaudit.prom" && [ "$(ls -A "$D")" = "certaudit.prom" ]; then
	echo "ok: the previous metrics stay, no temporary file left"
else
	ls -la "$D"; fail "a failed audit changed the textfile directory"
fi
scrape
scraped "still served after the failed audit" "chainkit_files_audited " 5

# a second audit replaces the file: node_exporter serves the new one
# shellcheck disable=SC2086
textfile $COMMON "$A/tree/good/server.pem"
expect "the script: all pass" 0
scrape
scraped "the new metrics are served" "chainkit_files_audited " 1
scraped "the collector still sees no error" "node_textfile_scrape_error " 0

textfile
expect "the script: usage" 2 '' '^usage: certaudit-textfile DIR'
finish
