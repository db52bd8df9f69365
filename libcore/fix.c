/* fix — order a bundle by its chains and complete it.
 *
 * Passes of the analysis (checks.h):
 *   1. with the trust stores as they are: is the primary chain complete
 *      (it reaches a self-signed certificate or a trust anchor, as
 *      chainview says), and if not, whose issuer is missing.
 *   2. completion: every certificate of a store is an anchor and a path
 *      stops at the first anchor, so an intermediate of --ca-file would
 *      end the chain there and hide the ones above it.  The stores are
 *      therefore filtered of every certificate already in hand (input or
 *      added); while the path ends at a store certificate that is not a
 *      self-signed root, that certificate is added and the pass runs
 *      again.  Roots are never added.
 *   3. without stores, over the input plus the additions: the order and
 *      the roles, each path running through the input up to its
 *      self-signed root when the input has one. */
#include "config.h"

#include "fix.h"

#include <stdlib.h>
#include <string.h>

void ck_fixed_free(struct ck_fixed *f)
{
	if (!f)
		return;
	free(f->certs);
	free(f->roles);
	free(f->input_pos);
	free(f->changes);
	for (size_t i = 0; i < f->nadded; i++)
		ck_cert_free(f->added[i]);
	free(f->added);
	free(f);
}

static enum ck_status add_change(struct ck_fixed *f, enum ck_fix_kind kind,
				 const struct ck_cert *cert, int pos, int same_as,
				 const char *origin)
{
	struct ck_fix_change *n = realloc(f->changes, (f->nchanges + 1) * sizeof *n);
	if (!n)
		return CK_E_NOMEM;
	f->changes = n;
	n[f->nchanges].kind = kind;
	n[f->nchanges].cert = cert;
	n[f->nchanges].input_pos = pos;
	n[f->nchanges].same_as = same_as;
	n[f->nchanges].origin = origin;
	f->nchanges++;
	return CK_OK;
}

/* The input and the additions as one bundle whose records are borrowed:
 * free it with free_work(), never ck_bundle_free(). */
static enum ck_status make_work(const struct ck_bundle *b, const struct ck_fixed *f,
				struct ck_bundle *work)
{
	memset(work, 0, sizeof *work);
	work->name = b->name;
	work->format = b->format;
	work->keys = b->keys;
	work->nkeys = b->nkeys;
	work->ncerts = b->ncerts + f->nadded;
	work->certs = calloc(work->ncerts + 1, sizeof *work->certs);
	if (!work->certs)
		return CK_E_NOMEM;
	if (b->ncerts)
		memcpy(work->certs, b->certs, b->ncerts * sizeof *work->certs);
	if (f->nadded)
		memcpy(work->certs + b->ncerts, f->added, f->nadded * sizeof *work->certs);
	return CK_OK;
}

static void free_work(struct ck_bundle *work)
{
	free(work->certs);
	work->certs = NULL;
}

/* The stores without the certificates of `work` (borrowed records,
 * names and metadata: free with free_filtered()). */
static void free_filtered(struct ck_trust *t)
{
	for (size_t i = 0; i < t->nstores; i++) {
		free(t->stores[i]->certs);
		free(t->stores[i]->meta);
		free(t->stores[i]);
	}
	free(t->stores);
	memset(t, 0, sizeof *t);
}

static enum ck_status filter_trust(const struct ck_trust *trust, const struct ck_bundle *work,
				   struct ck_trust *out)
{
	memset(out, 0, sizeof *out);
	out->stores = calloc(trust->nstores + 1, sizeof *out->stores);
	if (!out->stores)
		return CK_E_NOMEM;
	for (size_t i = 0; i < trust->nstores; i++) {
		const struct ck_trust_store *s = trust->stores[i];
		struct ck_trust_store *n = calloc(1, sizeof *n);
		if (!n)
			return CK_E_NOMEM;
		out->stores[out->nstores++] = n;
		n->name = s->name;
		n->kind = s->kind;
		n->certs = calloc(s->ncerts + 1, sizeof *n->certs);
		if (s->meta)
			n->meta = calloc(s->ncerts + 1, sizeof *n->meta);
		if (!n->certs || (s->meta && !n->meta))
			return CK_E_NOMEM;
		for (size_t j = 0; j < s->ncerts; j++) {
			bool have = false;
			for (size_t k = 0; k < work->ncerts && !have; k++)
				have = ck_cert_equal(s->certs[j], work->certs[k]);
			if (have)
				continue;
			if (n->meta)
				n->meta[n->ncerts] = s->meta[j];
			n->certs[n->ncerts++] = s->certs[j];
		}
	}
	return CK_OK;
}

