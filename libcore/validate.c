/* validate — the rules a path must pass, one table, one function each.
 *
 * A path is leaf first: certs[0] is the target, certs[len-1] the top
 * (the trust anchor when `trusted`).  RFC 5280 §6.1 processes it from
 * the anchor down; the per-certificate rules here do not depend on the
 * order, and the rules that carry state along the path (policies, name
 * constraints, path length) walk it top down themselves.
 *
 * The trust anchor is not part of the RFC's path: its policies are not
 * processed and its signature is never relied on.  Like OpenSSL and
 * GnuTLS, its validity dates, key size and critical extensions are
 * still checked, and its basicConstraints, pathLen and name
 * constraints still bind the certificates below it (RFC 5937).
 *
 * Each rule row says which profiles it belongs to and where it comes
 * from; the man page lists the same table. */
#include "config.h"

#include "validate.h"
#include "certpol.h"
#include "crl.h"
#include "nc.h"

#include <gnutls/gnutls.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_ALL CK_PROFILES_ALL
#define P_MODERN (CK_PROFILE_BIT(CK_PROFILE_MODERN) | CK_PROFILE_BIT(CK_PROFILE_WEBPKI))
#define P_WEBPKI CK_PROFILE_BIT(CK_PROFILE_WEBPKI)

const char *ck_profile_name(enum ck_profile p)
{
	switch (p) {
	case CK_PROFILE_RFC5280: return "rfc5280";
	case CK_PROFILE_WEBPKI: return "webpki";
	default: return "modern";
	}
}

bool ck_profile_parse(const char *s, enum ck_profile *out)
{
	static const enum ck_profile all[] = { CK_PROFILE_MODERN, CK_PROFILE_RFC5280,
					       CK_PROFILE_WEBPKI };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, ck_profile_name(all[i])) == 0) {
			*out = all[i];
			return true;
		}
	return false;
}

const char *ck_revocation_mode_name(enum ck_revocation_mode m)
{
	switch (m) {
	case CK_REVOCATION_CRL: return "crl";
	case CK_REVOCATION_OCSP: return "ocsp";
	case CK_REVOCATION_ALL: return "all";
	default: return "off";
	}
}

bool ck_revocation_mode_parse(const char *s, enum ck_revocation_mode *out)
{
	for (int m = CK_REVOCATION_OFF; m <= CK_REVOCATION_ALL; m++)
		if (strcmp(s, ck_revocation_mode_name((enum ck_revocation_mode)m)) == 0) {
			*out = (enum ck_revocation_mode)m;
			return true;
		}
	return false;
}

const char *ck_rev_state_name(enum ck_rev_state s)
{
	switch (s) {
	case CK_REVSTATE_GOOD: return "good";
	case CK_REVSTATE_REVOKED: return "revoked";
	case CK_REVSTATE_UNKNOWN: return "unknown";
	default: return "not-checked";
	}
}

/* ---------------------------------------------------------------- */
/* problems */

void ck_problems_add(struct ck_problems *ps, enum ck_finding_id id, size_t pos, bool warning,
		     const char *fmt, ...)
{
	struct ck_chain_problem *n = realloc(ps->v, (ps->n + 1) * sizeof *n);
	char msg[512];
	va_list ap;

	if (!n)
		return; /* out of memory: the problem is lost, not the run */
	ps->v = n;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	n[ps->n].id = id;
	n[ps->n].code = ck_finding_name(id);
	n[ps->n].pos = pos;
	n[ps->n].warning = warning;
	n[ps->n].message = strdup(msg);
	ps->n++;
	if (warning)
		ps->warnings++;
	else
		ps->errors++;
}

void ck_problems_free(struct ck_problems *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i].message);
	free(ps->v);
	memset(ps, 0, sizeof *ps);
}

const struct ck_chain_problem *ck_problems_first_error(const struct ck_problems *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!ps->v[i].warning)
			return &ps->v[i];
	return NULL;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void ck_validation_cleanup(struct ck_validation *v)
{
	strv_free(v->user_constrained);
	strv_free(v->authorities_constrained);
	for (size_t i = 0; i < v->nrev; i++) {
		free(v->rev[i].detail);
		for (size_t k = 0; k < v->rev[i].nfetches; k++) {
			free(v->rev[i].fetches[k].url);
			free(v->rev[i].fetches[k].message);
		}
		free(v->rev[i].fetches);
	}
	free(v->rev);
	memset(v, 0, sizeof *v);
}

/* ---------------------------------------------------------------- */
/* the context every rule sees */

struct vctx {
	const struct ck_validate_path *p;
	const struct ck_validate_opts *o;
	struct ck_problems *ps;
	struct ck_validation *out;
	enum ck_status rc;
};

static const struct ck_cert *cert_at(const struct vctx *x, size_t pos)
{
	return x->p->certs[pos];
}

