/* SPDX-License-Identifier: MIT */
/*
 * fwbox regs: the register snapshots of a bundle, decoded field by field
 * from the register catalog.
 */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bundle/bundle.h"
#include "cli/cli.h"
#include "ifc/regcat.h"

/* The high half of a 64-bit quantity the catalog splits in two, kept
 * until its low half arrives, so that people see one number. */
struct half {
	bool set;
	char reg[32], base[96], field[128];
	uint16_t reg_id;
	uint32_t bit_off, width, value;
	enum regcat_show show;
};

struct regs_opts {
	struct cli_decode d; /* first: the sink's userdata is both */
	const char *only;      /* register name, or NULL */
	struct cli_json json;
	struct half hi;
	uint64_t fields;
	uint64_t fields_before;        /* fields when the bundle began */
	const struct regcat_reg *reg;  /* -r REGISTER, or NULL */
};

/* Suffixes of split 64-bit values in regcat.def (high, low). */
static const struct {
	const char *hi, *lo;
} halves[] = {
	{ "_high", "_low" },
	{ "_63_32", "_31_0" },
	{ "52_32", "31_0" },   /* MTRC_CTRL current_timestamp52_32 / current_timestamp31_0 */
};

/* The base name of field if it is the high half of a pair (else NULL). */
static int half_of(const char *field, bool want_hi, char *base, size_t len)
{
	size_t n = strlen(field);

	for (size_t i = 0; i < sizeof(halves) / sizeof(halves[0]); i++) {
		const char *suf = want_hi ? halves[i].hi : halves[i].lo;
		size_t sl = strlen(suf);

		if (n > sl && !strcmp(field + n - sl, suf)) {
			snprintf(base, len, "%.*s", (int)(n - sl), field);
			return (int)i;
		}
	}
	return -1;
}

static void emit(struct regs_opts *o, const char *reg, uint16_t reg_id, const char *field,
		 uint32_t bit_off, uint32_t width, struct json_object *value, const char *enum_name,
		 const char *text)
{
	struct json_object *j;

	if (!o->json.on) {
		json_object_put(value);
		printf("%s.%s = %s\n", reg, field, text);
		return;
	}
	j = json_object_new_object();
	json_object_object_add(j, "bundle", json_object_new_string(o->d.uuid));
	json_object_object_add(j, "register", json_object_new_string(reg));
	json_object_object_add(j, "register_id", cli_json_int(reg_id));
	json_object_object_add(j, "field", json_object_new_string(field));
	json_object_object_add(j, "bit_offset", cli_json_int(bit_off));
	json_object_object_add(j, "width", cli_json_int(width));
	json_object_object_add(j, "value", value);
	json_object_object_add(j, "enum", cli_json_text(enum_name));
	json_object_object_add(j, "text", json_object_new_string(text));
	cli_json_emit(&o->json, j);
}

static void flush_half(struct regs_opts *o)
{
	char text[64];

	if (!o->hi.set)
		return;
	o->hi.set = false;
	regs_uint_text(o->hi.value, o->hi.show, NULL, text, sizeof(text));
	/* A lone half (its low half was not captured): as it is. */
	emit(o, o->hi.reg, o->hi.reg_id, o->hi.field, o->hi.bit_off, o->hi.width,
	     cli_json_int(o->hi.value), NULL, text);
}

static int on_field(void *ud, const char *kind, const struct regs_field *f)
{
	struct regs_opts *o = ud;
	char val[600], base[96];
	int pair;

	(void)kind;
	if (o->only && strcasecmp(o->only, f->reg) != 0)
		return 0;
	o->fields++;
	if (f->type == REGCAT_UINT && !f->enum_name) {
		/* The low half of the pending high half: one 64-bit value. */
		pair = half_of(f->field, false, base, sizeof(base));
		if (o->hi.set && pair >= 0 && !strcmp(base, o->hi.base) && !strcmp(f->reg, o->hi.reg)) {
			uint64_t v = (uint64_t)o->hi.value << 32 | f->value;

			o->hi.set = false;
			regs_uint_text(v, o->hi.show, NULL, val, sizeof(val));
			/* 64 bits may exceed 2^53: a decimal string (fwbox(1)). */
			emit(o, f->reg, f->reg_id, base, o->hi.bit_off, o->hi.width + f->width,
			     cli_json_u64(v), NULL, val);
			return 0;
		}
		flush_half(o);
		if (half_of(f->field, true, base, sizeof(base)) >= 0) {
			o->hi.set = true;
			snprintf(o->hi.reg, sizeof(o->hi.reg), "%s", f->reg);
			snprintf(o->hi.base, sizeof(o->hi.base), "%s", base);
			snprintf(o->hi.field, sizeof(o->hi.field), "%s", f->field);
			o->hi.reg_id = f->reg_id;
			o->hi.bit_off = f->bit_off;
			o->hi.width = f->width;
			o->hi.value = f->value;
			o->hi.show = f->show;
			return 0;
		}
	} else {
		flush_half(o);
	}
	regs_field_value_text(f, val, sizeof(val));
	emit(o, f->reg, f->reg_id, f->field, f->bit_off, f->width,
	     f->type == REGCAT_UINT ? cli_json_int(f->value) : json_object_new_string(val),
	     f->type == REGCAT_UINT ? f->enum_name : NULL, val);
	return 0;
}

