/* SPDX-License-Identifier: MIT */
/* fwbox import: other tools' captures into bundles (fwbox-import(1)). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "cli/cli.h"

static const char usage_text[] =
	"Usage: fwbox import [-o DIR] [--device-hint PCI|SERIAL] [--fw-version VERSION]\n"
	"                    [--strings-from BUNDLE | --db DB] [--compress METHOD]\n"
	"                    [-n|--dry-run] [-j|--json] [-p|--pretty] [-q|--quiet]\n"
	"                    FILE|DIR...\n"
	"\n"
	"Turn captures made by other tools into fwbox bundles: mstdump/mstregdump\n"
	"CR-space text, devlink health JSON or text and region dumps, tracefs and\n"
	"mstfwtrace trace text, resourcedump --bin files, mstreg/mlxreg register\n"
	"tables, flint q output, and whole sysinfo-snapshot .tgz and sos /\n"
	"doca-sosreport .tar.xz archives.  One bundle per card and capture.\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR          folder for the bundles (default: the current one)\n"
	"      --device-hint CARD    PCI address or serial number of captures that name\n"
	"                            no card\n"
	"      --fw-version VERSION  firmware version of captures that do not say it\n"
	"      --strings-from BUNDLE match trace text to the formats of BUNDLE's strings\n"
	"                            database (same firmware version)\n"
	"      --db DB               find a strings database of the same firmware in the\n"
	"                            history DB\n"
	"      --compress METHOD     zstd (default), gzip, xz or none\n"
	"  -n, --dry-run             read and convert, write nothing\n"
	"  -j, --json                one JSON object per bundle made and per file ignored\n"
	"  -p, --pretty              indented JSON; implies --json\n"
	"  -q, --quiet               print only errors and warnings\n"
	"  -h, --help                show this help\n"
	"\n"
	"Exit status: 0 every capture imported cleanly, 1 nothing imported, 2 usage\n"
	"error, 3 bundles made but some files were malformed or rejected in part,\n"
	"4 the inputs hold no capture fwbox imports.\n";

enum { OPT_HINT = 0x100, OPT_FW, OPT_STRINGS, OPT_DB, OPT_COMPRESS };

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "device-hint", required_argument, NULL, OPT_HINT },
	{ "fw-version", required_argument, NULL, OPT_FW },
	{ "strings-from", required_argument, NULL, OPT_STRINGS },
	{ "db", required_argument, NULL, OPT_DB },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "dry-run", no_argument, NULL, 'n' },
	CLI_JSON_LONGOPTS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

struct out {
	struct cli_json json;
	bool quiet, dry_run;
	struct json_object *arts;      /* artifacts of the bundle being reported */
	unsigned bad_inputs;
	bool warned_strings;
};

static void on_artifact(void *ud, const struct import_artifact *a)
{
	struct out *o = ud;
	struct json_object *j;

	if (!o->json.on)
		return;
	if (!o->arts)
		o->arts = json_object_new_array();
	j = json_object_new_object();
	json_object_object_add(j, "kind", cli_json_text(a->kind));
	json_object_object_add(j, "source_name", cli_json_text(a->source_name));
	json_object_object_add(j, "source_tool", cli_json_text(a->source_tool));
	json_object_object_add(j, "outcome", cli_json_text(bundle_outcome_name(a->outcome)));
	json_object_object_add(j, "reason", cli_json_text_or_null(a->reason));
	json_object_object_add(j, "record_count", cli_json_int((int64_t)a->records));
	json_object_object_add(j, "rejected_count", cli_json_int((int64_t)a->rejected));
	json_object_object_add(j, "bytes", cli_json_int((int64_t)a->bytes));
	json_object_array_add(o->arts, j);
}

static void on_made(void *ud, const struct import_made *m)
{
	struct out *o = ud;
	char uuid[37], when[48];

	uuid_unparse_lower(m->uuid, uuid);
	if (o->json.on) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "type", json_object_new_string("bundle"));
		json_object_object_add(j, "input", cli_json_text(m->input));
		json_object_object_add(j, "path", cli_json_text(m->path));
		json_object_object_add(j, "bundle", json_object_new_string(uuid));
		json_object_object_add(j, "existed", json_object_new_boolean(m->existed));
		json_object_object_add(j, "card", cli_json_text(m->card));
		json_object_object_add(j, "run", cli_json_int(m->run));
		cli_json_add_time(j, "captured", m->captured_ns);
		json_object_object_add(j, "capture_time_from", cli_json_text(m->capture_time_from));
		json_object_object_add(j, "fw_version", cli_json_text_or_null(m->fw_version));
		json_object_object_add(j, "artifact_count", cli_json_int((int64_t)m->artifacts));
		json_object_object_add(j, "partial_count", cli_json_int(m->partial));
		json_object_object_add(j, "failed_count", cli_json_int(m->failed));
		json_object_object_add(j, "trace_line_count", cli_json_int((int64_t)m->trace_lines));
		json_object_object_add(j, "trace_matched_count",
				       cli_json_int((int64_t)m->trace_matched));
		json_object_object_add(j, "strings_source", cli_json_text(m->strings_source));
		json_object_object_add(j, "strings_note", cli_json_text(m->strings_note));
		json_object_object_add(j, "artifacts", o->arts ? o->arts : json_object_new_array());
		o->arts = NULL;
		cli_json_emit(&o->json, j);
		return;
	}
	if (m->captured_ns)
		cli_format_time(m->captured_ns, when, sizeof(when));
	else
		snprintf(when, sizeof(when), "capture time unknown");
	if (!o->quiet)
		printf("%s %s card %s capture %u (%s), %zu artifacts%s%s\n",
		       m->existed ? "exists " : o->dry_run ? "would make" : "made   ",
		       m->path ? m->path : uuid, m->card, m->run, when, m->artifacts,
		       m->partial || m->failed ? ", some partial or failed" : "",
		       m->trace_lines ? "" : "");
	if (!o->quiet && m->trace_lines)
		printf("        trace: %" PRIu64 " lines, %" PRIu64 " matched to formats%s%s\n",
		       m->trace_lines, m->trace_matched, m->strings_source ? " of " : "",
		       m->strings_source ? m->strings_source : "");
	if (m->trace_lines && m->strings_note && !o->warned_strings) {
		cli_warn("import", "%s", m->strings_note);
		o->warned_strings = true;
	}
}

