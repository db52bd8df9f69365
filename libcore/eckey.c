/* eckey — complete an EC private key that has no public point.
 *
 * The structures are read with libtasn1 (pkix.asn's PrivateKeyInfo,
 * ECParameters, ECPrivateKey); the point is d·G computed by hogweed's
 * ecc_point_mul_g, the same code GnuTLS signs with; the key goes to
 * GnuTLS as raw numbers (gnutls_x509_privkey_import_ecc_raw), which then
 * exports it as a complete PKCS#8 and checks, in
 * gnutls_x509_privkey_verify_params, that the point is d·G.  Only named
 * curves: Java and OpenSSL write those, and an explicit curve is a
 * different refusal (GnuTLS reads no explicit parameters at all). */
#include "config.h"

#include "eckey.h"
#include "der.h"

#include <gnutls/gnutls.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <stdlib.h>
#include <string.h>

#define OID_EC_PUBLIC_KEY "1.2.840.10045.2.1"
#define EC_MAX_FIELD 66 /* P-521 */

static const struct ecc_curve *nettle_curve(gnutls_ecc_curve_t c)
{
	switch (c) {
	case GNUTLS_ECC_CURVE_SECP192R1: return nettle_get_secp_192r1();
	case GNUTLS_ECC_CURVE_SECP224R1: return nettle_get_secp_224r1();
	case GNUTLS_ECC_CURVE_SECP256R1: return nettle_get_secp_256r1();
	case GNUTLS_ECC_CURVE_SECP384R1: return nettle_get_secp_384r1();
	case GNUTLS_ECC_CURVE_SECP521R1: return nettle_get_secp_521r1();
	default: return NULL;
	}
}

static bool has_element(asn1_node node, const char *name)
{
	int n = 0;
	return asn1_read_value(node, name, NULL, &n) != ASN1_ELEMENT_NOT_FOUND;
}

/* The curve named by ECParameters' DER (an AlgorithmIdentifier's
 * parameters); 0 when it is not a named curve GnuTLS knows. */
static gnutls_ecc_curve_t curve_of_params(const unsigned char *der, size_t len)
{
	asn1_node p = NULL;
	char oid[64];
	gnutls_ecc_curve_t c = GNUTLS_ECC_CURVE_INVALID;

	if (!ck_der_decode("CHAINKIT.ECParameters", der, len, &p, NULL) &&
	    ck_der_read_oid(p, "namedCurve", oid, sizeof oid))
		c = gnutls_oid_to_ecc_curve(oid);
	asn1_delete_structure(&p);
	return c;
}

/* The scalar and the curve of a key without its public point: the
 * ECPrivateKey alone (SEC1) or inside a PrivateKeyInfo (PKCS#8). */
static enum ck_status bare_key(const unsigned char *der, size_t len, unsigned char **d,
			       size_t *d_len, gnutls_ecc_curve_t *curve)
{
	asn1_node pki = NULL, ec = NULL;
	unsigned char *inner = NULL, *params = NULL;
	size_t inner_len = 0, params_len = 0;
	gnutls_ecc_curve_t c = GNUTLS_ECC_CURVE_INVALID;
	enum ck_status rc = CK_E_UNSUPPORTED;
	char oid[64];

	if (!ck_der_decode("CHAINKIT.PrivateKeyInfo", der, len, &pki, NULL)) {
		if (!ck_der_read_oid(pki, "privateKeyAlgorithm.algorithm", oid, sizeof oid) ||
		    strcmp(oid, OID_EC_PUBLIC_KEY) != 0 ||
		    !ck_der_read_bytes(pki, "privateKeyAlgorithm.parameters", &params, &params_len) ||
		    !ck_der_read_bytes(pki, "privateKey", &inner, &inner_len))
			goto out;
		c = curve_of_params(params, params_len);
		der = inner;
		len = inner_len;
	}
	if (ck_der_decode("CHAINKIT.ECPrivateKey", der, len, &ec, NULL) ||
	    has_element(ec, "publicKey"))
		goto out;
	if (c == GNUTLS_ECC_CURVE_INVALID && ck_der_read_oid(ec, "parameters.namedCurve", oid, sizeof oid))
		c = gnutls_oid_to_ecc_curve(oid);
	if (c == GNUTLS_ECC_CURVE_INVALID || !nettle_curve(c) ||
	    !ck_der_read_bytes(ec, "privateKey", d, d_len))
		goto out;
	*curve = c;
	rc = CK_OK;
out:
	if (inner) {
		gnutls_memset(inner, 0, inner_len);
		free(inner);
	}
	free(params);
	/* the decoded trees hold copies of the private scalar */
	asn1_delete_structure2(&pki, ASN1_DELETE_FLAG_ZEROIZE);
	asn1_delete_structure2(&ec, ASN1_DELETE_FLAG_ZEROIZE);
	return rc;
}

