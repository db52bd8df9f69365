/* fuzz-cert — ck_cert_from_der(), the certificate record: the DER walk
 * for the spans, GnuTLS's decoding, every extension read (SAN, AIA,
 * CRL distribution points, freshest CRL, EKU, KU, basic and name
 * constraints, key ids), and what the tools do with a record: the URLs
 * validated and classified as aiacheck does (ck_url_validate with the
 * schemes libcurl has, with every scheme, trimmed), hostname and
 * purpose matching, signature verification against itself and against
 * a fixture CA, the key's description, and a copy.
 *
 * Input: the DER of one certificate. */
#include "config.h"

#include "fuzz.h"

#include "libcore/cert.h"
#include "libcore/net.h"

#include <stdlib.h>
#include <string.h>

/* The record's strings are valid UTF-8 (cert.h's invariant). */
static void assert_utf8(const char *what, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!s)
		fz_fail("%s is NULL", what);
	while (*p) {
		size_t len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
					     (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (!len || (len == 2 && *p < 0xc2))
			fz_fail("%s is not UTF-8: %s", what, s);
		for (size_t i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				fz_fail("%s is not UTF-8: %s", what, s);
		p += len;
	}
}

static void urls(ck_strv v, unsigned schemes)
{
	for (size_t i = 0; v && v[i]; i++) {
		char why[256];
		char *t;
		assert_utf8("a URL", v[i]);
		enum ck_url_result r = ck_url_validate(v[i], schemes, why, sizeof why);
		if (r != CK_URL_OK && r != CK_URL_MALFORMED && r != CK_URL_UNSUPPORTED_SCHEME)
			fz_fail("ck_url_validate gave class %d", (int)r);
		if (r != CK_URL_OK && !why[0])
			fz_fail("ck_url_validate gave no reason for %s", v[i]);
		ck_url_validate(v[i], CK_SCHEME_HTTP | CK_SCHEME_HTTPS | CK_SCHEME_LDAP | CK_SCHEME_LDAPS,
				NULL, 0);
		t = ck_url_trimmed(v[i]);
		if (t && ck_url_validate(t, schemes, why, sizeof why) == CK_URL_OK &&
		    r == CK_URL_OK)
			fz_fail("a URL with white space around it validated: '%s'", v[i]);
		free(t);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned schemes;
	struct ck_cert *c = NULL, *d = NULL;
	const struct ck_cert *ca = fz_fixture_cert("pki/int-ca.der");
	struct ck_error err;
	enum ck_status rc;
	bool valid = false;
	char t[32];

	if (!schemes)
		schemes = ck_net_schemes();
	ck_error_clear(&err);
	rc = ck_cert_from_der(data, size, &c, &err);
	fz_assert_error(rc, &err);
	if (rc != CK_OK)
		return 0;
	assert_utf8("subject", c->subject);
	assert_utf8("issuer", c->issuer);
	assert_utf8("serial", c->serial);
	for (size_t i = 0; c->san && c->san[i]; i++)
		assert_utf8("a SAN", c->san[i]);
	for (size_t i = 0; c->eku && c->eku[i]; i++)
		assert_utf8("an EKU", c->eku[i]);
	for (size_t i = 0; c->unknown_critical && c->unknown_critical[i]; i++)
		ck_cert_extension_known(c->unknown_critical[i]);
	urls(c->aia_ca_issuers, schemes);
	urls(c->aia_ocsp, schemes);
	urls(c->crl_dp, schemes);
	urls(c->delta_crl, schemes);
	ck_time_format(c->not_before, t);
	ck_time_format(c->not_after, t);
	ck_cert_key_type(c);
	ck_cert_curve_name(c);
	ck_cert_weak_signature(c);
	ck_cert_weak_key(c);
	ck_cert_has_purpose(c, CK_OID_EKU_CLIENT);
	ck_cert_matches_hostname(c, "client.example.test");
	ck_cert_matches_hostname(c, "127.0.0.1");
	ck_cert_name_issued(c, c);
	ck_cert_name_issued(c, ca);
	fz_assert_error(ck_cert_verify_signature(c, c, &valid, &err), &err);
	ck_error_clear(&err);
	fz_assert_error(ck_cert_verify_signature(c, ca, &valid, &err), &err);
	ck_error_clear(&err);
	fz_assert_error(ck_cert_verify_signature(ca, c, &valid, &err), &err);
	if (ck_cert_dup(c, &d) == CK_OK) {
		if (!ck_cert_equal(c, d))
			fz_fail("a copy differs from its original");
		ck_cert_free(d);
	}
	ck_cert_free(c);
	return 0;
}
