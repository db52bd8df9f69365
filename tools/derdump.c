/* derdump — show the ASN.1 structure of DER, PEM or base64 input, and the
 * byte where it breaks. */
#include "config.h"

#include "cli.h"
#include "libcore/der.h"
#include "libcore/report-derdump.h"
#include "libcore/schema.h"

#include <stdlib.h>
#include <string.h>

enum {
	OPT_TYPE = CLI_TOOL_OPTION,
	OPT_STRICT,
	OPT_NO_NESTED,
	OPT_DEPTH,
	OPT_OFFSET,
	OPT_LENGTH,
};

static const struct cli_option options[] = {
	{ "type", 0, "TYPE", "name the fields as TYPE (auto, Certificate, PFX, ...; see derdump(1))", OPT_TYPE },
	{ "strict-der", 0, NULL, "list every DER rule broken (exit status 1 if any)", OPT_STRICT },
	{ "no-nested", 0, NULL, "do not show DER inside OCTET and BIT STRINGs (still checked)", OPT_NO_NESTED },
	{ "depth", 0, "N", "show N levels (deeper ones are still checked)", OPT_DEPTH,
	  CLI_ARG_COUNT, 1, 100000, .takes = "a number of levels from 1" },
	{ "offset", 0, "N", "start at byte N of the DER", OPT_OFFSET,
	  CLI_ARG_COUNT, 0, (unsigned long)(SIZE_MAX >> 1), .takes = "a byte offset (0 or more)" },
	{ "length", 0, "N", "show N bytes from --offset", OPT_LENGTH,
	  CLI_ARG_COUNT, 1, (unsigned long)(SIZE_MAX >> 1), .takes = "a number of bytes (1 or more)" },
	{ NULL, 0, NULL, NULL, 0 },
};

static const struct cli_tool tool = {
	.name = "derdump",
	.synopsis = "[OPTION]... FILE...",
	.summary = "Show the ASN.1 structure of each FILE, and the byte where it breaks.",
	.description =
		"FILE is DER, PEM (every block) or base64; '-' reads standard input.  Every element\n"
		"is shown with its offset, header and content length, tag and value; BER is read\n"
		"too.  Malformed input: what decodes is shown, then the byte and the reason.",
	.options = options,
	.common = CLI_WITH_OUTPUT | CLI_WITH_INPUT,
	.view = &ck_view_derdump,
};

struct opts {
	const char *type; /* NULL: no field names */
	bool strict;
	bool no_nested;
	unsigned depth;
	size_t offset, length;
	bool has_offset, has_length;
};

static int tool_option(int id, const struct cli_arg *a, void *ctx)
{
	struct opts *o = ctx;
	const char *arg = a->s;
	const char *const *types = ck_schema_types();

	switch (id) {
	case OPT_TYPE:
		if (!strcmp(arg, "auto")) {
			o->type = "auto";
			break;
		}
		for (size_t i = 0; types[i]; i++)
			if (!strcmp(types[i], arg))
				o->type = types[i];
		if (!o->type || strcmp(o->type, arg)) {
			char list[512] = "";
			for (size_t i = 0; types[i]; i++)
				snprintf(list + strlen(list), sizeof list - strlen(list), ", %s", types[i]);
			return cli_usage("--type takes auto%s; not '%s'", list, arg);
		}
		break;
	case OPT_STRICT:
		o->strict = true;
		break;
	case OPT_NO_NESTED:
		o->no_nested = true;
		break;
	case OPT_DEPTH:
		o->depth = (unsigned)a->n;
		break;
	case OPT_OFFSET:
		o->offset = a->n;
		o->has_offset = true;
		break;
	case OPT_LENGTH:
		o->length = a->n;
		o->has_length = true;
		break;
	}
	return 0;
}

/* One input, as libcore and the renderers see it. */
struct dump {
	struct ck_dump_input in;
	struct ck_dump_opts dopts;
	struct ck_dump_result res;
};

static int dump_json(FILE *out, void *ctx)
{
	struct dump *d = ctx;
	return ck_report_dump_json(out, &d->in, &d->dopts, &d->res);
}

