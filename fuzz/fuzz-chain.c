/* fuzz-chain — the chain builder and everything chainview does after
 * loading: ck_analyze() over a pool decoded from the input (leaves,
 * candidate issuers by name and key id, signatures, loops, depth, path
 * validation, roles, key matching, findings), with the fixture roots as
 * a trust store, with the input's own self-issued certificates as
 * anchors, with a purpose, a host name and a time from the input; then
 * the report: ck_report_bundle() rendered as JSON, XML and chainview's
 * text, and the streaming writers, whose JSON must equal the document's.
 *
 * Timeouts here are the point: a pool of cross-certificates must not
 * make the search explode.
 *
 * With 0x10 and 0x20 both set, the validator's options come from two
 * bytes: the profile, --policy, --explicit-policy,
 * --inhibit-policy-mapping, --inhibit-any-policy, --max-depth,
 * --revocation crl with CRLs (the fixture CRLs of crl/ and validate/, and
 * any CRL in the input itself, which the bundle loader skips),
 * --require-revocation, and --explain for the text; then the trace, the
 * revocation states and the policy sets are checked too.
 *
 * Input: the fuzz.h header (flags 0x04 fixture roots, 0x08 the input's
 * self-issued certificates as anchors, 0x10 purpose client, 0x20 purpose
 * server, 0x40 host name, 0x80 a 4-byte time follows), the time, then
 * with 0x30: byte A (bits 0-1 profile modern/rfc5280/webpki/modern,
 * 0x04 explicit policy, 0x08 inhibit mapping, 0x10 inhibit anyPolicy,
 * 0x20 revocation crl, 0x40 require revocation, 0x80 explain) and byte B
 * (bits 0-3 max depth, 12-15 none; bits 4-5 purpose none/client/server/
 * none; bits 6-7 how many of the policies 2.999.1, anyPolicy, 2.999.2
 * are asked), then the bundle. */
#include "config.h"

#include "fuzz.h"

#include "libcore/checks.h"
#include "libcore/crl.h"
#include "libcore/report.h"

#include <stdlib.h>
#include <string.h>

static struct ck_trust *roots;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *files[4];
	struct ck_trust_opts o = { .files = files };
	struct ck_error err;
	static char a[4096], b[4096], c[4096];

	(void)argc;
	(void)argv;
	snprintf(a, sizeof a, "%s/pki/root-ca.crt", CK_FIXTURES);
	snprintf(b, sizeof b, "%s/pki/root2-ca.crt", CK_FIXTURES);
	snprintf(c, sizeof c, "%s/pki/ec-root.crt", CK_FIXTURES);
	files[0] = a;
	files[1] = b;
	files[2] = c;
	ck_error_clear(&err);
	if (ck_trust_load(&o, &roots, &err))
		fz_fail("fixture roots: %s", err.what);
	return 0;
}

/* A store of copies of the input's self-issued certificates. */
static struct ck_trust *input_anchors(const struct ck_bundle *b)
{
	struct ck_trust *t = calloc(1, sizeof *t);
	struct ck_trust_store *s = calloc(1, sizeof *s);

	if (!t || !s || !(t->stores = calloc(1, sizeof *t->stores)) ||
	    !(s->certs = calloc(b->ncerts + 1, sizeof *s->certs)) ||
	    !(s->meta = calloc(b->ncerts + 1, sizeof *s->meta)) || !(s->name = strdup("input-roots")) ||
	    !(s->kind = strdup("file")))
		abort();
	t->stores[0] = s;
	t->nstores = 1;
	for (size_t i = 0; i < b->ncerts; i++)
		if (b->certs[i]->self_issued && ck_cert_dup(b->certs[i], &s->certs[s->ncerts]) == CK_OK)
			s->meta[s->ncerts++].anchor = true;
	return t;
}

/* The CRLs of the fixtures, as one buffer each (added to every set). */
static const char *const crl_fixtures[] = { "crl/ca.crl", "crl/root.crl", "crl/ca-delta.crl",
					    "validate/ca.crl", "validate/root.crl",
					    "validate/ca-expired.crl" };

static struct ck_crlset *crls_for(const uint8_t *data, size_t size)
{
	struct ck_crlset *s = NULL;
	struct ck_error err;

	if (ck_crlset_new(&s))
		abort();
	for (size_t i = 0; i < sizeof crl_fixtures / sizeof crl_fixtures[0]; i++) {
		size_t len;
		const unsigned char *d = fz_fixture(crl_fixtures[i], &len);
		ck_error_clear(&err);
		if (ck_crlset_add(s, d, len, crl_fixtures[i], &err))
			fz_fail("fixture %s: %s", crl_fixtures[i], err.what);
	}
	/* the input's own CRLs, if it holds any (all or nothing) */
	ck_error_clear(&err);
	fz_assert_error(ck_crlset_add(s, data, size, "fuzz-input", &err), &err);
	return s;
}

