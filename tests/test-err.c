/* err: messages, offsets and the status → exit code table. */
#include "config.h"

#include "libcore/err.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

Test(err, set_formats_and_returns_status)
{
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(e.offset, -1);
	cr_assert_eq(ck_error_set(&e, CK_E_PARSE, "bad %s at %d", "tag", 7), CK_E_PARSE);
	cr_assert_str_eq(e.what, "bad tag at 7");
	cr_assert_eq(e.status, CK_E_PARSE);
	cr_assert_eq(e.offset, -1);
}

Test(err, set_at_records_offset)
{
	struct ck_error e;
	ck_error_clear(&e);
	ck_error_set_at(&e, CK_E_PARSE, 42, "x");
	cr_assert_eq(e.offset, 42);
}

Test(err, errno_is_appended)
{
	struct ck_error e;
	ck_error_clear(&e);
	ck_error_set_errno(&e, CK_E_IO, ENOENT, "cannot open");
	cr_assert_str_eq(e.what, "cannot open: No such file or directory");
	cr_assert_eq(e.sys_errno, ENOENT);
}

Test(err, null_context_is_accepted)
{
	cr_assert_eq(ck_error_set(NULL, CK_E_NOMEM, "x"), CK_E_NOMEM);
	ck_error_clear(NULL);
	ck_error_set_file(NULL, "f");
}

Test(err, long_messages_are_truncated_not_overflowed)
{
	struct ck_error e;
	char big[4096];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_error_set(&e, CK_E_PARSE, "%s", big);
	cr_assert_eq(strlen(e.what), CK_ERROR_WHAT_MAX - 1);
}

Test(err, long_file_names_keep_their_end)
{
	struct ck_error e;
	char name[600];

	ck_error_clear(&e);
	memset(name, 'd', 300);
	strcpy(name + 300, "/bad/empty.pem");
	ck_error_set_file(&e, name);
	cr_assert_eq(strlen(e.file), sizeof e.file - 1);
	cr_assert_eq(strncmp(e.file, "...ddd", 6), 0, "%s", e.file);
	cr_assert_eq(strcmp(e.file + strlen(e.file) - 14, "/bad/empty.pem"), 0, "%s", e.file);

	/* one byte short of the field: copied whole */
	name[sizeof e.file - 1] = '\0';
	ck_error_set_file(&e, name);
	cr_assert_str_eq(e.file, name);

	/* the cut never splits a UTF-8 character: 254 "é" (2 bytes each)
	 * and an "x" are 509 bytes; keeping the last 252 would start in
	 * the middle of an "é", so one byte less is kept */
	for (int i = 0; i < 254; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	strcpy(name + 508, "x");
	ck_error_set_file(&e, name);
	cr_assert_eq(strncmp(e.file, "...\xc3\xa9", 5), 0, "%s", e.file);
	cr_assert_eq(strlen(e.file), 3 + 2 * 125 + 1);
	cr_assert_eq(e.file[strlen(e.file) - 1], 'x');
}

Test(err, exit_codes_follow_design)
{
	cr_assert_eq(ck_status_exit_code(CK_OK), 0);
	cr_assert_eq(ck_status_exit_code(CK_E_USAGE), 2);
	cr_assert_eq(ck_status_exit_code(CK_E_EXISTS), 2, "an output that may not be written: usage");
	cr_assert_eq(ck_status_exit_code(CK_E_PARSE), 3);
	cr_assert_eq(ck_status_exit_code(CK_E_UNSUPPORTED), 3);
	cr_assert_eq(ck_status_exit_code(CK_E_TOO_LARGE), 3);
	cr_assert_eq(ck_status_exit_code(CK_E_IO), 3);
	cr_assert_eq(ck_status_exit_code(CK_E_PASSWORD), 4);
	cr_assert_eq(ck_status_exit_code(CK_E_BAD_PASSWORD), 4);
	cr_assert_eq(ck_status_exit_code(CK_E_NOMEM), 5);
	cr_assert_eq(ck_status_exit_code(CK_E_INTERNAL), 5);
}

Test(err, every_status_has_text)
{
	for (int s = CK_OK; s <= CK_E_INTERNAL; s++)
		cr_assert_str_neq(ck_status_str(s), "unknown error", "status %d", s);
}

/* Found by the fuzzers: PEM labels and names quoted in messages carried
 * control characters and escape sequences into "tool: FILE: message". */
Test(err, messages_are_one_printable_line)
{
	struct ck_error e;
	char s[] = "a\nb\x1b[31m\x7f\xc2\x9b" "c caf\xc3\xa9";

	ck_error_clear(&e);
	ck_error_set(&e, CK_E_PARSE, "PEM block \"%s\" has no END line", "CERT\x06\tIFICATE\r\n");
	cr_assert_str_eq(e.what, "PEM block \"CERT??IFICATE??\" has no END line");
	ck_text_oneline(s);
	cr_assert_str_eq(s, "a?b?[31m???c caf\xc3\xa9");
	ck_text_oneline(NULL);
}

/* One definition of what may not reach a terminal, bidirectional
 * controls included (they make "evil\u202Egnp.exe" show as "evilexe.png"). */
Test(err, control_characters_are_defined_once)
{
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
		{ "\x1b[", 1 }, { "\n", 1 }, { "\x7f", 1 }, { "\xc2\x9b", 2 }, { "\xc2\x80", 2 },
		{ "\xd8\x9c", 2 },                                     /* U+061C ALM */
		{ "\xe2\x80\x8e", 3 }, { "\xe2\x80\x8f", 3 },          /* LRM, RLM */
		{ "\xe2\x80\xaa", 3 }, { "\xe2\x80\xab", 3 }, { "\xe2\x80\xac", 3 },
		{ "\xe2\x80\xad", 3 }, { "\xe2\x80\xae", 3 },          /* LRE..RLO */
		{ "\xe2\x81\xa6", 3 }, { "\xe2\x81\xa7", 3 }, { "\xe2\x81\xa8", 3 },
		{ "\xe2\x81\xa9", 3 },                                 /* LRI..PDI */
		{ "\xef\xbf\xbe", 3 }, { "\xef\xbf\xbf", 3 },          /* noncharacters */
		/* printable neighbours, and truncated sequences */
		{ "a", 0 }, { "", 0 }, { "\xc2\xa0", 0 }, { "\xd8\x9b", 0 }, { "\xe2\x80\x8d", 0 },
		{ "\xe2\x80\x90", 0 }, { "\xe2\x80\xa9", 0 }, { "\xe2\x80\xaf", 0 },
		{ "\xe2\x81\xa5", 0 }, { "\xe2\x81\xaa", 0 }, { "\xef\xbf\xbd", 0 }, { "\xe2\x80", 0 },
		{ "\xe2", 0 }, { "\xc3\xa9", 0 },
	};
	char s[] = "name\xe2\x80\xaegnp.exe \xd8\x9c\xe2\x81\xa6x\xe2\x81\xa9";

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_assert_eq(ck_text_control_len(cases[i].s), cases[i].len, "case %zu", i);
	ck_text_oneline(s);
	cr_assert_str_eq(s, "name???gnp.exe ?????x???");
}
