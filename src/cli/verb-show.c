/* SPDX-License-Identifier: MIT */
/* fwbox show: PLACEHOLDER until its subsystem lands (replaced, never shipped). */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	fprintf(stderr, "fwbox show: not implemented yet\n");
	return CLI_EXIT_FAILURE;
}

const struct cli_verb cli_verb_show = {
	.name = "show",
	.summary = "(not implemented yet)",
	.usage = "Usage: fwbox show\n",
	.run = run,
};
