/* revocation — CRL and OCSP checks with GnuTLS.
 *
 * Nothing here touches the network: the bytes come from net.  Times are
 * judged against the caller's `at`, never the clock, so GnuTLS's own
 * date verdicts (superseded, issued in the future) are masked out of its
 * signature checks and decided here. */
#include "config.h"

#include "revocation.h"

#include <gnutls/gnutls.h>
#include <gnutls/ocsp.h>
#include <gnutls/x509.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OID_DELTA_CRL_INDICATOR "2.5.29.27"

static void note_set(char *note, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note_set(char *note, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (!note || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(note, len, fmt, ap);
	va_end(ap);
	ck_text_oneline(note);
}

static void fmt_time(time_t t, char buf[32])
{
	ck_time_format(t, buf);
}

static int import_crt(const struct ck_cert *c, gnutls_x509_crt_t *out)
{
	gnutls_datum_t d = { c->der, (unsigned)c->der_len };
	int ret = gnutls_x509_crt_init(out);
	if (ret < 0)
		return ret;
	ret = gnutls_x509_crt_import(*out, &d, GNUTLS_X509_FMT_DER);
	if (ret < 0) {
		gnutls_x509_crt_deinit(*out);
		*out = NULL;
	}
	return ret;
}

/* Only the signature's verdict: GnuTLS's date and "invalid" summary
 * bits are not about the signature. */
static bool signature_failed(unsigned verify)
{
	unsigned dates = GNUTLS_CERT_INVALID | GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
			 GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE | GNUTLS_CERT_EXPIRED |
			 GNUTLS_CERT_NOT_ACTIVATED;
	return (verify & ~dates) != 0 || verify == GNUTLS_CERT_INVALID;
}

/* ---------------------------------------------------------------- */
/* CRL */

void ck_crl_info_cleanup(struct ck_crl_info *info)
{
	if (!info)
		return;
	free(info->issuer);
	free(info->number);
	memset(info, 0, sizeof *info);
}

static bool crl_is_delta(gnutls_x509_crl_t crl)
{
	for (unsigned i = 0;; i++) {
		char oid[128];
		size_t size = sizeof oid;
		unsigned critical;
		if (gnutls_x509_crl_get_extension_info(crl, i, oid, &size, &critical) < 0)
			return false;
		if (!strcmp(oid, OID_DELTA_CRL_INDICATOR))
			return true;
	}
}

/* Is the certificate's serial on the CRL?  Fills entries/listed. */
static int crl_scan(gnutls_x509_crl_t crl, const struct ck_cert *cert, struct ck_crl_info *info)
{
	gnutls_x509_crl_iter_t it = NULL;
	int ret;

	for (;;) {
		unsigned char serial[128];
		size_t size = sizeof serial;
		time_t t;
		char *hex;
		ret = gnutls_x509_crl_iter_crt_serial(crl, &it, serial, &size, &t);
		if (ret < 0)
			break;
		info->entries++;
		hex = ck_hex(serial, size);
		if (!hex) {
			ret = GNUTLS_E_MEMORY_ERROR;
			break;
		}
		if (!info->listed && !strcmp(hex, cert->serial)) {
			info->listed = true;
			info->revoked_at = t;
		}
		free(hex);
	}
	gnutls_x509_crl_iter_deinit(it);
	return ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? 0 : ret;
}

static bool crl_issuer(gnutls_x509_crl_t crl, const struct ck_cert *cert, struct ck_crl_info *info)
{
	gnutls_datum_t raw = { NULL, 0 }, dn = { NULL, 0 };
	bool same = false;

	if (gnutls_x509_crl_get_raw_issuer_dn(crl, &raw) >= 0) {
		struct ck_span s = cert->issuer_raw;
		same = raw.size == s.len && !memcmp(raw.data, ck_cert_span(cert, s), s.len);
		gnutls_free(raw.data);
	}
	if (gnutls_x509_crl_get_issuer_dn3(crl, &dn, 0) >= 0) {
		info->issuer = ck_dn_clean(dn.data, dn.size);
		if (!same && info->issuer && cert->issuer)
			same = !strcmp(info->issuer, cert->issuer);
		gnutls_free(dn.data);
	}
	return same;
}

static int crl_signature(gnutls_x509_crl_t crl, const struct ck_cert *issuer)
{
	gnutls_x509_crt_t ca = NULL;
	unsigned verify = 0;
	int ret;

	if (!issuer)
		return -1;
	if (import_crt(issuer, &ca) < 0)
		return 0;
	ret = gnutls_x509_crl_verify(crl, &ca, 1,
				     GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 |
					     GNUTLS_VERIFY_ALLOW_BROKEN,
				     &verify);
	gnutls_x509_crt_deinit(ca);
	return ret >= 0 && !signature_failed(verify);
}

static int crl_import(gnutls_x509_crl_t crl, const unsigned char *data, size_t len,
		      struct ck_crl_info *info)
{
	gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
	if (gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_DER) >= 0) {
		info->format = "der";
		return 0;
	}
	if (gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_PEM) >= 0) {
		info->format = "pem";
		return 0;
	}
	return -1;
}

