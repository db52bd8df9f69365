/* schema — decoding against libcore's PKIX ASN.1 definitions
 * (pkix.asn, compiled in) to name the elements of a structure: which
 * field of which type each element is ("tbsCertificate.validity.notAfter").
 *
 * libtasn1 decodes and validates; the names come from walking the
 * decoded value along its definition, and each name is placed at the
 * byte offset libtasn1 decoded the field from.  Contents that a field
 * only carries as bytes (ANY DEFINED BY, an extension's OCTET STRING,
 * a key in a BIT STRING) are decoded in turn when the OID next to them
 * says what they are. */
#ifndef CK_SCHEMA_H
#define CK_SCHEMA_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ck_schema_field {
	int64_t offset;     /* of the element's identifier octets (base included) */
	char *name;         /* "tbsCertificate.extensions[2].extnValue" */
	const char *choice; /* the CHOICE alternative it holds, or NULL */
	const char *as;     /* for content decoded from bytes: the type, or NULL */
};

struct ck_schema_names {
	const char *type;              /* the type the structure decoded as */
	struct ck_schema_field *fields; /* sorted by offset */
	size_t n;
};

/* The types a caller may ask for, NULL-terminated, in the order
 * ck_schema_guess() tries them. */
const char *const *ck_schema_types(void);

/* Decode data[0..len) as `type` (one of ck_schema_types(); trailing
 * bytes after the first element are allowed) and name its elements;
 * `base` is added to every offset.  CK_E_PARSE when it does not decode
 * as that type, with libtasn1's reason; CK_E_USAGE for an unknown type. */
enum ck_status ck_schema_name(const unsigned char *data, size_t len, int64_t base,
			      const char *type, struct ck_schema_names **out,
			      struct ck_error *err);

/* Try the types of ck_schema_types() in order and name the elements
 * with the first that decodes.  CK_E_PARSE when none does. */
enum ck_status ck_schema_guess(const unsigned char *data, size_t len, int64_t base,
			       struct ck_schema_names **out, struct ck_error *err);

/* The field whose element starts at `offset`, or NULL. */
const struct ck_schema_field *ck_schema_field_at(const struct ck_schema_names *n,
						 int64_t offset);

void ck_schema_names_free(struct ck_schema_names *n);

#endif
