/* load: every input form, the format sniff, and every bad input. */
#include "config.h"

#include "unit.h"

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

struct form {
	const char *file;
	const char *password;
	enum ck_format format;
	size_t certs, keys;
};

/* What each fixture holds (see fixtures/README.md). */
static const struct form forms[] = {
	{ "bundles/client-full.pem", NULL, CK_FMT_PEM, 3, 0 },
	{ "bundles/client-chain.pem", NULL, CK_FMT_PEM, 2, 0 },
	{ "bundles/client-leaf.pem", NULL, CK_FMT_PEM, 1, 0 },
	{ "bundles/client-text.pem", NULL, CK_FMT_PEM, 2, 0 },
	{ "bundles/client-crlf.pem", NULL, CK_FMT_PEM, 2, 0 },
	{ "bundles/client-bom.pem", NULL, CK_FMT_PEM, 2, 0 },
	{ "bundles/client-x509label.pem", NULL, CK_FMT_PEM, 2, 0 },
	{ "bundles/client-trusted.pem", NULL, CK_FMT_PEM, 2, 0 },
	{ "bundles/client-p7.pem", NULL, CK_FMT_PEM, 2, 0 },
	{ "bundles/client-combined.pem", NULL, CK_FMT_PEM, 2, 1 },
	{ "bundles/two-leaves.pem", NULL, CK_FMT_PEM, 3, 0 },
	{ "bundles/key-pkcs8.pem", NULL, CK_FMT_PEM, 0, 1 },
	{ "bundles/key-rsa.pem", NULL, CK_FMT_PEM, 0, 1 },
	{ "bundles/key-ec.pem", NULL, CK_FMT_PEM, 0, 1 },
	{ "bundles/key-enc-pkcs8.pem", "secret", CK_FMT_PEM, 0, 1 },
	{ "bundles/key-rsa-legacy-enc.pem", "secret", CK_FMT_PEM, 0, 1 },
	/* passwords as OpenSSL takes them: not UTF-8, not NFC */
	{ "bundles/key-enc-latin1.pem", "caf\xe9", CK_FMT_PEM, 0, 1 },
	{ "bundles/key-enc-nfd.der", "cafe\xcc\x81", CK_FMT_DER, 0, 1 },
	{ "bundles/key-pkcs8.der", NULL, CK_FMT_DER, 0, 1 },
	{ "bundles/client.der", NULL, CK_FMT_DER, 1, 0 },
	{ "bundles/client-chain.p7b", NULL, CK_FMT_PKCS7, 2, 0 },
	{ "bundles/client-chain-ber.p7b", NULL, CK_FMT_PKCS7, 2, 0 },
	{ "bundles/client-chain.p7c", NULL, CK_FMT_PKCS7, 2, 0 },
	{ "bundles/client.b64", NULL, CK_FMT_BASE64, 1, 0 },
	{ "bundles/client-wrapped.b64", NULL, CK_FMT_BASE64, 1, 0 },
	{ "bundles/client-chain-p7b.b64", NULL, CK_FMT_BASE64, 2, 0 },
	{ "bundles/client-pfx.b64", "test", CK_FMT_BASE64, 3, 1 },
	{ "bundles/key-pkcs8.b64", NULL, CK_FMT_BASE64, 0, 1 },
	{ "p12/modern.pfx", "test", CK_FMT_PKCS12, 3, 1 },
	{ "demo/client.pfx", "demo", CK_FMT_PKCS12, 1, 1 },
};

Test(load, every_form)
{
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		const struct form *f = &forms[i];
		struct ck_bundle *b = NULL;
		struct ck_error e;
		cr_assert_eq(fx_load(f->file, f->password, &b, &e), CK_OK, "%s: %s", f->file, e.what);
		cr_assert_eq(b->format, f->format, "%s: format %s", f->file, ck_format_name(b->format));
		cr_assert_eq(b->ncerts, f->certs, "%s: %zu certificates", f->file, b->ncerts);
		cr_assert_eq(b->nkeys, f->keys, "%s: %zu keys", f->file, b->nkeys);
		ck_bundle_free(b);
	}
}

Test(load, same_certificates_in_every_form)
{
	const char *files[] = { "bundles/client-chain.pem", "bundles/client-text.pem",
				"bundles/client-crlf.pem", "bundles/client-bom.pem",
				"bundles/client-chain.p7b", "bundles/client-chain-ber.p7b",
				"bundles/client-chain-p7b.b64", "bundles/client-trusted.pem" };
	struct ck_bundle *ref = NULL;
	struct ck_error e;
	cr_assert_eq(fx_load(files[0], NULL, &ref, &e), CK_OK);
	for (size_t i = 1; i < sizeof files / sizeof files[0]; i++) {
		struct ck_bundle *b = NULL;
		cr_assert_eq(fx_load(files[i], NULL, &b, &e), CK_OK, "%s", files[i]);
		for (size_t k = 0; k < ref->ncerts; k++)
			cr_assert(ck_cert_equal(ref->certs[k], b->certs[k]), "%s cert %zu", files[i], k);
		ck_bundle_free(b);
	}
	ck_bundle_free(ref);
}

Test(load, key_matches_its_certificate)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	cr_assert_eq(fx_load("bundles/client-combined.pem", NULL, &b, &e), CK_OK);
	cr_assert_arr_eq(b->keys[0]->spki_sha256, b->certs[0]->spki_sha256, 32);
	cr_assert_str_eq(ck_key_type(b->keys[0]), "RSA");
	cr_assert_eq(b->keys[0]->bits, 2048);
	ck_bundle_free(b);
}

Test(load, encrypted_key_needs_a_password)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	cr_assert_eq(fx_load("bundles/key-enc-pkcs8.pem", NULL, &b, &e), CK_E_PASSWORD);
	cr_assert_eq(fx_load("bundles/key-enc-pkcs8.pem", "wrong", &b, &e), CK_E_BAD_PASSWORD);
	cr_assert(strstr(e.what, "wrong password"), "%s", e.what);
	cr_assert_eq(fx_load("bundles/key-rsa-legacy-enc.pem", "wrong", &b, &e), CK_E_BAD_PASSWORD);
}

