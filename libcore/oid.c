/* oid — the OID name table.
 *
 * Names are the ASN.1 value names of the defining documents, without
 * their "id-xx-" prefix where the short name is the one people use
 * (id-ce-keyUsage → keyUsage, id-kp-clientAuth → clientAuth); the
 * Microsoft names follow wincrypt.h's szOID_ constants, the Netscape ones
 * the usual "ns" names.  The table is sorted by nothing in particular;
 * it is short enough for a linear search per OID shown. */
#include "config.h"

#include "oid.h"

#include <string.h>

static const struct {
	const char *oid, *name;
} oids[] = {
	/* X.520 attribute types (2.5.4), RFC 4519, RFC 4524 */
	{ "2.5.4.3", "commonName" },
	{ "2.5.4.4", "surname" },
	{ "2.5.4.5", "serialNumber" },
	{ "2.5.4.6", "countryName" },
	{ "2.5.4.7", "localityName" },
	{ "2.5.4.8", "stateOrProvinceName" },
	{ "2.5.4.9", "streetAddress" },
	{ "2.5.4.10", "organizationName" },
	{ "2.5.4.11", "organizationalUnitName" },
	{ "2.5.4.12", "title" },
	{ "2.5.4.13", "description" },
	{ "2.5.4.15", "businessCategory" },
	{ "2.5.4.17", "postalCode" },
	{ "2.5.4.41", "name" },
	{ "2.5.4.42", "givenName" },
	{ "2.5.4.43", "initials" },
	{ "2.5.4.44", "generationQualifier" },
	{ "2.5.4.45", "x500UniqueIdentifier" },
	{ "2.5.4.46", "dnQualifier" },
	{ "2.5.4.65", "pseudonym" },
	{ "2.5.4.97", "organizationIdentifier" },
	{ "0.9.2342.19200300.100.1.1", "userId" },
	{ "0.9.2342.19200300.100.1.3", "rfc822Mailbox" },
	{ "0.9.2342.19200300.100.1.25", "domainComponent" },

	/* X.509 certificate and CRL extensions (2.5.29), RFC 5280 */
	{ "2.5.29.9", "subjectDirectoryAttributes" },
	{ "2.5.29.14", "subjectKeyIdentifier" },
	{ "2.5.29.15", "keyUsage" },
	{ "2.5.29.16", "privateKeyUsagePeriod" },
	{ "2.5.29.17", "subjectAltName" },
	{ "2.5.29.18", "issuerAltName" },
	{ "2.5.29.19", "basicConstraints" },
	{ "2.5.29.20", "cRLNumber" },
	{ "2.5.29.21", "reasonCode" },
	{ "2.5.29.23", "holdInstructionCode" },
	{ "2.5.29.24", "invalidityDate" },
	{ "2.5.29.27", "deltaCRLIndicator" },
	{ "2.5.29.28", "issuingDistributionPoint" },
	{ "2.5.29.29", "certificateIssuer" },
	{ "2.5.29.30", "nameConstraints" },
	{ "2.5.29.31", "cRLDistributionPoints" },
	{ "2.5.29.32", "certificatePolicies" },
	{ "2.5.29.32.0", "anyPolicy" },
	{ "2.5.29.33", "policyMappings" },
	{ "2.5.29.35", "authorityKeyIdentifier" },
	{ "2.5.29.36", "policyConstraints" },
	{ "2.5.29.37", "extKeyUsage" },
	{ "2.5.29.37.0", "anyExtendedKeyUsage" },
	{ "2.5.29.46", "freshestCRL" },
	{ "2.5.29.54", "inhibitAnyPolicy" },
	{ "2.5.29.55", "targetInformation" },
	{ "2.5.29.56", "noRevAvail" },

	/* PKIX (1.3.6.1.5.5.7): private extensions, qualifiers, key
	 * purposes, access methods, other names, OCSP (RFC 5280, 6960,
	 * 7633, 4334, 3739, 4043, 8398) */
	{ "1.3.6.1.5.5.7", "id-pkix" },
	{ "1.3.6.1.5.5.7.1.1", "authorityInfoAccess" },
	{ "1.3.6.1.5.5.7.1.2", "biometricInfo" },
	{ "1.3.6.1.5.5.7.1.3", "qcStatements" },
	{ "1.3.6.1.5.5.7.1.11", "subjectInfoAccess" },
	{ "1.3.6.1.5.5.7.1.12", "logotype" },
	{ "1.3.6.1.5.5.7.1.24", "tlsFeature" },
	{ "1.3.6.1.5.5.7.2.1", "cps" },
	{ "1.3.6.1.5.5.7.2.2", "unotice" },
	{ "1.3.6.1.5.5.7.3.1", "serverAuth" },
	{ "1.3.6.1.5.5.7.3.2", "clientAuth" },
	{ "1.3.6.1.5.5.7.3.3", "codeSigning" },
	{ "1.3.6.1.5.5.7.3.4", "emailProtection" },
	{ "1.3.6.1.5.5.7.3.5", "ipsecEndSystem" },
	{ "1.3.6.1.5.5.7.3.6", "ipsecTunnel" },
	{ "1.3.6.1.5.5.7.3.7", "ipsecUser" },
	{ "1.3.6.1.5.5.7.3.8", "timeStamping" },
	{ "1.3.6.1.5.5.7.3.9", "OCSPSigning" },
	{ "1.3.6.1.5.5.7.3.17", "ipsecIKE" },
	{ "1.3.6.1.5.5.7.8.3", "permanentIdentifier" },
	{ "1.3.6.1.5.5.7.8.4", "hardwareModuleName" },
	{ "1.3.6.1.5.5.7.8.9", "SmtpUTF8Mailbox" },
	{ "1.3.6.1.5.5.7.48.1", "ocsp" },
	{ "1.3.6.1.5.5.7.48.1.1", "ocspBasic" },
	{ "1.3.6.1.5.5.7.48.1.2", "ocspNonce" },
	{ "1.3.6.1.5.5.7.48.1.3", "ocspCRL" },
	{ "1.3.6.1.5.5.7.48.1.4", "ocspResponse" },
	{ "1.3.6.1.5.5.7.48.1.5", "ocspNoCheck" },
	{ "1.3.6.1.5.5.7.48.1.6", "ocspArchiveCutoff" },
	{ "1.3.6.1.5.5.7.48.1.7", "ocspServiceLocator" },
	{ "1.3.6.1.5.5.7.48.1.8", "ocspPrefSigAlgs" },
	{ "1.3.6.1.5.5.7.48.1.9", "ocspExtendedRevoke" },
	{ "1.3.6.1.5.5.7.48.2", "caIssuers" },
	{ "1.3.6.1.5.5.7.48.3", "id-ad-timeStamping" },
	{ "1.3.6.1.5.5.7.48.5", "caRepository" },

	/* PKCS #1 (RFC 8017) */
	{ "1.2.840.113549.1.1.1", "rsaEncryption" },
	{ "1.2.840.113549.1.1.2", "md2WithRSAEncryption" },
	{ "1.2.840.113549.1.1.3", "md4WithRSAEncryption" },
	{ "1.2.840.113549.1.1.4", "md5WithRSAEncryption" },
	{ "1.2.840.113549.1.1.5", "sha1WithRSAEncryption" },
	{ "1.2.840.113549.1.1.7", "RSAES-OAEP" },
	{ "1.2.840.113549.1.1.8", "mgf1" },
	{ "1.2.840.113549.1.1.9", "pSpecified" },
	{ "1.2.840.113549.1.1.10", "RSASSA-PSS" },
	{ "1.2.840.113549.1.1.11", "sha256WithRSAEncryption" },
	{ "1.2.840.113549.1.1.12", "sha384WithRSAEncryption" },
	{ "1.2.840.113549.1.1.13", "sha512WithRSAEncryption" },
	{ "1.2.840.113549.1.1.14", "sha224WithRSAEncryption" },
	{ "1.2.840.113549.1.1.15", "sha512-224WithRSAEncryption" },
	{ "1.2.840.113549.1.1.16", "sha512-256WithRSAEncryption" },

	/* PKCS #5 (RFC 8018) and the RSADSI digest and cipher arcs */
	{ "1.2.840.113549.1.5.1", "pbeWithMD2AndDES-CBC" },
	{ "1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC" },
	{ "1.2.840.113549.1.5.4", "pbeWithMD2AndRC2-CBC" },
	{ "1.2.840.113549.1.5.6", "pbeWithMD5AndRC2-CBC" },
	{ "1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC" },
	{ "1.2.840.113549.1.5.11", "pbeWithSHA1AndRC2-CBC" },
	{ "1.2.840.113549.1.5.12", "PBKDF2" },
	{ "1.2.840.113549.1.5.13", "PBES2" },
	{ "1.2.840.113549.1.5.14", "PBMAC1" },
	{ "1.2.840.113549.2.2", "md2" },
	{ "1.2.840.113549.2.4", "md4" },
	{ "1.2.840.113549.2.5", "md5" },
	{ "1.2.840.113549.2.7", "hmacWithSHA1" },
	{ "1.2.840.113549.2.8", "hmacWithSHA224" },
	{ "1.2.840.113549.2.9", "hmacWithSHA256" },
	{ "1.2.840.113549.2.10", "hmacWithSHA384" },
	{ "1.2.840.113549.2.11", "hmacWithSHA512" },
	{ "1.2.840.113549.2.12", "hmacWithSHA512-224" },
	{ "1.2.840.113549.2.13", "hmacWithSHA512-256" },
	{ "1.2.840.113549.3.2", "rc2-cbc" },
	{ "1.2.840.113549.3.4", "rc4" },
	{ "1.2.840.113549.3.7", "des-ede3-cbc" },
	{ "1.2.840.113549.3.9", "rc5-cbc-pad" },
	{ "1.3.14.3.2.7", "desCBC" },
	{ "1.3.14.3.2.26", "sha1" },
	{ "1.3.14.3.2.29", "sha1WithRSASignature" },

	/* PKCS #7 (RFC 2315) and CMS content types (RFC 5652, 5083, 3161,
	 * 3274) */
	{ "1.2.840.113549.1.7.1", "data" },
	{ "1.2.840.113549.1.7.2", "signedData" },
	{ "1.2.840.113549.1.7.3", "envelopedData" },
	{ "1.2.840.113549.1.7.4", "signedAndEnvelopedData" },
	{ "1.2.840.113549.1.7.5", "digestedData" },
	{ "1.2.840.113549.1.7.6", "encryptedData" },
	{ "1.2.840.113549.1.9.16.1.2", "authData" },
	{ "1.2.840.113549.1.9.16.1.4", "TSTInfo" },
	{ "1.2.840.113549.1.9.16.1.9", "compressedData" },
	{ "1.2.840.113549.1.9.16.1.23", "authEnvelopedData" },
	{ "1.2.840.113549.1.9.16.2.12", "signingCertificate" },
	{ "1.2.840.113549.1.9.16.2.14", "timeStampToken" },
	{ "1.2.840.113549.1.9.16.2.47", "signingCertificateV2" },

	/* PKCS #9 (RFC 2985) */
	{ "1.2.840.113549.1.9.1", "emailAddress" },
	{ "1.2.840.113549.1.9.2", "unstructuredName" },
	{ "1.2.840.113549.1.9.3", "contentType" },
	{ "1.2.840.113549.1.9.4", "messageDigest" },
	{ "1.2.840.113549.1.9.5", "signingTime" },
	{ "1.2.840.113549.1.9.6", "counterSignature" },
	{ "1.2.840.113549.1.9.7", "challengePassword" },
	{ "1.2.840.113549.1.9.8", "unstructuredAddress" },
	{ "1.2.840.113549.1.9.9", "extendedCertificateAttributes" },
	{ "1.2.840.113549.1.9.14", "extensionRequest" },
	{ "1.2.840.113549.1.9.15", "smimeCapabilities" },
	{ "1.2.840.113549.1.9.20", "friendlyName" },
	{ "1.2.840.113549.1.9.21", "localKeyId" },
	{ "1.2.840.113549.1.9.22.1", "x509Certificate" },
	{ "1.2.840.113549.1.9.22.2", "sdsiCertificate" },
	{ "1.2.840.113549.1.9.23.1", "x509Crl" },
	{ "1.2.840.113549.1.9.52", "cmsAlgorithmProtection" },

	/* PKCS #12 (RFC 7292) */
	{ "1.2.840.113549.1.12.1.1", "pbeWithSHAAnd128BitRC4" },
	{ "1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4" },
	{ "1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC" },
	{ "1.2.840.113549.1.12.1.4", "pbeWithSHAAnd2-KeyTripleDES-CBC" },
	{ "1.2.840.113549.1.12.1.5", "pbeWithSHAAnd128BitRC2-CBC" },
	{ "1.2.840.113549.1.12.1.6", "pbewithSHAAnd40BitRC2-CBC" },
	{ "1.2.840.113549.1.12.10.1.1", "keyBag" },
	{ "1.2.840.113549.1.12.10.1.2", "pkcs8ShroudedKeyBag" },
	{ "1.2.840.113549.1.12.10.1.3", "certBag" },
	{ "1.2.840.113549.1.12.10.1.4", "crlBag" },
	{ "1.2.840.113549.1.12.10.1.5", "secretBag" },
	{ "1.2.840.113549.1.12.10.1.6", "safeContentsBag" },

	/* X9.62 / SEC 2 elliptic curves (RFC 5480, 5758), X9.57 DSA, X9.42 DH */
	{ "1.2.840.10045.1.1", "prime-field" },
	{ "1.2.840.10045.1.2", "characteristic-two-field" },
	{ "1.2.840.10045.2.1", "ecPublicKey" },
	{ "1.2.840.10045.3.1.1", "prime192v1" },
	{ "1.2.840.10045.3.1.7", "prime256v1" },
	{ "1.2.840.10045.4.1", "ecdsa-with-SHA1" },
	{ "1.2.840.10045.4.3.1", "ecdsa-with-SHA224" },
	{ "1.2.840.10045.4.3.2", "ecdsa-with-SHA256" },
	{ "1.2.840.10045.4.3.3", "ecdsa-with-SHA384" },
	{ "1.2.840.10045.4.3.4", "ecdsa-with-SHA512" },
	{ "1.3.132.0.10", "secp256k1" },
	{ "1.3.132.0.33", "secp224r1" },
	{ "1.3.132.0.34", "secp384r1" },
	{ "1.3.132.0.35", "secp521r1" },
	{ "1.3.132.1.12", "ecDH" },
	{ "1.2.840.10040.4.1", "dsa" },
	{ "1.2.840.10040.4.3", "dsa-with-sha1" },
	{ "1.2.840.10046.2.1", "dhpublicnumber" },

	/* EdDSA and the Edwards/Montgomery curves (RFC 8410) */
	{ "1.3.101.110", "X25519" },
	{ "1.3.101.111", "X448" },
	{ "1.3.101.112", "Ed25519" },
	{ "1.3.101.113", "Ed448" },

	/* NIST algorithms (2.16.840.1.101.3.4) */
	{ "2.16.840.1.101.3.4.1.1", "aes128-ECB" },
	{ "2.16.840.1.101.3.4.1.2", "aes128-CBC" },
	{ "2.16.840.1.101.3.4.1.5", "aes128-wrap" },
	{ "2.16.840.1.101.3.4.1.6", "aes128-GCM" },
	{ "2.16.840.1.101.3.4.1.22", "aes192-CBC" },
	{ "2.16.840.1.101.3.4.1.25", "aes192-wrap" },
	{ "2.16.840.1.101.3.4.1.26", "aes192-GCM" },
	{ "2.16.840.1.101.3.4.1.42", "aes256-CBC" },
	{ "2.16.840.1.101.3.4.1.45", "aes256-wrap" },
	{ "2.16.840.1.101.3.4.1.46", "aes256-GCM" },
	{ "2.16.840.1.101.3.4.2.1", "sha256" },
	{ "2.16.840.1.101.3.4.2.2", "sha384" },
	{ "2.16.840.1.101.3.4.2.3", "sha512" },
	{ "2.16.840.1.101.3.4.2.4", "sha224" },
	{ "2.16.840.1.101.3.4.2.5", "sha512-224" },
	{ "2.16.840.1.101.3.4.2.6", "sha512-256" },
	{ "2.16.840.1.101.3.4.2.7", "sha3-224" },
	{ "2.16.840.1.101.3.4.2.8", "sha3-256" },
	{ "2.16.840.1.101.3.4.2.9", "sha3-384" },
	{ "2.16.840.1.101.3.4.2.10", "sha3-512" },
	{ "2.16.840.1.101.3.4.2.11", "shake128" },
	{ "2.16.840.1.101.3.4.2.12", "shake256" },
	{ "2.16.840.1.101.3.4.3.1", "dsa-with-sha224" },
	{ "2.16.840.1.101.3.4.3.2", "dsa-with-sha256" },
	{ "2.16.840.1.101.3.4.3.9", "ecdsa-with-SHA3-224" },
	{ "2.16.840.1.101.3.4.3.10", "ecdsa-with-SHA3-256" },
	{ "2.16.840.1.101.3.4.3.11", "ecdsa-with-SHA3-384" },
	{ "2.16.840.1.101.3.4.3.12", "ecdsa-with-SHA3-512" },
	{ "2.16.840.1.101.3.4.3.13", "rsassa-pkcs1-v1-5-with-sha3-224" },
	{ "2.16.840.1.101.3.4.3.14", "rsassa-pkcs1-v1-5-with-sha3-256" },
	{ "2.16.840.1.101.3.4.3.15", "rsassa-pkcs1-v1-5-with-sha3-384" },
	{ "2.16.840.1.101.3.4.3.16", "rsassa-pkcs1-v1-5-with-sha3-512" },

	/* Certificate Transparency (RFC 6962) */
	{ "1.3.6.1.4.1.11129.2.4.2", "signedCertificateTimestampList" },
	{ "1.3.6.1.4.1.11129.2.4.3", "precertificatePoison" },
	{ "1.3.6.1.4.1.11129.2.4.4", "precertificateSigningCertificate" },
	{ "1.3.6.1.4.1.11129.2.4.5", "ocspSignedCertificateTimestampList" },

	/* CA/Browser Forum certificate policies */
	{ "2.23.140.1.1", "ev-guidelines" },
	{ "2.23.140.1.2.1", "domain-validated" },
	{ "2.23.140.1.2.2", "organization-validated" },
	{ "2.23.140.1.2.3", "individual-validated" },

	/* Microsoft (wincrypt.h) */
	{ "1.3.6.1.4.1.311.2.1.14", "msCertExtensions" },
	{ "1.3.6.1.4.1.311.2.1.21", "msIndividualCodeSigning" },
	{ "1.3.6.1.4.1.311.2.1.22", "msCommercialCodeSigning" },
	{ "1.3.6.1.4.1.311.10.3.1", "msCTLSigning" },
	{ "1.3.6.1.4.1.311.10.3.2", "msTimeStampSigning" },
	{ "1.3.6.1.4.1.311.10.3.3", "msSGC" },
	{ "1.3.6.1.4.1.311.10.3.4", "msEFS" },
	{ "1.3.6.1.4.1.311.10.3.4.1", "msEFSRecovery" },
	{ "1.3.6.1.4.1.311.10.3.12", "msDocumentSigning" },
	{ "1.3.6.1.4.1.311.13.2.1", "msEnrollmentNameValuePair" },
	{ "1.3.6.1.4.1.311.13.2.2", "msEnrollmentCSPProvider" },
	{ "1.3.6.1.4.1.311.13.2.3", "msOSVersion" },
	{ "1.3.6.1.4.1.311.17.1", "msCSPName" },
	{ "1.3.6.1.4.1.311.17.2", "msLocalMachineKeyset" },
	{ "1.3.6.1.4.1.311.20.2", "msCertificateTemplateName" },
	{ "1.3.6.1.4.1.311.20.2.1", "msEnrollmentAgent" },
	{ "1.3.6.1.4.1.311.20.2.2", "msSmartcardLogon" },
	{ "1.3.6.1.4.1.311.20.2.3", "msUPN" },
	{ "1.3.6.1.4.1.311.21.1", "msCAVersion" },
	{ "1.3.6.1.4.1.311.21.2", "msPreviousCACertHash" },
	{ "1.3.6.1.4.1.311.21.3", "msCRLVirtualBase" },
	{ "1.3.6.1.4.1.311.21.4", "msCRLNextPublish" },
	{ "1.3.6.1.4.1.311.21.5", "msCAExchange" },
	{ "1.3.6.1.4.1.311.21.6", "msKeyRecoveryAgent" },
	{ "1.3.6.1.4.1.311.21.7", "msCertificateTemplate" },
	{ "1.3.6.1.4.1.311.21.10", "msApplicationCertPolicies" },
	{ "1.3.6.1.4.1.311.21.11", "msApplicationPolicyMappings" },
	{ "1.3.6.1.4.1.311.21.12", "msApplicationPolicyConstraints" },
	{ "1.3.6.1.4.1.311.21.14", "msCRLSelfCDP" },
	{ "1.3.6.1.4.1.311.21.20", "msRequestClientInfo" },
	{ "1.3.6.1.4.1.311.25.2", "msNTDSCASecurityExt" },
	{ "1.3.6.1.4.1.311.25.2.1", "msNTDSObjectSid" },
	{ "1.3.6.1.4.1.311.60.2.1.1", "jurisdictionOfIncorporationLocalityName" },
	{ "1.3.6.1.4.1.311.60.2.1.2", "jurisdictionOfIncorporationStateOrProvinceName" },
	{ "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionOfIncorporationCountryName" },

	/* Netscape */
	{ "2.16.840.1.113730.1.1", "nsCertType" },
	{ "2.16.840.1.113730.1.2", "nsBaseUrl" },
	{ "2.16.840.1.113730.1.3", "nsRevocationUrl" },
	{ "2.16.840.1.113730.1.4", "nsCaRevocationUrl" },
	{ "2.16.840.1.113730.1.7", "nsRenewalUrl" },
	{ "2.16.840.1.113730.1.8", "nsCaPolicyUrl" },
	{ "2.16.840.1.113730.1.12", "nsSslServerName" },
	{ "2.16.840.1.113730.1.13", "nsComment" },
	{ "2.16.840.1.113730.2.5", "nsCertSequence" },
	{ "2.16.840.1.113730.4.1", "nsSGC" },

	/* others met in certificate bundles */
	{ "1.2.840.113533.7.65.0", "entrustVersionInfo" },
	{ "2.16.840.1.113894.746875.1.1", "oracleTrustedKeyUsage" },
};

const char *ck_oid_name(const char *dotted)
{
	if (!dotted)
		return NULL;
	for (size_t i = 0; i < sizeof oids / sizeof oids[0]; i++)
		if (!strcmp(oids[i].oid, dotted))
			return oids[i].name;
	return NULL;
}

const char *ck_oid_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof oids / sizeof oids[0]; i++)
		if (!strcmp(oids[i].name, name))
			return oids[i].oid;
	return NULL;
}
