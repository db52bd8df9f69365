/* tls: what needs no server — names, the classification of errors, the
 * alert table, CA names against a client chain, the verdict in words,
 * the option checks, and mtlsprobe's document built from a recorded
 * probe.  The probe itself is tested against real servers in
 * tests/cli/mtlsprobe-*.sh. */
#include "config.h"

#include "libcore/report.h"
#include "libcore/tls.h"
#include "unit.h"

#include <sys/wait.h>

#include <errno.h>
#include <gnutls/gnutls.h>
#include <sys/socket.h>
#include <unistd.h>

static struct ck_bundle *chain_bundle; /* client, int-ca, root-ca */
static const struct ck_cert *chain[3];
static struct ck_tls_result *res;
static struct ck_tls_verdict verdict;
static struct ck_tls_match match;

static void load_chain(void)
{
	struct ck_error e;
	cr_assert_eq(fx_load("bundles/client-full.pem", NULL, &chain_bundle, &e), CK_OK, "%s", e.what);
	cr_assert_eq(chain_bundle->ncerts, 3);
	for (size_t i = 0; i < 3; i++)
		chain[i] = chain_bundle->certs[i];
	cr_assert(strstr(chain[1]->subject, "Issuing CA 1"));
}

static void cleanup(void)
{
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	ck_tls_result_free(res);
	ck_bundle_free(chain_bundle);
	res = NULL;
	chain_bundle = NULL;
}

TestSuite(tls, .init = load_chain, .fini = cleanup);

/* A recorded probe, made by hand. */
static struct ck_tls_result *result(enum ck_tls_end end, enum ck_tls_phase phase)
{
	struct ck_tls_result *r = calloc(1, sizeof *r);
	cr_assert_not_null(r);
	r->end = end;
	r->phase = phase;
	r->alert = -1;
	r->dns_us = r->connect_us = r->handshake_us = r->first_byte_us = -1;
	return r;
}

/* A CertificateRequest listing the subjects of `cas` (may be none),
 * answered with `nsent` certificates. */
static struct ck_tls_request *request(struct ck_tls_result *r, const struct ck_cert *const *cas,
				      size_t ncas, size_t nsent)
{
	struct ck_tls_request *rq;
	r->requests = calloc(1, sizeof *r->requests);
	cr_assert_not_null(r->requests);
	r->nrequests = 1;
	rq = &r->requests[0];
	rq->understood = true;
	rq->nsent = nsent;
	rq->ca_names = calloc(ncas ? ncas : 1, sizeof *rq->ca_names);
	for (size_t i = 0; i < ncas; i++) {
		rq->ca_names[i].len = cas[i]->subject_raw.len;
		rq->ca_names[i].der = malloc(rq->ca_names[i].len);
		memcpy(rq->ca_names[i].der, ck_cert_span(cas[i], cas[i]->subject_raw), rq->ca_names[i].len);
		rq->ca_names[i].text = strdup(cas[i]->subject);
	}
	rq->nca_names = ncas;
	return rq;
}

static struct ck_tls_context context(size_t available)
{
	struct ck_tls_context c = {
		.chain = chain, .len = 3, .available = available, .complete = true,
		.credential = "client.pfx", .send_mode = "auto", .server_valid = 1,
		.timeout_ms = 30000, .connect_timeout_ms = 2500,
		.host = "api.example.test", .port = "443",
	};
	return c;
}

static void explain(const struct ck_tls_context *c)
{
	const struct ck_tls_request *rq = ck_tls_last_request(res);
	cr_assert_eq(ck_tls_match_ca(rq, chain, c->len, &match), CK_OK);
	cr_assert_eq(ck_tls_explain(res, &match, c, &verdict), CK_OK);
	cr_assert_not_null(verdict.summary);
}

#define assert_has(s, needle) \
	cr_assert((s) && strstr((s), (needle)), "'%s' not in '%s'", (needle), (s) ? (s) : "(null)")

