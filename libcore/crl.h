/* crl — certificate revocation status from CRLs, RFC 5280 §6.3.
 *
 * A crlset holds the CRLs a user gave (and, later, fetched ones),
 * parsed once: every entry indexed by serial number, the scope
 * (issuingDistributionPoint), the numbers (cRLNumber, deltaCRLIndicator)
 * and the extensions that make a CRL unusable.  ck_crlset_check() runs
 * the §6.3.3 algorithm for one certificate: the distribution points of
 * the certificate (or the implicit one), the CRL issuer and scope, the
 * reasons mask, delta CRLs, the CRL signer (whose own path the caller
 * validates through a callback) and the signature.
 *
 * Threads: ck_crlset_add() needs the set to itself; any number of
 * ck_crlset_check() calls may run at once on a set no one adds to
 * (signature verdicts are memoised per CRL and signer key under the
 * set's lock, which is not held while the callback runs, so the
 * callback may check other certificates against the same set).
 *
 * Work is bounded: entries are found by binary search over an index
 * sorted once (a CRL of a million entries is parsed in a few seconds
 * and each lookup is ~20 comparisons), at most CK_CRLSET_MAX CRLs, 32
 * distribution points per certificate, 16 names per GeneralNames and 16
 * candidate signers per CRL are looked at.
 *
 * This module is not revocation.h's ck_crl_check(), which judges one
 * CRL served at a URL for aiacheck. */
#ifndef CK_CRL_H
#define CK_CRL_H

#include "cert.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* At most this many CRLs in a set; ck_crlset_add() refuses more with
 * CK_E_TOO_LARGE. */
#define CK_CRLSET_MAX 4096

struct ck_crlset;

/* A new, empty set. */
enum ck_status ck_crlset_new(struct ck_crlset **out);

/* Free a set and every CRL in it; NULL is a no-op. */
void ck_crlset_free(struct ck_crlset *s);

/* Add every CRL in data[0..len) (borrowed; the CRLs are copied): one
 * DER CRL, or PEM text with one or more "X509 CRL" blocks (other blocks
 * are skipped).  `origin` names where the bytes came from (a file name,
 * a URL) in the verdicts' messages; NULL: "input".
 *
 * All or nothing: CK_E_PARSE with the reason (and which PEM block) when
 * any CRL in the buffer is not a well-formed CRL, CK_E_TOO_LARGE past
 * CK_CRLSET_MAX CRLs; the set is then unchanged.  A well-formed CRL that
 * must not be used (an unknown critical extension, a malformed
 * issuingDistributionPoint, differing signature algorithms) is added
 * and reported as unusable by the checks that meet it. */
enum ck_status ck_crlset_add(struct ck_crlset *s, const unsigned char *data, size_t len,
			     const char *origin, struct ck_error *err);

/* Number of CRLs in the set (complete and delta). */
size_t ck_crlset_count(const struct ck_crlset *s);

enum ck_revstatus {
	CK_REV_GOOD,         /* every reason covered by CRLs that do not list it */
	CK_REV_REVOKED,      /* listed (certificateHold included) */
	CK_REV_UNDETERMINED, /* the CRLs at hand cannot say */
};

struct ck_revinfo {
	enum ck_revstatus status;
	int reason;         /* CRLReason code of the entry; -1 when none */
	time_t revoked_at;  /* revocationDate of the entry; 0 unless revoked */
	char why[256];      /* one line: which CRL decided, or why undetermined */
};

/* The CRLReason name of `reason` ("keyCompromise", ...; "unspecified"
 * for -1), "unknown" for a value RFC 5280 does not define. */
const char *ck_crlset_reason_name(int reason);

/* The caller's verdict on a CRL signer: is `signer` (borrowed) a valid
 * CRL signer for CRLs about certificates issued by `cert_issuer`?  The
 * validator builds and validates the signer's own path to the same
 * trust anchor (RFC 5280 §6.3.3 (f)).  Called for every candidate
 * signer whose key verified a CRL's signature and whose keyUsage (if
 * any) has cRLSign, the certificate's issuer included. */
typedef bool (*ck_crl_signer_fn)(void *ctx, const struct ck_cert *signer,
				 const struct ck_cert *cert_issuer);

/* The revocation status of `cert`, issued by `issuer`, at time `at`,
 * from the CRLs in `s` (RFC 5280 §6.3.3).  `pool[0..npool)` are the
 * other certificates at hand, searched for the signer of a CRL whose
 * issuer is not `issuer` (indirect CRLs, separate CRL keys): by name
 * (the CRL's issuer), then key identifier, then the signature over the
 * CRL.  Everything is borrowed.  `signer_ok` is asked about each signer
 * (see above); NULL accepts `issuer` itself and no other signer.
 *
 * A CRL counts only when it is valid at `at` (thisUpdate <= at <=
 * nextUpdate).  Delta CRLs are used when the certificate or the
 * complete CRL has a freshestCRL extension.  certificateHold counts as
 * revoked.
 *
 * CK_OK with *out filled (a status, not a failure, for every answer the
 * CRLs give, UNDETERMINED included); CK_E_USAGE for NULL arguments,
 * CK_E_NOMEM. */
