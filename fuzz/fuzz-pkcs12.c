/* fuzz-pkcs12 — ck_pkcs12_load(), the PKCS#12 walker: the PFX and
 * AuthenticatedSafe structure, MAC, password choice (absent, empty,
 * given, prompted), PBES1/PBES2 parameters, encrypted SafeContents,
 * nested bags, attributes (friendly names in BMPString, key ids),
 * certificate and key bags.
 *
 * Input: the fuzz.h header, then the PFX. */
#include "config.h"

#include "fuzz.h"

#include "libcore/pkcs12.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	struct ck_bundle *b = calloc(1, sizeof *b);
	struct ck_error err;
	enum ck_status rc;

	fz_header(&f, &pw);
	if (!b || !(b->name = strdup("fuzz-input.pfx")))
		abort();
	b->format = CK_FMT_PKCS12;
	ck_error_clear(&err);
	rc = ck_pkcs12_load(b, f.p, f.n, &pw.pw, 0, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK) {
		if (!b->p12 || (b->p12->nbags && !b->p12->bags) || !b->p12->password_kind)
			fz_fail("PKCS#12 loaded without its description");
		for (size_t i = 0; i < b->p12->nbags; i++)
			if (!b->p12->bags[i].content)
				fz_fail("PKCS#12 bag %zu without a content label", i);
		fz_check_bundle(b);
	}
	ck_bundle_free(b);
	fz_pw_cleanup(&pw);
	return 0;
}