/* ---------------------------------------------------------------- */

Test(tls, names_are_the_documented_words)
{
	static const char *const ends[] = { "ok", "dns-failure", "refused", "dropped", "unreachable",
		"connect-error", "timeout", "alert", "closed", "reset", "tls-error", "http-status",
		"http-malformed", "proxy-error", "starttls-failed" };
	for (int e = CK_TLS_END_OK; e <= CK_TLS_END_STARTTLS; e++)
		cr_assert_str_eq(ck_tls_end_name((enum ck_tls_end)e), ends[e]);
	cr_assert_str_eq(ck_tls_phase_name(CK_TLS_PHASE_AFTER), "after-handshake");
	cr_assert_str_eq(ck_tls_phase_name(CK_TLS_PHASE_DONE), "done");
	cr_assert_str_eq(ck_tls_phase_name(CK_TLS_PHASE_PROXY), "proxy");
	cr_assert_str_eq(ck_tls_phase_name(CK_TLS_PHASE_STARTTLS), "starttls");
	cr_assert_str_eq(ck_tls_message_name(GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST), "CertificateRequest");
	cr_assert_str_eq(ck_tls_message_name(GNUTLS_HANDSHAKE_CLIENT_HELLO), "ClientHello");
	cr_assert_str_eq(ck_tls_message_name(4242), "Unknown");
}

Test(tls, classifies_connect_errors)
{
	cr_assert_eq(ck_tls_classify_connect(ECONNREFUSED), CK_TLS_END_REFUSED);
	cr_assert_eq(ck_tls_classify_connect(0), CK_TLS_END_DROPPED);
	cr_assert_eq(ck_tls_classify_connect(ETIMEDOUT), CK_TLS_END_DROPPED);
	cr_assert_eq(ck_tls_classify_connect(EHOSTUNREACH), CK_TLS_END_UNREACHABLE);
	cr_assert_eq(ck_tls_classify_connect(ENETUNREACH), CK_TLS_END_UNREACHABLE);
	cr_assert_eq(ck_tls_classify_connect(EADDRNOTAVAIL), CK_TLS_END_CONNECT);
}

Test(tls, classifies_session_errors)
{
	cr_assert_eq(ck_tls_classify(GNUTLS_E_FATAL_ALERT_RECEIVED, 0), CK_TLS_END_ALERT);
	cr_assert_eq(ck_tls_classify(GNUTLS_E_TIMEDOUT, 0), CK_TLS_END_TIMEOUT);
	cr_assert_eq(ck_tls_classify(GNUTLS_E_PREMATURE_TERMINATION, 0), CK_TLS_END_CLOSED);
	cr_assert_eq(ck_tls_classify(GNUTLS_E_PULL_ERROR, ECONNRESET), CK_TLS_END_RESET);
	cr_assert_eq(ck_tls_classify(GNUTLS_E_PUSH_ERROR, ECONNRESET), CK_TLS_END_RESET);
	cr_assert_eq(ck_tls_classify(GNUTLS_E_PUSH_ERROR, EPIPE), CK_TLS_END_CLOSED);
	cr_assert_eq(ck_tls_classify(GNUTLS_E_UNEXPECTED_PACKET_LENGTH, 0), CK_TLS_END_TLS);
	cr_assert_eq(ck_tls_classify(GNUTLS_E_UNSUPPORTED_VERSION_PACKET, 0), CK_TLS_END_TLS);
}

