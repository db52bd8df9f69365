/* chain — the pool and the path builder.
 *
 * Pool: entries in insertion order, with three hash indexes (raw
 * subject DN, subject key id, SHA-256 of the DER) so that finding the
 * candidate issuers of a certificate costs O(candidates), never O(pool).
 * Signatures are verified at most once per (child, issuer) pair and the
 * result cached; an issuer's public key is imported once.
 *
 * Path search, from the leaf upwards, depth first with backtracking:
 *
 *   extend(path):
 *     top = last certificate of path
 *     if top is a trust anchor            -> evaluate(path)   [trusted]
 *     if top is self-signed               -> evaluate(path)   [complete]
 *     C = candidate issuers of top: subject == top.issuer (raw DN), or
 *         SKI == top.AKI; minus certificates already on the path, and
 *         minus any with the same name and key as one on the path, so
 *         cross-certificates cannot loop
 *     order C: anchors, AKI match, valid at `at`, CAs, latest notAfter,
 *         then pool order (the input first, in its order)
 *     for c in C whose signature over top verifies:
 *         extend(path + c); stop early once a path is trusted and valid
 *     if no c was followed                -> evaluate(path)   [incomplete]
 *
 *   evaluate(path): validate it (dates, basicConstraints, pathLen,
 *     keyCertSign, name constraints, purpose, hostname, critical
 *     extensions, weak signatures) and keep it if it beats the best so
 *     far, by: reaches an anchor > has no error > complete > fewer
 *     errors > (complete: shorter, incomplete: longer) > fewer warnings.
 *
 * Bounds: depth CK_CHAIN_MAX_DEPTH and at most MAX_EVALUATIONS terminal
 * paths per leaf, so a pool full of cross-certificates cannot blow up.
 * Each bad candidate (expired, not a CA, wrong EKU...) costs one
 * evaluation, which is why the search continues past it. */
#include "config.h"

#include "chain.h"
#include "dn.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_EVALUATIONS 64
#define MAX_CANDIDATES 32
#define MAX_SCAN 256

const char *ck_source_name(enum ck_source s)
{
	switch (s) {
	case CK_SRC_TRUST: return "trust-store";
	case CK_SRC_FETCHED: return "fetched";
	default: return "input";
	}
}

/* ---------------------------------------------------------------- */
/* a small multimap: 64-bit key -> entry indices */

struct mm_node { /* 16 bytes: three per certificate */
	uint64_t key;
	uint32_t entry;
	int32_t next;
};

struct multimap {
	int32_t *heads;
	size_t nheads; /* power of two */
	struct mm_node *nodes;
	size_t n, cap;
};

static void mm_free(struct multimap *m)
{
	free(m->heads);
	free(m->nodes);
	memset(m, 0, sizeof *m);
}

static bool mm_rehash(struct multimap *m, size_t nheads)
{
	int32_t *h = malloc(nheads * sizeof *h);
	if (!h)
		return false;
	for (size_t i = 0; i < nheads; i++)
		h[i] = -1;
	for (size_t i = 0; i < m->n; i++) {
		size_t b = m->nodes[i].key & (nheads - 1);
		m->nodes[i].next = h[b];
		h[b] = (int32_t)i;
	}
	free(m->heads);
	m->heads = h;
	m->nheads = nheads;
	return true;
}

static bool mm_add(struct multimap *m, uint64_t key, size_t entry)
{
	size_t b;
	if (m->n >= INT32_MAX || entry > UINT32_MAX)
		return false; /* (the nodes hold 32-bit indices) */
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct mm_node *nn = realloc(m->nodes, cap * sizeof *nn);
		if (!nn)
			return false;
		m->nodes = nn;
		m->cap = cap;
	}
	if (m->n >= m->nheads && !mm_rehash(m, m->nheads ? m->nheads * 2 : 64))
		return false;
	b = key & (m->nheads - 1);
	m->nodes[m->n].key = key;
	m->nodes[m->n].entry = (uint32_t)entry;
	m->nodes[m->n].next = m->heads[b];
	m->heads[b] = (int32_t)m->n;
	m->n++;
	return true;
}

/* Iterate: start with *it = -2. */
static bool mm_next(const struct multimap *m, uint64_t key, long *it, size_t *entry)
{
	long i;
	if (!m->nheads)
		return false;
	i = *it == -2 ? m->heads[key & (m->nheads - 1)] : m->nodes[*it].next;
	for (; i >= 0; i = m->nodes[i].next) {
		if (m->nodes[i].key == key) {
			*it = i;
			*entry = m->nodes[i].entry;
			return true;
		}
	}
	*it = -1;
	return false;
}

/* FNV-1a: an index key only; equality is always confirmed on bytes. */
static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* ---------------------------------------------------------------- */
/* signature cache: open addressing on (child, issuer) */

struct sig_slot {
	uint64_t key; /* (child + 1) << 32 | (issuer + 1); 0 = empty */
	int8_t result;
};