static bool registered(const char *code)
{
	enum ck_finding_id id;
	return ck_finding_lookup(code, &id);
}

static bool dotted(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* The validator's outputs of one chain: problems with registered codes,
 * a trace inside the pool, a revocation state per position or none, and
 * policy sets of dotted OIDs. */
static void check_validation(const struct ck_chain *c, size_t npool, bool revocation)
{
	const struct ck_validation *v = &c->validation;
	size_t errors = 0;

	for (size_t k = 0; k < c->nproblems; k++) {
		if (!registered(c->problems[k].code))
			fz_fail("problem code '%s' is not in the finding registry", c->problems[k].code);
		errors += !c->problems[k].warning;
	}
	if (c->valid != (c->trusted && errors == 0))
		fz_fail("valid %d, trusted %d, %zu errors", c->valid, c->trusted, errors);
	if (c->ntrace > CK_CHAIN_MAX_TRACE)
		fz_fail("the trace holds %zu entries", c->ntrace);
	for (size_t k = 0; k < c->ntrace; k++) {
		const struct ck_trace_entry *t = &c->trace[k];
		if (t->pos > CK_CHAIN_MAX_DEPTH || t->child >= npool || t->candidate >= npool)
			fz_fail("trace entry %zu is off the pool", k);
		fz_assert_line("a trace reason", t->reason);
		if (t->taken && (t->pos + 1 >= c->len || c->path[t->pos] != t->child ||
				 c->path[t->pos + 1] != t->candidate))
			fz_fail("trace entry %zu is taken but not a link of the path", k);
		if (t->taken && c->valid != !strncmp(t->reason, "taken: the path through it is valid", 35))
			fz_fail("trace entry %zu disagrees with the verdict: %s", k, t->reason);
	}
	if (v->nrev && (v->nrev != c->len || !revocation))
		fz_fail("%zu revocation states for a path of %zu", v->nrev, c->len);
	for (size_t k = 0; k < v->nrev; k++) {
		if (v->rev[k].state > CK_REVSTATE_UNKNOWN)
			fz_fail("revocation state %d", (int)v->rev[k].state);
		if (v->rev[k].detail)
			fz_assert_line("a revocation detail", v->rev[k].detail);
		if (v->rev[k].state == CK_REVSTATE_REVOKED && !errors)
			fz_fail("position %zu is revoked but the path has no error", k);
	}
	for (size_t k = 0; v->user_constrained && v->user_constrained[k]; k++)
		if (!dotted(v->user_constrained[k]))
			fz_fail("user-constrained policy '%s'", v->user_constrained[k]);
	for (size_t k = 0; v->authorities_constrained && v->authorities_constrained[k]; k++)
		if (!dotted(v->authorities_constrained[k]))
			fz_fail("authorities-constrained policy '%s'", v->authorities_constrained[k]);
}

static void check_analysis(const struct ck_bundle *b, const struct ck_analysis *a, bool revocation)
{
	size_t npool = ck_pool_count(a->pool);

	if (a->norder > npool)
		fz_fail("more certificates shown than in the pool");
	for (size_t i = 0; i < a->norder; i++)
		if (a->order[i] >= npool || !a->roles[i])
			fz_fail("output %zu is not a pool entry with a role", i);
	for (size_t i = 0; i < a->nchains; i++) {
		const struct ck_chain *c = a->chains[i];
		if (!c->len)
			fz_fail("chain %zu is empty", i);
		for (size_t k = 0; k < c->len; k++)
			if (c->path[k] >= npool)
				fz_fail("chain %zu leaves the pool", i);
		for (size_t k = 0; k < c->nproblems; k++) {
			if (c->problems[k].pos >= c->len)
				fz_fail("a problem of chain %zu is off the path", i);
			fz_assert_line("a chain problem", c->problems[k].message);
		}
		if (c->valid && !c->trusted)
			fz_fail("chain %zu is valid but not trusted", i);
		check_validation(c, npool, revocation);
	}
	for (size_t i = 0; i < b->nkeys; i++)
		if (a->key_match[i] >= (long)a->norder)
			fz_fail("key %zu matches a certificate not shown", i);
	for (size_t i = 0; i < a->nfindings; i++) {
		const struct ck_finding *f = &a->findings[i];
		if (!f->code || f->cert >= (long)a->norder)
			fz_fail("finding %zu is inconsistent", i);
		fz_assert_line("a finding", f->message);
	}
}

static void render(const struct ck_bundle *b, const struct ck_analysis *a, uint8_t flags,
		   bool explain)
{
	struct fz_mem doc_json = { 0 }, stream = { 0 }, text = { 0 };
	struct ck_text_opts to = { .color = (flags & 0x10) != 0, .verbose = (flags & 0x20) != 0,
				   .explain = explain };
	json_t *doc = ck_report_bundle(b, a);
	struct ck_xml *x;

	if (!doc)
		fz_fail("ck_report_bundle failed");
	fz_check_doc(doc, "report");
	if (ck_report_write_json(fz_mem_open(&doc_json), doc))
		fz_fail("ck_report_write_json failed");
	fz_mem_close(&doc_json);
	if (ck_report_bundle_json(fz_mem_open(&stream), b, a))
		fz_fail("ck_report_bundle_json failed");
	fz_mem_close(&stream);
	if (stream.len != doc_json.len || memcmp(stream.buf, doc_json.buf, stream.len))
		fz_fail("the streamed JSON differs from the document's");
	x = ck_xml_begin(fz_mem_open(&stream), "chainview");
	if (!x || ck_report_bundle_xml(x, b, a) || ck_xml_end(x))
		fz_fail("ck_report_bundle_xml failed");
	fz_mem_close(&stream);
	fz_assert_xml(stream.buf, stream.len);
	if (ck_report_text_chainview(fz_mem_open(&text), doc, &to) < 0)
		fz_fail("ck_report_text_chainview failed");
	fz_mem_close(&text);
	json_decref(doc);
	fz_mem_free(&doc_json);
	fz_mem_free(&stream);
	fz_mem_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct fz_pw pw;
	uint8_t flags = fz_header(&f, &pw);
	struct ck_load_opts lo = { .password = &pw.pw, .kdf_budget = FZ_KDF_BUDGET };
	struct ck_analyze_opts ao = { .chain.at = 1893456000 /* 2030-01-01 */ };
	static const char *const policies[] = { "2.999.1", "2.5.29.32.0", "2.999.2" };
	struct ck_validate_opts *vo = &ao.chain.v;
	struct ck_bundle *b = NULL;
	struct ck_analysis *a = NULL;
	struct ck_trust *anchors = NULL;
	struct ck_crlset *crls = NULL;
	const struct ck_trust *trust = NULL;
	bool explain = false;
	struct ck_error err;
	enum ck_status rc;

	if ((flags & 0x30) == 0x30) {
		/* read below, after the time */
	} else if (flags & 0x10) {
		ao.chain.purpose = CK_OID_EKU_CLIENT;
	} else if (flags & 0x20) {
		ao.chain.purpose = CK_OID_EKU_SERVER;
	}
	if (flags & 0x40)
		ao.chain.hostname = "client.example.test";
	if (flags & 0x80)
		ao.chain.at = (time_t)fz_u32(&f) * 2;
	if ((flags & 0x30) == 0x30) {
		uint8_t x = fz_u8(&f), y = fz_u8(&f);
		static const enum ck_profile profiles[] = { CK_PROFILE_MODERN, CK_PROFILE_RFC5280,
							    CK_PROFILE_WEBPKI, CK_PROFILE_MODERN };
		vo->profile = profiles[x & 3];
		vo->explicit_policy = x & 0x04;
		vo->inhibit_mapping = x & 0x08;
		vo->inhibit_any = x & 0x10;
		if (x & 0x20) {
			vo->revocation = CK_REVOCATION_CRL;
			vo->crls = crls = crls_for(f.p, f.n);
			vo->require_revocation = x & 0x40;
		}
		explain = x & 0x80;
		if ((y & 0x0f) < CK_CHAIN_MAX_DEPTH) {
			vo->depth_limited = true;
			vo->max_intermediates = y & 0x0f;
		}
		ao.chain.purpose = (y & 0x30) == 0x10 ? CK_OID_EKU_CLIENT :
				   (y & 0x30) == 0x20 ? CK_OID_EKU_SERVER : NULL;
		vo->policies = (y >> 6) ? policies : NULL;
		vo->npolicies = y >> 6;
	}
	ck_error_clear(&err);
	rc = ck_bundle_load_mem(f.p, f.n, "fuzz-input", &lo, &b, &err);
	fz_assert_error(rc, &err);
	if (rc)
		goto out;
	fz_check_bundle(b);
	if (flags & 0x08)
		trust = anchors = input_anchors(b);
	else if (flags & 0x04)
		trust = roots;
	rc = ck_analyze(b, trust, &ao, &a, &err);
	fz_assert_error(rc, &err);
	if (rc)
		goto out;
	check_analysis(b, a, vo->revocation != CK_REVOCATION_OFF);
	render(b, a, flags, explain);
out:
	ck_analysis_free(a);
	ck_crlset_free(crls);
	ck_trust_free(anchors);
	ck_bundle_free(b);
	fz_pw_cleanup(&pw);
	return 0;
}
