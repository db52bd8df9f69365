#!/bin/sh
# PEM blocks that start mid-line — a file without its final newline
# concatenated with another (LF and CRLF), a key after a certificate, text
# between or before blocks: chainview and derdump read every block and
# chainview says pem-glued-blocks with the blocks and the line;
# certconv --fix writes every block on lines of its own and says so;
# certaudit reports the finding at its policy level.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
. "$top_srcdir/tests/glued.sh"
need jq

G=$TMPD/glued
make_glued "$G"
CA="--no-system-trust --ca-file $FX/pki/root-ca.crt"
SEL='[.findings[] | select(.code == "pem-glued-blocks")]'

# every BEGIN and END line of a file is a line of its own
own_lines() {
	all=$(grep -c -e '-----BEGIN ' -e '-----END ' "$1")
	alone=$(tr -d '\r' <"$1" | grep -cE '^-----(BEGIN|END) [A-Z0-9 #]+-----$')
	[ "$all" -gt 0 ] && [ "$all" = "$alone" ] && echo yes || echo "no ($alone of $all)"
}

while IFS='|' read -r file certs keys blocks line message; do
	[ -z "$file" ] && continue
	# shellcheck disable=SC2086
	run chainview --json $CA "$G/$file"
	expect_no_crash "$file"
	expect_json "$file: certificates" '[.certificates[] | select(.source == "input")] | length' "$certs"
	expect_json "$file: keys" '.keys | length' "$keys"
	run derdump --json --depth 1 "$G/$file"
	expect_json "$file: derdump sees every block" '.blocks | length' "$blocks"
	# shellcheck disable=SC2086
	run chainview --json $CA "$G/$file"
	if [ "$line" = 0 ]; then
		expect_json "$file: no pem-glued-blocks" "$SEL | length" 0
		continue
	fi
	expect_json "$file: pem-glued-blocks is a warning" "$SEL | .[0].severity" warning
	expect_json "$file: not about a certificate" "$SEL | .[0].certificate" null
	checks=$((checks + 1))
	got=$(json "$SEL | .[0].message")
	if printf '%s\n' "$got" | grep -Eq -- "$message"; then
		echo "ok: $file: the message names the blocks and line $line"
	else
		fail "$file: message '$got' does not match /$message/"
	fi
	expect_json "$file: the hint names the fix" "$SEL | .[0].hint | test(\"certconv --fix --to pem\")" true

	# certconv --fix: the blocks on lines of their own, said on stderr
	rm -f "$TMPD/fixed.pem"
	# shellcheck disable=SC2086
	run certconv --fix --to pem $CA -o "$TMPD/fixed.pem" "$G/$file"
	expect_no_crash "$file: certconv --fix"
	expect "$file: certconv --fix says what it put on lines of its own" "$rc" '' \
		"^certconv: .*$file: PEM blocks? [0-9]+( and [0-9]+)? \(line $line\): (shared a line|started after other text); put on (a line|lines) of (its|their) own$"
	checks=$((checks + 1))
	if grep -q 'nothing to fix' "$err"; then fail "$file: certconv --fix says nothing to fix"; else echo "ok: $file: not 'nothing to fix'"; fi
	check "$file: certconv --fix output has BEGIN and END on lines of their own" "$(own_lines "$TMPD/fixed.pem")" yes
	# shellcheck disable=SC2086
	run chainview --json $CA "$TMPD/fixed.pem"
	expect_json "$file: the fixed file has no pem-glued-blocks" "$SEL | length" 0
done <<EOF
$GLUED
EOF

# the counts and the text
# shellcheck disable=SC2086
run chainview --color never $CA "$G/lf-glued-1-2.pem"
expect "glued: warnings do not change the exit status" 0 \
	'^  warning pem-glued-blocks: blocks 1 and 2 are on one line \(25\)'
run chainview --color never --no-system-trust "$G/lf-glued-1-2.pem"
expect "glued: the header counts both certificates" 1 'lf-glued-1-2.pem: PEM, 2 certificates, 0 keys$'
# shellcheck disable=SC2086
run chainview --json $CA "$G/lf-glued-2-3-of-4.pem"
expect_json "the first two blocks of the line" "$SEL | .[0].message | test(\"rejects block 2 there\")" true
# shellcheck disable=SC2086
run chainview --json $CA "$G/many.pem"
expect_json "many: eight findings, then one sums up the rest" "$SEL | length" 9
expect_json "many: the last glued line" "$SEL | .[8].message" \
	"1 more block starts in the middle of a line, the last at line 209"
expect_json "many: a finding per line up to eight" "$SEL | .[7].message | test(\"^blocks 8 and 9 are on one line\")" true
run chainview --json $CA "$FX/bundles/client-text.pem"
expect_json "text on lines of its own is not glued" "$SEL | length" 0

# certaudit: a warning by default, an error when the policy says so
mkdir "$TMPD/tree"
cp "$G/lf-glued-1-2.pem" "$G/lf-ok.pem" "$TMPD/tree/"
# shellcheck disable=SC2086
run certaudit --jsonl $CA "$TMPD/tree"
expect "certaudit: warnings only" 0
checks=$((checks + 1))
got=$(jq -r 'select(.path != null) | "\(.path | sub(".*/"; "")) \([.findings[] | select(.code == "pem-glued-blocks") | .severity] | join(","))"' "$out" | sort | tr '\n' ';')
if [ "$got" = "lf-glued-1-2.pem warning;lf-ok.pem ;" ]; then
	echo "ok: certaudit: pem-glued-blocks is a warning, on the glued file only"
else
	fail "certaudit: pem-glued-blocks per file: '$got'"
fi
printf 'severity.pem-glued-blocks = error\n' >"$TMPD/strict.conf"
# shellcheck disable=SC2086
run certaudit --jsonl $CA --policy "$TMPD/strict.conf" "$TMPD/tree"
expect "certaudit --policy: pem-glued-blocks = error fails the file" 1
checks=$((checks + 1))
got=$(jq -r 'select(.path != null and (.path | test("glued"))) | .verdict' "$out")
if [ "$got" = fail ]; then echo "ok: certaudit: the glued file fails"; else fail "certaudit: glued file verdict '$got'"; fi
finish
