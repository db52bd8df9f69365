#!/bin/sh
# pfx2pem, pem2pfx, certconv: refusals and bad input.  Each gets its
# message and exit status, and leaves no file (not even a temporary
# one) behind; outputs get the documented modes whatever the umask.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
need openssl jq

P=$FX/pki
PFX=$FX/p12/modern.pfx
printf 'chainkit-pw\n' >"$TMPD/pw"
O="$TMPD/o"

fresh() { rm -rf "$O"; mkdir "$O"; }
nothing_left() {
	checks=$((checks + 1))
	if [ "$(dir_count "$O")" = "${2:-0}" ]; then
		echo "ok: $1: nothing left behind"
	else
		failures=$((failures + 1)); echo "FAIL: $1: left behind: $(ls -A "$O" | tr '\n' ' ')"
	fi
}

# --- an existing output is not replaced without --force
for t in pfx2pem pem2pfx certconv; do
	fresh
	echo "precious" >"$O/out"
	case $t in
	pfx2pem) run pfx2pem --password test -o "$O/out" "$PFX" ;;
	pem2pfx) run pem2pfx --password test --out-password-file "$TMPD/pw" -o "$O/out" "$PFX" ;;
	certconv) run certconv --to pem --password test -o "$O/out" "$PFX" ;;
	esac
	expect "$t: existing output" 2 '' "^$t: .*/o/out: file exists \(use --force to replace it\)$"
	expect_one_line_error "$t: existing output"
	check "$t: existing output unchanged" "$(cat "$O/out")" precious
	nothing_left "$t: existing output" 1
done
fresh
echo "precious" >"$O/out"
chmod 644 "$O/out"
run pfx2pem --force --password test -o "$O/out" "$PFX"
expect "--force replaces" 0
check "--force replaces: the new content" "$(grep -c 'BEGIN CERTIFICATE' "$O/out")" 3
check "--force replaces: a key file becomes 0600" "$(stat -c %a "$O/out")" 600
nothing_left "--force" 1

# --- devices and pipes are written to with --force, never replaced by a
# file (as root, renaming over /dev/null would leave a regular file there)
fresh
run pfx2pem --password test --no-key -o /dev/null "$PFX"
expect "-o /dev/null without --force" 2 '' '^pfx2pem: /dev/null: exists and is a character device: not written to without --force$'
run pfx2pem --password test --no-key --force -o /dev/null "$PFX"
expect "-o /dev/null --force" 0
check "-o /dev/null: no message" "$(wc -c <"$err")" 0
check "-o /dev/null: still a device" "$(stat -c %F /dev/null)" "character special file"
run pfx2pem --password test --no-key --force -o /dev/full "$PFX"
expect "-o /dev/full" 5 '' '^pfx2pem: /dev/full: write error: No space left on device$'
expect_one_line_error "-o /dev/full"
if [ -w /dev/full ]; then
	for t in pfx2pem pem2pfx certconv; do
		case $t in
		pfx2pem) set -- ;;
		pem2pfx) set -- --out-password-file "$TMPD/pw" ;;
		certconv) set -- --to pem ;;
		esac
		"$BIN/$t" --password test "$@" "$PFX" >/dev/full 2>"$err"
		rc=$?
		expect "$t: standard output full" 5 '' "^$t: write error on standard output: No space left on device$"
		expect_one_line_error "$t: standard output full"
	done
fi
mkfifo "$O/pipe"
exec 3<>"$O/pipe" # a reader from now on, so opening it for writing cannot fail
run certconv --to p7b --force -o "$O/pipe" "$FX/bundles/client-chain.pem"
expect "-o FIFO --force" 0
dd iflag=nonblock bs=1M count=1 status=none <&3 >"$TMPD/from-pipe"
exec 3<&-
check "-o FIFO: still a FIFO" "$(stat -c %F "$O/pipe")" fifo
check "-o FIFO: the reader got the PKCS#7" "$(cmp "$TMPD/from-pipe" "$FX/bundles/client-chain.p7b" && echo same)" same
nothing_left "-o FIFO" 1

