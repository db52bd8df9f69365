/* pwmap — a password map ("GLOB<TAB>PASSWORD-FILE" lines, each password
 * file read once, the first matching glob deciding; certaudit's
 * --passwords), the glob matching the walk's include/exclude rules use
 * too, and the reading of one password file. */
#ifndef CK_PWMAP_H
#define CK_PWMAP_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>

/* A glob without '/' matches the file name; one with '/' matches the
 * path as shown or the path inside its PATH operand (`rel`, may be
 * NULL; '*' crosses '/'). */
bool ck_pwmap_glob_match(const char *glob, const char *path, const char *rel);

/* The password in the file at `path`: its first line, without a UTF-8
 * byte order mark or the line end, into a new string (*pass, wiped and
 * freed by the caller).  Errors, err's file left to the caller:
 * CK_E_IO "cannot read the password file: ..." (any reason it cannot be
 * read, too large included), CK_E_USAGE when the line holds a NUL byte,
 * CK_E_NOMEM. */
enum ck_status ck_pwmap_read_password(const char *path, char **pass, struct ck_error *err);

struct ck_pw_rule;
struct ck_pw_file;

struct ck_pwmap {
	struct ck_pw_rule *rules;
	size_t nrules;
	struct ck_pw_file *files;
	size_t nfiles;
};

/* Read MAP into m (zeroed by the caller).  '#' comments and blank lines
 * are ignored; a relative password file is relative to MAP's directory.
 * Errors: CK_E_PARSE naming MAP and the line ("line N: ..."); those of
 * ck_read_file for MAP and of ck_pwmap_read_password for a password file
 * (err's file the one at fault); CK_E_NOMEM, with no file.  m holds the
 * rules read before the error: free it with ck_pwmap_free. */
enum ck_status ck_pwmap_load(struct ck_pwmap *m, const char *map, struct ck_error *err);

/* The password of the first rule whose glob matches; NULL if none. */
const char *ck_pwmap_find(const struct ck_pwmap *m, const char *path, const char *rel);

/* Wipe the passwords and free everything. */
void ck_pwmap_free(struct ck_pwmap *m);

#endif
