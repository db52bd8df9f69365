/* nc: name constraints, over the certificates of fixtures/gen-nc.sh,
 * over constraints and names written here as DER, and over NIST PKITS
 * section 4.13 when fixtures/pkits/ is there. */
#include "config.h"

#include "libcore/nc.h"
#include "unit.h"

#if defined(__SANITIZE_ADDRESS__)
#define NC_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NC_LSAN 1
#endif
#endif
#ifdef NC_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <time.h>

#define load(rel) fx_cert(rel)

/* A new accumulator holding the constraints of each CA named (fixture
 * paths), in order. */
static struct ck_nc *nc_of(const char *const *cas)
{
	struct ck_nc *nc = NULL;
	struct ck_error e;

	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	for (; *cas; cas++) {
		struct ck_cert *ca = load(*cas);
		struct ck_ext ext;
		ck_error_clear(&e);
		if (ck_cert_ext_find(ca, "2.5.29.30", &ext))
			cr_assert_eq(ck_nc_add(nc, ext.value, ext.len, ca->subject, &e), CK_OK, "%s: %s",
				     *cas, e.what);
		ck_cert_free(ca);
	}
	return nc;
}

/* ---------------------------------------------------------------- */
/* fixtures/nc: one CA per form, leaves inside and outside */

static const struct {
	const char *ca, *leaf;
	unsigned flags;
	const char *why; /* NULL: permitted; else the exact reason */
} fixture_cases[] = {
	{ "ca-dns", "good", 1, NULL },
	{ "ca-dns", "outside", 1,
	  "DNS:evil.test is not within the permitted DNS:example.com or DNS:.example.net of CN=nc dns CA,O=chainkit tests" },
	{ "ca-dns", "excluded", 1,
	  "DNS:x.BAD.example.com is within the excluded DNS:bad.example.com of CN=nc dns CA,O=chainkit tests" },
	{ "ca-dns", "dot", 1,
	  "DNS:example.net is not within the permitted DNS:example.com or DNS:.example.net of CN=nc dns CA,O=chainkit tests" },
	{ "ca-dns", "suffix", 1,
	  "DNS:notexample.com is not within the permitted DNS:example.com or DNS:.example.net of CN=nc dns CA,O=chainkit tests" },
	/* RFC 5280: the CN is no DNS name; OpenSSL's rule on request */
	{ "ca-dns", "cn-only", 1, NULL },
	{ "ca-dns", "cn-only", CK_NC_LEAF | CK_NC_CHECK_CN,
	  "the subject CN evil.test is not within the permitted DNS:example.com or DNS:.example.net of CN=nc dns CA,O=chainkit tests" },
	{ "ca-dns", "good", CK_NC_LEAF | CK_NC_CHECK_CN, NULL },
	{ "ca-email", "good", 1, NULL },
	{ "ca-email", "subject-outside", 1,
	  "the subject emailAddress eve@evil.test is not within the permitted email:example.com, email:.example.org or email:boss@example.net of CN=nc email CA,O=chainkit tests" },
	/* the subject's emailAddress is checked with a SAN too (OpenSSL) */
	{ "ca-email", "subject-outside-san", 1,
	  "the subject emailAddress eve@evil.test is not within the permitted email:example.com, email:.example.org or email:boss@example.net of CN=nc email CA,O=chainkit tests" },
	{ "ca-email", "excluded", 1,
	  "email:SPAM@example.com is within the excluded email:spam@example.com of CN=nc email CA,O=chainkit tests" },
	{ "ca-email", "host", 1,
	  "email:alice@sub.example.com is not within the permitted email:example.com, email:.example.org or email:boss@example.net of CN=nc email CA,O=chainkit tests" },
	{ "ca-email", "mailbox", 1,
	  "email:other@example.net is not within the permitted email:example.com, email:.example.org or email:boss@example.net of CN=nc email CA,O=chainkit tests" },
	{ "ca-email", "domain", 1,
	  "email:alice@example.org is not within the permitted email:example.com, email:.example.org or email:boss@example.net of CN=nc email CA,O=chainkit tests" },
	{ "ca-ip", "good", 1, NULL },
	{ "ca-ip", "outside", 1,
	  "IP:192.168.1.1 is not within the permitted IP:10.0.0.0/8 or IP:2001:db8::/32 of CN=nc ip CA,O=chainkit tests" },
	{ "ca-ip", "excluded", 1,
	  "IP:10.9.1.1 is within the excluded IP:10.9.0.0/16 of CN=nc ip CA,O=chainkit tests" },
	{ "ca-ip", "v6-outside", 1,
	  "IP:2001:db9::1 is not within the permitted IP:10.0.0.0/8 or IP:2001:db8::/32 of CN=nc ip CA,O=chainkit tests" },
	{ "ca-uri", "good", 1, NULL },
	{ "ca-uri", "userinfo", 1, NULL },
	{ "ca-uri", "host", 1,
	  "URI:https://example.com/ is not within the permitted URI:.example.com or URI:example.org of CN=nc uri CA,O=chainkit tests" },
	{ "ca-uri", "excluded", 1,
	  "URI:http://bad.example.com:80/ is within the excluded URI:bad.example.com of CN=nc uri CA,O=chainkit tests" },
	{ "ca-uri", "nohost", 1,
	  "URI:urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6 has no host that is a domain name (scheme://host): it cannot be checked against the URI constraints of CN=nc uri CA,O=chainkit tests" },
	{ "ca-dn", "good", 1, NULL },
	{ "ca-dn", "case", 1, NULL },
	{ "ca-dn", "outside", 1,
	  "the subject CN=dn,OU=Other,O=chainkit tests is not within the permitted DirName:OU=Permitted,O=chainkit tests of CN=nc dn CA,O=chainkit tests" },
	{ "ca-dn", "excluded", 1,
	  "the subject CN=dn,OU=Excluded,OU=Permitted,O=chainkit tests is within the excluded DirName:OU=Excluded,OU=Permitted,O=chainkit tests of CN=nc dn CA,O=chainkit tests" },
	{ "ca-dn", "multivalue", 1,
	  "the subject CN=dn+OU=Permitted,O=chainkit tests is not within the permitted DirName:OU=Permitted,O=chainkit tests of CN=nc dn CA,O=chainkit tests" },
	{ "ca-dn", "san-outside", 1,
	  "DirName:CN=san,OU=Elsewhere,O=chainkit tests is not within the permitted DirName:OU=Permitted,O=chainkit tests of CN=nc dn CA,O=chainkit tests" },
	/* RFC 5280 6.1.3 (b): a self-issued CA is exempt, unless it is the
	 * last certificate (PKITS 4.13.19 and 4.13.20) */
	{ "ca-dn", "selfissued", 0, NULL },
	{ "ca-dn", "selfissued", 1,
	  "the subject CN=nc dn CA,O=chainkit tests is not within the permitted DirName:OU=Permitted,O=chainkit tests of CN=nc dn CA,O=chainkit tests" },
	/* issue 27: otherName constraints, read without GnuTLS */
	{ "ca-othername", "dns", 1, NULL },
	{ "ca-othername", "other", 1,
	  "otherName:1.3.6.1.4.1.55555.2.1 cannot be checked against the otherName constraints of CN=nc othername CA,O=chainkit tests (not supported)" },
};

