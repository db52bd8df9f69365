/* walk — certaudit's tree walk: which files of the PATH operands are
 * audited, in path order, each once.  See walk.h. */
#include "config.h"

#include "walk.h"

#include "cli.h"
#include "pwmap.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool any_match(const struct walk_globs *globs, const char *path, const char *rel)
{
	for (size_t i = 0; i < globs->n; i++)
		if (cli_glob_match(globs->v[i], path, rel))
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
static bool dirset_add(struct walk *w, const struct stat *st)
{
	struct dirset *s = &w->dirs;
	uint64_t dev = (uint64_t)st->st_dev, ino = (uint64_t)st->st_ino;
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct dirkey *nk = calloc(cap, sizeof *nk);
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
	s->keys[i] = (struct dirkey){ dev, ino, true };
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

static struct entry *add_entry(struct walk *w, const char *path, const char *rel, unsigned how)
{
	struct entry *e;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct entry *nv = realloc(w->v, cap * sizeof *nv);
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
static void add_failed(struct walk *w, const char *path, const char *rel, int errnum,
		       const char *fmt, ...)
{
	struct entry *e = add_entry(w, path, rel, E_BY_NAME);
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

bool walk_inside_roots(const struct walk *w, const char *real)
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

static void walk_dir(struct walk *w, const char *dir, const char *rel, unsigned depth);

/* One name inside a walked directory. */
static void walk_entry(struct walk *w, const char *path, const char *rel, unsigned depth)
{
	const struct walk_opts *o = w->o;
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
				walk_not_audited(w, path, "a symbolic link to nowhere, not a bundle by name");
			return;
		}
		real = realpath(path, NULL);
		if (!real) {
			add_failed(w, path, rel, errno, "cannot resolve the symbolic link");
			return;
		}
		if (!o->follow && !walk_inside_roots(w, real)) {
			w->links_skipped++;
			free(real);
			return;
		}
		free(real);
		link = E_VIA_LINK;
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
		walk_not_audited(w, path, "not a regular file");
		return;
	}
	if (o->include.n) {
		if (any_match(&o->include, path, rel))
			add_entry(w, path, rel, E_BY_NAME | link);
		else
			walk_not_audited(w, path, "not matched by --include");
	} else {
		add_entry(w, path, rel, (bundle_name(path) ? E_BY_NAME : E_BY_CONTENT) | link);
	}
}

static void walk_dir(struct walk *w, const char *dir, const char *rel, unsigned depth)
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
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* Walk every operand.  Returns 0, or an exit status after messages. */
int walk_operands(struct walk *w, char **paths, int n)
{
	int status = 0;
	struct stat st;

	/* every operand first: a missing one is the command's own error */
	for (int i = 0; i < n; i++) {
		if (!strcmp(paths[i], "-"))
			continue;
		if (stat(paths[i], &st) < 0) {
			cli_msg(paths[i], "%s", strerror(errno));
			status = CLI_EXIT_INPUT;
		} else if (S_ISDIR(st.st_mode)) {
			char *real = realpath(paths[i], NULL);
			char **nr = realloc(w->roots, (w->nroots + 1) * sizeof *nr);
			if (!real || !nr) {
				free(real);
				if (nr)
					w->roots = nr;
				cli_msg(paths[i], "%s", real ? "out of memory" : strerror(errno));
				status = status ? status : CLI_EXIT_INPUT;
				continue;
			}
			w->roots = nr;
			w->roots[w->nroots++] = real;
		}
	}
	if (status)
		return status;
	for (int i = 0; i < n && !w->nomem; i++) {
		DIR *d;
		if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			/* an unreadable PATH is the command's input, not a finding */
			if (!(d = opendir(paths[i]))) {
				cli_msg(paths[i], "cannot open the directory: %s", strerror(errno));
				status = CLI_EXIT_INPUT;
				continue;
			}
			closedir(d);
			if (dirset_add(w, &st))
				walk_dir(w, paths[i], NULL, 0);
		} else {
			add_entry(w, paths[i], NULL, E_EXPLICIT);
		}
	}
	if (w->nomem) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	if (status)
		return status;
	/* path order; a file reached twice (nested PATHs) is audited once */
	if (w->n > 1)
		qsort(w->v, w->n, sizeof *w->v, cmp_entry);
	size_t k = 0;
	for (size_t i = 0; i < w->n; i++) {
		if (k && !strcmp(w->v[k - 1].path, w->v[i].path)) {
			w->v[k - 1].how |= w->v[i].how & E_EXPLICIT;
			walk_entry_free(&w->v[i]);
			continue;
		}
		w->v[k++] = w->v[i];
	}
	w->n = k;
	return 0;
}

void walk_entry_free(struct entry *e)
{
	free(e->path);
	free(e->rel);
	free(e->failed);
	e->path = e->rel = NULL;
	e->failed = NULL;
}

void walk_not_audited(struct walk *w, const char *path, const char *why)
{
	w->not_audited++;
	if (w->nskipped == w->capskipped) {
		size_t cap = w->capskipped ? 2 * w->capskipped : 16;
		struct skipped *n = realloc(w->skipped, cap * sizeof *n);
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
	return strcmp(((const struct skipped *)a)->path, ((const struct skipped *)b)->path);
}

void walk_sort_not_audited(struct walk *w)
{
	if (w->nskipped > 1)
		qsort(w->skipped, w->nskipped, sizeof *w->skipped, by_path);
}

void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->nskipped; i++)
		free(w->skipped[i].path);
	free(w->skipped);
	for (size_t i = 0; i < w->n; i++)
		walk_entry_free(&w->v[i]);
	free(w->v);
	for (size_t i = 0; i < w->nroots; i++)
		free(w->roots[i]);
	free(w->roots);
	free(w->dirs.keys);
	memset(w, 0, sizeof *w);
}
