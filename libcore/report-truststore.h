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

/* Text for every truststore document (dispatches on "command"). */
int ck_report_text_truststore(FILE *out, const json_t *doc, const struct ck_text_opts *o);

#endif
