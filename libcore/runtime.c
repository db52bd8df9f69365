/* runtime — the runtime profiles and their emulation.
 *
 * Every fact about a runtime lives in profiles[] below, with its source.
 * The emulation builds, with libcore's path builder, the chain that
 * runtime builds: the pool holds the certificates it would see (the
 * leaf only for .NET; the file's certificates for OpenSSL and Java) and
 * the trust stores given (standing for the stores it searches); when the
 * chain stops, the runtime's caIssuers rules pick the URLs it fetches,
 * and the measured result of each URL decides whether the fetch gives it
 * the issuer and what it costs.  Nothing is fetched here. */
#include "config.h"

#include "runtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FETCH_STEPS 8

#define DOTNET_LINUX_FACTS \
	/* SslStream builds the chain of its own certificate to decide \
	 * what to send (SslStreamCertificateContext.Create); a PFX \
	 * loaded as one X509Certificate2 keeps the leaf only, so the \
	 * file's intermediates are not used (DESIGN, "Why it exists") */ \
	.uses_file_chain = false, \
	/* OpenSslX509ChainProcessor.InitiateChain: the certificates \
	 * passed explicitly (ExtraStore), the CurrentUser stores CA and \
	 * My (~/.dotnet/corefx/cryptography/x509stores/{ca,my}), the \
	 * system bundle (SSL_CERT_FILE/SSL_CERT_DIR, else /etc/ssl/certs) */ \
	.stores = "~/.dotnet/corefx/cryptography/x509stores/{ca,my} and the system trust store", \
	/* ChainPal.OpenSsl.cs BuildChainCore: FindChainViaAia unless \
	 * DisableCertificateDownloads */ \
	.fetches_ca_issuers = true, \
	.fetch_condition = NULL, \
	/* OpenSslX509ChainProcessor.FindHttpAiaRecord: the first \
	 * caIssuers URI whose scheme is "http"; https and ldap skipped */ \
	.ca_issuers_schemes = CK_SCHEME_HTTP, \
	.first_url_only = true, \
	/* FindHttpAiaRecord parses with Uri.TryCreate, which ignores \
	 * leading and trailing white space */ \
	.trims_white_space = true, \
	/* OpenSslCertificateAssetDownloader.DownloadCertificate: new \
	 * X509Certificate2(data) reads DER or PEM; a certs-only PKCS#7 \
	 * has no signer and fails (DESIGN: "a .p7c fails") */ \
	.reads_pkcs7 = false, \
	/* X509ResourceClient.DownloadAsset reads the body whatever the \
	 * status; redirects followed by hand, at most 10, http only */ \
	.checks_http_status = false, \
	.max_redirects = 10, \
	/* ChainPal.OpenSsl.cs: "An input value of 0 on the timeout is \
	 * treated as 15 seconds"; DESIGN: at most 15 s per chain build */ \
	.chain_budget_ms = 15000, \
	.connect_timeout_ms = 0, \
	.read_timeout_ms = 0, \
	/* DESIGN: a failed fetch is not cached, so every connection \
	 * stalls; ChainPal.OpenSsl.cs SaveIntermediateCertificates keeps \
	 * downloaded intermediates only when the chain verifies */ \
	.caches_failures = false, \
	.saves_fetched = "the CurrentUser CA store (~/.dotnet/corefx/cryptography/x509stores/ca), once the chain verifies", \
	/* X509RevocationMode.Online: ASP.NET Core certificate \
	 * authentication's default, HttpClientHandler \
	 * CheckCertificateRevocationList */ \
	.revocation_switch = "X509RevocationMode.Online", \
	/* OpenSslCrlCache.AddCrlForCertificate: the first http CRL \
	 * distribution point; OpenSslX509ChainProcessor.CheckOcsp: OCSP \
	 * only when the CRL leaves the status unknown, by GET only \
	 * ("for now, only try GET"); DESIGN: CRL first, OCSP (GET) only \
	 * if needed */ \
	.revocation_ocsp_first = false, \
	.revocation_first_crl_only = true, \
	.ocsp_method = "GET", \
	/* ChainPal.OpenSsl.cs: revocation is skipped (NoCheck) unless \
	 * the chain built is complete and trusted */ \
	.revocation_needs_valid_chain = true, \
	/* HttpClient.Timeout defaults to 100 s (DESIGN: where the 100 s \
	 * comes from); a request over it ends in TaskCanceledException */ \
	.request_timeout_ms = 100000, \
	.timeout_exception = "TaskCanceledException", \
	.handshake_failure = "Authentication failed because the remote party has closed the transport stream", \
	/* ChainPal.OpenSsl.cs: UrlRetrievalTimeout is capped at 60 s; \
	 * issue 25 */ \
	.chain_budget_cap_ms = 60000, \
	.budget = "15 s per chain build, shared by every AIA, CRL and OCSP download (UrlRetrievalTimeout; never over 60 s)", \
	.on_failure = "the chain stays incomplete and the leaf is sent alone; nothing is cached, so the next connection waits again",

#define JAVA_FACTS \
	/* JSSE's X509KeyManager sends KeyStore.getCertificateChain() of \
	 * the key entry: the PKCS#12 file's certificates in chain order */ \
	.uses_file_chain = true, \
	.stores = "the trust store (cacerts or javax.net.ssl.trustStore)", \
	/* sun.security.provider.certpath.Builder.USE_AIA: only with \
	 * com.sun.security.enableAIAcaIssuers=true (DESIGN) */ \
	/* URICertStore: http, https and ftp through URLConnection, ldap \
	 * through LDAPCertStore; ForwardBuilder tries every caIssuers \
	 * access description until one gives the issuer */ \
	.ca_issuers_schemes = CK_SCHEME_HTTP | CK_SCHEME_HTTPS | CK_SCHEME_LDAP, \
	.first_url_only = false, \
	/* java.net.URI rejects white space */ \
	.trims_white_space = false, \
	/* URICertStore uses CertificateFactory.generateCertificates: \
	 * DER, PEM and PKCS#7 */ \
	.reads_pkcs7 = true, \
	/* HttpURLConnection.getInputStream throws for an error status; \
	 * it follows up to http.maxRedirects (20), never http -> https */ \
	.checks_http_status = true, \
	.max_redirects = 20, \
	.chain_budget_ms = 0, \
	/* URICertStore: com.sun.security.cert.timeout and \
	 * com.sun.security.cert.readtimeout, 15 s each by default \
	 * (properties of JDK-8179502: JDK 22, 21.0.3, 17.0.11, 11.0.23, \
	 * 8u411); tests/cli/aiaserve-java.sh reads \
	 * them from the JDK and measures a dropped and a hanging URL */ \
	.connect_timeout_ms = 15000, \
	.read_timeout_ms = 15000, \
	.caches_failures = false, \
	.saves_fetched = "memory, for the life of the JVM (URICertStore cache)", \
	/* -Dcom.sun.net.ssl.checkRevocation=true; PKIXRevocationChecker \
	 * prefers OCSP (Security property ocsp.enable=true) and falls \
	 * back to CRLs (-Dcom.sun.security.enableCRLDP=true); OCSP.java \
	 * uses GET when the request URL fits in 255 characters, else \
	 * POST; com.sun.security.ocsp.timeout and crl.timeout 15 s */ \
	.revocation_switch = "-Dcom.sun.net.ssl.checkRevocation=true with ocsp.enable=true and -Dcom.sun.security.enableCRLDP=true", \
	.revocation_ocsp_first = true, \
	.revocation_first_crl_only = false, \
	.ocsp_method = "GET or POST", \
	.revocation_needs_valid_chain = false, \
	.request_timeout_ms = 0, \
	.timeout_exception = NULL, \
	.handshake_failure = "javax.net.ssl.SSLHandshakeException (bad_certificate)", \
	/* issue 25: URICertStore keeps a 185-entry cache, failures \
	 * for 30 s; the newest JDKs fetch only from the locations in \
	 * com.sun.security.allowedAIALocations */ \
	.failure_cache_s = 30,

