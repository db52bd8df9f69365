/* bundle — the record load makes of an input, and the password
 * candidates its readers share (see bundle.h). */
#include "config.h"

#include "bundle.h"

#include <gnutls/gnutls.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ck_format_name(enum ck_format f)
{
	switch (f) {
	case CK_FMT_PKCS12: return "pkcs12";
	case CK_FMT_PEM: return "pem";
	case CK_FMT_DER: return "der";
	case CK_FMT_PKCS7: return "pkcs7";
	case CK_FMT_JKS: return "jks";
	case CK_FMT_BASE64: return "base64";
	default: return "unknown";
	}
}

/* ---------------------------------------------------------------- */
/* bundle bookkeeping */

static void p12_info_free(struct ck_p12_info *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nbags; i++) {
		free(p->bags[i].content);
		free(p->bags[i].cipher);
		free(p->bags[i].kdf);
		free(p->bags[i].scheme);
	}
	free(p->bags);
	free(p->mac_algorithm);
	free(p);
}

void ck_jks_info_free(struct ck_jks_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->nentries; i++) {
		free(info->entries[i].alias);
		free(info->entries[i].cert_type);
	}
	free(info->entries);
	free(info);
}

void ck_bundle_free(struct ck_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->ncerts; i++)
		ck_cert_free(b->certs[i]);
	free(b->certs);
	for (size_t i = 0; i < b->nkeys; i++)
		ck_key_free(b->keys[i]);
	free(b->keys);
	for (size_t i = 0; i < b->nnotes; i++) {
		free(b->notes[i].message);
		free(b->notes[i].hint);
	}
	free(b->notes);
	free(b->glued);
	p12_info_free(b->p12);
	ck_jks_info_free(b->jks);
	free(b->name);
	free(b);
}

enum ck_status ck_bundle_add_cert(struct ck_bundle *b, struct ck_cert *c)
{
	struct ck_cert **n = realloc(b->certs, (b->ncerts + 1) * sizeof *n);
	if (!n)
		return CK_E_NOMEM;
	b->certs = n;
	b->certs[b->ncerts++] = c;
	return CK_OK;
}

enum ck_status ck_bundle_add_key(struct ck_bundle *b, struct ck_key *k)
{
	struct ck_key **n = realloc(b->keys, (b->nkeys + 1) * sizeof *n);
	if (!n)
		return CK_E_NOMEM;
	b->keys = n;
	b->keys[b->nkeys++] = k;
	return CK_OK;
}

/* A note, and the hint its finding will carry (NULL: none). */
__attribute__((format(printf, 4, 0)))
static enum ck_status vnote(struct ck_bundle *b, enum ck_finding_id id, const char *hint,
			    const char *fmt, va_list ap)
{
	struct ck_note *n = realloc(b->notes, (b->nnotes + 1) * sizeof *n);
	char msg[512];

	if (!n)
		return CK_E_NOMEM;
	b->notes = n;
	vsnprintf(msg, sizeof msg, fmt, ap);
	ck_text_oneline(msg); /* it may quote a PEM label from the input */
	n = &b->notes[b->nnotes];
	n->id = id;
	n->message = strdup(msg);
	n->hint = hint ? strdup(hint) : NULL;
	if (!n->message || (hint && !n->hint)) {
		free(n->message);
		free(n->hint);
		return CK_E_NOMEM;
	}
	b->nnotes++;
	return CK_OK;
}

enum ck_status ck_bundle_note(struct ck_bundle *b, enum ck_finding_id id, const char *fmt, ...)
{
	enum ck_status rc;
	va_list ap;

	va_start(ap, fmt);
	rc = vnote(b, id, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

enum ck_status ck_bundle_note_hint(struct ck_bundle *b, enum ck_finding_id id, const char *hint,
				   const char *fmt, ...)
{
	enum ck_status rc;
	va_list ap;

	va_start(ap, fmt);
	rc = vnote(b, id, hint, fmt, ap);
	va_end(ap);
	return rc;
}

enum ck_status ck_bundle_merge(struct ck_bundle *dst, struct ck_bundle *src)
{
	struct ck_cert **c;
	struct ck_key **k;
	struct ck_pem_glue *g;

	/* grow all first, so that nothing moves unless everything can */
	c = realloc(dst->certs, (dst->ncerts + src->ncerts + 1) * sizeof *c);
	if (!c)
		return CK_E_NOMEM;
	dst->certs = c;
	k = realloc(dst->keys, (dst->nkeys + src->nkeys + 1) * sizeof *k);
	if (!k)
		return CK_E_NOMEM;
	dst->keys = k;
	g = realloc(dst->glued, (dst->nglued + src->nglued + 1) * sizeof *g);
	if (!g)
		return CK_E_NOMEM;
	dst->glued = g;
	if (src->nglued)
		memcpy(g + dst->nglued, src->glued, src->nglued * sizeof *g);
	dst->nglued += src->nglued;
	src->nglued = 0;
	for (size_t i = 0; i < src->ncerts; i++)
		dst->certs[dst->ncerts++] = src->certs[i];
	for (size_t i = 0; i < src->nkeys; i++)
		dst->keys[dst->nkeys++] = src->keys[i];
	src->ncerts = 0;
	src->nkeys = 0;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* passwords */

void ck_pw_iter_init(struct ck_pw_iter *it, const struct ck_password *pw,
		     const char *input)
{
	memset(it, 0, sizeof *it);
	it->pw = pw;
	it->input = input;
}

void ck_pw_iter_cleanup(struct ck_pw_iter *it)
{
	if (it->asked) {
		gnutls_memset(it->asked, 0, strlen(it->asked));
		free(it->asked);
		it->asked = NULL;
	}
}

enum ck_status ck_pw_iter_next(struct ck_pw_iter *it, const char **pass,
			       const char **kind)
{
	const struct ck_password *pw = it->pw;

	it->step++;
	if (pw && pw->value) {
		if (it->step > 1)
			return CK_E_BAD_PASSWORD;
		*pass = pw->value;
		*kind = "given";
		return CK_OK;
	}
	if (it->step == 1) {
		*pass = NULL;
		*kind = "absent";
		return CK_OK;
	}
	if (it->step == 2) {
		*pass = "";
		*kind = "empty";
		return CK_OK;
	}
	if (!pw || !pw->ask)
		return CK_E_PASSWORD;
	ck_pw_iter_cleanup(it);
	{
		enum ck_status rc = pw->ask(pw->ctx, it->input, it->step - 2, &it->asked);
		if (rc != CK_OK) {
			/* prompted at least once and then stopped: wrong */
			return it->step > 3 ? CK_E_BAD_PASSWORD : CK_E_PASSWORD;
		}
	}
	*pass = it->asked;
	*kind = "given";
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* keys */

void ck_key_free(struct ck_key *k)
{
	if (!k)
		return;
	if (k->pkcs8) {
		gnutls_memset(k->pkcs8, 0, k->pkcs8_len);
		free(k->pkcs8);
	}
	free(k->friendly_name);
	free(k->local_key_id);
	free(k);
}

const char *ck_key_type(const struct ck_key *key)
{
	struct ck_cert c = { .pk_algo = key->pk_algo, .curve = key->curve };
	return ck_cert_key_type(&c);
}

const char *ck_key_curve_name(const struct ck_key *key)
{
	struct ck_cert c = { .pk_algo = key->pk_algo, .curve = key->curve };
	return ck_cert_curve_name(&c);
}
