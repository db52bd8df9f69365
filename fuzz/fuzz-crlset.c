/* fuzz-crlset — RFC 5280 §6.3 over CRLs from the input: ck_crlset_add()
 * (DER, or PEM with many blocks; entries, extensions, the
 * issuingDistributionPoint, numbers) then ck_crlset_check() for a
 * fixture certificate of fixtures/crl/ (distribution points, scope,
 * reasons, delta CRLs, signer search in a pool, entry lookup).
 *
 * A mutated CRL rarely keeps a valid signature, which would stop the
 * check before the entries are looked up; so with flag 0x20 the input
 * CRL's tbsCertList is signed again with the fixture CA's key
 * (fixtures/crl/ca.key, sha256WithRSAEncryption), as a CA would have.
 *
 * Input: byte 0 flags (bits 0..2 the certificate, 0x08 the fixture's
 * complete CRL ca.crl is in the set too, 0x10 its delta CRL, 0x20 sign
 * again, 0x40 the signer callback refuses, 0x80 the pool is empty),
 * byte 1 the time (modulo 4: 2030, 2020-06, 2011-04-15, 2071), then the
 * CRL bytes. */
#include "config.h"

#include "fuzz.h"

#include "libcore/crl.h"
#include "libcore/der.h"
#include "libcore/report-crl.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>

static const char *const certs[][2] = {
	{ "crl/good.der", "crl/ca.der" },    { "crl/revoked.der", "crl/ca.der" },
	{ "crl/hold.der", "crl/ca.der" },    { "crl/delta.der", "crl/ca.der" },
	{ "crl/otherdp.der", "crl/ca.der" }, { "crl/ca.der", "crl/root.der" },
	{ "pki/client.der", "pki/int-ca.der" }, { "pki/revoked-leaf.der", "pki/int-ca.der" },
};

static const time_t times[] = { 1893456000, 1590969600, 1302825600, 3187296000 };

static gnutls_privkey_t ca_key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t len;
	const unsigned char *pem = fz_fixture("crl/ca.key", &len);
	gnutls_datum_t d = { (unsigned char *)pem, (unsigned)len };

	(void)argc;
	(void)argv;
	if (gnutls_privkey_init(&ca_key) < 0 ||
	    gnutls_privkey_import_x509_raw(ca_key, &d, GNUTLS_X509_FMT_PEM, NULL, 0) < 0)
		fz_fail("crl/ca.key cannot be read");
	return 0;
}

static void put_len(unsigned char **p, size_t n)
{
	if (n < 0x80) {
		*(*p)++ = (unsigned char)n;
	} else if (n < 0x100) {
		*(*p)++ = 0x81;
		*(*p)++ = (unsigned char)n;
	} else if (n < 0x10000) {
		*(*p)++ = 0x82;
		*(*p)++ = (unsigned char)(n >> 8);
		*(*p)++ = (unsigned char)n;
	} else {
		*(*p)++ = 0x83;
		*(*p)++ = (unsigned char)(n >> 16);
		*(*p)++ = (unsigned char)(n >> 8);
		*(*p)++ = (unsigned char)n;
	}
}

/* The input's tbsCertList (the first TLV inside the first one), signed
 * with ca.key: SEQUENCE { tbs, sha256WithRSAEncryption, BIT STRING }.
 * NULL when the input does not have that shape. */
static unsigned char *resign(const unsigned char *data, size_t len, size_t *out_len)
{
	static const unsigned char alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
					     0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
	struct ck_tlv o, t;
	gnutls_datum_t tbs, sig = { NULL, 0 };
	unsigned char *buf, *p;
	size_t body;

	if (len < 2 || !(data[0] & 0x20) || (data[1] & 0x80 && (data[1] & 0x7f) > 4))
		return NULL;
	o.hdr_len = data[1] & 0x80 ? 2 + (size_t)(data[1] & 0x7f) : 2;
	if (o.hdr_len >= len ||
	    ck_der_read(data + o.hdr_len, len - o.hdr_len, false, 0, &t, NULL) ||
	    t.hdr_len + t.len > 0xffff)
		return NULL;
	tbs.data = (unsigned char *)data + o.hdr_len;
	tbs.size = (unsigned)(t.hdr_len + t.len);
	if (gnutls_privkey_sign_data(ca_key, GNUTLS_DIG_SHA256, 0, &tbs, &sig) < 0)
		fz_fail("signing with crl/ca.key failed");
	body = tbs.size + sizeof alg + 4 + 1 + sig.size;
	buf = malloc(body + 8);
	if (!buf)
		abort();
	p = buf;
	*p++ = 0x30;
	put_len(&p, body);
	memcpy(p, tbs.data, tbs.size);
	p += tbs.size;
	memcpy(p, alg, sizeof alg);
	p += sizeof alg;
	*p++ = 0x03;
	put_len(&p, sig.size + 1);
	*p++ = 0;
	memcpy(p, sig.data, sig.size);
	p += sig.size;
	gnutls_free(sig.data);
	*out_len = (size_t)(p - buf);
	return buf;
}

