/* report-crl — certificate revocation lists as chainview shows them: a
 * document built from the CRL set's accessors (JSON and XML come from
 * it), and its text.  Without `entries` the document holds counts only,
 * so a CRL of a million entries gives a document of a few hundred
 * bytes. */
#include "config.h"

#include "report-crl.h"

#include <stdlib.h>
#include <string.h>

static const char *const sig_status[] = {
	[CK_CRL_SIG_NOT_CHECKED] = "not-checked",
	[CK_CRL_SIG_VALID] = "valid",
	[CK_CRL_SIG_INVALID] = "invalid",
	[CK_CRL_SIG_UNSUPPORTED] = "unsupported",
};

static void time_str(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "unknown");
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? ck_json_str(s) : json_null();
}

static void finding(json_t *findings, enum ck_finding_id id, const char *msg, const char *hint)
{
	json_t *f = json_object();
	const struct ck_finding_def *d = ck_finding_def(id);
	json_object_set_new(f, "code", json_string(d->code));
	json_object_set_new(f, "severity", json_string(ck_severity_name(d->severity)));
	json_object_set_new(f, "certificate", json_null());
	json_object_set_new(f, "message", ck_json_str(msg));
	json_object_set_new(f, "hint", ck_json_str(hint));
	json_array_append_new(findings, f);
}

