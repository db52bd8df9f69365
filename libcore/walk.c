/* walk — which files of the PATH operands are audited, in path order,
 * each once, and opening them again.  See walk.h. */
#include "config.h"

#include "walk.h"

#include "pwmap.h"

#include <dirent.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool any_match(const struct ck_walk_globs *globs, const char *path, const char *rel)
{
	for (size_t i = 0; i < globs->n; i++)
		if (ck_pwmap_glob_match(globs->v[i], path, rel))
			return true;
	return false;
}

static uint64_t dir_hash(uint64_t dev, uint64_t ino)
{
	uint64_t k = (dev << 40) ^ ino;
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

/* Add the directory: true if added; false if it was there, or out of
 * memory (w->nomem set: the walk stops with a message, not silently). */
static bool dirset_add(struct ck_walk *w, const struct stat *st)
{
	struct ck_dirset *s = &w->dirs;
	uint64_t dev = (uint64_t)st->st_dev, ino = (uint64_t)st->st_ino;
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct ck_dirkey *nk = calloc(cap, sizeof *nk);
		if (!nk) {
			w->nomem = true;
			return false;
		}
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->keys[j].used)
				continue;
			for (i = dir_hash(s->keys[j].dev, s->keys[j].ino) & (cap - 1); nk[i].used;
			     i = (i + 1) & (cap - 1))
				;
			nk[i] = s->keys[j];
		}
		free(s->keys);
		s->keys = nk;
		s->cap = cap;
	}
	for (i = dir_hash(dev, ino) & (s->cap - 1); s->keys[i].used; i = (i + 1) & (s->cap - 1))
		if (s->keys[i].dev == dev && s->keys[i].ino == ino)
			return false;
	s->keys[i] = (struct ck_dirkey){ dev, ino, true };
	s->n++;
	return true;
}

static bool bundle_name(const char *path)
{
	static const char *const ext[] = { "pem", "crt", "cer", "cert", "der", "p7b", "p7c", "p12", "pfx",
					   "jks", "jceks", NULL };
	const char *base = strrchr(path, '/'), *dot;
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base)
		return false;
	for (size_t i = 0; ext[i]; i++)
		if (!strcasecmp(dot + 1, ext[i]))
			return true;
	return false;
}

static struct ck_walk_entry *add_entry(struct ck_walk *w, const char *path, const char *rel, unsigned how)
{
	struct ck_walk_entry *e;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct ck_walk_entry *nv = realloc(w->v, cap * sizeof *nv);
		if (!nv) {
			w->nomem = true;
			return NULL;
		}
		w->v = nv;
		w->cap = cap;
	}
	e = &w->v[w->n];
	memset(e, 0, sizeof *e);
	e->path = strdup(path);
	e->rel = rel ? strdup(rel) : NULL;
	e->how = how;
	if (!e->path || (rel && !e->rel)) {
		free(e->path);
		free(e->rel);
		w->nomem = true;
		return NULL;
	}
	w->n++;
	return e;
}

