#!/bin/sh
# aiacheck and LDAP URLs (Active Directory Certificate Services publishes
# them first): fetched with libcurl's LDAP support from a real slapd, the
# binary attribute values checked like any caIssuers or CRL answer.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq
need_servers nginx slapd slapadd
[ -r /etc/ldap/schema/core.schema ] || skip "the OpenLDAP core schema is not installed"
run aiacheck --json --list --no-system-trust --url ldap://127.0.0.1:18389/cn=int
[ "$(json '.urls[0].result')" = null ] || skip "this libcurl has no LDAP support ($(json '.urls[0].note'))"

www_setup
web
ldap_start
CA="--no-system-trust --ca-file $FX/pki/root-ca.crt"
L=ldap://127.0.0.1:18389

# shellcheck disable=SC2086
run aiacheck --json $CA --as java-aia "$FX/pki/multi-aia-leaf.crt"
expect "ldap: exit 0" 0
expect_json "ldap caIssuers: the issuer" ".urls[] | select(.url == \"$L/cn=int\") | .result + \" \" + (.content.issued_certificate|tostring)" "ok true"
expect_json "ldap caIssuers: the value is DER" ".urls[] | select(.url == \"$L/cn=int\") | .content.format" der
expect_json "ldap caIssuers: timed" ".urls[] | select(.url == \"$L/cn=int\") | .timings.total > 0" true
expect_json "ldap CRL: checked, signature too" ".urls[] | select(.url == \"$L/cn=int-crl\") | .result + \" \" + (.content.signature_verified|tostring)" "ok true"
expect_json "Java fetches the issuer over LDAP first" '.runtimes[0].fetches[0] | .address + " " + (.success|tostring)' "$L/cn=int true"
expect_json "the issuer came from LDAP" '.certificates[1].origin' "$L/cn=int"

# the wrong certificate in the directory
ldap_stop
ldap_start "$FX/pki/other-root.der"
# shellcheck disable=SC2086
run aiacheck --json $CA "$FX/pki/multi-aia-leaf.crt"
expect_json "ldap caIssuers: wrong-issuer" ".urls[] | select(.url == \"$L/cn=int\") | .result" wrong-issuer

# --url with an LDAP URL (only the cn attribute)
# shellcheck disable=SC2086
run aiacheck --json $CA --url "$L/cn=int?cn"
expect_json "--url ldap: answered" '.urls[0].result' ok
finish
