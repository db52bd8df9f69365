/* crl — revocation status from a set of CRLs, RFC 5280 §6.3.
 *
 * A CRL is parsed once, when it is added, by walking its DER (a CRL can
 * hold a million entries: no decoded tree is built for it).  Its entries
 * are kept as a compact array sorted by serial number, so that a lookup
 * is a binary search; each entry remembers its reason code, its date and
 * the certificate issuer it is about (indirect CRLs: the
 * certificateIssuer entry extension, inherited by the entries that
 * follow).  The CRL's issuingDistributionPoint and
 * authorityKeyIdentifier are decoded with libtasn1 against pkix.asn; the
 * certificate's cRLDistributionPoints, read for every check, by hand.
 * Names compare as RFC 5280 §7.1 says (the issuer's comparable form is
 * computed when the CRL is added).  A CRL that is well formed but
 * must not be used (an unknown critical CRL or entry extension, a
 * malformed extension) stays in the set with the reason, so that the
 * verdict can name it.
 *
 * The check follows §6.3.3 step by step: for each distribution point of
 * the certificate (then the implicit one, named after the issuer, for
 * the CRLs no distribution point took), and each CRL newest first, while
 * the reasons are not all covered and the certificate is not found:
 * (b) CRL issuer and scope, validity at `at`, (d)-(e) the reasons the
 * CRL adds, (f)-(g) a signer whose key verifies the CRL, with cRLSign,
 * approved by the caller's callback, (c)+(h)-(i) the delta CRL when
 * deltas are in use, (j) the complete CRL, (k) removeFromCRL, (l) the
 * reasons mask.  Signature results are memoised per CRL and signer key,
 * under the set's mutex, so that checking many certificates against one
 * large CRL hashes it once. */
#include "config.h"

#include "crl.h"
#include "der.h"

#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Extensions in the id-ce arc (2.5.29.N): the last octet of the OID. */
enum {
	CE_IAN = 18,
	CE_CRL_NUMBER = 20,
	CE_REASON = 21,
	CE_HOLD = 23,
	CE_INVALIDITY = 24,
	CE_DELTA = 27,
	CE_IDP = 28,
	CE_CERT_ISSUER = 29,
	CE_AKI = 35,
	CE_FRESHEST = 46,
	CE_EXPIRED_ON_CRL = 60,
};
static const unsigned char oid_aia[] = { 0x2b, 6, 1, 5, 5, 7, 1, 1 }; /* 1.3.6.1.5.5.7.1.1 */

#define OID_IAN "2.5.29.18"
#define OID_FRESHEST "2.5.29.46"
#define OID_CRL_DP "2.5.29.31"
#define OID_RSA_PSS "1.2.840.113549.1.1.10"

#define REASONS_ALL 0x1feu /* ReasonFlags bits 1 (keyCompromise) .. 8 (aACompromise) */
#define REASON_UNSPECIFIED 0
#define REASON_REMOVE 8
#define UNREVOKED (-2)

#define MAX_DPS 32      /* distribution points of one certificate looked at */
#define MAX_NAMES 16    /* names kept from one GeneralNames */
#define MAX_SIGNERS 16  /* candidate signers tried for one CRL */
#define MAX_EXTS 32     /* extensions of a CRL or of an entry */
#define MEMO 8          /* signature verdicts remembered per CRL */

/* ---------------------------------------------------------------- */
/* small helpers */

struct buf {
	unsigned char *p;
	size_t n, cap;
	bool fail;
};

static void buf_put(struct buf *b, const void *d, size_t n)
{
	if (b->fail)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		unsigned char *p;
		while (cap < b->n + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->fail = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void buf_put_len(struct buf *b, size_t n)
{
	unsigned char l[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
			       (unsigned char)(n >> 8), (unsigned char)n };
	buf_put(b, l, 4);
}

static bool span_set(struct ck_span *s, size_t off, size_t len)
{
	if (off > UINT32_MAX || len > UINT32_MAX)
		return false;
	s->off = (uint32_t)off;
	s->len = (uint32_t)len;
	return true;
}

static bool ascii_caseeq(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

/* The TLV at d[pos..end), DER only. */
static enum ck_status rd(const unsigned char *d, size_t pos, size_t end, struct ck_tlv *t,
			 struct ck_error *err)
{
	return ck_der_read(d + pos, end - pos, false, (int64_t)pos, t, err);
}

static bool is_univ(const struct ck_tlv *t, unsigned long tag)
{
	return t->cls == 0 && t->tag == tag;
}

/* An INTEGER's content without the leading octets DER would not have
 * (a non-DER 00 00 01 is the integer 1): serials compare as integers. */
static void int_trim(const unsigned char **p, size_t *n)
{
	while (*n > 1 && (((*p)[0] == 0 && !((*p)[1] & 0x80)) ||
			  ((*p)[0] == 0xff && ((*p)[1] & 0x80)))) {
		(*p)++;
		(*n)--;
	}
}

/* Compare two non-negative trimmed INTEGER contents. */
static int uint_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	while (an > 1 && a[0] == 0) {
		a++;
		an--;
	}
	while (bn > 1 && b[0] == 0) {
		b++;
		bn--;
	}
	if (an != bn)
		return an < bn ? -1 : 1;
	return memcmp(a, b, an);
}

static const char *const reason_names[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation", "certificateHold", NULL,
	"removeFromCRL", "privilegeWithdrawn", "aACompromise",
};

const char *ck_crlset_reason_name(int reason)
{
	if (reason == -1)
		return "unspecified";
	if (reason < 0 || reason >= (int)(sizeof reason_names / sizeof reason_names[0]) ||
	    !reason_names[reason])
		return "unknown";
	return reason_names[reason];
}

/* ReasonFlags (a BIT STRING read by libtasn1: bytes, length in bits) as
 * a mask with bit i for reason i. */
static unsigned reasons_mask(const unsigned char *bits, int nbits)
{
	unsigned m = 0;
	for (int i = 0; i < nbits && i < 9; i++)
		if (bits[i / 8] & (0x80 >> (i % 8)))
			m |= 1u << i;
	return m & REASONS_ALL;
}

static void reasons_str(unsigned m, char *out, size_t size)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 1; i <= 8; i++) {
		const char *name = i == 7 ? "privilegeWithdrawn" : i == 8 ? "aACompromise" :
					    reason_names[i];
		int k;
		if (!(m & (1u << i)))
			continue;
		k = snprintf(out + o, size - o, "%s%s", o ? "," : "", name);
		if (k < 0 || (size_t)k >= size - o)
			return;
		o += (size_t)k;
	}
}

/* ---------------------------------------------------------------- */
/* names: RFC 5280 §7.1 comparison of distinguished names */

static bool is_dirstring(unsigned long tag)
{
	return tag == 12 || tag == 19 || tag == 20 || tag == 22 || tag == 26 || tag == 28 ||
	       tag == 30;
}

/* A string value as RFC 4518 prepares it, to the extent that matters
 * between issuers: whitespace mapped to SPACE, leading and trailing
 * spaces dropped, inner runs collapsed, ASCII letters folded. */
