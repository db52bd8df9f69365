/* ocspserve — OCSP answers for aiaserve (RFC 6960, RFC 5019).
 *
 * The request is decoded with libtasn1 (CHAINKIT.OCSPRequest); each
 * CertID is matched against the known CAs by hashing their subject and
 * key with the request's own hash algorithm, so SHA-1 and SHA-256
 * requests both work, and is copied unchanged into the answer (clients
 * compare it byte for byte).  The answer is a CHAINKIT.BasicOCSPResponse
 * filled in, its tbsResponseData signed with gnutls_privkey_sign_data2(),
 * wrapped in an OCSPResponse.  GnuTLS reads OCSP answers but writes none.
 *
 * Revoked serials are kept per CA as unsigned big-endian bytes without
 * leading zeros, so a CRL's INTEGER, an index's hex and a request's
 * INTEGER compare equal; the lists are short (a test PKI's), scanned
 * linearly. */
#include "config.h"

#include "ocspserve.h"
#include "crl.h"
#include "der.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OID_PKIX_OCSP_BASIC "1.3.6.1.5.5.7.48.1.1"
#define OID_PKIX_OCSP_NONCE "1.3.6.1.5.5.7.48.1.2"
#define OID_KP_OCSP_SIGNING "1.3.6.1.5.5.7.3.9"
#define OID_CRL_REASON "2.5.29.21"
#define SERIAL_MAX 40

struct revoked {
	unsigned char serial[SERIAL_MAX];
	size_t serial_len;
	time_t at;
	int reason; /* -1: none */
};

struct ca {
	const struct ck_cert *cert;
	const struct ck_cert *responder; /* NULL: the CA signs */
	gnutls_privkey_t key;
	gnutls_sign_algorithm_t sign;
	unsigned char signer_key_sha1[20]; /* the responder ID */
	struct revoked *revoked;
	size_t nrevoked, cap;
};

struct ck_ocspserve {
	struct ca *cas;
	size_t n;
};

enum ck_status ck_ocspserve_new(struct ck_ocspserve **out)
{
	struct ck_ocspserve *r = calloc(1, sizeof *r);

	if (!r)
		return CK_E_NOMEM;
	*out = r;
	return CK_OK;
}

void ck_ocspserve_free(struct ck_ocspserve *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		gnutls_privkey_deinit(r->cas[i].key);
		free(r->cas[i].revoked);
	}
	free(r->cas);
	free(r);
}

/* The subjectPublicKey BIT STRING's bytes (after the unused-bits octet)
 * of a certificate: what CertID's issuerKeyHash and the responder ID's
 * byKey hash. */
static bool key_bits(const struct ck_cert *c, const unsigned char **p, size_t *len)
{
	const unsigned char *s = c->der + c->spki.off;
	size_t n = c->spki.len;
	struct ck_tlv t;

	if (ck_der_read(s, n, false, 0, &t, NULL) || t.tag != CK_TAG_SEQUENCE)
		return false;
	s += t.hdr_len;
	n = t.len;
	if (ck_der_read(s, n, false, 0, &t, NULL)) /* the AlgorithmIdentifier */
		return false;
	s += t.hdr_len + t.len;
	n -= t.hdr_len + t.len;
	if (ck_der_read(s, n, false, 0, &t, NULL) || t.tag != CK_TAG_BIT_STRING || t.len < 1)
		return false;
	*p = s + t.hdr_len + 1;
	*len = t.len - 1;
	return true;
}

static bool has_eku(const struct ck_cert *c, const char *oid)
{
	for (char **e = c->eku; e && *e; e++)
		if (!strcmp(*e, oid))
			return true;
	return false;
}

/* The signature algorithm for a key: SHA-256 (SHA-384, SHA-512 for the
 * bigger curves) with RSA PKCS#1 v1.5 or ECDSA, or EdDSA. */
