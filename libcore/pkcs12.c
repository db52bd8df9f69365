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
#include "pkcs12-int.h"
#include "der.h"
#include "key.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		rc = p12_epki_parse(val, len, "shrouded key bag", &ed, NULL, err);
		if (!rc) {
			p12_pbe_describe(&ed.pbe, "key", &bi);
			if (add_bag_info(w->info, &bi))
				rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		}
		if (!rc)
			rc = p12_epki_decrypt(&ed, w->pass, w->budget, &k, err);
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
	rc = p12_pbe_parse(node, "encryptedContentInfo.contentEncryptionAlgorithm", &ed->pbe, err);
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
			rc = p12_pbe_decrypt(&ed.pbe, w->pass, ed.ct, ed.ct_len, w->budget, &plain,
					 &plain_len, err);
		if (rc == CK_E_BAD_PASSWORD && w->confirmed)
			rc = ck_error_set(err, CK_E_PARSE,
					  "encrypted content does not decrypt with the password that opens the rest of the file: the file is corrupt");
		if (!rc)
			rc = walk_safe_contents(w, plain, plain_len, 1, err);
		if (!rc) {
			content_label(w->certs, w->keys, label, sizeof label);
			p12_pbe_describe(&ed.pbe, label, &bi);
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
			found = !p12_epki_parse(val, val_len, "shrouded key bag", ed, NULL, NULL);
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
		rc = p12_epki_decrypt(&p->probe, pass, &p->budget, &k, err);
		ck_key_free(k);
		return rc;
	} else {
		unsigned char *plain = NULL;
		size_t plain_len = 0;
		asn1_node sc = NULL;
		rc = p12_pbe_decrypt(&p->probe.pbe, pass, p->probe.ct, p->probe.ct_len, &p->budget,
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
	h = p12_find_digest(oid);
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
	enum ck_status rc = p12_kdf_spend(&p->budget, p->mac_iter, err);

	*ok = false;
	if (rc)
		return rc;
	if (p->gp) {
		*ok = gnutls_pkcs12_verify_mac(p->gp, pass) >= 0;
		return CK_OK;
	}
	bmp = p12_bmp_password(pass, &bmp_len);
	if (!bmp)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	*ok = p12_kdf(p->mac_hash, 3, bmp, bmp_len, p->mac_salt, p->mac_salt_len, p->mac_iter,
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
