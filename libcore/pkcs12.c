/* pkcs12 — walk a PFX (RFC 7292) into a bundle.
 *
 *   PFX { version 3, authSafe ContentInfo(data) { AuthenticatedSafe },
 *         macData }
 *   AuthenticatedSafe = SEQUENCE OF ContentInfo, each data (plain
 *         SafeContents) or encryptedData (password-encrypted SafeContents)
 *   SafeContents = SEQUENCE OF SafeBag: keyBag, pkcs8ShroudedKeyBag,
 *         certBag, crlBag, secretBag, safeContentsBag (nesting)
 *
 * Password: the MAC (GnuTLS) decides which candidate is right; without a
 * MAC, the first encrypted item does.  A MAC that fails for a password
 * that decrypts the contents means a corrupt file, not a wrong password.
 *
 * Written here rather than taken from GnuTLS: the RFC 7292 appendix B
 * key derivation (GnuTLS has it but does not export it) and the
 * decryption of EncryptedData around it, because gnutls_pkcs12_bag_*
 * stops at 32 bags per SafeContents and reports nested bags as
 * "unknown" without their type. */
#include "config.h"

#include "pkcs12.h"
#include "der.h"
#include "load.h" /* ck_key_parse, ck_bundle_load_mem: until key.c */

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---------------------------------------------------------------- */
/* algorithm tables */

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

static const struct cipher_def ciphers[] = {
	{ "1.2.840.113549.1.12.1.1", "RC4-128", GNUTLS_CIPHER_ARCFOUR_128, 16, 0, true, false },
	{ "1.2.840.113549.1.12.1.2", "RC4-40", GNUTLS_CIPHER_ARCFOUR_40, 5, 0, true, false },
	{ "1.2.840.113549.1.12.1.3", "3DES-CBC", GNUTLS_CIPHER_3DES_CBC, 24, 8, true, false },
	{ "1.2.840.113549.1.12.1.4", "2-key-3DES-CBC", GNUTLS_CIPHER_3DES_CBC, 16, 8, true, true },
	{ "1.2.840.113549.1.12.1.5", "RC2-128-CBC", 0, 16, 8, true, false },
	{ "1.2.840.113549.1.12.1.6", "RC2-40-CBC", GNUTLS_CIPHER_RC2_40_CBC, 5, 8, true, false },
	{ "2.16.840.1.101.3.4.1.2", "AES-128-CBC", GNUTLS_CIPHER_AES_128_CBC, 16, 16, false, false },
	{ "2.16.840.1.101.3.4.1.22", "AES-192-CBC", GNUTLS_CIPHER_AES_192_CBC, 24, 16, false, false },
	{ "2.16.840.1.101.3.4.1.42", "AES-256-CBC", GNUTLS_CIPHER_AES_256_CBC, 32, 16, false, false },
	{ "1.2.840.113549.3.7", "3DES-CBC", GNUTLS_CIPHER_3DES_CBC, 24, 8, false, false },
	{ "1.3.14.3.2.7", "DES-CBC", GNUTLS_CIPHER_DES_CBC, 8, 8, false, false },
	{ "1.2.840.113549.3.2", "RC2-CBC", 0, 16, 8, false, false },
	{ "1.2.392.200011.61.1.1.1.2", "CAMELLIA-128-CBC", 0, 16, 16, false, false },
	{ "1.2.392.200011.61.1.1.1.4", "CAMELLIA-256-CBC", 0, 32, 16, false, false },
	{ "1.2.643.2.2.21", "GOST28147-CFB", 0, 32, 8, false, false },
	{ "1.2.840.113549.1.5.3", "PBE-MD5-DES-CBC (PBES1)", 0, 8, 8, false, false },
	{ "1.2.840.113549.1.5.10", "PBE-SHA1-DES-CBC (PBES1)", 0, 8, 8, false, false },
	{ "1.2.840.113549.1.5.6", "PBE-MD5-RC2-CBC (PBES1)", 0, 8, 8, false, false },
	{ "1.2.840.113549.1.5.11", "PBE-SHA1-RC2-CBC (PBES1)", 0, 8, 8, false, false },
};

struct hash_def {
	const char *oid;
	const char *name;
	int mac; /* gnutls_mac_algorithm_t */
};

static const struct hash_def prfs[] = {
	{ "1.2.840.113549.2.7", "SHA1", GNUTLS_MAC_SHA1 },
	{ "1.2.840.113549.2.8", "SHA224", GNUTLS_MAC_SHA224 },
	{ "1.2.840.113549.2.9", "SHA256", GNUTLS_MAC_SHA256 },
	{ "1.2.840.113549.2.10", "SHA384", GNUTLS_MAC_SHA384 },
	{ "1.2.840.113549.2.11", "SHA512", GNUTLS_MAC_SHA512 },
};

static const struct hash_def digests[] = {
	{ "1.3.14.3.2.26", "SHA1", GNUTLS_MAC_SHA1 },
	{ "2.16.840.1.101.3.4.2.4", "SHA224", GNUTLS_MAC_SHA224 },
	{ "2.16.840.1.101.3.4.2.1", "SHA256", GNUTLS_MAC_SHA256 },
	{ "2.16.840.1.101.3.4.2.2", "SHA384", GNUTLS_MAC_SHA384 },
	{ "2.16.840.1.101.3.4.2.3", "SHA512", GNUTLS_MAC_SHA512 },
	{ "1.2.840.113549.2.5", "MD5", GNUTLS_MAC_MD5 },
	{ "1.2.643.7.1.1.2.2", "STREEBOG-256", GNUTLS_MAC_STREEBOG_256 },
	{ "1.2.643.7.1.1.2.3", "STREEBOG-512", GNUTLS_MAC_STREEBOG_512 },
	{ "1.2.840.113549.1.5.14", "PBMAC1", 0 },
};

static const struct cipher_def *find_cipher(const char *oid)
{
	for (size_t i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++)
		if (strcmp(ciphers[i].oid, oid) == 0)
			return &ciphers[i];
	return NULL;
}

static const struct hash_def *find_hash(const struct hash_def *tab, size_t n, const char *oid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].oid, oid) == 0)
			return &tab[i];
	return NULL;
}

const char *ck_pkcs12_cipher_name(const char *oid)
{
	const struct cipher_def *c = find_cipher(oid);
	const struct hash_def *h;
	if (c)
		return c->name;
	h = find_hash(prfs, sizeof prfs / sizeof prfs[0], oid);
	if (!h)
		h = find_hash(digests, sizeof digests / sizeof digests[0], oid);
	return h ? h->name : NULL;
}

/* ---------------------------------------------------------------- */
/* password-based encryption parameters */

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

static enum ck_status kdf_spend(struct kdf_budget *b, unsigned long iterations,
				struct ck_error *err)
{
	if (!b)
		return CK_OK;
	if (iterations > b->left)
		return ck_error_set(err, CK_E_KDF_BUDGET,
				    "its key derivations need more than the budget of %llu iterations "
				    "(kdf-budget-exceeded): not opened; raise it with --kdf-budget if the "
				    "file is trusted", b->total);
	b->left -= iterations;
	return CK_OK;
}

static enum ck_status pbes2_params(struct pbe *p, const unsigned char *params,
				   size_t params_len, struct ck_error *err)
{
	asn1_node node = NULL, kdf = NULL, ivn = NULL;
	char oid[128];
	unsigned char *buf = NULL;
	size_t len = 0;
	enum ck_status rc;

	rc = ck_der_decode("CHAINKIT.PBES2Params", params, params_len, &node, err);
	if (rc)
		return ck_error_set(err, CK_E_PARSE, "malformed PBES2 parameters");
	if (!ck_der_read_oid(node, "keyDerivationFunc.algorithm", oid, sizeof oid) ||
	    strcmp(oid, OID_PBKDF2) != 0) {
		rc = ck_error_set(err, CK_E_UNSUPPORTED,
				  "PBES2 key derivation %s is not supported (only PBKDF2)", oid);
		goto out;
	}
	if (!ck_der_read_bytes(node, "keyDerivationFunc.parameters", &buf, &len) ||
	    ck_der_decode("CHAINKIT.PBKDF2Params", buf, len, &kdf, err)) {
		rc = ck_error_set(err, CK_E_PARSE, "malformed PBKDF2 parameters");
		goto out;
	}
	free(buf);
	buf = NULL;
	{
		int slen = sizeof p->salt;
		if (asn1_read_value(kdf, "salt.specified", p->salt, &slen) != ASN1_SUCCESS) {
			rc = ck_error_set(err, CK_E_UNSUPPORTED, "PBKDF2 salt form is not supported");
			goto out;
		}
		p->salt_len = (size_t)slen;
	}
	if (!ck_der_read_uint(kdf, "iterationCount", &p->iterations)) {
		rc = ck_error_set(err, CK_E_PARSE, "malformed PBKDF2 iteration count");
		goto out;
	}
	p->kdf = KDF_PBKDF2;
	p->prf = GNUTLS_MAC_SHA1;
	p->prf_name = "SHA1";
	if (ck_der_read_oid(kdf, "prf.algorithm", oid, sizeof oid)) {
		const struct hash_def *h = find_hash(prfs, sizeof prfs / sizeof prfs[0], oid);
		if (!h) {
			rc = ck_error_set(err, CK_E_UNSUPPORTED,
					  "PBKDF2 pseudo-random function %s is not supported", oid);
			goto out;
		}
		p->prf = h->mac;
		p->prf_name = h->name;
	}
	if (!ck_der_read_oid(node, "encryptionScheme.algorithm", oid, sizeof oid)) {
		rc = ck_error_set(err, CK_E_PARSE, "malformed PBES2 encryption scheme");
		goto out;
	}
	snprintf(p->oid, sizeof p->oid, "%s", oid);
	p->cipher = find_cipher(oid);
	if (!p->cipher || p->cipher->pkcs12_pbe || !p->cipher->gnutls) {
		rc = ck_error_set(err, CK_E_UNSUPPORTED, "encryption %s (%s) is not supported",
				  p->cipher ? p->cipher->name : "unknown", oid);
		goto out;
	}
	if (!ck_der_read_bytes(node, "encryptionScheme.parameters", &buf, &len) ||
	    ck_der_decode("CHAINKIT.IV", buf, len, &ivn, err)) {
		rc = ck_error_set(err, CK_E_PARSE, "malformed %s parameters (no IV)", p->cipher->name);
		goto out;
	}
	{
		int ivlen = sizeof p->iv;
		if (asn1_read_value(ivn, "", p->iv, &ivlen) != ASN1_SUCCESS ||
		    (unsigned)ivlen != p->cipher->iv_len) {
			rc = ck_error_set(err, CK_E_PARSE, "malformed %s IV", p->cipher->name);
			goto out;
		}
		p->iv_len = (size_t)ivlen;
	}
	rc = CK_OK;
out:
	free(buf);
	asn1_delete_structure(&node);
	asn1_delete_structure(&kdf);
	asn1_delete_structure(&ivn);
	return rc;
}

