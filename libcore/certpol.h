/* certpol — certificate policy processing of RFC 5280 §6.1 (the
 * valid_policy_tree, policy mappings, requireExplicitPolicy,
 * inhibitPolicyMapping, inhibitAnyPolicy), in the form RFC 9618 gives
 * it: a policy graph whose size grows linearly with the certificates,
 * never exponentially.
 *
 * Not to be confused with `policy`, certaudit's audit policies.  The
 * path validator (validate) calls ck_certpol_process() on a candidate
 * path; signatures, names and the other §6.1 checks are its business. */
#ifndef CK_CERTPOL_H
#define CK_CERTPOL_H

#include "cert.h"
#include "err.h"

#include <stdbool.h>
#include <stddef.h>

#define CK_OID_ANY_POLICY "2.5.29.32.0"

/* The most nodes + parent links + expected-policy entries the policy
 * graph may hold over a whole path.  RFC 9618's graph is linear in the
 * input, but a long path whose certificates all assert anyPolicy copies
 * every live policy into every level; past this bound the path fails
 * policy processing (res->ok false, the reason says so).  Real paths
 * use a few dozen. */
#define CK_CERTPOL_MAX_GRAPH 131072

/* The inputs of RFC 5280 §6.1.1 that concern policies.  A NULL opts
 * means the defaults: {anyPolicy}, every flag false. */
struct ck_certpol_opts {
	const char *const *initial; /* user-initial-policy-set, dotted OIDs (canonical:
				     * no leading zeros); NULL or ninitial 0, or a set
				     * holding anyPolicy: {anyPolicy} */
	size_t ninitial;
	bool explicit_policy; /* initial-explicit-policy */
	bool inhibit_mapping; /* initial-policy-mapping-inhibit */
	bool inhibit_any;     /* initial-any-policy-inhibit */
};

/* The outputs (RFC 5280 §6.1.6 as RFC 9618 §4.5 replaces it).  Owned by
 * the caller's storage, freed with ck_certpol_result_cleanup(). */
struct ck_certpol_result {
	bool ok;           /* false: the path fails policy processing */
	size_t fail_index; /* when !ok: index in certs[] of the certificate at
			    * which it failed (the leaf for the final check) */
	char why[256];     /* when !ok: one line naming the rule (RFC section),
			    * the certificate and the value; "" when ok */
	/* NULL-terminated lists of dotted OIDs (anyPolicy as 2.5.29.32.0),
	 * never NULL after CK_OK; empty when the graph is NULL or when
	 * processing stopped before the leaf's wrap-up (a failure other than
	 * the final check: the lists say for which policies the path would
	 * have been valid when only that check fails).
	 *
	 * authorities_constrained: RFC 9618 §6.1.5 (g): the policies of the
	 * trust anchor's domain the path is valid for: each node whose only
	 * parent is an anyPolicy node and that still has a descendant in the
	 * leaf's level, plus anyPolicy when the leaf's level holds it;
	 * distinct, in path order.
	 * user_constrained: that set intersected with the
	 * user-initial-policy-set (each initial policy when the authority set
	 * holds anyPolicy). */
	char **user_constrained;
	char **authorities_constrained;
	bool explicit_required; /* explicit_policy is 0 at the end (§6.1.5 (a)(b)):
				 * the path needed a non-empty user-constrained set */
};

/* Process the policies of a path.  certs[0] is the certificate issued
 * by the trust anchor, certs[n-1] the target (leaf); the anchor itself
 * is not included (RFC 5280 §6.1).  Borrows certs and o.
 *
 * Reads certificatePolicies (2.5.29.32), policyMappings (2.5.29.33),
 * policyConstraints (2.5.29.36) and inhibitAnyPolicy (2.5.29.54) of each
 * certificate and runs §6.1.2 (a)(d)(e)(f), §6.1.3 (d)(e)(f), §6.1.4
 * (a)(b)(h)(i)(j) and §6.1.5 (a)(b)(g) with RFC 9618's policy graph.
 * A self-issued certificate (c->self_issued) other than the leaf does
 * not decrement the counters (§6.1.4 (h)) and may carry anyPolicy
 * through an inhibit (§6.1.3 (d)(2)).  The leaf's policyMappings and
 * inhibitAnyPolicy are checked for form but not applied (§6.1.4 is
 * for i < n).
 *
 * The path fails (res->ok false, fail_index, why) on: §6.1.3 (f) (no
 * valid policy while an explicit policy is required), §6.1.4 (a) (a
 * mapping to or from anyPolicy), the final check of §6.1.5; a
 * malformed or duplicated policy extension; an empty extension that
 * RFC 5280 gives SIZE (1..MAX) or an empty policyConstraints; a policy
 * OID listed twice in certificatePolicies (§4.2.1.4); a qualifier other
 * than CPS pointer or user notice in a critical certificatePolicies or
 * on anyPolicy (§4.2.1.4); a graph over CK_CERTPOL_MAX_GRAPH.
 *
 * Returns CK_OK with *res filled (ok true or false); CK_E_USAGE when an
 * initial policy is not a dotted OID; CK_E_NOMEM.  On an error *res is
 * left cleared (ck_certpol_result_cleanup() is still safe). */
enum ck_status ck_certpol_process(const struct ck_cert *const *certs, size_t n,
				  const struct ck_certpol_opts *o,
				  struct ck_certpol_result *res, struct ck_error *err);

/* One policy extension as a caller found it: its extnValue content. */
struct ck_certpol_ext {
	bool present;
	bool critical;
	const unsigned char *value;
	size_t len;
};

/* The policy extensions of one certificate, for callers that hold no
 * certificate record (the fuzz harness, tests). */
struct ck_certpol_exts {
	struct ck_certpol_ext policies;    /* certificatePolicies */
	struct ck_certpol_ext mappings;    /* policyMappings */
	struct ck_certpol_ext constraints; /* policyConstraints */
	struct ck_certpol_ext inhibit_any; /* inhibitAnyPolicy */
	bool self_issued;
};

/* ck_certpol_process() over extension values: the same processing, the
 * same results; messages name certificates by index only.  Borrows
 * certs and o. */
enum ck_status ck_certpol_process_exts(const struct ck_certpol_exts *certs, size_t n,
				       const struct ck_certpol_opts *o,
				       struct ck_certpol_result *res, struct ck_error *err);

/* Free the lists of a result and clear it; a cleared result is a no-op. */
void ck_certpol_result_cleanup(struct ck_certpol_result *res);

#endif
