/* revocation: CRLs and OCSP responses of the fixture PKI. */
#include "config.h"

#include "libcore/revocation.h"
#include "unit.h"

#include <gnutls/gnutls.h>
#include <gnutls/ocsp.h>
#include <gnutls/x509.h>

#define AT_2030 1893456000 /* 2030-01-01 */
#define AT_2071 3187296000 /* 2071-01-01 */

static enum ck_url_result crl(const char *file, const char *leaf, const char *issuer, time_t at,
			      struct ck_crl_info *info, char *note)
{
	size_t len = 0;
	unsigned char *d = fx_read(file, &len);
	struct ck_cert *c = fx_cert(leaf), *i = issuer ? fx_cert(issuer) : NULL;
	enum ck_url_result r = ck_crl_check(d, len, c, i, at, 24, info, note, 400);
	free(d);
	ck_cert_free(c);
	ck_cert_free(i);
	return r;
}

Test(revocation, crl_fresh_not_listed)
{
	struct ck_crl_info info;
	char note[400];
	cr_assert_eq(crl("pki/int-ca.crl", "pki/client.der", "pki/int-ca.der", AT_2030, &info, note), CK_URL_OK,
		     "%s", note);
	cr_assert_str_eq(info.format, "der");
	cr_assert(info.issuer_matches);
	cr_assert_eq(info.signature, 1);
	cr_assert_eq(info.entries, 1);
	cr_assert(!info.listed);
	cr_assert(!info.delta);
	cr_assert_eq(info.next_update, 3155760000); /* 2070-01-01 */
	cr_assert_eq(info.this_update, 1577836800);  /* 2020-01-01 */
	cr_assert_str_eq(info.issuer, "CN=chainkit Issuing CA 1,O=chainkit tests");
	cr_assert(!info.warning);
	ck_crl_info_cleanup(&info);
}

Test(revocation, crl_lists_revoked_leaf)
{
	struct ck_crl_info info;
	char note[400];
	cr_assert_eq(crl("pki/int-ca.crl", "pki/revoked-leaf.der", "pki/int-ca.der", AT_2030, &info, note),
		     CK_URL_REVOKED);
	cr_assert(info.listed);
	cr_assert_eq(info.revoked_at, 1609459200); /* 2021-01-01 */
	cr_assert(strstr(note, "revoked since 2021-01-01T00:00:00Z"), "%s", note);
	ck_crl_info_cleanup(&info);
}

Test(revocation, crl_stale_after_next_update)
{
	struct ck_crl_info info;
	char note[400];
	cr_assert_eq(crl("aia/int-ca-stale.crl", "pki/client.der", "pki/int-ca.der", AT_2030, &info, note),
		     CK_URL_STALE);
	cr_assert(strstr(note, "2021-01-01T00:00:00Z has passed"), "%s", note);
	ck_crl_info_cleanup(&info);
	/* the same CRL, a day before its nextUpdate: a warning within 24 h */
	cr_assert_eq(crl("aia/int-ca-stale.crl", "pki/client.der", "pki/int-ca.der", 1609416000, &info, note),
		     CK_URL_OK);
	cr_assert(info.warning);
	cr_assert(strstr(note, "warning"), "%s", note);
	ck_crl_info_cleanup(&info);
	/* and the fresh one is stale in 2071 */
	cr_assert_eq(crl("pki/int-ca.crl", "pki/client.der", "pki/int-ca.der", AT_2071, &info, note),
		     CK_URL_STALE);
	ck_crl_info_cleanup(&info);
}

Test(revocation, crl_of_another_ca)
{
	struct ck_crl_info info;
	char note[400];
	cr_assert_eq(crl("pki/root-ca.crl", "pki/client.der", "pki/int-ca.der", AT_2030, &info, note),
		     CK_URL_WRONG_ISSUER);
	cr_assert(!info.issuer_matches);
	cr_assert(strstr(note, "CN=chainkit Test Root CA"), "%s", note);
	ck_crl_info_cleanup(&info);
}

