/* export: PEM, PKCS#7, base64 and PKCS#8 output, each read back by our
 * own loader (the third-party oracles are in tests/cli/). */
#include "config.h"

#include "libcore/export.h"
#include "unit.h"

static struct ck_bundle *bundle;
static struct ck_bundle *back;
static struct ck_buf buf;

static void setup(void)
{
	ck_buf_init(&buf);
}

static void cleanup(void)
{
	ck_bundle_free(bundle);
	ck_bundle_free(back);
	ck_buf_cleanup(&buf);
	bundle = back = NULL;
}

TestSuite(export, .init = setup, .fini = cleanup);

static void load(const char *rel, const char *password)
{
	struct ck_error e;
	cr_assert_eq(fx_load(rel, password, &bundle, &e), CK_OK, "%s: %s", rel, e.what);
}

static void read_back(const char *password)
{
	struct ck_password pw = { .value = password };
	struct ck_load_opts o = { .password = &pw };
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_mem(buf.data, buf.len, "output", &o, &back, &e), CK_OK,
		     "%s", e.what);
}

static void same_certs(void)
{
	cr_assert_eq(back->ncerts, bundle->ncerts);
	for (size_t i = 0; i < bundle->ncerts; i++)
		cr_assert(ck_cert_equal(back->certs[i], bundle->certs[i]), "certificate %zu", i);
}

Test(export, buf_grows_and_wipes)
{
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(ck_buf_append(&buf, "0123456789", 10), CK_OK);
	cr_assert_eq(buf.len, 10000);
	cr_assert_eq(memcmp(buf.data + 9990, "0123456789", 10), 0);
	ck_buf_cleanup(&buf);
	cr_assert_null(buf.data);
	cr_assert_eq(buf.len, 0);
	cr_assert_eq(ck_buf_append(&buf, "", 0), CK_OK);
}

Test(export, pem_certificates_keep_order)
{
	struct ck_error e;
	load("bundles/client-scrambled.pem", NULL);
	for (size_t i = 0; i < bundle->ncerts; i++)
		cr_assert_eq(ck_export_cert_pem(bundle->certs[i], false, &buf, &e), CK_OK);
	cr_assert_eq(memcmp(buf.data, "-----BEGIN CERTIFICATE-----\n", 28), 0);
	cr_assert_eq(buf.data[buf.len - 1], '\n');
	read_back(NULL);
	same_certs();
}

Test(export, pem_attributes_are_comments)
{
	struct ck_error e;
	const char *want = "# friendlyName: Cl\xc3\xaf" "ent \xe2\x9c\x93 \xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8\n";
	load("p12/friendly-utf8.pfx", "test");
	cr_assert_eq(ck_export_cert_pem(bundle->certs[0], true, &buf, &e), CK_OK);
	cr_assert_eq(memcmp(buf.data, want, strlen(want)), 0, "%.*s", (int)buf.len, buf.data);
	cr_assert_not_null(memmem(buf.data, buf.len, "# localKeyID: ", 14));
	read_back(NULL);
	cr_assert_eq(back->ncerts, 1);
}

/* A friendly name cannot break out of its comment line. */
Test(export, pem_attribute_control_characters)
{
	struct ck_error e;
	load("bundles/client-leaf.pem", NULL);
	bundle->certs[0]->friendly_name = strdup("x\n-----BEGIN CERTIFICATE-----");
	cr_assert_eq(ck_export_cert_pem(bundle->certs[0], true, &buf, &e), CK_OK);
	cr_assert_eq(memcmp(buf.data, "# friendlyName: x?" "?----BEGIN", 28), 0, "%.*s", (int)buf.len, buf.data);
	read_back(NULL);
	cr_assert_eq(back->ncerts, 1);
}

