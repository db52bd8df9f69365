/* pkcs12-write — write a PFX (for pem2pfx, certconv, truststore): see
 * the layout below and ck_pkcs12_write() in pkcs12.h. */
#include "config.h"

#include "pkcs12.h"
#include "pkcs12-int.h"
#include "der.h"
#include "export.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		unsigned char *bmp = p12_bmp_password(friendly_name, &bmp_len);
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
		rc = p12_pbe_new(prof->cert_cipher, o->iterations, &p, err);
	if (!rc)
		rc = p12_pbe_encrypt(&p, o->password, sc_der, sc_len, &ct, &ct_len, err);
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

	rc = p12_pbe_new(prof->key_cipher, o->iterations, &p, err);
	if (!rc)
		rc = p12_pbe_encrypt(&p, o->password, key->pkcs8, key->pkcs8_len, &ct, &ct_len, err);
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
	bmp = p12_bmp_password(o->password, &bmp_len);
	if (!bmp)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (!p12_kdf(prof->mac_hash, 3, bmp, bmp_len, salt, sizeof salt, o->iterations, key,
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
	struct ck_bundle *b = calloc(1, sizeof *b);
	struct ck_error rerr;
	enum ck_status rc;
	bool same;

	if (!b)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ck_error_clear(&rerr);
	/* our own file: its derivations are what --iterations asked for */
	rc = ck_pkcs12_load(b, der, len, &pw, ULLONG_MAX, &rerr);
	if (rc) {
		ck_bundle_free(b);
		return ck_error_set(err, CK_E_INTERNAL, "the PKCS#12 file written does not read back: %s",
				    rerr.what);
	}
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
	unsigned char sha1[20];
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
	if (key && keyed >= 0)
		ck_cert_sha1(certs[keyed], sha1);
	rc = w_attrs_make(o.friendly_name, key && keyed >= 0 ? sha1 : NULL, 20,
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
