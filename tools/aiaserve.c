/* aiaserve — serve a PKI's CA certificates and CRLs over HTTP, with
 * faults on chosen paths, to reproduce what clients do when an AIA or
 * CRL URL misbehaves.
 *
 * libmicrohttpd does the HTTP, one thread per connection: a fault that
 * waits (hang, delay, slow) blocks only its own connection's thread,
 * and every wait also watches the stop pipe, so SIGINT or SIGTERM ends
 * them all at once.  Two faults act before HTTP and get a listening
 * port of their own (--print-urls gives their URLs): drop (a listener
 * whose accept queue is kept full, so SYNs go unanswered) and refuse
 * (a port bound and never listened on, so a SYN gets a reset). */
#include "config.h"

#include "cli.h"
#include "libcore/ocspserve.h"
#include "libcore/pkiserve.h"
#include "libcore/report.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT;
#else
typedef enum MHD_Result MHD_RESULT;
#endif

/* What huge sends: 4 GiB, chunked (no Content-Length to refuse early). */
#define HUGE_BYTES (4ull << 30)
#define BLOCK 32768
/* An OCSP request POSTed over this is refused (413). */
#define OCSP_MAX_REQUEST 65536
/* OCSP answers: nextUpdate this long after thisUpdate */
#define OCSP_VALIDITY 86400

enum {
	OPT_LISTEN = CLI_TOOL_OPTION,
	OPT_FAULT,
	OPT_PRINT_URLS,
	OPT_LOG,
	OPT_READY_FILE,
	OPT_CA_KEY,
	OPT_OCSP_PATH,
	OPT_RESPONDER,
	OPT_RESPONDER_KEY,
	OPT_INDEX,
};

static const struct cli_option options[] = {
	{ "listen", 0, "ADDR:PORT", "listen there (default 127.0.0.1:0; port 0 picks one)", OPT_LISTEN },
	{ "fault", 0, "PATH=MODE", "misbehave at PATH or http://ADDR:PORT/PATH (repeatable)", OPT_FAULT },
	{ "print-urls", 0, NULL, "print every URL served, once listening", OPT_PRINT_URLS },
	{ "log", 0, "FILE", "append one JSON line per request to FILE ('-': stdout)", OPT_LOG, CLI_ARG_PATH },
	{ "ready-file", 0, "FILE", "write the base URL to FILE once listening", OPT_READY_FILE, CLI_ARG_PATH },
	{ "ca-key", 0, "FILE", "a CA's key: its CRLs re-signed, OCSP answered (repeatable)", OPT_CA_KEY, CLI_ARG_PATH },
	{ "ocsp-path", 0, "PATH", "answer OCSP at PATH (default /ocsp)", OPT_OCSP_PATH },
	{ "responder", 0, "FILE", "sign OCSP answers as this delegated responder", OPT_RESPONDER, CLI_ARG_PATH },
	{ "responder-key", 0, "FILE", "the key of --responder", OPT_RESPONDER_KEY, CLI_ARG_PATH },
	{ "index", 0, "PATH=FILE", "OpenSSL index.txt of the CA served at PATH", OPT_INDEX },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "aiaserve",
	.synopsis = "[OPTION]... DIR|FILE...",
	.summary = "Serve the certificates, CRLs and OCSP of DIR or FILE over HTTP, with faults.",
	.description =
		"A file with one certificate gives /NAME.crt (DER) and /NAME.p7c (PKCS#7);\n"
		"a CRL gives /NAME.crl; NAME is the file's name without its extension (the\n"
		"commonName when a file holds several).  Once listening, the base URL (or with\n"
		"--print-urls every URL) is printed; SIGINT or SIGTERM stops the server.\n"
		"Fault modes: drop (a port whose SYNs go unanswered), refuse (a port that\n"
		"resets), hang, slow=BYTES-PER-SECOND, delay=SECONDS, status=CODE,\n"
		"redirect=N (a loop of N), huge (4 GiB), garbage, wrong-cert, stale (a CRL\n"
		"or OCSP answer past its nextUpdate: needs --ca-key), revoked (OCSP: every\n"
		"certificate revoked).  With --ca-key, a CRL is re-signed for each request:\n"
		"thisUpdate now, nextUpdate in 24 hours.  OCSP (GET PATH/BASE64, POST PATH)\n"
		"is answered for each CA served whose key (--ca-key) or delegated responder\n"
		"(--responder) is given: revoked when its CRL or --index lists the serial,\n"
		"else good; unknown for another issuer.",
	.options = options,
	.common = CLI_WITH_OUTPUT | CLI_WITH_PASSWORD | CLI_WITH_INPUT,
	.view = &ck_view_aiaserve,
};

enum fault_mode {
	F_NONE,
	F_DROP,
	F_REFUSE,
	F_HANG,
	F_SLOW,
	F_DELAY,
	F_STATUS,
	F_REDIRECT,
	F_HUGE,
	F_GARBAGE,
	F_WRONG_CERT,
	F_STALE,
	F_REVOKED,
};

static const struct {
	const char *name;
	enum fault_mode mode;
	bool arg;
} fault_modes[] = {
	{ "drop", F_DROP, false },     { "refuse", F_REFUSE, false },
	{ "hang", F_HANG, false },     { "slow", F_SLOW, true },
	{ "delay", F_DELAY, true },    { "status", F_STATUS, true },
	{ "redirect", F_REDIRECT, true }, { "huge", F_HUGE, false },
	{ "garbage", F_GARBAGE, false }, { "wrong-cert", F_WRONG_CERT, false },
	{ "stale", F_STALE, false },   { "revoked", F_REVOKED, false },
};

struct fault {
	char *path;
	char *authority;       /* "127.0.0.1:18080" of a URL given; NULL: a path */
	const char *text;      /* "delay=2", as given (points into argv) */
	enum fault_mode mode;
	unsigned long value;   /* bytes/s, ms, status code, redirects */
};

struct opts {
	const char *listen;
	struct fault *faults;
	size_t nfaults;
	bool print_urls;
	const char *log;
	const char *ready_file;
	const char **ca_keys;
	size_t nca_keys;
	const char *ocsp_path;
	const char *responder, *responder_key;
	struct index_opt {
		char *path;
		const char *file;
	} *indexes;
	size_t nindexes;
};

/* MODE[=VALUE] of a fault into f: 0, or the exit status after a usage
 * error.  `arg` is the whole option, for the messages. */
