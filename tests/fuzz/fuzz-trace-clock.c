/* SPDX-License-Identifier: MIT */
/*
 * fuzz-trace-clock: the clock anchor parser (parsers/trace-clock.c) on any
 * bytes.  What parses must format and parse back to the same anchor, and
 * the conversions must not trap on any values.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace-clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_clock c, d;
	char err[128], buf[TRACE_CLOCK_MAX];
	uint64_t ns, ts;
	size_t n;

	if (trace_clock_parse(data, size, &c, err, sizeof(err)) < 0)
		return 0;
	n = trace_clock_format(&c, buf, sizeof(buf));
	if (n >= sizeof(buf) || trace_clock_parse(buf, n, &d, err, sizeof(err)) < 0)
		abort();
	if (d.have_device != c.have_device || d.device_ts != c.device_ts ||
	    d.device_khz != c.device_khz || d.realtime_ns != c.realtime_ns ||
	    strcmp(d.tracefs_clock, c.tracefs_clock))
		abort();
	(void)trace_clock_utc(&c, c.device_ts ^ 0x5555555555ull, &ns);
	(void)trace_clock_utc(&c, UINT64_MAX, &ns);
	(void)trace_clock_ticks(&c, UINT64_MAX, &ts);
	(void)trace_clock_ticks(&c, 0, &ts);
	(void)trace_clock_host_utc(&c, c.monotonic_ns + 12345, &ns);
	(void)trace_clock_host_utc(&c, 0, &ns);
	return 0;
}
