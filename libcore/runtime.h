/* runtime — what TLS stacks do with a chain's URLs, and what that costs
 * from here.
 *
 * One table holds every fact about every runtime profile, each with its
 * source.  ck_runtime_emulate() replays a profile over a checked report:
 * which certificates the holder of the file sends, which URLs the
 * runtime fetches and in which order under its rules, what each fetch
 * gives it (from the measured results), and the stall to expect. */
#ifndef CK_RUNTIME_H
#define CK_RUNTIME_H

#include "aia.h"
#include "trust.h"

enum ck_runtime_id {
	CK_RT_DOTNET_LINUX = 0,
	CK_RT_OPENSSL,
	CK_RT_JAVA,            /* "java-aia": with enableAIAcaIssuers */
	CK_RT_DOTNET11_LINUX,
	CK_RT_WINDOWS,
	CK_RT_GO,
	CK_RT_CHROME,
	CK_RT_FIREFOX,
	CK_RT_ANDROID,
	CK_RT_JAVA_DEFAULT,    /* "java": without it */
	CK_RT_COUNT,
};

/* The profile's facts (see runtime.c for the source of each). */
struct ck_runtime {
	const char *name;              /* "dotnet-linux", "openssl", "java" */
	const char *label;             /* ".NET on Linux" */
	const char *who;               /* "a .NET client on Linux", for sentences */
	const char *settings;          /* the settings the profile assumes */
	/* as the holder of the certificate: what it sends */
	bool uses_file_chain;          /* sends the file's chain as it is */
	const char *stores;            /* where it looks for issuers, in order */
	/* caIssuers */
	bool fetches_ca_issuers;
	const char *fetch_condition;   /* NULL: fetches by default */
	unsigned ca_issuers_schemes;   /* CK_SCHEME_* it follows */
	bool first_url_only;           /* only the first URL of an allowed scheme */
	bool trims_white_space;        /* " http://x" is taken as "http://x" */
	bool reads_pkcs7;              /* accepts a certs-only PKCS#7 (.p7c) answer */
	bool checks_http_status;       /* false: reads the body of any status */
	unsigned max_redirects;
	unsigned chain_budget_ms;      /* all URL retrieval of one chain build; 0: none */
	unsigned connect_timeout_ms;   /* per download; 0: bounded by the budget */
	unsigned read_timeout_ms;
	bool caches_failures;
	const char *saves_fetched;     /* where a fetched issuer is kept, or NULL */
	/* revocation, when it is on */
	const char *revocation_switch;
	bool revocation_ocsp_first;    /* Java: OCSP, then CRL; .NET: CRL, then OCSP */
	bool revocation_first_crl_only;/* only the first http CRL URL */
	const char *ocsp_method;       /* "GET", "POST", or NULL when no OCSP */
	bool revocation_needs_valid_chain;
	unsigned max_fetches;          /* caIssuers downloads per chain build; 0: no limit */
	unsigned max_fetches_per_cert; /* ... per certificate; 0: no limit */
	unsigned chain_budget_cap_ms;  /* the budget's ceiling, whatever is asked; 0: none */
	size_t max_body;               /* a larger caIssuers answer is refused; 0: no limit */
	unsigned failure_cache_s;      /* a failed fetch is remembered this long; 0: not */
	/* in words, for the model table (aiacheck --as all) */
	const char *fetch_rule;        /* which caIssuers URLs, how many */
	const char *preload;           /* where it finds issuers without a fetch
					  besides the stores (Firefox), or NULL */
	const char *budget;            /* the time it allows downloads */
	const char *on_failure;        /* what it does when a fetch fails */
	const char *notes;             /* other facts, or NULL */
	const char *sources;           /* where the facts come from */
	/* the application around it */
	unsigned request_timeout_ms;   /* HttpClient.Timeout; 0: none */
	const char *timeout_exception;
	const char *handshake_failure; /* what the application sees when the
					  server rejects an incomplete chain */
};

const struct ck_runtime *ck_runtime_get(enum ck_runtime_id id);

/* The profile with this name, or NULL. */
const struct ck_runtime *ck_runtime_find(const char *name, enum ck_runtime_id *id);

