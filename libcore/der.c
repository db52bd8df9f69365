/* der — TLV headers on top of libtasn1's asn1_get_tag_der() and
 * asn1_get_length_der(), the structure walker, the error locator, and
 * the value helpers derdump shows values with.  Every length is checked
 * against what is left before anyone indexes with it.
 *
 * Hand-written here, because libtasn1 only says "error": why a header
 * cannot be read (truncated, tag number overflow, reserved length
 * octet), whether a tag or length is in its shortest form, and the DER
 * rules on values (BOOLEAN, INTEGER padding, BIT STRING padding, SET OF
 * order, time formats, string alphabets). */
#include "config.h"

#include "der.h"

#include <libtasn1.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- */
/* one header */

enum hdr_status {
	HDR_OK,
	HDR_SHORT,         /* fewer than two bytes */
	HDR_TAG_TRUNCATED, /* high tag number octets run to the end */
	HDR_TAG_OVERFLOW,  /* tag number over 32 bits */
	HDR_LEN_MISSING,   /* the identifier takes every byte left */
	HDR_LEN_TRUNCATED, /* long-form length octets run past the end */
	HDR_LEN_RESERVED,  /* first length octet 0xff */
	HDR_LEN_HUGE,      /* over INT_MAX (what libtasn1 decodes) */
};

struct hdr {
	struct ck_tlv t;
	unsigned long long value; /* the length, also when HDR_LEN_HUGE (saturated) */
	size_t len_octets;        /* long form: how many length octets follow */
	bool long_tag;            /* high tag number form that is not the shortest */
	bool long_len;            /* long form length that is not the shortest */
};

static enum hdr_status read_hdr(const unsigned char *p, size_t avail, struct hdr *h)
{
	unsigned char cls;
	int tag_len = 0, len_len = 0;
	unsigned long tag;
	long len;
	size_t k;
	int iavail = avail > INT_MAX ? INT_MAX : (int)avail;

	memset(h, 0, sizeof *h);
	if (avail < 2)
		return HDR_SHORT;
	if (asn1_get_tag_der(p, iavail, &cls, &tag_len, &tag) != ASN1_SUCCESS) {
		size_t i = 1;
		while (i < avail && (p[i] & 0x80))
			i++;
		return i >= avail ? HDR_TAG_TRUNCATED : HDR_TAG_OVERFLOW;
	}
	h->t.cls = cls & ~ASN1_CLASS_STRUCTURED;
	h->t.constructed = (cls & ASN1_CLASS_STRUCTURED) != 0;
	h->t.tag = tag;
	h->t.tag_len = (size_t)tag_len;
	/* high tag number form: only for numbers from 31, without a leading
	 * 0x80 octet (X.690 8.1.2.4.2) */
	if (tag_len > 1 && (tag < 31 || p[1] == 0x80))
		h->long_tag = true;
	if ((size_t)tag_len >= avail)
		return HDR_LEN_MISSING;

	if (p[tag_len] == 0x80) {
		h->t.indefinite = true;
		h->t.hdr_len = (size_t)tag_len + 1;
		return HDR_OK;
	}
	if (p[tag_len] == 0xff)
		return HDR_LEN_RESERVED;
	if (p[tag_len] & 0x80) {
		k = p[tag_len] & 0x7f;
		h->len_octets = k;
		if (k + 1 > avail - (size_t)tag_len)
			return HDR_LEN_TRUNCATED;
		for (size_t i = 0; i < k; i++)
			h->value = h->value > (ULLONG_MAX >> 8) ? ULLONG_MAX
								  : (h->value << 8) | p[tag_len + 1 + i];
		h->long_len = p[tag_len + 1] == 0 || h->value < 128;
	}
	/* Let libtasn1 decode the value without comparing it with the
	 * buffer, so that an overlong length is reported with the numbers. */
	len = asn1_get_length_der(p + tag_len, INT_MAX, &len_len);
	h->t.hdr_len = (size_t)tag_len + (h->len_octets ? h->len_octets + 1 : 1);
	if (len == -2 || len < 0 || len_len <= 0 ||
	    (unsigned long)len > (unsigned long)INT_MAX - 16) {
		if (!h->len_octets)
			h->value = (unsigned long long)p[tag_len];
		return HDR_LEN_HUGE;
	}
	h->value = (unsigned long long)len;
	h->t.len = (size_t)len;
	return HDR_OK;
}