enum ck_status ck_crlset_check(const struct ck_crlset *s, const struct ck_cert *cert,
			       const struct ck_cert *issuer, const struct ck_cert *const *pool,
			       size_t npool, time_t at, ck_crl_signer_fn signer_ok, void *ctx,
			       struct ck_revinfo *out, struct ck_error *err);

/* ---------------------------------------------------------------- */
/* Showing CRLs (chainview): what each CRL of a set says, read from the
 * same parse as the checks use (no second decoding).  CRLs are indexed
 * 0 .. ck_crlset_count() - 1, newest first. */

/* Does data[0..len) look like CRLs to show: PEM with "X509 CRL" blocks
 * and no certificate (a file that also holds certificates is a bundle),
 * or DER shaped like a CertificateList?  ck_crlset_add() says what is
 * wrong with it. */
bool ck_crl_sniff(const unsigned char *data, size_t len);

#define CK_CRL_NUMBER_MAX 160 /* a cRLNumber in decimal, NUL included */

struct ck_crl_about {
	const char *issuer;        /* RFC 4514 (borrowed from the set) */
	const char *origin;        /* as given to ck_crlset_add(), "#k" for block k */
	const char *unusable;      /* why it must not be used; "" when usable */
	int version;               /* 1 or 2 */
	time_t this_update, next_update;
	bool has_next;
	char number[CK_CRL_NUMBER_MAX];     /* cRLNumber, decimal; "" when absent */
	bool delta;
	char delta_base[CK_CRL_NUMBER_MAX]; /* deltaCRLIndicator, decimal */
	bool freshest;             /* has freshestCRL (delta CRLs are issued) */
	char aki[2 * CK_KEYID_MAX + 1]; /* authority key identifier, hex; "" when absent */
	bool has_idp;              /* issuingDistributionPoint: */
	size_t idp_names;          /*   its names (ck_crlset_idp_name) */
	bool only_user, only_ca, only_attr, indirect;
	char only_reasons[160];    /*   onlySomeReasons, comma-separated; "" when absent */
	char signature_algorithm[64]; /* "RSA-SHA256", or the dotted OID when unknown */
	size_t entries;            /* revoked certificates */
	size_t by_reason[11];      /* entries per CRLReason code (0 .. 10) */
	size_t no_reason;          /* entries without a reasonCode */
};

/* Fill *out about CRL i of the set (everything borrowed from the set).
 * CK_E_USAGE when i is out of range.  O(entries) for the reason counts,
 * no allocation. */
enum ck_status ck_crlset_about(const struct ck_crlset *s, size_t i, struct ck_crl_about *out);

/* Name k of CRL i's issuingDistributionPoint as text ("URI:http://...",
 * "DNS:...", "DirName:CN=...", "email:...", "IP:..."), or "other:[n]"
 * for the kinds not shown; false past the last one. */
bool ck_crlset_idp_name(const struct ck_crlset *s, size_t i, size_t k, char *buf, size_t size);

/* One revoked certificate, as ck_crlset_entries() gives it. */
struct ck_crl_entry {
	const unsigned char *serial; /* big-endian, leading zeros dropped */
	size_t serial_len;
	time_t date;                 /* revocationDate */
	int reason;                  /* CRLReason; -1 when absent */
	time_t invalidity;           /* invalidityDate; 0 when absent */
};

/* Return false to stop. */
typedef bool (*ck_crl_entry_fn)(void *ctx, const struct ck_crl_entry *e);

/* Call fn for every entry of CRL i, in the CRL's order (the DER is
 * walked again: nothing is kept).  CK_E_USAGE when i is out of range. */
enum ck_status ck_crlset_entries(const struct ck_crlset *s, size_t i, ck_crl_entry_fn fn,
				 void *ctx);

enum ck_crl_sigcheck {
	CK_CRL_SIG_NOT_CHECKED, /* no certificate of the issuer at hand */
	CK_CRL_SIG_VALID,       /* a certificate of the issuer verifies it */
	CK_CRL_SIG_INVALID,     /* certificates of the issuer, none verifies it */
	CK_CRL_SIG_UNSUPPORTED, /* its signature algorithm is not supported */
};

/* Check CRL i's signature with the certificates pool[0..n) (borrowed;
 * NULL entries skipped) named as its issuer (RFC 5280 7.1), whose
 * subjectKeyIdentifier, when both have one, is the CRL's authority key
 * identifier.  *signer (may be NULL) is set to the index of the one
 * that verifies when the answer is CK_CRL_SIG_VALID. */
enum ck_crl_sigcheck ck_crlset_signature(const struct ck_crlset *s, size_t i,
					 const struct ck_cert *const *pool, size_t n,
					 size_t *signer);

#endif
