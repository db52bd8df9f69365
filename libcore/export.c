/* export — PEM, PKCS#7, base64 and PKCS#8 output, into memory.
 *
 * PEM and base64 are GnuTLS's encoders; an encrypted PKCS#8 key is
 * GnuTLS's writer.  The PKCS#7 SignedData is assembled with libtasn1
 * (pkix.asn) rather than with gnutls_pkcs7_*: GnuTLS sorts the
 * certificates as DER sorts a SET OF, losing the chain order, and
 * labels the empty content digestedData instead of data. */
#include "config.h"

#include "export.h"
#include "der.h"
#include "jks.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OID_PKCS7_DATA "1.2.840.113549.1.7.1"
#define OID_PKCS7_SIGNED "1.2.840.113549.1.7.2"

void ck_buf_init(struct ck_buf *b)
{
	memset(b, 0, sizeof *b);
}

void ck_buf_cleanup(struct ck_buf *b)
{
	if (b->data) {
		gnutls_memset(b->data, 0, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof *b);
}

/* Grows by copying, so that no secret is left behind in a block that
 * realloc() would free without wiping. */
enum ck_status ck_buf_append(struct ck_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return CK_OK;
	if (b->len + n < b->len)
		return CK_E_NOMEM;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		unsigned char *nd;
		while (cap < b->len + n) {
			if (cap > (size_t)-1 / 2)
				return CK_E_NOMEM;
			cap *= 2;
		}
		nd = malloc(cap);
		if (!nd)
			return CK_E_NOMEM;
		if (b->len)
			memcpy(nd, b->data, b->len);
		if (b->data) {
			gnutls_memset(b->data, 0, b->cap);
			free(b->data);
		}
		b->data = nd;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return CK_OK;
}

static enum ck_status append_datum(struct ck_buf *out, gnutls_datum_t *d, struct ck_error *err)
{
	enum ck_status rc = ck_buf_append(out, d->data, d->size);
	gnutls_memset(d->data, 0, d->size);
	gnutls_free(d->data);
	d->data = NULL;
	if (rc)
		return ck_error_set(err, rc, "out of memory");
	return CK_OK;
}

enum ck_status ck_export_pem(const char *label, const unsigned char *der, size_t len,
			     struct ck_buf *out, struct ck_error *err)
{
	gnutls_datum_t in = { (unsigned char *)der, (unsigned)len }, res = { NULL, 0 };
	int ret;

	if (len > 0x7fffffffu)
		return ck_error_set(err, CK_E_TOO_LARGE, "value too large for PEM");
	ret = gnutls_pem_base64_encode2(label, &in, &res);
	if (ret < 0)
		return ck_error_set(err, CK_E_INTERNAL, "PEM encoding failed (%s)",
				    gnutls_strerror(ret));
	return append_datum(out, &res, err);
}

/* "# name: value\n", with control characters and the first hyphen of
 * "-----" replaced, so that a friendly name can neither end the comment
 * line nor be taken for a PEM boundary. */
static enum ck_status comment_line(struct ck_buf *out, const char *name, const char *value,
				   struct ck_error *err)
{
	enum ck_status rc = ck_buf_append(out, "# ", 2);
	if (!rc)
		rc = ck_buf_append(out, name, strlen(name));
	if (!rc)
		rc = ck_buf_append(out, ": ", 2);
	for (const unsigned char *p = (const unsigned char *)value; !rc && *p; p++) {
		unsigned char ch = *p < 0x20 || *p == 0x7f ? '?' : *p;
		if (strncmp((const char *)p, "-----", 5) == 0)
			ch = '?';
		rc = ck_buf_append(out, &ch, 1);
	}
	if (!rc)
		rc = ck_buf_append(out, "\n", 1);
	return rc ? ck_error_set(err, rc, "out of memory") : CK_OK;
}

static enum ck_status attribute_lines(struct ck_buf *out, const char *friendly_name,
				      const unsigned char *key_id, size_t key_id_len,
				      struct ck_error *err)
{
	enum ck_status rc = CK_OK;
	if (friendly_name)
		rc = comment_line(out, "friendlyName", friendly_name, err);
	if (!rc && key_id && key_id_len) {
		char *hex = ck_hex(key_id, key_id_len);
		if (!hex)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		rc = comment_line(out, "localKeyID", hex, err);
		free(hex);
	}
	return rc;
}

enum ck_status ck_export_cert_pem(const struct ck_cert *cert, bool attributes,
				  struct ck_buf *out, struct ck_error *err)
{
	enum ck_status rc = CK_OK;
	if (attributes)
		rc = attribute_lines(out, cert->friendly_name, cert->local_key_id,
				     cert->local_key_id_len, err);
	if (!rc)
		rc = ck_export_pem("CERTIFICATE", cert->der, cert->der_len, out, err);
	return rc;
}

static enum ck_status encrypted_pkcs8(const struct ck_key *key, const char *password,
				      struct ck_buf *out, struct ck_error *err)
{
	gnutls_x509_privkey_t x = NULL;
	gnutls_datum_t in = { key->pkcs8, (unsigned)key->pkcs8_len }, res = { NULL, 0 };
	enum ck_status rc = CK_OK;
	int ret;

	if (gnutls_x509_privkey_init(&x) < 0)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ret = gnutls_x509_privkey_import_pkcs8(x, &in, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN);
	if (ret >= 0)
		ret = gnutls_x509_privkey_export2_pkcs8(x, GNUTLS_X509_FMT_PEM, password,
							GNUTLS_PKCS_PBES2_AES_256, &res);
	if (ret < 0)
		rc = ck_error_set(err, CK_E_INTERNAL, "the private key cannot be encrypted (%s)",
				  gnutls_strerror(ret));
	else
		rc = append_datum(out, &res, err);
	gnutls_x509_privkey_deinit(x);
	return rc;
}

enum ck_status ck_export_key_pem(const struct ck_key *key, const char *password,
				 bool attributes, struct ck_buf *out, struct ck_error *err)
{
	enum ck_status rc = CK_OK;
	if (attributes)
		rc = attribute_lines(out, key->friendly_name, key->local_key_id,
				     key->local_key_id_len, err);
	if (rc)
		return rc;
	if (password)
		return encrypted_pkcs8(key, password, out, err);
	return ck_export_pem("PRIVATE KEY", key->pkcs8, key->pkcs8_len, out, err);
}

enum ck_status ck_export_pkcs7(const struct ck_cert *const *certs, size_t ncerts,
			       struct ck_buf *out, struct ck_error *err)
{
	asn1_node ci = NULL;
	unsigned char *der = NULL;
	size_t der_len = 0;
	enum ck_status rc;

	rc = ck_der_create("CHAINKIT.CertsOnlyContentInfo", &ci, err);
	if (!rc)
		rc = ck_der_write(ci, "contentType", OID_PKCS7_SIGNED, 1, err);
	if (!rc)
		rc = ck_der_write(ci, "content.version", "1", 0, err);
	if (!rc)
		rc = ck_der_write(ci, "content.encapContentInfo.eContentType", OID_PKCS7_DATA, 1, err);
	if (!rc)
		rc = ck_der_write(ci, "content.encapContentInfo.eContent", NULL, 0, err);
	if (!rc && ncerts == 0)
		rc = ck_der_write(ci, "content.certificates", NULL, 0, err);
	for (size_t i = 0; i < ncerts && !rc; i++) {
		rc = ck_der_write(ci, "content.certificates", "NEW", 1, err);
		if (!rc)
			rc = ck_der_write(ci, "content.certificates.?LAST", certs[i]->der,
					  certs[i]->der_len, err);
	}
	if (!rc)
		rc = ck_der_encode(ci, "", &der, &der_len, err);
	if (!rc && ck_buf_append(out, der, der_len))
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
	free(der);
	asn1_delete_structure(&ci);
	return rc;
}

enum ck_status ck_export_base64(const unsigned char *data, size_t len,
				struct ck_buf *out, struct ck_error *err)
{
	gnutls_datum_t in = { (unsigned char *)data, (unsigned)len }, res = { NULL, 0 };
	enum ck_status rc;
	int ret;

	if (len > 0x7fffffffu)
		return ck_error_set(err, CK_E_TOO_LARGE, "value too large for base64");
	ret = gnutls_base64_encode2(&in, &res);
	if (ret < 0)
		return ck_error_set(err, CK_E_INTERNAL, "base64 encoding failed (%s)",
				    gnutls_strerror(ret));
	rc = append_datum(out, &res, err);
	if (!rc && ck_buf_append(out, "\n", 1))
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
	return rc;
}

/* ---------------------------------------------------------------- */
/* OpenSSL's subject hash */

static enum ck_status tlv(struct ck_buf *b, unsigned char tag, const void *p, size_t n)
{
	unsigned char hdr[6];
	size_t h = 0;

	hdr[h++] = tag;
	if (n < 0x80) {
		hdr[h++] = (unsigned char)n;
	} else if (n < 0x100) {
		hdr[h++] = 0x81;
		hdr[h++] = (unsigned char)n;
	} else if (n < 0x10000) {
		hdr[h++] = 0x82;
		hdr[h++] = (unsigned char)(n >> 8);
		hdr[h++] = (unsigned char)n;
	} else if (n < 0x1000000) {
		hdr[h++] = 0x83;
		hdr[h++] = (unsigned char)(n >> 16);
		hdr[h++] = (unsigned char)(n >> 8);
		hdr[h++] = (unsigned char)n;
	} else {
		return CK_E_TOO_LARGE;
	}
	if (ck_buf_append(b, hdr, h) || ck_buf_append(b, p, n))
		return CK_E_NOMEM;
	return CK_OK;
}

static enum ck_status put_utf8(struct ck_buf *b, unsigned long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp < 0x110000) {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		return CK_E_PARSE;
	}
	return ck_buf_append(b, u, n);
}

