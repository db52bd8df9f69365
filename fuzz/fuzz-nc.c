/* fuzz-nc — name constraints: ck_nc_add() over a nameConstraints value
 * from the input (once, or twice as two CAs), then ck_nc_check() over a
 * subject Name and a subjectAltName value from the input, put into a
 * certificate record built here (GnuTLS would refuse to load most such
 * certificates, and the point is to reach every name form), with each
 * combination of CK_NC_LEAF and CK_NC_CHECK_CN.
 *
 * Checks: ck_nc_add() returns CK_OK, CK_E_PARSE or CK_E_NOMEM with a
 * one-line reason and adds nothing when it fails; ck_nc_check() sets a
 * one-line reason exactly when it refuses; the verdict does not depend
 * on the size of the reason buffer.  Timeouts matter: the work bound
 * (CK_NC_MAX_WORK) must hold for any input.
 *
 * Input: a flags byte (0x01 add the constraints twice, 0x02 the issuer
 * Name is the subject's, so the certificate is self-issued by the RFC
 * 5280 7.1 comparison), then three parts, each a 2-byte big-endian
 * length and that many bytes: the NameConstraints DER, the subject Name
 * DER, the subjectAltName value (no extension when empty). */
#include "config.h"

#include "fuzz.h"

#include "libcore/nc.h"

#include <stdlib.h>
#include <string.h>

static size_t part(struct fz *f, const uint8_t **p)
{
	size_t n = (size_t)fz_u8(f) << 8;
	n |= fz_u8(f);
	if (n > f->n)
		n = f->n;
	*p = f->p;
	f->p += n;
	f->n -= n;
	return n;
}

/* A DER header for `len` content octets into h; its length. */
static size_t header(uint8_t *h, uint8_t tag, size_t len)
{
	h[0] = tag;
	if (len < 0x80) {
		h[1] = (uint8_t)len;
		return 2;
	}
	h[1] = 0x83;
	h[2] = (uint8_t)(len >> 16);
	h[3] = (uint8_t)(len >> 8);
	h[4] = (uint8_t)len;
	return 5;
}

/* subject, issuer, then [3] { SEQUENCE { Extension(SAN) } }: where
 * ck_cert_ext_next() looks, between the (empty) key span and the end of
 * the to-be-signed span. */
static struct ck_cert *record(const uint8_t *subj, size_t sn, const uint8_t *san, size_t san_n,
			      bool self_issued)
{
	static const uint8_t san_oid[] = { 0x06, 0x03, 0x55, 0x1d, 0x11 };
	static const uint8_t empty_name[] = { 0x30, 0x00 };
	const uint8_t *iss = self_issued ? subj : empty_name;
	size_t in = self_issued ? sn : sizeof empty_name;
	size_t oct = san_n, ext, exts, a3, total;
	uint8_t h[4][5];
	size_t hl[4];
	struct ck_cert *c = calloc(1, sizeof *c);
	uint8_t *d;

	hl[0] = header(h[0], 0x04, oct);
	ext = sizeof san_oid + hl[0] + oct;
	hl[1] = header(h[1], 0x30, ext);
	exts = hl[1] + ext;
	hl[2] = header(h[2], 0x30, exts);
	a3 = hl[2] + exts;
	hl[3] = header(h[3], 0xa3, a3);
	total = sn + in + (san_n ? hl[3] + a3 : 0);
	if (!c || !(d = malloc(total ? total : 1)))
		abort();
	memcpy(d, subj, sn);
	memcpy(d + sn, iss, in);
	if (san_n) {
		size_t o = sn + in;
		memcpy(d + o, h[3], hl[3]), o += hl[3];
		memcpy(d + o, h[2], hl[2]), o += hl[2];
		memcpy(d + o, h[1], hl[1]), o += hl[1];
		memcpy(d + o, san_oid, sizeof san_oid), o += sizeof san_oid;
		memcpy(d + o, h[0], hl[0]), o += hl[0];
		memcpy(d + o, san, san_n);
	}
	c->der = d;
	c->der_len = total;
	c->tbs = (struct ck_span){ 0, (uint32_t)total };
	c->subject_raw = (struct ck_span){ 0, (uint32_t)sn };
	c->issuer_raw = (struct ck_span){ (uint32_t)sn, (uint32_t)in };
	c->spki = (struct ck_span){ (uint32_t)(sn + in), 0 };
	c->subject = "CN=fuzz";
	return c;
}

static void check(const struct ck_nc *nc, const struct ck_cert *c, unsigned flags)
{
	char why[512], tiny[8];
	bool ok = ck_nc_check(nc, c, flags, why, sizeof why);

	if (ok && why[0])
		fz_fail("ck_nc_check permits with a reason: %s", why);
	if (!ok)
		fz_assert_line("ck_nc_check's reason", why);
	if (ck_nc_check(nc, c, flags, tiny, sizeof tiny) != ok ||
	    ck_nc_check(nc, c, flags, NULL, 0) != ok)
		fz_fail("ck_nc_check's verdict depends on the reason buffer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t flags = fz_u8(&f);
	const uint8_t *ncd, *subj, *san;
	size_t ncn = part(&f, &ncd), sn = part(&f, &subj), san_n = part(&f, &san);
	struct ck_nc *nc = NULL;
	struct ck_cert *c;
	struct ck_error err;

	if (ck_nc_new(&nc))
		abort();
	for (int i = 0; i < ((flags & 0x01) ? 2 : 1); i++) {
		enum ck_status rc;
		size_t before = ck_nc_count(nc);
		ck_error_clear(&err);
		rc = ck_nc_add(nc, ncd, ncn, i ? "CN=second" : NULL, &err);
		if (rc != CK_OK && rc != CK_E_PARSE && rc != CK_E_NOMEM)
			fz_fail("ck_nc_add returned %d", (int)rc);
		fz_assert_error(rc, &err);
		if (ck_nc_count(nc) != before + (rc == CK_OK))
			fz_fail("ck_nc_add changed the count wrongly");
	}
	c = record(subj, sn, san, san_n, (flags & 0x02) != 0);
	for (unsigned fl = 0; fl < 4; fl++)
		check(nc, c, fl);
	free(c->der);
	free(c);
	ck_nc_free(nc);
	return 0;
}
