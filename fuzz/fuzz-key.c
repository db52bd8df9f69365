/* fuzz-key — private keys: ck_key_parse() on PEM (flag 0x04) or DER
 * (PKCS#8 plain and encrypted, PKCS#1, SEC1, OpenSSL's Proc-Type
 * encryption) with the password given in the header or none, as load
 * reads a key; an encrypted PKCS#8 key goes on to
 * ck_key_from_encrypted_pkcs8() (libcore's PBE code, GnuTLS for the
 * algorithms it does not know), which flag 0x08 calls directly (the
 * absent password unless one is given).
 *
 * Input: the fuzz.h header, then the key. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	uint8_t flags = fz_header(&f, &pw);
	struct ck_key *k = NULL;
	struct ck_error err;
	enum ck_status rc;

	ck_error_clear(&err);
	if (flags & 0x08)
		rc = ck_key_from_encrypted_pkcs8(f.p, f.n, pw.pw.value, &k, &err);
	else
		rc = ck_key_parse(f.p, f.n, (flags & 0x04) != 0, pw.pw.value, &k, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK) {
		if (!k || !k->pkcs8 || !k->pkcs8_len || !ck_key_type(k))
			fz_fail("a key parsed without its PKCS#8 form or type");
		ck_key_curve_name(k);
	} else if (k) {
		fz_fail("a failed key parse returned a key");
	}
	ck_key_free(k);
	fz_pw_cleanup(&pw);
	return 0;
}
