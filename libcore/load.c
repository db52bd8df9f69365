/* load — sniff the input format and decode it into a bundle.
 *
 * Order of the sniff: a UTF-8 BOM is skipped; text with a "-----BEGIN "
 * line is PEM; bytes starting with a SEQUENCE are DER (PKCS#12, PKCS#7,
 * certificate or key, told apart by the shape of the first elements);
 * JKS and JCEKS by their magic (read by jks.c); text that is nothing
 * but base64 is decoded and sniffed again as DER.  Every failure names
 * the input and, where there is one, the byte or line where decoding
 * stopped.
 *
 * Invariants: a bundle only ever holds fully parsed records; the input
 * size is bounded before anything is read whole; key material is wiped
 * before it is freed. */
#include "config.h"

#include "load.h"
#include "der.h"
#include "key.h"
#include "jks.h"
#include "pkcs12.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* Parse a key, going through the password candidates when it is
 * encrypted (the caller says whether it is: it has looked already). */
static enum ck_status load_key(struct ck_bundle *b, const unsigned char *data,
			       size_t len, bool pem, bool encrypted,
			       const struct ck_load_opts *opts, struct ck_error *err)
{
	struct ck_pw_iter it;
	struct ck_key *k = NULL;
	const char *pass = NULL, *kind = NULL;
	enum ck_status rc;

	if (!encrypted) {
		rc = ck_key_decode(data, len, pem, false, NULL, &k, err);
		goto done;
	}
	ck_pw_iter_init(&it, opts->password, b->name);
	for (;;) {
		rc = ck_pw_iter_next(&it, &pass, &kind);
		if (rc == CK_E_PASSWORD) {
			ck_error_set(err, rc, "the private key is encrypted and no password was given");
			break;
		}
		if (rc == CK_E_BAD_PASSWORD) {
			ck_error_set(err, rc, "wrong password for the encrypted private key");
			break;
		}
		if (!pass || !*pass) /* PEM key encryption has no "absent" form */
			continue;
		rc = ck_key_decode(data, len, pem, true, pass, &k, err);
		if (rc != CK_E_BAD_PASSWORD)
			break;
	}
	ck_pw_iter_cleanup(&it);
done:
	if (rc)
		return rc;
	if (ck_bundle_add_key(b, k)) {
		ck_key_free(k);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* DER */

static enum ck_status add_cert_der(struct ck_bundle *b, const unsigned char *der,
				   size_t len, struct ck_error *err)
{
	struct ck_cert *c = NULL;
	enum ck_status rc = ck_cert_from_der(der, len, &c, err);
	if (rc)
		return rc;
	if (ck_bundle_add_cert(b, c)) {
		ck_cert_free(c);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	return CK_OK;
}

static enum ck_status load_pkcs7(struct ck_bundle *b, const unsigned char *d,
				 size_t len, struct ck_error *err)
{
	gnutls_pkcs7_t p7 = NULL;
	gnutls_datum_t in = { (unsigned char *)d, (unsigned)len };
	enum ck_status rc = CK_OK;
	int ret, count;

	if (gnutls_pkcs7_init(&p7) < 0)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ret = gnutls_pkcs7_import(p7, &in, GNUTLS_X509_FMT_DER);
	if (ret < 0) {
		rc = ck_error_set(err, CK_E_PARSE, "PKCS#7 SignedData cannot be decoded (%s)",
				  gnutls_strerror(ret));
		goto out;
	}
	count = gnutls_pkcs7_get_crt_count(p7);
	for (int i = 0; i < count && !rc; i++) {
		gnutls_datum_t crt = { NULL, 0 };
		ret = gnutls_pkcs7_get_crt_raw2(p7, (unsigned)i, &crt);
		if (ret < 0) {
			rc = ck_error_set(err, CK_E_PARSE, "PKCS#7 certificate %d of %d cannot be read (%s)",
					  i + 1, count, gnutls_strerror(ret));
			break;
		}
		rc = add_cert_der(b, crt.data, crt.size, err);
		gnutls_free(crt.data);
	}
	if (!rc && gnutls_pkcs7_get_crl_count(p7) > 0)
		rc = ck_bundle_note(b, CK_F_SKIPPED_CONTENT,
				    "the PKCS#7 structure also holds %d CRL(s); they are not shown",
				    gnutls_pkcs7_get_crl_count(p7));
out:
	gnutls_pkcs7_deinit(p7);
	return rc;
}

/* Length of the first TLV, for inputs with trailing data we tolerate
 * (OpenSSL's TRUSTED CERTIFICATE appends its trust settings). */
static size_t first_tlv_len(const unsigned char *d, size_t len)
{
	struct ck_tlv t;
	if (ck_der_read(d, len, false, 0, &t, NULL))
		return len;
	return t.hdr_len + t.len;
}

/* When DER did not decode, say at which byte and why, if the structure
 * itself is broken (the error locator); otherwise keep the decoder's
 * message.  `container` is what the message calls the whole. */
static enum ck_status locate(enum ck_status rc, const unsigned char *d, size_t len,
			     const char *container, struct ck_error *err)
{
	struct ck_error loc;

	if (rc != CK_E_PARSE || !err)
		return rc;
	ck_error_clear(&loc);
	if (ck_der_locate_error(d, len, container, &loc) == CK_E_PARSE) {
		snprintf(err->what, sizeof err->what, "%s", loc.what);
		err->offset = loc.offset;
	}
	return rc;
}

/* What a DER structure is, in messages ("it holds ...", "this is ..."). */
static const char *der_kind_name(enum ck_der_kind k)
{
	switch (k) {
	case CK_DER_CERT: return "a certificate";
	case CK_DER_PKCS12: return "a PKCS#12 file";
	case CK_DER_PKCS7: return "a PKCS#7 structure";
	case CK_DER_KEY: return "a PKCS#1 or SEC1 key";
	case CK_DER_PKCS8_KEY: return "a key that is not encrypted";
	case CK_DER_ENCRYPTED_KEY: return "an encrypted key";
	case CK_DER_CRL: return "a CRL (certificate revocation list)";
	case CK_DER_CSR: return "a certificate request (CSR)";
	case CK_DER_UNKNOWN:
	default: return NULL;
	}
}

static enum ck_status load_der_kind(struct ck_bundle *b, const unsigned char *d,
				    size_t len, bool top, const struct ck_load_opts *opts,
				    struct ck_error *err);

static enum ck_status load_der(struct ck_bundle *b, const unsigned char *d,
			       size_t len, bool top, const struct ck_load_opts *opts,
			       struct ck_error *err)
{
	return locate(load_der_kind(b, d, len, top, opts, err), d, len, top ? "file" : "data", err);
}

static enum ck_status load_der_kind(struct ck_bundle *b, const unsigned char *d,
				    size_t len, bool top, const struct ck_load_opts *opts,
				    struct ck_error *err)
{
	struct ck_error sniff_err;
	enum ck_der_kind kind;

	ck_error_clear(&sniff_err);
	kind = ck_der_sniff(d, len, &sniff_err);
	switch (kind) {
	case CK_DER_CERT:
		if (top)
			b->format = CK_FMT_DER;
		return add_cert_der(b, d, len, err);
	case CK_DER_PKCS7:
		if (top)
			b->format = CK_FMT_PKCS7;
		return load_pkcs7(b, d, len, err);
	case CK_DER_PKCS12:
		if (top)
			b->format = CK_FMT_PKCS12;
		return ck_pkcs12_load(b, d, len, opts->password, opts->kdf_budget, err);
	case CK_DER_KEY:
	case CK_DER_PKCS8_KEY:
	case CK_DER_ENCRYPTED_KEY:
		if (top)
			b->format = CK_FMT_DER;
		return load_key(b, d, len, false, kind == CK_DER_ENCRYPTED_KEY, opts, err);
	case CK_DER_CRL:
		return ck_error_set(err, CK_E_UNSUPPORTED, "this is %s, not a certificate bundle",
				    der_kind_name(kind));
	case CK_DER_CSR:
		return ck_error_set(err, CK_E_UNSUPPORTED, "this is %s, not a certificate",
				    der_kind_name(kind));
	case CK_DER_UNKNOWN:
	default:
		if (sniff_err.status) {
			*err = sniff_err;
			return sniff_err.status;
		}
		return ck_error_set(err, CK_E_PARSE, "unrecognized DER structure");
	}
}

/* ---------------------------------------------------------------- */
/* base64 */

static bool is_b64(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' || ch == '=';
}

static bool is_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Decode base64 ignoring whitespace.  Returns CK_E_PARSE if anything
 * else is found; *bad_at is the offset of the first bad byte. */
static enum ck_status b64_decode(const unsigned char *s, size_t len, unsigned char **out,
				 size_t *out_len, size_t *bad_at)
{
	unsigned char *clean = malloc(len + 1);
	size_t n = 0;
	gnutls_datum_t in, res = { NULL, 0 };
	int ret;

	if (!clean)
		return CK_E_NOMEM;
	for (size_t i = 0; i < len; i++) {
		if (is_space(s[i]))
			continue;
		if (!is_b64(s[i])) {
			free(clean);
			*bad_at = i;
			return CK_E_PARSE;
		}
		clean[n++] = s[i];
	}
	if (n == 0) {
		free(clean);
		*bad_at = 0;
		return CK_E_PARSE;
	}
	in.data = clean;
	in.size = (unsigned)n;
	ret = gnutls_base64_decode2(&in, &res);
	free(clean);
	if (ret < 0 || res.size == 0) {
		gnutls_free(res.data);
		*bad_at = len;
		return CK_E_PARSE;
	}
	*out = malloc(res.size);
	if (!*out) {
		gnutls_free(res.data);
		return CK_E_NOMEM;
	}
	memcpy(*out, res.data, res.size);
	*out_len = res.size;
	gnutls_memset(res.data, 0, res.size);
	gnutls_free(res.data);
	return CK_OK;
}

static bool looks_like_b64_text(const unsigned char *s, size_t len)
{
	size_t letters = 0;
	for (size_t i = 0; i < len; i++) {
		if (is_space(s[i]))
			continue;
		if (!is_b64(s[i]))
			return false;
		letters++;
	}
	return letters >= 4;
}

/* ---------------------------------------------------------------- */
/* PEM */

struct pem_block {
	const char *label; /* points into the input, not NUL-terminated */
	size_t label_len;
	const unsigned char *begin; /* "-----BEGIN" */
	const unsigned char *body;  /* after the BEGIN line */
	const unsigned char *end;   /* "-----END" */
	const unsigned char *mark_end; /* after the END line's closing dashes */
	const unsigned char *stop;  /* after the END line, or at mark_end when
				       another block starts on that line */
	unsigned line;              /* line number of BEGIN */
	int glue;                   /* -1: BEGIN starts its line; else enum ck_pem_glue_kind */
	const unsigned char *lead;  /* the text before BEGIN on its line */
	size_t lead_len;
};

static const unsigned char *find_line_end(const unsigned char *p, const unsigned char *e)
{
	const unsigned char *nl = memchr(p, '\n', (size_t)(e - p));
	return nl ? nl + 1 : e;
}

static unsigned count_lines(const unsigned char *from, const unsigned char *to)
{
	unsigned n = 0;
	for (const unsigned char *p = from; p < to;) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(to - p));
		if (!nl)
			break;
		n++;
		p = nl + 1;
	}
	return n;
}

/* What stands before BEGIN (at b) on its line.  p is where the search
 * started: the previous block's mark_end, or the start of the input.
 * The walk back stops at p, so a long line costs one pass in all. */
static void find_glue(const unsigned char *data, bool mid, const unsigned char *p,
		      const unsigned char *b, struct pem_block *blk)
{
	const unsigned char *ls = b;

	while (ls > p && ls[-1] != '\n')
		ls--;
	blk->lead = ls;
	blk->lead_len = (size_t)(b - ls);
	blk->glue = -1;
	if (ls == p && (p > data || mid)) {
		/* no newline since the previous END's dashes */
		blk->glue = CK_GLUE_AFTER_END;
		for (const unsigned char *q = p; q < b; q++)
			if (!is_space(*q))
				blk->glue = CK_GLUE_TEXT_BETWEEN;
	} else if (ls < b) {
		blk->glue = CK_GLUE_AFTER_TEXT;
	}
}

/* Find the next block at or after *pos.  Returns 1 found, 0 none, or a
 * negative status-as-int with err set for an unterminated block.  *pos
 * moves to just after the END line's dashes, so that a block glued to
 * them is found too.  `mid`: data[0] is not the start of the input (a
 * window of a file read in pieces). */
static int next_pem_block(const unsigned char *data, size_t len, bool mid, size_t *pos,
			  unsigned *line, struct pem_block *blk, struct ck_error *err)
{
	const unsigned char *e = data + len, *p = data + *pos, *b, *l, *le, *eol;
	static const char begin[] = "-----BEGIN ";

	b = memmem(p, (size_t)(e - p), begin, sizeof begin - 1);
	if (!b)
		return 0;
	*line += count_lines(p, b);
	blk->line = *line + 1;
	blk->begin = b;
	find_glue(data, mid, p, b, blk);
	l = b + sizeof begin - 1;
	le = memmem(l, (size_t)(e - l), "-----", 5);
	if (!le || memchr(l, '\n', (size_t)(le - l))) {
		ck_error_set(err, CK_E_PARSE, "malformed BEGIN line at line %u", blk->line);
		return -1;
	}
	blk->label = (const char *)l;
	blk->label_len = (size_t)(le - l);
	blk->body = find_line_end(le, e);
	{
		char endmark[96];
		int n = snprintf(endmark, sizeof endmark, "-----END %.*s-----",
				 (int)(blk->label_len > 64 ? 64 : blk->label_len), blk->label);
		const unsigned char *em = memmem(blk->body, (size_t)(e - blk->body), endmark, (size_t)n);
		if (!em) {
			ck_error_set(err, CK_E_PARSE, "PEM block \"%.*s\" at line %u has no END line",
				     (int)(blk->label_len > 64 ? 64 : blk->label_len), blk->label,
				     blk->line);
			return -1;
		}
		blk->end = em;
		blk->mark_end = em + n;
	}
	eol = find_line_end(blk->mark_end, e);
	blk->stop = memmem(blk->mark_end, (size_t)(eol - blk->mark_end), begin, sizeof begin - 1)
			    ? blk->mark_end : eol;
	*line += count_lines(b, blk->mark_end);
	*pos = (size_t)(blk->mark_end - data);
	return 1;
}

static bool label_is(const struct pem_block *blk, const char *s)
{
	return blk->label_len == strlen(s) && memcmp(blk->label, s, blk->label_len) == 0;
}

/* Body without RFC 1421 headers ("Proc-Type: ..."), which end at the
 * first blank line. */
static void pem_body_range(const struct pem_block *blk, const unsigned char **from,
			   const unsigned char **to)
{
	const unsigned char *p = blk->body;
	const unsigned char *first_end = find_line_end(p, blk->end);

	*to = blk->end;
	*from = p;
	if (memchr(p, ':', (size_t)(first_end - p))) {
		/* skip header lines up to an empty line */
		while (p < blk->end) {
			const unsigned char *nl = find_line_end(p, blk->end);
			bool blank = true;
			for (const unsigned char *q = p; q < nl; q++)
				if (!is_space(*q))
					blank = false;
			p = nl;
			if (blank)
				break;
		}
		*from = p;
	}
}

static enum ck_status pem_decode_body(const struct pem_block *blk, unsigned char **der,
				      size_t *der_len, struct ck_error *err)
{
	const unsigned char *from, *to;
	size_t bad = 0;
	enum ck_status rc;
	int ll = (int)(blk->label_len > 64 ? 64 : blk->label_len);

	pem_body_range(blk, &from, &to);
	for (const unsigned char *q = from; q < to; q++)
		if (!is_space(*q))
			goto nonempty;
	return ck_error_set(err, CK_E_PARSE, "empty %.*s block at line %u", ll, blk->label,
			    blk->line);
nonempty:
	rc = b64_decode(from, (size_t)(to - from), der, der_len, &bad);
	if (rc == CK_E_NOMEM)
		return ck_error_set(err, rc, "out of memory");
	if (rc) {
		if (bad < (size_t)(to - from))
			return ck_error_set(err, CK_E_PARSE,
					    "bad base64 in %.*s block at line %u (character 0x%02x on line %u)",
					    ll, blk->label, blk->line, from[bad],
					    blk->line + 1 + count_lines(blk->body, from + bad));
		return ck_error_set(err, CK_E_PARSE, "bad base64 in %.*s block at line %u", ll,
				    blk->label, blk->line);
	}
	return CK_OK;
}

/* True when the block's RFC 1421 headers say how its body is encrypted
 * (OpenSSL's legacy form, which GnuTLS reads from the text). */
static bool pem_has_encryption_headers(const struct pem_block *blk)
{
	const unsigned char *from, *to;
	size_t n;

	pem_body_range(blk, &from, &to);
	n = (size_t)(from - blk->body);
	return memmem(blk->body, n, "Proc-Type:", 10) || memmem(blk->body, n, "DEK-Info:", 9);
}

/* A PRIVATE KEY or ENCRYPTED PRIVATE KEY block: PKCS#8, whose
 * encryption is inside the DER, so the key is read from the DER the
 * block decoded to (decoded once, whatever the number of password
 * candidates), and the label says which of the two it must be.  DER
 * that is nothing load knows gets the error locator's byte offset
 * when its structure is broken. */
static enum ck_status load_pkcs8_block(struct ck_bundle *b, const struct pem_block *blk,
				       const unsigned char *der, size_t der_len,
				       const struct ck_load_opts *opts, struct ck_error *err)
{
	bool enc = label_is(blk, "ENCRYPTED PRIVATE KEY");
	enum ck_der_kind want = enc ? CK_DER_ENCRYPTED_KEY : CK_DER_PKCS8_KEY;
	const char *what = enc ? "an EncryptedPrivateKeyInfo" : "a PrivateKeyInfo";
	enum ck_der_kind kind = ck_der_sniff(der, der_len, NULL);

	if (kind == want)
		return locate(load_key(b, der, der_len, false, enc, opts, err), der, der_len,
			      "block", err);
	/* what it holds says more than where its DER breaks */
	if (der_kind_name(kind))
		return ck_error_set(err, CK_E_PARSE, "it holds %s, not %s (PKCS#8)",
				    der_kind_name(kind), what);
	return locate(ck_error_set(err, CK_E_PARSE, "not %s (PKCS#8)", what), der, der_len,
		      "block", err);
}

static enum ck_status load_pem_block(struct ck_bundle *b, const unsigned char *data,
				     const struct pem_block *blk,
				     const struct ck_load_opts *opts, struct ck_error *err)
{
	unsigned char *der = NULL;
	size_t der_len = 0;
	enum ck_status rc;
	int ll = (int)(blk->label_len > 64 ? 64 : blk->label_len);
	bool pkcs8 = label_is(blk, "PRIVATE KEY") || label_is(blk, "ENCRYPTED PRIVATE KEY");

	(void)data;
	if (pkcs8 || label_is(blk, "RSA PRIVATE KEY") || label_is(blk, "EC PRIVATE KEY") ||
	    label_is(blk, "DSA PRIVATE KEY")) {
		/* the base64 is decoded here first, for a precise message */
		rc = pem_decode_body(blk, &der, &der_len, err);
		if (rc)
			return rc;
		if (pkcs8 && !pem_has_encryption_headers(blk)) {
			rc = load_pkcs8_block(b, blk, der, der_len, opts, err);
		} else {
			/* the legacy labels (and any key under Proc-Type and
			 * DEK-Info headers) carry their encryption in the
			 * text: GnuTLS reads that */
			const unsigned char *text = blk->begin;
			size_t text_len = (size_t)(blk->stop - blk->begin);
			rc = load_key(b, text, text_len, true, ck_key_pem_is_encrypted(text, text_len),
				      opts, err);
		}
		gnutls_memset(der, 0, der_len);
		free(der);
		if (rc && rc != CK_E_PASSWORD && rc != CK_E_BAD_PASSWORD && rc != CK_E_NOMEM) {
			char msg[CK_ERROR_WHAT_MAX];
			snprintf(msg, sizeof msg, "%s", err->what);
			ck_error_set(err, rc, "%.*s block at line %u: %s", ll, blk->label, blk->line, msg);
		}
		return rc;
	}

	if (!(label_is(blk, "CERTIFICATE") || label_is(blk, "X509 CERTIFICATE") ||
	      label_is(blk, "TRUSTED CERTIFICATE") || label_is(blk, "PKCS7") ||
	      label_is(blk, "PKCS #7 SIGNED DATA") || label_is(blk, "CMS"))) {
		return ck_bundle_note(b, CK_F_SKIPPED_CONTENT,
				      "a PEM block \"%.*s\" at line %u is not a certificate or key and was skipped",
				      ll, blk->label, blk->line);
	}
	rc = pem_decode_body(blk, &der, &der_len, err);
	if (rc)
		return rc;
	if (label_is(blk, "PKCS7") || label_is(blk, "PKCS #7 SIGNED DATA") || label_is(blk, "CMS"))
		rc = load_pkcs7(b, der, der_len, err);
	else if (label_is(blk, "TRUSTED CERTIFICATE"))
		rc = add_cert_der(b, der, first_tlv_len(der, der_len), err);
	else
		rc = add_cert_der(b, der, der_len, err);
	rc = locate(rc, der, der_len, "block", err);
	free(der);
	if (rc && rc != CK_E_NOMEM) {
		char msg[CK_ERROR_WHAT_MAX];
		snprintf(msg, sizeof msg, "%s", err->what);
		ck_error_set(err, rc, "%.*s block at line %u: %s", ll, blk->label, blk->line, msg);
	}
	return rc;
}

/* Glued blocks are noted one by one up to this many, then summed up:
 * a file of a hundred concatenated certificates is one problem. */
#define GLUE_NOTES_MAX 8

/* Record and note block `n` (blk), which starts mid-line after `prev`
 * (NULL for the first block).  The message says what OpenSSL's PEM
 * reader does with it, as tests/cli/chainview-glued.sh checks against
 * openssl, keytool and certtool. */
static enum ck_status note_glue(struct ck_bundle *b, const struct pem_block *prev,
				const struct pem_block *blk, unsigned n)
{
	struct ck_pem_glue *g;
	char hint[512];
	int ll = (int)(blk->label_len > 64 ? 64 : blk->label_len);
	int pl = prev ? (int)(prev->label_len > 64 ? 64 : prev->label_len) : 0;

	/* grows by doubling: a long concatenation costs no copy per block */
	if ((b->nglued & (b->nglued - 1)) == 0) {
		g = realloc(b->glued, (b->nglued ? 2 * b->nglued : 1) * sizeof *g);
		if (!g)
			return CK_E_NOMEM;
		b->glued = g;
	}
	g = &b->glued[b->nglued++];
	g->kind = (enum ck_pem_glue_kind)blk->glue;
	g->block = n;
	g->line = blk->line;
	if (b->nglued > GLUE_NOTES_MAX)
		return CK_OK;
	if (blk->glue == CK_GLUE_AFTER_TEXT) {
		snprintf(hint, sizeof hint,
			 "Start the BEGIN line on a line of its own (certconv --fix --to pem writes "
			 "every block so). Seen with OpenSSL 3.0: openssl x509 and storeutl pass "
			 "over the block; Java keytool -printcert fails (\"Failed to parse input\"); "
			 "GnuTLS certtool reads it.");
		return ck_bundle_note_hint(b, CK_F_PEM_GLUED_BLOCKS, hint,
					   "block %u (%.*s) starts after other text on line %u (\"%.*s\"): "
					   "OpenSSL's PEM reader takes a BEGIN only at the start of a line, so "
					   "nginx, curl, Python and .NET on Linux skip this block",
					   n, ll, blk->label, blk->line,
					   (int)(blk->lead_len > 32 ? 32 : blk->lead_len), blk->lead);
	}
	/* OpenSSL rejects the END line of block n - 1; storeutl then skips
	 * to the next BEGIN at the start of a line, after block n */
	snprintf(hint, sizeof hint,
		 "Put each BEGIN line on a line of its own (certconv --fix --to pem writes every "
		 "block so), or add a newline after END %.*s on line %u. Seen with OpenSSL 3.0: "
		 "openssl storeutl lists every block but these two, crl2pkcs7 -certfile fails "
		 "with \"bad end line\"%s; Java keytool -printcert fails (\"Failed to parse "
		 "input\"); GnuTLS certtool reads every block.",
		 pl, prev->label, blk->line, n == 2 ? ", openssl x509 reads nothing" : "");
	return ck_bundle_note_hint(b, CK_F_PEM_GLUED_BLOCKS, hint,
				   "blocks %u and %u are on one line (%u), %s END %.*s and BEGIN %.*s: "
				   "OpenSSL's PEM reader rejects block %u there (\"bad end line\"), so nginx, "
				   "curl, Python and .NET on Linux fail to load the file or get only the blocks "
				   "before it",
				   n - 1, n, blk->line,
				   blk->glue == CK_GLUE_TEXT_BETWEEN ? "with other text between" :
									"no newline between",
				   pl, prev->label, ll, blk->label, n - 1);
}

/* Certificate blocks in a row are decoded in batches, on several
 * threads (decoding is most of the time a long bundle takes to load),
 * then added to the bundle in file order; the first block that fails
 * gives the same error as when the blocks are loaded one by one, and
 * nothing after it is added. */
#define PEM_BATCH 512
#define PEM_MIN_PARALLEL 64
#define PEM_MAX_THREADS 64

struct pem_job {
	struct pem_block blk;
	unsigned index; /* the block's number in the file, from 1 */
	unsigned char *der;
	size_t der_len;
	struct ck_cert *cert;
	enum ck_status decode_rc, parse_rc;
	struct ck_error err;
};

struct pem_batch {
	struct pem_job job[PEM_BATCH];
	size_t n;
	size_t next; /* atomic */
	unsigned blocks;       /* blocks met so far, for corrupt-block */
	size_t corrupt;        /* blocks that could not be read */
	struct ck_error first; /* the first one's error */
};

/* A block that cannot be read (err says why, naming it and its line) is
 * noted as corrupt-block and passed over, so that what the other blocks
 * hold is still shown; when nothing could be read at all, the first
 * such error is the file's (load_pem_blocks).  Anything but a parse
 * error (memory, a password) still stops the load. */
static enum ck_status corrupt_block(struct ck_bundle *b, struct pem_batch *pb, unsigned n,
				    enum ck_status rc, struct ck_error *err)
{
	if (rc != CK_E_PARSE)
		return rc;
	if (!pb->corrupt++)
		pb->first = *err;
	if (ck_bundle_note_hint(b, CK_F_CORRUPT_BLOCK,
				"derdump shows where the block breaks; replace it with a good copy or "
				"remove it: OpenSSL-based programs refuse the file or stop at that block.",
				"PEM block %u could not be read and was skipped: %s", n, err->what))
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	ck_error_clear(err);
	return CK_OK;
}

static void *pem_worker(void *arg)
{
	struct pem_batch *pb = arg;
	size_t k;

	while ((k = __atomic_fetch_add(&pb->next, 1, __ATOMIC_RELAXED)) < pb->n) {
		struct pem_job *j = &pb->job[k];
		ck_error_clear(&j->err);
		j->decode_rc = pem_decode_body(&j->blk, &j->der, &j->der_len, &j->err);
		if (!j->decode_rc)
			j->parse_rc = ck_cert_from_der(j->der, j->der_len, &j->cert, &j->err);
	}
	return NULL;
}

static unsigned pem_threads(const struct ck_load_opts *opts, size_t n)
{
	long t = opts && opts->threads ? (long)opts->threads : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < PEM_MIN_PARALLEL || t < 1)
		return 1;
	return t > PEM_MAX_THREADS ? PEM_MAX_THREADS : (unsigned)t;
}