/* An entry the walk could not reach: reported as unreadable. */
__attribute__((format(printf, 5, 6)))
static void add_failed(struct ck_walk *w, const char *path, const char *rel, int errnum,
		       const char *fmt, ...)
{
	struct ck_walk_entry *e = add_entry(w, path, rel, CK_WALK_BY_NAME);
	char msg[256];
	va_list ap;

	if (!e)
		return;
	e->failed = calloc(1, sizeof *e->failed);
	if (!e->failed) {
		w->nomem = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (errnum)
		ck_error_set_errno(e->failed, CK_E_IO, errnum, "%s", msg);
	else
		ck_error_set(e->failed, CK_E_IO, "%s", msg);
	ck_error_set_file(e->failed, path);
}

bool ck_walk_inside_roots(const struct ck_walk *w, const char *real)
{
	for (size_t i = 0; i < w->nroots; i++) {
		size_t n = strlen(w->roots[i]);
		if (!strncmp(real, w->roots[i], n) &&
		    (real[n] == '\0' || real[n] == '/' || (n == 1 && w->roots[i][0] == '/')))
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *s = malloc(la + strlen(b) + 2);
	if (s)
		sprintf(s, "%s%s%s", a, la && a[la - 1] == '/' ? "" : "/", b);
	return s;
}

#define MAX_DEPTH 128

static void walk_dir(struct ck_walk *w, const char *dir, const char *rel, unsigned depth);

/* One name inside a walked directory. */
static void walk_entry(struct ck_walk *w, const char *path, const char *rel, unsigned depth)
{
	const struct ck_walk_opts *o = w->o;
	struct stat st;
	unsigned link = 0;

	if (any_match(&o->exclude, path, rel))
		return;
	if (lstat(path, &st) < 0) {
		add_failed(w, path, rel, errno, "cannot read its attributes");
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		char *real;
		if (stat(path, &st) < 0) {
			int e = errno;
			if (bundle_name(path) || any_match(&o->include, path, rel))
				add_failed(w, path, rel, e, "symbolic link to nowhere");
			else
				ck_walk_not_audited(w, path, "a symbolic link to nowhere, not a bundle by name");
			return;
		}
		real = realpath(path, NULL);
		if (!real) {
			add_failed(w, path, rel, errno, "cannot resolve the symbolic link");
			return;
		}
		if (!o->follow && !ck_walk_inside_roots(w, real)) {
			w->links_skipped++;
			free(real);
			return;
		}
		free(real);
		link = CK_WALK_VIA_LINK;
	}
	if (S_ISDIR(st.st_mode)) {
		/* each directory once: no loops, no file audited twice
		 * because two links lead to its directory */
		if (dirset_add(w, &st))
			walk_dir(w, path, rel, depth + 1);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		/* FIFOs, sockets, devices: reading them could block */
		ck_walk_not_audited(w, path, "not a regular file");
		return;
	}
	if (o->include.n) {
		if (any_match(&o->include, path, rel))
			add_entry(w, path, rel, CK_WALK_BY_NAME | link);
		else
			ck_walk_not_audited(w, path, "not matched by --include");
	} else {
		add_entry(w, path, rel, (bundle_name(path) ? CK_WALK_BY_NAME : CK_WALK_BY_CONTENT) | link);
	}
}

static void walk_dir(struct ck_walk *w, const char *dir, const char *rel, unsigned depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (depth > MAX_DEPTH) {
		add_failed(w, dir, rel, 0, "directories nested more than %d deep", MAX_DEPTH);
		return;
	}
	d = opendir(dir);
	if (!d) {
		add_failed(w, dir, rel, errno, "cannot open the directory");
		return;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *nn);
			if (!nn) {
				w->nomem = true;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			w->nomem = true;
			break;
		}
		n++;
		errno = 0;
	}
	if (errno && !w->nomem)
		add_failed(w, dir, rel, errno, "cannot read the directory");
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n && !w->nomem; i++) {
		char *path = join(dir, names[i]);
		char *r = rel ? join(rel, names[i]) : strdup(names[i]);
		if (!path || !r)
			w->nomem = true;
		else
			walk_entry(w, path, r, depth);
		free(path);
		free(r);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct ck_walk_entry *)a)->path, ((const struct ck_walk_entry *)b)->path);
}

/* An operand that is missing or cannot be opened. */
static void operand_error(struct ck_walk *w, const char *path, int errnum, const char *what)
{
	struct ck_error *ne = realloc(w->errors, (w->nerrors + 1) * sizeof *ne);
	if (!ne) {
		w->nomem = true;
		return;
	}
	w->errors = ne;
	ck_error_clear(&ne[w->nerrors]);
	if (what)
		ck_error_set_errno(&ne[w->nerrors], CK_E_IO, errnum, "%s", what);
	else
		ck_error_set(&ne[w->nerrors], CK_E_IO, "%s", strerror(errnum));
	ck_error_set_file(&ne[w->nerrors++], path);
}

