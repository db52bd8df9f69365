/* fuzz-report — the renderers fed odd values: control characters,
 * invalid UTF-8, escape sequences, long strings, extreme numbers.
 *
 * Two kinds of documents, chosen by the first byte:
 *  - bit 7 set: a document built from the bytes (objects, arrays,
 *    strings through ck_json_str as libcore makes them, keys that are
 *    not XML names, integers, reals, booleans, nulls, nesting);
 *  - otherwise: one of the tools' real documents (fuzz/templates/: what
 *    chainview, aiacheck, truststore and mtlsprobe print with --json for
 *    the fixtures) with its values replaced from the bytes, types kept, so
 *    that every text renderer sees the shape it was written for.
 * JSON (ck_report_write_json) and XML (ck_xml_*) must parse back
 * (jansson, libxml2); the text renderer of the document's tool runs
 * with and without colour, and without colour its output must hold no
 * control character but newline: nothing from the input reaches a
 * terminal as an escape sequence.  JUnit XML (aiacheck) must parse.
 *
 * Input: the selector byte (bit 6: colour, bit 5: verbose), then the
 * bytes the document or the replacement values come from. */
#include "config.h"

#include "fuzz.h"

#include "libcore/report.h"
#include "libcore/report-truststore.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#ifndef CK_SRCDIR
#error "CK_SRCDIR must name the source tree"
#endif

typedef int (*text_fn)(FILE *, const json_t *, const struct ck_text_opts *);

struct template {
	char *name;
	json_t *doc;
	text_fn text;
	bool junit;
};

static struct template *templates;
static size_t ntemplates;

static text_fn renderer(const char *name, bool *junit)
{
	*junit = false;
	if (!strncmp(name, "chainview", 9))
		return ck_report_text_chainview;
	if (!strncmp(name, "aiacheck", 8)) {
		*junit = true;
		return ck_report_text_aiacheck;
	}
	if (!strncmp(name, "truststore", 10))
		return ck_report_text_truststore;
	if (!strncmp(name, "mtlsprobe", 9))
		return ck_report_text_mtlsprobe;
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct template *)a)->name, ((const struct template *)b)->name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = CK_SRCDIR "/fuzz/templates";
	DIR *d = opendir(dir);
	struct dirent *de;

	(void)argc;
	(void)argv;
	if (!d)
		fz_fail("%s: cannot open", dir);
	while ((de = readdir(d))) {
		char path[4096];
		json_error_t jerr;
		struct template *n, t = { 0 };
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		t.doc = json_load_file(path, 0, &jerr);
		if (!t.doc)
			fz_fail("%s: %s", path, jerr.text);
		t.name = strdup(de->d_name);
		t.text = renderer(t.name, &t.junit);
		if (!t.name || !t.text)
			fz_fail("%s: no renderer for this template", path);
		n = realloc(templates, (ntemplates + 1) * sizeof *n);
		if (!n)
			abort();
		templates = n;
		templates[ntemplates++] = t;
	}
	closedir(d);
	if (!ntemplates)
		fz_fail("%s: no templates", dir);
	/* the selector must mean the same template whatever readdir's order */
	qsort(templates, ntemplates, sizeof *templates, by_name);
	return 0;
}

/* ---------------------------------------------------------------- */
/* values from the bytes */

/* Long strings left for this input: one or two long values find what
 * a hundred would, and a hundred make every run slow.  Most long strings
 * are a few KiB (past every fixed buffer and line width of the
 * renderers); one per input may be 64 KiB (past 16-bit lengths), in a
 * document built from the bytes, which goes through the JSON and XML
 * writers only: in a template it would go through every renderer, and
 * libxml2's text writer alone takes milliseconds over it.  Every input
 * used to be allowed 128 KiB in 4 KiB steps: the corpus filled up with
 * them, and the harness ran 190 inputs per second instead of some 1,700
 * (fuzz/README.md). */
static size_t long_left;
static bool huge_used; /* also set when no 64 KiB string is allowed */

/* Raw bytes for a string: short ones as they are (control characters,
 * escape sequences, invalid UTF-8 included), or one repeated into a
 * long string: op 0xf0-0xfe, 256 bytes to 3.75 KiB (16 KiB per input);
 * op 0xff, 64 KiB (once per input, when allowed). */
static json_t *fuzz_string(struct fz *f)
{
	uint8_t op = fz_u8(f);
	size_t n = op == 0xff ? (huge_used ? 0 : 65536) : op >= 0xf0 ? (size_t)(op - 0xef) * 256 : 0;
	char *s;
	json_t *j;

	if (n && (op == 0xff || n <= long_left)) {
		char *raw = fz_str(f, 16);
		size_t rl = strlen(raw);

		if (op == 0xff)
			huge_used = true;
		else
			long_left -= n;
		s = malloc(n + 1);
		if (!s)
			abort();
		for (size_t i = 0; i < n; i++)
			s[i] = rl ? raw[i % rl] : 'x';
		s[n] = '\0';
		free(raw);
	} else {
		s = fz_str(f, op);
	}
	j = ck_json_str(s);
	free(s);
	if (!j)
		fz_fail("ck_json_str returned NULL");
	return j;
}

