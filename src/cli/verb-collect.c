/* SPDX-License-Identifier: MIT */
/* fwbox collect: write a support bundle from a ConnectX (or the emulator). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "core/limits.h"

static const char usage_text[] =
	"Usage: fwbox collect [-d DEVICE] [-o PATH] [--reason TEXT] [--trace-seconds N]\n"
	"                     [--only KINDS] [--skip KINDS] [--compress zstd|gzip|xz|none]\n"
	"                     [--plan] [--trace-control] [--json] [-q]\n"
	"\n"
	"Collect a support bundle from a ConnectX function, most volatile first: health\n"
	"buffer and devlink reporters (stored dumps only), firmware tracer strings DB and\n"
	"traces, registers and capabilities, CR-space and resource dumps, kernel log and\n"
	"host context.  Only read-only commands are sent.\n"
	"\n"
	"Options:\n"
	"  -d, --device DEVICE     PCI address, device node or emulator spec (emu:cx7);\n"
	"                          default: the only ConnectX present\n"
	"  -o, --output PATH       bundle file, or folder for the default name\n"
	"                          fwbox-HOST-PCI-YYYYMMDDTHHMMSSZ.tar.zst\n"
	"      --reason TEXT       why this bundle was taken (kept in its header)\n"
	"      --trace-seconds N   gather firmware trace text (and ring) for N seconds\n"
	"      --only KINDS        collect only these kinds (comma list, shell patterns;\n"
	"                          'reg' selects every reg.NAME)\n"
	"      --skip KINDS        leave these kinds out (recorded as skipped)\n"
	"      --compress METHOD   zstd (default), gzip, xz or none\n"
	"      --plan              print every command that would be sent; send nothing\n"
	"      --trace-control     allow taking tracer ownership to read the raw ring\n"
	"      --json              print a JSON summary (path, status, exit, outcome\n"
	"                          per kind)\n"
	"  -q, --quiet             no progress, no per-step warnings\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 every step ok, 3 bundle written but some step failed or was\n"
	"partial, 1 no bundle written, 2 usage error.\n";

enum {
	OPT_REASON = 0x100,
	OPT_TRACE_SECONDS,
	OPT_ONLY,
	OPT_SKIP,
	OPT_COMPRESS,
	OPT_PLAN,
	OPT_TRACE_CONTROL,
	OPT_JSON,
};

static const struct option options[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "output", required_argument, NULL, 'o' },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "trace-seconds", required_argument, NULL, OPT_TRACE_SECONDS },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "skip", required_argument, NULL, OPT_SKIP },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "plan", no_argument, NULL, OPT_PLAN },
	{ "trace-control", no_argument, NULL, OPT_TRACE_CONTROL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/*
 * First SIGINT/SIGTERM: stop collecting, publish what was gathered.  The
 * handler then resets itself (SA_RESETHAND), so a second signal ends the
 * process at once: the bundle being written lives in an unnamed temporary
 * file until it is complete, so nothing is left at the final path.
 */
static struct fw_ctx *signal_ctx;

static void on_signal(int sig)
{
	(void)sig;
	fw_ctx_request_cancel(signal_ctx);
}

static void catch_signals_once(struct fw_ctx *ctx)
{
	struct sigaction sa;

	signal_ctx = ctx;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static char *join_args(int argc, char **argv)
{
	size_t len = 7;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (int i = 0; i < argc; i++)
		p += sprintf(p, "%s%s", i ? " " : "fwbox ", argv[i]);
	*p = '\0';
	return s;
}

struct plan_out {
	bool json;
	struct json_object *arr;
};

static int print_command(void *userdata, const struct collect_command *cmd)
{
	struct plan_out *po = userdata;
	char count[16], expected[24];

	if (po->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "step", json_object_new_int((int)cmd->step));
		json_object_object_add(o, "kind", json_object_new_string(cmd->kind));
		json_object_object_add(o, "interface", json_object_new_string(cmd->interface));
		json_object_object_add(o, "what", json_object_new_string(cmd->what));
		json_object_object_add(o, "opcode", json_object_new_int(cmd->opcode));
		json_object_object_add(o, "op_mod", json_object_new_int(cmd->op_mod));
		json_object_object_add(o, "register",
				       cmd->reg ? json_object_new_string(cmd->reg) : NULL);
		json_object_object_add(o, "scope", json_object_new_string(cmd->scope));
		json_object_object_add(o, "in_bytes", json_object_new_int64((int64_t)cmd->in_bytes));
		json_object_object_add(o, "out_bytes", json_object_new_int64((int64_t)cmd->out_bytes));
		json_object_object_add(o, "count", json_object_new_int((int)cmd->count));
		json_object_object_add(o, "expected_bytes",
				       json_object_new_int64((int64_t)cmd->expected_bytes));
		json_object_array_add(po->arr, o);
		return 0;
	}
	if (cmd->count)
		snprintf(count, sizeof(count), "%u", cmd->count);
	else
		snprintf(count, sizeof(count), "n");
	if (cmd->expected_bytes)
		snprintf(expected, sizeof(expected), "%llu", (unsigned long long)cmd->expected_bytes);
	else
		snprintf(expected, sizeof(expected), "?");
	printf("%3u  %-30s %-8s ", cmd->step, cmd->kind, cmd->interface);
	if (cmd->opcode)
		printf("opcode=0x%03x op_mod=%-2u %-18s ", cmd->opcode, cmd->op_mod,
		       cmd->reg ? cmd->reg : "-");
	else
		printf("%-44s ", cmd->what);
	printf("scope=%s in=%zu out=%zu count=%s expected=%s\n", cmd->scope, cmd->in_bytes,
	       cmd->out_bytes, count, expected);
	return 0;
}

