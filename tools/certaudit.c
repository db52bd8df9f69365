/* certaudit — audit many bundles against a policy, for scripts and CI.
 *
 * The run: read the policy, the password map and the trust stores once;
 * walk every PATH into a list of files; sort it; let -j workers load,
 * analyse and audit the files (libcore is reentrant for independent
 * bundles: nothing in it is global but the ASN.1 definitions, built once);
 * print the results in path order as they complete, whatever order the
 * workers finish in; then the totals, and the JUnit and SARIF files. */
#include "config.h"

#include "cli.h"
#include "progress.h"
#include "pwmap.h"
#include "walk.h"
#include "libcore/policy.h"
#include "libcore/write.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
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
	OPT_CONNECT_TIMEOUT,
	OPT_TIMEOUT,
	OPT_PROXY,
	OPT_NO_PROXY,
};

static const struct cli_option options[] = {
	{ "policy", 0, "FILE", "apply the policy in FILE (\"key = value\" lines) over the built-in one", OPT_POLICY },
	{ "print-policy", 0, NULL, "print the policy in effect in the --policy format, and exit", OPT_PRINT_POLICY },
	{ "include", 0, "GLOB", "in directories, audit only the files that match GLOB (repeatable)", OPT_INCLUDE },
	{ "exclude", 0, "GLOB", "skip the files and directories that match GLOB (repeatable)", OPT_EXCLUDE },
	{ "follow", 0, NULL, "follow symbolic links that lead out of the PATHs given", OPT_FOLLOW },
	{ "passwords", 0, "MAP", "password files by glob: lines of GLOB<TAB>PASSWORD-FILE, first match wins", OPT_PASSWORDS },
	{ "jsonl", 0, NULL, "same as --format json: one JSON object per file (JSON Lines)", OPT_JSONL },
	{ "junit", 0, "FILE", "also write a JUnit XML report to FILE", OPT_JUNIT },
	{ "sarif", 0, "FILE", "also write a SARIF 2.1.0 report to FILE", OPT_SARIF },
	{ "force", 0, NULL, "replace existing --junit, --sarif files, or write into a FIFO or device there", OPT_FORCE },
	{ "jobs", 'j', "N", "audit N files at a time (default: the number of CPUs)", OPT_JOBS },
	{ "network", 0, NULL, "also check every AIA, OCSP and CRL URL, each distinct request once", OPT_NETWORK },
	{ "connect-timeout", 0, "SECONDS", "with --network: give up the name lookup and TCP connect after SECONDS (default 5)", OPT_CONNECT_TIMEOUT },
	{ "timeout", 0, "SECONDS", "with --network: give up a URL, redirects included, after SECONDS (default 10)", OPT_TIMEOUT },
	{ "proxy", 0, "URL", "with --network: use this proxy for http and https URLs", OPT_PROXY },
	{ "no-proxy", 0, NULL, "with --network: connect directly, ignoring http_proxy, https_proxy, no_proxy", OPT_NO_PROXY },
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
	.extra_formats = CLI_FORMATS(CLI_FORMAT_OPENMETRICS) | CLI_FORMATS(CLI_FORMAT_NAGIOS),
};

struct opts {
	const char *policy_file;
	bool print_policy;
	struct walk_opts walk; /* --include, --exclude, --follow */
	const char *passwords;
	const char *junit, *sarif;
	bool force;
	unsigned jobs;
	bool jsonl;
	bool network, no_proxy;
	unsigned connect_timeout_ms, timeout_ms;
	const char *proxy;
	const char *net_option; /* the first network option given, for the usage error */
};

static void push(struct walk_globs *s, const char *v)
{
	const char **nv = realloc(s->v, (s->n + 1) * sizeof *nv);
	if (!nv) {
		cli_msg(NULL, "out of memory");
		exit(CLI_EXIT_INTERNAL);
	}
	nv[s->n++] = v;
	s->v = nv;
}

