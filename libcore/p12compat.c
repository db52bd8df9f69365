/* p12compat — which programs can open a PKCS#12 file, and why not.
 *
 * Every fact lives in consumers[] below, with its source.  A consumer
 * refuses a file when one of its rules matches: a cipher it does not
 * have, PBES2 where it only knows the PKCS#12 PBEs, a MAC other than
 * HMAC-SHA1, no MAC, or an iteration count over one of its limits.
 * Facts marked "observed" are checked against the real program by
 * tests/cli/chainview-p12compat.sh (openssl, certtool, keytool); the
 * others come from the vendor's source or documentation named there.
 * What is not known is not claimed: a consumer refuses only for a rule
 * listed here. */
#include "config.h"

#include "p12compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Iteration limits of one loader: per MAC, per key derivation (each
 * encrypted part and shrouded key), and summed over the derivations
 * (not the MAC).  0: no limit. */
struct limits {
	const char *api; /* who applies them, for the reason */
	unsigned long mac, each, total;
};

struct consumer {
	const char *name, *label;
	bool current;
	/* ciphers (ck_pkcs12_cipher_name names) it cannot decrypt */
	const char *const *no_ciphers;
	const char *no_ciphers_why;
	bool no_pbes2;      /* only the PKCS#12 PBEs (and PBES1) */
	bool sha1_mac_only; /* a MAC with another hash is refused */
	bool needs_mac;     /* a file without a MAC is refused */
	struct limits limits[2];
};

/* OSSL_PROVIDER-legacy(7): RC2, RC4 and single DES, and PBKDF1 (the
 * PBES1 schemes), are in the legacy provider, which `openssl pkcs12`
 * loads only with -legacy (openssl-pkcs12(1)); observed with OpenSSL
 * 3.0: "unsupported ... Algorithm (RC2-40-CBC : 0)". */
static const char *const openssl3_legacy_only[] = {
	"RC2-40-CBC", "RC2-128-CBC", "RC2-CBC", "RC4-128", "RC4-40", "DES-CBC",
	"PBE-MD5-DES-CBC (PBES1)", "PBE-SHA1-DES-CBC (PBES1)",
	"PBE-MD5-RC2-CBC (PBES1)", "PBE-SHA1-RC2-CBC (PBES1)", NULL,
};

/* GnuTLS lib/x509/pkcs7-crypt.c avail_pkcs_cipher_schemas: PBES2 with
 * DES, 3DES, AES; the PKCS#12 PBEs 3DES, RC4-128 and RC2-40; PBES1
 * MD5-DES; nothing else (observed with certtool 3.7.9). */
static const char *const gnutls_missing[] = {
	"RC4-40", "RC2-128-CBC", "2-key-3DES-CBC", "RC2-CBC",
	"PBE-SHA1-DES-CBC (PBES1)", "PBE-MD5-RC2-CBC (PBES1)", "PBE-SHA1-RC2-CBC (PBES1)", NULL,
};

/* SunJCE has no PBEWithSHA1AndDESede 2-key variant nor PBEWithSHA1AndDES
 * (observed with OpenJDK 17 keytool: both refused). */
static const char *const java_missing[] = {
	"2-key-3DES-CBC", "PBE-SHA1-DES-CBC (PBES1)", NULL,
};

/* .NET: Pkcs12LoaderLimits.cs defaults (MacIterationLimit and
 * IndividualKdfIterationLimit 300,000, TotalKdfIterationLimit
 * 1,000,000), applied by X509CertificateLoader.LoadPkcs12 (.NET 9+, and
 * the Microsoft.Bcl.Cryptography package); the X509Certificate2 and
 * X509Certificate2Collection.Import constructors apply
 * X509Certificate.MakeLegacyLimits: 600,000 per MAC and derivation,
 * 600,000 in all (the default of the AppContext switch
 * Pkcs12UnspecifiedPasswordIterationLimit).  The total counts the encrypted parts'
 * and keys' derivations (X509CertificateLoader.Pkcs12.cs workRemaining),
 * not the MAC. */
#define DOTNET_LIMITS                                                                            \
	{ { "X509CertificateLoader, Pkcs12LoaderLimits.Defaults", 300000, 300000, 1000000 },   \
	  { "the X509Certificate2 constructors", 600000, 600000, 600000 } }

