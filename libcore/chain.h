/* chain — path building over a pool of certificates.
 *
 * The pool holds every certificate that may appear in a path: the input,
 * the trust stores (anchors), and certificates fetched later.  It
 * borrows the records; whoever loaded them keeps them alive longer than
 * the pool.  ck_chain_build() finds the best path from a leaf upwards:
 * a valid path to a trust anchor if there is one, else the best path
 * to an untrusted self-signed root, else the longest partial path and
 * what is missing above it. */
#ifndef CK_CHAIN_H
#define CK_CHAIN_H

#include "cert.h"
#include "err.h"
#include "validate.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum ck_source {
	CK_SRC_INPUT = 0,
	CK_SRC_TRUST,
	CK_SRC_FETCHED,
};

const char *ck_source_name(enum ck_source s); /* "input", "trust-store", "fetched" */

struct ck_pool_entry {
	const struct ck_cert *cert;
	enum ck_source source;
	bool anchor;          /* a trust anchor (from a store, --ca-file, ...) */
	const char *origin;   /* which store or file it came from (borrowed) */
	int input_index;      /* position in the input, -1 if not from it */
	int duplicate_of;     /* pool index of the first copy, -1 if none */
	/* private to chain.c */
	uint64_t subj_hash, iss_hash;
	struct ck_pubkey *pubkey;
	bool pubkey_failed;
	int self_sig;         /* 0 unknown, 1 verifies with its own key, 2 does not */
};

struct ck_pool;

enum ck_status ck_pool_new(struct ck_pool **out);
void ck_pool_free(struct ck_pool *pool);

/* Add a certificate (borrowed).  A certificate already in the pool (same
 * DER) is not added twice: the existing entry becomes an anchor if the
 * new one is, and an input duplicate is recorded in duplicate_of of the
 * returned index.  *index (may be NULL) is the new entry's index. */
enum ck_status ck_pool_add(struct ck_pool *pool, const struct ck_cert *cert,
			   enum ck_source source, bool anchor, const char *origin,
			   int input_index, size_t *index);

size_t ck_pool_count(const struct ck_pool *pool);
const struct ck_pool_entry *ck_pool_get(const struct ck_pool *pool, size_t index);

/* Index of the entry holding this exact certificate, or -1. */
long ck_pool_find(const struct ck_pool *pool, const struct ck_cert *cert);

/* Mark in issues[pool index] every entry whose name says it issued some
 * other certificate of the input (decides the leaves).  Name match only,
 * no signature check; O(input).  `issues` has ck_pool_count() slots. */
void ck_pool_input_issuers(const struct ck_pool *pool, bool *issues);

/* Verify (cached) that pool entry `issuer` signed entry `child`.
 * Returns 1 verified, 0 does not verify, -1 cannot be checked. */
int ck_pool_verify(struct ck_pool *pool, size_t child, size_t issuer);

struct ck_chain_opts;

/* Verify ahead, on opts->threads threads, the signature of every link
 * the builder may try from the certificates chains are built through
 * (the input's and fetched ones): each issuer candidate by name or key
 * id, and self-signatures.  The results go to the cache ck_pool_verify()
 * reads, so building then verifies nothing more in the usual case.  The
 * set of links and every result are the same for any number of threads:
 * so is everything built afterwards.  When the links are more than half
 * of the signature budget (opts->max_verifications), nothing is verified
 * ahead and the builder spends the budget in its own order, as without
 * this call.  opts may be NULL (defaults). */
enum ck_status ck_pool_verify_ahead(struct ck_pool *pool, const struct ck_chain_opts *opts);

/* Number of signature verifications actually run (for benchmarks). */
size_t ck_pool_verifications(const struct ck_pool *pool);

struct ck_chain_opts {
	time_t at;            /* validity time; 0 = now */
	const char *purpose;  /* EKU OID required of the leaf, or NULL */
	const char *hostname; /* name the leaf must match, or NULL */
	unsigned max_depth;   /* path length the builder explores; 0 = CK_CHAIN_MAX_DEPTH */
	/* what a path must pass (validate.h); zero = the modern profile,
	 * anyPolicy, no depth limit, no revocation */
	struct ck_validate_opts v;
	/* signature checks allowed for a whole pool: 0 = 1,000 plus two
	 * per certificate in it (a pool of thousands of same-name
	 * certificates that do not verify stays linear) */
	size_t max_verifications;
	/* threads that verify signatures ahead of the builder
	 * (ck_pool_verify_ahead); 0 = one per online processor */
	unsigned threads;
	/* private to chain.c: how deep in CRL signer validation */
	unsigned signer_depth;
};

#define CK_CHAIN_MAX_DEPTH 12

/* One issuer the builder considered for the certificate at `pos`. */
struct ck_trace_entry { /* 24 bytes: a bundle of 100,000 chains keeps every one */
	uint32_t pos;         /* position of the certificate being extended */
	uint32_t child;       /* its pool index */
	uint32_t candidate;   /* the candidate issuer's pool index */
	bool taken;           /* on the reported path */
	const char *reason;   /* why rejected, or what happened; one line (owned by
				 the chain; not always a malloc'ed copy of its own) */
};

#define CK_CHAIN_MAX_TRACE 256

struct ck_chain {
	size_t *path;         /* pool indices, leaf first */
	size_t len;
	bool complete;        /* ends at a self-signed certificate or an anchor */
	bool trusted;         /* ends at a trust anchor */
	bool valid;           /* trusted and no problem of error severity */
	bool self_signed_top; /* the top certificate signs itself */
	/* When incomplete: the top certificate's issuer was not found
	 * (issuer_present false), or was found but no candidate's
	 * signature verified (issuer_present true). */
	bool issuer_present;
	bool explored;        /* false: a work bound stopped the search */
	bool *link_verified;  /* [i]: path[i] verified by path[i+1]; len-1 entries */
	struct ck_chain_problem *problems;
	size_t nproblems;
	enum ck_profile profile;
	struct ck_validation validation; /* §6.1.6 outputs of the reported path */
	struct ck_trace_entry *trace;    /* in the order considered */
	size_t ntrace;
	bool trace_truncated;            /* more than CK_CHAIN_MAX_TRACE */
	unsigned paths_evaluated;
};

/* Build the best path from pool entry `leaf`. */
enum ck_status ck_chain_build(struct ck_pool *pool, size_t leaf,
			      const struct ck_chain_opts *opts, struct ck_chain **out,
			      struct ck_error *err);
void ck_chain_free(struct ck_chain *chain);

#endif