static bool is_anchor(const struct vctx *x, size_t pos)
{
	return x->p->trusted && pos == x->p->len - 1;
}

/* The top certificate is never relied on for its own signature. */
static bool is_self_signed_top(const struct vctx *x, size_t pos)
{
	return x->p->self_signed_top && pos == x->p->len - 1;
}

/* Whose signature algorithm is not judged: a trust anchor's, self-signed
 * or not (it is trusted as a name and a key; OpenSSL's check_auth_level
 * skips the last certificate of the chain too), and a self-signed top's. */
static bool signature_not_relied_on(const struct vctx *x, size_t pos)
{
	return is_anchor(x, pos) || is_self_signed_top(x, pos);
}

/* Certificates that issue another one of the path. */
static bool is_issuer(const struct vctx *x, size_t pos)
{
	return pos > 0;
}

static const char *subject(const struct ck_cert *c)
{
	return c->subject && *c->subject ? c->subject : "(empty subject)";
}

#define ERR(x, code, pos, ...) ck_problems_add((x)->ps, code, pos, false, __VA_ARGS__)
#define WARN(x, code, pos, ...) ck_problems_add((x)->ps, code, pos, true, __VA_ARGS__)

/* ---------------------------------------------------------------- */
/* per-certificate rules */

static void r_validity(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	char t[32];

	if (x->p->at < c->not_before) {
		ck_time_format(c->not_before, t);
		ERR(x, CK_F_NOT_YET_VALID, pos, "%s is not valid before %s", subject(c), t);
	} else if (c->not_after != (time_t)-1 && x->p->at > c->not_after) {
		ck_time_format(c->not_after, t);
		ERR(x, CK_F_EXPIRED, pos, "%s expired on %s", subject(c), t);
	}
}

static void r_critical(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	for (size_t k = 0; c->unknown_critical && c->unknown_critical[k]; k++)
		ERR(x, CK_F_UNSUPPORTED_CRITICAL_EXTENSION, pos,
		    "%s has a critical extension %s that is not understood", subject(c),
		    c->unknown_critical[k]);
}

static void r_duplicate_ext(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	struct ck_ext seen[64], e;
	size_t n = 0, it = 0;
	int r;

	while ((r = ck_cert_ext_next(c, &it, &e)) == 1 && n < 64) {
		for (size_t k = 0; k < n; k++)
			if (strcmp(seen[k].oid, e.oid) == 0) {
				ERR(x, CK_F_DUPLICATE_EXTENSION, pos,
				    "%s has the extension %s more than once", subject(c), e.oid);
				return;
			}
		seen[n++] = e;
	}
	if (r < 0)
		ERR(x, CK_F_MALFORMED_CERTIFICATE, pos, "the extensions of %s cannot be read",
		    subject(c));
}

static void r_key_id_critical(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	static const char *const ids[][2] = { { "2.5.29.35", "authorityKeyIdentifier" },
					      { "2.5.29.14", "subjectKeyIdentifier" } };
	struct ck_ext e;

	for (size_t i = 0; i < 2; i++)
		if (ck_cert_ext_find(c, ids[i][0], &e) && e.critical)
			ERR(x, CK_F_CRITICAL_KEY_IDENTIFIER, pos,
			    "%s marks its %s critical (RFC 5280 requires it non-critical)",
			    subject(c), ids[i][1]);
}

/* extKeyUsage is SEQUENCE SIZE (1..MAX) OF KeyPurposeId: an empty one is
 * malformed, not "no restriction" */
static void r_empty_eku(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	struct ck_ext e;

	if (ck_cert_ext_find(c, "2.5.29.37", &e) && e.len == 2 && e.value[0] == 0x30 &&
	    e.value[1] == 0)
		ERR(x, CK_F_MALFORMED_CERTIFICATE, pos,
		    "%s has an extended key usage that lists no purpose (RFC 5280 4.2.1.12: "
		    "one or more)",
		    subject(c));
}

/* RFC 5280's MUSTs on where an extension may be and how critical, beyond
 * the key identifiers.  Not asked: policyConstraints critical (PKITS's
 * own certificates have it non-critical), nameConstraints critical (the
 * CA/B Forum BRs 7.1.2.10.8 allow it non-critical), basicConstraints
 * critical (webpki only, as PKITS 4.6.4 accepts it non-critical). */
static void r_ext_misuse(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	struct ck_ext e;

	if (ck_cert_ext_find(c, "1.3.6.1.5.5.7.1.1", &e) && e.critical)
		ERR(x, CK_F_EXTENSION_MISUSE, pos,
		    "%s marks its authorityInfoAccess critical (RFC 5280 4.2.2.1 requires it "
		    "non-critical)",
		    subject(c));
	if (!(c->has_basic_constraints && c->ca) && ck_cert_ext_find(c, "2.5.29.30", &e))
		ERR(x, CK_F_EXTENSION_MISUSE, pos,
		    "%s is not a CA but has name constraints (RFC 5280 4.2.1.10: only in CA "
		    "certificates)",
		    subject(c));
}

