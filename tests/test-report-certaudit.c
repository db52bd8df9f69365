/* report (certaudit's part): the per-file document, the text summary, and
 * the JUnit XML and SARIF files parsed back with libxml2 and jansson. */
#include "config.h"

#include "libcore/policy.h"
#include "libcore/report.h"
#include "unit.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>

static struct ck_policy *pol;
static json_t *docs[8];
static size_t ndocs;
static char *buf;
static size_t buflen;

static void setup(void)
{
	struct ck_error e;
	cr_assert_eq(ck_policy_new(&pol, &e), CK_OK);
}

static void cleanup(void)
{
	for (size_t i = 0; i < ndocs; i++)
		json_decref(docs[i]);
	ndocs = 0;
	ck_policy_free(pol);
	pol = NULL;
	free(buf);
	buf = NULL;
}

TestSuite(report_certaudit, .init = setup, .fini = cleanup);

/* A document for `path` with findings "code:cert" (cert -1: none). */
static json_t *doc(const char *path, const char *const *codes)
{
	struct ck_audit *au = calloc(1, sizeof *au);
	json_t *d;
	cr_assert_not_null(au);
	for (size_t i = 0; codes && codes[i]; i++) {
		enum ck_finding_id id;
		cr_assert(ck_finding_lookup(codes[i], &id), "%s", codes[i]);
		cr_assert_eq(ck_audit_add(au, pol, id, i == 0 ? 0 : -1, i == 0 ? "CN=leaf" : NULL,
					  "a hint", "message %zu of %s <&>", i, path), CK_OK);
	}
	d = ck_report_audit(path, au, NULL);
	ck_audit_free(au);
	cr_assert_not_null(d);
	docs[ndocs++] = d;
	return d;
}

static void render(int (*fn)(FILE *))
{
	FILE *f = open_memstream(&buf, &buflen);
	cr_assert_not_null(f);
	cr_assert_eq(fn(f), 0);
	fclose(f);
}

static int junit(FILE *f)
{
	return ck_report_audit_junit(f, docs, ndocs);
}

static int sarif(FILE *f)
{
	return ck_report_audit_sarif(f, docs, ndocs, pol, "9.9.9");
}

static xmlDocPtr xml;
static xmlXPathContextPtr xctx;

static void xml_load(void)
{
	xml = xmlReadMemory(buf, (int)buflen, "junit.xml", NULL, XML_PARSE_NONET);
	cr_assert_not_null(xml, "JUnit is not well-formed XML:\n%s", buf);
	xctx = xmlXPathNewContext(xml);
}

static void xml_free(void)
{
	xmlXPathFreeContext(xctx);
	xmlFreeDoc(xml);
	xctx = NULL;
	xml = NULL;
}

static double xnum(const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, xctx);
	double v;
	cr_assert_not_null(o, "%s", expr);
	v = xmlXPathCastToNumber(o);
	xmlXPathFreeObject(o);
	return v;
}

static char *xstr(const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, xctx);
	xmlChar *s;
	char *r;
	cr_assert_not_null(o, "%s", expr);
	s = xmlXPathCastToString(o);
	r = strdup((const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	return r;
}

Test(report_certaudit, document)
{
	static const char *const codes[] = { "expired", "expires-soon", "no-certificate", NULL };
	json_t *d = doc("dir/a.pem", codes), *f;
	cr_assert_str_eq(json_string_value(json_object_get(d, "path")), "dir/a.pem");
	cr_assert_str_eq(json_string_value(json_object_get(d, "verdict")), "fail");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(d, "summary"), "info")), 1);
	cr_assert(json_is_null(json_object_get(d, "report")));
	f = json_array_get(json_object_get(d, "findings"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "code")), "expired");
	cr_assert_str_eq(json_string_value(json_object_get(f, "severity")), "error");
	cr_assert_eq(json_integer_value(json_object_get(f, "certificate")), 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "subject")), "CN=leaf");
	f = json_array_get(json_object_get(d, "findings"), 1);
	cr_assert(json_is_null(json_object_get(f, "certificate")));
	cr_assert(json_is_null(json_object_get(f, "subject")));
}

Test(report_certaudit, text_shows_the_worst_and_counts_the_rest)
{
	static const char *const many[] = { "expired", "weak-key", "bad-signature", "not-a-ca",
					     "ca-key-usage", "expires-soon", NULL };
	struct ck_text_opts o = { 0 };
	FILE *f;
	doc("x/many.pem", many);
	f = open_memstream(&buf, &buflen);
	cr_assert_eq(ck_report_text_certaudit(f, docs[0], &o), 0);
	fclose(f);
	cr_assert(!strncmp(buf, "FAIL  x/many.pem\n", 17), "%s", buf);
	cr_assert(strstr(buf, "… and 2 more errors (-v shows every finding)"), "%s", buf);
	cr_assert_null(strstr(buf, "expires-soon"), "a warning shown for a FAIL:\n%s", buf);
	free(buf);
	buf = NULL;
	o.verbose = true;
	f = open_memstream(&buf, &buflen);
	cr_assert_eq(ck_report_text_certaudit(f, docs[0], &o), 0);
	fclose(f);
	cr_assert(strstr(buf, "warning expires-soon: "), "%s", buf);
	cr_assert(strstr(buf, "→ a hint"), "%s", buf);
}

Test(report_certaudit, text_quiet_leaves_out_ok_files)
{
	struct ck_text_opts o = { .quiet = true };
	FILE *f;
	doc("ok.pem", NULL);
	f = open_memstream(&buf, &buflen);
	cr_assert_eq(ck_report_text_certaudit(f, docs[0], &o), 0);
	fclose(f);
	cr_assert_eq(buflen, 0, "%s", buf);
}

