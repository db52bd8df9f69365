/* key — decode private keys (see key.h). */
#include "config.h"

#include "key.h"
#include "der.h"
#include "eckey.h"
#include "pkcs12-int.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fill algorithm, size and the SPKI hash from a decoded key. */
static int describe_key(struct ck_key *k, gnutls_x509_privkey_t x)
{
	gnutls_privkey_t priv = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t spki = { NULL, 0 };
	unsigned bits = 0;
	int ret;

	ret = gnutls_x509_privkey_get_pk_algorithm2(x, &bits);
	if (ret < 0)
		return ret;
	k->pk_algo = ret;
	k->bits = bits;
	if ((ret = gnutls_privkey_init(&priv)) < 0)
		goto out;
	if ((ret = gnutls_privkey_import_x509(priv, x, 0)) < 0)
		goto out;
	if ((ret = gnutls_pubkey_init(&pub)) < 0)
		goto out;
	if ((ret = gnutls_pubkey_import_privkey(pub, priv, 0, 0)) < 0)
		goto out;
	if ((ret = gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki)) < 0)
		goto out;
	gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, k->spki_sha256);
	if (k->pk_algo == GNUTLS_PK_ECDSA) {
		gnutls_ecc_curve_t curve;
		if (gnutls_pubkey_export_ecc_raw2(pub, &curve, NULL, NULL, 0) >= 0)
			k->curve = curve;
	} else if (k->pk_algo == GNUTLS_PK_EDDSA_ED25519) {
		k->curve = GNUTLS_ECC_CURVE_ED25519;
	}
	ret = 0;
out:
	gnutls_free(spki.data);
	if (pub)
		gnutls_pubkey_deinit(pub);
	if (priv)
		gnutls_privkey_deinit(priv);
	return ret;
}

bool ck_key_pem_is_encrypted(const unsigned char *text, size_t len)
{
	return memmem(text, len, "ENCRYPTED PRIVATE KEY", 21) != NULL ||
	       memmem(text, len, "Proc-Type: 4,ENCRYPTED", 22) != NULL;
}

/* Build the record from a decoded key: PKCS#8 DER, type, SPKI hash. */
static enum ck_status key_finish(gnutls_x509_privkey_t x, bool encrypted,
				 struct ck_key **out, struct ck_error *err)
{
	gnutls_datum_t pk8 = { NULL, 0 };
	struct ck_key *k = calloc(1, sizeof *k);
	enum ck_status rc = CK_OK;
	int ret;

	if (!k)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	k->was_encrypted = encrypted;
	ret = gnutls_x509_privkey_export2_pkcs8(x, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN, &pk8);
	if (ret >= 0)
		ret = describe_key(k, x);
	if (ret < 0) {
		rc = ck_error_set(err, CK_E_PARSE, "private key cannot be read (%s)",
				  gnutls_strerror(ret));
		goto out;
	}
	k->pkcs8 = malloc(pk8.size);
	if (!k->pkcs8) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(k->pkcs8, pk8.data, pk8.size);
	k->pkcs8_len = pk8.size;
	*out = k;
	k = NULL;
out:
	if (pk8.data) {
		gnutls_memset(pk8.data, 0, pk8.size);
		gnutls_free(pk8.data);
	}
	ck_key_free(k);
	return rc;
}

static enum ck_status key_import_error(int ret, bool encrypted, struct ck_error *err)
{
	if (ret == GNUTLS_E_DECRYPTION_FAILED && encrypted)
		return ck_error_set(err, CK_E_BAD_PASSWORD, "wrong password for the private key");
	if (ret == GNUTLS_E_UNKNOWN_CIPHER_TYPE || ret == GNUTLS_E_UNKNOWN_ALGORITHM ||
	    ret == GNUTLS_E_UNKNOWN_PK_ALGORITHM || ret == GNUTLS_E_UNKNOWN_HASH_ALGORITHM ||
	    ret == GNUTLS_E_UNKNOWN_CIPHER_SUITE)
		return ck_error_set(err, CK_E_UNSUPPORTED,
				    "private key uses an unsupported algorithm (%s)",
				    gnutls_strerror(ret));
	return ck_error_set(err, CK_E_PARSE, "private key cannot be decoded (%s)",
			    gnutls_strerror(ret));
}

/* GnuTLS 3.7's reader of OpenSSL's legacy encrypted PEM keys
 * (gnutls_x509_privkey_import_openssl, behind import2) decrypts the body
 * without checking that it is a whole number of cipher blocks, and
 * nettle then aborts the process (an assertion in cbc.c): fuzz-key
 * found it with a DEK-Info header over a body of 38 bytes.  This finds
 * the body the way that reader does (after "PRIVATE KEY---", the first
 * "DEK-Info: ", the cipher, the IV, line ends; the rest base64-decoded
 * by GnuTLS's own decoder) and says false when the decrypt would abort,
 * or when nothing but line ends follows the IV: that reader then skips
 * line ends past the end of the data (fuzz-key: a size of -2 reached
 * malloc).  Hand-written: no library checks this for us. */
