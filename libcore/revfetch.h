/* revfetch — online revocation: fetch the CRLs a certificate's
 * distribution points name and the OCSP answers its AIA names, for the
 * validator (chainview --revocation crl|ocsp|all).
 *
 * The path builder validates candidate paths and cannot wait for the
 * network in the middle of a search, so fetching is done around it
 * (ck_revfetch_analyze()): the bundle is analysed once with revocation
 * off, the URLs of every certificate on the chains (but their anchors)
 * and on the other paths the builder tried (its trace, the links whose
 * signature verified) are fetched in one batch, and the bundle is
 * analysed again with the answers at hand.  The builder may then try a
 * path it had no answers for (the first one was revoked): its URLs are
 * fetched and the analysis repeated, at most CK_REVFETCH_ROUNDS
 * batches in all.
 *
 * Each distinct request is made once over the life of a ck_revfetch,
 * across rounds and inputs: fetched CRLs go into the crlset the caller
 * gave, where they serve every later check (a CRL is evidence whoever
 * asked for it), and OCSP answers are kept by certificate and issuer.
 * The fetches of one analysis together take at most the net options'
 * timeout: later rounds get what is left of it.
 *
 * A failed fetch (any class of net.h but ok, or a body that is not a
 * usable CRL or OCSP answer) is recorded against the certificate it was
 * for and is reported with the certificate's revocation status, which
 * it leaves undetermined: never good, never revoked. */
#ifndef CK_REVFETCH_H
#define CK_REVFETCH_H

#include "checks.h"
#include "crl.h"
#include "net.h"
#include "validate.h"

#define CK_REVFETCH_ROUNDS 3

struct ck_revfetch;

/* A new fetcher.  `net` is copied (what it points to is borrowed and
 * must outlive the fetcher); `crls` (borrowed) receives the CRLs
 * fetched and must be the set the validator is given.  `mode` says
 * what is fetched: CRLs (crl), OCSP answers (ocsp) or both (all). */
enum ck_status ck_revfetch_new(const struct ck_net_opts *net, struct ck_crlset *crls,
			       enum ck_revocation_mode mode, struct ck_revfetch **out);
void ck_revfetch_free(struct ck_revfetch *f);

/* Fetch what is not known yet about certs[i] issued by issuers[i]
 * (borrowed for the call; a certificate is known by its SHA-256 across
 * calls, whose records may be gone), every request of the call at
 * once, within the net options' timeout (inside ck_revfetch_analyze(),
 * within what is left of its budget).  `at` is the validation time the
 * answers are checked at.  A failed URL is a result, not an error:
 * CK_OK unless memory ran out or libcurl could not start. */
enum ck_status ck_revfetch_run(struct ck_revfetch *f, const struct ck_cert *const *certs,
			       const struct ck_cert *const *issuers, size_t n, time_t at,
			       struct ck_error *err);

/* What the OCSP responders said about `cert` issued by `issuer`: true
 * with *state (GOOD or REVOKED), *reason (CRLReason, -1 none) and
 * *revoked_at when one gave a usable answer; false when none did. */
bool ck_revfetch_ocsp(const struct ck_revfetch *f, const struct ck_cert *cert,
		      const struct ck_cert *issuer, enum ck_rev_state *state, int *reason,
		      time_t *revoked_at, const char **url);

/* Append to *out (n entries, realloc'ed) a copy of every fetch made for
 * `cert` of `kind` ("crl" or "ocsp"; NULL: both), in the order made;
 * OCSP fetches only when asked about `cert` issued by `issuer`.  On
 * CK_E_NOMEM, what was appended stays in *out. */
enum ck_status ck_revfetch_list(const struct ck_revfetch *f, const struct ck_cert *cert,
				const struct ck_cert *issuer, const char *kind,
				struct ck_rev_fetch **out, size_t *n);

/* ck_analyze() with online revocation, as described above: `ao` is
 * used as given, with ao->chain.v.online set to `f`'s answers (the
 * ck_rev_source of validate.h over ck_revfetch_ocsp() and
 * ck_revfetch_list()).  The analysis is the last one made. */
enum ck_status ck_revfetch_analyze(struct ck_revfetch *f, const struct ck_bundle *b,
				   const struct ck_trust *trust,
				   const struct ck_analyze_opts *ao, struct ck_analysis **out,
				   struct ck_error *err);

#endif
