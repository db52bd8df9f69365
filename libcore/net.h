/* net — URL checks over the network; the only module that opens sockets.
 *
 * Every URL of a batch is fetched concurrently with libcurl's multi
 * interface.  Redirects are followed here, one request per hop, so that
 * each hop's status and timings are known.  Each URL ends in exactly one
 * result class (enum ck_url_result); the content classes (bad-content,
 * wrong-issuer, stale, revoked) are decided by the callers that
 * understand the body.
 *
 * libcore reads no environment: proxies and the CA bundle for https come
 * in struct ck_net_opts. */
#ifndef CK_NET_H
#define CK_NET_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>

/* The result classes, one per URL (see aiacheck(1)). */
enum ck_url_result {
	CK_URL_OK = 0,
	CK_URL_DNS_FAILURE,      /* the host name did not resolve */
	CK_URL_REFUSED,          /* the connection was refused (RST) or rejected */
	CK_URL_DROPPED,          /* connect got no answer before the connect timeout */
	CK_URL_TIMEOUT,          /* connected, no or too slow response */
	CK_URL_TLS_ERROR,
	CK_URL_HTTP_ERROR,       /* an error status, a broken answer, too many redirects */
	CK_URL_PROXY_ERROR,
	CK_URL_TOO_LARGE,        /* body over the limit */
	CK_URL_BAD_CONTENT,      /* not what the URL's kind must serve */
	CK_URL_WRONG_ISSUER,     /* served by or signed by the wrong CA */
	CK_URL_STALE,            /* CRL or OCSP response past its nextUpdate */
	CK_URL_REVOKED,          /* the certificate is revoked */
	CK_URL_UNSUPPORTED_SCHEME,
	CK_URL_MALFORMED,
	CK_URL_RESULT_COUNT,
};

/* "ok", "dns-failure", ... as in the JSON contract. */
const char *ck_url_result_name(enum ck_url_result r);

/* One line on what the class means (man page test, --help). */
const char *ck_url_result_summary(enum ck_url_result r);

/* Schemes, as bits. */
enum {
	CK_SCHEME_HTTP = 1 << 0,
	CK_SCHEME_HTTPS = 1 << 1,
	CK_SCHEME_LDAP = 1 << 2,
	CK_SCHEME_LDAPS = 1 << 3,
};

/* The schemes this libcurl can fetch (http and https always; ldap and
 * ldaps when libcurl was built with LDAP). */
unsigned ck_net_schemes(void);

/* Check a URL's syntax before any traffic.  Returns CK_URL_OK when it
 * can be requested, CK_URL_MALFORMED (surrounding spaces, no scheme, an
 * unknown scheme such as "hhtp", no host, characters libcurl refuses) or
 * CK_URL_UNSUPPORTED_SCHEME (a real scheme that `schemes` does not
 * allow, e.g. ftp, or ldap without LDAP support).  `why` (may be NULL)
 * receives a one-line reason. */
enum ck_url_result ck_url_validate(const char *url, unsigned schemes, char *why, size_t whylen);

/* A copy of `url` without leading and trailing white space, or NULL
 * when there is none to remove (or out of memory). */
char *ck_url_trimmed(const char *url);

/* ---------------------------------------------------------------- */
/* requests */

struct ck_net_request {
	const char *url;
	const unsigned char *post;  /* POST this body; NULL: GET */
	size_t post_len;
	const char *content_type;   /* of the POST body */
	const char *accept;         /* Accept header, or NULL */
};

/* Phase durations in milliseconds; -1 when the phase did not happen
 * (a reused connection has no DNS or connect phase, http has no TLS). */
struct ck_net_timings {
	double dns, connect, tls, first_byte, total;
};

struct ck_net_hop {
	char *url;
	long status;          /* HTTP status, 0 when there was no answer */
	char *location;       /* absolute redirect target, or NULL */
	char *ip;             /* the address connected to, or NULL */
	struct ck_net_timings t;
};

struct ck_net_result {
	enum ck_url_result result; /* transport class: never a content class */
	char message[320];    /* one line on what happened */
	struct ck_net_hop *hops;   /* every request made, first to last */
	size_t nhops;
	struct ck_net_timings t;   /* phases of the last hop; total over all hops */
	long http_status;     /* of the last hop, 0 if none */
	char *content_type;   /* of the last hop, or NULL */
	unsigned char *body;  /* the last hop's body (NUL-terminated), or NULL */
	size_t body_len;
	char **addresses;     /* every address a connection was tried to */
	size_t naddresses;
	char *proxy;          /* the proxy used, or NULL */
	int curl_code;        /* CURLcode of the last hop */
	long os_errno;        /* CURLINFO_OS_ERRNO of the last hop */
};

/* Release what a result holds (the struct itself is the caller's). */
void ck_net_result_cleanup(struct ck_net_result *r);

/* A deep copy of src into dst (caller's storage).  On CK_E_NOMEM, dst
 * holds nothing. */
enum ck_status ck_net_result_copy(const struct ck_net_result *src, struct ck_net_result *dst);

struct ck_net_opts {
	unsigned connect_timeout_ms; /* 0: 5000 */
	unsigned timeout_ms;         /* per URL, all hops included; 0: 10000 */
	size_t max_body;             /* 0: CK_NET_MAX_BODY_DEFAULT */
	unsigned parallel;           /* transfers at once; 0: 16 */
	unsigned schemes;            /* allowed; 0: ck_net_schemes() */
	/* Proxies, as curl takes them from the environment, or --proxy
	 * (`proxy`, for every scheme).  NULL or "": none. */
	const char *proxy;
	const char *http_proxy, *https_proxy;
	const char *no_proxy;        /* curl's NOPROXY list */
	/* Trust for https peers (PEM bundle file, hashed directory); NULL:
	 * libcurl's built-in default. */
	const char *ca_file, *ca_path;
	const char *user_agent;      /* NULL: none sent */
	/* Called after each URL completes (may be NULL). */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
};

/* Does the URL's host match a NOPROXY list, by curl's rules ("*", the
 * host and its subdomains, IPv4 CIDR blocks)? */
bool ck_net_no_proxy(const char *url, const char *list);

#define CK_NET_MAX_BODY_DEFAULT (1024u * 1024)
#define CK_NET_MAX_REDIRECTS 5

/* Fetch every request concurrently and fill results[0..n) (caller's
 * storage; clean each with ck_net_result_cleanup()).  A URL that fails
 * is a result, not an error: the status is CK_OK unless libcurl could
 * not start at all (CK_E_INTERNAL) or memory ran out. */
enum ck_status ck_net_run(const struct ck_net_request *reqs, size_t n,
			  const struct ck_net_opts *opts, struct ck_net_result *results,
			  struct ck_error *err);

/* What a finished transfer looked like; ck_net_classify() maps it to a
 * class.  Exported so that the mapping can be tested without a network. */
struct ck_net_outcome {
	int curl_code;        /* CURLcode */
	long os_errno;        /* CURLINFO_OS_ERRNO */
	bool resolved;        /* name resolution finished */
	bool connected;       /* a TCP connection was established */
	bool via_proxy;
	long connect_code;    /* CURLINFO_HTTP_CONNECTCODE (proxy CONNECT) */
	bool body_exceeded;   /* the write callback stopped at the limit */
	long http_status;
};

enum ck_url_result ck_net_classify(const struct ck_net_outcome *o);

#endif