static int dump_xml(struct ck_xml *x, void *ctx)
{
	struct dump *d = ctx;
	return ck_report_dump_xml(x, &d->in, &d->dopts, &d->res);
}

static int dump_text(FILE *out, const struct ck_text_opts *to, void *ctx)
{
	struct dump *d = ctx;
	return ck_report_dump_text(out, &d->in, &d->dopts, to, &d->res);
}

/* "CERTIFICATE block at line 3: " for a PEM block, "" otherwise. */
static void block_prefix(const struct ck_dump_block *b, char *buf, size_t size)
{
	if (b->label)
		snprintf(buf, size, "%s block at line %u: ", b->label, b->line);
	else
		buf[0] = '\0';
}

/* Pick the bytes --offset/--length ask for.  false (with a message) if
 * they are not in the block. */
static bool select_range(const char *path, const struct opts *o, const struct ck_der_blob *blob,
			 struct ck_dump_block *b)
{
	char pre[128];

	b->der = blob->der;
	b->len = b->size = blob->len;
	if (!blob->der)
		return true;
	block_prefix(b, pre, sizeof pre);
	if (o->has_offset && o->offset >= blob->len) {
		cli_msg(path, "%s--offset %zu is past the end of the data (%zu bytes)", pre, o->offset,
			blob->len);
		return false;
	}
	b->base = (int64_t)o->offset;
	b->der += o->offset;
	b->len -= o->offset;
	if (o->has_length) {
		if (o->length > b->len) {
			cli_msg(path, "%s--length %zu runs past the end of the data (%zu bytes from byte %zu)",
				pre, o->length, b->len, o->offset);
			return false;
		}
		b->len = o->length;
	}
	return true;
}

/* Field names for block b.  Returns the exit status this costs: 3 when
 * an explicit --type does not apply. */
static int name_fields(const char *path, const struct opts *o, struct ck_dump_block *b,
		       struct ck_schema_names **names, char **type_error)
{
	struct ck_error err;
	enum ck_status rc;
	char pre[128];

	if (!o->type || !b->der)
		return 0;
	ck_error_clear(&err);
	if (ck_der_locate_error(b->der, b->len, NULL, &err))
		return 0; /* broken: the walk says where, names would add nothing */
	if (!strcmp(o->type, "auto"))
		rc = ck_schema_guess(b->der, b->len, b->base, names, &err);
	else
		rc = ck_schema_name(b->der, b->len, b->base, o->type, names, &err);
	if (rc == CK_OK) {
		b->names = *names;
		return 0;
	}
	if (rc == CK_E_PARSE && !strcmp(o->type, "auto"))
		return 0; /* nothing matches: shown without names */
	*type_error = strdup(err.what);
	b->type_error = *type_error;
	block_prefix(b, pre, sizeof pre);
	cli_msg(path, "%s%s", pre, err.what);
	return rc == CK_E_PARSE ? CLI_EXIT_INPUT : ck_status_exit_code(rc);
}

/* One line per block that did not decode to its end; the exit status. */
static int report_errors(const char *path, const struct ck_dump_block *blocks, size_t nb,
			 const struct ck_dump_result *res)
{
	int status = CLI_EXIT_OK, s;

	for (size_t i = 0; i < nb && res->errors; i++) {
		const struct ck_error *e = &res->errors[i];
		char pre[128];
		if (!e->status)
			continue;
		if (blocks[i].error) {
			s = cli_error(e); /* the block's own message names it */
		} else {
			block_prefix(&blocks[i], pre, sizeof pre);
			cli_msg(path, "%s%s", pre, e->what);
			s = ck_status_exit_code(e->status);
		}
		if (s > status)
			status = s;
	}
	return status;
}

static int dump_one(const char *path, struct cli_common *c, const struct opts *o,
		    struct cli_output *out)
{
	unsigned char *data = NULL;
	size_t len = 0, nb = 0;
	struct ck_der_blobs *blobs = NULL;
	struct ck_dump_block *blocks = NULL;
	struct ck_schema_names **names = NULL;
	char **type_errors = NULL;
	struct ck_error err;
	struct dump d;
	int status = CLI_EXIT_OK, s;