static int do_plan(struct collect *c, bool json)
{
	struct plan_out po = { .json = json };
	int r;

	if (json)
		po.arr = json_object_new_array();
	else
		printf("# plan for %s: step kind interface command scope bytes (nothing is sent)\n",
		       collect_output_path(c));
	r = collect_plan(c, print_command, &po);
	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "path", json_object_new_string(collect_output_path(c)));
		json_object_object_add(o, "steps", json_object_new_int((int)collect_step_count(c)));
		json_object_object_add(o, "commands", po.arr);
		/* Proof for tests and the cautious: the device counted nothing. */
		json_object_object_add(o, "device_commands_sent",
				       json_object_new_int64((int64_t)collect_device_commands(c)));
		cli_print_json(o);
		json_object_put(o);
	}
	return r;
}

/* JSON output must be valid UTF-8, but paths, reasons and device names
 * are bytes: fw_utf8_sanitize() replaces each invalid sequence. */
static struct json_object *json_text(const char *s)
{
	char *t = fw_utf8_sanitize(s, strlen(s));
	struct json_object *j = t ? json_object_new_string(t) : NULL;

	free(t);
	return j;
}

/*
 * The overall fields follow the exit status, so a script reads one
 * answer: "status" ok (exit 0) or partial (exit 3, the bundle was written
 * but some step failed or was partial); "worst_outcome" is the worst
 * per-kind outcome, which can be "failed" while the run is partial.
 */
static void print_summary_json(struct collect *c, const char *path, int exit_status)
{
	struct json_object *o = json_object_new_object(), *kinds = json_object_new_object();

	json_object_object_add(o, "path", json_text(path));
	json_object_object_add(o, "status",
			       json_object_new_string(exit_status == CLI_EXIT_OK ? "ok" : "partial"));
	json_object_object_add(o, "exit", json_object_new_int(exit_status));
	json_object_object_add(o, "worst_outcome",
			       json_object_new_string(bundle_outcome_name(collect_worst(c))));
	json_object_object_add(o, "device_commands",
			       json_object_new_int64((int64_t)collect_device_commands(c)));
	for (size_t i = 0; i < collect_outcome_count(c); i++) {
		const struct collect_outcome *oc = collect_outcome_at(c, i);
		struct json_object *k = json_object_new_object();

		json_object_object_add(k, "outcome",
				       json_object_new_string(bundle_outcome_name(oc->outcome)));
		json_object_object_add(k, "bytes", json_object_new_int64((int64_t)oc->bytes));
		json_object_object_add(k, "duration_ms",
				       json_object_new_double((double)oc->duration_ns / 1e6));
		json_object_object_add(k, "interface",
				       json_text(oc->interface ? oc->interface : ""));
		if (oc->reason && *oc->reason)
			json_object_object_add(k, "reason", json_text(oc->reason));
		if (oc->err)
			json_object_object_add(k, "errno", json_object_new_int(-oc->err));
		if (oc->status) {
			json_object_object_add(k, "status", json_object_new_int((int)oc->status));
			json_object_object_add(k, "syndrome",
					       json_object_new_int64((int64_t)oc->syndrome));
		}
		{
			char *key = fw_utf8_sanitize(oc->kind, strlen(oc->kind));

			json_object_object_add(kinds, key ? key : "?", k);
			free(key);
		}
	}
	json_object_object_add(o, "kinds", kinds);
	cli_print_json(o);
	json_object_put(o);
}

/* With --json, exit 1 still answers on stdout: what failed and why. */
static void print_failure_json(struct collect *c, struct fw_ctx *ctx, const char *stage)
{
	struct json_object *o = json_object_new_object();
	const char *path = c ? collect_output_path(c) : NULL;

	json_object_object_add(o, "path", path ? json_text(path) : NULL);
	json_object_object_add(o, "status", json_object_new_string("failed"));
	json_object_object_add(o, "exit", json_object_new_int(CLI_EXIT_FAILURE));
	json_object_object_add(o, "stage", json_object_new_string(stage));
	json_object_object_add(o, "error",
			       json_text(fw_ctx_errcode(ctx) ? fw_ctx_errmsg(ctx) : ""));
	if (fw_ctx_errcode(ctx))
		json_object_object_add(o, "errno", json_object_new_int(-fw_ctx_errcode(ctx)));
	cli_print_json(o);
	json_object_put(o);
}