enum ck_status ck_der_read(const unsigned char *p, size_t avail, bool allow_ber,
			   int64_t base, struct ck_tlv *out, struct ck_error *err)
{
	struct hdr h;
	long long at = (long long)base;

	switch (read_hdr(p, avail, &h)) {
	case HDR_SHORT:
		return ck_error_set_at(err, CK_E_PARSE, base,
				       "truncated ASN.1 header at byte %lld (%zu byte%s left)",
				       at, avail, avail == 1 ? "" : "s");
	case HDR_TAG_TRUNCATED:
	case HDR_LEN_MISSING:
		return ck_error_set_at(err, CK_E_PARSE, base, "truncated ASN.1 header at byte %lld", at);
	case HDR_TAG_OVERFLOW:
		return ck_error_set_at(err, CK_E_PARSE, base,
				       "tag number overflow at byte %lld (more than 32 bits)", at);
	case HDR_LEN_TRUNCATED:
		return ck_error_set_at(err, CK_E_PARSE, base + (int64_t)h.t.tag_len,
				       "truncated DER length at byte %lld",
				       at + (long long)h.t.tag_len);
	case HDR_LEN_RESERVED:
		return ck_error_set_at(err, CK_E_PARSE, base + (int64_t)h.t.tag_len,
				       "reserved length octet 0xff at byte %lld",
				       at + (long long)h.t.tag_len);
	case HDR_LEN_HUGE:
		return ck_error_set_at(err, CK_E_PARSE, base + (int64_t)h.t.tag_len,
				       "DER length at byte %lld is larger than 2 GiB (%zu bytes left)",
				       at + (long long)h.t.tag_len, avail - h.t.hdr_len);
	case HDR_OK:
		break;
	}
	if (h.t.indefinite && (!allow_ber || !h.t.constructed))
		return ck_error_set_at(err, CK_E_PARSE, base + (int64_t)h.t.tag_len,
				       "indefinite length at byte %lld%s",
				       at + (long long)h.t.tag_len,
				       h.t.constructed ? " (BER, not DER)" : " in a primitive value");
	if (!h.t.indefinite && h.t.len > avail - h.t.hdr_len)
		return ck_error_set_at(err, CK_E_PARSE, base + (int64_t)h.t.tag_len,
				       "DER length at byte %lld runs past the end of the data (needs %zu bytes, %zu left)",
				       at + (long long)h.t.tag_len, h.t.len, avail - h.t.hdr_len);
	*out = h.t;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* UTF-8 */

size_t ck_utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* ---------------------------------------------------------------- */
/* values: the checks the walker makes, and the helpers that show them */

static bool subids_ok(const unsigned char *c, size_t n)
{
	if (n == 0 || (c[n - 1] & 0x80))
		return false; /* empty, or the last subidentifier is cut */
	for (size_t i = 0; i < n; i++)
		if (c[i] == 0x80 && (i == 0 || !(c[i - 1] & 0x80)))
			return false; /* leading 0x80 octet (X.690 8.19.2) */
	return true;
}

struct tparts {
	int year, mon, day, hour, min, sec;
	char frac[16];  /* digits after the decimal mark, "" if none */
	bool zone;      /* Z or an offset; false: local time */
	long offset;    /* seconds east of UTC */
};

static bool digits(const unsigned char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

/* Parse a UTCTime or GeneralizedTime.  0: not a time; 1: valid BER but
 * not DER's form; 2: DER's form (X.690 11.7, 11.8). */
static int parse_time(unsigned long tag, const unsigned char *s, size_t n, struct tparts *t)
{
	size_t i = 0, ylen = tag == CK_TAG_UTCTIME ? 2 : 4;
	bool der = true, has_sec = false;

	memset(t, 0, sizeof *t);
	if (n < ylen + 6 || !digits(s, ylen, &t->year) || !digits(s + ylen, 2, &t->mon) ||
	    !digits(s + ylen + 2, 2, &t->day) || !digits(s + ylen + 4, 2, &t->hour))
		return 0;
	if (tag == CK_TAG_UTCTIME)
		t->year += t->year < 50 ? 2000 : 1900; /* RFC 5280 4.1.2.5.1 */
	i = ylen + 6;
	if (i + 2 <= n && digits(s + i, 2, &t->min)) {
		i += 2;
		if (i + 2 <= n && digits(s + i, 2, &t->sec)) {
			i += 2;
			has_sec = true;
		}
	} else if (tag == CK_TAG_UTCTIME) {
		return 0;
	}
	if (!has_sec)
		der = false;
	if (tag == CK_TAG_GENTIME && i < n && (s[i] == '.' || s[i] == ',')) {
		size_t f = 0;
		if (s[i] == ',')
			der = false;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (f < sizeof t->frac - 1)
				t->frac[f++] = (char)s[i];
		if (f == 0)
			return 0;
		if (t->frac[f - 1] == '0' || !has_sec)
			der = false;
	}
	if (i < n && s[i] == 'Z') {
		t->zone = true;
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int hh, mm = 0;
		long sign = s[i] == '-' ? -1 : 1;
		if (i + 3 > n || !digits(s + i + 1, 2, &hh))
			return 0;
		i += 3;
		if (i + 2 <= n && digits(s + i, 2, &mm))
			i += 2;
		else if (tag == CK_TAG_UTCTIME)
			return 0;
		if (hh > 23 || mm > 59)
			return 0;
		t->zone = true;
		t->offset = sign * (hh * 3600L + mm * 60L);
		der = false;
	} else {
		der = false; /* local time */
		if (tag == CK_TAG_UTCTIME)
			return 0;
	}
	if (i != n)
		return 0;
	if (t->mon < 1 || t->mon > 12 || t->day < 1 || t->day > days_in_month(t->year, t->mon) ||
	    t->hour > 23 || t->min > 59 || t->sec > 60)
		return 0;
	return der ? 2 : 1;
}

/* The instant of a parsed time that has a zone. */
static time_t tparts_instant(const struct tparts *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = t->year - 1900;
	tm.tm_mon = t->mon - 1;
	tm.tm_mday = t->day;
	tm.tm_hour = t->hour;
	tm.tm_min = t->min;
	tm.tm_sec = t->sec;
	return timegm(&tm) - t->offset;
}

bool ck_der_time(unsigned long tag, const unsigned char *content, size_t len, time_t *out)
{
	struct tparts t;

	if ((tag != CK_TAG_UTCTIME && tag != CK_TAG_GENTIME) || !parse_time(tag, content, len, &t) ||
	    !t.zone)
		return false;
	*out = tparts_instant(&t);
	return true;
}

bool ck_der_time_rfc3339(unsigned long tag, const unsigned char *content, size_t len,
			 char *buf, size_t size)
{
	struct tparts t;
	struct tm tm;
	time_t when;

	if ((tag != CK_TAG_UTCTIME && tag != CK_TAG_GENTIME) || !parse_time(tag, content, len, &t) ||
	    !t.zone)
		return false;
	when = tparts_instant(&t);
	if (!gmtime_r(&when, &tm))
		return false;
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, t.frac[0] ? "." : "", t.frac);
	return true;
}

static bool printable_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr(" '()+,-./:=?", c) != NULL;
}

/* Does the content keep to the alphabet of its string type (X.680 41)? */
static bool string_ok(unsigned long tag, const unsigned char *c, size_t n)
{
	switch (tag) {
	case CK_TAG_UTF8:
		for (size_t i = 0, k; i < n; i += k)
			if (!(k = ck_utf8_seq(c + i, n - i)))
				return false;
		return true;
	case 18: /* NumericString */
		for (size_t i = 0; i < n; i++)
			if (!(c[i] == ' ' || (c[i] >= '0' && c[i] <= '9')))
				return false;
		return true;
	case CK_TAG_PRINTABLE:
		for (size_t i = 0; i < n; i++)
			if (!c[i] || !printable_char(c[i]))
				return false;
		return true;
	case CK_TAG_IA5:
		for (size_t i = 0; i < n; i++)
			if (c[i] >= 0x80)
				return false;
		return true;
	case 26: /* VisibleString */
		for (size_t i = 0; i < n; i++)
			if (c[i] < 0x20 || c[i] > 0x7e)
				return false;
		return true;
	case CK_TAG_BMP:
		return n % 2 == 0;
	case 28: /* UniversalString */
		if (n % 4)
			return false;
		for (size_t i = 0; i < n; i += 4) {
			uint32_t cp = (uint32_t)c[i] << 24 | (uint32_t)c[i + 1] << 16 | (uint32_t)c[i + 2] << 8 | c[i + 3];
			if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
				return false;
		}
		return true;
	default:
		return true; /* Teletex, Videotex, Graphic, General: any octets */
	}
}

bool ck_der_is_string_tag(unsigned long tag)
{
	return tag == CK_TAG_UTF8 || (tag >= 18 && tag <= 22) || (tag >= 25 && tag <= 28) ||
	       tag == CK_TAG_BMP || tag == CK_TAG_UTCTIME || tag == CK_TAG_GENTIME;
}

