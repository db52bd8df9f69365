/* policy — levels for every finding, the policy's own checks, verdicts.
 *
 * The rule table is: the codes about the file itself (it could not be
 * read, decoded or opened), every code chainview reports (at chainview's
 * severity unless the audit default below says otherwise), and the
 * checks only an audit makes.  weak-key and weak-signature are decided
 * here with the policy's thresholds, replacing chainview's fixed ones,
 * so that one code keeps one meaning.
 *
 * Text form, one setting per line:  key = value   # comment
 * Parsing works on a copy and swaps it in at the end, so a bad line
 * leaves the policy as it was. */
#include "config.h"

#include "policy.h"

#include <gnutls/gnutls.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *ck_level_name(enum ck_level l)
{
	switch (l) {
	case CK_LEVEL_ERROR: return "error";
	case CK_LEVEL_WARNING: return "warning";
	case CK_LEVEL_INFO: return "info";
	default: return "off";
	}
}

const char *ck_verdict_name(enum ck_verdict v)
{
	switch (v) {
	case CK_VERDICT_FAIL: return "fail";
	case CK_VERDICT_WARN: return "warn";
	default: return "ok";
	}
}

/* ---------------------------------------------------------------- */
/* the rules */

/* Which finding each URL result class gives. */
static const struct {
	enum ck_url_result result;
	enum ck_finding_id id;
} url_rules[] = {
	{ CK_URL_DNS_FAILURE, CK_F_URL_DNS_FAILURE },
	{ CK_URL_REFUSED, CK_F_URL_REFUSED },
	{ CK_URL_DROPPED, CK_F_URL_DROPPED },
	{ CK_URL_TIMEOUT, CK_F_URL_TIMEOUT },
	{ CK_URL_TLS_ERROR, CK_F_URL_TLS_ERROR },
	{ CK_URL_HTTP_ERROR, CK_F_URL_HTTP_ERROR },
	{ CK_URL_PROXY_ERROR, CK_F_URL_PROXY_ERROR },
	{ CK_URL_TOO_LARGE, CK_F_URL_TOO_LARGE },
	{ CK_URL_BAD_CONTENT, CK_F_URL_BAD_CONTENT },
	{ CK_URL_WRONG_ISSUER, CK_F_URL_WRONG_ISSUER },
	{ CK_URL_STALE, CK_F_URL_STALE },
	{ CK_URL_REVOKED, CK_F_REVOKED },
	{ CK_URL_UNSUPPORTED_SCHEME, CK_F_URL_UNSUPPORTED_SCHEME },
	{ CK_URL_MALFORMED, CK_F_URL_MALFORMED },
	{ CK_URL_BLOCKED_ADDRESS, CK_F_URL_BLOCKED_ADDRESS },
};

bool ck_audit_url_finding(enum ck_url_result r, enum ck_finding_id *out)
{
	for (size_t i = 0; i < sizeof url_rules / sizeof url_rules[0]; i++)
		if (url_rules[i].result == r) {
			*out = url_rules[i].id;
			return true;
		}
	return false;
}

const char *ck_audit_url_code(enum ck_url_result r)
{
	enum ck_finding_id id;
	return ck_audit_url_finding(r, &id) ? ck_finding_name(id) : NULL;
}

static enum ck_level from_severity(enum ck_severity s)
{
	switch (s) {
	case CK_SEV_ERROR: return CK_LEVEL_ERROR;
	case CK_SEV_WARNING: return CK_LEVEL_WARNING;
	default: return CK_LEVEL_INFO;
	}
}

/* Every code the registry marks as audited, group by group (the file,
 * the chains, the policy's own checks, the URLs), each group in
 * registry order, at its audit level and with its audit summary. */
static enum ck_status default_rules(struct ck_policy *p)
{
	struct ck_policy_rule *v = calloc(CK_F_COUNT, sizeof *v);
	size_t n = 0;

