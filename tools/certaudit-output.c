/* certaudit-output — certaudit's standard output and report files.  See
 * certaudit-output.h. */
#include "config.h"

#include "certaudit-output.h"

#include "libcore/write.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

void output_begin(struct output *out, struct cli_common *c, bool keeping)
{
	out->c = c;
	out->to = cli_text_opts(c);
	out->keeping = keeping;
	if (c->format == CLI_FORMAT_XML && !(out->xml = ck_xml_begin(stdout, "certaudit")))
		out->failed = true;
	if (c->format == CLI_FORMAT_OPENMETRICS && !(out->metrics = ck_report_metrics_new()))
		out->failed = true;
	if (c->format == CLI_FORMAT_NAGIOS)
		out->nagios = ck_nagios_new("CERTAUDIT");
}

void output_doc(struct output *out, json_t *doc, const struct ck_url_set *urls)
{
	switch (out->c->format) {
	case CLI_FORMAT_OPENMETRICS:
		if (!out->metrics || ck_report_metrics_add(out->metrics, doc, urls) < 0)
			out->failed = true;
		break;
	case CLI_FORMAT_JSON:
		if (ck_report_write_json(stdout, doc) < 0)
			out->failed = true;
		break;
	case CLI_FORMAT_XML:
		if (ck_xml_write(out->xml, doc, "file") < 0)
			out->failed = true;
		break;
	case CLI_FORMAT_NAGIOS:
		if (!out->nagios || ck_nagios_add_audit(out->nagios, doc) < 0)
			out->failed = true;
		break;
	default:
		if (ck_report_text_certaudit(stdout, doc, &out->to) < 0)
			out->failed = true;
		break;
	}
}

int output_keep(struct output *out, json_t *doc)
{
	json_t **nk = realloc(out->keep, (out->nkeep + 1) * sizeof *nk);
	if (!nk) {
		json_decref(doc);
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	out->keep = nk;
	json_object_del(doc, "report");
	nk[out->nkeep++] = doc;
	return 0;
}

int output_end(struct output *out, const json_t *tot)
{
	enum cli_format f = out->c->format;

	if (f == CLI_FORMAT_JSON && ck_report_write_json(stdout, tot) < 0) {
		out->failed = true;
	} else if (f == CLI_FORMAT_XML) {
		/* ended (and freed) even when the totals could not be written */
		bool bad = ck_xml_write(out->xml, json_object_get(tot, "totals"), "totals") < 0;
		if (ck_xml_end(out->xml) < 0 || bad)
			out->failed = true;
	} else if (f == CLI_FORMAT_TEXT && ck_report_text_certaudit_totals(stdout, tot, &out->to) < 0) {
		out->failed = true;
	} else if (f == CLI_FORMAT_OPENMETRICS &&
		   (!out->metrics || ck_report_metrics_write(stdout, out->metrics, tot) < 0)) {
		out->failed = true;
	}
	if (out->failed && f != CLI_FORMAT_NAGIOS) {
		if (!ferror(stdout)) /* else cli_finish() says so, with the reason */
			cli_msg(NULL, "write error on standard output");
		return CLI_EXIT_INTERNAL;
	}
	return 0;
}

/* An output that cannot be written is a system error (5), not an input
 * error, whatever the cause; one that may not be written (it exists,
 * without --force) is a usage error (2). */
int output_write_report(const char *path, struct output *out, const struct ck_policy *policy,
			bool force, bool sarif)
{
	struct ck_write_opts wo = cli_write_opts(force, false);
	struct ck_out *f = NULL;
	struct ck_error err;
	int r;

	ck_error_clear(&err);
	if (ck_out_open(path, &wo, &f, &err))
		return cli_write_error(&err);
	r = sarif ? ck_report_audit_sarif(ck_out_file(f), out->keep, out->nkeep, policy, PACKAGE_VERSION) :
		    ck_report_audit_junit(ck_out_file(f), out->keep, out->nkeep);
	if (r < 0) {
		ck_out_abort(f);
		cli_msg(path, "write error");
		return CLI_EXIT_INTERNAL;
	}
	if (ck_out_commit(f, &err))
		return cli_write_error(&err);
	return 0;
}

bool output_same_file(const char *a, const char *b)
{
	const char *na = strrchr(a, '/') ? strrchr(a, '/') + 1 : a;
	const char *nb = strrchr(b, '/') ? strrchr(b, '/') + 1 : b;
	char *da = strdup(a), *db = strdup(b), *ra = NULL, *rb = NULL;
	bool same;

	if (strcmp(na, nb) != 0) {
		same = false;
	} else if (!da || !db) {
		same = strcmp(a, b) == 0;
	} else {
		ra = realpath(dirname(da), NULL);
		rb = realpath(dirname(db), NULL);
		same = ra && rb ? strcmp(ra, rb) == 0 : strcmp(da, db) == 0;
	}
	free(da);
	free(db);
	free(ra);
	free(rb);
	return same;
}

/* A FIFO is not opened: its reader would see the end of the data. */
int output_check_report(const char *path, bool force)
{
	struct ck_write_opts wo = cli_write_opts(force, false);
	struct ck_error err;

	if (!path)
		return 0;
	ck_error_clear(&err);
	if (ck_out_check(path, &wo, &err))
		return cli_write_error(&err);
	return 0;
}

int output_nagios_end(struct output *out, const json_t *tot, const struct ck_policy *policy,
		      int status)
{
	enum ck_nagios_state st;

	if (out->failed || !out->nagios) {
		cli_msg(NULL, "out of memory");
		return cli_nagios_unknown();
	}
	if (ck_report_nagios_certaudit(stdout, out->nagios, tot, policy, status != 0, &st) < 0)
		return CLI_EXIT_NAGIOS_UNKNOWN; /* cli_finish() says why */
	return (int)st;
}

void output_free(struct output *out)
{
	ck_nagios_free(out->nagios);
	ck_report_metrics_free(out->metrics);
	for (size_t i = 0; i < out->nkeep; i++)
		json_decref(out->keep[i]);
	free(out->keep);
	memset(out, 0, sizeof *out);
}
