/* report — aiacheck's part: its document, its text rendering and the
 * JUnit XML written from the same documents.
 *
 * Kept in a file of its own so that the per-tool renderers do not crowd
 * report.c; it is the same module (report.h), and like the rest of it
 * builds the document from the libcore results and renders only from
 * the document, so that every field shown in text exists in JSON. */
#include "config.h"

#include "aia.h"
#include "emit.h"
#include "report.h"
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- */
/* the document */

static json_t *ms_json(double v)
{
	/* microseconds are all libcurl measures */
	return v < 0 ? json_null() : json_real((double)(long long)(v * 1000.0 + 0.5) / 1000.0);
}

static json_t *time_or_null(time_t t)
{
	char buf[32];
	if (t == (time_t)-1)
		return json_null();
	ck_time_format(t, buf);
	return json_string(buf);
}

static json_t *timings_json(const struct ck_net_timings *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "dns", ms_json(t->dns));
	json_object_set_new(o, "connect", ms_json(t->connect));
	json_object_set_new(o, "tls", ms_json(t->tls));
	json_object_set_new(o, "first_byte", ms_json(t->first_byte));
	json_object_set_new(o, "total", ms_json(t->total));
	return o;
}

static json_t *tristate(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *content_json(const struct ck_url_entry *e)
{
	json_t *o;
	switch (e->kind) {
	case CK_KIND_CA_ISSUERS: {
		const struct ck_issuer_info *i = &e->issuer_info;
		if (!i->format)
			return json_null();
		o = json_object();
		json_object_set_new(o, "type", json_string("certificate"));
		json_object_set_new(o, "format", json_string(i->format));
		json_object_set_new(o, "certificates", json_integer((json_int_t)i->certificates));
		json_object_set_new(o, "subject", ck_json_str_or_null(i->subject));
		json_object_set_new(o, "issued_certificate", json_boolean(i->issuer != NULL));
		json_object_set_new(o, "key_id_match", tristate(i->key_id));
		json_object_set_new(o, "signature_verified", json_boolean(i->signature));
		json_object_set_new(o, "sha256", i->issuer ? ck_json_hex(i->issuer->sha256, 32) : json_null());
		return o;
	}
	case CK_KIND_CRL:
	case CK_KIND_DELTA_CRL: {
		const struct ck_crl_info *c = &e->crl;
		if (!c->format)
			return json_null();
		o = json_object();
		json_object_set_new(o, "type", json_string("crl"));
		json_object_set_new(o, "format", json_string(c->format));
		json_object_set_new(o, "issuer", ck_json_str_or_null(c->issuer));
		json_object_set_new(o, "issuer_matches", json_boolean(c->issuer_matches));
		json_object_set_new(o, "signature_verified", tristate(c->signature));
		json_object_set_new(o, "this_update", time_or_null(c->this_update));
		json_object_set_new(o, "next_update", time_or_null(c->next_update));
		json_object_set_new(o, "entries", json_integer((json_int_t)c->entries));
		json_object_set_new(o, "crl_number", ck_json_str_or_null(c->number));
		json_object_set_new(o, "delta", json_boolean(c->delta));
		json_object_set_new(o, "listed", json_boolean(c->listed));
		json_object_set_new(o, "revoked_at", c->listed ? time_or_null(c->revoked_at) : json_null());
		return o;
	}
	case CK_KIND_OCSP: {
		const struct ck_ocsp_info *s = &e->ocsp;
		if (!s->response_status)
			return json_null();
		o = json_object();
		json_object_set_new(o, "type", json_string("ocsp"));
		json_object_set_new(o, "response_status", json_string(s->response_status));
		json_object_set_new(o, "cert_status", ck_json_str_or_null(s->cert_status));
		json_object_set_new(o, "for_certificate", json_boolean(s->for_certificate));
		json_object_set_new(o, "signature_verified", tristate(s->signature));
		json_object_set_new(o, "responder", ck_json_str_or_null(s->responder));
		json_object_set_new(o, "produced_at", s->cert_status ? time_or_null(s->produced_at) : json_null());
		json_object_set_new(o, "this_update", s->cert_status ? time_or_null(s->this_update) : json_null());
		json_object_set_new(o, "next_update", time_or_null(s->next_update));
		json_object_set_new(o, "revoked_at", time_or_null(s->revoked_at));
		json_object_set_new(o, "revocation_reason", ck_json_str_or_null(s->revocation_reason));
		return o;
	}
	default: {
		const struct ck_given_info *g = &e->given;
		if (!g->what)
			return json_null();
		o = json_object();
		json_object_set_new(o, "type", json_string(g->what));
		json_object_set_new(o, "certificates", json_integer((json_int_t)g->certificates));
		json_object_set_new(o, "subject", ck_json_str_or_null(g->subject));
		return o;
	}
	}
}

static json_t *used_by_json(unsigned bits)
{
	json_t *a = json_array();
	for (int i = 0; i < CK_RT_COUNT; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(ck_runtime_get((enum ck_runtime_id)i)->name));
	return a;
}

static json_t *url_json(const struct ck_aia_report *r, size_t i)
{
	const struct ck_url_entry *e = &r->urls[i];
	const struct ck_net_result *n = &e->net;
	json_t *o = json_object(), *hops = json_array(), *addrs = json_array(), *blocked = json_array();
	long cert = ck_aia_cert_index(r, e->cert);
	bool unsettled = !e->checked && e->result == CK_URL_OK;

	json_object_set_new(o, "index", json_integer((json_int_t)i));
	json_object_set_new(o, "certificate", cert >= 0 ? json_integer(cert) : json_null());
	json_object_set_new(o, "kind", json_string(ck_url_kind_name(e->kind)));
	json_object_set_new(o, "position", json_integer(e->position));
	json_object_set_new(o, "url", ck_json_str(e->url));
	json_object_set_new(o, "requested", ck_json_str_or_null(e->requested));
	json_object_set_new(o, "method", e->checked ? json_string(e->method) : json_null());
	json_object_set_new(o, "checked", json_boolean(e->checked));
	json_object_set_new(o, "round", e->checked ? json_integer(e->round) : json_null());
	json_object_set_new(o, "result", unsettled ? json_null() : json_string(ck_url_result_name(e->result)));
	json_object_set_new(o, "effective_result", e->checked ? json_string(ck_url_result_name(e->effective)) :
								 json_null());
	json_object_set_new(o, "warning", json_boolean(e->warning));
	json_object_set_new(o, "http_status", e->checked && n->http_status ? json_integer(n->http_status) :
									  json_null());
	json_object_set_new(o, "content_type", ck_json_str_or_null(n->content_type));
	json_object_set_new(o, "bytes", e->checked ? json_integer((json_int_t)n->body_len) : json_null());
	json_object_set_new(o, "timings", e->checked ? timings_json(&n->t) : json_null());
	for (size_t k = 0; k < n->naddresses; k++)
		json_array_append_new(addrs, json_string(n->addresses[k]));
	json_object_set_new(o, "addresses", addrs);
	for (size_t k = 0; k < n->nblocked; k++)
		json_array_append_new(blocked, json_string(n->blocked[k]));
	json_object_set_new(o, "blocked_addresses", blocked);
	json_object_set_new(o, "sockets_opened", e->checked ? json_integer(n->sockets) : json_null());
	json_object_set_new(o, "ip", n->nhops ? ck_json_str_or_null(n->hops[n->nhops - 1].ip) : json_null());
	for (size_t k = 0; k < n->nhops; k++) {
		json_t *h = json_object();
		json_object_set_new(h, "url", ck_json_str(n->hops[k].url));
		json_object_set_new(h, "status", n->hops[k].status ? json_integer(n->hops[k].status) : json_null());
		json_object_set_new(h, "location", ck_json_str_or_null(n->hops[k].location));
		json_object_set_new(h, "ip", ck_json_str_or_null(n->hops[k].ip));
		json_object_set_new(h, "timings", timings_json(&n->hops[k].t));
		json_array_append_new(hops, h);
	}
	json_object_set_new(o, "hops", hops);
	json_object_set_new(o, "proxy", ck_json_str_or_null(n->proxy));
	json_object_set_new(o, "note", unsettled ? json_null() : ck_json_str(e->note));
	json_object_set_new(o, "content", content_json(e));
	json_object_set_new(o, "used_by", used_by_json(e->used_by));
	return o;
}

/* The entry of `a` for the same missing issuer (name and key id), or NULL. */
static json_t *missing_find(json_t *a, const struct ck_cert *top)
{
	json_t *m, *aki = ck_json_hex(top->aki, top->aki_len);
	json_t *found = NULL;
	size_t i;

	json_array_foreach(a, i, m)
		if (!found && !strcmp(ck_json_text(m, "issuer"), top->issuer) &&
		    json_equal(json_object_get(m, "authority_key_id"), aki))
			found = m;
	json_decref(aki);
	return found;
}

static bool ints_has(const json_t *a, json_int_t v)
{
	const json_t *x;
	size_t i;
	json_array_foreach(a, i, x)
		if (json_integer_value(x) == v)
			return true;
	return false;
}

/* One entry per missing issuer, however many chains stop there and
 * however many certificates need it (a bundle of intermediates has a
 * chain per certificate, many ending at the same top): "needed_by" is
 * the first, "needed_by_all" every one of them (issue 24). */
static json_t *missing_json(const struct ck_aia_report *r)
{
	json_t *a = json_array();
	const struct ck_analysis *b = r->base;
	for (size_t i = 0; b && i < b->nchains; i++) {
		const struct ck_chain *c = b->chains[i];
		const struct ck_cert *top, *found = NULL;
		json_t *m, *urls, *all;
		json_int_t need;
		if (c->complete)
			continue;
		top = ck_pool_get(b->pool, c->path[c->len - 1])->cert;
		need = ck_aia_cert_index(r, top);
		if ((m = missing_find(a, top))) {
			all = json_object_get(m, "needed_by_all");
			if (!ints_has(all, need))
				json_array_append_new(all, json_integer(need));
			continue;
		}
		for (size_t k = 0; k < r->nfetched && !found; k++)
			if (ck_cert_name_issued(top, r->fetched[k]))
				found = r->fetched[k];
		m = json_object();
		urls = json_array();
		all = json_array();
		for (size_t k = 0; top->aia_ca_issuers && top->aia_ca_issuers[k]; k++)
			json_array_append_new(urls, ck_json_str(top->aia_ca_issuers[k]));
		json_array_append_new(all, json_integer(need));
		json_object_set_new(m, "issuer", ck_json_str(top->issuer));
		json_object_set_new(m, "authority_key_id", ck_json_hex(top->aki, top->aki_len));
		json_object_set_new(m, "ca_issuers", urls);
		json_object_set_new(m, "needed_by", json_integer(need));
		json_object_set_new(m, "needed_by_all", all);
		json_object_set_new(m, "fetched",
				    found && ck_aia_cert_index(r, found) >= 0 ?
					    json_integer(ck_aia_cert_index(r, found)) : json_null());
		json_array_append_new(a, m);
	}
	return a;
}

static json_t *longs_json(const long *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, v[i] >= 0 ? json_integer(v[i]) : json_null());
	return a;
}