# --- passwords
fresh
run pfx2pem --password wrong -o "$O/out.pem" "$PFX"
expect "wrong input password" 4 '' "^pfx2pem: .*modern.pfx: wrong password$"
expect_one_line_error "wrong input password"
nothing_left "wrong input password"
run pem2pfx --password wrong --out-password-file "$TMPD/pw" -o "$O/out.pfx" \
	--key "$FX/bundles/key-enc-pkcs8.pem" "$P/client.crt"
expect "wrong key password" 4 '' "key-enc-pkcs8.pem: wrong password for the encrypted private key"
nothing_left "wrong key password"
run pfx2pem -o "$O/out.pem" "$PFX"
expect "input password needed, no terminal" 4 '' "a password is needed .*; give it with --password-file, --password-env or --password"
nothing_left "input password needed"
run pem2pfx --no-system-trust -o "$O/out.pfx" --key "$P/client.key" "$P/client.crt"
expect "no new password, no terminal" 4 '' "^pem2pfx: a password for the PFX is needed; give it with --out-password-file or --out-password-env \(or --empty-password\)$"
expect_one_line_error "no new password"
nothing_left "no new password"
: >"$TMPD/empty-pw"
run pem2pfx --no-system-trust --out-password-file "$TMPD/empty-pw" -o "$O/out.pfx" \
	--key "$P/client.key" "$P/client.crt"
expect "empty new password without --empty-password" 4 '' "the password for the PFX is empty; use --empty-password"
nothing_left "empty new password"
run pfx2pem --password test --encrypt-key -o "$O/out.pem" "$PFX"
expect "--encrypt-key without a password" 4 '' "^pfx2pem: a password for the private key is needed; give it with --out-password-file or --out-password-env$"
nothing_left "--encrypt-key without a password"
printf 'chainkit\000pw\n' >"$TMPD/nul-pw"
run pem2pfx --password test --out-password-file "$TMPD/nul-pw" -o "$O/out.pfx" "$PFX"
expect "a NUL byte in --out-password-file" 2 '' "^pem2pfx: $TMPD/nul-pw: the password holds a NUL byte: refused"
expect_one_line_error "a NUL byte in --out-password-file"
nothing_left "a NUL byte in --out-password-file"
printf 'te\000st\n' >"$TMPD/nul-in"
run pfx2pem --password-file "$TMPD/nul-in" -o "$O/out.pem" "$PFX"
expect "a NUL byte in --password-file (pfx2pem)" 2 '' "nul-in: the password holds a NUL byte: refused"
nothing_left "a NUL byte in --password-file (pfx2pem)"
printf '\357\273\277chainkit-pw\n' >"$TMPD/bom-pw"
run pem2pfx --password test --out-password-file "$TMPD/bom-pw" -o "$O/bom.pfx" "$PFX"
expect "a byte order mark in --out-password-file" 0
checks=$((checks + 1))
if openssl pkcs12 -in "$O/bom.pfx" -passin pass:chainkit-pw -nokeys -noout 2>/dev/null; then
	echo "ok: the PFX's password is the line without the byte order mark (openssl)"
else
	fail "openssl does not open the PFX with the password without the byte order mark"
fi
rm -f "$O/bom.pfx"
run pfx2pem --password test --encrypt-key --out-password-file "$TMPD/empty-pw" -o "$O/out.pem" "$PFX"
expect "--encrypt-key with an empty password" 4 '' "^pfx2pem: the password for the private key cannot be empty$"
nothing_left "--encrypt-key with an empty password"
run certconv --to pfx --password test --out-password-file "$TMPD/missing-pw" -o "$O/out.pfx" "$PFX"
expect "unreadable new password file" 3 '' "missing-pw: cannot read the password file"
nothing_left "unreadable new password file"

