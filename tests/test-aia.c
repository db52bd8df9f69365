/* aia: what a caIssuers URL served, LDAP answers, and the list of URLs
 * (--list: no network traffic). */
#include "config.h"

#include "libcore/aia.h"
#include "unit.h"

#include <gnutls/gnutls.h>

static enum ck_url_result issuer(const char *served, const char *leaf, struct ck_issuer_info *info, char *note)
{
	size_t len = 0;
	unsigned char *d = fx_read(served, &len);
	struct ck_cert *c = fx_cert(leaf);
	enum ck_url_result r = ck_aia_check_issuer(d, len, c, info, note, 400);
	free(d);
	ck_cert_free(c);
	return r;
}

static const struct {
	const char *served, *leaf;
	enum ck_url_result want;
	const char *format;
} issuers[] = {
	{ "pki/int-ca.der", "pki/client.der", CK_URL_OK, "der" },
	{ "pki/int-ca.crt", "pki/client.der", CK_URL_OK, "pem" },
	{ "aia/int-ca.p7c", "pki/client.der", CK_URL_OK, "pkcs7" },
	{ "bundles/client-p7.pem", "pki/client.der", CK_URL_OK, "pem-pkcs7" },
	{ "bundles/client-chain.pem", "pki/client.der", CK_URL_OK, "pem" },
	/* the cross-certificate has int-ca's name and key: it issued it too */
	{ "pki/int-ca-cross.der", "pki/client.der", CK_URL_OK, "der" },
	{ "pki/root-ca.der", "pki/int-ca.der", CK_URL_OK, "der" },
	{ "pki/other-root.der", "pki/client.der", CK_URL_WRONG_ISSUER, "der" },
	{ "pki/root-ca.der", "pki/client.der", CK_URL_WRONG_ISSUER, "der" },
	{ "pki/ec-int.der", "pki/client.der", CK_URL_WRONG_ISSUER, "der" },
	{ "pki/int-ca.crl", "pki/client.der", CK_URL_BAD_CONTENT, NULL },
	{ "bad/random.bin", "pki/client.der", CK_URL_BAD_CONTENT, NULL },
	{ "bad/empty.pem", "pki/client.der", CK_URL_BAD_CONTENT, NULL },
};

Test(aia, issuer_answers)
{
	for (size_t i = 0; i < sizeof issuers / sizeof issuers[0]; i++) {
		struct ck_issuer_info info;
		char note[400];
		enum ck_url_result r = issuer(issuers[i].served, issuers[i].leaf, &info, note);
		cr_expect_eq(r, issuers[i].want, "%s for %s: %s (%s)", issuers[i].served, issuers[i].leaf,
			     ck_url_result_name(r), note);
		if (issuers[i].format)
			cr_expect_str_eq(info.format, issuers[i].format, "%s", issuers[i].served);
		else
			cr_expect_null(info.format, "%s", issuers[i].served);
		cr_expect_eq(info.issuer != NULL, r == CK_URL_OK, "%s", issuers[i].served);
		ck_issuer_info_cleanup(&info);
	}
}

Test(aia, issuer_found_is_verified)
{
	struct ck_issuer_info info;
	char note[400];
	cr_assert_eq(issuer("pki/int-ca.der", "pki/client.der", &info, note), CK_URL_OK);
	cr_assert(info.signature);
	cr_assert_eq(info.key_id, 1);
	cr_assert_str_eq(info.subject, "CN=chainkit Issuing CA 1,O=chainkit tests");
	cr_assert(strstr(note, "signature verified"), "%s", note);
	ck_issuer_info_cleanup(&info);
	cr_assert_eq(issuer("pki/other-root.der", "pki/client.der", &info, note), CK_URL_WRONG_ISSUER);
	cr_assert(strstr(note, "serves CN=chainkit Other Root CA"), "%s", note);
	cr_assert(strstr(note, "name differs"), "%s", note);
	ck_issuer_info_cleanup(&info);
}

Test(aia, ldap_answer_values)
{
	size_t len = 0, der_len = 0;
	unsigned char *d = fx_read("pki/int-ca.der", &len), *der = NULL;
	gnutls_datum_t in = { d, (unsigned)len }, b64 = { 0 };
	char *body;
	cr_assert(gnutls_base64_encode2(&in, &b64) >= 0);
	/* as libcurl writes it: LDIF's "::" before base64 */
	cr_assert(asprintf(&body, "DN: cn=int\n\tobjectClass: certificationAuthority\n\n\tcACertificate;binary:: %.*s\n\n",
			   (int)b64.size, b64.data) > 0);
	cr_assert(ck_aia_ldap_values((unsigned char *)body, strlen(body), "cACertificate", &der, &der_len));
	cr_assert_eq(der_len, len);
	cr_assert(!memcmp(der, d, len));
	free(der);
	cr_assert(!ck_aia_ldap_values((unsigned char *)body, strlen(body), "certificateRevocationList", &der,
				      &der_len));
	free(body);
	gnutls_free(b64.data);
	free(d);
}

