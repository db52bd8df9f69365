/* report — Nagios/Icinga plugin output (certaudit and aiacheck
 * --format nagios), as the Nagios plugin API and the Monitoring Plugins
 * guidelines want it:
 *
 *   TOOL STATE - one line of summary | 'label'=value[UOM];warn;crit;min;max ...
 *   one line per problem (the long text)
 *
 * The state is OK, WARNING, CRITICAL or UNKNOWN, and the tool exits with
 * its number.  The documents are gathered as the tool makes them (only
 * what the line needs is kept: the earliest expiry, the counts, the
 * problem lines and the URL timings), then one call writes it all.
 * Nothing of a document reaches the output raw: '|' would start
 * performance data and a control character would end the line, so both
 * are written as '?'; a label cannot hold '=' or a control character,
 * so those are percent-encoded, and a quote is doubled. */
#include "config.h"

#include "policy.h"
#include "findings.h"
#include "report.h"

#include <float.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nagios Core keeps this much of a plugin's output (its
 * MAX_PLUGIN_OUTPUT_LENGTH), and room under it for the line that says
 * how many lines of long text were left out */
#define CK_NAGIOS_OUTPUT_MAX 8192
#define CK_NAGIOS_MORE_LINE 64

struct perf {
	char *label;
	double seconds;
};

struct ck_nagios {
	char *tag;
	bool nomem;
	/* certaudit: the earliest expiry of a certificate from the files */
	bool expiry;
	long long days_left;
	char *expiry_at, *expiry_subject, *expiry_path;
	/* aiacheck */
	size_t inputs, unreadable, urls, failed, warnings, problems;
	struct perf *perf;
	size_t nperf;
	/* the long text, one problem a line; the inputs not read first */
	char **lines;
	size_t nlines, nunreadable_lines;
};

struct ck_nagios *ck_nagios_new(const char *tag)
{
	struct ck_nagios *n = calloc(1, sizeof *n);
	if (n && !(n->tag = strdup(tag))) {
		free(n);
		n = NULL;
	}
	return n;
}

void ck_nagios_free(struct ck_nagios *n)
{
	if (!n)
		return;
	free(n->tag);
	free(n->expiry_at);
	free(n->expiry_subject);
	free(n->expiry_path);
	for (size_t i = 0; i < n->nperf; i++)
		free(n->perf[i].label);
	free(n->perf);
	for (size_t i = 0; i < n->nlines; i++)
		free(n->lines[i]);
	free(n->lines);
	free(n);
}

const char *ck_nagios_state_name(enum ck_nagios_state s)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	return s <= CK_NAGIOS_UNKNOWN ? names[s] : "UNKNOWN";
}

/* The worse of two states: OK < UNKNOWN < WARNING < CRITICAL (the
 * Monitoring Plugins' max_state_alt): a check that found a problem says
 * so even when another part of it could not be done. */
static enum ck_nagios_state worse(enum ck_nagios_state a, enum ck_nagios_state b)
{
	static const int rank[] = { 0, 2, 3, 1 };
	return rank[b] > rank[a] ? b : a;
}

/* ---------------------------------------------------------------- */
/* writing */

/* Text of a document on the plugin's lines (NULL: a copy that could
 * not be made, which finish() reports). */
static void put_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		fputc(*p < 0x20 || *p == 0x7f || *p == '|' ? '?' : *p, f);
}

/* A perfdata label: quoted; '' for a quote; '=', '%' (so that the
 * encoding reads back) and control characters percent-encoded. */
static void put_label(FILE *f, const char *s)
{
	fputc('\'', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'')
			fputs("''", f);
		else if (*p == '=' || *p == '%' || *p == '|' || *p < 0x20 || *p == 0x7f)
			fprintf(f, "%%%02X", *p);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

/* " 'label'=count;warn;crit;0" (the minimum) */
static void put_count(FILE *f, const char *label, long long v, const char *warn, const char *crit)
{
	fputc(' ', f);
	put_label(f, label);
	fprintf(f, "=%lld;%s;%s;0", v, warn, crit);
}

/* A line of long text; formatted with '|' and control characters as in
 * put_text (the arguments come from documents). */
__attribute__((format(printf, 2, 3))) static void add_line(struct ck_nagios *n, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL, **v;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0 || !(v = realloc(n->lines, (n->nlines + 1) * sizeof *v))) {
		if (r >= 0)
			free(s);
		n->nomem = true;
		return;
	}
	v[n->nlines++] = s;
	n->lines = v;
}

/* The status line is written to a memory stream first, so that the
 * long text knows what is left of the 8 KB (an aiacheck status line
 * carries a perfdata item per URL). */
struct status_buf {
	FILE *out; /* the real output */
	char *buf;
	size_t len;
};

