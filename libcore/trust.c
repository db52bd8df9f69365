/* trust — load trust stores into records.
 *
 * A store is a list of certificates with a name; duplicates inside one
 * store (hashed directories link the same file several times) are
 * dropped.  Keys found in trust files are ignored. */
#include "config.h"

#include "trust.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void ck_trust_store_free(struct ck_trust_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ncerts; i++)
		ck_cert_free(s->certs[i]);
	free(s->certs);
	free(s->name);
	free(s->kind);
	free(s);
}

void ck_trust_free(struct ck_trust *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nstores; i++)
		ck_trust_store_free(t->stores[i]);
	free(t->stores);
	free(t);
}

size_t ck_trust_count(const struct ck_trust *t)
{
	size_t n = 0;
	for (size_t i = 0; t && i < t->nstores; i++)
		n += t->stores[i]->ncerts;
	return n;
}

static struct ck_trust_store *store_new(const char *name, const char *kind)
{
	struct ck_trust_store *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->name = strdup(name);
	s->kind = strdup(kind);
	if (!s->name || !s->kind) {
		ck_trust_store_free(s);
		return NULL;
	}
	return s;
}

static bool store_has(const struct ck_trust_store *s, const struct ck_cert *c)
{
	for (size_t i = 0; i < s->ncerts; i++)
		if (ck_cert_equal(s->certs[i], c))
			return true;
	return false;
}

/* Move the bundle's certificates into the store, without duplicates.
 * Stores hold a few hundred certificates, so the linear check is fine. */
static enum ck_status store_take(struct ck_trust_store *s, struct ck_bundle *b)
{
	for (size_t i = 0; i < b->ncerts; i++) {
		struct ck_cert **n;
		if (store_has(s, b->certs[i]))
			continue;
		n = realloc(s->certs, (s->ncerts + 1) * sizeof *n);
		if (!n)
			return CK_E_NOMEM;
		s->certs = n;
		s->certs[s->ncerts++] = b->certs[i];
		b->certs[i] = NULL;
	}
	return CK_OK;
}

static enum ck_status load_into(struct ck_trust_store *s, const char *path,
				const struct ck_trust_opts *o, bool tolerant, struct ck_error *err)
{
	struct ck_load_opts lo = { .max_size = o ? o->max_size : 0,
				   .password = o ? o->password : NULL };
	struct ck_bundle *b = NULL;
	enum ck_status rc = ck_bundle_load_file(path, &lo, &b, err);

	if (rc) {
		if (tolerant && rc != CK_E_NOMEM) {
			s->skipped++;
			ck_error_clear(err);
			return CK_OK;
		}
		return rc;
	}
	rc = store_take(s, b);
	ck_bundle_free(b);
	if (rc)
		return ck_error_set(err, rc, "out of memory");
	return CK_OK;
}

enum ck_status ck_trust_store_load_file(const char *path, const char *kind,
					const struct ck_trust_opts *opts,
					struct ck_trust_store **out, struct ck_error *err)
{
	struct ck_trust_store *s = store_new(path, kind ? kind : "file");
	enum ck_status rc;

	if (!s)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	rc = load_into(s, path, opts, false, err);
	if (rc) {
		ck_trust_store_free(s);
		return rc;
	}
	*out = s;
	return CK_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum ck_status ck_trust_store_load_dir(const char *path, const char *kind,
				       const struct ck_trust_opts *opts,
				       struct ck_trust_store **out, struct ck_error *err)
{
	struct ck_trust_store *s = store_new(path, kind ? kind : "directory");
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	enum ck_status rc = CK_OK;