# --- keys
fresh
run pem2pfx --no-system-trust --out-password-file "$TMPD/pw" -o "$O/out.pfx" --key "$P/nomatch.key" \
	"$P/client.crt" "$P/int-ca.crt"
expect "pem2pfx: key matches no certificate" 1 '' "^pem2pfx: .*client.crt: the private key matches none of the certificates; a converted file would pair a certificate with the wrong key \(nothing written\)$"
expect_one_line_error "key matches no certificate"
nothing_left "pem2pfx: key matches no certificate"
run pfx2pem -o "$O/out.pem" "$FX/bundles/client-chain.pem" "$P/nomatch.key"
expect "pfx2pem: key matches no certificate" 1 '' "the private key matches none of the certificates"
nothing_left "pfx2pem: key matches no certificate"
run certconv --to pem -o "$O/out.pem" "$FX/bundles/client-chain.pem" "$P/nomatch.key"
expect "certconv: key matches no certificate" 1 '' "the private key matches none of the certificates"
nothing_left "certconv: key matches no certificate"
run pfx2pem --key-only -o "$O/key.pem" "$FX/bundles/client-chain.pem" "$P/nomatch.key"
expect "pfx2pem --key-only writes a key that matches nothing" 0
rm -f "$O/key.pem"
run pem2pfx --no-system-trust --out-password-file "$TMPD/pw" -o "$O/out.pfx" "$FX/bundles/client-chain.pem"
expect "pem2pfx: no key" 1 '' "no private key in the inputs; give it with --key"
nothing_left "pem2pfx: no key"
run pem2pfx --no-system-trust --out-password-file "$TMPD/pw" -o "$O/out.pfx" --key "$P/server.key" \
	"$FX/bundles/client-combined.pem"
expect "pem2pfx: two keys" 1 '' "the inputs hold 2 private keys"
nothing_left "pem2pfx: two keys"
# the same key twice (a combined PEM and --key) is one key
run pem2pfx --no-system-trust --ca-file "$P/root-ca.crt" --out-password-file "$TMPD/pw" -o "$O/out.pfx" \
	--key "$P/client.key" "$FX/bundles/client-combined.pem"
expect "pem2pfx: the same key twice" 0
rm -f "$O/out.pfx"
run pfx2pem "$FX/bundles/client-combined.pem" "$FX/bundles/key-rsa.pem"
expect "pfx2pem: the same key twice" 0
check "pfx2pem: the same key twice: written once" "$(grep -c 'BEGIN PRIVATE KEY' "$out")" 1
run pfx2pem --password test --key-only -o "$O/out.pem" "$FX/p12/certs-only.pfx"
expect "pfx2pem --key-only without a key" 1 '' "there is no private key to write"
nothing_left "pfx2pem --key-only without a key"
run pfx2pem --split "$O/split" "$FX/p12/java-truststore.p12" --password changeit --no-key
expect "pfx2pem --split of CA certificates" 0
run pfx2pem --split "$O/s2" "$FX/bundles/client-chain.pem" --no-root --chain-only 2>/dev/null
expect "--split with --chain-only" 2 '' "Try 'pfx2pem --help'"

# --- formats that cannot hold the input
fresh
run certconv --to der -o "$O/out.der" "$FX/bundles/client-full.pem"
expect "DER of three certificates" 2 '' "^certconv: .*client-full.pem: DER holds a single certificate and there are 3; use --to p7b \(PKCS#7\) or --to pem for all of them$"
expect "DER of three certificates: usage hint" 2 '' "^Try 'certconv --help' for more information.$"
nothing_left "DER of three certificates"
run certconv --to p7b -o "$O/out.p7b" "$FX/p12/key-only.pfx" --password test
expect "PKCS#7 of a key alone" 1 '' "there is no certificate to write"
nothing_left "PKCS#7 of a key alone"
run certconv --to pfx --out-password-file "$TMPD/pw" -o "$O/out.pfx" "$FX/bundles/client-combined.pem" \
	"$P/server.key" "$P/server.crt"
