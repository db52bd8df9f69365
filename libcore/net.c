/* net — URL checks with libcurl's multi interface.
 *
 * Invariants:
 * - This is the only place in chainkit that opens a socket (through
 *   libcurl, and in open_socket() below, which records every address a
 *   connection is tried to).
 * - No environment is read: CURLOPT_PROXY and CURLOPT_NOPROXY are always
 *   set, so libcurl does not look at http_proxy and friends either.
 * - Redirects are followed here, one easy-handle transfer per hop (never
 *   CURLOPT_FOLLOWLOCATION), at most CK_NET_MAX_REDIRECTS, http and https
 *   only, so that every hop's status and timings are recorded.
 * - At most `parallel` transfers run at once; the rest wait in order.
 *   A URL's time budget covers all of its hops.
 * - A body is kept up to max_body bytes; beyond, the transfer is aborted
 *   in the write callback (or before it starts, from Content-Length).
 * - No socket is opened to an address the address rules refuse
 *   (ck_net_address_allowed): open_socket() decides for every address
 *   libcurl is about to connect to, after name resolution, on every hop
 *   and for every address a name has, and returns CURL_SOCKET_BAD
 *   before socket(2) for a refused one, so no packet is sent.  That
 *   callback is the only place that sees each address before the
 *   connect (CURLOPT_PREREQFUNCTION runs after it, and sees one address).
 *   Through a proxy, the proxy connects: only a URL whose host is an
 *   address is checked, before the transfer starts. */
#include "config.h"

#include "net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- */
/* result classes */

static const struct {
	const char *name, *summary;
} classes[CK_URL_RESULT_COUNT] = {
	[CK_URL_OK] = { "ok", "fetched, and the content is what the URL must serve" },
	[CK_URL_DNS_FAILURE] = { "dns-failure", "the host name did not resolve" },
	[CK_URL_REFUSED] = { "refused", "the connection was refused (RST) or rejected (ICMP unreachable)" },
	[CK_URL_DROPPED] = { "dropped", "the TCP connect got no answer before the connect timeout" },
	[CK_URL_TIMEOUT] = { "timeout", "connected, but no complete answer before the timeout" },
	[CK_URL_TLS_ERROR] = { "tls-error", "the TLS handshake or the server's certificate failed" },
	[CK_URL_HTTP_ERROR] = { "http-error", "an error status, a broken answer or too many redirects" },
	[CK_URL_PROXY_ERROR] = { "proxy-error", "the proxy could not be reached or refused the request" },
	[CK_URL_TOO_LARGE] = { "too-large", "the body is larger than the limit" },
	[CK_URL_BAD_CONTENT] = { "bad-content", "the body is not what the URL's kind must serve" },
	[CK_URL_WRONG_ISSUER] = { "wrong-issuer", "the content belongs to or is signed by another CA" },
	[CK_URL_STALE] = { "stale", "the CRL or OCSP response is past its nextUpdate" },
	[CK_URL_REVOKED] = { "revoked", "the certificate is revoked" },
	[CK_URL_UNSUPPORTED_SCHEME] = { "unsupported-scheme", "a scheme that is not fetched (ftp, or ldap without LDAP support)" },
	[CK_URL_MALFORMED] = { "malformed-url", "the URL is not a valid URL (spaces, no or unknown scheme)" },
	[CK_URL_BLOCKED_ADDRESS] = { "blocked-address", "not fetched: the host is a link-local, cloud metadata or denied address" },
};

const char *ck_url_result_name(enum ck_url_result r)
{
	return r < CK_URL_RESULT_COUNT ? classes[r].name : "unknown";
}

const char *ck_url_result_summary(enum ck_url_result r)
{
	return r < CK_URL_RESULT_COUNT ? classes[r].summary : "";
}

/* ---------------------------------------------------------------- */
/* libcurl set-up */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static bool has_protocol(const char *name)
{
	const curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
	for (const char *const *p = d ? d->protocols : NULL; p && *p; p++)
		if (!strcasecmp(*p, name))
			return true;
	return false;
}

unsigned ck_net_schemes(void)
{
	unsigned s = CK_SCHEME_HTTP | CK_SCHEME_HTTPS;
	pthread_once(&curl_once, curl_init);
	if (has_protocol("ldap"))
		s |= CK_SCHEME_LDAP;
	if (has_protocol("ldaps"))
		s |= CK_SCHEME_LDAPS;
	return s;
}

/* ---------------------------------------------------------------- */
/* URL syntax */

static const struct {
	const char *name;
	unsigned bit;
} fetchable[] = {
	{ "http", CK_SCHEME_HTTP },
	{ "https", CK_SCHEME_HTTPS },
	{ "ldap", CK_SCHEME_LDAP },
	{ "ldaps", CK_SCHEME_LDAPS },
};

/* Real schemes that may appear in certificates but are never fetched:
 * an unknown scheme ("hhtp") is a malformed URL, these are not. */
static const char *const known_schemes[] = {
	"ftp", "ftps", "file", "gopher", "tftp", "dict", "telnet", "sftp", "scp",
	"smb", "smbs", "data", "mailto", "urn", "dns", "rsync", "nfs", NULL,
};

char *ck_url_trimmed(const char *url)
{
	size_t b = 0, e = strlen(url);
	char *t;
	while (b < e && isspace((unsigned char)url[b]))
		b++;
	while (e > b && isspace((unsigned char)url[e - 1]))
		e--;
	if (b == 0 && e == strlen(url))
		return NULL;
	t = malloc(e - b + 1);
	if (t) {
		memcpy(t, url + b, e - b);
		t[e - b] = '\0';
	}
	return t;
}

/* Length of the scheme at the start of url ("http" -> 4), 0 if none. */
static size_t scheme_len(const char *url)
{
	size_t n = 0;
	if (!isalpha((unsigned char)url[0]))
		return 0;
	while (isalnum((unsigned char)url[n]) || url[n] == '+' || url[n] == '-' || url[n] == '.')
		n++;
	return url[n] == ':' ? n : 0;
}

