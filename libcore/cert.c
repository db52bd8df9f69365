/* cert — extract a compact record from a certificate's DER.
 *
 * The DER is walked once with der.h to find the byte ranges the chain
 * builder needs (tbsCertificate, raw names, SPKI, signature); GnuTLS
 * decodes the fields, and its object is dropped before returning.
 * Invariant: every string in a record is valid, NUL-terminated UTF-8
 * as GnuTLS returned it (the report sanitizes before output). */
#include "config.h"

#include "cert.h"
#include "der.h"
#include "dn.h"

#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OID_AIA_CA_ISSUERS "1.3.6.1.5.5.7.48.2"
#define OID_AIA_OCSP "1.3.6.1.5.5.7.48.1"

/* ---------------------------------------------------------------- */
/* small helpers */

size_t ck_strv_len(ck_strv v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static void strv_free(ck_strv v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static bool strv_append(ck_strv *v, char *copy)
{
	size_t n = ck_strv_len(*v);
	ck_strv nv;

	if (!copy)
		return false;
	nv = realloc(*v, (n + 2) * sizeof *nv);
	if (!nv) {
		free(copy);
		return false;
	}
	*v = nv;
	nv[n] = copy;
	nv[n + 1] = NULL;
	return true;
}

/* Append a copy of s[0..len) (NUL added), made valid printable UTF-8 as
 * ck_dn_clean does (the record's invariant; the bytes come from the
 * certificate); false on allocation failure. */
static bool strv_push(ck_strv *v, const char *s, size_t len)
{
	return strv_append(v, ck_dn_clean((const unsigned char *)s, len));
}

/* Same for a URL (an IA5String that may hold any byte): control
 * characters, DEL and bytes over 0x7f are percent-encoded, so the URL
 * stays one printable ASCII string and ck_url_validate judges it. */
static bool strv_push_url(ck_strv *v, const unsigned char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0, need = len;
	char *out;

	/* sized exactly: a record lives as long as the run */
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			need += 2;
	out = malloc(need + 1);
	if (!out)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] >= 0x7f) {
			out[o++] = '%';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 15];
		} else {
			out[o++] = (char)s[i];
		}
	}
	out[o] = '\0';
	return strv_append(v, out);
}

static ck_strv strv_dup(ck_strv v)
{
	ck_strv out = NULL;
	if (!v)
		return NULL;
	for (size_t i = 0; v[i]; i++)
		if (!strv_push(&out, v[i], strlen(v[i]))) {
			strv_free(out);
			return NULL;
		}
	return out;
}

void ck_hex_into(char *out, const unsigned char *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[len * 2] = '\0';
}

char *ck_hex(const unsigned char *p, size_t len)
{
	char *s = malloc(len * 2 + 1);
	if (s)
		ck_hex_into(s, p, len);
	return s;
}

void ck_time_format(time_t t, char buf[32])
{
	struct tm tm;
	if (t == (time_t)-1 || !gmtime_r(&t, &tm)) {
		snprintf(buf, 32, "unknown");
		return;
	}
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---------------------------------------------------------------- */
/* byte ranges */

static bool span_set(struct ck_span *s, size_t off, size_t len)
{
	if (off > UINT32_MAX || len > UINT32_MAX)
		return false;
	s->off = (uint32_t)off;
	s->len = (uint32_t)len;
	return true;
}

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
 * signatureValue }; record where each piece and the pieces of the
 * TBS that identify names and the key are. */
static enum ck_status find_spans(struct ck_cert *c, struct ck_error *err)
{
	const unsigned char *d = c->der;
	size_t n = c->der_len, pos, end, tbs_end;
	struct ck_tlv t;
	enum ck_status rc;

	rc = ck_der_read(d, n, false, 0, &t, err);
	if (rc)
		return rc;
	if (t.tag != CK_TAG_SEQUENCE || !t.constructed)
		return ck_error_set_at(err, CK_E_PARSE, 0, "not a certificate (no outer SEQUENCE)");
	if (t.hdr_len + t.len != n)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)(t.hdr_len + t.len),
				       "%zu bytes of trailing data after the certificate",
				       n - t.hdr_len - t.len);
	pos = t.hdr_len;
	end = n;

	/* tbsCertificate */
	rc = ck_der_read(d + pos, end - pos, false, (int64_t)pos, &t, err);
	if (rc)
		return rc;
	if (t.tag != CK_TAG_SEQUENCE)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "not a certificate (tbsCertificate is not a SEQUENCE)");
	span_set(&c->tbs, pos, t.hdr_len + t.len);
	tbs_end = pos + t.hdr_len + t.len;

	/* inside the TBS: [0] version?, serial, signature, issuer,
	 * validity, subject, subjectPublicKeyInfo, ... */
	{
		size_t p = pos + t.hdr_len;
		struct ck_span *want[] = { NULL, NULL, &c->issuer_raw, NULL, &c->subject_raw, &c->spki };
		size_t i = 0;

		rc = ck_der_read(d + p, tbs_end - p, false, (int64_t)p, &t, err);
		if (rc)
			return rc;
		if (t.cls == 0x80 && t.tag == 0) /* version */
			p += t.hdr_len + t.len;
		for (i = 0; i < sizeof want / sizeof want[0]; i++) {
			rc = ck_der_read(d + p, tbs_end - p, false, (int64_t)p, &t, err);
			if (rc)
				return rc;
			if (want[i])
				span_set(want[i], p, t.hdr_len + t.len);
			p += t.hdr_len + t.len;
		}
	}
	pos = tbs_end;

	rc = ck_der_read(d + pos, end - pos, false, (int64_t)pos, &t, err);
	if (rc)
		return rc;
	span_set(&c->sig_alg, pos, t.hdr_len + t.len);
	pos += t.hdr_len + t.len;

	rc = ck_der_read(d + pos, end - pos, false, (int64_t)pos, &t, err);
	if (rc)
		return rc;
	if (t.tag != CK_TAG_BIT_STRING || t.len < 1)
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)pos, "certificate signature is not a BIT STRING");
	/* skip the unused-bits octet */
	span_set(&c->sig, pos + t.hdr_len + 1, t.len - 1);
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* extensions */

