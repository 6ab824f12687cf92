/* SPDX-License-Identifier: MIT */
/* fwbox collect: write a support bundle from a ConnectX (or the emulator). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <uuid/uuid.h>

#include "cli/cli.h"
#include "core/limits.h"

static const char usage_text[] =
	"Usage: fwbox collect [-d DEVICE] [-o PATH] [--reason TEXT] [--trace-seconds N]\n"
	"                     [--only KINDS] [--skip KINDS] [--compress zstd|gzip|xz|none]\n"
	"                     [--plan] [--trace-control] [-f|--force] [-j|--json] [-p|--pretty] [-q]\n"
	"                     [--redact [--keep-original] [--map FILE] [--keep KINDS]\n"
	"                     [--drop KINDS] [--mask WORD] [--since T] [--until T]\n"
	"                     [--max-size SIZE] [--case-id ID]]\n"
	"\n"
	"Collect a support bundle from a ConnectX function, most volatile first: health\n"
	"buffer and devlink reporters (stored dumps only), firmware tracer strings DB and\n"
	"traces, registers and capabilities, CR-space and resource dumps, kernel log and\n"
	"host context.  Only read-only commands are sent.\n"
	"\n"
	"Options:\n"
	"  -d, --device DEVICE     PCI address, device node or emulator spec (emu:cx7);\n"
	"                          default: the only ConnectX present\n"
	"  -o, --output PATH       bundle file (its extension .tar.zst, .tar.gz, .tar.xz\n"
	"                          or .tar picks the compression), folder for the\n"
	"                          default name fwbox-HOST-PCI-YYYYMMDDTHHMMSSZ.tar.zst,\n"
	"                          or - for standard output (once complete)\n"
	"      --reason TEXT       why this bundle was taken (kept in its header)\n"
	"      --trace-seconds N   gather firmware trace text (and ring) for N seconds\n"
	"      --only KINDS        collect only these kinds (comma list, shell patterns;\n"
	"                          'reg' selects every reg.NAME)\n"
	"      --skip KINDS        leave these kinds out (recorded as skipped)\n"
	"      --compress METHOD   zstd (default), gzip, xz or none\n"
	"      --plan              print every command that would be sent; send nothing\n"
	"      --trace-control     allow taking tracer ownership to read the raw ring\n"
	"  -f, --force             replace an existing bundle file at -o PATH (atomically,\n"
	"                          once the new bundle is complete); without it an\n"
	"                          existing file is refused\n"
	"  -j, --json              print a JSON summary (fields: fwbox-collect(1))\n"
	"  -p, --pretty            indented JSON; implies --json\n"
	"  -q, --quiet             no progress, no per-step warnings\n"
	"      --redact            write the bundle redacted, as 'fwbox redact' does: -o\n"
	"                          names the redacted bundle (default name\n"
	"                          fwbox-[ID-]redacted-PCI-TIME.tar.zst); the original\n"
	"                          is removed once the redacted one is written\n"
	"      --keep-original     with --redact: keep the original too, in the same\n"
	"                          folder under its default name\n"
	"      --map FILE, --keep KINDS, --drop KINDS, --mask WORD, --since T,\n"
	"      --until T, --max-size SIZE, --case-id ID\n"
	"                          with --redact: as for 'fwbox redact'\n"
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
	OPT_REDACT,
	OPT_KEEP_ORIGINAL,
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
	{ "force", no_argument, NULL, 'f' },
	{ "redact", no_argument, NULL, OPT_REDACT },
	{ "keep-original", no_argument, NULL, OPT_KEEP_ORIGINAL },
	CLI_REDACT_LONGOPTS,
	CLI_JSON_LONGOPTS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/*
 * A SIGINT during a --trace-seconds wait only ends the wait: the steps
 * after it (registers, CR-space) are the evidence.  Otherwise the first
 * SIGINT/SIGTERM stops collecting and publishes what was gathered.  The
 * handler then resets itself, so one more signal ends the process at once:
 * the bundle being written lives in an unnamed temporary file until it is
 * complete, so nothing is left at the final path.
 */
static struct fw_ctx *signal_ctx;

