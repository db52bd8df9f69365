/* bundle — what load makes of an input: certificates, keys, notes and
 * what the container told (PKCS#12 protection, keystore entries), with
 * the password supply the readers share.
 *
 * The readers (load, pkcs12, jks) fill a bundle through these
 * functions; none of them is needed to hold or free one.  A bundle owns
 * everything in it. */
#ifndef CK_BUNDLE_H
#define CK_BUNDLE_H

#include "cert.h"
#include "err.h"
#include "findings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ck_format {
	CK_FMT_UNKNOWN = 0,
	CK_FMT_PKCS12,
	CK_FMT_PEM,
	CK_FMT_DER,
	CK_FMT_PKCS7,
	CK_FMT_JKS,
	CK_FMT_BASE64,
};

/* "pkcs12", "pem", ... as in the JSON contract. */
const char *ck_format_name(enum ck_format f);

/* A private key, normalized to unencrypted PKCS#8 DER.  The DER is
 * wiped when the key is freed. */
struct ck_key {
	unsigned char *pkcs8;
	size_t pkcs8_len;
	int pk_algo;                   /* gnutls_pk_algorithm_t */
	unsigned bits;
	int curve;                     /* gnutls_ecc_curve_t or 0 */
	unsigned char spki_sha256[32]; /* SHA-256 of its SubjectPublicKeyInfo */
	bool was_encrypted;
	char *friendly_name;
	unsigned char *local_key_id;
	size_t local_key_id_len;
};

void ck_key_free(struct ck_key *key);

/* Key type name ("RSA", "EC", ...) and curve name or NULL. */
const char *ck_key_type(const struct ck_key *key);
const char *ck_key_curve_name(const struct ck_key *key);

/* How one PKCS#12 SafeContents (or shrouded key bag) was protected. */
struct ck_p12_bag_info {
	char *content;     /* "certificates", "key", "keys and certificates", ... */
	bool encrypted;
	char *cipher;      /* "AES-256-CBC", "3DES-CBC", "RC2-40-CBC", NULL if plain */
	char *kdf;         /* "PBKDF2-HMAC-SHA256", "PKCS12-KDF-SHA1", NULL */
	char *scheme;      /* "PBES2", "PKCS12-PBE", NULL */
	unsigned iterations;
	unsigned salt_len;
};

struct ck_p12_info {
	bool has_mac;
	char *mac_algorithm;  /* "SHA256", ... */
	unsigned mac_iterations;
	unsigned mac_salt_len;
	/* which password opened it: "absent", "empty", "given" */
	const char *password_kind;
	struct ck_p12_bag_info *bags;
	size_t nbags;
};

/* Something the loader noticed and did not treat as an error: a bag
 * type it skipped, text around PEM blocks... Becomes a finding. */
struct ck_note {
	enum ck_finding_id id; /* at its registry severity */
	char *message;
	char *hint;      /* what to do about it; NULL when there is nothing to say */
};

/* A PEM block whose BEGIN does not start its line.  OpenSSL's PEM
 * reader takes a BEGIN only at the start of a line and an END only when
 * a newline follows its dashes, so it stops at a block glued to the
 * previous END ("bad end line") and skips one after other text; load
 * reads both kinds, records each here and notes it (pem-glued-blocks). */
enum ck_pem_glue_kind {
	CK_GLUE_AFTER_END,    /* right after the previous block's END (blanks at most) */
	CK_GLUE_TEXT_BETWEEN, /* after the previous block's END and other text */
	CK_GLUE_AFTER_TEXT,   /* after text that is not an END line */
};

struct ck_pem_glue {
	enum ck_pem_glue_kind kind;
	unsigned block; /* the block that starts mid-line, 1-based, counting every block */
	unsigned line;  /* the line it starts on, 1-based */
};

enum ck_jks_entry_type {
	CK_JKS_PRIVATE_KEY = 1,
	CK_JKS_TRUSTED_CERT = 2,
	CK_JKS_SECRET_KEY = 3, /* JCEKS only */
};

