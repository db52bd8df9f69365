/* report-truststore — truststore's documents and their text.
 *
 * Every command's document is one JSON object with "command" first; the
 * text renderer reads only the document, so that whatever the text
 * shows is in the JSON (and the XML) too.  Certificates are shown one
 * line each: not-after date, key, SHA-256, subject, where from. */
#include "config.h"

#include "emit.h"

#include "report-truststore.h"
#include "jks.h"
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

static json_t *key_json(const struct ck_cert *c)
{
	json_t *k = json_object();
	const char *curve = ck_cert_curve_name(c);
	json_object_set_new(k, "type", json_string(ck_cert_key_type(c)));
	json_object_set_new(k, "bits", json_integer(c->bits));
	json_object_set_new(k, "curve", ck_json_str_or_null(curve));
	return k;
}

static long long days_left(time_t not_after, time_t at)
{
	return (long long)((not_after - at) / 86400 - (not_after < at ? 1 : 0));
}

static bool self_signed(const struct ck_cert *c)
{
	bool valid = false;
	struct ck_error e;
	ck_error_clear(&e);
	return c->self_issued && ck_cert_verify_signature(c, c, &valid, &e) == CK_OK && valid;
}

json_t *ck_report_store_cert(const struct ck_trust_store *s, size_t i, time_t at)
{
	const struct ck_cert *c = s->certs[i];
	const struct ck_trust_meta *m = &s->meta[i];
	json_t *o = json_object(), *views;
	unsigned char sha1[20];

	if (!o)
		return NULL;
	json_object_set_new(o, "subject", ck_json_str(c->subject));
	json_object_set_new(o, "issuer", ck_json_str(c->issuer));
	json_object_set_new(o, "serial", json_string(c->serial));
	json_object_set_new(o, "not_before", ck_json_time(c->not_before));
	json_object_set_new(o, "not_after", ck_json_time(c->not_after));
	json_object_set_new(o, "days_left", json_integer(days_left(c->not_after, at)));
	json_object_set_new(o, "expired", json_boolean(c->not_after < at));
	json_object_set_new(o, "key", key_json(c));
	json_object_set_new(o, "signature_algorithm", ck_json_str(c->sig_algo_name));
	json_object_set_new(o, "sha256", ck_json_hex(c->sha256, 32));
	ck_cert_sha1(c, sha1);
	json_object_set_new(o, "sha1", ck_json_hex(sha1, 20));
	json_object_set_new(o, "subject_key_id", ck_json_hex(c->ski, c->ski_len));
	json_object_set_new(o, "self_signed", json_boolean(self_signed(c)));
	json_object_set_new(o, "ca", json_boolean(c->has_basic_constraints && c->ca));
	json_object_set_new(o, "trusted", json_boolean(m->anchor));
	json_object_set_new(o, "origin", ck_json_str_or_null(m->origin));
	json_object_set_new(o, "alias", ck_json_str_or_null(m->alias));
	json_object_set_new(o, "dotnet_store", ck_json_str_or_null(m->substore));
	views = json_array();
	for (size_t v = 0; v < s->nviews; v++)
		if (m->views & (1u << v))
			json_array_append_new(views, json_string(s->views[v].name));
	json_object_set_new(o, "views", views);
	return o;
}

const char *ck_report_store_runtime(const struct ck_trust_store *s)
{
	if (!strcmp(s->kind, "system"))
		return "OpenSSL, curl, GnuTLS and .NET on Linux: the system store";
	if (!strcmp(s->kind, "java"))
		return "Java";
	if (!strcmp(s->kind, "dotnet"))
		return ".NET on Linux: its user stores, then the system store";
	return "a client given this file or directory as its trust store";
}

json_t *ck_report_store(const struct ck_trust_store *s)
{
	json_t *o = json_object(), *views = json_array();
	size_t anchors = 0;

	for (size_t i = 0; i < s->ncerts; i++)
		anchors += s->meta[i].anchor;
	json_object_set_new(o, "name", ck_json_str(s->name));
	json_object_set_new(o, "kind", json_string(s->kind));
	json_object_set_new(o, "location", ck_json_str_or_null(s->location));
	json_object_set_new(o, "exists", json_boolean(!s->absent));
	json_object_set_new(o, "format", s->format ? json_string(ck_format_name(s->format)) : json_null());
	json_object_set_new(o, "runtime", json_string(ck_report_store_runtime(s)));
	json_object_set_new(o, "count", json_integer((json_int_t)s->ncerts));
	json_object_set_new(o, "anchors", json_integer((json_int_t)anchors));
	json_object_set_new(o, "skipped_files", json_integer((json_int_t)s->skipped));
	for (size_t v = 0; v < s->nviews; v++) {
		json_t *jv = json_object();
		json_object_set_new(jv, "name", json_string(s->views[v].name));
		json_object_set_new(jv, "location", ck_json_str(s->views[v].location));
		json_object_set_new(jv, "count", json_integer((json_int_t)s->views[v].count));
		json_object_set_new(jv, "error", ck_json_str_or_null(s->views[v].error));
		json_array_append_new(views, jv);
	}
	json_object_set_new(o, "views", views);
	json_object_set_new(o, "keystore", s->jks ? ck_report_jks_json(s->jks) : json_null());
	return o;
}

