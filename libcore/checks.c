/* checks — from a bundle and the trust stores to chains, roles and
 * findings.
 *
 * Leaves: the certificates a private key of the input matches; without
 * such a key, the input certificates that issue no other input
 * certificate (self-signed ones only when nothing else qualifies, so a
 * stray self-signed certificate does not pass for a chain).  Each leaf
 * gets a chain; the first keyed leaf, else the first leaf in input
 * order, is the primary chain.  Findings are deduplicated by (code,
 * certificate) so that ten thousand leaves under one expired root give
 * one "expired" finding for the root. */
#include "config.h"

#include "checks.h"
#include "p12compat.h"

#include <gnutls/gnutls.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static enum ck_status p12_findings(struct ck_analysis *a, const struct ck_p12_info *p);

/* ---------------------------------------------------------------- */

void ck_analysis_free(struct ck_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nchains; i++)
		ck_chain_free(a->chains[i]);
	free(a->chains);
	for (size_t i = 0; i < a->nfindings; i++) {
		free(a->findings[i].code);
		free(a->findings[i].message);
		free(a->findings[i].hint);
	}
	free(a->findings);
	free(a->order);
	free(a->roles);
	free(a->key_match);
	free(a->pos_of);
	free(a->issuer_of);
	free(a->issuer_verified);
	ck_pool_free(a->pool);
	free(a);
}

long ck_analysis_index(const struct ck_analysis *a, size_t pool_index)
{
	if (pool_index >= ck_pool_count(a->pool))
		return -1;
	return a->pos_of[pool_index];
}

long ck_analysis_issuer(const struct ck_analysis *a, size_t idx, int *verified)
{
	size_t pi;
	*verified = -1;
	if (idx >= a->norder)
		return -1;
	pi = a->order[idx];
	if (a->issuer_of[pi] < 0)
		return -1;
	*verified = a->issuer_verified[pi];
	return ck_analysis_index(a, (size_t)a->issuer_of[pi]);
}

/* ---------------------------------------------------------------- */
/* findings */

/* One finding per (code, certificate); findings about no certificate
 * are told apart by their message. */
static bool has_finding(const struct ck_analysis *a, const char *code, long cert,
			const char *message)
{
	for (size_t i = 0; i < a->nfindings; i++)
		if (a->findings[i].cert == cert && strcmp(a->findings[i].code, code) == 0 &&
		    (cert >= 0 || strcmp(a->findings[i].message, message) == 0))
			return true;
	return false;
}

__attribute__((format(printf, 6, 0)))
static enum ck_status vadd(struct ck_analysis *a, enum ck_finding_id id, enum ck_severity sev,
			   long cert, const char *hint, const char *fmt, va_list ap)
{
	const char *code = ck_finding_name(id);
	struct ck_finding *n, *f;
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (has_finding(a, code, cert, msg))
		return CK_OK;
	n = realloc(a->findings, (a->nfindings + 1) * sizeof *n);
	if (!n)
		return CK_E_NOMEM;
	a->findings = n;
	f = &a->findings[a->nfindings];
	f->id = id;
	f->code = strdup(code);
	f->severity = sev;
	f->cert = cert;
	f->message = strdup(msg);
	f->hint = hint ? strdup(hint) : NULL;
	if (!f->code || !f->message || (hint && !f->hint)) {
		free(f->code);
		free(f->message);
		free(f->hint);
		return CK_E_NOMEM;
	}
	a->nfindings++;
	if (sev == CK_SEV_ERROR)
		a->errors++;
	else if (sev == CK_SEV_WARNING)
		a->warnings++;
	return CK_OK;
}

/* A finding at its registry severity. */
__attribute__((format(printf, 5, 6)))
static enum ck_status add_finding(struct ck_analysis *a, enum ck_finding_id id, long cert,
				  const char *hint, const char *fmt, ...)
{
	enum ck_status rc;
	va_list ap;

	va_start(ap, fmt);
	rc = vadd(a, id, ck_finding_def(id)->severity, cert, hint, fmt, ap);
	va_end(ap);
	return rc;
}

/* A finding at the severity its producer decided (a chain problem that
 * does not invalidate the chain is a warning). */
