/* pkcs12: every PFX variant, passwords, and broken containers. */
#include "config.h"

#include "libcore/der.h"
#include "libcore/export.h"
#include "libcore/pkcs12.h"
#include "unit.h"

#include <gnutls/pkcs12.h>

struct variant {
	const char *file;
	const char *password;
	const char *mac;      /* NULL: no MAC */
	const char *cipher;   /* of the first encrypted bag, NULL if none */
	const char *kdf;
	size_t certs, keys;
};

static const struct variant variants[] = {
	{ "p12/modern.pfx", "test", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/aes128.pfx", "test", "SHA256", "AES-128-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/aes192.pfx", "test", "SHA256", "AES-192-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/pbkdf2-sha1.pfx", "test", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA1", 3, 1 },
	{ "p12/3des.pfx", "test", "SHA1", "3DES-CBC", "PKCS12-KDF-SHA1", 3, 1 },
	{ "p12/rc2-40.pfx", "test", "SHA1", "RC2-40-CBC", "PKCS12-KDF-SHA1", 3, 1 },
	{ "p12/rc4-128.pfx", "test", "SHA1", "RC4-128", "PKCS12-KDF-SHA1", 3, 1 },
	{ "p12/mac-sha1.pfx", "test", "SHA1", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/mac-sha384.pfx", "test", "SHA384", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/mac-sha512.pfx", "test", "SHA512", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/nomac.pfx", "test", NULL, "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/nocrypt.pfx", "test", "SHA256", NULL, NULL, 3, 1 },
	{ "p12/nocrypt-nomac.pfx", NULL, NULL, NULL, NULL, 3, 1 },
	{ "p12/unencrypted-keybag.pfx", "test", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/nested-safecontents.pfx", "test", "SHA256", NULL, NULL, 3, 1 },
	{ "p12/crlbag.pfx", "test", "SHA256", NULL, NULL, 3, 1 },
	{ "p12/many-certs.pfx", "test", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 61, 1 },
	{ "p12/key-only.pfx", "test", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 0, 1 },
	{ "p12/certs-only.pfx", "test", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 0 },
	{ "p12/java-truststore.p12", "changeit", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 2, 0 },
	{ "p12/java-keystore.p12", "changeit", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
	{ "p12/utf8-pass.pfx", "p\xc3\xa4ssw\xc3\xb6rd-\xe6\x97\xa5\xe6\x9c\xac", "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", 3, 1 },
};

static const struct ck_p12_bag_info *first_encrypted(const struct ck_p12_info *p)
{
	for (size_t i = 0; i < p->nbags; i++)
		if (p->bags[i].encrypted)
			return &p->bags[i];
	return NULL;
}

Test(pkcs12, every_variant_opens)
{
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		const struct variant *v = &variants[i];
		const struct ck_p12_bag_info *bi;
		struct ck_bundle *b = NULL;
		struct ck_error e;
		cr_assert_eq(fx_load(v->file, v->password, &b, &e), CK_OK, "%s: %s", v->file, e.what);
		cr_assert_eq(b->format, CK_FMT_PKCS12, "%s", v->file);
		cr_assert_eq(b->ncerts, v->certs, "%s: %zu certificates", v->file, b->ncerts);
		cr_assert_eq(b->nkeys, v->keys, "%s: %zu keys", v->file, b->nkeys);
		cr_assert_eq(b->p12->has_mac, v->mac != NULL, "%s", v->file);
		if (v->mac)
			cr_assert_str_eq(b->p12->mac_algorithm, v->mac, "%s", v->file);
		bi = first_encrypted(b->p12);
		cr_assert_eq(bi != NULL, v->cipher != NULL, "%s", v->file);
		if (bi) {
			cr_assert_str_eq(bi->cipher, v->cipher, "%s", v->file);
			cr_assert_str_eq(bi->kdf, v->kdf, "%s", v->file);
			cr_assert_gt(bi->iterations, 0);
		}
		/* the key pairs with the first certificate (the leaf) */
		if (v->keys && v->certs)
			cr_assert_arr_eq(b->keys[0]->spki_sha256, b->certs[0]->spki_sha256, 32, "%s", v->file);
		ck_bundle_free(b);
	}
}

/* With no password given, the absent and the empty password are tried. */
Test(pkcs12, absent_and_empty_passwords_differ)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	struct ck_password none = { 0 };
	struct ck_load_opts o = { .password = &none };

	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_file(fx("p12/null-pass.pfx"), &o, &b, &e), CK_OK, "%s", e.what);
	cr_assert_str_eq(b->p12->password_kind, "absent");
	ck_bundle_free(b);
	cr_assert_eq(ck_bundle_load_file(fx("p12/empty-pass.pfx"), &o, &b, &e), CK_OK, "%s", e.what);
	cr_assert_str_eq(b->p12->password_kind, "empty");
	ck_bundle_free(b);
}

