/* convert — what the conversion tools (pfx2pem, pem2pfx, certconv)
 * share: their common options, reading several inputs into one bundle,
 * the password of the file written, and writing outputs all or nothing. */
#ifndef CK_CONVERT_H
#define CK_CONVERT_H

#include "cli.h"
#include "libcore/export.h"
#include "libcore/fix.h"
#include "libcore/pkcs12.h"
#include "libcore/write.h"

enum conv_option_id {
	CONV_OPT_OUTPUT = CLI_TOOL_OPTION + 50,
	CONV_OPT_FORCE,
	CONV_OPT_OUT_PASSWORD_FILE,
	CONV_OPT_OUT_PASSWORD_ENV,
	CONV_OPT_EMPTY_PASSWORD,
	CONV_OPT_PROFILE,
	CONV_OPT_ITERATIONS,
	CONV_OPT_NAME,
	CONV_OPT_QUIET,
	CONV_OPT_ALIAS,
};

/* Option table rows, for the tools' tables. */
#define CONV_OPTIONS_OUTPUT \
	{ "output", 'o', "FILE", "write to FILE ('-', the default: standard output)", CONV_OPT_OUTPUT, CLI_ARG_PATH }, \
	{ "force", 0, NULL, "replace output files that exist, or write into a FIFO or device there", CONV_OPT_FORCE }
#define CONV_OPTIONS_NEW_PASSWORD(what) \
	{ "out-password-file", 0, "FILE", "read the password for " what " from the first line of FILE", \
	  CONV_OPT_OUT_PASSWORD_FILE }, \
	{ "out-password-env", 0, "VAR", "take the password for " what " from environment variable VAR", \
	  CONV_OPT_OUT_PASSWORD_ENV }
#define CONV_OPTIONS_EMPTY_PASSWORD \
	{ "empty-password", 0, NULL, "protect the PKCS#12 file with the empty password", \
	  CONV_OPT_EMPTY_PASSWORD }
#define CONV_OPTIONS_PKCS12 \
	{ "profile", 0, "PROFILE", "PKCS#12 algorithms: modern (default), legacy or openssl1", CONV_OPT_PROFILE }, \
	{ "iterations", 0, "N", "key derivation and MAC iterations (default 2048)", CONV_OPT_ITERATIONS, \
	  CLI_ARG_COUNT, 1, CK_P12_MAX_ITERATIONS }, \
	{ "name", 0, "NAME", "friendly name of the key and its certificate", CONV_OPT_NAME }
#define CONV_OPTIONS_ALIAS \
	{ "alias", 0, "NAME", "take only the private key named NAME (its keystore alias or PKCS#12 friendly name)", \
	  CONV_OPT_ALIAS }
#define CONV_OPTIONS_QUIET \
	{ "quiet", 'q', NULL, "do not report what was changed or left out", CONV_OPT_QUIET }

struct conv_opts {
	const char *output;               /* "-" unless -o */
	bool force;
	const char *out_password_file, *out_password_env;
	bool empty_password;
	struct ck_p12_write_opts p12;     /* profile, iterations, friendly name */
	bool p12_given;                   /* --profile/--iterations/--name seen */
	bool quiet;
	const char *alias;                /* --alias: the key to take */
};

void conv_opts_init(struct conv_opts *o);

/* Handle a CONV_OPT_* option: 0, the exit status after a usage error,
 * or -1 if `id` is not one. */
int conv_option(struct conv_opts *o, int id, const struct cli_arg *a);

/* Usage checks after parsing (password options that exclude each other,
 * --iterations against the profile).  `pkcs12` is whether a PKCS#12 file
 * will be written; `new_password` whether anything needs a new password.
 * 0, or the exit status after the usage error. */
int conv_check(const struct conv_opts *o, bool pkcs12, bool new_password);

/* Refuse to write binary data to a terminal (usage error). */
int conv_check_binary_stdout(const struct conv_opts *o);

/* Load every path (the same password options for all) and merge them
 * into one bundle named after the first; a key given twice is kept once.  NULL after printing the error,
 * with *status its exit status.  A PEM block that could not be read is
 * said on stderr (corrupt-block's message) and counted in *corrupt: what
 * is converted lacks it, so the tool exits 1. */
struct ck_bundle *conv_load(struct cli_common *c, char *const *paths, int n, int *status,
			    size_t *corrupt);

/* The password for the output, per the options; NULL with *status set.
 * `allow_empty`: the tool has --empty-password (and it may be used). */
char *conv_new_password(const struct conv_opts *o, bool allow_empty, const char *what,
			int *status);

/* Wipe and free a password. */
void conv_password_free(char *p);

/* --alias: keep in `b` only the private keys whose friendly name (a
 * keystore's alias, a PKCS#12 friendlyName) is `alias` (ASCII case
 * ignored: JKS keeps aliases in lower case), and drop the certificates
 * that belong to the keys left out (those matching them), saying so
 * unless `quiet`.  NULL `alias`: nothing to do.  Returns 0, or 2 after
 * a message naming the aliases there are when no key has that one. */
int conv_select_alias(struct ck_bundle *b, const char *alias, bool quiet);

/* Refuse a bundle with a private key that matches none of its
 * certificates (when it has some): a converted file would pair a
 * certificate with the wrong key.  Returns 0 or the exit status after
 * printing why. */
int conv_check_keys(const struct ck_bundle *b);

/* Write `data` to o->output atomically (mode 0600 when `secret`).
 * Returns 0 or the exit status after printing the error. */
int conv_write(const struct conv_opts *o, const struct ck_buf *data, bool secret);

/* The same in two steps, for a tool that knows early what it writes:
 * open o->output before the work (an output that may not be written
 * costs nothing; the temporary file exists meanwhile, and a signal
 * removes it), then write `data` and move it into place.  Each returns
 * 0 or the exit status after printing the error; conv_out_finish frees
 * `out` (NULL is a no-op) and, with `data` NULL, abandons it. */
int conv_out_open(const struct conv_opts *o, bool secret, struct ck_out **out);
int conv_out_finish(const struct conv_opts *o, struct ck_out *out, const struct ck_buf *data);

/* One file of a set written together. */
struct conv_file {
	const char *name;       /* inside the directory */
	const struct ck_buf *data;
	bool secret;
};

/* Write the files into `dir` (created when missing) all or nothing:
 * every target is checked and every temporary file written before the
 * first is moved into place; when a later step fails, the files already
 * placed are removed again (unless they replaced existing ones, which
 * --force allowed).  Returns 0 or the exit status after printing why. */
int conv_write_set(const char *dir, const struct conv_file *files, size_t n, bool force);

/* Report on stderr what ck_fix() changed (unless quiet) and what it
 * could not fix (always).  Returns true when the chain is complete. */
bool conv_report_fix(const struct conv_opts *o, const char *name, const struct ck_fixed *f,
		     bool verbose_nothing);

/* The first http caIssuers URL of a certificate, else the first one,
 * else NULL. */
const char *conv_aia_url(const struct ck_cert *c);

#endif