static const struct ck_runtime profiles[CK_RT_COUNT] = {
	[CK_RT_DOTNET_LINUX] = {
		.name = "dotnet-linux",
		.label = ".NET on Linux",
		.who = "a .NET client on Linux",
		.settings = "defaults (X509ChainPolicy.UrlRetrievalTimeout 0, AIA downloads on)",
		DOTNET_LINUX_FACTS
		.fetch_rule = "the first http caIssuers URL of each certificate whose issuer it lacks",
		/* dotnet/runtime #81456: the CurrentUser store cannot be
		 * written (no home, read-only file system, non-root user in a
		 * container), so the downloaded issuer is never kept */
		.notes = "re-downloads on every call, even after a success, when the CurrentUser store cannot be written (dotnet/runtime #81456)",
		.sources = "dotnet/runtime: ChainPal.OpenSsl.cs, OpenSslX509ChainProcessor.cs, X509ResourceClient.cs, HttpClient.Timeout; dotnet/runtime #81456",
	},
	[CK_RT_DOTNET11_LINUX] = {
		.name = "dotnet11-linux",
		.label = ".NET 11 on Linux",
		.who = "a .NET 11 client on Linux",
		.settings = "defaults (X509ChainPolicy.UrlRetrievalTimeout 0, AIA downloads on)",
		DOTNET_LINUX_FACTS
		/* dotnet/runtime PR #125049, dotnet/docs #54809: at most two
		 * AIA certificate downloads per chain build; a server no
		 * longer downloads issuers of client certificates */
		.max_fetches = 2,
		.fetch_rule = "the first http caIssuers URL of each certificate whose issuer it lacks, at most 2 per chain build",
		.notes = "a server no longer downloads the issuers of client certificates (dotnet/docs #54809)",
		.sources = "dotnet/runtime PR #125049; dotnet/docs #54809; ChainPal.OpenSsl.cs",
	},
	[CK_RT_OPENSSL] = {
		.name = "openssl",
		.label = "OpenSSL and curl",
		.who = "an OpenSSL or curl client",
		.settings = "defaults (curl --cert, SSL_CTX_use_certificate_chain_file)",
		/* DESIGN: curl/OpenSSL never fetch AIA, they send exactly the
		 * chain in the file; OpenSSL's X509_verify_cert looks only in
		 * the untrusted chain and the X509_STORE */
		.uses_file_chain = true,
		.stores = "the peer's CA file or directory",
		.fetches_ca_issuers = false,
		.ca_issuers_schemes = 0,
		/* OpenSSL checks CRLs only when given them (-CRLfile,
		 * X509_STORE_add_crl) and never downloads CRLs or OCSP;
		 * curl --cert-status checks a stapled response only */
		.revocation_switch = NULL,
		.ocsp_method = NULL,
		.handshake_failure = "the server rejects the handshake (TLS alert unknown_ca or bad_certificate)",
		.fetch_rule = "none: it never fetches",
		.budget = "none",
		.on_failure = "nothing is fetched: the chain in the file is what is sent",
		.sources = "OpenSSL X509_verify_cert (untrusted chain and X509_STORE only); curl --cert; DESIGN",
	},
	[CK_RT_JAVA] = {
		.name = "java-aia",
		.label = "Java",
		.who = "a Java client",
		.settings = "-Dcom.sun.security.enableAIAcaIssuers=true",
		/* sun.security.provider.certpath.Builder.USE_AIA: only with
		 * com.sun.security.enableAIAcaIssuers=true (DESIGN) */
		.fetches_ca_issuers = true,
		.fetch_condition = "-Dcom.sun.security.enableAIAcaIssuers=true",
		JAVA_FACTS
		.fetch_rule = "every http, https or ldap caIssuers URL in order, until one gives the issuer",
		.budget = "15 s connect + 15 s read per URL (com.sun.security.cert.timeout, .readtimeout); no budget per chain",
		.on_failure = "the next URL; then CertPathBuilderException (SSLHandshakeException); a failure is remembered 30 s",
		.notes = "a 185-entry cache of fetched certificates; the newest JDKs fetch only from com.sun.security.allowedAIALocations",
		.sources = "sun.security.provider.certpath.Builder, URICertStore, OCSP.java; issue 25",
	},
	[CK_RT_JAVA_DEFAULT] = {
		.name = "java",
		.label = "Java (defaults)",
		.who = "a Java client",
		.settings = "defaults (com.sun.security.enableAIAcaIssuers unset)",
		/* Builder.USE_AIA is false unless the property is set */
		.fetches_ca_issuers = false,
		JAVA_FACTS
		.fetch_rule = "none by default (see java-aia)",
		.budget = "none",
		.on_failure = "nothing is fetched: an incomplete chain fails with SSLHandshakeException",
		.sources = "sun.security.provider.certpath.Builder (USE_AIA); issue 25",
	},
	[CK_RT_WINDOWS] = {
		.name = "windows",
		.label = "Windows (CryptoAPI)",
		.who = "a Windows client (SChannel)",
		.settings = "defaults (CertGetCertificateChain, URL retrieval on)",
		/* SChannel sends the chain CertGetCertificateChain builds for
		 * its certificate from the stores, not a file's chain */
		.uses_file_chain = false,
		.stores = "the Windows certificate stores (CA, Root; CurrentUser and LocalMachine)",
		/* issue 25: CryptoAPI fetches caIssuers (http and ldap), 15 s
		 * per URL, 20 s for revocation downloads, and caches what it
		 * fetched (the CryptnetUrlCache) */
		.fetches_ca_issuers = true,
		.ca_issuers_schemes = CK_SCHEME_HTTP | CK_SCHEME_LDAP,
		.first_url_only = false,
		.reads_pkcs7 = true,
		.checks_http_status = true,
		.connect_timeout_ms = 15000,
		.read_timeout_ms = 15000,
		.saves_fetched = "the CryptoAPI URL cache (CryptnetUrlCache)",
		.handshake_failure = "the server rejects the handshake (SEC_E_UNTRUSTED_ROOT or a TLS alert)",
		.fetch_rule = "each http or ldap caIssuers URL in order, until one gives the issuer",
		.budget = "15 s per URL (20 s per revocation download); no budget per chain",
		.on_failure = "the next URL; then the chain stays incomplete and the leaf is sent alone",
		.notes = "what it fetched is cached on disk (CryptnetUrlCache); revocation downloads are not emulated",
		.sources = "issue 25 (CryptoAPI URL retrieval timeouts and cache)",
	},
	[CK_RT_GO] = {
		.name = "go",
		.label = "Go (crypto/tls)",
		.who = "a Go client",
		.settings = "defaults (tls.LoadX509KeyPair, x509.Certificate.Verify)",
		/* tls.Certificate.Certificate: every certificate of the PEM
		 * file, sent as it is; Verify uses Roots and Intermediates only */
		.uses_file_chain = true,
		.stores = "the peer's roots (x509.SystemCertPool or tls.Config.RootCAs)",
		.fetches_ca_issuers = false,
		.handshake_failure = "x509: certificate signed by unknown authority (remote error: tls: bad certificate)",
		.fetch_rule = "none: it never fetches",
		.budget = "none",
		.on_failure = "nothing is fetched: the chain in the file is what is sent",
		.sources = "crypto/x509 Certificate.Verify (VerifyOptions: Roots, Intermediates); issue 25",
	},
	[CK_RT_CHROME] = {
		.name = "chrome",
		.label = "Chrome",
		.who = "Chrome",
		.settings = "defaults (the Chrome certificate verifier)",
		/* the peer sends its file's chain; Chrome completes it */
		.uses_file_chain = true,
		.stores = "the Chrome Root Store",
		/* net/cert/internal/cert_issuer_source_aia.cc: http caIssuers
		 * URLs only, kMaxFetchesPerCert 5, kMaxResponseBytes 65536,
		 * kTimeoutMilliseconds 10000; DER, PEM or PKCS#7 answers */
		.fetches_ca_issuers = true,
		.ca_issuers_schemes = CK_SCHEME_HTTP,
		.first_url_only = false,
		.reads_pkcs7 = true,
		.checks_http_status = true,
		.max_fetches_per_cert = 5,
		.max_body = 65536,
		.connect_timeout_ms = 10000,
		.read_timeout_ms = 10000,
		.handshake_failure = "NET::ERR_CERT_AUTHORITY_INVALID",
		.fetch_rule = "the http caIssuers URLs of a certificate, at most 5 per certificate",
		.budget = "10 s per URL, answers up to 64 KiB (cert_issuer_source_aia.cc)",
		.on_failure = "the next URL; then NET::ERR_CERT_AUTHORITY_INVALID",
		.notes = "issue 25 gives 15 s per URL; the Chromium source this follows says 10 s",
		.sources = "Chromium net/cert/internal/cert_issuer_source_aia.cc; issue 25",
	},
	[CK_RT_FIREFOX] = {
		.name = "firefox",
		.label = "Firefox",
		.who = "Firefox",
		.settings = "defaults (intermediate preloading on)",
		.uses_file_chain = true,
		.stores = "the NSS root store and its preloaded intermediates",
		.fetches_ca_issuers = false,
		.preload = "the intermediates disclosed in the CCADB, which it preloads (a private PKI's are not among them)",
		.handshake_failure = "SEC_ERROR_UNKNOWN_ISSUER",
		.fetch_rule = "none: it never fetches",
		.budget = "none",
		.on_failure = "SEC_ERROR_UNKNOWN_ISSUER, unless the missing intermediate is one it preloads",
		.notes = "preloads every CCADB-disclosed intermediate (security.remote_settings.intermediates.enabled)",
		.sources = "issue 25; Mozilla intermediate preloading (Remote Settings)",
	},
	[CK_RT_ANDROID] = {
		.name = "android",
		.label = "Android",
		.who = "an Android client",
		.settings = "defaults (Conscrypt, KeyChain or AndroidKeyStore)",
		.uses_file_chain = true,
		.stores = "the Android system and user CA stores",
		.fetches_ca_issuers = false,
		.handshake_failure = "javax.net.ssl.SSLHandshakeException: Trust anchor for certification path not found",
		.fetch_rule = "none: it never fetches",
		.budget = "none",
		.on_failure = "nothing is fetched: the chain in the file is what is sent",
		.sources = "issue 25",
	},
};