static bool push_san(ck_strv *v, unsigned type, const gnutls_datum_t *name,
		     const gnutls_datum_t *othername_oid)
{
	char buf[512];
	const char *prefix = NULL;

	switch (type) {
	case GNUTLS_SAN_DNSNAME: prefix = "DNS"; break;
	case GNUTLS_SAN_RFC822NAME: prefix = "email"; break;
	case GNUTLS_SAN_URI: prefix = "URI"; break;
	case GNUTLS_SAN_REGISTERED_ID: prefix = "RID"; break;
	case GNUTLS_SAN_DN: prefix = "DirName"; break;
	case GNUTLS_SAN_IPADDRESS: {
		char ip[INET6_ADDRSTRLEN] = "";
		if (name->size == 4)
			inet_ntop(AF_INET, name->data, ip, sizeof ip);
		else if (name->size == 16)
			inet_ntop(AF_INET6, name->data, ip, sizeof ip);
		else
			snprintf(ip, sizeof ip, "(%u bytes)", name->size);
		snprintf(buf, sizeof buf, "IP:%s", ip);
		return strv_push(v, buf, strlen(buf));
	}
	case GNUTLS_SAN_OTHERNAME:
	case GNUTLS_SAN_OTHERNAME_XMPP:
	case GNUTLS_SAN_OTHERNAME_KRB5PRINCIPAL:
	case GNUTLS_SAN_OTHERNAME_MSUSERPRINCIPAL:
		snprintf(buf, sizeof buf, "otherName:%.*s",
			 othername_oid && othername_oid->data ? (int)othername_oid->size : 0,
			 othername_oid && othername_oid->data ? (const char *)othername_oid->data : "");
		return strv_push(v, buf, strlen(buf));
	default:
		snprintf(buf, sizeof buf, "type%u", type);
		return strv_push(v, buf, strlen(buf));
	}
	if (type == GNUTLS_SAN_DN) {
		/* a DirName is DER; show its RFC 4514 form */
		gnutls_x509_dn_t dn = NULL;
		gnutls_datum_t str = { NULL, 0 };
		bool ok = false;
		if (gnutls_x509_dn_init(&dn) == 0 &&
		    gnutls_x509_dn_import(dn, name) == 0 &&
		    gnutls_x509_dn_get_str2(dn, &str, 0) == 0) {
			snprintf(buf, sizeof buf, "DirName:%.*s", (int)str.size, str.data);
			ok = strv_push(v, buf, strlen(buf));
		} else if (name->size && name->data[0] != 0x30 &&
			   memchr(name->data, '=', name->size)) {
			/* GnuTLS 3.7 gives a name constraint's directoryName as
			 * its RFC 4514 text already, not as DER */
			char *t = ck_dn_clean(name->data, name->size);
			if (t) {
				snprintf(buf, sizeof buf, "DirName:%s", t);
				free(t);
			}
			ok = t && strv_push(v, buf, strlen(buf));
		} else {
			ok = strv_push(v, "DirName:(unreadable)", 20);
		}
		gnutls_free(str.data);
		if (dn)
			gnutls_x509_dn_deinit(dn);
		return ok;
	}
	snprintf(buf, sizeof buf, "%s:%.*s", prefix, (int)name->size, (const char *)name->data);
	return strv_push(v, buf, strlen(buf));
}

static int ext_san(struct ck_cert *c, const gnutls_datum_t *d)
{
	gnutls_subject_alt_names_t san = NULL;
	int ret = gnutls_subject_alt_names_init(&san);
	if (ret < 0)
		return ret;
	ret = gnutls_x509_ext_import_subject_alt_names(d, san, 0);
	for (unsigned i = 0; ret >= 0; i++) {
		unsigned type;
		gnutls_datum_t name, oid = { NULL, 0 };
		ret = gnutls_subject_alt_names_get(san, i, &type, &name, &oid);
		if (ret < 0)
			break;
		if (!push_san(&c->san, type, &name, &oid)) {
			ret = GNUTLS_E_MEMORY_ERROR;
			break;
		}
	}
	gnutls_subject_alt_names_deinit(san);
	return ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? 0 : ret;
}

static int ext_aia(struct ck_cert *c, const gnutls_datum_t *d)
{
	gnutls_x509_aia_t aia = NULL;
	int ret = gnutls_x509_aia_init(&aia);
	if (ret < 0)
		return ret;
	ret = gnutls_x509_ext_import_aia(d, aia, 0);
	for (unsigned i = 0; ret >= 0; i++) {
		gnutls_datum_t oid, loc;
		unsigned type;
		ret = gnutls_x509_aia_get(aia, i, &oid, &type, &loc);
		if (ret < 0)
			break;
		if (type != GNUTLS_SAN_URI)
			continue;
		ck_strv *dst = NULL;
		if (oid.size == strlen(OID_AIA_CA_ISSUERS) &&
		    memcmp(oid.data, OID_AIA_CA_ISSUERS, oid.size) == 0)
			dst = &c->aia_ca_issuers;
		else if (oid.size == strlen(OID_AIA_OCSP) &&
			 memcmp(oid.data, OID_AIA_OCSP, oid.size) == 0)
			dst = &c->aia_ocsp;
		if (dst && !strv_push_url(dst, loc.data, loc.size)) {
			ret = GNUTLS_E_MEMORY_ERROR;
			break;
		}
	}
	gnutls_x509_aia_deinit(aia);
	return ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? 0 : ret;
}

static int ext_crl_dp(ck_strv *dst, const gnutls_datum_t *d)
{
	gnutls_x509_crl_dist_points_t dp = NULL;
	int ret = gnutls_x509_crl_dist_points_init(&dp);
	if (ret < 0)
		return ret;
	ret = gnutls_x509_ext_import_crl_dist_points(d, dp, 0);
	for (unsigned i = 0; ret >= 0; i++) {
		unsigned type, reasons;
		gnutls_datum_t san;
		ret = gnutls_x509_crl_dist_points_get(dp, i, &type, &san, &reasons);
		if (ret < 0)
			break;
		if (type == GNUTLS_SAN_URI && !strv_push_url(dst, san.data, san.size)) {
			ret = GNUTLS_E_MEMORY_ERROR;
			break;
		}
	}
	gnutls_x509_crl_dist_points_deinit(dp);
	return ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? 0 : ret;
}

static int ext_eku(struct ck_cert *c, const gnutls_datum_t *d)
{
	gnutls_x509_key_purposes_t p = NULL;
	int ret = gnutls_x509_key_purpose_init(&p);
	if (ret < 0)
		return ret;
	ret = gnutls_x509_ext_import_key_purposes(d, p, 0);
	for (unsigned i = 0; ret >= 0; i++) {
		gnutls_datum_t oid;
		ret = gnutls_x509_key_purpose_get(p, i, &oid);
		if (ret < 0)
			break;
		if (!strv_push(&c->eku, (const char *)oid.data, oid.size)) {
			ret = GNUTLS_E_MEMORY_ERROR;
			break;
		}
	}
	gnutls_x509_key_purpose_deinit(p);
	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		ret = 0;
	/* an EKU extension with no purposes still restricts: mark it */
	if (ret == 0 && !c->eku)
		ret = strv_push(&c->eku, "", 0) ? 0 : GNUTLS_E_MEMORY_ERROR;
	return ret;
}

/* Point *dst at the key identifier's bytes: in the DER, where the
 * extension holds them (any place with the same bytes will do), or in
 * keyid_copy, slot `slot`, when they are not there as they are (GnuTLS
 * reads some BER encodings).  Returns 0 or GNUTLS_E_MEMORY_ERROR. */
static int set_keyid(struct ck_cert *c, const unsigned char **dst, uint8_t *dst_len, int slot,
		     const gnutls_datum_t *id)
{
	size_t n = id->size > CK_KEYID_MAX ? CK_KEYID_MAX : id->size;
	const unsigned char *at = n ? memmem(c->der, c->der_len, id->data, n) : c->der;

	if (!at) {
		if (!c->keyid_copy && !(c->keyid_copy = malloc(2 * CK_KEYID_MAX)))
			return GNUTLS_E_MEMORY_ERROR;
		memcpy(c->keyid_copy + slot * CK_KEYID_MAX, id->data, n);
		at = c->keyid_copy + slot * CK_KEYID_MAX;
	}
	*dst = at;
	*dst_len = (uint8_t)n;
	return 0;
}

