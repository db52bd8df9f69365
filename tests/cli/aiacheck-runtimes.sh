#!/bin/sh
# aiacheck --as: what .NET on Linux, OpenSSL/curl and Java do with the
# chain's URLs, from what was measured against real servers.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq
need_servers nginx openssl

www_setup
web
ocsp_start
CA="--no-system-trust --ca-file $FX/pki/root-ca.crt $CK_NET_SLACK"
rt() { printf '.runtimes[] | select(.name == "%s") | %s' "$1" "$2"; }

# The intermediate is in a store .NET searches: found without a fetch.
# shellcheck disable=SC2086
run aiacheck --json $CA --ca-file "$FX/pki/int-ca.crt" --password demo "$FX/demo/client.pfx"
expect "found in a store: exit 0" 0
expect_json "found in a store: no fetch" "$(rt dotnet-linux '.fetches | length')" 0
expect_json "found in a store: said so" "$(rt dotnet-linux '.summary | test("finds it in .*int-ca.crt without a fetch")')" true
expect_json "found in a store: the caIssuers URL is not used" '.urls[0].used_by | length' 0
expect_json "found in a store: sends leaf and intermediate" "$(rt dotnet-linux '.sends | map(tostring) | join(",")')" 0,1

# The file holds the intermediate; .NET does not use it and fetches it.
# shellcheck disable=SC2086
run aiacheck --json $CA --as all "$FX/bundles/client-chain.pem"
expect "file chain: everyone fine" 0
expect_json ".NET: the file's intermediate is unused" "$(rt dotnet-linux '.summary | test("does not use the file.s intermediates")')" true
expect_json ".NET: fetches it" "$(rt dotnet-linux '.fetches[0].address + " " + (.fetches[0].success|tostring)')" "http://127.0.0.1:18080/int-ca.crt true"
expect_json "OpenSSL: sends the file, fetches nothing" "$(rt openssl '(.sends | map(tostring) | join(",")) + " " + (.fetches | length | tostring)')" "0,1 0"
expect_json "Java: the chain in the file is complete" "$(rt java-aia '(.complete|tostring) + " " + (.fetches | length | tostring)')" "true 0"
expect_json "used_by: only those that build their own chain (.NET, Windows)" '.urls[0].used_by | join(",")' dotnet-linux,dotnet11-linux,windows

# Four caIssuers URLs: Java tries them in order, .NET takes the first http one.
# shellcheck disable=SC2086
run aiacheck --json $CA --as all "$FX/pki/multi-aia-leaf.crt"
expect "multi-aia: OpenSSL sends an incomplete chain" 1
expect_json "Java: every URL in order until one works" "$(rt java-aia '[.fetches[] | .address + "=" + (.success|tostring)] | join(" ")')" \
	"ldap://127.0.0.1:18389/cn=int=false https://127.0.0.1:18443/int-ca.crt=false http://127.0.0.1:18080/int-ca.crt=true"
expect_json ".NET: the first http one" "$(rt dotnet-linux '[.fetches[] | .address] | join(" ")')" "http://127.0.0.1:18080/int-ca.crt"
expect_json "used_by marks each runtime's URLs" '[.urls[] | select(.kind == "ca-issuers" and .certificate == 0) | (.used_by | join("+"))] | join(",")' \
	"java-aia+windows,java-aia,dotnet-linux+java-aia+dotnet11-linux+windows+chrome,"
expect_json "OpenSSL: problem" "$(rt openssl .problem)" true
expect_json "OpenSSL: never fetches" "$(rt openssl '.summary | test("never fetches caIssuers URLs")')" true
# shellcheck disable=SC2086
run aiacheck --json $CA --as dotnet-linux --as java-aia "$FX/pki/multi-aia-leaf.crt"
expect "multi-aia: .NET and Java both complete it" 0
expect_json "--as twice: two runtimes" '[.runtimes[].name] | join(",")' dotnet-linux,java-aia

# Malformed caIssuers URLs: .NET trims the leading space and fetches it.
# shellcheck disable=SC2086
run aiacheck --json $CA --as all "$FX/pki/badurl-leaf.crt"
expect "badurl: problems" 1
expect_json ".NET: the trimmed URL" "$(rt dotnet-linux '.fetches[0].address')" http://127.0.0.1:18080/leading-space.crt
expect_json ".NET: which is not found" "$(rt dotnet-linux '.summary | test("NOT FOUND")')" true
expect_json "the URL stays malformed" '.urls[1].result + " " + .urls[1].effective_result' "malformed-url http-error"
expect_json "Java: follows none of them" "$(rt java-aia '.fetches | length')" 0
expect_json "the .invalid OCSP host does not resolve" '.urls[] | select(.url == "http://ca.invalid/ocsp") | .result' dns-failure

# Exit status follows the runtimes asked for.
# shellcheck disable=SC2086
run aiacheck $CA --as openssl --password demo "$FX/demo/client.pfx"
expect "openssl: the file lacks the intermediate" 1 'OpenSSL and curl \(openssl\): the issuer CN=chainkit Issuing CA 1'
# shellcheck disable=SC2086
run aiacheck $CA --as openssl "$FX/bundles/client-full.pem"
expect "openssl: the file is complete" 0 'sends \[0\], \[1\], \[2\] as in the file \(complete, ends at a trusted root\)'
# shellcheck disable=SC2086
run aiacheck $CA --password demo "$FX/demo/client.pfx"
expect "default: .NET fetches it fine" 0 'the fetch completes the chain'
expect "default: one runtime shown" 0 '^  \.NET on Linux \(dotnet-linux\)'
finish
