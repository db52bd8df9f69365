/* net: result classes, URL validation, and real transfers to loopback
 * sockets (a refused port, a listener whose accept queue is full). */
#include "config.h"

#include "libcore/net.h"
#include "unit.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

Test(net, result_names_are_distinct_kebab_words)
{
	for (int i = 0; i < CK_URL_RESULT_COUNT; i++) {
		const char *n = ck_url_result_name((enum ck_url_result)i);
		cr_assert(n && *n);
		for (const char *p = n; *p; p++)
			cr_assert((*p >= 'a' && *p <= 'z') || *p == '-', "%s", n);
		cr_assert(*ck_url_result_summary((enum ck_url_result)i));
		for (int k = 0; k < i; k++)
			cr_assert_str_neq(n, ck_url_result_name((enum ck_url_result)k));
	}
	cr_assert_str_eq(ck_url_result_name(CK_URL_DROPPED), "dropped");
	cr_assert_str_eq(ck_url_result_name(CK_URL_MALFORMED), "malformed-url");
}

/* The classification table (issue 4). */
static const struct {
	struct ck_net_outcome o;
	enum ck_url_result want;
} cases[] = {
	{ { CURLE_OK, 0, true, true, false, 0, false, 200 }, CK_URL_OK },
	{ { CURLE_OK, 0, true, true, false, 0, false, 0 }, CK_URL_OK },  /* LDAP: no status */
	{ { CURLE_OK, 0, true, true, false, 0, false, 404 }, CK_URL_HTTP_ERROR },
	{ { CURLE_OK, 0, true, true, false, 0, false, 302 }, CK_URL_HTTP_ERROR },
	{ { CURLE_COULDNT_RESOLVE_HOST, 0, false, false, false, 0, false, 0 }, CK_URL_DNS_FAILURE },
	{ { CURLE_COULDNT_CONNECT, ECONNREFUSED, true, false, false, 0, false, 0 }, CK_URL_REFUSED },
	{ { CURLE_COULDNT_CONNECT, EHOSTUNREACH, true, false, false, 0, false, 0 }, CK_URL_REFUSED },
	{ { CURLE_COULDNT_CONNECT, ETIMEDOUT, true, false, false, 0, false, 0 }, CK_URL_DROPPED },
	{ { CURLE_OPERATION_TIMEDOUT, 0, true, false, false, 0, false, 0 }, CK_URL_DROPPED },
	{ { CURLE_OPERATION_TIMEDOUT, 0, false, false, false, 0, false, 0 }, CK_URL_DNS_FAILURE },
	{ { CURLE_OPERATION_TIMEDOUT, 0, true, true, false, 0, false, 200 }, CK_URL_TIMEOUT },
	{ { CURLE_PEER_FAILED_VERIFICATION, 0, true, true, false, 0, false, 0 }, CK_URL_TLS_ERROR },
	{ { CURLE_SSL_CONNECT_ERROR, 0, true, true, false, 0, false, 0 }, CK_URL_TLS_ERROR },
	{ { CURLE_COULDNT_CONNECT, ECONNREFUSED, true, false, true, 0, false, 0 }, CK_URL_PROXY_ERROR },
	{ { CURLE_RECV_ERROR, 0, true, true, true, 403, false, 0 }, CK_URL_PROXY_ERROR },
	{ { CURLE_COULDNT_RESOLVE_PROXY, 0, false, false, true, 0, false, 0 }, CK_URL_PROXY_ERROR },
	{ { CURLE_OPERATION_TIMEDOUT, 0, true, false, true, 0, false, 0 }, CK_URL_PROXY_ERROR },
	{ { CURLE_OK, 0, true, true, true, 0, false, 502 }, CK_URL_HTTP_ERROR },
	{ { CURLE_FILESIZE_EXCEEDED, 0, true, true, false, 0, false, 200 }, CK_URL_TOO_LARGE },
	{ { CURLE_WRITE_ERROR, 0, true, true, false, 0, true, 200 }, CK_URL_TOO_LARGE },
	{ { CURLE_UNSUPPORTED_PROTOCOL, 0, false, false, false, 0, false, 0 }, CK_URL_UNSUPPORTED_SCHEME },
	{ { CURLE_URL_MALFORMAT, 0, false, false, false, 0, false, 0 }, CK_URL_MALFORMED },
	{ { CURLE_GOT_NOTHING, 0, true, true, false, 0, false, 0 }, CK_URL_HTTP_ERROR },
	{ { CURLE_RECV_ERROR, ECONNRESET, true, true, false, 0, false, 0 }, CK_URL_HTTP_ERROR },
};

