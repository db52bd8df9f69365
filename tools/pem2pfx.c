/* pem2pfx — a private key and its certificates, from any readable files,
 * into one PKCS#12/PFX file in the order and with the algorithms its
 * consumer needs. */
#include "config.h"

#include "convert.h"

#include <stdlib.h>
#include <string.h>

enum {
	OPT_KEY = CLI_TOOL_OPTION,
	OPT_NO_ROOT,
	OPT_BASE64,
};

/* .NET's PKCS#12 loader refuses more by default (Pkcs12LoaderLimits,
 * dotnet/runtime: IndividualKdfIterationLimit and MacIterationLimit). */
#define DOTNET_ITERATION_LIMIT 300000UL

static const struct cli_option options[] = {
	{ "key", 0, "FILE", "the private key (if it is not in one of the FILEs)", OPT_KEY, CLI_ARG_PATH },
	{ "no-root", 0, NULL, "leave the self-signed root out", OPT_NO_ROOT },
	{ "base64", 0, NULL, "write the PFX as one line of base64", OPT_BASE64 },
	CONV_OPTIONS_ALIAS,
	CONV_OPTIONS_PKCS12,
	CONV_OPTIONS_NEW_PASSWORD("the PFX"),
	CONV_OPTIONS_EMPTY_PASSWORD,
	CONV_OPTIONS_OUTPUT,
	CONV_OPTIONS_QUIET,
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "pem2pfx",
	.synopsis = "[OPTION]... FILE...",
	.summary = "Put a private key and its certificate chain into a PKCS#12/PFX file.",
	.description =
		"The FILEs (and --key) are read as one bundle in any format chainview reads.  The\n"
		"certificate that matches the key is the leaf; its chain is put in order, completed\n"
		"with intermediates from --ca-file, --ca-dir or the system store, and written with\n"
		"the root (unless --no-root).  --profile picks algorithms old consumers can read.",
	.options = options,
	.common = CLI_WITH_INPUT | CLI_WITH_PASSWORD | CLI_WITH_TRUST | CLI_WITH_AT,
};

struct opts {
	struct conv_opts conv;
	const char *key;
	bool no_root, base64;
};

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;
	int status = conv_option(&o->conv, id, a);

	if (status >= 0)
		return status;
	switch (id) {
	case OPT_KEY:
		if (!*arg)
			return cli_usage("--key needs a file name");
		o->key = arg;
		break;
	case OPT_NO_ROOT: o->no_root = true; break;
	case OPT_BASE64: o->base64 = true; break;
	}
	return 0;
}

/* The inputs: the FILEs, then --key. */
static struct ck_bundle *load(struct cli_common *c, const struct opts *o, char **files, int n,
			      int *status, size_t *corrupt)
{
	char **paths = calloc((size_t)n + 2, sizeof *paths);
	struct ck_bundle *b;

	if (!paths) {
		*status = CLI_EXIT_INTERNAL;
		return NULL;
	}
	memcpy(paths, files, (size_t)n * sizeof *paths);
	if (o->key)
		paths[n++] = (char *)o->key;
	b = conv_load(c, paths, n, status, corrupt);
	free(paths);
	return b;
}

static int check_key(const struct ck_bundle *b)
{
	if (b->nkeys == 0) {
		cli_msg(b->name, "no private key in the inputs; give it with --key (certconv --to pfx "
			"writes certificates alone)");
		return CLI_EXIT_PROBLEMS;
	}
	if (b->nkeys > 1) {
		cli_msg(b->name, "the inputs hold %zu private keys; give only the one that belongs "
			"to the certificate, or choose one with --alias", b->nkeys);
		return CLI_EXIT_PROBLEMS;
	}
	if (b->ncerts == 0) {
		cli_msg(b->name, "no certificate in the inputs");
		return CLI_EXIT_PROBLEMS;
	}
	return conv_check_keys(b);
}

/* --name, else the friendly name the input gave the key or the leaf. */
static const char *friendly_name(const struct opts *o, const struct ck_fixed *f)
{
	if (o->conv.p12.friendly_name)
		return o->conv.p12.friendly_name;
	if (f->key && f->key->friendly_name)
		return f->key->friendly_name;
	if (f->leaf >= 0 && f->certs[f->leaf]->friendly_name)
		return f->certs[f->leaf]->friendly_name;
	return NULL;
}

static int write_pfx(const struct ck_bundle *b, const struct ck_fixed *f, const struct opts *o,
		     const char *password, struct ck_out **out)
{
	struct ck_p12_write_opts po = o->conv.p12;
	struct ck_buf pfx, text;
	struct ck_error err;
	int status;

	ck_error_clear(&err);
	ck_buf_init(&pfx);
	ck_buf_init(&text);
	po.password = password;
	po.friendly_name = friendly_name(o, f);
	if (ck_pkcs12_write(f->certs, f->ncerts, f->key, &po, &pfx, &err) ||
	    (o->base64 && ck_export_base64(pfx.data, pfx.len, &text, &err))) {
		ck_error_set_file(&err, b->name);
		status = cli_error(&err);
	} else {
		status = conv_out_finish(&o->conv, *out, o->base64 ? &text : &pfx);
		*out = NULL;
	}
	ck_buf_cleanup(&pfx);
	ck_buf_cleanup(&text);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct ck_bundle *b = NULL;
	struct ck_trust *trust = NULL;
	struct ck_fixed *f = NULL;
	struct ck_fix_opts fo = { 0 };
	struct ck_error err;
	struct ck_out *out = NULL;
	char *password = NULL;
	int first, status;
	size_t corrupt = 0;
	bool complete;

	conv_opts_init(&o.conv);
	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status))
		return cli_finish(&c, status);
	if (first >= argc)
		return cli_finish(&c, cli_usage("no input file (use '-' for standard input)"));
	if ((status = conv_check(&o.conv, true, true)) ||
	    (!o.base64 && (status = conv_check_binary_stdout(&o.conv))))
		return cli_finish(&c, status);
	/* before the work: a PFX with many iterations takes seconds */
	if ((status = conv_out_open(&o.conv, true, &out)))
		goto out;
	b = load(&c, &o, argv + first, argc - first, &status, &corrupt);
	if (!b || (status = conv_select_alias(b, o.conv.alias, o.conv.quiet)) ||
	    (status = check_key(b)))
		goto out;
	trust = cli_load_trust(&c, &status);
	if (!trust)
		goto out;
	password = conv_new_password(&o.conv, true, "the PFX", &status);
	if (!password)
		goto out;
	ck_error_clear(&err);
	fo.scope = CK_FIX_PRIMARY;
	fo.keep_root = !o.no_root;
	fo.complete = true;
	fo.at = c.at;
	if (ck_fix(b, trust, &fo, &f, &err)) {
		ck_error_set_file(&err, b->name);
		status = cli_error(&err);
		goto out;
	}
	complete = conv_report_fix(&o.conv, b->name, f, false);
	status = write_pfx(b, f, &o, password, &out);
	if (!status && !o.conv.quiet && o.conv.p12.iterations > DOTNET_ITERATION_LIMIT)
		cli_msg(o.conv.output, "note: .NET refuses more than %lu iterations by default "
			"(Pkcs12LoaderLimits)", DOTNET_ITERATION_LIMIT);
	if (!status && (!complete || corrupt))
		status = CLI_EXIT_PROBLEMS;
out:
	conv_out_finish(&o.conv, out, NULL);
	conv_password_free(password);
	ck_fixed_free(f);
	ck_trust_free(trust);
	ck_bundle_free(b);
	return cli_finish(&c, status);
}
