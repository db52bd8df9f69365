#!/bin/sh
# mtlsprobe against real servers that want client certificates: openssl
# s_server and gnutls-serv, TLS 1.2 and 1.3, with and without CA names,
# full chain and leaf alone, no certificate, incomplete server chain.
. "$top_srcdir/tests/servers/netns.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/tls.sh"
need openssl gnutls-serv jq ss

PKI="$FX/pki"
ROOT_DN="CN=chainkit Test Root CA,O=chainkit tests"
INT_DN="CN=chainkit Issuing CA 1,O=chainkit tests"
cat "$PKI/server.crt" "$PKI/int-ca.crt" >"$TMPD/server-chain.pem"
cat "$PKI/int-ca.crt" "$PKI/root-ca.crt" >"$TMPD/int-and-root.pem"

# openssl: full chain, requires a certificate from a chain under the root
# (so it lacks the intermediate), lists the root
openssl_server 4431 -www -cert_chain "$PKI/int-ca.crt" -Verify 1 -CAfile "$PKI/root-ca.crt" -verify_return_error
# gnutls-serv: the same
gnutls_server 4432 --x509certfile "$TMPD/server-chain.pem" --require-client-cert --verify-client-cert \
	--x509cafile "$PKI/root-ca.crt"
# asks for no certificate
openssl_server 4433 -www -cert_chain "$PKI/int-ca.crt"
# requires one but lists no CA name (-no_ca_names)
openssl_server 4434 -www -cert_chain "$PKI/int-ca.crt" -Verify 1 -CAfile "$PKI/root-ca.crt" -verify_return_error -no_ca_names
# gnutls-serv without a CA file: asks, lists nothing, takes anything
gnutls_server 4435 --x509certfile "$TMPD/server-chain.pem" --require-client-cert
# a server that sends its certificate without the intermediate
openssl_server 4436 -www
# lists (and has) the intermediate and the root
openssl_server 4437 -www -cert_chain "$PKI/int-ca.crt" -Verify 1 -CAfile "$TMPD/int-and-root.pem" -verify_return_error
# gnutls-serv that refuses other server names
gnutls_server 4438 --x509certfile "$TMPD/server-chain.pem" --sni-hostname server.example.test --sni-hostname-fatal

COMMON="--json --no-system-trust --connect-timeout 5 --timeout 10"
MODERN="--pfx $FX/p12/modern.pfx --password-file $FX/p12/modern.pfx.pass"
DEMO="--pfx $FX/demo/client.pfx --password-file $FX/demo/client.pfx.pass"
FULL="--cert $FX/bundles/client-chain.pem --key $FX/bundles/key-pkcs8.pem"
LEAFONLY="--pfx $FX/p12/chain-missing.pfx --password-file $FX/p12/chain-missing.pfx.pass"
mkdir "$TMPD/int-dir"
cp "$PKI/int-ca.crt" "$TMPD/int-dir/"

# Each case: label | exit status | mtlsprobe arguments ($VARS expanded; the
# root is trusted unless a --ca-file is given), then checks on the JSON, one
# per line starting with two spaces: jq expression => value.
run_cases() {
	while IFS= read -r line; do
		case $line in
		'') ;;
		'#'*) ;;
		'  '*)
			expr=${line#  }
			want=$(eval "echo \"${expr##* => }\"")
			expr=${expr% => *}
			expect_json "$label: $expr" "$expr" "$want"
			;;
		*)
			label=${line%%|*}
			rest=${line#*|}
			want_rc=${rest%%|*}
			args=$(eval "echo \"${rest#*|}\"")
			case " $args " in
			*" --ca-file "*) trust= ;;
			*) trust="--ca-file $PKI/root-ca.crt" ;;
			esac
			# shellcheck disable=SC2086
			run mtlsprobe $COMMON $trust $args
			expect "$label" "$want_rc"
			;;
		esac
	done
}