/* The first PEM block of a fixture under another label, with `header`
 * (RFC 1421 header lines and their blank line) after the BEGIN line. */
static char *pem_relabel(const char *rel, const char *label, const char *header, size_t *len)
{
	size_t n, i = 0, o;
	unsigned char *d = fx_read(rel, &n);
	char *t = malloc(n + strlen(label) * 2 + (header ? strlen(header) : 0) + 64);

	cr_assert_not_null(t);
	o = (size_t)sprintf(t, "-----BEGIN %s-----\n%s", label, header ? header : "");
	while (i < n && d[i++] != '\n') /* past the BEGIN line */
		;
	while (i < n && memcmp(d + i, "-----END ", 9) != 0)
		t[o++] = (char)d[i++];
	cr_assert_lt(i, n, "%s: no END line", rel);
	o += (size_t)sprintf(t + o, "-----END %s-----\n", label);
	free(d);
	*len = o;
	return t;
}

/* A PRIVATE KEY or ENCRYPTED PRIVATE KEY block is read from the DER
 * load's own PEM reader decoded: RFC 1421 header lines before the body
 * do not stop it, its label says which PKCS#8 structure it must hold,
 * and a key under Proc-Type/DEK-Info headers is still read from the
 * text, whatever its label. */
static const struct {
	const char *file, *label, *header, *password;
	enum ck_status status;
	bool encrypted;      /* for a key that loads: was it */
	const char *message; /* for one that does not: the error */
} pkcs8_blocks[] = {
	{ "bundles/key-enc-pkcs8.pem", "ENCRYPTED PRIVATE KEY", "Comment: from a partner\n\n",
	  "secret", CK_OK, true, NULL },
	{ "bundles/key-pkcs8.pem", "PRIVATE KEY", "Comment: from a partner\n\n", NULL, CK_OK,
	  false, NULL },
	{ "bundles/key-pkcs8.pem", "PRIVATE KEY", "Comment: a\r\nComment: b\r\n\r\n", NULL,
	  CK_OK, false, NULL },
	{ "bundles/key-rsa-legacy-enc.pem", "PRIVATE KEY", NULL, "secret", CK_OK, true, NULL },
	{ "bundles/key-enc-pkcs8.pem", "ENCRYPTED PRIVATE KEY", "Comment: x\n\n", "wrong",
	  CK_E_BAD_PASSWORD, false, "wrong password for the encrypted private key" },
	{ "bundles/key-enc-pkcs8.pem", "ENCRYPTED PRIVATE KEY", "Comment: x\n\n", NULL,
	  CK_E_PASSWORD, false, "the private key is encrypted and no password was given" },
	{ "bundles/key-enc-pkcs8.pem", "PRIVATE KEY", NULL, "secret", CK_E_PARSE, false,
	  "PRIVATE KEY block at line 1: it holds an encrypted key, not a PrivateKeyInfo (PKCS#8)" },
	{ "bundles/key-pkcs8.pem", "ENCRYPTED PRIVATE KEY", NULL, "secret", CK_E_PARSE, false,
	  "ENCRYPTED PRIVATE KEY block at line 1: it holds a key that is not encrypted, "
	  "not an EncryptedPrivateKeyInfo (PKCS#8)" },
	{ "bundles/key-rsa.pem", "PRIVATE KEY", NULL, NULL, CK_E_PARSE, false,
	  "PRIVATE KEY block at line 1: it holds a PKCS#1 or SEC1 key, not a PrivateKeyInfo "
	  "(PKCS#8)" },
	{ "bundles/client-chain.pem", "PRIVATE KEY", NULL, NULL, CK_E_PARSE, false,
	  "PRIVATE KEY block at line 1: it holds a certificate, not a PrivateKeyInfo (PKCS#8)" },
};

Test(load, pkcs8_pem_blocks)
{
	struct ck_bundle *ref = NULL;
	struct ck_error e;

	cr_assert_eq(fx_load("bundles/key-pkcs8.pem", NULL, &ref, &e), CK_OK, "%s", e.what);
	for (size_t i = 0; i < sizeof pkcs8_blocks / sizeof pkcs8_blocks[0]; i++) {
		struct ck_bundle *b = NULL;
		size_t n;
		char *t = pem_relabel(pkcs8_blocks[i].file, pkcs8_blocks[i].label,
				      pkcs8_blocks[i].header, &n);
		enum ck_status rc = fx_load_mem(t, n, "k.pem", pkcs8_blocks[i].password, &b, &e);

		cr_assert_eq(rc, pkcs8_blocks[i].status, "case %zu: %d %s", i, rc, e.what);
		if (rc == CK_OK) {
			cr_assert_eq(b->nkeys, 1, "case %zu", i);
			cr_assert_eq(b->keys[0]->was_encrypted, pkcs8_blocks[i].encrypted,
				     "case %zu", i);
			cr_assert_arr_eq(b->keys[0]->spki_sha256, ref->keys[0]->spki_sha256, 32,
					 "case %zu", i);
			ck_bundle_free(b);
		} else {
			cr_assert_str_eq(e.what, pkcs8_blocks[i].message, "case %zu", i);
			cr_assert_null(b, "case %zu", i);
		}
		free(t);
	}
	ck_bundle_free(ref);
}

/* A PKCS#8 block whose DER is something else: the message says what it
 * holds (even when that DER is broken too), or else where its DER
 * breaks (the error locator's byte offset, as in certificate blocks),
 * or that it is not the structure named. */
