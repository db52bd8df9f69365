/* cli — options, passwords, messages and exit status shared by the tools.
 *
 * The option table is the single source of both getopt_long's array and
 * --help; tests compare --help with the man page (the options, their
 * arguments and defaults), so an option cannot exist in one and not the
 * other.  Each option's argument is read by the one parser of its type
 * (parse_arg); --format's values are the emitter table's (libcore/emit.c).
 * Nothing here ends the program but ask_tty() on a NUL byte: every other
 * helper returns the exit status for the tool's main to pass to
 * cli_finish(). */
#include "config.h"

#include "cli.h"

#include "libcore/pwmap.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <unistd.h>

const char *cli_progname = "chainkit";

/* With --format nagios: the tool's name in capitals, the status line's
 * first word ("" otherwise), and the last message, for an UNKNOWN line. */
static char nagios_tag[32];
static char last_msg[512];

static const char *const color_names[] = { "auto", "always", "never", NULL };

/* --format's help and values are the tool's formats (format_list) */
static const struct cli_option common_output[] = {
	{ "format", 0, "FORMAT", NULL, CLI_OPT_FORMAT },
	{ "json", 0, NULL, "same as --format json", CLI_OPT_JSON },
	{ "xml", 0, NULL, "same as --format xml", CLI_OPT_XML },
	{ "quiet", 'q', NULL, "print only findings and errors", CLI_OPT_QUIET },
	{ "verbose", 'v', NULL, "show every field", CLI_OPT_VERBOSE },
	{ "color", 0, "WHEN", "colour the text output: auto (default), always or never", CLI_OPT_COLOR,
	  CLI_ARG_ENUM, .names = color_names },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option common_password[] = {
	{ "password-file", 0, "FILE", "read the password from the first line of FILE", CLI_OPT_PASSWORD_FILE, CLI_ARG_PATH },
	{ "password-env", 0, "VAR", "take the password from environment variable VAR", CLI_OPT_PASSWORD_ENV },
	{ "password", 0, "PASS", "the password itself (visible to other users in ps)", CLI_OPT_PASSWORD },
	{ "key-password-file", 0, "FILE", "read the password of keystore key entries that have their own (keytool -keypass) from FILE", CLI_OPT_KEY_PASSWORD_FILE,
	  CLI_ARG_PATH },
	{ "key-password-env", 0, "VAR", "take that key password from environment variable VAR", CLI_OPT_KEY_PASSWORD_ENV },
	{ "kdf-budget", 0, "N", "most PKCS#12 and JCEKS key-derivation iterations per file (default 30000000)", CLI_OPT_KDF_BUDGET,
	  CLI_ARG_COUNT, 1, ULONG_MAX, .takes = "a number of iterations (1 or more)" },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option common_trust[] = {
	{ "ca-file", 0, "FILE", "trust the certificates in FILE (any format; repeatable)", CLI_OPT_CA_FILE, CLI_ARG_PATH },
	{ "ca-dir", 0, "DIR", "trust the certificates in the files of DIR (repeatable)", CLI_OPT_CA_DIR, CLI_ARG_PATH },
	{ "no-system-trust", 0, NULL, "do not use the system trust store", CLI_OPT_NO_SYSTEM_TRUST },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option common_at[] = {
	{ "at", 0, "TIME", "check validity at TIME (RFC 3339 or YYYY-MM-DD) instead of now", CLI_OPT_AT, CLI_ARG_TIME },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option common_input[] = {
	{ "max-size", 0, "SIZE", "refuse inputs larger than SIZE bytes (K, M, G suffixes; default 64M)", CLI_OPT_MAX_SIZE, CLI_ARG_SIZE },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option common_validation[] = {
	{ "profile", 0, "NAME", "validation profile: modern (default), rfc5280 or webpki", CLI_OPT_PROFILE },
	{ "policy", 0, "OID", "require certificate policy OID (repeatable; default anyPolicy)", CLI_OPT_POLICY },
	{ "explicit-policy", 0, NULL, "require a valid certificate policy on the path", CLI_OPT_EXPLICIT_POLICY },
	{ "inhibit-policy-mapping", 0, NULL, "do not accept policy mappings", CLI_OPT_INHIBIT_MAPPING },
	{ "inhibit-any-policy", 0, NULL, "do not let anyPolicy match other policies", CLI_OPT_INHIBIT_ANY },
	{ "max-depth", 0, "N", "allow at most N intermediates between leaf and anchor", CLI_OPT_MAX_DEPTH,
	  CLI_ARG_COUNT, 0, CK_CHAIN_MAX_DEPTH - 1, .unit = "intermediates" },
	{ "crl-file", 0, "FILE", "use the CRLs in FILE, PEM or DER (repeatable)", CLI_OPT_CRL_FILE, CLI_ARG_PATH },
	{ "revocation", 0, "MODE", "check revocation: off (default), crl, ocsp or all, fetched online", CLI_OPT_REVOCATION },
	{ "require-revocation", 0, NULL, "an unknown revocation status makes the chain invalid", CLI_OPT_REQUIRE_REVOCATION },
	{ NULL, 0, NULL, NULL, 0 },
};
/* The help of the first four takes the tool's network_when before it;
 * --timeout's may be the tool's (timeout_help). */
static const struct cli_option common_network[] = {
	{ "connect-timeout", 0, "SECONDS", "give up the name lookup and TCP connect after SECONDS (default 5)", CLI_OPT_CONNECT_TIMEOUT, CLI_ARG_SECONDS },
	{ "timeout", 0, "SECONDS", "give up a URL, redirects included, after SECONDS (default 10)", CLI_OPT_TIMEOUT, CLI_ARG_SECONDS },
	{ "proxy", 0, "URL", "use this proxy for http and https URLs", CLI_OPT_PROXY },
	{ "no-proxy", 0, NULL, "connect directly, ignoring http_proxy, https_proxy and no_proxy", CLI_OPT_NO_PROXY },
	{ "allow-address", 0, "CIDR", "connect to range CIDR, even link-local (repeatable)", CLI_OPT_ALLOW_ADDRESS },
	{ "deny-address", 0, "CIDR", "never connect to range CIDR (repeatable)", CLI_OPT_DENY_ADDRESS },
	{ "resolve", 0, "HOST:PORT:ADDRESS[,ADDRESS ...]", "resolve HOST at PORT to the ADDRESSes, as curl (repeatable)", CLI_OPT_RESOLVE },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_option common_always[] = {
	{ "help", 'h', NULL, "show this help and exit", CLI_OPT_HELP },
	{ "version", 'V', NULL, "show the version and exit", CLI_OPT_VERSION },
	{ NULL, 0, NULL, NULL, 0 },
};

/* The tables a tool takes, in --help order. */
static size_t tables_for(const struct cli_tool *t, const struct cli_option **out)
{
	size_t n = 0;
	out[n++] = t->options;
	if (t->common & CLI_WITH_NETWORK)
		out[n++] = common_network;
	if (t->common & CLI_WITH_INPUT)
		out[n++] = common_input;
	if (t->common & CLI_WITH_PASSWORD)
		out[n++] = common_password;
	if (t->common & CLI_WITH_TRUST)
		out[n++] = common_trust;
	if (t->common & CLI_WITH_AT)
		out[n++] = common_at;
	if (t->common & CLI_WITH_VALIDATION)
		out[n++] = common_validation;
	if (t->common & CLI_WITH_OUTPUT)
		out[n++] = common_output;
	out[n++] = common_always;
	return n;
}

/* ---------------------------------------------------------------- */
/* messages */

/* A file name on the message line: control characters (a newline in a
 * name would split the message; a bidirectional control would reorder
 * it) as C escapes, each byte as \xNN. */
static void put_file_name(FILE *f, const char *name)
{
	for (const char *p = name; *p;) {
		size_t n = ck_text_control_len(p);
		if (*p == '\n' || *p == '\t') {
			fputs(*p == '\n' ? "\\n" : "\\t", f);
		} else if (!n) {
			fputc(*p, f);
			n = 1;
		} else {
			for (size_t k = 0; k < n; k++)
				fprintf(f, "\\x%02x", (unsigned char)p[k]);
		}
		p += n;
	}
}

static unsigned terminal_width(int fd);

void cli_msg(const char *file, const char *fmt, ...)
{
	va_list ap;
	char *buf = NULL;
	size_t len = 0;
	/* one line for scripts and grep; wrapped at the terminal's width
	 * when standard error is one (pem2pfx's notes name whole DNs) */
	FILE *m = isatty(STDERR_FILENO) ? open_memstream(&buf, &len) : NULL;
	FILE *f = m ? m : stderr;

	fflush(stdout);
	fprintf(f, "%s: ", cli_progname);
	if (file) {
		put_file_name(f, file);
		fputs(": ", f);
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (m) {
		if (fclose(m) == 0)
			ck_text_wrap(stderr, "", 4, buf, terminal_width(STDERR_FILENO));
		free(buf);
	} else {
		fputc('\n', stderr);
	}
	if (nagios_tag[0]) {
		int n = snprintf(last_msg, sizeof last_msg, "%s%s", file ? file : "", file ? ": " : "");
		va_start(ap, fmt);
		if (n >= 0 && (size_t)n < sizeof last_msg)
			vsnprintf(last_msg + n, sizeof last_msg - (size_t)n, fmt, ap);
		va_end(ap);
	}
}

/* The plugin's status line for a run that could not check: on stdout,
 * where Nagios reads it; '|' would start performance data and control
 * characters would end the line, so they are written as '?'. */
static void nagios_unknown_line(const char *what)
{
	printf("%s UNKNOWN - ", nagios_tag);
	for (const unsigned char *p = (const unsigned char *)what; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f || *p == '|' ? '?' : *p);
	putchar('\n');
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", cli_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", cli_progname);
	if (nagios_tag[0]) {
		char msg[512];
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		nagios_unknown_line(msg);
		return CLI_EXIT_NAGIOS_UNKNOWN;
	}
	return CLI_EXIT_USAGE;
}

bool cli_plugin_status(const struct cli_common *c)
{
	return c->format->plugin;
}

bool cli_format_text(const struct cli_common *c)
{
	return c->format == ck_emitter_find("text");
}

int cli_nagios_unknown(void)
{
	nagios_unknown_line(last_msg[0] ? last_msg : "the check did not complete");
	return CLI_EXIT_NAGIOS_UNKNOWN;
}

static bool format_taken(const struct cli_tool *t, const struct ck_emitter_ops *f);

/* The long option "--NAME[=...]" names as getopt_long reads it: the
 * exact name, or a prefix of only one; NULL when none or ambiguous. */
static const struct option *long_named(const struct option *lo, const char *a)
{
	size_t n = strcspn(a, "=");
	const struct option *hit = NULL;
	bool ambiguous = false;

	/* the exact name wins wherever it is in the table (--password,
	 * listed after --password-file and --password-env) */
	for (; lo->name; lo++) {
		if (strncmp(lo->name, a, n) != 0)
			continue;
		if (!lo->name[n])
			return lo;
		ambiguous = hit != NULL;
		hit = lo;
	}
	return ambiguous ? NULL : hit;
}

/* A plugin's format given (--format nagios, abbreviated or not; the last
 * --format, --json or --xml wins), looked for before the options are
 * parsed, so that a usage error anywhere on the command line is already
 * reported as the plugin API wants.  The values of other options are
 * skipped as getopt_long will take them. */
static bool nagios_asked(const struct cli_tool *t, const struct option *lo, int argc,
			 char **argv)
{
	const struct ck_emitter_ops *f;
	bool on = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const struct option *o;
		if (!strcmp(a, "--"))
			break;
		if (strncmp(a, "--", 2) != 0 || !(o = long_named(lo, a + 2)))
			continue;
		if (!strcmp(o->name, "format"))
			v = strchr(a, '=') ? strchr(a, '=') + 1 : i + 1 < argc ? argv[++i] : NULL;
		else if (!strcmp(o->name, "json") || !strcmp(o->name, "xml"))
			v = "";
		else if (o->has_arg == required_argument && !strchr(a, '='))
			i++;
		if (v) {
			f = ck_emitter_find(v);
			on = format_taken(t, f) && f->plugin;
		}
	}
	return on;
}

static void set_nagios(const struct cli_tool *t, bool on)
{
	size_t i = 0;
	if (on)
		for (; t->name[i] && i + 1 < sizeof nagios_tag; i++)
			nagios_tag[i] = t->name[i] >= 'a' && t->name[i] <= 'z' ?
						(char)(t->name[i] - 'a' + 'A') : t->name[i];
	nagios_tag[i] = '\0';
}

int cli_error(const struct ck_error *err)
{
	const char *file = err->file[0] ? err->file : NULL;
	int code = ck_status_exit_code(err->status);

	if (err->status == CK_E_PASSWORD)
		cli_msg(file, "%s; give it with --password-file, --password-env or --password",
			err->what[0] ? err->what : "a password is needed");
	else
		cli_msg(file, "%s", err->what[0] ? err->what : ck_status_str(err->status));
	return code == 0 ? CLI_EXIT_INTERNAL : code;
}

int cli_write_error(const struct ck_error *err)
{
	cli_msg(err->file[0] ? err->file : NULL, "%s",
		err->what[0] ? err->what : ck_status_str(err->status));
	return err->status == CK_E_EXISTS ? CLI_EXIT_USAGE : CLI_EXIT_INTERNAL;
}

/* ---------------------------------------------------------------- */
/* temporary files and signals
 *
 * Each temporary file or directory of an output has a slot while it
 * exists.  The handler (async-signal-safe: unlink, rmdir, open, the
 * getdents64 system call, raise) removes them, then the signal's
 * default action ends the program.  Signals are blocked from the moment
 * a name is chosen until its slot is filled, so that no file can be
 * created and not yet known; a slot is filled before it is marked
 * used, so the handler never reads half a name. */

#define TEMP_SLOTS 16

static struct {
	volatile sig_atomic_t used;
	bool dir;
	char path[PATH_MAX];
} temps[TEMP_SLOTS];
static sigset_t temp_blocked;
static bool temp_blocking;

/* The entries of a temporary directory (files we wrote), then itself. */
static void remove_temp_dir(const char *path)
{
	char buf[4096];
	long n;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0) {
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (long off = 0; off < n;) {
				struct linux_dirent64 {
					uint64_t ino;
					int64_t off;
					unsigned short reclen;
					unsigned char type;
					char name[];
				} *de = (void *)(buf + off);
				if (strcmp(de->name, ".") && strcmp(de->name, ".."))
					unlinkat(fd, de->name, 0);
				off += de->reclen;
			}
		}
		close(fd);
	}
	rmdir(path);
}

static void on_fatal_signal(int sig)
{
	int e = errno;
	for (int i = TEMP_SLOTS; i-- > 0;) {
		if (!temps[i].used)
			continue;
		if (temps[i].dir)
			remove_temp_dir(temps[i].path);
		else
			unlink(temps[i].path);
	}
	/* SA_RESETHAND and SA_NODEFER: the default action, now */
	raise(sig);
	errno = e;
}

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* Once, at the first temporary file; a signal ignored when the program
 * started (nohup, a background job's SIGINT) stays ignored. */
static void catch_fatal_signals(void)
{
	static bool done;
	struct sigaction sa;

	if (done)
		return;
	done = true;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
		struct sigaction old;
		if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(fatal_signals[i], &sa, NULL);
	}
}

static void block_fatal_signals(sigset_t *saved)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaddset(&set, fatal_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, saved);
}

static void temp_hook(void *ctx, enum ck_temp_event ev, const char *path, bool is_dir)
{
	(void)ctx;
	switch (ev) {
	case CK_TEMP_CREATING:
		catch_fatal_signals();
		block_fatal_signals(&temp_blocked);
		temp_blocking = true;
		return;
	case CK_TEMP_CREATED:
		for (int i = 0; i < TEMP_SLOTS; i++) {
			if (temps[i].used || strlen(path) >= sizeof temps[i].path)
				continue;
			strcpy(temps[i].path, path);
			temps[i].dir = is_dir;
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
			temps[i].used = 1;
			break;
		}
		break;
	case CK_TEMP_GONE:
		for (int i = 0; i < TEMP_SLOTS; i++)
			if (temps[i].used && !strcmp(temps[i].path, path))
				temps[i].used = 0;
		break;
	}
	if (temp_blocking) {
		temp_blocking = false;
		pthread_sigmask(SIG_SETMASK, &temp_blocked, NULL);
	}
}

struct ck_write_opts cli_write_opts(bool force, bool secret)
{
	struct ck_write_opts o = { .force = force, .secret = secret, .temp_hook = temp_hook };
	return o;
}

int cli_finish(struct cli_common *c, int status)
{
	if (c && c->key_password) {
		gnutls_memset(c->key_password, 0, strlen(c->key_password));
		free(c->key_password);
		c->key_password = NULL;
	}
	if (c && c->password) {
		gnutls_memset(c->password, 0, strlen(c->password));
		free(c->password);
		c->password = NULL;
	}
	if (c) {
		free(c->ca_files);
		free(c->ca_dirs);
		free(c->policies);
		free(c->crl_files);
		free(c->allow);
		free(c->deny);
		free(c->resolve);
		ck_crlset_free(c->crls);
		c->ca_files = c->ca_dirs = c->policies = c->crl_files = c->resolve = NULL;
		c->allow = c->deny = NULL;
		c->crls = NULL;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;
		cli_msg(NULL, "write error on standard output: %s", strerror(e ? e : EIO));
		return nagios_tag[0] ? CLI_EXIT_NAGIOS_UNKNOWN : CLI_EXIT_INTERNAL;
	}
	if (fclose(stdout) != 0) {
		cli_msg(NULL, "write error on standard output: %s", strerror(errno));
		return nagios_tag[0] ? CLI_EXIT_NAGIOS_UNKNOWN : CLI_EXIT_INTERNAL;
	}
	return status;
}

/* ---------------------------------------------------------------- */
/* validation */

bool cli_load_crls(struct cli_common *c, int *status)
{
	struct ck_error err;

	if (!c->ncrl_files && !c->online)
		return true;
	if (ck_crlset_new(&c->crls)) {
		cli_msg(NULL, "out of memory");
		*status = CLI_EXIT_INTERNAL;
		return false;
	}
	for (size_t i = 0; i < c->ncrl_files; i++) {
		unsigned char *data = NULL;
		size_t len = 0;
		enum ck_status rc;

		ck_error_clear(&err);
		rc = ck_read_file(c->crl_files[i], c->max_size ? c->max_size : 64u << 20, &data, &len,
				  &err);
		if (!rc)
			rc = ck_crlset_add(c->crls, data, len, c->crl_files[i], &err);
		free(data);
		if (rc) {
			ck_error_set_file(&err, c->crl_files[i]);
			*status = cli_error(&err);
			return false;
		}
	}
	c->validate.crls = c->crls;
	return true;
}

void cli_chain_opts(const struct cli_common *c, struct ck_chain_opts *o)
{
	o->at = c->at;
	o->v = c->validate;
	o->threads = c->threads;
}

/* ---------------------------------------------------------------- */
/* help */

/* --help is 80 columns whatever the terminal (issue 24).  The texts of
 * the tables are reflowed: consecutive lines that start in the first
 * column are one paragraph; an empty line is printed as it is; a line
 * that starts with a space is a row of a table, kept on its own, and
 * wrapped under its second column (after a run of two spaces). */
#define HELP_WIDTH 80

static void help_flush(FILE *out, const char *lead, unsigned indent, char *para, size_t *n)
{
	if (!*n)
		return;
	para[*n] = '\0';
	ck_text_wrap(out, lead, indent, para, HELP_WIDTH);
	*n = 0;
}

static void help_row(FILE *out, const char *line, size_t len)
{
	char lead[HELP_WIDTH + 1], *row = strndup(line, len);
	const char *gap = NULL, *text;
	size_t lead_len;

	if (!row) {
		fprintf(out, "%.*s\n", (int)len, line);
		return;
	}
	for (const char *q = row + strspn(row, " "); *q; q++)
		if (q[0] == ' ' && q[1] == ' ') {
			gap = q;
			break;
		}
	text = gap ? gap + strspn(gap, " ") : row + strspn(row, " ");
	lead_len = (size_t)(text - row);
	if (lead_len > HELP_WIDTH / 2) { /* no room for a column: hang under the row's start */
		lead_len = strspn(row, " ");
		text = row + lead_len;
	}
	snprintf(lead, sizeof lead, "%.*s", (int)lead_len, row);
	ck_text_wrap(out, lead, (unsigned)lead_len, text, HELP_WIDTH);
	free(row);
}

static void help_wrap(FILE *out, const char *lead, unsigned indent, const char *text)
{
	size_t n = 0, cap = strlen(text) + 1;
	char *para = malloc(cap);
	bool first = true;

	if (!para) {
		fprintf(out, "%s%s\n", lead, text);
		return;
	}
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len && line[0] != ' ') {
			if (n)
				para[n++] = ' ';
			memcpy(para + n, line, len);
			n += len;
		} else {
			help_flush(out, first ? lead : "", first ? indent : 0, para, &n);
			first = false;
			if (len)
				help_row(out, line, len);
			else
				fputc('\n', out);
		}
		line += len + (nl ? 1 : 0);
	}
	help_flush(out, first ? lead : "", first ? indent : 0, para, &n);
	free(para);
}

