/* report (certaudit --format openmetrics): the exposition written from
 * documents built here, line by line: values, label escaping, grouping
 * by family, one series per label set, URL samples, "# EOF" last. */
#include "config.h"

#include "libcore/aia.h"
#include "libcore/policy.h"
#include "libcore/report.h"
#include "unit.h"

static struct ck_metrics *m;
static json_t *tot;
static char *buf;
static size_t buflen;

static void setup(void)
{
	m = ck_report_metrics_new();
	cr_assert_not_null(m);
	tot = json_pack("{s:{s:i, s:i, s:s}}", "totals", "files", 2, "not_audited", 1, "at",
			"2030-06-01T00:00:00Z");
	cr_assert_not_null(tot);
}

static void cleanup(void)
{
	ck_report_metrics_free(m);
	json_decref(tot);
	free(buf);
	buf = NULL;
}

TestSuite(openmetrics, .init = setup, .fini = cleanup);

static json_t *cert(const char *subject, const char *role, const char *not_after)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "subject", subject,
			 "issuer", "CN=CA", "serial", "0a1b", "role", role,
			 "sha256", "ab12", "not_before", "2030-01-01T00:00:00Z",
			 "not_after", not_after);
}

/* certaudit's document for `path`: verdict, summary and a chainview
 * report with `certs` (taken) and a chain */
static json_t *doc(const char *path, const char *verdict, json_t *certs, const char *status,
		   bool valid)
{
	json_t *d = json_pack("{s:s, s:s, s:{s:i, s:i, s:i}, s:{s:s, s:o, s:{s:s, s:b, s:b}}}",
			      "path", path, "verdict", verdict,
			      "summary", "errors", valid ? 0 : 2, "warnings", 1, "info", 0,
			      "report", "at", "2030-06-01T00:00:00Z", "certificates", certs,
			      "chain", "status", status, "trusted", valid, "valid", valid);
	cr_assert_not_null(d);
	return d;
}

static void add(json_t *d, const struct ck_url_set *urls)
{
	cr_assert_eq(ck_report_metrics_add(m, d, urls), 0);
	json_decref(d); /* the collection keeps what it uses */
}

static void render(void)
{
	FILE *f = open_memstream(&buf, &buflen);
	cr_assert_not_null(f);
	cr_assert_eq(ck_report_metrics_write(f, m, tot), 0);
	fclose(f);
}

/* the number of lines of the output that are exactly `line` */
static int count(const char *line)
{
	int n = 0;
	size_t len = strlen(line);
	for (const char *p = buf; (p = strstr(p, line)); p += len)
		n += (p == buf || p[-1] == '\n') && p[len] == '\n';
	return n;
}

#define ONE(line) cr_expect_eq(count(line), 1, "not once: %s\n---\n%s", line, buf)

Test(openmetrics, certificate_values_and_labels)
{
	add(doc("a.pem", "warn",
		json_pack("[o, o]", cert("CN=leaf", "leaf", "2030-07-01T00:00:00Z"),
			  cert("CN=ca", "intermediate", "2040-01-01T00:00:00Z")),
		"complete", true), NULL);
	render();
	/* 2030-07-01 is 1909094400; 30 days after the audit's time */
	ONE("chainkit_certificate_not_after_timestamp_seconds{file=\"a.pem\",subject=\"CN=leaf\","
	    "issuer=\"CN=CA\",serial=\"0a1b\",role=\"leaf\",sha256=\"ab12\"} 1909094400");
	ONE("chainkit_certificate_not_before_timestamp_seconds{file=\"a.pem\",subject=\"CN=ca\","
	    "issuer=\"CN=CA\",serial=\"0a1b\",role=\"intermediate\",sha256=\"ab12\"} 1893456000");
	ONE("chainkit_certificate_remaining_seconds{file=\"a.pem\",subject=\"CN=leaf\","
	    "issuer=\"CN=CA\",serial=\"0a1b\",role=\"leaf\",sha256=\"ab12\"} 2592000");
	ONE("chainkit_file_chain_complete{file=\"a.pem\"} 1");
	ONE("chainkit_file_chain_valid{file=\"a.pem\"} 1");
	ONE("chainkit_file_chain_trusted{file=\"a.pem\"} 1");
	ONE("chainkit_file_verdict{file=\"a.pem\",verdict=\"ok\"} 0");
	ONE("chainkit_file_verdict{file=\"a.pem\",verdict=\"warn\"} 1");
	ONE("chainkit_file_verdict{file=\"a.pem\",verdict=\"fail\"} 0");
	ONE("chainkit_file_findings{file=\"a.pem\",severity=\"warning\"} 1");
	ONE("chainkit_files_audited 2");
	ONE("chainkit_files_not_audited 1");
	ONE("chainkit_audit_timestamp_seconds 1906502400");
	ONE("# TYPE chainkit_certificate_remaining_seconds gauge");
	ONE("# UNIT chainkit_certificate_remaining_seconds seconds");
	ONE("# HELP chainkit_file_verdict 1 for the file's verdict by the policy (ok, warn, fail), 0 for the others.");
	/* no unit for a name without one; the exposition ends with # EOF */
	cr_expect_null(strstr(buf, "# UNIT chainkit_file_verdict"));
	cr_expect(buflen >= 6 && !strcmp(buf + buflen - 6, "# EOF\n"), "%s", buf);
	/* without --network, no URL family at all */
	cr_expect_null(strstr(buf, "chainkit_url_"), "%s", buf);
}

