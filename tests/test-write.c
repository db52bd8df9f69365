/* write: atomic output, no overwrite without force, 0600 for secrets. */
#include "config.h"

#include "libcore/write.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
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
	static char p[512];
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
 * /dev/null as root would leave a regular file there.  Only with force. */
Test(write, fifo_is_written_to_with_force_not_replaced)
{
	struct ck_write_opts o = { .force = true };
	struct stat st;
	char buf[16] = "";
	int rd;
	cr_assert_eq(mkfifo(path("pipe"), 0600), 0);
	rd = open(path("pipe"), O_RDONLY | O_NONBLOCK);
	cr_assert(rd >= 0);
	cr_assert_eq(ck_write_file(path("pipe"), "hello", 5, &o, &e), CK_OK, "%s", e.what);
	cr_assert_eq(read(rd, buf, sizeof buf - 1), 5);
	cr_assert_str_eq(buf, "hello");
	close(rd);
	cr_assert_eq(lstat(path("pipe"), &st), 0);
	cr_assert(S_ISFIFO(st.st_mode), "the FIFO is still a FIFO");
	cr_assert_eq(entries(), 1, "no temporary file is left");
}

Test(write, fifo_device_and_link_are_refused_without_force)
{
	struct ck_write_opts o = { 0 };
	struct stat st;
	int rd;
	cr_assert_eq(mkfifo(path("pipe"), 0600), 0);
	cr_assert_eq(symlink("target", path("link")), 0);
	rd = open(path("pipe"), O_RDONLY | O_NONBLOCK); /* a reader is there */
	cr_assert(rd >= 0);
	cr_assert_eq(ck_write_file(path("pipe"), "x", 1, &o, &e), CK_E_EXISTS);
	cr_assert(strstr(e.what, "is a FIFO: not written to without --force"), "%s", e.what);
	cr_assert_eq(ck_write_file("/dev/null", "x", 1, &o, &e), CK_E_EXISTS);
	cr_assert(strstr(e.what, "is a character device"), "%s", e.what);
	cr_assert_eq(ck_write_file(path("link"), "x", 1, &o, &e), CK_E_EXISTS);
	cr_assert(strstr(e.what, "is a symbolic link: not replaced without --force"), "%s", e.what);
	cr_assert_eq(ck_out_check(path("pipe"), &o, &e), CK_E_EXISTS);
	close(rd);
	cr_assert_eq(lstat(path("link"), &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "the link is still a link");
	cr_assert_eq(lstat(path("target"), &st), -1, "the link was not followed");
	cr_assert_eq(entries(), 2);
}

/* With force a link is replaced, never followed; but a link to a FIFO
 * or a device means "write there", so it is refused. */
Test(write, force_replaces_a_link_not_its_target)
{
	struct ck_write_opts o = { .force = true };
	struct stat st;
	cr_assert_eq(ck_write_file(path("target"), "theirs", 6, &(struct ck_write_opts){ 0 }, &e), CK_OK);
	cr_assert_eq(symlink("target", path("link")), 0);
	cr_assert_eq(ck_write_file(path("link"), "ours", 4, &o, &e), CK_OK, "%s", e.what);
	cr_assert_str_eq(slurp(path("target")), "theirs");
	cr_assert_eq(lstat(path("link"), &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_str_eq(slurp(path("link")), "ours");
	cr_assert_eq(mkfifo(path("pipe"), 0600), 0);
	cr_assert_eq(symlink("pipe", path("to-pipe")), 0);
	cr_assert_eq(symlink("/dev/null", path("to-null")), 0);
	cr_assert_eq(symlink("/proc/self/fd/1", path("to-stdout")), 0);
	cr_assert_eq(ck_write_file(path("to-pipe"), "x", 1, &o, &e), CK_E_EXISTS);
	cr_assert(strstr(e.what, "symbolic link to a FIFO, a device or a descriptor"), "%s", e.what);
	cr_assert_eq(ck_write_file(path("to-null"), "x", 1, &o, &e), CK_E_EXISTS);
	cr_assert_eq(ck_write_file(path("to-stdout"), "x", 1, &o, &e), CK_E_EXISTS);
	cr_assert_eq(lstat(path("to-null"), &st), 0);
	cr_assert(S_ISLNK(st.st_mode));
	cr_assert_eq(entries(), 6, "no temporary file is left");
}

/* Nothing reads the FIFO: an error at once, not a hang. */
Test(write, fifo_without_reader_does_not_block, .timeout = 10)
{
	struct ck_write_opts o = { .force = true };
	cr_assert_eq(mkfifo(path("pipe"), 0600), 0);
	cr_assert_eq(ck_write_file(path("pipe"), "x", 1, &o, &e), CK_E_IO);
	cr_assert(strstr(e.what, "nobody reads"), "%s", e.what);
	cr_assert_eq(ck_out_check(path("pipe"), &o, &e), CK_OK, "checking does not open it: %s", e.what);
	cr_assert_eq(entries(), 1);
}

/* A secret goes into a FIFO or device only with force and when it is
 * ours; never into or over what another user owns. */
Test(write, secret_is_not_written_to_another_users_fifo_or_file)
{
	struct ck_write_opts o = { .force = true, .secret = true };
	uid_t other = geteuid() == 0 ? 65534 : 0;
	int rd;
	cr_assert_eq(mkfifo(path("mine"), 0600), 0);
	rd = open(path("mine"), O_RDONLY | O_NONBLOCK);
	cr_assert_eq(ck_write_file(path("mine"), "k", 1, &o, &e), CK_OK, "%s", e.what);
	close(rd);
	if (geteuid() != 0)
		cr_skip_test("not root: cannot give a FIFO to another user");
	cr_assert_eq(mkfifo(path("theirs"), 0666), 0);
	cr_assert_eq(lchown(path("theirs"), other, other), 0);
	rd = open(path("theirs"), O_RDONLY | O_NONBLOCK);
	cr_assert_eq(ck_write_file(path("theirs"), "k", 1, &o, &e), CK_E_EXISTS);
	cr_assert(strstr(e.what, "is a FIFO of another user: a private key is not written into it"),
		  "%s", e.what);
	cr_assert_eq(ck_write_file("/dev/null", "k", 1, &o, &e), CK_OK, "root's own device: %s", e.what);
	close(rd);
	cr_assert_eq(ck_write_file(path("file"), "old", 3, &(struct ck_write_opts){ 0 }, &e), CK_OK);
	cr_assert_eq(lchown(path("file"), other, other), 0);
	cr_assert_eq(ck_write_file(path("file"), "k", 1, &o, &e), CK_E_EXISTS);
	cr_assert(strstr(e.what, "is a file of another user"), "%s", e.what);
	cr_assert_str_eq(slurp(path("file")), "old");
	o.secret = false;
	cr_assert_eq(ck_write_file(path("file"), "new", 3, &o, &e), CK_OK, "%s", e.what);
	cr_assert_eq(entries(), 3);
}

/* The temporary name is ".NAME.XXXXXX": NAME is cut to fit NAME_MAX. */
Test(write, names_up_to_name_max)
{
	struct ck_write_opts o = { 0 };
	char name[NAME_MAX + 1];
	struct ck_outdir *d = NULL;
	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	cr_assert_eq(ck_write_file(path(name), "x", 1, &o, &e), CK_OK, "%s", e.what);
	name[NAME_MAX - 4] = '\0';
	cr_assert_eq(ck_outdir_open(path(name), ".der", &o, &d, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_outdir_add(d, "a.der", "x", 1, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_outdir_commit(d, &e), CK_OK, "%s", e.what);
	cr_assert_eq(entries(), 2);
}

struct events {
	int creating, created, gone;
	char last[4096];
};

static void hook(void *ctx, enum ck_temp_event ev, const char *p, bool is_dir)
{
	struct events *ev_ = ctx;
	(void)is_dir;
	snprintf(ev_->last, sizeof ev_->last, "%s", p);
	if (ev == CK_TEMP_CREATING)
		ev_->creating++;
	else if (ev == CK_TEMP_CREATED)
		ev_->created++;
	else
		ev_->gone++;
}

/* Every temporary file is announced and reported gone. */
Test(write, temporary_files_are_told_to_the_hook)
{
	struct events ev = { 0 };
	struct ck_write_opts o = { .temp_hook = hook, .temp_ctx = &ev };
	struct ck_out *out = NULL;
	struct stat st;
	cr_assert_eq(ck_out_open(path("a"), &o, &out, &e), CK_OK);
	cr_assert_eq(ev.creating, 1);
	cr_assert_eq(ev.created, 1);
	cr_assert_eq(stat(ev.last, &st), 0, "the hook is told the real name");
	cr_assert(strstr(ev.last, "/.a."), "%s", ev.last);
	cr_assert_eq(ck_out_commit(out, &e), CK_OK);
	cr_assert_eq(ev.gone, 1);
	cr_assert_eq(ck_out_open(path("b"), &o, &out, &e), CK_OK);
	ck_out_abort(out);
	cr_assert_eq(ev.gone, 2);
	cr_assert_eq(ck_write_file(path("a"), "x", 1, &o, &e), CK_E_EXISTS);
	cr_assert_eq(ev.creating, 2, "nothing made for a refused path");
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