/* The tool's formats: the back-ends of libcore/emit.c that are values
 * of --format and that its view offers, in the table's order. */
static bool format_taken(const struct cli_tool *t, const struct ck_emitter_ops *f)
{
	return f && f->format_value && t->view && ck_emitter_offered(f, t->view);
}

/* "text, json or xml": the formats tool t takes, in buf; `help`: "text
 * (default), json or xml" (the first is the default) */
static const char *format_list(const struct cli_tool *t, bool help, char *buf, size_t size)
{
	const struct ck_emitter_ops *f;
	size_t n = 0, k = 0, len = 0;

	for (size_t i = 0; (f = ck_emitter_at(i)); i++)
		n += format_taken(t, f);
	buf[0] = '\0';
	for (size_t i = 0; (f = ck_emitter_at(i)) && len < size; i++) {
		if (!format_taken(t, f))
			continue;
		k++;
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s",
					k == 1 ? "" : k == n ? " or " : ", ", f->name,
					help && k == 1 ? " (default)" : "");
	}
	return buf;
}

/* An option's help: the tool's words where it has them. */
static const char *option_help(const struct cli_tool *t, const struct cli_option *o, char *buf,
			       size_t size)
{
	char list[128];

	switch (o->id) {
	case CLI_OPT_FORMAT:
		snprintf(buf, size, "output format: %s", format_list(t, true, list, sizeof list));
		return buf;
	case CLI_OPT_CONNECT_TIMEOUT:
	case CLI_OPT_TIMEOUT:
	case CLI_OPT_PROXY:
	case CLI_OPT_NO_PROXY:
		snprintf(buf, size, "%s%s", t->network_when ? t->network_when : "",
			 o->id == CLI_OPT_TIMEOUT && t->timeout_help ? t->timeout_help : o->help);
		return buf;
	default:
		return o->help;
	}
}

