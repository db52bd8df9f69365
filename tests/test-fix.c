/* fix: chain order, what is dropped and added, and what stays missing. */
#include "config.h"

#include "libcore/fix.h"
#include "unit.h"

static struct ck_bundle *bundle;
static struct ck_trust *trust;
static struct ck_fixed *fixed;
static struct ck_bundle *pki;

static void cleanup(void)
{
	ck_fixed_free(fixed);
	ck_bundle_free(bundle);
	ck_trust_free(trust);
	ck_bundle_free(pki);
	fixed = NULL;
	bundle = NULL;
	trust = NULL;
	pki = NULL;
}

TestSuite(fix, .fini = cleanup);

/* Fix a fixture with the given --ca-files (NULL-terminated, may be
 * empty) and options. */
static void run_fix(const char *rel, const char *password, const char *const *anchors,
		    enum ck_fix_scope scope, bool keep_root)
{
	struct ck_error e;
	struct ck_fix_opts o = { .scope = scope, .keep_root = keep_root, .complete = true,
				 .at = 1893456000 };
	cr_assert_eq(fx_load(rel, password, &bundle, &e), CK_OK, "%s: %s", rel, e.what);
	if (anchors) {
		static char paths[4][4096];
		const char *files[5] = { NULL };
		size_t n = 0;
		for (; anchors[n]; n++) {
			snprintf(paths[n], sizeof paths[n], "%s", fx(anchors[n]));
			files[n] = paths[n];
		}
		struct ck_trust_opts to = { .files = files };
		cr_assert_eq(ck_trust_load(&to, &trust, &e), CK_OK, "%s", e.what);
	}
	cr_assert_eq(ck_fix(bundle, trust, &o, &fixed, &e), CK_OK, "%s", e.what);
}

/* The subject's CN of output certificate i. */
static const char *cn(size_t i)
{
	const char *s = fixed->certs[i]->subject;
	return strncmp(s, "CN=", 3) == 0 ? s + 3 : s;
}

static void expect_chain(const char *const *cns)
{
	size_t n = 0;
	for (; cns[n]; n++) {
		cr_assert_lt(n, fixed->ncerts, "only %zu certificates, expected %s next",
			     fixed->ncerts, cns[n]);
		cr_assert_eq(strncmp(cn(n), cns[n], strlen(cns[n])), 0, "[%zu] is %s, expected %s", n,
			     cn(n), cns[n]);
	}
	cr_assert_eq(fixed->ncerts, n, "%zu certificates, expected %zu", fixed->ncerts, n);
}

static size_t changes(enum ck_fix_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < fixed->nchanges; i++)
		n += fixed->changes[i].kind == kind;
	return n;
}

static const char *const ROOT_ONLY[] = { "pki/root-ca.crt", NULL };
static const char *const ROOT_AND_INT[] = { "pki/root-ca.crt", "pki/int-ca.crt", NULL };

Test(fix, scrambled_goes_leaf_first)
{
	static const char *const want[] = { "client", "chainkit Issuing", "chainkit Test Root", NULL };
	run_fix("bundles/client-scrambled.pem", NULL, ROOT_ONLY, CK_FIX_PRIMARY, true);
	expect_chain(want);
	cr_assert_eq(changes(CK_FIX_REORDERED), 1);
	cr_assert(fixed->complete);
	cr_assert_eq(fixed->leaf, 0);
	cr_assert_str_eq(fixed->roles[2], "root");
	cr_assert_eq(fixed->input_pos[0], 2);
	cr_assert_eq(fixed->input_pos[2], 1);
}

Test(fix, root_dropped_unless_kept)
{
	static const char *const want[] = { "client", "chainkit Issuing", NULL };
	run_fix("bundles/client-full.pem", NULL, ROOT_ONLY, CK_FIX_PRIMARY, false);
	expect_chain(want);
	cr_assert_eq(changes(CK_FIX_DROPPED_ROOT), 1);
	cr_assert_eq(changes(CK_FIX_REORDERED), 0);
	cr_assert_eq(fixed->nchanges, 1);
	cr_assert_eq(fixed->changes[0].input_pos, 3);
	cr_assert(fixed->complete);
}

Test(fix, duplicate_dropped)
{
	static const char *const want[] = { "client", "chainkit Issuing", NULL };
	run_fix("bundles/client-dup.pem", NULL, ROOT_ONLY, CK_FIX_PRIMARY, false);
	expect_chain(want);
	cr_assert_eq(changes(CK_FIX_DROPPED_DUPLICATE), 1);
	cr_assert_eq(fixed->changes[0].input_pos, 3);
	cr_assert_eq(fixed->changes[0].same_as, 2);
}