static void canon_string(struct buf *b, unsigned long tag, const unsigned char *c, size_t n)
{
	char *u = ck_der_string_utf8(tag, c, n);
	size_t o = 0;
	bool space = false;

	if (!u) {
		b->fail = true;
		return;
	}
	for (char *p = u; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == ' ' || (ch >= '\t' && ch <= '\r')) {
			space = o > 0;
			continue;
		}
		if (space)
			u[o++] = ' ';
		space = false;
		u[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	buf_put(b, "S", 1);
	buf_put_len(b, o);
	buf_put(b, u, o);
	free(u);
}

struct attr {
	struct buf b;
};

static int attr_cmp(const void *x, const void *y)
{
	const struct attr *a = x, *b = y;
	if (a->b.n != b->b.n)
		return a->b.n < b->b.n ? -1 : 1;
	return memcmp(a->b.p, b->b.p, a->b.n);
}

/* One RDN (the SET's content d[pos..end)) into `out`, its attributes
 * sorted so that the order inside a multi-valued RDN does not count. */
static bool canon_rdn(const unsigned char *d, size_t pos, size_t end, struct buf *out)
{
	struct attr a[16];
	size_t na = 0;
	bool ok = true;
	unsigned char count;

	while (pos < end && ok) {
		struct ck_tlv s, oid, v;
		size_t p;
		if (na == 16 || rd(d, pos, end, &s, NULL) || !is_univ(&s, CK_TAG_SEQUENCE)) {
			ok = false;
			break;
		}
		p = pos + s.hdr_len;
		if (rd(d, p, p + s.len, &oid, NULL) || !is_univ(&oid, CK_TAG_OID) ||
		    rd(d, p + oid.hdr_len + oid.len, p + s.len, &v, NULL) ||
		    oid.hdr_len + oid.len + v.hdr_len + v.len != s.len) {
			ok = false;
			break;
		}
		memset(&a[na], 0, sizeof a[na]);
		buf_put_len(&a[na].b, oid.len);
		buf_put(&a[na].b, d + p + oid.hdr_len, oid.len);
		p += oid.hdr_len + oid.len;
		if (v.cls == 0 && !v.constructed && is_dirstring(v.tag)) {
			canon_string(&a[na].b, v.tag, d + p + v.hdr_len, v.len);
		} else {
			buf_put(&a[na].b, "B", 1);
			buf_put_len(&a[na].b, v.hdr_len + v.len);
			buf_put(&a[na].b, d + p, v.hdr_len + v.len);
		}
		ok = !a[na].b.fail;
		na++;
		pos += s.hdr_len + s.len;
	}
	if (ok && na == 0)
		ok = false;
	if (ok) {
		qsort(a, na, sizeof a[0], attr_cmp);
		count = (unsigned char)na;
		buf_put(out, &count, 1);
		for (size_t i = 0; i < na; i++) {
			buf_put_len(out, a[i].b.n);
			buf_put(out, a[i].b.p, a[i].b.n);
		}
	}
	for (size_t i = 0; i < na; i++)
		free(a[i].b.p);
	return ok && !out->fail;
}

/* The comparable form of a Name TLV d[0..n); false if it is not one. */
static bool dn_canon(const unsigned char *d, size_t n, struct buf *out)
{
	struct ck_tlv t;
	size_t pos;

	if (rd(d, 0, n, &t, NULL) || !is_univ(&t, CK_TAG_SEQUENCE) || t.hdr_len + t.len != n)
		return false;
	for (pos = t.hdr_len; pos < n;) {
		struct ck_tlv r;
		if (rd(d, pos, n, &r, NULL) || !is_univ(&r, CK_TAG_SET) ||
		    !canon_rdn(d, pos + r.hdr_len, pos + r.hdr_len + r.len, out))
			return false;
		pos += r.hdr_len + r.len;
	}
	return !out->fail;
}

/* A Name and, once asked for, its comparable form. */
struct dn {
	const unsigned char *p; /* the Name TLV */
	size_t len;
	struct buf canon;
	int state; /* 0: canon not computed yet, 1: computed, -1: not a Name */
};

static void dn_init(struct dn *d, const unsigned char *p, size_t len)
{
	memset(d, 0, sizeof *d);
	d->p = p;
	d->len = len;
}

static void dn_cleanup(struct dn *d)
{
	free(d->canon.p);
	memset(d, 0, sizeof *d);
}

static bool dn_canon_ready(struct dn *d)
{
	if (!d->state)
		d->state = dn_canon(d->p, d->len, &d->canon) ? 1 : -1;
	return d->state == 1;
}

/* Equal as RFC 5280 §7.1 compares names: the same octets, or the same
 * comparable form, for names whose form is computed already. */
static bool dn_eq_ready(const struct dn *a, const struct dn *b)
{
	if (a->len == b->len && memcmp(a->p, b->p, a->len) == 0)
		return true;
	return a->state == 1 && b->state == 1 && a->canon.n == b->canon.n &&
	       (a->canon.n == 0 || memcmp(a->canon.p, b->canon.p, a->canon.n) == 0);
}

/* The same, computing the forms when the octets differ.  A CRL's issuer
 * has its form computed when it is added, so comparing with it never
 * writes to the CRL. */
static bool dn_eq(struct dn *a, struct dn *b)
{
	if (a->len == b->len && memcmp(a->p, b->p, a->len) == 0)
		return true;
	dn_canon_ready(a);
	dn_canon_ready(b);
	return dn_eq_ready(a, b);
}

/* A Name TLV as RFC 4514 text for messages (new string, or NULL). */
static char *dn_text(const unsigned char *d, size_t n)
{
	gnutls_datum_t raw = { (unsigned char *)d, (unsigned)n }, str = { NULL, 0 };
	char *s = NULL;
	if (n <= UINT32_MAX && gnutls_x509_rdn_get2(&raw, &str, 0) >= 0) {
		s = ck_dn_clean(str.data, str.size);
		gnutls_free(str.data);
	}
	return s;
}

/* ---------------------------------------------------------------- */
/* GeneralNames */

struct gname {
	unsigned tag;            /* the GeneralName alternative ([4] directoryName, ...) */
	bool owned;              /* p was built here (nameRelativeToCRLIssuer) */
	const unsigned char *p;  /* content; for a directoryName the Name TLV */
	size_t len;
	struct dn dn;            /* directoryName: the Name, its form computed */
};

/* A list of names, borrowed from some DER except the owned ones. */
struct gnames {
	struct gname *v;
	size_t n, cap;
};

static void gnames_cleanup(struct gnames *g)
{
	for (size_t i = 0; i < g->n; i++) {
		dn_cleanup(&g->v[i].dn);
		if (g->v[i].owned)
			free((void *)g->v[i].p);
	}
	free(g->v);
	memset(g, 0, sizeof *g);
}

/* Names past MAX_NAMES are dropped: fewer names only make fewer
 * distribution points match (the status is then undetermined, never
 * wrongly good).  false when out of memory; an owned `p` is freed when
 * it is not kept. */
static bool gnames_push(struct gnames *g, unsigned tag, bool owned, const unsigned char *p,
			size_t len)
{
	if (g->n == MAX_NAMES) {
		if (owned)
			free((void *)p);
		return true;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 4;
		struct gname *v = realloc(g->v, cap * sizeof *v);
		if (!v) {
			if (owned)
				free((void *)p);
			return false;
		}
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n] = (struct gname){ tag, owned, p, len, { NULL, 0, { NULL, 0, 0, false }, 0 } };
	if (tag == 4) {
		/* compared many times (names of distribution points): once here */
		dn_init(&g->v[g->n].dn, p, len);
		dn_canon_ready(&g->v[g->n].dn);
	}
	g->n++;
	return true;
}

/* The GeneralName elements in d[pos..end) (the content of a GeneralNames
 * or of an implicitly tagged one). */
static bool gnames_add(struct gnames *g, const unsigned char *d, size_t pos, size_t end)
{
	while (pos < end) {
		struct ck_tlv t;
		if (rd(d, pos, end, &t, NULL) || t.cls != ASN1_CLASS_CONTEXT_SPECIFIC || t.tag > 8)
			return false;
		if (t.tag == 4) {
			struct ck_tlv n;
			size_t c = pos + t.hdr_len;
			if (!t.constructed || rd(d, c, c + t.len, &n, NULL) ||
			    !is_univ(&n, CK_TAG_SEQUENCE) || n.hdr_len + n.len != t.len)
				return false;
			if (!gnames_push(g, 4, false, d + c, t.len))
				return false;
		} else if (!gnames_push(g, (unsigned)t.tag, false, d + pos + t.hdr_len, t.len)) {
			return false;
		}
		pos += t.hdr_len + t.len;
	}
	return true;
}

static bool gname_equal(const struct gname *a, const struct gname *b)
{
	if (a->tag != b->tag)
		return false;
	if (a->tag == 4)
		return dn_eq_ready(&a->dn, &b->dn);
	if (a->len != b->len)
		return false;
	if (a->tag == 1 || a->tag == 2) /* rfc822Name, dNSName */
		return ascii_caseeq(a->p, b->p, a->len);
	return memcmp(a->p, b->p, a->len) == 0;
}

static bool gnames_meet(const struct gnames *a, const struct gnames *b)
{
	for (size_t i = 0; i < a->n; i++)
		for (size_t k = 0; k < b->n; k++)
			if (gname_equal(&a->v[i], &b->v[k]))
				return true;
	return false;
}

/* Does a directoryName of `g` equal the Name `d`? */
static bool gnames_has_dn(const struct gnames *g, struct dn *d)
{
	dn_canon_ready(d);
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].tag == 4 && dn_eq_ready(&g->v[i].dn, d))
			return true;
	return false;
}

static void der_len(struct buf *b, size_t n)
{
	unsigned char l[5];
	size_t k = 0;
	if (n < 0x80) {
		l[k++] = (unsigned char)n;
	} else {
		size_t bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
		l[k++] = (unsigned char)(0x80 | bytes);
		for (size_t i = bytes; i > 0; i--)
			l[k++] = (unsigned char)(n >> (8 * (i - 1)));
	}
	buf_put(b, l, k);
}

/* nameRelativeToCRLIssuer: the Name `base` (TLV) with one more RDN,
 * whose SET content is rdn[0..rlen). */
static bool gnames_add_relative(struct gnames *g, const unsigned char *base, size_t blen,
				const unsigned char *rdn, size_t rlen)
{
	struct ck_tlv t;
	struct buf rdnb = { 0 }, out = { 0 };

	if (rd(base, 0, blen, &t, NULL) || !is_univ(&t, CK_TAG_SEQUENCE))
		return false;
	buf_put(&rdnb, "\x31", 1);
	der_len(&rdnb, rlen);
	buf_put(&rdnb, rdn, rlen);
	buf_put(&out, "\x30", 1);
	der_len(&out, t.len + rdnb.n);
	buf_put(&out, base + t.hdr_len, t.len);
	buf_put(&out, rdnb.p, rdnb.n);
	free(rdnb.p);
	if (rdnb.fail || out.fail) {
		free(out.p);
		return false;
	}
	return gnames_push(g, 4, true, out.p, out.n);
}

/* A DistributionPointName, the content d[pos..end) of its [0] EXPLICIT
 * tag (in DistributionPoint and IssuingDistributionPoint alike), into
 * `g`: fullName as is; nameRelativeToCRLIssuer appended to each Name of
 * bases[0..nbases). */
static bool dpname_parse(const unsigned char *d, size_t pos, size_t end,
			 const struct gname *bases, size_t nbases, struct gnames *g)
{
	struct ck_tlv t;

	if (rd(d, pos, end, &t, NULL) || t.cls != ASN1_CLASS_CONTEXT_SPECIFIC || !t.constructed ||
	    pos + t.hdr_len + t.len != end)
		return false;
	if (t.tag == 0)
		return gnames_add(g, d, pos + t.hdr_len, end);
	if (t.tag != 1)
		return false;
	for (size_t i = 0; i < nbases; i++)
		if (bases[i].tag == 4 &&
		    !gnames_add_relative(g, bases[i].p, bases[i].len, d + pos + t.hdr_len, t.len))
			return false;
	return true;
}

/* The same at `path` of a structure libtasn1 decoded from der[0..len). */
static bool dpname_read(asn1_node node, const unsigned char *der, size_t len, const char *path,
			const struct gname *bases, size_t nbases, struct gnames *g)
{
	struct ck_tlv w;
	int s, e;

	/* libtasn1 gives the range of the explicit tag; the CHOICE is inside */
	if (asn1_der_decoding_startEnd(node, der, (int)len, path, &s, &e) != ASN1_SUCCESS ||
	    rd(der, (size_t)s, (size_t)e + 1, &w, NULL) || w.cls != ASN1_CLASS_CONTEXT_SPECIFIC ||
	    w.tag != 0 || !w.constructed)
		return false;
	return dpname_parse(der, (size_t)s + w.hdr_len, (size_t)e + 1, bases, nbases, g);
}

static bool read_true(asn1_node node, const char *name)
{
	char v[8] = "";
	int len = sizeof v - 1;
	/* libtasn1 gives "TRUE" or "FALSE" (the DEFAULT when absent) */
	return asn1_read_value(node, name, v, &len) == ASN1_SUCCESS && strcmp(v, "TRUE") == 0;
}

/* 1 and *mask set when the ReasonFlags `name` is there, 0 when absent,
 * -1 when it cannot be read (longer than any ReasonFlags). */
static int read_reasons(asn1_node node, const char *name, unsigned *mask)
{
	unsigned char bits[8];
	int len = sizeof bits, ret = asn1_read_value(node, name, bits, &len);
	if (ret == ASN1_ELEMENT_NOT_FOUND || ret == ASN1_VALUE_NOT_FOUND)
		return 0;
	if (ret != ASN1_SUCCESS)
		return -1;
	*mask = reasons_mask(bits, len);
	return 1;
}

/* ---------------------------------------------------------------- */
/* one CRL */

struct entry {
	uint64_t key;        /* the serial's first 8 octets, big-endian: most
			      * comparisons end here */
	uint32_t serial;     /* offset of the trimmed serial in the DER */
	uint16_t serial_len;
	int8_t reason;       /* CRLReason; -1 when absent */
	uint8_t unused;
	uint32_t issuer;     /* 0: the CRL's issuer; k: issuers[k - 1] */
	uint32_t seq;        /* position in the CRL */
	int64_t when;        /* revocationDate */
};

static uint64_t serial_key(const unsigned char *p, size_t n)
{
	uint64_t k = 0;
	for (size_t i = 0; i < 8; i++)
		k = k << 8 | (i < n ? p[i] : 0);
	return k;
}