Test(report_certaudit, junit_groups_by_directory)
{
	static const char *const err[] = { "expired", "weak-key", NULL };
	static const char *const warn[] = { "expires-soon", NULL };
	/* path order, as certaudit passes them: a/b/ sorts between a/'s files */
	doc("a/b/y.pem", warn);
	doc("a/x.pem", err);
	doc("a/z.pem", NULL);
	doc("top.pem", err);
	render(junit);
	xml_load();
	cr_assert_eq(xnum("count(/testsuites/testsuite)"), 3);
	cr_assert_eq(xnum("number(/testsuites/@tests)"), 4);
	cr_assert_eq(xnum("number(/testsuites/@failures)"), 2);
	char *s = xstr("concat(/testsuites/testsuite[1]/@name, ',', /testsuites/testsuite[2]/@name, ',', /testsuites/testsuite[3]/@name)");
	cr_assert_str_eq(s, ".,a,a/b");
	free(s);
	cr_assert_eq(xnum("count(/testsuites/testsuite[@name='a']/testcase)"), 2);
	cr_assert_eq(xnum("number(/testsuites/testsuite[@name='a']/@failures)"), 1);
	cr_assert_eq(xnum("count(//testcase[@name='x.pem']/failure)"), 2);
	s = xstr("string(//testcase[@name='x.pem']/failure[1]/@type)");
	cr_assert_str_eq(s, "expired");
	free(s);
	s = xstr("string(//testcase[@name='x.pem']/failure[1]/@message)");
	cr_assert_str_eq(s, "message 0 of a/x.pem <&>");
	free(s);
	cr_assert_eq(xnum("count(//testcase[@name='y.pem']/failure)"), 0);
	s = xstr("string(//testcase[@name='y.pem']/system-out)");
	cr_assert(strstr(s, "warning expires-soon [0]: message 0 of a/b/y.pem"), "%s", s);
	free(s);
	s = xstr("string(//testcase[@name='top.pem']/@classname)");
	cr_assert_str_eq(s, ".");
	free(s);
	xml_free();
}

Test(report_certaudit, junit_survives_any_bytes_in_names)
{
	static const char *const err[] = { "corrupt", NULL };
	doc("d/ctl\x01\x1f-\xff\xfe-\"'<&>.pem", err);
	render(junit);
	xml_load();
	cr_assert_eq(xnum("count(//testcase)"), 1);
	cr_assert_eq(xnum("count(//failure)"), 1);
	xml_free();
}

Test(report_certaudit, junit_empty)
{
	render(junit);
	xml_load();
	cr_assert_eq(xnum("count(/testsuites)"), 1);
	cr_assert_eq(xnum("number(/testsuites/@tests)"), 0);
	xml_free();
}

Test(report_certaudit, sarif_structure)
{
	static const char *const err[] = { "expired", "no-certificate", NULL };
	json_t *log, *run, *rules, *results, *r, *loc;
	json_error_t je;
	doc("certs/a b%.pem", err);
	doc("/abs/x.pem", err);
	render(sarif);
	log = json_loadb(buf, buflen, 0, &je);
	cr_assert_not_null(log, "SARIF is not JSON: %s", je.text);
	cr_assert_str_eq(json_string_value(json_object_get(log, "version")), "2.1.0");
	cr_assert(strstr(json_string_value(json_object_get(log, "$schema")), "sarif-schema-2.1.0"));
	run = json_array_get(json_object_get(log, "runs"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "version")), "9.9.9");
	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	cr_assert_eq(json_array_size(rules), pol->nrules);
	for (size_t i = 0; i < pol->nrules; i++)
		cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, i), "id")), pol->rules[i].code);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, 0), "name")), "Unreadable");
	results = json_object_get(run, "results");
	cr_assert_eq(json_array_size(results), 4);
	r = json_array_get(results, 0);
	cr_assert_str_eq(json_string_value(json_object_get(r, "ruleId")), "expired");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rules,
		(size_t)json_integer_value(json_object_get(r, "ruleIndex"))), "id")), "expired");
	cr_assert_str_eq(json_string_value(json_object_get(r, "level")), "error");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "message"), "text")),
			 "message 0 of certs/a b%.pem <&>");
	loc = json_object_get(json_array_get(json_object_get(r, "locations"), 0), "physicalLocation");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
			 "certs/a%20b%25.pem");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(loc, "region"), "startLine")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "properties"), "subject")), "CN=leaf");
	r = json_array_get(results, 1);
	cr_assert_str_eq(json_string_value(json_object_get(r, "level")), "note");
	/* no certificate: only the hint in the properties */
	cr_assert_eq(json_object_size(json_object_get(r, "properties")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "properties"), "hint")), "a hint");
	r = json_array_get(results, 2);
	loc = json_object_get(json_array_get(json_object_get(r, "locations"), 0), "physicalLocation");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
			 "file:///abs/x.pem");
	json_decref(log);
}

Test(report_certaudit, sarif_write_error)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		cr_skip_test("no /dev/full");
	doc("a.pem", NULL);
	cr_assert_eq(ck_report_audit_sarif(f, docs, ndocs, pol, "1"), -1);
	fclose(f);
}

Test(report_certaudit, text_keeps_one_line_per_file)
{
	struct ck_text_opts o = { 0 };
	FILE *f;
	doc("dir/new\nline\x1b[31m.pem", NULL);
	f = open_memstream(&buf, &buflen);
	cr_assert_eq(ck_report_text_certaudit(f, docs[0], &o), 0);
	fclose(f);
	cr_assert_str_eq(buf, "OK    dir/new?line?[31m.pem\n");
}
