/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace-clock: the clock anchor a bundle's "trace.clock" artifact holds,
 * and the wall-clock (UTC) time of a trace event from it.  Bytes in,
 * numbers out; no I/O.
 *
 * The firmware stamps trace events with its free-running device clock
 * (ticks at hca.caps.GENERAL device_frequency_khz, the same counter MTRC_CTRL
 * reports as current_timestamp); the kernel's tracefs lines also carry the
 * host time of the tracefs clock in use (/sys/kernel/tracing/trace_clock).
 * At collection fwbox reads MTRC_CTRL between two host clock readings, so a
 * device tick is paired with CLOCK_REALTIME, CLOCK_MONOTONIC,
 * CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME and CLOCK_TAI of the same instant
 * (the midpoint; half the span of the two readings is the uncertainty).
 *
 * The artifact is text, one "key value" a line:
 *
 *   fwbox-trace-clock 1
 *   device_ts 1234567890          device ticks at the anchor
 *   device_khz 1000000            the device clock, kHz (0: unknown)
 *   realtime_ns 1765000000123456789
 *   monotonic_ns 12345678901
 *   monotonic_raw_ns 12345670000
 *   boottime_ns 12345678901
 *   tai_ns 1765000037123456789
 *   uncertainty_ns 4200
 *   tracefs_clock local           the bracketed name of trace_clock
 *
 * Keys this version does not know are ignored (a newer fwbox may add
 * some); a key given twice, a value that is not a number, a line longer
 * than TRACE_CLOCK_MAX_LINE or a file larger than TRACE_CLOCK_MAX is an
 * error.  Absent keys stay 0 / "".
 *
 * Precision of trace_clock_utc(): the anchor's uncertainty plus the
 * device clock's rate error over the distance from the anchor (the
 * crystal's tolerance, tens of ppm: about 0.1 s an hour away), and
 * CLOCK_REALTIME's own (NTP) error.  trace_clock_host_utc() for a tracefs
 * host time: the anchor's uncertainty for the mono, mono_raw, boot and tai
 * clocks; for local, global and perf (sched_clock, not CLOCK_MONOTONIC)
 * also their drift from CLOCK_MONOTONIC, usually under a millisecond on a
 * host with a stable TSC; none for counter, uptime and x86-tsc.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_CLOCK_MAGIC "fwbox-trace-clock"
#define TRACE_CLOCK_VERSION 1u
#define TRACE_CLOCK_MAX 4096u        /* bytes of the artifact */
#define TRACE_CLOCK_MAX_LINE 256u    /* bytes of one line */

struct trace_clock {
	unsigned version;
	bool have_device;            /* device_ts given */
	uint64_t device_ts;
	uint32_t device_khz;
	uint64_t realtime_ns, monotonic_ns, monotonic_raw_ns, boottime_ns, tai_ns;
	uint64_t uncertainty_ns;
	char tracefs_clock[32];
};

/* Parse the artifact.  0, or -EBADMSG with a message in err (what and
 * which line). */
int trace_clock_parse(const void *data, size_t len, struct trace_clock *ret, char *err,
		      size_t errlen);

/* Write the artifact's text into buf; the length, or the size it needs
 * (snprintf's rule). */
size_t trace_clock_format(const struct trace_clock *c, char *buf, size_t len);

/* The UTC time (ns since the epoch) of device tick ts: false when the
 * anchor lacks the device tick, the clock rate or the realtime reading, or
 * the result falls outside 1970..2554. */
bool trace_clock_utc(const struct trace_clock *c, uint64_t ts, uint64_t *ret_ns);

/* The UTC time of a tracefs host time (ns of the anchor's tracefs_clock):
 * false when that clock cannot be converted (see above). */
bool trace_clock_host_utc(const struct trace_clock *c, uint64_t host_ns, uint64_t *ret_ns);

/* The device tick of UTC time utc_ns (the inverse of trace_clock_utc()),
 * clamped to 0..2^63-1: false when the anchor cannot convert. */
bool trace_clock_ticks(const struct trace_clock *c, uint64_t utc_ns, uint64_t *ret_ts);