/* The profile's facts, as the model table shows them. */
static json_t *model_json(const struct ck_runtime *rt)
{
	json_t *o = json_object();
	json_object_set_new(o, "fetches", json_boolean(rt->fetches_ca_issuers));
	json_object_set_new(o, "condition", ck_json_str_or_null(rt->fetch_condition));
	json_object_set_new(o, "fetch_rule", ck_json_str_or_null(rt->fetch_rule));
	json_object_set_new(o, "max_fetches", rt->max_fetches ? json_integer(rt->max_fetches) : json_null());
	json_object_set_new(o, "max_fetches_per_certificate",
			    rt->max_fetches_per_cert ? json_integer(rt->max_fetches_per_cert) : json_null());
	json_object_set_new(o, "budget_ms", rt->chain_budget_ms ? json_integer(rt->chain_budget_ms) : json_null());
	json_object_set_new(o, "connect_timeout_ms",
			    rt->connect_timeout_ms ? json_integer(rt->connect_timeout_ms) : json_null());
	json_object_set_new(o, "read_timeout_ms", rt->read_timeout_ms ? json_integer(rt->read_timeout_ms) : json_null());
	json_object_set_new(o, "request_timeout_ms",
			    rt->request_timeout_ms ? json_integer(rt->request_timeout_ms) : json_null());
	json_object_set_new(o, "max_body", rt->max_body ? json_integer((json_int_t)rt->max_body) : json_null());
	json_object_set_new(o, "budget", ck_json_str_or_null(rt->budget));
	json_object_set_new(o, "on_failure", ck_json_str_or_null(rt->on_failure));
	json_object_set_new(o, "notes", ck_json_str_or_null(rt->notes));
	json_object_set_new(o, "sources", ck_json_str_or_null(rt->sources));
	return o;
}

