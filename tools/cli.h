/* cli — what every chainkit tool shares: the option table that drives
 * both getopt_long and --help, the common options, passwords, messages
 * ("tool: FILE: message"), output format plumbing and the exit status. */
#ifndef CK_CLI_H
#define CK_CLI_H

#include "libcore/checks.h"
#include "libcore/crl.h"
#include "libcore/emit.h"
#include "libcore/validate.h"
#include "libcore/err.h"
#include "libcore/load.h"
#include "libcore/net.h"
#include "libcore/report.h"
#include "libcore/trust.h"
#include "libcore/write.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

/* Exit statuses (DESIGN). */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_PROBLEMS = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_INPUT = 3,
	CLI_EXIT_PASSWORD = 4,
	CLI_EXIT_INTERNAL = 5,
};

/* With --format nagios (certaudit, aiacheck), the plugin API's statuses
 * replace them: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.  A usage error
 * (cli_usage) and a write error on stdout (cli_finish) are UNKNOWN. */
enum {
	CLI_EXIT_NAGIOS_OK = 0,
	CLI_EXIT_NAGIOS_WARNING = 1,
	CLI_EXIT_NAGIOS_CRITICAL = 2,
	CLI_EXIT_NAGIOS_UNKNOWN = 3,
};

/* Option ids below CLI_TOOL_OPTION are the common ones. */
enum cli_common_id {
	CLI_OPT_HELP = 1,
	CLI_OPT_VERSION,
	CLI_OPT_FORMAT,
	CLI_OPT_JSON,
	CLI_OPT_XML,
	CLI_OPT_PASSWORD_FILE,
	CLI_OPT_PASSWORD_ENV,
	CLI_OPT_PASSWORD,
	CLI_OPT_KEY_PASSWORD_FILE,
	CLI_OPT_KEY_PASSWORD_ENV,
	CLI_OPT_CA_FILE,
	CLI_OPT_CA_DIR,
	CLI_OPT_NO_SYSTEM_TRUST,
	CLI_OPT_AT,
	CLI_OPT_QUIET,
	CLI_OPT_VERBOSE,
	CLI_OPT_COLOR,
	CLI_OPT_MAX_SIZE,
	CLI_OPT_PROFILE,
	CLI_OPT_POLICY,
	CLI_OPT_EXPLICIT_POLICY,
	CLI_OPT_INHIBIT_MAPPING,
	CLI_OPT_INHIBIT_ANY,
	CLI_OPT_MAX_DEPTH,
	CLI_OPT_CRL_FILE,
	CLI_OPT_REVOCATION,
	CLI_OPT_REQUIRE_REVOCATION,
	CLI_OPT_KDF_BUDGET,
	CLI_TOOL_OPTION = 100,
};

/* The network group's ids (CLI_WITH_NETWORK), apart from the others. */
enum cli_network_id {
	CLI_OPT_CONNECT_TIMEOUT = 90,
	CLI_OPT_TIMEOUT,
	CLI_OPT_PROXY,
	CLI_OPT_NO_PROXY,
	CLI_OPT_ALLOW_ADDRESS,
	CLI_OPT_DENY_ADDRESS,
	CLI_OPT_RESOLVE,
};

/* What an option's argument is.  cli_parse() reads it with the one
 * function for its type, refuses it with the one message for its type
 * ("--OPTION takes ..., not 'ARG'") and hands it over parsed (struct
 * cli_arg), so that no tool parses a number or a duration itself. */
enum cli_arg_type {
	CLI_ARG_TEXT,    /* as given (a flag when `arg` is NULL) */
	CLI_ARG_PATH,    /* a file or directory name, as given */
	CLI_ARG_COUNT,   /* a whole number in [min, max]: .n */
	CLI_ARG_SIZE,    /* bytes, K, M or G suffix, 1 or more: .size */
	CLI_ARG_SECONDS, /* fractions allowed, 0.001 to 3600: .ms */
	CLI_ARG_TIME,    /* RFC 3339 or YYYY-MM-DD (cli_parse_time): .time */
	CLI_ARG_ENUM,    /* one of `names`: .index */
};

