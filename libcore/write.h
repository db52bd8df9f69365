/* write — output files that are either complete or absent.
 *
 * Data goes to a temporary file in the target's directory, is flushed to
 * disk, and is moved into place only when complete.  An existing file is
 * never replaced without `force` (the final link(2) refuses atomically),
 * and a file holding a private key is created 0600 whatever the umask.
 *
 * What may already be at the path:
 *   nothing            created
 *   a regular file     replaced only with `force`
 *   a symbolic link    replaced (the link, never its target) only with
 *                      `force`, and only when it leads to a regular file
 *                      or nowhere; a link to a FIFO, a device or a
 *                      descriptor (/dev/stdout) is refused
 *   a FIFO, a character device
 *                      written to (never replaced: renaming over
 *                      /dev/null as root would put a file there), only
 *                      with `force`; opened without following a link
 *                      and without blocking (a FIFO nobody reads is an
 *                      error, not a hang), then checked again with
 *                      fstat(2)
 *   anything else      refused (directories, sockets, block devices)
 * A secret (a private key, a PFX) is never written into or over
 * something another user owns (a FIFO, a device, a file or a link whose
 * owner is not the effective user), even with `force`: only "-" sends it
 * elsewhere. */
#ifndef CK_WRITE_H
#define CK_WRITE_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What the temporary-file hook is told. */
enum ck_temp_event {
	CK_TEMP_CREATING, /* `path` is about to be created */
	CK_TEMP_CREATED,  /* it was created: remove it if the process is killed */
	CK_TEMP_GONE,     /* it was not created, was removed or was renamed into place */
};

struct ck_write_opts {
	bool force;     /* replace an existing file, write into a FIFO or device */
	bool secret;    /* mode 0600: a private key is inside */
	/* Told of every temporary file and directory (NULL: nobody), so
	 * that a program can remove them when a signal ends it: CREATING
	 * then CREATED or GONE, later GONE.  Called in the writing thread;
	 * `path` is borrowed for the call. */
	void (*temp_hook)(void *ctx, enum ck_temp_event ev, const char *path, bool is_dir);
	void *temp_ctx;
};

/* An output being written; "-" writes to stdout directly. */
struct ck_out;

/* Start writing `path`.  Fails at once, so no work is wasted, with
 * CK_E_EXISTS when something is at the path and may not be written
 * (it exists and force is off; a link to a FIFO or a device; a secret
 * and another user's file, FIFO or device), CK_E_IO when it cannot be
 * (a directory, a socket, a FIFO that nobody reads, a directory we
 * cannot write to). */
enum ck_status ck_out_open(const char *path, const struct ck_write_opts *opts,
			   struct ck_out **out, struct ck_error *err);

/* The checks of ck_out_open, and whether a temporary file can be made
 * beside `path`, without opening a FIFO or a device (a reader would see
 * an early end) and leaving nothing behind. */
enum ck_status ck_out_check(const char *path, const struct ck_write_opts *opts,
			    struct ck_error *err);

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

/* The suffix for a directory of OpenSSL hashed names ("1a2b3c4d.0"):
 * its files are named HASH.N, not by an ending. */
#define CK_OUTDIR_HASHED "HASH.N"

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
