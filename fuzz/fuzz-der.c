/* fuzz-der — derdump's path through outside bytes: the block splitter
 * (ck_der_blobs_load: DER, PEM blocks, base64), the error locator
 * (ck_der_locate_error), field naming against the PKIX definitions
 * (ck_schema_guess, ck_schema_name with each type), the structure walker
 * (ck_der_walker_*, whose events are checked: every ENTER with children
 * gets its LEAVE, offsets stay in the block, depth stays under the
 * limit) and the streamed document as JSON, XML and text, which must
 * parse back (JSON, XML) or hold no control character (text without
 * colour).
 *
 * The text is rendered for every input.  JSON and XML, rendered and
 * parsed back, cost 5 to 20 times the rest (a kilobyte of DER is a few
 * hundred elements, each a score of XML elements, a few kilobytes of DER
 * megabytes of XML): they are rendered for every input whose walk has at
 * most FZ_DER_ALWAYS elements, and for one input in 8 of the others,
 * chosen by a hash of the input (fz_sampled), so that a replay does
 * the same.  Each element goes through the same code in all three
 * formats (report-derdump.c's node_fill), and JSON and XML write every
 * kind of element a small input has.
 *
 * Input: a selector byte (bit 0: no nested DER, bit 1: --strict,
 * bits 2-3: --depth 0/1/3/8, bits 4-7: --type none, auto, or one of
 * ck_schema_types()), then the file as derdump reads it. */
#include "config.h"

#include "fuzz.h"

#include "libcore/der.h"
#include "libcore/report-derdump.h"
#include "libcore/schema.h"

#include <stdlib.h>
#include <string.h>

/* JSON and XML for every walk of at most this many elements */
#define FZ_DER_ALWAYS 16

/* Walk the block and check the events; the number of elements. */
static size_t walk(const struct ck_dump_block *b, bool nested)
{
	struct ck_der_walk_opts o = { .base = b->base, .nested = nested, .container = "block" };
	struct ck_der_walker *w = NULL;
	struct ck_der_elem e;
	struct ck_error err;
	enum ck_der_event ev;
	size_t open = 0, steps = 0, elements = 0;
	int64_t last = -1;

	ck_error_clear(&err);
	if (ck_der_walker_new(b->der, b->len, &o, &w, &err)) {
		fz_assert_error(err.status, &err);
		return 0;
	}
	while ((ev = ck_der_walker_next(w, &e)) != CK_DER_DONE) {
		if (++steps > 4 * b->len + 16)
			fz_fail("the walker gave %zu events for %zu bytes", steps, b->len);
		if (ev == CK_DER_ENTER) {
			if (e.offset < b->base || e.offset >= b->base + (int64_t)b->len)
				fz_fail("element at %lld outside the block", (long long)e.offset);
			if (e.offset <= last)
				fz_fail("element at %lld after one at %lld", (long long)e.offset,
					(long long)last);
			last = e.offset;
			elements++;
			if (e.depth != open)
				fz_fail("element at depth %u with %zu open", e.depth, open);
			if (e.depth > CK_DER_MAX_DEPTH)
				fz_fail("depth %u over the limit", e.depth);
			if (e.content_len > e.tlv.len && !e.tlv.indefinite)
				fz_fail("content of %zu bytes for a length of %zu", e.content_len,
					e.tlv.len);
			if (e.content_len && (e.content < b->der || e.content + e.content_len >
								     b->der + b->len))
				fz_fail("content outside the block");
			if (e.has_children)
				open++;
		} else if (ev == CK_DER_LEAVE) {
			if (!open)
				fz_fail("a LEAVE without its ENTER");
			open--;
		}
	}
	if (open)
		fz_fail("the walk ended with %zu elements open", open);
	fz_assert_error(ck_der_walker_error(w)->status, ck_der_walker_error(w));
	ck_der_walker_free(w);
	return elements;
}

