/* pkiserve — the set of resources aiaserve serves, built from files.
 *
 * Everything is read and converted once, before the server starts: a
 * request only looks a path up (a linear scan; a PKI has a handful of
 * CAs) and sends bytes that never change while it runs. */
#include "config.h"

#include "pkiserve.h"
#include "der.h"

#include <dirent.h>
#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void ck_serve_set_init(struct ck_serve_set *s)
{
	s->items = NULL;
	s->n = 0;
}

static void item_cleanup(struct ck_serve_item *it)
{
	free(it->path);
	free(it->data);
	free(it->subject);
	free(it->source);
}

void ck_serve_set_cleanup(struct ck_serve_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		item_cleanup(&s->items[i]);
	free(s->items);
	ck_serve_set_init(s);
}

const char *ck_serve_content_type(enum ck_serve_kind kind)
{
	switch (kind) {
	case CK_SERVE_CERT:
		return "application/pkix-cert";
	case CK_SERVE_P7C:
		return "application/pkcs7-mime";
	default:
		return "application/pkix-crl";
	}
}

const char *ck_serve_kind_name(enum ck_serve_kind kind)
{
	switch (kind) {
	case CK_SERVE_CERT:
		return "certificate";
	case CK_SERVE_P7C:
		return "pkcs7";
	default:
		return "crl";
	}
}

const struct ck_serve_item *ck_serve_find(const struct ck_serve_set *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->items[i].path, path))
			return &s->items[i];
	return NULL;
}

const struct ck_serve_item *ck_serve_other(const struct ck_serve_set *s,
					   const struct ck_serve_item *it)
{
	size_t at = (size_t)(it - s->items);

	for (size_t k = 1; k < s->n; k++) {
		const struct ck_serve_item *o = &s->items[(at + k) % s->n];
		if (o->kind == it->kind && strcmp(o->subject, it->subject))
			return o;
	}
	return NULL;
}

/* "Test Intermediate CA" -> "test-intermediate-ca"; NULL when nothing
 * of it is left. */
static char *slug(const char *name)
{
	size_t n = strlen(name), j = 0;
	char *s = malloc(n + 1);
	bool dash = false;

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && j)
				s[j++] = '-';
			s[j++] = c;
			dash = false;
		} else {
			dash = true;
		}
	}
	s[j] = '\0';
	if (!j) {
		free(s);
		return NULL;
	}
	return s;
}

/* The file's name without its directory and its last extension. */
static char *base_name(const char *path)
{
	const char *b = strrchr(path, '/'), *dot;
	char *s;

	b = b ? b + 1 : path;
	s = strdup(b);
	if (s && (dot = strrchr(s, '.')) && dot != s)
		s[dot - s] = '\0';
	return s;
}

/* Add one item; `data` is copied.  A path already there with the same
 * bytes is not added again. */
static enum ck_status add_item(struct ck_serve_set *s, const char *base, const char *ext,
			       enum ck_serve_kind kind, const unsigned char *data, size_t len,
			       const char *subject, const char *source, struct ck_error *err)
{
	struct ck_serve_item it = { 0 }, *grown;
	const struct ck_serve_item *old;
	size_t plen = strlen(base) + strlen(ext) + 2;

	it.path = malloc(plen);
	if (!it.path)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	snprintf(it.path, plen, "/%s%s", base, ext);
	if ((old = ck_serve_find(s, it.path))) {
		enum ck_status rc = CK_OK;
		if (old->len != len || memcmp(old->data, data, len))
			rc = ck_error_set(err, CK_E_USAGE, "%s would be served from %s and from %s, which differ",
					  it.path, old->source, source);
		free(it.path);
		return rc;
	}
	it.kind = kind;
	it.data = malloc(len ? len : 1);
	it.subject = strdup(subject);
	it.source = strdup(source);
	grown = realloc(s->items, (s->n + 1) * sizeof *s->items);
	if (!it.data || !it.subject || !it.source || !grown) {
		if (grown)
			s->items = grown;
		item_cleanup(&it);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	memcpy(it.data, data, len);
	it.len = len;
	it.kind = kind;
	s->items = grown;
	s->items[s->n++] = it;
	return CK_OK;
}

/* The name of the i-th of `count` things in `file`: the file's base name
 * when it holds one thing, else the commonName's slug (the base name and
 * the position when there is none). */
static char *item_name(const char *file, size_t count, size_t i, const char *cn)
{
	char *base = base_name(file), *s;
	size_t n;

	if (!base || count == 1)
		return base;
	if (cn && (s = slug(cn))) {
		free(base);
		return s;
	}
	n = strlen(base) + 24;
	s = malloc(n);
	if (s)
		snprintf(s, n, "%s-%zu", base, i + 1);
	free(base);
	return s;
}

static char *crt_cn(const struct ck_cert *c)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d = { (unsigned char *)c->der, (unsigned)c->der_len };
	char buf[256];
	size_t n = sizeof buf;
	char *cn = NULL;

	if (gnutls_x509_crt_init(&crt) == 0 && gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &n) == 0)
		cn = strdup(buf);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	return cn;
}

