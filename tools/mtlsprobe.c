/* mtlsprobe — run a mutual-TLS handshake with a client certificate and
 * explain what happened: which CAs the server accepts, which certificates
 * went out, and why the server closed the connection. */
#include "config.h"

#include "cli.h"
#include "libcore/net.h"
#include "libcore/starttls.h"
#include "libcore/tls.h"
#include "libcore/write.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_PFX = CLI_TOOL_OPTION,
	OPT_CERT,
	OPT_KEY,
	OPT_SEND,
	OPT_SNI,
	OPT_TLS12,
	OPT_TLS13,
	OPT_CONNECT_TIMEOUT,
	OPT_TIMEOUT,
	OPT_HTTP_GET,
	OPT_SAVE_CHAIN,
	OPT_ALPN,
	OPT_FORCE,
	OPT_STARTTLS,
	OPT_PROXY,
	OPT_NO_PROXY,
};

/* --send's values, in enum send_mode's order */
enum send_mode { SEND_AUTO, SEND_LEAF, SEND_CHAIN };
static const char *const send_names[] = { "auto", "leaf", "chain", NULL };

/* the timeouts' refusal says more than the seconds type's */
#define SECONDS_TAKES "a number of seconds from 0.001 to 3600"

static const struct cli_option options[] = {
	{ "pfx", 0, "FILE", "client certificate, key and chain from a PKCS#12/PFX file", OPT_PFX, CLI_ARG_PATH },
	{ "cert", 0, "FILE", "client certificate (and its chain) from FILE, in any format", OPT_CERT, CLI_ARG_PATH },
	{ "key", 0, "FILE", "private key of --cert, when that file does not hold it", OPT_KEY, CLI_ARG_PATH },
	{ "send", 0, "WHICH", "client certificates to send: auto (default: the file's), leaf, or chain (completed from --ca-file, without the root)", OPT_SEND,
	  CLI_ARG_ENUM, .names = send_names },
	{ "sni", 0, "NAME", "server name to send (default: the host, unless it is an IP address)", OPT_SNI },
	{ "tls1.2", 0, NULL, "use TLS 1.2 only", OPT_TLS12 },
	{ "tls1.3", 0, NULL, "use TLS 1.3 only", OPT_TLS13 },
	{ "connect-timeout", 0, "SECONDS", "give up the name lookup, then connecting, after SECONDS each (default 10)", OPT_CONNECT_TIMEOUT,
	  CLI_ARG_SECONDS, .takes = SECONDS_TAKES },
	{ "timeout", 0, "SECONDS", "give up the handshake, and each read after it, after SECONDS (default 30)", OPT_TIMEOUT,
	  CLI_ARG_SECONDS, .takes = SECONDS_TAKES },
	{ "http-get", 0, "PATH", "after the handshake, send GET PATH and show the status line", OPT_HTTP_GET },
	{ "alpn", 0, "LIST", "offer these ALPN protocols (comma-separated, e.g. h2,http/1.1)", OPT_ALPN },
	{ "save-chain", 0, "FILE", "write the server's certificates, as sent, to FILE in PEM", OPT_SAVE_CHAIN, CLI_ARG_PATH },
	{ "force", 0, NULL, "replace an existing --save-chain FILE", OPT_FORCE },
	{ "starttls", 0, "PROTO", "ask for TLS in smtp, imap, pop3, ldap or postgres first (PORT defaults to its usual one)", OPT_STARTTLS },
	{ "proxy", 0, "URL", "connect through this HTTP proxy (CONNECT)", OPT_PROXY },
	{ "no-proxy", 0, NULL, "connect directly, ignoring https_proxy, all_proxy and no_proxy", OPT_NO_PROXY },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "mtlsprobe",
	.synopsis = "[OPTION]... HOST[:PORT]",
	.summary = "Run a mutual-TLS handshake with a client certificate and explain what happened.",
	.description =
		"Connects to HOST (a name or an IP address; PORT defaults to 443, or with --starttls to\n"
		"the protocol's port), through a proxy if one is set, shows each phase with\n"
		"its timing, the server's certificates checked like chainview, the CAs the server accepts\n"
		"for client certificates, the certificates that were sent, and the outcome in words:\n"
		"the alert the server sent or how it closed the connection, why, and what to do.",
	.options = options,
	.common = CLI_WITH_ALL,
	.view = &ck_view_mtlsprobe,
};


