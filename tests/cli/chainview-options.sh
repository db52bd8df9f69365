#!/bin/sh
# Options and usage errors.
. "$top_srcdir/tests/lib.sh"
need jq

run chainview --help
expect "--help" 0 '^Usage: chainview \[OPTION\]\.\.\. FILE\.\.\.'
run chainview -h
expect "-h" 0 '^Usage: chainview'
run chainview --version
expect "--version" 0 '^chainview \(chainkit\) [0-9]'

# option | message
while IFS='|' read -r args message; do
	[ -z "$message" ] && continue
	# shellcheck disable=SC2086
	run chainview $args
	expect "usage: $args" 2 '' "$message"
	expect "usage: $args: try --help" 2 '' "^Try 'chainview --help' for more information\.$"
done <<'TABLE'
|no input file
--no-such-option x|unrecognized option '--no-such-option'
-Z x|invalid option -- 'Z'
--format yaml x|--format takes text, json or xml, not 'yaml'
--color sometimes x|--color takes auto, always or never
--at yesterday x|--at takes a time as YYYY-MM-DD or RFC 3339
--at 2030-13-45 x|--at takes a time
--at 2030-02-30 x|--at takes a time
--at 2030-1-01 x|--at takes a time
--at 2030-01-01T12:00:00 x|--at takes a time
--at 2030-01-01T12:00:00+2:00 x|--at takes a time
--at 2030-01-01T12:00:00+02 x|--at takes a time
--at 2030-01-01T12:00:00+0200 x|--at takes a time
--at 2030-01-01T12:00:00+02:0 x|--at takes a time
--at 2030-01-01T12:00:00+24:00 x|--at takes a time
--at 2030-01-01T12:00:00-02:60 x|--at takes a time
--at 2030-01-01T12:00:00+02:00x x|--at takes a time
--at 2030-01-01T12:00:00+ x|--at takes a time
--warn-days -3 x|--warn-days takes a number of days
--warn-days 0 x|--warn-days takes a number of days
--purpose email x|--purpose takes client or server
--max-size lots x|--max-size takes a size
--quiet --verbose x|--quiet and --verbose cannot be used together
--ca-file|option '--ca-file' requires an argument
TABLE

# --at forms
for t in 2030-01-01 2030-01-01T12:00:00Z 2030-01-01T12:00:00+02:00 2030-01-01T12:00:00.5Z; do
	run chainview --json --no-system-trust --at "$t" "$FX/bundles/client-leaf.pem"
	expect "--at $t" 1
done
run chainview --json --no-system-trust --at 2030-01-01T12:00:00+02:00 "$FX/bundles/client-leaf.pem"
expect_json "--at with offset" .at 2030-01-01T10:00:00Z
# "+1:2" was taken for +01:02 and the parser went on 6 bytes after the
# '+', past the end of the argument: here into the two empty arguments
run chainview --no-system-trust --at 2030-01-01T12:00:00+1:2 "" ""
expect "--at: offset +1:2, nothing read past the argument" 2 '' "--at takes a time as YYYY-MM-DD or RFC 3339 \\(2031-01-31T12:00:00Z\\), not '2030-01-01T12:00:00\\+1:2'"

# trust options
run chainview --no-system-trust --ca-file /nonexistent.pem "$FX/bundles/client-leaf.pem"
expect "--ca-file missing" 3 '' '/nonexistent.pem: cannot open'
run chainview --no-system-trust --ca-dir /nonexistent-dir "$FX/bundles/client-leaf.pem"
expect "--ca-dir missing" 3 '' '/nonexistent-dir: cannot open directory'
mkdir "$TMPD/cas"
cp "$FX/pki/int-ca.crt" "$FX/pki/root-ca.crt" "$TMPD/cas/"
run chainview --no-system-trust --ca-dir "$TMPD/cas" "$FX/bundles/client-leaf.pem"
expect "--ca-dir" 0 'trusted'

# SSL_CERT_FILE replaces the system bundle, as for OpenSSL
SSL_CERT_FILE="$FX/pki/root-ca.crt" run chainview --json "$FX/bundles/client-chain.pem"
expect "SSL_CERT_FILE" 0 '"origin":"system"'
SSL_CERT_FILE=/nonexistent run chainview --json "$FX/bundles/client-chain.pem"
expect "SSL_CERT_FILE to nothing" 1 '"untrusted-root"|"root-not-given"'
finish