const struct ck_runtime *ck_runtime_get(enum ck_runtime_id id)
{
	return id < CK_RT_COUNT ? &profiles[id] : NULL;
}

const struct ck_runtime *ck_runtime_find(const char *name, enum ck_runtime_id *id)
{
	for (int i = 0; i < CK_RT_COUNT; i++)
		if (!strcmp(profiles[i].name, name)) {
			if (id)
				*id = (enum ck_runtime_id)i;
			return &profiles[i];
		}
	return NULL;
}

void ck_runtime_verdict_free(struct ck_runtime_verdict *v)
{
	if (!v)
		return;
	free(v->settings_text);
	free(v->budget_text);
	free(v->sends);
	free(v->missing_issuer);
	free(v->from_store);
	free(v->fetches);
	free(v->summary);
	free(v->stall);
	free(v->store_note);
	free(v);
}

/* ---------------------------------------------------------------- */
/* settings */

/* The JDK's reading of a timeout property
 * (sun.security.util.SecurityProperties.getTimeoutSystemProp, JDK-8179502:
 * JDK 22, 21.0.3, 17.0.11, 11.0.23, 8u411): trimmed; "ms" at the end
 * means milliseconds, "s" or nothing seconds; the rest must be digits
 * that fit an int, else the default stays.  Sets *ms, or returns false
 * for a value the JDK ignores. */
static bool java_timeout(const char *v, unsigned *ms)
{
	char buf[32];
	size_t n;
	unsigned long long x = 0;
	bool millis = false;

	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= sizeof buf)
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (n >= 2 && !strcasecmp(buf + n - 2, "ms")) {
		buf[n -= 2] = '\0';
		millis = true;
	} else if (n >= 1 && (buf[n - 1] == 's' || buf[n - 1] == 'S')) {
		buf[--n] = '\0';
	}
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return false;
		x = x * 10 + (unsigned)(buf[i] - '0');
		if (x > 2147483647ULL)
			return false; /* NumberFormatException: the default */
	}
	if (!millis)
		x *= 1000; /* an int in Java: it may wrap; not worth modelling */
	if (x > 0xffffffffULL)
		return false;
	*ms = (unsigned)x;
	return true;
}

enum ck_status ck_runtime_settings_java_property(struct ck_runtime_settings *s, const char *prop,
						 struct ck_error *err)
{
	static const char *const names[] = { "com.sun.security.cert.timeout",
					     "com.sun.security.cert.readtimeout" };
	const char *eq = strchr(prop, '=');
	unsigned ms = 0;
	size_t k, len;
	bool valid;