/* Decode the batch, add its certificates in order; empties it. */
static enum ck_status pem_flush(struct ck_bundle *b, struct pem_batch *pb,
				const struct ck_load_opts *opts, struct ck_error *err)
{
	pthread_t tid[PEM_MAX_THREADS];
	unsigned nt = pem_threads(opts, pb->n), started = 0;
	enum ck_status rc = CK_OK;
	size_t k;

	pb->next = 0;
	for (unsigned t = 1; t < nt; t++)
		if (pthread_create(&tid[started], NULL, pem_worker, pb) == 0)
			started++;
	pem_worker(pb);
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	for (k = 0; k < pb->n && !rc; k++) {
		struct pem_job *j = &pb->job[k];
		int ll = (int)(j->blk.label_len > 64 ? 64 : j->blk.label_len);
		if (j->decode_rc) {
			*err = j->err;
			rc = corrupt_block(b, pb, j->index, j->decode_rc, err);
			continue;
		}
		rc = j->parse_rc;
		if (rc)
			*err = j->err;
		else if (ck_bundle_add_cert(b, j->cert))
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		else
			j->cert = NULL;
		rc = locate(rc, j->der, j->der_len, "block", err);
		if (rc && rc != CK_E_NOMEM) {
			char msg[CK_ERROR_WHAT_MAX];
			snprintf(msg, sizeof msg, "%s", err->what);
			ck_error_set(err, rc, "%.*s block at line %u: %s", ll, j->blk.label,
				     j->blk.line, msg);
			rc = corrupt_block(b, pb, j->index, rc, err);
		}
	}
	for (k = 0; k < pb->n; k++) {
		ck_cert_free(pb->job[k].cert);
		free(pb->job[k].der);
	}
	memset(pb->job, 0, pb->n * sizeof pb->job[0]);
	pb->n = 0;
	return rc;
}

