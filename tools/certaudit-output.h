/* certaudit-output — what certaudit writes: each file's document on
 * standard output in the format asked for (text, JSON Lines, XML,
 * OpenMetrics, Nagios), the totals at the end, and the --junit and
 * --sarif report files, written atomically. */
#ifndef CK_TOOLS_CERTAUDIT_OUTPUT_H
#define CK_TOOLS_CERTAUDIT_OUTPUT_H

#include "cli.h"
#include "libcore/policy.h"

struct output {
	struct cli_common *c;
	struct ck_xml *xml;
	struct ck_text_opts to;
	bool failed;
	struct ck_metrics *metrics; /* --format openmetrics: written at the end */
	struct ck_nagios *nagios; /* --format nagios: what the status line needs */
	json_t **keep;   /* documents kept for JUnit and SARIF (no "report") */
	size_t nkeep;
	bool keeping;
};

/* Start the output in c's format; `keeping` the documents for the
 * report files.  A failure to start is remembered (out->failed). */
void output_begin(struct output *out, struct cli_common *c, bool keeping);

/* Write one file's document (borrowed); `urls` checked with --network. */
void output_doc(struct output *out, json_t *doc, const struct ck_url_set *urls);

/* Keep the document (taken; its "report" member dropped) for the
 * report files.  Returns 0 or an exit status after a message. */
int output_keep(struct output *out, json_t *doc);

/* End standard output with the totals document `tot`.  Returns 0 or an
 * exit status after a message (not with --format nagios: see
 * output_nagios_end). */
int output_end(struct output *out, const json_t *tot);

/* Whether two output names are one file: the same name in the same
 * directory (neither file needs to exist yet). */
bool output_same_file(const char *a, const char *b);

/* Check early that a report file (NULL: none) can be written, so that
 * an existing file does not cost a whole run.  Returns 0 or an exit
 * status after a message. */
int output_check_report(const char *path, bool force);

/* Write --junit (sarif false) or --sarif atomically from the documents
 * kept.  Returns 0 or an exit status after a message. */
int output_write_report(const char *path, struct output *out, const struct ck_policy *policy,
			bool force, bool sarif);

/* --format nagios: the status line, and its state as the exit status
 * (UNKNOWN unless a file is worse when `status`, the run's exit status
 * so far, says it did not end well). */
int output_nagios_end(struct output *out, const json_t *tot, const struct ck_policy *policy,
		      int status);

/* Free what the output holds. */
void output_free(struct output *out);

#endif