static bool legacy_pem_blocks_ok(const unsigned char *data, size_t len)
{
	static const struct {
		const char *name;
		gnutls_cipher_algorithm_t cipher;
	} ciphers[] = {
		{ "DES-CBC", GNUTLS_CIPHER_DES_CBC },
		{ "DES-EDE3-CBC", GNUTLS_CIPHER_3DES_CBC },
		{ "AES-128-CBC", GNUTLS_CIPHER_AES_128_CBC },
		{ "AES-192-CBC", GNUTLS_CIPHER_AES_192_CBC },
		{ "AES-256-CBC", GNUTLS_CIPHER_AES_256_CBC },
		{ "CAMELLIA-128-CBC", GNUTLS_CIPHER_CAMELLIA_128_CBC },
		{ "CAMELLIA-192-CBC", GNUTLS_CIPHER_CAMELLIA_192_CBC },
		{ "CAMELLIA-256-CBC", GNUTLS_CIPHER_CAMELLIA_256_CBC },
	};
	const unsigned char *end = data + len, *p;
	gnutls_cipher_algorithm_t cipher = GNUTLS_CIPHER_UNKNOWN;
	gnutls_datum_t b64, body = { NULL, 0 };
	size_t iv;
	bool ok;

	p = memmem(data, len, "PRIVATE KEY---", 14);
	if (p)
		p = memmem(p, (size_t)(end - p), "DEK-Info: ", 10);
	if (!p)
		return true;
	p += 10;
	for (size_t i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++) {
		size_t l = strlen(ciphers[i].name);
		if ((size_t)(end - p) > l && !memcmp(p, ciphers[i].name, l) && p[l] == ',') {
			cipher = ciphers[i].cipher;
			p += l + 1;
			break;
		}
	}
	if (cipher == GNUTLS_CIPHER_UNKNOWN)
		return true; /* refused before any decryption */
	iv = (size_t)gnutls_cipher_get_iv_size(cipher) * 2;
	if ((size_t)(end - p) < iv + 1)
		return true;
	p += iv;
	if (*p != '\r' && *p != '\n')
		return true;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p == end)
		return false;
	b64.data = (unsigned char *)p;
	b64.size = (unsigned)(end - p);
	if (gnutls_base64_decode2(&b64, &body) < 0)
		return true;
	ok = body.size < 16 || body.size % (unsigned)gnutls_cipher_get_block_size(cipher) == 0;
	gnutls_free(body.data);
	return ok;
}

/* An EC key without its public point, which GnuTLS 3.7 refuses (see
 * eckey.h): *x, which that refusal may have left half-filled, is
 * replaced by a new key holding the completed one.  PEM: the first
 * "PRIVATE KEY" or "EC PRIVATE KEY" block.  CK_E_UNSUPPORTED: not such
 * a key (err untouched); *x NULL only when out of memory. */
static enum ck_status import_bare_ec(gnutls_x509_privkey_t *x, const unsigned char *data,
				     size_t len, bool pem, struct ck_error *err)
{
	gnutls_datum_t in = { (unsigned char *)data, (unsigned)len }, der = { NULL, 0 };
	enum ck_status rc = CK_E_UNSUPPORTED;

	if (pem && gnutls_pem_base64_decode2("PRIVATE KEY", &in, &der) < 0 &&
	    gnutls_pem_base64_decode2("EC PRIVATE KEY", &in, &der) < 0)
		return CK_E_UNSUPPORTED;
	gnutls_x509_privkey_deinit(*x);
	if (gnutls_x509_privkey_init(x) < 0) {
		*x = NULL;
		rc = CK_E_NOMEM;
	} else {
		rc = ck_eckey_import_bare(*x, pem ? der.data : data, pem ? der.size : len, err);
	}
	if (der.data) {
		gnutls_memset(der.data, 0, der.size);
		gnutls_free(der.data);
	}
	return rc;
}

enum ck_status ck_key_decode(const unsigned char *data, size_t len, bool pem,
			     bool encrypted, const char *password, struct ck_key **out,
			     struct ck_error *err)
{
	gnutls_x509_privkey_t x = NULL;
	gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
	unsigned char *text = NULL;
	enum ck_status rc;
	int ret;

