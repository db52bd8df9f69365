/* fuzz-base64 — load's detector of unarmoured base64 and what it
 * decodes to (sniffed again as DER: certificate, PKCS#7, PKCS#12, key).
 *
 * The detector is static in load.c.  Flag 0x04 feeds the text as it is
 * (prefixed with a space when it would sniff as DER, PEM or JKS, so
 * that only the base64 path can take it); without it, the data is
 * base64-encoded here first, wrapped at a width taken from the input,
 * so that arbitrary DER reaches the decoder behind the detector.
 *
 * Input: the fuzz.h header, [flag 0x04 clear: a width byte], the data. */
#include "config.h"

#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of d[0..n) with a line break every `width` characters (0:
 * none), CRLF when `crlf`. */
static unsigned char *encode(const uint8_t *d, size_t n, unsigned width, bool crlf, size_t *len)
{
	size_t cap = (n + 2) / 3 * 4 * 3 + 9, o = 0, col = 0;
	unsigned char *out = malloc(cap);

	if (!out)
		abort();
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) |
			     (i + 2 < n ? d[i + 2] : 0);
		char q[4] = { b64[v >> 18], b64[(v >> 12) & 63], i + 1 < n ? b64[(v >> 6) & 63] : '=',
			      i + 2 < n ? b64[v & 63] : '=' };
		for (int k = 0; k < 4; k++) {
			out[o++] = (unsigned char)q[k];
			if (width && ++col == width) {
				if (crlf)
					out[o++] = '\r';
				out[o++] = '\n';
				col = 0;
			}
		}
	}
	*len = o;
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
	unsigned char *text = NULL;
	size_t len = 0;
	enum ck_status rc;

	if (flags & 0x04) {
		if (memmem(f.p, f.n, "-----BEGIN ", 11))
			goto out; /* the PEM path: fuzz-pem's */
		text = malloc(f.n + 1);
		if (!text)
			abort();
		text[0] = ' ';
		memcpy(text + 1, f.p, f.n);
		len = f.n + 1;
	} else {
		uint8_t w = fz_u8(&f);
		text = encode(f.p, f.n, (w & 0x7f) * 4u, (w & 0x80) != 0, &len);
		if (len && text[0] == '0') { /* 0x30 would sniff as DER */
			memmove(text + 1, text, len);
			text[0] = '\n';
			len++;
		}
	}
	ck_error_clear(&err);
	rc = ck_bundle_load_mem(text, len, "fuzz-input.b64", &o, &b, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK)
		fz_check_bundle(b);
	ck_bundle_free(b);
out:
	free(text);
	fz_pw_cleanup(&pw);
	return 0;
}
