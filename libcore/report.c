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
#include "oid.h"
#include "xmlw.h"
#include "der.h"
#include "jks.h"
#include "p12compat.h"

#include <gnutls/gnutls.h>
#include <libxml/xmlwriter.h>
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

char *ck_xml_clean(const char *s)
{
	return clean_utf8(s ? s : "", true);
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

/* true when s has a character ck_text_safe_doc replaces */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if (ck_text_control_len(s))
			return true;
	return false;
}

static json_t *text_safe_string(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), o = 0;
	char *out;
	json_t *j;

	if (strlen(s) == n && !has_control(s))
		return json_incref((json_t *)v);
	out = malloc(n * 3 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		/* an embedded NUL is a control too; jansson ends s with one */
		size_t c = s[i] ? ck_text_control_len(s + i) : 1;
		if (c) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i += c;
			continue;
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
	j = json_string(out);
	free(out);
	return j;
}

json_t *ck_text_safe_doc(const json_t *doc)
{
	json_t *copy = NULL, *m;
	const char *k;
	size_t i;

	if (json_is_string(doc))
		return text_safe_string(doc);
	if (json_is_object(doc)) {
		copy = json_object();
		json_object_foreach((json_t *)doc, k, m)
			if (!copy || json_object_set_new(copy, k, ck_text_safe_doc(m)) != 0) {
				json_decref(copy);
				return NULL;
			}
		return copy;
	}
	if (json_is_array(doc)) {
		copy = json_array();
		json_array_foreach(doc, i, m)
			if (!copy || json_array_append_new(copy, ck_text_safe_doc(m)) != 0) {
				json_decref(copy);
				return NULL;
			}
		return copy;
	}
	return json_incref((json_t *)doc);
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

static int extra_json(json_t *o, const struct ck_cert *c);

static json_t *cert_json(const struct ck_analysis *a, size_t out_index)
{
	size_t pi = a->order[out_index];
	const struct ck_pool_entry *e = ck_pool_get(a->pool, pi);
	const struct ck_cert *c = e->cert;
	json_t *o = json_object(), *key, *aia;
	const char *curve = ck_cert_curve_name(c);
	unsigned char sha1[20];
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
	ck_cert_sha1(c, sha1);
	json_object_set_new(o, "sha1", hex_or_null(sha1, 20));
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
	if (extra_json(o, c)) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "friendly_name", ck_json_str_or_null(c->friendly_name));
	json_object_set_new(o, "trusted", json_boolean(e->anchor));
	json_object_set_new(o, "issued_by", by >= 0 ? json_integer(by) : json_null());
	json_object_set_new(o, "signature_verified", verified < 0 ? json_null() : json_boolean(verified));
	return o;
}

/* Name constraints and certificate policies (issue 24 item 8: -v
 * "shows every field"). Returns 0, or -1 when out of memory. */
static int extra_json(json_t *o, const struct ck_cert *c)
{
	struct ck_cert_extra x;
	json_t *nc = json_object(), *pols = json_array();
	int rc = -1;

	if (ck_cert_extra_read(c, &x) != CK_OK || !nc || !pols)
		goto out;
	json_object_set_new(nc, "permitted", strv_json(x.nc_permitted));
	json_object_set_new(nc, "excluded", strv_json(x.nc_excluded));
	for (size_t i = 0; i < x.npolicies; i++) {
		json_t *p = json_object();
		const char *name = ck_oid_name(x.policies[i].oid);
		json_object_set_new(p, "oid", ck_json_str(x.policies[i].oid));
		json_object_set_new(p, "name", ck_json_str_or_null(name));
		json_object_set_new(p, "cps", strv_json(x.policies[i].cps));
		json_object_set_new(p, "user_notices", strv_json(x.policies[i].notices));
		json_array_append_new(pols, p);
	}
	json_object_set_new(o, "name_constraints", nc);
	json_object_set_new(o, "certificate_policies", pols);
	nc = pols = NULL;
	rc = 0;
out:
	json_decref(nc);
	json_decref(pols);
	ck_cert_extra_cleanup(&x);
	return rc;
}

/* RFC 5280 §6.1.6: the policy sets of the reported path, or null when
 * the path was not processed (incomplete before any policy). */
static json_t *policies_json(const struct ck_validation *v)
{
	json_t *o;
	if (!v->policy_processed)
		return json_null();
	o = json_object();
	json_object_set_new(o, "user_constrained", strv_json(v->user_constrained));
	json_object_set_new(o, "authorities_constrained", strv_json(v->authorities_constrained));
	return o;
}

static json_t *revocation_json(const struct ck_analysis *a, const struct ck_chain *c)
{
	json_t *arr = json_array();
	const struct ck_validation *v = &c->validation;

	for (size_t k = 0; k < v->nrev && k + 1 < c->len; k++) {
		json_t *e = json_object(), *fetches = json_array();
		const struct ck_rev_result *r = &v->rev[k];
		json_object_set_new(e, "certificate", json_integer(ck_analysis_index(a, c->path[k])));
		json_object_set_new(e, "status", json_string(ck_rev_state_name(r->state)));
		json_object_set_new(e, "reason", r->reason >= 0 ? json_integer(r->reason) : json_null());
		json_object_set_new(e, "revoked_at", r->revoked_at ? ck_json_time(r->revoked_at) : json_null());
		json_object_set_new(e, "detail", ck_json_str_or_null(r->detail));
		json_object_set_new(e, "method", r->method ? json_string(r->method) : json_null());
		json_object_set_new(e, "fetches", fetches);
		for (size_t i = 0; i < r->nfetches; i++) {
			const struct ck_rev_fetch *x = &r->fetches[i];
			json_t *fe = json_object();
			json_object_set_new(fe, "kind", json_string(x->kind));
			json_object_set_new(fe, "url", ck_json_str(x->url));
			json_object_set_new(fe, "result", json_string(x->result));
			json_object_set_new(fe, "message", ck_json_str(x->message));
			json_array_append_new(fetches, fe);
		}
		json_array_append_new(arr, e);
	}
	return arr;
}

