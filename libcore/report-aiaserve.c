/* report-aiaserve — aiaserve's documents: the URLs it serves
 * (--print-urls) and one record per request (--log).  Built with
 * jansson here, so the tool builds no JSON itself. */
#include "config.h"

#include "emit.h"

#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

json_t *ck_report_serve_request(const struct ck_serve_request *r)
{
	struct tm tm;
	char when[64];
	json_t *o;

	gmtime_r(&r->start.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof when - strlen(when), ".%03ldZ", r->start.tv_nsec / 1000000);
	/* method, path and query are the client's bytes: not always UTF-8
	 * (a record is written for every request, whatever it holds) */
	o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I}",
		      "time", when, "client", ck_json_str_or_null(r->client),
		      "method", ck_json_str_or_null(r->method),
		      "path", ck_json_str_or_null(r->path), "query", ck_json_str_or_null(r->query),
		      "status", r->status ? json_integer(r->status) : json_null(),
		      "fault", ck_json_str_or_null(r->fault),
		      "bytes", (json_int_t)r->bytes, "duration_ms", (json_int_t)r->duration_ms);
	if (o && json_object_set_new(o, "ocsp", r->ocsp_response ?
				     json_pack("{s:s, s:o, s:o}", "response_status", r->ocsp_response,
					       "cert_status", ck_json_str_or_null(r->ocsp_status),
					       "serial", ck_json_str_or_null(r->ocsp_serial)) :
				     json_null())) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *ck_report_serve_urls(const char *base, const struct ck_serve_url *u, size_t n)
{
	json_t *doc = json_pack("{s:s, s:[]}", "base", base, "urls"), *a;

	if (!doc)
		return NULL;
	a = json_object_get(doc, "urls");
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_pack("{s:s, s:s, s:s, s:s?, s:o}", "url", u[i].url, "path", u[i].path,
				      "kind", u[i].kind, "subject", u[i].subject,
				      "fault", ck_json_str_or_null(u[i].fault));
		if (!e || json_array_append_new(a, e)) {
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}

int ck_report_text_aiaserve(FILE *out, const json_t *doc, const struct ck_text_opts *o)
{
	size_t i;
	json_t *u;

	(void)o;
	json_array_foreach(json_object_get(doc, "urls"), i, u)
		if (fprintf(out, "%s\n", json_string_value(json_object_get(u, "url"))) < 0)
			return -1;
	return 0;
}

const struct ck_emit_view ck_view_aiaserve = {
	.root = "aiaserve",
	.element = "report",
	.text = ck_report_text_aiaserve,
};
