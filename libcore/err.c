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

size_t ck_text_control_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!*p)
		return 0;
	if (p[0] < 0x20 || p[0] == 0x7f)
		return 1;
	if ((p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) || (p[0] == 0xd8 && p[1] == 0x9c))
		return 2;
	if (p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae)))
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
		return 3;
	if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
		return 3;
	return 0;
}

void ck_text_oneline(char *s)
{
	while (s && *s) {
		size_t n = ck_text_control_len(s);
		if (!n) {
			s++;
			continue;
		}
		memset(s, '?', n);
		s += n;
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
	size_t len;

	if (!err)
		return;
	if (!file)
		file = "";
	len = strlen(file);
	if (len < sizeof err->file) {
		memcpy(err->file, file, len + 1);
		return;
	}
	/* The end names the file: keep it, and start on a whole UTF-8
	 * character (the string's NUL stops the loop). */
	file += len - (sizeof err->file - 1 - 3);
	while (((unsigned char)*file & 0xC0) == 0x80)
		file++;
	snprintf(err->file, sizeof err->file, "...%s", file);
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
	{ CK_E_KDF_BUDGET, "key derivation budget exceeded", 3 },
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
