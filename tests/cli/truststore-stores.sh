#!/bin/sh
# truststore list/find/expiring/diff over every kind of store: JKS, JCEKS,
# PKCS#12 truststores with and without a password, .NET user stores in a
# fake HOME, a fixture system store, the real system store and cacerts.
. "$top_srcdir/tests/lib.sh"
need jq openssl
S="$FX/stores"
# the system store is the one this test sets, or the real one
unset SSL_CERT_FILE SSL_CERT_DIR
AT=--at=2026-01-01

# store | password option | certificates | anchors | keystore integrity (or -)
while IFS='|' read -r store pass count anchors integrity; do
	[ -z "$store" ] && continue
	# shellcheck disable=SC2086
	run truststore list --json $AT $pass "$store"
	expect "list $store $pass" 0
	expect_json "$store: count" '.stores[0].count' "$count"
	expect_json "$store: anchors" '.stores[0].anchors' "$anchors"
	[ "$integrity" = - ] || expect_json "$store: integrity" '.stores[0].keystore.integrity' "$integrity"
	expect_json "$store: one line per certificate" '.stores[0].certificates | length' "$count"
done <<TABLE
java:$S/cacerts.jks||4|4|verified
$S/cacerts.jks||4|4|verified
java:$S/cacerts.jceks||3|3|verified
java:$S/custom.jks||4|2|not-checked
java:$S/custom.jks|--password storepass1|4|2|verified
java:$S/cacerts.p12||4|4|-
java:$S/cacerts.p12|--password changeit|4|4|-
java:$S/nopass.p12||2|2|-
$S/nopass.p12||2|2|-
dotnet:$S/dotnet-home||3|1|-
$S/old.pem||6|6|-
$S/new||6|6|-
TABLE

# JKS details: aliases, entry types, the key chain is listed, not trusted
run truststore list --json $AT --password-file "$S/custom.jks.pass" "java:$S/custom.jks"
expect_json "custom.jks: key entry" '.stores[0].keystore.entries | map(select(.type == "private-key")) | .[0].alias + " " + (.[0].chain_length|tostring)' "client 3"
expect_json "custom.jks: password given" '.stores[0].keystore.password' given
expect_json "custom.jks: key chain not anchors" '[.stores[0].certificates[] | select(.alias == "client") | .trusted] | map(tostring) | join(",")' "true,false,false"
run truststore list $AT "java:$S/custom.jks"
expect "text: integrity not checked is said" 0 'integrity hash NOT checked'
expect "text: not an anchor marked" 0 'Issuing CA 1.*\[not an anchor\]'
run truststore list $AT "java:$S/cacerts.jceks"
expect "jceks: secret key entry counted" 0 '3 trusted-certificate, 0 private-key, 1 secret-key entries'
run truststore list --json $AT "java:$S/cacerts.jks"
expect_json "jks: aliases" '[.stores[0].certificates[].alias] | sort | join(",")' "ec-root,other-root,root-ca,root2-ca"
expect_json "jks: default password" '.stores[0].keystore.password' default

# .NET: which store each certificate is in; HOME from the environment
# (assignments before a shell function may outlive it: set and restore)
home=$HOME
export HOME="$S/dotnet-home"
run truststore list --json $AT dotnet
export HOME="$home"
expect "dotnet from HOME" 0
expect_json "dotnet: stores" '[.stores[0].certificates[] | .dotnet_store + ":" + (.trusted|tostring)] | sort | join(",")' "ca:false,my:false,root:true"
run truststore list --json $AT "dotnet:$TMPD/no-home"
expect "dotnet: no stores is empty" 0
expect_json "dotnet: empty" '.stores[0].count' 0
expect_json "dotnet: said not to exist" '.stores[0].exists' false
expect_json "dotnet: where it looked" '.stores[0].location' "$TMPD/no-home/.dotnet/corefx/cryptography/x509stores"
run truststore list $AT "dotnet:$TMPD/no-home"
expect "dotnet text: none, and where it looked (exit 0: nothing is wrong)" 0 \
	"^dotnet:$TMPD/no-home: no .NET stores: $TMPD/no-home/.dotnet/corefx/cryptography/x509stores does not exist"