/* Read an AlgorithmIdentifier (`prefix`.algorithm / .parameters) of a
 * password-based encryption. */
static enum ck_status pbe_parse(asn1_node node, const char *prefix, struct pbe *p,
				struct ck_error *err)
{
	char name[128];
	unsigned char *params = NULL;
	size_t params_len = 0;
	enum ck_status rc = CK_OK;

	memset(p, 0, sizeof *p);
	snprintf(name, sizeof name, "%s.algorithm", prefix);
	if (!ck_der_read_oid(node, name, p->oid, sizeof p->oid))
		return ck_error_set(err, CK_E_PARSE, "missing encryption algorithm");
	snprintf(name, sizeof name, "%s.parameters", prefix);
	if (!ck_der_read_bytes(node, name, &params, &params_len))
		return ck_error_set(err, CK_E_PARSE, "missing parameters of encryption %s", p->oid);

	if (strcmp(p->oid, OID_PBES2) == 0) {
		rc = pbes2_params(p, params, params_len, err);
	} else {
		asn1_node pn = NULL;
		p->cipher = find_cipher(p->oid);
		if (!p->cipher || !p->cipher->pkcs12_pbe || !p->cipher->gnutls) {
			rc = ck_error_set(err, CK_E_UNSUPPORTED, "encryption %s (%s) is not supported",
					  p->cipher ? p->cipher->name : "unknown", p->oid);
		} else if (ck_der_decode("CHAINKIT.PbeParams", params, params_len, &pn, err) ||
			   !ck_der_read_uint(pn, "iterations", &p->iterations)) {
			rc = ck_error_set(err, CK_E_PARSE, "malformed %s parameters", p->cipher->name);
		} else {
			int slen = sizeof p->salt;
			if (asn1_read_value(pn, "salt", p->salt, &slen) != ASN1_SUCCESS)
				rc = ck_error_set(err, CK_E_PARSE, "malformed %s salt", p->cipher->name);
			p->salt_len = (size_t)slen;
			p->kdf = KDF_PKCS12;
			p->prf = GNUTLS_MAC_SHA1;
			p->prf_name = "SHA1";
		}
		asn1_delete_structure(&pn);
	}
	free(params);
	if (!rc && (p->iterations == 0 || p->iterations > CK_P12_MAX_ITERATIONS))
		rc = ck_error_set(err, CK_E_UNSUPPORTED,
				  "iteration count %lu is outside 1..%lu", p->iterations,
				  CK_P12_MAX_ITERATIONS);
	return rc;
}

static void pbe_describe(const struct pbe *p, const char *content, struct ck_p12_bag_info *bi)
{
	char kdf[64];
	memset(bi, 0, sizeof *bi);
	bi->content = strdup(content);
	bi->encrypted = true;
	bi->cipher = strdup(p->cipher->name);
	snprintf(kdf, sizeof kdf, p->kdf == KDF_PBKDF2 ? "PBKDF2-HMAC-%s" : "PKCS12-KDF-%s",
		 p->prf_name);
	bi->kdf = strdup(kdf);
	bi->scheme = strdup(p->kdf == KDF_PBKDF2 ? "PBES2" : "PKCS12-PBE");
	bi->iterations = (unsigned)p->iterations;
	bi->salt_len = (unsigned)p->salt_len;
}

/* ---------------------------------------------------------------- */
/* key derivation */

/* UTF-8 password → BMPString bytes with the two-zero terminator, as
 * RFC 7292 B.1 wants; NULL (absent) → no bytes at all.  Characters
 * outside the BMP become surrogate pairs; bytes that are not UTF-8 are
 * taken as Latin-1, as OpenSSL does. */
static unsigned char *bmp_password(const char *pass, size_t *out_len)
{
	size_t n = pass ? strlen(pass) : 0, o = 0;
	unsigned char *out;
	const unsigned char *s = (const unsigned char *)pass;
	bool utf8_ok = true;

	*out_len = 0;
	if (!pass)
		return calloc(1, 1);
	out = malloc(n * 4 + 2);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n && utf8_ok;) {
		uint32_t cp;
		size_t extra;
		if (s[i] < 0x80) {
			cp = s[i];
			extra = 0;
		} else if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1f;
			extra = 1;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0f;
			extra = 2;
		} else if ((s[i] & 0xf8) == 0xf0) {
			cp = s[i] & 0x07;
			extra = 3;
		} else {
			utf8_ok = false;
			break;
		}
		if (i + extra >= n + (extra == 0)) {
			utf8_ok = false;
			break;
		}
		for (size_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80) {
				utf8_ok = false;
				break;
			}
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (!utf8_ok)
			break;
		i += extra + 1;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xd800 | (v >> 10)), lo = (uint16_t)(0xdc00 | (v & 0x3ff));
			out[o++] = hi >> 8;
			out[o++] = hi & 0xff;
			out[o++] = lo >> 8;
			out[o++] = lo & 0xff;
		} else {
			out[o++] = (unsigned char)(cp >> 8);
			out[o++] = cp & 0xff;
		}
	}
	if (!utf8_ok) {
		o = 0;
		for (size_t i = 0; i < n; i++) {
			out[o++] = 0;
			out[o++] = s[i];
		}
	}
	out[o++] = 0;
	out[o++] = 0;
	*out_len = o;
	return out;
}

/* RFC 7292 appendix B.2: u is the hash output size, v its block size
 * (64 bytes for SHA-1 and SHA-2 up to 256, 128 for SHA-384/512).
 * Encryption keys use SHA-1; a MAC key uses the MAC's hash. */
static bool pkcs12_kdf(gnutls_digest_algorithm_t hash, unsigned id, const unsigned char *pw,
		       size_t pw_len, const unsigned char *salt, size_t salt_len,
		       unsigned long iter, unsigned char *out, size_t out_len)
{
	const size_t U = gnutls_hash_get_len(hash);
	const size_t V = U > 32 ? 128 : 64;
	size_t s_len = salt_len ? V * ((salt_len + V - 1) / V) : 0;
	size_t p_len = pw_len ? V * ((pw_len + V - 1) / V) : 0;
	size_t i_len = s_len + p_len;
	unsigned char d[128], a[64], b[128];
	unsigned char *I = malloc(i_len ? i_len : 1);
	bool ok = false;

	if (!I || U == 0 || U > sizeof a) {
		free(I);
		return false;
	}
	memset(d, (int)id, V);
	for (size_t k = 0; k < s_len; k++)
		I[k] = salt[k % salt_len];
	for (size_t k = 0; k < p_len; k++)
		I[s_len + k] = pw[k % pw_len];

	for (size_t done = 0; done < out_len;) {
		gnutls_hash_hd_t h;
		if (gnutls_hash_init(&h, hash) < 0)
			goto out;
		gnutls_hash(h, d, V);
		gnutls_hash(h, I, i_len);
		gnutls_hash_deinit(h, a);
		for (unsigned long r = 1; r < iter; r++)
			gnutls_hash_fast(hash, a, U, a);
		memcpy(out + done, a, out_len - done < U ? out_len - done : U);
		done += U;
		if (done >= out_len)
			break;
		for (size_t k = 0; k < V; k++)
			b[k] = a[k % U];
		/* I_j = (I_j + B + 1) mod 2^(8v), big-endian */
		for (size_t j = 0; j < i_len; j += V) {
			unsigned carry = 1;
			for (size_t k = V; k-- > 0;) {
				carry += (unsigned)I[j + k] + b[k];
				I[j + k] = carry & 0xff;
				carry >>= 8;
			}
		}
	}
	ok = true;
out:
	gnutls_memset(I, 0, i_len);
	free(I);
	gnutls_memset(a, 0, sizeof a);
	gnutls_memset(b, 0, sizeof b);
	return ok;
}

/* The cipher key and IV for `pass` (NULL = absent): RFC 7292 B.2 for the
 * PKCS#12 PBE schemes, PBKDF2 with the IV from the parameters for PBES2.
 * key[32], iv[32]; *key_len and *iv_len are set. */
static enum ck_status pbe_derive(const struct pbe *p, const char *pass, unsigned char *key,
				 unsigned *key_len, unsigned char *iv, unsigned *iv_len,
				 struct ck_error *err)
{
	*key_len = p->cipher->key_len;
	if (p->kdf == KDF_PKCS12) {
		size_t bmp_len = 0;
		unsigned char *bmp = bmp_password(pass, &bmp_len);
		bool ok;
		if (!bmp)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		ok = pkcs12_kdf(GNUTLS_DIG_SHA1, 1, bmp, bmp_len, p->salt, p->salt_len,
				p->iterations, key, p->cipher->key_len);
		if (ok && p->cipher->iv_len)
			ok = pkcs12_kdf(GNUTLS_DIG_SHA1, 2, bmp, bmp_len, p->salt, p->salt_len,
					p->iterations, iv, p->cipher->iv_len);
		gnutls_memset(bmp, 0, bmp_len);
		free(bmp);
		if (!ok)
			return ck_error_set(err, CK_E_INTERNAL, "key derivation failed");
		if (p->cipher->two_key_3des) {
			memcpy(key + 16, key, 8);
			*key_len = 24;
		}
		*iv_len = p->cipher->iv_len;
	} else {
		/* PBES2 passwords are octet strings: the UTF-8 as given. */
		gnutls_datum_t pw = { (unsigned char *)(pass ? pass : ""),
				      (unsigned)(pass ? strlen(pass) : 0) };
		gnutls_datum_t salt = { (unsigned char *)p->salt, (unsigned)p->salt_len };
		int ret = gnutls_pbkdf2(p->prf, &pw, &salt, (unsigned)p->iterations, key,
					p->cipher->key_len);
		if (ret < 0)
			return ck_error_set(err, CK_E_UNSUPPORTED, "PBKDF2 failed (%s)",
					    gnutls_strerror(ret));
		memcpy(iv, p->iv, p->iv_len);
		*iv_len = (unsigned)p->iv_len;
	}
	return CK_OK;
}

/* Decrypt with a password, the derivation paid from `budget` (NULL: not
 * counted).  CK_E_BAD_PASSWORD when the padding is wrong (the usual sign
 * of a wrong password).  `pass` NULL = absent. */
