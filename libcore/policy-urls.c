/* policy — the URL checks of an audit (certaudit --network).
 *
 * A set holds the URLs of one analysed bundle, with copies of the
 * certificates they belong to, so that it outlives the bundle.  The sets
 * of a whole run are checked together, in one batch (urlbatch): every
 * URL's request is prepared (aia), identical requests are made once (a
 * thousand bundles under one intermediate name its caIssuers and CRL
 * URLs a thousand times, and their OCSP requests for that intermediate
 * are byte for byte the same), all concurrently, and every URL is then
 * settled with its own copy of the answer to its request (the last
 * entry of a request takes the answer itself), checked against its own
 * certificate.  The answer's body is dropped as soon as an entry is settled, so memory
 * holds one copy at a time, not one per file. */
#include "config.h"

#include "policy.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void ck_url_set_free(struct ck_url_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nurls; i++)
		ck_url_entry_cleanup(&s->urls[i]);
	for (size_t i = 0; i < s->ncerts; i++)
		ck_cert_free(s->certs[i]);
	free(s->urls);
	free(s->cert);
	free(s->certs);
	free(s);
}

/* The set's copy of `c` (one per distinct certificate), or NULL. */
static const struct ck_cert *keep_cert(struct ck_url_set *s, const struct ck_cert *c)
{
	struct ck_cert **v;
	for (size_t i = 0; i < s->ncerts; i++)
		if (ck_cert_equal(s->certs[i], c))
			return s->certs[i];
	v = realloc(s->certs, (s->ncerts + 1) * sizeof *v);
	if (!v)
		return NULL;
	s->certs = v;
	if (ck_cert_dup(c, &v[s->ncerts]))
		return NULL;
	return v[s->ncerts++];
}

static enum ck_status add_url(struct ck_url_set *s, enum ck_url_kind kind, const char *url,
			      const struct ck_cert *cert, const struct ck_cert *issuer,
			      unsigned position, long index)
{
	struct ck_url_entry *v = realloc(s->urls, (s->nurls + 1) * sizeof *v);
	long *ci;
	if (!v)
		return CK_E_NOMEM;
	s->urls = v;
	ci = realloc(s->cert, (s->nurls + 1) * sizeof *ci);
	if (!ci)
		return CK_E_NOMEM;
	s->cert = ci;
	/* OCSP by POST, as every client does */
	if (ck_url_entry_init(&v[s->nurls], kind, url, cert, position,
			      kind == CK_KIND_OCSP ? "POST" : "GET"))
		return CK_E_NOMEM;
	v[s->nurls].issuer = issuer;
	ci[s->nurls] = index;
	s->nurls++;
	return CK_OK;
}

enum ck_status ck_url_set_new(const struct ck_analysis *a, struct ck_url_set **out,
			      struct ck_error *err)
{
	struct ck_url_set *s = calloc(1, sizeof *s);
	enum ck_status rc = CK_OK;

	if (!s)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	for (size_t i = 0; i < a->norder && !rc; i++) {
		size_t pi = a->order[i];
		const struct ck_cert *orig = ck_pool_get(a->pool, pi)->cert, *cert, *issuer = NULL;
		int verified;
		long by = ck_analysis_issuer(a, i, &verified);
		struct {
			ck_strv urls;
			enum ck_url_kind kind;
		} lists[] = {
			{ orig->aia_ca_issuers, CK_KIND_CA_ISSUERS },
			{ orig->aia_ocsp, CK_KIND_OCSP },
			{ orig->crl_dp, CK_KIND_CRL },
			{ orig->delta_crl, CK_KIND_DELTA_CRL },
		};
		if (!orig->aia_ca_issuers && !orig->aia_ocsp && !orig->crl_dp && !orig->delta_crl)
			continue;
		cert = keep_cert(s, orig);
		if (by >= 0 && verified == 1)
			issuer = keep_cert(s, ck_pool_get(a->pool, a->order[by])->cert);
		if (!cert || (by >= 0 && verified == 1 && !issuer)) {
			rc = CK_E_NOMEM;
			break;
		}
		for (size_t k = 0; k < sizeof lists / sizeof lists[0] && !rc; k++)
			for (size_t u = 0; lists[k].urls && lists[k].urls[u] && !rc; u++)
				rc = add_url(s, lists[k].kind, lists[k].urls[u], cert, issuer, (unsigned)u,
					     (long)i);
	}
	if (rc) {
		ck_url_set_free(s);
		return ck_error_set(err, rc, "out of memory");
	}
	*out = s;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* checking */

struct check_at {
	time_t at;
	unsigned warn_hours;
};

static enum ck_status settle_entry(void *arg, void *ctx, struct ck_net_result *net)
{
	const struct check_at *c = arg;
	struct ck_url_entry *e = ctx;