	if (!eq)
		return ck_error_set(err, CK_E_USAGE, "'%s' is not NAME=VALUE", prop);
	for (k = 0; k < 2; k++)
		if (strlen(names[k]) == (size_t)(eq - prop) && !strncmp(prop, names[k], (size_t)(eq - prop)))
			break;
	if (k == 2)
		return ck_error_set(err, CK_E_USAGE,
				    "'%.*s' is not a property the model knows (com.sun.security.cert.timeout, "
				    "com.sun.security.cert.readtimeout)", (int)(eq - prop), prop);
	valid = java_timeout(eq + 1, &ms);
	if (valid && !ms)
		return ck_error_set(err, CK_E_USAGE, "%s: 0 is no timeout at all, which cannot be predicted",
				    names[k]);
	if (valid)
		*(k ? &s->java_cert_read_ms : &s->java_cert_connect_ms) = ms;
	len = strlen(s->java_text);
	snprintf(s->java_text + len, sizeof s->java_text - len, " -D%.100s%s", prop,
		 valid ? "" : " (not a timeout: the JDK keeps its default)");
	return CK_OK;
}

/* The profile of verdict v: the table's, with the settings applied. */
static enum ck_status apply_settings(struct ck_runtime_verdict *v, const struct ck_runtime_settings *s)
{
	struct ck_runtime *p = &v->profile;
	size_t n;

	v->rt = p;
	if (!s || !s->java_text[0] || (v->id != CK_RT_JAVA && v->id != CK_RT_JAVA_DEFAULT))
		return CK_OK;
	if (s->java_cert_connect_ms)
		p->connect_timeout_ms = s->java_cert_connect_ms;
	if (s->java_cert_read_ms)
		p->read_timeout_ms = s->java_cert_read_ms;
	n = strlen(p->settings) + strlen(s->java_text) + 1;
	if (!(v->settings_text = malloc(n)))
		return CK_E_NOMEM;
	snprintf(v->settings_text, n, "%s%s", p->settings, s->java_text);
	p->settings = v->settings_text;
	if (p->fetches_ca_issuers) {
		n = 160;
		if (!(v->budget_text = malloc(n)))
			return CK_E_NOMEM;
		snprintf(v->budget_text, n, "%g s connect + %g s read per URL (com.sun.security.cert.timeout, "
			 ".readtimeout); no budget per chain", p->connect_timeout_ms / 1000.0,
			 p->read_timeout_ms / 1000.0);
		p->budget = v->budget_text;
	}
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* words for results, as the summary uses them */

static void result_words(const struct ck_aia_report *r, const struct ck_url_entry *e,
			 char *word, size_t wlen, char *detail, size_t dlen)
{
	const struct ck_net_result *n = &e->net;
	double t = n->t.total > 0 ? n->t.total : 0;

	detail[0] = '\0';
	switch (e->effective) {
	case CK_URL_OK:
		snprintf(word, wlen, "fine");
		if (n->http_status)
			snprintf(detail, dlen, "HTTP %ld, %.0f ms", n->http_status, t);
		else
			snprintf(detail, dlen, "%.0f ms", t);
		break;
	case CK_URL_DROPPED:
		snprintf(word, wlen, "DROPPED");
		snprintf(detail, dlen, "no answer in %u s", (r->connect_timeout_ms + 500) / 1000);
		break;
	case CK_URL_REFUSED:
		snprintf(word, wlen, "REFUSED");
		snprintf(detail, dlen, "%.150s in %.1f ms", n->message, t);
		break;
	case CK_URL_DNS_FAILURE:
		snprintf(word, wlen, "NOT RESOLVING");
		snprintf(detail, dlen, "the host name does not resolve");
		break;
	case CK_URL_TIMEOUT:
		snprintf(word, wlen, "TIMING OUT");
		snprintf(detail, dlen, "connected, no complete answer in %u s", (r->timeout_ms + 500) / 1000);
		break;
	case CK_URL_BLOCKED_ADDRESS:
		snprintf(word, wlen, "NOT FETCHED HERE");
		snprintf(detail, dlen, "%.190s", n->message);
		break;
	case CK_URL_HTTP_ERROR:
		if (n->http_status == 404 || n->http_status == 410)
			snprintf(word, wlen, "NOT FOUND");
		else
			snprintf(word, wlen, "FAILING");
		snprintf(detail, dlen, "%.190s", n->message);
		break;
	default:
		snprintf(word, wlen, "%s", ck_url_result_name(e->effective));
		for (char *p = word; *p; p++)
			*p = *p == '-' ? ' ' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		snprintf(detail, dlen, "%.190s", e->note);
		break;
	}
}

/* ---------------------------------------------------------------- */
/* emulation */

struct emu {
	struct ck_aia_report *r;
	const struct ck_runtime *rt;
	struct ck_runtime_verdict *v;
	enum ck_runtime_id id;
	struct ck_pool *pool;
	double spent_ms;       /* of the chain build's budget */
	const struct ck_cert *first_stop; /* where its chain first stopped */
	unsigned issuer_fetches;          /* caIssuers downloads of this chain build */
};

static bool push_long(long **v, size_t *n, long x)
{
	long *p;
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == x)
			return true;
	p = realloc(*v, (*n + 1) * sizeof *p);
	if (!p)
		return false;
	p[(*n)++] = x;
	*v = p;
	return true;
}

static struct ck_runtime_fetch *push_fetch(struct emu *m, size_t url, const char *purpose,
					   const struct ck_cert *cert)
{
	struct ck_runtime_fetch *p = realloc(m->v->fetches, (m->v->nfetches + 1) * sizeof *p);
	if (!p)
		return NULL;
	m->v->fetches = p;
	p = &p[m->v->nfetches++];
	memset(p, 0, sizeof *p);
	p->url = url;
	p->purpose = purpose;
	p->certificate = ck_aia_cert_index(m->r, cert);
	m->r->urls[url].used_by |= 1u << m->id;
	return p;
}

/* Does this runtime follow the URL: a valid URL (after trimming white
 * space, for runtimes that do) of one of `schemes`? */
static bool follows(const struct ck_runtime *rt, const char *url, unsigned schemes)
{
	char *t = NULL;
	const char *u = url;
	bool ok = false;

	if (rt->trims_white_space && (t = ck_url_trimmed(url)))
		u = t;
	if (ck_url_validate(u, ck_net_schemes() | CK_SCHEME_LDAP | CK_SCHEME_LDAPS, NULL, 0) == CK_URL_OK) {
		if (!strncasecmp(u, "http://", 7))
			ok = schemes & CK_SCHEME_HTTP;
		else if (!strncasecmp(u, "https://", 8))
			ok = schemes & CK_SCHEME_HTTPS;
		else if (!strncasecmp(u, "ldap://", 7))
			ok = schemes & CK_SCHEME_LDAP;
		else if (!strncasecmp(u, "ldaps://", 8))
			ok = schemes & CK_SCHEME_LDAPS;
	}
	free(t);
	return ok;
}

/* A failure the runtime waits out (its timeout or budget), as opposed to
 * one it learns at once: what makes a stall, whatever the clock here. */
static bool waits(const struct ck_url_entry *e)
{
	return e->effective == CK_URL_DROPPED || e->effective == CK_URL_TIMEOUT;
}

