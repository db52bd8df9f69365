/* nc — RFC 5280 name constraints: the nameConstraints extension of each
 * CA on a path, and the check of the names of the certificates below.
 *
 * ck_nc_add() checks the extension against pkix.asn with libtasn1, then
 * walks the DER (ck_der_read, DER only) into one `struct set` per CA:
 * for each list (permitted, excluded) and each GeneralName form, the
 * subtrees of that form.  Strings are checked for syntax once, here;
 * directoryNames are decoded once into RDNs whose attribute values are
 * normalised (RFC 5280 7.1, as BoringSSL does it: the string types in
 * UTF-8, ASCII case folded, spaces trimmed and collapsed) and sorted, so
 * that comparing two RDNs is a linear walk.
 *
 * ck_nc_check() gathers the names of a certificate once (subject, its
 * emailAddress attributes, every subjectAltName), estimates the work
 * (names times constraints of the same form, weighted by size) and
 * refuses above CK_NC_MAX_WORK, then for each set: a name of a form the
 * set constrains must be in no excluded subtree, and in one permitted
 * subtree when the set has permitted subtrees of that form.
 *
 * Invariant: nothing here trusts a length it has not read from a TLV
 * header checked against what is left (ck_der_read). */
#include "config.h"

#include "nc.h"

#include "der.h"

#include <arpa/inet.h>
#include <gnutls/x509.h>
#include <libtasn1.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GeneralName forms, numbered by their context tag. */
enum form {
	F_OTHER = 0,
	F_EMAIL = 1,
	F_DNS = 2,
	F_X400 = 3,
	F_DIR = 4,
	F_EDI = 5,
	F_URI = 6,
	F_IP = 7,
	F_RID = 8,
	F_COUNT
};

static const char *const form_label[F_COUNT] = {
	"otherName", "email", "DNS", "x400Address", "DirName",
	"ediPartyName", "URI", "IP", "registeredID",
};

/* Forms whose constraints we cannot evaluate (RFC 5280 4.2.1.10: process
 * them or reject the certificate). */
static bool form_unsupported(enum form f)
{
	return f == F_OTHER || f == F_X400 || f == F_EDI || f == F_RID;
}

/* ---------------------------------------------------------------- */
/* distinguished names, decoded for comparison */

/* An attribute: its OID's content octets and its value, either
 * normalised text (`raw` false) or the value's whole TLV. */
struct ava {
	const unsigned char *oid;
	size_t oid_len;
	bool raw;
	const unsigned char *val;
	size_t val_len;
};

struct rdn {
	struct ava *ava;
	size_t n;
};

/* Points into the DER it was decoded from (which must outlive it) and
 * into its own arena of normalised values. */
struct dn {
	struct rdn *rdn;
	size_t n;
	struct ava *avas;
	unsigned char *arena;
};

static void dn_cleanup(struct dn *d)
{
	free(d->rdn);
	free(d->avas);
	free(d->arena);
	memset(d, 0, sizeof *d);
}

/* A cursor over a run of TLVs. */
struct cur {
	const unsigned char *p;
	size_t n;
};

/* Read the next TLV (DER only): its header in *t, its content in *c. */
static bool next_tlv(struct cur *k, struct ck_tlv *t, struct cur *c)
{
	if (k->n == 0 || ck_der_read(k->p, k->n, false, 0, t, NULL) != CK_OK)
		return false;
	c->p = k->p + t->hdr_len;
	c->n = t->len;
	k->p += t->hdr_len + t->len;
	k->n -= t->hdr_len + t->len;
	return true;
}

static bool is_universal(const struct ck_tlv *t, unsigned long tag, bool constructed)
{
	return t->cls == ASN1_CLASS_UNIVERSAL && t->tag == tag && t->constructed == constructed;
}

static size_t put_utf8(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static bool printable_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr(" '()+,-./:=?", c) != NULL;
}

/* The text of a string value in UTF-8 into o (room for 2 * n bytes);
 * its length, or -1 when the type is not one that RFC 5280 7.1 compares
 * as text (TeletexString is compared as bytes, as BoringSSL does) or
 * the value breaks its type's alphabet. */
static long to_utf8(unsigned long tag, const unsigned char *s, size_t n, unsigned char *o)
{
	size_t w = 0;

	switch (tag) {
	case CK_TAG_PRINTABLE:
	case CK_TAG_IA5:
		for (size_t i = 0; i < n; i++) {
			if (s[i] == 0 || s[i] >= 0x80 || (tag == CK_TAG_PRINTABLE && !printable_char(s[i])))
				return -1;
			o[w++] = s[i];
		}
		return (long)w;
	case CK_TAG_UTF8:
		for (size_t i = 0; i < n;) {
			size_t k = ck_utf8_seq(s + i, n - i);
			if (k == 0)
				return -1;
			memcpy(o + w, s + i, k);
			w += k;
			i += k;
		}
		return (long)w;
	case CK_TAG_BMP:
		if (n % 2)
			return -1;
		for (size_t i = 0; i < n; i += 2) {
			uint32_t cp = (uint32_t)s[i] << 8 | s[i + 1];
			if (cp >= 0xd800 && cp <= 0xdfff)
				return -1;
			w += put_utf8(o + w, cp);
		}
		return (long)w;
	case 28: /* UniversalString */
		if (n % 4)
			return -1;
		for (size_t i = 0; i < n; i += 4) {
			uint32_t cp = (uint32_t)s[i] << 24 | (uint32_t)s[i + 1] << 16 |
				      (uint32_t)s[i + 2] << 8 | s[i + 3];
			if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
				return -1;
			w += put_utf8(o + w, cp);
		}
		return (long)w;
	default:
		return -1;
	}
}

/* RFC 5280 7.1 (RFC 4518 reduced to ASCII, as BoringSSL and NSS do):
 * leading and trailing spaces dropped, inner runs of spaces made one,
 * A-Z folded to a-z.  In place; returns the new length. */
