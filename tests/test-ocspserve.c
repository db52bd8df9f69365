/* ocspserve: answers to requests made by revocation.c's ck_ocsp_request
 * and checked by its ck_ocsp_check (GnuTLS's OCSP reader), for the
 * fixture PKI: good, revoked from the CRL and from an index, unknown,
 * stale, malformed and unauthorized answers, and what add_ca refuses. */
#include "config.h"

#include "libcore/ocspserve.h"
#include "libcore/der.h"
#include "libcore/revocation.h"
#include "unit.h"

#define NOW 1893456000 /* 2030-01-01 */

static struct ck_key *fx_key(const char *rel)
{
	size_t len = 0;
	unsigned char *d = fx_read(rel, &len);
	struct ck_key *k = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_key_parse(d, len, true, NULL, &k, &e), CK_OK, "%s: %s", rel, e.what);
	free(d);
	return k;
}

/* A responder for int-ca, signed by its key, with its CRL. */
struct fx {
	struct ck_ocspserve *r;
	struct ck_cert *ca;
	struct ck_key *key;
};

static void fx_setup(struct fx *f, bool with_crl)
{
	struct ck_error e;
	size_t len = 0;
	unsigned char *crl;

	ck_error_clear(&e);
	f->ca = fx_cert("pki/int-ca.der");
	f->key = fx_key("pki/int-ca.key");
	cr_assert_eq(ck_ocspserve_new(&f->r), CK_OK);
	cr_assert_eq(ck_ocspserve_add_ca(f->r, f->ca, f->key, NULL, &e), CK_OK, "%s", e.what);
	if (!with_crl)
		return;
	crl = fx_read("pki/int-ca.crl", &len);
	cr_assert_eq(ck_ocspserve_add_crl(f->r, f->ca, crl, len, &e), CK_OK, "%s", e.what);
	free(crl);
}

static void fx_teardown(struct fx *f)
{
	ck_ocspserve_free(f->r);
	ck_cert_free(f->ca);
	ck_key_free(f->key);
}

/* Ask about `leaf` (issued by `issuer`), check the answer as of NOW. */
static enum ck_url_result ask(struct fx *f, const char *leaf, const char *issuer,
			      const struct ck_ocspserve_opts *o, struct ck_ocsp_info *info,
			      struct ck_ocspserve_result *res)
{
	struct ck_cert *c = fx_cert(leaf), *i = fx_cert(issuer);
	unsigned char *req = NULL, *resp = NULL;
	size_t rlen = 0, plen = 0;
	struct ck_error e;
	char note[400];
	enum ck_url_result u;