Test(tls, alert_table)
{
	static const struct { int code; const char *name; bool client; } t[] = {
		{ 40, "handshake_failure", true }, { 42, "bad_certificate", true },
		{ 45, "certificate_expired", true }, { 48, "unknown_ca", true },
		{ 49, "access_denied", true }, { 51, "decrypt_error", true },
		{ 70, "protocol_version", false }, { 112, "unrecognized_name", false },
		{ 116, "certificate_required", true },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct ck_tls_alert_info *a = ck_tls_alert_info(t[i].code);
		cr_assert_not_null(a, "alert %d", t[i].code);
		cr_assert_str_eq(a->name, t[i].name);
		cr_assert_eq(a->about_client_cert, t[i].client, "%s", a->name);
		cr_assert(a->meaning && *a->meaning);
	}
	cr_assert_null(ck_tls_alert_info(255));
	/* every alert GnuTLS knows is in the table, under the same name */
	for (int code = 0; code < 256; code++) {
		const char *g = gnutls_alert_get_strname((gnutls_alert_description_t)code);
		const struct ck_tls_alert_info *a = ck_tls_alert_info(code);
		char want[64];
		size_t k;
		if (!g)
			continue;
		cr_assert_not_null(a, "alert %d (%s) is not in the table", code, g);
		for (k = 0; a->name[k] && k < sizeof want - 1; k++)
			want[k] = (char)(a->name[k] >= 'a' && a->name[k] <= 'z' ? a->name[k] - 32 : a->name[k]);
		want[k] = '\0';
		g += strlen("GNUTLS_A_");
		if (!strncmp(g, "SSL3_", 5)) /* GnuTLS's name for SSL 3's no_certificate */
			g += 5;
		cr_assert_str_eq(g, want, "alert %d", code);
	}
}

/* ---------------------------------------------------------------- */
/* CA names against the chain */

Test(tls, root_listed_is_reached_through_the_intermediate)
{
	res = result(CK_TLS_END_OK, CK_TLS_PHASE_DONE);
	request(res, &chain[2], 1, 3);
	cr_assert_eq(ck_tls_match_ca(&res->requests[0], chain, 3, &match), CK_OK);
	cr_assert_eq(match.through, 1);
	cr_assert_eq(match.name, 0);
	cr_assert_eq(match.position[0], 1);
	cr_assert_not(match.is_subject[0]);
	cr_assert_eq(match.needed, 2);
}

Test(tls, intermediate_listed_is_the_leafs_issuer)
{
	const struct ck_cert *cas[2] = { chain[2], chain[1] };
	res = result(CK_TLS_END_OK, CK_TLS_PHASE_DONE);
	request(res, cas, 2, 1);
	cr_assert_eq(ck_tls_match_ca(&res->requests[0], chain, 3, &match), CK_OK);
	cr_assert_eq(match.through, 0);
	cr_assert_eq(match.name, 1);
	cr_assert_eq(match.needed, 1);
	cr_assert_eq(match.position[0], 1);
}

Test(tls, unrelated_names_and_no_names)
{
	struct ck_bundle *other = NULL;
	struct ck_error e;
	const struct ck_cert *ca;
	cr_assert_eq(fx_load("pki/other-root.crt", NULL, &other, &e), CK_OK);
	ca = other->certs[0];
	res = result(CK_TLS_END_OK, CK_TLS_PHASE_DONE);
	request(res, &ca, 1, 1);
	cr_assert_eq(ck_tls_match_ca(&res->requests[0], chain, 3, &match), CK_OK);
	cr_assert_eq(match.through, -1);
	cr_assert_eq(match.position[0], -1);
	cr_assert_eq(match.needed, 0);
	ck_tls_match_cleanup(&match);
	res->requests[0].nca_names = 0;
	free(res->requests[0].ca_names[0].der);
	free(res->requests[0].ca_names[0].text);
	cr_assert_eq(ck_tls_match_ca(&res->requests[0], chain, 3, &match), CK_OK);
	cr_assert_eq(match.through, -1);
	cr_assert_null(match.position);
	ck_bundle_free(other);
}

Test(tls, names_match_by_text_when_the_encoding_differs)
{
	res = result(CK_TLS_END_OK, CK_TLS_PHASE_DONE);
	request(res, &chain[1], 1, 1);
	/* same name, other bytes (as if another string type were used) */
	res->requests[0].ca_names[0].der[res->requests[0].ca_names[0].len - 1] ^= 0x20;
	free(res->requests[0].ca_names[0].text);
	res->requests[0].ca_names[0].text = strdup("cn=CHAINKIT issuing ca 1,o=chainkit TESTS");
	cr_assert_eq(ck_tls_match_ca(&res->requests[0], chain, 3, &match), CK_OK);
	cr_assert_eq(match.through, 0);
}