static int fault_mode(struct fault *f, const char *mode, const char *arg)
{
	const char *val = strchr(mode, '=');
	size_t mlen = val ? (size_t)(val - mode) : strlen(mode);
	unsigned ms;
	size_t sz;

	f->mode = F_NONE;
	for (size_t i = 0; i < sizeof fault_modes / sizeof *fault_modes; i++) {
		if (strlen(fault_modes[i].name) != mlen || strncmp(fault_modes[i].name, mode, mlen))
			continue;
		if (fault_modes[i].arg != !!val)
			return cli_usage("--fault: %s %s", fault_modes[i].name,
					 val ? "takes no value" : "needs a value (MODE=VALUE)");
		f->mode = fault_modes[i].mode;
	}
	if (f->mode == F_NONE)
		return cli_usage("--fault: unknown mode in '%s' (drop, refuse, hang, slow=RATE, delay=SECONDS, "
				 "status=CODE, redirect=N, huge, garbage, wrong-cert, stale, revoked)", arg);
	if (val)
		val++;
	switch (f->mode) {
	case F_SLOW:
		if (!cli_parse_size(val, &sz) || sz < 1 || sz > (1u << 30))
			return cli_usage("--fault: slow takes bytes per second (1 to 1G, K/M/G allowed), not '%s'",
					 val);
		f->value = sz;
		break;
	case F_DELAY:
		if (!cli_parse_seconds(val, &ms))
			return cli_usage("--fault: delay takes seconds from 0.001 to 3600, not '%s'", val);
		f->value = ms;
		break;
	case F_STATUS:
		if (!cli_parse_uint(val, 200, 599, &f->value))
			return cli_usage("--fault: status takes an HTTP status from 200 to 599, not '%s'", val);
		break;
	case F_REDIRECT:
		if (!cli_parse_uint(val, 1, 1000, &f->value))
			return cli_usage("--fault: redirect takes a number of redirects from 1 to 1000, not '%s'",
					 val);
		break;
	default:
		break;
	}
	return 0;
}

/* --fault: 0, or the exit status after a message. */
static int parse_fault(struct opts *o, const char *arg)
{
	const char *eq, *path = arg;
	struct fault f = { 0 }, *grown = NULL;
	int status = 0;

	/* http://ADDR:PORT/PATH: this server's URL of PATH (checked once
	 * the address is known) */
	if (!strncmp(arg, "http://", 7)) {
		const char *slash = strchr(arg + 7, '/');
		if (!slash || slash == arg + 7)
			return cli_usage("--fault takes http://ADDR:PORT/PATH=MODE, not '%s'", arg);
		f.authority = strndup(arg + 7, (size_t)(slash - arg - 7));
		path = slash;
	} else if (strstr(arg, "://") && strstr(arg, "://") < strchr(arg, '=')) {
		return cli_usage("--fault: aiaserve serves http:// URLs only, not '%s'", arg);
	}
	eq = strchr(path, '=');
	if (!eq || path[0] != '/')
		status = cli_usage("--fault takes PATH=MODE with PATH starting with '/' (or "
				   "http://ADDR:PORT/PATH=MODE), not '%s'", arg);
	else if (memchr(path, '?', (size_t)(eq - path)))
		status = cli_usage("--fault: a fault is per path, without a query: '%s'", arg);
	else if (!(status = fault_mode(&f, eq + 1, arg)))
		f.path = strndup(path, (size_t)(eq - path));
	f.text = eq ? eq + 1 : NULL;
	for (size_t i = 0; !status && f.path && i < o->nfaults; i++)
		if (!strcmp(o->faults[i].path, f.path))
			status = cli_usage("--fault: %s is given twice", f.path);
	if (!status && (!f.path || !(grown = realloc(o->faults, (o->nfaults + 1) * sizeof *o->faults)))) {
		cli_msg(NULL, "out of memory");
		status = CLI_EXIT_INTERNAL;
	}
	if (status) {
		free(f.path);
		free(f.authority);
		return status;
	}
	o->faults = grown;
	o->faults[o->nfaults++] = f;
	return 0;
}

/* --index: 0, or the exit status after a message. */
static int parse_index(struct opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct index_opt *grown;
	char *path;

	if (!eq || arg[0] != '/' || eq == arg + 1 || !eq[1])
		return cli_usage("--index takes PATH=FILE with PATH starting with '/', not '%s'", arg);
	path = strndup(arg, (size_t)(eq - arg));
	grown = path ? realloc(o->indexes, (o->nindexes + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(path);
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	o->indexes = grown;
	o->indexes[o->nindexes++] = (struct index_opt){ path, eq + 1 };
	return 0;
}

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;

	switch (id) {
	case OPT_LISTEN:
		o->listen = arg;
		break;
	case OPT_FAULT:
		return parse_fault(o, arg);
	case OPT_PRINT_URLS:
		o->print_urls = true;
		break;
	case OPT_LOG:
		o->log = arg;
		break;
	case OPT_READY_FILE:
		o->ready_file = arg;
		break;
	case OPT_OCSP_PATH:
		if (arg[0] != '/' || strchr(arg, '?'))
			return cli_usage("--ocsp-path takes a path starting with '/', not '%s'", arg);
		o->ocsp_path = arg;
		break;
	case OPT_RESPONDER:
		o->responder = arg;
		break;
	case OPT_RESPONDER_KEY:
		o->responder_key = arg;
		break;
	case OPT_INDEX:
		return parse_index(o, arg);
	case OPT_CA_KEY: {
		const char **grown = realloc(o->ca_keys, (o->nca_keys + 1) * sizeof *grown);
		if (!grown) {
			cli_msg(NULL, "out of memory");
			return CLI_EXIT_INTERNAL;
		}
		o->ca_keys = grown;
		o->ca_keys[o->nca_keys++] = arg;
		break;
	}
	}
	return 0;
}

/* "ADDR:PORT" or "[ADDR]:PORT", numeric.  false if not. */
static bool parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':'), *h = s;
	size_t hlen;
	unsigned long port;
	struct addrinfo hints = { 0 }, *ai = NULL;

	if (!colon || !cli_parse_uint(colon + 1, 0, 65535, &port))
		return false;
	hlen = (size_t)(colon - s);
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		h = s + 1;
		hlen -= 2;
	}
	if (!hlen || hlen >= sizeof host)
		return false;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	hints.ai_flags = AI_NUMERICHOST;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) || !ai)
		return false;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	return true;
}

static unsigned sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
					       ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* ---- the server's state, shared by the connection threads ---- */

