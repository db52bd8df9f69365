#!/bin/sh
# Passwords per DESIGN: given, absent, empty, prompted on a terminal, wrong.
. "$top_srcdir/tests/lib.sh"
need jq

P="$FX/p12/modern.pfx"

run chainview --json --no-system-trust --password-file "$FX/p12/modern.pfx.pass" "$P"
expect "--password-file" 1
expect_json "password kind" '.input.pkcs12.password' given

run chainview --json --no-system-trust --password test "$P"
expect "--password" 1

CK_PW=test; export CK_PW
run chainview --json --no-system-trust --password-env CK_PW "$P"
expect "--password-env" 1
unset CK_PW

run chainview --no-system-trust --password-env CK_NO_SUCH_VAR "$P"
expect "--password-env unset" 2 '' 'environment variable CK_NO_SUCH_VAR is not set'

run chainview --no-system-trust --password a --password-file "$FX/p12/modern.pfx.pass" "$P"
expect "two password options" 2 '' 'use only one of'

run chainview --no-system-trust --password-file /nonexistent/pass "$P"
expect "password file missing" 3 '' 'cannot read the password file'

run chainview --no-system-trust --password wrong "$P"
expect "wrong password" 4 '' 'wrong password'
expect_one_line_error "wrong password"

# no password, not a terminal: exit 4 and name the options
run chainview --no-system-trust "$P"
expect "no password" 4 '' 'a password is needed.*--password-file, --password-env or --password'

# absent and empty passwords are tried without being asked
run chainview --json --no-system-trust "$FX/p12/null-pass.pfx"
expect_json "absent password tried" '.input.pkcs12.password' absent
run chainview --json --no-system-trust "$FX/p12/empty-pass.pfx"
expect_json "empty password tried" '.input.pkcs12.password' empty
# an empty password given also opens a file made with the absent one
run chainview --json --no-system-trust --password-file "$FX/p12/null-pass.pfx.pass" "$FX/p12/null-pass.pfx"
expect_json "empty given, absent used" '.input.pkcs12.password' absent

# a NUL byte in a password is refused (a C string would end there and
# the password be cut short); a UTF-8 byte order mark at the start of a
# password file (Notepad) is not part of the password
printf 'te\000st\n' >"$TMPD/nul.pass"
run chainview --no-system-trust --password-file "$TMPD/nul.pass" "$P"
expect "NUL byte in --password-file" 2 '' "^chainview: $TMPD/nul.pass: the password holds a NUL byte: refused \\(a password ends at the first NUL, so it would be cut short\\)\$"
expect_one_line_error "NUL byte in --password-file"
printf 'test\000\n' >"$TMPD/nul-end.pass"
run chainview --no-system-trust --password-file "$TMPD/nul-end.pass" "$P"
expect "NUL byte at the end of the first line" 2 '' 'holds a NUL byte'
printf 'test\nsecond line \000 is not read\n' >"$TMPD/nul-later.pass"
run chainview --json --no-system-trust --password-file "$TMPD/nul-later.pass" "$P"
expect_json "a NUL byte after the first line does not count" '.input.pkcs12.password' given
printf '\357\273\277test\r\n' >"$TMPD/bom.pass"
run chainview --json --no-system-trust --password-file "$TMPD/bom.pass" "$P"
expect_json "a byte order mark is not part of the password" '.input.pkcs12.password' given
printf '\357\273\277\n' >"$TMPD/bom-empty.pass"
run chainview --json --no-system-trust --password-file "$TMPD/bom-empty.pass" "$FX/p12/empty-pass.pfx"
expect_json "a byte order mark alone is the empty password" '.keys | length' 1
printf 'x\357\273\277test\n' >"$TMPD/bom-inside.pass"
run chainview --no-system-trust --password-file "$TMPD/bom-inside.pass" "$P"
expect "a byte order mark only counts at the start" 4 '' 'wrong password'

# non-ASCII and long passwords
run chainview --json --no-system-trust --password-file "$FX/p12/utf8-pass.pfx.pass" "$FX/p12/utf8-pass.pfx"
expect_json "UTF-8 password" '.keys | length' 1
run chainview --json --no-system-trust --password-file "$FX/p12/long-pass.pfx.pass" "$FX/p12/long-pass.pfx"
expect_json "80-character password" '.keys | length' 1

# encrypted PEM keys
run chainview --no-system-trust "$FX/bundles/key-enc-pkcs8.pem"
expect "encrypted key, no password" 4 '' 'encrypted and no password was given'
run chainview --no-system-trust --password nope "$FX/bundles/key-enc-pkcs8.pem"
expect "encrypted key, wrong password" 4 '' 'wrong password'

# a password is prompted for on a terminal, with echo off
if command -v script >/dev/null 2>&1; then
	printf 'wrong\ntest\n' | timeout 30 script -qec \
		"'$BIN/chainview' --no-system-trust --ca-file '$FX/pki/root-ca.crt' '$P'" \
		/dev/null >"$out" 2>"$err"
	rc=$?
	expect "prompt: retried, then opened" 0 'Password for .*modern.pfx' ''
	checks=$((checks + 1))
	if grep -aqE '(: |^)(wrong|test)\r?$' "$out"; then
		fail "prompt: the password was echoed"
	else
		echo "ok: prompt: no echo"
	fi
	expect "prompt: said it was wrong" 0 'Wrong password\. Password for' ''
	# (a terminal as wide as the message: it is wrapped on a narrower one)
	printf 'te\000st\n' | COLUMNS=200 timeout 30 script -qec \
		"'$BIN/chainview' --no-system-trust --ca-file '$FX/pki/root-ca.crt' '$P'" \
		/dev/null >"$out" 2>"$err"
	rc=$?
	expect "prompt: a NUL byte typed is refused" 2 "chainview: the password holds a NUL byte: refused \\(a password ends at the first NUL, so it would be cut short\\)" ''
else
	echo "SKIP (part): script(1) is not installed; terminal prompt not tested"
fi
finish