static json_t *idp_json(const struct ck_crlset *s, size_t i, const struct ck_crl_about *a)
{
	json_t *idp = json_object(), *names = json_array(), *reasons;
	char buf[1024];

	for (size_t k = 0; ck_crlset_idp_name(s, i, k, buf, sizeof buf); k++)
		json_array_append_new(names, ck_json_str(buf));
	json_object_set_new(idp, "names", names);
	json_object_set_new(idp, "only_user_certs", json_boolean(a->only_user));
	json_object_set_new(idp, "only_ca_certs", json_boolean(a->only_ca));
	json_object_set_new(idp, "only_attribute_certs", json_boolean(a->only_attr));
	json_object_set_new(idp, "indirect_crl", json_boolean(a->indirect));
	if (a->only_reasons[0]) {
		char r[sizeof a->only_reasons], *save = NULL;
		reasons = json_array();
		snprintf(r, sizeof r, "%s", a->only_reasons);
		for (char *t = strtok_r(r, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(reasons, json_string(t));
	} else {
		reasons = json_null();
	}
	json_object_set_new(idp, "only_some_reasons", reasons);
	return idp;
}

static bool entry_json(void *ctx, const struct ck_crl_entry *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "serial", ck_json_hex(e->serial, e->serial_len));
	json_object_set_new(o, "date", ck_json_time(e->date));
	json_object_set_new(o, "reason", e->reason < 0 ? json_null() :
					 json_string(ck_crlset_reason_name(e->reason)));
	json_object_set_new(o, "invalidity_date", e->invalidity ? ck_json_time(e->invalidity) :
								   json_null());
	return json_array_append_new(ctx, o) == 0;
}

/* The findings about CRL i (`which` names it when the file has several). */
static void crl_findings(json_t *findings, const struct ck_crl_about *a,
			 const struct ck_report_crl_sig *sig, const char *which, time_t at)
{
	char msg[1024], t1[32], t2[32];

	time_str(at, t2, sizeof t2);
	if (a->has_next && a->next_update < at) {
		time_str(a->next_update, t1, sizeof t1);
		snprintf(msg, sizeof msg,
			 "%sthe CRL expired: its next update %s is before %s; a client that "
			 "checks revocation with it calls the status unknown",
			 which, t1, t2);
		finding(findings, CK_F_CRL_EXPIRED, msg,
			"Fetch the current CRL from the issuer, or issue a new one (openssl ca -gencrl).");
	}
	if (a->this_update > at) {
		time_str(a->this_update, t1, sizeof t1);
		snprintf(msg, sizeof msg, "%sthe CRL is not valid yet: it was issued for %s, after %s",
			 which, t1, t2);
		finding(findings, CK_F_CRL_NOT_YET_VALID, msg,
			"Check the clock of the issuing CA, or of this machine (--at).");
	}
	if (a->unusable[0]) {
		snprintf(msg, sizeof msg, "%sthe CRL must not be used (RFC 5280): %s", which,
			 a->unusable);
		finding(findings, CK_F_CRL_UNUSABLE, msg,
			"Clients that check revocation ignore it and call the status unknown; "
			"have the CA issue it without that.");
	}
	if (sig->status == CK_CRL_SIG_INVALID) {
		snprintf(msg, sizeof msg,
			 "%sthe CRL's signature does not verify with the key of any certificate "
			 "of its issuer %s at hand: it was modified, or signed by another key",
			 which, a->issuer);
		finding(findings, CK_F_CRL_BAD_SIGNATURE, msg,
			"Give the certificate whose key signed it with --ca-file, or fetch the CRL again.");
	}
}

static json_t *crl_json(const struct ck_crlset *s, size_t i, const struct ck_crl_about *a,
			const struct ck_report_crl_sig *sig, time_t at, bool entries)
{
	json_t *o = json_object(), *reasons = json_array(), *sj = json_object();

	json_object_set_new(o, "index", json_integer((json_int_t)i));
	json_object_set_new(o, "issuer", ck_json_str(a->issuer));
	json_object_set_new(o, "version", json_integer(a->version));
	json_object_set_new(o, "this_update", ck_json_time(a->this_update));
	json_object_set_new(o, "next_update", a->has_next ? ck_json_time(a->next_update) : json_null());
	json_object_set_new(o, "expired", json_boolean(a->has_next && a->next_update < at));
	json_object_set_new(o, "not_yet_valid", json_boolean(a->this_update > at));
	json_object_set_new(o, "crl_number", str_or_null(a->number));
	json_object_set_new(o, "delta_crl_base", a->delta ? str_or_null(a->delta_base) : json_null());
	json_object_set_new(o, "freshest_crl", json_boolean(a->freshest));
	json_object_set_new(o, "authority_key_id", str_or_null(a->aki));
	json_object_set_new(o, "issuing_distribution_point",
			    a->has_idp ? idp_json(s, i, a) : json_null());
	json_object_set_new(o, "entries", json_integer((json_int_t)a->entries));
	for (int r = 0; r <= 11; r++) {
		size_t n = r == 11 ? a->no_reason : a->by_reason[r];
		json_t *e;
		if (!n)
			continue;
		e = json_object();
		json_object_set_new(e, "reason", r == 11 ? json_null() :
						 json_string(ck_crlset_reason_name(r)));
		json_object_set_new(e, "count", json_integer((json_int_t)n));
		json_array_append_new(reasons, e);
	}
	json_object_set_new(o, "reasons", reasons);
	if (entries) {
		json_t *rev = json_array();
		ck_crlset_entries(s, i, entry_json, rev);
		json_object_set_new(o, "revoked", rev);
	}
	json_object_set_new(o, "signature_algorithm", ck_json_str(a->signature_algorithm));
	json_object_set_new(sj, "status", json_string(sig_status[sig->status]));
	json_object_set_new(sj, "signer", ck_json_str_or_null(sig->signer));
	json_object_set_new(sj, "signer_source", ck_json_str_or_null(sig->signer_source));
	json_object_set_new(o, "signature", sj);
	json_object_set_new(o, "unusable", str_or_null(a->unusable));
	return o;
}

json_t *ck_report_crl(const char *name, bool pem, const struct ck_crlset *s,
		      const struct ck_report_crl_sig *sigs, time_t at, bool entries)
{
	json_t *doc = json_object(), *input = json_object(), *crls = json_array();
	json_t *findings = json_array(), *sum = json_object();
	size_t n = ck_crlset_count(s);

	json_object_set_new(input, "name", ck_json_str(name));
	json_object_set_new(input, "format", json_string(pem ? "pem" : "der"));
	json_object_set_new(doc, "input", input);
	json_object_set_new(doc, "at", ck_json_time(at)); /* what the dates are judged against */
	for (size_t i = 0; i < n; i++) {
		struct ck_crl_about a;
		char which[32] = "";
		if (ck_crlset_about(s, i, &a))
			continue;
		if (n > 1)
			snprintf(which, sizeof which, "CRL [%zu]: ", i);
		json_array_append_new(crls, crl_json(s, i, &a, &sigs[i], at, entries));
		crl_findings(findings, &a, &sigs[i], which, at);
	}
	json_object_set_new(doc, "crls", crls);
	json_object_set_new(sum, "errors", json_integer((json_int_t)json_array_size(findings)));
	json_object_set_new(doc, "findings", findings);
	json_object_set_new(sum, "warnings", json_integer(0));
	json_object_set_new(sum, "info", json_integer(0));
	json_object_set_new(doc, "summary", sum);
	return doc;
}

/* ---------------------------------------------------------------- */
/* text */

#define LEAD 19 /* column where values start */

/* `text` after `lead`: wrapped at `w` columns on a terminal, one line
 * for grep else (w 0) */
static void wrapped(FILE *f, const char *lead, unsigned indent, const char *text, unsigned w)
{
	if (w)
		ck_text_wrap(f, lead, indent, text, w);
	else
		fprintf(f, "%s%s\n", lead, text);
}

static void field(FILE *f, const char *label, const char *value, unsigned w)
{
	char lead[64];
	snprintf(lead, sizeof lead, "  %-16s ", label);
	wrapped(f, lead, LEAD, value, w);
}

static void text_idp(FILE *f, const json_t *idp, unsigned w)
{
	const json_t *v;
	size_t i;
	char buf[512];

	if (!json_is_object(idp))
		return;
	json_array_foreach(json_object_get(idp, "names"), i, v)
		field(f, i ? "" : "scope", json_string_value(v), w);
	buf[0] = '\0';
	/* (more than one "only" is a CRL RFC 5280 forbids: each is said) */
	if (json_is_true(json_object_get(idp, "only_user_certs")))
		strcat(buf, "only end-entity certificates");
	if (json_is_true(json_object_get(idp, "only_ca_certs")))
		strcat(buf, *buf ? " · only CA certificates" : "only CA certificates");
	if (json_is_true(json_object_get(idp, "only_attribute_certs")))
		strcat(buf, *buf ? " · only attribute certificates" : "only attribute certificates");
	if (json_is_true(json_object_get(idp, "indirect_crl")))
		strcat(buf, *buf ? " · indirect CRL" : "indirect CRL");
	if (json_is_array(json_object_get(idp, "only_some_reasons"))) {
		size_t o = strlen(buf);
		snprintf(buf + o, sizeof buf - o, "%sonly reasons", o ? " · " : "");
		json_array_foreach(json_object_get(idp, "only_some_reasons"), i, v) {
			o = strlen(buf);
			snprintf(buf + o, sizeof buf - o, "%s%s", i ? ", " : " ",
				 json_string_value(v));
		}
	}
	if (!json_array_size(json_object_get(idp, "names")) && !*buf)
		snprintf(buf, sizeof buf, "issuing distribution point without a name");
	if (*buf)
		field(f, json_array_size(json_object_get(idp, "names")) ? "" : "scope", buf, w);
}

static void text_entries(FILE *f, const json_t *c, unsigned w)
{
	char buf[1024];
	size_t i, o = 0;
	const json_t *r;

	snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(json_object_get(c, "entries")));
	json_array_foreach(json_object_get(c, "reasons"), i, r) {
		const char *name = json_string_value(json_object_get(r, "reason"));
		o = strlen(buf);
		snprintf(buf + o, sizeof buf - o, "%s%s %lld%s", i ? ", " : " (",
			 name ? name : "no reason given",
			 (long long)json_integer_value(json_object_get(r, "count")),
			 i + 1 == json_array_size(json_object_get(c, "reasons")) ? ")" : "");
	}
	field(f, "entries", buf, w);
}

