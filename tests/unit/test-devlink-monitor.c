/* SPDX-License-Identifier: MIT */
/* Check suite for src/device/devlink-monitor.c: the health notifications
 * the kernel sends (seeds of tests/fuzz/make-devlink-monitor-seeds.py). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "device/devlink-monitor.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	fw_ctx_free(ctx);
}

struct got {
	struct fw_devlink_event ev[4];
	size_t n;
};

static int keep(void *ud, const struct fw_devlink_event *ev)
{
	struct got *g = ud;

	ck_assert_uint_lt(g->n, 4);
	g->ev[g->n++] = *ev;
	return 0;
}

static int parse_seed(const char *name, struct got *g, uint16_t family)
{
	char path[256];
	size_t len;
	void *data;
	int r;

	snprintf(path, sizeof(path), "tests/fuzz/corpus/devlink-monitor/%s", name);
	data = tu_read_file(tu_srcpath(path), &len);
	memset(g, 0, sizeof(*g));
	r = fw_devlink_monitor_parse(ctx, data, len, family, keep, g);
	free(data);
	return r;
}

START_TEST(notifications)
{
	struct got g;

	ck_assert_int_eq(parse_seed("error", &g, 0x1a), 1);
	ck_assert_str_eq(g.ev[0].bus, "netdevsim");
	ck_assert_str_eq(g.ev[0].dev, "netdevsim10");
	ck_assert_str_eq(g.ev[0].rep.name, "dummy");
	ck_assert_uint_eq(g.ev[0].rep.state, 1);
	ck_assert_uint_eq(g.ev[0].rep.error_count, 1);
	ck_assert(!g.ev[0].rep.has_dump);
	ck_assert_int_eq(parse_seed("recovered", &g, 0x1a), 1);
	ck_assert_uint_eq(g.ev[0].rep.state, 0);
	ck_assert_uint_eq(g.ev[0].rep.recover_count, 1);
	ck_assert(g.ev[0].rep.has_dump);
	ck_assert_uint_eq(g.ev[0].rep.dump_ts_ns, 1796512604243927640ull);
	ck_assert_int_eq(parse_seed("two", &g, 0x1a), 2);
	ck_assert_str_eq(g.ev[1].dev, "0000:08:00.1");
	/* Other commands and other families are not health events. */
	ck_assert_int_eq(parse_seed("other-cmd", &g, 0x1a), 0);
	ck_assert_int_eq(parse_seed("two", &g, 0x1b), 0);
	/* A RECOVER message without a reporter is malformed. */
	ck_assert_int_eq(parse_seed("no-nest", &g, 0x1a), -EBADMSG);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "reporter"));
}
END_TEST

/* Issue 10: a notification claiming 2^31 bytes or more walked past the
 * buffer, and 68 bytes of 0xff (length 2^32-1) made the walk spin for ever
 * under libmnl's signed mnl_nlmsg_ok(). */
START_TEST(hostile_lengths)
{
	struct got g;

	ck_assert_int_eq(parse_seed("nlmsg-len-2g", &g, 0x1a), -EBADMSG);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "malformed notification at byte 0"));
	ck_assert_int_eq(parse_seed("all-ff-68", &g, 0xffff), -EBADMSG);
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("devlink-monitor");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, notifications);
	tcase_add_test(tc, hostile_lengths);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