/* Order of the index: length, then the octets (any total order does). */
static int serial_cmp(const unsigned char *d, const struct entry *e, uint64_t key,
		      const unsigned char *s, size_t n)
{
	if (e->serial_len != n)
		return e->serial_len < n ? -1 : 1;
	if (e->key != key)
		return e->key < key ? -1 : 1;
	return n > 8 ? memcmp(d + e->serial + 8, s + 8, n - 8) : 0;
}

struct memo {
	unsigned char key[32]; /* SHA-256 of the signer's SPKI */
	bool ok;
};

struct crl {
	unsigned char *der;
	size_t len;
	char *origin;
	char *issuer_text;
	struct dn iss; /* the issuer, its comparable form computed */
	struct ck_span tbs, tbs_sig_alg, issuer, sig_alg, sig;
	int sign_algo; /* gnutls_sign_algorithm_t, 0 when unknown */
	bool sig_unused_bits;
	time_t this_update, next_update;
	bool has_next;
	bool has_number, is_delta, has_freshest, has_idp, has_aki;
	int version;            /* 1 or 2 */
	struct ck_span revoked; /* revokedCertificates' content; len 0 when none */
	struct ck_span number, base, aki, idp;
	unsigned char akid[CK_KEYID_MAX];
	size_t akid_len;
	/* issuingDistributionPoint */
	bool idp_has_dp, only_user, only_ca, only_attr, indirect, idp_has_reasons;
	unsigned idp_reasons;
	struct gnames idp_names;
	char unusable[160]; /* why the CRL must not be used; "" when usable */
	struct entry *entries;
	size_t nentries;
	struct ck_span *issuers; /* certificateIssuer values (GeneralNames TLVs) */
	size_t nissuers, issuers_cap;
	struct memo memo[MEMO];
	unsigned nmemo;
};

static void crl_free(struct crl *c)
{
	if (!c)
		return;
	gnames_cleanup(&c->idp_names);
	dn_cleanup(&c->iss);
	free(c->entries);
	free(c->issuers);
	free(c->issuer_text);
	free(c->origin);
	free(c->der);
	free(c);
}

static void unusable(struct crl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void unusable(struct crl *c, const char *fmt, ...)
{
	va_list ap;
	if (c->unusable[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->unusable, sizeof c->unusable, fmt, ap);
	va_end(ap);
	ck_text_oneline(c->unusable);
}

static bool crl_valid_at(const struct crl *c, time_t at)
{
	return c->this_update <= at && (!c->has_next || at <= c->next_update);
}

static const unsigned char *cspan(const struct crl *c, struct ck_span s)
{
	return c->der + s.off;
}

static enum ck_status read_time(const unsigned char *d, size_t pos, size_t end, const char *what,
				time_t *out, size_t *next, struct ck_error *err)
{
	struct ck_tlv t;
	enum ck_status rc = rd(d, pos, end, &t, err);
	if (rc)
		return rc;
	if (t.cls != 0 || (t.tag != CK_TAG_UTCTIME && t.tag != CK_TAG_GENTIME) ||
	    !ck_der_time(t.tag, d + pos + t.hdr_len, t.len, out))
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "CRL %s is not a valid time", what);
	*next = pos + t.hdr_len + t.len;
	return CK_OK;
}

/* One Extension at d[*pos..end). */
struct xext {
	size_t oid_off, oid_len; /* the OID's content octets */
	bool critical;
	size_t off, len;         /* extnValue content */
};

/* Is it 2.5.29.n? */
static bool xext_ce(const unsigned char *d, const struct xext *x, unsigned n)
{
	return x->oid_len == 3 && d[x->oid_off] == 0x55 && d[x->oid_off + 1] == 0x1d &&
	       d[x->oid_off + 2] == n;
}

static bool xext_is(const unsigned char *d, const struct xext *x, const unsigned char *oid,
		    size_t n)
{
	return x->oid_len == n && memcmp(d + x->oid_off, oid, n) == 0;
}

/* The dotted OID, for messages. */
static const char *xext_oid(const unsigned char *d, const struct xext *x, char *buf, size_t size)
{
	if (!ck_der_oid_str(d + x->oid_off, x->oid_len, buf, size))
		snprintf(buf, size, "?");
	return buf;
}

static enum ck_status ext_read(const unsigned char *d, size_t *pos, size_t end, struct xext *x,
			       struct ck_error *err)
{
	struct ck_tlv s, t;
	size_t p, e;
	enum ck_status rc = rd(d, *pos, end, &s, err);

	if (rc)
		return rc;
	if (!is_univ(&s, CK_TAG_SEQUENCE))
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)*pos, "CRL extension is not a SEQUENCE");
	p = *pos + s.hdr_len;
	e = p + s.len;
	if ((rc = rd(d, p, e, &t, err)))
		return rc;
	if (!is_univ(&t, CK_TAG_OID) || t.len < 1 || t.constructed)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)p, "CRL extension without a valid OID");
	x->oid_off = p + t.hdr_len;
	x->oid_len = t.len;
	p += t.hdr_len + t.len;
	x->critical = false;
	if ((rc = rd(d, p, e, &t, err)))
		return rc;
	if (is_univ(&t, CK_TAG_BOOLEAN)) {
		if (t.len != 1)
			return ck_error_set_at(err, CK_E_PARSE, (int64_t)p, "CRL extension: bad critical flag");
		x->critical = d[p + t.hdr_len] != 0;
		p += t.hdr_len + t.len;
		if ((rc = rd(d, p, e, &t, err)))
			return rc;
	}
	if (!is_univ(&t, CK_TAG_OCTET_STRING) || t.constructed || p + t.hdr_len + t.len != e)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)p, "CRL extension: bad extnValue");
	x->off = p + t.hdr_len;
	x->len = t.len;
	*pos = e;
	return CK_OK;
}

/* The (trimmed) content of the INTEGER that is all of d[off..off+len). */
static bool int_value(const unsigned char *d, size_t off, size_t len, struct ck_span *out)
{
	struct ck_tlv t;
	const unsigned char *p;
	size_t n;
	if (rd(d, off, off + len, &t, NULL) || !is_univ(&t, CK_TAG_INTEGER) || t.len < 1 ||
	    t.hdr_len + t.len != len)
		return false;
	p = d + off + t.hdr_len;
	n = t.len;
	if (p[0] & 0x80) /* CRL numbers are non-negative */
		return false;
	int_trim(&p, &n);
	return span_set(out, (size_t)(p - d), n);
}

/* Has an extension with x's OID been seen among seen[0..*nseen)?
 * Remembers x (up to MAX_EXTS). */
static bool seen_before(const unsigned char *d, struct xext *seen, size_t *nseen,
			const struct xext *x)
{
	for (size_t i = 0; i < *nseen; i++)
		if (xext_is(d, x, d + seen[i].oid_off, seen[i].oid_len))
			return true;
	if (*nseen < MAX_EXTS)
		seen[(*nseen)++] = *x;
	return false;
}

static void crl_idp(struct crl *c, const struct xext *x)
{
	const unsigned char *v = c->der + x->off;
	asn1_node node = NULL;
	struct gname base = { .tag = 4, .p = cspan(c, c->issuer), .len = c->issuer.len };
	char choice[64];
	int clen = sizeof choice;

	c->has_idp = true;
	span_set(&c->idp, x->off, x->len);
	if (ck_der_decode("CHAINKIT.IssuingDistributionPoint", v, x->len, &node, NULL)) {
		unusable(c, "malformed issuingDistributionPoint");
		return;
	}
	if (asn1_read_value(node, "distributionPoint", choice, &clen) == ASN1_SUCCESS) {
		c->idp_has_dp = true;
		if (!dpname_read(node, v, x->len, "distributionPoint", &base, 1, &c->idp_names))
			unusable(c, "malformed distributionPoint in its issuingDistributionPoint");
	}
	c->only_user = read_true(node, "onlyContainsUserCerts");
	c->only_ca = read_true(node, "onlyContainsCACerts");
	c->only_attr = read_true(node, "onlyContainsAttributeCerts");
	c->indirect = read_true(node, "indirectCRL");
	switch (read_reasons(node, "onlySomeReasons", &c->idp_reasons)) {
	case 1:
		c->idp_has_reasons = true;
		break;
	case -1:
		unusable(c, "malformed onlySomeReasons in its issuingDistributionPoint");
		break;
	}
	if (c->only_user + c->only_ca + c->only_attr > 1)
		unusable(c, "issuingDistributionPoint asserts more than one onlyContains");
	asn1_delete_structure(&node);
}

static void crl_aki(struct crl *c, const struct xext *x)
{
	asn1_node node = NULL;
	int len = sizeof c->akid;

	c->has_aki = true;
	span_set(&c->aki, x->off, x->len);
	if (ck_der_decode("CHAINKIT.AuthorityKeyIdentifier", c->der + x->off, x->len, &node, NULL)) {
		unusable(c, "malformed authorityKeyIdentifier");
		return;
	}
	if (asn1_read_value(node, "keyIdentifier", c->akid, &len) == ASN1_SUCCESS)
		c->akid_len = (size_t)len;
	asn1_delete_structure(&node);
}

/* crlExtensions: d[pos..end) is the content of the [0] tag. */
static enum ck_status crl_extensions(struct crl *c, size_t pos, size_t end, struct ck_error *err)
{
	const unsigned char *d = c->der;
	struct xext seen[MAX_EXTS];
	size_t nseen = 0;
	struct ck_tlv t;
	char oid[64];
	enum ck_status rc = rd(d, pos, end, &t, err);

	if (rc)
		return rc;
	if (!is_univ(&t, CK_TAG_SEQUENCE) || pos + t.hdr_len + t.len != end)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "crlExtensions is not one SEQUENCE");
	for (pos += t.hdr_len; pos < end;) {
		struct xext x;
		if ((rc = ext_read(d, &pos, end, &x, err)))
			return rc;
		if (seen_before(d, seen, &nseen, &x)) {
			unusable(c, "extension %s appears twice", xext_oid(d, &x, oid, sizeof oid));
			continue;
		}
		if (xext_ce(d, &x, CE_AKI)) {
			crl_aki(c, &x);
		} else if (xext_ce(d, &x, CE_CRL_NUMBER)) {
			c->has_number = int_value(d, x.off, x.len, &c->number);
			if (!c->has_number)
				unusable(c, "malformed cRLNumber");
		} else if (xext_ce(d, &x, CE_DELTA)) {
			c->is_delta = true;
			if (!int_value(d, x.off, x.len, &c->base))
				unusable(c, "malformed deltaCRLIndicator");
		} else if (xext_ce(d, &x, CE_IDP)) {
			crl_idp(c, &x);
		} else if (xext_ce(d, &x, CE_FRESHEST)) {
			c->has_freshest = true;
		} else if (x.critical && !xext_ce(d, &x, CE_IAN) &&
			   !xext_ce(d, &x, CE_EXPIRED_ON_CRL) &&
			   !xext_is(d, &x, oid_aia, sizeof oid_aia)) {
			unusable(c, "unknown critical CRL extension %s", xext_oid(d, &x, oid, sizeof oid));
		}
	}
	if (c->is_delta && !c->has_number)
		unusable(c, "delta CRL without a cRLNumber");
	return CK_OK;
}

