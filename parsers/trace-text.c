/* SPDX-License-Identifier: MIT */
/*
 * trace-text: the parsers of rendered trace text (trace-text.h): tracefs
 * mlx5_fw lines with any ftrace prefix, mstfwtrace output, iproute2's text
 * of saved traces, and the devlink saved traces themselves.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "trace.h"
#include "trace-internal.h"

static const char *memfind(const char *h, size_t hl, const char *n)
{
	return memmem(h, hl, n, strlen(n));
}

static bool parse_hex(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	int n = 0;

	while (p < end && n < 16) {
		char c = *p;
		unsigned dv;

		if (c >= '0' && c <= '9')
			dv = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			dv = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			dv = (unsigned)(c - 'A' + 10);
		else
			break;
		v = (v << 4) | dv;
		p++;
		n++;
	}
	if (!n)
		return false;
	*pp = p;
	*ret = v;
	return true;
}

static bool expect(const char **pp, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *pp) < n || memcmp(*pp, s, n) != 0)
		return false;
	*pp += n;
	return true;
}

/* "SECONDS.FRACTION" as printed by ftrace's clocks (local, global, mono,
 * boot, tai: microseconds; some set-ups print nanoseconds). */
static bool parse_host_time(const char *p, const char *end, uint64_t *ret_ns)
{
	uint64_t sec = 0, frac = 0, scale = 1000000000ull;
	int nd = 0, nf = 0;

	for (; p < end && *p >= '0' && *p <= '9'; p++, nd++) {
		if (nd >= 12)
			return false;
		sec = sec * 10 + (uint64_t)(*p - '0');
	}
	if (!nd || p == end || *p != '.')
		return false;
	for (p++; p < end && *p >= '0' && *p <= '9'; p++, nf++) {
		if (nf >= 9)
			return false;
		frac = frac * 10 + (uint64_t)(*p - '0');
		scale /= 10;
	}
	if (!nf || p != end)
		return false;
	*ret_ns = sec * 1000000000ull + frac * scale;
	return true;
}

/* The part every rendering shares: "[0x<ts>] <lost> [0x<event_id>] <msg>",
 * at p.  ts_any: the timestamp may also be mstfwtrace's --real_ts
 * "[HH:MM:SS:NNNNNNNNN]", taken as nanoseconds. */
static bool parse_fields(const char *p, const char *end, bool ts_any, struct trace_event *ev)
{
	uint64_t ts = 0, eid;
	bool lost;

	if (expect(&p, end, "[0x")) {
		if (!parse_hex(&p, end, &ts))
			return false;
	} else if (ts_any && expect(&p, end, "[")) {
		/* hh:mm:ss:nsec, each field decimal */
		uint64_t f[4] = { 0 };

		for (int k = 0; k < 4; k++) {
			int nd = 0;

			if (k && !expect(&p, end, ":"))
				return false;
			for (; p < end && *p >= '0' && *p <= '9' && nd < 12; p++, nd++)
				f[k] = f[k] * 10 + (uint64_t)(*p - '0');
			if (!nd)
				return false;
		}
		ts = ((f[0] * 60 + f[1]) * 60 + f[2]) * 1000000000ull + f[3];
	} else {
		return false;
	}
	if (!expect(&p, end, "] "))
		return false;
	if (p < end && (*p == '0' || *p == '1'))
		lost = *p++ == '1';
	else
		return false;
	if (!expect(&p, end, " [0x") || !parse_hex(&p, end, &eid) || eid > 0xff ||
	    !expect(&p, end, "]"))
		return false;
	if (p < end && *p == ' ')
		p++;
	ev->timestamp = ts;
	ev->lost = lost;
	ev->event_id = (uint8_t)eid;
	/* text points at the rest of the line; the caller NUL-terminates. */
	ev->text = p;
	return true;
}

