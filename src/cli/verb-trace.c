/* SPDX-License-Identifier: MIT */
/*
 * fwbox trace: every firmware trace message of a bundle (ring, tracefs
 * text, saved traces), one line each in the kernel tracepoint's layout,
 * each message once unless --source all.
 *
 * Text lines are formatted straight into one large buffer and written in
 * big blocks: a decoded ring runs at millions of messages a second, and
 * stdio formatting of every line would cost more than the decoding.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "trace-clock.h"

#define OUT_BUF (1u << 20)
/* Longest line: device name, fields, the kernel's 511-byte message. */
#define OUT_LINE_MAX (64 + 64 + FW_LIMIT_TRACE_MESSAGE)

struct trace_opts {
	struct cli_decode d;           /* first: the sink's userdata is both */
	unsigned sources;              /* bit per enum trace_source */
	bool all;                      /* --source all: every record, copies too */
	struct trace_once *once;       /* set: print each message once */
	char *out;                     /* OUT_BUF bytes of text lines not yet written */
	size_t out_len;
	int out_err;                   /* errno of a failed write */
	uint64_t since, until;         /* device ticks, this bundle's when given as times */
	bool have_since, have_until;
	/* --since/--until given as times (UTC ns): converted per bundle. */
	uint64_t since_ns, until_ns;
	bool since_time, until_time;
	bool skip_bundle;              /* times given, no anchor: nothing of it is in the window */
	bool utc;                      /* --utc: each text line begins with its UTC time */
	struct trace_clock clock;      /* this bundle's trace.clock */
	bool have_clock;
	struct cli_json json;
	regex_t re;
	bool have_re;
	char device[64];
	struct report_chrome *chrome;  /* --format chrome */
	uint64_t printed;
};

/* The three sources, in the order of preference (enum trace_source). */
static const char *const source_names[] = { "ring", "text", "saved" };
#define ALL_SOURCES 7u

static void out_flush(struct trace_opts *o)
{
	size_t off = 0;

	while (off < o->out_len && !o->out_err) {
		ssize_t n = write(STDOUT_FILENO, o->out + off, o->out_len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			o->out_err = n < 0 ? errno : EIO;
		else
			off += (size_t)n;
	}
	o->out_len = 0;
}

static char *put_hex(char *p, uint64_t v)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "<dev> [0x<ts>] <lost> [0x<event_id>] <message>\n", the mlx5_fw
 * tracepoint's "%s [0x%llx] %d [0x%x] %s", into the output buffer; the
 * message is rendered in place unless msg gives it already. */
static void put_line(struct trace_opts *o, const struct trace_event *ev, const char *msg)
{
	char *p, *m;
	size_t n, dl;

	if (o->out_len + OUT_LINE_MAX + 40 > OUT_BUF)
		out_flush(o);
	p = o->out + o->out_len;
	if (o->utc) {
		uint64_t ns;

		if (o->have_clock && trace_clock_utc(&o->clock, ev->timestamp, &ns))
			cli_format_time(ns, p, 40);
		else
			strcpy(p, "-");
		p += strlen(p);
		*p++ = ' ';
	}
	if (ev->device && ev->device_len) {
		dl = ev->device_len < 63 ? ev->device_len : 63;
		memcpy(p, ev->device, dl);
	} else {
		const char *d = o->device[0] ? o->device : "-";

		dl = strlen(d);
		memcpy(p, d, dl);
	}
	p += dl;
	memcpy(p, " [0x", 4);
	p = put_hex(p + 4, ev->timestamp);
	*p++ = ']';
	*p++ = ' ';
	*p++ = ev->lost ? '1' : '0';
	memcpy(p, " [0x", 4);
	p = put_hex(p + 4, ev->event_id);
	*p++ = ']';
	*p++ = ' ';
	m = p;
	if (msg) {
		n = strlen(msg);
		memcpy(m, msg, n);
	} else {
		n = trace_event_render(ev, m, FW_LIMIT_TRACE_MESSAGE);
	}
	/* One line per message, always: a line break inside a firmware
	 * string would make line counts disagree with the history database. */
	if (memchr(m, '\n', n) || memchr(m, '\r', n))
		for (size_t i = 0; i < n; i++)
			if (m[i] == '\n' || m[i] == '\r')
				m[i] = ' ';
	p = m + n;
	*p++ = '\n';
	o->out_len = (size_t)(p - o->out);
}

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

	if (!(o->sources & (1u << ev->source)))
		return 0;
	if (o->once && trace_once_dup(o->once, ev))
		return 0;
	if (o->skip_bundle)
		return 0;
	if (o->have_since && ev->timestamp < o->since)
		return 0;
	if (o->have_until && ev->timestamp > o->until)
		return 0;
	if (!o->json.on && !o->chrome && !o->have_re) {
		/* The common case, straight into the output buffer. */
		put_line(o, ev, NULL);
		o->printed++;
		return o->out_err ? -o->out_err : 0;
	}
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
		bool fmt = ev->format != NULL;
		struct json_object *params = fmt ? json_object_new_array() : NULL;

		json_object_object_add(j, "bundle", json_object_new_string(o->d.uuid));
		json_object_object_add(j, "kind", json_object_new_string(kind));
		json_object_object_add(j, "pci", strcmp(dev, "-") ? json_object_new_string(dev) : NULL);
		/* 64-bit device time: a decimal string (fwbox(1) JSON OUTPUT). */
		json_object_object_add(j, "timestamp", cli_json_u64(ev->timestamp));
		{
			/* UTC from the bundle's clock anchor; null without one. */
			uint64_t ns = 0;

			if (!o->have_clock || !trace_clock_utc(&o->clock, ev->timestamp, &ns))
				ns = 0;
			cli_json_add_time(j, "time", ns);
		}
		json_object_object_add(j, "lost", json_object_new_boolean(ev->lost));
		json_object_object_add(j, "event_id", cli_json_int(ev->event_id));
		json_object_object_add(j, "message", json_object_new_string(msg));
		json_object_object_add(j, "source", json_object_new_string(trace_source_name(ev->source)));
		json_object_object_add(j, "tmsn", ring ? cli_json_int(ev->tmsn) : NULL);
		/* Is the format known (ring records; text and saved records a
		 * strings-DB format renders)? */
		json_object_object_add(j, "matched", json_object_new_boolean(fmt && !ev->unmatched));
		json_object_object_add(j, "format", fmt ? json_object_new_string(ev->format) : NULL);
		json_object_object_add(j, "format_ptr", fmt ? cli_json_int(ev->format_ptr) : NULL);
		json_object_object_add(j, "raw", fmt ? json_object_new_boolean(ev->raw) : NULL);
		for (unsigned i = 0; fmt && i < ev->nparams; i++)
			json_object_array_add(params, cli_json_int(ev->params[i]));
		json_object_object_add(j, "params", params);
		cli_json_emit(&o->json, j); /* firmware strings may be any bytes */
	} else {
		put_line(o, ev, msg);
	}
	o->printed++;
	return o->out_err ? -o->out_err : 0;
}

