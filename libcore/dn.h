/* dn — distinguished names compared as RFC 5280 §7.1 asks.
 *
 * Two names match when they have the same RDNs in the same order, each
 * RDN the same set of attributes, and each attribute value equal after
 * string preparation: DirectoryString values (PrintableString,
 * UTF8String, TeletexString, BMPString, UniversalString) and IA5String
 * are compared as Unicode, case-folded and with insignificant spaces
 * removed (RFC 4518 §2.6.1: leading and trailing spaces dropped, inner
 * runs folded to one); other values compare byte for byte.  Name
 * chaining, the pool's issuer index and directoryName constraints all
 * use this one comparison. */
#ifndef CK_DN_H
#define CK_DN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The canonical form of a DER Name (the whole TLV): a new buffer in
 * which equal names are equal bytes, RDN after RDN.  Returns false on a
 * malformed name or out of memory (*out untouched). */
bool ck_dn_canon(const unsigned char *der, size_t len, unsigned char **out, size_t *out_len);

/* Do the two DER Names match (RFC 5280 §7.1)?  Byte-equal names match
 * without decoding; a malformed name matches only its own bytes. */
bool ck_dn_equal(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen);

/* Is `prefix` the first RDNs of `dn` (a directoryName constraint, RFC
 * 5280 §4.2.1.10)?  An empty prefix matches every name. */
bool ck_dn_has_prefix(const unsigned char *dn, size_t dnlen, const unsigned char *prefix,
		      size_t plen);

/* Number of RDNs of a DER Name; 0 when empty or malformed. */
size_t ck_dn_count(const unsigned char *der, size_t len);

/* A 64-bit hash of the canonical form (of the bytes when malformed). */
uint64_t ck_dn_hash(const unsigned char *der, size_t len);

#endif
