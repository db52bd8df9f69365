/* pwmap — the password map and the globs it and the walk use.  See
 * pwmap.h. */
#include "config.h"

#include "pwmap.h"

#include "load.h"

#include <fnmatch.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ck_pwmap_glob_match(const char *glob, const char *path, const char *rel)
{
	const char *base;
	if (!strchr(glob, '/')) {
		base = strrchr(path, '/');
		return fnmatch(glob, base ? base + 1 : path, 0) == 0;
	}
	return fnmatch(glob, path, 0) == 0 || (rel && fnmatch(glob, rel, 0) == 0);
}

enum ck_status ck_pwmap_read_password(const char *path, char **pass, struct ck_error *err)
{
	static const unsigned char bom[] = { 0xef, 0xbb, 0xbf };
	unsigned char *data = NULL, *p;
	size_t len = 0, n;
	enum ck_status rc = CK_OK;

	*pass = NULL;
	if (ck_read_file(path, 64 * 1024, &data, &len, err)) {
		char what[CK_ERROR_WHAT_MAX];
		snprintf(what, sizeof what, "%s", err->what);
		return ck_error_set(err, CK_E_IO, "cannot read the password file: %s", what);
	}
	/* Notepad's byte order mark is not part of the password */
	p = len >= 3 && !memcmp(data, bom, 3) ? data + 3 : data;
	for (n = 0; p + n < data + len && p[n] != '\n' && p[n] != '\r'; n++)
		;
	if (memchr(p, '\0', n)) {
		rc = ck_error_set(err, CK_E_USAGE, "the password holds a NUL byte: refused (a password ends "
						   "at the first NUL, so it would be cut short)");
	} else if (!(*pass = malloc(n + 1))) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
	} else {
		memcpy(*pass, p, n);
		(*pass)[n] = '\0';
	}
	gnutls_memset(data, 0, len);
	free(data);
	return rc;
}

struct ck_pw_rule {
	char *glob;
	char *password; /* owned by a ck_pw_file */
};

struct ck_pw_file {
	char *path;
	char *password;
};

void ck_pwmap_free(struct ck_pwmap *m)
{
	for (size_t i = 0; i < m->nrules; i++)
		free(m->rules[i].glob);
	for (size_t i = 0; i < m->nfiles; i++) {
		if (m->files[i].password) {
			gnutls_memset(m->files[i].password, 0, strlen(m->files[i].password));
			free(m->files[i].password);
		}
		free(m->files[i].path);
	}
	free(m->rules);
	free(m->files);
	memset(m, 0, sizeof *m);
}

/* The password in `path` (read once per file), or NULL with err set. */
static char *map_password(struct ck_pwmap *m, const char *path, struct ck_error *err)
{
	struct ck_pw_file *nf;
	for (size_t i = 0; i < m->nfiles; i++)
		if (!strcmp(m->files[i].path, path))
			return m->files[i].password;
	nf = realloc(m->files, (m->nfiles + 1) * sizeof *nf);
	if (!nf) {
		ck_error_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	m->files = nf;
	if (ck_pwmap_read_password(path, &nf[m->nfiles].password, err)) {
		if (err->status != CK_E_NOMEM)
			ck_error_set_file(err, path);
		return NULL;
	}
	if (!(nf[m->nfiles].path = strdup(path))) {
		gnutls_memset(nf[m->nfiles].password, 0, strlen(nf[m->nfiles].password));
		free(nf[m->nfiles].password);
		ck_error_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	return nf[m->nfiles++].password;
}

enum ck_status ck_pwmap_load(struct ck_pwmap *m, const char *map, struct ck_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0, pos = 0, dirlen;
	unsigned line = 0;
	enum ck_status rc = CK_OK;
	const char *slash = strrchr(map, '/');

	if ((rc = ck_read_file(map, 1024 * 1024, &data, &len, err)))
		return rc;
	dirlen = slash ? (size_t)(slash - map) + 1 : 0;
	while (pos < len && !rc) {
		char *l = (char *)data + pos, *nl = memchr(l, '\n', len - pos), *tab, *file, *path;
		struct ck_pw_rule *nr;
		size_t n = nl ? (size_t)(nl - l) : len - pos;

		pos += n + 1;
		line++;
		l[n] = '\0';
		if (n && l[n - 1] == '\r')
			l[n - 1] = '\0';
		if (!*l || *l == '#')
			continue;
		tab = strchr(l, '\t');
		if (!tab || tab == l) {
			rc = ck_error_set(err, CK_E_PARSE, "line %u: expected GLOB<TAB>PASSWORD-FILE", line);
			ck_error_set_file(err, map);
			break;
		}
		*tab = '\0';
		for (file = tab + 1; *file == '\t' || *file == ' '; file++)
			;
		for (char *e = file + strlen(file); e > file && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (!*file) {
			rc = ck_error_set(err, CK_E_PARSE, "line %u: the password file is missing", line);
			ck_error_set_file(err, map);
			break;
		}
		path = malloc(dirlen + strlen(file) + 1);
		nr = realloc(m->rules, (m->nrules + 1) * sizeof *nr);
		if (nr)
			m->rules = nr;
		if (!path || !nr) {
			free(path);
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			break;
		}
		if (*file == '/')
			strcpy(path, file);
		else
			sprintf(path, "%.*s%s", (int)dirlen, map, file);
		nr[m->nrules].password = map_password(m, path, err);
		free(path);
		if (!nr[m->nrules].password) {
			rc = err->status;
			break;
		}
		if (!(nr[m->nrules].glob = strdup(l))) {
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			break;
		}
		m->nrules++;
	}
	free(data);
	return rc;
}

const char *ck_pwmap_find(const struct ck_pwmap *m, const char *path, const char *rel)
{
	for (size_t i = 0; i < m->nrules; i++)
		if (ck_pwmap_glob_match(m->rules[i].glob, path, rel))
			return m->rules[i].password;
	return NULL;
}
