/* aiacheck — list every AIA caIssuers, OCSP and CRL URL of a chain, test
 * each one for real, and say what a runtime will do with them. */
#include "config.h"

#include "cli.h"
#include "progress.h"
#include "libcore/aia.h"
#include "libcore/runtime.h"
#include "libcore/write.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
	OPT_URL = CLI_TOOL_OPTION,
	OPT_LIST,
	OPT_AS,
	OPT_JAVA_PROPERTY,
	OPT_REVOCATION,
	OPT_STRICT,
	OPT_PARALLEL,
	OPT_MAX_BODY,
	OPT_WARN_HOURS,
	OPT_OCSP_GET,
	OPT_JUNIT,
	OPT_FORCE,
};

static const struct cli_option options[] = {
	{ "url", 0, "URL", "test URL as well (repeatable; with no FILE, only the URLs)", OPT_URL },
	{ "list", 0, NULL, "list the URLs only, with no network traffic at all", OPT_LIST },
	{ "as", 0, "RUNTIME", "emulate dotnet-linux (default), dotnet11-linux, windows, java, java-aia, chrome, firefox, go, android, openssl or all (repeatable)", OPT_AS },
	{ "java-property", 0, "NAME=VALUE", "model java and java-aia with this system property (com.sun.security.cert.timeout or .readtimeout; repeatable)", OPT_JAVA_PROPERTY },
	{ "revocation", 0, NULL, "emulate the runtimes with revocation checking on", OPT_REVOCATION },
	{ "strict", 0, NULL, "exit 1 when any URL fails, not only one a runtime needs", OPT_STRICT },
	{ "parallel", 0, "N", "fetch up to N URLs at once (default 16)", OPT_PARALLEL, CLI_ARG_COUNT, 1, 1000 },
	{ "max-body", 0, "SIZE", "refuse answers larger than SIZE bytes (default 1M)", OPT_MAX_BODY, CLI_ARG_SIZE,
	  .takes = "a size such as 65536, 512K or 1M" },
	{ "warn-hours", 0, "HOURS", "warn when a CRL or OCSP answer expires within HOURS (default 24)", OPT_WARN_HOURS,
	  CLI_ARG_COUNT, 1, 876000, .unit = "hours" },
	{ "ocsp-get", 0, NULL, "also test each OCSP URL with GET (RFC 5019), as .NET does", OPT_OCSP_GET },
	{ "junit", 0, "FILE", "also write a JUnit XML report to FILE (one test case per URL)", OPT_JUNIT, CLI_ARG_PATH },
	{ "force", 0, NULL, "replace an existing --junit FILE, or write into a FIFO or device there", OPT_FORCE },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "aiacheck",
	.synopsis = "[OPTION]... FILE...",
	.summary = "Test every caIssuers, OCSP and CRL URL of the chain in each FILE, and say what a client does with them.",
	.description =
		"FILE is anything chainview reads; '-' reads standard input.  The chain is built first,\n"
		"with the same trust options; every URL of every certificate (and of every issuer\n"
		"fetched on the way) is then fetched, all at once and each distinct URL once for\n"
		"all the FILEs, and classified: ok, dns-failure,\n"
		"refused, dropped, timeout, tls-error, http-error, proxy-error, too-large, bad-content,\n"
		"wrong-issuer, stale, revoked, unsupported-scheme, malformed-url or\n"
		"blocked-address (no link-local or cloud metadata address is connected to).\n\n"
		"With --format nagios, a Nagios/Icinga plugin: one status line with each URL's\n"
		"time as performance data, and the plugin exit status instead of the usual ones:\n"
		"0 OK, 1 WARNING (a URL failed or warned, no client needs it), 2 CRITICAL (exit 1\n"
		"otherwise), 3 UNKNOWN (usage error, an input not read, the check not done).",
	.options = options,
	.common = CLI_WITH_ALL | CLI_WITH_NETWORK,
	.view = &ck_view_aiacheck,
};

