/* report (Nagios plugin output): the state each tool's documents give,
 * the earliest expiry and its thresholds from the policy, the perfdata
 * labels (quotes doubled, '=' and '|' percent-encoded, each URL once),
 * and text from documents kept on its line. */
#include "config.h"

#include "libcore/policy.h"
#include "libcore/report.h"
#include "unit.h"

static struct ck_policy *pol;
static struct ck_nagios *ng;
static char *buf;
static size_t buflen;

static void setup(void)
{
	struct ck_error e;
	cr_assert_eq(ck_policy_new(&pol, &e), CK_OK);
}

static void cleanup(void)
{
	ck_policy_free(pol);
	pol = NULL;
	ck_nagios_free(ng);
	ng = NULL;
	free(buf);
	buf = NULL;
}

TestSuite(report_nagios, .init = setup, .fini = cleanup);

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	return j;
}

/* certaudit's document: verdict, one finding, certificates as
 * "days:origin" pairs (origin "" for the file's own) */
static void add_audit(const char *path, const char *verdict, const char *sev, long long d1,
		      const char *o1, long long d2)
{
	json_t *doc = json_pack("{s:s, s:s, s:[{s:s, s:s, s:i, s:s}], s:{s:[{s:i, s:o, s:s, s:s}, {s:i, s:o, s:s, s:s}]}}",
				"path", path, "verdict", verdict, "findings", "code", "expired",
				"severity", sev, "certificate", 0, "message", "it ended|badly\n",
				"report", "certificates", "days_left", d1,
				"origin", *o1 ? json_string(o1) : json_null(), "subject", "CN=one",
				"not_after", "2030-01-01T00:00:00Z", "days_left", d2, "origin", json_null(),
				"subject", "CN=two", "not_after", "2031-01-01T00:00:00Z");
	cr_assert_not_null(doc);
	cr_assert_eq(ck_nagios_add_audit(ng, doc), 0);
	json_decref(doc);
}

static enum ck_nagios_state write_certaudit(const char *totals, bool incomplete)
{
	FILE *f = open_memstream(&buf, &buflen);
	json_t *t = load(totals);
	enum ck_nagios_state st = CK_NAGIOS_OK;
	cr_assert_not_null(f);
	cr_assert_eq(ck_report_nagios_certaudit(f, ng, t, pol, incomplete, &st), 0);
	fclose(f);
	json_decref(t);
	return st;
}

#define TOTALS(files, ok, warn, fail) \
	"{\"totals\": {\"files\": " #files ", \"ok\": " #ok ", \"warn\": " #warn ", \"fail\": " #fail \
	", \"errors\": " #fail ", \"warnings\": " #warn ", \"not_audited\": 0, \"urls\": 0}}"

Test(report_nagios, certaudit_earliest_expiry_of_the_files_own)
{
	ng = ck_nagios_new("CERTAUDIT");
	/* a trust store's certificate expiring first is not the files' */
	add_audit("a.pem", "warn", "warning", -5, "/etc/roots.pem", 40);
	add_audit("b.pem", "fail", "error", 12, "", 300);
	cr_assert_eq(write_certaudit(TOTALS(2, 0, 1, 1), false), CK_NAGIOS_CRITICAL);
	cr_assert(strstr(buf, "CERTAUDIT CRITICAL - 2 files: 1 FAIL, 1 WARN, 0 OK"), "%s", buf);
	cr_assert(strstr(buf, "earliest expiry: CN=one in b.pem expires on 2030-01-01T00:00:00Z (in 12 days) | "),
		  "%s", buf);
	cr_assert(strstr(buf, " 'days_left'=12;30:;0: 'files'=2;;;0 "), "%s", buf);
	/* a finding's message stays on its line, with no '|' */
	cr_assert(strstr(buf, "\nWARN a.pem: warning expired [0]: it ended?badly?\n"), "%s", buf);
	cr_assert(strstr(buf, "\nFAIL b.pem: error expired [0]: it ended?badly?\n"), "%s", buf);
}

/* fuzz/README.md, emit/nagios-expiry-at-control-char: the earliest
 * expiry's date came from the document raw */
