#!/bin/sh
# seeds.sh TARGET DIR — write the seed corpus of harness fuzz-TARGET into
# DIR, from the fixtures: each harness's input layout (fuzz/fuzz-TARGET.c,
# its header comment) is built around the fixture's bytes, so that
# libFuzzer starts from inputs that reach deep into the parser.
#
#   top_srcdir   the source tree (default: this script's ..)
#
# A fixture F with a password file F.pass becomes "\001" <len> <pass> F
# (fuzz.h's header); without one, "\000" F.  Seed names are the fixture
# paths with / replaced by _, so a seed says where it came from.
set -eu

target=${1:?usage: seeds.sh TARGET DIR}
out=${2:?usage: seeds.sh TARGET DIR}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
fx=$top_srcdir/fixtures
mkdir -p "$out"

name() { # name FIXTURE [SUFFIX]
	echo "$1${2:-}" | sed "s|^$fx/||; s|/|_|g"
}

# byte N: one octet with value N (0..255)
byte() {
	printf "\\$(printf '%03o' "$1")"
}

# header FILE [FLAGS]: fuzz.h's header for FILE (its .pass if any)
header() {
	flags=${2:-0}
	if [ -f "$1.pass" ]; then
		byte $((flags | 1))
		byte "$(wc -c <"$1.pass")"
		cat "$1.pass"
	else
		byte "$flags"
	fi
}

# with_header FILE [FLAGS [SUFFIX]]
with_header() {
	{ header "$1" "${2:-0}"; cat "$1"; } >"$out/$(name "$1" "${3:-}")"
}

# with_byte BYTE FILE [SUFFIX]: one selector byte, then FILE
with_byte() {
	{ byte "$1"; cat "$2"; } >"$out/$(name "$2" "${3:-}")"
}

files() { # files GLOB... : the fixtures that exist, no .pass files
	for f in "$@"; do
		case $f in *.pass) continue ;; esac
		[ -f "$f" ] && echo "$f"
	done
	return 0
}

# The content of a ContentInfo's [0] (the SignedData of a .p7b/.p7c):
# DER walked here with od, as the harness wraps it again.
signed_data() {
	# skip the outer SEQUENCE header, the OID TLV and the [0] header
	python3 - "$1" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
def hdr(p):
    t = p + 1
    l = d[t]
    if l < 0x80:
        return t + 1, l
    if l == 0x80:
        return t + 1, None
    n = l & 0x7f
    return t + 1 + n, int.from_bytes(d[t + 1:t + 1 + n], 'big')
p, _ = hdr(0)           # SEQUENCE
q, l = hdr(p)           # OID
p = q + l
p, l = hdr(p)           # [0]
body = d[p:p + l] if l is not None else d[p:len(d) - 4]
sys.stdout.buffer.write(body)
EOF
}

# glued FLAGS: PEM blocks that start mid-line (pem-glued-blocks): a
# certificate without its final newline, then another, then a key
glued() {
	{ byte "$1"; head -c -1 "$fx/pki/client.crt"; head -c -1 "$fx/pki/int-ca.crt"
	  printf ' text '; cat "$fx/pki/client.key"; } >"$out/glued-client-int-ca-key.pem"
}

# The chain harness's validation options (flags 0x30, fuzz-chain.c): the
# chains of fixtures/validate with their root, anchored at it (0x08),
# under each profile, with policies, a depth limit, and the CRLs as PEM
# blocks in the bundle (revocation on, required, --explain).
# vseed NAME A B CERT... [-- CRL...]
vseed() {
	vname=$1 va=$2 vb=$3
	shift 3
	{
		byte 56
		byte "$va"
		byte "$vb"
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			cat "$fx/validate/$1.crt"
			shift
		done
		[ $# -gt 0 ] && shift
		for c in "$@"; do
			echo "-----BEGIN X509 CRL-----"
			base64 -w 64 "$fx/validate/$c.crl"
			echo "-----END X509 CRL-----"
		done
	} >"$out/validate_$vname"
}
validate_seeds() {
	for p in 0 1 2; do
		vseed "good.p$p" "$p" 31 good ca root
		vseed "v1leaf.p$p" "$p" 15 v1leaf ca root
		vseed "nc-cnonly.p$p" "$p" 15 nc-cnonly ca-nc root
	done
	vseed revoked 224 15 revoked ca root -- ca root
	vseed expired-crl 96 15 good ca root -- ca-expired root
	vseed policy1 4 79 pol-leaf ca-pol root
	vseed policy3 28 207 pol-leaf ca-pol root
	vseed depth1 0 1 deep ca-sub ca root
	vseed pathlen 2 15 pl0-si-leaf ca-pl0-si ca-pl0 root
	vseed backtrack 128 15 good ca-samekey-noku ca root
	vseed dupext 2 15 dupext ca root
	vseed ekuserver 0 31 ekuserver-client ca-ekuserver root
	vseed emptyissuer 130 15 emptyissuer ca-emptysubj root
}

# big_crl CRL N: the DER CRL with N more entries in revokedCertificates
# (lengths re-encoded; the signature is kept, so it no longer verifies)
big_crl() {
	python3 - "$1" "$2" <<'EOF'
import sys
def tlv(tag, body):
    n = len(body)
    if n < 128:
        return bytes([tag, n]) + body
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag, 0x80 | len(b)]) + b + body
def parse(d, i):
    l = d[i + 1]
    j = i + 2
    if l & 0x80:
        k = l & 0x7f
        l = int.from_bytes(d[j:j + k], 'big')
        j += k
    return d[i], j, j + l
