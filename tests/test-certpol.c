/* certpol: certificate policy processing (RFC 5280 6.1.3-6.1.5, RFC 9618)
 * over the chains of fixtures/certpol (gen-certpol.sh), and over
 * extension values built here for what no CA tool writes (a policy graph
 * that would be exponential as a tree, one over the size bound). */
#include "config.h"

#include "libcore/certpol.h"
#include "unit.h"

#include <time.h>

#define P1 "2.999.1"
#define P2 "2.999.2"
#define P3 "2.999.3"
#define ANYP CK_OID_ANY_POLICY

/* ---------------------------------------------------------------- */
/* the table: chains of fixtures/certpol */

struct pcase {
	const char *name;
	const char *chain[4];   /* fixture names, the root's child first */
	const char *initial[3]; /* NULL-terminated; none: {anyPolicy} */
	bool explicit_policy, inhibit_mapping, inhibit_any;
	bool ok;
	const char *user; /* comma-separated, "" for none */
	const char *auth;
	size_t fail_index;
	const char *why; /* when !ok: substrings that must appear, '|'-separated */
};

static const struct pcase cases[] = {
	{ "same policy", { "ca-p1", "ca-p1_leaf-p1" }, { NULL }, false, false, false,
	  true, P1, P1, 0, NULL },
	{ "same policy, explicit, initial P1", { "ca-p1", "ca-p1_leaf-p1" }, { P1 }, true, false,
	  false, true, P1, P1, 0, NULL },
	{ "initial P1 P2, explicit", { "ca-p1", "ca-p1_leaf-p1" }, { P1, P2 }, true, false, false,
	  true, P1, P1, 0, NULL },
	{ "initial P2, explicit: no user policy", { "ca-p1", "ca-p1_leaf-p1" }, { P2 }, true,
	  false, false, false, "", P1, 1,
	  "RFC 5280 6.1.5 (g): |(2.999.2)|valid for 2.999.1|initial-explicit-policy" },
	{ "initial P2, not explicit: valid, empty user set", { "ca-p1", "ca-p1_leaf-p1" }, { P2 },
	  false, false, false, true, "", P1, 0, NULL },
	{ "leaf without policies", { "ca-p1", "ca-p1_leaf-nopol" }, { NULL }, false, false, false,
	  true, "", "", 0, NULL },
	{ "leaf without policies, explicit", { "ca-p1", "ca-p1_leaf-nopol" }, { NULL }, true,
	  false, false, false, "", "", 1,
	  "RFC 5280 6.1.3 (f): certificate 1 (CN=certpol ca-p1_leaf-nopol,O=chainkit tests) "
	  "has no certificatePolicies; explicit policy required by initial-explicit-policy" },
	{ "different policies", { "ca-p1", "ca-p1_leaf-p2" }, { NULL }, false, false, false, true,
	  "", "", 0, NULL },
	{ "different policies, explicit", { "ca-p1", "ca-p1_leaf-p2" }, { NULL }, true, false,
	  false, false, "", "", 1,
	  "RFC 5280 6.1.3 (f): no policy of certificate 1 (CN=certpol ca-p1_leaf-p2,O=chainkit "
	  "tests) (2.999.2) is valid for the path" },
	{ "intersection with the initial set", { "ca-p123", "ca-p123_leaf-p12" }, { P2, P3 },
	  true, false, false, true, P2, P1 "," P2, 0, NULL },
	{ "anyPolicy CA", { "ca-any", "ca-any_leaf-p1" }, { NULL }, true, false, false, true, P1,
	  P1, 0, NULL },
	{ "anyPolicy CA, initial-any-policy-inhibit", { "ca-any", "ca-any_leaf-p1" }, { NULL },
	  true, false, true, false, "", "", 0,
	  "RFC 5280 6.1.3 (f): |certificate 0 |(anyPolicy) is valid for the path (anyPolicy "
	  "inhibited)" },
	{ "anyPolicy CA, inhibited, not explicit", { "ca-any", "ca-any_leaf-p1" }, { NULL }, false,
	  false, true, true, "", "", 0, NULL },
	{ "anyPolicy at the leaf's level", { "ca-any" }, { NULL }, false, false, false, true, ANYP,
	  ANYP, 0, NULL },
	{ "anyPolicy at the leaf's level, initial P2", { "ca-any" }, { P2 }, true, false, false,
	  true, P2, ANYP, 0, NULL },
	{ "initial set holding anyPolicy", { "ca-p1", "ca-p1_leaf-p1" }, { P2, ANYP }, true, false,
	  false, true, P1, P1, 0, NULL },
	{ "inhibitAnyPolicy 0", { "ca-any-iap0", "ca-any-iap0_sub-any",
				  "ca-any-iap0_sub-any_leaf-p1" },
	  { NULL }, true, false, false, false, "", "", 1,
	  "RFC 5280 6.1.3 (f): |certificate 1 |(anyPolicy inhibited)" },
	{ "inhibitAnyPolicy 0, not explicit", { "ca-any-iap0", "ca-any-iap0_sub-any",
						"ca-any-iap0_sub-any_leaf-p1" },
	  { NULL }, false, false, false, true, "", "", 0, NULL },
	{ "inhibitAnyPolicy 0, self-issued CA exempt",
	  { "ca-any-iap0", "ca-any-iap0_si-any", "ca-any-iap0_si-any_leaf-p1" }, { NULL }, true,
	  false, false, true, P1, P1, 0, NULL },
	{ "requireExplicitPolicy 2", { "ca-req2", "ca-req2_sub-nopol",
				       "ca-req2_sub-nopol_leaf-nopol" },
	  { NULL }, false, false, false, false, "", "", 2,
	  "RFC 5280 6.1.5 (g): certificate 0 (CN=certpol ca-req2,O=chainkit tests) has no "
	  "certificatePolicies; explicit policy required by requireExplicitPolicy 2 in "
	  "certificate 0" },
	{ "requireExplicitPolicy 2, self-issued CA not counted",
	  { "ca-req2", "ca-req2_si-nopol", "ca-req2_si-nopol_leaf-nopol" }, { NULL }, false, false,
	  false, true, "", "", 0, NULL },
	{ "requireExplicitPolicy 0", { "ca-req0", "ca-req0_leaf-p2" }, { NULL }, false, false,
	  false, false, "", "", 1,
	  "RFC 5280 6.1.3 (f): |(2.999.2)|requireExplicitPolicy 0 in certificate 0" },
	{ "leaf's requireExplicitPolicy 0 (6.1.5 (b))", { "ca-p1", "ca-p1_leaf-p3-req0" },
	  { NULL }, false, false, false, false, "", "", 1,
	  "RFC 5280 6.1.5 (g): |(2.999.3)|requireExplicitPolicy 0 in certificate 1" },
	{ "mapping P1 to P2", { "ca-map12", "ca-map12_leaf-p2" }, { P1 }, true, false, false, true,
	  P1, P1, 0, NULL },
	{ "mapping P1 to P2, initial P2", { "ca-map12", "ca-map12_leaf-p2" }, { P2 }, true, false,
	  false, false, "", P1, 1, "RFC 5280 6.1.5 (g): |(2.999.2)|valid for 2.999.1" },
	{ "mapping P1 to P2, leaf asserts P1", { "ca-map12", "ca-map12_leaf-p1" }, { NULL }, true,
	  false, false, false, "", "", 1, "RFC 5280 6.1.3 (f): |(2.999.1)" },
	{ "mapping, initial-policy-mapping-inhibit", { "ca-map12", "ca-map12_leaf-p2" }, { NULL },
	  true, true, false, false, "", "", 1,
	  "RFC 5280 6.1.3 (f): certificate 0 (CN=certpol ca-map12,O=chainkit tests) maps "
	  "policies while policy mapping is inhibited" },
	{ "mapping from anyPolicy", { "ca-map-any", "ca-map-any_leaf-p2" }, { NULL }, false, false,
	  false, false, "", "", 0,
	  "RFC 5280 6.1.4 (a): certificate 0 (CN=certpol ca-map-any,O=chainkit tests): "
	  "policyMappings maps anyPolicy to 2.999.2; anyPolicy cannot be mapped" },
	{ "inhibitPolicyMapping 0", { "ca-inhmap0", "ca-inhmap0_sub-map12",
				      "ca-inhmap0_sub-map12_leaf-p2" },
	  { NULL }, true, false, false, false, "", "", 2,
	  "RFC 5280 6.1.3 (f): certificate 1 (|maps policies while policy mapping is "
	  "inhibited" },
	{ "inhibitPolicyMapping 0, not explicit", { "ca-inhmap0", "ca-inhmap0_sub-map12",
						    "ca-inhmap0_sub-map12_leaf-p2" },
	  { NULL }, false, false, false, true, "", "", 0, NULL },
	{ "critical, CPS and user notice qualifiers", { "ca-qualifiers", "ca-qualifiers_leaf-p1" },
	  { NULL }, true, false, false, true, P1, P1, 0, NULL },
	{ "critical, unknown qualifier", { "ca-cp-crit-unknown-q", "ca-cp-crit-unknown-q_leaf-p1" },
	  { NULL }, false, false, false, false, "", "", 0,
	  "RFC 5280 4.2.1.4: certificate 0 (CN=certpol ca-cp-crit-unknown-q,O=chainkit tests): "
	  "critical certificatePolicies: policy 2.999.1 has qualifier 2.999.9, which cannot be "
	  "processed" },
	{ "non-critical, unknown qualifier", { "ca-cp-unknown-q", "ca-cp-unknown-q_leaf-p1" },
	  { NULL }, true, false, false, true, P1, P1, 0, NULL },
	{ "policy listed twice", { "ca-cp-dup", "ca-cp-dup_leaf-p1" }, { NULL }, false, false,
	  false, false, "", "", 0, "RFC 5280 4.2.1.4: |lists 2.999.1 twice" },
	{ "empty certificatePolicies", { "ca-cp-empty", "ca-cp-empty_leaf-p1" }, { NULL }, false,
	  false, false, false, "", "", 0, "RFC 5280 4.2.1.4: |certificatePolicies is empty" },
	{ "certificatePolicies not a SEQUENCE", { "ca-cp-garbage", "ca-cp-garbage_leaf-p1" },
	  { NULL }, false, false, false, false, "", "", 0,
	  "RFC 5280 4.2.1.4: |is not one DER SEQUENCE" },
	{ "certificatePolicies with trailing bytes", { "ca-cp-trailing", "ca-cp-trailing_leaf-p1" },
	  { NULL }, false, false, false, false, "", "", 0,
	  "RFC 5280 4.2.1.4: |is not one DER SEQUENCE" },
	{ "empty policyMappings", { "ca-pm-empty", "ca-pm-empty_leaf-p1" }, { NULL }, false, false,
	  false, false, "", "", 0, "RFC 5280 4.2.1.5: |policyMappings is empty" },
	{ "empty policyConstraints", { "ca-pc-empty", "ca-pc-empty_leaf-p1" }, { NULL }, false,
	  false, false, false, "", "", 0, "RFC 5280 4.2.1.11: |an empty SEQUENCE" },
	{ "negative inhibitAnyPolicy", { "ca-iap-negative", "ca-iap-negative_leaf-p1" }, { NULL },
	  false, false, false, false, "", "", 0, "RFC 5280 4.2.1.14: |negative" },
};

