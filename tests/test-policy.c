/* policy: the built-in policy, its text form, levels, the policy's own
 * checks and the verdicts, on the fixtures/audit tree. */
#include "config.h"

#include "libcore/policy.h"
#include "unit.h"

#include <gnutls/gnutls.h>

#define AT_2030_06_01 ((time_t)1906588800)

static struct ck_policy *pol;
static struct ck_bundle *bundle;
static struct ck_trust *trust;
static struct ck_analysis *an;
static struct ck_audit *au;

static void cleanup(void)
{
	ck_audit_free(au);
	ck_analysis_free(an);
	ck_bundle_free(bundle);
	ck_trust_free(trust);
	ck_policy_free(pol);
	au = NULL;
	an = NULL;
	bundle = NULL;
	trust = NULL;
	pol = NULL;
}

static void setup(void)
{
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_policy_new(&pol, &e), CK_OK, "%s", e.what);
}

TestSuite(policy, .init = setup, .fini = cleanup);

static void apply(const char *text)
{
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_policy_parse(pol, text, strlen(text), &e), CK_OK, "%s", e.what);
}

static void parse_fails(const char *text, const char *what)
{
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_policy_parse(pol, text, strlen(text), &e), CK_E_PARSE, "accepted: %s", text);
	cr_assert(strstr(e.what, what), "'%s' gave '%s', expected '%s'", text, e.what, what);
}

/* Audit a fixture with root-ca trusted, as of 2030-06-01. */
static void audit(const char *rel, const char *password, const char *anchor)
{
	struct ck_error e;
	struct ck_analyze_opts o;
	const char *files[2] = { fx(anchor ? anchor : "pki/root-ca.crt"), NULL };
	struct ck_trust_opts to = { .files = files };

	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&to, &trust, &e), CK_OK, "%s", e.what);
	cr_assert_eq(fx_load(rel, password, &bundle, &e), CK_OK, "%s: %s", rel, e.what);
	ck_policy_analyze_opts(pol, AT_2030_06_01, &o);
	cr_assert_eq(ck_analyze(bundle, trust, &o, &an, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_audit_bundle(pol, bundle, an, &au, &e), CK_OK, "%s", e.what);
}

static const struct ck_audit_finding *finding(const char *code)
{
	for (size_t i = 0; i < au->nfindings; i++)
		if (!strcmp(au->findings[i].code, code))
			return &au->findings[i];
	return NULL;
}

/* ---------------------------------------------------------------- */
/* the built-in policy */

Test(policy, defaults)
{
	cr_assert_eq(pol->warn_days, 30);
	cr_assert_eq(pol->min_rsa_bits, 2048);
	cr_assert_eq(pol->min_dsa_bits, 2048);
	cr_assert_eq(pol->min_ec_bits, 256);
	cr_assert_eq(pol->nforbidden, 3);
	cr_assert_null(pol->purpose);
	cr_assert_eq(pol->max_leaf_days, 398);
	cr_assert_eq(ck_policy_level(pol, "root-in-bundle"), CK_LEVEL_WARNING);
	cr_assert_eq(ck_policy_level(pol, "weak-key"), CK_LEVEL_ERROR);
	cr_assert_eq(ck_policy_level(pol, "weak-signature"), CK_LEVEL_ERROR);
	cr_assert_eq(ck_policy_level(pol, "expires-soon"), CK_LEVEL_WARNING);
	cr_assert_eq(ck_policy_level(pol, "no-certificate"), CK_LEVEL_INFO);
	cr_assert_eq(ck_policy_level(pol, "password-required"), CK_LEVEL_ERROR);
	cr_assert_eq(ck_policy_level(pol, "validity-too-long"), CK_LEVEL_WARNING);
	cr_assert_eq(ck_policy_level(pol, "weak-pkcs12"), CK_LEVEL_WARNING);
	cr_assert_eq(ck_policy_level(pol, "key-not-leaf"), CK_LEVEL_ERROR);
}

