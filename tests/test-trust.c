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
	char cmd[4096 + 64 + 256 + 16]; /* fx() path, dir, name, the command */
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

static struct ck_trust_store *open_ok(const char *spec, const struct ck_trust_opts *o)
{
	struct ck_trust_store *s = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_trust_store_open(spec, o, &s, &e), CK_OK, "%s: %s", spec, e.what);
	return s;
}

Test(trust, system_views_mark_each_certificate)
{
	char file[4096], dirs[4200];
	struct ck_trust_opts o = { 0 };
	struct ck_trust_store *s;
	size_t both = 0;

	snprintf(file, sizeof file, "%s", fx("stores/system/bundle.pem"));
	snprintf(dirs, sizeof dirs, "%s:/nonexistent", fx("stores/system/certs"));
	o.system_file = file;
	o.system_dirs = dirs;
	s = open_ok("system:openssl", &o);
	cr_assert_str_eq(s->name, "system:openssl");
	cr_assert_eq(s->nviews, 2);
	cr_assert_str_eq(s->views[0].name, "bundle");
	cr_assert_eq(s->views[0].count, 3);
	cr_assert_eq(s->views[1].count, 3, "extra.pem has no hashed name");
	cr_assert_null(s->views[1].error, "one missing directory of two is not an error");
	cr_assert_eq(s->ncerts, 4);
	for (size_t i = 0; i < s->ncerts; i++)
		both += s->meta[i].views == 3u;
	cr_assert_eq(both, 2);
	ck_trust_store_free(s);
}

Test(trust, gnutls_view_reads_gnutls_default_trust)
{
	struct ck_trust_opts o = { 0 };
	struct ck_trust_store *s = open_ok("system:gnutls", &o);
	cr_assert_eq(s->nviews, 1);
	cr_assert_str_eq(s->views[0].name, "gnutls");
	if (s->views[0].error)
		cr_skip_test("GnuTLS has no default trust here: %s", s->views[0].error);
	cr_assert_eq(s->views[0].count, s->ncerts);
	ck_trust_store_free(s);
}

Test(trust, java_anchors_as_java_takes_them)
{
	struct ck_trust_opts o = { 0 };
	struct ck_trust_store *s;
	char spec[4200];
	size_t anchors = 0;

	snprintf(spec, sizeof spec, "java:%s", fx("stores/custom.jks"));
	s = open_ok(spec, &o);
	cr_assert_str_eq(s->kind, "java");
	cr_assert_eq(s->format, CK_FMT_JKS);
	cr_assert(s->jks);
	cr_assert_eq(s->ncerts, 4);
	for (size_t i = 0; i < s->ncerts; i++) {
		anchors += s->meta[i].anchor;
		cr_assert(s->meta[i].alias);
	}
	cr_assert_eq(anchors, 2, "root2-ca and the key's own certificate");
	ck_trust_store_free(s);
	/* PKCS#12: the default password first, without asking */
	snprintf(spec, sizeof spec, "java:%s", fx("stores/cacerts.p12"));
	s = open_ok(spec, &o);
	cr_assert_eq(s->format, CK_FMT_PKCS12);
	cr_assert_eq(s->ncerts, 4);
	ck_trust_store_free(s);
}

Test(trust, dotnet_stores_root_is_the_anchor)
{
	struct ck_trust_opts o = { .home = fx("stores/dotnet-home") };
	struct ck_trust_store *s;
	char home[4096];

	snprintf(home, sizeof home, "%s", fx("stores/dotnet-home"));
	o.home = home;
	s = open_ok("dotnet", &o);
	cr_assert_eq(s->ncerts, 3);
	for (size_t i = 0; i < s->ncerts; i++)
		cr_assert_eq(s->meta[i].anchor, strcmp(s->meta[i].substore, "root") == 0);
	ck_trust_store_free(s);
	o.home = NULL;
	{
		struct ck_error e;
		ck_error_clear(&e);
		cr_assert_eq(ck_trust_store_open("dotnet", &o, &s, &e), CK_E_USAGE);
	}
}

