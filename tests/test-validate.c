/* validate: every row of the rule table (libcore/validate.c) broken by a
 * certificate of fixtures/validate (gen-validate.sh) and passed by
 * another, under each profile, through the path builder; the profile
 * and revocation-mode names; the trace; the §6.1.6 outputs; and the
 * finding registry holding every code the validator can emit. */
#include "config.h"

#include "libcore/chain.h"
#include "libcore/checks.h"
#include "libcore/crl.h"
#include "libcore/validate.h"
#include "unit.h"

#include <ctype.h>
#include <gnutls/x509.h>
#include <time.h>

#define AT 1893456000 /* 2030-01-01 */
#define P1 "2.999.1"
#define P2 "2.999.2"

/* ---------------------------------------------------------------- */
/* fixtures: every certificate of fixtures/validate, loaded once */

struct fixture {
	const char *name;
	struct ck_bundle *b;
};

static struct fixture loaded[128];
static size_t nloaded;

/* Certificates made here with GnuTLS, for rows added after
 * fixtures/validate was generated (gen-validate.sh makes new keys for
 * every file): "gen-root", a self-signed CA, and leaves it issues, each
 * a good webpki leaf but for one extension (the breaking cases come from
 * x509-limbo: rfc5280::eku::ee-eku-empty, rfc5280::ee-critical-aia-invalid,
 * rfc5280::nc::not-allowed-in-ee-critical, webpki::ee-basicconstraints-ca). */
static const struct gen_spec {
	const char *name;
	const char *oid;     /* an extension added as it is, or NULL */
	bool critical;
	const char *hex;     /* its value */
	bool no_eku;         /* leave out the serverAuth extended key usage */
	bool ca;             /* basicConstraints cA TRUE (keyUsage unchanged) */
} gen_specs[] = {
	{ "gen-good", NULL, false, NULL, false, false },
	/* extKeyUsage SEQUENCE {} */
	{ "gen-eku-empty", "2.5.29.37", false, "3000", true, false },
	/* caIssuers http://a.test/c, critical and not */
	{ "gen-aia-critical", "1.3.6.1.5.5.7.1.1", true,
	  "301d301b06082b06010505073002860f687474703a2f2f612e746573742f63", false, false },
	{ "gen-aia", "1.3.6.1.5.5.7.1.1", false,
	  "301d301b06082b06010505073002860f687474703a2f2f612e746573742f63", false, false },
	/* permitted dNSName gen.test, in a leaf */
	{ "gen-nc-leaf", "2.5.29.30", true, "300ea00c300a820867656e2e74657374", false, false },
	/* cA TRUE, keyUsage digitalSignature only */
	{ "gen-leaf-ca", NULL, false, NULL, false, true },
};

static gnutls_x509_privkey_t gen_key;
static gnutls_x509_crt_t gen_root;
static struct ck_cert *gen_loaded[16];
static const char *gen_names[16];
static size_t ngen;

static struct ck_cert *gen_export(gnutls_x509_crt_t crt)
{
	gnutls_datum_t out = { NULL, 0 };
	struct ck_cert *c = NULL;
	struct ck_error err;

	cr_assert_geq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &out), 0);
	ck_error_clear(&err);
	cr_assert_eq(ck_cert_from_der(out.data, out.size, &c, &err), CK_OK, "%s", err.what);
	gnutls_free(out.data);
	return c;
}

static gnutls_x509_crt_t gen_cert(const char *dn, unsigned char serial)
{
	gnutls_x509_crt_t crt;
	unsigned char id[20];
	size_t idlen = sizeof id;

	if (!gen_key) {
		cr_assert_geq(gnutls_x509_privkey_init(&gen_key), 0);
		cr_assert_geq(gnutls_x509_privkey_generate(
				      gen_key, GNUTLS_PK_ECDSA,
				      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
			      0);
	}
	cr_assert_geq(gnutls_x509_crt_init(&crt), 0);
	cr_assert_geq(gnutls_x509_crt_set_version(crt, 3), 0);
	cr_assert_geq(gnutls_x509_crt_set_serial(crt, &serial, 1), 0);
	cr_assert_geq(gnutls_x509_crt_set_activation_time(crt, 1577836800), 0); /* 2020 */
	cr_assert_geq(gnutls_x509_crt_set_expiration_time(crt, 3155760000), 0); /* 2070 */
	cr_assert_geq(gnutls_x509_crt_set_dn(crt, dn, NULL), 0);
	cr_assert_geq(gnutls_x509_crt_set_key(crt, gen_key), 0);
	cr_assert_geq(gnutls_x509_privkey_get_key_id(gen_key, 0, id, &idlen), 0);
	cr_assert_geq(gnutls_x509_crt_set_subject_key_id(crt, id, idlen), 0);
	if (gen_root)
		cr_assert_geq(gnutls_x509_crt_set_authority_key_id(crt, id, idlen), 0);
	return crt;
}

static struct ck_cert *gen_fixture(const char *name)
{
	const struct gen_spec *g = NULL;
	gnutls_x509_crt_t crt;
	struct ck_cert *c;
	unsigned char ext[128];
	size_t n = 0;

	for (size_t i = 0; i < ngen; i++)
		if (!strcmp(gen_names[i], name))
			return gen_loaded[i];
	cr_assert_lt(ngen, sizeof gen_loaded / sizeof gen_loaded[0]);
	if (!gen_root) {
		crt = gen_cert("O=chainkit tests,CN=validate gen root", 1);
		cr_assert_geq(gnutls_x509_crt_set_basic_constraints(crt, 1, -1), 0);
		cr_assert_geq(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN |
									 GNUTLS_KEY_CRL_SIGN),
			      0);
		cr_assert_geq(gnutls_x509_crt_sign2(crt, crt, gen_key, GNUTLS_DIG_SHA256, 0), 0);
		gen_root = crt;
	}
	if (!strcmp(name, "gen-root")) {
		c = gen_export(gen_root);
		goto out;
	}
	for (size_t i = 0; i < sizeof gen_specs / sizeof gen_specs[0]; i++)
		if (!strcmp(gen_specs[i].name, name))
			g = &gen_specs[i];
	cr_assert_not_null(g, "no generated fixture %s", name);
	crt = gen_cert("O=chainkit tests,CN=gen.test", (unsigned char)(2 + ngen));
	cr_assert_geq(gnutls_x509_crt_set_basic_constraints(crt, g->ca, -1), 0);
	cr_assert_geq(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE), 0);
	cr_assert_geq(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "gen.test", 8,
							   GNUTLS_FSAN_SET),
		      0);
	if (!g->no_eku)
		cr_assert_geq(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
			      0);
	if (g->oid) {
		for (const char *h = g->hex; h[0] && h[1] && n < sizeof ext; h += 2)
			sscanf(h, "%2hhx", &ext[n++]);
		cr_assert_geq(gnutls_x509_crt_set_extension_by_oid(crt, g->oid, ext, n, g->critical),
			      0);
	}
	cr_assert_geq(gnutls_x509_crt_sign2(crt, gen_root, gen_key, GNUTLS_DIG_SHA256, 0), 0);
	c = gen_export(crt);
	gnutls_x509_crt_deinit(crt);
