/* truststore — list, search, compare and export trust stores, and say
 * which store anchors a chain.
 *
 * Commands are the first operand.  Each command has its own option
 * table (truststore CMD --help); the tool's table is their union, for
 * "truststore --help" and for options given before the command, which
 * are then checked against the command. */
#include "config.h"

#include "cli.h"
#include "libcore/export.h"
#include "libcore/jks.h"
#include "libcore/pkcs12.h"
#include "libcore/report-truststore.h"
#include "libcore/write.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_STORE = CLI_TOOL_OPTION,
	OPT_DAYS,
	OPT_TO,
	OPT_OUTPUT,
	OPT_FORCE,
	OPT_OUT_PASSWORD_ENV,
};

#define OPTBIT(id) (1u << ((id) - CLI_TOOL_OPTION))

static const char *const export_formats[] = { "pem", "der-dir", "p7b", "jks", "pkcs12", "hashed-dir", NULL };

/* Entries are macros, not const structs: a const object is not a constant
 * expression in C, so clang refuses one in a static initializer. */
#define OPT_STORE_ENTRY { "store", 0, "STORE", "check: a store to check against (repeatable; default: system, java, dotnet)", OPT_STORE }
#define OPT_DAYS_ENTRY { "days", 0, "N", "expiring: report anchors expiring within N days (default 90)", OPT_DAYS, \
	CLI_ARG_COUNT, 0, 36500, .unit = "days" }
#define OPT_TO_ENTRY { "to", 0, "FORMAT", "export: pem, der-dir, p7b, jks, pkcs12 or hashed-dir", OPT_TO, \
	CLI_ARG_ENUM, .names = export_formats }
#define OPT_OUTPUT_ENTRY { "output", 'o', "OUT", "export: the file (pem, p7b, jks, pkcs12) or directory (der-dir, hashed-dir) to write", OPT_OUTPUT }
#define OPT_OUT_PASSWORD_ENV_ENTRY { "out-password-env", 0, "VAR", "export: the jks or pkcs12 password is in VAR (default: changeit)", OPT_OUT_PASSWORD_ENV }
#define OPT_FORCE_ENTRY { "force", 0, NULL, "export: replace OUT if it exists, or write into a FIFO or device there", OPT_FORCE }
#define END_OPTIONS { NULL, 0, NULL, NULL, 0 }

static const struct cli_option all_options[] = { OPT_STORE_ENTRY, OPT_DAYS_ENTRY, OPT_TO_ENTRY, OPT_OUTPUT_ENTRY, OPT_FORCE_ENTRY, OPT_OUT_PASSWORD_ENV_ENTRY, END_OPTIONS };
static const struct cli_option no_options[] = { END_OPTIONS };
static const struct cli_option check_options[] = { OPT_STORE_ENTRY, END_OPTIONS };
static const struct cli_option expiring_options[] = { OPT_DAYS_ENTRY, END_OPTIONS };
static const struct cli_option export_options[] = { OPT_TO_ENTRY, OPT_OUTPUT_ENTRY, OPT_FORCE_ENTRY, OPT_OUT_PASSWORD_ENV_ENTRY, END_OPTIONS };

#define COMMON (CLI_WITH_OUTPUT | CLI_WITH_PASSWORD | CLI_WITH_AT | CLI_WITH_INPUT)

#define STORES_HELP \
	"STORE is 'system' (the bundle file and hashed directory OpenSSL uses, from\n" \
	"SSL_CERT_FILE and SSL_CERT_DIR or " CK_SYSTEM_TRUST_FILE " and " CK_SYSTEM_TRUST_DIR ",\n" \
	"and GnuTLS's default trust; 'system:openssl' and 'system:gnutls' are each side),\n" \
	"'java[:PATH]' (a JKS, JCEKS or PKCS#12 keystore; default " CK_JAVA_CACERTS "),\n" \
	"'dotnet[:HOME]' (.NET's user stores in HOME/" CK_DOTNET_STORES "),\n" \
	"or a path: a file in any format chainview reads, or a directory of them."