/* A string value as UTF-8, as ASN1_STRING_to_UTF8 converts it: one byte
 * per character for PrintableString, T61String, IA5String and
 * VisibleString, two for BMPString, four for UniversalString. */
static enum ck_status string_utf8(unsigned long tag, const unsigned char *p, size_t n,
				  struct ck_buf *b)
{
	size_t width = tag == CK_TAG_UTF8 ? 0 : tag == 30 ? 2 : tag == 28 ? 4 : 1;
	enum ck_status rc = CK_OK;

	if (width == 0)
		return ck_buf_append(b, p, n);
	if (n % width)
		return CK_E_PARSE;
	for (size_t i = 0; i < n && !rc; i += width) {
		unsigned long cp = 0;
		for (size_t k = 0; k < width; k++)
			cp = cp << 8 | p[i + k];
		rc = put_utf8(b, cp);
	}
	return rc;
}

static bool c_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* OpenSSL's asn1_string_canon over UTF-8: leading and trailing white
 * space dropped, each run inside made one space, ASCII lowercased,
 * other bytes kept. */
static enum ck_status canon_string(const unsigned char *p, size_t n, struct ck_buf *out)
{
	enum ck_status rc = CK_OK;

	while (n && c_space(p[0])) {
		p++;
		n--;
	}
	while (n && c_space(p[n - 1]))
		n--;
	for (size_t i = 0; i < n && !rc;) {
		unsigned char c = p[i];
		if (c >= 0x80) {
			rc = ck_buf_append(out, &c, 1);
			i++;
		} else if (c_space(c)) {
			rc = ck_buf_append(out, " ", 1);
			while (i < n && c_space(p[i]))
				i++;
		} else {
			c = (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			rc = ck_buf_append(out, &c, 1);
			i++;
		}
	}
	return rc;
}

static bool canon_type(unsigned long tag)
{
	/* UTF8String, PrintableString, T61String, IA5String, VisibleString,
	 * UniversalString, BMPString: OpenSSL's ASN1_MASK_CANON */
	return tag == 12 || tag == 19 || tag == 20 || tag == 22 || tag == 26 || tag == 28 || tag == 30;
}

/* One AttributeTypeAndValue in canonical form, appended to `out`. */
static enum ck_status canon_ava(const unsigned char *p, size_t n, struct ck_buf *out,
				struct ck_error *err)
{
	struct ck_tlv t, v;
	struct ck_buf val, canon, seq;
	enum ck_status rc;

