#!/bin/sh
# aiacheck without the network: --help, usage errors, unreadable inputs,
# passwords, --list (no traffic at all), and the man page's classes.
. "$top_srcdir/tests/lib.sh"
need jq

run aiacheck --help
expect "--help" 0 '^Usage: aiacheck \[OPTION\]\.\.\. FILE\.\.\.'
expect "--help: options" 0 '--connect-timeout SECONDS'
run aiacheck --version
expect "--version" 0 '^aiacheck \(chainkit\) '

# usage errors: one line, then the hint, exit 2 (table: message, arguments)
while IFS='|' read -r msg args; do
	[ -n "$msg" ] || continue
	# shellcheck disable=SC2086
	run aiacheck $args
	expect "usage: $args" 2 '' "$msg"
	expect "usage: $args: hint" 2 '' "^Try 'aiacheck --help' for more information\.$"
done <<'TABLE'
no input file .* and no --url|--no-system-trust
--as takes dotnet-linux, dotnet11-linux, windows, java, java-aia, chrome, firefox, go, android, openssl or all, not 'dotnet'|--as dotnet x.pem
--parallel takes a number from 1 to 1000, not '0'|--parallel 0 x.pem
--parallel takes a number from 1 to 1000, not 'many'|--parallel many x.pem
--connect-timeout takes seconds from 0.001 to 3600, not 'abc'|--connect-timeout abc x.pem
--connect-timeout takes seconds from 0.001 to 3600, not '-1'|--connect-timeout -1 x.pem
--connect-timeout takes seconds from 0.001 to 3600, not '0'|--connect-timeout 0 x.pem
--timeout takes seconds from 0.001 to 3600, not '7200'|--timeout 7200 x.pem
--timeout takes seconds from 0.001 to 3600, not 'nan'|--timeout nan x.pem
--connect-timeout takes seconds from 0.001 to 3600, not 'inf'|--connect-timeout inf x.pem
--max-body takes a size such as 65536, 512K or 1M, not '0'|--max-body 0 x.pem
--max-body takes a size such as 65536, 512K or 1M, not '1X'|--max-body 1X x.pem
--warn-hours takes a number of hours from 1 to 876000, not '0'|--warn-hours 0 x.pem
use only one of --proxy and --no-proxy|--proxy http://127.0.0.1:1 --no-proxy x.pem
--force only applies to --junit|--force x.pem
unrecognized option '--bogus'|--bogus x.pem
^aiacheck: option '--no-proxy' takes no argument$|--no-proxy=1 x.pem
option '--url' requires an argument|--url
--format takes text, json, xml or nagios, not 'yaml'|--format yaml x.pem
^aiacheck: --allow-address takes an address range such as 169\.254\.0\.0/16 or fe80::/10: '10\.0\.0\.1/8' has address bits set past the prefix \(the range is 10\.0\.0\.0/8\)$|--allow-address 10.0.0.1/8 x.pem
--allow-address takes an address range .*: 'fe80::1%lo' is not an IPv4 or IPv6 address$|--allow-address fe80::1%lo x.pem
--deny-address takes an address range .*: 'example\.test' is not an IPv4 or IPv6 address$|--deny-address example.test x.pem
--deny-address takes an address range .*: '10\.0\.0\.0/33': the prefix length must be a number from 0 to 32|--deny-address 10.0.0.0/33 x.pem
--deny-address takes an address range .*: '10\.0\.0\.0/08': the prefix length|--allow-address 10.0.0.0/8 --deny-address 10.0.0.0/08 x.pem
option '--deny-address' requires an argument|--deny-address
--resolve takes HOST:PORT:ADDRESS.* 'fe80::1' is not an IPv4 address or an IPv6 one in brackets$|--resolve metadata.test:80:fe80::1 x.pem
--resolve takes HOST:PORT:ADDRESS.*: the port must be a number from 1 to 65535$|--resolve metadata.test:0:127.0.0.1 x.pem
--resolve takes HOST:PORT:ADDRESS.*'metadata\.test:80' is not HOST:PORT:ADDRESS$|--resolve metadata.test:80 x.pem
^aiacheck: --java-property: 'com\.sun\.security\.cert\.timeout' is not NAME=VALUE$|--java-property com.sun.security.cert.timeout x.pem
--java-property: 'com\.sun\.security\.crl\.timeout' is not a property the model knows \(com\.sun\.security\.cert\.timeout, com\.sun\.security\.cert\.readtimeout\)$|--java-property com.sun.security.crl.timeout=3 x.pem
--java-property: com\.sun\.security\.cert\.readtimeout: 0 is no timeout at all, which cannot be predicted$|--java-property com.sun.security.cert.readtimeout=0ms x.pem
TABLE

# --java-property: read as the JDK reads it (SecurityProperties.getTimeoutSystemProp):
# seconds, "s" or "ms"; a value it ignores keeps its 15 s (table: value, connect ms)
while IFS='|' read -r value want; do
	run aiacheck --list --json --as java-aia --no-system-trust --java-property "com.sun.security.cert.timeout=$value" \
		"$FX/pki/server.crt"
	expect "--java-property cert.timeout=$value" 0
	expect_json "--java-property cert.timeout=$value: $want ms" '.runtimes[0].model.connect_timeout_ms' "$want"
