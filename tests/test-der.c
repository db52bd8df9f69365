/* der: TLV headers, error locations, libtasn1 decoding helpers. */
#include "config.h"

#include "libcore/der.h"

#include <criterion/criterion.h>
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
