/* aia — list every URL of a chain and check what each one serves.
 *
 * Rounds:
 *   analyse the input with the trust stores (and the issuers fetched so far)
 *   list the URLs of every certificate shown that was not listed yet
 *   request, all at once, every URL not yet requested, except the OCSP
 *     URLs of a certificate whose issuer is unknown while one of its
 *     caIssuers URLs is being fetched (an OCSP request names the issuer)
 *   check each answer; a caIssuers answer that holds the certificate's
 *     verified issuer adds that issuer to the pool ("fetched")
 *   repeat while something new was fetched or OCSP URLs wait, at most
 *     max_rounds times; then CRLs fetched before their issuer was known
 *     get their signature checked (no traffic)
 *
 * A malformed URL whose only fault is surrounding white space is still
 * requested without it (that is what .NET does: System.Uri trims), and
 * keeps the class malformed-url; `effective` says what the request gave.
 * With list_only, nothing is requested: URLs are validated only. */
#include "config.h"

#include "aia.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEFAULT_ROUNDS 4

const char *ck_url_kind_name(enum ck_url_kind k)
{
	switch (k) {
	case CK_KIND_CA_ISSUERS: return "ca-issuers";
	case CK_KIND_OCSP: return "ocsp";
	case CK_KIND_CRL: return "crl";
	case CK_KIND_DELTA_CRL: return "delta-crl";
	default: return "url";
	}
}

static void note_set(struct ck_url_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note_set(struct ck_url_entry *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->note, sizeof e->note, fmt, ap);
	va_end(ap);
	ck_text_oneline(e->note);
}

/* ---------------------------------------------------------------- */
/* content: caIssuers */

void ck_issuer_info_cleanup(struct ck_issuer_info *info)
{
	if (!info)
		return;
	ck_cert_free(info->issuer);
	free(info->subject);
	memset(info, 0, sizeof *info);
}

static bool has_pem_label(const unsigned char *p, size_t len, const char *label)
{
	char needle[64];
	size_t n = (size_t)snprintf(needle, sizeof needle, "-----BEGIN %s-----", label);
	for (size_t i = 0; i + n <= len; i++)
		if (p[i] == '-' && !memcmp(p + i, needle, n))
			return true;
	return false;
}

static const char *issuer_format(const struct ck_bundle *b, const unsigned char *body, size_t len)
{
	switch (b->format) {
	case CK_FMT_DER: return "der";
	case CK_FMT_PKCS7: return "pkcs7";
	case CK_FMT_BASE64: return "base64";
	case CK_FMT_PKCS12: return "pkcs12";
	case CK_FMT_PEM:
		if (has_pem_label(body, len, "CERTIFICATE") || has_pem_label(body, len, "X509 CERTIFICATE") ||
		    has_pem_label(body, len, "TRUSTED CERTIFICATE"))
			return "pem";
		return "pem-pkcs7";
	default: return ck_format_name(b->format);
	}
}

