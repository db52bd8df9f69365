/* report: the JSON contract, XML validity against the RELAX NG schema,
 * and odd strings that must not break either. */
#include "config.h"

#include "libcore/report.h"
#include "unit.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

static json_t *doc_of(const char *rel, const char *password)
{
	struct ck_bundle *b = NULL;
	struct ck_analysis *a = NULL;
	struct ck_analyze_opts o = { .chain.at = 1893456000 };
	struct ck_error e;
	json_t *doc;
	cr_assert_eq(fx_load(rel, password, &b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_analyze(b, NULL, &o, &a, &e), CK_OK, "%s", e.what);
	doc = ck_report_bundle(b, a);
	cr_assert_not_null(doc);
	ck_analysis_free(a);
	ck_bundle_free(b);
	return doc;
}

static void has(const json_t *o, const char *key, json_type type)
{
	json_t *v = json_object_get(o, key);
	cr_assert_not_null(v, "missing field %s", key);
	cr_assert_eq(json_typeof(v), type, "field %s has type %d", key, json_typeof(v));
}

static void has_or_null(const json_t *o, const char *key, json_type type)
{
	json_t *v = json_object_get(o, key);
	cr_assert_not_null(v, "missing field %s", key);
	cr_assert(json_is_null(v) || json_typeof(v) == type, "field %s", key);
}

Test(report, json_contract_fields)
{
	json_t *doc = doc_of("p12/modern.pfx", "test"), *c, *chain, *f, *k, *in;
	size_t i;

	in = json_object_get(doc, "input");
	has(in, "name", JSON_STRING);
	cr_assert_str_eq(json_string_value(json_object_get(in, "format")), "pkcs12");
	has(json_object_get(in, "pkcs12"), "bags", JSON_ARRAY);
	has(json_object_get(in, "pkcs12"), "mac", JSON_OBJECT);
	cr_assert_eq(json_array_size(json_object_get(doc, "certificates")), 3);
	json_array_foreach(json_object_get(doc, "certificates"), i, c) {
		const char *strs[] = { "role", "source", "subject", "issuer", "serial", "not_before",
				       "not_after", "signature_algorithm", "sha256", "sha1" };
		for (size_t k2 = 0; k2 < sizeof strs / sizeof strs[0]; k2++)
			has(c, strs[k2], JSON_STRING);
		has(c, "index", JSON_INTEGER);
		has(c, "days_left", JSON_INTEGER);
		cr_assert(json_is_boolean(json_object_get(c, "self_signed")));
		cr_assert(json_is_boolean(json_object_get(c, "ca")));
		cr_assert(json_is_boolean(json_object_get(c, "trusted")));
		has_or_null(c, "path_len", JSON_INTEGER);
		has(c, "key", JSON_OBJECT);
		has_or_null(c, "subject_key_id", JSON_STRING);
		has_or_null(c, "authority_key_id", JSON_STRING);
		has(c, "key_usage", JSON_ARRAY);
		has(c, "extended_key_usage", JSON_ARRAY);
		has(c, "subject_alt_names", JSON_ARRAY);
		has(json_object_get(c, "aia"), "ca_issuers", JSON_ARRAY);
		has(json_object_get(c, "aia"), "ocsp", JSON_ARRAY);
		has(c, "crl_distribution_points", JSON_ARRAY);
		has_or_null(c, "friendly_name", JSON_STRING);
		cr_assert_eq(json_integer_value(json_object_get(c, "index")), (json_int_t)i);
		cr_assert_eq(strlen(json_string_value(json_object_get(c, "sha256"))), 64);
	}
	chain = json_object_get(doc, "chain");
	cr_assert_str_eq(json_string_value(json_object_get(chain, "status")), "complete");
	cr_assert(json_is_boolean(json_object_get(chain, "trusted")));
	cr_assert(json_is_boolean(json_object_get(chain, "valid")));
	has(chain, "path", JSON_ARRAY);
	has(chain, "missing", JSON_ARRAY);
	has_or_null(chain, "anchor", JSON_INTEGER);
	cr_assert_eq(json_array_size(json_object_get(doc, "chains")), 1);
	k = json_array_get(json_object_get(doc, "keys"), 0);
	cr_assert_eq(json_integer_value(json_object_get(k, "matches_certificate")), 0);
	has(k, "type", JSON_STRING);
	has(k, "bits", JSON_INTEGER);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		has(f, "code", JSON_STRING);
		has(f, "severity", JSON_STRING);
		has(f, "message", JSON_STRING);
		has_or_null(f, "certificate", JSON_INTEGER);
		has_or_null(f, "hint", JSON_STRING);
	}
	json_decref(doc);
}