checks=$((checks + 1))
if grep -q '0 certificates' "$out"; then fail "dotnet text: says 0 certificates"; else echo "ok: no '0 certificates'"; fi
run truststore list --json $AT "dotnet:$S/dotnet-home"
expect_json "dotnet: an existing store exists" '.stores[0].exists' true

# expired anchors are marked: text, JSON (per certificate, per store, in all)
run truststore list --at 2071-01-01 "$S/old.pem"
expect "expired: header counts them" 0 '^[^ ].*old.pem: 6 certificates, 6 expired$'
expect "expired: each line marked" 0 '^  2070-01-01 .*CN=chainkit Test Root CA,O=chainkit tests \[expired\]'
run truststore list $AT "$S/old.pem"
expect "expired in 2026: only the expired root" 0 '^[^ ].*old.pem: 6 certificates, 1 expired$'
expect "expired in 2026: marked" 0 '^  2002-01-01 .*CN=chainkit Expired Root CA,O=chainkit tests \[expired\]'
checks=$((checks + 1))
if grep -q 'Test Root CA.*\[expired\]' "$out"; then fail "a valid root marked expired"; else echo "ok: valid roots not marked"; fi
run truststore list --json --at 2071-01-01 "$S/old.pem" "java:$S/cacerts.jks"
expect_json "expired: per store" '[.stores[].expired] | map(tostring) | join(",")' "6,4"
expect_json "expired: in all" '.summary.expired' 10
expect_json "expired: per certificate" '[.stores[0].certificates[].expired] | all' true
run truststore list --json $AT "$S/old.pem"
expect_json "expired in 2026: which" '[.stores[0].certificates[] | select(.expired) | .subject] | join(",")' "CN=chainkit Expired Root CA,O=chainkit tests"

# the system store's views, on a fixture (the bundle and the hashed
# directory disagree; extra.pem has no hashed name and is not read)
export SSL_CERT_FILE="$S/system/bundle.pem" SSL_CERT_DIR="$S/system/certs"
run truststore list --json $AT system:openssl
expect "fixture system store" 0
expect_json "system: views" '[.stores[0].views[] | .name + "=" + (.count|tostring)] | join(",")' "bundle=3,directory=3"
expect_json "system: union" '.stores[0].count' 4
expect_json "system: EC root only in the bundle" '.stores[0].certificates[] | select(.subject | test("EC Root")) | .views | join(",")' bundle
expect_json "system: Other root only in the directory" '.stores[0].certificates[] | select(.subject | test("Other Root")) | .views | join(",")' directory
expect_json "system: non-hashed file ignored" '[.stores[0].certificates[] | select(.subject | test("New Root"))] | length' 0
export SSL_CERT_FILE="$TMPD/none.pem"
run truststore list --json $AT system:openssl
expect "system: a missing bundle is a view error, not a failure" 0
expect_json "system: missing bundle said" '.stores[0].views[0].error | test("cannot open")' true
unset SSL_CERT_FILE SSL_CERT_DIR

# the real system store: read without error, counts as grep -c BEGIN says
BUNDLE=/etc/ssl/certs/ca-certificates.crt
if [ -r "$BUNDLE" ]; then
	want=$(grep -c 'BEGIN CERTIFICATE' "$BUNDLE")
	run truststore list --json system
	expect "real system store" 0
	expect_json "real system: bundle count" '.stores[0].views[] | select(.name == "bundle") | .count' "$want"
	expect_json "real system: no view error" '[.stores[0].views[] | select(.error != null)] | length' 0
	expect_json "real system: directory holds the bundle's" '.stores[0].views[] | select(.name == "directory") | .count >= '"$want" true
	expect_json "real system: GnuTLS default trust read" '.stores[0].views[] | select(.name == "gnutls") | .count > 0' true
	run truststore list -q system
	expect "real system: text counts" 0 "bundle +$BUNDLE: $want"