static enum ck_url_result why_set(char *why, size_t len, enum ck_url_result r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum ck_url_result why_set(char *why, size_t len, enum ck_url_result r, const char *fmt, ...)
{
	va_list ap;
	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return r;
}

enum ck_url_result ck_url_validate(const char *url, unsigned schemes, char *why, size_t whylen)
{
	char scheme[32];
	size_t n, len = strlen(url);
	unsigned bit = 0;
	CURLU *u;
	CURLUcode uc;

	if (why && whylen)
		why[0] = '\0';
	if (!len)
		return why_set(why, whylen, CK_URL_MALFORMED, "%sthe URL is empty", "");
	if (isspace((unsigned char)url[0]))
		return why_set(why, whylen, CK_URL_MALFORMED, "%sleading white space", "");
	if (isspace((unsigned char)url[len - 1]))
		return why_set(why, whylen, CK_URL_MALFORMED, "%strailing white space", "");
	n = scheme_len(url);
	if (!n)
		return why_set(why, whylen, CK_URL_MALFORMED, "%sno scheme (such as http://)", "");
	if (n >= sizeof scheme)
		return why_set(why, whylen, CK_URL_MALFORMED, "%sunknown scheme", "");
	for (size_t i = 0; i < n; i++)
		scheme[i] = (char)tolower((unsigned char)url[i]);
	scheme[n] = '\0';
	for (size_t i = 0; i < sizeof fetchable / sizeof fetchable[0]; i++)
		if (!strcmp(scheme, fetchable[i].name))
			bit = fetchable[i].bit;
	if (!bit) {
		for (const char *const *k = known_schemes; *k; k++)
			if (!strcmp(scheme, *k))
				return why_set(why, whylen, CK_URL_UNSUPPORTED_SCHEME,
					       "%s: URLs are not fetched", scheme);
		return why_set(why, whylen, CK_URL_MALFORMED, "unknown scheme '%s'", scheme);
	}
	if (!(schemes & bit))
		return why_set(why, whylen, CK_URL_UNSUPPORTED_SCHEME,
			       bit & (CK_SCHEME_LDAP | CK_SCHEME_LDAPS) ?
				       "%s: this libcurl has no LDAP support" : "%s: not allowed",
			       scheme);
	if (strncmp(url + n, "://", 3))
		return why_set(why, whylen, CK_URL_MALFORMED, "'%s:' is not followed by //", scheme);
	pthread_once(&curl_once, curl_init);
	u = curl_url();
	if (!u)
		return why_set(why, whylen, CK_URL_MALFORMED, "%sout of memory", "");
	uc = curl_url_set(u, CURLUPART_URL, url, 0);
	curl_url_cleanup(u);
	if (uc != CURLUE_OK)
		return why_set(why, whylen, CK_URL_MALFORMED, "%s", curl_url_strerror(uc));
	return CK_URL_OK;
}

/* ---------------------------------------------------------------- */
/* addresses */

static bool fail_why(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool fail_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* An address as it is connected to: an IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is the IPv4 address it reaches. */
struct addr {
	int family;
	unsigned char a[16];
};

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void addr_from(int family, const void *bytes, struct addr *out)
{
	memset(out, 0, sizeof *out);
	if (family == AF_INET6 && memcmp(bytes, v4_mapped, 12)) {
		out->family = AF_INET6;
		memcpy(out->a, bytes, 16);
	} else {
		out->family = AF_INET;
		memcpy(out->a, (const unsigned char *)bytes + (family == AF_INET6 ? 12 : 0), 4);
	}
}

static bool addr_parse(const char *s, struct addr *out)
{
	unsigned char b[16];
	if (inet_pton(AF_INET, s, b) == 1)
		addr_from(AF_INET, b, out);
	else if (inet_pton(AF_INET6, s, b) == 1)
		addr_from(AF_INET6, b, out);
	else
		return false;
	return true;
}

static bool bit_set(const unsigned char *b, unsigned i)
{
	return b[i / 8] & (0x80 >> (i % 8));
}

static bool same_prefix(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	for (unsigned i = 0; i < bits; i++)
		if (bit_set(a, i) != bit_set(b, i))
			return false;
	return true;
}

/* Does range c hold address a?  *bits gets the prefix length that
 * matched, in a's family (an IPv6 range inside ::ffff:0:0/96 is the
 * IPv4 range it maps). */
static bool range_holds(const struct ck_net_cidr *c, const struct addr *a, unsigned *bits)
{
	if (c->family == AF_INET6 && c->bits >= 96 && !memcmp(c->net, v4_mapped, 12)) {
		*bits = c->bits - 96;
		return a->family == AF_INET && same_prefix(c->net + 12, a->a, *bits);
	}
	*bits = c->bits;
	return c->family == a->family && same_prefix(c->net, a->a, c->bits);
}

static bool prefix_number(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

bool ck_net_cidr_parse(const char *s, struct ck_net_cidr *out, char *why, size_t whylen)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct ck_net_cidr c = { 0 };
	unsigned max;

	if (why && whylen)
		why[0] = '\0';
	if (!n)
		return fail_why(why, whylen, "'%s' is not an address range such as 169.254.0.0/16 or fe80::/10", s);
	if (n >= sizeof addr)
		return fail_why(why, whylen, "'%.*s' is not an IPv4 or IPv6 address", 60, s);
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, c.net) == 1) {
		c.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, c.net) == 1) {
		c.family = AF_INET6;
		max = 128;
	} else {
		return fail_why(why, whylen, "'%s' is not an IPv4 or IPv6 address", addr);
	}
	c.bits = max;
	if (slash && !prefix_number(slash + 1, max, &c.bits))
		return fail_why(why, whylen, "'%s': the prefix length must be a number from 0 to %u, with no sign or leading zero", s, max);
	for (unsigned i = c.bits; i < max; i++) {
		if (bit_set(c.net, i)) {
			char net[CK_NET_CIDR_STRLEN];
			for (unsigned k = c.bits; k < max; k++)
				c.net[k / 8] &= (unsigned char)~(0x80 >> (k % 8));
			ck_net_cidr_format(&c, net, sizeof net);
			return fail_why(why, whylen, "'%s' has address bits set past the prefix (the range is %s)", s,
					net);
		}
	}
	*out = c;
	return true;
}

void ck_net_cidr_format(const struct ck_net_cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	inet_ntop(c->family == AF_INET ? AF_INET : AF_INET6, c->net, a, sizeof a);
	snprintf(buf, len, "%s/%u", a, c->bits);
}

bool ck_net_cidr_contains(const struct ck_net_cidr *c, const char *address)
{
	struct addr a;
	unsigned bits;
	return addr_parse(address, &a) && range_holds(c, &a, &bits);
}

/* Refused unless the user opens them: link-local addresses are never
 * a PKI's, and the instance-metadata services of cloud VMs live there
 * (or at these addresses).  The most specific first, for the reason. */