static struct ck_cert *load(const char *name)
{
	char rel[256];
	size_t len = 0;
	unsigned char *d;
	struct ck_cert *c = NULL;
	struct ck_error e;

	snprintf(rel, sizeof rel, "certpol/%s.der", name);
	d = fx_read(rel, &len);
	ck_error_clear(&e);
	cr_assert_eq(ck_cert_from_der(d, len, &c, &e), CK_OK, "%s: %s", rel, e.what);
	free(d);
	return c;
}

/* "a,b" from a result list. */
static void join(char **v, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t k = 0; v[k]; k++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? "," : "", v[k]);
}

static void run_case(const struct pcase *t)
{
	struct ck_cert *certs[4] = { NULL };
	struct ck_certpol_opts o = { .initial = t->initial, .explicit_policy = t->explicit_policy,
				     .inhibit_mapping = t->inhibit_mapping,
				     .inhibit_any = t->inhibit_any };
	struct ck_certpol_result r;
	struct ck_error e;
	char got[512];
	size_t n = 0;

	while (n < 4 && t->chain[n]) {
		certs[n] = load(t->chain[n]);
		n++;
	}
	while (o.ninitial < 3 && t->initial[o.ninitial])
		o.ninitial++;
	ck_error_clear(&e);
	cr_assert_eq(ck_certpol_process((const struct ck_cert *const *)certs, n, &o, &r, &e), CK_OK,
		     "%s: %s", t->name, e.what);
	cr_expect_eq(r.ok, t->ok, "%s: ok %d, why: %s", t->name, r.ok, r.why);
	join(r.user_constrained, got, sizeof got);
	cr_expect_str_eq(got, t->user, "%s: user-constrained set", t->name);
	join(r.authorities_constrained, got, sizeof got);
	cr_expect_str_eq(got, t->auth, "%s: authorities-constrained set", t->name);
	if (t->ok) {
		cr_expect_str_eq(r.why, "", "%s", t->name);
	} else {
		char want[512], *save = NULL;
		cr_expect_eq(r.fail_index, t->fail_index, "%s: fail_index %zu", t->name,
			     r.fail_index);
		snprintf(want, sizeof want, "%s", t->why);
		for (char *w = strtok_r(want, "|", &save); w; w = strtok_r(NULL, "|", &save))
			cr_expect(strstr(r.why, w), "%s: why '%s' lacks '%s'", t->name, r.why, w);
		cr_expect_lt(strlen(r.why), sizeof r.why - 1, "%s: why truncated: %s", t->name,
			     r.why);
	}
	ck_certpol_result_cleanup(&r);
	ck_certpol_result_cleanup(&r); /* a cleared result: no-op */
	for (size_t k = 0; k < n; k++)
		ck_cert_free(certs[k]);
}

