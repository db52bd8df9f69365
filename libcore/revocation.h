/* revocation — CRLs and OCSP, with GnuTLS: read what a CRL or an OCSP
 * responder served, check it against the certificate it is about and
 * that certificate's issuer, and build OCSP requests.
 *
 * Each check returns the URL's result class (CK_URL_OK, or one of
 * bad-content, wrong-issuer, stale, revoked) and fills an info struct
 * with what was found, whatever the class. */
#ifndef CK_REVOCATION_H
#define CK_REVOCATION_H

#include "cert.h"
#include "net.h"

#include <time.h>

struct ck_crl_info {
	const char *format;       /* "der" or "pem" */
	char *issuer;             /* RFC 4514 */
	bool issuer_matches;      /* the CRL's issuer is the certificate's issuer */
	int signature;            /* 1 verified by the issuer, 0 failed, -1 issuer unknown */
	time_t this_update;
	time_t next_update;       /* (time_t)-1: absent */
	size_t entries;
	char *number;             /* cRLNumber, lowercase hex, or NULL */
	bool delta;               /* has a deltaCRLIndicator */
	bool listed;              /* the certificate's serial is on it */
	time_t revoked_at;        /* when listed */
	bool warning;             /* nextUpdate within warn_hours */
};

void ck_crl_info_cleanup(struct ck_crl_info *info);

/* Check a CRL (DER or PEM) served for `cert` (borrowed), whose issuer
 * is `issuer` (NULL when unknown: the signature is then not checked).
 * Order of the verdict: not a CRL -> bad-content; another issuer or a
 * bad signature -> wrong-issuer; the serial listed -> revoked;
 * nextUpdate before `at` -> stale; thisUpdate after `at` -> bad-content.
 * `note` (may be NULL) receives one line on the result. */
enum ck_url_result ck_crl_check(const unsigned char *data, size_t len, const struct ck_cert *cert,
				const struct ck_cert *issuer, time_t at, unsigned warn_hours,
				struct ck_crl_info *info, char *note, size_t notelen);

/* A DER OCSPRequest for `cert` issued by `issuer`: one SHA-1 CertID, no
 * nonce (RFC 5019).  *der is malloc'ed. */
enum ck_status ck_ocsp_request(const struct ck_cert *cert, const struct ck_cert *issuer,
			       unsigned char **der, size_t *len, struct ck_error *err);

/* The GET form of a request (RFC 6960 appendix A.1, RFC 5019): `base`,
 * a '/' unless it ends with one, and the URL-encoded base64 of the
 * request.  NULL when out of memory. */
char *ck_ocsp_get_url(const char *base, const unsigned char *der, size_t len);

struct ck_ocsp_info {
	const char *response_status; /* "successful", "unauthorized", ... */
	const char *cert_status;     /* "good", "revoked", "unknown", or NULL */
	bool for_certificate;        /* the single response is about `cert` */
	int signature;               /* 1 verified, 0 failed, -1 issuer unknown */
	char *responder;             /* responder name (RFC 4514) or key id (hex) */
	time_t produced_at, this_update;
	time_t next_update;          /* (time_t)-1: absent */
	time_t revoked_at;           /* (time_t)-1 unless revoked */
	const char *revocation_reason; /* or NULL */
	bool warning;                /* nextUpdate within warn_hours */
};

void ck_ocsp_info_cleanup(struct ck_ocsp_info *info);

/* Check an OCSP response (DER) about `cert` from `issuer` (NULL:
 * signature not checked).  Not an OCSP response, not successful, not
 * about this certificate, or status unknown -> bad-content; signature
 * not by the issuer or a responder it authorised -> wrong-issuer;
 * revoked -> revoked; nextUpdate before `at` -> stale. */
enum ck_url_result ck_ocsp_check(const unsigned char *data, size_t len, const struct ck_cert *cert,
				 const struct ck_cert *issuer, time_t at, unsigned warn_hours,
				 struct ck_ocsp_info *info, char *note, size_t notelen);

#endif
