/* certconv — any bundle to PEM, DER, PKCS#7, PKCS#12 or base64; with
 * --fix, the chain doctor: leaf first, issuers in order, duplicates and
 * strays out, missing intermediates in, and a word on each change. */
#include "config.h"

#include "convert.h"

#include <stdlib.h>
#include <string.h>

enum {
	OPT_TO = CLI_TOOL_OPTION,
	OPT_FIX,
	OPT_KEEP_ROOT,
};

enum target { TO_NONE, TO_PEM, TO_DER, TO_P7B, TO_PFX, TO_BASE64 };
/* --to's values, from TO_PEM on */
static const char *const targets[] = { "pem", "der", "p7b", "pfx", "base64", NULL };

static const struct cli_option options[] = {
	{ "to", 0, "FORMAT", "output format: pem, der, p7b, pfx or base64", OPT_TO, CLI_ARG_ENUM,
	  .names = targets },
	{ "fix", 0, NULL, "put the chain in order, drop strays and duplicates, add missing intermediates", OPT_FIX },
	{ "keep-root", 0, NULL, "with --fix, keep the root at the end of the chain", OPT_KEEP_ROOT },
	CONV_OPTIONS_ALIAS,
	CONV_OPTIONS_OUTPUT,
	CONV_OPTIONS_PKCS12,
	CONV_OPTIONS_NEW_PASSWORD("the PFX"),
	CONV_OPTIONS_EMPTY_PASSWORD,
	CONV_OPTIONS_QUIET,
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "certconv",
	.synopsis = "[OPTION]... --to FORMAT FILE...",
	.summary = "Convert certificates (and keys) between PEM, DER, PKCS#7, PKCS#12 and base64.",
	.description =
		"The FILEs are read as one bundle in any format chainview reads.  Without --fix\n"
		"the certificates keep their order; with --fix the output is the leaf's chain in\n"
		"order, and what was changed or could not be fixed is reported on standard error.",
	.options = options,
	.common = CLI_WITH_INPUT | CLI_WITH_PASSWORD | CLI_WITH_TRUST | CLI_WITH_AT,
};

struct opts {
	struct conv_opts conv;
	enum target to;
	bool fix, keep_root;
};

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	int status = conv_option(&o->conv, id, a);

	if (status >= 0)
		return status;
	switch (id) {
	case OPT_TO: o->to = (enum target)(a->index + 1); break;
	case OPT_FIX: o->fix = true; break;
	case OPT_KEEP_ROOT: o->keep_root = true; break;
	}
	return 0;
}

/* 0, or the exit status after a usage error */
static int check_usage(const struct opts *o, const struct cli_common *c)
{
	bool p12 = o->to == TO_PFX || o->to == TO_BASE64;
	int status;

	if (o->to == TO_NONE)
		return cli_usage("--to FORMAT is needed: pem, der, p7b, pfx or base64");
	if (o->keep_root && !o->fix)
		return cli_usage("--keep-root is for --fix");
	if (!o->fix && (c->nca_files || c->nca_dirs || c->no_system_trust || c->at))
		return cli_usage("--ca-file, --ca-dir, --no-system-trust and --at are for --fix");
	if ((status = conv_check(&o->conv, p12, p12)))
		return status;
	if (o->to == TO_DER || o->to == TO_P7B || o->to == TO_PFX)
		return conv_check_binary_stdout(&o->conv);
	return 0;
}

/* What goes out: certificates and keys, borrowed. */
struct plan {
	const struct ck_cert **certs;
	size_t ncerts;
	const struct ck_key **keys;
	size_t nkeys;
	bool complete;
	char *password;  /* for a PKCS#12 output */
};

static int plan_plain(const struct ck_bundle *b, struct plan *p)
{
	p->certs = calloc(b->ncerts + 1, sizeof *p->certs);
	p->keys = calloc(b->nkeys + 1, sizeof *p->keys);
	if (!p->certs || !p->keys)
		return CLI_EXIT_INTERNAL;
	if (b->ncerts)
		memcpy(p->certs, b->certs, b->ncerts * sizeof *p->certs);
	if (b->nkeys)
		memcpy(p->keys, b->keys, b->nkeys * sizeof *p->keys);
	p->ncerts = b->ncerts;
	p->nkeys = b->nkeys;
	p->complete = true;
	return CLI_EXIT_OK;
}

