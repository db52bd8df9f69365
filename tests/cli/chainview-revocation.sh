#!/bin/sh
# chainview --revocation crl|ocsp|all: online revocation against nginx
# (CRLs at the distribution points) and `openssl ocsp` (the AIA OCSP URL)
# in a private network namespace: good, revoked with reason and date, each
# URL fetched once, a dropped and a hanging responder (aiaserve; unknown, within the
# timeout; invalid with --require-revocation), a link-local URL (blocked,
# no packet), --crl-file alone offline, the usage errors, and the XML
# against man/chainview.rng.
# shellcheck disable=SC2086 # $TRUST and the option lists split on purpose
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq xmllint
need_servers nginx openssl python3

www_setup
web
ocsp_start

P="$FX/pki"
TRUST="--no-system-trust --ca-file $P/root-ca.crt"
cat "$P/client.crt" "$P/int-ca.crt" >"$TMPD/client.pem"
cat "$P/revoked-leaf.crt" "$P/int-ca.crt" >"$TMPD/revoked.pem"

# statuses: "status/method" per position of the last JSON run
statuses() { printf '%s' '[.chain.revocation[] | "\(.status)/\(.method)"] | join(",")'; }
# the result of the fetches of position $1, "kind:result" in order
fetches() { printf '[.chain.revocation[%s].fetches[] | "\\(.kind):\\(.result)"] | join(",")' "$1"; }
# seconds since the epoch, with fractions
now() { python3 -c 'import time; print(time.time())'; }
# expect_within NAME START SECONDS: the last run ended within SECONDS of START
# (not under CK_WRAPPER: valgrind's start alone takes longer)
expect_within() {
	took=$(python3 -c "import time; print('%.2f' % (time.time() - $2))")
	if [ -n "${CK_WRAPPER:-}" ]; then
		echo "SKIP (part): $1: $took s under $CK_WRAPPER, not compared with $3 s"
		return
	fi
	checks=$((checks + 1))
	if python3 -c "import sys; sys.exit(0 if $took <= $3 else 1)"; then
		echo "ok: $1 ($took s, within $3 s)"
	else
		fail "$1: took $took s, longer than $3 s"
	fi
}
# expect_xml NAME: the last run's stdout is valid against the schema
expect_xml() {
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/chainview.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: $1: XML valid"
	else
		cat "$TMPD/xmllint"
		fail "$1: XML does not validate"
	fi
}
# hits PATH: requests nginx logged for PATH so far
hits() { grep -c "\"[A-Z]* $1 " "$TMPD/nginx/access.log"; }

# --- OCSP -------------------------------------------------------------------
run chainview --json $TRUST --revocation ocsp "$TMPD/client.pem"
expect "ocsp, good: exit 0" 0
expect_json "ocsp, good: statuses" "$(statuses)" "good/ocsp,unknown/null"
expect_json "ocsp, good: the leaf's fetch" "$(fetches 0)" "ocsp:ok"
expect_json "ocsp, good: the URL" '.chain.revocation[0].fetches[0].url' "http://127.0.0.1:18081/"
expect_json "ocsp, good: the detail names the responder" '.chain.revocation[0].detail' \
	"good, says the OCSP responder at http://127.0.0.1:18081/"
expect_json "ocsp: the CA has no OCSP URL" '.chain.revocation[1].detail' "no OCSP URL in the certificate"
expect_json "ocsp: unknown is a warning" '[.findings[] | select(.code == "revocation-unknown") | "\(.severity):\(.certificate)"] | join(",")' "warning:1"
expect_json "ocsp, good: valid" '.chain.valid' true
run chainview --json $TRUST --revocation ocsp --require-revocation "$TMPD/client.pem"
expect "ocsp, the CA unknown, --require-revocation: exit 1" 1
expect_json "ocsp, required: an error" '[.findings[] | select(.code == "revocation-unknown") | .severity] | join(",")' "error"

run chainview --json $TRUST --revocation ocsp "$TMPD/revoked.pem"
expect "ocsp, revoked: exit 1" 1
expect_json "ocsp, revoked: statuses" "$(statuses)" "revoked/ocsp,unknown/null"
expect_json "ocsp, revoked: reason and date" '.chain.revocation[0] | "\(.reason) \(.revoked_at)"' "1 2021-01-01T00:00:00Z"
expect_json "ocsp, revoked: the finding" '.findings[] | select(.code == "revoked") | "\(.severity) \(.certificate) \(.message)"' \
	"error 0 CN=revoked.example.test,O=chainkit tests was revoked on 2021-01-01T00:00:00Z, reason keyCompromise"
