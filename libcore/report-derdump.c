/* report-derdump — derdump's document, streamed.
 *
 * The walk (der) drives three sinks, one per format; each element is
 * turned into one JSON object (node_json) that the sink writes and
 * frees, so the text shows only what the JSON has.  JSON and XML nest
 * the children of an element in "children"; the framing is written
 * here (report.h's streaming helpers), every value by jansson or
 * libxml2.  Memory is proportional to the depth, not to the input. */
#include "config.h"

#include "emit.h"

#include "report-derdump.h"
#include "cert.h"
#include "oid.h"
#include "schema.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static json_t *hex_or_empty(const unsigned char *p, size_t len)
{
	char *h = ck_hex(p, len);
	json_t *j = h ? json_string(h) : NULL;
	free(h);
	return j;
}

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static bool jtrue(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

struct text_state;

struct dump_problem {
	int64_t offset;
	unsigned bit;       /* CK_DER_P_*, or 0 for a value not checked inside */
	const char *reason; /* bit 0: why */
};

struct dump_sink {
	FILE *out;
	struct ck_xml *x;
	const struct ck_text_opts *to;
	const struct ck_dump_opts *o;
	const struct ck_dump_input *in;
	bool *first;    /* JSON: no comma before the next item, per open level */
	size_t level, cap;
	struct text_state *ts; /* text */
	int (*doc_begin)(struct dump_sink *, json_t *input);
	int (*block_begin)(struct dump_sink *, json_t *head);
	int (*node)(struct dump_sink *, json_t *node, unsigned depth, bool open, bool hidden);
	int (*leave)(struct dump_sink *);
	int (*block_end)(struct dump_sink *, json_t *tail);
	int (*doc_end)(struct dump_sink *);
};

void ck_dump_result_cleanup(struct ck_dump_result *r)
{
	if (!r)
		return;
	free(r->errors);
	memset(r, 0, sizeof *r);
}

static json_t *json_int_or_null(unsigned long long v)
{
	return v <= (unsigned long long)LLONG_MAX ? json_integer((json_int_t)v) : json_null();
}

/* The value members of a primitive element. */
static void node_value(json_t *o, const struct ck_der_elem *e)
{
	const unsigned char *c = e->content;
	size_t n = e->content_len;
	unsigned long tag = e->tlv.tag;
	char buf[512];

	if (e->tlv.constructed)
		return;
	if (e->tlv.cls != 0 || e->truncated) {
		bool text = n > 0 && !e->truncated;
		for (size_t i = 0; text && i < n; i++)
			text = c[i] >= 0x20 && c[i] < 0x7f;
		json_object_set_new(o, "hex", hex_or_empty(c, n));
		if (text) {
			char *t = strndup((const char *)c, n);
			json_object_set_new(o, "text", ck_json_str(t ? t : ""));
			free(t);
		}
		return;
	}
	switch (tag) {
	case CK_TAG_BOOLEAN:
		if (n == 1)
			json_object_set_new(o, "boolean", json_boolean(c[0] != 0));
		else
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		break;
	case CK_TAG_INTEGER:
	case 10: /* ENUMERATED */
		json_object_set_new(o, "hex", hex_or_empty(c, n));
		if (n >= 1 && n <= 8) {
			int64_t v = (c[0] & 0x80) ? -1 : 0;
			for (size_t i = 0; i < n; i++)
				v = (int64_t)((uint64_t)v << 8 | c[i]);
			json_object_set_new(o, "integer", json_integer((json_int_t)v));
		}
		break;
	case CK_TAG_BIT_STRING:
		if (n >= 1)
			json_object_set_new(o, "unused_bits", json_integer(c[0]));
		if (!e->encapsulates)
			json_object_set_new(o, "hex", hex_or_empty(n ? c + 1 : c, n ? n - 1 : 0));
		break;
	case CK_TAG_OCTET_STRING:
		if (!e->encapsulates)
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		break;
	case CK_TAG_NULL:
		if (n)
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		break;
	case CK_TAG_OID:
		if (ck_der_oid_str(c, n, buf, sizeof buf)) {
			json_object_set_new(o, "oid", json_string(buf));
			json_object_set_new(o, "oid_name", ck_json_str_or_null(ck_oid_name(buf)));
		} else {
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		}
		break;
	default:
		if (ck_der_is_string_tag(tag)) {
			char *str = ck_der_string_utf8(tag, c, n);
			json_object_set_new(o, "string", ck_json_str(str ? str : ""));
			free(str);
			if (tag == CK_TAG_UTCTIME || tag == CK_TAG_GENTIME)
				json_object_set_new(o, "time", ck_der_time_rfc3339(tag, c, n, buf, sizeof buf) ?
									json_string(buf) : json_null());
		} else {
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		}
		break;
	}
}

static json_t *problems_json(unsigned bits)
{
	json_t *a = json_array();
	for (unsigned i = 0; a && i < CK_DER_P_COUNT; i++) {
		unsigned bit = 1u << i;
		json_t *p;
		if (!(bits & bit))
			continue;
		p = json_object();
		json_object_set_new(p, "code", json_string(ck_der_problem_code(bit)));
		json_object_set_new(p, "message", json_string(ck_der_problem_message(bit)));
		json_object_set_new(p, "der_only", json_boolean(bit & CK_DER_P_DER_ONLY));
		json_array_append_new(a, p);
	}
	return a;
}

static json_t *node_json(const struct ck_der_elem *e, const struct ck_schema_names *names)
{
	json_t *o = json_object();
	const struct ck_schema_field *f = ck_schema_field_at(names, e->offset);
	char tag[48];

	if (!o)
		return NULL;
	ck_der_tag_name(e->tlv.cls, e->tlv.tag, tag, sizeof tag);
	json_object_set_new(o, "offset", json_integer((json_int_t)e->offset));
	json_object_set_new(o, "header_length", json_integer((json_int_t)e->tlv.hdr_len));
	json_object_set_new(o, "length", e->tlv.indefinite ? json_null() : json_int_or_null(e->tlv.len));
	json_object_set_new(o, "indefinite", json_boolean(e->tlv.indefinite));
	json_object_set_new(o, "class", json_string(ck_der_class_name(e->tlv.cls)));
	json_object_set_new(o, "constructed", json_boolean(e->tlv.constructed));
	json_object_set_new(o, "tag", json_int_or_null(e->tlv.tag));
	json_object_set_new(o, "tag_name", json_string(tag));
	if (f) {
		json_object_set_new(o, "field", ck_json_str(f->name));
		if (f->choice)
			json_object_set_new(o, "choice", json_string(f->choice));
		if (f->as)
			json_object_set_new(o, "decoded_as", json_string(f->as));
	}
	json_object_set_new(o, "truncated", json_boolean(e->truncated));
	node_value(o, e);
	json_object_set_new(o, "encapsulates", json_boolean(e->encapsulates));
	if (e->unchecked)
		json_object_set_new(o, "unchecked", json_string(e->unchecked));
	json_object_set_new(o, "problems", problems_json(e->problems));
	return o;
}

static json_t *block_head(const struct ck_dump_block *b, size_t index)
{
	json_t *o = json_object();
	json_object_set_new(o, "index", json_integer((json_int_t)index));
	json_object_set_new(o, "label", ck_json_str_or_null(b->label));
	json_object_set_new(o, "line", b->line ? json_integer(b->line) : json_null());
	json_object_set_new(o, "size", json_integer((json_int_t)b->size));
	json_object_set_new(o, "offset", json_integer((json_int_t)b->base));
	json_object_set_new(o, "length", json_integer((json_int_t)b->len));
	json_object_set_new(o, "type", ck_json_str_or_null(b->names ? b->names->type : NULL));
	json_object_set_new(o, "type_error", ck_json_str_or_null(b->type_error));
	json_object_set_new(o, "decoded", json_boolean(!b->error));
	return o;
}

static json_t *error_json(const struct ck_error *err)
{
	json_t *e;
	if (!err || !err->status)
		return json_null();
	e = json_object();
	json_object_set_new(e, "status", json_string(ck_status_str(err->status)));
	json_object_set_new(e, "message", ck_json_str(err->what));
	json_object_set_new(e, "offset", err->offset >= 0 ? json_integer(err->offset) : json_null());
	return e;
}

/* What one block's walk found, for its tail and the result. */
struct block_tally {
	struct dump_problem *probs;
	size_t nprobs, cprobs;
	size_t elements, derv, invalid, unchecked;
};

static int add_problem(struct block_tally *t, int64_t offset, unsigned bit, const char *reason)
{
	if (t->nprobs == t->cprobs) {
		size_t nc = t->cprobs ? t->cprobs * 2 : 16;
		struct dump_problem *np = realloc(t->probs, nc * sizeof *np);
		if (!np)
			return -1;
		t->probs = np;
		t->cprobs = nc;
	}
	t->probs[t->nprobs].offset = offset;
	t->probs[t->nprobs].reason = reason;
	t->probs[t->nprobs++].bit = bit;
	return 0;
}

static int tally(struct block_tally *t, const struct ck_der_elem *e)
{
	t->elements++;
	if (e->unchecked) {
		t->unchecked++;
		if (add_problem(t, e->offset, 0, e->unchecked) < 0)
			return -1;
	}
	for (unsigned i = 0; i < CK_DER_P_COUNT; i++) {
		unsigned bit = 1u << i;
		if (!(e->problems & bit))
			continue;
		if (bit & CK_DER_P_DER_ONLY)
			t->derv++;
		else
			t->invalid++;
		if (add_problem(t, e->offset, bit, NULL) < 0)
			return -1;
	}
	return 0;
}

/* The members after the tree: problems, error, der, summary. */
static json_t *block_tail(const struct block_tally *t, const struct ck_error *werr)
{
	json_t *tail = json_object(), *plist = json_array(), *sum = json_object();
	json_t *ulist = json_array();

	for (size_t i = 0; i < t->nprobs; i++) {
		json_t *p = json_object();
		if (!t->probs[i].bit) {
			json_object_set_new(p, "offset", json_integer((json_int_t)t->probs[i].offset));
			json_object_set_new(p, "message", json_string(t->probs[i].reason));
			json_array_append_new(ulist, p);
			continue;
		}
		json_object_set_new(p, "offset", json_integer((json_int_t)t->probs[i].offset));
		json_object_set_new(p, "code", json_string(ck_der_problem_code(t->probs[i].bit)));
		json_object_set_new(p, "message", json_string(ck_der_problem_message(t->probs[i].bit)));
		json_object_set_new(p, "der_only", json_boolean(t->probs[i].bit & CK_DER_P_DER_ONLY));
		json_array_append_new(plist, p);
	}
	json_object_set_new(tail, "problems", plist);
	json_object_set_new(tail, "unchecked", ulist);
	json_object_set_new(tail, "error", error_json(werr));
	json_object_set_new(tail, "der", json_boolean(!werr->status && !t->derv && !t->invalid &&
						      !t->unchecked));
	json_object_set_new(sum, "elements", json_integer((json_int_t)t->elements));
	json_object_set_new(sum, "der_violations", json_integer((json_int_t)t->derv));
	json_object_set_new(sum, "invalid", json_integer((json_int_t)t->invalid));
	json_object_set_new(sum, "unchecked", json_integer((json_int_t)t->unchecked));
	json_object_set_new(tail, "summary", sum);
	return tail;
}

/* Is the element, named by the schema, an extension's value that should
 * have been walked (RFC 5280 4.1: extnValue holds the DER of the
 * extension's type) but was not? */
static bool opaque_extension(const struct ck_der_elem *e, const struct ck_schema_names *names)
{
	const struct ck_schema_field *f;
	size_t n;

	if (e->encapsulates || e->unchecked || e->tlv.cls != 0 || e->tlv.tag != CK_TAG_OCTET_STRING)
		return false;
	f = ck_schema_field_at(names, e->offset);
	n = f && f->name ? strlen(f->name) : 0;
	return f && !f->as && n >= 9 && !strcmp(f->name + n - 9, "extnValue");
}

/* Walk the block's DER through the sink: every element is tallied, those
 * within --depth are written.  DER inside OCTET and BIT STRINGs is always
 * walked and checked; without `nested` it is only not shown.  The first
 * error goes to *werr. */
static int walk_block(struct dump_sink *s, const struct ck_dump_block *b, struct block_tally *t,
		      struct ck_error *werr)
{
	struct ck_der_walk_opts wo = { .base = b->base, .nested = true,
				       .container = s->o->container };
	struct ck_der_walker *w = NULL;
	unsigned limit = s->o->depth;
	unsigned hide = 0; /* not nested: children from this depth + 1 are not shown */
	struct ck_der_elem e;
	enum ck_der_event ev;
	int r = 0;

	if (ck_der_walker_new(b->der, b->len, &wo, &w, werr))
		return 0; /* werr says why */
	while (r == 0 && (ev = ck_der_walker_next(w, &e)) != CK_DER_DONE) {
		bool shown = (!limit || e.depth < limit) && (!hide || e.depth < hide);
		bool open;
		if (ev == CK_DER_ENTER && shown && e.encapsulates && !s->o->nested) {
			hide = e.depth + 1;
			e.encapsulates = e.has_children = false; /* shown as bytes */
		} else if (ev == CK_DER_LEAVE && hide && e.depth + 1 == hide) {
			hide = 0;
			continue;
		}
		open = e.has_children && (!limit || e.depth + 1 < limit);
		if (ev == CK_DER_LEAVE) {
			if (shown && open)
				r = s->leave(s);
			continue;
		}
		if (!e.unchecked && b->names && opaque_extension(&e, b->names))
			e.unchecked = "an extension's value that is not DER";
		r = tally(t, &e);
		if (r == 0 && shown)
			r = s->node(s, node_json(&e, b->names), e.depth, open, e.has_children && !open);
	}
	if (r == 0 && ck_der_walker_error(w)->status)
		*werr = *ck_der_walker_error(w);
	ck_der_walker_free(w);
	return r;
}

/* One block: its head, its tree, its tail. */
static int dump_block(struct dump_sink *s, const struct ck_dump_block *b, size_t index,
		      struct ck_dump_result *res)
{
	struct block_tally t = { 0 };
	struct ck_error werr;
	int r;

	ck_error_clear(&werr);
	if (s->block_begin(s, block_head(b, index)) < 0)
		return -1;
	if (b->error)
		werr = *b->error;
	else if (walk_block(s, b, &t, &werr) < 0) {
		free(t.probs);
		return -1;
	}
	if (!werr.status && b->len == 0)
		ck_error_set_at(&werr, CK_E_PARSE, b->base, "no data to show");
	if (werr.status) {
		res->errors[index] = werr;
		if (!werr.file[0])
			ck_error_set_file(&res->errors[index], s->in->name);
		res->nerrors++;
	}
	res->elements += t.elements;
	res->der_violations += t.derv;
	res->invalid += t.invalid;
	res->unchecked += t.unchecked;
	r = s->block_end(s, block_tail(&t, &werr));
	free(t.probs);
	return r;
}

static int dump_input(struct dump_sink *s, struct ck_dump_result *res)
{
	const struct ck_dump_input *in = s->in;
	json_t *input = json_object();
	int r;

	memset(res, 0, sizeof *res);
	res->errors = calloc(in->nblocks ? in->nblocks : 1, sizeof *res->errors);
	if (!res->errors) {
		json_decref(input);
		free(s->first);
		return -1;
	}
	for (size_t i = 0; i < in->nblocks; i++)
		ck_error_clear(&res->errors[i]);
	json_object_set_new(input, "name", ck_json_str(in->name));
	json_object_set_new(input, "format", json_string(ck_format_name(in->format)));
	json_object_set_new(input, "size", json_integer((json_int_t)in->size));
	r = s->doc_begin(s, input);
	for (size_t i = 0; r == 0 && i < in->nblocks; i++)
		r = dump_block(s, &in->blocks[i], i, res);
	if (r == 0)
		r = s->doc_end(s);
	free(s->first);
	return r;
}

/* ---- JSON ---- */

/* Write an object we own without its closing brace, and drop it. */
static int json_open(FILE *out, json_t *obj)
{
	int r = obj ? ck_json_write_open(out, obj) : -1;
	json_decref(obj);
	return r;
}

static int json_level(struct dump_sink *s)
{
	if (s->level == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		bool *nf = realloc(s->first, cap * sizeof *nf);
		if (!nf)
			return -1;
		s->first = nf;
		s->cap = cap;
	}
	s->first[s->level++] = true;
	return 0;
}

/* A comma unless this is the first item of the current level. */
static int json_sep(struct dump_sink *s)
{
	if (s->first[s->level - 1]) {
		s->first[s->level - 1] = false;
		return 0;
	}
	return fputc(',', s->out) == EOF ? -1 : 0;
}

static int jdoc_begin(struct dump_sink *s, json_t *input)
{
	json_t *o = json_object();
	json_object_set_new(o, "input", input);
	if (json_open(s->out, o) < 0 || fputs(",\"blocks\":[", s->out) == EOF)
		return -1;
	return json_level(s);
}

static int jblock_begin(struct dump_sink *s, json_t *head)
{
	if (json_sep(s) < 0 || json_open(s->out, head) < 0 || fputs(",\"tree\":[", s->out) == EOF)
		return -1;
	return json_level(s);
}

static int jnode(struct dump_sink *s, json_t *node, unsigned depth, bool open, bool hidden)
{
	(void)depth;
	if (!node || json_sep(s) < 0)
		return -1;
	if (hidden)
		json_object_set_new(node, "children_hidden", json_true());
	if (!open)
		return ck_json_write_new(s->out, node);
	if (json_open(s->out, node) < 0 || fputs(",\"children\":[", s->out) == EOF)
		return -1;
	return json_level(s);
}

static int jleave(struct dump_sink *s)
{
	s->level--;
	return fputs("]}", s->out) == EOF ? -1 : 0;
}

static int jblock_end(struct dump_sink *s, json_t *tail)
{
	int r;

	s->level--;
	/* "]" closes the tree; the tail's members follow without its '{' */
	r = tail && fputs("],", s->out) != EOF ? ck_json_write_members(s->out, tail) : -1;
	json_decref(tail);
	return r;
}

static int jdoc_end(struct dump_sink *s)
{
	s->level--;
	return fputs("]}\n", s->out) == EOF ? -1 : 0;
}

int ck_report_dump_json(FILE *out, const struct ck_dump_input *in, const struct ck_dump_opts *o,
			struct ck_dump_result *res)
{
	struct dump_sink s = { .out = out, .o = o, .in = in, .doc_begin = jdoc_begin,
			       .block_begin = jblock_begin, .node = jnode, .leave = jleave,
			       .block_end = jblock_end, .doc_end = jdoc_end };
	return dump_input(&s, res);
}

/* ---- XML ---- */

/* Write the members of an object we own, and drop it. */
static int xml_members(struct ck_xml *x, json_t *obj)
{
	int r = obj ? ck_xml_members(x, obj) : -1;
	json_decref(obj);
	return r;
}

static int xml_start(struct ck_xml *x, const char *name)
{
	return ck_xml_start(x, name);
}

static int xml_end(struct ck_xml *x)
{
	return ck_xml_close(x);
}

static int xdoc_begin(struct dump_sink *s, json_t *input)
{
	int r = xml_start(s->x, "report") < 0 ? -1 : ck_xml_value(s->x, "input", input);
	json_decref(input);
	return r < 0 ? -1 : xml_start(s->x, "blocks");
}

static int xblock_begin(struct dump_sink *s, json_t *head)
{
	if (xml_start(s->x, "item") < 0 || xml_members(s->x, head) < 0)
		return -1;
	return xml_start(s->x, "tree");
}

static int xnode(struct dump_sink *s, json_t *node, unsigned depth, bool open, bool hidden)
{
	(void)depth;
	if (!node)
		return -1;
	if (hidden)
		json_object_set_new(node, "children_hidden", json_true());
	if (xml_start(s->x, "item") < 0 || xml_members(s->x, node) < 0)
		return -1;
	return open ? xml_start(s->x, "children") : xml_end(s->x);
}

static int xleave(struct dump_sink *s)
{
	return xml_end(s->x) < 0 ? -1 : xml_end(s->x);
}

static int xblock_end(struct dump_sink *s, json_t *tail)
{
	if (xml_end(s->x) < 0 || xml_members(s->x, tail) < 0)
		return -1;
	return xml_end(s->x);
}

static int xdoc_end(struct dump_sink *s)
{
	return xml_end(s->x) < 0 ? -1 : xml_end(s->x);
}

int ck_report_dump_xml(struct ck_xml *x, const struct ck_dump_input *in,
		       const struct ck_dump_opts *o, struct ck_dump_result *res)
{
	struct dump_sink s = { .x = x, .o = o, .in = in, .doc_begin = xdoc_begin,
			       .block_begin = xblock_begin, .node = xnode, .leave = xleave,
			       .block_end = xblock_end, .doc_end = xdoc_end };
	if (!x)
		return -1;
	return dump_input(&s, res);
}

/* ---- text ---- */

struct text_state {
	int owidth, lwidth;  /* offset column, header+length column */
	size_t index;
};

static void text_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Hex, cut after 32 bytes (a SHA-256 hash, any serial number) unless
 * verbose. */
static void text_hex(FILE *f, const char *hex, bool verbose)
{
	size_t n = strlen(hex);
	if (!n) {
		fputs("(empty)", f);
		return;
	}
	if (verbose || n <= 64)
		fputs(hex, f);
	else
		fprintf(f, "%.64s…", hex);
	if (n > 64)
		fprintf(f, " (%zu bytes)", n / 2);
}

static int digits_of(unsigned long long v)
{
	int d = 1;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

static int tdoc_begin(struct dump_sink *s, json_t *input)
{
	json_decref(input);
	return 0;
}

static int tblock_begin(struct dump_sink *s, json_t *head)
{
	struct text_state *ts = s->ts;
	const struct ck_dump_input *in = s->in;
	const struct ck_text_opts *to = s->to;
	long long off = jint(head, "offset"), len = jint(head, "length"), size = jint(head, "size");
	FILE *f = s->out;
	/* the file name and the PEM label come from the input: a control
	 * character in them must not reach the terminal */
	json_t *safe = ck_text_safe_doc(head), *name = ck_json_str(in->name), *safe_name;

	json_decref(head);
	head = safe;
	safe_name = name ? ck_text_safe_doc(name) : NULL;
	json_decref(name);
	if (!head || !safe_name) {
		json_decref(head);
		json_decref(safe_name);
		return -1;
	}
	ts->owidth = digits_of((unsigned long long)(off + len));
	if (ts->owidth < 4)
		ts->owidth = 4;
	ts->lwidth = digits_of((unsigned long long)len) + 3;
	if (ts->index++ && !to->quiet)
		fputc('\n', f);
	if (!to->quiet) {
		/* one item: on a terminal a long file name wraps */
		struct ck_text_item it;
		f = ck_text_item_open(&it, s->out, to, "", 4);
		fprintf(f, "%s%s%s: ", ck_text_color(to, "bold"), json_string_value(safe_name), ck_text_reset(to));
		if (in->format == CK_FMT_PEM && !jtrue(head, "decoded"))
			fprintf(f, "PEM block %lld of %zu (%s, line %lld), not decoded",
				jint(head, "index") + 1, in->nblocks, ck_json_text(head, "label"), jint(head, "line"));
		else if (in->format == CK_FMT_PEM)
			fprintf(f, "PEM block %lld of %zu (%s, line %lld), %lld bytes",
				jint(head, "index") + 1, in->nblocks, ck_json_text(head, "label"), jint(head, "line"),
				size);
		else if (in->format == CK_FMT_BASE64)
			fprintf(f, "base64, %lld bytes decoded", size);
		else
			fprintf(f, "DER, %lld bytes", size);
		if (off || len != size)
			fprintf(f, ", bytes %lld to %lld", off, off + len);
		if (json_is_string(json_object_get(head, "type")))
			fprintf(f, ", as %s", ck_json_text(head, "type"));
		ck_text_item_close(&it);
		f = s->out;
	}
	json_decref(head);
	json_decref(safe_name);
	return ferror(f) ? -1 : 0;
}

static void text_value(FILE *f, const json_t *n, const struct ck_text_opts *to)
{
	const json_t *v;
	const char *tag = ck_json_text(n, "tag_name");

	if ((v = json_object_get(n, "boolean")))
		fprintf(f, " %s", json_is_true(v) ? "TRUE" : "FALSE");
	if ((v = json_object_get(n, "integer"))) {
		fprintf(f, " %lld", (long long)json_integer_value(v));
		if (strlen(ck_json_text(n, "hex")) > 2)
			fprintf(f, " (0x%s)", ck_json_text(n, "hex"));
	} else if ((!strcmp(tag, "INTEGER") || !strcmp(tag, "ENUMERATED")) &&
		   json_is_string(json_object_get(n, "hex"))) {
		fputs(*ck_json_text(n, "hex") ? " 0x" : " ", f);
		text_hex(f, ck_json_text(n, "hex"), to->verbose);
		return;
	}
	if ((v = json_object_get(n, "oid"))) {
		fprintf(f, " %s", json_string_value(v));
		if (json_is_string(json_object_get(n, "oid_name")))
			fprintf(f, " (%s)", ck_json_text(n, "oid_name"));
	}
	if ((v = json_object_get(n, "string"))) {
		fputc(' ', f);
		text_escaped(f, json_string_value(v));
		if (json_is_string(json_object_get(n, "time")))
			fprintf(f, " = %s", ck_json_text(n, "time"));
	}
	if ((v = json_object_get(n, "unused_bits")))
		fprintf(f, ", %lld unused bit%s", (long long)json_integer_value(v),
			json_integer_value(v) == 1 ? "" : "s");
	if ((v = json_object_get(n, "text"))) {
		fputc(' ', f);
		text_escaped(f, json_string_value(v));
	} else if ((v = json_object_get(n, "hex")) && !json_object_get(n, "integer")) {
		fputs(json_object_get(n, "unused_bits") ? ": " : " ", f);
		text_hex(f, json_string_value(v), to->verbose);
	}
	if (jtrue(n, "encapsulates"))
		fputs(", encapsulates:", f);
}

static int tnode(struct dump_sink *s, json_t *n, unsigned depth, bool open, bool hidden)
{
	struct text_state *ts = s->ts;
	const struct ck_text_opts *to = s->to;
	FILE *f = s->out;
	const json_t *probs = json_object_get(n, "problems"), *p;
	char hl[48], lead[192];
	size_t i;
	struct ck_text_item it;

	(void)open;
	if (!n)
		return -1;
	if (to->quiet) {
		json_decref(n);
		return 0;
	}
	if (jtrue(n, "indefinite"))
		snprintf(hl, sizeof hl, "%lld+inf", jint(n, "header_length"));
	else if (json_is_integer(json_object_get(n, "length")))
		snprintf(hl, sizeof hl, "%lld+%lld", jint(n, "header_length"), jint(n, "length"));
	else
		snprintf(hl, sizeof hl, "%lld+huge", jint(n, "header_length"));
	/* the offset, lengths and indentation lead the line; on a terminal
	 * the rest wraps under the tag, one line per node otherwise */
	snprintf(lead, sizeof lead, "%s%*lld%s  %-*s  %*s", ck_text_color(to, "dim"), ts->owidth,
		 jint(n, "offset"), ck_text_reset(to), ts->lwidth, hl, (int)(depth > 32 ? 64 : 2 * depth), "");
	f = ck_text_item_open(&it, s->out, to, lead,
			      (unsigned)(ts->owidth + 2 + ts->lwidth + 2 + (depth > 32 ? 64 : 2 * depth) + 2));
	if (depth > 32) /* past 64 columns of indentation, say the depth instead */
		fprintf(f, "[depth %u] ", depth);
	if (json_is_string(json_object_get(n, "field"))) {
		fprintf(f, "%s%s%s", ck_text_color(to, "info"), ck_json_text(n, "field"), ck_text_reset(to));
		if (json_is_string(json_object_get(n, "choice")))
			fprintf(f, " (%s)", ck_json_text(n, "choice"));
		if (json_is_string(json_object_get(n, "decoded_as")))
			fprintf(f, " (%s)", ck_json_text(n, "decoded_as"));
		fputs(": ", f);
	}
	fputs(ck_json_text(n, "tag_name"), f);
	text_value(f, n, to);
	if (jtrue(n, "indefinite"))
		fprintf(f, " %s(indefinite length: BER)%s", ck_text_color(to, "warning"), ck_text_reset(to));
	if (jtrue(n, "truncated"))
		fprintf(f, " %s(truncated)%s", ck_text_color(to, "error"), ck_text_reset(to));
	if (hidden)
		fputs(" …", f);
	if (json_is_string(json_object_get(n, "unchecked")))
		fprintf(f, " %s[not checked inside: %s]%s", ck_text_color(to, "warning"),
			ck_json_text(n, "unchecked"), ck_text_reset(to));
	json_array_foreach(probs, i, p) {
		bool der_only = jtrue(p, "der_only");
		if (der_only && (!s->o->strict || !strcmp(ck_json_text(p, "code"), "indefinite-length")))
			continue;
		fprintf(f, " %s[%s]%s", ck_text_color(to, der_only ? "warning" : "error"),
			ck_json_text(p, "message"), ck_text_reset(to));
	}
	ck_text_item_close(&it);
	f = s->out;
	json_decref(n);
	return ferror(f) ? -1 : 0;
}

static int tleave(struct dump_sink *s)
{
	(void)s;
	return 0;
}

static int tblock_end(struct dump_sink *s, json_t *tail)
{
	const struct ck_text_opts *to = s->to;
	const json_t *sum = json_object_get(tail, "summary"), *p;
	long long derv = jint(sum, "der_violations"), invalid = jint(sum, "invalid");
	long long unchecked = jint(sum, "unchecked");
	FILE *f = s->out;
	size_t i;

	if (s->o->strict && derv) {
		fprintf(f, "%sDER violations (%lld):%s\n", ck_text_color(to, "warning"), derv,
			ck_text_reset(to));
		json_array_foreach(json_object_get(tail, "problems"), i, p)
			if (jtrue(p, "der_only"))
				fprintf(f, "  byte %lld: %s\n", jint(p, "offset"), ck_json_text(p, "message"));
	} else if (derv) {
		fprintf(f, "%sNot DER%s (valid BER): %lld DER rule%s broken; --strict-der lists %s.\n",
			ck_text_color(to, "warning"), ck_text_reset(to), derv, derv == 1 ? "" : "s",
			derv == 1 ? "it" : "them");
	} else if (s->o->strict && !invalid && !unchecked &&
		   !json_is_object(json_object_get(tail, "error"))) {
		fprintf(f, "%sNo DER violations.%s\n", ck_text_color(to, "ok"), ck_text_reset(to));
	}
	if (unchecked) {
		/* never "no violations" for what could not be looked into */
		fprintf(f, "%sNot checked inside (%lld):%s\n", ck_text_color(to, "warning"), unchecked,
			ck_text_reset(to));
		json_array_foreach(json_object_get(tail, "unchecked"), i, p)
			fprintf(f, "  byte %lld: %s\n", jint(p, "offset"), ck_json_text(p, "message"));
	}
	if (invalid) {
		fprintf(f, "%sInvalid encodings (%lld):%s\n", ck_text_color(to, "error"), invalid,
			ck_text_reset(to));
		json_array_foreach(json_object_get(tail, "problems"), i, p)
			if (!jtrue(p, "der_only"))
				fprintf(f, "  byte %lld: %s\n", jint(p, "offset"), ck_json_text(p, "message"));
	}
	json_decref(tail);
	return ferror(f) ? -1 : 0;
}

static int tdoc_end(struct dump_sink *s)
{
	return ferror(s->out) ? -1 : 0;
}

int ck_report_dump_text(FILE *out, const struct ck_dump_input *in, const struct ck_dump_opts *o,
			const struct ck_text_opts *to, struct ck_dump_result *res)
{
	struct dump_sink s = { .out = out, .to = to, .o = o, .in = in, .doc_begin = tdoc_begin,
			       .block_begin = tblock_begin, .node = tnode, .leave = tleave,
			       .block_end = tblock_end, .doc_end = tdoc_end };
	struct text_state ts = { 0 };
	s.ts = &ts;
	return dump_input(&s, res);
}

/* derdump writes its documents as items; only a file that could not be
 * read is a whole document (and not in text). */
const struct ck_emit_view ck_view_derdump = {
	.root = "derdump",
	.element = "report",
};