Test(nc, fixture_table)
{
	for (size_t i = 0; i < sizeof fixture_cases / sizeof fixture_cases[0]; i++) {
		char ca[64], leaf[64], why[512];
		const char *cas[] = { ca, NULL };
		struct ck_nc *nc;
		struct ck_cert *c;
		bool ok;

		snprintf(ca, sizeof ca, "nc/%s.der", fixture_cases[i].ca);
		snprintf(leaf, sizeof leaf, "nc/%s-%s.der", fixture_cases[i].ca, fixture_cases[i].leaf);
		nc = nc_of(cas);
		c = load(leaf);
		ok = ck_nc_check(nc, c, fixture_cases[i].flags, why, sizeof why);
		if (fixture_cases[i].why) {
			cr_expect_not(ok, "%s: permitted", leaf);
			cr_expect_str_eq(why, fixture_cases[i].why, "%s", leaf);
		} else {
			cr_expect(ok, "%s: %s", leaf, why);
			cr_expect_str_eq(why, "", "%s", leaf);
		}
		ck_cert_free(c);
		ck_nc_free(nc);
	}
}

/* Constraints apply below the CA, not to the CA: the CAs themselves are
 * outside their own constraints, and nothing constrains the root. */
Test(nc, no_constraints_permit_everything)
{
	struct ck_nc *nc = NULL;
	struct ck_cert *c = load("nc/ca-dns-outside.der");
	char why[256] = "x";

	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	cr_expect(ck_nc_check(nc, c, CK_NC_LEAF, why, sizeof why));
	cr_expect_str_eq(why, "");
	cr_expect_eq(ck_nc_count(nc), 0);
	cr_expect(ck_nc_check(NULL, c, CK_NC_LEAF, NULL, 0));
	ck_nc_free(nc);
	ck_nc_free(NULL);
	ck_cert_free(c);
}

/* ---------------------------------------------------------------- */
/* DER written here: constraints and names of every form */

struct der {
	unsigned char b[1 << 16];
	size_t n;
};

static void put(struct der *d, const void *p, size_t n)
{
	cr_assert_leq(d->n + n, sizeof d->b);
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

/* Wrap d->b[from..n) in a TLV with identifier `id`. */
static void wrap(struct der *d, size_t from, unsigned char id)
{
	size_t len = d->n - from, hl = len < 128 ? 2 : len < 256 ? 3 : 4;
	unsigned char h[4] = { id };

	if (len < 128) {
		h[1] = (unsigned char)len;
	} else if (len < 256) {
		h[1] = 0x81;
		h[2] = (unsigned char)len;
	} else {
		h[1] = 0x82;
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
	}
	cr_assert_leq(d->n + hl, sizeof d->b);
	memmove(d->b + from + hl, d->b + from, len);
	memcpy(d->b + from, h, hl);
	d->n += hl;
}

static void put_hex(struct der *d, const char *hex)
{
	for (; hex[0] && hex[1]; hex += 2) {
		unsigned v;
		cr_assert_eq(sscanf(hex, "%2x", &v), 1, "hex %s", hex);
		unsigned char b = (unsigned char)v;
		put(d, &b, 1);
	}
}

/* The DER of a Name from its RFC 4514 string, by GnuTLS. */
static void put_dn(struct der *d, const char *str)
{
	gnutls_x509_dn_t dn;
	gnutls_datum_t out = { NULL, 0 };
	const char *e = NULL;

	cr_assert_geq(gnutls_x509_dn_init(&dn), 0);
	cr_assert_geq(gnutls_x509_dn_set_str(dn, str, &e), 0, "DN %s", str);
	cr_assert_geq(gnutls_x509_dn_export2(dn, GNUTLS_X509_FMT_DER, &out), 0);
	put(d, out.data, out.size);
	gnutls_free(out.data);
	gnutls_x509_dn_deinit(dn);
}

static int parse_ip(const char *s, unsigned char *out)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", s);
	if (inet_pton(AF_INET, buf, out) == 1)
		return 4;
	cr_assert_eq(inet_pton(AF_INET6, buf, out), 1, "address %s", s);
	return 16;
}

/* One GeneralName from a spec: DNS:x email:x URI:x IP:addr[/bits]
 * DN:rfc4514 DNHEX:hex(Name) other:x x400 edi RID HEX:hex(whole TLV). */
static void put_general_name(struct der *d, const char *spec)
{
	const char *v = strchr(spec, ':') ? strchr(spec, ':') + 1 : "";
	size_t at = d->n;

	if (!strncmp(spec, "DNS:", 4) || !strncmp(spec, "email:", 6) || !strncmp(spec, "URI:", 4)) {
		put(d, v, strlen(v));
		wrap(d, at, spec[0] == 'D' ? 0x82 : spec[0] == 'e' ? 0x81 : 0x86);
	} else if (!strncmp(spec, "IP:", 3)) {
		unsigned char a[16], m[16] = { 0 };
		const char *slash = strchr(v, '/');
		char addr[64];
		int n;
		snprintf(addr, sizeof addr, "%.*s", slash ? (int)(slash - v) : (int)strlen(v), v);
		n = parse_ip(addr, a);
		put(d, a, (size_t)n);
		if (slash) {
			int bits = atoi(slash + 1);
			for (int i = 0; i < bits; i++)
				m[i / 8] |= (unsigned char)(0x80 >> (i % 8));
			put(d, m, (size_t)n);
		}
		wrap(d, at, 0x87);
	} else if (!strncmp(spec, "DN:", 3)) {
		put_dn(d, v);
		wrap(d, at, 0xa4);
	} else if (!strncmp(spec, "DNHEX:", 6)) {
		put_hex(d, v);
		wrap(d, at, 0xa4);
	} else if (!strncmp(spec, "other:", 6)) {
		/* UPN 1.3.6.1.4.1.311.20.2.3, [0] UTF8String */
		put_hex(d, "060a2b060104018237140203");
		size_t inner = d->n;
		size_t s = d->n;
		put(d, v, strlen(v));
		wrap(d, s, 0x0c);
		wrap(d, inner, 0xa0);
		wrap(d, at, 0xa0);
	} else if (!strncmp(spec, "smtp:", 5)) {
		/* SmtpUTF8Mailbox 1.3.6.1.5.5.7.8.9, [0] UTF8String; \xHH escapes */
		size_t s;
		put_hex(d, "06082b06010505070809");
		size_t inner = d->n;
		s = d->n;
		for (const char *q = v; *q;) {
			unsigned b;
			if (q[0] == '\\' && q[1] == 'x' && sscanf(q + 2, "%2x", &b) == 1) {
				unsigned char c = (unsigned char)b;
				put(d, &c, 1);
				q += 4;
			} else {
				put(d, q++, 1);
			}
		}
		wrap(d, s, 0x0c);
		wrap(d, inner, 0xa0);
		wrap(d, at, 0xa0);
	} else if (!strcmp(spec, "x400")) {
		put_hex(d, "3006610413025553"); /* country-name US */
		wrap(d, at, 0xa3);
	} else if (!strcmp(spec, "edi")) {
		put_hex(d, "a1050c03656469");
		wrap(d, at, 0xa5);
	} else if (!strcmp(spec, "RID")) {
		put_hex(d, "2a0304");
		wrap(d, at, 0x88);
	} else if (!strncmp(spec, "HEX:", 4)) {
		put_hex(d, v);
	} else {
		cr_assert_fail("bad spec %s", spec);
	}
}