/* The first passes of the comparison of sources: note each message's
 * best source, printing nothing. */
static int on_note(void *ud, const char *kind, const struct trace_event *ev)
{
	struct trace_opts *o = ud;

	(void)kind;
	if (!(o->sources & (1u << ev->source)))
		return 0;
	return trace_once_note(o->once, ev, ev->source == TRACE_SOURCE_RING);
}

/* --source LIST: comma-separated ring, text, saved, or all. */
static int parse_sources(const char *arg, struct trace_opts *o)
{
	const char *p = arg;

	o->sources = 0;
	if (!strcmp(arg, "all")) {
		o->sources = ALL_SOURCES;
		o->all = true;
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < 3; i++)
			if (n == strlen(source_names[i]) && !strncmp(p, source_names[i], n))
				break;
		if (i == 3)
			return -EINVAL;
		o->sources |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	return o->sources ? 0 : -EINVAL;
}

/* The sources bundle b holds records of (non-empty artifacts), as a mask.
 * Saved traces live in the fw reporter's dump. */
static unsigned bundle_sources(struct bundle *b)
{
	unsigned m = 0;

	for (size_t i = 0; i < bundle_artifact_count(b); i++) {
		const struct bundle_artifact *a = bundle_artifact_at(b, i);

		if (!a->size || !a->kind)
			continue;
		if (!strcmp(a->kind, "trace.ring"))
			m |= 1u << TRACE_SOURCE_RING;
		else if (!strcmp(a->kind, "trace.text"))
			m |= 1u << TRACE_SOURCE_TEXT;
		else if (!strcmp(a->kind, "health.fw") || !strcmp(a->kind, "health.fw.after"))
			m |= 1u << TRACE_SOURCE_SAVED;
	}
	return m;
}

/*
 * The bundle's clock anchor (trace.clock), and --since/--until given as
 * times turned into its device ticks.  A bundle without an anchor that
 * converts has no UTC times: with times given, nothing of it is printed,
 * and a warning says why.
 */
static int load_clock(struct fw_ctx *ctx, struct bundle *b, const char *arg,
		      struct trace_opts *o)
{
	const struct bundle_artifact *a = bundle_find_kind(b, "trace.clock");
	void *data = NULL;
	size_t len = 0;
	char err[160];
	int r;