Test(revocation, crl_signature_checked_against_the_issuer)
{
	struct ck_crl_info info;
	char note[400];
	/* right name, wrong key: root-ca did not sign int-ca's CRL */
	cr_assert_eq(crl("pki/int-ca.crl", "pki/client.der", "pki/root-ca.der", AT_2030, &info, note),
		     CK_URL_WRONG_ISSUER);
	cr_assert_eq(info.signature, 0);
	ck_crl_info_cleanup(&info);
	/* issuer unknown: not checked, still usable */
	cr_assert_eq(crl("pki/int-ca.crl", "pki/client.der", NULL, AT_2030, &info, note), CK_URL_OK);
	cr_assert_eq(info.signature, -1);
	cr_assert(strstr(note, "signature not checked"), "%s", note);
	ck_crl_info_cleanup(&info);
}

Test(revocation, delta_crl_indicator)
{
	struct ck_crl_info info;
	char note[400];
	cr_assert_eq(crl("aia/int-ca-delta.crl", "pki/client.der", "pki/int-ca.der", AT_2030, &info, note),
		     CK_URL_OK);
	cr_assert(info.delta);
	cr_assert_not_null(info.number);
	ck_crl_info_cleanup(&info);
}

Test(revocation, crl_in_pem)
{
	size_t len = 0;
	unsigned char *d = fx_read("pki/int-ca.crl", &len);
	gnutls_x509_crl_t x;
	gnutls_datum_t in = { d, (unsigned)len }, pem = { 0 };
	struct ck_cert *c = fx_cert("pki/client.der"), *i = fx_cert("pki/int-ca.der");
	struct ck_crl_info info;
	char note[400];
	cr_assert(gnutls_x509_crl_init(&x) >= 0);
	cr_assert(gnutls_x509_crl_import(x, &in, GNUTLS_X509_FMT_DER) >= 0);
	cr_assert(gnutls_x509_crl_export2(x, GNUTLS_X509_FMT_PEM, &pem) >= 0);
	cr_assert_eq(ck_crl_check(pem.data, pem.size, c, i, AT_2030, 24, &info, note, sizeof note), CK_URL_OK);
	cr_assert_str_eq(info.format, "pem");
	ck_crl_info_cleanup(&info);
	gnutls_free(pem.data);
	gnutls_x509_crl_deinit(x);
	ck_cert_free(c);
	ck_cert_free(i);
	free(d);
}

Test(revocation, not_a_crl)
{
	size_t len = 0;
	unsigned char *d = fx_read("pki/int-ca.der", &len);
	struct ck_cert *c = fx_cert("pki/client.der");
	struct ck_crl_info info;
	char note[400];
	cr_assert_eq(ck_crl_check(d, len, c, NULL, AT_2030, 24, &info, note, sizeof note), CK_URL_BAD_CONTENT);
	cr_assert(strstr(note, "not a CRL"));
	ck_crl_info_cleanup(&info);
	cr_assert_eq(ck_crl_check((const unsigned char *)"<html>", 6, c, NULL, AT_2030, 24, &info, note,
				  sizeof note), CK_URL_BAD_CONTENT);
	ck_crl_info_cleanup(&info);
	ck_cert_free(c);
	free(d);
}

/* ---------------------------------------------------------------- */

Test(revocation, ocsp_request_names_the_certificate)
{
	struct ck_cert *c = fx_cert("pki/client.der"), *i = fx_cert("pki/int-ca.der");
	unsigned char *der = NULL;
	size_t len = 0;
	struct ck_error e;
	gnutls_ocsp_req_t req;
	gnutls_datum_t d, serial = { 0 };
	char *hex;

	cr_assert_eq(ck_ocsp_request(c, i, &der, &len, &e), CK_OK, "%s", e.what);
	d = (gnutls_datum_t){ der, (unsigned)len };
	cr_assert(gnutls_ocsp_req_init(&req) >= 0);
	cr_assert(gnutls_ocsp_req_import(req, &d) >= 0);
	cr_assert(gnutls_ocsp_req_get_cert_id(req, 0, NULL, NULL, NULL, &serial) >= 0);
	hex = ck_hex(serial.data, serial.size);
	cr_assert_str_eq(hex, c->serial);
	free(hex);
	gnutls_free(serial.data);
	/* no nonce (RFC 5019) */
	cr_assert(gnutls_ocsp_req_get_nonce(req, NULL, &serial) < 0);
	gnutls_ocsp_req_deinit(req);
	free(der);
	ck_cert_free(c);
	ck_cert_free(i);
}