static void r_names_present(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	struct ck_ext e;

	/* an empty Name is the 2-byte SEQUENCE 30 00 */
	if (c->issuer_raw.len <= 2)
		ERR(x, CK_F_EMPTY_NAME, pos, "%s has an empty issuer name", subject(c));
	if (c->subject_raw.len <= 2 &&
	    (is_issuer(x, pos) || !ck_cert_ext_find(c, "2.5.29.17", &e) || !e.critical))
		ERR(x, CK_F_EMPTY_NAME, pos,
		    "certificate [%zu] has an empty subject%s", pos,
		    is_issuer(x, pos) ? " but issues certificates" :
					" and no critical subjectAltName");
}

static void r_ca_role(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);

	if (!is_issuer(x, pos))
		return;
	if (!c->has_basic_constraints) {
		/* X.509 v1 roots predate extensions; only an anchor may be one */
		if (!(is_anchor(x, pos) && c->version < 3))
			ERR(x, CK_F_CA_MISSING_BASIC_CONSTRAINTS, pos,
			    c->version < 3 ?
				    "%s is a version %d certificate and issues certificates; only a trust anchor may" :
				    "%s issues certificates but has no basicConstraints extension",
			    subject(c), c->version);
	} else if (!c->ca) {
		ERR(x, CK_F_NOT_A_CA, pos, "%s issues certificates but is not a CA (CA:FALSE)",
		    subject(c));
	}
	if (c->has_key_usage && !(c->key_usage & CK_KU_KEY_CERT_SIGN))
		ERR(x, CK_F_CA_KEY_USAGE, pos,
		    "%s issues certificates but its key usage lacks keyCertSign", subject(c));
}

static void r_leaf_cert_sign(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (pos != 0 || x->p->len == 1)
		return;
	if (c->has_key_usage && (c->key_usage & CK_KU_KEY_CERT_SIGN) &&
	    !(c->has_basic_constraints && c->ca))
		ERR(x, CK_F_LEAF_KEY_CERT_SIGN, pos,
		    "%s asserts keyCertSign without being a CA (RFC 5280 4.2.1.3)", subject(c));
}

static void r_broken_hash(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	int h = c->sig_hash;
	if (!signature_not_relied_on(x, pos) && (h == GNUTLS_DIG_MD5 || h == GNUTLS_DIG_MD2))
		ERR(x, CK_F_WEAK_SIGNATURE, pos, "%s is signed with a broken hash (%s)", subject(c),
		    c->sig_algo_name);
}

static void r_sha1(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (signature_not_relied_on(x, pos) || c->sig_hash != GNUTLS_DIG_SHA1)
		return;
	ck_problems_add(x->ps, CK_F_WEAK_SIGNATURE, pos, x->o->profile == CK_PROFILE_RFC5280,
			"%s is signed with SHA-1 (%s)", subject(c), c->sig_algo_name);
}

static void r_dsa(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (signature_not_relied_on(x, pos) || !c->sig_algo)
		return;
	if (gnutls_sign_get_pk_algorithm(c->sig_algo) == GNUTLS_PK_DSA)
		ERR(x, CK_F_DSA_SIGNATURE, pos, "%s is signed with DSA (%s), which current clients refuse",
		    subject(c), c->sig_algo_name);
}

static void r_key_size(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	switch (c->pk_algo) {
	case GNUTLS_PK_RSA:
	case GNUTLS_PK_RSA_PSS:
	case GNUTLS_PK_DSA:
		if (c->bits < 2048)
			ERR(x, CK_F_KEY_TOO_SMALL, pos,
			    "%s has a %u-bit %s key; at least 2048 bits are required", subject(c),
			    c->bits, ck_cert_key_type(c));
		break;
	case GNUTLS_PK_ECDSA:
		if (c->bits < 224)
			ERR(x, CK_F_KEY_TOO_SMALL, pos,
			    "%s has a key on %s (%u bits); at least 224 bits are required",
			    subject(c), ck_cert_curve_name(c) ? ck_cert_curve_name(c) : "a small curve",
			    c->bits);
		break;
	default:
		break;
	}
}

static const char *purpose_name(const char *oid)
{
	return strcmp(oid, CK_OID_EKU_SERVER) == 0 ? "server authentication" :
	       strcmp(oid, CK_OID_EKU_CLIENT) == 0 ? "client authentication" : oid;
}