/* ---------------------------------------------------------------- */
/* the verdict */

Test(tls, leaf_alone_and_the_intermediate_in_the_pfx)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_HANDSHAKE);
	res->alert = 48;
	request(res, &chain[2], 1, 1);
	explain(&c);
	cr_assert_not(verdict.success);
	assert_has(verdict.summary, "unknown_ca (48)");
	assert_has(verdict.cause, "through CN=chainkit Issuing CA 1,O=chainkit tests");
	assert_has(verdict.cause, "we sent 1 of the 2");
	assert_has(verdict.hint, "does not have CN=chainkit Issuing CA 1");
	assert_has(verdict.hint, "--send chain");
}

Test(tls, leaf_alone_and_no_intermediate_anywhere)
{
	struct ck_tls_context c = context(1);
	c.len = 1;
	c.complete = false;
	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_AFTER);
	res->alert = 42;
	request(res, NULL, 0, 1);
	explain(&c);
	assert_has(verdict.summary, "bad_certificate (42) right after the handshake");
	assert_has(verdict.cause, "did not say which CAs");
	assert_has(verdict.cause, "issued by CN=chainkit Issuing CA 1");
	assert_has(verdict.hint, "add the intermediate to the PFX");
	assert_has(verdict.hint, "http://127.0.0.1:18080/int-ca.crt");
}

Test(tls, whole_chain_sent_and_still_refused)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_HANDSHAKE);
	res->alert = 46;
	request(res, &chain[2], 1, 2);
	explain(&c);
	assert_has(verdict.cause, "received the chain it needs");
	assert_has(verdict.hint, "findings");
}

Test(tls, whole_chain_sent_to_another_pki)
{
	struct ck_bundle *other = NULL;
	struct ck_error e;
	struct ck_tls_context c = context(3);
	cr_assert_eq(fx_load("pki/other-root.crt", NULL, &other, &e), CK_OK);
	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_HANDSHAKE);
	res->alert = 48;
	request(res, (const struct ck_cert *const *)other->certs, 1, 3);
	explain(&c);
	assert_has(verdict.cause, "trusts other CAs");
	assert_has(verdict.hint, "a CA the server lists");
	ck_bundle_free(other);
}

Test(tls, certificate_required_and_none_given)
{
	struct ck_tls_context c = context(0);
	c.chain = NULL;
	c.len = 0;
	c.credential = NULL;
	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_AFTER);
	res->alert = 116;
	request(res, &chain[2], 1, 0);
	explain(&c);
	assert_has(verdict.summary, "certificate_required (116)");
	assert_has(verdict.cause, "we sent none");
	assert_has(verdict.hint, "--pfx");
}

Test(tls, key_that_does_not_sign)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_HANDSHAKE);
	res->alert = 51;
	request(res, &chain[2], 1, 2);
	explain(&c);
	assert_has(verdict.cause, "CertificateVerify");
	assert_has(verdict.hint, "private key");
}

Test(tls, decode_error_is_a_refusal_only_without_a_certificate)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_HANDSHAKE);
	res->alert = 50;
	request(res, &chain[2], 1, 0);
	explain(&c);
	assert_has(verdict.cause, "we sent none");
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	res->requests[0].nsent = 2;
	explain(&c);
	assert_has(verdict.cause, "could not decode a message of ours");
}

Test(tls, alerts_without_a_request)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_HANDSHAKE);
	res->alert = 112;
	explain(&c);
	assert_has(verdict.cause, "server name");
	assert_has(verdict.hint, "--sni");
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	res->alert = 70;
	explain(&c);
	assert_has(verdict.hint, "--tls1.2");
}