__attribute__((format(printf, 6, 7)))
static enum ck_status add_finding_at(struct ck_analysis *a, enum ck_finding_id id,
				     enum ck_severity sev, long cert, const char *hint,
				     const char *fmt, ...)
{
	enum ck_status rc;
	va_list ap;

	va_start(ap, fmt);
	rc = vadd(a, id, sev, cert, hint, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *first_http(ck_strv urls)
{
	for (size_t i = 0; urls && urls[i]; i++)
		if (strncasecmp(urls[i], "http://", 7) == 0)
			return urls[i];
	return NULL;
}

static const struct ck_cert *out_cert(const struct ck_analysis *a, long idx)
{
	return ck_pool_get(a->pool, a->order[idx])->cert;
}

/* The top of the chain is a CA: what is missing above it is most
 * likely the root of a private PKI, which a bundle for mutual TLS
 * rightly leaves out (the peer has it); adding it would only trigger
 * root-in-bundle. */
static enum ck_status finding_root_not_given(struct ck_analysis *a, long idx,
					     const struct ck_cert *t)
{
	const char *url = first_http(t->aia_ca_issuers);
	char hint[1024];

	if (url)
		snprintf(hint, sizeof hint,
			 "Give the root with --ca-file to check the whole path; the bundle need not "
			 "carry it (the peer must already trust it). A .NET client on Linux whose "
			 "stores lack this root will try to download it from %s at every new "
			 "connection (15 s budget per chain build); test the URL with aiacheck.", url);
	else
		snprintf(hint, sizeof hint,
			 "Give the root with --ca-file to check the whole path; the bundle need not "
			 "carry it (the peer must already trust it).");
	return add_finding(a, CK_F_ROOT_NOT_GIVEN, idx, hint,
			   "the chain ends at %s; its issuer %s is in neither the input nor "
			   "the trust stores: usually the root", t->subject, t->issuer);
}

static enum ck_status finding_missing(struct ck_analysis *a, const struct ck_chain *c)
{
	size_t top = c->path[c->len - 1];
	long idx = ck_analysis_index(a, top);
	const struct ck_cert *t = ck_pool_get(a->pool, top)->cert;
	const char *url = first_http(t->aia_ca_issuers);
	char hint[1024];

	if (t->ca)
		return finding_root_not_given(a, idx, t);
	if (url)
		snprintf(hint, sizeof hint,
			 "Add the issuer to the bundle (certconv --fix completes it from --ca-file). "
			 "A .NET client on Linux will try to download it from %s at every new "
			 "connection (15 s budget per chain build) and, if that fails, sends the "
			 "leaf alone; OpenSSL, curl and Java (by default) never fetch it. "
			 "Test the URL with aiacheck.", url);
	else if (t->aia_ca_issuers)
		snprintf(hint, sizeof hint,
			 "Add the issuer to the bundle. Its caIssuers URLs are not http, so a .NET "
			 "client on Linux cannot fetch it and sends the leaf alone.");
	else
		snprintf(hint, sizeof hint,
			 "Add the issuer to the bundle. The certificate has no caIssuers URL, so no "
			 "client can fetch the issuer; a .NET client on Linux sends the leaf alone.");
	return add_finding(a, CK_F_MISSING_ISSUER, idx, hint,
			   "the issuer of %s is missing: %s%s%s", t->subject, t->issuer,
			   url ? "; a client would fetch it from " : "", url ? url : "");
}

static const char *problem_hint(enum ck_finding_id id)
{
	switch (id) {
	case CK_F_EXPIRED:
	case CK_F_NOT_YET_VALID:
		return "Renew or replace the certificate (check the dates with --at).";
	case CK_F_BAD_SIGNATURE:
		return "The certificate was not signed by this issuer's key: the file holds a wrong or re-keyed issuer.";
	case CK_F_UNSUPPORTED_SIGNATURE:
		return "GnuTLS clients cannot verify it either; reissue with a common algorithm (RSA or ECDSA with SHA-256, or RSA-PSS with SHA-256).";
	case CK_F_PURPOSE_MISMATCH:
		return "Issue a certificate whose extended key usage includes the purpose (clientAuth for mutual TLS clients, serverAuth for servers).";
	case CK_F_HOSTNAME_MISMATCH:
		return "The name must be in the subjectAltName (DNS or IP).";
	case CK_F_CA_MISSING_BASIC_CONSTRAINTS:
	case CK_F_NOT_A_CA:
	case CK_F_CA_KEY_USAGE:
		return "Clients reject certificates issued by it; reissue the CA certificate with basicConstraints CA:TRUE and keyCertSign.";
	case CK_F_PATH_LENGTH_EXCEEDED:
		return "Reissue the constraining CA with a larger pathLen, or shorten the chain.";
	case CK_F_NAME_CONSTRAINTS_VIOLATION:
		return "The name is outside what the CA may issue for; clients reject the chain.";
	case CK_F_UNSUPPORTED_CRITICAL_EXTENSION:
		return "Clients must reject certificates with critical extensions they do not know.";
	case CK_F_REVOKED:
		return "Replace the certificate: clients that check revocation refuse it.";
	case CK_F_REVOCATION_UNKNOWN:
		return "Give the CRLs with --crl-file (or --revocation with network access); --require-revocation makes an unknown status an error.";
	case CK_F_POLICY_VIOLATION:
		return "The path does not assert the certificate policy asked for (--policy, --explicit-policy) or a CA's policy constraints; chainview --explain shows the path.";
	case CK_F_KEY_TOO_SMALL:
	case CK_F_DSA_SIGNATURE:
		return "Reissue with RSA 2048+ or ECDSA P-256+ and SHA-256: OpenSSL 3 at Debian's default security level refuses this.";
	case CK_F_WEAK_SIGNATURE:
		return "Reissue the certificate with a SHA-256 signature; MD5 and SHA-1 signatures are refused by current clients.";
	default:
		return NULL;
	}
}

static enum ck_status chain_findings(struct ck_analysis *a, const struct ck_chain *c)
{
	enum ck_status rc = CK_OK;

	for (size_t i = 0; i < c->nproblems && !rc; i++) {
		const struct ck_chain_problem *p = &c->problems[i];
		long idx = ck_analysis_index(a, c->path[p->pos]);
		enum ck_severity sev = p->warning ? CK_SEV_WARNING : CK_SEV_ERROR;
		rc = add_finding_at(a, p->id, sev, idx, problem_hint(p->id), "%s", p->message);
	}
	if (!rc && !c->explored)
		rc = add_finding(a, CK_F_SEARCH_INCOMPLETE, ck_analysis_index(a, c->path[0]),
				 "The input holds many certificates of the same name, or very long or crossed paths; the verdict is that of the best path found.",
				 "path building for %s stopped at a work bound (%u paths evaluated) before every candidate issuer was tried",
				 ck_pool_get(a->pool, c->path[0])->cert->subject, c->paths_evaluated);
	if (rc)
		return rc;
	if (!c->complete && !c->issuer_present)
		return finding_missing(a, c);
	if (c->complete && !c->trusted) {
		size_t top = c->path[c->len - 1];
		const struct ck_cert *t = ck_pool_get(a->pool, top)->cert;
		return add_finding(a, CK_F_UNTRUSTED_ROOT, ck_analysis_index(a, top),
				   "Pass the root with --ca-file if you trust it, or install it in the trust store the client uses (see truststore).",
				   "the chain ends at %s, which is in no trust store", t->subject);
	}
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* leaves, order, roles */

static enum ck_status pick_leaves(struct ck_analysis *a, const struct ck_bundle *b,
				  size_t **leaves, size_t *nleaves)
{
	size_t n = ck_pool_count(a->pool), count = 0;
	size_t *out = calloc(n ? n : 1, sizeof *out);
	bool *issues = calloc(n ? n : 1, sizeof *issues);
	bool any_plain = false;

	if (!out || !issues) {
		free(out);
		free(issues);
		return CK_E_NOMEM;
	}
	/* keyed leaves first, in input order */
	for (size_t i = 0; i < n; i++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, i);
		if (e->source != CK_SRC_INPUT || e->duplicate_of >= 0)
			continue;
		for (size_t k = 0; k < b->nkeys; k++)
			if (!memcmp(b->keys[k]->spki_sha256, e->cert->spki_sha256, 32)) {
				out[count++] = i;
				break;
			}
	}
	if (count == 0) {
		ck_pool_input_issuers(a->pool, issues);
		for (size_t i = 0; i < n; i++) {
			const struct ck_pool_entry *e = ck_pool_get(a->pool, i);
			if (e->source == CK_SRC_INPUT && e->duplicate_of < 0 && !issues[i] &&
			    !e->cert->self_issued)
				any_plain = true;
		}
		for (size_t i = 0; i < n; i++) {
			const struct ck_pool_entry *e = ck_pool_get(a->pool, i);
			if (e->source != CK_SRC_INPUT || e->duplicate_of >= 0 || issues[i])
				continue;
			if (any_plain && e->cert->self_issued)
				continue;
			out[count++] = i;
		}
	}
	free(issues);
	*leaves = out;
	*nleaves = count;
	return CK_OK;
}

static enum ck_status place(struct ck_analysis *a, size_t pool_index, const char *role)
{
	if (a->pos_of[pool_index] >= 0)
		return CK_OK;
	a->pos_of[pool_index] = (long)a->norder;
	a->order[a->norder] = pool_index;
	a->roles[a->norder] = role;
	a->norder++;
	return CK_OK;
}

static bool keyed(const struct ck_bundle *b, const struct ck_cert *c)
{
	for (size_t k = 0; k < b->nkeys; k++)
		if (!memcmp(b->keys[k]->spki_sha256, c->spki_sha256, 32))
			return true;
	return false;
}

static void order_chain(struct ck_analysis *a, const struct ck_bundle *b, const struct ck_chain *c)
{
	for (size_t k = 0; k < c->len; k++) {
		size_t pi = c->path[k];
		if (a->issuer_of[pi] == -1 && a->pos_of[pi] < 0) {
			if (k + 1 < c->len) {
				a->issuer_of[pi] = (long)c->path[k + 1];
				a->issuer_verified[pi] = c->link_verified[k];
			} else if (c->self_signed_top) {
				a->issuer_of[pi] = (long)pi;
				a->issuer_verified[pi] = 1;
			}
		}
		const struct ck_cert *cert = ck_pool_get(a->pool, c->path[k])->cert;
		const char *role = "intermediate";
		bool top = k == c->len - 1;
		if (top && c->self_signed_top && (k > 0 || (cert->has_basic_constraints && cert->ca)))
			role = "root";
		/* a CA at the bottom (an intermediates-only bundle) is labelled
		 * by what it is, unless the input's private key is its own */
		else if (k == 0 && (!(cert->has_basic_constraints && cert->ca) || keyed(b, cert)))
			role = "leaf";
		place(a, c->path[k], role);
	}
}

/* ---------------------------------------------------------------- */
/* bundle-level findings */

static enum ck_status finding_duplicates(struct ck_analysis *a)
{
	size_t n = ck_pool_count(a->pool);
	for (size_t i = 0; i < n; i++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, i);
		const struct ck_pool_entry *orig;
		enum ck_status rc;
		if (e->duplicate_of < 0)
			continue;
		orig = ck_pool_get(a->pool, (size_t)e->duplicate_of);
		rc = add_finding(a, CK_F_DUPLICATE_CERTIFICATE,
				 ck_analysis_index(a, (size_t)e->duplicate_of),
				 "Remove the copies (certconv --fix does).",
				 "%s appears more than once in the input (positions %d and %d)",
				 e->cert->subject, orig->input_index + 1, e->input_index + 1);
		if (rc)
			return rc;
	}
	return CK_OK;
}

static enum ck_status finding_order(struct ck_analysis *a)
{
	const struct ck_chain *c = a->nchains ? a->chains[0] : NULL;
	int last = -1, first = -1, on_path = 0;
	bool bad = false;
	char order[256] = "";
	size_t used = 0;

	if (!c)
		return CK_OK;
	for (size_t k = 0; k < c->len; k++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, c->path[k]);
		if (e->source != CK_SRC_INPUT)
			continue;
		on_path++;
		if (first < 0)
			first = e->input_index;
		if (e->input_index < last)
			bad = true;
		last = e->input_index;
	}
	if (on_path < 2 || (!bad && first == 0))
		return CK_OK;
	/* what the input holds, position by position */
	for (size_t i = 0; i < ck_pool_count(a->pool) && used < sizeof order - 40; i++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, i);
		long idx = ck_analysis_index(a, i);
		if (e->source != CK_SRC_INPUT || e->duplicate_of >= 0 || idx < 0)
			continue;
		used += (size_t)snprintf(order + used, sizeof order - used, "%s%s [%ld]",
					 used ? ", " : "", a->roles[idx], idx);
	}
	return add_finding(a, CK_F_WRONG_ORDER, -1,
			   "Servers and clients send the file as it is: put the leaf first, then each issuer (certconv --fix).",
			   "the input is not in chain order (leaf first, then each issuer): it holds %s",
			   order);
}

