/* tls — the TLS part of the network layer: one mutual-TLS handshake,
 * observed and explained.
 *
 * With `net` (URL checks), this is the only module that opens sockets.
 * ck_tls_probe() resolves the name, connects with a bounded
 * non-blocking connect, runs a GnuTLS client handshake and records what
 * a person needs to understand a mutual-TLS failure: the phases and their
 * timings, every handshake message, the negotiated parameters, the
 * server's certificates, each CertificateRequest (acceptable CA names,
 * signature algorithms), which client certificates went out, and how the
 * connection ended (alert, close, reset, timeout, refused, dropped...).
 *
 * The rest works on what a probe recorded and needs no server: the
 * classification of errors, how a client chain relates to the CA names a
 * server listed (ck_tls_match_ca), and the verdict in words
 * (ck_tls_explain). */
#ifndef CK_TLS_H
#define CK_TLS_H

#include "cert.h"
#include "err.h"
#include "load.h"
#include "starttls.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ck_tls_version {
	CK_TLS_ANY = 0, /* TLS 1.2 or 1.3, as GnuTLS negotiates */
	CK_TLS_V12,
	CK_TLS_V13,
};

/* How a probe ended.  The names (ck_tls_end_name) are stable words of
 * the JSON contract and the man page. */
enum ck_tls_end {
	CK_TLS_END_OK = 0,      /* handshake (and request, if any) completed */
	CK_TLS_END_DNS,         /* the name did not resolve */
	CK_TLS_END_REFUSED,     /* the TCP connection was refused */
	CK_TLS_END_DROPPED,     /* no answer to the TCP connection in time */
	CK_TLS_END_UNREACHABLE, /* no route to the host or network */
	CK_TLS_END_CONNECT,     /* another error while connecting */
	CK_TLS_END_TIMEOUT,     /* connected, then no answer in time */
	CK_TLS_END_ALERT,       /* the server sent a fatal alert */
	CK_TLS_END_CLOSED,      /* the server closed the connection, no alert */
	CK_TLS_END_RESET,       /* the connection was reset */
	CK_TLS_END_TLS,         /* a TLS failure on our side */
	CK_TLS_END_HTTP,        /* the request was answered with status >= 400 */
	CK_TLS_END_HTTP_BAD,    /* the answer to the request is not HTTP */
	CK_TLS_END_PROXY,       /* the proxy could not be used or refused CONNECT */
	CK_TLS_END_STARTTLS,    /* the server refused STARTTLS, or did not speak the protocol */
};

/* "ok", "dns-failure", "refused", "dropped", "unreachable",
 * "connect-error", "timeout", "alert", "closed", "reset", "tls-error",
 * "http-status", "http-malformed", "proxy-error", "starttls-failed". */
const char *ck_tls_end_name(enum ck_tls_end end);

/* Where a probe was when it ended. */
enum ck_tls_phase {
	CK_TLS_PHASE_DNS = 0,
	CK_TLS_PHASE_CONNECT,
	CK_TLS_PHASE_HANDSHAKE,
	CK_TLS_PHASE_AFTER,     /* the read after a TLS 1.3 handshake */
	CK_TLS_PHASE_HTTP,
	CK_TLS_PHASE_DONE,
	CK_TLS_PHASE_PROXY,     /* the CONNECT through a proxy */
	CK_TLS_PHASE_STARTTLS,  /* the plain-text dialogue before TLS */
};

/* "dns", "connect", "handshake", "after-handshake", "http", "done",
 * "proxy", "starttls". */
const char *ck_tls_phase_name(enum ck_tls_phase phase);

/* Classify a failed connect(2): `err` is the errno it gave, 0 when the
 * connect timeout ran out.  Returns REFUSED, DROPPED, UNREACHABLE or
 * CONNECT. */
enum ck_tls_end ck_tls_classify_connect(int err);

/* Classify a GnuTLS error from a connected session (`gnutls_error` < 0)
 * with the errno of the last failed socket call (0 if none). */
enum ck_tls_end ck_tls_classify(int gnutls_error, int sys_errno);

/* One TLS alert: its number, RFC name ("unknown_ca"), what a server
 * means by it, and what to do.  ck_tls_alert_info() returns NULL for a
 * number it does not know. */
struct ck_tls_alert_info {
	int code;
	const char *name;
	const char *meaning;
	const char *hint;
	bool about_client_cert; /* servers send it to reject a client certificate */
};
const struct ck_tls_alert_info *ck_tls_alert_info(int code);