	o->have_clock = false;
	o->skip_bundle = false;
	if (a && a->size && a->outcome != BUNDLE_OUTCOME_FAILED &&
	    a->outcome != BUNDLE_OUTCOME_SKIPPED) {
		r = bundle_read_kind(b, "trace.clock", TRACE_CLOCK_MAX, &data, &len);
		if (r < 0)
			return fw_error_prefix(ctx, r, "'%s': trace.clock", arg);
		if (trace_clock_parse(data, len, &o->clock, err, sizeof(err)) < 0)
			cli_warn("trace", "'%s': %s; no UTC times for its messages", arg, err);
		else
			o->have_clock = true;
		free(data);
	}
	if (!o->since_time && !o->until_time)
		return 0;
	if (!o->have_clock || (o->since_time && !trace_clock_ticks(&o->clock, o->since_ns, &o->since)) ||
	    (o->until_time && !trace_clock_ticks(&o->clock, o->until_ns, &o->until))) {
		cli_warn("trace", "'%s' has no clock anchor with the device clock (trace.clock, "
			 "recorded by fwbox collect since schema 7): its messages have no UTC time, "
			 "so none is within --since/--until; give device timestamps instead", arg);
		o->skip_bundle = true;
		return 0;
	}
	o->have_since = o->since_time;
	o->have_until = o->until_time;
	return 0;
}

/*
 * Print the trace of one bundle (cli_decode's decode hook).  When the
 * selected sources of the bundle are more than one and copies are not
 * wanted, first note each message's best source: text and saved records,
 * then the ring's records of those messages (a long ring costs no memory),
 * printing nothing.  The lines go out at the end of each bundle; an
 * output that fails stops the run.
 */
static int print_bundle(struct cli_decode *d, struct fw_ctx *ctx, struct bundle *b,
			const char *only, const struct analyze_sink *sink)
{
	static const struct analyze_sink note_sink = { .trace = on_note };
	struct trace_opts *o = (struct trace_opts *)d;
	unsigned present;
	int r;

	o->device[0] = '\0';
	r = load_clock(ctx, b, d->path, o);
	if (r < 0)
		goto out;
	present = bundle_sources(b) & o->sources;
	if (!o->all && (present & (present - 1))) {
		r = trace_once_new(ctx, &o->once);
		if (r >= 0 && (present & ~(1u << TRACE_SOURCE_RING)))
			r = cli_decode_pass(ctx, d, b, "trace.text,health.", &note_sink);
		if (r >= 0 && (present & (1u << TRACE_SOURCE_RING)))
			r = cli_decode_pass(ctx, d, b, "trace.ring", &note_sink);
		if (r == -EOVERFLOW) {
			/* Too many to compare: every record, said once. */
			cli_warn("trace", "'%s': %s; printing every record of every source", d->path,
				 fw_ctx_errmsg(ctx));
			fw_ctx_clear_error(ctx);
			trace_once_free(o->once);
			o->once = NULL;
			r = 0;
		}
	}
	if (r >= 0)
		r = cli_decode_pass(ctx, d, b, only, sink);
out:
	trace_once_free(o->once);
	o->once = NULL;
	out_flush(o);
	if (o->out_err) {
		cli_warn("trace", "cannot write the output: %s", strerror(o->out_err));
		d->stop = true;
	}
	return r;
}

/* 0 on success, -EINVAL when not a number, -ERANGE when above 2^64-1:
 * the two deserve different messages. */
static int parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end || *s == '-')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	if (errno)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int time_error(const char *opt, const char *arg, int r)
{
	return cli_usage_error(&cli_verb_trace, "%s: '%s' is %s", opt, arg,
			       r == -ERANGE ? "out of range (at most 18446744073709551615)"
					    : "neither a device timestamp (decimal or 0x hex) nor a "
					      "time (2026-12-01, '2026-12-01 10:00[:SS]', "
					      "2026-12-01T10:00:00Z, @SECONDS, now, today, yesterday, "
					      "-1h, -30m, -2d, -10s)");
}

/* --since/--until: a device timestamp (digits, or 0x and hex digits), else
 * a time as cli_parse_time() reads it (UTC). */
