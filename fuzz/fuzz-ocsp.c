/* fuzz-ocsp — an OCSP response as aiacheck checks what a responder
 * served: ck_ocsp_check() (GnuTLS's decoder; response status, the
 * single response matched to the certificate, responder name or key id,
 * signature by the issuer or a delegated responder, dates, revocation
 * reason) for a fixture certificate and its issuer, or with the issuer
 * unknown.  The request the answer is for is built too
 * (ck_ocsp_request, ck_ocsp_get_url).
 *
 * Input: a byte choosing the certificate pair, then the response. */
#include "config.h"

#include "fuzz.h"

#include "libcore/revocation.h"

#include <stdlib.h>

static const char *const pairs[][2] = {
	{ "pki/client.der", "pki/int-ca.der" },
	{ "pki/revoked-leaf.der", "pki/int-ca.der" },
	{ "pki/ec-leaf.der", "pki/ec-int.der" },
	{ "pki/client.der", NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	unsigned sel = fz_u8(&f);
	const struct ck_cert *cert = fz_fixture_cert(pairs[sel & 3][0]);
	const struct ck_cert *issuer = pairs[sel & 3][1] ? fz_fixture_cert(pairs[sel & 3][1]) : NULL;
	struct ck_ocsp_info info = { 0 };
	char note[400] = "";
	enum ck_url_result r;

	r = ck_ocsp_check(f.p, f.n, cert, issuer, 1893456000, sel & 0x80 ? 0 : 24, &info, note,
			  sizeof note);
	if (r != CK_URL_OK && r != CK_URL_BAD_CONTENT && r != CK_URL_WRONG_ISSUER &&
	    r != CK_URL_STALE && r != CK_URL_REVOKED)
		fz_fail("ck_ocsp_check gave class %d", (int)r);
	fz_assert_line("the OCSP note", note);
	ck_ocsp_info_cleanup(&info);
	if (issuer && (sel & 0x40)) {
		unsigned char *req = NULL;
		size_t len = 0;
		struct ck_error err;
		ck_error_clear(&err);
		fz_assert_error(ck_ocsp_request(cert, issuer, &req, &len, &err), &err);
		if (req) {
			char *get = ck_ocsp_get_url("http://127.0.0.1:18081/", req, len);
			free(get);
		}
		free(req);
	}
	return 0;
}