static enum ck_status pbe_decrypt(const struct pbe *p, const char *pass,
				  const unsigned char *in, size_t in_len, struct kdf_budget *budget,
				  unsigned char **out, size_t *out_len, struct ck_error *err)
{
	unsigned char key[32], iv[32];
	gnutls_cipher_hd_t h = NULL;
	gnutls_datum_t kd = { key, 0 }, ivd = { iv, 0 };
	unsigned block = gnutls_cipher_get_block_size(p->cipher->gnutls);
	unsigned char *buf = NULL;
	enum ck_status rc = CK_OK;
	int ret;

	rc = kdf_spend(budget, p->iterations, err);
	if (!rc)
		rc = pbe_derive(p, pass, key, &kd.size, iv, &ivd.size, err);
	if (rc)
		goto out;
	if (block > 1 && (in_len == 0 || in_len % block)) {
		rc = ck_error_set(err, CK_E_PARSE, "encrypted content is not a whole number of %u-byte blocks",
				  block);
		goto out;
	}
	buf = malloc(in_len ? in_len : 1);
	if (!buf) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	ret = gnutls_cipher_init(&h, p->cipher->gnutls, &kd, ivd.size ? &ivd : NULL);
	if (ret < 0) {
		rc = ck_error_set(err, CK_E_UNSUPPORTED, "cipher %s is not available (%s)",
				  p->cipher->name, gnutls_strerror(ret));
		goto out;
	}
	ret = gnutls_cipher_decrypt2(h, in, in_len, buf, in_len);
	if (ret < 0) {
		rc = ck_error_set(err, CK_E_PARSE, "decryption failed (%s)", gnutls_strerror(ret));
		goto out;
	}
	*out_len = in_len;
	if (block > 1) {
		unsigned pad = buf[in_len - 1];
		bool good = pad >= 1 && pad <= block;
		for (unsigned k = 0; good && k < pad; k++)
			good = buf[in_len - 1 - k] == pad;
		if (!good) {
			rc = ck_error_set(err, CK_E_BAD_PASSWORD, "decryption failed: wrong password");
			goto out;
		}
		*out_len = in_len - pad;
	}
	*out = buf;
	buf = NULL;
out:
	if (h)
		gnutls_cipher_deinit(h);
	gnutls_memset(key, 0, sizeof key);
	gnutls_memset(iv, 0, sizeof iv);
	if (buf) {
		gnutls_memset(buf, 0, in_len);
		free(buf);
	}
	return rc;
}

/* The parameters and ciphertext of an EncryptedData (of one ContentInfo)
 * or of an EncryptedPrivateKeyInfo. */
struct enc_data {
	struct pbe pbe;
	unsigned char *ct;
	size_t ct_len;
};

/* Parse an EncryptedPrivateKeyInfo (`what` names it in messages) once,
 * to be decrypted with each password by epki_decrypt.  `*known` (if not
 * NULL): its encryption algorithm is one this code does.  ed->ct is the
 * caller's to free, whatever the status. */
static enum ck_status epki_parse(const unsigned char *der, size_t len, const char *what,
				 struct enc_data *ed, bool *known, struct ck_error *err)
{
	asn1_node ek = NULL;
	enum ck_status rc;

	memset(ed, 0, sizeof *ed);
	if (known)
		*known = false;
	rc = ck_der_decode("CHAINKIT.EncryptedPrivateKeyInfo", der, len, &ek, err);
	if (rc)
		return ck_error_set(err, CK_E_PARSE, "malformed %s", what);
	rc = pbe_parse(ek, "encryptionAlgorithm", &ed->pbe, err);
	if (rc && err) {
		char msg[CK_ERROR_WHAT_MAX];
		snprintf(msg, sizeof msg, "%s", err->what);
		ck_error_set(err, rc, "%s: %s", what, msg);
	} else if (!rc) {
		if (known)
			*known = true;
		if (!ck_der_read_bytes(ek, "encryptedData", &ed->ct, &ed->ct_len))
			rc = ck_error_set(err, CK_E_PARSE, "%s without encrypted data", what);
	}
	asn1_delete_structure(&ek);
	return rc;
}

/* `der` is all of one PKCS#8 PrivateKeyInfo (RFC 5958): its key
 * algorithm's OID in alg. */
static bool key_info_algorithm(const unsigned char *der, size_t len, char *alg, size_t size)
{
	asn1_node pki = NULL;
	int lenlen = 0;
	long body;
	bool ok;

	/* all of it: a SEQUENCE whose length ends at the end */
	if (len < 2 || len > INT_MAX || der[0] != 0x30)
		return false;
	body = asn1_get_length_der(der + 1, (int)len - 1, &lenlen);
	if (body < 0 || (size_t)body != len - 1 - (size_t)lenlen)
		return false;
	if (ck_der_decode("CHAINKIT.PrivateKeyInfo", der, len, &pki, NULL))
		return false;
	ok = ck_der_read_oid(pki, "privateKeyAlgorithm.algorithm", alg, size);
	asn1_delete_structure(&pki);
	return ok;
}

/* Decrypt a parsed EncryptedPrivateKeyInfo with the same KDF and
 * password conversion as the rest of a PFX, then parse the plaintext as
 * a plain PKCS#8 key.  A plaintext that does not parse as a key means a
 * wrong password whose padding happened to look right. */
static enum ck_status epki_decrypt(const struct enc_data *ed, const char *pass,
				   struct kdf_budget *budget, struct ck_key **out,
				   struct ck_error *err)
{
	unsigned char *plain = NULL;
	size_t plain_len = 0;
	char alg[128];
	enum ck_status rc;

	rc = pbe_decrypt(&ed->pbe, pass, ed->ct, ed->ct_len, budget, &plain, &plain_len, err);
	if (rc == CK_E_BAD_PASSWORD)
		return ck_error_set(err, rc, "wrong password for the private key");
	if (rc)
		return rc;
	rc = ck_key_parse(plain, plain_len, false, NULL, out, err);
	if (rc == CK_E_PARSE && key_info_algorithm(plain, plain_len, alg, sizeof alg)) {
		/* a whole PrivateKeyInfo: the password was right, the key is
		 * one we cannot read (a wrong password does not make DER) */
		char why[CK_ERROR_WHAT_MAX];
		snprintf(why, sizeof why, "%s", err->what);
		rc = ck_error_set(err, CK_E_UNSUPPORTED,
				  "the private key decrypts but cannot be read (key algorithm %s): %s",
				  alg, why);
	}
	gnutls_memset(plain, 0, plain_len);
	free(plain);
	if (rc == CK_E_PARSE || rc == CK_E_PASSWORD) /* garbage, or an encrypted key again */
		return ck_error_set(err, CK_E_BAD_PASSWORD, "wrong password for the private key");
	if (!rc)
		(*out)->was_encrypted = true;
	return rc;
}

/* A standalone EncryptedPrivateKeyInfo, or one shrouded key bag, in one
 * call.  Done here rather than by GnuTLS: GnuTLS's PKCS#8 decryption
 * refuses a password that is not UTF-8 for the PKCS#12 PBEs (OpenSSL
 * takes it as Latin-1) and normalizes a UTF-8 one to NFC (OpenSSL does
 * not), so keys OpenSSL wrote would not open. */
enum ck_status ck_pkcs8_decrypt(const unsigned char *der, size_t len, const char *pass,
				const char *what, bool *known, struct ck_key **out,
				struct ck_error *err)
{
	struct enc_data ed;
	enum ck_status rc = epki_parse(der, len, what, &ed, known, err);

	if (!rc)
		rc = epki_decrypt(&ed, pass, NULL, out, err);
	free(ed.ct);
	return rc;
}

/* ---------------------------------------------------------------- */
/* the walk */

struct walk {
	struct ck_bundle *b;
	const char *pass;        /* the chosen password (NULL = absent) */
	struct ck_p12_info *info;
	bool confirmed;          /* the MAC or a decryption proved the password */
	unsigned certs, keys;    /* found in the current ContentInfo */
	unsigned plain_keys;     /* keys in plain keyBags */
	size_t total_bags;
	struct kdf_budget *budget;
};

static enum ck_status add_bag_info(struct ck_p12_info *info, struct ck_p12_bag_info *bi)
{
	struct ck_p12_bag_info *n = realloc(info->bags, (info->nbags + 1) * sizeof *n);
	if (!n)
		return CK_E_NOMEM;
	info->bags = n;
	info->bags[info->nbags++] = *bi;
	return CK_OK;
}

/* BMPString (UCS-2/UTF-16BE) → UTF-8. */
static char *bmp_to_utf8(const unsigned char *s, size_t len)
{
	char *out = malloc(len * 2 + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i + 1 < len; i += 2) {
		uint32_t cp = ((uint32_t)s[i] << 8) | s[i + 1];
		if (cp >= 0xd800 && cp <= 0xdbff && i + 3 < len) {
			uint32_t lo = ((uint32_t)s[i + 2] << 8) | s[i + 3];
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			}
		}
		if (cp == 0)
			break;
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;
		if (cp < 0x80) {
			out[o++] = (char)cp;
		} else if (cp < 0x800) {
			out[o++] = (char)(0xc0 | (cp >> 6));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[o++] = (char)(0xe0 | (cp >> 12));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | (cp >> 18));
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	out[o] = '\0';
	return out;
}

struct bag_attrs {
	char *friendly_name;
	unsigned char *key_id;
	size_t key_id_len;
};

static void read_attrs(asn1_node sc, unsigned idx, struct bag_attrs *a)
{
	char name[96], oid[128];
	int count = 0;

	memset(a, 0, sizeof *a);
	snprintf(name, sizeof name, "?%u.bagAttributes", idx);
	if (asn1_number_of_elements(sc, name, &count) != ASN1_SUCCESS)
		return;
	for (int j = 1; j <= count; j++) {
		unsigned char *val = NULL;
		size_t val_len = 0;
		asn1_node v = NULL;

		snprintf(name, sizeof name, "?%u.bagAttributes.?%d.type", idx, j);
		if (!ck_der_read_oid(sc, name, oid, sizeof oid))
			continue;
		snprintf(name, sizeof name, "?%u.bagAttributes.?%d.values.?1", idx, j);
		if (!ck_der_read_bytes(sc, name, &val, &val_len))
			continue;
		if (strcmp(oid, OID_FRIENDLY_NAME) == 0 && !a->friendly_name &&
		    !ck_der_decode("CHAINKIT.BMPName", val, val_len, &v, NULL)) {
			unsigned char *s = NULL;
			size_t sl = 0;
			if (ck_der_read_bytes(v, "", &s, &sl)) {
				a->friendly_name = bmp_to_utf8(s, sl);
				free(s);
			}
		} else if (strcmp(oid, OID_LOCAL_KEY_ID) == 0 && !a->key_id &&
			   !ck_der_decode("CHAINKIT.LocalKeyId", val, val_len, &v, NULL)) {
			ck_der_read_bytes(v, "", &a->key_id, &a->key_id_len);
		}
		asn1_delete_structure(&v);
		free(val);
	}
}

static void attrs_free(struct bag_attrs *a)
{
	free(a->friendly_name);
	free(a->key_id);
}