Test(revocation, ocsp_get_url)
{
	const unsigned char der[] = { 0xfb, 0xff, 0xfe, 0x30 }; /* base64 "+//+MA==" */
	char *u = ck_ocsp_get_url("http://127.0.0.1:18081", der, sizeof der);
	cr_assert_str_eq(u, "http://127.0.0.1:18081/%2B%2F%2F%2BMA%3D%3D");
	free(u);
	u = ck_ocsp_get_url("http://127.0.0.1:18081/", der, sizeof der);
	cr_assert_str_eq(u, "http://127.0.0.1:18081/%2B%2F%2F%2BMA%3D%3D");
	free(u);
}

/* Check a fixture response twice: once to learn when it was made, then
 * as of one minute later (the responses are valid for 30 days). */
static enum ck_url_result ocsp(const char *file, const char *leaf, const char *issuer, struct ck_ocsp_info *info,
			       char *note, time_t *made)
{
	size_t len = 0;
	unsigned char *d = fx_read(file, &len);
	struct ck_cert *c = fx_cert(leaf), *i = issuer ? fx_cert(issuer) : NULL;
	enum ck_url_result r;
	ck_ocsp_check(d, len, c, i, AT_2071, 24, info, note, 400);
	*made = info->this_update;
	ck_ocsp_info_cleanup(info);
	r = ck_ocsp_check(d, len, c, i, *made + 60, 24, info, note, 400);
	free(d);
	ck_cert_free(c);
	ck_cert_free(i);
	return r;
}

Test(revocation, ocsp_good)
{
	struct ck_ocsp_info info;
	char note[400];
	time_t made;
	cr_assert_eq(ocsp("aia/ocsp-good.der", "pki/client.der", "pki/int-ca.der", &info, note, &made), CK_URL_OK,
		     "%s", note);
	cr_assert_str_eq(info.response_status, "successful");
	cr_assert_str_eq(info.cert_status, "good");
	cr_assert(info.for_certificate);
	cr_assert_eq(info.signature, 1);
	cr_assert_eq(info.next_update, made + 30 * 86400);
	cr_assert_str_eq(info.responder, "CN=chainkit Issuing CA 1,O=chainkit tests");
	ck_ocsp_info_cleanup(&info);
}

Test(revocation, ocsp_stale_after_next_update)
{
	size_t len = 0;
	unsigned char *d = fx_read("aia/ocsp-good.der", &len);
	struct ck_cert *c = fx_cert("pki/client.der"), *i = fx_cert("pki/int-ca.der");
	struct ck_ocsp_info info;
	char note[400];
	cr_assert_eq(ck_ocsp_check(d, len, c, i, AT_2071, 24, &info, note, sizeof note), CK_URL_STALE);
	ck_ocsp_info_cleanup(&info);
	ck_cert_free(c);
	ck_cert_free(i);
	free(d);
}

Test(revocation, ocsp_revoked)
{
	struct ck_ocsp_info info;
	char note[400];
	time_t made;
	cr_assert_eq(ocsp("aia/ocsp-revoked.der", "pki/revoked-leaf.der", "pki/int-ca.der", &info, note, &made),
		     CK_URL_REVOKED, "%s", note);
	cr_assert_str_eq(info.cert_status, "revoked");
	cr_assert_eq(info.revoked_at, 1609459200);
	cr_assert_str_eq(info.revocation_reason, "keyCompromise");
	ck_ocsp_info_cleanup(&info);
}

Test(revocation, ocsp_unknown)
{
	struct ck_ocsp_info info;
	char note[400];
	time_t made;
	cr_assert_eq(ocsp("aia/ocsp-unknown.der", "pki/client.der", "pki/int-ca.der", &info, note, &made),
		     CK_URL_BAD_CONTENT);
	cr_assert_str_eq(info.cert_status, "unknown");
	ck_ocsp_info_cleanup(&info);
}