struct ck_pool {
	struct ck_pool_entry *e;
	size_t n, cap;
	/* the certificates as an array (CRL signer candidates), rebuilt
	 * when the pool grows */
	const struct ck_cert **certs_view;
	size_t certs_view_n;
	bool certs_view_stale;
	/* signature checks allowed; once spent, checks answer "cannot be
	 * checked" and the chains built say they were cut short */
	size_t budget;
	bool budget_hit;
	struct multimap by_subject, by_ski, by_sha;
	struct sig_slot *sig;
	size_t sig_cap, sig_n;
	size_t verifications;
};

static uint64_t sig_key(size_t child, size_t issuer)
{
	return ((uint64_t)(child + 1) << 32) | (uint64_t)(issuer + 1);
}

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

static struct sig_slot *sig_find(struct ck_pool *p, uint64_t key)
{
	size_t i;
	if (!p->sig_cap)
		return NULL;
	for (i = mix(key) & (p->sig_cap - 1);; i = (i + 1) & (p->sig_cap - 1)) {
		if (p->sig[i].key == key || p->sig[i].key == 0)
			return &p->sig[i];
	}
}

static bool sig_store(struct ck_pool *p, uint64_t key, int8_t result)
{
	struct sig_slot *s;
	if ((p->sig_n + 1) * 2 > p->sig_cap) {
		size_t cap = p->sig_cap ? p->sig_cap * 2 : 256;
		struct sig_slot *old = p->sig, *ns = calloc(cap, sizeof *ns);
		size_t oldcap = p->sig_cap;
		if (!ns)
			return false;
		p->sig = ns;
		p->sig_cap = cap;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].key)
				*sig_find(p, old[i].key) = old[i];
		free(old);
	}
	s = sig_find(p, key);
	if (s->key == 0)
		p->sig_n++;
	s->key = key;
	s->result = result;
	return true;
}

/* ---------------------------------------------------------------- */
/* pool */

enum ck_status ck_pool_new(struct ck_pool **out)
{
	struct ck_pool *p = calloc(1, sizeof *p);
	if (!p)
		return CK_E_NOMEM;
	*out = p;
	return CK_OK;
}

void ck_pool_free(struct ck_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		ck_pubkey_free(p->e[i].pubkey);
	free(p->e);
	mm_free(&p->by_subject);
	mm_free(&p->by_ski);
	mm_free(&p->by_sha);
	free(p->sig);
	free(p->certs_view);
	free(p);
}

size_t ck_pool_count(const struct ck_pool *p)
{
	return p->n;
}

const struct ck_pool_entry *ck_pool_get(const struct ck_pool *p, size_t i)
{
	return i < p->n ? &p->e[i] : NULL;
}

size_t ck_pool_verifications(const struct ck_pool *p)
{
	return p->verifications;
}

long ck_pool_find(const struct ck_pool *p, const struct ck_cert *c)
{
	long it = -2;
	size_t idx;
	uint64_t k = fnv(c->sha256, 32);
	while (mm_next(&p->by_sha, k, &it, &idx))
		if (ck_cert_equal(p->e[idx].cert, c))
			return (long)idx;
	return -1;
}

enum ck_status ck_pool_add(struct ck_pool *p, const struct ck_cert *c,
			   enum ck_source source, bool anchor, const char *origin,
			   int input_index, size_t *index)
{
	struct ck_pool_entry *e;
	long dup = ck_pool_find(p, c);
	size_t i;

	p->certs_view_stale = true;
	if (dup >= 0 && source != CK_SRC_INPUT) {
		/* a store copy of something we have: it makes ours an anchor */
		if (anchor && !p->e[dup].anchor) {
			p->e[dup].anchor = true;
			p->e[dup].origin = origin;
		}
		if (index)
			*index = (size_t)dup;
		return CK_OK;
	}
	if (dup >= 0 && p->e[dup].source != CK_SRC_INPUT) {
		/* input copy of a store certificate: keep one entry, now input */
		p->e[dup].source = CK_SRC_INPUT;
		p->e[dup].input_index = input_index;
		p->e[dup].cert = c;
		if (index)
			*index = (size_t)dup;
		return CK_OK;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct ck_pool_entry *ne = realloc(p->e, cap * sizeof *ne);
		if (!ne)
			return CK_E_NOMEM;
		p->e = ne;
		p->cap = cap;
	}
	i = p->n;
	e = &p->e[i];
	memset(e, 0, sizeof *e);
	e->cert = c;
	e->source = source;
	e->anchor = anchor;
	e->origin = origin;
	e->input_index = input_index;
	e->duplicate_of = (int)dup;
	/* names are indexed by their canonical form, so that an issuer
	 * whose subject is encoded differently (case, spaces, string type)
	 * is still found by name */
	e->subj_hash = ck_dn_hash(ck_cert_span(c, c->subject_raw), c->subject_raw.len);
	e->iss_hash = ck_dn_hash(ck_cert_span(c, c->issuer_raw), c->issuer_raw.len);
	p->n++;
	if (dup >= 0) {
		/* an input duplicate: recorded, not indexed */
		if (index)
			*index = i;
		return CK_OK;
	}
	if (!mm_add(&p->by_subject, e->subj_hash, i) ||
	    (c->ski_len && !mm_add(&p->by_ski, fnv(c->ski, c->ski_len), i)) ||
	    !mm_add(&p->by_sha, fnv(c->sha256, 32), i)) {
		p->n--;
		return CK_E_NOMEM;
	}
	if (index)
		*index = i;
	return CK_OK;
}