	if (encrypted && !password)
		return ck_error_set(err, CK_E_PASSWORD,
				    "the private key is encrypted and no password was given");
	if (encrypted && !pem) /* DER: only an EncryptedPrivateKeyInfo */
		return ck_key_from_encrypted_pkcs8(data, len, password, out, err);
	if (pem && !legacy_pem_blocks_ok(data, len))
		return ck_error_set(err, CK_E_PARSE, "private key cannot be decoded (the encrypted "
				    "data is missing or not a whole number of cipher blocks)");
	if (pem) {
		/* GnuTLS's PEM key readers scan text as C strings in places
		 * (the DEK-Info IV, line ends): give them a NUL to stop at. */
		text = malloc(len + 1);
		if (!text)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		memcpy(text, data, len);
		text[len] = 0;
		d.data = text;
	}
	if (pem && memmem(data, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37)) {
		/* an encrypted PKCS#8 key goes where a DER one goes */
		gnutls_datum_t der = { NULL, 0 };
		ret = gnutls_pem_base64_decode2("ENCRYPTED PRIVATE KEY", &d, &der);
		if (ret < 0) {
			rc = key_import_error(ret, true, err);
			goto out;
		}
		rc = ck_key_from_encrypted_pkcs8(der.data, der.size, password, out, err);
		gnutls_memset(der.data, 0, der.size);
		gnutls_free(der.data);
		goto out;
	}
	if (gnutls_x509_privkey_init(&x) < 0) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	ret = gnutls_x509_privkey_import2(x, &d, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
					  encrypted ? (password ? password : "") : NULL,
					  encrypted ? 0 : GNUTLS_PKCS_PLAIN);
	rc = CK_E_UNSUPPORTED;
	if (ret < 0 && !encrypted && (rc = import_bare_ec(&x, d.data, d.size, pem, err)) == CK_OK)
		ret = 0;
	if (rc == CK_E_NOMEM)
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
	else if (rc != CK_E_PARSE) /* (CK_E_PARSE: a bare EC key eckey has described) */
		rc = ret < 0 ? key_import_error(ret, encrypted, err) : key_finish(x, encrypted, out, err);
	gnutls_x509_privkey_deinit(x);
out:
	if (text) {
		gnutls_memset(text, 0, len);
		free(text);
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* encrypted PKCS#8 (the PBEs are pkcs12-kdf.c's) */

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
enum ck_status p12_epki_decrypt(const struct enc_data *ed, const char *pass,
				   struct kdf_budget *budget, struct ck_key **out,
				   struct ck_error *err)
{
	unsigned char *plain = NULL;
	size_t plain_len = 0;
	char alg[128];
	enum ck_status rc;

	rc = p12_pbe_decrypt(&ed->pbe, pass, ed->ct, ed->ct_len, budget, &plain, &plain_len, err);
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
	enum ck_status rc = p12_epki_parse(der, len, what, &ed, known, err);

	if (!rc)
		rc = p12_epki_decrypt(&ed, pass, NULL, out, err);
	free(ed.ct);
	return rc;
}

enum ck_status ck_key_from_encrypted_pkcs8(const unsigned char *der, size_t len,
					   const char *password, struct ck_key **out,
					   struct ck_error *err)
{
	gnutls_x509_privkey_t x = NULL;
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	enum ck_status rc;
	bool known = false;
	int ret;

	/* libcore's PBE code first (see ck_pkcs8_decrypt for why); GnuTLS
	 * for what it does not know (older PBES1 ciphers, GOST) and for a
	 * structure it cannot read, whose message GnuTLS words */
	rc = ck_pkcs8_decrypt(der, len, password, "encrypted private key", &known, out, err);
	if (known)
		return rc;
	ck_error_clear(err);
	if (gnutls_x509_privkey_init(&x) < 0)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ret = gnutls_x509_privkey_import_pkcs8(x, &d, GNUTLS_X509_FMT_DER, password,
					       password ? 0 : GNUTLS_PKCS_NULL_PASSWORD);
	rc = ret < 0 ? key_import_error(ret, true, err) : key_finish(x, true, out, err);
	gnutls_x509_privkey_deinit(x);
	return rc;
}

/* For outside callers (PKCS#12 key bags, fuzz-key): a DER key is
 * encrypted when it sniffs as an EncryptedPrivateKeyInfo, so DER that
 * only starts like one (SEQUENCE { SEQUENCE, not an OCTET STRING }) is a
 * key that cannot be decoded, not one that needs a password. */
enum ck_status ck_key_parse(const unsigned char *data, size_t len, bool pem,
			    const char *password, struct ck_key **out,
			    struct ck_error *err)
{
	bool encrypted = pem ? ck_key_pem_is_encrypted(data, len)
			     : ck_der_sniff(data, len, NULL) == CK_DER_ENCRYPTED_KEY;

	return ck_key_decode(data, len, pem, encrypted, password, out, err);
}