Test(trust, match_subject_fingerprint_key_id)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	char *sha, colons[200] = "", *ski;
	cr_assert_eq(fx_load("pki/root-ca.crt", NULL, &b, &e), CK_OK);
	sha = ck_hex(b->certs[0]->sha256, 32);
	ski = ck_hex(b->certs[0]->ski, b->certs[0]->ski_len);
	for (size_t i = 0; i < 8; i++) {
		char two[4] = { (char)(sha[2 * i] - 32 * (sha[2 * i] >= 'a')), sha[2 * i + 1], ':', 0 };
		strcat(colons, two);
	}
	cr_assert_eq(ck_trust_match(b->certs[0], "TEST root"), CK_MATCH_SUBJECT);
	cr_assert(ck_trust_match(b->certs[0], colons) & CK_MATCH_SHA256, "%s", colons);
	cr_assert(ck_trust_match(b->certs[0], ski) & CK_MATCH_KEY_ID);
	cr_assert_eq(ck_trust_match(b->certs[0], "abc"), 0, "too short for hex, not in the subject");
	cr_assert_eq(ck_trust_match(b->certs[0], "nothing like it"), 0);
	free(sha);
	free(ski);
	ck_bundle_free(b);
}

Test(trust, diff_added_removed_rekeyed_renewed)
{
	struct ck_trust_opts o = { 0 };
	char a[4096], bdir[4096];
	struct ck_trust_store *sa, *sb;
	struct ck_trust_diff_item *items = NULL;
	size_t n = 0, same = 0, added = 0, removed = 0, key = 0, validity = 0;

	snprintf(a, sizeof a, "%s", fx("stores/old.pem"));
	snprintf(bdir, sizeof bdir, "%s", fx("stores/new"));
	sa = open_ok(a, &o);
	sb = open_ok(bdir, &o);
	cr_assert_str_eq(sb->kind, "directory");
	cr_assert_eq(ck_trust_diff(sa, sb, &items, &n, &same), CK_OK);
	for (size_t i = 0; i < n; i++) {
		added += items[i].change == CK_CHANGE_ADDED;
		removed += items[i].change == CK_CHANGE_REMOVED;
		key += items[i].change == CK_CHANGE_CHANGED && items[i].key && !items[i].validity;
		validity += items[i].change == CK_CHANGE_CHANGED && items[i].validity && !items[i].key;
	}
	cr_assert_eq(same, 3);
	cr_assert_eq(added, 1);
	cr_assert_eq(removed, 1);
	cr_assert_eq(key, 1);
	cr_assert_eq(validity, 1);
	free(items);
	cr_assert_eq(ck_trust_diff(sa, sa, &items, &n, &same), CK_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(same, 6);
	free(items);
	ck_trust_store_free(sa);
	ck_trust_store_free(sb);
}

Test(trust, non_anchors_do_not_anchor_in_the_pool)
{
	struct ck_trust_opts o = { .home = NULL };
	char home[4200];
	struct ck_trust_store *s;
	struct ck_trust t;
	struct ck_pool *p = NULL;
	size_t anchors = 0;

	snprintf(home, sizeof home, "dotnet:%s", fx("stores/dotnet-home"));
	s = open_ok(home, &o);
	t.stores = &s;
	t.nstores = 1;
	cr_assert_eq(ck_pool_new(&p), CK_OK);
	cr_assert_eq(ck_trust_add_to_pool(&t, p), CK_OK);
	for (size_t i = 0; i < ck_pool_count(p); i++)
		anchors += ck_pool_get(p, i)->anchor;
	cr_assert_eq(anchors, 1);
	ck_pool_free(p);
	ck_trust_store_free(s);
}

/* A store a caller builds itself may leave meta NULL (every certificate
 * an anchor, as the chain builder reads it); freeing it must not index
 * the NULL array (UBSan: fuzz-chain found it). */
Test(trust, store_without_meta_is_freed)
{
	struct ck_trust_store *s = calloc(1, sizeof *s);
	struct ck_bundle *b = NULL;
	struct ck_error e;

	cr_assert_eq(fx_load("pki/root-ca.crt", NULL, &b, &e), CK_OK, "%s", e.what);
	cr_assert(s);
	s->certs = calloc(1, sizeof *s->certs);
	cr_assert(s->certs);
	cr_assert_eq(ck_cert_dup(b->certs[0], &s->certs[0]), CK_OK);
	s->ncerts = 1;
	ck_trust_store_free(s);
	ck_bundle_free(b);
}