static gnutls_sign_algorithm_t sign_algo(gnutls_privkey_t key)
{
	unsigned bits = 0;
	int pk = gnutls_privkey_get_pk_algorithm(key, &bits);
	gnutls_ecc_curve_t curve;

	switch (pk) {
	case GNUTLS_PK_RSA:
		return GNUTLS_SIGN_RSA_SHA256;
	case GNUTLS_PK_ECDSA:
		if (gnutls_privkey_export_ecc_raw(key, &curve, NULL, NULL, NULL) < 0)
			return GNUTLS_SIGN_UNKNOWN;
		return curve == GNUTLS_ECC_CURVE_SECP384R1 ? GNUTLS_SIGN_ECDSA_SHA384 :
		       curve == GNUTLS_ECC_CURVE_SECP521R1 ? GNUTLS_SIGN_ECDSA_SHA512 :
							     GNUTLS_SIGN_ECDSA_SHA256;
	case GNUTLS_PK_EDDSA_ED25519:
		return GNUTLS_SIGN_EDDSA_ED25519;
	case GNUTLS_PK_EDDSA_ED448:
		return GNUTLS_SIGN_EDDSA_ED448;
	default:
		return GNUTLS_SIGN_UNKNOWN;
	}
}

static struct ca *find_ca(const struct ck_ocspserve *r, const struct ck_cert *c)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->cas[i].cert->der_len == c->der_len && !memcmp(r->cas[i].cert->der, c->der, c->der_len))
			return &r->cas[i];
	return NULL;
}

bool ck_ocspserve_has_ca(const struct ck_ocspserve *r, const struct ck_cert *ca)
{
	return find_ca(r, ca) != NULL;
}

enum ck_status ck_ocspserve_add_ca(struct ck_ocspserve *r, const struct ck_cert *ca,
				   const struct ck_key *key, const struct ck_cert *responder,
				   struct ck_error *err)
{
	const struct ck_cert *signer = responder ? responder : ca;
	gnutls_datum_t kd = { key->pkcs8, (unsigned)key->pkcs8_len };
	struct ca c = { .cert = ca, .responder = responder };
	const unsigned char *bits;
	size_t nbits;
	struct ca *grown;
	int ret;

	if (find_ca(r, ca))
		return ck_error_set(err, CK_E_USAGE, "%s has a signer already", ca->subject);
	if (memcmp(key->spki_sha256, signer->spki_sha256, sizeof key->spki_sha256))
		return ck_error_set(err, CK_E_USAGE, "the key is not the key of %s", signer->subject);
	if (responder) {
		bool signed_by_ca = false;
		enum ck_status vrc;
		/* issued by the CA: its name, and its signature under the CA's
		 * key (a CA of the same name with another key is not it) */
		if (strcmp(responder->issuer, ca->subject))
			return ck_error_set(err, CK_E_USAGE, "the responder %s was not issued by %s",
					    responder->subject, ca->subject);
		if ((vrc = ck_cert_verify_signature(responder, ca, &signed_by_ca, err)))
			return vrc; /* (out of memory, or a signature that cannot be checked: said) */
		if (!signed_by_ca)
			return ck_error_set(err, CK_E_USAGE, "the responder %s was not issued by %s",
					    responder->subject, ca->subject);
		if (!has_eku(responder, OID_KP_OCSP_SIGNING))
			return ck_error_set(err, CK_E_USAGE, "the responder %s lacks id-kp-OCSPSigning "
					    "in its extendedKeyUsage", responder->subject);
	}
	if (!key_bits(signer, &bits, &nbits))
		return ck_error_set(err, CK_E_PARSE, "cannot find the public key of %s", signer->subject);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, bits, nbits, c.signer_key_sha1) < 0)
		return ck_error_set(err, CK_E_INTERNAL, "SHA-1 is not available");
	if ((ret = gnutls_privkey_init(&c.key)) < 0 ||
	    (ret = gnutls_privkey_import_x509_raw(c.key, &kd, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN)) < 0) {
		gnutls_privkey_deinit(c.key);
		return ck_error_set(err, CK_E_UNSUPPORTED, "cannot use the key of %s: %s", signer->subject,
				    gnutls_strerror(ret));
	}
	if ((c.sign = sign_algo(c.key)) == GNUTLS_SIGN_UNKNOWN) {
		gnutls_privkey_deinit(c.key);
		return ck_error_set(err, CK_E_UNSUPPORTED, "cannot sign OCSP answers with the %s key of %s",
				    ck_key_type(key), signer->subject);
	}
	grown = realloc(r->cas, (r->n + 1) * sizeof *grown);
	if (!grown) {
		gnutls_privkey_deinit(c.key);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	r->cas = grown;
	r->cas[r->n++] = c;
	return CK_OK;
}