Test(report, missing_names_the_url)
{
	json_t *doc = doc_of("demo/client.pfx", "demo");
	json_t *m = json_array_get(json_object_get(json_object_get(doc, "chain"), "missing"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(m, "issuer")),
			 "CN=chainkit Issuing CA 1,O=chainkit tests");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(m, "ca_issuers"), 0)),
			 "http://127.0.0.1:18080/int-ca.crt");
	cr_assert_eq(json_integer_value(json_object_get(m, "needed_by")), 0);
	json_decref(doc);
}

Test(report, invalid_utf8_becomes_replacement_characters)
{
	json_t *s = ck_json_str("ab\xff\xfe" "cd\xc3");
	cr_assert_not_null(s);
	cr_assert_str_eq(json_string_value(s), "ab\xef\xbf\xbd\xef\xbf\xbd" "cd\xef\xbf\xbd");
	json_decref(s);
	s = ck_json_str("plain");
	cr_assert_str_eq(json_string_value(s), "plain");
	json_decref(s);
}

/* Render XML into memory and parse it back. */
static xmlDocPtr xml_of(const json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ck_xml *x = ck_xml_begin(f, "chainview");
	xmlDocPtr xd;
	cr_assert_eq(ck_xml_write(x, doc, "report"), 0);
	cr_assert_eq(ck_xml_end(x), 0);
	fclose(f);
	xd = xmlReadMemory(buf, (int)len, "out.xml", NULL, XML_PARSE_NONET);
	free(buf);
	return xd;
}

static bool valid_against_schema(xmlDocPtr xd)
{
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(CK_SRCDIR "/man/chainview.rng");
	xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
	xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
	int r = xmlRelaxNGValidateDoc(vc, xd);
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(pc);
	return r == 0;
}

Test(report, xml_of_real_outputs_validates)
{
	const char *files[][2] = { { "p12/modern.pfx", "test" }, { "demo/client.pfx", "demo" },
				   { "bundles/client-dup.pem", NULL }, { "p12/crlbag.pfx", "test" },
				   { "p12/friendly-utf8.pfx", "test" }, { "bundles/two-leaves.pem", NULL } };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		json_t *doc = doc_of(files[i][0], files[i][1]);
		xmlDocPtr xd = xml_of(doc);
		cr_assert_not_null(xd, "%s: XML not well-formed", files[i][0]);
		cr_assert(valid_against_schema(xd), "%s: XML does not match the schema", files[i][0]);
		xmlFreeDoc(xd);
		json_decref(doc);
	}
}

Test(report, xml_error_document_validates)
{
	struct ck_error e;
	json_t *doc;
	xmlDocPtr xd;
	ck_error_clear(&e);
	ck_error_set_at(&e, CK_E_PARSE, 4, "broken <at> & \"here\"");
	doc = ck_report_error("in\x01put.pem", &e);
	xd = xml_of(doc);
	cr_assert_not_null(xd);
	cr_assert(valid_against_schema(xd));
	xmlFreeDoc(xd);
	json_decref(doc);
}

Test(report, xml_survives_odd_strings)
{
	json_t *doc = json_pack("{s:s, s:s, s:[s], s:n, s:b, s:i, s:{s:s}}", "plain", "a<b>&c",
				"control", "x\x01y\x1b[31mz", "list", "\xef\xbf\xbe", "nothing",
				"flag", 1, "number", 42, "odd key!", "k", "v");
	xmlDocPtr xd = xml_of(doc);
	xmlNodePtr root;
	cr_assert_not_null(xd, "XML must stay well-formed");
	root = xmlDocGetRootElement(xd);
	cr_assert_str_eq((const char *)root->name, "chainview");
	xmlFreeDoc(xd);
	json_decref(doc);
}

