#!/bin/sh
# The findings chainview reports for each kind of bundle, and the exit status.
. "$top_srcdir/tests/lib.sh"
need jq

ROOT="$FX/pki/root-ca.crt"
# file | options | exit status | finding codes (sorted, comma-separated)
while IFS='|' read -r file opts want_rc codes; do
	[ -z "$file" ] && continue
	# shellcheck disable=SC2086
	run chainview --json --no-system-trust --at 2030-01-01 $opts "$FX/$file"
	expect "$file $opts: exit status" "$want_rc"
	expect_json "$file $opts: findings" '[.findings[].code] | unique | join(",")' "$codes"
done <<TABLE
bundles/client-full.pem|--ca-file $ROOT|0|root-in-bundle
bundles/client-chain.pem|--ca-file $ROOT|0|
bundles/client-full.pem||1|root-in-bundle,untrusted-root
bundles/client-leaf.pem|--ca-file $ROOT|1|missing-issuer
bundles/client-chain.pem||1|root-not-given
bundles/client-scrambled.pem|--ca-file $ROOT|0|root-in-bundle,wrong-order
bundles/client-dup.pem|--ca-file $ROOT|0|duplicate-certificate
bundles/client-unrelated.pem|--ca-file $ROOT|0|unrelated-certificate
bundles/client-cross.pem|--ca-file $FX/pki/root2-ca.crt|0|root-in-bundle
bundles/two-leaves.pem|--ca-file $ROOT|0|
bundles/client-combined.pem|--ca-file $ROOT|0|
p12/key-only.pfx|--password test|0|no-certificate,pkcs12-not-portable
bundles/key-ec.pem||0|no-certificate
p12/certs-only.pfx|--password test --ca-file $ROOT|0|no-private-key,pkcs12-not-portable,root-in-bundle
p12/crlbag.pfx|--password test --ca-file $ROOT|0|pkcs12-not-portable,root-in-bundle,skipped-bag,weak-pkcs12
pki/expired-leaf.crt|--ca-file $FX/pki/int-ca.crt|1|expired
pki/future-leaf.crt|--ca-file $FX/pki/int-ca.crt|1|not-yet-valid
pki/soon-leaf.crt|--ca-file $FX/pki/int-ca.crt|0|
pki/soon-leaf.crt|--ca-file $FX/pki/int-ca.crt --at 2030-05-15|0|expires-soon
pki/soon-leaf.crt|--ca-file $FX/pki/int-ca.crt --at 2030-01-01 --warn-days 200|0|expires-soon
pki/sha1-leaf.crt|--ca-file $FX/pki/int-ca.crt|1|weak-signature
pki/sha1-leaf.crt|--ca-file $FX/pki/int-ca.crt --profile rfc5280|0|weak-signature
pki/md5-leaf.crt|--ca-file $FX/pki/int-ca.crt|1|weak-signature
pki/md5-leaf.crt|--ca-file $FX/pki/int-ca.crt --profile rfc5280|1|weak-signature
pki/weak-rsa1024.crt|--ca-file $FX/pki/int-ca.crt|1|key-too-small,weak-key
pki/weak-rsa1024.crt|--ca-file $FX/pki/int-ca.crt --profile rfc5280|0|weak-key
pki/critext-leaf.crt|--ca-file $FX/pki/int-ca.crt|1|unsupported-critical-extension
pki/server-wrongeku.crt|--ca-file $FX/pki/int-ca.crt --purpose server|1|purpose-mismatch
pki/server.crt|--ca-file $FX/pki/int-ca.crt --purpose server --hostname server.example.test|0|
pki/server.crt|--ca-file $FX/pki/int-ca.crt --hostname other.example.test|1|hostname-mismatch
pki/client.crt|--ca-file $FX/pki/int-ca.crt --purpose server|1|purpose-mismatch
TABLE

# a private key that belongs to none of the certificates
cat "$FX/bundles/client-chain.pem" "$FX/pki/nomatch.key" >"$TMPD/mismatch.pem"
run chainview --json --no-system-trust --ca-file "$ROOT" "$TMPD/mismatch.pem"
expect "key-mismatch" 1
expect_json "key-mismatch finding" '[.findings[].code] | join(",")' key-mismatch

# chains that break a constraint, with the issuers from a CA file
cat "$FX/pki/sub-int-ca.crt" "$FX/pki/int-ca.crt" >"$TMPD/pathlen-cas.pem"
cat "$FX/pki/pathlen-leaf.crt" "$FX/pki/sub-int-ca.crt" "$FX/pki/int-ca.crt" >"$TMPD/pathlen.pem"
run chainview --json --no-system-trust --ca-file "$ROOT" "$TMPD/pathlen.pem"
expect "pathLen" 1
expect_json "pathLen finding on int-ca" '.findings[] | select(.code=="path-length-exceeded") | .certificate' 2

