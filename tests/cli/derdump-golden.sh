#!/bin/sh
# derdump's text and JSON for one input of each kind, compared with the
# committed outputs in tests/golden/derdump/ (JSON compared as pretty-printed
# by jq).  To accept a deliberate change of the output:
#   DERDUMP_GOLDEN_UPDATE=1 make check TESTS=tests/cli/derdump-golden.sh
# rewrites the files in the source tree; review the diff before committing.
. "$top_srcdir/tests/lib.sh"
need jq

GOLDEN="$top_srcdir/tests/golden/derdump"
cd "$FX" || skip "no fixtures directory"

# compare NAME FILE: the last stdout against GOLDEN/FILE
compare() {
	checks=$((checks + 1))
	if [ -n "${DERDUMP_GOLDEN_UPDATE:-}" ]; then
		cp "$TMPD/got" "$GOLDEN/$2"
		echo "updated: $2"
	elif diff -u "$GOLDEN/$2" "$TMPD/got" >"$TMPD/diff"; then
		echo "ok: $1 ($2)"
	else
		cp "$TMPD/diff" "$out"
		fail "$1: output differs from $2"
	fi
}

# name | exit status | arguments (run in fixtures/, so that names are relative)
while IFS="|" read -r gname want_rc args; do
	[ -z "$gname" ] && continue
	# shellcheck disable=SC2086
	run derdump $args
	expect "$gname: text" "$want_rc"
	cp "$out" "$TMPD/got"
	compare "$gname: text" "$gname.txt"
	# shellcheck disable=SC2086
	run derdump --json $args
	expect "$gname: json" "$want_rc"
	if jq . "$out" >"$TMPD/got" 2>"$TMPD/jq.err"; then
		compare "$gname: json" "$gname.json"
	else
		checks=$((checks + 1))
		fail "$gname: JSON does not parse: $(cat "$TMPD/jq.err")"
	fi
done <<'TABLE'
certificate|0|--type auto pki/client.der
certificate-plain|0|pki/client.der
crl|0|--type auto pki/int-ca.crl
pfx|0|--type auto p12/modern.pfx
pkcs7-ber|0|--type auto bundles/client-chain-ber.p7b
ocsp-response|0|--type auto asn1/ocsp-resp.der
ocsp-request|0|--type OCSPRequest asn1/ocsp-req.der
encrypted-key|0|--type auto bundles/key-enc-pkcs8.pem
not-der-strict|1|--strict-der asn1/not-der.ber
invalid|1|asn1/invalid.der
truncated|3|bad/truncated.der
TABLE
finish