static const struct {
	const char *range, *what;
} builtin_deny[] = {
	/* AWS, Azure, Google Cloud, Oracle Cloud, OpenStack, ... */
	{ "169.254.169.254", "the cloud instance-metadata address" },
	{ "fd00:ec2::254", "AWS's instance-metadata address (IPv6)" },
	{ "100.100.100.200", "Alibaba Cloud's instance-metadata address" },
	{ "169.254.0.0/16", "link-local (169.254.0.0/16)" },
	{ "fe80::/10", "IPv6 link-local (fe80::/10)" },
};

/* Is `a` (shown as `shown`) allowed?  See ck_net_address_allowed(). */
static bool decide(const struct ck_net_opts *o, const struct addr *a, const char *shown, char *why,
		   size_t whylen)
{
	const struct ck_net_cidr *best = NULL;
	unsigned best_bits = 0, bits;
	bool deny = false;
	char range[CK_NET_CIDR_STRLEN];

	for (size_t i = 0; o && i < o->ndeny; i++)
		if (range_holds(&o->deny[i], a, &bits) && (!best || bits > best_bits)) {
			best = &o->deny[i];
			best_bits = bits;
			deny = true;
		}
	for (size_t i = 0; o && i < o->nallow; i++)
		if (range_holds(&o->allow[i], a, &bits) && (!best || bits > best_bits)) {
			best = &o->allow[i];
			best_bits = bits;
			deny = false;
		}
	if (best && !deny)
		return true;
	if (best) {
		ck_net_cidr_format(best, range, sizeof range);
		return fail_why(why, whylen, "not connected to %s: it is in the denied range %s", shown, range);
	}
	for (size_t i = 0; i < sizeof builtin_deny / sizeof builtin_deny[0]; i++) {
		struct ck_net_cidr c;
		if (ck_net_cidr_parse(builtin_deny[i].range, &c, NULL, 0) && range_holds(&c, a, &bits))
			return fail_why(why, whylen,
					"not connected to %s: %s, refused by default (--allow-address opens it)",
					shown, builtin_deny[i].what);
	}
	return true;
}

bool ck_net_address_allowed(const struct ck_net_opts *o, const char *address, char *why, size_t whylen)
{
	struct addr a;
	if (why && whylen)
		why[0] = '\0';
	if (!addr_parse(address, &a))
		return fail_why(why, whylen, "not connected to '%s': not a numeric address", address);
	return decide(o, &a, address, why, whylen);
}

bool ck_net_resolve_check(const char *entry, char *why, size_t whylen)
{
	const char *host_end = strchr(entry, ':'), *p, *port_end;
	unsigned port;
	char num[8];

	if (why && whylen)
		why[0] = '\0';
	if (!host_end || host_end == entry)
		return fail_why(why, whylen, "'%s' is not HOST:PORT:ADDRESS", entry);
	/* curl reads a leading '-' or '+' as an instruction, '*' as any host */
	for (p = entry; p < host_end; p++)
		if (!isalnum((unsigned char)*p) && (p == entry || (*p != '-' && *p != '.' && *p != '_')))
			return fail_why(why, whylen, "'%s': '%.*s' is not a host name", entry,
					(int)(host_end - entry), entry);
	port_end = strchr(host_end + 1, ':');
	if (!port_end || (size_t)(port_end - host_end - 1) >= sizeof num)
		return fail_why(why, whylen, "'%s' is not HOST:PORT:ADDRESS", entry);
	memcpy(num, host_end + 1, (size_t)(port_end - host_end - 1));
	num[port_end - host_end - 1] = '\0';
	if (!prefix_number(num, 65535, &port) || !port)
		return fail_why(why, whylen, "'%s': the port must be a number from 1 to 65535", entry);
	p = port_end + 1;
	do {
		char a[INET6_ADDRSTRLEN];
		unsigned char b[16];
		size_t n = strcspn(p, ",");
		bool v6 = n >= 2 && p[0] == '[' && p[n - 1] == ']';
		size_t an = v6 ? n - 2 : n;
		if (!n || an >= sizeof a)
			return fail_why(why, whylen, "'%s': an address is missing or too long", entry);
		memcpy(a, p + v6, an);
		a[an] = '\0';
		if (v6 ? inet_pton(AF_INET6, a, b) != 1 : inet_pton(AF_INET, a, b) != 1)
			return fail_why(why, whylen, "'%s': '%.*s' is not an IPv4 address or an IPv6 one in brackets",
					entry, (int)n, p);
		p += n;
	} while (*p++ == ',');
	return true;
}

/* ---------------------------------------------------------------- */
/* classification */

enum ck_url_result ck_net_classify(const struct ck_net_outcome *o)
{
	int c = o->curl_code;

	if (c == CURLE_OK) {
		if (o->http_status >= 300)
			return CK_URL_HTTP_ERROR;
		return CK_URL_OK;
	}
	if (c == CURLE_FILESIZE_EXCEEDED || (c == CURLE_WRITE_ERROR && o->body_exceeded))
		return CK_URL_TOO_LARGE;
	if (c == CURLE_UNSUPPORTED_PROTOCOL)
		return CK_URL_UNSUPPORTED_SCHEME;
	if (c == CURLE_URL_MALFORMAT)
		return CK_URL_MALFORMED;
	if (c == CURLE_COULDNT_RESOLVE_PROXY || c == CURLE_PROXY)
		return CK_URL_PROXY_ERROR;
	/* through a proxy, the only connection is to the proxy, and a
	 * CONNECT refusal is the proxy's answer */
	if (o->via_proxy && (o->connect_code >= 400 || !o->connected) && c != CURLE_COULDNT_RESOLVE_HOST)
		return CK_URL_PROXY_ERROR;
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return CK_URL_DNS_FAILURE;
	case CURLE_COULDNT_CONNECT:
		switch (o->os_errno) {
		case ECONNREFUSED:
		case EHOSTUNREACH:
		case ENETUNREACH:
		case EACCES:
		case EPERM:
			return CK_URL_REFUSED;
		default:
			return CK_URL_DROPPED;
		}
	case CURLE_OPERATION_TIMEDOUT:
		if (!o->resolved)
			return CK_URL_DNS_FAILURE;
		return o->connected ? CK_URL_TIMEOUT : CK_URL_DROPPED;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		return CK_URL_TLS_ERROR;
	default:
		if (!o->connected && o->os_errno == ECONNREFUSED)
			return CK_URL_REFUSED;
		/* the server answered, but not usably: GOT_NOTHING,
		 * RECV_ERROR, PARTIAL_FILE, WEIRD_SERVER_REPLY, LDAP errors */
		return CK_URL_HTTP_ERROR;
	}
}

/* ---------------------------------------------------------------- */
/* results */

static void hop_cleanup(struct ck_net_hop *h)
{
	free(h->url);
	free(h->location);
	free(h->ip);
}