/* An INTEGER's content as unsigned bytes without leading zeros. */
static bool norm_serial(const unsigned char *p, size_t n, unsigned char *out, size_t *out_len)
{
	while (n > 1 && p[0] == 0)
		p++, n--;
	if (n > SERIAL_MAX)
		return false;
	memcpy(out, p, n);
	*out_len = n;
	return true;
}

static enum ck_status add_revoked(struct ca *c, const unsigned char *serial, size_t len, time_t at,
				  int reason, struct ck_error *err)
{
	struct revoked e = { .at = at, .reason = reason }, *grown;

	if (!norm_serial(serial, len, e.serial, &e.serial_len))
		return ck_error_set(err, CK_E_UNSUPPORTED,
				    "a serial number of over %d bytes (RFC 5280 allows 20)", SERIAL_MAX);
	if (c->nrevoked == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		if (!(grown = realloc(c->revoked, cap * sizeof *grown)))
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		c->revoked = grown;
		c->cap = cap;
	}
	c->revoked[c->nrevoked++] = e;
	return CK_OK;
}

struct crl_load {
	struct ca *c;
	enum ck_status rc;
	struct ck_error *err;
};

static bool crl_entry(void *ctx, const struct ck_crl_entry *e)
{
	struct crl_load *l = ctx;

	/* removeFromCRL (8, delta CRLs): no longer revoked; a value
	 * CRLReason does not have (7, over 10) is said as none */
	if (e->reason == 8)
		return true;
	l->rc = add_revoked(l->c, e->serial, e->serial_len, e->date,
			    e->reason == 7 || e->reason > 10 ? -1 : e->reason, l->err);
	return l->rc == CK_OK;
}

enum ck_status ck_ocspserve_add_crl(struct ck_ocspserve *r, const struct ck_cert *ca,
				    const unsigned char *der, size_t len, struct ck_error *err)
{
	struct ca *c = find_ca(r, ca);
	struct ck_crlset *set = NULL;
	struct crl_load l = { .c = c, .rc = CK_OK, .err = err };
	const struct ck_cert *pool[1] = { ca };
	enum ck_status rc;

	if (!c)
		return ck_error_set(err, CK_E_USAGE, "no signer for %s", ca->subject);
	if ((rc = ck_crlset_new(&set)))
		return ck_error_set(err, rc, "out of memory");
	if ((rc = ck_crlset_add(set, der, len, NULL, err)))
		goto out;
	/* the entries in one pass over the DER (a lookup by index is
	 * linear in libtasn1: a CRL of 20,000 entries took 33 s) */
	for (size_t i = 0; i < ck_crlset_count(set) && !rc; i++) {
		/* the CA's own CRL only: another CA of the same name (a new
		 * key) revokes nothing of this one's */
		if (ck_crlset_signature(set, i, pool, 1, NULL) != CK_CRL_SIG_VALID)
			continue;
		if ((rc = ck_crlset_entries(set, i, crl_entry, &l)) == CK_OK)
			rc = l.rc;
	}
out:
	ck_crlset_free(set);
	return rc;
}

