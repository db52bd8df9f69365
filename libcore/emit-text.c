/* emit-text — text: each document through the tool's text renderer,
 * documents apart by a blank line (unless the view packs them, one line
 * each, or -q leaves only findings), then the end document's text. */
#include "config.h"

#include "emit.h"

static void gap(struct ck_emitter *e)
{
	if (!e->first && !e->text.quiet && !e->view->text_packed)
		fputc('\n', e->out);
}

static int document(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	(void)x;
	if (!e->view->text)
		return -1;
	gap(e);
	return e->view->text(e->out, doc, &e->text);
}

static int item(struct ck_emitter *e, const struct ck_emit_item *it)
{
	if (!it->text)
		return -1;
	gap(e);
	return it->text(e->out, &e->text, it->ctx);
}

static int end(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	(void)x;
	if (!doc || !e->view->text_end)
		return 0;
	return e->view->text_end(e->out, doc, &e->text);
}

const struct ck_emitter_ops ck_emit_text = {
	.name = "text",
	.format_value = true,
	.error_docs = false,
	.document = document,
	.item = item,
	.end = end,
};
