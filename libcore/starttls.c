/* starttls — the plain-text dialogue before a TLS handshake (see
 * starttls.h).
 *
 * Written by hand on purpose: no library runs STARTTLS and then hands
 * the socket to our own GnuTLS session (libcurl's CONNECT_ONLY does
 * not cover these protocols, and its own STARTTLS does its own
 * handshake).  The dialogue is a few lines, one table row per
 * protocol: the line protocols (SMTP, IMAP, POP3) are a list of steps
 * (what to send, how the reply ends, what a "yes" starts with); LDAP's
 * StartTLS request is BER, built and parsed with libtasn1 from
 * pkix.asn; PostgreSQL's SSLRequest is a fixed 8-byte packet answered
 * by one byte.
 *
 * Every read is bounded in size (CK_STARTTLS_MAX_LINE per line,
 * CK_STARTTLS_MAX_BYTES per reply) and given the time left before the
 * deadline.  Bytes the server sends after its "yes" and before our
 * ClientHello are refused rather than kept: a plain-text command
 * injected there would otherwise be taken as said inside TLS
 * (CVE-2011-0411). */
#include "config.h"

#include "starttls.h"
#include "der.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define LDAP_STARTTLS_OID "1.3.6.1.4.1.1466.20037"

enum reply_kind {
	SMTP_REPLY,    /* "NNN-..." lines, then "NNN ..." */
	ONE_LINE,      /* POP3, IMAP's greeting */
	IMAP_TAGGED,   /* untagged "* ..." lines, then "A1 ..." */
};

struct step {
	const char *send;      /* NULL: the server speaks first; ending in ' ': our name follows */
	enum reply_kind kind;
	const char *yes;       /* what an agreeing reply's last line starts with */
	const char *cmd;       /* the command's name in messages */
	const char *no[2];     /* what a refusing greeting starts with (the protocol, saying no) */
};

struct proto {
	enum ck_starttls id;
	const char *name, *port;
	const struct step *steps; /* NULL: not a line protocol */
	size_t nsteps;
};

static const struct step smtp_steps[] = {
	{ NULL, SMTP_REPLY, "220", NULL, { "4", "5" } },
	{ "EHLO ", SMTP_REPLY, "250", "EHLO", { NULL, NULL } },
	{ "STARTTLS", SMTP_REPLY, "220", "STARTTLS", { NULL, NULL } },
};
static const struct step imap_steps[] = {
	{ NULL, ONE_LINE, "* OK", NULL, { "* BYE", NULL } },
	{ "A1 STARTTLS", IMAP_TAGGED, "A1 OK", "STARTTLS", { NULL, NULL } },
};
static const struct step pop3_steps[] = {
	{ NULL, ONE_LINE, "+OK", NULL, { "-ERR", NULL } },
	{ "STLS", ONE_LINE, "+OK", "STLS", { NULL, NULL } },
};

#define STEPS(a) a, sizeof a / sizeof a[0]
static const struct proto protos[] = {
	{ CK_STARTTLS_SMTP, "smtp", "25", STEPS(smtp_steps) },
	{ CK_STARTTLS_IMAP, "imap", "143", STEPS(imap_steps) },
	{ CK_STARTTLS_POP3, "pop3", "110", STEPS(pop3_steps) },
	{ CK_STARTTLS_LDAP, "ldap", "389", NULL, 0 },
	{ CK_STARTTLS_POSTGRES, "postgres", "5432", NULL, 0 },
};

static const struct proto *find(enum ck_starttls id)
{
	for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
		if (protos[i].id == id)
			return &protos[i];
	return NULL;
}

const char *ck_starttls_name(enum ck_starttls proto)
{
	const struct proto *p = find(proto);
	return p ? p->name : NULL;
}

const char *ck_starttls_port(enum ck_starttls proto)
{
	const struct proto *p = find(proto);
	return p ? p->port : NULL;
}

bool ck_starttls_parse(const char *name, enum ck_starttls *out)
{
	for (size_t i = 0; name && i < sizeof protos / sizeof protos[0]; i++)
		if (!strcasecmp(name, protos[i].name)) {
			*out = protos[i].id;
			return true;
		}
	if (name && !strcasecmp(name, "postgresql")) {
		*out = CK_STARTTLS_POSTGRES;
		return true;
	}
	return false;
}

void ck_starttls_result_cleanup(struct ck_starttls_result *res)
{
	if (!res)
		return;
	free(res->reply);
	free(res->error);
	res->reply = res->error = NULL;
}

/* ---------------------------------------------------------------- */
/* the connection */