Test(pkcs12, no_password_and_no_terminal)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	struct ck_password none = { 0 };
	struct ck_load_opts o = { .password = &none };
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_file(fx("p12/modern.pfx"), &o, &b, &e), CK_E_PASSWORD);
	cr_assert(strstr(e.what, "password is needed"), "%s", e.what);
}

Test(pkcs12, wrong_password)
{
	const char *files[] = { "p12/modern.pfx", "p12/3des.pfx", "p12/nomac.pfx", "p12/rc4-128.pfx" };
	for (size_t i = 0; i < 4; i++) {
		struct ck_bundle *b = NULL;
		struct ck_error e;
		cr_assert_eq(fx_load(files[i], "not-it", &b, &e), CK_E_BAD_PASSWORD, "%s: %s", files[i], e.what);
		cr_assert(strstr(e.what, "wrong password"), "%s: %s", files[i], e.what);
	}
}

struct asked {
	unsigned calls;
	const char *answers[3];
};

static enum ck_status ask(void *ctx, const char *input, unsigned attempt, char **out)
{
	struct asked *a = ctx;
	cr_assert_str_eq(input, fx("p12/modern.pfx"));
	a->calls++;
	if (attempt > 3 || !a->answers[attempt - 1])
		return CK_E_PASSWORD;
	*out = strdup(a->answers[attempt - 1]);
	return CK_OK;
}

Test(pkcs12, prompt_is_retried)
{
	struct asked a = { 0, { "no", "nope", "test" } };
	struct ck_password pw = { .ask = ask, .ctx = &a };
	struct ck_load_opts o = { .password = &pw };
	struct ck_bundle *b = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_file(fx("p12/modern.pfx"), &o, &b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(a.calls, 3);
	ck_bundle_free(b);
}

Test(pkcs12, prompt_gives_up_as_wrong_password)
{
	struct asked a = { 0, { "no", "nope", "never" } };
	struct ck_password pw = { .ask = ask, .ctx = &a };
	struct ck_load_opts o = { .password = &pw };
	struct ck_bundle *b = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_file(fx("p12/modern.pfx"), &o, &b, &e), CK_E_BAD_PASSWORD);
}

Test(pkcs12, long_password)
{
	char pass[128] = "";
	size_t len = 0;
	unsigned char *p = fx_read("p12/long-pass.pfx.pass", &len);
	struct ck_bundle *b = NULL;
	struct ck_error e;
	cr_assert_geq(len, 65);
	memcpy(pass, p, len < sizeof pass - 1 ? len : sizeof pass - 1);
	free(p);
	cr_assert_eq(fx_load("p12/long-pass.pfx", pass, &b, &e), CK_OK, "%s", e.what);
	ck_bundle_free(b);
}

Test(pkcs12, friendly_names_and_key_ids)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	cr_assert_eq(fx_load("p12/friendly-utf8.pfx", "test", &b, &e), CK_OK, "%s", e.what);
	cr_assert_str_eq(b->certs[0]->friendly_name, "Cl\xc3\xaf" "ent \xe2\x9c\x93 \xe8\xa8\xbc\xe6\x98\x8e\xe6\x9b\xb8");
	cr_assert_not_null(b->keys[0]->local_key_id);
	cr_assert_eq(b->keys[0]->local_key_id_len, b->certs[0]->local_key_id_len);
	cr_assert_arr_eq(b->keys[0]->local_key_id, b->certs[0]->local_key_id, b->keys[0]->local_key_id_len);
	ck_bundle_free(b);
}

