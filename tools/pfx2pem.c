/* pfx2pem — a PFX (or anything chainview reads) as the PEM a server
 * wants: the certificates in chain order, then the private key as
 * unencrypted PKCS#8; or split into certbot's files. */
#include "config.h"

#include "convert.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
	OPT_NO_KEY = CLI_TOOL_OPTION,
	OPT_KEY_ONLY,
	OPT_NO_ROOT,
	OPT_CHAIN_ONLY,
	OPT_ENCRYPT_KEY,
	OPT_ATTRIBUTES,
	OPT_SPLIT,
};

static const struct cli_option options[] = {
	{ "no-key", 0, NULL, "leave the private key out", OPT_NO_KEY },
	{ "key-only", 0, NULL, "write only the private key", OPT_KEY_ONLY },
	{ "no-root", 0, NULL, "leave the self-signed root out", OPT_NO_ROOT },
	{ "chain-only", 0, NULL, "only the intermediates (and the root): no leaf, no key", OPT_CHAIN_ONLY },
	{ "encrypt-key", 0, NULL, "encrypt the key (PKCS#8, AES-256-CBC, PBKDF2) with a new password", OPT_ENCRYPT_KEY },
	{ "attributes", 0, NULL, "precede each block with its friendly name and local key id as comments", OPT_ATTRIBUTES },
	{ "split", 0, "DIR", "write cert.pem, chain.pem, fullchain.pem, key.pem and root.pem into DIR", OPT_SPLIT,
	  CLI_ARG_PATH },
	CONV_OPTIONS_ALIAS,
	CONV_OPTIONS_OUTPUT,
	CONV_OPTIONS_NEW_PASSWORD("the key"),
	CONV_OPTIONS_QUIET,
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "pfx2pem",
	.synopsis = "[OPTION]... FILE...",
	.summary = "Write the certificates of FILE in chain order, then its private key, as PEM.",
	.description =
		"FILE is a PKCS#12/PFX file, or anything else chainview reads; several FILEs are\n"
		"read as one bundle.  The output is what nginx, Apache, HAProxy and curl want:\n"
		"leaf, intermediates, root, then the key as unencrypted PKCS#8.",
	.options = options,
	.common = CLI_WITH_INPUT | CLI_WITH_PASSWORD,
};

struct opts {
	struct conv_opts conv;
	bool output_given;
	bool no_key, key_only, no_root, chain_only, encrypt_key, attributes;
	const char *split;
};

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;
	int status;

	if (id == CONV_OPT_OUTPUT)
		o->output_given = true;
	if ((status = conv_option(&o->conv, id, a)) >= 0)
		return status;
	switch (id) {
	case OPT_NO_KEY: o->no_key = true; break;
	case OPT_KEY_ONLY: o->key_only = true; break;
	case OPT_NO_ROOT: o->no_root = true; break;
	case OPT_CHAIN_ONLY: o->chain_only = true; break;
	case OPT_ENCRYPT_KEY: o->encrypt_key = true; break;
	case OPT_ATTRIBUTES: o->attributes = true; break;
	case OPT_SPLIT:
		if (!*arg)
			return cli_usage("--split needs a directory");
		o->split = arg;
		break;
	}
	return 0;
}

/* 0, or the exit status after a usage error */
static int check_usage(const struct opts *o)
{
	if (o->key_only && (o->no_key || o->chain_only || o->no_root))
		return cli_usage("--key-only cannot be used with --no-key, --chain-only or --no-root");
	if (o->split && (o->output_given || o->key_only || o->chain_only))
		return cli_usage("--split cannot be used with -o, --key-only or --chain-only");
	if (o->encrypt_key && (o->no_key || o->chain_only))
		return cli_usage("--encrypt-key cannot be used with --no-key or --chain-only");
	return conv_check(&o->conv, false, o->encrypt_key);
}

/* The key as PEM, encrypted when asked (the password is asked for once). */
static int key_pem(const struct ck_key *k, const struct opts *o, char **password,
		   struct ck_buf *out)
{
	struct ck_error err;
	int status;

	ck_error_clear(&err);
	if (o->encrypt_key && !*password) {
		*password = conv_new_password(&o->conv, false, "the private key", &status);
		if (!*password)
			return status;
	}
	if (ck_export_key_pem(k, o->encrypt_key ? *password : NULL, o->attributes, out, &err))
		return cli_error(&err);
	return CLI_EXIT_OK;
}

static int certs_pem(const struct ck_cert *const *certs, size_t n, const struct opts *o,
		     struct ck_buf *out)
{
	struct ck_error err;

	ck_error_clear(&err);
	for (size_t i = 0; i < n; i++)
		if (ck_export_cert_pem(certs[i], o->attributes, out, &err))
			return cli_error(&err);
	return CLI_EXIT_OK;
}

/* One PEM stream: certificates in chain order, then the keys. */
static int combined(const struct ck_bundle *b, const struct ck_fixed *f, const struct opts *o)
{
	struct ck_buf out;
	char *password = NULL;
	size_t ncerts = 0, nkeys = 0;
	int status = CLI_EXIT_OK;

	ck_buf_init(&out);
	for (size_t i = 0; i < f->ncerts && !o->key_only && !status; i++) {
		if (o->chain_only && !strcmp(f->roles[i], "leaf"))
			continue;
		status = certs_pem(&f->certs[i], 1, o, &out);
		ncerts++;
	}
	for (size_t k = 0; k < b->nkeys && !o->no_key && !o->chain_only && !status; k++) {
		status = key_pem(b->keys[k], o, &password, &out);
		nkeys++;
	}
	if (!status && o->key_only && nkeys == 0) {
		cli_msg(b->name, "there is no private key to write");
		status = CLI_EXIT_PROBLEMS;
	} else if (!status && ncerts + nkeys == 0) {
		cli_msg(b->name, "nothing is left to write after %s",
			o->chain_only ? "--chain-only" : o->no_root ? "--no-root" : "--no-key");
		status = CLI_EXIT_PROBLEMS;
	}
	if (!status)
		status = conv_write(&o->conv, &out, nkeys > 0);
	conv_password_free(password);
	ck_buf_cleanup(&out);
	return status;
}

