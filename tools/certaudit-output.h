/* certaudit-output — what certaudit writes: each file's document on
 * standard output in the format asked for (text, JSON Lines, XML,
 * OpenMetrics, Nagios), the totals at the end, and the --junit and
 * --sarif report files, written atomically. */
#ifndef CK_TOOLS_CERTAUDIT_OUTPUT_H
#define CK_TOOLS_CERTAUDIT_OUTPUT_H

#include "cli.h"
#include "libcore/policy.h"

struct output {
	struct cli_output *std;    /* standard output, in c's format */
	struct ck_emitter *junit;  /* --junit, --sarif: the documents, written */
	struct ck_emitter *sarif;  /* at the end; NULL when not asked */
	bool failed;               /* out of memory keeping a document */
};

/* Start standard output in c's format, and `junit`, `sarif` as asked.
 * A failure to start is remembered. */
void output_begin(struct output *out, struct cli_common *c, bool junit, bool sarif);

/* Write one file's document (borrowed); `urls` checked with --network. */
void output_doc(struct output *out, json_t *doc, const struct ck_url_set *urls);

/* Keep the document (borrowed) for the report files.  Returns 0 or an
 * exit status after a message. */
int output_keep(struct output *out, json_t *doc);

/* Whether the report files want the documents. */
bool output_keeping(const struct output *out);

/* End standard output with the totals document `tot`; `status` is the
 * run's exit status so far.  Returns the run's exit status: `status`,
 * or 5 after a message when writing failed; with --format nagios, the
 * plugin's (UNKNOWN unless a file is worse when `status` says the run
 * did not end well). */
int output_end(struct output *out, const json_t *tot, const struct ck_policy *policy, int status);

/* Whether two output names are one file: the same name in the same
 * directory (neither file needs to exist yet). */
bool output_same_file(const char *a, const char *b);

/* Check early that a report file (NULL: none) can be written, so that
 * an existing file does not cost a whole run.  Returns 0 or an exit
 * status after a message. */
int output_check_report(const char *path, bool force);

/* Write the report file of `e` (out->junit or out->sarif) to `path`
 * atomically.  Returns 0 or an exit status after a message. */
int output_write_report(const char *path, struct ck_emitter *e, const struct ck_policy *policy,
			bool force);

/* Free what the output holds. */
void output_free(struct output *out);

#endif