struct ck_runtime_fetch {
	size_t url;            /* index in the report's urls */
	const char *purpose;   /* "issuer", "crl", "ocsp" */
	long certificate;      /* output index of the certificate it is for */
	bool success;
	double cost_ms;        /* what it costs this runtime */
	char why[240];         /* what this runtime makes of the answer */
};

/* Settings a client runs with that change its profile: for the Java
 * profiles, the system properties com.sun.security.cert.timeout and
 * com.sun.security.cert.readtimeout (URICertStore's caIssuers download
 * timeouts).  Zero-initialise, then add each with
 * ck_runtime_settings_java_property(). */
struct ck_runtime_settings {
	unsigned java_cert_connect_ms;  /* 0: the JDK's default */
	unsigned java_cert_read_ms;     /* 0: the JDK's default */
	char java_text[256];            /* the properties as given, for the report */
};

/* Add one Java system property, NAME=VALUE, read as the JDK reads it
 * (sun.security.util.SecurityProperties.getTimeoutSystemProp): digits,
 * seconds or with "s" or "ms"; any other value is ignored by the JDK,
 * which keeps its default, and so here.  CK_E_USAGE for a property the
 * model does not know, a missing '=', or 0 (no timeout at all, which
 * the model cannot predict). */
enum ck_status ck_runtime_settings_java_property(struct ck_runtime_settings *s, const char *prop,
						 struct ck_error *err);

struct ck_runtime_verdict {
	enum ck_runtime_id id;
	const struct ck_runtime *rt;   /* the profile with the settings applied */
	struct ck_runtime profile;     /* (rt points here) */
	char *settings_text;           /* owned strings of that profile, or NULL */
	char *budget_text;
	long leaf;                     /* output index, -1 when there is none */
	long *sends;                   /* output indices, in the order sent */
	size_t nsends;
	bool complete;                 /* its chain reaches a self-signed root or an anchor */
	bool trusted;                  /* ... and an anchor */
	long stops_at;                 /* where its chain stops (output index), or -1 */
	char *missing_issuer;          /* the issuer it lacks there, or NULL */
	bool file_has_missing;         /* that issuer is in the file, unused */
	long *from_store;              /* certificates it finds in the stores */
	size_t nfrom_store;
	char *store_note;              /* intermediates found in a store, or NULL */
	struct ck_runtime_fetch *fetches;
	size_t nfetches;
	bool fetched_anything;
	bool budget_exhausted;
	bool fetch_limit_hit;          /* it stopped at max_fetches(_per_cert) */
	double stall_ms;               /* added to each new connection */
	bool every_connection;         /* the stall repeats (nothing is cached) */
	bool needed_url_failed;        /* a URL it fetched failed */
	double failed_cost_ms;         /* what the failed fetches cost */
	bool stalls;                   /* a failed fetch is waited out (dropped, timeout) */
	bool revocation_failed;        /* no usable CRL or OCSP answer somewhere */
	bool unchecked;                /* --list: a URL it needs was not checked */
	bool problem;                  /* its chain stays incomplete, a failed fetch
					  stalls it, or revocation fails */
	char *summary;                 /* one or two sentences */
	char *stall;                   /* the stall predicted for the measured
					  results, in a few words ("dropped: 15 s
					  per new connection; ...") */
};

void ck_runtime_verdict_free(struct ck_runtime_verdict *v);

/* The caIssuers URL of `urls` the runtime downloads an issuer from
 * first, under its rules (schemes, white space); NULL when it follows
 * none or never downloads.  Borrowed from `urls`.  Whether it downloads
 * by default is rt->fetch_condition == NULL. */
const char *ck_runtime_ca_issuers_url(const struct ck_runtime *rt, ck_strv urls);

/* Replay runtime `id` over `r` (checked or only listed), with the
 * certificates of `trust` standing for the stores the runtime searches.
 * With `revocation`, the runtime's revocation fetches are included.
 * `settings` (borrowed; NULL: none) change the profile where they apply.
 * Marks r->urls[].used_by. */
enum ck_status ck_runtime_emulate(struct ck_aia_report *r, const struct ck_trust *trust,
				  enum ck_runtime_id id, bool revocation,
				  const struct ck_runtime_settings *settings,
				  struct ck_runtime_verdict **out, struct ck_error *err);

#endif