enum ck_url_result ck_aia_check_issuer(const unsigned char *body, size_t len,
				       const struct ck_cert *cert, struct ck_issuer_info *info,
				       char *note, size_t notelen)
{
	struct ck_password nopw = { 0 };
	struct ck_load_opts lo = { .max_size = len + 1, .password = &nopw };
	struct ck_bundle *b = NULL;
	struct ck_error err;
	const struct ck_cert *found = NULL, *named = NULL;
	const char *why = "its name differs";
	enum ck_url_result r;

	memset(info, 0, sizeof *info);
	info->key_id = -1;
	ck_error_clear(&err);
	if (!len) {
		snprintf(note, notelen, "the answer is empty");
		return CK_URL_BAD_CONTENT;
	}
	if (ck_bundle_load_mem(body, len, "caIssuers", &lo, &b, &err) || !b->ncerts) {
		snprintf(note, notelen, "not a certificate: %s",
			 b ? "no certificate in the answer" : err.what);
		ck_bundle_free(b);
		return CK_URL_BAD_CONTENT;
	}
	info->format = issuer_format(b, body, len);
	info->certificates = b->ncerts;
	for (size_t i = 0; i < b->ncerts && !found; i++) {
		const struct ck_cert *c = b->certs[i];
		bool valid = false;
		if (!ck_cert_name_issued(cert, c))
			continue;
		named = c;
		if (cert->aki_len && c->ski_len &&
		    (cert->aki_len != c->ski_len || memcmp(cert->aki, c->ski, c->ski_len))) {
			why = "its subject key identifier differs from the certificate's authority key identifier";
			continue;
		}
		if (ck_cert_verify_signature(cert, c, &valid, &err) || !valid) {
			why = "the certificate's signature does not verify with its key";
			continue;
		}
		found = c;
	}
	if (found) {
		info->key_id = cert->aki_len && found->ski_len ? 1 : -1;
		info->signature = true;
		info->subject = strdup(found->subject);
		if (ck_cert_dup(found, &info->issuer)) {
			ck_bundle_free(b);
			snprintf(note, notelen, "out of memory");
			return CK_URL_BAD_CONTENT;
		}
		snprintf(note, notelen, "%s (%s%s), issued the certificate: signature verified",
			 found->subject, info->format,
			 b->ncerts > 1 ? ", one of several" : "");
		r = CK_URL_OK;
	} else {
		const struct ck_cert *shown = named ? named : b->certs[0];
		info->subject = strdup(shown->subject);
		if (named && cert->aki_len && named->ski_len)
			info->key_id = cert->aki_len == named->ski_len &&
				       !memcmp(cert->aki, named->ski, named->ski_len);
		snprintf(note, notelen, "serves %s (%s), which did not issue the certificate: %s",
			 shown->subject, info->format, why);
		r = CK_URL_WRONG_ISSUER;
	}
	ck_bundle_free(b);
	return r;
}

/* ---------------------------------------------------------------- */
/* content: LDAP answers */

bool ck_aia_ldap_values(const unsigned char *body, size_t len, const char *attr,
			unsigned char **der, size_t *der_len)
{
	size_t alen = strlen(attr);

	/* libcurl writes "DN: ..." then "\tNAME: VALUE" per value, in base64
	 * after "::" (LDIF) for attributes whose name ends in ";binary" */
	for (size_t i = 0; i < len;) {
		size_t end = i, colon, v;
		while (end < len && body[end] != '\n')
			end++;
		if (body[i] == '\t' && end - i > alen + 1 &&
		    !strncasecmp((const char *)body + i + 1, attr, alen)) {
			for (colon = i + 1; colon < end && body[colon] != ':'; colon++)
				;
			for (v = colon; v < end && (body[v] == ':' || body[v] == ' '); v++)
				;
			if (v < end && colon - (i + 1) >= 7 &&
			    !strncasecmp((const char *)body + colon - 7, ";binary", 7)) {
				gnutls_datum_t in = { (unsigned char *)body + v, (unsigned)(end - v) }, out = { 0 };
				if (in.size && in.data[in.size - 1] == '\r')
					in.size--;
				if (gnutls_base64_decode2(&in, &out) < 0)
					return false;
				*der = malloc(out.size ? out.size : 1);
				if (*der)
					memcpy(*der, out.data, out.size);
				*der_len = out.size;
				gnutls_free(out.data);
				return *der != NULL;
			}
		}
		i = end + 1;
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* content: --url */

static void check_given(struct ck_url_entry *e)
{
	struct ck_password nopw = { 0 };
	struct ck_load_opts lo = { .max_size = e->net.body_len + 1, .password = &nopw };
	struct ck_bundle *b = NULL;
	struct ck_error err;
	gnutls_x509_crl_t crl = NULL;
	gnutls_datum_t d = { e->net.body, (unsigned)e->net.body_len };

	ck_error_clear(&err);
	if (!e->net.body_len) {
		note_set(e, "%s; empty", e->net.message);
		return;
	}
	if (!ck_bundle_load_mem(e->net.body, e->net.body_len, e->url, &lo, &b, &err) && b->ncerts) {
		e->given.what = "certificates";
		e->given.certificates = b->ncerts;
		e->given.subject = strdup(b->certs[0]->subject);
		note_set(e, "%zu certificate%s (%s), first %s", b->ncerts, b->ncerts == 1 ? "" : "s",
			 ck_format_name(b->format), b->certs[0]->subject);
		ck_bundle_free(b);
		return;
	}
	ck_bundle_free(b);
	if (gnutls_x509_crl_init(&crl) >= 0) {
		if (gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_DER) >= 0 ||
		    gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_PEM) >= 0) {
			gnutls_datum_t dn = { 0 };
			e->given.what = "crl";
			if (gnutls_x509_crl_get_issuer_dn3(crl, &dn, 0) >= 0) {
				e->given.subject = ck_dn_clean(dn.data, dn.size);
				gnutls_free(dn.data);
			}
			note_set(e, "a CRL of %s, %d entries", e->given.subject ? e->given.subject : "?",
				 gnutls_x509_crl_get_crt_count(crl));
			gnutls_x509_crl_deinit(crl);
			return;
		}
		gnutls_x509_crl_deinit(crl);
	}
	note_set(e, "%s%s%s", e->net.message, e->net.content_type ? ", " : "",
		 e->net.content_type ? e->net.content_type : "");
}

