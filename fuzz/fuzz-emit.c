/* fuzz-emit — the OpenMetrics and Nagios back-ends of emit.h
 * (emit-openmetrics.c, report-openmetrics.c; emit-nagios.c,
 * report-nagios.c) fed certaudit and aiacheck documents whose values
 * come from the bytes: real documents (fuzz/templates/emit/: what
 * certaudit --json prints for fixtures/audit/tree, its totals, an
 * aiacheck error document; fuzz/templates/aiacheck-*.json) with their
 * strings, numbers and booleans replaced, types kept, times that may or
 * may not parse, and arrays grown by copies of their first element.
 *
 * Input: a flags byte (bit 7: aiacheck, else certaudit; bit 6: the run
 * is incomplete; bit 5: fixtures/audit/policy.conf instead of the
 * default policy; bit 4: certaudit --network, a URL set from the bytes
 * with every document), then the number of documents (a byte: 1 to 4),
 * each a template byte and the values, then certaudit's totals' values,
 * then the URL set.
 *
 * OpenMetrics (certaudit): every line is a # HELP, # TYPE or # UNIT line
 * of the family that follows, or a sample of it: a metric name
 * [a-zA-Z_:][a-zA-Z0-9_:]*, labels whose values escape \\, \" and \n
 * only, a float; one label set once per family, each family once; the
 * exposition is UTF-8 and ends with # EOF.  Nagios (certaudit and
 * aiacheck): the first line is "TAG STATE - text | perfdata", the state
 * the one the back-end returns (0..3) and the documented one for the
 * documents (counts a tool can make); the text holds no '|' and no control character; each
 * perfdata item is 'label'=value[UOM];[warn];[crit];[min];[max]; the
 * long text lines hold no '|' and no control character. */
#include "config.h"

#include "fuzz.h"

#include "libcore/aia.h"
#include "libcore/emit.h"
#include "libcore/policy.h"
#include "libcore/report.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#ifndef CK_SRCDIR
#error "CK_SRCDIR must name the source tree"
#endif

struct tmpl {
	char *name;
	json_t *doc;
};

/* certaudit's file documents, aiacheck's documents, certaudit's totals */
static struct tmpl *audit_t, *aia_t;
static size_t naudit, naia;
static json_t *totals_t;
static struct ck_policy *policies[2];

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct tmpl *)a)->name, ((const struct tmpl *)b)->name);
}

static void add_tmpl(struct tmpl **v, size_t *n, const char *name, json_t *doc)
{
	struct tmpl *nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv || !(nv[*n].name = strdup(name)))
		abort();
	nv[*n].doc = doc;
	*v = nv;
	(*n)++;
}

/* The templates of `dir` whose name starts with `prefix`. */
static void load_dir(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		fz_fail("%s: cannot open", dir);
	while ((de = readdir(d))) {
		char path[4096];
		json_error_t jerr;
		json_t *doc;
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") ||
		    strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (!(doc = json_load_file(path, 0, &jerr)))
			fz_fail("%s: %s", path, jerr.text);
		if (json_object_get(doc, "totals"))
			totals_t = doc;
		else if (!strncmp(de->d_name, "certaudit", 9))
			add_tmpl(&audit_t, &naudit, de->d_name, doc);
		else
			add_tmpl(&aia_t, &naia, de->d_name, doc);
	}
	closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ck_error err;

	(void)argc;
	(void)argv;
	load_dir(CK_SRCDIR "/fuzz/templates/emit", "");
	load_dir(CK_SRCDIR "/fuzz/templates", "aiacheck");
	if (!naudit || !naia || !totals_t)
		fz_fail("fuzz/templates: certaudit, totals or aiacheck templates missing");
	/* the template byte must mean the same document whatever readdir's order */
	qsort(audit_t, naudit, sizeof *audit_t, by_name);
	qsort(aia_t, naia, sizeof *aia_t, by_name);
	ck_error_clear(&err);
	if (ck_policy_new(&policies[0], &err) || ck_policy_new(&policies[1], &err) ||
	    ck_policy_load_file(policies[1], CK_FIXTURES "/audit/policy.conf", &err))
		fz_fail("the policies: %s", err.what);
	return 0;
}

/* ---------------------------------------------------------------- */
/* values from the bytes */

static size_t long_left; /* bytes of long strings left for this input */