/* A certificateIssuer value becomes the current issuer of the entries;
 * the same value as the current one takes no new slot. */
static enum ck_status entry_issuer_add(struct crl *c, const struct xext *x, uint32_t *cur,
				       struct ck_error *err)
{
	if (*cur && c->issuers[*cur - 1].len == x->len &&
	    memcmp(c->der + c->issuers[*cur - 1].off, c->der + x->off, x->len) == 0)
		return CK_OK;
	if (c->nissuers == UINT32_MAX)
		return ck_error_set(err, CK_E_TOO_LARGE, "too many certificate issuers in a CRL");
	if (c->nissuers == c->issuers_cap) {
		size_t cap = c->issuers_cap ? c->issuers_cap * 2 : 8;
		struct ck_span *v = realloc(c->issuers, cap * sizeof *v);
		if (!v)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		c->issuers = v;
		c->issuers_cap = cap;
	}
	span_set(&c->issuers[c->nissuers++], x->off, x->len);
	*cur = (uint32_t)c->nissuers;
	return CK_OK;
}

/* The extensions of one entry at d[pos..end): its reason, and the
 * current certificate issuer (which later entries inherit). */
static enum ck_status entry_extensions(struct crl *c, size_t pos, size_t end, struct entry *e,
				       uint32_t *cur_issuer, struct ck_error *err)
{
	const unsigned char *d = c->der;
	struct xext seen[MAX_EXTS];
	size_t nseen = 0;
	char oid[64];
	enum ck_status rc;

	while (pos < end) {
		struct xext x;
		struct ck_tlv t;
		if ((rc = ext_read(d, &pos, end, &x, err)))
			return rc;
		if (seen_before(d, seen, &nseen, &x)) {
			unusable(c, "an entry has extension %s twice", xext_oid(d, &x, oid, sizeof oid));
			continue;
		}
		if (xext_ce(d, &x, CE_REASON)) {
			if (rd(d, x.off, x.off + x.len, &t, NULL) || !is_univ(&t, 10) || t.len != 1 ||
			    t.hdr_len + 1 != x.len || d[x.off + t.hdr_len] > 10)
				unusable(c, "an entry has a malformed reasonCode");
			else
				e->reason = (int8_t)d[x.off + t.hdr_len];
		} else if (xext_ce(d, &x, CE_CERT_ISSUER)) {
			if (rd(d, x.off, x.off + x.len, &t, NULL) || !is_univ(&t, CK_TAG_SEQUENCE) ||
			    t.hdr_len + t.len != x.len) {
				unusable(c, "an entry has a malformed certificateIssuer");
				continue;
			}
			if ((rc = entry_issuer_add(c, &x, cur_issuer, err)))
				return rc;
		} else if (x.critical && !xext_ce(d, &x, CE_INVALIDITY) && !xext_ce(d, &x, CE_HOLD)) {
			unusable(c, "an entry has the unknown critical extension %s",
				 xext_oid(d, &x, oid, sizeof oid));
		}
	}
	e->issuer = *cur_issuer;
	return CK_OK;
}

static int entry_cmp(const void *x, const void *y, void *arg)
{
	const unsigned char *d = arg;
	const struct entry *a = x, *b = y;
	int r = serial_cmp(d, a, b->key, d + b->serial, b->serial_len);
	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sort the entries, unless the CRL listed them in order already. */
static void entries_sort(struct crl *c)
{
	for (size_t i = 1; i < c->nentries; i++)
		if (entry_cmp(&c->entries[i - 1], &c->entries[i], c->der) > 0) {
			qsort_r(c->entries, c->nentries, sizeof *c->entries, entry_cmp, c->der);
			return;
		}
}

/* revokedCertificates: the SEQUENCE's content d[pos..end). */
static enum ck_status crl_entries(struct crl *c, size_t pos, size_t end, struct ck_error *err)
{
	const unsigned char *d = c->der;
	size_t cap = 0;
	uint32_t cur_issuer = 0;
	enum ck_status rc;

	while (pos < end) {
		struct ck_tlv s, t;
		struct entry e = { .reason = -1 };
		const unsigned char *sp;
		size_t p, eend, sn;
		time_t when;

		if ((rc = rd(d, pos, end, &s, err)))
			return rc;
		if (!is_univ(&s, CK_TAG_SEQUENCE))
			return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "CRL entry is not a SEQUENCE");
		p = pos + s.hdr_len;
		eend = p + s.len;
		if ((rc = rd(d, p, eend, &t, err)))
			return rc;
		if (!is_univ(&t, CK_TAG_INTEGER) || t.len < 1 || t.len > UINT16_MAX)
			return ck_error_set_at(err, CK_E_PARSE, (int64_t)p, "CRL entry without a serial number");
		sp = d + p + t.hdr_len;
		sn = t.len;
		int_trim(&sp, &sn);
		e.serial = (uint32_t)(sp - d);
		e.serial_len = (uint16_t)sn;
		e.key = serial_key(sp, sn);
		p += t.hdr_len + t.len;
		if ((rc = read_time(d, p, eend, "revocationDate", &when, &p, err)))
			return rc;
		e.when = when;
		if (p < eend) {
			if ((rc = rd(d, p, eend, &t, err)))
				return rc;
			if (!is_univ(&t, CK_TAG_SEQUENCE) || p + t.hdr_len + t.len != eend)
				return ck_error_set_at(err, CK_E_PARSE, (int64_t)p, "CRL entry: unexpected element after revocationDate");
			if ((rc = entry_extensions(c, p + t.hdr_len, eend, &e, &cur_issuer, err)))
				return rc;
		} else {
			e.issuer = cur_issuer;
		}
		if (c->nentries == UINT32_MAX)
			return ck_error_set(err, CK_E_TOO_LARGE, "too many CRL entries");
		if (c->nentries == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct entry *ne = realloc(c->entries, ncap * sizeof *ne);
			if (!ne)
				return ck_error_set(err, CK_E_NOMEM, "out of memory");
			c->entries = ne;
			cap = ncap;
		}
		e.seq = (uint32_t)c->nentries;
		c->entries[c->nentries++] = e;
		pos = eend;
	}
	entries_sort(c);
	return CK_OK;
}

/* TBSCertList's content d[pos..end). */
static enum ck_status crl_tbs(struct crl *c, size_t pos, size_t end, struct ck_error *err)
{
	const unsigned char *d = c->der;
	struct ck_tlv t;
	enum ck_status rc;

	if ((rc = rd(d, pos, end, &t, err)))
		return rc;
	c->version = 1;
	if (is_univ(&t, CK_TAG_INTEGER)) {
		if (t.len != 1 || d[pos + t.hdr_len] != 1)
			return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "CRL version is not v2");
		c->version = 2;
		pos += t.hdr_len + t.len;
		if ((rc = rd(d, pos, end, &t, err)))
			return rc;
	}
	if (!is_univ(&t, CK_TAG_SEQUENCE))
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "not a CRL (no signature algorithm in tbsCertList)");
	span_set(&c->tbs_sig_alg, pos, t.hdr_len + t.len);
	pos += t.hdr_len + t.len;
	if ((rc = rd(d, pos, end, &t, err)))
		return rc;
	if (!is_univ(&t, CK_TAG_SEQUENCE))
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "not a CRL (issuer is not a Name)");
	span_set(&c->issuer, pos, t.hdr_len + t.len);
	pos += t.hdr_len + t.len;
	if ((rc = read_time(d, pos, end, "thisUpdate", &c->this_update, &pos, err)))
		return rc;
	if (pos < end) {
		if ((rc = rd(d, pos, end, &t, err)))
			return rc;
		if (t.cls == 0 && (t.tag == CK_TAG_UTCTIME || t.tag == CK_TAG_GENTIME)) {
			if ((rc = read_time(d, pos, end, "nextUpdate", &c->next_update, &pos, err)))
				return rc;
			c->has_next = true;
		}
	}
	if (pos < end) {
		if ((rc = rd(d, pos, end, &t, err)))
			return rc;
		if (is_univ(&t, CK_TAG_SEQUENCE)) {
			if ((rc = crl_entries(c, pos + t.hdr_len, pos + t.hdr_len + t.len, err)))
				return rc;
			span_set(&c->revoked, pos + t.hdr_len, t.len);
			pos += t.hdr_len + t.len;
		}
	}
	if (pos < end) {
		if ((rc = rd(d, pos, end, &t, err)))
			return rc;
		if (t.cls == ASN1_CLASS_CONTEXT_SPECIFIC && t.tag == 0 && t.constructed) {
			if ((rc = crl_extensions(c, pos + t.hdr_len, pos + t.hdr_len + t.len, err)))
				return rc;
			pos += t.hdr_len + t.len;
		}
	}
	if (pos != end)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "unexpected element in tbsCertList");
	return CK_OK;
}

/* The GnuTLS signature algorithm of signatureAlgorithm, or 0. */
static int crl_sign_algo(const struct crl *c, char *oid, size_t oidlen)
{
	const unsigned char *d = c->der;
	size_t pos = c->sig_alg.off, end = pos + c->sig_alg.len;
	struct ck_tlv s, t;
	asn1_node node = NULL;
	char hash[64];
	int algo = 0;

	snprintf(oid, oidlen, "?");
	if (rd(d, pos, end, &s, NULL) || rd(d, pos + s.hdr_len, end, &t, NULL) ||
	    !is_univ(&t, CK_TAG_OID) ||
	    !ck_der_oid_str(d + pos + s.hdr_len + t.hdr_len, t.len, oid, oidlen))
		return 0;
	if (strcmp(oid, OID_RSA_PSS) != 0)
		return gnutls_oid_to_sign(oid);
	pos += s.hdr_len + t.hdr_len + t.len;
	if (pos >= end)
		return 0;
	if (ck_der_decode("CHAINKIT.RSASSA-PSS-params", d + pos, end - pos, &node, NULL))
		return 0;
	if (!ck_der_read_oid(node, "hashAlgorithm.algorithm", hash, sizeof hash))
		snprintf(hash, sizeof hash, "1.3.14.3.2.26"); /* the default, SHA-1 */
	algo = gnutls_pk_to_sign(GNUTLS_PK_RSA_PSS, gnutls_oid_to_digest(hash));
	asn1_delete_structure(&node);
	return algo;
}

static enum ck_status crl_parse(struct crl *c, struct ck_error *err)
{
	const unsigned char *d = c->der;
	size_t n = c->len, pos, tbs_start, tbs_end;
	struct ck_tlv t;
	char oid[64];
	enum ck_status rc;

