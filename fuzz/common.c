/* common — the helpers of fuzz.h.  Fixtures are read once per process
 * and kept: the harnesses run millions of inputs against the same
 * certificates. */
#include "config.h"

#include "fuzz.h"

#include "libcore/cert.h"
#include "libcore/report.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef CK_FIXTURES
#error "CK_FIXTURES must name the fixtures directory"
#endif

void fz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz harness: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

uint32_t fz_u32(struct fz *f)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | fz_u8(f);
	return v;
}

char *fz_str(struct fz *f, size_t max)
{
	size_t n = fz_u8(f), k = 0;
	char *s;

	if (n > max)
		n = max;
	if (n > f->n)
		n = f->n;
	s = malloc(n + 1);
	if (!s)
		abort();
	while (k < n && f->p[k])
		k++;
	memcpy(s, f->p, k);
	s[k] = '\0';
	f->p += n;
	f->n -= n;
	return s;
}

/* The prompt stand-in: the first attempt gets "test", then the user
 * gives up (CK_E_PASSWORD), as a terminal user pressing ^D would. */
static enum ck_status ask(void *ctx, const char *input, unsigned attempt, char **out)
{
	(void)ctx;
	(void)input;
	if (attempt > 1)
		return CK_E_PASSWORD;
	*out = strdup("test");
	return *out ? CK_OK : CK_E_PASSWORD;
}

uint8_t fz_header(struct fz *f, struct fz_pw *pw)
{
	uint8_t flags = fz_u8(f);

	memset(pw, 0, sizeof *pw);
	if (flags & FZ_PASSWORD) {
		pw->value = fz_str(f, 64);
		pw->pw.value = pw->value;
	}
	if (flags & FZ_ASK)
		pw->pw.ask = ask;
	return flags;
}

void fz_pw_cleanup(struct fz_pw *pw)
{
	free(pw->value);
	memset(pw, 0, sizeof *pw);
}

/* ---------------------------------------------------------------- */
/* fixtures */

struct fixture {
	char *rel;
	unsigned char *data;
	size_t len;
	struct ck_cert *cert;
};

static struct fixture *fixtures;
static size_t nfixtures;

static struct fixture *fixture(const char *rel)
{
	char path[4096];
	struct ck_error err;
	struct fixture *n;

	for (size_t i = 0; i < nfixtures; i++)
		if (!strcmp(fixtures[i].rel, rel))
			return &fixtures[i];
	n = realloc(fixtures, (nfixtures + 1) * sizeof *n);
	if (!n)
		abort();
	fixtures = n;
	n = &fixtures[nfixtures];
	memset(n, 0, sizeof *n);
	snprintf(path, sizeof path, "%s/%s", CK_FIXTURES, rel);
	ck_error_clear(&err);
	if (ck_read_file(path, 0, &n->data, &n->len, &err))
		fz_fail("fixture %s: %s", path, err.what);
	n->rel = strdup(rel);
	if (!n->rel)
		abort();
	nfixtures++;
	return n;
}

const unsigned char *fz_fixture(const char *rel, size_t *len)
{
	struct fixture *x = fixture(rel);
	*len = x->len;
	return x->data;
}

const struct ck_cert *fz_fixture_cert(const char *rel)
{
	struct fixture *x = fixture(rel);
	struct ck_error err;

	if (!x->cert) {
		ck_error_clear(&err);
		if (ck_cert_from_der(x->data, x->len, &x->cert, &err))
			fz_fail("fixture %s is not a DER certificate: %s", rel, err.what);
	}
	return x->cert;
}

/* ---------------------------------------------------------------- */
/* memory output and well-formedness */

FILE *fz_mem_open(struct fz_mem *m)
{
	free(m->buf);
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (!m->f)
		abort();
	return m->f;
}

void fz_mem_close(struct fz_mem *m)
{
	if (m->f && fclose(m->f) != 0)
		fz_fail("closing a memory stream failed");
	m->f = NULL;
}

void fz_mem_free(struct fz_mem *m)
{
	if (m->f)
		fclose(m->f);
	free(m->buf);
	memset(m, 0, sizeof *m);
}

bool fz_sampled(const uint8_t *data, size_t size, unsigned one_in)
{
	uint32_t h = 2166136261u;

	if (one_in <= 1)
		return true;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h % one_in == 0;
}

void fz_assert_json_lines(const char *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t line = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		json_error_t jerr;
		json_t *doc;

		if (!nl)
			fz_fail("JSON output does not end with a newline");
		doc = json_loadb(buf + pos, line, JSON_DECODE_ANY, &jerr);
		if (!doc)
			fz_fail("JSON output line at byte %zu is not JSON: %s (column %d)", pos,
				jerr.text, jerr.column);
		json_decref(doc);
		pos += line + 1;
	}
}

