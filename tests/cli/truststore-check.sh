#!/bin/sh
# truststore check: the fixture chains against each kind of store; which
# store anchors them, through which root, and which intermediates each
# store's clients find without the bundle.
. "$top_srcdir/tests/lib.sh"
need jq
S="$FX/stores"
unset SSL_CERT_FILE SSL_CERT_DIR
AT=--at=2026-01-01
JKS="java:$S/cacerts.jks"
P12="java:$S/cacerts.p12"
NET="dotnet:$S/dotnet-home"
DIR="$S/new"

# (java-truststore.p12 holds int-ca as a trusted entry: Java anchors the chain there)
# bundle | store | anchored | anchor subject (or -) | intermediates: without_bundle values
while IFS='|' read -r bundle store anchored anchor inter; do
	[ -z "$bundle" ] && continue
	run truststore check --json $AT "$FX/$bundle" --store "$store"
	if [ "$anchored" = true ]; then want=0; else want=1; fi
	expect "$bundle against $store" "$want"
	expect_json "$bundle/$store: anchored" '.stores[0].anchored' "$anchored"
	[ "$anchor" = - ] || expect_json "$bundle/$store: anchor" '.stores[0].anchor.subject' "$anchor"
	expect_json "$bundle/$store: intermediates" '[.stores[0].intermediates[].without_bundle] | join(",")' "$inter"
done <<TABLE
bundles/client-chain.pem|$JKS|true|CN=chainkit Test Root CA,O=chainkit tests|fails
bundles/client-chain.pem|$P12|true|CN=chainkit Test Root CA,O=chainkit tests|fails
bundles/client-chain.pem|$NET|true|CN=chainkit Test Root CA,O=chainkit tests|found
bundles/client-chain.pem|$DIR|true|CN=chainkit Test Root CA,O=chainkit tests|fails
bundles/client-chain.pem|java:$FX/p12/java-truststore.p12|true|CN=chainkit Issuing CA 1,O=chainkit tests|
bundles/client-leaf.pem|$JKS|false|-|
bundles/client-leaf.pem|$NET|true|CN=chainkit Test Root CA,O=chainkit tests|found
bundles/client-full.pem|$JKS|true|CN=chainkit Test Root CA,O=chainkit tests|fails
bundles/client-cross.pem|$JKS|true|CN=chainkit Second Root CA,O=chainkit tests|fails
bundles/client-cross.pem|$DIR|false|-|fails
pki/other-leaf.crt|$JKS|true|CN=chainkit Other Root CA,O=chainkit tests|
pki/other-leaf.crt|$DIR|false|-|
pki/ec-leaf.crt|$DIR|false|-|
TABLE

# the client chain, against every store at once
run truststore check --json $AT "$FX/bundles/client-chain.pem" --store "$JKS" --store "$NET" --store "$DIR" \
	--store "java:$S/nopass.p12"
expect "several stores" 0
expect_json "anchored by" '.anchored_by | length' 4
expect_json "leaf" '.leaf.subject' "CN=client.example.test,O=chainkit tests"
expect_json "dotnet: intermediate found in its ca store" '.stores[1].intermediates[0].found_in | test("x509stores/ca/[0-9A-F]{40}\\.pfx$")' true
expect_json "java: intermediate from the bundle only" '.stores[0].intermediates[0] | "\(.in_bundle) \(.found_in)"' "true null"
expect_json "java: by default Java never fetches it" '.stores[0].intermediates[0] | "\(.without_bundle) \(.fetch_url) \(.clients[0].runtime) \(.clients[0].never_downloads)"' "fails null java true"
expect_json "java: the URL Java would fetch with enableAIAcaIssuers" '.stores[0].intermediates[0].clients[1] | "\(.runtime) \(.fetch_url) \(.condition)"' "java-aia http://127.0.0.1:18080/int-ca.crt -Dcom.sun.security.enableAIAcaIssuers=true"