static enum ck_status finding_certs(struct ck_analysis *a, const struct ck_bundle *b,
				    unsigned warn_days)
{
	enum ck_status rc = CK_OK;
	bool chain_root_input = false;

	for (size_t i = 0; i < a->norder && !rc; i++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, a->order[i]);
		const struct ck_cert *c = e->cert;
		char t[32];

		ck_time_format(c->not_after, t);
		if (!strcmp(a->roles[i], "unrelated")) {
			rc = add_finding(a, CK_F_UNRELATED_CERTIFICATE, (long)i,
					 "Remove it, or check that the right file was used.",
					 "%s is not part of any chain of the input", c->subject);
			if (!rc && a->at > c->not_after && c->not_after != (time_t)-1)
				rc = add_finding(a, CK_F_EXPIRED, (long)i,
						 problem_hint(CK_F_EXPIRED), "%s expired on %s",
						 c->subject, t);
		}
		if (!rc && c->not_after != (time_t)-1 && a->at <= c->not_after &&
		    a->at >= c->not_before &&
		    (c->not_after - a->at) <= (time_t)warn_days * 86400) {
			rc = add_finding(a, CK_F_EXPIRES_SOON, (long)i,
					 "Plan the renewal now.",
					 "%s expires on %s (in %lld day%s)", c->subject, t,
					 (long long)((c->not_after - a->at) / 86400),
					 (c->not_after - a->at) / 86400 == 1 ? "" : "s");
		}
		if (!rc && ck_cert_weak_key(c))
			rc = add_finding(a, CK_F_WEAK_KEY, (long)i,
					 "Use RSA 2048+ or EC P-256+; clients at OpenSSL's default security level refuse smaller keys.",
					 "%s has a weak %s %u-bit key", c->subject, ck_cert_key_type(c),
					 c->bits);
		if (!rc && !strcmp(a->roles[i], "root") && e->source == CK_SRC_INPUT &&
		    a->nchains && a->chains[0]->len > 1)
			chain_root_input = true;
	}
	if (!rc && chain_root_input) {
		for (size_t i = 0; i < a->norder; i++)
			if (!strcmp(a->roles[i], "root") &&
			    ck_pool_get(a->pool, a->order[i])->source == CK_SRC_INPUT) {
				rc = add_finding(a, CK_F_ROOT_IN_BUNDLE, (long)i,
						 "Peers must already trust the root; sending it costs bytes and changes nothing (--no-root when converting).",
						 "the input contains the root %s",
						 out_cert(a, (long)i)->subject);
				break;
			}
	}
	if (!rc && b->nkeys && !b->ncerts)
		rc = add_finding(a, CK_F_NO_CERTIFICATE, -1, NULL,
				 "the input holds %zu private key%s but no certificate", b->nkeys,
				 b->nkeys == 1 ? "" : "s");
	for (size_t k = 0; k < b->nkeys && b->ncerts && !rc; k++) {
		if (a->key_match[k] >= 0)
			continue;
		rc = add_finding(a, CK_F_KEY_MISMATCH, -1,
				 "The key and the certificate were not made together; find the key that belongs to the certificate.",
				 "the private key (%s %u bits) matches none of the certificates",
				 ck_key_type(b->keys[k]), b->keys[k]->bits);
	}
	if (!rc && b->format == CK_FMT_PKCS12 && b->nkeys == 0 && b->ncerts > 0)
		rc = add_finding(a, CK_F_NO_PRIVATE_KEY, -1, NULL,
				 "the PKCS#12 file holds no private key (a trust store or certificates only)");
	for (size_t k = 0; k < b->nnotes && !rc; k++) {
		rc = add_finding(a, b->notes[k].id, -1, b->notes[k].hint, "%s", b->notes[k].message);
	}
	if (!rc && b->p12)
		rc = p12_findings(a, b->p12);
	return rc;
}

