/* revfetch — online revocation (see revfetch.h for the design).
 *
 * A fetch is one distinct request: a CRL URL (whoever names it), or an
 * OCSP URL asked about one certificate and issuer (the request body
 * names them).  Links say which certificates a fetch was made for, so
 * that each certificate's status can list its own fetches.  Nothing is
 * fetched twice: a pair (certificate, issuer) already asked is skipped,
 * a CRL URL already fetched is only linked, and requests that are byte
 * for byte the same within a round (one certificate under two issuer
 * certificates of the same name and key) are sent once (urlbatch), each
 * fetch checking the answer against its own issuer. */
#include "config.h"

#include "revfetch.h"
#include "aia.h"
#include "revocation.h"
#include "urlbatch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Certificates are known by their SHA-256: the records of one input are
 * freed before the next input is looked at. */
struct fetch {
	const char *kind;            /* "crl" or "ocsp" */
	char *url;
	unsigned char cert[32], issuer[32]; /* ocsp: the pair asked about */
	/* during the ck_revfetch_run() call that made it only */
	const struct ck_cert *cert_rec, *issuer_rec;
	enum ck_url_result result;
	char message[320];
	bool done;
	/* ocsp, when result is ok or revoked */
	enum ck_rev_state state;
	int reason;
	time_t revoked_at;
};

struct link {
	unsigned char cert[32];
	size_t fetch;
};

struct pair {
	unsigned char cert[32], issuer[32];
};

struct ck_revfetch {
	struct ck_net_opts net;
	struct ck_crlset *crls;
	enum ck_revocation_mode mode;
	unsigned schemes;
	double deadline;             /* monotonic ms; 0: none */
	struct fetch *f;
	size_t nf;
	struct link *l;
	size_t nl;
	struct pair *asked;
	size_t nasked;
	struct ck_rev_source answers; /* what the validator asks (validate.h) */
};

/* Transfers at once: a batch holds a few URLs per certificate of the
 * chains and the paths tried, seldom more. */
#define MAX_PARALLEL 64

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static bool same(const unsigned char *id, const struct ck_cert *c)
{
	return c && !memcmp(id, c->sha256, 32);
}

__attribute__((format(printf, 2, 3)))
static void note(struct fetch *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->message, sizeof x->message, fmt, ap);
	va_end(ap);
}

static bool answers_ocsp(const void *ctx, const struct ck_cert *cert,
			 const struct ck_cert *issuer, enum ck_rev_state *state, int *reason,
			 time_t *revoked_at, const char **url)
{
	return ck_revfetch_ocsp(ctx, cert, issuer, state, reason, revoked_at, url);
}

static enum ck_status answers_fetches(const void *ctx, const struct ck_cert *cert,
				      const struct ck_cert *issuer, const char *kind,
				      struct ck_rev_fetch **out, size_t *n)
{
	return ck_revfetch_list(ctx, cert, issuer, kind, out, n);
}

enum ck_status ck_revfetch_new(const struct ck_net_opts *net, struct ck_crlset *crls,
			       enum ck_revocation_mode mode, struct ck_revfetch **out)
{
	struct ck_revfetch *f = calloc(1, sizeof *f);

	if (!f)
		return CK_E_NOMEM;
	if (net)
		f->net = *net;
	f->crls = crls;
	f->mode = mode;
	f->schemes = f->net.schemes ? f->net.schemes : ck_net_schemes();
	f->answers = (struct ck_rev_source){
		.ocsp = answers_ocsp, .fetches = answers_fetches, .ctx = f,
	};
	*out = f;
	return CK_OK;
}

void ck_revfetch_free(struct ck_revfetch *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nf; i++)
		free(f->f[i].url);
	free(f->f);
	free(f->l);
	free(f->asked);
	free(f);
}

/* Room for one more element in *v, which holds n (the counts here are
 * a few per certificate). */
static bool grow(void **v, size_t n, size_t size)
{
	void *p = realloc(*v, (n + 1) * size);
	if (!p)
		return false;
	*v = p;
	return true;
}

