/* report — the report document (one jansson json_t per input) and its
 * three renderings: JSON (dumped), XML (a generic mapping written with
 * libxml2, described by man/chainkit.rng) and text (per tool, from the
 * same document, so that every field shown in text exists in JSON).
 *
 * This is the only module that formats output.  It writes to the FILE
 * it is given and never decides what goes to stdout or stderr. */
#ifndef CK_REPORT_H
#define CK_REPORT_H

#include "checks.h"
#include "load.h"

#include <jansson.h>
#include <stdio.h>

/* A JSON string from bytes that may not be UTF-8: invalid sequences
 * become U+FFFD.  Never NULL unless out of memory. */
json_t *ck_json_str(const char *s);

/* Same, or JSON null when s is NULL. */
json_t *ck_json_str_or_null(const char *s);

/* Build chainview's document for one input (new reference). */
json_t *ck_report_bundle(const struct ck_bundle *b, const struct ck_analysis *a);

/* A document for an input that could not be read:
 * { "input": {"name"}, "error": {"status", "message", "offset"} }. */
json_t *ck_report_error(const char *name, const struct ck_error *err);

/* Write one document, compact, on one line (JSON Lines).  Returns 0, or
 * -1 on a write error. */
int ck_report_write_json(FILE *out, const json_t *doc);

/* Write chainview's document for one input as JSON (one line) or as a
 * <report> element, building it member by member and the certificates
 * and chains one at a time: memory stays proportional to the records,
 * not to the document.  Same output as rendering ck_report_bundle(). */
int ck_report_bundle_json(FILE *out, const struct ck_bundle *b, const struct ck_analysis *a);
struct ck_xml;
int ck_report_bundle_xml(struct ck_xml *x, const struct ck_bundle *b, const struct ck_analysis *a);

/* XML: open the root element, write documents as <report> children,
 * close.  Strings are cleaned of characters XML cannot carry. */
struct ck_xml;
struct ck_xml *ck_xml_begin(FILE *out, const char *root);
int ck_xml_write(struct ck_xml *x, const json_t *doc, const char *element);
int ck_xml_end(struct ck_xml *x); /* frees x; -1 on a write error */

struct ck_text_opts {
	bool color;
	bool verbose;
	bool quiet;   /* findings and errors only */
};

/* chainview's text rendering of one document. */
int ck_report_text_chainview(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* ---- derdump: the structure of DER, element by element ---- */

struct ck_schema_names;

/* One block of DER to show: the input itself, a PEM block, or decoded
 * base64.  Everything is borrowed. */
struct ck_dump_block {
	const unsigned char *der; /* the bytes to walk (all of the block, or
				   * the part --offset/--length chose) */
	size_t len;
	size_t size;              /* the whole block */
	int64_t base;             /* offset of der[0] in the block */
	const char *label;        /* PEM label, or NULL */
	unsigned line;            /* PEM: line of BEGIN; 0 otherwise */
	const struct ck_schema_names *names; /* field names, or NULL */
	const char *type_error;   /* why the type asked for does not apply, or NULL */
	const struct ck_error *error; /* the block has no DER (bad base64...), or NULL */
};

struct ck_dump_input {
	const char *name;
	enum ck_format format;    /* CK_FMT_DER, CK_FMT_PEM or CK_FMT_BASE64 */
	size_t size;              /* of the input */
	const struct ck_dump_block *blocks;
	size_t nblocks;
};

struct ck_dump_opts {
	bool nested;   /* show DER inside OCTET and BIT STRINGs as elements */
	unsigned depth; /* show this many levels (0: all); deeper ones are still checked */
	bool strict;   /* text: list every DER violation */
	const char *container; /* what messages call a block ("file", "block") */
};

/* What was found in one input. */
struct ck_dump_result {
	size_t elements;
	size_t der_violations; /* valid BER, not DER */
	size_t invalid;        /* invalid in BER too */
	struct ck_error *errors; /* one per block: status set when the block
				  * has no DER or the walk found it broken */
	size_t nerrors;          /* blocks with an error */
};

void ck_dump_result_cleanup(struct ck_dump_result *r);

/* derdump's document for one input, written as it is walked, so that
 * memory stays proportional to the depth, not to the input:
 *   { "input": {"name", "format", "size"},
 *     "blocks": [ {"index", "label", "line", "size", "offset", "length",
 *                  "type", "type_error", "tree": [NODE...], "problems": [...],
 *                  "error", "der", "summary"} ] }
 * as one JSON line, as a <report> element, or as text. */
int ck_report_dump_json(FILE *out, const struct ck_dump_input *in, const struct ck_dump_opts *o,
			struct ck_dump_result *res);
int ck_report_dump_xml(struct ck_xml *x, const struct ck_dump_input *in,
		       const struct ck_dump_opts *o, struct ck_dump_result *res);
int ck_report_dump_text(FILE *out, const struct ck_dump_input *in, const struct ck_dump_opts *o,
			const struct ck_text_opts *to, struct ck_dump_result *res);

/* Helpers other text renderers share. */
const char *ck_text_color(const struct ck_text_opts *o, const char *what);
const char *ck_text_reset(const struct ck_text_opts *o);

#endif