/* A set of 64-bit keys (open addressing, 0 = empty; key 0 is mapped
 * to 1, which only makes the set a little more eager). */
struct keyset {
	uint64_t *v;
	size_t cap;
};

static bool keyset_add(struct keyset *s, uint64_t k)
{
	size_t i;
	if (!k)
		k = 1;
	for (i = mix(k) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == k)
			return false;
	s->v[i] = k;
	return true;
}

void ck_pool_input_issuers(const struct ck_pool *p, bool *issues)
{
	/* Each distinct issuer name is looked up once: ten thousand
	 * certificates naming the same issuer cost one bucket walk, not ten
	 * thousand (the walk itself is bounded by the entries with that
	 * subject). */
	struct keyset seen = { NULL, 64 };

	while (seen.cap < 2 * p->n + 2)
		seen.cap *= 2;
	seen.v = calloc(seen.cap, sizeof *seen.v);
	for (size_t i = 0; i < p->n; i++)
		issues[i] = false;
	for (size_t i = 0; i < p->n; i++) {
		const struct ck_pool_entry *e = &p->e[i];
		long it = -2;
		size_t j;
		if (e->source != CK_SRC_INPUT || e->duplicate_of >= 0)
			continue;
		/* (a self-issued certificate's walk skips itself, so it
		 * says nothing about the others of its issuer name) */
		if (seen.v && !e->cert->self_issued && !keyset_add(&seen, e->iss_hash))
			continue;
		/* Self-issued certificates of one name (a root and its
		 * re-issues) do not issue each other in this sense. */
		while (mm_next(&p->by_subject, e->iss_hash, &it, &j))
			if (j != i && !(e->cert->self_issued && p->e[j].cert->self_issued) &&
			    ck_cert_name_issued(e->cert, p->e[j].cert))
				issues[j] = true;
	}
	free(seen.v);
}

int ck_pool_verify(struct ck_pool *p, size_t child, size_t issuer)
{
	uint64_t key = sig_key(child, issuer);
	struct sig_slot *s = sig_find(p, key);
	struct ck_pool_entry *is = &p->e[issuer];
	bool valid = false;
	int result;

	if (s && s->key == key)
		return s->result;
	if (!is->pubkey && !is->pubkey_failed) {
		if (ck_pubkey_from_cert(is->cert, &is->pubkey, NULL))
			is->pubkey_failed = true;
	}
	if (is->pubkey_failed) {
		result = -1;
	} else if (p->budget && p->verifications >= p->budget) {
		p->budget_hit = true;
		return -1; /* not cached: a later build with a new budget may check it */
	} else {
		p->verifications++;
		if (ck_cert_verify_with(p->e[child].cert, is->pubkey, &valid, NULL))
			result = -1;
		else
			result = valid ? 1 : 0;
	}
	sig_store(p, key, (int8_t)result);
	return result;
}

/* The signature budget of the pool, set by the first build. */
static void pool_set_budget(struct ck_pool *p, const struct ck_chain_opts *o)
{
	if (!p->budget)
		p->budget = o && o->max_verifications ? o->max_verifications : 1000 + 2 * p->n;
}

/* ---------------------------------------------------------------- */
/* verifying ahead, in parallel
 *
 * The links are listed first (one thread, in pool order), then verified
 * by a pool of threads that take them in chunks from a shared counter,
 * each result into its own slot; then the results go into the cache in
 * list order.  A thread never writes a pool entry: with more than one
 * thread, each imports its own copy of the issuer keys it needs (GnuTLS
 * objects are not to be shared between threads). */

static bool is_anchor(struct ck_pool *p, size_t i);

#define AHEAD_CHUNK 32
#define AHEAD_MAX_THREADS 64
#define AHEAD_NOT_DONE ((int8_t)-2)

struct ahead_link {
	size_t child, issuer;
};

struct ahead {
	struct ck_pool *p;
	const struct ahead_link *links;
	size_t n;
	int8_t *result;
	size_t next;          /* next link to take; atomic */
	bool own_keys;        /* each thread imports its issuer keys */
};

static void *ahead_worker(void *arg)
{
	struct ahead *a = arg;
	struct ck_pubkey **keys = NULL;

	if (a->own_keys && !(keys = calloc(a->p->n, sizeof *keys)))
		return NULL; /* the other threads (and the builder) do the work */
	for (;;) {
		size_t k = __atomic_fetch_add(&a->next, AHEAD_CHUNK, __ATOMIC_RELAXED);
		if (k >= a->n)
			break;
		for (size_t j = k; j < k + AHEAD_CHUNK && j < a->n; j++) {
			const struct ahead_link *l = &a->links[j];
			const struct ck_pubkey *key = a->p->e[l->issuer].pubkey;
			bool valid = false;
			if (keys) {
				if (!keys[l->issuer] &&
				    ck_pubkey_from_cert(a->p->e[l->issuer].cert, &keys[l->issuer], NULL))
					continue; /* left AHEAD_NOT_DONE */
				key = keys[l->issuer];
			}
			a->result[j] = ck_cert_verify_with(a->p->e[l->child].cert, key, &valid, NULL) ?
					       -1 : valid ? 1 : 0;
		}
	}
	if (keys)
		for (size_t i = 0; i < a->p->n; i++)
			ck_pubkey_free(keys[i]);
	free(keys);
	return NULL;
}

