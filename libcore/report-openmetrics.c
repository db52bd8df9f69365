/* report-openmetrics — certaudit's documents as an OpenMetrics text
 * exposition, for Prometheus' node_exporter textfile collector and other
 * scrapers of the format.
 *
 * The exposition groups the samples of a metric family together, so the
 * documents are collected first (only the members the metrics use: the
 * memory stays a few hundred bytes per certificate) and written at the
 * end: family by family, file by file.
 * Every family is a gauge (the types both OpenMetrics and the Prometheus
 * text format know, so that the textfile collector reads it), has its
 * # HELP and # TYPE lines, and # UNIT when its name ends with the unit;
 * a family without samples is left out; # EOF ends the exposition.
 * Within a family every sample has the same label names, and a label
 * set is written once (the first one: a certificate given twice in a
 * file is one series), as Prometheus' registry requires. */
#include "config.h"

#include "aia.h"
#include "policy.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

struct ck_metrics {
	/* per file: {"path", "verdict", "summary", "at", "certificates"
	 * (the members used), "chain" ("status", "trusted", "valid"),
	 * "urls": [{"kind", "url", "up", "latency"}]} */
	json_t *files;
};

struct ck_metrics *ck_report_metrics_new(void)
{
	struct ck_metrics *m = calloc(1, sizeof *m);
	if (m && !(m->files = json_array())) {
		free(m);
		m = NULL;
	}
	return m;
}

void ck_report_metrics_free(struct ck_metrics *m)
{
	if (!m)
		return;
	json_decref(m->files);
	free(m);
}

/* Set o[key] to a new reference of v, when v is there. */
static int take(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set(o, key, v) : 0;
}

/* A copy of object `from` with only the members named (those it has),
 * each a new reference: what the metrics read of a certificate or a
 * chain, not the whole record (its extensions, the path trace).  NULL
 * when `from` is not an object or when out of memory. */
static json_t *pick(const json_t *from, const char *const *keys)
{
	json_t *o = json_is_object(from) ? json_object() : NULL;
	for (size_t i = 0; o && keys[i]; i++)
		if (take(o, keys[i], json_object_get(from, keys[i]))) {
			json_decref(o);
			o = NULL;
		}
	return o;
}

/* The members the metrics use of a report's certificates, or NULL (no
 * certificates, or out of memory: *nomem). */
static json_t *pick_certificates(const json_t *certs, bool *nomem)
{
	static const char *const keys[] = {
		"subject", "issuer", "serial", "role", "sha256", "not_before", "not_after", NULL,
	};
	json_t *arr = json_is_array(certs) ? json_array() : NULL, *c;
	const json_t *v;
	size_t i;

	if (json_is_array(certs) && !arr)
		*nomem = true;
	json_array_foreach(certs, i, v) {
		if (!arr)
			break;
		if (!(c = pick(v, keys)) || json_array_append_new(arr, c) < 0) {
			json_decref(arr);
			arr = NULL;
			*nomem = true;
		}
	}
	return arr;
}

/* The URLs of a checked set that were requested: up when the request
 * was answered with success (the transport's class, whatever the
 * content), the latency in seconds (every hop's total; null when not
 * measured). */
static json_t *url_samples(const struct ck_url_set *s)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < s->nurls; i++) {
		const struct ck_url_entry *e = &s->urls[i];
		double ms = e->net.t.total;
		json_t *o;
		if (!e->checked)
			continue; /* another scheme, malformed: nothing to measure */
		o = json_pack("{s:s, s:o, s:b, s:o}", "kind", ck_url_kind_name(e->kind),
			      "url", ck_json_str(e->url), "up", e->net.result == CK_URL_OK,
			      "latency", ms >= 0 ? json_real(ms / 1000) : json_null());
		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

int ck_report_metrics_add(struct ck_metrics *m, const json_t *doc, const struct ck_url_set *urls)
{
	static const char *const chain_keys[] = { "status", "trusted", "valid", NULL };
	const json_t *report = json_object_get(doc, "report");
	const json_t *chain = json_object_get(report, "chain");
	json_t *f = json_object();
	json_t *u = urls ? url_samples(urls) : NULL;
	json_t *certs = NULL, *ch = NULL;
	bool nomem = false;
	int rc = -1;

	certs = pick_certificates(json_object_get(report, "certificates"), &nomem);
	ch = json_is_object(chain) ? pick(chain, chain_keys) : NULL;
	if (!f || (urls && !u) || nomem || (json_is_object(chain) && !ch))
		goto out;
	if (u) {
		int bad = json_object_set_new(f, "urls", u);
		u = NULL; /* taken, also when that failed */
		if (bad)
			goto out;
	}
	if (take(f, "path", json_object_get(doc, "path")) ||
	    take(f, "verdict", json_object_get(doc, "verdict")) ||
	    take(f, "summary", json_object_get(doc, "summary")) ||
	    take(f, "at", json_object_get(report, "at")) ||
	    take(f, "certificates", certs) || take(f, "chain", ch))
		goto out;
	rc = json_array_append_new(m->files, f) < 0 ? -1 : 0;
	f = NULL; /* taken, also when that failed */
out:
	json_decref(certs);
	json_decref(ch);
	json_decref(u);
	json_decref(f);
	return rc;
}

/* ---------------------------------------------------------------- */
/* writing */

struct writer;

struct family {
	const char *name;
	const char *unit;  /* NULL: none */
	const char *help;
	/* write the samples of one file ("totals": NULL, once) */
	void (*samples)(struct writer *w, const json_t *file);
	bool totals;       /* from the totals, not per file */
};

struct writer {
	FILE *out;
	const struct family *fam;
	const json_t *totals;
	json_t *seen;      /* label sets written in this family */
	bool started;      /* the family's header is written */
	bool failed;       /* out of memory */
};

/* An RFC 3339 UTC time as the documents write it ("...Z"), in seconds
 * since the epoch.  False when it is not one. */
static bool parse_time(const char *s, long long *out)
{
	struct tm tm = { 0 };
	int n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || s[n] != '\0')
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (long long)timegm(&tm);
	return true;
}