void cli_help(const struct cli_tool *t, FILE *out)
{
	const struct cli_option *tables[10];
	size_t nt = tables_for(t, tables);

	fprintf(out, "Usage: %s %s\n", t->name, t->synopsis);
	help_wrap(out, "", 0, t->summary);
	if (t->description) {
		fputc('\n', out);
		help_wrap(out, "", 0, t->description);
	}
	fprintf(out, "\nOptions:\n");
	for (size_t k = 0; k < nt; k++) {
		for (const struct cli_option *o = tables[k]; o && o->name; o++) {
			char left[64], lead[96], help[256];
			if (o->short_name)
				snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
					 o->arg ? " " : "", o->arg ? o->arg : "");
			else
				snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
					 o->arg ? o->arg : "");
			if (strlen(left) > 26) {
				fprintf(out, "  %s\n", left);
				snprintf(lead, sizeof lead, "  %-26s  ", "");
			} else {
				snprintf(lead, sizeof lead, "  %-26s  ", left);
			}
			help_wrap(out, lead, 30, option_help(t, o, help, sizeof help));
		}
	}
	fprintf(out,
		"\nExit status: 0 nothing wrong found, 1 problems found, 2 usage error,\n"
		"3 an input could not be read, 4 password needed or wrong, 5 internal error.\n"
		"See %s(1) for the details, the output formats and the finding codes.\n",
		t->name);
}