/* Add (child, issuer) unless the cache or the list has it; the issuer's
 * key is imported here (once, by this thread), as ck_pool_verify does. */
static bool ahead_add(struct ck_pool *p, struct ahead_link **v, size_t *n, size_t *cap,
		      size_t first_of_child, size_t child, size_t issuer)
{
	struct ck_pool_entry *is = &p->e[issuer];
	struct sig_slot *s = sig_find(p, sig_key(child, issuer));

	if (s && s->key == sig_key(child, issuer))
		return true;
	for (size_t k = first_of_child; k < *n; k++)
		if ((*v)[k].issuer == issuer)
			return true;
	if (!is->pubkey && !is->pubkey_failed && ck_pubkey_from_cert(is->cert, &is->pubkey, NULL))
		is->pubkey_failed = true;
	if (is->pubkey_failed)
		return true; /* "cannot be checked": ck_pool_verify says so itself */
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		struct ahead_link *nv = realloc(*v, c * sizeof *nv);
		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	(*v)[*n].child = child;
	(*v)[*n].issuer = issuer;
	(*n)++;
	return true;
}

/* The links the builder may try above entry i: the same walks as
 * collect_candidates(), without the path. */
static bool ahead_links_of(struct ck_pool *p, size_t i, struct ahead_link **v, size_t *n,
			   size_t *cap)
{
	const struct ck_pool_entry *e = &p->e[i];
	const struct ck_cert *child = e->cert;
	size_t first = *n, found = 0, scanned = 0, idx;
	long it = -2;

	if (child->self_issued && !ahead_add(p, v, n, cap, first, i, i))
		return false;
	if (is_anchor(p, i))
		return true; /* the builder stops at an anchor */
	while (found < MAX_CANDIDATES && scanned++ < MAX_SCAN &&
	       mm_next(&p->by_subject, e->iss_hash, &it, &idx)) {
		if (idx == i || !ck_cert_name_issued(child, p->e[idx].cert))
			continue;
		found++;
		if (!ahead_add(p, v, n, cap, first, i, idx))
			return false;
	}
	if (!child->aki_len)
		return true;
	it = -2;
	scanned = 0;
	while (found < MAX_CANDIDATES && scanned++ < MAX_SCAN &&
	       mm_next(&p->by_ski, fnv(child->aki, child->aki_len), &it, &idx)) {
		const struct ck_cert *c = p->e[idx].cert;
		if (idx == i || c->ski_len != child->aki_len ||
		    memcmp(c->ski, child->aki, c->ski_len) || !ck_cert_name_issued(child, c))
			continue;
		found++;
		if (!ahead_add(p, v, n, cap, first, i, idx))
			return false;
	}
	return true;
}

static unsigned ahead_threads(const struct ck_chain_opts *o, size_t n)
{
	long t = o && o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);
	size_t chunks = (n + AHEAD_CHUNK - 1) / AHEAD_CHUNK;
	if (t < 1)
		t = 1;
	if (t > AHEAD_MAX_THREADS)
		t = AHEAD_MAX_THREADS;
	return (size_t)t > chunks ? (unsigned)(chunks ? chunks : 1) : (unsigned)t;
}

enum ck_status ck_pool_verify_ahead(struct ck_pool *p, const struct ck_chain_opts *o)
{
	struct ahead_link *links = NULL;
	size_t n = 0, cap = 0;
	struct ahead a = { 0 };
	pthread_t tid[AHEAD_MAX_THREADS];
	unsigned nt, started = 0;
	enum ck_status rc = CK_OK;

	pool_set_budget(p, o);
	for (size_t i = 0; i < p->n; i++) {
		const struct ck_pool_entry *e = &p->e[i];
		if (e->duplicate_of >= 0 || e->source == CK_SRC_TRUST)
			continue;
		if (!ahead_links_of(p, i, &links, &n, &cap)) {
			rc = CK_E_NOMEM;
			goto out;
		}
	}
	if (!n || p->verifications > p->budget || n > (p->budget - p->verifications) / 2)
		goto out;
	a.p = p;
	a.links = links;
	a.n = n;
	a.result = malloc(n);
	if (!a.result) {
		rc = CK_E_NOMEM;
		goto out;
	}
	memset(a.result, (unsigned char)AHEAD_NOT_DONE, n);
	nt = ahead_threads(o, n);
	a.own_keys = nt > 1;
	for (unsigned t = 1; t < nt; t++)
		if (pthread_create(&tid[started], NULL, ahead_worker, &a) == 0)
			started++;
	ahead_worker(&a); /* this thread is one of them */
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	for (size_t k = 0; k < n; k++) {
		if (a.result[k] == AHEAD_NOT_DONE)
			continue; /* the builder verifies it when it needs it */
		p->verifications++;
		if (!sig_store(p, sig_key(links[k].child, links[k].issuer), a.result[k])) {
			rc = CK_E_NOMEM;
			goto out;
		}
	}
out:
	free(a.result);
	free(links);
	return rc;
}

