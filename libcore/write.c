/* write — temp file + rename, no overwrite without force, 0600 keys.
 *
 * Without force the final step is link(tmp, target), which fails with
 * EEXIST if someone created the target meanwhile; with force it is
 * rename(), which replaces atomically.  Filesystems without hard links
 * fall back to an existence check before rename().  Directories of
 * files (ck_outdir_*) are written in a temporary directory and renamed
 * into place whole.
 *
 * What is at the path is looked at with lstat(2) once (plan()); a FIFO
 * or device is then opened with O_NOFOLLOW | O_NONBLOCK and fstat(2)
 * must show the same object, so a swap between the two is refused, not
 * followed.  Temporary files are never opened through a link (O_EXCL). */
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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ck_out {
	char *path;
	char *tmp;      /* NULL for stdout and for devices and pipes */
	FILE *f;
	bool direct;    /* f was opened on a device or pipe: close it */
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

static void temp_event(const struct ck_write_opts *o, enum ck_temp_event ev, const char *path,
		       bool is_dir)
{
	if (o && o->temp_hook)
		o->temp_hook(o->temp_ctx, ev, path, is_dir);
}

/* Create "DIR/.NAME.XXXXXX" exclusively: a file (returns its
 * descriptor) with mode 0600 for secrets and otherwise 0666 less the
 * umask, or a directory (returns 0) with 0777 less the umask.  The
 * kernel applies the umask: reading it would mean setting it, and it is
 * shared by every thread.  NAME is cut so that the name fits NAME_MAX:
 * an output name of 248 bytes or more is still writable. */
static int create_temp(char *tmp, size_t size, const char *dir, const char *name,
		       const struct ck_write_opts *o, bool secret, bool directory)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[6];
	int keep = (int)strnlen(name, NAME_MAX - 8); /* "." + NAME + ".XXXXXX" */

	for (int attempt = 0; attempt < 100; attempt++) {
		char suffix[7];
		int fd, e;
		if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof rnd) < 0) {
			errno = EIO;
			return -1;
		}
		for (size_t i = 0; i < sizeof rnd; i++)
			suffix[i] = chars[rnd[i] % (sizeof chars - 1)];
		suffix[6] = '\0';
		snprintf(tmp, size, "%s/.%.*s.%s", dir, keep, name, suffix);
		temp_event(o, CK_TEMP_CREATING, tmp, directory);
		if (directory)
			fd = mkdir(tmp, 0777);
		else
			fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW,
				  secret ? 0600 : 0666);
		e = errno;
		temp_event(o, fd >= 0 ? CK_TEMP_CREATED : CK_TEMP_GONE, tmp, directory);
		errno = e;
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static void remove_temp(const struct ck_write_opts *o, const char *tmp)
{
	unlink(tmp);
	temp_event(o, CK_TEMP_GONE, tmp, false);
}

static const char *kind_of(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" :
	       S_ISLNK(m) ? "a symbolic link" : "a file";
}

/* How `path` is written, from what lstat(2) finds there: CK_OK with
 * *direct (write into the FIFO or device itself) or not (a temporary
 * file renamed into place), or why not.  *st is what was found
 * (st_mode 0: nothing). */
static enum ck_status plan(const char *path, const struct ck_write_opts *o, struct stat *st,
			   bool *direct, struct ck_error *err)
{
	struct stat target;
	char link[16];
	ssize_t n;

	*direct = false;
	if (lstat(path, st) != 0) {
		/* nothing there, or nothing we can see: creating the
		 * temporary file says why if it matters */
		memset(st, 0, sizeof *st);
		return CK_OK;
	}
	if (S_ISDIR(st->st_mode))
		return ck_error_set(err, CK_E_IO, "is a directory");
	if (!S_ISREG(st->st_mode) && !S_ISLNK(st->st_mode) && !S_ISFIFO(st->st_mode) &&
	    !S_ISCHR(st->st_mode))
		return ck_error_set(err, CK_E_IO, "not a regular file: not replaced");
	if (!o->force) {
		if (S_ISREG(st->st_mode))
			return ck_error_set(err, CK_E_EXISTS, "file exists (use --force to replace it)");
		return ck_error_set(err, CK_E_EXISTS, "exists and is %s: not %s without --force",
				    kind_of(st->st_mode),
				    S_ISLNK(st->st_mode) ? "replaced" : "written to");
	}
	if (o->secret && st->st_uid != geteuid())
		return ck_error_set(err, CK_E_EXISTS,
				    "is %s of another user: a private key is not written %s it, "
				    "even with --force",
				    kind_of(st->st_mode),
				    S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode) ? "into" : "over");
	if (S_ISLNK(st->st_mode)) {
		/* the link is replaced, its target left alone; but a link to
		 * a FIFO, a device or a descriptor (/dev/stdout) means "write
		 * there", and replacing it would break the system's /dev */
		n = readlink(path, link, sizeof link);
		if ((n >= 6 && !memcmp(link, "/proc/", 6)) ||
		    (stat(path, &target) == 0 && !S_ISREG(target.st_mode)))
			return ck_error_set(err, CK_E_EXISTS,
					    "is a symbolic link to a FIFO, a device or a descriptor: "
					    "name it directly, or use '-' for standard output");
	}
	*direct = S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode);
	return CK_OK;
}