static size_t fold(unsigned char *s, size_t n)
{
	size_t r = 0, w = 0;

	while (r < n && s[r] == ' ')
		r++;
	for (; r < n; r++) {
		unsigned char c = s[r];
		if (c == ' ') {
			if (r + 1 < n && s[r + 1] != ' ')
				s[w++] = ' ';
		} else {
			s[w++] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
		}
	}
	return w;
}

static int cmp_bytes(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	int c;

	if (an != bn)
		return an < bn ? -1 : 1;
	c = an ? memcmp(a, b, an) : 0;
	return c;
}

static int ava_cmp(const struct ava *a, const struct ava *b)
{
	int c = cmp_bytes(a->oid, a->oid_len, b->oid, b->oid_len);
	if (c)
		return c;
	if (a->raw != b->raw)
		return a->raw ? 1 : -1;
	return cmp_bytes(a->val, a->val_len, b->val, b->val_len);
}

static int ava_qsort(const void *a, const void *b)
{
	return ava_cmp(a, b);
}

/* Decode the Name whose TLV is p[0..n) into *d; false when it is not a
 * Name (or on allocation failure, *nomem set). */
static bool dn_parse(const unsigned char *p, size_t n, struct dn *d, bool *nomem)
{
	struct cur top = { p, n }, seq, rdns, set, atv, v;
	struct ck_tlv t;
	size_t nrdn = 0, nava = 0, a = 0, r = 0, w = 0;

	memset(d, 0, sizeof *d);
	if (!next_tlv(&top, &t, &seq) || top.n || !is_universal(&t, CK_TAG_SEQUENCE, true))
		return false;
	/* first pass: shape and counts */
	for (rdns = seq; rdns.n;) {
		if (!next_tlv(&rdns, &t, &set) || !is_universal(&t, CK_TAG_SET, true) || !set.n)
			return false;
		nrdn++;
		while (set.n) {
			if (!next_tlv(&set, &t, &atv) || !is_universal(&t, CK_TAG_SEQUENCE, true) ||
			    !next_tlv(&atv, &t, &v) || !is_universal(&t, CK_TAG_OID, false) || !v.n ||
			    !next_tlv(&atv, &t, &v) || atv.n)
				return false;
			nava++;
		}
	}
	if (!nrdn)
		return true;
	d->rdn = calloc(nrdn, sizeof *d->rdn);
	d->avas = calloc(nava, sizeof *d->avas);
	d->arena = malloc(2 * n);
	if (!d->rdn || !d->avas || !d->arena) {
		*nomem = true;
		dn_cleanup(d);
		return false;
	}
	for (rdns = seq; rdns.n; r++) {
		next_tlv(&rdns, &t, &set);
		d->rdn[r].ava = d->avas + a;
		while (set.n) {
			struct ava *x = &d->avas[a++];
			const unsigned char *val_tlv;
			long k;

			next_tlv(&set, &t, &atv);
			next_tlv(&atv, &t, &v);
			x->oid = v.p;
			x->oid_len = v.n;
			val_tlv = atv.p;
			next_tlv(&atv, &t, &v);
			k = t.cls == ASN1_CLASS_UNIVERSAL && !t.constructed ?
				    to_utf8(t.tag, v.p, v.n, d->arena + w) : -1;
			if (k >= 0) {
				x->val = d->arena + w;
				x->val_len = fold(d->arena + w, (size_t)k);
				w += (size_t)k;
			} else {
				x->raw = true;
				x->val = val_tlv;
				x->val_len = t.hdr_len + t.len;
			}
			d->rdn[r].n++;
		}
		qsort(d->rdn[r].ava, d->rdn[r].n, sizeof *d->rdn[r].ava, ava_qsort);
	}
	d->n = nrdn;
	return true;
}

static bool rdn_equal(const struct rdn *a, const struct rdn *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (ava_cmp(&a->ava[i], &b->ava[i]))
			return false;
	return true;
}

/* RFC 5280 7.1: `name` is within the subtree `base` when base's RDNs
 * are its first RDNs. */
static bool dn_within(const struct dn *name, const struct dn *base)
{
	if (base->n > name->n)
		return false;
	for (size_t i = 0; i < base->n; i++)
		if (!rdn_equal(&name->rdn[i], &base->rdn[i]))
			return false;
	return true;
}

/* ---------------------------------------------------------------- */
/* host names, mailboxes, URIs */

static bool ieq(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return true;
}

static bool iends(const unsigned char *s, size_t n, const unsigned char *suf, size_t m)
{
	return m <= n && ieq(s + n - m, suf, m);
}

/* Labels separated by single dots, each of printable ASCII other than
 * '.' and '*', at least one.  No trailing dot: RFC 5280 wants the
 * preferred name syntax, and Go and Botan refuse absolute names too.
 * With `wildcard`, the first label may be "*" (a name, not a
 * constraint). */
static bool domain_ok(const unsigned char *s, size_t n, bool wildcard)
{
	size_t label = 0;

	if (wildcard && n > 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		n -= 2;
	}
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (!label)
				return false;
			label = 0;
		} else if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '*') {
			return false;
		} else {
			label++;
		}
	}
	return label > 0;
}

/* A constraint for a host or domain: empty (everything), or a domain
 * with an optional leading dot. */
static bool domain_constraint_ok(const unsigned char *s, size_t n)
{
	if (n && s[0] == '.') {
		s++;
		n--;
		if (!n)
			return false;
	}
	return n == 0 || domain_ok(s, n, false);
}

/* RFC 5280 4.2.1.10 for dNSName: `name` is the constraint or a name
 * made by adding labels to its left; a constraint with a leading dot
 * (a common reading of the RFC, that of BoringSSL, Go and OpenSSL) is
 * satisfied by subdomains only.  `partial` (excluded subtrees): a
 * wildcard "*.b.c" also matches "a.b.c", one of the names it stands
 * for. */