/* The text the blocks are read from: the whole input in memory, or a
 * window of a file read a piece at a time (pem_refill).  Blocks found
 * in the window point into it, so it keeps every byte from the first
 * block not yet decoded (the batch's) or the previous block (its label
 * names it in a pem-glued-blocks note) onwards. */
struct pem_src {
	const unsigned char *data;
	size_t len;
	bool eof;          /* data ends where the input does */
	/* a file read in pieces (fd >= 0): buf owns data */
	int fd;
	unsigned char *buf;
	size_t cap;
	uint64_t base;     /* input offset of data[0] */
	uint64_t total;    /* bytes read */
	size_t max_size;
};

/* Read at least once, then until the buffer is full or the input ends. */
static enum ck_status pem_read(struct pem_src *s, struct ck_error *err)
{
	while (s->len < s->cap) {
		ssize_t r = read(s->fd, s->buf + s->len, s->cap - s->len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ck_error_set_errno(err, CK_E_IO, errno, "read error");
		}
		if (r == 0) {
			s->eof = true;
			break;
		}
		s->len += (size_t)r;
		s->total += (uint64_t)r;
		if (s->total > s->max_size)
			return ck_error_set(err, CK_E_TOO_LARGE, "input is over the limit of %zu bytes",
					    s->max_size);
	}
	s->data = s->buf;
	return CK_OK;
}

