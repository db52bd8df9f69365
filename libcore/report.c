/* report — build the document, render it as JSON, XML or text.
 *
 * The document is the DESIGN contract; fields are added, never renamed.
 * XML mapping (generic, so the same code serves every tool):
 *   object member "k": <k>...</k>;  array: <k><item>...</item>...</k>;
 *   string/number: text;  true/false: "true"/"false";
 *   null: <k nil="true"/>.
 * Text: rendered from the document alone. */
#include "config.h"

#include "report.h"
#include "der.h"
#include "oid.h"
#include "schema.h"

#include <gnutls/gnutls.h>
#include <libxml/xmlwriter.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- */
/* strings */

/* Copy with invalid UTF-8 replaced by U+FFFD; with `xml`, characters
 * XML 1.0 cannot carry (C0 controls but tab/newline/CR) too. */
static char *clean_utf8(const char *in, bool xml)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = strlen(in), o = 0;
	char *out = malloc(n * 3 + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t k = ck_utf8_seq(s + i, n - i);
		bool bad = k == 0 ||
			   (xml && k == 1 && s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') ||
			   (xml && k == 3 && s[i] == 0xef && s[i + 1] == 0xbf && s[i + 2] >= 0xbe);
		if (bad) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i += k ? k : 1;
			continue;
		}
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return out;
}

json_t *ck_json_str(const char *s)
{
	json_t *j;
	char *c;
	if (!s)
		s = "";
	j = json_string(s);
	if (j)
		return j;
	c = clean_utf8(s, false);
	if (!c)
		return NULL;
	j = json_string(c);
	free(c);
	return j;
}

json_t *ck_json_str_or_null(const char *s)
{
	return s ? ck_json_str(s) : json_null();
}

static json_t *hex_or_null(const unsigned char *p, size_t len)
{
	char *h;
	json_t *j;
	if (!len)
		return json_null();
	h = ck_hex(p, len);
	j = h ? json_string(h) : NULL;
	free(h);
	return j;
}

static json_t *hex_or_empty(const unsigned char *p, size_t len)
{
	char *h = ck_hex(p, len);
	json_t *j = h ? json_string(h) : NULL;
	free(h);
	return j;
}

static json_t *strv_json(ck_strv v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && v && v[i]; i++)
		json_array_append_new(a, ck_json_str(v[i]));
	return a;
}

static json_t *time_json(time_t t)
{
	char buf[32];
	ck_time_format(t, buf);
	return json_string(buf);
}

/* ---------------------------------------------------------------- */
/* the document */

static json_t *key_usage_json(const struct ck_cert *c)
{
	static const struct {
		unsigned bit;
		const char *name;
	} ku[] = {
		{ CK_KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ CK_KU_NON_REPUDIATION, "nonRepudiation" },
		{ CK_KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ CK_KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ CK_KU_KEY_AGREEMENT, "keyAgreement" },
		{ CK_KU_KEY_CERT_SIGN, "keyCertSign" },
		{ CK_KU_CRL_SIGN, "cRLSign" },
		{ CK_KU_ENCIPHER_ONLY, "encipherOnly" },
		{ CK_KU_DECIPHER_ONLY, "decipherOnly" },
	};
	json_t *a = json_array();
	if (!c->has_key_usage)
		return a;
	for (size_t i = 0; a && i < sizeof ku / sizeof ku[0]; i++)
		if (c->key_usage & ku[i].bit)
			json_array_append_new(a, json_string(ku[i].name));
	return a;
}