Test(fix, unrelated_dropped)
{
	static const char *const want[] = { "client", "chainkit Issuing", NULL };
	run_fix("bundles/client-unrelated.pem", NULL, ROOT_ONLY, CK_FIX_PRIMARY, false);
	expect_chain(want);
	cr_assert_eq(changes(CK_FIX_DROPPED_UNRELATED), 1);
	cr_assert_str_eq(fixed->changes[0].cert->subject, "CN=unrelated.example.test,O=chainkit tests");
}

Test(fix, missing_intermediate_added_from_a_store)
{
	static const char *const want[] = { "client", "chainkit Issuing", NULL };
	run_fix("bundles/client-leaf.pem", NULL, ROOT_AND_INT, CK_FIX_PRIMARY, true);
	expect_chain(want);
	cr_assert_eq(changes(CK_FIX_ADDED), 1);
	cr_assert_eq(fixed->input_pos[1], 0);
	cr_assert_str_eq(fixed->changes[0].origin, fx("pki/int-ca.crt"));
	cr_assert(fixed->complete);
}

/* The root of the store is never added, even with keep_root. */
Test(fix, store_root_not_added)
{
	static const char *const want[] = { "client", "chainkit Issuing", NULL };
	run_fix("bundles/client-chain.pem", NULL, ROOT_ONLY, CK_FIX_PRIMARY, true);
	expect_chain(want);
	cr_assert_eq(fixed->nchanges, 0);
	cr_assert(fixed->complete);
}

/* Two levels missing: pathlen-leaf <- sub-int-ca <- int-ca <- root-ca.
 * Every store certificate is an anchor, yet the chain goes on past the
 * first one up to the root, which is not added. */
Test(fix, two_intermediates_added_in_order)
{
	static const char *const anchors[] = { "pki/int-ca.crt", "pki/root-ca.crt",
					       "pki/sub-int-ca.crt", NULL };
	static const char *const want[] = { "pathlen", "chainkit Sub", "chainkit Issuing", NULL };
	run_fix("pki/pathlen-leaf.crt", NULL, anchors, CK_FIX_PRIMARY, true);
	expect_chain(want);
	cr_assert_eq(changes(CK_FIX_ADDED), 2);
	cr_assert_str_eq(fixed->changes[0].origin, fx("pki/sub-int-ca.crt"));
	cr_assert(fixed->complete);
}

/* An intermediate that is both in the input and in a store does not
 * stop the completion. */
Test(fix, input_intermediate_also_in_a_store)
{
	static const char *const anchors[] = { "bundles/client-chain.pem", "pki/sub-int-ca.crt", NULL };
	struct ck_error e;
	struct ck_bundle *more = NULL;
	struct ck_fix_opts o = { .scope = CK_FIX_PRIMARY, .complete = true, .at = 1893456000 };
	const char *files[3] = { NULL };
	static char p0[4096], p1[4096];
	snprintf(p0, sizeof p0, "%s", fx(anchors[0]));
	snprintf(p1, sizeof p1, "%s", fx(anchors[1]));
	files[0] = p0;
	files[1] = p1;
	/* input: pathlen-leaf and sub-int-ca; stores: client, int-ca, sub-int-ca */
	cr_assert_eq(fx_load("pki/pathlen-leaf.crt", NULL, &bundle, &e), CK_OK);
	cr_assert_eq(fx_load("pki/sub-int-ca.crt", NULL, &more, &e), CK_OK);
	cr_assert_eq(ck_bundle_merge(bundle, more), CK_OK);
	ck_bundle_free(more);
	{
		struct ck_trust_opts to = { .files = files };
		cr_assert_eq(ck_trust_load(&to, &trust, &e), CK_OK, "%s", e.what);
	}
	cr_assert_eq(ck_fix(bundle, trust, &o, &fixed, &e), CK_OK, "%s", e.what);
	cr_assert_eq(fixed->ncerts, 3);
	cr_assert_eq(changes(CK_FIX_ADDED), 1);
	cr_assert_str_eq(fixed->changes[0].cert->subject, "CN=chainkit Issuing CA 1,O=chainkit tests");
	/* trusted at sub-int-ca in the first pass: complete */
	cr_assert(fixed->complete);
}