static void r_purpose_leaf(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (pos == 0 && x->p->purpose && !ck_cert_has_purpose(c, x->p->purpose))
		ERR(x, CK_F_PURPOSE_MISMATCH, pos,
		    "%s does not allow the purpose %s (extended key usage)", subject(c),
		    purpose_name(x->p->purpose));
}

static void r_purpose_ca(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (pos > 0 && !is_anchor(x, pos) && x->p->purpose && !ck_cert_has_purpose(c, x->p->purpose))
		ERR(x, CK_F_PURPOSE_MISMATCH, pos,
		    "%s restricts its extended key usage and does not allow %s", subject(c),
		    purpose_name(x->p->purpose));
}

static void r_hostname(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (pos != 0 || !x->p->hostname)
		return;
	if (x->o->profile == CK_PROFILE_WEBPKI && !c->san)
		ERR(x, CK_F_HOSTNAME_MISMATCH, pos,
		    "%s has no subjectAltName; the common name is not used for %s", subject(c),
		    x->p->hostname);
	else if (!ck_cert_matches_hostname(c, x->p->hostname))
		ERR(x, CK_F_HOSTNAME_MISMATCH, pos, "%s does not match the host name %s", subject(c),
		    x->p->hostname);
}

/* webpki rows */

static void r_aki_present(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (!is_self_signed_top(x, pos) && !is_anchor(x, pos) && !c->aki_len)
		ERR(x, CK_F_MISSING_KEY_IDENTIFIER, pos, "%s has no authorityKeyIdentifier",
		    subject(c));
}

static void r_ski_present(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	/* not asked of a trust anchor: a version 1 root, which old-version
	 * accepts as an anchor, has no extensions at all */
	if (is_issuer(x, pos) && !is_anchor(x, pos) && !c->ski_len)
		ERR(x, CK_F_MISSING_KEY_IDENTIFIER, pos, "%s is a CA without subjectKeyIdentifier",
		    subject(c));
}

static void r_serial(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	size_t n = c->serial ? strlen(c->serial) / 2 : 0;
	bool zero = true;

	if (is_anchor(x, pos) || !c->serial)
		return;
	for (const char *s = c->serial; *s; s++)
		zero = zero && *s == '0';
	if (n > 20)
		ERR(x, CK_F_BAD_SERIAL, pos, "%s has a serial number of %zu octets (at most 20)",
		    subject(c), n);
	else if (zero || (n && strchr("89abcdef", c->serial[0])))
		ERR(x, CK_F_BAD_SERIAL, pos, "%s has a serial number that is not positive",
		    subject(c));
}

static void r_leaf_san(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (pos == 0 && x->p->len > 1 && !c->san)
		ERR(x, CK_F_LEAF_MISSING_SAN, pos, "%s has no subjectAltName", subject(c));
}

static void r_leaf_eku(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	bool only_any = c->eku && c->eku[0];

	if (pos != 0 || x->p->len == 1)
		return;
	for (size_t i = 0; c->eku && c->eku[i]; i++)
		only_any = only_any && strcmp(c->eku[i], CK_OID_EKU_ANY) == 0;
	if (!c->eku)
		ERR(x, CK_F_LEAF_MISSING_EKU, pos, "%s has no extended key usage", subject(c));
	else if (only_any)
		ERR(x, CK_F_LEAF_MISSING_EKU, pos,
		    "%s allows only anyExtendedKeyUsage, which web clients do not accept",
		    subject(c));
}

/* a subscriber certificate is not a CA (CA/B Forum BR 7.1.2.7.8: cA MUST
 * be FALSE); rustls-webpki refuses a CA as the end entity */
static void r_leaf_ca(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (pos == 0 && x->p->len > 1 && c->has_basic_constraints && c->ca)
		ERR(x, CK_F_LEAF_IS_CA, pos,
		    "%s is a CA (basicConstraints cA TRUE) used as the leaf", subject(c));
}

static void r_version(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	if (!is_anchor(x, pos) && c->version < 3)
		ERR(x, CK_F_OLD_VERSION, pos, "%s is an X.509 version %d certificate", subject(c),
		    c->version);
}

static void r_bc_critical(struct vctx *x, size_t pos)
{
	const struct ck_cert *c = cert_at(x, pos);
	struct ck_ext e;
	if (is_issuer(x, pos) && ck_cert_ext_find(c, "2.5.29.19", &e) && !e.critical)
		ERR(x, CK_F_BASIC_CONSTRAINTS_NOT_CRITICAL, pos,
		    "%s is a CA whose basicConstraints is not critical", subject(c));
}

/* ---------------------------------------------------------------- */
/* path rules: state carried from the top down */

/* The certificates RFC 5280 §6.1 processes: all but a trust anchor or
 * the self-signed top, top down. */
static size_t processed_count(const struct vctx *x)
{
	return x->p->len - (x->p->complete ? 1 : 0);
}