static json_int_t fuzz_int(struct fz *f)
{
	static const json_int_t special[] = { 0, -1, 1, INT64_MAX, INT64_MIN, INT32_MAX,
					      (json_int_t)INT32_MAX + 1, -86400, 253402300799 };
	uint8_t op = fz_u8(f);
	if (op < sizeof special / sizeof special[0])
		return special[op];
	return (json_int_t)((uint64_t)fz_u32(f) << 32 | fz_u32(f));
}

static double fuzz_real(struct fz *f)
{
	static const double special[] = { 0.0, -0.0, 1e308, -1e308, 4.9e-324, 0.1, 123456789012.5 };
	uint8_t op = fz_u8(f);
	if (op < sizeof special / sizeof special[0])
		return special[op];
	return (double)(int32_t)fz_u32(f) / (double)(fz_u8(f) + 1);
}

/* Replace the scalars of a template, types kept (the walk consumes one
 * byte per value: below 0x80 it is left alone). */
static void mutate(json_t *v, struct fz *f, unsigned depth)
{
	if (!f->n || depth > 64)
		return;
	if (json_is_object(v)) {
		const char *k;
		json_t *m;
		void *tmp;
		json_object_foreach_safe(v, tmp, k, m) {
			if (json_is_object(m) || json_is_array(m)) {
				mutate(m, f, depth + 1);
				continue;
			}
			if (fz_u8(f) < 0x80)
				continue;
			if (json_is_string(m))
				json_object_set_new(v, k, fuzz_string(f));
			else if (json_is_integer(m))
				json_object_set_new(v, k, json_integer(fuzz_int(f)));
			else if (json_is_real(m))
				json_object_set_new(v, k, json_real(fuzz_real(f)));
			else if (json_is_boolean(m))
				json_object_set_new(v, k, json_boolean(fz_u8(f) & 1));
		}
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *m = json_array_get(v, i);
			if (json_is_object(m) || json_is_array(m)) {
				mutate(m, f, depth + 1);
				continue;
			}
			if (fz_u8(f) < 0x80)
				continue;
			if (json_is_string(m))
				json_array_set_new(v, i, fuzz_string(f));
			else if (json_is_integer(m))
				json_array_set_new(v, i, json_integer(fuzz_int(f)));
			else if (json_is_real(m))
				json_array_set_new(v, i, json_real(fuzz_real(f)));
		}
	}
}

/* A document from the bytes. */
static json_t *build(struct fz *f, unsigned depth)
{
	uint8_t op = fz_u8(f);

	if (depth > 40)
		op %= 6;
	switch (op % 8) {
	case 0: return fuzz_string(f);
	case 1: return json_integer(fuzz_int(f));
	case 2: {
		json_t *r = json_real(fuzz_real(f));
		return r ? r : json_null();
	}
	case 3: return json_true();
	case 4: return json_false();
	case 5: return json_null();
	case 6: {
		json_t *a = json_array();
		unsigned n = fz_u8(f) % 8;
		for (unsigned i = 0; i < n && f->n; i++)
			json_array_append_new(a, build(f, depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		unsigned n = fz_u8(f) % 8;
		for (unsigned i = 0; i < n && f->n; i++) {
			/* keys as libcore never writes them: anything UTF-8 */
			json_t *key = fuzz_string(f);
			json_object_set_new(o, json_string_value(key), build(f, depth + 1));
			json_decref(key);
		}
		return o;
	}
	}
}

/* Text without colour: no control character but newline. */
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
	struct fz f = { data, size };
	uint8_t sel = fz_u8(&f);
	struct fz_mem m = { 0 };
	json_t *doc;

	long_left = 16 * 1024;
	huge_used = !(sel & 0x80);

	if (sel & 0x80) {
		doc = build(&f, 0);
		fz_check_doc(doc, "report");
		json_decref(doc);
		return 0;
	}
	{
		const struct template *t = &templates[sel % ntemplates];
		struct ck_text_opts plain = { .verbose = (sel & 0x20) != 0 };
		struct ck_text_opts color = { .color = true, .verbose = (sel & 0x20) != 0 };

		doc = json_deep_copy(t->doc);
		if (!doc)
			abort();
		mutate(doc, &f, 0);
		fz_check_doc(doc, "report");
		if (t->text(fz_mem_open(&m), doc, &plain) < 0)
			fz_fail("%s: the text renderer failed", t->name);
		fz_mem_close(&m);
		assert_plain(m.buf, m.len);
		if (sel & 0x40) {
			if (t->text(fz_mem_open(&m), doc, &color) < 0)
				fz_fail("%s: the text renderer failed", t->name);
			fz_mem_close(&m);
		}
		if (t->junit) {
			if (ck_report_junit(fz_mem_open(&m), &doc, 1) < 0)
				fz_fail("%s: ck_report_junit failed", t->name);
			fz_mem_close(&m);
			fz_assert_xml(m.buf, m.len);
		}
	}
	json_decref(doc);
	fz_mem_free(&m);
	return 0;
}