Test(pkcs12, skipped_bags_are_noted)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	cr_assert_eq(fx_load("p12/crlbag.pfx", "test", &b, &e), CK_OK, "%s", e.what);
	cr_assert_geq(b->nnotes, 2);
	for (size_t i = 0; i < b->nnotes; i++)
		cr_assert_eq(b->notes[i].id, CK_F_SKIPPED_BAG);
	ck_bundle_free(b);
}

struct broken {
	const char *file;
	enum ck_status status;
	const char *message;
};

static const struct broken broken[] = {
	{ "p12/version2.pfx", CK_E_PARSE, "version 2 is not supported" },
	{ "p12/enveloped.pfx", CK_E_UNSUPPORTED, "EnvelopedData" },
	{ "p12/deep-nesting.pfx", CK_E_PARSE, "nested more than 8 levels" },
	{ "p12/unsupported-cipher.pfx", CK_E_UNSUPPORTED, "CAMELLIA-256-CBC (1.2.392.200011.61.1.1.1.4)" },
	{ "bad/corrupted-mac.pfx", CK_E_PARSE, "MAC does not verify although the password decrypts" },
	{ "bad/corrupted-body.pfx", CK_E_PARSE, "the file is corrupt" },
	{ "bad/truncated.pfx", CK_E_PARSE, "runs past the end" },
};

Test(pkcs12, broken_containers)
{
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		struct ck_bundle *b = NULL;
		struct ck_error e;
		cr_assert_eq(fx_load(broken[i].file, "test", &b, &e), broken[i].status, "%s: %s",
			     broken[i].file, e.what);
		cr_assert(strstr(e.what, broken[i].message), "%s: %s", broken[i].file, e.what);
	}
}

/* A PFX built by GnuTLS around one key bag of `type` holding `key`, with
 * a MAC under `mac_pass` or none. */
static void pfx_around_der(const gnutls_datum_t *key, gnutls_pkcs12_bag_type_t type,
			   const char *mac_pass, gnutls_datum_t *out)
{
	gnutls_pkcs12_t p12 = NULL;
	gnutls_pkcs12_bag_t bag = NULL;

	cr_assert_geq(gnutls_pkcs12_init(&p12), 0);
	cr_assert_geq(gnutls_pkcs12_bag_init(&bag), 0);
	cr_assert_geq(gnutls_pkcs12_bag_set_data(bag, type, key), 0);
	cr_assert_geq(gnutls_pkcs12_set_bag(p12, bag), 0);
	/* GnuTLS exports a PFX only with a MAC: one is dropped below */
	cr_assert_geq(gnutls_pkcs12_generate_mac2(p12, GNUTLS_MAC_SHA256,
						  mac_pass ? mac_pass : "x"), 0);
	cr_assert_geq(gnutls_pkcs12_export2(p12, GNUTLS_X509_FMT_DER, out), 0);
	if (!mac_pass) {
		asn1_node pfx = NULL;
		unsigned char *der2 = NULL;
		size_t n2 = 0;
		struct ck_error e;
		cr_assert_eq(ck_der_decode("CHAINKIT.PFX", out->data, out->size, &pfx, &e), CK_OK);
		cr_assert_eq(asn1_write_value(pfx, "macData", NULL, 0), ASN1_SUCCESS);
		cr_assert_eq(ck_der_encode(pfx, "", &der2, &n2, &e), CK_OK, "%s", e.what);
		asn1_delete_structure(&pfx);
		gnutls_free(out->data);
		out->data = gnutls_malloc(n2);
		cr_assert_not_null(out->data);
		memcpy(out->data, der2, n2);
		out->size = (unsigned)n2;
		free(der2);
	}
	gnutls_pkcs12_bag_deinit(bag);
	gnutls_pkcs12_deinit(p12);
}

/* The same around the DER in fixture `rel`. */
static void pfx_around(const char *rel, gnutls_pkcs12_bag_type_t type, const char *mac_pass,
		       gnutls_datum_t *out)
{
	size_t n = 0;
	unsigned char *der = fx_read(rel, &n);
	gnutls_datum_t key = { der, (unsigned)n };

	pfx_around_der(&key, type, mac_pass, out);
	free(der);
}

