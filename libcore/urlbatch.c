/* urlbatch — one batch of URL fetches (see urlbatch.h).
 *
 * Invariants: items[k].req < set.n for every item; bodies[k] is item
 * k's and lives until cleanup, since a request that deduplicates to an
 * earlier item's points at that item's body.  Settling copies an answer
 * for every item of a request but its last, which takes the original:
 * memory holds one extra copy at a time, and a request asked once is
 * never copied. */
#include "config.h"

#include "urlbatch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum ck_status ck_url_batch_init(struct ck_url_batch *b, size_t max)
{
	memset(b, 0, sizeof *b);
	if (ck_net_reqset_init(&b->set, max))
		return CK_E_NOMEM;
	b->items = calloc(max ? max : 1, sizeof *b->items);
	b->bodies = calloc(max ? max : 1, sizeof *b->bodies);
	if (!b->items || !b->bodies) {
		ck_url_batch_cleanup(b);
		return CK_E_NOMEM;
	}
	return CK_OK;
}

enum ck_status ck_url_batch_add(struct ck_url_batch *b, const struct ck_net_request *req,
				unsigned char *body, void *ctx)
{
	long k;

	if (b->n == b->set.max) {
		free(body);
		return CK_E_INTERNAL;
	}
	/* never -1: the set has room for as many requests as there are items */
	k = ck_net_reqset_add(&b->set, req);
	b->bodies[b->n] = body;
	b->items[b->n].ctx = ctx;
	b->items[b->n].req = (size_t)k;
	b->n++;
	return CK_OK;
}

size_t ck_url_batch_requests(const struct ck_url_batch *b)
{
	return b->set.n;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

enum ck_status ck_url_batch_run(struct ck_url_batch *b, const struct ck_net_opts *net,
				ck_url_batch_settle_fn settle, void *arg, struct ck_error *err)
{
	struct ck_net_result *res = NULL;
	size_t *users = NULL, nreq = b->set.n;
	enum ck_status rc = CK_OK;
	double t0;

	b->elapsed_ms = 0;
	if (!b->n)
		return CK_OK;
	res = calloc(nreq ? nreq : 1, sizeof *res);
	users = calloc(nreq ? nreq : 1, sizeof *users);
	if (!res || !users) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < b->n; k++)
		users[b->items[k].req]++;
	t0 = now_ms();
	rc = ck_net_run(b->set.reqs, nreq, net, res, err);
	b->elapsed_ms = now_ms() - t0;
	for (size_t k = 0; k < b->n && !rc; k++) {
		size_t q = b->items[k].req;
		struct ck_net_result copy, *r = &res[q];
		if (--users[q]) {
			if (ck_net_result_copy(r, &copy)) {
				rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
				break;
			}
			r = &copy;
		}
		rc = settle(arg, b->items[k].ctx, r);
		ck_net_result_cleanup(r);
	}
out:
	for (size_t q = 0; res && q < nreq; q++)
		ck_net_result_cleanup(&res[q]);
	free(res);
	free(users);
	return rc;
}

void ck_url_batch_cleanup(struct ck_url_batch *b)
{
	for (size_t k = 0; b->bodies && k < b->n; k++)
		free(b->bodies[k]);
	free(b->bodies);
	free(b->items);
	ck_net_reqset_free(&b->set);
	memset(b, 0, sizeof *b);
}