Test(certpol, fixture_chains)
{
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		run_case(&cases[k]);
}

Test(certpol, explicit_required_reported)
{
	struct ck_cert *c[2] = { load("ca-req0"), load("ca-req0_leaf-p2") };
	struct ck_cert *d[2] = { load("ca-p1"), load("ca-p1_leaf-p1") };
	struct ck_certpol_result r;
	struct ck_error e;

	ck_error_clear(&e);
	cr_assert_eq(ck_certpol_process((const struct ck_cert *const *)d, 2, NULL, &r, &e), CK_OK);
	cr_expect(r.ok);
	cr_expect_not(r.explicit_required);
	ck_certpol_result_cleanup(&r);

	cr_assert_eq(ck_certpol_process((const struct ck_cert *const *)c, 1, NULL, &r, &e), CK_OK);
	cr_expect(r.ok, "%s", r.why);
	cr_expect(r.explicit_required, "requireExplicitPolicy 0 in the only certificate");
	cr_expect_str_eq(r.user_constrained[0], P1);
	ck_certpol_result_cleanup(&r);
	for (int k = 0; k < 2; k++) {
		ck_cert_free(c[k]);
		ck_cert_free(d[k]);
	}
}

Test(certpol, empty_path)
{
	struct ck_certpol_result r;
	struct ck_error e;
	const char *init[] = { P2 };
	struct ck_certpol_opts o = { .initial = init, .ninitial = 1, .explicit_policy = true };

	ck_error_clear(&e);
	cr_assert_eq(ck_certpol_process(NULL, 0, NULL, &r, &e), CK_OK);
	cr_expect(r.ok);
	cr_expect_str_eq(r.user_constrained[0], ANYP);
	cr_expect_null(r.user_constrained[1]);
	ck_certpol_result_cleanup(&r);
	cr_assert_eq(ck_certpol_process(NULL, 0, &o, &r, &e), CK_OK);
	cr_expect(r.ok);
	cr_expect_str_eq(r.user_constrained[0], P2);
	cr_expect(r.explicit_required);
	ck_certpol_result_cleanup(&r);
}

