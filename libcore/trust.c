/* trust — load trust stores into records.
 *
 * A store is a list of certificates with a name; each certificate has
 * a meta record (anchor or not, where it came from).  Duplicates inside
 * one store (hashed directories link the same file several times, the
 * system store's views overlap) are kept once: the copy seen first
 * gives the origin, later copies add their view bits and can only make
 * a certificate an anchor, never take that away.  Keys found in trust
 * files are ignored.  Stores hold a few hundred certificates, so the
 * linear duplicate check is fine. */
#include "config.h"

#include "trust.h"
#include "jks.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void meta_cleanup(struct ck_trust_meta *m)
{
	free(m->origin);
	free(m->alias);
	free(m->substore);
}

void ck_trust_store_free(struct ck_trust_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ncerts; i++) {
		ck_cert_free(s->certs[i]);
		if (s->meta)
			meta_cleanup(&s->meta[i]);
	}
	free(s->certs);
	free(s->meta);
	for (size_t i = 0; i < s->nviews; i++) {
		free(s->views[i].name);
		free(s->views[i].location);
		free(s->views[i].error);
	}
	free(s->views);
	ck_jks_info_free(s->jks);
	free(s->location);
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

static bool same_name_and_key(const struct ck_cert *a, const struct ck_cert *b)
{
	return a->subject_raw.len == b->subject_raw.len &&
	       memcmp(ck_cert_span(a, a->subject_raw), ck_cert_span(b, b->subject_raw),
		      a->subject_raw.len) == 0 &&
	       memcmp(a->spki_sha256, b->spki_sha256, 32) == 0;
}

long ck_trust_store_find(const struct ck_trust_store *s, const struct ck_cert *c, bool same_key)
{
	for (size_t i = 0; i < s->ncerts; i++)
		if (ck_cert_equal(s->certs[i], c))
			return (long)i;
	for (size_t i = 0; same_key && i < s->ncerts; i++)
		if (same_name_and_key(s->certs[i], c))
			return (long)i;
	return -1;
}

/* What a new certificate brings along; copied into the store. */
struct meta_in {
	bool anchor;
	const char *origin, *alias, *substore;
	unsigned views;
};

static char *dup_or_null(const char *s, bool *failed)
{
	char *d;
	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*failed = true;
	return d;
}

/* Add `c` (taken on success, freed when a duplicate) with its meta. */
static enum ck_status store_add(struct ck_trust_store *s, struct ck_cert *c,
				const struct meta_in *m)
{
	long dup = ck_trust_store_find(s, c, false);
	struct ck_cert **nc;
	struct ck_trust_meta *nm, *e;
	bool failed = false;

	if (dup >= 0) {
		s->meta[dup].views |= m->views;
		s->meta[dup].anchor = s->meta[dup].anchor || m->anchor;
		ck_cert_free(c);
		return CK_OK;
	}
	nc = realloc(s->certs, (s->ncerts + 1) * sizeof *nc);
	if (!nc)
		return CK_E_NOMEM;
	s->certs = nc;
	nm = realloc(s->meta, (s->ncerts + 1) * sizeof *nm);
	if (!nm)
		return CK_E_NOMEM;
	s->meta = nm;
	e = &s->meta[s->ncerts];
	memset(e, 0, sizeof *e);
	e->anchor = m->anchor;
	e->views = m->views;
	e->origin = dup_or_null(m->origin, &failed);
	e->alias = dup_or_null(m->alias, &failed);
	e->substore = dup_or_null(m->substore, &failed);
	if (failed) {
		meta_cleanup(e);
		return CK_E_NOMEM;
	}
	s->certs[s->ncerts++] = c;
	return CK_OK;
}

/* Move the bundle's certificates into the store; `anchor_of` (may be
 * NULL: all anchors) says which are anchors. */
static enum ck_status store_take(struct ck_trust_store *s, struct ck_bundle *b,
				 const struct meta_in *tmpl, const bool *anchor_of)
{
	for (size_t i = 0; i < b->ncerts; i++) {
		struct meta_in m = *tmpl;
		enum ck_status rc;
		if (!b->certs[i])
			continue;
		if (anchor_of)
			m.anchor = anchor_of[i];
		if (!m.alias)
			m.alias = b->certs[i]->friendly_name;
		rc = store_add(s, b->certs[i], &m);
		if (rc)
			return rc;
		b->certs[i] = NULL;
	}
	return CK_OK;
}