/* Problems in the content of a primitive universal element. */
static unsigned value_problems(unsigned long tag, const unsigned char *c, size_t n)
{
	struct tparts t;

	switch (tag) {
	case CK_TAG_BOOLEAN:
		if (n != 1)
			return CK_DER_P_BOOLEAN_LENGTH;
		return c[0] && c[0] != 0xff ? CK_DER_P_BOOLEAN_VALUE : 0;
	case CK_TAG_INTEGER:
	case 10: /* ENUMERATED */
		if (n == 0)
			return CK_DER_P_EMPTY_INTEGER;
		if (n > 1 && ((c[0] == 0 && !(c[1] & 0x80)) || (c[0] == 0xff && (c[1] & 0x80))))
			return CK_DER_P_INTEGER_PADDING;
		return 0;
	case CK_TAG_BIT_STRING:
		if (n == 0 || c[0] > 7 || (n == 1 && c[0]))
			return CK_DER_P_BAD_BIT_STRING;
		if (c[0] && (c[n - 1] & ((1u << c[0]) - 1)))
			return CK_DER_P_BIT_PADDING;
		return 0;
	case CK_TAG_NULL:
		return n ? CK_DER_P_NULL_CONTENT : 0;
	case CK_TAG_OID:
	case 13: /* RELATIVE-OID */
		return subids_ok(c, n) ? 0 : CK_DER_P_BAD_OID;
	case CK_TAG_UTCTIME:
	case CK_TAG_GENTIME:
		switch (parse_time(tag, c, n, &t)) {
		case 0: return CK_DER_P_BAD_TIME;
		case 1: return CK_DER_P_TIME_FORMAT;
		default: return 0;
		}
	default:
		if (ck_der_is_string_tag(tag))
			return string_ok(tag, c, n) ? 0 : CK_DER_P_BAD_STRING;
		return 0;
	}
}

/* Problems of the form (primitive or constructed) of a universal tag. */
static unsigned form_problems(unsigned long tag, bool constructed)
{
	switch (tag) {
	case CK_TAG_BOOLEAN: case CK_TAG_INTEGER: case CK_TAG_NULL: case CK_TAG_OID:
	case 9: case 10: case 13: /* REAL, ENUMERATED, RELATIVE-OID */
		return constructed ? CK_DER_P_BAD_FORM : 0;
	case CK_TAG_SEQUENCE: case CK_TAG_SET:
		return constructed ? 0 : CK_DER_P_BAD_FORM;
	case CK_TAG_BIT_STRING: case CK_TAG_OCTET_STRING:
		return constructed ? CK_DER_P_CONSTRUCTED_STRING : 0;
	default:
		return constructed && ck_der_is_string_tag(tag) ? CK_DER_P_CONSTRUCTED_STRING : 0;
	}
}

static const struct {
	unsigned bit;
	const char *code, *message;
} problems[] = {
	{ CK_DER_P_INDEFINITE, "indefinite-length", "indefinite length (BER, not DER)" },
	{ CK_DER_P_LONG_LENGTH, "long-length", "length not in the shortest form" },
	{ CK_DER_P_LONG_TAG, "long-tag", "tag number not in the shortest form" },
	{ CK_DER_P_CONSTRUCTED_STRING, "constructed-string", "string in constructed form (DER needs primitive)" },
	{ CK_DER_P_BOOLEAN_VALUE, "boolean-value", "BOOLEAN TRUE not encoded as FF" },
	{ CK_DER_P_INTEGER_PADDING, "integer-padding", "INTEGER not in the shortest form (needless leading 00 or FF)" },
	{ CK_DER_P_SET_ORDER, "set-order", "SET OF element not in ascending order (sorts before the previous one)" },
	{ CK_DER_P_BIT_PADDING, "bit-string-padding", "unused bits of the BIT STRING are not zero" },
	{ CK_DER_P_TIME_FORMAT, "time-format", "time not in DER form (YYMMDDHHMMSSZ or YYYYMMDDHHMMSS[.f]Z)" },
	{ CK_DER_P_BOOLEAN_LENGTH, "boolean-length", "BOOLEAN content is not one byte" },
	{ CK_DER_P_EMPTY_INTEGER, "empty-integer", "INTEGER or ENUMERATED without content" },
	{ CK_DER_P_NULL_CONTENT, "null-content", "NULL with content" },
	{ CK_DER_P_BAD_OID, "bad-oid", "malformed OBJECT IDENTIFIER" },
	{ CK_DER_P_BAD_BIT_STRING, "bad-bit-string", "BIT STRING empty or with more than 7 unused bits" },
	{ CK_DER_P_BAD_TIME, "bad-time", "not a valid time" },
	{ CK_DER_P_BAD_STRING, "bad-string", "characters the string type does not allow" },
	{ CK_DER_P_BAD_FORM, "bad-form", "primitive or constructed form this type does not allow" },
};

const char *ck_der_problem_code(unsigned bit)
{
	for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
		if (problems[i].bit == bit)
			return problems[i].code;
	return NULL;
}

const char *ck_der_problem_message(unsigned bit)
{
	for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
		if (problems[i].bit == bit)
			return problems[i].message;
	return NULL;
}

/* ---------------------------------------------------------------- */
/* the walker
 *
 * An explicit stack of frames, one per open element, replaces
 * recursion: memory is O(depth) whatever the input, and the depth is
 * bounded by max_depth.  Frame 0 is the whole data.  Each call does one
 * step:
 *   - an open indefinite-length element ends at 00 00, a definite one
 *     at its end: LEAVE;
 *   - otherwise the header at pos is read and checked, and the element
 *     handed out (ENTER); a constructed element, or a string whose
 *     content is DER, pushes a frame and the walk goes on inside it.
 * A length that runs past its container is recorded as the error (the
 * first error is the one reported) and clamped to what is there, which
 * is still walked.  Any other error stops the walk; the frames still
 * open are closed one LEAVE at a time. */

struct frame {
	struct ck_der_elem elem; /* the element; frame 0 has none */
	size_t end;              /* data index where its content ends */
	bool indefinite;
	bool is_set;             /* a SET: its elements must be in DER order */
	bool has_prev;
	size_t prev_start, prev_len; /* the previous element, for the order */
};

struct ck_der_walker {
	const unsigned char *data;
	size_t len;
	struct ck_der_walk_opts o;
	struct frame *frames;
	size_t nframes, cap;
	size_t pos;
	bool stopped; /* an error that ends the walk: only LEAVEs, then DONE */
	bool done;
	struct ck_error err;
	size_t top_count; /* top-level elements seen */
	unsigned problems; /* every problem seen, OR'ed */
	bool too_deep;     /* the error is the depth limit */
};

