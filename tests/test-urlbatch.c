/* urlbatch: each distinct request made once, every item settled with
 * its own answer in the order added — against a loopback HTTP server
 * run by the test (a thread), which counts the requests it was sent. */
#include "config.h"

#include "libcore/aia.h"
#include "libcore/urlbatch.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---------------------------------------------------------------- */
/* the server: GET /int-ca.der serves that fixture; anything else gets
 * "METHOD PATH BODY-LENGTH" back, so that a test sees which request an
 * answer belongs to */

struct server {
	int fd;
	unsigned short port;
	pthread_t thread;
	atomic_bool stop;
	atomic_int requests;
	unsigned char *issuer;
	size_t issuer_len;
};

/* No cr_assert in the server's thread (Criterion aborts a test from
 * its own thread only): a request it cannot read is not counted, and
 * the test fails on the count or the answer. */
static void send_all(int c, const void *p, size_t len)
{
	while (len) {
		ssize_t n = send(c, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		p = (const char *)p + n;
		len -= (size_t)n;
	}
}

static void answer(int c, const char *type, const void *body, size_t len)
{
	char head[200];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n", type, len);
	send_all(c, head, (size_t)n);
	send_all(c, body, len);
}

static void serve_one(struct server *s, int c)
{
	char buf[8192], method[16], path[256], echo[300];
	size_t got = 0, want = 0;
	char *end = NULL, *cl;

	while (got < sizeof buf - 1) {
		ssize_t n = read(c, buf + got, sizeof buf - 1 - got);
		if (n <= 0)
			return;
		got += (size_t)n;
		buf[got] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n"))) {
			cl = strcasestr(buf, "\r\nContent-Length:");
			want = (size_t)(end + 4 - buf) + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if (end && got >= want)
			break;
	}
	if (!end || sscanf(buf, "%15s %255s", method, path) != 2)
		return;
	atomic_fetch_add(&s->requests, 1);
	if (!strcmp(path, "/int-ca.der")) {
		answer(c, "application/pkix-cert", s->issuer, s->issuer_len);
		return;
	}
	snprintf(echo, sizeof echo, "%s %s %zu", method, path, got - (size_t)(end + 4 - buf));
	answer(c, "text/plain", echo, strlen(echo));
}

static void *serve(void *arg)
{
	struct server *s = arg;
	while (!atomic_load(&s->stop)) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int c;
		if (poll(&p, 1, 50) <= 0)
			continue;
		c = accept(s->fd, NULL, NULL);
		if (c < 0)
			continue;
		serve_one(s, c);
		close(c);
	}
	return NULL;
}