void ck_net_result_cleanup(struct ck_net_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nhops; i++)
		hop_cleanup(&r->hops[i]);
	free(r->hops);
	free(r->content_type);
	free(r->body);
	for (size_t i = 0; i < r->naddresses; i++)
		free(r->addresses[i]);
	free(r->addresses);
	for (size_t i = 0; i < r->nblocked; i++)
		free(r->blocked[i]);
	free(r->blocked);
	free(r->proxy);
	memset(r, 0, sizeof *r);
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;
	if (!s)
		return NULL;
	d = strdup(s);
	*oom = *oom || !d;
	return d;
}

/* A deep copy of a string vector; *oom on failure. */
static char **strv_copy(char *const *v, size_t n, size_t *nout, bool *oom)
{
	char **d;
	*nout = 0;
	if (!n)
		return NULL;
	d = calloc(n, sizeof *d);
	if (!d) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = dup_or_null(v[i], oom);
	*nout = n;
	return d;
}

enum ck_status ck_net_result_copy(const struct ck_net_result *src, struct ck_net_result *dst)
{
	bool oom = false;

	*dst = *src;
	dst->hops = NULL;
	dst->nhops = 0;
	dst->addresses = NULL;
	dst->naddresses = 0;
	dst->blocked = NULL;
	dst->nblocked = 0;
	dst->content_type = dup_or_null(src->content_type, &oom);
	dst->proxy = dup_or_null(src->proxy, &oom);
	dst->body = NULL;
	if (src->body) {
		dst->body = malloc(src->body_len + 1);
		oom = oom || !dst->body;
		if (dst->body) {
			memcpy(dst->body, src->body, src->body_len);
			dst->body[src->body_len] = '\0';
		}
	}
	if (src->nhops && (dst->hops = calloc(src->nhops, sizeof *dst->hops))) {
		for (size_t i = 0; i < src->nhops; i++) {
			dst->hops[i] = src->hops[i];
			dst->hops[i].url = dup_or_null(src->hops[i].url, &oom);
			dst->hops[i].location = dup_or_null(src->hops[i].location, &oom);
			dst->hops[i].ip = dup_or_null(src->hops[i].ip, &oom);
		}
		dst->nhops = src->nhops;
	}
	oom = oom || (src->nhops && !dst->hops);
	dst->addresses = strv_copy(src->addresses, src->naddresses, &dst->naddresses, &oom);
	dst->blocked = strv_copy(src->blocked, src->nblocked, &dst->nblocked, &oom);
	if (oom) {
		ck_net_result_cleanup(dst);
		return CK_E_NOMEM;
	}
	return CK_OK;
}

static void set_message(struct ck_net_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_message(struct ck_net_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- */
/* transfers */

struct xfer {
	CURL *easy;
	const struct ck_net_request *req;
	struct ck_net_result *res;
	const struct ck_net_opts *o;
	char *url;            /* current hop */
	bool post;            /* current hop is a POST */
	const char *proxy;    /* proxy for the current hop, or NULL */
	struct curl_slist *headers;
	unsigned char *body;
	size_t body_len, body_cap;
	bool body_exceeded;
	bool oom;
	unsigned hop_blocked;  /* addresses the rules refused on this hop */
	char blocked_why[240]; /* why the first of them was refused */
	struct curl_slist *resolve; /* borrowed from ck_net_run() */
	double elapsed_ms;    /* over the hops before this one */
	char errbuf[CURL_ERROR_SIZE];
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct xfer *x = ctx;
	size_t n = size * nmemb, limit = x->o->max_body ? x->o->max_body : CK_NET_MAX_BODY_DEFAULT;

	if (x->body_len + n > limit) {
		x->body_exceeded = true;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (x->body_len + n + 1 > x->body_cap) {
		size_t cap = x->body_cap ? x->body_cap : 16384;
		unsigned char *p;
		while (cap < x->body_len + n + 1)
			cap *= 2;
		p = realloc(x->body, cap);
		if (!p) {
			x->oom = true;
			return 0;
		}
		x->body = p;
		x->body_cap = cap;
	}
	memcpy(x->body + x->body_len, data, n);
	x->body_len += n;
	x->body[x->body_len] = '\0';
	return n;
}

/* Add a to the set v[0..n), once. */
static bool push_unique(char ***v, size_t *n, const char *a)
{
	char **nv;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], a))
			return true;
	nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv)
		return false;
	*v = nv;
	nv[*n] = strdup(a);
	if (!nv[*n])
		return false;
	(*n)++;
	return true;
}

/* An address the rules refused: recorded, with the first reason. */
static void refuse(struct xfer *x, const char *shown, const char *why)
{
	if (!push_unique(&x->res->blocked, &x->res->nblocked, shown))
		x->oom = true;
	if (!x->hop_blocked++)
		snprintf(x->blocked_why, sizeof x->blocked_why, "%s", why);
}