# .NET without the intermediate in its ca store: it downloads it
mkdir -p "$TMPD/home/.dotnet/corefx/cryptography/x509stores"
cp -r "$S/dotnet-home/.dotnet/corefx/cryptography/x509stores/root" "$TMPD/home/.dotnet/corefx/cryptography/x509stores/"
run truststore check --json $AT "$FX/bundles/client-chain.pem" --store "dotnet:$TMPD/home"
expect_json ".NET fetches the missing intermediate" '.stores[0].intermediates[0] | .without_bundle + " " + .fetch_url' "fetched http://127.0.0.1:18080/int-ca.crt"
run truststore check --json $AT "$FX/bundles/client-leaf.pem" --store "dotnet:$TMPD/home"
expect ".NET: leaf alone, not anchored" 1
expect_json ".NET: the missing issuer would be downloaded" '.stores[0].missing[0] | .without_bundle + " " + .fetch_url' "fetched http://127.0.0.1:18080/int-ca.crt"
run truststore check $AT "$FX/bundles/client-leaf.pem" --store "dotnet:$TMPD/home"
expect "text: NOT anchored" 1 'NOT anchored'
expect "text: download said" 1 'would be downloaded from http://127.0.0.1:18080/int-ca.crt'
expect "text: verdict" 1 'anchored by 0 of 1 stores'

# the system store serves OpenSSL, curl and GnuTLS (never download) and
# .NET on Linux (downloads the first http caIssuers URL): each said apart
export SSL_CERT_FILE="$S/system/bundle.pem" SSL_CERT_DIR="$S/system/certs"
run truststore check --json $AT "$FX/bundles/client-chain.pem" --store system
expect "system store" 0
expect_json "system: OpenSSL fails, .NET downloads" \
	'[.stores[0].intermediates[0].clients[] | .runtime + "=" + .without_bundle + " " + (.fetch_url // "-")] | join(",")' \
	"openssl=fails -,dotnet-linux=fetched http://127.0.0.1:18080/int-ca.crt"
expect_json "system: without_bundle is OpenSSL's" '.stores[0].intermediates[0].without_bundle' fails
run truststore check $AT "$FX/bundles/client-chain.pem" --store system
expect "system text: OpenSSL never downloads" 0 '^        OpenSSL and curl: the chain fails \(never downloaded\)$'
expect "system text: .NET downloads" 0 '^        \.NET on Linux: would be downloaded from http://127\.0\.0\.1:18080/int-ca\.crt$'
run truststore check $AT "$FX/bundles/client-leaf.pem" --store system
expect "system text: the missing issuer, .NET downloads it" 1 '^        \.NET on Linux: would be downloaded from http://127\.0\.0\.1:18080/int-ca\.crt$'
unset SSL_CERT_FILE SSL_CERT_DIR

# the re-keyed root anchors nothing the old one signed
run truststore check $AT "$FX/pki/other-leaf.crt" --store "$S/new"
expect "re-keyed root: bad signature said" 1 'bad-signature'

# validity with --at: anchored, but the chain is not valid after 2070
run truststore check --json --at 2071-01-01 "$FX/bundles/client-chain.pem" --store "$JKS"
expect "anchored but expired" 0
expect_json "expired chain is not valid" '.stores[0].valid' false

# several bundles: JSON Lines; one bundle anchored nowhere makes exit 1
run truststore check --json $AT "$FX/bundles/client-chain.pem" "$FX/pki/other-leaf.crt" --store "$DIR"
expect "several bundles, one anchored nowhere" 1
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -eq 2 ]; then echo "ok: two JSON lines"; else fail "not two JSON lines"; fi

# default stores: system (+ java, dotnet when present); HOME gives dotnet
home=$HOME
export HOME="$S/dotnet-home"
run truststore check --json $AT "$FX/bundles/client-leaf.pem"
export HOME="$home"
expect "default stores" 0
expect_json "default stores include system and dotnet" '[.stores[].kind] | map(select(. == "system" or . == "dotnet")) | join(",")' "system,dotnet"
finish