static bool push(struct ck_der_walker *w, const struct frame *f)
{
	if (w->nframes == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct frame *n = realloc(w->frames, cap * sizeof *n);
		if (!n)
			return false;
		w->frames = n;
		w->cap = cap;
	}
	w->frames[w->nframes++] = *f;
	return true;
}

enum ck_status ck_der_walker_new(const unsigned char *data, size_t len,
				 const struct ck_der_walk_opts *opts,
				 struct ck_der_walker **out, struct ck_error *err)
{
	struct ck_der_walker *w = calloc(1, sizeof *w);
	struct frame top = { .end = len };

	if (!w)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	w->data = data;
	w->len = len;
	if (opts)
		w->o = *opts;
	if (!w->o.max_depth)
		w->o.max_depth = CK_DER_MAX_DEPTH;
	if (!w->o.container)
		w->o.container = "data";
	ck_error_clear(&w->err);
	if (!push(w, &top)) {
		free(w);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	*out = w;
	return CK_OK;
}

void ck_der_walker_free(struct ck_der_walker *w)
{
	if (!w)
		return;
	free(w->frames);
	free(w);
}

const struct ck_error *ck_der_walker_error(const struct ck_der_walker *w)
{
	return &w->err;
}

/* Record an error (the first one wins); `stop` ends the walk. */
__attribute__((format(printf, 4, 5))) static void fail(struct ck_der_walker *w, bool stop,
						       size_t at, const char *fmt, ...)
{
	char msg[CK_ERROR_WHAT_MAX];
	va_list ap;

	if (stop)
		w->stopped = true;
	if (w->err.status)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ck_error_set_at(&w->err, CK_E_PARSE, w->o.base + (int64_t)at, "%s", msg);
}

static long long at_ll(const struct ck_der_walker *w, size_t at)
{
	return (long long)(w->o.base + (int64_t)at);
}

/* What messages call the container of frame f: "file", "SEQUENCE at
 * byte 4", ... */
static void container_name(const struct ck_der_walker *w, const struct frame *f, char *buf,
			   size_t size)
{
	char tag[48];
	if (f == &w->frames[0]) {
		snprintf(buf, size, "%s", w->o.container);
		return;
	}
	ck_der_tag_name(f->elem.tlv.cls, f->elem.tlv.tag, tag, sizeof tag);
	snprintf(buf, size, "%s at byte %lld", tag, (long long)f->elem.offset);
}

static enum ck_der_event next_event(struct ck_der_walker *w, struct ck_der_elem *e);

/* What the content of an OCTET or BIT STRING holds, walked at most
 * max_depth deep. */
enum inner {
	INNER_NOT_DER, /* not an element: shown as bytes */
	INNER_DER,     /* one element, walked */
	INNER_BROKEN,  /* a SEQUENCE or SET header spanning exactly the
			* content, whose inside does not decode */
	INNER_TOO_DEEP, /* DER-looking, but nested past the depth limit */
};

/* A primitive string's content is walked as elements only when it is
 * unmistakably DER: exactly one element without any problem, or exactly
 * one SEQUENCE or SET (a structure, whose values are then checked like
 * any other: a wrong character in a certificate policy's VisibleString
 * is a problem to report, not a reason to show hex).  A SEQUENCE or SET
 * header that spans the content exactly but whose inside breaks is said
 * to be broken, so that the check does not pass it over in silence. */
static enum inner inner_kind(const unsigned char *data, size_t len, unsigned max_depth)
{
	struct ck_der_walk_opts o = { .max_depth = max_depth };
	struct ck_der_walker *w = NULL;
	struct ck_der_elem e;
	struct hdr h;
	bool structure = len >= 2 && (data[0] == 0x30 || data[0] == 0x31);
	bool spans = structure && read_hdr(data, len, &h) == HDR_OK && !h.t.indefinite &&
		     h.t.hdr_len + h.t.len == len;
	enum inner k;

	if (!max_depth)
		return spans ? INNER_TOO_DEEP : INNER_NOT_DER;
	if (ck_der_walker_new(data, len, &o, &w, NULL))
		return INNER_NOT_DER;
	while (next_event(w, &e) != CK_DER_DONE && !w->err.status && w->top_count <= 1 &&
	       (spans || !w->problems))
		;
	if (!w->err.status && w->top_count == 1 && w->done && (!w->problems || spans))
		k = INNER_DER;
	else if (spans)
		k = w->too_deep ? INNER_TOO_DEEP : INNER_BROKEN;
	else
		k = INNER_NOT_DER;
	ck_der_walker_free(w);
	return k;
}

/* SET OF order (X.690 11.6): encodings compared as octet strings, the
 * shorter padded at its end with zeros. */
static bool in_order(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);
	if (c)
		return c < 0;
	for (size_t i = n; i < alen; i++)
		if (a[i])
			return false;
	return true;
}

/* A header that cannot be read: record why (the walk stops). */
static void header_error(struct ck_der_walker *w, enum hdr_status hs, const struct hdr *h)
{
	size_t pos = w->pos, avail = w->frames[w->nframes - 1].end - pos;
	char where[96];

	container_name(w, &w->frames[w->nframes - 1], where, sizeof where);
	switch (hs) {
	case HDR_SHORT:
		fail(w, true, pos, "truncated ASN.1 header at byte %lld (%zu byte%s left in the %s)",
		     at_ll(w, pos), avail, avail == 1 ? "" : "s", where);
		break;
	case HDR_TAG_TRUNCATED:
		fail(w, true, pos, "truncated ASN.1 header at byte %lld (the tag number runs past the end of the %s)",
		     at_ll(w, pos), where);
		break;
	case HDR_TAG_OVERFLOW:
		fail(w, true, pos, "tag number overflow at byte %lld (more than 32 bits)", at_ll(w, pos));
		break;
	case HDR_LEN_MISSING:
		fail(w, true, pos, "truncated ASN.1 header at byte %lld (no length octets before the end of the %s)",
		     at_ll(w, pos), where);
		break;
	case HDR_LEN_TRUNCATED:
		fail(w, true, pos + h->t.tag_len,
		     "truncated DER length at byte %lld (needs %zu length bytes, %zu left in the %s)",
		     at_ll(w, pos + h->t.tag_len), h->len_octets, avail - h->t.tag_len - 1, where);
		break;
	case HDR_LEN_RESERVED:
		fail(w, true, pos + h->t.tag_len, "reserved length octet 0xff at byte %lld",
		     at_ll(w, pos + h->t.tag_len));
		break;
	default:
		break;
	}
}

/* Can the element whose header is h be walked at all?  If not, the
 * reason is recorded and the walk stops. */