/* ---------------------------------------------------------------- */
/* parsing helpers */

/* Digits only, with at most one '.' when `dot` (no sign, blank, hex or
 * exponent: strtoul and strtod would take " -1" and "0x1p3"). */
static bool plain_number(const char *s, bool dot)
{
	bool digit = false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && dot)
			dot = false;
		else
			return false;
	}
	return digit;
}

bool cli_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;
	if (!s || !plain_number(s, false))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool cli_parse_seconds(const char *s, unsigned *ms)
{
	char *end;
	double v;
	if (!s || !plain_number(s, true))
		return false;
	v = strtod(s, &end);
	if (*end || !(v >= 0.001 && v <= 3600)) /* NaN compares false: refused */
		return false;
	*ms = (unsigned)(v * 1000 + 0.5);
	return true;
}

bool cli_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned long long mult = 1;
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': mult = 1024ull; break;
		case 'm': case 'M': mult = 1024ull * 1024; break;
		case 'g': case 'G': mult = 1024ull * 1024 * 1024; break;
		default: return false;
		}
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
		if (*end)
			return false;
	}
	if (v == 0 || v > SIZE_MAX / mult)
		return false;
	*out = (size_t)(v * mult);
	return true;
}

/* `n` digits at s, as a number in [lo, hi].  Reads s[i] only after
 * s[0..i) were digits, so never past the end of the string. */
static bool fixed_digits(const char *s, int n, int lo, int hi, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return *v >= lo && *v <= hi;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* YYYY-MM-DD, or RFC 3339's date-time: YYYY-MM-DD(T|t| )HH:MM:SS[.F+]
 * then Z, z or an offset ±HH:MM (hours 00-23, minutes 00-59).  Every
 * field has exactly its digits, and each character is looked at only
 * after the ones before it matched. */
bool cli_parse_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om;
	long offset = 0;
	time_t t;

	if (!fixed_digits(p, 4, 0, 9999, &y) || p[4] != '-' || !fixed_digits(p + 5, 2, 1, 12, &mo) ||
	    p[7] != '-' || !fixed_digits(p + 8, 2, 1, 31, &d) || d > days_in_month(y, mo))
		return false;
	p += 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!fixed_digits(p, 2, 0, 23, &h) || p[2] != ':' || !fixed_digits(p + 3, 2, 0, 59, &mi) ||
		    p[5] != ':' || !fixed_digits(p + 6, 2, 0, 60, &sec))
			return false;
		p += 8;
		if (*p == '.') { /* fractional seconds are dropped; one digit at least */
			if (p[1] < '0' || p[1] > '9')
				return false;
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			if (!fixed_digits(p + 1, 2, 0, 23, &oh) || p[3] != ':' ||
			    !fixed_digits(p + 4, 2, 0, 59, &om))
				return false;
			offset = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
			p += 6;
		} else {
			return false;
		}
	}
	if (*p)
		return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec; /* a leap second is the next minute's first */
	t = timegm(&tm);
	if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return false;
	*out = t - offset;
	return true;
}

/* ---------------------------------------------------------------- */
/* passwords */

/* A password is a C string: a NUL byte would end it early, and the
 * PKCS#12 file opened or written would not be the one the user meant. */
static const char nul_message[] =
	"the password holds a NUL byte: refused (a password ends at the first NUL, so it would be cut short)";

char *cli_read_password_file(const char *path, int *status)
{
	struct ck_error err;
	char *pass;

	ck_error_clear(&err);
	if (ck_pwmap_read_password(path, &pass, &err)) {
		cli_msg(path, "%s", err.what);
		*status = ck_status_exit_code(err.status);
		return NULL;
	}
	return pass;
}

