/* report: the JSON contract, XML validity against the RELAX NG schema,
 * and odd strings that must not break either. */
#include "config.h"

#include "libcore/report.h"
#include "unit.h"

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

/* The streaming writers give what rendering the whole document gives. */
Test(report, streamed_json_and_xml_equal_the_document)
{
	const char *files[][2] = { { "p12/modern.pfx", "test" }, { "bundles/two-leaves.pem", NULL },
				   { "p12/many-certs.pfx", "test" }, { "demo/client.pfx", "demo" } };
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
		free(s1);
		free(s2);
		free(x1);
		free(x2);
		json_decref(doc);
		ck_analysis_free(a);
		ck_bundle_free(b);
	}
}
