/* aia — every URL of a chain, listed and tested: AIA caIssuers, AIA
 * OCSP, CRL distribution points and freshest-CRL (delta) points of
 * every certificate the analysis shows, and of every issuer fetched
 * from a caIssuers URL (the missing links, as a client would complete
 * the chain), plus URLs given by the user.
 *
 * ck_aia_check() lists the URLs, fetches them all concurrently (urlbatch),
 * and checks what each served: a caIssuers answer must hold the
 * certificate that issued the URL's certificate; a CRL or an OCSP
 * response must come from that issuer, be current as of `at`, and not
 * list the certificate (revocation).  A verified issuer fetched this way
 * joins the pool (source "fetched") and its own URLs are checked in the
 * next round, until the chains are complete or nothing new is found. */
#ifndef CK_AIA_H
#define CK_AIA_H

#include "checks.h"
#include "net.h"
#include "revocation.h"
#include "urlbatch.h"

enum ck_url_kind {
	CK_KIND_CA_ISSUERS = 0,
	CK_KIND_OCSP,
	CK_KIND_CRL,
	CK_KIND_DELTA_CRL,
	CK_KIND_GIVEN,       /* --url */
};

/* "ca-issuers", "ocsp", "crl", "delta-crl", "url". */
const char *ck_url_kind_name(enum ck_url_kind k);

/* What a caIssuers URL served. */
struct ck_issuer_info {
	const char *format;     /* "der", "pem", "pkcs7", "pem-pkcs7", "base64",
				   "pkcs12", or NULL when unreadable (for LDAP:
				   of the attribute's value) */
	size_t certificates;
	struct ck_cert *issuer; /* the served certificate that issued the URL's
				   certificate (owned), or NULL */
	char *subject;          /* of that certificate, or of the first one */
	int key_id;             /* AKI == SKI: 1, 0 differs, -1 absent */
	bool signature;         /* the signature verified */
};

/* What a --url served, when it is recognisable. */
struct ck_given_info {
	const char *what;       /* "certificates", "crl", "ocsp-response", NULL */
	size_t certificates;
	char *subject;          /* first certificate or CRL issuer */
};

struct ck_url_entry {
	enum ck_url_kind kind;
	char *url;                   /* exactly as found */
	char *requested;             /* what was requested when it differs
					(whitespace removed, OCSP GET form), or NULL */
	const struct ck_cert *cert;  /* the certificate it belongs to (borrowed), NULL for --url */
	const struct ck_cert *issuer;/* that certificate's issuer when known (borrowed) */
	unsigned position;           /* index among the certificate's URLs of this kind */
	const char *method;          /* "GET" or "POST"; NULL when not requested */
	unsigned round;              /* 1, 2, ...: in which round it was fetched */
	bool checked;                /* a request was made */
	enum ck_url_result result;
	enum ck_url_result effective;/* what the request gave: differs from
					`result` only for a malformed URL
					requested without its white space */
	bool warning;                /* ok, with a warning (nextUpdate soon) */
	char note[400];
	struct ck_net_result net;
	struct ck_issuer_info issuer_info;   /* ca-issuers */
	struct ck_crl_info crl;              /* crl, delta-crl */
	struct ck_ocsp_info ocsp;            /* ocsp */
	struct ck_given_info given;          /* url */
	unsigned used_by;            /* bit (1 << runtime) per runtime using it */
};

struct ck_aia_opts {
	struct ck_analyze_opts analyze;
	struct ck_net_opts net;
	unsigned warn_hours;         /* nextUpdate warning; 0: 24 */
	bool ocsp_get;               /* also GET each OCSP URL (RFC 5019) */
	bool list_only;              /* no network traffic at all */
	const char *const *urls;     /* --url, NULL-terminated, may be NULL */
	unsigned max_rounds;         /* 0: 4 */
};

struct ck_aia_report {
	const struct ck_bundle *bundle;  /* borrowed; NULL with --url only */
	struct ck_analysis *base;        /* input and trust stores only */
	struct ck_analysis *analysis;    /* with the fetched issuers */
	struct ck_cert **fetched;        /* owned */
	const char **fetched_from;       /* URL each came from (borrowed from urls) */
	size_t nfetched;
	struct ck_url_entry *urls;
	size_t nurls;
	size_t urls_cap;                 /* entries allocated (aia.c grows it) */
	unsigned rounds;
	bool list_only;
	time_t at;
	double elapsed_ms;               /* wall time of the network rounds */
	unsigned connect_timeout_ms, timeout_ms;
};

