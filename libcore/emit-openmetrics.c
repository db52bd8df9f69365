/* emit-openmetrics — OpenMetrics: an exposition groups the samples of
 * each metric family, so the documents are collected
 * (report-openmetrics.c) and written once, with the end document's
 * totals, at the end. */
#include "config.h"

#include "emit.h"

static bool offered(const struct ck_emit_view *v)
{
	return v->metrics;
}

static int begin(struct ck_emitter *e)
{
	e->state = ck_report_metrics_new();
	return e->state ? 0 : -1;
}

static int document(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	return e->state ? ck_report_metrics_add(e->state, doc, x->urls) : -1;
}

static int end(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	(void)x;
	return e->state ? ck_report_metrics_write(e->out, e->state, doc) : -1;
}

static void cleanup(struct ck_emitter *e)
{
	ck_report_metrics_free(e->state);
	e->state = NULL;
}

const struct ck_emitter_ops ck_emit_openmetrics = {
	.name = "openmetrics",
	.format_value = true,
	.error_docs = false,
	.offered = offered,
	.begin = begin,
	.document = document,
	.end = end,
	.cleanup = cleanup,
};