struct opts {
	const char *pfx, *cert, *key, *sni, *http_path, *save_chain;
	bool force, no_proxy;
	const char *proxy; /* --proxy; after finish_options, the proxy used or NULL */
	enum ck_starttls starttls;
	char ehlo[256];    /* our name for SMTP */
	char **alpn; /* --alpn, NULL-terminated */
	enum send_mode send;
	enum ck_tls_version version;
	bool tls12, tls13;
	unsigned connect_timeout_ms, timeout_ms;
	/* from the operand */
	char *host, *port;
	char *http_host;
};

static bool printable_word(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* "h2,http/1.1" -> *out = {"h2", "http/1.1", NULL}; each name 1 to 255
 * printable bytes, 64 at most.  0, or the exit status after a message. */
static int split_alpn(const char *arg, char ***out)
{
	char **v = calloc(65, sizeof *v), *copy = strdup(arg), *save = NULL, *tok;
	size_t n = 0;
	int status = 0;

	if (!v || !copy) {
		cli_msg(NULL, "out of memory");
		status = CLI_EXIT_INTERNAL;
	} else if (!*arg || arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,")) {
		status = cli_usage("--alpn takes a comma-separated list of protocol names, not '%s'", arg);
	}
	for (tok = status ? NULL : strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == 64 || strlen(tok) > 255 || !printable_word(tok)) {
			status = cli_usage("--alpn takes up to 64 names of 1 to 255 characters without spaces, not '%s'",
					   arg);
			break;
		}
		v[n++] = tok;
	}
	if (status) {
		free(copy);
		free(v);
		return status;
	}
	*out = v;
	return 0;
}

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;

	switch (id) {
	case OPT_PFX: o->pfx = arg; break;
	case OPT_CERT: o->cert = arg; break;
	case OPT_KEY: o->key = arg; break;
	case OPT_SEND: o->send = (enum send_mode)a->index; break;
	case OPT_SNI:
		if (!*arg || !printable_word(arg))
			return cli_usage("--sni takes a host name, not '%s'", arg);
		o->sni = arg;
		break;
	case OPT_TLS12: o->tls12 = true; break;
	case OPT_TLS13: o->tls13 = true; break;
	case OPT_CONNECT_TIMEOUT: o->connect_timeout_ms = a->ms; break;
	case OPT_TIMEOUT: o->timeout_ms = a->ms; break;
	case OPT_SAVE_CHAIN:
		if (!*arg || !strcmp(arg, "-"))
			return cli_usage("--save-chain needs a file name (the report goes to standard output)");
		o->save_chain = arg;
		break;
	case OPT_FORCE: o->force = true; break;
	case OPT_STARTTLS:
		if (!ck_starttls_parse(arg, &o->starttls))
			return cli_usage("--starttls takes smtp, imap, pop3, ldap or postgres, not '%s'", arg);
		break;
	case OPT_PROXY:
		if (!*arg)
			return cli_usage("--proxy needs a URL");
		o->proxy = arg;
		break;
	case OPT_NO_PROXY: o->no_proxy = true; break;
	case OPT_ALPN:
		if (o->alpn)
			free(o->alpn[0]);
		free(o->alpn);
		o->alpn = NULL;
		return split_alpn(arg, &o->alpn);
	case OPT_HTTP_GET:
		if (arg[0] != '/' || !printable_word(arg))
			return cli_usage("--http-get takes a path that starts with '/' and has no spaces, not '%s'", arg);
		o->http_path = arg;
		break;
	}
	return 0;
}