/* Every candidate issuer the builder considered, in order. */
static json_t *trace_json(const struct ck_analysis *a, const struct ck_chain *c)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < c->ntrace; i++) {
		const struct ck_trace_entry *t = &c->trace[i];
		const struct ck_pool_entry *pe = ck_pool_get(a->pool, t->candidate);
		long idx = ck_analysis_index(a, t->candidate), child = ck_analysis_index(a, t->child);
		json_t *e = json_object(), *cand = json_object();

		json_object_set_new(cand, "index", idx >= 0 ? json_integer(idx) : json_null());
		json_object_set_new(cand, "subject", ck_json_str(pe->cert->subject));
		json_object_set_new(cand, "sha256", hex_or_null(pe->cert->sha256, 32));
		json_object_set_new(cand, "source", json_string(ck_source_name(pe->source)));
		json_object_set_new(cand, "origin", ck_json_str_or_null(pe->origin));
		json_object_set_new(e, "position", json_integer((json_int_t)t->pos));
		json_object_set_new(e, "certificate", child >= 0 ? json_integer(child) : json_null());
		json_object_set_new(e, "candidate", cand);
		json_object_set_new(e, "result", json_string(t->taken ? "taken" : "rejected"));
		json_object_set_new(e, "reason", ck_json_str(t->reason ? t->reason : ""));
		json_array_append_new(arr, e);
	}
	return arr;
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
		json_object_set_new(m, "reason", json_string(!c->issuer_present ? "not-found" :
							       t->sig_algo ? "bad-signature" :
							       "unsupported-signature"));
		json_array_append_new(missing, m);
	}
	json_object_set_new(o, "status", json_string(c->complete ? "complete" : "incomplete"));
	json_object_set_new(o, "trusted", json_boolean(c->trusted));
	json_object_set_new(o, "valid", json_boolean(c->valid));
	json_object_set_new(o, "path", path);
	json_object_set_new(o, "anchor", c->trusted ? json_integer(ck_analysis_index(a, top)) : json_null());
	json_object_set_new(o, "missing", missing);
	json_object_set_new(o, "profile", json_string(ck_profile_name(c->profile)));
	json_object_set_new(o, "explored", json_boolean(c->explored));
	json_object_set_new(o, "policies", policies_json(&c->validation));
	json_object_set_new(o, "revocation", revocation_json(a, c));
	json_object_set_new(o, "trace", trace_json(a, c));
	json_object_set_new(o, "trace_truncated", json_boolean(c->trace_truncated));
	return o;
}

/* Which consumers open the file (p12compat); [] if out of memory. */
static json_t *p12compat_json(const struct ck_p12_info *p)
{
	struct ck_p12_verdict v[CK_P12C_COUNT];
	json_t *a = json_array();

	if (ck_p12compat_judge(p, v))
		return a;
	for (size_t i = 0; i < CK_P12C_COUNT; i++) {
		json_t *o = json_object(), *why = json_array();
		json_object_set_new(o, "consumer", json_string(v[i].consumer));
		json_object_set_new(o, "label", json_string(v[i].label));
		json_object_set_new(o, "opens", json_boolean(v[i].opens));
		for (size_t k = 0; k < v[i].nreasons; k++)
			json_array_append_new(why, ck_json_str(v[i].reasons[k]));
		json_object_set_new(o, "reasons", why);
		json_array_append_new(a, o);
	}
	ck_p12compat_cleanup(v);
	return a;
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
	json_object_set_new(o, "compatibility", p12compat_json(p));
	return o;
}

json_t *ck_report_jks_json(const struct ck_jks_info *k)
{
	json_t *o = json_object(), *entries = json_array();
	for (size_t i = 0; i < k->nentries; i++) {
		const struct ck_jks_entry *e = &k->entries[i];
		json_t *je = json_object();
		time_t t = (time_t)(e->date_ms / 1000 - (e->date_ms % 1000 < 0 ? 1 : 0));
		json_object_set_new(je, "alias", ck_json_str(e->alias));
		json_object_set_new(je, "type", json_string(ck_jks_entry_type_name(e->type)));
		/* a corrupt date must not give a year of more than four digits */
		json_object_set_new(je, "date", t >= 0 && t <= 253402300799 ? time_json(t) :
								json_string("unknown"));
		json_object_set_new(je, "certificate_type", ck_json_str_or_null(e->cert_type));
		json_object_set_new(je, "chain_length", json_integer((json_int_t)e->chain_len));
		json_object_set_new(je, "key_length", e->type == CK_JKS_TRUSTED_CERT ? json_null() :
								 json_integer((json_int_t)e->key_len));
		json_object_set_new(je, "key_decrypted", json_boolean(e->key_decrypted));
		json_array_append_new(entries, je);
	}
	json_object_set_new(o, "type", json_string(k->jceks ? "jceks" : "jks"));
	json_object_set_new(o, "version", json_integer(k->version));
	json_object_set_new(o, "integrity", json_string(k->integrity_checked ? "verified" : "not-checked"));
	json_object_set_new(o, "password", ck_json_str_or_null(k->password_kind));
	json_object_set_new(o, "skipped_certificates", json_integer((json_int_t)k->skipped_certs));
	json_object_set_new(o, "entries", entries);
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
		if (b->jks)
			json_object_set_new(input, "jks", ck_report_jks_json(b->jks));
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

json_t *ck_report_input(const struct ck_bundle *b)
{
	return member(b, NULL, "input");
}

json_t *ck_report_certificate(const struct ck_analysis *a, size_t out_index)
{
	return cert_json(a, out_index);
}

json_t *ck_report_chain(const struct ck_analysis *a, size_t i)
{
	return chain_json(a, a->chains[i]);
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

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12))

/* A value is dumped into memory first and written at once: json_dumpf()
 * writes each token with its own fwrite(), which costs more than
 * building the value (thousands of certificates). */
int ck_json_write_value(FILE *out, const json_t *v)
{
	char stack[8192], *heap = NULL, *buf = stack;
	size_t n = v ? json_dumpb(v, stack, sizeof stack, DUMP_FLAGS) : 0;
	int r = -1;

	if (n > sizeof stack) {
		heap = malloc(n);
		buf = heap && json_dumpb(v, heap, n, DUMP_FLAGS) == n ? heap : NULL;
	}
	if (n && buf)
		r = fwrite(buf, 1, n, out) == n ? 0 : -1;
	free(heap);
	return r;
}