static json_t *runtime_json(const struct ck_aia_report *r, const struct ck_runtime_verdict *v)
{
	json_t *o = json_object(), *f = json_array();
	const struct ck_runtime *rt = v->rt;

	json_object_set_new(o, "name", json_string(rt->name));
	json_object_set_new(o, "label", json_string(rt->label));
	json_object_set_new(o, "settings", json_string(rt->settings));
	json_object_set_new(o, "leaf", v->leaf >= 0 ? json_integer(v->leaf) : json_null());
	json_object_set_new(o, "sends", longs_json(v->sends, v->nsends));
	json_object_set_new(o, "complete", json_boolean(v->complete));
	json_object_set_new(o, "trusted", json_boolean(v->trusted));
	json_object_set_new(o, "stops_at", v->stops_at >= 0 ? json_integer(v->stops_at) : json_null());
	json_object_set_new(o, "missing_issuer", ck_json_str_or_null(v->missing_issuer));
	json_object_set_new(o, "missing_issuer_in_file", json_boolean(v->file_has_missing));
	json_object_set_new(o, "found_in_stores", longs_json(v->from_store, v->nfrom_store));
	for (size_t i = 0; i < v->nfetches; i++) {
		const struct ck_runtime_fetch *x = &v->fetches[i];
		const struct ck_url_entry *e = &r->urls[x->url];
		json_t *j = json_object();
		json_object_set_new(j, "order", json_integer((json_int_t)i + 1));
		json_object_set_new(j, "url", json_integer((json_int_t)x->url));
		json_object_set_new(j, "address", ck_json_str(e->requested && rt->trims_white_space &&
							      e->result == CK_URL_MALFORMED ? e->requested : e->url));
		json_object_set_new(j, "purpose", json_string(x->purpose));
		json_object_set_new(j, "certificate", x->certificate >= 0 ? json_integer(x->certificate) : json_null());
		json_object_set_new(j, "success", json_boolean(x->success));
		json_object_set_new(j, "cost_ms", ms_json(x->cost_ms));
		json_object_set_new(j, "note", ck_json_str(x->why));
		json_array_append_new(f, j);
	}
	json_object_set_new(o, "fetches", f);
	json_object_set_new(o, "stall_ms", ms_json(v->stall_ms));
	json_object_set_new(o, "every_connection", json_boolean(v->every_connection));
	json_object_set_new(o, "budget_exhausted", json_boolean(v->budget_exhausted));
	json_object_set_new(o, "problem", json_boolean(v->problem));
	json_object_set_new(o, "summary", ck_json_str(v->summary));
	json_object_set_new(o, "stall", ck_json_str(v->stall));
	json_object_set_new(o, "model", model_json(rt));
	return o;
}

static json_t *summary_json(const struct ck_aia_report *r, struct ck_runtime_verdict *const *vs, size_t nv)
{
	json_t *o = json_object(), *by = json_object();
	size_t checked = 0, failed = 0, warnings = 0;
	bool problem = false;

	for (size_t i = 0; i < r->nurls; i++) {
		const struct ck_url_entry *e = &r->urls[i];
		json_t *c;
		if (!e->checked && e->result == CK_URL_OK)
			continue;
		checked += e->checked;
		failed += e->result != CK_URL_OK;
		warnings += e->warning;
		c = json_object_get(by, ck_url_result_name(e->result));
		json_object_set_new(by, ck_url_result_name(e->result),
				    json_integer(c ? json_integer_value(c) + 1 : 1));
	}
	for (size_t i = 0; i < nv; i++)
		problem = problem || vs[i]->problem;
	json_object_set_new(o, "urls", json_integer((json_int_t)r->nurls));
	json_object_set_new(o, "checked", json_integer((json_int_t)checked));
	json_object_set_new(o, "failed", json_integer((json_int_t)failed));
	json_object_set_new(o, "warnings", json_integer((json_int_t)warnings));
	json_object_set_new(o, "results", by);
	json_object_set_new(o, "rounds", json_integer(r->rounds));
	json_object_set_new(o, "elapsed_ms", ms_json(r->list_only ? -1 : r->elapsed_ms));
	json_object_set_new(o, "runtime_problem", json_boolean(problem));
	return o;
}