static int password_from_env(const char *name, char **out);

/* Print `prompt` on the terminal and read one line with echo off into
 * a new string; NULL when there is no terminal (*no_tty set), on end of
 * input, or after the message that a NUL byte was typed (*nul set). */
static char *tty_read(const char *prompt, bool *no_tty, bool *nul)
{
	struct termios old, noecho;
	char buf[1024];
	FILE *tty;
	char *res;
	size_t n;
	bool restored = false, got;

	*no_tty = false;
	tty = fopen("/dev/tty", "r+");
	if (!tty) {
		*no_tty = true;
		return NULL;
	}
	/* echo off before the prompt: nothing typed after it is echoed */
	if (tcgetattr(fileno(tty), &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSANOW, &noecho);
	} else {
		restored = true;
	}
	fputs(prompt, tty);
	fflush(tty);
	/* no NUL before fgets: the last NUL is its end, an earlier one was typed */
	memset(buf, 1, sizeof buf);
	got = fgets(buf, sizeof buf, tty) != NULL;
	if (!got)
		buf[0] = '\0';
	if (!restored)
		tcsetattr(fileno(tty), TCSANOW, &old);
	fputc('\n', tty);
	fclose(tty);
	n = strcspn(buf, "\r\n");
	*nul = got && buf[n] == '\0' && memrchr(buf, '\0', sizeof buf) != buf + n;
	buf[n] = '\0';
	res = got && !*nul ? strdup(buf) : NULL;
	gnutls_memset(buf, 0, sizeof buf);
	if (*nul)
		cli_msg(NULL, "%s", nul_message);
	return res;
}

/* Ask on the terminal with echo off. */
static enum ck_status ask_tty(void *ctx, const char *input, unsigned attempt, char **out)
{
	char prompt[512];
	bool no_tty, nul;

	(void)ctx;
	if (attempt > 3 || !isatty(STDIN_FILENO))
		return CK_E_PASSWORD;
	snprintf(prompt, sizeof prompt, "%sPassword for %s: ", attempt > 1 ? "Wrong password. " : "",
		 input);
	*out = tty_read(prompt, &no_tty, &nul);
	/* the one exit() left in a helper: libcore asked, and its answer
	 * (a status for the file) cannot say "usage error" */
	if (nul)
		exit(CLI_EXIT_USAGE);
	if (no_tty)
		return CK_E_PASSWORD;
	if (!*out)
		*out = strdup("");
	return *out ? CK_OK : CK_E_NOMEM;
}

static void wipe_free(char *s)
{
	if (s) {
		gnutls_memset(s, 0, strlen(s));
		free(s);
	}
}

char *cli_new_password(const char *file, const char *env, bool allow_empty, bool empty_option,
		       const char *what, int *status)
{
	char *pass = NULL, *again = NULL;
	char prompt[512];
	bool no_tty = false, nul = false;

	*status = CLI_EXIT_OK;
	if (file) {
		pass = cli_read_password_file(file, status);
		if (!pass)
			return NULL;
	} else if (env) {
		if ((*status = password_from_env(env, &pass)))
			return NULL;
	} else if (allow_empty) {
		pass = strdup("");
	} else if (isatty(STDIN_FILENO)) {
		snprintf(prompt, sizeof prompt, "New password for %s: ", what);
		pass = tty_read(prompt, &no_tty, &nul);
		snprintf(prompt, sizeof prompt, "Again, new password for %s: ", what);
		if (pass)
			again = tty_read(prompt, &no_tty, &nul);
		if (nul) {
			wipe_free(pass);
			*status = CLI_EXIT_USAGE;
			return NULL;
		}
		if (pass && (!again || strcmp(pass, again) != 0)) {
			cli_msg(NULL, "the two passwords for %s do not match", what);
			wipe_free(pass);
			wipe_free(again);
			*status = CLI_EXIT_PASSWORD;
			return NULL;
		}
		wipe_free(again);
		if (!pass) {
			cli_msg(NULL, no_tty ? "no terminal to ask for the password for %s" :
					       "no password for %s was typed", what);
			*status = CLI_EXIT_PASSWORD;
			return NULL;
		}
	} else {
		cli_msg(NULL, "a password for %s is needed; give it with --out-password-file or "
			"--out-password-env%s", what, empty_option ? " (or --empty-password)" : "");
		*status = CLI_EXIT_PASSWORD;
		return NULL;
	}
	if (!pass) {
		cli_msg(NULL, "out of memory");
		*status = CLI_EXIT_INTERNAL;
		return NULL;
	}
	if (!*pass && !allow_empty) {
		if (empty_option)
			cli_msg(NULL, "the password for %s is empty; use --empty-password if that is "
				"what you want", what);
		else
			cli_msg(NULL, "the password for %s cannot be empty", what);
		wipe_free(pass);
		*status = CLI_EXIT_PASSWORD;
		return NULL;
	}
	return pass;
}

const struct ck_password *cli_password(struct cli_common *c)
{
	return &c->pw;
}

struct ck_load_opts cli_load_opts(struct cli_common *c)
{
	struct ck_load_opts lo = { .max_size = c->max_size, .password = &c->pw,
				   .kdf_budget = c->kdf_budget, .threads = c->threads };
	return lo;
}

/* The value of environment variable `name`, strdup'ed into *out; 0, or
 * the exit status after a message. */
static int password_from_env(const char *name, char **out)
{
	const char *v = getenv(name);

	if (!v)
		return cli_usage("environment variable %s is not set", name);
	if (!(*out = strdup(v))) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	return 0;
}

/* The password options into c->pw; 0, or the exit status after a
 * message. */
static int resolve_password(struct cli_common *c)
{
	int given = !!c->password_file + !!c->password_env + !!c->password_arg, status = 0;

	if (given > 1)
		return cli_usage("use only one of --password-file, --password-env and --password");
	if (c->password_file) {
		c->password = cli_read_password_file(c->password_file, &status);
	} else if (c->password_env) {
		status = password_from_env(c->password_env, &c->password);
	} else if (c->password_arg && !(c->password = strdup(c->password_arg))) {
		cli_msg(NULL, "out of memory");
		status = CLI_EXIT_INTERNAL;
	}
	if (status)
		return status;
	c->pw.value = c->password;
	c->pw.ask = c->password ? NULL : ask_tty;
	c->pw.ctx = NULL;
	if (c->key_password_file && c->key_password_env)
		return cli_usage("use only one of --key-password-file and --key-password-env");
	if (c->key_password_file)
		c->key_password = cli_read_password_file(c->key_password_file, &status);
	else if (c->key_password_env)
		status = password_from_env(c->key_password_env, &c->key_password);
	c->pw.key_value = c->key_password;
	return status;
}

/* ---------------------------------------------------------------- */
/* network */

static const char *env2(const char *a, const char *b)
{
	const char *v = getenv(a);
	if ((!v || !*v) && b)
		v = getenv(b);
	return v && *v ? v : NULL;
}

