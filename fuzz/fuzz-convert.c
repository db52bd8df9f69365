/* fuzz-convert — what pfx2pem, pem2pfx and certconv do with a bundle
 * decoded from the input: the chain doctor (ck_fix: order, duplicates,
 * unrelated certificates, roots, intermediates completed from the
 * fixture roots' store), then every output form, each read back with
 * load and compared: PEM with the containers' attributes as comment
 * lines (a friendly name from a PFX is outside text: it must not inject
 * a block), PKCS#7, PKCS#8 keys, base64 and (flag 0x40) a PFX written
 * with one iteration (the writer reads its own output back too).
 *
 * Input: the fuzz.h header (flag 0x04: the fixture roots as a trust
 * store; 0x08: the primary chain only; 0x10: keep the root; 0x20:
 * complete from the store; 0x40: write a PFX; 0x80: PKCS#12 legacy
 * profile), then the bundle. */
#include "config.h"

#include "fuzz.h"

#include "libcore/export.h"
#include "libcore/fix.h"
#include "libcore/pkcs12.h"

#include <stdlib.h>
#include <string.h>

static struct ck_trust *roots;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char a[4096], b[4096], c[4096];
	static const char *files[4] = { a, b, c, NULL };
	struct ck_trust_opts o = { .files = files };
	struct ck_error err;

	(void)argc;
	(void)argv;
	snprintf(a, sizeof a, "%s/pki/root-ca.crt", CK_FIXTURES);
	snprintf(b, sizeof b, "%s/pki/ec-root.crt", CK_FIXTURES);
	snprintf(c, sizeof c, "%s/pki/int-ca.crt", CK_FIXTURES);
	ck_error_clear(&err);
	if (ck_trust_load(&o, &roots, &err))
		fz_fail("fixture roots: %s", err.what);
	return 0;
}

/* Load `buf` back and abort unless it holds exactly these certificates
 * (same DER, same order) and `nkeys` keys. */
static void read_back(const char *what, const struct ck_buf *buf, const struct ck_cert *const *certs,
		      size_t ncerts, size_t nkeys, const char *password)
{
	struct ck_password pw = { .value = password };
	struct ck_load_opts lo = { .password = &pw };
	struct ck_bundle *b = NULL;
	struct ck_error err;
	enum ck_status rc;

	ck_error_clear(&err);
	rc = ck_bundle_load_mem(buf->data, buf->len, what, &lo, &b, &err);
	if (rc)
		fz_fail("%s written for %zu certificates does not load: %s", what, ncerts, err.what);
	if (b->ncerts != ncerts || b->nkeys != nkeys)
		fz_fail("%s: %zu certificates and %zu keys written, %zu and %zu read", what, ncerts,
			nkeys, b->ncerts, b->nkeys);
	for (size_t i = 0; i < ncerts; i++)
		if (b->certs[i]->der_len != certs[i]->der_len ||
		    memcmp(b->certs[i]->der, certs[i]->der, certs[i]->der_len))
			fz_fail("%s: certificate %zu changed on the way", what, i);
	ck_bundle_free(b);
}

static void check_fixed(const struct ck_bundle *b, const struct ck_fixed *x)
{
	if (x->ncerts > b->ncerts + x->nadded)
		fz_fail("the fix gives %zu certificates from %zu and %zu added", x->ncerts, b->ncerts,
			x->nadded);
	if (x->leaf >= (long)x->ncerts)
		fz_fail("the leaf is not in the output");
	for (size_t i = 0; i < x->ncerts; i++) {
		if (!x->certs[i] || !x->roles[i])
			fz_fail("output %zu without a certificate or role", i);
		if (x->input_pos[i] < 0 || (size_t)x->input_pos[i] > b->ncerts)
			fz_fail("output %zu has input position %d", i, x->input_pos[i]);
	}
	for (size_t i = 0; i < x->nchanges; i++)
		if (x->changes[i].kind != CK_FIX_REORDERED && !x->changes[i].cert)
			fz_fail("change %zu names no certificate", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	uint8_t flags = fz_header(&f, &pw);
	struct ck_load_opts lo = { .password = &pw.pw, .kdf_budget = FZ_KDF_BUDGET };
	struct ck_fix_opts fo = { .scope = flags & 0x08 ? CK_FIX_PRIMARY : CK_FIX_ALL,
				  .keep_root = (flags & 0x10) != 0,
				  .complete = (flags & 0x20) != 0,
				  .at = 1893456000 };
	struct ck_bundle *b = NULL;
	struct ck_fixed *x = NULL;
	struct ck_buf buf;
	struct ck_error err;
	enum ck_status rc;

	ck_buf_init(&buf);
	ck_error_clear(&err);
	rc = ck_bundle_load_mem(f.p, f.n, "fuzz-input", &lo, &b, &err);
	fz_assert_error(rc, &err);
	if (rc)
		goto out;
	rc = ck_fix(b, flags & 0x04 ? roots : NULL, &fo, &x, &err);
	fz_assert_error(rc, &err);
	if (rc)
		goto out;
	check_fixed(b, x);

	/* PEM with attributes, then the key */
	for (size_t i = 0; i < x->ncerts && !rc; i++)
		rc = ck_export_cert_pem(x->certs[i], true, &buf, &err);
	if (!rc && x->key)
		rc = ck_export_key_pem(x->key, NULL, true, &buf, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK && (x->ncerts || x->key))
		read_back("PEM", &buf, x->certs, x->ncerts, x->key ? 1 : 0, NULL);
	ck_buf_cleanup(&buf);

	/* PKCS#7, and its base64 */
	if (x->ncerts) {
		struct ck_buf b64;
		ck_buf_init(&b64);
		rc = ck_export_pkcs7(x->certs, x->ncerts, &buf, &err);
		fz_assert_error(rc, &err);
		if (rc == CK_OK) {
			read_back("PKCS#7", &buf, x->certs, x->ncerts, 0, NULL);
			rc = ck_export_base64(buf.data, buf.len, &b64, &err);
			fz_assert_error(rc, &err);
			if (rc == CK_OK)
				read_back("base64 PKCS#7", &b64, x->certs, x->ncerts, 0, NULL);
		}
		ck_buf_cleanup(&b64);
		ck_buf_cleanup(&buf);
	}

	/* PFX: the password from the header (or "test"), the first key's
	 * friendly name from the input's container */
	if ((flags & 0x40) && (x->ncerts || x->key)) {
		struct ck_p12_write_opts po = {
			.profile = flags & 0x80 ? CK_P12_LEGACY : CK_P12_MODERN,
			.iterations = flags & 0x80 ? 1 : CK_P12_MODERN_MIN_ITERATIONS,
			.password = pw.value ? pw.value : "test",
			.friendly_name = x->key && x->key->friendly_name ? x->key->friendly_name : NULL,
		};
		rc = ck_pkcs12_write(x->certs, x->ncerts, x->key, &po, &buf, &err);
		fz_assert_error(rc, &err);
		ck_buf_cleanup(&buf);
	}
out:
	ck_buf_cleanup(&buf);
	ck_fixed_free(x);
	ck_bundle_free(b);
	fz_pw_cleanup(&pw);
	return 0;
}