/* What reading the input noticed (a corrupt block skipped, glued PEM
 * blocks...): chainview's findings of the same codes, without hints,
 * so that a URL check of a half-read file does not pass for whole. */
static json_t *input_findings_json(const struct ck_bundle *b)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && b && i < b->nnotes; i++) {
		const struct ck_note *n = &b->notes[i];
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(ck_finding_name(n->id)));
		json_object_set_new(o, "severity",
				    json_string(ck_severity_name(ck_finding_def(n->id)->severity)));
		json_object_set_new(o, "certificate", json_null());
		json_object_set_new(o, "message", ck_json_str(n->message));
		json_object_set_new(o, "hint", ck_json_str_or_null(n->hint));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *ck_report_aiacheck(const struct ck_aia_report *r,
			   struct ck_runtime_verdict *const *verdicts, size_t nverdicts)
{
	json_t *doc = json_object(), *certs = json_array(), *chains = json_array();
	json_t *urls = json_array(), *rts = json_array();
	const struct ck_analysis *a = r->analysis;
	char at[32];

	if (!doc || !certs || !chains || !urls || !rts) {
		json_decref(doc);
		json_decref(certs);
		json_decref(chains);
		json_decref(urls);
		json_decref(rts);
		return NULL;
	}
	ck_time_format(r->at, at);
	json_object_set_new(doc, "input", r->bundle ? ck_report_input(r->bundle) : json_null());
	json_object_set_new(doc, "input_findings", input_findings_json(r->bundle));
	json_object_set_new(doc, "at", json_string(at));
	json_object_set_new(doc, "mode", json_string(r->list_only ? "list" : "check"));
	for (size_t i = 0; a && i < a->norder; i++)
		json_array_append_new(certs, ck_report_certificate(a, i));
	for (size_t i = 0; a && i < a->nchains; i++)
		json_array_append_new(chains, ck_report_chain(a, i));
	json_object_set_new(doc, "certificates", certs);
	json_object_set_new(doc, "chain", a && a->nchains ? ck_report_chain(a, 0) : json_null());
	json_object_set_new(doc, "chains", chains);
	json_object_set_new(doc, "missing", missing_json(r));
	for (size_t i = 0; i < r->nurls; i++)
		json_array_append_new(urls, url_json(r, i));
	json_object_set_new(doc, "urls", urls);
	for (size_t i = 0; i < nverdicts; i++)
		json_array_append_new(rts, runtime_json(r, verdicts[i]));
	json_object_set_new(doc, "runtimes", rts);
	json_object_set_new(doc, "summary", summary_json(r, verdicts, nverdicts));
	return doc;
}

/* ---------------------------------------------------------------- */
/* text */

static void ms_text(char *buf, size_t len, const json_t *v)
{
	if (json_is_number(v))
		snprintf(buf, len, "%.1f", json_number_value(v));
	else
		snprintf(buf, len, "-");
}

static const char *result_color(const json_t *u)
{
	const char *r = ck_json_text(u, "result");
	if (!*r)
		return "dim";
	if (!strcmp(r, "ok"))
		return json_is_true(json_object_get(u, "warning")) ? "warning" : "ok";
	return "error";
}

/* " · chain complete, trusted" for one chain; with several, how many
 * are complete: a bundle whose first chain is complete is not (issue 24). */
static void text_chain_status(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *ch = json_object_get(doc, "chain"), *chains = json_object_get(doc, "chains"), *x;
	size_t i, n = json_array_size(chains), done = 0, trusted = 0;
	bool complete;

	if (!json_is_object(ch))
		return;
	json_array_foreach(chains, i, x) {
		done += !strcmp(ck_json_text(x, "status"), "complete");
		trusted += json_is_true(json_object_get(x, "trusted"));
	}
	if (n > 1) {
		fprintf(f, " · %zu chains: %zu complete", n, done);
		if (done < n)
			fprintf(f, ", %s%zu INCOMPLETE%s", ck_text_color(o, "error"), n - done, ck_text_reset(o));
		fprintf(f, ", %zu trusted", trusted);
		return;
	}
	complete = !strcmp(ck_json_text(ch, "status"), "complete");
	fprintf(f, " · chain %s%s%s", ck_text_color(o, complete ? "ok" : "error"),
		complete ? "complete" : "INCOMPLETE", ck_text_reset(o));
	if (complete)
		fprintf(f, ", %s", json_is_true(json_object_get(ch, "trusted")) ? "trusted" : "not trusted");
}