/* The cost of a failed download for this runtime. */
static double failure_cost(struct emu *m, const struct ck_url_entry *e, bool *exhausts)
{
	const struct ck_runtime *rt = m->rt;
	double measured = e->net.t.total > 0 ? e->net.t.total : 0;
	*exhausts = false;
	if (e->effective == CK_URL_DROPPED) {
		/* the kernel retries SYNs for about two minutes: the runtime's
		 * own limit ends the wait */
		if (rt->connect_timeout_ms)
			return rt->connect_timeout_ms;
		*exhausts = true;
		return rt->chain_budget_ms ? rt->chain_budget_ms - m->spent_ms : measured;
	}
	if (e->effective == CK_URL_TIMEOUT) {
		if (rt->read_timeout_ms)
			return rt->read_timeout_ms;
		*exhausts = true;
		return rt->chain_budget_ms ? rt->chain_budget_ms - m->spent_ms : measured;
	}
	return measured;
}

/* What fetching entry e (any kind) gives this runtime. */
static void judge(struct emu *m, const struct ck_url_entry *e, struct ck_runtime_fetch *f,
		  bool want_issuer)
{
	const struct ck_runtime *rt = m->rt;
	char word[64], detail[200];
	bool exhausts = false;

	if (!e->checked) {
		/* --list; or a URL that could not be requested here */
		f->success = false;
		if (m->r->list_only) {
			snprintf(f->why, sizeof f->why, "not checked (--list)");
			m->v->unchecked = true;
		} else {
			snprintf(f->why, sizeof f->why, "%.40s (%.180s)", ck_url_result_name(e->result), e->note);
		}
		return;
	}
	result_words(m->r, e, word, sizeof word, detail, sizeof detail);
	if (e->effective == CK_URL_OK || (!want_issuer && e->effective == CK_URL_REVOKED)) {
		const char *fmt = e->issuer_info.format;
		f->cost_ms = e->net.t.total > 0 ? e->net.t.total : 0;
		if (want_issuer && !rt->reads_pkcs7 && fmt && strstr(fmt, "pkcs7")) {
			f->success = false;
			snprintf(f->why, sizeof f->why,
				 "fine (%.60s), but a PKCS#7 (.p7c) answer, which %s cannot read", detail, rt->label);
		} else if (want_issuer && rt->max_body && e->net.body_len > rt->max_body) {
			f->success = false;
			snprintf(f->why, sizeof f->why, "fine (%.60s), but %zu bytes, over the %zu KiB %s reads", detail,
				 e->net.body_len, rt->max_body / 1024, rt->label);
		} else if (want_issuer && fmt && (!strcmp(fmt, "base64") || !strcmp(fmt, "pkcs12"))) {
			f->success = false;
			snprintf(f->why, sizeof f->why, "fine (%.60s), but %s is not read by %s", detail, fmt,
				 rt->label);
		} else {
			f->success = true;
			snprintf(f->why, sizeof f->why, "%.40s (%.120s)", e->effective == CK_URL_REVOKED ?
				 "REVOKED" : word, e->effective == CK_URL_REVOKED ? e->note : detail);
		}
		return;
	}
	f->success = false;
	if (e->effective == CK_URL_BLOCKED_ADDRESS) {
		/* the runtime has no such rule: it connects, and what it gets
		 * there was not measured */
		snprintf(f->why, sizeof f->why, "%s fetches it, outcome unknown: %.190s", rt->label, detail);
		return;
	}
	f->cost_ms = failure_cost(m, e, &exhausts);
	if (e->effective == CK_URL_DROPPED || e->effective == CK_URL_TIMEOUT) {
		if (exhausts)
			snprintf(f->why, sizeof f->why, "%.40s (%.120s): the download waits until the %u s budget runs out",
				 word, detail, rt->chain_budget_ms / 1000);
		else
			snprintf(f->why, sizeof f->why, "%.40s (%.120s): the download waits %u s (%s timeout)", word,
				 detail, (unsigned)(f->cost_ms / 1000), e->effective == CK_URL_DROPPED ?
				 "connect" : "read");
	} else if (e->effective == CK_URL_HTTP_ERROR && !rt->checks_http_status && e->net.http_status) {
		snprintf(f->why, sizeof f->why, "%.40s (%.120s): %s reads the error page as the answer, which fails",
			 word, detail, rt->label);
	} else {
		snprintf(f->why, sizeof f->why, "%.40s (%.120s)", word, detail);
	}
}

/* Build the runtime's chain from `leaf` over m->pool, fetching as its
 * rules say.  Returns the final chain (caller frees). */
static enum ck_status build_and_fetch(struct emu *m, size_t leaf, struct ck_chain **out,
				      struct ck_error *err)
{
	const struct ck_runtime *rt = m->rt;
	struct ck_aia_report *r = m->r;
	struct ck_chain_opts co = { .at = r->at };
	struct ck_chain *c = NULL;
	enum ck_status rc;

	for (unsigned step = 0;; step++) {
		const struct ck_cert *top;
		bool got = false;

		rc = ck_chain_build(m->pool, leaf, &co, &c, err);
		if (rc)
			return rc;
		*out = c; /* the caller frees it, whatever happens next */
		if (c->complete || !rt->fetches_ca_issuers || step >= MAX_FETCH_STEPS ||
		    m->v->budget_exhausted)
			break;
		top = ck_pool_get(m->pool, c->path[c->len - 1])->cert;
		for (size_t i = 0, per_cert = 0; i < r->nurls && !got; i++) {
			struct ck_url_entry *e = &r->urls[i];
			struct ck_runtime_fetch *f;
			if (e->kind != CK_KIND_CA_ISSUERS || !e->cert || !ck_cert_equal(e->cert, top) ||
			    !follows(rt, e->url, rt->ca_issuers_schemes))
				continue;
			/* .NET 11: two downloads per chain build; Chrome: five
			 * per certificate */
			if ((rt->max_fetches && m->issuer_fetches >= rt->max_fetches) ||
			    (rt->max_fetches_per_cert && per_cert >= rt->max_fetches_per_cert)) {
				m->v->fetch_limit_hit = true;
				break;
			}
			m->issuer_fetches++;
			per_cert++;
			f = push_fetch(m, i, "issuer", top);
			if (!f)
				return ck_error_set(err, CK_E_NOMEM, "out of memory");
			m->v->fetched_anything = true;
			judge(m, e, f, true);
			if (rt->chain_budget_ms && m->spent_ms + f->cost_ms >= rt->chain_budget_ms) {
				f->cost_ms = rt->chain_budget_ms - m->spent_ms;
				m->v->budget_exhausted = true;
				f->success = false;
			}
			m->spent_ms += f->cost_ms;
			m->v->stall_ms += f->cost_ms;
			if (!f->success && e->checked) {
				m->v->needed_url_failed = true;
				m->v->failed_cost_ms += f->cost_ms;
				m->v->stalls |= waits(e);
			}
			if (!m->first_stop)
				m->first_stop = top;
			if (f->success && e->issuer_info.issuer) {
				rc = ck_pool_add(m->pool, e->issuer_info.issuer, CK_SRC_FETCHED, false,
						 e->url, -1, NULL);
				if (rc)
					return ck_error_set(err, rc, "out of memory");
				got = true;
			}
			if (rt->first_url_only || m->v->budget_exhausted)
				break;
		}
		if (!got)
			break;
		ck_chain_free(c);
		*out = c = NULL;
	}
	return CK_OK;
}