struct ck_jks_entry {
	enum ck_jks_entry_type type;
	char *alias;          /* UTF-8 (converted from Java's modified UTF-8) */
	int64_t date_ms;      /* creation date, milliseconds since 1970 (UTC) */
	char *cert_type;      /* "X.509" as stored (version 2), NULL in version 1 */
	size_t first_cert;    /* index in the bundle of its first certificate */
	size_t ncerts;        /* certificates it put in the bundle */
	size_t chain_len;     /* certificates the entry holds (key entries) */
	size_t key_len;       /* bytes of the protected key */
	size_t key_off;       /* where they start in the file (key entries) */
	bool key_decrypted;   /* the key is in the bundle (see ck_jks_load) */
	int64_t offset;       /* byte offset of the entry in the file */
};

struct ck_jks_info {
	bool jceks;           /* magic 0xcececece */
	unsigned version;     /* 1 or 2 */
	struct ck_jks_entry *entries;
	size_t nentries;
	/* The integrity hash: checked (and matched) or not checked because
	 * no password given matched; a mismatch with a given password is
	 * an error, not a state. */
	bool integrity_checked;
	const char *password_kind; /* "given", "default", "empty"; NULL if not checked */
	size_t skipped_certs;      /* certificates of a type other than X.509 */
};

void ck_jks_info_free(struct ck_jks_info *info);

struct ck_bundle {
	char *name;
	enum ck_format format;
	struct ck_cert **certs; /* in input order */
	size_t ncerts;
	struct ck_key **keys;
	size_t nkeys;
	struct ck_p12_info *p12; /* NULL unless PKCS#12 */
	struct ck_jks_info *jks; /* NULL unless JKS or JCEKS */
	struct ck_note *notes;
	size_t nnotes;
	struct ck_pem_glue *glued; /* PEM: blocks that start mid-line, in input order */
	size_t nglued;
};

void ck_bundle_free(struct ck_bundle *b);

/* Password supply.  `value` is the password the user gave (NULL: none).
 * With none given, the loader tries the absent and the empty password,
 * then calls `ask` (if not NULL) with attempt = 1, 2, ...; `ask` returns
 * CK_OK and a malloc'ed string it gives up, or CK_E_PASSWORD to stop. */
struct ck_password {
	const char *value;
	/* The password of the private-key entries of a JKS or JCEKS
	 * keystore that have one of their own (keytool -keypass), tried
	 * after `value`; NULL: none.  Given, a key that decrypts with
	 * neither is an error (CK_E_BAD_PASSWORD naming its alias). */
	const char *key_value;
	enum ck_status (*ask)(void *ctx, const char *input, unsigned attempt,
			      char **out);
	void *ctx;
};

/* Append to a bundle (ownership moves on success). */
enum ck_status ck_bundle_add_cert(struct ck_bundle *b, struct ck_cert *c);
enum ck_status ck_bundle_add_key(struct ck_bundle *b, struct ck_key *k);

/* Record a note (becomes the finding `id`). */
enum ck_status ck_bundle_note(struct ck_bundle *b, enum ck_finding_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with the hint its finding carries (NULL: none). */
enum ck_status ck_bundle_note_hint(struct ck_bundle *b, enum ck_finding_id id, const char *hint,
				   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The password candidates for one input, in the order DESIGN gives:
 * the given password only; or absent, empty, then what `ask` returns.
 * Used by the PKCS#12, key and keystore readers. */
struct ck_pw_iter {
	const struct ck_password *pw;
	const char *input;
	unsigned step;
	char *asked;
};

void ck_pw_iter_init(struct ck_pw_iter *it, const struct ck_password *pw,
		     const char *input);
/* Next candidate: CK_OK with *pass (NULL means the absent password) and
 * *kind ("absent", "empty", "given"); CK_E_PASSWORD when none is left
 * and none was ever given; CK_E_BAD_PASSWORD when the given or prompted
 * ones are used up. */
enum ck_status ck_pw_iter_next(struct ck_pw_iter *it, const char **pass,
			       const char **kind);
void ck_pw_iter_cleanup(struct ck_pw_iter *it);

/* Move every certificate and key of `src` to the end of `dst`, and its
 * glue records (their block numbers still count the blocks of `src`). */
enum ck_status ck_bundle_merge(struct ck_bundle *dst, struct ck_bundle *src);

#endif
