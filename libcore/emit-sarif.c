/* emit-sarif — SARIF 2.1.0: the documents are kept (without the view's
 * "unkept" member) and the view writes the log from them at the end. */
#include "config.h"

#include "emit.h"

static bool offered(const struct ck_emit_view *v)
{
	return v->sarif;
}

static int end(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	size_t n;
	json_t *const *docs = ck_emit_kept(e, &n);

	(void)doc;
	return e->out ? e->view->sarif(e->out, docs, n, x) : -1;
}

const struct ck_emitter_ops ck_emit_sarif = {
	.name = "sarif",
	.error_docs = false,
	.offered = offered,
	.document = ck_emit_keep,
	.end = end,
	.cleanup = ck_emit_keep_free,
};