static bool usable(struct ck_der_walker *w, enum hdr_status hs, const struct hdr *h)
{
	size_t pos = w->pos;

	if (hs != HDR_OK && hs != HDR_LEN_HUGE) {
		header_error(w, hs, h);
	} else if (h->t.cls == 0 && h->t.tag == 0) {
		if (!h->t.constructed && !h->t.indefinite && h->value == 0)
			fail(w, true, pos, "end-of-contents octets at byte %lld outside an indefinite-length value",
			     at_ll(w, pos));
		else
			fail(w, true, pos, "reserved tag [UNIVERSAL 0] at byte %lld", at_ll(w, pos));
	} else if (h->t.indefinite && !h->t.constructed) {
		fail(w, true, pos + h->t.tag_len, "indefinite length at byte %lld in a primitive value",
		     at_ll(w, pos + h->t.tag_len));
	} else if (w->nframes - 1 >= w->o.max_depth) {
		w->too_deep = !w->err.status;
		fail(w, true, pos, "nesting deeper than %u levels at byte %lld", w->o.max_depth,
		     at_ll(w, pos));
	}
	return !w->stopped;
}

/* The element at w->pos as handed out: its content clamped to what its
 * container holds (a length running past is the error), its problems. */
static void describe(struct ck_der_walker *w, enum hdr_status hs, const struct hdr *h,
		     struct ck_der_elem *e)
{
	struct frame *f = &w->frames[w->nframes - 1];
	size_t pos = w->pos, room = f->end - pos - h->t.hdr_len;
	char where[96];

	memset(e, 0, sizeof *e);
	e->offset = w->o.base + (int64_t)pos;
	e->tlv = h->t;
	e->depth = (unsigned)(w->nframes - 1);
	e->content = w->data + pos + h->t.hdr_len;
	e->content_len = h->t.indefinite ? 0 : h->t.len;
	if (hs == HDR_LEN_HUGE || (!h->t.indefinite && h->t.len > room)) {
		container_name(w, f, where, sizeof where);
		if (hs == HDR_LEN_HUGE && h->value == ULLONG_MAX)
			fail(w, false, pos + h->t.tag_len,
			     "DER length at byte %lld is larger than 2 GiB (%zu length octets; %zu bytes left in the %s)",
			     at_ll(w, pos + h->t.tag_len), h->len_octets, room, where);
		else if (hs == HDR_LEN_HUGE)
			fail(w, false, pos + h->t.tag_len,
			     "DER length at byte %lld is larger than 2 GiB (%llu bytes; %zu left in the %s)",
			     at_ll(w, pos + h->t.tag_len), h->value, room, where);
		else
			fail(w, false, pos + h->t.tag_len,
			     "DER length at byte %lld runs past the end of the %s (content at byte %lld needs %zu bytes, %zu left)",
			     at_ll(w, pos + h->t.tag_len), where, at_ll(w, pos + h->t.hdr_len), h->t.len, room);
		e->tlv.len = h->value > SIZE_MAX ? SIZE_MAX : (size_t)h->value;
		e->content_len = room;
		e->truncated = true;
	}

	if (h->t.indefinite)
		e->problems |= CK_DER_P_INDEFINITE;
	if (h->long_len)
		e->problems |= CK_DER_P_LONG_LENGTH;
	if (h->long_tag)
		e->problems |= CK_DER_P_LONG_TAG;
	if (h->t.cls == 0) {
		e->problems |= form_problems(h->t.tag, h->t.constructed);
		if (!h->t.constructed && !e->truncated)
			e->problems |= value_problems(h->t.tag, e->content, e->content_len);
	}
	if (f->is_set) {
		if (f->has_prev && !h->t.indefinite && !e->truncated &&
		    !in_order(w->data + f->prev_start, f->prev_len, w->data + pos, h->t.hdr_len + h->t.len))
			e->problems |= CK_DER_P_SET_ORDER;
		f->has_prev = !h->t.indefinite && !e->truncated;
		f->prev_start = pos;
		f->prev_len = h->t.hdr_len + e->content_len;
	}
	if (e->depth == 0)
		w->top_count++;
	w->problems |= e->problems;
}

/* Move past the element's header: into its content when it has
 * children (pushing a frame), else past it. */
static void step_in(struct ck_der_walker *w, enum hdr_status hs, struct ck_der_elem *e)
{
	size_t pos = w->pos, hdr = e->tlv.hdr_len, skip;
	struct frame child;

	memset(&child, 0, sizeof child);
	if (hs == HDR_LEN_HUGE) {
		/* a length that absurd says the header is garbage: what
		 * follows is not shown as its content */
		w->pos = pos + hdr + e->content_len;
		return;
	}
	if (e->tlv.constructed) {
		child.end = e->tlv.indefinite ? w->frames[w->nframes - 1].end : pos + hdr + e->content_len;
		child.indefinite = e->tlv.indefinite;
		child.is_set = e->tlv.cls == 0 && e->tlv.tag == CK_TAG_SET;
		e->has_children = true;
		w->pos = pos + hdr;
	} else {
		skip = e->tlv.tag == CK_TAG_BIT_STRING ? 1 : 0;
		w->pos = pos + hdr + e->content_len;
		if (w->o.nested && e->tlv.cls == 0 && !e->truncated &&
		    (e->tlv.tag == CK_TAG_OCTET_STRING ||
		     (e->tlv.tag == CK_TAG_BIT_STRING && e->content_len && e->content[0] == 0)) &&
		    e->content_len >= skip + 2) {
			switch (inner_kind(e->content + skip, e->content_len - skip,
					   w->o.max_depth - e->depth - 1)) {
			case INNER_DER:
				e->encapsulates = e->has_children = true;
				child.end = w->pos;
				w->pos = pos + hdr + skip;
				break;
			case INNER_BROKEN:
				e->unchecked = "its content is a SEQUENCE or SET that does not decode";
				break;
			case INNER_TOO_DEEP:
				e->unchecked = "its content is nested past the depth limit";
				break;
			default:
				break;
			}
		}
	}
	if (!e->has_children)
		return;
	child.elem = *e;
	if (!push(w, &child)) {
		ck_error_set_at(&w->err, CK_E_NOMEM, e->offset, "out of memory");
		w->stopped = true;
		e->has_children = false; /* no LEAVE will come for it */
		e->encapsulates = false;
	}
}

/* Read, check and hand out the element at w->pos. */
static enum ck_der_event enter(struct ck_der_walker *w, struct ck_der_elem *e)
{
	struct frame *f = &w->frames[w->nframes - 1];
	struct hdr h;
	enum hdr_status hs = read_hdr(w->data + w->pos, f->end - w->pos, &h);

	if (!usable(w, hs, &h))
		return next_event(w, e);
	describe(w, hs, &h, e);
	step_in(w, hs, e);
	return CK_DER_ENTER;
}

