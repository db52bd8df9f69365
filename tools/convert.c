/* convert — options, inputs, passwords and outputs of the conversion
 * tools. */
#include "config.h"

#include "convert.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

void conv_opts_init(struct conv_opts *o)
{
	memset(o, 0, sizeof *o);
	o->output = "-";
	o->p12.profile = CK_P12_MODERN;
}

int conv_option(struct conv_opts *o, int id, const struct cli_arg *a)
{
	const char *arg = a->s;

	switch (id) {
	case CONV_OPT_OUTPUT:
		if (!*arg)
			return cli_usage("-o needs a file name ('-' for standard output)");
		o->output = arg;
		return 0;
	case CONV_OPT_FORCE:
		o->force = true;
		return 0;
	case CONV_OPT_OUT_PASSWORD_FILE:
		o->out_password_file = arg;
		return 0;
	case CONV_OPT_OUT_PASSWORD_ENV:
		o->out_password_env = arg;
		return 0;
	case CONV_OPT_EMPTY_PASSWORD:
		o->empty_password = true;
		return 0;
	case CONV_OPT_PROFILE:
		if (!ck_p12_profile_parse(arg, &o->p12.profile))
			return cli_usage("--profile takes modern, legacy or openssl1, not '%s'", arg);
		o->p12_given = true;
		return 0;
	case CONV_OPT_ITERATIONS:
		o->p12.iterations = a->n;
		o->p12_given = true;
		return 0;
	case CONV_OPT_NAME:
		if (!*arg) /* an empty friendlyName: keytool shows an empty alias */
			return cli_usage("--name needs a name");
		o->p12.friendly_name = arg;
		o->p12_given = true;
		return 0;
	case CONV_OPT_QUIET:
		o->quiet = true;
		return 0;
	case CONV_OPT_ALIAS:
		if (!*arg)
			return cli_usage("--alias needs a name");
		o->alias = arg;
		return 0;
	default:
		return -1;
	}
}

int conv_check(const struct conv_opts *o, bool pkcs12, bool new_password)
{
	if (o->out_password_file && o->out_password_env)
		return cli_usage("use only one of --out-password-file and --out-password-env");
	if (o->empty_password && (o->out_password_file || o->out_password_env))
		return cli_usage("--empty-password cannot be used with --out-password-file or --out-password-env");
	if (!new_password && (o->out_password_file || o->out_password_env))
		return cli_usage("--out-password-file and --out-password-env are for PKCS#12 output or --encrypt-key");
	if (new_password && o->out_password_env && !getenv(o->out_password_env))
		return cli_usage("environment variable %s is not set", o->out_password_env);
	if (o->empty_password && !pkcs12)
		return cli_usage("--empty-password is for PKCS#12 output");
	if (o->p12_given && !pkcs12)
		return cli_usage("--profile, --iterations and --name are for PKCS#12 output");
	if (o->p12.profile == CK_P12_MODERN && o->p12.iterations &&
	    o->p12.iterations < CK_P12_MODERN_MIN_ITERATIONS)
		return cli_usage("--profile modern needs at least %d iterations", CK_P12_MODERN_MIN_ITERATIONS);
	return 0;
}

int conv_check_binary_stdout(const struct conv_opts *o)
{
	if (strcmp(o->output, "-") == 0 && isatty(STDOUT_FILENO))
		return cli_usage("refusing to write binary data to a terminal; use -o FILE");
	return 0;
}

/* The same key given twice (a combined PEM and --key, or one key file
 * named twice) is one key, as a certificate given twice is one
 * certificate: keep the first. */
static void drop_duplicate_keys(struct ck_bundle *b)
{
	size_t n = 0;

	for (size_t k = 0; k < b->nkeys; k++) {
		bool dup = false;
		for (size_t j = 0; j < n && !dup; j++)
			dup = !memcmp(b->keys[j]->spki_sha256, b->keys[k]->spki_sha256, 32);
		if (dup)
			ck_key_free(b->keys[k]);
		else
			b->keys[n++] = b->keys[k];
	}
	b->nkeys = n;
}

struct ck_bundle *conv_load(struct cli_common *c, char *const *paths, int n, int *status,
			    size_t *corrupt)
{
	struct ck_load_opts lo = cli_load_opts(c);
	struct ck_bundle *all = NULL, *b = NULL;
	struct ck_error err;

	*corrupt = 0;
	for (int i = 0; i < n; i++) {
		ck_error_clear(&err);
		if (ck_bundle_load_file(paths[i], &lo, &b, &err)) {
			*status = cli_error(&err);
			ck_bundle_free(all);
			return NULL;
		}
		/* the notes are not merged: said here, per file */
		for (size_t k = 0; k < b->nnotes; k++)
			if (b->notes[k].id == CK_F_CORRUPT_BLOCK) {
				cli_msg(paths[i], "%s", b->notes[k].message);
				(*corrupt)++;
			}
		if (!all) {
			all = b;
		} else if (ck_bundle_merge(all, b)) {
			cli_msg(paths[i], "out of memory");
			ck_bundle_free(b);
			ck_bundle_free(all);
			*status = CLI_EXIT_INTERNAL;
			return NULL;
		} else {
			ck_bundle_free(b);
		}
		b = NULL;
	}
	drop_duplicate_keys(all);
	*status = CLI_EXIT_OK;
	return all;
}