	ck_buf_init(&val);
	ck_buf_init(&canon);
	ck_buf_init(&seq);
	rc = ck_der_read(p, n, false, 0, &t, err);
	if (!rc && (t.cls != 0 || t.tag != CK_TAG_OID))
		rc = ck_error_set(err, CK_E_PARSE, "a name's attribute has no type");
	if (!rc)
		rc = ck_der_read(p + t.hdr_len + t.len, n - t.hdr_len - t.len, false, 0, &v, err);
	if (rc)
		goto out;
	if (v.cls == 0 && !v.constructed && canon_type(v.tag)) {
		const unsigned char *vp = p + t.hdr_len + t.len + v.hdr_len;
		rc = string_utf8(v.tag, vp, v.len, &val);
		if (!rc)
			rc = canon_string(val.data, val.len, &canon);
		if (!rc)
			rc = ck_buf_append(&seq, p, t.hdr_len + t.len);
		if (!rc)
			rc = tlv(&seq, 0x0c, canon.data, canon.len);
	} else {
		rc = ck_buf_append(&seq, p, n);
	}
	if (!rc)
		rc = tlv(out, 0x30, seq.data, seq.len);
	if (rc && !err->what[0])
		ck_error_set(err, rc, "a name's attribute cannot be put in canonical form");
out:
	ck_buf_cleanup(&val);
	ck_buf_cleanup(&canon);
	ck_buf_cleanup(&seq);
	return rc;
}

struct piece {
	const unsigned char *p;
	size_t n;
};

/* DER's SET OF order: as octet strings, a shorter prefix first. */
static int piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, n);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* One RelativeDistinguishedName (the SET's content) in canonical form,
 * as a SET TLV appended to `out`. */
static enum ck_status canon_rdn(const unsigned char *p, size_t n, struct ck_buf *out,
				struct ck_error *err)
{
	struct ck_buf avas, set;
	struct piece pieces[64];
	size_t np = 0, offs[64];
	enum ck_status rc = CK_OK;

	ck_buf_init(&avas);
	ck_buf_init(&set);
	for (size_t i = 0; i < n && !rc;) {
		struct ck_tlv a;
		rc = ck_der_read(p + i, n - i, false, 0, &a, err);
		if (!rc && np == 64)
			rc = ck_error_set(err, CK_E_PARSE, "a name's RDN has more than 64 attributes");
		if (rc)
			break;
		offs[np++] = avas.len;
		rc = canon_ava(p + i + a.hdr_len, a.len, &avas, err);
		i += a.hdr_len + a.len;
	}
	for (size_t k = 0; k < np && !rc; k++) {
		pieces[k].p = avas.data + offs[k];
		pieces[k].n = (k + 1 < np ? offs[k + 1] : avas.len) - offs[k];
	}
	if (!rc)
		qsort(pieces, np, sizeof *pieces, piece_cmp);
	for (size_t k = 0; k < np && !rc; k++)
		rc = ck_buf_append(&set, pieces[k].p, pieces[k].n);
	if (!rc)
		rc = tlv(out, 0x31, set.data, set.len);
	ck_buf_cleanup(&avas);
	ck_buf_cleanup(&set);
	return rc;
}

enum ck_status ck_export_name_hash(const struct ck_cert *c, unsigned long *out,
				   struct ck_error *err)
{
	const unsigned char *name = ck_cert_span(c, c->subject_raw);
	struct ck_buf canon;
	struct ck_tlv seq = { 0 };
	unsigned char md[20];
	enum ck_status rc;

	ck_buf_init(&canon);
	rc = ck_der_read(name, c->subject_raw.len, false, 0, &seq, err);
	/* the RDNs one after the other: OpenSSL leaves out the outer SEQUENCE */
	for (size_t i = seq.hdr_len; !rc && i < seq.hdr_len + seq.len;) {
		struct ck_tlv r = { 0 };
		rc = ck_der_read(name + i, seq.hdr_len + seq.len - i, false, 0, &r, err);
		if (rc)
			break;
		rc = canon_rdn(name + i + r.hdr_len, r.len, &canon, err);
		i += r.hdr_len + r.len;
	}
	if (!rc && gnutls_hash_fast(GNUTLS_DIG_SHA1, canon.data, canon.len, md) < 0)
		rc = ck_error_set(err, CK_E_INTERNAL, "SHA-1 failed");
	if (rc == CK_E_NOMEM)
		ck_error_set(err, rc, "out of memory");
	if (!rc)
		*out = (unsigned long)md[0] | (unsigned long)md[1] << 8 | (unsigned long)md[2] << 16 |
		       (unsigned long)md[3] << 24;
	ck_buf_cleanup(&canon);
	return rc;
}

/* ---------------------------------------------------------------- */
/* JKS
 *
 * Written here by hand: no library writes Sun's JKS.  The format (as
 * sun.security.provider.JavaKeyStore.engineStore writes it):
 *   u32 magic 0xFEEDFEED, u32 version 2, u32 number of entries;
 *   per trusted-certificate entry: u32 tag 2, alias (writeUTF: u16
 *   length and the bytes), u64 date (ms since 1970), certificate type
 *   "X.509" (writeUTF), u32 length and the DER;
 *   20 bytes: SHA-1 over the password as UTF-16BE, the bytes of
 *   "Mighty Aphrodite", then everything above. */

static enum ck_status put_u32(struct ck_buf *b, unsigned long v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	return ck_buf_append(b, x, 4);
}

/* writeUTF: Java's modified UTF-8 equals UTF-8 for characters of the
 * BMP other than NUL, which a C string cannot hold; aliases come from
 * keystores (BMP) or are hex. */
static enum ck_status put_utf(struct ck_buf *b, const char *s)
{
	size_t n = strlen(s);
	unsigned char x[2] = { (unsigned char)(n >> 8), (unsigned char)n };
	if (n > 0xffff)
		return CK_E_TOO_LARGE;
	if (ck_buf_append(b, x, 2))
		return CK_E_NOMEM;
	return ck_buf_append(b, s, n);
}

enum ck_status ck_export_jks(const struct ck_cert *const *certs, const char *const *aliases,
			     size_t ncerts, const char *password, time_t date,
			     struct ck_buf *out, struct ck_error *err)
{
	struct ck_buf body, mac;
	unsigned long long ms = (unsigned long long)date * 1000ULL;
	unsigned char md[20];
	enum ck_status rc;

	ck_buf_init(&body);
	ck_buf_init(&mac);
	rc = put_u32(&body, 0xfeedfeedUL);
	if (!rc)
		rc = put_u32(&body, 2);
	if (!rc)
		rc = put_u32(&body, (unsigned long)ncerts);
	for (size_t i = 0; i < ncerts && !rc; i++) {
		rc = put_u32(&body, 2);
		if (!rc)
			rc = put_utf(&body, aliases[i]);
		if (!rc)
			rc = put_u32(&body, (unsigned long)(ms >> 32));
		if (!rc)
			rc = put_u32(&body, (unsigned long)(ms & 0xffffffffULL));
		if (!rc)
			rc = put_utf(&body, "X.509");
		if (!rc)
			rc = put_u32(&body, (unsigned long)certs[i]->der_len);
		if (!rc)
			rc = ck_buf_append(&body, certs[i]->der, certs[i]->der_len);
	}
	if (!rc) {
		size_t ulen = 0;
		bool lossy = false;
		unsigned char *u = ck_jks_password_utf16be(password, &ulen, &lossy);
		if (!u)
			rc = CK_E_NOMEM;
		else if (!lossy)
			rc = ck_buf_append(&mac, u, ulen);
		if (u) {
			gnutls_memset(u, 0, ulen);
			free(u);
		}
		if (lossy) {
			rc = ck_error_set(err, CK_E_PARSE, "the keystore password is not UTF-8");
			goto out;
		}
	}
	if (!rc)
		rc = ck_buf_append(&mac, "Mighty Aphrodite", 16);
	if (!rc)
		rc = ck_buf_append(&mac, body.data, body.len);
	if (!rc && gnutls_hash_fast(GNUTLS_DIG_SHA1, mac.data, mac.len, md) < 0)
		rc = CK_E_INTERNAL;
	if (!rc)
		rc = ck_buf_append(&body, md, sizeof md);
	if (!rc)
		rc = ck_buf_append(out, body.data, body.len);
	if (rc)
		ck_error_set(err, rc, rc == CK_E_NOMEM ? "out of memory" : "the keystore cannot be written");
out:
	ck_buf_cleanup(&body);
	ck_buf_cleanup(&mac);
	return rc;
}