expect_json "ocsp, revoked: not valid" '.chain.valid' false
expect_json "ocsp, revoked: the detail" '.chain.revocation[0].detail' \
	"revoked on 2021-01-01T00:00:00Z, keyCompromise, says the OCSP responder at http://127.0.0.1:18081/"

# --- CRLs from the distribution points --------------------------------------
before=$(hits /int-ca.crl)
run chainview --json $TRUST --revocation crl "$TMPD/revoked.pem" "$TMPD/client.pem"
expect "crl, revoked and good: exit 1" 1
# two inputs: one JSON document per line
jq -c . "$out" | sed -n 1p >"$TMPD/first.json"
jq -c . "$out" | sed -n 2p >"$TMPD/second.json"
cp "$TMPD/second.json" "$out"
expect_json "crl, good: statuses" "$(statuses)" "good/crl,good/crl"
cp "$TMPD/first.json" "$out"
expect_json "crl, revoked: statuses" "$(statuses)" "revoked/crl,good/crl"
expect_json "crl, revoked: reason and date" '.chain.revocation[0] | "\(.reason) \(.revoked_at)"' "1 2021-01-01T00:00:00Z"
expect_json "crl: the fetches" '[.chain.revocation[] | .fetches[] | "\(.url) \(.result)"] | join(",")' \
	"http://127.0.0.1:18080/int-ca.crl ok,http://127.0.0.1:18080/root-ca.crl ok"
expect_json "crl: the detail names the fetched CRL" '.chain.revocation[0].detail | test("on the CRL of .* from http://127.0.0.1:18080/int-ca.crl")' true
checks=$((checks + 1))
if [ "$(($(hits /int-ca.crl) - before))" -eq 1 ]; then
	echo "ok: each URL once, over two inputs"
else
	fail "int-ca.crl requested $(($(hits /int-ca.crl) - before)) times"
fi
run chainview --json $TRUST --revocation crl --require-revocation "$TMPD/client.pem"
expect "crl, good, --require-revocation: exit 0" 0

# --- a revoked path: the builder takes another, whose URLs are fetched in turn --
# root-ca's CRL now lists int-ca; int-ca-cross (same name and key, under
# root2-ca) is the way around it
mkdir "$TMPD/ca"
printf 'R\t20700101000000Z\t210101000000Z,keyCompromise\t%s\tunknown\t/O=chainkit tests/CN=chainkit Issuing CA 1\n' \
	"$(openssl x509 -in "$P/int-ca.crt" -noout -serial | cut -d= -f2)" >"$TMPD/ca/index.txt"
echo 1000 >"$TMPD/ca/crlnumber"
cat >"$TMPD/ca/ca.cnf" <<EOF
[ ca ]
default_ca = c
[ c ]
database = $TMPD/ca/index.txt
crlnumber = $TMPD/ca/crlnumber
default_md = sha256
default_crl_days = 30
crl_extensions = ext
[ ext ]
authorityKeyIdentifier = keyid
EOF
openssl ca -batch -gencrl -config "$TMPD/ca/ca.cnf" -cert "$P/root-ca.crt" -keyfile "$P/root-ca.key" \
	-out "$WWW/root-ca.crl" 2>"$TMPD/ca/err" || { cat "$TMPD/ca/err"; echo "openssl ca -gencrl failed"; exit 1; }
cat "$P/client.crt" "$P/int-ca.crt" "$P/int-ca-cross.crt" >"$TMPD/cross.pem"
run chainview --json $TRUST --ca-file "$P/root2-ca.crt" --revocation crl --require-revocation "$TMPD/cross.pem"
expect "revoked CA, another path: exit 0" 0
# shellcheck disable=SC2016 # jq's variable
expect_json "the path goes through the cross-certificate" '.chain.path as $p | .certificates[$p[1]].issuer' \
	"CN=chainkit Second Root CA,O=chainkit tests"
expect_json "its statuses, from the CRLs fetched in the second round" "$(statuses)" "good/crl,good/crl"
expect_json "the cross-certificate's own CRL" '.chain.revocation[1].fetches[0].url' "http://127.0.0.1:18080/root2-ca.crl"
checks=$((checks + 1))
if [ "$(hits /root-ca.crl)" -ge 1 ]; then echo "ok: the first path's CRL was fetched first"; else fail "root-ca.crl never fetched: the first path was not the revoked one"; fi
cp "$P/root-ca.crl" "$WWW/root-ca.crl"