static void attrs_move_to_cert(struct bag_attrs *a, struct ck_cert *c)
{
	c->friendly_name = a->friendly_name;
	c->local_key_id = a->key_id;
	c->local_key_id_len = a->key_id_len;
	a->friendly_name = NULL;
	a->key_id = NULL;
}

static void attrs_move_to_key(struct bag_attrs *a, struct ck_key *k)
{
	k->friendly_name = a->friendly_name;
	k->local_key_id = a->key_id;
	k->local_key_id_len = a->key_id_len;
	a->friendly_name = NULL;
	a->key_id = NULL;
}

static enum ck_status walk_safe_contents(struct walk *w, const unsigned char *der,
					 size_t len, unsigned depth, struct ck_error *err);

static enum ck_status bag_cert(struct walk *w, const unsigned char *val, size_t len,
			       struct bag_attrs *attrs, struct ck_error *err)
{
	asn1_node cb = NULL;
	char oid[128];
	unsigned char *inner = NULL, *der = NULL;
	size_t inner_len = 0, der_len = 0;
	struct ck_cert *c = NULL;
	enum ck_status rc;

	rc = ck_der_decode("CHAINKIT.CertBag", val, len, &cb, err);
	if (rc) {
		rc = ck_error_set(err, CK_E_PARSE, "malformed certificate bag");
		goto out;
	}
	if (!ck_der_read_oid(cb, "certId", oid, sizeof oid) || strcmp(oid, OID_CERT_X509) != 0) {
		rc = ck_bundle_note(w->b, CK_F_SKIPPED_BAG,
				    "a certificate bag of type %s (not X.509) was skipped", oid);
		goto out;
	}
	if (!ck_der_read_bytes(cb, "certValue", &inner, &inner_len)) {
		rc = ck_error_set(err, CK_E_PARSE, "certificate bag without a value");
		goto out;
	}
	rc = ck_der_octet_string(inner, inner_len, &der, &der_len, err);
	if (rc)
		goto out;
	rc = ck_cert_from_der(der, der_len, &c, err);
	if (rc) {
		char msg[CK_ERROR_WHAT_MAX];
		snprintf(msg, sizeof msg, "%s", err->what);
		ck_error_set(err, rc, "certificate bag: %s", msg);
		goto out;
	}
	attrs_move_to_cert(attrs, c);
	if (ck_bundle_add_cert(w->b, c)) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	c = NULL;
	w->certs++;
out:
	ck_cert_free(c);
	free(inner);
	free(der);
	asn1_delete_structure(&cb);
	return rc;
}

