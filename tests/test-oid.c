/* oid: names of the OIDs certificates and containers use. */
#include "config.h"

#include "libcore/oid.h"

#include <criterion/criterion.h>

Test(oid, names_from_each_family)
{
	static const char *const cases[][2] = {
		{ "2.5.4.3", "commonName" },
		{ "2.5.29.17", "subjectAltName" },
		{ "1.3.6.1.5.5.7.3.2", "clientAuth" },
		{ "1.3.6.1.5.5.7.48.2", "caIssuers" },
		{ "1.3.6.1.5.5.7.48.1.1", "ocspBasic" },
		{ "1.2.840.113549.1.1.11", "sha256WithRSAEncryption" },
		{ "1.2.840.113549.1.5.13", "PBES2" },
		{ "1.2.840.113549.1.7.2", "signedData" },
		{ "1.2.840.113549.1.9.20", "friendlyName" },
		{ "1.2.840.113549.1.12.10.1.2", "pkcs8ShroudedKeyBag" },
		{ "1.2.840.10045.3.1.7", "prime256v1" },
		{ "1.3.132.0.34", "secp384r1" },
		{ "1.3.101.112", "Ed25519" },
		{ "2.16.840.1.101.3.4.1.42", "aes256-CBC" },
		{ "1.3.6.1.4.1.311.20.2.3", "msUPN" },
		{ "1.3.6.1.4.1.311.21.7", "msCertificateTemplate" },
		{ "2.16.840.1.113730.1.1", "nsCertType" },
		{ "1.3.6.1.4.1.11129.2.4.2", "signedCertificateTimestampList" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *n = ck_oid_name(cases[i][0]);
		cr_assert_not_null(n, "%s", cases[i][0]);
		cr_assert_str_eq(n, cases[i][1]);
		cr_assert_str_eq(ck_oid_by_name(cases[i][1]), cases[i][0]);
	}
}

Test(oid, unknown)
{
	cr_assert_null(ck_oid_name("1.3.6.1.4.1.55555.1.1"));
	cr_assert_null(ck_oid_name("2.5.4"));
	cr_assert_null(ck_oid_name(NULL));
	cr_assert_null(ck_oid_by_name("noSuchName"));
}
