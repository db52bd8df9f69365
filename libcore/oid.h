/* oid — names of the object identifiers certificates, keys, PKCS#7/CMS,
 * PKCS#12 and OCSP use: PKIX (RFC 5280, 6960, 6962, 4043...), X.520
 * attribute types, PKCS#1/5/7/9/12, X9.62 and SEC curves, EdDSA, NIST
 * algorithms, Microsoft and Netscape extensions.  Written from the
 * RFCs and the registries that assign them. */
#ifndef CK_OID_H
#define CK_OID_H

/* The name of a dotted OID ("1.2.840.113549.1.1.11" →
 * "sha256WithRSAEncryption"), or NULL when it is not in the table. */
const char *ck_oid_name(const char *dotted);

/* The dotted OID of a name in the table, or NULL. */
const char *ck_oid_by_name(const char *name);

#endif