#define PEM_WINDOW (1u << 20)

static void blk_move(struct pem_block *blk, const unsigned char *from, unsigned char *to)
{
	blk->label = (const char *)to + ((const unsigned char *)blk->label - from);
	blk->begin = to + (blk->begin - from);
	blk->body = to + (blk->body - from);
	blk->end = to + (blk->end - from);
	blk->mark_end = to + (blk->mark_end - from);
	blk->stop = to + (blk->stop - from);
	blk->lead = to + (blk->lead - from);
}

/* Drop what is no longer needed from the window, then read more: a
 * bigger buffer when what is kept leaves less than PEM_WINDOW free. */
static enum ck_status pem_refill(struct pem_src *s, size_t *pos, struct pem_batch *pb,
				 struct pem_block *prev, bool have_prev, struct ck_error *err)
{
	size_t keep = have_prev ? (size_t)(prev->begin - s->data) : *pos;
	size_t kept, cap = s->cap;
	unsigned char *nb = s->buf;
	const unsigned char *from;

	if (pb->n && (size_t)(pb->job[0].blk.begin - s->data) < keep)
		keep = (size_t)(pb->job[0].blk.begin - s->data);
	kept = s->len - keep;
	from = s->buf + keep;
	if (kept + PEM_WINDOW > cap) {
		cap = kept + PEM_WINDOW > 2 * cap ? kept + PEM_WINDOW : 2 * cap;
		nb = malloc(cap + 1);
		if (!nb)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		memcpy(nb, from, kept);
	} else {
		memmove(nb, from, kept);
	}
	for (size_t k = 0; k < pb->n; k++)
		blk_move(&pb->job[k].blk, from, nb);
	if (have_prev)
		blk_move(prev, from, nb);
	if (nb != s->buf) {
		explicit_bzero(s->buf, s->cap); /* it may hold a key */
		free(s->buf);
	} else {
		explicit_bzero(nb + kept, s->len - kept);
	}
	s->buf = nb;
	s->cap = cap;
	s->len = kept;
	s->base += keep;
	*pos -= keep;
	return pem_read(s, err);
}

