/* walk and pwmap: the password map's parser and its errors, the globs,
 * and the walk's include, exclude and symbolic-link rules, on a tree
 * made in a temporary directory. */
#include "config.h"

#include "libcore/pwmap.h"
#include "libcore/walk.h"
#include "unit.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static struct ck_error e;

static void put(const char *rel, const char *text)
{
	char p[512];
	FILE *f;
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	cr_assert_not_null(f = fopen(p, "w"), "%s", p);
	fputs(text, f);
	fclose(f);
}

static void sub(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	cr_assert_eq(mkdir(p, 0700), 0, "%s", p);
}

static void lnk(const char *target, const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	cr_assert_eq(symlink(target, p), 0, "%s", p);
}

static void setup(void)
{
	snprintf(dir, sizeof dir, "%s/ck-walk-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	cr_assert_not_null(mkdtemp(dir));
	ck_error_clear(&e);
}

static void teardown(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(pwmap, .init = setup, .fini = teardown);
TestSuite(walk, .init = setup, .fini = teardown);

static enum ck_status load_map(const char *text, struct ck_pwmap *m)
{
	char p[512];
	put("map", text);
	snprintf(p, sizeof p, "%s/map", dir);
	memset(m, 0, sizeof *m);
	return ck_pwmap_load(m, p, &e);
}

Test(pwmap, first_matching_glob_wins_relative_to_the_map)
{
	struct ck_pwmap m;
	put("pw1", "one\r\n");
	put("pw2", "\xef\xbb\xbftwo");
	cr_assert_eq(load_map("# comment\n\n*.p12\tpw1\r\nsecret/*\t  pw2  \n*\tpw1\n", &m), CK_OK,
		     "%s", e.what);
	cr_assert_eq(m.nrules, 3);
	cr_assert_eq(m.nfiles, 2); /* pw1 read once */
	cr_assert_str_eq(ck_pwmap_find(&m, "/x/a.p12", NULL), "one");
	cr_assert_str_eq(ck_pwmap_find(&m, "/x/secret/k.pfx", "secret/k.pfx"), "two");
	cr_assert_str_eq(ck_pwmap_find(&m, "/x/other", "other"), "one");
	ck_pwmap_free(&m);
	cr_assert_eq(m.nrules, 0);
}

Test(pwmap, line_without_a_tab)
{
	struct ck_pwmap m;
	cr_assert_eq(load_map("# ok\n*.p12 pw\n", &m), CK_E_PARSE);
	cr_assert_str_eq(e.what, "line 2: expected GLOB<TAB>PASSWORD-FILE");
	cr_assert_not_null(strstr(e.file, "/map"));
	ck_pwmap_free(&m);
}

Test(pwmap, empty_glob)
{
	struct ck_pwmap m;
	cr_assert_eq(load_map("\tpw\n", &m), CK_E_PARSE);
	cr_assert_str_eq(e.what, "line 1: expected GLOB<TAB>PASSWORD-FILE");
	ck_pwmap_free(&m);
}

Test(pwmap, missing_password_file_name)
{
	struct ck_pwmap m;
	cr_assert_eq(load_map("a\t \t\n", &m), CK_E_PARSE);
	cr_assert_str_eq(e.what, "line 1: the password file is missing");
	ck_pwmap_free(&m);
}

Test(pwmap, unreadable_password_file)
{
	struct ck_pwmap m;
	cr_assert_eq(load_map("*\tnone\n", &m), CK_E_IO);
	cr_assert_not_null(strstr(e.what, "cannot read the password file: "), "%s", e.what);
	cr_assert_not_null(strstr(e.file, "/none"), "%s", e.file);
	ck_pwmap_free(&m);
}

Test(pwmap, password_with_a_nul)
{
	struct ck_pwmap m;
	char p[512];
	FILE *f;
	snprintf(p, sizeof p, "%s/nul", dir);
	cr_assert_not_null(f = fopen(p, "w"));
	fwrite("ab\0c\n", 1, 5, f);
	fclose(f);
	cr_assert_eq(load_map("*\tnul\n", &m), CK_E_USAGE);
	cr_assert_not_null(strstr(e.what, "NUL byte"), "%s", e.what);
	ck_pwmap_free(&m);
}

Test(pwmap, missing_map)
{
	struct ck_pwmap m = { 0 };
	cr_assert_eq(ck_pwmap_load(&m, "/nonexistent/map", &e), CK_E_IO);
}

Test(pwmap, globs)
{
	cr_assert(ck_pwmap_glob_match("*.pem", "/a/b/c.pem", "b/c.pem"));
	cr_assert(!ck_pwmap_glob_match("*.pem", "/a/b.pem/c", "b.pem/c"));
	cr_assert(ck_pwmap_glob_match("b/*", "/a/b/c/d.pem", "b/c/d.pem")); /* '*' crosses '/' */
	cr_assert(!ck_pwmap_glob_match("b/*", "/a/x/c", NULL));
}

/* Walk `dir` with the options; the files found, relative to dir, as
 * "rel:how" joined by spaces. */
static char *walk(const struct ck_walk_opts *o, struct ck_walk *w)
{
	static char out[4096];
	char *paths[] = { dir };
	memset(w, 0, sizeof *w);
	w->o = o;
	cr_assert_eq(ck_walk_operands(w, paths, 1, &e), CK_OK, "%s", e.what);
	out[0] = '\0';
	for (size_t i = 0; i < w->n; i++) {
		char one[300];
		snprintf(one, sizeof one, "%s%s:%u%s", i ? " " : "", w->v[i].rel, w->v[i].how,
			 w->v[i].failed ? "!" : "");
		strcat(out, one);
	}
	return out;
}

static void tree(void)
{
	sub("d");
	sub("skip");
	put("a.pem", "x");
	put("d/b.CRT", "x");
	put("d/notes.txt", "x");
	put("skip/c.pem", "x");
	lnk("..", "d/loop");          /* a loop: walked once */
	lnk("a.pem", "link.pem");    /* inside the tree */
	lnk("/etc/hostname", "out.pem"); /* out of the tree */
	lnk("nowhere", "dangling.pem");
	lnk("nowhere", "dangling.txt");
}

Test(walk, names_content_and_links)
{
	struct ck_walk_opts o = { 0 };
	struct ck_walk w;
	tree();
	cr_assert_str_eq(walk(&o, &w), "a.pem:2 d/b.CRT:2 d/notes.txt:4 dangling.pem:2! link.pem:10 skip/c.pem:2");
	cr_assert_eq(w.links_skipped, 1); /* out.pem */
	cr_assert_eq(w.not_audited, 1);   /* dangling.txt */
	cr_assert_str_eq(w.skipped[0].why, "a symbolic link to nowhere, not a bundle by name");
	ck_walk_free(&w);
}

Test(walk, follow)
{
	struct ck_walk_opts o = { .follow = true };
	struct ck_walk w;
	const char *found;
	if (access("/etc/hostname", R_OK))
		cr_skip_test("no /etc/hostname");
	tree();
	found = walk(&o, &w);
	cr_assert_not_null(strstr(found, " out.pem:10 "), "%s", found);
	cr_assert_eq(w.links_skipped, 0);
	ck_walk_free(&w);
}

Test(walk, include_and_exclude)
{
	const char *inc[] = { "*.pem" }, *exc[] = { "skip", "link*" };
	struct ck_walk_opts o = { .include = { inc, 1 }, .exclude = { exc, 2 } };
	struct ck_walk w;
	tree();
	cr_assert_str_eq(walk(&o, &w), "a.pem:2 dangling.pem:2!");
	/* d/b.CRT and d/notes.txt are not matched by --include */
	cr_assert_eq(w.not_audited, 3);
	ck_walk_free(&w);
}

Test(walk, missing_operand)
{
	struct ck_walk_opts o = { 0 };
	struct ck_walk w = { .o = &o };
	char *paths[] = { "/nonexistent/a", "-", "/nonexistent/b" };
	cr_assert_eq(ck_walk_operands(&w, paths, 3, &e), CK_E_IO);
	cr_assert_eq(w.nerrors, 2);
	cr_assert_str_eq(w.errors[0].file, "/nonexistent/a");
	cr_assert_str_eq(w.errors[0].what, "No such file or directory");
	cr_assert_eq(w.n, 0);
	ck_walk_free(&w);
}

Test(walk, load_refuses_a_fifo_put_in_place)
{
	struct ck_walk_opts o = { 0 };
	struct ck_walk w;
	struct ck_load_opts lo = { 0 };
	struct ck_bundle *b = NULL;
	char p[512];
	bool skipped;
	put("x.pem", "no certificate here");
	put("y.txt", "nor here");
	cr_assert_str_eq(walk(&o, &w), "x.pem:2 y.txt:4");
	cr_assert_eq(ck_walk_load(&w, &w.v[1], &lo, &skipped, &b, &e), CK_OK);
	cr_assert(skipped);
	snprintf(p, sizeof p, "%s/x.pem", dir);
	cr_assert_eq(unlink(p), 0);
	cr_assert_eq(mkfifo(p, 0600), 0);
	cr_assert_eq(ck_walk_load(&w, &w.v[0], &lo, &skipped, &b, &e), CK_E_IO);
	cr_assert_str_eq(e.what, "a FIFO now (it changed after the walk): not read");
	ck_walk_free(&w);
}
