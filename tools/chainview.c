/* chainview — show each input's certificates as a chain tree, every link
 * checked, with findings.
 *
 * Online revocation (--revocation crl|ocsp|all) is libcore's revfetch:
 * the chains are built once offline, the CRLs and OCSP answers of the
 * certificates on them fetched, each request once for the whole run,
 * and the chains built again with the answers.  --crl-file without
 * --revocation stays offline. */
#include "config.h"

#include "cli.h"
#include "libcore/crl.h"
#include "libcore/csr.h"
#include "libcore/report-crl.h"
#include "libcore/report-csr.h"
#include "libcore/revfetch.h"

#include <stdlib.h>
#include <string.h>

enum {
	OPT_PURPOSE = CLI_TOOL_OPTION,
	OPT_HOSTNAME,
	OPT_WARN_DAYS,
	OPT_EXPLAIN,
};

static const char *const purposes[] = { "client", "server", NULL };

static const struct cli_option options[] = {
	{ "purpose", 0, "PURPOSE", "require the leaf to allow client or server authentication", OPT_PURPOSE,
	  CLI_ARG_ENUM, .names = purposes },
	{ "hostname", 0, "NAME", "require the leaf to match host name NAME", OPT_HOSTNAME },
	{ "warn-days", 0, "DAYS", "warn about certificates that expire within DAYS days (default 30)", OPT_WARN_DAYS,
	  CLI_ARG_COUNT, 1, 36500, .unit = "days" },
	{ "explain", 0, NULL, "show every candidate issuer considered and why it was taken or rejected", OPT_EXPLAIN },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "chainview",
	.synopsis = "[OPTION]... FILE...",
	.summary = "Show the certificates of each FILE as a chain, every link checked, with findings.",
	.description =
		"FILE is a PKCS#12/PFX, JKS, PEM, DER, PKCS#7 or base64 bundle; '-' reads standard input.\n"
		"The chain is rebuilt from the file and the trust stores; a missing issuer is named\n"
		"with the URL a client would fetch it from.  A certificate request (CSR) is shown\n"
		"with its requested extensions, its signature checked; a CRL with its dates, scope\n"
		"and entries by reason, its signature checked with its issuer (--ca-file).\n"
		"--revocation crl, ocsp or all fetches the CRLs and OCSP answers the certificates\n"
		"name (nothing is fetched otherwise; --crl-file alone stays offline).",
	.options = options,
	.common = CLI_WITH_ALL | CLI_WITH_VALIDATION | CLI_WITH_NETWORK,
	.view = &ck_view_chainview,
	.network_when = "with --revocation: ",
	.timeout_help = "give up the fetches for a FILE after SECONDS (default 10)",
};

struct opts {
	struct ck_analyze_opts analyze;
	bool explain;
};

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;

	switch (id) {
	case OPT_PURPOSE:
		o->analyze.chain.purpose = a->index == 0 ? CK_OID_EKU_CLIENT : CK_OID_EKU_SERVER;
		break;
	case OPT_HOSTNAME:
		if (!*arg)
			return cli_usage("--hostname needs a name");
		o->analyze.chain.hostname = arg;
		break;
	case OPT_WARN_DAYS:
		o->analyze.warn_days = (unsigned)a->n;
		break;
	case OPT_EXPLAIN:
		o->explain = true;
		break;
	}
	return 0;
}

static int report_error(const char *path, struct cli_common *c, const struct ck_error *err,
			struct cli_output *out)
{
	int status = cli_error(err);
	if (cli_output_error_docs(out)) {
		json_t *doc = ck_report_error(path, err);
		cli_output_doc(out, doc, NULL);
		json_decref(doc);
	}
	return status;
}

/* A certificate request: shown, its signature checked. */
static int view_csr(const char *path, const unsigned char *data, size_t len,
		    struct cli_common *c, struct cli_output *out)
{
	struct ck_csr *csr = NULL;
	struct ck_error err;
	json_t *doc;
	int status;

	ck_error_clear(&err);
	if (ck_csr_parse(data, len, &csr, &err)) {
		ck_error_set_file(&err, path);
		return report_error(path, c, &err, out);
	}
	doc = ck_report_csr(path, memmem(data, len, "-----BEGIN ", 11) != NULL, csr);
	cli_output_doc(out, doc, NULL);
	status = csr->sig_valid ? CLI_EXIT_OK : CLI_EXIT_PROBLEMS;
	json_decref(doc);
	ck_csr_free(csr);
	return status;
}

/* The signature of each CRL of `s` checked with the certificates of the
 * trust stores (--ca-file, --ca-dir, the system store). */
static struct ck_report_crl_sig *crl_signatures(const struct ck_crlset *s,
						const struct ck_trust *trust)
{
	size_t n = ck_crlset_count(s), npool = 0;
	struct ck_report_crl_sig *sigs = calloc(n ? n : 1, sizeof *sigs);
	const struct ck_cert **pool = calloc(ck_trust_count(trust) + 1, sizeof *pool);
	const char **from = calloc(ck_trust_count(trust) + 1, sizeof *from);

	if (!sigs || !pool || !from) {
		free(sigs);
		sigs = NULL;
		goto out;
	}
	for (size_t k = 0; trust && k < trust->nstores; k++)
		for (size_t j = 0; j < trust->stores[k]->ncerts; j++) {
			from[npool] = trust->stores[k]->name;
			pool[npool++] = trust->stores[k]->certs[j];
		}
	for (size_t i = 0; i < n; i++) {
		size_t at = 0;
		sigs[i].status = ck_crlset_signature(s, i, pool, npool, &at);
		if (sigs[i].status == CK_CRL_SIG_VALID) {
			sigs[i].signer = pool[at]->subject;
			sigs[i].signer_source = from[at];
		}
	}
out:
	free(pool);
	free(from);
	return sigs;
}

