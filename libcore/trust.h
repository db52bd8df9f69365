/* trust — trust stores: the system store (the bundle file and hashed
 * directory OpenSSL uses, GnuTLS's default trust), files and directories
 * of certificates in any format load reads, Java keystores, and .NET's
 * Linux user stores.
 *
 * libcore reads no environment: the tool passes the system store's
 * locations (SSL_CERT_FILE / SSL_CERT_DIR, as OpenSSL honours them) and
 * HOME in struct ck_trust_opts. */
#ifndef CK_TRUST_H
#define CK_TRUST_H

#include "chain.h"
#include "load.h"

#ifndef CK_SYSTEM_TRUST_FILE
#define CK_SYSTEM_TRUST_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif
#ifndef CK_SYSTEM_TRUST_DIR
#define CK_SYSTEM_TRUST_DIR "/etc/ssl/certs"
#endif
#ifndef CK_JAVA_CACERTS
#define CK_JAVA_CACERTS "/etc/ssl/certs/java/cacerts"
#endif
/* Under HOME: one directory per store ("root", "ca", "my", ...). */
#define CK_DOTNET_STORES ".dotnet/corefx/cryptography/x509stores"

/* What one certificate of a store is, and where it came from. */
struct ck_trust_meta {
	/* A trust anchor.  False for certificates clients only search for
	 * intermediates (.NET's "ca" and "my" stores; the rest of a Java
	 * private-key entry's chain). */
	bool anchor;
	char *origin;   /* file it was read from (first one, for the system store) */
	char *alias;    /* keystore alias, NULL if none */
	char *substore; /* .NET store ("root", "ca", "my", ...), NULL otherwise */
	unsigned views; /* system store: bit i set when views[i] holds it */
};

/* One place the system store is read from. */
struct ck_trust_view {
	char *name;     /* "bundle", "directory", "gnutls" */
	char *location; /* the file, directories, or GnuTLS's description */
	size_t count;   /* distinct certificates found there */
	char *error;    /* why it could not be read (missing file...), or NULL */
};