int ck_json_write_new(FILE *out, json_t *v)
{
	int r = v ? ck_json_write_value(out, v) : -1;
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
		if (ck_json_write_new(out, json_string(key)) < 0 || fputc(':', out) == EOF)
			return -1;
		if (!streamed(key)) {
			r = ck_json_write_new(out, member(b, a, key));
			continue;
		}
		if (fputc('[', out) == EOF)
			return -1;
		for (size_t i = 0; r == 0 && i < item_count(a, key); i++) {
			if (i && fputc(',', out) == EOF)
				return -1;
			r = ck_json_write_new(out, item(a, key, i));
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

/* Where libxml2's buffer goes: the FILE, counted, or nowhere once muted
 * (a document dropped before any of it reached the FILE). */
struct xml_sink {
	FILE *f;
	size_t written;
	bool muted;
};

struct ck_xml {
	xmlTextWriterPtr w;
	FILE *out;
	struct xml_sink *sink; /* owned by w's output buffer */
	bool failed;
};

static int xml_write_cb(void *ctx, const char *buf, int len)
{
	struct xml_sink *s = ctx;
	if (!s->muted) {
		fwrite(buf, 1, (size_t)len, s->f);
		s->written += (size_t)len;
	}
	return len;
}

static int xml_close_cb(void *ctx)
{
	free(ctx);
	return 0;
}

static xmlTextWriterPtr xmlw_new(FILE *out, struct xml_sink **sink)
{
	struct xml_sink *s = calloc(1, sizeof *s);
	xmlOutputBufferPtr ob = s ? xmlOutputBufferCreateIO(xml_write_cb, xml_close_cb, s, NULL) : NULL;
	xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;

	if (!ob)
		free(s);
	if (!w) {
		if (ob)
			xmlOutputBufferClose(ob); /* (frees s) */
		return NULL;
	}
	s->f = out;
	if (sink)
		*sink = s;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0) {
		xmlFreeTextWriter(w);
		return NULL;
	}
	return w;
}

xmlTextWriterPtr ck_xmlw_new(FILE *out)
{
	return xmlw_new(out, NULL);
}

int ck_xmlw_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *clean = ck_xml_clean(value);
	int r = clean ? xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean) : -1;
	free(clean);
	return r < 0 ? -1 : 0;
}

int ck_xmlw_text(xmlTextWriterPtr w, const char *value)
{
	char *clean = ck_xml_clean(value);
	int r = clean ? xmlTextWriterWriteString(w, BAD_CAST clean) : -1;
	free(clean);
	return r < 0 ? -1 : 0;
}

struct ck_xml *ck_xml_begin(FILE *out, const char *root)
{
	struct ck_xml *x = calloc(1, sizeof *x);

	if (!x)
		return NULL;
	if (!(x->w = xmlw_new(out, &x->sink))) {
		free(x);
		return NULL;
	}
	x->out = out;
	if (xmlTextWriterStartElement(x->w, BAD_CAST root) < 0)
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

/* Only characters clean_utf8() keeps as they are. */
static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Open the element for a member called `name`: <name>, or <field
 * name="..."> when the name is no XML name. */
static int xml_open_member(struct ck_xml *x, const char *name)
{
	xmlTextWriterPtr w = x->w;
	char *clean;
	int r;

	if (xml_name_ok(name))
		return xmlTextWriterStartElement(w, BAD_CAST name);
	clean = clean_utf8(name, true);
	r = xmlTextWriterStartElement(w, BAD_CAST "field");
	if (r >= 0)
		r = xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST(clean ? clean : "?"));
	free(clean);
	return r;
}

/* Element content.  xmlTextWriterWriteString() copies the text to escape
 * it (xmlEncodeSpecialChars: '<', '>', '&', '"' and CR), then writes
 * the copy with xmlTextWriterWriteRaw(); text with none of them (numbers,
 * hex, most names) is written raw at once: the same bytes, without an
 * allocation per element (derdump writes millions). */
static int xml_text(struct ck_xml *x, const char *s)
{
	if (s[strcspn(s, "<>&\"\r")])
		return xmlTextWriterWriteString(x->w, BAD_CAST s);
	return xmlTextWriterWriteRaw(x->w, BAD_CAST s);
}

/* The leaves of the mapping: what a JSON string, integer, boolean or
 * null becomes inside its element. */
static int xml_string_content(struct ck_xml *x, const char *sv)
{
	/* most strings are printable ASCII: no copy to make */
	bool plain = plain_ascii(sv);
	char *clean = plain ? NULL : clean_utf8(sv, true);
	int r = (!plain && !clean) ? -1 : xml_text(x, plain ? sv : clean);
	free(clean);
	return r;
}

static int xml_integer_content(struct ck_xml *x, json_int_t v)
{
	char num[32];
	snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, v);
	return xml_text(x, num);
}

static int xml_boolean_content(struct ck_xml *x, bool v)
{
	return xml_text(x, v ? "true" : "false");
}

static int xml_null_content(struct ck_xml *x)
{
	return xmlTextWriterWriteAttribute(x->w, BAD_CAST "nil", BAD_CAST "true");
}

