#!/bin/sh
# certaudit over the fixtures/audit tree, copied and completed with what git
# cannot hold (a dangling link, an unreadable file, a FIFO): the expected
# verdict and finding of every file, the totals, the exit status, and the
# password cases with and without the map.
. "$top_srcdir/tests/lib.sh"
need jq

A="$FX/audit"
T="$TMPD/certs"
cp -R "$A/tree" "$T"
cp "$FX/bad/random.bin" "$T/bad/random.pem"
cp "$FX/p12/unsupported-cipher.pfx" "$T/bad/camellia.pfx"
ln -s no-such-file.pem "$T/bad/dangling.pem"
ln -s no-such-file "$T/bad/dangling-other"
mkfifo "$T/good/fifo.pem" 2>/dev/null || true
# the map, with a first line for the Camellia file (its password is right)
printf '*/camellia.pfx\t%s\n' "$FX/p12/unsupported-cipher.pfx.pass" >"$TMPD/tree.map"
sed -e "s|\tpasswords/|\t$A/passwords/|" "$A/passwords.map" >>"$TMPD/tree.map"
COMMON="--no-system-trust --ca-file $FX/pki/root-ca.crt --at 2030-06-01 --policy $A/policy.conf"

# PATH   VERDICT   CODE (the first finding; - for none)
cat >"$TMPD/expected" <<'EOF'
bad/camellia.pfx                 fail  unsupported
bad/dangling.pem                 fail  unreadable
bad/random.pem                   fail  corrupt
bad/truncated.der                fail  corrupt
bad/truncated.pem                fail  corrupt
expired/old.pem                  fail  expired
expiring/soon.pem                warn  expires-soon
good/notes.txt                   ok    -
good/server.pem                  ok    -
good/server.pfx                  ok    pkcs12-not-portable
incomplete/leaf-only.pem         fail  missing-issuer
keys/ca-with-key.pem             fail  key-not-leaf
keys/privkey.pem                 ok    no-certificate
long/server-50y.pem              warn  validity-too-long
long/with-root.pem               warn  root-in-bundle
purpose/client-only.pem          fail  purpose-mismatch
weak/legacy.pfx                  warn  pkcs12-incompatible
weak/rsa1024.pem                 fail  weak-key
weak/sha1.pem                    fail  weak-signature
EOF

# check_verdicts NAME: every file of the last --jsonl run has its expected
# verdict and first finding, and no other file was audited
check_verdicts() {
	jq -r 'select(.path) | [(.path | sub("^.*/certs/"; "")), .verdict, (.findings[0].code // "-")] | join(" ")' \
		"$out" >"$TMPD/got"
	awk '{ print $1, $2, $3 }' "$TMPD/expected" >"$TMPD/want"
	checks=$((checks + 1))
	if diff "$TMPD/want" "$TMPD/got" >"$TMPD/diff"; then
		echo "ok: $1: every verdict as expected"
	else
		cp "$TMPD/diff" "$out"
		fail "$1: verdicts differ (< expected, > got)"
	fi
}

run certaudit $COMMON --passwords "$TMPD/tree.map" --jsonl "$T"
expect "tree: a file fails" 1
check_verdicts "tree"
expect_json "totals: files" 'select(.totals) | .totals.files' 19
expect_json "totals: ok/warn/fail" 'select(.totals) | [.totals.ok, .totals.warn, .totals.fail] | join(" ")' "4 4 11"
# README.txt, keys/tls.key, the FIFO and the dangling link without a bundle's name
expect_json "totals: other files not audited" 'select(.totals) | .totals.not_audited' 4
expect_json "totals: at" 'select(.totals) | .totals.at' 2030-06-01T00:00:00Z
expect_json "passwords: the map's password opened the PFX" \
	'select((.path // "") | endswith("good/server.pfx")) | .report.input.pkcs12.password' given
expect_json "unreadable: the message says why" \
	'select((.path // "") | endswith("dangling.pem")) | .findings[0].message' \
	"symbolic link to nowhere: No such file or directory"
expect_json "finding: level and subject" \
	'select((.path // "") | endswith("expired/old.pem")) | .findings[0] | [.severity, .certificate, .subject] | join("|")' \
	"error|0|CN=old.audit.example.test,O=chainkit tests"
expect_json "finding: hint" \
	'select((.path // "") | endswith("expired/old.pem")) | .findings[0].hint | test("Renew")' true
expect_json "per-file summary" \
	'select((.path // "") | endswith("long/with-root.pem")) | [.summary.errors, .summary.warnings, .summary.info] | join(" ")' "0 1 0"
expect_json "the chainview document is there" \
	'select((.path // "") | endswith("good/server.pem")) | .report.chain.status + " " + (.report.chain.valid | tostring)' "complete true"