Test(certpol, initial_policies_must_be_dotted_oids)
{
	static const char *const bad[] = { "foo", "1", "1.", ".1", "2..5", "2.999.01", "2.999.1 ",
					   "", "anyPolicy" };
	static const char *const good[] = { "0.0", "2.999.0", "2.5.29.32.0",
					    "1.3.6.1.4.1.11129.2.5.1" };
	struct ck_certpol_result r;
	struct ck_error e;

	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct ck_certpol_opts o = { .initial = &bad[k], .ninitial = 1 };
		ck_error_clear(&e);
		cr_expect_eq(ck_certpol_process(NULL, 0, &o, &r, &e), CK_E_USAGE, "'%s'", bad[k]);
		cr_expect(strstr(e.what, "not a dotted OID"), "%s", e.what);
		cr_expect_null(r.user_constrained);
		ck_certpol_result_cleanup(&r);
	}
	for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
		struct ck_certpol_opts o = { .initial = &good[k], .ninitial = 1 };
		cr_expect_eq(ck_certpol_process(NULL, 0, &o, &r, &e), CK_OK, "'%s'", good[k]);
		ck_certpol_result_cleanup(&r);
	}
}

/* ---------------------------------------------------------------- */
/* extension values built here (ck_certpol_process_exts) */