out:
	gen_names[ngen] = name;
	gen_loaded[ngen++] = c;
	return c;
}

static struct ck_cert *fixture(const char *name)
{
	char rel[128];
	struct ck_error err;

	if (!strncmp(name, "gen-", 4))
		return gen_fixture(name);
	for (size_t i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i].name, name))
			return loaded[i].b->certs[0];
	cr_assert_lt(nloaded, sizeof loaded / sizeof loaded[0]);
	snprintf(rel, sizeof rel, "validate/%s.crt", name);
	cr_assert_eq(fx_load(rel, NULL, &loaded[nloaded].b, &err), CK_OK, "%s: %s", rel, err.what);
	cr_assert_eq(loaded[nloaded].b->ncerts, 1, "%s", rel);
	loaded[nloaded].name = name;
	return loaded[nloaded++].b->certs[0];
}

static void fixtures_free(void)
{
	for (size_t i = 0; i < nloaded; i++)
		ck_bundle_free(loaded[i].b);
	nloaded = 0;
	for (size_t i = 0; i < ngen; i++)
		ck_cert_free(gen_loaded[i]);
	ngen = 0;
	if (gen_root)
		gnutls_x509_crt_deinit(gen_root);
	gen_root = NULL;
	gnutls_x509_privkey_deinit(gen_key);
	gen_key = NULL;
}

static struct ck_crlset *crls_of(const char *names)
{
	struct ck_crlset *s = NULL;
	char buf[256], *save = NULL;

	cr_assert_eq(ck_crlset_new(&s), CK_OK);
	snprintf(buf, sizeof buf, "%s", names);
	for (char *n = strtok_r(buf, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
		char rel[128];
		size_t len = 0;
		unsigned char *d;
		struct ck_error err;
		snprintf(rel, sizeof rel, "validate/%s.crl", n);
		d = fx_read(rel, &len);
		ck_error_clear(&err);
		cr_assert_eq(ck_crlset_add(s, d, len, n, &err), CK_OK, "%s: %s", rel, err.what);
		free(d);
	}
	return s;
}

/* ---------------------------------------------------------------- */
/* a path built by the builder: the input certificates (leaf first) and
 * one trust anchor */

struct run {
	struct ck_pool *pool;
	size_t idx[8];
	struct ck_crlset *crls;
	struct ck_chain *chain;
};

struct opts {
	const char *purpose;   /* "client", "server" or NULL */
	const char *hostname;
	int max_depth;         /* -1: no --max-depth */
	const char *policy;    /* one --policy, or NULL */
	bool explicit_policy;
	const char *crls;      /* space-separated CRL fixtures; implies revocation */
	bool revocation;       /* --revocation crl without CRL files */
	bool require;
};

static const struct opts none = { .max_depth = -1 };

static void run_build(struct run *r, const char *anchor, const char *const *certs,
		      enum ck_profile profile, const struct opts *o)
{
	struct ck_chain_opts co = { .at = AT };
	const char *policies[1];
	struct ck_error err;
	size_t n = 0;

	memset(r, 0, sizeof *r);
	cr_assert_eq(ck_pool_new(&r->pool), CK_OK);
	for (; certs[n]; n++)
		cr_assert_eq(ck_pool_add(r->pool, fixture(certs[n]), CK_SRC_INPUT, false, "input",
					 (int)n, &r->idx[n]),
			     CK_OK);
	if (anchor)
		cr_assert_eq(ck_pool_add(r->pool, fixture(anchor), CK_SRC_TRUST, true, "test-store",
					 -1, NULL),
			     CK_OK);
	co.v.profile = profile;
	if (o->purpose)
		co.purpose = !strcmp(o->purpose, "client") ? CK_OID_EKU_CLIENT : CK_OID_EKU_SERVER;
	co.hostname = o->hostname;
	if (o->max_depth >= 0) {
		co.v.depth_limited = true;
		co.v.max_intermediates = (unsigned)o->max_depth;
	}
	if (o->policy) {
		policies[0] = o->policy;
		co.v.policies = policies;
		co.v.npolicies = 1;
	}
	co.v.explicit_policy = o->explicit_policy;
	if (o->crls) {
		r->crls = crls_of(o->crls);
		co.v.crls = r->crls;
	}
	if (o->crls || o->revocation)
		co.v.revocation = CK_REVOCATION_CRL;
	co.v.require_revocation = o->require;
	ck_error_clear(&err);
	cr_assert_eq(ck_chain_build(r->pool, r->idx[0], &co, &r->chain, &err), CK_OK, "%s",
		     err.what);
}

static void run_free(struct run *r)
{
	ck_chain_free(r->chain);
	ck_crlset_free(r->crls);
	ck_pool_free(r->pool);
}

/* "e:code@pos" / "w:code@pos" words, sorted, space-separated */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sorted_words(char **w, size_t n, char *out, size_t size)
{
	size_t used = 0;
	qsort(w, n, sizeof *w, cmp_str);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s",
					 i ? " " : "", w[i]);
}