/* REGISTER printed nothing: say why. A step that failed or was skipped is
 * in the index with its reason; that is the answer, not "no register". */
static void explain_missing(struct fw_ctx *ctx, const char *path, const struct regcat_reg *reg)
{
	struct bundle *b = NULL;
	const struct bundle_artifact *a;
	char kind[96];

	if (cli_bundle_open(ctx, path, &b) < 0) {
		fw_ctx_clear_error(ctx);
		return;
	}
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
}

/* REGISTER is not in the catalog: list the catalog, so the user can pick. */
static int unknown_register(const char *name)
{
	const char *names[256];
	size_t n = 0;
	const char *near;

	for (size_t i = 0; i < regcat_count() && n < 256; i++)
		names[n++] = regcat_at(i)->name;
	near = cli_closest(name, names, n);
	fprintf(stderr, "fwbox regs: '%s' is not in the register catalog", name);
	if (near)
		fprintf(stderr, "; did you mean '%s'?", near);
	fprintf(stderr, "\nThe catalog:");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i % 10 ? " " : "\n  ", names[i]);
	fprintf(stderr, "\nTry 'fwbox regs --help'.\n");
	return CLI_EXIT_USAGE;
}

static bool looks_like_register(const char *arg)
{
	bool hex = true;

	if (access(arg, F_OK) == 0)
		return false;
	if (regcat_by_name(arg))
		return true;
	if (strpbrk(arg, "./"))
		return false;
	for (const char *p = arg; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != '-')
			hex = false;
	return !hex;
}

/* A lone half is printed as it is; -r REGISTER that printed nothing says why. */
static void after_bundle(struct cli_decode *d, struct fw_ctx *ctx, int r)
{
	struct regs_opts *o = (struct regs_opts *)d;

	flush_half(o);
	if (r >= 0 && o->reg && o->fields == o->fields_before)
		explain_missing(ctx, d->path, o->reg);
	o->fields_before = o->fields;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_JSON_LONGOPTS,
		CLI_DB_LONGOPT,
		{ "register", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct analyze_sink sink = {
		.reg_field = on_field,
		.problem = cli_decode_problem,
	};
	struct regs_opts o;
	struct cli_tally t = { 0 };
	const struct regcat_reg *reg = NULL;
	int c, nbundles;

	memset(&o, 0, sizeof(o));
	while ((c = cli_getopt(argc, argv, "r:" CLI_JSON_SHORTOPTS, longopts, &o.json)) != -1) {
		if (c == 'r')
			o.only = optarg;
		else
			return cli_option_error(&cli_verb_regs, argv, "r:" CLI_JSON_SHORTOPTS);
	}
	nbundles = argc - optind;
	/* "regs BUNDLE... REGISTER": a last argument that is no file and
	 * names a register, or looks like one rather than a bundle file or a
	 * UUID, is the register. */
	if (!o.only && nbundles >= 2 && looks_like_register(argv[argc - 1])) {
		o.only = argv[argc - 1];
		nbundles--;
	}
	if (nbundles < 1)
		return cli_usage_error(&cli_verb_regs, "expected BUNDLE... [-r REGISTER]");
	if (o.only) {
		reg = regcat_by_name(o.only);
		if (!reg)
			return unknown_register(o.only);
	}
	o.d.verb = "regs";
	o.d.after = after_bundle;
	o.reg = reg;
	cli_decode_bundles(ctx, &o.d, argv + optind, nbundles, "reg.", &sink, &t);
	t.records = o.fields;
	if (reg && !o.fields && t.ok && !t.failed)
		return CLI_EXIT_NOTHING; /* explain_missing() said why */
	return cli_tally_exit(&t, "regs", "register snapshot", nbundles, argv + optind);
}

const struct cli_verb cli_verb_regs = {
	.name = "regs",
	.summary = "decode the register snapshots of bundles",
	.usage = "Usage: fwbox regs [-r|--register REGISTER] [--db PATH] [-j|--json] [-p|--pretty] BUNDLE...\n"
		 "       fwbox regs BUNDLE REGISTER\n"
		 "\n"
		 "Decode every register snapshot of each BUNDLE (artifacts reg.NAME) field\n"
		 "by field from the register catalog, one 'REGISTER.field = value' line each;\n"
		 "enumerated values show their name.  With REGISTER, only that register.\n"
		 "\n"
		 "Options:\n"
		 "  -r, --register REGISTER  only this register (e.g. MGIR)\n"
		 "  --db PATH                history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json               one JSON object per field (fields: fwbox-regs(1))\n"
		 "  -p, --pretty             indented JSON; implies --json\n"
		 "  -h, --help               show this help\n",
	.run = run,
};