	if (!s)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ck_error_set_file(err, path);
	d = opendir(path);
	if (!d) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot open directory");
		goto out;
	}
	while ((de = readdir(d))) {
		char **nn;
		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof *nn);
		if (!nn || !(nn[n] = strdup(de->d_name))) {
			if (nn)
				names = nn;
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		names = nn;
		n++;
	}
	/* sorted, so the store's order does not depend on the filesystem */
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n && !rc; i++) {
		char full[4096];
		struct stat st;
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		if (stat(full, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		rc = load_into(s, full, opts, true, err);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d)
		closedir(d);
	if (rc) {
		ck_trust_store_free(s);
		return rc;
	}
	*out = s;
	return CK_OK;
}

static enum ck_status add_store(struct ck_trust *t, struct ck_trust_store *s)
{
	struct ck_trust_store **n = realloc(t->stores, (t->nstores + 1) * sizeof *n);
	if (!n) {
		ck_trust_store_free(s);
		return CK_E_NOMEM;
	}
	t->stores = n;
	t->stores[t->nstores++] = s;
	return CK_OK;
}

/* The system store as OpenSSL finds it: SSL_CERT_FILE and SSL_CERT_DIR
 * when set, else the distribution bundle GnuTLS also uses. */
static enum ck_status load_system(struct ck_trust *t, const struct ck_trust_opts *o,
				  struct ck_error *err)
{
	struct ck_trust_store *s = store_new("system", "system");
	enum ck_status rc = CK_OK;
	const char *file = o->system_file;

	if (!s)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (!file && !o->system_dirs)
		file = CK_SYSTEM_TRUST_FILE;
	if (file && *file)
		rc = load_into(s, file, o, true, err);
	if (!rc && o->system_dirs) {
		char *dirs = strdup(o->system_dirs), *save = NULL;
		if (!dirs)
			rc = CK_E_NOMEM;
		for (char *dir = dirs ? strtok_r(dirs, ":", &save) : NULL; dir && !rc;
		     dir = strtok_r(NULL, ":", &save)) {
			struct ck_trust_store *ds = NULL;
			struct ck_error derr;
			ck_error_clear(&derr);
			if (ck_trust_store_load_dir(dir, "directory", o, &ds, &derr) == CK_OK) {
				struct ck_bundle tmp = { .certs = ds->certs, .ncerts = ds->ncerts };
				rc = store_take(s, &tmp);
				for (size_t i = 0; i < ds->ncerts; i++)
					ck_cert_free(ds->certs[i]);
				ds->ncerts = 0;
				ck_trust_store_free(ds);
			}
		}
		free(dirs);
	}
	if (rc) {
		ck_trust_store_free(s);
		return rc;
	}
	return add_store(t, s);
}

enum ck_status ck_trust_load(const struct ck_trust_opts *o, struct ck_trust **out,
			     struct ck_error *err)
{
	struct ck_trust *t = calloc(1, sizeof *t);
	enum ck_status rc = CK_OK;

	if (!t)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (o->system)
		rc = load_system(t, o, err);
	for (size_t i = 0; !rc && o->files && o->files[i]; i++) {
		struct ck_trust_store *s = NULL;
		rc = ck_trust_store_load_file(o->files[i], "file", o, &s, err);
		if (!rc)
			rc = add_store(t, s);
	}
	for (size_t i = 0; !rc && o->dirs && o->dirs[i]; i++) {
		struct ck_trust_store *s = NULL;
		rc = ck_trust_store_load_dir(o->dirs[i], "directory", o, &s, err);
		if (!rc)
			rc = add_store(t, s);
	}
	if (rc) {
		if (rc == CK_E_NOMEM)
			ck_error_set(err, rc, "out of memory");
		ck_trust_free(t);
		return rc;
	}
	*out = t;
	return CK_OK;
}

enum ck_status ck_trust_add_to_pool(const struct ck_trust *t, struct ck_pool *pool)
{
	for (size_t i = 0; t && i < t->nstores; i++) {
		const struct ck_trust_store *s = t->stores[i];
		for (size_t j = 0; j < s->ncerts; j++) {
			enum ck_status rc = ck_pool_add(pool, s->certs[j], CK_SRC_TRUST, true,
							s->name, -1, NULL);
			if (rc)
				return rc;
		}
	}
	return CK_OK;
}
