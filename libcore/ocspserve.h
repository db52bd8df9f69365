/* ocspserve — the OCSP responder of aiaserve: answers to OCSP requests
 * (RFC 6960, with RFC 5019's profile), signed by a CA's own key or by a
 * delegated responder (a certificate the CA issued with
 * id-kp-OCSPSigning), built with libtasn1 over pkix.asn.
 *
 * A responder knows a list of CAs.  For each, the status of a serial
 * number comes from the revoked entries it was given (the CRL served
 * for that CA, an OpenSSL index.txt): listed means revoked (with the
 * time and reason of the entry), anything else good.  A serial of an
 * issuer the responder does not know is unknown.
 *
 * Threads: once built, any number of ck_ocspserve_answer() calls may
 * run at once (nothing in the responder changes). */
#ifndef CK_OCSPSERVE_H
#define CK_OCSPSERVE_H

#include "cert.h"
#include "err.h"
#include "load.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct ck_ocspserve;

enum ck_status ck_ocspserve_new(struct ck_ocspserve **out);

/* NULL is a no-op. */
void ck_ocspserve_free(struct ck_ocspserve *r);

/* Answer for the CA `ca`, signing with `key`: the CA's own key when
 * `responder` is NULL, else the key of `responder`, a certificate `ca`
 * issued that carries id-kp-OCSPSigning (it is then sent in every
 * answer).  Everything is borrowed and must outlive the responder.
 * CK_E_USAGE (with the reason) when the key is not the signer's, the
 * responder certificate was not issued by `ca` or lacks
 * id-kp-OCSPSigning, or the CA is there already; CK_E_UNSUPPORTED for a
 * key it cannot sign with. */
enum ck_status ck_ocspserve_add_ca(struct ck_ocspserve *r, const struct ck_cert *ca,
				   const struct ck_key *key, const struct ck_cert *responder,
				   struct ck_error *err);

/* Whether `ca` (compared by its DER) is one added. */
bool ck_ocspserve_has_ca(const struct ck_ocspserve *r, const struct ck_cert *ca);

/* Take the entries of the CRLs in der[0..len) (borrowed; DER or PEM)
 * that `ca` (added before) signed as its revoked serials: time and
 * reason of each entry (removeFromCRL entries are not revoked).  A CRL
 * the CA's key does not verify is left out (CK_OK).  CK_E_PARSE when it
 * is not a CRL, CK_E_UNSUPPORTED for a serial over 40 bytes, CK_E_USAGE
 * for a CA not added. */
enum ck_status ck_ocspserve_add_crl(struct ck_ocspserve *r, const struct ck_cert *ca,
				    const unsigned char *der, size_t len, struct ck_error *err);

/* Take the "R" lines of an OpenSSL CA database (index.txt) as revoked
 * serials of `ca`.  Each line is six tab-separated fields: status
 * (V valid, R revoked, E expired), expiry time, revocation time
 * (YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ, then optionally ",REASON" with
 * REASON an OpenSSL reason name: unspecified, keyCompromise,
 * CACompromise, affiliationChanged, superseded, cessationOfOperation,
 * certificateHold, removeFromCRL, holdInstruction, keyTime, CAkeyTime),
 * serial (hex), file name, subject.  Only R lines count; V and E are
 * good.  CK_E_PARSE naming the line for a malformed one. */
enum ck_status ck_ocspserve_add_index(struct ck_ocspserve *r, const struct ck_cert *ca,
				      const char *text, size_t len, struct ck_error *err);

/* How to answer. */
struct ck_ocspserve_opts {
	time_t now;            /* producedAt and thisUpdate */
	long validity;         /* seconds from thisUpdate to nextUpdate */
	bool stale;            /* thisUpdate 2*validity ago, nextUpdate validity ago */
	bool revoked;          /* every known serial revoked at `revoked_at` (reason unspecified) */
	time_t revoked_at;
};

/* What an answer said, for a log. */
struct ck_ocspserve_result {
	const char *response_status; /* "successful", "malformedRequest", "unauthorized", ... */
	const char *cert_status;     /* of the first request: "good", "revoked", "unknown"; NULL */
	char serial[48];             /* of the first request: lowercase hex; "" */
	unsigned nrequests;
};

/* The OCSPResponse (DER, in a new buffer *out) to the OCSPRequest
 * req[0..len) (DER, borrowed).  A request that is not an OCSPRequest
 * is answered malformedRequest; one that names more than
 * CK_OCSPSERVE_MAX_REQUESTS certificates too; a responder with no CA
 * answers unauthorized.  Otherwise a BasicOCSPResponse signed by the
 * signer of the first known issuer among the requests (or of the first
 * CA when no issuer is known); a request for another CA is answered
 * unknown.  Responder ID by key hash, each request's CertID as
 * sent, the nonce echoed when the request has one.
 * CK_OK whenever *out is an answer; CK_E_NOMEM, CK_E_INTERNAL otherwise. */
#define CK_OCSPSERVE_MAX_REQUESTS 64
enum ck_status ck_ocspserve_answer(const struct ck_ocspserve *r, const unsigned char *req,
				   size_t len, const struct ck_ocspserve_opts *o,
				   unsigned char **out, size_t *out_len,
				   struct ck_ocspserve_result *res, struct ck_error *err);

/* The base64 of an RFC 6960 appendix A GET (the path after the
 * responder's, %-escapes already undone or not) decoded into a new
 * buffer.  false if it is not base64. */
bool ck_ocspserve_decode_get(const char *b64, unsigned char **out, size_t *out_len);

#endif