static enum ck_status load_pfx(const gnutls_datum_t *pfx, const char *password,
			       struct ck_bundle **b, struct ck_error *e)
{
	return fx_load_mem(pfx->data, pfx->size, "built.pfx", password, b, e);
}

/* A plain key bag (not a shrouded one) that holds an encrypted PKCS#8
 * key: no password the user gives can open it, so it is a malformed
 * file, not a password question (GnuTLS writes such a bag if asked). */
Test(pkcs12, plain_key_bag_with_an_encrypted_key_is_malformed)
{
	gnutls_datum_t pfx = { NULL, 0 };
	struct ck_bundle *b = NULL;
	struct ck_error e;

	pfx_around("bundles/key-enc-nfd.der", GNUTLS_BAG_PKCS8_KEY, "test", &pfx);
	cr_assert_eq(load_pfx(&pfx, "test", &b, &e), CK_E_PARSE, "%s", e.what);
	cr_assert(strstr(e.what, "plain private key bag holds an encrypted key"), "%s", e.what);
	cr_assert_null(b);
	gnutls_free(pfx.data);
}

/* Without a MAC, the password is tried on the first protected item; here
 * the only one is a shrouded key bag (NFD password, PBES2). */
Test(pkcs12, password_found_by_a_shrouded_key_without_a_mac)
{
	gnutls_datum_t pfx = { NULL, 0 };
	struct ck_bundle *b = NULL;
	struct ck_error e;

	pfx_around("bundles/key-enc-nfd.der", GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, NULL, &pfx);
	cr_assert_eq(load_pfx(&pfx, "wrong", &b, &e), CK_E_BAD_PASSWORD, "%s", e.what);
	cr_assert_str_eq(e.what, "wrong password"); /* the probe's word, not the key bag's */
	cr_assert_eq(load_pfx(&pfx, "cafe\xcc\x81", &b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(b->nkeys, 1);
	cr_assert(b->keys[0]->was_encrypted);
	cr_assert_str_eq(b->p12->password_kind, "given");
	ck_bundle_free(b);
	gnutls_free(pfx.data);
}

/* Without a MAC, a shrouded key bag whose encryption parameters cannot be
 * read is not a probe for passwords: the file is malformed (every
 * password used to be "wrong"). */
Test(pkcs12, unreadable_key_encryption_without_a_mac_is_not_a_wrong_password)
{
	/* EncryptedPrivateKeyInfo { PBES2 with SEQUENCE { INTEGER 0 } for
	 * its parameters, OCTET STRING of 6 bytes } */
	static unsigned char epki[] = {
		0x30, 0x1b, 0x30, 0x11, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
		0x05, 0x0d, 0x30, 0x04, 0x02, 0x02, 0x00, 0x00, 0x04, 0x06, 0x01, 0x02, 0x03,
		0x04, 0x05, 0x06,
	};
	gnutls_datum_t key = { epki, sizeof epki }, pfx = { NULL, 0 };
	struct ck_bundle *b = NULL;
	struct ck_error e;

	pfx_around_der(&key, GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, NULL, &pfx);
	cr_assert_eq(load_pfx(&pfx, "test", &b, &e), CK_E_PARSE, "%s", e.what);
	cr_assert(strstr(e.what, "shrouded key bag"), "%s", e.what);
	cr_assert_null(b);
	gnutls_free(pfx.data);
}

Test(pkcs12, names_of_algorithms)
{
	cr_assert_str_eq(ck_pkcs12_cipher_name("2.16.840.1.101.3.4.1.42"), "AES-256-CBC");
	cr_assert_str_eq(ck_pkcs12_cipher_name("1.2.840.113549.1.12.1.3"), "3DES-CBC");
	cr_assert_str_eq(ck_pkcs12_cipher_name("2.16.840.1.101.3.4.2.1"), "SHA256");
	cr_assert_null(ck_pkcs12_cipher_name("1.2.3"));
}

/* ---- the writer ---- */

struct written {
	struct ck_bundle *in, *out;
	struct ck_buf buf;
};

static void written_free(struct written *w)
{
	ck_bundle_free(w->in);
	ck_bundle_free(w->out);
	ck_buf_cleanup(&w->buf);
}

/* Write `rel`'s certificates and first key with `o`, read the result
 * back with `read_password`. */
static void write_and_read(struct written *w, const char *rel, const char *password,
			   const struct ck_p12_write_opts *o, const char *read_password)
{
	struct ck_password pw = { .value = read_password };
	struct ck_load_opts lo = { .password = &pw };
	struct ck_error e;

	memset(w, 0, sizeof *w);
	ck_buf_init(&w->buf);
	cr_assert_eq(fx_load(rel, password, &w->in, &e), CK_OK, "%s", e.what);
	cr_assert_eq(ck_pkcs12_write((const struct ck_cert *const *)w->in->certs, w->in->ncerts,
				     w->in->nkeys ? w->in->keys[0] : NULL, o, &w->buf, &e),
		     CK_OK, "%s", e.what);
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_mem(w->buf.data, w->buf.len, "written", &lo, &w->out, &e),
		     CK_OK, "%s", e.what);
}

Test(pkcs12, writes_every_profile)
{
	static const struct {
		enum ck_p12_profile profile;
		const char *mac, *cert_cipher, *cert_kdf, *key_cipher, *key_kdf;
	} want[] = {
		{ CK_P12_MODERN, "SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256", "AES-256-CBC", "PBKDF2-HMAC-SHA256" },
		{ CK_P12_LEGACY, "SHA1", "3DES-CBC", "PKCS12-KDF-SHA1", "3DES-CBC", "PKCS12-KDF-SHA1" },
		{ CK_P12_OPENSSL1, "SHA1", "RC2-40-CBC", "PKCS12-KDF-SHA1", "3DES-CBC", "PKCS12-KDF-SHA1" },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct ck_p12_write_opts o = { .profile = want[i].profile, .password = "pw",
					       .friendly_name = "my key" };
		struct written w;
		const struct ck_p12_info *p;
		unsigned char sha1[20];
		write_and_read(&w, "p12/modern.pfx", "test", &o, "pw");
		p = w.out->p12;
		cr_assert_eq(w.out->ncerts, 3);
		for (size_t k = 0; k < 3; k++)
			cr_assert(ck_cert_equal(w.out->certs[k], w.in->certs[k]));
		cr_assert_eq(w.out->nkeys, 1);
		cr_assert_eq(w.out->keys[0]->pkcs8_len, w.in->keys[0]->pkcs8_len);
		cr_assert_arr_eq(w.out->keys[0]->pkcs8, w.in->keys[0]->pkcs8, w.in->keys[0]->pkcs8_len);
		cr_assert(p->has_mac);
		cr_assert_str_eq(p->mac_algorithm, want[i].mac);
		cr_assert_eq(p->mac_iterations, 2048);
		cr_assert_eq(p->mac_salt_len, 8);
		cr_assert_eq(p->nbags, 2);
		cr_assert_str_eq(p->bags[0].content, "certificates");
		cr_assert_str_eq(p->bags[0].cipher, want[i].cert_cipher);
		cr_assert_str_eq(p->bags[0].kdf, want[i].cert_kdf);
		cr_assert_eq(p->bags[0].iterations, 2048);
		cr_assert_eq(p->bags[0].salt_len, 8);
		cr_assert_str_eq(p->bags[1].content, "key");
		cr_assert_str_eq(p->bags[1].cipher, want[i].key_cipher);
		cr_assert_str_eq(p->bags[1].kdf, want[i].key_kdf);
		/* attributes on the key and its certificate only */
		cr_assert_str_eq(w.out->keys[0]->friendly_name, "my key");
		cr_assert_str_eq(w.out->certs[0]->friendly_name, "my key");
		cr_assert_null(w.out->certs[1]->friendly_name);
		cr_assert_eq(w.out->keys[0]->local_key_id_len, 20);
		ck_cert_sha1(w.in->certs[0], sha1);
		cr_assert_arr_eq(w.out->keys[0]->local_key_id, sha1, 20);
		cr_assert_arr_eq(w.out->certs[0]->local_key_id, sha1, 20);
		cr_assert_str_eq(ck_p12_profile_name(want[i].profile),
				 i == 0 ? "modern" : i == 1 ? "legacy" : "openssl1");
		written_free(&w);
	}
}

Test(pkcs12, writes_the_iteration_count_asked)
{
	struct ck_p12_write_opts o = { .profile = CK_P12_LEGACY, .password = "pw", .iterations = 5000 };
	struct written w;
	write_and_read(&w, "p12/modern.pfx", "test", &o, "pw");
	cr_assert_eq(w.out->p12->mac_iterations, 5000);
	for (size_t i = 0; i < w.out->p12->nbags; i++)
		cr_assert_eq(w.out->p12->bags[i].iterations, 5000);
	written_free(&w);
	o.profile = CK_P12_MODERN;
	o.iterations = 3000;
	write_and_read(&w, "p12/modern.pfx", "test", &o, "pw");
	cr_assert_eq(w.out->p12->mac_iterations, 3000);
	cr_assert_eq(w.out->p12->bags[0].iterations, 3000);
	cr_assert_eq(w.out->p12->bags[1].iterations, 3000);
	written_free(&w);
}

Test(pkcs12, writes_empty_and_utf8_passwords)
{
	struct ck_p12_write_opts o = { .password = "" };
	struct written w;
	/* no password given: absent, then empty is tried */
	write_and_read(&w, "p12/modern.pfx", "test", &o, NULL);
	cr_assert_str_eq(w.out->p12->password_kind, "empty");
	written_free(&w);
	o.password = "p\xc3\xa4ssw\xc3\xb6rd-\xe6\x97\xa5\xe6\x9c\xac";
	o.profile = CK_P12_OPENSSL1;
	write_and_read(&w, "p12/modern.pfx", "test", &o, o.password);
	cr_assert_eq(w.out->nkeys, 1);
	written_free(&w);
}

/* A password that is not UTF-8 (Latin-1 "café") is taken byte by byte
 * as Latin-1 in BMPString, as OpenSSL does; the MAC check agrees with
 * the writer and the decryption (GnuTLS's own MAC check refuses it). */
Test(pkcs12, writes_and_reads_passwords_that_are_not_utf8)
{
	static const enum ck_p12_profile profiles[] = { CK_P12_MODERN, CK_P12_LEGACY, CK_P12_OPENSSL1 };
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
		struct ck_p12_write_opts o = { .profile = profiles[i], .password = "caf\xe9\xff" };
		struct ck_password pw = { .value = "caf\xc3\xa9\xff" };
		struct ck_load_opts lo = { .password = &pw };
		struct ck_bundle *b = NULL;
		struct ck_error e;
		struct written w;
		write_and_read(&w, "p12/modern.pfx", "test", &o, o.password);
		cr_assert_eq(w.out->nkeys, 1);
		cr_assert_eq(w.out->ncerts, 3);
		cr_assert_str_eq(w.out->p12->password_kind, "given");
		/* the UTF-8 spelling is another password */
		ck_error_clear(&e);
		cr_assert_eq(ck_bundle_load_mem(w.buf.data, w.buf.len, "written", &lo, &b, &e),
			     CK_E_BAD_PASSWORD, "%s", e.what);
		ck_bundle_free(b);
		written_free(&w);
	}
}

