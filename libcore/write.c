/* write — temp file + rename, no overwrite without force, 0600 keys.
 *
 * Without force the final step is link(tmp, target), which fails with
 * EEXIST if someone created the target meanwhile; with force it is
 * rename(), which replaces atomically.  Filesystems without hard links
 * fall back to an existence check before rename().  Directories of
 * files (ck_outdir_*) are written in a temporary directory and renamed
 * into place whole. */
#include "config.h"

#include "write.h"
#include "cert.h"
#include "export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ck_out {
	char *path;
	char *tmp;      /* NULL for stdout */
	FILE *f;
	struct ck_write_opts opts;
};

FILE *ck_out_file(struct ck_out *o)
{
	return o->f;
}

static void out_free(struct ck_out *o)
{
	free(o->path);
	free(o->tmp);
	free(o);
}

/* Create "DIR/.NAME.XXXXXX" exclusively: a file (returns its
 * descriptor) with mode 0600 for secrets and otherwise 0666 less the
 * umask, or a directory (returns 0) with 0777 less the umask.  The
 * kernel applies the umask: reading it would mean setting it, and it is
 * shared by every thread. */
static int create_temp(char *tmp, size_t size, const char *dir, const char *name, bool secret,
		       bool directory)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[6];

	for (int attempt = 0; attempt < 100; attempt++) {
		char suffix[7];
		int fd;
		if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof rnd) < 0) {
			errno = EIO;
			return -1;
		}
		for (size_t i = 0; i < sizeof rnd; i++)
			suffix[i] = chars[rnd[i] % (sizeof chars - 1)];
		suffix[6] = '\0';
		snprintf(tmp, size, "%s/.%s.%s", dir, name, suffix);
		if (directory)
			fd = mkdir(tmp, 0777);
		else
			fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
				  secret ? 0600 : 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

enum ck_status ck_out_open(const char *path, const struct ck_write_opts *opts,
			   struct ck_out **out, struct ck_error *err)
{
	struct ck_out *o = calloc(1, sizeof *o);
	char *dircopy = NULL;
	int fd = -1;
	enum ck_status rc = CK_OK;
	struct stat st;

	ck_error_set_file(err, path);
	if (!o)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (opts)
		o->opts = *opts;
	o->path = strdup(path);
	if (!o->path) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		*out = o;
		return CK_OK;
	}
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			rc = ck_error_set(err, CK_E_IO, "is a directory");
			goto fail;
		}
		if (!o->opts.force) {
			rc = ck_error_set(err, CK_E_EXISTS, "file exists (use --force to replace it)");
			goto fail;
		}
	}
	dircopy = strdup(path);
	o->tmp = malloc(strlen(path) + 32);
	if (!dircopy || !o->tmp) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	fd = create_temp(o->tmp, strlen(path) + 32, dirname(dircopy),
			 strrchr(path, '/') ? strrchr(path, '/') + 1 : path, o->opts.secret, false);
	if (fd < 0) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot create a file in its directory");
		free(o->tmp);
		o->tmp = NULL;
		goto fail;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot open");
		goto fail;
	}
	fd = -1;
	free(dircopy);
	*out = o;
	return CK_OK;
fail:
	if (fd >= 0)
		close(fd);
	if (o->tmp)
		unlink(o->tmp);
	free(dircopy);
	out_free(o);
	return rc;
}

void ck_out_abort(struct ck_out *o)
{
	if (!o)
		return;
	if (o->tmp) {
		if (o->f)
			fclose(o->f);
		unlink(o->tmp);
	}
	out_free(o);
}

enum ck_status ck_out_commit(struct ck_out *o, struct ck_error *err)
{
	enum ck_status rc = CK_OK;
	FILE *f = o->f;

	ck_error_set_file(err, o->path);
	if (!o->tmp) {
		if (fflush(f) != 0 || ferror(f))
			rc = ck_error_set_errno(err, CK_E_IO, errno, "write error");
		out_free(o);
		return rc;
	}
	o->f = NULL;
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		rc = ck_error_set_errno(err, CK_E_IO, errno ? errno : EIO, "write error");
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "write error");
		goto out;
	}
	if (o->opts.force) {
		if (rename(o->tmp, o->path) != 0)
			rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot replace");
	} else if (link(o->tmp, o->path) != 0) {
		if (errno == EEXIST) {
			rc = ck_error_set(err, CK_E_EXISTS, "file exists (use --force to replace it)");
		} else if (access(o->path, F_OK) != 0 && rename(o->tmp, o->path) == 0) {
			/* no hard links here: checked, then renamed */
		} else {
			rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot create");
		}
	}
out:
	unlink(o->tmp); /* after link(): the extra name; after rename(): gone */
	out_free(o);
	return rc;
}

enum ck_status ck_write_file(const char *path, const void *data, size_t len,
			     const struct ck_write_opts *opts, struct ck_error *err)
{
	struct ck_out *o = NULL;
	enum ck_status rc = ck_out_open(path, opts, &o, err);
	if (rc)
		return rc;
	if (len && fwrite(data, 1, len, ck_out_file(o)) != len) {
		ck_out_abort(o);
		return ck_error_set_errno(err, CK_E_IO, errno, "write error");
	}
	return ck_out_commit(o, err);
}

/* ---------------------------------------------------------------- */
/* certificates out */

