/* fuzz-jks — ck_jks_load(), the Java keystore reader: JKS and JCEKS
 * headers, entries (private key, trusted certificate, secret key with
 * its Java serialized object), modified UTF-8 aliases, certificate
 * chains, and the integrity hash with the given, default and empty
 * passwords.
 *
 * Input: the fuzz.h header, then the keystore (the JKS magic is not
 * required: ck_jks_load is called directly). */
#include "config.h"

#include "fuzz.h"

#include "libcore/jks.h"
#include "libcore/report.h"

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
	if (!b || !(b->name = strdup("fuzz-input.jks")))
		abort();
	b->format = CK_FMT_JKS;
	ck_jks_sniff(f.p, f.n);
	ck_error_clear(&err);
	rc = ck_jks_load(b, f.p, f.n, &pw.pw, 0, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK) {
		json_t *doc;
		if (!b->jks)
			fz_fail("a keystore loaded without its description");
		for (size_t i = 0; i < b->jks->nentries; i++) {
			const struct ck_jks_entry *e = &b->jks->entries[i];
			if (!e->alias || e->first_cert + e->ncerts > b->ncerts)
				fz_fail("keystore entry %zu is inconsistent", i);
		}
		fz_check_bundle(b);
		doc = ck_report_jks_json(b->jks);
		if (!doc)
			fz_fail("ck_report_jks_json failed");
		fz_check_doc(doc, "jks");
		json_decref(doc);
	}
	ck_bundle_free(b);
	fz_pw_cleanup(&pw);
	return 0;
}