static FILE *status_open(struct status_buf *b, FILE *out)
{
	b->out = out;
	b->buf = NULL;
	b->len = 0;
	return open_memstream(&b->buf, &b->len);
}

/* Copy the status line out; its length, or SIZE_MAX on a failure. */
static size_t status_close(struct status_buf *b, FILE *mem)
{
	size_t len = SIZE_MAX;
	if (fclose(mem) == 0 && fwrite(b->buf, 1, b->len, b->out) == b->len)
		len = b->len;
	free(b->buf);
	return len;
}

/* The long text stops with a line that says how many lines were left
 * out where the whole output (`used` bytes so far) would pass Nagios
 * Core's 8 KB, which it cuts wherever they fall; the status line before
 * it holds the counts. */
static void put_lines(FILE *f, const struct ck_nagios *n, size_t used)
{
	for (size_t i = 0; i < n->nlines; i++) {
		size_t len = strlen(n->lines[i]) + 1;
		if (used + len + CK_NAGIOS_MORE_LINE > CK_NAGIOS_OUTPUT_MAX) {
			fprintf(f, "... %zu more line%s not shown (8 KB of plugin output)\n",
				n->nlines - i, n->nlines - i == 1 ? "" : "s");
			return;
		}
		used += len;
		put_text(f, n->lines[i]);
		fputc('\n', f);
	}
}

