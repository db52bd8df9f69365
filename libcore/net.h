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
 * in struct ck_net_opts.
 *
 * The URLs come from certificates someone else made: no connection is
 * opened to a link-local or cloud metadata address, or to one the
 * caller denies (ck_net_address_allowed); such a URL is
 * CK_URL_BLOCKED_ADDRESS. */
#ifndef CK_NET_H
#define CK_NET_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	CK_URL_BLOCKED_ADDRESS,  /* resolved to an address no fetch may connect to */
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
/* addresses a fetch may connect to */

/* An address range: IPv4 or IPv6 network and prefix length. */
struct ck_net_cidr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char net[16];   /* the network, in network byte order: 4
				    bytes used for AF_INET */
	unsigned bits;           /* prefix length: 0..32 or 0..128 */
};

/* Room for ck_net_cidr_format(): an IPv6 address, '/', three digits. */
#define CK_NET_CIDR_STRLEN 52

/* Parse "ADDRESS/BITS", or a lone "ADDRESS" (one address: /32, /128).
 * ADDRESS is a dotted-quad IPv4 or an IPv6 address as inet_pton(3) reads
 * them (no zone, no brackets); BITS is decimal with no sign or leading
 * zero, at most 32 or 128.  Address bits past the prefix must be zero:
 * "10.0.0.1/8" names a host, not a range, and is refused.  false with a
 * one-line reason in `why` (may be NULL). */
bool ck_net_cidr_parse(const char *s, struct ck_net_cidr *out, char *why, size_t whylen);

/* "169.254.0.0/16" into buf (CK_NET_CIDR_STRLEN bytes are always enough). */
void ck_net_cidr_format(const struct ck_net_cidr *c, char *buf, size_t len);

/* Does the range hold `address` (numeric IPv4 or IPv6)?  An IPv4 range
 * also holds the IPv4-mapped IPv6 forms of its addresses
 * (::ffff:169.254.0.0/112 is 169.254.0.0/16), since connecting to
 * one reaches the IPv4 address.  false when `address` is not numeric. */
bool ck_net_cidr_contains(const struct ck_net_cidr *c, const char *address);

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
	char **blocked;       /* every address a connection was refused to by
				 the address rules (no socket, no packet) */
	size_t nblocked;
	unsigned sockets;     /* sockets opened, over all hops: the connection
				 attempts made (a proxy's included) */
	char *proxy;          /* the proxy used, without its password
				 (ck_net_url_redacted), or NULL */
	int curl_code;        /* CURLcode of the last hop */
	long os_errno;        /* CURLINFO_OS_ERRNO of the last hop */
};

/* Release what a result holds (the struct itself is the caller's). */
void ck_net_result_cleanup(struct ck_net_result *r);

/* A deep copy of src into dst (caller's storage).  On CK_E_NOMEM, dst
 * holds nothing. */
enum ck_status ck_net_result_copy(const struct ck_net_result *src, struct ck_net_result *dst);

struct ck_net_opts {
	unsigned connect_timeout_ms; /* 0: CK_NET_CONNECT_TIMEOUT_DEFAULT_MS */
	unsigned timeout_ms;         /* per URL, all hops included; 0: CK_NET_TIMEOUT_DEFAULT_MS */
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
	/* Address rules, applied to every address a connection is about
	 * to be opened to, after name resolution and on every redirect hop
	 * (see ck_net_address_allowed()).  `deny` adds ranges to the
	 * built-in ones (link-local, cloud metadata); `allow` opens ranges.
	 * Borrowed; NULL when the count is 0. */
	const struct ck_net_cidr *deny, *allow;
	size_t ndeny, nallow;
	/* Names resolved here rather than by DNS, as curl's --resolve:
	 * "HOST:PORT:ADDRESS[,ADDRESS]...", IPv6 addresses in brackets.
	 * NULL-terminated, may be NULL.  See ck_net_resolve_check(). */
	const char *const *resolve;
	/* Called after each URL completes (may be NULL). */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
};

/* May a fetch connect to `address` (numeric IPv4 or IPv6)?  The
 * user's rules (opts->deny, opts->allow; opts may be NULL) come first:
 * among those that hold the address, the longest prefix decides, deny
 * on a tie.  When none does, the built-in ranges are refused: the
 * link-local ranges 169.254.0.0/16 and fe80::/10 and the cloud
 * instance-metadata addresses 169.254.169.254, fd00:ec2::254 (AWS over
 * IPv6) and 100.100.100.200 (Alibaba Cloud), IPv4-mapped forms
 * included.  Everything else is allowed: private ranges (10/8,
 * 172.16/12, 192.168/16) and loopback too.  When refused, `why` (may be
 * NULL) gets a one-line reason naming the address and the range. */
bool ck_net_address_allowed(const struct ck_net_opts *o, const char *address, char *why,
			    size_t whylen);

/* Check a --resolve entry ("HOST:PORT:ADDRESS[,ADDRESS]..."): a host
 * name, a port from 1 to 65535, numeric addresses (IPv6 in brackets).
 * false with a one-line reason in `why` (may be NULL). */
