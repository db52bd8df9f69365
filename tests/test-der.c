/* der: TLV headers, the structure walker, the error locator, DER rules,
 * values, libtasn1 decoding helpers. */
#include "config.h"

#include "libcore/der.h"
#include "unit.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static struct ck_error e;

static void setup(void)
{
	ck_error_clear(&e);
}

TestSuite(der, .init = setup);

Test(der, reads_definite_length)
{
	const unsigned char d[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	struct ck_tlv t;
	cr_assert_eq(ck_der_read(d, sizeof d, false, 0, &t, &e), CK_OK);
	cr_assert_eq(t.tag, CK_TAG_SEQUENCE);
	cr_assert(t.constructed);
	cr_assert_eq(t.hdr_len, 2);
	cr_assert_eq(t.len, 3);
}

Test(der, long_form_length)
{
	unsigned char d[300] = { 0x04, 0x82, 0x01, 0x00 };
	struct ck_tlv t;
	cr_assert_eq(ck_der_read(d, 260, false, 0, &t, &e), CK_OK);
	cr_assert_eq(t.hdr_len, 4);
	cr_assert_eq(t.len, 256);
}

Test(der, length_past_end_names_the_numbers)
{
	const unsigned char d[] = { 0x30, 0x82, 0x03, 0xf9, 0x30, 0x00 };
	struct ck_tlv t;
	cr_assert_eq(ck_der_read(d, sizeof d, false, 100, &t, &e), CK_E_PARSE);
	cr_assert_eq(e.offset, 101);
	cr_assert(strstr(e.what, "at byte 101"), "%s", e.what);
	cr_assert(strstr(e.what, "needs 1017 bytes, 2 left"), "%s", e.what);
}

Test(der, four_gib_length_in_six_bytes)
{
	const unsigned char d[] = { 0x30, 0x84, 0xff, 0xff, 0xff, 0xff };
	struct ck_tlv t;
	cr_assert_eq(ck_der_read(d, sizeof d, false, 0, &t, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "larger than 2 GiB"), "%s", e.what);
}

Test(der, truncated_length_octets)
{
	const unsigned char d[] = { 0x30, 0x84, 0x01 };
	struct ck_tlv t;
	cr_assert_eq(ck_der_read(d, sizeof d, false, 0, &t, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "truncated DER length at byte 1"), "%s", e.what);
}

Test(der, truncated_header)
{
	const unsigned char d[] = { 0x30 };
	struct ck_tlv t;
	cr_assert_eq(ck_der_read(d, sizeof d, false, 7, &t, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "truncated ASN.1 header at byte 7"), "%s", e.what);
}

Test(der, indefinite_length_only_with_ber)
{
	const unsigned char d[] = { 0x30, 0x80, 0x00, 0x00 };
	struct ck_tlv t;
	cr_assert_eq(ck_der_read(d, sizeof d, false, 0, &t, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "BER, not DER"), "%s", e.what);
	cr_assert_eq(ck_der_read(d, sizeof d, true, 0, &t, &e), CK_OK);
	cr_assert(t.indefinite);
}

Test(der, indefinite_length_in_primitive_is_an_error)
{
	const unsigned char d[] = { 0x04, 0x80, 0x00, 0x00 };
	struct ck_tlv t;
	cr_assert_eq(ck_der_read(d, sizeof d, true, 0, &t, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "primitive"), "%s", e.what);
}

Test(der, constructed_ber_octet_string_is_joined)
{
	/* 24 80 04 02 'a' 'b' 04 01 'c' 00 00 */
	const unsigned char d[] = { 0x24, 0x80, 0x04, 0x02, 'a', 'b', 0x04, 0x01, 'c', 0, 0 };
	unsigned char *out = NULL;
	size_t len = 0;
	cr_assert_eq(ck_der_octet_string(d, sizeof d, &out, &len, &e), CK_OK, "%s", e.what);
	cr_assert_eq(len, 3);
	cr_assert_arr_eq(out, "abc", 3);
	free(out);
}

Test(der, decode_reports_libtasn1_reason)
{
	const unsigned char d[] = { 0x30, 0x03, 0x02, 0x01 };
	asn1_node n = NULL;
	cr_assert_eq(ck_der_decode("CHAINKIT.PbeParams", d, sizeof d, &n, &e), CK_E_PARSE);
	cr_assert(n == NULL);
	cr_assert(e.what[0]);
}

Test(der, decode_and_read_values)
{
	/* PbeParams { salt OCTET STRING 'xy', iterations 2048 } */
	const unsigned char d[] = { 0x30, 0x08, 0x04, 0x02, 'x', 'y', 0x02, 0x02, 0x08, 0x00 };
	asn1_node n = NULL;
	unsigned long it = 0;
	unsigned char *salt = NULL;
	size_t sl = 0;
	cr_assert_eq(ck_der_decode("CHAINKIT.PbeParams", d, sizeof d, &n, &e), CK_OK, "%s", e.what);
	cr_assert(ck_der_read_uint(n, "iterations", &it));
	cr_assert_eq(it, 2048);
	cr_assert(ck_der_read_bytes(n, "salt", &salt, &sl));
	cr_assert_eq(sl, 2);
	cr_assert_arr_eq(salt, "xy", 2);
	cr_assert_not(ck_der_read_uint(n, "nosuchfield", &it));
	free(salt);
	asn1_delete_structure(&n);
}

/* ---------------------------------------------------------------- */
/* the walker */

struct walked {
	size_t enters, leaves;
	unsigned max_depth;
	unsigned problems;
	size_t encapsulating;
	size_t truncated;
	struct ck_error err;
};

static struct walked walk(const unsigned char *d, size_t len, bool nested)
{
	struct ck_der_walk_opts o = { .nested = nested, .container = "file" };
	struct ck_der_walker *w = NULL;
	struct ck_der_elem el;
	enum ck_der_event ev;
	struct walked r = { 0 };

	cr_assert_eq(ck_der_walker_new(d, len, &o, &w, &e), CK_OK);
	while ((ev = ck_der_walker_next(w, &el)) != CK_DER_DONE) {
		if (ev == CK_DER_LEAVE) {
			r.leaves++;
			continue;
		}
		r.enters++;
		r.problems |= el.problems;
		if (el.depth > r.max_depth)
			r.max_depth = el.depth;
		r.encapsulating += el.encapsulates;
		r.truncated += el.truncated;
	}
	r.err = *ck_der_walker_error(w);
	ck_der_walker_free(w);
	return r;
}

Test(der, walker_hands_out_elements_depth_first)
{
	/* SEQUENCE { INTEGER 5, SEQUENCE { NULL } } */
	const unsigned char d[] = { 0x30, 0x07, 0x02, 0x01, 0x05, 0x30, 0x02, 0x05, 0x00 };
	const struct { enum ck_der_event ev; long long offset; unsigned depth; } want[] = {
		{ CK_DER_ENTER, 0, 0 }, { CK_DER_ENTER, 2, 1 }, { CK_DER_ENTER, 5, 1 },
		{ CK_DER_ENTER, 7, 2 }, { CK_DER_LEAVE, 5, 1 }, { CK_DER_LEAVE, 0, 0 },
		{ CK_DER_DONE, 0, 0 },
	};
	struct ck_der_walk_opts o = { .base = 0 };
	struct ck_der_walker *w = NULL;
	struct ck_der_elem el;

	cr_assert_eq(ck_der_walker_new(d, sizeof d, &o, &w, &e), CK_OK);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		enum ck_der_event ev = ck_der_walker_next(w, &el);
		cr_assert_eq(ev, want[i].ev, "event %zu", i);
		if (ev == CK_DER_DONE)
			break;
		cr_assert_eq(el.offset, want[i].offset, "event %zu", i);
		cr_assert_eq(el.depth, want[i].depth, "event %zu", i);
	}
	cr_assert_eq(ck_der_walker_next(w, &el), CK_DER_DONE, "DONE stays DONE");
	cr_assert_eq(ck_der_walker_error(w)->status, CK_OK);
	ck_der_walker_free(w);
}