Test(policy, lists_every_chainview_code_but_hostname)
{
	for (unsigned k = 0; k < CK_F_COUNT; k++) {
		const struct ck_finding_def *c = ck_finding_def((enum ck_finding_id)k);
		bool found = false;
		if (!(c->where & CK_FINDING_CHAINVIEW))
			continue;
		for (size_t i = 0; i < pol->nrules; i++)
			found = found || !strcmp(pol->rules[i].code, c->code);
		if (!strcmp(c->code, "hostname-mismatch"))
			cr_assert_not(found, "hostname-mismatch cannot happen in an audit");
		else if (!strcmp(c->code, "key-too-small"))
			cr_assert_not(found, "key-too-small is decided by min-rsa-bits (weak-key)");
		else if (!(c->where & CK_FINDING_AUDIT))
			/* chainview's view of a CRL: certaudit audits no CRL file */
			cr_assert_not(found, "%s is chainview's only", c->code);
		else
			cr_assert(found, "%s is not in the policy", c->code);
	}
	/* a code the policy does not list keeps chainview's severity */
	cr_assert_eq(ck_policy_level(pol, "hostname-mismatch"), CK_LEVEL_ERROR);
	cr_assert_eq(ck_policy_level(pol, "no-such-code"), CK_LEVEL_INFO);
}

Test(policy, codes_are_unique_and_summarised)
{
	for (size_t i = 0; i < pol->nrules; i++) {
		cr_assert(pol->rules[i].summary && *pol->rules[i].summary, "%s", pol->rules[i].code);
		for (size_t j = i + 1; j < pol->nrules; j++)
			cr_assert_str_neq(pol->rules[i].code, pol->rules[j].code);
	}
}

/* ---------------------------------------------------------------- */
/* the text form */

Test(policy, format_parses_back_to_the_same_policy)
{
	struct ck_policy *other = NULL;
	struct ck_error e;
	char *a, *b;

	apply("warn-days = 45\nmin-rsa-bits = 3072\nmin-ec-bits=384\nforbidden-hashes = md5, SHA1 sha224\n"
	      "purpose = client\nmax-leaf-validity-days = 0\nseverity.expired = warning\n"
	      "severity.weak-pkcs12 = off\n");
	a = ck_policy_format(pol);
	cr_assert_not_null(a);
	cr_assert_eq(ck_policy_new(&other, &e), CK_OK);
	cr_assert_eq(ck_policy_parse(other, a, strlen(a), &e), CK_OK, "%s", e.what);
	b = ck_policy_format(other);
	cr_assert_str_eq(a, b);
	cr_assert(strstr(a, "\nforbidden-hashes = md5 sha1 sha224\n"), "%s", a);
	cr_assert(strstr(a, "\npurpose = client\n"));
	cr_assert(strstr(a, "\nseverity.weak-pkcs12 = off "));
	cr_assert_eq(other->min_ec_bits, 384);
	cr_assert_eq(other->max_leaf_days, 0);
	cr_assert_str_eq(other->purpose, CK_OID_EKU_CLIENT);
	free(a);
	free(b);
	ck_policy_free(other);
}

Test(policy, the_default_text_is_complete)
{
	char *t = ck_policy_format(pol);
	cr_assert_not_null(t);
	for (size_t i = 0; i < pol->nrules; i++) {
		char key[96];
		snprintf(key, sizeof key, "\nseverity.%s = ", pol->rules[i].code);
		cr_assert(strstr(t, key), "%s missing", key);
	}
	cr_assert(strstr(t, "\nforbidden-hashes = md2 md5 sha1\n"));
	cr_assert(strstr(t, "\nmax-leaf-validity-days = 398\n"));
	free(t);
}

Test(policy, last_repeat_wins)
{
	apply("# comment\n\nwarn-days = 7\r\nwarn-days = 9   # the later one\n");
	cr_assert_eq(pol->warn_days, 9);
	apply("forbidden-hashes = none\n");
	cr_assert_eq(pol->nforbidden, 0);
	apply("purpose = server\npurpose = any\n");
	cr_assert_null(pol->purpose);
}

Test(policy, bad_lines_are_refused_with_their_number)
{
	parse_fails("warn-days = 30\nno-such-key = 1\n", "line 2: unknown key 'no-such-key'");
	parse_fails("severity.no-such-code = error\n", "line 1: unknown finding code 'no-such-code'");
	parse_fails("severity.expired = fatal\n", "takes error, warning, info or off, not 'fatal'");
	parse_fails("warn-days = 0\n", "warn-days takes a number from 1 to 36500, not '0'");
	parse_fails("warn-days = -3\n", "not '-3'");
	parse_fails("warn-days = 12abc\n", "not '12abc'");
	parse_fails("min-rsa-bits = 99999999999999999999\n", "min-rsa-bits takes a number");
	parse_fails("forbidden-hashes = md5 whirlpool-9\n", "unknown hash 'whirlpool-9'");
	parse_fails("forbidden-hashes = ,\n", "forbidden-hashes needs hash names or none");
	parse_fails("purpose = email\n", "purpose takes any, client or server, not 'email'");
	parse_fails("\n\njust words\n", "line 3: expected 'key = value'");
	parse_fails("warn-days =\n", "line 1: the value is missing");
	parse_fails(" = 3\n", "line 1: the key is missing");
	parse_fails("severity.hostname-mismatch = error\n", "unknown finding code");
}

