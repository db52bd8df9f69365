/* report-derdump — derdump's document, streamed.
 *
 * The walk (der) drives three sinks, one per format.  Each element is
 * turned into a struct dump_node (node_fill): its members, typed, which
 * JSON and XML write in one order (node_members) and the text renders,
 * so the text shows only what the JSON has.  No JSON value is built per
 * element (an input makes hundreds of thousands): JSON's framing, keys
 * (this file's identifiers) and numbers are written here and its
 * strings by jansson; XML's elements by libxml2's text writer through
 * report.h's typed members, which write what the generic mapping writes
 * for the same JSON.  The head and tail of a block are JSON objects,
 * mapped like every document.  JSON and XML nest the children of an
 * element in "children".  Memory is proportional to the depth and the
 * largest value, not to the input. */
#include "config.h"

#include "emit.h"

#include "report-derdump.h"
#include "cert.h"
#include "oid.h"
#include "schema.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static bool jtrue(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

/* One element as the document shows it.  The value members are shown
 * when set, in the order they are declared here (node_members); only
 * some go together: hex with text, integer or unused_bits; oid with
 * oid_name; string with time. */
struct dump_node {
	const struct ck_der_elem *e;
	const struct ck_schema_field *field; /* its name from the schema, or NULL */
	char tag_name[48];
	int boolean;              /* 0 or 1; -1: none */
	int unused_bits;          /* -1: none */
	const char *hex;          /* lowercase hex of the value, or NULL */
	const char *text;         /* a value of printable ASCII, or NULL */
	bool has_integer;
	long long integer;
	const char *oid;          /* dotted, or NULL */
	const char *oid_name;     /* with oid: NULL is null */
	const char *string;       /* a string type's value as UTF-8, or NULL */
	bool has_time;
	const char *time;         /* with has_time: RFC 3339, NULL is null */
	bool children_hidden;     /* has children, deeper than --depth */
	char buf[512];            /* oid or time */
};

/* Buffers a sink reuses from element to element. */
struct dump_scratch {
	char *hex, *text;
	size_t hex_cap, text_cap;
	char *string; /* the current node's string, freed after it */
};

struct text_state;

struct dump_problem {
	int64_t offset;
	unsigned bit;       /* CK_DER_P_*, or 0 for a value not checked inside */
	const char *reason; /* bit 0: why */
};

/* How JSON and XML write an element's members (node_members): a string
 * (NULL: null), integer, boolean or null, and an array of objects.
 * Each returns 0, or -1 on a write error. */
