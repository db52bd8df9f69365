/* emit — every output format behind one interface.
 *
 * A run's output is begun, given documents (one per input, each a
 * jansson value built by the tool's view in libcore) or items (a
 * document written as it is built, so that memory does not grow with
 * it), and ended with the run's end document (certaudit's totals; NULL
 * for none).  What a format does with them is its back-end: one file
 * each (emit-json.c, emit-xml.c, emit-text.c, emit-junit.c,
 * emit-sarif.c, emit-openmetrics.c, emit-nagios.c) and one row in the
 * table of emit.c.  What is particular to a tool (its XML element
 * names, its text renderer, how its documents make JUnit cases or a
 * Nagios status line) is its view, struct ck_emit_view, defined next to
 * the tool's documents (report-<tool>.c).
 *
 * Every back-end writes to the FILE it is given and never decides what
 * goes to standard output; a report file (JUnit, SARIF) is the tool's
 * to open and commit. */
#ifndef CK_EMIT_H
#define CK_EMIT_H

#include "report.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

struct ck_emitter;
struct ck_junit;
struct ck_policy;
struct ck_url_set;

/* What a tool knows of a document or of the run beyond the document
 * itself, for the back-ends that need it.  All may be left 0. */
struct ck_emit_extra {
	const struct ck_url_set *urls;  /* certaudit --network: the file's URLs (OpenMetrics) */
	bool problem;                   /* aiacheck: exit status 1 for this input (Nagios) */
	/* at the end: */
	bool incomplete;                /* the run did not end well (Nagios: UNKNOWN) */
	const struct ck_policy *policy; /* certaudit (Nagios thresholds, SARIF rules) */
};

/* A document written as it is built: one function per back-end that
 * can take it (NULL: that back-end cannot), each returning 0 or -1 on a
 * write error. */
struct ck_emit_item {
	int (*json)(FILE *out, void *ctx);
	int (*xml)(struct ck_xml *x, void *ctx);
	int (*text)(FILE *out, const struct ck_text_opts *o, void *ctx);
	void *ctx;
};