static enum ck_status bag_key(struct walk *w, const unsigned char *val, size_t len,
			      bool shrouded, struct bag_attrs *attrs, struct ck_error *err)
{
	struct ck_key *k = NULL;
	enum ck_status rc;

	if (shrouded) {
		struct enc_data ed;
		struct ck_p12_bag_info bi;
		rc = epki_parse(val, len, "shrouded key bag", &ed, NULL, err);
		if (!rc) {
			pbe_describe(&ed.pbe, "key", &bi);
			if (add_bag_info(w->info, &bi))
				rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		}
		if (!rc)
			rc = epki_decrypt(&ed, w->pass, w->budget, &k, err);
		free(ed.ct);
		if (rc == CK_E_BAD_PASSWORD && w->confirmed)
			rc = ck_error_set(err, CK_E_PARSE,
					  "a private key bag does not decrypt with the password that opens the rest of the file: the file is corrupt");
	} else {
		rc = ck_key_parse(val, len, false, NULL, &k, err);
		if (rc == CK_E_PASSWORD) /* not a password the user can give */
			rc = ck_error_set(err, CK_E_PARSE,
					  "a plain private key bag holds an encrypted key");
		if (!rc)
			w->plain_keys++;
	}
	if (rc)
		return rc;
	attrs_move_to_key(attrs, k);
	if (ck_bundle_add_key(w->b, k)) {
		ck_key_free(k);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	w->keys++;
	return CK_OK;
}

static enum ck_status walk_bag(struct walk *w, asn1_node sc, unsigned idx, unsigned depth,
			       struct ck_error *err)
{
	char name[64], oid[128];
	unsigned char *val = NULL;
	size_t len = 0;
	struct bag_attrs attrs;
	enum ck_status rc = CK_OK;

	if (++w->total_bags > 100000)
		return ck_error_set(err, CK_E_UNSUPPORTED, "more than 100000 bags in a PKCS#12 file");
	snprintf(name, sizeof name, "?%u.bagId", idx);
	if (!ck_der_read_oid(sc, name, oid, sizeof oid))
		return ck_error_set(err, CK_E_PARSE, "malformed bag %u", idx);
	snprintf(name, sizeof name, "?%u.bagValue", idx);
	if (!ck_der_read_bytes(sc, name, &val, &len))
		return ck_error_set(err, CK_E_PARSE, "bag %u has no value", idx);
	read_attrs(sc, idx, &attrs);

	if (strcmp(oid, OID_BAG_CERT) == 0)
		rc = bag_cert(w, val, len, &attrs, err);
	else if (strcmp(oid, OID_BAG_KEY) == 0)
		rc = bag_key(w, val, len, false, &attrs, err);
	else if (strcmp(oid, OID_BAG_SHROUDED_KEY) == 0)
		rc = bag_key(w, val, len, true, &attrs, err);
	else if (strcmp(oid, OID_BAG_SAFE_CONTENTS) == 0)
		rc = walk_safe_contents(w, val, len, depth + 1, err);
	else if (strcmp(oid, OID_BAG_CRL) == 0)
		rc = ck_bundle_note(w->b, CK_F_SKIPPED_BAG, "a CRL bag was skipped");
	else if (strcmp(oid, OID_BAG_SECRET) == 0)
		rc = ck_bundle_note(w->b, CK_F_SKIPPED_BAG,
				    "a secret bag (a symmetric key or other secret) was skipped");
	else
		rc = ck_bundle_note(w->b, CK_F_SKIPPED_BAG,
				    "a bag of unknown type %s was skipped", oid);
	attrs_free(&attrs);
	free(val);
	return rc;
}

static enum ck_status walk_safe_contents(struct walk *w, const unsigned char *der,
					 size_t len, unsigned depth, struct ck_error *err)
{
	asn1_node sc = NULL;
	int count = 0;
	enum ck_status rc;

	if (depth > CK_P12_MAX_DEPTH)
		return ck_error_set(err, CK_E_PARSE,
				    "PKCS#12 bags are nested more than %d levels deep", CK_P12_MAX_DEPTH);
	rc = ck_der_decode("CHAINKIT.SafeContents", der, len, &sc, err);
	if (rc) {
		char msg[CK_ERROR_WHAT_MAX];
		snprintf(msg, sizeof msg, "%s", err->what);
		return ck_error_set(err, CK_E_PARSE, "malformed SafeContents: %s", msg);
	}
	if (asn1_number_of_elements(sc, "", &count) != ASN1_SUCCESS)
		count = 0;
	for (int i = 1; i <= count && !rc; i++)
		rc = walk_bag(w, sc, (unsigned)i, depth, err);
	asn1_delete_structure(&sc);
	return rc;
}

static enum ck_status enc_data_parse(const unsigned char *content, size_t len,
				     struct enc_data *ed, struct ck_error *err)
{
	asn1_node node = NULL;
	enum ck_status rc;

	memset(ed, 0, sizeof *ed);
	rc = ck_der_decode("CHAINKIT.EncryptedData", content, len, &node, err);
	if (rc)
		return ck_error_set(err, CK_E_PARSE, "malformed EncryptedData");
	rc = pbe_parse(node, "encryptedContentInfo.contentEncryptionAlgorithm", &ed->pbe, err);
	if (!rc && !ck_der_read_bytes(node, "encryptedContentInfo.encryptedContent", &ed->ct,
				      &ed->ct_len))
		rc = ck_error_set(err, CK_E_PARSE, "EncryptedData without content");
	asn1_delete_structure(&node);
	return rc;
}

static void content_label(unsigned certs, unsigned keys, char *buf, size_t size)
{
	if (certs && keys)
		snprintf(buf, size, "keys and certificates");
	else if (certs)
		snprintf(buf, size, "certificates");
	else if (keys)
		snprintf(buf, size, "keys");
	else
		snprintf(buf, size, "empty");
}

/* One element of the AuthenticatedSafe. */
static enum ck_status walk_content_info(struct walk *w, asn1_node as, int idx,
					struct ck_error *err)
{
	char name[64], oid[128], label[32];
	unsigned char *content = NULL, *plain = NULL;
	size_t content_len = 0, plain_len = 0;
	struct ck_p12_bag_info bi;
	enum ck_status rc = CK_OK;
	size_t info_at = w->info->nbags;

	snprintf(name, sizeof name, "?%d.contentType", idx);
	if (!ck_der_read_oid(as, name, oid, sizeof oid))
		return ck_error_set(err, CK_E_PARSE, "malformed ContentInfo %d", idx);
	snprintf(name, sizeof name, "?%d.content", idx);
	if (!ck_der_read_bytes(as, name, &content, &content_len))
		return ck_error_set(err, CK_E_PARSE, "ContentInfo %d has no content", idx);
	w->certs = w->keys = w->plain_keys = 0;

	memset(&bi, 0, sizeof bi);
	if (strcmp(oid, OID_DATA) == 0) {
		rc = ck_der_octet_string(content, content_len, &plain, &plain_len, err);
		if (!rc)
			rc = walk_safe_contents(w, plain, plain_len, 1, err);
		if (!rc && (w->certs || w->plain_keys || !w->keys)) {
			content_label(w->certs, w->plain_keys, label, sizeof label);
			bi.content = strdup(label);
			if (!bi.content || add_bag_info(w->info, &bi))
				rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			/* keep the order: this SafeContents before its shrouded keys */
			else if (info_at < w->info->nbags - 1) {
				struct ck_p12_bag_info last = w->info->bags[w->info->nbags - 1];
				memmove(&w->info->bags[info_at + 1], &w->info->bags[info_at],
					(w->info->nbags - 1 - info_at) * sizeof last);
				w->info->bags[info_at] = last;
			}
		}
	} else if (strcmp(oid, OID_ENCRYPTED_DATA) == 0) {
		struct enc_data ed;
		rc = enc_data_parse(content, content_len, &ed, err);
		if (!rc)
			rc = pbe_decrypt(&ed.pbe, w->pass, ed.ct, ed.ct_len, w->budget, &plain,
					 &plain_len, err);
		if (rc == CK_E_BAD_PASSWORD && w->confirmed)
			rc = ck_error_set(err, CK_E_PARSE,
					  "encrypted content does not decrypt with the password that opens the rest of the file: the file is corrupt");
		if (!rc)
			rc = walk_safe_contents(w, plain, plain_len, 1, err);
		if (!rc) {
			content_label(w->certs, w->keys, label, sizeof label);
			pbe_describe(&ed.pbe, label, &bi);
			if (add_bag_info(w->info, &bi))
				rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		}
		free(ed.ct);
	} else if (strcmp(oid, OID_ENVELOPED_DATA) == 0) {
		rc = ck_error_set(err, CK_E_UNSUPPORTED,
				  "the PKCS#12 content is EnvelopedData (public-key encryption), which is not supported");
	} else {
		rc = ck_bundle_note(w->b, CK_F_SKIPPED_BAG,
				    "a PKCS#12 content of type %s was skipped", oid);
	}
	if (plain) {
		gnutls_memset(plain, 0, plain_len);
		free(plain);
	}
	free(content);
	return rc;
}

/* ---------------------------------------------------------------- */
/* password choice */

struct pfx {
	asn1_node pfx;
	asn1_node as;               /* AuthenticatedSafe */
	int count;
	unsigned char *safe;        /* the AuthenticatedSafe DER the MAC covers */
	size_t safe_len;
	/* the MAC: has_mac, and either our own check (mac_hash, salt,
	 * iterations, digest) or GnuTLS's (gp, for the GOST MACs) */
	bool has_mac;
	gnutls_digest_algorithm_t mac_hash;
	unsigned char mac_salt[256], mac_digest[64];
	size_t mac_salt_len, mac_digest_len;
	unsigned long mac_iter;
	gnutls_pkcs12_t gp;
	/* the first encrypted item, to test passwords without a MAC */
	bool have_probe;
	bool probe_is_key;          /* true: a shrouded key bag; false: an EncryptedData */
	struct enc_data probe;
	struct kdf_budget budget;
};

static void pfx_cleanup(struct pfx *p)
{
	asn1_delete_structure(&p->pfx);
	asn1_delete_structure(&p->as);
	free(p->safe);
	if (p->gp)
		gnutls_pkcs12_deinit(p->gp);
	free(p->probe.ct);
}

/* Find a shrouded key bag in a plain SafeContents, for the probe, and
 * parse it into `ed`. */
static bool find_shrouded_key(const unsigned char *der, size_t len, struct enc_data *ed)
{
	asn1_node sc = NULL;
	int count = 0;
	bool found = false;

	if (ck_der_decode("CHAINKIT.SafeContents", der, len, &sc, NULL))
		return false;
	asn1_number_of_elements(sc, "", &count);
	for (int i = 1; i <= count && !found; i++) {
		char name[64], oid[128];
		unsigned char *val = NULL;
		size_t val_len = 0;
		snprintf(name, sizeof name, "?%d.bagId", i);
		if (!ck_der_read_oid(sc, name, oid, sizeof oid) ||
		    strcmp(oid, OID_BAG_SHROUDED_KEY) != 0)
			continue;
		snprintf(name, sizeof name, "?%d.bagValue", i);
		if (ck_der_read_bytes(sc, name, &val, &val_len)) {
			found = !epki_parse(val, val_len, "shrouded key bag", ed, NULL, NULL);
			if (!found) {
				free(ed->ct);
				ed->ct = NULL;
			}
			free(val);
		}
	}
	asn1_delete_structure(&sc);
	return found;
}

static void find_probe(struct pfx *p)
{
	for (int i = 1; i <= p->count && !p->have_probe; i++) {
		char name[64], oid[128];
		unsigned char *content = NULL, *plain = NULL;
		size_t content_len = 0, plain_len = 0;

		snprintf(name, sizeof name, "?%d.contentType", i);
		if (!ck_der_read_oid(p->as, name, oid, sizeof oid))
			continue;
		snprintf(name, sizeof name, "?%d.content", i);
		if (!ck_der_read_bytes(p->as, name, &content, &content_len))
			continue;
		if (strcmp(oid, OID_ENCRYPTED_DATA) == 0) {
			if (!enc_data_parse(content, content_len, &p->probe, NULL))
				p->have_probe = true;
		} else if (strcmp(oid, OID_DATA) == 0 &&
			   !ck_der_octet_string(content, content_len, &plain, &plain_len, NULL)) {
			if (find_shrouded_key(plain, plain_len, &p->probe))
				p->have_probe = p->probe_is_key = true;
			free(plain);
		}
		free(content);
	}
}

/* Does `pass` decrypt the probe?  CK_OK yes, CK_E_BAD_PASSWORD no,
 * other statuses: the probe itself is broken or unsupported. */
static enum ck_status probe_password(struct pfx *p, const char *pass, struct ck_error *err)
{
	enum ck_status rc;

	if (p->probe_is_key) {
		struct ck_key *k = NULL;
		rc = epki_decrypt(&p->probe, pass, &p->budget, &k, err);
		ck_key_free(k);
		return rc;
	} else {
		unsigned char *plain = NULL;
		size_t plain_len = 0;
		asn1_node sc = NULL;
		rc = pbe_decrypt(&p->probe.pbe, pass, p->probe.ct, p->probe.ct_len, &p->budget,
				 &plain, &plain_len, err);
		if (rc)
			return rc;
		/* right padding by chance: the content must also decode */
		if (ck_der_decode("CHAINKIT.SafeContents", plain, plain_len, &sc, NULL))
			rc = ck_error_set(err, CK_E_BAD_PASSWORD, "decryption failed: wrong password");
		asn1_delete_structure(&sc);
		gnutls_memset(plain, 0, plain_len);
		free(plain);
		return rc;
	}
}

static enum ck_status read_mac(struct pfx *p, const unsigned char *der, size_t len,
			       struct ck_p12_info *info, struct ck_error *err)
{
	char oid[128];
	unsigned long iter = 1;
	int salt_len = sizeof p->mac_salt, digest_len = sizeof p->mac_digest;
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	const struct hash_def *h;
	int ret;

	if (!ck_der_read_oid(p->pfx, "macData.mac.digestAlgorithm.algorithm", oid, sizeof oid))
		return CK_OK; /* no MAC */
	info->has_mac = true;
	h = find_hash(digests, sizeof digests / sizeof digests[0], oid);
	info->mac_algorithm = strdup(h ? h->name : oid);
	if (!info->mac_algorithm)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (!ck_der_read_uint(p->pfx, "macData.iterations", &iter))
		iter = 1;
	ret = asn1_read_value(p->pfx, "macData.macSalt", p->mac_salt, &salt_len);
	if (ret == ASN1_MEM_ERROR)
		return ck_error_set(err, CK_E_UNSUPPORTED, "PKCS#12 MAC salt of %d bytes (at most %zu)",
				    salt_len, sizeof p->mac_salt);
	if (ret == ASN1_SUCCESS)
		info->mac_salt_len = (unsigned)salt_len;
	else
		salt_len = 0;
	info->mac_iterations = (unsigned)(iter > UINT32_MAX ? UINT32_MAX : iter);
	if (!h || !h->mac)
		return ck_error_set(err, CK_E_UNSUPPORTED, "MAC algorithm %s (%s) is not supported",
				    h ? h->name : "unknown", oid);
	if (iter == 0 || iter > CK_P12_MAX_ITERATIONS)
		return ck_error_set(err, CK_E_UNSUPPORTED, "MAC iteration count %lu is outside 1..%lu",
				    iter, CK_P12_MAX_ITERATIONS);
	p->has_mac = true;
	p->mac_iter = iter;
	if (h->mac != GNUTLS_MAC_STREEBOG_256 && h->mac != GNUTLS_MAC_STREEBOG_512) {
		/* Checked here with the RFC 7292 KDF the decryption and the
		 * writer use: GnuTLS refuses a password that is not UTF-8,
		 * which OpenSSL (and bmp_password) take as Latin-1, so a file
		 * written with one would not open. */
		p->mac_hash = (gnutls_digest_algorithm_t)h->mac;
		p->mac_salt_len = (size_t)salt_len;
		if (asn1_read_value(p->pfx, "macData.mac.digest", p->mac_digest, &digest_len) !=
			    ASN1_SUCCESS ||
		    (size_t)digest_len != gnutls_hash_get_len(p->mac_hash))
			return ck_error_set(err, CK_E_PARSE,
					    "PKCS#12 MAC is not a %s digest (%d bytes)", h->name,
					    digest_len);
		p->mac_digest_len = (size_t)digest_len;
		return CK_OK;
	}
	/* GOST R 34.11-2012 MACs derive their key differently (TC 26):
	 * GnuTLS does it. */
	if (gnutls_pkcs12_init(&p->gp) < 0)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ret = gnutls_pkcs12_import(p->gp, &d, GNUTLS_X509_FMT_DER, 0);
	if (ret < 0)
		return ck_error_set(err, CK_E_PARSE, "PKCS#12 MAC cannot be read (%s)",
				    gnutls_strerror(ret));
	return CK_OK;
}

/* Whether `pass` (NULL: absent) verifies the MAC, in *ok; the check is
 * paid from the budget. */
static enum ck_status mac_check(struct pfx *p, const char *pass, bool *ok, struct ck_error *err)
{
	unsigned char key[64], mac[64];
	unsigned char *bmp;
	size_t bmp_len = 0;
	enum ck_status rc = kdf_spend(&p->budget, p->mac_iter, err);

	*ok = false;
	if (rc)
		return rc;
	if (p->gp) {
		*ok = gnutls_pkcs12_verify_mac(p->gp, pass) >= 0;
		return CK_OK;
	}
	bmp = bmp_password(pass, &bmp_len);
	if (!bmp)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	*ok = pkcs12_kdf(p->mac_hash, 3, bmp, bmp_len, p->mac_salt, p->mac_salt_len, p->mac_iter,
			key, p->mac_digest_len) &&
	     gnutls_hmac_fast((gnutls_mac_algorithm_t)p->mac_hash, key, p->mac_digest_len, p->safe,
			      p->safe_len, mac) >= 0 &&
	     gnutls_memcmp(mac, p->mac_digest, p->mac_digest_len) == 0;
	gnutls_memset(bmp, 0, bmp_len);
	free(bmp);
	gnutls_memset(key, 0, sizeof key);
	return CK_OK;
}

/* Pick the password: returns CK_OK with *pass and *kind set. */
static enum ck_status choose_password(struct pfx *p, struct ck_pw_iter *it,
				      const char **pass, const char **kind,
				      struct ck_error *err)
{
	enum ck_status rc;
	bool mac_failed_once = false;

	if (!p->has_mac && !p->have_probe) {
		*pass = NULL;
		*kind = "none";
		return CK_OK; /* nothing is protected */
	}
	for (;;) {
		const char *cand = NULL, *ck = NULL;
		rc = ck_pw_iter_next(it, &cand, &ck);
		if (rc == CK_E_PASSWORD)
			return ck_error_set(err, rc, "a password is needed (neither the absent nor the empty password opens it)");
		if (rc == CK_E_BAD_PASSWORD) {
			if (mac_failed_once && !p->have_probe)
				return ck_error_set(err, rc, "wrong password (the MAC does not verify; if the password is right, the file is corrupt)");
			return ck_error_set(err, rc, "wrong password");
		}
		if (p->has_mac) {
			bool ok;
			if ((rc = mac_check(p, cand, &ok, err)))
				return rc;
			if (ok) {
				*pass = cand;
				*kind = ck;
				return CK_OK;
			}
			/* An empty password typed or given may be meant as the
			 * absent one (RFC 7292 tells them apart, users cannot). */
			if (cand && !*cand && strcmp(ck, "given") == 0) {
				if ((rc = mac_check(p, NULL, &ok, err)))
					return rc;
				if (ok) {
					*pass = NULL;
					*kind = "absent";
					return CK_OK;
				}
			}
			mac_failed_once = true;
			/* A password that decrypts the content but fails the
			 * MAC: the file was damaged or modified. */
			if (p->have_probe && strcmp(ck, "given") == 0) {
				struct ck_error perr;
				ck_error_clear(&perr);
				rc = probe_password(p, cand, &perr);
				if (rc == CK_E_KDF_BUDGET) {
					*err = perr;
					return rc;
				}
				if (rc == CK_OK)
					return ck_error_set(err, CK_E_PARSE,
							    "the MAC does not verify although the password decrypts the contents: the file is corrupt or was modified");
			}
			continue;
		}
		rc = probe_password(p, cand, err);
		if (rc == CK_OK) {
			*pass = cand;
			*kind = ck;
			return CK_OK;
		}
		if (rc != CK_E_BAD_PASSWORD && rc != CK_E_PARSE)
			return rc;
	}
}

static enum ck_status decode_outer(struct pfx *p, const unsigned char *der, size_t len,
				   struct ck_error *err)
{
	char oid[128];
	unsigned long version = 0;
	unsigned char *content = NULL, *plain = NULL;
	size_t content_len = 0, plain_len = 0;
	struct ck_tlv t;
	enum ck_status rc;

	/* a precise location for truncated or overlong files */
	rc = ck_der_read(der, len, true, 0, &t, err);
	if (rc)
		return rc;
	if (!t.indefinite && t.hdr_len + t.len < len)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)(t.hdr_len + t.len),
				       "%zu bytes of trailing data after the PKCS#12 structure",
				       len - t.hdr_len - t.len);
	rc = ck_der_decode("CHAINKIT.PFX", der, len, &p->pfx, err);
	if (rc) {
		char msg[CK_ERROR_WHAT_MAX];
		snprintf(msg, sizeof msg, "%s", err->what);
		return ck_error_set(err, CK_E_PARSE, "not a valid PKCS#12 file (%s)", msg);
	}
	if (!ck_der_read_uint(p->pfx, "version", &version) || version != 3)
		return ck_error_set(err, CK_E_PARSE,
				    "PKCS#12 version %lu is not supported (expected 3)", version);
	if (!ck_der_read_oid(p->pfx, "authSafe.contentType", oid, sizeof oid))
		return ck_error_set(err, CK_E_PARSE, "PKCS#12 without content");
	if (strcmp(oid, OID_SIGNED_DATA) == 0)
		return ck_error_set(err, CK_E_UNSUPPORTED,
				    "PKCS#12 in public-key integrity mode (SignedData) is not supported");
	if (strcmp(oid, OID_ENVELOPED_DATA) == 0)
		return ck_error_set(err, CK_E_UNSUPPORTED,
				    "the PKCS#12 content is EnvelopedData (public-key encryption), which is not supported");
	if (strcmp(oid, OID_DATA) != 0)
		return ck_error_set(err, CK_E_PARSE, "PKCS#12 content of unknown type %s", oid);
	if (!ck_der_read_bytes(p->pfx, "authSafe.content", &content, &content_len))
		return ck_error_set(err, CK_E_PARSE, "PKCS#12 without content");
	rc = ck_der_octet_string(content, content_len, &plain, &plain_len, err);
	free(content);
	if (rc)
		return rc;
	rc = ck_der_decode("CHAINKIT.AuthenticatedSafe", plain, plain_len, &p->as, err);
	p->safe = plain; /* for the MAC */
	p->safe_len = plain_len;
	if (rc) {
		char msg[CK_ERROR_WHAT_MAX];
		snprintf(msg, sizeof msg, "%s", err->what);
		return ck_error_set(err, CK_E_PARSE, "malformed PKCS#12 AuthenticatedSafe (%s)", msg);
	}
	if (asn1_number_of_elements(p->as, "", &p->count) != ASN1_SUCCESS)
		p->count = 0;
	return CK_OK;
}