/* PEM blocks that started mid-line are written on lines of their own:
 * a fix OpenSSL needs (chainview's pem-glued-blocks), said as one. */
static void report_glued(const struct opts *o, const struct ck_bundle *b)
{
	for (size_t i = 0; i < b->nglued && !o->conv.quiet; i++) {
		const struct ck_pem_glue *g = &b->glued[i];
		/* blocks are counted from 1 with their line, as derdump and
		 * chainview's corrupt-block and pem-glued-blocks count them;
		 * "[N]" is only ever a certificate's position */
		if (g->kind == CK_GLUE_AFTER_TEXT)
			cli_msg(b->name, "PEM block %u (line %u): started after other text; put on a "
				"line of its own", g->block, g->line);
		else
			cli_msg(b->name, "PEM blocks %u and %u (line %u): shared a line; put on lines "
				"of their own", g->block - 1, g->block, g->line);
	}
}

static int plan_fixed(struct cli_common *c, const struct opts *o, const struct ck_bundle *b,
		      const struct ck_trust *trust, struct ck_fixed **fp, struct plan *p)
{
	struct ck_fix_opts fo = { .scope = CK_FIX_PRIMARY, .keep_root = o->keep_root,
				  .complete = true, .at = c->at };
	struct ck_error err;
	int status;

	ck_error_clear(&err);
	status = ck_fix(b, trust, &fo, fp, &err);
	if (status) {
		ck_error_set_file(&err, b->name);
		status = cli_error(&err);
	} else {
		report_glued(o, b);
		p->complete = conv_report_fix(&o->conv, b->name, *fp,
					      (*fp)->ncerts > 0 && b->nglued == 0);
		p->certs = (*fp)->certs;
		p->ncerts = (*fp)->ncerts;
		p->keys = calloc(2, sizeof *p->keys);
		if (!p->keys)
			status = CLI_EXIT_INTERNAL;
		else if ((*fp)->key)
			p->keys[p->nkeys++] = (*fp)->key;
		if (!status && !o->conv.quiet && b->nkeys > p->nkeys)
			cli_msg(b->name, "left out %zu private key%s of certificates not on the chain",
				b->nkeys - p->nkeys, b->nkeys - p->nkeys == 1 ? "" : "s");
	}
	return status;
}

static int write_pfx(const struct opts *o, const struct ck_bundle *b, const struct plan *p,
		     struct ck_buf *out)
{
	struct ck_p12_write_opts po = o->conv.p12;
	struct ck_error err;
	int status;

	if (p->nkeys > 1) {
		cli_msg(b->name, "a PKCS#12 file written here holds one private key; the input has %zu "
			"(choose one with --alias)", p->nkeys);
		return CLI_EXIT_PROBLEMS;
	}
	ck_error_clear(&err);
	po.password = p->password;
	if (!po.friendly_name && p->nkeys && p->keys[0]->friendly_name)
		po.friendly_name = p->keys[0]->friendly_name;
	status = ck_pkcs12_write(p->certs, p->ncerts, p->nkeys ? p->keys[0] : NULL, &po, out, &err);
	if (status) {
		ck_error_set_file(&err, b->name);
		status = cli_error(&err);
	}
	return status;
}

static void note_key_left_out(const struct opts *o, const struct ck_bundle *b,
			      const struct plan *p, const char *format)
{
	if (p->nkeys && !o->conv.quiet)
		cli_msg(b->name, "the private key is not written: %s holds certificates only "
			"(use --to pfx or --to pem, or pfx2pem --key-only)", format);
}

/* The bytes of the chosen format; *secret when a key is inside. */
static int render(const struct opts *o, const struct ck_bundle *b, const struct plan *p,
		  struct ck_buf *out, bool *secret)
{
	struct ck_buf tmp;
	struct ck_error err;
	enum target to = o->to;
	int status = CLI_EXIT_OK;