/* A CRL served re-signed: its issuer's certificate and key. */
struct signer {
	const struct ck_serve_item *crl;
	struct ck_cert *issuer;
	const struct ck_key *key;
};

struct server {
	struct ck_serve_set set;
	struct ck_key **keys;    /* --ca-key, in order */
	struct signer *signers;
	size_t nkeys, nsigners;
	struct ck_ocspserve *ocsp; /* NULL: no OCSP */
	struct ck_cert **ocsp_cas; /* the CAs it answers for (owned) */
	size_t nocsp_cas;
	struct ck_cert *responder;
	struct ck_key *responder_key;
	time_t started;
	const struct opts *o;
	int stop[2];             /* written once: every wait ends */
	FILE *log;
	pthread_mutex_t log_lock;
};

/* Wait `ms` (-1: for ever) unless the server stops.  true: it stopped. */
static bool wait_or_stop(struct server *s, long long ms)
{
	struct pollfd p = { .fd = s->stop[0], .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, ms < 0 ? -1 : ms > INT32_MAX ? INT32_MAX : (int)ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

static long long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000LL + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* One request, from its first call to the completion callback. */
struct req {
	struct server *srv;
	struct timespec wall, mono;
	char client[INET6_ADDRSTRLEN];
	char *method, *path, *query;
	const struct fault *fault;
	int status;
	unsigned long long bytes;
	bool ocsp;                 /* a request to the OCSP path */
	unsigned char *body;       /* the POSTed OCSP request */
	size_t body_len;
	bool body_too_big;
	struct ck_ocspserve_result answer;
};

/* A body handed to libmicrohttpd by a reader, so every byte is counted
 * and slow can pace it. */
struct body {
	struct req *r;
	const unsigned char *data; /* NULL: zeros (huge) */
	unsigned char *owned;      /* garbage's bytes */
	unsigned long long total;
	unsigned long rate;        /* bytes per second; 0: as fast as it goes */
	struct timespec t0;
};

static ssize_t body_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct body *b = cls;
	unsigned long long n;

	if (pos >= b->total)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = b->total - pos;
	if (n > max)
		n = max;
	if (b->rate) {
		unsigned long long step = b->rate / 20 ? b->rate / 20 : 1;
		long long due;
		if (n > step)
			n = step;
		/* the last byte of this piece is due at (pos + n) / rate */
		due = (long long)((pos + n) * 1000 / b->rate) - elapsed_ms(&b->t0);
		if (due > 0 && wait_or_stop(b->r->srv, due))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (b->data)
		memcpy(buf, b->data + pos, n);
	else
		memset(buf, 0, n);
	b->r->bytes += n;
	return (ssize_t)n;
}

static void body_free(void *cls)
{
	struct body *b = cls;
	free(b->owned);
	free(b);
}

static MHD_RESULT queue(struct MHD_Connection *c, struct req *r, int status,
			struct MHD_Response *resp)
{
	MHD_RESULT ret;

	if (!resp)
		return MHD_NO;
	r->status = status;
	ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static MHD_RESULT send_empty(struct MHD_Connection *c, struct req *r, int status)
{
	return queue(c, r, status, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
}

static const struct signer *signer_of(const struct server *s, const struct ck_serve_item *it)
{
	for (size_t i = 0; i < s->nsigners; i++)
		if (s->signers[i].crl == it)
			return &s->signers[i];
	return NULL;
}

/* A CRL with a key: re-signed now, fresh (or stale: 2 days to 1 day
 * ago).  false if it cannot be (the request then fails). */
static bool resign(struct server *s, const struct ck_serve_item *it, const struct fault *f,
		   struct body *b)
{
	const struct signer *sg = signer_of(s, it);
	time_t now = time(NULL);
	bool stale = f && f->mode == F_STALE;
	unsigned char *der = NULL;
	size_t len = 0;
	struct ck_error err;

	if (!sg)
		return true;
	ck_error_clear(&err);
	if (ck_serve_crl_resign(it->data, it->len, sg->key, sg->issuer, stale ? now - 2 * 86400 : now,
				stale ? now - 86400 : now + 86400, &der, &len, &err)) {
		cli_msg(it->source, "%s", err.what);
		return false;
	}
	b->owned = malloc(len ? len : 1);
	if (b->owned)
		memcpy(b->owned, der, len);
	free(der);
	b->data = b->owned;
	b->total = len;
	return b->owned != NULL;
}

/* Queue the body `b` (taken) as `ctype`, or what the body faults
 * (garbage, huge, slow) make of it. */
static MHD_RESULT send_body(struct MHD_Connection *c, struct req *r, struct body *b, const char *ctype)
{
	const struct fault *f = r->fault;
	struct MHD_Response *resp;
	uint64_t size;

	clock_gettime(CLOCK_MONOTONIC, &b->t0);
	if (f && f->mode == F_GARBAGE) {
		unsigned char *g = malloc(b->total ? b->total : 1);
		if (!g || gnutls_rnd(GNUTLS_RND_NONCE, g, b->total ? b->total : 1) < 0) {
			free(g);
			body_free(b);
			return MHD_NO;
		}
		free(b->owned);
		b->data = b->owned = g;
	} else if (f && f->mode == F_HUGE) {
		b->data = NULL;
		b->total = HUGE_BYTES;
	} else if (f && f->mode == F_SLOW) {
		b->rate = f->value;
	}
	size = f && f->mode == F_HUGE ? MHD_SIZE_UNKNOWN : b->total;
	resp = MHD_create_response_from_callback(size, BLOCK, body_read, b, body_free);
	if (!resp) {
		body_free(b);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	return queue(c, r, 200, resp);
}

/* The item's bytes (or what the fault makes of them). */
static MHD_RESULT send_item(struct MHD_Connection *c, struct req *r, const struct ck_serve_item *it)
{
	struct body *b = calloc(1, sizeof *b);
	const struct fault *f = r->fault;

	if (!b)
		return MHD_NO;
	b->r = r;
	b->data = it->data;
	b->total = it->len;
	if (f && f->mode == F_WRONG_CERT) {
		const struct ck_serve_item *o = ck_serve_other(&r->srv->set, it);
		b->data = o->data; /* checked at start: there is one */
		b->total = o->len;
	} else if (it->kind == CK_SERVE_CRL && !(f && (f->mode == F_GARBAGE || f->mode == F_HUGE)) &&
		   !resign(r->srv, it, f, b)) {
		body_free(b);
		return MHD_NO;
	}
	return send_body(c, r, b, ck_serve_content_type(it->kind));
}

/* The OCSP answer to the request in `der` (a POST's body, a GET's
 * decoded path; NULL: not base64, answered malformedRequest). */
static MHD_RESULT send_ocsp(struct MHD_Connection *c, struct req *r, const unsigned char *der,
			    size_t len)
{
	struct server *s = r->srv;
	struct ck_ocspserve_opts o = { 0 };
	struct body *b = calloc(1, sizeof *b);
	unsigned char *out = NULL;
	size_t out_len = 0;
	struct ck_error err;

	if (!b)
		return MHD_NO;
	o.now = time(NULL);
	o.validity = OCSP_VALIDITY;
	o.stale = r->fault && r->fault->mode == F_STALE;
	o.revoked = r->fault && r->fault->mode == F_REVOKED;
	o.revoked_at = s->started;
	ck_error_clear(&err);
	if (ck_ocspserve_answer(s->ocsp, der ? der : (const unsigned char *)"", der ? len : 0, &o, &out,
				&out_len, &r->answer, &err)) {
		cli_msg(r->path, "%s", err.what);
		free(b);
		return send_empty(c, r, 500);
	}
	b->r = r;
	b->data = b->owned = out;
	b->total = out_len;
	return send_body(c, r, b, "application/ocsp-response");
}

/* A loop of N: PATH -> PATH?hop=1 -> ... -> PATH?hop=N-1 -> PATH. */
static MHD_RESULT send_redirect(struct MHD_Connection *c, struct req *r)
{
	const char *hop = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hop");
	unsigned long h = 0, next;
	char loc[4096];
	struct MHD_Response *resp;

	if (hop && !cli_parse_uint(hop, 0, r->fault->value - 1, &h))
		h = 0;
	next = (h + 1) % r->fault->value;
	if (next)
		snprintf(loc, sizeof loc, "%s?hop=%lu", r->path, next);
	else
		snprintf(loc, sizeof loc, "%s", r->path);
	resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (resp)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, loc);
	return queue(c, r, 302, resp);
}

/* Close with a reset (SO_LINGER 0), not a FIN: "connection reset". */
static MHD_RESULT reset(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct linger l = { 1, 0 };

	if (ci)
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	return MHD_NO;
}

static const char *ocsp_path(const struct opts *o)
{
	return o->ocsp_path ? o->ocsp_path : "/ocsp";
}

/* The length of the responder's path without a final '/': a URL is the
 * responder's when it starts so and ends there or goes on with '/'. */
static size_t ocsp_prefix_len(const char *p)
{
	size_t n = strlen(p);
	return n && p[n - 1] == '/' ? n - 1 : n;
}

/* Is `url` the responder's: its path, or under it (a GET), and not an
 * item served there? */
static bool is_ocsp(const struct server *s, const char *url)
{
	const char *p = ocsp_path(s->o);
	size_t n = ocsp_prefix_len(p);

	if (!s->ocsp || ck_serve_find(&s->set, url))
		return false;
	return !strncmp(url, p, n) && (url[n] == '\0' || url[n] == '/');
}

/* The fault at `path`: given for it, or for the OCSP path when the
 * path is the responder's. */
static const struct fault *fault_at(const struct server *s, const char *path)
{
	const struct opts *o = s->o;

	for (size_t i = 0; i < o->nfaults; i++)
		if (!strcmp(o->faults[i].path, path))
			return &o->faults[i];
	if (is_ocsp(s, path))
		for (size_t i = 0; i < o->nfaults; i++)
			if (!strcmp(o->faults[i].path, ocsp_path(o)))
				return &o->faults[i];
	return NULL;
}

/* A request to the responder: a POST's body, or a GET's base64 after
 * the responder's path (RFC 6960 A.1; libmicrohttpd has undone the
 * %-escapes).  A GET whose rest is not base64 is not OCSP: 404. */
static MHD_RESULT answer_ocsp(struct MHD_Connection *c, struct req *r, const char *url)
{
	const char *p = ocsp_path(r->srv->o), *rest;
	unsigned char *der = NULL;
	size_t len = 0;
	MHD_RESULT ret;

	if (!strcmp(r->method, "POST")) {
		if (r->body_too_big)
			return send_empty(c, r, 413);
		return send_ocsp(c, r, r->body ? r->body : (const unsigned char *)"", r->body_len);
	}
	rest = url + ocsp_prefix_len(p); /* is_ocsp(): NUL or '/' there */
	while (*rest == '/')
		rest++;
	if (!ck_ocspserve_decode_get(rest, &der, &len))
		return send_empty(c, r, 404);
	ret = send_ocsp(c, r, der, len);
	free(der);
	return ret;
}

static struct req *req_new(struct server *s, struct MHD_Connection *c, const char *url,
			   const char *method)
{
	struct req *r = calloc(1, sizeof *r);
	const union MHD_ConnectionInfo *ci;

	if (!r)
		return NULL;
	r->srv = s;
	clock_gettime(CLOCK_REALTIME, &r->wall);
	clock_gettime(CLOCK_MONOTONIC, &r->mono);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr)
		getnameinfo(ci->client_addr,
			    ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
								     sizeof(struct sockaddr_in),
			    r->client, sizeof r->client, NULL, 0, NI_NUMERICHOST);
	r->method = strdup(method);
	r->path = strdup(url);
	return r;
}

static MHD_RESULT collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct req *r = cls;
	size_t n = (r->query ? strlen(r->query) + 1 : 0) + strlen(key) + (value ? strlen(value) + 1 : 0) + 1;
	char *q = malloc(n);

	(void)kind;
	if (!q)
		return MHD_NO;
	snprintf(q, n, "%s%s%s%s%s", r->query ? r->query : "", r->query ? "&" : "", key,
		 value ? "=" : "", value ? value : "");
	free(r->query);
	r->query = q;
	return MHD_YES;
}

/* Faults of the connection, not of the answer, happen whatever the
 * method: an OCSP client POSTs to a responder that hangs or fails. */
static bool any_method(const struct fault *f)
{
	return f->mode == F_DROP || f->mode == F_HANG || f->mode == F_REFUSE || f->mode == F_STATUS;
}

static MHD_RESULT answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			 const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	const struct ck_serve_item *it;
	const struct fault *f;

	(void)version;
	(void)upload;
	if (!r) {
		/* first call: headers only; the answer comes on the next one */
		if (!(r = req_new(s, c, url, method)))
			return MHD_NO;
		*con_cls = r;
		r->ocsp = is_ocsp(s, url);
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, r);
		return MHD_YES;
	}
	if (*upload_size) {
		/* kept for the responder, else read and ignored */
		if (r->ocsp && !strcmp(method, "POST") && !r->body_too_big) {
			unsigned char *grown = NULL;
			if (r->body_len + *upload_size > OCSP_MAX_REQUEST ||
			    !(grown = realloc(r->body, r->body_len + *upload_size))) {
				r->body_too_big = true;
			} else {
				memcpy(grown + r->body_len, upload, *upload_size);
				r->body = grown;
				r->body_len += *upload_size;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	f = fault_at(s, url);
	if (strcmp(method, "GET") && strcmp(method, "HEAD") && !(r->ocsp && !strcmp(method, "POST")) &&
	    !(f && any_method(f))) {
		struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"",
									    MHD_RESPMEM_PERSISTENT);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
						r->ocsp ? "GET, HEAD, POST" : "GET, HEAD");
		return queue(c, r, 405, resp);
	}
	r->fault = f;
	it = ck_serve_find(&s->set, url);
	if (!f)
		return it ? send_item(c, r, it) : r->ocsp ? answer_ocsp(c, r, url) : send_empty(c, r, 404);
	switch (f->mode) {
	case F_DROP: /* on the main port, a dropped path is never answered */
	case F_HANG:
		wait_or_stop(s, -1);
		return MHD_NO;
	case F_REFUSE:
		return reset(c);
	case F_DELAY:
		if (wait_or_stop(s, (long long)f->value))
			return MHD_NO;
		break;
	case F_STATUS:
		return send_empty(c, r, (int)f->value);
	case F_REDIRECT:
		return send_redirect(c, r);
	default:
		break;
	}
	if (it)
		return send_item(c, r, it);
	return r->ocsp ? answer_ocsp(c, r, url) : send_empty(c, r, 404);
}
static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	struct ck_serve_request rec;
	json_t *line;

	(void)c;
	(void)toe;
	if (!r)
		return;
	*con_cls = NULL;
	if (s->log) {
		memset(&rec, 0, sizeof rec);
		rec.start = r->wall;
		rec.client = r->client[0] ? r->client : NULL;
		rec.method = r->method;
		rec.path = r->path;
		rec.query = r->query;
		rec.status = r->status;
		rec.fault = r->fault ? r->fault->text : NULL;
		rec.bytes = r->bytes;
		rec.duration_ms = (unsigned long long)elapsed_ms(&r->mono);
		if (r->answer.response_status) {
			rec.ocsp_response = r->answer.response_status;
			rec.ocsp_status = r->answer.cert_status;
			rec.ocsp_serial = r->answer.serial[0] ? r->answer.serial : NULL;
		}
		line = ck_report_serve_request(&rec);
		pthread_mutex_lock(&s->log_lock);
		if (line)
			ck_report_write_json(s->log, line);
		fflush(s->log);
		pthread_mutex_unlock(&s->log_lock);
		json_decref(line);
	}
	free(r->method);
	free(r->path);
	free(r->query);
	free(r->body);
	free(r);
}