Test(load, pkcs8_pem_blocks_holding_something_else)
{
	static const struct {
		const char *label;
		const char *file;      /* the DER: a fixture ... */
		size_t trailing_zeros; /* ... with this many zero bytes after it, */
		const char *bytes;     /* or these bytes ... */
		size_t len;            /* ... of this length */
		const char *message;
	} cases[] = {
		{ "PRIVATE KEY", "pki/int-ca.crl", 0, NULL, 0,
		  "PRIVATE KEY block at line 1: it holds a CRL (certificate revocation list), "
		  "not a PrivateKeyInfo (PKCS#8)" },
		{ "ENCRYPTED PRIVATE KEY", "bad/client.csr", 0, NULL, 0,
		  "ENCRYPTED PRIVATE KEY block at line 1: it holds a certificate request (CSR), "
		  "not an EncryptedPrivateKeyInfo (PKCS#8)" },
		{ "PRIVATE KEY", "pki/client.der", 2, NULL, 0,
		  "PRIVATE KEY block at line 1: it holds a certificate, not a PrivateKeyInfo "
		  "(PKCS#8)" },
		{ "PRIVATE KEY", NULL, 0, "hello", 5,
		  "PRIVATE KEY block at line 1: DER length at byte 1 runs past the end of the "
		  "block (content at byte 2 needs 101 bytes, 3 left)" },
		{ "ENCRYPTED PRIVATE KEY", NULL, 0, "\x30\x00", 2,
		  "ENCRYPTED PRIVATE KEY block at line 1: not an EncryptedPrivateKeyInfo (PKCS#8)" },
		{ "PRIVATE KEY", NULL, 0, "\x02\x01\x00", 3,
		  "PRIVATE KEY block at line 1: not a PrivateKeyInfo (PKCS#8)" },
		{ "PRIVATE KEY", NULL, 0, "\x30\x05\x06\x03\x2a\x03\x04", 7,
		  "PRIVATE KEY block at line 1: not a PrivateKeyInfo (PKCS#8)" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ck_bundle *b = NULL;
		struct ck_error e;
		size_t n = cases[i].len;
		unsigned char *der = NULL;
		gnutls_datum_t in, pem = { NULL, 0 };

		if (cases[i].file) {
			der = fx_read(cases[i].file, &n);
			der = realloc(der, n + cases[i].trailing_zeros);
			cr_assert_not_null(der);
			memset(der + n, 0, cases[i].trailing_zeros);
			n += cases[i].trailing_zeros;
		}
		in.data = der ? der : (unsigned char *)cases[i].bytes;
		in.size = (unsigned)n;

		cr_assert_geq(gnutls_pem_base64_encode2(cases[i].label, &in, &pem), 0);
		cr_assert_eq(fx_load_mem((const char *)pem.data, pem.size, "k.pem", "secret", &b, &e),
			     CK_E_PARSE, "case %zu: %s", i, e.what);
		cr_assert_str_eq(e.what, cases[i].message, "case %zu", i);
		cr_assert_null(b, "case %zu", i);
		gnutls_free(pem.data);
		free(der);
	}
}

struct bad {
	const char *file;
	enum ck_status status;
	const char *message;
};

static const struct bad bads[] = {
	{ "bad/empty.pem", CK_E_PARSE, "the file is empty" },
	{ "bad/random.bin", CK_E_PARSE, "unrecognized format" },
	{ "bad/bad-base64.pem", CK_E_PARSE, "bad base64 in CERTIFICATE block at line 1" },
	{ "bad/empty-block.pem", CK_E_PARSE, "empty CERTIFICATE block at line 1" },
	{ "bad/truncated.der", CK_E_PARSE, "DER length at byte 1 runs past the end of the file (content at byte 4 needs 1073 bytes, 296 left)" },
	{ "bad/huge-length.der", CK_E_PARSE, "DER length at byte 1 is larger than 2 GiB (4294967295 bytes; 0 left in the file)" },
	{ "bad/long-line.txt", CK_E_PARSE, "not DER" },
	{ "bad/not-a-cert.pem", CK_E_PARSE, "CERTIFICATE block at line 1: DER length at byte 1 is larger than 2 GiB" },
	{ "bad/truncated.pfx", CK_E_PARSE, "DER length at byte 1 runs past the end of the file (content at byte 4 needs 4796 bytes, 2396 left)" },
	{ "asn1/length-past-end.der", CK_E_PARSE, "DER length at byte 3 runs past the end of the SEQUENCE at byte 0" },
	{ "asn1/nested-200.der", CK_E_PARSE, "nesting deeper than 120 levels at byte 454" },
	{ "pki/root-ca.crl", CK_E_UNSUPPORTED, "this is a CRL" },
};

Test(load, bad_inputs)
{
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		struct ck_bundle *b = NULL;
		struct ck_error e;
		cr_assert_eq(fx_load(bads[i].file, "test", &b, &e), bads[i].status, "%s: %d %s",
			     bads[i].file, e.status, e.what);
		cr_assert(strstr(e.what, bads[i].message), "%s: %s", bads[i].file, e.what);
		cr_assert(strstr(e.file, bads[i].file), "%s: file '%s'", bads[i].file, e.file);
		cr_assert_null(b);
	}
}

Test(load, directory_missing_and_size_limit)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	struct ck_load_opts o = { .max_size = 100 };
	cr_assert_eq(fx_load("pki", NULL, &b, &e), CK_E_IO);
	cr_assert_str_eq(e.what, "is a directory");
	cr_assert_eq(fx_load("no-such-file", NULL, &b, &e), CK_E_IO);
	cr_assert(strstr(e.what, "No such file"), "%s", e.what);
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_file(fx("bundles/client-full.pem"), &o, &b, &e), CK_E_TOO_LARGE);
	cr_assert(strstr(e.what, "over the limit of 100 bytes"), "%s", e.what);
}

Test(load, csr_and_crl_are_named)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	cr_assert_eq(fx_load("pki/ec-int.crl", NULL, &b, &e), CK_E_UNSUPPORTED);
	cr_assert(strstr(e.what, "CRL"), "%s", e.what);
}