	if (!v)
		return CK_E_NOMEM;
	for (unsigned g = 0; g < CK_FG_COUNT; g++)
		for (unsigned i = 0; i < CK_F_COUNT; i++) {
			const struct ck_finding_def *d = ck_finding_def((enum ck_finding_id)i);
			if (d->group != (enum ck_finding_group)g || !(d->where & CK_FINDING_AUDIT))
				continue;
			v[n].code = d->code;
			v[n].level = d->level;
			v[n].summary = d->audit_summary ? d->audit_summary : d->summary;
			n++;
		}
	p->rules = v;
	p->nrules = n;
	return CK_OK;
}

enum ck_status ck_policy_new(struct ck_policy **out, struct ck_error *err)
{
	struct ck_policy *p = calloc(1, sizeof *p);

	if (!p || default_rules(p)) {
		free(p);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	p->warn_days = 30;
	p->min_rsa_bits = 2048;
	p->min_dsa_bits = 2048;
	p->min_ec_bits = 256;
	p->forbidden_hashes[0] = GNUTLS_DIG_MD2;
	p->forbidden_hashes[1] = GNUTLS_DIG_MD5;
	p->forbidden_hashes[2] = GNUTLS_DIG_SHA1;
	p->nforbidden = 3;
	p->purpose = NULL;
	p->max_leaf_days = 398;
	p->next_update_warn_hours = 24;
	*out = p;
	return CK_OK;
}

void ck_policy_free(struct ck_policy *p)
{
	if (!p)
		return;
	free(p->rules);
	free(p);
}

static struct ck_policy_rule *find_rule(const struct ck_policy *p, const char *code)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].code, code))
			return &p->rules[i];
	return NULL;
}

enum ck_level ck_policy_level(const struct ck_policy *p, const char *code)
{
	const struct ck_policy_rule *r = find_rule(p, code);
	enum ck_finding_id id;

	if (r)
		return r->level;
	if (ck_finding_lookup(code, &id))
		return from_severity(ck_finding_def(id)->severity);
	return CK_LEVEL_INFO;
}

void ck_policy_analyze_opts(const struct ck_policy *p, time_t at, struct ck_analyze_opts *o)
{
	memset(o, 0, sizeof *o);
	o->chain.at = at;
	o->chain.purpose = p->purpose;
	o->warn_days = p->warn_days;
}

/* ---------------------------------------------------------------- */
/* text form */

static const char *purpose_name(const char *oid)
{
	if (!oid)
		return "any";
	return strcmp(oid, CK_OID_EKU_CLIENT) == 0 ? "client" : "server";
}

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
	bool failed;
};

__attribute__((format(printf, 2, 3)))
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->failed = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
}