static int tool_option(int id, const char *arg, void *ctx)
{
	struct opts *o = ctx;
	unsigned long v;

	switch (id) {
	case OPT_POLICY: o->policy_file = arg; break;
	case OPT_PRINT_POLICY: o->print_policy = true; break;
	case OPT_INCLUDE:
	case OPT_EXCLUDE:
		if (!*arg)
			cli_usage("--%s needs a glob", id == OPT_INCLUDE ? "include" : "exclude");
		push(id == OPT_INCLUDE ? &o->walk.include : &o->walk.exclude, arg);
		break;
	case OPT_FOLLOW: o->walk.follow = true; break;
	case OPT_PASSWORDS: o->passwords = arg; break;
	case OPT_JSONL: o->jsonl = true; break;
	case OPT_JUNIT:
	case OPT_SARIF:
		if (!*arg || !strcmp(arg, "-"))
			cli_usage("--%s needs a file name (standard output carries the summary)",
				  id == OPT_JUNIT ? "junit" : "sarif");
		*(id == OPT_JUNIT ? &o->junit : &o->sarif) = arg;
		break;
	case OPT_FORCE: o->force = true; break;
	case OPT_JOBS:
		if (!cli_parse_uint(arg, 1, 256, &v))
			cli_usage("--jobs takes a number from 1 to 256, not '%s'", arg);
		o->jobs = (unsigned)v;
		break;
	case OPT_NETWORK: o->network = true; break;
	case OPT_CONNECT_TIMEOUT:
		if (!cli_parse_seconds(arg, &o->connect_timeout_ms))
			cli_usage("--connect-timeout takes seconds from 0.001 to 3600, not '%s'", arg);
		o->net_option = o->net_option ? o->net_option : "--connect-timeout";
		break;
	case OPT_TIMEOUT:
		if (!cli_parse_seconds(arg, &o->timeout_ms))
			cli_usage("--timeout takes seconds from 0.001 to 3600, not '%s'", arg);
		o->net_option = o->net_option ? o->net_option : "--timeout";
		break;
	case OPT_PROXY:
		if (!*arg)
			cli_usage("--proxy needs a URL");
		o->proxy = arg;
		o->net_option = o->net_option ? o->net_option : "--proxy";
		break;
	case OPT_NO_PROXY:
		o->no_proxy = true;
		o->net_option = o->net_option ? o->net_option : "--no-proxy";
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* auditing one file (in a worker) */

struct ctx {
	const struct opts *o;
	const struct walk *w;       /* its roots, for the rules applied again at open */
	const struct cli_common *c;
	const struct ck_policy *policy;
	const struct ck_trust *trust;
	time_t at;
	bool want_report;   /* the chainview document is output (JSON, XML) */
	bool network;       /* keep each file's URLs; documents made after the checks */
};

struct result {
	bool skipped;       /* not a bundle after all */
	json_t *doc;
	/* with --network, until the URLs are checked: */
	struct ck_audit *au;
	json_t *report;
	struct ck_url_set *urls;
	enum ck_verdict verdict;
	size_t errors, warnings, infos;
	struct ck_error *internal; /* not about the file: exit 5 */
};

/* Does the start of the file hold a PEM certificate or PKCS#7 block?
 * Only the first 64 KiB are read (pread: the offset stays at 0): a
 * large file of another kind costs one read. */
static bool holds_pem_certificate(int fd)
{
	static const char *const markers[] = {
		"-----BEGIN CERTIFICATE-----", "-----BEGIN X509 CERTIFICATE-----",
		"-----BEGIN TRUSTED CERTIFICATE-----", "-----BEGIN PKCS7-----", NULL,
	};
	char *buf = malloc(65536);
	ssize_t n = -1;
	size_t len = 0;
	bool found = false;

	if (buf) {
		while (len < 65536 && (n = pread(fd, buf + len, 65536 - len, (off_t)len)) > 0)
			len += (size_t)n;
		for (size_t i = 0; markers[i] && !found; i++)
			found = memmem(buf, len, markers[i], strlen(markers[i])) != NULL;
	}
	free(buf);
	return found;
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" :
	       S_ISCHR(m) || S_ISBLK(m) ? "a device" : "not a regular file";
}

/* Open a file the walk found, and apply the walk's rules again to what
 * was opened, since the tree may have changed in between: the last
 * name is not followed unless the walk went through a link there
 * (O_NOFOLLOW), opening never waits (O_NONBLOCK: a FIFO put in its place
 * opens at once), fstat(2) must show a regular file, and without
 * --follow the file must still be inside the PATHs given (where the
 * descriptor really leads, from /proc/self/fd).  Returns the descriptor,
 * or -1 with `err` set (CK_E_IO: reported as unreadable). */
static int open_walked(const struct ctx *x, const struct entry *e, struct ck_error *err)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	char link[64], *real = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	ck_error_set_file(err, e->path);
	fd = open(e->path, flags | (e->how & E_VIA_LINK ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		if (errno == ELOOP && !(e->how & E_VIA_LINK))
			ck_error_set(err, CK_E_IO, "a symbolic link now (it changed after the walk): not followed");
		else
			ck_error_set_errno(err, CK_E_IO, errno, "cannot open");
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		ck_error_set_errno(err, CK_E_IO, errno, "cannot read its attributes");
		goto refused;
	}
	if (!S_ISREG(st.st_mode)) {
		ck_error_set(err, CK_E_IO, "%s now (it changed after the walk): not read",
			     file_kind(st.st_mode));
		goto refused;
	}
	if (!x->o->walk.follow) {
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		real = malloc(PATH_MAX);
		if (real && (n = readlink(link, real, PATH_MAX - 1)) > 0) {
			real[n] = '\0';
		} else {
			free(real); /* no /proc: where the name leads now */
			real = realpath(e->path, NULL);
		}
		if (!real || !walk_inside_roots(x->w, real)) {
			ck_error_set(err, CK_E_IO,
				     "leads out of the PATHs given now (it changed after the walk): not read");
			goto refused;
		}
		free(real);
	}
	return fd;
refused:
	free(real);
	close(fd);
	return -1;
}

/* Read a walked file into a bundle, or say why not: *skipped when it
 * is audited by content and holds no PEM certificate. */
static enum ck_status load_walked(const struct ctx *x, const struct entry *e,
				  const struct ck_load_opts *lo, bool *skipped, struct ck_bundle **b,
				  struct ck_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	enum ck_status rc;
	int fd = open_walked(x, e, err);

	*skipped = false;
	if (fd < 0)
		return err->status;
	if (e->how & E_BY_CONTENT && !holds_pem_certificate(fd)) {
		*skipped = true;
		close(fd);
		return CK_OK;
	}
	rc = ck_read_fd(fd, e->path, lo->max_size, &data, &len, err);
	close(fd);
	if (rc)
		return rc;
	rc = ck_bundle_load_mem(data, len, e->path, lo, b, err);
	gnutls_memset(data, 0, len);
	free(data);
	return rc;
}

static struct result *result_internal(struct result *r, const struct ck_error *err)
{
	r->internal = malloc(sizeof *r->internal);
	if (r->internal)
		*r->internal = *err;
	return r;
}

/* The document of a result from its audit (borrowed) and chainview's
 * document (taken), with the "urls" member when it was checked.  -1
 * when out of memory. */
static int result_document(struct result *r, const char *path, const struct ck_audit *au,
			   json_t *report, const struct ck_url_set *urls)
{
	r->doc = ck_report_audit(path, au, report);
	if (!r->doc || (urls && json_object_set_new(r->doc, "urls", ck_report_audit_urls(urls)) < 0))
		return -1;
	r->verdict = au->verdict;
	r->errors = au->errors;
	r->warnings = au->warnings;
	r->infos = au->infos;
	return 0;
}

static struct result *audit_one(const struct ctx *x, const struct entry *e)
{
	struct result *r = calloc(1, sizeof *r);
	struct ck_password pw = { .value = e->password, .ask = NULL, .ctx = NULL };
	struct ck_load_opts lo = { .max_size = x->c->max_size, .password = &pw,
				   .kdf_budget = x->c->kdf_budget };
	struct ck_analyze_opts ao;
	struct ck_bundle *b = NULL;
	struct ck_analysis *a = NULL;
	struct ck_audit *au = NULL;
	struct ck_error err;
	json_t *report = NULL;

	if (!r)
		return NULL;
	ck_error_clear(&err);
	if (e->failed) {
		err = *e->failed;
	} else if (e->how & E_EXPLICIT ? ck_bundle_load_file(e->path, &lo, &b, &err) == CK_OK :
		   load_walked(x, e, &lo, &r->skipped, &b, &err) == CK_OK) {
		if (r->skipped)
			return r;
		ck_policy_analyze_opts(x->policy, x->at, &ao);
		if (ck_analyze(b, x->trust, &ao, &a, &err) || ck_audit_bundle(x->policy, b, a, &au, &err)) {
			ck_error_set_file(&err, e->path);
			goto internal;
		}
		if (x->want_report && !(report = ck_report_bundle(b, a))) {
			ck_error_set(&err, CK_E_NOMEM, "out of memory");
			goto internal;
		}
	}
	if (!au) {
		/* the file could not be loaded: that is the finding */
		if (!ck_audit_failure_code(err.status))
			goto internal;
		if (ck_audit_failure(x->policy, &err, &au, &err))
			goto internal;
		if (x->want_report && !(report = ck_report_error(e->path, &err)))
			goto internal;
	}
	if (x->network) {
		/* the document waits for the URL checks */
		if (a && ck_url_set_new(a, &r->urls, &err))
			goto internal;
		r->au = au;
		r->report = report;
		au = NULL;
		report = NULL;
		goto out;
	}
	if (result_document(r, e->path, au, report, NULL)) {
		report = NULL;
		ck_error_set(&err, CK_E_NOMEM, "out of memory");
		goto internal;
	}
	report = NULL;
	goto out;
internal:
	ck_error_set_file(&err, e->path);
	result_internal(r, &err);
out:
	json_decref(report);
	ck_audit_free(au);
	ck_analysis_free(a);
	ck_bundle_free(b);
	return r;
}

/* What a worker hands over when it could not allocate a result. */
static struct result no_memory;

static void result_free(struct result *r)
{
	if (!r || r == &no_memory)
		return;
	json_decref(r->doc);
	ck_audit_free(r->au);
	json_decref(r->report);
	ck_url_set_free(r->urls);
	free(r->internal);
	free(r);
}

/* ---------------------------------------------------------------- */
/* workers: entries are taken in order; a worker does not run more than
 * WINDOW entries ahead of the output, so that results waiting for a
 * slow file in front of them stay few. */

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t landed, moved;
	const struct ctx *x;
	struct entry *v;
	size_t n, next, emitted, done, window;
	bool stop;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i;
		struct result *r;
		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->next < p->n && p->next >= p->emitted + p->window)
			pthread_cond_wait(&p->moved, &p->mu);
		if (p->stop || p->next >= p->n) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		r = audit_one(p->x, &p->v[i]);
		if (!r)
			r = &no_memory;
		pthread_mutex_lock(&p->mu);
		p->v[i].res = r;
		p->done++;
		pthread_cond_broadcast(&p->landed);
		pthread_mutex_unlock(&p->mu);
	}
}

