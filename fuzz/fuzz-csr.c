/* fuzz-csr — certificate requests as chainview reads them:
 * ck_csr_sniff() and ck_csr_parse() (GnuTLS's reader, PEM or DER; the
 * subject, key, signature checked with the request's own key, the
 * requested extensions and subjectAltNames), and the document of
 * report-csr.c as JSON, XML and chainview's text.
 *
 * Input: a flags byte, then
 *  - bit 0: a file name (length byte + bytes) for the document;
 *  - bit 7 clear: the bytes of the file;
 *  - bit 7 set: a request built with GnuTLS from the bytes and signed
 *    with a fixture key (bit 6: EC P-256, else Ed25519), written as PEM
 *    when bit 5 is set, else DER: the subject's CN (length byte + bytes),
 *    then up to 12 items, each a type byte and a length byte + bytes: a
 *    subjectAltName (DNS, email, URI, IP), another subject attribute,
 *    keyUsage, basicConstraints, or an extension of a chosen OID with
 *    those bytes as its value.  A mutated DER request rarely keeps its
 *    signature or reaches the extensionRequest attribute; a built one
 *    carries odd names there with a valid signature.
 * Bit 1: verbose text; bit 2: quiet text; bit 3: text with colour too.
 *
 * Checks: the status and message (fz_assert_error); a request read from
 * a file without PEM certificates is one the sniffer takes; the
 * document's findings and summary agree with the signature's verdict; a
 * built request reads back with its signature valid; JSON and XML parse
 * back; text without colour holds no control character but newline. */
#include "config.h"

#include "fuzz.h"

#include "libcore/csr.h"
#include "libcore/report-csr.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

struct signer {
	const char *file;
	gnutls_x509_privkey_t x509;
	gnutls_privkey_t key;
	gnutls_digest_algorithm_t dig;
};

static struct signer signers[] = {
	{ "pki/ed25519-leaf.key", NULL, NULL, GNUTLS_DIG_UNKNOWN },
	{ "pki/ec-leaf.key", NULL, NULL, GNUTLS_DIG_SHA256 },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof signers / sizeof *signers; i++) {
		struct signer *s = &signers[i];
		size_t len;
		const unsigned char *pem = fz_fixture(s->file, &len);
		gnutls_datum_t d = { (unsigned char *)pem, (unsigned)len };
		if (gnutls_x509_privkey_init(&s->x509) < 0 ||
		    gnutls_x509_privkey_import(s->x509, &d, GNUTLS_X509_FMT_PEM) < 0 ||
		    gnutls_privkey_init(&s->key) < 0 || gnutls_privkey_import_x509(s->key, s->x509, 0) < 0)
			fz_fail("%s: cannot read the key", s->file);
	}
	return 0;
}

static bool has(const unsigned char *d, size_t len, const char *s)
{
	return memmem(d, len, s, strlen(s)) != NULL;
}

/* One item of a built request (the layout above); one GnuTLS refuses
 * is left out. */
static void add_item(gnutls_x509_crq_t crq, struct fz *f)
{
	static const gnutls_x509_subject_alt_name_t sans[] = {
		GNUTLS_SAN_DNSNAME, GNUTLS_SAN_RFC822NAME, GNUTLS_SAN_URI, GNUTLS_SAN_IPADDRESS,
	};
	static const char *const dn_oids[] = {
		GNUTLS_OID_X520_ORGANIZATION_NAME, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME,
		GNUTLS_OID_PKCS9_EMAIL, GNUTLS_OID_X520_COUNTRY_NAME, GNUTLS_OID_LDAP_DC,
	};
	static const char *const ext_oids[] = {
		"2.5.29.17", "2.5.29.15", "2.5.29.19", "2.5.29.37", "2.5.29.32",
		"1.3.6.1.5.5.7.1.1", "1.3.6.1.5.5.7.1.24", "1.2.3.4.5.6.7.8.9",
	};
	uint8_t type = fz_u8(f);
	char *v = NULL;
	size_t vlen;

	/* the value's raw bytes: fz_str stops at a NUL, which a name may hold */
	vlen = fz_u8(f);
	if (vlen > f->n)
		vlen = f->n;
	v = malloc(vlen + 1);
	if (!v)
		abort();
	memcpy(v, f->p, vlen);
	v[vlen] = '\0';
	f->p += vlen;
	f->n -= vlen;

	switch (type % 8) {
	case 0: case 1: case 2: case 3:
		gnutls_x509_crq_set_subject_alt_name(crq, sans[type % 4], v, (unsigned)vlen,
						     GNUTLS_FSAN_APPEND);
		break;
	case 4:
		gnutls_x509_crq_set_dn_by_oid(crq, dn_oids[(type >> 3) % 5], 0, v, (unsigned)vlen);
		break;
	case 5:
		gnutls_x509_crq_set_key_usage(crq, vlen >= 2 ? (unsigned)(uint8_t)v[0] << 8 | (uint8_t)v[1] :
							     (unsigned)type);
		break;
	case 6:
		gnutls_x509_crq_set_basic_constraints(crq, type >> 7, (int)(type >> 3 & 0xf) - 1);
		break;
	default:
		gnutls_x509_crq_set_extension_by_oid(crq, ext_oids[(type >> 3) % 8], v, vlen,
						     type >> 7);
		break;
	}
	free(v);
}

