/* SPDX-License-Identifier: MIT */
/* fwbox: the verb table and global options. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Order is the order of `fwbox --help`: collection first, then analysis. */
static const struct cli_verb *const verbs[] = {
	&cli_verb_collect,
	&cli_verb_devices,
	&cli_verb_watch,
	&cli_verb_show,
	&cli_verb_verify,
	&cli_verb_extract,
	&cli_verb_trace,
	&cli_verb_regs,
	&cli_verb_crspace,
	&cli_verb_segments,
	&cli_verb_import,
	&cli_verb_health,
	&cli_verb_load,
	&cli_verb_list,
	&cli_verb_info,
	&cli_verb_query,
	&cli_verb_prune,
	&cli_verb_diff,
	&cli_verb_redact,
	&cli_verb_report,
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

const struct cli_verb *cli_verb_find(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(name, verbs[i]->name))
			return verbs[i];
	return NULL;
}

static int unknown_verb(const char *name)
{
	const char *names[NVERBS];
	const char *near;

	for (size_t i = 0; i < NVERBS; i++)
		names[i] = verbs[i]->name;
	near = cli_closest(name, names, NVERBS);
	if (near)
		fprintf(stderr, "fwbox: unknown verb '%s'; did you mean '%s'?\n", name, near);
	else
		fprintf(stderr, "fwbox: unknown verb '%s'\n", name);
	fprintf(stderr, "Try 'fwbox --help'.\n");
	return CLI_EXIT_USAGE;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: fwbox [--help] [--version] VERB [ARGS...]\n"
		   "       fwbox help [VERB]\n\n"
		   "Crash and firmware forensics for NVIDIA ConnectX (mlx5) NICs.\n\n"
		   "Verbs:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(f, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(f, "\nRun 'fwbox help VERB' for a verb's options; see fwbox(1) for what\n"
		   "every verb shares (JSON output, messages, exit status).\n");
}

int main(int argc, char **argv)
{
	struct fw_ctx *ctx = NULL;
	const struct cli_verb *verb = NULL;
	int r;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "__complete")) {
		/* For the shell completion scripts; not a verb of --help. */
		if (fw_ctx_new(&ctx) < 0)
			return CLI_EXIT_FAILURE;
		fw_ctx_set_log(ctx, NULL, NULL);
		r = cli_complete(ctx, argc - 1, argv + 1, verbs, NVERBS);
		fw_ctx_free(ctx);
		return r;
	}
	if (!strcmp(argv[1], "help")) {
		/* "fwbox help VERB" is "fwbox VERB --help", as in git and devlink. */
		if (argc == 2) {
			usage(stdout);
			return CLI_EXIT_OK;
		}
		if (argc > 3) {
			fprintf(stderr, "fwbox help: give one verb\nTry 'fwbox --help'.\n");
			return CLI_EXIT_USAGE;
		}
		verb = cli_verb_find(argv[2]);
		return verb ? cli_help(verb) : unknown_verb(argv[2]);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("fwbox %s\n", fw_version());
		return CLI_EXIT_OK;
	}
	verb = cli_verb_find(argv[1]);
	if (!verb)
		return unknown_verb(argv[1]);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return cli_help(verb);
		/* As coredumpctl and systemctl: the version on every verb. */
		if (!strcmp(argv[i], "--version")) {
			printf("fwbox %s\n", fw_version());
			return CLI_EXIT_OK;
		}
	}
	r = fw_ctx_new(&ctx);
	if (r < 0) {
		fprintf(stderr, "fwbox: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	/* Verbs see argv[0] = verb name, as getopt expects; getopt starts
	 * afresh and prints nothing: cli_option_error() says what was wrong. */
	optind = 1;
	opterr = 0;
	r = verb->run(ctx, argc - 1, argv + 1);
	fw_ctx_free(ctx);
	return r;
}
