/* runtime: the profile table, and the emulation over listed reports
 * whose results are set by the test (no network). */
#include "config.h"

#include "libcore/runtime.h"
#include "unit.h"

#define AT_2030 1893456000

Test(runtime, profile_table)
{
	const struct ck_runtime *n = ck_runtime_get(CK_RT_DOTNET_LINUX), *o = ck_runtime_get(CK_RT_OPENSSL),
				*j = ck_runtime_get(CK_RT_JAVA);
	enum ck_runtime_id id;

	cr_assert_str_eq(n->name, "dotnet-linux");
	cr_assert(!n->uses_file_chain);
	cr_assert(n->fetches_ca_issuers && !n->fetch_condition);
	cr_assert_eq(n->ca_issuers_schemes, CK_SCHEME_HTTP);
	cr_assert(n->first_url_only);
	cr_assert(!n->reads_pkcs7);
	cr_assert_eq(n->chain_budget_ms, 15000);
	cr_assert(!n->caches_failures);
	cr_assert_eq(n->request_timeout_ms, 100000);
	cr_assert_str_eq(n->timeout_exception, "TaskCanceledException");
	cr_assert(!n->revocation_ocsp_first);
	cr_assert_str_eq(n->ocsp_method, "GET");

	cr_assert(o->uses_file_chain);
	cr_assert(!o->fetches_ca_issuers);
	cr_assert_null(o->revocation_switch);

	cr_assert(j->uses_file_chain);
	cr_assert_str_eq(j->fetch_condition, "-Dcom.sun.security.enableAIAcaIssuers=true");
	cr_assert(j->reads_pkcs7);
	cr_assert(!j->first_url_only);
	cr_assert(j->revocation_ocsp_first);

	cr_assert_str_eq(j->name, "java-aia");
	cr_assert_eq(ck_runtime_find("java-aia", &id), j);
	cr_assert_eq(id, CK_RT_JAVA);
	cr_assert_eq(ck_runtime_find("java", &id), ck_runtime_get(CK_RT_JAVA_DEFAULT));
	cr_assert(!ck_runtime_get(CK_RT_JAVA_DEFAULT)->fetches_ca_issuers);
	cr_assert_eq(j->failure_cache_s, 30);
	cr_assert_eq(ck_runtime_get(CK_RT_DOTNET11_LINUX)->max_fetches, 2);
	cr_assert_eq(ck_runtime_get(CK_RT_DOTNET_LINUX)->chain_budget_cap_ms, 60000);
	cr_assert_eq(ck_runtime_get(CK_RT_CHROME)->ca_issuers_schemes, CK_SCHEME_HTTP);
	cr_assert_eq(ck_runtime_get(CK_RT_CHROME)->max_body, 65536);
	cr_assert_eq(ck_runtime_get(CK_RT_WINDOWS)->connect_timeout_ms, 15000);
	for (int i = 0; i < CK_RT_COUNT; i++) {
		const struct ck_runtime *p = ck_runtime_get((enum ck_runtime_id)i);
		cr_assert(p->name && p->label && p->who && p->fetch_rule && p->budget && p->on_failure && p->sources,
			  "%s: a fact without its words or source", p->name);
		cr_assert_eq(ck_runtime_find(p->name, &id), p);
	}
	cr_assert_null(ck_runtime_find("go-aia", &id));
	for (const char *const *q = (const char *const[]){ "go", "android", "firefox", "openssl", NULL }; *q; q++)
		cr_assert(!ck_runtime_find(*q, NULL)->fetches_ca_issuers, "%s fetches", *q);
	cr_assert_null(ck_runtime_find("all", &id));
	cr_assert_null(ck_runtime_get(CK_RT_COUNT));
}

struct world {
	struct ck_bundle *b;
	struct ck_trust *trust;
	struct ck_aia_report *r;
};

