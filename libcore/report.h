/* report — the report document (one jansson json_t per input) and its
 * three renderings: JSON (dumped), XML (a generic mapping written with
 * libxml2, described by man/chainkit.rng) and text (per tool, from the
 * same document, so that every field shown in text exists in JSON).
 *
 * This is the only module that formats output.  It writes to the FILE
 * it is given and never decides what goes to stdout or stderr. */
#ifndef CK_REPORT_H
#define CK_REPORT_H

#include "checks.h"
#include "load.h"
#include "tls.h"

#include <jansson.h>
#include <stdio.h>
#include <time.h>

/* A JSON string from bytes that may not be UTF-8: invalid sequences
 * become U+FFFD.  Never NULL unless out of memory. */
json_t *ck_json_str(const char *s);

/* Same, or JSON null when s is NULL. */
json_t *ck_json_str_or_null(const char *s);

/* A copy of s that XML 1.0 can carry: invalid UTF-8 and control
 * characters become U+FFFD (malloc'ed; NULL when out of memory). */
char *ck_xml_clean(const char *s);

/* An RFC 3339 UTC time; lowercase hex without colons, or null when
 * len is 0. */
json_t *ck_json_time(time_t t);
json_t *ck_json_hex(const unsigned char *p, size_t len);

/* The string member `key` of an object, "" when absent (for text
 * renderers). */
const char *ck_json_text(const json_t *o, const char *key);
/* Parts of chainview's document, for the documents of other tools (new
 * references): the "input" object, one "certificates" element (output
 * index), one "chains" element. */
json_t *ck_report_input(const struct ck_bundle *b);
json_t *ck_report_certificate(const struct ck_analysis *a, size_t out_index);
json_t *ck_report_chain(const struct ck_analysis *a, size_t i);

/* Build chainview's document for one input (new reference). */
json_t *ck_report_bundle(const struct ck_bundle *b, const struct ck_analysis *a);

/* What a Java keystore held: { "type": "jks|jceks", "version",
 * "integrity": "verified|not-checked", "password", "entries": [...] }. */
struct ck_jks_info;
json_t *ck_report_jks_json(const struct ck_jks_info *jks);

/* A document for an input that could not be read:
 * { "input": {"name"}, "error": {"status", "message", "offset"} }. */
json_t *ck_report_error(const char *name, const struct ck_error *err);

/* Write one document, compact, on one line (JSON Lines).  Returns 0, or
 * -1 on a write error. */
int ck_report_write_json(FILE *out, const json_t *doc);

/* Write chainview's document for one input as JSON (one line) or as a
 * <report> element, building it member by member and the certificates
 * and chains one at a time: memory stays proportional to the records,
 * not to the document.  Same output as rendering ck_report_bundle(). */
int ck_report_bundle_json(FILE *out, const struct ck_bundle *b, const struct ck_analysis *a);
struct ck_xml;
int ck_report_bundle_xml(struct ck_xml *x, const struct ck_bundle *b, const struct ck_analysis *a);

/* For documents written as they are built (one element at a time):
 * JSON: an object's members without its closing brace (to add more),
 * or without its opening one (to end one opened so), or any value,
 * compact; XML: open an element, write a value or an object's members
 * as elements (the mapping below), close.  All return 0, or -1 on a
 * write error. */
int ck_json_write_open(FILE *out, const json_t *obj);
int ck_json_write_members(FILE *out, const json_t *obj);
int ck_json_write_value(FILE *out, const json_t *v);
/* ck_json_write_value() of a value we own, dropped after (also when v is
 * NULL: an allocation that failed is a write that failed). */
int ck_json_write_new(FILE *out, json_t *v);
struct ck_xml;
int ck_xml_start(struct ck_xml *x, const char *element);
int ck_xml_value(struct ck_xml *x, const char *element, const json_t *v);
int ck_xml_members(struct ck_xml *x, const json_t *obj);
int ck_xml_close(struct ck_xml *x);
/* One member, written as ck_xml_value() writes a JSON string (as
 * ck_json_str() makes it from s), integer, boolean or null, with no
 * value built. */