/* A handshake message as it went by. */
struct ck_tls_message {
	bool received;   /* from the server */
	int type;        /* gnutls_handshake_description_t */
	size_t length;   /* body length */
	int64_t at_us;   /* since the TCP connection was made */
	unsigned certs;  /* our Certificate: how many certificates it carried */
};

/* "ClientHello", "CertificateRequest", ... (RFC 8446 names). */
const char *ck_tls_message_name(int type);

/* A distinguished name from a CertificateRequest. */
struct ck_tls_dn {
	unsigned char *der;
	size_t len;
	char *text;      /* RFC 4514 */
};

/* One CertificateRequest (a server may send more than one: in the
 * handshake, then after it in TLS 1.3 or on a TLS 1.2 renegotiation). */
struct ck_tls_request {
	bool after_handshake;   /* TLS 1.3 post-handshake authentication or renegotiation */
	bool understood;        /* GnuTLS parsed it and asked us for a certificate */
	bool empty_ca_extension; /* TLS 1.3 certificate_authorities with an empty list */
	struct ck_tls_dn *ca_names;
	size_t nca_names;
	ck_strv sign_algos;     /* "RSA-PSS-RSAE-SHA256", ... */
	ck_strv key_types;      /* public key algorithms they allow: "RSA", "EC/ECDSA", ... */
	size_t nsent;           /* certificates we answered with */
};

/* A connect attempt to one address. */
struct ck_tls_attempt {
	char *address;          /* numeric */
	enum ck_tls_end result; /* OK when connected */
	int sys_errno;
	int64_t time_us;
};

struct ck_tls_opts {
	const char *host;       /* name or IP literal (without brackets) */
	const char *port;       /* numeric */
	const char *sni;        /* server name to send; NULL: none */
	unsigned connect_timeout_ms; /* for all addresses together; 0: CK_TLS_CONNECT_TIMEOUT_DEFAULT_MS */
	unsigned timeout_ms;    /* handshake, then each read; 0: CK_TLS_TIMEOUT_DEFAULT_MS */
	enum ck_tls_version version;
	const char *http_path;  /* NULL: no request */
	const char *http_host;  /* Host header; NULL: host[:port] */
	/* ALPN protocols to offer, NULL-terminated (each 1 to 255 bytes);
	 * NULL: none, or http/1.1 with http_path.  Not with http_path. */
	const char *const *alpn;
	/* The client certificates to send, in order (leaf first), and the
	 * key of the first.  Borrowed.  nsend 0 / key NULL: none. */
	const struct ck_cert *const *send;
	size_t nsend;
	const struct ck_key *key;
	/* An HTTP proxy to tunnel through with CONNECT (libcurl's proxy
	 * syntax, "http://[USER:PASSWORD@]HOST[:PORT]"); NULL: connect
	 * directly.  The proxy resolves the host: no lookup here. */
	const char *proxy;
	/* The plain-text dialogue that asks for TLS before the handshake
	 * (starttls.h); CK_STARTTLS_NONE: TLS from the first byte.
	 * starttls_name: our name in SMTP's EHLO (NULL: "localhost"). */
	enum ck_starttls starttls;
	const char *starttls_name;
};

#define CK_TLS_HTTP_MAX_HEAD 16384  /* bytes of the response read at most */

