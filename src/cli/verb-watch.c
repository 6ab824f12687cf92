/* SPDX-License-Identifier: MIT */
/* fwbox watch: capture a bundle when a card reports a failure, unattended. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "watch/watch.h"

static const char usage_text[] =
	"Usage: fwbox watch [-d DEVICE]... [-c FILE] [--spool DIR] [--db DB]\n"
	"                   [--exit-after N] [--poll] [--capture-existing] [--clear-dumps]\n"
	"                   [-j|--json] [-p|--pretty] [-q]\n"
	"       fwbox watch --status [--spool DIR] [-j|--json] [-p|--pretty]\n"
	"\n"
	"Watch ConnectX cards (or emulator specs) for firmware failures and capture a\n"
	"support bundle of each one at once, before recovery wipes the evidence: devlink\n"
	"health notifications (polling where they cannot be joined), the health buffer\n"
	"where no devlink exists, the emulator's scheduled faults.  Runs in the\n"
	"foreground; SIGTERM stops it (a capture under way is published partial),\n"
	"SIGHUP rereads the configuration.\n"
	"\n"
	"Options:\n"
	"  -d, --device DEVICE     watch this card (PCI address, emulator spec such as\n"
	"                          emu:cx7,fatal-at=5); repeatable; default: every\n"
	"                          ConnectX found\n"
	"  -c, --config FILE       read settings from FILE (fwbox-watch.conf(5));\n"
	"                          default /etc/fwbox/watch.conf when it exists\n"
	"      --spool DIR         where bundles go (default /var/lib/fwbox/bundles)\n"
	"      --db DB             load every bundle into this history\n"
	"      --exit-after N      stop after N captures\n"
	"      --poll              poll the reporters even where notifications work\n"
	"      --capture-existing  also capture what a card shows when the daemon starts\n"
	"                          (a reporter in error, a stored dump, a syndrome);\n"
	"                          by default that is only recorded as present at start\n"
	"      --clear-dumps       after a capture, clear the reporter's stored dump so\n"
	"                          the next failure's is kept (the one write; off by default)\n"
	"      --status            print the status of the daemon of the spool and exit\n"
	"  -j, --json              one JSON object per line (--status: the status file)\n"
	"  -p, --pretty            indented JSON (implies --json)\n"
	"  -q, --quiet             print only captures, removals and problems\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 stopped and every capture complete, 3 some capture partial or\n"
	"failed, 1 could not watch, 2 usage error.\n";

#define DEFAULT_CONFIG "/etc/fwbox/watch.conf"

enum {
	OPT_SPOOL = 0x100,
	OPT_DB,
	OPT_EXIT_AFTER,
	OPT_POLL,
	OPT_STATUS,
	OPT_CLEAR_DUMPS,
	OPT_CAPTURE_EXISTING,
};

static const struct option options[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "config", required_argument, NULL, 'c' },
	{ "spool", required_argument, NULL, OPT_SPOOL },
	{ "db", required_argument, NULL, OPT_DB },
	{ "exit-after", required_argument, NULL, OPT_EXIT_AFTER },
	{ "poll", no_argument, NULL, OPT_POLL },
	{ "status", no_argument, NULL, OPT_STATUS },
	{ "clear-dumps", no_argument, NULL, OPT_CLEAR_DUMPS },
	{ "capture-existing", no_argument, NULL, OPT_CAPTURE_EXISTING },
	CLI_JSON_LONGOPTS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

struct out {
	struct cli_json json;
	bool quiet;
	bool partial;
};

static struct watch *signal_watch;

static void on_stop(int sig)
{
	(void)sig;
	if (signal_watch)
		watch_stop(signal_watch);
}

static void on_hup(int sig)
{
	(void)sig;
	if (signal_watch)
		watch_reload(signal_watch);
}

static void catch_signals(struct watch *w)
{
	struct sigaction sa;

	signal_watch = w;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
}

static const char *kind_name(enum watch_note_kind k)
{
	static const char *const names[] = {
		[WATCH_NOTE_MODE] = "mode",         [WATCH_NOTE_READY] = "ready",
		[WATCH_NOTE_EVENT] = "event",       [WATCH_NOTE_SUPPRESSED] = "suppressed",
		[WATCH_NOTE_CAPTURE] = "capture",   [WATCH_NOTE_CAPTURED] = "captured",
		[WATCH_NOTE_LOADED] = "loaded",     [WATCH_NOTE_REMOVED] = "removed",
		[WATCH_NOTE_RELOADED] = "reloaded", [WATCH_NOTE_WARNING] = "warning",
		[WATCH_NOTE_CLEARED] = "cleared",   [WATCH_NOTE_PRESENT] = "present",
	};

	return names[k];
}

static void print_json(const struct out *o, const struct watch_note *n)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "note", json_object_new_string(kind_name(n->kind)));
	if (n->device)
		json_object_object_add(j, "card", cli_json_text(n->device));
	if (n->mode)
		json_object_object_add(j, "mode", cli_json_text(n->mode));
	if (n->reporter)
		json_object_object_add(j, "reporter", cli_json_text(n->reporter));
	if (n->state)
		json_object_object_add(j, "state", cli_json_text(n->state));
	if (n->msg)
		json_object_object_add(j, "message", cli_json_text(n->msg));
	if (n->kind == WATCH_NOTE_CAPTURED || n->path)
		json_object_object_add(j, "path", cli_json_text(n->path));
	if (n->outcome)
		json_object_object_add(j, "outcome", cli_json_text(n->outcome));
	if (n->why)
		json_object_object_add(j, "why", cli_json_text(n->why));
	if (n->kind == WATCH_NOTE_EVENT || n->kind == WATCH_NOTE_PRESENT)
		json_object_object_add(j, "error_count", cli_json_int((int64_t)n->error_count));
	if (n->kind == WATCH_NOTE_SUPPRESSED || n->kind == WATCH_NOTE_READY ||
	    n->kind == WATCH_NOTE_CAPTURED)
		json_object_object_add(j, "count", cli_json_int((int64_t)n->count));
	if (n->kind == WATCH_NOTE_CAPTURED)
	{
		json_object_object_add(j, "latency_ns",
				       n->latency_ns ? cli_json_int((int64_t)n->latency_ns) : NULL);
		json_object_object_add(j, "handling_ns",
				       n->handling_ns ? cli_json_int((int64_t)n->handling_ns) : NULL);
	}
	if (n->event_ns)
		cli_json_add_time(j, "event", n->event_ns);
	if (n->kind == WATCH_NOTE_CAPTURE) {
		json_object_object_add(j, "replayed", json_object_new_boolean(n->replayed));
		json_object_object_add(j, "first_of_incident",
				       json_object_new_boolean(n->first_of_incident));
	}
	cli_json_emit(&o->json, j);
}

static void on_note(void *ud, const struct watch_note *n)
{
	struct out *o = ud;

	if (n->kind == WATCH_NOTE_CAPTURED && (!n->path || strcmp(n->outcome, "ok")))
		o->partial = true;
	if (o->json.on) {
		print_json(o, n);
		fflush(stdout);
		return;
	}
	if (o->quiet && n->kind != WATCH_NOTE_CAPTURED && n->kind != WATCH_NOTE_REMOVED &&
	    n->kind != WATCH_NOTE_WARNING && n->kind != WATCH_NOTE_READY &&
	    n->kind != WATCH_NOTE_CLEARED && n->kind != WATCH_NOTE_PRESENT)
		return;
	switch (n->kind) {
	case WATCH_NOTE_MODE:
		printf("fwbox watch: '%s': %s\n", n->device, n->mode);
		break;
	case WATCH_NOTE_READY:
		printf("fwbox watch: ready, watching %" PRIu64 " device%s\n", n->count,
		       n->count == 1 ? "" : "s");
		break;
	case WATCH_NOTE_EVENT:
		printf("fwbox watch: '%s': reporter '%s' %s, error count %" PRIu64 "%s%s\n", n->device,
		       n->reporter, n->state, n->error_count, n->msg && *n->msg ? ": " : "",
		       n->msg ? n->msg : "");
		break;
	case WATCH_NOTE_SUPPRESSED:
		printf("fwbox watch: '%s': not captured (%s), %" PRIu64 " suppressed since the last capture\n",
		       n->device, n->why, n->count);
		break;
	case WATCH_NOTE_CAPTURE:
		printf("fwbox watch: '%s': capturing (reporter '%s'%s%s)\n", n->device, n->reporter,
		       n->first_of_incident ? ", first of its incident" : "",
		       n->replayed ? ", acknowledged before a restart" : "");
		break;
	case WATCH_NOTE_CAPTURED:
		if (n->path)
			printf("fwbox watch: '%s': wrote %s (%s, %.1f ms from the event to the first read, "
			       "%.1f ms of them in fwbox watch)\n",
			       n->device, n->path, n->outcome, (double)n->latency_ns / 1e6,
			       (double)n->handling_ns / 1e6);
		else
			printf("fwbox watch: '%s': no bundle written\n", n->device);
		break;
	case WATCH_NOTE_LOADED:
		printf("fwbox watch: '%s': loaded %s into the history\n", n->device, n->path);
		break;
	case WATCH_NOTE_REMOVED:
		printf("fwbox watch: removed %s (%s)\n", n->path, n->why);
		break;
	case WATCH_NOTE_RELOADED:
		printf("fwbox watch: configuration '%s' read again\n", n->path);
		break;
	case WATCH_NOTE_PRESENT:
		printf("fwbox watch: '%s': reporter '%s' %s\n", n->device, n->reporter, n->msg);
		break;
	case WATCH_NOTE_CLEARED:
		printf("fwbox watch: '%s': cleared the stored dump of reporter '%s' (--clear-dumps)\n",
		       n->device, n->reporter);
		break;
	case WATCH_NOTE_WARNING:
		cli_warn("watch", "%s%s%s%s", n->device ? "'" : "", n->device ? n->device : "",
			 n->device ? "': " : "", n->msg);
		break;
	}
	fflush(stdout);
}

static int status(struct fw_ctx *ctx, const char *spool, const struct cli_json *json)
{
	char *text = NULL;
	size_t len = 0;
	struct json_object *o, *a;
	int r;

	r = watch_status_read(ctx, spool, &text, &len);
	if (r < 0)
		return cli_fail(ctx, "watch", "--status");
	(void)len;
	o = json_tokener_parse(text);
	free(text);
	if (!o) {
		fprintf(stderr, "fwbox watch: the status file in '%s' is not valid JSON\n", spool);
		return CLI_EXIT_FAILURE;
	}
	if (json->on) {
		cli_json_emit(json, o);
		return CLI_EXIT_OK;
	}
	printf("spool: %s\n", json_object_get_string(json_object_object_get(o, "spool")));
	printf("pid: %" PRId64 "\n", json_object_get_int64(json_object_object_get(o, "pid")));
	printf("captures: %" PRId64 "\n", json_object_get_int64(json_object_object_get(o, "capture_count")));
	static const char *const lists[] = { "devices", "present_at_start", "events", "captures",
					     "suppressions", "removed" };
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		if (!json_object_object_get_ex(o, lists[i], &a) || !json_object_is_type(a, json_type_array))
			continue;
		printf("%s: %zu\n", lists[i], json_object_array_length(a));
		for (size_t k = 0; k < json_object_array_length(a); k++)
			printf("  %s\n", json_object_to_json_string_ext(json_object_array_get_idx(a, k),
									  JSON_C_TO_STRING_PLAIN));
	}
	json_object_put(o);
	return CLI_EXIT_OK;
}

/* The command line recorded in every bundle: the --db argument as
 * store_target_display() gives it, so a connection string's password is
 * never written into a bundle. */
