/* jks: the keystore reader, on keytool's files and on every way to
 * break them. */
#include "config.h"

#include "libcore/jks.h"
#include "unit.h"

#include <gnutls/crypto.h>

static enum ck_status parse(const unsigned char *d, size_t len, const char *pw,
			    struct ck_bundle **out, struct ck_error *e)
{
	struct ck_password p = { .value = pw };
	struct ck_bundle *b = calloc(1, sizeof *b);
	enum ck_status rc;
	cr_assert(b);
	ck_error_clear(e);
	rc = ck_jks_load(b, d, len, pw ? &p : NULL, 0, e);
	if (rc) {
		cr_assert_eq(b->ncerts, 0, "a failed keystore leaves certificates behind");
		cr_assert_null(b->jks);
		ck_bundle_free(b);
		return rc;
	}
	*out = b;
	return CK_OK;
}

/* Recompute the integrity hash of a modified keystore for `pw`. */
static void redigest(unsigned char *d, size_t len, const char *pw)
{
	gnutls_hash_hd_t h;
	cr_assert_eq(gnutls_hash_init(&h, GNUTLS_DIG_SHA1), 0);
	for (const char *p = pw; *p; p++) {
		unsigned char u[2] = { 0, (unsigned char)*p };
		gnutls_hash(h, u, 2);
	}
	gnutls_hash(h, "Mighty Aphrodite", 16);
	gnutls_hash(h, d, len - 20);
	gnutls_hash_deinit(h, d + len - 20);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

Test(jks, reads_keytool_truststore)
{
	size_t len;
	unsigned char *d = fx_read("stores/cacerts.jks", &len);
	struct ck_bundle *b = NULL;
	struct ck_error e;

	cr_assert(ck_jks_sniff(d, len));
	cr_assert_eq(parse(d, len, NULL, &b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(b->ncerts, 4);
	cr_assert_eq(b->jks->nentries, 4);
	cr_assert_not(b->jks->jceks);
	cr_assert_eq(b->jks->version, 2);
	cr_assert(b->jks->integrity_checked);
	cr_assert_str_eq(b->jks->password_kind, "default");
	for (size_t i = 0; i < 4; i++) {
		const struct ck_jks_entry *en = &b->jks->entries[i];
		cr_assert_eq(en->type, CK_JKS_TRUSTED_CERT);
		cr_assert_str_eq(en->cert_type, "X.509");
		cr_assert_gt(en->date_ms, 1500000000000LL);
		cr_assert_str_eq(b->certs[en->first_cert]->friendly_name, en->alias);
	}
	ck_bundle_free(b);
	free(d);
}

Test(jks, key_entry_listed_not_decrypted)
{
	size_t len;
	unsigned char *d = fx_read("stores/custom.jks", &len);
	struct ck_bundle *b = NULL;
	struct ck_error e;
	const struct ck_jks_entry *key = NULL;

	cr_assert_eq(parse(d, len, NULL, &b, &e), CK_OK, "%s", e.what);
	cr_assert_not(b->jks->integrity_checked, "storepass1 is not a default password");
	cr_assert_null(b->jks->password_kind);
	cr_assert_eq(b->nkeys, 0);
	for (size_t i = 0; i < b->jks->nentries; i++)
		if (b->jks->entries[i].type == CK_JKS_PRIVATE_KEY)
			key = &b->jks->entries[i];
	cr_assert(key);
	cr_assert_str_eq(key->alias, "client");
	cr_assert_eq(key->chain_len, 3);
	cr_assert_eq(key->ncerts, 3);
	cr_assert_gt(key->key_len, 1000);
	cr_assert_str_eq(b->certs[key->first_cert]->subject, "CN=client.example.test,O=chainkit tests");
	ck_bundle_free(b);
	cr_assert_eq(parse(d, len, "storepass1", &b, &e), CK_OK, "%s", e.what);
	cr_assert(b->jks->integrity_checked);
	cr_assert_str_eq(b->jks->password_kind, "given");
	ck_bundle_free(b);
	free(d);
}

Test(jks, wrong_password)
{
	size_t len, clen;
	unsigned char *d = fx_read("stores/custom.jks", &len), *c = fx_read("stores/cacerts.jks", &clen);
	struct ck_bundle *b = NULL;
	struct ck_error e;

	/* no way to tell a modified file from a wrong password: CK_E_PARSE */
	cr_assert_eq(parse(d, len, "wrongpass", &b, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "integrity hash does not match"), "%s", e.what);
	/* unless the default password matches: then it is the password */
	cr_assert_eq(parse(c, clen, "wrongpass", &b, &e), CK_E_BAD_PASSWORD);
	cr_assert(strstr(e.what, "changeit"), "%s", e.what);
	free(c);
	free(d);
}

Test(jks, jceks_secret_key_walked)
{
	size_t len;
	unsigned char *d = fx_read("stores/cacerts.jceks", &len);
	struct ck_bundle *b = NULL;
	struct ck_error e;
	size_t secret = 0;

	cr_assert_eq(parse(d, len, "changeit", &b, &e), CK_OK, "%s", e.what);
	cr_assert(b->jks->jceks);
	cr_assert(b->jks->integrity_checked, "the hash covers the walked object: its end was found");
	for (size_t i = 0; i < b->jks->nentries; i++)
		secret += b->jks->entries[i].type == CK_JKS_SECRET_KEY;
	cr_assert_eq(secret, 1);
	cr_assert_eq(b->ncerts, 3);
	ck_bundle_free(b);
	free(d);
}

/* Every prefix of every keystore is an error, never a crash (ASan
 * builds make an overread fail here). */
Test(jks, every_truncation_fails_cleanly)
{
	const char *files[] = { "stores/cacerts.jks", "stores/custom.jks", "stores/cacerts.jceks" };
	for (size_t f = 0; f < 3; f++) {
		size_t len;
		unsigned char *d = fx_read(files[f], &len);
		for (size_t cut = 0; cut < len - 20; cut++) {
			unsigned char *copy = malloc(cut ? cut : 1);
			struct ck_bundle *b = NULL;
			struct ck_error e;
			memcpy(copy, d, cut);
			cr_assert_eq(parse(copy, cut, NULL, &b, &e), CK_E_PARSE, "%s cut at %zu", files[f], cut);
			cr_assert(e.what[0]);
			free(copy);
		}
		free(d);
	}
}

/* Flip every byte of the header and first entry, one at a time: a
 * parse error or a store, and no crash. */
Test(jks, byte_flips_never_crash)
{
	size_t len;
	unsigned char *d = fx_read("stores/custom.jks", &len);
	for (size_t i = 0; i < 200 && i < len; i++) {
		for (unsigned x = 1; x < 256; x <<= 1) {
			struct ck_bundle *b = NULL;
			struct ck_error e;
			d[i] ^= (unsigned char)x;
			if (parse(d, len, NULL, &b, &e) == CK_OK)
				ck_bundle_free(b);
			d[i] ^= (unsigned char)x;
		}
	}
	free(d);
}

Test(jks, absurd_counts_and_lengths)
{
	size_t len;
	unsigned char *d = fx_read("stores/cacerts.jks", &len);
	struct ck_bundle *b = NULL;
	struct ck_error e;
	uint32_t values[] = { 0xffffffffu, 0x7fffffffu, 0x10000000u, 100001u };

	for (size_t v = 0; v < 4; v++) {
		unsigned char *c = malloc(len);
		memcpy(c, d, len);
		put32(c + 8, values[v]); /* entry count */
		redigest(c, len, "changeit");
		cr_assert_eq(parse(c, len, NULL, &b, &e), CK_E_PARSE);
		cr_assert(strstr(e.what, "entries, more than"), "%s", e.what);
		memcpy(c, d, len);
		/* first entry: tag(4) alias(2+n) date(8) type(2+5) then the length */
		{
			size_t alias = (size_t)c[16] << 8 | c[17];
			size_t at = 12 + 4 + 2 + alias + 8 + 2 + 5;
			put32(c + at, values[v]);
		}
		cr_assert_eq(parse(c, len, NULL, &b, &e), CK_E_PARSE);
		cr_assert(strstr(e.what, "-byte certificate"), "%s", e.what);
		free(c);
	}
	free(d);
}

/* Found by fuzz/fuzz-jks: every byte of an alias that is not modified
 * UTF-8 becomes U+FFFD (3 bytes), and the buffer was sized for 2 per
 * byte (a heap overflow under ASan). */
Test(jks, alias_of_invalid_bytes_becomes_replacement_characters)
{
	size_t len;
	unsigned char *c = fx_read("stores/cacerts.jks", &len);
	size_t alias = (size_t)c[16] << 8 | c[17];
	struct ck_bundle *b = NULL;
	struct ck_error e;
	char want[3 * 256 + 1] = "";

	cr_assert(alias > 0 && alias < 256);
	memset(c + 18, 0xff, alias);
	for (size_t i = 0; i < alias; i++)
		strcat(want, "\xef\xbf\xbd");
	redigest(c, len, "changeit");
	cr_assert_eq(parse(c, len, NULL, &b, &e), CK_OK, "%s", e.what);
	cr_assert_str_eq(b->jks->entries[0].alias, want);
	ck_bundle_free(b);
	free(c);
}

Test(jks, header_errors)
{
	unsigned char bad_version[] = { 0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 3, 0, 0, 0, 0 };
	unsigned char empty_v2[32] = { 0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 0 };
	unsigned char not_magic[] = { 0x30, 0x82, 0, 0 };
	struct ck_bundle *b = NULL;
	struct ck_error e;

	cr_assert_not(ck_jks_sniff(not_magic, sizeof not_magic));
	cr_assert_eq(parse(bad_version, sizeof bad_version, NULL, &b, &e), CK_E_PARSE);
	cr_assert(strstr(e.what, "version 3"), "%s", e.what);
	/* an empty keystore is valid: 0 entries and the hash */
	redigest(empty_v2, sizeof empty_v2, "changeit");
	cr_assert_eq(parse(empty_v2, sizeof empty_v2, NULL, &b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(b->jks->nentries, 0);
	cr_assert(b->jks->integrity_checked);
	ck_bundle_free(b);
}

Test(jks, load_reads_jks_as_format_jks)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	cr_assert_eq(fx_load("stores/cacerts.jks", NULL, &b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(b->format, CK_FMT_JKS);
	cr_assert_str_eq(ck_format_name(b->format), "jks");
	cr_assert_eq(b->ncerts, 4);
	ck_bundle_free(b);
}

/* The one password encoder (integrity hash, KeyProtector, the JKS
 * writer): Java's char[] — surrogate pairs beyond the BMP; invalid UTF-8
 * bytes become U+FFFD, each, and are reported. */
Test(jks, password_as_java_utf16)
{
	static const struct {
		const char *pw;
		const char *hex;
		bool lossy;
	} cases[] = {
		{ "", "", false },
		{ "changeit", "006300680061006e0067006500690074", false },
		{ "a\xf0\x9f\x98\x80\xc3\xa9", "0061d83dde0000e9", false },      /* U+1F600, U+00E9 */
		{ "\xf4\x8f\xbf\xbf", "dbffdfff", false },                        /* U+10FFFF */
		{ "\xe2\x82\xac", "20ac", false },                                /* U+20AC */
		{ "\xff", "fffd", true },
		{ "\xc0\xaf", "fffdfffd", true },                                 /* overlong */
		{ "\xed\xa0\x80", "fffdfffdfffd", true },                         /* a surrogate */
		{ "\xf4\x90\x80\x80", "fffdfffdfffdfffd", true },                 /* past U+10FFFF */
		{ "x\xf0\x9f\x98", "0078fffdfffdfffd", true },                    /* cut short */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = 0;
		bool lossy = !cases[i].lossy;
		unsigned char *u = ck_jks_password_utf16be(cases[i].pw, &len, &lossy);
		char hex[64] = "";
		cr_assert(u);
		for (size_t k = 0; k < len; k++)
			snprintf(hex + 2 * k, sizeof hex - 2 * k, "%02x", u[k]);
		cr_assert_str_eq(hex, cases[i].hex, "case %zu", i);
		cr_assert_eq(lossy, cases[i].lossy, "case %zu", i);
		free(u);
	}
}
