/* fix — the chain doctor behind the conversion tools: put a bundle's
 * certificates in chain order (the leaf first, each issuer after the
 * certificate it issued, the root last), drop what does not belong,
 * add missing intermediates from the trust stores, and say exactly what
 * changed and what is still missing.
 *
 * The result borrows the bundle's certificates and keys and the trust
 * stores' names: free it before them. */
#ifndef CK_FIX_H
#define CK_FIX_H

#include "checks.h"
#include "load.h"
#include "trust.h"

enum ck_fix_scope {
	/* every input certificate: chain by chain, then the unrelated ones
	 * (a conversion that loses nothing but duplicates) */
	CK_FIX_ALL = 0,
	/* the primary chain only: the leaf a private key matches, else the
	 * first leaf of the input, and its issuers */
	CK_FIX_PRIMARY,
};

struct ck_fix_opts {
	enum ck_fix_scope scope;
	bool keep_root;  /* keep the input's self-signed root at the end of its chain */
	bool complete;   /* add intermediates missing from the input, found in the trust stores */
	time_t at;       /* validity time for choosing paths; 0 = now */
};

enum ck_fix_kind {
	CK_FIX_REORDERED,         /* the certificates kept are in a new order */
	CK_FIX_DROPPED_DUPLICATE, /* a second copy of a certificate */
	CK_FIX_DROPPED_UNRELATED, /* not on the primary chain */
	CK_FIX_DROPPED_ROOT,      /* a self-signed root (keep_root off) */
	CK_FIX_ADDED,             /* an intermediate taken from a trust store */
};

struct ck_fix_change {
	enum ck_fix_kind kind;
	const struct ck_cert *cert; /* NULL for CK_FIX_REORDERED */
	int input_pos;              /* 1-based position in the input; 0 when added */
	int same_as;                /* DROPPED_DUPLICATE: position of the copy kept */
	const char *origin;         /* ADDED: the store's name (borrowed) */
};

struct ck_fixed {
	const struct ck_cert **certs; /* the output, in order */
	const char **roles;           /* per output certificate: leaf|intermediate|root|unrelated */
	int *input_pos;               /* per output certificate: 1-based input position, 0 = added */
	size_t ncerts;
	long leaf;                    /* output index of the primary leaf, -1 if none */
	const struct ck_key *key;     /* the private key of the primary leaf, or NULL */
	size_t unmatched_keys;        /* private keys that match no input certificate */
	struct ck_fix_change *changes;
	size_t nchanges;
	/* The primary chain reaches a self-signed certificate or a trust
	 * anchor (true when there is no certificate at all). */
	bool complete;
	/* When not complete: the last certificate found, whose issuer is
	 * missing (its `issuer` and `aia_ca_issuers` say what and where), and
	 * whether a certificate of that name was found whose signature does
	 * not verify. */
	const struct ck_cert *missing_from;
	bool missing_bad_signature;
	/* missing_from is a CA and no certificate of its issuer's name was
	 * found: what is missing is most likely the root, which a bundle
	 * may rightly leave out (the peer must already trust it). */
	bool missing_root;
	/* private: copies of the certificates added from the stores */
	struct ck_cert **added;
	size_t nadded;
};

/* Order and fix `b`.  `trust` (may be NULL) is where missing
 * intermediates are looked for and what makes a chain end at an anchor.
 * Roots are never added from a store: a peer that does not already trust
 * a root gains nothing from receiving it. */
enum ck_status ck_fix(const struct ck_bundle *b, const struct ck_trust *trust,
		      const struct ck_fix_opts *opts, struct ck_fixed **out,
		      struct ck_error *err);

void ck_fixed_free(struct ck_fixed *f);

#endif
