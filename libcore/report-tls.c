/* report-tls — mtlsprobe's document and its text (part of `report`,
 * declared in report.h).
 *
 * The document holds what the probe recorded (tls.h), the client's
 * credential and the server's certificates as two chainview documents
 * ("client" and "server", the same fields chainview writes), each
 * CertificateRequest with the CA names matched against the client chain,
 * and the outcome in words.  Indices in "certificate_requests" refer to
 * the client document's "certificates".  Durations are integers in
 * microseconds (exact in JSON and XML alike). */
#include "config.h"

#include "emit.h"

#include "report.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- */
/* the document */

static json_t *us_or_null(int64_t us)
{
	return us < 0 ? json_null() : json_integer((json_int_t)us);
}

static json_t *strv_array(ck_strv v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && v && v[i]; i++)
		json_array_append_new(a, ck_json_str(v[i]));
	return a;
}

static const char *version_setting(enum ck_tls_version v)
{
	return v == CK_TLS_V12 ? "1.2" : v == CK_TLS_V13 ? "1.3" : "any";
}

static json_t *target_json(const struct ck_report_tls_in *in)
{
	const struct ck_tls_result *r = in->result;
	json_t *o = json_object();
	json_object_set_new(o, "host", ck_json_str(in->opts->host));
	json_object_set_new(o, "port", json_integer(atoi(in->opts->port)));
	json_object_set_new(o, "sni", ck_json_str_or_null(in->opts->sni));
	json_object_set_new(o, "address", ck_json_str_or_null(r->address));
	json_object_set_new(o, "addresses", strv_array(r->addresses));
	json_object_set_new(o, "ip_literal", json_boolean(r->numeric_host));
	return o;
}

static json_t *settings_json(const struct ck_report_tls_in *in)
{
	json_t *o = json_object();
	json_object_set_new(o, "tls_version", json_string(version_setting(in->opts->version)));
	json_object_set_new(o, "send", json_string(in->send_mode ? in->send_mode : "auto"));
	json_object_set_new(o, "http_get", ck_json_str_or_null(in->opts->http_path));
	json_object_set_new(o, "alpn_offered", strv_array(in->result->alpn_offered));
	json_object_set_new(o, "post_handshake_auth_offered",
			    json_boolean(in->result->post_handshake_offered));
	json_object_set_new(o, "connect_timeout_ms", json_integer(in->connect_timeout_ms));
	json_object_set_new(o, "timeout_ms", json_integer(in->timeout_ms));
	return o;
}

static json_t *timings_json(const struct ck_tls_result *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "dns_us", us_or_null(r->dns_us));
	json_object_set_new(o, "connect_us", us_or_null(r->connect_us));
	json_object_set_new(o, "handshake_us", us_or_null(r->handshake_us));
	json_object_set_new(o, "first_byte_us", us_or_null(r->first_byte_us));
	json_object_set_new(o, "total_us", us_or_null(r->total_us));
	return o;
}

