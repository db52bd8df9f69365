/* pkcs12-int — what the PKCS#12 reader (pkcs12.c), writer
 * (pkcs12-write.c) and key derivation (pkcs12-kdf.c) share: the OIDs,
 * the algorithm tables' rows, password-based encryption parameters and
 * the KDF budget.  Private to those files and key.c; not an API. */
#ifndef CK_PKCS12_INT_H
#define CK_PKCS12_INT_H

#include "bundle.h"
#include "err.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libtasn1.h>
#include <stdbool.h>
#include <stddef.h>

#define OID_DATA "1.2.840.113549.1.7.1"
#define OID_SIGNED_DATA "1.2.840.113549.1.7.2"
#define OID_ENVELOPED_DATA "1.2.840.113549.1.7.3"
#define OID_ENCRYPTED_DATA "1.2.840.113549.1.7.6"

#define OID_BAG_KEY "1.2.840.113549.1.12.10.1.1"
#define OID_BAG_SHROUDED_KEY "1.2.840.113549.1.12.10.1.2"
#define OID_BAG_CERT "1.2.840.113549.1.12.10.1.3"
#define OID_BAG_CRL "1.2.840.113549.1.12.10.1.4"
#define OID_BAG_SECRET "1.2.840.113549.1.12.10.1.5"
#define OID_BAG_SAFE_CONTENTS "1.2.840.113549.1.12.10.1.6"

#define OID_CERT_X509 "1.2.840.113549.1.9.22.1"
#define OID_FRIENDLY_NAME "1.2.840.113549.1.9.20"
#define OID_LOCAL_KEY_ID "1.2.840.113549.1.9.21"

#define OID_PBES2 "1.2.840.113549.1.5.13"
#define OID_PBKDF2 "1.2.840.113549.1.5.12"

/* Salts are 8 bytes, as OpenSSL makes them (see pkcs12-write.c). */
#define P12_SALT_LEN 8

enum kdf_kind { KDF_PKCS12, KDF_PBKDF2 };

struct cipher_def {
	const char *oid;
	const char *name;
	int gnutls;        /* gnutls_cipher_algorithm_t, 0 = unsupported */
	unsigned key_len;
	unsigned iv_len;   /* PKCS#12 PBE: derived IV length; PBES2: IV in params */
	bool pkcs12_pbe;   /* an RFC 7292 PBE OID (SHA-1 KDF) */
	bool two_key_3des; /* derive 16 bytes, use K1|K2|K1 */
};

struct hash_def {
	const char *oid;
	const char *name;
	int mac; /* gnutls_mac_algorithm_t */
};

struct pbe {
	char oid[128];        /* the algorithm OID, for messages */
	const struct cipher_def *cipher;
	enum kdf_kind kdf;
	int prf;              /* gnutls_mac_algorithm_t for PBKDF2 */
	const char *prf_name;
	unsigned char salt[128];
	size_t salt_len;
	unsigned long iterations;
	unsigned char iv[32];
	size_t iv_len;
};

/* The key-derivation work one file may cost: every MAC check and every
 * decryption, for every password tried, takes its iteration count from
 * `left` before it runs.  A file of many shrouded key bags, each at the
 * highest count accepted, would otherwise take hours. */
struct kdf_budget {
	unsigned long long total, left;
};

/* The parameters and ciphertext of an EncryptedData (of one ContentInfo)
 * or of an EncryptedPrivateKeyInfo. */
struct enc_data {
	struct pbe pbe;
	unsigned char *ct;
	size_t ct_len;
};

const struct cipher_def *p12_find_cipher(const char *oid);

/* The digest (MAC) algorithm `oid` names; NULL if unknown. */
const struct hash_def *p12_find_digest(const char *oid);

enum ck_status p12_kdf_spend(struct kdf_budget *b, unsigned long iterations,
				struct ck_error *err);

/* Read an AlgorithmIdentifier (`prefix`.algorithm / .parameters) of a
 * password-based encryption. */
enum ck_status p12_pbe_parse(asn1_node node, const char *prefix, struct pbe *p,
				struct ck_error *err);

void p12_pbe_describe(const struct pbe *p, const char *content, struct ck_p12_bag_info *bi);

/* UTF-8 password → BMPString bytes with the two-zero terminator, as
 * RFC 7292 B.1 wants; NULL (absent) → no bytes at all.  Characters
 * outside the BMP become surrogate pairs; bytes that are not UTF-8 are
 * taken as Latin-1, as OpenSSL does. */
unsigned char *p12_bmp_password(const char *pass, size_t *out_len);

/* RFC 7292 appendix B.2: u is the hash output size, v its block size
 * (64 bytes for SHA-1 and SHA-2 up to 256, 128 for SHA-384/512).
 * Encryption keys use SHA-1; a MAC key uses the MAC's hash. */
bool p12_kdf(gnutls_digest_algorithm_t hash, unsigned id, const unsigned char *pw,
		       size_t pw_len, const unsigned char *salt, size_t salt_len,
		       unsigned long iter, unsigned char *out, size_t out_len);

/* The cipher key and IV for `pass` (NULL = absent): RFC 7292 B.2 for the
 * PKCS#12 PBE schemes, PBKDF2 with the IV from the parameters for PBES2.
 * key[32], iv[32]; *key_len and *iv_len are set. */
enum ck_status p12_pbe_derive(const struct pbe *p, const char *pass, unsigned char *key,
				 unsigned *key_len, unsigned char *iv, unsigned *iv_len,
				 struct ck_error *err);

/* Decrypt with a password, the derivation paid from `budget` (NULL: not
 * counted).  CK_E_BAD_PASSWORD when the padding is wrong (the usual sign
 * of a wrong password).  `pass` NULL = absent. */
enum ck_status p12_pbe_decrypt(const struct pbe *p, const char *pass,
				  const unsigned char *in, size_t in_len, struct kdf_budget *budget,
				  unsigned char **out, size_t *out_len, struct ck_error *err);

/* Parse an EncryptedPrivateKeyInfo (`what` names it in messages) once,
 * to be decrypted with each password by epki_decrypt.  `*known` (if not
 * NULL): its encryption algorithm is one this code does.  ed->ct is the
 * caller's to free, whatever the status. */
enum ck_status p12_epki_parse(const unsigned char *der, size_t len, const char *what,
				 struct enc_data *ed, bool *known, struct ck_error *err);

/* Decrypt a parsed EncryptedPrivateKeyInfo with the same KDF and
 * password conversion as the rest of a PFX, then parse the plaintext as
 * a plain PKCS#8 key.  A plaintext that does not parse as a key means a
 * wrong password whose padding happened to look right.  Defined in
 * key.c, which owns turning a plaintext into a key. */
enum ck_status p12_epki_decrypt(const struct enc_data *ed, const char *pass,
				   struct kdf_budget *budget, struct ck_key **out,
				   struct ck_error *err);

/* Fresh parameters for one encryption: random salt (and IV for PBES2). */
enum ck_status p12_pbe_new(const char *cipher_oid, unsigned long iterations, struct pbe *p,
			      struct ck_error *err);

/* Encrypt with PKCS#7 padding (RFC 5652 6.3) into a new buffer. */
enum ck_status p12_pbe_encrypt(const struct pbe *p, const char *pass,
				  const unsigned char *in, size_t in_len,
				  unsigned char **out, size_t *out_len, struct ck_error *err);

#endif