static int ext_aki(struct ck_cert *c, const gnutls_datum_t *d)
{
	gnutls_x509_aki_t aki = NULL;
	gnutls_datum_t id;
	int ret = gnutls_x509_aki_init(&aki);
	if (ret < 0)
		return ret;
	ret = gnutls_x509_ext_import_authority_key_id(d, aki, 0);
	if (ret >= 0 && gnutls_x509_aki_get_id(aki, &id) >= 0)
		ret = set_keyid(c, &c->aki, &c->aki_len, 1, &id);
	gnutls_x509_aki_deinit(aki);
	return ret < 0 ? ret : 0;
}

static const char *const known_ext[] = {
	"2.5.29.19",          /* basicConstraints */
	"2.5.29.15",          /* keyUsage */
	"2.5.29.37",          /* extKeyUsage */
	"2.5.29.17",          /* subjectAltName */
	"2.5.29.18",          /* issuerAltName */
	"2.5.29.30",          /* nameConstraints */
	"2.5.29.14",          /* subjectKeyIdentifier */
	"2.5.29.35",          /* authorityKeyIdentifier */
	"2.5.29.31",          /* cRLDistributionPoints */
	"2.5.29.46",          /* freshestCRL */
	"2.5.29.32",          /* certificatePolicies (validate: certpol) */
	"2.5.29.33",          /* policyMappings */
	"2.5.29.36",          /* policyConstraints */
	"2.5.29.54",          /* inhibitAnyPolicy */
	"1.3.6.1.5.5.7.1.1",  /* authorityInfoAccess */
	"1.3.6.1.5.5.7.1.24", /* TLS feature */
	NULL,
};

bool ck_cert_extension_known(const char *oid)
{
	for (size_t i = 0; known_ext[i]; i++)
		if (strcmp(oid, known_ext[i]) == 0)
			return true;
	return false;
}

static int read_extension(struct ck_cert *c, const char *oid, unsigned critical,
			  const gnutls_datum_t *data)
{
	int ret = 0;

	if (strcmp(oid, "2.5.29.19") == 0) {
		unsigned ca = 0;
		int pathlen = -1;
		ret = gnutls_x509_ext_import_basic_constraints(data, &ca, &pathlen);
		if (ret >= 0) {
			c->has_basic_constraints = true;
			c->ca = ca != 0;
			c->path_len = pathlen;
		}
	} else if (strcmp(oid, "2.5.29.15") == 0) {
		unsigned ku = 0;
		ret = gnutls_x509_ext_import_key_usage(data, &ku);
		if (ret >= 0) {
			c->has_key_usage = true;
			c->key_usage = ku;
		}
	} else if (strcmp(oid, "2.5.29.37") == 0) {
		ret = ext_eku(c, data);
	} else if (strcmp(oid, "2.5.29.17") == 0) {
		ret = ext_san(c, data);
	} else if (strcmp(oid, "1.3.6.1.5.5.7.1.1") == 0) {
		ret = ext_aia(c, data);
	} else if (strcmp(oid, "2.5.29.31") == 0) {
		ret = ext_crl_dp(&c->crl_dp, data);
	} else if (strcmp(oid, "2.5.29.46") == 0) {
		ret = ext_crl_dp(&c->delta_crl, data);
	} else if (strcmp(oid, "2.5.29.14") == 0) {
		gnutls_datum_t id = { NULL, 0 };
		ret = gnutls_x509_ext_import_subject_key_id(data, &id);
		if (ret >= 0)
			ret = set_keyid(c, &c->ski, &c->ski_len, 0, &id);
		gnutls_free(id.data);
	} else if (strcmp(oid, "2.5.29.35") == 0) {
		ret = ext_aki(c, data);
	} else if (strcmp(oid, "2.5.29.30") == 0) {
		c->name_constraints = malloc(data->size ? data->size : 1);
		if (!c->name_constraints)
			return GNUTLS_E_MEMORY_ERROR;
		memcpy(c->name_constraints, data->data, data->size);
		c->name_constraints_len = data->size;
	}
	if (ret == GNUTLS_E_MEMORY_ERROR)
		return ret;
	/* A critical extension we cannot read is as bad as an unknown one. */
	if (critical && (ret < 0 || !ck_cert_extension_known(oid)))
		if (!strv_push(&c->unknown_critical, oid, strlen(oid)))
			return GNUTLS_E_MEMORY_ERROR;
	return 0;
}

static int read_extensions(struct ck_cert *c, gnutls_x509_crt_t crt)
{
	for (unsigned i = 0;; i++) {
		char oid[128];
		size_t oid_size = sizeof oid;
		unsigned critical = 0;
		gnutls_datum_t data = { NULL, 0 };
		int ret = gnutls_x509_crt_get_extension_info(crt, i, oid, &oid_size, &critical);
		if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			return 0;
		if (ret < 0)
			return ret;
		/* GnuTLS cannot return an empty extnValue (an OCTET STRING of
		 * length 0): read it as empty, so that the certificate loads
		 * and the extension is judged like any other one that cannot
		 * be read (unknown when critical) */
		ret = gnutls_x509_crt_get_extension_data2(crt, i, &data);
		if (ret == GNUTLS_E_MEMORY_ERROR)
			return ret;
		if (ret < 0)
			data = (gnutls_datum_t){ NULL, 0 };
		ret = read_extension(c, oid, critical, &data);
		gnutls_free(data.data);
		if (ret < 0)
			return ret;
	}
}

/* Where the extensions' SEQUENCE OF starts and ends inside the TBS
 * ([3] EXPLICIT after the SPKI and the optional unique IDs). */
static bool ext_bounds(const struct ck_cert *c, size_t *start, size_t *end)
{
	const unsigned char *d = c->der;
	size_t p = c->spki.off + c->spki.len, tbs_end = c->tbs.off + c->tbs.len;
	struct ck_tlv t;

	while (p < tbs_end) {
		if (ck_der_read(d + p, tbs_end - p, false, 0, &t, NULL))
			return false;
		if (t.cls == ASN1_CLASS_CONTEXT_SPECIFIC && t.tag == 3) {
			size_t q = p + t.hdr_len;
			if (ck_der_read(d + q, tbs_end - q, false, 0, &t, NULL) ||
			    t.tag != CK_TAG_SEQUENCE)
				return false;
			*start = q + t.hdr_len;
			*end = *start + t.len;
			return true;
		}
		p += t.hdr_len + t.len;
	}
	return false;
}

