/* xmlw — the libxml2 text writer behind every XML output of libcore
 * (the documents of ck_xml_*, aiacheck's and certaudit's JUnit), so that
 * each is opened, indented and cleaned the same way.  Internal to
 * libcore. */
#ifndef CK_XMLW_H
#define CK_XMLW_H

#include <libxml/xmlwriter.h>
#include <stdio.h>

/* A writer on `out`, indented by two spaces, with the XML declaration
 * written.  A failed write is left in out's error flag, which the
 * caller checks (ferror): told of it, libxml2 would print "I/O error"
 * lines on stderr itself.  NULL when out of memory. */
xmlTextWriterPtr ck_xmlw_new(FILE *out);

/* An attribute, or text, whose value is cleaned first (ck_xml_clean:
 * invalid UTF-8 and the characters XML 1.0 cannot carry become
 * U+FFFD).  < 0 on failure. */
int ck_xmlw_attr(xmlTextWriterPtr w, const char *name, const char *value);
int ck_xmlw_text(xmlTextWriterPtr w, const char *value);

#endif