/* GeneralSubtrees from "spec|spec|..." (a spec may end in "#min1" or
 * "#max1"), wrapped with `id`; nothing for NULL. */
static void put_subtrees(struct der *d, const char *list, unsigned char id)
{
	char buf[4096], *save = NULL;
	size_t at = d->n;

	if (!list)
		return;
	snprintf(buf, sizeof buf, "%s", list);
	for (char *s = strtok_r(buf, "|", &save); s; s = strtok_r(NULL, "|", &save)) {
		size_t st = d->n;
		char *hash = strchr(s, '#');
		if (hash)
			*hash++ = '\0';
		put_general_name(d, s);
		if (hash && !strcmp(hash, "min1"))
			put_hex(d, "800101");
		if (hash && !strcmp(hash, "max1"))
			put_hex(d, "810101");
		if (hash && !strcmp(hash, "min0"))
			put_hex(d, "800100");
		wrap(d, st, 0x30);
	}
	wrap(d, at, id);
}

static void nc_der(struct der *d, const char *permitted, const char *excluded)
{
	d->n = 0;
	put_subtrees(d, permitted, 0xa0);
	put_subtrees(d, excluded, 0xa1);
	wrap(d, 0, 0x30);
}

/* A certificate with `subject` (RFC 4514) and a subjectAltName made of
 * `san` ("spec|spec", NULL for none), issued by a fixed CA (so not
 * self-issued), ECDSA P-256. */
static gnutls_x509_privkey_t test_key;
static gnutls_x509_crt_t test_ca;

static void keys_init(void)
{
	gnutls_x509_privkey_t k = NULL;
	if (test_key)
		return;
	cr_assert_geq(gnutls_x509_privkey_init(&k), 0);
	cr_assert_geq(gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA,
						   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	test_key = k;
	cr_assert_geq(gnutls_x509_crt_init(&test_ca), 0);
	cr_assert_geq(gnutls_x509_crt_set_dn(test_ca, "CN=Test CA", NULL), 0);
	cr_assert_geq(gnutls_x509_crt_set_key(test_ca, test_key), 0);
}

static const char *make_ctx = "";

static struct ck_cert *issue(const char *subject, const struct der *san, bool must_load)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t out = { NULL, 0 };
	struct ck_cert *c = NULL;
	struct ck_error e;
	unsigned char serial[1] = { 1 };
	enum ck_status rc;

	keys_init();
	cr_assert_geq(gnutls_x509_crt_init(&crt), 0);
	cr_assert_geq(gnutls_x509_crt_set_version(crt, 3), 0);
	cr_assert_geq(gnutls_x509_crt_set_serial(crt, serial, 1), 0);
	cr_assert_geq(gnutls_x509_crt_set_activation_time(crt, 1577836800), 0);
	cr_assert_geq(gnutls_x509_crt_set_expiration_time(crt, 3155760000), 0);
	if (*subject)
		cr_assert_geq(gnutls_x509_crt_set_dn(crt, subject, NULL), 0, "DN %s", subject);
	cr_assert_geq(gnutls_x509_crt_set_key(crt, test_key), 0);
	if (san)
		cr_assert_geq(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.17", san->b, san->n, 0), 0);
	cr_assert_geq(gnutls_x509_crt_sign2(crt, test_ca, test_key, GNUTLS_DIG_SHA256, 0), 0);
	cr_assert_geq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &out), 0);
	ck_error_clear(&e);
	rc = ck_cert_from_der(out.data, out.size, &c, &e);
	if (must_load)
		cr_assert_eq(rc, CK_OK, "%s: %s", make_ctx, e.what);
	gnutls_free(out.data);
	gnutls_x509_crt_deinit(crt);
	return rc ? NULL : c;
}

/* A certificate with `subject` and the subjectAltName `san` (the
 * extension value), issued by a fixed CA.  GnuTLS refuses to load a
 * subjectAltName it cannot decode (x400Address, ediPartyName, BER): such
 * a one is put in place of a URI of the same length in a certificate
 * that loads, so that ck_nc_check() sees the bytes (the signature no
 * longer verifies, which does not matter here). */
static struct ck_cert *make_cert_raw(const char *subject, const struct der *san)
{
	static struct der ph;
	struct ck_cert *c = issue(subject, san, false);
	unsigned char *at;

	if (c || !san)
		return c ? c : issue(subject, san, true);
	cr_assert(san->n >= 4 && san->n < 128 && san->b[1] == san->n - 2, "%s", make_ctx);
	ph.n = 0;
	for (size_t i = 0; i < san->n - 4; i++)
		put(&ph, "x", 1);
	wrap(&ph, 0, 0x86);
	wrap(&ph, 0, 0x30);
	c = issue(subject, &ph, true);
	at = memmem(c->der, c->der_len, ph.b, ph.n);
	cr_assert(at);
	memcpy(at, san->b, san->n);
	return c;
}

static struct ck_cert *make_cert(const char *subject, const char *san)
{
	static struct der d;
	char buf[4096], *save = NULL;

	make_ctx = san ? san : subject;
	if (!san)
		return make_cert_raw(subject, NULL);
	d.n = 0;
	snprintf(buf, sizeof buf, "%s", san);
	for (char *s = strtok_r(buf, "|", &save); s; s = strtok_r(NULL, "|", &save))
		put_general_name(&d, s);
	wrap(&d, 0, 0x30);
	return make_cert_raw(subject, &d);
}

