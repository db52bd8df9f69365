/* emit-junit — the JUnit XML back-end (see emit.h).
 *
 * The first failed libxml2 call is kept and every call after it does
 * nothing, so a view writes its elements without checking each one;
 * ck_junit_write() reports it once at the end, with the stream's own
 * error flag. */
#include "config.h"

#include "emit.h"
#include "report.h"
#include "xmlw.h"

#include <stdlib.h>

struct ck_junit {
	xmlTextWriterPtr w;
	int rc; /* < 0: a call failed */
};

void ck_junit_start(struct ck_junit *j, const char *element)
{
	if (j->rc >= 0)
		j->rc = xmlTextWriterStartElement(j->w, BAD_CAST element);
}

void ck_junit_end(struct ck_junit *j)
{
	if (j->rc >= 0)
		j->rc = xmlTextWriterEndElement(j->w);
}

void ck_junit_attr(struct ck_junit *j, const char *name, const char *value)
{
	if (j->rc >= 0)
		j->rc = ck_xmlw_attr(j->w, name, value);
}

void ck_junit_count(struct ck_junit *j, const char *name, long long n)
{
	if (j->rc >= 0)
		j->rc = xmlTextWriterWriteFormatAttribute(j->w, BAD_CAST name, "%lld", n);
}

void ck_junit_text(struct ck_junit *j, const char *text)
{
	if (j->rc >= 0)
		j->rc = ck_xmlw_text(j->w, text);
}

int ck_junit_write(FILE *out, json_t *const *docs, size_t ndocs,
		   int (*view)(struct ck_junit *j, json_t *const *docs, size_t ndocs))
{
	struct ck_junit j = { NULL, 0 };
	json_t **safe = calloc(ndocs ? ndocs : 1, sizeof *safe);

	if (!safe)
		return -1;
	for (size_t d = 0; d < ndocs && j.rc >= 0; d++)
		if (!(safe[d] = ck_text_safe_doc(docs[d])))
			j.rc = -1;
	if (j.rc >= 0 && !(j.w = ck_xmlw_new(out)))
		j.rc = -1;
	if (j.rc >= 0 && view(&j, safe, ndocs) < 0)
		j.rc = -1;
	if (j.rc >= 0)
		j.rc = xmlTextWriterEndDocument(j.w);
	if (j.rc >= 0)
		j.rc = xmlTextWriterFlush(j.w);
	if (j.w)
		xmlFreeTextWriter(j.w);
	for (size_t d = 0; d < ndocs; d++)
		json_decref(safe[d]);
	free(safe);
	if (j.rc >= 0 && (fflush(out) != 0 || ferror(out)))
		j.rc = -1;
	return j.rc < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* the back-end: documents kept, written through the view at the end */

static bool offered(const struct ck_emit_view *v)
{
	return v->junit;
}

static int end(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x)
{
	size_t n;
	json_t *const *docs = ck_emit_kept(e, &n);

	(void)doc;
	(void)x;
	return e->out ? ck_junit_write(e->out, docs, n, e->view->junit) : -1;
}

const struct ck_emitter_ops ck_emit_junit = {
	.name = "junit",
	.error_docs = false,
	.offered = offered,
	.document = ck_emit_keep,
	.end = end,
	.cleanup = ck_emit_keep_free,
};