run_cases <<'CASES'
# --- the full chain is accepted; the CA name is shown and matched
full chain, openssl, TLS 1.3|0|$MODERN --tls1.3 127.0.0.1:4431
  .outcome.result => ok
  .outcome.success => true
  .handshake.version => TLS1.3
  .settings.tls_version => 1.3
  .handshake.read_after_ms >= 1000 => true
  .certificate_requests | length => 1
  .certificate_requests[0].after_handshake => false
  .certificate_requests[0].ca_names[0].dn => $ROOT_DN
  .certificate_requests[0].ca_names[0].matches => 1
  .certificate_requests[0].ca_names[0].relation => issuer
  .certificate_requests[0].leads_to_listed_ca => true
  .certificate_requests[0].through => 1
  .certificate_requests[0].sent | map(tostring) | join(",") => 0,1,2
  .certificate_requests[0].signature_algorithms | index("RSA-PSS-RSAE-SHA256") != null => true
  [.handshake.messages[] | select(.direction == "sent" and .type == "Certificate") | .certificates][0] => 3
  .server.chain.valid => true
  .server.certificates[0].subject => CN=server.example.test,O=chainkit tests
  .client.input.format => pkcs12
full chain, openssl, TLS 1.2|0|$MODERN --tls1.2 127.0.0.1:4431
  .outcome.result => ok
  .handshake.version => TLS1.2
  .settings.tls_version => 1.2
  .settings.post_handshake_auth_offered => false
  .handshake.read_after_ms => null
  .certificate_requests[0].ca_names[0].dn => $ROOT_DN
  .certificate_requests[0].key_types | index("RSA") != null => true
  [.handshake.messages[].type] | index("ServerHelloDone") != null => true
full chain without the root (--send chain)|0|$MODERN --send chain 127.0.0.1:4431
  .settings.send => chain
  .certificate_requests[0].sent | length => 2
  .outcome.success => true
full chain from --cert and --key|0|$FULL 127.0.0.1:4431
  .client.input.format => pem
  .certificate_requests[0].sent | length => 2
full chain, gnutls-serv, TLS 1.3|0|$MODERN --tls1.3 127.0.0.1:4432
  .certificate_requests[0].ca_names[0].dn => $ROOT_DN
  .outcome.result => ok
full chain, gnutls-serv, TLS 1.2|0|$MODERN --tls1.2 127.0.0.1:4432
  .handshake.version => TLS1.2
  .outcome.result => ok
full chain, IPv6 literal|0|$MODERN --sni server.example.test [::1]:4432
  .target.host => ::1
  .target.address => ::1
  .target.sni => server.example.test
  .outcome.success => true
full chain, a name (localhost)|0|$MODERN localhost:4432
  .target.sni => localhost
  .target.ip_literal => false
  .server.chain.valid => true

# --- the leaf alone and a server without the intermediate: refused, explained
leaf alone, openssl, TLS 1.3|1|$MODERN --send leaf --tls1.3 127.0.0.1:4431
  .outcome.result => alert
  .outcome.alert.name => unknown_ca
  .outcome.alert.code => 48
  .outcome.phase => after-handshake
  .outcome.success => false
  .certificate_requests[0].sent | length => 1
  .certificate_requests[0].needed => 2
  .outcome.cause | test("only through CN=chainkit Issuing CA 1") => true
  .outcome.hint | test("does not have CN=chainkit Issuing CA 1.*--send chain") => true
leaf alone, openssl, TLS 1.2|1|$MODERN --send leaf --tls1.2 127.0.0.1:4431
  .outcome.alert.name => unknown_ca
  .outcome.phase => handshake
  .handshake.complete => false
leaf alone, gnutls-serv, TLS 1.3|1|$MODERN --send leaf --tls1.3 127.0.0.1:4432
  .outcome.alert.name => access_denied
  .outcome.phase => after-handshake
  .outcome.cause | test("Issuing CA 1") => true
leaf alone, gnutls-serv, TLS 1.2|1|$MODERN --send leaf --tls1.2 127.0.0.1:4432
  .outcome.alert.name => access_denied
  .outcome.phase => handshake
PFX without the intermediate (the demo)|1|$DEMO 127.0.0.1:4431
  .outcome.alert.name => unknown_ca
  .client.chain.status => incomplete
  .certificate_requests[0].leads_to_listed_ca => false
  .certificate_requests[0].ca_names[0].matches => null
  .outcome.hint | test("add the intermediate to the PFX") => true
  .outcome.hint | test("http://127.0.0.1:18080/int-ca.crt") => true
