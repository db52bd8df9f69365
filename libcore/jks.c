/* jks — a careful reader for Java KeyStores (JKS and JCEKS).
 *
 * Hand-written: no C library reads these formats.  The layout (all
 * integers big-endian, strings in Java's "modified UTF-8" with a 2-byte
 * length, as DataOutputStream writes them):
 *
 *   u32 magic (0xfeedfeed JKS, 0xcececece JCEKS)   u32 version (1 or 2)
 *   u32 count, then count entries:
 *     u32 tag = 1 private key:  utf alias, u64 date (ms), u32 n + n bytes
 *                               protected key, u32 chain length, then per
 *                               certificate: [v2: utf type] u32 n + n DER
 *     u32 tag = 2 trusted cert: utf alias, u64 date, [v2: utf type], u32 n + n DER
 *     u32 tag = 3 secret key (JCEKS): utf alias, u64 date, then a Java
 *                               serialized object (no length: it is walked)
 *   20 bytes: SHA-1(password as UTF-16BE || "Mighty Aphrodite" || all of the above)
 *
 * Invariants: every read checks the bytes left first; every count is
 * bounded by what the bytes left can hold (and by CK_JKS_MAX_*); the
 * serialized-object walker is bounded in depth and handles.  Certificates
 * go through ck_cert_from_der like any other input.  Nothing is decrypted. */
#include "config.h"

#include "jks.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libtasn1.h>
#include "der.h"
#include "key.h"
#include "pkcs12.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JKS_DIGEST_LEN 20

struct rd {
	const unsigned char *p;
	size_t len, pos;
	struct ck_error *err;
	const char *what; /* what is being read, for "ends inside ..." */
};

static size_t left(const struct rd *r)
{
	return r->len - r->pos;
}

static enum ck_status truncated(struct rd *r)
{
	return ck_error_set_at(r->err, CK_E_PARSE, (int64_t)r->pos,
			       "truncated keystore: the data ends inside %s at byte %zu", r->what,
			       r->pos);
}

static enum ck_status get_bytes(struct rd *r, size_t n, const unsigned char **out)
{
	if (n > left(r))
		return truncated(r);
	*out = r->p + r->pos;
	r->pos += n;
	return CK_OK;
}

static enum ck_status get_u8(struct rd *r, unsigned *v)
{
	const unsigned char *b = NULL;
	enum ck_status rc = get_bytes(r, 1, &b);
	if (!rc)
		*v = b[0];
	return rc;
}

static enum ck_status get_u16(struct rd *r, unsigned *v)
{
	const unsigned char *b = NULL;
	enum ck_status rc = get_bytes(r, 2, &b);
	if (!rc)
		*v = (unsigned)b[0] << 8 | b[1];
	return rc;
}

static enum ck_status get_u32(struct rd *r, uint32_t *v)
{
	const unsigned char *b = NULL;
	enum ck_status rc = get_bytes(r, 4, &b);
	if (!rc)
		*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return rc;
}

static enum ck_status get_u64(struct rd *r, uint64_t *v)
{
	uint32_t hi = 0, lo = 0;
	enum ck_status rc = get_u32(r, &hi);
	if (!rc)
		rc = get_u32(r, &lo);
	if (!rc)
		*v = (uint64_t)hi << 32 | lo;
	return rc;
}

/* Java's modified UTF-8 to UTF-8: U+0000 is written C0 80 and characters
 * beyond the BMP as two 3-byte surrogates.  Invalid sequences become
 * U+FFFD, so the result is always valid UTF-8 without NUL. */
