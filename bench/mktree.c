/* mktree — write a tree of small bundles for the certaudit benchmark:
 *
 *   mktree DIR LEAVES
 *
 *   DIR/ca.pem                 the root (the one CA file)
 *   DIR/int.pem                the intermediate
 *   DIR/tree/NNN/leaf-N.pem    leaf N and the intermediate, 100 per directory
 *
 * RSA-2048 and SHA-256 throughout; every leaf shares one key (key
 * generation would otherwise dominate) but has its own serial, name and
 * signature.  Leaves are valid 2030-01-01 .. 2030-12-31 (audit them
 * --at 2030-06-01), so the default policy passes every one. */
#include "config.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK(x)                                                                      \
	do {                                                                          \
		int r_ = (x);                                                         \
		if (r_ < 0) {                                                         \
			fprintf(stderr, "mktree: %s: %s\n", #x, gnutls_strerror(r_)); \
			exit(1);                                                      \
		}                                                                     \
	} while (0)

static gnutls_x509_privkey_t new_key(void)
{
	gnutls_x509_privkey_t k;
	CHECK(gnutls_x509_privkey_init(&k));
	CHECK(gnutls_x509_privkey_generate(k, GNUTLS_PK_RSA, 2048, 0));
	return k;
}

static gnutls_x509_crt_t make(const char *cn, unsigned serial, bool ca, gnutls_x509_privkey_t key,
			      gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key)
{
	gnutls_x509_crt_t c;
	unsigned char s[4] = { serial >> 24, serial >> 16, serial >> 8, serial };
	unsigned char id[20];
	size_t idlen = sizeof id;

	CHECK(gnutls_x509_crt_init(&c));
	CHECK(gnutls_x509_crt_set_version(c, 3));
	CHECK(gnutls_x509_crt_set_serial(c, s, sizeof s));
	if (ca) {
		CHECK(gnutls_x509_crt_set_activation_time(c, 1577836800));  /* 2020-01-01 */
		CHECK(gnutls_x509_crt_set_expiration_time(c, 3155760000LL)); /* 2070-01-01 */
	} else {
		CHECK(gnutls_x509_crt_set_activation_time(c, 1893456000));  /* 2030-01-01 */
		CHECK(gnutls_x509_crt_set_expiration_time(c, 1924905600));  /* 2030-12-31 */
	}
	CHECK(gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "chainkit bench", 14));
	CHECK(gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn)));
	CHECK(gnutls_x509_crt_set_key(c, key));
	CHECK(gnutls_x509_crt_set_basic_constraints(c, ca, -1));
	CHECK(gnutls_x509_crt_set_key_usage(c, ca ? GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN :
						    GNUTLS_KEY_DIGITAL_SIGNATURE));
	if (!ca)
		CHECK(gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_SERVER, 0));
	CHECK(gnutls_x509_privkey_get_key_id(key, 0, id, &idlen));
	CHECK(gnutls_x509_crt_set_subject_key_id(c, id, idlen));
	if (issuer) {
		idlen = sizeof id;
		CHECK(gnutls_x509_crt_get_subject_key_id(issuer, id, &idlen, NULL));
		CHECK(gnutls_x509_crt_set_authority_key_id(c, id, idlen));
		CHECK(gnutls_x509_crt_sign2(c, issuer, issuer_key, GNUTLS_DIG_SHA256, 0));
	} else {
		CHECK(gnutls_x509_crt_sign2(c, c, key, GNUTLS_DIG_SHA256, 0));
	}
	return c;
}

static void write_pem(const char *path, gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	FILE *f = fopen(path, "w");
	gnutls_x509_crt_t certs[2] = { a, b };

	if (!f) {
		fprintf(stderr, "mktree: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (int i = 0; i < 2 && certs[i]; i++) {
		gnutls_datum_t d;
		CHECK(gnutls_x509_crt_export2(certs[i], GNUTLS_X509_FMT_PEM, &d));
		fwrite(d.data, 1, d.size, f);
		gnutls_free(d.data);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "mktree: %s: write error\n", path);
		exit(1);
	}
}

static void mkdir_or_die(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "mktree: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	gnutls_x509_privkey_t root_key, int_key, leaf_key;
	gnutls_x509_crt_t root, inter;
	char path[4096], cn[64];
	unsigned n;

	if (argc != 3 || (n = (unsigned)atoi(argv[2])) == 0) {
		fprintf(stderr, "usage: mktree DIR LEAVES\n");
		return 2;
	}
	mkdir_or_die(argv[1]);
	snprintf(path, sizeof path, "%s/tree", argv[1]);
	mkdir_or_die(path);
	root_key = new_key();
	int_key = new_key();
	leaf_key = new_key();
	root = make("chainkit bench root", 1, true, root_key, NULL, NULL);
	inter = make("chainkit bench intermediate", 2, true, int_key, root, root_key);
	snprintf(path, sizeof path, "%s/ca.pem", argv[1]);
	write_pem(path, root, NULL);
	snprintf(path, sizeof path, "%s/int.pem", argv[1]);
	write_pem(path, inter, NULL);
	for (unsigned i = 0; i < n; i++) {
		gnutls_x509_crt_t c;
		if (i % 100 == 0) {
			snprintf(path, sizeof path, "%s/tree/%03u", argv[1], i / 100);
			mkdir_or_die(path);
		}
		snprintf(cn, sizeof cn, "leaf-%u.bench.test", i);
		c = make(cn, 100000 + i, false, leaf_key, inter, int_key);
		snprintf(path, sizeof path, "%s/tree/%03u/leaf-%u.pem", argv[1], i / 100, i);
		write_pem(path, c, inter);
		gnutls_x509_crt_deinit(c);
	}
	return 0;
}