/* Open the FIFO or device `path` that plan() found as *seen: no link
 * followed, no wait for a reader, and the same object as before. */
static enum ck_status open_direct(struct ck_out *o, const struct stat *seen, struct ck_error *err)
{
	struct stat st;
	int fd = open(o->path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	int flags;

	if (fd < 0) {
		if (errno == ENXIO)
			return ck_error_set(err, CK_E_IO, "a FIFO that nobody reads: not written");
		if (errno == ELOOP)
			return ck_error_set(err, CK_E_EXISTS,
					    "became a symbolic link while being opened: not followed");
		return ck_error_set_errno(err, CK_E_IO, errno, "cannot open");
	}
	if (fstat(fd, &st) != 0 || st.st_dev != seen->st_dev || st.st_ino != seen->st_ino ||
	    (st.st_mode & S_IFMT) != (seen->st_mode & S_IFMT) ||
	    (o->opts.secret && st.st_uid != geteuid())) {
		close(fd);
		return ck_error_set(err, CK_E_EXISTS, "changed while being opened: not written");
	}
	/* a slow reader may make us wait from here on, as any pipe does */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 || !(o->f = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		return ck_error_set_errno(err, CK_E_IO, e, "cannot open");
	}
	o->direct = true;
	return CK_OK;
}

/* Create the temporary file beside o->path: o->tmp and o->f. */
static enum ck_status open_temp(struct ck_out *o, struct ck_error *err)
{
	const char *slash = strrchr(o->path, '/');
	size_t size = strlen(o->path) + 32;
	char *dircopy = strdup(o->path);
	enum ck_status rc = CK_OK;
	int fd;

	o->tmp = malloc(size);
	if (!dircopy || !o->tmp) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	fd = create_temp(o->tmp, size, dirname(dircopy), slash ? slash + 1 : o->path, &o->opts,
			 o->opts.secret, false);
	if (fd < 0) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot create a file in its directory");
		goto out;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot open");
		close(fd);
		remove_temp(&o->opts, o->tmp);
	}
out:
	if (rc) {
		free(o->tmp);
		o->tmp = NULL;
	}
	free(dircopy);
	return rc;
}

enum ck_status ck_out_open(const char *path, const struct ck_write_opts *opts,
			   struct ck_out **out, struct ck_error *err)
{
	struct ck_out *o = calloc(1, sizeof *o);
	enum ck_status rc = CK_OK;
	struct stat st;
	bool direct;

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
	rc = plan(path, &o->opts, &st, &direct, err);
	if (!rc)
		rc = direct ? open_direct(o, &st, err) : open_temp(o, err);
	if (rc)
		goto fail;
	*out = o;
	return CK_OK;
fail:
	out_free(o);
	return rc;
}

enum ck_status ck_out_check(const char *path, const struct ck_write_opts *opts,
			    struct ck_error *err)
{
	struct ck_write_opts o = { 0 };
	struct ck_out *out = NULL;
	struct stat st;
	bool direct;
	enum ck_status rc;

	if (opts)
		o = *opts;
	ck_error_set_file(err, path);
	if (strcmp(path, "-") == 0)
		return CK_OK;
	rc = plan(path, &o, &st, &direct, err);
	if (rc || direct)
		return rc;
	rc = ck_out_open(path, &o, &out, err);
	ck_out_abort(out);
	return rc;
}

void ck_out_abort(struct ck_out *o)
{
	if (!o)
		return;
	if (o->tmp) {
		if (o->f)
			fclose(o->f);
		remove_temp(&o->opts, o->tmp);
	} else if (o->direct) {
		fclose(o->f);
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
			rc = ck_error_set_errno(err, CK_E_IO, errno ? errno : EIO, "write error");
		if (o->direct && fclose(f) != 0 && !rc)
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
	remove_temp(&o->opts, o->tmp); /* after link(): the extra name; after rename(): gone */
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
	struct ck_write_opts opts;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* OpenSSL's hashed names: 8 lowercase hex digits, '.', a number. */
static bool hashed_name(const char *s)
{
	size_t i;
	for (i = 0; i < 8; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			return false;
	if (s[8] != '.' || !s[9])
		return false;
	for (i = 9; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool name_fits(const char *name, const char *suffix)
{
	if (!strcmp(suffix, CK_OUTDIR_HASHED))
		return hashed_name(name);
	return ends_with(name, suffix);
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
		ok = name_fits(de->d_name, suffix) && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
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
	if (opts)
		d->opts = *opts;
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
			&d->opts, false, true) < 0) {
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

	if (strchr(name, '/') || !name_fits(name, d->suffix) || name[0] == '.')
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
	temp_event(&d->opts, CK_TEMP_GONE, d->tmp, true);
	outdir_free(d);
	return rc;
}

void ck_outdir_abort(struct ck_outdir *d)
{
	if (!d)
		return;
	remove_tree(d->tmp);
	temp_event(&d->opts, CK_TEMP_GONE, d->tmp, true);
	outdir_free(d);
}
