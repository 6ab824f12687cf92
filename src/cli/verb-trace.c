/* SPDX-License-Identifier: MIT */
/*
 * fwbox trace: every firmware trace message of a bundle (ring, tracefs
 * text, saved traces), one line each in the kernel tracepoint's layout.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

struct trace_opts {
	struct cli_decode d; /* first: the sink's userdata is both */
	uint64_t since, until;
	bool have_since, have_until;
	struct cli_json json;
	regex_t re;
	bool have_re;
	char device[64];
	struct report_chrome *chrome;  /* --format chrome */
	uint64_t printed;
};

static void on_device(void *ud, const char *pci)
{
	struct trace_opts *o = ud;

	snprintf(o->device, sizeof(o->device), "%s", pci);
}

static int on_trace(void *ud, const char *kind, const struct trace_event *ev)
{
	struct trace_opts *o = ud;
	char msg[FW_LIMIT_TRACE_MESSAGE];
	char dev[64];

	if (o->have_since && ev->timestamp < o->since)
		return 0;
	if (o->have_until && ev->timestamp > o->until)
		return 0;
	trace_event_render(ev, msg, sizeof(msg));
	/* One line per message, always: a line break inside a firmware
	 * string would make line counts disagree with the history database. */
	for (char *c = msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	if (o->have_re && regexec(&o->re, msg, 0, NULL, 0) != 0)
		return 0;
	if (o->chrome) {
		o->printed++;
		return report_chrome_event(o->chrome, ev, msg);
	}
	if (ev->device && ev->device_len)
		snprintf(dev, sizeof(dev), "%.*s", (int)ev->device_len, ev->device);
	else
		snprintf(dev, sizeof(dev), "%s", o->device[0] ? o->device : "-");
	if (o->json.on) {
		/* One object a line (JSON Lines): a stream of any length. */
		struct json_object *j = json_object_new_object();
		bool ring = ev->source == TRACE_SOURCE_RING;
		struct json_object *params = ring ? json_object_new_array() : NULL;

		json_object_object_add(j, "bundle", json_object_new_string(o->d.uuid));
		json_object_object_add(j, "kind", json_object_new_string(kind));
		json_object_object_add(j, "pci", strcmp(dev, "-") ? json_object_new_string(dev) : NULL);
		/* 64-bit device time: a decimal string (fwbox(1) JSON OUTPUT). */
		json_object_object_add(j, "timestamp", cli_json_u64(ev->timestamp));
		json_object_object_add(j, "lost", json_object_new_boolean(ev->lost));
		json_object_object_add(j, "event_id", cli_json_int(ev->event_id));
		json_object_object_add(j, "message", json_object_new_string(msg));
		json_object_object_add(j, "source", json_object_new_string(trace_source_name(ev->source)));
		json_object_object_add(j, "tmsn", ring ? cli_json_int(ev->tmsn) : NULL);
		json_object_object_add(j, "format_ptr", ring ? cli_json_int(ev->format_ptr) : NULL);
		json_object_object_add(j, "raw", ring ? json_object_new_boolean(ev->raw) : NULL);
		for (unsigned i = 0; ring && i < ev->nparams; i++)
			json_object_array_add(params, cli_json_int(ev->params[i]));
		json_object_object_add(j, "params", params);
		cli_json_emit(&o->json, j); /* firmware strings may be any bytes */
	} else {
		/* The mlx5_fw tracepoint: "%s [0x%llx] %d [0x%x] %s". */
		printf("%s [0x%" PRIx64 "] %d [0x%x] %s\n", dev, ev->timestamp, ev->lost,
		       ev->event_id, msg);
	}
	o->printed++;
	return 0;
}

static int time_error(const char *opt, const char *arg, int r)
{
	return cli_usage_error(&cli_verb_trace, "%s: '%s' is %s", opt, arg,
			       r == -ERANGE ? "out of range (at most 18446744073709551615)"
					    : "not a number");
}

/* The next bundle names its own device (or none). */
static void after_bundle(struct cli_decode *d, struct fw_ctx *ctx, int r)
{
	(void)ctx;
	(void)r;
	((struct trace_opts *)d)->device[0] = '\0';
}

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "grep", required_argument, NULL, 'g' },
		CLI_JSON_LONGOPTS,
		CLI_DB_LONGOPT,
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct analyze_sink sink = {
		.device = on_device,
		.trace = on_trace,
		.problem = cli_decode_problem,
	};
	struct trace_opts o;
	struct cli_tally t = { 0 };
	bool chrome = false;
	int c, r, status;

	memset(&o, 0, sizeof(o));
	while ((c = cli_getopt(argc, argv, CLI_JSON_SHORTOPTS, longopts, &o.json)) != -1) {
		switch (c) {
		case 's':
			r = cli_parse_u64(optarg, &o.since);
			if (r < 0)
				goto bad_since;
			o.have_since = true;
			break;
		case 'u':
			r = cli_parse_u64(optarg, &o.until);
			if (r < 0)
				goto bad_until;
			o.have_until = true;
			break;
		case 'g':
			if (o.have_re)
				regfree(&o.re);
			if (regcomp(&o.re, optarg, REG_EXTENDED | REG_NOSUB) != 0)
				return cli_usage_error(&cli_verb_trace,
						       "--grep: '%s' is not a valid extended regular expression",
						       optarg);
			o.have_re = true;
			break;
		case 'F':
			if (!strcmp(optarg, "json")) {
				o.json.on = true;
			} else if (!strcmp(optarg, "chrome")) {
				chrome = true;
			} else if (strcmp(optarg, "text")) {
				if (o.have_re)
					regfree(&o.re);
				return cli_usage_error(&cli_verb_trace, "--format: '%s' is not one of "
						       "text, json, chrome", optarg);
			}
			break;
		default:
			if (o.have_re)
				regfree(&o.re);
			return cli_option_error(&cli_verb_trace, argv, CLI_JSON_SHORTOPTS);
		}
	}
	if (optind >= argc) {
		if (o.have_re)
			regfree(&o.re);
		return cli_usage_error(&cli_verb_trace, "expected at least one BUNDLE");
	}
	if (o.have_since && o.have_until && o.since > o.until) {
		if (o.have_re)
			regfree(&o.re);
		return cli_usage_error(&cli_verb_trace,
				       "--since %" PRIu64 " is after --until %" PRIu64 ": nothing could match",
				       o.since, o.until);
	}
	cli_catch_signals(ctx);
	/* A Chrome trace is one document of one bundle (its clock, its UUID). */
	if (chrome && argc - optind != 1) {
		if (o.have_re)
			regfree(&o.re);
		return cli_usage_error(&cli_verb_trace, "--format chrome writes one trace of one "
				       "bundle: give one BUNDLE");
	}
	if (chrome && report_chrome_open(ctx, argv[optind], 0, stdout, &o.chrome) < 0) {
		if (o.have_re)
			regfree(&o.re);
		return cli_error(ctx, "trace");
	}
	o.json.on = o.json.on && !chrome;
	o.d.verb = "trace";
	o.d.after = after_bundle;
	cli_decode_bundles(ctx, &o.d, argv + optind, argc - optind, "trace.,health.", &sink, &t);
	t.records = o.printed;
	status = cli_tally_exit(&t, "trace", "trace message", argc - optind, argv + optind);
	if (o.chrome) {
		if (t.failed)
			report_chrome_free(o.chrome);
		else if (report_chrome_close(o.chrome, NULL) < 0)
			status = cli_error(ctx, "trace");
	}
	if (o.have_re)
		regfree(&o.re);
	return status;