/* ---------------------------------------------------------------- */
/* the list */

struct run {
	const struct ck_bundle *b;
	const struct ck_trust *trust;
	const struct ck_aia_opts *o;
	struct ck_aia_report *r;
	struct ck_analysis *cur;
	const struct ck_cert **listed;
	size_t nlisted;
	unsigned schemes;
	unsigned warn_hours;
	bool any;                  /* something was requested or settled this round */
	bool done;                 /* no more rounds for this input */
};

static bool was_listed(const struct run *ru, const struct ck_cert *c)
{
	for (size_t i = 0; i < ru->nlisted; i++)
		if (ru->listed[i] == c || ck_cert_equal(ru->listed[i], c))
			return true;
	return false;
}

enum ck_status ck_url_entry_init(struct ck_url_entry *e, enum ck_url_kind kind, const char *url,
				 const struct ck_cert *cert, unsigned position, const char *method)
{
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->url = strdup(url);
	e->cert = cert;
	e->position = position;
	e->method = method;
	e->crl.signature = e->ocsp.signature = -1;
	e->issuer_info.key_id = -1;
	return e->url ? CK_OK : CK_E_NOMEM;
}

static enum ck_status add_entry(struct ck_aia_report *r, enum ck_url_kind kind, const char *url,
				const struct ck_cert *cert, unsigned position, const char *method)
{
	struct ck_url_entry *v;

	/* an entry is over a kilobyte and a big bundle has thousands: the
	 * array doubles, or every URL would copy all the ones before it */
	if (r->nurls == r->urls_cap) {
		size_t cap = r->urls_cap ? 2 * r->urls_cap : 16;
		v = realloc(r->urls, cap * sizeof *v);
		if (!v)
			return CK_E_NOMEM;
		r->urls = v;
		r->urls_cap = cap;
	}
	v = r->urls;
	if (ck_url_entry_init(&v[r->nurls], kind, url, cert, position, method))
		return CK_E_NOMEM;
	r->nurls++;
	return CK_OK;
}

static enum ck_status list_cert(struct run *ru, const struct ck_cert *c)
{
	const struct ck_cert **v = realloc(ru->listed, (ru->nlisted + 1) * sizeof *v);
	enum ck_status rc = CK_OK;
	struct {
		ck_strv urls;
		enum ck_url_kind kind;
	} lists[] = {
		{ c->aia_ca_issuers, CK_KIND_CA_ISSUERS },
		{ c->aia_ocsp, CK_KIND_OCSP },
		{ c->crl_dp, CK_KIND_CRL },
		{ c->delta_crl, CK_KIND_DELTA_CRL },
	};