expect "PKCS#12 of two keys" 1 '' "holds one private key; the input has 2"
nothing_left "PKCS#12 of two keys"

# --- output names up to NAME_MAX (255 bytes): the temporary name is cut
fresh
long=$(printf '%0250d' 0).pem
run pfx2pem --password test -o "$O/$long" "$PFX"
expect "a 254-byte output name" 0
check "a 254-byte output name: written" "$(ls "$O")" "$long"
run pfx2pem --password test --force -o "$O/$long" "$PFX"
expect "a 254-byte output name, replaced" 0
nothing_left "a 254-byte output name" 1

# --- --split is all or nothing
fresh
mkdir "$O/live"
echo precious >"$O/live/chain.pem"
run pfx2pem --password test --split "$O/live" "$PFX"
expect "--split with one target existing" 2 '' "live/chain.pem: file exists \(use --force to replace it\)"
check "--split with one target existing: nothing else written" "$(dir_count "$O/live")" 1
check "--split with one target existing: unchanged" "$(cat "$O/live/chain.pem")" precious
run pfx2pem --password test --split "$O/live" --force "$PFX"
expect "--split --force" 0
check "--split --force: five files" "$(ls "$O/live" | tr '\n' ' ')" "cert.pem chain.pem fullchain.pem key.pem root.pem "
check "--split: fullchain = cert + chain" "$(cat "$O/live/cert.pem" "$O/live/chain.pem" | md5sum)" \
	"$(md5sum <"$O/live/fullchain.pem")"
check "--split: fullchain order" "$(fingerprints "$O/live/fullchain.pem")" "$(fp client int-ca)"
check "--split: root" "$(fingerprints "$O/live/root.pem")" "$(fp root-ca)"
check "--split: key of the leaf" "$(key_pubkey "$O/live/key.pem")" "$(cert_pubkey "$O/live/cert.pem")"
run chainview --json --no-system-trust --ca-file "$O/live/root.pem" "$O/live/fullchain.pem"
expect_json "--split: our reader: fullchain.pem is a valid chain" '.chain.valid' true
expect_json "--split: our reader: two certificates in fullchain.pem" \
	'[.certificates[] | select(.source == "input")] | length' 2
run chainview --json --no-system-trust "$O/live/key.pem"
expect_json "--split: our reader: key.pem" '.keys | length' 1
run pfx2pem --password test --split "$O/new-dir" --no-root "$FX/p12/chain-missing.pfx"
expect "--split: no intermediate, no root" 0 '' "chain.pem not written: the chain has no intermediate"
check "--split: no intermediate, no root: files" "$(ls "$O/new-dir" | tr '\n' ' ')" "cert.pem fullchain.pem key.pem "
# a file of an earlier set that this one does not write is named
run pfx2pem --password test --split "$O/new-dir" --force -q --no-root "$FX/p12/chain-missing.pfx"
expect "--split --force -q over the same set" 0
check "--split --force -q over the same set: no message" "$(wc -c <"$err")" 0
run pfx2pem --password test --split "$O/live" --force -q --no-root "$FX/p12/chain-missing.pfx"
expect "--split --force: an old chain.pem is named" 0 '' "^pfx2pem: .*/live/chain.pem: left from before: not part of the set written now$"
expect "--split --force: an old root.pem is named" 0 '' "/live/root.pem: left from before"
checks=$((checks + 1))
if grep -q "key.pem: left from before" "$err"; then fail "key.pem was written, not left"; else echo "ok: key.pem is new"; fi
touch "$O/plain-file2"
run pfx2pem --password test --split "$O/plain-file2" "$PFX"
expect "--split into a file" 5 '' "plain-file2: not a directory"