/* ---------------------------------------------------------------- */
/* check */

static json_t *brief_cert(const struct ck_cert *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "subject", ck_json_str(c->subject));
	json_object_set_new(o, "sha256", ck_json_hex(c->sha256, 32));
	return o;
}

/* Where a store's clients find `c` without the bundle: the origin (or
 * the store name), NULL if nowhere. */
static const char *found_in(const struct ck_trust_store *const *search, size_t n,
			    const struct ck_cert *c)
{
	for (size_t i = 0; i < n; i++) {
		long k = ck_trust_store_find(search[i], c, true);
		if (k >= 0)
			return search[i]->meta[k].origin ? search[i]->meta[k].origin : search[i]->name;
	}
	return NULL;
}

/* The clients of a store, as runtime profiles (runtime.c holds what
 * each does): the system store serves OpenSSL, curl and GnuTLS, and
 * .NET on Linux, which downloads what they never do; a Java keystore
 * serves Java, which downloads only with enableAIAcaIssuers. */
static size_t store_clients(const struct ck_trust_store *s, enum ck_runtime_id ids[2])
{
	if (!strcmp(s->kind, "system")) {
		ids[0] = CK_RT_OPENSSL;
		ids[1] = CK_RT_DOTNET_LINUX;
		return 2;
	}
	if (!strcmp(s->kind, "java")) {
		ids[0] = CK_RT_JAVA_DEFAULT;
		ids[1] = CK_RT_JAVA;
		return 2;
	}
	ids[0] = !strcmp(s->kind, "dotnet") ? CK_RT_DOTNET_LINUX : CK_RT_OPENSSL;
	return 1;
}

/* What one client does about an issuer of `needs` it lacks (`found`:
 * it has it, in that place). */
static json_t *client_json(const struct ck_runtime *rt, const struct ck_cert *needs,
			   const char *found)
{
	const char *url = found ? NULL : ck_runtime_ca_issuers_url(rt, needs->aia_ca_issuers);
	json_t *o = json_object();

	json_object_set_new(o, "runtime", json_string(rt->name));
	json_object_set_new(o, "label", json_string(rt->label));
	json_object_set_new(o, "without_bundle", json_string(found ? "found" :
							    url && !rt->fetch_condition ? "fetched" : "fails"));
	json_object_set_new(o, "fetch_url", ck_json_str_or_null(url));
	json_object_set_new(o, "condition", ck_json_str_or_null(url ? rt->fetch_condition : NULL));
	json_object_set_new(o, "never_downloads", json_boolean(!rt->fetches_ca_issuers));
	return o;
}

/* What the store's clients do about an issuer of `needs` they lack:
 * "clients", one per client, and "without_bundle" and "fetch_url" as
 * the first client (the store's main one) does. */
static void otherwise(json_t *o, const struct ck_trust_store *s, const struct ck_cert *needs,
		      const char *found)
{
	enum ck_runtime_id ids[2];
	size_t n = store_clients(s, ids);
	json_t *clients = json_array(), *first;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(clients, client_json(ck_runtime_get(ids[i]), needs, found));
	first = json_array_get(clients, 0);
	json_object_set(o, "without_bundle", json_object_get(first, "without_bundle"));
	json_object_set(o, "fetch_url", json_object_get(first, "fetch_url"));
	json_object_set_new(o, "clients", clients);
}

