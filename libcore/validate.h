/* validate — RFC 5280 §6.1 validation of one candidate path, under a
 * profile.
 *
 * chain.c proposes a path (leaf first, signatures already verified link
 * by link); ck_validate_path() says which rules it breaks, each as a
 * problem with a finding code, the position and a one-line message
 * naming the certificate, the rule and the value.  The builder keeps
 * looking while a path has an error, so a chain with any valid path is
 * found valid.
 *
 * Profiles are one table (ck_validate_rule_at()): every rule is a row
 * with the profiles it belongs to and its source.  rfc5280 is the RFC's
 * relying-party algorithm and the MUSTs of its certificate profile that
 * current clients enforce; modern adds what OpenSSL 3 at Debian's
 * default security level and GnuTLS refuse; webpki adds the CA/Browser
 * Forum and browser rules for server certificates. */
#ifndef CK_VALIDATE_H
#define CK_VALIDATE_H

#include "cert.h"
#include "err.h"
#include "findings.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum ck_profile {
	CK_PROFILE_MODERN = 0, /* the default */
	CK_PROFILE_RFC5280,
	CK_PROFILE_WEBPKI,
};

#define CK_PROFILE_BIT(p) (1u << (p))
#define CK_PROFILES_ALL 7u

/* "modern", "rfc5280", "webpki". */
const char *ck_profile_name(enum ck_profile p);
/* false when `s` names no profile. */
bool ck_profile_parse(const char *s, enum ck_profile *out);

enum ck_revocation_mode {
	CK_REVOCATION_OFF = 0,
	CK_REVOCATION_CRL,    /* CRLs: given with --crl-file, and fetched when online */
	CK_REVOCATION_OCSP,   /* OCSP answers (online only) */
	CK_REVOCATION_ALL,    /* OCSP, and CRLs where OCSP gives no answer */
};

const char *ck_revocation_mode_name(enum ck_revocation_mode m);
bool ck_revocation_mode_parse(const char *s, enum ck_revocation_mode *out);

/* One row of the profile table. */
struct ck_validate_rule {
	enum ck_finding_id finding; /* the finding it produces */
	unsigned profiles;    /* CK_PROFILE_BIT()s */
	const char *what;     /* one line: what the rule requires */
	const char *source;   /* where the rule comes from */
};

/* The rows of the table, in the order they are checked. */
size_t ck_validate_rule_count(void);
const struct ck_validate_rule *ck_validate_rule_at(size_t i); /* NULL past the end */

/* A problem with one certificate of a path. */
struct ck_chain_problem {
	enum ck_finding_id id;
	const char *code;     /* its stable word, ck_finding_name(id) */
	size_t pos;           /* position in the path (0 = leaf) */
	bool warning;         /* does not make the chain invalid */
	char *message;
};

struct ck_problems {
	struct ck_chain_problem *v;
	size_t n;
	size_t errors, warnings;
};

__attribute__((format(printf, 5, 6)))
void ck_problems_add(struct ck_problems *ps, enum ck_finding_id id, size_t pos, bool warning,
		     const char *fmt, ...);
void ck_problems_free(struct ck_problems *ps);
/* The first error, or NULL. */
const struct ck_chain_problem *ck_problems_first_error(const struct ck_problems *ps);

/* Revocation status of one certificate of a path. */
enum ck_rev_state {
	CK_REVSTATE_NOT_CHECKED = 0,
	CK_REVSTATE_GOOD,
	CK_REVSTATE_REVOKED,
	CK_REVSTATE_UNKNOWN,
};

const char *ck_rev_state_name(enum ck_rev_state s); /* not-checked|good|revoked|unknown */

/* One request made for a certificate's revocation status (online
 * revocation, revfetch.h). */
struct ck_rev_fetch {
	const char *kind;     /* "crl" or "ocsp" */
	char *url;            /* as in the certificate */
	const char *result;   /* a class of net.h: "ok", "timeout", ... */
	char *message;        /* one line on what happened */
};