/* ---- the ports of drop and refuse ---- */

struct side_port {
	int fd;           /* the listener (drop) or the bound socket (refuse) */
	unsigned port;
	int *fillers;     /* drop: the connections that fill its queue */
	size_t nfillers;
};

/* connect without blocking; 1 connected, 0 still pending after `ms`,
 * -1 error.  *fd is the socket either way. */
static int try_connect(const struct sockaddr *sa, socklen_t len, int ms, int *fd)
{
	struct pollfd p;
	int err = 0;
	socklen_t elen = sizeof err;

	*fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -1;
	if (connect(*fd, sa, len) == 0)
		return 1;
	if (errno != EINPROGRESS)
		return -1;
	p.fd = *fd;
	p.events = POLLOUT;
	if (poll(&p, 1, ms) <= 0)
		return 0;
	if (getsockopt(*fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err)
		return -1;
	return 1;
}

/* A socket on the listen address, another port.  drop: listen with a
 * backlog of 0 and connect to it, never accepting, until a connect is
 * left unanswered: the accept queue is full, so every later SYN is
 * ignored.  refuse: bound and never listened on, so a SYN gets a RST.
 * false with errno set. */
static bool side_open(const struct sockaddr_storage *where, socklen_t len, bool drop,
		      struct side_port *p)
{
	struct sockaddr_storage ss = *where, self;
	socklen_t slen = sizeof self;
	int fd;

	memset(p, 0, sizeof *p);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0 || bind(p->fd, (struct sockaddr *)&ss, len) < 0)
		return false;
	p->port = sock_port(p->fd);
	if (!drop)
		return true;
	if (listen(p->fd, 0) < 0 || getsockname(p->fd, (struct sockaddr *)&self, &slen) < 0)
		return false;
	for (;;) {
		int r = try_connect((struct sockaddr *)&self, slen, 300, &fd), *grown;
		if (r < 0) {
			if (fd >= 0)
				close(fd);
			return false;
		}
		if (r == 0) {
			close(fd); /* the probe's own SYN: not needed */
			return true;
		}
		grown = realloc(p->fillers, (p->nfillers + 1) * sizeof *grown);
		if (!grown || p->nfillers >= 64) {
			close(fd);
			errno = grown ? EAGAIN : ENOMEM;
			if (grown)
				p->fillers = grown;
			return false;
		}
		p->fillers = grown;
		p->fillers[p->nfillers++] = fd;
	}
}