static void text_chain_summary(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *in = json_object_get(doc, "input");
	const json_t *certs = json_object_get(doc, "certificates"), *c, *m;
	size_t i;
	struct ck_text_item it;
	FILE *out = f;

	if (!json_is_object(in))
		return;
	/* each line one item: wrapped on a terminal, whole for grep else */
	f = ck_text_item_open(&it, out, o, "", 4);
	{
		/* the file's own certificates; the others counted apart (issue 24) */
		size_t n[3] = { 0, 0, 0 };
		json_array_foreach(certs, i, c) {
			const char *src = ck_json_text(c, "source");
			n[!strcmp(src, "trust-store") ? 1 : !strcmp(src, "fetched") ? 2 : 0]++;
		}
		fprintf(f, "%s%s%s: %zu certificate%s", ck_text_color(o, "bold"), ck_json_text(in, "name"),
			ck_text_reset(o), n[0], n[0] == 1 ? "" : "s");
		if (n[1])
			fprintf(f, " (+ %zu from the trust store)", n[1]);
		if (n[2])
			fprintf(f, " (+ %zu downloaded)", n[2]);
	}
	text_chain_status(f, doc, o);
	ck_text_item_close(&it);
	f = out; /* the item's stream is closed */
	/* what could not be read: the counts above are what could */
	json_array_foreach(json_object_get(doc, "input_findings"), i, m) {
		const char *sev = ck_json_text(m, "severity");
		char lead[96];
		if (!strcmp(sev, "info"))
			continue;
		snprintf(lead, sizeof lead, "  %s%s%s %s: ", ck_text_color(o, sev), sev, ck_text_reset(o),
			 ck_json_text(m, "code"));
		ck_text_item(f, o, lead, 4, ck_json_text(m, "message"));
	}
	json_array_foreach(json_object_get(doc, "missing"), i, m) {
		const json_t *all = json_object_get(m, "needed_by_all"), *x;
		size_t k;
		f = ck_text_item_open(&it, out, o, "  ", 6);
		fprintf(f, "%smissing:%s %s (needed by ", ck_text_color(o, "error"), ck_text_reset(o),
			ck_json_text(m, "issuer"));
		json_array_foreach(all, k, x)
			fprintf(f, "%s[%lld]", k ? ", " : "", (long long)json_integer_value(x));
		fputc(')', f);
		if (json_is_integer(json_object_get(m, "fetched")))
			fprintf(f, ", fetched as [%lld]", (long long)json_integer_value(json_object_get(m, "fetched")));
		ck_text_item_close(&it);
	}
	json_array_foreach(certs, i, c) {
		f = ck_text_item_open(&it, out, o, "  ", 6);
		fprintf(f, "[%zu] %s %s", i, ck_json_text(c, "role"), ck_json_text(c, "subject"));
		if (strcmp(ck_json_text(c, "source"), "input"))
			fprintf(f, " %s(%s: %s)%s", ck_text_color(o, "dim"), ck_json_text(c, "source"), ck_json_text(c, "origin"),
				ck_text_reset(o));
		ck_text_item_close(&it);
	}
}

static size_t url_width(const json_t *urls)
{
	size_t w = 3, i;
	const json_t *u;
	json_array_foreach(urls, i, u) {
		size_t n = strlen(ck_json_text(u, "url"));
		if (n > w)
			w = n;
	}
	return w > 60 ? 60 : w;
}

static void text_url_details(FILE *f, const json_t *u, const struct ck_text_opts *o)
{
	const json_t *hops = json_object_get(u, "hops"), *h, *a;
	size_t i;
	struct ck_text_item it;
	FILE *g;
	const char *lead = "         ";
	if (json_is_string(json_object_get(u, "requested"))) {
		g = ck_text_item_open(&it, f, o, lead, 11);
		fprintf(g, "requested: %s", ck_json_text(u, "requested"));
		ck_text_item_close(&it);
	}
	if (json_array_size(json_object_get(u, "addresses"))) {
		g = ck_text_item_open(&it, f, o, lead, 11);
		fprintf(g, "addresses:");
		json_array_foreach(json_object_get(u, "addresses"), i, a)
			fprintf(g, " %s", json_string_value(a));
		ck_text_item_close(&it);
	}
	if (json_array_size(json_object_get(u, "blocked_addresses"))) {
		g = ck_text_item_open(&it, f, o, lead, 11);
		fprintf(g, "not connected to:");
		json_array_foreach(json_object_get(u, "blocked_addresses"), i, a)
			fprintf(g, " %s", json_string_value(a));
		ck_text_item_close(&it);
	}
	if (json_is_string(json_object_get(u, "proxy"))) {
		g = ck_text_item_open(&it, f, o, lead, 11);
		fprintf(g, "proxy: %s", ck_json_text(u, "proxy"));
		ck_text_item_close(&it);
	}
	if (json_array_size(hops) > 1)
		json_array_foreach(hops, i, h) {
			char t[32];
			ms_text(t, sizeof t, json_object_get(json_object_get(h, "timings"), "total"));
			g = ck_text_item_open(&it, f, o, lead, 11);
			fprintf(g, "hop %zu: %s → ", i + 1, ck_json_text(h, "url"));
			if (json_is_integer(json_object_get(h, "status")))
				fprintf(g, "%lld", (long long)json_integer_value(json_object_get(h, "status")));
			else
				fprintf(g, "no answer");
			fprintf(g, " (%s ms)%s%s", t, json_is_string(json_object_get(h, "location")) ? " → " : "",
				ck_json_text(h, "location"));
			ck_text_item_close(&it);
		}
	if (json_is_string(json_object_get(u, "content_type"))) {
		g = ck_text_item_open(&it, f, o, lead, 11);
		fprintf(g, "content type: %s, %lld bytes", ck_json_text(u, "content_type"),
			(long long)json_integer_value(json_object_get(u, "bytes")));
		ck_text_item_close(&it);
	}
}

/* Under -q only failures are shown, without the header that names the
 * input: each row starts with the input's name, as grep -H does, so that
 * the rows of several inputs can be told apart (issue 24). */
static void quiet_label(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *in = json_object_get(doc, "input");
	if (o->quiet && json_is_object(in))
		fprintf(f, "%s:", ck_json_text(in, "name"));
}

/* One URL row.  Not on a terminal, one line whatever its length (for
 * grep); on a terminal, wider than it, the row after CERT and KIND is
 * wrapped at its width under the URL (issue 24). */