bool ck_net_resolve_check(const char *entry, char *why, size_t whylen);

/* Does the URL's host match a NOPROXY list, by curl's rules ("*", the
 * host and its subdomains, IPv4 CIDR blocks)? */
bool ck_net_no_proxy(const char *url, const char *list);

#define CK_NET_MAX_BODY_DEFAULT (1024u * 1024)

/* Every default timeout of a network operation of libcore and the
 * tools, in one place (the timeouts of other clients that runtime.c
 * models are facts about them, not defaults of ours, and stay there;
 * --help repeats the defaults in words: change them together).  Not
 * here: aiaserve's 300 ms probe that fills a dropping listener's accept
 * queue and the worker pool's 200 ms progress tick, which are not
 * timeouts of anything a user waits for. */
/* URL fetches (ck_net_run): the TCP connect of one hop (name resolution included) */
#define CK_NET_CONNECT_TIMEOUT_DEFAULT_MS 5000u
/* URL fetches: one URL, every hop included (online revocation: all fetches of an analysis) */
#define CK_NET_TIMEOUT_DEFAULT_MS 10000u
/* URL fetches: the longest ck_net_run() sleeps between looks at its transfers */
#define CK_NET_POLL_MS 200
/* TLS probe (tls.h, mtlsprobe): the TCP connect, every address together */
#define CK_TLS_CONNECT_TIMEOUT_DEFAULT_MS 10000u
/* TLS probe: the handshake, then each read */
#define CK_TLS_TIMEOUT_DEFAULT_MS 30000u
/* TLS probe: the read after a TLS 1.3 handshake waits at least this
 * long, and at least twice the handshake (a round trip and back) */
#define CK_TLS_LINGER_MIN_MS 1000u
/* TLS probe: the close_notify sent at the end waits at most this long */
#define CK_TLS_BYE_TIMEOUT_MS 100u

/* The limits that apply to one URL: its budget (every hop included),
 * and the connect limit, which the budget caps (--timeout 2 with the
 * default connect timeout gives up a connect after 2 s, not 5). */
unsigned ck_net_timeout_ms(const struct ck_net_opts *o);
unsigned ck_net_connect_timeout_ms(const struct ck_net_opts *o);
#define CK_NET_MAX_REDIRECTS 5

/* Fetch every request concurrently and fill results[0..n) (caller's
 * storage; clean each with ck_net_result_cleanup()).  A URL that fails
 * is a result, not an error: the status is CK_OK unless libcurl could
 * not start at all (CK_E_INTERNAL) or memory ran out. */
enum ck_status ck_net_run(const struct ck_net_request *reqs, size_t n,
			  const struct ck_net_opts *opts, struct ck_net_result *results,
			  struct ck_error *err);

/* The distinct requests of a batch: many entries ask the same request
 * (certificates share their issuer's URLs), and each distinct one is
 * fetched once.  Two requests are the same when URL and POST body are.
 * The requests are copied by value: their strings stay the caller's. */
struct ck_net_reqset {
	struct ck_net_request *reqs; /* the distinct requests, first seen first */
	size_t n;
	size_t max;                  /* room for this many */
	uint64_t *hash;              /* private: hash of reqs[i] */
	size_t *slot;                /* private: 1-based indices into reqs */
	size_t cap;
};

/* Room for up to `max` distinct requests.  CK_E_NOMEM or CK_OK. */
enum ck_status ck_net_reqset_init(struct ck_net_reqset *s, size_t max);

/* The index of the request equal to `r` in s->reqs, added if new; -1
 * when s already holds `max` requests. */
long ck_net_reqset_add(struct ck_net_reqset *s, const struct ck_net_request *r);

void ck_net_reqset_free(struct ck_net_reqset *s);

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

/* A tunnel through an HTTP proxy, for a protocol libcurl does not speak
 * (mtlsprobe's own TLS session): libcurl connects to `proxy` (its URL
 * syntax), sends CONNECT host:port and stops there
 * (CURLOPT_CONNECT_ONLY), within `timeout_ms`.  On success the tunnel
 * is a blocking socket of the caller's (close it); fd is -1 otherwise. */
struct ck_net_tunnel {
	int fd;
	long connect_code;    /* the proxy's answer to CONNECT, 0 none */
	char *address;        /* the proxy's address, or NULL */
	char *error;          /* one line when fd is -1 */
};

/* CK_OK whether or not the tunnel was made (see t->fd); CK_E_NOMEM or
 * CK_E_INTERNAL when libcurl could not start.  Free the strings with
 * ck_net_tunnel_cleanup(). */
enum ck_status ck_net_tunnel_open(const char *proxy, const char *host, const char *port,
				  unsigned timeout_ms, struct ck_net_tunnel *t, struct ck_error *err);
void ck_net_tunnel_cleanup(struct ck_net_tunnel *t);

/* `url` without its password (libcurl's URL parser; "USER:***@"
 * stays to say one was given), for reports; in a URL it cannot parse,
 * what lies between the user information's ':' and the last '@' is
 * replaced.  NULL when out of memory; free() it. */
char *ck_net_url_redacted(const char *url);

#endif