Test(pkcs12, writes_key_only_and_certificates_only)
{
	struct ck_p12_write_opts o = { .password = "pw", .friendly_name = "n" };
	struct written w;
	write_and_read(&w, "p12/key-only.pfx", "test", &o, "pw");
	cr_assert_eq(w.out->ncerts, 0);
	cr_assert_eq(w.out->nkeys, 1);
	cr_assert_eq(w.out->p12->nbags, 1);
	cr_assert_str_eq(w.out->keys[0]->friendly_name, "n");
	cr_assert_null(w.out->keys[0]->local_key_id);
	written_free(&w);
	write_and_read(&w, "p12/certs-only.pfx", "test", &o, "pw");
	cr_assert_eq(w.out->ncerts, 3);
	cr_assert_eq(w.out->nkeys, 0);
	cr_assert_str_eq(w.out->certs[0]->friendly_name, "n");
	written_free(&w);
}

Test(pkcs12, writer_refuses_what_it_cannot_do)
{
	struct ck_bundle *b = NULL;
	struct ck_buf buf;
	struct ck_error e;
	struct ck_p12_write_opts o = { .password = NULL };
	enum ck_p12_profile p;

	ck_buf_init(&buf);
	cr_assert_eq(fx_load("p12/modern.pfx", "test", &b, &e), CK_OK);
	cr_assert_eq(ck_pkcs12_write((const struct ck_cert *const *)b->certs, b->ncerts, b->keys[0],
				     &o, &buf, &e), CK_E_USAGE);
	o.password = "pw";
	o.iterations = CK_P12_MAX_ITERATIONS + 1;
	cr_assert_eq(ck_pkcs12_write((const struct ck_cert *const *)b->certs, b->ncerts, b->keys[0],
				     &o, &buf, &e), CK_E_USAGE);
	o.iterations = 0;
	cr_assert_eq(ck_pkcs12_write(NULL, 0, NULL, &o, &buf, &e), CK_E_USAGE);
	o.profile = (enum ck_p12_profile)7;
	cr_assert_eq(ck_pkcs12_write((const struct ck_cert *const *)b->certs, b->ncerts, b->keys[0],
				     &o, &buf, &e), CK_E_USAGE);
	cr_assert_eq(buf.len, 0);
	cr_assert(ck_p12_profile_parse("legacy", &p));
	cr_assert_eq(p, CK_P12_LEGACY);
	cr_assert_not(ck_p12_profile_parse("Modern", &p));
	cr_assert_null(ck_p12_profile_name((enum ck_p12_profile)7));
	ck_bundle_free(b);
	ck_buf_cleanup(&buf);
}