static int finish(FILE *f, const struct ck_nagios *n)
{
	if (n->nomem)
		return -1;
	return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

static char *dup_or_flag(struct ck_nagios *n, const char *s)
{
	char *d = strdup(s);
	if (!d)
		n->nomem = true;
	return d;
}

/* ---------------------------------------------------------------- */
/* certaudit */

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

int ck_nagios_add_audit(struct ck_nagios *n, const json_t *doc)
{
	const char *path = ck_json_text(doc, "path"), *verdict = ck_json_text(doc, "verdict");
	const json_t *report = json_object_get(doc, "report"), *c, *fi;
	size_t i;

	/* the certificates the file holds, not those of the trust stores */
	json_array_foreach(json_object_get(report, "certificates"), i, c) {
		long long days = jint(c, "days_left");
		if (!json_is_null(json_object_get(c, "origin")) || !json_is_integer(json_object_get(c, "days_left")))
			continue;
		if (n->expiry && days >= n->days_left)
			continue;
		free(n->expiry_at);
		free(n->expiry_subject);
		free(n->expiry_path);
		n->expiry = true;
		n->days_left = days;
		n->expiry_at = dup_or_flag(n, ck_json_text(c, "not_after"));
		n->expiry_subject = dup_or_flag(n, ck_json_text(c, "subject"));
		n->expiry_path = dup_or_flag(n, path);
	}
	if (strcmp(verdict, "ok")) {
		const char *head = !strcmp(verdict, "fail") ? "FAIL" : "WARN";
		json_array_foreach(json_object_get(doc, "findings"), i, fi) {
			const char *sev = ck_json_text(fi, "severity");
			const json_t *cert = json_object_get(fi, "certificate");
			char num[32] = "";
			if (strcmp(sev, "error") && strcmp(sev, "warning"))
				continue;
			if (json_is_integer(cert))
				snprintf(num, sizeof num, " [%lld]", (long long)json_integer_value(cert));
			add_line(n, "%s %s: %s %s%s: %s", head, path, sev, ck_json_text(fi, "code"), num,
				 ck_json_text(fi, "message"));
		}
	}
	return n->nomem ? -1 : 0;
}

/* The thresholds of days_left from the policy: a certificate within
 * warn-days raises expires-soon, an expired one expired; each at the
 * level the policy gives it.  "N:" is the plugin range "alert below N". */
static void expiry_thresholds(const struct ck_policy *p, char *warn, char *crit, size_t size)
{
	const char *const codes[] = { ck_finding_name(CK_F_EXPIRED), ck_finding_name(CK_F_EXPIRES_SOON) };
	unsigned days[] = { 0, p->warn_days };

	warn[0] = crit[0] = '\0';
	/* expires-soon second: its threshold is the larger one */
	for (size_t i = 0; i < 2; i++) {
		enum ck_level l = ck_policy_level(p, codes[i]);
		if (l == CK_LEVEL_ERROR)
			snprintf(crit, size, "%u:", days[i]);
		else if (l == CK_LEVEL_WARNING)
			snprintf(warn, size, "%u:", days[i]);
	}
}

int ck_report_nagios_certaudit(FILE *f, struct ck_nagios *n, const json_t *totals,
			       const struct ck_policy *p, bool incomplete, enum ck_nagios_state *state)
{
	const json_t *s = json_object_get(totals, "totals");
	long long files = jint(s, "files"), fail = jint(s, "fail"), warn = jint(s, "warn");
	long long skipped = jint(s, "not_audited");
	enum ck_nagios_state st;
	char w[32], c[32];

	struct status_buf sb;
	size_t used;

	st = fail ? CK_NAGIOS_CRITICAL : warn ? CK_NAGIOS_WARNING : files ? CK_NAGIOS_OK : CK_NAGIOS_UNKNOWN;
	if (incomplete)
		st = worse(st, CK_NAGIOS_UNKNOWN);
	if (!(f = status_open(&sb, f)))
		return -1;
	fprintf(f, "%s %s - ", n->tag, ck_nagios_state_name(st));
	if (!files) {
		fprintf(f, "no certificate bundle found");
		if (skipped)
			fprintf(f, " (%lld other file%s not audited)", skipped, skipped == 1 ? "" : "s");
	} else {
		fprintf(f, "%lld file%s: %lld FAIL, %lld WARN, %lld OK (%lld error%s, %lld warning%s)", files,
			files == 1 ? "" : "s", fail, warn, jint(s, "ok"), jint(s, "errors"),
			jint(s, "errors") == 1 ? "" : "s", jint(s, "warnings"), jint(s, "warnings") == 1 ? "" : "s");
	}
	if (incomplete)
		fprintf(f, "; the audit did not complete");
	if (n->expiry) {
		fprintf(f, "; earliest expiry: ");
		put_text(f, n->expiry_subject);
		fprintf(f, " in ");
		put_text(f, n->expiry_path);
		fprintf(f, n->days_left < 0 ? " expired on " : " expires on ");
		put_text(f, n->expiry_at);
		if (n->days_left >= 0)
			fprintf(f, " (in %lld day%s)", n->days_left, n->days_left == 1 ? "" : "s");
	}
	fprintf(f, " |");
	if (n->expiry) {
		expiry_thresholds(p, w, c, sizeof w);
		fputc(' ', f);
		put_label(f, "days_left");
		fprintf(f, "=%lld;%s;%s", n->days_left, w, c);
	}
	put_count(f, "files", files, "", "");
	put_count(f, "ok", jint(s, "ok"), "", "");
	/* one file that warns makes the check WARNING, one that fails CRITICAL */
	put_count(f, "warn", warn, "0", "");
	put_count(f, "fail", fail, "", "0");
	put_count(f, "errors", jint(s, "errors"), "", "");
	put_count(f, "warnings", jint(s, "warnings"), "", "");
	put_count(f, "not_audited", skipped, "", "");
	if (jint(s, "urls")) {
		put_count(f, "urls", jint(s, "urls"), "", "");
		put_count(f, "url_requests", jint(s, "url_requests"), "", "");
	}
	fputc('\n', f);
	if ((used = status_close(&sb, f)) == SIZE_MAX)
		return -1;
	put_lines(sb.out, n, used);
	*state = st;
	return finish(sb.out, n);
}

/* ---------------------------------------------------------------- */
/* aiacheck */

/* Keep the time of a URL for the perfdata, once per URL (and method:
 * --ocsp-get tests an OCSP URL twice). */
static void add_perf(struct ck_nagios *n, const json_t *u)
{
	const json_t *total = json_object_get(json_object_get(u, "timings"), "total");
	const char *method = ck_json_text(u, "method");
	char *label = NULL;
	struct perf *v;

	if (!json_is_number(total))
		return;
	if (!strcmp(ck_json_text(u, "kind"), "ocsp") && !strcmp(method, "GET")) {
		if (asprintf(&label, "%s (GET)", ck_json_text(u, "url")) < 0)
			label = NULL;
	} else {
		label = strdup(ck_json_text(u, "url"));
	}
	if (!label) {
		n->nomem = true;
		return;
	}
	for (size_t i = 0; i < n->nperf; i++)
		if (!strcmp(n->perf[i].label, label)) {
			free(label);
			return;
		}
	v = realloc(n->perf, (n->nperf + 1) * sizeof *v);
	if (!v) {
		free(label);
		n->nomem = true;
		return;
	}
	v[n->nperf].label = label;
	v[n->nperf++].seconds = json_number_value(total) / 1000.0;
	n->perf = v;
}

int ck_nagios_add_aiacheck(struct ck_nagios *n, const json_t *doc, bool problem)
{
	const json_t *in = json_object_get(doc, "input"), *sum = json_object_get(doc, "summary");
	const char *name = json_is_object(in) ? ck_json_text(in, "name") : "--url";
	const json_t *u, *rt;
	size_t i;

	n->inputs++;
	n->urls += (size_t)jint(sum, "urls");
	n->failed += (size_t)jint(sum, "failed");
	n->warnings += (size_t)jint(sum, "warnings");
	n->problems += problem;
	json_array_foreach(json_object_get(doc, "urls"), i, u) {
		const json_t *res = json_object_get(u, "result");
		add_perf(n, u);
		if (json_is_string(res) && strcmp(json_string_value(res), "ok"))
			add_line(n, "FAILED %s: %s %s: %s: %s", name, ck_json_text(u, "kind"),
				 ck_json_text(u, "url"), json_string_value(res), ck_json_text(u, "note"));
		else if (json_is_true(json_object_get(u, "warning")))
			add_line(n, "WARNING %s: %s %s: %s", name, ck_json_text(u, "kind"),
				 ck_json_text(u, "url"), ck_json_text(u, "note"));
	}
	json_array_foreach(json_object_get(doc, "runtimes"), i, rt)
		if (json_is_true(json_object_get(rt, "problem")))
			add_line(n, "PROBLEM %s: %s: %s", name, ck_json_text(rt, "name"),
				 ck_json_text(rt, "summary"));
	return n->nomem ? -1 : 0;
}

/* Added last, moved up to follow the lines of the inputs not read
 * before it: the long text lists the inputs not read first, however
 * the tool orders its documents. */
int ck_nagios_add_error(struct ck_nagios *n, const char *file, const char *what)
{
	size_t before = n->nlines;

	n->inputs++;
	n->unreadable++;
	add_line(n, "UNREADABLE %s: %s", file, what);
	if (n->nlines > before) {
		char *line = n->lines[before];
		memmove(n->lines + n->nunreadable_lines + 1, n->lines + n->nunreadable_lines,
			(before - n->nunreadable_lines) * sizeof *n->lines);
		n->lines[n->nunreadable_lines++] = line;
	}
	return n->nomem ? -1 : 0;
}

/* seconds as perfdata: no exponent, no trailing zeros; the buffer holds
 * any double so (a time of 1e308 ms has 305 or 306 digits before the point) */
static void put_seconds(FILE *f, double s)
{
	char buf[DBL_MAX_10_EXP + 16];
	int r = snprintf(buf, sizeof buf, "%.6f", s < 0 ? 0 : s);
	size_t len = r < 0 ? 0 : (size_t)r < sizeof buf ? (size_t)r : sizeof buf - 1;

	buf[len] = '\0';
	while (len > 1 && buf[len - 1] == '0' && buf[len - 2] != '.')
		buf[--len] = '\0';
	fputs(buf, f);
}

int ck_report_nagios_aiacheck(FILE *f, struct ck_nagios *n, bool incomplete,
			      enum ck_nagios_state *state)
{
	enum ck_nagios_state st = CK_NAGIOS_OK;
	const struct perf *slowest = NULL;
	size_t read = n->inputs - n->unreadable;
	struct status_buf sb;
	size_t used;

	if (n->problems)
		st = CK_NAGIOS_CRITICAL;
	else if (n->failed || n->warnings)
		st = CK_NAGIOS_WARNING;
	if (n->unreadable || incomplete)
		st = worse(st, CK_NAGIOS_UNKNOWN);
	for (size_t i = 0; i < n->nperf; i++)
		if (!slowest || n->perf[i].seconds > slowest->seconds)
			slowest = &n->perf[i];
	if (!(f = status_open(&sb, f)))
		return -1;
	fprintf(f, "%s %s - %zu URL%s", n->tag, ck_nagios_state_name(st), n->urls, n->urls == 1 ? "" : "s");
	if (n->failed)
		fprintf(f, ", %zu failed", n->failed);
	if (n->warnings)
		fprintf(f, ", %zu with a warning", n->warnings);
	if (!n->failed && !n->warnings && n->urls)
		fprintf(f, " ok");
	fprintf(f, " for %zu input%s", read, read == 1 ? "" : "s");
	if (n->problems)
		fprintf(f, "; %zu where a URL a client needs fails", n->problems);
	if (n->unreadable)
		fprintf(f, "; %zu input%s not read", n->unreadable, n->unreadable == 1 ? "" : "s");
	if (incomplete)
		fprintf(f, "; the check did not complete");
	if (slowest) {
		fprintf(f, "; slowest ");
		put_text(f, slowest->label);
		fprintf(f, " ");
		put_seconds(f, slowest->seconds);
		fprintf(f, "s");
	}
	fprintf(f, " |");
	put_count(f, "urls", (long long)n->urls, "", "");
	put_count(f, "urls_failed", (long long)n->failed, "", "");
	put_count(f, "urls_warning", (long long)n->warnings, "", "");
	for (size_t i = 0; i < n->nperf; i++) {
		fputc(' ', f);
		put_label(f, n->perf[i].label);
		fputc('=', f);
		put_seconds(f, n->perf[i].seconds);
		fprintf(f, "s;;;0");
	}
	fputc('\n', f);
	if ((used = status_close(&sb, f)) == SIZE_MAX)
		return -1;
	put_lines(sb.out, n, used);
	*state = st;
	return finish(sb.out, n);
}