static const struct vec {
	const char *permitted, *excluded; /* "spec|spec" or NULL */
	const char *subject;              /* RFC 4514 */
	const char *san;                  /* "spec|spec" or NULL */
	const char *why;                  /* NULL: permitted; else a part of the reason */
} vectors[] = {
	/* dNSName */
	{ "DNS:example.com", NULL, "CN=a", "DNS:example.com", NULL },
	{ "DNS:example.com", NULL, "CN=a", "DNS:a.b.EXAMPLE.com", NULL },
	/* absolute names are no preferred name syntax (Go, Botan) */
	{ "DNS:example.com", NULL, "CN=a", "DNS:example.com.", "is not a DNS name" },
	{ "DNS:example.com", NULL, "CN=a", "DNS:badexample.com", "not within the permitted DNS:example.com" },
	{ "DNS:example.com", NULL, "CN=a", "DNS:com", "not within" },
	{ "DNS:.example.com", NULL, "CN=a", "DNS:www.example.com", NULL },
	{ "DNS:.example.com", NULL, "CN=a", "DNS:example.com", "not within" },
	{ "DNS:", NULL, "CN=a", "DNS:anything.test", NULL },
	{ NULL, "DNS:", "CN=a", "DNS:anything.test", "within the excluded DNS:" },
	{ "DNS:example.com", NULL, "CN=a", "DNS:*.example.com", NULL },
	{ "DNS:www.example.com", NULL, "CN=a", "DNS:*.example.com", "not within" },
	{ NULL, "DNS:www.example.com", "CN=a", "DNS:*.example.com", "within the excluded DNS:www.example.com" },
	{ NULL, "DNS:www.example.com", "CN=a", "DNS:*.other.com", NULL },
	{ NULL, "DNS:example.com", "CN=a", "DNS:x.example.COM", "within the excluded" },
	/* a name that is not a host name cannot be judged */
	{ NULL, "DNS:example.com", "CN=a", "HEX:82116576696c002e6578616d706c652e636f6d", "is not a DNS name" },
	{ "DNS:example.com", NULL, "CN=a", "DNS:a..example.com", "is not a DNS name" },
	{ "DNS:example.com", NULL, "CN=a", "DNS:a.*.example.com", "is not a DNS name" },
	{ "DNS:example.com", NULL, "CN=a", "DNS:*.*.example.com", "is not a DNS name" },
	/* only names of a constrained form are checked */
	{ "DNS:example.com", NULL, "CN=a", "email:a@other.test|IP:192.0.2.1|URI:http://x.test/", NULL },
	{ "DNS:example.com", NULL, "CN=a", NULL, NULL },
	{ "DNS:example.com", NULL, "CN=www.other.test", NULL, NULL },
	/* rfc822Name */
	{ "email:example.com", NULL, "CN=a", "email:a@EXAMPLE.com", NULL },
	{ "email:example.com", NULL, "CN=a", "email:a@x.example.com", "not within" },
	{ "email:.example.com", NULL, "CN=a", "email:a@x.example.com", NULL },
	{ "email:.example.com", NULL, "CN=a", "email:a@example.com", "not within" },
	{ "email:a@example.com", NULL, "CN=a", "email:a@Example.COM", NULL },
	{ "email:a@example.com", NULL, "CN=a", "email:A@example.com", "not within" },
	{ NULL, "email:a@example.com", "CN=a", "email:A@example.com", "within the excluded" },
	{ "email:example.com", NULL, "CN=a", "email:\"a@b\"@example.com", "is not a mailbox" },
	{ "email:example.com", NULL, "CN=a", "email:noat", "is not a mailbox" },
	{ "email:example.com", NULL, "EMAIL=x@example.com,CN=a", NULL, NULL },
	{ "email:example.com", NULL, "EMAIL=x@evil.test,CN=a", NULL,
	  "the subject emailAddress x@evil.test is not within" },
	{ NULL, "email:evil.test", "EMAIL=X@EVIL.test,CN=a", "email:x@example.com",
	  "the subject emailAddress X@EVIL.test is within the excluded" },
	/* RFC 9598: SmtpUTF8Mailbox under rfc822Name constraints, by its
	 * domain; a mailbox constraint does not permit it and excludes its
	 * domain */
	{ "email:example.com", NULL, "CN=a", "smtp:\xce\xb4@example.com", NULL },
	{ "email:.example.com", NULL, "CN=a", "smtp:a@example.com", "SmtpUTF8Mailbox:a@example.com is not within" },
	{ "email:a@example.com", NULL, "CN=a", "smtp:a@example.com", "not within" },
	{ NULL, "email:b@example.com", "CN=a", "smtp:a@example.com", "within the excluded email:b@example.com" },
	{ NULL, "email:b@example.com", "CN=a", "smtp:a@example.net", NULL },
	{ "email:example.com", NULL, "CN=a", "smtp:a@\xd0\xbf.example.com", "ASCII domain" },
	{ "DNS:example.com", NULL, "CN=a", "smtp:a@evil.test", NULL },
	/* iPAddress */
	{ "IP:192.0.2.0/24", NULL, "CN=a", "IP:192.0.2.77", NULL },
	{ "IP:192.0.2.0/24", NULL, "CN=a", "IP:192.0.3.1", "IP:192.0.3.1 is not within the permitted IP:192.0.2.0/24" },
	{ "IP:192.0.2.0/24", NULL, "CN=a", "IP:2001:db8::1", "not within" },
	{ "IP:192.0.2.0/24|IP:::/0", NULL, "CN=a", "IP:2001:db8::1", NULL },
	{ "IP:0.0.0.0/0", NULL, "CN=a", "IP:203.0.113.9", NULL },
	{ NULL, "IP:192.0.2.1/32", "CN=a", "IP:192.0.2.1", "within the excluded IP:192.0.2.1/32" },
	{ NULL, "IP:192.0.2.1/32", "CN=a", "IP:192.0.2.2", NULL },
	/* an IPv4-mapped IPv6 address cannot escape a v4 exclusion, and a
	 * v4 permission does not cover it */
	{ NULL, "IP:192.0.2.0/24", "CN=a", "IP:::ffff:192.0.2.9",
	  "IP:::ffff:192.0.2.9 is within the excluded IP:192.0.2.0/24" },
	{ "IP:192.0.2.0/24", NULL, "CN=a", "IP:::ffff:192.0.2.9", "not within" },
	{ "IP:2001:db8::/33", NULL, "CN=a", "IP:2001:db8:8000::1", "not within" },
	{ "IP:2001:db8::/33", NULL, "CN=a", "IP:2001:db8:7fff::1", NULL },
	{ "IP:192.0.2.0/24", NULL, "CN=a", "HEX:8705c000020100", "is not 4 or 16 bytes" },
	/* URI */
	{ "URI:example.com", NULL, "CN=a", "URI:https://user:pw@EXAMPLE.com:443/p?q#f", NULL },
	{ "URI:example.com", NULL, "CN=a", "URI:https://www.example.com/", "not within" },
	{ "URI:.example.com", NULL, "CN=a", "URI:ldap://ldap.example.com/o=x?y", NULL },
	{ "URI:.example.com", NULL, "CN=a", "URI:mailto:a@x.example.com", "has no host that is a domain" },
	{ NULL, "URI:.example.com", "CN=a", "URI:urn:isbn:0451450523", "has no host that is a domain" },
	{ "URI:example.com", NULL, "CN=a", "URI:http://[2001:db8::1]/", "has no host that is a domain" },
	{ "URI:example.com", NULL, "CN=a", "URI:http://192.0.2.1/", "has no host that is a domain" },
	{ NULL, "URI:bad.example.com", "CN=a", "URI:http://bad.example.com./", "has no host that is a domain" },
	{ "URI:example.com", NULL, "CN=a", "URI:http://example.com:x80/", "has no host that is a domain" },
	{ NULL, "URI:evil.test", "CN=a", "URI:http://%65vil.test/", "has no host that is a domain" },
	/* directoryName: RFC 5280 7.1 */
	{ "DN:O=Test", NULL, "CN=a,O=Test", NULL, NULL },
	{ "DN:O=Test", NULL, "CN=a,O=  tEsT  ", NULL, NULL },
	{ "DN:O=Test", NULL, "CN=a,O=Test2", NULL, "is not within the permitted DirName:O=Test" },
	{ "DN:CN=a,O=Test", NULL, "O=Test", NULL, "not within" },
	{ "DN:O=Test", NULL, "", "DNS:x.test", NULL },
	{ "DN:O=Test", NULL, "CN=a,O=Test", "DN:CN=b,O=Test", NULL },
	{ "DN:O=Test", NULL, "CN=a,O=Test", "DN:CN=b,O=Else", "DirName:CN=b,O=Else is not within" },
	{ NULL, "DN:O=Test", "CN=a,O=Else", NULL, NULL },
	{ NULL, "DN:O=Test", "CN=a,O=TEST", NULL, "within the excluded DirName:O=Test" },
	/* PrintableString, BMPString, UniversalString and UTF8String compare as text */
	{ "DNHEX:300e310c300a060355040a1303546573", NULL, "CN=a,O=TES", NULL, NULL },
	{ "DNHEX:3011310f300d060355040a1e06005400650073", NULL, "CN=a,O=tes", NULL, NULL },
	{ "DNHEX:30173115301306035504""0a1c0c000000540000006500000073", NULL, "CN=a,O=tes", NULL,
	  NULL },
	/* TeletexString compares as bytes */
	{ "DNHEX:300e310c300a060355040a1403546573", NULL, "CN=a,O=Tes", NULL, "not within" },
	/* several forms: each name against the constraints of its form */
	{ "DNS:example.com|IP:10.0.0.0/8", "DNS:bad.example.com", "CN=a",
	  "DNS:ok.example.com|IP:10.1.1.1|DNS:x.bad.example.com", "DNS:x.bad.example.com is within" },
	/* forms that cannot be evaluated: refused only when a name has them */
	{ "other:@example.com", NULL, "CN=a", "DNS:example.com", NULL },
	{ "other:@example.com", NULL, "CN=a", "other:a@example.com",
	  "otherName:1.3.6.1.4.1.311.20.2.3 cannot be checked against the otherName constraints" },
	{ NULL, "x400", "CN=a", "x400", "x400Address cannot be checked" },
	{ NULL, "edi", "CN=a", "edi", "ediPartyName cannot be checked" },
	{ "RID", NULL, "CN=a", "RID", "registeredID:1.2.3.4 cannot be checked" },
	{ "RID", NULL, "CN=a", "DNS:x.test", NULL },
	/* minimum and maximum: kept, and only names of that form refused */
	{ "DNS:example.com#max1", NULL, "CN=a", "DNS:www.example.com", "(minimum or maximum set)" },
	{ "DNS:example.com#min1", NULL, "CN=a", "IP:10.0.0.1", NULL },
	{ "DNS:example.com#min0", NULL, "CN=a", "DNS:www.example.com", NULL },
};

