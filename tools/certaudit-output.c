/* certaudit-output — certaudit's standard output and report files.  See
 * certaudit-output.h. */
#include "config.h"

#include "certaudit-output.h"

#include "libcore/write.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

void output_begin(struct output *out, struct cli_common *c, bool junit, bool sarif)
{
	struct ck_text_opts to = cli_text_opts(c);

	out->std = cli_output_begin(c, &ck_view_certaudit, false);
	if (junit)
		out->junit = ck_emitter_new(ck_emitter_find("junit"), &ck_view_certaudit, NULL, &to);
	if (sarif)
		out->sarif = ck_emitter_new(ck_emitter_find("sarif"), &ck_view_certaudit, NULL, &to);
	if (!out->std || (junit && !out->junit) || (sarif && !out->sarif))
		out->failed = true;
}

void output_doc(struct output *out, json_t *doc, const struct ck_url_set *urls)
{
	cli_output_doc(out->std, doc, &(struct ck_emit_extra){ .urls = urls });
}

bool output_keeping(const struct output *out)
{
	return out->junit || out->sarif;
}

int output_keep(struct output *out, json_t *doc)
{
	ck_emit_doc(out->junit, doc, NULL);
	ck_emit_doc(out->sarif, doc, NULL);
	if (out->failed || (out->junit && ck_emitter_failed(out->junit)) ||
	    (out->sarif && ck_emitter_failed(out->sarif))) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	return 0;
}

int output_end(struct output *out, const json_t *tot, const struct ck_policy *policy, int status)
{
	struct ck_emit_extra x = { .policy = policy, .incomplete = status != 0 };
	int nagios = -1, r = cli_output_end(out->std, tot, &x, &nagios);

	out->std = NULL;
	if (nagios >= 0)
		return nagios;
	if (r) {
		if (!ferror(stdout)) /* else cli_finish() says so, with the reason */
			cli_msg(NULL, "write error on standard output");
		return r;
	}
	return status;
}

/* An output that cannot be written is a system error (5), not an input
 * error, whatever the cause; one that may not be written (it exists,
 * without --force) is a usage error (2). */
int output_write_report(const char *path, struct ck_emitter *e, const struct ck_policy *policy,
			bool force)
{
	struct ck_write_opts wo = cli_write_opts(force, false);
	struct ck_out *f = NULL;
	struct ck_error err;

	ck_error_clear(&err);
	if (ck_out_open(path, &wo, &f, &err))
		return cli_write_error(&err);
	ck_emitter_set_file(e, ck_out_file(f));
	if (!ck_emit_end(e, NULL, &(struct ck_emit_extra){ .policy = policy })) {
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

void output_free(struct output *out)
{
	if (out->std)
		cli_output_end(out->std, NULL, NULL, NULL);
	ck_emitter_free(out->junit);
	ck_emitter_free(out->sarif);
	memset(out, 0, sizeof *out);
}