Test(net, classification_table)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(ck_net_classify(&cases[i].o), cases[i].want, "case %zu: got %s, want %s", i,
			     ck_url_result_name(ck_net_classify(&cases[i].o)), ck_url_result_name(cases[i].want));
}

static const struct {
	const char *url;
	unsigned schemes;
	enum ck_url_result want;
	const char *why;
} urls[] = {
	{ "http://127.0.0.1:18080/int-ca.crt", CK_SCHEME_HTTP, CK_URL_OK, "" },
	{ "HTTP://example.test/x", CK_SCHEME_HTTP, CK_URL_OK, "" },
	{ "https://127.0.0.1:18443/int-ca.crt", CK_SCHEME_HTTP | CK_SCHEME_HTTPS, CK_URL_OK, "" },
	{ "https://127.0.0.1:18443/int-ca.crt", CK_SCHEME_HTTP, CK_URL_UNSUPPORTED_SCHEME, "not allowed" },
	{ "ldap://127.0.0.1:18389/cn=int", CK_SCHEME_HTTP | CK_SCHEME_LDAP, CK_URL_OK, "" },
	{ "ldap://127.0.0.1:18389/cn=int", CK_SCHEME_HTTP, CK_URL_UNSUPPORTED_SCHEME, "no LDAP support" },
	{ "hhtp://127.0.0.1:18080/int-ca.crt", CK_SCHEME_HTTP, CK_URL_MALFORMED, "unknown scheme 'hhtp'" },
	{ " http://127.0.0.1:18080/leading-space.crt", CK_SCHEME_HTTP, CK_URL_MALFORMED, "leading white space" },
	{ "http://127.0.0.1:18080/x ", CK_SCHEME_HTTP, CK_URL_MALFORMED, "trailing white space" },
	{ "no-scheme/int-ca.crt", CK_SCHEME_HTTP, CK_URL_MALFORMED, "no scheme" },
	{ "", CK_SCHEME_HTTP, CK_URL_MALFORMED, "empty" },
	{ "ftp://127.0.0.1/int-ca.crt", CK_SCHEME_HTTP, CK_URL_UNSUPPORTED_SCHEME, "ftp" },
	{ "file:///etc/passwd", CK_SCHEME_HTTP, CK_URL_UNSUPPORTED_SCHEME, "file" },
	{ "http:/127.0.0.1/x", CK_SCHEME_HTTP, CK_URL_MALFORMED, "not followed by //" },
	{ "http://exa mple.test/x", CK_SCHEME_HTTP, CK_URL_MALFORMED, "" },
	{ "http://", CK_SCHEME_HTTP, CK_URL_MALFORMED, "" },
};

Test(net, url_validation)
{
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		char why[200];
		enum ck_url_result r = ck_url_validate(urls[i].url, urls[i].schemes, why, sizeof why);
		cr_expect_eq(r, urls[i].want, "'%s': %s (%s)", urls[i].url, ck_url_result_name(r), why);
		cr_expect(strstr(why, urls[i].why), "'%s': reason '%s' lacks '%s'", urls[i].url, why, urls[i].why);
	}
}

Test(net, trims_only_when_needed)
{
	char *t = ck_url_trimmed("  http://x/ \t");
	cr_assert_str_eq(t, "http://x/");
	free(t);
	cr_assert_null(ck_url_trimmed("http://x/"));
}

Test(net, http_and_https_always_supported)
{
	unsigned s = ck_net_schemes();
	cr_assert(s & CK_SCHEME_HTTP);
	cr_assert(s & CK_SCHEME_HTTPS);
}

/* A loopback port nobody listens on. */
static unsigned short closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	close(fd);
	return ntohs(a.sin_port);
}

static struct ck_net_result fetch_one(const char *url, unsigned connect_ms)
{
	struct ck_net_request req = { .url = url };
	struct ck_net_opts o = { .connect_timeout_ms = connect_ms, .timeout_ms = 5000 };
	struct ck_net_result res;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_net_run(&req, 1, &o, &res, &e), CK_OK, "%s", e.what);
	return res;
}

Test(net, refused_port)
{
	char url[64];
	struct ck_net_result r;
	snprintf(url, sizeof url, "http://127.0.0.1:%u/x", closed_port());
	r = fetch_one(url, 2000);
	cr_assert_eq(r.result, CK_URL_REFUSED, "%s: %s", ck_url_result_name(r.result), r.message);
	cr_assert_eq(r.os_errno, ECONNREFUSED);
	cr_assert_eq(r.nhops, 1);
	cr_assert_eq(r.naddresses, 1);
	cr_assert_str_eq(r.addresses[0], "127.0.0.1");
	ck_net_result_cleanup(&r);
}