/* An option table names only the fields an option needs: a flag is
 * { name, short, NULL, help, id }, the type's fields follow when it
 * has one (the rest are 0, as C wants; -Wextra would ask for them all). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct cli_option {
	const char *name;     /* long name, without "--" */
	int short_name;       /* 0 if none */
	const char *arg;      /* argument name ("FILE"), NULL for a flag */
	const char *help;
	int id;
	enum cli_arg_type type;
	unsigned long min, max;   /* CLI_ARG_COUNT's range */
	const char *unit;         /* CLI_ARG_COUNT: "a number of UNIT from ..." */
	const char *const *names; /* CLI_ARG_ENUM: NULL-terminated */
	/* what the refusal says the option takes, when the type's phrase
	 * ("a number from MIN to MAX", "seconds from 0.001 to 3600", ...)
	 * does not say it well */
	const char *takes;
};

/* An option's argument, parsed as its type says. */
struct cli_arg {
	const char *s;        /* as given; NULL for a flag */
	unsigned long n;      /* CLI_ARG_COUNT */
	size_t size;          /* CLI_ARG_SIZE */
	unsigned ms;          /* CLI_ARG_SECONDS */
	time_t time;          /* CLI_ARG_TIME */
	size_t index;         /* CLI_ARG_ENUM */
};

/* Groups of common options a tool can take. */
enum {
	CLI_WITH_OUTPUT = 1 << 0,   /* --format/--json/--xml, -q, -v, --color */
	CLI_WITH_PASSWORD = 1 << 1, /* --password-file/-env, --password, --key-password-*, --kdf-budget */
	CLI_WITH_TRUST = 1 << 2,    /* --ca-file, --ca-dir, --no-system-trust */
	CLI_WITH_AT = 1 << 3,       /* --at */
	CLI_WITH_INPUT = 1 << 4,    /* --max-size */
	CLI_WITH_ALL = 0x1f,
	/* --profile, --policy..., --max-depth, --crl-file, --revocation */
	CLI_WITH_VALIDATION = 1 << 5,
	/* --connect-timeout, --timeout, --proxy, --no-proxy, --allow-address,
	 * --deny-address, --resolve (see cli_net_opts) */
	CLI_WITH_NETWORK = 1 << 6,
};

struct cli_tool {
	const char *name;
	const char *synopsis;      /* "[OPTION]... FILE..." */
	const char *summary;       /* one line */
	const char *description;   /* paragraph(s) for --help, may be NULL */
	const struct cli_option *options; /* tool's own, ending with {0} */
	unsigned common;           /* CLI_WITH_* */
	/* CLI_WITH_OUTPUT: the tool's view; --format takes the back-ends
	 * of libcore/emit.c that are formats of standard output and that
	 * the view offers (ck_emitter_offered), in the table's order */
	const struct ck_emit_view *view;
	/* CLI_WITH_NETWORK: what the network options are for, as "with
	 * --network: " before their help (NULL: always), and the help of
	 * --timeout when it is not the group's */
	const char *network_when;
	const char *timeout_help;
};

struct cli_common {
	const struct ck_emitter_ops *format; /* --format; text unless given */
	bool quiet, verbose, color;
	/* passwords */
	const char *password_file, *password_env, *password_arg;
	char *password;             /* resolved, wiped at exit */
	const char *key_password_file, *key_password_env;
	char *key_password;         /* keystore key entries' own; wiped at exit */
	struct ck_password pw;
	unsigned long long kdf_budget; /* per PKCS#12 file; 0: libcore's default */
	/* trust */
	const char **ca_files;      /* NULL-terminated */
	size_t nca_files;
	const char **ca_dirs;
	size_t nca_dirs;
	bool no_system_trust;
	time_t at;                  /* 0: now */
	size_t max_size;
	/* network: the address ranges and names given */
	struct ck_net_cidr *allow, *deny;
	size_t nallow, ndeny;
	const char **resolve;       /* NULL-terminated */
	size_t nresolve;
	const char *net_option;     /* the name of the first of them given,
				       for cli_net_check */
	/* network: the timeouts (0: libcore's defaults) and the proxy */
	unsigned connect_timeout_ms, timeout_ms;
	const char *proxy;
	bool no_proxy;
	const char *http_option;    /* the name of the first of these given */
	/* validation: what a chain must pass (policies and CRL files
	 * point into argv) */
	struct ck_validate_opts validate;
	const char **policies;      /* NULL-terminated */
	size_t npolicies;
	const char **crl_files;
	size_t ncrl_files;
	struct ck_crlset *crls;     /* loaded by cli_load_crls() */
	bool online;                /* --revocation crl|ocsp|all: fetch */
	bool explain;               /* chainview --explain */
	unsigned threads;           /* CHAINKIT_THREADS; 0 = one per processor */
};