else
	echo "SKIP (part): no system bundle at $BUNDLE"
fi
if [ -r /etc/ssl/certs/java/cacerts ] && command -v keytool >/dev/null 2>&1; then
	want=$(keytool -list -keystore /etc/ssl/certs/java/cacerts -storepass changeit 2>/dev/null | grep -c trustedCertEntry)
	run truststore list --json java
	expect "real java cacerts" 0
	expect_json "real java: keytool's count" '.stores[0].count' "$want"
	expect_json "real java: integrity" '.stores[0].keystore.integrity' verified
else
	echo "SKIP (part): no /etc/ssl/certs/java/cacerts or keytool"
fi

# find: subject (any case), fingerprint prefix with colons, key id
root_sha=$(openssl x509 -in "$FX/pki/root-ca.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
root_ski=$(openssl x509 -in "$FX/pki/root-ca.crt" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :')
run truststore find --json $AT "test root" "java:$S/cacerts.jks" "$S/old.pem"
expect "find by subject" 0
expect_json "find: one per store" '[.stores[].shown] | map(tostring) | join(",")' "1,1"
expect_json "find: matched by subject" '.stores[0].certificates[0].matched_by | join(",")' subject
run truststore find --json $AT "$(echo "$root_sha" | cut -c1-23)" "$S/old.pem"
expect_json "find by fingerprint prefix with colons" '.stores[0].certificates[0].subject + " " + (.stores[0].certificates[0].matched_by|join(","))' "CN=chainkit Test Root CA,O=chainkit tests sha256"
run truststore find --json $AT "$root_ski" "$S/old.pem"
expect_json "find by key id" '.stores[0].certificates[0].matched_by | join(",")' subject_key_id
run truststore find $AT "no such subject anywhere" "$S/old.pem"
expect "find: nothing found is exit 1" 1 '0 matching'

# expiring: --days and --at, and the expired ones
run truststore expiring --json --at 2030-04-01 "$S/old.pem"
expect "expiring in 90 days of 2030-04-01" 1
expect_json "expiring: soon and expired" '[.stores[0].certificates[].subject] | sort | join(";")' "CN=chainkit Expired Root CA,O=chainkit tests;CN=chainkit Soon-Expiring Root CA,O=chainkit tests"
expect_json "expiring: summary" '.summary.expired + 10 * .summary.expiring' 11
run truststore expiring --json --at 2030-04-01 --days 30 "$S/old.pem"
expect_json "expiring: --days 30 leaves the soon root out" '.summary.expiring' 0
run truststore expiring --at 2026-01-01 --days 30 "java:$S/cacerts.jks"
expect "expiring: nothing" 0 '0 expired, 0 expiring within 30 days'
run truststore expiring --at 2030-04-01 "$S/old.pem"
expect "expiring: text" 1 'expires 2030-06-01 \(in 61 days\)'

# diff: an added, a removed, a re-keyed and a renewed root
run truststore diff --json $AT "$S/old.pem" "$S/new"
expect "diff" 1
expect_json "diff: summary" '.summary | "\(.same) \(.added) \(.removed) \(.changed)"' "3 1 1 2"
expect_json "diff: added" '.added[0].subject' "CN=chainkit New Root CA,O=chainkit tests"
expect_json "diff: removed" '.removed[0].subject' "CN=chainkit Second Root CA,O=chainkit tests"
expect_json "diff: re-keyed" '.changed[] | select(.subject | test("Other Root")) | .changes | join(",")' key
expect_json "diff: renewed" '.changed[] | select(.subject | test("EC Root")) | .changes | join(",")' validity
run truststore diff $AT "$S/old.pem" "$S/old.pem"
expect "diff: same stores" 0 '6 same, 0 added, 0 removed, 0 changed'
run truststore diff $AT "java:$S/cacerts.jks" "java:$S/cacerts.p12"
expect "diff: JKS and PKCS#12 with the same roots" 0 '4 same'
finish
