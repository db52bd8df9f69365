/* revocation — CRL and OCSP checks with GnuTLS.
 *
 * Nothing here touches the network: the bytes come from net.  Times are
 * judged against the caller's `at`, never the clock, so GnuTLS's own
 * date verdicts (superseded, issued in the future) are masked out of its
 * signature checks and decided here. */
#include "config.h"

#include "revocation.h"

#include "der.h"
#include "dn.h"

#include <gnutls/abstract.h>
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

/* A CRL as ck_crl_check reads it.  GnuTLS decodes a CRL into one
 * libtasn1 node per element: about 800 bytes of memory per revoked
 * entry, 38 times the body (issue 31: 884 MB for a 23 MB CRL of a
 * million entries).  So a CRL whose list of revoked certificates is
 * large is imported without that list (the TBSCertList re-encoded
 * without it): GnuTLS reads everything else, and the entries are walked
 * here in place (no library walks a SEQUENCE OF without decoding it
 * whole), and the signature is verified over the original
 * TBSCertList's bytes.  Small CRLs are imported whole, as before (the
 * threshold is low enough for the fuzz-crl harness to reach both). */
#define CRL_LEAN_MIN (16u * 1024) /* bytes of revokedCertificates */

struct crl_doc {
	gnutls_x509_crl_t crl;       /* the whole CRL, or the CRL without its entries */
	const unsigned char *der;    /* the CRL's DER (data, or the decoded PEM) */
	size_t len;
	unsigned char *pem_der;      /* gnutls_free: the decoded PEM */
	const unsigned char *tbs;    /* lean: the original TBSCertList, header included */
	size_t tbs_len;
	const unsigned char *entries; /* lean: the content of revokedCertificates */
	size_t entries_len;
};

static void crl_doc_free(struct crl_doc *d)
{
	if (d->crl)
		gnutls_x509_crl_deinit(d->crl);
	gnutls_free(d->pem_der);
	memset(d, 0, sizeof *d);
}

static size_t der_len_octets(size_t n)
{
	size_t k = 1;
	if (n >= 128)
		for (size_t v = n; v; v >>= 8)
			k++;
	return k;
}

static unsigned char *der_put_header(unsigned char *p, unsigned char tag, size_t n)
{
	size_t k = der_len_octets(n);
	*p++ = tag;
	if (k == 1) {
		*p++ = (unsigned char)n;
		return p;
	}
	*p++ = (unsigned char)(0x80 | (k - 1));
	for (size_t i = k - 1; i-- > 0;)
		*p++ = (unsigned char)(n >> (8 * i));
	return p;
}

/* Find TBSCertList and its revokedCertificates in d->der; false when
 * the DER is not shaped like a CRL (GnuTLS then gives the verdict). */
static bool crl_locate(struct crl_doc *d, size_t *rev_off, size_t *rev_len)
{
	struct ck_tlv outer, tbs, e;
	struct ck_error err;
	size_t off, end;
	int n = 0;

	if (ck_der_read(d->der, d->len, false, 0, &outer, &err) || outer.tag != CK_TAG_SEQUENCE ||
	    outer.hdr_len + outer.len != d->len)
		return false;
	off = outer.hdr_len;
	if (ck_der_read(d->der + off, d->len - off, false, off, &tbs, &err) ||
	    tbs.tag != CK_TAG_SEQUENCE)
		return false;
	d->tbs = d->der + off;
	d->tbs_len = tbs.hdr_len + tbs.len;
	end = off + d->tbs_len;
	/* version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates? */
	for (off += tbs.hdr_len; off < end; off += e.hdr_len + e.len) {
		if (ck_der_read(d->der + off, end - off, false, off, &e, &err))
			return false;
		if (e.cls == ASN1_CLASS_UNIVERSAL && (e.tag == CK_TAG_UTCTIME || e.tag == CK_TAG_GENTIME))
			n++;
		else if (n && e.cls == ASN1_CLASS_UNIVERSAL && e.tag == CK_TAG_SEQUENCE) {
			*rev_off = off;
			*rev_len = e.hdr_len + e.len;
			d->entries = d->der + off + e.hdr_len;
			d->entries_len = e.len;
			return true;
		}
	}
	return false;
}

