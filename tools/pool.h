/* pool — a worker pool with ordered output: N items are worked on by
 * threads, taken in order, while the caller consumes the results in
 * item order, whatever order the workers finish in.  A worker runs at
 * most a window of items ahead of the last one consumed, so that results
 * waiting for a slow item in front of them stay few.  The pool does no
 * I/O; the caller's `tick` may (a progress line). */
#ifndef CK_TOOLS_POOL_H
#define CK_TOOLS_POOL_H

#include <stdbool.h>
#include <stddef.h>

/* The work on item i, in a worker thread: a result, or NULL when out of
 * memory (handed over as NULL too). */
typedef void *(*pool_work_fn)(void *ctx, size_t i);

/* Called while waiting, about every 200 ms, and once an item is in,
 * with the number of items done so far. */
typedef void (*pool_tick_fn)(void *ctx, size_t done);

struct pool;

/* The number of CPUs this process may run on (at least 1). */
unsigned pool_cpu_count(void);

/* Start up to `jobs` workers (no more than n, at least one) on n items,
 * with a window of 8 items a worker and 64 more.  NULL when out of
 * memory or when no thread could be started. */
struct pool *pool_start(size_t n, unsigned jobs, pool_work_fn work, void *ctx);

/* Wait for item i's result (items are consumed in order, each once),
 * calling tick meanwhile; the item counts as consumed, so that workers
 * may run one further ahead.  *done: items done so far. */
void *pool_take(struct pool *p, size_t i, pool_tick_fn tick, void *tick_ctx, size_t *done);

/* Stop the workers (those working finish their item), join them and free
 * the pool (NULL: nothing).  Call after taking every item: results not
 * taken are not freed. */
void pool_end(struct pool *p);

#endif
