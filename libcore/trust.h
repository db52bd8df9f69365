/* trust — trust stores: the system store, files and directories of
 * certificates in any format load reads.
 *
 * libcore reads no environment: the tool passes the system store's
 * locations (SSL_CERT_FILE / SSL_CERT_DIR, as OpenSSL honours them)
 * in struct ck_trust_opts. */
#ifndef CK_TRUST_H
#define CK_TRUST_H

#include "chain.h"
#include "load.h"

#ifndef CK_SYSTEM_TRUST_FILE
#define CK_SYSTEM_TRUST_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

struct ck_trust_store {
	char *name;   /* "system", or the path given */
	char *kind;   /* "system", "file", "directory" */
	struct ck_cert **certs;
	size_t ncerts;
	size_t skipped; /* files in a directory that held no certificate */
};

struct ck_trust {
	struct ck_trust_store **stores;
	size_t nstores;
};

struct ck_trust_opts {
	bool system;               /* include the system store */
	const char *system_file;   /* SSL_CERT_FILE, or NULL */
	const char *system_dirs;   /* SSL_CERT_DIR (colon-separated), or NULL */
	const char *const *files;  /* --ca-file, NULL-terminated, may be NULL */
	const char *const *dirs;   /* --ca-dir, NULL-terminated, may be NULL */
	const struct ck_password *password; /* for PKCS#12 trust files */
	size_t max_size;           /* per file; 0 = load's default */
};

/* Load every store asked for.  A missing system bundle is an empty
 * store, not an error; an unreadable --ca-file or --ca-dir is. */
enum ck_status ck_trust_load(const struct ck_trust_opts *opts, struct ck_trust **out,
			     struct ck_error *err);
void ck_trust_free(struct ck_trust *trust);

/* Load one file or one directory as a store of its own. */
enum ck_status ck_trust_store_load_file(const char *path, const char *kind,
					const struct ck_trust_opts *opts,
					struct ck_trust_store **out, struct ck_error *err);
enum ck_status ck_trust_store_load_dir(const char *path, const char *kind,
				       const struct ck_trust_opts *opts,
				       struct ck_trust_store **out, struct ck_error *err);
void ck_trust_store_free(struct ck_trust_store *store);

/* Add every certificate of every store to the pool as an anchor. */
enum ck_status ck_trust_add_to_pool(const struct ck_trust *trust, struct ck_pool *pool);

/* Total number of certificates. */
size_t ck_trust_count(const struct ck_trust *trust);

#endif