/* YYMMDDHHMMSSZ (UTCTime rules) or YYYYMMDDHHMMSSZ. */
static bool parse_index_time(const char *s, size_t n, time_t *out)
{
	struct tm tm = { 0 };
	int v[7], k = 0;
	size_t digits = n - 1;

	if ((n != 13 && n != 15) || s[n - 1] != 'Z')
		return false;
	for (size_t i = 0; i < digits; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	if (n == 13) {
		v[k] = (s[0] - '0') * 10 + (s[1] - '0');
		v[k] += v[k] < 50 ? 2000 : 1900;
		s += 2;
	} else {
		v[k] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		s += 4;
	}
	for (k = 1; k < 6; k++, s += 2)
		v[k] = (s[0] - '0') * 10 + (s[1] - '0');
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return false;
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	*out = timegm(&tm);
	return true;
}

/* OpenSSL's reason names (apps/ca.c crl_reasons) as CRLReason codes. */
static int index_reason(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int code;
	} names[] = {
		{ "unspecified", 0 },     { "keyCompromise", 1 },   { "CACompromise", 2 },
		{ "affiliationChanged", 3 }, { "superseded", 4 }, { "cessationOfOperation", 5 },
		{ "certificateHold", 6 }, { "removeFromCRL", 8 },   { "holdInstruction", 6 },
		{ "keyTime", 1 },         { "CAkeyTime", 2 },
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i].name) == n && !strncasecmp(names[i].name, s, n))
			return names[i].code;
	return -2;
}

static bool hex_serial(const char *s, size_t n, unsigned char *out, size_t *out_len)
{
	unsigned char buf[SERIAL_MAX + 1];
	size_t k = 0, i = 0;

	if (!n || n > 2 * (SERIAL_MAX + 1))
		return false;
	if (n % 2) /* an odd count: a leading zero nibble */
		buf[k] = 0;
	for (; i < n; i++) {
		int v = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' :
			s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 :
			s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
		size_t pos = (i + n % 2);
		if (v < 0)
			return false;
		if (pos % 2 == 0)
			buf[pos / 2] = (unsigned char)(v << 4);
		else
			buf[pos / 2] |= (unsigned char)v;
	}
	return norm_serial(buf, (n + 1) / 2, out, out_len);
}

/* One "R" line's revocation field and serial. */
static enum ck_status index_line(struct ca *c, const char *line, size_t n, unsigned no,
				 struct ck_error *err)
{
	const char *f[6];
	size_t fl[6], k = 0;
	const char *p = line, *end = line + n, *comma;
	unsigned char serial[SERIAL_MAX];
	size_t slen;
	time_t at;
	int reason = -1;

	while (k < 6) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		f[k] = p;
		fl[k] = (size_t)((tab ? tab : end) - p);
		k++;
		if (!tab)
			break;
		p = tab + 1;
	}
	if (k != 6 || fl[0] != 1 || !strchr("VRE", f[0][0]))
		return ck_error_set(err, CK_E_PARSE, "line %u: not an index.txt line (six tab-separated "
				    "fields, the first V, R or E)", no);
	if (!hex_serial(f[3], fl[3], serial, &slen))
		return ck_error_set(err, CK_E_PARSE, "line %u: the serial '%.*s' is not hexadecimal (1 to "
				    "%d bytes)", no, (int)(fl[3] > 60 ? 60 : fl[3]), f[3], SERIAL_MAX);
	if (f[0][0] != 'R')
		return CK_OK;
	comma = memchr(f[2], ',', fl[2]);
	if (!parse_index_time(f[2], comma ? (size_t)(comma - f[2]) : fl[2], &at))
		return ck_error_set(err, CK_E_PARSE, "line %u: the revocation time is not YYMMDDHHMMSSZ", no);
	if (comma) {
		const char *rs = comma + 1, *rc = memchr(rs, ',', (size_t)(f[2] + fl[2] - rs));
		reason = index_reason(rs, (size_t)((rc ? rc : f[2] + fl[2]) - rs));
		if (reason == -2)
			return ck_error_set(err, CK_E_PARSE, "line %u: unknown revocation reason", no);
	}
	return add_revoked(c, serial, slen, at, reason, err);
}

enum ck_status ck_ocspserve_add_index(struct ck_ocspserve *r, const struct ck_cert *ca,
				      const char *text, size_t len, struct ck_error *err)
{
	struct ca *c = find_ca(r, ca);
	const char *p = text, *end = text + len;
	unsigned no = 0;

	if (!c)
		return ck_error_set(err, CK_E_USAGE, "no signer for %s", ca->subject);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		enum ck_status rc;

		no++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n && (rc = index_line(c, p, n, no, err)))
			return rc;
		p = nl ? nl + 1 : end;
	}
	return CK_OK;
}

