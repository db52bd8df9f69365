/* cert — the compact certificate record.
 *
 * A record is extracted once from a certificate's DER and holds every
 * field the tools show or the chain builder needs.  No GnuTLS object is
 * kept alive: a gnutls_x509_crt_t costs ~20 KB, a record costs about its
 * DER, so tens of thousands of certificates fit in a few dozen MB. */
#ifndef CK_CERT_H
#define CK_CERT_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A byte range inside a record's DER. */
struct ck_span {
	uint32_t off;
	uint32_t len;
};

/* A NULL-terminated list of strings, owned by the record. */
typedef char **ck_strv;

/* Key usage bits, as GnuTLS numbers them (GNUTLS_KEY_*). */
#define CK_KU_DIGITAL_SIGNATURE 128
#define CK_KU_NON_REPUDIATION 64
#define CK_KU_KEY_ENCIPHERMENT 32
#define CK_KU_DATA_ENCIPHERMENT 16
#define CK_KU_KEY_AGREEMENT 8
#define CK_KU_KEY_CERT_SIGN 4
#define CK_KU_CRL_SIGN 2
#define CK_KU_ENCIPHER_ONLY 1
#define CK_KU_DECIPHER_ONLY 32768

#define CK_OID_EKU_SERVER "1.3.6.1.5.5.7.3.1"
#define CK_OID_EKU_CLIENT "1.3.6.1.5.5.7.3.2"
#define CK_OID_EKU_ANY "2.5.29.37.0"

#define CK_KEYID_MAX 64

struct ck_cert {
	unsigned char *der;
	size_t der_len;

	/* Ranges inside `der`, for hashing and verification without
	 * re-parsing. */
	struct ck_span tbs, subject_raw, issuer_raw, spki, sig_alg, sig;

	/* nameConstraints extension value (DER), copied; NULL if none. */
	unsigned char *name_constraints;
	size_t name_constraints_len;

	char *subject; /* RFC 4514 */
	char *issuer;
	char *serial;  /* lowercase hex, no colons */
	bool names_packed; /* the three above are one allocation, at subject */
	time_t not_before, not_after;
	int version;

	unsigned char sha256[32];
	unsigned char spki_sha256[32]; /* matches keys and re-issued anchors */

	/* Key identifiers (at most CK_KEYID_MAX bytes kept): they point into
	 * `der`, where the extension holds them, or, when GnuTLS gave
	 * bytes not found there as they are, into `keyid_copy` (owned).
	 * Kept as pointers: a bundle of 100,000 certificates holds
	 * 100,000 of these records. */
	const unsigned char *ski, *aki;
	uint8_t ski_len, aki_len;
	unsigned char *keyid_copy;

	int pk_algo;   /* gnutls_pk_algorithm_t */
	unsigned bits;
	int curve;     /* gnutls_ecc_curve_t, 0 if none */
	int sig_algo;  /* gnutls_sign_algorithm_t; 0 when GnuTLS cannot verify it */
	int sig_hash;  /* gnutls_digest_algorithm_t the signature uses; 0 unknown
	                * (known for RSA-PSS hashes GnuTLS cannot verify with) */
	const char *sig_algo_name; /* name or OID as found (GnuTLS's static name, or
				    * sig_algo_name_copy) */
	char *sig_algo_name_copy;

	bool has_basic_constraints;
	bool ca;
	int path_len;  /* -1: no limit */
	bool has_key_usage;
	unsigned key_usage;
	bool self_issued; /* subject DN matches issuer DN (dn.h) */

	ck_strv eku;               /* OIDs */
	ck_strv san;               /* "DNS:x", "IP:x", "email:x", "URI:x", ... */
	ck_strv aia_ca_issuers;    /* URIs as found; a control or non-ASCII byte %-encoded */
	ck_strv aia_ocsp;
	ck_strv crl_dp;            /* every URI of every distribution point */
	ck_strv delta_crl;         /* freshestCRL URIs */
	ck_strv unknown_critical;  /* OIDs of critical extensions we do not process */

	/* Set by the loader when the container says so (PKCS#12 bag
	 * attributes, JKS aliases); NULL otherwise. */
	char *friendly_name;
	unsigned char *local_key_id;
	size_t local_key_id_len;
};

/* Parse one DER certificate into a new record.  Copies `der`.
 * Returns CK_E_PARSE with a message when it is not a certificate. */
enum ck_status ck_cert_from_der(const unsigned char *der, size_t len,
				struct ck_cert **out, struct ck_error *err);

/* Free a record; NULL is a no-op. */
void ck_cert_free(struct ck_cert *cert);

/* Deep copy (the friendly name and key id included). */
enum ck_status ck_cert_dup(const struct ck_cert *cert, struct ck_cert **out);

/* The certificate's SHA-1 fingerprint (computed on each call: only
 * output and PKCS#12 localKeyIds want it). */
void ck_cert_sha1(const struct ck_cert *c, unsigned char out[20]);

/* Pointer/length of a span inside the record's DER. */
static inline const unsigned char *ck_cert_span(const struct ck_cert *c,
						 struct ck_span s)
{
	return c->der + s.off;
}