static const struct consumer consumers[CK_P12C_COUNT] = {
	[CK_P12C_OPENSSL3] = {
		.name = "openssl3", .label = "OpenSSL 3", .current = true,
		.no_ciphers = openssl3_legacy_only,
		.no_ciphers_why = "only with the legacy provider (openssl pkcs12 -legacy)",
	},
	/* with -legacy every cipher above is there; no iteration limit
	 * (crypto/pkcs12 has none) */
	[CK_P12C_OPENSSL3_LEGACY] = {
		.name = "openssl3-legacy", .label = "OpenSSL 3 -legacy", .current = false,
	},
	/* gnutls_certificate_set_x509_simple_pkcs12_mem verifies the MAC
	 * when a password is given (lib/x509.c); certtool --p12-info fails
	 * on a file without one: "verify_mac: ASN1 parser: Element was not
	 * found" (observed, certtool 3.7.9) */
	[CK_P12C_GNUTLS] = {
		.name = "gnutls", .label = "GnuTLS", .current = true,
		.no_ciphers = gnutls_missing, .no_ciphers_why = "not in GnuTLS",
		.needs_mac = true,
	},
	/* sun.security.pkcs12.PKCS12KeyStore: MAX_ITERATION_COUNT 5,000,000
	 * for the MAC and every derivation */
	[CK_P12C_JAVA] = {
		.name = "java", .label = "Java 8u301+/11.0.12+/17+", .current = true,
		.no_ciphers = java_missing, .no_ciphers_why = "not in Java's SunJCE",
		.limits = { { "PKCS12KeyStore", 5000000, 5000000, 0 } },
	},
	/* JDK-8267701: HmacPBESHA256 (a SHA-256 MAC) is new in 8u301 and
	 * 11.0.12 (JDK-8076190 in JDK 12); earlier updates refuse SHA-2 MACs */
	[CK_P12C_JAVA_OLD] = {
		.name = "java-old", .label = "Java before 8u301 or 11.0.12", .current = false,
		.no_ciphers = java_missing, .no_ciphers_why = "not in Java's SunJCE",
		.sha1_mac_only = true,
		.limits = { { "PKCS12KeyStore", 5000000, 5000000, 0 } },
	},
	[CK_P12C_DOTNET_LINUX] = {
		.name = "dotnet-linux", .label = ".NET on Linux", .current = true,
		.limits = DOTNET_LIMITS,
	},
	/* .NET on Windows checks the same limits, then hands the file to
	 * PFXImportCertStore: on Windows Server 2016 add that row's rules */
	[CK_P12C_DOTNET_WINDOWS] = {
		.name = "dotnet-windows", .label = ".NET on Windows (Server 2019+)", .current = true,
		.limits = DOTNET_LIMITS,
	},
	/* PKCS12_PBES2_EXPORT_PARAMS (wincrypt.h): PBES2 AES-256 with a
	 * SHA-256 MAC from Windows 10 1709 / Server 2019; nothing known to
	 * be refused */
	[CK_P12C_WINDOWS_2019] = {
		.name = "windows-2019", .label = "Windows Server 2019+ import", .current = true,
	},
	/* PKCS12_PBES2_EXPORT_PARAMS: minimum Windows 10 1709 / Server 2019;
	 * JDK-8228481 (CSR): PBES2/AES and a SHA-256 MAC "are not
	 * recognized by Windows Server 2016" */
	[CK_P12C_WINDOWS_2016] = {
		.name = "windows-2016", .label = "Windows Server 2016 import", .current = false,
		.no_pbes2 = true, .sha1_mac_only = true,
	},
	/* SecPKCS12Import / Keychain Access: JDK-8228481 ("not recognized by
	 * ... macOS 10.15"; AES key protection alone "not macOS"); a SHA-256
	 * MAC fails as a wrong password (ruby/openssl#654, xca#360, xca#474,
	 * through macOS 13) */
	[CK_P12C_MACOS] = {
		.name = "macos", .label = "macOS Keychain", .current = false,
		.no_pbes2 = true, .sha1_mac_only = true,
	},
	/* Android's certificate installer refuses a SHA-256 MAC (xca#360,
	 * confirmed for Android by a reporter) */
	[CK_P12C_ANDROID] = {
		.name = "android", .label = "Android certificate installer", .current = false,
		.sha1_mac_only = true,
	},
};