static enum ck_status load_pem_blocks(struct ck_bundle *b, struct pem_src *src,
				      const struct ck_load_opts *opts, struct pem_batch *pb,
				      struct ck_error *err);

static enum ck_status load_pem(struct ck_bundle *b, struct pem_src *src,
			       const struct ck_load_opts *opts, struct ck_error *err)
{
	struct pem_batch *pb = calloc(1, sizeof *pb);
	enum ck_status rc;

	if (!pb)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	/* (a batch not yet decoded when an error stops the loop holds
	 * nothing allocated) */
	rc = load_pem_blocks(b, src, opts, pb, err);
	free(pb);
	return rc;
}

/* In a window, a block counts only once the window holds the end of
 * its END line: the rest of the input cannot change it then. */
static bool pem_window_short(const struct pem_src *src, int found, const struct pem_block *blk)
{
	const unsigned char *e = src->data + src->len;
	return !src->eof && (found != 1 || !memchr(blk->mark_end, '\n', (size_t)(e - blk->mark_end)));
}

static enum ck_status load_pem_blocks(struct ck_bundle *b, struct pem_src *src,
				      const struct ck_load_opts *opts, struct pem_batch *pb,
				      struct ck_error *err)
{
	size_t pos = 0, certs0 = b->ncerts, keys0 = b->nkeys;
	unsigned line = 0, blocks = 0;
	struct pem_block blk, prev;
	struct ck_error end_err;
	enum ck_status rc;
	int found;