# --- modes whatever the umask
fresh
for u in 000 022 077; do
	(umask $u
	 "$BIN/pfx2pem" --password test -o "$O/key-$u.pem" "$PFX"
	 "$BIN/pfx2pem" --password test --no-key -o "$O/cert-$u.pem" "$PFX"
	 "$BIN/pem2pfx" --password test --out-password-file "$TMPD/pw" -o "$O/pfx-$u.pfx" "$PFX"
	 "$BIN/certconv" --to p7b -o "$O/p7-$u.p7b" "$FX/bundles/client-chain.pem"
	 "$BIN/pfx2pem" --password test --split "$O/split-$u" "$PFX") 2>/dev/null
done
check "umask 000: key file 0600" "$(stat -c %a "$O/key-000.pem")" 600
check "umask 000: PFX 0600" "$(stat -c %a "$O/pfx-000.pfx")" 600
check "umask 000: certificates file 0666" "$(stat -c %a "$O/cert-000.pem")" 666
check "umask 000: PKCS#7 0666" "$(stat -c %a "$O/p7-000.p7b")" 666
check "umask 000: split key.pem 0600" "$(stat -c %a "$O/split-000/key.pem")" 600
check "umask 000: split cert.pem 0666" "$(stat -c %a "$O/split-000/cert.pem")" 666
check "umask 022: key file 0600" "$(stat -c %a "$O/key-022.pem")" 600
check "umask 022: certificates file 0644" "$(stat -c %a "$O/cert-022.pem")" 644
check "umask 077: certificates file 0600" "$(stat -c %a "$O/cert-077.pem")" 600

# --- unreadable and missing inputs
fresh
run pfx2pem -o "$O/out.pem" "$FX/no-such.pfx"
expect "missing input" 3 '' "no-such.pfx: cannot open: No such file or directory$"
nothing_left "missing input"
run certconv --to pem -o "$O/out.pem" "$FX/bad/truncated.der"
expect "truncated input" 3 '' "truncated.der: DER length at byte 1 runs past the end"
nothing_left "truncated input"
run pem2pfx --out-password-file "$TMPD/pw" -o "$O/out.pfx" "$FX/bad/empty.pem"
expect "empty input" 3 '' "empty.pem: the file is empty"
nothing_left "empty input"
nl="$TMPD/bad
name.pfx"
printf 'x' >"$nl"
for t in pfx2pem pem2pfx certconv; do
	case $t in
	pfx2pem) set -- ;;
	pem2pfx) set -- --out-password-file "$TMPD/pw" ;;
	certconv) set -- --to pem ;;
	esac
	run $t "$@" -o "$O/out" "$nl"
	expect "$t: newline in the input's name" 3 '' "^$t: .*/bad\\\\nname.pfx: unrecognized format"
	expect_one_line_error "$t: newline in the input's name"
	nothing_left "$t: newline in the input's name"
done
run certconv --to pem --max-size 1K -o "$O/out.pem" "$FX/bundles/client-full.pem"
expect "input over --max-size" 3 '' "over the limit of 1024 bytes"
nothing_left "input over --max-size"
run pfx2pem --password test -o "$O/out.pem" "$FX/p12/unsupported-cipher.pfx"
expect "unsupported cipher" 3 '' "CAMELLIA-256-CBC .* is not supported"
nothing_left "unsupported cipher"

# --- usage errors
while IFS='|' read -r t args message; do
	[ -z "$t" ] && continue
	# shellcheck disable=SC2086
	run $t $args
	expect "$t $args" 2 '' "^$t: $message"
	expect "$t $args: hint" 2 '' "^Try '$t --help' for more information.$"