/* The typed members derdump writes its elements with are what the
 * generic mapping writes for the same JSON value: escaped text (some of
 * it written without libxml2's escaping copy), cleaned strings, names
 * that are no XML names, numbers, booleans and null. */
static char *typed_xml_of(int (*put)(struct ck_xml *, const char *, const json_t *), const char *name,
		    const json_t *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ck_xml *x = ck_xml_begin(f, "t");
	cr_assert_eq(put(x, name, v), 0);
	cr_assert_eq(ck_xml_end(x), 0);
	fclose(f);
	return buf;
}

static int put_generic(struct ck_xml *x, const char *name, const json_t *v)
{
	return ck_xml_value(x, name, v);
}

static int put_typed(struct ck_xml *x, const char *name, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return ck_xml_string(x, name, json_string_value(v));
	case JSON_INTEGER:
		return ck_xml_integer(x, name, (long long)json_integer_value(v));
	case JSON_TRUE:
	case JSON_FALSE:
		return ck_xml_boolean(x, name, json_is_true(v));
	default:
		return ck_xml_null(x, name);
	}
}

Test(report, xml_typed_members_match_the_mapping)
{
	static const char *const strings[] = {
		"", "plain", "a<b", "x>y", "Tom & Jerry", "say \"hi\"", "it's", "cr\rlf\n",
		"tab\there", "\x01\x1b[31m", "caf\xc3\xa9", "\xff\xfe bad", "\xef\xbf\xbe",
		"\xed\xa0\x80 surrogate", "<&>\"\r all",
	};
	static const char *const names[] = { "value", "tag_name", "1st", "a b", "" };
	for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
		json_t *vals[] = { json_integer(0), json_integer(-1), json_integer(LLONG_MAX),
				   json_integer(LLONG_MIN), json_true(), json_false(), json_null() };
		for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
			json_t *v = ck_json_str(strings[i]);
			char *g = typed_xml_of(put_generic, names[n], v), *t = typed_xml_of(put_typed, names[n], v);
			cr_assert_str_eq(t, g, "string %zu named \"%s\"", i, names[n]);
			free(g);
			free(t);
			json_decref(v);
		}
		for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
			char *g = typed_xml_of(put_generic, names[n], vals[i]);
			char *t = typed_xml_of(put_typed, names[n], vals[i]);
			cr_assert_str_eq(t, g, "value %zu named \"%s\"", i, names[n]);
			free(g);
			free(t);
			json_decref(vals[i]);
		}
	}
	/* the escaping is there: not written raw */
	{
		json_t *v = json_string("a<b&\"c\"\r");
		char *g = typed_xml_of(put_typed, "v", v);
		cr_assert_not_null(strstr(g, "<v>a&lt;b&amp;&quot;c&quot;&#13;</v>"), "%s", g);
		free(g);
		json_decref(v);
	}
}

Test(report, json_lines_are_one_per_line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *doc = doc_of("bundles/client-full.pem", NULL);
	cr_assert_eq(ck_report_write_json(f, doc), 0);
	cr_assert_eq(ck_report_write_json(f, doc), 0);
	fclose(f);
	{
		size_t lines = 0;
		for (size_t i = 0; i < len; i++)
			lines += buf[i] == '\n';
		cr_assert_eq(lines, 2);
	}
	free(buf);
	json_decref(doc);
}

Test(report, text_rendering_shows_the_chain)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ck_text_opts o = { 0 };
	json_t *doc = doc_of("demo/client.pfx", "demo");
	cr_assert_eq(ck_report_text_chainview(f, doc, &o), 0);
	fclose(f);
	cr_assert(strstr(buf, "missing: CN=chainkit Issuing CA 1"), "%s", buf);
	cr_assert(strstr(buf, "http://127.0.0.1:18080/int-ca.crt"), "%s", buf);
	cr_assert(strstr(buf, "missing-issuer"), "%s", buf);
	cr_assert_null(strstr(buf, "\033["), "no colour unless asked");
	free(buf);
	json_decref(doc);
}

/* Found by fuzz/fuzz-report: values from an input (a subject, a file
 * name) reached the terminal with their escape sequences, and JUnit
 * attributes could hold characters XML 1.0 cannot carry. */