static void side_close(struct side_port *p)
{
	if (p->fd > 0)
		close(p->fd);
	for (size_t i = 0; i < p->nfillers; i++)
		close(p->fillers[i]);
	free(p->fillers);
	memset(p, 0, sizeof *p);
}

static unsigned sock_port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port :
						((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* "http://127.0.0.1:8080", "http://[::1]:8080" */
static void base_url(const struct sockaddr_storage *ss, unsigned port, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, host, sizeof host);
		snprintf(buf, size, "http://[%s]:%u", host, port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, host, sizeof host);
		snprintf(buf, size, "http://%s:%u", host, port);
	}
}

/* Print the URLs document once listening.  false on out of memory. */
static bool print_urls(struct cli_common *c, const struct opts *o, const struct server *s,
		       const struct sockaddr_storage *ss, unsigned port, const struct side_port *drop,
		       const struct side_port *refuse)
{
	struct ck_serve_url *u = calloc(s->set.n + 1, sizeof *u);
	char (*urls)[4200] = calloc(s->set.n + 1, sizeof *urls), base[128];
	size_t n = s->set.n;
	struct cli_output *out = NULL;
	json_t *doc = NULL;
	bool ok = false;

	if (!u || !urls)
		goto out;
	base_url(ss, port, base, sizeof base);
	for (size_t i = 0; i < s->set.n; i++) {
		const struct ck_serve_item *it = &s->set.items[i];
		const struct fault *f = fault_at(s, it->path);
		char b[128];
		base_url(ss, f && f->mode == F_DROP ? drop->port : f && f->mode == F_REFUSE ? refuse->port :
			 port, b, sizeof b);
		snprintf(urls[i], sizeof urls[i], "%s%s", b, it->path);
		u[i] = (struct ck_serve_url){ urls[i], it->path, ck_serve_kind_name(it->kind), it->subject,
					      f ? f->text : NULL };
	}
	if (s->ocsp) {
		const char *p = ocsp_path(o);
		const struct fault *f = fault_at(s, p);
		char b[128];
		base_url(ss, f && f->mode == F_DROP ? drop->port : f && f->mode == F_REFUSE ? refuse->port :
			 port, b, sizeof b);
		snprintf(urls[n], sizeof urls[n], "%s%s", b, p);
		u[n] = (struct ck_serve_url){ urls[n], p, "ocsp", NULL, f ? f->text : NULL };
		n++;
	}
	doc = ck_report_serve_urls(base, u, n);
	if (!doc || !(out = cli_output_begin(c, &ck_view_aiaserve, false)))
		goto out;
	if (o->print_urls || !cli_format_text(c))
		cli_output_doc(out, doc, NULL);
	else
		printf("%s\n", base);
	ok = cli_output_end(out, NULL, NULL, NULL) == 0;
	out = NULL;
	fflush(stdout);
out:
	if (out)
		cli_output_end(out, NULL, NULL, NULL);
	json_decref(doc);
	free(u);
	free(urls);
	return ok;
}