static void note_missing(struct ck_fixed *f, const struct ck_analysis *a, const struct ck_chain *c)
{
	f->complete = c->complete;
	f->missing_from = c->complete ? NULL : ck_pool_get(a->pool, c->path[c->len - 1])->cert;
	f->missing_bad_signature = !c->complete && c->issuer_present;
	f->missing_root = f->missing_from && !f->missing_bad_signature && f->missing_from->ca;
}

/* One completion step: adds the store certificates on the path (an
 * anchor ends it; a store's non-anchor intermediates, such as .NET's
 * "ca" store, can be inside it), roots excepted.  Returns 1 when it
 * added something, 0 when not, or a negative status. */
static int complete_step(const struct ck_bundle *b, const struct ck_trust *trust,
			 const struct ck_analyze_opts *ao, struct ck_fixed *f,
			 const char **origins, bool *last_complete, struct ck_error *err)
{
	struct ck_bundle work;
	struct ck_trust filtered = { 0 };
	struct ck_analysis *a = NULL;
	const struct ck_chain *c;
	enum ck_status rc;
	int added = 0;

	rc = make_work(b, f, &work);
	if (!rc)
		rc = filter_trust(trust, &work, &filtered);
	if (!rc)
		rc = ck_analyze(&work, &filtered, ao, &a, err);
	if (rc)
		goto out;
	if (!a->nchains)
		goto out;
	c = a->chains[0];
	*last_complete = c->complete;
	if (!f->complete)
		note_missing(f, a, c);
	for (size_t k = 0; k < c->len && f->nadded < CK_CHAIN_MAX_DEPTH; k++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, c->path[k]);
		if (e->source != CK_SRC_TRUST || (k == c->len - 1 && c->self_signed_top))
			continue;
		if (ck_cert_dup(e->cert, &f->added[f->nadded])) {
			rc = CK_E_NOMEM;
			goto out;
		}
		origins[f->nadded++] = e->origin;
		added = 1;
	}
out:
	ck_analysis_free(a);
	free_filtered(&filtered);
	free_work(&work);
	if (rc == CK_E_NOMEM)
		ck_error_set(err, rc, "out of memory");
	return rc ? -(int)rc : added;
}

/* Passes 1 and 2. */
static enum ck_status from_stores(const struct ck_bundle *b, const struct ck_trust *trust,
				  const struct ck_fix_opts *o, struct ck_fixed *f,
				  const char ***origins, struct ck_error *err)
{
	struct ck_analyze_opts ao = { .chain = { .at = o->at } };
	struct ck_analysis *a = NULL;
	enum ck_status rc;
	bool last_complete = false;
	int step = 1;

	rc = ck_analyze(b, trust, &ao, &a, err);
	if (rc)
		return rc;
	if (!a->nchains)
		f->complete = true;
	else
		note_missing(f, a, a->chains[0]);
	ck_analysis_free(a);
	if (!o->complete || !b->ncerts)
		return CK_OK;
	f->added = calloc(CK_CHAIN_MAX_DEPTH + 1, sizeof *f->added);
	*origins = calloc(CK_CHAIN_MAX_DEPTH + 1, sizeof **origins);
	if (!f->added || !*origins)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	while (step == 1)
		step = complete_step(b, trust, &ao, f, *origins, &last_complete, err);
	if (step < 0)
		return (enum ck_status)-step;
	f->complete = f->complete || last_complete;
	if (f->complete) {
		f->missing_from = NULL;
		f->missing_root = false;
	}
	return CK_OK;
}

static void place(struct ck_fixed *f, const struct ck_cert *c, const char *role, int pos)
{
	f->certs[f->ncerts] = c;
	f->roles[f->ncerts] = role;
	f->input_pos[f->ncerts] = pos;
	f->ncerts++;
}

/* Pass 2 output: the chosen certificates in order, and what was
 * dropped on the way. */
static enum ck_status arrange(const struct ck_bundle *b, const struct ck_analysis *a,
			      const struct ck_fix_opts *o, struct ck_fixed *f, bool *kept)
{
	enum ck_status rc = CK_OK;
	const struct ck_chain *c = a->nchains ? a->chains[0] : NULL;

	for (size_t i = 0; i < a->norder && !rc; i++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, a->order[i]);
		int pos = e->input_index >= 0 && (size_t)e->input_index < b->ncerts ?
				  e->input_index + 1 : 0;
		bool on_primary = false;
		for (size_t k = 0; c && k < c->len && !on_primary; k++)
			on_primary = c->path[k] == a->order[i];
		if (o->scope == CK_FIX_PRIMARY && !on_primary)
			continue;
		if (!strcmp(a->roles[i], "root") && !o->keep_root) {
			if (pos)
				rc = add_change(f, CK_FIX_DROPPED_ROOT, e->cert, pos, 0, NULL);
			continue;
		}
		if (pos)
			kept[pos - 1] = true;
		place(f, e->cert, a->roles[i], pos);
		if (on_primary && c->path[0] == a->order[i] && !strcmp(a->roles[i], "leaf"))
			f->leaf = (long)f->ncerts - 1;
	}
	return rc;
}