Test(report, text_safe_doc_replaces_controls)
{
	json_t *doc = json_pack("{s:s, s:[s, s], s:i, s:{s:s}}", "a", "x\x1b[2Jy\n\tz\x7f",
				"b", "\xc2\x9b" "31m", "\xef\xbf\xbe\xef\xbf\xbf", "n", 7, "o", "k",
				"caf\xc3\xa9 \xe2\x86\x92 ok");
	json_t *safe = ck_text_safe_doc(doc);

	cr_assert_not_null(safe);
	cr_assert_str_eq(json_string_value(json_object_get(safe, "a")),
			 "x\xef\xbf\xbd[2Jy\xef\xbf\xbd\xef\xbf\xbdz\xef\xbf\xbd");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(safe, "b"), 0)),
			 "\xef\xbf\xbd" "31m");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(safe, "b"), 1)),
			 "\xef\xbf\xbd\xef\xbf\xbd");
	cr_assert_eq(json_integer_value(json_object_get(safe, "n")), 7);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(safe, "o"), "k")),
			 "caf\xc3\xa9 \xe2\x86\x92 ok", "printable UTF-8 is kept");
	cr_assert_str_eq(json_string_value(json_object_get(doc, "a")), "x\x1b[2Jy\n\tz\x7f",
			 "the original is not touched");
	json_decref(safe);
	json_decref(doc);
}

/* A bidirectional control in a name would reorder what the terminal
 * shows after it ("evil<RLO>gnp.exe" reads "evilexe.png"). */
Test(report, text_safe_doc_replaces_bidi_controls)
{
	json_t *doc = json_pack("{s:s, s:s}", "subject",
				"CN=\xe2\x80\xae" "moc.knab\xe2\x80\xac,O=x \xd8\x9c\xe2\x81\xa7y\xe2\x81\xa9",
				"ok", "\xe2\x80\x94 \xe2\x80\x9cquoted\xe2\x80\x9d");
	json_t *safe = ck_text_safe_doc(doc);

	cr_assert_not_null(safe);
	cr_assert_str_eq(json_string_value(json_object_get(safe, "subject")),
			 "CN=\xef\xbf\xbd" "moc.knab\xef\xbf\xbd,O=x \xef\xbf\xbd\xef\xbf\xbdy\xef\xbf\xbd");
	cr_assert_str_eq(json_string_value(json_object_get(safe, "ok")),
			 "\xe2\x80\x94 \xe2\x80\x9cquoted\xe2\x80\x9d", "other punctuation is kept");
	json_decref(safe);
	json_decref(doc);
}

Test(report, text_renderers_never_pass_escape_sequences)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ck_text_opts o = { 0 };
	json_t *doc = doc_of("demo/client.pfx", "demo");
	json_t *in = json_object_get(doc, "input");

	json_object_set_new(in, "name", json_string("evil\x1b]0;owned\x07.pfx"));
	cr_assert_eq(ck_report_text_chainview(f, doc, &o), 0);
	cr_assert_eq(ck_report_junit(f, &doc, 1), 0);
	fclose(f);
	cr_assert_null(memchr(buf, 0x1b, len), "%s", buf);
	cr_assert_null(memchr(buf, 0x07, len), "%s", buf);
	cr_assert(strstr(buf, "evil\xef\xbf\xbd]0;owned\xef\xbf\xbd.pfx"), "%s", buf);
	free(buf);
	json_decref(doc);
}

/* aiacheck's JUnit cleans its values as every XML output does (xmlw.c):
 * a control character becomes U+FFFD, and a long URL is kept whole (it
 * was cut at 2,047 bytes). */
Test(report, junit_values_cleaned_and_whole)
{
	char *buf = NULL, url[3100];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *doc = json_pack("{s:s, s:{s:s}, s:[{s:s, s:s, s:s, s:s, s:i}]}", "at", "2030-01-01T00:00:00Z",
				"input", "name", "in.pem", "urls", "url", "", "kind", "ca_issuers", "result",
				"timeout", "note", "no answer\x01 in 5 s", "certificate", 0);

	memset(url, 'a', sizeof url - 1);
	memcpy(url, "http://x/", 9);
	url[sizeof url - 1] = '\0';
	cr_assert_not_null(doc);
	json_object_set_new(json_array_get(json_object_get(doc, "urls"), 0), "url", json_string(url));
	cr_assert_eq(ck_report_junit(f, &doc, 1), 0);
	fclose(f);
	cr_assert(strstr(buf, url), "the URL is cut");
	cr_assert(strstr(buf, "no answer\xef\xbf\xbd in 5 s"), "%s", buf);
	cr_assert_null(memchr(buf, 0x01, len));
	free(buf);
	json_decref(doc);
}