	if (!v)
		return CK_E_NOMEM;
	ru->listed = v;
	v[ru->nlisted++] = c;
	for (size_t k = 0; k < sizeof lists / sizeof lists[0] && !rc; k++) {
		for (size_t i = 0; lists[k].urls && lists[k].urls[i] && !rc; i++) {
			const char *url = lists[k].urls[i];
			if (lists[k].kind != CK_KIND_OCSP) {
				rc = add_entry(ru->r, lists[k].kind, url, c, (unsigned)i, "GET");
				continue;
			}
			rc = add_entry(ru->r, CK_KIND_OCSP, url, c, (unsigned)i, "POST");
			if (!rc && ru->o->ocsp_get)
				rc = add_entry(ru->r, CK_KIND_OCSP, url, c, (unsigned)i, "GET");
		}
	}
	return rc;
}

static enum ck_status list_new(struct run *ru)
{
	enum ck_status rc = CK_OK;
	for (size_t i = 0; ru->cur && i < ru->cur->norder && !rc; i++) {
		const struct ck_cert *c = ck_pool_get(ru->cur->pool, ru->cur->order[i])->cert;
		if (!was_listed(ru, c))
			rc = list_cert(ru, c);
	}
	return rc;
}

/* The verified issuer of `c` on its chain in `a`, or NULL. */
static const struct ck_cert *issuer_in(const struct ck_analysis *a, const struct ck_cert *c)
{
	long pi, is;
	if (!a || !c)
		return NULL;
	pi = ck_pool_find(a->pool, c);
	if (pi < 0 || a->issuer_of[pi] < 0 || a->issuer_verified[pi] != 1)
		return NULL;
	is = a->issuer_of[pi];
	return ck_pool_get(a->pool, (size_t)is)->cert;
}

long ck_aia_cert_index(const struct ck_aia_report *r, const struct ck_cert *c)
{
	long pi;
	if (!r->analysis || !c)
		return -1;
	pi = ck_pool_find(r->analysis->pool, c);
	return pi < 0 ? -1 : ck_analysis_index(r->analysis, (size_t)pi);
}

/* ---------------------------------------------------------------- */
/* one round */

/* An entry of a round's batch: the input it belongs to says the time
 * and warning threshold its answer is checked with. */
struct pending {
	struct run *ru;
	struct ck_url_entry *e;
};

/* Is a caIssuers URL of `c` requested in this round? */
static bool issuer_pending(const struct ck_aia_report *r, const struct ck_cert *c, unsigned round)
{
	for (size_t i = 0; i < r->nurls; i++)
		if (r->urls[i].cert == c && r->urls[i].kind == CK_KIND_CA_ISSUERS &&
		    r->urls[i].round == round && r->urls[i].checked)
			return true;
	return false;
}

/* Validate an entry; returns the URL to request (the entry's or a
 * trimmed copy in e->requested), or NULL when it is settled as it is. */
static const char *requestable(unsigned schemes, struct ck_url_entry *e)
{
	char why[200];
	enum ck_url_result v = ck_url_validate(e->url, schemes, why, sizeof why);
	char *t;

	if (v == CK_URL_OK)
		return e->url;
	e->result = v;
	note_set(e, "%s", why);
	if (v != CK_URL_MALFORMED || !(t = ck_url_trimmed(e->url)))
		return NULL;
	if (ck_url_validate(t, schemes, NULL, 0) != CK_URL_OK) {
		free(t);
		return NULL;
	}
	e->requested = t;
	return t;
}

/* The request for an entry (see ck_url_entry_enqueue()); *use false
 * when the entry is settled without one.  *der, when set, is the OCSP
 * request (req->post for POST, in the URL for GET). */
static enum ck_status entry_request(struct ck_url_entry *e, unsigned schemes,
				    struct ck_net_request *req, unsigned char **der, bool *use)
{
	const char *url;
	char *get = NULL;
	struct ck_error err;

