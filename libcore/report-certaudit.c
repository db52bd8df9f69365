/* report — certaudit's part: its per-file document, the text summary,
 * and the JUnit XML and SARIF 2.1.0 files written from the documents.
 *
 * Kept in a file of its own so that the per-tool renderers do not crowd
 * report.c; it is the same module (report.h).  Every renderer reads only
 * the documents, so every field shown in text, JUnit or SARIF exists in
 * the JSON.  Nothing here depends on the order the files were audited
 * in: the caller passes the documents in path order, and the output is
 * the same bytes whatever the number of workers. */
#include "config.h"

#include "emit.h"
#include "policy.h"
#include "report.h"
#include "walk.h"

#include <libxml/uri.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- */
/* the document */

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

json_t *ck_report_audit(const char *path, const struct ck_audit *au, json_t *report)
{
	json_t *doc = json_object(), *sum = json_object(), *arr = json_array();

	if (!doc || !sum || !arr) {
		json_decref(doc);
		json_decref(sum);
		json_decref(arr);
		json_decref(report);
		return NULL;
	}
	for (size_t i = 0; i < au->nfindings; i++) {
		const struct ck_audit_finding *f = &au->findings[i];
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(f->code));
		json_object_set_new(o, "severity", json_string(ck_level_name(f->level)));
		json_object_set_new(o, "certificate", f->cert >= 0 ? json_integer(f->cert) : json_null());
		json_object_set_new(o, "subject", ck_json_str_or_null(f->subject));
		json_object_set_new(o, "message", ck_json_str(f->message));
		json_object_set_new(o, "hint", ck_json_str_or_null(f->hint));
		json_array_append_new(arr, o);
	}
	json_object_set_new(sum, "errors", json_integer((json_int_t)au->errors));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)au->warnings));
	json_object_set_new(sum, "info", json_integer((json_int_t)au->infos));
	json_object_set_new(doc, "path", ck_json_str(path));
	json_object_set_new(doc, "verdict", json_string(ck_verdict_name(au->verdict)));
	json_object_set_new(doc, "summary", sum);
	json_object_set_new(doc, "findings", arr);
	json_object_set_new(doc, "report", report ? report : json_null());
	return doc;
}

json_t *ck_report_audit_totals(const struct ck_audit_totals *t, const struct ck_walk *w, time_t at)
{
	json_t *doc = json_object(), *s = json_object(), *files = json_array();
	char when[32];
	ck_time_format(at, when);
	json_object_set_new(s, "files", json_integer((json_int_t)t->files));
	json_object_set_new(s, "ok", json_integer((json_int_t)t->ok));
	json_object_set_new(s, "warn", json_integer((json_int_t)t->warn));
	json_object_set_new(s, "fail", json_integer((json_int_t)t->fail));
	json_object_set_new(s, "errors", json_integer((json_int_t)t->errors));
	json_object_set_new(s, "warnings", json_integer((json_int_t)t->warnings));
	json_object_set_new(s, "info", json_integer((json_int_t)t->infos));
	json_object_set_new(s, "not_audited", json_integer((json_int_t)w->not_audited));
	json_object_set_new(s, "symlinks_not_followed", json_integer((json_int_t)w->links_skipped));
	for (size_t i = 0; i < w->nskipped; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "path", ck_json_str(w->skipped[i].path));
		json_object_set_new(o, "reason", json_string(w->skipped[i].why));
		json_array_append_new(files, o);
	}
	json_object_set_new(s, "not_audited_files", files);
	json_object_set_new(s, "urls", json_integer((json_int_t)t->urls));
	json_object_set_new(s, "url_requests", json_integer((json_int_t)t->url_requests));
	json_object_set_new(s, "at", json_string(when));
	json_object_set_new(doc, "totals", s);
	return doc;
}