/* A label value as the exposition quotes it: backslash, double quote
 * and line feed escaped. */
static void put_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* {name="value",...} from NULL-terminated name, value pairs (a NULL
 * value is ""); malloc'ed, or NULL when out of memory. */
static char *label_set(const char *const *kv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; kv[i]; i += 2) {
		fprintf(f, "%s%s=\"", i ? "," : "{", kv[i]);
		put_value(f, kv[i + 1] ? kv[i + 1] : "");
		fputc('"', f);
	}
	if (kv[0])
		fputc('}', f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* One sample: the family's header before its first one; a label set
 * already written in the family is not written again.  `value` is the
 * number already formatted. */
static void sample(struct writer *w, const char *const *kv, const char *value)
{
	char *labels = label_set(kv);

	if (!labels) {
		w->failed = true;
		return;
	}
	if (json_object_get(w->seen, labels)) {
		free(labels);
		return;
	}
	if (json_object_set_new_nocheck(w->seen, labels, json_true()) < 0)
		w->failed = true;
	if (!w->started) {
		fprintf(w->out, "# HELP %s %s\n# TYPE %s gauge\n", w->fam->name, w->fam->help,
			w->fam->name);
		if (w->fam->unit)
			fprintf(w->out, "# UNIT %s %s\n", w->fam->name, w->fam->unit);
		w->started = true;
	}
	fprintf(w->out, "%s%s %s\n", w->fam->name, labels, value);
	free(labels);
}

static void sample_int(struct writer *w, const char *const *kv, long long v)
{
	char num[32];
	snprintf(num, sizeof num, "%lld", v);
	sample(w, kv, num);
}

static const char *text(const json_t *o, const char *key)
{
	return ck_json_text(o, key);
}

/* certificates: one series per certificate shown in a file's report */
static void cert_samples(struct writer *w, const json_t *file, const char *member, bool remaining)
{
	const json_t *c;
	long long at = 0;
	size_t i;

	if (remaining && !parse_time(text(file, "at"), &at))
		return;
	json_array_foreach(json_object_get(file, "certificates"), i, c) {
		const char *kv[] = {
			"file", text(file, "path"), "subject", text(c, "subject"),
			"issuer", text(c, "issuer"), "serial", text(c, "serial"),
			"role", text(c, "role"), "sha256", text(c, "sha256"), NULL,
		};
		long long t;
		if (parse_time(text(c, member), &t))
			sample_int(w, kv, remaining ? t - at : t);
	}
}

static void not_after(struct writer *w, const json_t *file)
{
	cert_samples(w, file, "not_after", false);
}

static void not_before(struct writer *w, const json_t *file)
{
	cert_samples(w, file, "not_before", false);
}

static void remaining(struct writer *w, const json_t *file)
{
	cert_samples(w, file, "not_after", true);
}

/* the file's best chain (none for a file that could not be read) */
static void chain_flag(struct writer *w, const json_t *file, const char *what)
{
	const json_t *ch = json_object_get(file, "chain");
	const char *kv[] = { "file", text(file, "path"), NULL };
	bool v;

	if (!json_is_object(ch))
		return;
	v = !strcmp(what, "complete") ? !strcmp(text(ch, "status"), "complete") :
					json_is_true(json_object_get(ch, what));
	sample_int(w, kv, v);
}

static void chain_complete(struct writer *w, const json_t *file)
{
	chain_flag(w, file, "complete");
}

static void chain_valid(struct writer *w, const json_t *file)
{
	chain_flag(w, file, "valid");
}

static void chain_trusted(struct writer *w, const json_t *file)
{
	chain_flag(w, file, "trusted");
}

/* 1 for the file's verdict, 0 for the others (a state set, as gauges) */
static void verdict(struct writer *w, const json_t *file)
{
	static const char *const verdicts[] = { "ok", "warn", "fail" };
	for (size_t i = 0; i < sizeof verdicts / sizeof *verdicts; i++) {
		const char *kv[] = { "file", text(file, "path"), "verdict", verdicts[i], NULL };
		sample_int(w, kv, !strcmp(text(file, "verdict"), verdicts[i]));
	}
}

static void findings(struct writer *w, const json_t *file)
{
	/* severity label, member of "summary" */
	static const char *const sev[][2] = {
		{ "error", "errors" }, { "warning", "warnings" }, { "info", "info" },
	};
	const json_t *s = json_object_get(file, "summary");
	for (size_t i = 0; i < sizeof sev / sizeof *sev; i++) {
		const char *kv[] = { "file", text(file, "path"), "severity", sev[i][0], NULL };
		sample_int(w, kv, json_integer_value(json_object_get(s, sev[i][1])));
	}
}

static void url_samples_of(struct writer *w, const json_t *file, bool latency)
{
	const json_t *u;
	size_t i;

	json_array_foreach(json_object_get(file, "urls"), i, u) {
		const char *kv[] = { "file", text(file, "path"), "kind", text(u, "kind"),
				     "url", text(u, "url"), NULL };
		const json_t *l = json_object_get(u, "latency");
		char num[64];
		if (!latency) {
			sample_int(w, kv, json_is_true(json_object_get(u, "up")));
		} else if (json_is_number(l)) {
			snprintf(num, sizeof num, "%.6f", json_number_value(l));
			sample(w, kv, num);
		}
	}
}

static void url_up(struct writer *w, const json_t *file)
{
	url_samples_of(w, file, false);
}

static void url_latency(struct writer *w, const json_t *file)
{
	url_samples_of(w, file, true);
}

static void total(struct writer *w, const char *member)
{
	const char *kv[] = { NULL };
	const json_t *v = json_object_get(w->totals, member);
	if (json_is_integer(v))
		sample_int(w, kv, json_integer_value(v));
}

static void files_audited(struct writer *w, const json_t *file)
{
	(void)file;
	total(w, "files");
}

static void files_not_audited(struct writer *w, const json_t *file)
{
	(void)file;
	total(w, "not_audited");
}

static void audit_time(struct writer *w, const json_t *file)
{
	const char *kv[] = { NULL };
	long long t;
	(void)file;
	if (parse_time(text(w->totals, "at"), &t))
		sample_int(w, kv, t);
}

static const struct family families[] = {
	{ "chainkit_certificate_not_after_timestamp_seconds", "seconds",
	  "End of the certificate's validity (notAfter), in seconds since the epoch.", not_after, false },
	{ "chainkit_certificate_not_before_timestamp_seconds", "seconds",
	  "Start of the certificate's validity (notBefore), in seconds since the epoch.", not_before, false },
	{ "chainkit_certificate_remaining_seconds", "seconds",
	  "Seconds from the audit's time to notAfter (negative once expired).", remaining, false },
	{ "chainkit_file_chain_complete", NULL,
	  "1 when the file's best chain ends at a self-signed certificate or an anchor.", chain_complete, false },
	{ "chainkit_file_chain_valid", NULL,
	  "1 when the file's best chain is trusted and has no error (dates, signatures...).", chain_valid, false },
	{ "chainkit_file_chain_trusted", NULL,
	  "1 when the file's best chain ends at a trust anchor.", chain_trusted, false },
	{ "chainkit_file_verdict", NULL,
	  "1 for the file's verdict by the policy (ok, warn, fail), 0 for the others.", verdict, false },
	{ "chainkit_file_findings", NULL,
	  "The file's findings, by severity.", findings, false },
	{ "chainkit_url_up", NULL,
	  "1 when the AIA, OCSP or CRL URL answered with success (--network).", url_up, false },
	{ "chainkit_url_latency_seconds", "seconds",
	  "Time the URL's request took, redirects included (--network).", url_latency, false },
	{ "chainkit_files_audited", NULL, "Files audited.", files_audited, true },
	{ "chainkit_files_not_audited", NULL,
	  "Files in the directories walked that were not audited.", files_not_audited, true },
	{ "chainkit_audit_timestamp_seconds", "seconds",
	  "The time the audit checked validity at, in seconds since the epoch.", audit_time, true },
};

int ck_report_metrics_write(FILE *out, const struct ck_metrics *m, const json_t *totals)
{
	struct writer w = { .out = out, .totals = json_object_get(totals, "totals") };

	for (size_t k = 0; k < sizeof families / sizeof *families && !w.failed; k++) {
		const json_t *file;
		size_t i;

		w.fam = &families[k];
		w.started = false;
		if (!(w.seen = json_object())) {
			w.failed = true;
			break;
		}
		if (w.fam->totals)
			w.fam->samples(&w, NULL);
		else
			json_array_foreach(m->files, i, file)
				w.fam->samples(&w, file);
		json_decref(w.seen);
	}
	fputs("# EOF\n", out);
	return w.failed || ferror(out) ? -1 : 0;
}
