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
#include <sched.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

/* ---------------------------------------------------------------- */
/* address ranges and rules (issue 29) */

static const struct {
	const char *in;
	bool ok;
	const char *shown;  /* ck_net_cidr_format() of it, or a part of the reason */
} cidrs[] = {
	{ "169.254.0.0/16", true, "169.254.0.0/16" },
	{ "10.0.0.0/8", true, "10.0.0.0/8" },
	{ "0.0.0.0/0", true, "0.0.0.0/0" },
	{ "192.0.2.7", true, "192.0.2.7/32" },
	{ "fe80::/10", true, "fe80::/10" },
	{ "::1", true, "::1/128" },
	{ "::/0", true, "::/0" },
	{ "::ffff:169.254.0.0/112", true, "::ffff:169.254.0.0/112" },
	{ "fd00:ec2::254/128", true, "fd00:ec2::254/128" },
	{ "10.0.0.1/8", false, "bits set past the prefix (the range is 10.0.0.0/8)" },
	{ "fe80::1/10", false, "the range is fe80::/10" },
	{ "10.0.0.0/33", false, "from 0 to 32" },
	{ "fe80::/129", false, "from 0 to 128" },
	{ "10.0.0.0/", false, "prefix length" },
	{ "10.0.0.0/08", false, "prefix length" },
	{ "10.0.0.0/+8", false, "prefix length" },
	{ "10.0.0.0/8 ", false, "prefix length" },
	{ " 10.0.0.0/8", false, "not an IPv4 or IPv6 address" },
	{ "10.0.0/8", false, "not an IPv4 or IPv6 address" },
	{ "010.0.0.0/8", false, "not an IPv4 or IPv6 address" },
	{ "10.0.0.256", false, "not an IPv4 or IPv6 address" },
	{ "example.test/8", false, "not an IPv4 or IPv6 address" },
	{ "[fe80::]/10", false, "not an IPv4 or IPv6 address" },
	{ "fe80::1%lo", false, "not an IPv4 or IPv6 address" },
	{ "/8", false, "not an address range" },
	{ "", false, "not an address range" },
	{ "10.0.0.0/8/8", false, "prefix length" },
};

Test(net, cidr_parser_is_strict)
{
	for (size_t i = 0; i < sizeof cidrs / sizeof cidrs[0]; i++) {
		struct ck_net_cidr c;
		char why[200] = "x", buf[CK_NET_CIDR_STRLEN];
		bool ok = ck_net_cidr_parse(cidrs[i].in, &c, why, sizeof why);
		cr_expect_eq(ok, cidrs[i].ok, "'%s': %s", cidrs[i].in, why);
		if (ok && cidrs[i].ok) {
			ck_net_cidr_format(&c, buf, sizeof buf);
			cr_expect_str_eq(buf, cidrs[i].shown, "'%s'", cidrs[i].in);
			cr_expect_str_eq(why, "");
		} else if (!ok) {
			cr_expect(strstr(why, cidrs[i].shown), "'%s': '%s' lacks '%s'", cidrs[i].in, why,
				  cidrs[i].shown);
			cr_expect(!strchr(why, '\n'));
		}
	}
}