/* The streaming writers give what rendering the whole document gives,
 * in every format. */
Test(report, streamed_json_xml_and_text_equal_the_document)
{
	const char *files[][2] = { { "p12/modern.pfx", "test" }, { "bundles/two-leaves.pem", NULL },
				   { "p12/many-certs.pfx", "test" }, { "demo/client.pfx", "demo" },
				   { "bundles/client-unrelated.pem", NULL } };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct ck_bundle *b = NULL;
		struct ck_analysis *a = NULL;
		struct ck_analyze_opts o = { .chain.at = 1893456000 };
		struct ck_error e;
		char *s1 = NULL, *s2 = NULL, *x1 = NULL, *x2 = NULL;
		size_t l1 = 0, l2 = 0, xl1 = 0, xl2 = 0;
		FILE *f;
		struct ck_xml *x;
		json_t *doc;

		cr_assert_eq(fx_load(files[i][0], files[i][1], &b, &e), CK_OK);
		cr_assert_eq(ck_analyze(b, NULL, &o, &a, &e), CK_OK);
		doc = ck_report_bundle(b, a);
		f = open_memstream(&s1, &l1);
		cr_assert_eq(ck_report_write_json(f, doc), 0);
		fclose(f);
		f = open_memstream(&s2, &l2);
		cr_assert_eq(ck_report_bundle_json(f, b, a), 0);
		fclose(f);
		cr_assert_str_eq(s2, s1, "%s: JSON differs", files[i][0]);
		f = open_memstream(&x1, &xl1);
		x = ck_xml_begin(f, "chainview");
		cr_assert_eq(ck_xml_write(x, doc, "report"), 0);
		cr_assert_eq(ck_xml_end(x), 0);
		fclose(f);
		f = open_memstream(&x2, &xl2);
		x = ck_xml_begin(f, "chainview");
		cr_assert_eq(ck_report_bundle_xml(x, b, a), 0);
		cr_assert_eq(ck_xml_end(x), 0);
		fclose(f);
		cr_assert_str_eq(x2, x1, "%s: XML differs", files[i][0]);
		for (int k = 0; k < 4; k++) {
			/* text: plain, verbose with the trace, quiet, coloured */
			struct ck_text_opts to = { .width = 80, .verbose = k == 1, .explain = k == 1,
						   .quiet = k == 2, .color = k == 3 };
			char *t1 = NULL, *t2 = NULL;
			size_t tl1 = 0, tl2 = 0;
			f = open_memstream(&t1, &tl1);
			cr_assert_eq(ck_report_text_chainview(f, doc, &to), 0);
			fclose(f);
			f = open_memstream(&t2, &tl2);
			cr_assert_eq(ck_report_bundle_text(f, b, a, &to), 0);
			fclose(f);
			cr_assert_gt(tl1, 0);
			cr_assert_str_eq(t2, t1, "%s: text %d differs", files[i][0], k);
			free(t1);
			free(t2);
		}
		free(s1);
		free(s2);
		free(x1);
		free(x2);
		json_decref(doc);
		ck_analysis_free(a);
		ck_bundle_free(b);
	}
}

/* ---------------------------------------------------------------- */
/* derdump's document */

#include "libcore/report-derdump.h"
#include "libcore/schema.h"

struct dumped {
	unsigned char *data;
	struct ck_der_blobs *blobs;
	struct ck_dump_block blocks[8];
	struct ck_schema_names *names[8];
	struct ck_dump_input in;
};