bool ck_ocspserve_decode_get(const char *b64, unsigned char **out, size_t *out_len)
{
	gnutls_datum_t in = { (unsigned char *)b64, (unsigned)strlen(b64) }, res = { NULL, 0 };
	unsigned char *copy;

	if (!in.size || gnutls_base64_decode2(&in, &res) < 0)
		return false;
	copy = malloc(res.size ? res.size : 1);
	if (copy)
		memcpy(copy, res.data, res.size);
	*out_len = res.size;
	gnutls_free(res.data);
	*out = copy;
	return copy != NULL;
}

/* ---- answering ---- */

/* One request of the OCSPRequest, as read. */
struct one {
	unsigned idx;            /* ?idx in requestList */
	const struct ca *ca;     /* NULL: an issuer not known */
	unsigned char serial[SERIAL_MAX];
	size_t serial_len;
	bool too_long;
};

static const struct ca *match_ca(const struct ck_ocspserve *r, asn1_node req, unsigned i)
{
	char name[96], oid[64];
	unsigned char nh[64], kh[64], h[64];
	int nhl = sizeof nh, khl = sizeof kh;
	gnutls_digest_algorithm_t dig;

	snprintf(name, sizeof name, "tbsRequest.requestList.?%u.reqCert.hashAlgorithm.algorithm", i);
	if (!ck_der_read_oid(req, name, oid, sizeof oid) || (dig = gnutls_oid_to_digest(oid)) == GNUTLS_DIG_UNKNOWN)
		return NULL;
	snprintf(name, sizeof name, "tbsRequest.requestList.?%u.reqCert.issuerNameHash", i);
	if (asn1_read_value(req, name, nh, &nhl) != ASN1_SUCCESS)
		return NULL;
	snprintf(name, sizeof name, "tbsRequest.requestList.?%u.reqCert.issuerKeyHash", i);
	if (asn1_read_value(req, name, kh, &khl) != ASN1_SUCCESS)
		return NULL;
	if ((size_t)nhl != gnutls_hash_get_len(dig) || nhl != khl)
		return NULL;
	for (size_t k = 0; k < r->n; k++) {
		const struct ck_cert *c = r->cas[k].cert;
		const unsigned char *bits;
		size_t nbits;
		if (gnutls_hash_fast(dig, c->der + c->subject_raw.off, c->subject_raw.len, h) < 0 ||
		    memcmp(h, nh, (size_t)nhl))
			continue;
		if (!key_bits(c, &bits, &nbits) || gnutls_hash_fast(dig, bits, nbits, h) < 0 ||
		    memcmp(h, kh, (size_t)khl))
			continue;
		return &r->cas[k];
	}
	return NULL;
}

static const struct revoked *find_revoked(const struct ca *c, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < c->nrevoked; i++)
		if (c->revoked[i].serial_len == n && !memcmp(c->revoked[i].serial, s, n))
			return &c->revoked[i];
	return NULL;
}

static enum ck_status gen_time(asn1_node n, const char *name, time_t t, struct ck_error *err)
{
	struct tm tm;
	char v[32];

	gmtime_r(&t, &tm);
	strftime(v, sizeof v, "%Y%m%d%H%M%SZ", &tm);
	return ck_der_write(n, name, v, strlen(v), err);
}