	ck_error_clear(&err);
	*secret = false;
	if (p->ncerts == 0 && p->nkeys == 0) {
		/* --fix dropped the only root, or a key of no chain */
		cli_msg(b->name, "nothing is left to write");
		return CLI_EXIT_PROBLEMS;
	}
	if (p->ncerts == 0 && to != TO_PEM && to != TO_PFX && !(to == TO_BASE64 && p->nkeys)) {
		cli_msg(b->name, "there is no certificate to write");
		return CLI_EXIT_PROBLEMS;
	}
	if (to == TO_DER && p->ncerts > 1) {
		cli_msg(b->name, "DER holds a single certificate and there are %zu; use --to p7b "
			"(PKCS#7) or --to pem for all of them", p->ncerts);
		fprintf(stderr, "Try 'certconv --help' for more information.\n");
		return CLI_EXIT_USAGE;
	}
	switch (to) {
	case TO_PEM:
		for (size_t i = 0; i < p->ncerts && !status; i++)
			status = ck_export_cert_pem(p->certs[i], false, out, &err);
		for (size_t k = 0; k < p->nkeys && !status; k++)
			status = ck_export_key_pem(p->keys[k], NULL, false, out, &err);
		*secret = p->nkeys > 0;
		break;
	case TO_DER:
		note_key_left_out(o, b, p, "DER");
		if (ck_buf_append(out, p->certs[0]->der, p->certs[0]->der_len))
			status = ck_error_set(&err, CK_E_NOMEM, "out of memory");
		break;
	case TO_P7B:
		note_key_left_out(o, b, p, "PKCS#7");
		status = ck_export_pkcs7(p->certs, p->ncerts, out, &err);
		break;
	case TO_PFX:
		*secret = true;
		return write_pfx(o, b, p, out);
	case TO_BASE64:
		/* of what the DER-like formats would write: PFX with a key,
		 * else the certificate, else PKCS#7 */
		ck_buf_init(&tmp);
		if (p->nkeys) {
			*secret = true;
			status = write_pfx(o, b, p, &tmp);
			if (status) {
				ck_buf_cleanup(&tmp);
				return status;
			}
		} else if (p->ncerts == 1) {
			status = ck_buf_append(&tmp, p->certs[0]->der, p->certs[0]->der_len) ?
					 ck_error_set(&err, CK_E_NOMEM, "out of memory") : CK_OK;
		} else {
			status = ck_export_pkcs7(p->certs, p->ncerts, &tmp, &err);
		}
		if (!status)
			status = ck_export_base64(tmp.data, tmp.len, out, &err);
		ck_buf_cleanup(&tmp);
		break;
	default:
		break;
	}
	if (status) {
		ck_error_set_file(&err, b->name);
		return cli_error(&err);
	}
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct ck_bundle *b = NULL;
	struct ck_trust *trust = NULL;
	struct ck_fixed *f = NULL;
	struct plan p = { 0 };
	struct ck_buf out;
	int first, status;
	size_t corrupt = 0;
	bool secret = false;

	conv_opts_init(&o.conv);
	ck_buf_init(&out);
	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status))
		return cli_finish(&c, status);
	if (first >= argc)
		return cli_finish(&c, cli_usage("no input file (use '-' for standard input)"));
	if ((status = check_usage(&o, &c)))
		return cli_finish(&c, status);
	b = conv_load(&c, argv + first, argc - first, &status, &corrupt);
	if (!b || (status = conv_select_alias(b, o.conv.alias, o.conv.quiet)) ||
	    (status = conv_check_keys(b)))
		goto out;
	if (o.fix && !(trust = cli_load_trust(&c, &status)))
		goto out;
	/* asked before the work, so that prompts come first */
	if (o.to == TO_PFX || (o.to == TO_BASE64 && b->nkeys)) {
		p.password = conv_new_password(&o.conv, true, "the PFX", &status);
		if (!p.password)
			goto out;
	}
	status = o.fix ? plan_fixed(&c, &o, b, trust, &f, &p) : plan_plain(b, &p);
	if (!status)
		status = render(&o, b, &p, &out, &secret);
	if (!status)
		status = conv_write(&o.conv, &out, secret);
	if (!status && (!p.complete || corrupt))
		status = CLI_EXIT_PROBLEMS;
out:
	conv_password_free(p.password);
	if (!o.fix)
		free(p.certs);
	free(p.keys);
	ck_buf_cleanup(&out);
	ck_fixed_free(f);
	ck_trust_free(trust);
	ck_bundle_free(b);
	return cli_finish(&c, status);
}