struct buf {
	unsigned char p[65536];
	size_t n;
};

static void put(struct buf *b, const void *d, size_t n)
{
	cr_assert_leq(b->n + n, sizeof b->p);
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

/* tag, length, then `in` as content, appended to `out` */
static void wrap(struct buf *out, unsigned char tag, const struct buf *in)
{
	unsigned char h[6] = { tag };
	size_t hl = 2;
	if (in->n < 0x80) {
		h[1] = (unsigned char)in->n;
	} else if (in->n < 0x100) {
		h[1] = 0x81;
		h[2] = (unsigned char)in->n;
		hl = 3;
	} else {
		h[1] = 0x82;
		h[2] = (unsigned char)(in->n >> 8);
		h[3] = (unsigned char)in->n;
		hl = 4;
	}
	put(out, h, hl);
	put(out, in->p, in->n);
}

static void oid(struct buf *out, const char *dotted)
{
	static struct buf c;
	unsigned long arcs[32];
	size_t na = 0;
	char *end;

	c.n = 0;
	for (const char *s = dotted; *s; s = *end ? end + 1 : end)
		arcs[na++] = strtoul(s, &end, 10);
	arcs[1] += arcs[0] * 40;
	for (size_t k = 1; k < na; k++) {
		unsigned char tmp[8];
		size_t t = 0;
		unsigned long v = arcs[k];
		do
			tmp[t++] = (unsigned char)(v & 0x7f);
		while (v >>= 7);
		while (t--) {
			unsigned char byte = tmp[t] | (t ? 0x80 : 0);
			put(&c, &byte, 1);
		}
	}
	wrap(out, 0x06, &c);
}

/* certificatePolicies from n OIDs */
static void policies(struct buf *out, const char *const *v, size_t n)
{
	static struct buf seq, pi;
	seq.n = 0;
	for (size_t k = 0; k < n; k++) {
		pi.n = 0;
		oid(&pi, v[k]);
		wrap(&seq, 0x30, &pi);
	}
	out->n = 0;
	wrap(out, 0x30, &seq);
}

/* policyMappings from n (issuer, subject) pairs */
static void mappings(struct buf *out, const char *const (*v)[2], size_t n)
{
	static struct buf seq, pm;
	seq.n = 0;
	for (size_t k = 0; k < n; k++) {
		pm.n = 0;
		oid(&pm, v[k][0]);
		oid(&pm, v[k][1]);
		wrap(&seq, 0x30, &pm);
	}
	out->n = 0;
	wrap(out, 0x30, &seq);
}

static struct ck_certpol_ext ext(const struct buf *b)
{
	return (struct ck_certpol_ext){ .present = true, .value = b->p, .len = b->n };
}

static struct ck_certpol_ext raw(const char *bytes, size_t n)
{
	return (struct ck_certpol_ext){ .present = true, .value = (const unsigned char *)bytes,
					.len = n };
}

/* RFC 9618 section 3.2: every CA asserts P1 and P2 and maps each to
 * both.  As a tree this doubles per certificate (2^64 leaves here); as a
 * graph it stays two nodes per level. */
Test(certpol, cartesian_mappings_stay_linear, .timeout = 10)
{
	static const char *const pol[] = { P1, P2 };
	static const char *const map[][2] = { { P1, P1 }, { P1, P2 }, { P2, P1 }, { P2, P2 } };
	static struct buf bp, bm;
	struct ck_certpol_exts x[64];
	struct ck_certpol_result r;
	struct ck_certpol_opts o = { .explicit_policy = true };
	struct ck_error e;
	char got[128];

	policies(&bp, pol, 2);
	mappings(&bm, map, 4);
	for (size_t k = 0; k < 64; k++)
		x[k] = (struct ck_certpol_exts){ .policies = ext(&bp),
						 .mappings = ext(&bm) };
	ck_error_clear(&e);
	cr_assert_eq(ck_certpol_process_exts(x, 64, &o, &r, &e), CK_OK, "%s", e.what);
	cr_expect(r.ok, "%s", r.why);
	join(r.user_constrained, got, sizeof got);
	cr_expect_str_eq(got, P1 "," P2);
	ck_certpol_result_cleanup(&r);
}

/* A CA with 3,000 policies, then CAs asserting anyPolicy: each level
 * carries the 3,000 on, so the graph grows by 6,000 per certificate and
 * passes CK_CERTPOL_MAX_GRAPH near the 22nd. */
Test(certpol, graph_bound, .timeout = 10)
{
	static const char *const any[] = { ANYP };
	static char names[3000][16];
	static const char *pol[3000];
	static struct buf bp, ba;
	static struct ck_certpol_exts x[40];
	struct ck_certpol_result r;
	struct ck_error e;
	clock_t t0 = clock();

	for (size_t k = 0; k < 3000; k++) {
		snprintf(names[k], sizeof names[k], "2.999.%zu", 1000 + k);
		pol[k] = names[k];
	}
	policies(&bp, pol, 3000);
	policies(&ba, any, 1);
	x[0] = (struct ck_certpol_exts){ .policies = ext(&bp) };
	for (size_t k = 1; k < 40; k++)
		x[k] = (struct ck_certpol_exts){ .policies = ext(&ba) };

	ck_error_clear(&e);
	cr_assert_eq(ck_certpol_process_exts(x, 10, NULL, &r, &e), CK_OK, "%s", e.what);
	cr_expect(r.ok, "%s", r.why);
	cr_expect_eq(ck_strv_len(r.user_constrained), 3000);
	cr_expect_str_eq(r.user_constrained[2999], "2.999.3999");
	ck_certpol_result_cleanup(&r);

	cr_assert_eq(ck_certpol_process_exts(x, 40, NULL, &r, &e), CK_OK, "%s", e.what);
	cr_expect_not(r.ok);
	cr_expect(strstr(r.why, "policy graph limit: at certificate 21 the policy graph exceeds "
				"131072"), "%s", r.why);
	cr_expect_eq(r.fail_index, 21);
	cr_expect_null(r.user_constrained[0]);
	ck_certpol_result_cleanup(&r);
	cr_expect_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 5.0);
}

