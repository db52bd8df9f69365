#!/bin/sh
# chainview and certaudit say which programs open a PKCS#12 file, and why
# the others do not: PFX files made here by openssl (modern, -legacy),
# certtool (its default 600,000 iterations), keytool and pem2pfx.  Where
# the program is on this machine (openssl, certtool, keytool), the
# verdict is checked against what it really does.
. "$top_srcdir/tests/lib.sh"
need jq openssl certtool xmllint

P="$FX/pki"
W="$TMPD/pfx"
mkdir -p "$W"
printf 'secret\n' >"$W/pass"
umask 077

# --- files made at test time ------------------------------------------
openssl pkcs12 -export -in "$P/client.crt" -inkey "$P/client.key" -certfile "$P/int-ca.crt" \
	-passout pass:secret -out "$W/openssl.pfx" 2>/dev/null ||
	skip "openssl cannot write a PKCS#12 file"
openssl pkcs12 -export -legacy -in "$P/client.crt" -inkey "$P/client.key" -certfile "$P/int-ca.crt" \
	-passout pass:secret -out "$W/openssl-legacy.pfx" 2>/dev/null ||
	skip "openssl has no legacy provider (-legacy)"
openssl pkcs12 -export -legacy -certpbe PBE-SHA1-2DES -keypbe PBE-SHA1-2DES -in "$P/client.crt" \
	-inkey "$P/client.key" -passout pass:secret -out "$W/openssl-2des.pfx" 2>/dev/null ||
	skip "openssl cannot write PBE-SHA1-2DES"
certtool --to-p12 --load-certificate "$P/client.crt" --load-privkey "$P/client.key" \
	--p12-name client --password secret --outder --outfile "$W/certtool.pfx" >/dev/null 2>&1 ||
	skip "certtool cannot write a PKCS#12 file"
run pem2pfx --profile legacy --out-password-file "$W/pass" --no-system-trust -o "$W/pem2pfx-legacy.pfx" \
	"$P/client.crt" "$P/client.key" "$P/int-ca.crt"
[ -s "$W/pem2pfx-legacy.pfx" ] || fail "pem2pfx --profile legacy wrote nothing"
run pem2pfx --iterations 400000 --out-password-file "$W/pass" --no-system-trust -o "$W/pem2pfx-400k.pfx" \
	"$P/client.crt" "$P/client.key" "$P/int-ca.crt"
[ -s "$W/pem2pfx-400k.pfx" ] || fail "pem2pfx --iterations 400000 wrote nothing"
have_keytool=false
if command -v keytool >/dev/null 2>&1 &&
	keytool -genkeypair -alias client -keyalg RSA -keysize 2048 -dname CN=keytool.example.test \
		-validity 3650 -storetype pkcs12 -keystore "$W/keytool.p12" -storepass secret \
		-keypass secret >/dev/null 2>&1; then
	have_keytool=true
fi

# verdict FILE CONSUMER: true or false, from chainview --json
PW=secret PWF="$W/pass"
verdict() {
	run chainview --json --no-system-trust --password-file "$PWF" "$1"
	json ".input.pkcs12.compatibility[] | select(.consumer == \"$2\") | .opens"
}

# --- what the verdict says, file by file --------------------------------
# file | consumers that cannot open it (sorted) | a reason (grep -E)
while IFS='|' read -r file refused reason; do
	[ -z "$file" ] && continue
	[ "$file" = keytool.p12 ] && ! $have_keytool && continue
	run chainview --json --no-system-trust --password-file "$W/pass" "$W/$file"
	# 1: the chain is incomplete here (no trust store); 3 or 4: not opened
	checks=$((checks + 1))
	if [ "$rc" -le 1 ]; then echo "ok: $file: opened"; else fail "$file: not opened"; fi
	expect_json "$file: refused by" \
		'[.input.pkcs12.compatibility[] | select(.opens | not) | .consumer] | sort | join(",")' "$refused"
	checks=$((checks + 1))
	if json '[.input.pkcs12.compatibility[].reasons[]] | join("\n")' | grep -Eq -- "$reason"; then
		echo "ok: $file: reason /$reason/"
	else
		fail "$file: no reason matches /$reason/"
	fi
done <<'TABLE'
openssl.pfx|android,java-old,macos,windows-2016|PBES2 \(AES-256-CBC\) not supported
openssl-legacy.pfx|openssl3|RC2-40-CBC only with the legacy provider
openssl-2des.pfx|gnutls,java,java-old|2-key-3DES-CBC not in GnuTLS
certtool.pfx|android,dotnet-linux,dotnet-windows,java-old,macos,windows-2016|X509CertificateLoader, Pkcs12LoaderLimits.Defaults \(MAC 600000 > 300000, one derivation 600000 > 300000, all derivations 1200000 > 1000000\)
pem2pfx-legacy.pfx||^$
pem2pfx-400k.pfx|android,dotnet-linux,dotnet-windows,java-old,macos,windows-2016|X509Certificate2 constructors \(all derivations 800000 > 600000\)
keytool.p12|android,java-old,macos,windows-2016|MAC with SHA256, not SHA-1
TABLE