/* The response to request `o` (?k in responses). */
static enum ck_status single(asn1_node resp, asn1_node req, const struct one *q, unsigned k,
			     const struct ck_ocspserve_opts *o, const char **status, struct ck_error *err)
{
	char at[128], from[96], name[160];
	const struct revoked *rv = NULL;
	struct revoked forced = { .reason = 0 };
	time_t this_update = o->stale ? o->now - 2 * o->validity : o->now;
	enum ck_status rc;

	snprintf(at, sizeof at, "tbsResponseData.responses.?%u", k);
	snprintf(from, sizeof from, "tbsRequest.requestList.?%u.reqCert", q->idx);
	snprintf(name, sizeof name, "%s.certID", at);
	if (asn1_copy_node(resp, name, req, from) != ASN1_SUCCESS)
		return ck_error_set(err, CK_E_INTERNAL, "cannot copy the CertID of request %u", q->idx);
	if (q->ca && !q->too_long) {
		rv = find_revoked(q->ca, q->serial, q->serial_len);
		if (!rv && o->revoked) {
			forced.at = o->revoked_at;
			rv = &forced;
		}
	}
	*status = !q->ca || q->too_long ? "unknown" : rv ? "revoked" : "good";
	snprintf(name, sizeof name, "%s.certStatus", at);
	if ((rc = ck_der_write(resp, name, *status, 1, err)))
		return rc;
	if (rv) {
		char f[200];
		snprintf(f, sizeof f, "%s.certStatus.revoked.revocationTime", at);
		if ((rc = gen_time(resp, f, rv->at, err)))
			return rc;
		snprintf(f, sizeof f, "%s.certStatus.revoked.revocationReason", at);
		if (rv->reason >= 0) {
			char v[16];
			snprintf(v, sizeof v, "%d", rv->reason);
			rc = ck_der_write(resp, f, v, 0, err);
		} else {
			rc = ck_der_write(resp, f, NULL, 0, err);
		}
		if (rc)
			return rc;
	}
	snprintf(name, sizeof name, "%s.thisUpdate", at);
	if ((rc = gen_time(resp, name, this_update, err)))
		return rc;
	snprintf(name, sizeof name, "%s.nextUpdate", at);
	if ((rc = gen_time(resp, name, this_update + o->validity, err)))
		return rc;
	snprintf(name, sizeof name, "%s.singleExtensions", at);
	return ck_der_write(resp, name, NULL, 0, err);
}

/* false when the request's nonce is empty or longer than RFC 8954
 * allows (an OCTET STRING of 1 to 32 octets: at most 34 bytes of DER
 * in extnValue): a malformed request */
static bool nonce_ok(asn1_node req)
{
	for (unsigned j = 1;; j++) {
		char name[96], oid[64];
		int vlen = 0, ret;

		snprintf(name, sizeof name, "tbsRequest.requestExtensions.?%u.extnID", j);
		if (!ck_der_read_oid(req, name, oid, sizeof oid))
			return true;
		if (strcmp(oid, OID_PKIX_OCSP_NONCE))
			continue;
		snprintf(name, sizeof name, "tbsRequest.requestExtensions.?%u.extnValue", j);
		ret = asn1_read_value(req, name, NULL, &vlen);
		return (ret == ASN1_MEM_ERROR || ret == ASN1_SUCCESS) && vlen >= 1 && vlen <= 34;
	}
}

/* The nonce extension's extnValue of the request into the answer's
 * responseExtensions (removed when there is none). */
static enum ck_status echo_nonce(asn1_node resp, asn1_node req, struct ck_error *err)
{
	for (unsigned j = 1;; j++) {
		char name[96], oid[64];
		unsigned char *v = NULL;
		size_t vlen = 0;
		enum ck_status rc;

		snprintf(name, sizeof name, "tbsRequest.requestExtensions.?%u.extnID", j);
		if (!ck_der_read_oid(req, name, oid, sizeof oid))
			return ck_der_write(resp, "tbsResponseData.responseExtensions", NULL, 0, err);
		if (strcmp(oid, OID_PKIX_OCSP_NONCE))
			continue;
		snprintf(name, sizeof name, "tbsRequest.requestExtensions.?%u.extnValue", j);
		if (!ck_der_read_bytes(req, name, &v, &vlen))
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		if (!(rc = ck_der_write(resp, "tbsResponseData.responseExtensions", "NEW", 1, err)) &&
		    !(rc = ck_der_write(resp, "tbsResponseData.responseExtensions.?LAST.extnID",
					OID_PKIX_OCSP_NONCE, 1, err)))
			rc = ck_der_write(resp, "tbsResponseData.responseExtensions.?LAST.extnValue", v, vlen,
					  err);
		free(v);
		return rc;
	}
}

/* signatureAlgorithm: the OID, and NULL parameters for RSA (RFC 4055),
 * none for ECDSA and EdDSA (RFC 5758, RFC 8410). */