/* Two writes of the same input differ (fresh salts and IVs). */
Test(pkcs12, writer_salts_are_fresh)
{
	struct ck_p12_write_opts o = { .password = "pw" };
	struct written a, b;
	write_and_read(&a, "p12/chain-missing.pfx", "test", &o, "pw");
	write_and_read(&b, "p12/chain-missing.pfx", "test", &o, "pw");
	cr_assert(a.buf.len != b.buf.len || memcmp(a.buf.data, b.buf.data, a.buf.len) != 0);
	written_free(&a);
	written_free(&b);
}

/* The key-derivation budget: each MAC check and each decryption, for
 * each password tried, counts its iterations; one over is refused
 * before it runs. */
Test(pkcs12, kdf_budget_counts_every_derivation)
{
	static const struct {
		const char *file, *password;
		unsigned long long needed;
	} cases[] = {
		/* the MAC, the certificates, the key: 2048 each */
		{ "p12/modern.pfx", "test", 3 * 2048 },
		/* no MAC, plain certificates: the probe (the shrouded key), then the key */
		{ "p12/nomac.pfx", "test", 2 * 2048 },
		/* no password given: the absent, then the empty one, on the MAC;
		 * then the certificates and the key */
		{ "p12/empty-pass.pfx", NULL, 4 * 2048 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ck_password pw = { .value = cases[i].password };
		struct ck_load_opts o = { .password = &pw, .kdf_budget = cases[i].needed };
		struct ck_bundle *b = NULL;
		struct ck_error e;

		ck_error_clear(&e);
		cr_assert_eq(ck_bundle_load_file(fx(cases[i].file), &o, &b, &e), CK_OK, "%s: %s",
			     cases[i].file, e.what);
		ck_bundle_free(b);
		b = NULL;
		o.kdf_budget = cases[i].needed - 1;
		cr_assert_eq(ck_bundle_load_file(fx(cases[i].file), &o, &b, &e), CK_E_KDF_BUDGET,
			     "%s: %s", cases[i].file, e.what);
		cr_assert_null(b);
		cr_assert(strstr(e.what, "kdf-budget-exceeded"), "%s", e.what);
		cr_assert(strstr(e.what, "budget of"), "%s", e.what);
	}
	cr_assert_eq(ck_status_exit_code(CK_E_KDF_BUDGET), 3);
}
