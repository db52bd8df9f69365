/* progress — one progress line on stderr, only when it is a terminal
 * and TERM is not "dumb" (else nothing, not even a clearing sequence):
 *
 *   certaudit: [##########....................] 120/360 files · 40/s · ETA 0:06
 *
 * redrawn at most ten times a second, cleared before anything else is
 * printed.  Shared by certaudit (files, then URL requests) and aiacheck
 * (URL requests, shown once a run takes more than a second). */
#ifndef CK_TOOLS_PROGRESS_H
#define CK_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct cli_progress {
	bool on;                /* stderr is a terminal, not dumb (and the caller wants it) */
	bool shown;             /* a line is on the screen */
	const char *unit;       /* what is counted: "files", "URLs" */
	double delay;           /* seconds before the first line */
	struct timespec start, last;
};

/* Start counting now; `on` is further limited to a terminal on stderr. */
void cli_progress_start(struct cli_progress *pg, bool on, const char *unit, double delay);

/* Draw `done` of `total` unless the last drawing is under 0.1 s old
 * (`force`: draw anyway, once the delay has passed). */
void cli_progress_draw(struct cli_progress *pg, size_t done, size_t total, bool force);

/* Remove the line (stdout is flushed first, so that the two interleave
 * right on one terminal). */
void cli_progress_clear(struct cli_progress *pg);

/* A ck_net_opts progress callback: ctx is a struct cli_progress. */
void cli_progress_net(void *ctx, size_t done, size_t total);

#endif
