/* cert: records extracted from real certificates. */
#include "config.h"

#include "libcore/cert.h"
#include "unit.h"

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#define load_der(rel) fx_cert(rel)

Test(cert, client_fields)
{
	struct ck_cert *c = load_der("pki/client.der");
	cr_assert_str_eq(c->subject, "CN=client.example.test,O=chainkit tests");
	cr_assert_str_eq(c->issuer, "CN=chainkit Issuing CA 1,O=chainkit tests");
	cr_assert_eq(c->version, 3);
	cr_assert_str_eq(ck_cert_key_type(c), "RSA");
	cr_assert_eq(c->bits, 2048);
	cr_assert_str_eq(c->sig_algo_name, "RSA-SHA256");
	cr_assert(c->has_basic_constraints);
	cr_assert_not(c->ca);
	cr_assert(c->has_key_usage);
	cr_assert(c->key_usage & CK_KU_DIGITAL_SIGNATURE);
	cr_assert_eq(ck_strv_len(c->eku), 1);
	cr_assert_str_eq(c->eku[0], CK_OID_EKU_CLIENT);
	cr_assert_str_eq(c->san[0], "DNS:client.example.test");
	cr_assert_str_eq(c->aia_ca_issuers[0], "http://127.0.0.1:18080/int-ca.crt");
	cr_assert_str_eq(c->aia_ocsp[0], "http://127.0.0.1:18081/");
	cr_assert_str_eq(c->crl_dp[0], "http://127.0.0.1:18080/int-ca.crl");
	cr_assert_eq(c->ski_len, 20);
	cr_assert_eq(c->aki_len, 20);
	cr_assert_not(c->self_issued);
	cr_assert_eq(c->not_before, 1577836800); /* 2020-01-01 */
	ck_cert_free(c);
}

Test(cert, spans_lie_inside_the_der)
{
	struct ck_cert *c = load_der("pki/client.der");
	struct ck_span s[] = { c->tbs, c->subject_raw, c->issuer_raw, c->spki, c->sig_alg, c->sig };
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		cr_assert_gt(s[i].len, 0);
		cr_assert_leq(s[i].off + s[i].len, c->der_len);
	}
	cr_assert_eq(c->der[c->subject_raw.off], 0x30, "a Name is a SEQUENCE");
	cr_assert_eq(c->sig.len, 256, "RSA-2048 signature");
	ck_cert_free(c);
}

Test(cert, fingerprints)
{
	struct ck_cert *c = load_der("pki/client.der");
	unsigned char want[32];
	gnutls_hash_fast(GNUTLS_DIG_SHA256, c->der, c->der_len, want);
	cr_assert_arr_eq(c->sha256, want, 32);
	ck_cert_free(c);
}

Test(cert, ca_fields)
{
	struct ck_cert *c = load_der("pki/int-ca.der");
	cr_assert(c->ca);
	cr_assert_eq(c->path_len, 0);
	cr_assert(c->key_usage & CK_KU_KEY_CERT_SIGN);
	ck_cert_free(c);
	c = load_der("pki/root-ca.der");
	cr_assert(c->self_issued);
	cr_assert(c->ca);
	cr_assert_eq(c->path_len, -1);
	ck_cert_free(c);
}

Test(cert, ec_and_eddsa_keys)
{
	struct ck_cert *c = load_der("pki/ec-leaf.der");
	cr_assert_str_eq(ck_cert_key_type(c), "EC");
	cr_assert_str_eq(ck_cert_curve_name(c), "P-256");
	ck_cert_free(c);
	c = load_der("pki/p384-leaf.der");
	cr_assert_str_eq(ck_cert_curve_name(c), "P-384");
	ck_cert_free(c);
	c = load_der("pki/ed25519-leaf.der");
	cr_assert_str_eq(ck_cert_key_type(c), "Ed25519");
	cr_assert_null(ck_cert_curve_name(c));
	ck_cert_free(c);
}

Test(cert, signature_verification)
{
	struct ck_cert *leaf = load_der("pki/client.der"), *in = load_der("pki/int-ca.der"),
		       *root = load_der("pki/root-ca.der");
	struct ck_error e;
	bool ok = false;
	cr_assert_eq(ck_cert_verify_signature(leaf, in, &ok, &e), CK_OK);
	cr_assert(ok);
	cr_assert_eq(ck_cert_verify_signature(leaf, root, &ok, &e), CK_OK);
	cr_assert_not(ok);
	cr_assert_eq(ck_cert_verify_signature(root, root, &ok, &e), CK_OK);
	cr_assert(ok, "self-signed");
	ck_cert_free(leaf);
	ck_cert_free(in);
	ck_cert_free(root);
}

