/* certaudit — audit many bundles against a policy, for scripts and CI.
 *
 * The run: read the policy, the password map and the trust stores once;
 * walk every PATH into a list of files; sort it; let -j workers load,
 * analyse and audit the files (libcore is reentrant for independent
 * bundles: nothing in it is global but the ASN.1 definitions, built once);
 * print the results in path order as they complete, whatever order the
 * workers finish in; then the totals, and the JUnit and SARIF files. */
#include "config.h"

#include "certaudit-output.h"
#include "cli.h"
#include "pool.h"
#include "progress.h"
#include "libcore/audit-file.h"
#include "libcore/policy.h"
#include "libcore/pwmap.h"
#include "libcore/walk.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
	OPT_POLICY = CLI_TOOL_OPTION,
	OPT_PRINT_POLICY,
	OPT_INCLUDE,
	OPT_EXCLUDE,
	OPT_FOLLOW,
	OPT_PASSWORDS,
	OPT_JSONL,
	OPT_JUNIT,
	OPT_SARIF,
	OPT_FORCE,
	OPT_JOBS,
	OPT_NETWORK,
};

static const struct cli_option options[] = {
	{ "policy", 0, "FILE", "apply the policy in FILE (\"key = value\" lines) over the built-in one", OPT_POLICY, CLI_ARG_PATH },
	{ "print-policy", 0, NULL, "print the policy in effect in the --policy format, and exit", OPT_PRINT_POLICY },
	{ "include", 0, "GLOB", "in directories, audit only the files that match GLOB (repeatable)", OPT_INCLUDE },
	{ "exclude", 0, "GLOB", "skip the files and directories that match GLOB (repeatable)", OPT_EXCLUDE },
	{ "follow", 0, NULL, "follow symbolic links that lead out of the PATHs given", OPT_FOLLOW },
	{ "passwords", 0, "MAP", "password files by glob: lines of GLOB<TAB>PASSWORD-FILE, first match wins", OPT_PASSWORDS },
	{ "jsonl", 0, NULL, "same as --format json: one JSON object per file (JSON Lines)", OPT_JSONL },
	{ "junit", 0, "FILE", "also write a JUnit XML report to FILE", OPT_JUNIT, CLI_ARG_PATH },
	{ "sarif", 0, "FILE", "also write a SARIF 2.1.0 report to FILE", OPT_SARIF, CLI_ARG_PATH },
	{ "force", 0, NULL, "replace existing --junit, --sarif files, or write into a FIFO or device there", OPT_FORCE },
	{ "jobs", 'j', "N", "audit N files at a time (default: the number of CPUs)", OPT_JOBS,
	  CLI_ARG_COUNT, 1, 256 },
	{ "network", 0, NULL, "also check every AIA, OCSP and CRL URL, each distinct request once", OPT_NETWORK },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "certaudit",
	.synopsis = "[OPTION]... PATH...\n   or: certaudit --print-policy [--policy FILE]",
	.summary = "Audit the certificate bundles in each PATH against a policy.",
	.description =
		"PATH is a bundle (any format chainview reads) or a directory, walked recursively;\n"
		"in directories, files named *.pem, *.crt, *.cer, *.cert, *.der, *.p7b, *.p7c,\n"
		"*.p12, *.pfx, *.jks or *.jceks, and other files holding a PEM certificate, are\n"
		"audited.  Each file is OK, WARN or FAIL by the policy (--print-policy shows it);\n"
		"the exit status is 1 when a file FAILs.  Passwords are never asked for: a file\n"
		"without one is reported as password-required.\n\n"
		"With --format nagios, a Nagios/Icinga plugin: one status line with performance\n"
		"data, and the plugin exit status instead of the usual ones: 0 OK, 1 WARNING (a\n"
		"file WARNs), 2 CRITICAL (a file FAILs), 3 UNKNOWN (usage error, nothing audited\n"
		"or the run did not complete).",
	.options = options,
	.common = CLI_WITH_ALL | CLI_WITH_NETWORK,
	.view = &ck_view_certaudit,
	.network_when = "with --network: ",
};

struct opts {
	const char *policy_file;
	bool print_policy;
	struct ck_walk_opts walk; /* --include, --exclude, --follow */
	const char *passwords;
	const char *junit, *sarif;
	bool force;
	unsigned jobs;
	bool jsonl;
	bool network;
};