static char *join_args(int argc, char **argv)
{
	size_t len = 7;
	char **shown, *s, *p;
	bool db_next = false;

	shown = calloc((size_t)argc + 1, sizeof(*shown));
	if (!shown)
		return NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (db_next || !strncmp(a, "--db=", 5)) {
			char *d = store_target_display(db_next ? a : a + 5);

			if (d && asprintf(&shown[i], "%s%s", db_next ? "" : "--db=", d) < 0)
				shown[i] = NULL;
			free(d);
			if (!shown[i])
				goto oom;
		}
		db_next = !strcmp(a, "--db");
		len += strlen(shown[i] ? shown[i] : a) + 1;
	}
	s = malloc(len);
	if (!s)
		goto oom;
	p = s;
	for (int i = 0; i < argc; i++)
		p += sprintf(p, "%s%s", i ? " " : "fwbox ", shown[i] ? shown[i] : argv[i]);
	*p = '\0';
	for (int i = 0; i < argc; i++)
		free(shown[i]);
	free(shown);
	return s;
oom:
	for (int i = 0; i < argc; i++)
		free(shown[i]);
	free(shown);
	return NULL;
}

static int run(struct fw_ctx *ctx, int argc, char **argv);

const struct cli_verb cli_verb_watch = {
	.name = "watch",
	.summary = "capture a bundle whenever a card fails (daemon)",
	.usage = usage_text,
	.run = run,
};

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const char optstring[] = ":d:c:" CLI_JSON_SHORTOPTS "qh";
	struct watch_options wo = { 0 };
	struct out out = { 0 };
	const char *devices[WATCH_MAX_DEVICES], *spool = NULL, *db = NULL, *config = NULL;
	unsigned ndev = 0;
	bool want_status = false, config_given = false, clear_dumps = false, capture_existing = false;
	struct watch *w = NULL;
	char *cmdline;
	int c, r;

	while ((c = cli_getopt(argc, argv, optstring, options, &out.json)) != -1) {
		switch (c) {
		case 'd':
			if (ndev >= WATCH_MAX_DEVICES)
				return cli_usage_error(&cli_verb_watch, "more than %u devices",
						       WATCH_MAX_DEVICES);
			devices[ndev++] = optarg;
			break;
		case 'c':
			config = optarg;
			config_given = true;
			break;
		case OPT_SPOOL:
			spool = optarg;
			break;
		case OPT_DB:
			db = optarg;
			break;
		case OPT_EXIT_AFTER: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || v == 0 || v > 1000000 || optarg[0] == '-')
				return cli_usage_error(&cli_verb_watch,
						       "--exit-after '%s' must be a count 1..1000000", optarg);
			wo.exit_after = (unsigned)v;
			break;
		}
		case OPT_POLL:
			wo.force_poll = true;
			break;
		case OPT_STATUS:
			want_status = true;
			break;
		case OPT_CLEAR_DUMPS:
			clear_dumps = true;
			break;
		case OPT_CAPTURE_EXISTING:
			capture_existing = true;
			break;
		case 'q':
			out.quiet = true;
			break;
		case 'h':
			return cli_help(&cli_verb_watch);
		default:
			return cli_option_error(&cli_verb_watch, argv, optstring);
		}
	}
	if (optind < argc)
		return cli_usage_error(&cli_verb_watch, "unexpected argument '%s'", argv[optind]);
	watch_config_defaults(&wo.cfg);
	if (!config_given) {
		struct stat st;

		if (stat(DEFAULT_CONFIG, &st) == 0)
			config = DEFAULT_CONFIG;
	}
	if (config && watch_config_load(ctx, config, &wo.cfg) < 0)
		return cli_fail(ctx, "watch", "configuration");
	/* The command line wins over the file. */
	if (spool) {
		if (spool[0] != '/') {
			char *abs = realpath(".", NULL);

			if (!abs)
				return cli_fail(ctx, "watch", "current folder");
			snprintf(wo.cfg.spool, sizeof(wo.cfg.spool), "%s/%s", abs, spool);
			free(abs);
		} else {
			snprintf(wo.cfg.spool, sizeof(wo.cfg.spool), "%s", spool);
		}
	}
	if (want_status) {
		if (ndev || db || wo.exit_after || wo.force_poll || out.quiet || clear_dumps ||
		    capture_existing)
			return cli_usage_error(&cli_verb_watch, "--status takes only --spool, --config and --json");
		return status(ctx, wo.cfg.spool, &out.json);
	}
	if (clear_dumps)
		wo.cfg.clear_dumps = true;
	if (capture_existing)
		wo.cfg.capture_existing = true;
	if (db) {
		snprintf(wo.cfg.db, sizeof(wo.cfg.db), "%s", db);
		wo.cfg.load = true;
	}
	if (ndev) {
		wo.cfg.ndevices = 0;
		for (unsigned i = 0; i < ndev; i++)
			snprintf(wo.cfg.devices[wo.cfg.ndevices++], sizeof(wo.cfg.devices[0]), "%s",
				 devices[i]);
	}
	cmdline = join_args(argc, argv);
	wo.config_path = config;
	wo.cmdline = cmdline;
	wo.note = on_note;
	wo.note_userdata = &out;
	/* Bundles hold serial numbers and firmware state: owner only. */
	umask(077);
	r = watch_new(ctx, &wo, &w);
	free(cmdline);
	if (r < 0)
		return cli_fail(ctx, "watch", "cannot start");
	catch_signals(w);
	r = watch_run(w);
	signal_watch = NULL;
	watch_free(w);
	if (r < 0)
		return cli_fail(ctx, "watch", "stopped");
	return out.partial ? CLI_EXIT_PARTIAL : CLI_EXIT_OK;
}