/* The CRL re-encoded without revokedCertificates, imported. */
static int crl_import_lean(struct crl_doc *d, size_t rev_off, size_t rev_len)
{
	size_t tbs_off = (size_t)(d->tbs - d->der), tail_off = tbs_off + d->tbs_len;
	size_t tbs_hdr, body_before, body_after, tbs_content, outer_content, total;
	struct ck_tlv h;
	struct ck_error err;
	unsigned char *buf, *p;
	int ret;

	if (ck_der_read(d->tbs, d->tbs_len, false, 0, &h, &err))
		return -1;
	tbs_hdr = h.hdr_len;
	body_before = rev_off - (tbs_off + tbs_hdr);
	body_after = tail_off - (rev_off + rev_len);
	tbs_content = body_before + body_after;
	outer_content = 1 + der_len_octets(tbs_content) + tbs_content + (d->len - tail_off);
	total = 1 + der_len_octets(outer_content) + outer_content;
	if (!(buf = malloc(total)))
		return GNUTLS_E_MEMORY_ERROR;
	p = der_put_header(buf, 0x30, outer_content);
	p = der_put_header(p, 0x30, tbs_content);
	memcpy(p, d->tbs + tbs_hdr, body_before);
	p += body_before;
	memcpy(p, d->der + rev_off + rev_len, body_after);
	p += body_after;
	memcpy(p, d->der + tail_off, d->len - tail_off);
	{
		gnutls_datum_t dd = { buf, (unsigned)total };
		ret = gnutls_x509_crl_import(d->crl, &dd, GNUTLS_X509_FMT_DER);
	}
	free(buf);
	return ret;
}

/* Read `data` (DER or PEM) into d; -1 when it is not a CRL. */
static int crl_open(const unsigned char *data, size_t len, struct crl_doc *d,
		    struct ck_crl_info *info)
{
	size_t rev_off = 0, rev_len = 0;
	gnutls_datum_t in = { (unsigned char *)data, (unsigned)len };

	memset(d, 0, sizeof *d);
	if (gnutls_x509_crl_init(&d->crl) < 0)
		return -1;
	info->format = "der";
	d->der = data;
	d->len = len;
	if (!len || data[0] != 0x30) {
		gnutls_datum_t out = { NULL, 0 };
		if (gnutls_pem_base64_decode2("X509 CRL", &in, &out) < 0)
			return -1;
		info->format = "pem";
		d->pem_der = out.data;
		d->der = out.data;
		d->len = out.size;
	}
	if (crl_locate(d, &rev_off, &rev_len) && d->entries_len >= CRL_LEAN_MIN) {
		if (crl_import_lean(d, rev_off, rev_len) >= 0)
			return 0;
		return -1;
	}
	d->tbs = NULL;
	d->entries = NULL;
	{
		gnutls_datum_t dd = { (unsigned char *)d->der, (unsigned)d->len };
		return gnutls_x509_crl_import(d->crl, &dd, GNUTLS_X509_FMT_DER) >= 0 ? 0 : -1;
	}
}

static void crl_match(struct ck_crl_info *info, const struct ck_cert *cert,
		      const unsigned char *serial, size_t size, time_t t)
{
	char *hex;
	info->entries++;
	if (info->listed || !(hex = ck_hex(serial, size)))
		return;
	if (!strcmp(hex, cert->serial)) {
		info->listed = true;
		info->revoked_at = t;
	}
	free(hex);
}

