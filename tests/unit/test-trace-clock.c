/* SPDX-License-Identifier: MIT */
/*
 * test-trace-clock: the clock anchor of a bundle (parsers/trace-clock.c):
 * its text round-trips, bad text is refused with the line named, and
 * device ticks and tracefs host times convert to UTC as trace-clock.h
 * says.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "trace-clock.h"

/* 2026-12-01T10:00:00Z */
#define T0 1764583200000000000ull

static struct trace_clock anchor(void)
{
	struct trace_clock c = { 0 };

	c.version = 1;
	c.have_device = true;
	c.device_ts = 5000000000ull;        /* 5 s at 1 GHz */
	c.device_khz = 1000000;
	c.realtime_ns = T0;
	c.monotonic_ns = 700000000000ull;   /* 700 s since boot */
	c.monotonic_raw_ns = 699000000000ull;
	c.boottime_ns = 710000000000ull;
	c.tai_ns = T0 + 37000000000ull;
	c.uncertainty_ns = 1500;
	strcpy(c.tracefs_clock, "local");
	return c;
}

START_TEST(test_roundtrip)
{
	struct trace_clock c = anchor(), d;
	char buf[TRACE_CLOCK_MAX], err[128];
	size_t n = trace_clock_format(&c, buf, sizeof(buf));

	ck_assert_uint_lt(n, sizeof(buf));
	ck_assert_int_eq(trace_clock_parse(buf, n, &d, err, sizeof(err)), 0);
	ck_assert(d.have_device);
	ck_assert_uint_eq(d.device_ts, c.device_ts);
	ck_assert_uint_eq(d.device_khz, c.device_khz);
	ck_assert_uint_eq(d.realtime_ns, c.realtime_ns);
	ck_assert_uint_eq(d.monotonic_ns, c.monotonic_ns);
	ck_assert_uint_eq(d.monotonic_raw_ns, c.monotonic_raw_ns);
	ck_assert_uint_eq(d.boottime_ns, c.boottime_ns);
	ck_assert_uint_eq(d.tai_ns, c.tai_ns);
	ck_assert_uint_eq(d.uncertainty_ns, c.uncertainty_ns);
	ck_assert_str_eq(d.tracefs_clock, "local");
	/* Without a device tick the line is left out, and the parse says so. */
	c.have_device = false;
	n = trace_clock_format(&c, buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "device_ts"));
	ck_assert_int_eq(trace_clock_parse(buf, n, &d, err, sizeof(err)), 0);
	ck_assert(!d.have_device);
}
END_TEST

START_TEST(test_unknown_keys_and_blank_lines)
{
	static const char text[] = "fwbox-trace-clock 2\n\nfuture_key what ever\n"
				   "device_ts 10\ndevice_khz 1000\nrealtime_ns 1000000000\n";
	struct trace_clock c;
	uint64_t ns;

	ck_assert_int_eq(trace_clock_parse(text, strlen(text), &c, NULL, 0), 0);
	ck_assert_uint_eq(c.version, 2);
	ck_assert(trace_clock_utc(&c, 11, &ns));
	ck_assert_uint_eq(ns, 1000001000ull); /* one tick at 1 MHz: 1 us */
}
END_TEST

START_TEST(test_bad)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "", "no 'fwbox-trace-clock' line" },
		{ "fwbox-trace-clocks 1\n", "does not begin" },
		{ "fwbox-trace-clock x\n", "bad version" },
		{ "fwbox-trace-clock 0\n", "bad version" },
		{ "fwbox-trace-clock 1\ndevice_ts 1\ndevice_ts 2\n", "line 3: key given twice" },
		{ "fwbox-trace-clock 1\ndevice_ts -1\n", "line 2: value is not" },
		{ "fwbox-trace-clock 1\ndevice_ts 18446744073709551616\n", "not a decimal" },
		{ "fwbox-trace-clock 1\ndevice_khz 4294967296\n", "below 2^32" },
		{ "fwbox-trace-clock 1\ndevice_ts\n", "not 'key value'" },
		{ "fwbox-trace-clock 1\ntracefs_clock x86 tsc\n", "not [a-z0-9_-]" },
		{ "fwbox-trace-clock 1\ntracefs_clock \n", "empty or longer" },
	};
	struct trace_clock c;
	char err[128], big[TRACE_CLOCK_MAX + 2];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(trace_clock_parse(cases[i].text, strlen(cases[i].text), &c, err,
						   sizeof(err)),
				 -EBADMSG);
		ck_assert_msg(strstr(err, cases[i].msg), "case %zu: '%s'", i, err);
	}
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(trace_clock_parse(big, sizeof(big), &c, err, sizeof(err)), -EBADMSG);
	ck_assert_int_eq(trace_clock_parse("fwbox-trace-clock 1\nrealtime_ns 1\0", 35, &c, err,
					   sizeof(err)),
			 -EBADMSG);
}
END_TEST

