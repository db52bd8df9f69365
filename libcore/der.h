/* der — reading ASN.1 as it is encoded (DER or BER): one TLV header at
 * a time, a whole structure with the structure walker, and the error
 * locator that says at which byte and why a structure does not decode.
 *
 * Built on libtasn1's header and value primitives.  Other modules use
 * it to find byte ranges (tbsCertificate, raw names, SPKI) without
 * building a decoded tree; derdump shows the walk; load names the byte
 * where an input breaks. */
#ifndef CK_DER_H
#define CK_DER_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct ck_tlv {
	unsigned cls;       /* ASN1_CLASS_* (without the constructed bit) */
	bool constructed;
	unsigned long tag;
	size_t hdr_len;     /* identifier + length octets */
	size_t len;         /* content length; 0 for indefinite */
	bool indefinite;    /* BER indefinite length (0x80) */
	size_t tag_len;     /* identifier octets (hdr_len - tag_len: length octets) */
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
 * buffer, with a NUL after it (not counted in len).  false if absent or
 * on allocation failure. */
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
/* ---- the structure walker ---- */

/* Deeper nesting is refused: no certificate structure comes close
 * (OpenSSL stops at 30), and derdump's XML of a deeper tree would exceed
 * the 256 levels libxml2 parses by default. */
#define CK_DER_MAX_DEPTH 120

/* Problems the walker notes on an element without stopping.  The first
 * group breaks only DER's rules (the input is still valid BER); the
 * second is invalid in BER too. */
enum {
	CK_DER_P_INDEFINITE = 1u << 0,         /* indefinite length */
	CK_DER_P_LONG_LENGTH = 1u << 1,        /* length not in the shortest form */
	CK_DER_P_LONG_TAG = 1u << 2,           /* tag number not in the shortest form */
	CK_DER_P_CONSTRUCTED_STRING = 1u << 3, /* a string in constructed form */
	CK_DER_P_BOOLEAN_VALUE = 1u << 4,      /* TRUE not encoded as FF */
	CK_DER_P_INTEGER_PADDING = 1u << 5,    /* leading 00 or FF that is not needed */
	CK_DER_P_SET_ORDER = 1u << 6,          /* SET OF element sorts before the previous */
	CK_DER_P_BIT_PADDING = 1u << 7,        /* unused bits of a BIT STRING not zero */
	CK_DER_P_TIME_FORMAT = 1u << 8,        /* time valid in BER but not in DER form */
	CK_DER_P_BOOLEAN_LENGTH = 1u << 9,     /* BOOLEAN content is not one byte */
	CK_DER_P_EMPTY_INTEGER = 1u << 10,     /* INTEGER or ENUMERATED without content */
	CK_DER_P_NULL_CONTENT = 1u << 11,      /* NULL with content */
	CK_DER_P_BAD_OID = 1u << 12,           /* malformed OBJECT IDENTIFIER */
	CK_DER_P_BAD_BIT_STRING = 1u << 13,    /* empty, or more than 7 unused bits */
	CK_DER_P_BAD_TIME = 1u << 14,          /* not a time at all */
	CK_DER_P_BAD_STRING = 1u << 15,        /* characters the string type does not allow */
	CK_DER_P_BAD_FORM = 1u << 16,          /* primitive/constructed form the type forbids */
};
#define CK_DER_P_COUNT 17
#define CK_DER_P_DER_ONLY 0x1ffu /* the bits that are DER rules only */

/* For problem bit `bit` (one of the above): its stable code
 * ("indefinite-length", ...) and a sentence.  NULL for other values. */
const char *ck_der_problem_code(unsigned bit);
const char *ck_der_problem_message(unsigned bit);

struct ck_der_walk_opts {
	int64_t base;          /* offset of data[0] in the input, added to every offset */
	unsigned max_depth;    /* 0: CK_DER_MAX_DEPTH */
	bool nested;           /* walk into OCTET and BIT STRINGs whose content is DER */
	const char *container; /* what messages call the whole: "file", ... (NULL: "data") */
};

/* One element as the walker hands it out. */
struct ck_der_elem {
	int64_t offset;               /* of the identifier octets (base included) */
	struct ck_tlv tlv;
	unsigned depth;               /* 0 for a top-level element */
	const unsigned char *content; /* the content octets that are present */
	size_t content_len;           /* less than tlv.len when truncated */
	bool truncated;               /* the content runs past its container */
	bool encapsulates;            /* a primitive OCTET/BIT STRING whose content
				       * (after the unused-bits octet) is shown as
				       * child elements */
	bool has_children;            /* constructed or encapsulates: a
				       * CK_DER_LEAVE for it follows its children */
	const char *unchecked;        /* a string that looks like it holds DER
				       * but whose content could not be walked:
				       * why (static text), else NULL */
	unsigned problems;            /* CK_DER_P_* */
};