static void dumped_load(struct dumped *d, const char *rel, bool named)
{
	size_t n;
	struct ck_error e;
	memset(d, 0, sizeof *d);
	d->data = fx_read(rel, &n);
	ck_error_clear(&e);
	cr_assert_eq(ck_der_blobs_load(d->data, n, rel, &d->blobs, &e), CK_OK, "%s", e.what);
	cr_assert_leq(d->blobs->n, 8);
	for (size_t i = 0; i < d->blobs->n; i++) {
		struct ck_dump_block *b = &d->blocks[i];
		b->der = d->blobs->blobs[i].der;
		b->len = b->size = d->blobs->blobs[i].len;
		b->label = d->blobs->blobs[i].label;
		b->line = d->blobs->blobs[i].line;
		b->error = d->blobs->blobs[i].err.status ? &d->blobs->blobs[i].err : NULL;
		if (named && b->der && ck_schema_guess(b->der, b->len, 0, &d->names[i], &e) == CK_OK)
			b->names = d->names[i];
	}
	d->in.name = rel;
	d->in.format = d->blobs->format;
	d->in.size = n;
	d->in.blocks = d->blocks;
	d->in.nblocks = d->blobs->n;
}

static void dumped_free(struct dumped *d)
{
	for (size_t i = 0; i < 8; i++)
		ck_schema_names_free(d->names[i]);
	ck_der_blobs_free(d->blobs);
	free(d->data);
}

static bool valid_against(xmlDocPtr xd, const char *rng)
{
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(rng);
	xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
	xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
	int r = xmlRelaxNGValidateDoc(vc, xd);
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(pc);
	return r == 0;
}

/* The streamed JSON, parsed back and mapped to XML generically, is the
 * streamed XML; and that validates against man/derdump.rng. */
Test(report, derdump_json_and_xml_are_one_document)
{
	const char *files[] = { "pki/client.der", "asn1/not-der.ber", "bad/truncated.der",
				"bundles/client-chain.pem", "bad/bad-base64.pem", "p12/modern.pfx",
				"asn1/invalid.der", "asn1/nested-100.der" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct ck_dump_opts o = { .nested = true, .container = "file" };
		struct ck_dump_result r1, r2;
		struct dumped d;
		char *js = NULL, *x1 = NULL, *x2 = NULL;
		size_t jl = 0, xl1 = 0, xl2 = 0;
		json_error_t je;
		json_t *doc;
		struct ck_xml *x;
		xmlDocPtr xd;
		FILE *f;

		dumped_load(&d, files[i], true);
		f = open_memstream(&js, &jl);
		cr_assert_eq(ck_report_dump_json(f, &d.in, &o, &r1), 0);
		fclose(f);
		cr_assert_eq(js[jl - 1], '\n');
		cr_assert_null(memchr(js, '\n', jl - 1), "%s: one line", files[i]);
		doc = json_loads(js, 0, &je);
		cr_assert_not_null(doc, "%s: %s at %d", files[i], je.text, je.position);

		f = open_memstream(&x1, &xl1);
		x = ck_xml_begin(f, "derdump");
		cr_assert_eq(ck_xml_write(x, doc, "report"), 0);
		cr_assert_eq(ck_xml_end(x), 0);
		fclose(f);
		f = open_memstream(&x2, &xl2);
		x = ck_xml_begin(f, "derdump");
		cr_assert_eq(ck_report_dump_xml(x, &d.in, &o, &r2), 0);
		cr_assert_eq(ck_xml_end(x), 0);
		fclose(f);
		cr_assert_str_eq(x2, x1, "%s: XML differs from the JSON document", files[i]);
		cr_assert_eq(r1.elements, r2.elements);
		cr_assert_eq(r1.nerrors, r2.nerrors);

		xd = xmlReadMemory(x2, (int)xl2, "out.xml", NULL, XML_PARSE_NONET);
		cr_assert_not_null(xd, "%s: XML not well-formed", files[i]);
		cr_assert(valid_against(xd, CK_SRCDIR "/man/derdump.rng"), "%s: XML does not match the schema",
			  files[i]);
		xmlFreeDoc(xd);
		json_decref(doc);
		free(js);
		free(x1);
		free(x2);
		ck_dump_result_cleanup(&r1);
		ck_dump_result_cleanup(&r2);
		dumped_free(&d);
	}
}

