/* checks — analyse one bundle: pick the leaves, build their chains
 * against the trust stores, decide each certificate's role and output
 * order, match keys to certificates, and produce the findings.
 *
 * The analysis borrows the bundle and the trust stores; free it first. */
#ifndef CK_CHECKS_H
#define CK_CHECKS_H

#include "chain.h"
#include "findings.h"
#include "load.h"
#include "trust.h"

struct ck_finding {
	enum ck_finding_id id;
	char *code;           /* its stable word, ck_finding_name(id) */
	enum ck_severity severity;
	long cert;            /* output index ("certificates" array), -1 = none */
	char *message;
	char *hint;           /* may be NULL */
};

struct ck_analyze_opts {
	struct ck_chain_opts chain;
	unsigned warn_days;   /* expires-soon threshold; 0 = 30 */
	/* Issuers fetched from caIssuers URLs (borrowed), added to the pool
	 * as source "fetched" with origin fetched_from[i] (may be NULL). */
	const struct ck_cert *const *fetched;
	const char *const *fetched_from;
	size_t nfetched;
};

struct ck_analysis {
	struct ck_pool *pool;
	time_t at;
	/* output order: pool indices, chain by chain (leaf first), then the
	 * input certificates on no chain */
	size_t *order;
	size_t norder;
	const char **roles;   /* per output index: leaf|intermediate|root|unrelated */
	long *pos_of;         /* per pool index: output index or -1 */
	/* per pool index, from the first chain it is on: the pool index of
	 * the certificate above it (itself when self-signed at the top, -1
	 * when none), and whether that signature verified (-1 unknown) */
	long *issuer_of;
	signed char *issuer_verified;
	struct ck_chain **chains; /* [0] is the primary chain */
	size_t nchains;
	long *key_match;      /* per bundle key: output index it matches, or -1 */
	struct ck_finding *findings;
	size_t nfindings;
	size_t errors, warnings;
};

/* Analyse `b` with anchors from `trust` (may be NULL). */
enum ck_status ck_analyze(const struct ck_bundle *b, const struct ck_trust *trust,
			  const struct ck_analyze_opts *opts, struct ck_analysis **out,
			  struct ck_error *err);
void ck_analysis_free(struct ck_analysis *a);

/* Output index of a pool entry, or -1 when it is not shown. */
long ck_analysis_index(const struct ck_analysis *a, size_t pool_index);

/* Output index of the certificate that issued output certificate `idx`
 * on its chain (itself when self-signed), or -1; *verified is 1, 0, or
 * -1 when there is no such link. */
long ck_analysis_issuer(const struct ck_analysis *a, size_t idx, int *verified);

#endif