	*use = false;
	*der = NULL;
	memset(req, 0, sizeof *req);
	url = requestable(schemes, e);
	if (!url)
		return CK_OK;
	req->url = url;
	if (e->kind == CK_KIND_OCSP && e->issuer) {
		size_t len = 0;
		if (ck_ocsp_request(e->cert, e->issuer, der, &len, &err)) {
			e->result = CK_URL_BAD_CONTENT;
			note_set(e, "%s", err.what);
			return CK_OK;
		}
		req->accept = "application/ocsp-response";
		if (!strcmp(e->method, "GET")) {
			get = ck_ocsp_get_url(url, *der, len);
			if (!get)
				return CK_E_NOMEM;
			free(e->requested);
			e->requested = get;
			req->url = get;
		} else {
			req->post = *der;
			req->post_len = len;
			req->content_type = "application/ocsp-request";
		}
	} else if (e->kind == CK_KIND_OCSP) {
		e->method = "GET";
	}
	e->checked = true;
	*use = true;
	return CK_OK;
}

enum ck_status ck_url_entry_enqueue(struct ck_url_entry *e, unsigned schemes,
				    struct ck_url_batch *b, void *ctx)
{
	struct ck_net_request req;
	unsigned char *der = NULL;
	bool use = false;
	enum ck_status rc = entry_request(e, schemes, &req, &der, &use);

	if (rc || !use) {
		free(der);
		return rc;
	}
	return ck_url_batch_add(b, &req, der, ctx);
}

/* Put the entry of p into this round's batch, or settle it without a
 * request (invalid URL, --list), or leave it for a later round (its
 * round stays 0). */
static enum ck_status prepare(struct pending *p, unsigned round, bool last, struct ck_url_batch *b)
{
	struct run *ru = p->ru;
	struct ck_url_entry *e = p->e;

	e->issuer = issuer_in(ru->cur, e->cert);
	if (e->kind == CK_KIND_OCSP && !e->issuer && !last && issuer_pending(ru->r, e->cert, round))
		return CK_OK; /* next round, when the issuer may be known */
	e->round = round;
	if (ru->o->list_only) {
		requestable(ru->schemes, e);
		return CK_OK;
	}
	return ck_url_entry_enqueue(e, ru->schemes, b, p);
}

static const char *ldap_attr(enum ck_url_kind k)
{
	return k == CK_KIND_CA_ISSUERS ? "cACertificate" : "certificateRevocationList";
}

/* Check the content of a requested entry whose transfer succeeded. */
static void check_content(struct ck_url_entry *e, time_t at, unsigned warn_hours)
{
	const unsigned char *body = e->net.body;
	size_t len = e->net.body_len;
	unsigned char *ldap = NULL;
	size_t ldap_len = 0;
	enum ck_url_result r = CK_URL_OK;

	if (!strncasecmp(e->requested ? e->requested : e->url, "ldap", 4) &&
	    e->kind != CK_KIND_GIVEN && e->kind != CK_KIND_OCSP) {
		if (!ck_aia_ldap_values(body, len, ldap_attr(e->kind), &ldap, &ldap_len) &&
		    !(e->kind != CK_KIND_CA_ISSUERS &&
		      ck_aia_ldap_values(body, len, "authorityRevocationList", &ldap, &ldap_len))) {
			e->effective = CK_URL_BAD_CONTENT;
			note_set(e, "the LDAP answer has no %s;binary value", ldap_attr(e->kind));
			return;
		}
		body = ldap;
		len = ldap_len;
	}
	switch (e->kind) {
	case CK_KIND_CA_ISSUERS:
		r = ck_aia_check_issuer(body, len, e->cert, &e->issuer_info, e->note, sizeof e->note);
		break;
	case CK_KIND_CRL:
	case CK_KIND_DELTA_CRL:
		r = ck_crl_check(body, len, e->cert, e->issuer, at, warn_hours, &e->crl,
				 e->note, sizeof e->note);
		e->warning = e->crl.warning;
		if (e->kind == CK_KIND_DELTA_CRL && r == CK_URL_OK && !e->crl.delta) {
			size_t n = strlen(e->note);
			snprintf(e->note + n, sizeof e->note - n, "; not a delta CRL (no deltaCRLIndicator)");
		}
		break;
	case CK_KIND_OCSP:
		if (!e->issuer) {
			note_set(e, "reachable (%s); the issuer is unknown, so no OCSP request could be built",
				 e->net.message);
			break;
		}
		r = ck_ocsp_check(body, len, e->cert, e->issuer, at, warn_hours, &e->ocsp,
				  e->note, sizeof e->note);
		e->warning = e->ocsp.warning;
		break;
	default:
		check_given(e);
		break;
	}
	free(ldap);
	e->effective = r;
}