struct conn {
	int fd;
	int64_t deadline;  /* monotonic µs */
	unsigned timeout_ms;
	unsigned char buf[CK_STARTTLS_MAX_BYTES];
	size_t len;        /* bytes in buf not yet taken */
	struct ck_starttls_result *res;
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

__attribute__((format(printf, 3, 4)))
static bool stop(struct conn *c, enum ck_starttls_outcome outcome, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		outcome = CK_STARTTLS_NOMEM;
	}
	va_end(ap);
	free(c->res->error);
	c->res->error = s;
	c->res->outcome = outcome;
	return false;
}

static bool io_error(struct conn *c, const char *doing)
{
	c->res->sys_errno = errno;
	return stop(c, CK_STARTTLS_IO, "%s: %s", doing, strerror(errno));
}

/* Keep `s[0..n)` as the reply shown: printable ASCII, at most
 * CK_STARTTLS_MAX_REPLY - 1 bytes. */
static bool keep_reply(struct conn *c, const char *s, size_t n)
{
	char *r;
	if (n >= CK_STARTTLS_MAX_REPLY)
		n = CK_STARTTLS_MAX_REPLY - 1;
	r = malloc(n + 1);
	if (!r)
		return stop(c, CK_STARTTLS_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		r[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	r[n] = '\0';
	free(c->res->reply);
	c->res->reply = r;
	return true;
}

static bool send_all(struct conn *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error(c, "sending");
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Read more into c->buf, waiting at most until the deadline. */
static bool fill(struct conn *c, const char *waiting_for)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int64_t left = c->deadline - now_us();
	ssize_t n;
	int k;

	if (c->len == sizeof c->buf)
		return stop(c, CK_STARTTLS_UNEXPECTED, "%s is longer than %d bytes", waiting_for,
			    CK_STARTTLS_MAX_BYTES);
	if (left <= 0)
		return stop(c, CK_STARTTLS_TIMEOUT, "no %s within %.3g s", waiting_for,
			    c->timeout_ms / 1000.0);
	do
		k = poll(&pfd, 1, (int)((left + 999) / 1000));
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return io_error(c, "waiting");
	if (k == 0)
		return stop(c, CK_STARTTLS_TIMEOUT, "no %s within %.3g s", waiting_for,
			    c->timeout_ms / 1000.0);
	do
		n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return io_error(c, "reading");
	if (n == 0)
		return stop(c, CK_STARTTLS_CLOSED, "the server closed the connection before its %s",
			    waiting_for);
	c->len += (size_t)n;
	return true;
}

/* Drop the first n bytes of c->buf. */
static void take(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* ---------------------------------------------------------------- */
/* SMTP, IMAP, POP3 */

/* One line (without its CR LF) into line[]; false when the probe stops. */
static bool read_line(struct conn *c, char *line, size_t size, const char *waiting_for)
{
	for (;;) {
		unsigned char *nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			if (n >= size)
				break;
			memcpy(line, c->buf, n);
			if (n && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			take(c, (size_t)(nl - c->buf) + 1);
			return true;
		}
		if (c->len >= size)
			break;
		if (!fill(c, waiting_for))
			return false;
	}
	keep_reply(c, (const char *)c->buf, c->len < size ? c->len : size);
	return stop(c, CK_STARTTLS_UNEXPECTED, "the server's %s has a line longer than %d bytes: "
		    "it does not speak this protocol", waiting_for, CK_STARTTLS_MAX_LINE);
}

/* Is `line` the last one of a reply of this kind? */
static bool reply_ends(enum reply_kind kind, const char *line)
{
	switch (kind) {
	case SMTP_REPLY:
		/* "250-..." goes on; "250 ..." or a bare "250" ends; a line
		 * that is no reply at all ends too, and fails the check */
		return !(strlen(line) >= 4 && line[3] == '-');
	case ONE_LINE:
		return true;
	case IMAP_TAGGED:
		return strncmp(line, "* ", 2) != 0;
	}
	return true;
}

static bool line_step(struct conn *c, const struct step *s, const char *name, unsigned lines_max)
{
	char line[CK_STARTTLS_MAX_LINE + 1];
	char *cmd = NULL;
	const char *what = s->send ? "answer" : "greeting";
	unsigned lines = 0;

	if (s->send) {
		bool ok;
		bool named = s->send[strlen(s->send) - 1] == ' ';
		if (asprintf(&cmd, "%s%s\r\n", s->send, named ? name : "") < 0)
			return stop(c, CK_STARTTLS_NOMEM, "out of memory");
		ok = send_all(c, cmd, strlen(cmd));
		free(cmd);
		if (!ok)
			return false;
	}
	do {
		if (++lines > lines_max)
			return stop(c, CK_STARTTLS_UNEXPECTED, "the server's %s goes on for more than %u lines",
				    what, lines_max);
		if (!read_line(c, line, sizeof line, what))
			return false;
	} while (!reply_ends(s->kind, line));
	if (!keep_reply(c, line, strlen(line)))
		return false;
	if (strncasecmp(line, s->yes, strlen(s->yes)) && s->send)
		return stop(c, CK_STARTTLS_REFUSED, "the server answered %s with \"%s\"", s->cmd,
			    c->res->reply);
	for (size_t i = 0; i < 2 && strncasecmp(line, s->yes, strlen(s->yes)); i++)
		if (s->no[i] && !strncasecmp(line, s->no[i], strlen(s->no[i])))
			return stop(c, CK_STARTTLS_REFUSED, "the server's greeting says no: \"%s\"",
				    c->res->reply);
	if (strncasecmp(line, s->yes, strlen(s->yes)))
		return stop(c, CK_STARTTLS_UNEXPECTED, "the server's greeting is \"%s\", not \"%s ...\"",
			    c->res->reply, s->yes);
	return true;
}

/* A name for EHLO: a host name or address literal, nothing that could
 * end the line. */
static bool usable_name(const char *name)
{
	if (!name || !*name || strlen(name) > 255)
		return false;
	for (; *name; name++)
		if (*name <= 0x20 || *name >= 0x7f)
			return false;
	return true;
}

static bool run_lines(struct conn *c, const struct proto *p, const char *name)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (!line_step(c, &p->steps[i], name, 100))
			return false;
	return true;
}

/* ---------------------------------------------------------------- */
/* LDAP: an ExtendedRequest for StartTLS, an ExtendedResponse back */

static bool ldap_request(struct conn *c)
{
	asn1_node req = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	bool ok = false;
	struct ck_error err;

	ck_error_clear(&err);
	if (ck_der_create("CHAINKIT.LDAPExtendedRequestMessage", &req, &err) ||
	    ck_der_write(req, "messageID", "1", 0, &err) ||
	    ck_der_write(req, "protocolOp.requestName", LDAP_STARTTLS_OID, strlen(LDAP_STARTTLS_OID), &err) ||
	    ck_der_write(req, "protocolOp.requestValue", NULL, 0, &err) ||
	    ck_der_encode(req, "", &der, &len, &err))
		stop(c, err.status == CK_E_NOMEM ? CK_STARTTLS_NOMEM : CK_STARTTLS_IO,
		     "cannot encode the StartTLS request: %s", err.what);
	else
		ok = send_all(c, der, len);
	asn1_delete_structure(&req);
	free(der);
	return ok;
}

/* Read one whole BER message (SEQUENCE, definite length) from the socket.
 * Its length octets (X.690 8.1.3) are read here: libtasn1's
 * asn1_get_length_der() cannot tell a message not all in yet (a reply
 * split in TCP segments) from a broken one. */
static bool ldap_read(struct conn *c, size_t *msg_len)
{
	for (;;) {
		if (c->len >= 2) {
			size_t hdr = 2, len = c->buf[1];
			if (c->buf[0] != 0x30)
				return stop(c, CK_STARTTLS_UNEXPECTED,
					    "the answer is not an LDAP message: it does not speak LDAP");
			if (c->buf[1] & 0x80) {
				size_t n = c->buf[1] & 0x7f;
				/* 0x80 (indefinite) is not LDAP's BER (RFC 4511 5.1) */
				if (n == 0 || n > 4)
					return stop(c, CK_STARTTLS_UNEXPECTED,
						    "the answer is not an LDAP message of at most %d bytes",
						    CK_STARTTLS_MAX_BYTES);
				hdr = 2 + n;
				len = 0;
				for (size_t i = 0; i < n && hdr <= c->len; i++)
					len = len << 8 | c->buf[2 + i];
			}
			if (hdr <= c->len && (len > sizeof c->buf || hdr + len > sizeof c->buf))
				return stop(c, CK_STARTTLS_UNEXPECTED,
					    "the answer is not an LDAP message of at most %d bytes",
					    CK_STARTTLS_MAX_BYTES);
			if (hdr <= c->len && hdr + len <= c->len) {
				*msg_len = hdr + len;
				return true;
			}
		}
		if (!fill(c, "answer to the StartTLS request"))
			return false;
	}
}

static bool run_ldap(struct conn *c)
{
	asn1_node rsp = NULL;
	unsigned char *diag = NULL, *name = NULL;
	size_t n = 0, dlen = 0, nlen = 0;
	unsigned long id = 0, code = 0;
	unsigned char raw[8];
	int rlen = sizeof raw;
	bool ok = false;

	if (!ldap_request(c) || !ldap_read(c, &n))
		return false;
	if (ck_der_decode("CHAINKIT.LDAPExtendedResponseMessage", c->buf, n, &rsp, NULL) ||
	    !ck_der_read_uint(rsp, "messageID", &id) ||
	    asn1_read_value(rsp, "protocolOp.resultCode", raw, &rlen) != ASN1_SUCCESS ||
	    rlen < 1 || rlen > 4 || (raw[0] & 0x80)) {
		stop(c, CK_STARTTLS_UNEXPECTED, "the answer is not an LDAP ExtendedResponse");
		goto out;
	}
	for (int i = 0; i < rlen; i++)
		code = code << 8 | raw[i];
	take(c, n);
	ck_der_read_bytes(rsp, "protocolOp.diagnosticMessage", &diag, &dlen);
	ck_der_read_bytes(rsp, "protocolOp.responseName", &name, &nlen);
	{
		char text[CK_STARTTLS_MAX_REPLY];
		snprintf(text, sizeof text, "resultCode %lu%s%.*s", code, dlen ? ", " : "",
			 (int)(dlen < 200 ? dlen : 200), diag ? (const char *)diag : "");
		if (!keep_reply(c, text, strlen(text)))
			goto out;
	}
	if (id == 0) {
		/* RFC 4511 4.4.1: messageID 0 is the Notice of Disconnection */
		stop(c, CK_STARTTLS_REFUSED, "the server disconnected instead of answering StartTLS (%s)",
		     c->res->reply);
		goto out;
	}
	if (id != 1 || (nlen && (nlen != strlen(LDAP_STARTTLS_OID) ||
				 memcmp(name, LDAP_STARTTLS_OID, nlen)))) {
		stop(c, CK_STARTTLS_UNEXPECTED, "the answer is not the one to our StartTLS request");
		goto out;
	}
	if (code != 0) {
		stop(c, CK_STARTTLS_REFUSED, "the server refused StartTLS: %s", c->res->reply);
		goto out;
	}
	ok = true;
out:
	asn1_delete_structure(&rsp);
	free(diag);
	free(name);
	return ok;
}

/* ---------------------------------------------------------------- */
/* PostgreSQL: SSLRequest (length 8, code 80877103), answered 'S' or 'N' */

static bool run_postgres(struct conn *c)
{
	static const unsigned char ssl_request[8] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	if (!send_all(c, ssl_request, sizeof ssl_request) || !fill(c, "answer to the SSLRequest"))
		return false;
	if (!keep_reply(c, (const char *)c->buf, 1))
		return false;
	if (c->buf[0] == 'N')
		return stop(c, CK_STARTTLS_REFUSED, "the server refused the SSLRequest (\"N\"): it "
			    "has ssl = off, or no certificate");
	if (c->buf[0] == 'E')
		return stop(c, CK_STARTTLS_REFUSED, "the server answered the SSLRequest with an "
			    "error message (a server older than 7.0, or one that refuses it)");
	if (c->buf[0] != 'S')
		return stop(c, CK_STARTTLS_UNEXPECTED, "the answer to the SSLRequest is not \"S\" or "
			    "\"N\": it does not speak PostgreSQL's protocol");
	take(c, 1);
	return true;
}

void ck_starttls_run(int fd, enum ck_starttls proto, const char *name, unsigned timeout_ms,
		     struct ck_starttls_result *res)
{
	const struct proto *p = find(proto);
	struct conn *c = calloc(1, sizeof *c);
	bool ok;

	memset(res, 0, sizeof *res);
	if (!c) {
		res->outcome = CK_STARTTLS_NOMEM;
		return;
	}
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	c->deadline = now_us() + (int64_t)timeout_ms * 1000;
	c->res = res;
	if (!p)
		ok = stop(c, CK_STARTTLS_UNEXPECTED, "no such STARTTLS protocol");
	else if (p->steps)
		ok = run_lines(c, p, usable_name(name) ? name : "localhost");
	else if (proto == CK_STARTTLS_LDAP)
		ok = run_ldap(c);
	else
		ok = run_postgres(c);
	if (ok && c->len)
		stop(c, CK_STARTTLS_UNEXPECTED, "the server sent %zu more bytes after agreeing to "
		     "start TLS (plain text that would be mistaken for part of the TLS session)", c->len);
	free(c);
}