/* ---------------------------------------------------------------- */
/* search */

struct candidate {
	size_t idx;
	int rank;
	time_t not_after;     /* (time_t)-1: no expiry */
};

struct best {
	bool have;
	size_t path[CK_CHAIN_MAX_DEPTH + 1];
	size_t len;
	bool trusted, complete, self_signed_top, issuer_present;
	struct ck_problems ps;
	struct ck_validation v;
};

struct search {
	struct ck_pool *p;
	const struct ck_chain_opts *o;
	time_t at;
	unsigned max_depth;
	size_t path[CK_CHAIN_MAX_DEPTH + 1];
	size_t len;
	unsigned evaluations;
	bool done;
	bool cut;             /* a bound stopped the search */
	struct best best;
	/* the trace, and the first failure seen below the candidate being
	 * followed (what the trace says when it is rejected) */
	struct ck_trace_entry *trace;
	size_t ntrace;
	bool trace_truncated;
	char *capture;
	struct ck_error *err;
	enum ck_status rc;
};
static bool same_name_and_key(const struct ck_cert *a, const struct ck_cert *b)
{
	return a->subject_raw.len == b->subject_raw.len &&
	       memcmp(ck_cert_span(a, a->subject_raw), ck_cert_span(b, b->subject_raw),
		      a->subject_raw.len) == 0 &&
	       memcmp(a->spki_sha256, b->spki_sha256, 32) == 0;
}

/* An anchor, or the same name and key as an anchor (a re-issued or
 * re-encoded copy of a trusted root). */
static bool is_anchor(struct ck_pool *p, size_t i)
{
	long it = -2;
	size_t j;
	if (p->e[i].anchor)
		return true;
	while (mm_next(&p->by_subject, p->e[i].subj_hash, &it, &j))
		if (p->e[j].anchor && same_name_and_key(p->e[j].cert, p->e[i].cert))
			return true;
	return false;
}

static bool self_signed(struct ck_pool *p, size_t i)
{
	struct ck_pool_entry *e = &p->e[i];
	if (!e->cert->self_issued)
		return false;
	if (!e->self_sig)
		e->self_sig = ck_pool_verify(p, i, i) == 1 ? 1 : 2;
	return e->self_sig == 1;
}

static bool on_path(const struct search *s, size_t idx)
{
	const struct ck_cert *c = s->p->e[idx].cert;
	for (size_t k = 0; k < s->len; k++)
		if (s->path[k] == idx || same_name_and_key(s->p->e[s->path[k]].cert, c))
			return true;
	return false;
}

static int rank_candidate(struct search *s, const struct ck_cert *child, size_t idx)
{
	const struct ck_pool_entry *e = &s->p->e[idx];
	const struct ck_cert *c = e->cert;
	int r = 0;
	if (is_anchor(s->p, idx))
		r += 16;
	if (child->aki_len && c->ski_len == child->aki_len &&
	    memcmp(c->ski, child->aki, c->ski_len) == 0)
		r += 8;
	if (s->at >= c->not_before && (c->not_after == (time_t)-1 || s->at <= c->not_after))
		r += 4;
	if (c->has_basic_constraints && c->ca)
		r += 2;
	return r;
}

/* Higher rank first; then the later notAfter (a renewed CA before the
 * one it replaces); then pool order: the input's own order, before
 * trust-store certificates (ck_analyze adds the input first). */
