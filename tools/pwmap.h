/* pwmap — certaudit's --passwords map: "GLOB<TAB>PASSWORD-FILE" lines,
 * each password file read once, the first matching glob deciding; and
 * the glob matching the walk's --include/--exclude use too. */
#ifndef CK_TOOLS_PWMAP_H
#define CK_TOOLS_PWMAP_H

#include <stdbool.h>
#include <stddef.h>

/* A glob without '/' matches the file name; one with '/' matches the
 * path as shown or the path inside its PATH operand (`rel`, may be
 * NULL; '*' crosses '/'). */
bool cli_glob_match(const char *glob, const char *path, const char *rel);

struct pw_rule;
struct pw_file;

struct pw_map {
	struct pw_rule *rules;
	size_t nrules;
	struct pw_file *files;
	size_t nfiles;
};

/* Read MAP into m (zeroed by the caller).  '#' comments and blank lines
 * are ignored; a relative password file is relative to MAP's directory.
 * Returns 0, or an exit status after a message naming MAP and the line. */
int pw_map_load(struct pw_map *m, const char *map);

/* The password of the first rule whose glob matches; NULL if none. */
const char *pw_map_find(const struct pw_map *m, const char *path, const char *rel);

/* Wipe the passwords and free everything. */
void pw_map_free(struct pw_map *m);

#endif