static void server_start(struct server *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;

	memset(s, 0, sizeof *s);
	s->issuer = fx_read("pki/int-ca.der", &s->issuer_len);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(s->fd, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(getsockname(s->fd, (struct sockaddr *)&a, &len) == 0);
	cr_assert(listen(s->fd, 16) == 0);
	s->port = ntohs(a.sin_port);
	cr_assert(pthread_create(&s->thread, NULL, serve, s) == 0);
}

static void server_stop(struct server *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	close(s->fd);
	free(s->issuer);
}

/* ---------------------------------------------------------------- */
/* what the settle function saw */

struct seen {
	size_t n;
	const char *ctx[8];
	char body[8][300];
	const unsigned char *ptr[8];
	size_t stop_at;        /* fail on this call (1-based); 0: never */
};

static enum ck_status record(void *arg, void *ctx, struct ck_net_result *net)
{
	struct seen *s = arg;
	cr_assert(s->n < 8);
	s->ctx[s->n] = ctx;
	cr_assert_eq(net->result, CK_URL_OK, "%s: %s", (const char *)ctx, net->message);
	snprintf(s->body[s->n], sizeof s->body[s->n], "%.*s", (int)net->body_len,
		 (const char *)net->body);
	s->ptr[s->n] = net->body;
	s->n++;
	return s->n == s->stop_at ? CK_E_INTERNAL : CK_OK;
}

/* A running server, an empty batch and options for loopback. */
struct bench {
	struct server srv;
	struct ck_url_batch b;
	struct ck_net_opts o;
	struct ck_error e;
	char urls[8][80];            /* the requests borrow them */
	size_t nurls;
};

static void bench_start(struct bench *t, size_t max)
{
	memset(t, 0, sizeof *t);
	server_start(&t->srv);
	t->o = (struct ck_net_opts){ .connect_timeout_ms = 2000, .timeout_ms = 5000 };
	ck_error_clear(&t->e);
	cr_assert_eq(ck_url_batch_init(&t->b, max), CK_OK);
}

static void bench_stop(struct bench *t)
{
	ck_url_batch_cleanup(&t->b);
	server_stop(&t->srv);
}

/* Add a request for `path` on the server; POST `post` when not NULL. */
static void add(struct bench *t, const char *path, const char *post, const void *ctx)
{
	char *url = t->urls[t->nurls++];
	struct ck_net_request r = { .url = url };
	unsigned char *body = NULL;

	snprintf(url, sizeof t->urls[0], "http://127.0.0.1:%u%s", t->srv.port, path);
	if (post) {
		body = malloc(strlen(post));
		cr_assert_not_null(body);
		memcpy(body, post, strlen(post));
		r.post = body;
		r.post_len = strlen(post);
		r.content_type = "application/ocsp-request";
	}
	cr_assert_eq(ck_url_batch_add(&t->b, &r, body, (void *)ctx), CK_OK);
}

/* ---------------------------------------------------------------- */

Test(urlbatch, one_request_per_distinct_url_every_item_its_own_answer)
{
	struct bench t;
	struct seen seen = { 0 };
	static const char *ctx[] = { "first", "second", "third", "fourth" };

	bench_start(&t, 4);
	add(&t, "/a", NULL, ctx[0]);
	add(&t, "/c", NULL, ctx[1]);
	add(&t, "/a", NULL, ctx[2]);
	add(&t, "/a", NULL, ctx[3]);
	cr_assert_eq(ck_url_batch_requests(&t.b), 2);
	cr_assert_eq(ck_url_batch_run(&t.b, &t.o, record, &seen, &t.e), CK_OK, "%s", t.e.what);
	cr_assert_eq(atomic_load(&t.srv.requests), 2, "the server was asked %d times",
		     atomic_load(&t.srv.requests));
	cr_assert(t.b.elapsed_ms > 0);
	/* in the order added, each with the answer to its own request */
	cr_assert_eq(seen.n, 4);
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(seen.ctx[i], ctx[i]);
	cr_assert_str_eq(seen.body[0], "GET /a 0");
	cr_assert_str_eq(seen.body[1], "GET /c 0");
	cr_assert_str_eq(seen.body[2], "GET /a 0");
	cr_assert_str_eq(seen.body[3], "GET /a 0");
	/* copies, not one answer shared */
	cr_assert_neq(seen.ptr[0], seen.ptr[2]);
	cr_assert_neq(seen.ptr[2], seen.ptr[3]);
	bench_stop(&t);
}

Test(urlbatch, a_post_body_is_part_of_the_request_and_owned_by_the_batch)
{
	struct bench t;
	struct seen seen = { 0 };

	bench_start(&t, 3);
	/* the same bytes in two buffers: one request; other bytes: another */
	add(&t, "/ocsp", "request-1", "one");
	add(&t, "/ocsp", "request-1", "one again");
	add(&t, "/ocsp", "request-two", "two");
	cr_assert_eq(ck_url_batch_requests(&t.b), 2);
	cr_assert_eq(ck_url_batch_run(&t.b, &t.o, record, &seen, &t.e), CK_OK, "%s", t.e.what);
	cr_assert_eq(atomic_load(&t.srv.requests), 2);
	cr_assert_str_eq(seen.body[0], "POST /ocsp 9");
	cr_assert_str_eq(seen.body[1], "POST /ocsp 9");
	cr_assert_str_eq(seen.body[2], "POST /ocsp 11");
	bench_stop(&t);
}

Test(urlbatch, a_failing_settle_stops_the_run)
{
	struct bench t;
	struct seen seen = { .stop_at = 2 };

	bench_start(&t, 3);
	for (int i = 0; i < 3; i++)
		add(&t, "/a", NULL, NULL);
	cr_assert_eq(ck_url_batch_run(&t.b, &t.o, record, &seen, &t.e), CK_E_INTERNAL);
	cr_assert_eq(seen.n, 2);
	bench_stop(&t);
}

Test(urlbatch, empty_and_full)
{
	struct ck_url_batch b;
	struct ck_net_opts o = { 0 };
	struct seen seen = { 0 };
	struct ck_error e;
	unsigned char *body = malloc(1);

	ck_error_clear(&e);
	cr_assert_eq(ck_url_batch_init(&b, 1), CK_OK);
	cr_assert_eq(ck_url_batch_run(&b, &o, record, &seen, &e), CK_OK);
	cr_assert_eq(seen.n, 0);
	cr_assert_eq(b.elapsed_ms, 0);
	cr_assert_eq(ck_url_batch_add(&b, &(struct ck_net_request){ .url = "http://127.0.0.1/" }, NULL, NULL), CK_OK);
	/* the body is taken over even when refused */
	cr_assert_eq(ck_url_batch_add(&b, &(struct ck_net_request){ .url = "http://127.0.0.1/x" },
				      body, NULL), CK_E_INTERNAL);
	cr_assert_eq(b.n, 1);
	ck_url_batch_cleanup(&b);
	ck_url_batch_cleanup(&b); /* twice is harmless */
}

/* ---------------------------------------------------------------- */
/* URL entries (aia.h) in a batch, as aiacheck and certaudit --network
 * put them there */

struct settle_at {
	time_t at;
	size_t n;
};

static enum ck_status settle_entry(void *arg, void *ctx, struct ck_net_result *net)
{
	struct settle_at *s = arg;
	ck_url_entry_settle(ctx, net, s->at, 24);
	s->n++;
	return CK_OK;
}

Test(urlbatch, url_entries_invalid_ones_settle_without_a_request)
{
	struct bench t;
	struct ck_cert *client = fx_cert("pki/client.der");
	struct settle_at s = { 1893456000, 0 };
	struct ck_url_entry v[5];
	char *issuer = t.urls[0], *trimmed = t.urls[1];
	const char *urls[5] = { issuer, "hhtp://127.0.0.1/x.crt", issuer, "ftp://127.0.0.1/x.crt", trimmed };

	bench_start(&t, 5);
	snprintf(issuer, sizeof t.urls[0], "http://127.0.0.1:%u/int-ca.der", t.srv.port);
	/* white space around a URL: malformed, and requested trimmed */
	snprintf(trimmed, sizeof t.urls[1], " %.60s", issuer);
	for (size_t i = 0; i < 5; i++) {
		cr_assert_eq(ck_url_entry_init(&v[i], CK_KIND_CA_ISSUERS, urls[i], client, (unsigned)i, "GET"),
			     CK_OK);
		cr_assert_eq(ck_url_entry_enqueue(&v[i], CK_SCHEME_HTTP, &t.b, &v[i]), CK_OK);
	}
	cr_assert_eq(t.b.n, 3, "the malformed and the ftp URL are not requested");
	cr_assert_eq(v[1].result, CK_URL_MALFORMED);
	cr_assert(!v[1].checked);
	cr_assert_eq(v[3].result, CK_URL_UNSUPPORTED_SCHEME);
	cr_assert(!v[3].checked);
	cr_assert_eq(ck_url_batch_requests(&t.b), 1, "three entries, one request");
	cr_assert_eq(ck_url_batch_run(&t.b, &t.o, settle_entry, &s, &t.e), CK_OK, "%s", t.e.what);
	cr_assert_eq(s.n, 3);
	cr_assert_eq(atomic_load(&t.srv.requests), 1);
	for (size_t i = 0; i < 5; i += 2) {
		cr_assert(v[i].checked);
		cr_assert_eq(v[i].effective, CK_URL_OK, "%zu: %s", i, v[i].note);
		cr_assert_not_null(v[i].issuer_info.issuer, "%zu: each entry has its own copy", i);
		cr_assert_str_eq(v[i].issuer_info.subject, "CN=chainkit Issuing CA 1,O=chainkit tests");
	}
	cr_assert_eq(v[0].result, CK_URL_OK);
	cr_assert_eq(v[4].result, CK_URL_MALFORMED);
	cr_assert_str_eq(v[4].requested, issuer);
	cr_assert_neq(v[0].net.body, v[2].net.body);
	bench_stop(&t);
	for (size_t i = 0; i < 5; i++)
		ck_url_entry_cleanup(&v[i]);
	ck_cert_free(client);
}