void ck_url_entry_settle(struct ck_url_entry *e, struct ck_net_result *net, time_t at,
			 unsigned warn_hours)
{
	bool malformed = e->result == CK_URL_MALFORMED;
	char why[sizeof e->note];

	snprintf(why, sizeof why, "%s", e->note);
	e->net = *net;
	memset(net, 0, sizeof *net);
	if (e->net.result != CK_URL_OK) {
		e->effective = e->net.result;
		note_set(e, "%s", e->net.message);
	} else {
		check_content(e, at, warn_hours);
	}
	if (malformed) {
		char tmp[sizeof e->note];
		snprintf(tmp, sizeof tmp, "%s", e->note);
		note_set(e, "%s; tested as '%s' (as .NET trims it): %s: %s", why, e->requested,
			 ck_url_result_name(e->effective), tmp);
		e->result = CK_URL_MALFORMED;
	} else {
		e->result = e->effective;
	}
}

static enum ck_status settle_pending(void *arg, void *ctx, struct ck_net_result *net)
{
	struct pending *p = ctx;
	(void)arg;
	ck_url_entry_settle(p->e, net, p->ru->r->at, p->ru->warn_hours);
	return CK_OK;
}

/* One round over every input still going: prepare every entry not
 * settled yet (caIssuers first, so that issuer_pending() knows about
 * them), and settle them all with one batch (many certificates, and
 * many inputs, share their issuers' URLs). */
static enum ck_status run_round(struct run *runs, size_t nruns, unsigned round, bool last,
				struct ck_error *err)
{
	struct pending *ps = NULL;
	struct ck_url_batch b = { 0 };
	size_t n = 0, todo = 0;
	enum ck_status rc = CK_OK;

	for (size_t k = 0; k < nruns; k++) {
		runs[k].any = false;
		for (size_t i = 0; !runs[k].done && i < runs[k].r->nurls; i++)
			todo += runs[k].r->urls[i].round == 0;
	}
	if (!todo)
		return CK_OK;
	ps = calloc(todo, sizeof *ps);
	if (!ps || ck_url_batch_init(&b, todo)) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < nruns && !rc; k++) {
		struct run *ru = &runs[k];
		for (int pass = 0; !ru->done && pass < 2 && !rc; pass++) {
			for (size_t i = 0; i < ru->r->nurls && !rc; i++) {
				struct ck_url_entry *e = &ru->r->urls[i];
				if (e->round || (e->kind == CK_KIND_CA_ISSUERS) != (pass == 0))
					continue;
				ps[n] = (struct pending){ .ru = ru, .e = e };
				rc = prepare(&ps[n++], round, last, &b);
				ru->any = ru->any || e->round;
			}
		}
	}
	if (rc) {
		rc = ck_error_set(err, rc, rc == CK_E_NOMEM ? "out of memory" : "URL batch full");
		goto out;
	}
	rc = ck_url_batch_run(&b, &runs[0].o->net, settle_pending, NULL, err);
	for (size_t k = 0; k < nruns; k++)
		if (runs[k].any)
			runs[k].r->elapsed_ms += b.elapsed_ms;
out:
	ck_url_batch_cleanup(&b);
	free(ps);
	return rc;
}