struct ck_tls_result {
	/* connection */
	ck_strv addresses;       /* what the name resolved to */
	struct ck_tls_attempt *attempts;
	size_t nattempts;
	char *address;           /* the address connected to, or NULL */
	bool numeric_host;       /* the host was an IP literal: no lookup */
	bool dns_timed_out;      /* CK_TLS_END_DNS: no answer within the connect timeout */
	int64_t dns_us, connect_us, handshake_us, first_byte_us, total_us; /* -1: not reached */
	int64_t starttls_us;     /* the STARTTLS dialogue; -1: none or not reached */
	/* through a proxy: its URL as given, a password in it replaced by
	 * "***", and its answer to CONNECT (0: none) */
	char *proxy;
	long proxy_status;
	/* the server's last line in the STARTTLS dialogue (printable ASCII,
	 * at most CK_STARTTLS_MAX_REPLY bytes), or NULL */
	char *starttls_reply;
	enum ck_starttls_outcome starttls_outcome; /* with CK_TLS_END_STARTTLS */
	unsigned linger_ms;      /* how long the read after a TLS 1.3 handshake waited */
	/* the handshake */
	struct ck_tls_message *messages;
	size_t nmessages;
	bool handshake_done;
	char *version;           /* "TLS1.3" */
	char *cipher_suite;      /* "TLS_AES_256_GCM_SHA384" */
	char *group;             /* key exchange group, "X25519", or NULL */
	char *server_signature;  /* the server's signature algorithm, or NULL */
	char *alpn;              /* negotiated protocol, or NULL */
	ck_strv alpn_offered;
	bool post_handshake_offered; /* we offered TLS 1.3 post-handshake authentication */
	bool renegotiated;       /* TLS 1.2 renegotiation was requested */
	bool closed_after_handshake; /* close_notify in the read after a TLS 1.3 handshake */
	struct ck_tls_request *requests;
	size_t nrequests;
	struct ck_cert **peer;   /* the server's certificates, as sent */
	size_t npeer;
	int peer_error;          /* a server certificate we could not parse: 0 or the status */
	/* HTTP */
	bool http_sent;
	char *http_status_line;
	int http_status;         /* 0 when none */
	size_t http_bytes;       /* response bytes read */
	/* the end */
	enum ck_tls_end end;
	enum ck_tls_phase phase;
	int alert;               /* the alert received, -1 none */
	int gnutls_error;        /* 0 none */
	int sys_errno;           /* 0 none */
	char *error;             /* what the lowest layer said, or NULL */
	unsigned char first_bytes[8]; /* the server's first bytes (to spot plain text) */
	size_t nfirst_bytes;
};

/* Run one probe.  Network failures are results (r->end), not errors:
 * the status is CK_OK whenever the probe ran.  Errors: CK_E_USAGE for
 * meaningless options, CK_E_PARSE when the key or a certificate to send
 * cannot be used by GnuTLS, CK_E_NOMEM, CK_E_INTERNAL.  *out is freed
 * with ck_tls_result_free(). */
enum ck_status ck_tls_probe(const struct ck_tls_opts *opts, struct ck_tls_result **out,
			    struct ck_error *err);

void ck_tls_result_free(struct ck_tls_result *r);

/* The last CertificateRequest, or NULL. */
const struct ck_tls_request *ck_tls_last_request(const struct ck_tls_result *r);

/* How a client chain (leaf first) relates to the CA names of a request.
 * A name matches a certificate that it issued (relation "issuer") or
 * that it is ("subject"); raw DER is compared first, then the RFC 4514
 * text without regard to case. */
struct ck_tls_match {
	long *position;        /* per CA name: chain position it matches, -1 */
	bool *is_subject;      /* per CA name: the certificate is that CA */
	size_t nnames;
	long through;          /* lowest chain position leading to a listed CA, -1 */
	long name;             /* the CA name matched there, -1 */
	size_t needed;         /* certificates the server needs from the leaf up; 0 unknown */
};

enum ck_status ck_tls_match_ca(const struct ck_tls_request *rq, const struct ck_cert *const *chain,
			       size_t n, struct ck_tls_match *m);
void ck_tls_match_cleanup(struct ck_tls_match *m);

/* What the caller knows about the client side and the server's chain,
 * for the verdict.  Everything is borrowed. */
struct ck_tls_context {
	const struct ck_cert *const *chain; /* our client chain, leaf first (may reach into trust stores) */
	size_t len;
	size_t available;       /* how many of chain, from the leaf, the credential holds */
	size_t completable;     /* how many --send chain sends (the file, then --ca-file...) */
	bool complete;          /* the chain ends at a self-signed certificate */
	const char *credential; /* the credential's file name, NULL when none */
	const char *send_mode;  /* "auto", "leaf", "chain" */
	int server_valid;       /* the server's chain: 1 valid, 0 not, -1 not seen */
	const char *server_problem; /* what is wrong with it (a finding's message) */
	unsigned timeout_ms, connect_timeout_ms;
	const char *host, *port, *sni, *http_path;
	enum ck_starttls starttls;
};

struct ck_tls_verdict {
	bool success;
	char *summary;   /* one line: what happened */
	char *cause;     /* the likely cause, NULL when nothing is wrong */
	char *hint;      /* what to do, may be NULL */
};

/* Put the probe's end into words.  `m` is the match of the last request
 * against ctx->chain (may be NULL). */
enum ck_status ck_tls_explain(const struct ck_tls_result *r, const struct ck_tls_match *m,
			      const struct ck_tls_context *ctx, struct ck_tls_verdict *v);
void ck_tls_verdict_cleanup(struct ck_tls_verdict *v);

#endif
