/* crl: RFC 5280 §6.3 revocation status from the CRLs of fixtures/crl/
 * (made by fixtures/gen-crl.sh). */
#include "config.h"

#include "libcore/crl.h"
#include "unit.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#define AT_2019 1559347200 /* 2019-06-01 */
#define AT_2020 1590969600 /* 2020-06-01 */
#define AT_2030 1893456000 /* 2030-01-01 */

static struct ck_cert *cert(const char *name)
{
	char rel[128];
	snprintf(rel, sizeof rel, "crl/%s.der", name);
	return fx_cert(rel);
}

static struct ck_crlset *set_of(const char *const *files)
{
	struct ck_crlset *s = NULL;
	cr_assert_eq(ck_crlset_new(&s), CK_OK);
	for (size_t i = 0; files[i]; i++) {
		char rel[128];
		size_t len = 0;
		unsigned char *d;
		struct ck_error e;
		snprintf(rel, sizeof rel, "crl/%s", files[i]);
		d = fx_read(rel, &len);
		cr_assert_eq(ck_crlset_add(s, d, len, files[i], &e), CK_OK, "%s: %s", rel, e.what);
		free(d);
	}
	return s;
}

struct verdict_case {
	const char *what;
	const char *crls[4];
	const char *cert, *issuer;
	time_t at;
	enum ck_revstatus status;
	int reason;
	time_t revoked_at;
	const char *why; /* a part of the message */
};

static const struct verdict_case verdicts[] = {
	{ "good", { "ca.crl" }, "good", "ca", AT_2030, CK_REV_GOOD, -1, 0,
	  "not on the CRL of CN=chainkit CRL Test CA,O=chainkit tests from ca.crl (thisUpdate 2020-01-01T00:00:00Z)" },
	{ "revoked with reason and date", { "ca.crl" }, "revoked", "ca", AT_2030, CK_REV_REVOKED, 1,
	  1609459200, "revoked 2021-01-01T00:00:00Z (keyCompromise) on the CRL of CN=chainkit CRL Test CA" },
	{ "certificateHold counts as revoked", { "ca.crl" }, "hold", "ca", AT_2030, CK_REV_REVOKED, 6,
	  1643760000, "revoked 2022-02-02T00:00:00Z (certificateHold)" },
	{ "revoked on the delta CRL", { "ca.crl", "ca-delta.crl" }, "delta", "ca", AT_2030,
	  CK_REV_REVOKED, 1, 1677801600, "(keyCompromise) on the delta CRL of CN=chainkit CRL Test CA" },
	{ "good on the complete and the delta CRL", { "ca-delta.crl", "ca.crl" }, "good", "ca",
	  AT_2030, CK_REV_GOOD, -1, 0, "nor its delta CRL from ca-delta.crl" },
	{ "without the delta CRL, the complete CRL alone", { "ca.crl" }, "delta", "ca", AT_2030,
	  CK_REV_GOOD, -1, 0, "from ca.crl (thisUpdate 2020-01-01T00:00:00Z) (no delta CRL for it at hand)" },
	{ "a delta CRL alone is not enough", { "ca-delta.crl" }, "good", "ca", AT_2030,
	  CK_REV_UNDETERMINED, -1, 0, "is a delta CRL, and no complete CRL it applies to is at hand" },
	{ "expired CRL", { "ca-expired.crl" }, "good", "ca", AT_2030, CK_REV_UNDETERMINED, -1, 0,
	  "the CRL of CN=chainkit CRL Test CA,O=chainkit tests from ca-expired.crl is expired at 2021-01-01T00:00:00Z" },
	{ "the same CRL before its nextUpdate", { "ca-expired.crl" }, "good", "ca", AT_2020,
	  CK_REV_GOOD, -1, 0, "from ca-expired.crl" },
	{ "CRL not valid yet", { "ca.crl" }, "good", "ca", AT_2019, CK_REV_UNDETERMINED, -1, 0,
	  "is not valid before 2020-01-01T00:00:00Z" },
	{ "CRL signed by the wrong key", { "wrongkey.crl" }, "good", "ca", AT_2030,
	  CK_REV_UNDETERMINED, -1, 0, "from wrongkey.crl does not verify with CN=chainkit CRL Test CA" },
	{ "missing CRL", { "root.crl" }, "good", "ca", AT_2030, CK_REV_UNDETERMINED, -1, 0,
	  "no CRL from CN=chainkit CRL Test CA,O=chainkit tests is at hand" },
	{ "no CRL at all", { NULL }, "good", "ca", AT_2030, CK_REV_UNDETERMINED, -1, 0,
	  "no CRL from CN=chainkit CRL Test CA" },
	{ "the CRL does not cover the certificate's distribution point", { "ca.crl" }, "otherdp", "ca",
	  AT_2030, CK_REV_UNDETERMINED, -1, 0, "from ca.crl is for another distribution point" },
	{ "unknown critical CRL extension", { "ca-critext.crl" }, "good", "ca", AT_2030,
	  CK_REV_UNDETERMINED, -1, 0, "cannot be used: unknown critical CRL extension 1.2.3.4" },
	{ "a usable CRL next to an unusable one", { "ca-critext.crl", "ca.crl" }, "revoked", "ca",
	  AT_2030, CK_REV_REVOKED, 1, 1609459200, "from ca.crl" },
	{ "the CA on its root's CRL", { "root.crl", "ca.crl" }, "ca", "root", AT_2030, CK_REV_GOOD, -1,
	  0, "from root.crl" },
	{ "PEM with several CRLs: the leaf", { "several.pem" }, "revoked", "ca", AT_2030,
	  CK_REV_REVOKED, 1, 1609459200, "from several.pem#2" },
	{ "PEM with several CRLs: the CA", { "several.pem" }, "ca", "root", AT_2030, CK_REV_GOOD, -1, 0,
	  "from several.pem#1" },
};