static bool signer_ok(void *ctx, const struct ck_cert *signer, const struct ck_cert *issuer)
{
	(void)signer;
	(void)issuer;
	return *(const bool *)ctx;
}

static void add_fixture(struct ck_crlset *s, const char *rel)
{
	size_t len;
	const unsigned char *d = fz_fixture(rel, &len);
	struct ck_error err;
	ck_error_clear(&err);
	if (ck_crlset_add(s, d, len, rel, &err))
		fz_fail("fixture %s: %s", rel, err.what);
}

/* chainview's view of the set: the accessors, the document with every
 * entry, and its text (to /dev/null). */
static bool count_entry(void *ctx, const struct ck_crl_entry *e)
{
	if (!e->serial || e->reason < -1 || e->reason > 255)
		fz_fail("entry with reason %d", e->reason);
	(*(size_t *)ctx)++;
	return true;
}

static void show(const struct ck_crlset *s, const struct ck_cert *const *pool, time_t at)
{
	size_t n = ck_crlset_count(s);
	struct ck_report_crl_sig *sigs = calloc(n ? n : 1, sizeof *sigs);
	struct ck_text_opts to = { .verbose = true };
	json_t *doc;
	FILE *null = fopen("/dev/null", "w");

	if (!sigs || !null)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct ck_crl_about a;
		char name[512];
		size_t walked = 0;
		if (ck_crlset_about(s, i, &a))
			fz_fail("CRL %zu of %zu has nothing to show", i, n);
		for (size_t k = 0; ck_crlset_idp_name(s, i, k, name, sizeof name); k++)
			fz_assert_line("a distribution point name", name);
		ck_crlset_entries(s, i, count_entry, &walked);
		if (walked != a.entries)
			fz_fail("%zu entries walked, %zu counted", walked, a.entries);
		sigs[i].status = ck_crlset_signature(s, i, pool, 4, NULL);
	}
	doc = ck_report_crl("input", true, s, sigs, at, true);
	if (!doc || ck_report_crl_text(null, doc, &to))
		abort();
	json_decref(doc);
	fclose(null);
	free(sigs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	unsigned flags = fz_u8(&f), sel = flags & 7;
	time_t at = times[fz_u8(&f) & 3];
	const struct ck_cert *cert = fz_fixture_cert(certs[sel][0]);
	const struct ck_cert *issuer = fz_fixture_cert(certs[sel][1]);
	const struct ck_cert *pool[4];
	struct ck_crlset *s = NULL;
	struct ck_revinfo r;
	struct ck_error err;
	unsigned char *signed_crl = NULL;
	const unsigned char *crl = f.p;
	size_t crl_len = f.n, before;
	bool accept = !(flags & 0x40);
	int rc;

	pool[0] = fz_fixture_cert("crl/root.der");
	pool[1] = fz_fixture_cert("crl/ca.der");
	pool[2] = fz_fixture_cert("pki/int-ca.der");
	pool[3] = fz_fixture_cert("pki/root-ca.der");
	if (ck_crlset_new(&s))
		abort();
	if (flags & 0x08)
		add_fixture(s, "crl/ca.crl");
	if (flags & 0x10)
		add_fixture(s, "crl/ca-delta.crl");
	if ((flags & 0x20) && (signed_crl = resign(f.p, f.n, &crl_len)))
		crl = signed_crl;
	before = ck_crlset_count(s);
	ck_error_clear(&err);
	rc = ck_crlset_add(s, crl, crl_len, "input", &err);
	fz_assert_error(rc, &err);
	if (rc && ck_crlset_count(s) != before)
		fz_fail("a refused input changed the set (%zu -> %zu)", before, ck_crlset_count(s));
	if (!rc && ck_crlset_count(s) <= before)
		fz_fail("an accepted input added no CRL");
	ck_error_clear(&err);
	rc = ck_crlset_check(s, cert, issuer, pool, flags & 0x80 ? 0 : 4, at, signer_ok, &accept,
			     &r, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK) {
		fz_assert_line("the verdict", r.why);
		if (r.status == CK_REV_REVOKED) {
			if (r.reason < -1 || r.reason > 10 || r.reason == 8)
				fz_fail("revoked with reason %d", r.reason);
		} else if (r.status == CK_REV_GOOD || r.status == CK_REV_UNDETERMINED) {
			if (r.reason != -1 || r.revoked_at != 0)
				fz_fail("status %d with reason %d", (int)r.status, r.reason);
		} else {
			fz_fail("status %d", (int)r.status);
		}
	}
	show(s, pool, at);
	(void)ck_crl_sniff(crl, crl_len);
	free(signed_crl);
	ck_crlset_free(s);
	return 0;
}