static int out_of_memory(void)
{
	cli_msg(NULL, "out of memory");
	return CLI_EXIT_INTERNAL;
}

static bool is_ip(const char *host)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* HOST, HOST:PORT, [V6], [V6]:PORT, or a bare IPv6 address: 0, or the
 * exit status after a message. */
static int parse_target(const char *arg, struct opts *o)
{
	const char *colon, *port = o->starttls ? ck_starttls_port(o->starttls) : "443";
	unsigned long v;

	if (strstr(arg, "://"))
		return cli_usage("give HOST:PORT, not a URL: for https://HOST:PORT/PATH use HOST:PORT --http-get /PATH");
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');
		if (!close || (close[1] && close[1] != ':'))
			return cli_usage("'%s' is not HOST:PORT or [IPv6]:PORT", arg);
		o->host = strndup(arg + 1, (size_t)(close - arg - 1));
		if (close[1] == ':')
			port = close + 2;
	} else if ((colon = strchr(arg, ':')) && strchr(colon + 1, ':')) {
		o->host = strdup(arg); /* a bare IPv6 address */
	} else if (colon) {
		o->host = strndup(arg, (size_t)(colon - arg));
		port = colon + 1;
	} else {
		o->host = strdup(arg);
	}
	if (!o->host)
		return out_of_memory();
	if (!*o->host || !printable_word(o->host))
		return cli_usage("'%s' does not name a host", arg);
	if (!cli_parse_uint(port, 1, 65535, &v))
		return cli_usage("the port must be a number from 1 to 65535, not '%s'", port);
	if (asprintf(&o->port, "%lu", v) < 0)
		return out_of_memory();
	return 0;
}

/* The proxy, as curl picks it for an https:// URL: --proxy, else
 * https_proxy (or HTTPS_PROXY, then all_proxy/ALL_PROXY) unless no_proxy
 * names the host.  STARTTLS protocols are not HTTPS: only --proxy takes
 * them through a proxy. */
static int choose_proxy(struct opts *o)
{
	struct ck_net_opts n = { 0 };
	char *url = NULL;
	bool v6 = strchr(o->host, ':') != NULL;

	cli_net_env(&n, o->proxy, o->no_proxy);
	o->proxy = n.proxy;
	if (o->proxy || o->no_proxy || o->starttls || !n.https_proxy)
		return 0;
	if (asprintf(&url, "https://%s%s%s:%s/", v6 ? "[" : "", o->host, v6 ? "]" : "", o->port) < 0)
		return out_of_memory();
	if (!n.no_proxy || !ck_net_no_proxy(url, n.no_proxy))
		o->proxy = n.https_proxy;
	free(url);
	return 0;
}

/* The options and the operand together, in the order the usage errors
 * are reported. */
static int options_usage(const struct opts *o, int argc, char **argv, int first)
{
	if (first >= argc)
		return cli_usage("no server given (HOST[:PORT])");
	if (argc - first > 1)
		return cli_usage("one server at a time: '%s' is extra", argv[first + 1]);
	if (o->pfx && o->cert)
		return cli_usage("use --pfx or --cert, not both");
	if (o->key && !o->cert)
		return cli_usage("--key goes with --cert");
	if (o->alpn && o->http_path)
		return cli_usage("--http-get offers http/1.1 alone: use it without --alpn");
	if (o->force && !o->save_chain)
		return cli_usage("--force only applies to --save-chain");
	if (o->tls12 && o->tls13)
		return cli_usage("use --tls1.2 or --tls1.3, not both");
	if (o->proxy && o->no_proxy)
		return cli_usage("use only one of --proxy and --no-proxy");
	if (o->starttls && o->http_path)
		return cli_usage("--http-get speaks HTTPS: it does not go with --starttls");
	if (o->send != SEND_AUTO && !o->pfx && !o->cert)
		return cli_usage("--send needs a client certificate (--pfx or --cert)");
	return 0;
}