static json_t *intermediates_json(const struct ck_trust_store *s,
				  const struct ck_trust_store *const *search, size_t nsearch,
				  const struct ck_analysis *a, const struct ck_chain *ch)
{
	json_t *arr = json_array();
	size_t end = ch->len;

	if (ch->trusted || ch->self_signed_top)
		end = ch->len - 1; /* the top is the root */
	for (size_t k = 1; k < end; k++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, ch->path[k]);
		const struct ck_cert *child = ck_pool_get(a->pool, ch->path[k - 1])->cert;
		const char *where = found_in(search, nsearch, e->cert);
		json_t *o = brief_cert(e->cert);
		json_object_set_new(o, "in_bundle", json_boolean(e->source == CK_SRC_INPUT ||
								  e->input_index >= 0));
		json_object_set_new(o, "found_in", ck_json_str_or_null(where));
		otherwise(o, s, child, where);
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *ck_report_store_check(const struct ck_trust_store *s,
			      const struct ck_trust_store *const *search, size_t nsearch,
			      const struct ck_bundle *b, const struct ck_analysis *a)
{
	json_t *o = json_object(), *path = json_array(), *missing = json_array();
	json_t *problems = json_array();
	const struct ck_chain *ch = a->nchains ? a->chains[0] : NULL;

	(void)b;
	json_object_set_new(o, "name", ck_json_str(s->name));
	json_object_set_new(o, "kind", json_string(s->kind));
	json_object_set_new(o, "runtime", json_string(ck_report_store_runtime(s)));
	if (!ch) {
		json_object_set_new(o, "anchored", json_false());
		json_object_set_new(o, "valid", json_false());
		json_object_set_new(o, "status", json_string("incomplete"));
		json_object_set_new(o, "anchor", json_null());
		json_object_set_new(o, "path", path);
		json_object_set_new(o, "missing", missing);
		json_object_set_new(o, "problems", problems);
		json_object_set_new(o, "intermediates", json_array());
		return o;
	}
	for (size_t k = 0; k < ch->len; k++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, ch->path[k]);
		json_t *p = brief_cert(e->cert);
		json_object_set_new(p, "source", json_string(e->input_index >= 0 ? "input" :
							     ck_source_name(e->source)));
		json_array_append_new(path, p);
	}
	json_object_set_new(o, "anchored", json_boolean(ch->trusted));
	json_object_set_new(o, "valid", json_boolean(ch->valid));
	json_object_set_new(o, "status", json_string(ch->complete ? "complete" : "incomplete"));
	if (ch->trusted) {
		const struct ck_cert *top = ck_pool_get(a->pool, ch->path[ch->len - 1])->cert;
		const char *where = found_in(search, nsearch, top);
		json_t *an = brief_cert(top);
		json_object_set_new(an, "found_in", ck_json_str_or_null(where));
		json_object_set_new(o, "anchor", an);
	} else {
		json_object_set_new(o, "anchor", json_null());
	}
	json_object_set_new(o, "path", path);
	if (!ch->complete) {
		const struct ck_cert *top = ck_pool_get(a->pool, ch->path[ch->len - 1])->cert;
		json_t *m = json_object(), *urls = json_array();
		json_object_set_new(m, "issuer", ck_json_str(top->issuer));
		json_object_set_new(m, "authority_key_id", ck_json_hex(top->aki, top->aki_len));
		for (size_t i = 0; top->aia_ca_issuers && top->aia_ca_issuers[i]; i++)
			json_array_append_new(urls, ck_json_str(top->aia_ca_issuers[i]));
		json_object_set_new(m, "ca_issuers", urls);
		otherwise(m, s, top, NULL);
		json_array_append_new(missing, m);
	}
	json_object_set_new(o, "missing", missing);
	for (size_t i = 0; i < ch->nproblems; i++) {
		json_t *p = json_object();
		json_object_set_new(p, "code", json_string(ch->problems[i].code));
		json_object_set_new(p, "message", ck_json_str(ch->problems[i].message));
		json_array_append_new(problems, p);
	}
	json_object_set_new(o, "problems", problems);
	json_object_set_new(o, "intermediates", intermediates_json(s, search, nsearch, a, ch));
	return o;
}

/* ---------------------------------------------------------------- */
/* documents: one per command, "command" and "at" first */

static json_t *doc_new(const char *command, time_t at)
{
	json_t *d = json_object();
	json_object_set_new(d, "command", json_string(command));
	json_object_set_new(d, "at", ck_json_time(at));
	return d;
}

/* Which certificates of a store a document shows: a new reference to
 * the one at i, or NULL to leave it out. */
typedef json_t *(*pick_fn)(const struct ck_trust_store *s, size_t i, time_t at, void *ctx);

/* A store's document with the certificates `pick` selects (all when
 * NULL); "shown" counts them (and *nshown), "expired" those of them
 * expired at `at` (and *nexpired). */
static json_t *store_doc(const struct ck_trust_store *s, time_t at, pick_fn pick, void *ctx,
			 size_t *nshown, size_t *nexpired)
{
	json_t *o = ck_report_store(s), *certs = json_array();
	size_t shown = 0, expired = 0;

	for (size_t i = 0; i < s->ncerts; i++) {
		json_t *c = pick ? pick(s, i, at, ctx) : ck_report_store_cert(s, i, at);
		if (!c)
			continue;
		json_array_append_new(certs, c);
		shown++;
		expired += s->certs[i]->not_after < at;
	}
	json_object_set_new(o, "shown", json_integer((json_int_t)shown));
	json_object_set_new(o, "expired", json_integer((json_int_t)expired));
	json_object_set_new(o, "certificates", certs);
	*nshown = shown;
	*nexpired = expired;
	return o;
}

json_t *ck_report_truststore_list(struct ck_trust_store *const *s, size_t n, time_t at)
{
	json_t *doc = doc_new("list", at), *stores = json_array();
	size_t total = 0, exp = 0;

	for (size_t i = 0; i < n; i++) {
		size_t shown, e;
		json_array_append_new(stores, store_doc(s[i], at, NULL, NULL, &shown, &e));
		exp += e;
		total += s[i]->ncerts;
	}
	json_object_set_new(doc, "stores", stores);
	json_object_set_new(doc, "summary", json_pack("{s:I,s:I,s:I}", "stores", (json_int_t)n,
						      "certificates", (json_int_t)total,
						      "expired", (json_int_t)exp));
	return doc;
}

