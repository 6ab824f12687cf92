/* SPDX-License-Identifier: MIT */
/* fwbox collect: PLACEHOLDER until its subsystem lands (replaced, never shipped). */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	fprintf(stderr, "fwbox collect: not implemented yet\n");
	return CLI_EXIT_FAILURE;
}

const struct cli_verb cli_verb_collect = {
	.name = "collect",
	.summary = "(not implemented yet)",
	.usage = "Usage: fwbox collect\n",
	.run = run,
};