static enum ck_status nomem(struct ck_error *err)
{
	return ck_error_set(err, CK_E_NOMEM, "out of memory");
}

/* Java's anchors (sun.security.validator.TrustStoreUtil): the
 * trusted-certificate entries and each private-key entry's first
 * certificate; the rest of a key's chain is not trusted. */
static bool *java_anchors(const struct ck_bundle *b)
{
	bool *a = calloc(b->ncerts ? b->ncerts : 1, sizeof *a);
	if (!a)
		return NULL;
	for (size_t i = 0; i < b->ncerts; i++)
		a[i] = true;
	if (!b->jks)
		return a;
	for (size_t k = 0; k < b->jks->nentries; k++) {
		const struct ck_jks_entry *e = &b->jks->entries[k];
		if (e->type != CK_JKS_PRIVATE_KEY)
			continue;
		for (size_t j = 1; j < e->ncerts && e->first_cert + j < b->ncerts; j++)
			a[e->first_cert + j] = false;
	}
	return a;
}

/* The alias of the entry that put certificate i in the bundle. */
static const char *java_alias(const struct ck_bundle *b, size_t i)
{
	for (size_t k = 0; b->jks && k < b->jks->nentries; k++) {
		const struct ck_jks_entry *e = &b->jks->entries[k];
		if (i >= e->first_cert && i < e->first_cert + e->ncerts)
			return e->alias;
	}
	return b->certs[i] ? b->certs[i]->friendly_name : NULL;
}

/* A keystore's certificates, anchors as Java takes them, each with the
 * alias of its entry. */
static enum ck_status take_keystore(struct ck_trust_store *s, struct ck_bundle *b,
				    const struct meta_in *tmpl)
{
	bool *anchors = java_anchors(b);
	enum ck_status rc = anchors ? CK_OK : CK_E_NOMEM;

	for (size_t i = 0; i < b->ncerts && !rc; i++) {
		struct meta_in m = *tmpl;
		m.anchor = anchors[i];
		m.alias = java_alias(b, i);
		rc = store_add(s, b->certs[i], &m);
		if (!rc)
			b->certs[i] = NULL;
	}
	free(anchors);
	return rc;
}

/* Load one file; `tolerant`: a file that is not a certificate is
 * counted in `skipped`, not an error.  *out_b (may be NULL) receives
 * the emptied bundle for its container details. */
static enum ck_status load_into(struct ck_trust_store *s, const char *path,
				const struct ck_trust_opts *o, bool tolerant,
				const struct meta_in *tmpl, struct ck_bundle **out_b,
				struct ck_error *err)
{
	struct ck_load_opts lo = { .max_size = o ? o->max_size : 0,
				   .password = o ? o->password : NULL,
				   .allow_empty = true,
				   .kdf_budget = o ? o->kdf_budget : 0 };
	struct ck_bundle *b = NULL;
	struct meta_in m = *tmpl;
	enum ck_status rc = ck_bundle_load_file(path, &lo, &b, err);

	if (rc) {
		if (tolerant && rc != CK_E_NOMEM) {
			s->skipped++;
			ck_error_clear(err);
			return CK_OK;
		}
		return rc;
	}
	if (!m.origin)
		m.origin = path;
	if (b->jks)
		rc = take_keystore(s, b, &m);
	else
		rc = store_take(s, b, &m, NULL);
	if (!rc && out_b) {
		*out_b = b;
		b = NULL;
	}
	ck_bundle_free(b);
	if (rc)
		return nomem(err);
	return CK_OK;
}

enum ck_status ck_trust_store_load_file(const char *path, const char *kind,
					const struct ck_trust_opts *opts,
					struct ck_trust_store **out, struct ck_error *err)
{
	struct ck_trust_store *s = store_new(path, kind ? kind : "file");
	struct meta_in m = { .anchor = true };
	struct ck_bundle *b = NULL;
	enum ck_status rc;

	if (!s || !(s->location = strdup(path))) {
		ck_trust_store_free(s);
		return nomem(err);
	}
	rc = load_into(s, path, opts, false, &m, &b, err);
	if (rc) {
		ck_trust_store_free(s);
		return rc;
	}
	s->format = b->format;
	s->jks = b->jks;
	s->pkcs12_mac = b->p12 && b->p12->has_mac;
	b->jks = NULL;
	ck_bundle_free(b);
	*out = s;
	return CK_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted (so that a store's order does not
 * depend on the filesystem), without dot files. */
static enum ck_status list_dir(const char *path, char ***out, size_t *count, struct ck_error *err)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	enum ck_status rc = CK_OK;

