/* err — status codes and the error context every libcore call fills.
 *
 * libcore never prints and never exits: a function returns an enum
 * ck_status and, on failure, describes what went wrong in a struct
 * ck_error owned by the caller.  The tool decides what the user sees. */
#ifndef CK_ERR_H
#define CK_ERR_H

#include <stddef.h>
#include <stdint.h>

enum ck_status {
	CK_OK = 0,
	CK_E_USAGE,        /* the caller passed something meaningless */
	CK_E_PARSE,        /* input is malformed or of no known format */
	CK_E_UNSUPPORTED,  /* well-formed, but uses something we cannot do */
	CK_E_TOO_LARGE,    /* input over the size limit */
	CK_E_IO,           /* a file could not be opened, read or written */
	CK_E_EXISTS,       /* something is at an output path and may not be written
			    * (it exists and force was not given, or it is refused) */
	CK_E_PASSWORD,     /* a password is needed and none was available */
	CK_E_BAD_PASSWORD, /* the password given is wrong */
	CK_E_KDF_BUDGET,   /* opening the input needs more key derivation than allowed */
	CK_E_NOMEM,
	CK_E_INTERNAL,
};

#define CK_ERROR_WHAT_MAX 512

/* Filled on failure.  `offset` is the byte offset in the input where the
 * problem was found, or -1 when it does not apply. */
struct ck_error {
	enum ck_status status;
	char what[CK_ERROR_WHAT_MAX];
	char file[256];
	int64_t offset;
	int sys_errno; /* errno for CK_E_IO, else 0 */
};

/* Reset to "no error". */
void ck_error_clear(struct ck_error *err);

/* Record an error and return `status`, so that callers can write
 * `return ck_error_set(err, CK_E_PARSE, "...")`.  `err` may be NULL. */
enum ck_status ck_error_set(struct ck_error *err, enum ck_status status,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, with the byte offset where the problem was found. */
enum ck_status ck_error_set_at(struct ck_error *err, enum ck_status status,
			       int64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Same, for a failed system call: appends strerror(errnum). */
enum ck_status ck_error_set_errno(struct ck_error *err, enum ck_status status,
				  int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* What may not reach a terminal from an input, defined once: the
 * length in bytes of the character `s` starts with if it is one of
 *   C0 controls (newline and tab included) and DEL, 1 byte;
 *   C1 controls U+0080..U+009F (UTF-8), 2 bytes;
 *   the bidirectional controls U+061C (2 bytes), U+200E, U+200F,
 *   U+202A..U+202E, U+2066..U+2069 (3 bytes): they reorder what a
 *   terminal shows after them (a name can look like another one);
 *   the noncharacters U+FFFE, U+FFFF, 3 bytes;
 * else 0 (also at the end of the string).  Reads no byte after a NUL.
 * ck_text_oneline, ck_text_safe_doc (report.h) and the file names in the
 * tools' messages use it. */
size_t ck_text_control_len(const char *s);

/* Make `s` one printable line, in place: each byte of a character
 * ck_text_control_len names becomes '?'.  Every message (ck_error_set*,
 * the bundle notes of load, the notes of aia and revocation) goes
 * through it, so that bytes quoted from an input (a PEM label, a name)
 * cannot break the "tool: FILE: message" line or reach a terminal as an
 * escape sequence or a change of direction. */
void ck_text_oneline(char *s);

/* Name the file the error is about (copied; may be NULL).  A name too
 * long for `file` keeps its end, which names the file, behind "...". */
void ck_error_set_file(struct ck_error *err, const char *file);

/* A short, stable description of a status ("malformed input", ...). */
const char *ck_status_str(enum ck_status status);

/* The exit status DESIGN assigns to a status: 0, 3, 4 or 5; 2 for usage
 * errors and for an output path that may not be written (CK_E_EXISTS:
 * the command line asks for what it cannot have).  Tools map "problems
 * found" to 1 themselves. */
int ck_status_exit_code(enum ck_status status);

#endif