enum ck_url_result ck_crl_check(const unsigned char *data, size_t len, const struct ck_cert *cert,
				const struct ck_cert *issuer, time_t at, unsigned warn_hours,
				struct ck_crl_info *info, char *note, size_t notelen)
{
	gnutls_x509_crl_t crl = NULL;
	enum ck_url_result r = CK_URL_OK;
	unsigned char num[64];
	size_t numlen = sizeof num;
	char t1[32], t2[32];

	memset(info, 0, sizeof *info);
	info->signature = -1;
	info->next_update = (time_t)-1;
	note_set(note, notelen, "%s", "");
	if (len > UINT32_MAX || gnutls_x509_crl_init(&crl) < 0) {
		note_set(note, notelen, "out of memory");
		return CK_URL_BAD_CONTENT;
	}
	if (crl_import(crl, data, len, info) < 0) {
		note_set(note, notelen, "not a CRL (neither DER nor PEM)");
		r = CK_URL_BAD_CONTENT;
		goto out;
	}
	info->issuer_matches = crl_issuer(crl, cert, info);
	info->this_update = gnutls_x509_crl_get_this_update(crl);
	info->next_update = gnutls_x509_crl_get_next_update(crl);
	info->delta = crl_is_delta(crl);
	if (gnutls_x509_crl_get_number(crl, num, &numlen, NULL) >= 0)
		info->number = ck_hex(num, numlen);
	if (crl_scan(crl, cert, info) < 0) {
		note_set(note, notelen, "the CRL's entries could not be read");
		r = CK_URL_BAD_CONTENT;
		goto out;
	}
	info->signature = crl_signature(crl, issuer);
	fmt_time(info->next_update, t2);
	if (!info->issuer_matches) {
		note_set(note, notelen, "CRL of %s, not of the certificate's issuer %s",
			 info->issuer ? info->issuer : "?", cert->issuer);
		r = CK_URL_WRONG_ISSUER;
	} else if (info->signature == 0) {
		note_set(note, notelen, "the CRL's signature does not verify with the issuer's key");
		r = CK_URL_WRONG_ISSUER;
	} else if (info->listed) {
		fmt_time(info->revoked_at, t1);
		note_set(note, notelen, "serial %s is listed: revoked since %s", cert->serial, t1);
		r = CK_URL_REVOKED;
	} else if (info->next_update != (time_t)-1 && info->next_update < at) {
		note_set(note, notelen, "nextUpdate %s has passed", t2);
		r = CK_URL_STALE;
	} else if (info->this_update > at) {
		fmt_time(info->this_update, t1);
		note_set(note, notelen, "thisUpdate %s is in the future", t1);
		r = CK_URL_BAD_CONTENT;
	} else {
		if (info->next_update != (time_t)-1 &&
		    info->next_update - at < (time_t)warn_hours * 3600)
			info->warning = true;
		note_set(note, notelen, "%s%sCRL, %zu entr%s, serial not listed, next update %s%s",
			 info->warning ? "warning: next update soon; " : "",
			 info->delta ? "delta " : "", info->entries, info->entries == 1 ? "y" : "ies",
			 info->next_update == (time_t)-1 ? "none" : t2,
			 info->signature < 0 ? " (signature not checked: issuer unknown)" : "");
	}
out:
	gnutls_x509_crl_deinit(crl);
	return r;
}

/* ---------------------------------------------------------------- */
/* OCSP */

void ck_ocsp_info_cleanup(struct ck_ocsp_info *info)
{
	if (!info)
		return;
	free(info->responder);
	memset(info, 0, sizeof *info);
}

