/* SPDX-License-Identifier: MIT */
/* trace-clock: the clock anchor of a bundle (see trace-clock.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "trace-clock.h"

enum key_type { KEY_U64, KEY_U32, KEY_NAME };

static const struct {
	const char *name;
	enum key_type type;
	size_t off;
} keys[] = {
	{ "device_ts", KEY_U64, offsetof(struct trace_clock, device_ts) },
	{ "device_khz", KEY_U32, offsetof(struct trace_clock, device_khz) },
	{ "realtime_ns", KEY_U64, offsetof(struct trace_clock, realtime_ns) },
	{ "monotonic_ns", KEY_U64, offsetof(struct trace_clock, monotonic_ns) },
	{ "monotonic_raw_ns", KEY_U64, offsetof(struct trace_clock, monotonic_raw_ns) },
	{ "boottime_ns", KEY_U64, offsetof(struct trace_clock, boottime_ns) },
	{ "tai_ns", KEY_U64, offsetof(struct trace_clock, tai_ns) },
	{ "uncertainty_ns", KEY_U64, offsetof(struct trace_clock, uncertainty_ns) },
	{ "tracefs_clock", KEY_NAME, offsetof(struct trace_clock, tracefs_clock) },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static int bad(char *err, size_t errlen, unsigned line, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "trace.clock line %u: %s", line, what);
	return -EBADMSG;
}

/* A decimal number of the whole of [p, end): digits only, no sign. */
static bool parse_dec(const char *p, const char *end, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (p == end || end - p > 20)
		return false;
	for (; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (d > 9 || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

int trace_clock_parse(const void *data, size_t len, struct trace_clock *ret, char *err,
		      size_t errlen)
{
	const char *p = data, *end = p + len;
	struct trace_clock c;
	unsigned seen = 0, line = 0;

	memset(&c, 0, sizeof(c));
	if (len > TRACE_CLOCK_MAX)
		return bad(err, errlen, 0, "larger than 4096 bytes: not a clock anchor");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *sp;
		size_t klen, i;
		uint64_t v;

		line++;
		if ((size_t)(le - p) > TRACE_CLOCK_MAX_LINE)
			return bad(err, errlen, line, "line longer than 256 bytes");
		if (memchr(p, '\0', (size_t)(le - p)))
			return bad(err, errlen, line, "NUL byte in the text");
		sp = memchr(p, ' ', (size_t)(le - p));
		if (line == 1) {
			if (!sp || (size_t)(sp - p) != strlen(TRACE_CLOCK_MAGIC) ||
			    memcmp(p, TRACE_CLOCK_MAGIC, (size_t)(sp - p)))
				return bad(err, errlen, line, "does not begin with 'fwbox-trace-clock'");
			if (!parse_dec(sp + 1, le, 1000, &v) || v == 0)
				return bad(err, errlen, line, "bad version number");
			c.version = (unsigned)v;
			p = nl ? nl + 1 : end;
			continue;
		}
		if (le == p) {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (!sp)
			return bad(err, errlen, line, "not 'key value'");
		klen = (size_t)(sp - p);
		for (i = 0; i < NKEYS; i++)
			if (klen == strlen(keys[i].name) && !memcmp(p, keys[i].name, klen))
				break;
		if (i == NKEYS) {
			/* A key of a newer fwbox. */
			p = nl ? nl + 1 : end;
			continue;
		}
		if (seen & (1u << i))
			return bad(err, errlen, line, "key given twice");
		seen |= 1u << i;
		switch (keys[i].type) {
		case KEY_U64:
			if (!parse_dec(sp + 1, le, UINT64_MAX, &v))
				return bad(err, errlen, line, "value is not a decimal number");
			memcpy((char *)&c + keys[i].off, &v, sizeof(v));
			if (keys[i].off == offsetof(struct trace_clock, device_ts))
				c.have_device = true;
			break;
		case KEY_U32: {
			uint32_t v32;

			if (!parse_dec(sp + 1, le, UINT32_MAX, &v))
				return bad(err, errlen, line, "value is not a decimal number below 2^32");
			v32 = (uint32_t)v;
			memcpy((char *)&c + keys[i].off, &v32, sizeof(v32));
			break;
		}
		case KEY_NAME: {
			size_t n = (size_t)(le - sp - 1);

			if (n == 0 || n >= sizeof(c.tracefs_clock))
				return bad(err, errlen, line, "clock name empty or longer than 31 bytes");
			for (size_t k = 0; k < n; k++) {
				char ch = sp[1 + k];

				if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
				      ch == '-'))
					return bad(err, errlen, line, "clock name is not [a-z0-9_-]");
			}
			memcpy(c.tracefs_clock, sp + 1, n);
			c.tracefs_clock[n] = '\0';
			break;
		}
		}
		p = nl ? nl + 1 : end;
	}
	if (!c.version)
		return bad(err, errlen, line, "empty: no 'fwbox-trace-clock' line");
	*ret = c;
	return 0;
}

size_t trace_clock_format(const struct trace_clock *c, char *buf, size_t len)
{
	char dev[64] = "";
	int n;

	if (c->have_device)
		snprintf(dev, sizeof(dev), "device_ts %" PRIu64 "\n", c->device_ts);
	n = snprintf(buf, len,
		     TRACE_CLOCK_MAGIC " %u\n%sdevice_khz %" PRIu32 "\nrealtime_ns %" PRIu64
		     "\nmonotonic_ns %" PRIu64 "\nmonotonic_raw_ns %" PRIu64 "\nboottime_ns %" PRIu64
		     "\ntai_ns %" PRIu64 "\nuncertainty_ns %" PRIu64 "\n%s%s%s",
		     c->version ? c->version : TRACE_CLOCK_VERSION, dev, c->device_khz, c->realtime_ns,
		     c->monotonic_ns, c->monotonic_raw_ns, c->boottime_ns, c->tai_ns, c->uncertainty_ns,
		     c->tracefs_clock[0] ? "tracefs_clock " : "", c->tracefs_clock,
		     c->tracefs_clock[0] ? "\n" : "");
	return n < 0 ? 0 : (size_t)n;
}

/* realtime_ns + delta_ns rounded to the nearest ns, half away from zero
 * as SQL's round() in the history's utc_ns, within 1970..2^64-1 ns
 * (2554). */
static bool add_offset(uint64_t base, double delta_ns, uint64_t *ret)
{
	if (delta_ns >= 0) {
		if (delta_ns + 0.5 >= (double)(UINT64_MAX - base))
			return false;
		*ret = base + (uint64_t)(delta_ns + 0.5);
	} else {
		if (-delta_ns + 0.5 > (double)base)
			return false;
		*ret = base - (uint64_t)(-delta_ns + 0.5);
	}
	return true;
}

bool trace_clock_utc(const struct trace_clock *c, uint64_t ts, uint64_t *ret_ns)
{
	double ticks;

	if (!c || !c->have_device || !c->device_khz || !c->realtime_ns)
		return false;
	/* Ticks from the anchor as a signed difference; a double keeps the
	 * nanosecond for offsets up to months (2^53 ns), far beyond the
	 * clock's own error. */
	ticks = ts >= c->device_ts ? (double)(ts - c->device_ts) : -(double)(c->device_ts - ts);
	return add_offset(c->realtime_ns, ticks * 1e6 / (double)c->device_khz, ret_ns);
}

bool trace_clock_ticks(const struct trace_clock *c, uint64_t utc_ns, uint64_t *ret_ts)
{
	double ns, t;

	if (!c || !c->have_device || !c->device_khz || !c->realtime_ns)
		return false;
	ns = utc_ns >= c->realtime_ns ? (double)(utc_ns - c->realtime_ns)
				      : -(double)(c->realtime_ns - utc_ns);
	t = (double)c->device_ts + ns * (double)c->device_khz / 1e6;
	if (t <= 0)
		*ret_ts = 0;
	else if (t >= 9223372036854775807.0)
		*ret_ts = INT64_MAX;
	else
		*ret_ts = (uint64_t)t;
	return true;
}

bool trace_clock_host_utc(const struct trace_clock *c, uint64_t host_ns, uint64_t *ret_ns)
{
	static const char *const mono[] = { "mono", "local", "global", "perf" };
	uint64_t ref = 0;
	const char *name;

	if (!c || !c->realtime_ns)
		return false;
	name = c->tracefs_clock;
	for (size_t i = 0; i < sizeof(mono) / sizeof(mono[0]); i++)
		if (!strcmp(name, mono[i]))
			ref = c->monotonic_ns;
	if (!strcmp(name, "mono_raw"))
		ref = c->monotonic_raw_ns;
	else if (!strcmp(name, "boot"))
		ref = c->boottime_ns;
	if (!strcmp(name, "tai")) {
		/* TAI is UTC plus the leap seconds of the anchor. */
		if (!c->tai_ns || c->tai_ns < c->realtime_ns)
			return false;
		if (host_ns < c->tai_ns - c->realtime_ns)
			return false;
		*ret_ns = host_ns - (c->tai_ns - c->realtime_ns);
		return true;
	}
	if (!ref)
		return false;
	return add_offset(c->realtime_ns,
			  host_ns >= ref ? (double)(host_ns - ref) : -(double)(ref - host_ns), ret_ns);
}
