#!/bin/sh
# Passwords on a terminal: the new password is asked twice and never
# echoed, a mismatch writes nothing, the input password is asked once,
# and binary output is not sent to a terminal.  Run on a pseudo-terminal
# by tests/pty-run.py.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
need openssl python3

P=$FX/pki
PTY="$top_srcdir/tests/pty-run.py"
T="$TMPD/transcript"
NEW=n3w-Secret-4567

# pty TOOL ARGS...: like run, on a terminal, with the --expect/--send
# pairs in $steps; the transcript is both $out and $err
pty() {
	tool=$1
	shift
	# shellcheck disable=SC2086
	timeout "${CK_TEST_TIMEOUT:-120}" python3 "$PTY" "$T" $steps -- ${CK_WRAPPER:-} "$BIN/$tool" "$@" \
		>/dev/null 2>&1
	rc=$?
	cp "$T" "$out"
	cp "$T" "$err"
}

never_echoed() {
	checks=$((checks + 1))
	if grep -q -- "$2" "$T"; then
		failures=$((failures + 1)); echo "FAIL: $1: the password was echoed"
	else
		echo "ok: $1: the password was not echoed"
	fi
}

if ! python3 -c 'import os, pty; pid, fd = pty.fork(); os._exit(0) if pid == 0 else os.waitpid(pid, 0)' \
	2>/dev/null; then
	skip "no pseudo-terminal can be opened here"
fi

# the new password of a PFX, typed twice
steps="--expect New.password.for.the.PFX: --send $NEW --expect Again,.new.password.for.the.PFX: --send $NEW"
pty pem2pfx --no-system-trust --key "$P/client.key" -o "$TMPD/typed.pfx" "$P/client.crt" \
	"$P/int-ca.crt" "$P/root-ca.crt"
expect "new password typed twice" 0 'Again, new password for the PFX:'
never_echoed "new password typed twice" "$NEW"
checks=$((checks + 1))
if openssl pkcs12 -in "$TMPD/typed.pfx" -passin "pass:$NEW" -noout 2>/dev/null; then
	echo "ok: the typed password opens the PFX"
else
	failures=$((failures + 1)); echo "FAIL: the typed password does not open the PFX"
fi

# two different passwords: nothing written
steps="--expect New.password --send $NEW --expect Again --send other-$NEW"
pty pem2pfx --no-system-trust --key "$P/client.key" -o "$TMPD/mismatch.pfx" "$P/client.crt"
expect "passwords that differ" 4 'pem2pfx: the two passwords for the PFX do not match'
never_echoed "passwords that differ" "$NEW"
no_file "passwords that differ" "$TMPD/mismatch.pfx"

# end of input at the prompt
steps="--expect New.password --send $(printf '\004')"
pty certconv --to pfx -o "$TMPD/eof.pfx" "$FX/bundles/client-chain.pem"
expect "end of input at the prompt" 4 'no password for the PFX was typed'
no_file "end of input at the prompt" "$TMPD/eof.pfx"

# --encrypt-key asks too
steps="--expect New.password.for.the.private.key: --send $NEW --expect Again --send $NEW"
pty pfx2pem --password test --encrypt-key --key-only -o "$TMPD/enc.pem" "$FX/p12/modern.pfx"
expect "--encrypt-key: typed twice" 0
never_echoed "--encrypt-key" "$NEW"
check "--encrypt-key: typed password decrypts" "$(key_pubkey "$TMPD/enc.pem" "$NEW")" "$(cert_pubkey "$P/client.crt")"

# the input password is asked for (once) when none is given
LONG=$(cat "$FX/p12/long-pass.pfx.pass")
steps="--expect Password.for.*long-pass.pfx: --send $LONG"
pty pfx2pem --no-key -o "$TMPD/asked.pem" "$FX/p12/long-pass.pfx"
expect "input password asked" 0
never_echoed "input password asked" "$LONG"
check "input password asked: output" "$(fingerprints "$TMPD/asked.pem")" "$(fp client int-ca root-ca)"

# binary data is not written to a terminal
steps=""
pty pem2pfx --password-file "$FX/p12/modern.pfx.pass" --out-password-file "$FX/p12/modern.pfx.pass" \
	"$FX/p12/modern.pfx"
expect "PFX to a terminal" 2 'pem2pfx: refusing to write binary data to a terminal; use -o FILE'
pty certconv --to der "$P/client.crt"
expect "DER to a terminal" 2 'certconv: refusing to write binary data to a terminal; use -o FILE'
pty pem2pfx --base64 --no-system-trust --password-file "$FX/p12/modern.pfx.pass" \
	--out-password-file "$FX/p12/modern.pfx.pass" "$FX/p12/modern.pfx"
expect "--base64 to a terminal is fine" 0 '^MII'
finish