static void text_revoked(FILE *f, const json_t *c, unsigned w)
{
	const json_t *e;
	size_t i;

	if (!json_is_array(json_object_get(c, "revoked")))
		return;
	json_array_foreach(json_object_get(c, "revoked"), i, e) {
		const char *reason = json_string_value(json_object_get(e, "reason"));
		const char *inv = json_string_value(json_object_get(e, "invalidity_date"));
		char rest[256];
		const char *serial = ck_json_text(e, "serial");
		snprintf(rest, sizeof rest, "%s  %s%s%s", ck_json_text(e, "date"),
			 reason ? reason : "(no reason)", inv ? " · invalid since " : "",
			 inv ? inv : "");
		/* w 0: not a terminal, one line per entry for grep */
		if (!w || 4 + strlen(serial) + 2 + strlen(rest) <= w)
			fprintf(f, "    %s  %s\n", serial, rest);
		else
			fprintf(f, "    %s\n      %s\n", serial, rest);
	}
}

static void text_signature(FILE *f, const json_t *c, const struct ck_text_opts *o, unsigned w)
{
	const json_t *s = json_object_get(c, "signature");
	const char *st = ck_json_text(s, "status");
	char buf[1024];
	const char *color = "warn", *mark = "";

	if (!strcmp(st, "valid")) {
		const char *src = json_string_value(json_object_get(s, "signer_source"));
		snprintf(buf, sizeof buf, "signed by %s%s%s%s", ck_json_text(s, "signer"),
			 src ? " (" : "", src ? src : "", src ? ")" : "");
		color = "ok";
		mark = "✓ ";
	} else if (!strcmp(st, "invalid")) {
		snprintf(buf, sizeof buf, "does not verify with the issuer's key");
		color = "error";
		mark = "✗ ";
	} else if (!strcmp(st, "unsupported")) {
		snprintf(buf, sizeof buf, "signature not checked: algorithm not supported");
	} else {
		snprintf(buf, sizeof buf, "signature not checked: issuer not given");
	}
	{
		char text[1200];
		/* colour codes around the verdict; ck_text_wrap does not count them */
		snprintf(text, sizeof text, "%s · %s%s%s%s", ck_json_text(c, "signature_algorithm"),
			 ck_text_color(o, color), mark, buf, ck_text_reset(o));
		field(f, "signature", text, w);
	}
}

