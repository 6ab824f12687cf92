/* SPDX-License-Identifier: MIT */
/*
 * fwbox list: the captures of the history, one line each, oldest first,
 * as `coredumpctl list` lists cores.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

static const char usage[] =
	"Usage: fwbox list [--db PATH] [--since TIME] [--until TIME] [-d|--device CARD]\n"
	"                  [-1] [-n|--lines N] [-j|--json] [-p|--pretty]\n"
	"\n"
	"List the captures of the history database, oldest first: when, the bundle\n"
	"UUID (its first 8 characters; any unique prefix names it for show, info,\n"
	"diff, trace...), the card, its firmware, the worst step outcome, how many\n"
	"steps failed, and why the bundle was taken.\n"
	"\n"
	"Options:\n"
	"  --db PATH            history database (default $FWBOX_DB, else\n"
	"                       $XDG_DATA_HOME/fwbox/history.db)\n"
	"  --since TIME         captures at or after TIME (UTC: YYYY-MM-DD,\n"
	"                       'YYYY-MM-DD HH:MM[:SS]', @SECONDS, today, yesterday,\n"
	"                       -7d, -12h, -30m)\n"
	"  --until TIME         captures at or before TIME\n"
	"  -d, --device CARD    one card: its serial, PSID, PCI address, identity or id\n"
	"  -1                   the newest capture only (as -n 1)\n"
	"  -n, --lines N        the newest N captures\n"
	"  -j, --json           one JSON object per capture (fields: fwbox-list(1))\n"
	"  -p, --pretty         indented JSON; implies --json\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 captures listed, 1 failure, 2 usage, 4 no capture matched.\n";

enum { OPT_SINCE = 0x100, OPT_UNTIL };

struct list_out {
	struct cli_json json;
	uint64_t rows;
	bool header;
};

/* Stored texts come from bundles: control bytes print as '?'. */
static void put_text(const char *s, int width)
{
	int n = 0;

	for (; s && *s; s++, n++)
		putchar(((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s);
	for (; n < width; n++)
		putchar(' ');
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static int on_capture(void *ud, const struct store_capture *c)
{
	struct list_out *o = ud;
	char when[48];

	o->rows++;
	if (o->json.on) {
		cli_json_emit(&o->json, cli_capture_json(c, false));
		return 0;
	}
	if (!o->header) {
		printf("%-23s  %-8s  %-12s  %-14s  %-12s  %-7s  %6s  %s\n", "TIME", "BUNDLE", "PCI",
		       "SERIAL", "FIRMWARE", "OUTCOME", "FAILED", "REASON");
		o->header = true;
	}
	cli_format_time_short(c->created_ns, when, sizeof(when));
	printf("%-23s  %-8.8s  ", when, c->uuid);
	put_text(or_dash(c->pci), 12);
	fputs("  ", stdout);
	put_text(or_dash(c->serial), 14);
	fputs("  ", stdout);
	put_text(or_dash(c->fw_version), 12);
	printf("  %-7s  %6" PRIu64 "  ", or_dash(c->outcome), c->failed);
	put_text(or_dash(c->reason), 0);
	putchar('\n');
	return 0;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, CLI_OPT_DB },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "device", required_argument, NULL, 'd' },
		{ "lines", required_argument, NULL, 'n' },
		CLI_JSON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_capture_filter f = { 0 };
	struct list_out o = { 0 };
	struct store *s = NULL;
	uint64_t now = fw_now_ns();
	char *end;
	int c, r;

	while ((c = cli_getopt(argc, argv, "1d:n:h" CLI_JSON_SHORTOPTS, opts, &o.json)) != -1) {
		switch (c) {
		case OPT_SINCE:
		case OPT_UNTIL:
			if (cli_parse_time(optarg, now, c == OPT_SINCE ? &f.since_ns : &f.until_ns) < 0)
				return cli_usage_error(&cli_verb_list,
						       "%s: '%s' is not a time (YYYY-MM-DD, 'YYYY-MM-DD "
						       "HH:MM[:SS]', @SECONDS, today, yesterday, -7d, "
						       "-12h, -30m)", c == OPT_SINCE ? "--since" : "--until",
						       optarg);
			if (c == OPT_SINCE)
				f.have_since = true;
			else
				f.have_until = true;
			break;
		case 'd':
			f.device = optarg;
			break;
		case '1':
			f.limit = 1;
			break;
		case 'n':
			errno = 0;
			f.limit = (size_t)strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || !f.limit)
				return cli_usage_error(&cli_verb_list, "-n: '%s' is not a count of 1 or more",
						       optarg);
			break;
		case 'h':
			return cli_help(&cli_verb_list);
		default:
			return cli_option_error(&cli_verb_list, argv, "1d:n:h" CLI_JSON_SHORTOPTS);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_verb_list, "unexpected argument '%s' (a capture is shown "
				       "by 'fwbox info %s')", argv[optind], argv[optind]);
	if (f.have_since && f.have_until && f.since_ns > f.until_ns)
		return cli_usage_error(&cli_verb_list, "--since is after --until: nothing could match");
	r = cli_open_history(ctx, &s, NULL);
	if (r < 0)
		return cli_error(ctx, "list");
	r = store_list_captures(s, &f, on_capture, &o);
	store_close(s);
	if (r < 0)
		return cli_error(ctx, "list");
	if (!o.rows && (f.device || f.have_since || f.have_until))
		return cli_nothing("list", "no capture in the history matches");
	if (!o.rows)
		return cli_nothing("list", "the history holds no capture");
	return CLI_EXIT_OK;
}

const struct cli_verb cli_verb_list = {
	.name = "list",
	.summary = "list the captures of the history database",
	.usage = usage,
	.run = run,
};