static bool listed(const char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static enum ck_status add_reason(struct ck_p12_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum ck_status add_reason(struct ck_p12_verdict *v, const char *fmt, ...)
{
	char buf[320];
	char **grown;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* one reason per rule: the same rule matched by two parts once */
	for (size_t i = 0; i < v->nreasons; i++)
		if (!strcmp(v->reasons[i], buf))
			return CK_OK;
	grown = realloc(v->reasons, (v->nreasons + 1) * sizeof *grown);
	if (!grown)
		return CK_E_NOMEM;
	v->reasons = grown;
	if (!(v->reasons[v->nreasons] = strdup(buf)))
		return CK_E_NOMEM;
	v->nreasons++;
	v->opens = false;
	return CK_OK;
}

static enum ck_status check_limits(const struct limits *l, const struct ck_p12_info *p,
				   struct ck_p12_verdict *v)
{
	unsigned long long total = 0;
	unsigned long worst = 0;
	char over[200] = "";
	size_t used = 0;

	if (!l->api)
		return CK_OK;
	for (size_t i = 0; i < p->nbags; i++)
		if (p->bags[i].encrypted) {
			total += p->bags[i].iterations;
			if (p->bags[i].iterations > worst)
				worst = p->bags[i].iterations;
		}
	if (l->mac && p->has_mac && p->mac_iterations > l->mac)
		used += (size_t)snprintf(over + used, sizeof over - used, "MAC %u > %lu",
					 p->mac_iterations, l->mac);
	if (l->each && worst > l->each && used < sizeof over)
		used += (size_t)snprintf(over + used, sizeof over - used, "%sone derivation %lu > %lu",
					 used ? ", " : "", worst, l->each);
	if (l->total && total > l->total && used < sizeof over)
		used += (size_t)snprintf(over + used, sizeof over - used, "%sall derivations %llu > %lu",
					 used ? ", " : "", total, l->total);
	if (!used)
		return CK_OK;
	return add_reason(v, "iterations over the limits of %s (%s)", l->api, over);
}

static enum ck_status judge(const struct consumer *c, const struct ck_p12_info *p,
			    struct ck_p12_verdict *v)
{
	enum ck_status rc = CK_OK;

	for (size_t i = 0; i < p->nbags && !rc; i++) {
		const struct ck_p12_bag_info *b = &p->bags[i];
		if (!b->encrypted || !b->cipher)
			continue;
		if (listed(c->no_ciphers, b->cipher))
			rc = add_reason(v, "%s %s", b->cipher, c->no_ciphers_why);
		else if (c->no_pbes2 && b->scheme && !strcmp(b->scheme, "PBES2"))
			rc = add_reason(v, "PBES2 (%s) not supported", b->cipher);
	}
	if (!rc && c->needs_mac && !p->has_mac)
		rc = add_reason(v, "no MAC: the MAC check fails");
	if (!rc && c->sha1_mac_only && p->has_mac && p->mac_algorithm &&
	    strcasecmp(p->mac_algorithm, "SHA1"))
		rc = add_reason(v, "MAC with %s, not SHA-1",
				p->mac_algorithm);
	for (size_t i = 0; i < 2 && !rc; i++)
		rc = check_limits(&c->limits[i], p, v);
	return rc;
}

void ck_p12compat_cleanup(struct ck_p12_verdict v[CK_P12C_COUNT])
{
	for (size_t i = 0; i < CK_P12C_COUNT; i++) {
		for (size_t k = 0; k < v[i].nreasons; k++)
			free(v[i].reasons[k]);
		free(v[i].reasons);
		v[i].reasons = NULL;
		v[i].nreasons = 0;
	}
}

enum ck_status ck_p12compat_judge(const struct ck_p12_info *p,
				  struct ck_p12_verdict v[CK_P12C_COUNT])
{
	enum ck_status rc = CK_OK;

	for (size_t i = 0; i < CK_P12C_COUNT; i++)
		v[i] = (struct ck_p12_verdict){
			.consumer = consumers[i].name,
			.label = consumers[i].label,
			.current = consumers[i].current,
			.opens = true,
		};
	for (size_t i = 0; i < CK_P12C_COUNT && !rc; i++)
		rc = judge(&consumers[i], p, &v[i]);
	if (rc)
		ck_p12compat_cleanup(v);
	return rc;
}

static bool legacy_cipher(const char *name)
{
	static const char *const prefixes[] = { "RC2", "RC4", "DES", "3DES", "2-key-3DES", "PBE-", NULL };
	for (size_t i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

enum ck_status ck_p12compat_weakness(const struct ck_p12_info *p, char **out)
{
	char what[512] = "";
	size_t used = 0;

#define NOTE(...)                                                                              \
	do {                                                                                   \
		if (used < sizeof what)                                                        \
			used += (size_t)snprintf(what + used, sizeof what - used, "%s",       \
						 used ? "; " : "");                            \
		if (used < sizeof what)                                                        \
			used += (size_t)snprintf(what + used, sizeof what - used, __VA_ARGS__); \
	} while (0)

	*out = NULL;
	for (size_t i = 0; i < p->nbags; i++) {
		const struct ck_p12_bag_info *bag = &p->bags[i];
		if (bag->encrypted && bag->cipher && legacy_cipher(bag->cipher))
			NOTE("%s encrypted with %s", bag->content, bag->cipher);
		else if (!bag->encrypted && bag->content && strstr(bag->content, "key"))
			NOTE("%s not encrypted", bag->content);
	}
	if (!p->has_mac)
		NOTE("no MAC (integrity not protected)");
	else if (p->mac_algorithm && (!strcasecmp(p->mac_algorithm, "SHA1") ||
				      !strcasecmp(p->mac_algorithm, "MD5")))
		NOTE("MAC with %s", p->mac_algorithm);
#undef NOTE
	if (!used)
		return CK_OK;
	if (!(*out = strdup(what)))
		return CK_E_NOMEM;
	return CK_OK;
}

void ck_p12compat_notes_free(struct ck_note *notes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(notes[i].message);
		free(notes[i].hint);
	}
	free(notes);
}

static enum ck_status push_note(struct ck_note **notes, size_t *n, enum ck_finding_id id,
				const char *message, const char *hint)
{
	struct ck_note *grown = realloc(*notes, (*n + 1) * sizeof *grown);
	struct ck_note *t;

	if (!grown)
		return CK_E_NOMEM;
	*notes = grown;
	t = &grown[*n];
	t->id = id;
	t->message = strdup(message);
	t->hint = hint ? strdup(hint) : NULL;
	(*n)++;
	if (!t->message || (hint && !t->hint))
		return CK_E_NOMEM;
	return CK_OK;
}

static bool same_reasons(const struct ck_p12_verdict *x, const struct ck_p12_verdict *y)
{
	if (x->nreasons != y->nreasons)
		return false;
	for (size_t k = 0; k < x->nreasons; k++)
		if (strcmp(x->reasons[k], y->reasons[k]))
			return false;
	return true;
}

/* "cannot be opened by LABEL: REASON, REASON; LABEL, LABEL: REASON" for
 * the consumers whose `current` is `current` and that refuse (those
 * refusing for the same reasons named together); "" if none. */
static void refusals(const struct ck_p12_verdict *v, bool current, char *buf, size_t size)
{
	bool done[CK_P12C_COUNT] = { false };
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < CK_P12C_COUNT; i++) {
		if (v[i].opens || v[i].current != current || done[i])
			continue;
		for (size_t j = i; j < CK_P12C_COUNT; j++) {
			if (v[j].opens || v[j].current != current || !same_reasons(&v[i], &v[j]))
				continue;
			done[j] = true;
			if (used < size)
				used += (size_t)snprintf(buf + used, size - used, "%s%s",
							 !used ? "cannot be opened by " :
							 j == i ? "; " : ", ", v[j].label);
		}
		for (size_t k = 0; k < v[i].nreasons && used < size; k++)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ", " : ": ",
						 v[i].reasons[k]);
	}
}

enum ck_status ck_p12compat_notes(const struct ck_p12_info *p, struct ck_note **out,
				  size_t *n)
{
	struct ck_p12_verdict v[CK_P12C_COUNT];
	struct ck_note *notes = NULL;
	size_t count = 0;
	char *weak = NULL, msg[1024], what[960];
	enum ck_status rc;

	if ((rc = ck_p12compat_weakness(p, &weak)))
		return rc;
	if (weak) {
		snprintf(msg, sizeof msg, "the PKCS#12 file uses legacy protection: %s", weak);
		rc = push_note(&notes, &count, CK_F_WEAK_PKCS12, msg,
			       "Export it again with AES-256-CBC, PBKDF2 and a SHA-256 MAC (OpenSSL 3's default: openssl pkcs12 -export without -legacy; pem2pfx).");
		free(weak);
	}
	if (!rc && !(rc = ck_p12compat_judge(p, v))) {
		refusals(v, true, what, sizeof what);
		if (what[0]) {
			snprintf(msg, sizeof msg, "the PKCS#12 file %s", what);
			rc = push_note(&notes, &count, CK_F_PKCS12_INCOMPATIBLE, msg,
				       "Write it again with pem2pfx (AES-256-CBC, SHA-256 MAC, 2048 iterations), which every current consumer opens.");
		}
		refusals(v, false, what, sizeof what);
		if (!rc && what[0]) {
			snprintf(msg, sizeof msg, "the PKCS#12 file %s", what);
			rc = push_note(&notes, &count, CK_F_PKCS12_NOT_PORTABLE, msg,
				       "For these, write a copy with pem2pfx --profile legacy (3DES, SHA-1 MAC).");
		}
		ck_p12compat_cleanup(v);
	}
	if (rc) {
		ck_p12compat_notes_free(notes, count);
		return rc;
	}
	*out = notes;
	*n = count;
	return CK_OK;
}