/* List and (unless list_only) check every URL of `b` (may be NULL when
 * only opts->urls are given) with anchors from `trust` (may be NULL).
 * The report borrows `b` and `trust`; free it first. */
enum ck_status ck_aia_check(const struct ck_bundle *b, const struct ck_trust *trust,
			    const struct ck_aia_opts *opts, struct ck_aia_report **out,
			    struct ck_error *err);
void ck_aia_report_free(struct ck_aia_report *r);

/* One input of ck_aia_check_all(): a bundle (may be NULL) and the URLs
 * given with it (NULL-terminated, may be NULL).  Both borrowed. */
struct ck_aia_input {
	const struct ck_bundle *bundle;
	const char *const *urls;
};

/* ck_aia_check() for `n` inputs at once (opts->urls is not used: each
 * input brings its own): every round requests the URLs of all inputs
 * still going as one batch, each distinct request once, so that inputs
 * sharing a URL (a dropped one above all) wait for it once.  On success
 * out[k] is the report of in[k] (each freed with ck_aia_report_free()). */
enum ck_status ck_aia_check_all(const struct ck_aia_input *in, size_t n,
				const struct ck_trust *trust, const struct ck_aia_opts *opts,
				struct ck_aia_report **out, struct ck_error *err);

/* One URL at a time, for callers that check the URLs of many bundles
 * together (certaudit --network): they make the entries, put them in
 * one batch (urlbatch.h) with ck_url_entry_enqueue(), and settle each
 * with its own answer from ck_url_batch_run() (ck_url_entry_settle()). */

/* Set up an entry (url copied; cert borrowed; `method` "GET" or "POST",
 * static).  The caller sets e->issuer (borrowed) when it knows it. */
enum ck_status ck_url_entry_init(struct ck_url_entry *e, enum ck_url_kind kind, const char *url,
				 const struct ck_cert *cert, unsigned position, const char *method);

/* Add the request for an entry to `b`, with `ctx` (what the batch
 * hands the settle function for it; the entry itself will do): the URL
 * is validated, and an entry that cannot be requested is settled here
 * instead (result and note set, nothing added).  An OCSP entry whose
 * issuer is known gets its request built (POST, or GET with the request
 * in the URL), one whose issuer is unknown a GET of the bare URL.  The
 * entry must outlive the batch's run (the request borrows its URL).
 * Only CK_E_NOMEM fails (and CK_E_INTERNAL when `b` is full). */
enum ck_status ck_url_entry_enqueue(struct ck_url_entry *e, unsigned schemes,
				    struct ck_url_batch *b, void *ctx);

/* Settle an entry with what its request gave (`net` is taken over and
 * cleared): the transport class, or what the content is worth as of
 * `at` (caIssuers answer, CRL, OCSP response, LDAP values); CRL and OCSP
 * answers whose nextUpdate is within `warn_hours` set e->warning. */
void ck_url_entry_settle(struct ck_url_entry *e, struct ck_net_result *net, time_t at,
			 unsigned warn_hours);

/* Free what an entry holds (the struct itself is the caller's). */
void ck_url_entry_cleanup(struct ck_url_entry *e);

/* Output index (in r->analysis) of a certificate, or -1. */
long ck_aia_cert_index(const struct ck_aia_report *r, const struct ck_cert *c);

/* Check what a caIssuers URL of `cert` served.  Exported for tests. */
enum ck_url_result ck_aia_check_issuer(const unsigned char *body, size_t len,
				       const struct ck_cert *cert, struct ck_issuer_info *info,
				       char *note, size_t notelen);
void ck_issuer_info_cleanup(struct ck_issuer_info *info);

/* The base64 values of attributes whose name starts with `attr` in
 * libcurl's LDAP output ("\tcACertificate;binary: BASE64"), decoded and
 * concatenated as DER.  Returns false when there is none. */
bool ck_aia_ldap_values(const unsigned char *body, size_t len, const char *attr,
			unsigned char **der, size_t *der_len);

#endif