/* Every connection attempt comes through here, in place of socket(2):
 * the address is checked against the rules (a refused one gets no
 * socket: libcurl tries the name's next address, or fails with
 * CURLE_COULDNT_CONNECT), and recorded (the DNS answers curl used, in
 * the order it tried them).  Through a proxy, every connection goes to
 * the proxy, which the user chose: it is not checked. */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = ctx;
	char buf[INET6_ADDRSTRLEN] = "", why[sizeof x->blocked_why];
	struct addr ad;
	curl_socket_t fd;

	if (purpose != CURLSOCKTYPE_IPCXN || (a->family != AF_INET && a->family != AF_INET6)) {
		/* nothing else is asked for http, https and ldap: refuse
		 * what cannot be checked */
		refuse(x, "(not an IP address)", "not connected: not an IP address");
		return CURL_SOCKET_BAD;
	}
	if (a->family == AF_INET) {
		const struct in_addr *in = &((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr;
		inet_ntop(AF_INET, in, buf, sizeof buf);
		addr_from(AF_INET, in, &ad);
	} else {
		const struct in6_addr *in = &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr;
		inet_ntop(AF_INET6, in, buf, sizeof buf);
		addr_from(AF_INET6, in, &ad);
	}
	if (!x->proxy && !decide(x->o, &ad, buf, why, sizeof why)) {
		refuse(x, buf, why);
		return CURL_SOCKET_BAD;
	}
	if (!push_unique(&x->res->addresses, &x->res->naddresses, buf))
		x->oom = true;
	fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (fd != CURL_SOCKET_BAD)
		x->res->sockets++;
	return fd;
}

/* Through a proxy the proxy resolves the name and connects: a host that
 * is an address is checked here, before anything is sent.  false (the
 * hop is refused, x->blocked_why says why) or true. */
static bool proxied_host_allowed(struct xfer *x)
{
	CURLU *u = curl_url();
	char *host = NULL, why[sizeof x->blocked_why];
	struct addr ad;
	bool ok = true;

	if (!u || curl_url_set(u, CURLUPART_URL, x->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return true; /* libcurl fails the transfer itself */
	}
	if (host[0] == '[') {
		size_t n = strlen(host);
		memmove(host, host + 1, n - 1);
		host[n - 2] = '\0';
	}
	if (addr_parse(host, &ad) && !decide(x->o, &ad, host, why, sizeof why)) {
		refuse(x, host, why);
		ok = false;
	}
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

/* Does host match curl's NOPROXY list?  Hand-written because libcurl
 * applies the list itself but (before 8.7, CURLINFO_USED_PROXY) cannot
 * say whether it did, and the result must name the proxy actually used.
 * Same rules as curl: "*" matches all; an entry matches the host itself
 * and its subdomains (a leading dot is ignored); an IPv4 entry may be a
 * CIDR block. */
static bool cidr_match(const char *host, const char *entry)
{
	struct in_addr h, n;
	char net[64];
	const char *slash = strchr(entry, '/');
	long bits;
	uint32_t mask;

	if (!slash || (size_t)(slash - entry) >= sizeof net)
		return false;
	memcpy(net, entry, (size_t)(slash - entry));
	net[slash - entry] = '\0';
	bits = strtol(slash + 1, NULL, 10);
	if (bits < 0 || bits > 32 || inet_pton(AF_INET, host, &h) != 1 || inet_pton(AF_INET, net, &n) != 1)
		return false;
	mask = bits ? htonl(0xffffffffu << (32 - bits)) : 0;
	return (h.s_addr & mask) == (n.s_addr & mask);
}

bool ck_net_no_proxy(const char *url, const char *list)
{
	CURLU *u = curl_url();
	char *host = NULL;
	bool match = false;

	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return false;
	}
	if (host[0] == '[') { /* [::1] */
		size_t n = strlen(host);
		memmove(host, host + 1, n - 1);
		host[n - 2] = '\0';
	}
	for (const char *p = list; *p && !match;) {
		char entry[256];
		size_t n = strcspn(p, ", "), hl = strlen(host), el;
		const char *e = entry;
		if (n && n < sizeof entry) {
			memcpy(entry, p, n);
			entry[n] = '\0';
			if (*e == '.')
				e++;
			el = strlen(e);
			match = !strcmp(entry, "*") || !strcasecmp(host, e) || cidr_match(host, e) ||
				(hl > el && host[hl - el - 1] == '.' && !strcasecmp(host + hl - el, e));
		}
		p += n;
		p += strspn(p, ", ");
	}
	curl_free(host);
	curl_url_cleanup(u);
	return match;
}

static const char *scheme_proxy(const struct ck_net_opts *o, const char *url)
{
	const char *p = NULL;
	bool https = !strncasecmp(url, "https:", 6);
	/* LDAP is never sent through an HTTP proxy */
	if (!https && strncasecmp(url, "http:", 5))
		return NULL;
	if (o->proxy && *o->proxy)
		return o->proxy;
	if (https)
		p = o->https_proxy;
	else
		p = o->http_proxy;
	if (!p || !*p || (o->no_proxy && ck_net_no_proxy(url, o->no_proxy)))
		return NULL;
	return p;
}

unsigned ck_net_timeout_ms(const struct ck_net_opts *o)
{
	return o->timeout_ms ? o->timeout_ms : CK_NET_TIMEOUT_DEFAULT_MS;
}

unsigned ck_net_connect_timeout_ms(const struct ck_net_opts *o)
{
	unsigned ct = o->connect_timeout_ms ? o->connect_timeout_ms : CK_NET_CONNECT_TIMEOUT_DEFAULT_MS;
	unsigned budget = ck_net_timeout_ms(o);
	return ct < budget ? ct : budget;
}

static double remaining_ms(const struct xfer *x)
{
	return ck_net_timeout_ms(x->o) - x->elapsed_ms;
}

/* Configure the easy handle for the current hop. */
static bool setup_hop(struct xfer *x)
{
	const struct ck_net_opts *o = x->o;
	CURL *e = x->easy;
	unsigned ct = ck_net_connect_timeout_ms(o);
	double left = remaining_ms(x);
	size_t limit = o->max_body ? o->max_body : CK_NET_MAX_BODY_DEFAULT;
	bool ok = true;

	curl_easy_reset(e);
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	free(x->body);
	x->body = NULL;
	x->body_len = x->body_cap = 0;
	x->body_exceeded = false;
	x->hop_blocked = 0;
	x->blocked_why[0] = '\0';
	x->errbuf[0] = '\0';
	x->proxy = scheme_proxy(o, x->url);
	if (x->req->accept) {
		char h[256];
		snprintf(h, sizeof h, "Accept: %s", x->req->accept);
		x->headers = curl_slist_append(x->headers, h);
		ok = ok && x->headers;
	}
	if (x->post) {
		char h[256];
		struct curl_slist *l;
		snprintf(h, sizeof h, "Content-Type: %s",
			 x->req->content_type ? x->req->content_type : "application/octet-stream");
		l = curl_slist_append(x->headers, h);
		ok = ok && l;
		x->headers = l ? l : x->headers;
	}
	ok = ok && curl_easy_setopt(e, CURLOPT_URL, x->url) == CURLE_OK;
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
	/* Without it, removing a handle whose name lookup timed out waits
	 * for the resolver thread: a name server that does not answer held
	 * the whole run for the resolver's own timeouts (30 s and more)
	 * whatever --connect-timeout said (curl known bug, issue #2975).
	 * With it the thread is detached and frees its data when
	 * getaddrinfo() returns. */
	curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
#endif
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,ldap,ldaps");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)ct);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(left < 1 ? 1 : left));
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)limit);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	if (x->resolve)
		curl_easy_setopt(e, CURLOPT_RESOLVE, x->resolve);
	/* always set, so that libcurl does not read the environment */
	curl_easy_setopt(e, CURLOPT_PROXY, x->proxy ? x->proxy : "");
	curl_easy_setopt(e, CURLOPT_NOPROXY, ""); /* applied above, in scheme_proxy() */
	if (o->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
	if (o->ca_path)
		curl_easy_setopt(e, CURLOPT_CAPATH, o->ca_path);
	if (o->user_agent)
		curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	if (x->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	if (x->post) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->req->post);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->req->post_len);
	}
	return ok;
}