Test(report_nagios, certaudit_expiry_date_kept_on_the_status_line)
{
	json_t *doc = json_pack("{s:s, s:s, s:[], s:{s:[{s:i, s:o, s:s, s:s}]}}", "path", "a.pem",
				"verdict", "ok", "findings", "report", "certificates", "days_left", 3,
				"origin", json_null(), "subject", "CN=a", "not_after",
				"2030-01-01\a\n| 'x'=1");
	char *nl;

	ng = ck_nagios_new("CERTAUDIT");
	cr_assert_not_null(doc);
	cr_assert_eq(ck_nagios_add_audit(ng, doc), 0);
	json_decref(doc);
	cr_assert_eq(write_certaudit(TOTALS(1, 1, 0, 0), false), CK_NAGIOS_OK);
	cr_assert(strstr(buf, "CN=a in a.pem expires on 2030-01-01??? 'x'=1 (in 3 days) | 'days_left'=3;"),
		  "%s", buf);
	nl = strchr(buf, '\n');
	cr_assert(nl && !nl[1], "%s", buf);
	for (const char *p = buf; p < nl; p++)
		cr_assert((unsigned char)*p >= 0x20, "%s", buf);
	/* and an expired one */
	free(buf);
	buf = NULL;
	ck_nagios_free(ng);
	ng = ck_nagios_new("CERTAUDIT");
	doc = json_pack("{s:s, s:s, s:[], s:{s:[{s:i, s:o, s:s, s:s}]}}", "path", "a.pem", "verdict", "ok",
			"findings", "report", "certificates", "days_left", -3, "origin", json_null(),
			"subject", "CN=a", "not_after", "\033[2J");
	cr_assert_eq(ck_nagios_add_audit(ng, doc), 0);
	json_decref(doc);
	write_certaudit(TOTALS(1, 1, 0, 0), false);
	cr_assert(strstr(buf, "CN=a in a.pem expired on ?[2J |"), "%s", buf);
}

Test(report_nagios, certaudit_states)
{
	ng = ck_nagios_new("CERTAUDIT");
	cr_assert_eq(write_certaudit(TOTALS(0, 0, 0, 0), false), CK_NAGIOS_UNKNOWN);
	cr_assert(strstr(buf, "CERTAUDIT UNKNOWN - no certificate bundle found |"), "%s", buf);
	cr_assert_null(strstr(buf, "days_left"), "%s", buf);
	free(buf);
	buf = NULL;
	cr_assert_eq(write_certaudit(TOTALS(3, 3, 0, 0), false), CK_NAGIOS_OK);
	free(buf);
	buf = NULL;
	cr_assert_eq(write_certaudit(TOTALS(3, 2, 1, 0), false), CK_NAGIOS_WARNING);
	free(buf);
	buf = NULL;
	/* a run that did not complete: UNKNOWN, unless a file is worse */
	cr_assert_eq(write_certaudit(TOTALS(3, 3, 0, 0), true), CK_NAGIOS_UNKNOWN);
	cr_assert(strstr(buf, "; the audit did not complete"), "%s", buf);
	free(buf);
	buf = NULL;
	cr_assert_eq(write_certaudit(TOTALS(3, 2, 1, 0), true), CK_NAGIOS_WARNING);
	free(buf);
	buf = NULL;
	cr_assert_eq(write_certaudit(TOTALS(3, 2, 0, 1), true), CK_NAGIOS_CRITICAL);
}

Test(report_nagios, certaudit_thresholds_follow_the_policy)
{
	static const struct {
		const char *policy, *perf;
	} cases[] = {
		{ "", "'days_left'=12;30:;0: " },
		{ "warn-days = 60\n", "'days_left'=12;60:;0: " },
		{ "severity.expires-soon = error\n", "'days_left'=12;;30: " },
		{ "severity.expires-soon = info\n", "'days_left'=12;;0: " },
		{ "severity.expires-soon = off\nseverity.expired = warning\n", "'days_left'=12;0:; " },
		{ "severity.expired = off\nseverity.expires-soon = off\n", "'days_left'=12;; " },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct ck_error e;
		ck_policy_free(pol);
		cr_assert_eq(ck_policy_new(&pol, &e), CK_OK);
		cr_assert_eq(ck_policy_parse(pol, cases[i].policy, strlen(cases[i].policy), &e), CK_OK,
			     "%s", e.what);
		ck_nagios_free(ng);
		ng = ck_nagios_new("CERTAUDIT");
		add_audit("b.pem", "ok", "info", 12, "", 300);
		free(buf);
		buf = NULL;
		write_certaudit(TOTALS(1, 1, 0, 0), false);
		cr_assert(strstr(buf, cases[i].perf), "%s: %s", cases[i].policy, buf);
	}
}

