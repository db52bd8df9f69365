/* certpol — certificate policy processing of RFC 5280 §6.1, with the
 * policy graph of RFC 9618 in place of the valid_policy_tree.
 *
 * The graph has one level per depth: level 0 holds the single anyPolicy
 * node, level i the nodes made for certificate i (certs[i-1]).  A node
 * is a valid_policy, its expected_policy_set and its parents at the
 * level above.  Where RFC 5280 copies a node for each parent (the
 * exponential tree), the graph keeps one node per policy and level with
 * several parents; the invariants of RFC 9618 §4.2 hold:
 *   - at most one node per (level, policy);
 *   - an anyPolicy node expects {anyPolicy}, and its one parent is the
 *     anyPolicy node above;
 *   - a node's parents are either one anyPolicy node or concrete nodes.
 * So a level holds at most the certificate's policies, its mappings and
 * the distinct expected policies of the level above: the graph is
 * linear per level, and CK_CERTPOL_MAX_GRAPH bounds the whole.
 *
 * Policy OIDs are interned to integers (anyPolicy is 0), so that "the
 * nodes above that expect P" and "the node of this level for P" are
 * array look-ups, not searches: each level costs time linear in its
 * size and the size of the level above.
 *
 * Pruning (§6.1.3 (d)(3), §6.1.4 (b)(3)(ii)) is not done eagerly: a node
 * of the level being built only ever gets parents that are live, so
 * "the graph is NULL" is exactly "the current level is empty", and the
 * childless nodes of earlier levels matter only to the outputs, which
 * one pass up from the leaf's level computes at the end (§6.1.5 (g)).
 *
 * Extensions are read with ck_cert_ext_next (a duplicate is refused) and
 * decoded element by element with libtasn1 (pkix.asn), so that a long
 * SEQUENCE OF costs linear time. */
#include "config.h"

#include "certpol.h"
#include "der.h"

#include <libtasn1.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OID_POLICIES "2.5.29.32"
#define OID_MAPPINGS "2.5.29.33"
#define OID_CONSTRAINTS "2.5.29.36"
#define OID_INHIBIT_ANY "2.5.29.54"
#define OID_QT_CPS "1.3.6.1.5.5.7.2.1"
#define OID_QT_UNOTICE "1.3.6.1.5.5.7.2.2"

#define ANY 0u      /* the interned id of anyPolicy */
#define OID_MAX 256 /* longest dotted OID read */
#define WHO_MAX 112 /* "certificate N (subject...)" */

/* ---------------------------------------------------------------- */
/* interned OIDs */

struct oids {
	char **s;        /* id → dotted */
	uint32_t n, cap;
	uint32_t *slot;  /* open addressing: id + 1, 0 when empty */
	uint32_t nslot;  /* a power of two, at least twice n */
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool oids_rehash(struct oids *t, uint32_t nslot)
{
	uint32_t *slot = calloc(nslot, sizeof *slot);
	if (!slot)
		return false;
	for (uint32_t id = 0; id < t->n; id++) {
		uint32_t h = str_hash(t->s[id]) & (nslot - 1);
		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = id + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = nslot;
	return true;
}

static enum ck_status oid_intern(struct oids *t, const char *s, uint32_t *id)
{
	uint32_t h;

	if (2 * ((size_t)t->n + 1) > t->nslot &&
	    !oids_rehash(t, t->nslot ? 2 * t->nslot : 64))
		return CK_E_NOMEM;
	h = str_hash(s) & (t->nslot - 1);
	for (; t->slot[h]; h = (h + 1) & (t->nslot - 1)) {
		if (strcmp(t->s[t->slot[h] - 1], s) == 0) {
			*id = t->slot[h] - 1;
			return CK_OK;
		}
	}
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? 2 * t->cap : 32;
		char **p = realloc(t->s, cap * sizeof *p);
		if (!p)
			return CK_E_NOMEM;
		t->s = p;
		t->cap = cap;
	}
	if (!(t->s[t->n] = strdup(s)))
		return CK_E_NOMEM;
	t->slot[h] = t->n + 1;
	*id = t->n++;
	return CK_OK;
}

static void oids_free(struct oids *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slot);
}

/* "anyPolicy" for anyPolicy, else the dotted OID. */
static const char *oid_show(const struct oids *t, uint32_t id)
{
	return id == ANY ? "anyPolicy" : t->s[id];
}

/* A dotted OID in the canonical form ck_der_read_oid gives. */
static bool oid_dotted(const char *s)
{
	size_t arcs = 0;
	while (*s) {
		if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		arcs++;
		if (*s == '\0')
			break;
		if (*s != '.' || s[1] == '\0')
			return false;
		s++;
	}
	return arcs >= 2;
}

/* ---------------------------------------------------------------- */
/* the policy extensions of one certificate, decoded */

struct mapping {
	uint32_t from, to; /* issuerDomainPolicy, subjectDomainPolicy */
};

struct certinfo {
	bool has_policies;
	uint32_t *pol; /* the policies other than anyPolicy, in order */
	size_t npol;
	bool any;      /* anyPolicy asserted */
	struct mapping *map; /* sorted by (from, to), without repeats */
	size_t nmap;
	bool has_require, has_inhibit_map, has_iap;
	size_t require, inhibit_map, iap; /* SkipCerts; SIZE_MAX when larger */
};

static void certinfo_cleanup(struct certinfo *ci)
{
	free(ci->pol);
	free(ci->map);
	memset(ci, 0, sizeof *ci);
}

/* Walking a DER SEQUENCE OF: the full TLV of each element in turn. */
struct seq {
	const unsigned char *p;
	size_t left;
};

