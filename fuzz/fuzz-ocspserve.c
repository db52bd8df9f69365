/* fuzz-ocspserve — aiaserve's OCSP responder over a client's bytes:
 * ck_ocspserve_answer() for a POSTed request, ck_ocspserve_decode_get()
 * then the answer for a GET's base64, and ck_ocspserve_add_index() over
 * an index.txt.  The responder answers for int-ca (its key, its CRL).
 * Every answer must be an OCSPResponse GnuTLS reads back; a successful
 * one must verify with int-ca's certificate and carry as many single
 * responses as the request named; an index refused must say why on one
 * line.
 *
 * Input: a byte of flags (0x01 stale, 0x02 revoked, 0x04 the rest is a
 * GET's base64 text, 0x08 the rest is an index.txt), then the rest. */
#include "config.h"

#include "fuzz.h"

#include "libcore/ocspserve.h"

#include <gnutls/ocsp.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

static struct ck_ocspserve *responder;
static const struct ck_cert *ca;
static gnutls_x509_crt_t ca_crt;
static struct ck_key *ca_key;

static void setup(void)
{
	size_t len = 0;
	const unsigned char *k = fz_fixture("pki/int-ca.key", &len), *crl;
	struct ck_error err;
	gnutls_datum_t d;

	ck_error_clear(&err);
	ca = fz_fixture_cert("pki/int-ca.der");
	if (ck_key_parse(k, len, true, NULL, &ca_key, &err) || ck_ocspserve_new(&responder) ||
	    ck_ocspserve_add_ca(responder, ca, ca_key, NULL, &err))
		fz_fail("cannot set the responder up: %s", err.what);
	crl = fz_fixture("pki/int-ca.crl", &len);
	if (ck_ocspserve_add_crl(responder, ca, crl, len, &err))
		fz_fail("cannot add int-ca's CRL: %s", err.what);
	d.data = (unsigned char *)ca->der;
	d.size = (unsigned)ca->der_len;
	if (gnutls_x509_crt_init(&ca_crt) < 0 || gnutls_x509_crt_import(ca_crt, &d, GNUTLS_X509_FMT_DER) < 0)
		fz_fail("cannot import int-ca");
}

static void check_answer(const unsigned char *req, size_t len, uint8_t flags)
{
	struct ck_ocspserve_opts o = { .now = 1893456000, .validity = 86400, .stale = flags & 1,
				       .revoked = flags & 2, .revoked_at = 1893450000 };
	struct ck_ocspserve_result res;
	unsigned char *out = NULL;
	size_t out_len = 0;
	struct ck_error err;
	gnutls_ocsp_resp_t resp = NULL;
	gnutls_datum_t d;
	int rc;

	ck_error_clear(&err);
	rc = ck_ocspserve_answer(responder, req, len, &o, &out, &out_len, &res, &err);
	fz_assert_error(rc, &err);
	if (rc) {
		if (rc != CK_E_NOMEM)
			fz_fail("ck_ocspserve_answer failed: %s", err.what);
		return;
	}
	d.data = out;
	d.size = (unsigned)out_len;
	if (gnutls_ocsp_resp_init(&resp) < 0 || gnutls_ocsp_resp_import(resp, &d) < 0)
		fz_fail("the answer is not an OCSPResponse GnuTLS reads");
	if (!res.response_status)
		fz_fail("no response status");
	if (!strcmp(res.response_status, "successful")) {
		unsigned verify = 1;
		int n = 0;
		if (gnutls_ocsp_resp_get_status(resp) != GNUTLS_OCSP_RESP_SUCCESSFUL)
			fz_fail("successful, says the result; not the answer");
		if (gnutls_ocsp_resp_verify_direct(resp, ca_crt, &verify, 0) < 0 || verify)
			fz_fail("the answer does not verify with int-ca (%u)", verify);
		for (;; n++) {
			gnutls_datum_t serial = { NULL, 0 };
			/* with no output at all, GnuTLS reads nothing and says yes */
			if (gnutls_ocsp_resp_get_single(resp, (unsigned)n, NULL, NULL, NULL, &serial, NULL,
							NULL, NULL, NULL, NULL) < 0)
				break;
			gnutls_free(serial.data);
		}
		if ((unsigned)n != res.nrequests || !res.cert_status)
			fz_fail("%d single responses for %u requests", n, res.nrequests);
	} else if (out_len != 5) {
		fz_fail("a %s answer of %zu bytes", res.response_status, out_len);
	}
	gnutls_ocsp_resp_deinit(resp);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t flags = fz_u8(&f);

	if (!responder)
		setup();
	if (flags & 8) {
		struct ck_ocspserve *r = NULL;
		struct ck_error err;
		int rc;
		ck_error_clear(&err);
		if (ck_ocspserve_new(&r) || ck_ocspserve_add_ca(r, ca, ca_key, NULL, &err))
			fz_fail("cannot set a responder up");
		rc = ck_ocspserve_add_index(r, ca, (const char *)f.p, f.n, &err);
		fz_assert_error(rc, &err);
		if (rc && rc != CK_E_PARSE && rc != CK_E_NOMEM)
			fz_fail("ck_ocspserve_add_index gave %d", rc);
		ck_ocspserve_free(r);
	} else if (flags & 4) {
		char *text = malloc(f.n + 1);
		unsigned char *der = NULL;
		size_t len = 0;
		if (!text)
			return 0;
		memcpy(text, f.p, f.n);
		text[f.n] = '\0';
		if (ck_ocspserve_decode_get(text, &der, &len))
			check_answer(der, len, flags);
		free(der);
		free(text);
	} else {
		check_answer(f.p, f.n, flags);
	}
	return 0;
}