/* aiacheck's document with URLs given as "url result method seconds" */
static void add_aia(const char *name, bool problem, const char *const *urls, bool warning)
{
	json_t *doc = load("{\"urls\": [], \"runtimes\": [], \"summary\": {\"urls\": 0, \"failed\": 0, \"warnings\": 0}}");
	json_t *arr = json_object_get(doc, "urls"), *sum = json_object_get(doc, "summary");
	size_t n = 0, failed = 0;

	json_object_set_new(doc, "input", name ? json_pack("{s:s}", "name", name) : json_null());
	for (; urls[n]; n++) {
		char url[256], result[32], method[8];
		double ms;
		cr_assert_eq(sscanf(urls[n], "%255s %31s %7s %lf", url, result, method, &ms), 4);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:{s:f}}", "url", url,
						     "kind", "ocsp", "result", result, "method", method,
						     "warning", warning, "note", "a note", "timings", "total", ms));
		failed += strcmp(result, "ok") != 0;
	}
	json_object_set_new(sum, "urls", json_integer((json_int_t)n));
	json_object_set_new(sum, "failed", json_integer((json_int_t)failed));
	json_object_set_new(sum, "warnings", json_integer(warning ? (json_int_t)n : 0));
	cr_assert_eq(ck_nagios_add_aiacheck(ng, doc, problem), 0);
	json_decref(doc);
}

static enum ck_nagios_state write_aiacheck(bool incomplete)
{
	FILE *f = open_memstream(&buf, &buflen);
	enum ck_nagios_state st = CK_NAGIOS_OK;
	cr_assert_not_null(f);
	cr_assert_eq(ck_report_nagios_aiacheck(f, ng, incomplete, &st), 0);
	fclose(f);
	return st;
}

Test(report_nagios, aiacheck_labels_and_times)
{
	static const char *const a[] = { "http://h/it's?x=1%|y ok POST 12.5", "http://h/o ok GET 0.25",
					 "http://h/o ok POST 1000", NULL };
	ng = ck_nagios_new("AIACHECK");
	add_aia("a.pem", false, a, false);
	add_aia("b.pem", false, a, false); /* the same URLs: once each */
	cr_assert_eq(write_aiacheck(false), CK_NAGIOS_OK);
	cr_assert_str_eq(buf, "AIACHECK OK - 6 URLs ok for 2 inputs; slowest http://h/o 1.0s | 'urls'=6;;;0 "
			      "'urls_failed'=0;;;0 'urls_warning'=0;;;0 'http://h/it''s?x%3D1%25%7Cy'=0.0125s;;;0 "
			      "'http://h/o (GET)'=0.00025s;;;0 'http://h/o'=1.0s;;;0\n");
}

/* fuzz/README.md, emit/nagios-seconds-past-buffer: a time of 1e308 ms
 * was formatted past a 64-byte buffer */
Test(report_nagios, aiacheck_huge_time_written_whole)
{
	static const char *const a[] = { "http://h/a ok POST 1e308", NULL };
	const char *v, *p;

	ng = ck_nagios_new("AIACHECK");
	add_aia("a.pem", false, a, false);
	cr_assert_eq(write_aiacheck(false), CK_NAGIOS_OK);
	v = strstr(buf, "'http://h/a'=");
	cr_assert_not_null(v, "%s", buf);
	for (p = v + 13; *p >= '0' && *p <= '9'; p++)
		;
	/* 1e305 s, or the double just under it */
	cr_assert(p - (v + 13) == 305 || p - (v + 13) == 306, "%s", buf);
	cr_assert_str_eq(p, ".0s;;;0\n");
}

