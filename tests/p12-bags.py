#!/usr/bin/env python3
"""Write a PKCS#12 file of many shrouded key bags, for the key-derivation
budget tests.

    p12-bags.py OUT EPKI COUNT PASSWORD MAC_ITERATIONS
    p12-bags.py --epki OUT PLAINTEXT PASSWORD


EPKI is a DER EncryptedPrivateKeyInfo (openssl pkcs8 -topk8 -outform DER,
made with the iteration count wanted); OUT gets one SafeContents of COUNT
pkcs8ShroudedKeyBags holding it, in one unencrypted ContentInfo, with an
HMAC-SHA256 MAC (RFC 7292 appendix B key derivation) at MAC_ITERATIONS.
No tool writes such a file; stdlib only.

--epki writes to OUT a DER EncryptedPrivateKeyInfo (PBES2: PBKDF2 with
HMAC-SHA256, 2048 iterations, AES-256-CBC) whose plaintext is the bytes
of the file PLAINTEXT, whatever they are: openssl pkcs8 -topk8 encrypts
only keys it can read.  The cipher is `openssl enc`'s.
"""
import hashlib
import hmac
import os
import subprocess
import sys


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def seq(*xs):
    return tlv(0x30, b"".join(xs))


def integer(n):
    return tlv(0x02, n.to_bytes(n.bit_length() // 8 + 1, "big"))


def oid(dotted):
    p = [int(x) for x in dotted.split(".")]
    out = bytearray([40 * p[0] + p[1]])
    for v in p[2:]:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def pkcs12_kdf(password, salt, iterations, ident, size):
    """RFC 7292 B.2 with SHA-256 (u = 32, v = 64)."""
    u, v = 32, 64
    pw = (password + "\0").encode("utf-16-be")
    d = bytes([ident]) * v
    s = (salt * v)[: v * ((len(salt) + v - 1) // v)]
    p = (pw * v)[: v * ((len(pw) + v - 1) // v)]
    i = bytearray(s + p)
    out = b""
    while len(out) < size:
        a = hashlib.sha256(d + bytes(i)).digest()
        for _ in range(iterations - 1):
            a = hashlib.sha256(a).digest()
        out += a
        b = int.from_bytes((a * v)[:v], "big")
        for j in range(0, len(i), v):
            n = (int.from_bytes(i[j : j + v], "big") + b + 1) % (1 << (8 * v))
            i[j : j + v] = n.to_bytes(v, "big")
    return out[:size]


def main(out, epki_path, count, password, mac_iter):
    data = oid("1.2.840.113549.1.7.1")
    with open(epki_path, "rb") as f:
        epki = f.read()
    bag = seq(oid("1.2.840.113549.1.12.10.1.2"), tlv(0xA0, epki))
    safe = seq(*([bag] * int(count)))
    auth_safe = seq(seq(data, tlv(0xA0, tlv(0x04, safe))))
    salt = os.urandom(8)
    key = pkcs12_kdf(password, salt, int(mac_iter), 3, 32)
    digest = hmac.new(key, auth_safe, hashlib.sha256).digest()
    mac = seq(seq(seq(oid("2.16.840.1.101.3.4.2.1"), b"\x05\x00"), tlv(0x04, digest)),
              tlv(0x04, salt), integer(int(mac_iter)))
    pfx = seq(integer(3), seq(data, tlv(0xA0, tlv(0x04, auth_safe))), mac)
    with open(out, "wb") as f:
        f.write(pfx)


def epki(out, plain_path, password):
    with open(plain_path, "rb") as f:
        plain = f.read()
    salt, iv, iters = os.urandom(16), os.urandom(16), 2048
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iters, 32)
    ct = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-K", key.hex(), "-iv", iv.hex()],
                        input=plain, stdout=subprocess.PIPE, check=True).stdout
    kdf = seq(oid("1.2.840.113549.1.5.12"),
              seq(tlv(0x04, salt), integer(iters), seq(oid("1.2.840.113549.2.9"), b"\x05\x00")))
    alg = seq(oid("1.2.840.113549.1.5.13"),
              seq(kdf, seq(oid("2.16.840.1.101.3.4.1.42"), tlv(0x04, iv))))
    with open(out, "wb") as f:
        f.write(seq(alg, tlv(0x04, ct)))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--epki":
        epki(*sys.argv[2:])
        sys.exit(0)
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