enum ck_status ck_ocsp_request(const struct ck_cert *cert, const struct ck_cert *issuer,
			       unsigned char **der, size_t *len, struct ck_error *err)
{
	gnutls_ocsp_req_t req = NULL;
	gnutls_x509_crt_t c = NULL, i = NULL;
	gnutls_datum_t d = { NULL, 0 };
	enum ck_status rc = CK_OK;
	int ret;

	if ((ret = import_crt(cert, &c)) < 0 || (ret = import_crt(issuer, &i)) < 0 ||
	    (ret = gnutls_ocsp_req_init(&req)) < 0 ||
	    (ret = gnutls_ocsp_req_add_cert(req, GNUTLS_DIG_SHA1, i, c)) < 0 ||
	    (ret = gnutls_ocsp_req_export(req, &d)) < 0) {
		rc = ck_error_set(err, CK_E_INTERNAL, "cannot build the OCSP request: %s",
				  gnutls_strerror(ret));
		goto out;
	}
	*der = malloc(d.size);
	if (!*der) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*der, d.data, d.size);
	*len = d.size;
out:
	gnutls_free(d.data);
	if (req)
		gnutls_ocsp_req_deinit(req);
	if (c)
		gnutls_x509_crt_deinit(c);
	if (i)
		gnutls_x509_crt_deinit(i);
	return rc;
}

char *ck_ocsp_get_url(const char *base, const unsigned char *der, size_t len)
{
	gnutls_datum_t in = { (unsigned char *)der, (unsigned)len }, b64 = { NULL, 0 };
	size_t blen = strlen(base), o;
	bool slash = blen && base[blen - 1] == '/';
	char *url;

	if (gnutls_base64_encode2(&in, &b64) < 0)
		return NULL;
	url = malloc(blen + 1 + b64.size * 3 + 1);
	if (url) {
		memcpy(url, base, blen);
		o = blen;
		if (!slash)
			url[o++] = '/';
		/* RFC 6960 A.1: base64 then URL-encoding; only '+', '/'
		 * and '=' need escaping in base64 text */
		for (unsigned k = 0; k < b64.size; k++) {
			char ch = (char)b64.data[k];
			const char *esc = ch == '+' ? "%2B" : ch == '/' ? "%2F" : ch == '=' ? "%3D" : NULL;
			if (esc) {
				memcpy(url + o, esc, 3);
				o += 3;
			} else if (ch != '\n' && ch != '\r') {
				url[o++] = ch;
			}
		}
		url[o] = '\0';
	}
	gnutls_free(b64.data);
	return url;
}

static const char *resp_status_name(int s)
{
	switch (s) {
	case GNUTLS_OCSP_RESP_SUCCESSFUL: return "successful";
	case GNUTLS_OCSP_RESP_MALFORMEDREQUEST: return "malformedRequest";
	case GNUTLS_OCSP_RESP_INTERNALERROR: return "internalError";
	case GNUTLS_OCSP_RESP_TRYLATER: return "tryLater";
	case GNUTLS_OCSP_RESP_SIGREQUIRED: return "sigRequired";
	case GNUTLS_OCSP_RESP_UNAUTHORIZED: return "unauthorized";
	default: return "unknown";
	}
}

static const char *reason_name(unsigned r)
{
	static const char *const names[] = {
		"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
		"superseded", "cessationOfOperation", "certificateHold", "unused",
		"removeFromCRL", "privilegeWithdrawn", "aACompromise",
	};
	return r < sizeof names / sizeof names[0] ? names[r] : "unknown";
}

static void ocsp_responder(gnutls_ocsp_resp_t resp, struct ck_ocsp_info *info)
{
	gnutls_datum_t d = { NULL, 0 };
	if (gnutls_ocsp_resp_get_responder2(resp, &d, 0) >= 0 && d.data) {
		info->responder = ck_dn_clean(d.data, d.size);
		gnutls_free(d.data);
		return;
	}
	gnutls_free(d.data);
	d.data = NULL;
	if (gnutls_ocsp_resp_get_responder_raw_id(resp, GNUTLS_OCSP_RESP_ID_KEY, &d) >= 0) {
		char *hex = ck_hex(d.data, d.size);
		if (hex && asprintf(&info->responder, "key id %s", hex) < 0)
			info->responder = NULL;
		free(hex);
		gnutls_free(d.data);
	}
}

static int ocsp_signature(gnutls_ocsp_resp_t resp, const struct ck_cert *issuer)
{
	gnutls_x509_crt_t ca = NULL;
	unsigned verify = 0;
	int ret;

	if (!issuer)
		return -1;
	if (import_crt(issuer, &ca) < 0)
		return 0;
	ret = gnutls_ocsp_resp_verify_direct(resp, ca, &verify, 0);
	gnutls_x509_crt_deinit(ca);
	return ret >= 0 && verify == 0;
}