Test(tls, closed_after_the_leaf_alone)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_CLOSED, CK_TLS_PHASE_HANDSHAKE);
	request(res, &chain[2], 1, 1);
	explain(&c);
	assert_has(verdict.summary, "closed the connection during the handshake, without an alert");
	assert_has(verdict.cause, "CN=chainkit Issuing CA 1");
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	res->end = CK_TLS_END_RESET;
	explain(&c);
	assert_has(verdict.summary, "reset the connection");
}

Test(tls, closed_before_any_answer)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_CLOSED, CK_TLS_PHASE_HANDSHAKE);
	explain(&c);
	assert_has(verdict.summary, "before answering our ClientHello");
	assert_has(verdict.hint, "--sni");
}

Test(tls, network_ends)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_DROPPED, CK_TLS_PHASE_CONNECT);
	explain(&c);
	assert_has(verdict.summary, "no answer to the TCP connection to api.example.test port 443 within 2.5 s");
	assert_has(verdict.cause, "dropped");
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	res->end = CK_TLS_END_REFUSED;
	explain(&c);
	assert_has(verdict.summary, "refused");
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	res->end = CK_TLS_END_DNS;
	res->phase = CK_TLS_PHASE_DNS;
	res->error = strdup("Name or service not known");
	explain(&c);
	assert_has(verdict.summary, "api.example.test did not resolve: Name or service not known");
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	res->end = CK_TLS_END_TIMEOUT;
	res->phase = CK_TLS_PHASE_HANDSHAKE;
	explain(&c);
	assert_has(verdict.summary, "no answer to our ClientHello within 30 s");
}

Test(tls, empty_ca_extension_is_named)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_TLS, CK_TLS_PHASE_HANDSHAKE);
	res->gnutls_error = GNUTLS_E_UNEXPECTED_PACKET_LENGTH;
	request(res, NULL, 0, 0)->empty_ca_extension = true;
	res->requests[0].understood = false;
	explain(&c);
	assert_has(verdict.cause, "certificate_authorities extension with an empty list");
	assert_has(verdict.hint, "--tls1.2");
}

Test(tls, plain_text_answer_is_named)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_TLS, CK_TLS_PHASE_HANDSHAKE);
	res->gnutls_error = GNUTLS_E_UNEXPECTED_PACKET_LENGTH;
	memcpy(res->first_bytes, "HTTP/1.1", 8);
	res->nfirst_bytes = 8;
	explain(&c);
	assert_has(verdict.summary, "plain text");
	assert_has(verdict.cause, "\"HTTP/1.1\"");
}

Test(tls, success_and_its_conditions)
{
	struct ck_tls_context c = context(3);
	res = result(CK_TLS_END_OK, CK_TLS_PHASE_DONE);
	explain(&c);
	cr_assert(verdict.success);
	assert_has(verdict.summary, "did not ask for a client certificate");
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	request(res, &chain[2], 1, 2);
	explain(&c);
	cr_assert(verdict.success);
	assert_has(verdict.summary, "accepted the 2 we sent");
	cr_assert_null(verdict.cause);
	ck_tls_verdict_cleanup(&verdict);
	ck_tls_match_cleanup(&match);
	c.server_valid = 0;
	c.server_problem = "the chain ends at X, which is in no trust store";
	explain(&c);
	cr_assert_not(verdict.success);
	assert_has(verdict.cause, "does not verify, so a client that checks it refuses the connection: the chain ends at X");
}

Test(tls, http_status)
{
	struct ck_tls_context c = context(3);
	c.http_path = "/api/v1/init";
	res = result(CK_TLS_END_HTTP, CK_TLS_PHASE_HTTP);
	res->http_status = 403;
	res->http_status_line = strdup("HTTP/1.1 403 Forbidden");
	request(res, &chain[2], 1, 2);
	explain(&c);
	cr_assert_not(verdict.success);
	assert_has(verdict.summary, "GET /api/v1/init was answered \"HTTP/1.1 403 Forbidden\"");
	assert_has(verdict.cause, "not authorize");
}