void cli_net_env(struct ck_net_opts *n, const char *proxy, bool no_proxy)
{
	const char *all = env2("all_proxy", "ALL_PROXY");

	n->ca_file = env2("SSL_CERT_FILE", NULL);
	n->ca_path = env2("SSL_CERT_DIR", NULL);
	if (no_proxy)
		return;
	if (proxy) {
		n->proxy = proxy;
		return;
	}
	n->http_proxy = env2("http_proxy", NULL);
	n->https_proxy = env2("https_proxy", "HTTPS_PROXY");
	if (!n->http_proxy)
		n->http_proxy = all;
	if (!n->https_proxy)
		n->https_proxy = all;
	n->no_proxy = env2("no_proxy", "NO_PROXY");
}

int cli_net_check(const struct cli_common *c, bool used, const char *needs)
{
	if (!used && c->http_option)
		return cli_usage("--%s needs %s", c->http_option, needs);
	if (!used && c->net_option)
		return cli_usage("--%s needs %s", c->net_option, needs);
	if (c->proxy && c->no_proxy)
		return cli_usage("use only one of --proxy and --no-proxy");
	return 0;
}

void cli_net_opts(const struct cli_common *c, struct ck_net_opts *n)
{
	n->connect_timeout_ms = c->connect_timeout_ms;
	n->timeout_ms = c->timeout_ms;
	cli_net_env(n, c->proxy, c->no_proxy);
	n->allow = c->allow;
	n->nallow = c->nallow;
	n->deny = c->deny;
	n->ndeny = c->ndeny;
	n->resolve = c->resolve;
}

/* ---------------------------------------------------------------- */
/* trust */

struct ck_trust *cli_load_trust(struct cli_common *c, int *status)
{
	struct ck_trust_opts o = { 0 };
	struct ck_trust *t = NULL;
	struct ck_error err;

	ck_error_clear(&err);
	o.system = !c->no_system_trust;
	o.system_file = getenv("SSL_CERT_FILE");
	o.system_dirs = getenv("SSL_CERT_DIR");
	o.files = c->ca_files;
	o.dirs = c->ca_dirs;
	o.password = &c->pw;
	o.max_size = c->max_size;
	o.kdf_budget = c->kdf_budget;
	if (ck_trust_load(&o, &t, &err)) {
		*status = cli_error(&err);
		return NULL;
	}
	*status = 0;
	return t;
}

/* ---------------------------------------------------------------- */
/* argv */

static bool push_str(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 2) * sizeof *nv);
	if (!nv)
		return false;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return true;
}

/* push_str, or the exit status after "out of memory" */
static int push_arg(const char ***v, size_t *n, const char *s)
{
	if (push_str(v, n, s))
		return 0;
	cli_msg(NULL, "out of memory");
	return CLI_EXIT_INTERNAL;
}

/* --color's values, in color_names' order */
static void set_color(struct cli_common *c, size_t when)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (when == 0)
		c->color = isatty(STDOUT_FILENO) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
	else
		c->color = when == 1;
}

/* "a, b or c": the names of an enumeration */
static const char *names_list(const char *const *names, char *buf, size_t size)
{
	size_t n = 0, len = 0;

	while (names[n])
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
	return buf;
}

/* What option o takes, for its refusal. */
static const char *takes(const struct cli_option *o, char *buf, size_t size)
{
	if (o->takes)
		return o->takes;
	switch (o->type) {
	case CLI_ARG_COUNT:
		snprintf(buf, size, "a number%s%s from %lu to %lu", o->unit ? " of " : "",
			 o->unit ? o->unit : "", o->min, o->max);
		return buf;
	case CLI_ARG_SIZE:
		return "a size such as 65536, 512K or 64M";
	case CLI_ARG_SECONDS:
		return "seconds from 0.001 to 3600";
	case CLI_ARG_TIME:
		return "a time as YYYY-MM-DD or RFC 3339 (2031-01-31T12:00:00Z)";
	case CLI_ARG_ENUM:
		return names_list(o->names, buf, size);
	default:
		return "anything";
	}
}

/* Option o's argument `s` into *a, read by the one function for its
 * type; 0, or the exit status after the refusal. */
static int parse_arg(const struct cli_option *o, const char *s, struct cli_arg *a)
{
	char buf[256];
	bool ok = true;

	memset(a, 0, sizeof *a);
	a->s = s;
	if (!o->arg)
		return 0;
	switch (o->type) {
	case CLI_ARG_TEXT:
	case CLI_ARG_PATH:
		break;
	case CLI_ARG_COUNT:
		ok = cli_parse_uint(s, o->min, o->max, &a->n);
		break;
	case CLI_ARG_SIZE:
		ok = cli_parse_size(s, &a->size);
		break;
	case CLI_ARG_SECONDS:
		ok = cli_parse_seconds(s, &a->ms);
		break;
	case CLI_ARG_TIME:
		ok = cli_parse_time(s, &a->time);
		break;
	case CLI_ARG_ENUM:
		ok = false;
		for (size_t i = 0; o->names[i] && !ok; i++)
			if (!strcmp(s, o->names[i])) {
				a->index = i;
				ok = true;
			}
		break;
	}
	return ok ? 0 : cli_usage("--%s takes %s, not '%s'", o->name, takes(o, buf, sizeof buf), s);
}

/* --allow-address, --deny-address: a range, strictly (ck_net_cidr_parse). */
static int push_range(struct ck_net_cidr **v, size_t *n, const char *option, const char *arg)
{
	char why[160];
	struct ck_net_cidr r, *nv;

	if (!ck_net_cidr_parse(arg, &r, why, sizeof why))
		return cli_usage("%s takes an address range such as 169.254.0.0/16 or fe80::/10: %s",
				 option, why);
	nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	nv[(*n)++] = r;
	*v = nv;
	return 0;
}

/* The network group's options (id in enum cli_network_id): 0, or the
 * exit status after a message. */
static int network_option(struct cli_common *c, int id, const struct cli_arg *a)
{
	char why[200];
	int status = 0;

	switch (id) {
	case CLI_OPT_CONNECT_TIMEOUT: c->connect_timeout_ms = a->ms; break;
	case CLI_OPT_TIMEOUT: c->timeout_ms = a->ms; break;
	case CLI_OPT_PROXY:
		if (!*a->s)
			return cli_usage("--proxy needs a URL");
		c->proxy = a->s;
		break;
	case CLI_OPT_NO_PROXY: c->no_proxy = true; break;
	case CLI_OPT_ALLOW_ADDRESS:
		status = push_range(&c->allow, &c->nallow, "--allow-address", a->s);
		break;
	case CLI_OPT_DENY_ADDRESS:
		status = push_range(&c->deny, &c->ndeny, "--deny-address", a->s);
		break;
	case CLI_OPT_RESOLVE:
		if (!ck_net_resolve_check(a->s, why, sizeof why))
			return cli_usage("--resolve takes HOST:PORT:ADDRESS[,ADDRESS]... (IPv6 in brackets): %s",
					 why);
		status = push_arg(&c->resolve, &c->nresolve, a->s);
		break;
	}
	return status;
}

/* The network option given first of the timeouts and proxies, and of
 * the rest, for cli_net_check's "needs --network". */