crl = open(sys.argv[1], 'rb').read()
_, s, e = parse(crl, 0)
_, ts, te = parse(crl, s)
elems, i = [], ts
while i < te:
    t, bs, be = parse(crl, i)
    elems.append((t, crl[i:be], crl[bs:be]))
    i = be
extra = b''.join(tlv(0x30, tlv(0x02, (0x10000 + k).to_bytes(3, 'big')) +
                     tlv(0x17, b'210101000000Z')) for k in range(int(sys.argv[2])))
out, times, done = b'', 0, False
for t, whole, body in elems:
    if t in (0x17, 0x18):
        times += 1
    elif t == 0x30 and times and not done:
        whole, done = tlv(0x30, body + extra), True
    elif t == 0xa0 and not done:
        out, done = out + tlv(0x30, extra), True
    out += whole
if not done:
    out += tlv(0x30, extra)
sys.stdout.buffer.write(tlv(0x30, tlv(0x30, out) + crl[te:e]))
EOF
}

case $target in
load|chain|aialist|audit|convert)
	for f in $(files "$fx"/pki/*.crt "$fx"/pki/*.der "$fx"/bundles/* "$fx"/p12/* \
		"$fx"/demo/* "$fx"/stores/*.* "$fx"/bad/* "$fx"/aia/*.p7c); do
		with_header "$f" 4
	done
	# issue 27: a chain whose CA has otherName name constraints, anchored
	# at its own root (flag 0x08) so that the constraints are checked
	if [ "$target" = chain ]; then
		with_header "$fx"/nc/othername-chain.pem 8
		validate_seeds
	fi
	glued 4
	;;
pem)
	for f in $(files "$fx"/pki/*.crt "$fx"/pki/*.key "$fx"/bundles/*.pem "$fx"/bad/*.pem \
		"$fx"/stores/old.pem); do
		with_header "$f"
	done
	glued 0
	;;
base64)
	# flag 0x04 clear: width byte, then the DER the harness encodes
	for f in $(files "$fx"/pki/client.der "$fx"/pki/int-ca.der "$fx"/bundles/client-chain.p7b \
		"$fx"/bundles/key-pkcs8.der "$fx"/p12/modern.pfx "$fx"/p12/nocrypt.pfx); do
		{ header "$f"; byte 16; cat "$f"; } >"$out/$(name "$f" .w64)"
		{ header "$f"; byte 147; cat "$f"; } >"$out/$(name "$f" .w76crlf)"
	done
	# flag 0x04: the text as it is
	for f in $(files "$fx"/bundles/*.b64); do
		with_header "$f" 4
	done
	;;
pkcs12)
	for f in $(files "$fx"/p12/* "$fx"/demo/client.pfx "$fx"/stores/*.p12 "$fx"/bad/*.pfx); do
		with_header "$f"
	done
	;;
pkcs7)
	for f in $(files "$fx"/bundles/client-chain.p7b "$fx"/bundles/client-chain.p7c \
		"$fx"/aia/int-ca.p7c); do
		{ header "$f"; signed_data "$f"; } >"$out/$(name "$f")"
		{ header "$f" 8; signed_data "$f"; } >"$out/$(name "$f" .pem)"
	done
	f=$fx/bundles/client-chain-ber.p7b
	{ header "$f" 4; signed_data "$f"; } >"$out/$(name "$f")"
	;;
key)
	for f in $(files "$fx"/pki/*.key "$fx"/bundles/key-*.pem); do
		with_header "$f" 4
	done
	for f in $(files "$fx"/bundles/key-*.der); do
		with_header "$f"
	done
	# encrypted PKCS#8 DER, also through ck_key_from_encrypted_pkcs8
	for f in $(files "$fx"/bundles/key-enc-*.der); do
		with_header "$f" 8 .p8
	done
	;;
jks)
	for f in $(files "$fx"/stores/*.jks "$fx"/stores/*.jceks "$fx"/stores/bad/*.jks); do
		with_header "$f"
	done
	;;
cert)
	for f in $(files "$fx"/pki/*.der); do
		cp "$f" "$out/$(name "$f")"
	done
	;;
url)
	n=0
	for u in 'http://127.0.0.1:18081/int-ca.der' 'https://ca.example.test/ca.crt' \
		'ldap://ldap.example.test/cn=CA,o=Test?cACertificate;binary' \
		'ldaps://[::1]:636/o=x?certificateRevocationList' 'http://[::1]/ocsp' \
		' http://x.test/a b ' 'file:///etc/ssl/ca.crt' 'http://user@host:99999/' \
		'HTTP://EXAMPLE.TEST/%zz' 'http://xn--nxasmq6b.test/'; do
		n=$((n + 1))
		{ byte 15; printf '%s' "$u"; byte 0; printf '%s' 'localhost,.example.test,10.0.0.0/8,::1'
		  byte 0; printf '0\003\002\001\000'; } >"$out/url-$n"
	done
	;;
crl)
	for f in $(files "$fx"/pki/*.crl "$fx"/aia/*.crl); do
		with_byte 0 "$f"
		with_byte 1 "$f" .sel1
	done
	# a CRL whose revokedCertificates is over 16 KiB, so that
	# ck_crl_check reads it the lean way (libcore/revocation.c): int-ca's
	# CRL with 1,000 more entries (its signature no longer verifies)
	{ byte 0; big_crl "$fx/pki/int-ca.crl" 1000; } >"$out/int-ca-big.crl"
	;;
crlset)
	# flags: certificate 0..7, 0x08 ca.crl too, 0x10 its delta too, 0x20 sign again
	for f in $(files "$fx"/crl/*.crl "$fx"/crl/several.pem); do
		{ byte 1; byte 0; cat "$f"; } >"$out/$(name "$f" .revoked)"
		{ byte 56; byte 0; cat "$f"; } >"$out/$(name "$f" .good-resign-all)"
		{ byte 35; byte 1; cat "$f"; } >"$out/$(name "$f" .delta-resign-2020)"
		{ byte 5; byte 2; cat "$f"; } >"$out/$(name "$f" .ca-2011)"
	done
	;;
ocsp)
	for f in $(files "$fx"/aia/ocsp-*.der "$fx"/asn1/ocsp-resp.der); do
		with_byte 0 "$f"
		with_byte 1 "$f" .sel1
	done
	;;
ocspserve)
	# a request POSTed (plain, stale, revoked), as a GET's base64, and
	# index.txt files
	for f in $(files "$fx"/asn1/ocsp-req.der); do
		with_byte 0 "$f"
		with_byte 1 "$f" .stale
		with_byte 2 "$f" .revoked
		{ byte 4; base64 -w0 "$f"; } >"$out/$(name "$f" .get)"
	done
	for f in $(files "$fx"/pki/int-ca.index.txt); do
		with_byte 8 "$f"
	done
	;;
issuer)
	for f in $(files "$fx"/pki/int-ca.der "$fx"/pki/root-ca.crt "$fx"/pki/ec-int.der \
		"$fx"/aia/int-ca.p7c "$fx"/bundles/client-chain.pem); do
		with_byte 0 "$f"
	done
	f=$fx/pki/int-ca.der
	{ byte 1; printf 'DN: cn=CA,o=Test\n\tcACertificate;binary:: '
	  base64 -w0 "$f"; printf '\n\n'; } >"$out/ldap-int-ca"
	;;
report)
	# template documents (bit 7 clear) and built ones (bit 7 set)
	i=0
	while [ $i -lt 8 ]; do
		{ byte $i; head -c 512 "$fx/bad/random.bin"; } >"$out/template-$i"
		{ byte $((i | 96)); printf '\377\377\377\377\377\377\377\377\033[31m\n\r\001\377\376'; } \
			>"$out/odd-$i"
		i=$((i + 1))
	done
	{ byte 128; head -c 256 "$fx/bad/random.bin"; } >"$out/built"
	;;
der)
	for f in $(files "$fx"/asn1/* "$fx"/pki/*.der "$fx"/pki/*.crt "$fx"/pki/*.crl \
		"$fx"/aia/* "$fx"/bundles/*.b64 "$fx"/bundles/client-chain-ber.p7b "$fx"/bad/*); do
		with_byte 16 "$f"
	done
	for f in $(files "$fx"/pki/client.der "$fx"/pki/int-ca.crl "$fx"/aia/ocsp-good.der \
		"$fx"/p12/modern.pfx); do
		with_byte 34 "$f" .t0-strict
		with_byte 7 "$f" .flat
	done
	;;
nc)
	# each leaf of fixtures/nc with its CA's constraints, in fuzz-nc.c's
	# layout (flags, then NameConstraints, subject, subjectAltName, each
	# with a 2-byte length); the self-issued one with flag 0x02
	python3 - "$fx/nc" "$out" <<'EOF'
import os, sys
src, out = sys.argv[1], sys.argv[2]
def tlv(d, p):
    l = d[p + 1]
    if l < 0x80:
        return d[p], 2, l
    n = l & 0x7f
    return d[p], 2 + n, int.from_bytes(d[p + 2:p + 2 + n], 'big')
def children(d, p, end):
    while p < end:
        t, h, l = tlv(d, p)
        yield t, p, h, l
        p += h + l
def parts(path):
    d = open(path, 'rb').read()
    _, h, l = tlv(d, 0)
    _, th, tl = tlv(d, h)
    fields = list(children(d, h + th, h + th + tl))
    if fields[0][0] == 0xa0:
        fields = fields[1:]
    t, p, fh, fl = fields[4]
    subject = d[p:p + fh + fl]
    ext = {}
    for t, p, fh, fl in fields[6:]:
        if t != 0xa3:
            continue
        _, sh, sl = tlv(d, p + fh)
        for _, ep, eh, el in children(d, p + fh + sh, p + fh + sh + sl):
            items = list(children(d, ep + eh, ep + eh + el))
            oid = d[items[0][1] + 2:items[0][1] + 2 + items[0][3]]
            v = items[-1]
            ext[oid.hex()] = d[v[1] + v[2]:v[1] + v[2] + v[3]]
    return subject, ext
def field(b):
    return len(b).to_bytes(2, 'big') + b
cas = sorted((f[:-4] for f in os.listdir(src) if f.count('-') == 1 and f.startswith('ca-')),
             key=len, reverse=True)
for f in sorted(os.listdir(src)):
    if not f.endswith('.der') or f.count('-') < 2:
        continue
    ca = next(c for c in cas if f.startswith(c + '-'))
    nc = parts(os.path.join(src, ca + '.der'))[1]['551d1e']
    subject, ext = parts(os.path.join(src, f))
    flags = 2 if 'selfissued' in f else 0
    with open(os.path.join(out, 'nc_' + f[:-4]), 'wb') as o:
        o.write(bytes([flags]) + field(nc) + field(subject) + field(ext.get('551d11', b'')))
EOF
	;;
csr)
	# the request of the fixtures as DER and PEM (both labels, a name
	# for the document, a certificate beside it); requests built by the
	# harness (flag 0x80): a CN, subjectAltNames of each kind, an O,
	# keyUsage, basicConstraints, an extension of a chosen OID, signed
	# with Ed25519, with EC P-256 as PEM
	f=$fx/bad/client.csr
	with_byte 0 "$f"
	{ byte 0; echo "-----BEGIN CERTIFICATE REQUEST-----"; base64 -w 64 "$f"
	  echo "-----END CERTIFICATE REQUEST-----"; } >"$out/$(name "$f" .pem)"
	{ byte 1; byte 8; printf 'req\033[1m\n'; echo "-----BEGIN NEW CERTIFICATE REQUEST-----"
	  base64 -w 76 "$f"; echo "-----END NEW CERTIFICATE REQUEST-----"; } >"$out/$(name "$f" .new.pem)"
	{ byte 0; echo "-----BEGIN CERTIFICATE REQUEST-----"; base64 -w 64 "$f"
	  echo "-----END CERTIFICATE REQUEST-----"; cat "$fx/pki/client.crt"; } >"$out/$(name "$f" .with-cert.pem)"
	for flags in 128 230; do
		{ byte "$flags"; byte 19; printf 'client.example.test'
		  byte 0; byte 13; printf 'a.e\033[31m.test'
		  byte 1; byte 10; printf 'me@x.test\r'
		  byte 2; byte 15; printf 'http://x.test/\001'
		  byte 3; byte 4; printf '\177\000\000\001'
		  byte 4; byte 5; printf 'Org\nX'
		  byte 5; byte 2; printf '\240\000'
		  byte 14; byte 0
		  byte 191; byte 5; printf '\004\003a\033b'; } >"$out/built-$flags"
	done
	;;
emit)
	# each template alone, as it is (certaudit: 6 files, sorted by name;
	# aiacheck: error, fetch, list), then four documents with values from
	# random bytes, incomplete, the audit policy, a URL set
	t=0
	while [ $t -lt 6 ]; do
		{ byte 0; byte 0; byte $t; } >"$out/certaudit-$t"
		{ byte 112; byte 3; byte $t; head -c 768 "$fx/bad/random.bin"; } >"$out/certaudit-odd-$t"
		t=$((t + 1))
	done
	t=0
	while [ $t -lt 3 ]; do
		{ byte 128; byte 0; byte $t; } >"$out/aiacheck-$t"
		{ byte 192; byte 3; byte $((t | 128)); head -c 768 "$fx/bad/random.bin"; } >"$out/aiacheck-odd-$t"
		t=$((t + 1))
	done
	;;
policy)
	cp "$fx/audit/policy.conf" "$out/audit_policy.conf"
	cp "$top_srcdir/fuzz/templates/policy-default.conf" "$out/default.conf"
	printf 'purpose = client\nwarn-days=1\r\nforbidden-hashes = none\nseverity.weak-key = off # x\n' \
		>"$out/mixed.conf"
	;;
certpol)
	# each chain of fixtures/certpol (a name A_B is B issued by A: the
	# path is every prefix of the name), as the harness lays it out; the
	# PKITS-like settings (explicit policy, an initial set) on every other
	python3 - "$fx/certpol" "$out" <<'EOF'
import os, sys
src, out = sys.argv[1:]
def tlv(d, p):  # (tag, start of content, end)
    n = d[p + 1]
    if n < 0x80:
        return d[p], p + 2, p + 2 + n
    k = n & 0x7f
    return d[p], p + 2 + k, p + 2 + k + int.from_bytes(d[p + 2:p + 2 + k], 'big')
def record(der):
    _, c, _ = tlv(der, 0)
    _, p, end = tlv(der, c)              # tbsCertificate
    fields = []
    while p < end:
        t, s, e = tlv(der, p)
        fields.append((t, s, e, der[p:e]))
        p = e
    if fields[0][0] == 0xa0:
        fields = fields[1:]
    issuer, subject = fields[2][3], fields[4][3]
    exts = {}
    for t, s, e, _ in fields:
        if t != 0xa3:
            continue
        _, p, end = tlv(der, s)
        while p < end:
            _, q, ext_end = tlv(der, p)
            _, os_, oe = tlv(der, q)
            oid = der[os_:oe]
            q = oe
            crit = False
            if der[q] == 0x01:
                crit = der[q + 2] != 0
                q = tlv(der, q)[2]
            _, vs, ve = tlv(der, q)
            exts[oid] = (crit, der[vs:ve])
            p = ext_end
    b = 0x01 if issuer == subject else 0
    body = b''
    for bit, last in ((0x02, 0x20), (0x08, 0x21), (0x10, 0x24), (0x20, 0x36)):
        key = bytes([0x55, 0x1d, last])
        if key in exts:
            crit, v = exts[key]
            b |= bit | (0x04 if bit == 0x02 and crit else 0)
            body += len(v).to_bytes(2, 'big') + v
    return bytes([b]) + body
names = sorted(f[:-4] for f in os.listdir(src) if f.endswith('.der') and f != 'root.der')
for i, name in enumerate(names):
    parts = name.split('_')
    path = ['_'.join(parts[:k + 1]) for k in range(len(parts))]
    recs = b''.join(record(open(os.path.join(src, p + '.der'), 'rb').read()) for p in path)
    head = b'\x00' if i % 2 == 0 else b'\x09\x01\x00\x01'  # explicit, initial {P1, P2}
    open(os.path.join(out, 'certpol_' + name), 'wb').write(head + recs)
EOF
	;;
*)
	echo "seeds.sh: unknown harness '$target'" >&2
	exit 2
	;;
esac