static int push(struct ck_walk_globs *s, const char *v)
{
	const char **nv = realloc(s->v, (s->n + 1) * sizeof *nv);
	if (!nv) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	nv[s->n++] = v;
	s->v = nv;
	return 0;
}

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;

	switch (id) {
	case OPT_POLICY: o->policy_file = arg; break;
	case OPT_PRINT_POLICY: o->print_policy = true; break;
	case OPT_INCLUDE:
	case OPT_EXCLUDE:
		if (!*arg)
			return cli_usage("--%s needs a glob", id == OPT_INCLUDE ? "include" : "exclude");
		return push(id == OPT_INCLUDE ? &o->walk.include : &o->walk.exclude, arg);
	case OPT_FOLLOW: o->walk.follow = true; break;
	case OPT_PASSWORDS: o->passwords = arg; break;
	case OPT_JSONL: o->jsonl = true; break;
	case OPT_JUNIT:
	case OPT_SARIF:
		if (!*arg || !strcmp(arg, "-"))
			return cli_usage("--%s needs a file name (standard output carries the summary)",
					 id == OPT_JUNIT ? "junit" : "sarif");
		*(id == OPT_JUNIT ? &o->junit : &o->sarif) = arg;
		break;
	case OPT_FORCE: o->force = true; break;
	case OPT_JOBS: o->jobs = (unsigned)a->n; break;
	case OPT_NETWORK: o->network = true; break;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* the run */

struct ctx {
	struct ck_audit_file_opts a; /* defer with --network: documents made after the checks */
	const char **passwords;      /* each file's; NULL: none */
	const struct opts *o;
	const struct cli_common *c;
};

/* What a worker hands over when it could not allocate a result. */
static struct ck_audit_result no_memory;

/* The work of a worker: entry i. */
static void *audit_one(void *arg, size_t i)
{
	const struct ctx *x = arg;
	return ck_audit_file(&x->a, &x->a.walk->v[i], x->passwords[i]);
}

static void result_free(struct ck_audit_result *r)
{
	if (r != &no_memory)
		ck_audit_result_free(r);
}

/* ---------------------------------------------------------------- */

static int load_policy(const struct opts *o, struct ck_policy **out)
{
	struct ck_error err;
	ck_error_clear(&err);
	if (ck_policy_new(out, &err))
		return cli_error(&err);
	if (o->policy_file && ck_policy_load_file(*out, o->policy_file, &err)) {
		ck_policy_free(*out);
		*out = NULL;
		return cli_error(&err);
	}
	return 0;
}

static int print_policy(const struct ck_policy *policy)
{
	char *text = ck_policy_format(policy);
	if (!text) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	fputs(text, stdout);
	free(text);
	return 0;
}

/* Print one result, count it, keep it for the report files.  Returns 0
 * or an exit status. */
static int take_result(struct output *out, struct ck_walk *w, struct ck_audit_totals *t,
		       struct ck_audit_result *r, const char *path)
{
	if (r == &no_memory) {
		cli_msg(path, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	if (r->skipped) {
		ck_walk_not_audited(w, path, "not a certificate bundle by name or content");
		return 0;
	}
	if (r->internal) {
		cli_error(r->internal);
		return CLI_EXIT_INTERNAL;
	}
	output_doc(out, r->doc, r->urls);
	t->files++;
	t->ok += r->verdict == CK_VERDICT_OK;
	t->warn += r->verdict == CK_VERDICT_WARN;
	t->fail += r->verdict == CK_VERDICT_FAIL;
	t->errors += r->errors;
	t->warnings += r->warnings;
	t->infos += r->infos;
	if (!output_keeping(out))
		return 0;
	return output_keep(out, r->doc);
}

/* ---------------------------------------------------------------- */
/* --network */

/* Check the URLs of every file held, each distinct request once.  The
 * URL findings are added to each file's audit.  Returns 0 or an exit
 * status (the files are still printed, without URL findings). */
static int check_urls(const struct ctx *x, struct ck_walk *w, struct ck_audit_result **held,
		      struct ck_audit_totals *t, struct cli_progress *pg)
{
	struct ck_url_set **sets = calloc(w->n ? w->n : 1, sizeof *sets);
	struct ck_net_opts no = { 0 };
	struct ck_error err;
	size_t nsets = 0;
	int status = 0;

	ck_error_clear(&err);
	if (!sets) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < w->n; i++) {
		struct ck_audit_result *r = held[i];
		if (r && r != &no_memory && !r->skipped && !r->internal && r->urls) {
			sets[nsets++] = r->urls;
			t->urls += r->urls->nurls;
		}
	}
	no.user_agent = PACKAGE_NAME "-certaudit/" PACKAGE_VERSION;
	no.progress = cli_progress_net;
	no.progress_ctx = pg;
	cli_net_opts(x->c, &no);
	pg->unit = "URL requests";
	clock_gettime(CLOCK_MONOTONIC, &pg->start);
	if (ck_url_sets_check(sets, nsets, &no, x->a.at, x->a.policy->next_update_warn_hours,
			      &t->url_requests, &err)) {
		cli_progress_clear(pg);
		cli_msg(NULL, "cannot check the URLs: %s", err.what);
		status = CLI_EXIT_INTERNAL;
		/* the documents are made without URL findings */
		t->urls = t->url_requests = 0;
		for (size_t i = 0; i < w->n; i++)
			if (held[i] && held[i] != &no_memory) {
				ck_url_set_free(held[i]->urls);
				held[i]->urls = NULL;
			}
	}
	free(sets);
	return status;
}

/* Make the documents of the files held, with their URL findings, and
 * print them in order. */
static int print_held(const struct ctx *x, struct ck_walk *w, struct output *out,
		      struct ck_audit_totals *t, struct ck_audit_result **held, struct cli_progress *pg)
{
	int status = 0;
	for (size_t i = 0; i < w->n; i++) {
		struct ck_audit_result *r = held[i];
		int s = 0;
		if (!r)
			continue;
		if (r != &no_memory && !r->skipped && !r->internal &&
		    ck_audit_result_finish(r, x->a.policy, w->v[i].path)) {
			cli_msg(w->v[i].path, "out of memory");
			result_free(r);
			status = CLI_EXIT_INTERNAL;
			continue;
		}
		if (r == &no_memory || (!r->skipped && (r->internal || isatty(STDOUT_FILENO))))
			cli_progress_clear(pg);
		s = take_result(out, w, t, r, w->v[i].path);
		status = s ? s : status;
		result_free(r);
	}
	return status;
}

/* The progress line while waiting for the workers. */
struct tick {
	struct cli_progress *pg;
	size_t n;
};

static void tick(void *arg, size_t done)
{
	struct tick *k = arg;
	cli_progress_draw(k->pg, done, k->n, false);
}

/* Run the workers and print the results in order. */
static int run(struct ck_walk *w, const struct ctx *x, struct output *out, struct ck_audit_totals *t)
{
	struct cli_progress pg;
	struct tick k = { &pg, w->n };
	bool stdout_tty = isatty(STDOUT_FILENO);
	struct ck_audit_result **held = NULL;
	unsigned jobs = x->o->jobs ? x->o->jobs : pool_cpu_count();
	struct pool *p = NULL;
	int status = 0;

	if (x->a.defer && !(held = calloc(w->n ? w->n : 1, sizeof *held)))
		k.n = 0;
	else if (!(p = pool_start(w->n, jobs, audit_one, (void *)x))) {
		cli_msg(NULL, "cannot start a worker thread");
		status = CLI_EXIT_INTERNAL;
		k.n = 0;
	}
	cli_progress_start(&pg, w->n > 0, "files", 0);
	cli_progress_draw(&pg, 0, k.n, true);
	for (size_t i = 0; i < k.n; i++) {
		size_t done = 0;
		struct ck_audit_result *r = pool_take(p, i, tick, &k, &done);
		int s;
		if (!r)
			r = &no_memory;
		if (held) {
			/* --network: every file first, then the URLs, then the output */
			held[i] = r;
			cli_progress_draw(&pg, done, k.n, false);
			continue;
		}
		/* messages, and output to the same terminal, go on a clean line */
		if (r == &no_memory || (!r->skipped && (r->internal || stdout_tty)))
			cli_progress_clear(&pg);
		s = take_result(out, w, t, r, w->v[i].path);
		status = s ? s : status;
		result_free(r);
		cli_progress_draw(&pg, done, k.n, false);
	}
	pool_end(p);
	if (x->a.defer && !held) {
		cli_msg(NULL, "out of memory");
		status = CLI_EXIT_INTERNAL;
	} else if (held) {
		int s = check_urls(x, w, held, t, &pg);
		status = s ? s : status;
		s = print_held(x, w, out, t, held, &pg);
		status = s ? s : status;
		free(held);
	}
	cli_progress_clear(&pg);
	return status;
}

/* Walk the PATHs, and give each file found its password.  Returns 0 or
 * an exit status after messages. */
static int walk(struct ck_walk *w, char **paths, int n, const struct ck_pwmap *map,
		const char *password, const char ***passwords)
{
	struct ck_error err;
	enum ck_status rc;

	ck_error_clear(&err);
	rc = ck_walk_operands(w, paths, n, &err);
	for (size_t i = 0; i < w->nerrors; i++)
		cli_error(&w->errors[i]);
	if (rc)
		return rc == CK_E_NOMEM ? cli_error(&err) : CLI_EXIT_INPUT;
	if (!(*passwords = calloc(w->n ? w->n : 1, sizeof **passwords))) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < w->n; i++) {
		const char *pw = ck_pwmap_find(map, w->v[i].path, w->v[i].rel);
		(*passwords)[i] = pw ? pw : password;
	}
	return 0;
}

/* The options and operands together: 0, or the exit status after a
 * usage error.  --jsonl is --format json in JSON Lines: it replaces
 * text, json or xml, and no other format. */
static int usage_check(const struct cli_common *c, const struct opts *o, int operands)
{
	const char *f = cli_format_ops(c)->name;

	if (o->jsonl && strcmp(f, "text") && strcmp(f, "json") && strcmp(f, "xml"))
		return cli_usage("use only one of --jsonl and --format %s", f);
	if (o->print_policy && operands > 0)
		return cli_usage("--print-policy takes no PATH");
	if (!o->print_policy && operands <= 0)
		return cli_usage("no PATH to audit");
	return cli_net_check(c, o->network, "--network");
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct ck_policy *policy = NULL;
	struct ck_trust *trust = NULL;
	struct ck_pwmap map = { 0 };
	struct ck_walk w = { 0 };
	struct ck_audit_totals t = { 0 };
	struct output out = { 0 };
	struct ctx x = { 0 };
	const char **passwords = NULL;
	struct ck_error err;
	json_t *tot = NULL;
	int first, s, status = 0;
	bool nagios_done = false;

	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status) ||
	    (status = usage_check(&c, &o, argc - first))) {
		nagios_done = true; /* a usage error wrote the plugin's UNKNOWN line */
		goto out;
	}
	/* unattended runs: a missing password is a finding, never a prompt */
	c.pw.ask = NULL;
	if (o.jsonl)
		c.format = ck_emitter_find("json");
	if ((status = load_policy(&o, &policy)))
		goto out;
	if (o.print_policy) {
		status = print_policy(policy);
		goto out;
	}
	if (o.junit && o.sarif && output_same_file(o.junit, o.sarif)) {
		status = cli_usage("--junit and --sarif name the same file");
		nagios_done = true;
		goto out;
	}
	if ((status = output_check_report(o.junit, o.force)) ||
	    (status = output_check_report(o.sarif, o.force)))
		goto out;
	ck_error_clear(&err);
	if (o.passwords && ck_pwmap_load(&map, o.passwords, &err)) {
		status = cli_error(&err);
		goto out;
	}
	trust = cli_load_trust(&c, &status);
	if (!trust)
		goto out;
	w.o = &o.walk;
	if ((status = walk(&w, argv + first, argc - first, &map, c.password, &passwords)))
		goto out;

	/* jansson seeds its hash function on first use: do it before the
	 * workers, not racing in them */
	json_object_seed(0);
	x.a = (struct ck_audit_file_opts){ .walk = &w, .policy = policy, .trust = trust,
					   .max_size = c.max_size, .kdf_budget = c.kdf_budget,
					   .at = c.at ? c.at : time(NULL),
					   .want_report = !cli_format_text(&c), .defer = o.network };
	x.passwords = passwords;
	x.o = &o;
	x.c = &c;
	output_begin(&out, &c, o.junit, o.sarif);
	if (out.failed) {
		/* (with --format nagios, the UNKNOWN line below) */
		cli_msg(NULL, "out of memory");
		cli_output_abort(out.std);
		out.std = NULL;
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	status = run(&w, &x, &out, &t);

	ck_walk_sort_not_audited(&w);
	tot = ck_report_audit_totals(&t, &w, x.a.at);
	if (!tot) {
		cli_msg(NULL, "out of memory");
		status = CLI_EXIT_INTERNAL;
	}
	/* standard output is ended before the JUnit and SARIF files, except
	 * the plugin's status line, which comes last */
	if (!cli_plugin_status(&c))
		status = output_end(&out, tot, policy, status);
	if (o.junit && (s = output_write_report(o.junit, out.junit, policy, o.force)))
		status = s;
	if (o.sarif && (s = output_write_report(o.sarif, out.sarif, policy, o.force)))
		status = s;
	if (cli_plugin_status(&c))
		status = output_end(&out, tot, policy, status);
	nagios_done = true;
	if (!cli_plugin_status(&c) && !status && t.fail)
		status = CLI_EXIT_PROBLEMS;
out:
	if (cli_plugin_status(&c) && !o.print_policy && !nagios_done)
		status = cli_nagios_unknown();
	json_decref(tot);
	output_free(&out);
	free(passwords);
	ck_walk_free(&w);
	ck_pwmap_free(&map);
	ck_trust_free(trust);
	ck_policy_free(policy);
	free(o.walk.include.v);
	free(o.walk.exclude.v);
	return cli_finish(&c, status);
}