static bool dns_match(const unsigned char *name, size_t nn, const unsigned char *c, size_t cn,
		      bool partial)
{
	if (!cn)
		return true;
	if (partial && nn > 2 && name[0] == '*' && name[1] == '.') {
		const unsigned char *dot = memchr(c, '.', cn);
		if (dot && (size_t)(c + cn - dot - 1) == nn - 2 && ieq(dot + 1, name + 2, nn - 2))
			return true;
	}
	if (c[0] == '.')
		return nn > cn && iends(name, nn, c, cn);
	if (!iends(name, nn, c, cn))
		return false;
	return nn == cn || name[nn - cn - 1] == '.';
}

/* For a host in a URI or a mailbox: "host" matches that host only,
 * ".domain" any host below it, "" every host. */
static bool host_match(const unsigned char *host, size_t hn, const unsigned char *c, size_t cn)
{
	if (!cn)
		return true;
	if (c[0] == '.')
		return hn > cn && iends(host, hn, c, cn);
	return hn == cn && ieq(host, c, cn);
}

static bool atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

/* Split a mailbox "local@domain" (dot-atom local part, as BoringSSL:
 * a quoted local part could hide an '@' or make two spellings of one
 * mailbox, so it is not compared). */
static bool mailbox_split(const unsigned char *s, size_t n, size_t *at)
{
	const unsigned char *a = memchr(s, '@', n);

	if (!a || a == s || memchr(a + 1, '@', n - (size_t)(a - s) - 1))
		return false;
	for (const unsigned char *p = s; p < a; p++)
		if (!atext(*p))
			return false;
	*at = (size_t)(a - s);
	return domain_ok(a + 1, n - *at - 1, false);
}

/* The SmtpUTF8Mailbox form (RFC 9598): the local part may hold UTF-8,
 * the domain must be ASCII (A-labels; U-labels are not allowed). */
static bool utf8_mailbox_split(const unsigned char *s, size_t n, size_t *at)
{
	const unsigned char *a = memchr(s, '@', n);

	if (!a || a == s || memchr(a + 1, '@', n - (size_t)(a - s) - 1))
		return false;
	for (size_t i = 0, k; i < (size_t)(a - s); i += k) {
		k = ck_utf8_seq(s + i, (size_t)(a - s) - i);
		if (!k || (k == 1 && !atext(s[i])))
			return false;
	}
	*at = (size_t)(a - s);
	return domain_ok(a + 1, n - *at - 1, false);
}

/* rfc822Name: a constraint with '@' is one mailbox (local part exact,
 * or without regard to case for an excluded subtree: mail systems
 * differ, and an exclusion must not be escaped by capitals), else a
 * host or a domain as for URIs. */
static bool email_match(const unsigned char *s, size_t n, size_t at, const unsigned char *c,
			size_t cn, bool excluded, bool smtputf8)
{
	const unsigned char *ca = memchr(c, '@', cn);

	if (ca && smtputf8) {
		/* RFC 9598 section 6: a mailbox constraint does not permit an
		 * SmtpUTF8Mailbox; as an exclusion it covers its whole domain */
		return excluded && n - at == cn - (size_t)(ca - c) &&
		       ieq(s + at + 1, ca + 1, n - at - 1);
	}
	if (ca) {
		size_t cat = (size_t)(ca - c);
		if (cat != at || !(excluded ? ieq(s, c, at) : memcmp(s, c, at) == 0))
			return false;
		return n - at == cn - cat && ieq(s + at + 1, ca + 1, n - at - 1);
	}
	return host_match(s + at + 1, n - at - 1, c, cn);
}

/* Letters, digits, '-', '_' and '.' only: a host in a URI, where '%'
 * escapes or other sub-delims could spell one host two ways. */
static bool host_chars(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static bool digits_and_dots(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return n > 0;
}

/* The host of a URI (RFC 3986 authority without userinfo and port), in
 * h and hn.  false when there is none (no "scheme://"), or it is an IP
 * literal or dotted-quad address (which host constraints cannot
 * judge), or not a plain domain name (percent-escapes included). */
static bool uri_host(const unsigned char *s, size_t n, const unsigned char **h, size_t *hn)
{
	const unsigned char *colon = memchr(s, ':', n), *a, *end = s + n, *at, *port;

	if (!colon || colon == s || (size_t)(end - colon) < 3 || colon[1] != '/' || colon[2] != '/')
		return false;
	for (const unsigned char *p = s; p < colon; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (p > s && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))))
			return false;
	a = colon + 3;
	for (const unsigned char *p = a; p < end; p++)
		if (*p == '/' || *p == '?' || *p == '#') {
			end = p;
			break;
		}
	for (at = end; at > a && at[-1] != '@'; at--)
		;
	a = at;
	if (a < end && *a == '[')
		return false;
	port = memchr(a, ':', (size_t)(end - a));
	if (port) {
		for (const unsigned char *p = port + 1; p < end; p++)
			if (*p < '0' || *p > '9')
				return false;
		end = port;
	}
	*h = a;
	*hn = (size_t)(end - a);
	return domain_ok(a, *hn, false) && host_chars(a, *hn) && !digits_and_dots(a, *hn);
}

/* ---------------------------------------------------------------- */
/* the constraint sets */

struct subtree {
	unsigned char *data; /* the GeneralName's content; a directoryName's Name TLV */
	size_t len;
	struct dn dn;        /* F_DIR */
	bool minmax;         /* minimum other than 0, or maximum: not evaluated */
};

struct list {
	struct subtree *v;
	size_t n, cap;
};

/* The constraints of one CA. */
struct set {
	char *ca;
	struct list sub[2][F_COUNT]; /* [0] permitted, [1] excluded */
	unsigned long weight[F_COUNT]; /* work units of comparing one name of the form */
	bool minmax[F_COUNT];
};

struct ck_nc {
	struct set *sets;
	size_t n;
};

static void set_cleanup(struct set *s)
{
	free(s->ca);
	for (int l = 0; l < 2; l++)
		for (int f = 0; f < F_COUNT; f++) {
			for (size_t i = 0; i < s->sub[l][f].n; i++) {
				dn_cleanup(&s->sub[l][f].v[i].dn);
				free(s->sub[l][f].v[i].data);
			}
			free(s->sub[l][f].v);
		}
	memset(s, 0, sizeof *s);
}

