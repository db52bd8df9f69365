/* report-truststore — truststore's documents (part of report): stores,
 * their certificates, differences, and which store anchors a bundle,
 * built as jansson values and rendered as text.  JSON and XML come from
 * the same values through report.h. */
#ifndef CK_REPORT_TRUSTSTORE_H
#define CK_REPORT_TRUSTSTORE_H

#include "checks.h"
#include "report.h"
#include "trust.h"

/* One certificate of a store: subject, fingerprints, validity (days
 * left as of `at`), key, "trusted" (an anchor), where it came from
 * ("origin", "alias", "dotnet_store", "views" for the system store). */
json_t *ck_report_store_cert(const struct ck_trust_store *s, size_t i, time_t at);

/* A store without its certificates: name, kind, location, format,
 * counts, the system store's views, a keystore's entries/integrity. */
json_t *ck_report_store(const struct ck_trust_store *s);

/* Which clients use a store of this kind, in words. */
const char *ck_report_store_runtime(const struct ck_trust_store *s);

/* One bundle checked against one store.  `a` is the analysis of `b`
 * with the store's certificates in the pool; `search` (n stores) is
 * where the store's clients look for intermediates (for .NET: its
 * stores and the system store).  Fields: name, kind, runtime, anchored,
 * valid, status, anchor, path, missing, intermediates (each: found
 * without the bundle, or what the client does instead). */
json_t *ck_report_store_check(const struct ck_trust_store *store,
			      const struct ck_trust_store *const *search, size_t nsearch,
			      const struct ck_bundle *b, const struct ck_analysis *a);

/* The documents of truststore's commands (new references; NULL when out
 * of memory), each { "command", "at" (RFC 3339), ... }; the stores and
 * other arguments are borrowed.
 *
 * list: "stores" (ck_report_store() with "shown", "expired" and
 * "certificates"), "summary" {stores, certificates, expired}. */
json_t *ck_report_truststore_list(struct ck_trust_store *const *s, size_t n, time_t at);

/* find: "pattern", "stores" with the certificates ck_trust_match()
 * takes (each with "matched_by"), "summary" {matches}; *matches set. */
json_t *ck_report_truststore_find(const char *pattern, struct ck_trust_store *const *s, size_t n,
				  time_t at, size_t *matches);

/* expiring: "days", "stores" with the certificates that expire within
 * `days` of `at` or have expired, "summary" {expired, expiring};
 * *found is set to how many there are. */
json_t *ck_report_truststore_expiring(struct ck_trust_store *const *s, size_t n, time_t at,
				      unsigned long days, size_t *found);

/* diff: "a", "b" (the stores), "added", "removed", "changed" (each
 * {subject, changes, a, b}), "summary" {same, added, removed, changed},
 * from ck_trust_diff()'s items. */
json_t *ck_report_truststore_diff(const struct ck_trust_store *a, const struct ck_trust_store *b,
				  const struct ck_trust_diff_item *items, size_t nitems, size_t same,
				  time_t at);

/* check, for one bundle: "input" {name, format}, "leaf" (null until a
 * store's analysis finds one), "stores", "anchored_by"; then one
 * ck_report_truststore_check_add() per store (the arguments of
 * ck_report_store_check(); 0, or -1 when out of memory), and
 * ck_report_truststore_anchored() counts the stores that anchor it. */
json_t *ck_report_truststore_check_new(const struct ck_bundle *b, time_t at);
int ck_report_truststore_check_add(json_t *doc, const struct ck_trust_store *store,
				   const struct ck_trust_store *const *search, size_t nsearch,
				   const struct ck_bundle *b, const struct ck_analysis *a);
size_t ck_report_truststore_anchored(const json_t *doc);

/* check, for a bundle that could not be read: ck_report_error()'s
 * document with "command". */
json_t *ck_report_truststore_error(const char *path, const struct ck_error *err);

/* export: "store", "to", "output", "written". */
json_t *ck_report_truststore_export(const struct ck_trust_store *s, const char *to,
				    const char *output, time_t at);

/* Text for every truststore document (dispatches on "command"). */
int ck_report_text_truststore(FILE *out, const json_t *doc, const struct ck_text_opts *o);

#endif
