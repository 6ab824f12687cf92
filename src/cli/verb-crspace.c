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

#include "cli/cli.h"

struct crspace_opts {
	bool mstdump;
	uint64_t words;
	uint64_t problems;
};

static int on_run(void *ud, const char *kind, uint32_t addr, const uint32_t *v, size_t n)
{
	struct crspace_opts *o = ud;
	char line[CRSPACE_MSTDUMP_LINE];
	size_t i;

	for (i = 0; i < n; i++) {
		if (o->mstdump) {
			crspace_mstdump_line(addr + 4 * (uint32_t)i, v[i], line);
			fputs(line, stdout);
		} else {
			printf("%s 0x%08" PRIx32 " 0x%08" PRIx32 "\n", kind, addr + 4 * (uint32_t)i, v[i]);
		}
	}
	o->words += n;
	return 0;
}

static void on_problem(void *ud, const char *kind, uint64_t off, int err, const char *msg)
{
	struct crspace_opts *o = ud;

	(void)err;
	o->problems++;
	fprintf(stderr, "fwbox crspace: warning: '%s' at offset %" PRIu64 ": %s\n", kind, off, msg);
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mstdump", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct analyze_sink sink = {
		.crspace = on_run,
		.problem = on_problem,
	};
	struct crspace_opts o;
	int c, r;

	memset(&o, 0, sizeof(o));
	optind = 1;
	opterr = 0; /* one message, ours */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'm')
			o.mstdump = true;
		else
			return cli_option_error(&cli_verb_crspace, argv, "");
	}
	if (optind != argc - 1)
		return cli_usage_error(&cli_verb_crspace, "expected one BUNDLE");
	cli_catch_signals(ctx);
	/* The CR-space image, and the crdump inside a fw_fatal dump. */
	r = analyze_path(ctx, argv[optind], "crspace,health.fw_fatal", &sink, &o);
	if (r < 0)
		return cli_fail(ctx, "crspace", "'%s'", argv[optind]);
	if (!o.words) {
		fprintf(stderr, "fwbox crspace: no CR-space image in '%s'\n", argv[optind]);
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

const struct cli_verb cli_verb_crspace = {
	.name = "crspace",
	.summary = "print the CR-space words of a bundle",
	.usage = "Usage: fwbox crspace BUNDLE [--mstdump]\n"
		 "\n"
		 "Print the CR-space words of BUNDLE (the crspace artifact, from a resource\n"
		 "dump or CORE_DUMP, and the crdump of a stored fw_fatal reporter dump), one\n"
		 "'KIND 0xADDRESS 0xVALUE' line per dword.\n"
		 "\n"
		 "Options:\n"
		 "  --mstdump    print exactly as mstregdump does: '0x%8.8x 0x%8.8x' per dword\n"
		 "  -h, --help   show this help\n",
	.run = run,
};