/* A file of the layout that this run did not write, left from an
 * earlier one: it would not match the new set, so say so (it is not
 * removed: with --no-key, an old key.pem is usually meant to stay). */
static void note_left_over(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path &&
	    lstat(path, &st) == 0)
		cli_msg(path, "left from before: not part of the set written now");
}

/* certbot's layout: cert.pem, chain.pem, fullchain.pem, key.pem, root.pem */
static int split(const struct ck_bundle *b, const struct ck_fixed *f, const struct opts *o)
{
	struct ck_buf cert, chain, full, key, root;
	struct conv_file files[5];
	size_t n = 0, nint = 0;
	char *password = NULL;
	int status = CLI_EXIT_OK;
	/* cert.pem: the leaf, or in a file of CA certificates alone (a
	 * truststore, an intermediates bundle) the bottom of the chain */
	long bottom = f->leaf;

	for (size_t i = 0; bottom < 0 && i < f->ncerts; i++)
		if (!strcmp(f->roles[i], "intermediate"))
			bottom = (long)i;
	if (bottom < 0) {
		cli_msg(b->name, "there is no leaf or intermediate certificate to write as cert.pem");
		return CLI_EXIT_PROBLEMS;
	}
	ck_buf_init(&cert);
	ck_buf_init(&chain);
	ck_buf_init(&full);
	ck_buf_init(&key);
	ck_buf_init(&root);
	status = certs_pem(&f->certs[bottom], 1, o, &cert);
	for (size_t i = 0; i < f->ncerts && !status; i++) {
		const char *role = f->roles[i];
		if (!strcmp(role, "root")) {
			if (!o->no_root)
				status = certs_pem(&f->certs[i], 1, o, &root);
			continue;
		}
		status = certs_pem(&f->certs[i], 1, o, &full);
		if (!status && (long)i != bottom) {
			status = certs_pem(&f->certs[i], 1, o, &chain);
			nint++;
		}
	}
	if (!status && f->key && !o->no_key)
		status = key_pem(f->key, o, &password, &key);
	if (!status) {
		files[n++] = (struct conv_file){ "cert.pem", &cert, false };
		if (nint)
			files[n++] = (struct conv_file){ "chain.pem", &chain, false };
		files[n++] = (struct conv_file){ "fullchain.pem", &full, false };
		if (key.len)
			files[n++] = (struct conv_file){ "key.pem", &key, true };
		if (root.len)
			files[n++] = (struct conv_file){ "root.pem", &root, false };
		status = conv_write_set(o->split, files, n, o->conv.force);
	}
	if (!status && !o->conv.quiet) {
		if (!nint)
			cli_msg(o->split, "chain.pem not written: the chain has no intermediate");
		if (!f->key && !o->no_key)
			cli_msg(o->split, "key.pem not written: the input has no private key of the leaf");
		for (size_t i = 0; i < f->nchanges; i++)
			if (f->changes[i].kind == CK_FIX_DROPPED_UNRELATED)
				cli_msg(b->name, "left out %s (input [%d]): not on the chain of the leaf",
					f->changes[i].cert->subject, f->changes[i].input_pos - 1);
	}
	if (!status) { /* even with -q: the directory holds a mixed set */
		if (!nint)
			note_left_over(o->split, "chain.pem");
		if (!key.len && !o->no_key)
			note_left_over(o->split, "key.pem");
		if (!root.len)
			note_left_over(o->split, "root.pem");
	}
	conv_password_free(password);
	ck_buf_cleanup(&cert);
	ck_buf_cleanup(&chain);
	ck_buf_cleanup(&full);
	ck_buf_cleanup(&key);
	ck_buf_cleanup(&root);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct ck_bundle *b = NULL;
	struct ck_fixed *f = NULL;
	struct ck_fix_opts fo = { 0 };
	struct ck_error err;
	int first, status;
	size_t corrupt = 0;

	conv_opts_init(&o.conv);
	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status))
		return cli_finish(&c, status);
	if (first >= argc)
		return cli_finish(&c, cli_usage("no input file (use '-' for standard input)"));
	if ((status = check_usage(&o)))
		return cli_finish(&c, status);
	b = conv_load(&c, argv + first, argc - first, &status, &corrupt);
	if (b && (status = conv_select_alias(b, o.conv.alias, o.conv.quiet))) {
		ck_bundle_free(b);
		b = NULL;
	}
	if (!b)
		return cli_finish(&c, status);
	ck_error_clear(&err);
	/* --alias: the chain of that key, not the other entries' */
	fo.scope = o.split || o.conv.alias ? CK_FIX_PRIMARY : CK_FIX_ALL;
	fo.keep_root = o.split || !o.no_root;
	if (ck_fix(b, NULL, &fo, &f, &err)) {
		ck_error_set_file(&err, b->name);
		status = cli_error(&err);
	} else if (!o.key_only && !o.no_key && !o.chain_only && (status = conv_check_keys(b))) {
		/* refused */
	} else {
		status = o.split ? split(b, f, &o) : combined(b, f, &o);
	}
	if (!status && corrupt)
		status = CLI_EXIT_PROBLEMS;
	ck_fixed_free(f);
	ck_bundle_free(b);
	return cli_finish(&c, status);
}