/* 0, or the exit status after a message. */
static int finish_options(struct opts *o, int argc, char **argv, int first)
{
	const char *name;
	bool v6;
	int status;

	if ((status = options_usage(o, argc, argv, first)) || (status = parse_target(argv[first], o)))
		return status;
	o->version = o->tls12 ? CK_TLS_V12 : o->tls13 ? CK_TLS_V13 : CK_TLS_ANY;
	if (o->sni && is_ip(o->sni))
		return cli_usage("--sni takes a host name; a server name cannot be an IP address");
	if (!o->sni && !is_ip(o->host))
		o->sni = o->host;
	if (!o->connect_timeout_ms)
		o->connect_timeout_ms = CK_TLS_CONNECT_TIMEOUT_DEFAULT_MS;
	if (!o->timeout_ms)
		o->timeout_ms = CK_TLS_TIMEOUT_DEFAULT_MS;
	if ((status = choose_proxy(o)))
		return status;
	if (gethostname(o->ehlo, sizeof o->ehlo - 1) < 0 || !strchr(o->ehlo, '.'))
		snprintf(o->ehlo, sizeof o->ehlo, "localhost");
	name = o->sni ? o->sni : o->host;
	v6 = strchr(name, ':') != NULL;
	if (asprintf(&o->http_host, "%s%s%s%s%s", v6 ? "[" : "", name, v6 ? "]" : "",
		     strcmp(o->port, "443") ? ":" : "", strcmp(o->port, "443") ? o->port : "") < 0)
		return out_of_memory();
	return 0;
}

/* ---------------------------------------------------------------- */
/* the client side */

struct client {
	struct ck_bundle *bundle;
	struct ck_analysis *an;
	const struct ck_key *key;
	const struct ck_cert **chain; /* the primary chain, leaf first */
	long *index;                  /* chain position -> output index */
	const char **from;            /* chain position -> the file it came from */
	const char **from_kind;       /* NULL (the credential), or the store's kind */
	size_t len, available, completable, nsend;
};

static void client_free(struct client *cl)
{
	ck_analysis_free(cl->an);
	ck_bundle_free(cl->bundle);
	free(cl->chain);
	free(cl->index);
	free(cl->from);
	free(cl->from_kind);
}

/* Load --pfx, or --cert (+ --key).  Returns an exit status. */
static int load_credential(struct cli_common *c, const struct opts *o, struct client *cl)
{
	struct ck_load_opts lo = cli_load_opts(c);
	const char *path = o->pfx ? o->pfx : o->cert;
	struct ck_bundle *k = NULL;
	struct ck_error err;
	int status = 0;

	ck_error_clear(&err);
	if (!path)
		return 0;
	if (ck_bundle_load_file(path, &lo, &cl->bundle, &err))
		return cli_error(&err);
	if (o->key) {
		if (ck_bundle_load_file(o->key, &lo, &k, &err))
			return cli_error(&err);
		if (!k->nkeys) {
			cli_msg(o->key, "holds no private key");
			status = CLI_EXIT_INPUT;
		} else if (ck_bundle_merge(cl->bundle, k)) {
			cli_msg(NULL, "out of memory");
			status = CLI_EXIT_INTERNAL;
		}
		ck_bundle_free(k);
		if (status)
			return status;
	}
	if (!cl->bundle->ncerts) {
		cli_msg(path, "holds no certificate");
		return CLI_EXIT_INPUT;
	}
	if (!cl->bundle->nkeys) {
		cli_msg(path, "holds no private key%s", o->cert ? "; give it with --key" : "");
		return CLI_EXIT_INPUT;
	}
	return 0;
}

/* Analyse the credential like chainview, find the leaf the key belongs
 * to, and decide what --send sends.  Returns an exit status. */
/* The kind of the trust store named `name` ("file" for --ca-file,
 * "directory" for --ca-dir, "system", ...). */
static const char *store_kind(const struct ck_trust *trust, const char *name)
{
	for (size_t i = 0; name && i < trust->nstores; i++)
		if (!strcmp(trust->stores[i]->name, name))
			return trust->stores[i]->kind;
	return "store";
}

