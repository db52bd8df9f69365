/* schema: field names from the PKIX definitions, the type guess, the
 * contents decoded by OID, and what happens when a type does not apply. */
#include "config.h"

#include "libcore/schema.h"
#include "unit.h"

static struct ck_error e;

static void setup(void)
{
	ck_error_clear(&e);
}

TestSuite(schema, .init = setup);

static struct ck_schema_names *names_of(const char *rel, const char *type)
{
	struct ck_schema_names *n = NULL;
	size_t len;
	unsigned char *d = fx_read(rel, &len);
	enum ck_status rc = type ? ck_schema_name(d, len, 0, type, &n, &e)
				 : ck_schema_guess(d, len, 0, &n, &e);
	cr_assert_eq(rc, CK_OK, "%s: %s", rel, e.what);
	free(d);
	return n;
}

/* The field at offset, which must be there. */
static const struct ck_schema_field *at(const struct ck_schema_names *n, int64_t offset,
					const char *name)
{
	const struct ck_schema_field *f = ck_schema_field_at(n, offset);
	cr_assert_not_null(f, "nothing at %lld (wanted %s)", (long long)offset, name);
	cr_assert_str_eq(f->name, name);
	return f;
}

static const struct ck_schema_field *find(const struct ck_schema_names *n, const char *name)
{
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->fields[i].name, name))
			return &n->fields[i];
	cr_assert_fail("no field %s", name);
	return NULL;
}

Test(schema, certificate_fields_at_their_offsets)
{
	struct ck_schema_names *n = names_of("pki/client.der", "Certificate");
	const struct ck_schema_field *f;

	cr_assert_str_eq(n->type, "Certificate");
	at(n, 4, "tbsCertificate");
	at(n, 8, "tbsCertificate.version");
	cr_assert_null(ck_schema_field_at(n, 10), "the INTEGER inside [0] EXPLICIT has no name");
	at(n, 13, "tbsCertificate.serialNumber");
	f = at(n, 111, "tbsCertificate.validity.notBefore");
	cr_assert_str_eq(f->choice, "utcTime");
	f = at(n, 126, "tbsCertificate.validity.notAfter");
	cr_assert_str_eq(f->choice, "generalTime");
	f = at(n, 224, "tbsCertificate.subjectPublicKeyInfo.subjectPublicKey");
	cr_assert_str_eq(f->as, "RSAPublicKey");
	at(n, 228, "tbsCertificate.subjectPublicKeyInfo.subjectPublicKey.modulus");
	f = at(n, 514, "tbsCertificate.extensions[0].extnValue");
	cr_assert_str_eq(f->as, "BasicConstraints");
	f = at(n, 564, "tbsCertificate.extensions[3].extnValue[0]");
	cr_assert_str_eq(f->choice, "dNSName");
	f = find(n, "tbsCertificate.extensions[6].extnValue[0].accessLocation");
	cr_assert_str_eq(f->choice, "uniformResourceIdentifier");
	at(n, 816, "signatureValue");
	for (size_t i = 1; i < n->n; i++)
		cr_assert_lt(n->fields[i - 1].offset, n->fields[i].offset, "sorted, one name per offset");
	ck_schema_names_free(n);
}

Test(schema, the_base_is_added)
{
	size_t len;
	unsigned char *d = fx_read("pki/client.der", &len);
	struct ck_schema_names *n = NULL;
	cr_assert_eq(ck_schema_name(d + 4, len - 4, 4, "TBSCertificate", &n, &e), CK_OK, "%s", e.what);
	at(n, 8, "version");
	at(n, 13, "serialNumber");
	ck_schema_names_free(n);
	free(d);
}