/* Issuers served by caIssuers URLs that are not in the pool yet. */
static enum ck_status collect_fetched(struct run *ru, bool *added)
{
	struct ck_aia_report *r = ru->r;
	*added = false;
	for (size_t i = 0; i < r->nurls; i++) {
		struct ck_url_entry *e = &r->urls[i];
		struct ck_cert **v;
		const char **f;
		bool known = false;
		if (e->kind != CK_KIND_CA_ISSUERS || !e->issuer_info.issuer || e->effective != CK_URL_OK)
			continue;
		if (ru->cur && ck_pool_find(ru->cur->pool, e->issuer_info.issuer) >= 0)
			continue;
		for (size_t k = 0; k < r->nfetched && !known; k++)
			known = ck_cert_equal(r->fetched[k], e->issuer_info.issuer);
		if (known)
			continue;
		v = realloc(r->fetched, (r->nfetched + 1) * sizeof *v);
		if (!v)
			return CK_E_NOMEM;
		r->fetched = v;
		f = realloc(r->fetched_from, (r->nfetched + 1) * sizeof *f);
		if (!f)
			return CK_E_NOMEM;
		r->fetched_from = f;
		if (ck_cert_dup(e->issuer_info.issuer, &v[r->nfetched]))
			return CK_E_NOMEM;
		f[r->nfetched] = e->url;
		r->nfetched++;
		*added = true;
	}
	return CK_OK;
}

static enum ck_status analyse(struct run *ru, struct ck_analysis **out, struct ck_error *err)
{
	struct ck_analyze_opts ao = ru->o->analyze;
	ao.chain.at = ru->r->at;
	ao.fetched = (const struct ck_cert *const *)ru->r->fetched;
	ao.fetched_from = ru->r->fetched_from;
	ao.nfetched = ru->r->nfetched;
	return ck_analyze(ru->b, ru->trust, &ao, out, err);
}

/* CRLs checked before their issuer was known: check the signature now. */
static void recheck_crls(struct run *ru)
{
	for (size_t i = 0; i < ru->r->nurls; i++) {
		struct ck_url_entry *e = &ru->r->urls[i];
		const struct ck_cert *is;
		if ((e->kind != CK_KIND_CRL && e->kind != CK_KIND_DELTA_CRL) || !e->checked ||
		    e->result == CK_URL_MALFORMED ||
		    e->net.result != CK_URL_OK || e->crl.signature != -1 || !e->crl.format ||
		    !(is = issuer_in(ru->cur, e->cert)))
			continue;
		e->issuer = is;
		ck_crl_info_cleanup(&e->crl);
		e->note[0] = '\0';
		check_content(e, ru->r->at, ru->warn_hours);
		if (e->result != CK_URL_MALFORMED)
			e->result = e->effective;
	}
}

static void run_cleanup(struct run *ru)
{
	if (ru->r && ru->cur && ru->cur != ru->r->base)
		ck_analysis_free(ru->cur);
	ru->cur = NULL;
	free(ru->listed);
	ru->listed = NULL;
	ck_aia_report_free(ru->r);
	ru->r = NULL;
}

static enum ck_status run_init(struct run *ru, const struct ck_aia_input *in,
			       const struct ck_trust *trust, const struct ck_aia_opts *o,
			       struct ck_error *err)
{
	struct ck_aia_report *r = calloc(1, sizeof *r);
	enum ck_status rc = CK_OK;

	memset(ru, 0, sizeof *ru);
	if (!r)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ru->b = in->bundle;
	ru->trust = trust;
	ru->o = o;
	ru->r = r;
	r->bundle = in->bundle;
	r->list_only = o->list_only;
	r->at = o->analyze.chain.at ? o->analyze.chain.at : time(NULL);
	r->connect_timeout_ms = ck_net_connect_timeout_ms(&o->net);
	r->timeout_ms = ck_net_timeout_ms(&o->net);
	ru->schemes = o->net.schemes ? o->net.schemes : ck_net_schemes();
	ru->warn_hours = o->warn_hours ? o->warn_hours : 24;
	if (in->bundle) {
		rc = analyse(ru, &r->base, err);
		if (rc)
			return rc;
		ru->cur = r->base;
	}
	for (size_t i = 0; in->urls && in->urls[i] && !rc; i++)
		rc = add_entry(r, CK_KIND_GIVEN, in->urls[i], NULL, (unsigned)i, "GET");
	return rc;
}