static void on_ignored(void *ud, const struct import_ignored *ig)
{
	struct out *o = ud;

	if (o->json.on) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "type", json_object_new_string("ignored"));
		json_object_object_add(j, "input", cli_json_text(ig->input));
		json_object_object_add(j, "source_name", cli_json_text(ig->name));
		json_object_object_add(j, "line", ig->line ? cli_json_int((int64_t)ig->line) : NULL);
		json_object_object_add(j, "malformed", json_object_new_boolean(ig->error));
		json_object_object_add(j, "reason", cli_json_text(ig->why));
		cli_json_emit(&o->json, j);
	}
	/* A file given as the argument is named once. */
	if (ig->name && ig->input && !strcmp(ig->name, ig->input)) {
		if (ig->error && ig->line)
			cli_warn("import", "'%s' line %" PRIu64 ": %s", ig->name, ig->line, ig->why);
		else if (ig->error)
			cli_warn("import", "'%s': %s", ig->name, ig->why);
		else if (!o->quiet && !o->json.on)
			printf("ignored '%s': %s\n", ig->name, ig->why);
		return;
	}
	if (ig->error) {
		if (ig->name && ig->line)
			cli_warn("import", "'%s': '%s' line %" PRIu64 ": %s", ig->input, ig->name,
				 ig->line, ig->why);
		else if (ig->name)
			cli_warn("import", "'%s': '%s': %s", ig->input, ig->name, ig->why);
		else
			cli_warn("import", "'%s': %s", ig->input, ig->why);
	} else if (!o->quiet && !o->json.on) {
		if (ig->name)
			printf("ignored '%s': %s\n", ig->name, ig->why);
		else
			printf("ignored in '%s': %s\n", ig->input, ig->why);
	}
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const char optstring[] = "o:nqh" CLI_JSON_SHORTOPTS;
	static const struct import_sink sink = {
		.artifact = on_artifact, .made = on_made, .ignored = on_ignored,
	};
	struct import_options opts = { 0 };
	struct out o = { 0 };
	struct import *im = NULL;
	const struct import_stats *st;
	bool comp_given = false;
	struct stat sb;
	int c, r, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		if (cli_json_option(&o.json, c))
			continue;
		switch (c) {
		case 'o':
			opts.output_dir = optarg;
			break;
		case OPT_HINT:
			opts.device_hint = optarg;
			break;
		case OPT_FW:
			opts.fw_version = optarg;
			break;
		case OPT_STRINGS:
			opts.strings_from = optarg;
			break;
		case OPT_DB:
			opts.db_path = optarg;
			break;
		case OPT_COMPRESS:
			if (bundle_compression_parse(optarg, &opts.compression) < 0)
				return cli_usage_error(&cli_verb_import,
						       "--compress '%s': use zstd, gzip, xz or none",
						       optarg);
			comp_given = true;
			break;
		case 'n':
			opts.dry_run = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			return cli_help(&cli_verb_import);
		default:
			return cli_option_error(&cli_verb_import, argv, optstring);
		}
	}
	(void)comp_given;
	if (optind >= argc)
		return cli_usage_error(&cli_verb_import, "expected at least one FILE or DIR");
	if (opts.strings_from && opts.db_path)
		return cli_usage_error(&cli_verb_import,
				       "--strings-from and --db are two sources of the strings "
				       "database: give one");
	if (opts.output_dir && (stat(opts.output_dir, &sb) < 0 || !S_ISDIR(sb.st_mode)))
		return cli_usage_error(&cli_verb_import, "-o '%s' is not a folder", opts.output_dir);
	o.dry_run = opts.dry_run;
	if (opts.strings_from && access(opts.strings_from, R_OK) < 0)
		return cli_fail(ctx, "import", "--strings-from '%s': %s", opts.strings_from,
				strerror(errno));
	r = import_new(ctx, &opts, &sink, &o, &im);
	if (r < 0)
		return cli_error(ctx, "import");
	cli_catch_signals(ctx);
	for (int i = optind; i < argc && !fw_ctx_cancelled(ctx); i++) {
		fw_ctx_clear_error(ctx);
		if (import_path(im, argv[i]) < 0) {
			cli_error(ctx, "import");
			o.bad_inputs++;
		}
	}
	st = import_get_stats(im);
	if (!st->bundles && o.bad_inputs)
		status = CLI_EXIT_FAILURE;
	else if (!st->bundles)
		status = cli_nothing("import", "no capture fwbox imports in %s",
				     argc - optind == 1 ? argv[optind] : "the inputs");
	else if (o.bad_inputs || st->errors || st->partial || st->failed)
		status = CLI_EXIT_PARTIAL;
	else
		status = CLI_EXIT_OK;
	json_object_put(o.arts);
	import_free(im);
	return status;
}

const struct cli_verb cli_verb_import = {
	.name = "import",
	.summary = "turn other tools' captures (mstdump, devlink, sysinfo, sos) into bundles",
	.usage = usage_text,
	.run = run,
};
