/* fuzz-certpol — certificate policy processing (RFC 5280 6.1.3-6.1.5
 * with RFC 9618's policy graph): ck_certpol_process_exts() over a path
 * whose certificates' certificatePolicies, policyMappings,
 * policyConstraints and inhibitAnyPolicy values come from the input, with
 * the initial policy set and the three initial flags from the input.
 *
 * Timeouts and memory are the point as much as crashes: a path whose
 * policy tree would be exponential must stay linear, and the graph
 * bound (CK_CERTPOL_MAX_GRAPH) must hold.
 *
 * Input:
 *   byte 0   flags: 0x01 initial-explicit-policy, 0x02
 *            initial-policy-mapping-inhibit, 0x04 initial-any-policy-inhibit,
 *            0x08 an initial policy set follows: a count byte (at most 4),
 *            then per policy a byte choosing 2.999.1, 2.999.2, 2.999.3,
 *            anyPolicy or (4..255) a length-prefixed string from the input
 *   then per certificate, until the input ends (at most 64):
 *     a byte: 0x01 self-issued, 0x02 certificatePolicies, 0x04 critical,
 *             0x08 policyMappings, 0x10 policyConstraints,
 *             0x20 inhibitAnyPolicy
 *     for each extension present, in that order: a 2-byte big-endian
 *     length, then the extnValue content. */
#include "config.h"

#include "fuzz.h"

#include "libcore/certpol.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CERTS 64

static struct ck_certpol_ext take(struct fz *f, bool critical)
{
	size_t n = (size_t)fz_u8(f) << 8;
	struct ck_certpol_ext e = { .present = true, .critical = critical, .value = f->p };
	n |= fz_u8(f);
	if (n > f->n)
		n = f->n;
	e.len = n;
	f->p += n;
	f->n -= n;
	return e;
}

static bool in(char **v, const char *s)
{
	for (size_t k = 0; v[k]; k++)
		if (strcmp(v[k], s) == 0)
			return true;
	return false;
}

static bool dotted(const char *s)
{
	size_t dots = 0;
	if (!*s || *s == '.')
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (s[1] == '.' || s[1] == '\0')
				return false;
			dots++;
		} else if (*s < '0' || *s > '9') {
			return false;
		}
	}
	return dots >= 1;
}

static void check(const struct ck_certpol_result *r, size_t n, const char *const *initial,
		  size_t ninitial)
{
	bool any_initial = ninitial == 0;

	if (!r->user_constrained || !r->authorities_constrained)
		fz_fail("a result without its lists");
	if (!r->ok)
		fz_assert_line("the policy failure", r->why);
	if (r->ok != (r->why[0] == '\0'))
		fz_fail("ok %d with why '%s'", r->ok, r->why);
	if (!r->ok && n && r->fail_index >= n)
		fz_fail("fail_index %zu of %zu certificates", r->fail_index, n);
	if (r->ok && r->explicit_required && !r->user_constrained[0])
		fz_fail("valid with an explicit policy required and no user policy");
	for (size_t k = 0; k < ninitial; k++)
		any_initial |= strcmp(initial[k], CK_OID_ANY_POLICY) == 0;
	for (size_t k = 0; r->authorities_constrained[k]; k++)
		if (!dotted(r->authorities_constrained[k]))
			fz_fail("authority policy '%s'", r->authorities_constrained[k]);
	for (size_t k = 0; r->user_constrained[k]; k++) {
		const char *p = r->user_constrained[k];
		bool listed = false;
		for (size_t j = 0; j < ninitial; j++)
			listed |= strcmp(initial[j], p) == 0;
		if (!dotted(p) || (!any_initial && !listed) ||
		    (!in(r->authorities_constrained, p) &&
		     !in(r->authorities_constrained, CK_OID_ANY_POLICY)))
			fz_fail("user policy '%s' outside the initial and authority sets", p);
		for (size_t j = k + 1; r->user_constrained[j]; j++)
			if (strcmp(r->user_constrained[j], p) == 0)
				fz_fail("user policy '%s' twice", p);
	}
	if (any_initial) {
		size_t a = ck_strv_len(r->authorities_constrained);
		if (a != ck_strv_len(r->user_constrained))
			fz_fail("initial anyPolicy: user set differs from the authority set");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pool[] = { "2.999.1", "2.999.2", "2.999.3", CK_OID_ANY_POLICY };
	struct fz f = { data, size };
	struct ck_certpol_exts x[MAX_CERTS];
	char *owned[4] = { NULL };
	const char *initial[4];
	struct ck_certpol_opts o = { .initial = initial };
	struct ck_certpol_result r;
	struct ck_error err;
	uint8_t flags = fz_u8(&f);
	size_t n = 0;
	enum ck_status rc;

	o.explicit_policy = flags & 0x01;
	o.inhibit_mapping = flags & 0x02;
	o.inhibit_any = flags & 0x04;
	if (flags & 0x08) {
		size_t count = fz_u8(&f) & 3;
		for (size_t k = 0; k <= count && k < 4; k++) {
			uint8_t sel = fz_u8(&f);
			initial[k] = sel < 4 ? pool[sel] : (owned[k] = fz_str(&f, 64));
			o.ninitial++;
		}
	}
	while (f.n && n < MAX_CERTS) {
		uint8_t b = fz_u8(&f);
		struct ck_certpol_exts *c = &x[n++];
		memset(c, 0, sizeof *c);
		c->self_issued = b & 0x01;
		if (b & 0x02)
			c->policies = take(&f, b & 0x04);
		if (b & 0x08)
			c->mappings = take(&f, true);
		if (b & 0x10)
			c->constraints = take(&f, true);
		if (b & 0x20)
			c->inhibit_any = take(&f, true);
	}

	ck_error_clear(&err);
	rc = ck_certpol_process_exts(x, n, &o, &r, &err);
	if (rc == CK_OK) {
		check(&r, n, initial, o.ninitial);
	} else {
		fz_assert_error(rc, &err);
		if (rc != CK_E_USAGE && rc != CK_E_NOMEM)
			fz_fail("ck_certpol_process_exts gave status %d", (int)rc);
		if (r.user_constrained || r.authorities_constrained)
			fz_fail("lists left behind by a failed call");
	}
	ck_certpol_result_cleanup(&r);
	for (size_t k = 0; k < 4; k++)
		free(owned[k]);
	return 0;
}
