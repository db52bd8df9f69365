/* fuzz-aialist — aiacheck --list over a bundle decoded from the input:
 * every caIssuers, OCSP, CRL and freshest-CRL URL of the chain listed,
 * validated and classified (ck_aia_check with list_only: no request is
 * ever made), each runtime's rules replayed over it (ck_runtime_emulate:
 * which URLs .NET, OpenSSL and Java would fetch, in which order, and
 * the stall), and aiacheck's document rendered as JSON, XML, text and
 * JUnit XML.
 *
 * Input: the fuzz.h header (flag 0x04: the fixture roots as a trust
 * store; 0x08: --revocation), then the bundle. */
#include "config.h"

#include "fuzz.h"

#include "libcore/aia.h"
#include "libcore/report.h"
#include "libcore/runtime.h"

#include <stdlib.h>
#include <string.h>

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

static void render(json_t *doc, bool color)
{
	struct fz_mem m = { 0 };
	struct ck_text_opts to = { .color = color, .verbose = true };

	fz_check_doc(doc, "report");
	if (ck_report_text_aiacheck(fz_mem_open(&m), doc, &to) < 0)
		fz_fail("ck_report_text_aiacheck failed");
	fz_mem_close(&m);
	if (ck_report_junit(fz_mem_open(&m), &doc, 1) < 0)
		fz_fail("ck_report_junit failed");
	fz_mem_close(&m);
	fz_assert_xml(m.buf, m.len);
	fz_mem_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	uint8_t flags = fz_header(&f, &pw);
	struct ck_load_opts lo = { .password = &pw.pw, .kdf_budget = FZ_KDF_BUDGET };
	struct ck_aia_opts ao = { .analyze.chain.at = 1893456000, .list_only = true };
	const struct ck_trust *trust = flags & 0x04 ? roots : NULL;
	struct ck_runtime_verdict *vs[CK_RT_COUNT] = { 0 };
	struct ck_aia_report *r = NULL;
	struct ck_bundle *b = NULL;
	struct ck_error err;
	size_t nv = 0;
	json_t *doc;
	enum ck_status rc;

	ck_error_clear(&err);
	rc = ck_bundle_load_mem(f.p, f.n, "fuzz-input", &lo, &b, &err);
	fz_assert_error(rc, &err);
	if (rc)
		goto out;
	rc = ck_aia_check(b, trust, &ao, &r, &err);
	fz_assert_error(rc, &err);
	if (rc)
		goto out;
	for (size_t i = 0; i < r->nurls; i++) {
		if (r->urls[i].checked || r->urls[i].net.nhops)
			fz_fail("--list made a request for %s", r->urls[i].url);
		fz_assert_line("a URL note", r->urls[i].note[0] ? r->urls[i].note : "-");
	}
	for (int i = 0; i < CK_RT_COUNT; i++) {
		rc = ck_runtime_emulate(r, trust, (enum ck_runtime_id)i, (flags & 0x08) != 0, NULL, &vs[nv],
					&err);
		fz_assert_error(rc, &err);
		if (rc)
			goto out;
		fz_assert_line("a runtime's summary", vs[nv]->summary);
		nv++;
	}
	doc = ck_report_aiacheck(r, vs, nv);
	if (!doc)
		fz_fail("ck_report_aiacheck failed");
	render(doc, (flags & 0x10) != 0);
	json_decref(doc);
out:
	for (size_t i = 0; i < nv; i++)
		ck_runtime_verdict_free(vs[i]);
	ck_aia_report_free(r);
	ck_bundle_free(b);
	fz_pw_cleanup(&pw);
	return 0;
}
