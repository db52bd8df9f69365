/* The finding registry: its rows, the man pages that document them, and
 * that no code is spelled as a string outside it. */
#include "config.h"

#include "libcore/findings.h"
#include "libcore/net.h"
#include "libcore/policy.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *rel)
{
	char path[4096];
	FILE *f;
	char *s;
	long len;

	snprintf(path, sizeof path, "%s/%s", CK_SRCDIR, rel);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)len + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)len, f), (size_t)len, "%s", path);
	fclose(f);
	return s;
}

static const struct ck_finding_def *row(unsigned i)
{
	return ck_finding_def((enum ck_finding_id)i);
}

/* ---------------------------------------------------------------- */
/* the table */

Test(findings, rows_are_sound)
{
	enum ck_finding_id id;

	cr_assert_gt(CK_F_COUNT, 60);
	cr_assert_null(ck_finding_def(CK_F_COUNT));
	cr_assert_str_eq(ck_finding_name(CK_F_COUNT), "");
	for (unsigned i = 0; i < CK_F_COUNT; i++) {
		const struct ck_finding_def *d = row(i);
		cr_assert(d->code && *d->code, "row %u has no code", i);
		for (const char *c = d->code; *c; c++)
			cr_expect(islower((unsigned char)*c) || isdigit((unsigned char)*c) ||
				  (*c == '-' && c != d->code && c[1] && c[1] != '-'),
				  "'%s' is not a kebab-case code", d->code);
		cr_expect(d->summary && *d->summary, "%s has no summary", d->code);
		cr_expect(!d->audit_summary || *d->audit_summary, "%s", d->code);
		cr_expect(d->where && !(d->where & ~(CK_FINDING_CHAINVIEW | CK_FINDING_AUDIT)),
			  "%s: where %u", d->code, d->where);
		cr_expect(d->group < CK_FG_COUNT, "%s", d->code);
		cr_expect(d->severity <= CK_SEV_ERROR, "%s", d->code);
		cr_expect(d->level <= CK_LEVEL_ERROR, "%s", d->code);
		/* what chainview reports is about the bundle or what served it */
		if (d->where & CK_FINDING_CHAINVIEW)
			cr_expect(d->group == CK_FG_CHAIN || d->group == CK_FG_URL, "%s", d->code);
		cr_assert(ck_finding_lookup(d->code, &id), "%s", d->code);
		cr_expect_eq(id, (enum ck_finding_id)i, "%s is in two rows", d->code);
		cr_expect_str_eq(ck_finding_name((enum ck_finding_id)i), d->code);
	}
	cr_assert_not(ck_finding_lookup("no-such-code", &id));
	cr_assert_not(ck_finding_lookup("", &id));
	cr_expect_str_eq(ck_finding_name(CK_F_MISSING_ISSUER), "missing-issuer");
	cr_expect_str_eq(ck_finding_name(CK_F_WEAK_SIGNATURE), "weak-signature");
	cr_expect_str_eq(ck_severity_name(CK_SEV_WARNING), "warning");
}

/* Every URL result class but ok has a code, and the code's summary is
 * the class's (certaudit's policy and SARIF rules show it). */
Test(findings, url_classes_have_codes)
{
	for (int r = 0; r < CK_URL_RESULT_COUNT; r++) {
		enum ck_finding_id id;
		bool has = ck_audit_url_finding((enum ck_url_result)r, &id);
		if (r == CK_URL_OK) {
			cr_expect_not(has);
			continue;
		}
		cr_assert(has, "URL class %s has no finding code", ck_url_result_name((enum ck_url_result)r));
		const struct ck_finding_def *d = ck_finding_def(id);
		cr_expect(d->where & CK_FINDING_AUDIT, "%s", d->code);
		cr_expect_eq(d->group, CK_FG_URL, "%s", d->code);
		cr_expect_str_eq(d->audit_summary ? d->audit_summary : d->summary,
				 ck_url_result_summary((enum ck_url_result)r), "%s", d->code);
	}
}

/* ---------------------------------------------------------------- */
/* the man pages: FINDINGS lists exactly the codes at their defaults */

struct entry {
	char code[64];
	char severity[16];
	int line;
};

/* The ".It Cm CODE" entries of the FINDINGS section and the first word
 * after "(" on the line that follows each. */
