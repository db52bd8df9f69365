/* emit: the table finds each back-end by name and only those; a tool's
 * view decides which formats it offers; documents and items reach each
 * back-end in order; an item a back-end cannot take, and a write that
 * fails, mark the output failed; JUnit keeps the documents until the
 * end and cleans their text; Nagios lists unread inputs first. */
#include "config.h"

#include "libcore/emit.h"
#include "unit.h"

static char *buf;
static size_t buflen;
static FILE *f;

static void setup(void)
{
	f = open_memstream(&buf, &buflen);
	cr_assert(f);
}

static void cleanup(void)
{
	if (f)
		fclose(f);
	f = NULL;
	free(buf);
	buf = NULL;
}

static const char *output(void)
{
	fflush(f);
	return buf;
}

static int text_doc(FILE *out, const json_t *doc, const struct ck_text_opts *o)
{
	(void)o;
	return fprintf(out, "doc %s\n", ck_json_text(doc, "name")) < 0 ? -1 : 0;
}

static int text_end(FILE *out, const json_t *doc, const struct ck_text_opts *o)
{
	(void)o;
	return fprintf(out, "end %s\n", ck_json_text(doc, "name")) < 0 ? -1 : 0;
}

static int item_json(FILE *out, void *ctx)
{
	return fprintf(out, "{\"item\":%d}\n", *(int *)ctx) < 0 ? -1 : 0;
}

static int item_text(FILE *out, const struct ck_text_opts *o, void *ctx)
{
	(void)o;
	return fprintf(out, "item %d\n", *(int *)ctx) < 0 ? -1 : 0;
}

static const struct ck_emit_view view = {
	.root = "t", .element = "d", .text = text_doc, .text_end = text_end,
};

static struct ck_emitter *start(const char *name)
{
	const struct ck_text_opts to = { 0 };
	const struct ck_emitter_ops *ops = ck_emitter_find(name);
	cr_assert(ops, "no back-end %s", name);
	return ck_emitter_new(ops, &view, f, &to);
}

Test(emit, finds_each_backend_by_name)
{
	const char *names[] = { "text", "json", "jsonl", "xml", "junit", "sarif", "openmetrics", "nagios" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const struct ck_emitter_ops *ops = ck_emitter_find(names[i]);
		cr_assert(ops, "%s", names[i]);
		cr_assert_str_eq(ops->name, names[i]);
	}
	cr_assert_null(ck_emitter_find("yaml"));
	cr_assert_null(ck_emitter_find(""));
}

Test(emit, views_decide_the_formats_offered)
{
	cr_assert(ck_emitter_offered(ck_emitter_find("json"), &view));
	cr_assert(ck_emitter_offered(ck_emitter_find("text"), &view));
	cr_assert_not(ck_emitter_offered(ck_emitter_find("nagios"), &view));
	cr_assert_not(ck_emitter_offered(ck_emitter_find("openmetrics"), &view));
	cr_assert_not(ck_emitter_offered(ck_emitter_find("junit"), &view));
	cr_assert(ck_emitter_offered(ck_emitter_find("nagios"), &ck_view_certaudit));
	cr_assert(ck_emitter_offered(ck_emitter_find("openmetrics"), &ck_view_certaudit));
	cr_assert(ck_emitter_offered(ck_emitter_find("sarif"), &ck_view_certaudit));
	cr_assert(ck_emitter_offered(ck_emitter_find("nagios"), &ck_view_aiacheck));
	cr_assert_not(ck_emitter_offered(ck_emitter_find("openmetrics"), &ck_view_aiacheck));
	cr_assert_not(ck_emitter_offered(ck_emitter_find("nagios"), &ck_view_chainview));
}

Test(emit, text_documents_items_and_end_in_order, .init = setup, .fini = cleanup)
{
	struct ck_emitter *e = start("text");
	json_t *a = json_pack("{s:s}", "name", "a"), *z = json_pack("{s:s}", "name", "z");
	int n = 7;

	ck_emit_doc(e, a, NULL);
	ck_emit_item(e, &(struct ck_emit_item){ item_json, NULL, item_text, &n });
	cr_assert(ck_emit_end(e, z, NULL));
	ck_emitter_free(e);
	cr_assert_str_eq(output(), "doc a\n\nitem 7\nend z\n");
	json_decref(a);
	json_decref(z);
}

Test(emit, json_lines_then_the_end_document, .init = setup, .fini = cleanup)
{
	struct ck_emitter *e = start("json");
	json_t *a = json_pack("{s:s}", "name", "a"), *z = json_pack("{s:i}", "totals", 1);
	int n = 3;

	ck_emit_doc(e, a, NULL);
	ck_emit_item(e, &(struct ck_emit_item){ item_json, NULL, item_text, &n });
	cr_assert(ck_emit_end(e, z, NULL));
	ck_emitter_free(e);
	cr_assert_str_eq(output(), "{\"name\":\"a\"}\n{\"item\":3}\n{\"totals\":1}\n");
	json_decref(a);
	json_decref(z);
}

