#!/bin/sh
# aiacheck --list on a bundle of several chains: the header counts the
# chains that are complete (not only the first), each missing issuer is
# one line naming every certificate that needs it, and the URL rows are
# one per line for grep, wrapped with a hanging indent on a terminal.
# No network traffic (--list).
. "$top_srcdir/tests/lib.sh"
need jq openssl xmllint

# R (given with --ca-file) -> I -> L;  M (missing) -> J -> K1, K2;  M -> J2
cd "$TMPD" || exit 1
ca() { # NAME SUBJECT [ISSUER]
	if [ -z "${3:-}" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.pem" \
			-subj "/CN=$2" -days 36500 -addext basicConstraints=critical,CA:true 2>/dev/null
	else
		printf 'basicConstraints=critical,CA:%s\nauthorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\nauthorityInfoAccess=caIssuers;URI:http://127.0.0.1:18099/%s.crt\n' \
			"${4:-true}" "$3" >"$1.ext"
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
			-subj "/CN=$2" 2>/dev/null &&
			openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 36500 \
				-extfile "$1.ext" -out "$1.pem" 2>/dev/null
	fi
}
{ ca R "list root" && ca I "list int" R && ca L "list leaf" I false && ca M "list missing CA" &&
	ca J "list orphan" M && ca J2 "list orphan 2" M && ca K1 "list k1" J false &&
	ca K2 "list k2" J false; } || skip "openssl cannot make the certificates here"
cat L.pem I.pem K1.pem K2.pem J.pem J2.pem >bundle.pem
cd - >/dev/null || exit 1

run aiacheck --list --no-system-trust --ca-file "$TMPD/R.pem" "$TMPD/bundle.pem"
expect "a bundle: exit status" 0
expect "the header counts the chains" 0 'bundle\.pem: 6 certificates \(\+ 1 from the trust store\) · 4 chains: 1 complete, 3 INCOMPLETE, 1 trusted$'
checks=$((checks + 1))
if ! grep -q 'chain complete' "$out"; then echo "ok: not called complete"; else fail "a bundle with incomplete chains called complete"; fi
checks=$((checks + 1))
if [ "$(grep -c 'missing:' "$out")" -eq 1 ]; then echo "ok: one line per missing issuer"; else fail "$(grep -c 'missing:' "$out") missing lines for one issuer"; fi
j=$(jq -r '.certificates | map(select(.subject == "CN=list orphan")) | .[0].index' <"$(
	"$BIN/aiacheck" --json --list --no-system-trust --ca-file "$TMPD/R.pem" "$TMPD/bundle.pem" >"$TMPD/j.json"; echo "$TMPD/j.json")")
j2=$(jq -r '.certificates | map(select(.subject == "CN=list orphan 2")) | .[0].index' "$TMPD/j.json")
expect "the missing line names every certificate that needs it" 0 "missing: CN=list missing CA \(needed by \[$j\], \[$j2\]\)$"
run aiacheck --json --list --no-system-trust --ca-file "$TMPD/R.pem" "$TMPD/bundle.pem"
expect_json "json: one missing entry" '.missing | length' 1
expect_json "json: needed_by_all" '.missing[0].needed_by_all | map(tostring) | join(",")' "$j,$j2"
expect_json "json: needed_by is the first" '.missing[0].needed_by' "$j"
run aiacheck --xml --list --no-system-trust --ca-file "$TMPD/R.pem" "$TMPD/bundle.pem"
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/aiacheck.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: XML valid"
else
	cat "$TMPD/xmllint"; fail "XML does not validate"
fi

# not a terminal: one row per URL, however long
run aiacheck --list --no-system-trust "$FX/pki/multi-aia-leaf.crt"
checks=$((checks + 1))
if [ "$(grep -c '^  \[0\]  ' "$out")" -eq 9 ] && [ "$(awk 'length > 100' "$out" | wc -l)" -ge 9 ]; then
	echo "ok: one line per URL when not a terminal"
else
	fail "rows not one per line"
fi
# a terminal 80 wide: every line fits, rows wrapped under the URL
if command -v script >/dev/null 2>&1 && command -v stty >/dev/null 2>&1; then
	cp "$FX/pki/multi-aia-leaf.crt" "$TMPD/m.crt"  # a short name: the header is not wrapped
	script -qec "stty cols 80 rows 50; '$BIN/aiacheck' --color never --list --no-system-trust '$TMPD/m.crt'" \
		/dev/null >"$TMPD/tty.out" 2>&1 </dev/null
	tr -d '\r' <"$TMPD/tty.out" >"$out"
	checks=$((checks + 1))
	wide=$(LC_ALL=C.UTF-8 wc -L <"$out")
	if [ "$(grep -c '^  \[0\]  ' "$out")" -eq 9 ] && [ "$wide" -le 80 ] && grep -q '^                   dotnet-linux\]$' "$out"; then
		echo "ok: wrapped at 80 columns on a terminal, with a hanging indent"
	else
		rc=0; : >"$err"; fail "terminal: lines up to $wide columns, or no hanging indent"
	fi
	expect "terminal: runtime paragraph wrapped" 0 '^    http://127\.0\.0\.1:18080/int-ca\.crt \(not checked\)'
fi
finish