Test(revocation, ocsp_not_signed_by_the_issuer)
{
	struct ck_ocsp_info info;
	char note[400];
	time_t made;
	cr_assert_eq(ocsp("aia/ocsp-wrong-signer.der", "pki/client.der", "pki/int-ca.der", &info, note, &made),
		     CK_URL_WRONG_ISSUER, "%s", note);
	cr_assert_eq(info.signature, 0);
	ck_ocsp_info_cleanup(&info);
}

Test(revocation, ocsp_about_another_certificate)
{
	struct ck_ocsp_info info;
	char note[400];
	time_t made;
	cr_assert_eq(ocsp("aia/ocsp-good.der", "pki/server.der", "pki/int-ca.der", &info, note, &made),
		     CK_URL_BAD_CONTENT);
	cr_assert(!info.for_certificate);
	ck_ocsp_info_cleanup(&info);
}

Test(revocation, not_an_ocsp_response)
{
	size_t len = 0;
	unsigned char *d = fx_read("pki/int-ca.crl", &len);
	struct ck_cert *c = fx_cert("pki/client.der");
	struct ck_ocsp_info info;
	char note[400];
	cr_assert_eq(ck_ocsp_check(d, len, c, NULL, AT_2030, 24, &info, note, sizeof note), CK_URL_BAD_CONTENT);
	cr_assert(strstr(note, "not an OCSP response"));
	ck_ocsp_info_cleanup(&info);
	ck_cert_free(c);
	free(d);
}

/* issue 31: a CRL whose revokedCertificates is large (here 3,001
 * entries, over 64 KiB) is read without GnuTLS decoding the entries
 * (one libtasn1 node each: ~38x the body in memory); the verdicts must
 * be those of the whole import.  Made here with GnuTLS, signed by the
 * fixture issuing CA; the last entry is `last`'s serial. */
static gnutls_datum_t fx_datum(const char *rel)
{
	size_t len = 0;
	gnutls_datum_t d;
	d.data = fx_read(rel, &len);
	d.size = (unsigned)len;
	return d;
}

static unsigned char *big_crl(const struct ck_cert *last, gnutls_x509_crt_fmt_t fmt, size_t *len)
{
	gnutls_x509_crl_t crl;
	gnutls_x509_crt_t ca, leaf;
	gnutls_x509_privkey_t key;
	gnutls_datum_t d, out = { NULL, 0 }, ld = { last->der, (unsigned)last->der_len };
	unsigned char serial[64], *buf;
	size_t slen = sizeof serial;

	cr_assert_eq(gnutls_x509_crl_init(&crl), 0);
	cr_assert_eq(gnutls_x509_crt_init(&ca), 0);
	cr_assert_eq(gnutls_x509_crt_init(&leaf), 0);
	cr_assert_eq(gnutls_x509_privkey_init(&key), 0);
	d = fx_datum("pki/int-ca.der");
	cr_assert_eq(gnutls_x509_crt_import(ca, &d, GNUTLS_X509_FMT_DER), 0);
	free(d.data);
	d = fx_datum("pki/int-ca.key");
	cr_assert_eq(gnutls_x509_privkey_import(key, &d, GNUTLS_X509_FMT_PEM), 0);
	free(d.data);
	cr_assert_eq(gnutls_x509_crt_import(leaf, &ld, GNUTLS_X509_FMT_DER), 0);
	cr_assert_eq(gnutls_x509_crt_get_serial(leaf, serial, &slen), 0);
	cr_assert_eq(gnutls_x509_crl_set_version(crl, 2), 0);
	cr_assert_eq(gnutls_x509_crl_set_this_update(crl, 1577836800), 0); /* 2020-01-01 */
	cr_assert_eq(gnutls_x509_crl_set_next_update(crl, 3155760000), 0); /* 2070-01-01 */
	for (unsigned i = 0; i < 3000; i++) {
		unsigned char s[4] = { 0x10, (unsigned char)(i >> 16), (unsigned char)(i >> 8),
				       (unsigned char)i };
		cr_assert_eq(gnutls_x509_crl_set_crt_serial(crl, s, sizeof s, 1609459200), 0);
	}
	cr_assert_eq(gnutls_x509_crl_set_crt_serial(crl, serial, slen, 1640995200), 0); /* 2022-01-01 */
	cr_assert_eq(gnutls_x509_crl_set_number(crl, "\x07", 1), 0);
	cr_assert_eq(gnutls_x509_crl_sign2(crl, ca, key, GNUTLS_DIG_SHA256, 0), 0);
	cr_assert_eq(gnutls_x509_crl_export2(crl, fmt, &out), 0);
	buf = malloc(out.size);
	cr_assert_not_null(buf);
	memcpy(buf, out.data, out.size);
	*len = out.size;
	gnutls_free(out.data);
	gnutls_x509_crl_deinit(crl);
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_crt_deinit(leaf);
	gnutls_x509_privkey_deinit(key);
	return buf;
}