static void mpz_wipe(mpz_t z)
{
	size_t n = mpz_size(z);
	if (n)
		gnutls_memset(mpz_limbs_modify(z, (mp_size_t)n), 0, n * sizeof(mp_limb_t));
	mpz_clear(z);
}

/* Q = d·G as two big-endian coordinates of the field's size. */
static bool public_point(const struct ecc_curve *ec, const unsigned char *d, size_t d_len,
			 unsigned char *qx, unsigned char *qy, size_t size)
{
	struct ecc_scalar s;
	struct ecc_point q;
	mpz_t z, x, y;
	bool ok = false;

	mpz_init(z);
	mpz_init(x);
	mpz_init(y);
	nettle_mpz_set_str_256_u(z, d_len, d);
	ecc_scalar_init(&s, ec);
	ecc_point_init(&q, ec);
	if (ecc_scalar_set(&s, z)) { /* 0 < d < n */
		ecc_point_mul_g(&q, &s);
		ecc_point_get(&q, x, y);
		nettle_mpz_get_str_256(size, qx, x);
		nettle_mpz_get_str_256(size, qy, y);
		ok = true;
	}
	ecc_point_clear(&q);
	/* ecc_scalar_clear frees d's limbs without wiping them */
	gnutls_memset(s.p, 0, (size_t)ecc_size(ec) * sizeof *s.p);
	ecc_scalar_clear(&s);
	mpz_wipe(z);
	mpz_clear(x);
	mpz_clear(y);
	return ok;
}

enum ck_status ck_eckey_import_bare(gnutls_x509_privkey_t x, const unsigned char *der,
				    size_t len, struct ck_error *err)
{
	unsigned char *d = NULL, qx[EC_MAX_FIELD], qy[EC_MAX_FIELD];
	size_t d_len = 0, size;
	gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
	const struct ecc_curve *ec;
	gnutls_datum_t gx = { qx, 0 }, gy = { qy, 0 }, gk;
	enum ck_status rc;
	int ret;

	if ((rc = bare_key(der, len, &d, &d_len, &curve)))
		return rc; /* not ours: no message, the caller has its own */
	ec = nettle_curve(curve);
	size = ((size_t)ecc_bit_size(ec) + 7) / 8;
	if (!public_point(ec, d, d_len, qx, qy, size)) {
		rc = ck_error_set(err, CK_E_PARSE,
				  "EC private key cannot be read (the private value is not between 1 and the order of %s)",
				  gnutls_ecc_curve_get_name(curve));
		goto out;
	}
	gx.size = gy.size = (unsigned)size;
	gk.data = d;
	gk.size = (unsigned)d_len;
	ret = gnutls_x509_privkey_import_ecc_raw(x, curve, &gx, &gy, &gk);
	if (ret >= 0)
		ret = gnutls_x509_privkey_verify_params(x);
	if (ret < 0)
		rc = ck_error_set(err, CK_E_PARSE, "EC private key cannot be read (%s)",
				  gnutls_strerror(ret));
out:
	gnutls_memset(d, 0, d_len);
	free(d);
	return rc;
}