	for (;;) {
		size_t pos0 = pos;
		unsigned line0 = line;
		found = next_pem_block(src->data, src->len, src->base > 0, &pos, &line, &blk,
				       src->eof ? err : &end_err);
		if (pem_window_short(src, found, &blk)) {
			pos = pos0;
			line = line0;
			if ((rc = pem_refill(src, &pos, pb, &prev, blocks > 0, err)))
				return rc;
			continue;
		}
		if (found != 1)
			break;
		blocks++;
		if (blk.glue >= 0 &&
		    (rc = note_glue(b, blk.glue == CK_GLUE_AFTER_TEXT ? NULL : &prev, &blk, blocks)))
			return ck_error_set(err, rc, "out of memory");
		if (label_is(&blk, "CERTIFICATE") || label_is(&blk, "X509 CERTIFICATE")) {
			pb->job[pb->n].index = blocks;
			pb->job[pb->n++].blk = blk;
			if (pb->n == PEM_BATCH && (rc = pem_flush(b, pb, opts, err)))
				return rc;
		} else {
			/* anything else in its place in the file */
			if (pb->n && (rc = pem_flush(b, pb, opts, err)))
				return rc;
			rc = load_pem_block(b, src->data, &blk, opts, err);
			if (rc && (rc = corrupt_block(b, pb, blocks, rc, err)))
				return rc;
		}
		prev = blk;
	}
	/* next_pem_block's reason for a last block it could not read: the
	 * flush may note corrupt blocks, which clears err */
	if (found < 0)
		end_err = *err;
	if (pb->n && (rc = pem_flush(b, pb, opts, err)))
		return rc;
	if (found < 0) {
		*err = end_err;
		/* a last block without its END line: corrupt too, when
		 * something before it could be read */
		if (b->ncerts == certs0 && b->nkeys == keys0)
			return CK_E_PARSE;
		if ((rc = corrupt_block(b, pb, blocks + 1, CK_E_PARSE, err)))
			return rc;
	}
	if (pb->corrupt && b->ncerts == certs0 && b->nkeys == keys0) {
		/* nothing could be read: the file's error is the first block's */
		*err = pb->first;
		return CK_E_PARSE;
	}
	if (blocks == 0)
		return ck_error_set(err, CK_E_PARSE, "no PEM block found");
	if (b->nglued > GLUE_NOTES_MAX &&
	    (rc = ck_bundle_note(b, CK_F_PEM_GLUED_BLOCKS,
				 "%zu more block%s start%s in the middle of a line, the last at line %u",
				 b->nglued - GLUE_NOTES_MAX, b->nglued - GLUE_NOTES_MAX == 1 ? "" : "s",
				 b->nglued - GLUE_NOTES_MAX == 1 ? "s" : "",
				 b->glued[b->nglued - 1].line)))
		return ck_error_set(err, rc, "out of memory");
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* entry points */

static bool has_pem_marker(const unsigned char *d, size_t len)
{
	return memmem(d, len, "-----BEGIN ", 11) != NULL;
}

/* ---------------------------------------------------------------- */
/* DER blobs, for tools that show the structure */

void ck_der_blobs_free(struct ck_der_blobs *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		if (b->blobs[i].der) {
			gnutls_memset(b->blobs[i].der, 0, b->blobs[i].len);
			free(b->blobs[i].der);
		}
		free(b->blobs[i].label);
	}
	free(b->blobs);
	free(b);
}

static struct ck_der_blob *add_blob(struct ck_der_blobs *b)
{
	struct ck_der_blob *n;

	/* the array doubles when n reaches a power of two: thousands of
	 * blocks must not cost a copy each */
	if ((b->n & (b->n - 1)) == 0) {
		n = realloc(b->blobs, (b->n ? 2 * b->n : 1) * sizeof *n);
		if (!n)
			return NULL;
		b->blobs = n;
	}
	n = &b->blobs[b->n++];
	memset(n, 0, sizeof *n);
	ck_error_clear(&n->err);
	return n;
}

