/* checks: leaves, roles, order, key matching and findings of bundles. */
#include "config.h"

#include "libcore/checks.h"
#include "unit.h"

static struct ck_bundle *bundle;
static struct ck_trust *trust;
static struct ck_analysis *an;

static void cleanup(void)
{
	ck_analysis_free(an);
	ck_bundle_free(bundle);
	ck_trust_free(trust);
	an = NULL;
	bundle = NULL;
	trust = NULL;
}

TestSuite(checks, .fini = cleanup);

/* Analyse a fixture; `anchor` (may be NULL) is a --ca-file. */
static void analyse(const char *rel, const char *password, const char *anchor, time_t at)
{
	struct ck_error e;
	struct ck_analyze_opts o = { .chain.at = at ? at : 1893456000 };
	cr_assert_eq(fx_load(rel, password, &bundle, &e), CK_OK, "%s: %s", rel, e.what);
	if (anchor) {
		const char *files[2] = { fx(anchor), NULL };
		struct ck_trust_opts to = { .files = files };
		cr_assert_eq(ck_trust_load(&to, &trust, &e), CK_OK, "%s", e.what);
	}
	cr_assert_eq(ck_analyze(bundle, trust, &o, &an, &e), CK_OK, "%s", e.what);
}

static const struct ck_finding *finding(const char *code)
{
	for (size_t i = 0; i < an->nfindings; i++)
		if (!strcmp(an->findings[i].code, code))
			return &an->findings[i];
	return NULL;
}

static const char *role(long i)
{
	return an->roles[i];
}

Test(checks, the_demo_bundle)
{
	const struct ck_finding *f;
	analyse("demo/client.pfx", "demo", NULL, 0);
	cr_assert_eq(an->nchains, 1);
	cr_assert_not(an->chains[0]->complete);
	cr_assert_eq(an->key_match[0], 0);
	f = finding("missing-issuer");
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, CK_SEV_ERROR);
	cr_assert_eq(f->cert, 0);
	cr_assert(strstr(f->message, "CN=chainkit Issuing CA 1"), "%s", f->message);
	cr_assert(strstr(f->message, "http://127.0.0.1:18080/int-ca.crt"), "%s", f->message);
	cr_assert(strstr(f->hint, ".NET"), "%s", f->hint);
	cr_assert_eq(an->errors, 1);
}

/* issue 24 item 3: above a CA, what is missing is most likely the root */
Test(checks, root_not_given_above_an_intermediate)
{
	const struct ck_finding *f;
	analyse("bundles/client-chain.pem", NULL, NULL, 0);
	cr_assert_not(an->chains[0]->complete);
	cr_assert_null(finding("missing-issuer"));
	f = finding("root-not-given");
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, CK_SEV_WARNING);
	cr_assert_eq(f->cert, 1);
	cr_assert(strstr(f->message, "usually the root"), "%s", f->message);
	cr_assert_null(strstr(f->hint, "Add the issuer"), "%s", f->hint);
	cr_assert(strstr(f->hint, "http://127.0.0.1:18080/root-ca.crt"), "%s", f->hint);
	cr_assert_eq(an->errors, 0);
}

Test(checks, full_chain_trusted)
{
	analyse("bundles/client-full.pem", NULL, "pki/root-ca.crt", 0);
	cr_assert(an->chains[0]->valid);
	cr_assert_str_eq(role(0), "leaf");
	cr_assert_str_eq(role(1), "intermediate");
	cr_assert_str_eq(role(2), "root");
	cr_assert_not_null(finding("root-in-bundle"));
	cr_assert_eq(finding("root-in-bundle")->severity, CK_SEV_INFO);
	cr_assert_eq(an->errors, 0);
	cr_assert_null(finding("wrong-order"));
}

Test(checks, untrusted_root)
{
	analyse("bundles/client-full.pem", NULL, NULL, 0);
	cr_assert_not_null(finding("untrusted-root"));
	cr_assert_eq(finding("untrusted-root")->cert, 2);
}

Test(checks, scrambled_order)
{
	analyse("bundles/client-scrambled.pem", NULL, "pki/root-ca.crt", 0);
	cr_assert_not_null(finding("wrong-order"));
	/* output order is chain order whatever the input order */
	cr_assert_str_eq(role(0), "leaf");
	cr_assert_str_eq(role(2), "root");
}

Test(checks, duplicates_and_unrelated)
{
	analyse("bundles/client-dup.pem", NULL, "pki/root-ca.crt", 0);
	cr_assert_not_null(finding("duplicate-certificate"));
	cr_assert_eq(finding("duplicate-certificate")->cert, 1);
	cleanup();
	analyse("bundles/client-unrelated.pem", NULL, "pki/root-ca.crt", 0);
	cr_assert_not_null(finding("unrelated-certificate"));
	cr_assert_str_eq(role(finding("unrelated-certificate")->cert), "unrelated");
	cr_assert_eq(an->nchains, 1, "a stray self-signed certificate is not a chain");
}

