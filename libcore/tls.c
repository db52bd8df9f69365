/* tls — one mutual-TLS handshake, observed (the TLS part of the network
 * layer; see tls.h).
 *
 * A probe goes through phases, each timed: name resolution
 * (getaddrinfo in a thread, waited for at most the connect timeout; an
 * IP literal is not looked up), TCP connect (every
 * address in turn, non-blocking connect + poll, all of them within the
 * connect timeout, so that a dropped endpoint costs exactly that; or,
 * through a proxy, the CONNECT tunnel `net` makes with libcurl, bounded
 * by the connect timeout too), the STARTTLS dialogue if one is asked
 * for (starttls.h, bounded by the timeout), the
 * GnuTLS handshake (bounded by gnutls_handshake_set_timeout), and after
 * it either one HTTP/1.1 GET or, for TLS 1.3, one short read: TLS 1.3
 * servers reject a client certificate only after our Finished, so the
 * alert arrives after gnutls_handshake() has returned success.
 *
 * What goes by is recorded rather than judged: a handshake hook sees
 * every message, the certificate retrieve callback sees each
 * CertificateRequest (GnuTLS passes the CA names of TLS 1.2's
 * certificate_authorities field and of TLS 1.3's extension the same
 * way) and decides which certificates go out, our transport functions
 * keep the errno GnuTLS would lose and the first bytes the server sent.
 * The server's certificate is not verified during the handshake: the
 * caller checks the chain with `chain`, which says more than a
 * verification status.
 *
 * Invariants: the probe never blocks longer than its timeouts (a read
 * is always given the time left), never raises SIGPIPE (MSG_NOSIGNAL),
 * and always fills r->end; a failed allocation on the way is the only
 * error besides unusable options. */
#include "config.h"

#include "tls.h"
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- */
/* names */

const char *ck_tls_end_name(enum ck_tls_end end)
{
	switch (end) {
	case CK_TLS_END_OK: return "ok";
	case CK_TLS_END_DNS: return "dns-failure";
	case CK_TLS_END_REFUSED: return "refused";
	case CK_TLS_END_DROPPED: return "dropped";
	case CK_TLS_END_UNREACHABLE: return "unreachable";
	case CK_TLS_END_CONNECT: return "connect-error";
	case CK_TLS_END_TIMEOUT: return "timeout";
	case CK_TLS_END_ALERT: return "alert";
	case CK_TLS_END_CLOSED: return "closed";
	case CK_TLS_END_RESET: return "reset";
	case CK_TLS_END_TLS: return "tls-error";
	case CK_TLS_END_HTTP: return "http-status";
	case CK_TLS_END_HTTP_BAD: return "http-malformed";
	case CK_TLS_END_PROXY: return "proxy-error";
	case CK_TLS_END_STARTTLS: return "starttls-failed";
	}
	return "tls-error";
}

const char *ck_tls_phase_name(enum ck_tls_phase phase)
{
	switch (phase) {
	case CK_TLS_PHASE_DNS: return "dns";
	case CK_TLS_PHASE_CONNECT: return "connect";
	case CK_TLS_PHASE_HANDSHAKE: return "handshake";
	case CK_TLS_PHASE_AFTER: return "after-handshake";
	case CK_TLS_PHASE_HTTP: return "http";
	case CK_TLS_PHASE_DONE: return "done";
	case CK_TLS_PHASE_PROXY: return "proxy";
	case CK_TLS_PHASE_STARTTLS: return "starttls";
	}
	return "done";
}

const char *ck_tls_message_name(int type)
{
	switch (type) {
	case GNUTLS_HANDSHAKE_HELLO_REQUEST: return "HelloRequest";
	case GNUTLS_HANDSHAKE_CLIENT_HELLO: return "ClientHello";
	case GNUTLS_HANDSHAKE_SERVER_HELLO: return "ServerHello";
	case GNUTLS_HANDSHAKE_HELLO_VERIFY_REQUEST: return "HelloVerifyRequest";
	case GNUTLS_HANDSHAKE_NEW_SESSION_TICKET: return "NewSessionTicket";
	case GNUTLS_HANDSHAKE_END_OF_EARLY_DATA: return "EndOfEarlyData";
	case GNUTLS_HANDSHAKE_ENCRYPTED_EXTENSIONS: return "EncryptedExtensions";
	case GNUTLS_HANDSHAKE_CERTIFICATE_PKT: return "Certificate";
	case GNUTLS_HANDSHAKE_SERVER_KEY_EXCHANGE: return "ServerKeyExchange";
	case GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST: return "CertificateRequest";
	case GNUTLS_HANDSHAKE_SERVER_HELLO_DONE: return "ServerHelloDone";
	case GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY: return "CertificateVerify";
	case GNUTLS_HANDSHAKE_CLIENT_KEY_EXCHANGE: return "ClientKeyExchange";
	case GNUTLS_HANDSHAKE_FINISHED: return "Finished";
	case GNUTLS_HANDSHAKE_CERTIFICATE_STATUS: return "CertificateStatus";
	case GNUTLS_HANDSHAKE_SUPPLEMENTAL: return "SupplementalData";
	case GNUTLS_HANDSHAKE_KEY_UPDATE: return "KeyUpdate";
	case GNUTLS_HANDSHAKE_COMPRESSED_CERTIFICATE_PKT: return "CompressedCertificate";
	case GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC: return "ChangeCipherSpec";
	case GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST: return "HelloRetryRequest";
	}
	return "Unknown";
}

/* Alerts, RFC 8446 section 6 and RFC 5246 section 7.2.  `about_client_cert`
 * marks the ones servers send to refuse a client certificate (OpenSSL:
 * unknown_ca, bad_certificate, certificate_required, handshake_failure
 * in TLS 1.2 when none came; GnuTLS: access_denied, and decode_error in
 * TLS 1.2 when none came; Java and .NET: bad_certificate,
 * certificate_unknown). */
static const struct ck_tls_alert_info alerts[] = {
	{ 0, "close_notify", "the server closed the connection", NULL, false },
	{ 10, "unexpected_message", "the server received a message it did not expect at this point",
	  "A TLS implementation bug or a middlebox that rewrites the traffic.", false },
	{ 20, "bad_record_mac", "a record did not decrypt", "A middlebox corrupts the traffic, or an implementation bug.", false },
	{ 21, "decryption_failed", "a record did not decrypt (obsolete alert)", NULL, false },
	{ 22, "record_overflow", "a record was too long", NULL, false },
	{ 30, "decompression_failure", "a record did not decompress (obsolete alert)", NULL, false },
	{ 40, "handshake_failure", "the server could not agree on the security parameters, or (TLS 1.2, OpenSSL) it required a client certificate and got none",
	  "Check the protocol versions and cipher suites both sides allow (--tls1.2, --tls1.3), and that a client certificate is sent.", true },
	{ 41, "no_certificate", "(SSL 3) the server required a client certificate and none was sent",
	  "Send a client certificate: --pfx FILE, or --cert FILE and --key FILE.", true },
	{ 42, "bad_certificate", "the server rejected a certificate: it is corrupt, or its chain cannot be verified",
	  "Send the whole chain up to a CA the server trusts, and check the client certificate's findings.", true },
	{ 43, "unsupported_certificate", "the server does not accept this type of certificate",
	  "Use a certificate (and key type) the server supports: see the key types it allows.", true },
	{ 44, "certificate_revoked", "the server says our certificate was revoked by its issuer",
	  "Get a new client certificate; check the CRL and OCSP status with aiacheck.", true },
	{ 45, "certificate_expired", "the server says a certificate of ours has expired or is not valid yet",
	  "Renew the client certificate (or the intermediate), and check the server's clock.", true },
	{ 46, "certificate_unknown", "the server could not accept our certificate for an unspecified reason",
	  "Send the whole chain up to a CA the server trusts; check the extended key usage (clientAuth) and the dates.", true },
	{ 47, "illegal_parameter", "a field of our handshake was out of range or inconsistent", NULL, false },
	{ 48, "unknown_ca", "the server could not build a chain from our certificate to a CA it trusts",
	  "Send the intermediates (the chain up to a CA the server lists), or ask the server's operators to trust our CA.", true },
	{ 49, "access_denied", "the server verified our certificate and denied access, or (GnuTLS) rejected it",
	  "Check the chain the server needs and its access rules for this certificate.", true },
	{ 50, "decode_error", "the server could not decode a message of ours, or (GnuTLS, TLS 1.2) got no certificate it required", NULL, false },
	{ 51, "decrypt_error", "a signature or a key exchange did not verify: our CertificateVerify, or the Finished message",
	  "Check that the private key belongs to the certificate, and that the key type suits the signature algorithms the server allows.", true },
	{ 60, "export_restriction", "an export-grade parameter was refused (obsolete alert)", NULL, false },
	{ 70, "protocol_version", "the server does not accept the TLS version we offered",
	  "Try another version (--tls1.2 or --tls1.3) or none pinned.", false },
	{ 71, "insufficient_security", "the server requires stronger cipher suites than we offered", NULL, false },
	{ 80, "internal_error", "the server failed for a reason of its own", "Look at the server's log.", false },
	{ 86, "inappropriate_fallback", "the server refused a version fallback", NULL, false },
	{ 90, "user_canceled", "the server canceled the handshake", NULL, false },
	{ 100, "no_renegotiation", "the server refused to renegotiate", NULL, false },
	{ 109, "missing_extension", "a required extension was missing from our handshake", NULL, false },
	{ 110, "unsupported_extension", "the server received an extension it does not allow", NULL, false },
	{ 111, "certificate_unobtainable", "a certificate could not be fetched from a URL given", NULL, false },
	{ 112, "unrecognized_name", "the server has no site for the server name (SNI) we sent",
	  "Send the name the server expects with --sni NAME.", false },
	{ 113, "bad_certificate_status_response", "a certificate status response was invalid", NULL, false },
	{ 115, "unknown_psk_identity", "the server does not know the pre-shared key offered", NULL, false },
	{ 116, "certificate_required", "the server requires a client certificate and none was sent",
	  "Send a client certificate: --pfx FILE, or --cert FILE and --key FILE.", true },
	{ 120, "no_application_protocol", "the server supports none of the application protocols (ALPN) we offered", NULL, false },
};

