/* progress — see progress.h. */
#include "config.h"

#include "progress.h"

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

void cli_progress_start(struct cli_progress *pg, bool on, const char *unit, double delay)
{
	const char *term = getenv("TERM");

	memset(pg, 0, sizeof *pg);
	/* a dumb terminal cannot go back over the line: nothing at all */
	pg->on = on && isatty(STDERR_FILENO) && !(term && !strcmp(term, "dumb"));
	pg->unit = unit;
	pg->delay = delay;
	clock_gettime(CLOCK_MONOTONIC, &pg->start);
	pg->last = pg->start;
}

void cli_progress_clear(struct cli_progress *pg)
{
	if (pg->on && pg->shown) {
		fflush(stdout);
		fputs("\r\033[K", stderr);
		fflush(stderr);
		pg->shown = false;
	}
}

void cli_progress_draw(struct cli_progress *pg, size_t done, size_t total, bool force)
{
	char bar[31];
	double t, rate;
	size_t fill;

	if (!pg->on || (!force && since(&pg->last) < 0.1))
		return;
	t = since(&pg->start);
	if (t < pg->delay && !pg->shown)
		return;
	clock_gettime(CLOCK_MONOTONIC, &pg->last);
	rate = t > 0 ? (double)done / t : 0;
	if (done > total)
		done = total;
	fill = total ? done * 30 / total : 30;
	memset(bar, '#', fill);
	memset(bar + fill, '.', 30 - fill);
	bar[30] = '\0';
	fflush(stdout);
	fprintf(stderr, "\r\033[K%s: [%s] %zu/%zu %s", cli_progname, bar, done, total, pg->unit);
	if (done && rate > 0) {
		long eta = (long)((double)(total - done) / rate + 0.5);
		fprintf(stderr, " · %.0f/s · ETA %ld:%02ld", rate, eta / 60, eta % 60);
	}
	fflush(stderr);
	pg->shown = true;
}

void cli_progress_net(void *ctx, size_t done, size_t total)
{
	cli_progress_draw(ctx, done, total, false);
}