	ck_error_clear(&e);
	cr_assert_eq(ck_ocsp_request(c, i, &req, &rlen, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_ocspserve_answer(f->r, req, rlen, o, &resp, &plen, res, &e), CK_OK, "%s", e.what);
	u = ck_ocsp_check(resp, plen, c, i, NOW, 0, info, note, sizeof note);
	free(req);
	free(resp);
	ck_cert_free(c);
	ck_cert_free(i);
	return u;
}

static const struct ck_ocspserve_opts fresh = { .now = NOW, .validity = 86400 };

Test(ocspserve, good_signed_by_the_ca)
{
	struct fx f;
	struct ck_ocsp_info info;
	struct ck_ocspserve_result res;

	fx_setup(&f, true);
	cr_assert_eq(ask(&f, "pki/client.der", "pki/int-ca.der", &fresh, &info, &res), CK_URL_OK);
	cr_assert_str_eq(info.response_status, "successful");
	cr_assert_str_eq(info.cert_status, "good");
	cr_assert(info.for_certificate);
	cr_assert_eq(info.signature, 1);
	cr_assert_eq(info.this_update, NOW);
	cr_assert_eq(info.next_update, NOW + 86400);
	cr_assert_str_eq(res.cert_status, "good");
	cr_assert_str_eq(res.serial, "2fc0602a8f16f568c2c6cfc4c2620a973b08f758");
	cr_assert_eq(res.nrequests, 1);
	ck_ocsp_info_cleanup(&info);
	fx_teardown(&f);
}

Test(ocspserve, revoked_from_the_crl)
{
	struct fx f;
	struct ck_ocsp_info info;
	struct ck_ocspserve_result res;

	fx_setup(&f, true);
	ask(&f, "pki/revoked-leaf.der", "pki/int-ca.der", &fresh, &info, &res);
	cr_assert_str_eq(info.cert_status, "revoked");
	cr_assert_eq(info.signature, 1);
	cr_assert_eq(info.revoked_at, 1609459200); /* 2021-01-01 */
	cr_assert_str_eq(info.revocation_reason, "keyCompromise");
	ck_ocsp_info_cleanup(&info);
	fx_teardown(&f);
}

Test(ocspserve, good_without_the_crl)
{
	struct fx f;
	struct ck_ocsp_info info;
	struct ck_ocspserve_result res;

	fx_setup(&f, false);
	ask(&f, "pki/revoked-leaf.der", "pki/int-ca.der", &fresh, &info, &res);
	cr_assert_str_eq(info.cert_status, "good");
	ck_ocsp_info_cleanup(&info);
	fx_teardown(&f);
}

Test(ocspserve, revoked_from_an_index)
{
	static const char index[] =
		"V\t20700101000000Z\t\t46B63C3BE15CD2947D06A8B34A64DBF64266B0F0\tunknown\t/CN=r\n"
		"R\t20700101000000Z\t220301120000Z,superseded\t2FC0602A8F16F568C2C6CFC4C2620A973B08F758"
		"\tunknown\t/CN=c\r\n"
		"\n";
	struct fx f;
	struct ck_ocsp_info info;
	struct ck_ocspserve_result res;
	struct ck_error e;

	fx_setup(&f, false);
	ck_error_clear(&e);
	cr_assert_eq(ck_ocspserve_add_index(f.r, f.ca, index, strlen(index), &e), CK_OK, "%s", e.what);
	ask(&f, "pki/client.der", "pki/int-ca.der", &fresh, &info, &res);
	cr_assert_str_eq(info.cert_status, "revoked");
	cr_assert_eq(info.revoked_at, 1646136000); /* 2022-03-01T12:00:00Z */
	cr_assert_str_eq(info.revocation_reason, "superseded");
	ck_ocsp_info_cleanup(&info);
	ask(&f, "pki/revoked-leaf.der", "pki/int-ca.der", &fresh, &info, &res);
	cr_assert_str_eq(info.cert_status, "good");
	ck_ocsp_info_cleanup(&info);
	fx_teardown(&f);
}

Test(ocspserve, index_errors_name_the_line)
{
	static const struct {
		const char *text, *what;
	} bad[] = {
		{ "V\t1\t\t01\n", "line 1: not an index.txt line" },
		{ "V\tx\t\t01\tf\ts\nX\tx\t\t01\tf\ts\n", "line 2: not an index.txt line" },
		{ "V\tx\t\tZZ\tf\ts\n", "line 1: the serial 'ZZ' is not hexadecimal" },
		{ "R\tx\t2201\t01\tf\ts\n", "line 1: the revocation time" },
		{ "R\tx\t220101000000Z,nonsense\t01\tf\ts\n", "line 1: unknown revocation reason" },
	};
	struct fx f;

	fx_setup(&f, false);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct ck_error e;
		ck_error_clear(&e);
		cr_assert_eq(ck_ocspserve_add_index(f.r, f.ca, bad[i].text, strlen(bad[i].text), &e),
			     CK_E_PARSE, "case %zu", i);
		cr_assert(strstr(e.what, bad[i].what), "case %zu: %s", i, e.what);
	}
	fx_teardown(&f);
}

Test(ocspserve, another_issuer_is_unknown)
{
	struct fx f;
	struct ck_ocsp_info info;
	struct ck_ocspserve_result res;

	fx_setup(&f, true);
	ask(&f, "pki/other-leaf.der", "pki/other-root.der", &fresh, &info, &res);
	cr_assert_str_eq(info.response_status, "successful");
	cr_assert_str_eq(info.cert_status, "unknown");
	cr_assert_str_eq(res.cert_status, "unknown");
	ck_ocsp_info_cleanup(&info);
	fx_teardown(&f);
}

Test(ocspserve, stale_and_revoked_faults)
{
	struct fx f;
	struct ck_ocsp_info info;
	struct ck_ocspserve_result res;
	struct ck_ocspserve_opts stale = { .now = NOW, .validity = 86400, .stale = true };
	struct ck_ocspserve_opts revoked = { .now = NOW, .validity = 86400, .revoked = true,
					     .revoked_at = NOW - 3600 };

	fx_setup(&f, true);
	cr_assert_neq(ask(&f, "pki/client.der", "pki/int-ca.der", &stale, &info, &res), CK_URL_OK);
	cr_assert_eq(info.next_update, NOW - 86400);
	cr_assert_eq(info.this_update, NOW - 2 * 86400);
	ck_ocsp_info_cleanup(&info);
	ask(&f, "pki/client.der", "pki/int-ca.der", &revoked, &info, &res);
	cr_assert_str_eq(info.cert_status, "revoked");
	cr_assert_eq(info.revoked_at, NOW - 3600);
	cr_assert_eq(info.signature, 1);
	ck_ocsp_info_cleanup(&info);
	/* an entry of the CRL keeps its own time and reason */
	ask(&f, "pki/revoked-leaf.der", "pki/int-ca.der", &revoked, &info, &res);
	cr_assert_eq(info.revoked_at, 1609459200);
	cr_assert_str_eq(info.revocation_reason, "keyCompromise");
	ck_ocsp_info_cleanup(&info);
	fx_teardown(&f);
}

