/* cli: the parsers of option values shared by the tools (tools/cli.c).
 * Each value is given in a heap buffer of its exact size, so that the
 * sanitizer build catches a read past its end. */
#include "config.h"

#include "tools/cli.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
