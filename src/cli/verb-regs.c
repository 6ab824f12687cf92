/* SPDX-License-Identifier: MIT */
/*
 * fwbox regs: the register snapshots of a bundle, decoded field by field
 * from the register catalog.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "bundle/bundle.h"
#include "cli/cli.h"
#include "ifc/regcat.h"

struct regs_opts {
	const char *only;      /* register name, or NULL */
	bool json;
	struct json_object *arr;
	uint64_t fields;
	uint64_t problems;
};

static int on_field(void *ud, const char *kind, const struct regs_field *f)
{
	struct regs_opts *o = ud;
	char val[600];

	(void)kind;
	if (o->only && strcasecmp(o->only, f->reg) != 0)
		return 0;
	o->fields++;
	if (o->json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "register", json_object_new_string(f->reg));
		json_object_object_add(j, "register_id", json_object_new_int(f->reg_id));
		json_object_object_add(j, "field", json_object_new_string(f->field));
		json_object_object_add(j, "bit_offset", json_object_new_int64(f->bit_off));
		json_object_object_add(j, "width", json_object_new_int64(f->width));
		if (f->type == REGCAT_UINT) {
			json_object_object_add(j, "value", json_object_new_uint64(f->value));
			json_object_object_add(j, "enum", f->enum_name ? json_object_new_string(f->enum_name)
								       : NULL);
		} else {
			regs_field_value_text(f, val, sizeof(val));
			json_object_object_add(j, "value", json_object_new_string(val));
		}
		json_object_array_add(o->arr, j);
		return 0;
	}
	regs_field_value_text(f, val, sizeof(val));
	printf("%s.%s = %s\n", f->reg, f->field, val);
	return 0;
}

static void on_problem(void *ud, const char *kind, uint64_t off, int err, const char *msg)
{
	struct regs_opts *o = ud;

	(void)err;
	o->problems++;
	fprintf(stderr, "fwbox regs: warning: '%s' at offset %" PRIu64 ": %s\n", kind, off, msg);
}

/* REGISTER printed nothing: say why. A step that failed or was skipped is
 * in the index with its reason; that is the answer, not "no register". */
static int explain_missing(struct fw_ctx *ctx, const char *path, const struct regcat_reg *reg)
{
	struct bundle *b = NULL;
	const struct bundle_artifact *a;
	char kind[96];
	int r;

	r = bundle_open(ctx, path, &b);
	if (r < 0)
		return cli_fail(ctx, "regs", "'%s'", path);
	snprintf(kind, sizeof(kind), "reg.%s", reg->name);
	a = bundle_find_kind(b, kind);
	if (!a)
		fprintf(stderr, "fwbox regs: register '%s' was not captured in '%s'\n", reg->name, path);
	else if (a->outcome == BUNDLE_OUTCOME_FAILED || a->outcome == BUNDLE_OUTCOME_SKIPPED)
		fprintf(stderr, "fwbox regs: register '%s' was captured in '%s' but its step %s: %s\n",
			reg->name, path, bundle_outcome_name(a->outcome),
			a->reason && *a->reason ? a->reason : "no reason recorded");
	else
		fprintf(stderr, "fwbox regs: register '%s' in '%s' holds no field that decodes (%s, %" PRIu64
			" bytes)\n", reg->name, path, bundle_outcome_name(a->outcome), a->size);
	bundle_close(b);
	return CLI_EXIT_FAILURE;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct analyze_sink sink = {
		.reg_field = on_field,
		.problem = on_problem,
	};
	struct regs_opts o;
	const struct regcat_reg *reg = NULL;
	char prefix[128];
	int c, r, status = CLI_EXIT_OK;

	memset(&o, 0, sizeof(o));
	optind = 1;
	opterr = 0; /* one message, ours */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'j')
			o.json = true;
		else
			return cli_option_error(&cli_verb_regs, argv, "");
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage_error(&cli_verb_regs, "expected BUNDLE [REGISTER]");
	if (argc - optind == 2) {
		o.only = argv[optind + 1];
		reg = regcat_by_name(o.only);
		if (!reg)
			return cli_usage_error(&cli_verb_regs,
					       "'%s' is not in the register catalog (see fwbox-regs(1))",
					       o.only);
	}
	if (o.json)
		o.arr = json_object_new_array();
	cli_catch_signals(ctx);
	snprintf(prefix, sizeof(prefix), "reg.");
	r = analyze_path(ctx, argv[optind], prefix, &sink, &o);
	if (r < 0) {
		status = cli_fail(ctx, "regs", "'%s'", argv[optind]);
	} else if (reg && !o.fields) {
		status = explain_missing(ctx, argv[optind], reg);
	} else if (o.json) {
		cli_print_json(o.arr);
	}
	json_object_put(o.arr);
	return status;
}

const struct cli_verb cli_verb_regs = {
	.name = "regs",
	.summary = "decode the register snapshots of a bundle",
	.usage = "Usage: fwbox regs BUNDLE [REGISTER] [--json]\n"
		 "\n"
		 "Decode every register snapshot of BUNDLE (artifacts reg.NAME) field by\n"
		 "field from the register catalog, one 'REGISTER.field = value' line each;\n"
		 "enumerated values show their name.  With REGISTER, only that register.\n"
		 "\n"
		 "Options:\n"
		 "  --json       print a JSON array of objects instead\n"
		 "  -h, --help   show this help\n",
	.run = run,
};