/* SkipCerts: a value past SIZE_MAX saturates (no constraint in
 * practice); a negative one is malformed. */
Test(certpol, skipcerts_values)
{
	static const char *const p1[] = { P1 };
	static struct buf bp;
	/* policyConstraints { requireExplicitPolicy [0] 2^72 } */
	static const char huge[] = "\x30\x0b\x80\x09\x01\x00\x00\x00\x00\x00\x00\x00\x00";
	static const char negative[] = "\x30\x03\x81\x01\xff";
	static const char zero_iap[] = "\x02\x01\x00";
	struct ck_certpol_exts x[3];
	struct ck_certpol_result r;
	struct ck_error e;

	policies(&bp, p1, 1);
	for (size_t k = 0; k < 3; k++)
		x[k] = (struct ck_certpol_exts){ .policies = ext(&bp) };
	x[0].constraints = raw(huge, sizeof huge - 1);
	x[2].policies.present = false;
	ck_error_clear(&e);
	cr_assert_eq(ck_certpol_process_exts(x, 3, NULL, &r, &e), CK_OK);
	cr_expect(r.ok, "%s", r.why);
	cr_expect_null(r.user_constrained[0]);
	ck_certpol_result_cleanup(&r);

	x[1].constraints = raw(negative, sizeof negative - 1);
	cr_assert_eq(ck_certpol_process_exts(x, 3, NULL, &r, &e), CK_OK);
	cr_expect_not(r.ok);
	cr_expect_eq(r.fail_index, 1);
	cr_expect_str_eq(r.why, "RFC 5280 4.2.1.11: certificate 1: policyConstraints holds a "
				"negative or empty SkipCerts");
	ck_certpol_result_cleanup(&r);

	/* the leaf's inhibitAnyPolicy is read but not applied */
	x[1].constraints.present = false;
	x[2].inhibit_any = raw(zero_iap, sizeof zero_iap - 1);
	cr_assert_eq(ck_certpol_process_exts(x, 3, NULL, &r, &e), CK_OK);
	cr_expect(r.ok, "%s", r.why);
	ck_certpol_result_cleanup(&r);
}

