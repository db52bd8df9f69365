/* pwmap — certaudit's --passwords map and the globs it and the walk
 * use.  See pwmap.h. */
#include "config.h"

#include "pwmap.h"

#include "cli.h"

#include <fnmatch.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cli_glob_match(const char *glob, const char *path, const char *rel)
{
	const char *base;
	if (!strchr(glob, '/')) {
		base = strrchr(path, '/');
		return fnmatch(glob, base ? base + 1 : path, 0) == 0;
	}
	return fnmatch(glob, path, 0) == 0 || (rel && fnmatch(glob, rel, 0) == 0);
}

struct pw_rule {
	char *glob;
	char *password; /* owned by a pw_file */
};

struct pw_file {
	char *path;
	char *password;
};

void pw_map_free(struct pw_map *m)
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

/* The password in `path` (read once per file).  NULL after a message,
 * with *status the exit status. */
static char *map_password(struct pw_map *m, const char *path, int *status)
{
	struct pw_file *nf;
	for (size_t i = 0; i < m->nfiles; i++)
		if (!strcmp(m->files[i].path, path))
			return m->files[i].password;
	nf = realloc(m->files, (m->nfiles + 1) * sizeof *nf);
	if (!nf) {
		cli_msg(NULL, "out of memory");
		*status = CLI_EXIT_INTERNAL;
		return NULL;
	}
	m->files = nf;
	nf[m->nfiles].path = strdup(path);
	nf[m->nfiles].password = cli_read_password_file(path, status);
	if (!nf[m->nfiles].path || !nf[m->nfiles].password) {
		if (nf[m->nfiles].password) {
			cli_msg(NULL, "out of memory");
			*status = CLI_EXIT_INTERNAL;
		}
		free(nf[m->nfiles].path);
		free(nf[m->nfiles].password);
		return NULL;
	}
	return nf[m->nfiles++].password;
}

/* Read MAP: "GLOB<TAB>PASSWORD-FILE" lines, '#' comments and blank lines
 * ignored; a relative password file is relative to MAP's directory.
 * Returns 0 or an exit status after a message. */
int pw_map_load(struct pw_map *m, const char *map)
{
	unsigned char *data = NULL;
	size_t len = 0, pos = 0, dirlen;
	struct ck_error err;
	unsigned line = 0;
	int status = 0;
	const char *slash = strrchr(map, '/');

	ck_error_clear(&err);
	if (ck_read_file(map, 1024 * 1024, &data, &len, &err))
		return cli_error(&err);
	dirlen = slash ? (size_t)(slash - map) + 1 : 0;
	while (pos < len && !status) {
		char *l = (char *)data + pos, *nl = memchr(l, '\n', len - pos), *tab, *file, *path;
		struct pw_rule *nr;
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
			cli_msg(map, "line %u: expected GLOB<TAB>PASSWORD-FILE", line);
			status = CLI_EXIT_INPUT;
			break;
		}
		*tab = '\0';
		for (file = tab + 1; *file == '\t' || *file == ' '; file++)
			;
		for (char *e = file + strlen(file); e > file && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (!*file) {
			cli_msg(map, "line %u: the password file is missing", line);
			status = CLI_EXIT_INPUT;
			break;
		}
		path = malloc(dirlen + strlen(file) + 1);
		nr = realloc(m->rules, (m->nrules + 1) * sizeof *nr);
		if (!path || !nr) {
			free(path);
			cli_msg(NULL, "out of memory");
			status = CLI_EXIT_INTERNAL;
			break;
		}
		m->rules = nr;
		if (*file == '/')
			strcpy(path, file);
		else
			sprintf(path, "%.*s%s", (int)dirlen, map, file);
		nr[m->nrules].password = map_password(m, path, &status);
		nr[m->nrules].glob = strdup(l);
		free(path);
		if (!nr[m->nrules].password || !nr[m->nrules].glob) {
			free(nr[m->nrules].glob);
			if (nr[m->nrules].password) {
				cli_msg(NULL, "out of memory");
				status = CLI_EXIT_INTERNAL;
			}
			break;
		}
		m->nrules++;
	}
	free(data);
	return status;
}

const char *pw_map_find(const struct pw_map *m, const char *path, const char *rel)
{
	for (size_t i = 0; i < m->nrules; i++)
		if (cli_glob_match(m->rules[i].glob, path, rel))
			return m->rules[i].password;
	return NULL;
}

