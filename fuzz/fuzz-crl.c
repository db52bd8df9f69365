/* fuzz-crl — a CRL as aiacheck checks what a CRL distribution point
 * served: ck_crl_check() (DER or PEM, GnuTLS's decoder; issuer, signature,
 * dates, cRLNumber, deltaCRLIndicator, the certificate's serial looked
 * up) for a fixture certificate and its issuer, or with the issuer
 * unknown.
 *
 * Input: a byte choosing the certificate pair, then the CRL. */
#include "config.h"

#include "fuzz.h"

#include "libcore/revocation.h"

static const char *const pairs[][2] = {
	{ "pki/client.der", "pki/int-ca.der" },
	{ "pki/int-ca.der", "pki/root-ca.der" },
	{ "pki/ec-int.der", "pki/ec-root.der" },
	{ "pki/revoked-leaf.der", NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	unsigned sel = fz_u8(&f);
	const struct ck_cert *cert = fz_fixture_cert(pairs[sel & 3][0]);
	const struct ck_cert *issuer = pairs[sel & 3][1] ? fz_fixture_cert(pairs[sel & 3][1]) : NULL;
	struct ck_crl_info info = { 0 };
	char note[400] = "";
	enum ck_url_result r;

	r = ck_crl_check(f.p, f.n, cert, issuer, 1893456000, sel & 0x80 ? 0 : 24, &info, note,
			 sizeof note);
	if (r != CK_URL_OK && r != CK_URL_BAD_CONTENT && r != CK_URL_WRONG_ISSUER &&
	    r != CK_URL_STALE && r != CK_URL_REVOKED)
		fz_fail("ck_crl_check gave class %d", (int)r);
	fz_assert_line("the CRL note", note);
	if (r == CK_URL_OK && (!info.format || !info.issuer))
		fz_fail("a CRL checked without its format or issuer");
	ck_crl_info_cleanup(&info);
	return 0;
}