Test(load, text_only_input)
{
	const char *txt = "hello world, no certificate here\n";
	struct ck_bundle *b = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_mem((const unsigned char *)txt, strlen(txt), "t", NULL, &b, &e),
		     CK_E_PARSE);
}

Test(load, unknown_pem_blocks_are_noted)
{
	const char *pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
	size_t len = 0;
	unsigned char *cert = fx_read("bundles/client-leaf.pem", &len);
	size_t total = len + strlen(pem);
	unsigned char *both = malloc(total);
	struct ck_bundle *b = NULL;
	struct ck_error e;
	memcpy(both, cert, len);
	memcpy(both + len, pem, strlen(pem));
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_mem(both, total, "x", NULL, &b, &e), CK_OK, "%s", e.what);
	cr_assert_eq(b->nnotes, 1);
	cr_assert_eq(b->notes[0].id, CK_F_SKIPPED_CONTENT);
	ck_bundle_free(b);
	free(both);
	free(cert);
}

/* `parts` read from fixtures and joined; a part's trailing newline is
 * dropped when it is followed by "-" in the list, text is taken as it
 * is when it starts with "+". */
static unsigned char *glue_parts(const char *const *parts, size_t *total)
{
	unsigned char *all = NULL;
	size_t n = 0;

	for (size_t i = 0; parts[i]; i++) {
		size_t len;
		unsigned char *d;
		if (!strcmp(parts[i], "-")) {
			cr_assert(n > 0 && all[n - 1] == '\n');
			n--;
			continue;
		}
		if (parts[i][0] == '+') {
			len = strlen(parts[i] + 1);
			d = (unsigned char *)strdup(parts[i] + 1);
		} else {
			d = fx_read(parts[i], &len);
		}
		all = realloc(all, n + len);
		cr_assert_not_null(all);
		memcpy(all + n, d, len);
		n += len;
		free(d);
	}
	*total = n;
	return all;
}

static struct ck_bundle *load_parts(const char *const *parts)
{
	size_t len;
	unsigned char *d = glue_parts(parts, &len);
	struct ck_bundle *b = NULL;
	struct ck_error e;

	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_mem(d, len, "glued", NULL, &b, &e), CK_OK, "%s", e.what);
	free(d);
	return b;
}

static const struct ck_note *find_note(const struct ck_bundle *b, const char *code)
{
	for (size_t i = 0; i < b->nnotes; i++)
		if (!strcmp(ck_finding_name(b->notes[i].id), code))
			return &b->notes[i];
	return NULL;
}

Test(load, glued_blocks_are_all_read_and_recorded)
{
	const char *const parts[] = { "pki/client.crt", "-", "pki/int-ca.crt", "pki/root-ca.crt", NULL };
	struct ck_bundle *b = load_parts(parts);
	const struct ck_note *n = find_note(b, "pem-glued-blocks");

	cr_assert_eq(b->ncerts, 3);
	cr_assert_eq(b->nglued, 1);
	cr_assert_eq(b->glued[0].kind, CK_GLUE_AFTER_END);
	cr_assert_eq(b->glued[0].block, 2);
	cr_assert_eq(b->glued[0].line, 25);
	cr_assert_not_null(n);
	cr_assert_eq(ck_finding_def(n->id)->severity, CK_SEV_WARNING);
	cr_assert(strstr(n->message, "blocks 1 and 2 are on one line (25), no newline between END "
				     "CERTIFICATE and BEGIN CERTIFICATE"), "%s", n->message);
	cr_assert(n->hint && strstr(n->hint, "certconv --fix"));
	ck_bundle_free(b);
}

Test(load, glued_key_text_between_and_text_before)
{
	const char *const key[] = { "pki/client.crt", "-", "pki/client.key", NULL };
	const char *const between[] = { "pki/client.crt", "-", "+ junk ", "pki/int-ca.crt", NULL };
	const char *const before[] = { "+# leaf", "pki/client.crt", "+  ", "pki/int-ca.crt", NULL };
	struct ck_bundle *b = load_parts(key);

	cr_assert_eq(b->ncerts, 1);
	cr_assert_eq(b->nkeys, 1);
	cr_assert_eq(b->nglued, 1);
	cr_assert_eq(b->glued[0].kind, CK_GLUE_AFTER_END);
	cr_assert(strstr(find_note(b, "pem-glued-blocks")->message,
			 "END CERTIFICATE and BEGIN PRIVATE KEY"));
	ck_bundle_free(b);

	b = load_parts(between);
	cr_assert_eq(b->ncerts, 2);
	cr_assert_eq(b->nglued, 1);
	cr_assert_eq(b->glued[0].kind, CK_GLUE_TEXT_BETWEEN);
	ck_bundle_free(b);

	/* text before block 1, and blanks before block 2 */
	b = load_parts(before);
	cr_assert_eq(b->ncerts, 2);
	cr_assert_eq(b->nglued, 2);
	cr_assert_eq(b->glued[0].kind, CK_GLUE_AFTER_TEXT);
	cr_assert_eq(b->glued[0].block, 1);
	cr_assert_eq(b->glued[0].line, 1);
	cr_assert_eq(b->glued[1].kind, CK_GLUE_AFTER_TEXT);
	cr_assert_eq(b->glued[1].block, 2);
	cr_assert_eq(b->glued[1].line, 26);
	cr_assert(strstr(b->notes[0].message, "block 1 (CERTIFICATE) starts after other text on "
					      "line 1 (\"# leaf\")"), "%s", b->notes[0].message);
	ck_bundle_free(b);
}

Test(load, blocks_on_their_own_lines_are_not_glued)
{
	const char *const parts[] = { "bundles/client-crlf.pem", "bundles/client-text.pem",
				      "bundles/client-combined.pem", NULL };
	struct ck_bundle *b = load_parts(parts);

	cr_assert_eq(b->nglued, 0);
	cr_assert_null(find_note(b, "pem-glued-blocks"));
	ck_bundle_free(b);
}