static void xml_value(struct ck_xml *x, const char *name, const json_t *v)
{
	int r = 0;

	if (xml_open_member(x, name) < 0) {
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
	case JSON_STRING:
		r = xml_string_content(x, json_string_value(v));
		break;
	case JSON_INTEGER:
		r = xml_integer_content(x, json_integer_value(v));
		break;
	case JSON_REAL:
		r = xmlTextWriterWriteFormatString(x->w, "%.12g", json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		r = xml_boolean_content(x, json_is_true(v));
		break;
	case JSON_NULL:
		r = xml_null_content(x);
		break;
	}
	if (r < 0 || xmlTextWriterEndElement(x->w) < 0)
		x->failed = true;
}

int ck_xml_write(struct ck_xml *x, const json_t *doc, const char *element)
{
	if (!x)
		return -1;
	xml_value(x, element, doc);
	return x->failed || ferror(x->out) ? -1 : 0;
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

void ck_xml_discard(struct ck_xml *x)
{
	if (!x)
		return;
	if (x->sink->written) { /* part of it is out: end it well-formed */
		ck_xml_end(x);
		return;
	}
	x->sink->muted = true;
	xmlFreeTextWriter(x->w);
	free(x);
}

int ck_xml_end(struct ck_xml *x)
{
	int rc;
	if (!x)
		return -1;
	if (xmlTextWriterEndDocument(x->w) < 0 || xmlTextWriterFlush(x->w) < 0 || ferror(x->out))
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

/* "  Opens in: A, B, C" / "  Not in: D, E": the labels of the
 * consumers whose "opens" is `opens`, wrapped at 80 columns. */
static void text_p12compat(FILE *f, const json_t *compat, bool opens)
{
	const json_t *c;
	size_t i, col = 0, n = 0;

	json_array_foreach(compat, i, c) {
		const char *label = jstr(c, "label");
		size_t len = strlen(label);
		if (jtrue(c, "opens") != opens)
			continue;
		if (!n++)
			col = (size_t)fprintf(f, "  %s", opens ? "Opens in:" : "Not in:");
		else if (col + 2 + len + 1 > 80)
			col = (size_t)fprintf(f, ",\n   ") - 2;
		else
			col += (size_t)fprintf(f, ",");
		col += (size_t)fprintf(f, " %s", label);
	}
	if (n)
		fprintf(f, "%s\n", opens ? "" : " (see the pkcs12 findings)");
}

/* Where the text renderer finds the document's parts: the whole
 * document, or, streaming, its small members (input, keys, findings,
 * summary) with the certificates built when a chain shows them and
 * dropped after it, so that the text of ten thousand chains never holds
 * more than one chain's worth of JSON. */
struct text_src {
	const json_t *doc;
	const json_t *certs;          /* the document's "certificates", or NULL */
	const struct ck_analysis *a;  /* streaming: certificates come from here */
	json_t *held;                 /* streaming: those built, by index */
	size_t ncerts;
	bool failed;
};

static const json_t *src_cert(struct text_src *t, size_t idx)
{
	char k[24];
	json_t *c, *raw;

	if (!t->a)
		return json_array_get(t->certs, idx);
	snprintf(k, sizeof k, "%zu", idx);
	c = json_object_get(t->held, k);
	if (c || idx >= t->a->norder)
		return c;
	raw = cert_json(t->a, idx);
	c = raw ? ck_text_safe_doc(raw) : NULL;
	json_decref(raw);
	if (!c || json_object_set_new(t->held, k, c) < 0) {
		t->failed = true;
		return NULL;
	}
	return c;
}

static void text_header(FILE *f, const struct text_src *t, const struct ck_text_opts *o)
{
	const json_t *doc = t->doc;
	const json_t *in = json_object_get(doc, "input");
	const json_t *p12 = json_object_get(in, "pkcs12");
	const char *fmt = jstr(in, "format");
	struct ck_text_item it;
	FILE *head = ck_text_item_open(&it, f, o, "", 4);
	FILE *g = f;

	f = head; /* the heading is one item: a long file name wraps on a terminal */
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
	else if (!strcmp(fmt, "jks"))
		fprintf(f, "Java keystore (%s)",
			!strcmp(jstr(json_object_get(in, "jks"), "type"), "jceks") ? "JCEKS" : "JKS");
	else
		fprintf(f, "%s", fmt);
	/* the file's own certificates; those the chains took from the trust
	 * store or downloaded are counted apart (issue 24: "PEM, 2
	 * certificates" for a file of one) */
	{
		size_t n[3] = { 0, 0, 0 };
		for (size_t i = 0; i < t->ncerts; i++) {
			const char *src = t->a ? ck_source_name(ck_pool_get(t->a->pool, t->a->order[i])->source) :
						 jstr(json_array_get(t->certs, i), "source");
			n[!strcmp(src, "trust-store") ? 1 : !strcmp(src, "fetched") ? 2 : 0]++;
		}
		fprintf(f, ", %zu certificate%s", n[0], n[0] == 1 ? "" : "s");
		if (n[1])
			fprintf(f, " (+ %zu from the trust store)", n[1]);
		if (n[2])
			fprintf(f, " (+ %zu downloaded)", n[2]);
	}
	fprintf(f, ", %zu key%s", json_array_size(json_object_get(doc, "keys")),
		json_array_size(json_object_get(doc, "keys")) == 1 ? "" : "s");
	ck_text_item_close(&it);
	f = g;
	if (json_object_get(in, "jks"))
		ck_text_jks(f, json_object_get(in, "jks"), "  ", o);
	if (p12) {
		const json_t *mac = json_object_get(p12, "mac"), *bags = json_object_get(p12, "bags"), *bag;
		size_t i;
		FILE *m = ck_text_item_open(&it, f, o, "  ", 4);
		if (json_is_object(mac))
			fprintf(m, "MAC: %s, %lld iterations", jstr(mac, "algorithm"), jint(mac, "iterations"));
		else
			fprintf(m, "MAC: none (integrity not protected)");
		fprintf(m, "; password: %s", jstr(p12, "password"));
		ck_text_item_close(&it);
		json_array_foreach(bags, i, bag) {
			m = ck_text_item_open(&it, f, o, "  ", 4);
			if (jtrue(bag, "encrypted"))
				fprintf(m, "%s: %s (%s, %s, %lld iterations)", jstr(bag, "content"),
					jstr(bag, "cipher"), jstr(bag, "scheme"), jstr(bag, "kdf"),
					jint(bag, "iterations"));
			else
				fprintf(m, "%s: not encrypted", jstr(bag, "content"));
			ck_text_item_close(&it);
		}
		text_p12compat(f, json_object_get(p12, "compatibility"), true);
		text_p12compat(f, json_object_get(p12, "compatibility"), false);
	}
}

void ck_text_jks(FILE *out, const json_t *jks, const char *indent, const struct ck_text_opts *o)
{
	const json_t *e;
	size_t i, trusted = 0, keys = 0, secret = 0, decrypted = 0;
	struct ck_text_item it;
	FILE *f;

	json_array_foreach(json_object_get(jks, "entries"), i, e) {
		const char *t = jstr(e, "type");
		trusted += !strcmp(t, "trusted-certificate");
		keys += !strcmp(t, "private-key");
		secret += !strcmp(t, "secret-key");
		decrypted += jtrue(e, "key_decrypted");
	}
	f = ck_text_item_open(&it, out, o, indent, (unsigned)strlen(indent) + 2);
	fprintf(f, "%zu trusted-certificate, %zu private-key", trusted, keys);
	if (secret)
		fprintf(f, ", %zu secret-key", secret);
	fprintf(f, " entr%s", trusted + keys + secret == 1 ? "y" : "ies");
	if (keys && decrypted == keys)
		fprintf(f, " (keys decrypted); ");
	else if (keys)
		fprintf(f, " (%zu of %zu keys decrypted); ", decrypted, keys);
	else
		fprintf(f, "; ");
	if (!strcmp(jstr(jks, "integrity"), "verified"))
		fprintf(f, "integrity hash verified (%s password)", jstr(jks, "password"));
	else
		fprintf(f, "integrity hash NOT checked (it does not match the default password; give the keystore password to check it)");
	ck_text_item_close(&it);
	if (keys && decrypted < keys && !strcmp(jstr(jks, "integrity"), "verified")) {
		f = ck_text_item_open(&it, out, o, indent, (unsigned)strlen(indent) + 2);
		fprintf(f, "%zu key%s not decrypted: a password of %s own (give it with "
			"--key-password-file or --key-password-env), or over --kdf-budget",
			keys - decrypted, keys - decrypted == 1 ? "" : "s",
			keys - decrypted == 1 ? "its" : "their");
		ck_text_item_close(&it);
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
	if (days < 0) /* negated unsigned: LLONG_MIN from a document has no signed negation */
		fprintf(f, "expired %llu day%s ago", 0ULL - (unsigned long long)days,
			days == -1 ? "" : "s");
	else
		fprintf(f, "%lld day%s left", days, days == 1 ? "" : "s");
	fprintf(f, ")%s", ck_text_reset(o));
}

/* One -v field: its label padded to 18 columns, then `text`; on a
 * terminal, further lines line up under the value. */
static void text_field(FILE *f, const struct ck_text_opts *o, const char *indent, const char *label,
		       const char *text)
{
	char lead[160];
	snprintf(lead, sizeof lead, "%s%-18s", indent, label);
	ck_text_item(f, o, lead, (unsigned)strlen(indent) + 18, text);
}

static void text_strv(FILE *f, const struct ck_text_opts *o, const char *indent, const char *label,
		      const json_t *arr)
{
	size_t i;
	const json_t *v;
	char lead[160];
	struct ck_text_item it;
	FILE *m;
	if (!json_array_size(arr))
		return;
	snprintf(lead, sizeof lead, "%s%-18s", indent, label);
	m = ck_text_item_open(&it, f, o, lead, (unsigned)strlen(indent) + 18);
	json_array_foreach(arr, i, v)
		fprintf(m, "%s%s", i ? ", " : "", json_string_value(v));
	ck_text_item_close(&it);
}

static void text_verbose(FILE *f, const json_t *c, const char *indent, const struct ck_text_opts *o)
{
	const json_t *aia = json_object_get(c, "aia");
	char text[160];
	text_field(f, o, indent, "serial:", jstr(c, "serial"));
	text_field(f, o, indent, "issuer:", jstr(c, "issuer"));
	text_field(f, o, indent, "sha256:", jstr(c, "sha256"));
	text_field(f, o, indent, "sha1:", jstr(c, "sha1"));
	if (json_is_string(json_object_get(c, "subject_key_id")))
		text_field(f, o, indent, "subject key id:", jstr(c, "subject_key_id"));
	if (json_is_string(json_object_get(c, "authority_key_id")))
		text_field(f, o, indent, "authority key id:", jstr(c, "authority_key_id"));
	if (jtrue(c, "ca")) {
		if (json_is_integer(json_object_get(c, "path_len")))
			snprintf(text, sizeof text, "CA, pathLen %lld", jint(c, "path_len"));
		else
			snprintf(text, sizeof text, "CA");
		text_field(f, o, indent, "constraints:", text);
	}
	text_strv(f, o, indent, "key usage:", json_object_get(c, "key_usage"));
	text_strv(f, o, indent, "ext. key usage:", json_object_get(c, "extended_key_usage"));
	text_strv(f, o, indent, "alt. names:", json_object_get(c, "subject_alt_names"));
	text_strv(f, o, indent, "CA issuers:", json_object_get(aia, "ca_issuers"));
	text_strv(f, o, indent, "OCSP:", json_object_get(aia, "ocsp"));
	text_strv(f, o, indent, "CRL:", json_object_get(c, "crl_distribution_points"));
	text_strv(f, o, indent, "delta CRL:", json_object_get(c, "delta_crl_distribution_points"));
	text_strv(f, o, indent, "critical unknown:", json_object_get(c, "unknown_critical_extensions"));
	{
		const json_t *nc = json_object_get(c, "name_constraints"), *p;
		size_t i;
		char lead[160];
		text_strv(f, o, indent, "NC permitted:", json_object_get(nc, "permitted"));
		text_strv(f, o, indent, "NC excluded:", json_object_get(nc, "excluded"));
		json_array_foreach(json_object_get(c, "certificate_policies"), i, p) {
			const json_t *q;
			size_t k;
			struct ck_text_item it;
			FILE *m;
			snprintf(lead, sizeof lead, "%s%-18s", indent, i ? "" : "policies:");
			m = ck_text_item_open(&it, f, o, lead, (unsigned)strlen(indent) + 18);
			if (json_is_string(json_object_get(p, "name")))
				fprintf(m, "%s (%s)", jstr(p, "oid"), jstr(p, "name"));
			else
				fprintf(m, "%s", jstr(p, "oid"));
			ck_text_item_close(&it);
			snprintf(lead, sizeof lead, "%s%-18s  ", indent, "");
			json_array_foreach(json_object_get(p, "cps"), k, q) {
				m = ck_text_item_open(&it, f, o, lead, (unsigned)strlen(indent) + 22);
				fprintf(m, "CPS: %s", json_string_value(q));
				ck_text_item_close(&it);
			}
			json_array_foreach(json_object_get(p, "user_notices"), k, q) {
				m = ck_text_item_open(&it, f, o, lead, (unsigned)strlen(indent) + 22);
				fprintf(m, "user notice: %s", json_string_value(q));
				ck_text_item_close(&it);
			}
		}
	}
	if (json_is_string(json_object_get(c, "friendly_name")))
		text_field(f, o, indent, "friendly name:", jstr(c, "friendly_name"));
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
	struct ck_text_item it;
	FILE *g = f;
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

	/* each line one item: on a terminal, a long subject or file name
	 * wraps under the detail lines */
	if (depth)
		strcat(lead, "└─ ");
	f = ck_text_item_open(&it, g, o, lead, (unsigned)strlen(body));
	fprintf(f, "[%ld] %s%s%s %s", idx, ck_text_color(o, "bold"),
		jstr(c, "role"), ck_text_reset(o), jstr(c, "subject"));
	if (strcmp(jstr(c, "source"), "input"))
		fprintf(f, " %s(%s: %s)%s", ck_text_color(o, "dim"), jstr(c, "source"),
			jstr(c, "origin"), ck_text_reset(o));
	ck_text_item_close(&it);
	f = ck_text_item_open(&it, g, o, body, (unsigned)strlen(body) + 2);
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
	ck_text_item_close(&it);
	f = g;
	if (o->verbose)
		text_verbose(f, c, body, o);
}

static void text_trace(FILE *f, const json_t *ch, const struct ck_text_opts *o);

/* Why a chain is not valid, for its heading ("not valid" alone reads as
 * "expired"): no trusted root, else the first error on its path. */
static const char *not_valid_why(const json_t *doc, const json_t *ch, char *why, size_t size)
{
	const json_t *fi, *p;
	size_t i, k;

	if (jtrue(ch, "valid"))
		return "";
	if (!jtrue(ch, "trusted"))
		return ": no trusted root";
	json_array_foreach(json_object_get(doc, "findings"), i, fi) {
		const json_t *cert = json_object_get(fi, "certificate");
		if (strcmp(jstr(fi, "severity"), "error") || !json_is_integer(cert))
			continue;
		json_array_foreach(json_object_get(ch, "path"), k, p)
			if (json_integer_value(p) == json_integer_value(cert)) {
				snprintf(why, size, ": %s [%lld]", jstr(fi, "code"),
					 (long long)json_integer_value(cert));
				return why;
			}
	}
	return "";
}

static void text_chain(FILE *f, struct text_src *t, const json_t *ch, size_t n,
		       const struct ck_text_opts *o)
{
	const json_t *path = json_object_get(ch, "path");
	const json_t *missing = json_object_get(ch, "missing");
	bool complete = !strcmp(jstr(ch, "status"), "complete");
	size_t len = json_array_size(path);
	unsigned depth = 0;
	size_t i;
	const json_t *m;
	char why[96];

	fprintf(f, "\nChain %zu: %s%s%s · %s%s%s · %s%s%s%s\n", n,
		ck_text_color(o, complete ? "ok" : "error"), complete ? "complete" : "INCOMPLETE",
		ck_text_reset(o), ck_text_color(o, jtrue(ch, "trusted") ? "ok" : "error"),
		jtrue(ch, "trusted") ? "trusted" : "not trusted", ck_text_reset(o),
		ck_text_color(o, jtrue(ch, "valid") ? "ok" : "error"),
		jtrue(ch, "valid") ? "valid" : "not valid", not_valid_why(t->doc, ch, why, sizeof why),
		ck_text_reset(o));
	json_array_foreach(missing, i, m) {
		bool badsig = !strcmp(jstr(m, "reason"), "bad-signature");
		bool unsup = !strcmp(jstr(m, "reason"), "unsupported-signature");
		const json_t *urls = json_object_get(m, "ca_issuers"), *u;
		const json_t *by = json_object_get(m, "needed_by");
		/* above a CA: most likely a root that was not given (root-not-given) */
		bool root = !badsig && !unsup && json_is_integer(by) &&
			    jtrue(src_cert(t, (size_t)json_integer_value(by)), "ca");
		size_t k;
		char lead[96];
		snprintf(lead, sizeof lead, "  %s✗ %s%s ", ck_text_color(o, "error"),
			 badsig ? "issuer does not verify:" :
			 unsup ? "issuer's signature cannot be checked:" : root ? "not given (usually the root):" :
			 "missing:", ck_text_reset(o));
		ck_text_item(f, o, lead, 6, jstr(m, "issuer"));
		json_array_foreach(urls, k, u)
			ck_text_item(f, o, k ? "           " : "    fetch: ", 11, json_string_value(u));
		if (!json_array_size(urls))
			fprintf(f, "    (no caIssuers URL: no client can fetch it)\n");
		depth = 1;
	}
	/* root first: walk the path from its end */
	for (size_t k = len; k-- > 0;) {
		long idx = (long)json_integer_value(json_array_get(path, k));
		text_cert(f, t->doc, src_cert(t, (size_t)idx), depth, o);
		depth++;
	}
	if (o->explain)
		text_trace(f, ch, o);
}

/* Columns a string takes on a terminal: UTF-8 characters, colour codes
 * not counted. */
static unsigned columns(const char *s)
{
	unsigned n = 0;
	while (*s) {
		if (*s == '\033') {
			while (*s && *s != 'm')
				s++;
			if (*s)
				s++;
			continue;
		}
		n += ((unsigned char)*s & 0xc0) != 0x80;
		s++;
	}
	return n;
}

/* Columns of s[0..n) (no colour codes in it), and how many of its
 * bytes fill at most `cols` columns without splitting a character. */
static unsigned span_columns(const char *s, size_t n)
{
	unsigned c = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033') { /* a colour code takes no column */
			while (i + 1 < n && s[i] != 'm')
				i++;
			continue;
		}
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	}
	return c;
}

static size_t span_bytes(const char *s, size_t n, unsigned cols)
{
	size_t i = 0;
	for (unsigned c = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == cols)
			break;
	}
	return i;
}

/* Where to cut a word too long for the `cols` columns left: after the
 * last '/', ',', '.', '-', '@', ':', '&' or '?' that fits (a URL, a DN, a
 * host name break where a reader expects), else at the column. */
static size_t cut_bytes(const char *s, size_t n, unsigned cols)
{
	size_t take = span_bytes(s, n, cols);
	for (size_t i = take; i > take / 3; i--)
		if (strchr("/,.-@:&?", s[i - 1]))
			return i;
	return take;
}

void ck_text_wrap(FILE *f, const char *lead, unsigned indent, const char *text, unsigned width)
{
	unsigned col = columns(lead);
	const char *p = text;
	fputs(lead, f);
	while (*p) {
		/* the spaces before a word are kept (aligned columns stay
		 * aligned) unless the line breaks there */
		unsigned gap = (unsigned)strspn(p, " ");
		size_t w = strcspn(p + gap, " ");
		unsigned cw = span_columns(p + gap, w);
		if (!w)
			break; /* trailing spaces */
		/* a new line when the word does not fit on this one but would
		 * on the next; a word longer than a line starts where it is,
		 * unless little of this line is left */
		if (col > indent && col + gap + cw > width &&
		    (indent + cw <= width || col + 16 > width)) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			fprintf(f, "%*s", (int)gap, "");
			col += gap;
		}
		p += gap;
		/* a word longer than a line (a URL, a file name) is cut */
		while (col + cw > width && col < width) {
			size_t take = cut_bytes(p, w, width - col);
			fwrite(p, 1, take, f);
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			p += take;
			w -= take;
			cw = span_columns(p, w);
		}
		fwrite(p, 1, w, f);
		col += cw;
		p += w;
	}
	fputc('\n', f);
}

