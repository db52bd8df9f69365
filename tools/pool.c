/* pool — a worker pool with ordered output.  See pool.h. */
#include "config.h"

#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct slot {
	void *res;
	bool in;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t landed, moved;
	pool_work_fn work;
	void *ctx;
	struct slot *v;
	size_t n, next, emitted, done, window;
	bool stop;
	pthread_t *th;
	unsigned started;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i;
		void *r;
		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->next < p->n && p->next >= p->emitted + p->window)
			pthread_cond_wait(&p->moved, &p->mu);
		if (p->stop || p->next >= p->n) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		r = p->work(p->ctx, i);
		pthread_mutex_lock(&p->mu);
		p->v[i].res = r;
		p->v[i].in = true;
		p->done++;
		pthread_cond_broadcast(&p->landed);
		pthread_mutex_unlock(&p->mu);
	}
}

unsigned pool_cpu_count(void)
{
	cpu_set_t set;
	long n;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static void pool_free(struct pool *p)
{
	pthread_cond_destroy(&p->landed);
	pthread_cond_destroy(&p->moved);
	pthread_mutex_destroy(&p->mu);
	free(p->th);
	free(p->v);
	free(p);
}

struct pool *pool_start(size_t n, unsigned jobs, pool_work_fn work, void *ctx)
{
	struct pool *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	if (jobs > n)
		jobs = n ? (unsigned)n : 1;
	p->work = work;
	p->ctx = ctx;
	p->n = n;
	p->window = (size_t)jobs * 8 + 64;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->landed, NULL);
	pthread_cond_init(&p->moved, NULL);
	p->v = calloc(n ? n : 1, sizeof *p->v);
	p->th = calloc(jobs, sizeof *p->th);
	for (unsigned i = 0; p->v && p->th && i < jobs; i++)
		if (pthread_create(&p->th[p->started], NULL, worker, p) == 0)
			p->started++;
	if (!p->started) {
		pool_free(p);
		return NULL;
	}
	return p;
}

void *pool_take(struct pool *p, size_t i, pool_tick_fn tick, void *tick_ctx, size_t *done)
{
	void *r;

	pthread_mutex_lock(&p->mu);
	while (!p->v[i].in) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->landed, &p->mu, &until);
		*done = p->done;
		pthread_mutex_unlock(&p->mu);
		tick(tick_ctx, *done);
		pthread_mutex_lock(&p->mu);
	}
	r = p->v[i].res;
	p->v[i].res = NULL;
	*done = p->done;
	p->emitted = i + 1;
	pthread_cond_broadcast(&p->moved);
	pthread_mutex_unlock(&p->mu);
	return r;
}

void pool_end(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->moved);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->th[i], NULL);
	pool_free(p);
}