static bool parse_dec(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	int n = 0;

	for (; p < end && *p >= '0' && *p <= '9' && n < 20; p++, n++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (!n)
		return false;
	*pp = p;
	*ret = v;
	return true;
}

/* iproute2's text of a saved trace (`devlink health dump show ... reporter
 * fw`): "timestamp: N lost: true|false event_id: N msg: TEXT". */
static int parse_saved_text(const char *p, const char *end, struct trace_event *ev)
{
	uint64_t ts, eid;
	bool lost;

	if (!expect(&p, end, "timestamp: ") || !parse_dec(&p, end, &ts) || !expect(&p, end, " lost: "))
		return -EBADMSG;
	if (expect(&p, end, "true"))
		lost = true;
	else if (expect(&p, end, "false"))
		lost = false;
	else
		return -EBADMSG;
	if (!expect(&p, end, " event_id: ") || !parse_dec(&p, end, &eid) || eid > 0xff ||
	    !expect(&p, end, " msg:"))
		return -EBADMSG;
	if (p < end && *p == ' ')
		p++;
	memset(ev, 0, sizeof(*ev));
	ev->source = TRACE_SOURCE_SAVED;
	ev->timestamp = ts;
	ev->lost = lost;
	ev->event_id = (uint8_t)eid;
	ev->text = p;
	return 1;
}

int trace_parse_text_line(const char *line, size_t len, struct trace_event *ev)
{
	const char *end, *p, *dev, *tag;
	size_t taglen;
	struct trace_event e;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	end = line + len;
	if (!len || line[0] == '#')
		return 0;
	memset(&e, 0, sizeof(e));
	e.source = TRACE_SOURCE_TEXT;
	taglen = strlen("mlx5_fw: ");
	tag = memfind(line, len, "mlx5_fw: ");
	if (!tag) {
		taglen = strlen("fw_tracer: ");
		tag = memfind(line, len, "fw_tracer: ");
	}
	if (tag) {
		/* ftrace's context ends "<time>: " before the event name; the
		 * task, CPU and flag columns in front vary with trace_options. */
		const char *te = tag, *ts;

		if (te - line >= 2 && te[-1] == ' ' && te[-2] == ':') {
			te -= 2;
			for (ts = te; ts > line && ts[-1] != ' '; ts--)
				;
			e.have_host_ns = parse_host_time(ts, te, &e.host_ns);
		}
		p = tag + taglen;
	} else {
		for (p = line; p < end && *p == ' '; p++)
			;
		if ((size_t)(end - p) >= strlen("timestamp: ") &&
		    !memcmp(p, "timestamp: ", strlen("timestamp: ")))
			return parse_saved_text(p, end, ev);
		if (p < end && *p == '[') {
			/* mstfwtrace: the device name stripped. */
			if (!parse_fields(p, end, true, &e))
				return 0;
			*ev = e;
			return 1;
		}
		if (line[0] == ' ')
			return 0;
		p = line;
	}
	dev = p;
	while (p < end && *p != ' ')
		p++;
	if (p == dev || p == end || !parse_fields(p + 1, end, false, &e))
		return tag ? -EBADMSG : 0;
	e.device = dev;
	e.device_len = (size_t)(p - dev);
	*ev = e;
	return 1;
}

struct trace_text {
	struct fw_ctx *ctx;
	trace_event_fn fn;
	trace_problem_fn problem;
	void *ud;
	char *line;
	size_t len;
	bool overlong;
	uint64_t off;       /* offset of the current line's start */
	uint64_t pos;       /* input bytes seen */
	uint64_t count;
	uint64_t lines;
};

int trace_text_new(struct fw_ctx *ctx, trace_event_fn fn, trace_problem_fn problem_fn,
		   void *userdata, struct trace_text **ret)
{
	struct trace_text *t = calloc(1, sizeof(*t));

	if (!t)
		return fw_error(ctx, -ENOMEM, "trace text: out of memory");
	t->line = malloc(FW_LIMIT_TEXT_LINE + 1);
	if (!t->line) {
		free(t);
		return fw_error(ctx, -ENOMEM, "trace text: out of memory");
	}
	t->ctx = ctx;
	t->fn = fn;
	t->problem = problem_fn;
	t->ud = userdata;
	*ret = t;
	return 0;
}

void trace_text_free(struct trace_text *t)
{
	if (!t)
		return;
	free(t->line);
	free(t);
}

uint64_t trace_text_count(const struct trace_text *t)
{
	return t->count;
}

static int text_line_done(struct trace_text *t)
{
	struct trace_event ev;
	char msg[160];
	int r = 0;

	t->lines++;
	if (t->overlong) {
		if (t->problem) {
			snprintf(msg, sizeof(msg),
				 "trace text line %llu is longer than FW_LIMIT_TEXT_LINE, skipping",
				 (unsigned long long)t->lines);
			t->problem(t->ud, t->off, -EOVERFLOW, msg);
		}
		goto out;
	}
	t->line[t->len] = '\0';
	r = trace_parse_text_line(t->line, t->len, &ev);
	if (r < 0) {
		if (t->problem) {
			snprintf(msg, sizeof(msg), "trace text line %llu is not a valid mlx5_fw line, skipping",
				 (unsigned long long)t->lines);
			t->problem(t->ud, t->off, r, msg);
		}
		r = 0;
		goto out;
	}
	if (r == 1) {
		/* Strip the line end from the message. */
		size_t n = strlen(ev.text);
		char *m = (char *)ev.text;

		while (n && (m[n - 1] == '\n' || m[n - 1] == '\r'))
			m[--n] = '\0';
		ev.offset = t->off;
		ev.seq = t->count++;
		r = t->fn ? t->fn(t->ud, &ev) : 0;
	}
out:
	t->len = 0;
	t->overlong = false;
	return r < 0 ? r : 0;
}

int trace_text_feed(struct trace_text *t, const void *data, size_t len)
{
	const char *p = data;
	size_t i;
	int r;

	for (i = 0; i < len; i++) {
		t->pos++;
		if (p[i] == '\n') {
			r = text_line_done(t);
			t->off = t->pos;
			if (r < 0)
				return r;
			continue;
		}
		if (t->len < FW_LIMIT_TEXT_LINE)
			t->line[t->len++] = p[i];
		else
			t->overlong = true;
	}
	return 0;
}

int trace_text_finish(struct trace_text *t)
{
	if (t->len || t->overlong)
		return text_line_done(t);
	return 0;
}

void trace_event_from_saved(struct trace_event *ev, uint64_t index, uint64_t timestamp,
			    bool lost, uint8_t event_id, const char *msg)
{
	memset(ev, 0, sizeof(*ev));
	ev->source = TRACE_SOURCE_SAVED;
	ev->offset = index;
	ev->seq = index;
	ev->timestamp = timestamp;
	ev->lost = lost;
	ev->event_id = event_id;
	ev->text = msg ? msg : "";
}
