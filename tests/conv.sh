# tests/conv.sh — sourced (after lib.sh) by the conversion tool tests.
# The oracles are OpenSSL, GnuTLS certtool and Java keytool.
#
# fingerprints FILE         SHA-256 fingerprints (lowercase hex) of the PEM
#                           certificates in FILE, in order, one per line
# fp NAME...                the same for fixtures/pki/NAME.crt, in that order
# cert_pubkey FILE          SHA-256 of the public key of the first
#                           certificate in FILE (PEM)
# key_pubkey FILE [PASS]    SHA-256 of the public key of the first private
#                           key in FILE (PEM, encrypted with PASS if given)
# check NAME GOT WANT       one check: GOT equals WANT (both non-empty)
# no_file NAME PATH         one check: PATH does not exist
# dir_count DIR             number of entries in DIR (dot files included)

fingerprints() {
	awk -v dir="$TMPD" '
		/^-----BEGIN CERTIFICATE-----/ { n++; f = sprintf("%s/fp.%d.pem", dir, n); on = 1 }
		on { print > f }
		/^-----END CERTIFICATE-----/ { on = 0; close(f) }
		END { print n + 0 > (dir "/fp.count") }' "$1"
	n=$(cat "$TMPD/fp.count")
	i=1
	while [ "$i" -le "$n" ]; do
		openssl x509 -in "$TMPD/fp.$i.pem" -noout -fingerprint -sha256 |
			sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
		rm -f "$TMPD/fp.$i.pem"
		i=$((i + 1))
	done
}

fp() {
	for name in "$@"; do
		openssl x509 -in "$FX/pki/$name.crt" -noout -fingerprint -sha256 |
			sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
	done
}

cert_pubkey() {
	openssl x509 -in "$1" -noout -pubkey 2>/dev/null | openssl pkey -pubin -outform DER 2>/dev/null |
		sha256sum | cut -d' ' -f1
}

key_pubkey() {
	if [ $# -gt 1 ]; then
		openssl pkey -in "$1" -passin "pass:$2" -pubout -outform DER 2>/dev/null
	else
		openssl pkey -in "$1" -pubout -outform DER 2>/dev/null
	fi | sha256sum | cut -d' ' -f1
}

# the SHA-256 of nothing: what the two above give when they fail
EMPTY_SHA=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

check() {
	checks=$((checks + 1))
	if [ -n "$2" ] && [ "$2" != "$EMPTY_SHA" ] && [ "$2" = "$3" ]; then
		echo "ok: $1"
	else
		failures=$((failures + 1))
		echo "FAIL: $1"
		echo "  got:  $(printf '%s' "$2" | tr '\n' ' ')"
		echo "  want: $(printf '%s' "$3" | tr '\n' ' ')"
	fi
}

no_file() {
	checks=$((checks + 1))
	if [ -e "$2" ]; then
		failures=$((failures + 1))
		echo "FAIL: $1: $2 exists"
	else
		echo "ok: $1 (nothing left behind)"
	fi
}

dir_count() {
	ls -A "$1" | wc -l | tr -d ' '
}

# expect_quiet_stdout NAME: the last run wrote nothing on stdout
expect_quiet_stdout() {
	checks=$((checks + 1))
	if [ -s "$out" ]; then
		failures=$((failures + 1))
		echo "FAIL: $1: unexpected output on stdout"
	else
		echo "ok: $1 (nothing on stdout)"
	fi
}