struct ck_trust_store {
	char *name;   /* "system", "java:PATH", "dotnet:HOME", or the path given */
	char *kind;   /* "system", "file", "directory", "java", "dotnet" */
	struct ck_cert **certs;
	size_t ncerts;
	size_t skipped; /* files in a directory that held no certificate */
	struct ck_trust_meta *meta; /* parallel to certs; NULL: every one an anchor */
	struct ck_trust_view *views; /* system store only */
	size_t nviews;
	char *location;              /* the file, directory or HOME read; NULL for system */
	enum ck_format format;       /* of a single-file store, else CK_FMT_UNKNOWN */
	struct ck_jks_info *jks;     /* a Java keystore's entries and integrity, or NULL */
	bool pkcs12_mac;             /* a PKCS#12 store had a MAC (verified) */
	bool absent;                 /* location does not exist: .NET has written
					no store there yet (an empty store) */
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
	unsigned long long kdf_budget; /* per PKCS#12 file; 0 = load's default */
	const char *home;          /* HOME, for dotnet stores; NULL: none */
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

/* The views of the system store. */
enum {
	CK_VIEW_BUNDLE = 1 << 0,    /* SSL_CERT_FILE, else CK_SYSTEM_TRUST_FILE */
	CK_VIEW_DIRECTORY = 1 << 1, /* hashed names (HASH.N) in SSL_CERT_DIR, else CK_SYSTEM_TRUST_DIR */
	CK_VIEW_GNUTLS = 1 << 2,    /* gnutls_x509_trust_list_add_system_trust() */
	CK_VIEW_OPENSSL = CK_VIEW_BUNDLE | CK_VIEW_DIRECTORY,
	CK_VIEW_ALL = CK_VIEW_OPENSSL | CK_VIEW_GNUTLS,
};

/* The system store as the views in `views` see it: one store, each
 * certificate marked with the views that hold it (meta.views, bit i =
 * store->views[i]).  A view that cannot be read (no bundle file, no
 * directory) is recorded with its error and is not an error.
 * The directory view reads only hashed names, as OpenSSL looks them up.
 * The GnuTLS view asks GnuTLS for its default trust and enumerates it
 * (the file or PKCS#11 trust module GnuTLS was built with: on Debian
 * the bundle file). */
enum ck_status ck_trust_store_load_system(const struct ck_trust_opts *opts, unsigned views,
					  struct ck_trust_store **out, struct ck_error *err);

/* A Java keystore (JKS, JCEKS or PKCS#12; PEM and DER work too).
 * Anchors, as Java's TrustStoreUtil takes them: every trusted-certificate
 * entry and the first certificate of each private-key entry.  Without a
 * password, a PKCS#12 keystore is tried with the default "changeit"
 * before the usual candidates. */
enum ck_status ck_trust_store_load_java(const char *path, const struct ck_trust_opts *opts,
					struct ck_trust_store **out, struct ck_error *err);

/* .NET's Linux user stores under HOME/CK_DOTNET_STORES: every
 * subdirectory, every file in it.  "root" holds anchors; "ca", "my" and
 * the others hold certificates .NET searches for intermediates.
 * No such directory is an empty store. */
enum ck_status ck_trust_store_load_dotnet(const char *home, const struct ck_trust_opts *opts,
					  struct ck_trust_store **out, struct ck_error *err);

/* A store by the name the tools take: "system", "system:openssl",
 * "system:gnutls", "java" (CK_JAVA_CACERTS), "java:PATH", "dotnet"
 * (opts->home), "dotnet:HOME", or a path (a file: any format load
 * reads; a directory: every file in it).  CK_E_USAGE for "dotnet"
 * without a home, or an unknown "system:" view. */
enum ck_status ck_trust_store_open(const char *spec, const struct ck_trust_opts *opts,
				   struct ck_trust_store **out, struct ck_error *err);

/* Add every certificate of every store to the pool (anchors as
 * meta.anchor says). */
enum ck_status ck_trust_add_to_pool(const struct ck_trust *trust, struct ck_pool *pool);

/* Total number of certificates. */
size_t ck_trust_count(const struct ck_trust *trust);

/* Index of the store's certificate with the same DER as `c`; with
 * `same_key`, also one with the same subject and key.  -1 if none. */
long ck_trust_store_find(const struct ck_trust_store *s, const struct ck_cert *c,
			 bool same_key);

/* What a search pattern matched in a certificate (bits). */
enum {
	CK_MATCH_SUBJECT = 1 << 0, /* case-insensitive substring of the subject */
	CK_MATCH_SHA256 = 1 << 1,  /* hex prefix of the SHA-256 fingerprint */
	CK_MATCH_SHA1 = 1 << 2,    /* hex prefix of the SHA-1 fingerprint */
	CK_MATCH_KEY_ID = 1 << 3,  /* hex prefix of the subject key identifier */
};
/* Hex matching needs CK_MATCH_MIN_HEX digits at least (colons and
 * spaces between them are ignored). */
#define CK_MATCH_MIN_HEX 6
unsigned ck_trust_match(const struct ck_cert *c, const char *pattern);

/* A difference between two stores. */
enum ck_trust_change {
	CK_CHANGE_ADDED,   /* only in b */
	CK_CHANGE_REMOVED, /* only in a */
	CK_CHANGE_CHANGED, /* same subject, different certificate */
};
struct ck_trust_diff_item {
	enum ck_trust_change change;
	long a, b;          /* indices in the stores, -1 when absent */
	bool key, validity; /* CHANGED: the key / the validity period differs */
};
/* Compare by certificate (DER): certificates in both are the same;
 * a certificate only in a and one only in b with the same subject are
 * one "changed" pair; the rest is removed or added.  *nsame counts the
 * certificates in both. */
enum ck_status ck_trust_diff(const struct ck_trust_store *a, const struct ck_trust_store *b,
			     struct ck_trust_diff_item **items, size_t *nitems, size_t *nsame);

#endif