int ck_cert_ext_next(const struct ck_cert *c, size_t *pos, struct ck_ext *ext)
{
	const unsigned char *d = c->der;
	size_t start, end, p, q, ext_end;
	struct ck_tlv t;
	int used = 0;

	if (!ext_bounds(c, &start, &end))
		return 0;
	p = *pos ? *pos : start;
	if (p >= end)
		return 0;
	if (ck_der_read(d + p, end - p, false, 0, &t, NULL) || t.tag != CK_TAG_SEQUENCE)
		return -1;
	q = p + t.hdr_len;
	ext_end = q + t.len;
	memset(ext, 0, sizeof *ext);
	if (ck_der_read(d + q, ext_end - q, false, 0, &t, NULL) || t.tag != CK_TAG_OID)
		return -1;
	if (asn1_get_object_id_der(d + q + t.tag_len, (int)(ext_end - q - t.tag_len), &used,
				   ext->oid, sizeof ext->oid) != ASN1_SUCCESS)
		ext->oid[0] = '\0';
	q += t.hdr_len + t.len;
	if (q < ext_end && ck_der_read(d + q, ext_end - q, false, 0, &t, NULL) == CK_OK &&
	    t.cls == 0 && t.tag == CK_TAG_BOOLEAN) {
		ext->critical = t.len == 1 && d[q + t.hdr_len] != 0;
		q += t.hdr_len + t.len;
	}
	if (q >= ext_end || ck_der_read(d + q, ext_end - q, false, 0, &t, NULL) ||
	    t.tag != CK_TAG_OCTET_STRING || q + t.hdr_len + t.len != ext_end)
		return -1;
	ext->value = d + q + t.hdr_len;
	ext->len = t.len;
	*pos = ext_end;
	return 1;
}

bool ck_cert_ext_find(const struct ck_cert *c, const char *oid, struct ck_ext *ext)
{
	size_t pos = 0;
	while (ck_cert_ext_next(c, &pos, ext) == 1)
		if (strcmp(ext->oid, oid) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- */
/* the record */

/* ck_dn_clean's output into out (NULL: only counted); returns its length. */
static size_t dn_clean_into(const unsigned char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t k = ck_utf8_seq(s + i, n - i);
		bool c1 = k == 2 && s[i] == 0xc2 && s[i + 1] <= 0x9f;
		if (k == 0 || c1 || (k == 1 && (s[i] < 0x20 || s[i] == 0x7f))) {
			/* one byte at a time: a C1 control gives two pairs */
			if (out) {
				out[o] = '\\';
				out[o + 1] = hex[s[i] >> 4];
				out[o + 2] = hex[s[i] & 15];
			}
			o += 3;
			i++;
			continue;
		}
		if (out)
			memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	return o;
}

char *ck_dn_clean(const unsigned char *s, size_t n)
{
	/* sized exactly (counted first): records keep these strings for
	 * the whole run, and most names need no escaping */
	size_t len = dn_clean_into(s, n, NULL);
	char *out = malloc(len + 1);

	if (!out)
		return NULL;
	dn_clean_into(s, n, out);
	out[len] = '\0';
	return out;
}

static char *dn_string(gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	char *s;
	int ret = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) :
			   gnutls_x509_crt_get_dn3(crt, &d, 0);
	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		return strdup("");
	if (ret < 0)
		return NULL;
	s = ck_dn_clean(d.data, d.size);
	gnutls_free(d.data);
	return s;
}

static int read_key_info(struct ck_cert *c, gnutls_x509_crt_t crt)
{
	unsigned bits = 0;
	int algo = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	if (algo < 0)
		algo = GNUTLS_PK_UNKNOWN;
	c->pk_algo = algo;
	c->bits = bits;
	if (algo == GNUTLS_PK_ECDSA) {
		gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
		gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };
		if (gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, &x, &y) >= 0)
			c->curve = curve;
		gnutls_free(x.data);
		gnutls_free(y.data);
	} else if (algo == GNUTLS_PK_EDDSA_ED25519) {
		c->curve = GNUTLS_ECC_CURVE_ED25519;
	} else if (algo == GNUTLS_PK_EDDSA_ED448) {
		c->curve = GNUTLS_ECC_CURVE_ED448;
	}
	return 0;
}

static const char *hash_name(const char *oid)
{
	static const struct { const char *oid, *name; } h[] = {
		{ "1.3.14.3.2.26", "SHA-1" },
		{ "2.16.840.1.101.3.4.2.4", "SHA-224" },
		{ "2.16.840.1.101.3.4.2.1", "SHA-256" },
		{ "2.16.840.1.101.3.4.2.2", "SHA-384" },
		{ "2.16.840.1.101.3.4.2.3", "SHA-512" },
		{ "2.16.840.1.101.3.4.2.8", "SHA3-256" },
		{ "2.16.840.1.101.3.4.2.9", "SHA3-384" },
		{ "2.16.840.1.101.3.4.2.10", "SHA3-512" },
	};
	for (size_t i = 0; i < sizeof h / sizeof *h; i++)
		if (!strcmp(h[i].oid, oid))
			return h[i].name;
	return oid;
}

/* RSASSA-PSS names its hash, mask generation hash and salt length in
 * its parameters (RFC 4055 3.1; absent ones are SHA-1, MGF1 with SHA-1
 * and 20): "RSA-PSS (SHA-256, MGF1 SHA-256, salt 32)".  GnuTLS knows
 * only some combinations, and printed the OID for the others. */
static bool pss_name(const struct ck_cert *c, char *buf, size_t size, int *digest)
{
	asn1_node alg = NULL, pss = NULL, mgf = NULL;
	unsigned char *params = NULL, *mgfp = NULL;
	size_t plen = 0, mlen = 0;
	char oid[128], hash[128] = "1.3.14.3.2.26", mhash[128] = "1.3.14.3.2.26";
	unsigned long salt = 20;
	bool ok = false;

	/* the OID's DER (06 09 2A 86 48 86 F7 0D 01 01 0A) first: most
	 * certificates are not PSS, and need no libtasn1 tree built */
	static const unsigned char pss_oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
						 0x0d, 0x01, 0x01, 0x0a };

	if (!c->sig_alg.len ||
	    !memmem(c->der + c->sig_alg.off, c->sig_alg.len, pss_oid, sizeof pss_oid) ||
	    ck_der_decode("CHAINKIT.AlgorithmIdentifier", c->der + c->sig_alg.off, c->sig_alg.len,
			  &alg, NULL) != CK_OK ||
	    !ck_der_read_oid(alg, "algorithm", oid, sizeof oid) || strcmp(oid, "1.2.840.113549.1.1.10"))
		goto out;
	if (ck_der_read_bytes(alg, "parameters", &params, &plen)) {
		if (ck_der_decode("CHAINKIT.RSASSA-PSS-params", params, plen, &pss, NULL) != CK_OK)
			goto out;
		ck_der_read_oid(pss, "hashAlgorithm.algorithm", hash, sizeof hash);
		if (ck_der_read_bytes(pss, "maskGenAlgorithm.parameters", &mgfp, &mlen) &&
		    ck_der_decode("CHAINKIT.AlgorithmIdentifier", mgfp, mlen, &mgf, NULL) == CK_OK)
			ck_der_read_oid(mgf, "algorithm", mhash, sizeof mhash);
		ck_der_read_uint(pss, "saltLength", &salt);
	}
	snprintf(buf, size, "RSA-PSS (%s, MGF1 %s, salt %lu)", hash_name(hash), hash_name(mhash), salt);
	*digest = (int)gnutls_oid_to_digest(hash);
	ok = true;