/* weak-pkcs12, pkcs12-incompatible, pkcs12-not-portable (p12compat) */
static enum ck_status p12_findings(struct ck_analysis *a, const struct ck_p12_info *p)
{
	struct ck_note *notes = NULL;
	size_t n = 0;
	enum ck_status rc = ck_p12compat_notes(p, &notes, &n);

	for (size_t k = 0; k < n && !rc; k++)
		rc = add_finding(a, notes[k].id, -1, notes[k].hint, "%s", notes[k].message);
	ck_p12compat_notes_free(notes, n);
	return rc;
}

static int cmp_finding(const void *x, const void *y)
{
	const struct ck_finding *a = x, *b = y;
	long ca = a->cert < 0 ? LONG_MAX : a->cert, cb = b->cert < 0 ? LONG_MAX : b->cert;
	if (a->severity != b->severity)
		return (int)b->severity - (int)a->severity;
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return strcmp(a->code, b->code);
}

/* ---------------------------------------------------------------- */

static enum ck_status build_pool(struct ck_analysis *a, const struct ck_bundle *b,
				 const struct ck_trust *trust, const struct ck_analyze_opts *o)
{
	enum ck_status rc = ck_pool_new(&a->pool);
	for (size_t i = 0; !rc && i < b->ncerts; i++)
		rc = ck_pool_add(a->pool, b->certs[i], CK_SRC_INPUT, false, b->name, (int)i, NULL);
	if (!rc && trust)
		rc = ck_trust_add_to_pool(trust, a->pool);
	for (size_t i = 0; !rc && i < o->nfetched; i++)
		rc = ck_pool_add(a->pool, o->fetched[i], CK_SRC_FETCHED, false,
				 o->fetched_from ? o->fetched_from[i] : "caIssuers", -1, NULL);
	return rc;
}