/* ---------------------------------------------------------------- */

Test(tls, probe_refuses_meaningless_options)
{
	struct ck_tls_opts o = { .host = "127.0.0.1", .port = "1" };
	struct ck_tls_result *r = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	o.http_path = "no-slash";
	cr_assert_eq(ck_tls_probe(&o, &r, &e), CK_E_USAGE);
	o.http_path = "/a b";
	cr_assert_eq(ck_tls_probe(&o, &r, &e), CK_E_USAGE);
	o.http_path = NULL;
	o.send = chain;
	o.nsend = 1;
	cr_assert_eq(ck_tls_probe(&o, &r, &e), CK_E_USAGE);
	assert_has(e.what, "private key");
	o.nsend = 0;
	o.host = "";
	cr_assert_eq(ck_tls_probe(&o, &r, &e), CK_E_USAGE);
	cr_assert_null(r);
}

Test(tls, document_from_a_recorded_probe)
{
	struct ck_tls_context c = context(3);
	struct ck_tls_opts o = { .host = "api.example.test", .port = "8443", .sni = "api.example.test" };
	long index[3] = { 0, 1, 2 };
	struct ck_report_tls_in in = {
		.opts = &o, .send_mode = "leaf", .at = 1893456000, .connect_timeout_ms = 2500,
		.timeout_ms = 30000, .chain_index = index, .chain_len = 3, .verdict = &verdict,
	};
	json_t *doc, *rq;

	res = result(CK_TLS_END_ALERT, CK_TLS_PHASE_HANDSHAKE);
	res->alert = 48;
	request(res, &chain[2], 1, 1);
	explain(&c);
	in.result = res;
	in.matches = &match;
	doc = ck_report_tls(&in);
	cr_assert_not_null(doc);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "outcome"), "result")), "alert");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(doc, "outcome"),
									     "alert"), "name")), "unknown_ca");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "target"), "port")), 8443);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "settings"), "send")), "leaf");
	rq = json_array_get(json_object_get(doc, "certificate_requests"), 0);
	cr_assert_eq(json_array_size(json_object_get(rq, "sent")), 1);
	cr_assert_eq(json_integer_value(json_object_get(rq, "through")), 1);
	cr_assert_eq(json_integer_value(json_object_get(rq, "needed")), 2);
	cr_assert(json_is_true(json_object_get(rq, "leads_to_listed_ca")));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(rq, "ca_names"), 0),
							   "relation")), "issuer");
	cr_assert(json_is_null(json_object_get(doc, "client")));
	cr_assert(json_is_null(json_object_get(doc, "http")));
	cr_assert(json_is_null(json_object_get(json_object_get(doc, "timings"), "handshake_us")));
	json_decref(doc);
}

/* ---------------------------------------------------------------- */
/* STARTTLS dialogues over a socketpair: the server's side is written
 * before the client runs (replies are read as they come, commands go
 * into the socket's buffer), then what the client said is read back. */

static struct ck_starttls_result dialogue(enum ck_starttls proto, const void *server, size_t len,
					  char *said, size_t said_size)
{
	struct ck_starttls_result r;
	int sv[2];
	ssize_t n;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(write(sv[1], server, len), (ssize_t)len);
	ck_starttls_run(sv[0], proto, "client.example.test", 2000, &r);
	shutdown(sv[0], SHUT_WR);
	n = read(sv[1], said, said_size - 1);
	said[n > 0 ? n : 0] = '\0';
	close(sv[0]);
	close(sv[1]);
	return r;
}