static long find_fetch(const struct ck_revfetch *f, const char *kind, const char *url,
		       const struct ck_cert *cert, const struct ck_cert *issuer)
{
	for (size_t i = 0; i < f->nf; i++) {
		const struct fetch *x = &f->f[i];
		if (strcmp(x->kind, kind) || strcmp(x->url, url))
			continue;
		if (!strcmp(kind, "ocsp") && !(same(x->cert, cert) && same(x->issuer, issuer)))
			continue;
		return (long)i;
	}
	return -1;
}

/* The fetch for (kind, url[, pair]), made if new; linked to `cert`. */
static enum ck_status want(struct ck_revfetch *f, const char *kind, const char *url,
			   const struct ck_cert *cert, const struct ck_cert *issuer)
{
	long i = find_fetch(f, kind, url, cert, issuer);

	if (i < 0) {
		struct fetch *x;
		if (!grow((void **)&f->f, f->nf, sizeof *f->f))
			return CK_E_NOMEM;
		x = &f->f[f->nf];
		memset(x, 0, sizeof *x);
		x->url = strdup(url);
		if (!x->url)
			return CK_E_NOMEM;
		x->kind = kind;
		memcpy(x->cert, cert->sha256, 32);
		if (issuer)
			memcpy(x->issuer, issuer->sha256, 32);
		x->cert_rec = cert;
		x->issuer_rec = issuer;
		x->reason = -1;
		i = (long)f->nf++;
	}
	for (size_t k = 0; k < f->nl; k++)
		if (f->l[k].fetch == (size_t)i && same(f->l[k].cert, cert))
			return CK_OK;
	if (!grow((void **)&f->l, f->nl, sizeof *f->l))
		return CK_E_NOMEM;
	memcpy(f->l[f->nl].cert, cert->sha256, 32);
	f->l[f->nl].fetch = (size_t)i;
	f->nl++;
	return CK_OK;
}

static bool was_asked(const struct ck_revfetch *f, const struct ck_cert *c,
		      const struct ck_cert *issuer)
{
	for (size_t i = 0; i < f->nasked; i++)
		if (same(f->asked[i].cert, c) && same(f->asked[i].issuer, issuer))
			return true;
	return false;
}

static enum ck_status want_pair(struct ck_revfetch *f, const struct ck_cert *c,
				const struct ck_cert *issuer)
{
	enum ck_status rc = CK_OK;
	bool ocsp = f->mode == CK_REVOCATION_OCSP || f->mode == CK_REVOCATION_ALL;
	bool crl = f->mode == CK_REVOCATION_CRL || f->mode == CK_REVOCATION_ALL;

	if (was_asked(f, c, issuer))
		return CK_OK;
	if (!grow((void **)&f->asked, f->nasked, sizeof *f->asked))
		return CK_E_NOMEM;
	memcpy(f->asked[f->nasked].cert, c->sha256, 32);
	memcpy(f->asked[f->nasked].issuer, issuer->sha256, 32);
	f->nasked++;
	for (size_t i = 0; ocsp && c->aia_ocsp && c->aia_ocsp[i] && !rc; i++)
		rc = want(f, "ocsp", c->aia_ocsp[i], c, issuer);
	for (size_t i = 0; crl && c->crl_dp && c->crl_dp[i] && !rc; i++)
		rc = want(f, "crl", c->crl_dp[i], c, NULL);
	for (size_t i = 0; crl && c->delta_crl && c->delta_crl[i] && !rc; i++)
		rc = want(f, "crl", c->delta_crl[i], c, NULL);
	return rc;
}

static int reason_code(const char *name)
{
	for (int r = 0; name && r <= 10; r++)
		if (!strcmp(ck_crlset_reason_name(r), name))
			return r;
	return -1;
}

