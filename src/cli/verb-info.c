/* SPDX-License-Identifier: MIT */
/*
 * fwbox info: one capture of the history in full (header, card, steps),
 * as `coredumpctl info` shows one core; and the capture JSON that `list`
 * shares.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cli/cli.h"

static const char usage[] =
	"Usage: fwbox info [--db PATH] [-j|--json] [-p|--pretty] [CAPTURE...]\n"
	"\n"
	"Show captures of the history database in full: when and why, the card\n"
	"and its firmware, where the bundle file is, and every step with its\n"
	"outcome.  CAPTURE is a bundle UUID, a unique prefix of one (8 characters\n"
	"or more, as 'fwbox list' prints them), a SHA-256, or a loaded bundle file;\n"
	"without CAPTURE, the newest capture.\n"
	"\n"
	"Options:\n"
	"  --db PATH       history database (default $FWBOX_DB, else\n"
	"                  $XDG_DATA_HOME/fwbox/history.db)\n"
	"  -j, --json      one JSON object per capture (fields: fwbox-info(1))\n"
	"  -p, --pretty    indented JSON; implies --json\n"
	"  -h, --help      show this help\n"
	"\n"
	"Exit status: 0 shown, 1 a capture was not found, 2 usage, 3 some were\n"
	"shown and some not found, 4 the history holds no capture.\n";

void cli_format_time_short(uint64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!ns || !gmtime_r(&secs, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "-");
}

/* bundles.loaded is fw_format_utc() text; its time as ns, 0 if unreadable. */
static uint64_t loaded_ns(const char *s)
{
	uint64_t ns;

	if (!s || cli_parse_time(s, 0, &ns) < 0)
		return 0;
	return ns;
}

static struct json_object *nonzero(uint64_t v)
{
	return v ? cli_json_int((int64_t)v) : NULL;
}

struct json_object *cli_capture_json(const struct store_capture *c, bool full)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "bundle", cli_json_text(c->uuid));
	cli_json_add_time(o, "created", c->created_ns);
	json_object_object_add(o, "path", cli_json_text_or_null(c->file));
	json_object_object_add(o, "host", cli_json_text_or_null(c->host));
	json_object_object_add(o, "reason", cli_json_text_or_null(c->reason));
	json_object_object_add(o, "outcome", cli_json_text(c->outcome));
	json_object_object_add(o, "artifact_count", cli_json_int((int64_t)c->artifacts));
	json_object_object_add(o, "failed_count", cli_json_int((int64_t)c->failed));
	json_object_object_add(o, "trace_event_count", cli_json_int((int64_t)c->trace_events));
	if (!full) {
		json_object_object_add(o, "identity", cli_json_text_or_null(c->identity));
		json_object_object_add(o, "pci", cli_json_text_or_null(c->pci));
		json_object_object_add(o, "serial", cli_json_text_or_null(c->serial));
		json_object_object_add(o, "psid", cli_json_text_or_null(c->psid));
		json_object_object_add(o, "model", cli_json_text_or_null(c->model));
		json_object_object_add(o, "fw_version", cli_json_text_or_null(c->fw_version));
		return o;
	}
	json_object_object_add(o, "format_version",
			       c->format_version ? cli_json_int(c->format_version) : NULL);
	json_object_object_add(o, "fwbox_version", cli_json_text_or_null(c->fwbox_version));
	json_object_object_add(o, "cmdline", cli_json_text_or_null(c->cmdline));
	json_object_object_add(o, "bytes", nonzero(c->file_size));
	cli_json_add_time(o, "loaded", loaded_ns(c->loaded));
	if (c->device || c->fw_version) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "identity", cli_json_text_or_null(c->identity));
		json_object_object_add(d, "pci", cli_json_text_or_null(c->pci));
		json_object_object_add(d, "vendor_id", nonzero(c->vendor_id));
		json_object_object_add(d, "device_id", nonzero(c->device_id));
		json_object_object_add(d, "subsys_vendor_id", nonzero(c->subsys_vendor_id));
		json_object_object_add(d, "subsys_device_id", nonzero(c->subsys_device_id));
		json_object_object_add(d, "model", cli_json_text_or_null(c->model));
		json_object_object_add(d, "fw_version", cli_json_text_or_null(c->fw_version));
		json_object_object_add(d, "psid", cli_json_text_or_null(c->psid));
		json_object_object_add(d, "board_id", cli_json_text_or_null(c->board_id));
		json_object_object_add(d, "serial", cli_json_text_or_null(c->serial));
		json_object_object_add(d, "kernel", cli_json_text_or_null(c->kernel));
		json_object_object_add(d, "driver", cli_json_text_or_null(c->driver));
		/* The history does not keep which fields were marked sensitive. */
		json_object_object_add(d, "sensitive", NULL);
		json_object_object_add(o, "device", d);
	} else {
		json_object_object_add(o, "device", NULL);
	}
	return o;
}

struct info_out {
	struct cli_json json;
	struct store *s;
	struct json_object *obj;       /* --json: the capture being built */
	struct json_object *arts;
	size_t width;                  /* KIND column */
	unsigned shown;
};

static const char *str(const char *s)
{
	static char buf[4][512];
	static unsigned next;
	char *out = buf[next++ % 4];
	size_t i;

	if (!s || !*s)
		return "-";
	for (i = 0; s[i] && i < sizeof(buf[0]) - 4; i++)
		out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	if (s[i])
		memcpy(out + i, "...", 4);
	else
		out[i] = '\0';
	return out;
}

static int on_width(void *ud, const struct store_capture_artifact *a)
{
	struct info_out *o = ud;

	if (strlen(a->kind) > o->width)
		o->width = strlen(a->kind);
	return 0;
}