cat "$FX/pki/nobc-leaf.crt" "$FX/pki/nobc-ca.crt" >"$TMPD/nobc.pem"
run chainview --json --no-system-trust --ca-file "$ROOT" "$TMPD/nobc.pem"
expect_json "no basicConstraints" '[.findings[].code] | join(",")' "ca-missing-basic-constraints"

cat "$FX/pki/nokcs-leaf.crt" "$FX/pki/nokcs-int.crt" >"$TMPD/nokcs.pem"
run chainview --json --no-system-trust --ca-file "$ROOT" "$TMPD/nokcs.pem"
expect_json "no keyCertSign" '[.findings[].code] | join(",")' "ca-key-usage"

cat "$FX/pki/nc-bad-leaf.crt" "$FX/pki/nc-int.crt" >"$TMPD/nc.pem"
run chainview --json --no-system-trust --ca-file "$ROOT" "$TMPD/nc.pem"
expect_json "name constraints" '[.findings[].code] | join(",")' "name-constraints-violation"

# the origin story: the missing intermediate, the URL, what .NET does
run chainview --json --no-system-trust --password-file "$FX/demo/client.pfx.pass" "$FX/demo/client.pfx"
expect "demo: problems found" 1
expect_json "demo: incomplete" '.chain.status' incomplete
expect_json "demo: missing issuer" '.chain.missing[0].issuer' "CN=chainkit Issuing CA 1,O=chainkit tests"
expect_json "demo: URL" '.chain.missing[0].ca_issuers[0]' "http://127.0.0.1:18080/int-ca.crt"
expect_json "demo: key matches leaf" '.keys[0].matches_certificate' 0
expect_json "demo: hint" '.findings[0].hint | test("\\.NET client on Linux will try to download it from http://127.0.0.1:18080/int-ca.crt")' true

# leaf + intermediate of a private PKI, the root not given (issue 24
# item 3): a warning that the root is most likely what is missing, with
# no advice to add it to the bundle (root-in-bundle would follow), and
# the .NET note worded for the root; a leaf's own missing issuer stays
# an error
run chainview --json --no-system-trust "$FX/bundles/client-chain.pem"
expect_json "root not given: one warning" '[.findings[] | .code + " " + .severity + " " + (.certificate|tostring)] | join(",")' "root-not-given warning 1"
expect_json "root not given: usually the root" '.findings[0].message | test("^the chain ends at CN=chainkit Issuing CA 1,O=chainkit tests; its issuer CN=chainkit Test Root CA,O=chainkit tests is in neither the input nor the trust stores: usually the root$")' true
expect_json "root not given: no advice to add it" '.findings[0].hint | test("Add the issuer|sends the leaf alone")' false
expect_json "root not given: --ca-file" '.findings[0].hint | test("Give the root with --ca-file to check the whole path")' true
expect_json "root not given: .NET note for the root" '.findings[0].hint | test("\\.NET client on Linux whose stores lack this root will try to download it from http://127.0.0.1:18080/root-ca.crt")' true
run chainview --no-system-trust --color never "$FX/bundles/client-chain.pem"
expect "root not given: text finding" 1 '^  warning root-not-given \[1\]: the chain ends at CN=chainkit Issuing CA 1'
expect "root not given: text tree" 1 '^  ✗ not given \(usually the root\): CN=chainkit Test Root CA,O=chainkit tests$'
expect "root not given: text summary" 1 '^Findings: 0 errors, 1 warning, 0 info$'
# why a chain is not valid (issue 24 item 12): "not valid" alone reads as expired
expect "not valid: why" 1 '^Chain 1: INCOMPLETE · not trusted · not valid: no trusted root$'
run chainview --no-system-trust --color never "$FX/bundles/client-full.pem"
expect "complete, not valid: why" 1 '^Chain 1: complete · not trusted · not valid: no trusted root$'
cat "$FX/pki/expired-leaf.crt" "$FX/pki/int-ca.crt" >"$TMPD/expired.pem"
run chainview --no-system-trust --color never --ca-file "$ROOT" "$TMPD/expired.pem"
expect "trusted, not valid: the first error" 1 '^Chain 1: complete · trusted · not valid: expired \[0\]$'
# plurals: "1 day left", "1 certificate"
run chainview --no-system-trust --color never --at 2069-12-31T00:00:00Z "$FX/pki/client.crt"
expect "one day left" 1 '\(1 day left\)'
expect "one certificate" 1 ': PEM, 1 certificate, 0 keys$'
# CA certificates of an intermediates-only bundle are not leaves
cat "$FX/pki/int-ca.crt" "$FX/pki/ec-int.crt" >"$TMPD/intermediates.pem"
run chainview --json --no-system-trust "$TMPD/intermediates.pem"
expect_json "intermediates only: their roles" '[.certificates[].role] | unique | join(",")' intermediate
run chainview --no-system-trust --color never "$TMPD/intermediates.pem"
expect "intermediates only: text" 1 '^  └─ \[0\] intermediate CN=chainkit Issuing CA 1'
# a CA whose key is in the input is still the leaf of that key
cat "$FX/pki/int-ca.crt" "$FX/pki/int-ca.key" >"$TMPD/ca-key.pem"
run chainview --json --no-system-trust "$TMPD/ca-key.pem"
expect_json "a keyed CA: leaf" '.certificates[0].role' leaf
run chainview --json --no-system-trust "$FX/bundles/client-leaf.pem"
expect_json "a leaf's own issuer: still missing-issuer" '[.findings[] | .code + " " + .severity] | join(",")' "missing-issuer error"