static void on_signal(int sig)
{
	static const char msg[] = "\nfwbox collect: trace wait ended by Ctrl-C; collecting the "
				  "rest (Ctrl-C again to stop)\n";
	struct sigaction dfl;

	/* Ctrl-C during --trace-seconds ends the wait and the collection
	 * goes on: registers and CR-space are the evidence. */
	if (sig == SIGINT && fw_ctx_waiting(signal_ctx) && !fw_ctx_wait_ended(signal_ctx)) {
		fw_ctx_request_end_wait(signal_ctx);
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* Nothing to do about it in a handler. */
		}
		return;
	}
	fw_ctx_request_cancel(signal_ctx);
	/* The next signal ends the process at once (SA_RESETHAND by hand,
	 * since the first Ctrl-C may have only ended a wait). */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
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

/* JSON output must be valid UTF-8, but paths, reasons and device names
 * are bytes: fw_utf8_sanitize() replaces each invalid sequence.  Empty or
 * absent is null (fwbox(1): unknown is null). */
static struct json_object *json_text(const char *s)
{
	char *t;
	struct json_object *j;

	if (!s || !*s)
		return NULL;
	t = fw_utf8_sanitize(s, strlen(s));
	j = t ? json_object_new_string(t) : NULL;
	free(t);
	return j;
}

struct plan_out {
	bool json;
	struct json_object *arr;
};

static struct json_object *nonzero(uint64_t v)
{
	return v ? cli_json_int((int64_t)v) : NULL;
}

static int print_command(void *userdata, const struct collect_command *cmd)
{
	struct plan_out *po = userdata;
	char count[16], expected[24];

	if (po->json) {
		struct json_object *o = json_object_new_object();

		/* Opcode 0 is no mailbox command; count and expected bytes 0
		 * mean "depends on the device's answers": null, not 0. */
		json_object_object_add(o, "step", cli_json_int(cmd->step));
		json_object_object_add(o, "kind", cli_json_text(cmd->kind));
		json_object_object_add(o, "interface", cli_json_text_or_null(cmd->interface));
		json_object_object_add(o, "what", cli_json_text(cmd->what));
		json_object_object_add(o, "opcode", nonzero(cmd->opcode));
		json_object_object_add(o, "op_mod", cmd->opcode ? cli_json_int(cmd->op_mod) : NULL);
		json_object_object_add(o, "register", cli_json_text_or_null(cmd->reg));
		json_object_object_add(o, "scope", cli_json_text(cmd->scope));
		json_object_object_add(o, "in_bytes", cli_json_int((int64_t)cmd->in_bytes));
		json_object_object_add(o, "out_bytes", cli_json_int((int64_t)cmd->out_bytes));
		json_object_object_add(o, "count", nonzero(cmd->count));
		json_object_object_add(o, "expected_bytes", nonzero(cmd->expected_bytes));
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

static int do_plan(struct collect *c, const struct cli_json *json)
{
	struct plan_out po = { .json = json->on };
	int r;

	if (json->on)
		po.arr = json_object_new_array();
	else
		printf("# plan for %s: step kind interface command scope bytes (nothing is sent)\n",
		       collect_output_path(c));
	r = collect_plan(c, print_command, &po);
	if (json->on) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "path", json_text(collect_output_path(c)));
		json_object_object_add(o, "step_count", cli_json_int((int64_t)collect_step_count(c)));
		json_object_object_add(o, "commands", po.arr);
		/* Proof for tests and the cautious: the device counted nothing. */
		json_object_object_add(o, "device_commands",
				       cli_json_int((int64_t)collect_device_commands(c)));
		cli_json_emit(json, o);
	}
	return r;
}

/* The UUID of the bundle just written, read back from its index. */
static struct json_object *bundle_uuid_json(struct fw_ctx *ctx, const char *path)
{
	struct bundle *b = NULL;
	char uuid[37];

	if (!path || bundle_open(ctx, path, &b) < 0) {
		fw_ctx_clear_error(ctx);
		return NULL;
	}
	uuid_unparse_lower(bundle_get_header(b)->uuid, uuid);
	bundle_close(b);
	return json_object_new_string(uuid);
}

/*
 * One object shape for every run, written or not (fwbox-collect(1)): the
 * overall fields follow the exit status, so a script reads one answer:
 * "status" ok (exit 0), partial (exit 3: the bundle was written but some
 * step failed or was partial) or failed (exit 1: no bundle, "stage" and
 * "error" say why); "worst_outcome" is the worst per-artifact outcome,
 * which can be "failed" while the run is partial.
 */
/* With --redact: the original kept (--keep-original), for the JSON summary. */
static const char *json_input;
static bool json_redact;