# --- all: both, revoked when either says so -----------------------------------
run chainview --json $TRUST --revocation all --require-revocation "$TMPD/client.pem"
expect "all, good: exit 0" 0
expect_json "all: OCSP for the leaf, the CRL for the CA" "$(statuses)" "good/ocsp,good/crl"
expect_json "all: the leaf's fetches" "$(fetches 0)" "ocsp:ok,crl:ok"
run chainview --json $TRUST --revocation all "$TMPD/revoked.pem"
expect "all, revoked: exit 1" 1
expect_json "all, revoked" '.chain.revocation[0].status' revoked
run chainview --xml $TRUST --revocation all "$TMPD/revoked.pem"
expect_xml "all, revoked"

# --- text and --explain name the fetches ------------------------------------
run chainview $TRUST --revocation ocsp --explain "$TMPD/client.pem"
expect "--explain: the OCSP fetch" 0 '^    fetched ocsp http://127\.0\.0\.1:18081/: ok'
awk '/How the path was found/ { on = 1 } on && /^$/ { on = 0 } on' "$out" >"$TMPD/explain"
long=$(LC_ALL=C awk '{ s = $0; gsub(/[\200-\277]/, "", s); if (length(s) > 80) print }' "$TMPD/explain")
checks=$((checks + 1))
if [ -n "$long" ]; then fail "--explain: lines over 80 columns: $long"; else echo "ok: --explain fits 80 columns"; fi

# --- --crl-file alone stays offline -----------------------------------------
before=$(hits /int-ca.crl)
run chainview --json $TRUST --crl-file "$P/int-ca.crl" --crl-file "$P/root-ca.crl" "$TMPD/revoked.pem"
expect "--crl-file alone: revoked" 1
expect_json "--crl-file alone: nothing fetched" '[.chain.revocation[].fetches[]] | length' 0
checks=$((checks + 1))
if [ "$(hits /int-ca.crl)" -eq "$before" ]; then echo "ok: --crl-file alone sends nothing"; else fail "--crl-file alone fetched"; fi

# --- an HTTP error: a CRL URL with nothing behind it ---------------------------
cp "$FX/validate/good.crt" "$FX/validate/ca.crt" "$TMPD/"
cat "$TMPD/good.crt" "$TMPD/ca.crt" >"$TMPD/v.pem"
run chainview --json --no-system-trust --ca-file "$FX/validate/root.crt" --at 2030-01-01 \
	--revocation crl "$TMPD/v.pem"
expect "crl, 404: unknown, exit 0" 0
expect_json "crl, 404: statuses" "$(statuses)" "unknown/null,unknown/null"
expect_json "crl, 404: http-error" "$(fetches 0)" "crl:http-error"
expect_json "crl, 404: the finding says why" '.findings[] | select(.code == "revocation-unknown" and .certificate == 0) | .message | test("crl http://127.0.0.1:18080/validate/ca.crl: http-error")' true

# --- an answer signed by a key the issuer did not authorise: unknown -----------
ocsp_stop
ocsp_start "$P/int-ca.index.txt" root-ca
run chainview --json $TRUST --revocation ocsp "$TMPD/revoked.pem"
expect "ocsp, wrong signer: not revoked, exit 0" 0
expect_json "ocsp, wrong signer: unknown" '.chain.revocation[0].status' unknown
expect_json "ocsp, wrong signer: the class" "$(fetches 0)" "ocsp:wrong-issuer"
run chainview --json $TRUST --revocation all "$TMPD/revoked.pem"
expect "all, wrong OCSP signer: the CRL still says revoked" 1
expect_json "all, wrong OCSP signer: revoked by the CRL" "$(statuses)" "revoked/crl,good/crl"

