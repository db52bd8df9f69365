/* report-crl — chainview's document for certificate revocation lists
 * (part of report): what each CRL says, and whether its signature holds. */
#ifndef CK_REPORT_CRL_H
#define CK_REPORT_CRL_H

#include "crl.h"
#include "report.h"

/* The signature check of one CRL, as the tool made it. */
struct ck_report_crl_sig {
	enum ck_crl_sigcheck status;
	const char *signer;        /* subject of the certificate that verified it, or NULL */
	const char *signer_source; /* where that certificate came from, or NULL */
};

/* { "input": {"name", "format": "pem|der"}, "at",
 *   "crls": [ {"index", "issuer", "version", "this_update", "next_update",
 *              "expired", "not_yet_valid", "crl_number", "delta_crl_base",
 *              "freshest_crl", "authority_key_id",
 *              "issuing_distribution_point": null | {"names", "only_user_certs",
 *                  "only_ca_certs", "only_attribute_certs", "indirect_crl",
 *                  "only_some_reasons"},
 *              "entries", "reasons": [{"reason", "count"}],
 *              "revoked": [{"serial", "date", "reason", "invalidity_date"}]
 *                         (only when `entries`),
 *              "signature_algorithm",
 *              "signature": {"status", "signer", "signer_source"},
 *              "unusable"} ],
 *   "findings": [...], "summary": {"errors", "warnings", "info"} }
 * for the CRLs of `s` (borrowed), sigs[i] for CRL i, dates judged as of
 * `at`.  NULL when out of memory; the document is the caller's. */
json_t *ck_report_crl(const char *name, bool pem, const struct ck_crlset *s,
		      const struct ck_report_crl_sig *sigs, time_t at, bool entries);

/* The text of that document (ck_report_text_chainview calls it for a
 * document with "crls").  Returns -1 on a write error. */
int ck_report_crl_text(FILE *f, const json_t *doc, const struct ck_text_opts *o);

#endif