Test(schema, guess_tells_the_types_apart)
{
	static const struct {
		const char *file, *type;
	} cases[] = {
		{ "pki/client.der", "Certificate" },
		{ "pki/ec-leaf.der", "Certificate" },
		{ "pki/int-ca.crl", "CertificateList" },
		{ "p12/modern.pfx", "PFX" },
		{ "bundles/client-chain.p7b", "ContentInfo" },
		{ "bundles/client-chain-ber.p7b", "ContentInfo" },
		{ "asn1/ocsp-resp.der", "OCSPResponse" },
		{ "asn1/ocsp-req.der", "OCSPRequest" },
		{ "bundles/key-pkcs8.der", "PrivateKeyInfo" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ck_schema_names *n = names_of(cases[i].file, NULL);
		cr_assert_str_eq(n->type, cases[i].type, "%s", cases[i].file);
		ck_schema_names_free(n);
	}
}

Test(schema, nothing_matches)
{
	size_t len;
	unsigned char *d = fx_read("asn1/not-der.ber", &len);
	struct ck_schema_names *n = NULL;
	cr_assert_eq(ck_schema_guess(d, len, 0, &n, &e), CK_E_PARSE);
	cr_assert_null(n);
	cr_assert_str_eq(e.what, "no known type matches");
	free(d);
}

Test(schema, a_type_that_does_not_apply)
{
	size_t len;
	unsigned char *d = fx_read("pki/client.der", &len);
	struct ck_schema_names *n = NULL;
	cr_assert_eq(ck_schema_name(d, len, 0, "PFX", &n, &e), CK_E_PARSE);
	cr_assert_null(n);
	cr_assert(!strncmp(e.what, "does not decode as PFX", 22), "%s", e.what);
	cr_assert_eq(ck_schema_name(d, len, 0, "NoSuchType", &n, &e), CK_E_USAGE);
	cr_assert_eq(ck_schema_name(d, len, 0, "AlgorithmIdentifier", &n, &e), CK_E_USAGE,
		     "only the listed types");
	free(d);
}

Test(schema, pfx_names_reach_the_bags)
{
	struct ck_schema_names *n = names_of("p12/modern.pfx", "PFX");
	const struct ck_schema_field *f;

	f = find(n, "authSafe.content[0].content");
	cr_assert_not_null(f);
	f = at(n, 53, "authSafe.content[0].content");
	cr_assert_str_eq(f->as, "EncryptedData");
	f = find(n, "authSafe.content[0].content.encryptedContentInfo.contentEncryptionAlgorithm.parameters");
	cr_assert_str_eq(f->as, "PBES2Params");
	f = find(n, "authSafe.content[1].content[0].bagValue");
	f = ck_schema_field_at(n, f->offset + 4);
	cr_assert_not_null(f);
	cr_assert_str_eq(f->as, "EncryptedPrivateKeyInfo");
	find(n, "authSafe.content[1].content[0].bagAttributes[0].type");
	find(n, "macData.mac.digest");
	find(n, "macData.iterations");
	ck_schema_names_free(n);
}

Test(schema, plain_pfx_names_the_certificates)
{
	struct ck_schema_names *n = names_of("p12/nocrypt.pfx", "PFX");
	const struct ck_schema_field *f = NULL;
	for (size_t i = 0; i < n->n && !f; i++)
		if (strstr(n->fields[i].name, "certValue") && n->fields[i].as &&
		    !strcmp(n->fields[i].as, "Certificate"))
			f = &n->fields[i];
	cr_assert_not_null(f, "a certificate inside a CertBag");
	find(n, "authSafe.content[0].content[0].bagValue.certValue.tbsCertificate.subject");
	ck_schema_names_free(n);
}

Test(schema, ber_signed_data)
{
	struct ck_schema_names *n = names_of("bundles/client-chain-ber.p7b", "ContentInfo");
	const struct ck_schema_field *f = at(n, 15, "content");
	cr_assert_str_eq(f->as, "SignedData");
	f = at(n, 39, "content.certificates[0]");
	cr_assert_str_eq(f->choice, "certificate");
	find(n, "content.certificates[1].tbsCertificate.issuer[1][0].value");
	ck_schema_names_free(n);
}

Test(schema, ocsp_response_down_to_the_status)
{
	struct ck_schema_names *n = names_of("asn1/ocsp-resp.der", "OCSPResponse");
	const struct ck_schema_field *f;
	f = find(n, "responseBytes.response");
	f = ck_schema_field_at(n, f->offset + 4);
	cr_assert_str_eq(f->as, "BasicOCSPResponse");
	f = find(n, "responseBytes.response.tbsResponseData.responses[0].certStatus");
	cr_assert_str_eq(f->choice, "good");
	f = find(n, "responseBytes.response.tbsResponseData.responses[1].certStatus");
	cr_assert_str_eq(f->choice, "revoked");
	find(n, "responseBytes.response.tbsResponseData.responses[1].certStatus.revocationReason");
	find(n, "responseBytes.response.certs[0].tbsCertificate");
	ck_schema_names_free(n);
}

Test(schema, keys_and_signatures_by_algorithm)
{
	struct ck_schema_names *n = names_of("bundles/key-pkcs8.der", "PrivateKeyInfo");
	const struct ck_schema_field *f = find(n, "privateKey.modulus");
	cr_assert_not_null(f);
	find(n, "privateKey.coefficient");
	ck_schema_names_free(n);

	n = names_of("pki/ec-leaf.der", "Certificate");
	find(n, "signatureValue.r");
	find(n, "signatureValue.s");
	f = find(n, "tbsCertificate.subjectPublicKeyInfo.algorithm.parameters");
	cr_assert_str_eq(f->as, "ECParameters");
	cr_assert_str_eq(f->choice, "namedCurve");
	ck_schema_names_free(n);
}

Test(schema, deep_nesting_terminates)
{
	/* 200 nested SafeContentsBags: named down to a bound, no stack
	 * exhaustion */
	struct ck_schema_names *n = names_of("p12/deep-nesting.pfx", "PFX");
	cr_assert_gt(n->n, 100);
	ck_schema_names_free(n);
}

Test(schema, every_listed_type_exists)
{
	const char *const *t = ck_schema_types();
	const unsigned char d[] = { 0x05, 0x00 };
	for (size_t i = 0; t[i]; i++) {
		struct ck_schema_names *n = NULL;
		enum ck_status rc = ck_schema_name(d, sizeof d, 0, t[i], &n, &e);
		cr_assert_eq(rc, CK_E_PARSE, "%s: %d %s", t[i], rc, e.what);
	}
	ck_schema_names_free(NULL);
}