out:
	asn1_delete_structure(&alg);
	asn1_delete_structure(&pss);
	asn1_delete_structure(&mgf);
	free(params);
	free(mgfp);
	return ok;
}

static int read_signature_algo(struct ck_cert *c, gnutls_x509_crt_t crt)
{
	int algo = gnutls_x509_crt_get_signature_algorithm(crt);
	const char *name = algo > 0 ? gnutls_sign_get_name(algo) : NULL;
	char oid[128], pss[384];
	size_t oid_size = sizeof oid;

	c->sig_algo = algo > 0 ? algo : 0;
	c->sig_hash = algo > 0 ? (int)gnutls_sign_get_hash_algorithm(algo) : 0;
	if (pss_name(c, pss, sizeof pss, &c->sig_hash))
		name = pss;
	else if (!name && gnutls_x509_crt_get_signature_oid(crt, oid, &oid_size) >= 0)
		name = oid;
	if (name == pss || name == oid) {
		/* GnuTLS's names are static: only these are copied */
		if (!(c->sig_algo_name_copy = strdup(name)))
			return GNUTLS_E_MEMORY_ERROR;
		name = c->sig_algo_name_copy;
	}
	c->sig_algo_name = name ? name : "unknown";
	return 0;
}

static int read_serial(struct ck_cert *c, gnutls_x509_crt_t crt)
{
	unsigned char serial[128];
	size_t size = sizeof serial;
	int ret = gnutls_x509_crt_get_serial(crt, serial, &size);
	if (ret < 0)
		return ret;
	c->serial = ck_hex(serial, size);
	return c->serial ? 0 : GNUTLS_E_MEMORY_ERROR;
}

/* Import DER into a new GnuTLS certificate.  GnuTLS refuses one that
 * repeats an extension; RFC 5280 4.2 forbids that too, but it is the
 * validator's finding (duplicate-extension) about a certificate the
 * tools must still show, so that refusal alone is retried without
 * GnuTLS' import-time sanity checks.  *crt is NULL on failure. */
static int crt_import(gnutls_x509_crt_t *crt, const gnutls_datum_t *d)
{
	int ret = gnutls_x509_crt_init(crt);

	if (ret < 0)
		return GNUTLS_E_MEMORY_ERROR;
	ret = gnutls_x509_crt_import(*crt, d, GNUTLS_X509_FMT_DER);
	if (ret == GNUTLS_E_X509_DUPLICATE_EXTENSION) {
		gnutls_x509_crt_deinit(*crt);
		ret = gnutls_x509_crt_init(crt);
		if (ret < 0)
			return GNUTLS_E_MEMORY_ERROR;
		gnutls_x509_crt_set_flags(*crt, GNUTLS_X509_CRT_FLAG_IGNORE_SANITY);
		ret = gnutls_x509_crt_import(*crt, d, GNUTLS_X509_FMT_DER);
	}
	if (ret < 0) {
		gnutls_x509_crt_deinit(*crt);
		*crt = NULL;
	}
	return ret;
}

/* Subject, issuer and serial in one allocation (two fewer per
 * certificate, for bundles of 100,000); left as they are when there is
 * no memory for it. */
static void pack_names(struct ck_cert *c)
{
	size_t ls = strlen(c->subject) + 1, li = strlen(c->issuer) + 1;
	size_t lr = c->serial ? strlen(c->serial) + 1 : 0;
	char *b = malloc(ls + li + lr);

	if (!b)
		return;
	memcpy(b, c->subject, ls);
	memcpy(b + ls, c->issuer, li);
	if (lr)
		memcpy(b + ls + li, c->serial, lr);
	free(c->subject);
	free(c->issuer);
	free(c->serial);
	c->subject = b;
	c->issuer = b + ls;
	c->serial = lr ? b + ls + li : NULL;
	c->names_packed = true;
}

static enum ck_status fill_from_gnutls(struct ck_cert *c, struct ck_error *err)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d = { c->der, (unsigned)c->der_len };
	enum ck_status rc = CK_OK;
	int ret;

	ret = crt_import(&crt, &d);
	if (ret == GNUTLS_E_MEMORY_ERROR)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (ret < 0) {
		rc = ck_error_set(err, CK_E_PARSE, "not a valid X.509 certificate (%s)",
				  gnutls_strerror(ret));
		goto out;
	}
	c->version = gnutls_x509_crt_get_version(crt);
	c->not_before = gnutls_x509_crt_get_activation_time(crt);
	c->not_after = gnutls_x509_crt_get_expiration_time(crt);
	c->subject = dn_string(crt, false);
	c->issuer = dn_string(crt, true);
	if (!c->subject || !c->issuer) {
		rc = ck_error_set(err, CK_E_PARSE, "certificate name cannot be decoded");
		goto out;
	}
	ret = read_serial(c, crt);
	if (ret >= 0)
		pack_names(c);
	if (ret >= 0)
		ret = read_key_info(c, crt);
	if (ret >= 0)
		ret = read_signature_algo(c, crt);
	if (ret >= 0)
		ret = read_extensions(c, crt);
	if (ret == GNUTLS_E_MEMORY_ERROR)
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
	else if (ret < 0)
		rc = ck_error_set(err, CK_E_PARSE, "certificate cannot be decoded (%s)",
				  gnutls_strerror(ret));
out:
	gnutls_x509_crt_deinit(crt);
	return rc;
}

enum ck_status ck_cert_from_der(const unsigned char *der, size_t len,
				struct ck_cert **out, struct ck_error *err)
{
	struct ck_cert *c = NULL;
	enum ck_status rc;

	if (len == 0 || len > UINT32_MAX)
		return ck_error_set(err, CK_E_PARSE, "empty or oversized certificate");
	/* the record and its DER in one block (see der_inline()) */
	c = calloc(1, sizeof *c + len);
	if (!c)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	c->path_len = -1;
	c->der = (unsigned char *)(c + 1);
	memcpy(c->der, der, len);
	c->der_len = len;

	rc = find_spans(c, err);
	if (rc)
		goto fail;
	rc = fill_from_gnutls(c, err);
	if (rc)
		goto fail;

	gnutls_hash_fast(GNUTLS_DIG_SHA256, c->der, c->der_len, c->sha256);
	gnutls_hash_fast(GNUTLS_DIG_SHA256, ck_cert_span(c, c->spki), c->spki.len,
			 c->spki_sha256);
	c->self_issued = ck_dn_equal(ck_cert_span(c, c->subject_raw), c->subject_raw.len,
				     ck_cert_span(c, c->issuer_raw), c->issuer_raw.len);
	*out = c;
	return CK_OK;
fail:
	ck_cert_free(c);
	return rc;
}

/* ---------------------------------------------------------------- */
/* name constraints and certificate policies, for chainview -v */