static double ms(curl_off_t us)
{
	return (double)us / 1000.0;
}

/* Phase durations from libcurl's cumulative times. */
static void hop_timings(CURL *e, enum ck_url_result r, struct ck_net_timings *t)
{
	curl_off_t dns = 0, conn = 0, app = 0, start = 0, total = 0;
	double after_connect;

	curl_easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &conn);
	curl_easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &app);
	curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &start);
	curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total);
	t->total = ms(total);
	t->dns = dns > 0 ? ms(dns) : (r == CK_URL_DNS_FAILURE ? ms(total) : -1);
	if (conn > 0)
		t->connect = ms(conn - (dns > 0 ? dns : 0));
	else if (r == CK_URL_DROPPED || r == CK_URL_REFUSED)
		t->connect = ms(total - (dns > 0 ? dns : 0));
	else
		t->connect = -1;
	t->tls = app > 0 && conn > 0 ? ms(app - conn) : -1;
	after_connect = app > 0 ? (double)app : (double)conn;
	t->first_byte = start > 0 ? ((double)start - after_connect) / 1000.0 : -1;
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static bool push_hop(struct ck_net_result *r, struct ck_net_hop *h)
{
	struct ck_net_hop *v = realloc(r->hops, (r->nhops + 1) * sizeof *v);
	if (!v)
		return false;
	r->hops = v;
	v[r->nhops++] = *h;
	return true;
}

/* The one line for a refused hop: the first address and why, the hop
 * when it was a redirect. */
static void blocked_message(struct xfer *x)
{
	struct ck_net_result *r = x->res;
	char more[48] = "";
	if (x->hop_blocked > 1)
		snprintf(more, sizeof more, " (and %u more addresses)", x->hop_blocked - 1);
	if (r->nhops > 1)
		set_message(r, "redirect to %s: %s%s", x->url, x->blocked_why, more);
	else
		set_message(r, "%s%s", x->blocked_why, more);
}

static void describe(struct xfer *x, const struct ck_net_outcome *oc, const struct ck_net_timings *t)
{
	struct ck_net_result *r = x->res;
	unsigned ct = ck_net_connect_timeout_ms(x->o);
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror((CURLcode)oc->curl_code);

	switch (r->result) {
	case CK_URL_OK:
		set_message(r, "HTTP %ld, %zu bytes", oc->http_status, x->body_len);
		if (!oc->http_status)
			set_message(r, "%zu bytes", x->body_len);
		break;
	case CK_URL_DNS_FAILURE:
		set_message(r, "the host name did not resolve: %s", detail);
		break;
	case CK_URL_REFUSED:
		if (oc->os_errno == ECONNREFUSED)
			set_message(r, "connection refused (RST)");
		else
			set_message(r, "connection rejected: %s", strerror((int)oc->os_errno));
		break;
	case CK_URL_DROPPED:
		set_message(r, "no answer to the TCP connect in %.1f s (connect timeout %.1f s)",
			    (t->connect >= 0 ? t->connect : t->total) / 1000.0, ct / 1000.0);
		break;
	case CK_URL_TIMEOUT:
		set_message(r, "connected, but no complete answer in %.1f s (%zu bytes received)",
			    x->elapsed_ms / 1000.0, x->body_len);
		break;
	case CK_URL_TOO_LARGE:
		set_message(r, "the body is larger than %zu bytes",
			    x->o->max_body ? x->o->max_body : (size_t)CK_NET_MAX_BODY_DEFAULT);
		break;
	case CK_URL_HTTP_ERROR:
		if (oc->curl_code == CURLE_OK)
			set_message(r, "HTTP %ld", oc->http_status);
		else
			set_message(r, "%s", detail);
		break;
	case CK_URL_BLOCKED_ADDRESS:
		blocked_message(x);
		break;
	case CK_URL_PROXY_ERROR: {
		/* named without its password; unnamed when out of memory */
		char *shown = x->proxy ? ck_net_url_redacted(x->proxy) : NULL;
		if (oc->connect_code >= 400)
			set_message(r, "the proxy %s answered CONNECT with %ld", shown ? shown : "",
				    oc->connect_code);
		else
			set_message(r, "proxy %s: %s", shown ? shown : "", detail);
		free(shown);
		break;
	}
	default:
		set_message(r, "%s", detail);
		break;
	}
}

/* A hop refused before it started (a proxied URL whose host is a
 * refused address): recorded as a hop with no answer. */
static void refused_hop(struct xfer *x)
{
	struct ck_net_result *r = x->res;
	struct ck_net_hop hop = { .url = strdup(x->url) };

	hop.t.dns = hop.t.connect = hop.t.tls = hop.t.first_byte = -1;
	hop.t.total = 0;
	if (!hop.url || !push_hop(r, &hop)) {
		free(hop.url);
		x->oom = true;
	}
	r->result = CK_URL_BLOCKED_ADDRESS;
	r->http_status = 0;
	if (!r->proxy && !(r->proxy = ck_net_url_redacted(x->proxy)))
		x->oom = true;
	blocked_message(x);
	if (x->oom) {
		r->result = CK_URL_HTTP_ERROR;
		set_message(r, "out of memory");
	}
}

/* One hop finished.  Returns true when another hop was set up (the
 * handle must be added again). */
