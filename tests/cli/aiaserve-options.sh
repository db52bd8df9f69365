#!/bin/sh
# aiaserve: usage errors and inputs it cannot serve, each one line on
# stderr with its exit status (none of these listens).
. "$top_srcdir/tests/lib.sh"

PKI="$TMPD/pki"
mkdir "$PKI" "$TMPD/empty" "$TMPD/clash"
cp "$FX/pki/root-ca.crt" "$FX/pki/int-ca.crt" "$PKI/"
cp "$FX/pki/root-ca.crt" "$TMPD/clash/ca.crt"
cp "$FX/pki/int-ca.der" "$TMPD/clash/ca.der"
printf 'not a certificate\n' >"$TMPD/text.txt"

# Table: name, exit status, stderr pattern, arguments.
while IFS='|' read -r name want pattern args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	eval "set -- $args"
	run aiaserve "$@"
	expect "$name" "$want" "" "$pattern"
	if [ -s "$out" ]; then
		fail "$name: something on stdout"
	fi
	if [ "$want" = 2 ]; then
		expect "$name: points at --help" "$want" "" "^Try 'aiaserve --help' for more information\.$"
	else
		expect_one_line_error "$name"
	fi
done <<EOF2
no operand|2|no directory or file to serve|
--fault without =|2|--fault takes PATH=MODE|--fault /x '$PKI'
--fault without /|2|--fault takes PATH=MODE|--fault x=hang '$PKI'
--fault: unknown mode|2|unknown mode in '/x=bogus'|--fault /x=bogus '$PKI'
--fault: slow needs a rate|2|slow needs a value|--fault /root-ca.crt=slow '$PKI'
--fault: hang takes none|2|hang takes no value|--fault /x=hang=1 '$PKI'
--fault: slow=0|2|slow takes bytes per second|--fault /root-ca.crt=slow=0 '$PKI'
--fault: delay=0|2|delay takes seconds|--fault /root-ca.crt=delay=0 '$PKI'
--fault: delay=soon|2|delay takes seconds|--fault /root-ca.crt=delay=soon '$PKI'
--fault: status=99|2|status takes an HTTP status from 200 to 599|--fault /x=status=99 '$PKI'
--fault: redirect=0|2|redirect takes a number|--fault /x=redirect=0 '$PKI'
--fault: a path twice|2|/x is given twice|--fault /x=hang --fault /x=status=500 '$PKI'
--fault: / is a path, served or not|2|nothing is served at /$|--fault /=drop '$PKI'
--fault: a URL without --listen|2|http://127.0.0.1:18080/root-ca.crt needs --listen with that address and port|--fault http://127.0.0.1:18080/root-ca.crt=hang '$PKI'
--fault: a URL of another port|2|http://127.0.0.1:18080/root-ca.crt is not a URL of this server \(http://127.0.0.1:18081\)|--listen 127.0.0.1:18081 --fault http://127.0.0.1:18080/root-ca.crt=hang '$PKI'
--fault: a URL with a host name|2|needs a numeric ADDR:PORT, not 'localhost:18080'|--listen 127.0.0.1:18080 --fault http://localhost:18080/root-ca.crt=hang '$PKI'
--fault: a URL without a path|2|--fault takes http://ADDR:PORT/PATH=MODE|--fault http://127.0.0.1:18080=hang '$PKI'
--fault: an https URL|2|serves http:// URLs only|--fault https://127.0.0.1:18080/x=hang '$PKI'
--fault: a query|2|a fault is per path, without a query|--fault '/x?a=1=hang' '$PKI'
--fault: a URL and its path|2|/root-ca.crt is given twice|--fault /root-ca.crt=hang --fault http://127.0.0.1:18080/root-ca.crt=drop '$PKI'
--fault: nothing served there|2|nothing is served at /nope.crt|--fault /nope.crt=drop '$PKI'
--fault: wrong-cert with one CA|2|wrong-cert at /root-ca.crt needs another certificate|--fault /root-ca.crt=wrong-cert '$FX/pki/root-ca.crt'
stale without --ca-key|2|stale at /int-ca.crl needs a CRL there and --ca-key|--fault /int-ca.crl=stale '$FX/pki/int-ca.crl'
stale on a certificate|2|stale at /int-ca.crt needs a CRL there|--ca-key '$FX/pki/int-ca.key' --fault /int-ca.crt=stale '$FX/pki/int-ca.crt' '$FX/pki/int-ca.crl'
--ca-key of no CA served|2|--ca-key .*other-root.key: the key of no CA served|--ca-key '$FX/pki/other-root.key' '$FX/pki/int-ca.crt' '$FX/pki/int-ca.crl'
--ca-key missing|3|^aiaserve: $TMPD/missing.key: |--ca-key '$TMPD/missing.key' '$PKI'
--ca-key not a key|3|^aiaserve: $TMPD/text.txt: |--ca-key '$TMPD/text.txt' '$PKI'
--listen without a port|2|--listen takes ADDR:PORT|--listen 127.0.0.1 '$PKI'
--listen with a name|2|--listen takes ADDR:PORT|--listen localhost:80 '$PKI'
--listen port 65536|2|--listen takes ADDR:PORT|--listen 127.0.0.1:65536 '$PKI'
missing file|3|^aiaserve: $TMPD/missing.crt: |'$TMPD/missing.crt'
not a certificate|3|^aiaserve: $TMPD/text.txt: |'$TMPD/text.txt'
empty directory|3|^aiaserve: $TMPD/empty: no certificate and no CRL to serve|'$TMPD/empty'
one path from two certificates|2|/ca.crt would be served from .*ca.crt and from .*ca.der, which differ|'$TMPD/clash'
a log that cannot be opened|5|^aiaserve: $TMPD/no/log: cannot open the log|--log '$TMPD/no/log' '$PKI'
an address not of this host|5|cannot listen there|--listen 192.0.2.1:0 '$PKI'
EOF2

run aiaserve --help
expect "--help" 0 "Usage: aiaserve"

finish