	if ((rc = rd(d, 0, n, &t, err)))
		return rc;
	if (!is_univ(&t, CK_TAG_SEQUENCE) || !t.constructed)
		return ck_error_set_at(err, CK_E_PARSE, 0, "not a CRL (no outer SEQUENCE)");
	if (t.hdr_len + t.len != n)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)(t.hdr_len + t.len),
				       "%zu bytes of trailing data after the CRL", n - t.hdr_len - t.len);
	pos = t.hdr_len;
	if ((rc = rd(d, pos, n, &t, err)))
		return rc;
	if (!is_univ(&t, CK_TAG_SEQUENCE))
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "not a CRL (tbsCertList is not a SEQUENCE)");
	span_set(&c->tbs, pos, t.hdr_len + t.len);
	tbs_start = pos + t.hdr_len;
	tbs_end = tbs_start + t.len;
	pos = tbs_end;
	if ((rc = rd(d, pos, n, &t, err)))
		return rc;
	if (!is_univ(&t, CK_TAG_SEQUENCE))
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "not a CRL (no signatureAlgorithm)");
	span_set(&c->sig_alg, pos, t.hdr_len + t.len);
	pos += t.hdr_len + t.len;
	if ((rc = rd(d, pos, n, &t, err)))
		return rc;
	if (!is_univ(&t, CK_TAG_BIT_STRING) || t.constructed || t.len < 1)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "not a CRL (signatureValue is not a BIT STRING)");
	/* a signature is whole octets: one with unused bits verifies with no key */
	c->sig_unused_bits = d[pos + t.hdr_len] != 0;
	span_set(&c->sig, pos + t.hdr_len + 1, t.len - 1);
	if (pos + t.hdr_len + t.len != n)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)(pos + t.hdr_len + t.len),
				       "not a CRL (data after signatureValue)");
	if ((rc = crl_tbs(c, tbs_start, tbs_end, err)))
		return rc;
	/* RFC 5280 5.1.1.2: the two algorithm fields must be the same */
	if (c->tbs_sig_alg.len != c->sig_alg.len ||
	    memcmp(cspan(c, c->tbs_sig_alg), cspan(c, c->sig_alg), c->sig_alg.len) != 0)
		unusable(c, "its two signature algorithm fields differ");
	c->sign_algo = crl_sign_algo(c, oid, sizeof oid);
	if (!c->sign_algo)
		unusable(c, "signature algorithm %s is not supported", oid);
	return CK_OK;
}

/* A new CRL record from a copy of der[0..len). */
static enum ck_status crl_new(const unsigned char *der, size_t len, const char *origin,
			      struct crl **out, struct ck_error *err)
{
	struct crl *c = calloc(1, sizeof *c);
	enum ck_status rc;

	if (!c)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (len > UINT32_MAX) {
		rc = ck_error_set(err, CK_E_TOO_LARGE, "CRL of %zu bytes is too large", len);
		goto out;
	}
	c->der = malloc(len ? len : 1);
	c->origin = strdup(origin);
	if (!c->der || !c->origin) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(c->der, der, len);
	c->len = len;
	if ((rc = crl_parse(c, err))) {
		if (err && rc == CK_E_PARSE && strncmp(err->what, "not a CRL", 9) != 0) {
			char what[CK_ERROR_WHAT_MAX];
			snprintf(what, sizeof what, "%s", err->what);
			ck_error_set_at(err, rc, err->offset, "not a CRL: %s", what);
		}
		goto out;
	}
	c->issuer_text = dn_text(cspan(c, c->issuer), c->issuer.len);
	dn_init(&c->iss, cspan(c, c->issuer), c->issuer.len);
	if (!c->issuer_text || !dn_canon_ready(&c->iss)) {
		rc = ck_error_set(err, CK_E_PARSE, "the CRL's issuer is not a valid name");
		goto out;
	}
	*out = c;
	c = NULL;
out:
	crl_free(c);
	return rc;
}

/* ---------------------------------------------------------------- */
/* the set */

struct ck_crlset {
	struct crl **crls; /* newest first: thisUpdate, then cRLNumber, then order added */
	size_t n, cap;
	pthread_mutex_t lock;
};

enum ck_status ck_crlset_new(struct ck_crlset **out)
{
	struct ck_crlset *s = calloc(1, sizeof *s);
	if (!s)
		return CK_E_NOMEM;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return CK_E_NOMEM;
	}
	*out = s;
	return CK_OK;
}