/* Duplicates and certificates left out, in input order. */
static enum ck_status report_dropped(const struct ck_bundle *b, const struct ck_analysis *a,
				     struct ck_fixed *f, const bool *kept)
{
	enum ck_status rc = CK_OK;
	for (size_t i = 0; i < ck_pool_count(a->pool) && !rc; i++) {
		const struct ck_pool_entry *e = ck_pool_get(a->pool, i);
		int pos = e->input_index + 1;
		bool is_root_dropped = false;
		if (e->source != CK_SRC_INPUT || (size_t)e->input_index >= b->ncerts)
			continue;
		if (e->duplicate_of >= 0) {
			const struct ck_pool_entry *first = ck_pool_get(a->pool, (size_t)e->duplicate_of);
			rc = add_change(f, CK_FIX_DROPPED_DUPLICATE, e->cert, pos,
					first->input_index + 1, NULL);
			continue;
		}
		for (size_t k = 0; k < f->nchanges; k++)
			if (f->changes[k].kind == CK_FIX_DROPPED_ROOT && f->changes[k].input_pos == pos)
				is_root_dropped = true;
		if (!kept[pos - 1] && !is_root_dropped)
			rc = add_change(f, CK_FIX_DROPPED_UNRELATED, e->cert, pos, 0, NULL);
	}
	return rc;
}

static enum ck_status report_added_and_order(struct ck_fixed *f, const char **origins)
{
	enum ck_status rc = CK_OK;
	int last = 0;
	bool reordered = false;

	for (size_t i = 0; i < f->ncerts && !rc; i++) {
		if (f->input_pos[i] == 0) {
			for (size_t k = 0; k < f->nadded; k++)
				if (f->certs[i] == f->added[k])
					rc = add_change(f, CK_FIX_ADDED, f->certs[i], 0, 0, origins[k]);
			continue;
		}
		if (f->input_pos[i] < last)
			reordered = true;
		last = f->input_pos[i];
	}
	if (!rc && reordered)
		rc = add_change(f, CK_FIX_REORDERED, NULL, 0, 0, NULL);
	return rc;
}

enum ck_status ck_fix(const struct ck_bundle *b, const struct ck_trust *trust,
		      const struct ck_fix_opts *o_in, struct ck_fixed **out,
		      struct ck_error *err)
{
	struct ck_fix_opts o = { 0 };
	struct ck_fixed *f = calloc(1, sizeof *f);
	struct ck_bundle work;
	struct ck_analyze_opts ao = { 0 };
	struct ck_analysis *a = NULL;
	const char **origins = NULL;
	bool *kept = NULL;
	size_t n;
	enum ck_status rc = CK_OK;

	if (o_in)
		o = *o_in;
	if (!f)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	f->leaf = -1;
	if (trust)
		rc = from_stores(b, trust, &o, f, &origins, err);
	if (rc)
		goto out;

	rc = make_work(b, f, &work);
	n = work.ncerts;
	f->certs = calloc(n + 1, sizeof *f->certs);
	f->roles = calloc(n + 1, sizeof *f->roles);
	f->input_pos = calloc(n + 1, sizeof *f->input_pos);
	kept = calloc(b->ncerts + 1, sizeof *kept);
	if (rc || !f->certs || !f->roles || !f->input_pos || !kept) {
		free_work(&work);
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	ao.chain.at = o.at;
	rc = ck_analyze(&work, NULL, &ao, &a, err);
	free_work(&work);
	if (rc)
		goto out;

	if (!trust) {
		f->complete = true;
		if (a->nchains)
			note_missing(f, a, a->chains[0]);
	}
	rc = arrange(b, a, &o, f, kept);
	if (!rc)
		rc = report_dropped(b, a, f, kept);
	if (!rc)
		rc = report_added_and_order(f, origins);
	if (rc) {
		ck_error_set(err, rc, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < b->nkeys; k++) {
		if (a->key_match[k] < 0)
			f->unmatched_keys++;
		else if (f->leaf >= 0 && !f->key &&
			 !memcmp(b->keys[k]->spki_sha256, f->certs[f->leaf]->spki_sha256, 32))
			f->key = b->keys[k];
	}
	*out = f;
	f = NULL;
out:
	free(origins);
	free(kept);
	ck_analysis_free(a);
	ck_fixed_free(f);
	return rc;
}