static size_t man_entries(const char *man, struct entry *v, size_t max)
{
	char *s = slurp(man), *sec, *end, *line;
	size_t n = 0;
	int lineno = 1;

	sec = strstr(s, "\n.Sh FINDINGS\n");
	cr_assert_not_null(sec, "%s has no FINDINGS section", man);
	for (char *p = s; p < sec; p++)
		lineno += *p == '\n';
	end = strstr(sec + 1, "\n.Sh ");
	cr_assert_not_null(end);
	*end = '\0';
	for (line = sec + 1; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL, lineno++) {
		size_t len;
		const char *next, *w;
		if (strncmp(line, ".It Cm ", 7) != 0)
			continue;
		cr_assert_lt(n, max);
		len = strcspn(line + 7, " \n");
		cr_expect_eq(line[7 + len], '\n', "%s:%d: more than a code after .It Cm", man, lineno + 1);
		cr_assert_lt(len, sizeof v[n].code);
		memcpy(v[n].code, line + 7, len);
		v[n].code[len] = '\0';
		v[n].line = lineno + 1;
		next = strchr(line, '\n');
		cr_assert(next && next[1] == '(', "%s:%d: %s: the next line does not start with (SEVERITY",
			  man, lineno + 1, v[n].code);
		w = next + 2;
		len = strcspn(w, ";) \n");
		cr_assert_lt(len, sizeof v[n].severity);
		memcpy(v[n].severity, w, len);
		v[n].severity[len] = '\0';
		n++;
	}
	free(s);
	return n;
}

static void check_man(const char *man, unsigned flag)
{
	static struct entry v[256];
	size_t n = man_entries(man, v, 256);

	for (size_t k = 0; k < n; k++) {
		enum ck_finding_id id;
		const struct ck_finding_def *d;
		const char *want;
		if (!ck_finding_lookup(v[k].code, &id)) {
			cr_expect_fail("%s:%d: %s is not a finding code", man, v[k].line, v[k].code);
			continue;
		}
		d = ck_finding_def(id);
		cr_expect(d->where & flag, "%s:%d: %s is documented but not reported there (findings.def)",
			  man, v[k].line, v[k].code);
		want = flag == CK_FINDING_CHAINVIEW ? ck_severity_name(d->severity) : ck_level_name(d->level);
		cr_expect_str_eq(v[k].severity, want, "%s:%d: %s is (%s), the registry says %s", man,
				 v[k].line, v[k].code, v[k].severity, want);
	}
	for (unsigned i = 0; i < CK_F_COUNT; i++) {
		bool found = false;
		if (!(row(i)->where & flag))
			continue;
		for (size_t k = 0; k < n && !found; k++)
			found = !strcmp(v[k].code, row(i)->code);
		cr_expect(found, "%s: FINDINGS lacks %s", man, row(i)->code);
	}
}

Test(findings, chainview_man_page_lists_the_registry)
{
	check_man("man/chainview.1", CK_FINDING_CHAINVIEW);
}

Test(findings, certaudit_man_page_lists_the_registry)
{
	check_man("man/certaudit.1", CK_FINDING_AUDIT);
}
/* ---------------------------------------------------------------- */
/* no code spelled outside the registry */

/* Strings equal to a code that are another vocabulary: the file, the
 * word, how many times, and what it is there. */
static const struct {
	const char *file, *word;
	int count;
	const char *why;
} other_words[] = {
	{ "libcore/net.c", "revoked", 1, "the URL result class (aiacheck's \"result\")" },
	{ "libcore/revocation.c", "revoked", 2, "an OCSP certificate status" },
	{ "libcore/report-crl.c", "unsupported", 2, "a CRL signature status (chainview's CRL view)" },
	{ "libcore/report-crl.c", "expired", 2, "the JSON member and text of a CRL past its next update" },
	{ "libcore/report-crl.c", "revoked", 6, "a CRL's entries (\"revoked\" certificates)" },
	{ "libcore/ocspserve.c", "revoked", 1, "an OCSP certificate status the responder gives" },
	{ "tools/aiaserve.c", "revoked", 1, "a fault mode (--fault PATH=revoked)" },
	{ "libcore/validate.c", "revoked", 1, "a revocation state (chainview's \"revocation\")" },
	{ "libcore/report.c", "bad-signature", 2, "why a chain link is missing (\"reason\")" },
	{ "libcore/report.c", "unsupported-signature", 2, "why a chain link is missing (\"reason\")" },
	{ "libcore/report-truststore.c", "expired", 9, "the JSON member: a store's expired certificates" },
	{ NULL, NULL, 0, NULL },
};

struct hit {
	char file[256];
	char word[64];
	int line;
};