static bool push_subtree(ck_strv *v, unsigned type, const gnutls_datum_t *name)
{
	if (type == GNUTLS_SAN_IPADDRESS && (name->size == 8 || name->size == 32)) {
		char ip[INET6_ADDRSTRLEN] = "", mask[INET6_ADDRSTRLEN] = "", buf[128];
		int af = name->size == 8 ? AF_INET : AF_INET6;
		inet_ntop(af, name->data, ip, sizeof ip);
		inet_ntop(af, name->data + name->size / 2, mask, sizeof mask);
		snprintf(buf, sizeof buf, "IP:%s/%s", ip, mask);
		return strv_push(v, buf, strlen(buf));
	}
	return push_san(v, type, name, NULL);
}

/* Can GnuTLS read the nameConstraints value without leaking?  GnuTLS
 * 3.7 leaks the names of a subtree it does not support (an otherName),
 * and may on malformed values: those are not read for display (nc.c,
 * which checks them, reads them itself).  Walks NameConstraints ->
 * [0]/[1] GeneralSubtrees -> GeneralSubtree -> the base's identifier. */
static bool nc_readable_by_gnutls(const unsigned char *v, size_t len)
{
	struct ck_tlv outer, trees, sub;
	struct ck_error err;

	if (ck_der_read(v, len, false, 0, &outer, &err) || outer.hdr_len + outer.len != len)
		return false;
	for (size_t i = outer.hdr_len; i < len; i += trees.hdr_len + trees.len) {
		if (ck_der_read(v + i, len - i, false, 0, &trees, &err))
			return false;
		for (size_t j = i + trees.hdr_len; j < i + trees.hdr_len + trees.len;
		     j += sub.hdr_len + sub.len) {
			if (ck_der_read(v + j, i + trees.hdr_len + trees.len - j, false, 0, &sub, &err) ||
			    sub.len < 2 || v[j + sub.hdr_len] == 0xa0 /* otherName */)
				return false;
		}
	}
	return true;
}

static enum ck_status read_nc(gnutls_x509_crt_t crt, struct ck_cert_extra *e)
{
	gnutls_x509_name_constraints_t nc = NULL;
	unsigned critical, type;
	gnutls_datum_t name;
	enum ck_status rc = CK_OK;

	if (gnutls_x509_name_constraints_init(&nc) < 0)
		return CK_E_NOMEM;
	if (gnutls_x509_crt_get_name_constraints(crt, nc, 0, &critical) < 0)
		goto out;
	for (unsigned i = 0; !rc && gnutls_x509_name_constraints_get_permitted(nc, i, &type, &name) >= 0; i++)
		if (!push_subtree(&e->nc_permitted, type, &name))
			rc = CK_E_NOMEM;
	for (unsigned i = 0; !rc && gnutls_x509_name_constraints_get_excluded(nc, i, &type, &name) >= 0; i++)
		if (!push_subtree(&e->nc_excluded, type, &name))
			rc = CK_E_NOMEM;
out:
	gnutls_x509_name_constraints_deinit(nc);
	return rc;
}

/* A DisplayText at `name` as UTF-8 (new string), NULL when absent. */
static char *display_text(asn1_node node, const char *name)
{
	char choice[32], path[128];
	unsigned char buf[512];
	int len = sizeof choice;
	unsigned long tag;

	if (asn1_read_value(node, name, choice, &len) != ASN1_SUCCESS)
		return NULL;
	tag = !strcmp(choice, "ia5String") ? CK_TAG_IA5 : !strcmp(choice, "visibleString") ? 26 :
	      !strcmp(choice, "bmpString") ? 30 : 12;
	snprintf(path, sizeof path, "%s.%s", name, choice);
	len = sizeof buf;
	if (asn1_read_value(node, path, buf, &len) != ASN1_SUCCESS)
		return NULL;
	return ck_der_string_utf8(tag, buf, (size_t)len);
}

/* The k-th (0-based) userNotice of policy `pol` (1-based) in the decoded
 * certificatePolicies as one line: the explicit text, then the notice
 * reference GnuTLS leaves out ("(notice 1, 2 of ORG)").  NULL when it
 * cannot be read here (GnuTLS's text is shown then). */
static char *user_notice(asn1_node cp, unsigned pol, unsigned k)
{
	char name[96], oid[64], out[1024] = "";
	unsigned char *q = NULL;
	size_t qlen = 0, o = 0;
	asn1_node un = NULL;
	char *text = NULL, *org = NULL, *ret = NULL;
	int nq = 0, nn = 0;

	snprintf(name, sizeof name, "?%u.policyQualifiers", pol);
	if (!cp || asn1_number_of_elements(cp, name, &nq) != ASN1_SUCCESS)
		return NULL;
	for (int i = 1; i <= nq && !q; i++) {
		snprintf(name, sizeof name, "?%u.policyQualifiers.?%d.policyQualifierId", pol, i);
		if (!ck_der_read_oid(cp, name, oid, sizeof oid) || strcmp(oid, "1.3.6.1.5.5.7.2.2"))
			continue;
		if (k-- == 0) {
			snprintf(name, sizeof name, "?%u.policyQualifiers.?%d.qualifier", pol, i);
			if (!ck_der_read_bytes(cp, name, &q, &qlen))
				return NULL;
		}
	}
	if (!q || ck_der_decode("CHAINKIT.UserNotice", q, qlen, &un, NULL))
		goto out;
	text = display_text(un, "explicitText");
	org = display_text(un, "noticeRef.organization");
	if (text)
		o += (size_t)snprintf(out, sizeof out, "%s", text);
	if (org && asn1_number_of_elements(un, "noticeRef.noticeNumbers", &nn) == ASN1_SUCCESS) {
		o += (size_t)snprintf(out + o, sizeof out - o, "%s(notice", o ? " " : "");
		for (int i = 1; i <= nn && o < sizeof out; i++) {
			unsigned long v;
			snprintf(name, sizeof name, "noticeRef.noticeNumbers.?%d", i);
			if (ck_der_read_uint(un, name, &v))
				o += (size_t)snprintf(out + o, sizeof out - o, "%s %lu", i > 1 ? "," : "", v);
			else
				o += (size_t)snprintf(out + o, sizeof out - o, "%s ?", i > 1 ? "," : "");
		}
		if (o < sizeof out)
			snprintf(out + o, sizeof out - o, " of %s)", org);
	}
	ret = strdup(out);
out:
	if (un)
		asn1_delete_structure(&un);
	free(text);
	free(org);
	free(q);
	return ret;
}

static enum ck_status read_policies(gnutls_x509_crt_t crt, asn1_node cp, struct ck_cert_extra *e)
{
	for (unsigned i = 0;; i++) {
		struct gnutls_x509_policy_st pol;
		unsigned critical;
		struct ck_cert_policy *n;
		bool ok = true;

		if (gnutls_x509_crt_get_policy(crt, i, &pol, &critical) < 0)
			return CK_OK;
		n = realloc(e->policies, (e->npolicies + 1) * sizeof *n);
		if (!n) {
			gnutls_x509_policy_release(&pol);
			return CK_E_NOMEM;
		}
		e->policies = n;
		n = &e->policies[e->npolicies++];
		memset(n, 0, sizeof *n);
		n->oid = strdup(pol.oid ? pol.oid : "");
		ok = n->oid != NULL;
		for (unsigned q = 0, k = 0; ok && q < pol.qualifiers; q++) {
			const char *d = pol.qualifier[q].data;
			size_t len = pol.qualifier[q].size;
			if (pol.qualifier[q].type == GNUTLS_X509_QUALIFIER_URI) {
				ok = strv_push_url(&n->cps, (const unsigned char *)d, len);
			} else if (pol.qualifier[q].type == GNUTLS_X509_QUALIFIER_NOTICE) {
				char *full = user_notice(cp, i + 1, k++);
				ok = full ? strv_push(&n->notices, full, strlen(full)) :
					    strv_push(&n->notices, d, len);
				free(full);
			}
		}
		gnutls_x509_policy_release(&pol);
		if (!ok)
			return CK_E_NOMEM;
	}
}

