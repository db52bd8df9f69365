/* fuzz-pem — the PEM splitter of load: blocks found in text, BEGIN/END
 * matching, RFC 1421 headers, base64 bodies, labels (certificates,
 * PKCS#7, keys plain and encrypted, skipped ones), text around them.
 *
 * The splitter is static in load.c; the input is shaped so that
 * ck_bundle_load_mem() takes the PEM path: text without a "-----BEGIN "
 * marker is armoured as a CERTIFICATE block (flag 0x04: as a PRIVATE
 * KEY, 0x08: as a PKCS7), and text that would sniff as a Java keystore
 * is prefixed with a newline.
 *
 * Input: the fuzz.h header, then the text. */
#include "config.h"

#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static const char *label(uint8_t flags)
{
	if (flags & 0x04)
		return "PRIVATE KEY";
	if (flags & 0x08)
		return "PKCS7";
	return "CERTIFICATE";
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

	if (memmem(f.p, f.n, "-----BEGIN ", 11)) {
		text = malloc(f.n + 1);
		if (!text)
			abort();
		text[0] = '\n'; /* never a JKS magic, never a UTF-8 BOM */
		memcpy(text + 1, f.p, f.n);
		len = f.n + 1;
	} else {
		const char *l = label(flags);
		size_t ll = strlen(l);
		text = malloc(f.n + 2 * ll + 64);
		if (!text)
			abort();
		len = (size_t)sprintf((char *)text, "-----BEGIN %s-----\n", l);
		memcpy(text + len, f.p, f.n);
		len += f.n;
		len += (size_t)sprintf((char *)text + len, "\n-----END %s-----\n", l);
	}
	ck_error_clear(&err);
	rc = ck_bundle_load_mem(text, len, "fuzz-input.pem", &o, &b, &err);
	fz_assert_error(rc, &err);
	if (rc == CK_OK)
		fz_check_bundle(b);
	ck_bundle_free(b);
	free(text);
	fz_pw_cleanup(&pw);
	return 0;
}