/* Certificate revocation lists: shown, their signatures checked. */
static int view_crl(const char *path, const unsigned char *data, size_t len,
		    struct cli_common *c, const struct ck_trust *trust, struct cli_output *out)
{
	struct ck_crlset *s = NULL;
	struct ck_report_crl_sig *sigs = NULL;
	struct ck_error err;
	json_t *doc = NULL;
	int status = CLI_EXIT_INTERNAL;

	ck_error_clear(&err);
	if (ck_crlset_new(&s)) {
		cli_msg(path, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	if (ck_crlset_add(s, data, len, path, &err)) {
		ck_error_set_file(&err, path);
		status = report_error(path, c, &err, out);
		goto out;
	}
	if (!(sigs = crl_signatures(s, trust)) ||
	    !(doc = ck_report_crl(path, memmem(data, len, "-----BEGIN ", 11) != NULL, s, sigs,
				  c->at ? c->at : time(NULL), c->verbose))) {
		cli_msg(path, "out of memory");
		goto out;
	}
	cli_output_doc(out, doc, NULL);
	status = json_array_size(json_object_get(doc, "findings")) ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
out:
	json_decref(doc);
	free(sigs);
	ck_crlset_free(s);
	return status;
}

/* One input: load (or a certificate request), analyse, output.  Returns
 * its exit status. */
static int view(const char *path, struct cli_common *c, const struct opts *o,
		const struct ck_trust *trust, struct ck_revfetch *online, struct cli_output *out)
{
	struct ck_load_opts lo = cli_load_opts(c);
	struct ck_analyze_opts ao = o->analyze;
	struct ck_bundle *b = NULL;
	struct ck_analysis *a = NULL;
	struct ck_error err;
	unsigned char *data = NULL;
	size_t len = 0;
	enum ck_status rc;
	int status;

	ck_error_clear(&err);
	cli_chain_opts(c, &ao.chain);
	/* a PEM bundle is loaded as it is read; anything else is read
	 * whole first */
	if (ck_bundle_load_path(path, &lo, &data, &len, &b, &err))
		return report_error(path, c, &err, out);
	if (!b && ck_csr_sniff(data, len)) {
		status = view_csr(path, data, len, c, out);
		explicit_bzero(data, len); /* it may hold the request's key */
		free(data);
		return status;
	}
	if (!b && ck_crl_sniff(data, len)) {
		status = view_crl(path, data, len, c, trust, out);
		free(data);
		return status;
	}
	if (!b) {
		rc = ck_bundle_load_mem(data, len, path, &lo, &b, &err);
		explicit_bzero(data, len); /* it may hold a key */
		free(data);
		if (rc)
			return report_error(path, c, &err, out);
	}
	if (online ? ck_revfetch_analyze(online, b, trust, &ao, &a, &err) :
		     ck_analyze(b, trust, &ao, &a, &err)) {
		ck_error_set_file(&err, path);
		status = cli_error(&err);
		ck_bundle_free(b);
		return status;
	}
	cli_output_bundle(out, b, a);
	status = a->errors || (a->nchains && !a->chains[0]->valid) ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
	ck_analysis_free(a);
	ck_bundle_free(b);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct ck_trust *trust = NULL;
	struct ck_revfetch *online = NULL;
	struct ck_net_opts no = { 0 };
	struct cli_output *out = NULL;
	int first, status = CLI_EXIT_OK, input_status = 0;

	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status))
		return cli_finish(&c, status);
	c.explain = o.explain;
	if (first >= argc)
		return cli_finish(&c, cli_usage("no input file (use '-' for standard input)"));
	if ((status = cli_net_check(&c, c.online, "--revocation crl, ocsp or all")))
		return cli_finish(&c, status);
	trust = cli_load_trust(&c, &status);
	if (!trust)
		return cli_finish(&c, status);
	if (!cli_load_crls(&c, &status)) {
		ck_trust_free(trust);
		return cli_finish(&c, status);
	}
	if (c.online) {
		/* CRLs of large CAs run to megabytes: the input limit */
		no.max_body = c.max_size ? c.max_size : 64u << 20;
		no.user_agent = PACKAGE_NAME "-chainview/" PACKAGE_VERSION;
		cli_net_opts(&c, &no);
		if (ck_revfetch_new(&no, c.crls, c.validate.revocation, &online)) {
			cli_msg(NULL, "out of memory");
			ck_trust_free(trust);
			return cli_finish(&c, CLI_EXIT_INTERNAL);
		}
	}
	out = cli_output_begin(&c, &ck_view_chainview, argc - first > 1);
	for (int i = first; i < argc; i++) {
		int s = view(argv[i], &c, &o, trust, online, out);
		if (s >= CLI_EXIT_INPUT && !input_status)
			input_status = s;
		else if (s == CLI_EXIT_PROBLEMS)
			status = CLI_EXIT_PROBLEMS;
	}
	if (cli_output_end(out, NULL, NULL, NULL) && !input_status)
		input_status = CLI_EXIT_INTERNAL;
	ck_revfetch_free(online);
	ck_trust_free(trust);
	return cli_finish(&c, input_status ? input_status : status);
}