static void r_path_length(struct vctx *x, size_t unused)
{
	(void)unused;
	for (size_t pos = 1; pos < x->p->len; pos++) {
		const struct ck_cert *c = cert_at(x, pos);
		size_t below = 0;
		if (!c->has_basic_constraints || !c->ca || c->path_len < 0)
			continue;
		/* intermediates between this CA and the leaf; self-issued ones
		 * do not count (RFC 5280 6.1.4 (l)) */
		for (size_t k = 1; k < pos; k++)
			if (!cert_at(x, k)->self_issued)
				below++;
		if (below > (size_t)c->path_len)
			ERR(x, CK_F_PATH_LENGTH_EXCEEDED, pos,
			    "%s allows %d intermediate CA(s) below it (pathLen), the path has %zu",
			    subject(c), c->path_len, below);
	}
}

static void r_max_depth(struct vctx *x, size_t unused)
{
	size_t inter = x->p->len > 2 ? x->p->len - 2 : 0;
	(void)unused;
	if (!x->p->complete)
		inter = x->p->len > 1 ? x->p->len - 1 : 0;
	if (x->o->depth_limited && inter > x->o->max_intermediates)
		ERR(x, CK_F_MAX_DEPTH_EXCEEDED, x->p->len - 1,
		    "the path has %zu intermediate certificate(s); at most %u allowed (--max-depth)",
		    inter, x->o->max_intermediates);
}

static void r_name_constraints(struct vctx *x, size_t unused)
{
	struct ck_nc *nc = NULL;
	struct ck_error err;
	char why[512];

	(void)unused;
	if (ck_nc_new(&nc)) {
		x->rc = CK_E_NOMEM;
		return;
	}
	/* top down: a CA's constraints bind every certificate below it */
	for (size_t pos = x->p->len; pos-- > 0;) {
		const struct ck_cert *c = cert_at(x, pos);
		struct ck_ext e;
		/* §6.1.3 (b)(c): the anchor is not checked; self-issued
		 * intermediates are exempt, the leaf never is */
		if (pos < x->p->len - 1 || !x->p->complete) {
			/* OpenSSL also checks a host-name-like subject CN
			 * against dNSName constraints when the certificate
			 * has no dNSName; the modern profiles do too */
			unsigned flags = (pos == 0 ? CK_NC_LEAF : 0) |
					 (x->o->profile != CK_PROFILE_RFC5280 ? CK_NC_CHECK_CN : 0);
			if ((pos == 0 || !c->self_issued) &&
			    !ck_nc_check(nc, c, flags, why, sizeof why))
				ERR(x, CK_F_NAME_CONSTRAINTS_VIOLATION, pos, "%s", why);
		}
		if (pos > 0 && ck_cert_ext_find(c, "2.5.29.30", &e)) {
			ck_error_clear(&err);
			if (ck_nc_add(nc, e.value, e.len, subject(c), &err)) {
				if (err.status == CK_E_NOMEM) {
					x->rc = CK_E_NOMEM;
					break;
				}
				ERR(x, CK_F_NAME_CONSTRAINTS_MALFORMED, pos,
				    "the name constraints of %s cannot be used: %s", subject(c),
				    err.what);
			}
		}
	}
	ck_nc_free(nc);
}

static void r_policies(struct vctx *x, size_t unused)
{
	size_t n = processed_count(x);
	const struct ck_cert **certs = NULL;
	struct ck_certpol_opts po = { 0 };
	struct ck_certpol_result res;
	struct ck_error err;

	(void)unused;
	memset(&res, 0, sizeof res);
	if (n == 0)
		return;
	certs = malloc(n * sizeof *certs);
	if (!certs) {
		x->rc = CK_E_NOMEM;
		return;
	}
	/* top down, the anchor left out */
	for (size_t i = 0; i < n; i++)
		certs[i] = cert_at(x, n - 1 - i);
	po.initial = x->o->policies;
	po.ninitial = x->o->npolicies;
	po.explicit_policy = x->o->explicit_policy;
	po.inhibit_mapping = x->o->inhibit_mapping;
	po.inhibit_any = x->o->inhibit_any;
	ck_error_clear(&err);
	if (ck_certpol_process(certs, n, &po, &res, &err)) {
		x->rc = err.status ? err.status : CK_E_NOMEM;
		goto out;
	}
	x->out->policy_processed = true;
	x->out->user_constrained = res.user_constrained;
	x->out->authorities_constrained = res.authorities_constrained;
	res.user_constrained = res.authorities_constrained = NULL;
	if (!res.ok)
		ERR(x, CK_F_POLICY_VIOLATION, n - 1 - (res.fail_index < n ? res.fail_index : n - 1),
		    "%s", res.why);
out:
	ck_certpol_result_cleanup(&res);
	free(certs);
}