/* Is the certificate's serial on the CRL?  Fills entries/listed. */
static int crl_scan(const struct crl_doc *d, const struct ck_cert *cert, struct ck_crl_info *info)
{
	gnutls_x509_crl_iter_t it = NULL;
	int ret;

	if (d->entries) { /* lean: SEQUENCE { userCertificate, revocationDate, ... } each */
		struct ck_error err;
		for (size_t off = 0; off < d->entries_len;) {
			struct ck_tlv e, ser, when;
			const unsigned char *p = d->entries + off;
			time_t t;
			if (ck_der_read(p, d->entries_len - off, false, 0, &e, &err) ||
			    e.tag != CK_TAG_SEQUENCE ||
			    ck_der_read(p + e.hdr_len, e.len, false, 0, &ser, &err) ||
			    ser.tag != CK_TAG_INTEGER || !ser.len ||
			    ck_der_read(p + e.hdr_len + ser.hdr_len + ser.len,
					e.len - ser.hdr_len - ser.len, false, 0, &when, &err) ||
			    !ck_der_time(when.tag,
					 p + e.hdr_len + ser.hdr_len + ser.len + when.hdr_len, when.len,
					 &t))
				return GNUTLS_E_ASN1_DER_ERROR;
			crl_match(info, cert, p + e.hdr_len + ser.hdr_len, ser.len, t);
			off += e.hdr_len + e.len;
		}
		return 0;
	}
	for (;;) {
		unsigned char serial[128];
		size_t size = sizeof serial;
		time_t t;
		ret = gnutls_x509_crl_iter_crt_serial(d->crl, &it, serial, &size, &t);
		if (ret < 0)
			break;
		crl_match(info, cert, serial, size, t);
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

/* lean: the signature over the original TBSCertList, with what GnuTLS's
 * CRL verification also requires of the signer (a CA, cRLSign). */
static int crl_signature_lean(const struct crl_doc *d, const struct ck_cert *issuer)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t cd = { issuer->der, (unsigned)issuer->der_len };
	gnutls_datum_t tbs = { (unsigned char *)d->tbs, (unsigned)d->tbs_len };
	gnutls_datum_t sig = { NULL, 0 };
	size_t size = 0;
	int algo = gnutls_x509_crl_get_signature_algorithm(d->crl), ok = 0;

	gnutls_datum_t raw = { NULL, 0 };
	bool named;

	if (!issuer->ca || (issuer->has_key_usage && !(issuer->key_usage & GNUTLS_KEY_CRL_SIGN)) ||
	    algo <= 0 || gnutls_x509_crl_get_raw_issuer_dn(d->crl, &raw) < 0)
		return 0;
	named = ck_dn_equal(raw.data, raw.size, ck_cert_span(issuer, issuer->subject_raw),
			    issuer->subject_raw.len);
	gnutls_free(raw.data);
	if (!named)
		return 0;
	if (gnutls_x509_crl_get_signature(d->crl, NULL, &size) != GNUTLS_E_SHORT_MEMORY_BUFFER ||
	    !(sig.data = malloc(size ? size : 1)) ||
	    gnutls_x509_crl_get_signature(d->crl, (char *)sig.data, &size) < 0)
		goto out;
	sig.size = (unsigned)size;
	if (gnutls_pubkey_init(&pub) < 0 ||
	    gnutls_pubkey_import_x509_raw(pub, &cd, GNUTLS_X509_FMT_DER, 0) < 0)
		goto out;
	ok = gnutls_pubkey_verify_data2(pub, (gnutls_sign_algorithm_t)algo,
					GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 | GNUTLS_VERIFY_ALLOW_BROKEN,
					&tbs, &sig) >= 0;
out:
	gnutls_pubkey_deinit(pub);
	free(sig.data);
	return ok;
}

static int crl_signature(const struct crl_doc *d, const struct ck_cert *issuer)
{
	gnutls_x509_crt_t ca = NULL;
	unsigned verify = 0;
	int ret;

	if (!issuer)
		return -1;
	if (d->entries)
		return crl_signature_lean(d, issuer);
	if (import_crt(issuer, &ca) < 0)
		return 0;
	ret = gnutls_x509_crl_verify(d->crl, &ca, 1,
				     GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 |
					     GNUTLS_VERIFY_ALLOW_BROKEN,
				     &verify);
	gnutls_x509_crt_deinit(ca);
	return ret >= 0 && !signature_failed(verify);
}

enum ck_url_result ck_crl_check(const unsigned char *data, size_t len, const struct ck_cert *cert,
				const struct ck_cert *issuer, time_t at, unsigned warn_hours,
				struct ck_crl_info *info, char *note, size_t notelen)
{
	struct crl_doc d;
	enum ck_url_result r = CK_URL_OK;
	unsigned char num[64];
	size_t numlen = sizeof num;
	char t1[32], t2[32];

	memset(info, 0, sizeof *info);
	info->signature = -1;
	info->next_update = (time_t)-1;
	note_set(note, notelen, "%s", "");
	memset(&d, 0, sizeof d);
	if (len > UINT32_MAX || crl_open(data, len, &d, info) < 0) {
		info->format = NULL;
		note_set(note, notelen, "not a CRL (neither DER nor PEM)");
		r = CK_URL_BAD_CONTENT;
		goto out;
	}
	info->issuer_matches = crl_issuer(d.crl, cert, info);
	info->this_update = gnutls_x509_crl_get_this_update(d.crl);
	info->next_update = gnutls_x509_crl_get_next_update(d.crl);
	info->delta = crl_is_delta(d.crl);
	if (gnutls_x509_crl_get_number(d.crl, num, &numlen, NULL) >= 0)
		info->number = ck_hex(num, numlen);
	if (crl_scan(&d, cert, info) < 0) {
		note_set(note, notelen, "the CRL's entries could not be read");
		r = CK_URL_BAD_CONTENT;
		goto out;
	}
	info->signature = crl_signature(&d, issuer);
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
	crl_doc_free(&d);
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