Test(load, many_glued_blocks_are_summed_up)
{
	const char *parts[2 * 20 + 1];
	struct ck_bundle *b;
	size_t notes = 0;

	for (size_t i = 0; i < 20; i++) {
		parts[2 * i] = "pki/client.crt";
		parts[2 * i + 1] = i < 19 ? "-" : NULL;
	}
	parts[40] = NULL;
	b = load_parts(parts);
	cr_assert_eq(b->ncerts, 20);
	cr_assert_eq(b->nglued, 19);
	for (size_t i = 0; i < b->nnotes; i++)
		notes += b->notes[i].id == CK_F_PEM_GLUED_BLOCKS;
	cr_assert_eq(notes, 9);
	cr_assert_str_eq(b->notes[b->nnotes - 1].message,
			 "11 more blocks start in the middle of a line, the last at line 457");
	ck_bundle_free(b);
}

Test(load, merge_moves_the_glue_records)
{
	const char *const parts[] = { "pki/client.crt", "-", "pki/int-ca.crt", NULL };
	const char *const plain[] = { "pki/root-ca.crt", NULL };
	struct ck_bundle *dst = load_parts(plain), *src = load_parts(parts);

	cr_assert_eq(ck_bundle_merge(dst, src), CK_OK);
	cr_assert_eq(dst->ncerts, 3);
	cr_assert_eq(dst->nglued, 1);
	cr_assert_eq(dst->glued[0].block, 2);
	cr_assert_eq(src->nglued, 0);
	ck_bundle_free(src);
	ck_bundle_free(dst);
}

Test(load, unterminated_block)
{
	const char *pem = "-----BEGIN CERTIFICATE-----\nMIIB\n";
	struct ck_bundle *b = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_mem((const unsigned char *)pem, strlen(pem), "x", NULL, &b, &e),
		     CK_E_PARSE);
	cr_assert(strstr(e.what, "no END line"), "%s", e.what);
}

Test(load, merge_moves_everything)
{
	struct ck_bundle *a = NULL, *b = NULL;
	struct ck_error e;
	cr_assert_eq(fx_load("bundles/client-chain.pem", NULL, &a, &e), CK_OK);
	cr_assert_eq(fx_load("bundles/key-pkcs8.pem", NULL, &b, &e), CK_OK);
	cr_assert_eq(ck_bundle_merge(a, b), CK_OK);
	cr_assert_eq(a->ncerts, 2);
	cr_assert_eq(a->nkeys, 1);
	cr_assert_eq(b->nkeys, 0);
	ck_bundle_free(a);
	ck_bundle_free(b);
}

/* The error locator names the byte in what load decodes: a PEM block's
 * DER, decoded base64. */
Test(load, errors_name_the_byte)
{
	struct ck_bundle *b = NULL;
	struct ck_error e;
	size_t n;
	unsigned char *der = fx_read("pki/client.der", &n);
	gnutls_datum_t in = { der, 600 }, pem = { NULL, 0 }, b64 = { NULL, 0 };

	cr_assert_geq(gnutls_pem_base64_encode2("CERTIFICATE", &in, &pem), 0);
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_mem(pem.data, pem.size, "cut.pem", NULL, &b, &e), CK_E_PARSE);
	cr_assert_str_eq(e.what, "CERTIFICATE block at line 1: DER length at byte 1 runs past the end "
				 "of the block (content at byte 4 needs 1073 bytes, 596 left)");
	cr_assert_eq(gnutls_base64_encode2(&in, &b64), 0);
	ck_error_clear(&e);
	cr_assert_eq(ck_bundle_load_mem(b64.data, b64.size, "cut.b64", NULL, &b, &e), CK_E_PARSE);
	cr_assert_str_eq(e.what, "decoded base64: DER length at byte 1 runs past the end of the data "
				 "(content at byte 4 needs 1073 bytes, 596 left)");
	cr_assert_eq(e.offset, 1);
	/* a well-formed structure that is not a certificate keeps its message */
	der[5] = 0x31; /* tbsCertificate becomes a SET */
	ck_error_clear(&e);
	cr_assert_neq(ck_bundle_load_mem(der, n, "set.der", NULL, &b, &e), CK_OK);
	cr_assert_null(strstr(e.what, "at byte 1 "), "%s", e.what);
	gnutls_free(pem.data);
	gnutls_free(b64.data);
	free(der);
}

