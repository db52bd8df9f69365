/* der — reading one ASN.1 TLV header at a time (DER or BER).
 *
 * Built on libtasn1's header primitives.  The full structure walker
 * and error locator used by derdump grow here; other modules use it to
 * find byte ranges (tbsCertificate, raw names, SPKI) without building a
 * decoded tree. */
#ifndef CK_DER_H
#define CK_DER_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_tlv {
	unsigned cls;       /* ASN1_CLASS_* (without the constructed bit) */
	bool constructed;
	unsigned long tag;
	size_t hdr_len;     /* identifier + length octets */
	size_t len;         /* content length; 0 for indefinite */
	bool indefinite;    /* BER indefinite length (0x80) */
};

/* Read the TLV header at p[0..avail).  For a definite length, checks
 * that the content fits in `avail`.  Indefinite lengths are accepted only
 * when `allow_ber` is set.  On failure fills err with the reason and the
 * offset `base` + position. */
enum ck_status ck_der_read(const unsigned char *p, size_t avail, bool allow_ber,
			   int64_t base, struct ck_tlv *out, struct ck_error *err);

/* Universal tags used across libcore. */
enum {
	CK_TAG_BOOLEAN = 1,
	CK_TAG_INTEGER = 2,
	CK_TAG_BIT_STRING = 3,
	CK_TAG_OCTET_STRING = 4,
	CK_TAG_NULL = 5,
	CK_TAG_OID = 6,
	CK_TAG_UTF8 = 12,
	CK_TAG_SEQUENCE = 16,
	CK_TAG_SET = 17,
	CK_TAG_PRINTABLE = 19,
	CK_TAG_IA5 = 22,
	CK_TAG_UTCTIME = 23,
	CK_TAG_GENTIME = 24,
	CK_TAG_BMP = 30,
};

#endif

/* ---- decoding against libcore's ASN.1 definitions (pkix.asn) ---- */

#include <libtasn1.h>

/* The definitions tree, built once (thread-safe) and never freed. */
asn1_node ck_der_definitions(void);

/* Decode `data` as `type` (e.g. "CHAINKIT.PFX"), BER allowed.  On
 * failure returns CK_E_PARSE with libtasn1's reason. */
enum ck_status ck_der_decode(const char *type, const unsigned char *data,
			     size_t len, asn1_node *out, struct ck_error *err);

/* Read an OBJECT IDENTIFIER into buf (dotted); false if absent. */
bool ck_der_read_oid(asn1_node node, const char *name, char *buf, size_t size);

/* Read a value (OCTET STRING content, or the DER of an ANY) into a new
 * buffer.  false if absent or on allocation failure. */
bool ck_der_read_bytes(asn1_node node, const char *name, unsigned char **out,
		       size_t *len);

/* Read a small non-negative INTEGER; false if absent or too big. */
bool ck_der_read_uint(asn1_node node, const char *name, unsigned long *out);

/* Decode a BER/DER OCTET STRING (primitive or constructed) whose full
 * TLV is data[0..len), into a new buffer. */
enum ck_status ck_der_octet_string(const unsigned char *data, size_t len,
				   unsigned char **out, size_t *out_len,
				   struct ck_error *err);

/* ---- encoding against the same definitions ---- */

/* A new, empty structure of `type` to fill with asn1_write_value(). */
enum ck_status ck_der_create(const char *type, asn1_node *out, struct ck_error *err);

/* DER of a filled structure (or of its part `name`, "" for all) into a
 * new buffer.  On failure returns CK_E_INTERNAL naming the element
 * libtasn1 could not encode. */
enum ck_status ck_der_encode(asn1_node node, const char *name, unsigned char **out,
			     size_t *len, struct ck_error *err);

/* The full TLV of a primitive value (ASN1_ETYPE_OCTET_STRING,
 * ASN1_ETYPE_BMP_STRING, ...) into a new buffer: what an ANY field
 * holding that value must be given. */
enum ck_status ck_der_wrap(unsigned etype, const unsigned char *data, size_t len,
			   unsigned char **out, size_t *out_len, struct ck_error *err);

/* Write a value: asn1_write_value() with the error turned into
 * CK_E_INTERNAL naming the element. */
enum ck_status ck_der_write(asn1_node node, const char *name, const void *value,
			    size_t len, struct ck_error *err);