Test(net, cidr_format_fits_the_longest_range)
{
	struct ck_net_cidr c;
	char buf[CK_NET_CIDR_STRLEN];
	cr_assert(ck_net_cidr_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", &c, NULL, 0));
	ck_net_cidr_format(&c, buf, sizeof buf);
	cr_assert_str_eq(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
}

static bool contains(const char *range, const char *address)
{
	struct ck_net_cidr c;
	cr_assert(ck_net_cidr_parse(range, &c, NULL, 0), "%s", range);
	return ck_net_cidr_contains(&c, address);
}

Test(net, cidr_matching)
{
	cr_expect(contains("169.254.0.0/16", "169.254.0.0"));
	cr_expect(contains("169.254.0.0/16", "169.254.255.255"));
	cr_expect(!contains("169.254.0.0/16", "169.253.255.255"));
	cr_expect(!contains("169.254.0.0/16", "169.255.0.0"));
	cr_expect(contains("0.0.0.0/0", "203.0.113.9"));
	cr_expect(contains("172.16.0.0/12", "172.31.255.255"));
	cr_expect(!contains("172.16.0.0/12", "172.32.0.0"));
	cr_expect(contains("192.0.2.7", "192.0.2.7"));
	cr_expect(!contains("192.0.2.7", "192.0.2.6"));
	cr_expect(contains("fe80::/10", "fe80::1"));
	cr_expect(contains("fe80::/10", "febf:ffff::1"));
	cr_expect(!contains("fe80::/10", "fec0::1"));
	cr_expect(!contains("fe80::/10", "fe7f::1"));
	/* the IPv4-mapped forms are the IPv4 addresses they reach */
	cr_expect(contains("169.254.0.0/16", "::ffff:169.254.169.254"));
	cr_expect(contains("169.254.0.0/16", "::ffff:a9fe:1"));
	cr_expect(contains("::ffff:169.254.0.0/112", "169.254.1.1"));
	cr_expect(contains("::ffff:169.254.0.0/112", "::ffff:169.254.1.1"));
	cr_expect(!contains("::ffff:169.254.0.0/112", "169.255.1.1"));
	/* an IPv6 range outside ::ffff:0:0/96 holds no IPv4 address */
	cr_expect(!contains("::/0", "127.0.0.1"));
	cr_expect(contains("::/0", "::1"));
	cr_expect(!contains("0.0.0.0/0", "::1"));
	/* IPv4-compatible (::a.b.c.d) is an IPv6 address */
	cr_expect(!contains("169.254.0.0/16", "::169.254.169.254"));
	cr_expect(!contains("169.254.0.0/16", "metadata.test"));
	cr_expect(!contains("169.254.0.0/16", ""));
}

/* A rule set from strings, for the decision table. */
struct rules {
	struct ck_net_cidr allow[4], deny[4];
	struct ck_net_opts o;
};

static void rules_init(struct rules *r, const char *const *allow, const char *const *deny)
{
	memset(r, 0, sizeof *r);
	for (size_t i = 0; allow && allow[i]; i++)
		cr_assert(ck_net_cidr_parse(allow[i], &r->allow[r->o.nallow++], NULL, 0));
	for (size_t i = 0; deny && deny[i]; i++)
		cr_assert(ck_net_cidr_parse(deny[i], &r->deny[r->o.ndeny++], NULL, 0));
	r->o.allow = r->allow;
	r->o.deny = r->deny;
}

static const struct {
	const char *allow[3], *deny[3];
	const char *address;
	bool allowed;
	const char *why;  /* part of the reason when refused */
} decisions[] = {
	/* the built-in ranges */
	{ { NULL }, { NULL }, "169.254.169.254", false, "not connected to 169.254.169.254: the cloud instance-metadata address" },
	{ { NULL }, { NULL }, "::ffff:169.254.169.254", false, "::ffff:169.254.169.254: the cloud instance-metadata address" },
	{ { NULL }, { NULL }, "169.254.1.1", false, "169.254.1.1: link-local (169.254.0.0/16)" },
	{ { NULL }, { NULL }, "::ffff:169.254.1.1", false, "link-local (169.254.0.0/16)" },
	{ { NULL }, { NULL }, "fe80::1", false, "fe80::1: IPv6 link-local (fe80::/10)" },
	{ { NULL }, { NULL }, "febf::1", false, "IPv6 link-local" },
	{ { NULL }, { NULL }, "fd00:ec2::254", false, "AWS's instance-metadata address (IPv6)" },
	{ { NULL }, { NULL }, "100.100.100.200", false, "Alibaba Cloud" },
	{ { NULL }, { NULL }, "169.254.0.1", false, "refused by default (--allow-address opens it)" },
	/* everything else stays allowed: private ranges are PKIs' */
	{ { NULL }, { NULL }, "10.1.2.3", true, NULL },
	{ { NULL }, { NULL }, "172.16.0.1", true, NULL },
	{ { NULL }, { NULL }, "192.168.1.1", true, NULL },
	{ { NULL }, { NULL }, "127.0.0.1", true, NULL },
	{ { NULL }, { NULL }, "::1", true, NULL },
	{ { NULL }, { NULL }, "fec0::1", true, NULL },
	{ { NULL }, { NULL }, "fd00:ec2::253", true, NULL },
	{ { NULL }, { NULL }, "100.100.100.201", true, NULL },
	{ { NULL }, { NULL }, "169.253.255.255", true, NULL },
	{ { NULL }, { NULL }, "::169.254.169.254", true, NULL },
	/* --allow-address opens a range, built-in ones included */
	{ { "169.254.0.0/16" }, { NULL }, "169.254.169.254", true, NULL },
	{ { "169.254.0.0/16" }, { NULL }, "::ffff:169.254.169.254", true, NULL },
	{ { "169.254.0.0/16" }, { NULL }, "fe80::1", false, "IPv6 link-local" },
	{ { "::ffff:169.254.0.0/112" }, { NULL }, "169.254.10.10", true, NULL },
	{ { "fe80::/64" }, { NULL }, "fe80::1", true, NULL },
	{ { "fe80::/64" }, { NULL }, "fe80:0:0:1::1", false, "IPv6 link-local" },
	/* --deny-address adds ranges */
	{ { NULL }, { "127.0.0.0/8" }, "127.0.0.1", false, "not connected to 127.0.0.1: it is in the denied range 127.0.0.0/8" },
	{ { NULL }, { "127.0.0.0/8" }, "::ffff:127.0.0.1", false, "denied range 127.0.0.0/8" },
	{ { NULL }, { "127.0.0.0/8" }, "::1", true, NULL },
	{ { NULL }, { "10.0.0.0/8" }, "10.200.0.1", false, "denied range 10.0.0.0/8" },
	{ { NULL }, { "::/0" }, "127.0.0.1", true, NULL },
	{ { NULL }, { "::/0" }, "::1", false, "denied range ::/0" },
	/* the longest prefix decides; deny on a tie */
	{ { "10.1.0.0/16" }, { "10.0.0.0/8" }, "10.1.2.3", true, NULL },
	{ { "10.1.0.0/16" }, { "10.0.0.0/8" }, "10.2.0.1", false, "denied range 10.0.0.0/8" },
	{ { "169.254.0.0/16" }, { "169.254.169.254" }, "169.254.169.254", false, "denied range 169.254.169.254/32" },
	{ { "169.254.0.0/16" }, { "169.254.169.254" }, "169.254.169.253", true, NULL },
	{ { "127.0.0.0/8" }, { "127.0.0.0/8" }, "127.0.0.1", false, "denied range 127.0.0.0/8" },
	{ { "::ffff:127.0.0.0/104" }, { "127.0.0.0/8" }, "127.0.0.1", false, "denied range" },
	{ { "0.0.0.0/0" }, { NULL }, "169.254.169.254", true, NULL },
	/* not an address */
	{ { NULL }, { NULL }, "metadata.test", false, "not a numeric address" },
};

Test(net, address_rules)
{
	for (size_t i = 0; i < sizeof decisions / sizeof decisions[0]; i++) {
		struct rules r;
		char why[300] = "x";
		bool ok;
		rules_init(&r, decisions[i].allow, decisions[i].deny);
		ok = ck_net_address_allowed(&r.o, decisions[i].address, why, sizeof why);
		cr_expect_eq(ok, decisions[i].allowed, "case %zu, %s: %s", i, decisions[i].address, why);
		if (ok)
			cr_expect_str_eq(why, "", "case %zu", i);
		else if (decisions[i].why)
			cr_expect(strstr(why, decisions[i].why), "case %zu: '%s' lacks '%s'", i, why,
				  decisions[i].why);
	}
	/* no options: the built-in rules */
	cr_expect(!ck_net_address_allowed(NULL, "169.254.169.254", NULL, 0));
	cr_expect(ck_net_address_allowed(NULL, "10.0.0.1", NULL, 0));
}

static const struct {
	const char *entry;
	const char *why;  /* NULL: valid */
} resolves[] = {
	{ "metadata.test:80:169.254.169.254", NULL },
	{ "a-b_c.example:18080:127.0.0.1,[::1]", NULL },
	{ "v6.test:443:[fe80::1]", NULL },
	{ "v6.test:443:[::ffff:169.254.169.254]", NULL },
	{ "metadata.test:80", "not HOST:PORT:ADDRESS" },
	{ "metadata.test", "not HOST:PORT:ADDRESS" },
	{ ":80:127.0.0.1", "not HOST:PORT:ADDRESS" },
	{ "*:80:127.0.0.1", "not a host name" },
	{ "+metadata.test:80:127.0.0.1", "not a host name" },
	{ "-metadata.test:80:127.0.0.1", "not a host name" },
	{ "m.test:0:127.0.0.1", "from 1 to 65535" },
	{ "m.test:65536:127.0.0.1", "from 1 to 65535" },
	{ "m.test:080:127.0.0.1", "from 1 to 65535" },
	{ "m.test::127.0.0.1", "from 1 to 65535" },
	{ "m.test:80:", "missing" },
	{ "m.test:80:127.0.0.1,", "missing" },
	{ "m.test:80:fe80::1", "in brackets" },
	{ "m.test:80:[127.0.0.1]", "in brackets" },
	{ "m.test:80:example.test", "in brackets" },
	{ "m.test:80:127.0.0.1 ", "in brackets" },
};

Test(net, resolve_entries_are_checked)
{
	for (size_t i = 0; i < sizeof resolves / sizeof resolves[0]; i++) {
		char why[200] = "x";
		bool ok = ck_net_resolve_check(resolves[i].entry, why, sizeof why);
		if (!resolves[i].why) {
			cr_expect(ok, "'%s': %s", resolves[i].entry, why);
			continue;
		}
		cr_expect(!ok, "'%s' accepted", resolves[i].entry);
		cr_expect(strstr(why, resolves[i].why), "'%s': '%s' lacks '%s'", resolves[i].entry, why,
			  resolves[i].why);
	}
}

/* ---------------------------------------------------------------- */
/* refused addresses get no socket (issue 29) */

/* Transfers run in a child process that first moves to a network
 * namespace of its own with no interface up: a connection the rules let
 * through reaches nothing, so even broken rules cannot send a packet
 * anywhere.  A child, because unshare(CLONE_NEWUSER), which a user other
 * than root needs, refuses a multi-threaded process such as Criterion's
 * worker.  The child sends the status and the result back over a pipe. */

static void put(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t k = write(fd, c, n);
		if (k <= 0)
			_exit(1);
		c += k;
		n -= (size_t)k;
	}
}

static void put_str(int fd, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	put(fd, &n, sizeof n);
	if (s)
		put(fd, s, n);
}

static void get(FILE *f, void *p, size_t n)
{
	cr_assert_eq(fread(p, 1, n, f), n, "the child's answer is cut short");
}

static char *get_str(FILE *f)
{
	uint32_t n;
	char *s;
	get(f, &n, sizeof n);
	if (n == UINT32_MAX)
		return NULL;
	s = malloc((size_t)n + 1);
	cr_assert(s);
	get(f, s, n);
	s[n] = '\0';
	return s;
}

static char **get_strv(FILE *f, size_t n)
{
	char **v = n ? calloc(n, sizeof *v) : NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = get_str(f);
	return v;
}

static void child(int fd, const char *url, const struct ck_net_opts *o)
{
	struct ck_net_request req = { .url = url };
	struct ck_net_result r;
	struct ck_error e;
	int st;

	if (unshare(CLONE_NEWNET) != 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
		st = -1;
		put(fd, &st, sizeof st);
		put_str(fd, strerror(errno));
		_exit(0);
	}
	ck_error_clear(&e);
	st = (int)ck_net_run(&req, 1, o, &r, &e);
	put(fd, &st, sizeof st);
	put_str(fd, e.what);
	if (st == CK_OK) {
		put(fd, &r.result, sizeof r.result);
		put(fd, &r.sockets, sizeof r.sockets);
		put(fd, &r.t, sizeof r.t);
		put(fd, &r.os_errno, sizeof r.os_errno);
		put_str(fd, r.message);
		put_str(fd, r.proxy);
		put(fd, &r.naddresses, sizeof r.naddresses);
		for (size_t i = 0; i < r.naddresses; i++)
			put_str(fd, r.addresses[i]);
		put(fd, &r.nblocked, sizeof r.nblocked);
		for (size_t i = 0; i < r.nblocked; i++)
			put_str(fd, r.blocked[i]);
		put(fd, &r.nhops, sizeof r.nhops);
		for (size_t i = 0; i < r.nhops; i++)
			put_str(fd, r.hops[i].url);
	}
	_exit(0);
}

/* ck_net_run() of one URL in a private network namespace; the test is
 * skipped where none can be made.  Fills *res (hops carry their URL
 * only) when the status is CK_OK; err->what gets the error. */
static enum ck_status fetch_isolated(const char *url, const struct ck_net_opts *o_in,
				     struct ck_net_result *res, struct ck_error *err)
{
	struct ck_net_opts o = *o_in;
	int p[2], st, wst;
	pid_t pid;
	FILE *f;
	char *what;

	o.connect_timeout_ms = 2000;
	o.timeout_ms = 4000;
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child(p[1], url, &o);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	cr_assert(f);
	get(f, &st, sizeof st);
	what = get_str(f);
	if (st < 0) {
		fclose(f);
		waitpid(pid, &wst, 0);
		cr_skip_test("cannot make a private network namespace here (unshare: %s)", what);
	}
	ck_error_clear(err);
	snprintf(err->what, sizeof err->what, "%s", what ? what : "");
	free(what);
	memset(res, 0, sizeof *res);
	if (st == CK_OK) {
		get(f, &res->result, sizeof res->result);
		get(f, &res->sockets, sizeof res->sockets);
		get(f, &res->t, sizeof res->t);
		get(f, &res->os_errno, sizeof res->os_errno);
		what = get_str(f);
		snprintf(res->message, sizeof res->message, "%s", what ? what : "");
		free(what);
		res->proxy = get_str(f);
		get(f, &res->naddresses, sizeof res->naddresses);
		res->addresses = get_strv(f, res->naddresses);
		get(f, &res->nblocked, sizeof res->nblocked);
		res->blocked = get_strv(f, res->nblocked);
		get(f, &res->nhops, sizeof res->nhops);
		res->hops = res->nhops ? calloc(res->nhops, sizeof *res->hops) : NULL;
		for (size_t i = 0; i < res->nhops; i++)
			res->hops[i].url = get_str(f);
	}
	fclose(f);
	cr_assert_eq(waitpid(pid, &wst, 0), pid);
	cr_assert(WIFEXITED(wst) && WEXITSTATUS(wst) == 0, "the child failed");
	return (enum ck_status)st;
}

static struct ck_net_result fetch_with(const char *url, const struct ck_net_opts *o)
{
	struct ck_net_result res;
	struct ck_error e;
	cr_assert_eq(fetch_isolated(url, o, &res, &e), CK_OK, "%s", e.what);
	return res;
}

static const char *const names[] = {
	"metadata.test:80:169.254.169.254",
	"v6.test:80:[fe80::1]",
	"mapped.test:80:[::ffff:169.254.169.254]",
	"aws6.test:80:[fd00:ec2::254]",
	"both.test:80:[fe80::1],169.254.169.254",
	"metadata.test:389:169.254.169.254",
	NULL,
};

static const struct {
	const char *url;
	const char *address;  /* the first one refused */
	const char *why;
} refused_urls[] = {
	{ "http://metadata.test/latest/meta-data/", "169.254.169.254", "the cloud instance-metadata address" },
	{ "http://v6.test/", "fe80::1", "IPv6 link-local" },
	{ "http://mapped.test/", "::ffff:169.254.169.254", "the cloud instance-metadata address" },
	{ "http://aws6.test/", "fd00:ec2::254", "AWS's instance-metadata address (IPv6)" },
	{ "http://both.test/", "fe80::1", "and 1 more addresses" },
	{ "http://169.254.169.254/latest/meta-data/", "169.254.169.254", "the cloud instance-metadata address" },
	{ "http://[fe80::1]:8080/", "fe80::1", "IPv6 link-local" },
	{ "http://[fe80::1%25lo]/", "fe80::1", "IPv6 link-local" },
	{ "http://[::ffff:a9fe:a9fe]/", "::ffff:169.254.169.254", "the cloud instance-metadata address" },
	{ "http://100.100.100.200/", "100.100.100.200", "Alibaba Cloud" },
	{ "https://169.254.10.1/", "169.254.10.1", "link-local (169.254.0.0/16)" },
	/* other spellings of 169.254.169.254 reach the same address */
	{ "http://2852039166/", "169.254.169.254", "the cloud instance-metadata address" },
	{ "http://0xa9.0xfe.0xa9.0xfe/", "169.254.169.254", "the cloud instance-metadata address" },
};

Test(net, refused_address_gets_no_socket)
{
	struct ck_net_opts o = { .resolve = names };
	for (size_t i = 0; i < sizeof refused_urls / sizeof refused_urls[0]; i++) {
		struct ck_net_result r = fetch_with(refused_urls[i].url, &o);
		cr_expect_eq(r.result, CK_URL_BLOCKED_ADDRESS, "%s: %s: %s", refused_urls[i].url,
			     ck_url_result_name(r.result), r.message);
		cr_expect_eq(r.sockets, 0, "%s: %u sockets", refused_urls[i].url, r.sockets);
		cr_expect_eq(r.naddresses, 0, "%s", refused_urls[i].url);
		cr_expect(r.nblocked >= 1 && !strcmp(r.blocked[0], refused_urls[i].address), "%s: blocked %s",
			  refused_urls[i].url, r.nblocked ? r.blocked[0] : "nothing");
		cr_expect(strstr(r.message, refused_urls[i].address) && strstr(r.message, refused_urls[i].why),
			  "%s: %s", refused_urls[i].url, r.message);
		cr_expect_eq(r.nhops, 1);
		cr_expect_eq(r.t.connect, -1);
		ck_net_result_cleanup(&r);
	}
}

Test(net, ldap_goes_through_the_same_check)
{
	struct ck_net_opts o = { .resolve = names };
	struct ck_net_result r;
	if (!(ck_net_schemes() & CK_SCHEME_LDAP))
		cr_skip_test("this libcurl has no LDAP support");
	r = fetch_with("ldap://metadata.test/cn=int", &o);
	cr_expect_eq(r.result, CK_URL_BLOCKED_ADDRESS, "%s: %s", ck_url_result_name(r.result), r.message);
	cr_expect_eq(r.sockets, 0);
	ck_net_result_cleanup(&r);
}

Test(net, allowed_address_is_tried)
{
	/* opened on purpose, the address is connected to: in this namespace
	 * there is no route to it, so the attempt fails at once */
	struct ck_net_cidr open[2];
	struct ck_net_opts o = { .resolve = names, .allow = open, .nallow = 2 };
	struct ck_net_result r;
	cr_assert(ck_net_cidr_parse("169.254.0.0/16", &open[0], NULL, 0));
	cr_assert(ck_net_cidr_parse("fe80::/10", &open[1], NULL, 0));
	r = fetch_with("http://metadata.test/latest/meta-data/", &o);
	cr_expect_eq(r.result, CK_URL_REFUSED, "%s: %s", ck_url_result_name(r.result), r.message);
	cr_expect_eq(r.sockets, 1);
	cr_expect_eq(r.nblocked, 0);
	cr_expect(r.naddresses == 1 && !strcmp(r.addresses[0], "169.254.169.254"));
	ck_net_result_cleanup(&r);
	/* the private ranges need no option */
	o.nallow = 0;
	r = fetch_with("http://10.0.0.1/ca.crt", &o);
	cr_expect_eq(r.result, CK_URL_REFUSED, "%s: %s", ck_url_result_name(r.result), r.message);
	cr_expect_eq(r.sockets, 1);
	ck_net_result_cleanup(&r);
}

Test(net, denied_range_is_refused)
{
	struct ck_net_cidr deny;
	struct ck_net_opts o = { .deny = &deny, .ndeny = 1 };
	struct ck_net_result r;
	cr_assert(ck_net_cidr_parse("10.0.0.0/8", &deny, NULL, 0));
	r = fetch_with("http://10.1.2.3/ca.crt", &o);
	cr_expect_eq(r.result, CK_URL_BLOCKED_ADDRESS, "%s: %s", ck_url_result_name(r.result), r.message);
	cr_expect_eq(r.sockets, 0);
	cr_expect_str_eq(r.message, "not connected to 10.1.2.3: it is in the denied range 10.0.0.0/8");
	ck_net_result_cleanup(&r);
}

Test(net, through_a_proxy_an_address_host_is_checked_first)
{
	/* the proxy (nothing there) would connect for us: a URL whose host
	 * is a refused address is settled before anything is sent to it; a
	 * host name is the proxy's to resolve */
	struct ck_net_opts o = { .proxy = "http://192.0.2.1:3128" };
	struct ck_net_result r;
	r = fetch_with("http://169.254.169.254/latest/meta-data/", &o);
	cr_expect_eq(r.result, CK_URL_BLOCKED_ADDRESS, "%s: %s", ck_url_result_name(r.result), r.message);
	cr_expect_eq(r.sockets, 0);
	cr_expect_eq(r.nhops, 1);
	cr_expect_str_eq(r.proxy, "http://192.0.2.1:3128");
	cr_expect(strstr(r.message, "169.254.169.254"), "%s", r.message);
	ck_net_result_cleanup(&r);
	r = fetch_with("http://metadata.test/latest/meta-data/", &o);
	cr_expect_eq(r.result, CK_URL_PROXY_ERROR, "%s: %s", ck_url_result_name(r.result), r.message);
	cr_expect_eq(r.sockets, 1);
	ck_net_result_cleanup(&r);
}

Test(net, bad_resolve_entry_is_a_usage_error)
{
	const char *const bad[] = { "metadata.test:80:fe80::1", NULL };
	struct ck_net_opts o = { .resolve = bad };
	struct ck_net_result res;
	struct ck_error e;
	cr_assert_eq(fetch_isolated("http://metadata.test/", &o, &res, &e), CK_E_USAGE);
	cr_expect(strstr(e.what, "in brackets"), "%s", e.what);
}

Test(net, result_copy_keeps_blocked_addresses)
{
	struct ck_net_opts o = { .resolve = names };
	struct ck_net_result r, c;
	r = fetch_with("http://both.test/", &o);
	cr_assert_eq(r.nblocked, 2);
	cr_assert_eq(ck_net_result_copy(&r, &c), CK_OK);
	cr_assert_eq(c.nblocked, 2);
	cr_assert_neq(c.blocked, r.blocked);
	cr_assert_str_eq(c.blocked[1], "169.254.169.254");
	cr_assert_eq(c.sockets, 0);
	ck_net_result_cleanup(&r);
	cr_assert_str_eq(c.blocked[0], "fe80::1");
	ck_net_result_cleanup(&c);
}

/* The distinct requests of a batch (aiacheck's rounds, certaudit's URL
 * sets): the same URL and body once, another body or URL apart, and
 * no more than the room asked for. */
Test(net, reqset_keeps_each_distinct_request_once)
{
	struct ck_net_reqset s;
	static const unsigned char body1[] = { 1, 2, 3 }, body2[] = { 1, 2, 4 };
	struct ck_net_request a = { .url = "http://127.0.0.1/a" }, b = { .url = "http://127.0.0.1/b" };
	struct ck_net_request p1 = { .url = "http://127.0.0.1/ocsp", .post = body1, .post_len = 3 };
	struct ck_net_request p2 = { .url = "http://127.0.0.1/ocsp", .post = body2, .post_len = 3 };
	struct ck_net_request p1again = p1;

	cr_assert_eq(ck_net_reqset_init(&s, 4), CK_OK);
	cr_assert_eq(ck_net_reqset_add(&s, &a), 0);
	cr_assert_eq(ck_net_reqset_add(&s, &b), 1);
	cr_assert_eq(ck_net_reqset_add(&s, &a), 0);
	cr_assert_eq(ck_net_reqset_add(&s, &p1), 2);
	cr_assert_eq(ck_net_reqset_add(&s, &p2), 3, "another body is another request");
	cr_assert_eq(ck_net_reqset_add(&s, &p1again), 2);
	cr_assert_eq(s.n, 4);
	cr_assert_eq(ck_net_reqset_add(&s, &(struct ck_net_request){ .url = "http://127.0.0.1/c" }), -1,
		     "full");
	cr_assert_str_eq(s.reqs[1].url, "http://127.0.0.1/b");
	ck_net_reqset_free(&s);
	/* a thousand requests, each asked twice */
	cr_assert_eq(ck_net_reqset_init(&s, 1000), CK_OK);
	for (int i = 0; i < 2000; i++) {
		char url[64];
		snprintf(url, sizeof url, "http://127.0.0.1/%d", i % 1000);
		struct ck_net_request r = { .url = strdup(url) };
		long k = ck_net_reqset_add(&s, &r);
		cr_assert_eq(k, i % 1000);
		if (i >= 1000)
			free((char *)r.url);
	}
	for (size_t i = 0; i < s.n; i++)
		free((char *)s.reqs[i].url);
	ck_net_reqset_free(&s);
}

Test(net, proxy_url_redacted)
{
	static const char *const t[][2] = {
		{ "http://u:secret@127.0.0.1:3128", "http://u:***@127.0.0.1:3128/" },
		{ "socks5://a:b@h:1", "socks5://a:***@h:1/" },
		{ "http://127.0.0.1:3128", "http://127.0.0.1:3128" },
		{ "127.0.0.1:3128", "127.0.0.1:3128" },
		/* not a URL libcurl parses (a space in the password): still hidden */
		{ "http://user:pa ss@proxy:3128", "http://user:***@proxy:3128" },
		{ "http://user@proxy:3128", "http://user@proxy:3128" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *s = ck_net_url_redacted(t[i][0]);
		cr_assert_str_eq(s, t[i][1], "%s -> %s", t[i][0], s);
		free(s);
	}
}
