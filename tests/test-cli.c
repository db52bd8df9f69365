/* cli: what tools/cli.c gives every tool: the parsers of option values
 * (each value in a heap buffer of its exact size, so that the sanitizer
 * build catches a read past its end), and the removal of temporary
 * output files on a fatal signal. */
#include "config.h"

#include "tools/cli.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool parse_time(const char *s, time_t *t)
{
	size_t n = strlen(s) + 1;
	char *copy = malloc(n);
	bool ok;
	cr_assert(copy);
	memcpy(copy, s, n);
	ok = cli_parse_time(copy, t);
	free(copy);
	return ok;
}

/* One parser of seconds for every --timeout and --connect-timeout (it
 * was two, and this one took "nan"). */
Test(cli, parse_seconds)
{
	static const struct {
		const char *s;
		unsigned want; /* ms; 0: refused */
	} cases[] = {
		{ "5", 5000 }, { "0.001", 1 }, { "2.5", 2500 }, { "3600", 3600000 }, { "0.0015", 2 },
		{ "", 0 }, { "0", 0 }, { "0.0001", 0 }, { "3600.5", 0 }, { "-1", 0 }, { "+5", 0 },
		{ "5s", 0 }, { "nan", 0 }, { "NaN", 0 }, { "inf", 0 }, { "1e9", 0 },
		{ " +5", 0 }, { " 5", 0 }, { "0x10", 0 }, { "1.2.3", 0 }, { ".", 0 }, { ".5", 500 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i].s) + 1;
		char *copy = malloc(n);
		unsigned ms = 0;
		bool ok;

		cr_assert(copy);
		memcpy(copy, cases[i].s, n);
		ok = cli_parse_seconds(copy, &ms);
		free(copy);
		cr_assert_eq(ok, cases[i].want != 0, "'%s'", cases[i].s);
		if (ok)
			cr_assert_eq(ms, cases[i].want, "'%s': %u ms", cases[i].s, ms);
	}
}