Test(der, walker_offsets_include_the_base)
{
	const unsigned char d[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	struct ck_der_walk_opts o = { .base = 1000 };
	struct ck_der_walker *w = NULL;
	struct ck_der_elem el;
	cr_assert_eq(ck_der_walker_new(d, sizeof d, &o, &w, &e), CK_OK);
	cr_assert_eq(ck_der_walker_next(w, &el), CK_DER_ENTER);
	cr_assert_eq(el.offset, 1000);
	cr_assert_eq(ck_der_walker_next(w, &el), CK_DER_ENTER);
	cr_assert_eq(el.offset, 1002);
	cr_assert_eq(el.content_len, 1);
	cr_assert_eq(el.content[0], 5);
	ck_der_walker_free(w);
}

/* Every error class: the offset and the message. */
Test(der, locator_names_the_byte_and_the_reason)
{
	static const struct {
		const char *hex;
		long long offset;
		const char *message;
	} cases[] = {
		{ "308203f93000", 1, "DER length at byte 1 runs past the end of the file (content at byte 4 needs 1017 bytes, 2 left)" },
		{ "3005040a010203", 3, "DER length at byte 3 runs past the end of the SEQUENCE at byte 0 (content at byte 4 needs 10 bytes, 3 left)" },
		{ "3084ffffffff", 1, "DER length at byte 1 is larger than 2 GiB (4294967295 bytes; 0 left in the file)" },
		{ "3003020105" "30", 5, "truncated ASN.1 header at byte 5 (1 byte left in the file)" },
		{ "30840000", 1, "truncated DER length at byte 1 (needs 4 length bytes, 2 left in the file)" },
		{ "1f8181", 0, "truncated ASN.1 header at byte 0 (the tag number runs past the end of the file)" },
		{ "1f05", 0, "truncated ASN.1 header at byte 0 (no length octets before the end of the file)" },
		{ "300a1f908080808080000100", 2, "tag number overflow at byte 2 (more than 32 bits)" },
		{ "30800480010200000000", 3, "indefinite length at byte 3 in a primitive value" },
		{ "3080020105", 0, "indefinite-length SEQUENCE at byte 0 has no end-of-contents octets before the end of the file" },
		{ "30020000", 2, "end-of-contents octets at byte 2 outside an indefinite-length value" },
		{ "0001ff", 0, "reserved tag [UNIVERSAL 0] at byte 0" },
		{ "04ff00", 1, "reserved length octet 0xff at byte 1" },
		{ "3080a080040100", 2, "indefinite-length [0] at byte 2 has no end-of-contents octets before the end of the file" },
		{ "3005a080040100", 2, "indefinite-length [0] at byte 2 has no end-of-contents octets before the end of the SEQUENCE at byte 0" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char d[64];
		size_t n = strlen(cases[i].hex) / 2;
		for (size_t k = 0; k < n; k++)
			sscanf(cases[i].hex + 2 * k, "%2hhx", &d[k]);
		ck_error_clear(&e);
		cr_assert_eq(ck_der_locate_error(d, n, "file", &e), CK_E_PARSE, "case %zu", i);
		cr_assert_str_eq(e.what, cases[i].message, "case %zu", i);
		cr_assert_eq(e.offset, cases[i].offset, "case %zu: offset %lld", i, (long long)e.offset);
	}
}

Test(der, locator_accepts_der_and_ber)
{
	const char *files[] = { "pki/client.der", "bundles/client-chain-ber.p7b", "p12/modern.pfx",
				"p12/deep-nesting.pfx", "pki/int-ca.crl", "asn1/not-der.ber",
				"asn1/nested-100.der", "asn1/invalid.der" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		size_t n;
		unsigned char *d = fx_read(files[i], &n);
		ck_error_clear(&e);
		cr_assert_eq(ck_der_locate_error(d, n, NULL, &e), CK_OK, "%s: %s", files[i], e.what);
		free(d);
	}
	ck_error_clear(&e);
	cr_assert_eq(ck_der_locate_error((const unsigned char *)"", 0, NULL, &e), CK_E_PARSE);
}

Test(der, locator_keeps_the_file_name)
{
	const unsigned char d[] = { 0x30, 0x05 };
	ck_error_set_file(&e, "x.der");
	cr_assert_eq(ck_der_locate_error(d, sizeof d, NULL, &e), CK_E_PARSE);
	cr_assert_str_eq(e.file, "x.der");
	cr_assert(strstr(e.what, "end of the data"), "%s", e.what);
}

Test(der, truncated_input_is_walked_to_its_end)
{
	size_t n;
	unsigned char *d = fx_read("bad/truncated.der", &n);
	struct walked r = walk(d, n, true);
	cr_assert_eq(r.err.status, CK_E_PARSE);
	cr_assert_eq(r.err.offset, 1);
	cr_assert_gt(r.enters, 30, "only %zu elements", r.enters);
	cr_assert_geq(r.truncated, 3);
	free(d);
}

Test(der, every_enter_with_children_gets_a_leave)
{
	const char *files[] = { "pki/client.der", "bad/truncated.der", "asn1/missing-eoc.der",
				"asn1/nested-200.der", "bundles/client-chain-ber.p7b" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct ck_der_walk_opts o = { .nested = true };
		struct ck_der_walker *w = NULL;
		struct ck_der_elem el;
		enum ck_der_event ev;
		long open = 0;
		size_t n;
		unsigned char *d = fx_read(files[i], &n);
		cr_assert_eq(ck_der_walker_new(d, n, &o, &w, &e), CK_OK);
		while ((ev = ck_der_walker_next(w, &el)) != CK_DER_DONE) {
			if (ev == CK_DER_ENTER && el.has_children)
				open++;
			if (ev == CK_DER_LEAVE)
				open--;
			cr_assert_geq(open, 0, "%s", files[i]);
		}
		cr_assert_eq(open, 0, "%s: %ld elements not closed", files[i], open);
		ck_der_walker_free(w);
		free(d);
	}
}

/* A structure n levels deep: SEQUENCE { ... { NULL } }. */
static unsigned char *nest(size_t levels, size_t *len)
{
	/* indefinite lengths: 2 bytes of header and 2 of end per level */
	unsigned char *d = malloc(levels * 4 + 2);
	size_t k = 0;
	cr_assert_not_null(d);
	for (size_t i = 0; i < levels; i++) {
		d[k++] = 0x30;
		d[k++] = 0x80;
	}
	d[k++] = 0x05;
	d[k++] = 0x00;
	for (size_t i = 0; i < levels; i++) {
		d[k++] = 0;
		d[k++] = 0;
	}
	*len = k;
	return d;
}

Test(der, nesting_within_and_over_the_limit)
{
	size_t n;
	unsigned char *d = nest(100, &n);
	struct walked r = walk(d, n, true);
	cr_assert_eq(r.err.status, CK_OK, "%s", r.err.what);
	cr_assert_eq(r.max_depth, 100);
	cr_assert_eq(r.enters, 101);
	free(d);

	d = nest(CK_DER_MAX_DEPTH, &n);
	r = walk(d, n, true);
	cr_assert_eq(r.err.status, CK_E_PARSE);
	cr_assert_str_eq(r.err.what, "nesting deeper than 120 levels at byte 240");
	free(d);
}

Test(der, a_million_levels_do_not_exhaust_the_stack)
{
	size_t n;
	unsigned char *d = nest(1000000, &n);
	ck_error_clear(&e);
	cr_assert_eq(ck_der_locate_error(d, n, NULL, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "nesting deeper than 120 levels"), "%s", e.what);
	free(d);
}

Test(der, der_rules_broken_in_valid_ber)
{
	static const struct {
		const char *hex;
		unsigned problem;
	} cases[] = {
		{ "30800500" "0000", CK_DER_P_INDEFINITE },
		{ "3081020500", CK_DER_P_LONG_LENGTH },
		{ "308200020500", CK_DER_P_LONG_LENGTH },
		{ "1f0500", CK_DER_P_LONG_TAG },
		{ "bf800100", CK_DER_P_LONG_TAG }, /* [1] as 1f 80 01 */
		{ "2406040161040162", CK_DER_P_CONSTRUCTED_STRING },
		{ "2c060c01610c0162", CK_DER_P_CONSTRUCTED_STRING },
		{ "181132303230303130313030303030302e355a", 0 },
		{ "010101", CK_DER_P_BOOLEAN_VALUE },
		{ "02020005", CK_DER_P_INTEGER_PADDING },
		{ "0202ff80", CK_DER_P_INTEGER_PADDING },
		{ "3106020109020103", CK_DER_P_SET_ORDER },
		{ "030204f1", CK_DER_P_BIT_PADDING },
		{ "170b323030313031303030305a", CK_DER_P_TIME_FORMAT },
		{ "17113230303130313030303030302b30313030", CK_DER_P_TIME_FORMAT },
		{ "181232303230303130313030303030302e35305a", CK_DER_P_TIME_FORMAT },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char d[64];
		size_t n = strlen(cases[i].hex) / 2;
		struct walked r;
		for (size_t k = 0; k < n; k++)
			sscanf(cases[i].hex + 2 * k, "%2hhx", &d[k]);
		r = walk(d, n, false);
		cr_assert_eq(r.err.status, CK_OK, "case %zu: %s", i, r.err.what);
		cr_assert_eq(r.problems, cases[i].problem, "case %zu: problems %#x", i, r.problems);
		cr_assert_eq(cases[i].problem & ~CK_DER_P_DER_ONLY, 0, "case %zu", i);
	}
}

Test(der, contents_invalid_in_ber)
{
	static const struct {
		const char *hex;
		unsigned problem;
	} cases[] = {
		{ "0102ffff", CK_DER_P_BOOLEAN_LENGTH },
		{ "0100", CK_DER_P_BOOLEAN_LENGTH },
		{ "0200", CK_DER_P_EMPTY_INTEGER },
		{ "0a00", CK_DER_P_EMPTY_INTEGER },
		{ "050100", CK_DER_P_NULL_CONTENT },
		{ "06032a8001", CK_DER_P_BAD_OID },
		{ "06022a86", CK_DER_P_BAD_OID },
		{ "0600", CK_DER_P_BAD_OID },
		{ "03020900", CK_DER_P_BAD_BIT_STRING },
		{ "030101", CK_DER_P_BAD_BIT_STRING },
		{ "0300", CK_DER_P_BAD_BIT_STRING },
		{ "170d3939313333323030303030305a", CK_DER_P_BAD_TIME },
		{ "170d3939303233303230303030305a", CK_DER_P_BAD_TIME },
		{ "18053230323041", CK_DER_P_BAD_TIME },
		{ "130461406222", CK_DER_P_BAD_STRING },
		{ "0c02c0af", CK_DER_P_BAD_STRING },
		{ "160180", CK_DER_P_BAD_STRING },
		{ "1e03004100", CK_DER_P_BAD_STRING },
		{ "12026131", CK_DER_P_BAD_STRING },
		{ "2203020105", CK_DER_P_BAD_FORM },
		{ "1000", CK_DER_P_BAD_FORM },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char d[64];
		size_t n = strlen(cases[i].hex) / 2;
		struct walked r;
		for (size_t k = 0; k < n; k++)
			sscanf(cases[i].hex + 2 * k, "%2hhx", &d[k]);
		r = walk(d, n, false);
		cr_assert_eq(r.err.status, CK_OK, "case %zu: %s", i, r.err.what);
		cr_assert_eq(r.problems, cases[i].problem, "case %zu: problems %#x", i, r.problems);
		cr_assert_not(cases[i].problem & CK_DER_P_DER_ONLY, "case %zu", i);
		cr_assert_not_null(ck_der_problem_code(cases[i].problem));
		cr_assert_not_null(ck_der_problem_message(cases[i].problem));
	}
}

Test(der, good_der_has_no_problems)
{
	const char *files[] = { "pki/client.der", "pki/int-ca.crl", "p12/modern.pfx",
				"asn1/ocsp-resp.der", "pki/ec-leaf.der", "pki/ed25519-leaf.der" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		size_t n;
		unsigned char *d = fx_read(files[i], &n);
		struct walked r = walk(d, n, true);
		cr_assert_eq(r.err.status, CK_OK, "%s: %s", files[i], r.err.what);
		cr_assert_eq(r.problems, 0, "%s: %#x", files[i], r.problems);
		free(d);
	}
}

Test(der, set_of_order_pads_with_zeros)
{
	/* SET { OCTET STRING 61, OCTET STRING 61 00 }: 04 01 61 < 04 02 61 00 */
	const unsigned char sorted[] = { 0x31, 0x07, 0x04, 0x01, 0x61, 0x04, 0x02, 0x61, 0x00 };
	/* SET { 04 02 61 00, 04 01 61 }: 04 02 > 04 01 */
	const unsigned char unsorted[] = { 0x31, 0x07, 0x04, 0x02, 0x61, 0x00, 0x04, 0x01, 0x61 };
	/* a SEQUENCE has no order */
	const unsigned char seq[] = { 0x30, 0x07, 0x04, 0x02, 0x61, 0x00, 0x04, 0x01, 0x61 };
	cr_assert_eq(walk(sorted, sizeof sorted, false).problems, 0);
	cr_assert_eq(walk(unsorted, sizeof unsorted, false).problems, CK_DER_P_SET_ORDER);
	cr_assert_eq(walk(seq, sizeof seq, false).problems, 0);
}

Test(der, der_inside_strings_is_walked_only_when_it_is_der)
{
	/* OCTET STRING { SEQUENCE { INTEGER 5 } } */
	const unsigned char octet[] = { 0x04, 0x05, 0x30, 0x03, 0x02, 0x01, 0x05 };
	/* BIT STRING, 0 unused bits { SEQUENCE { INTEGER 5 } } */
	const unsigned char bits[] = { 0x03, 0x06, 0x00, 0x30, 0x03, 0x02, 0x01, 0x05 };
	/* the same with 1 unused bit: bits, not DER */
	const unsigned char bits1[] = { 0x03, 0x06, 0x01, 0x30, 0x03, 0x02, 0x01, 0x04 };
	/* two elements inside: not taken for one */
	const unsigned char two[] = { 0x04, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x06 };
	/* DER inside that breaks a DER rule (BOOLEAN 01): bytes */
	const unsigned char loose[] = { 0x04, 0x03, 0x01, 0x01, 0x01 };
	/* a 20-byte hash that does not parse */
	const unsigned char hash[] = { 0x04, 0x14, 0xf6, 0x08, 0xf1, 0x8c, 0x35, 0xe7, 0x16, 0xfa, 0x71,
				       0xe8, 0x99, 0x6b, 0xd3, 0x7f, 0xf6, 0x80, 0xf3, 0xae, 0xfb, 0xba };
	struct walked r;

	r = walk(octet, sizeof octet, true);
	cr_assert_eq(r.encapsulating, 1);
	cr_assert_eq(r.enters, 3);
	cr_assert_eq(r.leaves, 2);
	r = walk(octet, sizeof octet, false);
	cr_assert_eq(r.encapsulating, 0);
	cr_assert_eq(r.enters, 1);
	cr_assert_eq(walk(bits, sizeof bits, true).encapsulating, 1);
	cr_assert_eq(walk(bits1, sizeof bits1, true).encapsulating, 0);
	cr_assert_eq(walk(two, sizeof two, true).encapsulating, 0);
	cr_assert_eq(walk(loose, sizeof loose, true).encapsulating, 0);
	cr_assert_eq(walk(hash, sizeof hash, true).encapsulating, 0);
}

Test(der, a_structure_inside_a_string_is_walked_with_its_problems)
{
	/* OCTET STRING { SEQUENCE { VisibleString "a\xe9" } }: the value is
	 * wrong, the structure is unmistakable: walked, the problem found */
	const unsigned char bad[] = { 0x04, 0x06, 0x30, 0x04, 0x1a, 0x02, 0x61, 0xe9 };
	/* OCTET STRING { SEQUENCE spanning it, INTEGER claiming 5 of 3 } */
	const unsigned char broken[] = { 0x04, 0x05, 0x30, 0x03, 0x02, 0x05, 0x01 };
	/* a SEQUENCE header that does not span the content: bytes, checked */
	const unsigned char bytes[] = { 0x04, 0x04, 0x30, 0x09, 0x02, 0x05 };
	struct ck_der_walk_opts o = { .nested = true };
	struct ck_der_walker *w = NULL;
	struct ck_der_elem el;
	struct walked r;

	r = walk(bad, sizeof bad, true);
	cr_assert_eq(r.encapsulating, 1);
	cr_assert_eq(r.enters, 3);
	cr_assert(r.problems & CK_DER_P_BAD_STRING);
	cr_assert_eq(r.err.status, CK_OK);

	cr_assert_eq(ck_der_walker_new(broken, sizeof broken, &o, &w, &e), CK_OK);
	cr_assert_eq(ck_der_walker_next(w, &el), CK_DER_ENTER);
	cr_assert_not(el.encapsulates);
	cr_assert_str_eq(el.unchecked, "its content is a SEQUENCE or SET that does not decode");
	ck_der_walker_free(w);

	cr_assert_eq(ck_der_walker_new(bytes, sizeof bytes, &o, &w, &e), CK_OK);
	cr_assert_eq(ck_der_walker_next(w, &el), CK_DER_ENTER);
	cr_assert_not(el.encapsulates);
	cr_assert_null(el.unchecked);
	ck_der_walker_free(w);
}

Test(der, several_top_level_elements)
{
	const unsigned char d[] = { 0x02, 0x01, 0x05, 0x05, 0x00, 0x30, 0x00 };
	struct walked r = walk(d, sizeof d, false);
	cr_assert_eq(r.err.status, CK_OK);
	cr_assert_eq(r.enters, 3);
}

/* ---------------------------------------------------------------- */
/* values */

Test(der, tag_and_class_names)
{
	char b[48];
	ck_der_tag_name(0, 16, b, sizeof b);
	cr_assert_str_eq(b, "SEQUENCE");
	ck_der_tag_name(0, 24, b, sizeof b);
	cr_assert_str_eq(b, "GeneralizedTime");
	ck_der_tag_name(0, 15, b, sizeof b);
	cr_assert_str_eq(b, "[UNIVERSAL 15]");
	ck_der_tag_name(0, 99, b, sizeof b);
	cr_assert_str_eq(b, "[UNIVERSAL 99]");
	ck_der_tag_name(ASN1_CLASS_CONTEXT_SPECIFIC, 3, b, sizeof b);
	cr_assert_str_eq(b, "[3]");
	ck_der_tag_name(ASN1_CLASS_APPLICATION, 300, b, sizeof b);
	cr_assert_str_eq(b, "[APPLICATION 300]");
	ck_der_tag_name(ASN1_CLASS_PRIVATE, 1, b, sizeof b);
	cr_assert_str_eq(b, "[PRIVATE 1]");
	cr_assert_str_eq(ck_der_class_name(ASN1_CLASS_CONTEXT_SPECIFIC), "context");
	cr_assert_str_eq(ck_der_class_name(ASN1_CLASS_UNIVERSAL), "universal");
}

Test(der, oid_strings)
{
	const unsigned char rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b };
	const unsigned char bad[] = { 0x2a, 0x86 };
	char b[128];
	cr_assert(ck_der_oid_str(rsa, sizeof rsa, b, sizeof b));
	cr_assert_str_eq(b, "1.2.840.113549.1.1.11");
	cr_assert_not(ck_der_oid_str(bad, sizeof bad, b, sizeof b));
}

Test(der, times_in_rfc3339)
{
	static const struct {
		unsigned long tag;
		const char *in, *out;
	} cases[] = {
		{ CK_TAG_UTCTIME, "491231235959Z", "2049-12-31T23:59:59Z" },
		{ CK_TAG_UTCTIME, "500101000000Z", "1950-01-01T00:00:00Z" },
		{ CK_TAG_UTCTIME, "2001010000Z", "2020-01-01T00:00:00Z" },
		{ CK_TAG_UTCTIME, "200101010000+0100", "2020-01-01T00:00:00Z" },
		{ CK_TAG_GENTIME, "20700101000000Z", "2070-01-01T00:00:00Z" },
		{ CK_TAG_GENTIME, "20200229120000.25Z", "2020-02-29T12:00:00.25Z" },
		{ CK_TAG_GENTIME, "20200101000000-0130", "2020-01-01T01:30:00Z" },
		{ CK_TAG_GENTIME, "20200101000000", NULL }, /* local time: no UTC */
		{ CK_TAG_GENTIME, "20210229000000Z", NULL },
		{ CK_TAG_UTCTIME, "20010100Z", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char b[64];
		bool ok = ck_der_time_rfc3339(cases[i].tag, (const unsigned char *)cases[i].in,
					      strlen(cases[i].in), b, sizeof b);
		if (!cases[i].out) {
			cr_assert_not(ok, "%s", cases[i].in);
			continue;
		}
		cr_assert(ok, "%s", cases[i].in);
		cr_assert_str_eq(b, cases[i].out);
	}
}

Test(der, strings_in_utf8)
{
	/* BMPString "é" and U+1F600 as a surrogate pair, then a lone surrogate */
	const unsigned char bmp[] = { 0x00, 0xe9, 0xd8, 0x3d, 0xde, 0x00, 0xd8, 0x00 };
	const unsigned char teletex[] = { 'c', 0xe9 };
	const unsigned char bad[] = { 'a', 0xc0, 0xaf, 'b' };
	const unsigned char ucs4[] = { 0, 0, 0, 'A', 0, 1, 0xf6, 0 };
	char *s;

	s = ck_der_string_utf8(CK_TAG_BMP, bmp, sizeof bmp);
	cr_assert_str_eq(s, "\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd");
	free(s);
	s = ck_der_string_utf8(20, teletex, sizeof teletex);
	cr_assert_str_eq(s, "c\xc3\xa9");
	free(s);
	s = ck_der_string_utf8(CK_TAG_UTF8, bad, sizeof bad);
	cr_assert_str_eq(s, "a\xef\xbf\xbd\xef\xbf\xbd" "b");
	free(s);
	s = ck_der_string_utf8(28, ucs4, sizeof ucs4);
	cr_assert_str_eq(s, "A\xf0\x9f\x98\x80");
	free(s);
	cr_assert_null(ck_der_string_utf8(CK_TAG_INTEGER, bad, sizeof bad));
}