done <<'TABLE'
3|3000
 4s |4000
250ms|250
250MS|250
-5|15000
3.5|15000
abc|15000
99999999999|15000
TABLE
expect_json "--java-property: an ignored value is marked in settings" '.runtimes[0].settings' \
	"-Dcom.sun.security.enableAIAcaIssuers=true -Dcom.sun.security.cert.timeout=99999999999 (not a timeout: the JDK keeps its default)"
run aiacheck --list --json --as java --as dotnet-linux --no-system-trust \
	--java-property com.sun.security.cert.readtimeout=7 "$FX/pki/server.crt"
expect_json "--java-property: java takes it" '.runtimes[] | select(.name == "java") | .model.read_timeout_ms' 7000
expect_json "--java-property: .NET does not" '.runtimes[] | select(.name == "dotnet-linux") | .settings' \
	"defaults (X509ChainPolicy.UrlRetrievalTimeout 0, AIA downloads on)"
run aiacheck --url ""
expect "usage: empty --url" 2 '' '--url needs a URL'

# unreadable inputs and passwords: one line, exit 3 or 4
run aiacheck --list --no-system-trust "$TMPD/missing.pem"
expect "missing file" 3 '' "aiacheck: $TMPD/missing.pem: "
expect_one_line_error "missing file: one line"
run aiacheck --list --no-system-trust "$FX/bad/empty.pem"
expect "empty file" 3 '' 'the file is empty'
expect_one_line_error "empty file: one line"
run aiacheck --list --no-system-trust "$FX/bad/truncated.der"
expect "truncated DER" 3
expect_no_crash "truncated DER"
run aiacheck --list --no-system-trust "$FX/bad/random.bin"
expect "random bytes" 3
run aiacheck --list --no-system-trust "$FX/demo/client.pfx"
expect "PFX without a password" 4 '' 'give it with --password-file, --password-env or --password'
run aiacheck --list --no-system-trust --password wrong "$FX/demo/client.pfx"
expect "PFX, wrong password" 4
run aiacheck --list --no-system-trust --ca-file "$TMPD/missing.pem" "$FX/bundles/client-full.pem"
expect "unreadable --ca-file" 3
run aiacheck --list --no-system-trust "$FX/bad/empty.pem" "$FX/bundles/client-leaf.pem"
expect "several inputs, one unreadable: its status wins" 3 'client-leaf\.pem'
run_stdin "$FX/bundles/client-leaf.pem" aiacheck --list --no-system-trust -
expect "standard input" 0 'http://127\.0\.0\.1:18080/int-ca\.crt'

# --list: no request at all, whatever the URLs
run aiacheck --list --json --no-system-trust --as all "$FX/pki/multi-aia-leaf.crt"
expect "--list" 0
expect_json "--list: nothing checked" '[.urls[].checked] | any' false
expect_json "--list: no result for requestable URLs" '[.urls[] | select(.result != null)] | length' 0
expect_json "--list: no timings, no addresses" '[.urls[] | select(.timings != null or (.addresses | length) > 0)] | length' 0
expect_json "--list: mode" '.mode' list
expect_json "--list: still says who would fetch what" '.urls[2].used_by | join(",")' dotnet-linux,java-aia,dotnet11-linux,windows,chrome
run aiacheck --list --no-system-trust "$FX/pki/badurl-leaf.crt"
expect "--list: malformed URLs listed" 0 'hhtp://127\.0\.0\.1:18080/int-ca\.crt +malformed-url .*unknown scheme .hhtp.'
expect "--list: no network traffic, said" 0 'listed only \(--list: no network traffic\)'
run aiacheck --list --strict --no-system-trust "$FX/pki/badurl-leaf.crt"
expect "--list --strict: malformed URLs count" 1
run aiacheck --list --strict --no-system-trust "$FX/bundles/client-leaf.pem"
expect "--list --strict: nothing malformed" 0
run aiacheck --list --no-system-trust --url ftp://127.0.0.1/x --url 'no-scheme'
expect "--list --url: given URLs that cannot work" 1 'unsupported-scheme'
run aiacheck --list --json --no-system-trust "$FX/bundles/two-leaves.pem"
expect_json "two leaves: every certificate's URLs" '[.urls[].certificate] | unique | map(tostring) | join(",")' 0,1,2

# every result class is documented in aiacheck(1)
for class in $(grep -oE '\[CK_URL_[A-Z_]+\] = \{ "[a-z-]+"' "$top_srcdir/libcore/net.c" | grep -oE '"[a-z-]+"' | tr -d '"'); do
	checks=$((checks + 1))
	if grep -qE "^\.It Cm $class\$" "$top_srcdir/man/aiacheck.1"; then
		echo "ok: class $class documented"
	else
		rc=1; : >"$out"; : >"$err"
		fail "result class $class is not in aiacheck(1)"
	fi
done
finish