Test(aia, kind_names)
{
	cr_assert_str_eq(ck_url_kind_name(CK_KIND_CA_ISSUERS), "ca-issuers");
	cr_assert_str_eq(ck_url_kind_name(CK_KIND_OCSP), "ocsp");
	cr_assert_str_eq(ck_url_kind_name(CK_KIND_CRL), "crl");
	cr_assert_str_eq(ck_url_kind_name(CK_KIND_DELTA_CRL), "delta-crl");
	cr_assert_str_eq(ck_url_kind_name(CK_KIND_GIVEN), "url");
}

static struct ck_aia_report *listed(const char *rel, bool ocsp_get, struct ck_bundle **b)
{
	struct ck_aia_opts o = { .list_only = true, .ocsp_get = ocsp_get };
	struct ck_aia_report *r = NULL;
	struct ck_error e;
	o.analyze.chain.at = 1893456000;
	cr_assert_eq(fx_load(rel, NULL, b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_aia_check(*b, NULL, &o, &r, &e), CK_OK, "%s", e.what);
	return r;
}

Test(aia, lists_every_url_in_order)
{
	struct ck_bundle *b;
	struct ck_aia_report *r = listed("pki/multi-aia-leaf.crt", false, &b);
	static const struct {
		enum ck_url_kind kind;
		unsigned position;
		const char *url;
	} want[] = {
		{ CK_KIND_CA_ISSUERS, 0, "ldap://127.0.0.1:18389/cn=int" },
		{ CK_KIND_CA_ISSUERS, 1, "https://127.0.0.1:18443/int-ca.crt" },
		{ CK_KIND_CA_ISSUERS, 2, "http://127.0.0.1:18080/int-ca.crt" },
		{ CK_KIND_CA_ISSUERS, 3, "http://127.0.0.1:18080/int-ca-alt.crt" },
		{ CK_KIND_OCSP, 0, "http://127.0.0.1:18081/" },
		{ CK_KIND_CRL, 0, "http://127.0.0.1:18080/int-ca.crl" },
		{ CK_KIND_CRL, 1, "ldap://127.0.0.1:18389/cn=int-crl" },
		{ CK_KIND_CRL, 2, "http://127.0.0.1:18080/int-ca-2.crl" },
		{ CK_KIND_DELTA_CRL, 0, "http://127.0.0.1:18080/int-ca-delta.crl" },
	};
	cr_assert_eq(r->nurls, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < r->nurls; i++) {
		cr_expect_eq(r->urls[i].kind, want[i].kind, "%zu", i);
		cr_expect_eq(r->urls[i].position, want[i].position, "%zu", i);
		cr_expect_str_eq(r->urls[i].url, want[i].url);
		cr_expect(!r->urls[i].checked);
		cr_expect_eq(ck_aia_cert_index(r, r->urls[i].cert), 0);
	}
	cr_assert(r->list_only);
	cr_assert_eq(r->nfetched, 0);
	ck_aia_report_free(r);
	ck_bundle_free(b);
}

Test(aia, malformed_urls_are_listed_and_classified)
{
	struct ck_bundle *b;
	struct ck_aia_report *r = listed("pki/badurl-leaf.crt", false, &b);
	cr_assert_eq(r->nurls, 5);
	cr_assert_eq(r->urls[0].result, CK_URL_MALFORMED);
	cr_assert(strstr(r->urls[0].note, "unknown scheme 'hhtp'"));
	cr_assert_eq(r->urls[1].result, CK_URL_MALFORMED);
	cr_assert(strstr(r->urls[1].note, "leading white space"));
	cr_assert_str_eq(r->urls[1].requested, "http://127.0.0.1:18080/leading-space.crt");
	cr_assert_eq(r->urls[2].result, CK_URL_MALFORMED);
	cr_assert_str_eq(r->urls[3].url, "http://ca.invalid/ocsp");
	cr_assert_eq(r->urls[3].kind, CK_KIND_OCSP);
	cr_assert_eq(r->urls[4].kind, CK_KIND_CRL);
	for (size_t i = 0; i < r->nurls; i++)
		cr_assert(!r->urls[i].checked);
	ck_aia_report_free(r);
	ck_bundle_free(b);
}

Test(aia, ocsp_get_adds_a_get_entry)
{
	struct ck_bundle *b;
	struct ck_aia_report *r = listed("bundles/client-chain.pem", true, &b);
	size_t post = 0, get = 0;
	for (size_t i = 0; i < r->nurls; i++)
		if (r->urls[i].kind == CK_KIND_OCSP) {
			post += !strcmp(r->urls[i].method, "POST");
			get += !strcmp(r->urls[i].method, "GET");
		}
	cr_assert_eq(post, 1);
	cr_assert_eq(get, 1);
	/* the intermediate's URLs are listed too */
	cr_assert_eq(ck_aia_cert_index(r, r->urls[r->nurls - 1].cert), 1);
	ck_aia_report_free(r);
	ck_bundle_free(b);
}

/* A bundle of many certificates: every URL listed, and the entries
 * (over a kilobyte each) grow by doubling, not one by one (issue 27). */
Test(aia, many_urls_grow_by_doubling)
{
	struct ck_aia_opts o = { .list_only = true };
	struct ck_aia_report *r = NULL;
	struct ck_bundle *b = NULL, *one = NULL;
	struct ck_error e;
	const char *names[] = { "pki/client.crt", "pki/server.crt", "pki/multi-aia-leaf.crt",
				"pki/ec-leaf.crt", "pki/int-ca.crt", NULL };

	o.analyze.chain.at = 1893456000;
	for (size_t i = 0; names[i]; i++) {
		cr_assert_eq(fx_load(names[i], NULL, i ? &one : &b, &e), CK_OK, "%s", e.what);
		if (i) {
			cr_assert_eq(ck_bundle_merge(b, one), CK_OK);
			ck_bundle_free(one);
		}
	}
	cr_assert_eq(ck_aia_check(b, NULL, &o, &r, &e), CK_OK, "%s", e.what);
	/* each certificate's URLs, as aiacheck --list shows them: 3 for
	 * client, server and ec-leaf, 9 for multi-aia-leaf, 2 for int-ca */
	cr_assert_eq(r->nurls, 3 + 3 + 9 + 3 + 2, "%zu", r->nurls);
	cr_assert_geq(r->urls_cap, r->nurls);
	cr_assert_lt(r->urls_cap, 2 * r->nurls);
	ck_aia_report_free(r);
	ck_bundle_free(b);
}

Test(aia, given_urls_alone)
{
	const char *urls[] = { "http://127.0.0.1:18080/int-ca.crt", "hhtp://x/", NULL };
	struct ck_aia_opts o = { .list_only = true, .urls = urls };
	struct ck_aia_report *r = NULL;
	struct ck_error e;
	cr_assert_eq(ck_aia_check(NULL, NULL, &o, &r, &e), CK_OK);
	cr_assert_eq(r->nurls, 2);
	cr_assert_eq(r->urls[0].kind, CK_KIND_GIVEN);
	cr_assert_null(r->urls[0].cert);
	cr_assert_eq(r->urls[1].result, CK_URL_MALFORMED);
	cr_assert_null(r->analysis);
	ck_aia_report_free(r);
}

Test(aia, check_all_keeps_each_input_apart)
{
	const char *urls[] = { "hhtp://x/", NULL };
	struct ck_bundle *a = NULL, *b = NULL;
	struct ck_aia_opts o = { .list_only = true };
	struct ck_aia_report *r[3] = { NULL, NULL, NULL };
	struct ck_error e;
	struct ck_aia_input in[3];

	o.analyze.chain.at = 1893456000;
	cr_assert_eq(fx_load("pki/multi-aia-leaf.crt", NULL, &a, &e), CK_OK, "%s", e.what);
	cr_assert_eq(fx_load("pki/client.crt", NULL, &b, &e), CK_OK, "%s", e.what);
	in[0] = (struct ck_aia_input){ .bundle = a };
	in[1] = (struct ck_aia_input){ .bundle = NULL, .urls = urls };
	in[2] = (struct ck_aia_input){ .bundle = b };
	cr_assert_eq(ck_aia_check_all(in, 3, NULL, &o, r, &e), CK_OK, "%s", e.what);
	cr_assert_eq(r[0]->bundle, a);
	cr_assert_eq(r[0]->nurls, 9);
	cr_assert_eq(r[1]->nurls, 1);
	cr_assert_eq(r[1]->urls[0].result, CK_URL_MALFORMED);
	cr_assert_eq(r[2]->bundle, b);
	cr_assert_eq(r[2]->nurls, 3);
	for (size_t i = 0; i < r[2]->nurls; i++)
		cr_expect_eq(ck_aia_cert_index(r[2], r[2]->urls[i].cert), 0);
	for (int i = 0; i < 3; i++)
		ck_aia_report_free(r[i]);
	ck_bundle_free(a);
	ck_bundle_free(b);
}