/* Read the single response; 0 on success. */
static int ocsp_single(gnutls_ocsp_resp_t resp, const struct ck_cert *cert, struct ck_ocsp_info *info)
{
	gnutls_x509_crt_t c = NULL;
	unsigned status = 0, reason = 0;
	time_t revoked = (time_t)-1;
	int ret = gnutls_ocsp_resp_get_single(resp, 0, NULL, NULL, NULL, NULL, &status,
					      &info->this_update, &info->next_update, &revoked,
					      &reason);
	if (ret < 0)
		return ret;
	if (import_crt(cert, &c) >= 0) {
		info->for_certificate = gnutls_ocsp_resp_check_crt(resp, 0, c) >= 0;
		gnutls_x509_crt_deinit(c);
	}
	info->cert_status = status == GNUTLS_OCSP_CERT_GOOD ? "good" :
			    status == GNUTLS_OCSP_CERT_REVOKED ? "revoked" : "unknown";
	if (status == GNUTLS_OCSP_CERT_REVOKED) {
		info->revoked_at = revoked;
		info->revocation_reason = reason_name(reason);
	}
	return 0;
}

enum ck_url_result ck_ocsp_check(const unsigned char *data, size_t len, const struct ck_cert *cert,
				 const struct ck_cert *issuer, time_t at, unsigned warn_hours,
				 struct ck_ocsp_info *info, char *note, size_t notelen)
{
	gnutls_ocsp_resp_t resp = NULL;
	gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
	enum ck_url_result r = CK_URL_OK;
	char t1[32], t2[32], t3[32];
	int status;

	memset(info, 0, sizeof *info);
	info->signature = -1;
	info->next_update = info->revoked_at = (time_t)-1;
	note_set(note, notelen, "%s", "");
	if (len > UINT32_MAX || gnutls_ocsp_resp_init(&resp) < 0) {
		note_set(note, notelen, "out of memory");
		return CK_URL_BAD_CONTENT;
	}
	if (gnutls_ocsp_resp_import(resp, &d) < 0) {
		note_set(note, notelen, "not an OCSP response");
		r = CK_URL_BAD_CONTENT;
		goto out;
	}
	status = gnutls_ocsp_resp_get_status(resp);
	info->response_status = resp_status_name(status);
	if (status != GNUTLS_OCSP_RESP_SUCCESSFUL) {
		note_set(note, notelen, "the responder answered %s", info->response_status);
		r = CK_URL_BAD_CONTENT;
		goto out;
	}
	info->produced_at = gnutls_ocsp_resp_get_produced(resp);
	ocsp_responder(resp, info);
	if (ocsp_single(resp, cert, info) < 0) {
		note_set(note, notelen, "the response holds no certificate status");
		r = CK_URL_BAD_CONTENT;
		goto out;
	}
	info->signature = ocsp_signature(resp, issuer);
	fmt_time(info->produced_at, t1);
	fmt_time(info->next_update, t2);
	if (!info->for_certificate) {
		note_set(note, notelen, "the response is about another certificate");
		r = CK_URL_BAD_CONTENT;
	} else if (info->signature == 0) {
		note_set(note, notelen, "the response is not signed by the issuer or a responder it authorised (%s)",
			 info->responder ? info->responder : "?");
		r = CK_URL_WRONG_ISSUER;
	} else if (!strcmp(info->cert_status, "revoked")) {
		fmt_time(info->revoked_at, t3);
		note_set(note, notelen, "revoked since %s (%s), produced %s", t3,
			 info->revocation_reason, t1);
		r = CK_URL_REVOKED;
	} else if (!strcmp(info->cert_status, "unknown")) {
		note_set(note, notelen, "status unknown: the responder does not know this certificate");
		r = CK_URL_BAD_CONTENT;
	} else if (info->next_update != (time_t)-1 && info->next_update < at) {
		note_set(note, notelen, "nextUpdate %s has passed", t2);
		r = CK_URL_STALE;
	} else if (info->this_update > at + 300) {
		fmt_time(info->this_update, t3);
		note_set(note, notelen, "thisUpdate %s is in the future", t3);
		r = CK_URL_BAD_CONTENT;
	} else {
		if (info->next_update != (time_t)-1 &&
		    info->next_update - at < (time_t)warn_hours * 3600)
			info->warning = true;
		note_set(note, notelen, "%sgood, produced %s%s%s%s",
			 info->warning ? "warning: next update soon; " : "", t1,
			 info->next_update == (time_t)-1 ? "" : ", next update ",
			 info->next_update == (time_t)-1 ? "" : t2,
			 info->signature < 0 ? " (signature not checked: issuer unknown)" : "");
	}
out:
	gnutls_ocsp_resp_deinit(resp);
	return r;
}
