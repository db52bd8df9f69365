/* starttls — the plain-text dialogue that turns a connection into a TLS
 * one (SMTP, IMAP, POP3, LDAP, PostgreSQL), for mtlsprobe's --starttls.
 *
 * Runs on a socket that `tls` has connected (this module opens none),
 * with every read bounded in size and by the probe's deadline; after
 * CK_STARTTLS_DONE the next byte on the socket is the server's first
 * TLS byte. */
#ifndef CK_STARTTLS_H
#define CK_STARTTLS_H

#include <stdbool.h>
#include <stdint.h>

enum ck_starttls {
	CK_STARTTLS_NONE = 0,
	CK_STARTTLS_SMTP,       /* RFC 3207: EHLO, STARTTLS */
	CK_STARTTLS_IMAP,       /* RFC 9051: STARTTLS */
	CK_STARTTLS_POP3,       /* RFC 2595: STLS */
	CK_STARTTLS_LDAP,       /* RFC 4511: the StartTLS extended operation */
	CK_STARTTLS_POSTGRES,   /* PostgreSQL's SSLRequest */
};

/* "smtp", "imap", "pop3", "ldap", "postgres"; NULL for NONE. */
const char *ck_starttls_name(enum ck_starttls proto);

/* The protocol named `name` (the names above, "postgresql" too);
 * false when none is. */
bool ck_starttls_parse(const char *name, enum ck_starttls *out);

/* The port the protocol's STARTTLS usually runs on ("25", "143", "110",
 * "389", "5432"); NULL for NONE. */
const char *ck_starttls_port(enum ck_starttls proto);

#define CK_STARTTLS_MAX_REPLY 256   /* bytes of a reply line kept */
#define CK_STARTTLS_MAX_LINE 1024   /* a longer line is not the protocol */
#define CK_STARTTLS_MAX_BYTES 16384 /* bytes read for one reply at most */

enum ck_starttls_outcome {
	CK_STARTTLS_DONE = 0,   /* the server agreed: TLS starts now */
	CK_STARTTLS_REFUSED,    /* the server answered, and said no */
	CK_STARTTLS_UNEXPECTED, /* the answer is not the protocol */
	CK_STARTTLS_CLOSED,     /* the server closed the connection */
	CK_STARTTLS_TIMEOUT,    /* no (complete) answer before the deadline */
	CK_STARTTLS_IO,         /* a socket error (sys_errno) */
	CK_STARTTLS_NOMEM,
};

struct ck_starttls_result {
	enum ck_starttls_outcome outcome;
	char *reply;     /* the server's last line (or LDAP's result), printable, or NULL */
	char *error;     /* one line: what went wrong, NULL when DONE */
	int sys_errno;
};

/* Run the dialogue of `proto` on the connected socket `fd`, within
 * `timeout_ms` in all.  `name` is our name in SMTP's EHLO (NULL:
 * "localhost").  Fills *res (free its strings with
 * ck_starttls_result_cleanup()). */
void ck_starttls_run(int fd, enum ck_starttls proto, const char *name, unsigned timeout_ms,
		     struct ck_starttls_result *res);

void ck_starttls_result_cleanup(struct ck_starttls_result *res);

#endif