enum ck_status ck_nc_new(struct ck_nc **out)
{
	struct ck_nc *nc = calloc(1, sizeof *nc);
	if (!nc)
		return CK_E_NOMEM;
	*out = nc;
	return CK_OK;
}

void ck_nc_free(struct ck_nc *nc)
{
	if (!nc)
		return;
	for (size_t i = 0; i < nc->n; i++)
		set_cleanup(&nc->sets[i]);
	free(nc->sets);
	free(nc);
}

size_t ck_nc_count(const struct ck_nc *nc)
{
	return nc ? nc->n : 0;
}

static bool mask_contiguous(const unsigned char *m, size_t n)
{
	size_t i = 0;

	while (i < n && m[i] == 0xff)
		i++;
	if (i < n) {
		unsigned char b = m[i++];
		/* ones then zeros: the inverse plus one is a power of two */
		unsigned inv = (unsigned char)~b;
		if ((inv & (inv + 1)) != 0)
			return false;
	}
	for (; i < n; i++)
		if (m[i])
			return false;
	return true;
}

/* Check one constraint's base (form f, content c) for syntax; NULL when
 * good, else why not. */
static const char *base_problem(enum form f, const struct ck_tlv *t, const struct cur *c,
				struct dn *dn, bool *nomem)
{
	bool want_constructed = f == F_OTHER || f == F_X400 || f == F_DIR || f == F_EDI;

	if (t->constructed != want_constructed)
		return "a GeneralName in the wrong form";
	switch (f) {
	case F_DNS:
		return domain_constraint_ok(c->p, c->n) ? NULL : "a dNSName constraint that is not a domain";
	case F_URI: {
		const unsigned char *s = c->p;
		size_t n = c->n;
		if (n && s[0] == '.')
			s++, n--;
		if (!domain_constraint_ok(c->p, c->n) || !host_chars(c->p, c->n) || digits_and_dots(s, n))
			return "a URI constraint that is not a host or domain";
		return NULL;
	}
	case F_EMAIL: {
		size_t at;
		if (memchr(c->p, '@', c->n))
			return mailbox_split(c->p, c->n, &at) ? NULL :
			       "an rfc822Name constraint that is not a mailbox";
		return domain_constraint_ok(c->p, c->n) ? NULL :
		       "an rfc822Name constraint that is not a host or domain";
	}
	case F_IP:
		if (c->n != 8 && c->n != 32)
			return "an iPAddress constraint that is not address and mask (8 or 32 bytes)";
		if (!mask_contiguous(c->p + c->n / 2, c->n / 2))
			return "an iPAddress constraint with a mask that is not contiguous";
		return NULL;
	case F_DIR:
		if (!dn_parse(c->p, c->n, dn, nomem))
			return *nomem ? "out of memory" : "a directoryName constraint that is not a Name";
		return NULL;
	case F_RID:
		return c->n ? NULL : "an empty registeredID constraint";
	default:
		return NULL;
	}
}

static enum ck_status add_subtree(struct set *s, int l, enum form f, const struct cur *c,
				  bool minmax)
{
	struct list *li = &s->sub[l][f];
	struct subtree *x;

	if (li->n == li->cap) {
		/* geometric growth: thousands of subtrees must not mean
		 * thousands of copies */
		size_t cap = li->cap ? 2 * li->cap : 4;
		struct subtree *v = realloc(li->v, cap * sizeof *v);
		if (!v)
			return CK_E_NOMEM;
		li->v = v;
		li->cap = cap;
	}
	x = &li->v[li->n];
	memset(x, 0, sizeof *x);
	x->data = malloc(c->n ? c->n : 1);
	if (!x->data)
		return CK_E_NOMEM;
	if (c->n)
		memcpy(x->data, c->p, c->n);
	x->len = c->n;
	x->minmax = minmax;
	if (f == F_DIR) {
		/* the decoded RDNs point into the copy, not the caller's bytes */
		bool nomem = false;
		if (!dn_parse(x->data, x->len, &x->dn, &nomem)) {
			free(x->data);
			return CK_E_NOMEM;
		}
	}
	li->n++;
	s->weight[f] += 1 + c->n / 64;
	if (minmax)
		s->minmax[f] = true;
	return CK_OK;
}

/* GeneralSubtrees (the content of [0] or [1]) into list l of s. */
static enum ck_status read_subtrees(struct set *s, int l, struct cur list, struct ck_error *err)
{
	const char *what = l ? "excludedSubtrees" : "permittedSubtrees";
	struct ck_tlv t;
	struct cur gs, base;
	size_t i = 0;
	enum ck_status rc;

	if (!list.n)
		return ck_error_set(err, CK_E_PARSE, "name constraints: %s is empty", what);
	for (; list.n; i++) {
		bool minmax = false, nomem = false;
		struct dn dn;
		enum form f;
		const char *bad;

		if (!next_tlv(&list, &t, &gs) || !is_universal(&t, CK_TAG_SEQUENCE, true) ||
		    !next_tlv(&gs, &t, &base) || t.cls != ASN1_CLASS_CONTEXT_SPECIFIC || t.tag >= F_COUNT)
			return ck_error_set(err, CK_E_PARSE,
					    "name constraints: %s item %zu is not a GeneralSubtree",
					    what, i + 1);
		f = (enum form)t.tag;
		memset(&dn, 0, sizeof dn);
		bad = base_problem(f, &t, &base, &dn, &nomem);
		dn_cleanup(&dn);
		if (nomem)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		if (bad)
			return ck_error_set(err, CK_E_PARSE, "name constraints: %s item %zu is %s",
					    what, i + 1, bad);
		/* minimum [0] (DEFAULT 0) and maximum [1]: RFC 5280 says
		 * 0 and absent; anything else is kept and refuses names of
		 * the form (OpenSSL does the same) */
		while (gs.n) {
			struct cur v;
			if (!next_tlv(&gs, &t, &v) || t.cls != ASN1_CLASS_CONTEXT_SPECIFIC ||
			    t.tag > 1 || t.constructed || !v.n)
				return ck_error_set(err, CK_E_PARSE,
						    "name constraints: %s item %zu has a malformed minimum or maximum",
						    what, i + 1);
			for (size_t k = 0; k < v.n; k++)
				if (t.tag == 1 || v.p[k])
					minmax = true;
		}
		rc = add_subtree(s, l, f, &base, minmax);
		if (rc)
			return ck_error_set(err, rc, "out of memory");
	}
	return CK_OK;
}