struct dump_sink;
struct member_ops {
	int (*str)(struct dump_sink *, const char *key, const char *v);
	int (*num)(struct dump_sink *, const char *key, long long v);
	int (*flag)(struct dump_sink *, const char *key, bool v);
	int (*null)(struct dump_sink *, const char *key);
	int (*list)(struct dump_sink *, const char *key);
	int (*list_end)(struct dump_sink *);
	int (*item)(struct dump_sink *);
	int (*item_end)(struct dump_sink *);
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
	struct dump_scratch sc;
	const struct member_ops *m; /* JSON, XML */
	json_t *jstring; /* JSON: the string being written */
	bool no_nodes;  /* text --quiet: elements are tallied, not shown */
	int (*doc_begin)(struct dump_sink *, json_t *input);
	int (*block_begin)(struct dump_sink *, json_t *head);
	int (*node)(struct dump_sink *, const struct dump_node *n, bool open);
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

/* A scratch buffer of at least `need` bytes, or NULL. */
static char *scratch(char **buf, size_t *cap, size_t need)
{
	if (need > *cap) {
		size_t nc = *cap ? *cap : 256;
		char *nb;
		while (nc < need)
			nc = nc > SIZE_MAX / 2 ? need : nc * 2;
		nb = realloc(*buf, nc);
		if (!nb)
			return NULL;
		*buf = nb;
		*cap = nc;
	}
	return *buf;
}

static int set_hex(struct dump_scratch *sc, struct dump_node *n, const unsigned char *p, size_t len)
{
	char *h = len < SIZE_MAX / 2 ? scratch(&sc->hex, &sc->hex_cap, 2 * len + 1) : NULL;
	if (!h)
		return -1;
	ck_hex_into(h, p, len);
	n->hex = h;
	return 0;
}

/* The value members of a primitive element. */
static int node_value(struct dump_scratch *sc, struct dump_node *n)
{
	const struct ck_der_elem *e = n->e;
	const unsigned char *c = e->content;
	size_t len = e->content_len;
	unsigned long tag = e->tlv.tag;

	if (e->tlv.constructed)
		return 0;
	if (e->tlv.cls != 0 || e->truncated) {
		bool text = len > 0 && !e->truncated;
		for (size_t i = 0; text && i < len; i++)
			text = c[i] >= 0x20 && c[i] < 0x7f;
		if (set_hex(sc, n, c, len) < 0)
			return -1;
		if (text) {
			char *t = scratch(&sc->text, &sc->text_cap, len + 1);
			if (!t)
				return -1;
			memcpy(t, c, len);
			t[len] = '\0';
			n->text = t;
		}
		return 0;
	}
	switch (tag) {
	case CK_TAG_BOOLEAN:
		if (len == 1)
			n->boolean = c[0] != 0;
		else
			return set_hex(sc, n, c, len);
		break;
	case CK_TAG_INTEGER:
	case 10: /* ENUMERATED */
		if (set_hex(sc, n, c, len) < 0)
			return -1;
		if (len >= 1 && len <= 8) {
			int64_t v = (c[0] & 0x80) ? -1 : 0;
			for (size_t i = 0; i < len; i++)
				v = (int64_t)((uint64_t)v << 8 | c[i]);
			n->has_integer = true;
			n->integer = v;
		}
		break;
	case CK_TAG_BIT_STRING:
		if (len >= 1)
			n->unused_bits = c[0];
		if (!e->encapsulates)
			return set_hex(sc, n, len ? c + 1 : c, len ? len - 1 : 0);
		break;
	case CK_TAG_OCTET_STRING:
		if (!e->encapsulates)
			return set_hex(sc, n, c, len);
		break;
	case CK_TAG_NULL:
		if (len)
			return set_hex(sc, n, c, len);
		break;
	case CK_TAG_OID:
		if (!ck_der_oid_str(c, len, n->buf, sizeof n->buf))
			return set_hex(sc, n, c, len);
		n->oid = n->buf;
		n->oid_name = ck_oid_name(n->buf);
		break;
	default:
		if (!ck_der_is_string_tag(tag))
			return set_hex(sc, n, c, len);
		sc->string = ck_der_string_utf8(tag, c, len);
		n->string = sc->string ? sc->string : "";
		if (tag == CK_TAG_UTCTIME || tag == CK_TAG_GENTIME) {
			n->has_time = true;
			n->time = ck_der_time_rfc3339(tag, c, len, n->buf, sizeof n->buf) ? n->buf : NULL;
		}
		break;
	}
	return 0;
}

/* Fill *n for the element e (borrowed until the node is written); its
 * string is freed by node_done(). */
static int node_fill(struct dump_scratch *sc, struct dump_node *n, const struct ck_der_elem *e,
		     const struct ck_schema_field *f)
{
	memset(n, 0, offsetof(struct dump_node, buf));
	n->e = e;
	n->field = f;
	n->boolean = n->unused_bits = -1;
	ck_der_tag_name(e->tlv.cls, e->tlv.tag, n->tag_name, sizeof n->tag_name);
	return node_value(sc, n);
}

static void node_done(struct dump_scratch *sc)
{
	free(sc->string);
	sc->string = NULL;
}

/* An element's members for JSON and XML, in the document's order. */
static int node_members(struct dump_sink *s, const struct dump_node *n)
{
	const struct member_ops *m = s->m;
	const struct ck_der_elem *e = n->e;
	const struct ck_schema_field *f = n->field;
	int r = 0;

	r |= m->num(s, "offset", (long long)e->offset);
	r |= m->num(s, "header_length", (long long)e->tlv.hdr_len);
	if (e->tlv.indefinite || e->tlv.len > (unsigned long long)LLONG_MAX)
		r |= m->null(s, "length");
	else
		r |= m->num(s, "length", (long long)e->tlv.len);
	r |= m->flag(s, "indefinite", e->tlv.indefinite);
	r |= m->str(s, "class", ck_der_class_name(e->tlv.cls));
	r |= m->flag(s, "constructed", e->tlv.constructed);
	if (e->tlv.tag > (unsigned long long)LLONG_MAX)
		r |= m->null(s, "tag");
	else
		r |= m->num(s, "tag", (long long)e->tlv.tag);
	r |= m->str(s, "tag_name", n->tag_name);
	if (f) {
		r |= m->str(s, "field", f->name ? f->name : "");
		if (f->choice)
			r |= m->str(s, "choice", f->choice);
		if (f->as)
			r |= m->str(s, "decoded_as", f->as);
	}
	r |= m->flag(s, "truncated", e->truncated);
	if (n->boolean >= 0)
		r |= m->flag(s, "boolean", n->boolean);
	if (n->unused_bits >= 0)
		r |= m->num(s, "unused_bits", n->unused_bits);
	if (n->hex)
		r |= m->str(s, "hex", n->hex);
	if (n->text)
		r |= m->str(s, "text", n->text);
	if (n->has_integer)
		r |= m->num(s, "integer", n->integer);
	if (n->oid) {
		r |= m->str(s, "oid", n->oid);
		r |= m->str(s, "oid_name", n->oid_name);
	}
	if (n->string)
		r |= m->str(s, "string", n->string);
	if (n->has_time)
		r |= m->str(s, "time", n->time);
	r |= m->flag(s, "encapsulates", e->encapsulates);
	if (e->unchecked)
		r |= m->str(s, "unchecked", e->unchecked);
	r |= m->list(s, "problems");
	for (unsigned i = 0; r == 0 && i < CK_DER_P_COUNT; i++) {
		unsigned bit = 1u << i;
		if (!(e->problems & bit))
			continue;
		r |= m->item(s);
		r |= m->str(s, "code", ck_der_problem_code(bit));
		r |= m->str(s, "message", ck_der_problem_message(bit));
		r |= m->flag(s, "der_only", bit & CK_DER_P_DER_ONLY);
		r |= m->item_end(s);
	}
	r |= m->list_end(s);
	if (n->children_hidden)
		r |= m->flag(s, "children_hidden", true);
	return r ? -1 : 0;
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

/* Is the element, named by the schema (f), an extension's value that
 * should have been walked (RFC 5280 4.1: extnValue holds the DER of the
 * extension's type) but was not? */
static bool opaque_extension(const struct ck_der_elem *e, const struct ck_schema_field *f)
{
	size_t n;

	if (!f || e->encapsulates || e->unchecked || e->tlv.cls != 0 ||
	    e->tlv.tag != CK_TAG_OCTET_STRING)
		return false;
	n = f->name ? strlen(f->name) : 0;
	return !f->as && n >= 9 && !strcmp(f->name + n - 9, "extnValue");
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
	struct dump_node n;
	enum ck_der_event ev;
	int r = 0;

	if (ck_der_walker_new(b->der, b->len, &wo, &w, werr))
		return 0; /* werr says why */
	while (r == 0 && (ev = ck_der_walker_next(w, &e)) != CK_DER_DONE) {
		bool shown = (!limit || e.depth < limit) && (!hide || e.depth < hide);
		const struct ck_schema_field *f;
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
		f = b->names ? ck_schema_field_at(b->names, e.offset) : NULL;
		if (!e.unchecked && opaque_extension(&e, f))
			e.unchecked = "an extension's value that is not DER";
		r = tally(t, &e);
		if (r == 0 && shown && !s->no_nodes) {
			r = node_fill(&s->sc, &n, &e, f);
			n.children_hidden = e.has_children && !open;
			if (r == 0)
				r = s->node(s, &n, open);
			node_done(&s->sc);
		}
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
	int r = -1;

	memset(res, 0, sizeof *res);
	res->errors = calloc(in->nblocks ? in->nblocks : 1, sizeof *res->errors);
	if (!res->errors) {
		json_decref(input);
		goto out;
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
out:
	free(s->first);
	free(s->sc.hex);
	free(s->sc.text);
	json_decref(s->jstring);
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

/* Open a level: '{' or '[' after a comma if one is due. */
static int json_push(struct dump_sink *s, int c)
{
	if (fputc(c, s->out) == EOF)
		return -1;
	return json_level(s);
}

static int json_pop(struct dump_sink *s, int c)
{
	s->level--;
	return fputc(c, s->out) == EOF ? -1 : 0;
}

/* "key": after a comma if one is due; the keys are this file's
 * identifiers, which need no escaping */
static int jkey(struct dump_sink *s, const char *key)
{
	if (json_sep(s) < 0 || fputc('"', s->out) == EOF || fputs(key, s->out) == EOF)
		return -1;
	return fputs("\":", s->out) == EOF ? -1 : 0;
}

/* jansson writes the string: one value, reused from member to member */
static int jstr(struct dump_sink *s, const char *key, const char *v)
{
	if (jkey(s, key) < 0)
		return -1;
	if (!v)
		return fputs("null", s->out) == EOF ? -1 : 0;
	if (s->jstring && json_string_set(s->jstring, v) == 0)
		return ck_json_write_value(s->out, s->jstring);
	/* the first string, or one that is not UTF-8 (ck_json_str cleans it) */
	json_decref(s->jstring);
	s->jstring = ck_json_str(v);
	return s->jstring ? ck_json_write_value(s->out, s->jstring) : -1;
}

/* as jansson writes a json_int_t */
static int jnum(struct dump_sink *s, const char *key, long long v)
{
	if (jkey(s, key) < 0)
		return -1;
	return fprintf(s->out, "%" JSON_INTEGER_FORMAT, (json_int_t)v) < 0 ? -1 : 0;
}

static int jflag(struct dump_sink *s, const char *key, bool v)
{
	if (jkey(s, key) < 0)
		return -1;
	return fputs(v ? "true" : "false", s->out) == EOF ? -1 : 0;
}

static int jnull(struct dump_sink *s, const char *key)
{
	return jstr(s, key, NULL);
}

static int jlist(struct dump_sink *s, const char *key)
{
	return jkey(s, key) < 0 ? -1 : json_push(s, '[');
}

static int jlist_end(struct dump_sink *s)
{
	return json_pop(s, ']');
}

static int jitem(struct dump_sink *s)
{
	return json_sep(s) < 0 ? -1 : json_push(s, '{');
}

static int jitem_end(struct dump_sink *s)
{
	return json_pop(s, '}');
}

static const struct member_ops json_members = { jstr, jnum, jflag, jnull, jlist, jlist_end,
						jitem, jitem_end };

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

/* An element: '{' and its members, then its "children" opened, or '}' */
static int jnode(struct dump_sink *s, const struct dump_node *n, bool open)
{
	if (jitem(s) < 0 || node_members(s, n) < 0)
		return -1;
	if (!open)
		return jitem_end(s);
	return jlist(s, "children");
}

static int jleave(struct dump_sink *s)
{
	return jlist_end(s) < 0 ? -1 : jitem_end(s);
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
	struct dump_sink s = { .out = out, .o = o, .in = in, .m = &json_members,
			       .doc_begin = jdoc_begin, .block_begin = jblock_begin, .node = jnode,
			       .leave = jleave, .block_end = jblock_end, .doc_end = jdoc_end };
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

static int xstr(struct dump_sink *s, const char *key, const char *v)
{
	return v ? ck_xml_string(s->x, key, v) : ck_xml_null(s->x, key);
}

static int xnum(struct dump_sink *s, const char *key, long long v)
{
	return ck_xml_integer(s->x, key, v);
}

static int xflag(struct dump_sink *s, const char *key, bool v)
{
	return ck_xml_boolean(s->x, key, v);
}

static int xnull(struct dump_sink *s, const char *key)
{
	return ck_xml_null(s->x, key);
}

static int xlist(struct dump_sink *s, const char *key)
{
	return ck_xml_start(s->x, key);
}

static int xitem(struct dump_sink *s)
{
	return ck_xml_start(s->x, "item");
}

static int xclose(struct dump_sink *s)
{
	return ck_xml_close(s->x);
}

static const struct member_ops xml_members_ops = { xstr, xnum, xflag, xnull, xlist, xclose,
						   xitem, xclose };

static int xdoc_begin(struct dump_sink *s, json_t *input)
{
	int r = ck_xml_start(s->x, "report") < 0 ? -1 : ck_xml_value(s->x, "input", input);
	json_decref(input);
	return r < 0 ? -1 : ck_xml_start(s->x, "blocks");
}

static int xblock_begin(struct dump_sink *s, json_t *head)
{
	if (ck_xml_start(s->x, "item") < 0 || xml_members(s->x, head) < 0)
		return -1;
	return ck_xml_start(s->x, "tree");
}

static int xnode(struct dump_sink *s, const struct dump_node *n, bool open)
{
	if (xitem(s) < 0 || node_members(s, n) < 0)
		return -1;
	return open ? xlist(s, "children") : xclose(s);
}

static int xleave(struct dump_sink *s)
{
	return xclose(s) < 0 ? -1 : xclose(s);
}

static int xblock_end(struct dump_sink *s, json_t *tail)
{
	if (ck_xml_close(s->x) < 0 || xml_members(s->x, tail) < 0)
		return -1;
	return ck_xml_close(s->x);
}

static int xdoc_end(struct dump_sink *s)
{
	return ck_xml_close(s->x) < 0 ? -1 : ck_xml_close(s->x);
}

int ck_report_dump_xml(struct ck_xml *x, const struct ck_dump_input *in,
		       const struct ck_dump_opts *o, struct ck_dump_result *res)
{
	struct dump_sink s = { .x = x, .o = o, .in = in, .m = &xml_members_ops,
			       .doc_begin = xdoc_begin, .block_begin = xblock_begin, .node = xnode,
			       .leave = xleave, .block_end = xblock_end, .doc_end = xdoc_end };
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

static void text_value(FILE *f, const struct dump_node *n, const struct ck_text_opts *to)
{
	if (n->boolean >= 0)
		fprintf(f, " %s", n->boolean ? "TRUE" : "FALSE");
	if (n->has_integer) {
		fprintf(f, " %lld", n->integer);
		if (n->hex && strlen(n->hex) > 2)
			fprintf(f, " (0x%s)", n->hex);
	} else if ((!strcmp(n->tag_name, "INTEGER") || !strcmp(n->tag_name, "ENUMERATED")) &&
		   n->hex) {
		fputs(*n->hex ? " 0x" : " ", f);
		text_hex(f, n->hex, to->verbose);
		return;
	}
	if (n->oid) {
		fprintf(f, " %s", n->oid);
		if (n->oid_name)
			fprintf(f, " (%s)", n->oid_name);
	}
	if (n->string) {
		fputc(' ', f);
		text_escaped(f, n->string);
		if (n->has_time && n->time)
			fprintf(f, " = %s", n->time);
	}
	if (n->unused_bits >= 0)
		fprintf(f, ", %d unused bit%s", n->unused_bits, n->unused_bits == 1 ? "" : "s");
	if (n->text) {
		fputc(' ', f);
		text_escaped(f, n->text);
	} else if (n->hex && !n->has_integer) {
		fputs(n->unused_bits >= 0 ? ": " : " ", f);
		text_hex(f, n->hex, to->verbose);
	}
	if (n->e->encapsulates)
		fputs(", encapsulates:", f);
}

static int tnode(struct dump_sink *s, const struct dump_node *n, bool open)
{
	const struct ck_der_elem *e = n->e;
	const struct ck_schema_field *fld = n->field;
	struct text_state *ts = s->ts;
	const struct ck_text_opts *to = s->to;
	unsigned depth = e->depth;
	int indent = depth > 32 ? 64 : 2 * (int)depth;
	FILE *f = s->out;
	char hl[48], lead[192];
	struct ck_text_item it;

	(void)open;
	if (e->tlv.indefinite)
		snprintf(hl, sizeof hl, "%zu+inf", e->tlv.hdr_len);
	else if (e->tlv.len <= (unsigned long long)LLONG_MAX)
		snprintf(hl, sizeof hl, "%zu+%llu", e->tlv.hdr_len, (unsigned long long)e->tlv.len);
	else
		snprintf(hl, sizeof hl, "%zu+huge", e->tlv.hdr_len);
	/* the offset, lengths and indentation lead the line; on a terminal
	 * the rest wraps under the tag, one line per node otherwise */
	snprintf(lead, sizeof lead, "%s%*lld%s  %-*s  %*s", ck_text_color(to, "dim"), ts->owidth,
		 (long long)e->offset, ck_text_reset(to), ts->lwidth, hl, indent, "");
	f = ck_text_item_open(&it, s->out, to, lead,
			      (unsigned)(ts->owidth + 2 + ts->lwidth + 2 + indent + 2));
	if (depth > 32) /* past 64 columns of indentation, say the depth instead */
		fprintf(f, "[depth %u] ", depth);
	if (fld) {
		fprintf(f, "%s%s%s", ck_text_color(to, "info"), fld->name ? fld->name : "",
			ck_text_reset(to));
		if (fld->choice)
			fprintf(f, " (%s)", fld->choice);
		if (fld->as)
			fprintf(f, " (%s)", fld->as);
		fputs(": ", f);
	}
	fputs(n->tag_name, f);
	text_value(f, n, to);
	if (e->tlv.indefinite)
		fprintf(f, " %s(indefinite length: BER)%s", ck_text_color(to, "warning"), ck_text_reset(to));
	if (e->truncated)
		fprintf(f, " %s(truncated)%s", ck_text_color(to, "error"), ck_text_reset(to));
	if (n->children_hidden)
		fputs(" …", f);
	if (e->unchecked)
		fprintf(f, " %s[not checked inside: %s]%s", ck_text_color(to, "warning"), e->unchecked,
			ck_text_reset(to));
	for (unsigned i = 0; i < CK_DER_P_COUNT; i++) {
		unsigned bit = 1u << i;
		bool der_only = bit & CK_DER_P_DER_ONLY;
		if (!(e->problems & bit))
			continue;
		/* indefinite lengths are said above */
		if (der_only && (!s->o->strict || !strcmp(ck_der_problem_code(bit), "indefinite-length")))
			continue;
		fprintf(f, " %s[%s]%s", ck_text_color(to, der_only ? "warning" : "error"),
			ck_der_problem_message(bit), ck_text_reset(to));
	}
	ck_text_item_close(&it);
	return ferror(s->out) ? -1 : 0;
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
	struct dump_sink s = { .out = out, .to = to, .o = o, .in = in, .no_nodes = to->quiet,
			       .doc_begin = tdoc_begin, .block_begin = tblock_begin, .node = tnode,
			       .leave = tleave, .block_end = tblock_end, .doc_end = tdoc_end };
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
