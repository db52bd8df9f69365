/* jks — read Java KeyStores: JKS (Sun's "JKS" type) and JCEKS (part of load).
 *
 * Hand-written because no C library reads these formats.  Trusted
 * certificate entries and the certificate chains of private-key entries
 * become certificates of the bundle (the alias is their friendly name);
 * private keys are decrypted with the keystore's password when it is
 * known (JKS: Sun's KeyProtector; JCEKS: PBEWithMD5AndTripleDES) and
 * added to the bundle.  The keystore's integrity hash is checked when
 * the password is known. */
#ifndef CK_JKS_H
#define CK_JKS_H

#include "bundle.h"

#include <stdint.h>

#define CK_JKS_MAGIC 0xfeedfeedu
#define CK_JCEKS_MAGIC 0xcecececeu

/* Most entries, and most certificates in one private-key entry, we
 * accept; more is treated as a corrupt file. */
#define CK_JKS_MAX_ENTRIES 100000u
#define CK_JKS_MAX_CHAIN 100u

/* The password Java's tools use when none is given. */
#define CK_JKS_DEFAULT_PASSWORD "changeit"

/* "private-key", "trusted-certificate", "secret-key". */
const char *ck_jks_entry_type_name(enum ck_jks_entry_type t);


/* A password as Java hands it to the keystore code: String.toCharArray,
 * UTF-16 code units (a character beyond the BMP is a surrogate pair),
 * each big-endian — what the integrity hash and Sun's KeyProtector
 * hash, and what keytool makes of the same password typed as UTF-8.
 * `pw` is UTF-8; a byte that does not start a valid sequence (overlong,
 * a surrogate, past U+10FFFF, cut short) becomes U+FFFD, as Java's
 * decoder makes it, and sets *lossy (may be NULL).  A new buffer of
 * *out_len bytes, to wipe and free; NULL when out of memory. */
unsigned char *ck_jks_password_utf16be(const char *pw, size_t *out_len, bool *lossy);

/* Starts with the JKS or JCEKS magic. */
bool ck_jks_sniff(const unsigned char *data, size_t len);

/* Parse a keystore into `b` (certificates appended) and b->jks.
 *
 * `pw` may be NULL.  With a password value, the integrity hash must
 * match it: CK_E_BAD_PASSWORD when it does not but the default password
 * does, else CK_E_PARSE (modified file, or wrong password: the hash
 * cannot tell).  Without one, the default password ("changeit") and the
 * empty password are tried; when neither matches the hash is "not
 * checked" and that is not an error.  Nobody is prompted: certificates
 * are readable without the password.  With the password known (the one
 * that matched the hash), each private-key entry is decrypted with it
 * and its key added to the bundle (friendly name: the alias); a key
 * protected with a password of its own is decrypted with pw->key_value
 * (tried also when no password matched the hash), else stays listed,
 * not decrypted.  With pw->key_value given, a key that decrypts with
 * neither is CK_E_BAD_PASSWORD naming its alias, and nothing is kept.
 *
 * Every length is bounded by the bytes left and every count by what the
 * bytes left can hold; corrupt input gives CK_E_PARSE with the offset.
 * `kdf_budget` bounds the key derivations as for a PKCS#12 file (0:
 * CK_P12_KDF_BUDGET_DEFAULT): a JCEKS key costs twice its iteration
 * count (up to 5,000,000, and the integrity hash has no secret, so a
 * crafted keystore could otherwise hold thousands of such keys); a key
 * over what is left stays listed, not decrypted. */
enum ck_status ck_jks_load(struct ck_bundle *b, const unsigned char *data, size_t len,
			   const struct ck_password *pw, unsigned long long kdf_budget,
			   struct ck_error *err);

#endif
