/* dn — RFC 5280 §7.1 name comparison through a canonical form.
 *
 * A Name is walked with der.h (no decoded tree): SEQUENCE OF RDN, RDN =
 * SET OF AttributeTypeAndValue.  Each attribute becomes
 *   OID TLV bytes, then 'S' + prepared UTF-8 (string values) or
 *   'B' + the value's TLV bytes (anything else),
 * length-prefixed; the attributes of one RDN are sorted (a SET has no
 * order) and the RDNs are written in order, each prefixed with its
 * attribute count.  Equal canonical forms are equal names.
 *
 * String preparation is written here because no maintained C library
 * does RFC 4518 (GnuTLS compares DNs byte for byte, libidn2 prepares
 * host names only).  It is the part that matters for certificates:
 * every string type to Unicode, case folding for ASCII and Latin-1
 * (the ranges where issuers' names differ in practice; other letters
 * compare exactly, which can only make two names differ, never match
 * names that should not), and insignificant space handling. */
#include "config.h"

#include "dn.h"
#include "der.h"

#include <stdlib.h>
#include <string.h>

#define MAX_RDNS 128
#define MAX_AVAS 64

struct buf {
	unsigned char *p;
	size_t n, cap;
	bool failed;
};

static void put(struct buf *b, const void *data, size_t len)
{
	if (b->failed)
		return;
	if (b->n + len > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		unsigned char *np;
		while (cap < b->n + len)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
}

static void put_u32(struct buf *b, size_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	put(b, x, 4);
}

static void put_utf8(struct buf *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	put(b, u, n);
}

/* Next code point of a string of universal type `tag`; false at the end
 * or on a malformed encoding (*bad set). */
static bool next_cp(unsigned long tag, const unsigned char *s, size_t n, size_t *i, uint32_t *cp,
		    bool *bad)
{
	if (*i >= n)
		return false;
	switch (tag) {
	case CK_TAG_BMP:
		if (n - *i < 2)
			break;
		*cp = (uint32_t)s[*i] << 8 | s[*i + 1];
		*i += 2;
		return true;
	case 28: /* UniversalString */
		if (n - *i < 4)
			break;
		*cp = (uint32_t)s[*i] << 24 | (uint32_t)s[*i + 1] << 16 | (uint32_t)s[*i + 2] << 8 |
		      s[*i + 3];
		*i += 4;
		return *cp <= 0x10ffff || (*bad = true, false);
	case CK_TAG_UTF8: {
		unsigned char c = s[*i];
		size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			     (c & 0xf8) == 0xf0 ? 4 : 0;
		if (!len || n - *i < len)
			break;
		*cp = len == 1 ? c : len == 2 ? c & 0x1fu : len == 3 ? c & 0x0fu : c & 0x07u;
		for (size_t k = 1; k < len; k++) {
			if ((s[*i + k] & 0xc0) != 0x80) {
				*bad = true;
				return false;
			}
			*cp = *cp << 6 | (s[*i + k] & 0x3fu);
		}
		*i += len;
		return true;
	}
	default: /* Printable, IA5, Visible, Teletex: one byte each */
		*cp = s[(*i)++];
		return true;
	}
	*bad = true;
	return false;
}

static bool is_string_tag(unsigned long tag)
{
	return tag == CK_TAG_UTF8 || tag == CK_TAG_PRINTABLE || tag == 20 /* Teletex */ ||
	       tag == CK_TAG_IA5 || tag == 26 /* Visible */ || tag == 28 || tag == CK_TAG_BMP;
}

static uint32_t fold(uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7))
		return cp + 0x20;
	return cp;
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x0b || cp == 0x0c ||
	       cp == 0xa0 || cp == 0x3000;
}

/* RFC 4518 §2.6.1 for the values that matter: spaces at the ends
 * dropped, inner runs folded to one, letters case-folded.  False when
 * the string is not valid in its type (then it compares as bytes). */
static bool prep_string(struct buf *out, unsigned long tag, const unsigned char *s, size_t n)
{
	size_t i = 0, start = out->n;
	uint32_t cp;
	bool bad = false, pending = false, any = false;

	put(out, "S", 1);
	while (next_cp(tag, s, n, &i, &cp, &bad)) {
		if (is_space(cp)) {
			pending = any;
			continue;
		}
		if (pending)
			put_utf8(out, ' ');
		pending = false;
		any = true;
		put_utf8(out, fold(cp));
	}
	if (bad)
		out->n = start;
	return !bad;
}

struct ava {
	size_t off, len; /* inside the RDN's scratch buffer */
};

static int cmp_bytes(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);
	return r ? r : an < bn ? -1 : an > bn ? 1 : 0;
}

/* Insertion sort: an RDN has a handful of attributes, and qsort would
 * need the scratch buffer in a global. */
static void sort_avas(struct ava *v, size_t n, const unsigned char *base)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp_bytes(base + v[j - 1].off, v[j - 1].len,
						       base + v[j].off, v[j].len) > 0; j--) {
			struct ava tmp = v[j];
			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
}