static int prepare_client(const struct cli_common *c, const struct opts *o,
			  const struct ck_trust *trust, struct client *cl)
{
	struct ck_analyze_opts ao = { .chain = { .at = c->at, .purpose = CK_OID_EKU_CLIENT } };
	const char *path = o->pfx ? o->pfx : o->cert;
	const struct ck_chain *ch;
	struct ck_error err;

	ck_error_clear(&err);
	if (ck_analyze(cl->bundle, trust, &ao, &cl->an, &err)) {
		ck_error_set_file(&err, path);
		return cli_error(&err);
	}
	ch = cl->an->nchains ? cl->an->chains[0] : NULL;
	for (size_t k = 0; ch && k < cl->bundle->nkeys && !cl->key; k++)
		if (!memcmp(cl->bundle->keys[k]->spki_sha256,
			    ck_pool_get(cl->an->pool, ch->path[0])->cert->spki_sha256, 32))
			cl->key = cl->bundle->keys[k];
	if (!cl->key) {
		cli_msg(path, "the private key matches none of the certificates");
		return CLI_EXIT_INPUT;
	}
	cl->chain = calloc(ch->len, sizeof *cl->chain);
	cl->index = calloc(ch->len, sizeof *cl->index);
	cl->from = calloc(ch->len, sizeof *cl->from);
	cl->from_kind = calloc(ch->len, sizeof *cl->from_kind);
	if (!cl->chain || !cl->index || !cl->from || !cl->from_kind) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	cl->len = ch->len;
	for (size_t k = 0; k < ch->len; k++) {
		const struct ck_pool_entry *e = ck_pool_get(cl->an->pool, ch->path[k]);
		cl->chain[k] = e->cert;
		cl->index[k] = ck_analysis_index(cl->an, ch->path[k]);
		cl->from[k] = e->source == CK_SRC_INPUT ? path : e->origin;
		cl->from_kind[k] = e->source == CK_SRC_INPUT ? NULL : store_kind(trust, e->origin);
		if (e->source == CK_SRC_INPUT && cl->available == k)
			cl->available++;
	}
	/* auto: what the file has (what OpenSSL and curl send); chain: the
	 * path as built, completed from --ca-file/--ca-dir and the other
	 * stores where the file stops, without a self-signed root. */
	cl->completable = ch->len > 1 && ch->self_signed_top ? ch->len - 1 : ch->len;
	cl->nsend = o->send == SEND_LEAF ? 1 : o->send == SEND_CHAIN ? cl->completable : cl->available;
	return 0;
}

/* ---------------------------------------------------------------- */
/* the server's certificates */

struct server {
	struct ck_bundle *bundle;
	struct ck_analysis *an;
	int valid; /* 1, 0, -1 not seen */
	const char *problem;
};

static int check_server(const struct cli_common *c, const struct opts *o, const struct ck_tls_result *r,
			const struct ck_trust *trust, struct server *sv)
{
	struct ck_analyze_opts ao = { .chain = { .at = c->at, .purpose = CK_OID_EKU_SERVER,
						 .hostname = o->sni ? o->sni : o->host } };
	struct ck_error err;
	const struct ck_chain *ch;

	sv->valid = -1;
	if (!r->npeer)
		return 0;
	ck_error_clear(&err);
	sv->bundle = calloc(1, sizeof *sv->bundle);
	if (!sv->bundle || asprintf(&sv->bundle->name, "%s:%s", o->host, o->port) < 0) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	sv->bundle->format = CK_FMT_DER; /* the TLS Certificate message carries DER */
	for (size_t i = 0; i < r->npeer; i++) {
		struct ck_cert *dup = NULL;
		if (ck_cert_dup(r->peer[i], &dup) || ck_bundle_add_cert(sv->bundle, dup)) {
			ck_cert_free(dup);
			cli_msg(NULL, "out of memory");
			return CLI_EXIT_INTERNAL;
		}
	}
	if (ck_analyze(sv->bundle, trust, &ao, &sv->an, &err))
		return cli_error(&err);
	ch = sv->an->nchains ? sv->an->chains[0] : NULL;
	sv->valid = ch && ch->valid && !sv->an->errors;
	for (size_t i = 0; i < sv->an->nfindings && !sv->problem; i++)
		if (sv->an->findings[i].severity == CK_SEV_ERROR)
			sv->problem = sv->an->findings[i].message;
	return 0;
}