Test(net, full_accept_queue_is_dropped)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM, 0), fill[8], nfill = 0;
	char url[64];
	struct ck_net_result r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(l, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(getsockname(l, (struct sockaddr *)&a, &len) == 0);
	cr_assert(listen(l, 0) == 0);
	/* fill the accept queue: from then on, SYNs go unanswered */
	for (;;) {
		struct pollfd p;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		cr_assert(nfill < 8);
		fill[nfill++] = fd;
		if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			continue;
		cr_assert_eq(errno, EINPROGRESS);
		p.fd = fd;
		p.events = POLLOUT;
		if (poll(&p, 1, 300) == 0)
			break;
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%u/int-ca.crt", ntohs(a.sin_port));
	r = fetch_one(url, 400);
	cr_assert_eq(r.result, CK_URL_DROPPED, "%s: %s", ck_url_result_name(r.result), r.message);
	cr_assert(r.t.total >= 350 && r.t.total < 3000, "total %.1f ms", r.t.total);
	cr_assert(r.t.connect >= 350, "connect %.1f ms", r.t.connect);
	ck_net_result_cleanup(&r);
	for (int i = 0; i < nfill; i++)
		close(fill[i]);
	close(l);
}

Test(net, invalid_urls_settle_without_traffic)
{
	struct ck_net_request reqs[3] = { { .url = "hhtp://x/" }, { .url = "ftp://x/" }, { .url = " http://x/" } };
	struct ck_net_opts o = { 0 };
	struct ck_net_result res[3];
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_net_run(reqs, 3, &o, res, &e), CK_OK);
	cr_assert_eq(res[0].result, CK_URL_MALFORMED);
	cr_assert_eq(res[1].result, CK_URL_UNSUPPORTED_SCHEME);
	cr_assert_eq(res[2].result, CK_URL_MALFORMED);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(res[i].nhops, 0);
		cr_assert_eq(res[i].naddresses, 0);
		ck_net_result_cleanup(&res[i]);
	}
}

static void count(void *ctx, size_t done, size_t total)
{
	size_t *n = ctx;
	cr_assert(done <= total);
	(*n)++;
}

Test(net, progress_once_per_url)
{
	char url[64];
	struct ck_net_request reqs[2];
	struct ck_net_result res[2];
	size_t calls = 0;
	struct ck_net_opts o = { .progress = count, .progress_ctx = &calls };
	struct ck_error e;
	snprintf(url, sizeof url, "http://127.0.0.1:%u/x", closed_port());
	reqs[0] = (struct ck_net_request){ .url = url };
	reqs[1] = (struct ck_net_request){ .url = "hhtp://x/" };
	cr_assert_eq(ck_net_run(reqs, 2, &o, res, &e), CK_OK);
	cr_assert_eq(calls, 2);
	ck_net_result_cleanup(&res[0]);
	ck_net_result_cleanup(&res[1]);
}

Test(net, no_proxy_list)
{
	cr_assert(ck_net_no_proxy("http://127.0.0.1:18080/x", "127.0.0.1"));
	cr_assert(ck_net_no_proxy("http://127.0.0.1:18080/x", "localhost, 127.0.0.0/8"));
	cr_assert(!ck_net_no_proxy("http://128.0.0.1/x", "127.0.0.0/8"));
	cr_assert(ck_net_no_proxy("http://pki.example.test/x", "example.test"));
	cr_assert(ck_net_no_proxy("http://pki.example.test/x", ".example.test"));
	cr_assert(!ck_net_no_proxy("http://pki.badexample.test/x", "example.test"));
	cr_assert(ck_net_no_proxy("http://anything/x", "*"));
	cr_assert(ck_net_no_proxy("http://[::1]:8080/x", "::1"));
	cr_assert(!ck_net_no_proxy("http://pki.example.test/x", ""));
}

Test(net, result_copy_is_deep)
{
	char url[64];
	struct ck_net_result r, c;
	snprintf(url, sizeof url, "http://127.0.0.1:%u/x", closed_port());
	r = fetch_one(url, 2000);
	cr_assert_eq(ck_net_result_copy(&r, &c), CK_OK);
	cr_assert_eq(c.result, r.result);
	cr_assert_eq(c.nhops, 1);
	cr_assert_neq(c.hops, r.hops);
	cr_assert_str_eq(c.hops[0].url, url);
	cr_assert_neq(c.hops[0].url, r.hops[0].url);
	cr_assert_str_eq(c.addresses[0], r.addresses[0]);
	ck_net_result_cleanup(&r);
	cr_assert_str_eq(c.hops[0].url, url);
	ck_net_result_cleanup(&c);
}