Test(policy, a_bad_file_changes_nothing)
{
	struct ck_error e;
	const char text[] = "warn-days = 5\nseverity.expired = off\nbogus = 1\n";
	ck_error_clear(&e);
	cr_assert_eq(ck_policy_parse(pol, text, strlen(text), &e), CK_E_PARSE);
	cr_assert_eq(pol->warn_days, 30);
	cr_assert_eq(ck_policy_level(pol, "expired"), CK_LEVEL_ERROR);
}

Test(policy, nul_bytes_are_refused)
{
	struct ck_error e;
	const char text[] = "warn-days = 5\n\0\n";
	ck_error_clear(&e);
	cr_assert_eq(ck_policy_parse(pol, text, sizeof text - 1, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "NUL"), "%s", e.what);
}

Test(policy, load_file)
{
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_policy_load_file(pol, fx("audit/policy.conf"), &e), CK_OK, "%s", e.what);
	cr_assert_str_eq(pol->purpose, CK_OID_EKU_SERVER);
	cr_assert_eq(ck_policy_load_file(pol, fx("audit/no-such.conf"), &e), CK_E_IO);
	cr_assert(strstr(e.file, "no-such.conf"));
	cr_assert_eq(ck_policy_load_file(pol, fx("bad/random.bin"), &e), CK_E_PARSE);
}

Test(policy, analyze_opts_follow_the_policy)
{
	struct ck_analyze_opts o;
	apply("warn-days = 12\npurpose = client\n");
	ck_policy_analyze_opts(pol, 42, &o);
	cr_assert_eq(o.warn_days, 12);
	cr_assert_eq(o.chain.at, 42);
	cr_assert_str_eq(o.chain.purpose, CK_OID_EKU_CLIENT);
	cr_assert_null(o.chain.hostname);
}

/* ---------------------------------------------------------------- */
/* audits */