Test(revocation, large_crl_read_without_decoding_its_entries, .timeout = 120)
{
	struct ck_cert *revoked = fx_cert("pki/revoked-leaf.der"), *client = fx_cert("pki/client.der");
	struct ck_cert *ca = fx_cert("pki/int-ca.der"), *root = fx_cert("pki/root-ca.der");
	struct ck_crl_info info;
	char note[400];
	size_t len = 0, plen = 0;
	unsigned char *der = big_crl(revoked, GNUTLS_X509_FMT_DER, &len);
	unsigned char *pem = big_crl(revoked, GNUTLS_X509_FMT_PEM, &plen);

	cr_assert_gt(len, 64 * 1024, "the CRL must be over the lean threshold");
	/* listed, with its own date, signature verified over the original bytes */
	cr_assert_eq(ck_crl_check(der, len, revoked, ca, AT_2030, 24, &info, note, sizeof note),
		     CK_URL_REVOKED, "%s", note);
	cr_assert_eq(info.entries, 3001);
	cr_assert_eq(info.signature, 1);
	cr_assert_eq(info.revoked_at, 1640995200);
	cr_assert_str_eq(info.number, "07");
	cr_assert_str_eq(info.format, "der");
	cr_assert_eq(info.next_update, 3155760000);
	cr_assert(info.issuer_matches);
	ck_crl_info_cleanup(&info);
	/* not listed */
	cr_assert_eq(ck_crl_check(der, len, client, ca, AT_2030, 24, &info, note, sizeof note),
		     CK_URL_OK, "%s", note);
	cr_assert(!info.listed);
	cr_assert_eq(info.entries, 3001);
	ck_crl_info_cleanup(&info);
	/* the same as PEM */
	cr_assert_eq(ck_crl_check(pem, plen, revoked, ca, AT_2030, 24, &info, note, sizeof note),
		     CK_URL_REVOKED, "%s", note);
	cr_assert_str_eq(info.format, "pem");
	ck_crl_info_cleanup(&info);
	/* right name, wrong key */
	cr_assert_eq(ck_crl_check(der, len, client, root, AT_2030, 24, &info, note, sizeof note),
		     CK_URL_WRONG_ISSUER);
	cr_assert_eq(info.signature, 0);
	ck_crl_info_cleanup(&info);
	/* one entry's serial changed: the signature no longer verifies */
	der[len / 2] ^= 0x01;
	cr_assert_eq(ck_crl_check(der, len, client, ca, AT_2030, 24, &info, note, sizeof note),
		     CK_URL_WRONG_ISSUER, "%s", note);
	cr_assert_eq(info.signature, 0);
	ck_crl_info_cleanup(&info);
	der[len / 2] ^= 0x01;
	/* an entry cut short: bad content, not a crash */
	{
		unsigned char *cut = malloc(len);
		cr_assert_not_null(cut);
		memcpy(cut, der, len);
		/* the 100th entry's SEQUENCE tag becomes an INTEGER */
		for (size_t k = 200, seen = 0; k + 2 < len; k++)
			if (cut[k] == 0x30 && cut[k + 2] == 0x02 && ++seen == 100) {
				cut[k] = 0x02;
				break;
			}
		cr_assert_eq(ck_crl_check(cut, len, client, ca, AT_2030, 24, &info, note, sizeof note),
			     CK_URL_BAD_CONTENT, "%s", note);
		ck_crl_info_cleanup(&info);
		free(cut);
	}
	free(der);
	free(pem);
	ck_cert_free(revoked);
	ck_cert_free(client);
	ck_cert_free(ca);
	ck_cert_free(root);
}