const struct ck_tls_alert_info *ck_tls_alert_info(int code)
{
	for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++)
		if (alerts[i].code == code)
			return &alerts[i];
	return NULL;
}

/* ---------------------------------------------------------------- */
/* classification */

enum ck_tls_end ck_tls_classify_connect(int err)
{
	switch (err) {
	case 0:
	case ETIMEDOUT:
		return CK_TLS_END_DROPPED;
	case ECONNREFUSED:
		return CK_TLS_END_REFUSED;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		return CK_TLS_END_UNREACHABLE;
	default:
		return CK_TLS_END_CONNECT;
	}
}

enum ck_tls_end ck_tls_classify(int gnutls_error, int sys_errno)
{
	switch (gnutls_error) {
	case GNUTLS_E_FATAL_ALERT_RECEIVED:
		return CK_TLS_END_ALERT;
	case GNUTLS_E_TIMEDOUT:
		return CK_TLS_END_TIMEOUT;
	case GNUTLS_E_PREMATURE_TERMINATION:
		return CK_TLS_END_CLOSED;
	case GNUTLS_E_PULL_ERROR:
	case GNUTLS_E_PUSH_ERROR:
		if (sys_errno == ECONNRESET || sys_errno == ECONNABORTED)
			return CK_TLS_END_RESET;
		if (sys_errno == EPIPE || sys_errno == ESHUTDOWN)
			return CK_TLS_END_CLOSED;
		if (sys_errno == ETIMEDOUT)
			return CK_TLS_END_TIMEOUT;
		return CK_TLS_END_CONNECT;
	default:
		return CK_TLS_END_TLS;
	}
}

/* ---------------------------------------------------------------- */
/* the result */

static void strv_free(ck_strv v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static bool strv_add(ck_strv *v, const char *s)
{
	size_t n = ck_strv_len(*v);
	ck_strv nv = realloc(*v, (n + 2) * sizeof *nv);
	if (!nv)
		return false;
	*v = nv;
	nv[n] = strdup(s ? s : "");
	nv[n + 1] = NULL;
	return nv[n] != NULL;
}

static void request_cleanup(struct ck_tls_request *rq)
{
	for (size_t i = 0; i < rq->nca_names; i++) {
		free(rq->ca_names[i].der);
		free(rq->ca_names[i].text);
	}
	free(rq->ca_names);
	strv_free(rq->sign_algos);
	strv_free(rq->key_types);
}

void ck_tls_result_free(struct ck_tls_result *r)
{
	if (!r)
		return;
	strv_free(r->addresses);
	for (size_t i = 0; i < r->nattempts; i++)
		free(r->attempts[i].address);
	free(r->attempts);
	free(r->address);
	free(r->messages);
	free(r->version);
	free(r->cipher_suite);
	free(r->group);
	free(r->server_signature);
	free(r->alpn);
	strv_free(r->alpn_offered);
	for (size_t i = 0; i < r->nrequests; i++)
		request_cleanup(&r->requests[i]);
	free(r->requests);
	for (size_t i = 0; i < r->npeer; i++)
		ck_cert_free(r->peer[i]);
	free(r->peer);
	free(r->http_status_line);
	free(r->error);
	free(r->proxy);
	free(r->starttls_reply);
	free(r);
}

const struct ck_tls_request *ck_tls_last_request(const struct ck_tls_result *r)
{
	return r && r->nrequests ? &r->requests[r->nrequests - 1] : NULL;
}

/* ---------------------------------------------------------------- */
/* the probe's state */

struct probe {
	const struct ck_tls_opts *o;
	struct ck_tls_result *r;
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	gnutls_pcert_st *pcerts;
	unsigned npcerts;
	gnutls_privkey_t key;
	int fd;
	int last_errno;       /* of the last failed socket call */
	int64_t t_connected;  /* monotonic µs */
	bool nomem;           /* an allocation failed inside a callback */
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static unsigned ms_left(int64_t deadline)
{
	int64_t left = deadline - now_us();
	if (left <= 0)
		return 0;
	return (unsigned)((left + 999) / 1000);
}

__attribute__((format(printf, 2, 3)))
static void set_error(struct ck_tls_result *r, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(r->error);
	r->error = s;
}

/* ---------------------------------------------------------------- */
/* name resolution and TCP */

static bool is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static char *numeric_address(const struct addrinfo *ai)
{
	char host[NI_MAXHOST];
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST))
		return strdup("?");
	return strdup(host);
}

/* getaddrinfo() has no timeout: a resolver that does not answer holds it
 * for timeout x attempts x nameservers of resolv.conf (15 s and more),
 * which is the hang this tool exists to expose.  glibc's getaddrinfo_a()
 * cannot abandon a lookup that has started either, so the lookup runs in
 * a detached thread that owns its inputs and result; the probe waits for
 * it at most the connect timeout and, past it, leaves the thread to
 * finish and free everything itself (the last of the two to let go of
 * the structure frees it). */
struct lookup {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;    /* the probe and the thread */
	bool done;
	char *host, *port;
	struct addrinfo hints;
	struct addrinfo *ai;
	int rc, err; /* getaddrinfo()'s result and errno */
};

static void lookup_free(struct lookup *l)
{
	if (l->ai)
		freeaddrinfo(l->ai);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l->host);
	free(l->port);
	free(l);
}

static void lookup_release(struct lookup *l)
{
	bool last;

	pthread_mutex_lock(&l->mu);
	last = --l->refs == 0;
	pthread_mutex_unlock(&l->mu);
	if (last)
		lookup_free(l);
}

static void *lookup_thread(void *arg)
{
	struct lookup *l = arg;
	struct addrinfo *ai = NULL;
	int rc = getaddrinfo(l->host, l->port, &l->hints, &ai);
	int err = errno;

	pthread_mutex_lock(&l->mu);
	l->ai = ai;
	l->rc = rc;
	l->err = err;
	l->done = true;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	lookup_release(l);
	return NULL;
}

static struct lookup *lookup_new(const char *host, const char *port, const struct addrinfo *hints)
{
	struct lookup *l = calloc(1, sizeof *l);
	pthread_condattr_t ca;

	if (!l)
		return NULL;
	l->host = strdup(host);
	l->port = strdup(port);
	if (!l->host || !l->port || pthread_condattr_init(&ca)) {
		free(l->host);
		free(l->port);
		free(l);
		return NULL;
	}
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&l->mu, NULL);
	l->hints = *hints;
	l->refs = 1;
	return l;
}

/* getaddrinfo() bounded by timeout_ms: its return value (*ai set on 0),
 * EAI_SYSTEM with errno set, or -1 when no answer came in time.  Where
 * no thread can be started the lookup is made here, unbounded. */
static int getaddrinfo_within(const char *host, const char *port, const struct addrinfo *hints,
			      unsigned timeout_ms, struct addrinfo **ai)
{
	struct lookup *l = lookup_new(host, port, hints);
	pthread_attr_t ta;
	pthread_t th;
	struct timespec until;
	int rc = 0, wait = 0;

	if (!l)
		return EAI_MEMORY;
	if (pthread_attr_init(&ta)) {
		lookup_free(l);
		return getaddrinfo(host, port, hints, ai);
	}
	pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
	l->refs = 2;
	if (pthread_create(&th, &ta, lookup_thread, l)) {
		pthread_attr_destroy(&ta);
		lookup_free(l);
		return getaddrinfo(host, port, hints, ai);
	}
	pthread_attr_destroy(&ta);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&l->mu);
	while (!l->done && wait != ETIMEDOUT)
		wait = pthread_cond_timedwait(&l->cv, &l->mu, &until);
	if (l->done) {
		rc = l->rc;
		errno = l->err;
		*ai = l->ai;
		l->ai = NULL;
	} else {
		rc = -1;
	}
	pthread_mutex_unlock(&l->mu);
	lookup_release(l);
	return rc;
}

/* Resolve within `timeout_ms`; false when the probe ends here (DNS
 * failure, no answer in time, or no memory). */
static bool resolve(struct probe *p, unsigned timeout_ms, struct addrinfo **out)
{
	struct ck_tls_result *r = p->r;
	struct addrinfo hints = { 0 };
	struct addrinfo *ai = NULL;
	int64_t t = now_us();
	int rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* no AI_ADDRCONFIG: it ignores loopback, and a host with only a
	 * loopback interface would resolve "localhost" to nothing */
	hints.ai_flags = AI_NUMERICSERV;
	r->numeric_host = is_ip_literal(p->o->host);
	if (r->numeric_host) {
		hints.ai_flags |= AI_NUMERICHOST;
		rc = getaddrinfo(p->o->host, p->o->port, &hints, &ai);
	} else {
		rc = getaddrinfo_within(p->o->host, p->o->port, &hints, timeout_ms, &ai);
	}
	r->dns_us = now_us() - t;
	if (rc == EAI_MEMORY) {
		p->nomem = true;
		return false;
	}
	if (rc) {
		r->end = CK_TLS_END_DNS;
		r->phase = CK_TLS_PHASE_DNS;
		r->dns_timed_out = rc == -1;
		if (rc == -1)
			set_error(r, "no answer from the name resolver within %.3g s",
				  (double)timeout_ms / 1000.0);
		else if (rc == EAI_SYSTEM)
			set_error(r, "%s", strerror(errno));
		else
			set_error(r, "%s", gai_strerror(rc));
		return false;
	}
	for (const struct addrinfo *a = ai; a; a = a->ai_next) {
		char *s = numeric_address(a);
		bool ok = s && strv_add(&r->addresses, s);
		free(s);
		if (!ok) {
			freeaddrinfo(ai);
			p->nomem = true;
			return false;
		}
	}
	*out = ai;
	return true;
}