Test(crl, verdicts)
{
	for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
		const struct verdict_case *v = &verdicts[i];
		struct ck_crlset *s = set_of(v->crls);
		struct ck_cert *c = cert(v->cert), *iss = cert(v->issuer);
		struct ck_revinfo r;
		struct ck_error e;

		cr_assert_eq(ck_crlset_check(s, c, iss, NULL, 0, v->at, NULL, NULL, &r, &e), CK_OK,
			     "%s: %s", v->what, e.what);
		cr_assert_eq(r.status, v->status, "%s: status %d: %s", v->what, r.status, r.why);
		cr_assert_eq(r.reason, v->reason, "%s: reason %d", v->what, r.reason);
		cr_assert_eq(r.revoked_at, v->revoked_at, "%s: revoked_at %lld", v->what,
			     (long long)r.revoked_at);
		cr_assert(strstr(r.why, v->why), "%s: %s", v->what, r.why);
		cr_assert_lt(strlen(r.why), sizeof r.why - 1, "%s: %s", v->what, r.why);
		ck_cert_free(c);
		ck_cert_free(iss);
		ck_crlset_free(s);
	}
}

struct bad_case {
	const char *what;
	const char *data;
	size_t len; /* 0: strlen */
	const char *message;
};

static const struct bad_case bads[] = {
	{ "text", "hello, world\n", 0, "not a CRL (neither DER nor PEM)" },
	{ "empty", "", 0, "not a CRL (neither DER nor PEM)" },
	{ "a SEQUENCE that is no CRL", "\x30\x03\x02\x01\x05", 5, "not a CRL (tbsCertList is not a SEQUENCE)" },
	{ "a length past the end", "\x30\x82\x10\x00\x30", 5, "runs past the end" },
	{ "bad base64", "-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n", 0,
	  "X509 CRL block 1: bad base64" },
	{ "no END line", "-----BEGIN X509 CRL-----\nMAA=\n", 0, "X509 CRL block 1 has no END line" },
	{ "no CRL block", "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n", 0,
	  "no X509 CRL block in the PEM input" },
	{ "a CRL block that is not a CRL", "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n",
	  0, "X509 CRL block 1: not a CRL" },
};

Test(crl, garbage_is_refused)
{
	struct ck_crlset *s = NULL;
	cr_assert_eq(ck_crlset_new(&s), CK_OK);
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		const struct bad_case *b = &bads[i];
		struct ck_error e;
		size_t len = b->len ? b->len : strlen(b->data);
		ck_error_clear(&e);
		cr_assert_eq(ck_crlset_add(s, (const unsigned char *)b->data, len, b->what, &e),
			     CK_E_PARSE, "%s", b->what);
		cr_assert(strstr(e.what, b->message), "%s: %s", b->what, e.what);
		cr_assert_eq(ck_crlset_count(s), 0);
	}
	ck_crlset_free(s);
}

