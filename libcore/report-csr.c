/* report-csr — a certificate request as chainview shows it: a document
 * built from struct ck_csr (JSON and XML come from it), and its text. */
#include "config.h"

#include "report-csr.h"
#include "findings.h"
#include "oid.h"

#include <string.h>

json_t *ck_report_csr(const char *name, bool pem, const struct ck_csr *c)
{
	json_t *doc = json_object(), *input = json_object(), *o = json_object();
	json_t *key = json_object(), *exts = json_array(), *sans = json_array();
	json_t *findings = json_array(), *sum = json_object();

	json_object_set_new(input, "name", ck_json_str(name));
	json_object_set_new(input, "format", json_string(pem ? "pem" : "der"));
	json_object_set_new(doc, "input", input);
	json_object_set_new(o, "subject", ck_json_str(c->subject));
	json_object_set_new(key, "type", json_string(c->key_type));
	json_object_set_new(key, "bits", json_integer(c->key_bits));
	json_object_set_new(o, "key", key);
	json_object_set_new(o, "signature_algorithm", ck_json_str(c->sig_algo));
	json_object_set_new(o, "signature_valid", json_boolean(c->sig_valid));
	for (size_t i = 0; i < c->nexts; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "oid", json_string(c->exts[i].oid));
		json_object_set_new(e, "name", ck_json_str_or_null(ck_oid_name(c->exts[i].oid)));
		json_object_set_new(e, "critical", json_boolean(c->exts[i].critical));
		json_array_append_new(exts, e);
	}
	json_object_set_new(o, "extensions", exts);
	for (size_t i = 0; i < c->nsans; i++)
		json_array_append_new(sans, ck_json_str(c->sans[i]));
	json_object_set_new(o, "subject_alt_names", sans);
	json_object_set_new(doc, "csr", o);
	if (!c->sig_valid) {
		json_t *f = json_object();
		const struct ck_finding_def *d = ck_finding_def(CK_F_CSR_BAD_SIGNATURE);
		json_object_set_new(f, "code", json_string(d->code));
		json_object_set_new(f, "severity", json_string(ck_severity_name(d->severity)));
		json_object_set_new(f, "certificate", json_null());
		json_object_set_new(f, "message", json_string(
			"the request's signature does not verify with the key it carries: a CA "
			"will refuse it (no proof of possession), or the file was modified"));
		json_object_set_new(f, "hint", json_string(
			"Make the request again with its private key (openssl req -new -key KEY)."));
		json_array_append_new(findings, f);
	}
	json_object_set_new(doc, "findings", findings);
	json_object_set_new(sum, "errors", json_integer(c->sig_valid ? 0 : 1));
	json_object_set_new(sum, "warnings", json_integer(0));
	json_object_set_new(sum, "info", json_integer(0));
	json_object_set_new(doc, "summary", sum);
	return doc;
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

int ck_report_csr_text(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *c = json_object_get(doc, "csr"), *key = json_object_get(c, "key"), *e, *s;
	const json_t *exts = json_object_get(c, "extensions"), *sans;
	bool ok = json_is_true(json_object_get(c, "signature_valid"));
	size_t i;

	sans = json_object_get(c, "subject_alt_names");
	if (!o->quiet) {
		fprintf(f, "%s: certificate request (CSR), %s\n", jstr(json_object_get(doc, "input"), "name"),
			!strcmp(jstr(json_object_get(doc, "input"), "format"), "pem") ? "PEM" : "DER");
		fprintf(f, "  subject    %s\n", *jstr(c, "subject") ? jstr(c, "subject") : "(empty)");
		fprintf(f, "  key        %s %lld\n", jstr(key, "type"),
			(long long)json_integer_value(json_object_get(key, "bits")));
		fprintf(f, "  signature  %s · %s%s%s\n", jstr(c, "signature_algorithm"),
			ck_text_color(o, ok ? "ok" : "error"),
			ok ? "✓ signed by its own key" : "✗ does not verify with its own key",
			ck_text_reset(o));
		fprintf(f, "  requested extensions: %zu\n", json_array_size(exts));
		json_array_foreach(exts, i, e) {
			fprintf(f, "    %s", json_is_string(json_object_get(e, "name")) ?
					       jstr(e, "name") : jstr(e, "oid"));
			if (json_is_true(json_object_get(e, "critical")))
				fputs(" (critical)", f);
			fputc('\n', f);
		}
		json_array_foreach(sans, i, s)
			fprintf(f, "%s%s\n", i ? "             " : "  names      ", json_string_value(s));
	}
	json_array_foreach(json_object_get(doc, "findings"), i, e) {
		char lead[128], text[1024];
		unsigned w = o->width ? o->width : 80;
		snprintf(lead, sizeof lead, "  %serror%s   ", ck_text_color(o, "error"),
			 ck_text_reset(o));
		snprintf(text, sizeof text, "%s: %s", jstr(e, "code"), jstr(e, "message"));
		fputc('\n', f);
		ck_text_wrap(f, lead, 10, text, w);
		if (!o->quiet)
			ck_text_wrap(f, "          → ", 12, jstr(e, "hint"), w);
	}
	return ferror(f) ? -1 : 0;
}