Test(ocspserve, malformed_and_unauthorized)
{
	static const unsigned char malformed[] = { 0x30, 0x03, 0x0a, 0x01, 0x01 };
	static const unsigned char unauthorized[] = { 0x30, 0x03, 0x0a, 0x01, 0x06 };
	struct fx f;
	struct ck_ocspserve *empty = NULL;
	struct ck_ocspserve_result res;
	struct ck_cert *c = fx_cert("pki/client.der"), *i = fx_cert("pki/int-ca.der");
	unsigned char *req = NULL, *out = NULL;
	size_t rlen = 0, olen = 0;
	struct ck_error e;

	fx_setup(&f, false);
	ck_error_clear(&e);
	cr_assert_eq(ck_ocspserve_answer(f.r, (const unsigned char *)"junk", 4, &fresh, &out, &olen, &res, &e),
		     CK_OK);
	cr_assert_eq(olen, sizeof malformed);
	cr_assert_arr_eq(out, malformed, olen);
	cr_assert_str_eq(res.response_status, "malformedRequest");
	free(out);
	cr_assert_eq(ck_ocsp_request(c, i, &req, &rlen, &e), CK_OK);
	cr_assert_eq(ck_ocspserve_new(&empty), CK_OK);
	cr_assert_eq(ck_ocspserve_answer(empty, req, rlen, &fresh, &out, &olen, &res, &e), CK_OK);
	cr_assert_eq(olen, sizeof unauthorized);
	cr_assert_arr_eq(out, unauthorized, olen);
	free(out);
	/* a request cut short */
	cr_assert_eq(ck_ocspserve_answer(f.r, req, rlen - 1, &fresh, &out, &olen, &res, &e), CK_OK);
	cr_assert_arr_eq(out, malformed, sizeof malformed);
	free(out);
	free(req);
	ck_ocspserve_free(empty);
	ck_cert_free(c);
	ck_cert_free(i);
	fx_teardown(&f);
}

Test(ocspserve, add_ca_refuses)
{
	struct ck_ocspserve *r = NULL;
	struct ck_cert *ca = fx_cert("pki/int-ca.der"), *client = fx_cert("pki/client.der");
	struct ck_key *ca_key = fx_key("pki/int-ca.key"), *client_key = fx_key("pki/client.key");
	struct ck_error e;

	cr_assert_eq(ck_ocspserve_new(&r), CK_OK);
	ck_error_clear(&e);
	cr_assert_eq(ck_ocspserve_add_ca(r, ca, client_key, NULL, &e), CK_E_USAGE);
	cr_assert(strstr(e.what, "the key is not the key of"), "%s", e.what);
	ck_error_clear(&e);
	cr_assert_eq(ck_ocspserve_add_ca(r, ca, client_key, client, &e), CK_E_USAGE);
	cr_assert(strstr(e.what, "lacks id-kp-OCSPSigning"), "%s", e.what);
	ck_error_clear(&e);
	cr_assert_eq(ck_ocspserve_add_ca(r, ca, ca_key, NULL, &e), CK_OK, "%s", e.what);
	cr_assert(ck_ocspserve_has_ca(r, ca));
	cr_assert(!ck_ocspserve_has_ca(r, client));
	cr_assert_eq(ck_ocspserve_add_ca(r, ca, ca_key, NULL, &e), CK_E_USAGE);
	cr_assert_eq(ck_ocspserve_add_crl(r, client, (const unsigned char *)"x", 1, &e), CK_E_USAGE);
	ck_ocspserve_free(r);
	ck_cert_free(ca);
	ck_cert_free(client);
	ck_key_free(ca_key);
	ck_key_free(client_key);
}