/* A certs-only PKCS#7 SignedData holding one certificate, DER. */
static enum ck_status make_p7c(const struct ck_cert *c, gnutls_datum_t *out, struct ck_error *err)
{
	gnutls_pkcs7_t p7 = NULL;
	gnutls_datum_t d = { (unsigned char *)c->der, (unsigned)c->der_len };
	enum ck_status rc = CK_OK;

	if (gnutls_pkcs7_init(&p7) < 0 || gnutls_pkcs7_set_crt_raw(p7, &d) < 0 ||
	    gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, out) < 0)
		rc = ck_error_set(err, CK_E_INTERNAL, "cannot build the PKCS#7 of %s", c->subject);
	if (p7)
		gnutls_pkcs7_deinit(p7);
	return rc;
}

/* The CRLs of a file: every "X509 CRL" PEM block, or the whole file as
 * one DER CRL.  0 CRLs is not an error. */
static enum ck_status add_crls(struct ck_serve_set *s, const char *file, const unsigned char *data,
			       size_t len, size_t ncerts, size_t *ncrls, struct ck_error *err)
{
	gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
	gnutls_x509_crl_t *crls = NULL, one = NULL;
	unsigned n = 0;
	enum ck_status rc = CK_OK;

	*ncrls = 0;
	if (memmem(data, len, "-----BEGIN X509 CRL-----", 24)) {
		int r = gnutls_x509_crl_list_import2(&crls, &n, &d, GNUTLS_X509_FMT_PEM, 0);
		if (r < 0)
			return ck_error_set(err, CK_E_PARSE, "not a readable CRL: %s", gnutls_strerror(r));
	} else if (gnutls_x509_crl_init(&one) == 0 &&
		   gnutls_x509_crl_import(one, &d, GNUTLS_X509_FMT_DER) == 0) {
		crls = &one;
		n = 1;
	}
	for (unsigned i = 0; i < n && rc == CK_OK; i++) {
		gnutls_datum_t der = { NULL, 0 }, dn = { NULL, 0 };
		char buf[256], *name = NULL;
		size_t bn = sizeof buf;
		bool have_cn = gnutls_x509_crl_get_issuer_dn_by_oid(crls[i], GNUTLS_OID_X520_COMMON_NAME, 0, 0,
								    buf, &bn) == 0;

		if (gnutls_x509_crl_export2(crls[i], GNUTLS_X509_FMT_DER, &der) < 0 ||
		    gnutls_x509_crl_get_issuer_dn3(crls[i], &dn, 0) < 0)
			rc = ck_error_set(err, CK_E_PARSE, "CRL %u cannot be re-encoded", i + 1);
		else if (!(name = item_name(file, ncerts + n, i, have_cn ? buf : NULL)))
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		else
			rc = add_item(s, name, ".crl", CK_SERVE_CRL, der.data, der.size, (char *)dn.data,
				      file, err);
		free(name);
		gnutls_free(der.data);
		gnutls_free(dn.data);
	}
	if (rc == CK_OK)
		*ncrls = n;
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crl_deinit(crls[i]);
	if (crls && crls != &one)
		gnutls_free(crls);
	if (one && !n)
		gnutls_x509_crl_deinit(one);
	return rc;
}

