#!/bin/sh
# chainview end to end over fixtures/validate (gen-validate.sh): the exit
# status and the findings per profile for every rule of the validator,
# the validation options and their usage errors, revocation with
# --crl-file, the trace (JSON and --explain), policies, and the XML
# against man/chainview.rng.
. "$top_srcdir/tests/lib.sh"
need jq xmllint

V="$FX/validate"
AT="--at 2030-01-01"
# Short copies of the anchors and CRLs: the trace and the revocation
# details name the files, and --explain must fit 80 columns.
for f in root root-v1 root-sha1 root-bcnc ca-sha1; do cp "$V/$f.crt" "$TMPD/$f.crt"; done
for f in ca root ca-expired; do cp "$V/$f.crl" "$TMPD/$f.crl"; done

# bundle NAME CERT...: $TMPD/NAME.pem, the certificates in that order
bundle() {
	b=$1
	shift
	for c in "$@"; do cat "$V/$c.crt"; done >"$TMPD/$b.pem"
}

# The non-info findings of the last JSON run: "e:code" / "w:code", sorted
codes() {
	jq -r '[.findings[] | select(.severity != "info") | "\(.severity[0:1]):\(.code)"] | unique | join(",")' "$out"
}

# --- every rule, per profile ------------------------------------------------
# name | certificates (leaf first) | anchor | options | modern | rfc5280 | webpki
# where each profile column is "EXIT codes" (codes: codes() above, "-" none)
while IFS='|' read -r name certs anchor opts want_m want_r want_w; do
	[ -z "$name" ] && continue
	# shellcheck disable=SC2086
	bundle case $certs
	for p in modern rfc5280 webpki; do
		case $p in modern) want=$want_m ;; rfc5280) want=$want_r ;; *) want=$want_w ;; esac
		# shellcheck disable=SC2086
		run chainview --json --no-system-trust --ca-file "$TMPD/$anchor.crt" $AT --profile $p $opts "$TMPD/case.pem"
		checks=$((checks + 1))
		got="$rc $(codes)"
		[ "$got" = "$rc " ] && got="$rc -"
		if [ "$got" = "$want" ]; then
			echo "ok: $name [$p]"
		else
			fail "$name [$p]: got '$got', expected '$want'"
		fi
	done
	expect_json "$name: profile in the output" '.chain.profile' webpki
