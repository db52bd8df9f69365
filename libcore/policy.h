/* policy — what certaudit holds every bundle to, and the verdict.
 *
 * A policy is a few parameters (expiry warning, smallest key sizes,
 * forbidden signature hashes, the purpose leaves must allow, the longest
 * leaf validity) and a level for every finding code: error (the file
 * FAILs), warning (it WARNs), info (reported, no effect) or off.  Its
 * text form is "key = value" lines: ck_policy_format() writes a whole
 * policy in it and ck_policy_parse() reads it back, so the built-in
 * default can be printed, edited and passed back.
 *
 * An audit applies a policy to one analysed bundle (ck_analyze()), or to
 * a file that could not be loaded: chainview's findings get the
 * policy's levels, and the policy's own checks add theirs.  Nothing here
 * touches files but ck_policy_load_file(); a policy is read-only once
 * made, so threads can share it. */
#ifndef CK_POLICY_H
#define CK_POLICY_H

#include "aia.h"
#include "checks.h"
#include "err.h"
#include "findings.h"
#include "load.h"

#include <stdbool.h>
#include <stddef.h>

/* "off", "info", "warning", "error". */
const char *ck_level_name(enum ck_level l);

#define CK_POLICY_MAX_HASHES 16

/* One finding code and its level.  `code` and `summary` are static. */
struct ck_policy_rule {
	const char *code;
	enum ck_level level;
	const char *summary;
};

struct ck_policy {
	unsigned warn_days;          /* expires-soon threshold, 1..36500 */
	unsigned min_rsa_bits;       /* weak-key; 0: no minimum */
	unsigned min_dsa_bits;
	unsigned min_ec_bits;        /* ECDSA and EdDSA */
	int forbidden_hashes[CK_POLICY_MAX_HASHES]; /* gnutls_digest_algorithm_t */
	size_t nforbidden;
	const char *purpose;         /* CK_OID_EKU_CLIENT/SERVER, or NULL: any */
	unsigned max_leaf_days;      /* validity-too-long; 0: no limit */
	unsigned next_update_warn_hours; /* url-next-update-soon (--network) */
	struct ck_policy_rule *rules; /* every code the audit can report */
	size_t nrules;
};

/* The built-in default policy. */
enum ck_status ck_policy_new(struct ck_policy **out, struct ck_error *err);
void ck_policy_free(struct ck_policy *p);

/* Apply "key = value" lines to `p`: keys not given keep their value.
 * CK_E_PARSE with "line N: ..." on an unknown key, code or value;
 * `p` is then unchanged. */
enum ck_status ck_policy_parse(struct ck_policy *p, const char *text, size_t len,
			       struct ck_error *err);

/* Read a policy file and apply it (CK_E_IO, CK_E_PARSE; err->file set). */
enum ck_status ck_policy_load_file(struct ck_policy *p, const char *path,
				   struct ck_error *err);

/* The whole policy as "key = value" lines with comments, which
 * ck_policy_parse() reads back to the same policy.  Malloc'ed; NULL when
 * out of memory. */
char *ck_policy_format(const struct ck_policy *p);

/* The level of a code; a code the policy does not list gets chainview's
 * severity for it (info when unknown). */
enum ck_level ck_policy_level(const struct ck_policy *p, const char *code);

/* The analysis options the policy asks for (expiry threshold, purpose),
 * checking validity at `at` (0: now). */
void ck_policy_analyze_opts(const struct ck_policy *p, time_t at, struct ck_analyze_opts *o);

enum ck_verdict {
	CK_VERDICT_OK = 0,
	CK_VERDICT_WARN,
	CK_VERDICT_FAIL,
};

/* "ok", "warn", "fail". */
const char *ck_verdict_name(enum ck_verdict v);

struct ck_audit_finding {
	char *code;
	enum ck_level level;      /* never CK_LEVEL_OFF */
	long cert;                /* output index in the analysis, -1: none */
	char *subject;            /* that certificate's subject, or NULL */
	char *message;
	char *hint;               /* may be NULL */
};

/* The result of auditing one file.  Findings are sorted: errors first,
 * then by certificate (file-level findings last), then by code. */
struct ck_audit {
	enum ck_verdict verdict;
	struct ck_audit_finding *findings;
	size_t nfindings;
	size_t findings_cap;  /* entries allocated (policy.c grows it) */
	size_t errors, warnings, infos;
};

/* Audit an analysed bundle (both borrowed). */
enum ck_status ck_audit_bundle(const struct ck_policy *p, const struct ck_bundle *b,
			       const struct ck_analysis *a, struct ck_audit **out,
			       struct ck_error *err);

/* The finding code for a file that could not be loaded with `status`
 * ("unreadable", "corrupt", "unsupported", "password-required",
 * "password-wrong", "kdf-budget-exceeded"), or NULL when the status is not about the file
 * (out of memory, internal error). */
const char *ck_audit_failure_code(enum ck_status status);

/* The same as an id; false when the status is not about the file. */
bool ck_audit_failure_finding(enum ck_status status, enum ck_finding_id *out);

/* Audit a file that could not be loaded: one finding, the code for
 * cause->status with cause->what as its message.  CK_E_USAGE when the
 * status is not about the file. */
enum ck_status ck_audit_failure(const struct ck_policy *p, const struct ck_error *cause,
				struct ck_audit **out, struct ck_error *err);

/* Add a finding (the level comes from the policy; nothing is added when
 * it is off) and update the counts and the verdict.  The findings stay
 * sorted. */
enum ck_status ck_audit_add(struct ck_audit *au, const struct ck_policy *p, enum ck_finding_id id,
			    long cert, const char *subject, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

void ck_audit_free(struct ck_audit *au);

/* ---- URL checks (certaudit --network; policy-urls.c) ---- */

/* The URLs of one analysed bundle and, once checked, what each gave. */
struct ck_url_set {
	struct ck_url_entry *urls;
	long *cert;               /* per URL: output index of its certificate */
	size_t nurls;
	struct ck_cert **certs;   /* owned copies the entries point to */
	size_t ncerts;
};

/* Every caIssuers, OCSP, CRL and delta-CRL URL of every certificate `a`
 * shows, with copies of the certificate and of its issuer when the
 * analysis verified it (an OCSP request names the issuer, a CRL's
 * signature is checked with its key).  The set owns what it holds. */
enum ck_status ck_url_set_new(const struct ck_analysis *a, struct ck_url_set **out,
			      struct ck_error *err);
void ck_url_set_free(struct ck_url_set *s);

/* Check the URLs of all the sets together: each distinct request (URL,
 * and the body of an OCSP request) is made once however many sets name
 * it, all concurrently (net), and every URL is settled with what its
 * request gave, as of `at` (0: now).  *requests (may be NULL) is set to
 * the number of requests made. */
enum ck_status ck_url_sets_check(struct ck_url_set *const *sets, size_t nsets,
				 const struct ck_net_opts *net, time_t at, unsigned warn_hours,
				 size_t *requests, struct ck_error *err);

/* The finding code of a URL result class ("url-dropped", "revoked",
 * ...), NULL for CK_URL_OK. */
const char *ck_audit_url_code(enum ck_url_result r);

/* The same as an id; false for CK_URL_OK. */
bool ck_audit_url_finding(enum ck_url_result r, enum ck_finding_id *out);

/* Add the findings of a checked set: one per URL whose result is not ok,
 * and url-next-update-soon for a CRL or OCSP answer that is ok but
 * expires within the warning period. */
enum ck_status ck_audit_add_urls(struct ck_audit *au, const struct ck_policy *p,
				 const struct ck_url_set *s);

#endif