# --- the findings -------------------------------------------------------
# certtool's default iterations: .NET is named, as a warning; the exit
# status stays 0 (a warning is not a problem with the chain)
run chainview --no-system-trust --password-file "$W/pass" --ca-file "$P/int-ca.crt" --ca-file "$P/root-ca.crt" \
	"$W/certtool.pfx"
expect "certtool.pfx: .NET finding" 0 'warning pkcs12-incompatible: .*\.NET on Linux, \.NET on Windows'
expect "certtool.pfx: text verdict" 0 '^  Not in: .*\.NET on Linux'
expect "certtool.pfx: text opens" 0 '^  Opens in: OpenSSL 3, OpenSSL 3 -legacy, GnuTLS'
run chainview --json --no-system-trust --password-file "$W/pass" "$W/certtool.pfx"
expect_json "certtool.pfx: finding severity" \
	'.findings[] | select(.code == "pkcs12-incompatible") | .severity' warning
run chainview --json --no-system-trust --password-file "$W/pass" "$W/openssl-legacy.pfx"
expect_json "legacy: weak-pkcs12 in chainview" \
	'.findings[] | select(.code == "weak-pkcs12") | .message' \
	'the PKCS#12 file uses legacy protection: certificates encrypted with RC2-40-CBC; key encrypted with 3DES-CBC; MAC with SHA1'
expect_json "legacy: OpenSSL 3 named" \
	'.findings[] | select(.code == "pkcs12-incompatible") | .message | test("OpenSSL 3: RC2-40-CBC")' true
run chainview --json --no-system-trust --password-file "$W/pass" "$W/pem2pfx-legacy.pfx"
expect_json "pem2pfx legacy: no compatibility finding" \
	'[.findings[] | select(.code | startswith("pkcs12-"))] | length' 0
run chainview --json --no-system-trust --password-file "$W/pass" "$W/openssl.pfx"
expect_json "openssl.pfx: not portable is info" \
	'[.findings[] | select(.code | startswith("pkcs12-")) | .code + " " + .severity] | join(",")' \
	'pkcs12-not-portable info'

# XML carries the verdict and validates
run chainview --xml --no-system-trust --password-file "$W/pass" "$W/certtool.pfx"
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/chainview.rng" "$out" 2>"$TMPD/xmllint" &&
	grep -q '<consumer>dotnet-linux</consumer>' "$out"; then
	echo "ok: XML verdict validates"
else
	cat "$TMPD/xmllint"
	fail "XML verdict does not validate"
fi

# certaudit: the same codes at their policy levels
run certaudit --json --password-file "$W/pass" --no-system-trust "$W/certtool.pfx"
expect_json "certaudit: certtool.pfx warns about .NET" \
	'select(.path) | [.findings[] | select(.code == "pkcs12-incompatible") | .severity] | join(",")' warning
run certaudit -v --password-file "$W/pass" --no-system-trust "$W/openssl-legacy.pfx"
expect "certaudit: legacy file" 0 'warning pkcs12-incompatible: .*OpenSSL 3: RC2-40-CBC'
printf 'severity.pkcs12-incompatible = error\n' >"$TMPD/policy"
run certaudit --policy "$TMPD/policy" --password-file "$W/pass" --no-system-trust --ca-file "$P/int-ca.crt" \
	--ca-file "$P/root-ca.crt" "$W/certtool.pfx"
expect "certaudit: pkcs12-incompatible made an error" 1 'error   pkcs12-incompatible'

# --- the verdict against the real programs -----------------------------
# consumer | command that opens FILE with password secret
agree() {
	file=$1 consumer=$2
	shift 2
	checks=$((checks + 1))
	if "$@" >/dev/null 2>&1; then real=true; else real=false; fi
	said=$(verdict "$file" "$consumer")
	if [ "$real" = "$said" ]; then
		echo "ok: $(basename "$file"): $consumer opens it: $real, as chainview says"
	else
		fail "$(basename "$file"): chainview says $consumer opens it: $said; really: $real"
	fi
}
check_real() {
	f=$1
	agree "$f" openssl3 openssl pkcs12 -in "$f" -passin "pass:$PW" -noenc
	agree "$f" openssl3-legacy openssl pkcs12 -legacy -in "$f" -passin "pass:$PW" -noenc
	agree "$f" gnutls certtool --p12-info --inder --infile "$f" --password "$PW"
	if $have_keytool; then
		agree "$f" java keytool -list -keystore "$f" -storetype pkcs12 -storepass "$PW"
	fi
}
for f in "$W"/*.pfx "$W"/*.p12; do
	[ -f "$f" ] && check_real "$f"
done
# and the fixtures made by openssl with other protections
for name in rc2-40 rc4-128 3des nomac nocrypt-nomac mac-sha1 mac-sha512 pbkdf2-sha1; do
	PWF="$FX/p12/$name.pfx.pass"
	PW=$(cat "$PWF")
	check_real "$FX/p12/$name.pfx"
done
$have_keytool || echo "note: keytool is not installed; Java verdicts not checked against it"
finish
