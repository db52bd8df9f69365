#!/bin/sh
# chainview reads every input form: format, certificate and key counts.
. "$top_srcdir/tests/lib.sh"
need jq

# file | password file | format | certificates | keys
while IFS='|' read -r file pass format certs keys; do
	[ -z "$file" ] && continue
	set -- --json --no-system-trust
	[ -n "$pass" ] && set -- "$@" --password-file "$FX/$pass"
	run chainview "$@" "$FX/$file"
	expect_json "$file: format" '.input.format' "$format"
	expect_json "$file: certificates" '.certificates | length' "$certs"
	expect_json "$file: keys" '.keys | length' "$keys"
	expect_no_crash "$file"
done <<'TABLE'
bundles/client-full.pem||pem|3|0
bundles/client-chain.pem||pem|2|0
bundles/client-text.pem||pem|2|0
bundles/client-crlf.pem||pem|2|0
bundles/client-bom.pem||pem|2|0
bundles/client-x509label.pem||pem|2|0
bundles/client-trusted.pem||pem|2|0
bundles/client-p7.pem||pem|2|0
bundles/client-combined.pem||pem|2|1
bundles/key-pkcs8.pem||pem|0|1
bundles/key-rsa.pem||pem|0|1
bundles/key-ec.pem||pem|0|1
bundles/key-enc-pkcs8.pem|bundles/key-enc-pkcs8.pem.pass|pem|0|1
bundles/key-rsa-legacy-enc.pem|bundles/key-rsa-legacy-enc.pem.pass|pem|0|1
bundles/key-pkcs8.der||der|0|1
bundles/client.der||der|1|0
bundles/client-chain.p7b||pkcs7|2|0
bundles/client-chain-ber.p7b||pkcs7|2|0
bundles/client-chain.p7c||pkcs7|2|0
bundles/client.b64||base64|1|0
bundles/client-wrapped.b64||base64|1|0
bundles/client-chain-p7b.b64||base64|2|0
bundles/client-pfx.b64|p12/modern.pfx.pass|base64|3|1
bundles/key-pkcs8.b64||base64|0|1
p12/modern.pfx|p12/modern.pfx.pass|pkcs12|3|1
demo/client.pfx|demo/client.pfx.pass|pkcs12|1|1
TABLE

# standard input
run_stdin "$FX/bundles/client-chain.pem" chainview --json --no-system-trust -
expect_json "stdin: name" '.input.name' "-"
expect_json "stdin: certificates" '.certificates | length' 2
run_stdin "$FX/p12/modern.pfx" chainview --json --no-system-trust --password test -
expect_json "stdin PFX" '.certificates | length' 3

# the same certificates whatever the form
ref=$(jq -r '[.certificates[].sha256] | join(",")' <<EOF2
$("$BIN/chainview" --json --no-system-trust "$FX/bundles/client-chain.pem")
EOF2
)
for f in bundles/client-chain.p7b bundles/client-chain-ber.p7b bundles/client-chain-p7b.b64 \
	bundles/client-text.pem bundles/client-crlf.pem bundles/client-trusted.pem; do
	run chainview --json --no-system-trust "$FX/$f"
	expect_json "$f: same certificates" '[.certificates[].sha256] | join(",")' "$ref"
done
finish
