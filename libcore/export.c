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