/* Connect to one address within `timeout_ms`.  Returns the socket, or
 * -1 with *err = the errno (0 when the time ran out). */
static int connect_one(const struct addrinfo *ai, unsigned timeout_ms, int *err)
{
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	struct pollfd pfd;
	socklen_t len = sizeof *err;
	int n;

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	do
		n = poll(&pfd, 1, (int)timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		*err = n < 0 ? errno : 0;
		close(fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) < 0)
		*err = errno;
	if (*err) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Try every address in turn, all within the connect timeout.  The probe
 * ends with the last attempt's class when none connects. */
static bool connect_any(struct probe *p, const struct addrinfo *ai, unsigned timeout_ms)
{
	struct ck_tls_result *r = p->r;
	int64_t start = now_us(), deadline = start + (int64_t)timeout_ms * 1000;
	int last_err = 0;

	for (const struct addrinfo *a = ai; a; a = a->ai_next) {
		struct ck_tls_attempt *na, *at;
		int64_t t = now_us();
		int err = 0, fd;

		if (r->nattempts && t >= deadline)
			break;
		na = realloc(r->attempts, (r->nattempts + 1) * sizeof *na);
		if (!na) {
			p->nomem = true;
			return false;
		}
		r->attempts = na;
		at = &r->attempts[r->nattempts++];
		memset(at, 0, sizeof *at);
		at->address = numeric_address(a);
		fd = connect_one(a, ms_left(deadline), &err);
		at->time_us = now_us() - t;
		at->sys_errno = err;
		at->result = fd >= 0 ? CK_TLS_END_OK : ck_tls_classify_connect(err);
		if (fd >= 0) {
			int one = 1;
			int fl = fcntl(fd, F_GETFL);
			/* GnuTLS reads with a timeout through our poll()-based
			 * pull_timeout: the socket itself may block */
			if (fl >= 0)
				fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			p->fd = fd;
			r->address = at->address ? strdup(at->address) : NULL;
			r->connect_us = now_us() - start;
			p->t_connected = now_us();
			return true;
		}
		last_err = err;
		r->end = at->result;
	}
	r->phase = CK_TLS_PHASE_CONNECT;
	r->sys_errno = last_err;
	r->connect_us = now_us() - start;
	if (r->end == CK_TLS_END_DROPPED)
		set_error(r, "no answer within %u ms", timeout_ms);
	else
		set_error(r, "%s", strerror(last_err));
	return false;
}

/* ---------------------------------------------------------------- */
/* through an HTTP proxy: `net` makes the tunnel, GnuTLS runs in it */

static bool tunnel(struct probe *p, unsigned timeout_ms)
{
	const struct ck_tls_opts *o = p->o;
	struct ck_tls_result *r = p->r;
	struct ck_net_tunnel t;
	struct ck_error err;
	int64_t start = now_us();
	int one = 1;

	ck_error_clear(&err);
	r->numeric_host = is_ip_literal(o->host);
	if (!(r->proxy = ck_net_url_redacted(o->proxy)) ||
	    ck_net_tunnel_open(o->proxy, o->host, o->port, timeout_ms, &t, &err)) {
		p->nomem = true; /* libcurl not starting is as fatal */
		return false;
	}
	/* the lookup libcurl makes is the proxy's: the host's is the
	 * proxy's business, and dns_us stays "not reached" */
	r->connect_us = now_us() - start;
	r->proxy_status = t.connect_code;
	r->address = t.address;
	t.address = NULL;
	if (t.fd < 0) {
		r->end = CK_TLS_END_PROXY;
		r->phase = CK_TLS_PHASE_PROXY;
		r->error = t.error;
		t.error = NULL;
		ck_net_tunnel_cleanup(&t);
		return false;
	}
	ck_net_tunnel_cleanup(&t);
	p->fd = t.fd;
	setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	p->t_connected = now_us();
	return true;
}

/* ---------------------------------------------------------------- */
/* STARTTLS */

static bool starttls(struct probe *p, unsigned timeout_ms)
{
	struct ck_tls_result *r = p->r;
	struct ck_starttls_result res;
	int64_t t = now_us();

	ck_starttls_run(p->fd, p->o->starttls, p->o->starttls_name, timeout_ms, &res);
	r->starttls_us = now_us() - t;
	r->starttls_reply = res.reply;
	res.reply = NULL;
	if (res.outcome == CK_STARTTLS_DONE) {
		ck_starttls_result_cleanup(&res);
		return true;
	}
	if (res.outcome == CK_STARTTLS_NOMEM) {
		p->nomem = true;
	} else {
		r->end = CK_TLS_END_STARTTLS;
		r->phase = CK_TLS_PHASE_STARTTLS;
		r->starttls_outcome = res.outcome;
		r->sys_errno = res.sys_errno;
		r->error = res.error;
		res.error = NULL;
	}
	ck_starttls_result_cleanup(&res);
	return false;
}

/* ---------------------------------------------------------------- */
/* GnuTLS transport: plain recv/send that keep errno and the first bytes */

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct probe *p = ptr;
	ssize_t n;
	do
		n = recv(p->fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		p->last_errno = errno;
		gnutls_transport_set_errno(p->session, errno);
	} else if (n > 0 && p->r->nfirst_bytes < sizeof p->r->first_bytes) {
		size_t k = sizeof p->r->first_bytes - p->r->nfirst_bytes;
		if (k > (size_t)n)
			k = (size_t)n;
		memcpy(p->r->first_bytes + p->r->nfirst_bytes, buf, k);
		p->r->nfirst_bytes += k;
	}
	return n;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	struct probe *p = ptr;
	ssize_t n;
	do
		n = send(p->fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		p->last_errno = errno;
		gnutls_transport_set_errno(p->session, errno);
	}
	return n;
}

static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
	struct probe *p = ptr;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int n;
	do
		n = poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		p->last_errno = errno;
		gnutls_transport_set_errno(p->session, errno);
	}
	return n;
}

/* ---------------------------------------------------------------- */
/* what goes by: handshake messages and certificate requests */

static struct ck_tls_request *new_request(struct probe *p)
{
	struct ck_tls_result *r = p->r;
	struct ck_tls_request *n = realloc(r->requests, (r->nrequests + 1) * sizeof *n);
	if (!n) {
		p->nomem = true;
		return NULL;
	}
	r->requests = n;
	memset(&n[r->nrequests], 0, sizeof *n);
	n[r->nrequests].after_handshake = r->handshake_done;
	return &n[r->nrequests++];
}

/* TLS 1.3 CertificateRequest (RFC 8446 4.3.2): is there a
 * certificate_authorities extension (47) with an empty list?  The RFC
 * requires at least one name; OpenSSL sends an empty one when told not
 * to send CA names, and GnuTLS then refuses the whole message.  GnuTLS
 * gives us no parsed view of a message it refused, hence this walk. */
static bool tls13_empty_ca_extension(const unsigned char *m, size_t len)
{
	size_t pos, end;
	if (len < 1 || (size_t)m[0] + 3 > len)
		return false;
	pos = 1 + m[0];
	end = pos + 2 + ((size_t)m[pos] << 8 | m[pos + 1]);
	if (end > len)
		end = len;
	for (pos += 2; pos + 4 <= end;) {
		unsigned type = (unsigned)m[pos] << 8 | m[pos + 1];
		size_t elen = (size_t)m[pos + 2] << 8 | m[pos + 3];
		if (type == 47 && elen < 3)
			return true;
		pos += 4 + elen;
	}
	return false;
}

static int hook(gnutls_session_t s, unsigned int htype, unsigned when, unsigned int incoming,
		const gnutls_datum_t *msg)
{
	struct probe *p = gnutls_session_get_ptr(s);
	struct ck_tls_result *r = p->r;
	struct ck_tls_message *n;

	if (when != GNUTLS_HOOK_PRE)
		return 0;
	n = realloc(r->messages, (r->nmessages + 1) * sizeof *n);
	if (!n) {
		p->nomem = true;
		return 0;
	}
	r->messages = n;
	n = &r->messages[r->nmessages++];
	memset(n, 0, sizeof *n);
	n->received = incoming;
	n->type = (int)htype;
	n->length = msg ? msg->size : 0;
	n->at_us = now_us() - p->t_connected;
	if (incoming && htype == GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST) {
		struct ck_tls_request *rq = new_request(p);
		if (rq && msg && gnutls_protocol_get_version(s) == GNUTLS_TLS1_3)
			rq->empty_ca_extension = tls13_empty_ca_extension(msg->data, msg->size);
	}
	if (!incoming && htype == GNUTLS_HANDSHAKE_CERTIFICATE_PKT && r->nrequests)
		n->certs = (unsigned)r->requests[r->nrequests - 1].nsent;
	return 0;
}