static enum ck_status write_alg(asn1_node n, const struct ca *c, struct ck_error *err)
{
	static const unsigned char null_der[] = { 0x05, 0x00 };
	const char *oid = gnutls_sign_get_oid(c->sign);
	bool rsa = gnutls_sign_get_pk_algorithm(c->sign) == GNUTLS_PK_RSA;
	enum ck_status rc;

	if (!oid)
		return ck_error_set(err, CK_E_INTERNAL, "no OID for the signature algorithm");
	if ((rc = ck_der_write(n, "signatureAlgorithm.algorithm", oid, 1, err)))
		return rc;
	return ck_der_write(n, "signatureAlgorithm.parameters", rsa ? null_der : NULL,
			    rsa ? sizeof null_der : 0, err);
}

/* certs: the delegated responder's certificate, or nothing. */
static enum ck_status write_certs(asn1_node n, const struct ca *c, struct ck_error *err)
{
	asn1_node cert = NULL;
	enum ck_status rc;

	if (!c->responder)
		return ck_der_write(n, "certs", NULL, 0, err);
	if ((rc = ck_der_decode("CHAINKIT.Certificate", c->responder->der, c->responder->der_len, &cert, err)) ||
	    (rc = ck_der_write(n, "certs", "NEW", 1, err)))
		goto out;
	if (asn1_copy_node(n, "certs.?LAST", cert, "") != ASN1_SUCCESS)
		rc = ck_error_set(err, CK_E_INTERNAL, "cannot put the responder's certificate in the answer");
out:
	if (cert)
		asn1_delete_structure(&cert);
	return rc;
}

/* The BasicOCSPResponse for the decoded requests. */
static enum ck_status basic(const struct ca *signer, asn1_node req, const struct one *q, unsigned nq,
			    const struct ck_ocspserve_opts *o, unsigned char **out, size_t *out_len,
			    struct ck_ocspserve_result *res, struct ck_error *err)
{
	asn1_node n = NULL;
	unsigned char *tbs = NULL;
	size_t tbs_len = 0;
	gnutls_datum_t td, sig = { NULL, 0 };
	enum ck_status rc;
	int ret;

	if ((rc = ck_der_create("CHAINKIT.BasicOCSPResponse", &n, err)) ||
	    (rc = ck_der_write(n, "tbsResponseData.responderID", "byKey", 1, err)) ||
	    (rc = ck_der_write(n, "tbsResponseData.responderID.byKey", signer->signer_key_sha1, 20, err)) ||
	    (rc = gen_time(n, "tbsResponseData.producedAt", o->now, err)))
		goto out;
	for (unsigned k = 0; k < nq; k++) {
		const char *status = NULL;
		if ((rc = ck_der_write(n, "tbsResponseData.responses", "NEW", 1, err)) ||
		    (rc = single(n, req, &q[k], k + 1, o, &status, err)))
			goto out;
		if (k == 0)
			res->cert_status = status;
	}
	if ((rc = echo_nonce(n, req, err)) || (rc = write_alg(n, signer, err)) ||
	    (rc = write_certs(n, signer, err)) ||
	    (rc = ck_der_encode(n, "tbsResponseData", &tbs, &tbs_len, err)))
		goto out;
	td.data = tbs;
	td.size = (unsigned)tbs_len;
	if ((ret = gnutls_privkey_sign_data2(signer->key, signer->sign, 0, &td, &sig)) < 0) {
		rc = ck_error_set(err, CK_E_INTERNAL, "cannot sign the OCSP answer: %s", gnutls_strerror(ret));
		goto out;
	}
	if ((rc = ck_der_write(n, "signature", sig.data, sig.size * 8, err)))
		goto out;
	rc = ck_der_encode(n, "", out, out_len, err);
out:
	gnutls_free(sig.data);
	free(tbs);
	if (n)
		asn1_delete_structure(&n);
	return rc;
}

/* An OCSPResponse: `status`, and `basic_der` as its responseBytes when
 * not NULL. */