struct opts {
	const char **urls;
	size_t nurls;
	bool list, revocation, strict, ocsp_get, force;
	bool as[CK_RT_COUNT];
	bool as_given;
	struct ck_runtime_settings settings;
	unsigned parallel, warn_hours;
	size_t max_body;
	const char *junit;
};

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;
	const char **nv;
	enum ck_runtime_id rt;
	struct ck_error err;

	switch (id) {
	case OPT_URL:
		if (!*arg)
			return cli_usage("--url needs a URL");
		nv = realloc(o->urls, (o->nurls + 2) * sizeof *nv);
		if (!nv) {
			cli_msg(NULL, "out of memory");
			return CLI_EXIT_INTERNAL;
		}
		nv[o->nurls++] = arg;
		nv[o->nurls] = NULL;
		o->urls = nv;
		break;
	case OPT_LIST: o->list = true; break;
	case OPT_AS:
		o->as_given = true;
		if (!strcmp(arg, "all")) {
			for (int i = 0; i < CK_RT_COUNT; i++)
				o->as[i] = true;
		} else if (ck_runtime_find(arg, &rt)) {
			o->as[rt] = true;
		} else {
			return cli_usage("--as takes dotnet-linux, dotnet11-linux, windows, java, java-aia, chrome, firefox, go, android, openssl or all, not '%s'", arg);
		}
		break;
	case OPT_JAVA_PROPERTY:
		if (ck_runtime_settings_java_property(&o->settings, arg, &err))
			return cli_usage("--java-property: %s", err.what);
		break;
	case OPT_REVOCATION: o->revocation = true; break;
	case OPT_STRICT: o->strict = true; break;
	case OPT_PARALLEL:
		o->parallel = (unsigned)a->n;
		break;
	case OPT_MAX_BODY: o->max_body = a->size; break;
	case OPT_WARN_HOURS: o->warn_hours = (unsigned)a->n; break;
	case OPT_OCSP_GET: o->ocsp_get = true; break;
	case OPT_JUNIT:
		if (!*arg)
			return cli_usage("--junit needs a file name");
		o->junit = arg;
		break;
	case OPT_FORCE: o->force = true; break;
	}
	return 0;
}

/* ---------------------------------------------------------------- */

struct run {
	struct cli_common *c;
	struct opts *o;
	const struct ck_trust *trust;
	struct cli_output *out;
	struct ck_emitter *junit; /* --junit: the documents, written at the end */
	struct cli_progress progress;
};

/* Limits from the options; the network group's (cli_net_opts). */
static void net_options(const struct run *ru, struct ck_net_opts *n)
{
	memset(n, 0, sizeof *n);
	n->max_body = ru->o->max_body;
	n->parallel = ru->o->parallel;
	n->user_agent = PACKAGE_NAME "-aiacheck/" PACKAGE_VERSION;
	cli_net_opts(ru->c, n);
}

