#!/bin/sh
# chainview shows a CRL (issue 24, item 14): issuer, version, this and next
# update (expired against --at), CRL number, delta indicator, authority key
# id, issuing distribution point, entries by reason (every entry with -v:
# serial, date, reason, invalidity date), the signature algorithm and the
# signature checked against the issuer's certificate when one is given;
# PEM and DER, text, JSON and XML (against the schema), compared with
# `openssl crl -text`.  A CRL of 200,000 entries is shown from counts only.
. "$top_srcdir/tests/lib.sh"
need jq xmllint openssl python3

C="$FX/crl"
NOTRUST="--no-system-trust"

# --- text, DER, issuer not given
run chainview $NOTRUST "$C/ca.crl"
expect "DER CRL" 0 "^$C/ca.crl: certificate revocation list \\(CRL\\), DER$"
expect "issuer" 0 '^  issuer           CN=chainkit CRL Test CA,O=chainkit tests$'
expect "version" 0 '^  version          2$'
expect "this update" 0 '^  this update      2020-01-01T00:00:00Z$'
expect "next update" 0 '^  next update      2070-01-01T00:00:00Z$'
expect "CRL number" 0 '^  CRL number       1000$'
expect "complete, with deltas" 0 '^  delta            complete CRL; delta CRLs are issued \(freshestCRL\)$'
aki=$(openssl crl -inform DER -in "$C/ca.crl" -noout -text |
	sed -n '/Authority Key Identifier/{n;p;}' | tr -d ' :' | tr 'A-F' 'a-f' | sed 's/^keyid//')
expect "authority key id (as openssl)" 0 "^  authority key id $aki\$"
expect "scope" 0 '^  scope            URI:http://127.0.0.1:18080/crl/ca.crl$'
expect "entries by reason" 0 '^  entries          2 \(keyCompromise 1, certificateHold 1\)$'
expect "signature not checked" 0 \
	'^  signature        RSA-SHA256 · signature not checked: issuer not given$'
checks=$((checks + 1))
if grep -q '^    [0-9a-f]' "$out"; then fail "entries listed without -v"; else echo "ok: no entries without -v"; fi

# --- the issuer given: the signature is checked
run chainview $NOTRUST --ca-file "$C/root.crt" --ca-file "$C/ca.crt" "$C/ca.crl"
expect "signature valid, and the signer's file (one line: not a terminal)" 0 \
	"^  signature        RSA-SHA256 · ✓ signed by CN=chainkit CRL Test CA,O=chainkit tests \\($C/ca.crt\\)\$"
run chainview $NOTRUST --ca-file "$C/ca.crt" "$C/wrongkey.crl"
expect "wrong key: bad signature" 1 '^  signature        RSA-SHA256 · ✗ does not verify with the issuer.s key$'
expect "wrong key: the finding" 1 '^  error   crl-bad-signature: '
run chainview $NOTRUST --ca-file "$C/root.crt" "$C/wrongkey.crl"
expect "another issuer's certificate: not checked" 0 'signature not checked: issuer not given'

# --- dates against --at
run chainview $NOTRUST "$C/ca-expired.crl"
expect "expired" 1 '^  next update      2021-01-01T00:00:00Z · ✗ expired$'
expect "expired: the finding" 1 '^  error   crl-expired: the CRL expired: its next update 2021-01-01T00:00:00Z'
run chainview $NOTRUST --at 2020-06-01 "$C/ca-expired.crl"
expect "not expired as of --at" 0 '^  next update      2021-01-01T00:00:00Z$'
run chainview $NOTRUST --at 2019-06-01 "$C/ca.crl"
expect "not valid yet as of --at" 1 '^  error   crl-not-yet-valid: '

# --- delta CRL, unusable CRL
run chainview $NOTRUST "$C/ca-delta.crl"
expect "delta CRL" 0 '^  delta            delta CRL to the complete CRL number 1000$'
expect "delta: its number" 0 '^  CRL number       1001$'
run chainview $NOTRUST "$C/ca-critext.crl"
expect "unknown critical extension" 1 '^  unusable         unknown critical CRL extension 1.2.3.4$'
expect "unusable: the finding" 1 '^  error   crl-unusable: '

# --- issuing distribution point flags, as openssl shows them (PKITS)
P="$FX/pkits/crls"
run chainview $NOTRUST "$P/onlySomeReasonsCA1otherreasonsCRL.crl"
expect "onlySomeReasons" 0 '^  scope            only reasons affiliationChanged, superseded,'
run chainview $NOTRUST --json "$P/indirectCRLCA1CRL.crl"
expect_json "indirect CRL" '.crls[0].issuing_distribution_point.indirect_crl' true