/* A string: short ones as they are (control characters, invalid UTF-8:
 * ck_json_str makes them a JSON string as libcore does); op 0xe0-0xef a
 * time as the documents write them, its fields from the bytes (out of
 * range, negative, too wide: a time the writers may not parse); op
 * 0xf0-0xff, one repeated into 64 bytes to 1 KiB (4 KiB per input). */
static json_t *fuzz_string(struct fz *f)
{
	uint8_t op = fz_u8(f);
	size_t n = op >= 0xf0 ? (size_t)(op - 0xef) * 64 : 0;
	char *s;
	json_t *j;

	if (op >= 0xe0 && op < 0xf0) {
		int v[6];
		for (int i = 0; i < 6; i++)
			v[i] = op & 1 ? (int)(int8_t)fz_u8(f) : (int)fz_u32(f) % 100000;
		if (asprintf(&s, "%04d-%02d-%02dT%02d:%02d:%02d%s", v[0] + (op & 2 ? 0 : 2000), v[1],
			     v[2], v[3], v[4], v[5], op & 4 ? "Z" : "Z ") < 0)
			abort();
	} else if (n && n <= long_left) {
		char *raw = fz_str(f, 16);
		size_t rl = strlen(raw);

		long_left -= n;
		if (!(s = malloc(n + 1)))
			abort();
		for (size_t i = 0; i < n; i++)
			s[i] = rl ? raw[i % rl] : 'x';
		s[n] = '\0';
		free(raw);
	} else {
		s = fz_str(f, op);
	}
	j = ck_json_str(s);
	free(s);
	if (!j)
		fz_fail("ck_json_str returned NULL");
	return j;
}

static json_int_t fuzz_int(struct fz *f)
{
	static const json_int_t special[] = { 0, -1, 1, INT64_MAX, INT64_MIN, INT32_MAX,
					      (json_int_t)INT32_MAX + 1, -86400, 253402300799, 2 };
	uint8_t op = fz_u8(f);
	if (op < sizeof special / sizeof special[0])
		return special[op];
	return (json_int_t)((uint64_t)fz_u32(f) << 32 | fz_u32(f));
}

static double fuzz_real(struct fz *f)
{
	static const double special[] = { 0.0, -0.0, 1e308, -1e308, 4.9e-324, 0.1, 123456789012.5,
					  1e20, -1.5, 9.9999995e-7 };
	uint8_t op = fz_u8(f);
	if (op < sizeof special / sizeof special[0])
		return special[op];
	return (double)(int32_t)fz_u32(f) / (double)(fz_u8(f) + 1);
}

static json_t *fuzz_like(const json_t *m, struct fz *f)
{
	if (json_is_string(m))
		return fuzz_string(f);
	if (json_is_integer(m))
		return json_integer(fuzz_int(f));
	if (json_is_real(m))
		return json_real(fuzz_real(f));
	if (json_is_boolean(m))
		return json_boolean(fz_u8(f) & 1);
	return json_incref((json_t *)m);
}

/* Replace the scalars of a template, types kept (one byte per value:
 * below 0x80 it is left alone); an array whose byte is 0xfc or more
 * gets a copy of its first element (a certificate, a URL, a finding
 * given twice). */
static void mutate(json_t *v, struct fz *f, unsigned depth)
{
	if (!f->n || depth > 64)
		return;
	if (json_is_object(v)) {
		const char *k;
		json_t *m;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, m) {
			if (json_is_object(m) || json_is_array(m))
				mutate(m, f, depth + 1);
			else if (fz_u8(f) >= 0x80)
				json_object_set_new(v, k, fuzz_like(m, f));
		}
	} else if (json_is_array(v)) {
		if (json_array_size(v) && json_array_size(v) < 64 && fz_u8(f) >= 0xfc)
			json_array_append_new(v, json_deep_copy(json_array_get(v, 0)));
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *m = json_array_get(v, i);
			if (json_is_object(m) || json_is_array(m))
				mutate(m, f, depth + 1);
			else if (fz_u8(f) >= 0x80)
				json_array_set_new(v, i, fuzz_like(m, f));
		}
	}
}

/* certaudit --network's URL set of a file: up to 7 URLs from the bytes. */
static struct ck_url_set *url_set(struct fz *f)
{
	struct ck_url_set *s = calloc(1, sizeof *s);
	size_t n = fz_u8(f) % 8;