static bool hop_done(struct xfer *x, CURLcode code)
{
	struct ck_net_result *r = x->res;
	struct ck_net_outcome oc = { .curl_code = code };
	struct ck_net_hop hop = { 0 };
	curl_off_t conn = 0, dns = 0;
	long status = 0, connect_code = 0, os_errno = 0;
	char *ip = NULL, *loc = NULL, *ctype = NULL;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
	curl_easy_getinfo(x->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc);
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
	oc.http_status = status;
	oc.os_errno = os_errno;
	oc.connect_code = connect_code;
	oc.connected = conn > 0;
	oc.resolved = dns > 0 || r->naddresses > 0 || r->nblocked > 0;
	oc.via_proxy = x->proxy != NULL;
	oc.body_exceeded = x->body_exceeded;
	r->result = x->oom ? CK_URL_HTTP_ERROR : ck_net_classify(&oc);
	/* no connection, and an address was refused: that is why */
	if (!x->oom && code != CURLE_OK && !oc.connected && x->hop_blocked)
		r->result = CK_URL_BLOCKED_ADDRESS;

	hop.url = strdup(x->url);
	hop.status = status;
	hop.ip = ip && *ip ? strdup(ip) : NULL;
	hop.location = code == CURLE_OK && is_redirect(status) && loc ? strdup(loc) : NULL;
	hop_timings(x->easy, r->result, &hop.t);
	if (!hop.url || !push_hop(r, &hop)) {
		hop_cleanup(&hop);
		x->oom = true;
	}
	r->t = hop.t;
	r->t.total = x->elapsed_ms + hop.t.total;
	x->elapsed_ms += hop.t.total;
	r->http_status = status;
	r->curl_code = code;
	r->os_errno = os_errno;
	free(r->content_type);
	r->content_type = ctype ? strdup(ctype) : NULL;
	describe(x, &oc, &hop.t);
	if (x->oom) {
		r->result = CK_URL_HTTP_ERROR;
		set_message(r, "out of memory");
		return false;
	}

	if (code == CURLE_OK && is_redirect(status)) {
		char why[128];
		enum ck_url_result v;
		if (!loc) {
			set_message(r, "HTTP %ld without a Location", status);
			return false;
		}
		if (r->nhops > CK_NET_MAX_REDIRECTS) {
			set_message(r, "more than %d redirects", CK_NET_MAX_REDIRECTS);
			return false;
		}
		v = ck_url_validate(loc, CK_SCHEME_HTTP | CK_SCHEME_HTTPS, why, sizeof why);
		if (v != CK_URL_OK) {
			r->result = v == CK_URL_MALFORMED ? CK_URL_HTTP_ERROR : CK_URL_UNSUPPORTED_SCHEME;
			set_message(r, "redirect to %s not followed: %s", loc, why);
			return false;
		}
		if (remaining_ms(x) <= 0) {
			r->result = CK_URL_TIMEOUT;
			set_message(r, "no time left after %zu redirects", r->nhops);
			return false;
		}
		free(x->url);
		x->url = strdup(loc);
		if (!x->url) {
			r->result = CK_URL_HTTP_ERROR;
			set_message(r, "out of memory");
			return false;
		}
		/* browsers' rule: 307 and 308 repeat the method, others GET */
		x->post = x->post && (status == 307 || status == 308);
		if (!setup_hop(x)) {
			r->result = CK_URL_HTTP_ERROR;
			set_message(r, "out of memory");
			return false;
		}
		if (x->proxy && !proxied_host_allowed(x)) {
			refused_hop(x);
			return false;
		}
		return true;
	}
	return false;
}

/* The transfer of one URL is over: move the body into the result. */
static void finish(struct xfer *x)
{
	struct ck_net_result *r = x->res;
	if (r->result == CK_URL_OK || r->result == CK_URL_HTTP_ERROR) {
		r->body = x->body;
		r->body_len = x->body_len;
		x->body = NULL;
	}
	if (x->proxy && !r->proxy)
		r->proxy = ck_net_url_redacted(x->proxy);
}

static void xfer_free(struct xfer *x)
{
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->body);
	free(x->url);
}

/* Start URL i, or settle it at once when it cannot be requested. */
static bool start(CURLM *m, struct xfer *x, const struct ck_net_request *req,
		  struct ck_net_result *res, const struct ck_net_opts *o, unsigned schemes,
		  struct curl_slist *resolve)
{
	char why[160];
	enum ck_url_result v = ck_url_validate(req->url, schemes, why, sizeof why);

	memset(res, 0, sizeof *res);
	res->t.dns = res->t.connect = res->t.tls = res->t.first_byte = res->t.total = -1;
	x->req = req;
	x->res = res;
	x->o = o;
	x->resolve = resolve;
	if (v != CK_URL_OK) {
		res->result = v;
		set_message(res, "%s", why);
		return false;
	}
	x->url = strdup(req->url);
	x->post = req->post != NULL;
	x->easy = curl_easy_init();
	if (!x->url || !x->easy || !setup_hop(x)) {
		res->result = CK_URL_HTTP_ERROR;
		set_message(res, "could not start the transfer (out of memory)");
		return false;
	}
	if (x->proxy && !proxied_host_allowed(x)) {
		refused_hop(x);
		return false;
	}
	if (curl_multi_add_handle(m, x->easy) != CURLM_OK) {
		res->result = CK_URL_HTTP_ERROR;
		set_message(res, "could not start the transfer (out of memory)");
		return false;
	}
	return true;
}

enum ck_status ck_net_run(const struct ck_net_request *reqs, size_t n,
			  const struct ck_net_opts *o_in, struct ck_net_result *results,
			  struct ck_error *err)
{
	struct ck_net_opts o = *o_in;
	struct xfer *xs = NULL;
	struct curl_slist *resolve = NULL;
	CURLM *m = NULL;
	size_t next = 0, active = 0, done = 0;
	unsigned schemes;
	enum ck_status rc = CK_OK;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return ck_error_set(err, CK_E_INTERNAL, "libcurl could not start: %s",
				    curl_easy_strerror(curl_init_rc));
	schemes = o.schemes ? o.schemes : ck_net_schemes();
	if (!o.parallel)
		o.parallel = 16;
	for (const char *const *e = o.resolve; e && *e; e++) {
		char why[200];
		struct curl_slist *l;
		if (!ck_net_resolve_check(*e, why, sizeof why)) {
			rc = ck_error_set(err, CK_E_USAGE, "%s", why);
			goto out;
		}
		if (!(l = curl_slist_append(resolve, *e))) {
			rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		resolve = l;
	}
	if (!n)
		goto out;
	xs = calloc(n, sizeof *xs);
	m = curl_multi_init();
	if (!xs || !m) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}

	while (done < n) {
		struct CURLMsg *msg;
		int running = 0, left;

		while (next < n && active < o.parallel) {
			if (start(m, &xs[next], &reqs[next], &results[next], &o, schemes, resolve)) {
				active++;
			} else {
				done++;
				if (o.progress)
					o.progress(o.progress_ctx, done, n);
			}
			next++;
		}
		if (!active)
			continue;
		if (curl_multi_perform(m, &running) != CURLM_OK) {
			rc = ck_error_set(err, CK_E_INTERNAL, "libcurl multi interface failed");
			goto out;
		}
		while ((msg = curl_multi_info_read(m, &left))) {
			struct xfer *x = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			curl_multi_remove_handle(m, msg->easy_handle);
			if (hop_done(x, msg->data.result) &&
			    curl_multi_add_handle(m, x->easy) == CURLM_OK)
				continue;
			finish(x);
			curl_easy_cleanup(x->easy);
			x->easy = NULL;
			active--;
			done++;
			if (o.progress)
				o.progress(o.progress_ctx, done, n);
		}
		if (active && curl_multi_poll(m, NULL, 0, CK_NET_POLL_MS, NULL) != CURLM_OK) {
			rc = ck_error_set(err, CK_E_INTERNAL, "libcurl multi interface failed");
			goto out;
		}
	}
out:
	for (size_t i = 0; xs && i < n; i++) {
		if (xs[i].easy && m)
			curl_multi_remove_handle(m, xs[i].easy);
		xfer_free(&xs[i]);
	}
	free(xs);
	if (m)
		curl_multi_cleanup(m);
	curl_slist_free_all(resolve);
	return rc;
}