/* The leaf's policyMappings are checked for form, never applied: not
 * even 6.1.4 (a), which is for i < n. */
Test(certpol, leaf_mappings_not_applied)
{
	static const char *const p1[] = { P1 };
	static const char *const to_any[][2] = { { P1, ANYP } };
	static struct buf bp, bm;
	struct ck_certpol_exts x[2];
	struct ck_certpol_result r;
	struct ck_error e;

	policies(&bp, p1, 1);
	mappings(&bm, to_any, 1);
	x[0] = (struct ck_certpol_exts){ .policies = ext(&bp) };
	x[1] = (struct ck_certpol_exts){ .policies = ext(&bp), .mappings = ext(&bm) };
	ck_error_clear(&e);
	cr_assert_eq(ck_certpol_process_exts(x, 2, NULL, &r, &e), CK_OK);
	cr_expect(r.ok, "%s", r.why);
	cr_expect_str_eq(r.user_constrained[0], P1);
	ck_certpol_result_cleanup(&r);

	/* the same mapping in the CA fails 6.1.4 (a) */
	x[0].mappings = ext(&bm);
	cr_assert_eq(ck_certpol_process_exts(x, 2, NULL, &r, &e), CK_OK);
	cr_expect_not(r.ok);
	cr_expect_str_eq(r.why, "RFC 5280 6.1.4 (a): certificate 0: policyMappings maps "
				"2.999.1 to anyPolicy; anyPolicy cannot be mapped");
	ck_certpol_result_cleanup(&r);
}

/* A mapped policy that a later certificate asserts again under anyPolicy
 * (6.1.3 (d)(1)(ii)): the node is a child of anyPolicy, so the policy is
 * in the authorities-constrained set; and 6.1.4 (b)(1) second branch: a
 * CA asserting anyPolicy maps P1, which it does not list. */
Test(certpol, mapping_under_any_policy)
{
	static const char *const any[] = { ANYP };
	static const char *const p2[] = { P2 };
	static const char *const m12[][2] = { { P1, P2 }, { P1, P3 } };
	static struct buf ba, bp2, bm;
	struct ck_certpol_exts x[2];
	struct ck_certpol_result r;
	struct ck_error e;
	char got[128];

	policies(&ba, any, 1);
	policies(&bp2, p2, 1);
	mappings(&bm, m12, 2);
	x[0] = (struct ck_certpol_exts){ .policies = ext(&ba), .mappings = ext(&bm) };
	x[1] = (struct ck_certpol_exts){ .policies = ext(&bp2) };
	ck_error_clear(&e);
	cr_assert_eq(ck_certpol_process_exts(x, 2, NULL, &r, &e), CK_OK);
	cr_expect(r.ok, "%s", r.why);
	/* P2 at the leaf matches the P1 node made under anyPolicy, whose
	 * expected set is {P2, P3}: the path is valid for P1 */
	join(r.authorities_constrained, got, sizeof got);
	cr_expect_str_eq(got, P1);
	ck_certpol_result_cleanup(&r);
}