static bool url_row(FILE *f, const json_t *doc, const json_t *u, const struct ck_text_opts *o, size_t w,
		    const char *cert, const char *res, const char *dns, const char *conn, const char *tls,
		    const char *first, const char *total)
{
	const json_t *used = json_object_get(u, "used_by"), *n;
	char *row = NULL, *lead = NULL, *tail = NULL, *p = NULL;
	size_t len = 0, k;
	FILE *m = open_memstream(&row, &len);
	unsigned width = o->width ? o->width : 80;

	if (!m)
		return false;
	if (!strcmp(ck_json_text(u, "kind"), "ocsp") && json_is_string(json_object_get(u, "method")))
		fprintf(m, "%s · ", ck_json_text(u, "method"));
	fprintf(m, "%s", ck_json_text(u, "note"));
	if (json_array_size(used)) {
		fprintf(m, " %s[used by", ck_text_color(o, "info"));
		json_array_foreach(used, k, n)
			fprintf(m, " %s", json_string_value(n));
		fprintf(m, "]%s", ck_text_reset(o));
	}
	if (fclose(m) != 0) {
		free(row);
		return false;
	}
	if (o->quiet && json_is_object(json_object_get(doc, "input")) &&
	    asprintf(&p, "%s:", ck_json_text(json_object_get(doc, "input"), "name")) < 0) {
		free(row);
		return false;
	}
	if (asprintf(&lead, "%s  %-4s %-11s ", p ? p : "", cert, ck_json_text(u, "kind")) < 0)
		lead = NULL;
	if (!lead)
		;
	else if (!o->tty) {
		if (asprintf(&tail, "%-*s %s%-18s%s %7s %8s %7s %7s %8s  %s", (int)w, ck_json_text(u, "url"),
			     ck_text_color(o, result_color(u)), res, ck_text_reset(o), dns, conn, tls, first, total,
			     row) < 0)
			tail = NULL;
	} else if (asprintf(&tail, "%s %s%s%s %s%s%s%s%s%s%s%s%s%s%s %s", ck_json_text(u, "url"),
			    ck_text_color(o, result_color(u)), res, ck_text_reset(o),
			    /* wrapped, the timings are one word: DNS/CONNECT/TLS/FIRST/TOTAL */
			    json_is_null(json_object_get(u, "timings")) ? "" : dns,
			    json_is_null(json_object_get(u, "timings")) ? "" : "/",
			    json_is_null(json_object_get(u, "timings")) ? "" : conn,
			    json_is_null(json_object_get(u, "timings")) ? "" : "/",
			    json_is_null(json_object_get(u, "timings")) ? "" : tls,
			    json_is_null(json_object_get(u, "timings")) ? "" : "/",
			    json_is_null(json_object_get(u, "timings")) ? "" : first,
			    json_is_null(json_object_get(u, "timings")) ? "" : "/",
			    json_is_null(json_object_get(u, "timings")) ? "" : total,
			    json_is_null(json_object_get(u, "timings")) ? "" : " ms", "", row) < 0) {
		tail = NULL;
	}
	if (lead && tail) {
		size_t indent = strlen(lead) - (p ? strlen(p) : 0);
		if (o->tty && indent + 20 < width)
			ck_text_wrap(f, lead, (unsigned)indent, tail, width);
		else
			fprintf(f, "%s%s\n", lead, tail);
	}
	free(p);
	free(row);
	k = lead && tail;
	free(lead);
	free(tail);
	return k;
}

static void text_urls(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *urls = json_object_get(doc, "urls"), *u, *sum = json_object_get(doc, "summary");
	size_t i, w = url_width(urls);
	bool list = !strcmp(ck_json_text(doc, "mode"), "list");

	if (!json_array_size(urls)) {
		if (!o->quiet)
			fprintf(f, "\nNo URLs.\n");
		return;
	}
	if (!o->quiet) {
		fprintf(f, "\nURLs: %zu", json_array_size(urls));
		if (list)
			fprintf(f, ", listed only (--list: no network traffic)\n");
		else
			fprintf(f, ", %lld failed, checked in %.2f s\n",
				(long long)json_integer_value(json_object_get(sum, "failed")),
				json_number_value(json_object_get(sum, "elapsed_ms")) / 1000.0);
		char head[256];
		snprintf(head, sizeof head, "%-*s %-18s %7s %8s %7s %7s %8s  %s", (int)w, "URL", "RESULT", "DNS",
			 "CONNECT", "TLS", "FIRST", "TOTAL ms", "NOTE");
		if (o->tty)
			ck_text_wrap(f, "  CERT KIND        ", 19,
				     list ? "URL RESULT NOTE" : "URL RESULT DNS/CONNECT/TLS/FIRST/TOTAL NOTE",
				     o->width ? o->width : 80);
		else
			fprintf(f, "  %-4s %-11s %s\n", "CERT", "KIND", head);
	}
	json_array_foreach(urls, i, u) {
		const json_t *t = json_object_get(u, "timings");
		char cert[16] = "-", dns[16], conn[16], tls[16], first[16], total[16];
		const char *res = json_is_string(json_object_get(u, "result")) ? ck_json_text(u, "result") : "not checked";
		if (o->quiet && (!strcmp(res, "ok") || !strcmp(res, "not checked")))
			continue;
		if (json_is_integer(json_object_get(u, "certificate")))
			snprintf(cert, sizeof cert, "[%lld]",
				 (long long)json_integer_value(json_object_get(u, "certificate")));
		ms_text(dns, sizeof dns, json_object_get(t, "dns"));
		ms_text(conn, sizeof conn, json_object_get(t, "connect"));
		ms_text(tls, sizeof tls, json_object_get(t, "tls"));
		ms_text(first, sizeof first, json_object_get(t, "first_byte"));
		ms_text(total, sizeof total, json_object_get(t, "total"));
		if (!url_row(f, doc, u, o, w, cert, res, dns, conn, tls, first, total))
			return;
		if (o->verbose)
			text_url_details(f, u, o);
	}
}