typedef int (*ck_text_fn)(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* A tool's view: what its documents look like in each format.  A NULL
 * hook is a format the tool does not offer. */
struct ck_emit_view {
	const char *root;        /* XML root element ("chainview") */
	const char *element;     /* XML element of a document ("report") */
	ck_text_fn text;         /* one document as text */
	ck_text_fn text_end;     /* the end document as text (NULL: not shown) */
	bool text_packed;        /* documents not apart by a blank line */
	/* JUnit: the suites and cases of the documents */
	int (*junit)(struct ck_junit *j, json_t *const *docs, size_t ndocs);
	/* SARIF: the log of the documents */
	int (*sarif)(FILE *out, json_t *const *docs, size_t ndocs, const struct ck_emit_extra *x);
	/* a member of a document the report files (JUnit, SARIF) do not
	 * read, dropped from the documents they keep (NULL: none) */
	const char *unkept;
	/* Nagios: the status line's first word ("CERTAUDIT"), one
	 * document folded into the run's state, the plugin output */
	const char *nagios_tag;
	int (*nagios_add)(struct ck_nagios *n, const json_t *doc, const struct ck_emit_extra *x);
	int (*nagios_end)(FILE *out, struct ck_nagios *n, const json_t *end,
			  const struct ck_emit_extra *x, enum ck_nagios_state *state);
	/* OpenMetrics: takes the documents (certaudit's) */
	bool metrics;
};

/* A back-end.  begin may leave e->state set; document, item and end
 * return 0 or -1 (a write error, or out of memory); cleanup frees the
 * state, also after a failure (e->state may be NULL). */
struct ck_emitter_ops {
	const char *name;
	/* a value of the tools' --format (written to standard output;
	 * report files and JSON Lines are asked for otherwise) */
	bool format_value;
	/* a monitoring plugin's output: the state it ends with
	 * (e->nagios) is the program's exit status */
	bool plugin;
	/* documents of inputs that could not be read are written (text
	 * does without: the message on standard error says it) */
	bool error_docs;
	bool (*offered)(const struct ck_emit_view *v); /* NULL: every tool */
	int (*begin)(struct ck_emitter *e);
	int (*document)(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x);
	int (*item)(struct ck_emitter *e, const struct ck_emit_item *it);
	int (*end)(struct ck_emitter *e, const json_t *end, const struct ck_emit_extra *x);
	void (*cleanup)(struct ck_emitter *e);
};

/* One run's output; the back-ends' to read and keep state in. */
struct ck_emitter {
	const struct ck_emitter_ops *ops;
	const struct ck_emit_view *view;
	FILE *out;
	struct ck_text_opts text;
	bool first;                    /* no document written yet */
	bool failed;                   /* a call failed: the output is incomplete */
	void *state;
	enum ck_nagios_state nagios;   /* set by the Nagios back-end's end */
};

/* The back-end called `name` ("text", "json", "jsonl", "xml", "junit",
 * "sarif", "openmetrics", "nagios"); NULL when there is none. */
const struct ck_emitter_ops *ck_emitter_find(const char *name);

/* The table's back-ends in its order: the i-th, NULL past the last. */
const struct ck_emitter_ops *ck_emitter_at(size_t i);

/* Whether tool view `v` offers the format of `ops`. */
bool ck_emitter_offered(const struct ck_emitter_ops *ops, const struct ck_emit_view *v);

/* Begin an output in `ops`'s format on `out` (may be NULL for a report
 * file opened at the end: see ck_emitter_set_file) for a tool's view
 * (both borrowed for the emitter's life); `text` is copied.  NULL when
 * out of memory; a failure to begin is kept (ck_emitter_failed). */
struct ck_emitter *ck_emitter_new(const struct ck_emitter_ops *ops, const struct ck_emit_view *view,
				  FILE *out, const struct ck_text_opts *text);

/* Write, or keep, one document (borrowed); `x` may be NULL. */
void ck_emit_doc(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x);

/* Write one document as it is built. */
void ck_emit_item(struct ck_emitter *e, const struct ck_emit_item *it);

/* End the output with the run's end document (borrowed; NULL: none).
 * Returns false when any call failed. */
bool ck_emit_end(struct ck_emitter *e, const json_t *end, const struct ck_emit_extra *x);

/* Where a report file goes, opened once the run is done. */
void ck_emitter_set_file(struct ck_emitter *e, FILE *out);

/* Whether the output failed so far. */
bool ck_emitter_failed(const struct ck_emitter *e);

/* _free(NULL) is a no-op. */
void ck_emitter_free(struct ck_emitter *e);

/* The tools' views (report-<tool>.c). */
extern const struct ck_emit_view ck_view_chainview, ck_view_derdump, ck_view_truststore,
	ck_view_aiacheck, ck_view_certaudit, ck_view_mtlsprobe, ck_view_aiaserve;

/* ---- report files: documents kept until the end (emit.c) ---- */

/* The document hook of a report file's back-end: keep a reference to
 * `doc` without the view's "unkept" member (a shallow copy when it has
 * one).  -1 when out of memory. */
int ck_emit_keep(struct ck_emitter *e, const json_t *doc, const struct ck_emit_extra *x);
/* The documents kept, in order. */
json_t *const *ck_emit_kept(const struct ck_emitter *e, size_t *n);
void ck_emit_keep_free(struct ck_emitter *e);

/* ---- JUnit XML (emit-junit.c) ---- */

/* Write a JUnit XML document from `docs` (borrowed) through a view's
 * `junit`, which gets copies fit for XML and a terminal
 * (ck_text_safe_doc), so that every tool cleans input text the same
 * way: nothing from a file name, a subject or a server's words reaches
 * a CI page as a control or bidirectional character.  Returns 0, or -1
 * on a write error or out of memory. */
int ck_junit_write(FILE *out, json_t *const *docs, size_t ndocs,
		   int (*view)(struct ck_junit *j, json_t *const *docs, size_t ndocs));

/* Open an element, write an attribute (its value cleaned as ck_xml_clean
 * does) or a count, write text, close the element.  A failure is kept
 * in `j` (the calls after it do nothing) and reported by
 * ck_junit_write(). */
void ck_junit_start(struct ck_junit *j, const char *element);
void ck_junit_attr(struct ck_junit *j, const char *name, const char *value);
void ck_junit_count(struct ck_junit *j, const char *name, long long n);
void ck_junit_text(struct ck_junit *j, const char *text);
void ck_junit_end(struct ck_junit *j);

#endif
