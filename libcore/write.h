/* write — output files that are either complete or absent.
 *
 * Data goes to a temporary file in the target's directory, is flushed to
 * disk, and is moved into place only when complete.  An existing file is
 * never replaced without `force` (the final link(2) refuses atomically),
 * and a file holding a private key is created 0600 whatever the umask. */
#ifndef CK_WRITE_H
#define CK_WRITE_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ck_write_opts {
	bool force;     /* replace an existing file */
	bool secret;    /* mode 0600: a private key is inside */
};

/* An output being written; "-" writes to stdout directly. */
struct ck_out;

/* Start writing `path`.  Fails with CK_E_EXISTS at once when the file
 * exists and force is off, so no work is wasted. */
enum ck_status ck_out_open(const char *path, const struct ck_write_opts *opts,
			   struct ck_out **out, struct ck_error *err);

/* The stream to write to. */
FILE *ck_out_file(struct ck_out *o);

/* Flush, sync and move into place.  On any failure the temporary file
 * is removed and nothing is left behind.  Frees `o`. */
enum ck_status ck_out_commit(struct ck_out *o, struct ck_error *err);

/* Remove the temporary file and free `o` (NULL is a no-op). */
void ck_out_abort(struct ck_out *o);

/* Convenience: write `len` bytes to `path` with the rules above. */
enum ck_status ck_write_file(const char *path, const void *data, size_t len,
			     const struct ck_write_opts *opts, struct ck_error *err);

/* ---- certificates out ---- */

struct ck_cert;

enum ck_cert_encoding {
	CK_ENC_PEM,   /* concatenated CERTIFICATE blocks */
	CK_ENC_PKCS7, /* a certs-only PKCS#7 SignedData, DER (.p7b) */
};

/* Encode certificates (borrowed) into a new buffer *out (malloc'ed). */
enum ck_status ck_encode_certs(const struct ck_cert *const *certs, size_t n,
			       enum ck_cert_encoding how, unsigned char **out, size_t *len,
			       struct ck_error *err);

/* A directory of files that appears complete or not at all: files go
 * into a temporary directory beside it, which is renamed into place.
 * An existing `path` is replaced only with `force`, and only when it
 * holds nothing but regular files ending in `suffix` (what an earlier
 * run wrote), so that --force cannot wipe an unrelated directory; the
 * swap is atomic (renameat2 RENAME_EXCHANGE), then the old files are
 * removed. */
struct ck_outdir;

enum ck_status ck_outdir_open(const char *path, const char *suffix,
			      const struct ck_write_opts *opts, struct ck_outdir **out,
			      struct ck_error *err);
/* Add a file `name` (no '/', ends in the suffix). */
enum ck_status ck_outdir_add(struct ck_outdir *d, const char *name, const void *data,
			     size_t len, struct ck_error *err);
/* Sync and move into place; on failure nothing is left.  Frees `d`. */
enum ck_status ck_outdir_commit(struct ck_outdir *d, struct ck_error *err);
/* Remove the temporary directory and free `d` (NULL is a no-op). */
void ck_outdir_abort(struct ck_outdir *d);

#endif
