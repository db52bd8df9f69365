/* chain: the path builder over pools made of fixture certificates. */
#include "config.h"

#include "libcore/chain.h"
#include "unit.h"

#include <time.h>

/* A pool built from fixture certificates: "name" is input, "+name" is
 * a trust anchor. */
struct world {
	struct ck_pool *pool;
	struct ck_cert *certs[16];
	size_t idx[16];
	size_t n;
};

static struct ck_cert *cert_of(const char *name)
{
	char rel[128];
	size_t len = 0;
	unsigned char *d;
	struct ck_cert *c = NULL;
	struct ck_error e;
	snprintf(rel, sizeof rel, "pki/%s.der", name);
	d = fx_read(rel, &len);
	cr_assert_eq(ck_cert_from_der(d, len, &c, &e), CK_OK, "%s", rel);
	free(d);
	return c;
}

static void world_init(struct world *w, const char *const *names)
{
	memset(w, 0, sizeof *w);
	cr_assert_eq(ck_pool_new(&w->pool), CK_OK);
	for (; *names; names++, w->n++) {
		bool anchor = (*names)[0] == '+';
		w->certs[w->n] = cert_of(*names + anchor);
		cr_assert_eq(ck_pool_add(w->pool, w->certs[w->n], anchor ? CK_SRC_TRUST : CK_SRC_INPUT,
					 anchor, anchor ? "test-store" : "input", anchor ? -1 : (int)w->n,
					 &w->idx[w->n]),
			     CK_OK);
	}
}

static void world_free(struct world *w)
{
	ck_pool_free(w->pool);
	for (size_t i = 0; i < w->n; i++)
		ck_cert_free(w->certs[i]);
}

static struct ck_chain *build(struct world *w, size_t leaf, const struct ck_chain_opts *o)
{
	struct ck_chain *c = NULL;
	struct ck_error e;
	struct ck_chain_opts def = { .at = 1893456000 }; /* 2030-01-01 */
	cr_assert_eq(ck_chain_build(w->pool, w->idx[leaf], o ? o : &def, &c, &e), CK_OK);
	return c;
}

static bool has_problem(const struct ck_chain *c, const char *code, size_t pos)
{
	for (size_t i = 0; i < c->nproblems; i++)
		if (!strcmp(c->problems[i].code, code) && c->problems[i].pos == pos)
			return true;
	return false;
}

static const char *subject_at(struct world *w, const struct ck_chain *c, size_t pos)
{
	return ck_pool_get(w->pool, c->path[pos])->cert->subject;
}