Test(nc, der_vectors)
{
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		const struct vec *v = &vectors[i];
		static struct der d;
		struct ck_nc *nc = NULL;
		struct ck_cert *c;
		struct ck_error e;
		char why[512];
		bool ok;

		nc_der(&d, v->permitted, v->excluded);
		cr_assert_eq(ck_nc_new(&nc), CK_OK);
		ck_error_clear(&e);
		cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=Sub CA", &e), CK_OK, "vector %zu: %s", i, e.what);
		c = make_cert(v->subject, v->san);
		ok = ck_nc_check(nc, c, CK_NC_LEAF, why, sizeof why);
		if (v->why) {
			cr_expect_not(ok, "vector %zu (%s / %s): permitted", i, v->subject,
				      v->san ? v->san : "");
			cr_expect(strstr(why, v->why) != NULL, "vector %zu: \"%s\" lacks \"%s\"", i, why,
				  v->why);
			cr_expect(strstr(why, "CN=Sub CA") != NULL, "vector %zu: %s", i, why);
		} else {
			cr_expect(ok, "vector %zu (%s / %s): %s", i, v->subject, v->san ? v->san : "", why);
		}
		ck_cert_free(c);
		ck_nc_free(nc);
	}
}

Test(nc, message_names_name_constraint_and_ca)
{
	static struct der d;
	struct ck_nc *nc = NULL;
	struct ck_cert *c = make_cert("CN=leaf", "DNS:evil.example");
	struct ck_error e;
	char why[256], tiny[24];

	nc_der(&d, "DNS:.example.com", NULL);
	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=Sub CA", &e), CK_OK);
	cr_assert_not(ck_nc_check(nc, c, CK_NC_LEAF, why, sizeof why));
	cr_expect_str_eq(why, "DNS:evil.example is not within the permitted DNS:.example.com of CN=Sub CA");
	cr_assert_not(ck_nc_check(nc, c, CK_NC_LEAF, tiny, sizeof tiny));
	cr_expect_eq(strlen(tiny), sizeof tiny - 1);
	cr_assert_not(ck_nc_check(nc, c, CK_NC_LEAF, NULL, 0));
	ck_cert_free(c);
	ck_nc_free(nc);
}

/* RFC 5280 7.1: an RDN matches one with the same attributes in any
 * order (the constraint's SET is written out of DER order here, and in
 * PrintableString capitals against the leaf's UTF8String). */
Test(nc, multivalued_rdn_in_any_order)
{
	static struct der d;
	struct ck_nc *nc = NULL;
	struct ck_error e;
	struct ck_cert *c = load("nc/ca-dn-multivalue.der");
	char why[512];

	nc_der(&d, "DNHEX:303831173015060355040a0c0e636861696e6b6974207465737473311d3010060355040b13095045524d4954544544300906035504031302646e", NULL);
	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=CA", &e), CK_OK, "%s", e.what);
	cr_expect(ck_nc_check(nc, c, CK_NC_LEAF, why, sizeof why), "%s", why);
	ck_nc_free(nc);
	/* the RDN {OU} alone does not match {CN, OU} */
	nc_der(&d, "DNHEX:302d31173015060355040a0c0e636861696e6b697420746573747331123010060355040b13095045524d4954544544", NULL);
	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=CA", &e), CK_OK, "%s", e.what);
	cr_expect_not(ck_nc_check(nc, c, CK_NC_LEAF, why, sizeof why));
	ck_nc_free(nc);
	ck_cert_free(c);
}

