#!/bin/sh
# Corrupt keystores and bad usage: one clear line, the documented exit
# status, never a crash.
. "$top_srcdir/tests/lib.sh"
S="$FX/stores"
unset SSL_CERT_FILE SSL_CERT_DIR

# file | password option | exit status | message (extended regex)
while IFS='|' read -r file pass want_rc message; do
	[ -z "$file" ] && continue
	# shellcheck disable=SC2086
	run truststore list $pass "java:$S/$file"
	expect "$file $pass" "$want_rc" '' "^truststore: .*$file: $message"
	expect_one_line_error "$file"
	expect_no_crash "$file"
	# the same file read as a plain path, and by chainview
	# shellcheck disable=SC2086
	run truststore list $pass "$S/$file"
	expect "$file as a path" "$want_rc" '' "$message"
	# shellcheck disable=SC2086
	run chainview --no-system-trust $pass "$S/$file"
	expect "chainview $file" "$want_rc" '' "$message"
	expect_no_crash "chainview $file"
done <<'TABLE'
bad/bad-magic.jks||3|unrecognized format: not PEM, DER, PKCS#12, PKCS#7, JKS or base64
bad/bad-version.jks||3|unknown JKS version 3 \(1 and 2 exist\)
bad/truncated-header.jks||3|truncated keystore: the data ends inside the entry count at byte 8
bad/truncated-entry.jks||3|truncated keystore: entry 'root2-ca' claims a [0-9]+-byte certificate at byte [0-9]+, 200 bytes are left
bad/truncated-hash.jks||3|truncated keystore: the 20-byte integrity hash after the last entry is cut short
bad/bad-hash.jks|--password changeit|3|the keystore's integrity hash does not match the password given: the file was modified or is corrupt, or the password is wrong
bad/huge-count.jks||3|the keystore claims 2147483647 entries, more than its [0-9]+ bytes can hold
bad/huge-length.jks||3|truncated keystore: entry 'root2-ca' claims a 2147483632-byte certificate
bad/huge-chain.jks||3|entry 'client' claims 16777215 certificates in its chain, more than the file can hold
bad/bad-tag.jks||3|entry 1 at byte 12 has the unknown type 7
bad/bad-cert.jks||3|entry 'root2-ca': certificate at byte [0-9]+: not a certificate
bad/truncated-secret.jceks||3|truncated keystore: the data ends inside a serialized secret key
custom.jks|--password wrongpass|3|the keystore's integrity hash does not match the password given
cacerts.jks|--password wrongpass|4|wrong password for the keystore \(its integrity hash matches the default password 'changeit'\)
cacerts.p12|--password wrongpass|4|
TABLE

# without a password, a bad hash is "not checked", not an error
run truststore list --json "java:$S/bad/bad-hash.jks"
expect "bad hash without a password" 0
checks=$((checks + 1))
if grep -q '"integrity":"not-checked"' "$out"; then echo "ok: said not checked"; else fail "integrity not said"; fi

# every prefix of a keystore: an error or a store, never a crash
len=$(wc -c <"$S/custom.jks")
i=0
while [ "$i" -lt "$len" ]; do
	head -c "$i" "$S/custom.jks" >"$TMPD/cut.jks"
	"$BIN/truststore" list "java:$TMPD/cut.jks" >/dev/null 2>"$err"
	rc=$?
	if [ "$rc" -ge 128 ] || grep -q -e Sanitizer -e 'runtime error' "$err"; then
		checks=$((checks + 1))
		fail "custom.jks cut at $i bytes crashed"
	fi
	i=$((i + 97))
done
checks=$((checks + 1)); echo "ok: prefixes of custom.jks"

# stores that do not exist, and usage errors
run truststore list "java:$TMPD/none.jks"
expect "missing keystore" 3 '' "none.jks: cannot open: No such file or directory"
run truststore list "$TMPD/none.pem"
expect "missing path" 3 '' "none.pem: cannot open"
run truststore list system:nope
expect "unknown system view" 2 '' "unknown view 'nope' of the system store"
run truststore frobnicate
expect "unknown command" 2 '' "unknown command 'frobnicate'"
run truststore
expect "no command" 2 '' "no command"
run truststore --days 3 list
expect "option not for the command" 2 '' "--days does not apply to list"
run truststore list --days 3
expect "option not in the command's table" 2 '' "unrecognized option '--days'"
run truststore find
expect "find without pattern" 2 '' "find needs a PATTERN"
# a subcommand's usage error writes no document (XML wrote an empty
# <truststore/>; JSON, which writes nothing before a document, as a
# check of the same rule)
for f in --json --xml; do
	run truststore find $f
	expect "find $f without pattern" 2 '' "find needs a PATTERN"
	expect_empty "find $f without pattern: nothing on stdout" "$out"
	run truststore export $f --to pem -o - "$S/old.pem"
	expect "export $f -o -" 2 '' "leave out --json and --xml"
	expect_empty "export $f -o -: nothing on stdout" "$out"
done
run truststore diff "$S/old.pem"
expect "diff with one store" 2 '' "diff needs two stores"
run truststore check
expect "check without bundle" 2 '' "check needs a BUNDLE"
run truststore expiring --days -1
expect "bad --days" 2 '' "--days takes a number of days"
run truststore export "$S/old.pem" -o "$TMPD/x.pem"
expect "export without --to" 2 '' "export needs --to"
run truststore export "$S/old.pem" --to pem
expect "export without -o" 2 '' "export needs -o OUT"
run truststore export "$S/old.pem" --to tar -o "$TMPD/x"
expect "export --to tar" 2 '' "--to takes pem, der-dir, p7b, jks, pkcs12 or hashed-dir, not"
run truststore check "$TMPD/none.pem" --store "$S/old.pem"
expect "check: unreadable bundle" 3 '' "none.pem: cannot open"
home=$HOME
unset HOME
run truststore list dotnet
export HOME="$home"
expect "dotnet without HOME" 2 '' "HOME is not set"
finish