static void print_json(const struct cli_json *json, struct fw_ctx *ctx, struct collect *c,
		       const char *path, int exit_status, const char *stage)
{
	struct json_object *o = json_object_new_object(), *arts = json_object_new_array();
	const char *status = exit_status == CLI_EXIT_OK	     ? "ok"
			     : exit_status == CLI_EXIT_PARTIAL ? "partial"
							       : "failed";
	bool ran = c && !stage;

	if (!path && c)
		path = collect_output_path(c);
	json_object_object_add(o, "path", json_text(path));
	json_object_object_add(o, "redacted", json_object_new_boolean(json_redact));
	json_object_object_add(o, "input", json_text(json_input));
	json_object_object_add(o, "bundle", ran ? bundle_uuid_json(ctx, path) : NULL);
	json_object_object_add(o, "status", json_object_new_string(status));
	json_object_object_add(o, "exit", cli_json_int(exit_status));
	json_object_object_add(o, "worst_outcome",
			       ran ? json_object_new_string(bundle_outcome_name(collect_worst(c)))
				   : NULL);
	json_object_object_add(o, "device_commands",
			       cli_json_int(c ? (int64_t)collect_device_commands(c) : 0));
	/* The firmware went fatal: device steps after it were not run. */
	{
		const char *why = NULL;
		bool fatal = ran && collect_fatal(c, &why);

		json_object_object_add(o, "fatal", ran ? json_object_new_boolean(fatal) : NULL);
		json_object_object_add(o, "fatal_reason", fatal ? json_text(why) : NULL);
	}
	for (size_t i = 0; c && i < collect_outcome_count(c); i++) {
		const struct collect_outcome *oc = collect_outcome_at(c, i);
		struct json_object *k = json_object_new_object();

		json_object_object_add(k, "kind", json_text(oc->kind));
		json_object_object_add(k, "outcome",
				       json_object_new_string(bundle_outcome_name(oc->outcome)));
		json_object_object_add(k, "reason", json_text(oc->reason));
		json_object_object_add(k, "errno", oc->err ? cli_json_int(-oc->err) : NULL);
		json_object_object_add(k, "mlx5_status", oc->status ? cli_json_int(oc->status) : NULL);
		json_object_object_add(k, "syndrome", oc->status ? cli_json_int(oc->syndrome) : NULL);
		json_object_object_add(k, "bytes", cli_json_int((int64_t)oc->bytes));
		json_object_object_add(k, "duration_ns", cli_json_int((int64_t)oc->duration_ns));
		json_object_object_add(k, "interface", json_text(oc->interface));
		json_object_array_add(arts, k);
	}
	json_object_object_add(o, "artifacts", arts);
	json_object_object_add(o, "stage", stage ? json_object_new_string(stage) : NULL);
	json_object_object_add(o, "error", stage && fw_ctx_errcode(ctx) ? json_text(fw_ctx_errmsg(ctx))
									: NULL);
	json_object_object_add(o, "errno", stage && fw_ctx_errcode(ctx)
						   ? cli_json_int(-fw_ctx_errcode(ctx)) : NULL);
	cli_json_emit(json, o);
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
	return cli_option_error(&cli_verb_collect, argv, "d:o:fqh" CLI_JSON_SHORTOPTS);
}