static bool add_ca_name(struct ck_tls_request *rq, const gnutls_datum_t *d)
{
	struct ck_tls_dn *n = realloc(rq->ca_names, (rq->nca_names + 1) * sizeof *n);
	gnutls_x509_dn_t dn = NULL;
	gnutls_datum_t str = { NULL, 0 };

	if (!n)
		return false;
	rq->ca_names = n;
	n = &n[rq->nca_names];
	memset(n, 0, sizeof *n);
	n->der = malloc(d->size ? d->size : 1);
	if (!n->der)
		return false;
	memcpy(n->der, d->data, d->size);
	n->len = d->size;
	if (gnutls_x509_dn_init(&dn) == 0 && gnutls_x509_dn_import(dn, d) == 0 &&
	    gnutls_x509_dn_get_str2(dn, &str, 0) == 0) {
		n->text = malloc(str.size + 1);
		if (n->text) {
			memcpy(n->text, str.data, str.size);
			n->text[str.size] = '\0';
		}
	} else if (asprintf(&n->text, "(a name of %u bytes that does not decode)", d->size) < 0) {
		n->text = NULL;
	}
	gnutls_free(str.data);
	if (dn)
		gnutls_x509_dn_deinit(dn);
	if (!n->text) {
		free(n->der);
		return false;
	}
	rq->nca_names++;
	return true;
}

/* GnuTLS calls this on every CertificateRequest it accepted: record what
 * the server asked for and hand over exactly the certificates chosen. */
static int retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
		    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
		    gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
	struct probe *p = gnutls_session_get_ptr(s);
	struct ck_tls_result *r = p->r;
	struct ck_tls_request *rq = r->nrequests ? &r->requests[r->nrequests - 1] : NULL;
	gnutls_sign_algorithm_t algo;
	bool ok = true;

	if (!rq || rq->understood)
		rq = new_request(p);
	if (!rq)
		return -1;
	rq->understood = true;
	for (int i = 0; ok && i < nreqs; i++)
		ok = add_ca_name(rq, &req_ca_rdn[i]);
	for (int i = 0; ok && i < pk_algos_length; i++)
		ok = strv_add(&rq->key_types, gnutls_pk_get_name(pk_algos[i]));
	for (unsigned i = 0; ok && gnutls_sign_algorithm_get_requested(s, i, &algo) == 0; i++)
		ok = strv_add(&rq->sign_algos, gnutls_sign_get_name(algo));
	if (!ok) {
		p->nomem = true;
		return -1;
	}
	if (p->npcerts && p->key) {
		*pcert = p->pcerts;
		*pcert_length = p->npcerts;
		*privkey = p->key;
		rq->nsent = p->npcerts;
	} else {
		*pcert = NULL;
		*pcert_length = 0;
		*privkey = NULL;
		rq->nsent = 0;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* setting up the session */

static enum ck_status load_credential(struct probe *p, struct ck_error *err)
{
	const struct ck_tls_opts *o = p->o;
	gnutls_datum_t d;
	int ret;

	if (!o->key || !o->nsend)
		return CK_OK;
	p->pcerts = calloc(o->nsend, sizeof *p->pcerts);
	if (!p->pcerts)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	for (size_t i = 0; i < o->nsend; i++) {
		d.data = o->send[i]->der;
		d.size = (unsigned)o->send[i]->der_len;
		ret = gnutls_pcert_import_x509_raw(&p->pcerts[i], &d, GNUTLS_X509_FMT_DER, 0);
		if (ret < 0)
			return ck_error_set(err, CK_E_PARSE, "%s cannot be used for TLS: %s",
					    o->send[i]->subject, gnutls_strerror(ret));
		p->npcerts++;
	}
	d.data = o->key->pkcs8;
	d.size = (unsigned)o->key->pkcs8_len;
	ret = gnutls_privkey_init(&p->key);
	if (ret >= 0)
		ret = gnutls_privkey_import_x509_raw(p->key, &d, GNUTLS_X509_FMT_DER, NULL,
						     GNUTLS_PKCS_PLAIN);
	if (ret < 0)
		return ck_error_set(err, CK_E_PARSE, "the private key cannot be used for TLS: %s",
				    gnutls_strerror(ret));
	return CK_OK;
}

static const char *priority(enum ck_tls_version v)
{
	switch (v) {
	case CK_TLS_V12: return "NORMAL:-VERS-ALL:+VERS-TLS1.2";
	case CK_TLS_V13: return "NORMAL:-VERS-ALL:+VERS-TLS1.3";
	default: return "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
	}
}

static enum ck_status setup_session(struct probe *p, struct ck_error *err)
{
	const struct ck_tls_opts *o = p->o;
	int ret;

	ret = gnutls_certificate_allocate_credentials(&p->cred);
	if (ret < 0)
		return ck_error_set(err, CK_E_INTERNAL, "TLS setup: %s", gnutls_strerror(ret));
	gnutls_certificate_set_retrieve_function2(p->cred, retrieve);
	ret = gnutls_init(&p->session, GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH);
	if (ret < 0) {
		p->session = NULL;
		return ck_error_set(err, CK_E_INTERNAL, "TLS setup: %s", gnutls_strerror(ret));
	}
	/* a TLS 1.3 extension: not in a TLS 1.2-only ClientHello */
	p->r->post_handshake_offered = o->version != CK_TLS_V12;
	gnutls_session_set_ptr(p->session, p);
	ret = gnutls_priority_set_direct(p->session, priority(o->version), NULL);
	if (ret >= 0)
		ret = gnutls_credentials_set(p->session, GNUTLS_CRD_CERTIFICATE, p->cred);
	if (ret >= 0 && o->sni)
		ret = gnutls_server_name_set(p->session, GNUTLS_NAME_DNS, o->sni, strlen(o->sni));
	/* --alpn: offered as given; what the server chose is recorded */
	for (size_t i = 0; ret >= 0 && o->alpn && o->alpn[i]; i++)
		if (!strv_add(&p->r->alpn_offered, o->alpn[i]))
			ret = GNUTLS_E_MEMORY_ERROR;
	if (ret >= 0 && o->alpn && o->alpn[0]) {
		size_t n = 0;
		gnutls_datum_t protos[64];
		for (; o->alpn[n] && n < 64; n++) {
			protos[n].data = (unsigned char *)o->alpn[n];
			protos[n].size = (unsigned)strlen(o->alpn[n]);
		}
		ret = gnutls_alpn_set_protocols(p->session, protos, (unsigned)n, 0);
	}
	/* We speak HTTP/1.1 only: offering h2 could get it chosen */
	if (ret >= 0 && o->http_path) {
		gnutls_datum_t proto = { (unsigned char *)"http/1.1", 8 };
		ret = gnutls_alpn_set_protocols(p->session, &proto, 1, 0);
		if (ret >= 0 && !strv_add(&p->r->alpn_offered, "http/1.1"))
			ret = GNUTLS_E_MEMORY_ERROR;
	}
	if (ret < 0)
		return ck_error_set(err, ret == GNUTLS_E_MEMORY_ERROR ? CK_E_NOMEM : CK_E_INTERNAL,
				    "TLS setup: %s", gnutls_strerror(ret));
	gnutls_handshake_set_hook_function(p->session, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_PRE, hook);
	gnutls_transport_set_ptr(p->session, p);
	gnutls_transport_set_pull_function(p->session, pull);
	gnutls_transport_set_push_function(p->session, push);
	gnutls_transport_set_pull_timeout_function(p->session, pull_timeout);
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* running it */

/* The probe ends with GnuTLS error `ret` in `phase`. */
static void fail(struct probe *p, int ret, enum ck_tls_phase phase)
{
	struct ck_tls_result *r = p->r;
	int e = ret == GNUTLS_E_PULL_ERROR || ret == GNUTLS_E_PUSH_ERROR ? p->last_errno : 0;

	r->gnutls_error = ret;
	r->sys_errno = e;
	r->phase = phase;
	r->end = ck_tls_classify(ret, e);
	if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		const struct ck_tls_alert_info *a;
		r->alert = (int)gnutls_alert_get(p->session);
		a = ck_tls_alert_info(r->alert);
		set_error(r, "fatal alert %s (%d) received", a ? a->name : "unknown", r->alert);
	} else if (e) {
		set_error(r, "%s: %s", gnutls_strerror(ret), strerror(e));
	} else {
		set_error(r, "%s", gnutls_strerror(ret));
	}
}

/* A server that refuses our certificate sends its alert and closes while
 * we are still writing our next handshake messages: our write fails
 * (EPIPE, reset) and GnuTLS never reads the alert, which is still in the
 * socket's receive buffer.  Before the server's ChangeCipherSpec (TLS
 * 1.2) an alert is a plaintext record: 21, version, length 2, level,
 * description.  Anything else is left alone. */
static bool salvage_alert(struct probe *p)
{
	unsigned char rec[7];
	ssize_t n = recv(p->fd, rec, sizeof rec, MSG_DONTWAIT | MSG_PEEK);
	const struct ck_tls_alert_info *a;

	if (n != (ssize_t)sizeof rec || rec[0] != 21 || rec[1] != 3 || rec[3] != 0 || rec[4] != 2 ||
	    rec[5] != 2)
		return false;
	p->r->alert = rec[6];
	p->r->end = CK_TLS_END_ALERT;
	a = ck_tls_alert_info(rec[6]);
	set_error(p->r, "fatal alert %s (%d) received before our write failed", a ? a->name : "unknown",
		  p->r->alert);
	return true;
}

static void collect_peers(struct probe *p)
{
	struct ck_tls_result *r = p->r;
	unsigned n = 0;
	const gnutls_datum_t *d = gnutls_certificate_get_peers(p->session, &n);

	if (!d || !n || r->npeer)
		return;
	r->peer = calloc(n, sizeof *r->peer);
	if (!r->peer) {
		p->nomem = true;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		struct ck_error err;
		ck_error_clear(&err);
		if (ck_cert_from_der(d[i].data, d[i].size, &r->peer[r->npeer], &err)) {
			r->peer_error = err.status;
			continue;
		}
		r->npeer++;
	}
	/* the server's Certificate message: how many it carried */
	for (size_t i = r->nmessages; i-- > 0;)
		if (r->messages[i].received && r->messages[i].type == GNUTLS_HANDSHAKE_CERTIFICATE_PKT) {
			r->messages[i].certs = n;
			break;
		}
}

static void collect_parameters(struct probe *p)
{
	struct ck_tls_result *r = p->r;
	gnutls_session_t s = p->session;
	const char *name;
	gnutls_datum_t alpn;

	name = gnutls_protocol_get_name(gnutls_protocol_get_version(s));
	r->version = name ? strdup(name) : NULL;
	name = gnutls_ciphersuite_get(s);
	r->cipher_suite = name ? strdup(name) : NULL;
	name = gnutls_group_get(s) ? gnutls_group_get_name(gnutls_group_get(s)) : NULL;
	r->group = name ? strdup(name) : NULL;
	name = gnutls_sign_algorithm_get(s) > 0 ?
		       gnutls_sign_get_name((gnutls_sign_algorithm_t)gnutls_sign_algorithm_get(s)) : NULL;
	r->server_signature = name ? strdup(name) : NULL;
	if (gnutls_alpn_get_selected_protocol(s, &alpn) == 0) {
		r->alpn = malloc(alpn.size + 1);
		if (r->alpn) {
			memcpy(r->alpn, alpn.data, alpn.size);
			r->alpn[alpn.size] = '\0';
		}
	}
}

/* Repeat a GnuTLS call while it says "again", within the deadline. */
static int handshake(struct probe *p, int64_t deadline)
{
	int ret;
	do {
		gnutls_handshake_set_timeout(p->session, ms_left(deadline) ? ms_left(deadline) : 1);
		ret = gnutls_handshake(p->session);
	} while ((ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED ||
		  ret == GNUTLS_E_WARNING_ALERT_RECEIVED) && now_us() < deadline);
	return ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED ? GNUTLS_E_TIMEDOUT : ret;
}

static int reauth(struct probe *p, int64_t deadline)
{
	int ret;
	do
		ret = gnutls_reauth(p->session, 0);
	while ((ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) && now_us() < deadline);
	return ret;
}

/* Read once before the deadline, answering what a server may do after
 * the handshake: TLS 1.3 tickets and key updates (GnuTLS handles them
 * and says "again"), post-handshake authentication (answered with
 * gnutls_reauth), TLS 1.2 renegotiation (the handshake runs again).
 * Returns the bytes read, 0 on close_notify, or a GnuTLS error. */
static ssize_t read_some(struct probe *p, void *buf, size_t len, int64_t deadline)
{
	for (;;) {
		unsigned left = ms_left(deadline);
		ssize_t n;
		int ret;

		if (!left)
			return GNUTLS_E_TIMEDOUT;
		gnutls_record_set_timeout(p->session, left);
		n = gnutls_record_recv(p->session, buf, len);
		if (n >= 0)
			return n;
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_WARNING_ALERT_RECEIVED)
			continue;
		if (n == GNUTLS_E_REAUTH_REQUEST) {
			ret = reauth(p, deadline);
		} else if (n == GNUTLS_E_REHANDSHAKE) {
			p->r->renegotiated = true;
			ret = handshake(p, deadline);
		} else {
			return n;
		}
		if (ret < 0)
			return ret;
	}
}