struct command {
	const char *name;
	int (*run)(struct cli_common *c, struct cli_output *out, char **args, int nargs, void *o);
	unsigned allowed; /* OPTBIT()s */
	struct cli_tool tool;
};

struct opts {
	const char **stores; /* --store, NULL-terminated */
	size_t nstores;
	unsigned long days;
	const char *to, *output;
	const char *out_password; /* jks, pkcs12 */
	bool force;
	unsigned given;
	struct ck_trust_opts trust;
};

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;
	const char **n;

	o->given |= OPTBIT(id);
	switch (id) {
	case OPT_STORE:
		n = realloc(o->stores, (o->nstores + 2) * sizeof *n);
		if (!n) {
			cli_msg(NULL, "out of memory");
			return CLI_EXIT_INTERNAL;
		}
		o->stores = n;
		o->stores[o->nstores++] = arg;
		o->stores[o->nstores] = NULL;
		break;
	case OPT_DAYS: o->days = a->n; break;
	case OPT_TO: o->to = export_formats[a->index]; break;
	case OPT_OUTPUT:
		if (!*arg)
			return cli_usage("--output needs a file name");
		o->output = arg;
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_OUT_PASSWORD_ENV:
		o->out_password = getenv(arg);
		if (!o->out_password)
			return cli_usage("environment variable %s is not set", arg);
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* stores */

static time_t at_of(const struct cli_common *c)
{
	return c->at ? c->at : time(NULL);
}

/* Open a store by name; prints the error and returns the exit status. */
static int open_store(const char *spec, struct cli_common *c, struct opts *o,
		      struct ck_trust_store **out)
{
	struct ck_error err;
	enum ck_status rc;

	ck_error_clear(&err);
	o->trust.password = cli_password(c);
	o->trust.max_size = c->max_size;
	o->trust.kdf_budget = c->kdf_budget;
	rc = ck_trust_store_open(spec, &o->trust, out, &err);
	if (rc == CK_E_USAGE)
		return cli_usage("%s", err.what);
	if (rc) {
		if (!err.file[0])
			ck_error_set_file(&err, spec);
		return cli_error(&err);
	}
	return CLI_EXIT_OK;
}

struct store_set {
	struct ck_trust_store **s;
	size_t n;
};

static void stores_free(struct store_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		ck_trust_store_free(set->s[i]);
	free(set->s);
	set->s = NULL;
	set->n = 0;
}

/* Open every store named (default: "system"); 0 or the exit status. */
static int open_stores(char **names, int n, struct cli_common *c, struct opts *o,
		       struct store_set *set)
{
	static char *def[] = { "system" };
	if (n == 0) {
		names = def;
		n = 1;
	}
	set->s = calloc((size_t)n, sizeof *set->s);
	if (!set->s)
		return CLI_EXIT_INTERNAL;
	for (int i = 0; i < n; i++) {
		int st = open_store(names[i], c, o, &set->s[set->n]);
		if (st) {
			stores_free(set);
			return st;
		}
		set->n++;
	}
	return 0;
}

static bool emit(struct cli_output *out, json_t *doc)
{
	if (!doc)
		return false;
	cli_output_doc(out, doc, NULL);
	json_decref(doc);
	return true;
}

/* ---------------------------------------------------------------- */
/* list, find, expiring, diff */

static int run_list(struct cli_common *c, struct cli_output *out, char **args, int n, void *ctx)
{
	struct store_set set = { 0 };
	json_t *doc;
	int st = open_stores(args, n, c, ctx, &set);

	if (st)
		return st;
	doc = ck_report_truststore_list(set.s, set.n, at_of(c));
	stores_free(&set);
	return emit(out, doc) ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

static int run_find(struct cli_common *c, struct cli_output *out, char **args, int n, void *ctx)
{
	struct store_set set = { 0 };
	size_t matches;
	json_t *doc;
	int st;

	if (n < 1)
		return cli_usage("find needs a PATTERN");
	if (!*args[0])
		return cli_usage("the PATTERN is empty");
	st = open_stores(args + 1, n - 1, c, ctx, &set);
	if (st)
		return st;
	doc = ck_report_truststore_find(args[0], set.s, set.n, at_of(c), &matches);
	stores_free(&set);
	if (!emit(out, doc))
		return CLI_EXIT_INTERNAL;
	return matches ? CLI_EXIT_OK : CLI_EXIT_PROBLEMS;
}

static int run_expiring(struct cli_common *c, struct cli_output *out, char **args, int n, void *ctx)
{
	struct opts *o = ctx;
	struct store_set set = { 0 };
	size_t found;
	json_t *doc;
	int st = open_stores(args, n, c, o, &set);

	if (st)
		return st;
	doc = ck_report_truststore_expiring(set.s, set.n, at_of(c), o->days, &found);
	stores_free(&set);
	if (!emit(out, doc))
		return CLI_EXIT_INTERNAL;
	return found ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

static int run_diff(struct cli_common *c, struct cli_output *out, char **args, int n, void *ctx)
{
	struct store_set set = { 0 };
	struct ck_trust_diff_item *items = NULL;
	size_t nitems = 0, same = 0;
	json_t *doc;
	int st;

	if (n != 2)
		return cli_usage("diff needs two stores, STORE_A and STORE_B");
	st = open_stores(args, 2, c, ctx, &set);
	if (st)
		return st;
	if (ck_trust_diff(set.s[0], set.s[1], &items, &nitems, &same)) {
		stores_free(&set);
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	doc = ck_report_truststore_diff(set.s[0], set.s[1], items, nitems, same, at_of(c));
	free(items);
	stores_free(&set);
	if (!emit(out, doc))
		return CLI_EXIT_INTERNAL;
	return nitems ? CLI_EXIT_PROBLEMS : CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- */
/* check */

/* The stores to check against: --store, else system, java and dotnet
 * where they exist. */
static int check_stores(struct cli_common *c, struct opts *o, struct store_set *set,
			struct ck_trust_store **system)
{
	int st;
	*system = NULL;
	if (o->nstores) {
		st = open_stores((char **)o->stores, (int)o->nstores, c, o, set);
	} else {
		char *names[3] = { "system", NULL, NULL };
		int n = 1;
		char dn[4096];
		if (access(CK_JAVA_CACERTS, R_OK) == 0)
			names[n++] = "java";
		if (o->trust.home && snprintf(dn, sizeof dn, "%s/%s", o->trust.home, CK_DOTNET_STORES) > 0 &&
		    access(dn, F_OK) == 0)
			names[n++] = "dotnet";
		st = open_stores(names, n, c, o, set);
	}
	if (st)
		return st;
	/* .NET also searches the system store: load it once for that */
	for (size_t i = 0; i < set->n; i++) {
		if (!strcmp(set->s[i]->kind, "dotnet")) {
			st = open_store("system", c, o, system);
			break;
		}
	}
	if (st)
		stores_free(set);
	return st;
}

/* One bundle against every store; returns its exit status. */
static int check_one(const char *path, struct cli_common *c, struct store_set *set,
		     struct ck_trust_store *system, struct cli_output *out)
{
	struct ck_load_opts lo = cli_load_opts(c);
	struct ck_bundle *b = NULL;
	struct ck_error err;
	json_t *doc;
	int status;

	ck_error_clear(&err);
	if (ck_bundle_load_file(path, &lo, &b, &err)) {
		status = cli_error(&err);
		if (cli_output_error_docs(out))
			emit(out, ck_report_truststore_error(path, &err));
		return status;
	}
	doc = ck_report_truststore_check_new(b, at_of(c));
	status = doc ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
	for (size_t i = 0; i < set->n && !status; i++) {
		struct ck_trust_store *s = set->s[i];
		bool dotnet = !strcmp(s->kind, "dotnet") && system;
		struct ck_trust_store *both[2] = { s, system };
		struct ck_trust trust = { .stores = both, .nstores = dotnet ? 2 : 1 };
		struct ck_analyze_opts ao = { .chain = { .at = c->at } };
		struct ck_analysis *a = NULL;

		if (ck_analyze(b, &trust, &ao, &a, &err)) {
			ck_error_set_file(&err, path);
			status = cli_error(&err);
			break;
		}
		if (ck_report_truststore_check_add(doc, s, (const struct ck_trust_store *const *)both,
						   dotnet ? 2 : 1, b, a) < 0) {
			cli_msg(path, "out of memory");
			status = CLI_EXIT_INTERNAL;
		}
		ck_analysis_free(a);
	}
	if (!status)
		status = ck_report_truststore_anchored(doc) ? CLI_EXIT_OK : CLI_EXIT_PROBLEMS;
	if (status <= CLI_EXIT_PROBLEMS)
		emit(out, doc);
	else
		json_decref(doc);
	ck_bundle_free(b);
	return status;
}

static int run_check(struct cli_common *c, struct cli_output *out, char **args, int n, void *ctx)
{
	struct store_set set = { 0 };
	struct ck_trust_store *system = NULL;
	int status = CLI_EXIT_OK, input_status = 0, st;

	if (n < 1)
		return cli_usage("check needs a BUNDLE (use '-' for standard input)");
	st = check_stores(c, ctx, &set, &system);
	if (st)
		return st;
	for (int i = 0; i < n; i++) {
		int s = check_one(args[i], c, &set, system, out);
		if (s >= CLI_EXIT_INPUT && !input_status)
			input_status = s;
		else if (s == CLI_EXIT_PROBLEMS)
			status = CLI_EXIT_PROBLEMS;
	}
	ck_trust_store_free(system);
	stores_free(&set);
	return input_status ? input_status : status;
}

/* ---------------------------------------------------------------- */
/* export */

static enum ck_status export_der_dir(const struct ck_trust_store *s, const char *path, bool force,
				     struct ck_error *err)
{
	struct ck_write_opts wo = cli_write_opts(force, false);
	struct ck_outdir *d = NULL;
	enum ck_status rc = ck_outdir_open(path, ".der", &wo, &d, err);

	for (size_t i = 0; !rc && i < s->ncerts; i++) {
		char *hex = ck_hex(s->certs[i]->sha256, 32), name[80];
		if (!hex) {
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			break;
		}
		snprintf(name, sizeof name, "%s.der", hex);
		free(hex);
		rc = ck_outdir_add(d, name, s->certs[i]->der, s->certs[i]->der_len, err);
	}
	if (rc) {
		ck_outdir_abort(d);
		ck_error_set_file(err, path);
		return rc;
	}
	return ck_outdir_commit(d, err);
}

/* An OpenSSL -CApath directory: each certificate as PEM in HASH.N, HASH
 * its subject's X509_NAME_hash, N counting certificates whose subjects
 * hash alike (c_rehash's names). */
static enum ck_status export_hashed_dir(const struct ck_trust_store *s, const char *path, bool force,
					struct ck_error *err)
{
	struct ck_write_opts wo = cli_write_opts(force, false);
	struct ck_outdir *d = NULL;
	unsigned long *hashes = calloc(s->ncerts + 1, sizeof *hashes);
	enum ck_status rc = hashes ? ck_outdir_open(path, CK_OUTDIR_HASHED, &wo, &d, err) :
				     ck_error_set(err, CK_E_NOMEM, "out of memory");

	for (size_t i = 0; !rc && i < s->ncerts; i++) {
		struct ck_buf pem;
		char name[32];
		unsigned n = 0;

		rc = ck_export_name_hash(s->certs[i], &hashes[i], err);
		for (size_t k = 0; !rc && k < i; k++)
			n += hashes[k] == hashes[i];
		snprintf(name, sizeof name, "%08lx.%u", hashes[i], n);
		ck_buf_init(&pem);
		if (!rc)
			rc = ck_export_cert_pem(s->certs[i], false, &pem, err);
		if (!rc)
			rc = ck_outdir_add(d, name, pem.data, pem.len, err);
		ck_buf_cleanup(&pem);
	}
	free(hashes);
	if (rc) {
		ck_outdir_abort(d);
		ck_error_set_file(err, path);
		return rc;
	}
	return ck_outdir_commit(d, err);
}

/* Keystore aliases: the store's own (lowercased, as JKS keeps them) when
 * it has them and they are distinct, else the SHA-256 fingerprint. */
static char **store_aliases(const struct ck_trust_store *s)
{
	char **a = calloc(s->ncerts + 1, sizeof *a);

	for (size_t i = 0; a && i < s->ncerts; i++) {
		const char *al = s->meta[i].alias;
		bool used = false;
		if (al) {
			for (size_t k = 0; k < i && !used; k++)
				used = !strcasecmp(a[k], al);
		}
		a[i] = al && *al && !used ? strdup(al) : ck_hex(s->certs[i]->sha256, 32);
		if (!a[i]) {
			for (size_t k = 0; k < i; k++)
				free(a[k]);
			free(a);
			return NULL;
		}
		for (char *p = a[i]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	return a;
}

/* A Java truststore, JKS or PKCS#12, into `out`. */
static enum ck_status export_keystore(const struct ck_trust_store *s, bool jks, const char *password,
				      struct ck_buf *out, struct ck_error *err)
{
	char **aliases = store_aliases(s);
	enum ck_status rc;

	if (!aliases)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (jks) {
		rc = ck_export_jks((const struct ck_cert *const *)s->certs, (const char *const *)aliases,
				   s->ncerts, password, time(NULL), out, err);
	} else {
		struct ck_p12_write_opts po = { .profile = CK_P12_MODERN, .password = password,
						.java_trusted = true,
						.cert_names = (const char *const *)aliases };
		rc = ck_pkcs12_write((const struct ck_cert *const *)s->certs, s->ncerts, NULL, &po, out, err);
	}
	for (size_t i = 0; i < s->ncerts; i++)
		free(aliases[i]);
	free(aliases);
	return rc;
}

static int run_export(struct cli_common *c, struct cli_output *out, char **args, int n, void *ctx)
{
	struct opts *o = ctx;
	struct ck_trust_store *s = NULL;
	struct ck_write_opts wo = cli_write_opts(o->force, false);
	struct ck_error err;
	unsigned char *data = NULL;
	size_t len = 0;
	enum ck_status rc;
	int st;

	if (n != 1)
		return cli_usage("export needs exactly one STORE");
	if (!o->to)
		return cli_usage("export needs --to pem, der-dir, p7b, jks, pkcs12 or hashed-dir");
	if (!o->output)
		return cli_usage("export needs -o OUT");
	if (!strcmp(o->output, "-") && strstr(o->to, "-dir"))
		return cli_usage("a %s cannot go to standard output", o->to);
	if (o->out_password && strcmp(o->to, "jks") && strcmp(o->to, "pkcs12"))
		return cli_usage("--out-password-env applies to --to jks and pkcs12 only");
	if (!strcmp(o->output, "-") && !cli_format_text(c))
		return cli_usage("with -o -, the certificates are the output: leave out --json and --xml");
	st = open_store(args[0], c, o, &s);
	if (st)
		return st;
	ck_error_clear(&err);
	if (!strcmp(o->to, "der-dir")) {
		rc = export_der_dir(s, o->output, o->force, &err);
	} else if (!strcmp(o->to, "hashed-dir")) {
		rc = export_hashed_dir(s, o->output, o->force, &err);
	} else if (!strcmp(o->to, "jks") || !strcmp(o->to, "pkcs12")) {
		struct ck_buf b;
		ck_buf_init(&b);
		rc = export_keystore(s, !strcmp(o->to, "jks"), o->out_password ? o->out_password : "changeit",
				     &b, &err);
		if (!rc)
			rc = ck_write_file(o->output, b.data, b.len, &wo, &err);
		ck_buf_cleanup(&b);
	} else {
		rc = ck_encode_certs((const struct ck_cert *const *)s->certs, s->ncerts,
				     !strcmp(o->to, "p7b") ? CK_ENC_PKCS7 : CK_ENC_PEM, &data, &len, &err);
		if (!rc)
			rc = ck_write_file(o->output, data, len, &wo, &err);
		free(data);
	}
	if (rc) {
		ck_trust_store_free(s);
		return cli_write_error(&err);
	}
	if (strcmp(o->output, "-") && !c->quiet)
		emit(out, ck_report_truststore_export(s, o->to, o->output, at_of(c)));
	ck_trust_store_free(s);
	return CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- */
/* commands */

static const struct command commands[] = {
	{ "list", run_list, 0,
	  { "truststore", "list [OPTION]... [STORE]...",
	    "List the certificates of each STORE (default: system), one line each, with counts;\n"
	    "expired ones are marked [expired].  A .NET store not made yet is said to be absent.",
	    STORES_HELP, no_options, COMMON, &ck_view_truststore } },
	{ "find", run_find, 0,
	  { "truststore", "find [OPTION]... PATTERN [STORE]...",
	    "Find the certificates whose subject contains PATTERN (any case), or whose SHA-256,\n"
	    "SHA-1 or subject key identifier starts with PATTERN (6 or more hex digits, colons allowed).\n"
	    "With -q nothing is printed: the exit status says whether anything matched (as grep -q).",
	    STORES_HELP, no_options, COMMON, &ck_view_truststore } },
	{ "check", run_check, OPTBIT(OPT_STORE),
	  { "truststore", "check [OPTION]... BUNDLE... [--store STORE]...",
	    "Say which stores anchor each BUNDLE's chain, through which root, and which of its\n"
	    "intermediates each store's clients would find without the bundle.",
	    STORES_HELP, check_options, COMMON, &ck_view_truststore } },
	{ "diff", run_diff, 0,
	  { "truststore", "diff [OPTION]... STORE_A STORE_B",
	    "Show the certificates added, removed, and changed (same subject, another key or validity).",
	    STORES_HELP, no_options, COMMON, &ck_view_truststore } },
	{ "expiring", run_expiring, OPTBIT(OPT_DAYS),
	  { "truststore", "expiring [OPTION]... [STORE]...",
	    "List the certificates that expire within --days (default 90) of now or --at, or have expired.",
	    STORES_HELP, expiring_options, COMMON, &ck_view_truststore } },
	{ "export", run_export, OPTBIT(OPT_TO) | OPTBIT(OPT_OUTPUT) | OPTBIT(OPT_FORCE) | OPTBIT(OPT_OUT_PASSWORD_ENV),
	  { "truststore", "export [OPTION]... STORE --to FORMAT -o OUT",
	    "Write a store's certificates out: one PEM file (pem), a directory of DER files named\n"
	    "by SHA-256 (der-dir), a PKCS#7 bundle (p7b), a Java truststore as JKS (jks) or\n"
	    "PKCS#12 (pkcs12: each certificate a trustedCertEntry for keytool), or OpenSSL's\n"
	    "-CApath directory (hashed-dir: PEM files named HASH.N as c_rehash names them).\n"
	    "A jks or pkcs12 gets the password 'changeit' unless --out-password-env says.\n"
	    "Nothing is overwritten without --force.",
	    STORES_HELP, export_options, COMMON, &ck_view_truststore } },
};

static const struct cli_tool tool = {
	.name = "truststore",
	.synopsis = "COMMAND [OPTION]... [ARGUMENT]...",
	.summary = "See, search, compare and export the trust stores clients use.",
	.description =
		"Commands:\n"
		"  list [STORE]...                    every certificate, one line each, with counts\n"
		"  find PATTERN [STORE]...            by subject, fingerprint or key id\n"
		"  check BUNDLE... [--store STORE]... which stores anchor each bundle's chain\n"
		"  diff STORE_A STORE_B               added, removed and changed certificates\n"
		"  expiring [--days N] [STORE]...     expired, or expiring within N days\n"
		"  export STORE --to FORMAT -o OUT    write a store as pem, der-dir, p7b, jks,\n"
		"                                     pkcs12 or hashed-dir\n"
		"'truststore COMMAND --help' shows one command.\n\n" STORES_HELP,
	.options = all_options,
	.common = COMMON,
	.view = &ck_view_truststore,
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static const char *option_name(unsigned bit)
{
	for (const struct cli_option *o = all_options; o->name; o++)
		if (OPTBIT(o->id) == bit)
			return o->name;
	return "?";
}

/* The command and its options: NULL after --help or --version, or a
 * usage error, with *status. */
static const struct command *command_of(int argc, char **argv, struct cli_common *c,
					struct opts *o, int *first, int *status)
{
	const struct command *cmd;

	if (argc > 1 && argv[1][0] != '-') {
		cmd = find_command(argv[1]);
		if (!cmd) {
			cli_progname = "truststore";
			memset(c, 0, sizeof *c);
			*status = cli_usage("unknown command '%s' (list, find, check, diff, expiring or export)",
					    argv[1]);
			return NULL;
		}
		if (!cli_parse(&cmd->tool, argc - 1, argv + 1, c, tool_option, o, first, status))
			return NULL;
		++*first; /* back to argv's numbering */
		return cmd;
	}
	if (!cli_parse(&tool, argc, argv, c, tool_option, o, first, status))
		return NULL;
	if (*first >= argc) {
		*status = cli_usage("no command (list, find, check, diff, expiring or export)");
		return NULL;
	}
	cmd = find_command(argv[*first]);
	if (!cmd) {
		*status = cli_usage("unknown command '%s' (list, find, check, diff, expiring or export)",
				    argv[*first]);
		return NULL;
	}
	++*first;
	for (unsigned bit = 1; bit; bit <<= 1)
		if ((o->given & bit) && !(cmd->allowed & bit)) {
			*status = cli_usage("--%s does not apply to %s", option_name(bit), cmd->name);
			return NULL;
		}
	return cmd;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { .days = 90 };
	const struct command *cmd = NULL;
	struct cli_output *out;
	int first, status;

	o.trust.system_file = getenv("SSL_CERT_FILE");
	o.trust.system_dirs = getenv("SSL_CERT_DIR");
	o.trust.home = getenv("HOME");
	if (!(cmd = command_of(argc, argv, &c, &o, &first, &status))) {
		free(o.stores);
		return cli_finish(&c, status);
	}
	out = cli_output_begin(&c, &ck_view_truststore, !strcmp(cmd->name, "check") && argc - first > 1);
	if (!out) {
		free(o.stores);
		return cli_finish(&c, CLI_EXIT_INTERNAL);
	}
	status = cmd->run(&c, out, argv + first, argc - first, &o);
	if (status == CLI_EXIT_USAGE)
		cli_output_abort(out); /* a usage error writes no document */
	else if (cli_output_end(out, NULL, NULL, NULL) && status < CLI_EXIT_INPUT)
		status = CLI_EXIT_INTERNAL;
	free(o.stores);
	return cli_finish(&c, status);
}