Test(crl, truncated_der)
{
	size_t len = 0;
	unsigned char *d = fx_read("crl/ca.crl", &len);
	struct ck_crlset *s = NULL;
	struct ck_error e;

	cr_assert_eq(ck_crlset_new(&s), CK_OK);
	for (size_t cut = 1; cut < len; cut += 37) {
		cr_assert_eq(ck_crlset_add(s, d, cut, "ca.crl", &e), CK_E_PARSE, "cut at %zu", cut);
		cr_assert_neq(e.what[0], '\0');
	}
	d[len - 1] ^= 1; /* a changed signature still parses */
	cr_assert_eq(ck_crlset_add(s, d, len, "ca.crl", &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_crlset_count(s), 1);
	free(d);
	ck_crlset_free(s);
}

/* All or nothing: a PEM buffer whose second block is broken adds none. */
Test(crl, pem_all_or_nothing)
{
	size_t len = 0;
	unsigned char *d = fx_read("crl/several.pem", &len);
	const char *broken = "-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n";
	unsigned char *both = malloc(len + strlen(broken));
	struct ck_crlset *s = NULL;
	struct ck_error e;

	memcpy(both, d, len);
	memcpy(both + len, broken, strlen(broken));
	cr_assert_eq(ck_crlset_new(&s), CK_OK);
	cr_assert_eq(ck_crlset_add(s, both, len + strlen(broken), "x.pem", &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "X509 CRL block 3"), "%s", e.what);
	cr_assert_eq(ck_crlset_count(s), 0);
	cr_assert_eq(ck_crlset_add(s, d, len, "x.pem", &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_crlset_count(s), 2);
	free(both);
	free(d);
	ck_crlset_free(s);
}

struct calls {
	int n;
	bool answer;
	const struct ck_cert *signer, *issuer;
};

static bool count_signer(void *ctx, const struct ck_cert *signer, const struct ck_cert *issuer)
{
	struct calls *c = ctx;
	c->n++;
	c->signer = signer;
	c->issuer = issuer;
	return c->answer;
}

/* The caller's callback decides on every signer, the issuer included. */
Test(crl, signer_callback)
{
	const char *const crls[] = { "ca.crl", NULL };
	struct ck_crlset *s = set_of(crls);
	struct ck_cert *c = cert("good"), *ca = cert("ca");
	struct calls calls = { 0, false, NULL, NULL };
	struct ck_revinfo r;
	struct ck_error e;

	cr_assert_eq(ck_crlset_check(s, c, ca, NULL, 0, AT_2030, count_signer, &calls, &r, &e), CK_OK);
	cr_assert_eq(r.status, CK_REV_UNDETERMINED);
	cr_assert(strstr(r.why, "is signed by CN=chainkit CRL Test CA,O=chainkit tests, which is not validated as a CRL issuer"),
		  "%s", r.why);
	cr_assert_eq(calls.n, 1);
	cr_assert_eq(calls.signer, ca);
	cr_assert_eq(calls.issuer, ca);
	calls.answer = true;
	cr_assert_eq(ck_crlset_check(s, c, ca, NULL, 0, AT_2030, count_signer, &calls, &r, &e), CK_OK);
	cr_assert_eq(r.status, CK_REV_GOOD, "%s", r.why);
	cr_assert_eq(calls.n, 2);
	ck_cert_free(c);
	ck_cert_free(ca);
	ck_crlset_free(s);
}

/* The CRL's signer is found in the pool when the issuer given is not
 * it (here: the issuer passed is the root; the CA is in the pool). */
Test(crl, signer_from_the_pool)
{
	const char *const crls[] = { "ca.crl", NULL };
	struct ck_crlset *s = set_of(crls);
	struct ck_cert *c = cert("revoked"), *ca = cert("ca"), *root = cert("root");
	const struct ck_cert *pool[] = { root, ca };
	struct calls calls = { 0, true, NULL, NULL };
	struct ck_revinfo r;
	struct ck_error e;

	cr_assert_eq(ck_crlset_check(s, c, root, pool, 2, AT_2030, count_signer, &calls, &r, &e), CK_OK);
	cr_assert_eq(r.status, CK_REV_REVOKED, "%s", r.why);
	cr_assert_eq(calls.signer, ca);
	cr_assert_eq(calls.issuer, root);
	/* without a callback only the issuer itself may sign */
	cr_assert_eq(ck_crlset_check(s, c, root, pool, 2, AT_2030, NULL, NULL, &r, &e), CK_OK);
	cr_assert_eq(r.status, CK_REV_UNDETERMINED, "%s", r.why);
	ck_cert_free(c);
	ck_cert_free(ca);
	ck_cert_free(root);
	ck_crlset_free(s);
}

Test(crl, usage_and_names)
{
	struct ck_crlset *s = NULL;
	struct ck_revinfo r;
	struct ck_error e;
	struct ck_cert *c = cert("good");

	cr_assert_eq(ck_crlset_new(&s), CK_OK);
	cr_assert_eq(ck_crlset_check(s, c, NULL, NULL, 0, AT_2030, NULL, NULL, &r, &e), CK_E_USAGE);
	cr_assert_eq(ck_crlset_add(NULL, (const unsigned char *)"x", 1, NULL, &e), CK_E_USAGE);
	cr_assert_eq(ck_crlset_count(NULL), 0);
	ck_crlset_free(NULL);
	cr_assert_str_eq(ck_crlset_reason_name(-1), "unspecified");
	cr_assert_str_eq(ck_crlset_reason_name(6), "certificateHold");
	cr_assert_str_eq(ck_crlset_reason_name(7), "unknown");
	cr_assert_str_eq(ck_crlset_reason_name(10), "aACompromise");
	cr_assert_str_eq(ck_crlset_reason_name(11), "unknown");
	ck_cert_free(c);
	ck_crlset_free(s);
}

/* DER, built by hand for the one CRL no tool writes: a serial with
 * leading zero octets that DER forbids. */
struct der {
	unsigned char b[4096];
	size_t n;
};

static void der_put(struct der *d, const void *p, size_t n)
{
	cr_assert_leq(d->n + n, sizeof d->b);
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

static void der_tlv(struct der *d, unsigned char tag, const void *p, size_t n)
{
	unsigned char h[4] = { tag };
	size_t hl = 2;
	cr_assert_lt(n, 0x10000);
	if (n < 0x80) {
		h[1] = (unsigned char)n;
	} else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (unsigned char)n;
		hl = 3;
	} else {
		h[1] = 0x82;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	}
	der_put(d, h, hl);
	der_put(d, p, n);
}

/* Serial numbers compare as integers: an entry 00 00 <serial> is the
 * certificate's (a CRL signed here with crl/ca.key). */
Test(crl, serial_with_leading_zeros)
{
	static const unsigned char alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
					     0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
	struct ck_cert *c = cert("good"), *ca = cert("ca");
	struct der serial = { .n = 0 }, entry = { .n = 0 }, entries = { .n = 0 }, body = { .n = 0 },
		   tbs = { .n = 0 }, all = { .n = 0 }, crl = { .n = 0 };
	unsigned char zeros[2] = { 0, 0 }, sigbits[600];
	size_t keylen = 0;
	unsigned char *key = fx_read("crl/ca.key", &keylen);
	gnutls_datum_t k = { key, (unsigned)keylen }, t, sig = { NULL, 0 };
	gnutls_privkey_t priv;
	struct ck_crlset *s = NULL;
	struct ck_revinfo r;
	struct ck_error e;

	/* the certificate's serial octets, from its hex form */
	der_put(&serial, zeros, 2);
	for (const char *h = c->serial; h[0] && h[1]; h += 2) {
		unsigned v;
		cr_assert_eq(sscanf(h, "%2x", &v), 1);
		der_put(&serial, &(unsigned char){ (unsigned char)v }, 1);
	}
	der_tlv(&entry, 0x02, serial.b, serial.n);
	der_tlv(&entry, 0x17, "210101000000Z", 13);
	der_tlv(&entries, 0x30, entry.b, entry.n);
	der_tlv(&body, 0x02, "\x01", 1);
	der_put(&body, alg, sizeof alg);
	der_put(&body, ck_cert_span(ca, ca->subject_raw), ca->subject_raw.len);
	der_tlv(&body, 0x17, "200101000000Z", 13);
	der_tlv(&body, 0x18, "20700101000000Z", 15);
	der_tlv(&body, 0x30, entries.b, entries.n);
	der_tlv(&tbs, 0x30, body.b, body.n);

	cr_assert_geq(gnutls_privkey_init(&priv), 0);
	cr_assert_geq(gnutls_privkey_import_x509_raw(priv, &k, GNUTLS_X509_FMT_PEM, NULL, 0), 0);
	t.data = tbs.b;
	t.size = (unsigned)tbs.n;
	cr_assert_geq(gnutls_privkey_sign_data(priv, GNUTLS_DIG_SHA256, 0, &t, &sig), 0);
	cr_assert_lt(sig.size, sizeof sigbits);
	sigbits[0] = 0;
	memcpy(sigbits + 1, sig.data, sig.size);
	der_put(&all, tbs.b, tbs.n);
	der_put(&all, alg, sizeof alg);
	der_tlv(&all, 0x03, sigbits, sig.size + 1);
	der_tlv(&crl, 0x30, all.b, all.n);

	cr_assert_eq(ck_crlset_new(&s), CK_OK);
	cr_assert_eq(ck_crlset_add(s, crl.b, crl.n, "zeros.crl", &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_crlset_check(s, c, ca, NULL, 0, AT_2030, NULL, NULL, &r, &e), CK_OK);
	cr_assert_eq(r.status, CK_REV_REVOKED, "%s", r.why);
	cr_assert_eq(r.reason, -1);
	cr_assert(strstr(r.why, "revoked 2021-01-01T00:00:00Z (unspecified) on the CRL of CN=chainkit CRL Test CA"),
		  "%s", r.why);

	gnutls_free(sig.data);
	gnutls_privkey_deinit(priv);
	free(key);
	ck_crlset_free(s);
	ck_cert_free(c);
	ck_cert_free(ca);
}

/* Showing a CRL (chainview): the accessors read what the checks use. */
static bool collect(void *ctx, const struct ck_crl_entry *e)
{
	struct ck_crl_entry *v = ctx;
	size_t i = 0;
	while (v[i].serial_len)
		i++;
	v[i] = *e;
	return true;
}

Test(crl, about_entries_and_signature)
{
	const char *const files[] = { "ca.crl", NULL };
	struct ck_crlset *s = set_of(files);
	struct ck_crl_about a;
	struct ck_crl_entry e[4];
	struct ck_cert *ca = cert("ca"), *root = cert("root");
	const struct ck_cert *pool[2] = { root, ca };
	char name[256];
	size_t at = 99;

	cr_assert_eq(ck_crlset_about(s, 0, &a), CK_OK);
	cr_assert_str_eq(a.issuer, "CN=chainkit CRL Test CA,O=chainkit tests");
	cr_assert_eq(a.version, 2);
	cr_assert_eq(a.this_update, 1577836800);
	cr_assert(a.has_next && a.next_update == 3155760000);
	cr_assert_str_eq(a.number, "1000");
	cr_assert(!a.delta && a.freshest && a.has_idp);
	cr_assert_eq(strlen(a.aki), 40);
	cr_assert_eq(a.entries, 2);
	cr_assert_eq(a.by_reason[1], 1);
	cr_assert_eq(a.by_reason[6], 1);
	cr_assert_eq(a.no_reason, 0);
	cr_assert_str_eq(a.signature_algorithm, "RSA-SHA256");
	cr_assert_str_eq(a.unusable, "");
	cr_assert(ck_crlset_idp_name(s, 0, 0, name, sizeof name));
	cr_assert_str_eq(name, "URI:http://127.0.0.1:18080/crl/ca.crl");
	cr_assert(!ck_crlset_idp_name(s, 0, 1, name, sizeof name));
	cr_assert_eq(ck_crlset_about(s, 1, &a), CK_E_USAGE);

	memset(e, 0, sizeof e);
	cr_assert_eq(ck_crlset_entries(s, 0, collect, e), CK_OK);
	cr_assert_eq(e[0].reason, 1);
	cr_assert_eq(e[0].date, 1609459200); /* 2021-01-01 */
	cr_assert_eq(e[1].reason, 6);
	cr_assert_eq(e[1].date, 1643760000); /* 2022-02-02 */
	cr_assert_eq(e[2].serial_len, 0);

	cr_assert_eq(ck_crlset_signature(s, 0, pool, 2, &at), CK_CRL_SIG_VALID);
	cr_assert_eq(at, 1);
	cr_assert_eq(ck_crlset_signature(s, 0, pool, 1, NULL), CK_CRL_SIG_NOT_CHECKED);
	ck_crlset_free(s);

	{
		const char *const wrong[] = { "wrongkey.crl", NULL };
		s = set_of(wrong);
		cr_assert_eq(ck_crlset_signature(s, 0, pool, 2, NULL), CK_CRL_SIG_INVALID);
		ck_crlset_free(s);
	}
	ck_cert_free(ca);
	ck_cert_free(root);
}

Test(crl, sniff)
{
	size_t len = 0, clen = 0;
	unsigned char *d = fx_read("crl/ca.crl", &len), *c = fx_read("crl/ca.der", &clen);

	cr_assert(ck_crl_sniff(d, len));
	cr_assert(!ck_crl_sniff(c, clen), "a certificate is not a CRL");
	cr_assert(!ck_crl_sniff((const unsigned char *)"-----BEGIN X509 CRL-----\n"
				"-----BEGIN CERTIFICATE-----\n", 53), "a bundle with a CRL");
	cr_assert(ck_crl_sniff((const unsigned char *)"-----BEGIN X509 CRL-----\n", 25));
	free(d);
	free(c);
}
