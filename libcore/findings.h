/* findings — the registry of finding codes.
 *
 * Every finding chainkit reports has one row in findings.def: its stable
 * code (the word JSON, XML, SARIF and text show; a contract that never
 * changes), chainview's default severity, certaudit's default level,
 * who reports it and a one-line summary.  Producers name a finding by
 * its enum ck_finding_id, never by its string, so a typo does not
 * compile; the policy tables of certaudit are derived from the rows.
 *
 * Adding a code: one row at the end of its group in findings.def (the
 * columns are described there), its .It entry in the FINDINGS section of
 * man/chainview.1 (CV) and/or man/certaudit.1 (AU) with the severity in
 * parentheses, and a NEWS line.  tests/test-findings.c fails until the
 * man pages list exactly the registry's codes at its severities, and
 * when a file of libcore/ or tools/ spells a code as a string. */
#ifndef CK_FINDINGS_H
#define CK_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

enum ck_severity {
	CK_SEV_INFO = 0,
	CK_SEV_WARNING,
	CK_SEV_ERROR,
};

/* A certaudit policy level (policy.h). */
enum ck_level {
	CK_LEVEL_OFF = 0,
	CK_LEVEL_INFO,
	CK_LEVEL_WARNING,
	CK_LEVEL_ERROR,
};

enum ck_finding_id {
#define CK_FINDING(id, code, sev, level, where, group, summary, audit_summary) CK_F_##id,
#include "findings.def"
#undef CK_FINDING
	CK_F_COUNT
};

/* Who reports a code (and which man page documents it). */
#define CK_FINDING_CHAINVIEW 1u /* chainview: man/chainview.1 */
#define CK_FINDING_AUDIT 2u     /* certaudit's policy: man/certaudit.1 */

/* The sections of certaudit's policy, in its order. */
enum ck_finding_group {
	CK_FG_FILE = 0,  /* the file could not be read */
	CK_FG_CHAIN,     /* the bundle, its chains and their validation */
	CK_FG_POLICY,    /* the policy's own checks */
	CK_FG_URL,       /* what the URLs served (--network) */
	CK_FG_COUNT
};

struct ck_finding_def {
	const char *code;            /* stable kebab-case word */
	enum ck_severity severity;   /* chainview's default */
	enum ck_level level;         /* certaudit's default */
	unsigned where;              /* CK_FINDING_CHAINVIEW | CK_FINDING_AUDIT */
	enum ck_finding_group group;
	const char *summary;         /* one line */
	const char *audit_summary;   /* certaudit's meaning when it differs, or NULL */
};

/* The row of `id` (static); NULL when `id` is out of range. */
const struct ck_finding_def *ck_finding_def(enum ck_finding_id id);

/* The code of `id` (static), "" when out of range. */
const char *ck_finding_name(enum ck_finding_id id);

/* The id of a code; false when no row has it. */
bool ck_finding_lookup(const char *code, enum ck_finding_id *out);

/* "info", "warning", "error". */
const char *ck_severity_name(enum ck_severity s);

#endif
