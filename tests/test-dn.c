/* dn: names compared as RFC 5280 §7.1 asks, table-driven over names
 * built here attribute by attribute. */
#include "config.h"

#include "libcore/dn.h"
#include "unit.h"

#include <string.h>

/* An attribute: a short OID (2.5.4.x: x) or emailAddress (x = 0), a
 * universal tag and a value (UTF-16BE for BMPString is given as
 * bytes). */
struct attr {
	int type;
	unsigned char tag;
	const char *value;
	size_t len; /* 0: strlen(value) */
	bool same_rdn; /* in the same RDN as the previous attribute */
};

static size_t put_tlv(unsigned char *out, unsigned char tag, const unsigned char *v, size_t n)
{
	size_t h = 0;
	out[h++] = tag;
	if (n < 128) {
		out[h++] = (unsigned char)n;
	} else {
		out[h++] = 0x81;
		out[h++] = (unsigned char)n;
	}
	memmove(out + h, v, n);
	return h + n;
}

/* DER of a Name from the attributes, into out (at most 1 KiB). */
static size_t name(unsigned char *out, const struct attr *a, size_t n)
{
	unsigned char rdns[900], rdn[300];
	size_t rl = 0, dl = 0;

	for (size_t i = 0; i < n;) {
		dl = 0;
		do {
			static const unsigned char email[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
							       0xf7, 0x0d, 0x01, 0x09, 0x01 };
			unsigned char ava[200], val[150];
			size_t al = 0, vl;
			if (a[i].type == 0) {
				memcpy(ava, email, sizeof email);
				al = sizeof email;
			} else {
				ava[al++] = 0x06;
				ava[al++] = 3;
				ava[al++] = 0x55;
				ava[al++] = 0x04;
				ava[al++] = (unsigned char)a[i].type;
			}
			vl = a[i].len ? a[i].len : strlen(a[i].value);
			al += put_tlv(ava + al, a[i].tag, (const unsigned char *)a[i].value, vl);
			(void)val;
			dl += put_tlv(rdn + dl, 0x30, ava, al);
			i++;
		} while (i < n && a[i].same_rdn);
		rl += put_tlv(rdns + rl, 0x31, rdn, dl);
	}
	return put_tlv(out, 0x30, rdns, rl);
}

#define CN 3
#define O 10
#define OU 11
#define C 6
#define PS 0x13
#define UTF8 0x0c
#define IA5 0x16
#define BMP 0x1e

struct pair {
	const char *what;
	struct attr a[4];
	size_t na;
	struct attr b[4];
	size_t nb;
	bool equal;
};

static const struct pair pairs[] = {
	{ "identical", { { C, PS, "US" }, { O, PS, "Test" } }, 2, { { C, PS, "US" }, { O, PS, "Test" } }, 2, true },
	{ "case differs", { { CN, PS, "Good CA" } }, 1, { { CN, PS, "gOOD ca" } }, 1, true },
	{ "inner spaces folded", { { CN, PS, "Good   CA" } }, 1, { { CN, PS, "Good CA" } }, 1, true },
	{ "outer spaces dropped", { { CN, UTF8, "  Good CA " } }, 1, { { CN, PS, "Good CA" } }, 1, true },
	{ "PrintableString vs UTF8String", { { CN, PS, "Good CA" } }, 1, { { CN, UTF8, "Good CA" } }, 1, true },
	{ "BMPString", { { CN, BMP, "\0G\0o", 4 } }, 1, { { CN, UTF8, "go" } }, 1, true },
	{ "Latin-1 case in UTF-8", { { CN, UTF8, "\xc3\x89t\xc3\xa9" } }, 1, { { CN, UTF8, "\xc3\xa9T\xc3\x89" } }, 1, true },
	{ "different value", { { CN, PS, "Good CA" } }, 1, { { CN, PS, "Good CB" } }, 1, false },
	{ "different type", { { CN, PS, "x" } }, 1, { { OU, PS, "x" } }, 1, false },
	{ "RDN order matters", { { O, PS, "a" }, { CN, PS, "b" } }, 2, { { CN, PS, "b" }, { O, PS, "a" } }, 2, false },
	{ "multi-valued RDN is a set", { { O, PS, "a" }, { CN, PS, "b", 0, true } }, 2, { { CN, PS, "b" }, { O, PS, "a", 0, true } }, 2, true },
	{ "multi-valued vs two RDNs", { { O, PS, "a" }, { CN, PS, "b", 0, true } }, 2, { { O, PS, "a" }, { CN, PS, "b" } }, 2, false },
	{ "one more RDN", { { O, PS, "a" } }, 1, { { O, PS, "a" }, { CN, PS, "b" } }, 2, false },
	{ "emailAddress case", { { 0, IA5, "A@Example.COM" } }, 1, { { 0, IA5, "a@example.com" } }, 1, true },
	{ "bad UTF-8 compares as bytes", { { CN, UTF8, "\xff" } }, 1, { { CN, UTF8, "\xff" } }, 1, true },
	{ "bad UTF-8 differs from text", { { CN, UTF8, "\xc3" } }, 1, { { CN, PS, "x" } }, 1, false },
};