Test(cert, weak_signatures_still_verify)
{
	struct ck_cert *in = load_der("pki/int-ca.der");
	const char *weak[] = { "pki/sha1-leaf.der", "pki/md5-leaf.der" };
	for (size_t i = 0; i < 2; i++) {
		struct ck_cert *c = load_der(weak[i]);
		struct ck_error e;
		bool ok = false;
		cr_assert(ck_cert_weak_signature(c), "%s", weak[i]);
		cr_assert_eq(ck_cert_verify_signature(c, in, &ok, &e), CK_OK, "%s: %s", weak[i], e.what);
		cr_assert(ok, "%s", weak[i]);
		ck_cert_free(c);
	}
	ck_cert_free(in);
}

Test(cert, ec_signatures_verify)
{
	struct ck_cert *in = load_der("pki/ec-int.der"), *root = load_der("pki/ec-root.der");
	const char *leaves[] = { "pki/ec-leaf.der", "pki/ed25519-leaf.der", "pki/p384-leaf.der" };
	struct ck_error e;
	bool ok = false;
	for (size_t i = 0; i < 3; i++) {
		struct ck_cert *c = load_der(leaves[i]);
		cr_assert_eq(ck_cert_verify_signature(c, in, &ok, &e), CK_OK, "%s", e.what);
		cr_assert(ok, "%s", leaves[i]);
		ck_cert_free(c);
	}
	cr_assert_eq(ck_cert_verify_signature(in, root, &ok, &e), CK_OK);
	cr_assert(ok);
	ck_cert_free(in);
	ck_cert_free(root);
}

Test(cert, weak_keys)
{
	struct ck_cert *c = load_der("pki/weak-rsa1024.der");
	cr_assert(ck_cert_weak_key(c));
	cr_assert_eq(c->bits, 1024);
	ck_cert_free(c);
	c = load_der("pki/client.der");
	cr_assert_not(ck_cert_weak_key(c));
	cr_assert_not(ck_cert_weak_signature(c));
	ck_cert_free(c);
}

Test(cert, unknown_critical_extension)
{
	struct ck_cert *c = load_der("pki/critext-leaf.der");
	cr_assert_eq(ck_strv_len(c->unknown_critical), 1);
	cr_assert_str_eq(c->unknown_critical[0], "1.3.6.1.4.1.55555.1.1");
	ck_cert_free(c);
}

/* A certificate with a private extension whose extnValue is empty (an
 * OCTET STRING of length 0), critical or not; GnuTLS writes it, but
 * cannot return it (x509-limbo rfc5280::unknown-critical-extension-*). */
static struct ck_cert *empty_ext_cert(bool critical)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	gnutls_datum_t out = { NULL, 0 };
	unsigned char serial = 1;
	struct ck_cert *c = NULL;
	struct ck_error e;

	cr_assert_geq(gnutls_x509_privkey_init(&key), 0);
	cr_assert_geq(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
						   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0), 0);
	cr_assert_geq(gnutls_x509_crt_init(&crt), 0);
	cr_assert_geq(gnutls_x509_crt_set_version(crt, 3), 0);
	cr_assert_geq(gnutls_x509_crt_set_serial(crt, &serial, 1), 0);
	cr_assert_geq(gnutls_x509_crt_set_activation_time(crt, 1577836800), 0);
	cr_assert_geq(gnutls_x509_crt_set_expiration_time(crt, 3155760000), 0);
	cr_assert_geq(gnutls_x509_crt_set_dn(crt, "CN=empty extension", NULL), 0);
	cr_assert_geq(gnutls_x509_crt_set_key(crt, key), 0);
	cr_assert_geq(gnutls_x509_crt_set_basic_constraints(crt, 0, -1), 0);
	cr_assert_geq(gnutls_x509_crt_set_extension_by_oid(crt, "1.3.6.1.4.1.55555.9.9", "", 0,
							   critical),
		      0);
	cr_assert_geq(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0), 0);
	cr_assert_geq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &out), 0);
	/* the extension is there, with an empty value */
	cr_assert_not_null(memmem(out.data, out.size,
				  "\x06\x0a\x2b\x06\x01\x04\x01\x83\xb2\x03\x09\x09", 12));
	ck_error_clear(&e);
	cr_assert_eq(ck_cert_from_der(out.data, out.size, &c, &e), CK_OK, "%s", e.what);
	gnutls_free(out.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return c;
}

Test(cert, empty_extension_value_loads)
{
	struct ck_cert *c = empty_ext_cert(true);
	struct ck_ext x;

	/* critical: loaded, and not understood */
	cr_assert_eq(ck_strv_len(c->unknown_critical), 1);
	cr_assert_str_eq(c->unknown_critical[0], "1.3.6.1.4.1.55555.9.9");
	cr_assert(ck_cert_ext_find(c, "1.3.6.1.4.1.55555.9.9", &x));
	cr_assert(x.critical);
	cr_assert_eq(x.len, 0);
	cr_assert(c->has_basic_constraints);
	ck_cert_free(c);
	/* non-critical: loaded, nothing to say */
	c = empty_ext_cert(false);
	cr_assert_eq(ck_strv_len(c->unknown_critical), 0);
	cr_assert(c->has_basic_constraints);
	ck_cert_free(c);
}

