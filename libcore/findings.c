/* findings — the registry's table, built from findings.def, and the
 * look-ups.  The table is indexed by enum ck_finding_id: row i is the
 * i-th CK_FINDING of findings.def. */
#include "config.h"

#include "findings.h"

#include <string.h>

#define CV CK_FINDING_CHAINVIEW
#define AU CK_FINDING_AUDIT

static const struct ck_finding_def table[CK_F_COUNT] = {
#define CK_FINDING(id, code, sev, level, where, group, summary, audit_summary) \
	[CK_F_##id] = { code, CK_SEV_##sev, CK_LEVEL_##level, where, CK_FG_##group, summary, \
			audit_summary },
#include "findings.def"
#undef CK_FINDING
};

const struct ck_finding_def *ck_finding_def(enum ck_finding_id id)
{
	return (unsigned)id < CK_F_COUNT ? &table[id] : NULL;
}

const char *ck_finding_name(enum ck_finding_id id)
{
	return (unsigned)id < CK_F_COUNT ? table[id].code : "";
}

bool ck_finding_lookup(const char *code, enum ck_finding_id *out)
{
	for (size_t i = 0; i < CK_F_COUNT; i++)
		if (!strcmp(table[i].code, code)) {
			*out = (enum ck_finding_id)i;
			return true;
		}
	return false;
}

const char *ck_severity_name(enum ck_severity s)
{
	switch (s) {
	case CK_SEV_ERROR: return "error";
	case CK_SEV_WARNING: return "warning";
	default: return "info";
	}
}