json_t *ck_report_audit_urls(const struct ck_url_set *s)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < s->nurls; i++) {
		const struct ck_url_entry *e = &s->urls[i];
		json_t *o = json_object(), *blocked = json_array();
		for (size_t k = 0; k < e->net.nblocked; k++)
			json_array_append_new(blocked, json_string(e->net.blocked[k]));
		json_object_set_new(o, "kind", json_string(ck_url_kind_name(e->kind)));
		json_object_set_new(o, "url", ck_json_str(e->url));
		json_object_set_new(o, "certificate", json_integer(s->cert[i]));
		json_object_set_new(o, "method", e->checked && e->method ? json_string(e->method) : json_null());
		json_object_set_new(o, "result", json_string(ck_url_result_name(e->result)));
		json_object_set_new(o, "http_status", e->net.http_status ? json_integer(e->net.http_status) : json_null());
		json_object_set_new(o, "next_update_soon", json_boolean(e->warning));
		json_object_set_new(o, "note", ck_json_str(e->note));
		json_object_set_new(o, "blocked_addresses", blocked);
		json_object_set_new(o, "sockets_opened", e->checked ? json_integer(e->net.sockets) : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

/* ---------------------------------------------------------------- */
/* text */

/* Findings shown for a file without -v: its errors if it failed, else
 * its warnings; at most this many. */
#define TEXT_WORST 3

static void text_finding(FILE *f, const json_t *fi, const struct ck_text_opts *o)
{
	const char *sev = ck_json_text(fi, "severity");
	const json_t *cert = json_object_get(fi, "certificate");
	char lead[160], num[32] = "";

	/* on a terminal wrapped with hanging indents, else one line each */
	if (json_is_integer(cert))
		snprintf(num, sizeof num, " [%lld]", (long long)json_integer_value(cert));
	snprintf(lead, sizeof lead, "      %s%-7s%s %s%s: ", ck_text_color(o, sev), sev, ck_text_reset(o),
		 ck_json_text(fi, "code"), num);
	ck_text_item(f, o, lead, 14, ck_json_text(fi, "message"));
	if (o->verbose && json_is_string(json_object_get(fi, "hint"))) {
		struct ck_text_item it;
		FILE *g;
		snprintf(lead, sizeof lead, "              %s→ ", ck_text_color(o, "dim"));
		g = ck_text_item_open(&it, f, o, lead, 16);
		fprintf(g, "%s%s", ck_json_text(fi, "hint"), ck_text_reset(o));
		ck_text_item_close(&it);
	}
}

int ck_report_text_certaudit(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const char *verdict = ck_json_text(doc, "verdict");
	const json_t *findings = json_object_get(doc, "findings"), *fi;
	const char *worst = !strcmp(verdict, "fail") ? "error" : "warning";
	const char *color = !strcmp(verdict, "fail") ? "error" : !strcmp(verdict, "warn") ? "warning" : "ok";
	size_t i, shown = 0, more = 0;
	char lead[64];
	struct ck_text_item it;
	FILE *g;

	if (o->quiet && !strcmp(verdict, "ok"))
		return 0;
	snprintf(lead, sizeof lead, "%s%-4s%s  ", ck_text_color(o, color),
		 !strcmp(verdict, "fail") ? "FAIL" : !strcmp(verdict, "warn") ? "WARN" : "OK",
		 ck_text_reset(o));
	/* one line per file (on a terminal, a long path wraps under itself):
	 * a newline or escape in a file name is shown as '?' */
	g = ck_text_item_open(&it, f, o, lead, 6);
	for (const unsigned char *c = (const unsigned char *)ck_json_text(doc, "path"); *c; c++)
		fputc(*c < 0x20 || *c == 0x7f ? '?' : *c, g);
	ck_text_item_close(&it);
	json_array_foreach(findings, i, fi) {
		if (!o->verbose && strcmp(ck_json_text(fi, "severity"), worst))
			continue;
		if (!o->verbose && shown == TEXT_WORST) {
			more++;
			continue;
		}
		text_finding(f, fi, o);
		shown++;
	}
	if (more)
		fprintf(f, "      %s… and %zu more %s%s (-v shows every finding)%s\n",
			ck_text_color(o, "dim"), more, worst, more == 1 ? "" : "s", ck_text_reset(o));
	return ferror(f) ? -1 : 0;
}

int ck_report_text_certaudit_totals(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *s = json_object_get(doc, "totals");
	long long files = jint(s, "files"), fail = jint(s, "fail"), warn = jint(s, "warn");
	long long ignored = jint(s, "not_audited"), links = jint(s, "symlinks_not_followed");

	fprintf(f, "\n%lld file%s: %s%lld ok%s, %s%lld warn%s, %s%lld fail%s · %lld error%s, %lld warning%s\n",
		files, files == 1 ? "" : "s", ck_text_color(o, "ok"), jint(s, "ok"), ck_text_reset(o),
		ck_text_color(o, warn ? "warning" : "dim"), warn, ck_text_reset(o),
		ck_text_color(o, fail ? "error" : "dim"), fail, ck_text_reset(o), jint(s, "errors"),
		jint(s, "errors") == 1 ? "" : "s", jint(s, "warnings"),
		jint(s, "warnings") == 1 ? "" : "s");
	if (ignored) {
		struct ck_text_item it;
		FILE *g = ck_text_item_open(&it, f, o, "", 2);
		fprintf(g, "%lld other file%s not audited: not certificate bundles by name or content (see --include%s)",
			ignored, ignored == 1 ? "" : "s", o->verbose ? "" : "; -v lists them");
		ck_text_item_close(&it);
	}
	if (o->verbose) {
		const json_t *nf;
		size_t i;
		/* one line each when not on a terminal: a list of paths to grep */
		json_array_foreach(json_object_get(s, "not_audited_files"), i, nf) {
			struct ck_text_item it;
			FILE *g = ck_text_item_open(&it, f, o, "  not audited: ", 4);
			for (const unsigned char *c = (const unsigned char *)ck_json_text(nf, "path"); *c; c++)
				fputc(*c < 0x20 || *c == 0x7f ? '?' : *c, g);
			fprintf(g, " (%s)", ck_json_text(nf, "reason"));
			ck_text_item_close(&it);
		}
	}
	if (links)
		fprintf(f, "%lld symbolic link%s leading out of the trees not followed (see --follow)\n",
			links, links == 1 ? "" : "s");
	if (jint(s, "urls"))
		fprintf(f, "%lld URL%s checked with %lld request%s (each distinct one once)\n",
			jint(s, "urls"), jint(s, "urls") == 1 ? "" : "s", jint(s, "url_requests"),
			jint(s, "url_requests") == 1 ? "" : "s");
	return ferror(f) ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* JUnit XML */

/* Directory part of a path ("." when it has none). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static size_t count_level(const json_t *doc, const char *level)
{
	const json_t *fi;
	size_t i, n = 0;
	json_array_foreach(json_object_get(doc, "findings"), i, fi)
		n += !strcmp(ck_json_text(fi, "severity"), level);
	return n;
}

/* "code [n] subject: message" for the failure text and system-out. */
static void finding_line(struct ck_junit *j, const json_t *fi, bool with_severity)
{
	char head[256];
	const json_t *cert = json_object_get(fi, "certificate");
	if (json_is_integer(cert))
		snprintf(head, sizeof head, "%s%s%s [%lld]: ", with_severity ? ck_json_text(fi, "severity") : "",
			 with_severity ? " " : "", ck_json_text(fi, "code"), (long long)json_integer_value(cert));
	else
		snprintf(head, sizeof head, "%s%s%s: ", with_severity ? ck_json_text(fi, "severity") : "",
			 with_severity ? " " : "", ck_json_text(fi, "code"));
	ck_junit_text(j, head);
	ck_junit_text(j, ck_json_text(fi, "message"));
	if (json_is_string(json_object_get(fi, "hint"))) {
		ck_junit_text(j, "\n→ ");
		ck_junit_text(j, ck_json_text(fi, "hint"));
	}
	ck_junit_text(j, "\n");
}

static void junit_case(struct ck_junit *j, const json_t *doc, const char *dir)
{
	const char *path = ck_json_text(doc, "path");
	const char *slash = strrchr(path, '/');
	const json_t *fi;
	size_t i;
	bool any_out = false;

	ck_junit_start(j, "testcase");
	ck_junit_attr(j, "name", slash ? slash + 1 : path);
	ck_junit_attr(j, "classname", dir);
	ck_junit_attr(j, "file", path);
	json_array_foreach(json_object_get(doc, "findings"), i, fi) {
		if (strcmp(ck_json_text(fi, "severity"), "error"))
			continue;
		ck_junit_start(j, "failure");
		ck_junit_attr(j, "type", ck_json_text(fi, "code"));
		ck_junit_attr(j, "message", ck_json_text(fi, "message"));
		finding_line(j, fi, false);
		ck_junit_end(j);
	}
	json_array_foreach(json_object_get(doc, "findings"), i, fi) {
		if (!strcmp(ck_json_text(fi, "severity"), "error"))
			continue;
		if (!any_out)
			ck_junit_start(j, "system-out");
		any_out = true;
		finding_line(j, fi, true);
	}
	if (any_out)
		ck_junit_end(j);
	ck_junit_end(j);
}

/* Documents sorted by (directory, path), as indices. */
struct junit_order {
	char *dir;
	size_t index;
};

static int cmp_order(const void *x, const void *y)
{
	const struct junit_order *a = x, *b = y;
	int c = strcmp(a->dir, b->dir);
	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* certaudit's JUnit view: a suite per directory (in name order), a case
 * per file. */
static int junit_view(struct ck_junit *j, json_t *const *docs, size_t ndocs)
{
	struct junit_order *ord = calloc(ndocs ? ndocs : 1, sizeof *ord);
	size_t failures = 0;
	int rc = ord ? 0 : -1;

	for (size_t i = 0; i < ndocs && !rc; i++) {
		ord[i].index = i;
		ord[i].dir = dir_of(ck_json_text(docs[i], "path"));
		if (!ord[i].dir)
			rc = -1;
		failures += count_level(docs[i], "error") > 0;
	}
	if (rc)
		goto out;
	qsort(ord, ndocs, sizeof *ord, cmp_order);
	ck_junit_start(j, "testsuites");
	ck_junit_attr(j, "name", "certaudit");
	ck_junit_count(j, "tests", (long long)ndocs);
	ck_junit_count(j, "failures", (long long)failures);
	ck_junit_count(j, "errors", 0);
	for (size_t i = 0; i < ndocs;) {
		size_t end = i, fails = 0;
		while (end < ndocs && !strcmp(ord[end].dir, ord[i].dir)) {
			fails += count_level(docs[ord[end].index], "error") > 0;
			end++;
		}
		ck_junit_start(j, "testsuite");
		ck_junit_attr(j, "name", ord[i].dir);
		ck_junit_count(j, "tests", (long long)(end - i));
		ck_junit_count(j, "failures", (long long)fails);
		ck_junit_count(j, "errors", 0);
		ck_junit_count(j, "skipped", 0);
		for (; i < end; i++)
			junit_case(j, docs[ord[i].index], ord[i].dir);
		ck_junit_end(j);
	}
	ck_junit_end(j);
out:
	for (size_t i = 0; ord && i < ndocs; i++)
		free(ord[i].dir);
	free(ord);
	return rc;
}

int ck_report_audit_junit(FILE *out, json_t *const *docs, size_t ndocs)
{
	return ck_junit_write(out, docs, ndocs, junit_view);
}

/* ---------------------------------------------------------------- */
/* SARIF 2.1.0 (OASIS): sarifLog → runs[1] → tool.driver.rules, results */

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

static const char *sarif_level(const char *severity)
{
	if (!strcmp(severity, "error"))
		return "error";
	if (!strcmp(severity, "warning"))
		return "warning";
	if (!strcmp(severity, "info"))
		return "note";
	return "none";
}

/* A URI reference for a path (SARIF 3.4.3): relative paths stay
 * relative (to the directory certaudit ran in), absolute ones become
 * file:// URIs; everything but unreserved characters and '/' is
 * percent-encoded (libxml2's escaper). */
static json_t *artifact_uri(const char *path)
{
	xmlChar *esc = xmlURIEscapeStr(BAD_CAST path, BAD_CAST "/");
	json_t *j;
	char *s;

	if (!esc)
		return NULL;
	if (path[0] != '/') {
		j = json_string((const char *)esc);
		xmlFree(esc);
		return j;
	}
	s = malloc(strlen((const char *)esc) + 8);
	if (s) {
		strcpy(s, "file://");
		strcat(s, (const char *)esc);
	}
	xmlFree(esc);
	j = s ? json_string(s) : NULL;
	free(s);
	return j;
}

/* PascalCase name of a kebab-case code ("missing-issuer" → "MissingIssuer"). */
static json_t *rule_name(const char *code)
{
	char buf[128];
	size_t n = 0;
	bool up = true;
	for (const char *c = code; *c && n + 1 < sizeof buf; c++) {
		if (*c == '-') {
			up = true;
			continue;
		}
		buf[n++] = up && *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;
		up = false;
	}
	buf[n] = '\0';
	return json_string(buf);
}

static json_t *sarif_rules(const struct ck_policy *p)
{
	json_t *rules = json_array();
	for (size_t i = 0; rules && i < p->nrules; i++) {
		const struct ck_policy_rule *r = &p->rules[i];
		json_t *rule = json_object(), *sd = json_object(), *cfg = json_object(), *help = json_object();
		json_object_set_new(rule, "id", json_string(r->code));
		json_object_set_new(rule, "name", rule_name(r->code));
		json_object_set_new(sd, "text", json_string(r->summary));
		json_object_set_new(rule, "shortDescription", sd);
		json_object_set_new(help, "text",
				    json_string("See the FINDINGS section of certaudit(1) and chainview(1)."));
		json_object_set_new(rule, "help", help);
		json_object_set_new(cfg, "enabled", json_boolean(r->level != CK_LEVEL_OFF));
		json_object_set_new(cfg, "level", json_string(sarif_level(ck_level_name(r->level))));
		json_object_set_new(rule, "defaultConfiguration", cfg);
		json_array_append_new(rules, rule);
	}
	return rules;
}

static long rule_index(const struct ck_policy *p, const char *code)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].code, code))
			return (long)i;
	return -1;
}