/* The running tool's name, for messages. */
extern const char *cli_progname;

/* A tool's own options, each with its argument parsed as its type says
 * (`a` borrowed): 0, or the exit status to end with after a message
 * (cli_usage). */
typedef int (*cli_tool_opt)(int id, const struct cli_arg *a, void *ctx);

/* Parse argv.  Tool options are passed to `tool_opt`.  true: go on, with
 * *first_operand optind.  false: end now with *status (the caller
 * returns cli_finish(c, *status)): after --help or --version (0), a
 * usage error (2, or 3 with --format nagios), a password that could
 * not be read (its status).  First of all, makes the process
 * non-dumpable (PR_SET_DUMPABLE 0): no core file, no other process of
 * the user reading its memory, while secrets are in it. */
bool cli_parse(const struct cli_tool *tool, int argc, char **argv, struct cli_common *c,
	       cli_tool_opt tool_opt, void *ctx, int *first_operand, int *status);

/* Print --help. */
void cli_help(const struct cli_tool *tool, FILE *out);

/* "tool: message" + "Try 'tool --help'..." on stderr; returns the exit
 * status for it, 2, or with --format nagios 3 after "TOOL UNKNOWN -
 * message" on stdout. */
__attribute__((warn_unused_result, format(printf, 1, 2))) int cli_usage(const char *fmt, ...);

/* Whether the exit status is the plugin API's (--format nagios). */
bool cli_plugin_status(const struct cli_common *c);

/* Whether the output is text (no --format, or --format text). */
bool cli_format_text(const struct cli_common *c);

/* With --format nagios, for a run that ends before its status line:
 * writes "TOOL UNKNOWN - " and the last message cli_msg() printed (or
 * that the check did not complete) on stdout, and returns 3. */
int cli_nagios_unknown(void);

/* "tool: FILE: message" (FILE omitted when NULL) on stderr, one line:
 * control characters in FILE are written as \n, \t or \xNN. */
__attribute__((format(printf, 2, 3))) void cli_msg(const char *file, const char *fmt, ...);

/* Report a libcore error as "tool: FILE: what" and return the exit
 * status for it (3, 4 or 5), with the password hint for status 4. */
int cli_error(const struct ck_error *err);

/* Report a failure to write an output (ck_out_*, ck_write_file) as
 * "tool: FILE: what" and return its exit status: 2 when something is at
 * the path that may not be written (it exists and --force was not
 * given, or it is refused even with --force), else 5. */
int cli_write_error(const struct ck_error *err);

/* Write options for an output: `force` and `secret` as given, and the
 * hook that removes its temporary files and directories when SIGINT,
 * SIGTERM or SIGHUP ends the program (the signal then ends it as it
 * would have: the exit status is 128 + the signal's number). */
struct ck_write_opts cli_write_opts(bool force, bool secret);

/* Flush stdout; a write error (full disk, closed pipe) turns success
 * into exit 5.  Wipes the password and frees what cli_parse allocated.
 * Returns the final status. */
int cli_finish(struct cli_common *c, int status);

/* The struct ck_password for libcore: the given password, or prompting
 * on the terminal when stdin is one. */
const struct ck_password *cli_password(struct cli_common *c);

/* Load options from the common ones: --max-size, the password and
 * --kdf-budget. */
struct ck_load_opts cli_load_opts(struct cli_common *c);

/* The first line of a password file, malloc'ed (wipe it with
 * gnutls_memset before freeing), without a UTF-8 byte order mark at the
 * start of the file.  NULL after a message naming the file, with
 * *status the exit status: 3 when it cannot be read, 2 when the first
 * line holds a NUL byte.  A password typed at a prompt with a NUL byte
 * ends the program the same way (exit 2). */
char *cli_read_password_file(const char *path, int *status);

/* The password for a file being written: the first line of `file`, or
 * the environment variable `env`, else typed twice on the terminal
 * (without echo) when standard input is one.  "" when `allow_empty` and
 * nothing else is given; an empty password is refused otherwise (the
 * messages point at --empty-password when `empty_option`, the tool has it).
 * `what` names the output in prompts and messages.  Returns a malloc'ed
 * string (wipe it), or NULL after printing why, with *status the exit
 * status. */
char *cli_new_password(const char *file, const char *env, bool allow_empty, bool empty_option,
		       const char *what, int *status);