bad_since:
	if (o.have_re)
		regfree(&o.re);
	return time_error("--since", optarg, r);
bad_until:
	if (o.have_re)
		regfree(&o.re);
	return time_error("--until", optarg, r);
}

const struct cli_verb cli_verb_trace = {
	.name = "trace",
	.summary = "print the firmware trace messages of bundles",
	.usage = "Usage: fwbox trace [--since T] [--until T] [--grep RE] [--db PATH] [-j|--json] [-p|--pretty]\n"
		 "                   [--format FMT] BUNDLE...\n"
		 "\n"
		 "Print every firmware trace message of each BUNDLE (raw tracer ring decoded with\n"
		 "its strings database, tracefs mlx5_fw lines, devlink fw reporter saved\n"
		 "traces), one line each in the kernel tracepoint's layout:\n"
		 "  <pci> [0x<timestamp>] <lost> [0x<event_id>] <message>\n"
		 "\n"
		 "Options:\n"
		 "  --since T    only messages with device timestamp >= T (decimal or 0x hex)\n"
		 "  --until T    only messages with device timestamp <= T\n"
		 "  --grep RE    only messages matching the extended regular expression RE\n"
		 "  --db PATH    history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json   one JSON object per message, one a line (fields: fwbox-trace(1))\n"
		 "  -p, --pretty indented JSON; implies --json\n"
		 "  --format FMT text (the default), json (as --json), or chrome: Chrome\n"
		 "               trace-event JSON for Perfetto and chrome://tracing (one BUNDLE)\n"
		 "  -h, --help   show this help\n",
	.run = run,
};