static const char *reason_name(int r)
{
	static const char *const names[] = { "unspecified", "keyCompromise", "cACompromise",
					     "affiliationChanged", "superseded",
					     "cessationOfOperation", "certificateHold", NULL,
					     "removeFromCRL", "privilegeWithdrawn",
					     "aACompromise" };
	if (r < 0 || r > 10 || !names[r])
		return NULL;
	return names[r];
}

/* The first failed fetch of `r` of `kind`, as "; URL: class (message)"
 * appended to `why`. */
static void add_failure(const struct ck_rev_result *r, const char *kind, char *why, size_t len)
{
	for (size_t i = 0; i < r->nfetches; i++) {
		const struct ck_rev_fetch *e = &r->fetches[i];
		size_t used = strlen(why);
		if (strcmp(e->kind, kind) || !strcmp(e->result, "ok") || used + 4 >= len)
			continue;
		snprintf(why + used, len - used, "; %s %s: %s (%s)", kind, e->url, e->result,
			 e->message);
		return;
	}
}

/* The status of the certificate at pos from the CRLs: ri filled. */
static void crl_status(struct vctx *x, size_t pos, struct ck_revinfo *ri)
{
	struct ck_error err;

	memset(ri, 0, sizeof *ri);
	ck_error_clear(&err);
	if (!x->o->crls ||
	    ck_crlset_check(x->o->crls, cert_at(x, pos), cert_at(x, pos + 1), x->p->others,
			    x->p->nothers, x->p->at, x->p->signer_ok, x->p->signer_ctx, ri, &err)) {
		ri->status = CK_REV_UNDETERMINED;
		snprintf(ri->why, sizeof ri->why, "%.200s",
			 x->o->crls ? err.what : "no CRL was given (--crl-file)");
	}
}

/* The status of the certificate at pos (RFC 5280 §6.3; online: OCSP,
 * RFC 6960).  In mode all both sources are consulted: revoked when
 * either says so, good when either says good, unknown otherwise. */
static void rev_status(struct vctx *x, size_t pos, struct ck_rev_result *r)
{
	const struct ck_cert *c = cert_at(x, pos), *iss = cert_at(x, pos + 1);
	enum ck_revocation_mode m = x->o->revocation;
	bool use_ocsp = m == CK_REVOCATION_OCSP || m == CK_REVOCATION_ALL;
	bool use_crl = m == CK_REVOCATION_CRL || m == CK_REVOCATION_ALL;
	enum ck_rev_state os = CK_REVSTATE_UNKNOWN;
	int oreason = -1;
	time_t oat = 0;
	const char *ourl = NULL;
	struct ck_revinfo ri;
	char why[600] = "", t[32];

	if (x->o->online &&
	    x->o->online->fetches(x->o->online->ctx, c, iss, m == CK_REVOCATION_ALL ? NULL :
				  use_ocsp ? "ocsp" : "crl", &r->fetches, &r->nfetches)) {
		x->rc = CK_E_NOMEM;
		return;
	}
	r->reason = -1;
	if (use_ocsp && x->o->online)
		x->o->online->ocsp(x->o->online->ctx, c, iss, &os, &oreason, &oat, &ourl);
	ri.status = CK_REV_UNDETERMINED;
	if (use_crl && !(m == CK_REVOCATION_ALL && os == CK_REVSTATE_REVOKED))
		crl_status(x, pos, &ri);
	if (os == CK_REVSTATE_REVOKED ||
	    (ri.status != CK_REV_REVOKED && os == CK_REVSTATE_GOOD)) {
		r->state = os;
		r->method = "ocsp";
		if (os == CK_REVSTATE_REVOKED) {
			r->reason = oreason;
			r->revoked_at = oat;
			ck_time_format(oat, t);
			snprintf(why, sizeof why, "revoked on %s%s%s, says the OCSP responder at %s", t,
				 oreason >= 0 ? ", " : "",
				 oreason >= 0 ? ck_crlset_reason_name(oreason) : "", ourl);
		} else {
			snprintf(why, sizeof why, "good, says the OCSP responder at %s", ourl);
		}
	} else if (ri.status != CK_REV_UNDETERMINED) {
		r->state = ri.status == CK_REV_GOOD ? CK_REVSTATE_GOOD : CK_REVSTATE_REVOKED;
		r->method = "crl";
		if (ri.status == CK_REV_REVOKED) {
			r->reason = ri.reason;
			r->revoked_at = ri.revoked_at;
		}
		snprintf(why, sizeof why, "%s", ri.why);
	} else {
		r->state = CK_REVSTATE_UNKNOWN;
		if (use_ocsp) {
			snprintf(why, sizeof why, "%s",
				 !c->aia_ocsp || !c->aia_ocsp[0] ? "no OCSP URL in the certificate" :
				 !x->o->online ? "OCSP answers are fetched only online" :
				 "no OCSP responder gave a usable answer");
			add_failure(r, "ocsp", why, sizeof why);
		}
		if (use_crl) {
			size_t used = strlen(why);
			snprintf(why + used, sizeof why - used, "%s%s", used ? "; " : "", ri.why);
			add_failure(r, "crl", why, sizeof why);
		}
	}
	r->detail = strdup(why);
}