void ck_crlset_free(struct ck_crlset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		crl_free(s->crls[i]);
	free(s->crls);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

size_t ck_crlset_count(const struct ck_crlset *s)
{
	return s ? s->n : 0;
}

static int newest_first(const void *x, const void *y)
{
	const struct crl *a = *(struct crl *const *)x, *b = *(struct crl *const *)y;
	if (a->this_update != b->this_update)
		return a->this_update > b->this_update ? -1 : 1;
	if (a->has_number && b->has_number) {
		int r = uint_cmp(cspan(b, b->number), b->number.len, cspan(a, a->number), a->number.len);
		if (r)
			return r;
	}
	return 0;
}

struct pending {
	struct crl **v;
	size_t n, cap;
};

static enum ck_status pending_push(struct pending *p, struct crl *c, struct ck_error *err)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct crl **v = realloc(p->v, cap * sizeof *v);
		if (!v) {
			crl_free(c);
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = c;
	return CK_OK;
}

static const char pem_begin[] = "-----BEGIN X509 CRL-----";
static const char pem_end[] = "-----END X509 CRL-----";

/* Prefix err's message with "PEM block N: ". */
static enum ck_status block_error(struct ck_error *err, enum ck_status rc, unsigned k)
{
	char what[CK_ERROR_WHAT_MAX];
	if (!err)
		return rc;
	snprintf(what, sizeof what, "%s", err->what);
	ck_error_set(err, rc, "X509 CRL block %u: %s", k, what);
	return rc;
}

static enum ck_status add_pem(struct pending *p, const unsigned char *data, size_t len,
			      const char *origin, struct ck_error *err)
{
	const unsigned char *b, *e = data + len, *pos = data;
	unsigned k = 0, total = 0;
	enum ck_status rc;

	for (const unsigned char *q = data;
	     (q = memmem(q, (size_t)(e - q), pem_begin, sizeof pem_begin - 1)); q++)
		total++;
	if (!total)
		return ck_error_set(err, CK_E_PARSE, "no X509 CRL block in the PEM input");
	while ((b = memmem(pos, (size_t)(e - pos), pem_begin, sizeof pem_begin - 1))) {
		const unsigned char *end = memmem(b, (size_t)(e - b), pem_end, sizeof pem_end - 1);
		gnutls_datum_t in, der = { NULL, 0 };
		char name[300];
		struct crl *c = NULL;
		int ret;

		k++;
		if (!end)
			return ck_error_set(err, CK_E_PARSE, "X509 CRL block %u has no END line", k);
		end += sizeof pem_end - 1;
		if ((size_t)(end - b) > UINT32_MAX)
			return ck_error_set(err, CK_E_TOO_LARGE, "X509 CRL block %u is too large", k);
		in.data = (unsigned char *)b;
		in.size = (unsigned)(end - b);
		ret = gnutls_pem_base64_decode2("X509 CRL", &in, &der);
		if (ret < 0)
			return ck_error_set(err, CK_E_PARSE, "X509 CRL block %u: bad base64", k);
		if (total > 1)
			snprintf(name, sizeof name, "%s#%u", origin, k);
		else
			snprintf(name, sizeof name, "%s", origin);
		rc = crl_new(der.data, der.size, name, &c, err);
		gnutls_free(der.data);
		if (rc)
			return block_error(err, rc, k);
		if ((rc = pending_push(p, c, err)))
			return rc;
		pos = end;
	}
	return CK_OK;
}

enum ck_status ck_crlset_add(struct ck_crlset *s, const unsigned char *data, size_t len,
			     const char *origin, struct ck_error *err)
{
	struct pending p = { NULL, 0, 0 };
	struct crl *c = NULL;
	enum ck_status rc;

	if (!s || (!data && len))
		return ck_error_set(err, CK_E_USAGE, "no CRL set or no data");
	if (!origin)
		origin = "input";
	if (len && data[0] == 0x30) {
		if (!(rc = crl_new(data, len, origin, &c, err)))
			rc = pending_push(&p, c, err);
	} else if (len && memmem(data, len, "-----BEGIN ", 11)) {
		rc = add_pem(&p, data, len, origin, err);
	} else {
		rc = ck_error_set(err, CK_E_PARSE, "not a CRL (neither DER nor PEM)");
	}
	if (rc)
		goto out;
	if (s->n + p.n > CK_CRLSET_MAX) {
		rc = ck_error_set(err, CK_E_TOO_LARGE, "more than %d CRLs", CK_CRLSET_MAX);
		goto out;
	}
	if (s->n + p.n > s->cap) {
		size_t cap = s->cap ? s->cap : 8;
		struct crl **v;
		while (cap < s->n + p.n)
			cap *= 2;
		v = realloc(s->crls, cap * sizeof *v);
		if (!v) {
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		s->crls = v;
		s->cap = cap;
	}
	memcpy(s->crls + s->n, p.v, p.n * sizeof *p.v);
	s->n += p.n;
	p.n = 0;
	/* insertion sort keeps CRLs that compare equal in the order added */
	for (size_t i = 1; i < s->n; i++)
		for (size_t k = i; k > 0 && newest_first(&s->crls[k - 1], &s->crls[k]) > 0; k--) {
			struct crl *t = s->crls[k];
			s->crls[k] = s->crls[k - 1];
			s->crls[k - 1] = t;
		}
out:
	for (size_t i = 0; i < p.n; i++)
		crl_free(p.v[i]);
	free(p.v);
	return rc;
}

/* ---------------------------------------------------------------- */
/* signatures */

/* Does `signer`'s key verify the CRL's signature?  Memoised per key. */
static bool crl_verify(const struct ck_crlset *s, struct crl *c, const struct ck_cert *signer)
{
	pthread_mutex_t *lock = (pthread_mutex_t *)&s->lock;
	gnutls_pubkey_t key = NULL;
	gnutls_datum_t spki = { (unsigned char *)ck_cert_span(signer, signer->spki), signer->spki.len };
	gnutls_datum_t tbs = { (unsigned char *)cspan(c, c->tbs), c->tbs.len };
	gnutls_datum_t sig = { (unsigned char *)cspan(c, c->sig), c->sig.len };
	bool ok = false, known = false;

	if (!c->sign_algo || c->sig_unused_bits)
		return false;
	pthread_mutex_lock(lock);
	for (unsigned i = 0; i < c->nmemo && i < MEMO; i++)
		if (memcmp(c->memo[i].key, signer->spki_sha256, 32) == 0) {
			ok = c->memo[i].ok;
			known = true;
			break;
		}
	pthread_mutex_unlock(lock);
	if (known)
		return ok;
	if (gnutls_pubkey_init(&key) >= 0 &&
	    gnutls_pubkey_import(key, &spki, GNUTLS_X509_FMT_DER) >= 0)
		/* weak hashes are verified, not refused: the profile judges them */
		ok = gnutls_pubkey_verify_data2(key, (gnutls_sign_algorithm_t)c->sign_algo,
						GNUTLS_VERIFY_ALLOW_BROKEN |
							GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1,
						&tbs, &sig) >= 0;
	if (key)
		gnutls_pubkey_deinit(key);
	pthread_mutex_lock(lock);
	memcpy(c->memo[c->nmemo % MEMO].key, signer->spki_sha256, 32);
	c->memo[c->nmemo % MEMO].ok = ok;
	c->nmemo++;
	pthread_mutex_unlock(lock);
	return ok;
}

/* ---------------------------------------------------------------- */
/* the check */

/* What kept a certificate's status undetermined, least telling first:
 * the most telling one met is reported. */
enum rank {
	RANK_NONE,
	RANK_DELTA_ONLY,
	RANK_SCOPE,
	RANK_UNUSABLE,
	RANK_TIME,
	RANK_KEYID,     /* a candidate signer has another key identifier */
	RANK_SIGNATURE, /* a candidate signer's key does not verify the CRL */
	RANK_SIGNER,    /* the signer lacks cRLSign or is not validated */
	RANK_PARTIAL,
};

struct dp {
	bool has_name, has_reasons, has_crl_issuer;
	unsigned reasons;
	struct gnames names, crl_issuer;
};

struct job {
	const struct ck_crlset *s;
	const struct ck_cert *cert, *issuer;
	const struct ck_cert *const *pool;
	size_t npool;
	time_t at;
	ck_crl_signer_fn signer_ok;
	void *ctx;
	const unsigned char *serial; /* trimmed */
	size_t serial_len;
	struct dn iss;               /* the certificate's issuer */
	bool freshest;               /* the certificate has freshestCRL */
	bool *used;                  /* per CRL: some distribution point took it */
	unsigned reasons;            /* reasons_mask */
	int status;                  /* cert_status: UNREVOKED or a CRLReason */
	const struct entry *hit;
	const struct crl *hit_crl, *last, *last_delta;
	bool last_wanted_delta;      /* deltas were in use for `last` */
	size_t ncovering;
	enum rank rank;
	char why[256];
};

static void note(struct job *j, enum rank rank, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct job *j, enum rank rank, const char *fmt, ...)
{
	va_list ap;
	if (rank <= j->rank)
		return;
	j->rank = rank;
	va_start(ap, fmt);
	vsnprintf(j->why, sizeof j->why, fmt, ap);
	va_end(ap);
}

static bool done(const struct job *j)
{
	return j->reasons == REASONS_ALL || j->status != UNREVOKED;
}

/* The certificate's serial number, trimmed. */
static bool cert_serial(const struct ck_cert *c, const unsigned char **p, size_t *n)
{
	const unsigned char *d = c->der;
	size_t pos = c->tbs.off, end = pos + c->tbs.len;
	struct ck_tlv t;

	if (rd(d, pos, end, &t, NULL))
		return false;
	pos += t.hdr_len;
	if (rd(d, pos, end, &t, NULL))
		return false;
	if (t.cls == ASN1_CLASS_CONTEXT_SPECIFIC && t.tag == 0) {
		pos += t.hdr_len + t.len;
		if (rd(d, pos, end, &t, NULL))
			return false;
	}
	if (!is_univ(&t, CK_TAG_INTEGER) || t.len < 1)
		return false;
	*p = d + pos + t.hdr_len;
	*n = t.len;
	int_trim(p, n);
	return true;
}

/* One DistributionPoint, the SEQUENCE's content d[pos..end). */
static bool dp_parse(const unsigned char *d, size_t pos, size_t end, const struct gname *iss,
		     struct dp *dp)
{
	struct ck_tlv t;
	size_t name = 0, name_end = 0;

	while (pos < end) {
		size_t c;
		if (rd(d, pos, end, &t, NULL) || t.cls != ASN1_CLASS_CONTEXT_SPECIFIC)
			return false;
		c = pos + t.hdr_len;
		if (t.tag == 0 && t.constructed && !dp->has_name && !dp->has_reasons &&
		    !dp->has_crl_issuer) {
			/* read once cRLIssuer, which it may be relative to, is known */
			dp->has_name = true;
			name = c;
			name_end = c + t.len;
		} else if (t.tag == 1 && !t.constructed && t.len >= 1 && d[c] < 8 &&
			   !dp->has_reasons && !dp->has_crl_issuer) {
			dp->has_reasons = true;
			dp->reasons = reasons_mask(d + c + 1, (int)((t.len - 1) * 8 - d[c]));
		} else if (t.tag == 2 && t.constructed && !dp->has_crl_issuer) {
			dp->has_crl_issuer = true;
			if (!gnames_add(&dp->crl_issuer, d, c, c + t.len))
				return false;
		} else {
			return false;
		}
		pos = c + t.len;
	}
	if (!dp->has_name)
		return true;
	return dp->has_crl_issuer ?
		       dpname_parse(d, name, name_end, dp->crl_issuer.v, dp->crl_issuer.n, &dp->names) :
		       dpname_parse(d, name, name_end, iss, 1, &dp->names);
}

/* The certificate's cRLDistributionPoints into dps[0..*n) (the first
 * MAX_DPS); false when the extension is malformed.  Read by hand: this
 * runs for every certificate checked. */
static bool cert_dps(const struct ck_cert *cert, struct dp *dps, size_t *n)
{
	struct gname iss = { .tag = 4, .p = ck_cert_span(cert, cert->issuer_raw), .len = cert->issuer_raw.len };
	struct ck_ext ext;
	struct ck_tlv t;
	size_t pos;

	*n = 0;
	if (!ck_cert_ext_find(cert, OID_CRL_DP, &ext))
		return true;
	if (rd(ext.value, 0, ext.len, &t, NULL) || !is_univ(&t, CK_TAG_SEQUENCE) ||
	    t.hdr_len + t.len != ext.len || t.len == 0)
		return false;
	for (pos = t.hdr_len; pos < ext.len && *n < MAX_DPS;) {
		if (rd(ext.value, pos, ext.len, &t, NULL) || !is_univ(&t, CK_TAG_SEQUENCE) ||
		    !dp_parse(ext.value, pos + t.hdr_len, pos + t.hdr_len + t.len, &iss, &dps[(*n)++]))
			return false;
		pos += t.hdr_len + t.len;
	}
	return true;
}

/* §6.3.3's implicit distribution point: named after the certificate's
 * issuer (and its issuerAltName), all reasons, no cRLIssuer. */
static void implicit_dp(const struct ck_cert *cert, struct dp *dp)
{
	struct ck_ext ext;
	struct ck_tlv t;

	dp->has_name = true;
	gnames_push(&dp->names, 4, false, ck_cert_span(cert, cert->issuer_raw), cert->issuer_raw.len);
	if (ck_cert_ext_find(cert, OID_IAN, &ext) && !rd(ext.value, 0, ext.len, &t, NULL) &&
	    is_univ(&t, CK_TAG_SEQUENCE))
		gnames_add(&dp->names, ext.value, t.hdr_len, ext.len);
}

/* Is the entry about a certificate of the job's issuer (RFC 5280
 * 5.3.3)? */
static bool entry_issuer_ok(struct job *j, struct crl *c, const struct entry *e)
{
	struct ck_span sp;
	struct ck_tlv t;
	size_t pos, end;

	if (e->issuer == 0)
		return dn_eq(&c->iss, &j->iss);
	/* every directoryName of the certificateIssuer, none dropped: a
	 * name missed here would be a revocation missed */
	sp = c->issuers[e->issuer - 1];
	end = (size_t)sp.off + sp.len;
	if (rd(c->der, sp.off, end, &t, NULL))
		return false;
	for (pos = sp.off + t.hdr_len; pos < end; pos += t.hdr_len + t.len) {
		struct dn x;
		struct ck_tlv n;
		bool eq;
		if (rd(c->der, pos, end, &t, NULL))
			return false;
		if (t.cls != ASN1_CLASS_CONTEXT_SPECIFIC || t.tag != 4 || !t.constructed ||
		    rd(c->der, pos + t.hdr_len, pos + t.hdr_len + t.len, &n, NULL))
			continue;
		dn_init(&x, c->der + pos + t.hdr_len, n.hdr_len + n.len);
		eq = dn_eq(&x, &j->iss);
		dn_cleanup(&x);
		if (eq)
			return true;
	}
	return false;
}

/* The certificate's entry on the CRL, or NULL: a binary search for the
 * first entry of the serial, then the one about the certificate's
 * issuer among those (indirect CRLs). */
static const struct entry *crl_lookup(struct job *j, struct crl *c)
{
	uint64_t key = serial_key(j->serial, j->serial_len);
	size_t lo = 0, hi = c->nentries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (serial_cmp(c->der, &c->entries[mid], key, j->serial, j->serial_len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->nentries &&
	       !serial_cmp(c->der, &c->entries[lo], key, j->serial, j->serial_len);
	     lo++)
		if (entry_issuer_ok(j, c, &c->entries[lo]))
			return &c->entries[lo];
	return NULL;
}

/* (b)(2): is the certificate in the scope of the CRL, for this
 * distribution point? */
static bool crl_scope_ok(struct job *j, const struct dp *dp, const struct crl *c)
{
	bool ca = j->cert->has_basic_constraints && j->cert->ca;
	const char *only = NULL;

	if (!c->has_idp)
		return true;
	if (c->idp_has_dp) {
		bool meet = dp->has_name ? gnames_meet(&c->idp_names, &dp->names) :
			    dp->has_crl_issuer ? gnames_meet(&c->idp_names, &dp->crl_issuer) :
						 false;
		if (!meet) {
			note(j, RANK_SCOPE, "the CRL of %s from %s is for another distribution point",
			     c->issuer_text, c->origin);
			return false;
		}
	}
	if (c->only_user && ca)
		only = "end-entity";
	else if (c->only_ca && !ca)
		only = "CA";
	else if (c->only_attr)
		only = "attribute";
	if (only) {
		note(j, RANK_SCOPE, "the CRL of %s from %s covers only %s certificates",
		     c->issuer_text, c->origin, only);
		return false;
	}
	return true;
}

static bool signer_try(struct job *j, struct crl *c, const struct ck_cert *cand)
{
	if (c->akid_len && cand->ski_len &&
	    (c->akid_len != cand->ski_len || memcmp(c->akid, cand->ski, c->akid_len) != 0)) {
		note(j, RANK_KEYID, "the CRL of %s from %s names another key than %s's",
		     c->issuer_text, c->origin, cand->subject);
		return false;
	}
	if (!crl_verify(j->s, c, cand)) {
		note(j, RANK_SIGNATURE, "the signature of the CRL of %s from %s does not verify with %s's key",
		     c->issuer_text, c->origin, cand->subject);
		return false;
	}
	if (cand->has_key_usage && !(cand->key_usage & CK_KU_CRL_SIGN)) {
		note(j, RANK_SIGNER, "the CRL from %s is signed by %s, whose keyUsage lacks cRLSign",
		     c->origin, cand->subject);
		return false;
	}
	if (j->signer_ok ? !j->signer_ok(j->ctx, cand, j->issuer) : !ck_cert_equal(cand, j->issuer)) {
		note(j, RANK_SIGNER, "the CRL from %s is signed by %s, which is not validated as a CRL issuer",
		     c->origin, cand->subject);
		return false;
	}
	return true;
}

static bool raw_name_eq(const struct ck_cert *cert, const struct crl *c)
{
	return cert->subject_raw.len == c->issuer.len &&
	       memcmp(ck_cert_span(cert, cert->subject_raw), cspan(c, c->issuer), c->issuer.len) == 0;
}

/* (f)-(g): a certificate named as the CRL's issuer whose key verifies
 * it, with cRLSign, approved by the caller.  The certificate's issuer
 * and the pool's exact name matches first; names equal only after
 * §7.1's rules are looked for when those fail. */
static bool subject_is(const struct ck_cert *cert, struct dn *name)
{
	struct dn x;
	bool eq;
	dn_init(&x, ck_cert_span(cert, cert->subject_raw), cert->subject_raw.len);
	eq = dn_eq(&x, name);
	dn_cleanup(&x);
	return eq;
}

static const struct ck_cert *crl_signer(struct job *j, struct crl *c)
{
	size_t tried = 0;

	if (subject_is(j->issuer, &c->iss)) {
		tried++;
		if (signer_try(j, c, j->issuer))
			return j->issuer;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < j->npool && tried < MAX_SIGNERS; i++) {
			const struct ck_cert *p = j->pool[i];
			bool raw = p && raw_name_eq(p, c);
			if (!p || ck_cert_equal(p, j->issuer) || (pass == 0) != raw)
				continue;
			if (!raw && !subject_is(p, &c->iss))
				continue;
			tried++;
			if (signer_try(j, c, p))
				return p;
		}
	if (!tried)
		note(j, RANK_KEYID, "no certificate of %s, the issuer of the CRL from %s, is at hand",
		     c->issuer_text, c->origin);
	return NULL;
}

static bool same_span(const struct crl *a, struct ck_span x, const struct crl *b, struct ck_span y)
{
	return x.len == y.len && memcmp(cspan(a, x), cspan(b, y), x.len) == 0;
}

/* (c), (h): the newest delta CRL that applies to the complete CRL `c`:
 * same issuer, scope and key, based on `c` or an older CRL, newer than
 * `c`, valid at `at`, signed with the signer's key. */
static struct crl *find_delta(struct job *j, struct crl *c, const struct ck_cert *signer)
{
	struct crl *best = NULL;

	if (!c->has_number)
		return NULL;
	for (size_t k = 0; k < j->s->n; k++) {
		struct crl *d = j->s->crls[k];
		if (!d->is_delta || d->unusable[0] ||
		    !dn_eq(&d->iss, &c->iss))
			continue;
		if (d->has_idp != c->has_idp || (c->has_idp && !same_span(d, d->idp, c, c->idp)))
			continue;
		if (d->has_aki != c->has_aki ||
		    (d->akid_len || c->akid_len ?
			     d->akid_len != c->akid_len || memcmp(d->akid, c->akid, c->akid_len) != 0 :
			     c->has_aki && !same_span(d, d->aki, c, c->aki)))
			continue;
		if (uint_cmp(cspan(d, d->base), d->base.len, cspan(c, c->number), c->number.len) > 0 ||
		    uint_cmp(cspan(d, d->number), d->number.len, cspan(c, c->number), c->number.len) <= 0)
			continue;
		if (!crl_valid_at(d, j->at))
			continue;
		if (best && uint_cmp(cspan(d, d->number), d->number.len, cspan(best, best->number),
				     best->number.len) <= 0)
			continue;
		if (crl_verify(j->s, d, signer))
			best = d;
	}
	return best;
}

/* One pass of §6.3.3 over the CRLs for distribution point `dp`. */
static void process_dp(struct job *j, const struct dp *dp, bool implicit)
{
	for (size_t k = 0; k < j->s->n && !done(j); k++) {
		struct crl *c = j->s->crls[k], *delta = NULL;
		const struct crl *on;
		const struct ck_cert *signer;
		const struct entry *e = NULL;
		unsigned interim;
		char t[32];

		if (implicit && j->used[k])
			continue;
		/* (b)(1) */
		if (dp->has_crl_issuer) {
			if (!gnames_has_dn(&dp->crl_issuer, &c->iss))
				continue;
			if (!c->indirect) {
				note(j, RANK_SCOPE, "the CRL of %s from %s is not an indirect CRL, "
				     "as the distribution point's cRLIssuer requires", c->issuer_text, c->origin);
				continue;
			}
		} else if (!dn_eq(&c->iss, &j->iss)) {
			continue;
		}
		if (c->is_delta) {
			note(j, RANK_DELTA_ONLY, "the CRL of %s from %s is a delta CRL, and no complete CRL it applies to is at hand",
			     c->issuer_text, c->origin);
			continue;
		}
		if (c->unusable[0]) {
			j->used[k] = true;
			note(j, RANK_UNUSABLE, "the CRL of %s from %s cannot be used: %s", c->issuer_text,
			     c->origin, c->unusable);
			continue;
		}
		/* (b)(2) */
		if (!crl_scope_ok(j, dp, c))
			continue;
		j->used[k] = true;
		if (!crl_valid_at(c, j->at)) {
			ck_time_format(c->this_update > j->at ? c->this_update : c->next_update, t);
			note(j, RANK_TIME, "the CRL of %s from %s is %s %s", c->issuer_text, c->origin,
			     c->this_update > j->at ? "not valid before" : "expired at", t);
			continue;
		}
		/* (d), (e) */
		interim = dp->has_reasons ? dp->reasons : REASONS_ALL;
		if (c->idp_has_reasons)
			interim &= c->idp_reasons;
		if (!(interim & ~j->reasons))
			continue;
		/* (f), (g) */
		signer = crl_signer(j, c);
		if (!signer)
			continue;
		/* (c), (h), (i) */
		if (j->freshest || c->has_freshest) {
			delta = find_delta(j, c, signer);
			if (delta)
				e = crl_lookup(j, delta);
		}
		on = e ? delta : c;
		/* (j) */
		if (!e)
			e = crl_lookup(j, c);
		/* (k): removeFromCRL leaves the certificate unrevoked */
		if (e && e->reason != REASON_REMOVE) {
			j->status = e->reason < 0 ? REASON_UNSPECIFIED : e->reason;
			j->hit = e;
			j->hit_crl = on;
		}
		/* (l) */
		j->reasons |= interim;
		j->last = c;
		j->last_delta = delta;
		j->last_wanted_delta = j->freshest || c->has_freshest;
		j->ncovering++;
	}
}

static void verdict(struct job *j, struct ck_revinfo *out)
{
	char t1[32], t2[32], have[128], missing[128], before[sizeof j->why];

	memset(out, 0, sizeof *out);
	out->reason = -1;
	if (j->status != UNREVOKED) {
		const struct crl *c = j->hit_crl;
		out->status = CK_REV_REVOKED;
		out->reason = j->hit->reason;
		out->revoked_at = (time_t)j->hit->when;
		ck_time_format(out->revoked_at, t1);
		snprintf(out->why, sizeof out->why, "revoked %s (%s) on the %sCRL of %s from %s", t1,
			 ck_crlset_reason_name(out->reason), c->is_delta ? "delta " : "",
			 c->issuer_text, c->origin);
	} else if (j->reasons == REASONS_ALL) {
		const struct crl *c = j->last;
		out->status = CK_REV_GOOD;
		ck_time_format(c->this_update, t1);
		if (j->last_delta)
			ck_time_format(j->last_delta->this_update, t2);
		snprintf(out->why, sizeof out->why, "not on the CRL of %s from %s (thisUpdate %s)%s%s%s%s%s",
			 c->issuer_text, c->origin, t1, j->last_delta ? " nor its delta CRL from " : "",
			 j->last_delta ? j->last_delta->origin : "", j->last_delta ? " (thisUpdate " : "",
			 j->last_delta ? t2 : "",
			 j->last_delta ? ")" : j->last_wanted_delta ? " (no delta CRL for it at hand)" : "");
		if (j->ncovering > 1) {
			size_t l = strlen(out->why);
			snprintf(out->why + l, sizeof out->why - l, ", nor on %zu other CRL%s for other reasons",
				 j->ncovering - 1, j->ncovering > 2 ? "s" : "");
		}
	} else {
		out->status = CK_REV_UNDETERMINED;
		if (j->reasons) {
			/* say which reasons are missing, and what kept them so */
			reasons_str(j->reasons, have, sizeof have);
			reasons_str(REASONS_ALL & ~j->reasons, missing, sizeof missing);
			snprintf(before, sizeof before, "%s", j->why);
			note(j, RANK_PARTIAL, "the CRLs at hand cover only %s, not %s%s%s", have, missing,
			     before[0] ? ": " : "", before);
		}
		if (!j->why[0])
			snprintf(j->why, sizeof j->why, "no CRL from %s is at hand", j->cert->issuer);
		snprintf(out->why, sizeof out->why, "%s", j->why);
	}
	ck_text_oneline(out->why);
}

enum ck_status ck_crlset_check(const struct ck_crlset *s, const struct ck_cert *cert,
			       const struct ck_cert *issuer, const struct ck_cert *const *pool,
			       size_t npool, time_t at, ck_crl_signer_fn signer_ok, void *ctx,
			       struct ck_revinfo *out, struct ck_error *err)
{
	struct job j;
	struct dp *dps = NULL;
	size_t ndps = 0;
	enum ck_status rc = CK_OK;

	if (!s || !cert || !issuer || !out || (npool && !pool))
		return ck_error_set(err, CK_E_USAGE, "no CRL set, certificate, issuer or result");
	memset(&j, 0, sizeof j);
	j.s = s;
	j.cert = cert;
	j.issuer = issuer;
	j.pool = pool;
	j.npool = npool;
	j.at = at;
	j.signer_ok = signer_ok;
	j.ctx = ctx;
	j.status = UNREVOKED;
	dn_init(&j.iss, ck_cert_span(cert, cert->issuer_raw), cert->issuer_raw.len);
	{
		struct ck_ext ext;
		j.freshest = ck_cert_ext_find(cert, OID_FRESHEST, &ext);
	}
	j.used = calloc(s->n ? s->n : 1, sizeof *j.used);
	dps = calloc(MAX_DPS + 1, sizeof *dps);
	if (!j.used || !dps) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	if (!cert_serial(cert, &j.serial, &j.serial_len)) {
		note(&j, RANK_PARTIAL, "the certificate's serial number cannot be read");
	} else if (!cert_dps(cert, dps, &ndps)) {
		note(&j, RANK_PARTIAL, "the certificate's cRLDistributionPoints is malformed");
	} else {
		for (size_t i = 0; i < ndps && !done(&j); i++)
			process_dp(&j, &dps[i], false);
		if (!done(&j)) {
			implicit_dp(cert, &dps[MAX_DPS]);
			process_dp(&j, &dps[MAX_DPS], true);
		}
	}
	verdict(&j, out);
out:
	if (dps)
		for (size_t i = 0; i <= MAX_DPS; i++) {
			gnames_cleanup(&dps[i].names);
			gnames_cleanup(&dps[i].crl_issuer);
		}
	free(dps);
	free(j.used);
	dn_cleanup(&j.iss);
	return rc;
}

/* ---------------------------------------------------------------- */
/* showing a CRL */

bool ck_crl_sniff(const unsigned char *data, size_t len)
{
	struct ck_tlv outer, tbs, t[4];
	size_t pos, end, n = 0;

	if (!data || !len)
		return false;
	if (memmem(data, len, pem_begin, sizeof pem_begin - 1))
		return !memmem(data, len, "-----BEGIN CERTIFICATE-----", 27) &&
		       !memmem(data, len, "-----BEGIN X509 CERTIFICATE-----", 32) &&
		       !memmem(data, len, "-----BEGIN TRUSTED CERTIFICATE-----", 35);
	/* CertificateList: SEQUENCE { tbsCertList SEQUENCE { [version INTEGER,]
	 * signature SEQUENCE, issuer SEQUENCE, thisUpdate TIME, ... } ... } */
	if (data[0] != 0x30 || rd(data, 0, len, &outer, NULL) || !is_univ(&outer, CK_TAG_SEQUENCE) ||
	    rd(data, outer.hdr_len, len, &tbs, NULL) || !is_univ(&tbs, CK_TAG_SEQUENCE))
		return false;
	pos = outer.hdr_len + tbs.hdr_len;
	end = pos + tbs.len;
	while (n < 4 && pos < end && !rd(data, pos, end, &t[n], NULL)) {
		pos += t[n].hdr_len + t[n].len;
		n++;
	}
#define IS_TIME(x) ((x).cls == 0 && ((x).tag == CK_TAG_UTCTIME || (x).tag == CK_TAG_GENTIME))
	if (n >= 3 && is_univ(&t[0], CK_TAG_SEQUENCE) && is_univ(&t[1], CK_TAG_SEQUENCE) &&
	    IS_TIME(t[2]))
		return true;
	return n >= 4 && is_univ(&t[0], CK_TAG_INTEGER) && is_univ(&t[1], CK_TAG_SEQUENCE) &&
	       is_univ(&t[2], CK_TAG_SEQUENCE) && IS_TIME(t[3]);
#undef IS_TIME
}

/* A non-negative big-endian integer in decimal (truncated to "" when it
 * does not fit). */
static void uint_decimal(const unsigned char *p, size_t n, char *out, size_t size)
{
	unsigned char tmp[CK_CRL_NUMBER_MAX];
	char digits[CK_CRL_NUMBER_MAX * 3];
	size_t nd = 0, k;

	out[0] = '\0';
	while (n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	if (n > sizeof tmp)
		return;
	memcpy(tmp, p, n);
	for (;;) {
		unsigned rem = 0;
		bool zero = true;
		for (size_t i = 0; i < n; i++) {
			unsigned v = rem << 8 | tmp[i];
			tmp[i] = (unsigned char)(v / 10);
			rem = v % 10;
			zero = zero && tmp[i] == 0;
		}
		digits[nd++] = (char)('0' + rem);
		if (zero || nd == sizeof digits)
			break;
	}
	if (nd >= size)
		return;
	for (k = 0; k < nd; k++)
		out[k] = digits[nd - 1 - k];
	out[nd] = '\0';
}

static const struct crl *crl_at(const struct ck_crlset *s, size_t i)
{
	return s && i < s->n ? s->crls[i] : NULL;
}

enum ck_status ck_crlset_about(const struct ck_crlset *s, size_t i, struct ck_crl_about *out)
{
	const struct crl *c = crl_at(s, i);
	const char *name;
	char oid[64];

	if (!c || !out)
		return CK_E_USAGE;
	memset(out, 0, sizeof *out);
	out->issuer = c->issuer_text;
	out->origin = c->origin;
	out->unusable = c->unusable;
	out->version = c->version;
	out->this_update = c->this_update;
	out->next_update = c->next_update;
	out->has_next = c->has_next;
	if (c->has_number)
		uint_decimal(cspan(c, c->number), c->number.len, out->number, sizeof out->number);
	out->delta = c->is_delta;
	if (c->is_delta && c->base.len)
		uint_decimal(cspan(c, c->base), c->base.len, out->delta_base, sizeof out->delta_base);
	out->freshest = c->has_freshest;
	for (size_t k = 0; k < c->akid_len; k++)
		snprintf(out->aki + 2 * k, 3, "%02x", c->akid[k]);
	out->has_idp = c->has_idp;
	out->idp_names = c->idp_names.n;
	out->only_user = c->only_user;
	out->only_ca = c->only_ca;
	out->only_attr = c->only_attr;
	out->indirect = c->indirect;
	if (c->idp_has_reasons)
		reasons_str(c->idp_reasons, out->only_reasons, sizeof out->only_reasons);
	name = c->sign_algo ? gnutls_sign_get_name((gnutls_sign_algorithm_t)c->sign_algo) : NULL;
	if (!name) {
		crl_sign_algo(c, oid, sizeof oid);
		name = oid;
	}
	snprintf(out->signature_algorithm, sizeof out->signature_algorithm, "%s", name);
	out->entries = c->nentries;
	for (size_t k = 0; k < c->nentries; k++) {
		int r = c->entries[k].reason;
		if (r >= 0 && r <= 10)
			out->by_reason[r]++;
		else
			out->no_reason++;
	}
	return CK_OK;
}

bool ck_crlset_idp_name(const struct ck_crlset *s, size_t i, size_t k, char *buf, size_t size)
{
	const struct crl *c = crl_at(s, i);
	const struct gname *g;
	char ip[INET6_ADDRSTRLEN];

	if (!c || k >= c->idp_names.n || !size)
		return false;
	g = &c->idp_names.v[k];
	switch (g->tag) {
	case 1:
	case 2:
	case 6: {
		char *u = ck_der_string_utf8(CK_TAG_IA5, g->p, g->len);
		snprintf(buf, size, "%s%s", g->tag == 1 ? "email:" : g->tag == 2 ? "DNS:" : "URI:",
			 u ? u : "?");
		free(u);
		break;
	}
	case 4: {
		char *t = dn_text(g->p, g->len);
		snprintf(buf, size, "DirName:%s", t ? t : "?");
		free(t);
		break;
	}
	case 7:
		if ((g->len == 4 || g->len == 16) &&
		    inet_ntop(g->len == 4 ? AF_INET : AF_INET6, g->p, ip, sizeof ip)) {
			snprintf(buf, size, "IP:%s", ip);
			break;
		}
		/* fall through */
	default:
		snprintf(buf, size, "other:[%u]", g->tag);
	}
	ck_text_oneline(buf);
	return true;
}

/* The reasonCode and invalidityDate among one entry's extensions
 * d[pos..end) (extensions it cannot read are left out: the CRL was
 * read whole when it was added). */
static void entry_show_exts(const unsigned char *d, size_t pos, size_t end,
			    struct ck_crl_entry *e)
{
	while (pos < end) {
		struct xext x;
		struct ck_tlv t;
		size_t next;
		if (ext_read(d, &pos, end, &x, NULL))
			return;
		if (xext_ce(d, &x, CE_REASON)) {
			if (!rd(d, x.off, x.off + x.len, &t, NULL) && is_univ(&t, 10) && t.len == 1)
				e->reason = d[x.off + t.hdr_len];
		} else if (xext_ce(d, &x, CE_INVALIDITY)) {
			time_t when;
			if (!read_time(d, x.off, x.off + x.len, "invalidityDate", &when, &next, NULL))
				e->invalidity = when;
		}
	}
}

enum ck_status ck_crlset_entries(const struct ck_crlset *s, size_t i, ck_crl_entry_fn fn,
				 void *ctx)
{
	const struct crl *c = crl_at(s, i);
	const unsigned char *d;
	size_t pos, end;

	if (!c || !fn)
		return CK_E_USAGE;
	d = c->der;
	pos = c->revoked.off;
	end = pos + c->revoked.len;
	/* the same walk as crl_entries(), which accepted every entry */
	while (pos < end) {
		struct ck_tlv sq, t;
		struct ck_crl_entry e = { .reason = -1 };
		size_t p, eend;
		time_t when;

		if (rd(d, pos, end, &sq, NULL))
			break;
		p = pos + sq.hdr_len;
		eend = p + sq.len;
		if (rd(d, p, eend, &t, NULL))
			break;
		e.serial = d + p + t.hdr_len;
		e.serial_len = t.len;
		int_trim(&e.serial, &e.serial_len);
		while (e.serial_len > 1 && e.serial[0] == 0) { /* the sign octet */
			e.serial++;
			e.serial_len--;
		}
		p += t.hdr_len + t.len;
		if (read_time(d, p, eend, "revocationDate", &when, &p, NULL))
			break;
		e.date = when;
		if (p < eend && !rd(d, p, eend, &t, NULL))
			entry_show_exts(d, p + t.hdr_len, eend, &e);
		if (!fn(ctx, &e))
			break;
		pos = eend;
	}
	return CK_OK;
}

enum ck_crl_sigcheck ck_crlset_signature(const struct ck_crlset *s, size_t i,
					 const struct ck_cert *const *pool, size_t n,
					 size_t *signer)
{
	const struct crl *cc = crl_at(s, i);
	struct crl *c = (struct crl *)cc; /* only its memo (under the lock) is written */
	size_t tried = 0;

	if (!c)
		return CK_CRL_SIG_NOT_CHECKED;
	for (size_t k = 0; k < n && tried < MAX_SIGNERS; k++) {
		const struct ck_cert *p = pool[k];
		if (!p || (!raw_name_eq(p, c) && !subject_is(p, &c->iss)))
			continue;
		if (c->akid_len && p->ski_len &&
		    (p->ski_len != c->akid_len || memcmp(p->ski, c->akid, c->akid_len) != 0))
			continue;
		tried++;
		if (!c->sign_algo)
			return CK_CRL_SIG_UNSUPPORTED;
		if (crl_verify(s, c, p)) {
			if (signer)
				*signer = k;
			return CK_CRL_SIG_VALID;
		}
	}
	return tried ? CK_CRL_SIG_INVALID : CK_CRL_SIG_NOT_CHECKED;
}