Test(export, pem_key_plain_and_encrypted)
{
	struct ck_error e;
	load("bundles/key-rsa.pem", NULL);
	cr_assert_eq(ck_export_key_pem(bundle->keys[0], NULL, false, &buf, &e), CK_OK);
	cr_assert_eq(memcmp(buf.data, "-----BEGIN PRIVATE KEY-----\n", 28), 0);
	read_back(NULL);
	cr_assert_eq(back->nkeys, 1);
	cr_assert_arr_eq(back->keys[0]->pkcs8, bundle->keys[0]->pkcs8, bundle->keys[0]->pkcs8_len);
	ck_bundle_free(back);
	back = NULL;
	ck_buf_cleanup(&buf);

	cr_assert_eq(ck_export_key_pem(bundle->keys[0], "s3cret", false, &buf, &e), CK_OK);
	cr_assert_eq(memcmp(buf.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38), 0);
	read_back("s3cret");
	cr_assert(back->keys[0]->was_encrypted);
	cr_assert_arr_eq(back->keys[0]->spki_sha256, bundle->keys[0]->spki_sha256, 32);
	ck_bundle_free(back);
	back = NULL;
	{
		struct ck_password pw = { .value = "wrong" };
		struct ck_load_opts o = { .password = &pw };
		cr_assert_eq(ck_bundle_load_mem(buf.data, buf.len, "output", &o, &back, &e),
			     CK_E_BAD_PASSWORD);
	}
}

Test(export, pkcs7_keeps_the_order)
{
	struct ck_error e;
	load("bundles/client-scrambled.pem", NULL);
	cr_assert_eq(ck_export_pkcs7((const struct ck_cert *const *)bundle->certs, bundle->ncerts,
				     &buf, &e), CK_OK, "%s", e.what);
	read_back(NULL);
	cr_assert_eq(back->format, CK_FMT_PKCS7);
	same_certs();
}

Test(export, pkcs7_of_nothing)
{
	struct ck_error e;
	struct ck_load_opts o = { 0 };
	cr_assert_eq(ck_export_pkcs7(NULL, 0, &buf, &e), CK_OK, "%s", e.what);
	/* a valid SignedData that holds no certificate */
	cr_assert_eq(ck_bundle_load_mem(buf.data, buf.len, "output", &o, &back, &e), CK_E_PARSE);
	cr_assert_str_eq(e.what, "no certificate or key found");
}

Test(export, base64_on_one_line)
{
	struct ck_error e;
	load("bundles/client.der", NULL);
	cr_assert_eq(ck_export_base64(bundle->certs[0]->der, bundle->certs[0]->der_len, &buf, &e),
		     CK_OK);
	cr_assert_eq(memchr(buf.data, '\n', buf.len), buf.data + buf.len - 1);
	read_back(NULL);
	cr_assert_eq(back->format, CK_FMT_BASE64);
	same_certs();
}

/* what `openssl x509 -hash -noout` prints for these fixtures */
Test(export, name_hash_is_openssls)
{
	static const struct {
		const char *file;
		unsigned long hash;
	} cases[] = {
		{ "pki/root-ca.crt", 0x8d5262c7UL },
		{ "pki/client.crt", 0x8028f88aUL },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct ck_error e;
		unsigned long h = 0;
		ck_bundle_free(bundle);
		bundle = NULL;
		load(cases[k].file, NULL);
		ck_error_clear(&e);
		cr_assert_eq(ck_export_name_hash(bundle->certs[0], &h, &e), CK_OK, "%s", e.what);
		cr_assert_eq(h, cases[k].hash, "%s: %08lx, expected %08lx", cases[k].file, h, cases[k].hash);
	}
}

/* the JKS layout: magic, version 2, the count, and a SHA-1 that changes
 * with the password (keytool reads it: tests/cli/truststore-export.sh) */
Test(export, jks_header_and_password_hash)
{
	struct ck_buf other;
	struct ck_error e;
	static const unsigned char head[] = { 0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2 };
	const char *aliases[8] = { "a", "b", "c", "d", "e", "f", "g", "h" };

	load("bundles/client-chain.pem", NULL);
	cr_assert_leq(bundle->ncerts, 8);
	ck_buf_init(&other);
	cr_assert_eq(ck_export_jks((const struct ck_cert *const *)bundle->certs, aliases, bundle->ncerts,
				   "changeit", 0, &buf, &e), CK_OK);
	cr_assert_eq(ck_export_jks((const struct ck_cert *const *)bundle->certs, aliases, bundle->ncerts,
				   "other", 0, &other, &e), CK_OK);
	cr_assert_eq(memcmp(buf.data, head, sizeof head), 0);
	cr_assert_eq(buf.data[11], bundle->ncerts);
	cr_assert_eq(buf.len, other.len);
	cr_assert_eq(memcmp(buf.data, other.data, buf.len - 20), 0);
	cr_assert_neq(memcmp(buf.data + buf.len - 20, other.data + other.len - 20, 20), 0);
	ck_buf_cleanup(&other);
}