static void hash_names(struct buf *b, const struct ck_policy *p)
{
	if (!p->nforbidden) {
		bprintf(b, "none");
		return;
	}
	for (size_t i = 0; i < p->nforbidden; i++) {
		const char *name = gnutls_digest_get_name((gnutls_digest_algorithm_t)p->forbidden_hashes[i]);
		bprintf(b, "%s", i ? " " : "");
		for (const char *c = name ? name : "?"; *c; c++)
			bprintf(b, "%c", (*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' : *c);
	}
}

char *ck_policy_format(const struct ck_policy *p)
{
	struct buf b = { 0 };

	bprintf(&b,
		"# certaudit policy: \"key = value\" lines; '#' starts a comment.  A file given\n"
		"# with --policy needs only the keys it changes; see certaudit(1).\n"
		"\n"
		"# A certificate that expires within this many days: expires-soon.\n"
		"warn-days = %u\n"
		"# Smallest key sizes in bits, 0 for no minimum (EC covers ECDSA and EdDSA): weak-key.\n"
		"min-rsa-bits = %u\n"
		"min-dsa-bits = %u\n"
		"min-ec-bits = %u\n"
		"# Signature hashes no certificate may be signed with, or none: weak-signature.\n"
		"forbidden-hashes = ",
		p->warn_days, p->min_rsa_bits, p->min_dsa_bits, p->min_ec_bits);
	hash_names(&b, p);
	bprintf(&b,
		"\n"
		"# The purpose every leaf must allow: any, client or server: purpose-mismatch.\n"
		"purpose = %s\n"
		"# Longest validity of a leaf in days, 0 for no limit: validity-too-long.\n"
		"max-leaf-validity-days = %u\n"
		"# With --network: a CRL or OCSP answer valid for fewer hours than this:\n"
		"# url-next-update-soon.\n"
		"next-update-warn-hours = %u\n"
		"\n"
		"# The level of each finding: error (the file FAILs), warning (it WARNs),\n"
		"# info (reported only) or off (not reported).\n",
		purpose_name(p->purpose), p->max_leaf_days, p->next_update_warn_hours);
	for (size_t i = 0; i < p->nrules; i++) {
		char line[96];
		snprintf(line, sizeof line, "severity.%s = %s", p->rules[i].code,
			 ck_level_name(p->rules[i].level));
		bprintf(&b, "%-48s # %s\n", line, p->rules[i].summary);
	}
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static bool parse_number(const char *s, unsigned long max, unsigned *out)
{
	char *end;
	unsigned long v;
	if (*s < '0' || *s > '9')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool parse_level(const char *s, enum ck_level *out)
{
	static const enum ck_level all[] = { CK_LEVEL_OFF, CK_LEVEL_INFO, CK_LEVEL_WARNING,
					     CK_LEVEL_ERROR };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(s, ck_level_name(all[i]))) {
			*out = all[i];
			return true;
		}
	return false;
}

static enum ck_status parse_hashes(struct ck_policy *p, char *v, unsigned line,
				   struct ck_error *err)
{
	char *save = NULL;
	size_t n = 0;
	int h[CK_POLICY_MAX_HASHES];

	if (!strcmp(v, "none")) {
		p->nforbidden = 0;
		return CK_OK;
	}
	for (char *t = strtok_r(v, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		int id = (int)gnutls_digest_get_id(t);
		bool dup = false;
		if (id == GNUTLS_DIG_UNKNOWN)
			return ck_error_set(err, CK_E_PARSE,
					    "line %u: forbidden-hashes: unknown hash '%s' (md2, md5, sha1, sha224, sha256, sha384, sha512, ...)",
					    line, t);
		for (size_t i = 0; i < n; i++)
			dup = dup || h[i] == id;
		if (dup)
			continue;
		if (n == CK_POLICY_MAX_HASHES)
			return ck_error_set(err, CK_E_PARSE, "line %u: forbidden-hashes: too many hashes",
					    line);
		h[n++] = id;
	}
	if (!n)
		return ck_error_set(err, CK_E_PARSE, "line %u: forbidden-hashes needs hash names or none",
				    line);
	memcpy(p->forbidden_hashes, h, n * sizeof h[0]);
	p->nforbidden = n;
	return CK_OK;
}

static enum ck_status parse_setting(struct ck_policy *p, const char *key, char *value,
				    unsigned line, struct ck_error *err)
{
	static const struct {
		const char *key;
		size_t off;
		unsigned long max;
	} numbers[] = {
		{ "warn-days", offsetof(struct ck_policy, warn_days), 36500 },
		{ "min-rsa-bits", offsetof(struct ck_policy, min_rsa_bits), 65536 },
		{ "min-dsa-bits", offsetof(struct ck_policy, min_dsa_bits), 65536 },
		{ "min-ec-bits", offsetof(struct ck_policy, min_ec_bits), 1024 },
		{ "max-leaf-validity-days", offsetof(struct ck_policy, max_leaf_days), 36500 },
		{ "next-update-warn-hours", offsetof(struct ck_policy, next_update_warn_hours), 876000 },
	};
	enum ck_level level;

	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		if (strcmp(key, numbers[i].key))
			continue;
		unsigned *field = (unsigned *)((char *)p + numbers[i].off);
		unsigned min = !strcmp(key, "warn-days") || !strcmp(key, "next-update-warn-hours") ? 1 : 0;
		if (!parse_number(value, numbers[i].max, field) || *field < min)
			return ck_error_set(err, CK_E_PARSE,
					    "line %u: %s takes a number from %u to %lu, not '%s'", line,
					    key, min, numbers[i].max, value);
		return CK_OK;
	}
	if (!strcmp(key, "forbidden-hashes"))
		return parse_hashes(p, value, line, err);
	if (!strcmp(key, "purpose")) {
		if (!strcmp(value, "any"))
			p->purpose = NULL;
		else if (!strcmp(value, "client"))
			p->purpose = CK_OID_EKU_CLIENT;
		else if (!strcmp(value, "server"))
			p->purpose = CK_OID_EKU_SERVER;
		else
			return ck_error_set(err, CK_E_PARSE,
					    "line %u: purpose takes any, client or server, not '%s'",
					    line, value);
		return CK_OK;
	}
	if (!strncmp(key, "severity.", 9)) {
		struct ck_policy_rule *r = find_rule(p, key + 9);
		if (!r)
			return ck_error_set(err, CK_E_PARSE, "line %u: unknown finding code '%s'", line,
					    key + 9);
		if (!parse_level(value, &level))
			return ck_error_set(err, CK_E_PARSE,
					    "line %u: %s takes error, warning, info or off, not '%s'",
					    line, key, value);
		r->level = level;
		return CK_OK;
	}
	return ck_error_set(err, CK_E_PARSE, "line %u: unknown key '%s'", line, key);
}

enum ck_status ck_policy_parse(struct ck_policy *p, const char *text, size_t len,
			       struct ck_error *err)
{
	struct ck_policy copy = *p;
	enum ck_status rc = CK_OK;
	unsigned line = 0;
	size_t pos = 0;
	char *buf = NULL;

	copy.rules = malloc((p->nrules ? p->nrules : 1) * sizeof *copy.rules);
	if (!copy.rules)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	memcpy(copy.rules, p->rules, p->nrules * sizeof *copy.rules);
	/* a byte order mark, as some editors write */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	if (memchr(text, '\0', len)) {
		rc = ck_error_set(err, CK_E_PARSE, "not a text file (it holds NUL bytes)");
		goto out;
	}
	while (pos < len && !rc) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *l, *eq, *hash;

		line++;
		free(buf);
		buf = malloc(n + 1);
		if (!buf) {
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			break;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + (nl ? 1 : 0);
		if ((hash = strchr(buf, '#')))
			*hash = '\0';
		l = trim(buf);
		if (!*l)
			continue;
		eq = strchr(l, '=');
		if (!eq) {
			rc = ck_error_set(err, CK_E_PARSE, "line %u: expected 'key = value'", line);
			break;
		}
		*eq = '\0';
		if (!*trim(l) || !*trim(eq + 1)) {
			rc = ck_error_set(err, CK_E_PARSE, "line %u: %s", line,
					  *trim(l) ? "the value is missing" : "the key is missing");
			break;
		}
		rc = parse_setting(&copy, trim(l), trim(eq + 1), line, err);
	}
out:
	free(buf);
	if (rc) {
		free(copy.rules);
		return rc;
	}
	free(p->rules);
	*p = copy;
	return CK_OK;
}

enum ck_status ck_policy_load_file(struct ck_policy *p, const char *path, struct ck_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	enum ck_status rc;

	rc = ck_read_file(path, 1024 * 1024, &data, &len, err);
	if (!rc)
		rc = ck_policy_parse(p, (const char *)data, len, err);
	ck_error_set_file(err, path);
	free(data);
	return rc;
}

/* ---------------------------------------------------------------- */
/* audits */

void ck_audit_free(struct ck_audit *au)
{
	if (!au)
		return;
	for (size_t i = 0; i < au->nfindings; i++) {
		free(au->findings[i].code);
		free(au->findings[i].subject);
		free(au->findings[i].message);
		free(au->findings[i].hint);
	}
	free(au->findings);
	free(au);
}

static int cmp_finding(const struct ck_audit_finding *a, const struct ck_audit_finding *b)
{
	long ca = a->cert < 0 ? LONG_MAX : a->cert, cb = b->cert < 0 ? LONG_MAX : b->cert;
	if (a->level != b->level)
		return (int)b->level - (int)a->level;
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return strcmp(a->code, b->code);
}

static void finding_free(struct ck_audit_finding *f)
{
	free(f->code);
	free(f->subject);
	free(f->message);
	free(f->hint);
}

/* Insert keeping the order; duplicates of (code, cert, message) are
 * dropped.  Takes the strings. */
static enum ck_status insert(struct ck_audit *au, struct ck_audit_finding *f)
{
	struct ck_audit_finding *n;
	size_t at = au->nfindings;

	for (size_t i = 0; i < au->nfindings; i++)
		if (au->findings[i].cert == f->cert && !strcmp(au->findings[i].code, f->code) &&
		    !strcmp(au->findings[i].message, f->message)) {
			finding_free(f);
			return CK_OK;
		}
	/* doubles: a bundle of thousands of certificates has thousands of
	 * findings, and a step of one would copy them all each time */
	if (au->nfindings == au->findings_cap) {
		size_t cap = au->findings_cap ? 2 * au->findings_cap : 16;
		n = realloc(au->findings, cap * sizeof *n);
		if (!n) {
			finding_free(f);
			return CK_E_NOMEM;
		}
		au->findings = n;
		au->findings_cap = cap;
	}
	n = au->findings;
	while (at > 0 && cmp_finding(&n[at - 1], f) > 0)
		at--;
	memmove(&n[at + 1], &n[at], (au->nfindings - at) * sizeof *n);
	n[at] = *f;
	au->nfindings++;
	if (f->level == CK_LEVEL_ERROR)
		au->errors++;
	else if (f->level == CK_LEVEL_WARNING)
		au->warnings++;
	else
		au->infos++;
	au->verdict = au->errors ? CK_VERDICT_FAIL : au->warnings ? CK_VERDICT_WARN : CK_VERDICT_OK;
	return CK_OK;
}

static enum ck_status add(struct ck_audit *au, enum ck_level level, const char *code, long cert,
			  const char *subject, const char *hint, const char *message)
{
	struct ck_audit_finding f = { 0 };

	if (level == CK_LEVEL_OFF)
		return CK_OK;
	f.code = strdup(code);
	f.level = level;
	f.cert = cert;
	f.subject = subject ? strdup(subject) : NULL;
	f.message = strdup(message);
	f.hint = hint ? strdup(hint) : NULL;
	if (!f.code || !f.message || (hint && !f.hint) || (subject && !f.subject)) {
		finding_free(&f);
		return CK_E_NOMEM;
	}
	return insert(au, &f);
}

enum ck_status ck_audit_add(struct ck_audit *au, const struct ck_policy *p, enum ck_finding_id id,
			    long cert, const char *subject, const char *hint, const char *fmt, ...)
{
	const char *code = ck_finding_name(id);
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return add(au, ck_policy_level(p, code), code, cert, subject, hint, msg);
}

bool ck_audit_failure_finding(enum ck_status status, enum ck_finding_id *out)
{
	switch (status) {
	case CK_E_IO:
	case CK_E_TOO_LARGE:
		*out = CK_F_UNREADABLE;
		return true;
	case CK_E_PARSE:
		*out = CK_F_CORRUPT;
		return true;
	case CK_E_UNSUPPORTED:
		*out = CK_F_UNSUPPORTED;
		return true;
	case CK_E_PASSWORD:
		*out = CK_F_PASSWORD_REQUIRED;
		return true;
	case CK_E_BAD_PASSWORD:
		*out = CK_F_PASSWORD_WRONG;
		return true;
	case CK_E_KDF_BUDGET:
		*out = CK_F_KDF_BUDGET_EXCEEDED;
		return true;
	default:
		return false;
	}
}

const char *ck_audit_failure_code(enum ck_status status)
{
	enum ck_finding_id id;
	return ck_audit_failure_finding(status, &id) ? ck_finding_name(id) : NULL;
}

static const char *failure_hint(enum ck_finding_id id)
{
	switch (id) {
	case CK_F_PASSWORD_REQUIRED:
		return "Give its password with --passwords (a glob and a password file per line) or --password-file.";
	case CK_F_PASSWORD_WRONG:
		return "Check which password file --passwords or --password-file gives for it.";
	case CK_F_KDF_BUDGET_EXCEEDED:
		return "Its iteration counts, summed over its encrypted parts and the passwords tried, are over the budget: a file built to stall the audit, or one to open with a larger --kdf-budget if it is trusted.";
	case CK_F_UNSUPPORTED:
		return "Convert it to PEM, or to PKCS#12 with AES-256-CBC (openssl pkcs12, which reads more algorithms).";
	default:
		return NULL;
	}
}

enum ck_status ck_audit_failure(const struct ck_policy *p, const struct ck_error *cause,
				struct ck_audit **out, struct ck_error *err)
{
	enum ck_finding_id id;
	const char *code;
	struct ck_audit *au;
	enum ck_status rc;

	if (!ck_audit_failure_finding(cause->status, &id))
		return ck_error_set(err, CK_E_USAGE, "not a failure of the file: %s",
				    ck_status_str(cause->status));
	code = ck_finding_name(id);
	au = calloc(1, sizeof *au);
	if (!au)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	rc = add(au, ck_policy_level(p, code), code, -1, NULL, failure_hint(id),
		 cause->what[0] ? cause->what : ck_status_str(cause->status));
	if (rc) {
		ck_audit_free(au);
		return ck_error_set(err, rc, "out of memory");
	}
	*out = au;
	return CK_OK;
}

/* ---- the policy's own checks ---- */

static const struct ck_cert *out_cert(const struct ck_analysis *a, size_t i)
{
	return ck_pool_get(a->pool, a->order[i])->cert;
}

static unsigned min_bits(const struct ck_policy *p, int pk, const char **family)
{
	switch (pk) {
	case GNUTLS_PK_RSA:
	case GNUTLS_PK_RSA_PSS:
		*family = "min-rsa-bits";
		return p->min_rsa_bits;
	case GNUTLS_PK_DSA:
		*family = "min-dsa-bits";
		return p->min_dsa_bits;
	case GNUTLS_PK_ECDSA:
	case GNUTLS_PK_EDDSA_ED25519:
	case GNUTLS_PK_EDDSA_ED448:
		*family = "min-ec-bits";
		return p->min_ec_bits;
	default:
		return 0;
	}
}

static enum ck_status check_keys(struct ck_audit *au, const struct ck_policy *p,
				 const struct ck_analysis *a)
{
	enum ck_status rc = CK_OK;
	for (size_t i = 0; i < a->norder && !rc; i++) {
		const struct ck_cert *c = out_cert(a, i);
		const char *family = NULL;
		unsigned min = min_bits(p, c->pk_algo, &family);
		if (min && c->bits < min)
			rc = ck_audit_add(au, p, CK_F_WEAK_KEY, (long)i, c->subject,
					  "Reissue it with a larger key (RSA 2048+, EC P-256+); clients at OpenSSL's default security level refuse small keys.",
					  "%s has a %u-bit %s key, under the policy's %s = %u",
					  c->subject, c->bits, ck_cert_key_type(c), family, min);
	}
	return rc;
}

static bool forbidden(const struct ck_policy *p, int hash)
{
	for (size_t i = 0; i < p->nforbidden; i++)
		if (p->forbidden_hashes[i] == hash)
			return true;
	return false;
}

static enum ck_status check_signatures(struct ck_audit *au, const struct ck_policy *p,
				       const struct ck_analysis *a)
{
	enum ck_status rc = CK_OK;
	for (size_t i = 0; i < a->norder && !rc; i++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, a->order[i]);
		const struct ck_cert *c = e->cert;
		int verified, hash;
		/* Nobody relies on the signature of an anchor or of a
		 * self-signed certificate. */
		if (e->anchor || ck_analysis_issuer(a, i, &verified) == (long)i || !c->sig_hash)
			continue;
		hash = c->sig_hash;
		if (hash == GNUTLS_DIG_UNKNOWN || !forbidden(p, hash))
			continue;
		rc = ck_audit_add(au, p, CK_F_WEAK_SIGNATURE, (long)i, c->subject,
				  "Reissue the certificate with a SHA-256 signature; MD5 and SHA-1 signatures are refused by current clients.",
				  "%s is signed with %s (%s), which the policy forbids", c->subject,
				  gnutls_digest_get_name((gnutls_digest_algorithm_t)hash),
				  c->sig_algo_name ? c->sig_algo_name : "?");
	}
	return rc;
}

static enum ck_status check_validity(struct ck_audit *au, const struct ck_policy *p,
				     const struct ck_analysis *a)
{
	enum ck_status rc = CK_OK;
	if (!p->max_leaf_days)
		return CK_OK;
	for (size_t i = 0; i < a->norder && !rc; i++) {
		const struct ck_cert *c = out_cert(a, i);
		long long secs;
		char nb[32], na[32];
		if (strcmp(a->roles[i], "leaf") || (c->has_basic_constraints && c->ca) ||
		    c->not_after == (time_t)-1 || c->not_before == (time_t)-1)
			continue;
		secs = (long long)c->not_after - (long long)c->not_before;
		if (secs <= (long long)p->max_leaf_days * 86400)
			continue;
		ck_time_format(c->not_before, nb);
		ck_time_format(c->not_after, na);
		rc = ck_audit_add(au, p, CK_F_VALIDITY_TOO_LONG, (long)i, c->subject,
				  "Issue leaves for shorter periods and renew them automatically; public TLS server certificates may not exceed 398 days.",
				  "%s is valid for %lld days (%s to %s), over the policy's max-leaf-validity-days = %u",
				  c->subject, (secs + 86399) / 86400, nb, na, p->max_leaf_days);
	}
	return rc;
}

static bool issues_others(const struct ck_analysis *a, size_t idx)
{
	for (size_t i = 0; i < a->norder; i++) {
		int verified;
		if (i != idx && ck_analysis_issuer(a, i, &verified) == (long)idx)
			return true;
	}
	return false;
}

static enum ck_status check_key_owner(struct ck_audit *au, const struct ck_policy *p,
				      const struct ck_bundle *b, const struct ck_analysis *a)
{
	enum ck_status rc = CK_OK;
	for (size_t k = 0; k < b->nkeys && !rc; k++) {
		long m = a->key_match[k];
		const struct ck_cert *c;
		if (m < 0)
			continue;
		c = out_cert(a, (size_t)m);
		if (!(c->has_basic_constraints && c->ca) && !issues_others(a, (size_t)m))
			continue;
		rc = ck_audit_add(au, p, CK_F_KEY_NOT_LEAF, m, c->subject,
				  "A CA's private key does not belong in a bundle that is deployed: keep it with the CA, and ship the leaf's key instead.",
				  "the private key in the file belongs to %s, a CA certificate, not to a leaf",
				  c->subject);
	}
	return rc;
}

enum ck_status ck_audit_bundle(const struct ck_policy *p, const struct ck_bundle *b,
			       const struct ck_analysis *a, struct ck_audit **out,
			       struct ck_error *err)
{
	struct ck_audit *au = calloc(1, sizeof *au);
	enum ck_status rc = CK_OK;

	if (!au)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	for (size_t i = 0; i < a->nfindings && !rc; i++) {
		const struct ck_finding *f = &a->findings[i];
		/* decided below with the policy's thresholds */
		if (f->id == CK_F_WEAK_KEY || f->id == CK_F_WEAK_SIGNATURE || f->id == CK_F_KEY_TOO_SMALL)
			continue;
		rc = add(au, ck_policy_level(p, f->code), f->code, f->cert,
			 f->cert >= 0 ? out_cert(a, (size_t)f->cert)->subject : NULL, f->hint, f->message);
	}
	if (!rc)
		rc = check_keys(au, p, a);
	if (!rc)
		rc = check_signatures(au, p, a);
	if (!rc)
		rc = check_validity(au, p, a);
	if (!rc)
		rc = check_key_owner(au, p, b, a);
	if (rc) {
		ck_audit_free(au);
		return ck_error_set(err, rc, "out of memory");
	}
	*out = au;
	return CK_OK;
}