# --- -v: every entry, compared with openssl crl -text; invalidity dates from openssl ca
D="$TMPD/ca"
mkdir -p "$D/new"
: >"$D/index.txt"
echo 1000 >"$D/crlnumber"
cat >"$D/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $D
database = \$dir/index.txt
new_certs_dir = \$dir/new
crlnumber = \$dir/crlnumber
default_md = sha256
default_crl_days = 3650
CNF
export OPENSSL_CONF=/dev/null
openssl ca -config "$D/ca.cnf" -cert "$C/ca.crt" -keyfile "$C/ca.key" -revoke "$C/good.crt" \
	-crl_compromise 20230405060708Z >/dev/null 2>&1 &&
openssl ca -config "$D/ca.cnf" -cert "$C/ca.crt" -keyfile "$C/ca.key" -revoke "$C/revoked.crt" \
	-crl_reason superseded >/dev/null 2>&1 &&
openssl ca -config "$D/ca.cnf" -cert "$C/ca.crt" -keyfile "$C/ca.key" -revoke "$C/hold.crt" \
	>/dev/null 2>&1 &&
openssl ca -config "$D/ca.cnf" -cert "$C/ca.crt" -keyfile "$C/ca.key" -gencrl \
	-out "$TMPD/ossl.pem" >/dev/null 2>&1 || skip "openssl ca cannot make a CRL"
unset OPENSSL_CONF
openssl crl -in "$TMPD/ossl.pem" -noout -text >"$TMPD/ossl.txt"
run chainview $NOTRUST --ca-file "$C/ca.crt" -v "$TMPD/ossl.pem"
expect "PEM CRL" 0 "^$TMPD/ossl.pem: certificate revocation list \\(CRL\\), PEM$"
expect "openssl ca's CRL: signed" 0 '✓ signed by CN=chainkit CRL Test CA'
expect "openssl ca: version 2, number as openssl" 0 \
	"^  CRL number       $(sed -n '/CRL Number/{n;s/ //g;p;}' "$TMPD/ossl.txt")\$"
expect "invalidity date, the entry on one line" 0 '^    [0-9a-f]+  2[0-9-]*T[0-9:]*Z  keyCompromise · invalid since 2023-04-05T06:07:08Z$'
grep -o 'Serial Number: [0-9A-F]*' "$TMPD/ossl.txt" | sed 's/.* //' | tr 'A-F' 'a-f' >"$TMPD/want"
grep '^    [0-9a-f]' "$out" | sed 's/^ *//; s/ .*//' >"$TMPD/got"
checks=$((checks + 1))
if [ -s "$TMPD/want" ] && cmp -s "$TMPD/want" "$TMPD/got"; then
	echo "ok: every serial, in openssl's order"
else
	diff "$TMPD/want" "$TMPD/got"
	fail "the serials differ from openssl crl -text"
fi
run chainview $NOTRUST --json -v "$TMPD/ossl.pem"
expect_json "json: entries as openssl" '.crls[0].entries' "$(wc -l <"$TMPD/want" | tr -d ' ')"
expect_json "json: reasons" '[.crls[0].revoked[] | .reason // "none"] | join(",")' \
	"$(sed -n 's/^ *\(Key Compromise\|Superseded\)$/\1/p; /Revocation Date/{n;/CRL entry/!s/.*/none/p;}' "$TMPD/ossl.txt" |
	   sed 's/Key Compromise/keyCompromise/; s/Superseded/superseded/' | paste -sd, -)"
expect_json "json: invalidity date" '[.crls[0].revoked[] | .invalidity_date // "-"] | join(",")' \
	"$(awk '/Serial Number/{if (n++) print v; v="-"} /Invalidity Date/{getline; v="x"} END{print v}' "$TMPD/ossl.txt" |
	   sed 's/^x$/2023-04-05T06:07:08Z/' | paste -sd, -)"
expect_json "json: this update as openssl" '.crls[0].this_update' \
	"$(date -u -d "$(sed -n 's/^ *Last Update: //p' "$TMPD/ossl.txt")" +%Y-%m-%dT%H:%M:%SZ)"

# --- JSON of a DER CRL
run chainview $NOTRUST --json --ca-file "$C/ca.crt" "$C/ca.crl"
expect_json "json: header" '"\(.input.format) \(.crls | length) \(.crls[0].version)"' 'der 1 2'
expect_json "json: number, delta" '"\(.crls[0].crl_number) \(.crls[0].delta_crl_base) \(.crls[0].freshest_crl)"' '1000 null true'
expect_json "json: authority key id" '.crls[0].authority_key_id' "$aki"
expect_json "json: scope" '.crls[0].issuing_distribution_point.names | join(",")' \
	'URI:http://127.0.0.1:18080/crl/ca.crl'
