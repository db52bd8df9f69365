/* fuzz-load — ck_bundle_load_mem(): the format sniff and every reader
 * behind it (JKS/JCEKS, PEM, DER certificate, PKCS#7, PKCS#12, keys,
 * base64), as the tools call it: with no password (the absent and the
 * empty one are tried), with a given one, and with the prompt stand-in.
 *
 * Input: the fuzz.h header (flag 0x04: allow_empty), then the file. */
#include "config.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	uint8_t flags = fz_header(&f, &pw);
	struct ck_load_opts o = { .password = &pw.pw, .allow_empty = (flags & 0x04) != 0 };
	struct ck_bundle *b = NULL;
	struct ck_error err;
	enum ck_status rc;

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
