/* emit — the output back-ends behind one interface.
 *
 * JUnit XML (emit-junit.c): the one writer of every tool's JUnit
 * report.  A tool's view says which suites and cases its documents
 * make; the back-end writes them with libxml2, and gives the view
 * copies of the documents fit for XML and a terminal
 * (ck_text_safe_doc), so that every tool cleans input text the same
 * way: nothing from a file name, a subject or a server's words reaches
 * a CI page as a control or bidirectional character. */
#ifndef CK_EMIT_H
#define CK_EMIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* ---- JUnit XML (emit-junit.c) ---- */

struct ck_junit;

/* A tool's JUnit view: writes <testsuites> for `docs` (the safe
 * copies, borrowed) with the calls below.  Returns 0, or -1 when out of
 * memory. */
typedef int (*ck_junit_view)(struct ck_junit *j, json_t *const *docs, size_t ndocs);

/* Write a JUnit XML document from `docs` (borrowed) through `view`.
 * Returns 0, or -1 on a write error or out of memory. */
int ck_junit_write(FILE *out, json_t *const *docs, size_t ndocs, ck_junit_view view);

/* Open an element, write an attribute (its value cleaned as ck_xml_clean
 * does) or a count, write text, close the element.  A failure is kept
 * in `j` (the calls after it do nothing) and reported by
 * ck_junit_write(). */
void ck_junit_start(struct ck_junit *j, const char *element);
void ck_junit_attr(struct ck_junit *j, const char *name, const char *value);
void ck_junit_count(struct ck_junit *j, const char *name, long long n);
void ck_junit_text(struct ck_junit *j, const char *text);
void ck_junit_end(struct ck_junit *j);

#endif