Test(cert, no_basic_constraints)
{
	struct ck_cert *c = load_der("pki/nobc-ca.der");
	cr_assert_not(c->has_basic_constraints);
	cr_assert_not(c->ca);
	ck_cert_free(c);
}

Test(cert, url_order_and_odd_urls_are_kept)
{
	struct ck_cert *c = load_der("pki/multi-aia-leaf.der");
	cr_assert_eq(ck_strv_len(c->aia_ca_issuers), 4);
	cr_assert_str_eq(c->aia_ca_issuers[0], "ldap://127.0.0.1:18389/cn=int");
	cr_assert_str_eq(c->aia_ca_issuers[2], "http://127.0.0.1:18080/int-ca.crt");
	cr_assert_geq(ck_strv_len(c->crl_dp), 3, "every URI of every point");
	cr_assert_eq(ck_strv_len(c->delta_crl), 1);
	ck_cert_free(c);
	c = load_der("pki/badurl-leaf.der");
	cr_assert_str_eq(c->aia_ca_issuers[0], "hhtp://127.0.0.1:18080/int-ca.crt");
	cr_assert_str_eq(c->aia_ca_issuers[1], " http://127.0.0.1:18080/leading-space.crt");
	cr_assert_str_eq(c->aia_ca_issuers[2], "no-scheme/int-ca.crt");
	ck_cert_free(c);
}

Test(cert, name_constraints_kept)
{
	struct ck_cert *c = load_der("pki/nc-int.der");
	cr_assert_not_null(c->name_constraints);
	ck_cert_free(c);
}

Test(cert, purpose_and_hostname)
{
	struct ck_cert *c = load_der("pki/server.der");
	cr_assert(ck_cert_has_purpose(c, CK_OID_EKU_SERVER));
	cr_assert_not(ck_cert_has_purpose(c, CK_OID_EKU_CLIENT));
	cr_assert(ck_cert_matches_hostname(c, "server.example.test"));
	cr_assert(ck_cert_matches_hostname(c, "localhost"));
	cr_assert(ck_cert_matches_hostname(c, "127.0.0.1"));
	cr_assert_not(ck_cert_matches_hostname(c, "other.example.test"));
	ck_cert_free(c);
}

Test(cert, trailing_data_is_refused)
{
	size_t len = 0;
	unsigned char *d = fx_read("pki/client.der", &len), *d2 = malloc(len + 3);
	struct ck_cert *c = NULL;
	struct ck_error e;
	memcpy(d2, d, len);
	memcpy(d2 + len, "xyz", 3);
	cr_assert_eq(ck_cert_from_der(d2, len + 3, &c, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "3 bytes of trailing data"), "%s", e.what);
	cr_assert_eq(e.offset, (int64_t)len);
	free(d);
	free(d2);
}

Test(cert, truncated_is_refused_with_offset)
{
	size_t len = 0;
	unsigned char *d = fx_read("bad/truncated.der", &len);
	struct ck_cert *c = NULL;
	struct ck_error e;
	cr_assert_eq(ck_cert_from_der(d, len, &c, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "runs past the end"), "%s", e.what);
	cr_assert_eq(e.offset, 1);
	free(d);
}

Test(cert, dup_is_deep)
{
	struct ck_cert *c = load_der("pki/multi-aia-leaf.der"), *d = NULL;
	cr_assert_eq(ck_cert_dup(c, &d), CK_OK);
	cr_assert_neq(c->aia_ca_issuers, d->aia_ca_issuers);
	cr_assert_str_eq(c->aia_ca_issuers[1], d->aia_ca_issuers[1]);
	cr_assert(ck_cert_equal(c, d));
	ck_cert_free(c);
	cr_assert_str_eq(d->subject, "CN=multi-aia.example.test,O=chainkit tests");
	ck_cert_free(d);
}

Test(cert, hex_and_time)
{
	unsigned char b[] = { 0x00, 0xab, 0xff };
	char *h = ck_hex(b, 3), t[32];
	cr_assert_str_eq(h, "00abff");
	free(h);
	ck_time_format(0, t);
	cr_assert_str_eq(t, "1970-01-01T00:00:00Z");
	ck_time_format((time_t)3155760000LL, t);
	cr_assert_str_eq(t, "2070-01-01T00:00:00Z");
}

/* Found by fuzz/fuzz-cert: a name with control characters or bytes that
 * are not UTF-8 broke the record's UTF-8 invariant and the one-line
 * messages that quote it. */
Test(cert, dn_clean_escapes_what_is_not_printable_utf8)
{
	static const unsigned char dn[] = "CN=a\x1b[2J\x00" "b\xff\xc2\x85,O=caf\xc3\xa9";
	char *s = ck_dn_clean(dn, sizeof dn - 1);

	cr_assert_not_null(s);
	cr_assert_str_eq(s, "CN=a\\1B[2J\\00b\\FF\\C2\\85,O=caf\xc3\xa9");
	free(s);
}