Test(policy, good_bundle_is_ok)
{
	audit("audit/tree/good/server.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_OK);
	cr_assert_eq(au->nfindings, 0);
	cr_assert_str_eq(ck_verdict_name(au->verdict), "ok");
}

Test(policy, good_pfx_is_ok)
{
	audit("audit/tree/good/server.pfx", "audit", NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_OK, "%s", au->nfindings ? au->findings[0].message : "");
}

Test(policy, expiring_warns_by_warn_days)
{
	const struct ck_audit_finding *f;
	audit("audit/tree/expiring/soon.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_WARN);
	f = finding("expires-soon");
	cr_assert_not_null(f);
	cr_assert_eq(f->level, CK_LEVEL_WARNING);
	cr_assert_eq(f->cert, 0);
	cr_assert_str_eq(f->subject, "CN=soon.audit.example.test,O=chainkit tests");
	cleanup();
	setup();
	apply("warn-days = 10\n");
	audit("audit/tree/expiring/soon.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_OK);
}

Test(policy, expired_fails_unless_turned_off)
{
	audit("audit/tree/expired/old.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_FAIL);
	cr_assert_eq(finding("expired")->level, CK_LEVEL_ERROR);
	cleanup();
	setup();
	apply("severity.expired = off\n");
	audit("audit/tree/expired/old.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_OK);
	cr_assert_null(finding("expired"));
}

Test(policy, incomplete_and_untrusted)
{
	audit("audit/tree/incomplete/leaf-only.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_FAIL);
	cr_assert_not_null(finding("missing-issuer"));
	cleanup();
	setup();
	/* complete, but the root is trusted by nobody */
	audit("audit/tree/long/with-root.pem", NULL, "pki/other-root.crt");
	cr_assert_not_null(finding("untrusted-root"));
	cr_assert_eq(au->verdict, CK_VERDICT_FAIL);
}

Test(policy, weak_key_by_the_policy_threshold)
{
	const struct ck_audit_finding *f;
	audit("audit/tree/weak/rsa1024.pem", NULL, NULL);
	f = finding("weak-key");
	cr_assert_not_null(f);
	cr_assert_eq(f->level, CK_LEVEL_ERROR);
	cr_assert(strstr(f->message, "1024-bit RSA key, under the policy's min-rsa-bits = 2048"), "%s",
		  f->message);
	cr_assert_eq(au->verdict, CK_VERDICT_FAIL);
	cleanup();
	setup();
	apply("min-rsa-bits = 1024\n");
	audit("audit/tree/weak/rsa1024.pem", NULL, NULL);
	cr_assert_null(finding("weak-key"));
	cr_assert_eq(au->verdict, CK_VERDICT_OK);
	cleanup();
	setup();
	/* raising the bar catches every 2048-bit key shown: the leaf, the
	 * intermediate and the trusted root the chain ends at */
	apply("min-rsa-bits = 3072\n");
	audit("audit/tree/good/server.pem", NULL, NULL);
	cr_assert_eq(au->errors, 3);
}

Test(policy, ec_minimum)
{
	apply("min-ec-bits = 384\n");
	audit("pki/ec-leaf.crt", NULL, "pki/ec-int.crt");
	cr_assert_not_null(finding("weak-key"));
	cr_assert(strstr(finding("weak-key")->message, "min-ec-bits = 384"));
}

Test(policy, sha1_forbidden_by_default_allowed_on_request)
{
	const struct ck_audit_finding *f;
	audit("audit/tree/weak/sha1.pem", NULL, NULL);
	f = finding("weak-signature");
	cr_assert_not_null(f);
	cr_assert_eq(f->level, CK_LEVEL_ERROR);
	cr_assert(strstr(f->message, "SHA1"), "%s", f->message);
	cleanup();
	setup();
	/* chainview's own SHA-1 warning does not leak through */
	apply("forbidden-hashes = md5\n");
	audit("audit/tree/weak/sha1.pem", NULL, NULL);
	cr_assert_null(finding("weak-signature"));
	cr_assert_eq(au->verdict, CK_VERDICT_OK);
}

Test(policy, md5_and_sha256_forbidden)
{
	audit("pki/md5-leaf.crt", NULL, "pki/int-ca.crt");
	cr_assert_not_null(finding("weak-signature"));
	cleanup();
	setup();
	apply("forbidden-hashes = sha256\n");
	audit("audit/tree/good/server.pem", NULL, NULL);
	/* the leaf and the intermediate; never the trusted self-signed root */
	cr_assert_eq(au->errors, 2);
}

Test(policy, leaf_validity)
{
	const struct ck_audit_finding *f;
	audit("audit/tree/long/server-50y.pem", NULL, NULL);
	f = finding("validity-too-long");
	cr_assert_not_null(f);
	cr_assert_eq(f->cert, 0);
	cr_assert(strstr(f->message, "18263 days"), "%s", f->message);
	cr_assert_eq(au->verdict, CK_VERDICT_WARN);
	cleanup();
	setup();
	apply("max-leaf-validity-days = 0\n");
	audit("audit/tree/long/server-50y.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_OK);
}

Test(policy, root_in_bundle_warns)
{
	audit("audit/tree/long/with-root.pem", NULL, NULL);
	cr_assert_eq(finding("root-in-bundle")->level, CK_LEVEL_WARNING);
	cr_assert_eq(au->verdict, CK_VERDICT_WARN);
}

Test(policy, purpose)
{
	apply("purpose = server\n");
	audit("audit/tree/purpose/client-only.pem", NULL, NULL);
	cr_assert_not_null(finding("purpose-mismatch"));
	cr_assert_eq(au->verdict, CK_VERDICT_FAIL);
	cleanup();
	setup();
	apply("purpose = client\n");
	audit("audit/tree/purpose/client-only.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_OK);
}

Test(policy, ca_key_in_bundle)
{
	audit("audit/tree/keys/ca-with-key.pem", NULL, NULL);
	cr_assert_not_null(finding("key-not-leaf"));
	cr_assert(strstr(finding("key-not-leaf")->message, "chainkit Issuing CA 1"));
	cr_assert_eq(au->verdict, CK_VERDICT_FAIL);
	cleanup();
	setup();
	/* the client's own key is not a CA key */
	audit("bundles/client-combined.pem", NULL, NULL);
	cr_assert_null(finding("key-not-leaf"));
}

Test(policy, key_only_file_is_info)
{
	audit("audit/tree/keys/privkey.pem", NULL, NULL);
	cr_assert_eq(au->verdict, CK_VERDICT_OK);
	cr_assert_eq(finding("no-certificate")->level, CK_LEVEL_INFO);
	cr_assert_eq(au->infos, 1);
}

Test(policy, legacy_pkcs12)
{
	const struct ck_audit_finding *f;
	audit("audit/tree/weak/legacy.pfx", "legacy", NULL);
	f = finding("weak-pkcs12");
	cr_assert_not_null(f);
	cr_assert(strstr(f->message, "RC2-40-CBC"), "%s", f->message);
	cr_assert(strstr(f->message, "MAC with SHA1"), "%s", f->message);
	cr_assert_eq(au->verdict, CK_VERDICT_WARN);
}

Test(policy, pkcs12_without_mac_or_key_encryption)
{
	audit("p12/nomac.pfx", "test", NULL);
	cr_assert(strstr(finding("weak-pkcs12")->message, "no MAC"));
	cleanup();
	setup();
	audit("p12/unencrypted-keybag.pfx", "test", NULL);
	cr_assert(strstr(finding("weak-pkcs12")->message, "not encrypted"), "%s",
		  finding("weak-pkcs12")->message);
	cleanup();
	setup();
	audit("p12/modern.pfx", "test", NULL);
	cr_assert_null(finding("weak-pkcs12"));
}

Test(policy, findings_are_ordered_errors_first)
{
	apply("min-rsa-bits = 4096\n");
	audit("audit/tree/long/with-root.pem", NULL, NULL);
	for (size_t i = 1; i < au->nfindings; i++)
		cr_assert_geq(au->findings[i - 1].level, au->findings[i].level);
	cr_assert_eq(au->findings[0].level, CK_LEVEL_ERROR);
	cr_assert_eq(au->findings[au->nfindings - 1].level, CK_LEVEL_WARNING);
}

Test(policy, failures_of_the_file)
{
	struct ck_error cause, e;
	static const struct {
		enum ck_status status;
		const char *code;
	} t[] = {
		{ CK_E_IO, "unreadable" },
		{ CK_E_TOO_LARGE, "unreadable" },
		{ CK_E_PARSE, "corrupt" },
		{ CK_E_UNSUPPORTED, "unsupported" },
		{ CK_E_PASSWORD, "password-required" },
		{ CK_E_BAD_PASSWORD, "password-wrong" },
		{ CK_E_KDF_BUDGET, "kdf-budget-exceeded" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		ck_error_clear(&cause);
		ck_error_set(&cause, t[i].status, "what happened %zu", i);
		cr_assert_str_eq(ck_audit_failure_code(t[i].status), t[i].code);
		cr_assert_eq(ck_audit_failure(pol, &cause, &au, &e), CK_OK);
		cr_assert_eq(au->nfindings, 1);
		cr_assert_str_eq(au->findings[0].code, t[i].code);
		cr_assert_str_eq(au->findings[0].message, cause.what);
		cr_assert_eq(au->findings[0].cert, -1);
		cr_assert_eq(au->verdict, CK_VERDICT_FAIL);
		ck_audit_free(au);
		au = NULL;
	}
	ck_error_clear(&cause);
	ck_error_set(&cause, CK_E_NOMEM, "out of memory");
	cr_assert_null(ck_audit_failure_code(CK_E_NOMEM));
	cr_assert_eq(ck_audit_failure(pol, &cause, &au, &e), CK_E_USAGE);
	cr_assert_null(au);
	/* a level the policy lowers: the file passes with a warning */
	apply("severity.password-required = warning\n");
	ck_error_set(&cause, CK_E_PASSWORD, "a password is needed");
	cr_assert_eq(ck_audit_failure(pol, &cause, &au, &e), CK_OK);
	cr_assert_eq(au->verdict, CK_VERDICT_WARN);
}

Test(policy, add_keeps_counts_order_and_drops_off_and_duplicates)
{
	struct ck_audit *a = calloc(1, sizeof *a);
	cr_assert_not_null(a);
	apply("severity.wrong-order = off\n");
	cr_assert_eq(ck_audit_add(a, pol, CK_F_EXPIRES_SOON, 1, "CN=x", NULL, "soon %d", 1), CK_OK);
	cr_assert_eq(ck_audit_add(a, pol, CK_F_WRONG_ORDER, -1, NULL, NULL, "order"), CK_OK);
	cr_assert_eq(ck_audit_add(a, pol, CK_F_EXPIRED, 2, "CN=y", "renew", "gone"), CK_OK);
	cr_assert_eq(ck_audit_add(a, pol, CK_F_EXPIRED, 2, "CN=y", "renew", "gone"), CK_OK);
	cr_assert_eq(ck_audit_add(a, pol, CK_F_NO_CERTIFICATE, -1, NULL, NULL, "keys only"), CK_OK);
	cr_assert_eq(a->nfindings, 3);
	cr_assert_str_eq(a->findings[0].code, "expired");
	cr_assert_str_eq(a->findings[0].hint, "renew");
	cr_assert_str_eq(a->findings[1].code, "expires-soon");
	cr_assert_str_eq(a->findings[1].message, "soon 1");
	cr_assert_str_eq(a->findings[2].code, "no-certificate");
	cr_assert_eq(a->errors, 1);
	cr_assert_eq(a->warnings, 1);
	cr_assert_eq(a->infos, 1);
	cr_assert_eq(a->verdict, CK_VERDICT_FAIL);
	ck_audit_free(a);
}

/* Thousands of findings (a big bundle): kept in order, and the array
 * grows by doubling, not by one per finding (issue 27). */
Test(policy, many_findings_stay_ordered_and_grow_by_doubling)
{
	struct ck_audit *a = calloc(1, sizeof *a);
	cr_assert_not_null(a);
	for (long i = 0; i < 3000; i++)
		cr_assert_eq(ck_audit_add(a, pol, i % 2 ? CK_F_EXPIRES_SOON : CK_F_EXPIRED, i, "CN=x",
					  NULL, "finding %ld", i), CK_OK);
	cr_assert_eq(a->nfindings, 3000);
	cr_assert_eq(a->errors, 1500);
	for (size_t i = 1; i < a->nfindings; i++) {
		cr_assert_geq(a->findings[i - 1].level, a->findings[i].level);
		if (a->findings[i - 1].level == a->findings[i].level)
			cr_assert_lt(a->findings[i - 1].cert, a->findings[i].cert);
	}
	cr_assert_geq(a->findings_cap, a->nfindings);
	cr_assert_lt(a->findings_cap, 2 * a->nfindings);
	cr_assert_eq(a->findings_cap & (a->findings_cap - 1), 0, "%zu", a->findings_cap);
	ck_audit_free(a);
}

Test(policy, names)
{
	cr_assert_str_eq(ck_level_name(CK_LEVEL_OFF), "off");
	cr_assert_str_eq(ck_level_name(CK_LEVEL_INFO), "info");
	cr_assert_str_eq(ck_level_name(CK_LEVEL_WARNING), "warning");
	cr_assert_str_eq(ck_level_name(CK_LEVEL_ERROR), "error");
	cr_assert_str_eq(ck_verdict_name(CK_VERDICT_WARN), "warn");
	cr_assert_str_eq(ck_verdict_name(CK_VERDICT_FAIL), "fail");
}

Test(policy, byte_order_mark)
{
	apply("\xef\xbb\xbfwarn-days = 3\n");
	cr_assert_eq(pol->warn_days, 3);
}

/* ---------------------------------------------------------------- */
/* URL sets (--network); no traffic here: tests/cli/certaudit-network.sh
 * checks against real servers in a private network namespace */

Test(policy, url_codes)
{
	cr_assert_str_eq(ck_audit_url_code(CK_URL_DROPPED), "url-dropped");
	cr_assert_str_eq(ck_audit_url_code(CK_URL_REVOKED), "revoked");
	cr_assert_str_eq(ck_audit_url_code(CK_URL_MALFORMED), "url-malformed");
	cr_assert_str_eq(ck_audit_url_code(CK_URL_BLOCKED_ADDRESS), "url-blocked-address");
	cr_assert_null(ck_audit_url_code(CK_URL_OK));
	for (int r = 1; r < CK_URL_RESULT_COUNT; r++) {
		const char *code = ck_audit_url_code((enum ck_url_result)r);
		cr_assert_not_null(code, "class %d has no code", r);
		cr_assert_eq(ck_policy_level(pol, code),
			     r == CK_URL_UNSUPPORTED_SCHEME || r == CK_URL_MALFORMED ? CK_LEVEL_WARNING :
										     CK_LEVEL_ERROR, "%s", code);
	}
	cr_assert_eq(ck_policy_level(pol, "url-next-update-soon"), CK_LEVEL_WARNING);
	cr_assert_eq(pol->next_update_warn_hours, 24);
	apply("next-update-warn-hours = 72\n");
	cr_assert_eq(pol->next_update_warn_hours, 72);
	parse_fails("next-update-warn-hours = 0\n", "next-update-warn-hours takes a number from 1");
}

Test(policy, url_set_lists_every_url_with_its_issuer)
{
	struct ck_url_set *s = NULL;
	struct ck_error e;
	audit("bundles/client-chain.pem", NULL, NULL);
	cr_assert_eq(ck_url_set_new(an, &s, &e), CK_OK, "%s", e.what);
	/* client: caIssuers, OCSP, CRL; int-ca: caIssuers, CRL; the root none */
	cr_assert_eq(s->nurls, 5);
	cr_assert_eq(s->urls[0].kind, CK_KIND_CA_ISSUERS);
	cr_assert_str_eq(s->urls[0].url, "http://127.0.0.1:18080/int-ca.crt");
	cr_assert_eq(s->urls[1].kind, CK_KIND_OCSP);
	cr_assert_str_eq(s->urls[1].method, "POST");
	cr_assert_eq(s->cert[0], 0);
	cr_assert_eq(s->cert[3], 1);
	cr_assert_not_null(s->urls[1].issuer, "the OCSP request needs the issuer");
	cr_assert_str_eq(s->urls[1].issuer->subject, "CN=chainkit Issuing CA 1,O=chainkit tests");
	cr_assert_str_eq(s->urls[3].issuer->subject, "CN=chainkit Test Root CA,O=chainkit tests");
	/* copies: the set outlives the bundle */
	cr_assert_eq(s->ncerts, 3);
	ck_url_set_free(s);
	s = NULL;
	cleanup();
	setup();
	/* the intermediate is missing: the leaf's issuer is unknown */
	audit("bundles/client-leaf.pem", NULL, NULL);
	cr_assert_eq(ck_url_set_new(an, &s, &e), CK_OK);
	cr_assert_eq(s->nurls, 3);
	cr_assert_null(s->urls[1].issuer);
	ck_url_set_free(s);
}

Test(policy, urls_that_cannot_be_requested_are_settled_without_traffic)
{
	struct ck_url_set *s = calloc(1, sizeof *s);
	struct ck_url_set *sets[1] = { s };
	struct ck_net_opts no = { 0 };
	struct ck_audit *a = calloc(1, sizeof *a);
	struct ck_error e;
	struct ck_bundle *b = NULL;
	size_t requests = 99;
	static const char *const urls[] = { "hhtp://127.0.0.1/x.crt", "no-scheme/x.crt", "ftp://127.0.0.1/x.crl" };

	cr_assert_eq(fx_load("pki/client.crt", NULL, &b, &e), CK_OK);
	s->urls = calloc(3, sizeof *s->urls);
	s->cert = calloc(3, sizeof *s->cert);
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(ck_url_entry_init(&s->urls[i], i == 2 ? CK_KIND_CRL : CK_KIND_CA_ISSUERS,
					       urls[i], b->certs[0], 0, "GET"), CK_OK);
		s->nurls++;
	}
	cr_assert_eq(ck_url_sets_check(sets, 1, &no, 1893456000, 24, &requests, &e), CK_OK, "%s", e.what);
	cr_assert_eq(requests, 0);
	cr_assert_eq(s->urls[0].result, CK_URL_MALFORMED);
	cr_assert_eq(s->urls[1].result, CK_URL_MALFORMED);
	cr_assert_eq(s->urls[2].result, CK_URL_UNSUPPORTED_SCHEME);
	cr_assert_eq(ck_audit_add_urls(a, pol, s), CK_OK);
	cr_assert_eq(a->nfindings, 3);
	cr_assert_eq(a->verdict, CK_VERDICT_WARN);
	cr_assert_str_eq(a->findings[0].code, "url-malformed");
	cr_assert(strstr(a->findings[0].message, "the caIssuers URL hhtp://127.0.0.1/x.crt of CN=client.example.test"),
		  "%s", a->findings[0].message);
	cr_assert_str_eq(a->findings[2].code, "url-unsupported-scheme");
	cr_assert_str_eq(a->findings[2].subject, "CN=client.example.test,O=chainkit tests");
	ck_audit_free(a);
	ck_url_set_free(s);
	ck_bundle_free(b);
}