enum ck_status ck_pkcs12_load(struct ck_bundle *b, const unsigned char *der,
			      size_t len, const struct ck_password *pw,
			      unsigned long long kdf_budget, struct ck_error *err)
{
	struct pfx p;
	struct ck_pw_iter it;
	struct walk w;
	const char *pass = NULL, *kind = NULL;
	enum ck_status rc;

	memset(&p, 0, sizeof p);
	p.budget.total = p.budget.left = kdf_budget ? kdf_budget : CK_P12_KDF_BUDGET_DEFAULT;
	ck_pw_iter_init(&it, pw, b->name);
	b->p12 = calloc(1, sizeof *b->p12);
	if (!b->p12)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");

	rc = decode_outer(&p, der, len, err);
	if (!rc)
		rc = read_mac(&p, der, len, b->p12, err);
	if (rc)
		goto out;
	find_probe(&p);
	rc = choose_password(&p, &it, &pass, &kind, err);
	if (rc)
		goto out;
	b->p12->password_kind = kind;

	memset(&w, 0, sizeof w);
	w.b = b;
	w.pass = pass;
	w.confirmed = strcmp(kind, "none") != 0;
	w.info = b->p12;
	w.budget = &p.budget;
	for (int i = 1; i <= p.count && !rc; i++)
		rc = walk_content_info(&w, p.as, i, err);
out:
	ck_pw_iter_cleanup(&it);
	pfx_cleanup(&p);
	return rc;
}

/* ---------------------------------------------------------------- */
/* writing
 *
 * Assembled here with libtasn1 and GnuTLS's primitives (PBKDF2, the
 * ciphers, HMAC) rather than with gnutls_pkcs12_bag_encrypt() and
 * gnutls_pkcs12_generate_mac2(): GnuTLS 3.7 derives every key and the
 * MAC key with a fixed 600000 iterations and has no way to choose
 * another count, while --iterations has to mean what it says (and
 * .NET's PKCS#12 loader refuses more than 300000 by default).
 *
 * Layout, as OpenSSL writes it (the form every consumer has seen):
 *   PFX { 3, data { AuthenticatedSafe [
 *           encryptedData { SafeContents [ certBag... ] },
 *           data { SafeContents [ pkcs8ShroudedKeyBag ] } ] },
 *         MacData { HMAC over the AuthenticatedSafe, salt, iterations } }
 * Salts are 8 bytes, as OpenSSL makes them: the macOS keychain has been
 * reported to refuse a file whose only difference was a 16-byte MAC
 * salt (confirm.ch, "PKCS #12 incompatibility"). */

#define OID_HMAC_SHA256 "1.2.840.113549.2.9"
#define OID_SHA1 "1.3.14.3.2.26"
#define OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define OID_AES256_CBC "2.16.840.1.101.3.4.1.42"
#define OID_PBE_3DES "1.2.840.113549.1.12.1.3"
#define OID_PBE_RC2_40 "1.2.840.113549.1.12.1.6"
#define P12_SALT_LEN 8

static const unsigned char der_null[] = { 0x05, 0x00 };

struct profile_def {
	const char *name;
	const char *cert_cipher; /* OID in ciphers[] */
	const char *key_cipher;
	gnutls_digest_algorithm_t mac_hash;
	gnutls_mac_algorithm_t mac;
	const char *mac_oid;
};

static const struct profile_def profiles[] = {
	[CK_P12_MODERN] = { "modern", OID_AES256_CBC, OID_AES256_CBC, GNUTLS_DIG_SHA256,
			    GNUTLS_MAC_SHA256, OID_SHA256 },
	[CK_P12_LEGACY] = { "legacy", OID_PBE_3DES, OID_PBE_3DES, GNUTLS_DIG_SHA1,
			    GNUTLS_MAC_SHA1, OID_SHA1 },
	[CK_P12_OPENSSL1] = { "openssl1", OID_PBE_RC2_40, OID_PBE_3DES, GNUTLS_DIG_SHA1,
			      GNUTLS_MAC_SHA1, OID_SHA1 },
};

const char *ck_p12_profile_name(enum ck_p12_profile p)
{
	return (unsigned)p < sizeof profiles / sizeof profiles[0] ? profiles[p].name : NULL;
}

bool ck_p12_profile_parse(const char *name, enum ck_p12_profile *out)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (strcmp(profiles[i].name, name) == 0) {
			*out = (enum ck_p12_profile)i;
			return true;
		}
	return false;
}

/* Fresh parameters for one encryption: random salt (and IV for PBES2). */
static enum ck_status pbe_new(const char *cipher_oid, unsigned long iterations, struct pbe *p,
			      struct ck_error *err)
{
	memset(p, 0, sizeof *p);
	p->cipher = find_cipher(cipher_oid);
	if (!p->cipher || !p->cipher->gnutls)
		return ck_error_set(err, CK_E_INTERNAL, "no cipher %s", cipher_oid);
	snprintf(p->oid, sizeof p->oid, "%s", cipher_oid);
	p->iterations = iterations;
	p->salt_len = P12_SALT_LEN;
	if (p->cipher->pkcs12_pbe) {
		p->kdf = KDF_PKCS12;
		p->prf = GNUTLS_MAC_SHA1;
	} else {
		p->kdf = KDF_PBKDF2;
		p->prf = GNUTLS_MAC_SHA256;
		p->iv_len = p->cipher->iv_len;
	}
	if (gnutls_rnd(GNUTLS_RND_NONCE, p->salt, p->salt_len) < 0 ||
	    (p->iv_len && gnutls_rnd(GNUTLS_RND_NONCE, p->iv, p->iv_len) < 0))
		return ck_error_set(err, CK_E_INTERNAL, "no random numbers");
	return CK_OK;
}