enum ck_status ck_nc_add(struct ck_nc *nc, const unsigned char *der, size_t len,
			 const char *ca_subject, struct ck_error *err)
{
	struct set s;
	struct set *grown;
	asn1_node node = NULL;
	struct cur top = { der, len }, seq;
	struct ck_tlv t;
	struct ck_error e;
	bool seen[2] = { false, false };
	enum ck_status rc;

	memset(&s, 0, sizeof s);
	ck_error_clear(&e);
	if (!nc || (!der && len))
		return ck_error_set(err, CK_E_USAGE, "ck_nc_add: no accumulator or no data");
	/* the structure, by libcore's definitions; then the walk below
	 * takes the values (and refuses what is BER but not DER) */
	rc = ck_der_decode("CHAINKIT.NameConstraints", der, len, &node, &e);
	asn1_delete_structure(&node);
	if (rc == CK_E_PARSE)
		return ck_error_set(err, CK_E_PARSE, "name constraints: not a NameConstraints (%s)",
				    e.what);
	if (rc)
		return ck_error_set(err, rc, "%s", e.what);
	if (!next_tlv(&top, &t, &seq) || top.n || !is_universal(&t, CK_TAG_SEQUENCE, true))
		return ck_error_set(err, CK_E_PARSE, "name constraints: not DER");
	s.ca = strdup(ca_subject ? ca_subject : "the CA");
	if (!s.ca) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	while (seq.n) {
		struct cur list;
		if (!next_tlv(&seq, &t, &list) || t.cls != ASN1_CLASS_CONTEXT_SPECIFIC || t.tag > 1 ||
		    !t.constructed || seen[t.tag] || (t.tag == 0 && seen[1])) {
			rc = ck_error_set(err, CK_E_PARSE,
					  "name constraints: unexpected element in NameConstraints");
			goto out;
		}
		seen[t.tag] = true;
		rc = read_subtrees(&s, (int)t.tag, list, err);
		if (rc)
			goto out;
	}
	if (!seen[0] && !seen[1]) {
		/* RFC 5280 4.2.1.10: conforming CAs MUST NOT issue an empty one */
		rc = ck_error_set(err, CK_E_PARSE,
				  "name constraints: neither permittedSubtrees nor excludedSubtrees");
		goto out;
	}
	grown = realloc(nc->sets, (nc->n + 1) * sizeof *grown);
	if (!grown) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	nc->sets = grown;
	nc->sets[nc->n++] = s;
	memset(&s, 0, sizeof s);
	rc = CK_OK;
out:
	set_cleanup(&s);
	return rc;
}

/* ---------------------------------------------------------------- */
/* the names of a certificate */

enum origin { FROM_SAN, FROM_SAN_SMTPUTF8, FROM_SUBJECT, FROM_SUBJECT_EMAIL, FROM_SUBJECT_CN };

struct name {
	enum form form;
	enum origin origin;
	const unsigned char *p; /* content (for F_DIR the Name TLV) */
	size_t n;
	size_t at;              /* F_EMAIL: position of '@' */
	const unsigned char *host; /* F_URI */
	size_t host_len;
	bool usable;            /* its syntax allows comparing it */
	struct dn dn;           /* F_DIR */
	unsigned char *own;     /* what p points to, when not the certificate */
};

struct names {
	struct name *v;
	size_t n, cap;
	bool nomem;
};

static struct name *names_add(struct names *ns, enum form f, enum origin o,
			      const unsigned char *p, size_t n)
{
	struct name *x;

	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 16;
		struct name *v = realloc(ns->v, cap * sizeof *v);
		if (!v) {
			ns->nomem = true;
			return NULL;
		}
		ns->v = v;
		ns->cap = cap;
	}
	x = &ns->v[ns->n++];
	memset(x, 0, sizeof *x);
	x->form = f;
	x->origin = o;
	x->p = p;
	x->n = n;
	switch (f) {
	case F_DNS:
		x->usable = domain_ok(p, n, true);
		break;
	case F_EMAIL:
		x->usable = o == FROM_SAN_SMTPUTF8 ? utf8_mailbox_split(p, n, &x->at) :
						       mailbox_split(p, n, &x->at);
		break;
	case F_URI:
		x->usable = uri_host(p, n, &x->host, &x->host_len);
		break;
	case F_IP:
		x->usable = n == 4 || n == 16;
		break;
	case F_DIR:
		x->usable = dn_parse(p, n, &x->dn, &ns->nomem);
		break;
	default:
		x->usable = true;
		break;
	}
	return x;
}

static void names_cleanup(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		dn_cleanup(&ns->v[i].dn);
		free(ns->v[i].own);
	}
	free(ns->v);
	memset(ns, 0, sizeof *ns);
}


static const unsigned char oid_email[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01 };

/* The emailAddress attributes of the subject Name p[0..n) (already
 * known to decode), as rfc822Names with their bytes as written. */
static void add_subject_emails(struct names *ns, const unsigned char *p, size_t n)
{
	struct cur top = { p, n }, seq, set, atv, v;
	struct ck_tlv t;

	if (!next_tlv(&top, &t, &seq))
		return;
	while (seq.n && next_tlv(&seq, &t, &set))
		while (set.n && next_tlv(&set, &t, &atv)) {
			if (!next_tlv(&atv, &t, &v) || v.n != sizeof oid_email ||
			    memcmp(v.p, oid_email, sizeof oid_email) || !next_tlv(&atv, &t, &v))
				continue;
			/* a constructed value is no mailbox: kept, unusable */
			names_add(ns, F_EMAIL, FROM_SUBJECT_EMAIL, v.p, t.constructed ? 0 : v.n);
		}
}

