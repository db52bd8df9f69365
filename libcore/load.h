/* load — sniff and decode every input format into a bundle.
 *
 * Formats: PKCS#12/PFX, Java KeyStores (JKS, JCEKS: see jks.h), PEM
 * (any number of certificate, PKCS#7 and key blocks, with text around
 * them), DER (certificate, PKCS#7 SignedData in DER or BER, PKCS#12,
 * PKCS#8 key), and unarmoured base64 of any DER form.  A bundle owns everything in it.  Passwords come through
 * struct ck_password; load never prompts or prints. */
#ifndef CK_LOAD_H
#define CK_LOAD_H

#include "bundle.h"
#include "key.h"
#include "cert.h"
#include "err.h"
#include "findings.h"

#include <stdbool.h>
#include <stddef.h>

#define CK_LOAD_MAX_SIZE_DEFAULT (64u * 1024 * 1024)

struct ck_load_opts {
	size_t max_size;                  /* 0: CK_LOAD_MAX_SIZE_DEFAULT */
	const struct ck_password *password; /* may be NULL */
	/* An input without certificates or keys (an empty keystore) is not
	 * an error: trust stores may be empty. */
	bool allow_empty;
	/* Key-derivation budget of a PKCS#12 file, in iterations (see
	 * ck_pkcs12_load); 0: CK_P12_KDF_BUDGET_DEFAULT. */
	unsigned long long kdf_budget;
	/* Threads that decode the certificates of a long PEM file; 0 = one
	 * per online processor.  The bundle is the same for any number. */
	unsigned threads;
	/* Formats to refuse, for tools that expect one kind. Not used yet. */
};

/* Load bytes already in memory.  `name` labels the bundle (copied). */
enum ck_status ck_bundle_load_mem(const unsigned char *data, size_t len,
				  const char *name,
				  const struct ck_load_opts *opts,
				  struct ck_bundle **out, struct ck_error *err);

/* Read a file ("-" is stdin) and load it.  Refuses directories and
 * files over the size limit before reading them.  A PEM bundle is read
 * a piece at a time (ck_bundle_load_path). */
enum ck_status ck_bundle_load_file(const char *path,
				   const struct ck_load_opts *opts,
				   struct ck_bundle **out, struct ck_error *err);

/* The first step of ck_bundle_load_file, for a caller that looks at
 * other inputs itself: a file whose first MB holds a certificate PEM
 * block is loaded a piece at a time (never held whole: a bundle of
 * 100,000 certificates costs its records, not its text too) into *out,
 * as ck_bundle_load_mem would load it; any other file is not loaded
 * but read whole into *whole and *whole_len (NUL-terminated, as
 * ck_read_file), *out set to NULL.  The caller frees *whole. */
enum ck_status ck_bundle_load_path(const char *path, const struct ck_load_opts *opts,
				   unsigned char **whole, size_t *whole_len,
				   struct ck_bundle **out, struct ck_error *err);

/* Read a whole file ("-" is stdin) with the size limit.  *out is
 * malloc'ed (NUL-terminated for convenience; *len excludes it). */
enum ck_status ck_read_file(const char *path, size_t max_size,
			    unsigned char **out, size_t *len,
			    struct ck_error *err);

/* The same from an open descriptor (borrowed: not closed), read from
 * its current offset; `name` labels errors. */
enum ck_status ck_read_fd(int fd, const char *name, size_t max_size, unsigned char **out,
			  size_t *len, struct ck_error *err);

/* The DER of an input, for tools that show its structure rather than
 * load it: the input itself (DER), each PEM block of any label, or the
 * decoded base64 text.  A block that cannot be decoded (bad base64, an
 * encrypted PEM body) has `der` NULL and `err` saying why; the others
 * are still there. */
struct ck_der_blob {
	unsigned char *der;  /* owned; NULL when err.status is set */
	size_t len;
	char *label;         /* PEM label ("CERTIFICATE"), NULL for DER and base64 */
	unsigned line;       /* PEM: line of the BEGIN line; 0 otherwise */
	struct ck_error err;
};

struct ck_der_blobs {
	enum ck_format format; /* CK_FMT_DER, CK_FMT_PEM or CK_FMT_BASE64 */
	struct ck_der_blob *blobs;
	size_t n;
};

/* Split data[0..len) (`name` labels errors) into its DER blobs.  Fails
 * only for an input with nothing in it (empty, or PEM markers without a
 * block) or when out of memory. */
enum ck_status ck_der_blobs_load(const unsigned char *data, size_t len, const char *name,
				 struct ck_der_blobs **out, struct ck_error *err);
void ck_der_blobs_free(struct ck_der_blobs *b);

#endif
