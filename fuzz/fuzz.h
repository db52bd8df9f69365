/* fuzz.h — what the libFuzzer harnesses of fuzz/ share.
 *
 * Each fuzz/fuzz-<target>.c defines LLVMFuzzerTestOneInput() for one
 * entry point of libcore that reads outside bytes.  Built with
 * --enable-fuzzing (make fuzz), libFuzzer drives it; in a normal build
 * fuzz/replay.c supplies a main() that replays files, so that the
 * regression inputs of tests/regress/ run in every make check.
 *
 * A harness never prints and never prompts.  It aborts (a crash for
 * libFuzzer and for the replay driver) when an invariant it checks does
 * not hold: an output that is not well-formed, a status outside the
 * documented ones. */
#ifndef CK_FUZZ_H
#define CK_FUZZ_H

#include "libcore/load.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A reader over the input, FuzzedDataProvider-style: taking past the
 * end gives zeros and empty strings, never an error. */
struct fz {
	const uint8_t *p;
	size_t n;
};

uint8_t fz_u8(struct fz *f);
uint32_t fz_u32(struct fz *f);
/* A length byte, then that many bytes (at most `max`), as a new
 * NUL-terminated string (an embedded NUL ends it early). */
char *fz_str(struct fz *f, size_t max);

/* The header of every harness that loads with passwords:
 *   byte 0  flags: FZ_PASSWORD (a password follows: length byte + bytes),
 *           FZ_ASK (an `ask` callback answers once, with "test"), and
 *           bits 2..7 for the harness
 *   [password]
 *   the rest: the data.
 * Seeds from a fixture F with F.pass are "\x01" <len> <pass> F. */
#define FZ_PASSWORD 0x01
#define FZ_ASK 0x02

struct fz_pw {
	struct ck_password pw;
	char *value;
};

/* Read the header: returns the flags and fills `pw` (clean it with
 * fz_pw_cleanup). */
uint8_t fz_header(struct fz *f, struct fz_pw *pw);
void fz_pw_cleanup(struct fz_pw *pw);

/* A fixture file, read once and kept (the path is CK_FIXTURES/rel);
 * aborts when it is missing: the harness is broken, not the input. */
const unsigned char *fz_fixture(const char *rel, size_t *len);
/* A fixture certificate record, parsed once and kept. */
const struct ck_cert *fz_fixture_cert(const char *rel);

/* The PKCS#12 key-derivation budget of the harnesses whose subject is
 * what comes after the load (chain, audit, aialist, convert): 100,000
 * iterations open every usual file (OpenSSL 2048, Windows 2000, Java
 * 10000 per derivation, a few passwords tried), and stop a GnuTLS-made
 * one (600,000) at once with CK_E_KDF_BUDGET instead of spending most of
 * the harness's time in SHA-256 (the audit harness spent 41 % there).
 * load and pkcs12 keep the tools' default budget. */
#define FZ_KDF_BUDGET 100000ULL

/* A FILE that writes to memory; fz_mem_close() returns the bytes
 * (owned by the struct, freed by the next fz_mem_open or fz_mem_free). */
struct fz_mem {
	FILE *f;
	char *buf;
	size_t len;
};

FILE *fz_mem_open(struct fz_mem *m);
void fz_mem_close(struct fz_mem *m);
void fz_mem_free(struct fz_mem *m);

/* Abort unless buf is JSON Lines: each line one JSON document, valid
 * UTF-8 (jansson's parser). */
void fz_assert_json_lines(const char *buf, size_t len);
/* Abort unless buf is a well-formed XML document (libxml2's parser). */
void fz_assert_xml(const char *buf, size_t len);

/* Whether this input is one of the 1 in `one_in` chosen by a hash of its
 * bytes (FNV-1a): a deterministic sample, so that a replay of an input
 * does what the run did.  For checks that cost far more than the code
 * they check (fuzz-der's JSON and XML of large walks). */
bool fz_sampled(const uint8_t *data, size_t size, unsigned one_in);

/* Abort with a message on stderr (a harness invariant failed). */
void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Abort unless `rc` is one of the statuses libcore documents. */
void fz_assert_status(int rc);

/* After a libcore call that filled `err`: abort unless the status is a
 * documented one, err->status agrees with it, and a failure carries a
 * message a tool can print as one line ("tool: FILE: message"): not
 * empty, no control characters (no newline, no escape sequence taken
 * from the input). */
void fz_assert_error(int rc, const struct ck_error *err);

/* Abort unless text output (rendered without colour) holds no control
 * character but newline: nothing from the input reaches a terminal as
 * an escape sequence.  `what` names the output in the message. */
void fz_assert_plain(const char *what, const char *buf, size_t len);

/* Abort unless `s` (a message for the user) is one printable line. */
void fz_assert_line(const char *what, const char *s);

/* Abort unless a loaded bundle is consistent (every record parsed, the
 * counts and the format set); render its "input" object as JSON and XML
 * and check both. */
void fz_check_bundle(const struct ck_bundle *b);

/* Render a document as JSON (ck_report_write_json) and as XML (one
 * `element` under a root, ck_xml_*) and abort unless both parse back. */
#include <jansson.h>
void fz_check_doc(const json_t *doc, const char *element);

#endif
