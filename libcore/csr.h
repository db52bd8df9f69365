/* csr — a PKCS#10 certificate request (CSR), read for showing: who asks,
 * with which key, for which extensions, and whether the request is signed
 * by the key it carries (proof of possession). */
#ifndef CK_CSR_H
#define CK_CSR_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>

struct ck_csr_ext {
	char *oid;      /* dotted */
	bool critical;
};

struct ck_csr {
	char *subject;          /* RFC 4514, "" when empty */
	const char *key_type;   /* "RSA", "EC", ... (static) */
	unsigned key_bits;
	char *sig_algo;         /* "RSA-SHA256", ... */
	bool sig_valid;         /* signed by the key it carries */
	struct ck_csr_ext *exts; /* the requested extensions */
	size_t nexts;
	char **sans;            /* requested subjectAltNames, "DNS:..." */
	size_t nsans;
	char *pem_label;        /* NULL for DER */
};

/* Does data[0..len) look like a CSR: a PEM CERTIFICATE REQUEST block
 * (in a file without certificates, which is a bundle),
 * or DER whose structure is a CertificationRequest?  (To choose it over
 * a certificate bundle; ck_csr_parse says what is wrong with it.) */
bool ck_csr_sniff(const unsigned char *data, size_t len);

/* Read a CSR, PEM or DER (data borrowed).  *out is the caller's
 * (ck_csr_free); CK_E_PARSE with err saying why. */
enum ck_status ck_csr_parse(const unsigned char *data, size_t len, struct ck_csr **out,
			    struct ck_error *err);

void ck_csr_free(struct ck_csr *c); /* NULL: no-op */

#endif