Test(dn, equal)
{
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const struct pair *p = &pairs[i];
		unsigned char a[1024], b[1024];
		size_t al = name(a, p->a, p->na), bl = name(b, p->b, p->nb);
		cr_assert_eq(ck_dn_equal(a, al, b, bl), p->equal, "%s", p->what);
		cr_assert_eq(ck_dn_equal(b, bl, a, al), p->equal, "%s (reversed)", p->what);
		if (p->equal)
			cr_assert_eq(ck_dn_hash(a, al), ck_dn_hash(b, bl), "%s: equal names hash alike",
				     p->what);
	}
}

Test(dn, prefix)
{
	const struct attr full[] = { { C, PS, "US" }, { O, PS, "Test Certificates" }, { OU, PS, "permittedSubtree1" }, { CN, PS, "leaf" } };
	const struct attr pre[] = { { C, PS, "US" }, { O, UTF8, "test  certificates" }, { OU, PS, "permittedSubtree1" } };
	const struct attr other[] = { { C, PS, "US" }, { O, PS, "Test Certificates" }, { OU, PS, "excludedSubtree1" } };
	unsigned char f[1024], p[1024], o[1024], empty[] = { 0x30, 0x00 };
	size_t fl = name(f, full, 4), pl = name(p, pre, 3), ol = name(o, other, 3);

	cr_assert(ck_dn_has_prefix(f, fl, p, pl));
	cr_assert(ck_dn_has_prefix(f, fl, f, fl), "a name is its own prefix");
	cr_assert_not(ck_dn_has_prefix(f, fl, o, ol));
	cr_assert_not(ck_dn_has_prefix(p, pl, f, fl), "a longer name is no prefix");
	cr_assert(ck_dn_has_prefix(f, fl, empty, sizeof empty), "the empty name is every name's prefix");
	cr_assert_eq(ck_dn_count(f, fl), 4);
	cr_assert_eq(ck_dn_count(empty, sizeof empty), 0);
}

Test(dn, malformed_names_match_only_their_bytes)
{
	const unsigned char bad[] = { 0x30, 0x05, 0x31, 0x03, 0x30, 0x01, 0x00 };
	const unsigned char bad2[] = { 0x30, 0x05, 0x31, 0x03, 0x30, 0x01, 0x01 };
	unsigned char *canon = NULL;
	size_t len = 0;
	cr_assert(ck_dn_equal(bad, sizeof bad, bad, sizeof bad));
	cr_assert_not(ck_dn_equal(bad, sizeof bad, bad2, sizeof bad2));
	cr_assert_not(ck_dn_canon(bad, sizeof bad, &canon, &len));
	cr_assert_not(ck_dn_has_prefix(bad, sizeof bad, bad, sizeof bad));
	cr_assert_eq(ck_dn_count(bad, 3), 0, "truncated");
}