	if (!s || (n && !(s->urls = calloc(n, sizeof *s->urls))))
		abort();
	for (size_t i = 0; i < n; i++) {
		struct ck_url_entry *e = &s->urls[i];
		uint8_t b = fz_u8(f);
		e->kind = (enum ck_url_kind)(b % 5);
		e->url = fz_str(f, 255);
		e->checked = b & 0x80;
		e->net.result = (enum ck_url_result)(fz_u8(f) % CK_URL_RESULT_COUNT);
		e->net.t.total = b & 0x40 ? -1 : fuzz_real(f);
	}
	s->nurls = n;
	return s;
}

static void url_set_free(struct ck_url_set *s)
{
	for (size_t i = 0; s && i < s->nurls; i++)
		free(s->urls[i].url);
	if (s)
		free(s->urls);
	free(s);
}

/* ---------------------------------------------------------------- */
/* OpenMetrics */

static bool metric_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != ':')
			return false;
	return true;
}

/* [+-]?digits[.digits][e[+-]digits], NaN, +Inf, -Inf */
static bool om_number(const char *s)
{
	const char *p = s;

	if (!strcmp(s, "NaN") || !strcmp(s, "+Inf") || !strcmp(s, "-Inf"))
		return true;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

/* A sample line of family `fam`: name{labels} value.  Returns the end
 * of the label set (what identifies the series). */
static const char *om_sample(const char *line, const char *fam)
{
	size_t fl = strlen(fam);
	const char *p = line + fl;

	if (strncmp(line, fam, fl) || (*p != '{' && *p != ' '))
		fz_fail("OpenMetrics: a sample not of the family %s before it: %s", fam, line);
	if (*p == '{') {
		p++;
		for (;;) {
			const char *n = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			if (p == n || isdigit((unsigned char)*n) || *p != '=' || p[1] != '"')
				fz_fail("OpenMetrics: a label name is wrong at %zu: %s", (size_t)(n - line), line);
			for (p += 2; *p != '"'; p++) {
				if (!*p)
					fz_fail("OpenMetrics: a label value does not end: %s", line);
				if (*p == '\\') {
					p++;
					if (*p != '\\' && *p != '"' && *p != 'n')
						fz_fail("OpenMetrics: escape \\%c in a label value: %s", *p, line);
				}
			}
			p++;
			if (*p == '}')
				break;
			if (*p != ',')
				fz_fail("OpenMetrics: labels not separated at %zu: %s", (size_t)(p - line), line);
			p++;
		}
		p++;
	}
	if (*p != ' ' || !om_number(p + 1))
		fz_fail("OpenMetrics: the value is not a number: %s", line);
	return p;
}

static void check_openmetrics(char *buf, size_t len)
{
	json_t *families = json_object(), *series = NULL, *utf8;
	char fam[256] = "", *line = buf, *nl;
	bool typed = false, eof = false;

	/* json_stringn refuses what is not UTF-8 (and a NUL) */
	if (!(utf8 = json_stringn(buf, len)))
		fz_fail("OpenMetrics: the exposition is not UTF-8");
	json_decref(utf8);
	if (!len || buf[len - 1] != '\n')
		fz_fail("OpenMetrics: the exposition does not end with a line end");
	for (; line < buf + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		*nl = '\0';
		if (eof)
			fz_fail("OpenMetrics: a line after # EOF: %s", line);
		if (!strcmp(line, "# EOF")) {
			eof = true;
		} else if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7) ||
			   !strncmp(line, "# UNIT ", 7)) {
			const char *name = line + 7, *sp = strchr(name, ' ');
			size_t nlen = sp ? (size_t)(sp - name) : 0;
			if (!sp || !metric_name(name, nlen) || !sp[1] || nlen >= sizeof fam)
				fz_fail("OpenMetrics: a metadata line is wrong: %s", line);
			if (line[2] == 'H') {
				memcpy(fam, name, nlen);
				fam[nlen] = '\0';
				if (json_object_get(families, fam))
					fz_fail("OpenMetrics: family %s given twice", fam);
				json_object_set_new(families, fam, json_true());
				json_decref(series);
				series = json_object();
				typed = false;
			} else if (strncmp(name, fam, nlen) || fam[nlen]) {
				fz_fail("OpenMetrics: %s not after its family's # HELP", line);
			} else if (line[2] == 'T') {
				if (strcmp(sp + 1, "gauge"))
					fz_fail("OpenMetrics: type %s", sp + 1);
				typed = true;
			} else {
				size_t ul = strlen(sp + 1);
				if (nlen <= ul || strcmp(fam + nlen - ul, sp + 1) || fam[nlen - ul - 1] != '_')
					fz_fail("OpenMetrics: the name of %s does not end with its unit", fam);
			}
		} else {
			const char *end;
			if (!typed)
				fz_fail("OpenMetrics: a sample before its family's # TYPE: %s", line);
			end = om_sample(line, fam);
			{
				char *key = strndup(line, (size_t)(end - line));
				if (!key)
					abort();
				if (json_object_get(series, key))
					fz_fail("OpenMetrics: a series given twice: %s", key);
				json_object_set_new(series, key, json_true());
				free(key);
			}
		}
	}
	if (!eof)
		fz_fail("OpenMetrics: no # EOF");
	json_decref(series);
	json_decref(families);
}