certificate and key in DER and PKCS#1, leaf alone|1|--cert $PKI/client.der --key $FX/bundles/key-rsa.pem --tls1.2 127.0.0.1:4431
  .outcome.alert.name => unknown_ca
  .client.input.format => der

# --- a PFX with the leaf alone: --send chain completes it from --ca-file
# (never with the root); the servers trust the root only, so the
# handshake succeeds only when the intermediate went out
leaf-only PFX, --send chain, intermediate from --ca-file|0|$LEAFONLY --send chain --ca-file $PKI/root-ca.crt --ca-file $PKI/int-ca.crt 127.0.0.1:4431
  .outcome.success => true
  .certificate_requests[0].sent | length => 2
  .certificate_requests[0].sent_from[0].source => credential
  .certificate_requests[0].sent_from[0].file => $FX/p12/chain-missing.pfx
  .certificate_requests[0].sent_from[1].source => ca-file
  .certificate_requests[0].sent_from[1].file => $PKI/int-ca.crt
  [.handshake.messages[] | select(.direction == "sent" and .type == "Certificate") | .certificates][0] => 2
leaf-only PFX, --send chain, TLS 1.2|0|$LEAFONLY --send chain --tls1.2 --ca-file $PKI/root-ca.crt --ca-file $PKI/int-ca.crt 127.0.0.1:4431
  .outcome.success => true
leaf-only PFX, --send chain, gnutls-serv|0|$LEAFONLY --send chain --ca-file $PKI/root-ca.crt --ca-file $PKI/int-ca.crt 127.0.0.1:4432
  .outcome.success => true
  .certificate_requests[0].sent_from[1].source => ca-file
leaf-only PFX, --send chain, the root in the same --ca-file stays home|0|$LEAFONLY --send chain --ca-file $TMPD/int-and-root.pem 127.0.0.1:4431
  .certificate_requests[0].sent | length => 2
  .certificate_requests[0].sent_from[1].file => $TMPD/int-and-root.pem
leaf-only PFX, --send chain, intermediate from --ca-dir|0|$LEAFONLY --send chain --ca-file $PKI/root-ca.crt --ca-dir $TMPD/int-dir 127.0.0.1:4431
  .certificate_requests[0].sent_from[1].source => ca-dir
  .certificate_requests[0].sent_from[1].file => $TMPD/int-dir
leaf-only PFX, --send chain, no intermediate anywhere|1|$LEAFONLY --send chain --ca-file $PKI/root-ca.crt 127.0.0.1:4431
  .certificate_requests[0].sent | length => 1
  .outcome.alert.name => unknown_ca
leaf-only PFX, --send auto: the file's leaf; the hint names --send chain|1|$LEAFONLY --ca-file $PKI/root-ca.crt --ca-file $PKI/int-ca.crt 127.0.0.1:4431
  .certificate_requests[0].sent | length => 1
  .outcome.hint | test("the trust stores given have it: use --send chain") => true

# --- the server lists the intermediate: the leaf alone is enough
intermediate listed, leaf alone|0|$DEMO --tls1.3 127.0.0.1:4437
  .certificate_requests[0].ca_names | map(.dn) | sort | join(";") => $INT_DN;$ROOT_DN
  .certificate_requests[0].through => 0
  .certificate_requests[0].needed => 1
  .outcome.success => true

# --- no certificate sent
no certificate, openssl, TLS 1.3|1|--tls1.3 127.0.0.1:4431
  .outcome.alert.name => certificate_required
  .outcome.cause | test("we sent none") => true
  .outcome.hint | test("--pfx") => true
  .client => null
no certificate, openssl, TLS 1.2|1|--tls1.2 127.0.0.1:4431
  .outcome.alert.name => handshake_failure
  .outcome.cause | test("we sent none") => true
no certificate, gnutls-serv, TLS 1.2|1|--tls1.2 127.0.0.1:4432
  .outcome.alert.name => decode_error
  .outcome.cause | test("we sent none") => true

# --- the server asks for no certificate
no request, TLS 1.3|0|$MODERN --tls1.3 127.0.0.1:4433
  .certificate_requests | length => 0
  .outcome.summary | test("did not ask for a client certificate") => true
  .outcome.cause | test("does not use mutual TLS here") => true