Test(fix, incomplete_names_what_is_missing)
{
	run_fix("p12/chain-missing.pfx", "test", ROOT_ONLY, CK_FIX_PRIMARY, false);
	cr_assert_eq(fixed->ncerts, 1);
	cr_assert_not(fixed->complete);
	cr_assert_not_null(fixed->missing_from);
	cr_assert_str_eq(fixed->missing_from->issuer, "CN=chainkit Issuing CA 1,O=chainkit tests");
	cr_assert_str_eq(fixed->missing_from->aia_ca_issuers[0], "http://127.0.0.1:18080/int-ca.crt");
	cr_assert_not_null(fixed->key);
	cr_assert_eq(fixed->unmatched_keys, 0);
}

/* Without stores: complete means up to a self-signed certificate. */
Test(fix, no_store)
{
	run_fix("bundles/client-chain.pem", NULL, NULL, CK_FIX_PRIMARY, false);
	cr_assert_not(fixed->complete);
	cleanup();
	run_fix("bundles/client-full.pem", NULL, NULL, CK_FIX_PRIMARY, false);
	cr_assert(fixed->complete);
	cr_assert_eq(fixed->ncerts, 2);
}

/* The whole bundle, chain by chain, then the unrelated certificates. */
Test(fix, scope_all_keeps_everything_but_duplicates)
{
	static const char *const want[] = { "client", "chainkit Issuing", "server", NULL };
	run_fix("bundles/two-leaves.pem", NULL, NULL, CK_FIX_ALL, true);
	expect_chain(want);
	cleanup();
	run_fix("bundles/client-unrelated.pem", NULL, NULL, CK_FIX_ALL, true);
	cr_assert_eq(fixed->ncerts, 3);
	cr_assert_str_eq(fixed->roles[2], "unrelated");
	cleanup();
	run_fix("bundles/client-dup.pem", NULL, NULL, CK_FIX_ALL, true);
	cr_assert_eq(fixed->ncerts, 2);
	cr_assert_eq(changes(CK_FIX_DROPPED_DUPLICATE), 1);
}

Test(fix, key_of_the_leaf)
{
	run_fix("bundles/client-combined.pem", NULL, ROOT_ONLY, CK_FIX_PRIMARY, false);
	cr_assert_not_null(fixed->key);
	cr_assert_arr_eq(fixed->key->spki_sha256, fixed->certs[0]->spki_sha256, 32);
	cr_assert_eq(fixed->unmatched_keys, 0);
}

Test(fix, key_matching_nothing_is_counted)
{
	struct ck_error e;
	struct ck_bundle *k = NULL;
	struct ck_fix_opts o = { .scope = CK_FIX_PRIMARY };
	cr_assert_eq(fx_load("bundles/client-chain.pem", NULL, &bundle, &e), CK_OK);
	cr_assert_eq(fx_load("pki/nomatch.key", NULL, &k, &e), CK_OK);
	cr_assert_eq(ck_bundle_merge(bundle, k), CK_OK);
	ck_bundle_free(k);
	cr_assert_eq(ck_fix(bundle, NULL, &o, &fixed, &e), CK_OK);
	cr_assert_eq(fixed->unmatched_keys, 1);
	cr_assert_null(fixed->key);
}

Test(fix, empty_bundle_of_certificates)
{
	run_fix("p12/key-only.pfx", "test", NULL, CK_FIX_PRIMARY, false);
	cr_assert_eq(fixed->ncerts, 0);
	cr_assert(fixed->complete);
	cr_assert_eq(fixed->leaf, -1);
}

/* A store whose intermediates are not anchors (.NET's "ca" store): the
 * path runs through them to the store's root, and they are added. */
Test(fix, non_anchor_store_intermediates_are_added)
{
	static const char *const want[] = { "client", "chainkit Issuing", NULL };
	struct ck_error e;
	struct ck_trust_store *s = NULL;
	struct ck_trust_opts to = { 0 };
	struct ck_fix_opts o = { .scope = CK_FIX_PRIMARY, .complete = true, .at = 1893456000 };

	cr_assert_eq(fx_load("bundles/client-leaf.pem", NULL, &bundle, &e), CK_OK);
	cr_assert_eq(ck_trust_store_load_dotnet(fx("stores/dotnet-home"), &to, &s, &e), CK_OK,
		     "%s", e.what);
	trust = calloc(1, sizeof *trust);
	trust->stores = calloc(1, sizeof *trust->stores);
	trust->stores[0] = s;
	trust->nstores = 1;
	cr_assert_eq(ck_fix(bundle, trust, &o, &fixed, &e), CK_OK, "%s", e.what);
	expect_chain(want);
	cr_assert_eq(changes(CK_FIX_ADDED), 1);
	cr_assert(fixed->complete);
}