/* ---------------------------------------------------------------- */
/* Nagios */

static bool nagios_number(const char **pp, bool need)
{
	const char *p = *pp, *start;

	if (*p == '-' || *p == '+')
		p++;
	start = p;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' && p > start)
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (p == start)
		return !need && *pp == p;
	*pp = p;
	return true;
}

/* A threshold range: [@][start:][end], start a number or ~ */
static bool nagios_range(const char **pp)
{
	const char *p = *pp;

	if (*p == '@')
		p++;
	if (*p == '~')
		p++;
	else
		nagios_number(&p, false);
	if (*p == ':')
		p++;
	nagios_number(&p, false);
	*pp = p;
	return true;
}

static void check_perfdata(const char *line, const char *p)
{
	static const char *const uoms[] = { "us", "ms", "s", "%", "KB", "MB", "TB", "B", "c", NULL };

	while (*p) {
		const char *item = p;
		if (*p++ != ' ' || *p++ != '\'')
			fz_fail("Nagios: perfdata item not ' followed by a quoted label at %zu: %s",
				(size_t)(item - line), line);
		for (;; p++) {
			if (!*p)
				fz_fail("Nagios: a perfdata label does not end: %s", line);
			if (*p == '\'' && p[1] == '\'') {
				p++;
				continue;
			}
			if (*p == '\'')
				break;
			if (*p == '=' || (unsigned char)*p < 0x20 || *p == 0x7f)
				fz_fail("Nagios: a perfdata label holds 0x%02x: %s", (unsigned char)*p, line);
		}
		p++;
		if (*p++ != '=' || !nagios_number(&p, true))
			fz_fail("Nagios: a perfdata value is not a number at %zu: %s", (size_t)(item - line),
				line);
		for (size_t i = 0; uoms[i]; i++)
			if (!strncmp(p, uoms[i], strlen(uoms[i]))) {
				p += strlen(uoms[i]);
				break;
			}
		for (int field = 0; field < 4 && *p == ';'; field++) {
			p++;
			if (field < 2)
				nagios_range(&p);
			else
				nagios_number(&p, false);
		}
		if (*p && *p != ' ')
			fz_fail("Nagios: a perfdata item is wrong at %zu: %s", (size_t)(p - line), line);
	}
}

static void check_nagios(char *buf, size_t len, const char *tag, enum ck_nagios_state state,
			 enum ck_nagios_state want)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	char *nl = memchr(buf, '\n', len), *bar, head[64];

	if (!len || buf[len - 1] != '\n' || !nl)
		fz_fail("Nagios: the output does not end with a line end");
	if ((int)state < 0 || state > CK_NAGIOS_UNKNOWN)
		fz_fail("Nagios: state %d is not 0..3", (int)state);
	if (state != want)
		fz_fail("Nagios: state %s where the documents make %s", names[state], names[want]);
	fz_assert_plain("Nagios output", buf, len);
	*nl = '\0';
	snprintf(head, sizeof head, "%s %s - ", tag, names[state]);
	if (strncmp(buf, head, strlen(head)))
		fz_fail("Nagios: the status line does not start with \"%s\": %s", head, buf);
	if (!(bar = strchr(buf, '|')) || strchr(bar + 1, '|') || bar[-1] != ' ')
		fz_fail("Nagios: the status line has not one ' |' before the perfdata: %s", buf);
	check_perfdata(buf, bar + 1);
	if (memchr(nl + 1, '|', len - (size_t)(nl + 1 - buf)))
		fz_fail("Nagios: a '|' in the long text (perfdata would start there)");
}

/* ---------------------------------------------------------------- */