no request, TLS 1.2|0|$MODERN --tls1.2 127.0.0.1:4433
  .certificate_requests | length => 0

# --- requests with an empty CA list
no CA names, openssl, TLS 1.2|0|$MODERN --tls1.2 127.0.0.1:4434
  .certificate_requests[0].ca_names | length => 0
  .certificate_requests[0].leads_to_listed_ca => null
empty CA names extension, openssl, TLS 1.3|1|$MODERN --tls1.3 127.0.0.1:4434
  .outcome.result => tls-error
  .certificate_requests[0].understood => false
  .certificate_requests[0].empty_ca_extension => true
  .outcome.cause | test("certificate_authorities extension with an empty list") => true
no CA names, leaf alone, openssl, TLS 1.2|1|$MODERN --send leaf --tls1.2 127.0.0.1:4434
  .outcome.cause | test("did not say which CAs") => true
  .outcome.hint | test("--send chain") => true
no CA names, gnutls-serv, TLS 1.3|0|$MODERN --tls1.3 127.0.0.1:4435
  .certificate_requests[0].ca_names | length => 0
  .outcome.success => true
no CA names, gnutls-serv, TLS 1.2|0|$MODERN --tls1.2 127.0.0.1:4435
  .certificate_requests[0].ca_names | length => 0

# --- the server's own chain
server chain incomplete|1|$MODERN 127.0.0.1:4436
  .outcome.result => ok
  .outcome.success => false
  .server.chain.status => incomplete
  [.server.findings[].code] | index("missing-issuer") != null => true
  .outcome.cause | test("does not verify") => true
server chain not trusted|1|$MODERN --ca-file $PKI/other-root.crt 127.0.0.1:4433
  .outcome.result => ok
  .server.chain.trusted => false
  .outcome.success => false
server name checked (--sni)|1|$MODERN --sni other.example.test 127.0.0.1:4433
  .target.sni => other.example.test
  [.server.findings[].code] | index("hostname-mismatch") != null => true
server name the server refuses|1|--sni wrong.example.test 127.0.0.1:4438
  .outcome.alert.name => unrecognized_name
  .outcome.hint | test("--sni") => true
server name the server knows|0|--sni server.example.test 127.0.0.1:4438
  .outcome.result => ok
CASES

# text: the same story in words
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" $DEMO 127.0.0.1:4431
expect "text: handshake messages" 1 '← CertificateRequest'
expect "text: our Certificate" 1 '→ Certificate \(1 certificate\)'
expect "text: the alert" 1 '← alert unknown_ca \(48\)'
expect "text: CA names" 1 "^    $ROOT_DN"
expect "text: not on our chain" 1 '✗ not on our chain'
expect "text: verdict" 1 '^Result: FAILED — the server refused the connection with alert unknown_ca'
expect "text: what to do" 1 '^  Do:  The server does not have CN=chainkit Issuing CA 1'
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" $MODERN --send leaf --tls1.2 127.0.0.1:4431
expect "text: what was not sent" 1 'not sent, and needed to reach CN=chainkit Test Root CA'
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" $MODERN 127.0.0.1:4431
expect "text: success" 0 '^Result: OK — handshake complete; the server asked for a client certificate'
expect "text: match" 0 '✓ our chain leads to it: \[1\] CN=chainkit Issuing CA 1,O=chainkit tests was issued by it'
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" --ca-file "$PKI/int-ca.crt" $LEAFONLY --send chain 127.0.0.1:4431
expect "text: sent from the PFX" 0 "^        from $FX/p12/chain-missing.pfx\$"
expect "text: sent from --ca-file" 0 "^        from --ca-file $PKI/int-ca.crt\$"
run mtlsprobe -q --no-system-trust --ca-file "$PKI/root-ca.crt" $MODERN 127.0.0.1:4431
expect "text -q: result only" 0 '^Result: OK'
checks=$((checks + 1))
if [ "$(wc -l <"$out")" -le 3 ]; then echo "ok: -q is short"; else fail "-q printed $(wc -l <"$out") lines"; fi
finish