enum ck_der_event {
	CK_DER_ENTER, /* an element starts; *e is filled */
	CK_DER_LEAVE, /* the element *e, which has children, ends */
	CK_DER_DONE,  /* nothing more; see ck_der_walker_error() */
};

struct ck_der_walker;

/* Walk data[0..len) (borrowed, must outlive the walker) element by
 * element, depth first, without recursion.  `opts` may be NULL. */
enum ck_status ck_der_walker_new(const unsigned char *data, size_t len,
				 const struct ck_der_walk_opts *opts,
				 struct ck_der_walker **out, struct ck_error *err);

/* The next event.  After an error that stops the walk (a header that
 * cannot be read, a missing end-of-contents, nesting over the limit),
 * the elements still open get their CK_DER_LEAVE, then CK_DER_DONE.
 * A length that runs past its container does not stop it: the element
 * is marked truncated and what is there is walked. */
enum ck_der_event ck_der_walker_next(struct ck_der_walker *w, struct ck_der_elem *e);

/* The first error met so far (status CK_OK when none), with its byte
 * offset: the walk found the data not to be BER/DER there. */
const struct ck_error *ck_der_walker_error(const struct ck_der_walker *w);

void ck_der_walker_free(struct ck_der_walker *w);

/* The error locator: CK_OK when data[0..len) is one or more complete
 * BER/DER elements; else CK_E_PARSE with err saying at which byte and
 * why decoding fails (CK_E_NOMEM when out of memory).  `container`
 * names the whole in the message ("file", "block"; NULL: "data"). */
enum ck_status ck_der_locate_error(const unsigned char *data, size_t len,
				   const char *container, struct ck_error *err);

/* ---- values, for showing them ---- */

/* "SEQUENCE", "INTEGER", "[0]", "[APPLICATION 3]", "[UNIVERSAL 99]". */
void ck_der_tag_name(unsigned cls, unsigned long tag, char *buf, size_t size);

/* "universal", "application", "context" or "private". */
const char *ck_der_class_name(unsigned cls);

/* The dotted form of an OBJECT IDENTIFIER's content octets; false if
 * malformed. */
bool ck_der_oid_str(const unsigned char *content, size_t len, char *buf, size_t size);

/* A UTCTime or GeneralizedTime (tag CK_TAG_UTCTIME / CK_TAG_GENTIME) as
 * RFC 3339 UTC ("2070-01-01T00:00:00Z", with the fraction if any);
 * false if it is not a valid time. */
bool ck_der_time_rfc3339(unsigned long tag, const unsigned char *content, size_t len,
			 char *buf, size_t size);

/* The same time as seconds since the epoch (a UTCTime's two-digit year
 * per RFC 5280 4.1.2.5.1); false if it is not a valid time with a zone. */
bool ck_der_time(unsigned long tag, const unsigned char *content, size_t len, time_t *out);

/* The text of a character string type (UTF8String, BMPString,
 * UniversalString, TeletexString as Latin-1, and the ASCII types) in
 * UTF-8, NUL-terminated, in a new buffer; NULL for other tags or when
 * out of memory.  Invalid sequences become U+FFFD. */
char *ck_der_string_utf8(unsigned long tag, const unsigned char *content, size_t len);

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), 0 if it
 * is not one (overlong forms and surrogates are invalid). */
size_t ck_utf8_seq(const unsigned char *s, size_t n);

/* true for the universal tags of character strings and times. */
bool ck_der_is_string_tag(unsigned long tag);

/* What a DER structure is, told from the tags of its first elements
 * (and the OID of a PKCS#7 or PFX ContentInfo): what load reads it as. */
enum ck_der_kind {
	CK_DER_UNKNOWN,
	CK_DER_CERT,
	CK_DER_PKCS12,
	CK_DER_PKCS7,
	CK_DER_KEY,           /* PKCS#1 or SEC1 */
	CK_DER_PKCS8_KEY,     /* PKCS#8 PrivateKeyInfo */
	CK_DER_ENCRYPTED_KEY, /* PKCS#8 EncryptedPrivateKeyInfo */
	CK_DER_CRL,
	CK_DER_CSR,
};

/* Sniff d[0..len).  CK_DER_UNKNOWN with *err (if not NULL) saying why
 * when it is not DER or not a structure load reads. */
enum ck_der_kind ck_der_sniff(const unsigned char *d, size_t len, struct ck_error *err);

#endif
