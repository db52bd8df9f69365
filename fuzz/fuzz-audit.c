/* fuzz-audit — certaudit over a bundle decoded from the input: the
 * analysis with the policy's options, ck_audit_bundle() (findings,
 * levels, verdict), the URL set certaudit --network would check (built,
 * not checked: no request is made), and certaudit's document rendered as
 * JSON, XML, text, JUnit XML and SARIF, which must parse back.
 * Text is rendered for every input; the JSON, XML, JUnit and SARIF
 * round trips (85 % of the time when always made: SARIF's dump and
 * jansson's parse above all) for every document of an unreadable file
 * or of at most FZ_AUDIT_ALWAYS certificates, and for one input in 8 of
 * the others, chosen by a hash of the input (fz_sampled): a replay
 * checks what the run checked.
 *
 * Input: the fuzz.h header (flag 0x04: the fixture roots as a trust
 * store; 0x08: a policy follows, a length byte and that many bytes of
 * policy text, applied when it parses; 0x10: colour; 0x20: verbose),
 * then the bundle. */
#include "config.h"

#include "fuzz.h"

#include "libcore/policy.h"
#include "libcore/report.h"

#include <stdlib.h>
#include <string.h>

#define FZ_AUDIT_ALWAYS 0

static struct ck_trust *roots;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char a[4096], b[4096];
	static const char *files[3] = { a, b, NULL };
	struct ck_trust_opts o = { .files = files };
	struct ck_error err;

	(void)argc;
	(void)argv;
	snprintf(a, sizeof a, "%s/pki/root-ca.crt", CK_FIXTURES);
	snprintf(b, sizeof b, "%s/pki/ec-root.crt", CK_FIXTURES);
	ck_error_clear(&err);
	if (ck_trust_load(&o, &roots, &err))
		fz_fail("fixture roots: %s", err.what);
	return 0;
}

static void render(json_t *doc, const struct ck_policy *p, uint8_t flags, bool round_trip)
{
	struct fz_mem m = { 0 };
	struct ck_text_opts to = { .color = (flags & 0x10) != 0, .verbose = (flags & 0x20) != 0 };
	json_error_t jerr;
	json_t *back;

	if (round_trip)
		fz_check_doc(doc, "report");
	if (ck_report_text_certaudit(fz_mem_open(&m), doc, &to) < 0)
		fz_fail("ck_report_text_certaudit failed");
	fz_mem_close(&m);
	if (!to.color)
		for (size_t i = 0; i < m.len; i++)
			if (((unsigned char)m.buf[i] < 0x20 && m.buf[i] != '\n') || m.buf[i] == 0x7f)
				fz_fail("certaudit's text holds control character 0x%02x",
					(unsigned char)m.buf[i]);
	if (!round_trip) {
		fz_mem_free(&m);
		return;
	}
	if (ck_report_audit_junit(fz_mem_open(&m), &doc, 1) < 0)
		fz_fail("ck_report_audit_junit failed");
	fz_mem_close(&m);
	fz_assert_xml(m.buf, m.len);
	if (ck_report_audit_sarif(fz_mem_open(&m), &doc, 1, p, "0.1.0") < 0)
		fz_fail("ck_report_audit_sarif failed");
	fz_mem_close(&m);
	back = json_loadb(m.buf, m.len, 0, &jerr);
	if (!back)
		fz_fail("SARIF is not JSON: %s", jerr.text);
	json_decref(back);
	fz_mem_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	uint8_t flags = fz_header(&f, &pw);
	struct ck_load_opts lo = { .password = &pw.pw, .kdf_budget = FZ_KDF_BUDGET };
	struct ck_analyze_opts ao;
	struct ck_policy *p = NULL;
	struct ck_bundle *b = NULL;
	struct ck_analysis *a = NULL;
	struct ck_audit *au = NULL;
	struct ck_url_set *urls = NULL;
	struct ck_error err;
	json_t *doc = NULL;
	enum ck_status rc;

	ck_error_clear(&err);
	if (ck_policy_new(&p, &err))
		fz_fail("ck_policy_new: %s", err.what);
	if (flags & 0x08) {
		size_t n = fz_u8(&f);
		if (n > f.n)
			n = f.n;
		fz_assert_error(ck_policy_parse(p, (const char *)f.p, n, &err), &err);
		f.p += n;
		f.n -= n;
	}
	ck_error_clear(&err);
	rc = ck_bundle_load_mem(f.p, f.n, "fuzz-input", &lo, &b, &err);
	fz_assert_error(rc, &err);
	if (rc) {
		/* certaudit audits an unreadable file too: one finding */
		if (ck_audit_failure_code(rc)) {
			struct ck_error err2;
			ck_error_clear(&err2);
			rc = ck_audit_failure(p, &err, &au, &err2);
			fz_assert_error(rc, &err2);
			if (rc == CK_OK) {
				doc = ck_report_audit("fuzz-input", au, NULL);
				if (!doc)
					fz_fail("ck_report_audit failed");
				render(doc, p, flags, true);
			}
		}
		goto out;
	}
	ck_policy_analyze_opts(p, 1893456000, &ao);
	rc = ck_analyze(b, flags & 0x04 ? roots : NULL, &ao, &a, &err);
	fz_assert_error(rc, &err);
	if (rc)
		goto out;
	rc = ck_audit_bundle(p, b, a, &au, &err);
	fz_assert_error(rc, &err);
	if (rc)
		goto out;
	if (au->nfindings != au->errors + au->warnings + au->infos)
		fz_fail("%zu findings, %zu+%zu+%zu by level", au->nfindings, au->errors, au->warnings,
			au->infos);
	for (size_t i = 0; i < au->nfindings; i++)
		fz_assert_line("a finding", au->findings[i].message);
	doc = ck_report_audit("fuzz-input", au, ck_report_bundle(b, a));
	if (!doc)
		fz_fail("ck_report_audit failed");
	rc = ck_url_set_new(a, &urls, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK && json_object_set_new(doc, "urls", ck_report_audit_urls(urls)) < 0)
		fz_fail("ck_report_audit_urls failed");
	render(doc, p, flags, b->ncerts <= FZ_AUDIT_ALWAYS || fz_sampled(data, size, 8));
out:
	json_decref(doc);
	ck_url_set_free(urls);
	ck_audit_free(au);
	ck_analysis_free(a);
	ck_bundle_free(b);
	ck_policy_free(p);
	fz_pw_cleanup(&pw);
	return 0;
}
