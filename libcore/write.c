/* write — temp file + rename, no overwrite without force, 0600 keys.
 *
 * Without force the final step is link(tmp, target), which fails with
 * EEXIST if someone created the target meanwhile; with force it is
 * rename(), which replaces atomically.  Filesystems without hard links
 * fall back to an existence check before rename(). */
#include "config.h"

#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libgen.h>
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

/* Create "DIR/.NAME.XXXXXX" exclusively, with mode 0600 for secrets and
 * otherwise 0666 less the umask, which the kernel applies: reading the
 * umask would mean setting it, and it is shared by every thread. */
static int create_temp(char *tmp, size_t size, const char *dir, const char *name, bool secret)
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
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, secret ? 0600 : 0666);
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
			 strrchr(path, '/') ? strrchr(path, '/') + 1 : path, o->opts.secret);
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