void ck_text_item(FILE *f, const struct ck_text_opts *o, const char *lead, unsigned indent,
		  const char *text)
{
	unsigned width = o && o->width ? o->width : 80;

	if (!o || !o->tty) {
		fprintf(f, "%s%s\n", lead, text);
		return;
	}
	if (indent + 20 > width)
		indent = width > 40 ? 8 : 2;
	ck_text_wrap(f, lead, indent, text, width);
}

FILE *ck_text_item_open(struct ck_text_item *it, FILE *f, const struct ck_text_opts *o,
			const char *lead, unsigned indent)
{
	memset(it, 0, sizeof *it);
	it->out = f;
	it->o = o;
	it->lead = lead;
	it->indent = indent;
	if (o && o->tty)
		it->mem = open_memstream(&it->buf, &it->len);
	if (it->mem)
		return it->mem;
	fputs(lead, f); /* not a terminal, or no memory: one line */
	return f;
}

void ck_text_item_close(struct ck_text_item *it)
{
	if (!it->mem) {
		fputc('\n', it->out);
		return;
	}
	/* (out of memory in the stream: the item is lost, the caller's
	 * ferror() does not see it; better than a line cut short) */
	if (fclose(it->mem) == 0 && it->buf)
		ck_text_item(it->out, it->o, it->lead, it->indent, it->buf);
	free(it->buf);
	it->mem = NULL;
	it->buf = NULL;
}

