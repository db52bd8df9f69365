/* report-chainview — chainview's view: its documents are a bundle's
 * (report.c), a certificate request's (report-csr.c) or a set of CRLs'
 * (report-crl.c), and its text tells them apart here, above the three,
 * so that report.c, which the others build on, needs none of them. */
#include "config.h"

#include "emit.h"

#include "report.h"
#include "report-crl.h"
#include "report-csr.h"

static int text_chainview(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	if (json_object_get(doc, "csr")) /* a certificate request (report-csr) */
		return ck_report_csr_text(f, doc, o);
	if (json_object_get(doc, "crls")) /* certificate revocation lists (report-crl) */
		return ck_report_crl_text(f, doc, o);
	return ck_report_text_bundle_doc(f, doc, o);
}

int ck_report_text_chainview(FILE *f, const json_t *doc, const struct ck_text_opts *o)
{
	json_t *safe = ck_text_safe_doc(doc);
	int r = safe ? text_chainview(f, safe, o) : -1;

	json_decref(safe);
	return r;
}

const struct ck_emit_view ck_view_chainview = {
	.root = "chainview",
	.element = "report",
	.text = ck_report_text_chainview,
};