/* Judge what a fetch that got through served: CK_OK, or CK_E_NOMEM. */
static enum ck_status settle(struct ck_revfetch *f, struct fetch *x,
			     const struct ck_net_result *net, time_t at)
{
	const unsigned char *body = net->body;
	size_t len = net->body_len;
	unsigned char *ldap = NULL;
	struct ck_error err;
	enum ck_status rc;

	x->done = true;
	if (net->result != CK_URL_OK) {
		x->result = net->result;
		note(x, "%s", net->message);
		return CK_OK;
	}
	if (!strcmp(x->kind, "crl")) {
		if (!strncasecmp(x->url, "ldap", 4)) {
			if (!ck_aia_ldap_values(body, len, "certificateRevocationList", &ldap, &len) &&
			    !ck_aia_ldap_values(body, len, "authorityRevocationList", &ldap, &len)) {
				x->result = CK_URL_BAD_CONTENT;
				note(x, "the LDAP answer has no certificateRevocationList;binary value");
				return CK_OK;
			}
			body = ldap;
		}
		ck_error_clear(&err);
		rc = ck_crlset_add(f->crls, body, len, x->url, &err);
		free(ldap);
		if (rc == CK_E_NOMEM)
			return rc;
		x->result = rc == CK_E_TOO_LARGE ? CK_URL_TOO_LARGE :
			    rc ? CK_URL_BAD_CONTENT : CK_URL_OK;
		if (rc)
			note(x, "not a usable CRL: %s", err.what);
		else
			note(x, "a CRL (%zu bytes), used with the others", len);
		return CK_OK;
	} else {
		struct ck_ocsp_info info;
		char why[256] = "";
		memset(&info, 0, sizeof info);
		x->result = ck_ocsp_check(body, len, x->cert_rec, x->issuer_rec, at, 0, &info, why,
					  sizeof why);
		if (x->result == CK_URL_OK || x->result == CK_URL_REVOKED) {
			x->state = x->result == CK_URL_OK ? CK_REVSTATE_GOOD : CK_REVSTATE_REVOKED;
			if (x->state == CK_REVSTATE_REVOKED) {
				x->reason = reason_code(info.revocation_reason);
				x->revoked_at = info.revoked_at;
			}
		}
		note(x, "%s", why);
		ck_ocsp_info_cleanup(&info);
	}
	return CK_OK;
}

/* The settle function of a round's batch: the fetch is the item's ctx. */
struct round {
	struct ck_revfetch *f;
	time_t at;
};

static enum ck_status settled(void *arg, void *ctx, struct ck_net_result *net)
{
	const struct round *r = arg;
	return settle(r->f, ctx, net, r->at);
}

/* Put the request of fetch x into the batch, or settle x without one. */
static enum ck_status enqueue(struct ck_revfetch *f, struct fetch *x, struct ck_url_batch *b)
{
	struct ck_net_request req = { .url = x->url };
	unsigned char *der = NULL;
	char why[200];
	struct ck_error err;
	size_t len = 0;

	x->result = ck_url_validate(x->url, f->schemes, why, sizeof why);
	if (x->result != CK_URL_OK) {
		x->done = true;
		note(x, "%s", why);
		return CK_OK;
	}
	if (!strcmp(x->kind, "ocsp")) {
		ck_error_clear(&err);
		if (ck_ocsp_request(x->cert_rec, x->issuer_rec, &der, &len, &err)) {
			if (err.status == CK_E_NOMEM)
				return CK_E_NOMEM;
			x->done = true;
			x->result = CK_URL_BAD_CONTENT;
			note(x, "no OCSP request could be made: %s", err.what);
			return CK_OK;
		}
		req.post = der;
		req.post_len = len;
		req.content_type = "application/ocsp-request";
		req.accept = "application/ocsp-response";
	}
	return ck_url_batch_add(b, &req, der, x);
}

/* The net options of a batch: what is left of the budget (the whole
 * timeout outside ck_revfetch_analyze()), or false when nothing is. */
