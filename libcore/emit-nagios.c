/* emit-nagios — Nagios plugin output: the view folds each document into
 * the run's state (report-nagios.c) and writes the status line, the
 * performance data and the long text at the end; the state goes to
 * e->nagios, for the tool's exit status. */
#include "config.h"

#include "emit.h"

static bool offered(const struct ck_emit_view *v)
{
	return v->nagios_add && v->nagios_end;
}

static int begin(struct ck_emitter *e)
{
	e->state = ck_nagios_new(e->view->nagios_tag);
	return e->state ? 0 : -1;
}

static int document(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	return e->state ? e->view->nagios_add(e->state, doc, x) : -1;
}

static int end(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	if (!e->state || e->failed)
		return -1;
	return e->view->nagios_end(e->out, e->state, doc, x, &e->nagios);
}

static void cleanup(struct ck_emitter *e)
{
	ck_nagios_free(e->state);
	e->state = NULL;
}

const struct ck_emitter_ops ck_emit_nagios = {
	.name = "nagios",
	.format_value = true,
	.plugin = true,
	.error_docs = true,
	.offered = offered,
	.begin = begin,
	.document = document,
	.end = end,
	.cleanup = cleanup,
};