static enum ck_status add_certs(struct ck_serve_set *s, const char *file, const struct ck_bundle *b,
				size_t ncrls, struct ck_error *err)
{
	enum ck_status rc = CK_OK;

	for (size_t i = 0; i < b->ncerts && rc == CK_OK; i++) {
		const struct ck_cert *c = b->certs[i];
		char *cn = crt_cn(c), *name = item_name(file, b->ncerts + ncrls, i, cn);
		gnutls_datum_t p7 = { NULL, 0 };

		if (!name)
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		else if ((rc = add_item(s, name, ".crt", CK_SERVE_CERT, c->der, c->der_len, c->subject,
					file, err)) == CK_OK &&
			 (rc = make_p7c(c, &p7, err)) == CK_OK)
			rc = add_item(s, name, ".p7c", CK_SERVE_P7C, p7.data, p7.size, c->subject, file, err);
		gnutls_free(p7.data);
		free(cn);
		free(name);
	}
	return rc;
}

/* One file.  `in_dir`: a file that holds nothing to serve is skipped. */
static enum ck_status add_file(struct ck_serve_set *s, const char *file, const struct ck_load_opts *opts,
			       bool in_dir, struct ck_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0, ncrls = 0;
	struct ck_bundle *b = NULL;
	struct ck_load_opts lo = *opts;
	struct ck_error lerr;
	enum ck_status rc;

	ck_error_clear(&lerr);
	rc = ck_read_file(file, opts->max_size ? opts->max_size : CK_LOAD_MAX_SIZE_DEFAULT, &data, &len,
			  err);
	if (rc)
		goto out;
	if ((rc = add_crls(s, file, data, len, 0, &ncrls, err)))
		goto out;
	lo.allow_empty = true;
	if (!ncrls || memmem(data, len, "-----BEGIN", 10)) {
		rc = ck_bundle_load_mem(data, len, file, &lo, &b, &lerr);
		if (rc == CK_OK) {
			if ((rc = add_certs(s, file, b, ncrls, err)))
				goto out;
		} else if (ncrls || in_dir) {
			rc = CK_OK; /* CRLs only, or a key or notes in a directory */
		} else {
			*err = lerr;
			goto out;
		}
	}
	if (!ncrls && (!b || !b->ncerts) && !in_dir)
		rc = ck_error_set(err, CK_E_PARSE, "holds no certificate and no CRL");
out:
	if (rc && !err->file[0])
		ck_error_set_file(err, file);
	ck_bundle_free(b);
	if (data)
		explicit_bzero(data, len); /* it may hold a key */
	free(data);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum ck_status add_dir(struct ck_serve_set *s, const char *dir, const struct ck_load_opts *opts,
			      struct ck_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	enum ck_status rc = CK_OK;

	if (!d) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot open the directory");
		ck_error_set_file(err, dir);
		return rc;
	}
	while ((e = readdir(d))) {
		char **grown;
		if (e->d_name[0] == '.')
			continue;
		grown = realloc(names, (n + 1) * sizeof *names);
		if (!grown || !(grown[n] = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
			names = grown ? grown : names;
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		names = grown;
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n && rc == CK_OK; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			rc = add_file(s, names[i], opts, true, err);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

enum ck_status ck_serve_add(struct ck_serve_set *s, const char *path,
			    const struct ck_load_opts *opts, struct ck_error *err)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return add_dir(s, path, opts, err);
	return add_file(s, path, opts, false, err);
}

/* Time as RFC 5280 wants it: UTCTime up to 2049, else GeneralizedTime. */
static enum ck_status write_time(asn1_node n, const char *name, time_t t, struct ck_error *err)
{
	struct tm tm;
	char path[96], v[32];
	bool utc;

	gmtime_r(&t, &tm);
	utc = tm.tm_year + 1900 < 2050;
	strftime(v, sizeof v, "%Y%m%d%H%M%SZ", &tm);
	if (utc)
		memmove(v, v + 2, strlen(v + 2) + 1); /* UTCTime: two digits of the year */
	snprintf(path, sizeof path, "%s.%s", name, utc ? "utcTime" : "generalTime");
	if (ck_der_write(n, name, utc ? "utcTime" : "generalTime", 1, err))
		return err->status;
	return ck_der_write(n, path, v, strlen(v), err);
}

/* Set the cRLNumber extension's value, when the CRL has one. */
static enum ck_status write_number(asn1_node n, unsigned long long number, struct ck_error *err)
{
	unsigned char der[11], v[9];
	size_t k = 0, start = 0;

	v[0] = 0; /* positive whatever the top bit */
	for (int i = 0; i < 8; i++)
		v[i + 1] = (unsigned char)(number >> (56 - 8 * i));
	/* DER: no leading zero byte unless the next one has its top bit */
	while (start < 8 && v[start] == 0 && !(v[start + 1] & 0x80))
		start++;
	der[k++] = 0x02;
	der[k++] = (unsigned char)(9 - start);
	memcpy(der + k, v + start, 9 - start);
	k += 9 - start;
	for (unsigned i = 1;; i++) {
		char name[96], oid[64];
		snprintf(name, sizeof name, "tbsCertList.crlExtensions.?%u.extnID", i);
		if (!ck_der_read_oid(n, name, oid, sizeof oid))
			return CK_OK;
		if (strcmp(oid, "2.5.29.20"))
			continue;
		snprintf(name, sizeof name, "tbsCertList.crlExtensions.?%u.extnValue", i);
		return ck_der_write(n, name, der, k, err);
	}
}

/* Copy what a re-signed CRL keeps; an optional field absent from `src`
 * is removed from `dst`. */
static enum ck_status copy_fields(asn1_node dst, asn1_node src, struct ck_error *err)
{
	static const char *const fields[] = {
		"tbsCertList.version", "tbsCertList.signature", "tbsCertList.issuer",
		"tbsCertList.revokedCertificates", "tbsCertList.crlExtensions", "signatureAlgorithm",
	};

	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		int len = 0, r = asn1_read_value(src, fields[i], NULL, &len);
		if (r == ASN1_ELEMENT_NOT_FOUND) {
			if (asn1_write_value(dst, fields[i], NULL, 0) != ASN1_SUCCESS)
				return ck_error_set(err, CK_E_INTERNAL, "cannot remove %s", fields[i]);
			continue;
		}
		if (i == 0) { /* an INTEGER: asn1_copy_node() takes only structures */
			unsigned char v[8];
			len = sizeof v;
			if (asn1_read_value(src, fields[i], v, &len) != ASN1_SUCCESS ||
			    asn1_write_value(dst, fields[i], v, len) != ASN1_SUCCESS)
				return ck_error_set(err, CK_E_PARSE, "cannot copy %s of the CRL", fields[i]);
			continue;
		}
		if (i == 3 || i == 4) { /* SEQUENCE OF: one element at a time */
			for (unsigned k = 1;; k++) {
				char from[96];
				snprintf(from, sizeof from, "%s.?%u", fields[i], k);
				if (asn1_read_value(src, from, NULL, &len) == ASN1_ELEMENT_NOT_FOUND)
					break;
				snprintf(from, sizeof from, "%s.?LAST", fields[i]);
				if (asn1_write_value(dst, fields[i], "NEW", 1) != ASN1_SUCCESS)
					return ck_error_set(err, CK_E_INTERNAL, "cannot grow %s", fields[i]);
				{
					char el[96];
					snprintf(el, sizeof el, "%s.?%u", fields[i], k);
					if (asn1_copy_node(dst, from, src, el) != ASN1_SUCCESS)
						return ck_error_set(err, CK_E_PARSE, "cannot copy %s of the CRL", el);
				}
			}
			continue;
		}
		if (asn1_copy_node(dst, fields[i], src, fields[i]) != ASN1_SUCCESS)
			return ck_error_set(err, CK_E_PARSE, "cannot copy %s of the CRL", fields[i]);
	}
	return CK_OK;
}

enum ck_status ck_serve_crl_resign(const unsigned char *der, size_t len, const struct ck_key *key,
				   const struct ck_cert *issuer, time_t this_update,
				   time_t next_update, unsigned char **out, size_t *out_len,
				   struct ck_error *err)
{
	/* A new CertificateList with the fields of the old one copied but
	 * the times: gnutls_x509_crl_set_next_update() fails
	 * (ASN1_ELEMENT_NOT_FOUND) on a CRL whose nextUpdate is a
	 * GeneralizedTime (any after 2049), and so does writing the time
	 * into the decoded tree: decoding keeps only the CHOICE's
	 * alternative that was there. */
	gnutls_x509_crl_t crl = NULL;
	gnutls_privkey_t priv = NULL;
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	gnutls_datum_t kd = { key->pkcs8, (unsigned)key->pkcs8_len }, tbs = { NULL, 0 }, sig = { NULL, 0 };
	asn1_node n = NULL, old = NULL;
	unsigned char *tbs_der = NULL, *res = NULL;
	size_t tbs_len = 0, res_len = 0;
	enum ck_status rc;
	int algo, r;

	if (memcmp(key->spki_sha256, issuer->spki_sha256, sizeof key->spki_sha256))
		return ck_error_set(err, CK_E_USAGE, "the key is not the key of %s", issuer->subject);
	if ((r = gnutls_x509_crl_init(&crl)) < 0 || (r = gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_DER)) < 0 ||
	    (algo = gnutls_x509_crl_get_signature_algorithm(crl)) <= 0 || (r = gnutls_privkey_init(&priv)) < 0 ||
	    (r = gnutls_privkey_import_x509_raw(priv, &kd, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN)) < 0) {
		rc = ck_error_set(err, CK_E_INTERNAL, "cannot re-sign the CRL of %s: %s", issuer->subject,
				  gnutls_strerror(r));
		goto out;
	}
	if ((rc = ck_der_decode("CHAINKIT.CertificateList", der, len, &old, err)) ||
	    (rc = ck_der_create("CHAINKIT.CertificateList", &n, err)) ||
	    (rc = copy_fields(n, old, err)) ||
	    (rc = write_time(n, "tbsCertList.thisUpdate", this_update, err)) ||
	    (rc = write_time(n, "tbsCertList.nextUpdate", next_update, err)) ||
	    (rc = write_number(n, (unsigned long long)this_update, err)) ||
	    (rc = ck_der_encode(n, "tbsCertList", &tbs_der, &tbs_len, err)))
		goto out;
	tbs.data = tbs_der;
	tbs.size = (unsigned)tbs_len;
	if ((r = gnutls_privkey_sign_data2(priv, (gnutls_sign_algorithm_t)algo, 0, &tbs, &sig)) < 0) {
		rc = ck_error_set(err, CK_E_INTERNAL, "cannot sign the CRL of %s: %s", issuer->subject,
				  gnutls_strerror(r));
		goto out;
	}
	if ((rc = ck_der_write(n, "signatureValue", sig.data, sig.size * 8, err)) ||
	    (rc = ck_der_encode(n, "", &res, &res_len, err)))
		goto out;
	*out = res;
	*out_len = res_len;
	res = NULL;
out:
	free(res);
	free(tbs_der);
	gnutls_free(sig.data);
	if (n)
		asn1_delete_structure(&n);
	if (old)
		asn1_delete_structure(&old);
	if (priv)
		gnutls_privkey_deinit(priv);
	if (crl)
		gnutls_x509_crl_deinit(crl);
	return rc;
}