# --- a responder that drops, one that never answers ---------------------------
ocsp_stop
drop_start 18081
start=$(now)
# the connect timeout ends it (the timeout alone would take 8 s)
run chainview --json $TRUST --revocation ocsp --connect-timeout 1 --timeout 8 "$TMPD/client.pem"
expect "dropped: exit 0 (unknown is a warning)" 0
expect_within "dropped" "$start" 5
expect_json "dropped: unknown" "$(statuses)" "unknown/null,unknown/null"
expect_json "dropped: the class" "$(fetches 0)" "ocsp:dropped"
run chainview --json $TRUST --revocation ocsp --require-revocation --connect-timeout 1 --timeout 3 "$TMPD/client.pem"
expect "dropped, --require-revocation: exit 1" 1
expect_json "dropped, required: not valid" '.chain.valid' false
run chainview $TRUST --revocation ocsp --connect-timeout 1 --timeout 3 "$TMPD/client.pem"
expect "dropped: the text finding names the failure" 0 'dropped'
kill "$ck_pid_drop" 2>/dev/null
wait "$ck_pid_drop" 2>/dev/null
while "$NETPROBE" wait 127.0.0.1 18081 0.05 2>/dev/null; do sleep 0.05; done
# the responder's port, every request hung (the OCSP POST to / included)
aia_start "$P/int-ca.crt" --listen 127.0.0.1:18081 --fault /=hang
start=$(now)
# the timeout ends it (the default would take 10 s, the server forever)
run chainview --json $TRUST --revocation ocsp --timeout 2 "$TMPD/client.pem"
expect "silent: exit 0" 0
expect_within "silent: the whole run" "$start" 6
expect_json "silent: timeout" "$(fetches 0)" "ocsp:timeout"
run chainview --xml $TRUST --revocation ocsp --timeout 1 "$TMPD/client.pem"
expect_xml "silent"
aia_stop
checks=$((checks + 1))
if jq -e -s 'any(.[]; .method == "POST" and .path == "/" and .fault == "hang" and .status == null)' \
	"$AIA_LOG" >/dev/null; then
	echo "ok: silent: the responder got the OCSP POST and never answered"
else
	rc=1; cp "$AIA_LOG" "$out"; : >"$err"
	fail "silent: the responder got no OCSP POST"
fi

# --- a link-local URL: blocked, no packet -------------------------------------
cat >"$TMPD/ll.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://169.254.0.1:18081/
crlDistributionPoints = URI:http://169.254.0.1:18080/int-ca.crl
EOF
if ! openssl req -new -newkey rsa:2048 -nodes -keyout "$TMPD/ll.key" \
	-subj "/O=chainkit tests/CN=ll.example.test" -out "$TMPD/ll.csr" 2>"$TMPD/ll.err" ||
	! openssl x509 -req -in "$TMPD/ll.csr" -CA "$P/int-ca.crt" -CAkey "$P/int-ca.key" -set_serial 4242 \
		-days 3650 -sha256 -extfile "$TMPD/ll.ext" -out "$TMPD/ll.crt" 2>>"$TMPD/ll.err"; then
	cat "$TMPD/ll.err"
	echo "openssl could not make the link-local certificate"
	exit 1
fi
cat "$TMPD/ll.crt" "$P/int-ca.crt" >"$TMPD/ll.pem"
p0=$(packets_sent)
run chainview --json $TRUST --revocation ocsp "$TMPD/ll.pem"
p1=$(packets_sent)
expect "link-local OCSP: exit 0" 0
expect_json "link-local OCSP: blocked" "$(fetches 0)" "ocsp:blocked-address"
expect_json "link-local OCSP: unknown" '.chain.revocation[0].status' unknown
checks=$((checks + 1))
if [ "$p1" -eq "$p0" ]; then echo "ok: link-local: no packet sent"; else fail "link-local: $((p1 - p0)) packets sent"; fi
run chainview --json $TRUST --revocation crl "$TMPD/ll.pem"
expect_json "link-local CDP: blocked" "$(fetches 0)" "crl:blocked-address"
run chainview --json $TRUST --revocation ocsp --allow-address 169.254.0.0/16 --connect-timeout 0.5 \
	--timeout 1 "$TMPD/ll.pem"
expect_json "--allow-address is honoured: a connection is tried" "$(fetches 0) | test(\"blocked\")" false

# --- usage ------------------------------------------------------------------
while IFS='|' read -r args msg; do
	[ -z "$args" ] && continue
	# shellcheck disable=SC2086
	run chainview $TRUST $args "$TMPD/client.pem"
	expect "usage: $args" 2 '' "$msg"
done <<'TABLE'
--timeout 1|^chainview: --timeout needs --revocation crl, ocsp or all$
--connect-timeout 1 --crl-file /dev/null|^chainview: --connect-timeout needs --revocation crl, ocsp or all$
--allow-address 169.254.0.0/16|^chainview: --allow-address needs --revocation crl, ocsp or all$
--revocation off --resolve a:1:127.0.0.1|^chainview: --resolve needs --revocation crl, ocsp or all$
--revocation ocsp --timeout 0|^chainview: --timeout takes seconds from 0.001 to 3600, not '0'$
--revocation ocsp --proxy http://127.0.0.1:1/ --no-proxy|^chainview: use only one of --proxy and --no-proxy$
TABLE
finish