Test(starttls, names_and_ports)
{
	enum ck_starttls p = CK_STARTTLS_NONE;
	cr_assert(ck_starttls_parse("SMTP", &p) && p == CK_STARTTLS_SMTP);
	cr_assert(ck_starttls_parse("postgresql", &p) && p == CK_STARTTLS_POSTGRES);
	cr_assert(!ck_starttls_parse("ftp", &p));
	cr_assert_str_eq(ck_starttls_name(CK_STARTTLS_POSTGRES), "postgres");
	cr_assert_str_eq(ck_starttls_port(CK_STARTTLS_SMTP), "25");
	cr_assert_str_eq(ck_starttls_port(CK_STARTTLS_IMAP), "143");
	cr_assert_str_eq(ck_starttls_port(CK_STARTTLS_POP3), "110");
	cr_assert_str_eq(ck_starttls_port(CK_STARTTLS_LDAP), "389");
	cr_assert_str_eq(ck_starttls_port(CK_STARTTLS_POSTGRES), "5432");
	cr_assert_null(ck_starttls_name(CK_STARTTLS_NONE));
}

Test(starttls, smtp_multiline_replies)
{
	static const char srv[] = "220-mx.example.test ESMTP\r\n220 ready\r\n"
				  "250-mx.example.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
				  "220 2.0.0 go ahead\r\n";
	char said[512];
	struct ck_starttls_result r = dialogue(CK_STARTTLS_SMTP, srv, sizeof srv - 1, said, sizeof said);
	cr_assert_eq(r.outcome, CK_STARTTLS_DONE, "%s", r.error ? r.error : "");
	cr_assert_str_eq(r.reply, "220 2.0.0 go ahead");
	cr_assert_str_eq(said, "EHLO client.example.test\r\nSTARTTLS\r\n");
	ck_starttls_result_cleanup(&r);
}

Test(starttls, plain_text_after_yes_is_refused)
{
	/* CVE-2011-0411: a command injected after the 220 */
	static const char srv[] = "220 hi\r\n250 ok\r\n220 go\r\nMAIL FROM:<x>\r\n";
	char said[512];
	struct ck_starttls_result r = dialogue(CK_STARTTLS_SMTP, srv, sizeof srv - 1, said, sizeof said);
	cr_assert_eq(r.outcome, CK_STARTTLS_UNEXPECTED);
	assert_has(r.error, "more bytes after agreeing");
	ck_starttls_result_cleanup(&r);
}

Test(starttls, refusals_in_each_protocol)
{
	static const struct { enum ck_starttls p; const char *srv, *reply; } t[] = {
		{ CK_STARTTLS_SMTP, "220 hi\r\n250 ok\r\n454 4.7.0 TLS not available\r\n",
		  "454 4.7.0 TLS not available" },
		{ CK_STARTTLS_IMAP, "* OK hi\r\n* BYE not now\r\nA1 NO no TLS\r\n", "A1 NO no TLS" },
		{ CK_STARTTLS_POP3, "+OK hi\r\n-ERR no\r\n", "-ERR no" },
		{ CK_STARTTLS_POSTGRES, "N", "N" },
		{ CK_STARTTLS_SMTP, "554 5.3.2 not accepting mail\r\n", "554 5.3.2 not accepting mail" },
		{ CK_STARTTLS_IMAP, "* BYE too many connections\r\n", "* BYE too many connections" },
		{ CK_STARTTLS_POP3, "-ERR busy\r\n", "-ERR busy" },
	};
	char said[512];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct ck_starttls_result r = dialogue(t[i].p, t[i].srv, strlen(t[i].srv), said, sizeof said);
		cr_assert_eq(r.outcome, CK_STARTTLS_REFUSED, "%zu: %s", i, r.error ? r.error : "");
		cr_assert_str_eq(r.reply, t[i].reply);
		ck_starttls_result_cleanup(&r);
	}
}