enum ck_status ck_analyze(const struct ck_bundle *b, const struct ck_trust *trust,
			  const struct ck_analyze_opts *o_in, struct ck_analysis **out,
			  struct ck_error *err)
{
	struct ck_analyze_opts o = { 0 };
	struct ck_analysis *a = calloc(1, sizeof *a);
	size_t *leaves = NULL, nleaves = 0, n;
	enum ck_status rc;

	if (o_in)
		o = *o_in;
	if (!o.warn_days)
		o.warn_days = 30;
	if (!a)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	a->at = o.chain.at ? o.chain.at : time(NULL);
	o.chain.at = a->at;

	rc = build_pool(a, b, trust, &o);
	if (!rc)
		rc = ck_pool_verify_ahead(a->pool, &o.chain);
	if (rc)
		goto out;
	n = ck_pool_count(a->pool);
	a->order = calloc(n ? n : 1, sizeof *a->order);
	a->roles = calloc(n ? n : 1, sizeof *a->roles);
	a->pos_of = malloc((n ? n : 1) * sizeof *a->pos_of);
	a->issuer_of = malloc((n ? n : 1) * sizeof *a->issuer_of);
	a->issuer_verified = malloc(n ? n : 1);
	a->key_match = malloc((b->nkeys ? b->nkeys : 1) * sizeof *a->key_match);
	if (!a->order || !a->roles || !a->pos_of || !a->key_match || !a->issuer_of ||
	    !a->issuer_verified) {
		rc = CK_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		a->pos_of[i] = -1;
		a->issuer_of[i] = -1;
		a->issuer_verified[i] = -1;
	}