/* TLS 1.3 without a request: one read, so that an alert the server
 * sends after our Finished (a rejected certificate) is seen. */
static void linger(struct probe *p)
{
	struct ck_tls_result *r = p->r;
	unsigned ms = CK_TLS_LINGER_MIN_MS;
	unsigned timeout = p->o->timeout_ms ? p->o->timeout_ms : CK_TLS_TIMEOUT_DEFAULT_MS;
	char buf[4096];
	ssize_t n;

	if ((uint64_t)r->handshake_us * 2 / 1000 > ms)
		ms = (unsigned)(r->handshake_us * 2 / 1000);
	if (ms > timeout)
		ms = timeout;
	r->linger_ms = ms;
	n = read_some(p, buf, sizeof buf, now_us() + (int64_t)ms * 1000);
	if (n > 0 || n == GNUTLS_E_TIMEDOUT)
		return;
	/* close_notify is a deliberate, orderly end, not a refusal: a
	 * server refuses a certificate with an alert (or cuts the TCP
	 * connection, which GnuTLS reports as a premature termination) */
	if (n == 0) {
		r->closed_after_handshake = true;
		return;
	}
	fail(p, (int)n, CK_TLS_PHASE_AFTER);
}

static bool write_all(struct probe *p, const char *data, size_t len, int64_t deadline)
{
	while (len) {
		ssize_t n = gnutls_record_send(p->session, data, len);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
			if (now_us() >= deadline) {
				fail(p, GNUTLS_E_TIMEDOUT, CK_TLS_PHASE_HTTP);
				return false;
			}
			continue;
		}
		if (n < 0) {
			fail(p, (int)n, CK_TLS_PHASE_HTTP);
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* The status line: the first line, printable ASCII only. */
static void parse_status(struct ck_tls_result *r, const char *head, size_t len)
{
	size_t n = 0;
	while (n < len && n < 512 && head[n] != '\r' && head[n] != '\n')
		n++;
	r->http_status_line = malloc(n + 1);
	if (!r->http_status_line)
		return;
	for (size_t i = 0; i < n; i++)
		r->http_status_line[i] = head[i] >= 0x20 && head[i] < 0x7f ? head[i] : '?';
	r->http_status_line[n] = '\0';
	if (n >= 12 && !strncmp(head, "HTTP/1.", 7) && head[8] == ' ' && head[9] >= '1' && head[9] <= '5' &&
	    head[10] >= '0' && head[10] <= '9' && head[11] >= '0' && head[11] <= '9')
		r->http_status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
}

/* One HTTP/1.1 GET over the TLS session, the response read up to the end
 * of its headers (at most CK_TLS_HTTP_MAX_HEAD bytes).  Hand-written on
 * purpose: libcurl makes its own connection and handshake, and the
 * point here is a request over the session we have just observed. */
static void http_get(struct probe *p, int64_t timeout_us)
{
	const struct ck_tls_opts *o = p->o;
	struct ck_tls_result *r = p->r;
	char *req = NULL, *head = NULL;
	size_t len = 0;
	int64_t t, deadline;

	if (asprintf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s/%s (mtlsprobe)\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n", o->http_path,
		     o->http_host ? o->http_host : o->host, PACKAGE_NAME, PACKAGE_VERSION) < 0 ||
	    !(head = malloc(CK_TLS_HTTP_MAX_HEAD + 1))) {
		p->nomem = true;
		free(req);
		return;
	}
	t = now_us();
	deadline = t + timeout_us;
	if (!write_all(p, req, strlen(req), deadline))
		goto out;
	r->http_sent = true;
	while (len < CK_TLS_HTTP_MAX_HEAD) {
		ssize_t n = read_some(p, head + len, CK_TLS_HTTP_MAX_HEAD - len, deadline);
		if (n > 0 && r->first_byte_us < 0)
			r->first_byte_us = now_us() - t;
		if (n > 0) {
			len += (size_t)n;
			head[len] = '\0';
			if (strstr(head, "\r\n\r\n") || strstr(head, "\n\n"))
				break;
			continue;
		}
		/* the server closed after its status line: what came counts */
		if (len && (memchr(head, '\n', len)))
			break;
		if (n == 0) {
			r->end = CK_TLS_END_CLOSED;
			r->phase = CK_TLS_PHASE_HTTP;
			set_error(r, "the server closed the connection without answering (close_notify)");
		} else {
			fail(p, (int)n, CK_TLS_PHASE_HTTP);
		}
		goto out;
	}
	r->http_bytes = len;
	parse_status(r, head, len);
	if (!r->http_status) {
		r->end = CK_TLS_END_HTTP_BAD;
		r->phase = CK_TLS_PHASE_HTTP;
		set_error(r, "the answer is not an HTTP/1.x response");
	} else if (r->http_status < 200 || r->http_status >= 400) {
		r->end = CK_TLS_END_HTTP;
		r->phase = CK_TLS_PHASE_HTTP;
		set_error(r, "%s", r->http_status_line);
	}
out:
	free(req);
	free(head);
}

static void run(struct probe *p)
{
	const struct ck_tls_opts *o = p->o;
	struct ck_tls_result *r = p->r;
	unsigned timeout = o->timeout_ms ? o->timeout_ms : CK_TLS_TIMEOUT_DEFAULT_MS;
	unsigned connect_timeout = o->connect_timeout_ms ? o->connect_timeout_ms
							 : CK_TLS_CONNECT_TIMEOUT_DEFAULT_MS;
	struct addrinfo *ai = NULL;
	int64_t t;
	int ret;

	if (o->proxy) {
		if (!tunnel(p, connect_timeout))
			return;
	} else {
		if (!resolve(p, connect_timeout, &ai))
			return;
		if (!connect_any(p, ai, connect_timeout)) {
			freeaddrinfo(ai);
			return;
		}
		freeaddrinfo(ai);
	}
	if (o->starttls && !starttls(p, timeout))
		return;
	t = now_us();
	ret = handshake(p, t + (int64_t)timeout * 1000);
	r->handshake_us = now_us() - t;
	collect_peers(p);
	if (ret < 0) {
		fail(p, ret, CK_TLS_PHASE_HANDSHAKE);
		if (ret == GNUTLS_E_PUSH_ERROR)
			salvage_alert(p);
		return;
	}
	r->handshake_done = true;
	collect_parameters(p);
	if (o->http_path)
		http_get(p, (int64_t)timeout * 1000);
	else if (gnutls_protocol_get_version(p->session) == GNUTLS_TLS1_3)
		linger(p);
	if (r->end == CK_TLS_END_OK || r->end == CK_TLS_END_HTTP) {
		r->phase = CK_TLS_PHASE_DONE;
		gnutls_record_set_timeout(p->session, CK_TLS_BYE_TIMEOUT_MS);
		gnutls_bye(p->session, GNUTLS_SHUT_WR);
	}
}

static bool opts_usable(const struct ck_tls_opts *o, struct ck_error *err)
{
	if (!o || !o->host || !*o->host || !o->port || !*o->port) {
		ck_error_set(err, CK_E_USAGE, "a host and a port are needed");
		return false;
	}
	if (o->http_path && (o->http_path[0] != '/' || strpbrk(o->http_path, " \r\n\t"))) {
		ck_error_set(err, CK_E_USAGE, "the request path must start with '/' and hold no spaces");
		return false;
	}
	if (o->alpn && o->http_path) {
		ck_error_set(err, CK_E_USAGE, "a request offers http/1.1 alone: no other ALPN list");
		return false;
	}
	for (size_t i = 0; o->alpn && o->alpn[i]; i++)
		if (i >= 64 || !*o->alpn[i] || strlen(o->alpn[i]) > 255) {
			ck_error_set(err, CK_E_USAGE, "an ALPN list has 1 to 64 names of 1 to 255 bytes");
			return false;
		}
	if (o->starttls && !ck_starttls_name(o->starttls)) {
		ck_error_set(err, CK_E_USAGE, "no such STARTTLS protocol");
		return false;
	}
	if (o->starttls && o->http_path) {
		ck_error_set(err, CK_E_USAGE, "a request goes over HTTPS, not after STARTTLS");
		return false;
	}
	if ((o->nsend && !o->key) || (o->key && !o->nsend)) {
		ck_error_set(err, CK_E_USAGE, "a client certificate needs its private key, and the reverse");
		return false;
	}
	return true;
}

enum ck_status ck_tls_probe(const struct ck_tls_opts *o, struct ck_tls_result **out,
			    struct ck_error *err)
{
	struct probe p = { .o = o, .fd = -1 };
	enum ck_status rc = CK_OK;
	int64_t start = now_us();

	if (!opts_usable(o, err))
		return CK_E_USAGE;
	p.r = calloc(1, sizeof *p.r);
	if (!p.r)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	p.r->dns_us = p.r->connect_us = p.r->handshake_us = p.r->first_byte_us = -1;
	p.r->starttls_us = -1;
	p.r->alert = -1;
	rc = load_credential(&p, err);
	if (!rc)
		rc = setup_session(&p, err);
	if (!rc)
		run(&p);
	if (!rc && p.nomem)
		rc = ck_error_set(err, CK_E_NOMEM, "out of memory");
	p.r->total_us = now_us() - start;
	if (p.session)
		gnutls_deinit(p.session);
	if (p.cred)
		gnutls_certificate_free_credentials(p.cred);
	for (unsigned i = 0; i < p.npcerts; i++)
		gnutls_pcert_deinit(&p.pcerts[i]);
	free(p.pcerts);
	if (p.key)
		gnutls_privkey_deinit(p.key);
	if (p.fd >= 0)
		close(p.fd);
	if (rc) {
		ck_tls_result_free(p.r);
		return rc;
	}
	*out = p.r;
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* our chain against the CA names */

static bool dn_is(const struct ck_tls_dn *dn, const struct ck_cert *c, bool issuer)
{
	struct ck_span s = issuer ? c->issuer_raw : c->subject_raw;
	if (dn->len == s.len && memcmp(dn->der, ck_cert_span(c, s), s.len) == 0)
		return true;
	return dn->text && strcasecmp(dn->text, issuer ? c->issuer : c->subject) == 0;
}

enum ck_status ck_tls_match_ca(const struct ck_tls_request *rq, const struct ck_cert *const *chain,
			       size_t n, struct ck_tls_match *m)
{
	memset(m, 0, sizeof *m);
	m->through = -1;
	m->name = -1;
	if (!rq || !rq->nca_names)
		return CK_OK;
	m->position = malloc(rq->nca_names * sizeof *m->position);
	m->is_subject = calloc(rq->nca_names, sizeof *m->is_subject);
	if (!m->position || !m->is_subject) {
		ck_tls_match_cleanup(m);
		return CK_E_NOMEM;
	}
	m->nnames = rq->nca_names;
	for (size_t i = 0; i < rq->nca_names; i++) {
		m->position[i] = -1;
		/* issued by the CA, or the CA itself; lowest position first */
		for (size_t k = 0; k < n && m->position[i] < 0; k++) {
			if (dn_is(&rq->ca_names[i], chain[k], true))
				m->position[i] = (long)k;
			else if (dn_is(&rq->ca_names[i], chain[k], false))
				m->position[i] = (long)k, m->is_subject[i] = true;
		}
		if (m->position[i] >= 0 &&
		    (m->through < 0 || m->position[i] < m->through ||
		     (m->position[i] == m->through && !m->is_subject[i]))) {
			m->through = m->position[i];
			m->name = (long)i;
		}
	}
	if (m->through >= 0) {
		/* a certificate issued by the CA must be sent; the CA itself
		 * need not (the server has it) */
		size_t k = (size_t)m->through;
		m->needed = m->is_subject[m->name] ? (k ? k : 1) : k + 1;
	}
	return CK_OK;
}

void ck_tls_match_cleanup(struct ck_tls_match *m)
{
	if (!m)
		return;
	free(m->position);
	free(m->is_subject);
	m->position = NULL;
	m->is_subject = NULL;
	m->nnames = 0;
}

/* ---------------------------------------------------------------- */
/* the verdict in words */

void ck_tls_verdict_cleanup(struct ck_tls_verdict *v)
{
	if (!v)
		return;
	free(v->summary);
	free(v->cause);
	free(v->hint);
	memset(v, 0, sizeof *v);
}

__attribute__((format(printf, 2, 3)))
static void say(char **dst, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(*dst);
	*dst = s;
}

static double seconds(unsigned ms)
{
	return ms / 1000.0;
}

/* "client.example.test,O=…" → the DN as it is; the subject of the
 * certificate at chain position k, or "?" */
static const char *subject_at(const struct ck_tls_context *c, size_t k)
{
	return k < c->len ? c->chain[k]->subject : "?";
}

/* The first http caIssuers URL of a certificate: where a .NET client on
 * Linux would download a missing issuer from. */
static const char *first_http_url(const struct ck_cert *cert)
{
	for (size_t i = 0; cert->aia_ca_issuers && cert->aia_ca_issuers[i]; i++)
		if (!strncasecmp(cert->aia_ca_issuers[i], "http://", 7))
			return cert->aia_ca_issuers[i];
	return NULL;
}

/* The server lacks `missing_subject` (the issuer of the last certificate
 * we sent, or a certificate of our chain we did not send): say how to
 * get it there.  `have` tells whether our credential holds it. */
static void hint_send_issuer(char **hint, const struct ck_tls_context *c, const char *missing,
			     size_t sent_index, bool have, const struct ck_cert *below)
{
	const char *url = below ? first_http_url(below) : NULL;
	if (have)
		say(hint, "The server does not have %s; send it: use --send chain (or auto), and "
			  "configure the real client to send the whole chain. A .NET client on Linux "
			  "sends it only if it can build the chain from its stores (the intermediates in "
			  "a PFX are not used): add it to ~/.dotnet/corefx/cryptography/x509stores/ca or "
			  "the system store.", missing);
	else if (sent_index < c->completable && (!c->send_mode || strcmp(c->send_mode, "chain")))
		say(hint, "The server does not have %s, and %s does not hold it; the trust stores "
			  "given have it: use --send chain to send it from there, and add the "
			  "intermediate to the PFX (certconv --fix completes a chain from --ca-file).",
		    missing, c->credential ? c->credential : "the credential");
	else if (url)
		say(hint, "The server does not have %s, and %s does not hold it either; add the "
			  "intermediate to the PFX (certconv --fix completes a chain from --ca-file). "
			  "A .NET client on Linux would try to download it from %s at every connection.",
		    missing, c->credential ? c->credential : "the credential", url);
	else
		say(hint, "The server does not have %s, and %s does not hold it either; add the "
			  "intermediate to the PFX (certconv --fix completes a chain from --ca-file).",
		    missing, c->credential ? c->credential : "the credential");
}

/* Why a server that asked for a client certificate refused what we
 * sent, from the CA names it listed and the chain we sent. */
static void diagnose_chain(const struct ck_tls_request *rq, const struct ck_tls_match *m,
			   const struct ck_tls_context *c, char **cause, char **hint)
{
	size_t sent = rq->nsent;
	const struct ck_cert *top = sent && sent <= c->len ? c->chain[sent - 1] : NULL;
	bool top_self_signed = top && top->self_issued && sent == c->len && c->complete;

	if (m && m->through >= 0 && m->needed > sent) {
		say(cause, "The server accepts client certificates under %s; our leaf reaches it "
			   "only through %s, which we did not send (we sent %zu of the %zu certificates "
			   "it needs).", rq->ca_names[m->name].text, subject_at(c, sent), sent, m->needed);
		hint_send_issuer(hint, c, subject_at(c, sent), sent, sent < c->available, c->chain[sent - 1]);
		return;
	}
	if (top && !top_self_signed && (!m || m->through < 0)) {
		if (rq->nca_names)
			say(cause, "Our chain leads to none of the %zu CA names the server listed: we "
				   "sent %zu certificate%s up to %s, issued by %s, which we did not send "
				   "and the server does not list.", rq->nca_names, sent, sent == 1 ? "" : "s",
			    top->subject, top->issuer);
		else
			say(cause, "The server did not say which CAs it accepts (empty list). We sent "
				   "%zu certificate%s up to %s, issued by %s, which we did not send: the "
				   "server most likely does not have it.", sent, sent == 1 ? "" : "s",
			    top->subject, top->issuer);
		hint_send_issuer(hint, c, top->issuer, sent, sent < c->available, top);
		return;
	}
	if (rq->nca_names && (!m || m->through < 0)) {
		say(cause, "We sent the whole chain up to %s, but the server trusts other CAs: none of "
			   "the %zu it listed is on our chain.", top ? top->subject : "our root",
		    rq->nca_names);
		say(hint, "Use a client certificate from a CA the server lists, or ask the server's "
			  "operators to trust %s for client authentication.",
		    top ? top->subject : "our root");
		return;
	}
	if (m && m->through >= 0)
		say(cause, "The server received the chain it needs (up to %s) and still refused it: "
			   "it may not trust that CA for client certificates, or it refuses the "
			   "certificate itself (expired, revoked, no clientAuth extended key usage, or "
			   "an access rule).", rq->ca_names[m->name].text);
	else
		say(cause, "We sent the whole chain%s%s and the server still refused it: it may not "
			   "trust our root for client certificates, or it refuses the certificate "
			   "itself (expired, revoked, no clientAuth extended key usage, or an access "
			   "rule).", top ? " up to " : "", top ? top->subject : "");
	say(hint, "Check the client credential's findings, and the server's log and its "
		  "client-certificate settings.");
}

/* The server asked for a certificate and we sent none. */
static void diagnose_none(const struct ck_tls_context *c, char **cause, char **hint)
{
	say(cause, "The server requires a client certificate and we sent none.");
	if (c->credential)
		say(hint, "%s gave no certificate to send.", c->credential);
	else
		say(hint, "Give the client certificate: --pfx FILE, or --cert FILE and --key FILE.");
}

/* Is this alert, after a CertificateRequest, the refusal of what we sent? */
static bool client_cert_alert(int alert, size_t nsent)
{
	const struct ck_tls_alert_info *a = ck_tls_alert_info(alert);
	/* decode_error and illegal_parameter come from GnuTLS servers that
	 * required a certificate and got none (TLS 1.2) */
	if (alert == 50 || alert == 47)
		return nsent == 0;
	return !a || a->about_client_cert;
}

static void explain_alert(const struct ck_tls_result *r, const struct ck_tls_request *rq,
			  const struct ck_tls_match *m, const struct ck_tls_context *c,
			  struct ck_tls_verdict *v)
{
	const struct ck_tls_alert_info *a = ck_tls_alert_info(r->alert);
	const char *name = a ? a->name : "unknown";
	const char *when = r->phase == CK_TLS_PHASE_AFTER ?
				   " right after the handshake (TLS 1.3 servers check the client certificate after it)" :
			   r->phase == CK_TLS_PHASE_HTTP ? " in answer to the request" : " during the handshake";

	say(&v->summary, "the server refused the connection with alert %s (%d)%s", name, r->alert, when);
	if (rq && client_cert_alert(r->alert, rq->nsent)) {
		if (!rq->nsent) {
			diagnose_none(c, &v->cause, &v->hint);
		} else if (r->alert == 51 || r->alert == 44 || r->alert == 45 || r->alert == 43) {
			say(&v->cause, "The server says: %s.", a->meaning);
			say(&v->hint, "%s", a->hint);
		} else {
			diagnose_chain(rq, m, c, &v->cause, &v->hint);
		}
		return;
	}
	say(&v->cause, "The server says: %s.", a ? a->meaning : "an alert this program does not know");
	if (a && a->hint)
		say(&v->hint, "%s", a->hint);
}

/* Closed or reset without an alert. */
static void explain_closed(const struct ck_tls_result *r, const struct ck_tls_request *rq,
			   const struct ck_tls_match *m, const struct ck_tls_context *c,
			   struct ck_tls_verdict *v)
{
	const char *how = r->end == CK_TLS_END_RESET ? "reset the connection" : "closed the connection";
	bool any_received = false;

	for (size_t i = 0; i < r->nmessages; i++)
		any_received |= r->messages[i].received;
	if (rq && !r->http_status) {
		say(&v->summary, "the server %s %s, without an alert, after we sent %zu client "
				 "certificate%s", how, r->phase == CK_TLS_PHASE_HANDSHAKE ?
				 "during the handshake" : "after the handshake", rq->nsent,
		    rq->nsent == 1 ? "" : "s");
		if (!rq->nsent)
			diagnose_none(c, &v->cause, &v->hint);
		else
			diagnose_chain(rq, m, c, &v->cause, &v->hint);
		return;
	}
	if (r->phase == CK_TLS_PHASE_HANDSHAKE && !any_received) {
		say(&v->summary, "the server %s before answering our ClientHello", how);
		say(&v->cause, "Either this port does not speak TLS, or the server refuses what we "
			       "offered: the server name (SNI %s), the TLS version or the cipher suites.",
		    c->sni ? c->sni : "none");
		say(&v->hint, "Check the port; try --sni with the name the server expects, and "
			      "--tls1.2 or --tls1.3.");
		return;
	}
	say(&v->summary, "the server %s %s", how,
	    r->phase == CK_TLS_PHASE_HTTP ? "without answering the request" :
	    r->phase == CK_TLS_PHASE_AFTER ? "right after the handshake" : "during the handshake");
	say(&v->cause, "The server gave no reason (no alert).");
	say(&v->hint, "Look at the server's log; a load balancer or firewall in between may "
		      "also cut connections.");
}

static bool looks_like_text(const struct ck_tls_result *r)
{
	if (r->nfirst_bytes < 4)
		return false;
	for (size_t i = 0; i < r->nfirst_bytes; i++)
		if (r->first_bytes[i] < 0x20 && r->first_bytes[i] != '\r' && r->first_bytes[i] != '\n')
			return false;
	return r->first_bytes[0] >= 'A' && r->first_bytes[0] <= 'z';
}

static void explain_tls_error(const struct ck_tls_result *r, const struct ck_tls_request *rq,
			      const struct ck_tls_context *c, struct ck_tls_verdict *v)
{
	if (rq && rq->empty_ca_extension) {
		say(&v->summary, "the server's CertificateRequest could not be decoded");
		say(&v->cause, "It carries a certificate_authorities extension with an empty list, "
			       "which TLS 1.3 forbids (OpenSSL servers send one when told not to send "
			       "CA names: -no_ca_names, SSL_OP_DISABLE_TLSEXT_CA_NAMES). GnuTLS clients "
			       "refuse it; OpenSSL clients accept it.");
		say(&v->hint, "Let the server send its CA names (or none, without the extension). "
			      "Run with --tls1.2 to see the rest of the handshake.");
		return;
	}
	if (looks_like_text(r)) {
		say(&v->summary, "the server answered in plain text, not TLS");
		say(&v->cause, "Its first bytes were \"%.*s\": this port speaks another protocol "
			       "(plain HTTP?).", (int)r->nfirst_bytes, (const char *)r->first_bytes);
		say(&v->hint, "Check the port number.");
		return;
	}
	say(&v->summary, "the TLS handshake failed on our side: %s", r->error ? r->error : "?");
	switch (r->gnutls_error) {
	case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
	case GNUTLS_E_NO_CIPHER_SUITES:
	case GNUTLS_E_INSUFFICIENT_SECURITY:
	case GNUTLS_E_NO_COMMON_KEY_SHARE:
	case GNUTLS_E_UNKNOWN_CIPHER_SUITE:
		say(&v->cause, "The server and this client have no TLS version, cipher suite or key "
			       "exchange in common.");
		say(&v->hint, "Try without --tls1.2/--tls1.3, or check what the server allows.");
		break;
	default:
		say(&v->cause, "GnuTLS stopped the handshake: %s.", r->error ? r->error : "?");
		say(&v->hint, "Compare with openssl s_client -connect %s:%s; the server may send "
			      "something GnuTLS does not accept.", c->host ? c->host : "HOST",
		    c->port ? c->port : "PORT");
		break;
	}
}

static void explain_timeout(const struct ck_tls_result *r, const struct ck_tls_request *rq,
			    const struct ck_tls_context *c, struct ck_tls_verdict *v)
{
	bool any_received = false;
	for (size_t i = 0; i < r->nmessages; i++)
		any_received |= r->messages[i].received;
	if (r->phase == CK_TLS_PHASE_HTTP) {
		say(&v->summary, "no answer to the request within %.3g s", seconds(c->timeout_ms));
		say(&v->cause, "The TLS handshake succeeded, but the server did not answer GET %s in time.",
		    c->http_path ? c->http_path : "/");
		say(&v->hint, "Raise --timeout, or look at the application behind the TLS server.");
		return;
	}
	if (!any_received) {
		say(&v->summary, "connected, but no answer to our ClientHello within %.3g s",
		    seconds(c->timeout_ms));
		say(&v->cause, "Something accepts TCP connections on this port but does not answer TLS: "
			       "a service that waits for the client to speak another protocol, an "
			       "overloaded server, or a middlebox that holds the connection.");
		say(&v->hint, "Check the port, and whether a proxy or firewall sits in between.");
		return;
	}
	say(&v->summary, "the handshake stalled: no answer within %.3g s", seconds(c->timeout_ms));
	if (rq && rq->nsent)
		say(&v->cause, "The server stopped answering after our certificate: some servers hang "
			       "instead of refusing a chain they cannot build.");
	else
		say(&v->cause, "The server stopped answering in the middle of the handshake.");
	say(&v->hint, "Raise --timeout to tell a slow server from a stuck one; look at the server's log.");
}

static void explain_http(const struct ck_tls_result *r, const struct ck_tls_request *rq,
			 const struct ck_tls_context *c, struct ck_tls_verdict *v)
{
	int s = r->http_status;
	if (r->end == CK_TLS_END_HTTP_BAD) {
		say(&v->summary, "the answer to GET %s is not HTTP", c->http_path ? c->http_path : "/");
		say(&v->cause, "It starts with \"%s\".", r->http_status_line ? r->http_status_line : "");
		say(&v->hint, "This TLS port speaks another protocol.");
		return;
	}
	say(&v->summary, "handshake complete, but GET %s was answered \"%s\"",
	    c->http_path ? c->http_path : "/", r->http_status_line ? r->http_status_line : "?");
	if (s == 400 && (!rq || !rq->nsent))
		say(&v->cause, "The server wanted a client certificate and none was sent (nginx with "
			       "ssl_verify_client optional answers 400 \"No required SSL certificate was sent\").");
	else if (s == 400 || s == 495 || s == 496)
		say(&v->cause, "The TLS layer let the connection through but the server refused the "
			       "request; with nginx, 400 \"The SSL certificate error\" means the client "
			       "certificate did not verify.");
	else if (s == 401 || s == 403)
		say(&v->cause, "The TLS handshake accepted our certificate, but the application does "
			       "not authorize this identity.");
	else if (s == 421)
		say(&v->cause, "The server name (SNI) and the Host header lead to different sites.");
	else if (s >= 500)
		say(&v->cause, "The application behind the TLS server failed.");
	else
		say(&v->cause, "The application answered with status %d.", s);
	if (s == 421)
		say(&v->hint, "Use --sni with the name of the site.");
	else if (s < 500)
		say(&v->hint, "Check the application's access rules for this certificate and path.");
	else
		say(&v->hint, "Look at the application's log.");
}

static void explain_ok(const struct ck_tls_result *r, const struct ck_tls_request *rq,
		       const struct ck_tls_context *c, struct ck_tls_verdict *v)
{
	char *get = NULL;
	if (r->http_status)
		say(&get, "; GET %s: %s", c->http_path ? c->http_path : "/",
		    r->http_status_line ? r->http_status_line : "");
	if (r->closed_after_handshake)
		say(&get, "; the server then closed the connection in good order (close_notify)");
	if (!rq)
		say(&v->summary, "handshake complete; the server did not ask for a client certificate%s",
		    get ? get : "");
	else if (rq->nsent)
		say(&v->summary, "handshake complete; the server asked for a client certificate and "
				 "accepted the %zu we sent%s", rq->nsent, get ? get : "");
	else
		say(&v->summary, "handshake complete; the server asked for a client certificate, "
				 "we sent none and it went on%s", get ? get : "");
	free(get);
	v->success = c->server_valid != 0;
	if (c->server_valid == 0) {
		say(&v->cause, "But the server's certificate chain does not verify, so a client that "
			       "checks it refuses the connection%s%s.", c->server_problem ? ": " : "",
		    c->server_problem ? c->server_problem : "");
		say(&v->hint, "See the server's findings; pass its CA with --ca-file if you trust it.");
	} else if (!rq && c->credential) {
		say(&v->cause, "The server did not ask for a client certificate: it does not use "
			       "mutual TLS here, or it asks only later (for some paths).");
		say(&v->hint, "Try --http-get with a path that needs the certificate.");
	}
}

static void explain_proxy(const struct ck_tls_result *r, const struct ck_tls_context *c,
			  struct ck_tls_verdict *v)
{
	say(&v->summary, "the proxy %s gave no tunnel to %s port %s: %s", r->proxy ? r->proxy : "?",
	    c->host ? c->host : "the host", c->port ? c->port : "?", r->error ? r->error : "?");
	if (r->proxy_status == 407) {
		say(&v->cause, "The proxy wants us to authenticate (407 Proxy Authentication Required).");
		say(&v->hint, "Give the credentials in the proxy URL: http://USER:PASSWORD@HOST:PORT.");
	} else if (r->proxy_status >= 300) {
		say(&v->cause, "The proxy refused to connect to this host and port: proxies allow "
			       "CONNECT to a few ports only (tinyproxy's ConnectPort, squid's SSL_ports), "
			       "or to some hosts.");
		say(&v->hint, "Have the port allowed on the proxy, or use --no-proxy (or no_proxy) "
			      "if the server can be reached directly.");
	} else {
		say(&v->cause, "The proxy could not be reached, or it failed before answering CONNECT.");
		say(&v->hint, "Check the proxy's address and port (--proxy, https_proxy).");
	}
}

static void explain_starttls(const struct ck_tls_result *r, const struct ck_tls_context *c,
			     struct ck_tls_verdict *v)
{
	const char *proto = ck_starttls_name(c->starttls) ? ck_starttls_name(c->starttls) : "STARTTLS";
	say(&v->summary, "STARTTLS (%s) failed: %s", proto, r->error ? r->error : "?");
	switch (r->starttls_outcome) {
	case CK_STARTTLS_REFUSED:
		say(&v->cause, "The server speaks %s but would not start TLS: TLS is off on this "
			       "port, or the server has no certificate configured.", proto);
		say(&v->hint, "Turn on TLS in the server's settings, or try the port where it is on.");
		break;
	case CK_STARTTLS_UNEXPECTED:
		say(&v->cause, "What the server sent is not %s: the port runs another protocol, or "
			       "TLS from the first byte (then leave out --starttls).", proto);
		say(&v->hint, "Check the port and --starttls (their usual ports: smtp 25, imap 143, "
			      "pop3 110, ldap 389, postgres 5432).");
		break;
	default:
		say(&v->cause, "The connection did not get through the %s dialogue: the server closed "
			       "it, stopped answering, or the network failed.", proto);
		say(&v->hint, "Raise --timeout to tell a slow server from a stuck one; look at the "
			      "server's log.");
		break;
	}
}

enum ck_status ck_tls_explain(const struct ck_tls_result *r, const struct ck_tls_match *m,
			      const struct ck_tls_context *c, struct ck_tls_verdict *v)
{
	const struct ck_tls_request *rq = ck_tls_last_request(r);
	const char *host = c->host ? c->host : "the host";

	memset(v, 0, sizeof *v);
	switch (r->end) {
	case CK_TLS_END_OK:
		explain_ok(r, rq, c, v);
		break;
	case CK_TLS_END_DNS:
		say(&v->summary, "the name %s did not resolve: %s", host, r->error ? r->error : "?");
		if (r->dns_timed_out) {
			say(&v->cause, "The name servers in /etc/resolv.conf do not answer: a firewall "
				       "drops DNS, or they are down. Every client on this host waits "
				       "for its resolver's own timeout before it even connects.");
			say(&v->hint, "Check that the name servers this host uses are reachable (UDP "
				      "and TCP port 53).");
		} else {
			say(&v->cause, "The resolver found no address for it.");
			say(&v->hint, "Check the spelling and the resolver this host uses (/etc/hosts, "
				      "/etc/resolv.conf).");
		}
		break;
	case CK_TLS_END_REFUSED:
		say(&v->summary, "the TCP connection to %s port %s was refused", host, c->port ? c->port : "?");
		say(&v->cause, "Nothing listens there, or a firewall rejects the connection.");
		say(&v->hint, "Check the port and that the service runs.");
		break;
	case CK_TLS_END_DROPPED:
		say(&v->summary, "no answer to the TCP connection to %s port %s within %.3g s", host,
		    c->port ? c->port : "?", seconds(c->connect_timeout_ms));
		say(&v->cause, "The connection attempts are dropped without an answer: by a firewall, "
			       "or a server whose accept queue is full. Clients then wait for their "
			       "own timeout (a .NET HttpClient: 100 s).");
		say(&v->hint, "Check the firewalls and routes between this host and the server, and "
			      "the server's load.");
		break;
	case CK_TLS_END_UNREACHABLE:
	case CK_TLS_END_CONNECT:
		say(&v->summary, "could not connect to %s port %s: %s", host, c->port ? c->port : "?",
		    r->error ? r->error : "?");
		say(&v->cause, "The network said so: there is no route, or the address cannot be used from here.");
		say(&v->hint, "Check the address and the routes from this host.");
		break;
	case CK_TLS_END_TIMEOUT:
		explain_timeout(r, rq, c, v);
		break;
	case CK_TLS_END_ALERT:
		explain_alert(r, rq, m, c, v);
		break;
	case CK_TLS_END_CLOSED:
	case CK_TLS_END_RESET:
		explain_closed(r, rq, m, c, v);
		break;
	case CK_TLS_END_TLS:
		explain_tls_error(r, rq, c, v);
		break;
	case CK_TLS_END_HTTP:
	case CK_TLS_END_HTTP_BAD:
		explain_http(r, rq, c, v);
		break;
	case CK_TLS_END_PROXY:
		explain_proxy(r, c, v);
		break;
	case CK_TLS_END_STARTTLS:
		explain_starttls(r, c, v);
		break;
	}
	if (!v->summary || (r->end != CK_TLS_END_OK && !v->cause)) {
		ck_tls_verdict_cleanup(v);
		return CK_E_NOMEM;
	}
	return CK_OK;
}