static json_t *pick_match(const struct ck_trust_store *s, size_t i, time_t at, void *ctx)
{
	unsigned m = ck_trust_match(s->certs[i], ctx);
	json_t *c, *by;

	if (!m)
		return NULL;
	c = ck_report_store_cert(s, i, at);
	by = json_array();
	if (m & CK_MATCH_SUBJECT)
		json_array_append_new(by, json_string("subject"));
	if (m & CK_MATCH_SHA256)
		json_array_append_new(by, json_string("sha256"));
	if (m & CK_MATCH_SHA1)
		json_array_append_new(by, json_string("sha1"));
	if (m & CK_MATCH_KEY_ID)
		json_array_append_new(by, json_string("subject_key_id"));
	json_object_set_new(c, "matched_by", by);
	return c;
}

json_t *ck_report_truststore_find(const char *pattern, struct ck_trust_store *const *s, size_t n,
				  time_t at, size_t *matches)
{
	json_t *doc = doc_new("find", at), *stores = json_array();
	size_t m = 0;

	json_object_set_new(doc, "pattern", ck_json_str(pattern));
	for (size_t i = 0; i < n; i++) {
		size_t shown, expired;
		json_array_append_new(stores, store_doc(s[i], at, pick_match, (void *)pattern, &shown, &expired));
		m += shown;
	}
	json_object_set_new(doc, "stores", stores);
	json_object_set_new(doc, "summary", json_pack("{s:I}", "matches", (json_int_t)m));
	*matches = m;
	return doc;
}

struct expiring_ctx {
	time_t limit;
	size_t expired, expiring;
};

static json_t *pick_expiring(const struct ck_trust_store *s, size_t i, time_t at, void *ctx)
{
	struct expiring_ctx *e = ctx;
	time_t na = s->certs[i]->not_after;

	if (na > e->limit)
		return NULL;
	if (na < at)
		e->expired++;
	else
		e->expiring++;
	return ck_report_store_cert(s, i, at);
}

json_t *ck_report_truststore_expiring(struct ck_trust_store *const *s, size_t n, time_t at,
				      unsigned long days, size_t *found)
{
	struct expiring_ctx e = { .limit = at + (time_t)days * 86400 };
	json_t *doc = doc_new("expiring", at), *stores = json_array();

	json_object_set_new(doc, "days", json_integer((json_int_t)days));
	for (size_t i = 0; i < n; i++) {
		size_t shown, expired;
		json_array_append_new(stores, store_doc(s[i], at, pick_expiring, &e, &shown, &expired));
	}
	json_object_set_new(doc, "stores", stores);
	json_object_set_new(doc, "summary", json_pack("{s:I,s:I}", "expired", (json_int_t)e.expired,
						      "expiring", (json_int_t)e.expiring));
	*found = e.expired + e.expiring;
	return doc;
}

/* A certificate whose subject is in both stores with another key or
 * validity: what changed, and both. */
static json_t *changed_json(const struct ck_trust_store *a, const struct ck_trust_store *b,
			    const struct ck_trust_diff_item *it, time_t at)
{
	json_t *ch = json_object(), *what = json_array();

	if (it->key)
		json_array_append_new(what, json_string("key"));
	if (it->validity)
		json_array_append_new(what, json_string("validity"));
	if (!it->key && !it->validity)
		json_array_append_new(what, json_string("certificate"));
	json_object_set_new(ch, "subject", ck_json_str(a->certs[it->a]->subject));
	json_object_set_new(ch, "changes", what);
	json_object_set_new(ch, "a", ck_report_store_cert(a, (size_t)it->a, at));
	json_object_set_new(ch, "b", ck_report_store_cert(b, (size_t)it->b, at));
	return ch;
}

json_t *ck_report_truststore_diff(const struct ck_trust_store *a, const struct ck_trust_store *b,
				  const struct ck_trust_diff_item *items, size_t nitems, size_t same,
				  time_t at)
{
	json_t *doc = doc_new("diff", at), *ja = json_array(), *jr = json_array(), *jc = json_array();

	json_object_set_new(doc, "a", ck_report_store(a));
	json_object_set_new(doc, "b", ck_report_store(b));
	for (size_t i = 0; i < nitems; i++) {
		const struct ck_trust_diff_item *it = &items[i];
		if (it->change == CK_CHANGE_ADDED)
			json_array_append_new(ja, ck_report_store_cert(b, (size_t)it->b, at));
		else if (it->change == CK_CHANGE_REMOVED)
			json_array_append_new(jr, ck_report_store_cert(a, (size_t)it->a, at));
		else
			json_array_append_new(jc, changed_json(a, b, it, at));
	}
	json_object_set_new(doc, "added", ja);
	json_object_set_new(doc, "removed", jr);
	json_object_set_new(doc, "changed", jc);
	json_object_set_new(doc, "summary", json_pack("{s:I,s:I,s:I,s:I}", "same", (json_int_t)same,
						      "added", (json_int_t)json_array_size(ja),
						      "removed", (json_int_t)json_array_size(jr),
						      "changed", (json_int_t)json_array_size(jc)));
	return doc;
}