char *conv_new_password(const struct conv_opts *o, bool allow_empty, const char *what,
			int *status)
{
	return cli_new_password(o->out_password_file, o->out_password_env,
				allow_empty && o->empty_password, allow_empty, what, status);
}

void conv_password_free(char *p)
{
	if (p) {
		gnutls_memset(p, 0, strlen(p));
		free(p);
	}
}

static bool key_named(const struct ck_key *k, const char *alias)
{
	return k->friendly_name && strcasecmp(k->friendly_name, alias) == 0;
}

static bool spki_of(const struct ck_cert *c, const struct ck_key *k)
{
	return memcmp(c->spki_sha256, k->spki_sha256, 32) == 0;
}

/* "'a', 'b'" for the message; "none" */
static void list_aliases(const struct ck_bundle *b, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t k = 0; k < b->nkeys && n < size; k++) {
		const char *name = b->keys[k]->friendly_name;
		n += (size_t)snprintf(buf + n, size - n, "%s%s%s%s", n ? ", " : "", name ? "'" : "",
				      name ? name : "(no alias)", name ? "'" : "");
	}
	if (!b->nkeys)
		snprintf(buf, size, "there are no private keys");
}

/* Mark (set[i] = 1) the issuers, by name, of the certificates marked,
 * up their chains in the bundle; a self-issued certificate ends it. */
static void mark_issuers(const struct ck_bundle *b, unsigned char *set)
{
	for (bool grew = true; grew;) {
		grew = false;
		for (size_t i = 0; i < b->ncerts; i++) {
			if (!set[i])
				continue;
			for (size_t j = 0; j < b->ncerts; j++)
				if (!set[j] && j != i && ck_cert_name_issued(b->certs[i], b->certs[j])) {
					set[j] = 1;
					grew = true;
				}
		}
	}
}

/* certificate i has the public key of a private key in the bundle */
static bool leaf_of_any(const struct ck_bundle *b, size_t i)
{
	for (size_t k = 0; k < b->nkeys; k++)
		if (spki_of(b->certs[i], b->keys[k]))
			return true;
	return false;
}

int conv_select_alias(struct ck_bundle *b, const char *alias, bool quiet)
{
	size_t kept = 0, nc = 0;
	char names[512];
	unsigned char *ours, *theirs;

	if (!alias)
		return CLI_EXIT_OK;
	for (size_t k = 0; k < b->nkeys; k++)
		kept += key_named(b->keys[k], alias);
	if (!kept) {
		list_aliases(b, names, sizeof names);
		cli_msg(b->name, "no private key has the alias '%s' (%s%s)", alias,
			b->nkeys ? "the keys: " : "", names);
		return CLI_EXIT_USAGE;
	}
	/* the certificates of the keys left out, and their issuers, unless
	 * the kept key's chain has them too (a shared root stays) */
	if (!(ours = calloc(b->ncerts ? b->ncerts : 1, 2))) {
		cli_msg(b->name, "out of memory");
		return CLI_EXIT_INTERNAL;
	}
	theirs = ours + b->ncerts;
	for (size_t i = 0; i < b->ncerts; i++)
		for (size_t k = 0; k < b->nkeys; k++)
			if (spki_of(b->certs[i], b->keys[k]))
				(key_named(b->keys[k], alias) ? ours : theirs)[i] = 1;
	mark_issuers(b, ours);
	mark_issuers(b, theirs);
	for (size_t i = 0; i < b->ncerts; i++) {
		if (theirs[i] && !ours[i]) {
			if (!quiet)
				cli_msg(b->name, "left out %s: %s of another key than '%s'",
					b->certs[i]->subject,
					leaf_of_any(b, i) ? "the certificate" : "on the chain", alias);
			ck_cert_free(b->certs[i]);
		} else {
			b->certs[nc++] = b->certs[i];
		}
	}
	free(ours);
	b->ncerts = nc;
	kept = 0;
	for (size_t k = 0; k < b->nkeys; k++) {
		if (key_named(b->keys[k], alias)) {
			b->keys[kept++] = b->keys[k];
			continue;
		}
		if (!quiet)
			cli_msg(b->name, "left out the private key '%s'",
				b->keys[k]->friendly_name ? b->keys[k]->friendly_name : "(no alias)");
		ck_key_free(b->keys[k]);
	}
	b->nkeys = kept;
	return CLI_EXIT_OK;
}