/* One AttributeTypeAndValue at p[0..n) into `scratch`. */
static bool canon_ava(struct buf *scratch, const unsigned char *p, size_t n)
{
	struct ck_tlv t, v;
	size_t oid_len;

	if (ck_der_read(p, n, false, 0, &t, NULL) || t.tag != CK_TAG_OID || t.cls != 0)
		return false;
	oid_len = t.hdr_len + t.len;
	put_u32(scratch, oid_len);
	put(scratch, p, oid_len);
	if (ck_der_read(p + oid_len, n - oid_len, false, 0, &v, NULL) ||
	    oid_len + v.hdr_len + v.len != n)
		return false;
	if (v.cls == 0 && !v.constructed && is_string_tag(v.tag) &&
	    prep_string(scratch, v.tag, p + oid_len + v.hdr_len, v.len))
		return true;
	put(scratch, "B", 1);
	put(scratch, p + oid_len, v.hdr_len + v.len);
	return true;
}

/* One RDN (the SET's content p[0..n)) appended to out. */
static bool canon_rdn(struct buf *out, const unsigned char *p, size_t n)
{
	struct buf scratch = { 0 };
	struct ava avas[MAX_AVAS];
	size_t navas = 0, pos = 0;
	bool ok = true;

	while (pos < n && ok) {
		struct ck_tlv t;
		size_t start;
		if (navas == MAX_AVAS || ck_der_read(p + pos, n - pos, false, 0, &t, NULL) ||
		    t.tag != CK_TAG_SEQUENCE) {
			ok = false;
			break;
		}
		start = scratch.n;
		ok = canon_ava(&scratch, p + pos + t.hdr_len, t.len);
		avas[navas].off = start;
		avas[navas].len = scratch.n - start;
		navas++;
		pos += t.hdr_len + t.len;
	}
	if (ok && (scratch.failed || navas == 0))
		ok = false;
	if (ok) {
		sort_avas(avas, navas, scratch.p);
		put_u32(out, navas);
		for (size_t i = 0; i < navas; i++) {
			put_u32(out, avas[i].len);
			put(out, scratch.p + avas[i].off, avas[i].len);
		}
	}
	free(scratch.p);
	return ok;
}

/* Canonical form, and the end offset of each RDN in it. */
static bool canon(const unsigned char *der, size_t len, struct buf *out, size_t *ends,
		  size_t *nrdns)
{
	struct ck_tlv t;
	size_t pos, end, n = 0;

	if (ck_der_read(der, len, false, 0, &t, NULL) || t.tag != CK_TAG_SEQUENCE ||
	    t.hdr_len + t.len != len)
		return false;
	pos = t.hdr_len;
	end = len;
	while (pos < end) {
		if (n == MAX_RDNS || ck_der_read(der + pos, end - pos, false, 0, &t, NULL) ||
		    t.tag != CK_TAG_SET || !canon_rdn(out, der + pos + t.hdr_len, t.len))
			return false;
		pos += t.hdr_len + t.len;
		if (ends)
			ends[n] = out->n;
		n++;
	}
	*nrdns = n;
	return !out->failed;
}

bool ck_dn_canon(const unsigned char *der, size_t len, unsigned char **out, size_t *out_len)
{
	struct buf b = { 0 };
	size_t n;

	if (!canon(der, len, &b, NULL, &n)) {
		free(b.p);
		return false;
	}
	if (!b.p && !(b.p = malloc(1)))
		return false;
	*out = b.p;
	*out_len = b.n;
	return true;
}

bool ck_dn_equal(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	struct buf ca = { 0 }, cb = { 0 };
	size_t na, nb;
	bool eq;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return true;
	eq = canon(a, alen, &ca, NULL, &na) && canon(b, blen, &cb, NULL, &nb) && na == nb &&
	     ca.n == cb.n && (ca.n == 0 || memcmp(ca.p, cb.p, ca.n) == 0);
	free(ca.p);
	free(cb.p);
	return eq;
}

bool ck_dn_has_prefix(const unsigned char *dn, size_t dnlen, const unsigned char *prefix,
		      size_t plen)
{
	struct buf cd = { 0 }, cp = { 0 };
	size_t nd, np, ends[MAX_RDNS];
	bool ok;

	ok = canon(prefix, plen, &cp, NULL, &np) && canon(dn, dnlen, &cd, ends, &nd) && np <= nd;
	if (ok && np > 0)
		ok = ends[np - 1] == cp.n && memcmp(cd.p, cp.p, cp.n) == 0;
	free(cd.p);
	free(cp.p);
	return ok;
}

size_t ck_dn_count(const unsigned char *der, size_t len)
{
	struct buf b = { 0 };
	size_t n = 0;
	if (!canon(der, len, &b, NULL, &n))
		n = 0;
	free(b.p);
	return n;
}

uint64_t ck_dn_hash(const unsigned char *der, size_t len)
{
	struct buf b = { 0 };
	size_t n;
	const unsigned char *p = der;
	size_t plen = len;
	uint64_t h = 0xcbf29ce484222325ull;

	if (canon(der, len, &b, NULL, &n)) {
		p = b.p;
		plen = b.n;
	}
	for (size_t i = 0; i < plen; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	free(b.p);
	return h;
}