static int parse_when(const char *s, uint64_t now, uint64_t *ret_ticks, uint64_t *ret_ns,
		      bool *ret_is_time)
{
	int r = parse_u64(s, ret_ticks);

	if (r == 0 || r == -ERANGE) {
		*ret_is_time = false;
		return r;
	}
	if (cli_parse_time(s, now, ret_ns) < 0)
		return -EINVAL;
	*ret_is_time = true;
	return 0;
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
		{ "source", required_argument, NULL, 'S' },
		{ "utc", no_argument, NULL, 'U' },
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
	uint64_t now = fw_now_ns();
	const char *since_arg = NULL, *until_arg = NULL;
	int c, r, status;

	memset(&o, 0, sizeof(o));
	o.d.verb = "trace";
	o.d.decode = print_bundle;
	o.sources = ALL_SOURCES;
	optind = 1;
	opterr = 0; /* one message, ours */
	while ((c = getopt_long(argc, argv, CLI_JSON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_json_option(&o.json, c))
			continue;
		if (c == CLI_OPT_DB) {
			cli_set_db(optarg);
			continue;
		}
		switch (c) {
		case 's':
			r = parse_when(optarg, now, &o.since, &o.since_ns, &o.since_time);
			if (r < 0)
				goto bad_since;
			o.have_since = !o.since_time;
			since_arg = optarg;
			break;
		case 'u':
			r = parse_when(optarg, now, &o.until, &o.until_ns, &o.until_time);
			if (r < 0)
				goto bad_until;
			o.have_until = !o.until_time;
			until_arg = optarg;
			break;
		case 'U':
			o.utc = true;
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
		case 'S':
			if (parse_sources(optarg, &o) < 0) {
				if (o.have_re)
					regfree(&o.re);
				return cli_usage_error(&cli_verb_trace,
						       "--source: '%s' is not 'all' or a comma-separated "
						       "list of ring, text, saved", optarg);
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
	if ((o.since_time && o.until_time && o.since_ns > o.until_ns) ||
	    (o.have_since && o.have_until && o.since > o.until)) {
		if (o.have_re)
			regfree(&o.re);
		return cli_usage_error(&cli_verb_trace,
				       "--since %s is after --until %s: nothing could match",
				       since_arg, until_arg);
	}
	o.out = malloc(OUT_BUF);
	if (!o.out) {
		if (o.have_re)
			regfree(&o.re);
		cli_warn("trace", "out of memory");
		return CLI_EXIT_FAILURE;
	}
	cli_catch_signals(ctx);
	/* A Chrome trace is one document of one bundle (its clock, its UUID). */
	if (chrome && argc - optind != 1) {
		if (o.have_re)
			regfree(&o.re);
		free(o.out);
		return cli_usage_error(&cli_verb_trace, "--format chrome writes one trace of one "
				       "bundle: give one BUNDLE");
	}
	if (chrome && report_chrome_open(ctx, argv[optind], 0, stdout, &o.chrome) < 0) {
		if (o.have_re)
			regfree(&o.re);
		free(o.out);
		return cli_error(ctx, "trace");
	}
	o.json.on = o.json.on && !chrome;
	cli_decode_bundles(ctx, &o.d, argv + optind, argc - optind, "trace.,health.", &sink, &t);
	free(o.out);
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
	.usage = "Usage: fwbox trace [--since T] [--until T] [--utc] [--grep RE] [--source LIST]\n"
		 "                   [--db PATH] [-j|--json] [-p|--pretty] [--format FMT] BUNDLE...\n"
		 "\n"
		 "Print every firmware trace message of each BUNDLE (raw tracer ring decoded with\n"
		 "its strings database, tracefs mlx5_fw lines, devlink fw reporter saved\n"
		 "traces), one line each in the kernel tracepoint's layout:\n"
		 "  <pci> [0x<timestamp>] <lost> [0x<event_id>] <message>\n"
		 "A message that several sources hold is printed once, from the ring, else\n"
		 "from the tracefs text, else from the saved traces.\n"
		 "\n"
		 "Options:\n"
		 "  --source LIST only these sources: comma-separated ring, text, saved;\n"
		 "               'all' prints every record of every source, copies too\n"
		 "  --since T    only messages at or after T: a device timestamp (decimal or\n"
		 "               0x hex), or a UTC time (2026-12-01, '2026-12-01 10:00',\n"
		 "               ISO 8601, @SECONDS, now, today, yesterday, -1h, -30m, -2d)\n"
		 "               through the bundle's clock anchor (trace.clock)\n"
		 "  --until T    only messages at or before T, the same way\n"
		 "  --utc        begin each text line with the message's UTC time ('-' when\n"
		 "               the bundle has no clock anchor)\n"
		 "  --grep RE    only messages matching the extended regular expression RE\n"
		 "  --db PATH    history for UUID arguments (fwbox(1) CAPTURES)\n"
		 "  -j, --json   one JSON object per message, one a line (fields: fwbox-trace(1))\n"
		 "  -p, --pretty indented JSON; implies --json\n"
		 "  --format FMT text (the default), json (as --json), or chrome: Chrome\n"
		 "               trace-event JSON for Perfetto and chrome://tracing (one BUNDLE)\n"
		 "  -h, --help   show this help\n",
	.run = run,
};
