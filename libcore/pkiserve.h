/* pkiserve — what aiaserve serves: a PKI's certificates and CRLs as
 * HTTP resources, each under one path, built from files.
 *
 * Naming (aiaserve(1) documents it): a file that holds one certificate
 * gives /BASE.crt (the DER) and /BASE.p7c (a certs-only PKCS#7 of it),
 * BASE being the file's name without its extension; a file with several
 * certificates names each after its subject's commonName (lower case,
 * every run of other characters than [a-z0-9] a '-').  CRLs the same,
 * as /BASE.crl (the bytes as given when DER, else their DER), named by
 * the issuer's commonName when a file holds several.  The same path
 * twice is refused unless the bytes are the same (a .crt and a .der of
 * one certificate). */
#ifndef CK_PKISERVE_H
#define CK_PKISERVE_H

#include "err.h"
#include "load.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum ck_serve_kind {
	CK_SERVE_CERT, /* application/pkix-cert */
	CK_SERVE_P7C,  /* application/pkcs7-mime */
	CK_SERVE_CRL,  /* application/pkix-crl */
};

struct ck_serve_item {
	char *path;               /* "/int-ca.crt" */
	enum ck_serve_kind kind;
	unsigned char *data;      /* the body */
	size_t len;
	char *subject;            /* the certificate's subject, the CRL's issuer (RFC 4514) */
	char *source;             /* the file it came from */
};

struct ck_serve_set {
	struct ck_serve_item *items; /* in the order found (a directory: by file name) */
	size_t n;
};

void ck_serve_set_init(struct ck_serve_set *s);
void ck_serve_set_cleanup(struct ck_serve_set *s);

/* Add what `path` holds: a regular file (certificates in any format
 * load reads, or CRLs, PEM or DER), or a directory, whose files are
 * added in name order (not its subdirectories; files holding neither
 * certificates nor CRLs, keys among them, are skipped there).  `opts`
 * as for ck_bundle_load_file.  CK_E_PARSE when a file given by name
 * holds neither, CK_E_USAGE for a path given twice with other bytes. */
enum ck_status ck_serve_add(struct ck_serve_set *s, const char *path,
			    const struct ck_load_opts *opts, struct ck_error *err);

/* The item served at `path` (borrowed), NULL if none. */
const struct ck_serve_item *ck_serve_find(const struct ck_serve_set *s, const char *path);

/* "application/pkix-cert", ... */
const char *ck_serve_content_type(enum ck_serve_kind kind);

/* "certificate", "pkcs7", "crl" */
const char *ck_serve_kind_name(enum ck_serve_kind kind);

/* Another item of the same kind as `it` with another subject (the next
 * one after it, in order, wrapping round), NULL if there is none. */
const struct ck_serve_item *ck_serve_other(const struct ck_serve_set *s,
					   const struct ck_serve_item *it);

/* Re-sign a CRL (DER, borrowed) with `key` as `issuer`'s (the key must
 * be the issuer's: CK_E_USAGE if its public key differs): the same
 * entries and extensions, thisUpdate and nextUpdate as given, and
 * cRLNumber set to `this_update` (seconds since 1970), so that each
 * re-signed CRL has a greater number than the ones before it.
 * *out (free it) and *out_len are the DER. */
enum ck_status ck_serve_crl_resign(const unsigned char *der, size_t len, const struct ck_key *key,
				   const struct ck_cert *issuer, time_t this_update,
				   time_t next_update, unsigned char **out, size_t *out_len,
				   struct ck_error *err);

#endif