/* One PEM block: its label, and its body decoded (or why not). */
static enum ck_status pem_blob(struct ck_der_blobs *b, const struct pem_block *blk,
			       const char *name)
{
	struct ck_der_blob *o = add_blob(b);
	const unsigned char *from, *to;
	int ll = (int)(blk->label_len > 64 ? 64 : blk->label_len);

	if (!o)
		return CK_E_NOMEM;
	o->line = blk->line;
	o->label = strndup(blk->label, (size_t)ll);
	if (!o->label)
		return CK_E_NOMEM;
	ck_error_set_file(&o->err, name);
	pem_body_range(blk, &from, &to);
	if (from != blk->body && memmem(blk->body, (size_t)(from - blk->body), "ENCRYPTED", 9)) {
		ck_error_set(&o->err, CK_E_UNSUPPORTED,
			     "%s block at line %u is encrypted (Proc-Type: 4,ENCRYPTED): its body is not DER",
			     o->label, o->line);
		return CK_OK;
	}
	if (pem_decode_body(blk, &o->der, &o->len, &o->err) == CK_E_NOMEM)
		return CK_E_NOMEM;
	if (o->err.status)
		ck_error_set_file(&o->err, name);
	return CK_OK;
}

/* Every PEM block; a block without END stops the list with its error. */
static enum ck_status pem_blobs(struct ck_der_blobs *b, const unsigned char *data, size_t len,
				const char *name)
{
	struct pem_block blk;
	struct ck_der_blob *o;
	struct ck_error perr;
	size_t pos = 0;
	unsigned line = 0;
	enum ck_status rc = CK_OK;
	int found;

	b->format = CK_FMT_PEM;
	ck_error_clear(&perr);
	while (!rc && (found = next_pem_block(data, len, false, &pos, &line, &blk, &perr)) == 1)
		rc = pem_blob(b, &blk, name);
	if (!rc && found < 0) {
		if (!(o = add_blob(b)))
			return CK_E_NOMEM;
		o->err = perr;
		ck_error_set_file(&o->err, name);
	}
	return rc;
}

/* Base64 text decoded, or else the bytes as they are (DER). */
static enum ck_status raw_blob(struct ck_der_blobs *b, const unsigned char *data, size_t len)
{
	struct ck_der_blob *o = add_blob(b);
	size_t bad = 0;
	enum ck_status rc = CK_E_PARSE;

	if (!o)
		return CK_E_NOMEM;
	if (looks_like_b64_text(data, len))
		rc = b64_decode(data, len, &o->der, &o->len, &bad);
	if (rc == CK_E_NOMEM)
		return rc;
	b->format = rc == CK_OK ? CK_FMT_BASE64 : CK_FMT_DER;
	if (rc == CK_OK)
		return CK_OK;
	o->der = malloc(len);
	if (!o->der)
		return CK_E_NOMEM;
	memcpy(o->der, data, len);
	o->len = len;
	return CK_OK;
}

enum ck_status ck_der_blobs_load(const unsigned char *data, size_t len, const char *name,
				 struct ck_der_blobs **out, struct ck_error *err)
{
	struct ck_der_blobs *b = calloc(1, sizeof *b);
	enum ck_status rc;

	ck_error_set_file(err, name);
	if (!b)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
		data += 3;
		len -= 3;
	}
	if (len == 0)
		rc = ck_error_set(err, CK_E_PARSE, "the file is empty");
	else if (has_pem_marker(data, len))
		rc = pem_blobs(b, data, len, name);
	else
		rc = raw_blob(b, data, len);
	if (rc == CK_E_NOMEM)
		ck_error_set(err, rc, "out of memory");
	else if (!rc && b->n == 0)
		rc = ck_error_set(err, CK_E_PARSE, "no PEM block found");
	if (rc) {
		ck_der_blobs_free(b);
		return rc;
	}
	*out = b;
	return CK_OK;
}

/* The end of every load: a bundle with nothing in it is an error unless
 * allowed; on an error the file is named and the bundle freed, else it
 * is the result. */
static enum ck_status finish_bundle(struct ck_bundle *b, enum ck_status rc, const char *name,
				    const struct ck_load_opts *opts, struct ck_bundle **out,
				    struct ck_error *err)
{
	if (rc == CK_OK && b->ncerts == 0 && b->nkeys == 0 && !opts->allow_empty)
		rc = ck_error_set(err, CK_E_PARSE, "no certificate or key found");
	if (rc) {
		ck_error_set_file(err, name);
		ck_bundle_free(b);
		return rc;
	}
	*out = b;
	return CK_OK;
}

enum ck_status ck_bundle_load_mem(const unsigned char *data, size_t len,
				  const char *name,
				  const struct ck_load_opts *opts_in,
				  struct ck_bundle **out, struct ck_error *err)
{
	struct ck_load_opts opts = { 0 };
	struct ck_bundle *b = NULL;
	enum ck_status rc;
	size_t max;

	if (opts_in)
		opts = *opts_in;
	max = opts.max_size ? opts.max_size : CK_LOAD_MAX_SIZE_DEFAULT;
	ck_error_set_file(err, name);
	if (len > max)
		return ck_error_set(err, CK_E_TOO_LARGE,
				    "input is %zu bytes, over the limit of %zu bytes", len, max);
	b = calloc(1, sizeof *b);
	if (!b || !(b->name = strdup(name ? name : "-"))) {
		free(b);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}

	if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
		data += 3;
		len -= 3;
	}
	if (len == 0) {
		rc = ck_error_set(err, CK_E_PARSE, "the file is empty");
	} else if (ck_jks_sniff(data, len)) {
		b->format = CK_FMT_JKS;
		rc = ck_jks_load(b, data, len, opts.password, opts.kdf_budget, err);
	} else if (has_pem_marker(data, len)) {
		struct pem_src src = { .data = data, .len = len, .eof = true, .fd = -1 };
		b->format = CK_FMT_PEM;
		rc = load_pem(b, &src, &opts, err);
	} else if (data[0] == 0x30) {
		rc = load_der(b, data, len, true, &opts, err);
	} else if (looks_like_b64_text(data, len)) {
		unsigned char *der = NULL;
		size_t der_len = 0, bad = 0;
		b->format = CK_FMT_BASE64;
		rc = b64_decode(data, len, &der, &der_len, &bad);
		if (rc == CK_E_NOMEM) {
			ck_error_set(err, rc, "out of memory");
		} else if (rc) {
			ck_error_set(err, rc, "unrecognized format: the text is neither PEM nor valid base64");
		} else if (der[0] != 0x30) {
			rc = ck_error_set(err, CK_E_PARSE,
					  "base64 text decodes to %zu bytes that are not DER", der_len);
		} else {
			rc = load_der(b, der, der_len, false, &opts, err);
			if (rc && rc != CK_E_NOMEM && rc != CK_E_PASSWORD && rc != CK_E_BAD_PASSWORD) {
				char msg[CK_ERROR_WHAT_MAX];
				int64_t at = err->offset;
				snprintf(msg, sizeof msg, "%s", err->what);
				ck_error_set_at(err, rc, at, "decoded base64: %s", msg);
			}
		}
		if (der) {
			gnutls_memset(der, 0, der_len);
			free(der);
		}
	} else {
		rc = ck_error_set(err, CK_E_PARSE,
				  "unrecognized format: not PEM, DER, PKCS#12, PKCS#7, JKS or base64");
	}
	return finish_bundle(b, rc, name, &opts, out, err);
}