enum ck_status ck_walk_operands(struct ck_walk *w, char **paths, int n, struct ck_error *err)
{
	bool bad = false;
	struct stat st;

	/* every operand first: a missing one is the command's own error */
	for (int i = 0; i < n && !w->nomem; i++) {
		if (!strcmp(paths[i], "-"))
			continue;
		if (stat(paths[i], &st) < 0) {
			operand_error(w, paths[i], errno, NULL);
			bad = true;
		} else if (S_ISDIR(st.st_mode)) {
			char *real = realpath(paths[i], NULL);
			int e = errno;
			char **nr = realloc(w->roots, (w->nroots + 1) * sizeof *nr);
			if (nr)
				w->roots = nr;
			if (!real || !nr) {
				free(real);
				if (real)
					w->nomem = true;
				else
					operand_error(w, paths[i], e, NULL);
				bad = true;
				continue;
			}
			w->roots[w->nroots++] = real;
		}
	}
	if (bad && !w->nomem)
		return CK_E_IO;
	for (int i = 0; i < n && !w->nomem; i++) {
		DIR *d;
		if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			/* an unreadable PATH is the command's input, not a finding */
			if (!(d = opendir(paths[i]))) {
				operand_error(w, paths[i], errno, "cannot open the directory");
				bad = true;
				continue;
			}
			closedir(d);
			if (dirset_add(w, &st))
				walk_dir(w, paths[i], NULL, 0);
		} else {
			add_entry(w, paths[i], NULL, CK_WALK_EXPLICIT);
		}
	}
	if (w->nomem)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (bad)
		return CK_E_IO;
	/* path order; a file reached twice (nested PATHs) is audited once */
	if (w->n > 1)
		qsort(w->v, w->n, sizeof *w->v, cmp_entry);
	size_t k = 0;
	for (size_t i = 0; i < w->n; i++) {
		if (k && !strcmp(w->v[k - 1].path, w->v[i].path)) {
			w->v[k - 1].how |= w->v[i].how & CK_WALK_EXPLICIT;
			ck_walk_entry_free(&w->v[i]);
			continue;
		}
		w->v[k++] = w->v[i];
	}
	w->n = k;
	return CK_OK;
}

void ck_walk_entry_free(struct ck_walk_entry *e)
{
	free(e->path);
	free(e->rel);
	free(e->failed);
	e->path = e->rel = NULL;
	e->failed = NULL;
}

void ck_walk_not_audited(struct ck_walk *w, const char *path, const char *why)
{
	w->not_audited++;
	if (w->nskipped == w->capskipped) {
		size_t cap = w->capskipped ? 2 * w->capskipped : 16;
		struct ck_walk_skipped *n = realloc(w->skipped, cap * sizeof *n);
		if (!n) {
			w->nomem = true;
			return;
		}
		w->skipped = n;
		w->capskipped = cap;
	}
	w->skipped[w->nskipped].path = strdup(path);
	w->skipped[w->nskipped].why = why;
	if (!w->skipped[w->nskipped].path) {
		w->nomem = true;
		return;
	}
	w->nskipped++;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct ck_walk_skipped *)a)->path, ((const struct ck_walk_skipped *)b)->path);
}

void ck_walk_sort_not_audited(struct ck_walk *w)
{
	if (w->nskipped > 1)
		qsort(w->skipped, w->nskipped, sizeof *w->skipped, by_path);
}

void ck_walk_free(struct ck_walk *w)
{
	for (size_t i = 0; i < w->nskipped; i++)
		free(w->skipped[i].path);
	free(w->skipped);
	for (size_t i = 0; i < w->n; i++)
		ck_walk_entry_free(&w->v[i]);
	free(w->v);
	for (size_t i = 0; i < w->nroots; i++)
		free(w->roots[i]);
	free(w->roots);
	free(w->errors);
	free(w->dirs.keys);
	memset(w, 0, sizeof *w);
}