static const unsigned char oid_cn[] = { 0x55, 0x04, 0x03 };

/* OpenSSL's cn2dnsid(): letters, digits and '_', with '-' and '.'
 * inside, no dot next to a dot or a hyphen, and at least one dot. */
static bool cn_is_host(const unsigned char *s, size_t n)
{
	bool dot = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
			continue;
		if (i == 0 || i + 1 == n)
			return false;
		if (c == '-')
			continue;
		if (c == '.' && s[i + 1] != '.' && s[i - 1] != '-' && s[i + 1] != '-') {
			dot = true;
			continue;
		}
		return false;
	}
	return dot;
}

/* Each CN of the subject p[0..n) that is a host name, as a dNSName. */
static void add_subject_cns(struct names *ns, const unsigned char *p, size_t n)
{
	struct cur top = { p, n }, seq, set, atv, v;
	struct ck_tlv t;

	if (!next_tlv(&top, &t, &seq))
		return;
	while (seq.n && next_tlv(&seq, &t, &set))
		while (set.n && next_tlv(&set, &t, &atv)) {
			unsigned char *text;
			long k;
			struct name *x;

			if (!next_tlv(&atv, &t, &v) || v.n != sizeof oid_cn ||
			    memcmp(v.p, oid_cn, sizeof oid_cn) || !next_tlv(&atv, &t, &v) ||
			    t.cls != ASN1_CLASS_UNIVERSAL || t.constructed)
				continue;
			if (!(text = malloc(2 * v.n + 1))) {
				ns->nomem = true;
				return;
			}
			/* TeletexString as Latin-1: a host name is ASCII anyway */
			if (t.tag == 20) {
				memcpy(text, v.p, v.n);
				k = (long)v.n;
			} else {
				k = to_utf8(t.tag, v.p, v.n, text);
			}
			/* trailing NULs are dropped, as OpenSSL does */
			while (k > 0 && text[k - 1] == 0)
				k--;
			if (k <= 0 || !cn_is_host(text, (size_t)k) ||
			    !(x = names_add(ns, F_DNS, FROM_SUBJECT_CN, text, (size_t)k))) {
				free(text);
				continue;
			}
			x->own = text;
		}
}

/* RFC 9598: rfc822Name constraints apply to the SmtpUTF8Mailbox
 * otherName too.  Its mailbox is compared as an rfc822Name when it is
 * ASCII; one with UTF-8 in it cannot be compared (U-labels would need
 * converting) and is refused under rfc822Name constraints. */
static const unsigned char oid_smtputf8[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x09 };

static void add_smtputf8(struct names *ns, struct cur c)
{
	struct cur v, w;
	struct ck_tlv t;

	if (!next_tlv(&c, &t, &v) || !is_universal(&t, CK_TAG_OID, false) ||
	    v.n != sizeof oid_smtputf8 || memcmp(v.p, oid_smtputf8, sizeof oid_smtputf8))
		return;
	if (next_tlv(&c, &t, &w) && t.cls == ASN1_CLASS_CONTEXT_SPECIFIC && t.tag == 0 &&
	    t.constructed && next_tlv(&w, &t, &v) && is_universal(&t, CK_TAG_UTF8, false))
		names_add(ns, F_EMAIL, FROM_SAN_SMTPUTF8, v.p, v.n);
	else
		names_add(ns, F_EMAIL, FROM_SAN_SMTPUTF8, v.p, 0);
}

/* The names of one subjectAltName extension value; false when it is
 * not a GeneralNames. */
static bool add_san(struct names *ns, const unsigned char *p, size_t n)
{
	struct cur seq = { p, n }, list, c;
	struct ck_tlv t;
	asn1_node node = NULL;
	enum ck_status rc = ck_der_decode("CHAINKIT.SubjectAltName", p, n, &node, NULL);

	asn1_delete_structure(&node);
	/* SIZE (1..MAX): an empty one is malformed */
	if (rc || !next_tlv(&seq, &t, &list) || seq.n || !is_universal(&t, CK_TAG_SEQUENCE, true) ||
	    !list.n)
		return false;
	while (list.n) {
		if (!next_tlv(&list, &t, &c) || t.cls != ASN1_CLASS_CONTEXT_SPECIFIC || t.tag >= F_COUNT)
			return false;
		names_add(ns, (enum form)t.tag, FROM_SAN, c.p, c.n);
		if (t.tag == F_OTHER)
			add_smtputf8(ns, c);
	}
	return true;
}

/* ---------------------------------------------------------------- */
/* messages */

struct text {
	char *p;
	size_t size, len;
};

static void tput(struct text *t, const char *s)
{
	while (*s && t->len + 1 < t->size)
		t->p[t->len++] = *s++;
	if (t->size)
		t->p[t->len < t->size ? t->len : t->size - 1] = '\0';
}

/* Bytes of a name as text: printable ASCII as is, others \xHH. */
static void tbytes(struct text *t, const unsigned char *s, size_t n)
{
	char hex[5];

	for (size_t i = 0; i < n && t->len + 1 < t->size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			hex[0] = (char)s[i];
			hex[1] = '\0';
		} else {
			snprintf(hex, sizeof hex, "\\x%02X", s[i]);
		}
		tput(t, hex);
	}
}

static void tdn(struct text *t, const unsigned char *p, size_t n)
{
	gnutls_datum_t in = { (unsigned char *)p, (unsigned)n }, out = { NULL, 0 };
	char *s;

	if (gnutls_x509_rdn_get2(&in, &out, 0) < 0) {
		tput(t, "(a name that cannot be shown)");
		return;
	}
	s = ck_dn_clean(out.data, out.size);
	tput(t, s && *s ? s : "(empty)");
	free(s);
	gnutls_free(out.data);
}