static unsigned cpu_count(void)
{
	cpu_set_t set;
	long n;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* ---------------------------------------------------------------- */
/* output */

struct totals {
	size_t files, ok, warn, fail, errors, warnings, infos;
	size_t urls, url_requests;   /* --network */
};

struct output {
	struct cli_common *c;
	struct ck_xml *xml;
	struct ck_text_opts to;
	bool failed;
	struct ck_metrics *metrics; /* --format openmetrics: written at the end */
	struct ck_nagios *nagios; /* --format nagios: what the status line needs */
	json_t **keep;   /* documents kept for JUnit and SARIF (no "report") */
	size_t nkeep;
	bool keeping;
};

static void output_doc(struct output *out, json_t *doc, const struct ck_url_set *urls)
{
	switch (out->c->format) {
	case CLI_FORMAT_OPENMETRICS:
		if (!out->metrics || ck_report_metrics_add(out->metrics, doc, urls) < 0)
			out->failed = true;
		break;
	case CLI_FORMAT_JSON:
		if (ck_report_write_json(stdout, doc) < 0)
			out->failed = true;
		break;
	case CLI_FORMAT_XML:
		if (ck_xml_write(out->xml, doc, "file") < 0)
			out->failed = true;
		break;
	case CLI_FORMAT_NAGIOS:
		if (!out->nagios || ck_nagios_add_audit(out->nagios, doc) < 0)
			out->failed = true;
		break;
	default:
		if (ck_report_text_certaudit(stdout, doc, &out->to) < 0)
			out->failed = true;
		break;
	}
}

static json_t *totals_doc(const struct totals *t, const struct walk *w, time_t at)
{
	json_t *doc = json_object(), *s = json_object();
	char when[32];
	ck_time_format(at, when);
	json_object_set_new(s, "files", json_integer((json_int_t)t->files));
	json_object_set_new(s, "ok", json_integer((json_int_t)t->ok));
	json_object_set_new(s, "warn", json_integer((json_int_t)t->warn));
	json_object_set_new(s, "fail", json_integer((json_int_t)t->fail));
	json_object_set_new(s, "errors", json_integer((json_int_t)t->errors));
	json_object_set_new(s, "warnings", json_integer((json_int_t)t->warnings));
	json_object_set_new(s, "info", json_integer((json_int_t)t->infos));
	json_object_set_new(s, "not_audited", json_integer((json_int_t)w->not_audited));
	json_object_set_new(s, "symlinks_not_followed", json_integer((json_int_t)w->links_skipped));
	{
		json_t *files = json_array();
		for (size_t i = 0; i < w->nskipped; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "path", ck_json_str(w->skipped[i].path));
			json_object_set_new(o, "reason", json_string(w->skipped[i].why));
			json_array_append_new(files, o);
		}
		json_object_set_new(s, "not_audited_files", files);
	}
	json_object_set_new(s, "urls", json_integer((json_int_t)t->urls));
	json_object_set_new(s, "url_requests", json_integer((json_int_t)t->url_requests));
	json_object_set_new(s, "at", json_string(when));
	json_object_set_new(doc, "totals", s);
	return doc;
}

