/* load — sniff and decode every input format into a bundle.
 *
 * Formats: PKCS#12/PFX, Java KeyStores (JKS, JCEKS: see jks.h), PEM
 * (any number of certificate, PKCS#7 and key blocks, with text around
 * them), DER (certificate, PKCS#7 SignedData in DER or BER, PKCS#12,
 * PKCS#8 key), and unarmoured base64 of any DER form.  A bundle owns everything in it.  Passwords come through
 * struct ck_password; load never prompts or prints. */
#ifndef CK_LOAD_H
#define CK_LOAD_H

#include "cert.h"
#include "err.h"
#include "findings.h"

#include <stdbool.h>
#include <stddef.h>

#define CK_LOAD_MAX_SIZE_DEFAULT (64u * 1024 * 1024)

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

/* Parse a private key in any form GnuTLS reads (PKCS#8 plain or
 * encrypted, PKCS#1, SEC1, OpenSSL's Proc-Type encryption), PEM or DER.
 * An encrypted PKCS#8 key is decrypted by ck_key_from_encrypted_pkcs8.
 * A key is taken as encrypted when PEM's label or Proc-Type header says
 * so, or when the DER is an EncryptedPrivateKeyInfo (SEQUENCE { SEQUENCE,
 * OCTET STRING }); other DER is decoded as a plain key.
 * `password` may be NULL: CK_E_PASSWORD for any encrypted key (PKCS#12's
 * absent password is ck_key_from_encrypted_pkcs8's NULL, not this one).
 * CK_E_BAD_PASSWORD: it did not decrypt. */
enum ck_status ck_key_parse(const unsigned char *data, size_t len, bool pem,
			    const char *password, struct ck_key **out,
			    struct ck_error *err);

/* Decrypt a DER EncryptedPrivateKeyInfo (an encrypted PKCS#8 key, PEM's
 * "ENCRYPTED PRIVATE KEY"): the PKCS#12 PBEs and PBES2 by libcore's code
 * (ck_pkcs8_decrypt: the password taken as OpenSSL does, bytes as given,
 * Latin-1 when not UTF-8, no NFC normalization), other algorithms by
 * GnuTLS.  `password` NULL is PKCS#12's absent password, distinct from "". */
enum ck_status ck_key_from_encrypted_pkcs8(const unsigned char *der, size_t len,
					   const char *password, struct ck_key **out,
					   struct ck_error *err);

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

struct ck_jks_info; /* jks.h */

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

struct ck_load_opts {
	size_t max_size;                  /* 0: CK_LOAD_MAX_SIZE_DEFAULT */
	const struct ck_password *password; /* may be NULL */
	/* An input without certificates or keys (an empty keystore) is not
	 * an error: trust stores may be empty. */
	bool allow_empty;
	/* Key-derivation budget of a PKCS#12 file, in iterations (see
	 * ck_pkcs12_load); 0: CK_P12_KDF_BUDGET_DEFAULT. */
	unsigned long long kdf_budget;
	/* Threads that decode the certificates of a long PEM file; 0 = one
	 * per online processor.  The bundle is the same for any number. */
	unsigned threads;
	/* Formats to refuse, for tools that expect one kind. Not used yet. */
};

/* Load bytes already in memory.  `name` labels the bundle (copied). */
enum ck_status ck_bundle_load_mem(const unsigned char *data, size_t len,
				  const char *name,
				  const struct ck_load_opts *opts,
				  struct ck_bundle **out, struct ck_error *err);

/* Read a file ("-" is stdin) and load it.  Refuses directories and
 * files over the size limit before reading them.  A PEM bundle is read
 * a piece at a time (ck_bundle_load_path). */
enum ck_status ck_bundle_load_file(const char *path,
				   const struct ck_load_opts *opts,
				   struct ck_bundle **out, struct ck_error *err);

/* The first step of ck_bundle_load_file, for a caller that looks at
 * other inputs itself: a file whose first MB holds a certificate PEM
 * block is loaded a piece at a time (never held whole: a bundle of
 * 100,000 certificates costs its records, not its text too) into *out,
 * as ck_bundle_load_mem would load it; any other file is not loaded
 * but read whole into *whole and *whole_len (NUL-terminated, as
 * ck_read_file), *out set to NULL.  The caller frees *whole. */
enum ck_status ck_bundle_load_path(const char *path, const struct ck_load_opts *opts,
				   unsigned char **whole, size_t *whole_len,
				   struct ck_bundle **out, struct ck_error *err);

/* Read a whole file ("-" is stdin) with the size limit.  *out is
 * malloc'ed (NUL-terminated for convenience; *len excludes it). */
enum ck_status ck_read_file(const char *path, size_t max_size,
			    unsigned char **out, size_t *len,
			    struct ck_error *err);

/* The same from an open descriptor (borrowed: not closed), read from
 * its current offset; `name` labels errors. */
enum ck_status ck_read_fd(int fd, const char *name, size_t max_size, unsigned char **out,
			  size_t *len, struct ck_error *err);

/* Append to a bundle (ownership moves on success). */
enum ck_status ck_bundle_add_cert(struct ck_bundle *b, struct ck_cert *c);
enum ck_status ck_bundle_add_key(struct ck_bundle *b, struct ck_key *k);

/* Record a note (becomes the finding `id`). */
enum ck_status ck_bundle_note(struct ck_bundle *b, enum ck_finding_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

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

/* The DER of an input, for tools that show its structure rather than
 * load it: the input itself (DER), each PEM block of any label, or the
 * decoded base64 text.  A block that cannot be decoded (bad base64, an
 * encrypted PEM body) has `der` NULL and `err` saying why; the others
 * are still there. */
struct ck_der_blob {
	unsigned char *der;  /* owned; NULL when err.status is set */
	size_t len;
	char *label;         /* PEM label ("CERTIFICATE"), NULL for DER and base64 */
	unsigned line;       /* PEM: line of the BEGIN line; 0 otherwise */
	struct ck_error err;
};

struct ck_der_blobs {
	enum ck_format format; /* CK_FMT_DER, CK_FMT_PEM or CK_FMT_BASE64 */
	struct ck_der_blob *blobs;
	size_t n;
};

/* Split data[0..len) (`name` labels errors) into its DER blobs.  Fails
 * only for an input with nothing in it (empty, or PEM markers without a
 * block) or when out of memory. */
enum ck_status ck_der_blobs_load(const unsigned char *data, size_t len, const char *name,
				 struct ck_der_blobs **out, struct ck_error *err);
void ck_der_blobs_free(struct ck_der_blobs *b);

/* Move every certificate and key of `src` to the end of `dst`, and its
 * glue records (their block numbers still count the blocks of `src`). */
enum ck_status ck_bundle_merge(struct ck_bundle *dst, struct ck_bundle *src);

#endif