START_TEST(test_utc)
{
	struct trace_clock c = anchor();
	uint64_t ns, ts;

	/* The anchor itself, then 1.5 s after and 2 s before. */
	ck_assert(trace_clock_utc(&c, c.device_ts, &ns));
	ck_assert_uint_eq(ns, T0);
	ck_assert(trace_clock_utc(&c, c.device_ts + 1500000000ull, &ns));
	ck_assert_uint_eq(ns, T0 + 1500000000ull);
	ck_assert(trace_clock_utc(&c, c.device_ts - 2000000000ull, &ns));
	ck_assert_uint_eq(ns, T0 - 2000000000ull);
	/* A 156.25 MHz clock (ConnectX-5): 156250 ticks are 1 ms. */
	c.device_khz = 156250;
	ck_assert(trace_clock_utc(&c, c.device_ts + 156250, &ns));
	ck_assert_uint_eq(ns, T0 + 1000000ull);
	ck_assert(trace_clock_ticks(&c, T0 + 1000000ull, &ts));
	ck_assert_uint_eq(ts, c.device_ts + 156250);
	/* Far before the epoch: no time, and ticks clamp at 0. */
	ck_assert(!trace_clock_utc(&c, 0, &ns) || ns < T0);
	ck_assert(trace_clock_ticks(&c, 0, &ts));
	ck_assert_uint_eq(ts, 0);
	/* Nothing to convert with. */
	c.device_khz = 0;
	ck_assert(!trace_clock_utc(&c, c.device_ts, &ns));
	ck_assert(!trace_clock_ticks(&c, T0, &ts));
	c = anchor();
	c.have_device = false;
	ck_assert(!trace_clock_utc(&c, 1, &ns));
	ck_assert(!trace_clock_utc(NULL, 1, &ns));
}
END_TEST

START_TEST(test_host_utc)
{
	struct trace_clock c = anchor();
	uint64_t ns;

	/* local (sched_clock) is read as CLOCK_MONOTONIC. */
	ck_assert(trace_clock_host_utc(&c, 701000000000ull, &ns));
	ck_assert_uint_eq(ns, T0 + 1000000000ull);
	strcpy(c.tracefs_clock, "mono");
	ck_assert(trace_clock_host_utc(&c, 699000000000ull, &ns));
	ck_assert_uint_eq(ns, T0 - 1000000000ull);
	strcpy(c.tracefs_clock, "mono_raw");
	ck_assert(trace_clock_host_utc(&c, 699000000000ull, &ns));
	ck_assert_uint_eq(ns, T0);
	strcpy(c.tracefs_clock, "boot");
	ck_assert(trace_clock_host_utc(&c, 711000000000ull, &ns));
	ck_assert_uint_eq(ns, T0 + 1000000000ull);
	strcpy(c.tracefs_clock, "tai");
	ck_assert(trace_clock_host_utc(&c, T0 + 38000000000ull, &ns));
	ck_assert_uint_eq(ns, T0 + 1000000000ull);
	/* Clocks with no wall-clock relation. */
	strcpy(c.tracefs_clock, "counter");
	ck_assert(!trace_clock_host_utc(&c, 1, &ns));
	strcpy(c.tracefs_clock, "x86-tsc");
	ck_assert(!trace_clock_host_utc(&c, 1, &ns));
	c.tracefs_clock[0] = '\0';
	ck_assert(!trace_clock_host_utc(&c, 1, &ns));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("trace-clock");
	TCase *tc = tcase_create("trace-clock");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_unknown_keys_and_blank_lines);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_utc);
	tcase_add_test(tc, test_host_utc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