/* The first entry of `kind` for `cert` that this runtime follows; for
 * OCSP, prefer the entry with `method`. */
static long find_entry(struct emu *m, const struct ck_cert *cert, enum ck_url_kind kind,
		       unsigned position_min, const char *method)
{
	long best = -1;
	for (size_t i = 0; i < m->r->nurls; i++) {
		const struct ck_url_entry *e = &m->r->urls[i];
		if (e->kind != kind || !e->cert || !ck_cert_equal(e->cert, cert) ||
		    e->position < position_min || !follows(m->rt, e->url, CK_SCHEME_HTTP))
			continue;
		if (best >= 0 && m->r->urls[best].position < e->position)
			continue;
		if (best < 0 || (method && e->method && !strcmp(e->method, method) &&
				 m->r->urls[best].position == e->position))
			best = (long)i;
	}
	return best;
}

static bool revocation_fetch(struct emu *m, const struct ck_cert *cert, enum ck_url_kind kind,
			     bool *oom)
{
	const char *method = m->rt->ocsp_method && !strcmp(m->rt->ocsp_method, "GET") ? "GET" : "POST";
	unsigned pos = 0;
	*oom = false;
	for (;;) {
		long i = find_entry(m, cert, kind, pos, kind == CK_KIND_OCSP ? method : NULL);
		struct ck_runtime_fetch *f;
		const struct ck_url_entry *e;
		if (i < 0)
			return false;
		e = &m->r->urls[i];
		/* Java: GET only when the request URL is short enough */
		if (kind == CK_KIND_OCSP && (m->id == CK_RT_JAVA || m->id == CK_RT_JAVA_DEFAULT) && e->method && !strcmp(e->method, "GET") &&
		    e->requested && strlen(e->requested) > 255) {
			long p = find_entry(m, cert, kind, e->position, "POST");
			if (p >= 0)
				e = &m->r->urls[i = p];
		}
		f = push_fetch(m, (size_t)i, kind == CK_KIND_OCSP ? "ocsp" : "crl", cert);
		if (!f) {
			*oom = true;
			return false;
		}
		m->v->fetched_anything = true;
		judge(m, e, f, false);
		if (kind == CK_KIND_OCSP && e->method && m->rt->ocsp_method &&
		    !strcmp(m->rt->ocsp_method, "GET") && strcmp(e->method, "GET")) {
			size_t n = strlen(f->why);
			snprintf(f->why + n, sizeof f->why - n, "; measured with POST: %.20s uses GET (--ocsp-get)",
				 m->rt->label);
		}
		m->v->stall_ms += f->cost_ms;
		if (!f->success && e->checked) {
			m->v->failed_cost_ms += f->cost_ms;
			m->v->stalls |= waits(e);
		}
		if (f->success)
			return true;
		if (m->rt->revocation_first_crl_only || kind == CK_KIND_OCSP)
			return false;
		pos = e->position + 1;
	}
}

static enum ck_status emulate_revocation(struct emu *m, const struct ck_chain *c, struct ck_error *err)
{
	size_t n = c->len;
	bool oom = false;

	if (!m->rt->revocation_switch)
		return CK_OK;
	if (m->rt->revocation_needs_valid_chain && !(c->complete && c->trusted))
		return CK_OK;
	if (c->len > 1 && c->self_signed_top)
		n--; /* the root is not checked (X509RevocationFlag.ExcludeRoot) */
	for (size_t k = 0; k < n; k++) {
		const struct ck_cert *cert = ck_pool_get(m->pool, c->path[k])->cert;
		enum ck_url_kind first = m->rt->revocation_ocsp_first ? CK_KIND_OCSP : CK_KIND_CRL;
		enum ck_url_kind second = first == CK_KIND_OCSP ? CK_KIND_CRL : CK_KIND_OCSP;
		bool ok = revocation_fetch(m, cert, first, &oom);
		if (!ok && !oom)
			ok = revocation_fetch(m, cert, second, &oom);
		if (oom)
			return ck_error_set(err, CK_E_NOMEM, "out of memory");
		if (!ok) {
			m->v->needed_url_failed = true;
			m->v->revocation_failed = true;
		}
	}
	return CK_OK;
}

static enum ck_status add_file_chain(struct emu *m, const struct ck_cert *leaf)
{
	const struct ck_bundle *b = m->r->bundle;
	enum ck_status rc = CK_OK;
	for (size_t i = 0; b && i < b->ncerts && !rc; i++)
		if (b->certs[i] != leaf)
			rc = ck_pool_add(m->pool, b->certs[i], CK_SRC_INPUT, false, b->name, (int)i, NULL);
	return rc;
}

static enum ck_status fill_sends(struct emu *m, const struct ck_chain *c, const struct ck_cert *leaf)
{
	const struct ck_bundle *b = m->r->bundle;
	struct ck_runtime_verdict *v = m->v;

	if (m->rt->uses_file_chain) {
		/* the leaf, then the rest of the file as it is */
		if (!push_long(&v->sends, &v->nsends, ck_aia_cert_index(m->r, leaf)))
			return CK_E_NOMEM;
		for (size_t i = 0; b && i < b->ncerts; i++) {
			long idx = ck_aia_cert_index(m->r, b->certs[i]);
			if (b->certs[i] != leaf && idx >= 0 && !push_long(&v->sends, &v->nsends, idx))
				return CK_E_NOMEM;
		}
		return CK_OK;
	}
	/* its own chain, without a self-signed root */
	for (size_t k = 0; k < c->len; k++) {
		const struct ck_cert *cert = ck_pool_get(m->pool, c->path[k])->cert;
		if (k > 0 && k == c->len - 1 && c->self_signed_top)
			break;
		if (!push_long(&v->sends, &v->nsends, ck_aia_cert_index(m->r, cert)))
			return CK_E_NOMEM;
	}
	return CK_OK;
}

/* ---------------------------------------------------------------- */
/* the summary */

struct text {
	char *s;
	size_t len;
	bool oom;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	int n;
	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->oom = true;
		return;
	}
	char *s = realloc(t->s, t->len + (size_t)n + 1);
	if (!s) {
		free(p);
		t->oom = true;
		return;
	}
	memcpy(s + t->len, p, (size_t)n + 1);
	t->s = s;
	t->len += (size_t)n;
	free(p);
}

static void add_list(struct text *t, const long *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add(t, "%s[%ld]", i ? ", " : "", v[i]);
}

static const char *fetch_address(const struct ck_runtime *rt, const struct ck_url_entry *e)
{
	return e->requested && rt->trims_white_space && e->result == CK_URL_MALFORMED ? e->requested : e->url;
}