/* With several runtimes, one row each: whether and what it fetches, its
 * time budget, what it does when a fetch fails, and the stall the
 * measured results predict. */
static void text_model(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *rts = json_object_get(doc, "runtimes"), *rt;
	size_t i;

	if (json_array_size(rts) < 2 || o->quiet)
		return;
	fprintf(f, "\nRuntime model (fetches · budget · on failure · stall from here):\n");
	json_array_foreach(rts, i, rt) {
		const json_t *m = json_object_get(rt, "model");
		char lead[64], *row = NULL;
		snprintf(lead, sizeof lead, "  %-15s ", ck_json_text(rt, "name"));
		if (asprintf(&row, "%s%s%s · %s · %s · %s%s%s", ck_json_text(m, "fetch_rule"),
			     json_is_string(json_object_get(m, "condition")) ? ", with " : "",
			     json_is_string(json_object_get(m, "condition")) ? ck_json_text(m, "condition") : "",
			     ck_json_text(m, "budget"), ck_json_text(m, "on_failure"),
			     ck_text_color(o, json_is_true(json_object_get(rt, "problem")) ? "error" : "ok"),
			     ck_json_text(rt, "stall"), ck_text_reset(o)) < 0)
			return;
		if (o->tty)
			ck_text_wrap(f, lead, 18, row, o->width ? o->width : 80);
		else
			fprintf(f, "%s%s\n", lead, row);
		free(row);
	}
}

static void text_runtimes(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *rts = json_object_get(doc, "runtimes"), *rt, *x;
	size_t i, k;

	if (!json_array_size(rts))
		return;
	if (!o->quiet)
		fprintf(f, "\nRuntimes:\n");
	json_array_foreach(rts, i, rt) {
		bool problem = json_is_true(json_object_get(rt, "problem"));
		if (o->quiet && !problem)
			continue;
		if (o->tty) {
			char *lead = NULL;
			if (asprintf(&lead, "%s%s  %s%s%s (%s): ", o->quiet && json_is_object(json_object_get(doc, "input")) ?
				     ck_json_text(json_object_get(doc, "input"), "name") : "",
				     o->quiet && json_is_object(json_object_get(doc, "input")) ? ":" : "",
				     ck_text_color(o, problem ? "error" : "ok"), ck_json_text(rt, "label"), ck_text_reset(o),
				     ck_json_text(rt, "name")) < 0)
				return;
			ck_text_wrap(f, lead, 4, ck_json_text(rt, "summary"), o->width ? o->width : 80);
			free(lead);
		} else {
			quiet_label(f, doc, o);
			fprintf(f, "  %s%s%s (%s): %s\n", ck_text_color(o, problem ? "error" : "ok"),
				ck_json_text(rt, "label"), ck_text_reset(o), ck_json_text(rt, "name"),
				ck_json_text(rt, "summary"));
		}
		if (o->quiet)
			continue;
		json_array_foreach(json_object_get(rt, "fetches"), k, x) {
			char cost[32], lead[32];
			char *line = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&line, &len);
			if (!m)
				return;
			ms_text(cost, sizeof cost, json_object_get(x, "cost_ms"));
			snprintf(lead, sizeof lead, "    %zu. ", k + 1);
			fprintf(m, "%s", ck_json_text(x, "purpose"));
			if (json_is_integer(json_object_get(x, "certificate")))
				fprintf(m, " of [%lld]", (long long)json_integer_value(json_object_get(x, "certificate")));
			fprintf(m, ": %s — %s%s%s", ck_json_text(x, "address"),
				ck_text_color(o, json_is_true(json_object_get(x, "success")) ? "ok" : "error"),
				ck_json_text(x, "note"), ck_text_reset(o));
			if (json_number_value(json_object_get(x, "cost_ms")) > 0)
				fprintf(m, " (costs %s ms)", cost);
			if (fclose(m) != 0) {
				free(line);
				return;
			}
			if (o->tty)
				ck_text_wrap(f, lead, (unsigned)strlen(lead), line, o->width ? o->width : 80);
			else
				fprintf(f, "%s%s\n", lead, line);
			free(line);
		}
	}
}

static int text_aiacheck(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	if (json_object_get(doc, "error")) {
		fprintf(f, "%s: %s\n", ck_json_text(json_object_get(doc, "input"), "name"),
			ck_json_text(json_object_get(doc, "error"), "message"));
		return ferror(f) ? -1 : 0;
	}
	if (!o->quiet)
		text_chain_summary(f, doc, o);
	text_urls(f, doc, o);
	text_model(f, doc, o);
	text_runtimes(f, doc, o);
	return ferror(f) ? -1 : 0;
}

int ck_report_text_aiacheck(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	json_t *safe = ck_text_safe_doc(doc);
	int r = safe ? text_aiacheck(f, safe, o) : -1;

	json_decref(safe);
	return r;
}

/* ---------------------------------------------------------------- */
/* JUnit XML */

/* End `s` before a UTF-8 sequence that snprintf() or a copy to a fixed
 * buffer cut short (the values are valid UTF-8, so only the end can be
 * broken). */
static void utf8_cut_tail(char *s)
{
	size_t n = strlen(s), i = n;

	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xc0) {
		unsigned char c = (unsigned char)s[i - 1];
		size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (n - (i - 1) < need)
			s[i - 1] = '\0';
	}
}