Test(chain, complete_but_untrusted)
{
	const char *names[] = { "client", "int-ca", "root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert_eq(c->len, 3);
	cr_assert(c->complete);
	cr_assert(c->self_signed_top);
	cr_assert_not(c->trusted);
	cr_assert_not(c->valid);
	cr_assert(c->link_verified[0] && c->link_verified[1]);
	cr_assert_eq(c->nproblems, 0);
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, trusted_and_valid)
{
	const char *names[] = { "client", "int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(c->trusted && c->valid && c->complete);
	cr_assert_eq(c->path[2], w.idx[2]);
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, missing_intermediate)
{
	const char *names[] = { "client", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert_eq(c->len, 1);
	cr_assert_not(c->complete);
	cr_assert_not(c->issuer_present);
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, intermediate_from_the_store)
{
	const char *names[] = { "client", "+int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(c->trusted && c->valid);
	cr_assert_eq(c->len, 2, "any certificate of a store is an anchor");
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, cross_signed_path_to_the_trusted_root)
{
	/* int-ca and int-ca-cross share name and key; only root2 is trusted */
	const char *names[] = { "client", "int-ca", "int-ca-cross", "root-ca", "+root2-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(c->trusted && c->valid);
	cr_assert_eq(c->len, 3);
	cr_assert_eq(c->path[1], w.idx[2], "through the cross-certificate");
	cr_assert_str_eq(subject_at(&w, c, 2), "CN=chainkit Second Root CA,O=chainkit tests");
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, picks_trusted_among_cross_roots)
{
	const char *names[] = { "client", "int-ca-cross", "int-ca", "+root-ca", "root2-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(c->trusted && c->valid);
	cr_assert_eq(c->path[1], w.idx[2]);
	cr_assert_str_eq(subject_at(&w, c, 2), "CN=chainkit Test Root CA,O=chainkit tests");
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, path_length_exceeded)
{
	const char *names[] = { "pathlen-leaf", "sub-int-ca", "int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(c->trusted);
	cr_assert_not(c->valid);
	cr_assert(has_problem(c, "path-length-exceeded", 2));
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, issuer_without_basic_constraints)
{
	const char *names[] = { "nobc-leaf", "nobc-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert_not(c->valid);
	cr_assert(has_problem(c, "ca-missing-basic-constraints", 1));
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, issuer_without_key_cert_sign)
{
	const char *names[] = { "nokcs-leaf", "nokcs-int", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert_not(c->valid);
	cr_assert(has_problem(c, "ca-key-usage", 1));
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, name_constraints)
{
	const char *names[] = { "nc-bad-leaf", "nc-good-leaf", "nc-int", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(has_problem(c, "name-constraints-violation", 0));
	cr_assert_not(c->valid);
	ck_chain_free(c);
	c = build(&w, 1, NULL);
	cr_assert(c->valid, "good.good.test is inside .good.test");
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, validity_at_a_given_time)
{
	const char *names[] = { "expired-leaf", "future-leaf", "int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	struct ck_chain_opts in2001 = { .at = 993945600 };  /* 2001-07-01 */
	struct ck_chain_opts in2091 = { .at = 3834000000 }; /* 2091-06 */
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(has_problem(c, "expired", 0));
	ck_chain_free(c);
	c = build(&w, 1, NULL);
	cr_assert(has_problem(c, "not-yet-valid", 0));
	ck_chain_free(c);
	/* in 2001 the leaf is fine but its issuers are not valid yet */
	c = build(&w, 0, &in2001);
	cr_assert_not(has_problem(c, "expired", 0));
	cr_assert(has_problem(c, "not-yet-valid", 1));
	ck_chain_free(c);
	c = build(&w, 1, &in2091);
	cr_assert_not(has_problem(c, "not-yet-valid", 0));
	cr_assert(has_problem(c, "expired", 1), "int-ca ends in 2070");
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, purpose_and_hostname)
{
	const char *names[] = { "server-wrongeku", "server", "int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	struct ck_chain_opts o = { .at = 1893456000, .purpose = CK_OID_EKU_SERVER,
				   .hostname = "server.example.test" };
	world_init(&w, names);
	c = build(&w, 0, &o);
	cr_assert(has_problem(c, "purpose-mismatch", 0));
	ck_chain_free(c);
	c = build(&w, 1, &o);
	cr_assert(c->valid);
	ck_chain_free(c);
	o.hostname = "elsewhere.example.test";
	c = build(&w, 1, &o);
	cr_assert(has_problem(c, "hostname-mismatch", 0));
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, critical_extension_and_weak_signatures)
{
	const char *names[] = { "critext-leaf", "md5-leaf", "sha1-leaf", "int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(has_problem(c, "unsupported-critical-extension", 0));
	ck_chain_free(c);
	c = build(&w, 1, NULL);
	cr_assert(has_problem(c, "weak-signature", 0));
	cr_assert_not(c->valid, "MD5 breaks the chain");
	ck_chain_free(c);
	c = build(&w, 2, NULL);
	cr_assert(has_problem(c, "weak-signature", 0));
	cr_assert_not(c->valid, "SHA-1 breaks the chain under the modern profile");
	ck_chain_free(c);
	{
		struct ck_chain_opts o = { .at = 1893456000 };
		o.v.profile = CK_PROFILE_RFC5280;
		c = build(&w, 2, &o);
		cr_assert(has_problem(c, "weak-signature", 0));
		cr_assert(c->valid, "SHA-1 is a warning under rfc5280");
		ck_chain_free(c);
	}
	world_free(&w);
}

Test(chain, wrong_issuer_key_is_a_bad_signature)
{
	/* other-leaf claims an issuer name that root-ca does not have;
	 * int-ca-cross has int-ca's name but was signed by root2 */
	const char *names[] = { "int-ca-cross", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert_not(c->complete);
	cr_assert_not(c->issuer_present, "root2 is not in the pool");
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, signatures_are_verified_once)
{
	const char *names[] = { "client", "server", "int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	size_t after_first;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	ck_chain_free(c);
	after_first = ck_pool_verifications(w.pool);
	c = build(&w, 1, NULL);
	ck_chain_free(c);
	cr_assert_eq(ck_pool_verifications(w.pool), after_first + 1,
		     "only server → int-ca is new");
	world_free(&w);
}

Test(chain, duplicates_are_recorded)
{
	struct ck_pool *p = NULL;
	struct ck_cert *c = cert_of("client");
	size_t a, b;
	cr_assert_eq(ck_pool_new(&p), CK_OK);
	cr_assert_eq(ck_pool_add(p, c, CK_SRC_INPUT, false, "x", 0, &a), CK_OK);
	cr_assert_eq(ck_pool_add(p, c, CK_SRC_INPUT, false, "x", 1, &b), CK_OK);
	cr_assert_neq(a, b);
	cr_assert_eq(ck_pool_get(p, b)->duplicate_of, (int)a);
	cr_assert_eq(ck_pool_find(p, c), (long)a);
	/* a store copy of an input certificate makes it an anchor */
	cr_assert_eq(ck_pool_add(p, c, CK_SRC_TRUST, true, "store", -1, &b), CK_OK);
	cr_assert_eq(b, a);
	cr_assert(ck_pool_get(p, a)->anchor);
	ck_pool_free(p);
	ck_cert_free(c);
}

Test(chain, leaves_by_issuing)
{
	const char *names[] = { "root-ca", "client", "int-ca", "server", NULL };
	struct world w;
	bool issues[8];
	world_init(&w, names);
	ck_pool_input_issuers(w.pool, issues);
	cr_assert(issues[w.idx[0]]);
	cr_assert_not(issues[w.idx[1]]);
	cr_assert(issues[w.idx[2]]);
	cr_assert_not(issues[w.idx[3]]);
	world_free(&w);
}

Test(chain, wrong_key_candidate_is_skipped)
{
	/* int-ca-rekeyed has int-ca's name but another key: tried, refused,
	 * and the search goes on to int-ca */
	const char *names[] = { "client", "int-ca-rekeyed", "int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(c->trusted && c->valid);
	cr_assert_eq(c->path[1], w.idx[2]);
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, only_a_wrong_key_candidate_is_a_bad_signature)
{
	const char *names[] = { "client", "int-ca-rekeyed", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert_not(c->complete);
	cr_assert(c->issuer_present);
	cr_assert(has_problem(c, "bad-signature", 0));
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, expired_candidate_does_not_stop_the_search)
{
	/* same name and key: both verify the leaf; the valid one must win
	 * whichever comes first */
	const char *first[] = { "client", "int-ca-expired", "int-ca", "+root-ca", NULL };
	const char *second[] = { "client", "int-ca", "int-ca-expired", "+root-ca", NULL };
	const char *const *orders[] = { first, second };
	for (size_t o = 0; o < 2; o++) {
		struct world w;
		struct ck_chain *c;
		world_init(&w, orders[o]);
		c = build(&w, 0, NULL);
		cr_assert(c->valid, "order %zu", o);
		cr_assert_str_eq(ck_pool_get(w.pool, c->path[1])->cert->serial,
				 w.certs[o == 0 ? 2 : 1]->serial);
		ck_chain_free(c);
		world_free(&w);
	}
}

Test(chain, expired_intermediate_alone_is_reported)
{
	const char *names[] = { "client", "int-ca-expired", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert(c->trusted);
	cr_assert_not(c->valid);
	cr_assert(has_problem(c, "expired", 1));
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, loops_terminate)
{
	const char *names[] = { "loop-leaf", "loop-a", "loop-b", NULL };
	struct world w;
	struct ck_chain *c;
	world_init(&w, names);
	c = build(&w, 0, NULL);
	cr_assert_not(c->complete);
	cr_assert_eq(c->len, 3, "leaf, A, B and then A again is refused");
	ck_chain_free(c);
	world_free(&w);
}

Test(chain, depth_is_bounded)
{
	const char *names[] = { "client", "int-ca", "+root-ca", NULL };
	struct world w;
	struct ck_chain *c;
	struct ck_chain_opts o = { .at = 1893456000, .max_depth = 1 };
	world_init(&w, names);
	c = build(&w, 0, &o);
	cr_assert_not(c->complete);
	cr_assert_leq(c->len, 2);
	ck_chain_free(c);
	world_free(&w);
}