/* Each CA's set separately: a name must satisfy all of them. */
Test(nc, sets_intersect_permitted_and_unite_excluded)
{
	static struct der d;
	struct ck_nc *nc = NULL;
	struct ck_error e;
	char why[256];
	struct ck_cert *in_both = make_cert("CN=a", "DNS:x.a.example.com");
	struct ck_cert *in_first = make_cert("CN=a", "DNS:x.b.example.com");
	struct ck_cert *excluded = make_cert("CN=a", "DNS:x.bad.a.example.com");

	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	nc_der(&d, "DNS:example.com", NULL);
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=Top", &e), CK_OK);
	nc_der(&d, "DNS:a.example.com", "DNS:bad.a.example.com");
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=Middle", &e), CK_OK);
	cr_expect_eq(ck_nc_count(nc), 2);
	cr_expect(ck_nc_check(nc, in_both, CK_NC_LEAF, why, sizeof why), "%s", why);
	cr_expect_not(ck_nc_check(nc, in_first, CK_NC_LEAF, why, sizeof why));
	cr_expect_str_eq(why, "DNS:x.b.example.com is not within the permitted DNS:a.example.com of CN=Middle");
	cr_expect_not(ck_nc_check(nc, excluded, CK_NC_LEAF, why, sizeof why));
	cr_expect_str_eq(why, "DNS:x.bad.a.example.com is within the excluded DNS:bad.a.example.com of CN=Middle");
	ck_cert_free(in_both);
	ck_cert_free(in_first);
	ck_cert_free(excluded);
	ck_nc_free(nc);
}

/* A self-issued certificate is exempt unless it is the last one. */
Test(nc, self_issued_exempt_unless_leaf)
{
	static struct der d;
	struct ck_nc *nc = NULL;
	struct ck_error e;
	gnutls_x509_crt_t crt;
	gnutls_datum_t out = { NULL, 0 };
	struct ck_cert *c = NULL;
	unsigned char serial[1] = { 2 };

	keys_init();
	cr_assert_geq(gnutls_x509_crt_init(&crt), 0);
	cr_assert_geq(gnutls_x509_crt_set_version(crt, 3), 0);
	cr_assert_geq(gnutls_x509_crt_set_serial(crt, serial, 1), 0);
	cr_assert_geq(gnutls_x509_crt_set_activation_time(crt, 1577836800), 0);
	cr_assert_geq(gnutls_x509_crt_set_expiration_time(crt, 3155760000), 0);
	cr_assert_geq(gnutls_x509_crt_set_dn(crt, "CN=Outside", NULL), 0);
	cr_assert_geq(gnutls_x509_crt_set_key(crt, test_key), 0);
	cr_assert_geq(gnutls_x509_crt_sign2(crt, crt, test_key, GNUTLS_DIG_SHA256, 0), 0);
	cr_assert_geq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &out), 0);
	cr_assert_eq(ck_cert_from_der(out.data, out.size, &c, &e), CK_OK);
	gnutls_free(out.data);
	gnutls_x509_crt_deinit(crt);

	nc_der(&d, "DN:O=Inside", NULL);
	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=CA", &e), CK_OK);
	cr_expect(ck_nc_check(nc, c, 0, NULL, 0));
	cr_expect_not(ck_nc_check(nc, c, CK_NC_LEAF, NULL, 0));
	/* not self-issued: checked as an intermediate too */
	ck_cert_free(c);
	c = make_cert("CN=Outside", NULL);
	cr_expect_not(ck_nc_check(nc, c, 0, NULL, 0));
	ck_cert_free(c);
	ck_nc_free(nc);
}

/* ---------------------------------------------------------------- */
/* malformed extensions */

static const struct {
	const char *hex; /* the extension value; NULL: built from the specs */
	const char *permitted, *excluded;
	const char *why;
} bad_ext[] = {
	{ "", NULL, NULL, "not a NameConstraints" },
	{ "3000", NULL, NULL, "neither permittedSubtrees nor excludedSubtrees" },
	{ "3002a000", NULL, NULL, "permittedSubtrees is empty" },
	{ "3006a1043002820000", NULL, NULL, "not a NameConstraints" }, /* trailing byte */
	{ "3080a0063004820261620000", NULL, NULL, "not DER" },         /* indefinite length */
	{ "3008a106300482026162a0020000", NULL, NULL, "not a NameConstraints" },
	{ NULL, "HEX:8705c0000201ff", NULL, "not address and mask" },
	{ NULL, "HEX:8708c0000200ffff00ff", NULL, "mask that is not contiguous" },
	{ NULL, "HEX:8708c0000200ff7f0000", NULL, "mask that is not contiguous" },
	{ NULL, NULL, "DNS:a..b", "dNSName constraint that is not a domain" },
	{ NULL, NULL, "DNS:.", "dNSName constraint that is not a domain" },
	{ NULL, NULL, "DNS:example.com.", "dNSName constraint that is not a domain" },
	{ NULL, NULL, "DNS:*.example.com", "dNSName constraint that is not a domain" },
	{ NULL, NULL, "HEX:820361006a", "dNSName constraint that is not a domain" },
	{ NULL, "email:a@b@c", NULL, "rfc822Name constraint that is not a mailbox" },
	{ NULL, "email:a b.com", NULL, "rfc822Name constraint that is not a host or domain" },
	{ NULL, "URI:http://example.com/", NULL, "URI constraint that is not a host or domain" },
	{ NULL, "URI:192.0.2.1", NULL, "URI constraint that is not a host or domain" },
	{ NULL, "URI:ex%61mple.com", NULL, "URI constraint that is not a host or domain" },
	{ NULL, "DNHEX:3100", NULL, "not a NameConstraints" },
	{ NULL, "DNHEX:30023100", NULL, "directoryName constraint that is not a Name" },
	{ NULL, "HEX:a2020000", NULL, "not a NameConstraints" },
	{ NULL, "HEX:870100", NULL, "not address and mask" },
};

Test(nc, malformed_extensions_refused)
{
	for (size_t i = 0; i < sizeof bad_ext / sizeof bad_ext[0]; i++) {
		static struct der d;
		struct ck_nc *nc = NULL;
		struct ck_error e;
		enum ck_status rc;

		d.n = 0;
		if (bad_ext[i].hex)
			put_hex(&d, bad_ext[i].hex);
		else
			nc_der(&d, bad_ext[i].permitted, bad_ext[i].excluded);
		cr_assert_eq(ck_nc_new(&nc), CK_OK);
		ck_error_clear(&e);
		rc = ck_nc_add(nc, d.b, d.n, "CN=CA", &e);
		cr_expect_eq(rc, CK_E_PARSE, "case %zu: status %d", i, rc);
		cr_expect(strstr(e.what, bad_ext[i].why) != NULL, "case %zu: \"%s\" lacks \"%s\"", i,
			  e.what, bad_ext[i].why);
		cr_expect(strchr(e.what, '\n') == NULL);
		cr_expect_eq(ck_nc_count(nc), 0, "case %zu: a set was added", i);
		ck_nc_free(nc);
	}
}

