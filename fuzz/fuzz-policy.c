/* fuzz-policy — certaudit's policy file reader: ck_policy_parse() over
 * the text ("key = value" lines, comments, codes and levels, sizes,
 * hash names, purposes), applied on top of the built-in policy.  A
 * refused text must leave the policy unchanged and say why in one line
 * ("line N: ..."); an accepted one must survive the round trip that
 * certaudit --print-policy promises: ck_policy_format() read back by
 * ck_policy_parse() gives the same text again.
 *
 * Input: the policy file. */
#include "config.h"

#include "fuzz.h"

#include "libcore/policy.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_policy *p = NULL, *q = NULL;
	struct ck_error err;
	char *before = NULL, *after = NULL, *again = NULL;
	enum ck_status rc;

	ck_error_clear(&err);
	if (ck_policy_new(&p, &err) || ck_policy_new(&q, &err))
		fz_fail("ck_policy_new: %s", err.what);
	before = ck_policy_format(p);
	rc = ck_policy_parse(p, (const char *)data, size, &err);
	fz_assert_error(rc, &err);
	after = ck_policy_format(p);
	if (!before || !after)
		fz_fail("ck_policy_format returned NULL");
	if (rc != CK_OK) {
		if (strcmp(before, after))
			fz_fail("a refused policy changed the policy");
		goto out;
	}
	ck_error_clear(&err);
	rc = ck_policy_parse(q, after, strlen(after), &err);
	if (rc != CK_OK)
		fz_fail("ck_policy_format's text is refused: %s", err.what);
	again = ck_policy_format(q);
	if (!again || strcmp(after, again))
		fz_fail("the policy does not survive format and parse");
out:
	free(before);
	free(after);
	free(again);
	ck_policy_free(p);
	ck_policy_free(q);
	return 0;
}
