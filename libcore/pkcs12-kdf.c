/* pkcs12-kdf — PKCS#12's key derivation and password-based encryption:
 * the algorithm tables, PBES1 (RFC 7292 appendix B KDF) and PBES2
 * (PBKDF2) parameters, derivation, decryption and encryption, the KDF
 * budget, and the parsing of an EncryptedPrivateKeyInfo (decrypted
 * into a key by key.c).  Used by the reader (pkcs12.c), the writer
 * (pkcs12-write.c) and key.c. */
#include "config.h"

#include "pkcs12.h"
#include "pkcs12-int.h"
#include "der.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- */
/* algorithm tables */

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

const struct cipher_def *p12_find_cipher(const char *oid)
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

const struct hash_def *p12_find_digest(const char *oid)
{
	return find_hash(digests, sizeof digests / sizeof digests[0], oid);
}

const char *ck_pkcs12_cipher_name(const char *oid)
{
	const struct cipher_def *c = p12_find_cipher(oid);
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

enum ck_status p12_kdf_spend(struct kdf_budget *b, unsigned long iterations,
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
	p->cipher = p12_find_cipher(oid);
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
enum ck_status p12_pbe_parse(asn1_node node, const char *prefix, struct pbe *p,
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
		p->cipher = p12_find_cipher(p->oid);
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

void p12_pbe_describe(const struct pbe *p, const char *content, struct ck_p12_bag_info *bi)
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
unsigned char *p12_bmp_password(const char *pass, size_t *out_len)
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
bool p12_kdf(gnutls_digest_algorithm_t hash, unsigned id, const unsigned char *pw,
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
enum ck_status p12_pbe_derive(const struct pbe *p, const char *pass, unsigned char *key,
				 unsigned *key_len, unsigned char *iv, unsigned *iv_len,
				 struct ck_error *err)
{
	*key_len = p->cipher->key_len;
	if (p->kdf == KDF_PKCS12) {
		size_t bmp_len = 0;
		unsigned char *bmp = p12_bmp_password(pass, &bmp_len);
		bool ok;
		if (!bmp)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		ok = p12_kdf(GNUTLS_DIG_SHA1, 1, bmp, bmp_len, p->salt, p->salt_len,
				p->iterations, key, p->cipher->key_len);
		if (ok && p->cipher->iv_len)
			ok = p12_kdf(GNUTLS_DIG_SHA1, 2, bmp, bmp_len, p->salt, p->salt_len,
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

/* The end of p12_pbe_decrypt and p12_pbe_encrypt: the cipher closed,
 * the key and IV (32 bytes each) wiped, and the buffer not handed out
 * (may be NULL) wiped and freed. */
static void cipher_cleanup(gnutls_cipher_hd_t h, unsigned char *key, unsigned char *iv,
			   unsigned char *buf, size_t len)
{
	if (h)
		gnutls_cipher_deinit(h);
	gnutls_memset(key, 0, 32);
	gnutls_memset(iv, 0, 32);
	if (buf) {
		gnutls_memset(buf, 0, len);
		free(buf);
	}
}

/* Decrypt with a password, the derivation paid from `budget` (NULL: not
 * counted).  CK_E_BAD_PASSWORD when the padding is wrong (the usual sign
 * of a wrong password).  `pass` NULL = absent. */
enum ck_status p12_pbe_decrypt(const struct pbe *p, const char *pass,
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

	rc = p12_kdf_spend(budget, p->iterations, err);
	if (!rc)
		rc = p12_pbe_derive(p, pass, key, &kd.size, iv, &ivd.size, err);
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
	cipher_cleanup(h, key, iv, buf, in_len);
	return rc;
}

/* Parse an EncryptedPrivateKeyInfo (`what` names it in messages) once,
 * to be decrypted with each password by epki_decrypt.  `*known` (if not
 * NULL): its encryption algorithm is one this code does.  ed->ct is the
 * caller's to free, whatever the status. */
enum ck_status p12_epki_parse(const unsigned char *der, size_t len, const char *what,
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
	rc = p12_pbe_parse(ek, "encryptionAlgorithm", &ed->pbe, err);
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

/* ---------------------------------------------------------------- */
/* encryption (for the writer) */

/* Fresh parameters for one encryption: random salt (and IV for PBES2). */
enum ck_status p12_pbe_new(const char *cipher_oid, unsigned long iterations, struct pbe *p,
			      struct ck_error *err)
{
	memset(p, 0, sizeof *p);
	p->cipher = p12_find_cipher(cipher_oid);
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
enum ck_status p12_pbe_encrypt(const struct pbe *p, const char *pass,
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
	rc = p12_pbe_derive(p, pass, key, &kd.size, iv, &ivd.size, err);
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
	cipher_cleanup(h, key, iv, buf, n);
	return rc;
}