static char *run(const struct ck_emitter_ops *ops, const struct ck_emit_view *view, json_t *const *docs,
		 const struct ck_emit_extra *xs, size_t n, const json_t *end, const struct ck_emit_extra *xe,
		 size_t *len, enum ck_nagios_state *state)
{
	struct ck_text_opts text = { 0 };
	struct fz_mem m = { 0 };
	struct ck_emitter *e = ck_emitter_new(ops, view, fz_mem_open(&m), &text);
	bool ok;

	if (!e)
		abort();
	for (size_t i = 0; i < n; i++)
		ck_emit_doc(e, docs[i], &xs[i]);
	ok = ck_emit_end(e, end, xe);
	*state = e->nagios;
	ck_emitter_free(e);
	fz_mem_close(&m);
	if (!ok)
		fz_fail("the %s output failed", ops->name);
	*len = m.len;
	return m.buf; /* the caller's: m is not freed */
}

static enum ck_nagios_state worse(enum ck_nagios_state a, enum ck_nagios_state b)
{
	static const int rank[] = { 0, 2, 3, 1 }; /* OK < UNKNOWN < WARNING < CRITICAL */
	return rank[b] > rank[a] ? b : a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t flags = fz_u8(&f);
	bool aia = flags & 0x80;
	size_t n = 1 + fz_u8(&f) % 4, len;
	json_t *docs[4] = { NULL }, *totals = NULL;
	struct ck_emit_extra xs[4] = { 0 }, xe = { 0 };
	struct ck_url_set *urls = NULL;
	enum ck_nagios_state state, want = CK_NAGIOS_OK;
	bool problem = false, unreadable = false, failed = false, counted = true;
	char *out;

	long_left = 4096;
	for (size_t i = 0; i < n; i++) {
		uint8_t t = fz_u8(&f);
		const struct tmpl *tp = aia ? &aia_t[t % naia] : &audit_t[t % naudit];
		if (!(docs[i] = json_deep_copy(tp->doc)))
			abort();
		mutate(docs[i], &f, 0);
		xs[i].problem = t & 0x80;
	}
	xe.incomplete = flags & 0x40;
	xe.policy = policies[flags >> 5 & 1];
	if (!aia) {
		const json_t *s;
		if (!(totals = json_deep_copy(totals_t)))
			abort();
		mutate(totals, &f, 0);
		if (flags & 0x10) {
			urls = url_set(&f);
			for (size_t i = 0; i < n; i++)
				xs[i].urls = urls;
		}
		out = run(ck_emitter_find("openmetrics"), &ck_view_certaudit, docs, xs, n, totals, &xe,
			  &len, &state);
		check_openmetrics(out, len);
		free(out);
		/* CRITICAL when a file fails, WARNING when one warns, UNKNOWN
		 * when none was audited or the run is incomplete */
		s = json_object_get(totals, "totals");
		want = json_integer_value(json_object_get(s, "fail")) ? CK_NAGIOS_CRITICAL :
		       json_integer_value(json_object_get(s, "warn")) ? CK_NAGIOS_WARNING :
		       json_integer_value(json_object_get(s, "files")) ? CK_NAGIOS_OK : CK_NAGIOS_UNKNOWN;
	} else {
		/* CRITICAL when an input has a problem, WARNING when a URL
		 * failed or warned, UNKNOWN when an input was not read */
		for (size_t i = 0; i < n; i++) {
			const json_t *sum = json_object_get(docs[i], "summary");
			json_int_t nf = json_integer_value(json_object_get(sum, "failed"));
			json_int_t nw = json_integer_value(json_object_get(sum, "warnings"));
			if (json_object_get(docs[i], "error")) {
				unreadable = true;
				continue;
			}
			problem |= xs[i].problem;
			failed |= nf || nw;
			/* counts no tool makes (negative, or summing past
			 * SIZE_MAX) may cancel out in the back-end's sums */
			counted &= nf >= 0 && nw >= 0 && nf <= INT32_MAX && nw <= INT32_MAX;
		}
		want = problem ? CK_NAGIOS_CRITICAL : failed ? CK_NAGIOS_WARNING : CK_NAGIOS_OK;
		if (unreadable)
			want = worse(want, CK_NAGIOS_UNKNOWN);
	}
	if (xe.incomplete)
		want = worse(want, CK_NAGIOS_UNKNOWN);
	out = run(ck_emitter_find("nagios"), aia ? &ck_view_aiacheck : &ck_view_certaudit, docs, xs, n,
		  totals, &xe, &len, &state);
	check_nagios(out, len, aia ? "AIACHECK" : "CERTAUDIT", state, counted ? want : state);
	free(out);
	for (size_t i = 0; i < n; i++)
		json_decref(docs[i]);
	json_decref(totals);
	url_set_free(urls);
	return 0;
}
