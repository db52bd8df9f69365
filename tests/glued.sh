# tests/glued.sh — sourced (after lib.sh) by the tests of PEM blocks that
# start mid-line (chainview-glued.sh, glued-oracles.sh).
#
# make_glued DIR   writes into DIR the files below, each made at test time
#                  the way people make them: `cat` of real fixture files,
#                  some of them without their final newline (head -c).
#                  `crlf` variants are the same files with CRLF line ends.
#
# The table GLUED lists them, one per line:
#   file | certificates | keys | blocks | first glued line | message (ERE)
# "blocks" counts every PEM block; "first glued line" is 0 for files with
# every BEGIN at the start of its line.

# nonl FILE [N]: FILE without its last N bytes (1: the "\n"; 2: a CRLF)
nonl() { head -c "-${2:-1}" "$1"; }
crlf() { sed 's/$/\r/' "$1"; }

make_glued() {
	d=$1
	P=$FX/pki
	mkdir -p "$d"
	cat "$P/client.crt" "$P/int-ca.crt" >"$d/lf-ok.pem"
	{ nonl "$P/client.crt"; cat "$P/int-ca.crt"; } >"$d/lf-glued-1-2.pem"
	{ cat "$P/client.crt"; nonl "$P/int-ca.crt"; cat "$P/root-ca.crt"; } >"$d/lf-glued-2-3.pem"
	{ cat "$P/client.crt"; nonl "$P/int-ca.crt"; cat "$P/root-ca.crt" "$P/server.crt"; } \
		>"$d/lf-glued-2-3-of-4.pem"
	crlf "$P/client.crt" >"$d/client-crlf.crt"
	crlf "$P/int-ca.crt" >"$d/int-crlf.crt"
	cat "$d/client-crlf.crt" "$d/int-crlf.crt" >"$d/crlf-ok.pem"
	{ nonl "$d/client-crlf.crt" 2; cat "$d/int-crlf.crt"; } >"$d/crlf-glued.pem"
	# only the "\n" of the last CRLF dropped: a lone CR ends no line
	{ nonl "$d/client-crlf.crt" 1; cat "$d/int-crlf.crt"; } >"$d/crlf-cr-glued.pem"
	rm -f "$d/client-crlf.crt" "$d/int-crlf.crt"
	{ nonl "$P/client.crt"; cat "$P/client.key"; } >"$d/cert-key.pem"
	{ nonl "$P/client.key"; cat "$P/client.crt"; } >"$d/key-cert.pem"
	{ nonl "$P/client.crt"; printf ' # next: '; cat "$P/int-ca.crt"; } >"$d/text-between.pem"
	{ printf '# leaf '; cat "$P/client.crt" "$P/int-ca.crt"; } >"$d/text-before.pem"
	# ten files without a final newline, one after the other
	: >"$d/many.pem"
	for i in 1 2 3 4 5; do
		{ nonl "$P/client.crt"; nonl "$P/int-ca.crt"; } >>"$d/many.pem"
	done
	printf '\n' >>"$d/many.pem"
}

GLUED='
lf-ok.pem|2|0|2|0|
lf-glued-1-2.pem|2|0|2|25|^blocks 1 and 2 are on one line \(25\), no newline between END CERTIFICATE and BEGIN CERTIFICATE: .*rejects block 1 there
lf-glued-2-3.pem|3|0|3|48|^blocks 2 and 3 are on one line \(48\), no newline between END CERTIFICATE and BEGIN CERTIFICATE: .*rejects block 2 there
lf-glued-2-3-of-4.pem|4|0|4|48|^blocks 2 and 3 are on one line \(48\)
crlf-ok.pem|2|0|2|0|
crlf-glued.pem|2|0|2|25|^blocks 1 and 2 are on one line \(25\), no newline between END CERTIFICATE and BEGIN CERTIFICATE
crlf-cr-glued.pem|2|0|2|25|^blocks 1 and 2 are on one line \(25\), no newline between END CERTIFICATE and BEGIN CERTIFICATE
cert-key.pem|1|1|2|25|^blocks 1 and 2 are on one line \(25\), no newline between END CERTIFICATE and BEGIN PRIVATE KEY
key-cert.pem|1|1|2|28|^blocks 1 and 2 are on one line \(28\), no newline between END PRIVATE KEY and BEGIN CERTIFICATE
text-between.pem|2|0|2|25|^blocks 1 and 2 are on one line \(25\), with other text between END CERTIFICATE and BEGIN CERTIFICATE
text-before.pem|2|0|2|1|^block 1 \(CERTIFICATE\) starts after other text on line 1 \("# leaf "\): OpenSSL.s PEM reader takes a BEGIN only at the start of a line
many.pem|2|0|10|25|^blocks 1 and 2 are on one line \(25\)
'