/* ---------------------------------------------------------------- */
/* --save-chain */

/* Write the server's certificates, as it sent them, in PEM (what
 * `openssl s_client -showcerts` shows) into `so`, opened before the
 * probe so that a file that may not be replaced fails first.  Nothing
 * is left behind when the server sent none.  Returns an exit status;
 * *saved is how many certificates went into the file. */
static int save_chain(const struct opts *o, const struct ck_tls_result *r, struct ck_out **so,
		      size_t *saved)
{
	unsigned char *pem = NULL;
	size_t len = 0;
	struct ck_error err;
	int status = 0;

	ck_error_clear(&err);
	if (!*so)
		return 0;
	if (!r->npeer) {
		ck_out_abort(*so);
		*so = NULL;
		cli_msg(o->save_chain, "not written: the server sent no certificate");
		return 0;
	}
	if (ck_encode_certs((const struct ck_cert *const *)r->peer, r->npeer, CK_ENC_PEM, &pem, &len, &err))
		status = cli_error(&err);
	else if (fwrite(pem, 1, len, ck_out_file(*so)) != len)
		status = CLI_EXIT_INTERNAL;
	free(pem);
	if (status) {
		ck_out_abort(*so);
		*so = NULL;
		if (status == CLI_EXIT_INTERNAL)
			cli_msg(o->save_chain, "cannot write");
		return status;
	}
	status = ck_out_commit(*so, &err) ? cli_write_error(&err) : 0;
	*so = NULL;
	if (!status)
		*saved = r->npeer;
	return status;
}

/* ---------------------------------------------------------------- */

struct run {
	struct ck_tls_opts to;
	struct ck_tls_result *result;
	struct ck_tls_match *matches;
	struct ck_tls_verdict verdict;
	size_t saved; /* certificates written by --save-chain */
};

static int probe(const struct opts *o, const struct client *cl, struct run *run)
{
	struct ck_error err;
	ck_error_clear(&err);
	run->to.host = o->host;
	run->to.port = o->port;
	run->to.sni = o->sni;
	run->to.connect_timeout_ms = o->connect_timeout_ms;
	run->to.timeout_ms = o->timeout_ms;
	run->to.version = o->version;
	run->to.http_path = o->http_path;
	run->to.http_host = o->http_host;
	run->to.alpn = (const char *const *)o->alpn;
	run->to.proxy = o->proxy;
	run->to.starttls = o->starttls;
	run->to.starttls_name = o->ehlo;
	if (cl->bundle) {
		run->to.send = cl->chain;
		run->to.nsend = cl->nsend;
		run->to.key = cl->key;
	}
	if (ck_tls_probe(&run->to, &run->result, &err))
		return cli_error(&err);
	return 0;
}

static int explain(const struct opts *o, const struct client *cl, const struct server *sv, struct run *run)
{
	const struct ck_tls_result *r = run->result;
	struct ck_tls_context ctx = {
		.chain = cl->chain, .len = cl->len, .available = cl->available,
		.completable = cl->completable,
		.complete = cl->an && cl->an->nchains && cl->an->chains[0]->self_signed_top,
		.credential = o->pfx ? o->pfx : o->cert, .send_mode = send_names[o->send],
		.server_valid = sv->valid, .server_problem = sv->problem,
		.timeout_ms = o->timeout_ms, .connect_timeout_ms = o->connect_timeout_ms,
		.host = o->host, .port = o->port, .sni = o->sni, .http_path = o->http_path,
		.starttls = o->starttls,
	};

	run->matches = calloc(r->nrequests ? r->nrequests : 1, sizeof *run->matches);
	if (!run->matches)
		goto nomem;
	for (size_t k = 0; k < r->nrequests; k++)
		if (ck_tls_match_ca(&r->requests[k], cl->chain, cl->len, &run->matches[k]))
			goto nomem;
	if (ck_tls_explain(r, r->nrequests ? &run->matches[r->nrequests - 1] : NULL, &ctx, &run->verdict))
		goto nomem;
	return 0;
nomem:
	cli_msg(NULL, "out of memory");
	return CLI_EXIT_INTERNAL;
}