Test(ocspserve, decode_get)
{
	unsigned char *out = NULL;
	size_t len = 0;

	cr_assert(ck_ocspserve_decode_get("MAMKAQE=", &out, &len));
	cr_assert_eq(len, 5);
	cr_assert_eq(out[4], 1);
	free(out);
	cr_assert(!ck_ocspserve_decode_get("", &out, &len));
	cr_assert(!ck_ocspserve_decode_get("nope.crt", &out, &len));
}

/* DER tag (one octet) and length of content, appended to buf at *n */
static void put_tlv(unsigned char *buf, size_t *n, unsigned char tag, const void *content, size_t len)
{
	int k = 0;
	buf[(*n)++] = tag;
	asn1_length_der((unsigned long)len, buf + *n, &k);
	*n += (size_t)k;
	memcpy(buf + *n, content, len);
	*n += len;
}

/* The request of `c` by `i` with a nonce extension whose extnValue is
 * `v` (vlen bytes): TBSRequest's content and [2] { Extensions } put
 * together by hand (GnuTLS's writer always wraps a nonce in an OCTET
 * STRING of its own, and libtasn1 drops an absent OPTIONAL's node). */
static unsigned char *request_with_nonce(struct ck_cert *c, struct ck_cert *i, const void *v,
					 size_t vlen, size_t *len)
{
	static const unsigned char nonce_oid[] = { 0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02 };
	unsigned char *req = NULL, *tbs, ext[64], exts[80], ctx[96], body[1024], *out = malloc(1100);
	size_t rlen = 0, n = 0, ne = 0, nx = 0, nc = 0, nb = 0;
	long tlen;
	int k = 0;
	struct ck_error e;

	ck_error_clear(&e);
	cr_assert_not_null(out);
	cr_assert_eq(ck_ocsp_request(c, i, &req, &rlen, &e), CK_OK, "%s", e.what);
	/* OCSPRequest: 30 L { TBSRequest: 30 L content } */
	cr_assert(asn1_get_length_der(req + 1, (int)rlen - 1, &k) > 0);
	tbs = req + 1 + k;
	tlen = asn1_get_length_der(tbs + 1, (int)(rlen - (size_t)(tbs + 1 - req)), &k);
	cr_assert(tlen > 0 && (size_t)tlen + 200 < sizeof body);
	memcpy(ext, nonce_oid, sizeof nonce_oid);
	ne = sizeof nonce_oid;
	put_tlv(ext, &ne, 0x04, v, vlen);              /* extnValue */
	put_tlv(exts, &nx, 0x30, ext, ne);             /* Extension */
	put_tlv(ctx, &nc, 0x30, exts, nx);             /* Extensions */
	memcpy(body, tbs + 1 + k, (size_t)tlen);
	nb = (size_t)tlen;
	put_tlv(body, &nb, 0xa2, ctx, nc);             /* [2] EXPLICIT */
	{
		unsigned char tbs2[1100];
		size_t nt = 0;
		put_tlv(tbs2, &nt, 0x30, body, nb);     /* TBSRequest */
		put_tlv(out, &n, 0x30, tbs2, nt);       /* OCSPRequest */
	}
	*len = n;
	free(req);
	return out;
}

/* RFC 8954: a nonce of 1 to 32 octets is echoed; an empty one (whose
 * echo read past a buffer) or a longer one is a malformed request. */
Test(ocspserve, nonce_sizes)
{
	static const unsigned char ok16[18] = { 0x04, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	unsigned char big[35] = { 0x04, 0x21 };
	struct { const void *v; size_t len; const char *status; } cases[] = {
		{ ok16, sizeof ok16, "successful" },
		{ "", 0, "malformedRequest" },
		{ big, sizeof big, "malformedRequest" },
	};
	struct fx f;
	struct ck_cert *c = fx_cert("pki/client.der"), *i = fx_cert("pki/int-ca.der");
	struct ck_ocspserve_result res;
	struct ck_error e;

	fx_setup(&f, false);
	ck_error_clear(&e);
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		size_t len = 0, olen = 0;
		unsigned char *req = request_with_nonce(c, i, cases[k].v, cases[k].len, &len), *out = NULL;
		cr_assert_eq(ck_ocspserve_answer(f.r, req, len, &fresh, &out, &olen, &res, &e), CK_OK,
			     "%s", e.what);
		cr_assert_str_eq(res.response_status, cases[k].status, "case %zu", k);
		if (k == 0) /* the nonce's bytes are in the signed answer */
			cr_assert_not_null(memmem(out, olen, ok16, sizeof ok16));
		free(out);
		free(req);
	}
	ck_cert_free(c);
	ck_cert_free(i);
	fx_teardown(&f);
}