Test(checks, two_leaves_two_chains)
{
	analyse("bundles/two-leaves.pem", NULL, "pki/root-ca.crt", 0);
	cr_assert_eq(an->nchains, 2);
	cr_assert(an->chains[0]->valid && an->chains[1]->valid);
	cr_assert_eq(an->norder, 4, "client, int-ca, root (store), server");
}

Test(checks, keys)
{
	analyse("p12/key-only.pfx", "test", NULL, 0);
	cr_assert_not_null(finding("no-certificate"));
	cr_assert_null(finding("key-mismatch"), "nothing to match against");
	cr_assert_eq(an->errors, 0);
	cleanup();
	analyse("bundles/key-ec.pem", NULL, NULL, 0);
	cr_assert_not_null(finding("no-certificate"));
	cleanup();
	/* a key and certificates that are not its own */
	{
		struct ck_error e;
		struct ck_bundle *k = NULL;
		struct ck_analyze_opts o = { .chain.at = 1893456000 };
		cr_assert_eq(fx_load("bundles/client-chain.pem", NULL, &bundle, &e), CK_OK);
		cr_assert_eq(fx_load("bundles/key-ec.pem", NULL, &k, &e), CK_OK);
		cr_assert_eq(ck_bundle_merge(bundle, k), CK_OK);
		ck_bundle_free(k);
		cr_assert_eq(ck_analyze(bundle, NULL, &o, &an, &e), CK_OK);
	}
	cr_assert_not_null(finding("key-mismatch"));
	cleanup();
	analyse("p12/certs-only.pfx", "test", "pki/root-ca.crt", 0);
	cr_assert_not_null(finding("no-private-key"));
	cr_assert_null(finding("key-mismatch"));
}

Test(checks, key_picks_the_leaf)
{
	/* without the key both certificates would be leaves */
	analyse("bundles/client-combined.pem", NULL, "pki/root-ca.crt", 0);
	cr_assert_eq(an->key_match[0], 0);
	cr_assert_eq(an->nchains, 1);
}

Test(checks, expiry_windows)
{
	/* soon-leaf ends 2030-06-01 */
	analyse("pki/soon-leaf.crt", NULL, NULL, 1777593600); /* 2026-05-01 */
	cr_assert_null(finding("expires-soon"));
	cleanup();
	analyse("pki/soon-leaf.crt", NULL, NULL, 1905465600); /* 2030-05-20 */
	cr_assert_not_null(finding("expires-soon"));
	cr_assert_eq(finding("expires-soon")->severity, CK_SEV_WARNING);
	cleanup();
	analyse("pki/soon-leaf.crt", NULL, NULL, 1924992000); /* 2031-01-01 */
	cr_assert_not_null(finding("expired"));
}

Test(checks, weak_things)
{
	analyse("pki/weak-rsa1024.crt", NULL, NULL, 0);
	cr_assert_not_null(finding("weak-key"));
	cleanup();
	analyse("pki/sha1-leaf.crt", NULL, "pki/int-ca.crt", 0);
	cr_assert_not_null(finding("weak-signature"));
	/* SHA-1 is refused under the default (modern) profile */
	cr_assert_eq(finding("weak-signature")->severity, CK_SEV_ERROR);
	cleanup();
	analyse("pki/md5-leaf.crt", NULL, "pki/int-ca.crt", 0);
	cr_assert_eq(finding("weak-signature")->severity, CK_SEV_ERROR);
}

Test(checks, skipped_bags_become_findings)
{
	analyse("p12/crlbag.pfx", "test", NULL, 0);
	cr_assert_not_null(finding("skipped-bag"));
	cr_assert_eq(finding("skipped-bag")->severity, CK_SEV_INFO);
}

Test(checks, findings_sorted_errors_first)
{
	analyse("bundles/client-dup.pem", NULL, NULL, 0);
	for (size_t i = 1; i < an->nfindings; i++)
		cr_assert_geq(an->findings[i - 1].severity, an->findings[i].severity);
}

Test(checks, every_chainview_code_is_summarised)
{
	size_t n = 0;
	for (unsigned i = 0; i < CK_F_COUNT; i++) {
		const struct ck_finding_def *d = ck_finding_def((enum ck_finding_id)i);
		if (!(d->where & CK_FINDING_CHAINVIEW))
			continue;
		cr_assert(d->summary && *d->summary, "%s", d->code);
		n++;
	}
	cr_assert_geq(n, 20);
}
