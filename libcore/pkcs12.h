/* pkcs12 — read a PKCS#12 / PFX file into a bundle (part of load).
 *
 * The structure is walked with libtasn1 against pkix.asn; the MAC is
 * verified by GnuTLS; shrouded key bags are decrypted by GnuTLS; the
 * encrypted SafeContents are decrypted here with GnuTLS's ciphers,
 * because GnuTLS's bag API caps a SafeContents at 32 bags and hides the
 * type of bags it does not know. */
#ifndef CK_PKCS12_H
#define CK_PKCS12_H

#include "load.h"

/* Deepest nesting of SafeContentsBags we follow. */
#define CK_P12_MAX_DEPTH 8
/* Highest KDF or MAC iteration count we run (a bigger one is refused
 * rather than spending minutes on it). */
#define CK_P12_MAX_ITERATIONS 10000000UL

/* Decode `der` (a PFX) into `b`: certificates, keys and b->p12.
 * Status: CK_E_PARSE malformed, CK_E_UNSUPPORTED algorithm or mode we
 * cannot do (the message names it), CK_E_PASSWORD / CK_E_BAD_PASSWORD. */
enum ck_status ck_pkcs12_load(struct ck_bundle *b, const unsigned char *der,
			      size_t len, const struct ck_password *pw,
			      struct ck_error *err);

/* Names for the algorithms PKCS#12 files use, for reports:
 * an encryption OID → "AES-256-CBC", a PRF/MAC OID → "SHA256". NULL if
 * unknown. */
const char *ck_pkcs12_cipher_name(const char *oid);

#endif