/* The fetches for the first missing issuer, and what they lead to. */
static void summary_issuer(struct emu *m, struct text *t)
{
	struct ck_runtime_verdict *v = m->v;
	const struct ck_runtime *rt = m->rt;
	const struct ck_runtime_fetch *f = NULL, *last = NULL;
	const struct ck_cert *stop = NULL;
	size_t n = 0;

	for (size_t i = 0; i < v->nfetches; i++) {
		const struct ck_url_entry *e = &m->r->urls[v->fetches[i].url];
		if (strcmp(v->fetches[i].purpose, "issuer"))
			continue;
		if (!f) {
			f = &v->fetches[i];
			stop = e->cert;
		}
		if (e->cert == stop) {
			last = &v->fetches[i];
			n++;
		}
	}
	if (!f) {
		if (!v->complete && v->missing_issuer) {
			add(t, "the issuer %s is missing", v->missing_issuer);
			if (v->file_has_missing && !rt->uses_file_chain)
				add(t, " (it is in the file, but %s does not use the file's intermediates)", rt->label);
			if (!rt->fetches_ca_issuers && rt->preload)
				add(t, "; %s never fetches caIssuers URLs: it finds the issuer only among %s", rt->who,
				    rt->preload);
			else if (!rt->fetches_ca_issuers)
				add(t, "; %s never fetches caIssuers URLs, so the peer must have it already", rt->who);
			else
				add(t, "; the certificate has no caIssuers URL %s follows", rt->label);
		}
		return;
	}
	add(t, "the intermediate %s is missing", stop ? stop->issuer : "?");
	if (v->file_has_missing && !rt->uses_file_chain)
		add(t, " (it is in the file, but %s does not use the file's intermediates)", rt->label);
	if (rt->fetch_condition)
		add(t, "; with %s, a %s peer validating the chain will try ", rt->fetch_condition, rt->label);
	else
		add(t, "; %s will try ", rt->who);
	if (n == 1) {
		const struct ck_url_entry *e = &m->r->urls[f->url];
		char word[64], detail[200];
		add(t, "%s", fetch_address(rt, e));
		if (!e->checked) {
			add(t, " (not checked)");
			return;
		}
		result_words(m->r, e, word, sizeof word, detail, sizeof detail);
		add(t, "; from here that URL is %s (%s)", word, detail);
		if (e->effective == CK_URL_OK && !f->success && strstr(f->why, ", but "))
			/* it answers, with something this runtime cannot use */
			add(t, ", but %s", strstr(f->why, ", but ") + 6);
	} else {
		size_t k = 0;
		add(t, "in order: ");
		for (size_t i = 0; i < v->nfetches; i++) {
			const struct ck_url_entry *e = &m->r->urls[v->fetches[i].url];
			char word[64], detail[200];
			if (strcmp(v->fetches[i].purpose, "issuer") || e->cert != stop)
				continue;
			result_words(m->r, e, word, sizeof word, detail, sizeof detail);
			add(t, "%s%s (%s)", k++ ? ", " : "", fetch_address(rt, e), e->checked ? word : "not checked");
		}
	}
	if (last->success) {
		if (v->complete)
			add(t, ": the fetch%s complete%s the chain", n > 1 ? " of the last one" : "",
			    n > 1 ? "s" : "s");
		if (v->stalls)
			add(t, "; the failures before it cost %.0f s", v->failed_cost_ms / 1000);
	} else if (v->budget_exhausted && rt->request_timeout_ms) {
		add(t, " — expect a %u s stall per connection and a %u s cancellation",
		    rt->chain_budget_ms / 1000, rt->request_timeout_ms / 1000);
	} else if (v->stalls) {
		add(t, " — expect a %.0f s stall per %s", v->failed_cost_ms / 1000,
		    rt->fetch_condition ? "validation" : "connection");
	} else if (m->r->urls[last->url].effective == CK_URL_BLOCKED_ADDRESS) {
		add(t, " — %s connects there; chainkit did not, so what that gives it is not known",
		    rt->label);
	} else if (!v->unchecked && n == 1 && m->r->urls[f->url].effective == CK_URL_OK) {
		add(t, " — the chain stays incomplete");
	} else if (!v->unchecked) {
		add(t, " — %s fail%s at once and the chain stays incomplete", n > 1 ? "they" : "the fetch",
		    n > 1 ? "" : "s");
	}
}

/* The first fetch that failed and was waited out, or NULL. */
static const struct ck_url_entry *first_waited(const struct emu *m)
{
	for (size_t i = 0; i < m->v->nfetches; i++) {
		const struct ck_url_entry *e = &m->r->urls[m->v->fetches[i].url];
		if (!m->v->fetches[i].success && e->checked && waits(e))
			return e;
	}
	return NULL;
}

/* The stall in a few words, for the model table: what the measured
 * results cost this runtime, and how often. */
static enum ck_status make_stall(struct emu *m)
{
	struct ck_runtime_verdict *v = m->v;
	const struct ck_runtime *rt = m->rt;
	const struct ck_url_entry *w = first_waited(m);
	const char *per = rt->fetch_condition ? "validation" : "new connection";
	struct text t = { 0 };

	if (!v->fetched_anything && !rt->fetches_ca_issuers)
		add(&t, "none: it never fetches");
	else if (!v->fetched_anything)
		add(&t, "none: nothing to fetch");
	else if (v->unchecked)
		add(&t, "not known: the URLs were not checked (--list)");
	else if (w) {
		add(&t, "%s: ", ck_url_result_name(w->effective));
		if (v->budget_exhausted)
			add(&t, "%u s (the chain build's whole budget)", rt->chain_budget_ms / 1000);
		else
			add(&t, "%.0f s", v->failed_cost_ms / 1000);
		if (v->every_connection)
			add(&t, " per %s", per);
		else if (rt->failure_cache_s)
			add(&t, " per %s, the failure remembered %u s", per, rt->failure_cache_s);
		else
			add(&t, " once");
		if (rt->request_timeout_ms)
			add(&t, "; HttpClient gives up at %u s (%s)", rt->request_timeout_ms / 1000,
			    rt->timeout_exception);
	} else if (v->needed_url_failed) {
		add(&t, "none: the fetch fails at once, the chain stays incomplete");
	} else {
		add(&t, "%.0f ms %s", v->stall_ms, v->every_connection ? (rt->fetch_condition ? "per validation" :
			"per new connection") : "once, then kept");
	}
	if (t.oom) {
		free(t.s);
		return CK_E_NOMEM;
	}
	v->stall = t.s;
	return CK_OK;
}

static enum ck_status make_summary(struct emu *m)
{
	struct ck_runtime_verdict *v = m->v;
	const struct ck_runtime *rt = m->rt;
	struct text t = { 0 };
	bool any_store = v->nfrom_store > 0;