/* Encrypt with PKCS#7 padding (RFC 5652 6.3) into a new buffer. */
static enum ck_status pbe_encrypt(const struct pbe *p, const char *pass,
				  const unsigned char *in, size_t in_len,
				  unsigned char **out, size_t *out_len, struct ck_error *err)
{
	unsigned char key[32], iv[32];
	gnutls_datum_t kd = { key, 0 }, ivd = { iv, 0 };
	gnutls_cipher_hd_t h = NULL;
	unsigned block = gnutls_cipher_get_block_size(p->cipher->gnutls);
	size_t pad = block > 1 ? block - in_len % block : 0, n = in_len + pad;
	unsigned char *buf = malloc(n ? n : 1);
	enum ck_status rc;
	int ret;

	if (!buf)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	memcpy(buf, in, in_len);
	memset(buf + in_len, (int)pad, pad);
	rc = pbe_derive(p, pass, key, &kd.size, iv, &ivd.size, err);
	if (rc)
		goto out;
	ret = gnutls_cipher_init(&h, p->cipher->gnutls, &kd, ivd.size ? &ivd : NULL);
	if (ret >= 0)
		ret = gnutls_cipher_encrypt(h, buf, n);
	if (ret < 0) {
		rc = ck_error_set(err, CK_E_INTERNAL, "%s encryption failed (%s)", p->cipher->name,
				  gnutls_strerror(ret));
		goto out;
	}
	*out = buf;
	*out_len = n;
	buf = NULL;
out:
	if (h)
		gnutls_cipher_deinit(h);
	gnutls_memset(key, 0, sizeof key);
	gnutls_memset(iv, 0, sizeof iv);
	if (buf) {
		gnutls_memset(buf, 0, n);
		free(buf);
	}
	return rc;
}

static enum ck_status write_uint(asn1_node node, const char *name, unsigned long v,
				 struct ck_error *err)
{
	char num[24];
	snprintf(num, sizeof num, "%lu", v);
	return ck_der_write(node, name, num, 0, err);
}

/* DER of the PBES2 parameters: PBKDF2 (salt, count, HMAC-SHA256) and
 * the cipher with its IV. */
static enum ck_status pbes2_params_der(const struct pbe *p, unsigned char **out,
				       size_t *out_len, struct ck_error *err)
{
	asn1_node kdf = NULL, params = NULL;
	unsigned char *kdf_der = NULL, *iv_der = NULL;
	size_t kdf_len = 0, iv_len = 0;
	enum ck_status rc;

	rc = ck_der_create("CHAINKIT.PBKDF2Params", &kdf, err);
	if (!rc)
		rc = ck_der_write(kdf, "salt", "specified", 1, err);
	if (!rc)
		rc = ck_der_write(kdf, "salt.specified", p->salt, p->salt_len, err);
	if (!rc)
		rc = write_uint(kdf, "iterationCount", p->iterations, err);
	if (!rc)
		rc = ck_der_write(kdf, "keyLength", NULL, 0, err);
	if (!rc)
		rc = ck_der_write(kdf, "prf.algorithm", OID_HMAC_SHA256, 1, err);
	if (!rc)
		rc = ck_der_write(kdf, "prf.parameters", der_null, sizeof der_null, err);
	if (!rc)
		rc = ck_der_encode(kdf, "", &kdf_der, &kdf_len, err);
	if (!rc)
		rc = ck_der_wrap(ASN1_ETYPE_OCTET_STRING, p->iv, p->iv_len, &iv_der, &iv_len, err);
	if (!rc)
		rc = ck_der_create("CHAINKIT.PBES2Params", &params, err);
	if (!rc)
		rc = ck_der_write(params, "keyDerivationFunc.algorithm", OID_PBKDF2, 1, err);
	if (!rc)
		rc = ck_der_write(params, "keyDerivationFunc.parameters", kdf_der, kdf_len, err);
	if (!rc)
		rc = ck_der_write(params, "encryptionScheme.algorithm", p->oid, 1, err);
	if (!rc)
		rc = ck_der_write(params, "encryptionScheme.parameters", iv_der, iv_len, err);
	if (!rc)
		rc = ck_der_encode(params, "", out, out_len, err);
	free(kdf_der);
	free(iv_der);
	asn1_delete_structure(&kdf);
	asn1_delete_structure(&params);
	return rc;
}

/* Fill the AlgorithmIdentifier `prefix` of `node` for `p`. */
static enum ck_status pbe_algid(const struct pbe *p, asn1_node node, const char *prefix,
				struct ck_error *err)
{
	char name[128];
	unsigned char *params = NULL;
	size_t params_len = 0;
	enum ck_status rc;

	if (p->kdf == KDF_PBKDF2) {
		rc = pbes2_params_der(p, &params, &params_len, err);
	} else {
		asn1_node pp = NULL;
		rc = ck_der_create("CHAINKIT.PbeParams", &pp, err);
		if (!rc)
			rc = ck_der_write(pp, "salt", p->salt, p->salt_len, err);
		if (!rc)
			rc = write_uint(pp, "iterations", p->iterations, err);
		if (!rc)
			rc = ck_der_encode(pp, "", &params, &params_len, err);
		asn1_delete_structure(&pp);
	}
	snprintf(name, sizeof name, "%s.algorithm", prefix);
	if (!rc)
		rc = ck_der_write(node, name, p->kdf == KDF_PBKDF2 ? OID_PBES2 : p->oid, 1, err);
	snprintf(name, sizeof name, "%s.parameters", prefix);
	if (!rc)
		rc = ck_der_write(node, name, params, params_len, err);
	free(params);
	return rc;
}

/* Attributes of the key and of its certificate. */
struct w_attrs {
	unsigned char *name_der;   /* BMPString TLV, NULL if none */
	size_t name_len;
	unsigned char *id_der;     /* OCTET STRING TLV, NULL if none */
	size_t id_len;
	bool java_trusted;         /* Java's trusted-certificate attribute */
};

/* Oracle's "trusted key usage" attribute: Java's PKCS12KeyStore takes a
 * certificate bag that carries it as a trustedCertEntry (and ignores a
 * bag without it and without a key); its value is the set of extended
 * key usages trusted for: anyExtendedKeyUsage, as keytool writes. */
#define OID_JAVA_TRUSTED "2.16.840.1.113894.746875.1.1"
static const unsigned char any_eku_der[] = { 0x06, 0x04, 0x55, 0x1d, 0x25, 0x00 };

static void w_attrs_free(struct w_attrs *a)
{
	free(a->name_der);
	free(a->id_der);
}

static enum ck_status w_attrs_make(const char *friendly_name, const unsigned char *key_id,
				   size_t key_id_len, struct w_attrs *a, struct ck_error *err)
{
	enum ck_status rc = CK_OK;
	memset(a, 0, sizeof *a);
	if (friendly_name) {
		size_t bmp_len = 0;
		unsigned char *bmp = bmp_password(friendly_name, &bmp_len);
		if (!bmp)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		/* without the two-zero terminator a password has */
		rc = ck_der_wrap(ASN1_ETYPE_BMP_STRING, bmp, bmp_len - 2, &a->name_der,
				 &a->name_len, err);
		free(bmp);
	}
	if (!rc && key_id)
		rc = ck_der_wrap(ASN1_ETYPE_OCTET_STRING, key_id, key_id_len, &a->id_der,
				 &a->id_len, err);
	return rc;
}

static enum ck_status add_attr(asn1_node sc, const char *oid, const unsigned char *der,
			       size_t len, struct ck_error *err)
{
	enum ck_status rc = ck_der_write(sc, "?LAST.bagAttributes", "NEW", 1, err);
	if (!rc)
		rc = ck_der_write(sc, "?LAST.bagAttributes.?LAST.type", oid, 1, err);
	if (!rc)
		rc = ck_der_write(sc, "?LAST.bagAttributes.?LAST.values", "NEW", 1, err);
	if (!rc)
		rc = ck_der_write(sc, "?LAST.bagAttributes.?LAST.values.?LAST", der, len, err);
	return rc;
}

/* Append a SafeBag to the SafeContents `sc`. */
static enum ck_status add_bag(asn1_node sc, const char *bag_oid, const unsigned char *value,
			      size_t len, const struct w_attrs *a, struct ck_error *err)
{
	enum ck_status rc = ck_der_write(sc, "", "NEW", 1, err);
	if (!rc)
		rc = ck_der_write(sc, "?LAST.bagId", bag_oid, 1, err);
	if (!rc)
		rc = ck_der_write(sc, "?LAST.bagValue", value, len, err);
	if (!rc && (!a || (!a->name_der && !a->id_der && !a->java_trusted)))
		return ck_der_write(sc, "?LAST.bagAttributes", NULL, 0, err);
	if (!rc && a->name_der)
		rc = add_attr(sc, OID_FRIENDLY_NAME, a->name_der, a->name_len, err);
	if (!rc && a->id_der)
		rc = add_attr(sc, OID_LOCAL_KEY_ID, a->id_der, a->id_len, err);
	if (!rc && a->java_trusted)
		rc = add_attr(sc, OID_JAVA_TRUSTED, any_eku_der, sizeof any_eku_der, err);
	return rc;
}

static enum ck_status cert_bag(const struct ck_cert *c, unsigned char **out, size_t *out_len,
			       struct ck_error *err)
{
	asn1_node cb = NULL;
	unsigned char *val = NULL;
	size_t val_len = 0;
	enum ck_status rc;

	rc = ck_der_wrap(ASN1_ETYPE_OCTET_STRING, c->der, c->der_len, &val, &val_len, err);
	if (!rc)
		rc = ck_der_create("CHAINKIT.CertBag", &cb, err);
	if (!rc)
		rc = ck_der_write(cb, "certId", OID_CERT_X509, 1, err);
	if (!rc)
		rc = ck_der_write(cb, "certValue", val, val_len, err);
	if (!rc)
		rc = ck_der_encode(cb, "", out, out_len, err);
	free(val);
	asn1_delete_structure(&cb);
	return rc;
}

/* An EncryptedData ContentInfo holding the certificate bags. */
static enum ck_status certs_content(const struct ck_cert *const *certs, size_t ncerts,
				    long keyed, const struct w_attrs *attrs,
				    const struct profile_def *prof, const struct ck_p12_write_opts *o,
				    unsigned char **out, size_t *out_len, struct ck_error *err)
{
	asn1_node sc = NULL, ed = NULL;
	unsigned char *sc_der = NULL, *ct = NULL;
	size_t sc_len = 0, ct_len = 0;
	struct pbe p;
	enum ck_status rc;

	rc = ck_der_create("CHAINKIT.SafeContents", &sc, err);
	for (size_t i = 0; i < ncerts && !rc; i++) {
		unsigned char *bag = NULL;
		size_t bag_len = 0;
		struct w_attrs trusted;
		memset(&trusted, 0, sizeof trusted);
		rc = cert_bag(certs[i], &bag, &bag_len, err);
		if (!rc && o->java_trusted && (long)i != keyed) {
			rc = w_attrs_make(o->cert_names ? o->cert_names[i] : NULL, NULL, 0, &trusted, err);
			trusted.java_trusted = true;
		}
		if (!rc)
			rc = add_bag(sc, OID_BAG_CERT, bag, bag_len,
				     (long)i == keyed ? attrs : o->java_trusted ? &trusted : NULL, err);
		w_attrs_free(&trusted);
		free(bag);
	}
	if (!rc)
		rc = ck_der_encode(sc, "", &sc_der, &sc_len, err);
	if (!rc)
		rc = pbe_new(prof->cert_cipher, o->iterations, &p, err);
	if (!rc)
		rc = pbe_encrypt(&p, o->password, sc_der, sc_len, &ct, &ct_len, err);
	if (!rc)
		rc = ck_der_create("CHAINKIT.EncryptedData", &ed, err);
	if (!rc)
		rc = ck_der_write(ed, "version", "0", 0, err);
	if (!rc)
		rc = ck_der_write(ed, "encryptedContentInfo.contentType", OID_DATA, 1, err);
	if (!rc)
		rc = pbe_algid(&p, ed, "encryptedContentInfo.contentEncryptionAlgorithm", err);
	if (!rc)
		rc = ck_der_write(ed, "encryptedContentInfo.encryptedContent", ct, ct_len, err);
	if (!rc)
		rc = ck_der_write(ed, "unprotectedAttrs", NULL, 0, err);
	if (!rc)
		rc = ck_der_encode(ed, "", out, out_len, err);
	free(sc_der);
	free(ct);
	asn1_delete_structure(&sc);
	asn1_delete_structure(&ed);
	return rc;
}

