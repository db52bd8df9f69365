/* fuzz-issuer — what a caIssuers URL served, as aiacheck reads it:
 * ck_aia_check_issuer() (any format load reads: DER, PEM, PKCS#7 .p7c,
 * base64, PKCS#12; the issuer of a fixture certificate looked for by
 * name, key id and signature), and LDAP answers as libcurl prints them
 * (ck_aia_ldap_values: "\tcACertificate;binary: BASE64" lines), whose
 * values then go through the same check.
 *
 * Input: a byte (bit 0: the answer is LDAP output; bits 1-2: the
 * certificate), then the answer. */
#include "config.h"

#include "fuzz.h"

#include "libcore/aia.h"

#include <stdlib.h>

static const char *const certs[] = {
	"pki/client.der",
	"pki/int-ca.der",
	"pki/ec-int.der",
	"pki/int-ca-cross.der",
};

static const char *const attrs[] = {
	"cACertificate",
	"certificateRevocationList",
	"authorityRevocationList",
	"crossCertificatePair",
};

static void check(const unsigned char *body, size_t len, const struct ck_cert *cert)
{
	struct ck_issuer_info info;
	char note[400] = "";
	enum ck_url_result r = ck_aia_check_issuer(body, len, cert, &info, note, sizeof note);

	if (r != CK_URL_OK && r != CK_URL_BAD_CONTENT && r != CK_URL_WRONG_ISSUER)
		fz_fail("ck_aia_check_issuer gave class %d", (int)r);
	fz_assert_line("the caIssuers note", note);
	if (r == CK_URL_OK && !info.issuer)
		fz_fail("caIssuers ok without the issuer");
	ck_issuer_info_cleanup(&info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	unsigned sel = fz_u8(&f);
	const struct ck_cert *cert = fz_fixture_cert(certs[(sel >> 1) & 3]);

	if (sel & 1) {
		unsigned char *der = NULL;
		size_t len = 0;
		if (ck_aia_ldap_values(f.p, f.n, attrs[(sel >> 3) & 3], &der, &len)) {
			check(der, len, cert);
			free(der);
		}
	} else {
		check(f.p, f.n, cert);
	}
	return 0;
}
