/* pkcs12 — read a PKCS#12 / PFX file into a bundle (part of load),
 * and write one (for the conversion tools).
 *
 * The structure is walked with libtasn1 against pkix.asn, because
 * GnuTLS's bag API caps a SafeContents at 32 bags and hides the type of
 * bags it does not know.  The MAC (but for GOST's, left to GnuTLS), the
 * encrypted SafeContents and shrouded key bags are checked and decrypted
 * here with GnuTLS's hashes and ciphers and our RFC 7292 / PBKDF2 key
 * derivation, so that a password is taken as OpenSSL takes it: bytes as
 * given, no NFC normalization, Latin-1 when it is not UTF-8. */
#ifndef CK_PKCS12_H
#define CK_PKCS12_H

#include "bundle.h"

struct ck_buf; /* export.h */

/* Deepest nesting of SafeContentsBags we follow. */
#define CK_P12_MAX_DEPTH 8
/* Highest KDF or MAC iteration count we run (a bigger one is refused
 * rather than spending minutes on it). */
#define CK_P12_MAX_ITERATIONS 10000000UL

/* The key-derivation budget of one PKCS#12 file, in iterations: every
 * check of the MAC and every decryption (of an encrypted part, of a
 * shrouded key bag), for every password tried, counts its iteration
 * count.  The default is three derivations at CK_P12_MAX_ITERATIONS (a
 * MAC and two encrypted parts, opened with the password given), about
 * 4 s of one core; files from OpenSSL (2048), Windows (2000), Java
 * (10000) or GnuTLS 3.7 (600000) need a small part of it.  .NET 9
 * allows 1,000,000 in all (Pkcs12LoaderLimits). */
#define CK_P12_KDF_BUDGET_DEFAULT 30000000ULL

/* Decode `der` (a PFX) into `b`: certificates, keys and b->p12.
 * `kdf_budget` is the budget above (0: CK_P12_KDF_BUDGET_DEFAULT).
 * Status: CK_E_PARSE malformed, CK_E_UNSUPPORTED algorithm or mode we
 * cannot do (the message names it), CK_E_PASSWORD / CK_E_BAD_PASSWORD,
 * CK_E_KDF_BUDGET when the next derivation would go over the budget
 * (nothing over it is spent). */
enum ck_status ck_pkcs12_load(struct ck_bundle *b, const unsigned char *der,
			      size_t len, const struct ck_password *pw,
			      unsigned long long kdf_budget, struct ck_error *err);

/* Names for the algorithms PKCS#12 files use, for reports:
 * an encryption OID → "AES-256-CBC", a PRF/MAC OID → "SHA256". NULL if
 * unknown. */
const char *ck_pkcs12_cipher_name(const char *oid);

/* ---- writing ---- */

/* What a written file is protected with (see pem2pfx(1) for who reads
 * which):
 *   MODERN    PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256 for certificates and
 *             key, HMAC-SHA256 MAC (what OpenSSL 3 writes)
 *   LEGACY    pbeWithSHAAnd3-KeyTripleDES-CBC for certificates and key,
 *             HMAC-SHA1 MAC
 *   OPENSSL1  pbeWithSHAAnd40BitRC2-CBC for certificates, 3DES for the
 *             key, HMAC-SHA1 MAC (what OpenSSL 1.1 writes) */
enum ck_p12_profile {
	CK_P12_MODERN = 0,
	CK_P12_LEGACY,
	CK_P12_OPENSSL1,
};

#define CK_P12_DEFAULT_ITERATIONS 2048
/* The least the modern profile accepts (what OpenSSL 3 uses). */
#define CK_P12_MODERN_MIN_ITERATIONS 2048

/* "modern", "legacy", "openssl1"; NULL if out of range. */
const char *ck_p12_profile_name(enum ck_p12_profile p);
/* Parse a profile name; false if unknown. */
bool ck_p12_profile_parse(const char *name, enum ck_p12_profile *out);

struct ck_p12_write_opts {
	enum ck_p12_profile profile;
	/* for every key derivation and the MAC; 0 = CK_P12_DEFAULT_ITERATIONS,
	 * at most CK_P12_MAX_ITERATIONS */
	unsigned long iterations;
	/* the password, UTF-8; "" is the empty password.  NULL (the absent
	 * password of RFC 7292) is refused: few readers handle it. */
	const char *password;
	/* friendlyName of the key and its certificate; NULL = none */
	const char *friendly_name;
	/* a Java truststore: every certificate without the key carries
	 * Java's trusted-certificate attribute (OID 2.16.840.1.113894.746875.1.1,
	 * what keytool needs to see a trustedCertEntry) and the friendly
	 * name cert_names[i] (its alias; cert_names may be NULL) */
	bool java_trusted;
	const char *const *cert_names;
};

/* Write a PFX holding `certs` in this order and `key` (NULL: none).
 * The certificate whose public key matches the key gets the friendly
 * name and a localKeyId (its SHA-1 fingerprint), and so does the key.
 * The result is read back with ck_pkcs12_load() and compared before it
 * is returned, so a file that our own reader cannot open is never
 * produced.  Appends to `out`. */
enum ck_status ck_pkcs12_write(const struct ck_cert *const *certs, size_t ncerts,
			       const struct ck_key *key, const struct ck_p12_write_opts *opts,
			       struct ck_buf *out, struct ck_error *err);

#endif