/* Counts and sizes: digits only ("-1" after a blank was 2^64-1) */
Test(cli, parse_uint)
{
	static const struct {
		const char *s;
		bool ok;
		unsigned long want;
	} cases[] = {
		{ "1", true, 1 }, { "256", true, 256 }, { "257", false, 0 }, { "0", false, 0 },
		{ " -1", false, 0 }, { "-1", false, 0 }, { "+5", false, 0 }, { " 5", false, 0 },
		{ "0x10", false, 0 }, { "5k", false, 0 }, { "", false, 0 },
		{ "99999999999999999999999", false, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned long v = 0;
		bool ok = cli_parse_uint(cases[i].s, 1, 256, &v);
		cr_assert_eq(ok, cases[i].ok, "'%s'", cases[i].s);
		if (ok)
			cr_assert_eq(v, cases[i].want, "'%s': %lu", cases[i].s, v);
	}
}

Test(cli, parse_time_good_forms)
{
	static const struct {
		const char *s;
		time_t want;
	} cases[] = {
		{ "2030-01-01", 1893456000 },
		{ "2030-01-01T12:00:00Z", 1893499200 },
		{ "2030-01-01t12:00:00z", 1893499200 },
		{ "2030-01-01 12:00:00Z", 1893499200 },
		{ "2030-01-01T12:00:00.5Z", 1893499200 },
		{ "2030-01-01T12:00:00+02:00", 1893499200 - 7200 },
		{ "2030-01-01T12:00:00-05:30", 1893499200 + 19800 },
		{ "2030-01-01T12:00:00+23:59", 1893499200 - 86340 },
		{ "2030-01-01T12:00:00-00:00", 1893499200 },
		{ "2028-02-29", 1835395200 },
		{ "2016-12-31T23:59:60Z", 1483228800 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		time_t t = 0;
		cr_assert(parse_time(cases[i].s, &t), "%s", cases[i].s);
		cr_assert_eq(t, cases[i].want, "%s: %lld", cases[i].s, (long long)t);
	}
}

Test(cli, parse_time_bad_forms)
{
	static const char *const bad[] = {
		"", "2030", "2030-01", "2030-1-01", "2030-01-1", "2030-13-01", "2030-00-10",
		"2030-02-29", "2030-04-31", "2030-01-32", " 2030-01-01", "2030-01-01x",
		"2030-01-01T", "2030-01-01T12:00", "2030-01-01T12:00:00", "2030-01-01T1:00:00Z",
		"2030-01-01T24:00:00Z", "2030-01-01T12:60:00Z", "2030-01-01T12:00:61Z",
		"2030-01-01T12:00:00.Z", "2030-01-01T12:00:00ZZ",
		/* offsets: exactly +HH:MM, hours 00-23, minutes 00-59 */
		"2030-01-01T12:00:00+", "2030-01-01T12:00:00-", "2030-01-01T12:00:00+1",
		"2030-01-01T12:00:00+1:2", "2030-01-01T12:00:00+2:00", "2030-01-01T12:00:00+02:0",
		"2030-01-01T12:00:00+02", "2030-01-01T12:00:00+0200", "2030-01-01T12:00:00+02:",
		"2030-01-01T12:00:00+24:00", "2030-01-01T12:00:00+02:60", "2030-01-01T12:00:00+ 2:00",
		"2030-01-01T12:00:00+02: 0", "2030-01-01T12:00:00+-2:00", "2030-01-01T12:00:00+02:00x",
		"2030-01-01T12:00:00+02:00:00", "2030-01-01T12:00:00+99:99",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		time_t t = 12345;
		cr_assert_not(parse_time(bad[i], &t), "'%s' is accepted", bad[i]);
		cr_assert_eq(t, 12345, "'%s': *out set on failure", bad[i]);
	}
}

/* Temporary files and directories of outputs are removed when a fatal
 * signal ends the program, which then dies of that signal.  A child
 * makes them and raises the signal itself: no race. */
static int entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	cr_assert(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void die_while_writing(const char *dir, int sig)
{
	struct ck_write_opts wo = cli_write_opts(false, true);
	struct ck_outdir *d = NULL;
	struct ck_out *o = NULL;
	struct ck_error e;
	char path[512];

	ck_error_clear(&e);
	snprintf(path, sizeof path, "%s/key.pem", dir);
	if (ck_out_open(path, &wo, &o, &e))
		_exit(10);
	fputs("secret", ck_out_file(o));
	fflush(ck_out_file(o));
	snprintf(path, sizeof path, "%s/der", dir);
	if (ck_outdir_open(path, ".der", &wo, &d, &e))
		_exit(11);
	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof name, "%d.der", i);
		if (ck_outdir_add(d, name, "x", 1, &e))
			_exit(12);
	}
	if (entries_in(dir) != 2) /* the temporary file and directory */
		_exit(13);
	raise(sig);
	_exit(14);
}

Test(cli, temporary_outputs_are_removed_on_a_fatal_signal)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		char dir[] = "/tmp/ck-cli-XXXXXX";
		int status;
		pid_t pid;
		cr_assert(mkdtemp(dir));
		pid = fork();
		cr_assert(pid >= 0);
		if (pid == 0) {
			signal(sigs[i], SIG_DFL);
			die_while_writing(dir, sigs[i]);
		}
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i],
			  "signal %d: the child ended with status %#x", sigs[i], status);
		cr_assert_eq(entries_in(dir), 0, "signal %d: temporary output left", sigs[i]);
		cr_assert_eq(rmdir(dir), 0);
	}
}

/* A signal ignored when the program started stays ignored. */
Test(cli, an_ignored_signal_stays_ignored)
{
	char dir[] = "/tmp/ck-cli-XXXXXX";
	int status;
	pid_t pid;
	cr_assert(mkdtemp(dir));
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		signal(SIGHUP, SIG_IGN);
		die_while_writing(dir, SIGHUP); /* returns from raise: exit 14 */
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 14, "status %#x", status);
	cr_assert_eq(entries_in(dir), 2, "nothing removed: the program goes on");
	{
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		cr_assert_eq(system(cmd), 0);
	}
}