static void text_crl(FILE *f, const json_t *c, const struct ck_text_opts *o, unsigned w)
{
	char buf[512];
	const char *v;
	bool expired = json_is_true(json_object_get(c, "expired"));
	bool early = json_is_true(json_object_get(c, "not_yet_valid"));

	field(f, "issuer", *ck_json_text(c, "issuer") ? ck_json_text(c, "issuer") : "(empty)", w);
	snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(json_object_get(c, "version")));
	field(f, "version", buf, w);
	snprintf(buf, sizeof buf, "%s%s%s%s", ck_json_text(c, "this_update"),
		 early ? ck_text_color(o, "error") : "", early ? " · ✗ not valid yet" : "",
		 early ? ck_text_reset(o) : "");
	field(f, "this update", buf, w);
	v = json_string_value(json_object_get(c, "next_update"));
	snprintf(buf, sizeof buf, "%s%s%s%s", v ? v : "(none)",
		 expired ? ck_text_color(o, "error") : "", expired ? " · ✗ expired" : "",
		 expired ? ck_text_reset(o) : "");
	field(f, "next update", buf, w);
	if ((v = json_string_value(json_object_get(c, "crl_number"))))
		field(f, "CRL number", v, w);
	if ((v = json_string_value(json_object_get(c, "delta_crl_base")))) {
		snprintf(buf, sizeof buf, "delta CRL to the complete CRL number %s", v);
		field(f, "delta", buf, w);
	} else {
		field(f, "delta", json_is_true(json_object_get(c, "freshest_crl")) ?
				  "complete CRL; delta CRLs are issued (freshestCRL)" :
				  "no (a complete CRL)", w);
	}
	if ((v = json_string_value(json_object_get(c, "authority_key_id"))))
		field(f, "authority key id", v, w);
	text_idp(f, json_object_get(c, "issuing_distribution_point"), w);
	text_entries(f, c, w);
	text_signature(f, c, o, w);
	if ((v = json_string_value(json_object_get(c, "unusable"))))
		field(f, "unusable", v, w);
	if (json_is_array(json_object_get(c, "revoked"))) {
		field(f, "revoked", json_array_size(json_object_get(c, "revoked")) ?
				    "serial, date, reason:" : "none", w);
		text_revoked(f, c, w);
	}
}

int ck_report_crl_text(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	const json_t *crls = json_object_get(doc, "crls"), *c, *e;
	const json_t *input = json_object_get(doc, "input");
	unsigned w = o->tty ? o->width ? o->width : 80 : 0; /* 0: one line per item */
	size_t i, n = json_array_size(crls);

	if (!o->quiet) {
		char head[1024];
		const char *fmt = !strcmp(ck_json_text(input, "format"), "pem") ? "PEM" : "DER";
		if (n == 1)
			snprintf(head, sizeof head, "%s: certificate revocation list (CRL), %s",
				 ck_json_text(input, "name"), fmt);
		else
			snprintf(head, sizeof head, "%s: %zu certificate revocation lists (CRLs), %s",
				 ck_json_text(input, "name"), n, fmt);
		wrapped(f, "", 2, head, w); /* on a terminal; else the file name whole */
		json_array_foreach(crls, i, c) {
			if (n > 1)
				fprintf(f, "%s  CRL [%zu]\n", i ? "\n" : "", i);
			text_crl(f, c, o, w);
		}
	}
	json_array_foreach(json_object_get(doc, "findings"), i, e) {
		char lead[128], text[1536];
		snprintf(lead, sizeof lead, "  %serror%s   ", ck_text_color(o, "error"),
			 ck_text_reset(o));
		snprintf(text, sizeof text, "%s: %s", ck_json_text(e, "code"),
			 ck_json_text(e, "message"));
		if (!o->quiet)
			fputc('\n', f);
		wrapped(f, lead, 10, text, w);
		if (!o->quiet)
			wrapped(f, "          → ", 12, ck_json_text(e, "hint"), w);
	}
	return ferror(f) ? -1 : 0;
}