# RSASSA-PSS named with its hash, MGF1 hash and salt length, not as an OID
# (issue 24 item 8); certificates made by openssl here, as gen.sh does
if command -v openssl >/dev/null 2>&1; then
	# hash | MGF1 hash | salt | expected name
	while IFS='|' read -r md mgf salt want; do
		[ -z "$md" ] && continue
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMPD/pss.key" -out "$TMPD/pss-$md-$mgf-$salt.crt" \
			-subj /CN=pss -days 36500 -sigopt rsa_padding_mode:pss -sigopt "rsa_pss_saltlen:$salt" \
			-sigopt "rsa_mgf1_md:$mgf" "-$md" 2>/dev/null
		run chainview --json --no-system-trust "$TMPD/pss-$md-$mgf-$salt.crt"
		expect_json "RSA-PSS $md/$mgf/$salt: named" '.certificates[0].signature_algorithm' "$want"
		run chainview --no-system-trust --color never "$TMPD/pss-$md-$mgf-$salt.crt"
		expect "RSA-PSS $md/$mgf/$salt: text" 1 "· $(printf '%s' "$want" | sed 's/[()]/\\&/g')( ·|$)"
	done <<'PSS'
sha256|sha256|32|RSA-PSS (SHA-256, MGF1 SHA-256, salt 32)
sha1|sha1|20|RSA-PSS (SHA-1, MGF1 SHA-1, salt 20)
sha384|sha1|48|RSA-PSS (SHA-384, MGF1 SHA-1, salt 48)
PSS
	# a leaf signed with RSA-PSS SHA-1, which GnuTLS cannot verify: the
	# signature is not called bad (OpenSSL verifies it), it is called
	# unchecked, and the SHA-1 hash is still a weak-signature
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMPD/pssroot.key" -out "$TMPD/pssroot.crt" \
		-subj /CN=pss -days 36500 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout "$TMPD/pssleaf.key" -out "$TMPD/pssleaf.csr" \
		-subj /CN=pssleaf 2>/dev/null
	openssl x509 -req -in "$TMPD/pssleaf.csr" -CA "$TMPD/pssroot.crt" -CAkey "$TMPD/pssroot.key" \
		-out "$TMPD/pssleaf.crt" -days 36500 -sha1 -sigopt rsa_padding_mode:pss \
		-sigopt rsa_pss_saltlen:20 2>/dev/null
	run chainview --json --no-system-trust --ca-file "$TMPD/pssroot.crt" "$TMPD/pssleaf.crt"
	expect_json "RSA-PSS SHA-1 link: not called bad, called unchecked" \
		'[.findings[] | .code] | map(select(test("signature"))) | sort | join(",")' \
		"unsupported-signature,weak-signature"
	expect_json "RSA-PSS SHA-1 link: reason" '.chains[0].missing[0].reason' unsupported-signature
	run chainview --no-system-trust --color never --ca-file "$TMPD/pssroot.crt" "$TMPD/pssleaf.crt"
	expect "RSA-PSS SHA-1 link: text" 1 "issuer's signature cannot be checked: CN=pss$"
fi

# name-constraints-violation names the name and the constraint it broke
run chainview --json --no-system-trust --ca-file "$ROOT" "$TMPD/nc.pem"
expect_json "name constraints: which name, which constraint" '.findings[0].message' "DNS:bad.example.test is not within the permitted DNS:.good.test of CN=chainkit Name-Constrained CA,O=chainkit tests"