static void r_revocation(struct vctx *x, size_t unused)
{
	struct ck_validation *v = x->out;
	(void)unused;

	if (x->o->revocation == CK_REVOCATION_OFF || x->p->len < 2)
		return;
	v->rev = calloc(x->p->len, sizeof *v->rev);
	if (!v->rev) {
		x->rc = CK_E_NOMEM;
		return;
	}
	v->nrev = x->p->len;
	for (size_t pos = 0; pos + 1 < x->p->len && !x->rc; pos++) {
		const struct ck_cert *c = cert_at(x, pos);
		struct ck_rev_result *r = &v->rev[pos];
		char t[32];

		rev_status(x, pos, r);
		if (x->rc)
			return;
		switch (r->state) {
		case CK_REVSTATE_GOOD:
			break;
		case CK_REVSTATE_REVOKED:
			ck_time_format(r->revoked_at, t);
			ERR(x, CK_F_REVOKED, pos, "%s was revoked on %s%s%s", subject(c), t,
			    reason_name(r->reason) ? ", reason " : "",
			    reason_name(r->reason) ? reason_name(r->reason) : "");
			break;
		default:
			ck_problems_add(x->ps, CK_F_REVOCATION_UNKNOWN, pos, !x->o->require_revocation,
					"the revocation status of %s is unknown: %s", subject(c),
					r->detail ? r->detail : "");
			break;
		}
	}
}

/* ---------------------------------------------------------------- */
/* the table */

struct rule {
	struct ck_validate_rule row;
	void (*check)(struct vctx *x, size_t pos);
	bool per_cert;
};

