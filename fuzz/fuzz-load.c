/* fuzz-load — ck_bundle_load_mem(): the format sniff and every reader
 * behind it (JKS/JCEKS, PEM, DER certificate, PKCS#7, PKCS#12, keys,
 * base64), as the tools call it: with no password (the absent and the
 * empty one are tried), with a given one, and with the prompt stand-in.
 * Before it, as chainview does, the certificate request reader
 * (ck_csr_sniff, ck_csr_parse, ck_report_csr).
 *
 * Input: the fuzz.h header (flag 0x04: allow_empty), then the file. */
#include "config.h"

#include "fuzz.h"
#include "libcore/csr.h"
#include "libcore/report-csr.h"

static void csr(const uint8_t *p, size_t n)
{
	struct ck_csr *c = NULL;
	struct ck_error err;
	enum ck_status rc;

	ck_error_clear(&err);
	if (!ck_csr_sniff(p, n))
		return;
	rc = ck_csr_parse(p, n, &c, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK)
		json_decref(ck_report_csr("fuzz-input", true, c));
	else if (c)
		fz_fail("a failed CSR parse returned a request");
	ck_csr_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	uint8_t flags = fz_header(&f, &pw);
	struct ck_load_opts o = { .password = &pw.pw, .allow_empty = (flags & 0x04) != 0 };
	struct ck_bundle *b = NULL;
	struct ck_error err;
	enum ck_status rc;

	csr(f.p, f.n);
	ck_error_clear(&err);
	rc = ck_bundle_load_mem(f.p, f.n, "fuzz-input", &o, &b, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK)
		fz_check_bundle(b);
	else if (b)
		fz_fail("a failed load returned a bundle");
	ck_bundle_free(b);
	fz_pw_cleanup(&pw);
	return 0;
}