Test(openmetrics, label_values_escaped)
{
	add(doc("dir/a \"b\"\\c\nd.pem", "fail",
		json_pack("[o]", cert("CN=\"q\\\n", "leaf", "2031-01-01T00:00:00Z")), "incomplete",
		false), NULL);
	render();
	ONE("chainkit_file_chain_complete{file=\"dir/a \\\"b\\\"\\\\c\\nd.pem\"} 0");
	cr_expect_neq(strstr(buf, "subject=\"CN=\\\"q\\\\\\n\","), NULL, "%s", buf);
	ONE("chainkit_file_findings{file=\"dir/a \\\"b\\\"\\\\c\\nd.pem\",severity=\"error\"} 2");
}

Test(openmetrics, grouped_by_family_one_series_per_label_set)
{
	/* the same certificate twice in a file: one series */
	add(doc("a.pem", "ok",
		json_pack("[o, o]", cert("CN=x", "leaf", "2031-01-01T00:00:00Z"),
			  cert("CN=x", "leaf", "2031-01-01T00:00:00Z")),
		"complete", true), NULL);
	add(doc("b.pem", "ok", json_pack("[o]", cert("CN=y", "leaf", "2032-01-01T00:00:00Z")),
		"complete", true), NULL);
	render();
	cr_expect_eq(count("# TYPE chainkit_certificate_not_after_timestamp_seconds gauge"), 1);
	/* each family's samples follow its header, the files in order */
	const char *h = strstr(buf, "# TYPE chainkit_file_chain_valid gauge");
	const char *a = strstr(buf, "chainkit_file_chain_valid{file=\"a.pem\"} 1");
	const char *b = strstr(buf, "chainkit_file_chain_valid{file=\"b.pem\"} 1");
	const char *next = strstr(buf, "# HELP chainkit_file_chain_trusted");
	cr_assert(h && a && b && next, "%s", buf);
	cr_expect(h < a && a < b && b < next, "%s", buf);
	char *x = strstr(buf, "chainkit_certificate_not_after_timestamp_seconds{file=\"a.pem\",subject=\"CN=x\"");
	cr_assert_not_null(x);
	cr_expect_null(strstr(x + 1, "chainkit_certificate_not_after_timestamp_seconds{file=\"a.pem\",subject=\"CN=x\""));
}

Test(openmetrics, unreadable_file_has_verdict_not_chain)
{
	json_t *d = json_pack("{s:s, s:s, s:{s:i, s:i, s:i}, s:{s:{s:s}, s:{s:s}}}",
			      "path", "bad.der", "verdict", "fail",
			      "summary", "errors", 1, "warnings", 0, "info", 0,
			      "report", "input", "name", "bad.der", "error", "status", "malformed input");
	add(d, NULL);
	render();
	ONE("chainkit_file_verdict{file=\"bad.der\",verdict=\"fail\"} 1");
	ONE("chainkit_file_findings{file=\"bad.der\",severity=\"error\"} 1");
	cr_expect_null(strstr(buf, "chainkit_file_chain_"), "%s", buf);
	cr_expect_null(strstr(buf, "chainkit_certificate_"), "%s", buf);
}

Test(openmetrics, urls_up_and_latency)
{
	struct ck_url_entry e[3] = { 0 };
	long cert[3] = { 0, 0, 1 };
	struct ck_url_set s = { .urls = e, .cert = cert, .nurls = 3 };

	e[0] = (struct ck_url_entry){ .kind = CK_KIND_CRL, .url = "http://h/a.crl", .checked = true };
	e[0].net.t.total = 250; /* ms */
	e[1] = (struct ck_url_entry){ .kind = CK_KIND_OCSP, .url = "http://h:1/", .checked = true,
				      .result = CK_URL_REFUSED };
	e[1].net.result = CK_URL_REFUSED;
	e[1].net.t.total = 1;
	/* not requested: no up, no latency */
	e[2] = (struct ck_url_entry){ .kind = CK_KIND_CA_ISSUERS, .url = "ldap://h/x",
				      .result = CK_URL_UNSUPPORTED_SCHEME };
	add(doc("a.pem", "ok", json_array(), "complete", true), &s);
	render();
	ONE("chainkit_url_up{file=\"a.pem\",kind=\"crl\",url=\"http://h/a.crl\"} 1");
	ONE("chainkit_url_up{file=\"a.pem\",kind=\"ocsp\",url=\"http://h:1/\"} 0");
	ONE("chainkit_url_latency_seconds{file=\"a.pem\",kind=\"crl\",url=\"http://h/a.crl\"} 0.250000");
	ONE("chainkit_url_latency_seconds{file=\"a.pem\",kind=\"ocsp\",url=\"http://h:1/\"} 0.001000");
	ONE("# UNIT chainkit_url_latency_seconds seconds");
	cr_expect_null(strstr(buf, "ldap://"), "%s", buf);
}

Test(openmetrics, write_error)
{
	FILE *f = fopen("/dev/full", "w");
	cr_assert_not_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	add(doc("a.pem", "ok", json_array(), "complete", true), NULL);
	cr_expect_eq(ck_report_metrics_write(f, m, tot), -1);
	fclose(f);
}