static const struct rule rules[] = {
	{ { CK_F_EXPIRED, P_ALL, "a certificate is used outside its validity period (--at)", "RFC 5280 6.1.3 (a)(2)" }, r_validity, true },
	{ { CK_F_UNSUPPORTED_CRITICAL_EXTENSION, P_ALL, "no critical extension the validator does not process", "RFC 5280 4.2, 6.1.4 (o)" }, r_critical, true },
	{ { CK_F_DUPLICATE_EXTENSION, P_ALL, "no extension appears twice", "RFC 5280 4.2" }, r_duplicate_ext, true },
	{ { CK_F_CRITICAL_KEY_IDENTIFIER, P_ALL, "authority and subject key identifiers are non-critical", "RFC 5280 4.2.1.1, 4.2.1.2" }, r_key_id_critical, true },
	{ { CK_F_MALFORMED_CERTIFICATE, P_ALL, "an extended key usage lists at least one purpose", "RFC 5280 4.2.1.12" }, r_empty_eku, true },
	{ { CK_F_EXTENSION_MISUSE, P_ALL, "authorityInfoAccess non-critical, nameConstraints only in a CA", "RFC 5280 4.2.1.10, 4.2.2.1" }, r_ext_misuse, true },
	{ { CK_F_EMPTY_NAME, P_ALL, "issuer names are never empty; an empty subject needs a critical subjectAltName and never issues", "RFC 5280 4.1.2.4, 4.1.2.6" }, r_names_present, true },
	{ { CK_F_NOT_A_CA, P_ALL, "an issuer is a version 3 CA: basicConstraints cA TRUE (a v1 issuer only as a trust anchor) and keyCertSign", "RFC 5280 6.1.4 (k)(n)" }, r_ca_role, true },
	{ { CK_F_LEAF_KEY_CERT_SIGN, P_ALL, "keyCertSign only with cA TRUE", "RFC 5280 4.2.1.3" }, r_leaf_cert_sign, true },
	{ { CK_F_PATH_LENGTH_EXCEEDED, P_ALL, "no more intermediates below a CA than its pathLenConstraint", "RFC 5280 6.1.4 (l)(m)" }, r_path_length, false },
	{ { CK_F_MAX_DEPTH_EXCEEDED, P_ALL, "no more intermediates than --max-depth", "chainkit --max-depth" }, r_max_depth, false },
	{ { CK_F_NAME_CONSTRAINTS_VIOLATION, P_ALL, "every name below a CA is within its permitted and outside its excluded subtrees", "RFC 5280 6.1.3 (b)(c), 6.1.4 (g)" }, r_name_constraints, false },
	{ { CK_F_POLICY_VIOLATION, P_ALL, "certificate policies: valid_policy_tree, mappings, explicit policy, inhibitAnyPolicy, --policy", "RFC 5280 6.1.2-6.1.5" }, r_policies, false },
	{ { CK_F_PURPOSE_MISMATCH, P_ALL, "the leaf's extended key usage allows --purpose", "RFC 5280 4.2.1.12" }, r_purpose_leaf, true },
	{ { CK_F_HOSTNAME_MISMATCH, P_ALL, "the leaf matches --hostname", "RFC 6125" }, r_hostname, true },
	{ { CK_F_REVOKED, P_ALL, "no certificate is revoked; with --require-revocation, every status is known", "RFC 5280 6.3" }, r_revocation, false },
	{ { CK_F_WEAK_SIGNATURE, P_ALL, "no MD2 or MD5 signature but the anchor's or a self-signed top's", "RFC 6151; RFC 5280 profile" }, r_broken_hash, true },
	{ { CK_F_WEAK_SIGNATURE, P_ALL, "no SHA-1 signature but the anchor's or a self-signed top's (a warning under rfc5280)", "OpenSSL 3 security level 1+, GnuTLS default profile" }, r_sha1, true },
	{ { CK_F_DSA_SIGNATURE, P_MODERN, "no DSA signature but the anchor's or a self-signed top's", "OpenSSL 3 and GnuTLS defaults on Debian 12; TLS 1.3" }, r_dsa, true },
	{ { CK_F_KEY_TOO_SMALL, P_MODERN, "RSA and DSA keys of 2048 bits or more, curves of 224 bits or more", "OpenSSL 3 security level 2 (Debian 12 default)" }, r_key_size, true },
	{ { CK_F_PURPOSE_MISMATCH, P_MODERN, "an intermediate's extended key usage, when present, allows --purpose", "OpenSSL, GnuTLS, Chrome, Go" }, r_purpose_ca, true },
	{ { CK_F_MISSING_KEY_IDENTIFIER, P_WEBPKI, "authorityKeyIdentifier in every certificate but a self-signed one", "RFC 5280 4.2.1.1; CA/B Forum BR 7.1.2" }, r_aki_present, true },
	{ { CK_F_MISSING_KEY_IDENTIFIER, P_WEBPKI, "subjectKeyIdentifier in every CA certificate but the trust anchor", "RFC 5280 4.2.1.2; CA/B Forum BR 7.1.2" }, r_ski_present, true },
	{ { CK_F_BAD_SERIAL, P_WEBPKI, "a positive serial number of at most 20 octets", "RFC 5280 4.1.2.2; CA/B Forum BR 7.1" }, r_serial, true },
	{ { CK_F_LEAF_MISSING_SAN, P_WEBPKI, "a subjectAltName in the leaf (the common name is not used for host names)", "CA/B Forum BR 7.1.4.2.1; Chrome 58" }, r_leaf_san, true },
	{ { CK_F_LEAF_MISSING_EKU, P_WEBPKI, "an extended key usage in the leaf, not only anyExtendedKeyUsage", "CA/B Forum BR 7.1.2.3; Chrome, rustls-webpki" }, r_leaf_eku, true },
	{ { CK_F_LEAF_IS_CA, P_WEBPKI, "the leaf is not a CA (basicConstraints cA FALSE or absent)", "CA/B Forum BR 7.1.2.7.8; rustls-webpki" }, r_leaf_ca, true },
	{ { CK_F_OLD_VERSION, P_WEBPKI, "no X.509 v1 or v2 certificate but a trust anchor", "CA/B Forum BR 7.1.1; rustls-webpki" }, r_version, true },
	{ { CK_F_BASIC_CONSTRAINTS_NOT_CRITICAL, P_WEBPKI, "basicConstraints critical in CA certificates", "RFC 5280 4.2.1.9; CA/B Forum BR 7.1.2" }, r_bc_critical, true },
};

size_t ck_validate_rule_count(void)
{
	return sizeof rules / sizeof rules[0];
}

const struct ck_validate_rule *ck_validate_rule_at(size_t i)
{
	return i < sizeof rules / sizeof rules[0] ? &rules[i].row : NULL;
}

enum ck_status ck_validate(const struct ck_validate_path *path, const struct ck_validate_opts *o,
			   struct ck_problems *ps, struct ck_validation *out)
{
	struct vctx x = { path, o, ps, out, CK_OK };
	unsigned bit = CK_PROFILE_BIT(o->profile);

	if (path->len == 0)
		return CK_OK;
	for (size_t r = 0; r < sizeof rules / sizeof rules[0] && !x.rc; r++) {
		if (!(rules[r].row.profiles & bit))
			continue;
		if (!rules[r].per_cert) {
			rules[r].check(&x, 0);
			continue;
		}
		for (size_t pos = 0; pos < path->len; pos++)
			rules[r].check(&x, pos);
	}
	return x.rc;
}