/* A data ContentInfo's content (OCTET STRING TLV) holding the shrouded
 * key bag. */
static enum ck_status key_content(const struct ck_key *key, const struct w_attrs *attrs,
				  const struct profile_def *prof, const struct ck_p12_write_opts *o,
				  unsigned char **out, size_t *out_len, struct ck_error *err)
{
	asn1_node epki = NULL, sc = NULL;
	unsigned char *ct = NULL, *bag = NULL, *sc_der = NULL;
	size_t ct_len = 0, bag_len = 0, sc_len = 0;
	struct pbe p;
	enum ck_status rc;

	rc = pbe_new(prof->key_cipher, o->iterations, &p, err);
	if (!rc)
		rc = pbe_encrypt(&p, o->password, key->pkcs8, key->pkcs8_len, &ct, &ct_len, err);
	if (!rc)
		rc = ck_der_create("CHAINKIT.EncryptedPrivateKeyInfo", &epki, err);
	if (!rc)
		rc = pbe_algid(&p, epki, "encryptionAlgorithm", err);
	if (!rc)
		rc = ck_der_write(epki, "encryptedData", ct, ct_len, err);
	if (!rc)
		rc = ck_der_encode(epki, "", &bag, &bag_len, err);
	if (!rc)
		rc = ck_der_create("CHAINKIT.SafeContents", &sc, err);
	if (!rc)
		rc = add_bag(sc, OID_BAG_SHROUDED_KEY, bag, bag_len, attrs, err);
	if (!rc)
		rc = ck_der_encode(sc, "", &sc_der, &sc_len, err);
	if (!rc)
		rc = ck_der_wrap(ASN1_ETYPE_OCTET_STRING, sc_der, sc_len, out, out_len, err);
	free(ct);
	free(bag);
	free(sc_der);
	asn1_delete_structure(&epki);
	asn1_delete_structure(&sc);
	return rc;
}

static enum ck_status add_content(asn1_node as, const char *type, const unsigned char *der,
				  size_t len, struct ck_error *err)
{
	enum ck_status rc = ck_der_write(as, "", "NEW", 1, err);
	if (!rc)
		rc = ck_der_write(as, "?LAST.contentType", type, 1, err);
	if (!rc)
		rc = ck_der_write(as, "?LAST.content", der, len, err);
	return rc;
}

/* The outer PFX with its MAC over `safe` (the AuthenticatedSafe DER). */
static enum ck_status pfx_with_mac(const unsigned char *safe, size_t safe_len,
				   const struct profile_def *prof, const struct ck_p12_write_opts *o,
				   unsigned char **out, size_t *out_len, struct ck_error *err)
{
	asn1_node pfx = NULL;
	unsigned char salt[P12_SALT_LEN], key[64], mac[64];
	unsigned char *bmp = NULL, *wrapped = NULL;
	size_t bmp_len = 0, wrapped_len = 0, mac_len = gnutls_hash_get_len(prof->mac_hash);
	enum ck_status rc = CK_OK;

	if (gnutls_rnd(GNUTLS_RND_NONCE, salt, sizeof salt) < 0)
		return ck_error_set(err, CK_E_INTERNAL, "no random numbers");
	bmp = bmp_password(o->password, &bmp_len);
	if (!bmp)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (!pkcs12_kdf(prof->mac_hash, 3, bmp, bmp_len, salt, sizeof salt, o->iterations, key,
			mac_len) ||
	    gnutls_hmac_fast(prof->mac, key, mac_len, safe, safe_len, mac) < 0)
		rc = ck_error_set(err, CK_E_INTERNAL, "MAC computation failed");
	if (!rc)
		rc = ck_der_wrap(ASN1_ETYPE_OCTET_STRING, safe, safe_len, &wrapped, &wrapped_len, err);
	if (!rc)
		rc = ck_der_create("CHAINKIT.PFX", &pfx, err);
	if (!rc)
		rc = ck_der_write(pfx, "version", "3", 0, err);
	if (!rc)
		rc = ck_der_write(pfx, "authSafe.contentType", OID_DATA, 1, err);
	if (!rc)
		rc = ck_der_write(pfx, "authSafe.content", wrapped, wrapped_len, err);
	if (!rc)
		rc = ck_der_write(pfx, "macData.mac.digestAlgorithm.algorithm", prof->mac_oid, 1, err);
	if (!rc)
		rc = ck_der_write(pfx, "macData.mac.digestAlgorithm.parameters", der_null,
				  sizeof der_null, err);
	if (!rc)
		rc = ck_der_write(pfx, "macData.mac.digest", mac, mac_len, err);
	if (!rc)
		rc = ck_der_write(pfx, "macData.macSalt", salt, sizeof salt, err);
	if (!rc)
		rc = write_uint(pfx, "macData.iterations", o->iterations, err);
	if (!rc)
		rc = ck_der_encode(pfx, "", out, out_len, err);
	gnutls_memset(bmp, 0, bmp_len);
	free(bmp);
	gnutls_memset(key, 0, sizeof key);
	free(wrapped);
	asn1_delete_structure(&pfx);
	return rc;
}

/* Read the file back and check it holds what was asked for. */
static enum ck_status read_back(const unsigned char *der, size_t len,
				const struct ck_cert *const *certs, size_t ncerts,
				const struct ck_key *key, const char *password,
				struct ck_error *err)
{
	struct ck_password pw = { .value = password };
	/* our own file: its derivations are what --iterations asked for */
	struct ck_load_opts lo = { .max_size = len + 1, .password = &pw, .kdf_budget = ULLONG_MAX };
	struct ck_bundle *b = NULL;
	struct ck_error rerr;
	enum ck_status rc;
	bool same;

	ck_error_clear(&rerr);
	rc = ck_bundle_load_mem(der, len, "PKCS#12 output", &lo, &b, &rerr);
	if (rc)
		return ck_error_set(err, CK_E_INTERNAL, "the PKCS#12 file written does not read back: %s",
				    rerr.what);
	same = b->ncerts == ncerts && b->nkeys == (key ? 1u : 0u);
	for (size_t i = 0; same && i < ncerts; i++)
		same = ck_cert_equal(b->certs[i], certs[i]);
	if (same && key)
		same = b->keys[0]->pkcs8_len == key->pkcs8_len &&
		       memcmp(b->keys[0]->pkcs8, key->pkcs8, key->pkcs8_len) == 0;
	ck_bundle_free(b);
	if (!same)
		return ck_error_set(err, CK_E_INTERNAL,
				    "the PKCS#12 file written reads back with different contents");
	return CK_OK;
}

enum ck_status ck_pkcs12_write(const struct ck_cert *const *certs, size_t ncerts,
			       const struct ck_key *key, const struct ck_p12_write_opts *opts,
			       struct ck_buf *out, struct ck_error *err)
{
	struct ck_p12_write_opts o = *opts;
	const struct profile_def *prof;
	struct w_attrs attrs;
	asn1_node as = NULL;
	unsigned char *part = NULL, *safe = NULL, *pfx = NULL;
	size_t part_len = 0, safe_len = 0, pfx_len = 0;
	long keyed = -1;
	enum ck_status rc;

	memset(&attrs, 0, sizeof attrs);
	if ((unsigned)o.profile >= sizeof profiles / sizeof profiles[0])
		return ck_error_set(err, CK_E_USAGE, "unknown PKCS#12 profile");
	prof = &profiles[o.profile];
	if (!o.password)
		return ck_error_set(err, CK_E_USAGE, "a PKCS#12 file needs a password (it may be empty)");
	if (!o.iterations)
		o.iterations = CK_P12_DEFAULT_ITERATIONS;
	if (o.iterations > CK_P12_MAX_ITERATIONS)
		return ck_error_set(err, CK_E_USAGE, "iteration count %lu is over %lu", o.iterations,
				    CK_P12_MAX_ITERATIONS);
	if (ncerts == 0 && !key)
		return ck_error_set(err, CK_E_USAGE, "nothing to put in the PKCS#12 file");

	/* the key's certificate carries the same attributes as the key */
	for (size_t i = 0; key && i < ncerts && keyed < 0; i++)
		if (memcmp(certs[i]->spki_sha256, key->spki_sha256, 32) == 0)
			keyed = (long)i;
	if (!key && ncerts && !o.java_trusted)
		keyed = 0;
	rc = w_attrs_make(o.friendly_name, key && keyed >= 0 ? certs[keyed]->sha1 : NULL, 20,
			  &attrs, err);
	if (!rc)
		rc = ck_der_create("CHAINKIT.AuthenticatedSafe", &as, err);
	if (!rc && ncerts) {
		rc = certs_content(certs, ncerts, keyed, &attrs, prof, &o, &part, &part_len, err);
		if (!rc)
			rc = add_content(as, OID_ENCRYPTED_DATA, part, part_len, err);
		free(part);
		part = NULL;
	}
	if (!rc && key) {
		rc = key_content(key, &attrs, prof, &o, &part, &part_len, err);
		if (!rc)
			rc = add_content(as, OID_DATA, part, part_len, err);
	}
	if (!rc)
		rc = ck_der_encode(as, "", &safe, &safe_len, err);
	if (!rc)
		rc = pfx_with_mac(safe, safe_len, prof, &o, &pfx, &pfx_len, err);
	if (!rc)
		rc = read_back(pfx, pfx_len, certs, ncerts, key, o.password, err);
	if (!rc && ck_buf_append(out, pfx, pfx_len))
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (part) {
		/* holds the encrypted key only, but wipe what held key bytes */
		gnutls_memset(part, 0, part_len);
		free(part);
	}
	free(safe);
	free(pfx);
	w_attrs_free(&attrs);
	asn1_delete_structure(&as);
	return rc;
}
