/* revfetch: what is fetched for which certificate, each request once,
 * and failures recorded against their certificate — with the fixture
 * PKI's loopback URLs refused by an address rule, so no packet is sent
 * (the fetches that get an answer are tests/cli/chainview-revocation.sh,
 * in a network namespace). */
#include "config.h"

#include "libcore/revfetch.h"
#include "unit.h"

struct fixture {
	struct ck_cert *client, *revoked, *int_ca, *root;
	struct ck_crlset *crls;
	struct ck_net_cidr deny;
	struct ck_net_opts net;
};

static void setup(struct fixture *x)
{
	char why[200];
	memset(x, 0, sizeof *x);
	x->client = fx_cert("pki/client.der");
	x->revoked = fx_cert("pki/revoked-leaf.der");
	x->int_ca = fx_cert("pki/int-ca.der");
	x->root = fx_cert("pki/root-ca.der");
	cr_assert_eq(ck_crlset_new(&x->crls), CK_OK);
	cr_assert(ck_net_cidr_parse("127.0.0.0/8", &x->deny, why, sizeof why), "%s", why);
	x->net.deny = &x->deny;
	x->net.ndeny = 1;
	x->net.timeout_ms = 2000;
}

static void teardown(struct fixture *x)
{
	ck_cert_free(x->client);
	ck_cert_free(x->revoked);
	ck_cert_free(x->int_ca);
	ck_cert_free(x->root);
	ck_crlset_free(x->crls);
}

static void free_list(struct ck_rev_fetch *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].message);
	}
	free(v);
}

Test(revfetch, mode_decides_what_is_fetched_and_failures_are_kept)
{
	struct fixture x;
	struct ck_revfetch *f = NULL;
	const struct ck_cert *certs[2], *issuers[2];
	struct ck_rev_fetch *v = NULL;
	size_t n = 0;
	struct ck_error e;
	enum ck_rev_state st;
	int reason;
	time_t at;
	const char *url;

	setup(&x);
	ck_error_clear(&e);
	certs[0] = x.client, issuers[0] = x.int_ca;
	certs[1] = x.int_ca, issuers[1] = x.root;
	cr_assert_eq(ck_revfetch_new(&x.net, x.crls, CK_REVOCATION_ALL, &f), CK_OK);
	cr_assert_eq(ck_revfetch_run(f, certs, issuers, 2, 1893456000, &e), CK_OK, "%s", e.what);
	/* the client: its OCSP URL and its CRL, both refused before a socket */
	cr_assert_eq(ck_revfetch_list(f, x.client, x.int_ca, NULL, &v, &n), CK_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(v[0].kind, "ocsp");
	cr_assert_str_eq(v[0].url, "http://127.0.0.1:18081/");
	cr_assert_str_eq(v[0].result, "blocked-address", "%s: %s", v[0].result, v[0].message);
	cr_assert_str_eq(v[1].kind, "crl");
	cr_assert_str_eq(v[1].url, "http://127.0.0.1:18080/int-ca.crl");
	cr_assert_str_eq(v[1].result, "blocked-address");
	cr_assert(strstr(v[1].message, "127.0.0.1"), "%s", v[1].message);
	free_list(v, n);
	v = NULL, n = 0;
	/* the CA has no OCSP URL: its CRL only */
	cr_assert_eq(ck_revfetch_list(f, x.int_ca, x.root, NULL, &v, &n), CK_OK);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(v[0].url, "http://127.0.0.1:18080/root-ca.crl");
	free_list(v, n);
	v = NULL, n = 0;
	/* an OCSP request names the issuer: asked with another one, none */
	cr_assert_eq(ck_revfetch_list(f, x.client, x.root, "ocsp", &v, &n), CK_OK);
	cr_assert_eq(n, 0);
	cr_assert_not(ck_revfetch_ocsp(f, x.client, x.int_ca, &st, &reason, &at, &url));
	cr_assert_eq(ck_crlset_count(x.crls), 0);
	ck_revfetch_free(f);
	teardown(&x);
}

static void count(void *ctx, size_t done, size_t total)
{
	(void)done, (void)total;
	(*(size_t *)ctx)++;
}

Test(revfetch, each_request_once)
{
	struct fixture x;
	struct ck_revfetch *f = NULL;
	const struct ck_cert *c1[1], *i1[1];
	struct ck_rev_fetch *v = NULL;
	size_t n = 0, requests = 0;
	struct ck_error e;

	setup(&x);
	ck_error_clear(&e);
	x.net.progress = count;
	x.net.progress_ctx = &requests;
	cr_assert_eq(ck_revfetch_new(&x.net, x.crls, CK_REVOCATION_CRL, &f), CK_OK);
	c1[0] = x.client, i1[0] = x.int_ca;
	cr_assert_eq(ck_revfetch_run(f, c1, i1, 1, 1893456000, &e), CK_OK);
	cr_assert_eq(requests, 1);
	cr_assert_eq(ck_revfetch_run(f, c1, i1, 1, 1893456000, &e), CK_OK);
	cr_assert_eq(requests, 1, "asked again");
	/* another certificate naming the same CRL URL shares the fetch */
	c1[0] = x.revoked;
	cr_assert_eq(ck_revfetch_run(f, c1, i1, 1, 1893456000, &e), CK_OK);
	cr_assert_eq(requests, 1, "the same URL fetched twice");
	cr_assert_eq(ck_revfetch_list(f, x.client, x.int_ca, NULL, &v, &n), CK_OK);
	cr_assert_eq(n, 1, "crl mode asks no OCSP responder");
	cr_assert_str_eq(v[0].kind, "crl");
	cr_assert_eq(ck_revfetch_list(f, x.revoked, x.int_ca, NULL, &v, &n), CK_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(v[1].url, v[0].url);
	free_list(v, n);
	ck_revfetch_free(f);
	ck_revfetch_free(NULL);
	teardown(&x);
}