Test(load, der_blobs_of_every_form)
{
	static const struct {
		const char *file;
		enum ck_format format;
		size_t n;
		size_t len0;
	} cases[] = {
		{ "pki/client.der", CK_FMT_DER, 1, 1077 },
		{ "pki/client.crt", CK_FMT_PEM, 1, 1077 },
		{ "bundles/client-chain.pem", CK_FMT_PEM, 2, 1077 },
		{ "bundles/client.b64", CK_FMT_BASE64, 1, 1077 },
		{ "bundles/client-wrapped.b64", CK_FMT_BASE64, 1, 1077 },
		{ "bundles/client-bom.pem", CK_FMT_PEM, 2, 1077 },
		{ "bundles/client-text.pem", CK_FMT_PEM, 2, 1077 },
		{ "bad/random.bin", CK_FMT_DER, 1, 4096 },
		{ "pki/client.key", CK_FMT_PEM, 1, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ck_der_blobs *bl = NULL;
		struct ck_error e;
		size_t n;
		unsigned char *d = fx_read(cases[i].file, &n);
		ck_error_clear(&e);
		cr_assert_eq(ck_der_blobs_load(d, n, cases[i].file, &bl, &e), CK_OK, "%s: %s",
			     cases[i].file, e.what);
		cr_assert_eq(bl->format, cases[i].format, "%s", cases[i].file);
		cr_assert_eq(bl->n, cases[i].n, "%s: %zu blobs", cases[i].file, bl->n);
		for (size_t k = 0; k < bl->n; k++)
			cr_assert_eq(bl->blobs[k].err.status, CK_OK, "%s: %s", cases[i].file,
				     bl->blobs[k].err.what);
		if (cases[i].len0)
			cr_assert_eq(bl->blobs[0].len, cases[i].len0, "%s", cases[i].file);
		if (cases[i].format == CK_FMT_PEM)
			cr_assert_not_null(bl->blobs[0].label);
		ck_der_blobs_free(bl);
		free(d);
	}
}

Test(load, der_blobs_that_do_not_decode)
{
	struct ck_der_blobs *bl = NULL;
	struct ck_error e;
	size_t n;
	unsigned char *d = fx_read("bundles/key-rsa-legacy-enc.pem", &n);

	ck_error_clear(&e);
	cr_assert_eq(ck_der_blobs_load(d, n, "enc.pem", &bl, &e), CK_OK);
	cr_assert_eq(bl->n, 1);
	cr_assert_null(bl->blobs[0].der);
	cr_assert_str_eq(bl->blobs[0].err.what, "RSA PRIVATE KEY block at line 1 is encrypted "
						"(Proc-Type: 4,ENCRYPTED): its body is not DER");
	cr_assert_str_eq(bl->blobs[0].err.file, "enc.pem");
	ck_der_blobs_free(bl);
	free(d);

	d = fx_read("bad/bad-base64.pem", &n);
	cr_assert_eq(ck_der_blobs_load(d, n, "b.pem", &bl, &e), CK_OK);
	cr_assert_eq(bl->n, 1);
	cr_assert(strstr(bl->blobs[0].err.what, "bad base64"), "%s", bl->blobs[0].err.what);
	ck_der_blobs_free(bl);
	free(d);

	cr_assert_eq(ck_der_blobs_load((const unsigned char *)"", 0, "e", &bl, &e), CK_E_PARSE);
	cr_assert_str_eq(e.what, "the file is empty");
	cr_assert_eq(ck_der_blobs_load((const unsigned char *)"-----BEGIN X-----\n", 18, "u", &bl, &e),
		     CK_OK);
	cr_assert_eq(bl->n, 1);
	cr_assert(strstr(bl->blobs[0].err.what, "has no END line"), "%s", bl->blobs[0].err.what);
	ck_der_blobs_free(bl);
}

/* ck_key_parse called directly (not through load) decrypts an encrypted
 * PKCS#8 key the way load does: OpenSSL's reading of the password, so a
 * Latin-1 password under a PKCS#12 PBE and an NFD one under PBES2 open
 * it (GnuTLS alone refused the first and normalized the second). */
Test(load, key_parse_decrypts_encrypted_pkcs8_as_openssl_does)
{
	static const struct {
		const char *file, *pass;
		bool pem;
	} cases[] = {
		{ "bundles/key-enc-latin1.pem", "caf\xe9", true },
		{ "bundles/key-enc-nfd.der", "cafe\xcc\x81", false },
		{ "bundles/key-enc-pkcs8.pem", "secret", true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = 0;
		unsigned char *d = fx_read(cases[i].file, &n);
		struct ck_key *k = NULL;
		struct ck_error e;

		ck_error_clear(&e);
		cr_assert_eq(ck_key_parse(d, n, cases[i].pem, cases[i].pass, &k, &e), CK_OK,
			     "%s: %s", cases[i].file, e.what);
		cr_assert(k->was_encrypted && k->pkcs8_len > 0, "%s", cases[i].file);
		ck_key_free(k);
		k = NULL;
		cr_assert_eq(ck_key_parse(d, n, cases[i].pem, NULL, &k, &e), CK_E_PASSWORD, "%s",
			     cases[i].file);
		cr_assert_null(k);
		cr_assert_eq(ck_key_parse(d, n, cases[i].pem, "wrong", &k, &e), CK_E_BAD_PASSWORD,
			     "%s: %s", cases[i].file, e.what);
		cr_assert_null(k);
		free(d);
	}
}

/* ck_key_parse takes DER for an encrypted key only when it is an
 * EncryptedPrivateKeyInfo (SEQUENCE { SEQUENCE algid, OCTET STRING }):
 * DER that merely starts with SEQUENCE { SEQUENCE ... } (a broken PKCS#12
 * key bag) is a key that cannot be decoded, not one that asks for a
 * password it could not use. */
Test(load, key_parse_der_is_encrypted_only_as_an_EncryptedPrivateKeyInfo)
{
	static const struct {
		const char *der;
		size_t len;
		enum ck_status status;
		const char *message;
	} cases[] = {
		/* SEQUENCE { SEQUENCE { OID 1.2 }, INTEGER 0 } */
		{ "\x30\x08\x30\x03\x06\x01\x2a\x02\x01\x00", 10, CK_E_PARSE,
		  "private key cannot be decoded" },
		/* SEQUENCE { SEQUENCE { OID 1.2 }, SEQUENCE {} } */
		{ "\x30\x07\x30\x03\x06\x01\x2a\x30\x00", 9, CK_E_PARSE,
		  "private key cannot be decoded" },
		/* SEQUENCE { SEQUENCE { OID 1.2 }, OCTET STRING 00 00 } */
		{ "\x30\x09\x30\x03\x06\x01\x2a\x04\x02\x00\x00", 11, CK_E_PASSWORD,
		  "the private key is encrypted and no password was given" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ck_key *k = NULL;
		struct ck_error e;

		ck_error_clear(&e);
		cr_assert_eq(ck_key_parse((const unsigned char *)cases[i].der, cases[i].len, false,
					  NULL, &k, &e),
			     cases[i].status, "case %zu: %s", i, e.what);
		cr_assert(strstr(e.what, cases[i].message), "case %zu: %s", i, e.what);
		cr_assert_null(k, "case %zu", i);
	}
}

/* Legacy encrypted PEM keys GnuTLS must not see, both found by
 * fuzz/fuzz-key: a body that is not a whole number of cipher blocks
 * (nettle aborted the process), and nothing but line ends after the
 * DEK-Info IV (GnuTLS's reader skipped line ends past the end of the
 * data; a size of -2 reached malloc).  Both are refused as malformed. */
Test(load, legacy_encrypted_keys_gnutls_must_not_see_are_refused)
{
	static const struct {
		const char *pem, *message;
	} cases[] = {
		{ "-----BEGIN RSA PRIVATE KEY-----\n"
		  "Proc-Type: 4,ENCRYPTED\n"
		  "DEK-Info: DES-EDE3-CBC,0011223344556677\n"
		  "\n"
		  "MIICXAIBAAKBgQCxRxRp7mXcx5hXzTcMbQ1b+o0A\n" /* 30 bytes */
		  "-----END RSA PRIVATE KEY-----\n",
		  "not a whole number of cipher blocks" },
		{ "-----BEGIN RSA PRIVATE KEY-----\n"
		  "Proc-Type: 4,ENCRYPTED\n"
		  "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n\r\n",
		  "encrypted data is missing" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ck_key *k = NULL;
		struct ck_error e;
		ck_error_clear(&e);
		cr_assert_eq(ck_key_parse((const unsigned char *)cases[i].pem, strlen(cases[i].pem), true,
					  "test", &k, &e),
			     CK_E_PARSE, "case %zu", i);
		cr_assert(strstr(e.what, cases[i].message), "case %zu: %s", i, e.what);
		cr_assert_null(k);
	}
}

/* EC keys without their public point (Java's PKCS#8, OpenSSL's
 * `ec -no_public`): eckey computes d·G for GnuTLS.  The point of d = 1
 * is the curve's generator (SEC 2, secp256r1); the other key and its
 * point are OpenSSL's. */
static void expect_point(const struct ck_key *k, const char *x_hex, const char *y_hex)
{
	gnutls_privkey_t x;
	gnutls_datum_t pk8 = { k->pkcs8, (unsigned)k->pkcs8_len }, qx, qy, d;
	gnutls_ecc_curve_t curve;
	char hx[200], hy[200];
	size_t n;

	cr_assert_eq(k->pk_algo, GNUTLS_PK_ECDSA);
	cr_assert_eq(k->curve, GNUTLS_ECC_CURVE_SECP256R1);
	cr_assert_geq(gnutls_privkey_init(&x), 0);
	cr_assert_geq(gnutls_privkey_import_x509_raw(x, &pk8, GNUTLS_X509_FMT_DER, NULL, 0), 0,
		      "the completed key is one GnuTLS reads as it is");
	cr_assert_geq(gnutls_privkey_export_ecc_raw2(x, &curve, &qx, &qy, &d, GNUTLS_EXPORT_FLAG_NO_LZ), 0);
	n = sizeof hx;
	cr_assert_geq(gnutls_hex_encode(&qx, hx, &n), 0);
	n = sizeof hy;
	cr_assert_geq(gnutls_hex_encode(&qy, hy, &n), 0);
	cr_assert_str_eq(hx, x_hex);
	cr_assert_str_eq(hy, y_hex);
	gnutls_free(qx.data);
	gnutls_free(qy.data);
	gnutls_memset(d.data, 0, d.size);
	gnutls_free(d.data);
	gnutls_privkey_deinit(x);
}

static size_t unhex(const char *h, unsigned char *out)
{
	size_t n = 0;
	for (; h[0] && h[1]; h += 2)
		sscanf(h, "%2hhx", &out[n++]);
	return n;
}

#define P8_P256_HEAD "3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420"

Test(load, ec_key_without_its_public_point)
{
	static const struct {
		const char *hex, *x, *y;
	} cases[] = {
		/* PKCS#8 as Java writes it */
		{ P8_P256_HEAD "8983313fe0a2a29d9d000d6cfdd049f1c2852e59cfec4b910e7778a7c5df921c",
		  "f3c8e842b4c26ef59d415b0e1d0ef56b6de564bc8debd49b27e888f91656e1d2",
		  "63ae3bf885465b1ab0ae5ac888e3f07e5446b24118443b946f3ea23ca6ae0b03" },
		/* SEC1 with its curve, no public key (openssl ec -no_public) */
		{ "303102010104208983313fe0a2a29d9d000d6cfdd049f1c2852e59cfec4b910e7778a7c5df921c"
		  "a00a06082a8648ce3d030107",
		  "f3c8e842b4c26ef59d415b0e1d0ef56b6de564bc8debd49b27e888f91656e1d2",
		  "63ae3bf885465b1ab0ae5ac888e3f07e5446b24118443b946f3ea23ca6ae0b03" },
		{ P8_P256_HEAD "0000000000000000000000000000000000000000000000000000000000000001",
		  "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
		  "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char der[200];
		size_t len = unhex(cases[i].hex, der);
		struct ck_key *k = NULL;
		struct ck_error e;
		cr_assert_eq(ck_key_parse(der, len, false, NULL, &k, &e), CK_OK, "case %zu: %s", i, e.what);
		expect_point(k, cases[i].x, cases[i].y);
		ck_key_free(k);
	}
}

Test(load, ec_key_without_its_public_point_out_of_range)
{
	/* d = 0 and d = n (the order of P-256): no such key */
	static const char *bad[] = {
		P8_P256_HEAD "0000000000000000000000000000000000000000000000000000000000000000",
		P8_P256_HEAD "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
	};
	for (size_t i = 0; i < 2; i++) {
		unsigned char der[200];
		size_t len = unhex(bad[i], der);
		struct ck_key *k = NULL;
		struct ck_error e;
		cr_assert_eq(ck_key_parse(der, len, false, NULL, &k, &e), CK_E_PARSE);
		cr_assert(strstr(e.what, "not between 1 and the order of"), "%s", e.what);
		cr_assert_null(k);
	}
}

/* A PEM file is loaded a piece at a time (ck_bundle_load_file): the
 * result must be what loading the same bytes whole gives, wherever the
 * window's edges fall.  A long text of certificates, glued blocks, text
 * between and before blocks, corrupt and unknown blocks and a block
 * longer than the window, then one of three endings. */
static unsigned char *long_pem(unsigned seed, int ending, size_t *total)
{
	size_t cl, il, n = 0, cap = 8u << 20;
	unsigned char *c = fx_read("pki/client.crt", &cl), *ic = fx_read("pki/int-ca.crt", &il);
	unsigned char *all = malloc(cap);
	static const char corrupt[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
	static const char unknown[] = "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n";

	cr_assert(all && c && ic);
#define PUT(p, l) do { cr_assert(n + (l) < cap); memcpy(all + n, (p), (l)); n += (l); } while (0)
	for (unsigned i = 0; n < (5u << 20); i++) {
		seed = seed * 1103515245u + 12345u;
		switch ((seed >> 16) % 12) {
		case 0: /* glued to the next block's BEGIN */
			PUT(c, cl - 1);
			break;
		case 1:
			PUT("text between ", 13);
			break;
		case 2:
			PUT(corrupt, sizeof corrupt - 1);
			break;
		case 3:
			PUT(unknown, sizeof unknown - 1);
			break;
		case 4: /* a comment of any length */
			for (unsigned k = (seed >> 8) % 300; k; k--)
				PUT("#", 1);
			PUT("\n", 1);
			break;
		case 5:
			if (i % 500 == 7) { /* a block longer than the window */
				PUT("-----BEGIN BIG-----\n", 20);
				for (unsigned k = 0; k < 30000; k++)
					PUT("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n", 61);
				PUT("-----END BIG-----\n", 18);
			}
			break;
		case 6:
			PUT(ic, il);
			break;
		default:
			PUT(c, cl);
			break;
		}
	}
	if (ending == 1) /* a last block without its END line */
		PUT("-----BEGIN CERTIFICATE-----\nMIIB\n", 33);
	else if (ending == 2) /* no newline after the last END */
		PUT(c, cl - 1);
#undef PUT
	free(c);
	free(ic);
	*total = n;
	return all;
}

Test(load, pem_read_in_pieces_is_pem_read_whole)
{
	char path[] = "/tmp/ck-test-load-XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	for (int ending = 0; ending < 3; ending++) {
		size_t len;
		unsigned char *d = long_pem(42u + (unsigned)ending, ending, &len);
		struct ck_bundle *whole = NULL, *pieces = NULL;
		struct ck_error ew, ep;
		enum ck_status rw, rp;

		cr_assert(ftruncate(fd, 0) == 0 && pwrite(fd, d, len, 0) == (ssize_t)len);
		ck_error_clear(&ew);
		ck_error_clear(&ep);
		rw = ck_bundle_load_mem(d, len, path, NULL, &whole, &ew);
		rp = ck_bundle_load_file(path, NULL, &pieces, &ep);
		cr_assert_eq(rw, rp, "ending %d: %s / %s", ending, ew.what, ep.what);
		cr_assert_str_eq(ew.what, ep.what);
		cr_assert_eq(rw, CK_OK);
		cr_assert_gt(whole->ncerts, 2000);
		cr_assert_eq(whole->ncerts, pieces->ncerts);
		for (size_t i = 0; i < whole->ncerts; i++)
			cr_assert(ck_cert_equal(whole->certs[i], pieces->certs[i]), "certificate %zu", i);
		cr_assert_eq(whole->nnotes, pieces->nnotes, "ending %d", ending);
		for (size_t i = 0; i < whole->nnotes; i++) {
			cr_assert_eq(whole->notes[i].id, pieces->notes[i].id);
			cr_assert_str_eq(whole->notes[i].message, pieces->notes[i].message);
		}
		cr_assert_gt(whole->nglued, 100);
		cr_assert_eq(whole->nglued, pieces->nglued);
		cr_assert(!memcmp(whole->glued, pieces->glued, whole->nglued * sizeof *whole->glued));
		ck_bundle_free(whole);
		ck_bundle_free(pieces);
		free(d);
	}
	close(fd);
	unlink(path);
}

/* ck_read_fd on a pipe: the buffer grows from 64 KiB (each old copy
 * wiped, not realloc'd) and the bytes come through whole; over the
 * limit is CK_E_TOO_LARGE. */
static enum ck_status read_piped(size_t n, size_t max, unsigned char **buf, size_t *len,
				 struct ck_error *err)
{
	int p[2];
	pid_t pid;
	enum ck_status rc;

	cr_assert_eq(pipe(p), 0);
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		/* past the limit the reader closes: the writer's EPIPE ends it */
		for (size_t i = 0; i < n;) {
			unsigned char chunk[4096];
			size_t k = n - i < sizeof chunk ? n - i : sizeof chunk;
			for (size_t j = 0; j < k; j++)
				chunk[j] = (unsigned char)((i + j) * 7 + 3);
			if (write(p[1], chunk, k) != (ssize_t)k)
				_exit(1);
			i += k;
		}
		_exit(0);
	}
	close(p[1]);
	rc = ck_read_fd(p[0], "pipe", max, buf, len, err);
	close(p[0]); /* a writer past the limit gets EPIPE */
	waitpid(pid, NULL, 0);
	return rc;
}

Test(load, read_fd_pipe_grows_and_keeps_every_byte)
{
	struct ck_error err = { 0 };
	unsigned char *buf = NULL;
	size_t len = 0, n = 300000;

	cr_assert_eq(read_piped(n, 0, &buf, &len, &err), CK_OK, "%s", err.what);
	cr_assert_eq(len, n);
	for (size_t i = 0; i < n; i++)
		if (buf[i] != (unsigned char)(i * 7 + 3))
			cr_assert_fail("byte %zu differs", i);
	cr_assert_eq(buf[n], 0);
	free(buf);
	cr_assert_eq(read_piped(n, 100000, &buf, &len, &err), CK_E_TOO_LARGE);
	ck_error_clear(&err);
}
