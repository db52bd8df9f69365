/* urlbatch — one batch of URL fetches, shared by every caller that
 * checks many URLs at once: aiacheck's rounds (aia), certaudit --network
 * (policy) and online revocation (revfetch).
 *
 * A caller adds items (a request and a context pointer of its own); the
 * batch keeps each distinct request once (ck_net_reqset: many
 * certificates name their issuer's URLs, and their OCSP requests for one
 * issuer are byte for byte the same), runs them all concurrently with
 * one ck_net_run(), and hands every item its own answer, in the order
 * the items were added.  The batch owns the POST bodies its requests
 * point to; URL strings stay the caller's. */
#ifndef CK_URLBATCH_H
#define CK_URLBATCH_H

#include "net.h"

struct ck_url_batch_item {
	void *ctx;                   /* the caller's, as given */
	size_t req;                  /* index into set.reqs */
};

struct ck_url_batch {
	struct ck_net_reqset set;    /* the distinct requests, first seen first */
	struct ck_url_batch_item *items; /* in the order added */
	size_t n;
	unsigned char **bodies;      /* private: owned POST bodies, one per item */
	double elapsed_ms;           /* wall time of ck_url_batch_run()'s fetches */
};

/* Room for up to `max` items.  CK_OK or CK_E_NOMEM (then nothing is
 * held).  Release with ck_url_batch_cleanup() either way. */
enum ck_status ck_url_batch_init(struct ck_url_batch *b, size_t max);

/* Add an item: `req` is copied by value (its strings are borrowed and
 * must outlive the run); `body` (malloc'ed, may be NULL) is taken over
 * in every case: it is what req->post points to, or what the request
 * was built from.  CK_E_NOMEM never happens here (the room was made by
 * ck_url_batch_init()); CK_E_INTERNAL when the batch already holds
 * `max` items. */
enum ck_status ck_url_batch_add(struct ck_url_batch *b, const struct ck_net_request *req,
				unsigned char *body, void *ctx);

/* Called once per item, in the order added, with the answer to its
 * request.  `net` may be taken over (ck_url_entry_settle() does, and
 * clears it); whatever is left in it is released after the call.  A
 * status other than CK_OK stops the run with that status. */
typedef enum ck_status (*ck_url_batch_settle_fn)(void *arg, void *ctx, struct ck_net_result *net);

/* Fetch every distinct request once, concurrently, with `net`, and
 * settle every item: each gets its own copy of the answer (the last
 * item of a request gets the original).  b->elapsed_ms is the wall
 * time of the fetches (0 when there was none), set even when they
 * fail.  A URL that fails is a result, not an error: CK_OK unless
 * libcurl could not start (CK_E_INTERNAL, CK_E_USAGE for a bad
 * net->resolve entry), memory ran out, or `settle` failed. */
enum ck_status ck_url_batch_run(struct ck_url_batch *b, const struct ck_net_opts *net,
				ck_url_batch_settle_fn settle, void *arg, struct ck_error *err);

/* The number of distinct requests (what ck_url_batch_run() fetches). */
size_t ck_url_batch_requests(const struct ck_url_batch *b);

/* Free what the batch holds (the struct itself is the caller's). */
void ck_url_batch_cleanup(struct ck_url_batch *b);

#endif