static bool write_ready(const char *file, const char *base)
{
	size_t n = strlen(file) + 8;
	char *tmp = malloc(n);
	FILE *f;
	bool ok = false;

	if (!tmp)
		return false;
	snprintf(tmp, n, "%s.tmp", file);
	f = fopen(tmp, "w");
	if (f) {
		ok = fprintf(f, "%s\n", base) > 0;
		ok = (fclose(f) == 0) && ok && rename(tmp, file) == 0;
		if (!ok)
			unlink(tmp);
	}
	free(tmp);
	return ok;
}

/* Load every operand.  Returns the exit status (0: all loaded). */
static int load_all(struct cli_common *c, char **paths, int n, struct ck_serve_set *set)
{
	struct ck_load_opts lo = cli_load_opts(c);
	struct ck_error err;

	for (int i = 0; i < n; i++) {
		ck_error_clear(&err);
		if (ck_serve_add(set, paths[i], &lo, &err)) {
			if (err.status == CK_E_USAGE) {
				/* two inputs that want one path: a usage error */
				cli_msg(err.file[0] ? err.file : paths[i], "%s", err.what);
				fprintf(stderr, "Try '%s --help' for more information.\n", cli_progname);
				return CLI_EXIT_USAGE;
			}
			return cli_error(&err);
		}
	}
	if (!set->n) {
		cli_msg(paths[0], "no certificate and no CRL to serve");
		return CLI_EXIT_INPUT;
	}
	return CLI_EXIT_OK;
}

/* Load the --ca-key keys and pair each served CRL with the key of its
 * issuer's certificate, when there is one.  Returns the exit status. */
static int load_keys(struct cli_common *c, const struct opts *o, struct server *s)
{
	const struct ck_password *pw = cli_password(c);
	struct ck_error err;
	unsigned char *data = NULL;
	size_t len = 0;
	int status = CLI_EXIT_OK;

	s->keys = calloc(o->nca_keys + 1, sizeof *s->keys);
	s->signers = calloc(s->set.n + 1, sizeof *s->signers);
	if (!s->keys || !s->signers) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < o->nca_keys; i++) {
		ck_error_clear(&err);
		if (ck_read_file(o->ca_keys[i], c->max_size, &data, &len, &err) ||
		    ck_key_parse(data, len, memmem(data, len, "-----BEGIN", 10) != NULL, pw ? pw->value : NULL,
				 &s->keys[i], &err)) {
			if (!err.file[0])
				ck_error_set_file(&err, o->ca_keys[i]);
			status = cli_error(&err);
		}
		if (data)
			explicit_bzero(data, len);
		free(data);
		data = NULL;
		if (status)
			return status;
		s->nkeys++;
	}
	for (size_t i = 0; i < s->set.n && s->nkeys; i++) {
		const struct ck_serve_item *crl = &s->set.items[i];
		if (crl->kind != CK_SERVE_CRL)
			continue;
		for (size_t j = 0; j < s->set.n; j++) {
			const struct ck_serve_item *ca = &s->set.items[j];
			struct ck_cert *cert = NULL;
			const struct ck_key *key = NULL;
			if (ca->kind != CK_SERVE_CERT || strcmp(ca->subject, crl->subject))
				continue;
			ck_error_clear(&err);
			if (ck_cert_from_der(ca->data, ca->len, &cert, &err))
				continue;
			for (size_t k = 0; k < s->nkeys && !key; k++)
				if (!memcmp(s->keys[k]->spki_sha256, cert->spki_sha256, 32))
					key = s->keys[k];
			if (!key) {
				ck_cert_free(cert);
				continue;
			}
			s->signers[s->nsigners++] = (struct signer){ crl, cert, key };
			break;
		}
	}
	return CLI_EXIT_OK;
}

/* A usage error about a file: "aiaserve: FILE: what", the --help line. */
static int file_usage(const char *file, const char *what)
{
	cli_msg(file, "%s", what);
	fprintf(stderr, "Try '%s --help' for more information.\n", cli_progname);
	return CLI_EXIT_USAGE;
}