json_t *ck_report_truststore_check_new(const struct ck_bundle *b, time_t at)
{
	json_t *doc = doc_new("check", at), *in = json_object();

	json_object_set_new(in, "name", ck_json_str(b->name));
	json_object_set_new(in, "format", json_string(ck_format_name(b->format)));
	json_object_set_new(doc, "input", in);
	json_object_set_new(doc, "leaf", json_null());
	json_object_set_new(doc, "stores", json_array());
	json_object_set_new(doc, "anchored_by", json_array());
	return doc;
}

int ck_report_truststore_check_add(json_t *doc, const struct ck_trust_store *store,
				   const struct ck_trust_store *const *search, size_t nsearch,
				   const struct ck_bundle *b, const struct ck_analysis *a)
{
	json_t *sj;

	if (a->nchains && json_is_null(json_object_get(doc, "leaf"))) {
		const struct ck_cert *leaf = ck_pool_get(a->pool, a->chains[0]->path[0])->cert;
		json_object_set_new(doc, "leaf", brief_cert(leaf));
	}
	sj = ck_report_store_check(store, search, nsearch, b, a);
	if (!sj)
		return -1;
	if (json_is_true(json_object_get(sj, "anchored")) &&
	    json_array_append_new(json_object_get(doc, "anchored_by"), ck_json_str(store->name)) < 0) {
		json_decref(sj);
		return -1;
	}
	return json_array_append_new(json_object_get(doc, "stores"), sj) < 0 ? -1 : 0;
}

size_t ck_report_truststore_anchored(const json_t *doc)
{
	return json_array_size(json_object_get(doc, "anchored_by"));
}

json_t *ck_report_truststore_error(const char *path, const struct ck_error *err)
{
	json_t *doc = ck_report_error(path, err);

	json_object_set_new(doc, "command", json_string("check"));
	return doc;
}

json_t *ck_report_truststore_export(const struct ck_trust_store *s, const char *to,
				    const char *output, time_t at)
{
	json_t *doc = doc_new("export", at);

	json_object_set_new(doc, "store", ck_report_store(s));
	json_object_set_new(doc, "to", json_string(to));
	json_object_set_new(doc, "output", ck_json_str(output));
	json_object_set_new(doc, "written", json_integer((json_int_t)s->ncerts));
	return doc;
}

/* ---------------------------------------------------------------- */
/* text */

#define S ck_json_text

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void date10(char out[11], const char *rfc3339)
{
	snprintf(out, 11, "%s", rfc3339);
}

static void key_str(char buf[48], const json_t *c)
{
	const json_t *k = json_object_get(c, "key");
	if (json_is_string(json_object_get(k, "curve")))
		snprintf(buf, 48, "%s %s", S(k, "type"), S(k, "curve"));
	else
		snprintf(buf, 48, "%s %lld", S(k, "type"), jint(k, "bits"));
}

static void key_text(FILE *f, const json_t *c)
{
	char buf[48];
	key_str(buf, c);
	fprintf(f, "%-13s", buf);
}

static void from_text(FILE *f, const json_t *c, const struct ck_text_opts *o)
{
	const json_t *views = json_object_get(c, "views"), *v;
	size_t i;
	fprintf(f, " %s(", ck_text_color(o, "dim"));
	if (json_array_size(views)) {
		json_array_foreach(views, i, v)
			fprintf(f, "%s%s", i ? ", " : "", json_string_value(v));
	} else if (json_is_string(json_object_get(c, "dotnet_store"))) {
		fprintf(f, "%s: %s", S(c, "dotnet_store"), S(c, "origin"));
	} else if (json_is_string(json_object_get(c, "alias"))) {
		fprintf(f, "alias %s", S(c, "alias"));
	} else {
		fprintf(f, "%s", S(c, "origin"));
	}
	fprintf(f, ")%s", ck_text_reset(o));
}

/* One line per certificate; on a terminal the fingerprint goes to a
 * line of its own and the subject wraps under itself. */
static void cert_line(FILE *out, const json_t *c, const struct ck_text_opts *o)
{
	char na[11], key[48], lead[160];
	struct ck_text_item it;
	FILE *f;
	date10(na, S(c, "not_after"));
	key_str(key, c);
	snprintf(lead, sizeof lead, "  %s%s%s  %-13s  ",
		 ck_text_color(o, json_is_true(json_object_get(c, "expired")) ? "error" : ""), na,
		 ck_text_reset(o), key);
	f = ck_text_item_open(&it, out, o, lead, 29);
	if (o->tty)
		fprintf(f, "%s", S(c, "subject"));
	else
		fprintf(f, "%s  %s", S(c, "sha256"), S(c, "subject"));
	if (json_is_true(json_object_get(c, "expired")))
		fprintf(f, " %s[expired]%s", ck_text_color(o, "error"), ck_text_reset(o));
	if (!json_is_true(json_object_get(c, "trusted")))
		fprintf(f, " %s[not an anchor]%s", ck_text_color(o, "warning"), ck_text_reset(o));
	from_text(f, c, o);
	ck_text_item_close(&it);
	if (o->tty)
		ck_text_item(out, o, "      sha256 ", 13, S(c, "sha256"));
	if (o->verbose) {
		f = ck_text_item_open(&it, out, o, "      ", 8);
		fprintf(f, "issuer %s · serial %s · sha1 %s", S(c, "issuer"), S(c, "serial"), S(c, "sha1"));
		if (json_is_string(json_object_get(c, "subject_key_id")))
			fprintf(f, " · key id %s", S(c, "subject_key_id"));
		fprintf(f, " · from %s", S(c, "origin"));
		ck_text_item_close(&it);
	}
}

