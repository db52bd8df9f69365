/* walk — certaudit's tree walk.  Directories are walked recursively in
 * name order; a file is audited when named on the command line, when its
 * name is a bundle's (or matches --include), or, for other names, when it
 * holds a PEM certificate (decided when it is opened); --exclude removes;
 * symbolic links are followed only inside the PATH operands unless
 * --follow; a directory reached twice (a loop, a bind mount) is walked
 * once.  The result is in path order, each file once. */
#ifndef CK_TOOLS_WALK_H
#define CK_TOOLS_WALK_H

#include "libcore/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct walk_globs {
	const char **v;
	size_t n;
};

struct walk_opts {
	struct walk_globs include, exclude;
	bool follow;
};

enum {
	E_EXPLICIT = 1,   /* named on the command line */
	E_BY_NAME = 2,    /* bundle extension, or --include */
	E_BY_CONTENT = 4, /* audited only if it holds a PEM certificate */
	E_VIA_LINK = 8,   /* the walk reached it through a symbolic link */
};

struct result;

struct entry {
	char *path;
	char *rel;              /* inside its PATH operand; NULL for an operand */
	unsigned how;
	struct ck_error *failed; /* the walk could not reach it */
	const char *password;    /* borrowed; NULL: none */
	struct result *res;
};

/* A set of (device, inode) pairs: directories already walked (an open
 * addressing table keyed by the pair itself, not only its hash). */
struct dirkey {
	uint64_t dev, ino;
	bool used;
};

struct dirset {
	struct dirkey *keys;
	size_t n, cap;
};

struct walk {
	const struct walk_opts *o;
	struct entry *v;
	size_t n, cap;
	char **roots;          /* realpath of each directory operand */
	size_t nroots;
	struct dirset dirs;
	size_t not_audited, links_skipped;
	/* the files not audited and why, for -v (not_audited counts them) */
	struct skipped {
		char *path;
		const char *why; /* static text */
	} *skipped;
	size_t nskipped, capskipped;
	bool nomem;
};

/* Count `path` as not audited, and keep it with the reason (static). */
void walk_not_audited(struct walk *w, const char *path, const char *why);

/* Put the files not audited in path order (for the report). */
void walk_sort_not_audited(struct walk *w);

/* Walk every operand ("-" is standard input, an entry of its own).
 * Returns 0, or an exit status after messages. */
int walk_operands(struct walk *w, char **paths, int n);

/* Is `real` (a realpath) inside one of the directory operands? */
bool walk_inside_roots(const struct walk *w, const char *real);

void walk_entry_free(struct entry *e);

/* Free the entries, the roots and the directory set. */
void walk_free(struct walk *w);

#endif
