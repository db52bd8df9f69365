/* mkbundle — write a shuffled PEM bundle of 1 root, N intermediates and M
 * leaves (round-robin under the intermediates), for the benchmarks.
 *
 *   mkbundle INTERMEDIATES LEAVES SEED [rsa|ecdsa [ROOT]] > bundle.pem
 *
 * With ROOT, the root is also written alone to that file (the trust
 * anchor, for benchmarks that validate the chains).
 * CAs get keys of their own (RSA-2048, or ECDSA P-256 with ecdsa, which
 * also signs with ECDSA); every leaf shares one key of the same type
 * (key generation would otherwise dominate), but each leaf has its own
 * serial, name and signature, so every link has to be verified. */
#include "config.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                      \
	do {                                                                          \
		int r_ = (x);                                                         \
		if (r_ < 0) {                                                         \
			fprintf(stderr, "mkbundle: %s: %s\n", #x, gnutls_strerror(r_)); \
			exit(1);                                                      \
		}                                                                     \
	} while (0)

static bool ecdsa;

static gnutls_x509_privkey_t new_key(void)
{
	gnutls_x509_privkey_t k;
	CHECK(gnutls_x509_privkey_init(&k));
	if (ecdsa)
		CHECK(gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA,
				GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
	else
		CHECK(gnutls_x509_privkey_generate(k, GNUTLS_PK_RSA, 2048, 0));
	return k;
}

static gnutls_x509_crt_t make(const char *cn, unsigned serial, bool ca,
			      gnutls_x509_privkey_t key, gnutls_x509_crt_t issuer,
			      gnutls_x509_privkey_t issuer_key)
{
	gnutls_x509_crt_t c;
	unsigned char s[4] = { serial >> 24, serial >> 16, serial >> 8, serial };
	unsigned char id[20];
	size_t idlen = sizeof id;

	CHECK(gnutls_x509_crt_init(&c));
	CHECK(gnutls_x509_crt_set_version(c, 3));
	CHECK(gnutls_x509_crt_set_serial(c, s, sizeof s));
	CHECK(gnutls_x509_crt_set_activation_time(c, 1577836800));  /* 2020-01-01 */
	CHECK(gnutls_x509_crt_set_expiration_time(c, 3155760000LL)); /* 2070-01-01 */
	CHECK(gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "chainkit bench", 14));
	CHECK(gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn)));
	CHECK(gnutls_x509_crt_set_key(c, key));
	CHECK(gnutls_x509_crt_set_basic_constraints(c, ca, -1));
	CHECK(gnutls_x509_crt_set_key_usage(c, ca ? GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN :
						    GNUTLS_KEY_DIGITAL_SIGNATURE));
	CHECK(gnutls_x509_privkey_get_key_id(key, 0, id, &idlen));
	CHECK(gnutls_x509_crt_set_subject_key_id(c, id, idlen));
	if (issuer) {
		idlen = sizeof id;
		CHECK(gnutls_x509_crt_get_subject_key_id(issuer, id, &idlen, NULL));
		CHECK(gnutls_x509_crt_set_authority_key_id(c, id, idlen));
		CHECK(gnutls_x509_crt_set_authority_info_access(c, GNUTLS_IA_CAISSUERS_URI,
				&(gnutls_datum_t){ (unsigned char *)"http://127.0.0.1:18080/ca.crt", 29 }));
		CHECK(gnutls_x509_crt_sign2(c, issuer, issuer_key, GNUTLS_DIG_SHA256, 0));
	} else {
		CHECK(gnutls_x509_crt_sign2(c, c, key, GNUTLS_DIG_SHA256, 0));
	}
	return c;
}

static char *pem(gnutls_x509_crt_t c)
{
	gnutls_datum_t d;
	char *s;
	CHECK(gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d));
	s = malloc(d.size + 1);
	memcpy(s, d.data, d.size);
	s[d.size] = '\0';
	gnutls_free(d.data);
	return s;
}

int main(int argc, char **argv)
{
	unsigned nint, nleaf, seed, total, k = 0;
	gnutls_x509_privkey_t root_key, leaf_key, *int_keys;
	gnutls_x509_crt_t root, *ints;
	char **out, cn[64];

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: mkbundle INTERMEDIATES LEAVES SEED [rsa|ecdsa [ROOT]]\n");
		return 2;
	}
	if (argc >= 5 && strcmp(argv[4], "rsa") && strcmp(argv[4], "ecdsa")) {
		fprintf(stderr, "mkbundle: key type is rsa or ecdsa, not '%s'\n", argv[4]);
		return 2;
	}
	ecdsa = argc >= 5 && !strcmp(argv[4], "ecdsa");
	nint = (unsigned)atoi(argv[1]);
	nleaf = (unsigned)atoi(argv[2]);
	seed = (unsigned)atoi(argv[3]);
	if (nint == 0) {
		fprintf(stderr, "mkbundle: need at least one intermediate\n");
		return 2;
	}
	total = 1 + nint + nleaf;
	out = calloc(total, sizeof *out);
	int_keys = calloc(nint, sizeof *int_keys);
	ints = calloc(nint, sizeof *ints);

	root_key = new_key();
	root = make("chainkit bench root", 1, true, root_key, NULL, NULL);
	out[k++] = pem(root);
	if (argc == 6) {
		FILE *f = fopen(argv[5], "w");
		if (!f || fputs(out[0], f) == EOF || fclose(f) != 0) {
			perror(argv[5]);
			return 1;
		}
	}
	for (unsigned i = 0; i < nint; i++) {
		int_keys[i] = new_key();
		snprintf(cn, sizeof cn, "chainkit bench intermediate %u", i);
		ints[i] = make(cn, 100 + i, true, int_keys[i], root, root_key);
		out[k++] = pem(ints[i]);
	}
	leaf_key = new_key();
	for (unsigned i = 0; i < nleaf; i++) {
		gnutls_x509_crt_t c;
		snprintf(cn, sizeof cn, "leaf-%u.bench.test", i);
		c = make(cn, 100000 + i, false, leaf_key, ints[i % nint], int_keys[i % nint]);
		out[k++] = pem(c);
		gnutls_x509_crt_deinit(c);
	}
	/* Fisher-Yates with a fixed LCG: the same shuffle for the same seed */
	for (unsigned i = total - 1; i > 0; i--) {
		unsigned j;
		char *t;
		seed = seed * 1103515245u + 12345u;
		j = (seed >> 8) % (i + 1);
		t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
	for (unsigned i = 0; i < total; i++)
		fputs(out[i], stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
