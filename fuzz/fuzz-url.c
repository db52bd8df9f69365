/* fuzz-url — aiacheck's URL handling on arbitrary strings: syntax
 * validation and classification (ck_url_validate, with libcurl's URL
 * parser behind it), trimming, curl's NOPROXY matching (ck_net_no_proxy,
 * hand-written CIDR and suffix rules) and the OCSP GET form
 * (ck_ocsp_get_url).
 *
 * Input: a scheme mask byte, then the URL, a NUL, a NOPROXY list, a
 * NUL, and the bytes of an OCSP request. */
#include "config.h"

#include "fuzz.h"

#include "libcore/net.h"
#include "libcore/revocation.h"

#include <stdlib.h>
#include <string.h>

/* The next NUL-terminated piece of the input, as a new string. */
static char *piece(struct fz *f)
{
	const uint8_t *nul = memchr(f->p, 0, f->n);
	size_t n = nul ? (size_t)(nul - f->p) : f->n;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, f->p, n);
	s[n] = '\0';
	f->p += nul ? n + 1 : n;
	f->n -= nul ? n + 1 : n;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	unsigned schemes = fz_u8(&f) & 0x0f;
	char *url = piece(&f), *list = piece(&f), *t, *get;
	char why[128];
	enum ck_url_result r;

	r = ck_url_validate(url, schemes, why, sizeof why);
	if (r != CK_URL_OK && r != CK_URL_MALFORMED && r != CK_URL_UNSUPPORTED_SCHEME)
		fz_fail("ck_url_validate gave class %d", (int)r);
	if (r != CK_URL_OK)
		fz_assert_line("the reason a URL is refused", why);
	ck_url_result_name(r);
	ck_url_validate(url, schemes, NULL, 0);
	ck_url_validate(url, schemes, why, 1);
	t = ck_url_trimmed(url);
	if (t) {
		size_t n = strlen(t);
		if (n && (t[0] == ' ' || t[n - 1] == ' '))
			fz_fail("ck_url_trimmed left white space: '%s'", t);
		free(t);
	}
	ck_net_no_proxy(url, list);
	get = ck_ocsp_get_url(url, f.p, f.n);
	if (!get)
		fz_fail("ck_ocsp_get_url returned NULL");
	free(get);
	free(url);
	free(list);
	return 0;
}