static json_t *sarif_result(const struct ck_policy *p, const char *path, const json_t *fi)
{
	json_t *res = json_object(), *msg = json_object(), *locs = json_array();
	json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *region = json_object();
	json_t *props = json_object();
	long ri = rule_index(p, ck_json_text(fi, "code"));

	json_object_set_new(res, "ruleId", json_string(ck_json_text(fi, "code")));
	if (ri >= 0)
		json_object_set_new(res, "ruleIndex", json_integer(ri));
	json_object_set_new(res, "level", json_string(sarif_level(ck_json_text(fi, "severity"))));
	json_object_set_new(msg, "text", ck_json_str(ck_json_text(fi, "message")));
	json_object_set_new(res, "message", msg);
	json_object_set_new(art, "uri", artifact_uri(path));
	json_object_set_new(phys, "artifactLocation", art);
	/* findings are about the whole file; code scanning needs a line */
	json_object_set_new(region, "startLine", json_integer(1));
	json_object_set_new(phys, "region", region);
	json_object_set_new(loc, "physicalLocation", phys);
	json_array_append_new(locs, loc);
	json_object_set_new(res, "locations", locs);
	if (json_is_integer(json_object_get(fi, "certificate")))
		json_object_set(props, "certificate", json_object_get(fi, "certificate"));
	if (json_is_string(json_object_get(fi, "subject")))
		json_object_set(props, "subject", json_object_get(fi, "subject"));
	if (json_is_string(json_object_get(fi, "hint")))
		json_object_set(props, "hint", json_object_get(fi, "hint"));
	if (json_object_size(props))
		json_object_set_new(res, "properties", props);
	else
		json_decref(props);
	return res;
}