/* A request from the bytes, signed; false when GnuTLS refused it. */
static bool build(struct fz *f, uint8_t flags, gnutls_datum_t *out)
{
	const struct signer *s = &signers[flags >> 6 & 1];
	gnutls_x509_crq_t crq = NULL;
	char *cn = fz_str(f, 255);
	bool ok = false;

	if (gnutls_x509_crq_init(&crq) < 0)
		abort();
	if (gnutls_x509_crq_set_version(crq, 1) < 0 || gnutls_x509_crq_set_key(crq, s->x509) < 0)
		fz_fail("GnuTLS refused a fixture key in a request");
	if (*cn)
		gnutls_x509_crq_set_dn_by_oid(crq, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned)strlen(cn));
	for (int i = 0; i < 12 && f->n; i++)
		add_item(crq, f);
	ok = gnutls_x509_crq_privkey_sign(crq, s->key, s->dig, 0) >= 0 &&
	     gnutls_x509_crq_export2(crq, flags & 0x20 ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
				     out) >= 0;
	gnutls_x509_crq_deinit(crq);
	free(cn);
	return ok;
}

/* The document of a request read: its findings and summary say what
 * the signature check found; JSON, XML and text render. */
static void check_doc(const char *name, const unsigned char *d, size_t len, const struct ck_csr *c,
		      uint8_t flags)
{
	struct ck_text_opts plain = { .verbose = (flags & 0x02) != 0, .quiet = (flags & 0x04) != 0 };
	struct ck_text_opts color = plain;
	json_t *doc = ck_report_csr(name, has(d, len, "-----BEGIN "), c);
	const json_t *sum, *fi;
	struct fz_mem m = { 0 };

	if (!doc || !json_is_object(json_object_get(doc, "csr")))
		fz_fail("ck_report_csr made no document");
	sum = json_object_get(doc, "summary");
	fi = json_object_get(doc, "findings");
	if (json_integer_value(json_object_get(sum, "errors")) != (c->sig_valid ? 0 : 1) ||
	    json_array_size(fi) != (c->sig_valid ? 0 : 1))
		fz_fail("the document's findings do not say the signature is %s",
			c->sig_valid ? "valid" : "invalid");
	if (json_array_size(json_object_get(json_object_get(doc, "csr"), "extensions")) != c->nexts ||
	    json_array_size(json_object_get(json_object_get(doc, "csr"), "subject_alt_names")) != c->nsans)
		fz_fail("the document lost requested extensions or names");
	fz_check_doc(doc, "report");
	if (ck_report_text_chainview(fz_mem_open(&m), doc, &plain) < 0)
		fz_fail("the CSR's text failed");
	fz_mem_close(&m);
	fz_assert_plain("the CSR's text", m.buf, m.len);
	if (flags & 0x08) {
		color.color = true;
		if (ck_report_text_chainview(fz_mem_open(&m), doc, &color) < 0)
			fz_fail("the CSR's text (colour) failed");
		fz_mem_close(&m);
	}
	fz_mem_free(&m);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t flags = fz_u8(&f);
	char *name = flags & 0x01 ? fz_str(&f, 255) : strdup("request.csr");
	gnutls_datum_t built = { NULL, 0 };
	const unsigned char *d = f.p;
	size_t len = f.n;
	struct ck_csr *c = NULL;
	struct ck_error err;
	enum ck_status rc;
	bool sniffed;

	if (!name)
		abort();
	if (flags & 0x80) {
		if (!build(&f, flags, &built))
			goto out;
		d = built.data;
		len = built.size;
	}
	sniffed = ck_csr_sniff(d, len);
	ck_error_clear(&err);
	rc = ck_csr_parse(d, len, &c, &err);
	fz_assert_error(rc, &err);
	if (rc != CK_OK)
		goto out;
	if (!c || !c->subject || !c->key_type || !c->sig_algo || (c->nexts && !c->exts) ||
	    (c->nsans && !c->sans))
		fz_fail("CK_OK with an incomplete request");
	if (!sniffed && !has(d, len, "-----BEGIN CERTIFICATE-----") &&
	    !has(d, len, "-----BEGIN X509 CERTIFICATE-----") &&
	    !has(d, len, "-----BEGIN TRUSTED CERTIFICATE-----"))
		fz_fail("a request ck_csr_parse reads is not one ck_csr_sniff takes");
	if ((flags & 0x80) && !c->sig_valid)
		fz_fail("a request signed with its own key does not verify");
	check_doc(name, d, len, c, flags);
out:
	ck_csr_free(c);
	gnutls_free(built.data);
	free(name);
	return 0;
}
