/* SPDX-License-Identifier: MIT */
/* fwbox verify: check bundles completely (index, seal, every member). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"

struct report {
	const char *bundle;
	unsigned problems;
};

static void on_problem(void *userdata, const char *member, const char *why)
{
	struct report *rep = userdata;

	rep->problems++;
	if (member)
		fprintf(stderr, "%s: member '%s': %s\n", rep->bundle, member, why);
	else
		fprintf(stderr, "%s: %s\n", rep->bundle, why);
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false;
	int c, status = CLI_EXIT_OK;

	optind = 1;
	opterr = 0; /* one message, ours */
	while ((c = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		default:
			return cli_option_error(&cli_verb_verify, argv, "q");
		}
	}
	if (optind >= argc)
		return cli_usage_error(&cli_verb_verify, "expected at least one BUNDLE");
	for (int i = optind; i < argc; i++) {
		struct report rep = { .bundle = argv[i] };
		struct bundle *b = NULL;
		int r;

		fw_ctx_clear_error(ctx);
		r = bundle_open(ctx, argv[i], &b);
		if (r < 0) {
			/* The library's message already names the bundle. */
			fprintf(stderr, "%s\n", fw_ctx_errmsg(ctx));
			fprintf(stderr, "%s: FAILED\n", argv[i]);
			status = CLI_EXIT_FAILURE;
			continue;
		}
		r = bundle_verify(b, on_problem, &rep);
		if (r < 0) {
			if (!rep.problems)
				fprintf(stderr, "%s: %s\n", argv[i], fw_ctx_errmsg(ctx));
			fprintf(stderr, "%s: FAILED\n", argv[i]);
			status = CLI_EXIT_FAILURE;
		} else if (!quiet) {
			printf("%s: ok (%zu artifacts)\n", argv[i], bundle_artifact_count(b));
		}
		bundle_close(b);
	}
	return status;
}

const struct cli_verb cli_verb_verify = {
	.name = "verify",
	.summary = "check that bundles are intact",
	.usage = "Usage: fwbox verify [-q|--quiet] BUNDLE...\n"
		 "\n"
		 "Check each bundle completely: the index and its seal, then every\n"
		 "member's name, type, size and SHA-256 against the index, and that no\n"
		 "member is missing or extra.  Each problem is printed on stderr with\n"
		 "the member it concerns.  Exit 0 only if every bundle is intact.\n"
		 "\n"
		 "Options:\n"
		 "  -q, --quiet  print nothing for intact bundles\n"
		 "  -h, --help   show this help\n",
	.run = run,
};
