#!/bin/sh
# mtlsprobe's options and bad inputs: one clear line, the documented exit
# status, no crash.  Nothing here gets as far as connecting; the server
# named is a closed loopback port anyway.
. "$top_srcdir/tests/lib.sh"

T=127.0.0.1:1
P12="$FX/p12/modern.pfx"

# exit status | expected message (extended regex) | arguments
while IFS='|' read -r want_rc message args; do
	[ -z "$want_rc" ] && continue
	case $want_rc in '#'*) continue ;; esac
	# shellcheck disable=SC2086
	run mtlsprobe --no-system-trust $(eval "echo $args")
	expect "$args" "$want_rc" '' "^mtlsprobe: $message"
	checks=$((checks + 1))
	if [ ! -s "$out" ]; then echo "ok: nothing on stdout"; else fail "$args: output on stdout"; fi
	expect_no_crash "$args"
	if [ "$want_rc" = 2 ]; then
		checks=$((checks + 1))
		if tail -1 "$err" | grep -q "^Try 'mtlsprobe --help' for more information.$"; then
			echo "ok: usage hint"
		else
			fail "$args: no usage hint"
		fi
	else
		expect_one_line_error "$args"
	fi
done <<'TABLE'
# --- usage
2|no server given \(HOST\[:PORT\]\)|
2|one server at a time: '127.0.0.2:2' is extra|$T 127.0.0.2:2
2|the port must be a number from 1 to 65535, not '0'|127.0.0.1:0
2|the port must be a number from 1 to 65535, not '70000'|127.0.0.1:70000
2|the port must be a number from 1 to 65535, not 'https'|127.0.0.1:https
2|the port must be a number from 1 to 65535, not ''|127.0.0.1:
2|give HOST:PORT, not a URL|https://127.0.0.1/
2|'\[::1' is not HOST:PORT or \[IPv6\]:PORT|[::1
2|':443' does not name a host|:443
2|--send takes auto, leaf or chain, not 'all'|--send all $T
2|--send needs a client certificate \(--pfx or --cert\)|--send leaf $T
2|use --pfx or --cert, not both|--pfx $P12 --cert $P12 $T
2|--force only applies to --save-chain|--force $T
2|--alpn takes a comma-separated list of protocol names, not 'h2,,http/1.1'|--alpn h2,,http/1.1 $T
2|--alpn takes a comma-separated list of protocol names, not ',h2'|--alpn ,h2 $T
2|--http-get offers http/1.1 alone: use it without --alpn|--alpn h2 --http-get / $T
2|--save-chain needs a file name \(the report goes to standard output\)|--save-chain - $T
2|--key goes with --cert|--key $FX/bundles/key-pkcs8.pem $T
2|use --tls1.2 or --tls1.3, not both|--tls1.2 --tls1.3 $T
2|--timeout takes a number of seconds from 0.001 to 3600, not '0'|--timeout 0 $T
2|--timeout takes a number of seconds from 0.001 to 3600, not 'soon'|--timeout soon $T
2|--connect-timeout takes a number of seconds from 0.001 to 3600, not '4000'|--connect-timeout 4000 $T
2|--connect-timeout takes a number of seconds from 0.001 to 3600, not 'nan'|--connect-timeout nan $T
2|--connect-timeout takes a number of seconds from 0.001 to 3600, not '0.0001'|--connect-timeout 0.0001 $T
2|--timeout takes a number of seconds from 0.001 to 3600, not '\+5'|--timeout +5 $T
2|--http-get takes a path that starts with '/' and has no spaces, not 'api'|--http-get api $T
2|--sni takes a host name; a server name cannot be an IP address|--sni 127.0.0.1 $T
2|--format takes text, json or xml, not 'yaml'|--format yaml $T
2|use only one of --proxy and --no-proxy|--proxy http://127.0.0.1:1 --no-proxy $T
2|--starttls takes smtp, imap, pop3, ldap or postgres, not 'ftp'|--starttls ftp $T
2|--http-get speaks HTTPS: it does not go with --starttls|--starttls smtp --http-get / $T
2|unrecognized option '--bogus'|--bogus $T
2|option '--pfx' requires an argument|--pfx
# --- the credential
3|.*no-such.pfx: cannot open: No such file or directory|--pfx $FX/no-such.pfx $T
3|.*bad/empty.pem: the file is empty|--pfx $FX/bad/empty.pem $T
3|.*bad/truncated.der: DER length at byte 1 runs past the end of the file|--cert $FX/bad/truncated.der $T
3|.*pki/client.crt: holds no private key; give it with --key|--cert $FX/pki/client.crt $T
3|.*p12/certs-only.pfx: holds no private key|--pfx $FX/p12/certs-only.pfx --password test $T
3|.*p12/key-only.pfx: holds no certificate|--pfx $FX/p12/key-only.pfx --password test $T
3|.*pki/int-ca.crt: holds no private key|--cert $FX/pki/client.crt --key $FX/pki/int-ca.crt $T
3|.*pki/client.crt: the private key matches none of the certificates|--cert $FX/pki/client.crt --key $FX/pki/nomatch.key $T
4|.*p12/modern.pfx: .*password|--pfx $P12 --password wrong $T
4|.*p12/modern.pfx: .*give it with --password-file, --password-env or --password|--pfx $P12 $T
4|.*key-enc-pkcs8.pem: .*password|--cert $FX/pki/client.crt --key $FX/bundles/key-enc-pkcs8.pem --password wrong $T
3|.*no-such-dir: |--ca-dir $FX/no-such-dir $T
TABLE

# a usage error is found before any file is read
run mtlsprobe --pfx "$FX/no-such.pfx" --send everything "$T"
expect "usage before input" 2 '' "--send takes auto, leaf or chain"

run mtlsprobe --help
expect "--help" 0 '^Usage: mtlsprobe \[OPTION\]\.\.\. HOST\[:PORT\]$'
expect "--help lists --send" 0 '--send WHICH'
run mtlsprobe --version
expect "--version" 0 '^mtlsprobe \(chainkit\) '
finish