/* The exit status a checked report calls for. */
static int report_status(const struct run *ru, const struct ck_aia_report *r,
			 struct ck_runtime_verdict *const *vs, size_t nv)
{
	bool bad = false;
	for (size_t i = 0; i < r->nurls; i++) {
		const struct ck_url_entry *e = &r->urls[i];
		bool failed = (e->checked || e->result != CK_URL_OK) && e->result != CK_URL_OK;
		/* given URLs are all needed; with --strict, every URL is */
		if (failed && (ru->o->strict || e->kind == CK_KIND_GIVEN))
			bad = true;
	}
	for (size_t i = 0; i < nv && !r->list_only; i++)
		bad = bad || vs[i]->problem;
	return bad ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

/* One input: a file (b loaded, or status and an error document when it
 * could not be), or the --url run (b NULL). */
struct input {
	const char *path;
	struct ck_bundle *b;
	const char *const *urls;
	int status;                /* of loading */
	json_t *errdoc;
	struct ck_aia_report *r;
};

static void load_input(struct run *ru, struct input *in)
{
	struct ck_load_opts lo = cli_load_opts(ru->c);
	struct ck_error err;

	ck_error_clear(&err);
	if (!ck_bundle_load_file(in->path, &lo, &in->b, &err))
		return;
	in->b = NULL;
	in->status = cli_error(&err);
	if (cli_output_error_docs(ru->out))
		in->errdoc = ck_report_error(in->path, &err);
}

/* Check every input that could be loaded, all in one batch: each
 * distinct URL is requested once, whichever inputs name it. */
static int check_all(struct run *ru, struct input *ins, size_t n)
{
	struct ck_aia_opts ao = { 0 };
	struct ck_aia_input *v = calloc(n ? n : 1, sizeof *v);
	struct ck_aia_report **rs = calloc(n ? n : 1, sizeof *rs);
	struct ck_error err;
	size_t m = 0;
	int status = CLI_EXIT_OK;

	ck_error_clear(&err);
	if (!v || !rs) {
		cli_msg(NULL, "out of memory");
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (ins[i].b || ins[i].urls) {
			v[m].bundle = ins[i].b;
			v[m++].urls = ins[i].urls;
		}
	ao.analyze.chain.at = ru->c->at;
	net_options(ru, &ao.net);
	ao.net.progress = cli_progress_net;
	ao.net.progress_ctx = &ru->progress;
	ao.warn_hours = ru->o->warn_hours;
	ao.ocsp_get = ru->o->ocsp_get;
	ao.list_only = ru->o->list;
	/* URL requests, once a run takes more than a second */
	cli_progress_start(&ru->progress, true, "URLs", 1.0);
	if (m && ck_aia_check_all(v, m, ru->trust, &ao, rs, &err)) {
		cli_progress_clear(&ru->progress);
		status = cli_error(&err);
		goto out;
	}
	cli_progress_clear(&ru->progress);
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (ins[i].b || ins[i].urls)
			ins[i].r = rs[m++];
out:
	free(v);
	free(rs);
	return status;
}

/* Emulate the runtimes over one checked input and write its document. */
static int report_one(struct run *ru, struct input *in)
{
	struct ck_aia_report *r = in->r;
	const struct ck_bundle *b = in->b;
	struct ck_runtime_verdict *vs[CK_RT_COUNT] = { 0 };
	size_t nv = 0;
	struct ck_error err;
	json_t *doc = NULL;
	int status;

	ck_error_clear(&err);
	if (!r) {
		cli_output_doc(ru->out, in->errdoc, NULL);
		return in->status;
	}
	for (int i = 0; b && i < CK_RT_COUNT; i++) {
		if (!ru->o->as[i])
			continue;
		if (ck_runtime_emulate(r, ru->trust, (enum ck_runtime_id)i, ru->o->revocation, &ru->o->settings,
				       &vs[nv], &err)) {
			ck_error_set_file(&err, b->name);
			status = cli_error(&err);
			goto out;
		}
		nv++;
	}
	doc = ck_report_aiacheck(r, vs, nv);
	if (!doc) {
		cli_msg(b ? b->name : NULL, "out of memory");
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	status = report_status(ru, r, vs, nv);
	ck_emit_doc(ru->junit, doc, NULL);
	cli_output_doc(ru->out, doc, &(struct ck_emit_extra){ .problem = status == CLI_EXIT_PROBLEMS });
out:
	json_decref(doc);
	for (size_t i = 0; i < nv; i++)
		ck_runtime_verdict_free(vs[i]);
	return status;
}

static void inputs_free(struct input *ins, size_t n)
{
	for (size_t i = 0; ins && i < n; i++) {
		ck_aia_report_free(ins[i].r);
		ck_bundle_free(ins[i].b);
		json_decref(ins[i].errdoc);
	}
	free(ins);
}

static int write_junit(struct run *ru, struct ck_out *jo)
{
	struct ck_error err;
	ck_error_clear(&err);
	ck_emitter_set_file(ru->junit, ck_out_file(jo));
	if (!ck_emit_end(ru->junit, NULL, NULL)) {
		ck_out_abort(jo);
		cli_msg(ru->o->junit, "cannot write the JUnit report");
		return CLI_EXIT_INTERNAL;
	}
	if (ck_out_commit(jo, &err))
		return cli_write_error(&err);
	return CLI_EXIT_OK;
}


/* A run that ends early: with --format nagios, an UNKNOWN line. */
static int early_end(struct cli_common *c, int status)
{
	return cli_finish(c, cli_plugin_status(c) ? cli_nagios_unknown() : status);
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct run ru = { .c = &c, .o = &o };
	struct ck_trust *trust = NULL;
	struct ck_out *jo = NULL;
	struct ck_error err;
	struct input *ins = NULL;
	size_t nin;
	int first, status = CLI_EXIT_OK, input_status = 0, s, checks_failed = 0;

	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status)) {
		free(o.urls);
		return cli_finish(&c, status);
	}
	if (first >= argc && !o.nurls)
		status = cli_usage("no input file (use '-' for standard input) and no --url");
	else if (!(status = cli_net_check(&c, true, NULL)) && o.force && !o.junit)
		status = cli_usage("--force only applies to --junit");
	if (status) {
		free(o.urls);
		return cli_finish(&c, status);
	}
	if (!o.as_given)
		o.as[CK_RT_DOTNET_LINUX] = true;
	ck_error_clear(&err);
	if (o.junit) {
		struct ck_write_opts wo = cli_write_opts(o.force, false);
		if (ck_out_open(o.junit, &wo, &jo, &err)) {
			free(o.urls);
			return early_end(&c, cli_write_error(&err));
		}
	}
	trust = cli_load_trust(&c, &status);
	if (!trust) {
		ck_out_abort(jo);
		free(o.urls);
		return early_end(&c, status);
	}
	ru.trust = trust;
	nin = (size_t)(argc - first) + (o.nurls > 0);
	ins = calloc(nin ? nin : 1, sizeof *ins);
	if (!ins) {
		cli_msg(NULL, "out of memory");
		ck_out_abort(jo);
		free(o.urls);
		ck_trust_free(trust);
		return early_end(&c, CLI_EXIT_INTERNAL);
	}
	ru.out = cli_output_begin(&c, &ck_view_aiacheck, nin > 1);
	if (!ru.out) {
		/* (with --format nagios, early_end still prints the UNKNOWN line) */
		cli_msg(NULL, "out of memory");
		ck_out_abort(jo);
		free(ins);
		free(o.urls);
		ck_trust_free(trust);
		return early_end(&c, CLI_EXIT_INTERNAL);
	}
	if (jo) {
		struct ck_text_opts to = cli_text_opts(&c);
		ru.junit = ck_emitter_new(ck_emitter_find("junit"), &ck_view_aiacheck, NULL, &to);
	}
	for (int i = first; i < argc; i++) {
		ins[i - first].path = argv[i];
		load_input(&ru, &ins[i - first]);
	}
	if (o.nurls)
		ins[nin - 1].urls = o.urls;
	s = check_all(&ru, ins, nin);
	if (s)
		input_status = checks_failed = s;
	for (size_t i = 0; i < nin && !s; i++) {
		int k = report_one(&ru, &ins[i]);
		if (k >= CLI_EXIT_INPUT && !input_status)
			input_status = k;
		else if (k == CLI_EXIT_PROBLEMS)
			status = CLI_EXIT_PROBLEMS;
	}
	/* standard output is ended before the JUnit report (which may go to
	 * it: --junit -), except the plugin's status, which comes last */
	if (!cli_plugin_status(&c))
		s = cli_output_end(ru.out, NULL,
				   &(struct ck_emit_extra){ .incomplete = checks_failed ||
									  input_status >= CLI_EXIT_INTERNAL },
				   &status);
	if (jo) {
		int j = write_junit(&ru, jo);
		if (j && !input_status)
			input_status = j;
	}
	if (cli_plugin_status(&c))
		s = cli_output_end(ru.out, NULL,
				   &(struct ck_emit_extra){ .incomplete = checks_failed ||
									  input_status >= CLI_EXIT_INTERNAL },
				   &status);
	if (cli_plugin_status(&c))
		input_status = 0; /* in the plugin's state: an input not read is UNKNOWN by itself */
	else if (s && !input_status)
		input_status = CLI_EXIT_INTERNAL;
	ck_emitter_free(ru.junit);
	inputs_free(ins, nin);
	free(o.urls);
	ck_trust_free(trust);
	return cli_finish(&c, input_status ? input_status : status);
}