/* One implementation of each encoding: export.c's (its PKCS#7 keeps the
 * order of the certificates, which GnuTLS's writer sorts). */
enum ck_status ck_encode_certs(const struct ck_cert *const *certs, size_t n,
			       enum ck_cert_encoding how, unsigned char **out, size_t *len,
			       struct ck_error *err)
{
	struct ck_buf buf;
	enum ck_status rc = CK_OK;

	ck_buf_init(&buf);
	if (how == CK_ENC_PKCS7)
		rc = ck_export_pkcs7(certs, n, &buf, err);
	for (size_t i = 0; how != CK_ENC_PKCS7 && i < n && !rc; i++)
		rc = ck_export_cert_pem(certs[i], false, &buf, err);
	if (!rc && !buf.data && !(buf.data = malloc(1)))
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (rc) {
		ck_buf_cleanup(&buf);
		return rc;
	}
	*out = buf.data;
	*len = buf.len;
	return CK_OK;
}

struct ck_outdir {
	char *path, *tmp, *suffix;
	bool replace; /* the target exists and may be replaced */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Remove the regular files of `dir` and `dir` itself. */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

/* Only regular files ending in `suffix`: something we may replace. */
static bool replaceable(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool ok = d != NULL;
	while (ok && (de = readdir(d))) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ok = ends_with(de->d_name, suffix) && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		     S_ISREG(st.st_mode);
	}
	if (d)
		closedir(d);
	return ok;
}

static void outdir_free(struct ck_outdir *d)
{
	free(d->path);
	free(d->tmp);
	free(d->suffix);
	free(d);
}

enum ck_status ck_outdir_open(const char *path, const char *suffix,
			      const struct ck_write_opts *opts, struct ck_outdir **out,
			      struct ck_error *err)
{
	struct ck_outdir *d = calloc(1, sizeof *d);
	char *dircopy = NULL;
	struct stat st;
	enum ck_status rc = CK_OK;
	size_t tl = strlen(path) + 32;

	ck_error_set_file(err, path);
	if (!d || !(d->path = strdup(path)) || !(d->suffix = strdup(suffix)) ||
	    !(dircopy = strdup(path)) || !(d->tmp = malloc(tl))) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	if (lstat(path, &st) == 0) {
		if (!opts || !opts->force) {
			rc = ck_error_set(err, CK_E_EXISTS, "exists (use --force to replace it)");
			goto fail;
		}
		if (!S_ISDIR(st.st_mode) || !replaceable(path, suffix)) {
			rc = ck_error_set(err, CK_E_EXISTS,
					  "exists and is not a directory of %s files written earlier: not replaced",
					  suffix);
			goto fail;
		}
		d->replace = true;
	}
	if (create_temp(d->tmp, tl, dirname(dircopy), strrchr(path, '/') ? strrchr(path, '/') + 1 : path,
			false, true) < 0) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot create a directory beside it");
		goto fail;
	}
	free(dircopy);
	*out = d;
	return CK_OK;
fail:
	free(dircopy);
	if (d) {
		free(d->tmp);
		d->tmp = NULL;
		outdir_free(d);
	}
	return rc;
}

enum ck_status ck_outdir_add(struct ck_outdir *d, const char *name, const void *data,
			     size_t len, struct ck_error *err)
{
	char full[4096];
	int fd;
	const unsigned char *p = data;
	size_t done = 0;

	if (strchr(name, '/') || !ends_with(name, d->suffix) || name[0] == '.')
		return ck_error_set(err, CK_E_USAGE, "bad file name '%s'", name);
	if ((size_t)snprintf(full, sizeof full, "%s/%s", d->tmp, name) >= sizeof full)
		return ck_error_set(err, CK_E_IO, "file name too long");
	fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666); /* less the umask */
	if (fd < 0)
		return ck_error_set_errno(err, CK_E_IO, errno, "cannot create %s", name);
	while (done < len) {
		ssize_t w = write(fd, p + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			close(fd);
			return ck_error_set_errno(err, CK_E_IO, e, "write error");
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0) {
		int e = errno;
		close(fd);
		return ck_error_set_errno(err, CK_E_IO, e, "write error");
	}
	if (close(fd) != 0)
		return ck_error_set_errno(err, CK_E_IO, errno, "write error");
	return CK_OK;
}

enum ck_status ck_outdir_commit(struct ck_outdir *d, struct ck_error *err)
{
	enum ck_status rc = CK_OK;
	int fd;

	ck_error_set_file(err, d->path);
	fd = open(d->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	if (d->replace) {
		/* swap the two directories at once; the old files end up
		 * under the temporary name and are removed there */
		if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->path, RENAME_EXCHANGE) != 0)
			rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot replace");
	} else if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->path, RENAME_NOREPLACE) != 0) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			rc = ck_error_set(err, CK_E_EXISTS, "exists (use --force to replace it)");
		else if (errno == EINVAL && access(d->path, F_OK) != 0 && rename(d->tmp, d->path) == 0)
			; /* a filesystem without RENAME_NOREPLACE: checked, then renamed */
		else
			rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot create");
	}
	remove_tree(d->tmp); /* the old files, or ours after a failure */
	outdir_free(d);
	return rc;
}

void ck_outdir_abort(struct ck_outdir *d)
{
	if (!d)
		return;
	remove_tree(d->tmp);
	outdir_free(d);
}