# the text summary: verdict, path, the worst findings, the totals
run certaudit $COMMON --passwords "$TMPD/tree.map" "$T"
expect "text: FAIL line" 1 "^FAIL  $T/expired/old.pem\$"
expect "text: the error under it" 1 '^      error   expired \[0\]: CN=old.audit.example.test'
expect "text: WARN line" 1 "^WARN  $T/expiring/soon.pem\$"
expect "text: OK line" 1 "^OK    $T/good/server.pem\$"
expect "text: totals" 1 '^19 files: 4 ok, 4 warn, 11 fail · 11 errors, 5 warnings$'
expect "text: not audited" 1 '^4 other files not audited'
checks=$((checks + 1))
if grep -q 'README\|tls.key\|fifo' "$out"; then fail "text: a file that is not a bundle was audited"; else echo "ok: text: non-bundles left out"; fi
checks=$((checks + 1))
if [ -s "$err" ]; then fail "text: something on stderr"; else echo "ok: nothing on stderr (no terminal: no progress)"; fi

# -q leaves out the OK files; -v shows every finding with its hint
run certaudit -q $COMMON --passwords "$TMPD/tree.map" "$T"
checks=$((checks + 1))
if grep -q '^OK ' "$out"; then fail "-q: OK files shown"; else echo "ok: -q: no OK files"; fi
expect "-q: still the failures and the totals" 1 '^19 files: '
run certaudit -v $COMMON --passwords "$TMPD/tree.map" "$T"
expect "-v: info findings" 1 'info    no-certificate: '
expect "-v: hints" 1 '→ Renew or replace'

# the map as committed: password files relative to the map's directory
run certaudit $COMMON --jsonl --passwords "$A/passwords.map" "$T/good" "$T/weak"
expect_json "map: relative password files" 'select(.path) | .verdict' "$(printf 'ok\nok\nok\nwarn\nfail\nfail\n')"
expect_json "map: legacy.pfx opened" 'select((.path // "") | endswith("legacy.pfx")) | [.findings[].code] | index("weak-pkcs12") != null' true

# without the map: the password-protected files are reported, not skipped
run certaudit $COMMON --jsonl "$T/good" "$T/weak"
expect "no map: FAIL" 1
expect_json "no map: server.pfx" 'select((.path // "") | endswith("server.pfx")) | .findings[0].code' password-required
expect_json "no map: legacy.pfx" 'select((.path // "") | endswith("legacy.pfx")) | .verdict + " " + .findings[0].code' "fail password-required"
expect_json "no map: hint names the options" 'select((.path // "") | endswith("server.pfx")) | .findings[0].hint | test("--passwords")' true

# one --password-file for all: right for one file, wrong for the other
run certaudit $COMMON --jsonl --password-file "$A/passwords/good.pass" "$T/good" "$T/weak"
expect_json "--password-file opens server.pfx" 'select((.path // "") | endswith("server.pfx")) | .verdict' ok
expect_json "--password-file is wrong for legacy.pfx" 'select((.path // "") | endswith("legacy.pfx")) | .findings[0].code' password-wrong

# the map wins over --password-file; files it does not cover fall back to it
printf '*/legacy.pfx\t%s\n' "$A/passwords/legacy.pass" >"$TMPD/map"
run certaudit $COMMON --jsonl --passwords "$TMPD/map" --password-file "$A/passwords/good.pass" "$T/good" "$T/weak"
expect_json "map (absolute password file) for legacy.pfx" 'select((.path // "") | endswith("legacy.pfx")) | .verdict' warn
expect_json "--password-file for the rest" 'select((.path // "") | endswith("server.pfx")) | .verdict' ok

# first match wins
printf '*.pfx\t%s\n*/good/*.pfx\t%s\n' "$A/passwords/legacy.pass" "$A/passwords/good.pass" >"$TMPD/map2"
run certaudit $COMMON --jsonl --passwords "$TMPD/map2" "$T/good"
expect_json "map: the first matching line wins" 'select((.path // "") | endswith("server.pfx")) | .findings[0].code' password-wrong

# a file that cannot be read (permissions): as root, run as nobody, with
# everything it reads in $TMPD (lib.sh's unpriv_setup)
unpriv_setup certaudit || skip "$unpriv_why"
mkdir "$TMPD/perm" "$TMPD/perm/closed"
chmod 755 "$TMPD/perm"
for f in readable.pem secret.pem closed/inside.pem; do
	unpriv_copy "$A/tree/good/server.pem" "$TMPD/perm/$f"
done
unpriv_copy "$FX/pki/root-ca.crt" "$TMPD/root-ca.crt"
unpriv_copy "$A/policy.conf" "$TMPD/policy.conf"
chmod 000 "$TMPD/perm/secret.pem" "$TMPD/perm/closed"
run_unpriv certaudit --no-system-trust --ca-file "$TMPD/root-ca.crt" --at 2030-06-01 \
	--policy "$TMPD/policy.conf" --jsonl "$TMPD/perm"
chmod 755 "$TMPD/perm/closed"
expect "unreadable: FAIL, not fatal" 1
expect_json "unreadable file" 'select((.path // "") | endswith("secret.pem")) | .findings[0].code + ": " + .findings[0].message' \
	"unreadable: cannot open: Permission denied"
expect_json "unreadable directory" 'select((.path // "") | endswith("/closed")) | .findings[0].code + ": " + .findings[0].message' \
	"unreadable: cannot open the directory: Permission denied"
expect_json "the readable file is still audited" 'select((.path // "") | endswith("readable.pem")) | .verdict' ok
finish
