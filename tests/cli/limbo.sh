#!/bin/sh
# x509-limbo: the cases of fixtures/limbo/cases (a handful of C2SP/x509-limbo
# test cases, Apache-2.0, see its README.md) through chainview with their
# trust anchors only, the case's profile and host name.  A case passes when
# .chain.valid is limbo's verdict and, for an invalid one, the finding that
# says why is the expected one.  The whole suite is run by hand with
# fixtures/limbo/run.py.
. "$top_srcdir/tests/lib.sh"
need jq

L="$FX/limbo/cases"
TAB=$(printf '\t')

# the error finding each invalid case must have (the variable is not
# "name": expect() of tests/lib.sh sets that one)
want_code() {
	case $1 in
	rfc5280.eku.ee-eku-empty) echo malformed-certificate ;;
	rfc5280.ee-critical-aia-invalid) echo extension-misuse ;;
	rfc5280.nc.not-allowed-in-ee-*) echo extension-misuse ;;
	rfc5280.unknown-critical-extension-ee) echo unsupported-critical-extension ;;
	webpki.ee-basicconstraints-ca) echo leaf-is-ca ;;
	*) echo - ;;
	esac
}

n=0
while IFS=$TAB read -r cname id profile host valid; do
	case $cname in '#'* | '') continue ;; esac
	n=$((n + 1))
	set -- --json --no-system-trust --ca-file "$L/$cname.ca.pem" --profile "$profile"
	[ "$host" != - ] && set -- "$@" --hostname "$host"
	run chainview "$@" "$L/$cname.pem"
	if [ "$valid" = true ]; then
		expect "$id: exit status" 0
		expect_json "$id: valid" '.chain.valid' true
	else
		expect "$id: exit status" 1
		expect_json "$id: not valid" '.chain.valid' false
		code=$(want_code "$cname")
		expect_json "$id: $code" \
			"[.findings[] | select(.severity == \"error\") | .code] | index(\"$code\") != null" true
	fi
done <"$L/cases.tsv"
checks=$((checks + 1))
if [ "$n" -ne 9 ]; then
	fail "fixtures/limbo/cases/cases.tsv has $n cases, expected 9"
else
	echo "ok: 9 cases"
fi
finish
