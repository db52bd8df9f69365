/* emit-xml — XML: the documents as elements of the view's root (the
 * generic mapping of report.c, described by man/chainkit.rng and each
 * tool's schema), the end document's members after them. */
#include "config.h"

#include "emit.h"

static int begin(struct ck_emitter *e)
{
	e->state = ck_xml_begin(e->out, e->view->root);
	return e->state ? 0 : -1;
}

static int document(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	(void)x;
	return ck_xml_write(e->state, doc, e->view->element);
}

static int item(struct ck_emitter *e, const struct ck_emit_item *it)
{
	return it->xml && e->state ? it->xml(e->state, it->ctx) : -1;
}

/* The root is closed even when the end document could not be written. */
static int end(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	int r = 0;

	(void)x;
	if (!e->state)
		return -1;
	if (doc && ck_xml_members(e->state, doc) < 0)
		r = -1;
	if (ck_xml_end(e->state) < 0)
		r = -1;
	e->state = NULL;
	return r;
}

/* Dropped without end (ck_emitter_free before ck_emit_end): nothing
 * written if nothing was yet */
static void cleanup(struct ck_emitter *e)
{
	ck_xml_discard(e->state);
	e->state = NULL;
}

const struct ck_emitter_ops ck_emit_xml = {
	.name = "xml",
	.format_value = true,
	.error_docs = true,
	.begin = begin,
	.document = document,
	.item = item,
	.end = end,
	.cleanup = cleanup,
};