Test(emit, xml_root_view_element_and_end_members, .init = setup, .fini = cleanup)
{
	struct ck_emitter *e = start("xml");
	json_t *a = json_pack("{s:s}", "name", "a"), *z = json_pack("{s:{s:i}}", "totals", "files", 2);

	ck_emit_doc(e, a, NULL);
	cr_assert(ck_emit_end(e, z, NULL));
	ck_emitter_free(e);
	cr_assert(strstr(output(), "<t>"), "%s", buf);
	cr_assert(strstr(buf, "<d>"), "%s", buf);
	cr_assert(strstr(buf, "<name>a</name>"), "%s", buf);
	cr_assert(strstr(buf, "<totals>"), "%s", buf);
	cr_assert(strstr(buf, "<files>2</files>"), "%s", buf);
	cr_assert(strstr(buf, "</t>"), "%s", buf);
	json_decref(a);
	json_decref(z);
}

Test(emit, an_item_the_backend_cannot_take_fails, .init = setup, .fini = cleanup)
{
	struct ck_emitter *e = start("xml");
	int n = 1;

	ck_emit_item(e, &(struct ck_emit_item){ item_json, NULL, item_text, &n });
	cr_assert(ck_emitter_failed(e));
	cr_assert_not(ck_emit_end(e, NULL, NULL));
	ck_emitter_free(e);
}

Test(emit, a_write_error_fails_the_output)
{
	FILE *full = fopen("/dev/full", "w");
	const struct ck_text_opts to = { 0 };
	struct ck_emitter *e;
	json_t *a = json_pack("{s:s}", "name", "a");

	if (!full)
		cr_skip_test("no /dev/full");
	setvbuf(full, NULL, _IONBF, 0);
	e = ck_emitter_new(ck_emitter_find("json"), &view, full, &to);
	ck_emit_doc(e, a, NULL);
	cr_assert_not(ck_emit_end(e, NULL, NULL));
	ck_emitter_free(e);
	fclose(full);
	json_decref(a);
}

/* JUnit: nothing is written until the end, to the file set then; a
 * control character from an input is U+FFFD there. */
Test(emit, junit_keeps_documents_until_the_end, .init = setup, .fini = cleanup)
{
	const struct ck_text_opts to = { 0 };
	struct ck_emitter *e = ck_emitter_new(ck_emitter_find("junit"), &ck_view_certaudit, NULL, &to);
	json_t *d = json_pack("{s:s,s:s,s:[],s:{s:i}}", "path", "dir/a\tb\xe2\x80\xae.pem", "verdict", "ok",
			      "findings", "report", "big", 1);

	ck_emit_doc(e, d, NULL);
	json_decref(d); /* kept: the emitter holds its own reference */
	ck_emitter_set_file(e, f);
	cr_assert(ck_emit_end(e, NULL, NULL));
	ck_emitter_free(e);
	cr_assert(strstr(output(), "name=\"a\xef\xbf\xbd" "b\xef\xbf\xbd.pem\""), "%s", buf);
	cr_assert(strstr(buf, "classname=\"dir\""), "%s", buf);
}

Test(emit, nagios_lists_unread_inputs_first, .init = setup, .fini = cleanup)
{
	const struct ck_text_opts to = { 0 };
	struct ck_emitter *e = ck_emitter_new(ck_emitter_find("nagios"), &ck_view_aiacheck, f, &to);
	json_t *ok = json_pack("{s:{s:s},s:{s:i,s:i,s:i},s:[{s:s,s:s,s:s,s:s}],s:[]}", "input", "name", "good.pem",
			       "summary", "urls", 1, "failed", 1, "warnings", 0, "urls", "kind", "ca_issuers",
			       "url", "http://x/a.crt", "result", "refused", "note", "no", "runtimes");
	json_t *bad = json_pack("{s:{s:s},s:{s:s}}", "input", "name", "bad.pem", "error", "message", "empty");
	const char *unread, *failed;

	ck_emit_doc(e, ok, &(struct ck_emit_extra){ .problem = true });
	ck_emit_doc(e, bad, NULL);
	cr_assert(ck_emit_end(e, NULL, NULL));
	cr_assert_eq(e->nagios, CK_NAGIOS_CRITICAL);
	ck_emitter_free(e);
	unread = strstr(output(), "UNREADABLE bad.pem: empty");
	failed = strstr(buf, "FAILED good.pem");
	cr_assert(unread && failed && unread < failed, "%s", buf);
	json_decref(ok);
	json_decref(bad);
}