int ck_xml_string(struct ck_xml *x, const char *element, const char *s);
int ck_xml_integer(struct ck_xml *x, const char *element, long long v);
int ck_xml_boolean(struct ck_xml *x, const char *element, bool v);
int ck_xml_null(struct ck_xml *x, const char *element);

/* XML: open the root element, write documents as <report> children,
 * close.  Strings are cleaned of characters XML cannot carry. */
struct ck_xml;
struct ck_xml *ck_xml_begin(FILE *out, const char *root);
int ck_xml_write(struct ck_xml *x, const json_t *doc, const char *element);
int ck_xml_end(struct ck_xml *x); /* frees x; -1 on a write error */
/* Drop x: nothing is written when none of it has reached the FILE yet
 * (a run stopped by a usage error), else it is ended as ck_xml_end(). */
void ck_xml_discard(struct ck_xml *x);

struct ck_text_opts {
	bool color;
	bool verbose;
	bool quiet;   /* findings and errors only */
	bool explain; /* chainview --explain: the path builder's trace */
	unsigned width; /* terminal columns for wrapped text; 0 = 80 */
	bool tty;       /* stdout is a terminal: wide rows and findings wrap at `width`;
			 * else one per line, for grep */
	bool many;      /* one of several inputs: -q's Findings line names the input */
};

/* Print `text` wrapped at `width` columns, the first line after `lead`
 * (colour codes not counted), the others indented by `indent` spaces;
 * a word longer than a line is cut (needs indent < width). */
void ck_text_wrap(FILE *f, const char *lead, unsigned indent, const char *text, unsigned width);

/* One item of text output (a row, a field, a heading): `lead` then
 * `text` on one line when not on a terminal (for grep), else
 * ck_text_wrap()ped at o->width with `indent` spaces before each further
 * line (fewer when the indent leaves under 20 columns). */
void ck_text_item(FILE *f, const struct ck_text_opts *o, const char *lead, unsigned indent,
		  const char *text);

/* The same for an item written piece by piece: open returns the stream
 * to write its text to (`f` itself, after `lead`, when not on a
 * terminal; a memory stream on one), close ends the item.  `lead` is
 * borrowed until close. */
struct ck_text_item {
	FILE *out, *mem;
	char *buf;
	size_t len;
	const char *lead;
	unsigned indent;
	const struct ck_text_opts *o;
};
FILE *ck_text_item_open(struct ck_text_item *it, FILE *f, const struct ck_text_opts *o,
			const char *lead, unsigned indent);
void ck_text_item_close(struct ck_text_item *it);

/* chainview's text rendering of one document: a bundle's, a
 * certificate request's (report-csr.h) or CRLs' (report-crl.h); the view
 * that tells them apart is report-chainview.c. */
