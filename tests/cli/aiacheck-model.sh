#!/bin/sh
# aiacheck --as all: the runtime model, one row per runtime (does it
# fetch, how many, its time budget, what it does when a fetch fails, and
# the stall the measured results predict), from a real loopback server
# (aiaserve): a dropped caIssuers URL (the origin story) and a chain three
# fetches deep (.NET 11 stops after two).  JSON and XML validated.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq openssl xmllint

rt() { printf '.runtimes[] | select(.name == "%s") | %s' "$1" "$2"; }

# R (trusted) -> I1 -> I2 -> I3 -> L: each issuer only at its AIA URL,
# served by aiaserve on the port the URLs name; D: a leaf of I1 whose
# caIssuers URL (I1 again, as /int.crt) is dropped
WWW="$TMPD/serve"
mkdir "$WWW"
cd "$TMPD" || exit 1
mk() { # NAME SUBJECT ISSUER CA AIA-URL
	printf 'basicConstraints=critical,CA:%s\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' "$4" >"$1.ext"
	[ -n "$5" ] && printf 'authorityInfoAccess=caIssuers;URI:%s\n' "$5" >>"$1.ext"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
		-subj "/CN=$2" 2>/dev/null &&
		openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 36500 \
			-extfile "$1.ext" -out "$1.pem" 2>/dev/null &&
		openssl x509 -in "$1.pem" -outform DER -out "$WWW/model-$1.crt"
}
{ openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout R.key -out R.pem \
	-subj "/CN=model root" -days 36500 -addext basicConstraints=critical,CA:true 2>/dev/null &&
	mk I1 "model int 1" R true "" &&
	mk I2 "model int 2" I1 true http://127.0.0.1:18080/model-I1.crt &&
	mk I3 "model int 3" I2 true http://127.0.0.1:18080/model-I2.crt &&
	mk L "model leaf" I3 false http://127.0.0.1:18080/model-I3.crt &&
	cp "$WWW/model-I1.crt" "$WWW/int.crt"; } || skip "openssl cannot make the certificates here"
aia_start "$WWW" --listen 127.0.0.1:18080 --fault /int.crt=drop
mk D "model dropped leaf" I1 false "$(aia_url /int.crt)" || skip "openssl cannot make the certificates here"
cd - >/dev/null || exit 1
CA="--no-system-trust --ca-file $TMPD/R.pem $CK_NET_SLACK"

# the origin story: the issuer's URL is dropped
# shellcheck disable=SC2086
run aiacheck --json --as all --connect-timeout 1 $CA "$TMPD/D.pem"
expect "dropped: problems" 1
expect_json "every runtime has a row" '[.runtimes[].name] | sort | join(",")' \
	android,chrome,dotnet-linux,dotnet11-linux,firefox,go,java,java-aia,openssl,windows
expect_json ".NET: the predicted stall" "$(rt dotnet-linux .stall)" \
	"dropped: 15 s (the chain build's whole budget) per new connection; HttpClient gives up at 100 s (TaskCanceledException)"
expect_json ".NET 11: the same budget" "$(rt dotnet11-linux .stall)" \
	"dropped: 15 s (the chain build's whole budget) per new connection; HttpClient gives up at 100 s (TaskCanceledException)"
expect_json "Java with enableAIAcaIssuers: 15 s, remembered 30 s" "$(rt java-aia .stall)" \
	"dropped: 15 s per validation, the failure remembered 30 s"
expect_json "Windows: 15 s per URL" "$(rt windows .stall)" "dropped: 15 s per new connection"
expect_json "Chrome: 10 s per URL" "$(rt chrome .stall)" "dropped: 10 s per new connection"
for n in go android firefox openssl java; do
	expect_json "$n: never fetches" "$(rt $n '.stall + " " + (.model.fetches|tostring) + " " + (.fetches|length|tostring)')" \
		"none: it never fetches false 0"
done
expect_json "Firefox: its preload named" "$(rt firefox '.summary | test("preloads")')" true
expect_json "the model carries its sources" '[.runtimes[].model.sources | length > 0] | all' true
expect_json ".NET: the 60 s cap in the budget words" "$(rt dotnet-linux '.model.budget | test("60 s")')" true
expect_json "Java: the condition" "$(rt java-aia .model.condition)" "-Dcom.sun.security.enableAIAcaIssuers=true"
# shellcheck disable=SC2086
run aiacheck --as all --connect-timeout 1 $CA "$TMPD/D.pem"
expect "text: the model table" 1 '^Runtime model \(fetches · budget · on failure · stall from here\):$'
expect "text: one row per runtime" 1 '^  dotnet-linux    the first http caIssuers URL .* · dropped: 15 s \(the chain build.s whole budget\) per new connection; HttpClient gives up at 100 s'
expect "text: a runtime that never fetches" 1 '^  go              none: it never fetches · none · '
checks=$((checks + 1))
if [ "$(sed -n '/^Runtime model/,/^$/p' "$out" | grep -c '^  [a-z]')" -eq 10 ]; then echo "ok: ten rows"; else fail "not ten model rows"; fi
# shellcheck disable=SC2086
run aiacheck --as dotnet-linux --connect-timeout 1 $CA "$TMPD/D.pem"
checks=$((checks + 1))
if ! grep -q '^Runtime model' "$out"; then echo "ok: one runtime, no table"; else fail "a model table for one runtime"; fi

# three fetches deep: .NET completes it, .NET 11 stops after two
# shellcheck disable=SC2086
run aiacheck --json --as dotnet-linux --as dotnet11-linux $CA "$TMPD/L.pem"
expect "three deep: .NET 11 leaves it incomplete" 1
expect_json ".NET: three fetches, complete" "$(rt dotnet-linux '(.fetches|length|tostring) + " " + (.complete|tostring)')" "3 true"
expect_json ".NET 11: two fetches, incomplete" "$(rt dotnet11-linux '(.fetches|length|tostring) + " " + (.complete|tostring)')" "2 false"
expect_json ".NET 11: says it stopped at its limit" "$(rt dotnet11-linux '.summary | test("stops at its limit")')" true

for args in "--as all --connect-timeout 1 $TMPD/D.pem" "--as all --list $TMPD/L.pem"; do
	# shellcheck disable=SC2086
	run aiacheck --xml $CA $args
	checks=$((checks + 1))
	if xmllint --noout --relaxng "$top_srcdir/man/aiacheck.rng" "$out" 2>"$TMPD/xmllint"; then
		echo "ok: XML valid ($args)"
	else
		cat "$TMPD/xmllint"; fail "XML does not validate ($args)"
	fi
done
# shellcheck disable=SC2086
run aiacheck --as nosuch $CA "$TMPD/D.pem"
expect "--as: an unknown runtime" 2 '' "--as takes dotnet-linux, dotnet11-linux, windows, java, java-aia, chrome, firefox, go, android, openssl or all, not 'nosuch'"
finish