Test(starttls, bounded_and_not_the_protocol)
{
	char said[512], *big = malloc(3000);
	struct ck_starttls_result r;

	/* a line longer than CK_STARTTLS_MAX_LINE */
	memset(big, 'x', 3000);
	memcpy(big, "220 ", 4);
	r = dialogue(CK_STARTTLS_SMTP, big, 3000, said, sizeof said);
	cr_assert_eq(r.outcome, CK_STARTTLS_UNEXPECTED);
	assert_has(r.error, "longer than 1024 bytes");
	ck_starttls_result_cleanup(&r);
	free(big);
	/* a TLS server's bytes are not an IMAP greeting */
	r = dialogue(CK_STARTTLS_IMAP, "\x16\x03\x01\x00\x05hello\r\n", 12, said, sizeof said);
	cr_assert_eq(r.outcome, CK_STARTTLS_UNEXPECTED);
	ck_starttls_result_cleanup(&r);
	/* an LDAP answer that is no BER */
	r = dialogue(CK_STARTTLS_LDAP, "HTTP/1.0 400\r\n", 15, said, sizeof said);
	cr_assert_eq(r.outcome, CK_STARTTLS_UNEXPECTED);
	assert_has(r.error, "not an LDAP message");
	ck_starttls_result_cleanup(&r);
	/* a greeting that never ends: the deadline */
	r = dialogue(CK_STARTTLS_SMTP, "220-", 4, said, sizeof said);
	cr_assert_eq(r.outcome, CK_STARTTLS_TIMEOUT);
	assert_has(r.error, "within 2 s");
	ck_starttls_result_cleanup(&r);
}

Test(starttls, ldap_request_is_the_rfc_4511_extended_request)
{
	/* LDAPMessage { messageID 1, [APPLICATION 23] { [0] "1.3.6.1.4.1.1466.20037" } } */
	static const unsigned char want[] = { 0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16,
		'1', '.', '3', '.', '6', '.', '1', '.', '4', '.', '1', '.', '1', '4', '6', '6', '.',
		'2', '0', '0', '3', '7' };
	/* ExtendedResponse { messageID 1, [APPLICATION 24] { success, "", "" } } */
	static const unsigned char ok[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01,
		0x00, 0x04, 0x00, 0x04, 0x00 };
	char said[512];
	struct ck_starttls_result r = dialogue(CK_STARTTLS_LDAP, ok, sizeof ok, said, sizeof said);
	cr_assert_eq(r.outcome, CK_STARTTLS_DONE, "%s", r.error ? r.error : "");
	cr_assert_eq(memcmp(said, want, sizeof want), 0);
	cr_assert_str_eq(r.reply, "resultCode 0");
	ck_starttls_result_cleanup(&r);
}

/* The ExtendedResponse in two TCP segments (a proxy, a slow link): the
 * first has the header and part of the content; and in BER's long form
 * of length.  Both are waited for, not called "not LDAP". */
Test(starttls, ldap_response_in_pieces)
{
	static const unsigned char shortform[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a,
		0x01, 0x00, 0x04, 0x00, 0x04, 0x00 };
	static const unsigned char longform[] = { 0x30, 0x81, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07,
		0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00 };
	const struct { const unsigned char *m; size_t len, first; } t[] = {
		{ shortform, sizeof shortform, 9 }, { shortform, sizeof shortform, 1 },
		{ longform, sizeof longform, 2 }, { longform, sizeof longform, 10 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct ck_starttls_result r;
		int sv[2];
		pid_t pid;
		cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		cr_assert_eq(write(sv[1], t[i].m, t[i].first), (ssize_t)t[i].first);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			usleep(100000);
			_exit(write(sv[1], t[i].m + t[i].first, t[i].len - t[i].first) ==
				      (ssize_t)(t[i].len - t[i].first) ? 0 : 1);
		}
		ck_starttls_run(sv[0], CK_STARTTLS_LDAP, "client.example.test", 2000, &r);
		waitpid(pid, NULL, 0);
		cr_assert_eq(r.outcome, CK_STARTTLS_DONE, "case %zu: %s", i, r.error ? r.error : "");
		ck_starttls_result_cleanup(&r);
		close(sv[0]);
		close(sv[1]);
	}
}