static enum ck_status wrap(const char *status, const unsigned char *basic_der, size_t basic_len,
			   unsigned char **out, size_t *out_len, struct ck_error *err)
{
	asn1_node n = NULL;
	enum ck_status rc;

	if (!(rc = ck_der_create("CHAINKIT.OCSPResponse", &n, err)) &&
	    !(rc = ck_der_write(n, "responseStatus", status, 0, err))) {
		if (basic_der) {
			if (!(rc = ck_der_write(n, "responseBytes.responseType", OID_PKIX_OCSP_BASIC, 1, err)))
				rc = ck_der_write(n, "responseBytes.response", basic_der, basic_len, err);
		} else {
			rc = ck_der_write(n, "responseBytes", NULL, 0, err);
		}
	}
	if (!rc)
		rc = ck_der_encode(n, "", out, out_len, err);
	if (n)
		asn1_delete_structure(&n);
	return rc;
}

/* Read the requests; false when the request is malformed. */
static bool read_requests(const struct ck_ocspserve *r, asn1_node req, struct one *q, unsigned *nq)
{
	unsigned i;

	for (i = 1;; i++) {
		char name[96];
		unsigned char s[128];
		int slen = sizeof s;
		struct one *e;

		snprintf(name, sizeof name, "tbsRequest.requestList.?%u.reqCert.serialNumber", i);
		if (asn1_read_value(req, name, s, &slen) == ASN1_ELEMENT_NOT_FOUND)
			break;
		if (i > CK_OCSPSERVE_MAX_REQUESTS)
			return false;
		e = &q[i - 1];
		memset(e, 0, sizeof *e);
		e->idx = i;
		if (slen <= 0 || slen > (int)sizeof s)
			return false;
		e->too_long = !norm_serial(s, (size_t)slen, e->serial, &e->serial_len);
		e->ca = match_ca(r, req, i);
	}
	*nq = i - 1;
	return *nq > 0;
}

static void hex(const unsigned char *p, size_t n, char *out, size_t size)
{
	size_t k = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && k + 3 <= size; i++, k += 2)
		snprintf(out + k, size - k, "%02x", p[i]);
}

enum ck_status ck_ocspserve_answer(const struct ck_ocspserve *r, const unsigned char *req,
				   size_t len, const struct ck_ocspserve_opts *o,
				   unsigned char **out, size_t *out_len,
				   struct ck_ocspserve_result *res, struct ck_error *err)
{
	asn1_node n = NULL;
	struct one *q = calloc(CK_OCSPSERVE_MAX_REQUESTS, sizeof *q);
	unsigned nq = 0;
	const struct ca *signer = NULL;
	unsigned char *b = NULL;
	size_t blen = 0;
	struct ck_error derr;
	enum ck_status rc;

	memset(res, 0, sizeof *res);
	if (!q)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ck_error_clear(&derr);
	if (ck_der_decode("CHAINKIT.OCSPRequest", req, len, &n, &derr) || !read_requests(r, n, q, &nq) ||
	    !nonce_ok(n)) {
		res->response_status = "malformedRequest";
		rc = wrap(res->response_status, NULL, 0, out, out_len, err);
		goto out;
	}
	res->nrequests = nq;
	hex(q[0].serial, q[0].serial_len, res->serial, sizeof res->serial);
	for (unsigned k = 0; k < nq && !signer; k++)
		signer = q[k].ca;
	if (!signer && r->n)
		signer = &r->cas[0];
	/* one answer has one signer, authorised for its own CA only (RFC
	 * 6960 4.2.2.2): a certificate of another CA in the same request is
	 * unknown here, not good or revoked under the wrong key */
	for (unsigned k = 0; k < nq; k++)
		if (q[k].ca && q[k].ca != signer)
			q[k].ca = NULL;
	if (!signer) {
		res->response_status = "unauthorized";
		rc = wrap(res->response_status, NULL, 0, out, out_len, err);
		goto out;
	}
	if ((rc = basic(signer, n, q, nq, o, &b, &blen, res, err)))
		goto out;
	res->response_status = "successful";
	rc = wrap(res->response_status, b, blen, out, out_len, err);
out:
	free(b);
	free(q);
	if (n)
		asn1_delete_structure(&n);
	return rc;
}