/* `stores`: with the intermediate and the root as trust stores */
static void world_init(struct world *w, const char *input, bool stores)
{
	struct ck_aia_opts o = { .list_only = true };
	struct ck_trust_opts to = { 0 };
	char a[4096], b[4096];
	const char *files[] = { a, b, NULL };
	struct ck_error e;
	memset(w, 0, sizeof *w);
	if (stores) {
		snprintf(a, sizeof a, "%s", fx("pki/int-ca.crt"));
		snprintf(b, sizeof b, "%s", fx("pki/root-ca.crt"));
		to.files = files;
		cr_assert_eq(ck_trust_load(&to, &w->trust, &e), CK_OK, "%s", e.what);
	}
	o.analyze.chain.at = AT_2030;
	cr_assert_eq(fx_load(input, "demo", &w->b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_aia_check(w->b, w->trust, &o, &w->r, &e), CK_OK, "%s", e.what);
}

static void world_free(struct world *w)
{
	ck_aia_report_free(w->r);
	ck_bundle_free(w->b);
	ck_trust_free(w->trust);
}

static struct ck_runtime_verdict *emulate(struct world *w, enum ck_runtime_id id, bool revocation)
{
	struct ck_runtime_verdict *v = NULL;
	struct ck_error e;
	cr_assert_eq(ck_runtime_emulate(w->r, w->trust, id, revocation, NULL, &v, &e), CK_OK, "%s", e.what);
	return v;
}

/* Pretend entry i was fetched with this outcome. */
static void measured(struct world *w, size_t i, enum ck_url_result r, double total_ms)
{
	struct ck_url_entry *e = &w->r->urls[i];
	e->checked = true;
	e->result = e->effective = r;
	e->net.result = r;
	e->net.t.total = total_ms;
	w->r->list_only = false;
}

Test(runtime, dotnet_tries_the_first_http_caissuers_url)
{
	struct world w;
	struct ck_runtime_verdict *v;
	world_init(&w, "demo/client.pfx", false);
	v = emulate(&w, CK_RT_DOTNET_LINUX, false);
	cr_assert_eq(v->nfetches, 1);
	cr_assert_str_eq(w.r->urls[v->fetches[0].url].url, "http://127.0.0.1:18080/int-ca.crt");
	cr_assert_str_eq(v->fetches[0].purpose, "issuer");
	cr_assert(w.r->urls[v->fetches[0].url].used_by & (1u << CK_RT_DOTNET_LINUX));
	cr_assert(v->unchecked);
	cr_assert(!v->complete);
	cr_assert_eq(v->nsends, 1);
	cr_assert_eq(v->sends[0], 0);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

Test(runtime, dotnet_dropped_url_is_the_origin_story)
{
	struct world w;
	struct ck_runtime_verdict *v;
	world_init(&w, "demo/client.pfx", false);
	measured(&w, 0, CK_URL_DROPPED, 5001);
	v = emulate(&w, CK_RT_DOTNET_LINUX, false);
	cr_assert(v->budget_exhausted);
	cr_assert_eq(v->stall_ms, 15000);
	cr_assert(v->every_connection);
	cr_assert(v->problem);
	cr_assert(strstr(v->summary, "a .NET client on Linux will try http://127.0.0.1:18080/int-ca.crt; "
				     "from here that URL is DROPPED (no answer in 5 s) — expect a 15 s stall per "
				     "connection and a 100 s cancellation"), "%s", v->summary);
	cr_assert(strstr(v->summary, "TaskCanceledException"), "%s", v->summary);
	cr_assert_str_eq(v->stall, "dropped: 15 s (the chain build's whole budget) per new connection; "
				   "HttpClient gives up at 100 s (TaskCanceledException)");
	ck_runtime_verdict_free(v);
	v = emulate(&w, CK_RT_JAVA, false);
	cr_assert_str_eq(v->stall, "dropped: 15 s per validation, the failure remembered 30 s");
	ck_runtime_verdict_free(v);
	v = emulate(&w, CK_RT_GO, false);
	cr_assert_str_eq(v->stall, "none: it never fetches");
	cr_assert(v->problem);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

Test(runtime, dotnet_refused_fails_at_once)
{
	struct world w;
	struct ck_runtime_verdict *v;
	world_init(&w, "demo/client.pfx", false);
	measured(&w, 0, CK_URL_REFUSED, 0.4);
	v = emulate(&w, CK_RT_DOTNET_LINUX, false);
	cr_assert(!v->budget_exhausted);
	cr_assert(v->stall_ms < 1);
	cr_assert(v->problem);
	cr_assert(strstr(v->summary, "REFUSED"), "%s", v->summary);
	cr_assert(strstr(v->summary, "fails at once"), "%s", v->summary);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

Test(runtime, dotnet_finds_the_intermediate_in_a_store)
{
	struct world w;
	struct ck_runtime_verdict *v;
	world_init(&w, "demo/client.pfx", true);
	v = emulate(&w, CK_RT_DOTNET_LINUX, false);
	cr_assert_eq(v->nfetches, 0);
	cr_assert(v->complete);
	cr_assert(!v->problem);
	cr_assert(v->nfrom_store >= 1);
	cr_assert(strstr(v->summary, "finds it in"), "%s", v->summary);
	cr_assert(strstr(v->summary, "without a fetch"), "%s", v->summary);
	/* it sends the leaf and the intermediate, not the root */
	cr_assert_eq(v->nsends, 2);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

Test(runtime, dotnet_ignores_the_files_intermediate)
{
	struct world w;
	struct ck_runtime_verdict *v;
	world_init(&w, "bundles/client-chain.pem", false);
	v = emulate(&w, CK_RT_DOTNET_LINUX, false);
	cr_assert(v->file_has_missing);
	cr_assert_eq(v->nfetches, 1);
	cr_assert(strstr(v->summary, "does not use the file's intermediates"), "%s", v->summary);
	ck_runtime_verdict_free(v);
	/* OpenSSL sends the file as it is, fetches nothing */
	v = emulate(&w, CK_RT_OPENSSL, false);
	cr_assert_eq(v->nfetches, 0);
	cr_assert_eq(v->nsends, 2);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

Test(runtime, dotnet_trims_white_space_java_does_not)
{
	struct world w;
	struct ck_runtime_verdict *v;
	world_init(&w, "pki/badurl-leaf.crt", false);
	v = emulate(&w, CK_RT_DOTNET_LINUX, false);
	cr_assert_eq(v->nfetches, 1);
	cr_assert_eq(v->fetches[0].url, 1); /* " http://…/leading-space.crt" */
	ck_runtime_verdict_free(v);
	v = emulate(&w, CK_RT_JAVA, false);
	cr_assert_eq(v->nfetches, 0);
	cr_assert(!v->complete);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

Test(runtime, java_tries_every_url_in_order)
{
	struct world w;
	struct ck_runtime_verdict *v;
	world_init(&w, "pki/multi-aia-leaf.crt", false);
	measured(&w, 0, CK_URL_DROPPED, 5000);    /* ldap */
	measured(&w, 1, CK_URL_TLS_ERROR, 3);     /* https */
	measured(&w, 2, CK_URL_HTTP_ERROR, 1);    /* http int-ca.crt */
	measured(&w, 3, CK_URL_REFUSED, 1);       /* http int-ca-alt.crt */
	v = emulate(&w, CK_RT_JAVA, false);
	cr_assert_eq(v->nfetches, 4);
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(v->fetches[i].url, i);
	cr_assert_eq(v->fetches[0].cost_ms, 15000); /* its 15 s connect timeout */
	cr_assert(v->problem);
	ck_runtime_verdict_free(v);
	v = emulate(&w, CK_RT_DOTNET_LINUX, false);
	cr_assert_eq(v->nfetches, 1);
	cr_assert_eq(v->fetches[0].url, 2);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

Test(runtime, openssl_never_fetches)
{
	struct world w;
	struct ck_runtime_verdict *v;
	world_init(&w, "demo/client.pfx", false);
	v = emulate(&w, CK_RT_OPENSSL, true);
	cr_assert_eq(v->nfetches, 0);
	cr_assert(!v->complete);
	cr_assert(v->problem);
	cr_assert(strstr(v->summary, "never fetches"), "%s", v->summary);
	cr_assert_eq(w.r->urls[0].used_by & (1u << CK_RT_OPENSSL), 0);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

Test(runtime, dotnet_revocation_crl_then_ocsp_get)
{
	struct world w;
	struct ck_runtime_verdict *v;
	size_t crl = 0, ocsp = 0;
	world_init(&w, "demo/client.pfx", true);
	for (size_t i = 0; i < w.r->nurls; i++) {
		if (w.r->urls[i].kind == CK_KIND_CRL && w.r->urls[i].cert && !strcmp(w.r->urls[i].cert->subject,
		    "CN=client.example.test,O=chainkit tests")) {
			crl = i;
			measured(&w, i, CK_URL_DROPPED, 5000);
		}
		if (w.r->urls[i].kind == CK_KIND_OCSP)
			ocsp = i;
	}
	v = emulate(&w, CK_RT_DOTNET_LINUX, true);
	cr_assert(v->complete && v->trusted);
	cr_assert(v->nfetches >= 2);
	cr_assert_eq(v->fetches[0].url, crl);
	cr_assert_str_eq(v->fetches[0].purpose, "crl");
	cr_assert_eq(v->fetches[1].url, ocsp);
	cr_assert_str_eq(v->fetches[1].purpose, "ocsp");
	cr_assert(v->problem);
	ck_runtime_verdict_free(v);
	world_free(&w);
}

/* the caIssuers URL each runtime downloads first (truststore check) */
Test(runtime, ca_issuers_url_by_runtime)
{
	char *urls[] = { "ldap://ldap.example.test/cn=int", "https://example.test/int.crt",
			 " http://example.test/int.crt", NULL };
	char *none[] = { "ldap://ldap.example.test/cn=int", NULL };

	cr_assert_null(ck_runtime_ca_issuers_url(ck_runtime_get(CK_RT_OPENSSL), urls));
	cr_assert_str_eq(ck_runtime_ca_issuers_url(ck_runtime_get(CK_RT_DOTNET_LINUX), urls), urls[2]);
	cr_assert_str_eq(ck_runtime_ca_issuers_url(ck_runtime_get(CK_RT_JAVA), urls), urls[0]);
	cr_assert_null(ck_runtime_ca_issuers_url(ck_runtime_get(CK_RT_DOTNET_LINUX), none));
	cr_assert_null(ck_runtime_ca_issuers_url(ck_runtime_get(CK_RT_DOTNET_LINUX), NULL));
}