static enum ck_der_event leave(struct ck_der_walker *w, struct ck_der_elem *e)
{
	*e = w->frames[--w->nframes].elem;
	return CK_DER_LEAVE;
}

static enum ck_der_event next_event(struct ck_der_walker *w, struct ck_der_elem *e)
{
	struct frame *f;
	char where[96];

	if (w->done)
		return CK_DER_DONE;
	if (w->stopped) {
		if (w->nframes > 1)
			return leave(w, e);
		w->done = true;
		return CK_DER_DONE;
	}
	f = &w->frames[w->nframes - 1];
	if (f->indefinite) {
		if (f->end - w->pos >= 2 && w->data[w->pos] == 0 && w->data[w->pos + 1] == 0) {
			w->pos += 2;
			return leave(w, e);
		}
		if (w->pos >= f->end) {
			/* the end it ran into: of the nearest definite container */
			size_t up = w->nframes - 2;
			char tag[48];
			while (up > 0 && w->frames[up].indefinite)
				up--;
			ck_der_tag_name(f->elem.tlv.cls, f->elem.tlv.tag, tag, sizeof tag);
			container_name(w, &w->frames[up], where, sizeof where);
			fail(w, true, (size_t)(f->elem.offset - w->o.base),
			     "indefinite-length %s at byte %lld has no end-of-contents octets before the end of the %s",
			     tag, (long long)f->elem.offset, where);
			return next_event(w, e);
		}
	} else if (w->pos >= f->end) {
		if (w->nframes == 1) {
			w->done = true;
			return CK_DER_DONE;
		}
		return leave(w, e);
	}
	return enter(w, e);
}

enum ck_der_event ck_der_walker_next(struct ck_der_walker *w, struct ck_der_elem *e)
{
	return next_event(w, e);
}

enum ck_status ck_der_locate_error(const unsigned char *data, size_t len,
				   const char *container, struct ck_error *err)
{
	struct ck_der_walk_opts o = { .container = container };
	struct ck_der_walker *w = NULL;
	struct ck_der_elem e;
	enum ck_status rc;

	if (ck_der_walker_new(data, len, &o, &w, err))
		return CK_E_NOMEM;
	if (len == 0)
		fail(w, true, 0, "no data");
	while (ck_der_walker_next(w, &e) != CK_DER_DONE)
		;
	rc = w->err.status;
	if (rc && err) {
		char file[sizeof err->file];
		memcpy(file, err->file, sizeof file);
		*err = w->err;
		memcpy(err->file, file, sizeof file);
	}
	ck_der_walker_free(w);
	return rc;
}

/* ---------------------------------------------------------------- */
/* names and values */

static const char *const universal_names[] = {
	"end-of-contents", "BOOLEAN", "INTEGER", "BIT STRING", "OCTET STRING", "NULL",
	"OBJECT IDENTIFIER", "ObjectDescriptor", "EXTERNAL", "REAL", "ENUMERATED",
	"EMBEDDED PDV", "UTF8String", "RELATIVE-OID", "TIME", NULL, "SEQUENCE", "SET",
	"NumericString", "PrintableString", "TeletexString", "VideotexString", "IA5String",
	"UTCTime", "GeneralizedTime", "GraphicString", "VisibleString", "GeneralString",
	"UniversalString", "CHARACTER STRING", "BMPString", "DATE", "TIME-OF-DAY", "DATE-TIME",
	"DURATION", "OID-IRI", "RELATIVE-OID-IRI",
};

void ck_der_tag_name(unsigned cls, unsigned long tag, char *buf, size_t size)
{
	switch (cls) {
	case ASN1_CLASS_UNIVERSAL:
		if (tag < sizeof universal_names / sizeof universal_names[0] && universal_names[tag])
			snprintf(buf, size, "%s", universal_names[tag]);
		else
			snprintf(buf, size, "[UNIVERSAL %lu]", tag);
		break;
	case ASN1_CLASS_APPLICATION:
		snprintf(buf, size, "[APPLICATION %lu]", tag);
		break;
	case ASN1_CLASS_PRIVATE:
		snprintf(buf, size, "[PRIVATE %lu]", tag);
		break;
	default:
		snprintf(buf, size, "[%lu]", tag);
		break;
	}
}

const char *ck_der_class_name(unsigned cls)
{
	switch (cls) {
	case ASN1_CLASS_UNIVERSAL: return "universal";
	case ASN1_CLASS_APPLICATION: return "application";
	case ASN1_CLASS_PRIVATE: return "private";
	default: return "context";
	}
}

bool ck_der_oid_str(const unsigned char *content, size_t len, char *buf, size_t size)
{
	unsigned char *der;
	int ll = 0, used = 0, ret;

	if (!subids_ok(content, len) || len > 4096 || size > INT_MAX)
		return false;
	der = malloc(len + 8);
	if (!der)
		return false;
	asn1_length_der((unsigned long)len, der, &ll);
	memcpy(der + ll, content, len);
	ret = asn1_get_object_id_der(der, ll + (int)len, &used, buf, (int)size);
	free(der);
	return ret == ASN1_SUCCESS;
}

/* Append code point cp to out (room checked by the caller: 4 bytes). */
static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *ck_der_string_utf8(unsigned long tag, const unsigned char *c, size_t n)
{
	char *out;
	size_t o = 0;

	if (!ck_der_is_string_tag(tag) || n > SIZE_MAX / 4 - 1)
		return NULL;
	out = malloc(n * 4 + 1);
	if (!out)
		return NULL;
	if (tag == CK_TAG_BMP) {
		for (size_t i = 0; i + 1 < n; i += 2) {
			uint32_t u = (uint32_t)c[i] << 8 | c[i + 1];
			if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
				uint32_t lo = (uint32_t)c[i + 2] << 8 | c[i + 3];
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
					i += 2;
				}
			}
			o += put_utf8(out + o, u);
		}
		if (n % 2)
			o += put_utf8(out + o, 0xfffd);
	} else if (tag == 28) { /* UniversalString: UCS-4 */
		for (size_t i = 0; i + 3 < n; i += 4)
			o += put_utf8(out + o, (uint32_t)c[i] << 24 | (uint32_t)c[i + 1] << 16 |
						       (uint32_t)c[i + 2] << 8 | c[i + 3]);
		if (n % 4)
			o += put_utf8(out + o, 0xfffd);
	} else if (tag == 20 || tag == 21) { /* T.61 and Videotex: shown as Latin-1 */
		for (size_t i = 0; i < n; i++)
			o += put_utf8(out + o, c[i]);
	} else {
		for (size_t i = 0; i < n;) {
			size_t k = ck_utf8_seq(c + i, n - i);
			if (!k) {
				o += put_utf8(out + o, 0xfffd);
				i++;
				continue;
			}
			memcpy(out + o, c + i, k);
			o += k;
			i += k;
		}
	}
	out[o] = '\0';
	return out;
}