int conv_check_keys(const struct ck_bundle *b)
{
	size_t unmatched = 0;

	for (size_t k = 0; k < b->nkeys; k++) {
		bool match = false;
		for (size_t i = 0; i < b->ncerts && !match; i++)
			match = !memcmp(b->keys[k]->spki_sha256, b->certs[i]->spki_sha256, 32);
		unmatched += !match;
	}
	if (b->ncerts == 0 || unmatched == 0)
		return CLI_EXIT_OK;
	cli_msg(b->name, "%s private key matches none of the certificates; a converted file "
		"would pair a certificate with the wrong key (nothing written)",
		b->nkeys > 1 ? "a" : "the");
	return CLI_EXIT_PROBLEMS;
}

int conv_write(const struct conv_opts *o, const struct ck_buf *data, bool secret)
{
	struct ck_write_opts wo = cli_write_opts(o->force, secret);
	struct ck_error err;

	ck_error_clear(&err);
	if (ck_write_file(o->output, data->data, data->len, &wo, &err)) {
		if (strcmp(o->output, "-") == 0 && ferror(stdout))
			return CLI_EXIT_INTERNAL; /* cli_finish() says so, once */
		return cli_write_error(&err);
	}
	return CLI_EXIT_OK;
}

int conv_out_open(const struct conv_opts *o, bool secret, struct ck_out **out)
{
	struct ck_write_opts wo = cli_write_opts(o->force, secret);
	struct ck_error err;

	ck_error_clear(&err);
	if (ck_out_open(o->output, &wo, out, &err))
		return cli_write_error(&err);
	return CLI_EXIT_OK;
}

int conv_out_finish(const struct conv_opts *o, struct ck_out *out, const struct ck_buf *data)
{
	struct ck_error err;

	if (!out)
		return CLI_EXIT_OK;
	if (!data) {
		ck_out_abort(out);
		return CLI_EXIT_OK;
	}
	ck_error_clear(&err);
	if (data->len && fwrite(data->data, 1, data->len, ck_out_file(out)) != data->len) {
		int e = errno;
		ck_out_abort(out);
		if (strcmp(o->output, "-") == 0)
			return CLI_EXIT_INTERNAL; /* cli_finish() says so, once */
		cli_msg(o->output, "write error: %s", strerror(e));
		return CLI_EXIT_INTERNAL;
	}
	if (ck_out_commit(out, &err)) {
		if (strcmp(o->output, "-") == 0 && ferror(stdout))
			return CLI_EXIT_INTERNAL;
		return cli_write_error(&err);
	}
	return CLI_EXIT_OK;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

int conv_write_set(const char *dir, const struct conv_file *files, size_t n, bool force)
{
	struct ck_write_opts wo = cli_write_opts(force, false);
	struct ck_out **outs = calloc(n ? n : 1, sizeof *outs);
	char **paths = calloc(n ? n : 1, sizeof *paths);
	bool *existed = calloc(n ? n : 1, sizeof *existed);
	bool made_dir = false;
	size_t placed = 0;
	struct ck_error err;
	struct stat st;
	int status = CLI_EXIT_OK;

	ck_error_clear(&err);
	if (!outs || !paths || !existed) {
		cli_msg(dir, "out of memory");
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0777) != 0) {
			cli_msg(dir, "cannot create the directory: %s", strerror(errno));
			status = CLI_EXIT_INTERNAL;
			goto out;
		}
		made_dir = true;
	} else if (!S_ISDIR(st.st_mode)) {
		cli_msg(dir, "not a directory");
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	/* every target checked and every temporary file made first */
	for (size_t i = 0; i < n && !status; i++) {
		paths[i] = join(dir, files[i].name);
		if (!paths[i]) {
			cli_msg(dir, "out of memory");
			status = CLI_EXIT_INTERNAL;
			break;
		}
		existed[i] = lstat(paths[i], &st) == 0;
		wo.secret = files[i].secret;
		if (ck_out_open(paths[i], &wo, &outs[i], &err))
			status = cli_write_error(&err);
	}
	for (size_t i = 0; i < n && !status; i++) {
		FILE *f = ck_out_file(outs[i]);
		if (files[i].data->len &&
		    fwrite(files[i].data->data, 1, files[i].data->len, f) != files[i].data->len) {
			cli_msg(paths[i], "write error: %s", strerror(errno));
			status = CLI_EXIT_INTERNAL;
		}
	}
	for (size_t i = 0; i < n && !status; i++) {
		struct ck_out *o = outs[i];
		outs[i] = NULL;
		if (ck_out_commit(o, &err))
			status = cli_write_error(&err);
		else
			placed = i + 1;
	}
	if (status) {
		/* temporary files first, then what was placed (replaced files
		 * cannot be restored), then the directory if it is ours */
		for (size_t i = 0; i < n; i++) {
			ck_out_abort(outs[i]);
			outs[i] = NULL;
		}
		for (size_t i = 0; i < placed; i++) {
			if (!existed[i])
				unlink(paths[i]);
			else
				cli_msg(paths[i], "was replaced before the error (--force)");
		}
		if (made_dir)
			rmdir(dir);
	}
out:
	for (size_t i = 0; i < n; i++) {
		if (outs && outs[i])
			ck_out_abort(outs[i]);
		if (paths)
			free(paths[i]);
	}
	free(outs);
	free(paths);
	free(existed);
	return status;
}