	memset(&d, 0, sizeof d);
	ck_error_clear(&err);
	if (ck_read_file(path, c->max_size, &data, &len, &err) ||
	    ck_der_blobs_load(data, len, path, &blobs, &err)) {
		status = cli_error(&err);
		if (cli_output_error_docs(out)) {
			json_t *doc = ck_report_error(path, &err);
			cli_output_doc(out, doc, NULL);
			json_decref(doc);
		}
		goto out;
	}
	/* the blobs are copies: keep one of the two (wiped: it may hold a key) */
	explicit_bzero(data, len);
	free(data);
	data = NULL;
	nb = blobs->n;
	blocks = calloc(nb, sizeof *blocks);
	names = calloc(nb, sizeof *names);
	type_errors = calloc(nb, sizeof *type_errors);
	if (!blocks || !names || !type_errors) {
		cli_msg(path, "out of memory");
		status = CLI_EXIT_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < nb; i++) {
		const struct ck_der_blob *blob = &blobs->blobs[i];
		blocks[i].label = blob->label;
		blocks[i].line = blob->line;
		blocks[i].error = blob->err.status ? &blob->err : NULL;
		if (!select_range(path, o, blob, &blocks[i])) {
			status = CLI_EXIT_USAGE;
			goto out;
		}
		s = name_fields(path, o, &blocks[i], &names[i], &type_errors[i]);
		if (s > status)
			status = s;
	}

	d.in.name = path;
	d.in.format = blobs->format;
	d.in.size = len;
	d.in.blocks = blocks;
	d.in.nblocks = nb;
	d.dopts.nested = !o->no_nested;
	d.dopts.depth = o->depth;
	d.dopts.strict = o->strict;
	d.dopts.container = blobs->format == CK_FMT_PEM ? "block" :
			    blobs->format == CK_FMT_BASE64 ? "decoded data" : "file";
	cli_output_item(out, &(struct ck_emit_item){ dump_json, dump_xml, dump_text, &d });

	s = report_errors(path, blocks, nb, &d.res);
	if (s > status)
		status = s;
	if (status == CLI_EXIT_OK &&
	    (d.res.invalid || (o->strict && (d.res.der_violations || d.res.unchecked))))
		status = CLI_EXIT_PROBLEMS;
out:
	ck_dump_result_cleanup(&d.res);
	for (size_t i = 0; i < nb; i++) {
		if (names)
			ck_schema_names_free(names[i]);
		if (type_errors)
			free(type_errors[i]);
	}
	free(names);
	free(type_errors);
	free(blocks);
	ck_der_blobs_free(blobs);
	if (data)
		explicit_bzero(data, len);
	free(data);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_common c;
	struct opts o = { 0 };
	struct cli_output *out;
	int first, status = CLI_EXIT_OK, input_status = 0;

	if (!cli_parse(&tool, argc, argv, &c, tool_option, &o, &first, &status))
		return cli_finish(&c, status);
	if (first >= argc)
		return cli_finish(&c, cli_usage("no input file (use '-' for standard input)"));
	if (o.has_length && !o.has_offset)
		o.has_offset = true; /* from byte 0 */
	out = cli_output_begin(&c, &ck_view_derdump, argc - first > 1);
	if (!out) {
		cli_msg(NULL, "out of memory");
		return cli_finish(&c, CLI_EXIT_INTERNAL);
	}
	for (int i = first; i < argc; i++) {
		int s = dump_one(argv[i], &c, &o, out);
		if (s >= CLI_EXIT_USAGE && !input_status)
			input_status = s;
		else if (s == CLI_EXIT_PROBLEMS)
			status = CLI_EXIT_PROBLEMS;
	}
	if (cli_output_end(out, NULL, NULL, NULL) && !input_status)
		input_status = CLI_EXIT_INTERNAL;
	return cli_finish(&c, input_status ? input_status : status);
}