/* A subjectAltName that is not GeneralNames: the certificate cannot be
 * checked. */
Test(nc, malformed_san_refused)
{
	static struct der d, san;
	struct ck_nc *nc = NULL;
	struct ck_error e;
	struct ck_cert *c;
	char why[256];

	nc_der(&d, "DNS:example.com", NULL);
	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=CA", &e), CK_OK);
	san.n = 0;
	put_hex(&san, "3003040178"); /* an OCTET STRING where a GeneralName goes */
	make_ctx = "malformed";
	c = make_cert_raw("CN=a", &san);
	cr_expect_not(ck_nc_check(nc, c, CK_NC_LEAF, why, sizeof why));
	cr_expect_str_eq(why, "the subjectAltName of CN=a cannot be decoded");
	ck_cert_free(c);
	ck_nc_free(nc);
}

/* ---------------------------------------------------------------- */
/* bounded work */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* n DNS names "hN.example.com" (or constraints "cN.example.com") as
 * specs joined by '|', into a new string. */
static char *many(const char *prefix, size_t n)
{
	size_t size = n * 40 + 1, len = 0;
	char *s = malloc(size);

	cr_assert(s);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, size - len, "%sDNS:%s%zu.example.com", i ? "|" : "",
					prefix, i);
	return s;
}

static void put_many_subtrees(struct der *d, size_t n)
{
	size_t at = d->n;
	char name[64];

	for (size_t i = 0; i < n; i++) {
		size_t st = d->n;
		snprintf(name, sizeof name, "DNS:c%zu.example.com", i);
		put_general_name(d, name);
		wrap(d, st, 0x30);
	}
	wrap(d, at, 0xa1);
}