const char *conv_aia_url(const struct ck_cert *c)
{
	for (size_t i = 0; c->aia_ca_issuers && c->aia_ca_issuers[i]; i++)
		if (strncasecmp(c->aia_ca_issuers[i], "http://", 7) == 0)
			return c->aia_ca_issuers[i];
	return c->aia_ca_issuers ? c->aia_ca_issuers[0] : NULL;
}

/* Input positions count from 0, as chainview's [n] and input_index. */
bool conv_report_fix(const struct conv_opts *o, const char *name, const struct ck_fixed *f,
		     bool verbose_nothing)
{
	for (size_t i = 0; i < f->nchanges && !o->quiet; i++) {
		const struct ck_fix_change *ch = &f->changes[i];
		switch (ch->kind) {
		case CK_FIX_DROPPED_DUPLICATE:
			cli_msg(name, "dropped a duplicate of %s (input [%d], same as [%d])",
				ch->cert->subject, ch->input_pos - 1, ch->same_as - 1);
			break;
		case CK_FIX_DROPPED_UNRELATED:
			cli_msg(name, "dropped %s (input [%d]): not on the chain of the leaf",
				ch->cert->subject, ch->input_pos - 1);
			break;
		case CK_FIX_DROPPED_ROOT:
			cli_msg(name, "dropped the root %s (input [%d]): peers must already trust it",
				ch->cert->subject, ch->input_pos - 1);
			break;
		case CK_FIX_ADDED:
			cli_msg(name, "added the missing intermediate %s from %s", ch->cert->subject,
				ch->origin ? ch->origin : "a trust store");
			break;
		case CK_FIX_REORDERED: {
			char order[512] = "";
			size_t used = 0;
			for (size_t k = 0; k < f->ncerts && used < sizeof order - 16; k++) {
				if (f->input_pos[k])
					used += (size_t)snprintf(order + used, sizeof order - used, "%s[%d]",
								 used ? ", " : "", f->input_pos[k] - 1);
				else
					used += (size_t)snprintf(order + used, sizeof order - used, "%sadded",
								 used ? ", " : "");
			}
			cli_msg(name, "reordered: leaf first, then each issuer (input %s)", order);
			break;
		}
		}
	}
	if (!o->quiet && verbose_nothing && f->nchanges == 0 && f->complete)
		cli_msg(name, "nothing to fix: the chain is complete and in order");
	if (!f->complete && f->missing_root) {
		/* leaf + intermediates without the root: the right content for
		 * a PFX or a server's chain, so not a failure */
		if (!o->quiet)
			cli_msg(name, "the chain ends at %s; its issuer %s is in neither the input nor "
				"--ca-file, --ca-dir or the trust store: usually the root, which peers "
				"must already trust (give it with --ca-file to check the whole path)",
				f->missing_from->subject, f->missing_from->issuer);
		return true;
	}
	if (!f->complete) {
		const struct ck_cert *m = f->missing_from;
		const char *url = m ? conv_aia_url(m) : NULL;
		if (m && f->missing_bad_signature && !m->sig_algo)
			cli_msg(name, "could not complete the chain: the issuer of %s was found but its "
				"signature (%s) cannot be checked: %s", m->subject, m->sig_algo_name, m->issuer);
		else if (m && f->missing_bad_signature)
			cli_msg(name, "could not complete the chain: the issuer of %s was found but its "
				"signature does not verify: %s", m->subject, m->issuer);
		else if (m)
			cli_msg(name, "could not complete the chain: the issuer of %s is missing: %s "
				"(in neither the input nor --ca-file, --ca-dir or the trust store: an "
				"intermediate to add, or a root to give with --ca-file)%s%s", m->subject,
				m->issuer, url ? "; a client would fetch it from " : "; it has no caIssuers URL",
				url ? url : "");
	}
	return f->complete;
}