/* Write --junit or --sarif atomically.  Returns 0 or an exit status:
 * an output that cannot be written is a system error (5), not an
 * input error, whatever the cause; one that may not be written (it
 * exists, without --force) is a usage error (2). */
static int write_report(const char *path, struct output *out, const struct ck_policy *policy,
			bool force, bool sarif)
{
	struct ck_write_opts wo = cli_write_opts(force, false);
	struct ck_out *f = NULL;
	struct ck_error err;
	int r;

	ck_error_clear(&err);
	if (ck_out_open(path, &wo, &f, &err))
		return cli_write_error(&err);
	r = sarif ? ck_report_audit_sarif(ck_out_file(f), out->keep, out->nkeep, policy, PACKAGE_VERSION) :
		    ck_report_audit_junit(ck_out_file(f), out->keep, out->nkeep);
	if (r < 0) {
		ck_out_abort(f);
		cli_msg(path, "write error");
		return CLI_EXIT_INTERNAL;
	}
	if (ck_out_commit(f, &err))
		return cli_write_error(&err);
	return 0;
}

/* Whether two output names are one file: the same name in the same
 * directory (neither file needs to exist yet). */
static bool same_output(const char *a, const char *b)
{
	const char *na = strrchr(a, '/') ? strrchr(a, '/') + 1 : a;
	const char *nb = strrchr(b, '/') ? strrchr(b, '/') + 1 : b;
	char *da = strdup(a), *db = strdup(b), *ra = NULL, *rb = NULL;
	bool same;

	if (strcmp(na, nb) != 0) {
		same = false;
	} else if (!da || !db) {
		same = strcmp(a, b) == 0;
	} else {
		ra = realpath(dirname(da), NULL);
		rb = realpath(dirname(db), NULL);
		same = ra && rb ? strcmp(ra, rb) == 0 : strcmp(da, db) == 0;
	}
	free(da);
	free(db);
	free(ra);
	free(rb);
	return same;
}

