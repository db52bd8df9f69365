/* emit — the table of output back-ends and the life of one output (see
 * emit.h).  A format is a row here and a file emit-<name>.c; nothing
 * else names it.
 *
 * Invariant: once a call fails, e->failed stays set, and ck_emit_end()
 * still ends the output (an XML root is closed, state is freed). */
#include "config.h"

#include "emit.h"

#include <stdlib.h>
#include <string.h>

/* each defined in its emit-<name>.c */
extern const struct ck_emitter_ops ck_emit_text, ck_emit_json, ck_emit_jsonl, ck_emit_xml,
	ck_emit_junit, ck_emit_sarif, ck_emit_openmetrics, ck_emit_nagios;

static const struct ck_emitter_ops *const backends[] = {
	&ck_emit_text,
	&ck_emit_json,
	&ck_emit_jsonl,
	&ck_emit_xml,
	&ck_emit_junit,
	&ck_emit_sarif,
	&ck_emit_openmetrics,
	&ck_emit_nagios,
};

const struct ck_emitter_ops *ck_emitter_find(const char *name)
{
	for (size_t i = 0; i < sizeof backends / sizeof *backends; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const struct ck_emitter_ops *ck_emitter_at(size_t i)
{
	return i < sizeof backends / sizeof *backends ? backends[i] : NULL;
}

bool ck_emitter_offered(const struct ck_emitter_ops *ops, const struct ck_emit_view *v)
{
	return !ops->offered || ops->offered(v);
}

struct ck_emitter *ck_emitter_new(const struct ck_emitter_ops *ops, const struct ck_emit_view *view,
				  FILE *out, const struct ck_text_opts *text)
{
	struct ck_emitter *e = calloc(1, sizeof *e);

	if (!e)
		return NULL;
	e->ops = ops;
	e->view = view;
	e->out = out;
	e->text = *text;
	e->first = true;
	e->nagios = CK_NAGIOS_UNKNOWN;
	if (ops->begin && ops->begin(e) < 0)
		e->failed = true;
	return e;
}

void ck_emit_doc(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	static const struct ck_emit_extra none;

	if (!e || !doc)
		return;
	if (e->ops->document(e, doc, x ? x : &none) < 0)
		e->failed = true;
	e->first = false;
}

void ck_emit_item(struct ck_emitter *e, const struct ck_emit_item *it)
{
	if (!e)
		return;
	if (!e->ops->item || e->ops->item(e, it) < 0)
		e->failed = true;
	e->first = false;
}

bool ck_emit_end(struct ck_emitter *e, const json_t *end, const struct ck_emit_extra *x)
{
	static const struct ck_emit_extra none;

	if (!e)
		return false;
	if (e->ops->end && e->ops->end(e, end, x ? x : &none) < 0)
		e->failed = true;
	return !e->failed;
}

void ck_emitter_set_file(struct ck_emitter *e, FILE *out)
{
	if (e)
		e->out = out;
}

bool ck_emitter_failed(const struct ck_emitter *e)
{
	return !e || e->failed;
}

void ck_emitter_free(struct ck_emitter *e)
{
	if (!e)
		return;
	if (e->ops->cleanup)
		e->ops->cleanup(e);
	free(e);
}

/* ---------------------------------------------------------------- */
/* documents kept for a report file written at the end */

struct kept {
	json_t **v;
	size_t n;
};

int ck_emit_keep(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	struct kept *k = e->state;
	json_t **v, *d;

	(void)x;
	if (!k && !(k = e->state = calloc(1, sizeof *k)))
		return -1;
	if (e->view->unkept && json_object_get(doc, e->view->unkept)) {
		d = json_copy((json_t *)doc);
		if (d)
			json_object_del(d, e->view->unkept);
	} else {
		d = json_incref((json_t *)doc);
	}
	if (!d || !(v = realloc(k->v, (k->n + 1) * sizeof *v))) {
		json_decref(d);
		return -1;
	}
	v[k->n++] = d;
	k->v = v;
	return 0;
}

json_t *const *ck_emit_kept(const struct ck_emitter *e, size_t *n)
{
	const struct kept *k = e->state;

	*n = k ? k->n : 0;
	return k ? k->v : NULL;
}

void ck_emit_keep_free(struct ck_emitter *e)
{
	struct kept *k = e->state;

	for (size_t i = 0; k && i < k->n; i++)
		json_decref(k->v[i]);
	if (k)
		free(k->v);
	free(k);
	e->state = NULL;
}