static void problems_string(const struct ck_chain *c, char *out, size_t size)
{
	char *w[64];
	size_t n = 0;
	for (size_t i = 0; i < c->nproblems && n < 64; i++) {
		char buf[128];
		snprintf(buf, sizeof buf, "%c:%s@%zu", c->problems[i].warning ? 'w' : 'e',
			 c->problems[i].code, c->problems[i].pos);
		w[n++] = strdup(buf);
	}
	sorted_words(w, n, out, size);
	for (size_t i = 0; i < n; i++)
		free(w[i]);
}

static void normalize(const char *in, char *out, size_t size)
{
	char buf[512], *w[64], *save = NULL;
	size_t n = 0;
	snprintf(buf, sizeof buf, "%s", in);
	for (char *t = strtok_r(buf, " ", &save); t && n < 64; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	sorted_words(w, n, out, size);
}

/* ---------------------------------------------------------------- */
/* the table */

#define ALL3(s) { s, s, s }

struct vcase {
	const char *name;
	const char *anchor;
	const char *certs[5];   /* input, leaf first */
	struct opts o;
	/* the chain's problems under modern, rfc5280, webpki (enum order) */
	const char *expect[3];
	const char *msg;        /* a substring of some problem's message, or NULL */
};

#define O(...) { .max_depth = -1, __VA_ARGS__ }

static const struct vcase cases[] = {
	/* expired (and not-yet-valid) */
	{ "good", "root", { "good", "ca" }, O(), ALL3(""), NULL },
	{ "expired leaf", "root", { "expired", "ca" }, O(), ALL3("e:expired@0"),
	  "CN=expired.validate.test,O=chainkit tests expired on 2002-01-01T00:00:00Z" },
	{ "not yet valid leaf", "root", { "future", "ca" }, O(), ALL3("e:not-yet-valid@0"),
	  "is not valid before 2090-01-01T00:00:00Z" },
	/* unsupported-critical-extension */
	{ "unknown critical extension", "root", { "critext", "ca" }, O(),
	  ALL3("e:unsupported-critical-extension@0"),
	  "has a critical extension 1.3.6.1.4.1.55555.9.1 that is not understood" },
	{ "unknown non-critical extension", "root", { "noncritext", "ca" }, O(), ALL3(""), NULL },
	/* duplicate-extension */
	{ "duplicate extension", "root", { "dupext", "ca" }, O(),
	  ALL3("e:duplicate-extension@0"), "has the extension 1.3.6.1.4.1.55555.9.1 more than once" },
	/* critical-key-identifier */
	{ "critical AKI", "root", { "critaki", "ca" }, O(), ALL3("e:critical-key-identifier@0"),
	  "marks its authorityKeyIdentifier critical" },
	{ "critical SKI", "root", { "critski", "ca" }, O(), ALL3("e:critical-key-identifier@0"),
	  "marks its subjectKeyIdentifier critical" },
	/* malformed-certificate: an empty extKeyUsage (x509-limbo) */
	{ "generated good leaf", "gen-root", { "gen-good" }, O(.purpose = "server"), ALL3(""), NULL },
	{ "empty extKeyUsage", "gen-root", { "gen-eku-empty" }, O(),
	  ALL3("e:malformed-certificate@0"),
	  "has an extended key usage that lists no purpose" },
	/* extension-misuse (x509-limbo) */
	{ "critical authorityInfoAccess", "gen-root", { "gen-aia-critical" }, O(),
	  ALL3("e:extension-misuse@0"), "marks its authorityInfoAccess critical" },
	{ "non-critical authorityInfoAccess", "gen-root", { "gen-aia" }, O(), ALL3(""), NULL },
	{ "nameConstraints in a leaf", "gen-root", { "gen-nc-leaf" }, O(),
	  ALL3("e:extension-misuse@0"), "is not a CA but has name constraints" },
	/* leaf-is-ca (webpki; x509-limbo webpki::ee-basicconstraints-ca) */
	{ "CA as the leaf", "gen-root", { "gen-leaf-ca" }, O(), { "", "", "e:leaf-is-ca@0" },
	  "is a CA (basicConstraints cA TRUE) used as the leaf" },
	/* empty-name */
	{ "empty subject, SAN not critical", "root", { "emptysubj", "ca" }, O(),
	  ALL3("e:empty-name@0"), "certificate [0] has an empty subject and no critical subjectAltName" },
	{ "empty subject, critical SAN", "root", { "emptysubj-critsan", "ca" }, O(), ALL3(""), NULL },
	{ "empty issuer", "root", { "emptyissuer", "ca-emptysubj" }, O(),
	  ALL3("e:empty-name@0 e:empty-name@1"), "has an empty issuer name" },
	/* not-a-ca: ca-missing-basic-constraints, not-a-ca, ca-key-usage */
	{ "v1 intermediate", "root", { "v1ca-leaf", "ca-v1" }, O(),
	  { "e:ca-missing-basic-constraints@1", "e:ca-missing-basic-constraints@1",
	    /* ca-v1 has neither an AKI nor an SKI: two problems */
	    "e:ca-missing-basic-constraints@1 e:old-version@1 e:missing-key-identifier@0 "
	    "e:missing-key-identifier@1 e:missing-key-identifier@1" },
	  "CN=validate ca-v1,O=chainkit tests is a version 1 certificate and issues certificates" },
	{ "v1 trust anchor", "root-v1", { "v1root-leaf" }, O(), ALL3(""), NULL },
	{ "intermediate without basicConstraints", "root", { "nobc-leaf", "ca-nobc" }, O(),
	  ALL3("e:ca-missing-basic-constraints@1"), "issues certificates but has no basicConstraints" },
	{ "CA:FALSE issuer", "root", { "false-leaf", "ca-false" }, O(), ALL3("e:not-a-ca@1"),
	  "is not a CA (CA:FALSE)" },
	{ "CA without keyCertSign", "root", { "noku-leaf", "ca-noku" }, O(), ALL3("e:ca-key-usage@1"),
	  "its key usage lacks keyCertSign" },
	{ "CA without keyUsage", "root", { "nokuext-leaf", "ca-nokuext" }, O(), ALL3(""), NULL },
	/* leaf-key-cert-sign */
	{ "EE with keyCertSign", "root", { "kcs", "ca" }, O(), ALL3("e:leaf-key-cert-sign@0"),
	  "asserts keyCertSign without being a CA" },
	/* path-length-exceeded */
	{ "pathLen 0, one CA below", "root", { "pl0-sub-leaf", "ca-pl0-sub", "ca-pl0" }, O(),
	  ALL3("e:path-length-exceeded@2"), "allows 0 intermediate CA(s) below it (pathLen), the path has 1" },
	{ "pathLen 0, a self-issued CA below", "root", { "pl0-si-leaf", "ca-pl0-si", "ca-pl0" }, O(),
	  ALL3(""), NULL },
	{ "pathLen 0, leaf directly", "root", { "pl0-direct", "ca-pl0" }, O(), ALL3(""), NULL },
	/* max-depth-exceeded */
	{ "two intermediates", "root", { "deep", "ca-sub", "ca" }, O(), ALL3(""), NULL },
	{ "two intermediates, --max-depth 1", "root", { "deep", "ca-sub", "ca" }, O(.max_depth = 1),
	  ALL3("e:max-depth-exceeded@3"), "the path has 2 intermediate certificate(s); at most 1 allowed" },
	{ "two intermediates, --max-depth 2", "root", { "deep", "ca-sub", "ca" }, O(.max_depth = 2),
	  ALL3(""), NULL },
	{ "one intermediate, --max-depth 0", "root", { "good", "ca" }, O(.max_depth = 0),
	  ALL3("e:max-depth-exceeded@2"), "at most 0 allowed" },
	/* name-constraints-violation, name-constraints-malformed */
	{ "DNS within constraints", "root", { "nc-ok", "ca-nc" }, O(), ALL3(""), NULL },
	{ "DNS outside constraints", "root", { "nc-bad", "ca-nc" }, O(),
	  ALL3("e:name-constraints-violation@0"), "evil.validate.test" },
	{ "host name only in the CN, outside", "root", { "nc-cnonly", "ca-nc" }, O(),
	  { "e:name-constraints-violation@0", "",
	    "e:name-constraints-violation@0 e:leaf-missing-san@0" }, NULL },
	{ "malformed name constraints", "root", { "ncbad-leaf", "ca-ncbad" }, O(),
	  ALL3("e:name-constraints-malformed@1"),
	  "the name constraints of CN=validate ca-ncbad,O=chainkit tests cannot be used" },
	/* policy-violation */
	{ "policy asked and asserted", "root", { "pol-leaf", "ca-pol" },
	  O(.policy = P1, .explicit_policy = true), ALL3(""), NULL },
	{ "policy asked, another asserted", "root", { "pol-leaf", "ca-pol" },
	  O(.policy = P2, .explicit_policy = true), ALL3("e:policy-violation@0"), "2.999.2" },
	{ "policy asked, not explicit", "root", { "pol-leaf", "ca-pol" }, O(.policy = P2), ALL3(""),
	  NULL },
	{ "explicit policy, CA without policies", "root", { "good", "ca" },
	  O(.explicit_policy = true), ALL3("e:policy-violation@1"), "has no certificatePolicies" },
	/* purpose-mismatch (leaf) */
	{ "clientAuth leaf, --purpose client", "root", { "client", "ca" }, O(.purpose = "client"),
	  ALL3(""), NULL },
	{ "clientAuth leaf, --purpose server", "root", { "client", "ca" }, O(.purpose = "server"),
	  ALL3("e:purpose-mismatch@0"), "does not allow the purpose server authentication" },
	/* purpose-mismatch (intermediate, modern and webpki) */
	{ "serverAuth CA, --purpose client", "root", { "ekuserver-client", "ca-ekuserver" },
	  O(.purpose = "client"), { "e:purpose-mismatch@1", "", "e:purpose-mismatch@1" },
	  "restricts its extended key usage and does not allow client authentication" },
	{ "serverAuth CA, --purpose server", "root", { "ekuserver-client", "ca-ekuserver" },
	  O(.purpose = "server"), ALL3("e:purpose-mismatch@0"), NULL },
	/* hostname-mismatch */
	{ "host name in the SAN", "root", { "good", "ca" }, O(.hostname = "good.validate.test"),
	  ALL3(""), NULL },
	{ "another host name", "root", { "good", "ca" }, O(.hostname = "other.validate.test"),
	  ALL3("e:hostname-mismatch@0"), "does not match the host name other.validate.test" },
	{ "host name only in the CN", "root", { "nosan", "ca" },
	  O(.hostname = "nosan.validate.test"),
	  { "", "", "e:hostname-mismatch@0 e:leaf-missing-san@0" },
	  NULL },
	/* weak-signature: MD5 */
	{ "MD5-signed leaf", "root", { "md5", "ca-rsa" }, O(), ALL3("e:weak-signature@0"),
	  "is signed with a broken hash" },
	{ "SHA-256 under the RSA CA", "root", { "rsa-sha256", "ca-rsa" }, O(), ALL3(""), NULL },
	/* weak-signature: SHA-1 */
	{ "SHA-1-signed leaf", "root", { "sha1", "ca-rsa" }, O(),
	  { "e:weak-signature@0", "w:weak-signature@0", "e:weak-signature@0" }, "is signed with SHA-1" },
	{ "SHA-1-signed intermediate", "root", { "sha1ca-leaf", "ca-sha1" }, O(),
	  { "e:weak-signature@1", "w:weak-signature@1", "e:weak-signature@1" }, NULL },
	{ "SHA-1-signed intermediate as the anchor", "ca-sha1", { "sha1ca-leaf" }, O(), ALL3(""),
	  NULL },
	{ "SHA-1 self-signed root", "root-sha1", { "sha1root-leaf" }, O(), ALL3(""), NULL },
	/* dsa-signature */
	{ "DSA-signed leaf", "root", { "dsa-signed", "ca-dsa" }, O(),
	  { "e:dsa-signature@0", "", "e:dsa-signature@0" }, "is signed with DSA" },
	/* key-too-small */
	{ "RSA 1024 leaf", "root", { "rsa1024", "ca" }, O(),
	  { "e:key-too-small@0", "", "e:key-too-small@0" }, "has a 1024-bit RSA key" },
	{ "P-192 leaf", "root", { "p192", "ca" }, O(), { "e:key-too-small@0", "", "e:key-too-small@0" },
	  "(192 bits); at least 224 bits are required" },
	{ "P-224 leaf", "root", { "p224", "ca" }, O(), ALL3(""), NULL },
	{ "RSA 2048 leaf", "root", { "rsa2048", "ca" }, O(), ALL3(""), NULL },
	/* missing-key-identifier (webpki) */
	{ "leaf without AKI", "root", { "noaki", "ca" }, O(),
	  { "", "", "e:missing-key-identifier@0" }, NULL },
	{ "CA without SKI", "root", { "noski-leaf", "ca-noski" }, O(),
	  { "", "", "e:missing-key-identifier@1" }, NULL },
	/* bad-serial (webpki) */
	{ "20-octet serial", "root", { "serial20", "ca" }, O(), ALL3(""), NULL },
	{ "21-octet serial", "root", { "serial21", "ca" }, O(), { "", "", "e:bad-serial@0" }, NULL },
	{ "zero serial", "root", { "serial0", "ca" }, O(), { "", "", "e:bad-serial@0" }, NULL },
	{ "negative serial", "root", { "negserial", "ca" }, O(), { "", "", "e:bad-serial@0" }, NULL },
	/* leaf-missing-san, leaf-missing-eku, old-version (webpki) */
	{ "leaf without SAN", "root", { "nosan", "ca" }, O(), { "", "", "e:leaf-missing-san@0" },
	  NULL },
	{ "leaf without EKU", "root", { "noeku", "ca" }, O(), { "", "", "e:leaf-missing-eku@0" },
	  NULL },
	{ "leaf with anyExtendedKeyUsage only", "root", { "anyeku", "ca" }, O(),
	  { "", "", "e:leaf-missing-eku@0" }, NULL },
	{ "v1 leaf", "root", { "v1leaf", "ca" }, O(),
	  { "", "",
	    "e:old-version@0 e:leaf-missing-san@0 e:leaf-missing-eku@0 e:missing-key-identifier@0" },
	  NULL },
	/* basic-constraints-not-critical (webpki) */
	{ "CA with non-critical BC", "root", { "bcnc-leaf", "ca-bcnc" }, O(),
	  { "", "", "e:basic-constraints-not-critical@1" }, NULL },
	{ "root with non-critical BC", "root-bcnc", { "bcncroot-leaf" }, O(),
	  { "", "", "e:basic-constraints-not-critical@1" }, NULL },
	/* revoked, revocation-unknown */
	{ "revoked leaf", "root", { "revoked", "ca" }, O(.crls = "ca root"), ALL3("e:revoked@0"),
	  "CN=revoked.validate.test,O=chainkit tests was revoked on 2021-01-01T00:00:00Z, reason keyCompromise" },
	{ "good leaf, both CRLs", "root", { "good", "ca" }, O(.crls = "ca root"), ALL3(""), NULL },
	{ "good leaf, no CRL for the CA", "root", { "good", "ca" }, O(.crls = "ca"),
	  ALL3("w:revocation-unknown@1"), "the revocation status of CN=validate ca,O=chainkit tests is unknown" },
	{ "good leaf, no CRL for the CA, required", "root", { "good", "ca" },
	  O(.crls = "ca", .require = true), ALL3("e:revocation-unknown@1"), NULL },
	{ "expired CRL", "root", { "good", "ca" }, O(.crls = "ca-expired root"),
	  ALL3("w:revocation-unknown@0"), NULL },
	{ "expired CRL, required", "root", { "revoked", "ca" },
	  O(.crls = "ca-expired root", .require = true), ALL3("e:revocation-unknown@0"), NULL },
	{ "revocation without CRLs", "root", { "good", "ca" }, O(.revocation = true),
	  ALL3("w:revocation-unknown@0 w:revocation-unknown@1"), "no CRL was given (--crl-file)" },
	/* the builder leaves a path that breaks a rule for the next one */
	{ "same name and key without keyCertSign first", "root", { "good", "ca-samekey-noku", "ca" },
	  O(), ALL3(""), NULL },
	{ "same name, another key first", "root", { "noaki", "ca-rekeyed", "ca" }, O(),
	  { "", "", "e:missing-key-identifier@0" }, NULL },
};

static const char *const profile_names[] = { "modern", "rfc5280", "webpki" };

/* Run one case under one profile; the codes seen are added to `seen`
 * (a space-separated list, for the coverage test). */
static void check_case(const struct vcase *k, enum ck_profile p, char *seen, size_t seen_size)
{
	struct run r;
	char got[512], want[512];
	bool msg_found = false, errors = false;

	run_build(&r, k->anchor, k->certs, p, &k->o);
	problems_string(r.chain, got, sizeof got);
	normalize(k->expect[p], want, sizeof want);
	cr_expect_str_eq(got, want, "%s [%s]: problems '%s', expected '%s'", k->name,
			 profile_names[p], got, want);
	cr_expect(r.chain->trusted, "%s [%s]: not trusted", k->name, profile_names[p]);
	for (size_t i = 0; i < r.chain->nproblems; i++) {
		const struct ck_chain_problem *pb = &r.chain->problems[i];
		errors = errors || !pb->warning;
		if (k->msg && strstr(pb->message, k->msg))
			msg_found = true;
		cr_expect(pb->message && *pb->message && !strchr(pb->message, '\n'),
			  "%s: a message that is not one line", k->name);
		if (seen && strlen(seen) + strlen(pb->code) + 2 < seen_size) {
			strcat(seen, " ");
			strcat(seen, pb->code);
		}
	}
	cr_expect_eq(r.chain->valid, !errors, "%s [%s]: valid %d with errors %d", k->name,
		     profile_names[p], r.chain->valid, errors);
	cr_expect_eq(r.chain->profile, p);
	if (k->msg && strstr(k->expect[p], "e:"))
		cr_expect(msg_found, "%s [%s]: no message holds '%s'", k->name, profile_names[p],
			  k->msg);
	run_free(&r);
}

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *s = strstr(list, word); s; s = strstr(s + 1, word))
		if ((s == list || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0'))
			return true;
	return false;
}

/* Every case under every profile; then every row's code must have been
 * produced by some case under a profile of the row. */
Test(validate, rule_table_cases)
{
	static char seen[3][8192];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (int p = CK_PROFILE_MODERN; p <= CK_PROFILE_WEBPKI; p++)
			check_case(&cases[i], (enum ck_profile)p, seen[p], sizeof seen[p]);
	for (size_t r = 0; r < ck_validate_rule_count(); r++) {
		const struct ck_validate_rule *row = ck_validate_rule_at(r);
		bool broken = false;
		for (int p = 0; p < 3; p++)
			if (row->profiles & CK_PROFILE_BIT(p))
				broken = broken || word_in(seen[p], ck_finding_name(row->finding));
		cr_expect(broken, "no fixture breaks the rule '%s' (%s)", ck_finding_name(row->finding),
			  row->what);
	}
	/* the codes the rows' functions produce besides the row's own */
	cr_expect(word_in(seen[0], "not-yet-valid"));
	cr_expect(word_in(seen[0], "ca-missing-basic-constraints"));
	cr_expect(word_in(seen[0], "ca-key-usage"));
	cr_expect(word_in(seen[0], "revocation-unknown"));
	fixtures_free();
}

/* ---------------------------------------------------------------- */
/* the table and the registry */

static bool registered(const char *code)
{
	enum ck_finding_id id;
	return ck_finding_lookup(code, &id) && (ck_finding_def(id)->where & CK_FINDING_CHAINVIEW);
}

Test(validate, table_rows_are_sound)
{
	size_t n = ck_validate_rule_count();
	cr_assert_gt(n, 20);
	cr_expect_null(ck_validate_rule_at(n));
	for (size_t i = 0; i < n; i++) {
		const struct ck_validate_rule *r = ck_validate_rule_at(i);
		cr_assert_not_null(r);
		const char *code = ck_finding_name(r->finding);
		cr_expect(*code, "row %zu has no code", i);
		cr_expect(r->what && *r->what && r->source && *r->source, "row %zu (%s)", i, code);
		cr_expect(registered(code), "row %zu: code '%s' is not a chainview code of the registry", i,
			  code);
		cr_expect(r->profiles && !(r->profiles & ~CK_PROFILES_ALL), "row %zu: profiles %u", i,
			  r->profiles);
		/* modern is rfc5280 plus rows, webpki is modern plus rows */
		if (r->profiles & CK_PROFILE_BIT(CK_PROFILE_RFC5280))
			cr_expect(r->profiles & CK_PROFILE_BIT(CK_PROFILE_MODERN), "row %zu (%s)", i,
				  code);
		if (r->profiles & CK_PROFILE_BIT(CK_PROFILE_MODERN))
			cr_expect(r->profiles & CK_PROFILE_BIT(CK_PROFILE_WEBPKI), "row %zu (%s)", i,
				  code);
	}
}

/* ---------------------------------------------------------------- */
/* names */

Test(validate, profile_names)
{
	enum ck_profile p = CK_PROFILE_WEBPKI;
	static const char *const bad[] = { "", "Modern", "modern ", "rfc", "RFC5280", "web", "none" };

	for (int i = CK_PROFILE_MODERN; i <= CK_PROFILE_WEBPKI; i++) {
		cr_assert(ck_profile_parse(profile_names[i], &p), "%s", profile_names[i]);
		cr_expect_eq(p, (enum ck_profile)i);
		cr_expect_str_eq(ck_profile_name((enum ck_profile)i), profile_names[i]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = CK_PROFILE_WEBPKI;
		cr_expect_not(ck_profile_parse(bad[i], &p), "'%s' parsed", bad[i]);
		cr_expect_eq(p, CK_PROFILE_WEBPKI, "'%s' changed the output", bad[i]);
	}
	/* the zero value is the default profile */
	cr_expect_str_eq(ck_profile_name((enum ck_profile)0), "modern");
}

Test(validate, revocation_mode_names)
{
	static const char *const names[] = { "off", "crl", "ocsp", "all" };
	static const char *const bad[] = { "", "CRL", "on", "none", "crl,ocsp", "off " };
	enum ck_revocation_mode m = CK_REVOCATION_ALL;

	for (int i = CK_REVOCATION_OFF; i <= CK_REVOCATION_ALL; i++) {
		cr_assert(ck_revocation_mode_parse(names[i], &m), "%s", names[i]);
		cr_expect_eq(m, (enum ck_revocation_mode)i);
		cr_expect_str_eq(ck_revocation_mode_name((enum ck_revocation_mode)i), names[i]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		m = CK_REVOCATION_ALL;
		cr_expect_not(ck_revocation_mode_parse(bad[i], &m), "'%s' parsed", bad[i]);
		cr_expect_eq(m, CK_REVOCATION_ALL);
	}
	cr_expect_str_eq(ck_rev_state_name(CK_REVSTATE_NOT_CHECKED), "not-checked");
	cr_expect_str_eq(ck_rev_state_name(CK_REVSTATE_GOOD), "good");
	cr_expect_str_eq(ck_rev_state_name(CK_REVSTATE_REVOKED), "revoked");
	cr_expect_str_eq(ck_rev_state_name(CK_REVSTATE_UNKNOWN), "unknown");
}

/* ---------------------------------------------------------------- */
/* ck_validate() on paths given directly */

static enum ck_status validate_path(const char *const *names, bool trusted, bool self_signed_top,
				    bool complete, const struct ck_validate_opts *o,
				    struct ck_problems *ps, struct ck_validation *v)
{
	const struct ck_cert *certs[8];
	struct ck_validate_path vp = { 0 };
	size_t n = 0;

	for (; names[n]; n++)
		certs[n] = fixture(names[n]);
	vp.certs = certs;
	vp.len = n;
	vp.trusted = trusted;
	vp.self_signed_top = self_signed_top;
	vp.complete = complete;
	vp.at = AT;
	memset(ps, 0, sizeof *ps);
	memset(v, 0, sizeof *v);
	return ck_validate(&vp, o, ps, v);
}

Test(validate, anchor_signature_is_not_judged)
{
	static const char *const anchored[] = { "sha1ca-leaf", "ca-sha1", NULL };
	struct ck_validate_opts o = { .profile = CK_PROFILE_MODERN };
	struct ck_problems ps;
	struct ck_validation v;

	/* ca-sha1 as the trust anchor: its SHA-1 signature is nobody's business */
	cr_assert_eq(validate_path(anchored, true, false, true, &o, &ps, &v), CK_OK);
	cr_expect_eq(ps.n, 0, "first: %s", ps.n ? ps.v[0].message : "");
	ck_problems_free(&ps);
	ck_validation_cleanup(&v);
	/* the same top, not an anchor and not self-signed: its signature counts */
	cr_assert_eq(validate_path(anchored, false, false, false, &o, &ps, &v), CK_OK);
	cr_assert_eq(ps.errors, 1);
	cr_expect_str_eq(ps.v[0].code, "weak-signature");
	cr_expect_eq(ps.v[0].pos, 1);
	ck_problems_free(&ps);
	ck_validation_cleanup(&v);
	fixtures_free();
}

Test(validate, incomplete_path_depth_counts_the_top)
{
	static const char *const path[] = { "deep", "ca-sub", NULL };
	struct ck_validate_opts o = { .depth_limited = true, .max_intermediates = 0 };
	struct ck_problems ps;
	struct ck_validation v;

	/* no anchor above ca-sub: it is an intermediate, and one too many */
	cr_assert_eq(validate_path(path, false, false, false, &o, &ps, &v), CK_OK);
	cr_assert_eq(ps.errors, 1);
	cr_expect_str_eq(ps.v[0].code, "max-depth-exceeded");
	cr_expect_eq(ps.v[0].pos, 1);
	ck_problems_free(&ps);
	ck_validation_cleanup(&v);
	o.max_intermediates = 1;
	cr_assert_eq(validate_path(path, false, false, false, &o, &ps, &v), CK_OK);
	cr_expect_eq(ps.n, 0);
	ck_problems_free(&ps);
	ck_validation_cleanup(&v);
	fixtures_free();
}

Test(validate, empty_path)
{
	struct ck_validate_path vp = { 0 };
	struct ck_validate_opts o = { 0 };
	struct ck_problems ps = { 0 };
	struct ck_validation v = { 0 };

	cr_expect_eq(ck_validate(&vp, &o, &ps, &v), CK_OK);
	cr_expect_eq(ps.n, 0);
	cr_expect_null(v.rev);
	ck_validation_cleanup(&v);
}

Test(validate, problems)
{
	struct ck_problems ps = { 0 };

	cr_expect_null(ck_problems_first_error(&ps));
	ck_problems_add(&ps, CK_F_REVOCATION_UNKNOWN, 1, true, "status of %s unknown", "X");
	cr_expect_null(ck_problems_first_error(&ps));
	ck_problems_add(&ps, CK_F_EXPIRED, 0, false, "%s expired", "Y");
	ck_problems_add(&ps, CK_F_REVOKED, 2, false, "%d", 3);
	cr_assert_eq(ps.n, 3);
	cr_expect_eq(ps.errors, 2);
	cr_expect_eq(ps.warnings, 1);
	cr_expect_str_eq(ck_problems_first_error(&ps)->code, "expired");
	cr_expect_str_eq(ck_problems_first_error(&ps)->message, "Y expired");
	cr_expect_str_eq(ps.v[0].message, "status of X unknown");
	ck_problems_free(&ps);
	cr_expect_eq(ps.n, 0);
	cr_expect_null(ps.v);
}

/* ---------------------------------------------------------------- */
/* the §6.1.6 outputs and the revocation states, through the builder */

Test(validate, revocation_states)
{
	static const char *const revoked[] = { "revoked", "ca", NULL };
	static const char *const good[] = { "good", "ca", NULL };
	struct opts o = none;
	struct run r;
	const struct ck_validation *v;

	o.crls = "ca root";
	run_build(&r, "root", revoked, CK_PROFILE_MODERN, &o);
	v = &r.chain->validation;
	cr_assert_eq(v->nrev, 3);
	cr_expect_eq(v->rev[0].state, CK_REVSTATE_REVOKED);
	cr_expect_eq(v->rev[0].reason, 1 /* keyCompromise */);
	cr_expect_eq(v->rev[0].revoked_at, 1609459200 /* 2021-01-01 */);
	cr_expect(v->rev[0].detail && strstr(v->rev[0].detail, "keyCompromise"));
	cr_expect_eq(v->rev[1].state, CK_REVSTATE_GOOD);
	cr_expect_eq(v->rev[1].reason, -1);
	cr_expect_eq(v->rev[2].state, CK_REVSTATE_NOT_CHECKED, "the anchor is not checked");
	cr_expect_not(r.chain->valid);
	run_free(&r);

	o.crls = "ca-expired root";
	run_build(&r, "root", good, CK_PROFILE_MODERN, &o);
	v = &r.chain->validation;
	cr_assert_eq(v->nrev, 3);
	cr_expect_eq(v->rev[0].state, CK_REVSTATE_UNKNOWN);
	cr_expect_eq(v->rev[1].state, CK_REVSTATE_GOOD);
	cr_expect(r.chain->valid, "an unknown status is a warning");
	run_free(&r);

	run_build(&r, "root", good, CK_PROFILE_MODERN, &none);
	cr_expect_eq(r.chain->validation.nrev, 0, "revocation off: no states");
	cr_expect_null(r.chain->validation.rev);
	run_free(&r);
	fixtures_free();
}

static bool strv_eq(char **v, const char *const *want)
{
	size_t i = 0;
	for (; v && v[i] && want[i]; i++)
		if (strcmp(v[i], want[i]))
			return false;
	return (!v || !v[i]) && !want[i];
}

Test(validate, policy_outputs)
{
	static const char *const pol[] = { "pol-leaf", "ca-pol", NULL };
	static const char *const p1[] = { P1, NULL }, *const empty[] = { NULL };
	struct opts o = none;
	struct run r;

	o.policy = P1;
	o.explicit_policy = true;
	run_build(&r, "root", pol, CK_PROFILE_RFC5280, &o);
	cr_expect(r.chain->valid);
	cr_expect(r.chain->validation.policy_processed);
	cr_expect(strv_eq(r.chain->validation.user_constrained, p1));
	cr_expect(strv_eq(r.chain->validation.authorities_constrained, p1));
	run_free(&r);

	o.policy = P2;
	o.explicit_policy = false;
	run_build(&r, "root", pol, CK_PROFILE_RFC5280, &o);
	cr_expect(r.chain->valid);
	cr_expect(strv_eq(r.chain->validation.user_constrained, empty),
		  "P2 asked, P1 asserted: the user-constrained set is empty");
	cr_expect(strv_eq(r.chain->validation.authorities_constrained, p1));
	run_free(&r);
	fixtures_free();
}

/* ---------------------------------------------------------------- */
/* the trace */

static const struct ck_trace_entry *trace_find(const struct run *r, size_t cand_input, bool taken)
{
	for (size_t i = 0; i < r->chain->ntrace; i++)
		if (r->chain->trace[i].candidate == r->idx[cand_input] &&
		    r->chain->trace[i].taken == taken)
			return &r->chain->trace[i];
	return NULL;
}

Test(validate, trace_rejects_a_candidate_that_breaks_a_rule)
{
	/* ca-samekey-noku has ca's name and key, so it verifies the leaf and
	 * ranks like ca; it comes first in the input and is tried first */
	static const char *const certs[] = { "good", "ca-samekey-noku", "ca", NULL };
	struct run r;
	const struct ck_trace_entry *bad, *ok;

	run_build(&r, "root", certs, CK_PROFILE_MODERN, &none);
	cr_assert(r.chain->valid);
	cr_assert_eq(r.chain->len, 3);
	cr_expect_eq(r.chain->path[1], r.idx[2], "the path goes through ca");
	bad = trace_find(&r, 1, false);
	ok = trace_find(&r, 2, true);
	cr_assert_not_null(bad, "no rejected entry for ca-samekey-noku");
	cr_assert_not_null(ok, "no taken entry for ca");
	cr_expect(bad < ok, "the rejected candidate was not tried first");
	cr_expect_eq(bad->pos, 0);
	cr_expect_eq(bad->child, r.idx[0]);
	cr_expect(!strncmp(bad->reason, "ca-key-usage: ", 14), "reason: %s", bad->reason);
	cr_expect_str_eq(ok->reason, "taken: the path through it is valid");
	cr_expect_not(r.chain->trace_truncated);
	run_free(&r);
	fixtures_free();
}

Test(validate, trace_rejects_a_key_that_does_not_verify)
{
	static const char *const certs[] = { "noaki", "ca-rekeyed", "ca", NULL };
	struct run r;
	const struct ck_trace_entry *bad;

	run_build(&r, "root", certs, CK_PROFILE_MODERN, &none);
	cr_assert(r.chain->valid);
	cr_expect_eq(r.chain->path[1], r.idx[2]);
	bad = trace_find(&r, 1, false);
	cr_assert_not_null(bad);
	cr_expect_str_eq(bad->reason, "its key does not verify the signature");
	run_free(&r);
	fixtures_free();
}

Test(validate, trace_equal_candidates_in_input_order)
{
	/* ca first: it is taken and ca-samekey-noku is never tried */
	static const char *const certs[] = { "good", "ca", "ca-samekey-noku", NULL };
	struct run r;

	run_build(&r, "root", certs, CK_PROFILE_MODERN, &none);
	cr_assert(r.chain->valid);
	cr_expect_null(trace_find(&r, 2, false));
	cr_expect_not_null(trace_find(&r, 1, true));
	run_free(&r);
	fixtures_free();
}

Test(validate, trace_of_an_invalid_path_says_so)
{
	static const char *const certs[] = { "revoked", "ca", NULL };
	struct opts o = none;
	struct run r;
	const struct ck_trace_entry *t;

	o.crls = "ca root";
	run_build(&r, "root", certs, CK_PROFILE_MODERN, &o);
	cr_assert_not(r.chain->valid);
	t = trace_find(&r, 1, true);
	cr_assert_not_null(t);
	cr_expect(!strncmp(t->reason, "taken (the best path found): revoked: ", 38), "reason: %s",
		  t->reason);
	for (size_t i = 0; i < r.chain->ntrace; i++)
		cr_expect_not(strstr(r.chain->trace[i].reason, "is valid"), "entry %zu: %s", i,
			      r.chain->trace[i].reason);
	run_free(&r);
	fixtures_free();
}
