#!/bin/sh
# The key-derivation budget of a PKCS#12 file (--kdf-budget): every MAC
# check and every decryption, for every password tried, counts its
# iteration count; over the budget the file is not opened (exit 3,
# certaudit: the finding kdf-budget-exceeded, and the next file).  The
# files are made here: one SafeContents of many pkcs8ShroudedKeyBags
# (tests/p12-bags.py around an EncryptedPrivateKeyInfo from openssl).
. "$top_srcdir/tests/lib.sh"
need openssl python3 jq

KEY=$FX/pki/client.key
bags() { # OUT ITERATIONS COUNT: COUNT bags at ITERATIONS, MAC at 2048
	openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter "$2" -passout pass:test \
		-in "$KEY" -outform DER -out "$TMPD/epki.der" &&
		python3 "$top_srcdir/tests/p12-bags.py" "$1" "$TMPD/epki.der" "$3" test 2048 ||
		skip "cannot make the PKCS#12 file of many bags"
}
MANY="$TMPD/many-keys.pfx"
bags "$MANY" 2048 64
MSG="many-keys.pfx: its key derivations need more than the budget of %s iterations \\(kdf-budget-exceeded\\): not opened; raise it with --kdf-budget if the file is trusted$"

# what OpenSSL sees, to know the file is right
checks=$((checks + 1))
if [ "$(openssl pkcs12 -in "$MANY" -passin pass:test -nocerts -nodes 2>/dev/null | grep -c 'BEGIN PRIVATE KEY')" = 64 ]; then
	echo "ok: openssl reads 64 keys"
else
	fail "openssl does not read 64 keys"
fi

# the given password: the MAC (2048) and 64 bags (2048 each) = 133120
run chainview --json --no-system-trust --password test --kdf-budget 133120 "$MANY"
expect_json "exactly the budget: opened" '.keys | length' 64
run chainview --no-system-trust --password test --kdf-budget 133119 "$MANY"
expect "one iteration less: not opened" 3 '' "^chainview: .*$(printf "$MSG" 133119)"
expect_one_line_error "over the budget"
run chainview --json --no-system-trust --password test --kdf-budget 100000 "$MANY"
expect_json "JSON: the error" '.error.status + ": " + (.error.message | test("kdf-budget-exceeded") | tostring)' \
	"key derivation budget exceeded: true"

# no password: the absent and the empty one are each a MAC check
run chainview --no-system-trust --kdf-budget 4096 "$MANY"
expect "two candidates within the budget: a password is needed" 4 '' 'a password is needed'
run chainview --no-system-trust --kdf-budget 4095 "$MANY"
expect "the second candidate is over it" 3 '' "$(printf "$MSG" 4095)"

# bad values
for v in 0 -1 x 1e6 ''; do
	run chainview --no-system-trust --kdf-budget "$v" "$MANY"
	expect "--kdf-budget '$v'" 2 '' "^chainview: --kdf-budget takes a number of iterations \\(1 or more\\), not '$v'$"
done

# the conversion tools write nothing
mkdir "$TMPD/o"
run pfx2pem --password test --kdf-budget 100000 -o "$TMPD/o/out.pem" "$MANY"
expect "pfx2pem over the budget" 3 '' "$(printf "$MSG" 100000)"
check_empty() { checks=$((checks + 1)); if [ -z "$(ls -A "$TMPD/o")" ]; then echo "ok: $1: nothing written"; else fail "$1: $(ls -A "$TMPD/o")"; fi; }
check_empty pfx2pem
run pem2pfx --password test --kdf-budget 100000 --empty-password -o "$TMPD/o/out.pfx" "$MANY"
expect "pem2pfx over the budget" 3 '' "$(printf "$MSG" 100000)"
check_empty pem2pfx

# certaudit: a finding, then the next file
mkdir "$TMPD/tree"
cp "$MANY" "$TMPD/tree/a-many-keys.pfx"
cp "$FX/audit/tree/good/server.pem" "$TMPD/tree/b-server.pem"
run certaudit --no-system-trust --ca-file "$FX/pki/root-ca.crt" --at 2030-06-01 --jsonl -j 1 \
	--password test --kdf-budget 100000 "$TMPD/tree"
expect "certaudit: FAIL" 1
expect_json "certaudit: the finding" 'select((.path // "") | endswith("a-many-keys.pfx")) | .findings[0].code + " " + .findings[0].severity' \
	"kdf-budget-exceeded error"
expect_json "certaudit: the next file is audited" 'select((.path // "") | endswith("b-server.pem")) | .verdict' ok
run certaudit --print-policy
expect "certaudit: the code is in the policy" 0 '^severity\.kdf-budget-exceeded = error '

# the default (30000000): three bags at 10,000,000 iterations after the
# MAC's 2048 are 30,002,048; about 3 s of key derivation before the
# refusal (too slow under valgrind)
if [ -z "${CK_WRAPPER:-}" ]; then
	SLOW="$TMPD/many-keys-slow.pfx"
	bags "$SLOW" 10000000 3
	run chainview --no-system-trust --password test "$SLOW"
	expect "the default budget" 3 '' "many-keys-slow.pfx: its key derivations need more than the budget of 30000000 iterations"
else
	echo "SKIP (part): the default budget takes minutes under $CK_WRAPPER"
fi
finish