Test(report, derdump_counts_problems_and_errors)
{
	static const struct {
		const char *file;
		size_t elements, der_violations, invalid, nerrors;
		long long offset;
	} cases[] = {
		{ "pki/client.der", 90, 0, 0, 0, -1 },
		{ "asn1/not-der.ber", 14, 9, 0, 0, -1 },
		{ "asn1/invalid.der", 10, 0, 8, 0, -1 },
		{ "bad/truncated.der", 34, 0, 0, 1, 1 },
		{ "asn1/missing-eoc.der", 2, 1, 0, 1, 0 },
		{ "bad/bad-base64.pem", 0, 0, 0, 1, -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ck_dump_opts o = { .nested = true, .container = "file" };
		struct ck_dump_result r;
		struct dumped d;
		FILE *f = fopen("/dev/null", "w");

		dumped_load(&d, cases[i].file, false);
		cr_assert_eq(ck_report_dump_json(f, &d.in, &o, &r), 0);
		fclose(f);
		cr_assert_eq(r.elements, cases[i].elements, "%s: %zu elements", cases[i].file, r.elements);
		cr_assert_eq(r.der_violations, cases[i].der_violations, "%s", cases[i].file);
		cr_assert_eq(r.invalid, cases[i].invalid, "%s", cases[i].file);
		cr_assert_eq(r.nerrors, cases[i].nerrors, "%s", cases[i].file);
		if (cases[i].nerrors) {
			cr_assert_neq(r.errors[0].status, CK_OK);
			cr_assert_eq(r.errors[0].offset, cases[i].offset, "%s", cases[i].file);
			cr_assert_str_eq(r.errors[0].file, cases[i].file);
		}
		ck_dump_result_cleanup(&r);
		dumped_free(&d);
	}
}

Test(report, derdump_depth_hides_children_but_counts_them)
{
	struct ck_dump_opts o = { .nested = true, .depth = 1 };
	struct ck_dump_result r;
	struct dumped d;
	char *js = NULL;
	size_t jl = 0;
	json_t *doc, *top;
	FILE *f;

	dumped_load(&d, "pki/client.der", false);
	f = open_memstream(&js, &jl);
	cr_assert_eq(ck_report_dump_json(f, &d.in, &o, &r), 0);
	fclose(f);
	doc = json_loads(js, 0, NULL);
	top = json_array_get(json_object_get(json_array_get(json_object_get(doc, "blocks"), 0), "tree"), 0);
	cr_assert(json_is_true(json_object_get(top, "children_hidden")));
	cr_assert_null(json_object_get(top, "children"));
	cr_assert_eq(r.elements, 90);
	json_decref(doc);
	free(js);
	ck_dump_result_cleanup(&r);
	dumped_free(&d);
}

Test(report, derdump_text_shows_names_values_and_problems)
{
	struct ck_dump_opts o = { .nested = true, .strict = true, .container = "file" };
	struct ck_text_opts to = { 0 };
	struct ck_dump_result r;
	struct dumped d;
	char *t = NULL;
	size_t tl = 0;
	FILE *f;

	dumped_load(&d, "pki/client.der", true);
	f = open_memstream(&t, &tl);
	cr_assert_eq(ck_report_dump_text(f, &d.in, &o, &to, &r), 0);
	fclose(f);
	cr_assert(strstr(t, "pki/client.der: DER, 1077 bytes, as Certificate\n"), "%s", t);
	cr_assert(strstr(t, " 126  2+15           tbsCertificate.validity.notAfter (generalTime): "
			    "GeneralizedTime \"20700101000000Z\" = 2070-01-01T00:00:00Z\n"), "%s", t);
	cr_assert(strstr(t, "OBJECT IDENTIFIER 1.3.6.1.5.5.7.3.2 (clientAuth)\n"), "%s", t);
	cr_assert(strstr(t, "No DER violations.\n"), "%s", t);
	free(t);
	ck_dump_result_cleanup(&r);
	dumped_free(&d);

	dumped_load(&d, "asn1/not-der.ber", false);
	t = NULL;
	f = open_memstream(&t, &tl);
	cr_assert_eq(ck_report_dump_text(f, &d.in, &o, &to, &r), 0);
	fclose(f);
	cr_assert(strstr(t, "  20  2+1        INTEGER 3 [SET OF element not in ascending order"), "%s", t);
	cr_assert(strstr(t, "DER violations (9):\n  byte 0: indefinite length (BER, not DER)\n"), "%s", t);
	free(t);
	ck_dump_result_cleanup(&r);
	dumped_free(&d);
}