int ck_report_audit_sarif(FILE *out, json_t *const *docs, size_t ndocs,
			  const struct ck_policy *p, const char *version)
{
	json_t *log = json_object(), *runs = json_array(), *run = json_object();
	json_t *tool = json_object(), *driver = json_object(), *results = json_array();
	json_t *inv = json_array(), *inv0 = json_object();
	int rc;

	json_object_set_new(log, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(log, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("certaudit"));
	json_object_set_new(driver, "fullName", json_string("chainkit certaudit"));
	json_object_set_new(driver, "version", json_string(version));
	json_object_set_new(driver, "semanticVersion", json_string(version));
	json_object_set_new(driver, "rules", sarif_rules(p));
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	json_object_set_new(inv0, "executionSuccessful", json_true());
	json_array_append_new(inv, inv0);
	json_object_set_new(run, "invocations", inv);
	for (size_t i = 0; i < ndocs; i++) {
		const json_t *fi;
		size_t k;
		json_array_foreach(json_object_get(docs[i], "findings"), k, fi)
			json_array_append_new(results, sarif_result(p, ck_json_text(docs[i], "path"), fi));
	}
	json_object_set_new(run, "results", results);
	json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
	json_array_append_new(runs, run);
	json_object_set_new(log, "runs", runs);
	rc = json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(log);
	if (rc == 0 && fputc('\n', out) == EOF)
		rc = -1;
	if (rc == 0 && (fflush(out) != 0 || ferror(out)))
		rc = -1;
	return rc == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- */
/* the view */

static int sarif(FILE *out, json_t *const *docs, size_t ndocs, const struct ck_emit_extra *x)
{
	return ck_report_audit_sarif(out, docs, ndocs, x->policy, PACKAGE_VERSION);
}

static int nagios_add(struct ck_nagios *n, const json_t *doc, const struct ck_emit_extra *x)
{
	(void)x;
	return ck_nagios_add_audit(n, doc);
}

static int nagios_end(FILE *out, struct ck_nagios *n, const json_t *end, const struct ck_emit_extra *x,
		      enum ck_nagios_state *state)
{
	return ck_report_nagios_certaudit(out, n, end, x->policy, x->incomplete, state);
}

const struct ck_emit_view ck_view_certaudit = {
	.root = "certaudit",
	.element = "file",
	.text = ck_report_text_certaudit,
	.text_end = ck_report_text_certaudit_totals,
	.text_packed = true,
	.junit = junit_view,
	.sarif = sarif,
	.unkept = "report",
	.nagios_tag = "CERTAUDIT",
	.nagios_add = nagios_add,
	.nagios_end = nagios_end,
	.metrics = true,
};
