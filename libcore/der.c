/* der — TLV headers on top of libtasn1's asn1_get_tag_der() and
 * asn1_get_length_ber().  Every length is checked against what is left
 * before anyone indexes with it. */
#include "config.h"

#include "der.h"

#include <libtasn1.h>
#include <limits.h>

enum ck_status ck_der_read(const unsigned char *p, size_t avail, bool allow_ber,
			   int64_t base, struct ck_tlv *out, struct ck_error *err)
{
	unsigned char cls;
	int tag_len = 0, len_len = 0;
	unsigned long tag;
	long len;
	int iavail = avail > INT_MAX ? INT_MAX : (int)avail;

	if (avail < 2)
		return ck_error_set_at(err, CK_E_PARSE, base,
				       "truncated ASN.1 header at byte %lld (%zu byte%s left)",
				       (long long)base, avail, avail == 1 ? "" : "s");
	if (asn1_get_tag_der(p, iavail, &cls, &tag_len, &tag) != ASN1_SUCCESS)
		return ck_error_set_at(err, CK_E_PARSE, base,
				       "bad ASN.1 tag at byte %lld", (long long)base);
	if ((size_t)tag_len >= avail)
		return ck_error_set_at(err, CK_E_PARSE, base,
				       "truncated ASN.1 header at byte %lld", (long long)base);

	out->cls = cls & ~ASN1_CLASS_STRUCTURED;
	out->constructed = (cls & ASN1_CLASS_STRUCTURED) != 0;
	out->tag = tag;
	out->indefinite = false;

	if (p[tag_len] == 0x80) {
		if (!allow_ber || !out->constructed)
			return ck_error_set_at(err, CK_E_PARSE, base + tag_len,
					       "indefinite length at byte %lld%s",
					       (long long)(base + tag_len),
					       out->constructed ? " (BER, not DER)" :
								  " in a primitive value");
		out->indefinite = true;
		out->hdr_len = (size_t)tag_len + 1;
		out->len = 0;
		return CK_OK;
	}

	/* Make sure every length octet is present, then let libtasn1 decode
	 * the value without comparing it with the buffer, so that an overlong
	 * length can be reported with the numbers. */
	if ((p[tag_len] & 0x80) && (size_t)(p[tag_len] & 0x7f) + 1 > avail - tag_len)
		return ck_error_set_at(err, CK_E_PARSE, base + tag_len,
				       "truncated DER length at byte %lld",
				       (long long)(base + tag_len));
	len = asn1_get_length_der(p + tag_len, INT_MAX, &len_len);
	if (len == -2 || (len >= 0 && (unsigned long)len > (unsigned long)INT_MAX - 16))
		return ck_error_set_at(err, CK_E_PARSE, base + tag_len,
				       "DER length at byte %lld is larger than 2 GiB (%zu bytes left)",
				       (long long)(base + tag_len),
				       avail - tag_len - (size_t)(len_len > 0 ? len_len : 1));
	if (len < 0 || len_len <= 0)
		return ck_error_set_at(err, CK_E_PARSE, base + tag_len,
				       "malformed DER length at byte %lld",
				       (long long)(base + tag_len));
	out->hdr_len = (size_t)tag_len + (size_t)len_len;
	out->len = (size_t)len;
	if (out->len > avail - out->hdr_len)
		return ck_error_set_at(err, CK_E_PARSE, base + tag_len,
				       "DER length at byte %lld runs past the end of the data (needs %zu bytes, %zu left)",
				       (long long)(base + tag_len), out->len,
				       avail - out->hdr_len);
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* libtasn1 trees */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf)
		return false;
	if (n > 0 && asn1_read_value(node, name, buf, &n) != ASN1_SUCCESS) {
		free(buf);
		return false;
	}
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