static void tip(struct text *t, const unsigned char *a, size_t n, const unsigned char *mask)
{
	char buf[INET6_ADDRSTRLEN + 8];

	if ((n != 4 && n != 16) || !inet_ntop(n == 4 ? AF_INET : AF_INET6, a, buf, sizeof buf)) {
		tput(t, "(");
		for (size_t i = 0; i < n && i < 32; i++) {
			snprintf(buf, sizeof buf, "%02x", a[i]);
			tput(t, buf);
		}
		tput(t, ")");
		return;
	}
	tput(t, buf);
	if (mask) {
		unsigned bits = 0;
		for (size_t i = 0; i < n; i++)
			for (unsigned b = 0x80; b; b >>= 1)
				bits += (mask[i] & b) != 0;
		snprintf(buf, sizeof buf, "/%u", bits);
		tput(t, buf);
	}
}

/* "DNS:x", "IP:10.0.0.0/8", "DirName:O=x", ... for form f, content
 * p[0..n) (a constraint when `constraint`: IP with its mask). */
static void tgeneral(struct text *t, enum form f, const unsigned char *p, size_t n,
		     bool constraint)
{
	tput(t, form_label[f]);
	switch (f) {
	case F_DNS:
	case F_EMAIL:
	case F_URI:
		tput(t, ":");
		tbytes(t, p, n);
		break;
	case F_IP:
		tput(t, ":");
		if (constraint)
			tip(t, p, n / 2, p + n / 2);
		else
			tip(t, p, n, NULL);
		break;
	case F_DIR:
		tput(t, ":");
		tdn(t, p, n);
		break;
	case F_OTHER:
	case F_RID: {
		/* the type-id of an otherName, the OID of a registeredID */
		struct cur k = { p, n }, v = { p, n };
		struct ck_tlv h;
		char oid[128];
		if (f == F_OTHER && (!next_tlv(&k, &h, &v) || !is_universal(&h, CK_TAG_OID, false)))
			break;
		if (ck_der_oid_str(v.p, v.n, oid, sizeof oid)) {
			tput(t, ":");
			tput(t, oid);
		}
		break;
	}
	default:
		break;
	}
}

static void tname(struct text *t, const struct name *x, const struct ck_cert *cert)
{
	switch (x->origin) {
	case FROM_SUBJECT:
		tput(t, "the subject ");
		tput(t, cert->subject && *cert->subject ? cert->subject : "(empty)");
		return;
	case FROM_SUBJECT_EMAIL:
		tput(t, "the subject emailAddress ");
		tbytes(t, x->p, x->n);
		return;
	case FROM_SUBJECT_CN:
		tput(t, "the subject CN ");
		tbytes(t, x->p, x->n);
		return;
	case FROM_SAN:
		tgeneral(t, x->form, x->p, x->n, false);
		return;
	case FROM_SAN_SMTPUTF8:
		tput(t, "SmtpUTF8Mailbox:");
		tbytes(t, x->p, x->n);
		return;
	}
}

/* The list of permitted subtrees, at most three shown. */
static void tpermitted(struct text *t, const struct list *li, enum form f)
{
	char more[48];

	for (size_t i = 0; i < li->n && i < 3; i++) {
		if (i)
			tput(t, i + 1 == li->n ? " or " : ", ");
		tgeneral(t, f, li->v[i].data, li->v[i].len, true);
	}
	if (li->n > 3) {
		snprintf(more, sizeof more, " or %zu more", li->n - 3);
		tput(t, more);
	}
}

