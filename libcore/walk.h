/* walk — which files of a set of PATH operands are audited (certaudit's
 * tree walk), and opening them again safely.  Directories are walked
 * recursively in name order; a file is audited when named as an
 * operand, when its name is a bundle's (or matches an include glob), or,
 * for other names, when it holds a PEM certificate (decided when it is
 * opened); exclude globs remove; symbolic links are followed only inside
 * the directory operands unless `follow`; a directory reached twice (a
 * loop, a bind mount) is walked once.  The result is in path order,
 * each file once.  Globs match as ck_pwmap_glob_match (pwmap.h). */
#ifndef CK_WALK_H
#define CK_WALK_H

#include "err.h"
#include "load.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_walk_globs {
	const char **v;
	size_t n;
};

struct ck_walk_opts {
	struct ck_walk_globs include, exclude;
	bool follow;
};

enum {
	CK_WALK_EXPLICIT = 1,   /* named as an operand */
	CK_WALK_BY_NAME = 2,    /* bundle extension, or an include glob */
	CK_WALK_BY_CONTENT = 4, /* audited only if it holds a PEM certificate */
	CK_WALK_VIA_LINK = 8,   /* the walk reached it through a symbolic link */
};

struct ck_walk_entry {
	char *path;
	char *rel;               /* inside its PATH operand; NULL for an operand */
	unsigned how;            /* CK_WALK_* */
	struct ck_error *failed; /* the walk could not reach it (CK_E_IO) */
};

/* A set of (device, inode) pairs: directories already walked (an open
 * addressing table keyed by the pair itself, not only its hash). */
struct ck_dirkey {
	uint64_t dev, ino;
	bool used;
};

struct ck_dirset {
	struct ck_dirkey *keys;
	size_t n, cap;
};

struct ck_walk {
	const struct ck_walk_opts *o; /* set by the caller */
	struct ck_walk_entry *v;
	size_t n, cap;
	char **roots;          /* realpath of each directory operand */
	size_t nroots;
	struct ck_dirset dirs;
	size_t not_audited, links_skipped;
	/* the files not audited and why (not_audited counts them) */
	struct ck_walk_skipped {
		char *path;
		const char *why; /* static text */
	} *skipped;
	size_t nskipped, capskipped;
	/* the operands that are missing or cannot be opened (CK_E_IO,
	 * naming the operand), in order */
	struct ck_error *errors;
	size_t nerrors;
	bool nomem;
};

/* Count `path` as not audited, and keep it with the reason (static). */
void ck_walk_not_audited(struct ck_walk *w, const char *path, const char *why);

/* Put the files not audited in path order (for the report). */
void ck_walk_sort_not_audited(struct ck_walk *w);

/* Walk every operand ("-" is standard input, an entry of its own), w
 * zeroed but for w->o.  Returns CK_OK; CK_E_IO when operands are
 * missing or cannot be opened (each in w->errors, nothing walked when
 * one is missing); CK_E_NOMEM, in err. */
enum ck_status ck_walk_operands(struct ck_walk *w, char **paths, int n, struct ck_error *err);

/* Is `real` (a realpath) inside one of the directory operands? */
bool ck_walk_inside_roots(const struct ck_walk *w, const char *real);

/* Load a file the walk found (not an operand, which is loaded as any
 * file) into a bundle, applying the walk's rules again to what is
 * opened, since the tree may have changed in between: the last name is
 * not followed unless the walk went through a link there, opening never
 * waits (a FIFO put in its place), it must be a regular file, and
 * without `follow` it must still be inside the directory operands.
 * *skipped (and CK_OK, *b NULL) when it is audited by content and holds
 * no PEM certificate in its first 64 KiB.  Errors: CK_E_IO when refused
 * or unreadable (err names the file), and those of ck_bundle_load_mem. */
enum ck_status ck_walk_load(const struct ck_walk *w, const struct ck_walk_entry *e,
			    const struct ck_load_opts *lo, bool *skipped, struct ck_bundle **b,
			    struct ck_error *err);

void ck_walk_entry_free(struct ck_walk_entry *e);

/* Free the entries, the roots, the errors and the directory set. */
void ck_walk_free(struct ck_walk *w);

#endif