	ck_error_set_file(err, path);
	if (!d)
		return ck_error_set_errno(err, CK_E_IO, errno, "cannot open directory");
	while ((de = readdir(d))) {
		char **nn;
		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof *nn);
		if (!nn) {
			rc = nomem(err);
			break;
		}
		names = nn;
		if (!(names[n] = strdup(de->d_name))) {
			rc = nomem(err);
			break;
		}
		n++;
	}
	closedir(d);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return rc;
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	*out = names;
	*count = n;
	return CK_OK;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* OpenSSL's by-hash lookup name: 8 lowercase hex digits, '.', a number. */
static bool hashed_name(const char *n)
{
	size_t i;
	for (i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)n[i]) || isupper((unsigned char)n[i]))
			return false;
	if (n[8] != '.' || !n[9])
		return false;
	for (i = 9; n[i]; i++)
		if (!isdigit((unsigned char)n[i]))
			return false;
	return true;
}

/* Read the regular files of a directory into `s` (tolerantly). */
static enum ck_status dir_into(struct ck_trust_store *s, const char *path,
			       const struct ck_trust_opts *o, bool only_hashed,
			       const struct meta_in *tmpl, struct ck_error *err)
{
	char **names = NULL;
	size_t n = 0;
	enum ck_status rc = list_dir(path, &names, &n, err);

	for (size_t i = 0; i < n && !rc; i++) {
		char full[4096];
		struct stat st;
		struct meta_in m = *tmpl;
		if (only_hashed && !hashed_name(names[i]))
			continue;
		if ((size_t)snprintf(full, sizeof full, "%s/%s", path, names[i]) >= sizeof full)
			continue;
		if (stat(full, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		m.origin = full;
		rc = load_into(s, full, o, true, &m, NULL, err);
	}
	free_names(names, n);
	return rc;
}

enum ck_status ck_trust_store_load_dir(const char *path, const char *kind,
				       const struct ck_trust_opts *opts,
				       struct ck_trust_store **out, struct ck_error *err)
{
	struct ck_trust_store *s = store_new(path, kind ? kind : "directory");
	struct meta_in m = { .anchor = true };
	enum ck_status rc;

	if (!s || !(s->location = strdup(path))) {
		ck_trust_store_free(s);
		return nomem(err);
	}
	rc = dir_into(s, path, opts, false, &m, err);
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

/* The system store for path building, as OpenSSL finds it: SSL_CERT_FILE
 * and every file of the SSL_CERT_DIR directories when set, else the
 * distribution bundle GnuTLS also uses. */
static enum ck_status load_system(struct ck_trust *t, const struct ck_trust_opts *o,
				  struct ck_error *err)
{
	struct ck_trust_store *s = store_new("system", "system");
	struct meta_in m = { .anchor = true };
	enum ck_status rc = CK_OK;
	const char *file = o->system_file;

	if (!s)
		return nomem(err);
	if (!file && !o->system_dirs)
		file = CK_SYSTEM_TRUST_FILE;
	if (file && *file)
		rc = load_into(s, file, o, true, &m, NULL, err);
	if (!rc && o->system_dirs) {
		char *dirs = strdup(o->system_dirs), *save = NULL;
		if (!dirs)
			rc = nomem(err);
		for (char *dir = dirs ? strtok_r(dirs, ":", &save) : NULL; dir && !rc;
		     dir = strtok_r(NULL, ":", &save)) {
			struct ck_error derr;
			ck_error_clear(&derr);
			if (dir_into(s, dir, o, false, &m, &derr) == CK_E_NOMEM)
				rc = nomem(err);
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
		return nomem(err);
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
			nomem(err);
		ck_trust_free(t);
		return rc;
	}
	*out = t;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* the system store's views */

static struct ck_trust_view *view_add(struct ck_trust_store *s, const char *name,
				      const char *location)
{
	struct ck_trust_view *v = realloc(s->views, (s->nviews + 1) * sizeof *v);
	if (!v)
		return NULL;
	s->views = v;
	v = &s->views[s->nviews];
	memset(v, 0, sizeof *v);
	v->name = strdup(name);
	v->location = strdup(location);
	if (!v->name || !v->location) {
		free(v->name);
		free(v->location);
		return NULL;
	}
	s->nviews++;
	return v;
}

static void view_count(struct ck_trust_store *s, size_t vi)
{
	size_t n = 0;
	for (size_t i = 0; i < s->ncerts; i++)
		n += (s->meta[i].views >> vi) & 1u;
	s->views[vi].count = n;
}

static enum ck_status view_error(struct ck_trust_view *v, const struct ck_error *e)
{
	char buf[CK_ERROR_WHAT_MAX + 16];
	snprintf(buf, sizeof buf, "%s", e->what[0] ? e->what : ck_status_str(e->status));
	v->error = strdup(buf);
	return v->error ? CK_OK : CK_E_NOMEM;
}

static enum ck_status view_bundle(struct ck_trust_store *s, const struct ck_trust_opts *o,
				  struct ck_error *err)
{
	const char *file = o->system_file && *o->system_file ? o->system_file : CK_SYSTEM_TRUST_FILE;
	size_t vi = s->nviews;
	struct ck_trust_view *v = view_add(s, "bundle", file);
	struct meta_in m = { .anchor = true, .views = 1u << vi };
	struct ck_error e;
	enum ck_status rc;

	if (!v)
		return nomem(err);
	ck_error_clear(&e);
	rc = load_into(s, file, o, false, &m, NULL, &e);
	if (rc == CK_E_NOMEM)
		return nomem(err);
	if (rc && view_error(&s->views[vi], &e))
		return nomem(err);
	view_count(s, vi);
	return CK_OK;
}

static enum ck_status view_directory(struct ck_trust_store *s, const struct ck_trust_opts *o,
				     struct ck_error *err)
{
	const char *dirs_in = o->system_dirs && *o->system_dirs ? o->system_dirs : CK_SYSTEM_TRUST_DIR;
	size_t vi = s->nviews;
	struct ck_trust_view *v = view_add(s, "directory", dirs_in);
	struct meta_in m = { .anchor = true, .views = 1u << vi };
	char *dirs = strdup(dirs_in), *save = NULL;
	enum ck_status rc = CK_OK;
	bool any = false;
	struct ck_error e;

	if (!v || !dirs) {
		free(dirs);
		return nomem(err);
	}
	ck_error_clear(&e);
	for (char *dir = strtok_r(dirs, ":", &save); dir && !rc; dir = strtok_r(NULL, ":", &save)) {
		struct ck_error de;
		ck_error_clear(&de);
		rc = dir_into(s, dir, o, true, &m, &de);
		if (rc == CK_E_NOMEM)
			break;
		if (rc) {
			if (!e.status)
				e = de;
			rc = CK_OK;
		} else {
			any = true;
		}
	}
	free(dirs);
	if (rc)
		return nomem(err);
	if (!any && e.status && view_error(&s->views[vi], &e))
		return nomem(err);
	view_count(s, vi);
	return CK_OK;
}

static enum ck_status gnutls_add(struct ck_trust_store *s, gnutls_x509_crt_t crt,
				 const struct meta_in *m, struct ck_error *err)
{
	gnutls_datum_t der = { NULL, 0 };
	struct ck_cert *c = NULL;
	enum ck_status rc = CK_OK;
	struct ck_error ce;

	ck_error_clear(&ce);
	if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) < 0) {
		s->skipped++;
		return CK_OK;
	}
	if (ck_cert_from_der(der.data, der.size, &c, &ce)) {
		s->skipped++; /* GnuTLS holds what we cannot parse: counted */
	} else if (store_add(s, c, m)) {
		ck_cert_free(c);
		rc = nomem(err);
	}
	gnutls_free(der.data);
	return rc;
}

/* GnuTLS's default trust, enumerated through GnuTLS itself, so that it
 * is whatever this GnuTLS was built to use (a file, or p11-kit's trust
 * module through PKCS#11) rather than a path guessed here. */
static enum ck_status view_gnutls(struct ck_trust_store *s, struct ck_error *err)
{
	size_t vi = s->nviews;
	struct ck_trust_view *v = view_add(s, "gnutls", "GnuTLS default trust (gnutls_x509_trust_list_add_system_trust)");
	struct meta_in m = { .anchor = true, .views = 1u << vi, .origin = "gnutls" };
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_x509_trust_list_iter_t it = NULL;
	gnutls_x509_crt_t crt;
	enum ck_status rc = CK_OK;
	int ret;

	if (!v)
		return nomem(err);
	if (gnutls_x509_trust_list_init(&tl, 0) < 0)
		return nomem(err);
	ret = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	if (ret < 0) {
		s->views[vi].error = strdup(gnutls_strerror(ret));
		if (!s->views[vi].error)
			rc = nomem(err);
		goto out;
	}
	while (!rc && gnutls_x509_trust_list_iter_get_ca(tl, &it, &crt) == 0) {
		rc = gnutls_add(s, crt, &m, err);
		gnutls_x509_crt_deinit(crt);
	}
	gnutls_x509_trust_list_iter_deinit(it);
out:
	gnutls_x509_trust_list_deinit(tl, 1);
	view_count(s, vi);
	return rc;
}

enum ck_status ck_trust_store_load_system(const struct ck_trust_opts *o, unsigned views,
					  struct ck_trust_store **out, struct ck_error *err)
{
	const char *name = views == CK_VIEW_ALL ? "system" :
			   views == CK_VIEW_OPENSSL ? "system:openssl" :
			   views == CK_VIEW_GNUTLS ? "system:gnutls" : "system:partial";
	struct ck_trust_store *s = store_new(name, "system");
	enum ck_status rc = CK_OK;

	if (!s)
		return nomem(err);
	if (views & CK_VIEW_BUNDLE)
		rc = view_bundle(s, o, err);
	if (!rc && (views & CK_VIEW_DIRECTORY))
		rc = view_directory(s, o, err);
	if (!rc && (views & CK_VIEW_GNUTLS))
		rc = view_gnutls(s, err);
	if (rc) {
		ck_trust_store_free(s);
		return rc;
	}
	*out = s;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* Java */

static enum ck_status java_bundle(const char *path, const struct ck_trust_opts *o,
				  struct ck_bundle **b, struct ck_error *err)
{
	struct ck_password def = { .value = CK_JKS_DEFAULT_PASSWORD };
	struct ck_load_opts lo = { .max_size = o ? o->max_size : 0, .allow_empty = true,
				   .password = o ? o->password : NULL,
				   .kdf_budget = o ? o->kdf_budget : 0 };
	unsigned char *data = NULL;
	size_t len = 0;
	enum ck_status rc = ck_read_file(path, lo.max_size, &data, &len, err);

	if (rc)
		return rc;
	if ((!lo.password || !lo.password->value) && !ck_jks_sniff(data, len)) {
		/* a PKCS#12 keystore: Java's default store password first, then
		 * the usual candidates (absent, empty, asking); JKS needs no
		 * password to be read and tries the default itself */
		struct ck_load_opts first = lo;
		struct ck_error e1;
		ck_error_clear(&e1);
		first.password = &def;
		rc = ck_bundle_load_mem(data, len, path, &first, b, &e1);
		if (rc != CK_E_BAD_PASSWORD) {
			if (rc)
				*err = e1;
			goto out;
		}
	}
	rc = ck_bundle_load_mem(data, len, path, &lo, b, err);
out:
	gnutls_memset(data, 0, len); /* a keystore may hold keys */
	free(data);
	return rc;
}

enum ck_status ck_trust_store_load_java(const char *path, const struct ck_trust_opts *o,
					struct ck_trust_store **out, struct ck_error *err)
{
	char *name = malloc(strlen(path) + 6);
	struct ck_trust_store *s = NULL;
	struct ck_bundle *b = NULL;
	enum ck_status rc;

	if (!name)
		return nomem(err);
	snprintf(name, strlen(path) + 6, "java:%s", path);
	s = store_new(name, "java");
	free(name);
	if (!s || !(s->location = strdup(path))) {
		ck_trust_store_free(s);
		return nomem(err);
	}
	rc = java_bundle(path, o, &b, err);
	if (rc)
		goto out;
	{
		struct meta_in m = { .origin = path };
		rc = take_keystore(s, b, &m);
		if (rc) {
			rc = nomem(err);
			goto out;
		}
	}
	s->format = b->format;
	s->jks = b->jks;
	s->pkcs12_mac = b->p12 && b->p12->has_mac;
	b->jks = NULL;
out:
	ck_bundle_free(b);
	if (rc) {
		ck_trust_store_free(s);
		return rc;
	}
	*out = s;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* .NET */

enum ck_status ck_trust_store_load_dotnet(const char *home, const struct ck_trust_opts *o,
					  struct ck_trust_store **out, struct ck_error *err)
{
	size_t len = strlen(home) + sizeof CK_DOTNET_STORES + 8;
	char *name = malloc(len), *base = malloc(len);
	struct ck_trust_store *s = NULL;
	char **subs = NULL;
	size_t nsubs = 0;
	enum ck_status rc = CK_OK;
	struct stat st;

	if (!name || !base) {
		rc = nomem(err);
		goto out;
	}
	snprintf(name, len, "dotnet:%s", home);
	snprintf(base, len, "%s/%s", home, CK_DOTNET_STORES);
	s = store_new(name, "dotnet");
	if (!s || !(s->location = strdup(base))) {
		rc = nomem(err);
		goto out;
	}
	if (stat(base, &st) != 0 && errno == ENOENT) {
		s->absent = true; /* .NET creates the stores when it first writes one */
		goto out;
	}
	if ((rc = list_dir(base, &subs, &nsubs, err)))
		goto out;
	for (size_t i = 0; i < nsubs && !rc; i++) {
		char dir[4096];
		struct meta_in m = { .anchor = strcmp(subs[i], "root") == 0, .substore = subs[i] };
		if ((size_t)snprintf(dir, sizeof dir, "%s/%s", base, subs[i]) >= sizeof dir ||
		    stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		rc = dir_into(s, dir, o, false, &m, err);
	}
out:
	free_names(subs, nsubs);
	free(name);
	free(base);
	if (rc) {
		ck_trust_store_free(s);
		return rc;
	}
	*out = s;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* names */

enum ck_status ck_trust_store_open(const char *spec, const struct ck_trust_opts *o,
				   struct ck_trust_store **out, struct ck_error *err)
{
	struct stat st;

	if (!strcmp(spec, "system"))
		return ck_trust_store_load_system(o, CK_VIEW_ALL, out, err);
	if (!strcmp(spec, "system:openssl"))
		return ck_trust_store_load_system(o, CK_VIEW_OPENSSL, out, err);
	if (!strcmp(spec, "system:gnutls"))
		return ck_trust_store_load_system(o, CK_VIEW_GNUTLS, out, err);
	if (!strncmp(spec, "system:", 7))
		return ck_error_set(err, CK_E_USAGE,
				    "unknown view '%s' of the system store (system, system:openssl or system:gnutls)",
				    spec + 7);
	if (!strcmp(spec, "java"))
		return ck_trust_store_load_java(CK_JAVA_CACERTS, o, out, err);
	if (!strncmp(spec, "java:", 5) && spec[5])
		return ck_trust_store_load_java(spec + 5, o, out, err);
	if (!strcmp(spec, "dotnet")) {
		if (!o->home || !*o->home)
			return ck_error_set(err, CK_E_USAGE,
					    "no home directory for the .NET stores (HOME is not set; use dotnet:HOME)");
		return ck_trust_store_load_dotnet(o->home, o, out, err);
	}
	if (!strncmp(spec, "dotnet:", 7) && spec[7])
		return ck_trust_store_load_dotnet(spec + 7, o, out, err);
	if (stat(spec, &st) == 0 && S_ISDIR(st.st_mode))
		return ck_trust_store_load_dir(spec, "directory", o, out, err);
	return ck_trust_store_load_file(spec, "file", o, out, err);
}

enum ck_status ck_trust_add_to_pool(const struct ck_trust *t, struct ck_pool *pool)
{
	for (size_t i = 0; t && i < t->nstores; i++) {
		const struct ck_trust_store *s = t->stores[i];
		for (size_t j = 0; j < s->ncerts; j++) {
			bool anchor = s->meta ? s->meta[j].anchor : true;
			enum ck_status rc = ck_pool_add(pool, s->certs[j], CK_SRC_TRUST, anchor,
							s->name, -1, NULL);
			if (rc)
				return rc;
		}
	}
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* search and comparison */

/* The pattern's hex digits (colons, spaces ignored), lowercase; false
 * when anything else is in it or there are too few. */
static bool pattern_hex(const char *p, char *out, size_t size)
{
	size_t n = 0;
	for (; *p; p++) {
		if (*p == ':' || *p == ' ')
			continue;
		if (!isxdigit((unsigned char)*p) || n + 1 >= size)
			return false;
		out[n++] = (char)tolower((unsigned char)*p);
	}
	out[n] = '\0';
	return n >= CK_MATCH_MIN_HEX;
}

static bool hex_prefix(const unsigned char *bytes, size_t len, const char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = strlen(hex);
	if (n > 2 * len)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned v = i % 2 ? bytes[i / 2] & 0x0f : bytes[i / 2] >> 4;
		if (digits[v] != hex[i])
			return false;
	}
	return true;
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return false;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

unsigned ck_trust_match(const struct ck_cert *c, const char *pattern)
{
	char hex[160];
	unsigned m = 0;

	if (c->subject && contains_nocase(c->subject, pattern))
		m |= CK_MATCH_SUBJECT;
	if (pattern_hex(pattern, hex, sizeof hex)) {
		if (hex_prefix(c->sha256, 32, hex))
			m |= CK_MATCH_SHA256;
		unsigned char sha1[20];
		ck_cert_sha1(c, sha1);
		if (hex_prefix(sha1, 20, hex))
			m |= CK_MATCH_SHA1;
		if (c->ski_len && hex_prefix(c->ski, c->ski_len, hex))
			m |= CK_MATCH_KEY_ID;
	}
	return m;
}

static bool same_subject(const struct ck_cert *a, const struct ck_cert *b)
{
	return a->subject_raw.len == b->subject_raw.len &&
	       memcmp(ck_cert_span(a, a->subject_raw), ck_cert_span(b, b->subject_raw),
		      a->subject_raw.len) == 0;
}

static enum ck_status diff_push(struct ck_trust_diff_item **items, size_t *n,
				struct ck_trust_diff_item it)
{
	struct ck_trust_diff_item *ni = realloc(*items, (*n + 1) * sizeof *ni);
	if (!ni)
		return CK_E_NOMEM;
	ni[(*n)++] = it;
	*items = ni;
	return CK_OK;
}

enum ck_status ck_trust_diff(const struct ck_trust_store *a, const struct ck_trust_store *b,
			     struct ck_trust_diff_item **items_out, size_t *nitems, size_t *nsame)
{
	bool *b_used = calloc(b->ncerts ? b->ncerts : 1, sizeof *b_used);
	struct ck_trust_diff_item *items = NULL;
	size_t n = 0, same = 0;
	enum ck_status rc = CK_OK;

	if (!b_used)
		return CK_E_NOMEM;
	/* first the certificates in both, so that pairing by subject only
	 * ever looks at what is left */
	for (size_t i = 0; i < a->ncerts; i++) {
		long j = ck_trust_store_find(b, a->certs[i], false);
		if (j >= 0 && !b_used[j]) {
			b_used[j] = true;
			same++;
		}
	}
	for (size_t i = 0; i < a->ncerts && !rc; i++) {
		struct ck_trust_diff_item it = { .change = CK_CHANGE_REMOVED, .a = (long)i, .b = -1 };
		if (ck_trust_store_find(b, a->certs[i], false) >= 0)
			continue;
		for (size_t j = 0; j < b->ncerts; j++) {
			const struct ck_cert *x = a->certs[i], *y = b->certs[j];
			if (b_used[j] || !same_subject(x, y))
				continue;
			b_used[j] = true;
			it.change = CK_CHANGE_CHANGED;
			it.b = (long)j;
			it.key = memcmp(x->spki_sha256, y->spki_sha256, 32) != 0;
			it.validity = x->not_before != y->not_before || x->not_after != y->not_after;
			break;
		}
		rc = diff_push(&items, &n, it);
	}
	for (size_t j = 0; j < b->ncerts && !rc; j++) {
		struct ck_trust_diff_item it = { .change = CK_CHANGE_ADDED, .a = -1, .b = (long)j };
		if (!b_used[j] && ck_trust_store_find(a, b->certs[j], false) < 0)
			rc = diff_push(&items, &n, it);
	}
	free(b_used);
	if (rc) {
		free(items);
		return rc;
	}
	*items_out = items;
	*nitems = n;
	*nsame = same;
	return CK_OK;
}