/* ---------------------------------------------------------------- */
/* distinct requests (open addressing over an FNV-1a hash) */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t req_hash(const struct ck_net_request *r)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, r->url, strlen(r->url) + 1);
	return r->post ? fnv(h, r->post, r->post_len) : h;
}

static bool same_request(const struct ck_net_request *a, const struct ck_net_request *b)
{
	return !strcmp(a->url, b->url) && (a->post == NULL) == (b->post == NULL) &&
	       a->post_len == b->post_len && (!a->post || !memcmp(a->post, b->post, a->post_len));
}

enum ck_status ck_net_reqset_init(struct ck_net_reqset *s, size_t max)
{
	memset(s, 0, sizeof *s);
	for (s->cap = 64; s->cap < 2 * max + 2; s->cap *= 2)
		;
	s->max = max;
	s->reqs = calloc(max ? max : 1, sizeof *s->reqs);
	s->hash = calloc(max ? max : 1, sizeof *s->hash);
	s->slot = calloc(s->cap, sizeof *s->slot);
	if (!s->reqs || !s->hash || !s->slot) {
		ck_net_reqset_free(s);
		return CK_E_NOMEM;
	}
	return CK_OK;
}

long ck_net_reqset_add(struct ck_net_reqset *s, const struct ck_net_request *r)
{
	uint64_t h = req_hash(r);
	size_t i;

	for (i = h & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1)) {
		size_t k = s->slot[i] - 1;
		if (s->hash[k] == h && same_request(&s->reqs[k], r))
			return (long)k;
	}
	if (s->n == s->max)
		return -1;
	s->reqs[s->n] = *r;
	s->hash[s->n] = h;
	s->slot[i] = ++s->n;
	return (long)(s->n - 1);
}

void ck_net_reqset_free(struct ck_net_reqset *s)
{
	free(s->reqs);
	free(s->hash);
	free(s->slot);
	memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- */
/* a tunnel for another protocol (mtlsprobe) */

enum ck_status ck_net_tunnel_open(const char *proxy, const char *host, const char *port,
				  unsigned timeout_ms, struct ck_net_tunnel *t, struct ck_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "", *url = NULL, *ip = NULL;
	bool v6 = strchr(host, ':') != NULL;
	curl_socket_t sock = CURL_SOCKET_BAD;
	enum ck_status rc = CK_OK;
	CURL *e = NULL;
	CURLcode cc;

	memset(t, 0, sizeof *t);
	t->fd = -1;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return ck_error_set(err, CK_E_INTERNAL, "libcurl could not start");
	/* An HTTPS proxy: libcurl would speak TLS to the proxy and the
	 * tunnel would be inside that session, while the socket handed to
	 * GnuTLS is the raw one: our handshake would reach the proxy as
	 * plain bytes.  Said as the proxy's failure, never tried. */
	if (!strncasecmp(proxy, "https://", 8)) {
		if (!(t->error = strdup("an https:// proxy cannot carry the probe's own TLS session: "
					"give the proxy as http://")))
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		return CK_OK;
	}
	/* an http:// URL: libcurl does no TLS of its own, and with
	 * CONNECT_ONLY sends no request through the tunnel */
	if (asprintf(&url, "http://%s%s%s:%s/", v6 ? "[" : "", host, v6 ? "]" : "", port) < 0)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (!(e = curl_easy_init())) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROXY, proxy);
	curl_easy_setopt(e, CURLOPT_NOPROXY, ""); /* the caller applied no_proxy */
	curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	cc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_HTTP_CONNECTCODE, &t->connect_code);
	if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip &&
	    !(t->address = strdup(ip))) {
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	/* the handle owns its socket: keep a duplicate, free the handle */
	if (cc == CURLE_OK && curl_easy_getinfo(e, CURLINFO_ACTIVESOCKET, &sock) == CURLE_OK &&
	    sock != CURL_SOCKET_BAD)
		t->fd = fcntl(sock, F_DUPFD_CLOEXEC, 0);
	if (t->fd >= 0) {
		int fl = fcntl(t->fd, F_GETFL);
		if (fl >= 0)
			fcntl(t->fd, F_SETFL, fl & ~O_NONBLOCK);
	} else if (t->connect_code >= 300) {
		if (asprintf(&t->error, "the proxy answered CONNECT with %ld", t->connect_code) < 0)
			t->error = NULL;
	} else if (cc == CURLE_OK) {
		t->error = strdup(strerror(errno));
	} else {
		t->error = strdup(*errbuf ? errbuf : curl_easy_strerror(cc));
	}
	if (t->fd < 0 && !t->error)
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
out:
	if (e)
		curl_easy_cleanup(e);
	free(url);
	if (rc)
		ck_net_tunnel_cleanup(t);
	return rc;
}

void ck_net_tunnel_cleanup(struct ck_net_tunnel *t)
{
	if (!t)
		return;
	free(t->address);
	free(t->error);
	t->address = t->error = NULL;
}

/* A URL libcurl cannot parse (a space in its password...) may still
 * hold a password: whatever is between the first ':' of the user
 * information and the last '@' becomes "***". */
static char *redact_by_hand(const char *url)
{
	const char *start = strstr(url, "://"), *at = strrchr(url, '@'), *colon;
	char *out;

	start = start ? start + 3 : url;
	if (!at || at < start || !(colon = memchr(start, ':', (size_t)(at - start))))
		return strdup(url);
	if (asprintf(&out, "%.*s***%s", (int)(colon + 1 - url), url, at) < 0)
		return NULL;
	return out;
}

char *ck_net_url_redacted(const char *url)
{
	CURLU *u = curl_url();
	char *pw = NULL, *out = NULL, *dup;

	if (!u)
		return NULL;
	/* a proxy given as HOST:PORT has no scheme: libcurl's default */
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		curl_url_cleanup(u);
		return redact_by_hand(url);
	}
	if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) != CURLUE_OK) { /* none */
		curl_url_cleanup(u);
		return strdup(url);
	}
	if (curl_url_set(u, CURLUPART_PASSWORD, "***", 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		dup = redact_by_hand(url);
	else
		dup = strdup(out);
	curl_free(out);
	curl_free(pw);
	curl_url_cleanup(u);
	return dup;
}
