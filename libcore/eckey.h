/* eckey — EC private keys written without their public point (part of load).
 *
 * RFC 5915 makes the public key of an ECPrivateKey optional, and Java
 * (SunEC's PKCS#8 encoding: every EC key in a JKS, JCEKS or PKCS#12
 * keystore made by keytool) and OpenSSL's `ec -no_public` leave it out.
 * GnuTLS 3.7 refuses such a key ("ASN1 parser: Element was not found":
 * it reads publicKey unconditionally).  This computes the point from the
 * private scalar (nettle's hogweed, the library GnuTLS itself uses) and
 * gives GnuTLS the complete key. */
#ifndef CK_ECKEY_H
#define CK_ECKEY_H

#include "err.h"

#include <gnutls/x509.h>
#include <stddef.h>

/* Import into `x` (initialised, empty) the EC key in `der`: a PKCS#8
 * PrivateKeyInfo (id-ecPublicKey with a named curve) or a SEC1
 * ECPrivateKey with its named curve, either without the public key.
 * The public point is computed as d·G and the key checked by GnuTLS.
 * CK_E_UNSUPPORTED: not such a key (another algorithm, explicit curve
 * parameters, a public key present, a curve GnuTLS or nettle lack) —
 * the caller keeps its own error; CK_E_PARSE: the scalar is 0 or not
 * below the curve's order.  Borrows `der`; the key material it copies
 * is wiped. */
enum ck_status ck_eckey_import_bare(gnutls_x509_privkey_t x, const unsigned char *der,
				    size_t len, struct ck_error *err);

#endif