static const char *eku_name(const char *oid)
{
	static const struct {
		const char *oid, *name;
	} t[] = {
		{ "1.3.6.1.5.5.7.3.1", "serverAuth" },
		{ "1.3.6.1.5.5.7.3.2", "clientAuth" },
		{ "1.3.6.1.5.5.7.3.3", "codeSigning" },
		{ "1.3.6.1.5.5.7.3.4", "emailProtection" },
		{ "1.3.6.1.5.5.7.3.8", "timeStamping" },
		{ "1.3.6.1.5.5.7.3.9", "OCSPSigning" },
		{ "2.5.29.37.0", "anyExtendedKeyUsage" },
		{ "1.3.6.1.4.1.311.20.2.2", "msSmartcardLogin" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(oid, t[i].oid) == 0)
			return t[i].name;
	return oid;
}

static json_t *eku_json(const struct ck_cert *c)
{
	json_t *a = json_array();
	for (size_t i = 0; a && c->eku && c->eku[i]; i++)
		if (c->eku[i][0])
			json_array_append_new(a, ck_json_str(eku_name(c->eku[i])));
	return a;
}

static json_t *cert_json(const struct ck_analysis *a, size_t out_index)
{
	size_t pi = a->order[out_index];
	const struct ck_pool_entry *e = ck_pool_get(a->pool, pi);
	const struct ck_cert *c = e->cert;
	json_t *o = json_object(), *key, *aia;
	const char *curve = ck_cert_curve_name(c);
	int verified = -1;
	long by = ck_analysis_issuer(a, out_index, &verified);
	bool self_signed = false;

	if (!o)
		return NULL;
	if (c->self_issued)
		self_signed = ck_pool_verify(a->pool, pi, pi) == 1;
	json_object_set_new(o, "index", json_integer((json_int_t)out_index));
	json_object_set_new(o, "role", json_string(a->roles[out_index]));
	json_object_set_new(o, "source", json_string(ck_source_name(e->source)));
	json_object_set_new(o, "origin", ck_json_str_or_null(e->source == CK_SRC_INPUT ? NULL : e->origin));
	json_object_set_new(o, "input_index", e->input_index >= 0 ? json_integer(e->input_index) : json_null());
	json_object_set_new(o, "subject", ck_json_str(c->subject));
	json_object_set_new(o, "issuer", ck_json_str(c->issuer));
	json_object_set_new(o, "serial", json_string(c->serial));
	json_object_set_new(o, "not_before", time_json(c->not_before));
	json_object_set_new(o, "not_after", time_json(c->not_after));
	json_object_set_new(o, "days_left",
			    json_integer((json_int_t)((c->not_after - a->at) / 86400 -
						      (c->not_after < a->at ? 1 : 0))));
	json_object_set_new(o, "self_signed", json_boolean(self_signed));
	json_object_set_new(o, "ca", json_boolean(c->has_basic_constraints && c->ca));
	json_object_set_new(o, "path_len", c->has_basic_constraints && c->ca && c->path_len >= 0 ?
					       json_integer(c->path_len) : json_null());
	key = json_object();
	json_object_set_new(key, "type", json_string(ck_cert_key_type(c)));
	json_object_set_new(key, "bits", json_integer(c->bits));
	json_object_set_new(key, "curve", ck_json_str_or_null(curve));
	json_object_set_new(o, "key", key);
	json_object_set_new(o, "signature_algorithm", ck_json_str(c->sig_algo_name));
	json_object_set_new(o, "sha256", hex_or_null(c->sha256, 32));
	json_object_set_new(o, "sha1", hex_or_null(c->sha1, 20));
	json_object_set_new(o, "subject_key_id", hex_or_null(c->ski, c->ski_len));
	json_object_set_new(o, "authority_key_id", hex_or_null(c->aki, c->aki_len));
	json_object_set_new(o, "key_usage", key_usage_json(c));
	json_object_set_new(o, "extended_key_usage", eku_json(c));
	json_object_set_new(o, "subject_alt_names", strv_json(c->san));
	aia = json_object();
	json_object_set_new(aia, "ca_issuers", strv_json(c->aia_ca_issuers));
	json_object_set_new(aia, "ocsp", strv_json(c->aia_ocsp));
	json_object_set_new(o, "aia", aia);
	json_object_set_new(o, "crl_distribution_points", strv_json(c->crl_dp));
	json_object_set_new(o, "delta_crl_distribution_points", strv_json(c->delta_crl));
	json_object_set_new(o, "unknown_critical_extensions", strv_json(c->unknown_critical));
	json_object_set_new(o, "friendly_name", ck_json_str_or_null(c->friendly_name));
	json_object_set_new(o, "trusted", json_boolean(e->anchor));
	json_object_set_new(o, "issued_by", by >= 0 ? json_integer(by) : json_null());
	json_object_set_new(o, "signature_verified", verified < 0 ? json_null() : json_boolean(verified));
	return o;
}

static json_t *chain_json(const struct ck_analysis *a, const struct ck_chain *c)
{
	json_t *o = json_object(), *path = json_array(), *missing = json_array();
	size_t top = c->path[c->len - 1];

	for (size_t k = 0; k < c->len; k++)
		json_array_append_new(path, json_integer(ck_analysis_index(a, c->path[k])));
	if (!c->complete) {
		const struct ck_cert *t = ck_pool_get(a->pool, top)->cert;
		json_t *m = json_object();
		json_object_set_new(m, "issuer", ck_json_str(t->issuer));
		json_object_set_new(m, "authority_key_id", hex_or_null(t->aki, t->aki_len));
		json_object_set_new(m, "ca_issuers", strv_json(t->aia_ca_issuers));
		json_object_set_new(m, "needed_by", json_integer(ck_analysis_index(a, top)));
		json_object_set_new(m, "reason", json_string(c->issuer_present ? "bad-signature" : "not-found"));
		json_array_append_new(missing, m);
	}
	json_object_set_new(o, "status", json_string(c->complete ? "complete" : "incomplete"));
	json_object_set_new(o, "trusted", json_boolean(c->trusted));
	json_object_set_new(o, "valid", json_boolean(c->valid));
	json_object_set_new(o, "path", path);
	json_object_set_new(o, "anchor", c->trusted ? json_integer(ck_analysis_index(a, top)) : json_null());
	json_object_set_new(o, "missing", missing);
	return o;
}

static json_t *p12_json(const struct ck_p12_info *p)
{
	json_t *o = json_object(), *bags = json_array();
	if (p->has_mac) {
		json_t *mac = json_object();
		json_object_set_new(mac, "algorithm", ck_json_str(p->mac_algorithm));
		json_object_set_new(mac, "iterations", json_integer(p->mac_iterations));
		json_object_set_new(mac, "salt_length", json_integer(p->mac_salt_len));
		json_object_set_new(o, "mac", mac);
	} else {
		json_object_set_new(o, "mac", json_null());
	}
	json_object_set_new(o, "password", json_string(p->password_kind ? p->password_kind : "none"));
	for (size_t i = 0; i < p->nbags; i++) {
		const struct ck_p12_bag_info *bi = &p->bags[i];
		json_t *b = json_object();
		json_object_set_new(b, "content", ck_json_str(bi->content));
		json_object_set_new(b, "encrypted", json_boolean(bi->encrypted));
		json_object_set_new(b, "cipher", ck_json_str_or_null(bi->cipher));
		json_object_set_new(b, "kdf", ck_json_str_or_null(bi->kdf));
		json_object_set_new(b, "scheme", ck_json_str_or_null(bi->scheme));
		json_object_set_new(b, "iterations", bi->encrypted ? json_integer(bi->iterations) : json_null());
		json_object_set_new(b, "salt_length", bi->encrypted ? json_integer(bi->salt_len) : json_null());
		json_array_append_new(bags, b);
	}
	json_object_set_new(o, "bags", bags);
	return o;
}

static json_t *keys_json(const struct ck_bundle *b, const struct ck_analysis *a)
{
	json_t *arr = json_array();
	for (size_t k = 0; k < b->nkeys; k++) {
		const struct ck_key *key = b->keys[k];
		json_t *o = json_object();
		json_object_set_new(o, "type", json_string(ck_key_type(key)));
		json_object_set_new(o, "bits", json_integer(key->bits));
		json_object_set_new(o, "curve", ck_json_str_or_null(ck_key_curve_name(key)));
		json_object_set_new(o, "matches_certificate",
				    a->key_match[k] >= 0 ? json_integer(a->key_match[k]) : json_null());
		json_object_set_new(o, "encrypted", json_boolean(key->was_encrypted));
		json_object_set_new(o, "friendly_name", ck_json_str_or_null(key->friendly_name));
		json_object_set_new(o, "local_key_id", hex_or_null(key->local_key_id, key->local_key_id_len));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *findings_json(const struct ck_analysis *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < a->nfindings; i++) {
		const struct ck_finding *f = &a->findings[i];
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(f->code));
		json_object_set_new(o, "severity", json_string(ck_severity_name(f->severity)));
		json_object_set_new(o, "certificate", f->cert >= 0 ? json_integer(f->cert) : json_null());
		json_object_set_new(o, "message", ck_json_str(f->message));
		json_object_set_new(o, "hint", ck_json_str_or_null(f->hint));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* The members of chainview's document, in order.  "certificates" and
 * "chains" can be long (a bundle of ten thousand leaves): the streaming
 * writers produce them one element at a time, so that the document is
 * never whole in memory; ck_report_bundle() assembles the same members. */
static const char *const members[] = {
	"input", "at", "certificates", "keys", "chain", "chains", "findings", "summary",
};

static bool streamed(const char *key)
{
	return !strcmp(key, "certificates") || !strcmp(key, "chains");
}

static size_t item_count(const struct ck_analysis *a, const char *key)
{
	return !strcmp(key, "certificates") ? a->norder : a->nchains;
}

static json_t *item(const struct ck_analysis *a, const char *key, size_t i)
{
	return !strcmp(key, "certificates") ? cert_json(a, i) : chain_json(a, a->chains[i]);
}

static json_t *member(const struct ck_bundle *b, const struct ck_analysis *a, const char *key)
{
	if (!strcmp(key, "input")) {
		json_t *input = json_object();
		json_object_set_new(input, "name", ck_json_str(b->name));
		json_object_set_new(input, "format", json_string(ck_format_name(b->format)));
		if (b->p12)
			json_object_set_new(input, "pkcs12", p12_json(b->p12));
		return input;
	}
	if (!strcmp(key, "at"))
		return time_json(a->at);
	if (!strcmp(key, "keys"))
		return keys_json(b, a);
	if (!strcmp(key, "chain"))
		return a->nchains ? chain_json(a, a->chains[0]) : json_null();
	if (!strcmp(key, "findings"))
		return findings_json(a);
	if (!strcmp(key, "summary")) {
		json_t *summary = json_object();
		json_object_set_new(summary, "errors", json_integer((json_int_t)a->errors));
		json_object_set_new(summary, "warnings", json_integer((json_int_t)a->warnings));
		json_object_set_new(summary, "info",
				    json_integer((json_int_t)(a->nfindings - a->errors - a->warnings)));
		return summary;
	}
	return json_null();
}

json_t *ck_report_bundle(const struct ck_bundle *b, const struct ck_analysis *a)
{
	json_t *doc = json_object();

	if (!doc)
		return NULL;
	for (size_t m = 0; m < sizeof members / sizeof members[0]; m++) {
		const char *key = members[m];
		json_t *v;
		if (streamed(key)) {
			v = json_array();
			for (size_t i = 0; v && i < item_count(a, key); i++)
				if (json_array_append_new(v, item(a, key, i)) < 0) {
					json_decref(v);
					v = NULL;
				}
		} else {
			v = member(b, a, key);
		}
		if (!v || json_object_set_new(doc, key, v) < 0) {
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

/* Dump a value we own and drop it. */
static int dump_new(FILE *out, json_t *v)
{
	int r = v ? json_dumpf(v, out, DUMP_FLAGS) : -1;
	json_decref(v);
	return r;
}

/* jansson has no streaming writer: the framing ('{', '"key":', ',',
 * '[', ']') is written here, every value and key by json_dumpf, so all
 * escaping stays jansson's.  The result is byte for byte what
 * json_dumpf() writes for ck_report_bundle()'s document (a test checks). */
int ck_report_bundle_json(FILE *out, const struct ck_bundle *b, const struct ck_analysis *a)
{
	int r = fputc('{', out) == EOF ? -1 : 0;

	for (size_t m = 0; r == 0 && m < sizeof members / sizeof members[0]; m++) {
		const char *key = members[m];
		if (m && fputc(',', out) == EOF)
			return -1;
		if (dump_new(out, json_string(key)) < 0 || fputc(':', out) == EOF)
			return -1;
		if (!streamed(key)) {
			r = dump_new(out, member(b, a, key));
			continue;
		}
		if (fputc('[', out) == EOF)
			return -1;
		for (size_t i = 0; r == 0 && i < item_count(a, key); i++) {
			if (i && fputc(',', out) == EOF)
				return -1;
			r = dump_new(out, item(a, key, i));
		}
		if (r == 0 && fputc(']', out) == EOF)
			return -1;
	}
	if (r == 0 && fputs("}\n", out) == EOF)
		return -1;
	return r;
}

json_t *ck_report_error(const char *name, const struct ck_error *err)
{
	json_t *doc = json_object(), *input = json_object(), *e = json_object();
	json_object_set_new(input, "name", ck_json_str(name));
	json_object_set_new(doc, "input", input);
	json_object_set_new(e, "status", json_string(ck_status_str(err->status)));
	json_object_set_new(e, "message", ck_json_str(err->what));
	json_object_set_new(e, "offset", err->offset >= 0 ? json_integer(err->offset) : json_null());
	json_object_set_new(doc, "error", e);
	return doc;
}

/* ---------------------------------------------------------------- */
/* JSON */

int ck_report_write_json(FILE *out, const json_t *doc)
{
	if (json_dumpf(doc, out, DUMP_FLAGS) != 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* XML */

struct ck_xml {
	xmlTextWriterPtr w;
	bool failed;
};

static int xml_write_cb(void *ctx, const char *buf, int len)
{
	FILE *f = ctx;
	return fwrite(buf, 1, (size_t)len, f) == (size_t)len ? len : -1;
}

struct ck_xml *ck_xml_begin(FILE *out, const char *root)
{
	struct ck_xml *x = calloc(1, sizeof *x);
	xmlOutputBufferPtr ob;

	if (!x)
		return NULL;
	ob = xmlOutputBufferCreateIO(xml_write_cb, NULL, out, NULL);
	if (!ob || !(x->w = xmlNewTextWriter(ob))) {
		if (ob)
			xmlOutputBufferClose(ob);
		free(x);
		return NULL;
	}
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(x->w, BAD_CAST root) < 0)
		x->failed = true;
	return x;
}

static bool xml_name_ok(const char *k)
{
	if (!*k || !((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_'))
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '-' || *k == '.'))
			return false;
	return true;
}

static void xml_value(struct ck_xml *x, const char *name, const json_t *v)
{
	xmlTextWriterPtr w = x->w;
	int r = 0;

	if (xml_name_ok(name)) {
		r = xmlTextWriterStartElement(w, BAD_CAST name);
	} else {
		char *clean = clean_utf8(name, true);
		r = xmlTextWriterStartElement(w, BAD_CAST "field");
		if (r >= 0)
			r = xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST(clean ? clean : "?"));
		free(clean);
	}
	if (r < 0) {
		x->failed = true;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *m;
		json_object_foreach((json_t *)v, k, m)
			xml_value(x, k, m);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m)
			xml_value(x, "item", m);
		break;
	}
	case JSON_STRING: {
		char *clean = clean_utf8(json_string_value(v), true);
		if (!clean || xmlTextWriterWriteString(w, BAD_CAST clean) < 0)
			x->failed = true;
		free(clean);
		break;
	}
	case JSON_INTEGER:
		r = xmlTextWriterWriteFormatString(w, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		r = xmlTextWriterWriteFormatString(w, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		r = xmlTextWriterWriteString(w, BAD_CAST "true");
		break;
	case JSON_FALSE:
		r = xmlTextWriterWriteString(w, BAD_CAST "false");
		break;
	case JSON_NULL:
		r = xmlTextWriterWriteAttribute(w, BAD_CAST "nil", BAD_CAST "true");
		break;
	}
	if (r < 0 || xmlTextWriterEndElement(w) < 0)
		x->failed = true;
}

int ck_xml_write(struct ck_xml *x, const json_t *doc, const char *element)
{
	if (!x)
		return -1;
	xml_value(x, element, doc);
	return x->failed ? -1 : 0;
}

int ck_report_bundle_xml(struct ck_xml *x, const struct ck_bundle *b, const struct ck_analysis *a)
{
	if (!x)
		return -1;
	if (xmlTextWriterStartElement(x->w, BAD_CAST "report") < 0)
		return -1;
	for (size_t m = 0; !x->failed && m < sizeof members / sizeof members[0]; m++) {
		const char *key = members[m];
		json_t *v;
		if (!streamed(key)) {
			v = member(b, a, key);
			if (!v)
				return -1;
			xml_value(x, key, v);
			json_decref(v);
			continue;
		}
		if (xmlTextWriterStartElement(x->w, BAD_CAST key) < 0)
			return -1;
		for (size_t i = 0; !x->failed && i < item_count(a, key); i++) {
			v = item(a, key, i);
			if (!v)
				return -1;
			xml_value(x, "item", v);
			json_decref(v);
		}
		if (xmlTextWriterEndElement(x->w) < 0)
			x->failed = true;
	}
	if (xmlTextWriterEndElement(x->w) < 0)
		x->failed = true;
	return x->failed ? -1 : 0;
}

int ck_xml_end(struct ck_xml *x)
{
	int rc;
	if (!x)
		return -1;
	if (xmlTextWriterEndDocument(x->w) < 0 || xmlTextWriterFlush(x->w) < 0)
		x->failed = true;
	rc = x->failed ? -1 : 0;
	xmlFreeTextWriter(x->w);
	free(x);
	return rc;
}

/* ---------------------------------------------------------------- */
/* text */

const char *ck_text_color(const struct ck_text_opts *o, const char *what)
{
	if (!o || !o->color)
		return "";
	if (!strcmp(what, "error"))
		return "\033[1;31m";
	if (!strcmp(what, "warning"))
		return "\033[33m";
	if (!strcmp(what, "ok"))
		return "\033[32m";
	if (!strcmp(what, "info"))
		return "\033[36m";
	if (!strcmp(what, "dim"))
		return "\033[2m";
	if (!strcmp(what, "bold"))
		return "\033[1m";
	return "";
}

const char *ck_text_reset(const struct ck_text_opts *o)
{
	return o && o->color ? "\033[0m" : "";
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static bool jtrue(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

static void text_header(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *in = json_object_get(doc, "input");
	const json_t *p12 = json_object_get(in, "pkcs12");
	const char *fmt = jstr(in, "format");

	fprintf(f, "%s%s%s: ", ck_text_color(o, "bold"), jstr(in, "name"), ck_text_reset(o));
	if (!strcmp(fmt, "pkcs12"))
		fprintf(f, "PKCS#12");
	else if (!strcmp(fmt, "pem"))
		fprintf(f, "PEM");
	else if (!strcmp(fmt, "der"))
		fprintf(f, "DER");
	else if (!strcmp(fmt, "pkcs7"))
		fprintf(f, "PKCS#7");
	else if (!strcmp(fmt, "base64"))
		fprintf(f, "base64");
	else
		fprintf(f, "%s", fmt);
	fprintf(f, ", %zu certificate%s, %zu key%s\n",
		json_array_size(json_object_get(doc, "certificates")),
		json_array_size(json_object_get(doc, "certificates")) == 1 ? "" : "s",
		json_array_size(json_object_get(doc, "keys")),
		json_array_size(json_object_get(doc, "keys")) == 1 ? "" : "s");
	if (p12) {
		const json_t *mac = json_object_get(p12, "mac"), *bags = json_object_get(p12, "bags"), *bag;
		size_t i;
		if (json_is_object(mac))
			fprintf(f, "  MAC: %s, %lld iterations", jstr(mac, "algorithm"), jint(mac, "iterations"));
		else
			fprintf(f, "  MAC: none (integrity not protected)");
		fprintf(f, "; password: %s\n", jstr(p12, "password"));
		json_array_foreach(bags, i, bag) {
			if (jtrue(bag, "encrypted"))
				fprintf(f, "  %s: %s (%s, %s, %lld iterations)\n", jstr(bag, "content"),
					jstr(bag, "cipher"), jstr(bag, "scheme"), jstr(bag, "kdf"),
					jint(bag, "iterations"));
			else
				fprintf(f, "  %s: not encrypted\n", jstr(bag, "content"));
		}
	}
}

static void text_validity(FILE *f, const json_t *c, const struct ck_text_opts *o)
{
	long long days = jint(c, "days_left");
	const char *col = days < 0 ? "error" : days <= 30 ? "warning" : "ok";
	char nb[11] = "", na[11] = "";

	snprintf(nb, sizeof nb, "%s", jstr(c, "not_before"));
	snprintf(na, sizeof na, "%s", jstr(c, "not_after"));
	fprintf(f, "%s → %s %s(", nb, na, ck_text_color(o, col));
	if (days < 0)
		fprintf(f, "expired %lld days ago", -days);
	else
		fprintf(f, "%lld days left", days);
	fprintf(f, ")%s", ck_text_reset(o));
}

static void text_strv(FILE *f, const char *indent, const char *label, const json_t *arr)
{
	size_t i;
	const json_t *v;
	if (!json_array_size(arr))
		return;
	fprintf(f, "%s%-18s", indent, label);
	json_array_foreach(arr, i, v)
		fprintf(f, "%s%s", i ? ", " : "", json_string_value(v));
	fputc('\n', f);
}

static void text_verbose(FILE *f, const json_t *c, const char *indent)
{
	const json_t *aia = json_object_get(c, "aia");
	fprintf(f, "%s%-18s%s\n", indent, "serial:", jstr(c, "serial"));
	fprintf(f, "%s%-18s%s\n", indent, "issuer:", jstr(c, "issuer"));
	fprintf(f, "%s%-18s%s\n", indent, "sha256:", jstr(c, "sha256"));
	fprintf(f, "%s%-18s%s\n", indent, "sha1:", jstr(c, "sha1"));
	if (json_is_string(json_object_get(c, "subject_key_id")))
		fprintf(f, "%s%-18s%s\n", indent, "subject key id:", jstr(c, "subject_key_id"));
	if (json_is_string(json_object_get(c, "authority_key_id")))
		fprintf(f, "%s%-18s%s\n", indent, "authority key id:", jstr(c, "authority_key_id"));
	if (jtrue(c, "ca")) {
		if (json_is_integer(json_object_get(c, "path_len")))
			fprintf(f, "%s%-18sCA, pathLen %lld\n", indent, "constraints:", jint(c, "path_len"));
		else
			fprintf(f, "%s%-18sCA\n", indent, "constraints:");
	}
	text_strv(f, indent, "key usage:", json_object_get(c, "key_usage"));
	text_strv(f, indent, "ext. key usage:", json_object_get(c, "extended_key_usage"));
	text_strv(f, indent, "alt. names:", json_object_get(c, "subject_alt_names"));
	text_strv(f, indent, "CA issuers:", json_object_get(aia, "ca_issuers"));
	text_strv(f, indent, "OCSP:", json_object_get(aia, "ocsp"));
	text_strv(f, indent, "CRL:", json_object_get(c, "crl_distribution_points"));
	text_strv(f, indent, "delta CRL:", json_object_get(c, "delta_crl_distribution_points"));
	text_strv(f, indent, "critical unknown:", json_object_get(c, "unknown_critical_extensions"));
	if (json_is_string(json_object_get(c, "friendly_name")))
		fprintf(f, "%s%-18s%s\n", indent, "friendly name:", jstr(c, "friendly_name"));
}

/* Which key (index) matches certificate `idx`, or -1. */
static long key_for(const json_t *doc, long idx)
{
	size_t i;
	const json_t *k;
	json_array_foreach(json_object_get(doc, "keys"), i, k)
		if (json_is_integer(json_object_get(k, "matches_certificate")) &&
		    json_integer_value(json_object_get(k, "matches_certificate")) == idx)
			return (long)i;
	return -1;
}

/* One certificate of a tree.  Depth 0 starts at column 2; each level
 * below is drawn with "└─ " four columns further right, and the detail
 * lines line up with the text after "[n] ". */
static void text_cert(FILE *f, const json_t *doc, const json_t *c, unsigned depth,
		      const struct ck_text_opts *o)
{
	char lead[96] = "", body[96] = "";
	const json_t *key = json_object_get(c, "key");
	const json_t *ver = json_object_get(c, "signature_verified");
	long idx = (long)jint(c, "index");
	long kidx = key_for(doc, idx);
	unsigned col = depth ? 2 + 4 * (depth - 1) : 2;

	if (col > 60)
		col = 60;
	memset(lead, ' ', col);
	lead[col] = '\0';
	memset(body, ' ', col + (depth ? 7 : 4));
	body[col + (depth ? 7 : 4)] = '\0';

	fprintf(f, "%s%s[%ld] %s%s%s %s", lead, depth ? "└─ " : "", idx, ck_text_color(o, "bold"),
		jstr(c, "role"), ck_text_reset(o), jstr(c, "subject"));
	if (strcmp(jstr(c, "source"), "input"))
		fprintf(f, " %s(%s: %s)%s", ck_text_color(o, "dim"), jstr(c, "source"),
			jstr(c, "origin"), ck_text_reset(o));
	fputc('\n', f);
	fputs(body, f);
	text_validity(f, c, o);
	fprintf(f, " · %s %lld", jstr(key, "type"), jint(key, "bits"));
	if (json_is_string(json_object_get(key, "curve")))
		fprintf(f, " %s", jstr(key, "curve"));
	fprintf(f, " · %s", jstr(c, "signature_algorithm"));
	if (jtrue(c, "self_signed"))
		fprintf(f, " · %sself-signed%s", ck_text_color(o, "dim"), ck_text_reset(o));
	else if (json_is_true(ver))
		fprintf(f, " · signature %s✓%s", ck_text_color(o, "ok"), ck_text_reset(o));
	else if (json_is_false(ver))
		fprintf(f, " · signature %s✗ does not verify%s", ck_text_color(o, "error"), ck_text_reset(o));
	if (jtrue(c, "trusted"))
		fprintf(f, " · %strusted%s", ck_text_color(o, "ok"), ck_text_reset(o));
	if (kidx >= 0)
		fprintf(f, " · private key %s✓%s", ck_text_color(o, "ok"), ck_text_reset(o));
	fputc('\n', f);
	if (o->verbose)
		text_verbose(f, c, body);
}

static void text_chain(FILE *f, const json_t *doc, const json_t *ch, size_t n,
		       const struct ck_text_opts *o)
{
	const json_t *certs = json_object_get(doc, "certificates");
	const json_t *path = json_object_get(ch, "path");
	const json_t *missing = json_object_get(ch, "missing");
	bool complete = !strcmp(jstr(ch, "status"), "complete");
	size_t len = json_array_size(path);
	unsigned depth = 0;
	size_t i;
	const json_t *m;

	fprintf(f, "\nChain %zu: %s%s%s · %s%s%s · %s%s%s\n", n,
		ck_text_color(o, complete ? "ok" : "error"), complete ? "complete" : "INCOMPLETE",
		ck_text_reset(o), ck_text_color(o, jtrue(ch, "trusted") ? "ok" : "error"),
		jtrue(ch, "trusted") ? "trusted" : "not trusted", ck_text_reset(o),
		ck_text_color(o, jtrue(ch, "valid") ? "ok" : "error"),
		jtrue(ch, "valid") ? "valid" : "not valid", ck_text_reset(o));
	json_array_foreach(missing, i, m) {
		bool badsig = !strcmp(jstr(m, "reason"), "bad-signature");
		const json_t *urls = json_object_get(m, "ca_issuers"), *u;
		size_t k;
		fprintf(f, "  %s✗ %s%s %s\n", ck_text_color(o, "error"),
			badsig ? "issuer does not verify:" : "missing:", ck_text_reset(o),
			jstr(m, "issuer"));
		json_array_foreach(urls, k, u)
			fprintf(f, "    %s %s\n", k ? "      " : "fetch:", json_string_value(u));
		if (!json_array_size(urls))
			fprintf(f, "    (no caIssuers URL: no client can fetch it)\n");
		depth = 1;
	}
	/* root first: walk the path from its end */
	for (size_t k = len; k-- > 0;) {
		long idx = (long)json_integer_value(json_array_get(path, k));
		text_cert(f, doc, json_array_get(certs, (size_t)idx), depth, o);
		depth++;
	}
}

static void text_findings(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *findings = json_object_get(doc, "findings"), *fi;
	const json_t *sum = json_object_get(doc, "summary");
	size_t i;

	if (!json_array_size(findings)) {
		if (!o->quiet)
			fprintf(f, "\n%sNo findings.%s\n", ck_text_color(o, "ok"), ck_text_reset(o));
		return;
	}
	fprintf(f, "\nFindings: %lld error%s, %lld warning%s, %lld info\n", jint(sum, "errors"),
		jint(sum, "errors") == 1 ? "" : "s", jint(sum, "warnings"),
		jint(sum, "warnings") == 1 ? "" : "s", jint(sum, "info"));
	json_array_foreach(findings, i, fi) {
		const char *sev = jstr(fi, "severity");
		const json_t *cert = json_object_get(fi, "certificate");
		fprintf(f, "  %s%-7s%s %s", ck_text_color(o, sev), sev, ck_text_reset(o), jstr(fi, "code"));
		if (json_is_integer(cert))
			fprintf(f, " [%lld]", (long long)json_integer_value(cert));
		fprintf(f, ": %s\n", jstr(fi, "message"));
		if (json_is_string(json_object_get(fi, "hint")) && !o->quiet)
			fprintf(f, "          %s→ %s%s\n", ck_text_color(o, "dim"), jstr(fi, "hint"),
				ck_text_reset(o));
	}
}

int ck_report_text_chainview(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *certs = json_object_get(doc, "certificates"), *c, *k;
	const json_t *chains = json_object_get(doc, "chains"), *ch;
	size_t i;
	bool any_unrelated = false;

	if (json_object_get(doc, "error")) {
		const json_t *e = json_object_get(doc, "error");
		fprintf(f, "%s: %s\n", jstr(json_object_get(doc, "input"), "name"), jstr(e, "message"));
		return ferror(f) ? -1 : 0;
	}
	if (o->quiet) {
		text_findings(f, doc, o);
		return ferror(f) ? -1 : 0;
	}
	text_header(f, doc, o);
	json_array_foreach(chains, i, ch)
		text_chain(f, doc, ch, i + 1, o);
	json_array_foreach(certs, i, c) {
		if (strcmp(jstr(c, "role"), "unrelated"))
			continue;
		if (!any_unrelated)
			fprintf(f, "\nNot part of any chain:\n");
		any_unrelated = true;
		text_cert(f, doc, c, 0, o);
	}
	if (json_array_size(json_object_get(doc, "keys"))) {
		fprintf(f, "\nPrivate key%s:\n", json_array_size(json_object_get(doc, "keys")) == 1 ? "" : "s");
		json_array_foreach(json_object_get(doc, "keys"), i, k) {
			const json_t *m = json_object_get(k, "matches_certificate");
			fprintf(f, "  %s %lld", jstr(k, "type"), jint(k, "bits"));
			if (json_is_string(json_object_get(k, "curve")))
				fprintf(f, " %s", jstr(k, "curve"));
			if (json_is_integer(m))
				fprintf(f, " — %smatches [%lld] %s%s\n", ck_text_color(o, "ok"),
					(long long)json_integer_value(m),
					jstr(json_array_get(certs, (size_t)json_integer_value(m)), "subject"),
					ck_text_reset(o));
			else
				fprintf(f, " — %smatches no certificate%s\n", ck_text_color(o, "error"),
					ck_text_reset(o));
		}
	}
	text_findings(f, doc, o);
	return ferror(f) ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* derdump
 *
 * The walk (der) drives three sinks, one per format; each element is
 * turned into one JSON object (node_json) that the sink writes and
 * frees, so the text shows only what the JSON has.  JSON and XML nest
 * the children of an element in "children"; the framing is written
 * here, every value by jansson or libxml2. */


struct dump_problem {
	int64_t offset;
	unsigned bit;
};

struct dump_sink {
	FILE *out;
	struct ck_xml *x;
	const struct ck_text_opts *to;
	const struct ck_dump_opts *o;
	const struct ck_dump_input *in;
	bool *first;    /* JSON: no comma before the next item, per open level */
	size_t level, cap;
	int (*doc_begin)(struct dump_sink *, json_t *input);
	int (*block_begin)(struct dump_sink *, json_t *head);
	int (*node)(struct dump_sink *, json_t *node, unsigned depth, bool open, bool hidden);
	int (*leave)(struct dump_sink *);
	int (*block_end)(struct dump_sink *, json_t *tail);
	int (*doc_end)(struct dump_sink *);
};

void ck_dump_result_cleanup(struct ck_dump_result *r)
{
	if (!r)
		return;
	free(r->errors);
	memset(r, 0, sizeof *r);
}

static json_t *json_int_or_null(unsigned long long v)
{
	return v <= (unsigned long long)LLONG_MAX ? json_integer((json_int_t)v) : json_null();
}

/* The value members of a primitive element. */
static void node_value(json_t *o, const struct ck_der_elem *e)
{
	const unsigned char *c = e->content;
	size_t n = e->content_len;
	unsigned long tag = e->tlv.tag;
	char buf[512];

	if (e->tlv.constructed)
		return;
	if (e->tlv.cls != 0 || e->truncated) {
		bool text = n > 0 && !e->truncated;
		for (size_t i = 0; text && i < n; i++)
			text = c[i] >= 0x20 && c[i] < 0x7f;
		json_object_set_new(o, "hex", hex_or_empty(c, n));
		if (text) {
			char *t = strndup((const char *)c, n);
			json_object_set_new(o, "text", ck_json_str(t ? t : ""));
			free(t);
		}
		return;
	}
	switch (tag) {
	case CK_TAG_BOOLEAN:
		if (n == 1)
			json_object_set_new(o, "boolean", json_boolean(c[0] != 0));
		else
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		break;
	case CK_TAG_INTEGER:
	case 10: /* ENUMERATED */
		json_object_set_new(o, "hex", hex_or_empty(c, n));
		if (n >= 1 && n <= 8) {
			int64_t v = (c[0] & 0x80) ? -1 : 0;
			for (size_t i = 0; i < n; i++)
				v = (int64_t)((uint64_t)v << 8 | c[i]);
			json_object_set_new(o, "integer", json_integer((json_int_t)v));
		}
		break;
	case CK_TAG_BIT_STRING:
		if (n >= 1)
			json_object_set_new(o, "unused_bits", json_integer(c[0]));
		if (!e->encapsulates)
			json_object_set_new(o, "hex", hex_or_empty(n ? c + 1 : c, n ? n - 1 : 0));
		break;
	case CK_TAG_OCTET_STRING:
		if (!e->encapsulates)
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		break;
	case CK_TAG_NULL:
		if (n)
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		break;
	case CK_TAG_OID:
		if (ck_der_oid_str(c, n, buf, sizeof buf)) {
			json_object_set_new(o, "oid", json_string(buf));
			json_object_set_new(o, "oid_name", ck_json_str_or_null(ck_oid_name(buf)));
		} else {
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		}
		break;
	default:
		if (ck_der_is_string_tag(tag)) {
			char *str = ck_der_string_utf8(tag, c, n);
			json_object_set_new(o, "string", ck_json_str(str ? str : ""));
			free(str);
			if (tag == CK_TAG_UTCTIME || tag == CK_TAG_GENTIME)
				json_object_set_new(o, "time", ck_der_time_rfc3339(tag, c, n, buf, sizeof buf) ?
									json_string(buf) : json_null());
		} else {
			json_object_set_new(o, "hex", hex_or_empty(c, n));
		}
		break;
	}
}

static json_t *problems_json(unsigned bits)
{
	json_t *a = json_array();
	for (unsigned i = 0; a && i < CK_DER_P_COUNT; i++) {
		unsigned bit = 1u << i;
		json_t *p;
		if (!(bits & bit))
			continue;
		p = json_object();
		json_object_set_new(p, "code", json_string(ck_der_problem_code(bit)));
		json_object_set_new(p, "message", json_string(ck_der_problem_message(bit)));
		json_object_set_new(p, "der_only", json_boolean(bit & CK_DER_P_DER_ONLY));
		json_array_append_new(a, p);
	}
	return a;
}

static json_t *node_json(const struct ck_der_elem *e, const struct ck_schema_names *names)
{
	json_t *o = json_object();
	const struct ck_schema_field *f = ck_schema_field_at(names, e->offset);
	char tag[48];

	if (!o)
		return NULL;
	ck_der_tag_name(e->tlv.cls, e->tlv.tag, tag, sizeof tag);
	json_object_set_new(o, "offset", json_integer((json_int_t)e->offset));
	json_object_set_new(o, "header_length", json_integer((json_int_t)e->tlv.hdr_len));
	json_object_set_new(o, "length", e->tlv.indefinite ? json_null() : json_int_or_null(e->tlv.len));
	json_object_set_new(o, "indefinite", json_boolean(e->tlv.indefinite));
	json_object_set_new(o, "class", json_string(ck_der_class_name(e->tlv.cls)));
	json_object_set_new(o, "constructed", json_boolean(e->tlv.constructed));
	json_object_set_new(o, "tag", json_int_or_null(e->tlv.tag));
	json_object_set_new(o, "tag_name", json_string(tag));
	if (f) {
		json_object_set_new(o, "field", ck_json_str(f->name));
		if (f->choice)
			json_object_set_new(o, "choice", json_string(f->choice));
		if (f->as)
			json_object_set_new(o, "decoded_as", json_string(f->as));
	}
	json_object_set_new(o, "truncated", json_boolean(e->truncated));
	node_value(o, e);
	json_object_set_new(o, "encapsulates", json_boolean(e->encapsulates));
	json_object_set_new(o, "problems", problems_json(e->problems));
	return o;
}

static json_t *block_head(const struct ck_dump_block *b, size_t index)
{
	json_t *o = json_object();
	json_object_set_new(o, "index", json_integer((json_int_t)index));
	json_object_set_new(o, "label", ck_json_str_or_null(b->label));
	json_object_set_new(o, "line", b->line ? json_integer(b->line) : json_null());
	json_object_set_new(o, "size", json_integer((json_int_t)b->size));
	json_object_set_new(o, "offset", json_integer((json_int_t)b->base));
	json_object_set_new(o, "length", json_integer((json_int_t)b->len));
	json_object_set_new(o, "type", ck_json_str_or_null(b->names ? b->names->type : NULL));
	json_object_set_new(o, "type_error", ck_json_str_or_null(b->type_error));
	json_object_set_new(o, "decoded", json_boolean(!b->error));
	return o;
}

static json_t *error_json(const struct ck_error *err)
{
	json_t *e;
	if (!err || !err->status)
		return json_null();
	e = json_object();
	json_object_set_new(e, "status", json_string(ck_status_str(err->status)));
	json_object_set_new(e, "message", ck_json_str(err->what));
	json_object_set_new(e, "offset", err->offset >= 0 ? json_integer(err->offset) : json_null());
	return e;
}

/* What one block's walk found, for its tail and the result. */
struct block_tally {
	struct dump_problem *probs;
	size_t nprobs, cprobs;
	size_t elements, derv, invalid;
};

static int tally(struct block_tally *t, const struct ck_der_elem *e)
{
	t->elements++;
	for (unsigned i = 0; i < CK_DER_P_COUNT; i++) {
		unsigned bit = 1u << i;
		if (!(e->problems & bit))
			continue;
		if (bit & CK_DER_P_DER_ONLY)
			t->derv++;
		else
			t->invalid++;
		if (t->nprobs == t->cprobs) {
			size_t nc = t->cprobs ? t->cprobs * 2 : 16;
			struct dump_problem *np = realloc(t->probs, nc * sizeof *np);
			if (!np)
				return -1;
			t->probs = np;
			t->cprobs = nc;
		}
		t->probs[t->nprobs].offset = e->offset;
		t->probs[t->nprobs++].bit = bit;
	}
	return 0;
}

/* The members after the tree: problems, error, der, summary. */
static json_t *block_tail(const struct block_tally *t, const struct ck_error *werr)
{
	json_t *tail = json_object(), *plist = json_array(), *sum = json_object();

	for (size_t i = 0; i < t->nprobs; i++) {
		json_t *p = json_object();
		json_object_set_new(p, "offset", json_integer((json_int_t)t->probs[i].offset));
		json_object_set_new(p, "code", json_string(ck_der_problem_code(t->probs[i].bit)));
		json_object_set_new(p, "message", json_string(ck_der_problem_message(t->probs[i].bit)));
		json_object_set_new(p, "der_only", json_boolean(t->probs[i].bit & CK_DER_P_DER_ONLY));
		json_array_append_new(plist, p);
	}
	json_object_set_new(tail, "problems", plist);
	json_object_set_new(tail, "error", error_json(werr));
	json_object_set_new(tail, "der", json_boolean(!werr->status && !t->derv && !t->invalid));
	json_object_set_new(sum, "elements", json_integer((json_int_t)t->elements));
	json_object_set_new(sum, "der_violations", json_integer((json_int_t)t->derv));
	json_object_set_new(sum, "invalid", json_integer((json_int_t)t->invalid));
	json_object_set_new(tail, "summary", sum);
	return tail;
}

/* Walk the block's DER through the sink: every element is tallied, those
 * within --depth are written.  The first error goes to *werr. */
static int walk_block(struct dump_sink *s, const struct ck_dump_block *b, struct block_tally *t,
		      struct ck_error *werr)
{
	struct ck_der_walk_opts wo = { .base = b->base, .nested = s->o->nested,
				       .container = s->o->container };
	struct ck_der_walker *w = NULL;
	unsigned limit = s->o->depth;
	struct ck_der_elem e;
	enum ck_der_event ev;
	int r = 0;

	if (ck_der_walker_new(b->der, b->len, &wo, &w, werr))
		return 0; /* werr says why */
	while (r == 0 && (ev = ck_der_walker_next(w, &e)) != CK_DER_DONE) {
		bool shown = !limit || e.depth < limit;
		bool open = e.has_children && (!limit || e.depth + 1 < limit);
		if (ev == CK_DER_LEAVE) {
			if (shown && open)
				r = s->leave(s);
			continue;
		}
		r = tally(t, &e);
		if (r == 0 && shown)
			r = s->node(s, node_json(&e, b->names), e.depth, open, e.has_children && !open);
	}
	if (r == 0 && ck_der_walker_error(w)->status)
		*werr = *ck_der_walker_error(w);
	ck_der_walker_free(w);
	return r;
}

/* One block: its head, its tree, its tail. */
static int dump_block(struct dump_sink *s, const struct ck_dump_block *b, size_t index,
		      struct ck_dump_result *res)
{
	struct block_tally t = { 0 };
	struct ck_error werr;
	int r;

	ck_error_clear(&werr);
	if (s->block_begin(s, block_head(b, index)) < 0)
		return -1;
	if (b->error)
		werr = *b->error;
	else if (walk_block(s, b, &t, &werr) < 0) {
		free(t.probs);
		return -1;
	}
	if (!werr.status && b->len == 0)
		ck_error_set_at(&werr, CK_E_PARSE, b->base, "no data to show");
	if (werr.status) {
		res->errors[index] = werr;
		if (!werr.file[0])
			ck_error_set_file(&res->errors[index], s->in->name);
		res->nerrors++;
	}
	res->elements += t.elements;
	res->der_violations += t.derv;
	res->invalid += t.invalid;
	r = s->block_end(s, block_tail(&t, &werr));
	free(t.probs);
	return r;
}

static int dump_input(struct dump_sink *s, struct ck_dump_result *res)
{
	const struct ck_dump_input *in = s->in;
	json_t *input = json_object();
	int r;

	memset(res, 0, sizeof *res);
	res->errors = calloc(in->nblocks ? in->nblocks : 1, sizeof *res->errors);
	if (!res->errors) {
		json_decref(input);
		free(s->first);
		return -1;
	}
	for (size_t i = 0; i < in->nblocks; i++)
		ck_error_clear(&res->errors[i]);
	json_object_set_new(input, "name", ck_json_str(in->name));
	json_object_set_new(input, "format", json_string(ck_format_name(in->format)));
	json_object_set_new(input, "size", json_integer((json_int_t)in->size));
	r = s->doc_begin(s, input);
	for (size_t i = 0; r == 0 && i < in->nblocks; i++)
		r = dump_block(s, &in->blocks[i], i, res);
	if (r == 0)
		r = s->doc_end(s);
	free(s->first);
	return r;
}

/* ---- JSON ---- */

/* Write an object's members without its closing brace. */
static int json_open(FILE *out, json_t *obj)
{
	char *t = json_dumps(obj, DUMP_FLAGS);
	size_t n = t ? strlen(t) : 0;
	int r = n >= 2 && fwrite(t, 1, n - 1, out) == n - 1 ? 0 : -1;
	free(t);
	json_decref(obj);
	return r;
}

static int json_level(struct dump_sink *s)
{
	if (s->level == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		bool *nf = realloc(s->first, cap * sizeof *nf);
		if (!nf)
			return -1;
		s->first = nf;
		s->cap = cap;
	}
	s->first[s->level++] = true;
	return 0;
}

/* A comma unless this is the first item of the current level. */
static int json_sep(struct dump_sink *s)
{
	if (s->first[s->level - 1]) {
		s->first[s->level - 1] = false;
		return 0;
	}
	return fputc(',', s->out) == EOF ? -1 : 0;
}

static int jdoc_begin(struct dump_sink *s, json_t *input)
{
	json_t *o = json_object();
	json_object_set_new(o, "input", input);
	if (json_open(s->out, o) < 0 || fputs(",\"blocks\":[", s->out) == EOF)
		return -1;
	return json_level(s);
}

static int jblock_begin(struct dump_sink *s, json_t *head)
{
	if (json_sep(s) < 0 || json_open(s->out, head) < 0 || fputs(",\"tree\":[", s->out) == EOF)
		return -1;
	return json_level(s);
}

static int jnode(struct dump_sink *s, json_t *node, unsigned depth, bool open, bool hidden)
{
	(void)depth;
	if (!node || json_sep(s) < 0)
		return -1;
	if (hidden)
		json_object_set_new(node, "children_hidden", json_true());
	if (!open)
		return dump_new(s->out, node);
	if (json_open(s->out, node) < 0 || fputs(",\"children\":[", s->out) == EOF)
		return -1;
	return json_level(s);
}

static int jleave(struct dump_sink *s)
{
	s->level--;
	return fputs("]}", s->out) == EOF ? -1 : 0;
}

static int jblock_end(struct dump_sink *s, json_t *tail)
{
	char *t = json_dumps(tail, DUMP_FLAGS);
	size_t n = t ? strlen(t) : 0;
	int r;

	s->level--;
	json_decref(tail);
	/* "]" closes the tree; the tail's members follow without its '{' */
	r = n >= 2 && fputs("],", s->out) != EOF && fwrite(t + 1, 1, n - 1, s->out) == n - 1 ? 0 : -1;
	free(t);
	return r;
}

static int jdoc_end(struct dump_sink *s)
{
	s->level--;
	return fputs("]}\n", s->out) == EOF ? -1 : 0;
}

int ck_report_dump_json(FILE *out, const struct ck_dump_input *in, const struct ck_dump_opts *o,
			struct ck_dump_result *res)
{
	struct dump_sink s = { .out = out, .o = o, .in = in, .doc_begin = jdoc_begin,
			       .block_begin = jblock_begin, .node = jnode, .leave = jleave,
			       .block_end = jblock_end, .doc_end = jdoc_end };
	return dump_input(&s, res);
}

/* ---- XML ---- */

static int xml_members(struct ck_xml *x, json_t *obj)
{
	const char *k;
	json_t *m;
	json_object_foreach(obj, k, m)
		xml_value(x, k, m);
	json_decref(obj);
	return x->failed ? -1 : 0;
}

static int xml_start(struct ck_xml *x, const char *name)
{
	if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->failed = true;
	return x->failed ? -1 : 0;
}

static int xml_end(struct ck_xml *x)
{
	if (xmlTextWriterEndElement(x->w) < 0)
		x->failed = true;
	return x->failed ? -1 : 0;
}

static int xdoc_begin(struct dump_sink *s, json_t *input)
{
	if (xml_start(s->x, "report") < 0)
		return -1;
	xml_value(s->x, "input", input);
	json_decref(input);
	return xml_start(s->x, "blocks");
}

static int xblock_begin(struct dump_sink *s, json_t *head)
{
	if (xml_start(s->x, "item") < 0 || xml_members(s->x, head) < 0)
		return -1;
	return xml_start(s->x, "tree");
}

static int xnode(struct dump_sink *s, json_t *node, unsigned depth, bool open, bool hidden)
{
	(void)depth;
	if (!node)
		return -1;
	if (hidden)
		json_object_set_new(node, "children_hidden", json_true());
	if (xml_start(s->x, "item") < 0 || xml_members(s->x, node) < 0)
		return -1;
	return open ? xml_start(s->x, "children") : xml_end(s->x);
}

static int xleave(struct dump_sink *s)
{
	return xml_end(s->x) < 0 ? -1 : xml_end(s->x);
}

static int xblock_end(struct dump_sink *s, json_t *tail)
{
	if (xml_end(s->x) < 0 || xml_members(s->x, tail) < 0)
		return -1;
	return xml_end(s->x);
}

static int xdoc_end(struct dump_sink *s)
{
	return xml_end(s->x) < 0 ? -1 : xml_end(s->x);
}

int ck_report_dump_xml(struct ck_xml *x, const struct ck_dump_input *in,
		       const struct ck_dump_opts *o, struct ck_dump_result *res)
{
	struct dump_sink s = { .x = x, .o = o, .in = in, .doc_begin = xdoc_begin,
			       .block_begin = xblock_begin, .node = xnode, .leave = xleave,
			       .block_end = xblock_end, .doc_end = xdoc_end };
	if (!x)
		return -1;
	return dump_input(&s, res);
}

/* ---- text ---- */

struct text_state {
	int owidth, lwidth;  /* offset column, header+length column */
	size_t index;
};

static void text_escaped(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Hex, cut after 32 bytes (a SHA-256 hash, any serial number) unless
 * verbose. */
static void text_hex(FILE *f, const char *hex, bool verbose)
{
	size_t n = strlen(hex);
	if (!n) {
		fputs("(empty)", f);
		return;
	}
	if (verbose || n <= 64)
		fputs(hex, f);
	else
		fprintf(f, "%.64s…", hex);
	if (n > 64)
		fprintf(f, " (%zu bytes)", n / 2);
}

static int digits_of(unsigned long long v)
{
	int d = 1;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

static int tdoc_begin(struct dump_sink *s, json_t *input)
{
	json_decref(input);
	return 0;
}

static int tblock_begin(struct dump_sink *s, json_t *head)
{
	struct text_state *ts = (struct text_state *)s->first;
	const struct ck_dump_input *in = s->in;
	const struct ck_text_opts *to = s->to;
	long long off = jint(head, "offset"), len = jint(head, "length"), size = jint(head, "size");
	FILE *f = s->out;

	ts->owidth = digits_of((unsigned long long)(off + len));
	if (ts->owidth < 4)
		ts->owidth = 4;
	ts->lwidth = digits_of((unsigned long long)len) + 3;
	if (ts->index++ && !to->quiet)
		fputc('\n', f);
	if (!to->quiet) {
		fprintf(f, "%s%s%s: ", ck_text_color(to, "bold"), in->name, ck_text_reset(to));
		if (in->format == CK_FMT_PEM && !jtrue(head, "decoded"))
			fprintf(f, "PEM block %lld of %zu (%s, line %lld), not decoded",
				jint(head, "index") + 1, in->nblocks, jstr(head, "label"), jint(head, "line"));
		else if (in->format == CK_FMT_PEM)
			fprintf(f, "PEM block %lld of %zu (%s, line %lld), %lld bytes",
				jint(head, "index") + 1, in->nblocks, jstr(head, "label"), jint(head, "line"),
				size);
		else if (in->format == CK_FMT_BASE64)
			fprintf(f, "base64, %lld bytes decoded", size);
		else
			fprintf(f, "DER, %lld bytes", size);
		if (off || len != size)
			fprintf(f, ", bytes %lld to %lld", off, off + len);
		if (json_is_string(json_object_get(head, "type")))
			fprintf(f, ", as %s", jstr(head, "type"));
		fputc('\n', f);
	}
	json_decref(head);
	return ferror(f) ? -1 : 0;
}

static void text_value(FILE *f, const json_t *n, const struct ck_text_opts *to)
{
	const json_t *v;
	const char *tag = jstr(n, "tag_name");

	if ((v = json_object_get(n, "boolean")))
		fprintf(f, " %s", json_is_true(v) ? "TRUE" : "FALSE");
	if ((v = json_object_get(n, "integer"))) {
		fprintf(f, " %lld", (long long)json_integer_value(v));
		if (strlen(jstr(n, "hex")) > 2)
			fprintf(f, " (0x%s)", jstr(n, "hex"));
	} else if ((!strcmp(tag, "INTEGER") || !strcmp(tag, "ENUMERATED")) &&
		   json_is_string(json_object_get(n, "hex"))) {
		fputs(*jstr(n, "hex") ? " 0x" : " ", f);
		text_hex(f, jstr(n, "hex"), to->verbose);
		return;
	}
	if ((v = json_object_get(n, "oid"))) {
		fprintf(f, " %s", json_string_value(v));
		if (json_is_string(json_object_get(n, "oid_name")))
			fprintf(f, " (%s)", jstr(n, "oid_name"));
	}
	if ((v = json_object_get(n, "string"))) {
		fputc(' ', f);
		text_escaped(f, json_string_value(v));
		if (json_is_string(json_object_get(n, "time")))
			fprintf(f, " = %s", jstr(n, "time"));
	}
	if ((v = json_object_get(n, "unused_bits")))
		fprintf(f, ", %lld unused bit%s", (long long)json_integer_value(v),
			json_integer_value(v) == 1 ? "" : "s");
	if ((v = json_object_get(n, "text"))) {
		fputc(' ', f);
		text_escaped(f, json_string_value(v));
	} else if ((v = json_object_get(n, "hex")) && !json_object_get(n, "integer")) {
		fputs(json_object_get(n, "unused_bits") ? ": " : " ", f);
		text_hex(f, json_string_value(v), to->verbose);
	}
	if (jtrue(n, "encapsulates"))
		fputs(", encapsulates:", f);
}

static int tnode(struct dump_sink *s, json_t *n, unsigned depth, bool open, bool hidden)
{
	struct text_state *ts = (struct text_state *)s->first;
	const struct ck_text_opts *to = s->to;
	FILE *f = s->out;
	const json_t *probs = json_object_get(n, "problems"), *p;
	char hl[48];
	size_t i;

	(void)open;
	if (!n)
		return -1;
	if (to->quiet) {
		json_decref(n);
		return 0;
	}
	if (jtrue(n, "indefinite"))
		snprintf(hl, sizeof hl, "%lld+inf", jint(n, "header_length"));
	else if (json_is_integer(json_object_get(n, "length")))
		snprintf(hl, sizeof hl, "%lld+%lld", jint(n, "header_length"), jint(n, "length"));
	else
		snprintf(hl, sizeof hl, "%lld+huge", jint(n, "header_length"));
	fprintf(f, "%s%*lld%s  %-*s  %*s", ck_text_color(to, "dim"), ts->owidth, jint(n, "offset"),
		ck_text_reset(to), ts->lwidth, hl, (int)(depth > 32 ? 64 : 2 * depth), "");
	if (depth > 32) /* past 64 columns of indentation, say the depth instead */
		fprintf(f, "[depth %u] ", depth);
	if (json_is_string(json_object_get(n, "field"))) {
		fprintf(f, "%s%s%s", ck_text_color(to, "info"), jstr(n, "field"), ck_text_reset(to));
		if (json_is_string(json_object_get(n, "choice")))
			fprintf(f, " (%s)", jstr(n, "choice"));
		if (json_is_string(json_object_get(n, "decoded_as")))
			fprintf(f, " (%s)", jstr(n, "decoded_as"));
		fputs(": ", f);
	}
	fputs(jstr(n, "tag_name"), f);
	text_value(f, n, to);
	if (jtrue(n, "indefinite"))
		fprintf(f, " %s(indefinite length: BER)%s", ck_text_color(to, "warning"), ck_text_reset(to));
	if (jtrue(n, "truncated"))
		fprintf(f, " %s(truncated)%s", ck_text_color(to, "error"), ck_text_reset(to));
	if (hidden)
		fputs(" …", f);
	json_array_foreach(probs, i, p) {
		bool der_only = jtrue(p, "der_only");
		if (der_only && (!s->o->strict || !strcmp(jstr(p, "code"), "indefinite-length")))
			continue;
		fprintf(f, " %s[%s]%s", ck_text_color(to, der_only ? "warning" : "error"),
			jstr(p, "message"), ck_text_reset(to));
	}
	fputc('\n', f);
	json_decref(n);
	return ferror(f) ? -1 : 0;
}

static int tleave(struct dump_sink *s)
{
	(void)s;
	return 0;
}

static int tblock_end(struct dump_sink *s, json_t *tail)
{
	const struct ck_text_opts *to = s->to;
	const json_t *sum = json_object_get(tail, "summary"), *p;
	long long derv = jint(sum, "der_violations"), invalid = jint(sum, "invalid");
	FILE *f = s->out;
	size_t i;

	if (s->o->strict && derv) {
		fprintf(f, "%sDER violations (%lld):%s\n", ck_text_color(to, "warning"), derv,
			ck_text_reset(to));
		json_array_foreach(json_object_get(tail, "problems"), i, p)
			if (jtrue(p, "der_only"))
				fprintf(f, "  byte %lld: %s\n", jint(p, "offset"), jstr(p, "message"));
	} else if (derv) {
		fprintf(f, "%sNot DER%s (valid BER): %lld DER rule%s broken; --strict-der lists %s.\n",
			ck_text_color(to, "warning"), ck_text_reset(to), derv, derv == 1 ? "" : "s",
			derv == 1 ? "it" : "them");
	} else if (s->o->strict && !invalid && !json_is_object(json_object_get(tail, "error"))) {
		fprintf(f, "%sNo DER violations.%s\n", ck_text_color(to, "ok"), ck_text_reset(to));
	}
	if (invalid) {
		fprintf(f, "%sInvalid encodings (%lld):%s\n", ck_text_color(to, "error"), invalid,
			ck_text_reset(to));
		json_array_foreach(json_object_get(tail, "problems"), i, p)
			if (!jtrue(p, "der_only"))
				fprintf(f, "  byte %lld: %s\n", jint(p, "offset"), jstr(p, "message"));
	}
	json_decref(tail);
	return ferror(f) ? -1 : 0;
}

static int tdoc_end(struct dump_sink *s)
{
	return ferror(s->out) ? -1 : 0;
}

int ck_report_dump_text(FILE *out, const struct ck_dump_input *in, const struct ck_dump_opts *o,
			const struct ck_text_opts *to, struct ck_dump_result *res)
{
	struct dump_sink s = { .out = out, .to = to, .o = o, .in = in, .doc_begin = tdoc_begin,
			       .block_begin = tblock_begin, .node = tnode, .leave = tleave,
			       .block_end = tblock_end, .doc_end = tdoc_end };
	struct text_state *ts = calloc(1, sizeof *ts);
	if (!ts)
		return -1;
	s.first = (bool *)ts; /* dump_input frees it */
	return dump_input(&s, res);
}