static void store_header(FILE *f, const json_t *s, const char *what, const struct ck_text_opts *o)
{
	const json_t *views = json_object_get(s, "views"), *v, *ks = json_object_get(s, "keystore");
	size_t i;
	struct ck_text_item it;
	FILE *g;

	if (!json_is_true(json_object_get(s, "exists"))) {
		/* only .NET's stores can be absent: .NET makes them on demand */
		g = ck_text_item_open(&it, f, o, "", 2);
		fprintf(g, "%s%s%s: %sno .NET stores%s: %s does not exist (.NET creates it when it",
			ck_text_color(o, "bold"), S(s, "name"), ck_text_reset(o),
			ck_text_color(o, "warning"), ck_text_reset(o), S(s, "location"));
		ck_text_item_close(&it);
		fprintf(f, "  first stores a certificate; until then it uses only the system store)\n");
		return;
	}
	g = ck_text_item_open(&it, f, o, "", 4);
	fprintf(g, "%s%s%s: %lld %s", ck_text_color(o, "bold"), S(s, "name"), ck_text_reset(o),
		jint(s, what ? "shown" : "count"), what ? what : "certificates");
	if (!what && jint(s, "anchors") != jint(s, "count"))
		fprintf(g, " (%lld anchors)", jint(s, "anchors"));
	if (!what && jint(s, "expired"))
		fprintf(g, ", %s%lld expired%s", ck_text_color(o, "error"), jint(s, "expired"),
			ck_text_reset(o));
	if (!what && jint(s, "skipped_files"))
		fprintf(g, ", %lld files skipped (no certificate)", jint(s, "skipped_files"));
	ck_text_item_close(&it);
	json_array_foreach(views, i, v) {
		char lead[64];
		snprintf(lead, sizeof lead, "  %-9s ", S(v, "name"));
		g = ck_text_item_open(&it, f, o, lead, 14);
		if (json_is_string(json_object_get(v, "error")))
			fprintf(g, "%s: %snot read: %s%s", S(v, "location"),
				ck_text_color(o, "warning"), S(v, "error"), ck_text_reset(o));
		else
			fprintf(g, "%s: %lld", S(v, "location"), jint(v, "count"));
		ck_text_item_close(&it);
	}
	if (json_is_object(ks) && !what)
		ck_text_jks(f, ks, "  ", o);
}

static int text_list(FILE *f, const json_t *doc, const struct ck_text_opts *o, const char *what)
{
	const json_t *stores = json_object_get(doc, "stores"), *s, *c;
	size_t i, k;

	if (what && o->quiet)
		return 0; /* find -q: the exit status says it all, as grep -q */
	json_array_foreach(stores, i, s) {
		if (i)
			fputc('\n', f);
		store_header(f, s, what, o);
		if (o->quiet)
			continue;
		json_array_foreach(json_object_get(s, "certificates"), k, c) {
			cert_line(f, c, o);
			if (json_is_array(json_object_get(c, "matched_by"))) {
				const json_t *m;
				size_t j;
				struct ck_text_item it;
				FILE *g = ck_text_item_open(&it, f, o, "      matched:", 8);
				json_array_foreach(json_object_get(c, "matched_by"), j, m)
					fprintf(g, " %s", json_string_value(m));
				ck_text_item_close(&it);
			}
		}
	}
	return 0;
}

static int text_expiring(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *stores = json_object_get(doc, "stores"), *s, *c, *sum = json_object_get(doc, "summary");
	size_t i, k;
	char at[11];

	date10(at, S(doc, "at"));
	json_array_foreach(stores, i, s) {
		store_header(f, s, "expired or expiring", o);
		json_array_foreach(json_object_get(s, "certificates"), k, c) {
			long long d = jint(c, "days_left");
			char na[11];
			struct ck_text_item it;
			FILE *g = ck_text_item_open(&it, f, o, "  ", 4), *ff = f;
			f = g;
			date10(na, S(c, "not_after"));
			if (d < 0)
				fprintf(f, "%sexpired %s (%llu days before %s)%s", ck_text_color(o, "error"), na,
					0ULL - (unsigned long long)d, at,
					ck_text_reset(o));
			else
				fprintf(f, "%sexpires %s (in %lld days)%s", ck_text_color(o, "warning"), na, d,
					ck_text_reset(o));
			fprintf(f, "  %s  %s", S(c, "subject"), S(c, "sha256"));
			from_text(f, c, o);
			ck_text_item_close(&it);
			f = ff;
		}
	}
	fprintf(f, "%lld expired, %lld expiring within %lld days of %s\n", jint(sum, "expired"),
		jint(sum, "expiring"), jint(doc, "days"), at);
	return 0;
}

