/* write: atomic output, no overwrite without force, 0600 for secrets. */
#include "config.h"

#include "libcore/write.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char dir[64];
static struct ck_error e;

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/ck-write-XXXXXX");
	cr_assert(mkdtemp(dir));
	ck_error_clear(&e);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(write, .init = setup, .fini = teardown);

static char *path(const char *name)
{
	static char p[128];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static size_t entries(void)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")))
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *p)
{
	static char buf[256];
	FILE *f = fopen(p, "r");
	size_t n;
	cr_assert(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(write, writes_whole_file)
{
	struct ck_write_opts o = { 0 };
	cr_assert_eq(ck_write_file(path("a"), "hello", 5, &o, &e), CK_OK, "%s", e.what);
	cr_assert_str_eq(slurp(path("a")), "hello");
	cr_assert_eq(entries(), 1, "no temporary file is left");
}

Test(write, refuses_existing_without_force)
{
	struct ck_write_opts o = { 0 };
	cr_assert_eq(ck_write_file(path("a"), "one", 3, &o, &e), CK_OK);
	cr_assert_eq(ck_write_file(path("a"), "two", 3, &o, &e), CK_E_EXISTS);
	cr_assert(strstr(e.what, "--force"), "%s", e.what);
	cr_assert_str_eq(slurp(path("a")), "one");
	cr_assert_eq(entries(), 1);
}

Test(write, force_replaces)
{
	struct ck_write_opts o = { .force = true };
	cr_assert_eq(ck_write_file(path("a"), "one", 3, &o, &e), CK_OK);
	cr_assert_eq(ck_write_file(path("a"), "two", 3, &o, &e), CK_OK);
	cr_assert_str_eq(slurp(path("a")), "two");
	cr_assert_eq(entries(), 1);
}

Test(write, secret_files_are_0600_whatever_the_umask)
{
	struct ck_write_opts o = { .secret = true };
	struct stat st;
	mode_t old = umask(0);
	cr_assert_eq(ck_write_file(path("key.pem"), "k", 1, &o, &e), CK_OK);
	umask(old);
	cr_assert_eq(stat(path("key.pem"), &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
}

Test(write, public_files_follow_the_umask)
{
	struct ck_write_opts o = { 0 };
	struct stat st;
	mode_t old = umask(022);
	cr_assert_eq(ck_write_file(path("cert.pem"), "c", 1, &o, &e), CK_OK);
	umask(old);
	cr_assert_eq(stat(path("cert.pem"), &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
}

Test(write, abort_leaves_nothing)
{
	struct ck_write_opts o = { 0 };
	struct ck_out *out = NULL;
	cr_assert_eq(ck_out_open(path("a"), &o, &out, &e), CK_OK);
	fputs("partial", ck_out_file(out));
	ck_out_abort(out);
	cr_assert_eq(entries(), 0);
}

Test(write, missing_directory_is_an_io_error)
{
	struct ck_write_opts o = { 0 };
	cr_assert_eq(ck_write_file(path("no/such/dir/a"), "x", 1, &o, &e), CK_E_IO);
	cr_assert(strstr(e.what, "No such file"), "%s", e.what);
}

Test(write, directory_target_is_refused)
{
	struct ck_write_opts o = { .force = true };
	cr_assert_eq(ck_write_file(dir, "x", 1, &o, &e), CK_E_IO);
	cr_assert(strstr(e.what, "directory"), "%s", e.what);
}

Test(write, created_meanwhile_is_not_overwritten)
{
	struct ck_write_opts o = { 0 };
	struct ck_out *out = NULL;
	FILE *f;
	cr_assert_eq(ck_out_open(path("a"), &o, &out, &e), CK_OK);
	fputs("ours", ck_out_file(out));
	f = fopen(path("a"), "w"); /* someone else wins the race */
	fputs("theirs", f);
	fclose(f);
	cr_assert_eq(ck_out_commit(out, &e), CK_E_EXISTS);
	cr_assert_str_eq(slurp(path("a")), "theirs");
	cr_assert_eq(entries(), 1, "our temporary file is gone");
}

/* A pipe or device is written to, never replaced: renaming over
 * /dev/null as root would leave a regular file there. */
Test(write, fifo_is_written_to_not_replaced)
{
	struct ck_write_opts o = { .force = true };
	struct stat st;
	char buf[16] = "";
	int rd;
	cr_assert_eq(mkfifo(path("pipe"), 0600), 0);
	cr_assert_eq(symlink("pipe", path("link")), 0);
	rd = open(path("pipe"), O_RDONLY | O_NONBLOCK);
	cr_assert(rd >= 0);
	cr_assert_eq(ck_write_file(path("link"), "hello", 5, &o, &e), CK_OK, "%s", e.what);
	cr_assert_eq(read(rd, buf, sizeof buf - 1), 5);
	cr_assert_str_eq(buf, "hello");
	close(rd);
	cr_assert_eq(lstat(path("pipe"), &st), 0);
	cr_assert(S_ISFIFO(st.st_mode), "the FIFO is still a FIFO");
	cr_assert_eq(lstat(path("link"), &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "the link is still a link");
	cr_assert_eq(entries(), 2, "no temporary file is left");
}

Test(write, other_special_files_are_refused)
{
	struct ck_write_opts o = { .force = true };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(s >= 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/sock", dir);
	cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	cr_assert_eq(ck_write_file(path("sock"), "x", 1, &o, &e), CK_E_IO, "%s", e.what);
	cr_assert(strstr(e.what, "not a regular file"), "%s", e.what);
	close(s);
	cr_assert_eq(lstat(path("sock"), &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(entries(), 1);
}