/* "--json=1": getopt reports it like a missing argument; say what it is. */
static int option_error(char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	const char *eq = arg && !strncmp(arg, "--", 2) ? strchr(arg, '=') : NULL;

	for (const struct option *o = options; eq && optopt && o->name; o++)
		if (o->has_arg == no_argument && o->val == optopt)
			return cli_usage_error(&cli_verb_collect, "option '--%s' takes no argument",
					       o->name);
	return cli_option_error(&cli_verb_collect, argv, "d:o:qh");
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	struct collect_options o = { 0 };
	struct collect *c = NULL;
	bool plan = false, json = false, quiet = false;
	char *cmdline = NULL, *path = NULL;
	int opt, r, ret = CLI_EXIT_FAILURE;

	o.compression = BUNDLE_COMPRESS_ZSTD;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "d:o:qh", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o.device = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case OPT_REASON:
			/* Kept in one index note string: refuse now, not after
			 * the whole collection. */
			if (strlen(optarg) > FW_LIMIT_NOTE_STRING)
				return cli_usage_error(&cli_verb_collect,
						       "--reason is %zu bytes, longer than the limit "
						       "of %u bytes (FW_LIMIT_NOTE_STRING): shorten it",
						       strlen(optarg), FW_LIMIT_NOTE_STRING);
			o.reason = optarg;
			break;
		case OPT_TRACE_SECONDS: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || v > 3600 || optarg[0] == '-')
				return cli_usage_error(&cli_verb_collect,
						       "--trace-seconds '%s': give 0 to 3600", optarg);
			o.trace_seconds = (unsigned)v;
			break;
		}
		case OPT_ONLY:
			o.only = optarg;
			break;
		case OPT_SKIP:
			o.skip = optarg;
			break;
		case OPT_COMPRESS:
			if (bundle_compression_parse(optarg, &o.compression) < 0)
				return cli_usage_error(&cli_verb_collect,
						       "--compress '%s': use zstd, gzip, xz or none",
						       optarg);
			break;
		case OPT_PLAN:
			plan = true;
			break;
		case OPT_TRACE_CONTROL:
			o.trace_control = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cli_help(&cli_verb_collect);
		default:
			/* opterr = 0: one message, ours, naming the option. */
			return option_error(argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_verb_collect, "unexpected argument '%s'", argv[optind]);

	cmdline = join_args(argc, argv);
	/* The command line is kept in one index note string too. */
	if (cmdline && strlen(cmdline) > FW_LIMIT_NOTE_STRING) {
		ret = cli_usage_error(&cli_verb_collect,
				      "the command line is %zu bytes, longer than the limit of "
				      "%u bytes (FW_LIMIT_NOTE_STRING): shorten --only, --skip "
				      "or --reason", strlen(cmdline), FW_LIMIT_NOTE_STRING);
		goto out;
	}
	o.cmdline = cmdline;
	r = collect_new(ctx, &o, &c);
	if (r == -EINVAL) {
		fprintf(stderr, "fwbox collect: %s\n", fw_ctx_errmsg(ctx));
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	if (r < 0) {
		if (json)
			print_failure_json(NULL, ctx, "start");
		ret = cli_fail(ctx, "collect", "cannot start");
		goto out;
	}
	if (plan) {
		r = do_plan(c, json);
		ret = r < 0 ? cli_fail(ctx, "collect", "plan") : CLI_EXIT_OK;
		goto out;
	}
	catch_signals_once(ctx);
	if (cli_progress_wanted(quiet))
		cli_enable_progress(ctx);
	r = collect_run(c, &path);
	if (r < 0) {
		if (json)
			print_failure_json(c, ctx, "collect");
		ret = cli_fail(ctx, "collect", "no bundle written");
		goto out;
	}
	if (!quiet) {
		for (size_t i = 0; i < collect_outcome_count(c); i++) {
			const struct collect_outcome *oc = collect_outcome_at(c, i);

			if (oc->outcome == BUNDLE_OUTCOME_FAILED ||
			    oc->outcome == BUNDLE_OUTCOME_PARTIAL)
				fprintf(stderr, "fwbox collect: %s: %s: %s\n", oc->kind,
					bundle_outcome_name(oc->outcome), oc->reason);
		}
	}
	ret = collect_worst(c) == BUNDLE_OUTCOME_OK ? CLI_EXIT_OK : CLI_EXIT_PARTIAL;
	if (json)
		print_summary_json(c, path, ret);
	else
		printf("%s\n", path);
out:
	free(path);
	free(cmdline);
	collect_free(c);
	return ret;
}

const struct cli_verb cli_verb_collect = {
	.name = "collect",
	.summary = "write a support bundle from a ConnectX or the emulator",
	.usage = usage_text,
	.run = run,
};