__attribute__((format(printf, 3, 4)))
static bool refuse(char *why, size_t whysize, const char *fmt, ...)
{
	va_list ap;

	if (why && whysize) {
		va_start(ap, fmt);
		vsnprintf(why, whysize, fmt, ap);
		va_end(ap);
		ck_text_oneline(why);
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* the check */

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is also compared with
 * excluded IPv4 subtrees as the address it carries, so that it cannot
 * escape an exclusion; it is permitted by IPv6 subtrees only (Botan
 * does the same). */
static bool ip_match(const unsigned char *a, size_t n, const struct subtree *c, bool excluded)
{
	if (excluded && n == 16 && c->len == 8 && memcmp(a, v4_mapped, sizeof v4_mapped) == 0) {
		a += 12;
		n = 4;
	}
	if (c->len != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((a[i] & c->data[n + i]) != (c->data[i] & c->data[n + i]))
			return false;
	return true;
}

static bool name_match(const struct name *x, const struct subtree *c, bool excluded)
{
	switch (x->form) {
	case F_DNS:
		return dns_match(x->p, x->n, c->data, c->len, excluded);
	case F_EMAIL:
		return email_match(x->p, x->n, x->at, c->data, c->len, excluded,
				   x->origin == FROM_SAN_SMTPUTF8);
	case F_URI:
		return host_match(x->host, x->host_len, c->data, c->len);
	case F_IP:
		return ip_match(x->p, x->n, c, excluded);
	case F_DIR:
		return dn_within(&x->dn, &c->dn);
	default:
		return false;
	}
}

static const char *unusable_reason(enum form f)
{
	switch (f) {
	case F_DNS:
		return "is not a DNS name";
	case F_EMAIL:
		return "is not a mailbox of the form local@domain (dot-atom local part, ASCII domain)";
	case F_URI:
		return "has no host that is a domain name (scheme://host)";
	case F_IP:
		return "is not 4 or 16 bytes";
	case F_DIR:
		return "is not a distinguished name";
	default:
		return "cannot be read";
	}
}

/* Check one name against one set; false with why set when it fails. */
static bool check_name(const struct set *s, const struct name *x, const struct ck_cert *cert,
		       char *why, size_t whysize)
{
	const struct list *perm = &s->sub[0][x->form], *excl = &s->sub[1][x->form];
	char nbuf[320], cbuf[640];
	struct text nt = { nbuf, sizeof nbuf, 0 }, ct = { cbuf, sizeof cbuf, 0 };

	if (!perm->n && !excl->n)
		return true;
	tname(&nt, x, cert);
	if (form_unsupported(x->form))
		return refuse(why, whysize,
			      "%s cannot be checked against the %s constraints of %s (not supported)",
			      nbuf, form_label[x->form], s->ca);
	if (s->minmax[x->form])
		return refuse(why, whysize,
			      "%s cannot be checked against the %s constraints of %s (minimum or maximum set)",
			      nbuf, form_label[x->form], s->ca);
	if (!x->usable)
		return refuse(why, whysize, "%s %s: it cannot be checked against the %s constraints of %s",
			      nbuf, unusable_reason(x->form), form_label[x->form], s->ca);
	for (size_t i = 0; i < excl->n; i++)
		if (name_match(x, &excl->v[i], true)) {
			tgeneral(&ct, x->form, excl->v[i].data, excl->v[i].len, true);
			return refuse(why, whysize, "%s is within the excluded %s of %s", nbuf, cbuf,
				      s->ca);
		}
	if (!perm->n)
		return true;
	for (size_t i = 0; i < perm->n; i++)
		if (name_match(x, &perm->v[i], false))
			return true;
	tpermitted(&ct, perm, x->form);
	return refuse(why, whysize, "%s is not within the permitted %s of %s", nbuf, cbuf, s->ca);
}

/* RFC 5280 6.1.3 (b): issuer and subject equal by the 7.1 rules. */
static bool self_issued(const struct ck_cert *cert, bool *nomem)
{
	struct dn a, b;
	bool same;

	if (cert->self_issued)
		return true;
	if (!dn_parse(ck_cert_span(cert, cert->subject_raw), cert->subject_raw.len, &a, nomem))
		return false;
	if (!dn_parse(ck_cert_span(cert, cert->issuer_raw), cert->issuer_raw.len, &b, nomem)) {
		dn_cleanup(&a);
		return false;
	}
	same = a.n == b.n && dn_within(&a, &b);
	dn_cleanup(&a);
	dn_cleanup(&b);
	return same;
}

static enum ck_status gather(struct names *ns, const struct ck_cert *cert, unsigned forms,
			     unsigned flags, char *why, size_t whysize)
{
	struct ck_ext ext;
	size_t pos = 0;
	bool san_dns = false;
	int r;

	if (forms & (1u << F_DIR | 1u << F_EMAIL)) {
		struct name *x = names_add(ns, F_DIR, FROM_SUBJECT, ck_cert_span(cert, cert->subject_raw),
					   cert->subject_raw.len);
		if (!x)
			return CK_E_NOMEM;
		if (!x->usable) {
			refuse(why, whysize, "the subject of %s cannot be decoded", cert->subject);
			return CK_E_PARSE;
		}
		if (forms & (1u << F_EMAIL))
			add_subject_emails(ns, x->p, x->n);
		/* (x may have moved) an empty subject is no name (RFC 5280
		 * 4.1.2.6: the names are in the subjectAltName then) */
		x = &ns->v[0];
		if (!x->dn.n || !(forms & (1u << F_DIR))) {
			dn_cleanup(&x->dn);
			*x = ns->v[--ns->n];
		}
	}
	while ((r = ck_cert_ext_next(cert, &pos, &ext)) == 1)
		if (strcmp(ext.oid, "2.5.29.17") == 0 && !add_san(ns, ext.value, ext.len)) {
			refuse(why, whysize, "the subjectAltName of %s cannot be decoded", cert->subject);
			return CK_E_PARSE;
		}
	if (r < 0) {
		refuse(why, whysize, "the extensions of %s cannot be decoded", cert->subject);
		return CK_E_PARSE;
	}
	for (size_t i = 0; i < ns->n; i++)
		san_dns |= ns->v[i].form == F_DNS;
	if ((flags & CK_NC_CHECK_CN) && (flags & CK_NC_LEAF) && (forms & (1u << F_DNS)) && !san_dns)
		add_subject_cns(ns, ck_cert_span(cert, cert->subject_raw), cert->subject_raw.len);
	return ns->nomem ? CK_E_NOMEM : CK_OK;
}

bool ck_nc_check(const struct ck_nc *nc, const struct ck_cert *cert, unsigned flags, char *why,
		 size_t whysize)
{
	struct names ns = { NULL, 0, 0, false };
	unsigned forms = 0;
	unsigned long long work = 0;
	size_t count[F_COUNT] = { 0 };
	bool nomem = false, ok = false;
	enum ck_status rc;

	if (why && whysize)
		why[0] = '\0';
	if (!nc || !nc->n)
		return true;
	if (!cert)
		return refuse(why, whysize, "no certificate to check");
	for (size_t i = 0; i < nc->n; i++)
		for (int f = 0; f < F_COUNT; f++)
			if (nc->sets[i].sub[0][f].n || nc->sets[i].sub[1][f].n)
				forms |= 1u << f;
	/* RFC 5280 6.1.3 (b) and (c): "unless certificate i is self-issued
	 * and is not the final certificate in the path" */
	if (!(flags & CK_NC_LEAF) && self_issued(cert, &nomem))
		return true;
	if (nomem)
		return refuse(why, whysize, "out of memory checking the names of %s", cert->subject);
	/* The subject CN is checked as a DNS name only when asked: RFC 5280
	 * has no such rule; OpenSSL and GnuTLS do it (CK_NC_CHECK_CN). */
	rc = gather(&ns, cert, forms, flags, why, whysize);
	if (rc == CK_E_NOMEM)
		refuse(why, whysize, "out of memory checking the names of %s", cert->subject);
	if (rc)
		goto out;
	for (size_t i = 0; i < ns.n; i++)
		count[ns.v[i].form]++;
	for (size_t i = 0; i < nc->n; i++)
		for (int f = 0; f < F_COUNT; f++)
			work += (unsigned long long)count[f] * nc->sets[i].weight[f];
	if (work > CK_NC_MAX_WORK) {
		refuse(why, whysize,
		       "%s has too many names for its name constraints "
		       "(%zu names, %llu units of work over the limit of %u)",
		       cert->subject, ns.n, work, CK_NC_MAX_WORK);
		goto out;
	}
	for (size_t i = 0; i < nc->n; i++)
		for (size_t k = 0; k < ns.n; k++)
			if (!check_name(&nc->sets[i], &ns.v[k], cert, why, whysize))
				goto out;
	ok = true;
out:
	names_cleanup(&ns);
	return ok;
}
