#!/bin/sh
# aiacheck with several inputs: every input's URLs are checked as one
# batch, each distinct URL once (three files naming the same dropped URL
# wait for it once, not three times), then each file is reported on its
# own, and under -q every row says which file it belongs to.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq openssl
need_servers nginx

www_setup
web
drop_start 18082

# three leaves of one CA that none of the files holds, whose caIssuers
# URL is the dropped listener; a fourth whose URL is served
cd "$TMPD" || exit 1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
	-subj "/CN=batch CA" -days 36500 2>/dev/null || skip "openssl cannot make a CA here"
for n in a b c d; do
	url=http://127.0.0.1:18082/int.crt
	[ "$n" = d ] && url=http://127.0.0.1:18080/int-ca.crt
	printf 'authorityInfoAccess=caIssuers;URI:%s\n' "$url" >"$n.ext"
	{ openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$n.key" -out "$n.csr" \
		-subj "/CN=leaf $n" 2>/dev/null &&
		openssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 36500 \
			-extfile "$n.ext" -out "$n.pem" 2>/dev/null; } || skip "openssl cannot sign here"
done
cd - >/dev/null || exit 1

ms() { echo $(($(date +%s%N) / 1000000)); }

# one connect timeout, one SYN-sending connect for the three files
opens=$(tcp_opens)
t0=$(ms)
run aiacheck --json --no-system-trust --connect-timeout 1 "$TMPD/a.pem" "$TMPD/b.pem" "$TMPD/c.pem"
t1=$(ms)
opens=$(($(tcp_opens) - opens))
expect "three files, one dropped URL" 1
echo "three files sharing a dropped URL: $((t1 - t0)) ms, $opens TCP connects"
checks=$((checks + 1))
if [ $((t1 - t0)) -lt 2500 ]; then echo "ok: about one timeout ($((t1 - t0)) ms)"; else fail "took $((t1 - t0)) ms: the URL was waited for once per file"; fi
checks=$((checks + 1))
if [ "$opens" -eq 1 ]; then echo "ok: the URL was requested once"; else fail "$opens connects for one URL"; fi
checks=$((checks + 1))
got=$(jq -rs '[.[] | (.input.name | sub(".*/"; "")) + "=" + .urls[0].result + "," + (.runtimes[0].problem|tostring)] | join(" ")' "$out")
if [ "$got" = "a.pem=dropped,true b.pem=dropped,true c.pem=dropped,true" ]; then
	echo "ok: each file has its own document, with the result"
else
	fail "per-file documents: '$got'"
fi
checks=$((checks + 1))
if [ "$(jq -s '[.[].certificates | length] | join(",")' "$out")" = '"1,1,1"' ]; then
	echo "ok: each file has only its own certificates"
else
	fail "certificates mixed between files"
fi

# a file with another URL in the same batch keeps its own result
run aiacheck --json --no-system-trust --connect-timeout 1 "$TMPD/a.pem" "$TMPD/d.pem" "$TMPD/b.pem"
checks=$((checks + 1))
got=$(jq -rs '[.[] | (.input.name | sub(".*/"; "")) + "=" + .urls[0].result] | join(" ")' "$out")
if [ "$got" = "a.pem=dropped d.pem=wrong-issuer b.pem=dropped" ]; then
	echo "ok: mixed batch, each file its own result, in input order"
else
	fail "mixed batch: '$got'"
fi

# an unreadable file among them: its error in its place, the others checked
run aiacheck --json --no-system-trust --connect-timeout 1 "$TMPD/a.pem" "$FX/bad/empty.pem" "$TMPD/d.pem"
expect "an unreadable input among them" 3 '' 'empty\.pem: the file is empty'
checks=$((checks + 1))
got=$(jq -rs '[.[] | if .error then "error" else .urls[0].result end] | join(" ")' "$out")
if [ "$got" = "dropped error wrong-issuer" ]; then echo "ok: the error document in its place"; else fail "with an error: '$got'"; fi

# -q: each row names its file; nothing before the first row
run aiacheck -q --no-system-trust --connect-timeout 1 "$TMPD/a.pem" "$TMPD/b.pem"
expect "-q: rows labelled" 1 "^$TMPD/a\.pem:  \[0\]  ca-issuers +http://127\.0\.0\.1:18082/int\.crt +dropped"
expect "-q: the second file's rows too" 1 "^$TMPD/b\.pem:  \[0\]  ca-issuers +http://127\.0\.0\.1:18082/int\.crt +dropped"
expect "-q: runtime lines labelled" 1 "^$TMPD/b\.pem:  \.NET on Linux \(dotnet-linux\): "
checks=$((checks + 1))
if [ -n "$(head -1 "$out")" ] && ! grep -q '^  ' "$out"; then echo "ok: -q: no blank first line, no unlabelled row"; else fail "-q: a blank first line or an unlabelled row"; fi
finish