/* After a round: the issuers it fetched join the input's analysis. */
static enum ck_status run_next(struct run *ru, unsigned round, struct ck_error *err)
{
	struct ck_analysis *next = NULL;
	bool added = false;
	enum ck_status rc;

	if (!ru->any) {
		ru->done = true;
		return CK_OK;
	}
	ru->r->rounds = round;
	rc = collect_fetched(ru, &added);
	if (rc || !added)
		return rc;
	rc = analyse(ru, &next, err);
	if (rc)
		return rc;
	if (ru->cur != ru->r->base)
		ck_analysis_free(ru->cur);
	ru->cur = next;
	return CK_OK;
}

enum ck_status ck_aia_check_all(const struct ck_aia_input *in, size_t n,
				const struct ck_trust *trust, const struct ck_aia_opts *o,
				struct ck_aia_report **out, struct ck_error *err)
{
	struct run *runs = calloc(n ? n : 1, sizeof *runs);
	unsigned max = o->max_rounds ? o->max_rounds : DEFAULT_ROUNDS;
	enum ck_status rc = CK_OK;

	if (!runs)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	for (size_t k = 0; k < n && !rc; k++)
		rc = run_init(&runs[k], &in[k], trust, o, err);
	for (unsigned round = 1; !rc && round <= max; round++) {
		bool going = false;
		for (size_t k = 0; k < n && !rc; k++)
			if (!runs[k].done)
				rc = list_new(&runs[k]);
		if (!rc)
			rc = run_round(runs, n, round, round == max, err);
		for (size_t k = 0; k < n && !rc; k++) {
			if (!runs[k].done)
				rc = run_next(&runs[k], round, err);
			going = going || !runs[k].done;
		}
		if (!going)
			break;
	}
	if (!rc) {
		for (size_t k = 0; k < n; k++) {
			recheck_crls(&runs[k]);
			runs[k].r->analysis = runs[k].cur; /* may be base: nothing was fetched */
			runs[k].cur = NULL;
			out[k] = runs[k].r;
			runs[k].r = NULL;
		}
	}
	if (rc == CK_E_NOMEM && !err->what[0])
		ck_error_set(err, rc, "out of memory");
	for (size_t k = 0; k < n; k++)
		run_cleanup(&runs[k]);
	free(runs);
	return rc;
}

enum ck_status ck_aia_check(const struct ck_bundle *b, const struct ck_trust *trust,
			    const struct ck_aia_opts *o, struct ck_aia_report **out,
			    struct ck_error *err)
{
	struct ck_aia_input in = { .bundle = b, .urls = o->urls };
	return ck_aia_check_all(&in, 1, trust, o, out, err);
}

void ck_url_entry_cleanup(struct ck_url_entry *e)
{
	free(e->url);
	free(e->requested);
	ck_net_result_cleanup(&e->net);
	ck_issuer_info_cleanup(&e->issuer_info);
	ck_crl_info_cleanup(&e->crl);
	ck_ocsp_info_cleanup(&e->ocsp);
	free(e->given.subject);
	memset(e, 0, sizeof *e);
}

void ck_aia_report_free(struct ck_aia_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nurls; i++)
		ck_url_entry_cleanup(&r->urls[i]);
	free(r->urls);
	if (r->analysis != r->base)
		ck_analysis_free(r->analysis);
	ck_analysis_free(r->base);
	for (size_t i = 0; i < r->nfetched; i++)
		ck_cert_free(r->fetched[i]);
	free(r->fetched);
	free(r->fetched_from);
	free(r);
}