	ck_url_entry_settle(e, net, c->at, c->warn_hours);
	/* what the answer was worth is decided: drop the body */
	free(e->net.body);
	e->net.body = NULL;
	e->net.body_len = 0;
	return CK_OK;
}

enum ck_status ck_url_sets_check(struct ck_url_set *const *sets, size_t nsets,
				 const struct ck_net_opts *net, time_t at, unsigned warn_hours,
				 size_t *requests, struct ck_error *err)
{
	struct ck_url_batch b = { 0 };
	struct check_at c = { at ? at : time(NULL), warn_hours };
	size_t total = 0;
	unsigned schemes = net->schemes ? net->schemes : ck_net_schemes();
	enum ck_status rc;

	for (size_t i = 0; i < nsets; i++)
		total += sets[i]->nurls;
	rc = ck_url_batch_init(&b, total);
	/* entries that cannot be requested are settled here */
	for (size_t i = 0; i < nsets && !rc; i++)
		for (size_t u = 0; u < sets[i]->nurls && !rc; u++)
			rc = ck_url_entry_enqueue(&sets[i]->urls[u], schemes, &b, &sets[i]->urls[u]);
	if (rc) {
		rc = ck_error_set(err, rc, rc == CK_E_NOMEM ? "out of memory" : "URL batch full");
		goto out;
	}
	rc = ck_url_batch_run(&b, net, settle_entry, &c, err);
	if (!rc && requests)
		*requests = ck_url_batch_requests(&b);
out:
	ck_url_batch_cleanup(&b);
	return rc;
}

/* ---------------------------------------------------------------- */
/* findings */

static const char *kind_text(enum ck_url_kind k)
{
	switch (k) {
	case CK_KIND_CA_ISSUERS: return "caIssuers URL";
	case CK_KIND_OCSP: return "OCSP URL";
	case CK_KIND_CRL: return "CRL URL";
	case CK_KIND_DELTA_CRL: return "delta CRL URL";
	default: return "URL";
	}
}

static const char *url_hint(const struct ck_url_entry *e)
{
	switch (e->result) {
	case CK_URL_DROPPED:
	case CK_URL_TIMEOUT:
		if (e->kind == CK_KIND_CA_ISSUERS)
			return "A client that fetches it stalls: .NET on Linux waits up to 15 s per chain build for a missing intermediate. Open the path to the server or put the issuer in the bundle; aiacheck tells which clients are hit.";
		return "Clients that check revocation stall on it until their timeout. Open the path to the server; aiacheck tells which clients are hit.";
	case CK_URL_REVOKED:
		return "Replace the certificate: clients that check revocation refuse it.";
	case CK_URL_STALE:
		return "The CA must publish a fresh CRL or OCSP answer; clients that check revocation fail.";
	case CK_URL_WRONG_ISSUER:
	case CK_URL_BAD_CONTENT:
		return "The server behind the URL serves the wrong thing; aiacheck shows what it served.";
	case CK_URL_BLOCKED_ADDRESS:
		return "A URL in a certificate that leads to a link-local or cloud metadata address is suspect: whoever made the certificate can point clients there. It was not fetched; --allow-address CIDR opens a range on purpose.";
	default:
		return "aiacheck FILE shows every URL of the file with the timings of each request.";
	}
}

enum ck_status ck_audit_add_urls(struct ck_audit *au, const struct ck_policy *p,
				 const struct ck_url_set *s)
{
	enum ck_status rc = CK_OK;

	for (size_t i = 0; i < s->nurls && !rc; i++) {
		const struct ck_url_entry *e = &s->urls[i];
		enum ck_finding_id id;
		if (ck_audit_url_finding(e->result, &id))
			rc = ck_audit_add(au, p, id, s->cert[i], e->cert->subject, url_hint(e),
					  "the %s %s of %s: %s: %s", kind_text(e->kind), e->url,
					  e->cert->subject, ck_url_result_name(e->result), e->note);
		else if (e->checked && e->warning)
			rc = ck_audit_add(au, p, CK_F_URL_NEXT_UPDATE_SOON, s->cert[i], e->cert->subject,
					  "The CA must publish the next CRL or OCSP answer in time; watch it.",
					  "the %s %s of %s: %s", kind_text(e->kind), e->url,
					  e->cert->subject, e->note);
	}
	return rc;
}