static void network_given(struct cli_common *c, const struct cli_option *o)
{
	const char **first = o->id <= CLI_OPT_NO_PROXY ? &c->http_option : &c->net_option;

	if (!*first)
		*first = o->name;
}

/* --format NAME: one of the tool's formats */
static int set_format(struct cli_common *c, const struct cli_tool *t, const char *name)
{
	const struct ck_emitter_ops *f = ck_emitter_find(name);
	char list[128];

	if (!format_taken(t, f))
		return cli_usage("--format takes %s, not '%s'", format_list(t, false, list, sizeof list),
				 name);
	c->format = f;
	return 0;
}

static int validation_option(struct cli_common *c, int id, const struct cli_arg *a);

/* A common option: 0, or the exit status to end with (-1: --help or
 * --version, done: exit 0). */
static int common_option(struct cli_common *c, const struct cli_tool *t, int id,
			 const struct cli_arg *a)
{
	const char *arg = a->s;

	if (id >= CLI_OPT_CONNECT_TIMEOUT && id <= CLI_OPT_RESOLVE)
		return network_option(c, id, a);
	switch (id) {
	case CLI_OPT_HELP:
		cli_help(t, stdout);
		return -1;
	case CLI_OPT_VERSION:
		printf("%s (%s) %s\n", t->name, PACKAGE_NAME, PACKAGE_VERSION);
		return -1;
	case CLI_OPT_FORMAT: return set_format(c, t, arg);
	case CLI_OPT_JSON: c->format = ck_emitter_find("json"); break;
	case CLI_OPT_XML: c->format = ck_emitter_find("xml"); break;
	case CLI_OPT_QUIET: c->quiet = true; break;
	case CLI_OPT_VERBOSE: c->verbose = true; break;
	case CLI_OPT_COLOR: set_color(c, a->index); break;
	case CLI_OPT_PASSWORD_FILE: c->password_file = arg; break;
	case CLI_OPT_PASSWORD_ENV: c->password_env = arg; break;
	case CLI_OPT_PASSWORD: c->password_arg = arg; break;
	case CLI_OPT_KEY_PASSWORD_FILE: c->key_password_file = arg; break;
	case CLI_OPT_KEY_PASSWORD_ENV: c->key_password_env = arg; break;
	case CLI_OPT_KDF_BUDGET: c->kdf_budget = a->n; break;
	case CLI_OPT_CA_FILE: return push_arg(&c->ca_files, &c->nca_files, arg);
	case CLI_OPT_CA_DIR: return push_arg(&c->ca_dirs, &c->nca_dirs, arg);
	case CLI_OPT_NO_SYSTEM_TRUST: c->no_system_trust = true; break;
	case CLI_OPT_AT: c->at = a->time; break;
	case CLI_OPT_MAX_SIZE: c->max_size = a->size; break;
	default: return validation_option(c, id, a);
	}
	return 0;
}

