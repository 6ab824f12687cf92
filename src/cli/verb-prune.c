/* SPDX-License-Identifier: MIT */
/*
 * fwbox prune: retention of the history.  The captures made before a date
 * go, with every row of theirs, in one transaction; the bundle files stay
 * where they are (the history indexes them, it does not own them).
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"Usage: fwbox prune --before TIME [-d|--device CARD] [--db DB] [-j|--json] [-p|--pretty]\n"
	"\n"
	"Delete from the history database the captures created before TIME, of\n"
	"one card with --device, with all their rows, in one transaction.  A card\n"
	"left without captures is removed too.  Bundle files are not touched.  On\n"
	"PostgreSQL, months of trace events wholly before TIME are dropped as\n"
	"partitions instead of deleted row by row.\n"
	"\n"
	"Options:\n"
	"  --before TIME      YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (UTC), @SECONDS,\n"
	"                     today, yesterday, or -N followed by d, h, m or s\n"
	"  -d, --device CARD  only this card: its id, identity, serial number or\n"
	"                     PCI address (see 'fwbox query devices')\n"
	"  --db DB            history database: a file, or a PostgreSQL connection\n"
	"                     string (default $FWBOX_DB, else\n"
	"                     $XDG_DATA_HOME/fwbox/history.db)\n"
	"  -j, --json         one JSON object: {\"pruned\": N}\n"
	"  -p, --pretty       indented JSON; implies --json\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 pruned (or nothing to prune), 1 failure, 2 usage.\n";

enum { OPT_BEFORE = 0x300 };

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_LONGOPT,
		{ "before", required_argument, NULL, OPT_BEFORE },
		{ "device", required_argument, NULL, 'd' },
		CLI_JSON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_json json = { 0 };
	const char *db = NULL, *device = NULL;
	char *dbpath = NULL;
	struct store *s = NULL;
	uint64_t before = 0, n = 0;
	bool have_before = false;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:h" CLI_JSON_SHORTOPTS, opts, NULL)) != -1) {
		if (cli_json_option(&json, c))
			continue;
		switch (c) {
		case CLI_OPT_DB:
			db = optarg;
			break;
		case OPT_BEFORE:
			if (cli_parse_time(optarg, fw_now_ns(), &before) < 0)
				return cli_usage_error(&cli_verb_prune, "--before: '%s' is not a time "
						       "(YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]', "
						       "@SECONDS, today, yesterday, -30d)", optarg);
			have_before = true;
			break;
		case 'd':
			device = optarg;
			break;
		case 'h':
			return cli_help(&cli_verb_prune);
		default:
			return cli_option_error(&cli_verb_prune, argv, "d:h" CLI_JSON_SHORTOPTS);
		}
	}
	if (!have_before)
		return cli_usage_error(&cli_verb_prune, "give --before TIME: the captures created "
				       "before it are deleted");
	if (optind < argc)
		return cli_usage_error(&cli_verb_prune, "unexpected argument '%s'", argv[optind]);
	if (!db) {
		r = store_default_path(ctx, false, &dbpath);
		if (r < 0)
			return cli_error(ctx, "prune");
		db = dbpath;
	}
	r = store_open(ctx, db, 0, &s);
	free(dbpath);
	if (r < 0)
		return cli_error(ctx, "prune");
	r = store_prune(s, before, device, &n);
	store_close(s);
	if (r < 0)
		return cli_error(ctx, "prune");
	if (json.on) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "pruned", cli_json_int((int64_t)n));
		cli_json_emit(&json, o);
	} else {
		printf("pruned %" PRIu64 " capture%s\n", n, n == 1 ? "" : "s");
	}
	return CLI_EXIT_OK;
}

const struct cli_verb cli_verb_prune = {
	.name = "prune",
	.summary = "delete the captures made before a date from the history",
	.usage = usage,
	.run = run,
};