/* --responder and --responder-key.  Returns the exit status. */
static int load_responder(struct cli_common *c, const struct opts *o, struct server *s)
{
	const struct ck_password *pw = cli_password(c);
	struct ck_load_opts lo = cli_load_opts(c);
	struct ck_bundle *b = NULL;
	struct ck_error err;
	unsigned char *data = NULL;
	size_t len = 0;
	int status = CLI_EXIT_OK;

	if (!o->responder != !o->responder_key)
		return cli_usage("--responder and --responder-key go together");
	if (!o->responder)
		return CLI_EXIT_OK;
	ck_error_clear(&err);
	if (ck_bundle_load_file(o->responder, &lo, &b, &err)) {
		if (!err.file[0])
			ck_error_set_file(&err, o->responder);
		return cli_error(&err);
	}
	if (b->ncerts != 1) {
		ck_bundle_free(b);
		return file_usage(o->responder, "--responder needs a file with one certificate");
	}
	if (ck_cert_from_der(b->certs[0]->der, b->certs[0]->der_len, &s->responder, &err))
		status = cli_error(&err);
	ck_bundle_free(b);
	if (status)
		return status;
	if (ck_read_file(o->responder_key, c->max_size, &data, &len, &err) ||
	    ck_key_parse(data, len, memmem(data, len, "-----BEGIN", 10) != NULL, pw ? pw->value : NULL,
			 &s->responder_key, &err)) {
		if (!err.file[0])
			ck_error_set_file(&err, o->responder_key);
		status = cli_error(&err);
	}
	if (data)
		explicit_bzero(data, len);
	free(data);
	return status;
}

/* The OCSP responder: every served certificate whose key (--ca-key) or
 * delegated responder (--responder) is given, with the revoked entries
 * of the CRLs served for it and of --index.  Returns the exit status. */
