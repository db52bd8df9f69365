/* trust: stores from files, directories and the system bundle. */
#include "config.h"

#include "libcore/trust.h"
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/ck-trust-XXXXXX");
	cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(trust, .init = setup, .fini = teardown);

static void copy(const char *rel, const char *name)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s/%s'", fx(rel), dir, name);
	cr_assert_eq(system(cmd), 0);
}

Test(trust, file_store_any_format)
{
	char f1[4096], f2[4096], f3[4096];
	const char *files[4];
	snprintf(f1, sizeof f1, "%s", fx("bundles/client-full.pem"));
	snprintf(f2, sizeof f2, "%s", fx("p12/java-truststore.p12"));
	snprintf(f3, sizeof f3, "%s", fx("pki/root-ca.der"));
	files[0] = f1; files[1] = f2; files[2] = f3; files[3] = NULL;
	struct ck_password pw = { .value = "changeit" };
	struct ck_trust_opts o = { .files = files, .password = &pw };
	struct ck_trust *t = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&o, &t, &e), CK_OK, "%s", e.what);
	cr_assert_eq(t->nstores, 3);
	cr_assert_eq(t->stores[0]->ncerts, 3);
	cr_assert_eq(t->stores[1]->ncerts, 2);
	cr_assert_eq(t->stores[2]->ncerts, 1);
	cr_assert_str_eq(t->stores[0]->kind, "file");
	cr_assert_eq(ck_trust_count(t), 6);
	ck_trust_free(t);
}

Test(trust, directory_store_dedups_and_skips_junk)
{
	const char *dirs[] = { dir, NULL };
	struct ck_trust_opts o = { .dirs = dirs };
	struct ck_trust *t = NULL;
	struct ck_error e;
	char link[128], junk[128];
	FILE *f;

	copy("pki/root-ca.crt", "root.pem");
	copy("pki/root2-ca.der", "root2.der");
	snprintf(link, sizeof link, "%s/abcd1234.0", dir);
	cr_assert_eq(symlink("root.pem", link), 0);
	snprintf(junk, sizeof junk, "%s/README", dir);
	f = fopen(junk, "w");
	fputs("not a certificate\n", f);
	fclose(f);
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&o, &t, &e), CK_OK, "%s", e.what);
	cr_assert_eq(t->stores[0]->ncerts, 2);
	cr_assert_eq(t->stores[0]->skipped, 1);
	cr_assert_str_eq(t->stores[0]->kind, "directory");
	ck_trust_free(t);
}

Test(trust, system_store_from_ssl_cert_file)
{
	struct ck_trust_opts o = { .system = true, .system_file = fx("bundles/client-full.pem") };
	struct ck_trust *t = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&o, &t, &e), CK_OK, "%s", e.what);
	cr_assert_str_eq(t->stores[0]->name, "system");
	cr_assert_eq(t->stores[0]->ncerts, 3);
	ck_trust_free(t);
}

Test(trust, system_store_from_ssl_cert_dir)
{
	char dirs[160];
	struct ck_trust_opts o = { .system = true };
	struct ck_trust *t = NULL;
	struct ck_error e;
	copy("pki/root-ca.crt", "a.pem");
	snprintf(dirs, sizeof dirs, "%s:/nonexistent-dir", dir);
	o.system_dirs = dirs;
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&o, &t, &e), CK_OK, "%s", e.what);
	cr_assert_eq(t->stores[0]->ncerts, 1);
	ck_trust_free(t);
}

Test(trust, missing_system_bundle_is_empty)
{
	struct ck_trust_opts o = { .system = true, .system_file = "/nonexistent/ca.crt" };
	struct ck_trust *t = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&o, &t, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_trust_count(t), 0);
	ck_trust_free(t);
}

Test(trust, real_system_store_reads)
{
	struct ck_trust_opts o = { .system = true };
	struct ck_trust *t = NULL;
	struct ck_error e;
	if (access(CK_SYSTEM_TRUST_FILE, R_OK) != 0)
		cr_skip_test("no system bundle at %s", CK_SYSTEM_TRUST_FILE);
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&o, &t, &e), CK_OK, "%s", e.what);
	cr_assert_gt(ck_trust_count(t), 50);
	ck_trust_free(t);
}

Test(trust, unreadable_ca_file_is_an_error)
{
	const char *files[] = { "/nonexistent/ca.pem", NULL };
	struct ck_trust_opts o = { .files = files };
	struct ck_trust *t = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&o, &t, &e), CK_E_IO);
	cr_assert_str_eq(e.file, "/nonexistent/ca.pem");
	cr_assert_null(t);
}

Test(trust, stores_become_pool_anchors)
{
	const char *files[] = { fx("pki/root-ca.crt"), NULL };
	struct ck_trust_opts o = { .files = files };
	struct ck_trust *t = NULL;
	struct ck_pool *p = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_load(&o, &t, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_pool_new(&p), CK_OK);
	cr_assert_eq(ck_trust_add_to_pool(t, p), CK_OK);
	cr_assert_eq(ck_pool_count(p), 1);
	cr_assert(ck_pool_get(p, 0)->anchor);
	cr_assert_eq(ck_pool_get(p, 0)->source, CK_SRC_TRUST);
	ck_pool_free(p);
	ck_trust_free(t);
}