static int cmp_candidate(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->rank != y->rank)
		return y->rank - x->rank;
	if (x->not_after != y->not_after) {
		if (x->not_after == (time_t)-1 || y->not_after == (time_t)-1)
			return x->not_after == (time_t)-1 ? -1 : 1;
		return x->not_after > y->not_after ? -1 : 1;
	}
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static enum ck_status pool_certs_view(struct ck_pool *p)
{
	const struct ck_cert **v;
	if (p->certs_view && !p->certs_view_stale)
		return CK_OK;
	v = realloc(p->certs_view, (p->n ? p->n : 1) * sizeof *v);
	if (!v)
		return CK_E_NOMEM;
	for (size_t i = 0; i < p->n; i++)
		v[i] = p->e[i].cert;
	p->certs_view = v;
	p->certs_view_n = p->n;
	p->certs_view_stale = false;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* the trace */

__attribute__((format(printf, 5, 6)))
static struct ck_trace_entry *trace_add(struct search *s, size_t child, size_t cand, bool taken,
					const char *fmt, ...)
{
	struct ck_trace_entry *n, *e;
	char msg[512];
	va_list ap;

	if (s->ntrace >= CK_CHAIN_MAX_TRACE) {
		s->trace_truncated = true;
		return NULL;
	}
	n = realloc(s->trace, (s->ntrace + 1) * sizeof *n);
	if (!n)
		return NULL;
	s->trace = n;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	e = &n[s->ntrace++];
	e->pos = s->len - 1;
	e->child = child;
	e->candidate = cand;
	e->taken = taken;
	e->reason = strdup(msg);
	return e;
}

/* The reason of every link of a valid path: one copy for all chains
 * (a bundle of 100,000 chains keeps all their traces), never freed. */
static const char taken_valid[] = "taken: the path through it is valid";

static void reason_free(const char *r)
{
	if (r != taken_valid)
		free((char *)r);
}

static void trace_free(struct ck_trace_entry *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		reason_free(t[i].reason);
	free(t);
}

static bool key_id_matches(const struct ck_cert *child, const struct ck_cert *c)
{
	return !child->aki_len || !c->ski_len ||
	       (c->ski_len == child->aki_len && memcmp(c->ski, child->aki, c->ski_len) == 0);
}

/* ---------------------------------------------------------------- */

static bool add_candidate(struct search *s, size_t top, size_t idx, struct candidate *out,
			  size_t *n)
{
	for (size_t k = 0; k < *n; k++)
		if (out[k].idx == idx)
			return false;
	if (idx == top)
		return false;
	if (on_path(s, idx)) {
		trace_add(s, top, idx, false,
			  "already on the path (same name and key): following it would loop");
		return false;
	}
	out[*n].idx = idx;
	out[*n].rank = rank_candidate(s, s->p->e[top].cert, idx);
	out[*n].not_after = s->p->e[idx].cert->not_after;
	(*n)++;
	return true;
}

static size_t collect_candidates(struct search *s, size_t top, struct candidate *out)
{
	const struct ck_pool_entry *t = &s->p->e[top];
	const struct ck_cert *child = t->cert;
	size_t n = 0;
	long it = -2;
	size_t idx, scanned = 0;

	/* Bounded scan: a pool with thousands of certificates of one name
	 * must not make every lookup walk all of them. */
	while (n < MAX_CANDIDATES && mm_next(&s->p->by_subject, t->iss_hash, &it, &idx)) {
		if (scanned++ >= MAX_SCAN) {
			s->cut = true;
			break;
		}
		if (ck_cert_name_issued(child, s->p->e[idx].cert))
			add_candidate(s, top, idx, out, &n);
	}
	if (child->aki_len) {
		uint64_t k = fnv(child->aki, child->aki_len);
		it = -2;
		scanned = 0;
		while (n < MAX_CANDIDATES && mm_next(&s->p->by_ski, k, &it, &idx)) {
			const struct ck_cert *c = s->p->e[idx].cert;
			if (scanned++ >= MAX_SCAN) {
				s->cut = true;
				break;
			}
			if (c->ski_len != child->aki_len || memcmp(c->ski, child->aki, c->ski_len))
				continue;
			if (!ck_cert_name_issued(child, c)) {
				/* RFC 5280 §6.1.3 (a)(4): names chain, key ids only help */
				for (size_t k2 = 0; k2 < n; k2++)
					if (out[k2].idx == idx)
						goto next;
				trace_add(s, top, idx, false,
					  "its subject key identifier matches, but its name is not the issuer name %s",
					  child->issuer);
				continue;
			}
			add_candidate(s, top, idx, out, &n);
next:;
		}
	}
	if (n == MAX_CANDIDATES)
		s->cut = true;
	/* the index walks newest first: sort into cmp_candidate's order */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp_candidate(&out[j - 1], &out[j]) > 0; j--) {
			struct candidate tmp = out[j];
			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
	return n;
}

/* Is (a) better than the best so far? */
static bool better(const struct best *b, bool trusted, bool complete,
		   const struct ck_problems *ps, size_t len)
{
	bool valid = trusted && ps->errors == 0;
	bool bvalid;
	if (!b->have)
		return true;
	bvalid = b->trusted && b->ps.errors == 0;
	if (trusted != b->trusted)
		return trusted;
	if (valid != bvalid)
		return valid;
	if ((ps->errors == 0) != (b->ps.errors == 0))
		return ps->errors == 0;
	if (complete != b->complete)
		return complete;
	if (ps->errors != b->ps.errors)
		return ps->errors < b->ps.errors;
	if (len != b->len)
		return complete ? len < b->len : len > b->len;
	return ps->warnings < b->ps.warnings;
}

static bool signer_ok(void *ctx, const struct ck_cert *signer, const struct ck_cert *cert_issuer);
static void extend(struct search *s);

static enum ck_status run_validate(struct search *s, bool trusted, bool complete,
				   bool self_signed_top, struct ck_problems *ps,
				   struct ck_validation *v)
{
	const struct ck_cert *certs[CK_CHAIN_MAX_DEPTH + 1];
	struct ck_validate_path vp = { 0 };

	for (size_t k = 0; k < s->len; k++)
		certs[k] = s->p->e[s->path[k]].cert;
	vp.certs = certs;
	vp.len = s->len;
	vp.trusted = trusted;
	vp.self_signed_top = self_signed_top;
	vp.complete = complete;
	vp.purpose = s->o->purpose;
	vp.hostname = s->o->hostname;
	vp.at = s->at;
	vp.signer_ok = signer_ok;
	vp.signer_ctx = s;
	if (s->o->v.revocation != CK_REVOCATION_OFF) {
		/* CRL signers may be any certificate of the pool */
		vp.others = s->p->certs_view;
		vp.nothers = s->p->certs_view_n;
	}
	return ck_validate(&vp, &s->o->v, ps, v);
}

static void evaluate(struct search *s, bool trusted, bool complete, bool self_signed_top,
		     bool issuer_present)
{
	struct ck_problems ps = { 0 };
	struct ck_validation v;
	enum ck_status rc;

	memset(&v, 0, sizeof v);
	s->evaluations++;
	rc = run_validate(s, trusted, complete, self_signed_top, &ps, &v);
	if (rc && !s->rc)
		s->rc = rc;
	if (!complete && issuer_present) {
		const struct ck_cert *top = s->p->e[s->path[s->len - 1]].cert;
		if (!top->sig_algo)
			ck_problems_add(&ps, CK_F_UNSUPPORTED_SIGNATURE, s->len - 1, false,
					"the issuer of %s was found but its signature (%s) cannot be checked: GnuTLS does not implement that algorithm",
					top->subject, top->sig_algo_name);
		else
			ck_problems_add(&ps, CK_F_BAD_SIGNATURE, s->len - 1, false,
					"the issuer of %s was found but its signature does not verify",
					top->subject);
	}
	if (!s->capture) {
		const struct ck_chain_problem *f = ck_problems_first_error(&ps);
		char buf[600];
		if (f)
			snprintf(buf, sizeof buf, "%s: %s", f->code, f->message);
		else if (!trusted)
			snprintf(buf, sizeof buf, "the path through it reaches no trust anchor");
		if (f || !trusted)
			s->capture = strdup(buf);
	}
	if (better(&s->best, trusted, complete, &ps, s->len)) {
		ck_problems_free(&s->best.ps);
		ck_validation_cleanup(&s->best.v);
		s->best.have = true;
		memcpy(s->best.path, s->path, s->len * sizeof s->path[0]);
		s->best.len = s->len;
		s->best.trusted = trusted;
		s->best.complete = complete;
		s->best.self_signed_top = self_signed_top;
		s->best.issuer_present = issuer_present;
		s->best.ps = ps;
		s->best.v = v;
		if (trusted && ps.errors == 0)
			s->done = true;
	} else {
		ck_problems_free(&ps);
		ck_validation_cleanup(&v);
	}
	if (s->evaluations >= MAX_EVALUATIONS && !s->done) {
		s->done = true;
		s->cut = true;
	}
}

static void follow(struct search *s, size_t top, size_t cand)
{
	struct ck_trace_entry *e;
	char *saved = s->capture, *mine;
	size_t at = s->ntrace;

	e = trace_add(s, top, cand, false, "followed");
	s->capture = NULL;
	s->path[s->len++] = cand;
	extend(s);
	s->len--;
	mine = s->capture;
	s->capture = saved ? saved : mine ? strdup(mine) : NULL;
	if (e) {
		e = &s->trace[at]; /* the array may have moved */
		reason_free(e->reason);
		e->reason = strdup(mine ? mine : "every path through it was cut short");
	}
	free(mine);
}

static void extend(struct search *s)
{
	size_t top = s->path[s->len - 1];
	const struct ck_cert *child = s->p->e[top].cert;
	struct candidate cands[MAX_CANDIDATES];
	size_t n;
	bool followed = false, any_name_match;

	if (is_anchor(s->p, top)) {
		evaluate(s, true, true, self_signed(s->p, top), false);
		return;
	}
	if (self_signed(s->p, top)) {
		evaluate(s, false, true, true, false);
		return;
	}
	if (s->len > s->max_depth) {
		s->cut = true;
		evaluate(s, false, false, false, false);
		return;
	}
	n = collect_candidates(s, top, cands);
	any_name_match = n > 0;
	for (size_t i = 0; i < n && !s->done; i++) {
		const struct ck_cert *c = s->p->e[cands[i].idx].cert;
		int v = ck_pool_verify(s->p, top, cands[i].idx);
		if (v != 1) {
			if (v < 0 && s->p->budget_hit)
				s->cut = true;
			trace_add(s, top, cands[i].idx, false, "%s%s",
				  v == 0 ? "its key does not verify the signature" :
				  s->p->budget_hit ? "not checked: the signature-check budget is spent" :
						     "the signature cannot be checked (key or algorithm not supported)",
				  v == 0 && !key_id_matches(child, c) ?
					  " (and its subject key identifier is not the authority key identifier)" :
					  "");
			continue;
		}
		followed = true;
		follow(s, top, cands[i].idx);
	}
	if (!followed && !s->done)
		evaluate(s, false, false, false, any_name_match);
}

/* A CRL signer: the certificate's issuer is on the path being
 * validated; any other signer's own chain must be valid under the same
 * options.  Its revocation is checked too (PKITS 4.4.21: a revoked CRL
 * signer), one level deep: a signer's signer is only accepted when it
 * is that signer's issuer. */
static bool signer_ok(void *ctx, const struct ck_cert *signer, const struct ck_cert *cert_issuer)
{
	struct search *s = ctx;
	struct ck_chain_opts o = *s->o;
	struct ck_chain *c = NULL;
	long idx;
	bool ok;

	if (ck_cert_equal(signer, cert_issuer))
		return true;
	/* validating a CRL signer whose own status is on a CRL it signed
	 * (PKITS 4.14.30): its path is the one being validated */
	if (s->o->signer_depth > 0 && ck_cert_equal(signer, s->p->e[s->path[0]].cert))
		return true;
	idx = ck_pool_find(s->p, signer);
	if (idx < 0 || s->o->signer_depth >= 2)
		return false;
	o.purpose = NULL;
	o.hostname = NULL;
	o.at = s->at;
	o.signer_depth = s->o->signer_depth + 1;
	ok = ck_chain_build(s->p, (size_t)idx, &o, &c, NULL) == CK_OK && c->valid;
	ck_chain_free(c);
	return ok;
}

/* The entries for the links of the reported path are "taken"; the
 * reason says whether that path is valid (`valid`: the best path's
 * problems have already moved to the result). */
static void mark_taken(struct search *s, bool valid)
{
	const struct best *b = &s->best;

	for (size_t i = 0; i < s->ntrace; i++) {
		struct ck_trace_entry *e = &s->trace[i];
		const char *r;
		char *w;
		size_t need;

		if (e->pos + 1 >= b->len || b->path[e->pos] != e->child ||
		    b->path[e->pos + 1] != e->candidate)
			continue;
		e->taken = true;
		r = e->reason;
		if (valid) {
			e->reason = taken_valid;
		} else {
			/* sized to fit: a bundle of 100,000 chains keeps them all */
			need = sizeof "taken (the best path found): " + strlen(r ? r : "");
			if ((w = malloc(need)))
				snprintf(w, need, "taken (the best path found): %s", r ? r : "");
			e->reason = w;
		}
		reason_free(r);
	}
}

static enum ck_status result_from_best(struct search *s, struct ck_chain **out)
{
	struct best *b = &s->best;
	/* the result, its path and its links' flags in one block: a bundle
	 * of 100,000 leaves keeps 100,000 of them */
	struct ck_chain *c = calloc(1, sizeof *c + b->len * sizeof *c->path +
					   (b->len ? b->len : 1) * sizeof *c->link_verified);

	if (!c)
		return CK_E_NOMEM;
	c->path = (size_t *)(c + 1);
	c->link_verified = (bool *)(c->path + b->len);
	memcpy(c->path, b->path, b->len * sizeof *c->path);
	c->len = b->len;
	for (size_t i = 0; i + 1 < b->len; i++)
		c->link_verified[i] = ck_pool_verify(s->p, b->path[i], b->path[i + 1]) == 1;
	c->complete = b->complete;
	c->trusted = b->trusted;
	c->valid = b->trusted && b->ps.errors == 0;
	c->self_signed_top = b->self_signed_top;
	c->issuer_present = b->issuer_present;
	c->explored = !s->cut || c->valid;
	c->problems = b->ps.v;
	c->nproblems = b->ps.n;
	memset(&b->ps, 0, sizeof b->ps);
	c->validation = b->v;
	memset(&b->v, 0, sizeof b->v);
	c->profile = s->o->v.profile;
	mark_taken(s, c->valid);
	c->trace = s->trace;
	c->ntrace = s->ntrace;
	c->trace_truncated = s->trace_truncated;
	s->trace = NULL;
	s->ntrace = 0;
	c->paths_evaluated = s->evaluations;
	*out = c;
	return CK_OK;
}

enum ck_status ck_chain_build(struct ck_pool *pool, size_t leaf,
			      const struct ck_chain_opts *opts, struct ck_chain **out,
			      struct ck_error *err)
{
	struct ck_chain_opts none = { 0 };
	struct search s;
	enum ck_status rc;

	if (leaf >= pool->n)
		return ck_error_set(err, CK_E_USAGE, "no such certificate");
	memset(&s, 0, sizeof s);
	s.p = pool;
	s.o = opts ? opts : &none;
	s.at = s.o->at ? s.o->at : time(NULL);
	s.max_depth = s.o->max_depth && s.o->max_depth < CK_CHAIN_MAX_DEPTH ? s.o->max_depth :
									      CK_CHAIN_MAX_DEPTH;
	s.err = err;
	s.path[0] = leaf;
	s.len = 1;
	pool_set_budget(pool, s.o);
	rc = pool_certs_view(pool);
	if (!rc) {
		extend(&s);
		rc = s.rc;
	}
	if (!rc)
		rc = result_from_best(&s, out);
	ck_problems_free(&s.best.ps);
	ck_validation_cleanup(&s.best.v);
	trace_free(s.trace, s.ntrace);
	free(s.capture);
	if (rc)
		return ck_error_set(err, rc, "out of memory");
	return CK_OK;
}

void ck_chain_free(struct ck_chain *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nproblems; i++)
		free(c->problems[i].message);
	free(c->problems);
	ck_validation_cleanup(&c->validation); /* (path and link_verified are in c's block) */
	trace_free(c->trace, c->ntrace);
	free(c);
}