done <<'TABLE'
good|good ca|root||0 -|0 -|0 -
expired|expired ca|root||1 e:expired|1 e:expired|1 e:expired
not yet valid|future ca|root||1 e:not-yet-valid|1 e:not-yet-valid|1 e:not-yet-valid
unknown critical extension|critext ca|root||1 e:unsupported-critical-extension|1 e:unsupported-critical-extension|1 e:unsupported-critical-extension
unknown extension, not critical|noncritext ca|root||0 -|0 -|0 -
duplicate extension|dupext ca|root||1 e:duplicate-extension|1 e:duplicate-extension|1 e:duplicate-extension
critical AKI|critaki ca|root||1 e:critical-key-identifier|1 e:critical-key-identifier|1 e:critical-key-identifier
critical SKI|critski ca|root||1 e:critical-key-identifier|1 e:critical-key-identifier|1 e:critical-key-identifier
empty subject|emptysubj ca|root||1 e:empty-name|1 e:empty-name|1 e:empty-name
empty subject, critical SAN|emptysubj-critsan ca|root||0 -|0 -|0 -
empty issuer|emptyissuer ca-emptysubj|root||1 e:empty-name|1 e:empty-name|1 e:empty-name
v1 intermediate|v1ca-leaf ca-v1|root||1 e:ca-missing-basic-constraints|1 e:ca-missing-basic-constraints|1 e:ca-missing-basic-constraints,e:missing-key-identifier,e:old-version
v1 trust anchor|v1root-leaf|root-v1||0 -|0 -|0 -
no basicConstraints|nobc-leaf ca-nobc|root||1 e:ca-missing-basic-constraints|1 e:ca-missing-basic-constraints|1 e:ca-missing-basic-constraints
CA:FALSE issuer|false-leaf ca-false|root||1 e:not-a-ca|1 e:not-a-ca|1 e:not-a-ca
CA without keyCertSign|noku-leaf ca-noku|root||1 e:ca-key-usage|1 e:ca-key-usage|1 e:ca-key-usage
CA without keyUsage|nokuext-leaf ca-nokuext|root||0 -|0 -|0 -
EE with keyCertSign|kcs ca|root||1 e:leaf-key-cert-sign|1 e:leaf-key-cert-sign|1 e:leaf-key-cert-sign
pathLen exceeded|pl0-sub-leaf ca-pl0-sub ca-pl0|root||1 e:path-length-exceeded|1 e:path-length-exceeded|1 e:path-length-exceeded
pathLen, self-issued not counted|pl0-si-leaf ca-pl0-si ca-pl0|root||0 -|0 -|0 -
max depth 1|deep ca-sub ca|root|--max-depth 1|1 e:max-depth-exceeded|1 e:max-depth-exceeded|1 e:max-depth-exceeded
max depth 2|deep ca-sub ca|root|--max-depth 2|0 -|0 -|0 -
max depth 0|good ca|root|--max-depth 0|1 e:max-depth-exceeded|1 e:max-depth-exceeded|1 e:max-depth-exceeded
name constraints, inside|nc-ok ca-nc|root||0 -|0 -|0 -
name constraints, outside|nc-bad ca-nc|root||1 e:name-constraints-violation|1 e:name-constraints-violation|1 e:name-constraints-violation
name constraints, CN only|nc-cnonly ca-nc|root||1 e:name-constraints-violation|0 -|1 e:leaf-missing-san,e:name-constraints-violation
name constraints malformed|ncbad-leaf ca-ncbad|root||1 e:name-constraints-malformed|1 e:name-constraints-malformed|1 e:name-constraints-malformed
policy asserted|pol-leaf ca-pol|root|--policy 2.999.1 --explicit-policy|0 -|0 -|0 -
policy not asserted|pol-leaf ca-pol|root|--policy 2.999.2 --explicit-policy|1 e:policy-violation|1 e:policy-violation|1 e:policy-violation
policy by name anyPolicy|pol-leaf ca-pol|root|--policy anyPolicy --explicit-policy|0 -|0 -|0 -
purpose of the leaf|client ca|root|--purpose server|1 e:purpose-mismatch|1 e:purpose-mismatch|1 e:purpose-mismatch
purpose of the leaf, allowed|client ca|root|--purpose client|0 -|0 -|0 -
purpose of an intermediate|ekuserver-client ca-ekuserver|root|--purpose client|1 e:purpose-mismatch|0 -|1 e:purpose-mismatch
host name in the SAN|good ca|root|--hostname good.validate.test|0 -|0 -|0 -
host name elsewhere|good ca|root|--hostname bad.validate.test|1 e:hostname-mismatch|1 e:hostname-mismatch|1 e:hostname-mismatch
host name only in the CN|nosan ca|root|--hostname nosan.validate.test|0 -|0 -|1 e:hostname-mismatch,e:leaf-missing-san
MD5-signed|md5 ca-rsa|root||1 e:weak-signature|1 e:weak-signature|1 e:weak-signature
SHA-1-signed|sha1 ca-rsa|root||1 e:weak-signature|0 w:weak-signature|1 e:weak-signature
SHA-1-signed intermediate|sha1ca-leaf ca-sha1|root||1 e:weak-signature|0 w:weak-signature|1 e:weak-signature
SHA-1-signed anchor|sha1ca-leaf|ca-sha1||0 -|0 -|0 -
SHA-1 self-signed root|sha1root-leaf|root-sha1||0 -|0 -|0 -
SHA-256 under RSA|rsa-sha256 ca-rsa|root||0 -|0 -|0 -
DSA-signed|dsa-signed ca-dsa|root||1 e:dsa-signature|0 -|1 e:dsa-signature
RSA 1024|rsa1024 ca|root||1 e:key-too-small,w:weak-key|0 w:weak-key|1 e:key-too-small,w:weak-key
P-192|p192 ca|root||1 e:key-too-small,w:weak-key|0 w:weak-key|1 e:key-too-small,w:weak-key
P-224|p224 ca|root||0 w:weak-key|0 w:weak-key|0 w:weak-key
no AKI|noaki ca|root||0 -|0 -|1 e:missing-key-identifier
CA without SKI|noski-leaf ca-noski|root||0 -|0 -|1 e:missing-key-identifier
20-octet serial|serial20 ca|root||0 -|0 -|0 -
21-octet serial|serial21 ca|root||0 -|0 -|1 e:bad-serial
zero serial|serial0 ca|root||0 -|0 -|1 e:bad-serial
negative serial|negserial ca|root||0 -|0 -|1 e:bad-serial
leaf without SAN|nosan ca|root||0 -|0 -|1 e:leaf-missing-san
leaf without EKU|noeku ca|root||0 -|0 -|1 e:leaf-missing-eku
anyExtendedKeyUsage only|anyeku ca|root||0 -|0 -|1 e:leaf-missing-eku
v1 leaf|v1leaf ca|root||0 -|0 -|1 e:leaf-missing-eku,e:leaf-missing-san,e:missing-key-identifier,e:old-version
CA with BC not critical|bcnc-leaf ca-bcnc|root||0 -|0 -|1 e:basic-constraints-not-critical
root with BC not critical|bcncroot-leaf|root-bcnc||0 -|0 -|1 e:basic-constraints-not-critical
a CA breaking a rule first|good ca-samekey-noku ca|root||0 w:unrelated-certificate|0 w:unrelated-certificate|0 w:unrelated-certificate
TABLE

