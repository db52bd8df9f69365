/* csr — PKCS#10 requests read with GnuTLS's gnutls_x509_crq_* (PEM or
 * DER), reduced to what chainview shows.  The signature is checked with
 * the request's own key: that is what a CA checks before issuing. */
#include "config.h"

#include "csr.h"
#include "cert.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

static bool is_pem_csr(const unsigned char *d, size_t len)
{
	return memmem(d, len, "-----BEGIN CERTIFICATE REQUEST-----", 35) ||
	       memmem(d, len, "-----BEGIN NEW CERTIFICATE REQUEST-----", 39);
}

static int import(gnutls_x509_crq_t crq, const unsigned char *d, size_t len)
{
	gnutls_datum_t dt = { (unsigned char *)d, (unsigned)len };
	return gnutls_x509_crq_import(crq, &dt, is_pem_csr(d, len) ? GNUTLS_X509_FMT_PEM :
								      GNUTLS_X509_FMT_DER);
}

bool ck_csr_sniff(const unsigned char *data, size_t len)
{
	gnutls_x509_crq_t crq;
	bool ok;

	if (len > 0xffffffffu)
		return false;
	/* a PEM file that also holds certificates is a bundle: its
	 * certificates are what it is shown for */
	if (is_pem_csr(data, len))
		return !memmem(data, len, "-----BEGIN CERTIFICATE-----", 27) &&
		       !memmem(data, len, "-----BEGIN X509 CERTIFICATE-----", 32) &&
		       !memmem(data, len, "-----BEGIN TRUSTED CERTIFICATE-----", 35);
	if (!len || data[0] != 0x30 || gnutls_x509_crq_init(&crq) < 0)
		return false;
	ok = import(crq, data, len) >= 0;
	gnutls_x509_crq_deinit(crq);
	return ok;
}

void ck_csr_free(struct ck_csr *c)
{
	if (!c)
		return;
	free(c->subject);
	free(c->sig_algo);
	for (size_t i = 0; i < c->nexts; i++)
		free(c->exts[i].oid);
	free(c->exts);
	for (size_t i = 0; i < c->nsans; i++)
		free(c->sans[i]);
	free(c->sans);
	free(c);
}

static const char *san_prefix(int type)
{
	switch (type) {
	case GNUTLS_SAN_DNSNAME: return "DNS:";
	case GNUTLS_SAN_RFC822NAME: return "email:";
	case GNUTLS_SAN_URI: return "URI:";
	case GNUTLS_SAN_IPADDRESS: return "IP:";
	default: return NULL;
	}
}

/* The requested subjectAltNames of the kinds shown as text. */
static enum ck_status read_sans(struct ck_csr *c, gnutls_x509_crq_t crq)
{
	for (unsigned i = 0; i < 256; i++) {
		char buf[1024], out[1100];
		size_t sz = sizeof buf - 1;
		unsigned crit;
		int type = gnutls_x509_crq_get_subject_alt_name(crq, i, buf, &sz, NULL, &crit);
		const char *pre;
		char **n;
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type < 0 || !(pre = san_prefix(type)))
			continue;
		if (type == GNUTLS_SAN_IPADDRESS) {
			char ip[INET6_ADDRSTRLEN];
			if ((sz != 4 && sz != 16) ||
			    !inet_ntop(sz == 4 ? AF_INET : AF_INET6, buf, ip, sizeof ip))
				continue;
			snprintf(out, sizeof out, "IP:%s", ip);
		} else {
			buf[sz] = '\0';
			snprintf(out, sizeof out, "%s%s", pre, buf);
		}
		n = realloc(c->sans, (c->nsans + 1) * sizeof *n);
		if (!n)
			return CK_E_NOMEM;
		c->sans = n;
		if (!(c->sans[c->nsans] = strdup(out)))
			return CK_E_NOMEM;
		c->nsans++;
	}
	return CK_OK;
}

static enum ck_status read_exts(struct ck_csr *c, gnutls_x509_crq_t crq)
{
	for (unsigned i = 0; i < 256; i++) {
		char oid[128];
		size_t sz = sizeof oid;
		unsigned crit = 0;
		struct ck_csr_ext *n;
		int ret = gnutls_x509_crq_get_extension_info(crq, i, oid, &sz, &crit);
		if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (ret < 0)
			return CK_E_PARSE;
		n = realloc(c->exts, (c->nexts + 1) * sizeof *n);
		if (!n)
			return CK_E_NOMEM;
		c->exts = n;
		c->exts[c->nexts].critical = crit != 0;
		if (!(c->exts[c->nexts].oid = strdup(oid)))
			return CK_E_NOMEM;
		c->nexts++;
	}
	return read_sans(c, crq);
}

enum ck_status ck_csr_parse(const unsigned char *data, size_t len, struct ck_csr **out,
			    struct ck_error *err)
{
	gnutls_x509_crq_t crq = NULL;
	gnutls_datum_t dn = { NULL, 0 };
	struct ck_csr *c = NULL;
	enum ck_status rc = CK_OK;
	const char *sn;
	unsigned bits = 0;
	int ret, algo;

	if (len > 0xffffffffu)
		return ck_error_set(err, CK_E_PARSE, "too large for a certificate request");
	if (gnutls_x509_crq_init(&crq) < 0 || !(c = calloc(1, sizeof *c))) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	if ((ret = import(crq, data, len)) < 0) {
		rc = ck_error_set(err, CK_E_PARSE, "not a readable certificate request (%s)",
				  gnutls_strerror(ret));
		goto out;
	}
	ret = gnutls_x509_crq_get_dn3(crq, &dn, 0);
	c->subject = ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? strdup("") :
		     ret < 0 ? NULL : ck_dn_clean(dn.data, dn.size);
	gnutls_free(dn.data);
	algo = gnutls_x509_crq_get_pk_algorithm(crq, &bits);
	c->key_type = ck_pk_algo_name(algo);
	c->key_bits = bits;
	ret = gnutls_x509_crq_get_signature_algorithm(crq);
	sn = ret >= 0 ? gnutls_sign_get_name((gnutls_sign_algorithm_t)ret) : NULL;
	c->sig_algo = strdup(sn ? sn : "unknown");
	c->sig_valid = gnutls_x509_crq_verify(crq, 0) >= 0;
	if (!c->subject || !c->sig_algo) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = read_exts(c, crq))) {
		rc = rc == CK_E_NOMEM ? ck_error_set(err, rc, "out of memory") :
		     ck_error_set(err, rc, "the requested extensions cannot be read");
		goto out;
	}
	*out = c;
	c = NULL;
out:
	ck_csr_free(c);
	if (crq)
		gnutls_x509_crq_deinit(crq);
	return rc;
}
