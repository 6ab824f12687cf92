/* SPDX-License-Identifier: MIT */
/*
 * fwbox crspace: the CR-space words of a bundle, optionally in the exact
 * text format of mstflint's mstregdump so vendor tooling accepts them.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

struct crspace_opts {
	struct cli_decode d; /* first: the sink's userdata is both */
	bool mstdump;
	struct cli_json json;
	uint64_t words;
};

static int on_run(void *ud, const char *kind, uint32_t addr, const uint32_t *v, size_t n)
{
	struct crspace_opts *o = ud;
	char line[CRSPACE_MSTDUMP_LINE];
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t a = addr + 4 * (uint32_t)i;

		if (o->json.on) {
			struct json_object *j = json_object_new_object();

			json_object_object_add(j, "bundle", json_object_new_string(o->d.uuid));
			json_object_object_add(j, "kind", json_object_new_string(kind));
			json_object_object_add(j, "address", cli_json_int(a));
			json_object_object_add(j, "value", cli_json_int(v[i]));
			cli_json_emit(&o->json, j);
		} else if (o->mstdump) {
			crspace_mstdump_line(a, v[i], line);
			fputs(line, stdout);
		} else {
			printf("%s 0x%08" PRIx32 " 0x%08" PRIx32 "\n", kind, a, v[i]);
		}
	}
	o->words += n;
	return 0;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mstdump", no_argument, NULL, 'm' },
		CLI_JSON_LONGOPTS,
		CLI_DB_LONGOPT,
		{ NULL, 0, NULL, 0 },
	};
	static const struct analyze_sink sink = {
		.crspace = on_run,
		.problem = cli_decode_problem,
	};
	struct crspace_opts o;
	struct cli_tally t = { 0 };
	int c;

	memset(&o, 0, sizeof(o));
	while ((c = cli_getopt(argc, argv, CLI_JSON_SHORTOPTS, longopts, &o.json)) != -1) {
		if (c == 'm')
			o.mstdump = true;
		else
			return cli_option_error(&cli_verb_crspace, argv, CLI_JSON_SHORTOPTS);
	}
	if (optind >= argc)
		return cli_usage_error(&cli_verb_crspace, "expected at least one BUNDLE");
	if (o.mstdump && o.json.on)
		return cli_usage_error(&cli_verb_crspace, "--mstdump and --json are two formats: "
				       "give one");
	o.d.verb = "crspace";
	/* The CR-space image, and the crdump inside a fw_fatal dump. */
	cli_decode_bundles(ctx, &o.d, argv + optind, argc - optind, "crspace,health.fw_fatal", &sink,
			   &t);
	t.records = o.words;
	return cli_tally_exit(&t, "crspace", "CR-space image", argc - optind, argv + optind);
}

const struct cli_verb cli_verb_crspace = {
	.name = "crspace",
	.summary = "print the CR-space words of bundles",
	.usage = "Usage: fwbox crspace [--mstdump] [--db PATH] [-j|--json] [-p|--pretty] BUNDLE...\n"
		 "\n"
		 "Print the CR-space words of each BUNDLE (the crspace artifact, from a\n"
		 "resource dump or CORE_DUMP, and the crdump of a stored fw_fatal reporter\n"
		 "dump), one 'KIND 0xADDRESS 0xVALUE' line per dword.\n"
		 "\n"
		 "Options:\n"
		 "  --mstdump      print exactly as mstregdump does: '0x%8.8x 0x%8.8x' per dword\n"
		 "  --db PATH      history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json     one JSON object per dword (fields: fwbox-crspace(1))\n"
		 "  -p, --pretty   indented JSON; implies --json\n"
		 "  -h, --help     show this help\n",
	.run = run,
};
