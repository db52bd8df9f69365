/* nc — RFC 5280 name constraints (4.2.1.10; path processing 6.1.3 (b)
 * (c) and 6.1.4 (g)).
 *
 * The validator keeps one `struct ck_nc` per candidate path: it adds the
 * nameConstraints extension of each CA certificate as it walks from the
 * anchor down, and checks every certificate below that CA.  Each CA's
 * constraints are kept as a separate set; a name must be within the
 * permitted subtrees of its form of every set that has some, and within
 * no excluded subtree of any set — the RFC's intersection of permitted
 * and union of excluded subtrees, without computing either.
 *
 * How names are compared (RFC 5280 4.2.1.10, and where it is silent,
 * the fail-safe choice of BoringSSL, Go, OpenSSL or Botan, named):
 *   dNSName  "example.com" is itself and every name below it,
 *            ".example.com" only the names below (BoringSSL, Go,
 *            OpenSSL); case-insensitive; "" is every name.  Names and
 *            constraints must be dot-separated labels of printable
 *            ASCII; no trailing dot (Go, Botan); "*" only as a name's
 *            whole first label.  For an excluded subtree a wildcard
 *            "*.b.c" also stands for "a.b.c" (BoringSSL).
 *   rfc822Name  "local@host" one mailbox (the local part exact; for an
 *            excluded subtree without regard to case, as BoringSSL),
 *            "host" the mailboxes at that host, ".domain" those below it.
 *            Mailboxes must be dot-atom@domain (a quoted local part could
 *            hide an '@').  Applies to each emailAddress attribute of the
 *            subject, SAN or not (OpenSSL), and to the SmtpUTF8Mailbox
 *            otherName (RFC 9598: by its ASCII domain; a mailbox
 *            constraint does not permit one and excludes its domain).
 *   iPAddress  address and mask, IPv4 names against IPv4 subtrees and
 *            IPv6 against IPv6; an IPv4-mapped IPv6 name is also matched
 *            against excluded IPv4 subtrees (Botan).
 *   URI      the host of scheme://[userinfo@]host[:port]/..., as a host
 *            or ".domain" constraint; a URI without such a host (urn:,
 *            mailto:, an IP literal or address, '%' escapes) cannot be
 *            checked and is refused under URI constraints (Go, OpenSSL).
 *   directoryName  the constraint's RDNs are the first RDNs of the name,
 *            compared as RFC 5280 7.1 says: attributes of an RDN in any
 *            order, string values in UTF-8 with ASCII case folded and
 *            spaces trimmed and collapsed (TeletexString and other types
 *            as bytes).  The subject is checked too; an empty one is not.
 * otherName, x400Address, ediPartyName and registeredID constraints are
 * kept but cannot be evaluated: a certificate with a name of such a form
 * under such a constraint is refused, one without is not concerned.  So
 * is a subtree with a minimum other than 0 or a maximum (OpenSSL).
 *
 * Parsed with libcore's own ASN.1 definitions (pkix.asn), never with
 * gnutls_x509_ext_import_name_constraints(), which leaks on otherName
 * subtrees in GnuTLS 3.7. */
#ifndef CK_NC_H
#define CK_NC_H

#include "cert.h"
#include "err.h"

#include <stdbool.h>
#include <stddef.h>

/* Most (name, constraint) comparisons one check may make; the work of a
 * comparison is weighted by the constraint's size (a unit per 64 bytes,
 * at least one).  Above it ck_nc_check() refuses the certificate
 * instead of comparing (BoringSSL and OpenSSL cap at the same 2^20). */
#define CK_NC_MAX_WORK (1u << 20)

/* The name constraints accumulated along a path. */
struct ck_nc;

/* A new, empty accumulator: every name is permitted. */
enum ck_status ck_nc_new(struct ck_nc **out);

/* Free it; NULL is a no-op. */
void ck_nc_free(struct ck_nc *nc);

/* Add one CA certificate's nameConstraints extension value: der[0..len)
 * is the DER of NameConstraints (the extnValue content, as
 * ck_cert_ext_find(ca, "2.5.29.30", &ext) gives it in ext.value/len).
 * The bytes are borrowed for the call only.  `ca_subject` (copied; NULL
 * reads "the CA") names the CA in the messages of ck_nc_check().
 *
 * CK_E_PARSE, with a one-line reason in err, when the extension is
 * malformed: not a NameConstraints, neither subtree list present, an
 * empty list, an iPAddress constraint that is not address+mask of 8 or
 * 32 bytes or whose mask is not contiguous, a dNSName, rfc822Name or URI
 * constraint that is not a host or domain (bytes other than printable
 * ASCII, empty labels, a URI constraint naming a scheme or an address),
 * a directoryName that is not a Name.  The validator treats that as an
 * invalid chain.  On failure nc is unchanged.  CK_E_NOMEM when out of
 * memory. */
enum ck_status ck_nc_add(struct ck_nc *nc, const unsigned char *der, size_t len,
			 const char *ca_subject, struct ck_error *err);

/* Number of CA sets added so far. */
size_t ck_nc_count(const struct ck_nc *nc);

/* Flags of ck_nc_check().  A bool true given as flags is CK_NC_LEAF. */
#define CK_NC_LEAF 1u     /* cert is the path's target certificate */
#define CK_NC_CHECK_CN 2u /* also each subject CN that looks like a host name,
			   * as a dNSName, when there is no dNSName SAN */

/* Check every name of `cert` against every set added so far: its subject
 * DN (as a directoryName; an empty subject is not checked), each
 * emailAddress attribute of its subject (as an rfc822Name), and each
 * name of its subjectAltName extension.
 *
 * RFC 5280 6.1.3 (b)/(c) exempt self-issued certificates that are not
 * the last of the path: without CK_NC_LEAF, a self-issued `cert` (issuer
 * and subject equal by the 7.1 comparison) is not checked and true is
 * returned.  Give CK_NC_LEAF for the path's target certificate, which is
 * checked even when self-issued.
 *
 * The subject CN is no name form of RFC 5280 and is not checked, unless
 * CK_NC_CHECK_CN and CK_NC_LEAF: then, when the certificate has no
 * dNSName SAN, each CN
 * that is a host name of two or more labels (letters, digits, '_',
 * inner '-' and '.'; OpenSSL's rule, which GnuTLS shares for TLS server
 * certificates) is checked as a dNSName.  OpenSSL 3 and GnuTLS refuse a
 * CN-only certificate outside a CA's dNSName constraints; a profile
 * that follows them sets the flag.
 *
 * Returns true when every name is within the permitted subtrees and none
 * within an excluded one.  Otherwise false, and why[0..whysize) (which
 * may be NULL/0) holds one line naming the name, the constraint and the
 * CA, e.g. "DNS:evil.example is not within the permitted
 * DNS:.example.com of CN=Sub CA".  Also false, with the reason, when the
 * certificate cannot be checked: a subjectAltName or subject that cannot
 * be parsed while constraints apply, a name of a form whose constraints
 * cannot be evaluated (otherName, x400Address, ediPartyName,
 * registeredID, or a subtree with minimum/maximum), a name that cannot
 * be compared with a constraint of its form (a mailbox with a quoted
 * local part, a URI without a host or with an IP address as host, an
 * iPAddress of a length other than 4 or 16), more work than
 * CK_NC_MAX_WORK, or no memory.  With no set added, always true. */
bool ck_nc_check(const struct ck_nc *nc, const struct ck_cert *cert, unsigned flags,
		 char *why, size_t whysize);

#endif
