/* export — certificates and keys in the forms the conversion tools
 * write: PEM, PKCS#7 certificates-only, base64 on one line, PKCS#8
 * (plain or encrypted).  The PKCS#12 writer is in pkcs12.h.
 *
 * Everything is produced into a struct ck_buf in memory; writing it to
 * a file is the job of write.h, so that nothing reaches the disk before
 * the whole output exists. */
#ifndef CK_EXPORT_H
#define CK_EXPORT_H

#include "cert.h"
#include "err.h"
#include "load.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* A growing byte buffer.  Its contents may be secret: cleanup wipes. */
struct ck_buf {
	unsigned char *data;
	size_t len, cap;
};

void ck_buf_init(struct ck_buf *b);
/* Wipe and free the contents; the buffer is empty afterwards. */
void ck_buf_cleanup(struct ck_buf *b);
/* Append n bytes (CK_E_NOMEM on failure; the old contents stay). */
enum ck_status ck_buf_append(struct ck_buf *b, const void *p, size_t n);

/* Append a PEM block ("-----BEGIN label-----", base64 in 64 columns,
 * "-----END label-----\n") holding `der`. */
enum ck_status ck_export_pem(const char *label, const unsigned char *der, size_t len,
			     struct ck_buf *out, struct ck_error *err);

/* Append a certificate as a CERTIFICATE block.  With `attributes`, the
 * friendly name and local key id the container gave it (if any) come
 * first as comment lines ("# friendlyName: ...", "# localKeyID: hex"),
 * which PEM readers skip. */
enum ck_status ck_export_cert_pem(const struct ck_cert *cert, bool attributes,
				  struct ck_buf *out, struct ck_error *err);

/* Append a private key as PKCS#8: "PRIVATE KEY" when `password` is
 * NULL, else "ENCRYPTED PRIVATE KEY" with PBES2, AES-256-CBC and
 * PBKDF2-HMAC-SHA256 (GnuTLS's iteration count).  `attributes` as
 * above. */
enum ck_status ck_export_key_pem(const struct ck_key *key, const char *password,
				 bool attributes, struct ck_buf *out, struct ck_error *err);

/* Append a DER PKCS#7 SignedData holding only `certs`, in this order
 * (RFC 5652's "degenerate" form: no content, no signers). */
enum ck_status ck_export_pkcs7(const struct ck_cert *const *certs, size_t ncerts,
			       struct ck_buf *out, struct ck_error *err);

/* OpenSSL's X509_NAME_hash of the certificate's subject (what c_rehash
 * and `openssl x509 -hash` print, the HASH of a -CApath directory's
 * HASH.N names): SHA-1 of the name in OpenSSL's canonical form, first
 * four bytes little-endian. */
enum ck_status ck_export_name_hash(const struct ck_cert *c, unsigned long *out,
				   struct ck_error *err);

/* Append a JKS keystore (version 2) holding `certs` as trusted
 * certificate entries named `aliases` (lowercase, distinct), dated
 * `date`, its integrity hash made with `password` (UTF-8). */
enum ck_status ck_export_jks(const struct ck_cert *const *certs, const char *const *aliases,
			     size_t ncerts, const char *password, time_t date,
			     struct ck_buf *out, struct ck_error *err);

/* Append `data` as base64 on one line, then a newline. */
enum ck_status ck_export_base64(const unsigned char *data, size_t len,
				struct ck_buf *out, struct ck_error *err);

#endif