int ck_report_text_chainview(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* The same for a bundle's document (ck_report_bundle()'s, or
 * ck_report_error()'s) that ck_text_safe_doc() has already made fit
 * for a terminal. */
int ck_report_text_bundle_doc(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* The same text for one analysed bundle, written as it is built: the
 * chains one at a time, so that memory does not grow with the number
 * of chains (what ck_report_bundle_json does for JSON).  Byte for byte
 * ck_report_text_chainview() of ck_report_bundle()'s document (a test
 * checks).  Returns 0, or -1 on a write error or out of memory. */
int ck_report_bundle_text(FILE *out, const struct ck_bundle *b, const struct ck_analysis *a,
			  const struct ck_text_opts *o);

/* ---- aiaserve (report-aiaserve.c) ---- */

/* One request aiaserve answered (or did not: status 0), for --log. */
struct ck_serve_request {
	struct timespec start;   /* when it arrived (CLOCK_REALTIME) */
	const char *client;      /* the peer's address; may be NULL */
	const char *method;      /* may be NULL */
	const char *path;        /* without the query; may be NULL */
	const char *query;       /* NULL when none */
	int status;              /* HTTP status sent; 0: none (reset, hang) */
	const char *fault;       /* "delay=2", ...; NULL: none */
	unsigned long long bytes; /* body bytes handed to the connection */
	unsigned long long duration_ms;
	/* an OCSP request: the answer's responseStatus ("successful", ...),
	 * the status given to the first certificate asked about ("good",
	 * "revoked", "unknown"; NULL when none) and its serial (hex); all
	 * NULL for other requests */
	const char *ocsp_response, *ocsp_status, *ocsp_serial;
};

/* { "time" (RFC 3339 UTC, milliseconds), "client", "method", "path",
 *   "query", "status" (null: none), "fault" (null: none), "bytes",
 *   "duration_ms", "ocsp": null | { "response_status", "cert_status"
 *   (null: none), "serial" (null: none) } } (new reference; NULL when
 *   out of memory). */
json_t *ck_report_serve_request(const struct ck_serve_request *r);

struct ck_serve_url {
	const char *url, *path;
	const char *kind;        /* "certificate", "pkcs7", "crl", "ocsp" */
	const char *subject;     /* NULL (the OCSP responder): null */
	const char *fault;       /* NULL: none */
};

/* { "base": "http://127.0.0.1:8080", "urls": [ {"url", "path", "kind",
 *   "subject", "fault"} ] } (new reference; NULL when out of memory). */
json_t *ck_report_serve_urls(const char *base, const struct ck_serve_url *u, size_t n);

/* aiaserve's text for that document: one URL per line. */
int ck_report_text_aiaserve(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* ---- aiacheck (report-aiacheck.c) ---- */

struct ck_aia_report;
struct ck_runtime_verdict;

/* aiacheck's document for one input (new reference): the chain summary
 * ("certificates", "chain", "chains", "missing"), "urls" (every URL with
 * its result, timings, content and used_by), "runtimes" (the verdicts,
 * in the order given) and "summary". */
json_t *ck_report_aiacheck(const struct ck_aia_report *r,
			   struct ck_runtime_verdict *const *verdicts, size_t nverdicts);

/* aiacheck's text rendering of one document. */
int ck_report_text_aiacheck(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* JUnit XML of aiacheck documents: one <testsuite> per document, one
 * <testcase> per URL, a <failure> for each URL whose result is not ok
 * and <skipped/> for URLs not checked.  Returns 0, or -1 on a write
 * error. */
int ck_report_junit(FILE *out, json_t *const *docs, size_t ndocs);
/* The part of chainview's text after the header: the chains as trees,
 * the certificates on no chain, the keys and the findings.  Other tools
 * show a chainview document inside theirs with it. */
int ck_report_text_bundle_body(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* Helpers other text renderers share. */
/* One line on a keystore (the "jks" object above). */
void ck_text_jks(FILE *out, const json_t *jks, const char *indent, const struct ck_text_opts *o);
const char *ck_text_color(const struct ck_text_opts *o, const char *what);
const char *ck_text_reset(const struct ck_text_opts *o);

/* A copy of `doc` (new reference) fit for a terminal: in every string
 * value, each character ck_text_control_len (err.h) names (C0 controls,
 * newline and tab included, DEL, the C1 controls, the bidirectional
 * controls, the noncharacters U+FFFE, U+FFFF) becomes U+FFFD, so that
 * nothing taken from an input (a subject, a file name, a server's alert
 * text) reaches the terminal as an escape sequence, breaks a line or
 * reverses the text after it, and every value can be written as XML 1.0.  The text
 * renderers and the JUnit writer render such a copy; JSON and the
 * generic XML mapping keep the values (XML replaces what XML cannot
 * carry).  NULL when out of memory. */
json_t *ck_text_safe_doc(const json_t *doc);

/* ---- certaudit (report-certaudit.c) ---- */

struct ck_audit;
struct ck_policy;

/* certaudit's document for one file (new reference):
 *   { "path", "verdict": "ok|warn|fail",
 *     "summary": {"errors", "warnings", "info"},
 *     "findings": [ {"code", "severity", "certificate", "subject",
 *                    "message", "hint"} ],
 *     "report": chainview's document, or ck_report_error()'s }
 * `report` (may be NULL: null) is taken over. */
json_t *ck_report_audit(const char *path, const struct ck_audit *au, json_t *report);

/* The "urls" member of a document with --network: every URL of the file
 * checked, [ {"kind", "url", "certificate", "method", "result",
 * "http_status", "next_update_soon", "note"} ] (new reference). */
struct ck_url_set;
json_t *ck_report_audit_urls(const struct ck_url_set *s);

/* certaudit's counts over a run: files by verdict, findings by level,
 * and with --network the URLs and the distinct requests made. */
struct ck_audit_totals {
	size_t files, ok, warn, fail, errors, warnings, infos;
	size_t urls, url_requests;
};

/* certaudit's {"totals": {"files", "ok", "warn", "fail", "errors",
 * "warnings", "info", "not_audited", "symlinks_not_followed",
 * "not_audited_files": [{"path", "reason"}], "urls", "url_requests",
 * "at"}} (new reference), the files not audited from the walk (in the
 * order held there). */
struct ck_walk;
json_t *ck_report_audit_totals(const struct ck_audit_totals *t, const struct ck_walk *w, time_t at);

/* One file in certaudit's text summary: the verdict and the path, then
 * its worst findings (every finding and hint with o->verbose; nothing
 * for a file that passed with o->quiet). */
int ck_report_text_certaudit(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* The totals line(s) from certaudit's {"totals": {...}} document. */
int ck_report_text_certaudit_totals(FILE *out, const json_t *doc, const struct ck_text_opts *o);

/* JUnit XML of certaudit documents (their "report" member is not used):
 * a <testsuite> per directory (in name order), a <testcase> per file, a
 * <failure> per finding of level error; warnings go to <system-out>.
 * Returns 0, or -1 on a write error. */
int ck_report_audit_junit(FILE *out, json_t *const *docs, size_t ndocs);

/* SARIF 2.1.0 of certaudit documents: one run whose tool.driver lists a
 * rule per finding code of the policy, and a result per finding with the
 * file as its artifact location.  Returns 0, or -1 on a write error. */
int ck_report_audit_sarif(FILE *out, json_t *const *docs, size_t ndocs,
			  const struct ck_policy *policy, const char *version);

/* ---- certaudit --format openmetrics (report-openmetrics.c) ---- */

/* certaudit's documents collected for an OpenMetrics exposition, which
 * groups the samples of each metric family: add every file's document,
 * then write once at the end. */
struct ck_metrics;

/* A new, empty collection (NULL when out of memory); _free(NULL) is a
 * no-op. */
struct ck_metrics *ck_report_metrics_new(void);
void ck_report_metrics_free(struct ck_metrics *m);

/* Add one file: its document from ck_report_audit() with chainview's
 * "report" (borrowed: the members the metrics use are kept) and,
 * with --network, its checked URL set (may be NULL; what the metrics
 * need is copied).  Returns 0, or -1 when out of memory. */
int ck_report_metrics_add(struct ck_metrics *m, const json_t *doc, const struct ck_url_set *urls);

/* Write the exposition: gauges per certificate (not_after, not_before,
 * remaining seconds; labels file, subject, issuer, serial, role,
 * sha256), per file (chain complete, valid, trusted; verdict; findings
 * by severity), per URL (up, latency), and from `totals` (certaudit's
 * {"totals": {...}} document: files audited and not, the audit's time),
 * then "# EOF".  Returns 0, or -1 on a write error or out of memory. */
int ck_report_metrics_write(FILE *out, const struct ck_metrics *m, const json_t *totals);

/* ---- Nagios plugin output (report-nagios.c) ---- */

/* A check's state; the plugin exits with its number. */
enum ck_nagios_state {
	CK_NAGIOS_OK = 0,
	CK_NAGIOS_WARNING = 1,
	CK_NAGIOS_CRITICAL = 2,
	CK_NAGIOS_UNKNOWN = 3,
};

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *ck_nagios_state_name(enum ck_nagios_state s);

/* What a run's plugin output needs, gathered document by document.
 * `tag` is the status line's first word ("CERTAUDIT"); copied.  NULL
 * when out of memory; ck_nagios_free(NULL) does nothing. */
struct ck_nagios;
struct ck_nagios *ck_nagios_new(const char *tag);
void ck_nagios_free(struct ck_nagios *n);

/* certaudit: one file's document (borrowed): the earliest expiry of the
 * certificates in its "report" (chainview's document; those of the trust
 * stores are not counted), and a line of long text per error or warning
 * of a file that does not pass.  -1 when out of memory. */
int ck_nagios_add_audit(struct ck_nagios *n, const json_t *doc);

/* certaudit's plugin output from the files added and the totals
 * document: CRITICAL when a file FAILs, WARNING when one WARNs, UNKNOWN
 * when no file was audited or `incomplete` (the run did not end well)
 * and nothing worse was found, else OK.  Performance data: days_left of
 * the earliest expiry, its warning and critical thresholds from the
 * policy (warn-days, and the levels of expires-soon and expired), and
 * the counts of the totals.  *state is set; returns 0, or -1 on a write
 * error or when out of memory. */
int ck_report_nagios_certaudit(FILE *out, struct ck_nagios *n, const json_t *totals,
			       const struct ck_policy *policy, bool incomplete,
			       enum ck_nagios_state *state);

/* aiacheck: one input's document (borrowed).  `problem`: aiacheck's
 * exit status for it is 1 (a URL a client needs fails, a runtime has a
 * problem, or any URL fails with --strict).  A line of long text per
 * failed URL, URL with a warning and runtime with a problem; each URL's
 * time is kept for the performance data, once per URL.  -1 when out of
 * memory. */
int ck_nagios_add_aiacheck(struct ck_nagios *n, const json_t *doc, bool problem);

/* aiacheck: an input that could not be read, and why. */
int ck_nagios_add_error(struct ck_nagios *n, const char *file, const char *what);

/* aiacheck's plugin output: CRITICAL when an input had a problem,
 * WARNING when a URL failed or warned without one, UNKNOWN when an
 * input could not be read or `incomplete` and nothing worse was found,
 * else OK.  Performance data: the counts of URLs and of failed ones and
 * each URL's total time in seconds.  *state is set; returns 0, or -1 on
 * a write error or when out of memory. */
int ck_report_nagios_aiacheck(FILE *out, struct ck_nagios *n, bool incomplete,
			      enum ck_nagios_state *state);

/* ---- mtlsprobe's document (report-tls.c) ---- */

/* What one probe produced, for ck_report_tls().  All borrowed. */
struct ck_report_tls_in {
	const struct ck_tls_opts *opts;
	const char *send_mode;          /* "auto", "leaf", "chain" */
	time_t at;                      /* validity time of the checks */
	unsigned connect_timeout_ms, timeout_ms; /* as used */
	const struct ck_tls_result *result;
	const struct ck_tls_match *matches;  /* one per result->requests */
	/* the client chain (leaf first): position -> index in the client
	 * document's "certificates" */
	const long *chain_index;
	size_t chain_len;
	/* per chain position: the file it came from (the credential's, or
	 * the trust store's name), and NULL for the credential or the kind
	 * of the store ("file" for --ca-file, "directory" for --ca-dir...) */
	const char *const *chain_from;
	const char *const *chain_from_kind;
	const struct ck_bundle *client; /* NULL: no client credential */
	const struct ck_analysis *client_analysis;
	const struct ck_bundle *server; /* NULL: the server sent no certificate */
	const struct ck_analysis *server_analysis;
	const struct ck_tls_verdict *verdict;
	const char *saved_chain;        /* --save-chain FILE written, or NULL */
	size_t saved_certs;             /* how many certificates it holds */
};

/* mtlsprobe's document (new reference; NULL when out of memory). */
json_t *ck_report_tls(const struct ck_report_tls_in *in);

/* mtlsprobe's text rendering of that document. */
int ck_report_text_mtlsprobe(FILE *out, const json_t *doc, const struct ck_text_opts *o);

#endif