# -v shows Name Constraints and Certificate Policies, also in JSON and
# XML (issue 24 item 8)
run chainview -v --no-system-trust --color never "$FX/nc/ca-ip.der"
expect "-v: NC permitted" 1 '^ +NC permitted: +IP:10\.0\.0\.0/255\.0\.0\.0, IP:2001:db8::/ffff:ffff::$'
expect "-v: NC excluded" 1 '^ +NC excluded: +IP:10\.9\.0\.0/255\.255\.0\.0$'
run chainview --json --no-system-trust "$FX/nc/ca-dns.der"
expect_json "JSON: name_constraints" '.certificates[0].name_constraints | (.permitted|join(",")) + " / " + (.excluded|join(","))' "DNS:example.com,DNS:.example.net / DNS:bad.example.com"
run chainview -v --no-system-trust --color never "$FX/certpol/ca-qualifiers.der"
expect "-v: policy" 1 '^ +policies: +2\.999\.1$'
expect "-v: CPS" 1 '^ +CPS: http://127\.0\.0\.1:18080/cps\.html$'
# the notice reference (organization, numbers) too, as openssl shows it (issue 24 item 8)
# (one line when not on a terminal, as every item: wrap-terminal.sh wraps it)
expect "-v: user notice" 1 '^ +user notice: chainkit test policy \(notice 1, 2 of chainkit tests\)$'
run chainview --json --no-system-trust "$FX/certpol/ca-qualifiers.der"
expect_json "JSON: certificate_policies" '.certificates[0].certificate_policies[0] | [.oid, (.cps|join(",")), (.user_notices|join(","))] | join(" ")' "2.999.1 http://127.0.0.1:18080/cps.html chainkit test policy (notice 1, 2 of chainkit tests)"
# a directoryName constraint is shown as its name, not "(unreadable)"
run chainview -v --no-system-trust --color never "$FX/nc/ca-dn.der"
expect "-v: DirName NC permitted" 1 '^ +NC permitted: +DirName:OU=Permitted,O=chainkit tests$'
expect "-v: DirName NC excluded" 1 '^ +NC excluded: +DirName:OU=Excluded,OU=Permitted,O=chainkit tests$'
run chainview --json --no-system-trust "$FX/nc/ca-dn.der"
expect_json "JSON: DirName constraints" '.certificates[0].name_constraints | (.permitted|join(",")) + " / " + (.excluded|join(","))' "DirName:OU=Permitted,O=chainkit tests / DirName:OU=Excluded,OU=Permitted,O=chainkit tests"
if command -v xmllint >/dev/null 2>&1; then
	for f in nc/ca-ip.der certpol/ca-qualifiers.der; do
		run chainview --xml --no-system-trust "$FX/$f"
		checks=$((checks + 1))
		if xmllint --noout --relaxng "$top_srcdir/man/chainview.rng" "$out" 2>"$TMPD/xmllint"; then
			echo "ok: $f: XML validates"
		else
			cat "$TMPD/xmllint" >>"$out"
			fail "$f: XML does not validate"
		fi
		checks=$((checks + 1))
		if grep -q '<name_constraints>' "$out" && grep -q '<certificate_policies' "$out"; then
			echo "ok: $f: XML carries them"
		else
			fail "$f: XML without name_constraints or certificate_policies"
		fi
	done
fi

# findings on a terminal wrap at its width (80 when unknown) with
# hanging indents; not on a terminal, one line each (issue 24 item 5)
if command -v python3 >/dev/null 2>&1; then
	python3 "$top_srcdir/tests/pty-run.py" "$TMPD/tty.txt" -- \
		"$BIN/chainview" --no-system-trust --color never "$FX/bundles/client-chain.pem" >/dev/null 2>&1
	tr -d '\r' <"$TMPD/tty.txt" >"$TMPD/tty"
	checks=$((checks + 1))
	# the findings (the header and the tree hold a long path and names)
	if python3 -c 'import sys; t = open(sys.argv[1], encoding="utf-8").read().split("\nFindings:")[1]; sys.exit(any(len(l) > 80 for l in t.splitlines()))' "$TMPD/tty"; then
		echo "ok: terminal: no finding line over 80 columns"
	else
		cp "$TMPD/tty" "$out"; fail "terminal: a finding line over 80 columns"
	fi
	checks=$((checks + 1))
	if grep -q '^  warning root-not-given \[1\]: the chain ends at' "$TMPD/tty" &&
		grep -q '^          tests is in neither the input' "$TMPD/tty" &&
		grep -q '^            need not carry it' "$TMPD/tty"; then
		echo "ok: terminal: hanging indents"
	else
		cp "$TMPD/tty" "$out"; fail "terminal: findings not wrapped with hanging indents"
	fi
fi
run chainview --no-system-trust --color never "$FX/bundles/client-chain.pem"
expect "not a terminal: one line per hint" 1 '^          → Give the root with --ca-file .* test the URL with aiacheck\.$'

# the missing intermediate found in a CA file completes the chain
run chainview --json --no-system-trust --ca-file "$FX/pki/int-ca.crt" --password demo "$FX/demo/client.pfx"
expect "demo with the intermediate trusted" 0
expect_json "anchor from the store" '.certificates[1].source' trust-store
finish