	if (v->leaf < 0) {
		add(&t, "no certificate to send");
		goto done;
	}
	if (v->store_note)
		add(&t, "%s", v->store_note);
	summary_issuer(m, &t);
	if (v->fetch_limit_hit && rt->max_fetches)
		add(&t, "%s%s stops at its limit of %u downloads per chain build", t.len ? "; " : "", rt->label,
		    rt->max_fetches);
	else if (v->fetch_limit_hit)
		add(&t, "%s%s stops at its limit of %u downloads per certificate", t.len ? "; " : "", rt->label,
		    rt->max_fetches_per_cert);
	if (!t.len && any_store && !rt->uses_file_chain)
		add(&t, "the chain is completed from the stores without a fetch");
	if (t.len)
		add(&t, ". ");
	add(&t, "%c%s sends ", rt->who[0] >= 'a' && rt->who[0] <= 'z' ? rt->who[0] - 32 : rt->who[0], rt->who + 1);
	add_list(&t, v->sends, v->nsends);
	if (rt->uses_file_chain)
		add(&t, " as in the file");
	if (v->complete && rt->uses_file_chain && v->fetched_anything)
		add(&t, "; its peer completes the chain with what it fetched%s",
		    v->trusted ? ", up to a trusted root" : "");
	else if (v->complete)
		add(&t, v->trusted ? " (complete, ends at a trusted root)" : " (complete)");
	else
		add(&t, " (incomplete: the server must have %s, else %s)",
		    v->missing_issuer ? v->missing_issuer : "the issuer", rt->handshake_failure);
	if (v->stall_ms >= 1 && !v->budget_exhausted)
		add(&t, "; URL fetches add %.0f ms%s", v->stall_ms,
		    v->every_connection ? (rt->fetch_condition ? " to every validation" :
					   " to every new connection") : " once");
	if (v->revocation_failed)
		add(&t, "; revocation: no usable CRL or OCSP answer for every certificate");
	if (v->budget_exhausted && rt->timeout_exception)
		add(&t, "; stalls add up over the chain builds of a request, which %s cancels after %u s (%s)",
		    "HttpClient", rt->request_timeout_ms / 1000, rt->timeout_exception);
	add(&t, ".");
done:
	if (t.oom) {
		free(t.s);
		return CK_E_NOMEM;
	}
	v->summary = t.s;
	return CK_OK;
}

/* ---------------------------------------------------------------- */

static enum ck_status verdict_facts(struct emu *m, const struct ck_chain *c)
{
	struct ck_runtime_verdict *v = m->v;
	const struct ck_bundle *b = m->r->bundle;

	v->complete = c->complete;
	v->trusted = c->trusted;
	for (size_t k = 0; k < c->len; k++) {
		const struct ck_pool_entry *pe = ck_pool_get(m->pool, c->path[k]);
		bool in_file = false;
		char *note = NULL;
		if (pe->source != CK_SRC_TRUST || k == 0)
			continue;
		if (!push_long(&v->from_store, &v->nfrom_store, ck_aia_cert_index(m->r, pe->cert)))
			return CK_E_NOMEM;
		if (k == c->len - 1 && c->self_signed_top)
			continue; /* a root: where roots belong */
		for (size_t i = 0; b && i < b->ncerts; i++)
			in_file = in_file || ck_cert_equal(b->certs[i], pe->cert);
		if (asprintf(&note, "%s%sthe intermediate %s is %s, but %s finds it in %s without a fetch",
			     v->store_note ? v->store_note : "", v->store_note ? "; " : "", pe->cert->subject,
			     in_file && !m->rt->uses_file_chain ? "in the file (unused)" :
			     in_file ? "in the file" : "not in the file", m->rt->who,
			     pe->origin ? pe->origin : "a trust store") < 0)
			return CK_E_NOMEM;
		free(v->store_note);
		v->store_note = note;
	}
	if (!c->complete) {
		const struct ck_cert *top = ck_pool_get(m->pool, c->path[c->len - 1])->cert;
		v->stops_at = ck_aia_cert_index(m->r, top);
		v->missing_issuer = strdup(top->issuer);
		if (!v->missing_issuer)
			return CK_E_NOMEM;
		if (!m->first_stop)
			m->first_stop = top;
	}
	/* the issuer it lacked (first) is in the file: .NET does not use it */
	for (size_t i = 0; m->first_stop && b && i < b->ncerts; i++)
		if (b->certs[i] != m->first_stop && ck_cert_name_issued(m->first_stop, b->certs[i]))
			v->file_has_missing = true;
	/* .NET keeps a fetched issuer only when the chain verifies; a
	 * failed fetch is retried by every chain build */
	v->every_connection = v->fetched_anything &&
			      !(c->trusted && !v->needed_url_failed && m->rt->saves_fetched) &&
			      !(v->needed_url_failed && m->rt->failure_cache_s);
	/* a problem: the chain stays incomplete, a failed fetch is waited
	 * out (dropped, timeout), or revocation finds no answer; a refused
	 * URL followed by one that works is not one */
	v->problem = !c->complete || v->stalls || v->budget_exhausted || v->revocation_failed;
	return CK_OK;
}

enum ck_status ck_runtime_emulate(struct ck_aia_report *r, const struct ck_trust *trust,
				  enum ck_runtime_id id, bool revocation,
				  const struct ck_runtime_settings *settings,
				  struct ck_runtime_verdict **out, struct ck_error *err)
{
	struct ck_runtime_verdict *v = calloc(1, sizeof *v);
	struct emu m = { .r = r, .v = v, .id = id };
	struct ck_chain *c = NULL;
	const struct ck_cert *leaf = NULL;
	size_t leaf_pi = 0;
	enum ck_status rc;

	if (!v)
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	if (!ck_runtime_get(id)) {
		free(v);
		return ck_error_set(err, CK_E_USAGE, "no such runtime");
	}
	v->id = id;
	v->profile = *ck_runtime_get(id);
	if (apply_settings(v, settings)) {
		ck_runtime_verdict_free(v);
		return ck_error_set(err, CK_E_NOMEM, "out of memory");
	}
	m.rt = v->rt;
	v->leaf = v->stops_at = -1;
	if (r->analysis && r->analysis->nchains)
		leaf = ck_pool_get(r->analysis->pool, r->analysis->chains[0]->path[0])->cert;
	if (!leaf) {
		rc = make_summary(&m);
		if (!rc)
			rc = make_stall(&m);
		goto out;
	}
	v->leaf = ck_aia_cert_index(r, leaf);
	rc = ck_pool_new(&m.pool);
	if (!rc)
		rc = ck_pool_add(m.pool, leaf, CK_SRC_INPUT, false, "input", 0, &leaf_pi);
	if (!rc && m.rt->uses_file_chain)
		rc = add_file_chain(&m, leaf);
	if (!rc && trust)
		rc = ck_trust_add_to_pool(trust, m.pool);
	if (rc) {
		ck_error_set(err, rc, "out of memory");
		goto out;
	}
	rc = build_and_fetch(&m, leaf_pi, &c, err);
	if (!rc && revocation)
		rc = emulate_revocation(&m, c, err);
	if (!rc)
		rc = fill_sends(&m, c, leaf);
	if (!rc)
		rc = verdict_facts(&m, c);
	if (!rc)
		rc = make_summary(&m);
	if (!rc)
		rc = make_stall(&m);
	if (rc == CK_E_NOMEM)
		ck_error_set(err, rc, "out of memory");
out:
	ck_chain_free(c);
	ck_pool_free(m.pool);
	if (rc) {
		ck_runtime_verdict_free(v);
		return rc;
	}
	*out = v;
	return CK_OK;
}

const char *ck_runtime_ca_issuers_url(const struct ck_runtime *rt, ck_strv urls)
{
	if (!rt->fetches_ca_issuers)
		return NULL;
	/* first_url_only or not, the first URL it follows is the one it
	 * tries first */
	for (size_t i = 0; urls && urls[i]; i++)
		if (follows(rt, urls[i], rt->ca_issuers_schemes))
			return urls[i];
	return NULL;
}