static size_t put_cp(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One UTF-16 unit from modified UTF-8 at s[0..n); 0 consumed if invalid. */
static size_t mutf8_unit(const unsigned char *s, size_t n, uint32_t *u)
{
	if (s[0] < 0x80 && s[0] != 0) {
		*u = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && n >= 2 && (s[1] & 0xc0) == 0x80) {
		*u = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return (*u >= 0x80 || *u == 0) ? 2 : 0;
	}
	if ((s[0] & 0xf0) == 0xe0 && n >= 3 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*u = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return *u >= 0x800 ? 3 : 0;
	}
	return 0;
}

static char *mutf8_to_utf8(const unsigned char *s, size_t n)
{
	/* at most 3 bytes out per byte in: an invalid byte becomes U+FFFD
	 * (fuzz-jks found the old n * 2 + 1 overflowed) */
	char *out = malloc(n * 3 + 1), *o = out;
	size_t i = 0;

	if (!out)
		return NULL;
	while (i < n) {
		uint32_t u = 0, lo = 0;
		size_t k = mutf8_unit(s + i, n - i, &u), k2;
		if (!k) {
			o += put_cp(o, 0xfffd);
			i++;
			continue;
		}
		i += k;
		if (u >= 0xd800 && u <= 0xdbff && i < n && (k2 = mutf8_unit(s + i, n - i, &lo)) &&
		    lo >= 0xdc00 && lo <= 0xdfff) {
			i += k2;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		} else if (u == 0 || (u >= 0xd800 && u <= 0xdfff)) {
			u = 0xfffd; /* NUL or a lone surrogate */
		}
		o += put_cp(o, u);
	}
	*o = '\0';
	return out;
}

/* A DataOutputStream UTF string: u16 length + modified UTF-8. */
static enum ck_status get_utf(struct rd *r, char **out)
{
	unsigned n = 0;
	const unsigned char *b = NULL;
	enum ck_status rc = get_u16(r, &n);
	if (!rc)
		rc = get_bytes(r, n, &b);
	if (rc)
		return rc;
	if (!out)
		return CK_OK;
	*out = mutf8_to_utf8(b, n);
	return *out ? CK_OK : ck_error_set(r->err, CK_E_NOMEM, "out of memory");
}

/* ---------------------------------------------------------------- */
/* JCEKS secret-key entries: a Java serialized object (a SealedObject)
 * written without a length, so it has to be walked to find where it
 * ends.  This walks the serialization grammar (java.io spec, chapter 6)
 * far enough to skip any object: class descriptors are remembered by
 * handle, because the field layout of an object comes from them. */

enum {
	TC_NULL = 0x70, TC_REFERENCE, TC_CLASSDESC, TC_OBJECT, TC_STRING, TC_ARRAY, TC_CLASS,
	TC_BLOCKDATA, TC_ENDBLOCKDATA, TC_RESET, TC_BLOCKDATALONG, TC_EXCEPTION, TC_LONGSTRING,
	TC_PROXYCLASSDESC, TC_ENUM,
};
#define SC_WRITE_METHOD 0x01
#define SC_SERIALIZABLE 0x02
#define SC_EXTERNALIZABLE 0x04
#define SC_BLOCK_DATA 0x08
#define JSER_BASE_HANDLE 0x7e0000u
#define JSER_MAX_DEPTH 32
#define JSER_MAX_HANDLES 4096

struct jdesc {
	unsigned flags;
	char elem;            /* for array classes ("[B"): the element code */
	char *fields;         /* one type code per field, in stream order */
	size_t nfields;
	struct jdesc *super;
};

struct jser {
	struct rd *r;
	struct jdesc *handles[JSER_MAX_HANDLES]; /* NULL: a handle that is not a class */
	size_t nhandles;
};

static enum ck_status jser_bad(struct jser *s, const char *why)
{
	return ck_error_set_at(s->r->err, CK_E_PARSE, (int64_t)s->r->pos,
			       "malformed serialized secret key at byte %zu: %s", s->r->pos, why);
}

static enum ck_status jser_handle(struct jser *s, struct jdesc *d)
{
	if (s->nhandles >= JSER_MAX_HANDLES)
		return jser_bad(s, "too many objects");
	s->handles[s->nhandles++] = d;
	return CK_OK;
}

static void jser_reset(struct jser *s)
{
	for (size_t i = 0; i < s->nhandles; i++) {
		if (s->handles[i]) {
			free(s->handles[i]->fields);
			free(s->handles[i]);
		}
	}
	s->nhandles = 0;
}

static enum ck_status jser_content(struct jser *s, unsigned depth);

/* Skip block data and objects up to TC_ENDBLOCKDATA (class annotations,
 * data written by writeObject methods). */
static enum ck_status jser_annotation(struct jser *s, unsigned depth)
{
	for (;;) {
		enum ck_status rc;
		if (left(s->r) < 1)
			return truncated(s->r);
		if (s->r->p[s->r->pos] == TC_ENDBLOCKDATA) {
			s->r->pos++;
			return CK_OK;
		}
		rc = jser_content(s, depth + 1);
		if (rc)
			return rc;
	}
}

static enum ck_status jser_classdesc(struct jser *s, unsigned depth, struct jdesc **out)
{
	struct rd *r = s->r;
	unsigned tc = 0, n = 0;
	uint32_t h = 0, cnt = 0;
	struct jdesc *d;
	enum ck_status rc;
	const unsigned char *b = NULL;
	char *name = NULL;

	if (depth > JSER_MAX_DEPTH)
		return jser_bad(s, "nested too deeply");
	if ((rc = get_u8(r, &tc)))
		return rc;
	switch (tc) {
	case TC_NULL:
		*out = NULL;
		return CK_OK;
	case TC_REFERENCE:
		if ((rc = get_u32(r, &h)))
			return rc;
		if (h < JSER_BASE_HANDLE || h - JSER_BASE_HANDLE >= s->nhandles ||
		    !s->handles[h - JSER_BASE_HANDLE])
			return jser_bad(s, "reference to an unknown class");
		*out = s->handles[h - JSER_BASE_HANDLE];
		return CK_OK;
	case TC_PROXYCLASSDESC:
		d = calloc(1, sizeof *d);
		if (!d)
			return ck_error_set(r->err, CK_E_NOMEM, "out of memory");
		if ((rc = jser_handle(s, d))) {
			free(d);
			return rc;
		}
		d->flags = SC_SERIALIZABLE;
		if ((rc = get_u32(r, &cnt)))
			return rc;
		if (cnt > left(r) / 2)
			return jser_bad(s, "impossible interface count");
		for (uint32_t i = 0; i < cnt; i++)
			if ((rc = get_utf(r, NULL)))
				return rc;
		if ((rc = jser_annotation(s, depth)))
			return rc;
		if ((rc = jser_classdesc(s, depth + 1, &d->super)))
			return rc;
		*out = d;
		return CK_OK;
	case TC_CLASSDESC:
		break;
	default:
		return jser_bad(s, "class description expected");
	}
	if ((rc = get_utf(r, &name)))
		return rc;
	if ((rc = get_bytes(r, 8, &b))) { /* serialVersionUID */
		free(name);
		return rc;
	}
	d = calloc(1, sizeof *d);
	if (!d || (rc = jser_handle(s, d))) {
		free(d);
		free(name);
		return d ? rc : ck_error_set(r->err, CK_E_NOMEM, "out of memory");
	}
	d->elem = name[0] == '[' ? name[1] : 0;
	free(name);
	if ((rc = get_u8(r, &d->flags)) || (rc = get_u16(r, &n)))
		return rc;
	if (n > left(r) / 3) /* each field takes at least 3 bytes */
		return jser_bad(s, "impossible field count");
	d->fields = malloc(n + 1);
	if (!d->fields)
		return ck_error_set(r->err, CK_E_NOMEM, "out of memory");
	for (unsigned i = 0; i < n; i++) {
		unsigned code = 0;
		if ((rc = get_u8(r, &code)) || (rc = get_utf(r, NULL)))
			return rc;
		if (!strchr("BCDFIJSZ[L", (int)code) || !code)
			return jser_bad(s, "unknown field type");
		d->fields[d->nfields++] = (char)code;
		if ((code == '[' || code == 'L') && (rc = jser_content(s, depth + 1)))
			return rc; /* the field's class name, a string */
	}
	if ((rc = jser_annotation(s, depth)))
		return rc;
	if ((rc = jser_classdesc(s, depth + 1, &d->super)))
		return rc;
	*out = d;
	return CK_OK;
}

static size_t prim_size(char code)
{
	switch (code) {
	case 'B': case 'Z': return 1;
	case 'C': case 'S': return 2;
	case 'I': case 'F': return 4;
	case 'J': case 'D': return 8;
	default: return 0;
	}
}

static enum ck_status jser_values(struct jser *s, const struct jdesc *d, unsigned depth)
{
	enum ck_status rc;
	const unsigned char *b = NULL;

	for (size_t i = 0; i < d->nfields; i++) {
		size_t sz = prim_size(d->fields[i]);
		rc = sz ? get_bytes(s->r, sz, &b) : jser_content(s, depth + 1);
		if (rc)
			return rc;
	}
	return CK_OK;
}

static enum ck_status jser_object(struct jser *s, unsigned depth)
{
	struct jdesc *d = NULL, *chain[JSER_MAX_DEPTH + 1];
	size_t n = 0;
	enum ck_status rc = jser_classdesc(s, depth + 1, &d);

	if (rc)
		return rc;
	if (!d)
		return jser_bad(s, "object without a class");
	if ((rc = jser_handle(s, NULL)))
		return rc;
	/* class data goes from the topmost superclass down */
	for (struct jdesc *c = d; c; c = c->super) {
		if (n > JSER_MAX_DEPTH)
			return jser_bad(s, "class hierarchy too deep");
		chain[n++] = c;
	}
	while (n-- > 0) {
		const struct jdesc *c = chain[n];
		if (c->flags & SC_EXTERNALIZABLE) {
			if (!(c->flags & SC_BLOCK_DATA))
				return jser_bad(s, "old externalizable format");
			rc = jser_annotation(s, depth);
		} else if (c->flags & SC_SERIALIZABLE) {
			rc = jser_values(s, c, depth);
			if (!rc && (c->flags & SC_WRITE_METHOD))
				rc = jser_annotation(s, depth);
		}
		if (rc)
			return rc;
	}
	return CK_OK;
}

static enum ck_status jser_array(struct jser *s, unsigned depth)
{
	struct jdesc *d = NULL;
	uint32_t count = 0;
	const unsigned char *b = NULL;
	enum ck_status rc = jser_classdesc(s, depth + 1, &d);
	size_t sz;

	if (rc)
		return rc;
	if (!d || !d->elem)
		return jser_bad(s, "array of an unknown type");
	if ((rc = jser_handle(s, NULL)) || (rc = get_u32(s->r, &count)))
		return rc;
	sz = prim_size(d->elem);
	if (sz)
		return count > left(s->r) / sz ? truncated(s->r) : get_bytes(s->r, count * sz, &b);
	if (count > left(s->r))
		return truncated(s->r);
	for (uint32_t i = 0; i < count; i++)
		if ((rc = jser_content(s, depth + 1)))
			return rc;
	return CK_OK;
}

static enum ck_status jser_content(struct jser *s, unsigned depth)
{
	struct rd *r = s->r;
	unsigned tc = 0, n8 = 0;
	uint32_t n32 = 0;
	uint64_t n64 = 0;
	const unsigned char *b = NULL;
	struct jdesc *d;
	enum ck_status rc;

	if (depth > JSER_MAX_DEPTH)
		return jser_bad(s, "nested too deeply");
	if (left(r) < 1)
		return truncated(r);
	tc = r->p[r->pos];
	if (tc == TC_CLASSDESC || tc == TC_PROXYCLASSDESC)
		return jser_classdesc(s, depth, &d);
	r->pos++;
	switch (tc) {
	case TC_NULL:
		return CK_OK;
	case TC_REFERENCE:
		return get_bytes(r, 4, &b);
	case TC_RESET:
		/* only ever written between top-level objects: inside one it
		 * would free descriptors still in use */
		r->pos--;
		return jser_bad(s, "unexpected reset");
	case TC_STRING:
		if ((rc = jser_handle(s, NULL)))
			return rc;
		return get_utf(r, NULL);
	case TC_LONGSTRING:
		if ((rc = jser_handle(s, NULL)) || (rc = get_u64(r, &n64)))
			return rc;
		return n64 > left(r) ? truncated(r) : get_bytes(r, (size_t)n64, &b);
	case TC_BLOCKDATA:
		if ((rc = get_u8(r, &n8)))
			return rc;
		return get_bytes(r, n8, &b);
	case TC_BLOCKDATALONG:
		if ((rc = get_u32(r, &n32)))
			return rc;
		return get_bytes(r, n32, &b);
	case TC_OBJECT:
		return jser_object(s, depth);
	case TC_ARRAY:
		return jser_array(s, depth);
	case TC_CLASS:
		if ((rc = jser_classdesc(s, depth + 1, &d)))
			return rc;
		return jser_handle(s, NULL);
	case TC_ENUM:
		if ((rc = jser_classdesc(s, depth + 1, &d)) || (rc = jser_handle(s, NULL)))
			return rc;
		return jser_content(s, depth + 1);
	default:
		r->pos--;
		return jser_bad(s, "unexpected type code");
	}
}

/* Skip one serialized object: the stream header (0xaced 0005), then the
 * object. */
static enum ck_status skip_serialized(struct rd *r)
{
	struct jser *s = calloc(1, sizeof *s);
	unsigned magic = 0, version = 0;
	enum ck_status rc;

	if (!s)
		return ck_error_set(r->err, CK_E_NOMEM, "out of memory");
	s->r = r;
	rc = get_u16(r, &magic);
	if (!rc)
		rc = get_u16(r, &version);
	if (!rc && (magic != 0xaced || version != 5))
		rc = jser_bad(s, "not a Java serialization stream");
	if (!rc)
		rc = jser_content(s, 0);
	jser_reset(s);
	free(s);
	return rc;
}

/* ---------------------------------------------------------------- */
/* entries */

const char *ck_jks_entry_type_name(enum ck_jks_entry_type t)
{
	switch (t) {
	case CK_JKS_PRIVATE_KEY: return "private-key";
	case CK_JKS_TRUSTED_CERT: return "trusted-certificate";
	case CK_JKS_SECRET_KEY: return "secret-key";
	default: return "unknown";
	}
}

bool ck_jks_sniff(const unsigned char *d, size_t len)
{
	uint32_t m;
	if (len < 4)
		return false;
	m = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
	return m == CK_JKS_MAGIC || m == CK_JCEKS_MAGIC;
}

/* One certificate of an entry: [v2: type] length + DER. */
static enum ck_status read_cert(struct rd *r, struct ck_bundle *b, struct ck_jks_info *info,
				struct ck_jks_entry *e, bool first)
{
	char *type = NULL;
	uint32_t n = 0;
	const unsigned char *der;
	struct ck_cert *c = NULL;
	enum ck_status rc = CK_OK;
	size_t at;

	r->what = "a certificate";
	if (info->version == 2 && (rc = get_utf(r, &type)))
		return rc;
	if ((rc = get_u32(r, &n)))
		goto out;
	at = r->pos;
	if (n > left(r)) {
		rc = ck_error_set_at(r->err, CK_E_PARSE, (int64_t)at - 4,
				     "truncated keystore: entry '%s' claims a %u-byte certificate at byte %zu, %zu bytes are left",
				     e->alias, n, at - 4, left(r));
		goto out;
	}
	(void)get_bytes(r, n, &der);
	if (first && !e->cert_type && type)
		e->cert_type = strdup(type);
	if (type && strcmp(type, "X.509") != 0) {
		info->skipped_certs++; /* another certificate type: kept out */
		goto out;
	}
	rc = ck_cert_from_der(der, n, &c, r->err);
	if (rc) {
		char msg[CK_ERROR_WHAT_MAX];
		snprintf(msg, sizeof msg, "%s", r->err->what);
		ck_error_set_at(r->err, rc, (int64_t)at, "entry '%s': certificate at byte %zu: %s",
				e->alias, at, msg);
		goto out;
	}
	if (first && e->alias && !(c->friendly_name = strdup(e->alias))) {
		rc = ck_error_set(r->err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	if (ck_bundle_add_cert(b, c)) {
		rc = ck_error_set(r->err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	c = NULL;
	e->ncerts++;
out:
	ck_cert_free(c);
	free(type);
	return rc;
}

static enum ck_status read_entry(struct rd *r, struct ck_bundle *b, struct ck_jks_info *info,
				 size_t index)
{
	struct ck_jks_entry *e = &info->entries[index];
	uint32_t tag = 0, n = 0;
	uint64_t date = 0;
	const unsigned char *skip;
	enum ck_status rc;

	e->offset = (int64_t)r->pos;
	e->first_cert = b->ncerts;
	r->what = "an entry header";
	if ((rc = get_u32(r, &tag)))
		return rc;
	if (tag < 1 || tag > 3 || (tag == 3 && !info->jceks))
		return ck_error_set_at(r->err, CK_E_PARSE, e->offset,
				       "entry %zu at byte %lld has the unknown type %u", index + 1,
				       (long long)e->offset, tag);
	e->type = (enum ck_jks_entry_type)tag;
	r->what = "an alias";
	if ((rc = get_utf(r, &e->alias)))
		return rc;
	r->what = "an entry date";
	if ((rc = get_u64(r, &date)))
		return rc;
	e->date_ms = (int64_t)date;
	switch (e->type) {
	case CK_JKS_PRIVATE_KEY:
		r->what = "a protected private key";
		if ((rc = get_u32(r, &n)))
			return rc;
		if (n > left(r))
			return ck_error_set_at(r->err, CK_E_PARSE, (int64_t)r->pos - 4,
					       "truncated keystore: entry '%s' claims a %u-byte key, %zu bytes are left",
					       e->alias, n, left(r));
		e->key_off = r->pos;
		(void)get_bytes(r, n, &skip);
		e->key_len = n;
		r->what = "a certificate chain length";
		if ((rc = get_u32(r, &n)))
			return rc;
		if (n > CK_JKS_MAX_CHAIN || n > left(r) / 4)
			return ck_error_set_at(r->err, CK_E_PARSE, (int64_t)r->pos - 4,
					       "entry '%s' claims %u certificates in its chain, more than the file can hold",
					       e->alias, n);
		e->chain_len = n;
		for (uint32_t i = 0; i < n; i++)
			if ((rc = read_cert(r, b, info, e, i == 0)))
				return rc;
		return CK_OK;
	case CK_JKS_TRUSTED_CERT:
		e->chain_len = 1;
		return read_cert(r, b, info, e, true);
	case CK_JKS_SECRET_KEY:
		r->what = "a serialized secret key";
		rc = skip_serialized(r);
		e->key_len = (size_t)r->pos - (size_t)e->offset;
		return rc;
	}
	return CK_OK;
}

/* SHA-1(a || b || c): the one hash both keystore schemes are made of
 * (the integrity hash, and the KeyProtector's keystream and check). */
static bool sha1_of(unsigned char out[JKS_DIGEST_LEN], const void *a, size_t a_len,
		    const void *b, size_t b_len, const void *c, size_t c_len)
{
	gnutls_hash_hd_t h;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA1) < 0)
		return false;
	gnutls_hash(h, a, a_len);
	gnutls_hash(h, b, b_len);
	if (c_len)
		gnutls_hash(h, c, c_len);
	gnutls_hash_deinit(h, out);
	return true;
}

unsigned char *ck_jks_password_utf16be(const char *pw, size_t *out_len, bool *lossy)
{
	const unsigned char *s = (const unsigned char *)pw;
	size_t n = strlen(pw), o = 0;
	/* at most 2 bytes out per byte in (1 -> 2, 2 -> 2, 3 -> 2, 4 -> 4) */
	unsigned char *u = malloc(n * 2 + 1);

	if (!u)
		return NULL;
	if (lossy)
		*lossy = false;
	for (size_t i = 0; i < n;) {
		size_t k = ck_utf8_seq(s + i, n - i);
		uint32_t cp = 0xfffd;
		if (k == 1) {
			cp = s[i];
		} else if (k == 2) {
			cp = (uint32_t)(s[i] & 0x1f) << 6 | (s[i + 1] & 0x3f);
		} else if (k == 3) {
			cp = (uint32_t)(s[i] & 0x0f) << 12 | (uint32_t)(s[i + 1] & 0x3f) << 6 |
			     (s[i + 2] & 0x3f);
		} else if (k == 4) {
			cp = (uint32_t)(s[i] & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3f) << 12 |
			     (uint32_t)(s[i + 2] & 0x3f) << 6 | (s[i + 3] & 0x3f);
		} else {
			k = 1;
			if (lossy)
				*lossy = true;
		}
		i += k;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000, hi = 0xd800 + (v >> 10), lo = 0xdc00 + (v & 0x3ff);
			u[o++] = (unsigned char)(hi >> 8);
			u[o++] = (unsigned char)hi;
			u[o++] = (unsigned char)(lo >> 8);
			u[o++] = (unsigned char)lo;
		} else {
			u[o++] = (unsigned char)(cp >> 8);
			u[o++] = (unsigned char)cp;
		}
	}
	*out_len = o;
	return u;
}

/* SHA-1(password as UTF-16BE || "Mighty Aphrodite" || data). */
static bool digest_matches(const char *pw, const unsigned char *data, size_t len,
			   const unsigned char *want)
{
	unsigned char got[JKS_DIGEST_LEN];
	size_t ulen = 0;
	unsigned char *u = ck_jks_password_utf16be(pw, &ulen, NULL);
	bool ok = u && sha1_of(got, u, ulen, "Mighty Aphrodite", 16, data, len) &&
		  gnutls_memcmp(got, want, JKS_DIGEST_LEN) == 0;

	if (u) {
		gnutls_memset(u, 0, ulen);
		free(u);
	}
	return ok;
}

static enum ck_status check_integrity(struct ck_jks_info *info, const unsigned char *data,
				      size_t body, const struct ck_password *pw,
				      struct ck_error *err)
{
	const unsigned char *want = data + body;

	if (pw && pw->value) {
		if (digest_matches(pw->value, data, body, want)) {
			info->integrity_checked = true;
			info->password_kind = "given";
			return CK_OK;
		}
		if (digest_matches(CK_JKS_DEFAULT_PASSWORD, data, body, want))
			return ck_error_set(err, CK_E_BAD_PASSWORD,
					    "wrong password for the keystore (its integrity hash matches the default password '%s')",
					    CK_JKS_DEFAULT_PASSWORD);
		return ck_error_set_at(err, CK_E_PARSE, (int64_t)body,
				       "the keystore's integrity hash does not match the password given: the file was modified or is corrupt, or the password is wrong");
	}
	if (digest_matches(CK_JKS_DEFAULT_PASSWORD, data, body, want)) {
		info->integrity_checked = true;
		info->password_kind = "default";
	} else if (digest_matches("", data, body, want)) {
		info->integrity_checked = true;
		info->password_kind = "empty";
	}
	return CK_OK;
}

/* ---- private keys ----
 *
 * No maintained library decrypts these; both schemes are written here
 * from the JDK's sun.security.provider.KeyProtector (JKS) and
 * com.sun.crypto.provider.KeyProtector / PBES1Core (JCEKS), over
 * GnuTLS's SHA-1, MD5 and 3DES-CBC. */

#define JKS_KEY_PROTECTOR_OID "1.3.6.1.4.1.42.2.17.1.1"
#define JCEKS_PBE_MD5_3DES_OID "1.3.6.1.4.1.42.2.19.1"
#define JCEKS_MAX_ITERATIONS 5000000UL /* KeyProtector.MAX_ITERATION_COUNT */

/* Sun's KeyProtector: ct = salt[20] || (key XOR stream) || check[20];
 * stream = D1 || D2 || ..., D1 = SHA-1(pw || salt), Di = SHA-1(pw ||
 * Di-1); check = SHA-1(pw || key).  Plaintext: a PKCS#8 PrivateKeyInfo. */
static enum ck_status jks_unprotect(const unsigned char *ct, size_t n, const char *pw,
				    unsigned char **out, size_t *out_len)
{
	unsigned char *u = NULL, *plain = NULL, d[JKS_DIGEST_LEN], check[JKS_DIGEST_LEN];
	size_t ulen = 0, len;
	enum ck_status rc = CK_E_BAD_PASSWORD;

	if (n <= 2 * JKS_DIGEST_LEN)
		return CK_E_PARSE;
	len = n - 2 * JKS_DIGEST_LEN;
	if (!(u = ck_jks_password_utf16be(pw, &ulen, NULL)) || !(plain = malloc(len))) {
		rc = CK_E_NOMEM;
		goto out;
	}
	memcpy(d, ct, JKS_DIGEST_LEN);
	for (size_t done = 0; done < len; done += JKS_DIGEST_LEN) {
		if (!sha1_of(d, u, ulen, d, JKS_DIGEST_LEN, NULL, 0)) {
			rc = CK_E_INTERNAL;
			goto out;
		}
		for (size_t i = 0; i < JKS_DIGEST_LEN && done + i < len; i++)
			plain[done + i] = ct[JKS_DIGEST_LEN + done + i] ^ d[i];
	}
	if (!sha1_of(check, u, ulen, plain, len, NULL, 0)) {
		rc = CK_E_INTERNAL;
		goto out;
	}
	if (gnutls_memcmp(check, ct + n - JKS_DIGEST_LEN, JKS_DIGEST_LEN) == 0) {
		*out = plain;
		*out_len = len;
		plain = NULL;
		rc = CK_OK;
	}
out:
	if (plain) {
		gnutls_memset(plain, 0, len);
		free(plain);
	}
	if (u) {
		gnutls_memset(u, 0, ulen);
		free(u);
	}
	gnutls_memset(d, 0, sizeof d);
	return rc;
}

/* PBEWithMD5AndTripleDES (SunJCE PBES1Core.deriveCipherKey): the 8-byte
 * salt's halves are hashed apart, each `iter` times as MD5(x || pw)
 * with the password's ASCII bytes; the two 16-byte results make the
 * 3DES key (24 bytes) and the IV (8).  When the halves are equal the
 * JDK "inverts" the first one with a typo (salt[3-1], not salt[3-i]),
 * which is what must be done to read its files. */
static enum ck_status jceks_unprotect(const unsigned char *salt_in, unsigned long iter,
				      const unsigned char *ct, size_t n, const char *pw,
				      unsigned char **out, size_t *out_len)
{
	unsigned char salt[8], res[32], x[16];
	unsigned char *plain = NULL;
	size_t pwlen = strlen(pw), xlen;
	gnutls_cipher_hd_t c = NULL;
	gnutls_datum_t key = { res, 24 }, iv = { res + 24, 8 };
	enum ck_status rc = CK_E_BAD_PASSWORD;
	unsigned pad;

	for (size_t i = 0; i < pwlen; i++)
		if (pw[i] < 0x20 || pw[i] > 0x7e)
			return CK_E_BAD_PASSWORD; /* PBEKey takes printable ASCII only */
	if (n == 0 || n % 8 || iter == 0 || iter > JCEKS_MAX_ITERATIONS)
		return CK_E_PARSE;
	memcpy(salt, salt_in, 8);
	if (!memcmp(salt, salt + 4, 4))
		for (int i = 0; i < 2; i++) {
			unsigned char t = salt[i];
			salt[i] = salt[3 - i];
			salt[3 - 1] = t;
		}
	for (int half = 0; half < 2; half++) {
		memcpy(x, salt + 4 * half, 4);
		xlen = 4;
		for (unsigned long k = 0; k < iter; k++) {
			gnutls_hash_hd_t h;
			if (gnutls_hash_init(&h, GNUTLS_DIG_MD5) < 0)
				return CK_E_INTERNAL;
			gnutls_hash(h, x, xlen);
			gnutls_hash(h, pw, pwlen);
			gnutls_hash_deinit(h, x);
			xlen = 16;
		}
		memcpy(res + 16 * half, x, 16);
	}
	if (!(plain = malloc(n))) {
		rc = CK_E_NOMEM;
		goto out;
	}
	if (gnutls_cipher_init(&c, GNUTLS_CIPHER_3DES_CBC, &key, &iv) < 0 ||
	    gnutls_cipher_decrypt2(c, ct, n, plain, n) < 0) {
		rc = CK_E_INTERNAL;
		goto out;
	}
	pad = plain[n - 1];
	if (pad < 1 || pad > 8 || pad > n)
		goto out;
	for (size_t i = n - pad; i < n; i++)
		if (plain[i] != pad)
			goto out;
	*out = plain;
	*out_len = n - pad;
	plain = NULL;
	rc = CK_OK;
out:
	if (c)
		gnutls_cipher_deinit(c);
	if (plain) {
		gnutls_memset(plain, 0, n);
		free(plain);
	}
	gnutls_memset(res, 0, sizeof res);
	gnutls_memset(x, 0, sizeof x);
	return rc;
}

/* Decrypt one private-key entry's EncryptedPrivateKeyInfo with `pw`
 * into a key, a JCEKS key's derivation paid from *budget.
 * CK_E_BAD_PASSWORD: not with this password; CK_E_KDF_BUDGET: its
 * derivation would cost more than is left (nothing spent). */
static enum ck_status unprotect_key(const unsigned char *der, size_t len, const char *pw,
				    unsigned long long *budget, struct ck_key **out,
				    struct ck_error *err)
{
	asn1_node ek = NULL, pp = NULL;
	unsigned char *ct = NULL, *params = NULL, *plain = NULL, *salt = NULL;
	size_t ct_len = 0, params_len = 0, plain_len = 0, salt_len = 0;
	unsigned long iter = 0;
	char oid[64];
	enum ck_status rc;

	if ((rc = ck_der_decode("CHAINKIT.EncryptedPrivateKeyInfo", der, len, &ek, err)))
		return rc;
	if (!ck_der_read_oid(ek, "encryptionAlgorithm.algorithm", oid, sizeof oid) ||
	    !ck_der_read_bytes(ek, "encryptedData", &ct, &ct_len)) {
		rc = ck_error_set(err, CK_E_PARSE, "malformed protected key");
		goto out;
	}
	if (!strcmp(oid, JKS_KEY_PROTECTOR_OID)) {
		rc = jks_unprotect(ct, ct_len, pw, &plain, &plain_len);
	} else if (!strcmp(oid, JCEKS_PBE_MD5_3DES_OID)) {
		if (!ck_der_read_bytes(ek, "encryptionAlgorithm.parameters", &params, &params_len) ||
		    ck_der_decode("CHAINKIT.PbeParams", params, params_len, &pp, err) ||
		    !ck_der_read_bytes(pp, "salt", &salt, &salt_len) || salt_len != 8 ||
		    !ck_der_read_uint(pp, "iterations", &iter)) {
			rc = ck_error_set(err, CK_E_PARSE, "malformed PBEWithMD5AndTripleDES parameters");
			goto out;
		}
		/* (the salt's two halves are derived apart) */
		if (iter > JCEKS_MAX_ITERATIONS || 2ULL * iter > *budget) {
			rc = ck_error_set(err, CK_E_KDF_BUDGET,
					  "the key's %lu iterations are over the key-derivation budget",
					  iter);
			goto out;
		}
		*budget -= 2ULL * iter;
		rc = jceks_unprotect(salt, iter, ct, ct_len, pw, &plain, &plain_len);
	} else {
		rc = ck_error_set(err, CK_E_UNSUPPORTED, "key protection %s is not supported", oid);
		goto out;
	}
	if (rc == CK_E_PARSE)
		rc = ck_error_set(err, CK_E_PARSE, "malformed protected key");
	else if (rc == CK_E_BAD_PASSWORD)
		rc = ck_error_set(err, CK_E_BAD_PASSWORD, "the key does not decrypt with this password");
	else if (rc)
		rc = ck_error_set(err, rc, "the key could not be decrypted");
	else if (ck_key_parse(plain, plain_len, false, NULL, out, err))
		/* a key no reader takes (an EC key without its public
		 * point, as Java writes them, is completed by eckey): listed */
		rc = ck_error_set(err, CK_E_UNSUPPORTED, "the decrypted key cannot be read");
out:
	if (plain) {
		gnutls_memset(plain, 0, plain_len);
		free(plain);
	}
	free(ct);
	free(params);
	free(salt);
	asn1_delete_structure(&ek);
	asn1_delete_structure(&pp);
	return rc;
}

/* Add every private key that decrypts with the keystore's password
 * (`store_pw`, NULL when not known) or else the key password given
 * (`key_pw`, NULL: none) to the bundle.  Without a key password a key
 * that does not decrypt stays listed; with one it is an error naming
 * the entry. */
static enum ck_status decrypt_keys(struct ck_bundle *b, struct ck_jks_info *info,
				   const unsigned char *data, const char *store_pw,
				   const char *key_pw, unsigned long long budget,
				   struct ck_error *err)
{
	/* the same as the keystore's: tried once, and still an error for a
	 * key it does not open (a key password was given) */
	bool key_given = key_pw != NULL;
	if (key_pw && store_pw && !strcmp(key_pw, store_pw))
		key_pw = NULL;
	for (size_t i = 0; i < info->nentries; i++) {
		struct ck_jks_entry *e = &info->entries[i];
		struct ck_key *k = NULL;
		struct ck_error ignored;
		enum ck_status rc = CK_E_BAD_PASSWORD;

		if (e->type != CK_JKS_PRIVATE_KEY)
			continue;
		ck_error_clear(&ignored);
		if (store_pw)
			rc = unprotect_key(data + e->key_off, e->key_len, store_pw, &budget, &k, &ignored);
		if (rc == CK_E_BAD_PASSWORD && key_pw)
			rc = unprotect_key(data + e->key_off, e->key_len, key_pw, &budget, &k, &ignored);
		if (rc == CK_E_NOMEM)
			return ck_error_set(err, rc, "out of memory");
		if (rc == CK_E_KDF_BUDGET)
			break; /* this key and the ones after it stay listed */
		if (rc == CK_E_BAD_PASSWORD && key_given)
			return ck_error_set_at(err, CK_E_BAD_PASSWORD, e->offset,
					       "wrong key password: the key of entry '%s' decrypts with neither %s nor the key password given",
					       e->alias ? e->alias : "",
					       store_pw ? "the keystore's password" : "a keystore password (none matched)");
		if (rc)
			continue; /* a password of its own, or a key we cannot read: listed */
		k->was_encrypted = true;
		if ((e->alias && !(k->friendly_name = strdup(e->alias))) || ck_bundle_add_key(b, k)) {
			ck_key_free(k);
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		}
		e->key_decrypted = true;
	}
	return CK_OK;
}

enum ck_status ck_jks_load(struct ck_bundle *b, const unsigned char *data, size_t len,
			   const struct ck_password *pw, unsigned long long kdf_budget,
			   struct ck_error *err)
{
	struct rd r = { .p = data, .len = len, .err = err, .what = "the header" };
	struct ck_jks_info *info = calloc(1, sizeof *info);
	uint32_t magic = 0, version = 0, count = 0;
	size_t ncerts_before = b->ncerts, nkeys_before = b->nkeys;
	enum ck_status rc;

	if (!info)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if ((rc = get_u32(&r, &magic)) || (rc = get_u32(&r, &version)))
		goto out;
	if (magic != CK_JKS_MAGIC && magic != CK_JCEKS_MAGIC) {
		rc = ck_error_set_at(err, CK_E_PARSE, 0, "not a Java keystore (magic %08x)", magic);
		goto out;
	}
	info->jceks = magic == CK_JCEKS_MAGIC;
	if (version != 1 && version != 2) {
		rc = ck_error_set_at(err, CK_E_PARSE, 4, "unknown %s version %u (1 and 2 exist)",
				     info->jceks ? "JCEKS" : "JKS", version);
		goto out;
	}
	info->version = version;
	r.what = "the entry count";
	if ((rc = get_u32(&r, &count)))
		goto out;
	/* the smallest entry (tag, empty alias, date, length) takes 18 bytes */
	if (count > CK_JKS_MAX_ENTRIES || count > left(&r) / 18) {
		rc = ck_error_set_at(err, CK_E_PARSE, 8,
				     "the keystore claims %u entries, more than its %zu bytes can hold",
				     count, len);
		goto out;
	}
	info->entries = calloc(count ? count : 1, sizeof *info->entries);
	if (!info->entries) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < count; i++) {
		info->nentries = i + 1;
		if ((rc = read_entry(&r, b, info, i)))
			goto out;
	}
	if (left(&r) < JKS_DIGEST_LEN) {
		rc = ck_error_set_at(err, CK_E_PARSE, (int64_t)r.pos,
				     "truncated keystore: the 20-byte integrity hash after the last entry is %s",
				     left(&r) ? "cut short" : "missing");
		goto out;
	}
	rc = check_integrity(info, data, r.pos, pw, err);
	if (!rc && (info->password_kind || (pw && pw->key_value))) {
		const char *known = !info->password_kind ? NULL :
				    !strcmp(info->password_kind, "given") ? pw->value :
				    !strcmp(info->password_kind, "default") ? CK_JKS_DEFAULT_PASSWORD : "";
		rc = decrypt_keys(b, info, data, known, pw ? pw->key_value : NULL,
				  kdf_budget ? kdf_budget : CK_P12_KDF_BUDGET_DEFAULT, err);
	}
out:
	if (rc) {
		/* the bundle keeps nothing from a keystore that failed */
		for (size_t i = ncerts_before; i < b->ncerts; i++)
			ck_cert_free(b->certs[i]);
		b->ncerts = ncerts_before;
		for (size_t i = nkeys_before; i < b->nkeys; i++)
			ck_key_free(b->keys[i]);
		b->nkeys = nkeys_before;
		ck_jks_info_free(info);
		return rc;
	}
	ck_jks_info_free(b->jks);
	b->jks = info;
	return CK_OK;
}