static bool names_file(const char *out)
{
	struct stat st;
	size_t len = out ? strlen(out) : 0;

	return len && out[len - 1] != '/' && !(stat(out, &st) == 0 && S_ISDIR(st.st_mode));
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	struct collect_options o = { 0 };
	struct collect *c = NULL;
	struct cli_json json = { 0 };
	bool plan = false, quiet = false, compress_given = false, to_stdout = false;
	bool redact = false, keep_original = false;
	struct cli_redact_args ra = { 0 };
	struct redact_report *rep = NULL;
	char *final = NULL, *original = NULL;
	char *cmdline = NULL, *path = NULL, tmpdir[PATH_MAX] = "", origdir[PATH_MAX] = "";
	const char *user_output = NULL;
	int opt, r, opt_status, ret = CLI_EXIT_FAILURE;

	o.compression = BUNDLE_COMPRESS_ZSTD;
	while ((opt = cli_getopt(argc, argv, "d:o:fqh" CLI_JSON_SHORTOPTS, options, &json)) != -1) {
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
			compress_given = true;
			break;
		case OPT_PLAN:
			plan = true;
			break;
		case OPT_TRACE_CONTROL:
			o.trace_control = true;
			break;
		case 'f':
			o.replace = true;
			break;
		case OPT_REDACT:
			redact = true;
			break;
		case OPT_KEEP_ORIGINAL:
			keep_original = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return cli_help(&cli_verb_collect);
		default:
			if (cli_redact_option(&cli_verb_collect, &ra, opt, optarg, &opt_status)) {
				if (opt_status) {
					ret = opt_status;
					goto out;
				}
				break;
			}
			/* opterr = 0: one message, ours, naming the option. */
			return option_error(argv);
		}
	}
	if (optind < argc) {
		ret = cli_usage_error(&cli_verb_collect, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!redact && (keep_original || ra.given)) {
		ret = cli_usage_error(&cli_verb_collect,
				      "--keep-original, --map, --keep, --drop, --mask, --since, --until, "
				      "--max-size and --case-id go with --redact");
		goto out;
	}
	if (redact && keep_original && o.output && !strcmp(o.output, "-")) {
		ret = cli_usage_error(&cli_verb_collect,
				      "--keep-original keeps a file next to the redacted one: give -o a "
				      "folder or a file, not -");
		goto out;
	}
	if (redact && o.replace) {
		ret = cli_usage_error(&cli_verb_collect,
				      "--redact writes a new file and never replaces one: drop --force");
		goto out;
	}
	r = cli_pick_compression(&cli_verb_collect, o.output, compress_given, &o.compression);
	if (r) {
		ret = r;
		goto out;
	}
	if (redact) {
		ra.o.compression = o.compression;
		if (redact_options_check(ctx, &ra.o) < 0) {
			ret = cli_usage_error(&cli_verb_collect, "%s", fw_ctx_errmsg(ctx));
			goto out;
		}
	}
	to_stdout = o.output && !strcmp(o.output, "-");
	if (to_stdout && json.on)
		return cli_usage_error(&cli_verb_collect,
				       "-o - writes the bundle to standard output, where --json "
				       "would print too: give -o FILE with --json");
	if (to_stdout && !plan && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "fwbox collect: -o -: standard output is a terminal; redirect it "
			"to a file or a pipe, or give -o FILE\n");
		return CLI_EXIT_FAILURE;
	}

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
	if (to_stdout) {
		const char *t = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/fwbox-collect-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmpdir)) {
			fprintf(stderr, "fwbox collect: -o -: cannot make a temporary folder "
				"'%s': %s\n", tmpdir, strerror(errno));
			tmpdir[0] = '\0';
			goto out;
		}
		o.output = tmpdir;
	}
	user_output = to_stdout ? tmpdir : o.output;
	if (redact && !plan) {
		/* The original goes next to the redacted bundle if kept, else
		 * into a private folder there, removed once redaction is done
		 * (same file system: no copy of the unredacted bytes elsewhere). */
		const char *out = user_output && *user_output ? user_output : ".";
		struct stat st;
		char *dir;

		if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
			dir = strdup(out);
		} else {
			const char *slash = strrchr(out, '/');

			dir = slash ? strndup(out, (size_t)(slash - out) + (slash == out)) : strdup(".");
			if (lstat(out, &st) == 0) {
				ret = cli_usage_error(&cli_verb_collect,
						      "'%s' already exists: remove it, choose another file "
						      "name, or give -o a folder", out);
				free(dir);
				goto out;
			}
		}
		if (!dir)
			goto out;
		if (keep_original) {
			snprintf(origdir, sizeof(origdir), "%s", dir);
		} else {
			snprintf(origdir, sizeof(origdir), "%s/.fwbox-collect-XXXXXX", dir);
			if (!mkdtemp(origdir)) {
				fprintf(stderr, "fwbox collect: --redact: cannot make a private folder "
					"'%s': %s\n", origdir, strerror(errno));
				origdir[0] = '\0';
				free(dir);
				goto out;
			}
		}
		free(dir);
		o.output = origdir;
	}
	r = collect_new(ctx, &o, &c);
	if (r == -EINVAL) {
		fprintf(stderr, "fwbox collect: %s\n", fw_ctx_errmsg(ctx));
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	if (r < 0) {
		/* path is the bundle that was to be written: an explicit file,
		 * not a folder the default name would have gone into. */
		if (json.on)
			print_json(&json, ctx, NULL, names_file(o.output) ? o.output : NULL,
				   CLI_EXIT_FAILURE, "start");
		ret = cli_fail(ctx, "collect", "cannot start");
		goto out;
	}
	if (plan) {
		r = do_plan(c, &json);
		ret = r < 0 ? cli_fail(ctx, "collect", "plan") : CLI_EXIT_OK;
		goto out;
	}
	signal_ctx = ctx;
	cli_on_signals(on_signal);
	if (cli_progress_wanted(quiet))
		cli_enable_progress(ctx);
	r = collect_run(c, &path);
	if (r < 0) {
		if (json.on)
			print_json(&json, ctx, c, NULL, CLI_EXIT_FAILURE, "collect");
		ret = cli_fail(ctx, "collect", "no bundle written");
		goto out;
	}
	if (!quiet) {
		const char *why = NULL;
		bool fatal = collect_fatal(c, &why);
		unsigned not_sent = 0;

		for (size_t i = 0; i < collect_outcome_count(c); i++) {
			const struct collect_outcome *oc = collect_outcome_at(c, i);

			/* Once the firmware is fatal, one line says so for
			 * every step it stopped, not one line per step. */
			if (fatal && oc->err == -EIO && (oc->outcome == BUNDLE_OUTCOME_SKIPPED ||
							 !strcmp(oc->reason, why))) {
				not_sent += oc->outcome == BUNDLE_OUTCOME_SKIPPED;
				continue;
			}
			if (oc->outcome == BUNDLE_OUTCOME_FAILED ||
			    oc->outcome == BUNDLE_OUTCOME_PARTIAL)
				fprintf(stderr, "fwbox collect: %s: %s: %s\n", oc->kind,
					bundle_outcome_name(oc->outcome), oc->reason);
		}
		if (fatal)
			fprintf(stderr, "fwbox collect: warning: the firmware is in a fatal state (%s): "
				"%u device step%s not run; the health buffer, the reporters and their "
				"dumps, and the host facts were collected\n", why, not_sent,
				not_sent == 1 ? " was" : "s were");
	}
	ret = collect_worst(c) == BUNDLE_OUTCOME_OK ? CLI_EXIT_OK : CLI_EXIT_PARTIAL;
	if (redact) {
		r = redact_bundle(ctx, path, user_output, &ra.o, &rep);
		if (r < 0) {
			/* Nothing is lost: the original stays where the user can
			 * find it, and says so. */
			char *kept = NULL;

			if (!keep_original && origdir[0]) {
				const char *base = strrchr(path, '/');
				char *dest = NULL;

				if (asprintf(&dest, "%s/%s", user_output && *user_output ? user_output : ".",
					     base ? base + 1 : path) >= 0 &&
				    rename(path, dest) == 0)
					kept = dest;
				else
					free(dest);
			}
			fprintf(stderr, "fwbox collect: --redact: %s\n", fw_ctx_errmsg(ctx));
			fprintf(stderr, "fwbox collect: the unredacted bundle is kept: %s\n",
				kept ? kept : path);
			if (json.on) {
				json_redact = false;
				json_input = kept ? kept : path;
				print_json(&json, ctx, c, NULL, CLI_EXIT_FAILURE, "redact");
			}
			free(kept);
			ret = CLI_EXIT_FAILURE;
			goto out;
		}
		final = strdup(rep->output);
		if (!keep_original)
			unlink(path);
		if (!final)
			goto out;
		json_redact = true;
		original = path;
		json_input = keep_original ? original : NULL;
		if (!quiet && keep_original && !to_stdout && !json.on)
			fprintf(stderr, "fwbox collect: the unredacted bundle is kept: %s\n", original);
		path = final;
		final = NULL;
	}
	if (to_stdout) {
		r = cli_copy_to_stdout(path);
		if (r < 0) {
			fprintf(stderr, "fwbox collect: writing the bundle to standard output: %s\n",
				strerror(-r));
			ret = CLI_EXIT_FAILURE;
		}
		unlink(path);
	} else if (json.on) {
		print_json(&json, ctx, c, path, ret, NULL);
	} else {
		printf("%s\n", path);
	}
out:
	if (redact && !keep_original && origdir[0])
		rmdir(origdir);
	if (tmpdir[0])
		rmdir(tmpdir);
	redact_report_free(rep);
	cli_redact_args_free(&ra);
	free(final);
	free(original);
	json_input = NULL;
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