/* --explain: every candidate issuer, position by position, and the
 * policy sets and revocation states of the reported path. */
static void text_trace(FILE *f, const json_t *ch, const struct ck_text_opts *o)
{
	const json_t *trace = json_object_get(ch, "trace"), *t, *pol, *rev, *r, *fe;
	size_t i, k;
	char lead[64];

	fprintf(f, "  How the path was found (profile %s):\n", jstr(ch, "profile"));
	if (!json_array_size(trace))
		fprintf(f, "    no issuer to look for: the leaf is self-signed or a trust anchor\n");
	json_array_foreach(trace, i, t) {
		const json_t *cand = json_object_get(t, "candidate");
		const json_t *cert = json_object_get(t, "certificate");
		bool taken = !strcmp(jstr(t, "result"), "taken");
		char text[2048];
		snprintf(lead, sizeof lead, "    %s%s%s ", ck_text_color(o, taken ? "ok" : "error"),
			 taken ? "✓" : "✗", ck_text_reset(o));
		if (json_is_integer(cert))
			snprintf(text, sizeof text, "issuer of [%lld] at position %lld: %s (%s%s%s) — %s",
				 (long long)json_integer_value(cert), jint(t, "position"),
				 jstr(cand, "subject"), jstr(cand, "source"),
				 json_is_string(json_object_get(cand, "origin")) ? " " : "",
				 json_is_string(json_object_get(cand, "origin")) ? jstr(cand, "origin") : "",
				 jstr(t, "reason"));
		else
			snprintf(text, sizeof text, "issuer at position %lld: %s (%s) — %s",
				 jint(t, "position"), jstr(cand, "subject"), jstr(cand, "source"),
				 jstr(t, "reason"));
		ck_text_wrap(f, lead, 6, text, o->width ? o->width : 80);
	}
	if (jtrue(ch, "trace_truncated"))
		fprintf(f, "    (more candidates were considered than the trace keeps)\n");
	pol = json_object_get(ch, "policies");
	if (json_is_object(pol)) {
		const json_t *u = json_object_get(pol, "user_constrained"), *p;
		char text[2048] = "";
		size_t used = 0;
		json_array_foreach(u, i, p)
			used += (size_t)snprintf(text + used, used < sizeof text ? sizeof text - used : 0,
						 "%s%s", i ? ", " : "", json_string_value(p));
		ck_text_wrap(f, "  Policies (user-constrained): ", 6,
			     json_array_size(u) ? text : "none", o->width ? o->width : 80);
	}
	rev = json_object_get(ch, "revocation");
	json_array_foreach(rev, i, r) {
		char text[1024];
		snprintf(lead, sizeof lead, "  Revocation [%lld]: ", jint(r, "certificate"));
		snprintf(text, sizeof text, "%s%s%s", jstr(r, "status"),
			 json_is_string(json_object_get(r, "detail")) ? " — " : "",
			 json_is_string(json_object_get(r, "detail")) ? jstr(r, "detail") : "");
		ck_text_wrap(f, lead, 6, text, o->width ? o->width : 80);
		json_array_foreach(json_object_get(r, "fetches"), k, fe) {
			snprintf(text, sizeof text, "%s %s: %s — %s", jstr(fe, "kind"), jstr(fe, "url"),
				 jstr(fe, "result"), jstr(fe, "message"));
			ck_text_wrap(f, "    fetched ", 6, text, o->width ? o->width : 80);
		}
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
	/* (-q prints nothing before: no blank line to part it from; over
	 * several inputs it names the input, as the header would) */
	if (o->quiet && o->many)
		fprintf(f, "%s: ", jstr(json_object_get(doc, "input"), "name"));
	fprintf(f, "%sFindings: %lld error%s, %lld warning%s, %lld info\n", o->quiet ? "" : "\n",
		jint(sum, "errors"),
		jint(sum, "errors") == 1 ? "" : "s", jint(sum, "warnings"),
		jint(sum, "warnings") == 1 ? "" : "s", jint(sum, "info"));
	json_array_foreach(findings, i, fi) {
		const char *sev = jstr(fi, "severity");
		const json_t *cert = json_object_get(fi, "certificate");
		char lead[160], num[32] = "";
		if (json_is_integer(cert))
			snprintf(num, sizeof num, " [%lld]", (long long)json_integer_value(cert));
		snprintf(lead, sizeof lead, "  %s%-7s%s %s%s: ", ck_text_color(o, sev), sev,
			 ck_text_reset(o), jstr(fi, "code"), num);
		/* on a terminal, wrapped with hanging indents; else one line
		 * per finding and one per hint, for grep */
		if (o->tty)
			ck_text_wrap(f, lead, 10, jstr(fi, "message"), o->width ? o->width : 80);
		else
			fprintf(f, "%s%s\n", lead, jstr(fi, "message"));
		if (json_is_string(json_object_get(fi, "hint")) && !o->quiet) {
			if (o->tty) {
				snprintf(lead, sizeof lead, "          %s→%s ", ck_text_color(o, "dim"),
					 ck_text_reset(o));
				ck_text_wrap(f, lead, 12, jstr(fi, "hint"), o->width ? o->width : 80);
			} else {
				fprintf(f, "          %s→ %s%s\n", ck_text_color(o, "dim"), jstr(fi, "hint"),
					ck_text_reset(o));
			}
		}
	}
}

static int text_body(FILE *f, struct text_src *t, const struct ck_text_opts *o);

int ck_report_text_bundle_doc(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	struct text_src t = { .doc = doc, .certs = json_object_get(doc, "certificates") };

	if (json_object_get(doc, "error")) {
		const json_t *e = json_object_get(doc, "error");
		fprintf(f, "%s: %s\n", jstr(json_object_get(doc, "input"), "name"), jstr(e, "message"));
		return ferror(f) ? -1 : 0;
	}
	if (o->quiet) {
		text_findings(f, doc, o);
		return ferror(f) ? -1 : 0;
	}
	t.ncerts = json_array_size(t.certs);
	text_header(f, &t, o);
	return text_body(f, &t, o);
}

int ck_report_bundle_text(FILE *f, const struct ck_bundle *b, const struct ck_analysis *a,
			  const struct ck_text_opts *o)
{
	static const char *const small[] = { "input", "keys", "findings", "summary" };
	json_t *doc = json_object(), *safe = NULL;
	struct text_src t = { .a = a, .ncerts = a->norder };
	int r = -1;

	for (size_t m = 0; doc && m < sizeof small / sizeof small[0]; m++) {
		json_t *v = member(b, a, small[m]);
		if (!v || json_object_set_new(doc, small[m], v) < 0)
			goto out;
	}
	if (!doc || !(safe = ck_text_safe_doc(doc)) || !(t.held = json_object()))
		goto out;
	t.doc = safe;
	if (o->quiet) {
		text_findings(f, safe, o);
		r = ferror(f) ? -1 : 0;
		goto out;
	}
	text_header(f, &t, o);
	r = text_body(f, &t, o);
out:
	json_decref(t.held);
	json_decref(safe);
	json_decref(doc);
	return r;
}

int ck_report_text_bundle_body(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	struct text_src t = { .doc = doc, .certs = json_object_get(doc, "certificates") };

	t.ncerts = json_array_size(t.certs);
	return text_body(f, &t, o);
}

/* The chains, one at a time when streaming (each built, shown and
 * dropped); then the unrelated certificates, keys and findings. */
static int text_body(FILE *f, struct text_src *t, const struct ck_text_opts *o)
{
	const json_t *doc = t->doc, *c, *k, *ch;
	size_t i;
	bool any_unrelated = false;

	if (!t->a) {
		json_array_foreach(json_object_get(doc, "chains"), i, ch)
			text_chain(f, t, ch, i + 1, o);
	}
	for (i = 0; t->a && i < t->a->nchains && !t->failed; i++) {
		json_t *raw = chain_json(t->a, t->a->chains[i]), *safe;
		safe = raw ? ck_text_safe_doc(raw) : NULL;
		json_decref(raw);
		if (!safe) {
			t->failed = true;
			break;
		}
		text_chain(f, t, safe, i + 1, o);
		json_decref(safe);
		json_object_clear(t->held);
	}
	for (i = 0; i < t->ncerts && !t->failed; i++) {
		/* (streaming: the roles are known without building the JSON) */
		if (t->a ? strcmp(t->a->roles[i], "unrelated") :
			   strcmp(jstr(src_cert(t, i), "role"), "unrelated"))
			continue;
		c = src_cert(t, i);
		if (!any_unrelated)
			fprintf(f, "\nNot part of any chain:\n");
		any_unrelated = true;
		text_cert(f, doc, c, 0, o);
		if (t->a)
			json_object_clear(t->held);
	}
	if (json_array_size(json_object_get(doc, "keys"))) {
		fprintf(f, "\nPrivate key%s:\n", json_array_size(json_object_get(doc, "keys")) == 1 ? "" : "s");
		json_array_foreach(json_object_get(doc, "keys"), i, k) {
			const json_t *m = json_object_get(k, "matches_certificate");
			struct ck_text_item it;
			FILE *g = ck_text_item_open(&it, f, o, "  ", 4);
			fprintf(g, "%s %lld", jstr(k, "type"), jint(k, "bits"));
			if (json_is_string(json_object_get(k, "curve")))
				fprintf(g, " %s", jstr(k, "curve"));
			/* the alias of a keystore entry, the friendly name of a
			 * PKCS#12 key: what tells keys of one type apart */
			if (json_is_string(json_object_get(k, "friendly_name")))
				fprintf(g, " \"%s\"", jstr(k, "friendly_name"));
			if (json_is_integer(m))
				fprintf(g, " — %smatches [%lld] %s%s", ck_text_color(o, "ok"),
					(long long)json_integer_value(m),
					jstr(src_cert(t, (size_t)json_integer_value(m)), "subject"),
					ck_text_reset(o));
			else
				fprintf(g, " — %smatches no certificate%s", ck_text_color(o, "error"),
					ck_text_reset(o));
			ck_text_item_close(&it);
		}
	}
	text_findings(f, doc, o);
	return ferror(f) || t->failed ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* helpers shared with the other report files */

json_t *ck_json_time(time_t t)
{
	return time_json(t);
}

json_t *ck_json_hex(const unsigned char *p, size_t len)
{
	return hex_or_null(p, len);
}

const char *ck_json_text(const json_t *o, const char *key)
{
	return jstr(o, key);
}

/* Documents written as they are walked (derdump): the framing around
 * values that jansson and libxml2 write. */

int ck_json_write_open(FILE *out, const json_t *obj)
{
	char *t = json_dumps(obj, DUMP_FLAGS);
	size_t n = t ? strlen(t) : 0;
	int r = n >= 2 && t[0] == '{' && fwrite(t, 1, n - 1, out) == n - 1 ? 0 : -1;
	free(t);
	return r;
}

int ck_json_write_members(FILE *out, const json_t *obj)
{
	char *t = json_dumps(obj, DUMP_FLAGS);
	size_t n = t ? strlen(t) : 0;
	int r = n >= 2 && t[0] == '{' && fwrite(t + 1, 1, n - 1, out) == n - 1 ? 0 : -1;
	free(t);
	return r;
}

int ck_xml_start(struct ck_xml *x, const char *element)
{
	if (!x || xmlTextWriterStartElement(x->w, BAD_CAST element) < 0) {
		if (x)
			x->failed = true;
		return -1;
	}
	return x->failed ? -1 : 0;
}

int ck_xml_members(struct ck_xml *x, const json_t *obj)
{
	const char *k;
	json_t *m;
	if (!x)
		return -1;
	json_object_foreach((json_t *)obj, k, m)
		xml_value(x, k, m);
	return x->failed ? -1 : 0;
}

int ck_xml_value(struct ck_xml *x, const char *element, const json_t *v)
{
	if (!x)
		return -1;
	xml_value(x, element, v);
	return x->failed ? -1 : 0;
}

int ck_xml_close(struct ck_xml *x)
{
	if (!x || xmlTextWriterEndElement(x->w) < 0) {
		if (x)
			x->failed = true;
		return -1;
	}
	return x->failed ? -1 : 0;
}

/* One member written as ck_xml_value() writes the JSON value of that
 * type, with no value built (derdump's elements). */
static int xml_leaf_end(struct ck_xml *x, int opened, int content)
{
	if (opened < 0 || content < 0 || xmlTextWriterEndElement(x->w) < 0)
		x->failed = true;
	return x->failed ? -1 : 0;
}

int ck_xml_string(struct ck_xml *x, const char *name, const char *s)
{
	int o;
	if (!x)
		return -1;
	o = xml_open_member(x, name);
	/* as ck_json_str() makes the value: NULL is "", invalid UTF-8 is
	 * replaced, which xml_string_content() does too */
	return xml_leaf_end(x, o, o < 0 ? 0 : xml_string_content(x, s ? s : ""));
}

int ck_xml_integer(struct ck_xml *x, const char *name, long long v)
{
	int o;
	if (!x)
		return -1;
	o = xml_open_member(x, name);
	return xml_leaf_end(x, o, o < 0 ? 0 : xml_integer_content(x, (json_int_t)v));
}

int ck_xml_boolean(struct ck_xml *x, const char *name, bool v)
{
	int o;
	if (!x)
		return -1;
	o = xml_open_member(x, name);
	return xml_leaf_end(x, o, o < 0 ? 0 : xml_boolean_content(x, v));
}

int ck_xml_null(struct ck_xml *x, const char *name)
{
	int o;
	if (!x)
		return -1;
	o = xml_open_member(x, name);
	return xml_leaf_end(x, o, o < 0 ? 0 : xml_null_content(x));
}
