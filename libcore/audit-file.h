/* audit-file — certaudit's audit of one file, as a worker thread runs
 * it: load it (a file the walk found is opened with the walk's rules,
 * see ck_walk_load), analyse it, audit it against the policy, and make
 * its document (ck_report_audit).  A file that cannot be loaded is
 * audited as that failure (ck_audit_failure).  Reentrant for different
 * files; does no output. */
#ifndef CK_AUDIT_FILE_H
#define CK_AUDIT_FILE_H

#include "policy.h"
#include "report.h"
#include "trust.h"
#include "walk.h"

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

struct ck_audit_file_opts {
	const struct ck_walk *walk;     /* the walk that found the files */
	const struct ck_policy *policy;
	const struct ck_trust *trust;
	size_t max_size;                /* as in ck_load_opts */
	unsigned long long kdf_budget;  /* as in ck_load_opts */
	time_t at;                      /* the time of the checks */
	bool want_report;               /* chainview's document in "report" (else null) */
	bool defer;                     /* keep the file's URLs: see ck_audit_result_finish */
};

struct ck_audit_result {
	bool skipped;       /* not a bundle after all (audited by content) */
	json_t *doc;        /* the document (NULL while deferred) */
	/* deferred, until the URLs are checked: */
	struct ck_audit *au;
	json_t *report;
	struct ck_url_set *urls;
	/* the audit's counts, for the totals */
	enum ck_verdict verdict;
	size_t errors, warnings, infos;
	struct ck_error *internal; /* not about the file (a tool exits 5); NULL or &internal_err */
	struct ck_error internal_err;
};

/* Audit the entry of o->walk with `password` (NULL: none).  NULL when
 * out of memory; otherwise a result that is skipped, internal (the
 * error names the file), or audited: with its document, or with o->defer
 * its audit, report and URL set (none when it was not loaded). */
struct ck_audit_result *ck_audit_file(const struct ck_audit_file_opts *o,
				      const struct ck_walk_entry *e, const char *password);

/* A deferred result's document, once its URL set (NULL: not checked) is:
 * the URL findings are added to the audit, and "urls" to the document.
 * Returns 0, or -1 when out of memory. */
int ck_audit_result_finish(struct ck_audit_result *r, const struct ck_policy *policy,
			   const char *path);

void ck_audit_result_free(struct ck_audit_result *r);

#endif