enum ck_status ck_cert_extra_read(const struct ck_cert *c, struct ck_cert_extra *out)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d = { c->der, (unsigned)c->der_len };
	struct ck_ext nc;
	enum ck_status rc = CK_OK;

	memset(out, 0, sizeof *out);
	/* most certificates have neither: no second parse for them */
	if (!ck_cert_ext_find(c, "2.5.29.30", &(struct ck_ext){ 0 }) &&
	    !ck_cert_ext_find(c, "2.5.29.32", &(struct ck_ext){ 0 }))
		return CK_OK;
	if (crt_import(&crt, &d) < 0)
		return CK_OK; /* the record was read; nothing more to show */
	if (ck_cert_ext_find(c, "2.5.29.30", &nc) && nc_readable_by_gnutls(nc.value, nc.len))
		rc = read_nc(crt, out);
	if (!rc) {
		/* GnuTLS drops a userNotice's noticeRef: the qualifiers are
		 * decoded here as well */
		struct ck_ext cpe;
		asn1_node cp = NULL;
		if (ck_cert_ext_find(c, "2.5.29.32", &cpe) &&
		    ck_der_decode("CHAINKIT.CertificatePolicies", cpe.value, cpe.len, &cp, NULL))
			cp = NULL;
		rc = read_policies(crt, cp, out);
		if (cp)
			asn1_delete_structure(&cp);
	}
	gnutls_x509_crt_deinit(crt);
	return rc;
}

void ck_cert_extra_cleanup(struct ck_cert_extra *e)
{
	strv_free(e->nc_permitted);
	strv_free(e->nc_excluded);
	for (size_t i = 0; i < e->npolicies; i++) {
		free(e->policies[i].oid);
		strv_free(e->policies[i].cps);
		strv_free(e->policies[i].notices);
	}
	free(e->policies);
	memset(e, 0, sizeof *e);
}

/* The DER follows the record in the same block (ck_cert_from_der and
 * ck_cert_dup allocate so: one allocation less per certificate). */
static bool der_inline(const struct ck_cert *c)
{
	return c->der == (const unsigned char *)(c + 1);
}

void ck_cert_free(struct ck_cert *c)
{
	if (!c)
		return;
	if (!der_inline(c))
		free(c->der);
	free(c->name_constraints);
	free(c->subject);
	if (!c->names_packed) {
		free(c->issuer);
		free(c->serial);
	}
	free(c->sig_algo_name_copy);
	free(c->keyid_copy);
	strv_free(c->eku);
	strv_free(c->san);
	strv_free(c->aia_ca_issuers);
	strv_free(c->aia_ocsp);
	strv_free(c->crl_dp);
	strv_free(c->delta_crl);
	strv_free(c->unknown_critical);
	free(c->friendly_name);
	free(c->local_key_id);
	free(c);
}

static char *strdup_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Where `p` (a key identifier of src, or NULL) is in the copy c. */
static const unsigned char *rebase_keyid(const struct ck_cert *src, const struct ck_cert *c,
					 const unsigned char *p)
{
	if (!p)
		return NULL;
	if (p >= src->der && p < src->der + src->der_len)
		return c->der + (p - src->der);
	if (src->keyid_copy && c->keyid_copy)
		return c->keyid_copy + (p - src->keyid_copy);
	return NULL;
}

enum ck_status ck_cert_dup(const struct ck_cert *src, struct ck_cert **out)
{
	struct ck_cert *c = malloc(sizeof *c + src->der_len);
	bool ok;

	if (!c)
		return CK_E_NOMEM;
	*c = *src;
	c->der = (unsigned char *)(c + 1);
	memcpy(c->der, src->der, src->der_len);
	/* key identifiers: at the same place in the copy's DER, or copied */
	c->keyid_copy = NULL;
	if (src->keyid_copy && (c->keyid_copy = malloc(2 * CK_KEYID_MAX)))
		memcpy(c->keyid_copy, src->keyid_copy, 2 * CK_KEYID_MAX);
	c->ski = rebase_keyid(src, c, src->ski);
	c->aki = rebase_keyid(src, c, src->aki);
	c->sig_algo_name_copy = NULL;
	if (src->sig_algo_name_copy && (c->sig_algo_name_copy = strdup(src->sig_algo_name_copy)))
		c->sig_algo_name = c->sig_algo_name_copy;
	c->name_constraints = NULL;
	if (src->name_constraints && (c->name_constraints = malloc(src->name_constraints_len)))
		memcpy(c->name_constraints, src->name_constraints, src->name_constraints_len);
	c->names_packed = false;
	c->subject = strdup_null(src->subject);
	c->issuer = strdup_null(src->issuer);
	c->serial = strdup_null(src->serial);
	c->eku = strv_dup(src->eku);
	c->san = strv_dup(src->san);
	c->aia_ca_issuers = strv_dup(src->aia_ca_issuers);
	c->aia_ocsp = strv_dup(src->aia_ocsp);
	c->crl_dp = strv_dup(src->crl_dp);
	c->delta_crl = strv_dup(src->delta_crl);
	c->unknown_critical = strv_dup(src->unknown_critical);
	c->friendly_name = strdup_null(src->friendly_name);
	c->local_key_id = NULL;
	if (src->local_key_id && (c->local_key_id = malloc(src->local_key_id_len)))
		memcpy(c->local_key_id, src->local_key_id, src->local_key_id_len);
	ok = (!src->keyid_copy || c->keyid_copy) &&
	     (!src->name_constraints || c->name_constraints) &&
	     (!src->subject || c->subject) && (!src->issuer || c->issuer) &&
	     (!src->serial || c->serial) &&
	     (!src->sig_algo_name_copy || c->sig_algo_name_copy) &&
	     (!src->eku || c->eku) && (!src->san || c->san) &&
	     (!src->aia_ca_issuers || c->aia_ca_issuers) &&
	     (!src->aia_ocsp || c->aia_ocsp) && (!src->crl_dp || c->crl_dp) &&
	     (!src->delta_crl || c->delta_crl) &&
	     (!src->unknown_critical || c->unknown_critical) &&
	     (!src->friendly_name || c->friendly_name) &&
	     (!src->local_key_id || c->local_key_id);
	if (!ok) {
		ck_cert_free(c);
		return CK_E_NOMEM;
	}
	*out = c;
	return CK_OK;
}