/* ---------------------------------------------------------------- */
/* libtasn1 trees */

#include <pthread.h>

extern const asn1_static_node ck_pkix_asn1_tab[];

static asn1_node definitions;
static pthread_once_t definitions_once = PTHREAD_ONCE_INIT;

static void build_definitions(void)
{
	char msg[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
	if (asn1_array2tree(ck_pkix_asn1_tab, &definitions, msg) != ASN1_SUCCESS)
		definitions = NULL;
}

asn1_node ck_der_definitions(void)
{
	pthread_once(&definitions_once, build_definitions);
	return definitions;
}

enum ck_status ck_der_decode(const char *type, const unsigned char *data,
			     size_t len, asn1_node *out, struct ck_error *err)
{
	asn1_node defs = ck_der_definitions(), node = NULL;
	char msg[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
	int ret;

	if (!defs)
		return ck_error_set(err, CK_E_INTERNAL, "ASN.1 definitions failed to load");
	if (len > INT_MAX)
		return ck_error_set(err, CK_E_TOO_LARGE, "ASN.1 value too large");
	ret = asn1_create_element(defs, type, &node);
	if (ret != ASN1_SUCCESS)
		return ck_error_set(err, CK_E_INTERNAL, "no ASN.1 type %s", type);
	ret = asn1_der_decoding(&node, data, (int)len, msg);
	if (ret != ASN1_SUCCESS) {
		asn1_delete_structure(&node);
		return ck_error_set(err, CK_E_PARSE, "%s%s%s", asn1_strerror(ret),
				    msg[0] ? ": " : "", msg);
	}
	*out = node;
	return CK_OK;
}

bool ck_der_read_oid(asn1_node node, const char *name, char *buf, size_t size)
{
	int len = (int)size;
	if (asn1_read_value(node, name, buf, &len) != ASN1_SUCCESS || len <= 0)
		return false;
	buf[size - 1] = '\0';
	return true;
}

bool ck_der_read_bytes(asn1_node node, const char *name, unsigned char **out,
		       size_t *len)
{
	int n = 0;
	unsigned char *buf;
	int ret = asn1_read_value(node, name, NULL, &n);

	if (ret != ASN1_MEM_ERROR && ret != ASN1_SUCCESS)
		return false;
	/* one byte more, a NUL: an empty value read back into
	 * asn1_write_value (which takes length 0 as "up to the NUL") is
	 * empty, not a read past the buffer */
	buf = malloc((size_t)(n > 0 ? n : 0) + 1);
	if (!buf)
		return false;
	if (n > 0 && asn1_read_value(node, name, buf, &n) != ASN1_SUCCESS) {
		free(buf);
		return false;
	}
	buf[n > 0 ? n : 0] = '\0';
	*out = buf;
	*len = (size_t)n;
	return true;
}

bool ck_der_read_uint(asn1_node node, const char *name, unsigned long *out)
{
	unsigned char buf[16];
	int n = sizeof buf;
	unsigned long v = 0;

	if (asn1_read_value(node, name, buf, &n) != ASN1_SUCCESS || n <= 0)
		return false;
	if (buf[0] & 0x80)
		return false; /* negative */
	for (int i = 0; i < n; i++) {
		if (v > (ULONG_MAX >> 8))
			return false;
		v = (v << 8) | buf[i];
	}
	*out = v;
	return true;
}

enum ck_status ck_der_octet_string(const unsigned char *data, size_t len,
				   unsigned char **out, size_t *out_len,
				   struct ck_error *err)
{
	unsigned char *str = NULL;
	unsigned str_len = 0, ber_len = 0;
	int ret;

	if (len > INT_MAX)
		return ck_error_set(err, CK_E_TOO_LARGE, "OCTET STRING too large");
	ret = asn1_decode_simple_ber(ASN1_ETYPE_OCTET_STRING, data, (unsigned)len,
				     &str, &str_len, &ber_len);
	if (ret != ASN1_SUCCESS)
		return ck_error_set(err, CK_E_PARSE, "bad OCTET STRING: %s", asn1_strerror(ret));
	*out = str;
	*out_len = str_len;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* encoding */

enum ck_status ck_der_create(const char *type, asn1_node *out, struct ck_error *err)
{
	asn1_node defs = ck_der_definitions();
	if (!defs)
		return ck_error_set(err, CK_E_INTERNAL, "ASN.1 definitions failed to load");
	if (asn1_create_element(defs, type, out) != ASN1_SUCCESS)
		return ck_error_set(err, CK_E_INTERNAL, "no ASN.1 type %s", type);
	return CK_OK;
}

enum ck_status ck_der_encode(asn1_node node, const char *name, unsigned char **out,
			     size_t *len, struct ck_error *err)
{
	char msg[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
	unsigned char *buf;
	int n = 0, ret;

	ret = asn1_der_coding(node, name, NULL, &n, msg);
	if (ret != ASN1_MEM_ERROR)
		return ck_error_set(err, CK_E_INTERNAL, "cannot encode %s: %s%s%s", name,
				    asn1_strerror(ret), msg[0] ? ": " : "", msg);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ret = asn1_der_coding(node, name, buf, &n, msg);
	if (ret != ASN1_SUCCESS) {
		free(buf);
		return ck_error_set(err, CK_E_INTERNAL, "cannot encode %s: %s%s%s", name,
				    asn1_strerror(ret), msg[0] ? ": " : "", msg);
	}
	*out = buf;
	*len = (size_t)n;
	return CK_OK;
}

enum ck_status ck_der_wrap(unsigned etype, const unsigned char *data, size_t len,
			   unsigned char **out, size_t *out_len, struct ck_error *err)
{
	unsigned char tl[ASN1_MAX_TL_SIZE];
	unsigned tl_len = sizeof tl;
	unsigned char *buf;

	if (len > INT_MAX)
		return ck_error_set(err, CK_E_TOO_LARGE, "value too large to encode");
	if (asn1_encode_simple_der(etype, data, (unsigned)len, tl, &tl_len) != ASN1_SUCCESS)
		return ck_error_set(err, CK_E_INTERNAL, "cannot encode a value of type %u", etype);
	buf = malloc(tl_len + len + 1);
	if (!buf)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	memcpy(buf, tl, tl_len);
	if (len)
		memcpy(buf + tl_len, data, len);
	*out = buf;
	*out_len = tl_len + len;
	return CK_OK;
}

enum ck_status ck_der_write(asn1_node node, const char *name, const void *value,
			    size_t len, struct ck_error *err)
{
	int ret;
	if (len > INT_MAX)
		return ck_error_set(err, CK_E_TOO_LARGE, "value too large to encode");
	ret = asn1_write_value(node, name, value, (int)len);
	if (ret != ASN1_SUCCESS)
		return ck_error_set(err, CK_E_INTERNAL, "cannot set %s: %s", name, asn1_strerror(ret));
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* sniffing (for load and key) */

#define OID_PKCS7_DATA "1.2.840.113549.1.7.1"
#define OID_PKCS7_SIGNED "1.2.840.113549.1.7.2"

/* Compare the OID whose content starts after the tag byte at p
 * (length octets first) with a dotted string. */
static bool oid_equals(const unsigned char *p, size_t avail, const char *dotted)
{
	char buf[128];
	int used = 0;

	if (avail > 64)
		avail = 64;
	if (asn1_get_object_id_der(p, (int)avail, &used, buf, sizeof buf) != ASN1_SUCCESS)
		return false;
	return strcmp(buf, dotted) == 0;
}

/* The tags of up to `max` children of the constructed value whose
 * content is d[from..to); returns how many were read. */
static size_t child_tags(const unsigned char *d, size_t from, size_t to, struct ck_tlv *out,
			 size_t max)
{
	size_t n = 0, p = from;
	while (n < max && p < to) {
		if (ck_der_read(d + p, to - p, true, (int64_t)p, &out[n], NULL))
			break;
		if (out[n].indefinite)
			return n + 1;
		p += out[n].hdr_len + out[n].len;
		n++;
	}
	return n;
}

static bool is_time(const struct ck_tlv *t)
{
	return t->cls == 0 && (t->tag == CK_TAG_UTCTIME || t->tag == CK_TAG_GENTIME);
}

/* Certificate, CRL and CSR share SEQUENCE { SEQUENCE, SEQUENCE, BIT
 * STRING }; their "to be signed" parts tell them apart:
 *   certificate: [0] version, ... | serial, algid, issuer, validity SEQUENCE
 *   CRL:         version, algid, issuer, thisUpdate TIME | algid, issuer, TIME
 *   CSR:         version, subject Name, SubjectPublicKeyInfo, [0] attributes
 *                (a v1 certificate without [0] version has a SEQUENCE
 *                validity fourth) */
static enum ck_der_kind sniff_signed(const unsigned char *d, size_t tbs_from, size_t tbs_to)
{
	struct ck_tlv t[4];
	size_t n = child_tags(d, tbs_from, tbs_to, t, 4);

	if (n >= 1 && t[0].cls == 0x80 && t[0].tag == 0)
		return CK_DER_CERT;
	if (n >= 3 && t[0].tag == CK_TAG_SEQUENCE && is_time(&t[2]))
		return CK_DER_CRL;
	if (n >= 4 && t[0].tag == CK_TAG_INTEGER && is_time(&t[3]))
		return CK_DER_CRL;
	if (n >= 3 && t[0].tag == CK_TAG_INTEGER && t[1].tag == CK_TAG_SEQUENCE &&
	    t[2].tag == CK_TAG_SEQUENCE && (n == 3 || (t[3].cls == 0x80 && t[3].tag == 0)))
		return CK_DER_CSR;
	return CK_DER_CERT; /* let the certificate parser say what is wrong */
}

/* Tell DER structures apart from the tags of their first elements. */
enum ck_der_kind ck_der_sniff(const unsigned char *d, size_t len, struct ck_error *err)
{
	struct ck_tlv outer, t[3];
	size_t pos, end, n;

	if (ck_der_read(d, len, true, 0, &outer, err))
		return CK_DER_UNKNOWN;
	if (outer.tag != CK_TAG_SEQUENCE || !outer.constructed) {
		ck_error_set_at(err, CK_E_PARSE, 0, "not DER: the data does not start with a SEQUENCE");
		return CK_DER_UNKNOWN;
	}
	pos = outer.hdr_len;
	end = outer.indefinite ? len : outer.hdr_len + outer.len;
	n = child_tags(d, pos, end, t, 3);
	if (n == 0) {
		/* say why the first element cannot be read */
		ck_der_read(d + pos, end - pos, true, (int64_t)pos, &t[0], err);
		if (!err || !err->status)
			ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "empty SEQUENCE");
		return CK_DER_UNKNOWN;
	}
	if (t[0].tag == CK_TAG_OID && t[0].cls == 0) {
		if (oid_equals(d + pos + 1, end - pos - 1, OID_PKCS7_SIGNED))
			return CK_DER_PKCS7;
		ck_error_set_at(err, CK_E_UNSUPPORTED, (int64_t)pos,
				"PKCS#7/CMS content other than SignedData is not a certificate bundle");
		return CK_DER_UNKNOWN;
	}
	if (t[0].tag == CK_TAG_INTEGER && n >= 2) {
		size_t p1 = pos + t[0].hdr_len + t[0].len;
		unsigned char v = t[0].len == 1 ? d[pos + t[0].hdr_len] : 0xff;
		struct ck_tlv in;
		if (t[1].tag == CK_TAG_INTEGER)
			return CK_DER_KEY; /* PKCS#1 RSA or DSA */
		if (t[1].tag == CK_TAG_OCTET_STRING)
			return CK_DER_KEY; /* SEC1 EC key */
		if (t[1].tag != CK_TAG_SEQUENCE)
			return CK_DER_UNKNOWN;
		/* PFX: version, ContentInfo { OID pkcs7-..., ... } */
		if (!t[1].indefinite || t[1].constructed) {
			size_t p2 = p1 + t[1].hdr_len;
			if (!ck_der_read(d + p2, end - p2, true, (int64_t)p2, &in, NULL) &&
			    in.tag == CK_TAG_OID &&
			    (oid_equals(d + p2 + 1, end - p2 - 1, OID_PKCS7_DATA) ||
			     oid_equals(d + p2 + 1, end - p2 - 1, OID_PKCS7_SIGNED)))
				return CK_DER_PKCS12;
		}
		if (n >= 3 && t[2].tag == CK_TAG_OCTET_STRING)
			return CK_DER_PKCS8_KEY;
		return v == 3 ? CK_DER_PKCS12 : CK_DER_UNKNOWN;
	}
	if (t[0].tag == CK_TAG_SEQUENCE && t[0].constructed && n >= 2) {
		if (t[1].tag == CK_TAG_OCTET_STRING)
			return CK_DER_ENCRYPTED_KEY;
		if (t[1].tag == CK_TAG_SEQUENCE && (n < 3 || t[2].tag == CK_TAG_BIT_STRING)) {
			size_t tbs_from = pos + t[0].hdr_len;
			return sniff_signed(d, tbs_from, tbs_from + t[0].len);
		}
	}
	return CK_DER_UNKNOWN;
}