static int load_ocsp(struct cli_common *c, const struct opts *o, struct server *s)
{
	struct ck_error err;
	bool responder_used = false;
	int status;

	if ((status = load_responder(c, o, s)))
		return status;
	s->ocsp_cas = calloc(s->set.n + 1, sizeof *s->ocsp_cas);
	if (!s->ocsp_cas || ck_ocspserve_new(&s->ocsp)) {
		cli_msg(NULL, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < s->set.n; i++) {
		const struct ck_serve_item *it = &s->set.items[i];
		struct ck_cert *ca = NULL;
		const struct ck_key *key = NULL;
		const struct ck_cert *rs = NULL;

		ck_error_clear(&err);
		if (it->kind != CK_SERVE_CERT || ck_cert_from_der(it->data, it->len, &ca, &err))
			continue;
		if (s->responder && !strcmp(s->responder->issuer, ca->subject) &&
		    memcmp(s->responder->spki_sha256, ca->spki_sha256, 32)) {
			rs = s->responder;
			key = s->responder_key;
		}
		for (size_t k = 0; k < s->nkeys && !key; k++)
			if (!memcmp(s->keys[k]->spki_sha256, ca->spki_sha256, 32))
				key = s->keys[k];
		if (!key || ck_ocspserve_has_ca(s->ocsp, ca)) {
			ck_cert_free(ca);
			continue;
		}
		s->ocsp_cas[s->nocsp_cas++] = ca;
		if (ck_ocspserve_add_ca(s->ocsp, ca, key, rs, &err))
			return err.status == CK_E_USAGE ? file_usage(rs ? o->responder : it->source, err.what) :
							  cli_error(&err);
		responder_used |= rs != NULL;
		for (size_t j = 0; j < s->set.n; j++) {
			const struct ck_serve_item *crl = &s->set.items[j];
			/* every CRL served: the responder takes those the
			 * CA's key signed (its name alone could be another
			 * CA's, or differ in how it is written) */
			if (crl->kind != CK_SERVE_CRL)
				continue;
			if (ck_ocspserve_add_crl(s->ocsp, ca, crl->data, crl->len, &err)) {
				ck_error_set_file(&err, crl->source);
				return cli_error(&err);
			}
		}
	}
	if (s->responder && !responder_used)
		return file_usage(o->responder, "the responder was issued by no CA served");
	for (size_t k = 0; k < s->nkeys; k++) {
		bool used = false;
		for (size_t i = 0; i < s->nsigners; i++)
			used |= s->signers[i].key == s->keys[k];
		for (size_t i = 0; i < s->nocsp_cas; i++)
			used |= !memcmp(s->ocsp_cas[i]->spki_sha256, s->keys[k]->spki_sha256, 32);
		if (!used)
			return cli_usage("--ca-key %s: the key of no CA served", o->ca_keys[k]);
	}
	for (size_t i = 0; i < o->nindexes; i++) {
		const struct ck_serve_item *it = ck_serve_find(&s->set, o->indexes[i].path);
		struct ck_cert *ca = NULL;
		unsigned char *text = NULL;
		size_t len = 0;

		for (size_t k = 0; it && it->kind == CK_SERVE_CERT && k < s->nocsp_cas && !ca; k++)
			if (s->ocsp_cas[k]->der_len == it->len && !memcmp(s->ocsp_cas[k]->der, it->data, it->len))
				ca = s->ocsp_cas[k];
		if (!ca)
			return cli_usage("--index: %s is not the certificate of a CA answered for (served, "
					 "with --ca-key or --responder)", o->indexes[i].path);
		ck_error_clear(&err);
		if (ck_read_file(o->indexes[i].file, c->max_size, &text, &len, &err) ||
		    ck_ocspserve_add_index(s->ocsp, ca, (const char *)text, len, &err)) {
			if (!err.file[0])
				ck_error_set_file(&err, o->indexes[i].file);
			free(text);
			return cli_error(&err);
		}
		free(text);
	}
	if (!s->nocsp_cas) {
		ck_ocspserve_free(s->ocsp);
		s->ocsp = NULL;
	}
	return CLI_EXIT_OK;
}

/* 0, or the exit status after a usage error */
static int check_faults(const struct opts *o, const struct server *s)
{
	const struct ck_serve_set *set = &s->set;

	for (size_t i = 0; i < o->nfaults; i++) {
		const struct fault *f = &o->faults[i];
		const struct ck_serve_item *it = ck_serve_find(set, f->path);
		bool ocsp = s->ocsp && !it && !strcmp(f->path, ocsp_path(o));

		if (f->mode == F_REVOKED && !ocsp)
			return cli_usage("--fault: revoked at %s needs the OCSP responder there (--ca-key or "
				  "--responder)", f->path);
		if (!it && !ocsp && f->mode != F_STATUS && f->mode != F_REDIRECT && f->mode != F_HANG)
			return cli_usage("--fault: nothing is served at %s", f->path);
		if (f->mode == F_STALE && !ocsp && (!it || it->kind != CK_SERVE_CRL || !signer_of(s, it)))
			return cli_usage("--fault: stale at %s needs a CRL there and --ca-key with the key of "
				  "its issuer, or the OCSP responder there", f->path);
		if (f->mode == F_WRONG_CERT && (!it || !ck_serve_other(set, it)))
			return cli_usage("--fault: wrong-cert at %s needs another %s with another subject to serve",
				  f->path, it ? ck_serve_kind_name(it->kind) : "item");
	}
	return 0;
}

/* A fault given as a URL names this server: its ADDR:PORT is the one
 * --listen gives (numerically the same address, the same port, not 0).
 * 0, or the exit status after a usage error. */
static int check_fault_urls(const struct opts *o, const struct sockaddr_storage *ss)
{
	char want[128], got[128];

	for (size_t i = 0; i < o->nfaults; i++) {
		const struct fault *f = &o->faults[i];
		struct sockaddr_storage fs;
		socklen_t flen;

		if (!f->authority)
			continue;
		if (!parse_listen(f->authority, &fs, &flen))
			return cli_usage("--fault: the URL of %s needs a numeric ADDR:PORT, not '%s'", f->path,
				  f->authority);
		if (!sock_port_of(ss))
			return cli_usage("--fault: http://%s%s needs --listen with that address and port", f->authority,
				  f->path);
		base_url(ss, sock_port_of(ss), want, sizeof want);
		base_url(&fs, sock_port_of(&fs), got, sizeof got);
		if (strcmp(want, got))
			return cli_usage("--fault: %s%s is not a URL of this server (%s)", got, f->path, want);
	}
	return 0;
}

static int serve(struct cli_common *c, const struct opts *o, struct server *s)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	struct side_port drop = { 0 }, refuse = { 0 };
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *di;
	sigset_t sigs;
	char base[128];
	unsigned port;
	int sig, status = CLI_EXIT_OK;
	bool want_drop = false, want_refuse = false;

	if (!parse_listen(o->listen ? o->listen : "127.0.0.1:0", &ss, &slen))
		return cli_usage("--listen takes ADDR:PORT with a numeric address ([ADDR]:PORT for IPv6), "
				 "not '%s'", o->listen);
	if ((status = check_fault_urls(o, &ss)))
		return status;
	for (size_t i = 0; i < o->nfaults; i++) {
		want_drop |= o->faults[i].mode == F_DROP;
		want_refuse |= o->faults[i].mode == F_REFUSE;
	}
	/* the signals are taken by sigwait below, in this thread only */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((want_drop && !side_open(&ss, slen, true, &drop)) ||
	    (want_refuse && !side_open(&ss, slen, false, &refuse))) {
		cli_msg(o->listen, "cannot open the port for %s: %s", want_drop && !drop.port ? "drop" : "refuse",
			strerror(errno));
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) |
				     (c->verbose ? MHD_USE_ERROR_LOG : 0),
			     0, NULL, NULL, answer, s, MHD_OPTION_SOCK_ADDR, &ss,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, s,
			     MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
	di = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD) : NULL;
	if (!d || !di) {
		cli_msg(o->listen ? o->listen : "127.0.0.1:0", "cannot listen there (in use, or not an "
			"address of this host?)");
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	port = sock_port(di->listen_fd);
	base_url(&ss, port, base, sizeof base);
	if (!print_urls(c, o, s, &ss, port, &drop, &refuse)) {
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	if (o->ready_file && !write_ready(o->ready_file, base)) {
		cli_msg(o->ready_file, "cannot write: %s", strerror(errno));
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	while (sigwait(&sigs, &sig) != 0 || (sig != SIGINT && sig != SIGTERM && sig != SIGHUP))
		;
	if (c->verbose)
		cli_msg(NULL, "stopping on signal %d", sig);
out:
	if (write(s->stop[1], "x", 1) < 0) {
		/* the pipe is ours and empty: cannot fail */
	}
	if (d)
		MHD_stop_daemon(d);
	side_close(&drop);
	side_close(&refuse);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct server s = { 0 };
	int first, status;

	ck_serve_set_init(&s.set);
	s.o = &o;
	s.stop[0] = s.stop[1] = -1;
	pthread_mutex_init(&s.log_lock, NULL);
	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status))
		goto out;
	if (first >= argc) {
		status = cli_usage("no directory or file to serve");
		goto out;
	}
	status = load_all(&c, argv + first, argc - first, &s.set);
	if (status)
		goto out;
	status = load_keys(&c, &o, &s);
	if (status)
		goto out;
	status = load_ocsp(&c, &o, &s);
	if (status)
		goto out;
	s.started = time(NULL);
	if ((status = check_faults(&o, &s)))
		goto out;
	if (o.log && !strcmp(o.log, "-")) {
		s.log = stdout;
	} else if (o.log && !(s.log = fopen(o.log, "ae"))) {
		cli_msg(o.log, "cannot open the log: %s", strerror(errno));
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	if (pipe2(s.stop, O_CLOEXEC) < 0) {
		cli_msg(NULL, "cannot make a pipe: %s", strerror(errno));
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	status = serve(&c, &o, &s);
out:
	if (s.log && s.log != stdout && fclose(s.log) != 0 && !status) {
		cli_msg(o.log, "cannot write the log: %s", strerror(errno));
		status = CLI_EXIT_INTERNAL;
	}
	if (s.stop[0] >= 0) {
		close(s.stop[0]);
		close(s.stop[1]);
	}
	ck_ocspserve_free(s.ocsp);
	for (size_t i = 0; i < s.nocsp_cas; i++)
		ck_cert_free(s.ocsp_cas[i]);
	free(s.ocsp_cas);
	ck_cert_free(s.responder);
	ck_key_free(s.responder_key);
	for (size_t i = 0; i < o.nindexes; i++)
		free(o.indexes[i].path);
	free(o.indexes);
	for (size_t i = 0; i < s.nsigners; i++)
		ck_cert_free(s.signers[i].issuer);
	free(s.signers);
	for (size_t i = 0; i < s.nkeys; i++)
		ck_key_free(s.keys[i]);
	free(s.keys);
	free(o.ca_keys);
	ck_serve_set_cleanup(&s.set);
	for (size_t i = 0; i < o.nfaults; i++) {
		free(o.faults[i].path);
		free(o.faults[i].authority);
	}
	free(o.faults);
	pthread_mutex_destroy(&s.log_lock);
	return cli_finish(&c, status);
}
