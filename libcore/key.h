/* key — decode a private key in any form (PKCS#8 plain or encrypted,
 * PKCS#1, SEC1, OpenSSL's Proc-Type encryption), PEM or DER, into a
 * struct ck_key (bundle.h). */
#ifndef CK_KEY_H
#define CK_KEY_H

#include "bundle.h"
#include "err.h"

#include <stdbool.h>
#include <stddef.h>

/* Parse a private key in any form GnuTLS reads (PKCS#8 plain or
 * encrypted, PKCS#1, SEC1, OpenSSL's Proc-Type encryption), PEM or DER.
 * An encrypted PKCS#8 key is decrypted by ck_key_from_encrypted_pkcs8.
 * A key is taken as encrypted when PEM's label or Proc-Type header says
 * so, or when the DER is an EncryptedPrivateKeyInfo (SEQUENCE { SEQUENCE,
 * OCTET STRING }); other DER is decoded as a plain key.
 * `password` may be NULL: CK_E_PASSWORD for any encrypted key (PKCS#12's
 * absent password is ck_key_from_encrypted_pkcs8's NULL, not this one).
 * CK_E_BAD_PASSWORD: it did not decrypt. */
enum ck_status ck_key_parse(const unsigned char *data, size_t len, bool pem,
			    const char *password, struct ck_key **out,
			    struct ck_error *err);

/* Decrypt a DER EncryptedPrivateKeyInfo (an encrypted PKCS#8 key, PEM's
 * "ENCRYPTED PRIVATE KEY"): the PKCS#12 PBEs and PBES2 by libcore's code
 * (ck_pkcs8_decrypt: the password taken as OpenSSL does, bytes as given,
 * Latin-1 when not UTF-8, no NFC normalization), other algorithms by
 * GnuTLS.  `password` NULL is PKCS#12's absent password, distinct from "". */
enum ck_status ck_key_from_encrypted_pkcs8(const unsigned char *der, size_t len,
					   const char *password, struct ck_key **out,
					   struct ck_error *err);

/* Decrypt a DER EncryptedPrivateKeyInfo (a PKCS#12 shrouded key bag, or
 * a standalone encrypted PKCS#8 key; `what` names it in messages) with
 * the PKCS#12 PBEs or PBES2, the password taken as above; `pass` NULL is
 * PKCS#12's absent password.  `*known` (if not NULL) tells whether the
 * encryption algorithm was one this code does, so that a caller can
 * hand the others to GnuTLS.  CK_E_BAD_PASSWORD: it did not decrypt. */
enum ck_status ck_pkcs8_decrypt(const unsigned char *der, size_t len, const char *pass,
				const char *what, bool *known, struct ck_key **out,
				struct ck_error *err);

/* ck_key_parse once the caller knows whether the key is encrypted
 * (load has sniffed the DER, or looked at the PEM text, already). */
enum ck_status ck_key_decode(const unsigned char *data, size_t len, bool pem,
			     bool encrypted, const char *password, struct ck_key **out,
			     struct ck_error *err);

/* A PEM key is encrypted when its label or its headers say so. */
bool ck_key_pem_is_encrypted(const unsigned char *text, size_t len);

#endif