/* Load the trust stores the options ask for (system unless
 * --no-system-trust, --ca-file, --ca-dir).  NULL after a message on
 * error (returns the exit status via *status, NULL trust). */
struct ck_trust *cli_load_trust(struct cli_common *c, int *status);

/* Load the --crl-file files into c->crls (an empty set when online,
 * for the CRLs fetched) and point c->validate at
 * them.  false after a message "tool: FILE: ..." with *status set
 * (3 unreadable or not CRLs, 5 out of memory). */
bool cli_load_crls(struct cli_common *c, int *status);

/* The chain options the validation options ask for, with c->at. */
void cli_chain_opts(const struct cli_common *c, struct ck_chain_opts *o);

/* Parse a time: RFC 3339 (YYYY-MM-DDTHH:MM:SS[.F], then Z or exactly
 * ±HH:MM, hours 00-23, minutes 00-59) or YYYY-MM-DD (midnight UTC).
 * Every field has exactly its digits and a real value; nothing past the
 * end of `s` is read.  false if invalid, *out untouched. */
bool cli_parse_time(const char *s, time_t *out);

/* Parse a size with optional K/M/G suffix (binary).  false if invalid. */
bool cli_parse_size(const char *s, size_t *out);

/* Parse seconds, fractions allowed, from 0.001 to 3600, into
 * milliseconds.  false if invalid.  (CLI_ARG_SECONDS; aiaserve's
 * --fault delay=SECONDS.) */
bool cli_parse_seconds(const char *s, unsigned *ms);

/* The environment's part of the network options, as curl takes it: the
 * CA bundle for https (SSL_CERT_FILE, SSL_CERT_DIR) and the proxies
 * (http_proxy in lower case only, HTTPS_PROXY or https_proxy, ALL_PROXY
 * as the fallback, NO_PROXY).  `proxy` (--proxy, may be NULL) replaces
 * them; `no_proxy` (--no-proxy) drops them. */
void cli_net_env(struct ck_net_opts *n, const char *proxy, bool no_proxy);

/* The network group's options given together: 0, or the exit status
 * after a usage error: one was given and the tool does not go online
 * (!used: "--timeout needs `needs`"), or --proxy with --no-proxy. */
int cli_net_check(const struct cli_common *c, bool used, const char *needs);

/* The network group's options into `n`: the timeouts, the proxies
 * (cli_net_env with --proxy, --no-proxy), the address ranges
 * (--allow-address, --deny-address) and the names (--resolve),
 * borrowed from `c`. */
void cli_net_opts(const struct cli_common *c, struct ck_net_opts *n);

/* Parse a non-negative integer in [min, max]. */
bool cli_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* Standard output in the chosen format (libcore/emit.h): the back-end
 * of c->format, for the tool's `view`; `many`: one of several inputs
 * (text options).  NULL when out of memory. */
struct cli_output;
struct cli_output *cli_output_begin(struct cli_common *c, const struct ck_emit_view *view, bool many);
/* The back-end of c->format. */
const struct ck_emitter_ops *cli_format_ops(const struct cli_common *c);
/* Whether documents of inputs that could not be read are written (not
 * in text: the message on standard error says it). */
bool cli_output_error_docs(const struct cli_output *o);
/* One document (borrowed); `x` may be NULL. */
void cli_output_doc(struct cli_output *o, const json_t *doc, const struct ck_emit_extra *x);
/* A document written as it is built (derdump). */
void cli_output_item(struct cli_output *o, const struct ck_emit_item *it);
/* chainview's document for one bundle, as it is built (see
 * ck_report_bundle_json, _xml, _text). */
void cli_output_bundle(struct cli_output *o, const struct ck_bundle *b, const struct ck_analysis *a);
/* Whether writing failed so far. */
bool cli_output_failed(const struct cli_output *o);
/* Drop an output without ending it (a run that could not start). */
void cli_output_abort(struct cli_output *o);
/* End with the run's end document (NULL: none) and free `o`.  Returns
 * 0, or CLI_EXIT_INTERNAL when writing failed.  With --format nagios
 * and `nagios_status`, returns 0 and sets *nagios_status to the
 * plugin's exit status: its state, or UNKNOWN (after "out of memory"
 * and the UNKNOWN line when its state could not be gathered). */
int cli_output_end(struct cli_output *o, const json_t *end, const struct ck_emit_extra *x,
		   int *nagios_status);

/* Text options from the common ones. */
struct ck_text_opts cli_text_opts(const struct cli_common *c);

#endif
