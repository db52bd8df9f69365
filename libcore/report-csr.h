/* report-csr — chainview's document for a certificate request (part of
 * report): what it asks for and whether its signature holds. */
#ifndef CK_REPORT_CSR_H
#define CK_REPORT_CSR_H

#include "csr.h"
#include "report.h"

/* { "input": {"name", "format": "pem|der"},
 *   "csr": {"subject", "key": {"type", "bits"}, "signature_algorithm",
 *           "signature_valid", "extensions": [{"oid", "name", "critical"}],
 *           "subject_alt_names": []},
 *   "findings": [...], "summary": {"errors", "warnings", "info"} }
 * (csr borrowed; the document is the caller's). */
json_t *ck_report_csr(const char *name, bool pem, const struct ck_csr *csr);

/* The text of that document (ck_report_text_chainview calls it for a
 * document with "csr").  Returns -1 on a write error. */
int ck_report_csr_text(FILE *f, const json_t *doc, const struct ck_text_opts *o);

#endif