/* True when a and b are the same certificate (same DER). */
bool ck_cert_equal(const struct ck_cert *a, const struct ck_cert *b);

/* The issuer name of `child` matches the subject of `issuer` (RFC 5280
 * §7.1, see dn.h). */
bool ck_cert_name_issued(const struct ck_cert *child, const struct ck_cert *issuer);

/* Verify `child`'s signature with `issuer`'s public key.
 * CK_OK: valid.  CK_E_PARSE: the key or signature could not be read.
 * Otherwise *valid is set. Weak hashes (MD5, SHA-1) are verified, not
 * refused: weakness is a finding, not a broken link. */
enum ck_status ck_cert_verify_signature(const struct ck_cert *child,
					 const struct ck_cert *issuer,
					 bool *valid, struct ck_error *err);

/* An issuer's public key, imported once and reused for many
 * verifications (the chain builder caches one per issuer). */
struct ck_pubkey;

enum ck_status ck_pubkey_from_cert(const struct ck_cert *cert,
				   struct ck_pubkey **out, struct ck_error *err);
void ck_pubkey_free(struct ck_pubkey *key);

/* Same as ck_cert_verify_signature() with an imported key. */
enum ck_status ck_cert_verify_with(const struct ck_cert *child,
				   const struct ck_pubkey *key, bool *valid,
				   struct ck_error *err);

/* Does the certificate have the purpose (EKU OID)?  No EKU extension
 * or anyExtendedKeyUsage means any purpose. */
bool ck_cert_has_purpose(const struct ck_cert *cert, const char *oid);

/* Does the leaf match `hostname` (SAN dNSName/iPAddress, CN fallback
 * per GnuTLS rules)? */
bool ck_cert_matches_hostname(const struct ck_cert *cert, const char *hostname);

/* Key algorithm name ("RSA", "EC", "Ed25519", ...) and curve name or NULL. */
const char *ck_cert_key_type(const struct ck_cert *cert);
/* The same for a gnutls_pk_algorithm_t (a request's key, say). */
const char *ck_pk_algo_name(int pk_algo);
const char *ck_cert_curve_name(const struct ck_cert *cert);

/* Signature hash is MD5 or SHA-1 (or MD2). */
bool ck_cert_weak_signature(const struct ck_cert *cert);

/* Key smaller than RSA/DSA 2048 or EC 256 bits. */
bool ck_cert_weak_key(const struct ck_cert *cert);

/* Is `oid` a critical extension the chain validator understands? */
bool ck_cert_extension_known(const char *oid);

/* One extension of a certificate, as found in its DER: `value` points
 * into the record's DER (the extnValue OCTET STRING content). */
struct ck_ext {
	char oid[64];         /* dotted; "" when the OID cannot be read */
	bool critical;
	const unsigned char *value;
	size_t len;
};

/* Walk the extensions in DER order: start with *pos = 0.  Returns 1 and
 * fills *ext, 0 after the last one (or when there are none), -1 when the
 * extensions are malformed (the walk stops). */
int ck_cert_ext_next(const struct ck_cert *cert, size_t *pos, struct ck_ext *ext);

/* The first extension with this dotted OID; false when absent. */
bool ck_cert_ext_find(const struct ck_cert *cert, const char *oid, struct ck_ext *ext);

/* What chainview -v shows beyond the record, read from the DER on
 * demand.  Name constraints: the permitted and excluded subtrees as
 * "DNS:x", "IP:addr/mask", "email:x", "URI:x", "DirName:dn" strings.
 * Certificate policies: each policy's OID with its CPS URIs and user
 * notice texts.  Both empty when the extension is absent; a value that
 * cannot be decoded is left out. */
struct ck_cert_extra {
	ck_strv nc_permitted, nc_excluded;
	struct ck_cert_policy {
		char *oid;
		ck_strv cps, notices;
	} *policies;
	size_t npolicies;
};

/* Fill `out` (zeroed here); free it with ck_cert_extra_cleanup even on
 * failure.  Returns CK_OK or CK_E_NOMEM. */
enum ck_status ck_cert_extra_read(const struct ck_cert *cert, struct ck_cert_extra *out);
void ck_cert_extra_cleanup(struct ck_cert_extra *e);

/* Number of strings in a ck_strv. */
size_t ck_strv_len(ck_strv v);

/* Lowercase hex of `len` bytes into a new string; _into writes it to
 * out, which holds 2 * len + 1 bytes. */
char *ck_hex(const unsigned char *p, size_t len);
void ck_hex_into(char *out, const unsigned char *p, size_t len);

/* A distinguished name as GnuTLS prints it (s[0..n), which may hold any
 * byte an issuer put in a string), as a new valid UTF-8 string without
 * control characters: NUL, C0 controls, DEL and bytes that are not
 * UTF-8 become RFC 4514 hex pairs ("\\1B").  NULL when out of memory. */
char *ck_dn_clean(const unsigned char *s, size_t n);

/* Format a time as RFC 3339 UTC ("2031-01-01T00:00:00Z") into buf[32]. */
void ck_time_format(time_t t, char buf[32]);

#endif