Test(nc, work_is_bounded)
{
	static struct der d, san;
	struct ck_nc *nc = NULL;
	struct ck_error e;
	struct ck_cert *c;
	char why[256], *names = many("h", 1000), *tok, *save = NULL;
	double t0, t_add, t_check;

	/* 1000 excluded subtrees, 1000 names: 10^6 comparisons, allowed */
	d.n = 0;
	put_many_subtrees(&d, 1000);
	wrap(&d, 0, 0x30);
	cr_assert_eq(ck_nc_new(&nc), CK_OK);
	t0 = now();
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=CA", &e), CK_OK, "%s", e.what);
	t_add = now() - t0;
	san.n = 0;
	for (tok = strtok_r(names, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
		put_general_name(&san, tok);
	wrap(&san, 0, 0x30);
	c = make_cert_raw("CN=many", &san);
	t0 = now();
	cr_expect(ck_nc_check(nc, c, CK_NC_LEAF, why, sizeof why), "%s", why);
	t_check = now() - t0;
	cr_log_info("1000 subtrees added in %.3f s; 1000 names x 1000 subtrees checked in %.3f s",
		    t_add, t_check);
	cr_expect_lt(t_check, 5.0);

	/* a second set of the same size: over the limit, refused at once */
	cr_assert_eq(ck_nc_add(nc, d.b, d.n, "CN=CA2", &e), CK_OK);
	t0 = now();
	cr_expect_not(ck_nc_check(nc, c, CK_NC_LEAF, why, sizeof why));
	t_check = now() - t0;
	cr_expect(strstr(why, "too many names for its name constraints (1000 names, 2000000 units of work over the limit of 1048576)") != NULL, "%s", why);
	cr_expect_lt(t_check, 1.0);
	ck_cert_free(c);
	ck_nc_free(nc);
	free(names);
}

/* ---------------------------------------------------------------- */
/* issue 27: otherName constraints do not leak.  In the sanitizer build
 * (make check with ASAN_OPTIONS=detect_leaks=1, as quickstart runs it)
 * the test asks LeakSanitizer itself: a leak at a Criterion worker's
 * exit would be reported but not fail the test. */

Test(nc, othername_constraints_do_not_leak)
{
	const char *cas[] = { "nc/ca-othername.der", NULL };
	static struct der d;

	for (int round = 0; round < 50; round++) {
		struct ck_nc *nc = nc_of(cas);
		struct ck_error e;
		struct ck_cert *other = load("nc/ca-othername-other.der");
		struct ck_cert *dns = load("nc/ca-othername-dns.der");
		char why[256];

		cr_expect_not(ck_nc_check(nc, other, CK_NC_LEAF, why, sizeof why));
		cr_expect(ck_nc_check(nc, dns, CK_NC_LEAF, why, sizeof why), "%s", why);
		/* and a malformed otherName, refused without leaking */
		nc_der(&d, "HEX:a0053003060100", NULL);
		cr_expect_eq(ck_nc_add(nc, d.b, d.n, "CN=x", &e), CK_E_PARSE);
		ck_cert_free(other);
		ck_cert_free(dns);
		ck_nc_free(nc);
	}
#ifdef NC_LSAN
	cr_expect_eq(__lsan_do_recoverable_leak_check(), 0, "LeakSanitizer found a leak");
#endif
}

/* ---------------------------------------------------------------- */
/* NIST PKITS 4.13 (fixtures/pkits from BoringSSL's pki/testdata): each
 * case's CAs add their constraints in path order and every certificate
 * below is checked (the anchor carries none). */

static const struct {
	const char *number;
	const char *certs[5]; /* anchor, CAs..., end entity */
	bool valid;
} pkits[] = {
	{ "4.13.1", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "ValidDNnameConstraintsTest1EE" }, true },
	{ "4.13.2", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "InvalidDNnameConstraintsTest2EE" }, false },
	{ "4.13.3", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "InvalidDNnameConstraintsTest3EE" }, false },
	{ "4.13.4", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "ValidDNnameConstraintsTest4EE" }, true },
	{ "4.13.5", { "TrustAnchorRootCertificate", "nameConstraintsDN2CACert", "ValidDNnameConstraintsTest5EE" }, true },
	{ "4.13.6", { "TrustAnchorRootCertificate", "nameConstraintsDN3CACert", "ValidDNnameConstraintsTest6EE" }, true },
	{ "4.13.7", { "TrustAnchorRootCertificate", "nameConstraintsDN3CACert", "InvalidDNnameConstraintsTest7EE" }, false },
	{ "4.13.8", { "TrustAnchorRootCertificate", "nameConstraintsDN4CACert", "InvalidDNnameConstraintsTest8EE" }, false },
	{ "4.13.9", { "TrustAnchorRootCertificate", "nameConstraintsDN4CACert", "InvalidDNnameConstraintsTest9EE" }, false },
	{ "4.13.10", { "TrustAnchorRootCertificate", "nameConstraintsDN5CACert", "InvalidDNnameConstraintsTest10EE" }, false },
	{ "4.13.11", { "TrustAnchorRootCertificate", "nameConstraintsDN5CACert", "ValidDNnameConstraintsTest11EE" }, true },
	{ "4.13.12", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "nameConstraintsDN1subCA1Cert", "InvalidDNnameConstraintsTest12EE" }, false },
	{ "4.13.13", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "nameConstraintsDN1subCA2Cert", "InvalidDNnameConstraintsTest13EE" }, false },
	{ "4.13.14", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "nameConstraintsDN1subCA2Cert", "ValidDNnameConstraintsTest14EE" }, true },
	{ "4.13.15", { "TrustAnchorRootCertificate", "nameConstraintsDN3CACert", "nameConstraintsDN3subCA1Cert", "InvalidDNnameConstraintsTest15EE" }, false },
	{ "4.13.16", { "TrustAnchorRootCertificate", "nameConstraintsDN3CACert", "nameConstraintsDN3subCA1Cert", "InvalidDNnameConstraintsTest16EE" }, false },
	{ "4.13.17", { "TrustAnchorRootCertificate", "nameConstraintsDN3CACert", "nameConstraintsDN3subCA2Cert", "InvalidDNnameConstraintsTest17EE" }, false },
	{ "4.13.18", { "TrustAnchorRootCertificate", "nameConstraintsDN3CACert", "nameConstraintsDN3subCA2Cert", "ValidDNnameConstraintsTest18EE" }, true },
	{ "4.13.19", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "nameConstraintsDN1SelfIssuedCACert", "ValidDNnameConstraintsTest19EE" }, true },
	{ "4.13.20", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "InvalidDNnameConstraintsTest20EE" }, false },
	{ "4.13.21", { "TrustAnchorRootCertificate", "nameConstraintsRFC822CA1Cert", "ValidRFC822nameConstraintsTest21EE" }, true },
	{ "4.13.22", { "TrustAnchorRootCertificate", "nameConstraintsRFC822CA1Cert", "InvalidRFC822nameConstraintsTest22EE" }, false },
	{ "4.13.23", { "TrustAnchorRootCertificate", "nameConstraintsRFC822CA2Cert", "ValidRFC822nameConstraintsTest23EE" }, true },
	{ "4.13.24", { "TrustAnchorRootCertificate", "nameConstraintsRFC822CA2Cert", "InvalidRFC822nameConstraintsTest24EE" }, false },
	{ "4.13.25", { "TrustAnchorRootCertificate", "nameConstraintsRFC822CA3Cert", "ValidRFC822nameConstraintsTest25EE" }, true },
	{ "4.13.26", { "TrustAnchorRootCertificate", "nameConstraintsRFC822CA3Cert", "InvalidRFC822nameConstraintsTest26EE" }, false },
	{ "4.13.27", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "nameConstraintsDN1subCA3Cert", "ValidDNandRFC822nameConstraintsTest27EE" }, true },
	{ "4.13.28", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "nameConstraintsDN1subCA3Cert", "InvalidDNandRFC822nameConstraintsTest28EE" }, false },
	{ "4.13.29", { "TrustAnchorRootCertificate", "nameConstraintsDN1CACert", "nameConstraintsDN1subCA3Cert", "InvalidDNandRFC822nameConstraintsTest29EE" }, false },
	{ "4.13.30", { "TrustAnchorRootCertificate", "nameConstraintsDNS1CACert", "ValidDNSnameConstraintsTest30EE" }, true },
	{ "4.13.31", { "TrustAnchorRootCertificate", "nameConstraintsDNS1CACert", "InvalidDNSnameConstraintsTest31EE" }, false },
	{ "4.13.32", { "TrustAnchorRootCertificate", "nameConstraintsDNS2CACert", "ValidDNSnameConstraintsTest32EE" }, true },
	{ "4.13.33", { "TrustAnchorRootCertificate", "nameConstraintsDNS2CACert", "InvalidDNSnameConstraintsTest33EE" }, false },
	{ "4.13.34", { "TrustAnchorRootCertificate", "nameConstraintsURI1CACert", "ValidURInameConstraintsTest34EE" }, true },
	{ "4.13.35", { "TrustAnchorRootCertificate", "nameConstraintsURI1CACert", "InvalidURInameConstraintsTest35EE" }, false },
	{ "4.13.36", { "TrustAnchorRootCertificate", "nameConstraintsURI2CACert", "ValidURInameConstraintsTest36EE" }, true },
	{ "4.13.37", { "TrustAnchorRootCertificate", "nameConstraintsURI2CACert", "InvalidURInameConstraintsTest37EE" }, false },
	{ "4.13.38", { "TrustAnchorRootCertificate", "nameConstraintsDNS1CACert", "InvalidDNSnameConstraintsTest38EE" }, false },
};

Test(nc, pkits_4_13)
{
	size_t agree = 0, n = sizeof pkits / sizeof pkits[0];
	char probe[4096];
	FILE *f;

	snprintf(probe, sizeof probe, "%s/pkits/certs/TrustAnchorRootCertificate.crt", CK_FIXTURES);
	if (!(f = fopen(probe, "rb")))
		cr_skip_test("no NIST PKITS certificates in %s/pkits/certs", CK_FIXTURES);
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		struct ck_nc *nc = NULL;
		size_t len = 0;
		bool valid = true;
		char why[512] = "";

		while (pkits[i].certs[len])
			len++;
		cr_assert_eq(ck_nc_new(&nc), CK_OK);
		/* from the first certificate below the anchor down */
		for (size_t k = 1; k < len && valid; k++) {
			char rel[256];
			struct ck_cert *c;
			struct ck_ext ext;
			struct ck_error e;

			snprintf(rel, sizeof rel, "pkits/certs/%s.crt", pkits[i].certs[k]);
			c = load(rel);
			valid = ck_nc_check(nc, c, k + 1 == len ? CK_NC_LEAF : 0, why, sizeof why);
			if (valid && k + 1 < len && ck_cert_ext_find(c, "2.5.29.30", &ext)) {
				ck_error_clear(&e);
				cr_assert_eq(ck_nc_add(nc, ext.value, ext.len, c->subject, &e), CK_OK,
					     "%s: %s", rel, e.what);
			}
			ck_cert_free(c);
		}
		cr_expect_eq(valid, pkits[i].valid, "PKITS %s: %s%s", pkits[i].number,
			     valid ? "valid" : "invalid: ", why);
		agree += valid == pkits[i].valid;
		ck_nc_free(nc);
	}
	cr_log_info("PKITS 4.13: %zu of %zu cases agree", agree, n);
	cr_expect_eq(agree, n);
}