static bool seq_open(struct seq *s, const unsigned char *v, size_t len)
{
	struct ck_tlv t;
	if (ck_der_read(v, len, false, 0, &t, NULL) != CK_OK || t.cls != ASN1_CLASS_UNIVERSAL ||
	    !t.constructed || t.tag != CK_TAG_SEQUENCE || t.hdr_len + t.len != len)
		return false;
	s->p = v + t.hdr_len;
	s->left = t.len;
	return true;
}

/* 1: the next element is in el, n; 0: no more; -1: malformed. */
static int seq_next(struct seq *s, const unsigned char **el, size_t *n)
{
	struct ck_tlv t;
	if (!s->left)
		return 0;
	if (ck_der_read(s->p, s->left, false, 0, &t, NULL) != CK_OK)
		return -1;
	*el = s->p;
	*n = t.hdr_len + t.len;
	s->p += *n;
	s->left -= *n;
	return 1;
}

/* A SkipCerts INTEGER (0..MAX) of `node`: *present false when absent;
 * CK_E_PARSE when negative or empty; values past SIZE_MAX saturate. */
static enum ck_status read_skipcerts(asn1_node node, const char *name, bool *present,
				     size_t *out)
{
	unsigned char buf[64];
	int n = sizeof buf;
	int ret = asn1_read_value(node, name, buf, &n);
	size_t v = 0;

	*present = false;
	if (ret == ASN1_ELEMENT_NOT_FOUND || ret == ASN1_VALUE_NOT_FOUND)
		return CK_OK;
	if (ret == ASN1_MEM_ERROR) {
		/* longer than 64 octets: huge, or negative */
		unsigned char *big = NULL;
		size_t blen = 0;
		if (!ck_der_read_bytes(node, name, &big, &blen))
			return CK_E_NOMEM;
		ret = blen && !(big[0] & 0x80) ? ASN1_SUCCESS : ASN1_DER_ERROR;
		free(big);
		if (ret != ASN1_SUCCESS)
			return CK_E_PARSE;
		*present = true;
		*out = SIZE_MAX;
		return CK_OK;
	}
	if (ret != ASN1_SUCCESS || n <= 0 || (buf[0] & 0x80))
		return CK_E_PARSE;
	for (int i = 0; i < n; i++) {
		if (v > (SIZE_MAX >> 8)) {
			v = SIZE_MAX;
			break;
		}
		v = (v << 8) | buf[i];
	}
	*present = true;
	*out = v;
	return CK_OK;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_mapping(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

/* What a decoder found wrong: the text of a policy failure. */
struct bad {
	const char *rule; /* the section of RFC 5280 */
	char msg[200];
};

static enum ck_status bad(struct bad *b, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum ck_status bad(struct bad *b, const char *rule, const char *fmt, ...)
{
	va_list ap;
	b->rule = rule;
	va_start(ap, fmt);
	vsnprintf(b->msg, sizeof b->msg, fmt, ap);
	va_end(ap);
	return CK_E_PARSE;
}

/* The qualifiers of one PolicyInformation: present means non-empty
 * (SIZE (1..MAX)); with a critical extension or on anyPolicy, only the
 * two qualifiers of §4.2.1.4 can be processed. */
static enum ck_status check_qualifiers(asn1_node pi, bool strict, bool is_any,
				       const char *pol, struct bad *b)
{
	char name[64], q[OID_MAX];
	int nq = 0;

	if (asn1_number_of_elements(pi, "policyQualifiers", &nq) != ASN1_SUCCESS)
		return CK_OK; /* absent */
	if (nq == 0)
		return bad(b, "4.2.1.4", "certificatePolicies: policy %s has an empty "
			      "policyQualifiers (SIZE (1..MAX))", pol);
	if (!strict && !is_any)
		return CK_OK;
	for (int k = 1; k <= nq; k++) {
		snprintf(name, sizeof name, "policyQualifiers.?%d.policyQualifierId", k);
		if (!ck_der_read_oid(pi, name, q, sizeof q))
			return bad(b, "4.2.1.4", "certificatePolicies: a qualifier of %s cannot be read",
				   pol);
		if (strcmp(q, OID_QT_CPS) == 0 || strcmp(q, OID_QT_UNOTICE) == 0)
			continue;
		if (is_any)
			return bad(b, "4.2.1.4", "certificatePolicies: anyPolicy has qualifier %s; only "
				      "CPS pointer and user notice are allowed there", q);
		return bad(b, "4.2.1.4", "critical certificatePolicies: policy %s has qualifier "
			      "%s, which cannot be processed", pol, q);
	}
	return CK_OK;
}

static enum ck_status decode_policies(struct oids *t, const struct ck_certpol_ext *e,
				      struct certinfo *ci, struct bad *b)
{
	enum ck_status rc = CK_OK;
	const unsigned char *el;
	size_t ellen, cap = 0;
	asn1_node pi = NULL;
	struct seq s;
	char oid[OID_MAX];
	uint32_t *sorted = NULL;
	int more;

	if (!seq_open(&s, e->value, e->len))
		return bad(b, "4.2.1.4", "certificatePolicies is not one DER SEQUENCE");
	while ((more = seq_next(&s, &el, &ellen)) == 1) {
		uint32_t id;
		if (ck_der_decode("CHAINKIT.PolicyInformation", el, ellen, &pi, NULL) != CK_OK) {
			rc = bad(b, "4.2.1.4", "certificatePolicies: PolicyInformation %zu is malformed",
				 ci->npol + ci->any + 1);
			goto out;
		}
		if (!ck_der_read_oid(pi, "policyIdentifier", oid, sizeof oid)) {
			rc = bad(b, "4.2.1.4", "certificatePolicies: a policyIdentifier cannot be read");
			goto out;
		}
		if ((rc = oid_intern(t, oid, &id)) != CK_OK)
			goto out;
		if ((rc = check_qualifiers(pi, e->critical, id == ANY, oid, b)) != CK_OK)
			goto out;
		asn1_delete_structure(&pi);
		if (id == ANY) {
			if (ci->any) {
				rc = bad(b, "4.2.1.4", "certificatePolicies lists anyPolicy twice");
				goto out;
			}
			ci->any = true;
			continue;
		}
		if (ci->npol == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			uint32_t *p = realloc(ci->pol, ncap * sizeof *p);
			if (!p) {
				rc = CK_E_NOMEM;
				goto out;
			}
			ci->pol = p;
			cap = ncap;
		}
		ci->pol[ci->npol++] = id;
	}
	if (more < 0) {
		rc = bad(b, "4.2.1.4", "certificatePolicies: an element cannot be read");
		goto out;
	}
	if (ci->npol + ci->any == 0) {
		rc = bad(b, "4.2.1.4", "certificatePolicies is empty (SIZE (1..MAX))");
		goto out;
	}
	/* a policy listed twice: sort a copy, neighbours are equal */
	if (ci->npol > 1) {
		if (!(sorted = malloc(ci->npol * sizeof *sorted))) {
			rc = CK_E_NOMEM;
			goto out;
		}
		memcpy(sorted, ci->pol, ci->npol * sizeof *sorted);
		qsort(sorted, ci->npol, sizeof *sorted, cmp_u32);
		for (size_t k = 1; k < ci->npol; k++) {
			if (sorted[k] == sorted[k - 1]) {
				rc = bad(b, "4.2.1.4", "certificatePolicies lists %s twice",
					 t->s[sorted[k]]);
				goto out;
			}
		}
	}
	ci->has_policies = true;
out:
	asn1_delete_structure(&pi);
	free(sorted);
	return rc;
}

static enum ck_status decode_mappings(struct oids *t, const struct ck_certpol_ext *e,
				      struct certinfo *ci, struct bad *b)
{
	enum ck_status rc = CK_OK;
	const unsigned char *el;
	size_t ellen, cap = 0, k = 0;
	asn1_node pm = NULL;
	struct seq s;
	char from[OID_MAX], to[OID_MAX];
	int more;

	if (!seq_open(&s, e->value, e->len))
		return bad(b, "4.2.1.5", "policyMappings is not one DER SEQUENCE");
	while ((more = seq_next(&s, &el, &ellen)) == 1) {
		struct mapping m;
		if (ck_der_decode("CHAINKIT.PolicyMapping", el, ellen, &pm, NULL) != CK_OK ||
		    !ck_der_read_oid(pm, "issuerDomainPolicy", from, sizeof from) ||
		    !ck_der_read_oid(pm, "subjectDomainPolicy", to, sizeof to)) {
			rc = bad(b, "4.2.1.5", "policyMappings: mapping %zu is malformed",
				 ci->nmap + 1);
			goto out;
		}
		asn1_delete_structure(&pm);
		if ((rc = oid_intern(t, from, &m.from)) != CK_OK ||
		    (rc = oid_intern(t, to, &m.to)) != CK_OK)
			goto out;
		if (ci->nmap == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			struct mapping *p = realloc(ci->map, ncap * sizeof *p);
			if (!p) {
				rc = CK_E_NOMEM;
				goto out;
			}
			ci->map = p;
			cap = ncap;
		}
		ci->map[ci->nmap++] = m;
	}
	if (more < 0) {
		rc = bad(b, "4.2.1.5", "policyMappings: an element cannot be read");
		goto out;
	}
	if (ci->nmap == 0) {
		rc = bad(b, "4.2.1.5", "policyMappings is empty (SIZE (1..MAX))");
		goto out;
	}
	/* a set of pairs: sort, drop repeats */
	qsort(ci->map, ci->nmap, sizeof *ci->map, cmp_mapping);
	for (size_t j = 0; j < ci->nmap; j++)
		if (k == 0 || cmp_mapping(&ci->map[j], &ci->map[k - 1]) != 0)
			ci->map[k++] = ci->map[j];
	ci->nmap = k;
out:
	asn1_delete_structure(&pm);
	return rc;
}

static enum ck_status decode_constraints(const struct ck_certpol_ext *e, struct certinfo *ci,
					 struct bad *b)
{
	enum ck_status rc;
	asn1_node pc = NULL;

	if (ck_der_decode("CHAINKIT.PolicyConstraints", e->value, e->len, &pc, NULL) != CK_OK)
		return bad(b, "4.2.1.11", "policyConstraints is malformed");
	rc = read_skipcerts(pc, "requireExplicitPolicy", &ci->has_require, &ci->require);
	if (rc == CK_OK)
		rc = read_skipcerts(pc, "inhibitPolicyMapping", &ci->has_inhibit_map,
				    &ci->inhibit_map);
	asn1_delete_structure(&pc);
	if (rc == CK_E_PARSE)
		return bad(b, "4.2.1.11", "policyConstraints holds a negative or empty "
			      "SkipCerts");
	if (rc == CK_OK && !ci->has_require && !ci->has_inhibit_map)
		return bad(b, "4.2.1.11", "policyConstraints is an empty SEQUENCE");
	return rc;
}

static enum ck_status decode_inhibit_any(const struct ck_certpol_ext *e, struct certinfo *ci,
					 struct bad *b)
{
	enum ck_status rc;
	asn1_node ia = NULL;

	if (ck_der_decode("CHAINKIT.InhibitAnyPolicy", e->value, e->len, &ia, NULL) != CK_OK)
		return bad(b, "4.2.1.14", "inhibitAnyPolicy is malformed");
	rc = read_skipcerts(ia, "", &ci->has_iap, &ci->iap);
	asn1_delete_structure(&ia);
	if (rc == CK_E_PARSE || (rc == CK_OK && !ci->has_iap))
		return bad(b, "4.2.1.14", "inhibitAnyPolicy is negative or empty");
	return rc;
}

static enum ck_status decode_cert(struct oids *t, const struct ck_certpol_exts *c,
				  struct certinfo *ci, struct bad *b)
{
	enum ck_status rc = CK_OK;
	if (c->policies.present)
		rc = decode_policies(t, &c->policies, ci, b);
	if (rc == CK_OK && c->mappings.present)
		rc = decode_mappings(t, &c->mappings, ci, b);
	if (rc == CK_OK && c->constraints.present)
		rc = decode_constraints(&c->constraints, ci, b);
	if (rc == CK_OK && c->inhibit_any.present)
		rc = decode_inhibit_any(&c->inhibit_any, ci, b);
	return rc;
}

/* ---------------------------------------------------------------- */
/* the policy graph */

struct node {
	uint32_t oid;
	uint32_t exp, nexp; /* expected_policy_set in level.expv; nexp 0: {oid} */
	uint32_t par, npar; /* parents (indices in the level above) in level.parv */
	bool dead;          /* deleted by §6.1.4 (b)(3)(i) */
	bool reach;         /* has a descendant in the leaf's level (§6.1.5) */
};

struct level {
	struct node *v;
	size_t n, cap;
	uint32_t *parv;
	size_t npar, parcap;
	uint32_t *expv;
	size_t nexp, expcap;
	int64_t any; /* index of the anyPolicy node, -1 */
	size_t live;
};

/* "The nodes above that expect P": a list per OID through `idx`. */
struct entry {
	uint32_t oid;
	uint32_t node;
	int64_t next;
};

struct run {
	const struct ck_certpol_opts *o;
	const char *const *names; /* subjects, or NULL */
	size_t n;
	struct ck_certpol_result *res;
	struct ck_error *err;
	struct oids oids;
	uint32_t *initial; /* interned initial set; NULL: {anyPolicy} */
	size_t ninitial;
	struct level *lev; /* n + 1 */
	size_t graph;      /* nodes + parent links + expected entries */
	bool null;         /* the valid_policy_graph is NULL */
	char null_desc[320];
	size_t explicit_policy, policy_mapping, inhibit_any;
	char explicit_src[80]; /* what set explicit_policy to its value */
	int64_t *head;     /* per OID: first entry expecting it, -1 */
	int64_t *cur;      /* per OID: its node in the level being built, -1 */
	size_t nscratch;
	struct entry *idx;
	size_t nidx, idxcap;
};

static enum ck_status grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;
	if (need <= *cap)
		return CK_OK;
	ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	if (!(np = realloc(*p, ncap * size)))
		return CK_E_NOMEM;
	*p = np;
	*cap = ncap;
	return CK_OK;
}

/* Count `k` more graph elements; CK_E_TOO_LARGE past the bound. */
static enum ck_status charge(struct run *r, size_t k)
{
	r->graph += k;
	return r->graph > CK_CERTPOL_MAX_GRAPH ? CK_E_TOO_LARGE : CK_OK;
}

static enum ck_status add_node(struct run *r, struct level *L, uint32_t oid, size_t *out)
{
	enum ck_status rc = charge(r, 1);
	if (rc == CK_OK)
		rc = grow((void **)&L->v, &L->cap, L->n + 1, sizeof *L->v);
	if (rc != CK_OK)
		return rc;
	memset(&L->v[L->n], 0, sizeof L->v[L->n]);
	L->v[L->n].oid = oid;
	L->v[L->n].par = (uint32_t)L->npar;
	if (oid == ANY)
		L->any = (int64_t)L->n;
	L->live++;
	*out = L->n++;
	return CK_OK;
}

/* Parents are appended right after their node is made. */
static enum ck_status add_parent(struct run *r, struct level *L, size_t node, uint32_t parent)
{
	enum ck_status rc = charge(r, 1);
	if (rc == CK_OK)
		rc = grow((void **)&L->parv, &L->parcap, L->npar + 1, sizeof *L->parv);
	if (rc != CK_OK)
		return rc;
	L->parv[L->npar++] = parent;
	L->v[node].npar++;
	return CK_OK;
}

static enum ck_status scratch(struct run *r)
{
	size_t need = r->oids.n;
	if (need <= r->nscratch)
		return CK_OK;
	int64_t *h = realloc(r->head, need * sizeof *h), *c;
	if (!h)
		return CK_E_NOMEM;
	r->head = h;
	if (!(c = realloc(r->cur, need * sizeof *c)))
		return CK_E_NOMEM;
	r->cur = c;
	for (size_t k = r->nscratch; k < need; k++)
		r->head[k] = r->cur[k] = -1;
	r->nscratch = need;
	return CK_OK;
}

/* Index the expected_policy_sets of the live concrete nodes of `prev`. */
static enum ck_status build_index(struct run *r, const struct level *prev)
{
	enum ck_status rc;
	r->nidx = 0;
	for (size_t k = 0; k < prev->n; k++) {
		const struct node *nd = &prev->v[k];
		size_t ne = nd->nexp ? nd->nexp : 1;
		if (nd->dead || nd->oid == ANY)
			continue;
		if ((rc = grow((void **)&r->idx, &r->idxcap, r->nidx + ne, sizeof *r->idx)) != CK_OK)
			return rc;
		for (size_t j = 0; j < ne; j++) {
			uint32_t e = nd->nexp ? prev->expv[nd->exp + j] : nd->oid;
			r->idx[r->nidx] = (struct entry){ e, (uint32_t)k, r->head[e] };
			r->head[e] = (int64_t)r->nidx++;
		}
	}
	return CK_OK;
}

static void clear_scratch(struct run *r, const struct level *L)
{
	for (size_t k = 0; k < r->nidx; k++)
		r->head[r->idx[k].oid] = -1;
	for (size_t k = 0; k < L->n; k++)
		r->cur[L->v[k].oid] = -1;
	r->nidx = 0;
}

/* A node for `oid` at level L whose parents are the nodes above that
 * expect it (§6.1.3 (d)(1)(i), (d)(2)). */
static enum ck_status add_matched(struct run *r, struct level *L, uint32_t oid)
{
	enum ck_status rc;
	size_t node;
	if ((rc = add_node(r, L, oid, &node)) != CK_OK)
		return rc;
	for (int64_t e = r->head[oid]; e >= 0; e = r->idx[e].next)
		if ((rc = add_parent(r, L, node, r->idx[e].node)) != CK_OK)
			return rc;
	r->cur[oid] = (int64_t)node;
	return CK_OK;
}

/* A node for `oid` under the anyPolicy node above. */
static enum ck_status add_under_any(struct run *r, struct level *L, const struct level *prev,
				    uint32_t oid, size_t *out)
{
	enum ck_status rc;
	size_t node;
	if ((rc = add_node(r, L, oid, &node)) != CK_OK ||
	    (rc = add_parent(r, L, node, (uint32_t)prev->any)) != CK_OK)
		return rc;
	r->cur[oid] = (int64_t)node;
	if (out)
		*out = node;
	return CK_OK;
}

/* §6.1.3 (d): level i from the policies of certificate i. */
static enum ck_status process_policies(struct run *r, size_t i, const struct certinfo *ci,
				       bool self_issued)
{
	struct level *L = &r->lev[i];
	const struct level *prev = &r->lev[i - 1];
	enum ck_status rc;

	/* (d)(1) */
	for (size_t k = 0; k < ci->npol; k++) {
		uint32_t p = ci->pol[k];
		if (r->head[p] >= 0)
			rc = add_matched(r, L, p);
		else if (prev->any >= 0)
			rc = add_under_any(r, L, prev, p, NULL);
		else
			continue;
		if (rc != CK_OK)
			return rc;
	}
	/* (d)(2): anyPolicy carries every expected policy not yet matched */
	if (ci->any && (r->inhibit_any > 0 || (i < r->n && self_issued))) {
		for (size_t k = 0; k < r->nidx; k++) {
			uint32_t e = r->idx[k].oid;
			if (r->cur[e] < 0 && (rc = add_matched(r, L, e)) != CK_OK)
				return rc;
		}
		if (prev->any >= 0 && (rc = add_under_any(r, L, prev, ANY, NULL)) != CK_OK)
			return rc;
	}
	return CK_OK;
}

/* §6.1.4 (b): the policy mappings of certificate i, on level i. */
static enum ck_status process_mappings(struct run *r, size_t i, const struct certinfo *ci)
{
	struct level *L = &r->lev[i];
	const struct level *prev = &r->lev[i - 1];
	enum ck_status rc;

	for (size_t k = 0; k < ci->nmap;) {
		uint32_t from = ci->map[k].from;
		size_t end = k;
		int64_t node = r->cur[from];
		while (end < ci->nmap && ci->map[end].from == from)
			end++;
		if (r->policy_mapping == 0) {
			/* (b)(2)(i); (ii) is the final pass */
			if (node >= 0 && !L->v[node].dead) {
				L->v[node].dead = true;
				L->live--;
			}
		} else if (node >= 0 || L->any >= 0) {
			size_t nd = (size_t)node;
			/* (b)(1): a node for `from`, or one made under anyPolicy */
			if (node < 0 && (rc = add_under_any(r, L, prev, from, &nd)) != CK_OK)
				return rc;
			if ((rc = charge(r, end - k)) != CK_OK ||
			    (rc = grow((void **)&L->expv, &L->expcap, L->nexp + (end - k),
				       sizeof *L->expv)) != CK_OK)
				return rc;
			L->v[nd].exp = (uint32_t)L->nexp;
			L->v[nd].nexp = (uint32_t)(end - k);
			for (size_t j = k; j < end; j++)
				L->expv[L->nexp++] = ci->map[j].to;
		}
		k = end;
	}
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* messages */

/* "certificate 2 (CN=...)" into buf. */
static void cert_name(const struct run *r, size_t idx, char *buf, size_t size)
{
	const char *s = r->names ? r->names[idx] : NULL;
	if (s && *s)
		snprintf(buf, size, "certificate %zu (%.48s%s)", idx, s,
			 strlen(s) > 48 ? "..." : "");
	else
		snprintf(buf, size, "certificate %zu", idx);
}

/* The path fails at certs[idx]: why = "RFC 5280 <rule>: <message>", the
 * rule first so that a long message loses its tail, not its rule. */
static void fail(struct run *r, size_t idx, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct run *r, size_t idx, const char *rule, const char *fmt, ...)
{
	char *why = r->res->why;
	size_t size = sizeof r->res->why;
	int used = 0;
	va_list ap;

	r->res->ok = false;
	r->res->fail_index = idx;
	if (rule)
		used = snprintf(why, size, "RFC 5280 %s: ", rule);
	if (used < 0 || (size_t)used >= size)
		used = 0;
	va_start(ap, fmt);
	vsnprintf(why + used, size - (size_t)used, fmt, ap);
	va_end(ap);
	ck_text_oneline(why);
}

/* Up to three policies of a list, "a, b, c, ...". */
static void oid_list(const struct oids *t, const uint32_t *v, size_t n, bool any, char *buf,
		     size_t size)
{
	size_t used = 0, shown = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < n + any && used < size; k++) {
		uint32_t id = k < n ? v[k] : ANY;
		if (shown == 3) {
			snprintf(buf + used, size - used, ", ...");
			return;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s%s", shown ? ", " : "",
					 oid_show(t, id));
		shown++;
	}
}

/* The graph became NULL at certificate idx: say why, for later. */
static void note_null(struct run *r, size_t idx, const struct certinfo *ci, bool by_mapping)
{
	char who[WHO_MAX], list[96];
	cert_name(r, idx, who, sizeof who);
	r->null = true;
	if (by_mapping) {
		snprintf(r->null_desc, sizeof r->null_desc,
			 "%s maps policies while policy mapping is inhibited", who);
	} else if (!ci->has_policies) {
		snprintf(r->null_desc, sizeof r->null_desc, "%s has no certificatePolicies", who);
	} else {
		oid_list(&r->oids, ci->pol, ci->npol, ci->any, list, sizeof list);
		snprintf(r->null_desc, sizeof r->null_desc,
			 "no policy of %s (%s) is valid for the path%s", who, list,
			 ci->any && r->inhibit_any == 0 ? " (anyPolicy inhibited)" : "");
	}
}

/* The same for a list of strings. */
static void strv_list(char **v, char *buf, size_t size)
{
	size_t used = 0, k;
	buf[0] = '\0';
	for (k = 0; v[k] && k < 3 && used < size; k++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ", " : "", v[k]);
	if (v[k] && used < size)
		snprintf(buf + used, size - used, ", ...");
}

/* ---------------------------------------------------------------- */
/* §6.1.5 (g): the outputs */

static enum ck_status strv_add(char ***v, size_t *n, const char *s)
{
	char **p = realloc(*v, (*n + 2) * sizeof *p);
	if (!p)
		return CK_E_NOMEM;
	*v = p;
	if (!(p[*n] = strdup(s)))
		return CK_E_NOMEM;
	p[++*n] = NULL;
	return CK_OK;
}

static enum ck_status outputs(struct run *r, char ***auth_out, char ***user_out)
{
	enum ck_status rc = CK_OK;
	uint32_t *set = NULL;
	bool *in_set = NULL, *in_user = NULL;
	size_t nset = 0, nauth = 0, nuser = 0;
	char **auth = calloc(1, sizeof *auth), **user = calloc(1, sizeof *user);
	bool any = false;

	if (!auth || !user)
		goto nomem;
	if (r->null)
		goto done;
	if (!(in_set = calloc(r->oids.n, sizeof *in_set)) ||
	    !(in_user = calloc(r->oids.n, sizeof *in_user)) ||
	    !(set = malloc((r->graph + 1) * sizeof *set)))
		goto nomem;
	/* reachability, from the leaf's level up */
	for (size_t k = 0; k < r->lev[r->n].n; k++)
		r->lev[r->n].v[k].reach = !r->lev[r->n].v[k].dead;
	for (size_t i = r->n; i > 0; i--) {
		struct level *L = &r->lev[i];
		for (size_t k = 0; k < L->n; k++) {
			if (!L->v[k].reach)
				continue;
			for (uint32_t j = 0; j < L->v[k].npar; j++)
				r->lev[i - 1].v[L->parv[L->v[k].par + j]].reach = true;
		}
	}
	/* valid_policy_node_set: concrete nodes whose parent is anyPolicy */
	for (size_t i = 1; i <= r->n; i++) {
		struct level *L = &r->lev[i];
		for (size_t k = 0; k < L->n; k++) {
			struct node *nd = &L->v[k];
			if (!nd->reach || nd->oid == ANY || nd->npar != 1 ||
			    (int64_t)L->parv[nd->par] != r->lev[i - 1].any || in_set[nd->oid])
				continue;
			in_set[nd->oid] = true;
			set[nset++] = nd->oid;
		}
	}
	if (r->lev[r->n].any >= 0) {
		any = true;
		set[nset++] = ANY;
	}
	for (size_t k = 0; k < nset; k++)
		if ((rc = strv_add(&auth, &nauth, r->oids.s[set[k]])) != CK_OK)
			goto out;
	if (!r->initial) {
		for (size_t k = 0; k < nset; k++)
			if ((rc = strv_add(&user, &nuser, r->oids.s[set[k]])) != CK_OK)
				goto out;
		goto done;
	}
	/* intersect with the initial set (anyPolicy stands for all of it) */
	for (size_t k = 0; k < r->ninitial; k++) {
		uint32_t p = r->initial[k];
		if ((in_set[p] || any) && !in_user[p]) {
			in_user[p] = true;
			if ((rc = strv_add(&user, &nuser, r->oids.s[p])) != CK_OK)
				goto out;
		}
	}
done:
	*auth_out = auth;
	*user_out = user;
	auth = user = NULL;
	goto out;
nomem:
	rc = CK_E_NOMEM;
out:
	for (size_t k = 0; auth && auth[k]; k++)
		free(auth[k]);
	for (size_t k = 0; user && user[k]; k++)
		free(user[k]);
	free(auth);
	free(user);
	free(set);
	free(in_set);
	free(in_user);
	return rc;
}

/* ---------------------------------------------------------------- */
/* the algorithm */

static void dec(size_t *v)
{
	if (*v)
		(*v)--;
}

/* §6.1.2: the initial state. */
static enum ck_status init_run(struct run *r)
{
	const struct ck_certpol_opts *o = r->o;
	size_t start = r->n == SIZE_MAX ? SIZE_MAX : r->n + 1;
	enum ck_status rc;
	uint32_t id;
	size_t node;

	if ((rc = oid_intern(&r->oids, CK_OID_ANY_POLICY, &id)) != CK_OK)
		return rc;
	if (o && o->ninitial) {
		bool any = false;
		if (!o->initial)
			return ck_error_set(r->err, CK_E_USAGE, "initial policy set: NULL list");
		if (!(r->initial = calloc(o->ninitial, sizeof *r->initial)))
			return CK_E_NOMEM;
		for (size_t k = 0; k < o->ninitial; k++) {
			if (!o->initial[k] || !oid_dotted(o->initial[k]))
				return ck_error_set(r->err, CK_E_USAGE,
						    "initial policy '%s' is not a dotted OID",
						    o->initial[k] ? o->initial[k] : "(null)");
			if ((rc = oid_intern(&r->oids, o->initial[k], &r->initial[k])) != CK_OK)
				return rc;
			any |= r->initial[k] == ANY;
		}
		r->ninitial = o->ninitial;
		if (any) {
			free(r->initial);
			r->initial = NULL;
			r->ninitial = 0;
		}
	}
	/* (a) the graph: one anyPolicy node at depth 0 */
	if (!(r->lev = calloc(r->n + 1, sizeof *r->lev)))
		return CK_E_NOMEM;
	for (size_t i = 0; i <= r->n; i++)
		r->lev[i].any = -1;
	if ((rc = add_node(r, &r->lev[0], ANY, &node)) != CK_OK)
		return rc;
	/* (d) (e) (f) */
	r->explicit_policy = o && o->explicit_policy ? 0 : start;
	r->inhibit_any = o && o->inhibit_any ? 0 : start;
	r->policy_mapping = o && o->inhibit_mapping ? 0 : start;
	snprintf(r->explicit_src, sizeof r->explicit_src, "initial-explicit-policy");
	return CK_OK;
}

/* Certificate i (1-based, certs[i-1]): §6.1.3 (d)(e)(f), then §6.1.4
 * (a)(b)(h)(i)(j) unless it is the leaf.  *failed: the path failed. */
static enum ck_status step(struct run *r, size_t i, const struct ck_certpol_exts *c,
			   struct certinfo *ci, bool *failed)
{
	bool last = i == r->n;
	char who[WHO_MAX];
	enum ck_status rc;

	*failed = false;
	cert_name(r, i - 1, who, sizeof who);
	if (!r->null) {
		struct level *L = &r->lev[i];
		if (ci->has_policies) {
			if ((rc = scratch(r)) != CK_OK || (rc = build_index(r, &r->lev[i - 1])) != CK_OK ||
			    (rc = process_policies(r, i, ci, c->self_issued)) != CK_OK)
				return rc;
		}
		if (L->live == 0) /* (e), or nothing matched in (d) */
			note_null(r, i - 1, ci, false);
	}
	/* (f) */
	if (r->explicit_policy == 0 && r->null) {
		fail(r, i - 1, "6.1.3 (f)", "%s; explicit policy required by %s", r->null_desc,
		     r->explicit_src);
		*failed = true;
		return CK_OK;
	}
	if (last)
		return CK_OK;
	/* 6.1.4 (a) */
	for (size_t k = 0; k < ci->nmap; k++) {
		if (ci->map[k].from == ANY || ci->map[k].to == ANY) {
			fail(r, i - 1, "6.1.4 (a)", "%s: policyMappings maps %s to %s; anyPolicy "
							"cannot be mapped", who,
			     oid_show(&r->oids, ci->map[k].from), oid_show(&r->oids, ci->map[k].to));
			*failed = true;
			return CK_OK;
		}
	}
	/* (b) */
	if (!r->null && ci->nmap) {
		if ((rc = process_mappings(r, i, ci)) != CK_OK)
			return rc;
		if (r->lev[i].live == 0)
			note_null(r, i - 1, ci, true);
	}
	/* (h) */
	if (!c->self_issued) {
		dec(&r->explicit_policy);
		dec(&r->policy_mapping);
		dec(&r->inhibit_any);
	}
	/* (i) */
	if (ci->has_require && ci->require < r->explicit_policy) {
		r->explicit_policy = ci->require;
		snprintf(r->explicit_src, sizeof r->explicit_src,
			 "requireExplicitPolicy %zu in certificate %zu", ci->require, i - 1);
	}
	if (ci->has_inhibit_map && ci->inhibit_map < r->policy_mapping)
		r->policy_mapping = ci->inhibit_map;
	/* (j) */
	if (ci->has_iap && ci->iap < r->inhibit_any)
		r->inhibit_any = ci->iap;
	return CK_OK;
}

static void run_cleanup(struct run *r)
{
	if (r->lev) {
		for (size_t i = 0; i <= r->n; i++) {
			free(r->lev[i].v);
			free(r->lev[i].parv);
			free(r->lev[i].expv);
		}
	}
	free(r->lev);
	free(r->initial);
	free(r->head);
	free(r->cur);
	free(r->idx);
	oids_free(&r->oids);
}

static enum ck_status process(const struct ck_certpol_exts *certs, size_t n,
			      const char *const *names, const char *const *pre_fail,
			      const struct ck_certpol_opts *o, struct ck_certpol_result *res,
			      struct ck_error *err)
{
	struct run r = { .o = o, .names = names, .n = n, .res = res, .err = err };
	struct certinfo ci = { 0 };
	enum ck_status rc;
	bool failed = false;
	struct bad b;

	memset(res, 0, sizeof *res);
	res->ok = true;
	if (n == SIZE_MAX) {
		rc = ck_error_set(err, CK_E_USAGE, "path too long");
		goto out;
	}
	if ((rc = init_run(&r)) != CK_OK)
		goto out;
	for (size_t i = 1; i <= n && !failed; i++) {
		char who[WHO_MAX];
		cert_name(&r, i - 1, who, sizeof who);
		if (pre_fail && pre_fail[i - 1]) {
			fail(&r, i - 1, "4.2", "%s: %s", who, pre_fail[i - 1]);
			failed = true;
			break;
		}
		rc = decode_cert(&r.oids, &certs[i - 1], &ci, &b);
		if (rc == CK_E_PARSE) {
			fail(&r, i - 1, b.rule, "%s: %s", who, b.msg);
			failed = true;
			rc = CK_OK;
		} else if (rc == CK_OK) {
			rc = step(&r, i, &certs[i - 1], &ci, &failed);
			if (r.nscratch)
				clear_scratch(&r, &r.lev[i]);
		}
		if (rc == CK_E_TOO_LARGE) {
			fail(&r, i - 1, NULL, "policy graph limit: at %s the policy graph "
					      "exceeds %d nodes and links", who, CK_CERTPOL_MAX_GRAPH);
			failed = true;
			rc = CK_OK;
		}
		if (rc != CK_OK)
			goto out;
		/* 6.1.5 (a)(b), with the leaf's policyConstraints */
		if (i == n && !failed) {
			dec(&r.explicit_policy);
			if (ci.has_require && ci.require == 0) {
				r.explicit_policy = 0;
				snprintf(r.explicit_src, sizeof r.explicit_src,
					 "requireExplicitPolicy 0 in certificate %zu", i - 1);
			}
		}
		certinfo_cleanup(&ci);
	}
	if (n == 0)
		dec(&r.explicit_policy);
	if (failed)
		r.null = true; /* outputs: empty */
	if ((rc = outputs(&r, &res->authorities_constrained, &res->user_constrained)) != CK_OK)
		goto out;
	res->explicit_required = r.explicit_policy == 0;
	if (failed)
		goto out;
	/* (g) and the end of 6.1.5 (RFC 9618 4.4) */
	if (r.explicit_policy == 0 && !res->user_constrained[0]) {
		char want[96] = "", valid[96] = "";
		size_t leaf = n ? n - 1 : 0;
		if (r.null) {
			fail(&r, leaf, "6.1.5 (g)", "%s; explicit policy required by %s",
			     r.null_desc, r.explicit_src);
		} else {
			oid_list(&r.oids, r.initial, r.ninitial, false, want, sizeof want);
			strv_list(res->authorities_constrained, valid, sizeof valid);
			fail(&r, leaf, "6.1.5 (g)", "no initial policy (%s) is valid for the path, "
						    "which is valid for %s; explicit policy required "
						    "by %s", want, valid, r.explicit_src);
		}
	}
out:
	certinfo_cleanup(&ci);
	run_cleanup(&r);
	if (rc != CK_OK) {
		if (rc == CK_E_NOMEM)
			ck_error_set(err, CK_E_NOMEM, "out of memory in policy processing");
		ck_certpol_result_cleanup(res);
	}
	return rc;
}

enum ck_status ck_certpol_process_exts(const struct ck_certpol_exts *certs, size_t n,
				       const struct ck_certpol_opts *o,
				       struct ck_certpol_result *res, struct ck_error *err)
{
	return process(certs, n, NULL, NULL, o, res, err);
}

/* The policy extensions of a certificate; *why set when one is
 * duplicated or the extensions cannot be walked. */
static void cert_exts(const struct ck_cert *c, struct ck_certpol_exts *x, const char **why)
{
	static const struct {
		const char *oid, *dup;
		size_t off;
	} want[] = {
		{ OID_POLICIES, "two certificatePolicies extensions",
		  offsetof(struct ck_certpol_exts, policies) },
		{ OID_MAPPINGS, "two policyMappings extensions",
		  offsetof(struct ck_certpol_exts, mappings) },
		{ OID_CONSTRAINTS, "two policyConstraints extensions",
		  offsetof(struct ck_certpol_exts, constraints) },
		{ OID_INHIBIT_ANY, "two inhibitAnyPolicy extensions",
		  offsetof(struct ck_certpol_exts, inhibit_any) },
	};
	struct ck_ext e;
	size_t pos = 0;
	int more;

	memset(x, 0, sizeof *x);
	x->self_issued = c->self_issued;
	*why = NULL;
	while ((more = ck_cert_ext_next(c, &pos, &e)) == 1) {
		for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
			struct ck_certpol_ext *d =
				(struct ck_certpol_ext *)((char *)x + want[k].off);
			if (strcmp(e.oid, want[k].oid) != 0)
				continue;
			if (d->present && !*why)
				*why = want[k].dup;
			d->present = true;
			d->critical = e.critical;
			d->value = e.value;
			d->len = e.len;
		}
	}
	if (more < 0 && !*why)
		*why = "its extensions cannot be read";
}

enum ck_status ck_certpol_process(const struct ck_cert *const *certs, size_t n,
				  const struct ck_certpol_opts *o,
				  struct ck_certpol_result *res, struct ck_error *err)
{
	struct ck_certpol_exts *x = NULL;
	const char **names = NULL, **why = NULL;
	enum ck_status rc;

	if (n && (!(x = calloc(n, sizeof *x)) || !(names = calloc(n, sizeof *names)) ||
		  !(why = calloc(n, sizeof *why)))) {
		memset(res, 0, sizeof *res);
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory in policy processing");
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		cert_exts(certs[k], &x[k], &why[k]);
		names[k] = certs[k]->subject;
	}
	rc = process(x, n, names, why, o, res, err);
out:
	free(x);
	free(names);
	free(why);
	return rc;
}

void ck_certpol_result_cleanup(struct ck_certpol_result *res)
{
	if (!res)
		return;
	for (size_t k = 0; res->user_constrained && res->user_constrained[k]; k++)
		free(res->user_constrained[k]);
	for (size_t k = 0; res->authorities_constrained && res->authorities_constrained[k]; k++)
		free(res->authorities_constrained[k]);
	free(res->user_constrained);
	free(res->authorities_constrained);
	memset(res, 0, sizeof *res);
}
