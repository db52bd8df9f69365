/* emit-json — JSON: each document compact on a line of its own (JSON
 * Lines, so "json" and "jsonl" are one back-end under two names), the
 * end document last. */
#include "config.h"

#include "emit.h"

static int document(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	(void)x;
	return ck_report_write_json(e->out, doc);
}

static int item(struct ck_emitter *e, const struct ck_emit_item *it)
{
	return it->json ? it->json(e->out, it->ctx) : -1;
}

static int end(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	(void)x;
	return doc ? ck_report_write_json(e->out, doc) : 0;
}

const struct ck_emitter_ops ck_emit_json = {
	.name = "json",
	.format_value = true,
	.error_docs = true,
	.document = document,
	.item = item,
	.end = end,
};

const struct ck_emitter_ops ck_emit_jsonl = {
	.name = "jsonl",
	.error_docs = true,
	.document = document,
	.item = item,
	.end = end,
};
