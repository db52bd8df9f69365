/* p12compat — which programs can open a PKCS#12 file, and why not.
 *
 * From what a PKCS#12 file is protected with (ck_p12_info: the MAC, the
 * cipher, scheme and iteration count of every encrypted part), decide for
 * each consumer below whether it opens the file, and name the rules that
 * stop it.  Every fact is a row of one table in p12compat.c, with its
 * source.  Also: the file's legacy protections (weak-pkcs12). */
#ifndef CK_P12COMPAT_H
#define CK_P12COMPAT_H

#include "load.h"

enum ck_p12_consumer {
	CK_P12C_OPENSSL3 = 0,
	CK_P12C_OPENSSL3_LEGACY,
	CK_P12C_GNUTLS,
	CK_P12C_JAVA,
	CK_P12C_JAVA_OLD,
	CK_P12C_DOTNET_LINUX,
	CK_P12C_DOTNET_WINDOWS,
	CK_P12C_WINDOWS_2019,
	CK_P12C_WINDOWS_2016,
	CK_P12C_MACOS,
	CK_P12C_ANDROID,
	CK_P12C_COUNT,
};

struct ck_p12_verdict {
	const char *consumer; /* stable word: "openssl3", "dotnet-linux", ... */
	const char *label;    /* for people: ".NET on Linux" */
	/* true: a consumer in current use, whose refusal is a warning
	 * (pkcs12-incompatible); false: an older or stricter platform, an
	 * info (pkcs12-not-portable) */
	bool current;
	bool opens;
	/* why not, one reason per rule that stops it; nreasons == 0 when it
	 * opens.  Owned by the verdict. */
	char **reasons;
	size_t nreasons;
};

/* Judge `p` for every consumer into v[0..CK_P12C_COUNT-1], in the order
 * of enum ck_p12_consumer.  CK_E_NOMEM only; nothing to free then. */
enum ck_status ck_p12compat_judge(const struct ck_p12_info *p,
				  struct ck_p12_verdict v[CK_P12C_COUNT]);
void ck_p12compat_cleanup(struct ck_p12_verdict v[CK_P12C_COUNT]);

/* The file's legacy protections, "; "-separated ("certificates encrypted
 * with RC2-40-CBC; MAC with SHA1"), in a malloc'ed string; *out = NULL
 * when there is none.  CK_E_NOMEM only. */
enum ck_status ck_p12compat_weakness(const struct ck_p12_info *p, char **out);

/* The findings about `p`, as notes (code, severity, message, hint; all
 * malloc'ed): weak-pkcs12 (warning) for legacy protection,
 * pkcs12-incompatible (warning) naming the current consumers that
 * cannot open it, pkcs12-not-portable (info) naming the older or
 * stricter platforms that cannot.  Free with ck_p12compat_notes_free.
 * CK_E_NOMEM only. */
enum ck_status ck_p12compat_notes(const struct ck_p12_info *p, struct ck_note **out,
				  size_t *n);
void ck_p12compat_notes_free(struct ck_note *notes, size_t n);

#endif