static void diff_cert(FILE *f, const char *mark, const char *col, const json_t *c,
		      const struct ck_text_opts *o)
{
	char na[11], lead[64];
	struct ck_text_item it;
	FILE *g;
	date10(na, S(c, "not_after"));
	snprintf(lead, sizeof lead, "%s%s%s ", ck_text_color(o, col), mark, ck_text_reset(o));
	g = ck_text_item_open(&it, f, o, lead, 12);
	fprintf(g, "%s  (%s", S(c, "subject"), na);
	fputs(", ", g);
	key_text(g, c);
	fprintf(g, " %s)", S(c, "sha256"));
	ck_text_item_close(&it);
}

static int text_diff(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *a = json_object_get(doc, "a"), *b = json_object_get(doc, "b"), *c;
	const json_t *sum = json_object_get(doc, "summary");
	size_t i;

	fprintf(f, "--- %s (%lld certificates)\n+++ %s (%lld certificates)\n", S(a, "name"),
		jint(a, "count"), S(b, "name"), jint(b, "count"));
	json_array_foreach(json_object_get(doc, "removed"), i, c)
		diff_cert(f, "- removed", "error", c, o);
	json_array_foreach(json_object_get(doc, "added"), i, c)
		diff_cert(f, "+ added  ", "ok", c, o);
	json_array_foreach(json_object_get(doc, "changed"), i, c) {
		const json_t *ca = json_object_get(c, "a"), *cb = json_object_get(c, "b"), *w;
		size_t j;
		char lead[64];
		struct ck_text_item it;
		FILE *g;
		snprintf(lead, sizeof lead, "%s~ changed%s ", ck_text_color(o, "warning"), ck_text_reset(o));
		g = ck_text_item_open(&it, f, o, lead, 12);
		fprintf(g, "%s:", S(c, "subject"));
		json_array_foreach(json_object_get(c, "changes"), j, w)
			fprintf(g, "%s %s", j ? "," : "", json_string_value(w));
		ck_text_item_close(&it);
		fprintf(f, "    a: %.10s → %.10s  ", S(ca, "not_before"), S(ca, "not_after"));
		key_text(f, ca);
		fprintf(f, " %s\n    b: %.10s → %.10s  ", S(ca, "sha256"), S(cb, "not_before"), S(cb, "not_after"));
		key_text(f, cb);
		fprintf(f, " %s\n", S(cb, "sha256"));
	}
	fprintf(f, "%lld same, %lld added, %lld removed, %lld changed\n", jint(sum, "same"),
		jint(sum, "added"), jint(sum, "removed"), jint(sum, "changed"));
	return 0;
}

/* What one client does without the bundle, after "CLIENT: ". */
static void client_text(FILE *f, const json_t *c, const struct ck_text_opts *o)
{
	const char *w = S(c, "without_bundle");

	if (!strcmp(w, "found"))
		fprintf(f, "%sfound without the bundle%s", ck_text_color(o, "ok"), ck_text_reset(o));
	else if (!strcmp(w, "fetched"))
		fprintf(f, "%swould be downloaded%s from %s", ck_text_color(o, "warning"),
			ck_text_reset(o), S(c, "fetch_url"));
	else if (json_is_string(json_object_get(c, "condition")))
		fprintf(f, "%sthe chain fails%s (downloaded from %s only with %s)",
			ck_text_color(o, "error"), ck_text_reset(o), S(c, "fetch_url"), S(c, "condition"));
	else if (json_is_true(json_object_get(c, "never_downloads")))
		fprintf(f, "%sthe chain fails%s (never downloaded)", ck_text_color(o, "error"),
			ck_text_reset(o));
	else
		fprintf(f, "%sthe chain fails%s (no caIssuers URL it downloads from)",
			ck_text_color(o, "error"), ck_text_reset(o));
}

/* Not in the store: what each of its clients does without the bundle,
 * one line each.  Ends the item `it` (whose stream `f` is) first. */
static void clients_text(FILE *f, struct ck_text_item *it, const json_t *x, const char *lead,
			 const struct ck_text_opts *o)
{
	const json_t *c;
	size_t i;

	fprintf(f, " %s:", lead);
	ck_text_item_close(it);
	json_array_foreach(json_object_get(x, "clients"), i, c) {
		FILE *g = ck_text_item_open(it, it->out, o, "        ", 10);
		fprintf(g, "%s: ", S(c, "label"));
		client_text(g, c, o);
		ck_text_item_close(it);
	}
}