static int output(struct cli_common *c, const struct opts *o, const struct client *cl,
		  const struct server *sv, const struct run *run)
{
	struct ck_report_tls_in in = {
		.opts = &run->to, .send_mode = send_names[o->send],
		.at = cl->an ? cl->an->at : sv->an ? sv->an->at : c->at ? c->at : time(NULL),
		.connect_timeout_ms = o->connect_timeout_ms, .timeout_ms = o->timeout_ms,
		.result = run->result, .matches = run->matches,
		.chain_index = cl->index, .chain_len = cl->len,
		.chain_from = cl->from, .chain_from_kind = cl->from_kind,
		.client = cl->bundle, .client_analysis = cl->an,
		.server = sv->bundle, .server_analysis = sv->an,
		.verdict = &run->verdict,
		.saved_chain = run->saved ? o->save_chain : NULL, .saved_certs = run->saved,
	};
	json_t *doc = ck_report_tls(&in);
	struct cli_output *out;
	bool ok;

	if (!doc) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	out = cli_output_begin(c, &ck_view_mtlsprobe, false);
	cli_output_doc(out, doc, NULL);
	ok = cli_output_end(out, NULL, NULL, NULL) == 0;
	json_decref(doc);
	if (!ok)
		return CLI_EXIT_INTERNAL;
	return run->verdict.success ? CLI_EXIT_OK : CLI_EXIT_PROBLEMS;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct client cl = { 0 };
	struct server sv = { .valid = -1 };
	struct run run = { 0 };
	struct ck_trust *trust = NULL;
	struct ck_out *so = NULL;
	struct ck_error err;
	int first, status = 0;

	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status) ||
	    (status = finish_options(&o, argc, argv, first)))
		goto out;
	ck_error_clear(&err);
	if (o.save_chain) {
		struct ck_write_opts wo = cli_write_opts(o.force, false);
		if (ck_out_open(o.save_chain, &wo, &so, &err)) {
			status = cli_write_error(&err);
			goto out;
		}
	}
	trust = cli_load_trust(&c, &status);
	if (trust)
		status = load_credential(&c, &o, &cl);
	if (trust && !status && cl.bundle)
		status = prepare_client(&c, &o, trust, &cl);
	if (trust && !status)
		status = probe(&o, &cl, &run);
	if (trust && !status)
		status = check_server(&c, &o, run.result, trust, &sv);
	if (trust && !status)
		status = save_chain(&o, run.result, &so, &run.saved);
	if (trust && !status)
		status = explain(&o, &cl, &sv, &run);
	if (trust && !status)
		status = output(&c, &o, &cl, &sv, &run);
	for (size_t k = 0; run.matches && run.result && k < run.result->nrequests; k++)
		ck_tls_match_cleanup(&run.matches[k]);
	free(run.matches);
	ck_tls_verdict_cleanup(&run.verdict);
	ck_tls_result_free(run.result);
	ck_analysis_free(sv.an);
	ck_bundle_free(sv.bundle);
	client_free(&cl);
	ck_trust_free(trust);
out:
	ck_out_abort(so);
	free(o.host);
	free(o.port);
	free(o.http_host);
	if (o.alpn)
		free(o.alpn[0]); /* the copy the names point into */
	free(o.alpn);
	return cli_finish(&c, status);
}