static int allowed(const char *file, const char *word)
{
	for (size_t i = 0; other_words[i].file; i++)
		if (!strcmp(other_words[i].file, file) && !strcmp(other_words[i].word, word))
			return other_words[i].count;
	return 0;
}

/* Every string literal of `src` (comments, character constants skipped)
 * that equals a code. */
static size_t scan(const char *file, const char *src, struct hit *h, size_t max)
{
	enum { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING, CHAR } st = CODE;
	const char *start = NULL;
	size_t n = 0;
	int line = 1;
	enum ck_finding_id id;

	for (const char *p = src; *p; p++) {
		if (*p == '\n')
			line++;
		switch (st) {
		case CODE:
			if (p[0] == '/' && p[1] == '/')
				st = LINE_COMMENT, p++;
			else if (p[0] == '/' && p[1] == '*')
				st = BLOCK_COMMENT, p++;
			else if (*p == '"')
				st = STRING, start = p + 1;
			else if (*p == '\'')
				st = CHAR;
			break;
		case LINE_COMMENT:
			if (*p == '\n')
				st = CODE;
			break;
		case BLOCK_COMMENT:
			if (p[0] == '*' && p[1] == '/')
				st = CODE, p++;
			break;
		case STRING:
		case CHAR:
			if (*p == '\\' && p[1]) {
				p++;
				if (*p == '\n')
					line++;
			} else if (*p == (st == STRING ? '"' : '\'')) {
				if (st == STRING && (size_t)(p - start) < sizeof h->word) {
					char w[64];
					memcpy(w, start, (size_t)(p - start));
					w[p - start] = '\0';
					if (ck_finding_lookup(w, &id) && n < max) {
						snprintf(h[n].file, sizeof h[n].file, "%s", file);
						snprintf(h[n].word, sizeof h[n].word, "%s", w);
						h[n].line = line;
						n++;
					}
				}
				st = CODE;
			}
			break;
		}
	}
	return n;
}

/* The registry itself, and what asn1Parser generates (its ASN.1 names
 * include "revoked"), which an in-tree build puts beside the sources. */
static bool not_scanned(const char *rel)
{
	return !strcmp(rel, "libcore/findings.c") || !strcmp(rel, "libcore/findings.h") ||
	       !strcmp(rel, "libcore/pkix_asn1_tab.c");
}

Test(findings, no_code_is_spelled_outside_the_registry)
{
	static const char *const dirs[] = { "libcore", "tools" };
	static struct hit h[1024];
	size_t n = 0, files = 0;

	for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
		char path[4096];
		struct dirent *e;
		DIR *dir;

		snprintf(path, sizeof path, "%s/%s", CK_SRCDIR, dirs[d]);
		dir = opendir(path);
		cr_assert_not_null(dir, "%s", path);
		while ((e = readdir(dir))) {
			size_t len = strlen(e->d_name);
			char rel[256], *src;
			if (len < 3 || e->d_name[0] == '.' ||
			    (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
				continue;
			snprintf(rel, sizeof rel, "%s/%s", dirs[d], e->d_name);
			if (not_scanned(rel))
				continue;
			src = slurp(rel);
			n += scan(rel, src, h + n, sizeof h / sizeof h[0] - n);
			free(src);
			files++;
		}
		closedir(dir);
	}
	cr_assert_gt(files, 40, "scanned only %zu files", files);
	/* each hit is either another vocabulary listed above, as many times
	 * as listed, or a code that should be a CK_F_ id */
	for (size_t i = 0; i < n; i++) {
		int seen = 0;
		for (size_t j = 0; j < n; j++)
			seen += !strcmp(h[j].file, h[i].file) && !strcmp(h[j].word, h[i].word);
		cr_expect(seen <= allowed(h[i].file, h[i].word),
			  "%s:%d: \"%s\" is a finding code: use CK_F_ and ck_finding_name() "
			  "(or list it in other_words[] of tests/test-findings.c if it is another word)",
			  h[i].file, h[i].line, h[i].word);
	}
	for (size_t i = 0; other_words[i].file; i++) {
		int seen = 0;
		for (size_t j = 0; j < n; j++)
			seen += !strcmp(h[j].file, other_words[i].file) && !strcmp(h[j].word, other_words[i].word);
		cr_expect_eq(seen, other_words[i].count, "%s: \"%s\" %d times, other_words[] says %d",
			     other_words[i].file, other_words[i].word, seen, other_words[i].count);
	}
}
