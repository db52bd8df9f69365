/* replay — main() for a harness built without libFuzzer: run
 * LLVMFuzzerTestOneInput() once over each file named, and over every
 * file of each directory named (in name order), as libFuzzer does when
 * it is given files.  This is how the regression inputs of
 * tests/regress/<target>/ and the seeds run in make check, with gcc,
 * under ASan+UBSan and under valgrind.
 *
 *   fuzz-TARGET [-v] FILE|DIR...
 *
 * -v names each input with its size and the time the harness took over
 * it (CPU time of the process, so that a loaded machine does not show
 * as a slow input), and ends with the total.
 *
 * Exit status 0 when every input ran; a failing input aborts (the
 * harness's own checks) or is caught by the sanitizer or valgrind. */
#include "config.h"

#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static bool verbose;
static size_t nrun;
static double total_ms;

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int run_file(const char *path)
{
	unsigned char *data = NULL;
	size_t len = 0;
	struct ck_error err;

	ck_error_clear(&err);
	/* the fuzzers' inputs are small; 64 MiB is load's own limit */
	if (ck_read_file(path, 0, &data, &len, &err)) {
		fprintf(stderr, "replay: %s: %s\n", path, err.what);
		return 1;
	}
	/* a copy of exactly `len` bytes, so that a read past the end is
	 * caught (ck_read_file adds a NUL) */
	{
		unsigned char *copy = malloc(len ? len : 1);
		if (!copy)
			abort();
		double t0;
		memcpy(copy, data, len);
		t0 = cpu_ms();
		LLVMFuzzerTestOneInput(copy, len);
		t0 = cpu_ms() - t0;
		total_ms += t0;
		if (verbose)
			fprintf(stderr, "replay: %s (%zu bytes) %.3f ms\n", path, len, t0);
		free(copy);
	}
	free(data);
	nrun++;
	return 0;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int bad = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		char **nn;
		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof *nn);
		if (!nn || !(nn[n] = strdup(de->d_name)))
			abort();
		names = nn;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, compare);
	for (size_t i = 0; i < n; i++) {
		char full[4096];
		struct stat st;
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			bad |= run_file(full);
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0, first = 1;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = true;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			bad = 1;
		} else if (S_ISDIR(st.st_mode)) {
			bad |= run_dir(argv[i]);
		} else {
			bad |= run_file(argv[i]);
		}
	}
	if (verbose && nrun)
		fprintf(stderr, "replay: %zu input%s in %.1f ms of CPU, %.0f per second\n", nrun,
			nrun == 1 ? "" : "s", total_ms, total_ms > 0 ? nrun * 1e3 / total_ms : 0.0);
	else
		fprintf(stderr, "replay: %zu input%s\n", nrun, nrun == 1 ? "" : "s");
	return bad;
}
