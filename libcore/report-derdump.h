/* report-derdump — derdump's document (part of report): the structure of
 * DER element by element, written as the walk goes, as JSON, XML (the
 * generic mapping of report.h) or text. */
#ifndef CK_REPORT_DERDUMP_H
#define CK_REPORT_DERDUMP_H

#include "der.h"
#include "load.h"
#include "report.h"

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
	size_t unchecked;      /* strings whose DER-looking content could not
				* be walked, so was not checked */
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

#endif
