/* err — status codes, the error context and the code → text table.
 *
 * Invariant: ck_error_set*() always leaves `what` NUL-terminated and
 * never fails; a NULL context is accepted so that helpers can report
 * into an optional one. */
#include "config.h"

#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ck_error_clear(struct ck_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof *err);
	err->offset = -1;
}

static enum ck_status vset(struct ck_error *err, enum ck_status status,
			   int64_t offset, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static enum ck_status vset(struct ck_error *err, enum ck_status status,
			   int64_t offset, const char *fmt, va_list ap)
{
	if (!err)
		return status;
	err->status = status;
	err->offset = offset;
	err->sys_errno = 0;
	vsnprintf(err->what, sizeof err->what, fmt, ap);
	ck_text_oneline(err->what);
	return status;
}

void ck_text_oneline(char *s)
{
	unsigned char *p = (unsigned char *)s;

	for (; p && *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*p = '?';
		} else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p[0] = p[1] = '?';
			p++;
		}
	}
}

enum ck_status ck_error_set(struct ck_error *err, enum ck_status status,
			    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, status, -1, fmt, ap);
	va_end(ap);
	return status;
}

enum ck_status ck_error_set_at(struct ck_error *err, enum ck_status status,
			       int64_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, status, offset, fmt, ap);
	va_end(ap);
	return status;
}

enum ck_status ck_error_set_errno(struct ck_error *err, enum ck_status status,
				  int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	char text[128];

	va_start(ap, fmt);
	vset(err, status, -1, fmt, ap);
	va_end(ap);
	if (!err)
		return status;
	err->sys_errno = errnum;
	n = strlen(err->what);
	/* strerror() may use a static buffer; libcore runs in threads */
	snprintf(err->what + n, sizeof err->what - n, ": %s",
		 strerror_r(errnum, text, sizeof text));
	ck_text_oneline(err->what);
	return status;
}

void ck_error_set_file(struct ck_error *err, const char *file)
{
	if (!err)
		return;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
}

static const struct {
	enum ck_status status;
	const char *text;
	int exit_code;
} table[] = {
	{ CK_OK, "success", 0 },
	{ CK_E_USAGE, "usage error", 2 },
	{ CK_E_PARSE, "malformed input", 3 },
	{ CK_E_UNSUPPORTED, "unsupported input", 3 },
	{ CK_E_TOO_LARGE, "input too large", 3 },
	{ CK_E_IO, "input/output error", 3 },
	{ CK_E_EXISTS, "file exists", 2 },
	{ CK_E_PASSWORD, "password required", 4 },
	{ CK_E_BAD_PASSWORD, "wrong password", 4 },
	{ CK_E_NOMEM, "out of memory", 5 },
	{ CK_E_INTERNAL, "internal error", 5 },
};

const char *ck_status_str(enum ck_status status)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].status == status)
			return table[i].text;
	return "unknown error";
}

int ck_status_exit_code(enum ck_status status)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].status == status)
			return table[i].exit_code;
	return 5;
}