static int on_artifact(void *ud, const struct store_capture_artifact *a)
{
	struct info_out *o = ud;

	if (o->json.on) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "kind", cli_json_text(a->kind));
		json_object_object_add(j, "path", cli_json_text(a->path));
		json_object_object_add(j, "bytes", cli_json_int((int64_t)a->size));
		json_object_object_add(j, "sha256", cli_json_text(a->sha256));
		json_object_object_add(j, "outcome", cli_json_text(a->outcome));
		json_object_object_add(j, "reason", cli_json_text_or_null(a->reason));
		cli_json_add_step(j, a->err, a->status, a->syndrome, a->start_ns, a->end_ns,
				  a->interface);
		json_object_array_add(o->arts, j);
		return 0;
	}
	printf("  %-*s %12" PRIu64 "  %-8s %s\n", (int)o->width, a->kind, a->size, a->outcome,
	       a->reason && *a->reason ? str(a->reason) : "");
	return 0;
}

static int on_capture(void *ud, const struct store_capture *c)
{
	struct info_out *o = ud;
	char when[48];
	int r;

	if (o->json.on) {
		o->obj = cli_capture_json(c, true);
		o->arts = json_object_new_array();
		r = store_capture_artifacts(o->s, c->id, on_artifact, o);
		json_object_object_add(o->obj, "artifacts", o->arts);
		if (r >= 0)
			cli_json_emit(&o->json, o->obj);
		else
			json_object_put(o->obj);
		o->obj = o->arts = NULL;
		return r;
	}
	if (o->shown)
		putchar('\n');
	printf("Capture: %s\n", c->uuid);
	fw_format_utc(c->created_ns, when, sizeof(when));
	printf("  created:   %s\n", c->created_ns ? when : "-");
	printf("  host:      %s\n", str(c->host));
	printf("  reason:    %s\n", str(c->reason));
	printf("  command:   %s\n", str(c->cmdline));
	printf("  fwbox:     %s\n", str(c->fwbox_version));
	printf("  outcome:   %s (%" PRIu64 " of %" PRIu64 " steps failed or partial)\n",
	       str(c->outcome), c->failed, c->artifacts);
	printf("  trace:     %" PRIu64 " events\n", c->trace_events);
	if (c->file)
		printf("  file:      %s (%" PRIu64 " bytes)\n", str(c->file), c->file_size);
	else
		printf("  file:      -\n");
	printf("  loaded:    %s\n", str(c->loaded));
	printf("Card:\n");
	printf("  identity:  %s\n", str(c->identity));
	printf("  pci:       %s\n", str(c->pci));
	if (c->vendor_id || c->device_id)
		printf("  ids:       %04x:%04x (subsystem %04x:%04x)\n", c->vendor_id, c->device_id,
		       c->subsys_vendor_id, c->subsys_device_id);
	printf("  model:     %s\n", str(c->model));
	printf("  firmware:  %s\n", str(c->fw_version));
	printf("  psid:      %s\n", str(c->psid));
	printf("  board id:  %s\n", str(c->board_id));
	printf("  serial:    %s\n", str(c->serial));
	printf("  kernel:    %s\n", str(c->kernel));
	printf("  driver:    %s\n", str(c->driver));
	o->width = 4;
	r = store_capture_artifacts(o->s, c->id, on_width, o);
	if (r < 0)
		return r;
	printf("Artifacts: %" PRIu64 "\n", c->artifacts);
	printf("  %-*s %12s  %-8s %s\n", (int)o->width, "KIND", "SIZE", "OUTCOME", "REASON");
	return store_capture_artifacts(o->s, c->id, on_artifact, o);
}

static int newest(void *ud, const struct store_capture *c)
{
	*(int64_t *)ud = c->id;
	return 0;
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, CLI_OPT_DB },
		CLI_JSON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct info_out o = { 0 };
	struct cli_tally t = { 0 };
	char *dbpath = NULL;
	int c, r;

	while ((c = cli_getopt(argc, argv, "h" CLI_JSON_SHORTOPTS, opts, &o.json)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(&cli_verb_info);
		default:
			return cli_option_error(&cli_verb_info, argv, "h" CLI_JSON_SHORTOPTS);
		}
	}
	r = cli_open_history(ctx, &o.s, &dbpath);
	if (r < 0)
		return cli_error(ctx, "info");
	if (optind == argc) {
		struct store_capture_filter f = { .limit = 1 };
		int64_t id = 0;

		r = store_list_captures(o.s, &f, newest, &id);
		if (r >= 0 && !id) {
			store_close(o.s);
			r = cli_nothing("info", "the history '%s' holds no capture", dbpath);
			free(dbpath);
			return r;
		}
		if (r >= 0)
			r = store_get_capture(o.s, id, on_capture, &o);
		store_close(o.s);
		free(dbpath);
		return r < 0 ? cli_error(ctx, "info") : CLI_EXIT_OK;
	}
	for (int i = optind; i < argc; i++) {
		int64_t id;

		fw_ctx_clear_error(ctx);
		r = store_resolve_capture(o.s, argv[i], &id);
		if (r >= 0)
			r = store_get_capture(o.s, id, on_capture, &o);
		if (r < 0) {
			cli_error(ctx, "info");
			t.failed++;
			continue;
		}
		o.shown++;
		t.ok++;
	}
	store_close(o.s);
	free(dbpath);
	if (!t.ok)
		return CLI_EXIT_FAILURE;
	return t.failed ? CLI_EXIT_PARTIAL : CLI_EXIT_OK;
}

const struct cli_verb cli_verb_info = {
	.name = "info",
	.summary = "show captures of the history database in full",
	.usage = usage,
	.run = run,
};