Test(report_nagios, aiacheck_states)
{
	static const char *const ok[] = { "http://h/a ok POST 1", NULL };
	static const char *const bad[] = { "http://h/b refused POST 1", NULL };

	ng = ck_nagios_new("AIACHECK");
	cr_assert_eq(ck_nagios_add_error(ng, "gone.pem", "cannot open"), 0);
	add_aia("a.pem", false, ok, false);
	cr_assert_eq(write_aiacheck(false), CK_NAGIOS_UNKNOWN);
	cr_assert(strstr(buf, "\nUNREADABLE gone.pem: cannot open\n"), "%s", buf);
	ck_nagios_free(ng);
	ng = ck_nagios_new("AIACHECK");
	add_aia("a.pem", false, ok, true);
	free(buf);
	buf = NULL;
	cr_assert_eq(write_aiacheck(false), CK_NAGIOS_WARNING);
	cr_assert(strstr(buf, "\nWARNING a.pem: ocsp http://h/a: a note\n"), "%s", buf);
	/* a failure no client needs warns; one that is needed is critical,
	 * whatever else could not be read */
	ck_nagios_free(ng);
	ng = ck_nagios_new("AIACHECK");
	add_aia(NULL, false, bad, false);
	free(buf);
	buf = NULL;
	cr_assert_eq(write_aiacheck(true), CK_NAGIOS_WARNING);
	cr_assert(strstr(buf, "\nFAILED --url: ocsp http://h/b: refused: a note\n"), "%s", buf);
	ck_nagios_free(ng);
	ng = ck_nagios_new("AIACHECK");
	cr_assert_eq(ck_nagios_add_error(ng, "gone.pem", "cannot open"), 0);
	add_aia("a.pem", true, bad, false);
	free(buf);
	buf = NULL;
	cr_assert_eq(write_aiacheck(false), CK_NAGIOS_CRITICAL);
	cr_assert(strstr(buf, "; 1 where a URL a client needs fails; 1 input not read;"), "%s", buf);
}

/* Nagios Core keeps 8 KB of a plugin's output: the long text stops
 * before it, saying how many lines it left out */
Test(report_nagios, long_text_within_8_kb)
{
	char path[32];
	size_t lines = 0;

	ng = ck_nagios_new("CERTAUDIT");
	for (int i = 0; i < 400; i++) {
		snprintf(path, sizeof path, "file-%03d.pem", i);
		add_audit(path, "fail", "error", 12, "", 300);
	}
	cr_assert_eq(write_certaudit(TOTALS(400, 0, 0, 400), false), CK_NAGIOS_CRITICAL);
	cr_assert_leq(buflen, 8192, "%zu bytes", buflen);
	cr_assert(strstr(buf, "\nFAIL file-000.pem: "), "%s", buf);
	for (const char *p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	/* the status line, the lines shown, the count of the others */
	cr_assert(strstr(buf, "more lines not shown (8 KB of plugin output)\n"), "%s", buf);
	cr_assert_lt(lines, 400);
}

/* ... and the status line counts: aiacheck's carries a perfdata item
 * per URL, which leaves less of the 8 KB to the long text */
Test(report_nagios, long_text_after_a_long_status_line)
{
	static char lines[60][200];
	const char *urls[61];

	ng = ck_nagios_new("AIACHECK");
	for (int i = 0; i < 60; i++) {
		snprintf(lines[i], sizeof lines[i],
			 "http://ocsp.example.test/a-long-path-to-make-the-label-long/%03d/%s refused POST 5", i,
			 "0123456789012345678901234567890123456789");
		urls[i] = lines[i];
	}
	urls[60] = NULL;
	add_aia("a.pem", false, urls, false);
	cr_assert_eq(write_aiacheck(false), CK_NAGIOS_WARNING);
	cr_assert_gt(strcspn(buf, "\n"), 6000, "the status line is %zu bytes", strcspn(buf, "\n"));
	cr_assert_leq(buflen, 8192, "%zu bytes", buflen);
	cr_assert(strstr(buf, "more lines not shown (8 KB of plugin output)\n"), "%s", buf);
}