/* Check early that --junit and --sarif can be written, so that an
 * existing file does not cost a whole run (a FIFO is not opened: its
 * reader would see the end of the data). */
static int check_report_path(const char *path, bool force)
{
	struct ck_write_opts wo = cli_write_opts(force, false);
	struct ck_error err;

	if (!path)
		return 0;
	ck_error_clear(&err);
	if (ck_out_check(path, &wo, &err))
		return cli_write_error(&err);
	return 0;
}

/* --format nagios: the status line, and its state as the exit status
 * (UNKNOWN unless a file is worse when `status`, the run's exit status
 * so far, says it did not end well). */
static int nagios_end(struct output *out, const json_t *tot, const struct ck_policy *policy, int status)
{
	enum ck_nagios_state st;

	if (out->failed || !out->nagios) {
		cli_msg(NULL, "out of memory");
		return cli_nagios_unknown();
	}
	if (ck_report_nagios_certaudit(stdout, out->nagios, tot, policy, status != 0, &st) < 0)
		return CLI_EXIT_NAGIOS_UNKNOWN; /* cli_finish() says why */
	return (int)st;
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

/* Wait for entry i's result, redrawing the progress line meanwhile. */
static struct result *wait_result(struct pool *p, size_t i, struct cli_progress *pg, size_t *done)
{
	struct result *r;

	pthread_mutex_lock(&p->mu);
	while (!p->v[i].res) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->landed, &p->mu, &until);
		*done = p->done;
		pthread_mutex_unlock(&p->mu);
		cli_progress_draw(pg, *done, p->n, false);
		pthread_mutex_lock(&p->mu);
	}
	r = p->v[i].res;
	p->v[i].res = NULL;
	*done = p->done;
	pthread_mutex_unlock(&p->mu);
	return r;
}