static bool budget(const struct ck_revfetch *f, size_t requests, struct ck_net_opts *no)
{
	double left;

	*no = f->net;
	no->timeout_ms = ck_net_timeout_ms(no);
	left = f->deadline ? f->deadline - now_ms() : no->timeout_ms;
	if (left < 1)
		return false;
	if (left < no->timeout_ms)
		no->timeout_ms = (unsigned)left;
	if (no->connect_timeout_ms > no->timeout_ms || !no->connect_timeout_ms)
		no->connect_timeout_ms = no->timeout_ms < CK_NET_CONNECT_TIMEOUT_DEFAULT_MS ?
					 no->timeout_ms : CK_NET_CONNECT_TIMEOUT_DEFAULT_MS;
	no->parallel = requests < MAX_PARALLEL ? (unsigned)requests : MAX_PARALLEL;
	return true;
}

enum ck_status ck_revfetch_run(struct ck_revfetch *f, const struct ck_cert *const *certs,
			       const struct ck_cert *const *issuers, size_t n, time_t at,
			       struct ck_error *err)
{
	struct ck_url_batch b = { 0 };
	struct round r = { f, at };
	struct ck_net_opts no;
	size_t first = f->nf;
	enum ck_status rc = CK_OK;

	for (size_t i = 0; i < n && !rc; i++)
		rc = want_pair(f, certs[i], issuers[i]);
	if (rc || f->nf == first)
		goto out;
	rc = ck_url_batch_init(&b, f->nf - first);
	for (size_t i = first; i < f->nf && !rc; i++)
		rc = enqueue(f, &f->f[i], &b);
	if (rc || !b.n)
		goto out;
	/* all at once, within what is left of the budget */
	if (!budget(f, ck_url_batch_requests(&b), &no)) {
		for (size_t k = 0; k < b.n; k++) {
			struct fetch *x = b.items[k].ctx;
			x->done = true;
			x->result = CK_URL_TIMEOUT;
			note(x, "not fetched: the time allowed for revocation fetches (--timeout) was spent");
		}
		goto out;
	}
	rc = ck_url_batch_run(&b, &no, settled, &r, err);
out:
	for (size_t i = first; i < f->nf; i++)
		f->f[i].cert_rec = f->f[i].issuer_rec = NULL;
	ck_url_batch_cleanup(&b);
	return rc;
}

bool ck_revfetch_ocsp(const struct ck_revfetch *f, const struct ck_cert *cert,
		      const struct ck_cert *issuer, enum ck_rev_state *state, int *reason,
		      time_t *revoked_at, const char **url)
{
	for (size_t i = 0; f && i < f->nf; i++) {
		const struct fetch *x = &f->f[i];
		if (strcmp(x->kind, "ocsp") || !x->done || !same(x->cert, cert) ||
		    !same(x->issuer, issuer))
			continue;
		if (x->state != CK_REVSTATE_GOOD && x->state != CK_REVSTATE_REVOKED)
			continue;
		*state = x->state;
		*reason = x->reason;
		*revoked_at = x->revoked_at;
		*url = x->url;
		return true;
	}
	return false;
}

enum ck_status ck_revfetch_list(const struct ck_revfetch *f, const struct ck_cert *cert,
				const struct ck_cert *issuer, const char *kind,
				struct ck_rev_fetch **out, size_t *n)
{
	for (size_t k = 0; f && k < f->nl; k++) {
		const struct fetch *x = &f->f[f->l[k].fetch];
		struct ck_rev_fetch *v, *e;
		if (!same(f->l[k].cert, cert) || !x->done || (kind && strcmp(kind, x->kind)))
			continue;
		if (!strcmp(x->kind, "ocsp") && !same(x->issuer, issuer))
			continue;
		v = realloc(*out, (*n + 1) * sizeof *v);
		if (!v)
			return CK_E_NOMEM;
		*out = v;
		e = &v[*n];
		e->kind = x->kind;
		e->result = ck_url_result_name(x->result);
		e->url = strdup(x->url);
		e->message = strdup(x->message);
		if (!e->url || !e->message) {
			free(e->url);
			free(e->message);
			return CK_E_NOMEM;
		}
		(*n)++;
	}
	return CK_OK;
}