# --- usage errors: one line, then Try, exit 2 -------------------------------
bundle good good ca
while IFS='|' read -r args message; do
	[ -z "$message" ] && continue
	# shellcheck disable=SC2086
	run chainview --no-system-trust $args "$TMPD/good.pem"
	expect "usage: $args" 2 '' "$message"
	checks=$((checks + 1))
	if [ "$(wc -l <"$err")" -eq 2 ] && [ "$(sed -n 2p "$err")" = "Try 'chainview --help' for more information." ]; then
		echo "ok: usage: $args: one line, then Try"
	else
		fail "usage: $args: not one line and Try"
	fi
done <<'TABLE'
--max-depth -1|^chainview: --max-depth takes a number of intermediates from 0 to 11, not '-1'$
--max-depth 12|^chainview: --max-depth takes a number of intermediates from 0 to 11, not '12'$
--max-depth two|not 'two'$
--max-depth 1x|not '1x'$
--max-depth=|not ''$
--policy 1|^chainview: --policy takes a dotted OID \(2\.23\.140\.1\.2\.1\) or anyPolicy, not '1'$
--policy 2.999.x|not '2\.999\.x'$
--policy 2..999|not '2\.\.999'$
--policy anypolicy|not 'anypolicy'$
--policy=|not ''$
--profile strict|^chainview: --profile takes modern, rfc5280 or webpki, not 'strict'$
--profile Modern|not 'Modern'$
--revocation on|^chainview: --revocation takes off, crl, ocsp or all, not 'on'$
--revocation OCSP|not 'OCSP'$
--require-revocation|^chainview: --require-revocation needs --revocation crl, ocsp, all or --crl-file$
--revocation off --require-revocation|--require-revocation needs
TABLE

# --require-revocation is accepted with --crl-file alone (it implies crl)
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT --crl-file "$TMPD/ca.crl" \
	--crl-file "$TMPD/root.crl" --require-revocation "$TMPD/good.pem"
expect "--require-revocation with --crl-file" 0
expect_json "--require-revocation with --crl-file: statuses" '[.chain.revocation[].status] | join(",")' "good,good"

# --- CRL files that cannot be used: exit 3, "chainview: FILE: ..." ---------
no_stdout() {
	checks=$((checks + 1))
	if [ -s "$out" ]; then fail "$1: something on stdout"; else echo "ok: $1: nothing on stdout"; fi
}
run chainview --no-system-trust --ca-file "$TMPD/root.crt" --crl-file "$TMPD/missing.crl" "$TMPD/good.pem"
expect "--crl-file missing" 3 '' "^chainview: $TMPD/missing.crl: cannot open"
expect_one_line_error "--crl-file missing"
no_stdout "--crl-file missing"
printf 'this is not a CRL\n' >"$TMPD/garbage.crl"
run chainview --no-system-trust --ca-file "$TMPD/root.crt" --crl-file "$TMPD/garbage.crl" "$TMPD/good.pem"
expect "--crl-file garbage" 3 '' "^chainview: $TMPD/garbage.crl: not a CRL"
expect_one_line_error "--crl-file garbage"
no_stdout "--crl-file garbage"
head -c 40 "$TMPD/ca.crl" >"$TMPD/truncated.crl"
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" --crl-file "$TMPD/ca.crl" \
	--crl-file "$TMPD/truncated.crl" "$TMPD/good.pem"
expect "--crl-file truncated, after a good one" 3 '' "^chainview: $TMPD/truncated.crl: "
expect_one_line_error "--crl-file truncated"
no_stdout "--crl-file truncated"
run chainview --no-system-trust --ca-file "$TMPD/root.crt" --crl-file "$V/good.crt" "$TMPD/good.pem"
expect "--crl-file holding a certificate" 3 '' "^chainview: $V/good.crt: no X509 CRL block"