/* ---------------------------------------------------------------- */
/* opening a walked file again */

/* Does the start of the file hold a PEM certificate or PKCS#7 block?
 * Only the first 64 KiB are read (pread: the offset stays at 0): a
 * large file of another kind costs one read. */
static bool holds_pem_certificate(int fd)
{
	static const char *const markers[] = {
		"-----BEGIN CERTIFICATE-----", "-----BEGIN X509 CERTIFICATE-----",
		"-----BEGIN TRUSTED CERTIFICATE-----", "-----BEGIN PKCS7-----", NULL,
	};
	char *buf = malloc(65536);
	ssize_t n = -1;
	size_t len = 0;
	bool found = false;

	if (buf) {
		while (len < 65536 && (n = pread(fd, buf + len, 65536 - len, (off_t)len)) > 0)
			len += (size_t)n;
		for (size_t i = 0; markers[i] && !found; i++)
			found = memmem(buf, len, markers[i], strlen(markers[i])) != NULL;
	}
	free(buf);
	return found;
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" :
	       S_ISCHR(m) || S_ISBLK(m) ? "a device" : "not a regular file";
}

/* Open a walked file with the walk's rules (see ck_walk_load): O_NOFOLLOW
 * unless reached through a link, O_NONBLOCK, fstat(2), and where the
 * descriptor really leads (from /proc/self/fd).  Returns the descriptor,
 * or -1 with `err` set (CK_E_IO). */
static int open_walked(const struct ck_walk *w, const struct ck_walk_entry *e, struct ck_error *err)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	char link[64], *real = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	ck_error_set_file(err, e->path);
	fd = open(e->path, flags | (e->how & CK_WALK_VIA_LINK ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		if (errno == ELOOP && !(e->how & CK_WALK_VIA_LINK))
			ck_error_set(err, CK_E_IO, "a symbolic link now (it changed after the walk): not followed");
		else
			ck_error_set_errno(err, CK_E_IO, errno, "cannot open");
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		ck_error_set_errno(err, CK_E_IO, errno, "cannot read its attributes");
		goto refused;
	}
	if (!S_ISREG(st.st_mode)) {
		ck_error_set(err, CK_E_IO, "%s now (it changed after the walk): not read",
			     file_kind(st.st_mode));
		goto refused;
	}
	if (!w->o->follow) {
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		real = malloc(PATH_MAX);
		if (real && (n = readlink(link, real, PATH_MAX - 1)) > 0) {
			real[n] = '\0';
		} else {
			free(real); /* no /proc: where the name leads now */
			real = realpath(e->path, NULL);
		}
		if (!real || !ck_walk_inside_roots(w, real)) {
			ck_error_set(err, CK_E_IO,
				     "leads out of the PATHs given now (it changed after the walk): not read");
			goto refused;
		}
		free(real);
	}
	return fd;
refused:
	free(real);
	close(fd);
	return -1;
}

enum ck_status ck_walk_load(const struct ck_walk *w, const struct ck_walk_entry *e,
			    const struct ck_load_opts *lo, bool *skipped, struct ck_bundle **b,
			    struct ck_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	enum ck_status rc;
	int fd = open_walked(w, e, err);

	*skipped = false;
	if (fd < 0)
		return err->status;
	if (e->how & CK_WALK_BY_CONTENT && !holds_pem_certificate(fd)) {
		*skipped = true;
		close(fd);
		return CK_OK;
	}
	rc = ck_read_fd(fd, e->path, lo->max_size, &data, &len, err);
	close(fd);
	if (rc)
		return rc;
	rc = ck_bundle_load_mem(data, len, e->path, lo, b, err);
	gnutls_memset(data, 0, len);
	free(data);
	return rc;
}