struct ck_rev_result {
	enum ck_rev_state state;
	int reason;           /* CRLReason, -1 none */
	time_t revoked_at;    /* 0 when not revoked */
	char *detail;         /* one line, may be NULL */
	const char *method;   /* "crl" or "ocsp": what decided; NULL unknown */
	struct ck_rev_fetch *fetches; /* online: what was fetched for it */
	size_t nfetches;
};

/* Where online answers come from: revfetch (revfetch.h) fills one for
 * the fetches it made, and the validator only asks it.  Both hooks are
 * given `ctx`; what they are given otherwise is borrowed for the call. */
struct ck_rev_source {
	/* What the OCSP responders said about `cert` issued by `issuer`:
	 * true with *state (GOOD or REVOKED), *reason (CRLReason, -1 none),
	 * *revoked_at and *url (the source's) when one gave a usable
	 * answer; false when none did. */
	bool (*ocsp)(const void *ctx, const struct ck_cert *cert, const struct ck_cert *issuer,
		     enum ck_rev_state *state, int *reason, time_t *revoked_at, const char **url);
	/* Append to *out (n entries, realloc'ed) a copy of every fetch made
	 * for `cert` of `kind` ("crl" or "ocsp"; NULL: both).  CK_OK, or
	 * CK_E_NOMEM with what was appended left in *out. */
	enum ck_status (*fetches)(const void *ctx, const struct ck_cert *cert,
				  const struct ck_cert *issuer, const char *kind,
				  struct ck_rev_fetch **out, size_t *n);
	const void *ctx;
};

struct ck_crlset;

/* What the caller asks of a path, beyond the builder's own bounds. */
struct ck_validate_opts {
	enum ck_profile profile;
	const char *const *policies; /* initial-policy-set, dotted; NULL = anyPolicy */
	size_t npolicies;
	bool explicit_policy, inhibit_mapping, inhibit_any;
	bool depth_limited;          /* --max-depth given */
	unsigned max_intermediates;  /* with depth_limited */
	enum ck_revocation_mode revocation;
	bool require_revocation;     /* undetermined status makes the chain invalid */
	const struct ck_crlset *crls; /* borrowed; NULL = none */
	/* online answers, borrowed; NULL = offline: only `crls`, and
	 * ocsp has no source */
	const struct ck_rev_source *online;
};

/* The outputs of RFC 5280 §6.1.6 besides the verdict. */
struct ck_validation {
	bool policy_processed;
	char **user_constrained;        /* dotted OIDs, NULL-terminated */
	char **authorities_constrained;
	struct ck_rev_result *rev;      /* per path position; NULL when off */
	size_t nrev;
};

void ck_validation_cleanup(struct ck_validation *v);

/* Asked for every CRL signer that is not the certificate's issuer: is
 * its own path valid (same anchors, same time)? */
typedef bool (*ck_validate_signer_fn)(void *ctx, const struct ck_cert *signer,
				      const struct ck_cert *cert_issuer);

struct ck_validate_path {
	const struct ck_cert *const *certs; /* leaf first */
	size_t len;
	bool trusted;         /* the top is a trust anchor */
	bool self_signed_top; /* the top verifies with its own key */
	bool complete;        /* trusted or self-signed top */
	const char *purpose;  /* EKU OID asked of the leaf, or NULL */
	const char *hostname; /* or NULL */
	time_t at;
	/* certificates a CRL signer may be found among (borrowed) */
	const struct ck_cert *const *others;
	size_t nothers;
	ck_validate_signer_fn signer_ok;
	void *signer_ctx;
};

/* Validate `path` (borrowed) under `o`: problems are appended to `ps`,
 * the §6.1.6 outputs written to `out` (cleaned up by the caller).
 * Returns CK_OK, or CK_E_NOMEM. */
enum ck_status ck_validate(const struct ck_validate_path *path, const struct ck_validate_opts *o,
			   struct ck_problems *ps, struct ck_validation *out);

#endif
