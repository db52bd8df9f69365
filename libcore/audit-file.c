/* audit-file — certaudit's audit of one file.  See audit-file.h. */
#include "config.h"

#include "audit-file.h"

#include <stdlib.h>

static struct ck_audit_result *result_internal(struct ck_audit_result *r, const struct ck_error *err)
{
	/* kept in the result: an allocation that fails here would leave
	 * a result with neither a document nor an error */
	r->internal_err = *err;
	r->internal = &r->internal_err;
	return r;
}

/* The document of a result from its audit (borrowed) and chainview's
 * document (taken), with the "urls" member when it was checked.  -1
 * when out of memory. */
static int result_document(struct ck_audit_result *r, const char *path, const struct ck_audit *au,
			   json_t *report, const struct ck_url_set *urls)
{
	r->doc = ck_report_audit(path, au, report);
	if (!r->doc || (urls && json_object_set_new(r->doc, "urls", ck_report_audit_urls(urls)) < 0))
		return -1;
	r->verdict = au->verdict;
	r->errors = au->errors;
	r->warnings = au->warnings;
	r->infos = au->infos;
	return 0;
}

struct ck_audit_result *ck_audit_file(const struct ck_audit_file_opts *x,
				      const struct ck_walk_entry *e, const char *password)
{
	struct ck_audit_result *r = calloc(1, sizeof *r);
	struct ck_password pw = { .value = password, .ask = NULL, .ctx = NULL };
	struct ck_load_opts lo = { .max_size = x->max_size, .password = &pw,
				   .kdf_budget = x->kdf_budget };
	struct ck_analyze_opts ao;
	struct ck_bundle *b = NULL;
	struct ck_analysis *a = NULL;
	struct ck_audit *au = NULL;
	struct ck_error err;
	json_t *report = NULL;

	if (!r)
		return NULL;
	ck_error_clear(&err);
	if (e->failed) {
		err = *e->failed;
	} else if (e->how & CK_WALK_EXPLICIT ? ck_bundle_load_file(e->path, &lo, &b, &err) == CK_OK :
		   ck_walk_load(x->walk, e, &lo, &r->skipped, &b, &err) == CK_OK) {
		if (r->skipped)
			return r;
		ck_policy_analyze_opts(x->policy, x->at, &ao);
		if (ck_analyze(b, x->trust, &ao, &a, &err) || ck_audit_bundle(x->policy, b, a, &au, &err)) {
			ck_error_set_file(&err, e->path);
			goto internal;
		}
		if (x->want_report && !(report = ck_report_bundle(b, a))) {
			ck_error_set(&err, CK_E_NOMEM, "out of memory");
			goto internal;
		}
	}
	if (!au) {
		/* the file could not be loaded: that is the finding */
		if (!ck_audit_failure_code(err.status))
			goto internal;
		if (ck_audit_failure(x->policy, &err, &au, &err))
			goto internal;
		if (x->want_report && !(report = ck_report_error(e->path, &err)))
			goto internal;
	}
	if (x->defer) {
		/* the document waits for the URL checks */
		if (a && ck_url_set_new(a, &r->urls, &err))
			goto internal;
		r->au = au;
		r->report = report;
		au = NULL;
		report = NULL;
		goto out;
	}
	if (result_document(r, e->path, au, report, NULL)) {
		report = NULL;
		ck_error_set(&err, CK_E_NOMEM, "out of memory");
		goto internal;
	}
	report = NULL;
	goto out;
internal:
	ck_error_set_file(&err, e->path);
	result_internal(r, &err);
out:
	json_decref(report);
	ck_audit_free(au);
	ck_analysis_free(a);
	ck_bundle_free(b);
	return r;
}

int ck_audit_result_finish(struct ck_audit_result *r, const struct ck_policy *policy,
			   const char *path)
{
	json_t *report = r->report;

	r->report = NULL;
	if (r->urls && ck_audit_add_urls(r->au, policy, r->urls)) {
		json_decref(report);
		return -1;
	}
	return result_document(r, path, r->au, report, r->urls);
}

void ck_audit_result_free(struct ck_audit_result *r)
{
	if (!r)
		return;
	json_decref(r->doc);
	ck_audit_free(r->au);
	json_decref(r->report);
	ck_url_set_free(r->urls);
	free(r);
}
