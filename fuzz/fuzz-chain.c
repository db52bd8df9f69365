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
 * Input: the fuzz.h header (flags 0x04 fixture roots, 0x08 the input's
 * self-issued certificates as anchors, 0x10 purpose client, 0x20 purpose
 * server, 0x40 host name, 0x80 a 4-byte time follows), then the bundle. */
#include "config.h"

#include "fuzz.h"

#include "libcore/checks.h"
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

static void check_analysis(const struct ck_bundle *b, const struct ck_analysis *a)
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

static void render(const struct ck_bundle *b, const struct ck_analysis *a, uint8_t flags)
{
	struct fz_mem doc_json = { 0 }, stream = { 0 }, text = { 0 };
	struct ck_text_opts to = { .color = (flags & 0x10) != 0, .verbose = (flags & 0x20) != 0 };
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
	struct ck_load_opts lo = { .password = &pw.pw };
	struct ck_analyze_opts ao = { .chain.at = 1893456000 /* 2030-01-01 */ };
	struct ck_bundle *b = NULL;
	struct ck_analysis *a = NULL;
	struct ck_trust *anchors = NULL;
	const struct ck_trust *trust = NULL;
	struct ck_error err;
	enum ck_status rc;

	if (flags & 0x10)
		ao.chain.purpose = CK_OID_EKU_CLIENT;
	else if (flags & 0x20)
		ao.chain.purpose = CK_OID_EKU_SERVER;
	if (flags & 0x40)
		ao.chain.hostname = "client.example.test";
	if (flags & 0x80)
		ao.chain.at = (time_t)fz_u32(&f) * 2;
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
	check_analysis(b, a);
	render(b, a, flags);
out:
	ck_analysis_free(a);
	ck_trust_free(anchors);
	ck_bundle_free(b);
	fz_pw_cleanup(&pw);
	return 0;
}