# --- revocation -------------------------------------------------------------
bundle revoked revoked ca
CRLS="--crl-file $TMPD/ca.crl --crl-file $TMPD/root.crl"
# shellcheck disable=SC2086
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT $CRLS "$TMPD/revoked.pem"
expect "revoked" 1
expect_json "revoked: finding" '.findings[] | select(.code == "revoked") | "\(.severity) \(.certificate) \(.message)"' \
	"error 0 CN=revoked.validate.test,O=chainkit tests was revoked on 2021-01-01T00:00:00Z, reason keyCompromise"
expect_json "revoked: not valid" '.chain.valid' false
expect_json "revoked: statuses" '[.chain.revocation[] | "\(.certificate):\(.status)"] | join(",")' "0:revoked,1:good"
expect_json "revoked: reason and date" '.chain.revocation[0] | "\(.reason) \(.revoked_at)"' "1 2021-01-01T00:00:00Z"
expect_json "revoked: detail names the CRL" '.chain.revocation[0].detail | test("keyCompromise.*on the CRL of CN=validate ca,O=chainkit tests from .*/ca\\.crl")' true
expect_json "good CA: no reason, no date" '.chain.revocation[1] | "\(.reason) \(.revoked_at)"' "null null"
expect_json "revoked: the taken link says the path is not valid" \
	'[.chain.trace[] | select(.result == "taken") | .reason | startswith("taken (the best path found): revoked: ")] | all' true
# shellcheck disable=SC2086
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT $CRLS "$TMPD/good.pem"
expect "good with CRLs" 0
expect_json "good: statuses" '[.chain.revocation[].status] | join(",")' "good,good"
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT --crl-file "$TMPD/ca-expired.crl" \
	--crl-file "$TMPD/root.crl" "$TMPD/revoked.pem"
expect "expired CRL: unknown, a warning" 0
expect_json "expired CRL: statuses" '[.chain.revocation[].status] | join(",")' "unknown,good"
expect_json "expired CRL: finding" '[.findings[] | "\(.severity):\(.code):\(.certificate)"] | join(",")' "warning:revocation-unknown:0"
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT --crl-file "$TMPD/ca-expired.crl" \
	--crl-file "$TMPD/root.crl" --require-revocation "$TMPD/revoked.pem"
expect "expired CRL, --require-revocation" 1
expect_json "expired CRL, required: an error" '[.findings[] | "\(.severity):\(.code)"] | join(",")' "error:revocation-unknown"
# (--revocation crl fetches: chainview-revocation.sh, in a network namespace)
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT "$TMPD/good.pem"
expect_json "revocation off: no statuses" '.chain.revocation | length' 0

# --- the trace ----------------------------------------------------------------
bundle backtrack good ca-samekey-noku ca
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT "$TMPD/backtrack.pem"
expect "trace: valid after a rejected candidate" 0
expect_json "trace: first entry rejected" '.chain.trace[0] | "\(.position) \(.certificate) \(.result)"' "0 0 rejected"
expect_json "trace: its reason is the rule" '.chain.trace[0].reason | startswith("ca-key-usage: CN=validate ca,O=chainkit tests issues certificates but its key usage lacks keyCertSign")' true
expect_json "trace: the rejected one has the same name" '.chain.trace[0].candidate.subject' "CN=validate ca,O=chainkit tests"
expect_json "trace: the rejected one is not on the path" '.chain.trace[0].candidate.index as $i | .chain.path | index($i)' null
expect_json "trace: the taken links" '[.chain.trace[] | select(.result == "taken") | "\(.position):\(.candidate.index):\(.reason)"] | join(",")' \
	"0:1:taken: the path through it is valid,1:2:taken: the path through it is valid"
expect_json "trace: the anchor's source and origin" '.chain.trace[] | select(.result == "taken" and .position == 1) | .candidate | "\(.source) \(.origin)"' \
	"trust-store $TMPD/root.crt"
expect_json "trace: candidate fingerprints" '[.chain.trace[].candidate.sha256 | test("^[0-9a-f]{64}$")] | all' true
expect_json "trace: not truncated" '.chain.trace_truncated' false
bundle rekeyed noaki ca-rekeyed ca
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT "$TMPD/rekeyed.pem"
expect "trace: a key that does not verify" 0
expect_json "trace: rejected for its signature" '[.chain.trace[] | select(.result == "rejected") | .reason] | join(",")' \
	"its key does not verify the signature"