/* Entry i is printed: the workers may run one further ahead. */
static void mark_emitted(struct pool *p, size_t i)
{
	pthread_mutex_lock(&p->mu);
	p->emitted = i + 1;
	pthread_cond_broadcast(&p->moved);
	pthread_mutex_unlock(&p->mu);
}

/* Print one result, count it, keep it for the report files.  Returns 0
 * or an exit status. */
static int take_result(struct output *out, struct walk *w, struct totals *t, struct result *r,
		       const char *path)
{
	if (r == &no_memory) {
		cli_msg(path, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	if (r->skipped) {
		walk_not_audited(w, path, "not a certificate bundle by name or content");
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
	if (out->keeping) {
		json_t **nk = realloc(out->keep, (out->nkeep + 1) * sizeof *nk);
		if (!nk) {
			cli_msg(NULL, "out of memory");
			return CLI_EXIT_INTERNAL;
		}
		out->keep = nk;
		json_object_del(r->doc, "report");
		nk[out->nkeep++] = r->doc;
		r->doc = NULL;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* --network */

/* Check the URLs of every file held, each distinct request once.  The
 * URL findings are added to each file's audit.  Returns 0 or an exit
 * status (the files are still printed, without URL findings). */
static int check_urls(const struct ctx *x, struct walk *w, struct result **held, struct totals *t,
		      struct cli_progress *pg)
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
		struct result *r = held[i];
		if (r && r != &no_memory && !r->skipped && !r->internal && r->urls) {
			sets[nsets++] = r->urls;
			t->urls += r->urls->nurls;
		}
	}
	no.connect_timeout_ms = x->o->connect_timeout_ms;
	no.timeout_ms = x->o->timeout_ms;
	no.user_agent = PACKAGE_NAME "-certaudit/" PACKAGE_VERSION;
	no.progress = cli_progress_net;
	no.progress_ctx = pg;
	cli_net_env(&no, x->o->proxy, x->o->no_proxy);
	cli_net_rules(x->c, &no);
	pg->unit = "URL requests";
	clock_gettime(CLOCK_MONOTONIC, &pg->start);
	if (ck_url_sets_check(sets, nsets, &no, x->at, x->policy->next_update_warn_hours,
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
static int print_held(const struct ctx *x, struct walk *w, struct output *out, struct totals *t,
		      struct result **held, struct cli_progress *pg)
{
	int status = 0;
	for (size_t i = 0; i < w->n; i++) {
		struct result *r = held[i];
		int s = 0;
		if (!r)
			continue;
		if (r != &no_memory && !r->skipped && !r->internal) {
			json_t *report = r->report;
			r->report = NULL;
			if ((r->urls && ck_audit_add_urls(r->au, x->policy, r->urls)) ||
			    (s = result_document(r, w->v[i].path, r->au, report, r->urls), report = NULL, s)) {
				json_decref(report);
				cli_msg(w->v[i].path, "out of memory");
				result_free(r);
				status = CLI_EXIT_INTERNAL;
				continue;
			}
		}
		if (r == &no_memory || (!r->skipped && (r->internal || isatty(STDOUT_FILENO))))
			cli_progress_clear(pg);
		s = take_result(out, w, t, r, w->v[i].path);
		status = s ? s : status;
		result_free(r);
	}
	return status;
}

/* Run the workers and print the results in order. */
static int run(struct walk *w, const struct ctx *x, struct output *out, struct totals *t)
{
	struct pool p = { .x = x, .v = w->v, .n = w->n };
	struct cli_progress pg;
	bool stdout_tty = isatty(STDOUT_FILENO);
	struct result **held = NULL;
	unsigned jobs = x->o->jobs ? x->o->jobs : cpu_count();
	pthread_t *th;
	unsigned started = 0;
	int status = 0;

	if (jobs > w->n)
		jobs = w->n ? (unsigned)w->n : 1;
	p.window = (size_t)jobs * 8 + 64;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.landed, NULL);
	pthread_cond_init(&p.moved, NULL);
	th = calloc(jobs, sizeof *th);
	if (x->network && !(held = calloc(w->n ? w->n : 1, sizeof *held)))
		p.n = 0;
	for (unsigned i = 0; th && i < jobs; i++)
		if (pthread_create(&th[started], NULL, worker, &p) == 0)
			started++;
	if (!started) {
		cli_msg(NULL, "cannot start a worker thread");
		status = CLI_EXIT_INTERNAL;
		p.n = 0;
	}
	cli_progress_start(&pg, w->n > 0, "files", 0);
	cli_progress_draw(&pg, 0, p.n, true);
	for (size_t i = 0; i < p.n; i++) {
		size_t done = 0;
		struct result *r = wait_result(&p, i, &pg, &done);
		int s;
		if (held) {
			/* --network: every file first, then the URLs, then the output */
			held[i] = r;
			mark_emitted(&p, i);
			cli_progress_draw(&pg, done, p.n, false);
			continue;
		}
		/* messages, and output to the same terminal, go on a clean line */
		if (r == &no_memory || (!r->skipped && (r->internal || stdout_tty)))
			cli_progress_clear(&pg);
		s = take_result(out, w, t, r, p.v[i].path);
		status = s ? s : status;
		result_free(r);
		mark_emitted(&p, i);
		cli_progress_draw(&pg, done, p.n, false);
	}
	pthread_mutex_lock(&p.mu);
	p.stop = true;
	pthread_cond_broadcast(&p.moved);
	pthread_mutex_unlock(&p.mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	if (x->network && !held) {
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
	pthread_cond_destroy(&p.landed);
	pthread_cond_destroy(&p.moved);
	pthread_mutex_destroy(&p.mu);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct ck_policy *policy = NULL;
	struct ck_trust *trust = NULL;
	struct pw_map map = { 0 };
	struct walk w = { 0 };
	struct totals t = { 0 };
	struct output out = { 0 };
	struct ctx x = { 0 };
	json_t *tot = NULL;
	int first, status = 0;
	bool nagios_done = false;

	cli_parse(&tool, argc, argv, &c, tool_option, &o, &first);
	/* unattended runs: a missing password is a finding, never a prompt */
	c.pw.ask = NULL;
	if (o.jsonl && (c.format == CLI_FORMAT_NAGIOS || c.format == CLI_FORMAT_OPENMETRICS))
		cli_usage("use only one of --jsonl and --format %s",
			  c.format == CLI_FORMAT_NAGIOS ? "nagios" : "openmetrics");
	if (o.jsonl)
		c.format = CLI_FORMAT_JSON;
	if (o.print_policy && first < argc)
		cli_usage("--print-policy takes no PATH");
	if (!o.print_policy && first >= argc)
		cli_usage("no PATH to audit");
	if (o.net_option && !o.network)
		cli_usage("%s needs --network", o.net_option);
	if (c.net_option && !o.network)
		cli_usage("%s needs --network", c.net_option);
	if (o.proxy && o.no_proxy)
		cli_usage("use only one of --proxy and --no-proxy");
	if ((status = load_policy(&o, &policy)))
		goto out;
	if (o.print_policy) {
		status = print_policy(policy);
		goto out;
	}
	if (o.junit && o.sarif && same_output(o.junit, o.sarif))
		cli_usage("--junit and --sarif name the same file");
	if ((status = check_report_path(o.junit, o.force)) ||
	    (status = check_report_path(o.sarif, o.force)))
		goto out;
	if (o.passwords && (status = pw_map_load(&map, o.passwords)))
		goto out;
	trust = cli_load_trust(&c, &status);
	if (!trust)
		goto out;
	w.o = &o.walk;
	if ((status = walk_operands(&w, argv + first, argc - first)))
		goto out;
	for (size_t i = 0; i < w.n; i++) {
		const char *pw = pw_map_find(&map, w.v[i].path, w.v[i].rel);
		w.v[i].password = pw ? pw : c.password;
	}

	/* jansson seeds its hash function on first use: do it before the
	 * workers, not racing in them */
	json_object_seed(0);
	x.o = &o;
	x.w = &w;
	x.c = &c;
	x.policy = policy;
	x.trust = trust;
	x.at = c.at ? c.at : time(NULL);
	x.want_report = c.format != CLI_FORMAT_TEXT;
	x.network = o.network;
	out.c = &c;
	out.to = cli_text_opts(&c);
	out.keeping = o.junit || o.sarif;
	if (c.format == CLI_FORMAT_XML && !(out.xml = ck_xml_begin(stdout, "certaudit")))
		out.failed = true;
	if (c.format == CLI_FORMAT_OPENMETRICS && !(out.metrics = ck_report_metrics_new()))
		out.failed = true;
	if (c.format == CLI_FORMAT_NAGIOS)
		out.nagios = ck_nagios_new("CERTAUDIT");
	status = run(&w, &x, &out, &t);

	walk_sort_not_audited(&w);
	tot = totals_doc(&t, &w, x.at);
	if (c.format == CLI_FORMAT_JSON && ck_report_write_json(stdout, tot) < 0) {
		out.failed = true;
	} else if (c.format == CLI_FORMAT_XML) {
		/* ended (and freed) even when the totals could not be written */
		bool bad = ck_xml_write(out.xml, json_object_get(tot, "totals"), "totals") < 0;
		if (ck_xml_end(out.xml) < 0 || bad)
			out.failed = true;
	} else if (c.format == CLI_FORMAT_TEXT &&
		   ck_report_text_certaudit_totals(stdout, tot, &out.to) < 0) {
		out.failed = true;
	} else if (c.format == CLI_FORMAT_OPENMETRICS &&
		   (!out.metrics || ck_report_metrics_write(stdout, out.metrics, tot) < 0)) {
		out.failed = true;
	}
	if (out.failed && c.format != CLI_FORMAT_NAGIOS) {
		if (!ferror(stdout)) /* else cli_finish() says so, with the reason */
			cli_msg(NULL, "write error on standard output");
		status = CLI_EXIT_INTERNAL;
	}
	if (o.junit) {
		int s = write_report(o.junit, &out, policy, o.force, false);
		status = s ? s : status;
	}
	if (o.sarif) {
		int s = write_report(o.sarif, &out, policy, o.force, true);
		status = s ? s : status;
	}
	if (c.format == CLI_FORMAT_NAGIOS) {
		status = nagios_end(&out, tot, policy, status);
		nagios_done = true;
	} else if (!status && t.fail) {
		status = CLI_EXIT_PROBLEMS;
	}
out:
	if (c.format == CLI_FORMAT_NAGIOS && !o.print_policy && !nagios_done)
		status = cli_nagios_unknown();
	ck_nagios_free(out.nagios);
	json_decref(tot);
	ck_report_metrics_free(out.metrics);
	for (size_t i = 0; i < out.nkeep; i++)
		json_decref(out.keep[i]);
	free(out.keep);
	walk_free(&w);
	pw_map_free(&map);
	ck_trust_free(trust);
	ck_policy_free(policy);
	free(o.walk.include.v);
	free(o.walk.exclude.v);
	return cli_finish(&c, status);
}