static void xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void fz_assert_xml(const char *buf, size_t len)
{
	static bool quiet;
	xmlDocPtr doc;

	if (!quiet) {
		xmlSetGenericErrorFunc(NULL, xml_quiet);
		quiet = true;
	}
	if (len > INT32_MAX)
		fz_fail("XML output over 2 GiB");
	doc = xmlReadMemory(buf, (int)len, "fuzz.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		const char *dump = getenv("FUZZ_DUMP_XML");
		if (dump) {
			FILE *o = fopen(dump, "w");
			if (o) {
				fwrite(buf, 1, len, o);
				fclose(o);
			}
		}
		fz_fail("XML output is not well-formed: %s (line %d)", e && e->message ? e->message : "?",
			e ? e->line : 0);
	}
	xmlFreeDoc(doc);
}

void fz_assert_status(int rc)
{
	if (rc < CK_OK || rc > CK_E_INTERNAL)
		fz_fail("status %d is not an enum ck_status", rc);
	if (rc == CK_E_INTERNAL)
		fz_fail("CK_E_INTERNAL: an input made libcore fail internally");
}

void fz_assert_line(const char *what, const char *s)
{
	if (!s || !*s)
		fz_fail("%s is empty", what);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			fz_fail("%s has control character 0x%02x at %zu: %s", what, *p,
				(size_t)(p - (const unsigned char *)s), s);
}

void fz_assert_plain(const char *what, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f) {
			size_t from = i > 40 ? i - 40 : 0;
			fz_fail("%s holds control character 0x%02x at byte %zu, after \"%.*s\"", what, c, i,
				(int)(i - from), buf + from);
		}
	}
}

void fz_assert_error(int rc, const struct ck_error *err)
{
	if (rc == CK_E_INTERNAL)
		fz_fail("CK_E_INTERNAL: an input made libcore fail internally: %s", err->what);
	fz_assert_status(rc);
	if (rc == CK_OK)
		return;
	if ((int)err->status != rc)
		fz_fail("returned status %d but err->status is %d", rc, (int)err->status);
	fz_assert_line("error message", err->what);
}

/* Render `doc` as JSON and as XML and parse both back. */
void fz_check_doc(const json_t *doc, const char *element)
{
	struct fz_mem m = { 0 };
	struct ck_xml *x;

	if (ck_report_write_json(fz_mem_open(&m), doc) != 0)
		fz_fail("ck_report_write_json failed");
	fz_mem_close(&m);
	fz_assert_json_lines(m.buf, m.len);
	x = ck_xml_begin(fz_mem_open(&m), "fuzz");
	if (!x || ck_xml_write(x, doc, element) != 0 || ck_xml_end(x) != 0)
		fz_fail("ck_xml_* failed");
	fz_mem_close(&m);
	fz_assert_xml(m.buf, m.len);
	fz_mem_free(&m);
}

void fz_check_bundle(const struct ck_bundle *b)
{
	json_t *doc;

	if (!b || !b->name)
		fz_fail("CK_OK without a bundle");
	if (b->format == CK_FMT_UNKNOWN)
		fz_fail("a bundle without a format");
	for (size_t i = 0; i < b->ncerts; i++) {
		const struct ck_cert *c = b->certs[i];
		if (!c || !c->der || !c->der_len || !c->subject || !c->issuer || !c->serial)
			fz_fail("certificate %zu of the bundle is incomplete", i);
		if ((size_t)c->tbs.off + c->tbs.len > c->der_len ||
		    (size_t)c->subject_raw.off + c->subject_raw.len > c->der_len ||
		    (size_t)c->issuer_raw.off + c->issuer_raw.len > c->der_len ||
		    (size_t)c->spki.off + c->spki.len > c->der_len ||
		    (size_t)c->sig.off + c->sig.len > c->der_len)
			fz_fail("certificate %zu has a span outside its DER", i);
	}
	for (size_t i = 0; i < b->nkeys; i++)
		if (!b->keys[i] || !b->keys[i]->pkcs8 || !b->keys[i]->pkcs8_len)
			fz_fail("key %zu of the bundle is incomplete", i);
	for (size_t i = 0; i < b->nnotes; i++) {
		if (!ck_finding_def(b->notes[i].id))
			fz_fail("note %zu has no finding code", i);
		fz_assert_line("a note", b->notes[i].message);
	}
	doc = ck_report_input(b);
	if (!doc)
		fz_fail("ck_report_input failed");
	fz_check_doc(doc, "input");
	json_decref(doc);
}