done <<TABLE
pfx2pem||no input file \(use '-' for standard input\)
pfx2pem|--key-only --no-key $PFX|--key-only cannot be used with --no-key, --chain-only or --no-root
pfx2pem|--split d -o x $PFX|--split cannot be used with -o, --key-only or --chain-only
pfx2pem|--encrypt-key --no-key $PFX|--encrypt-key cannot be used with --no-key or --chain-only
pfx2pem|--out-password-file x $PFX|--out-password-file and --out-password-env are for PKCS#12 output or --encrypt-key
pfx2pem|--split|option '--split' requires an argument
pem2pfx|--profile new $PFX|--profile takes modern, legacy or openssl1, not 'new'
pem2pfx|--iterations 100 $PFX|--profile modern needs at least 2048 iterations
pem2pfx|--iterations 0 --profile legacy $PFX|--iterations takes a number from 1 to 10000000, not '0'
pem2pfx|--iterations 10000001 --profile legacy $PFX|--iterations takes a number from 1 to 10000000
pem2pfx|--empty-password --out-password-file x $PFX|--empty-password cannot be used with --out-password-file or --out-password-env
pem2pfx|--out-password-file x --out-password-env Y $PFX|use only one of --out-password-file and --out-password-env
pem2pfx|--out-password-env CHAINKIT_UNSET_VAR $PFX|environment variable CHAINKIT_UNSET_VAR is not set
pem2pfx|--name= $PFX|--name needs a name
certconv|$PFX|--to FORMAT is needed: pem, der, p7b, pfx or base64
certconv|--to jks $PFX|--to takes pem, der, p7b, pfx or base64, not 'jks'
certconv|--to pem --keep-root $PFX|--keep-root is for --fix
certconv|--to pem --profile legacy $PFX|--profile, --iterations and --name are for PKCS#12 output
certconv|--to pem --empty-password $PFX|--empty-password is for PKCS#12 output
certconv|--to pem --ca-file x $PFX|--ca-file, --ca-dir, --no-system-trust and --at are for --fix
TABLE

run certconv --to pem -o "" "$PFX"
expect "-o with an empty name" 2 '' "^certconv: -o needs a file name \('-' for standard output\)$"

# --- standard output: '-' is the default and can be named
run pem2pfx --password test --out-password-file "$TMPD/pw" -o - "$PFX"
expect "PFX to standard output (not a terminal)" 0
checks=$((checks + 1))
if openssl pkcs12 -in "$out" -passin "file:$TMPD/pw" -noout 2>/dev/null; then
	echo "ok: PFX on standard output opens"
else
	failures=$((failures + 1)); echo "FAIL: PFX on standard output"
fi
run_stdin "$PFX" pfx2pem --password test --no-key -
expect "PFX from standard input" 0 'BEGIN CERTIFICATE'

# --- a directory that cannot be written: as root, run as nobody, with
# everything it reads in $TMPD (lib.sh's unpriv_setup); last, since it may skip
unpriv_setup pfx2pem pem2pfx certconv || skip "$unpriv_why"
unpriv_copy "$PFX" "$TMPD/modern.pfx"
unpriv_copy "$FX/bundles/client-chain.pem" "$TMPD/client-chain.pem"
chmod a+r "$TMPD/pw"
fresh
chmod 555 "$O"
run_unpriv pfx2pem --password test -o "$O/out.pem" "$TMPD/modern.pfx"
expect "unwritable directory" 5 '' "^pfx2pem: .*/o/out.pem: cannot create a file in its directory: Permission denied$"
expect_one_line_error "unwritable directory"
nothing_left "unwritable directory"
run_unpriv pem2pfx --password test --out-password-file "$TMPD/pw" -o "$O/out.pfx" "$TMPD/modern.pfx"
expect "unwritable directory (pem2pfx)" 5 '' "out.pfx: cannot create a file in its directory: Permission denied"
nothing_left "unwritable directory (pem2pfx)"
run_unpriv certconv --to p7b -o "$O/out.p7b" "$TMPD/client-chain.pem"
expect "unwritable directory (certconv)" 5 '' "out.p7b: cannot create a file in its directory: Permission denied"
nothing_left "unwritable directory (certconv)"
run_unpriv pfx2pem --password test --split "$O/new" "$TMPD/modern.pfx"
expect "--split: directory cannot be created" 5 '' "/o/new: cannot create the directory: Permission denied"
nothing_left "--split: directory cannot be created"
chmod 755 "$O"
finish
