#!/bin/sh
# Encrypted PKCS#8 keys that OpenSSL writes (PEM and DER, the PKCS#12
# PBEs and PBES2) open with the password as OpenSSL took it: ASCII, a
# password that is not UTF-8 (Latin-1 "café", bytes taken as Latin-1
# characters) and a UTF-8 one not in NFC ("cafe" + U+0301, not
# normalized).  GnuTLS alone refused the first and failed the second.
# The oracle: certconv's plain key has the public key of the original.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"
need openssl

printf 'secret\n' >"$TMPD/ascii"
printf 'caf\351\n' >"$TMPD/latin1"
printf 'cafe\314\201\n' >"$TMPD/nfd"
printf 'wrong\n' >"$TMPD/wrong"

# RC2-40 is in OpenSSL 3's legacy provider, which may be missing
schemes="pbe-3des pbes2-aes pbes2-3des-sha512"
if openssl list -provider legacy -cipher-algorithms >/dev/null 2>&1; then
	schemes="$schemes pbe-rc2-40"
else
	echo "note: OpenSSL has no legacy provider; RC2-40 not tried"
fi

for key in client ec-leaf; do
	want=$(key_pubkey "$FX/pki/$key.key")
	for scheme in $schemes; do
		case $scheme in
		pbe-3des) opts="-v1 PBE-SHA1-3DES" ;;
		pbes2-aes) opts="-v2 aes-256-cbc" ;;
		pbes2-3des-sha512) opts="-v2 des-ede3-cbc -v2prf hmacWithSHA512" ;;
		pbe-rc2-40) opts="-v1 PBE-SHA1-RC2-40 -provider legacy -provider default" ;;
		esac
		for pw in ascii latin1 nfd; do
			for form in PEM DER; do
				tag="$key/$scheme/$pw/$form"
				in="$TMPD/$key-$scheme-$pw.$form"
				# shellcheck disable=SC2086
				if ! openssl pkcs8 -topk8 $opts -in "$FX/pki/$key.key" \
					-passout "file:$TMPD/$pw" -outform "$form" -out "$in" 2>"$TMPD/err"; then
					failures=$((failures + 1)); checks=$((checks + 1))
					echo "FAIL: $tag: openssl pkcs8 could not write the key: $(head -1 "$TMPD/err")"
					continue
				fi
				run certconv --to pem --password-file "$TMPD/$pw" "$in" -o "$TMPD/out.pem"
				expect "$tag: opens" 0
				check "$tag: the same key" "$(key_pubkey "$TMPD/out.pem")" "$want"
				rm -f "$TMPD/out.pem"
			done
		done
		run certconv --to pem --password-file "$TMPD/wrong" "$in" -o "$TMPD/out.pem"
		expect "$key/$scheme: wrong password" 4 '' 'wrong password'
		no_file "$key/$scheme: nothing written with a wrong password" "$TMPD/out.pem"
	done
done
finish
