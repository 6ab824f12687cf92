/* SPDX-License-Identifier: MIT */
/* Check suite for src/emu/emu-schedule.c: fatal-at= and burst= fire when
 * their time has come, as the events a devlink notification carries.  The
 * tests wait on the emulator's timerfd (the event itself), never on time. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "emu/emu.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	fw_ctx_free(ctx);
}

/* Read events until n arrived; the poll bound only keeps a broken
 * emulator from hanging the suite. */
static size_t wait_events(struct emu *e, struct emu_health_event *ev, size_t n)
{
	size_t got = 0;
	int fd = emu_events_fd(e);

	ck_assert_int_ge(fd, 0);
	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		ck_assert_int_eq(poll(&p, 1, 30000), 1);
		r = emu_events_read(e, ev + got, n - got);
		tu_assert_ok(ctx, r);
		got += (size_t)r;
	}
	return got;
}

START_TEST(spec_errors)
{
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{ "emu,fatal-at=soon", "'fatal-at=soon' must be seconds" },
		{ "emu,fatal-at=1.", "'fatal-at=1.' must be seconds" },
		{ "emu,burst=10", "'burst=10' must be COUNT@SECONDS" },
		{ "emu,burst=0@1", "COUNT 1..1000000" },
		{ "emu,burst=5@x", "'burst=5@x'" },
	};
	struct emu *e = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(emu_new(ctx, bad[i].spec, &e), -EINVAL);
		ck_assert_msg(strstr(fw_ctx_errmsg(ctx), bad[i].msg), "%s: %s", bad[i].spec,
			      fw_ctx_errmsg(ctx));
	}
	tu_assert_ok(ctx, emu_new(ctx, "emu:cx7", &e));
	ck_assert_int_eq(emu_events_fd(e), -1);
	emu_free(e);
}
END_TEST

START_TEST(burst)
{
	struct emu_health_event ev[20];
	struct emu *e = NULL;

	tu_assert_ok(ctx, emu_new(ctx, "emu:cx7,burst=20@0.01", &e));
	ck_assert_uint_eq(wait_events(e, ev, 20), 20);
	for (unsigned i = 0; i < 20; i++) {
		ck_assert_str_eq(ev[i].reporter, "fw");
		ck_assert(ev[i].error);
		ck_assert_uint_eq(ev[i].error_count, i + 1);
		ck_assert(ev[i].has_dump);
		ck_assert_str_eq(ev[i].msg, "FW syndrome reported");
		if (i)
			ck_assert_uint_ge(ev[i].mono_ns, ev[i - 1].mono_ns);
	}
	/* The reporter shows what the events said. */
	ck_assert_uint_eq(emu_reporter_at(e, 0)->error_count, 20);
	ck_assert_int_eq(emu_events_read(e, ev, 20), 0);
	emu_free(e);
}
END_TEST

START_TEST(fatal_at)
{
	struct emu_health_event ev[1];
	struct emu *e = NULL;
	void *hb = NULL;
	size_t len = 0;

	tu_assert_ok(ctx, emu_new(ctx, "emu:cx7,fatal-at=0.05,synd=7", &e));
	ck_assert_str_eq(emu_reporter_at(e, 1)->state, "healthy");
	ck_assert_uint_eq(wait_events(e, ev, 1), 1);
	ck_assert_str_eq(ev[0].reporter, "fw_fatal");
	ck_assert(ev[0].error);
	ck_assert_uint_eq(ev[0].error_count, 1);
	ck_assert(ev[0].has_dump);
	ck_assert_str_eq(emu_reporter_at(e, 1)->state, "error");
	tu_assert_ok(ctx, emu_health_buffer(e, &hb, &len));
	ck_assert_uint_eq(((unsigned char *)hb)[0x3d], 7);
	free(hb);
	emu_free(e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu-schedule");
	TCase *tc = tcase_create("schedule");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, spec_errors);
	tcase_add_test(tc, burst);
	tcase_add_test(tc, fatal_at);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