static void text_store_check(FILE *f, const json_t *s, const struct ck_text_opts *o)
{
	const json_t *an = json_object_get(s, "anchor"), *x;
	size_t i;
	struct ck_text_item it;
	FILE *g = ck_text_item_open(&it, f, o, "  ", 4);

	fprintf(g, "%s%s%s (%s): ", ck_text_color(o, "bold"), S(s, "name"), ck_text_reset(o),
		S(s, "runtime"));
	if (json_is_true(json_object_get(s, "anchored")))
		fprintf(g, "%sanchored%s by %s (%s)%s", ck_text_color(o, "ok"), ck_text_reset(o),
			S(an, "subject"), S(an, "found_in"),
			json_is_true(json_object_get(s, "valid")) ? ", chain valid" : ", but the chain is NOT valid");
	else
		fprintf(g, "%sNOT anchored%s (chain %s)", ck_text_color(o, "error"), ck_text_reset(o),
			S(s, "status"));
	ck_text_item_close(&it);
	json_array_foreach(json_object_get(s, "problems"), i, x) {
		g = ck_text_item_open(&it, f, o, "      ", 8);
		fprintf(g, "%s: %s", S(x, "code"), S(x, "message"));
		ck_text_item_close(&it);
	}
	json_array_foreach(json_object_get(s, "missing"), i, x) {
		g = ck_text_item_open(&it, f, o, "      ", 8);
		fprintf(g, "missing issuer %s:", S(x, "issuer"));
		clients_text(g, &it, x, "in neither the bundle nor the store", o);
	}
	json_array_foreach(json_object_get(s, "intermediates"), i, x) {
		g = ck_text_item_open(&it, f, o, "      ", 8);
		fprintf(g, "intermediate %s (%s):", S(x, "subject"),
			json_is_true(json_object_get(x, "in_bundle")) ? "in the bundle" : "from the store");
		if (!strcmp(S(x, "without_bundle"), "found")) {
			fprintf(g, " %sfound without the bundle%s in %s", ck_text_color(o, "ok"),
				ck_text_reset(o), S(x, "found_in"));
			ck_text_item_close(&it);
		} else {
			clients_text(g, &it, x, "not in the store; without the bundle", o);
		}
	}
}

static int text_check(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *in = json_object_get(doc, "input"), *leaf = json_object_get(doc, "leaf"), *s;
	const json_t *by = json_object_get(doc, "anchored_by");
	size_t i;

	if (json_object_get(doc, "error")) {
		fprintf(f, "%s: %s\n", S(in, "name"), S(json_object_get(doc, "error"), "message"));
		return 0;
	}
	{
		struct ck_text_item it;
		FILE *g = ck_text_item_open(&it, f, o, "", 4);
		fprintf(g, "%s%s%s: leaf %s", ck_text_color(o, "bold"), S(in, "name"), ck_text_reset(o),
			json_is_object(leaf) ? S(leaf, "subject") : "(none)");
		ck_text_item_close(&it);
	}
	if (!o->quiet)
		json_array_foreach(json_object_get(doc, "stores"), i, s)
			text_store_check(f, s, o);
	{
		struct ck_text_item it;
		FILE *g = ck_text_item_open(&it, f, o, "", 4);
		fprintf(g, "%sanchored by %zu of %zu stores%s", ck_text_color(o, json_array_size(by) ? "ok" : "error"),
			json_array_size(by), json_array_size(json_object_get(doc, "stores")), ck_text_reset(o));
		json_array_foreach(by, i, s)
			fprintf(g, "%s%s", i ? ", " : ": ", json_string_value(s));
		ck_text_item_close(&it);
	}
	return 0;
}

static int text_export(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	struct ck_text_item it;
	FILE *g = ck_text_item_open(&it, f, o, "", 4);
	fprintf(g, "%s: wrote %lld certificate%s to %s (%s)", S(json_object_get(doc, "store"), "name"),
		jint(doc, "written"), jint(doc, "written") == 1 ? "" : "s", S(doc, "output"), S(doc, "to"));
	ck_text_item_close(&it);
	return 0;
}

static int text_truststore(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const char *cmd = S(doc, "command");

	if (!strcmp(cmd, "list"))
		text_list(f, doc, o, NULL);
	else if (!strcmp(cmd, "find"))
		text_list(f, doc, o, "matching");
	else if (!strcmp(cmd, "expiring"))
		text_expiring(f, doc, o);
	else if (!strcmp(cmd, "diff"))
		text_diff(f, doc, o);
	else if (!strcmp(cmd, "check"))
		text_check(f, doc, o);
	else if (!strcmp(cmd, "export"))
		text_export(f, doc, o);
	return ferror(f) ? -1 : 0;
}

int ck_report_text_truststore(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	json_t *safe = ck_text_safe_doc(doc);
	int r = safe ? text_truststore(f, safe, o) : -1;

	json_decref(safe);
	return r;
}

const struct ck_emit_view ck_view_truststore = {
	.root = "truststore",
	.element = "report",
	.text = ck_report_text_truststore,
};