/* A dotted OID: digits separated by single dots, at least two arcs. */
static bool is_dotted_oid(const char *s)
{
	size_t arcs = 0;
	while (*s) {
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		arcs++;
		if (*s == '.' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return arcs >= 2;
}

static int validation_option(struct cli_common *c, int id, const struct cli_arg *a)
{
	const char *arg = a->s;
	int status = 0;

	switch (id) {
	case CLI_OPT_PROFILE:
		if (!ck_profile_parse(arg, &c->validate.profile))
			return cli_usage("--profile takes modern, rfc5280 or webpki, not '%s'", arg);
		break;
	case CLI_OPT_POLICY:
		if (!strcmp(arg, "anyPolicy"))
			arg = "2.5.29.32.0";
		if (!is_dotted_oid(arg))
			return cli_usage("--policy takes a dotted OID (2.23.140.1.2.1) or anyPolicy, not '%s'",
					 arg);
		status = push_arg(&c->policies, &c->npolicies, arg);
		c->validate.policies = c->policies;
		c->validate.npolicies = c->npolicies;
		break;
	case CLI_OPT_EXPLICIT_POLICY: c->validate.explicit_policy = true; break;
	case CLI_OPT_INHIBIT_MAPPING: c->validate.inhibit_mapping = true; break;
	case CLI_OPT_INHIBIT_ANY: c->validate.inhibit_any = true; break;
	case CLI_OPT_MAX_DEPTH:
		c->validate.depth_limited = true;
		c->validate.max_intermediates = (unsigned)a->n;
		break;
	case CLI_OPT_CRL_FILE:
		status = push_arg(&c->crl_files, &c->ncrl_files, arg);
		break;
	case CLI_OPT_REVOCATION:
		if (!ck_revocation_mode_parse(arg, &c->validate.revocation))
			return cli_usage("--revocation takes off, crl, ocsp or all, not '%s'", arg);
		/* asking for a mode goes online; --crl-file alone does not */
		c->online = c->validate.revocation != CK_REVOCATION_OFF;
		break;
	case CLI_OPT_REQUIRE_REVOCATION: c->validate.require_revocation = true; break;
	default:
		break;
	}
	return status;
}

/* getopt_long's table and short options for the option tables, in
 * order: option k of the tables is val 1000 + k.  NULL when out of
 * memory. */
static struct option *getopt_table(const struct cli_option *const *tables, size_t nt, char *shorts,
				   size_t size)
{
	size_t count = 0, k = 0, sn = 1;
	struct option *lo;

	for (size_t i = 0; i < nt; i++)
		for (const struct cli_option *o = tables[i]; o && o->name; o++)
			count++;
	lo = calloc(count + 1, sizeof *lo);
	if (!lo)
		return NULL;
	shorts[0] = ':';
	for (size_t i = 0; i < nt; i++) {
		for (const struct cli_option *o = tables[i]; o && o->name; o++, k++) {
			lo[k].name = o->name;
			lo[k].has_arg = o->arg ? required_argument : no_argument;
			lo[k].val = 1000 + (int)k;
			if (o->short_name && sn + 3 < size) {
				shorts[sn++] = (char)o->short_name;
				if (o->arg)
					shorts[sn++] = ':';
			}
		}
	}
	shorts[sn] = '\0';
	return lo;
}

/* The option getopt_long returned as `ch`; NULL after the usage error
 * in *status. */
static const struct cli_option *option_found(const struct cli_option *const *tables, size_t nt,
					     int ch, char **argv, int *status)
{
	size_t pos = 0;

	if (ch == '?') {
		const char *a = argv[optind - 1];
		/* a long option given a value it does not take (--explain=1):
		 * getopt_long sets optopt to the option's code, not a letter */
		if (optopt >= 1000)
			*status = cli_usage("option '%.*s' takes no argument", (int)strcspn(a, "="), a);
		else
			*status = optopt ? cli_usage("invalid option -- '%c'", optopt) :
					   cli_usage("unrecognized option '%s'", a);
		return NULL;
	}
	if (ch == ':') {
		*status = optopt && optopt < 1000 ?
				  cli_usage("option requires an argument -- '%c'", optopt) :
				  cli_usage("option '%s' requires an argument", argv[optind - 1]);
		return NULL;
	}
	for (size_t i = 0; i < nt; i++)
		for (const struct cli_option *o = tables[i]; o && o->name; o++, pos++)
			if ((ch >= 1000 && (int)pos == ch - 1000) || (ch < 1000 && o->short_name == ch))
				return o;
	*status = cli_usage("unrecognized option");
	return NULL;
}

/* What the options say together, once all are read: 0, or the exit
 * status after a message. */
static int options_done(struct cli_common *c)
{
	const char *v = getenv("CHAINKIT_THREADS");
	unsigned long n;

	if (c->quiet && c->verbose)
		return cli_usage("--quiet and --verbose cannot be used together");
	/* CHAINKIT_THREADS: how many threads decode certificates and
	 * verify signatures (the results do not depend on it).  Unset or
	 * empty: one per online processor. */
	if (v && *v) {
		if (!cli_parse_uint(v, 1, 64, &n))
			return cli_usage("CHAINKIT_THREADS takes a number from 1 to 64, not '%s'", v);
		c->threads = (unsigned)n;
	}
	if (c->ncrl_files && c->validate.revocation == CK_REVOCATION_OFF)
		c->validate.revocation = CK_REVOCATION_CRL; /* giving CRLs asks for them to be used */
	if (c->validate.require_revocation && c->validate.revocation == CK_REVOCATION_OFF)
		return cli_usage("--require-revocation needs --revocation crl, ocsp, all or --crl-file");
	return resolve_password(c);
}

bool cli_parse(const struct cli_tool *t, int argc, char **argv, struct cli_common *c,
	       cli_tool_opt tool_opt, void *ctx, int *first, int *status)
{
	const struct cli_option *tables[10];
	size_t nt = tables_for(t, tables);
	struct option *lo;
	char shorts[128];
	int ch, idx;

	cli_progname = t->name;
	memset(c, 0, sizeof *c);
	c->format = ck_emitter_find("text");
	lo = getopt_table(tables, nt, shorts, sizeof shorts);
	set_nagios(t, lo && nagios_asked(t, lo, argc, argv));
	/* Passwords and private keys will be in memory: no core dump of
	 * them, and no other process of the user may read this one's
	 * memory (ptrace, /proc/PID/mem, environ).  Before anything is
	 * read; kept to the end (cheap: it only turns off core dumps and
	 * debuggers attaching to a running tool). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* documents can be megabytes: write them in large blocks */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	set_color(c, 0);
	*status = 0;
	if (!lo) {
		cli_msg(NULL, "out of memory");
		*status = CLI_EXIT_INTERNAL;
		return false;
	}
	opterr = 0;
	while (!*status && (ch = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		const struct cli_option *o = option_found(tables, nt, ch, argv, status);
		struct cli_arg a;

		if (!o || (*status = parse_arg(o, optarg, &a)))
			break;
		if (o->id >= CLI_OPT_CONNECT_TIMEOUT && o->id <= CLI_OPT_RESOLVE)
			network_given(c, o);
		*status = o->id >= CLI_TOOL_OPTION ? tool_opt(o->id, &a, ctx) : common_option(c, t, o->id, &a);
	}
	free(lo);
	if (*status < 0) { /* --help, --version */
		*status = 0;
		return false;
	}
	if (!*status) {
		set_nagios(t, c->format->plugin);
		*status = options_done(c);
	}
	*first = optind;
	return !*status;
}

/* ---------------------------------------------------------------- */
/* output */

struct cli_output {
	struct ck_emitter *e;
};

/* The terminal's width when `fd` is one: $COLUMNS (as curl and git take
 * it), else what the terminal says, else 80; never under 40 (hanging
 * indents need room).  80 when not a terminal. */
static unsigned terminal_width(int fd)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	char *end;
	unsigned long n;

	if (!isatty(fd))
		return 80;
	if (env && *env) {
		errno = 0;
		n = strtoul(env, &end, 10);
		if (!errno && !*end && n >= 40 && n <= 1000)
			return (unsigned)n;
	}
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

struct ck_text_opts cli_text_opts(const struct cli_common *c)
{
	struct ck_text_opts o = { .color = c->color, .verbose = c->verbose, .quiet = c->quiet,
				  .explain = c->explain, .width = terminal_width(STDOUT_FILENO),
				  .tty = isatty(STDOUT_FILENO) == 1 };
	return o;
}

const struct ck_emitter_ops *cli_format_ops(const struct cli_common *c)
{
	return c->format;
}

struct cli_output *cli_output_begin(struct cli_common *c, const struct ck_emit_view *view, bool many)
{
	struct cli_output *o = calloc(1, sizeof *o);
	struct ck_text_opts to = cli_text_opts(c);

	if (!o)
		return NULL;
	to.many = many;
	o->e = ck_emitter_new(cli_format_ops(c), view, stdout, &to);
	if (!o->e) {
		free(o);
		return NULL;
	}
	return o;
}

bool cli_output_error_docs(const struct cli_output *o)
{
	return o && o->e->ops->error_docs;
}

void cli_output_doc(struct cli_output *o, const json_t *doc, const struct ck_emit_extra *x)
{
	if (o)
		ck_emit_doc(o->e, doc, x);
}

struct bundle {
	const struct ck_bundle *b;
	const struct ck_analysis *a;
};

static int bundle_json(FILE *out, void *ctx)
{
	struct bundle *d = ctx;
	return ck_report_bundle_json(out, d->b, d->a);
}

static int bundle_xml(struct ck_xml *x, void *ctx)
{
	struct bundle *d = ctx;
	return ck_report_bundle_xml(x, d->b, d->a);
}

static int bundle_text(FILE *out, const struct ck_text_opts *to, void *ctx)
{
	struct bundle *d = ctx;
	return ck_report_bundle_text(out, d->b, d->a, to);
}

void cli_output_bundle(struct cli_output *o, const struct ck_bundle *b, const struct ck_analysis *a)
{
	struct bundle d = { b, a };
	struct ck_emit_item it = { bundle_json, bundle_xml, bundle_text, &d };
	cli_output_item(o, &it);
}

void cli_output_item(struct cli_output *o, const struct ck_emit_item *it)
{
	if (o)
		ck_emit_item(o->e, it);
}

int cli_output_end(struct cli_output *o, const json_t *end, const struct ck_emit_extra *x,
		   int *nagios_status)
{
	bool gathered, ok;

	if (!o)
		return CLI_EXIT_INTERNAL;
	gathered = !ck_emitter_failed(o->e);
	ok = ck_emit_end(o->e, end, x);
	if (nagios_status && o->e->ops->plugin) {
		if (!gathered) {
			cli_msg(NULL, "out of memory");
			*nagios_status = cli_nagios_unknown();
		} else {
			/* a write error: cli_finish() says why */
			*nagios_status = ok ? (int)o->e->nagios : CLI_EXIT_NAGIOS_UNKNOWN;
		}
		ok = true;
	}
	ck_emitter_free(o->e);
	free(o);
	return ok ? 0 : CLI_EXIT_INTERNAL;
}

void cli_output_abort(struct cli_output *o)
{
	if (!o)
		return;
	ck_emitter_free(o->e);
	free(o);
}

bool cli_output_failed(const struct cli_output *o)
{
	return !o || ck_emitter_failed(o->e);
}
