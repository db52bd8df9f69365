/* Shared helpers for the Criterion unit tests. */
#ifndef CK_TEST_UNIT_H
#define CK_TEST_UNIT_H

#include "libcore/cert.h"
#include "libcore/load.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of a fixture file (static buffer, one at a time). */
static inline const char *fx(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s/%s", CK_FIXTURES, rel);
	return buf;
}

/* Read a fixture whole; the test fails if it cannot. */
static inline unsigned char *fx_read(const char *rel, size_t *len)
{
	unsigned char *data = NULL;
	struct ck_error err;
	ck_error_clear(&err);
	cr_assert_eq(ck_read_file(fx(rel), 0, &data, len, &err), CK_OK, "%s: %s", rel, err.what);
	return data;
}

/* A DER certificate fixture, decoded; the test fails if it cannot be. */
static inline struct ck_cert *fx_cert(const char *rel)
{
	size_t len = 0;
	unsigned char *d = fx_read(rel, &len);
	struct ck_cert *c = NULL;
	struct ck_error e;
	ck_error_clear(&e);
	cr_assert_eq(ck_cert_from_der(d, len, &c, &e), CK_OK, "%s: %s", rel, e.what);
	free(d);
	return c;
}

/* Load a fixture with an optional password; returns the status. */
static inline enum ck_status fx_load(const char *rel, const char *password,
				     struct ck_bundle **out, struct ck_error *err)
{
	struct ck_password pw = { .value = password };
	struct ck_load_opts o = { .password = &pw };
	ck_error_clear(err);
	return ck_bundle_load_file(fx(rel), &o, out, err);
}

/* The same for bytes a test built, loaded under the name `name`. */
static inline enum ck_status fx_load_mem(const void *data, size_t len, const char *name,
					 const char *password, struct ck_bundle **out,
					 struct ck_error *err)
{
	struct ck_password pw = { .value = password };
	struct ck_load_opts o = { .password = &pw };
	ck_error_clear(err);
	return ck_bundle_load_mem(data, len, name, &o, out, err);
}

#endif