# --- policies -------------------------------------------------------------------
bundle pol pol-leaf ca-pol
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT --policy 2.999.1 --explicit-policy "$TMPD/pol.pem"
expect "policy" 0
expect_json "policy: user-constrained set" '.chain.policies.user_constrained | join(",")' "2.999.1"
expect_json "policy: authorities-constrained set" '.chain.policies.authorities_constrained | join(",")' "2.999.1"
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT --policy 2.999.2 --policy 2.999.1 "$TMPD/pol.pem"
expect_json "two --policy: the one asserted" '.chain.policies.user_constrained | join(",")' "2.999.1"
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT --policy 2.999.2 "$TMPD/pol.pem"
expect "policy not asserted, not explicit" 0
expect_json "policy not asserted: empty user set" '.chain.policies.user_constrained | length' 0
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT --policy 2.999.2 --explicit-policy "$TMPD/pol.pem"
expect_json "policy-violation names the policy" '.findings[] | select(.code == "policy-violation") | .message | test("2\\.999\\.2")' true

# --- --explain: every line of the explanation fits 80 columns ------------------
# (columns: UTF-8 continuation bytes not counted)
check_explain() {
	name=$1
	checks=$((checks + 1))
	awk '/How the path was found/ { on = 1 } on && /^$/ { on = 0 } on' "$out" >"$TMPD/explain"
	if ! [ -s "$TMPD/explain" ]; then
		fail "$name: no explanation"
		return
	fi
	long=$(LC_ALL=C awk '{ s = $0; gsub(/[\200-\277]/, "", s); if (length(s) > 80) print }' "$TMPD/explain")
	if [ -n "$long" ]; then
		fail "$name: lines over 80 columns: $long"
	else
		echo "ok: $name: fits 80 columns"
	fi
}
# shellcheck disable=SC2086
run chainview --no-system-trust --ca-file "$TMPD/root.crt" $AT $CRLS --explain "$TMPD/backtrack.pem"
expect "--explain" 0 '^  How the path was found \(profile modern\):$'
expect "--explain: a rejected candidate" 0 '^    ✗ issuer of \[0\] at position 0: CN=validate ca,O=chainkit tests'
expect "--explain: a taken one" 0 '^    ✓ issuer of \[1\] at position 1: CN=validate root,O=chainkit tests'
expect "--explain: revocation" 0 '^  Revocation \[0\]: good'
expect "--explain: policies" 0 '^  Policies \(user-constrained\): none$'
check_explain "--explain"
# shellcheck disable=SC2086
run chainview --no-system-trust --ca-file "$TMPD/root.crt" $AT $CRLS --explain --profile webpki "$TMPD/revoked.pem"
expect "--explain, revoked" 1 '^  Revocation \[0\]: revoked'
expect "--explain, profile" 1 'profile webpki'
check_explain "--explain, revoked"
run chainview --no-system-trust --ca-file "$TMPD/root.crt" $AT --policy 2.999.1 --explain "$TMPD/pol.pem"
expect "--explain, policies" 0 '^  Policies \(user-constrained\): 2\.999\.1$'
check_explain "--explain, policies"
# an anchor in a directory whose name is longer than a line
long=$TMPD/a-directory-whose-name-is-longer-than-a-line-of-text-on-a-terminal-of-eighty-columns
mkdir "$long"
cp "$V/root.crt" "$long/root.crt"
run chainview --no-system-trust --ca-file "$long/root.crt" $AT --explain "$TMPD/backtrack.pem"
expect "--explain, long origin" 0 'How the path was found'
check_explain "--explain, long origin"
run chainview --json --no-system-trust --ca-file "$TMPD/root.crt" $AT --explain "$TMPD/backtrack.pem"
expect_json "--explain does not change JSON" '.chain.trace | length' 4
run chainview --no-system-trust --ca-file "$TMPD/root.crt" $AT "$TMPD/backtrack.pem"
checks=$((checks + 1))
if grep -q 'How the path was found' "$out"; then fail "trace shown without --explain"; else echo "ok: no trace without --explain"; fi

# --- XML: the validation outputs against the schema ---------------------------
for args in "$CRLS $TMPD/revoked.pem" "--policy 2.999.1 --explicit-policy $TMPD/pol.pem" \
	"--crl-file $TMPD/ca-expired.crl $TMPD/backtrack.pem" "--profile webpki $TMPD/rekeyed.pem"; do
	# shellcheck disable=SC2086
	run chainview --xml --no-system-trust --ca-file "$TMPD/root.crt" $AT $args
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/chainview.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($args)"
	else
		cat "$TMPD/xmllint"
		fail "XML does not validate ($args)"
	fi
done
# shellcheck disable=SC2086
run chainview --xml --no-system-trust --ca-file "$TMPD/root.crt" $AT $CRLS "$TMPD/revoked.pem"
expect "XML: revocation" 1 '<status>revoked</status>'
expect "XML: trace" 1 '<result>taken</result>'
expect "XML: profile" 1 '<profile>modern</profile>'
finish