enum ck_status ck_read_file(const char *path, size_t max_size, unsigned char **out,
			    size_t *len, struct ck_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	enum ck_status rc;

	ck_error_set_file(err, is_stdin ? "-" : path);
	if (fd < 0)
		return ck_error_set_errno(err, CK_E_IO, errno, "cannot open");
	rc = ck_read_fd(fd, is_stdin ? "-" : path, max_size, out, len, err);
	if (!is_stdin)
		close(fd);
	return rc;
}

enum ck_status ck_read_fd(int fd, const char *name, size_t max_size, unsigned char **out,
			  size_t *len, struct ck_error *err)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t cap, n = 0;
	enum ck_status rc = CK_OK;

	if (!max_size)
		max_size = CK_LOAD_MAX_SIZE_DEFAULT;
	ck_error_set_file(err, name);
	if (fstat(fd, &st) < 0) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot stat");
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = ck_error_set(err, CK_E_IO, "is a directory");
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_size) {
		rc = ck_error_set(err, CK_E_TOO_LARGE,
				  "file is %lld bytes, over the limit of %zu bytes",
				  (long long)st.st_size, max_size);
		goto out;
	}
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	buf = malloc(cap + 1);
	if (!buf) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		ssize_t r;
		if (n == cap) {
			unsigned char *nb;
			if (cap > max_size) {
				rc = ck_error_set(err, CK_E_TOO_LARGE,
						  "input is over the limit of %zu bytes", max_size);
				goto out;
			}
			/* not realloc: the old copy may hold a private key,
			 * and is wiped before it is freed */
			nb = malloc(cap * 2 + 1);
			if (!nb) {
				rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
				goto out;
			}
			memcpy(nb, buf, n);
			gnutls_memset(buf, 0, n);
			free(buf);
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = ck_error_set_errno(err, CK_E_IO, errno, "read error");
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max_size) {
			rc = ck_error_set(err, CK_E_TOO_LARGE, "input is over the limit of %zu bytes",
					  max_size);
			goto out;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	if (buf)
		gnutls_memset(buf, 0, n);
	free(buf);
	return rc;
}

/* A PEM file read in pieces: what ck_bundle_load_mem() does with its
 * PEM text, the window (src) already holding the input's first bytes. */
static enum ck_status load_pem_stream(struct pem_src *src, const char *name,
				      const struct ck_load_opts *opts, struct ck_bundle **out,
				      struct ck_error *err)
{
	struct ck_bundle *b = calloc(1, sizeof *b);
	enum ck_status rc;

	if (!b || !(b->name = strdup(name))) {
		free(b);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	b->format = CK_FMT_PEM;
	rc = load_pem(b, src, opts, err);
	return finish_bundle(b, rc, name, opts, out, err);
}

/* A certificate block in the first bytes: the input is a PEM bundle
 * (ck_bundle_load_mem's choice, and not a certificate request). */
static bool head_is_pem_bundle(const unsigned char *d, size_t len)
{
	return !ck_jks_sniff(d, len) &&
	       (memmem(d, len, "-----BEGIN CERTIFICATE-----", 27) ||
		memmem(d, len, "-----BEGIN X509 CERTIFICATE-----", 32) ||
		memmem(d, len, "-----BEGIN TRUSTED CERTIFICATE-----", 35));
}

enum ck_status ck_bundle_load_path(const char *path, const struct ck_load_opts *opts_in,
				   unsigned char **whole, size_t *whole_len,
				   struct ck_bundle **out, struct ck_error *err)
{
	struct ck_load_opts opts = { 0 };
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "-" : path;
	struct pem_src src = { .fd = -1 };
	struct stat st;
	size_t bom;
	enum ck_status rc;

	if (opts_in)
		opts = *opts_in;
	src.max_size = opts.max_size ? opts.max_size : CK_LOAD_MAX_SIZE_DEFAULT;
	ck_error_set_file(err, name);
	src.fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (src.fd < 0)
		return ck_error_set_errno(err, CK_E_IO, errno, "cannot open");
	/* ck_read_fd's checks, before anything is read */
	if (fstat(src.fd, &st) < 0) {
		rc = ck_error_set_errno(err, CK_E_IO, errno, "cannot stat");
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = ck_error_set(err, CK_E_IO, "is a directory");
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > src.max_size) {
		rc = ck_error_set(err, CK_E_TOO_LARGE, "file is %lld bytes, over the limit of %zu bytes",
				  (long long)st.st_size, src.max_size);
		goto out;
	}
	src.cap = PEM_WINDOW;
	src.buf = malloc(src.cap + 1);
	if (!src.buf) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = pem_read(&src, err)))
		goto out;
	bom = src.len >= 3 && src.buf[0] == 0xef && src.buf[1] == 0xbb && src.buf[2] == 0xbf ? 3 : 0;
	if (src.len > bom && head_is_pem_bundle(src.buf + bom, src.len - bom)) {
		memmove(src.buf, src.buf + bom, src.len - bom);
		src.len -= bom;
		rc = load_pem_stream(&src, name, &opts, out, err);
		goto out;
	}
	/* anything else is read whole, for ck_bundle_load_mem */
	while (!src.eof) {
		if (src.len == src.cap) {
			unsigned char *nb = realloc(src.buf, 2 * src.cap + 1);
			if (!nb) {
				rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
				goto out;
			}
			src.buf = nb;
			src.cap *= 2;
		}
		if ((rc = pem_read(&src, err)))
			goto out;
	}
	src.buf[src.len] = '\0';
	*whole = src.buf;
	*whole_len = src.len;
	*out = NULL;
	src.buf = NULL;
out:
	if (src.buf) {
		explicit_bzero(src.buf, src.cap); /* it may hold a key */
		free(src.buf);
	}
	if (!is_stdin && src.fd >= 0)
		close(src.fd);
	return rc;
}

enum ck_status ck_bundle_load_file(const char *path, const struct ck_load_opts *opts,
				   struct ck_bundle **out, struct ck_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	enum ck_status rc;

	rc = ck_bundle_load_path(path, opts, &data, &len, out, err);
	if (rc || !data)
		return rc;
	rc = ck_bundle_load_mem(data, len, path, opts, out, err);
	gnutls_memset(data, 0, len);
	free(data);
	return rc;
}
