#!/bin/sh
# aiacheck never connects to link-local or cloud metadata addresses
# (issue 29), in a private network namespace where a stand-in metadata
# service listens on 169.254.169.254 and fd00:ec2::254: a refused URL
# opens no socket (the tool's count), sends no packet (the kernel's
# counters of this namespace) and reaches nothing (the stand-in's log),
# directly, through a name, on a redirect hop, for every address of a
# name; --allow-address opens a range (and then the stand-in answers:
# the same checks would see a leak); --deny-address refuses loopback.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq xmllint
need_servers nginx python3

www_setup
web 'location = /to-metadata { return 302 http://metadata.test:18090/int-ca.crt; }
	location = /to-metadata-ip { return 301 http://169.254.169.254:18090/int-ca.crt; }'
meta_start || skip "$meta_why"

H=http://127.0.0.1:18080
MAP="--resolve metadata.test:18090:169.254.169.254"

# quiet_case NAME ARGS...: run aiacheck --json; the run must send no
# packet at all, and the stand-in must see no connection
quiet_case() {
	name=$1
	shift
	p0=$(packets_sent)
	m0=$(wc -l <"$META_LOG")
	run aiacheck --json --no-system-trust "$@"
	p1=$(packets_sent)
	m1=$(wc -l <"$META_LOG")
	checks=$((checks + 1))
	if [ "$p1" -eq "$p0" ] && [ "$m1" -eq "$m0" ]; then
		echo "ok: $name: no packet sent ($p0 before and after), nothing reached the stand-in"
	else
		fail "$name: $((p1 - p0)) packets sent, $((m1 - m0)) connections to the stand-in"
	fi
}

# blocked NAME ADDRESS WHY: the last run's first URL is blocked-address
# because of ADDRESS, with no socket opened
blocked() {
	expect "$1: exit status" 1
	expect_json "$1: class" '.urls[0].result' blocked-address
	expect_json "$1: no socket opened" '.urls[0].sockets_opened' 0
	expect_json "$1: the address refused" '.urls[0].blocked_addresses | join(",")' "$2"
	expect_json "$1: no address tried" '.urls[0].addresses | length' 0
	expect_json "$1: the note names the address and why" \
		".urls[0].note | test(\"not connected to $2: $3\")" true
}

# Table: name, refused address, why, the URL, extra arguments.
while IFS='|' read -r name addr why url args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	quiet_case "$name" --url "$url" $args
	blocked "$name" "$addr" "$why"
done <<TABLE
metadata IP literal|169.254.169.254|the cloud instance-metadata address, refused by default \\\\(--allow-address opens it\\\\)$|http://169.254.169.254:18090/latest/meta-data/|
metadata IP, decimal|169.254.169.254|the cloud instance-metadata address|http://2852039166:18090/|
a name that resolves to it|169.254.169.254|the cloud instance-metadata address|http://metadata.test:18090/int-ca.crt|$MAP
IPv4-mapped|::ffff:169.254.169.254|the cloud instance-metadata address|http://mapped.test:18090/|--resolve mapped.test:18090:[::ffff:169.254.169.254]
IPv6 link-local|fe80::1|IPv6 link-local \\\\(fe80::/10\\\\)|http://v6.test:18090/|--resolve v6.test:18090:[fe80::1]
IPv4 link-local|169.254.10.1|link-local \\\\(169.254.0.0/16\\\\)|http://169.254.10.1:18090/|
Alibaba Cloud|100.100.100.200|Alibaba Cloud's instance-metadata address|http://100.100.100.200/|
https|169.254.169.254|the cloud instance-metadata address|https://metadata.test:18090/|--resolve metadata.test:18090:169.254.169.254
--deny-address|127.0.0.1|it is in the denied range 127.0.0.0/8|$H/int-ca.crt|--deny-address 127.0.0.0/8
TABLE
expect_json "--deny-address: not called a refusal by default" \
	'.urls[0].note | test("refused by default") | not' true
if [ -n "$META_V6" ]; then
	quiet_case "AWS over IPv6" --url http://aws6.test:18090/ --resolve 'aws6.test:18090:[fd00:ec2::254]'
	blocked "AWS over IPv6" fd00:ec2::254 "AWS.s instance-metadata address \\\\(IPv6\\\\)"
fi
quiet_case "--deny-address wins a tie with --allow-address" --url "$H/int-ca.crt" \
	--allow-address 127.0.0.0/8 --deny-address 127.0.0.0/8
blocked "tie" 127.0.0.1 "it is in the denied range 127.0.0.0/8"
checks=$((checks + 1))
if grep -q 'GET /int-ca.crt' "$TMPD/nginx/access.log"; then
	fail "--deny-address 127.0.0.0/8: nginx was reached"
else
	echo "ok: --deny-address 127.0.0.0/8: nginx saw no request"
fi

# Every address of a name is checked: the refused one is skipped, the
# next one (loopback) is fetched.
run aiacheck --json --no-system-trust --url http://both.test:18080/int-ca.crt \
	--resolve both.test:18080:169.254.169.254,127.0.0.1
expect "two addresses: the allowed one works" 0
expect_json "two addresses: ok" '.urls[0].result' ok
expect_json "two addresses: one refused, one tried" \
	'(.urls[0].blocked_addresses | join(",")) + " " + (.urls[0].addresses | join(","))' "169.254.169.254 127.0.0.1"
expect_json "two addresses: one socket" '.urls[0].sockets_opened' 1

# On a redirect hop: the first hop is fetched from nginx, the second is
# refused; one connection in all (the kernel counts SYN-sending connects).
for target in to-metadata to-metadata-ip; do
	o0=$(tcp_opens)
	run aiacheck --json --no-system-trust $MAP --url "$H/$target"
	o1=$(tcp_opens)
	expect "redirect ($target): exit status" 1
	expect_json "redirect ($target): blocked-address" '.urls[0].result' blocked-address
	expect_json "redirect ($target): two hops, the first answered" \
		'[.urls[0].hops[] | (.status // "none" | tostring)] | join(",")' "$( [ $target = to-metadata ] && echo 302 || echo 301),none"
	expect_json "redirect ($target): the note names the hop and the address" \
		'.urls[0].note | test("^redirect to http://(metadata.test|169.254.169.254):18090/int-ca.crt: not connected to 169.254.169.254: ")' true
	expect_json "redirect ($target): one socket, to nginx" \
		'(.urls[0].sockets_opened | tostring) + " " + (.urls[0].addresses | join(","))' "1 127.0.0.1"
	checks=$((checks + 1))
	if [ $((o1 - o0)) -eq 1 ] && [ ! -s "$META_LOG" ]; then
		echo "ok: redirect ($target): one TCP connection opened in the namespace, none to the stand-in"
	else
		fail "redirect ($target): $((o1 - o0)) TCP connections opened; the stand-in saw: $(cat "$META_LOG")"
	fi
done

# Through a proxy, a URL whose host is a refused address is not sent to
# the proxy (nothing listens on 18099: a connection would be refused).
quiet_case "through a proxy" --proxy http://127.0.0.1:18099 --url http://169.254.169.254:18090/x
blocked "through a proxy" 169.254.169.254 "the cloud instance-metadata address"
expect_json "through a proxy: named" '.urls[0].proxy' http://127.0.0.1:18099

# The outputs: text (and -v), XML valid against the schema, JUnit.
run aiacheck --no-system-trust -v $MAP --url "$H/to-metadata" --junit "$TMPD/junit.xml"
expect "text: the class and the note" 1 ' blocked-address .* redirect to http://metadata\.test:18090/int-ca\.crt: not connected to 169\.254\.169\.254: '
expect "text -v: the address not connected to" 1 'not connected to: 169\.254\.169\.254$'
checks=$((checks + 1))
if xmllint --xpath 'string(//testcase/failure/@type)' "$TMPD/junit.xml" | grep -qx blocked-address &&
	xmllint --xpath 'string(//testcase/failure/@message)' "$TMPD/junit.xml" | grep -q 'not connected to 169\.254\.169\.254'; then
	echo "ok: junit: a failure of type blocked-address naming the address"
else
	rc=1; cp "$TMPD/junit.xml" "$out"; : >"$err"
	fail "junit: no blocked-address failure"
fi
run aiacheck --xml --no-system-trust $MAP --url "$H/to-metadata"
expect "xml" 1 '<result>blocked-address</result>'
checks=$((checks + 1))
if xmllint --noout --relaxng "$top_srcdir/man/aiacheck.rng" "$out" 2>"$TMPD/xmllint"; then
	echo "ok: xml: valid against aiacheck.rng"
else
	rc=1; cp "$TMPD/xmllint" "$err"
	fail "xml: not valid against aiacheck.rng"
fi

# The runtimes: .NET still fetches the certificate's caIssuers URL (which
# redirects to the metadata name); only chainkit's fetch is refused.
rt() { printf '.runtimes[] | select(.name == "%s") | %s' "$1" "$2"; }
web 'location = /int-ca.crt { return 302 http://metadata.test:18090/int-ca.crt; }'
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" $MAP "$FX/bundles/client-leaf.pem"
expect "runtime: the chain stays incomplete here" 1
expect_json "runtime: the caIssuers URL is blocked-address" \
	'.urls[] | select(.kind == "ca-issuers") | .result' blocked-address
expect_json "runtime: .NET still uses it" '.urls[] | select(.kind == "ca-issuers") | .used_by | join(",")' dotnet-linux
expect_json "runtime: .NET fetches it, the outcome unknown" \
	"$(rt dotnet-linux '.fetches[0].note | test("^.NET on Linux fetches it, outcome unknown: redirect to http://metadata.test:18090/int-ca.crt: not connected to 169.254.169.254: the cloud instance-metadata address, refused by default \\(--allow-address opens it\\)$")')" true
expect_json "runtime: the summary says so" \
	"$(rt dotnet-linux '.summary | test("from here that URL is NOT FETCHED HERE .* .NET on Linux connects there; chainkit did not")')" true
checks=$((checks + 1))
if [ ! -s "$META_LOG" ]; then echo "ok: runtime: nothing reached the stand-in"; else fail "runtime: the stand-in was reached"; fi

# --allow-address opens the range: the same requests reach the stand-in,
# which shows that the checks above would see a leak.
run aiacheck --json --no-system-trust --ca-file "$FX/pki/root-ca.crt" $MAP \
	--allow-address 169.254.0.0/16 "$FX/bundles/client-leaf.pem"
expect "--allow-address: the chain is completed" 0
expect_json "--allow-address: ok, from the stand-in" \
	'.urls[0] | .kind + " " + .result + " " + (.hops | map(.ip // "-") | join(","))' "ca-issuers ok 127.0.0.1,169.254.169.254"
checks=$((checks + 1))
if [ "$(wc -l <"$META_LOG")" -eq 1 ] && grep -q '^169\.254\.169\.254 ' "$META_LOG"; then
	echo "ok: --allow-address: the stand-in saw the connection"
else
	fail "--allow-address: the stand-in saw: $(cat "$META_LOG")"
fi
: >"$META_LOG"
# an opened address with nothing behind it: a connect attempt, refused
# at once (no route in the namespace: no packet leaves)
p0=$(packets_sent)
run aiacheck --json --no-system-trust --allow-address 169.254.0.0/16 --url http://169.254.10.1:18090/
p1=$(packets_sent)
expect "--allow-address, unreachable: exit status" 1
expect_json "--allow-address, unreachable: a connect attempt" \
	'.urls[0].result + " " + (.urls[0].sockets_opened | tostring) + " " + (.urls[0].addresses | join(","))' \
	"refused 1 169.254.10.1"
checks=$((checks + 1))
if [ "$p1" -eq "$p0" ]; then echo "ok: no route, no packet"; else fail "$((p1 - p0)) packets sent"; fi
# the longest prefix decides
run aiacheck --json --no-system-trust $MAP --allow-address 169.254.0.0/16 --deny-address 169.254.169.254 \
	--url http://metadata.test:18090/int-ca.crt
expect_json "--deny-address /32 inside --allow-address /16" '.urls[0].result' blocked-address
run aiacheck --json --no-system-trust --deny-address 10.0.0.0/8 --allow-address 127.0.0.1 --url "$H/root-ca.crt"
expect_json "private ranges and loopback stay allowed" '.urls[0].result' ok
finish