void ck_cert_sha1(const struct ck_cert *c, unsigned char out[20])
{
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, c->der, c->der_len, out) < 0)
		memset(out, 0, 20); /* (SHA-1 unavailable: zeros, as the field was) */
}

bool ck_cert_equal(const struct ck_cert *a, const struct ck_cert *b)
{
	return a->der_len == b->der_len && memcmp(a->sha256, b->sha256, 32) == 0;
}

/* Case-insensitive comparison of the RFC 4514 forms catches issuers
 * whose name is encoded with another string type than the child's
 * issuer field (PrintableString vs UTF8String). */
bool ck_cert_name_issued(const struct ck_cert *child, const struct ck_cert *issuer)
{
	return ck_dn_equal(ck_cert_span(child, child->issuer_raw), child->issuer_raw.len,
			   ck_cert_span(issuer, issuer->subject_raw), issuer->subject_raw.len);
}

/* ---------------------------------------------------------------- */
/* signatures */

struct ck_pubkey {
	gnutls_pubkey_t key;
};

enum ck_status ck_pubkey_from_cert(const struct ck_cert *cert,
				   struct ck_pubkey **out, struct ck_error *err)
{
	struct ck_pubkey *k = calloc(1, sizeof *k);
	gnutls_datum_t d = { (unsigned char *)ck_cert_span(cert, cert->spki), cert->spki.len };
	int ret;

	if (!k)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ret = gnutls_pubkey_init(&k->key);
	if (ret >= 0)
		ret = gnutls_pubkey_import(k->key, &d, GNUTLS_X509_FMT_DER);
	if (ret < 0) {
		ck_pubkey_free(k);
		return ck_error_set(err, CK_E_PARSE, "public key of %s cannot be read (%s)",
				    cert->subject, gnutls_strerror(ret));
	}
	*out = k;
	return CK_OK;
}

void ck_pubkey_free(struct ck_pubkey *k)
{
	if (!k)
		return;
	if (k->key)
		gnutls_pubkey_deinit(k->key);
	free(k);
}

enum ck_status ck_cert_verify_with(const struct ck_cert *child,
				   const struct ck_pubkey *key, bool *valid,
				   struct ck_error *err)
{
	gnutls_datum_t tbs = { (unsigned char *)ck_cert_span(child, child->tbs), child->tbs.len };
	gnutls_datum_t sig = { (unsigned char *)ck_cert_span(child, child->sig), child->sig.len };
	/* Weak hashes are a finding of their own; verify the math here. */
	unsigned flags = GNUTLS_VERIFY_ALLOW_BROKEN | GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1;
	int ret;

	if (!child->sig_algo)
		return ck_error_set(err, CK_E_UNSUPPORTED,
				    "signature algorithm %s is not supported",
				    child->sig_algo_name);
	ret = gnutls_pubkey_verify_data2(key->key, child->sig_algo, flags, &tbs, &sig);
	if (ret >= 0) {
		*valid = true;
		return CK_OK;
	}
	if (ret == GNUTLS_E_PK_SIG_VERIFY_FAILED) {
		*valid = false;
		return CK_OK;
	}
	/* The key type does not fit the signature algorithm, or the
	 * algorithm is not allowed: the link does not verify. */
	if (ret == GNUTLS_E_INCOMPATIBLE_SIG_WITH_KEY || ret == GNUTLS_E_CONSTRAINT_ERROR ||
	    ret == GNUTLS_E_UNKNOWN_PK_ALGORITHM) {
		*valid = false;
		return CK_OK;
	}
	return ck_error_set(err, CK_E_UNSUPPORTED, "signature cannot be checked (%s)",
			    gnutls_strerror(ret));
}

enum ck_status ck_cert_verify_signature(const struct ck_cert *child,
					 const struct ck_cert *issuer,
					 bool *valid, struct ck_error *err)
{
	struct ck_pubkey *k = NULL;
	enum ck_status rc = ck_pubkey_from_cert(issuer, &k, err);
	if (rc)
		return rc;
	rc = ck_cert_verify_with(child, k, valid, err);
	ck_pubkey_free(k);
	return rc;
}

/* ---------------------------------------------------------------- */
/* questions about one certificate */

bool ck_cert_has_purpose(const struct ck_cert *cert, const char *oid)
{
	if (!cert->eku)
		return true;
	for (size_t i = 0; cert->eku[i]; i++)
		if (strcmp(cert->eku[i], oid) == 0 || strcmp(cert->eku[i], CK_OID_EKU_ANY) == 0)
			return true;
	return false;
}

bool ck_cert_matches_hostname(const struct ck_cert *cert, const char *hostname)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d = { cert->der, (unsigned)cert->der_len };
	bool ok = false;

	if (crt_import(&crt, &d) < 0)
		return false;
	ok = gnutls_x509_crt_check_hostname2(crt, hostname, 0) != 0;
	gnutls_x509_crt_deinit(crt);
	return ok;
}

const char *ck_cert_key_type(const struct ck_cert *cert)
{
	return ck_pk_algo_name(cert->pk_algo);
}

const char *ck_pk_algo_name(int pk_algo)
{
	switch (pk_algo) {
	case GNUTLS_PK_RSA: return "RSA";
	case GNUTLS_PK_RSA_PSS: return "RSA-PSS";
	case GNUTLS_PK_DSA: return "DSA";
	case GNUTLS_PK_ECDSA: return "EC";
	case GNUTLS_PK_EDDSA_ED25519: return "Ed25519";
	case GNUTLS_PK_EDDSA_ED448: return "Ed448";
	case GNUTLS_PK_ECDH_X25519: return "X25519";
	case GNUTLS_PK_ECDH_X448: return "X448";
	default: {
		const char *n = gnutls_pk_get_name(pk_algo);
		return n ? n : "unknown";
	}
	}
}

const char *ck_cert_curve_name(const struct ck_cert *cert)
{
	if (cert->pk_algo != GNUTLS_PK_ECDSA || !cert->curve)
		return NULL;
	switch (cert->curve) {
	case GNUTLS_ECC_CURVE_SECP256R1: return "P-256";
	case GNUTLS_ECC_CURVE_SECP384R1: return "P-384";
	case GNUTLS_ECC_CURVE_SECP521R1: return "P-521";
	case GNUTLS_ECC_CURVE_SECP224R1: return "P-224";
	case GNUTLS_ECC_CURVE_SECP192R1: return "P-192";
	default: return gnutls_ecc_curve_get_name(cert->curve);
	}
}

bool ck_cert_weak_signature(const struct ck_cert *cert)
{
	int hash = cert->sig_hash;
	return hash == GNUTLS_DIG_MD5 || hash == GNUTLS_DIG_SHA1 || hash == GNUTLS_DIG_MD2;
}

bool ck_cert_weak_key(const struct ck_cert *cert)
{
	switch (cert->pk_algo) {
	case GNUTLS_PK_RSA:
	case GNUTLS_PK_RSA_PSS:
	case GNUTLS_PK_DSA:
		return cert->bits < 2048;
	case GNUTLS_PK_ECDSA:
		return cert->bits < 256;
	default:
		return false;
	}
}