	rc = pick_leaves(a, b, &leaves, &nleaves);
	if (rc)
		goto out;
	a->chains = calloc(nleaves ? nleaves : 1, sizeof *a->chains);
	if (!a->chains) {
		rc = CK_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < nleaves; i++) {
		rc = ck_chain_build(a->pool, leaves[i], &o.chain, &a->chains[i], err);
		if (rc)
			goto out;
		a->nchains++;
		order_chain(a, b, a->chains[i]);
	}
	/* input certificates on no chain, in input order */
	for (size_t i = 0; i < n; i++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, i);
		if (e->source == CK_SRC_INPUT && e->duplicate_of < 0)
			place(a, i, "unrelated");
	}
	for (size_t k = 0; k < b->nkeys; k++) {
		a->key_match[k] = -1;
		for (size_t i = 0; i < a->norder; i++)
			if (!memcmp(b->keys[k]->spki_sha256, out_cert(a, (long)i)->spki_sha256, 32)) {
				a->key_match[k] = (long)i;
				break;
			}
	}

	for (size_t i = 0; i < a->nchains && !rc; i++)
		rc = chain_findings(a, a->chains[i]);
	if (!rc)
		rc = finding_duplicates(a);
	if (!rc)
		rc = finding_order(a);
	if (!rc)
		rc = finding_certs(a, b, o.warn_days);
	if (rc)
		goto out;
	if (a->nfindings > 1)
		qsort(a->findings, a->nfindings, sizeof *a->findings, cmp_finding);
	*out = a;
	a = NULL;
out:
	free(leaves);
	ck_analysis_free(a);
	if (rc == CK_E_NOMEM)
		ck_error_set(err, rc, "out of memory");
	return rc;
}