static json_t *attempts_json(const struct ck_tls_result *r)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->nattempts; i++) {
		const struct ck_tls_attempt *at = &r->attempts[i];
		json_t *o = json_object();
		json_object_set_new(o, "address", ck_json_str(at->address));
		json_object_set_new(o, "result", json_string(at->result == CK_TLS_END_OK ? "connected" :
							     ck_tls_end_name(at->result)));
		json_object_set_new(o, "time_us", json_integer((json_int_t)at->time_us));
		json_object_set_new(o, "error", at->sys_errno ? ck_json_str(strerror(at->sys_errno)) :
						json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *handshake_json(const struct ck_tls_result *r)
{
	json_t *o = json_object(), *msgs = json_array();
	for (size_t i = 0; i < r->nmessages; i++) {
		const struct ck_tls_message *m = &r->messages[i];
		json_t *jm = json_object();
		bool certs = m->type == 11; /* Certificate */
		json_object_set_new(jm, "direction", json_string(m->received ? "received" : "sent"));
		json_object_set_new(jm, "type", json_string(ck_tls_message_name(m->type)));
		json_object_set_new(jm, "length", json_integer((json_int_t)m->length));
		json_object_set_new(jm, "at_us", json_integer((json_int_t)m->at_us));
		json_object_set_new(jm, "certificates", certs ? json_integer(m->certs) : json_null());
		json_array_append_new(msgs, jm);
	}
	json_object_set_new(o, "complete", json_boolean(r->handshake_done));
	json_object_set_new(o, "messages", msgs);
	json_object_set_new(o, "version", ck_json_str_or_null(r->version));
	json_object_set_new(o, "cipher_suite", ck_json_str_or_null(r->cipher_suite));
	json_object_set_new(o, "group", ck_json_str_or_null(r->group));
	json_object_set_new(o, "server_signature", ck_json_str_or_null(r->server_signature));
	json_object_set_new(o, "alpn", ck_json_str_or_null(r->alpn));
	json_object_set_new(o, "renegotiated", json_boolean(r->renegotiated));
	json_object_set_new(o, "closed_after_handshake", json_boolean(r->closed_after_handshake));
	json_object_set_new(o, "read_after_ms", r->linger_ms ? json_integer(r->linger_ms) : json_null());
	return o;
}

static json_t *index_or_null(const struct ck_report_tls_in *in, long pos)
{
	if (pos < 0 || (size_t)pos >= in->chain_len || in->chain_index[pos] < 0)
		return json_null();
	return json_integer(in->chain_index[pos]);
}

/* Where the certificate at chain position `pos` came from: the
 * credential (--pfx/--cert), a --ca-file, a --ca-dir, or another trust
 * store, and that file's name. */
static json_t *from_json(const struct ck_report_tls_in *in, long pos)
{
	const char *kind = in->chain_from_kind ? in->chain_from_kind[pos] : NULL;
	json_t *o = json_object();
	json_object_set_new(o, "index", index_or_null(in, pos));
	json_object_set_new(o, "source", json_string(!kind ? "credential" : !strcmp(kind, "file") ? "ca-file" :
						     !strcmp(kind, "directory") ? "ca-dir" : "trust-store"));
	json_object_set_new(o, "file", ck_json_str_or_null(in->chain_from ? in->chain_from[pos] : NULL));
	return o;
}

static json_t *request_json(const struct ck_report_tls_in *in, size_t k)
{
	const struct ck_tls_request *rq = &in->result->requests[k];
	const struct ck_tls_match *m = in->matches ? &in->matches[k] : NULL;
	json_t *o = json_object(), *names = json_array(), *sent = json_array(), *from = json_array();

	for (size_t i = 0; i < rq->nca_names; i++) {
		json_t *n = json_object();
		long pos = m && i < m->nnames ? m->position[i] : -1;
		json_object_set_new(n, "dn", ck_json_str(rq->ca_names[i].text));
		json_object_set_new(n, "matches", index_or_null(in, pos));
		json_object_set_new(n, "relation", pos < 0 ? json_null() :
				    json_string(m->is_subject[i] ? "subject" : "issuer"));
		json_array_append_new(names, n);
	}
	for (size_t i = 0; i < rq->nsent; i++) {
		json_array_append_new(sent, index_or_null(in, (long)i));
		if (i < in->chain_len)
			json_array_append_new(from, from_json(in, (long)i));
	}
	json_object_set_new(o, "after_handshake", json_boolean(rq->after_handshake));
	json_object_set_new(o, "understood", json_boolean(rq->understood));
	json_object_set_new(o, "empty_ca_extension", json_boolean(rq->empty_ca_extension));
	json_object_set_new(o, "ca_names", names);
	json_object_set_new(o, "signature_algorithms", strv_array(rq->sign_algos));
	json_object_set_new(o, "key_types", strv_array(rq->key_types));
	json_object_set_new(o, "sent", sent);
	json_object_set_new(o, "sent_from", from);
	json_object_set_new(o, "leads_to_listed_ca",
			    !rq->nca_names || !in->chain_len ? json_null() :
			    json_boolean(m && m->through >= 0));
	json_object_set_new(o, "through", m ? index_or_null(in, m->through) : json_null());
	json_object_set_new(o, "listed_ca", m && m->name >= 0 ? ck_json_str(rq->ca_names[m->name].text) :
					    json_null());
	json_object_set_new(o, "needed", m && m->needed ? json_integer((json_int_t)m->needed) : json_null());
	return o;
}

static json_t *http_json(const struct ck_report_tls_in *in)
{
	const struct ck_tls_result *r = in->result;
	json_t *o;
	char *req = NULL;
	if (!in->opts->http_path)
		return json_null();
	o = json_object();
	if (asprintf(&req, "GET %s HTTP/1.1", in->opts->http_path) < 0)
		req = NULL;
	json_object_set_new(o, "request", ck_json_str(req));
	free(req);
	json_object_set_new(o, "sent", json_boolean(r->http_sent));
	json_object_set_new(o, "status_line", ck_json_str_or_null(r->http_status_line));
	json_object_set_new(o, "status", r->http_status ? json_integer(r->http_status) : json_null());
	json_object_set_new(o, "bytes", json_integer((json_int_t)r->http_bytes));
	json_object_set_new(o, "first_byte_us", us_or_null(r->first_byte_us));
	return o;
}

static json_t *outcome_json(const struct ck_report_tls_in *in)
{
	const struct ck_tls_result *r = in->result;
	const struct ck_tls_verdict *v = in->verdict;
	json_t *o = json_object();
	if (r->alert >= 0) {
		const struct ck_tls_alert_info *a = ck_tls_alert_info(r->alert);
		json_t *al = json_object();
		json_object_set_new(al, "code", json_integer(r->alert));
		json_object_set_new(al, "name", json_string(a ? a->name : "unknown"));
		json_object_set_new(o, "alert", al);
	} else {
		json_object_set_new(o, "alert", json_null());
	}
	json_object_set_new(o, "result", json_string(ck_tls_end_name(r->end)));
	json_object_set_new(o, "success", json_boolean(v->success));
	json_object_set_new(o, "phase", json_string(ck_tls_phase_name(r->phase)));
	json_object_set_new(o, "error", ck_json_str_or_null(r->error));
	json_object_set_new(o, "summary", ck_json_str(v->summary));
	json_object_set_new(o, "cause", ck_json_str_or_null(v->cause));
	json_object_set_new(o, "hint", ck_json_str_or_null(v->hint));
	return o;
}

/* --save-chain: the file written and how many certificates it holds. */
static json_t *saved_json(const struct ck_report_tls_in *in)
{
	json_t *o;
	if (!in->saved_chain)
		return json_null();
	o = json_object();
	json_object_set_new(o, "file", json_string(in->saved_chain));
	json_object_set_new(o, "certificates", json_integer((json_int_t)in->saved_certs));
	return o;
}

/* The tunnel through a proxy, or null. */
static json_t *proxy_json(const struct ck_report_tls_in *in)
{
	const struct ck_tls_result *r = in->result;
	json_t *o;
	if (!r->proxy)
		return json_null();
	o = json_object();
	json_object_set_new(o, "url", json_string(r->proxy));
	json_object_set_new(o, "address", ck_json_str_or_null(r->address));
	json_object_set_new(o, "connect_status", r->proxy_status ? json_integer(r->proxy_status) : json_null());
	return o;
}

/* The STARTTLS dialogue, or null. */
static json_t *starttls_json(const struct ck_report_tls_in *in)
{
	const struct ck_tls_result *r = in->result;
	json_t *o;
	if (!in->opts->starttls)
		return json_null();
	o = json_object();
	json_object_set_new(o, "protocol", json_string(ck_starttls_name(in->opts->starttls)));
	json_object_set_new(o, "reply", ck_json_str_or_null(r->starttls_reply));
	json_object_set_new(o, "time_us", us_or_null(r->starttls_us));
	return o;
}

static json_t *bundle_or_null(const struct ck_bundle *b, const struct ck_analysis *a)
{
	return b && a ? ck_report_bundle(b, a) : json_null();
}

json_t *ck_report_tls(const struct ck_report_tls_in *in)
{
	const struct ck_tls_result *r = in->result;
	json_t *doc = json_object(), *reqs = json_array();
	char at[32];
	struct {
		const char *key;
		json_t *value;
	} m[15];
	size_t n = 0;
	bool ok = doc && reqs;

	for (size_t k = 0; reqs && k < r->nrequests; k++)
		if (json_array_append_new(reqs, request_json(in, k)) < 0)
			ok = false;
	ck_time_format(in->at, at);
	m[n].key = "target", m[n++].value = target_json(in);
	m[n].key = "at", m[n++].value = json_string(at);
	m[n].key = "settings", m[n++].value = settings_json(in);
	m[n].key = "timings", m[n++].value = timings_json(r);
	m[n].key = "attempts", m[n++].value = attempts_json(r);
	m[n].key = "proxy", m[n++].value = proxy_json(in);
	m[n].key = "starttls", m[n++].value = starttls_json(in);
	m[n].key = "handshake", m[n++].value = handshake_json(r);
	m[n].key = "certificate_requests", m[n++].value = reqs;
	m[n].key = "server", m[n++].value = bundle_or_null(in->server, in->server_analysis);
	m[n].key = "client", m[n++].value = bundle_or_null(in->client, in->client_analysis);
	m[n].key = "http", m[n++].value = http_json(in);
	m[n].key = "saved_chain", m[n++].value = saved_json(in);
	m[n].key = "outcome", m[n++].value = outcome_json(in);
	for (size_t i = 0; i < n; i++)
		if (!m[i].value || !doc || json_object_set_new(doc, m[i].key, m[i].value) < 0)
			ok = false;
	if (!ok) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* ---------------------------------------------------------------- */
/* text */

static long long ji(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static bool jt(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

static void ms(FILE *f, const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	if (json_is_integer(v))
		fprintf(f, "%9.1f ms", (double)json_integer_value(v) / 1000.0);
	else
		fprintf(f, "%12s", "—");
}

/* Print `text` after `lead`: wrapped at the terminal's width with
 * `indent` spaces before each further line, or one line for grep. */
static void wrap(FILE *f, const struct ck_text_opts *o, const char *lead, unsigned indent,
		 const char *text)
{
	ck_text_item(f, o, lead, indent, text);
}

/* "[1] CN=…" for an index of the client's certificates. */
static void client_ref(FILE *f, const json_t *doc, const json_t *idx)
{
	const json_t *certs = json_object_get(json_object_get(doc, "client"), "certificates");
	if (!json_is_integer(idx)) {
		fputs("(a certificate of a trust store)", f);
		return;
	}
	fprintf(f, "[%lld] %s", (long long)json_integer_value(idx),
		ck_json_text(json_array_get(certs, (size_t)json_integer_value(idx)), "subject"));
}

static void text_title(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *t = json_object_get(doc, "target"), *s = json_object_get(doc, "settings");
	const json_t *client = json_object_get(doc, "client");
	const char *host = ck_json_text(t, "host");
	bool v6 = strchr(host, ':') != NULL;
	struct ck_text_item it;
	FILE *out = f;

	f = ck_text_item_open(&it, out, o, "", 4);
	fprintf(f, "%s%s%s%s:%lld%s", ck_text_color(o, "bold"), v6 ? "[" : "", host, v6 ? "]" : "",
		ji(t, "port"), ck_text_reset(o));
	fprintf(f, " · SNI %s", json_is_string(json_object_get(t, "sni")) ? ck_json_text(t, "sni") : "none");
	if (!strcmp(ck_json_text(s, "tls_version"), "any"))
		fprintf(f, " · TLS 1.2 or 1.3");
	else
		fprintf(f, " · TLS %s only", ck_json_text(s, "tls_version"));
	if (json_is_object(client))
		fprintf(f, " · client %s, --send %s", ck_json_text(json_object_get(client, "input"), "name"),
			ck_json_text(s, "send"));
	else
		fprintf(f, " · no client certificate");
	ck_text_item_close(&it);
}

static void text_connection(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *t = json_object_get(doc, "target"), *tm = json_object_get(doc, "timings");
	const json_t *h = json_object_get(doc, "handshake"), *http = json_object_get(doc, "http");
	const json_t *px = json_object_get(doc, "proxy"), *st = json_object_get(doc, "starttls");
	const json_t *at;
	size_t i;
	struct ck_text_item it;
	FILE *out = f;

	/* each row one item: on a terminal continuation lines start under
	 * the text after the time */
	fprintf(f, "\nConnection\n");
	f = ck_text_item_open(&it, out, o, "  DNS       ", 27);
	ms(f, tm, "dns_us");
	if (json_is_object(px))
		fprintf(f, "  %s: the proxy resolves it", ck_json_text(t, "host"));
	else if (jt(t, "ip_literal"))
		fprintf(f, "  %s (an IP address: no lookup)", ck_json_text(t, "host"));
	else if (json_array_size(json_object_get(t, "addresses"))) {
		const json_t *a;
		fprintf(f, "  %s →", ck_json_text(t, "host"));
		json_array_foreach(json_object_get(t, "addresses"), i, a)
			fprintf(f, "%s %s", i ? "," : "", json_string_value(a));
	} else
		fprintf(f, "  %s: %sdoes not resolve%s", ck_json_text(t, "host"), ck_text_color(o, "error"),
			ck_text_reset(o));
	ck_text_item_close(&it);
	f = out;
	json_array_foreach(json_object_get(doc, "attempts"), i, at) {
		bool ok = !strcmp(ck_json_text(at, "result"), "connected");
		FILE *g = ck_text_item_open(&it, out, o, "  TCP       ", 27);
		fprintf(g, "%9.1f ms  %s port %lld: %s%s%s", ji(at, "time_us") / 1000.0,
			ck_json_text(at, "address"), ji(t, "port"), ck_text_color(o, ok ? "ok" : "error"),
			ck_json_text(at, "result"), ck_text_reset(o));
		ck_text_item_close(&it);
	}
	if (json_is_object(px)) {
		bool ok = json_is_integer(json_object_get(tm, "handshake_us")) || json_is_object(st);
		ok = ok && json_is_integer(json_object_get(px, "connect_status"));
		f = ck_text_item_open(&it, out, o, "  Proxy     ", 27);
		ms(f, tm, "connect_us");
		fprintf(f, "  %s: %s", ck_json_text(px, "url"), ck_text_color(o, ok ? "ok" : "error"));
		if (json_is_integer(json_object_get(px, "connect_status")))
			fprintf(f, "CONNECT %s port %lld: %lld", ck_json_text(t, "host"), ji(t, "port"),
				ji(px, "connect_status"));
		else
			fprintf(f, "no tunnel");
		fprintf(f, "%s", ck_text_reset(o));
		ck_text_item_close(&it);
		f = out;
	}
	if (json_is_object(st) && (json_is_integer(json_object_get(st, "time_us")))) {
		bool ok = json_is_integer(json_object_get(tm, "handshake_us"));
		f = ck_text_item_open(&it, out, o, "  STARTTLS  ", 27);
		ms(f, st, "time_us");
		fprintf(f, "  %s: %s%s%s", ck_json_text(st, "protocol"), ck_text_color(o, ok ? "ok" : "error"),
			json_is_string(json_object_get(st, "reply")) ? ck_json_text(st, "reply") : "no answer",
			ck_text_reset(o));
		ck_text_item_close(&it);
		f = out;
	}
	if (json_is_integer(json_object_get(tm, "handshake_us"))) {
		f = ck_text_item_open(&it, out, o, "  TLS       ", 27);
		ms(f, tm, "handshake_us");
		if (jt(h, "complete")) {
			const json_t *offered = json_object_get(json_object_get(doc, "settings"), "alpn_offered");
			fprintf(f, "  %s · %s · %s · ALPN %s", ck_json_text(h, "version"), ck_json_text(h, "cipher_suite"),
				json_is_string(json_object_get(h, "group")) ? ck_json_text(h, "group") : "no group",
				json_is_string(json_object_get(h, "alpn")) ? ck_json_text(h, "alpn") : "none");
			/* what we offered and the server did not take */
			if (json_array_size(offered) > (json_is_string(json_object_get(h, "alpn")) ? 1u : 0u)) {
				const json_t *a;
				fprintf(f, " (offered");
				json_array_foreach(offered, i, a)
					fprintf(f, "%s %s", i ? "," : "", json_string_value(a));
				fputc(')', f);
			}
		}
		else
			fprintf(f, "  %shandshake not completed%s", ck_text_color(o, "error"), ck_text_reset(o));
		ck_text_item_close(&it);
		f = out;
	}
	if (json_is_object(http) && jt(http, "sent")) {
		f = ck_text_item_open(&it, out, o, "  GET       ", 27);
		ms(f, http, "first_byte_us");
		fprintf(f, "  to the first byte: %s", json_is_string(json_object_get(http, "status_line")) ?
				ck_json_text(http, "status_line") : "(no answer)");
		ck_text_item_close(&it);
		f = out;
	}
}

static void text_messages(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *h = json_object_get(doc, "handshake"), *m;
	const json_t *out = json_object_get(doc, "outcome");
	size_t i;

	fprintf(f, "\nHandshake\n");
	json_array_foreach(json_object_get(h, "messages"), i, m) {
		bool rcv = !strcmp(ck_json_text(m, "direction"), "received");
		const json_t *certs = json_object_get(m, "certificates");
		fprintf(f, "  %9.1f ms  %s %s", ji(m, "at_us") / 1000.0, rcv ? "←" : "→", ck_json_text(m, "type"));
		if (json_is_integer(certs))
			fprintf(f, " (%lld certificate%s)", (long long)json_integer_value(certs),
				json_integer_value(certs) == 1 ? "" : "s");
		if (o->verbose)
			fprintf(f, " %s%lld bytes%s", ck_text_color(o, "dim"), ji(m, "length"), ck_text_reset(o));
		fputc('\n', f);
	}
	if (json_is_object(json_object_get(out, "alert"))) {
		const json_t *a = json_object_get(out, "alert");
		fprintf(f, "  %12s  %s← alert %s (%lld)%s\n", "", ck_text_color(o, "error"), ck_json_text(a, "name"),
			ji(a, "code"), ck_text_reset(o));
	} else if (!jt(out, "success") && strcmp(ck_json_text(out, "result"), "ok") &&
		   json_array_size(json_object_get(h, "messages"))) {
		fprintf(f, "  %12s  %s✗ %s%s\n", "", ck_text_color(o, "error"), ck_json_text(out, "result"),
			ck_text_reset(o));
	}
	if (jt(h, "renegotiated"))
		fprintf(f, "  (the server asked for a renegotiation, which was done)\n");
}

static void text_request(FILE *f, const json_t *doc, const json_t *rq, const struct ck_text_opts *o)
{
	const json_t *names = json_object_get(rq, "ca_names"), *n, *sent = json_object_get(rq, "sent");
	const json_t *algos = json_object_get(rq, "signature_algorithms"), *a;
	size_t i;

	fputc('\n', f);
	ck_text_item(f, o, "Client certificate requested ", 2, jt(rq, "after_handshake") ?
		     "after the handshake (TLS 1.3 post-handshake authentication or renegotiation)" :
		     "in the handshake");
	if (!jt(rq, "understood")) {
		fprintf(f, "  %sthe request could not be decoded%s%s\n", ck_text_color(o, "error"),
			ck_text_reset(o), jt(rq, "empty_ca_extension") ?
				" (empty certificate_authorities extension)" : "");
		return;
	}
	if (!json_array_size(names))
		ck_text_item(f, o, "  acceptable CAs: ", 4, "none listed (the server accepts whatever it "
			     "trusts, without saying which)");
	else
		fprintf(f, "  acceptable CAs (%zu):\n", json_array_size(names));
	json_array_foreach(names, i, n) {
		const json_t *mt = json_object_get(n, "matches");
		ck_text_item(f, o, "    ", 6, ck_json_text(n, "dn"));
		if (json_is_integer(mt)) {
			struct ck_text_item it;
			FILE *g = ck_text_item_open(&it, f, o, "      ", 8);
			fprintf(g, "%s✓ our chain leads to it%s: ", ck_text_color(o, "ok"), ck_text_reset(o));
			client_ref(g, doc, mt);
			fprintf(g, " %s", !strcmp(ck_json_text(n, "relation"), "subject") ? "is this CA" : "was issued by it");
			ck_text_item_close(&it);
		} else if (json_is_object(json_object_get(doc, "client"))) {
			fprintf(f, "      %s✗ not on our chain%s\n", ck_text_color(o, "dim"), ck_text_reset(o));
		}
	}
	if (json_array_size(json_object_get(rq, "key_types"))) {
		fprintf(f, "  key types:");
		json_array_foreach(json_object_get(rq, "key_types"), i, a)
			fprintf(f, "%s %s", i ? "," : "", json_string_value(a));
		fputc('\n', f);
	}
	if (json_array_size(algos)) {
		struct ck_text_item it;
		FILE *g = ck_text_item_open(&it, f, o, "  ", 4);
		fprintf(g, "signature algorithms (%zu):", json_array_size(algos));
		json_array_foreach(algos, i, a) {
			if (!o->verbose && i == 4) {
				fprintf(g, ", …");
				break;
			}
			fprintf(g, "%s %s", i ? "," : "", json_string_value(a));
		}
		ck_text_item_close(&it);
	}
	if (!json_array_size(sent)) {
		fprintf(f, "  we sent %sno certificate%s\n", ck_text_color(o, "warning"), ck_text_reset(o));
		return;
	}
	fprintf(f, "  we sent %zu certificate%s:\n", json_array_size(sent), json_array_size(sent) == 1 ? "" : "s");
	json_array_foreach(sent, i, n) {
		const json_t *from = json_array_get(json_object_get(rq, "sent_from"), i);
		const char *src = ck_json_text(from, "source");
		struct ck_text_item it;
		FILE *g = ck_text_item_open(&it, f, o, "    ", 8);
		client_ref(g, doc, n);
		ck_text_item_close(&it);
		if (json_is_string(json_object_get(from, "file"))) {
			g = ck_text_item_open(&it, f, o, "        ", 10);
			fprintf(g, "%sfrom %s%s%s", ck_text_color(o, "dim"),
				!strcmp(src, "ca-file") ? "--ca-file " : !strcmp(src, "ca-dir") ? "--ca-dir " :
				!strcmp(src, "trust-store") ? "the trust store " : "",
				ck_json_text(from, "file"), ck_text_reset(o));
			ck_text_item_close(&it);
		}
	}
	/* what the chain has beyond what went out */
	if (json_is_integer(json_object_get(rq, "needed")) &&
	    ji(rq, "needed") > (long long)json_array_size(sent)) {
		fprintf(f, "  %snot sent, and needed to reach %s:%s\n", ck_text_color(o, "error"),
			ck_json_text(rq, "listed_ca"), ck_text_reset(o));
		for (long long k = (long long)json_array_size(sent); k < ji(rq, "needed"); k++) {
			const json_t *path = json_object_get(json_object_get(json_object_get(doc, "client"), "chain"), "path");
			struct ck_text_item it;
			FILE *g = ck_text_item_open(&it, f, o, "    ", 8);
			client_ref(g, doc, json_array_get(path, (size_t)k));
			ck_text_item_close(&it);
		}
	}
}

static void text_requests(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *reqs = json_object_get(doc, "certificate_requests"), *rq;
	const json_t *h = json_object_get(doc, "handshake");
	size_t i;
	if (!json_array_size(reqs)) {
		fprintf(f, "\nClient certificate: %s\n", jt(h, "complete") || json_array_size(json_object_get(h, "messages")) ?
				"the server did not ask for one" : "(the handshake did not get that far)");
		return;
	}
	json_array_foreach(reqs, i, rq)
		text_request(f, doc, rq, o);
}

/* A chainview document inside ours: title, counts, then chainview's body.
 * Certificates from the trust stores are shown but not counted. */
static void text_bundle(FILE *f, const char *title, const char *what, const json_t *b,
			const struct ck_text_opts *o)
{
	const json_t *in = json_object_get(b, "input"), *c;
	size_t n = 0, i, keys = json_array_size(json_object_get(b, "keys"));
	struct ck_text_item it;
	FILE *g;
	json_array_foreach(json_object_get(b, "certificates"), i, c)
		n += !strcmp(ck_json_text(c, "source"), "input");
	fputc('\n', f);
	g = ck_text_item_open(&it, f, o, "", 4);
	fprintf(g, "%s%s%s: %s, %zu certificate%s %s", ck_text_color(o, "bold"), title, ck_text_reset(o),
		ck_json_text(in, "name"), n, n == 1 ? "" : "s", what);
	if (keys)
		fprintf(g, ", %zu key%s", keys, keys == 1 ? "" : "s");
	ck_text_item_close(&it);
	ck_report_text_bundle_body(f, b, o);
}

static void text_outcome(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *out = json_object_get(doc, "outcome");
	bool ok = jt(out, "success");
	char lead[128];

	snprintf(lead, sizeof lead, "%s%s%s%s — ", o->quiet ? "" : "\n", ck_text_color(o, ok ? "ok" : "error"),
		 ok ? "Result: OK" : "Result: FAILED", ck_text_reset(o));
	wrap(f, o, lead, 2, ck_json_text(out, "summary"));
	if (json_is_string(json_object_get(out, "cause")))
		wrap(f, o, "  Why: ", 7, ck_json_text(out, "cause"));
	if (json_is_string(json_object_get(out, "hint")))
		wrap(f, o, "  Do:  ", 7, ck_json_text(out, "hint"));
	if (o->verbose && json_is_string(json_object_get(out, "error"))) {
		struct ck_text_item it;
		FILE *g = ck_text_item_open(&it, f, o, "  ", 3);
		fprintf(g, "(%s: %s, phase %s)", ck_json_text(out, "result"), ck_json_text(out, "error"),
			ck_json_text(out, "phase"));
		ck_text_item_close(&it);
	}
}

static int text_mtlsprobe(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *server = json_object_get(doc, "server"), *client = json_object_get(doc, "client");

	if (o->quiet) {
		text_outcome(f, doc, o);
		return ferror(f) ? -1 : 0;
	}
	text_title(f, doc, o);
	text_connection(f, doc, o);
	if (json_array_size(json_object_get(json_object_get(doc, "handshake"), "messages")))
		text_messages(f, doc, o);
	if (json_is_object(server))
		text_bundle(f, "Server", "sent", server, o);
	if (json_is_object(json_object_get(doc, "saved_chain"))) {
		const json_t *sc = json_object_get(doc, "saved_chain");
		struct ck_text_item it;
		FILE *g;
		fputc('\n', f);
		g = ck_text_item_open(&it, f, o, "", 4);
		fprintf(g, "Server chain saved to %s (%lld certificate%s, PEM)", ck_json_text(sc, "file"),
			ji(sc, "certificates"), ji(sc, "certificates") == 1 ? "" : "s");
		ck_text_item_close(&it);
	}
	if (json_array_size(json_object_get(doc, "attempts")) &&
	    json_is_integer(json_object_get(json_object_get(doc, "timings"), "handshake_us")))
		text_requests(f, doc, o);
	if (json_is_object(client))
		text_bundle(f, "Client credential", "in the file", client, o);
	text_outcome(f, doc, o);
	return ferror(f) ? -1 : 0;
}

int ck_report_text_mtlsprobe(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	json_t *safe = ck_text_safe_doc(doc);
	int r = safe ? text_mtlsprobe(f, safe, o) : -1;

	json_decref(safe);
	return r;
}

const struct ck_emit_view ck_view_mtlsprobe = {
	.root = "mtlsprobe",
	.element = "report",
	.text = ck_report_text_mtlsprobe,
};