static void assert_plain(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f) {
			size_t from = i > 40 ? i - 40 : 0;
			fz_fail("text output holds control character 0x%02x at byte %zu, after \"%.*s\"",
				c, i, (int)(i - from), buf + from);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned depths[4] = { 0, 1, 3, 8 };
	struct fz f = { data, size };
	uint8_t sel = fz_u8(&f);
	const char *const *types = ck_schema_types();
	size_t ntypes = 0, nb, elements = 0;
	const char *type = NULL;
	struct ck_der_blobs *blobs = NULL;
	struct ck_dump_block *blocks = NULL;
	struct ck_schema_names **names = NULL;
	struct ck_dump_opts o = { .nested = !(sel & 1), .strict = (sel & 2) != 0,
				  .depth = depths[(sel >> 2) & 3] };
	struct ck_text_opts to = { 0 };
	struct ck_dump_input in;
	struct ck_dump_result res;
	struct fz_mem m = { 0 };
	struct ck_error err;
	struct ck_xml *x;
	enum ck_status rc;

	while (types[ntypes])
		ntypes++;
	if (sel >> 4 == 1)
		type = "auto";
	else if (sel >> 4 > 1)
		type = types[((sel >> 4) - 2) % ntypes];

	ck_error_clear(&err);
	rc = ck_der_blobs_load(f.p, f.n, "fuzz-input", &blobs, &err);
	fz_assert_error(rc, &err);
	if (rc)
		return 0;
	nb = blobs->n;
	if (!nb || (blobs->format != CK_FMT_DER && blobs->format != CK_FMT_PEM &&
		    blobs->format != CK_FMT_BASE64))
		fz_fail("ck_der_blobs_load: %zu blocks, format %d", nb, (int)blobs->format);
	blocks = calloc(nb, sizeof *blocks);
	names = calloc(nb, sizeof *names);
	if (!blocks || !names)
		abort();
	for (size_t i = 0; i < nb; i++) {
		const struct ck_der_blob *blob = &blobs->blobs[i];
		struct ck_dump_block *b = &blocks[i];

		b->label = blob->label;
		b->line = blob->line;
		b->error = blob->err.status ? &blob->err : NULL;
		if (b->error) {
			fz_assert_error(blob->err.status, &blob->err);
			if (blob->der)
				fz_fail("block %zu has both DER and an error", i);
			continue;
		}
		b->der = blob->der;
		b->len = b->size = blob->len;
		ck_error_clear(&err);
		rc = ck_der_locate_error(b->der, b->len, "block", &err);
		fz_assert_error(rc, &err);
		elements += walk(b, o.nested);
		if (rc || !type)
			continue;
		ck_error_clear(&err);
		if (!strcmp(type, "auto"))
			rc = ck_schema_guess(b->der, b->len, 0, &names[i], &err);
		else
			rc = ck_schema_name(b->der, b->len, 0, type, &names[i], &err);
		fz_assert_error(rc, &err);
		if (rc == CK_OK) {
			const struct ck_schema_names *n = names[i];
			for (size_t k = 0; k < n->n; k++) {
				if (k && n->fields[k].offset < n->fields[k - 1].offset)
					fz_fail("schema fields not sorted by offset");
				if (n->fields[k].offset < 0 || n->fields[k].offset >= (int64_t)b->len)
					fz_fail("a schema field outside the block");
				fz_assert_line("a field name", n->fields[k].name);
			}
			b->names = n;
		}
	}
	in = (struct ck_dump_input){ .name = "fuzz-input", .format = blobs->format, .size = f.n,
				     .blocks = blocks, .nblocks = nb };
	o.container = blobs->format == CK_FMT_PEM ? "block" : "file";

	memset(&res, 0, sizeof res);
	if (ck_report_dump_text(fz_mem_open(&m), &in, &o, &to, &res) < 0)
		fz_fail("ck_report_dump_text failed");
	fz_mem_close(&m);
	assert_plain(m.buf, m.len);
	for (size_t i = 0; i < nb && res.errors; i++)
		if (res.errors[i].status)
			fz_assert_error(res.errors[i].status, &res.errors[i]);
	ck_dump_result_cleanup(&res);

	if (elements <= FZ_DER_ALWAYS || fz_sampled(data, size, 8)) {
		memset(&res, 0, sizeof res);
		if (ck_report_dump_json(fz_mem_open(&m), &in, &o, &res) < 0)
			fz_fail("ck_report_dump_json failed");
		fz_mem_close(&m);
		fz_assert_json_lines(m.buf, m.len);
		ck_dump_result_cleanup(&res);

		memset(&res, 0, sizeof res);
		x = ck_xml_begin(fz_mem_open(&m), "derdump");
		if (!x || ck_report_dump_xml(x, &in, &o, &res) < 0 || ck_xml_end(x) != 0)
			fz_fail("ck_report_dump_xml failed");
		fz_mem_close(&m);
		fz_assert_xml(m.buf, m.len);
		ck_dump_result_cleanup(&res);
	}

	fz_mem_free(&m);
	for (size_t i = 0; i < nb; i++)
		ck_schema_names_free(names[i]);
	free(names);
	free(blocks);
	ck_der_blobs_free(blobs);
	return 0;
}
