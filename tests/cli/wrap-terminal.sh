#!/bin/sh
# Text output on a terminal fits it (issue 24 item 5): every tool, run on
# a pseudo-terminal at COLUMNS=80 over certificates with long, non-ASCII
# names, long URLs and a long file name, prints no line over 80 display
# columns; not on a terminal, each item (a tree line, a -v field, a store
# row, a finding) stays whole on one line, for grep.  (pfx2pem, pem2pfx
# and certconv print no summary on standard output; their messages on
# standard error are one line each by contract.)
. "$top_srcdir/tests/servers/netns.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/tls.sh"
need openssl python3

# ---- a three-level PKI with long names, made by OpenSSL
U="http://127.0.0.1:9/a-repository-with-a-long-path/certificates-and-revocation-lists"
OU="/OU=Ünïcödé Organisational Unit Name For Wrapping Of DNs/OU=Second Organisational Unit Name Of Moderate Length"
cat >"$TMPD/ext.cnf" <<E
[ca]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
authorityInfoAccess=caIssuers;URI:$U/root-certificate-authority.crt,OCSP;URI:$U/ocsp-responder-for-the-root
crlDistributionPoints=URI:$U/root-certificate-authority-full.crl
certificatePolicies=1.3.6.1.4.1.55555.1.2.3.4.5.6.7.8.9.10.11.12,2.23.140.1.2.2
[leaf]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth,serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=DNS:a-very-long-service-name-number-one.internal.example-with-a-long-host-name.test,DNS:127.0.0.1,IP:127.0.0.1,email:someone-with-a-long-mailbox-name@example-with-a-long-host-name.test
authorityInfoAccess=caIssuers;URI:$U/intermediate-certificate-authority.crt,OCSP;URI:$U/ocsp-responder-for-the-intermediate
crlDistributionPoints=URI:$U/intermediate-certificate-authority-full.crl
E
mk() { # NAME SUBJECT [ISSUER EXT]
	if [ $# -eq 2 ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -utf8 -days 36500 \
			-keyout "$TMPD/$1.key" -out "$TMPD/$1.crt" -subj "$2" \
			-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
	else
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -utf8 \
			-keyout "$TMPD/$1.key" -out "$TMPD/$1.csr" -subj "$2" &&
		openssl x509 -req -in "$TMPD/$1.csr" -CA "$TMPD/$3.crt" -CAkey "$TMPD/$3.key" \
			-set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" -days 36000 \
			-extfile "$TMPD/ext.cnf" -extensions "$4" -out "$TMPD/$1.crt"
	fi
}
{
	mk root "/C=DE/O=Example Root Certificate Authority Organisation GmbH And Co KG$OU/CN=Example Root Certificate Authority Long Name Root R1" &&
	mk int "/C=DE/O=Example Intermediate Authority Organisation GmbH And Co KG$OU/CN=Example Intermediate Certificate Authority Long Name I1" root ca &&
	mk leaf "/C=DE/O=Example Client Organisation With A Long Legal Name GmbH$OU/CN=service-one.internal.example-with-a-long-host-name.test" int leaf &&
	openssl pkcs12 -export -in "$TMPD/leaf.crt" -inkey "$TMPD/leaf.key" -certfile "$TMPD/int.crt" \
		-passout pass:test -out "$TMPD/leaf.pfx"
} >"$TMPD/gen.log" 2>&1 || { cat "$TMPD/gen.log"; skip "openssl could not make the long-name PKI"; }
D="$TMPD/a-directory-with-a-long-name-for-bundles-ÜÖÄ"
mkdir "$D"
LONG="$D/a-bundle-file-with-a-very-long-name-to-see-how-headers-wrap-on-a-narrow-terminal.pem"
cat "$TMPD/leaf.crt" "$TMPD/int.crt" >"$LONG"
cp "$TMPD/root.crt" "$TMPD/int.crt" "$D/"
LEAFSUBJ=$(openssl x509 -noout -subject -nameopt RFC2253,-esc_msb -in "$TMPD/leaf.crt" | sed 's/^subject=//')

# a TLS server on loopback with the long chain, asking for a client certificate
openssl_server 4461 -www -cert "$TMPD/leaf.crt" -key "$TMPD/leaf.key" -cert_chain "$TMPD/int.crt" \
	-Verify 1 -CAfile "$TMPD/root.crt"

TRUST="--no-system-trust --ca-file $TMPD/root.crt"
# NAME | TOOL ARGS... (one command per line; words split on blanks, so
# the long paths are given through variables the shell expands)
cat >"$TMPD/cases" <<E
chainview -v	chainview -v --color never $TRUST "\$LONG"
chainview root missing	chainview -v --color never --no-system-trust "\$LONG"
chainview pfx	chainview --color never --password test "\$TMPD/leaf.pfx"
truststore list	truststore list --color never -v "\$D"
truststore find	truststore find --color never Intermediate "\$D"
truststore check	truststore check --color never --store "\$D" "\$LONG"
mtlsprobe	mtlsprobe --color never -v $TRUST --pfx "\$TMPD/leaf.pfx" --password test 127.0.0.1:4461
mtlsprobe refused	mtlsprobe --color never $TRUST --pfx "\$TMPD/leaf.pfx" --password test 127.0.0.1:4462
certaudit	certaudit --color never -v "\$D"
aiacheck	aiacheck --color never -v --connect-timeout 2 $TRUST "\$LONG"
aiacheck --list	aiacheck --color never --list $TRUST "\$LONG"
derdump	derdump --color never "\$LONG"
derdump -v	derdump --color never -v "\$TMPD/leaf.pfx"
E

widest() { # FILE: the widest line's display columns (colour codes removed)
	python3 - "$1" <<'P'
import re, sys, unicodedata
w = 0
# (a progress line on standard error is redrawn after a carriage return)
for line in re.split("\r\n|\r|\n", open(sys.argv[1], encoding="utf-8", errors="replace").read()):
    line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\x1b\[K", "", line)
    w = max(w, sum(2 if unicodedata.east_asian_width(c) in "WF" else
                   0 if unicodedata.combining(c) else 1 for c in line))
print(w)
P
}

: >"$TMPD/widths"
while IFS='	' read -r name cmd; do
	eval "set -- $cmd"
	tool=$1
	shift
	COLUMNS=80 python3 "$top_srcdir/tests/pty-run.py" "$TMPD/tty" -- "$BIN/$tool" "$@" >/dev/null 2>&1
	trc=$?
	tr -d '\r' <"$TMPD/tty" >"$out"
	: >"$err"
	rc=$trc
	checks=$((checks + 1))
	wide=$(widest "$TMPD/tty")
	if [ "$trc" -ge 124 ]; then
		fail "$name: on a terminal: did not finish (exit $trc)"
	elif [ "$(wc -l <"$out")" -lt 1 ]; then
		fail "$name: on a terminal: no output"
	elif [ "$wide" -le 80 ]; then
		echo "ok: $name: on a terminal at COLUMNS=80, the widest line has $wide columns"
	else
		echo "  the lines over 80 columns:"
		python3 -c 'import sys; [print("  | " + l) for l in open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n") if len(l) > 80]' "$out" | head -5
		fail "$name: on a terminal at COLUMNS=80, a line of $wide columns"
	fi
	# the same, not on a terminal: one line per item
	# shellcheck disable=SC2086
	timeout "${CK_TEST_TIMEOUT:-120}" ${CK_WRAPPER:-} "$BIN/$tool" "$@" >"$TMPD/pipe" 2>&1 </dev/null
	printf '%s\t%s\t%s\n' "$name" "$wide" "$(widest "$TMPD/pipe")" >>"$TMPD/widths"
	cp "$TMPD/pipe" "$TMPD/pipe-$(echo "$name" | tr ' -' '__')"
done <"$TMPD/cases"
echo "widest line (on a terminal at 80 / not on a terminal):"
sed 's/^/  /' "$TMPD/widths"

# not on a terminal, the long items are whole lines (grep finds them)
one_line() { # NAME CASE FIXED-STRING
	checks=$((checks + 1))
	if grep -qF -- "$3" "$TMPD/pipe-$2"; then
		echo "ok: not a terminal: $1 on one line"
	else
		cp "$TMPD/pipe-$2" "$out"
		fail "not a terminal: $1 not on one line"
	fi
}
one_line "the tree line of the leaf" chainview__v "[0] leaf $LEAFSUBJ"
one_line "the header" chainview__v "$LONG: PEM, 2 certificates (+ 1 from the trust store), 0 keys"
one_line "a -v URL field" chainview__v "CA issuers:       $U/intermediate-certificate-authority.crt"
one_line "the alt. names field" chainview__v "alt. names:       DNS:a-very-long-service-name-number-one.internal.example-with-a-long-host-name.test, DNS:127.0.0.1, IP:127.0.0.1, email:"
one_line "a store row" truststore_list "  $LEAFSUBJ" || true
one_line "a store row with its fingerprint" truststore_find "$(openssl x509 -noout -fingerprint -sha256 -in "$TMPD/int.crt" | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')  CN=Example Intermediate Certificate Authority Long Name I1,"
one_line "the certaudit file row" certaudit "$D/a-bundle-file-with-a-very-long-name-to-see-how-headers-wrap-on-a-narrow-terminal.pem"

# and on a terminal, the continuation lines hang under their item
COLUMNS=80 python3 "$top_srcdir/tests/pty-run.py" "$TMPD/tty" -- \
	"$BIN/chainview" -v --color never $TRUST "$LONG" >/dev/null 2>&1
tr -d '\r' <"$TMPD/tty" >"$out"
checks=$((checks + 1))
if python3 - "$out" <<'P'
import sys
t = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next(i for i, l in enumerate(t) if l.startswith("  └─ [1] intermediate CN="))
k = next(k for k, l in enumerate(t) if l.startswith("         CA issuers:       http://127.0.0.1:9/"))
ok = (t[i + 1].startswith("         ") and not t[i + 1].startswith("          ") and
      not t[i + 1].lstrip().startswith("20") and
      t[k + 1].startswith(" " * 27) and not t[k + 1].startswith(" " * 28))
sys.exit(0 if ok else 1)
P
then
	echo "ok: terminal: hanging indents under the tree line and the field's value"
else
	fail "terminal: tree line or field not wrapped with hanging indents"
fi
# COLUMNS is the width when it is set (here wider than the 80 default)
COLUMNS=132 python3 "$top_srcdir/tests/pty-run.py" "$TMPD/tty" -- \
	"$BIN/chainview" --color never $TRUST "$LONG" >/dev/null 2>&1
tr -d '\r' <"$TMPD/tty" >"$out"
checks=$((checks + 1))
w=$(widest "$out")
if [ "$w" -gt 80 ] && [ "$w" -le 132 ]; then
	echo "ok: terminal: COLUMNS=132 gives lines up to 132 columns ($w)"
else
	fail "terminal: COLUMNS=132 not followed (widest line $w)"
fi
finish