static bool url_failed(const json_t *u)
{
	return json_is_string(json_object_get(u, "result")) && strcmp(ck_json_text(u, "result"), "ok");
}

static bool url_skipped(const json_t *u)
{
	return !json_is_string(json_object_get(u, "result"));
}

/* The result class and the runtimes that use the URL, for CI systems
 * that show test case properties. */
static void junit_properties(struct ck_junit *j, const json_t *u)
{
	char used[256] = "";
	const json_t *n;
	size_t i, o = 0;

	json_array_foreach(json_object_get(u, "used_by"), i, n) {
		int k = snprintf(used + o, sizeof used - o, "%s%s", i ? "," : "", json_string_value(n));
		if (k < 0 || (size_t)k >= sizeof used - o)
			break;
		o += (size_t)k;
	}
	utf8_cut_tail(used);
	ck_junit_start(j, "properties");
	ck_junit_start(j, "property");
	ck_junit_attr(j, "name", "result");
	ck_junit_attr(j, "value", url_skipped(u) ? "not checked" : ck_json_text(u, "result"));
	ck_junit_end(j);
	ck_junit_start(j, "property");
	ck_junit_attr(j, "name", "used_by");
	ck_junit_attr(j, "value", used);
	ck_junit_end(j);
	ck_junit_end(j);
}

static void junit_case(struct ck_junit *j, const json_t *u)
{
	char name[64], secs[32];
	const json_t *total = json_object_get(json_object_get(u, "timings"), "total");

	if (json_is_integer(json_object_get(u, "certificate")))
		snprintf(name, sizeof name, "aiacheck.[%lld].%s",
			 (long long)json_integer_value(json_object_get(u, "certificate")), ck_json_text(u, "kind"));
	else
		snprintf(name, sizeof name, "aiacheck.%s", ck_json_text(u, "kind"));
	utf8_cut_tail(name);
	snprintf(secs, sizeof secs, "%.3f", json_is_number(total) ? json_number_value(total) / 1000.0 : 0.0);
	ck_junit_start(j, "testcase");
	ck_junit_attr(j, "classname", name);
	ck_junit_attr(j, "name", ck_json_text(u, "url"));
	ck_junit_attr(j, "time", secs);
	junit_properties(j, u);
	if (url_skipped(u)) {
		ck_junit_start(j, "skipped");
		ck_junit_attr(j, "message", "not checked (--list)");
		ck_junit_end(j);
	} else if (url_failed(u)) {
		ck_junit_start(j, "failure");
		ck_junit_attr(j, "type", ck_json_text(u, "result"));
		ck_junit_attr(j, "message", ck_json_text(u, "note"));
		ck_junit_text(j, ck_json_text(u, "note"));
		ck_junit_end(j);
	}
	ck_junit_end(j);
}

/* aiacheck's JUnit view: a suite per input, a case per URL. */
static int junit_view(struct ck_junit *j, json_t *const *docs, size_t ndocs)
{
	size_t tests = 0, failures = 0, skipped = 0;

	for (size_t d = 0; d < ndocs; d++) {
		size_t i;
		const json_t *u;
		json_array_foreach(json_object_get(docs[d], "urls"), i, u) {
			tests++;
			failures += url_failed(u);
			skipped += url_skipped(u);
		}
	}
	ck_junit_start(j, "testsuites");
	ck_junit_attr(j, "name", "aiacheck");
	ck_junit_count(j, "tests", (long long)tests);
	ck_junit_count(j, "failures", (long long)failures);
	ck_junit_count(j, "skipped", (long long)skipped);
	for (size_t d = 0; d < ndocs; d++) {
		const json_t *urls = json_object_get(docs[d], "urls"), *u, *in = json_object_get(docs[d], "input");
		size_t i, nf = 0, ns = 0;
		json_array_foreach(urls, i, u) {
			nf += url_failed(u);
			ns += url_skipped(u);
		}
		ck_junit_start(j, "testsuite");
		ck_junit_attr(j, "name", json_is_object(in) ? ck_json_text(in, "name") : "urls");
		ck_junit_count(j, "tests", (long long)json_array_size(urls));
		ck_junit_count(j, "failures", (long long)nf);
		ck_junit_count(j, "skipped", (long long)ns);
		ck_junit_attr(j, "timestamp", ck_json_text(docs[d], "at"));
		json_array_foreach(urls, i, u)
			junit_case(j, u);
		ck_junit_end(j);
	}
	ck_junit_end(j);
	return 0;
}

int ck_report_junit(FILE *out, json_t *const *docs, size_t ndocs)
{
	return ck_junit_write(out, docs, ndocs, junit_view);
}

/* Nagios: an input that could not be read is its error document. */
static int nagios_add(struct ck_nagios *n, const json_t *doc, const struct ck_emit_extra *x)
{
	const json_t *err = json_object_get(doc, "error");

	if (err)
		return ck_nagios_add_error(n, ck_json_text(json_object_get(doc, "input"), "name"),
					   ck_json_text(err, "message"));
	return ck_nagios_add_aiacheck(n, doc, x->problem);
}

static int nagios_end(FILE *out, struct ck_nagios *n, const json_t *end, const struct ck_emit_extra *x,
		      enum ck_nagios_state *state)
{
	(void)end;
	return ck_report_nagios_aiacheck(out, n, x->incomplete, state);
}

const struct ck_emit_view ck_view_aiacheck = {
	.root = "aiacheck",
	.element = "report",
	.text = ck_report_text_aiacheck,
	.junit = junit_view,
	.nagios_tag = "AIACHECK",
	.nagios_add = nagios_add,
	.nagios_end = nagios_end,
};
