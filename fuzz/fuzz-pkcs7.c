/* fuzz-pkcs7 — PKCS#7/CMS SignedData as load reads it (GnuTLS's
 * decoder, then every certificate through ck_cert_from_der; CRLs
 * counted and skipped).
 *
 * load_pkcs7() is static in load.c; the input is shaped so that load
 * reaches it: the data is the SignedData, wrapped here in a ContentInfo
 * { signedData, [0] EXPLICIT data } in DER (flag 0x04: with indefinite
 * lengths, as BER writers do; flag 0x08: and then armoured as a PEM
 * "PKCS7" block).
 *
 * Input: the fuzz.h header, then the SignedData. */
#include "config.h"

#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

/* DER length octets of n into p; returns how many. */
static size_t der_len(unsigned char *p, size_t n)
{
	unsigned char tmp[8];
	size_t k = 0;

	if (n < 0x80) {
		p[0] = (unsigned char)n;
		return 1;
	}
	while (n) {
		tmp[k++] = n & 0xff;
		n >>= 8;
	}
	p[0] = (unsigned char)(0x80 | k);
	for (size_t i = 0; i < k; i++)
		p[1 + i] = tmp[k - 1 - i];
	return k + 1;
}

static const unsigned char oid_signed[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
					    0x0d, 0x01, 0x07, 0x02 };

static unsigned char *wrap(const uint8_t *d, size_t n, bool ber, size_t *out_len)
{
	unsigned char *out = malloc(n + 64), inner[16], outer[16];
	size_t il, ol, o = 0, body;

	if (!out)
		abort();
	if (ber) {
		out[o++] = 0x30;
		out[o++] = 0x80;
		memcpy(out + o, oid_signed, sizeof oid_signed);
		o += sizeof oid_signed;
		out[o++] = 0xa0;
		out[o++] = 0x80;
		memcpy(out + o, d, n);
		o += n;
		memset(out + o, 0, 4);
		o += 4;
	} else {
		il = der_len(inner, n);
		body = sizeof oid_signed + 1 + il + n;
		ol = der_len(outer, body);
		out[o++] = 0x30;
		memcpy(out + o, outer, ol);
		o += ol;
		memcpy(out + o, oid_signed, sizeof oid_signed);
		o += sizeof oid_signed;
		out[o++] = 0xa0;
		memcpy(out + o, inner, il);
		o += il;
		memcpy(out + o, d, n);
		o += n;
	}
	*out_len = o;
	return out;
}

static unsigned char *armour(const unsigned char *d, size_t n, size_t *out_len)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char *out = malloc(n * 2 + 64);
	size_t o;

	if (!out)
		abort();
	o = (size_t)sprintf((char *)out, "-----BEGIN PKCS7-----\n");
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) |
			     (i + 2 < n ? d[i + 2] : 0);
		out[o++] = (unsigned char)b64[v >> 18];
		out[o++] = (unsigned char)b64[(v >> 12) & 63];
		out[o++] = (unsigned char)(i + 1 < n ? b64[(v >> 6) & 63] : '=');
		out[o++] = (unsigned char)(i + 2 < n ? b64[v & 63] : '=');
		if ((i / 3) % 16 == 15)
			out[o++] = '\n';
	}
	o += (size_t)sprintf((char *)out + o, "\n-----END PKCS7-----\n");
	*out_len = o;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	uint8_t flags = fz_header(&f, &pw);
	struct ck_load_opts o = { .password = &pw.pw };
	struct ck_bundle *b = NULL;
	struct ck_error err;
	unsigned char *der, *input;
	size_t der_len_ = 0, len = 0;
	enum ck_status rc;

	der = wrap(f.p, f.n, (flags & 0x04) != 0, &der_len_);
	if (flags & 0x08) {
		input = armour(der, der_len_, &len);
		free(der);
	} else {
		input = der;
		len = der_len_;
	}
	ck_error_clear(&err);
	rc = ck_bundle_load_mem(input, len, "fuzz-input.p7b", &o, &b, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK)
		fz_check_bundle(b);
	ck_bundle_free(b);
	free(input);
	fz_pw_cleanup(&pw);
	return 0;
}