/* Every (certificate, issuer) the builder may rely on: the links of
 * the chains, and those of the other paths it tried (its trace) whose
 * signature verified, so that a path taken instead of a revoked one
 * gets its answers in the next round.  Anchors are not asked about. */
static enum ck_status pairs_of(struct ck_analysis *a, const struct ck_cert ***certs,
			       const struct ck_cert ***issuers, size_t *n)
{
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; i < a->nchains; i++)
		cap += a->chains[i]->len + a->chains[i]->ntrace;
	*certs = calloc(cap ? cap : 1, sizeof **certs);
	*issuers = calloc(cap ? cap : 1, sizeof **issuers);
	if (!*certs || !*issuers)
		return CK_E_NOMEM;
	for (size_t i = 0; i < a->nchains; i++) {
		const struct ck_chain *c = a->chains[i];
		for (size_t k = 0; k + 1 < c->len; k++) {
			(*certs)[*n] = ck_pool_get(a->pool, c->path[k])->cert;
			(*issuers)[*n] = ck_pool_get(a->pool, c->path[k + 1])->cert;
			(*n)++;
		}
		for (size_t k = 0; k < c->ntrace; k++) {
			const struct ck_trace_entry *t = &c->trace[k];
			if (t->child == t->candidate || ck_pool_get(a->pool, t->child)->anchor ||
			    ck_pool_verify(a->pool, t->child, t->candidate) != 1)
				continue;
			(*certs)[*n] = ck_pool_get(a->pool, t->child)->cert;
			(*issuers)[*n] = ck_pool_get(a->pool, t->candidate)->cert;
			(*n)++;
		}
	}
	return CK_OK;
}

/* Is a pair of `a` not asked about yet? */
static enum ck_status news(const struct ck_revfetch *f, struct ck_analysis *a, bool *any)
{
	const struct ck_cert **certs = NULL, **issuers = NULL;
	size_t n = 0;
	enum ck_status rc = pairs_of(a, &certs, &issuers, &n);

	*any = false;
	for (size_t i = 0; !rc && i < n && !*any; i++)
		*any = !was_asked(f, certs[i], issuers[i]);
	free(certs);
	free(issuers);
	return rc;
}

enum ck_status ck_revfetch_analyze(struct ck_revfetch *f, const struct ck_bundle *b,
				   const struct ck_trust *trust,
				   const struct ck_analyze_opts *ao, struct ck_analysis **out,
				   struct ck_error *err)
{
	struct ck_analyze_opts o = *ao;
	struct ck_analysis *a = NULL;
	const struct ck_cert **certs = NULL, **issuers = NULL;
	size_t n = 0;
	enum ck_status rc;

	/* round 0: where the chains go, revocation aside */
	o.chain.v.revocation = CK_REVOCATION_OFF;
	o.chain.v.require_revocation = false;
	o.chain.v.online = NULL;
	rc = ck_analyze(b, trust, &o, &a, err);
	o = *ao;
	o.chain.v.online = &f->answers;
	f->deadline = now_ms() + ck_net_timeout_ms(&f->net);
	for (unsigned round = 0; !rc && round < CK_REVFETCH_ROUNDS; round++) {
		bool any = true;
		if (round && ((rc = news(f, a, &any)) || !any))
			break;
		free(certs);
		free(issuers);
		certs = issuers = NULL;
		rc = pairs_of(a, &certs, &issuers, &n);
		if (!rc)
			rc = ck_revfetch_run(f, certs, issuers, n, a->at, err);
		ck_analysis_free(a);
		a = NULL;
		if (!rc)
			rc = ck_analyze(b, trust, &o, &a, err);
	}
	f->deadline = 0;
	free(certs);
	free(issuers);
	if (rc) {
		ck_analysis_free(a);
		return rc;
	}
	*out = a;
	return CK_OK;
}