expect_json "json: reasons" '[.crls[0].reasons[] | "\(.reason)=\(.count)"] | join(",")' \
	'keyCompromise=1,certificateHold=1'
expect_json "json: no entries without -v" '.crls[0] | has("revoked")' false
expect_json "json: signature" '"\(.crls[0].signature.status) \(.crls[0].signature.signer_source)"' \
	"valid $C/ca.crt"
run chainview $NOTRUST --json --at 2021-06-01 "$C/ca-expired.crl"
expect_json "json: the time checked" '"\(.at) \(.crls[0].expired) \(.findings[0].code)"' '2021-06-01T00:00:00Z true crl-expired'
run chainview $NOTRUST --json "$C/wrongkey.crl"
expect_json "json: not checked" '"\(.crls[0].signature.status) \(.findings | length)"' 'not-checked 0'

# --- several CRLs in one PEM file
for f in root ca; do openssl crl -inform DER -in "$C/$f.crl" -outform PEM; done >"$TMPD/two.pem"
run chainview $NOTRUST --json "$TMPD/two.pem"
expect_json "two CRLs" '[.crls[].issuer] | length' 2
run chainview $NOTRUST "$TMPD/two.pem"
expect "two CRLs: text" 0 '^.*: 2 certificate revocation lists \(CRLs\), PEM$'

# --- XML against the schema
for f in "$C/ca.crl" "$C/wrongkey.crl" "$TMPD/ossl.pem" "$TMPD/two.pem" "$P/indirectCRLCA1CRL.crl"; do
	run chainview $NOTRUST --xml -v --ca-file "$C/ca.crt" "$f"
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/chainview.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($(basename "$f"))"
	else
		cat "$TMPD/xmllint"
		fail "XML does not validate ($f)"
	fi
done

# --- 80 columns, standard input, bad input
cp "$C/ca.crl" "$TMPD/ca.crl"
# on a terminal 80 wide (a pty); not on one, each item is one line
COLUMNS=80 python3 "$top_srcdir/tests/pty-run.py" "$TMPD/tty" -- \
	"$BIN/chainview" $NOTRUST --color never -v --ca-file "$C/ca.crt" "$TMPD/ca.crl" >/dev/null 2>&1
tr -d '\r' <"$TMPD/tty" >"$out"
checks=$((checks + 1))
if python3 -c 'import sys; sys.exit(any(len(l.rstrip("\n")) > 80 for l in open(sys.argv[1], encoding="utf-8")))' "$out"; then echo "ok: 80 columns"; else fail "a line is wider than 80 columns"; fi
run_stdin "$C/ca.crl" chainview $NOTRUST -
expect "stdin" 0 '^-: certificate revocation list \(CRL\), DER$'
head -c 300 "$C/ca.crl" >"$TMPD/short.crl"
run chainview $NOTRUST "$TMPD/short.crl"
expect "truncated CRL" 3 '' "^chainview: $TMPD/short.crl: "
expect_one_line_error "truncated CRL"

# --- a CRL of 200,000 entries: counts, no entries in the document
python3 - "$TMPD/big.crl" <<'PY' || skip "python3 cannot write the large CRL"
import sys
def ln(n):
    if n < 128: return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(b)]) + b
def tlv(t, c): return bytes([t]) + ln(len(c)) + c
alg = tlv(0x30, tlv(6, bytes.fromhex('2a864886f70d01010b')) + b'\x05\x00')
name = tlv(0x30, tlv(0x31, tlv(0x30, tlv(6, b'\x55\x04\x03') + tlv(12, b'big CRL'))))
reason = tlv(0x30, tlv(0x30, tlv(6, b'\x55\x1d\x15') + tlv(4, tlv(10, b'\x01'))))
ents = b''.join(tlv(0x30, tlv(2, b'\x10' + i.to_bytes(4, 'big')) + tlv(0x17, b'210101000000Z') +
                      (reason if i % 4 == 0 else b'')) for i in range(200000))
tbs = tlv(0x30, tlv(2, b'\x01') + alg + name + tlv(0x17, b'200101000000Z') +
          tlv(0x18, b'20700101000000Z') + tlv(0x30, ents))
open(sys.argv[1], 'wb').write(tlv(0x30, tbs + alg + tlv(3, b'\x00' + bytes(256))))
PY
run chainview $NOTRUST --json "$TMPD/big.crl"
expect_json "large CRL: counts" '"\(.crls[0].entries) \([.crls[0].reasons[] | "\(.reason)=\(.count)"] | join(","))"' \
	'200000 keyCompromise=50000,null=150000'
expect_json "large CRL: no entries in the document" '.crls[0] | has("revoked")' false
run chainview $NOTRUST "$TMPD/big.crl"
expect "large CRL: text" 0 '^  entries          200000 \(keyCompromise 50000, no reason given 150000\)$'
finish
