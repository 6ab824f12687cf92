/* SPDX-License-Identifier: MIT */
/* Check suite for src/watch/policy.c, config.c and journal.c:
 * configuration parsing, rate limits and incidents, retention, the
 * journal's event records. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "watch/journal.h"
#include "watch/policy.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_tmpdir_enter();
}

static void teardown(void)
{
	tu_tmpdir_leave();
	fw_ctx_free(ctx);
}

static int parse(struct watch_config *cfg, const char *text)
{
	watch_config_defaults(cfg);
	return watch_config_parse(ctx, text, strlen(text), "test.conf", cfg);
}

START_TEST(config_keys)
{
	struct watch_config cfg;

	tu_assert_ok(ctx, parse(&cfg, "# comment\n[Watch]\nSpool=/srv/b\nmaxuse = 2G\nKeepFree=5%\n"
				      "MaxAge=7d\nMaxPerCard=3\nMinIntervalCard=30s\n"
				      "MinIntervalGlobal=250ms\nIncidentGap=2h\nLoad=yes\n"
				      "Database=/srv/h.db\nDevice=emu:cx7\nDevice=0000:08:00.0\n"
				      "ClearDumps=no\nPollInterval=100ms\nTraceSeconds=2\n"
				      "CaptureExisting=yes\n"));
	ck_assert(cfg.capture_existing);
	ck_assert_str_eq(cfg.spool, "/srv/b");
	ck_assert_uint_eq(cfg.max_use, 2ull << 30);
	ck_assert_uint_eq(cfg.max_use_pct, 0);
	ck_assert_uint_eq(cfg.keep_free_pct, 5);
	ck_assert_uint_eq(cfg.max_age_ms, 7ull * 86400000);
	ck_assert_uint_eq(cfg.max_per_card, 3);
	ck_assert_uint_eq(cfg.card_interval_ms, 30000);
	ck_assert_uint_eq(cfg.global_interval_ms, 250);
	ck_assert_uint_eq(cfg.incident_gap_ms, 7200000);
	ck_assert(cfg.load);
	ck_assert_str_eq(cfg.db, "/srv/h.db");
	ck_assert_uint_eq(cfg.ndevices, 2);
	ck_assert_str_eq(cfg.devices[1], "0000:08:00.0");
	ck_assert_uint_eq(cfg.poll_interval_ms, 100);
	ck_assert_uint_eq(cfg.trace_seconds, 2);
}
END_TEST

START_TEST(config_errors)
{
	struct watch_config cfg;
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "MaxUse=lots\n", "test.conf:1: MaxUse='lots' is not a size" },
		{ "\n\nFoo=1\n", "test.conf:3: unknown key 'Foo'" },
		{ "Spool=relative\n", "is not an absolute path" },
		{ "MaxAge=3 days\n", "is not a time" },
		{ "[Other]\n", "unknown section '[Other]'" },
		{ "just text\n", "is not Key=value" },
		{ "Load=maybe\n", "is not yes or no" },
		{ "KeepFree=101%\n", "is not a size" },
		{ "PollInterval=1ms\n", "PollInterval='1ms'" },
		{ "MaxPerCard=-1\n", "is not a count" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_lt(parse(&cfg, bad[i].text), 0);
		ck_assert_msg(strstr(fw_ctx_errmsg(ctx), bad[i].msg), "'%s': got '%s'", bad[i].text,
			      fw_ctx_errmsg(ctx));
	}
	/* A failed parse changes nothing. */
	watch_config_defaults(&cfg);
	ck_assert_int_lt(watch_config_parse(ctx, "MaxPerCard=5\nBad=1\n", 19, "x", &cfg), 0);
	ck_assert_uint_eq(cfg.max_per_card, 20);
	/* A missing file names itself. */
	ck_assert_int_eq(watch_config_load(ctx, "no-such.conf", &cfg), -ENOENT);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "'no-such.conf'"));
}
END_TEST

START_TEST(rate_limit)
{
	struct watch_config cfg;
	struct watch_global_state g = { 0 };
	struct watch_card_state a = { 0 }, b = { 0 };
	unsigned captures = 0;
	bool first = false;

	watch_config_defaults(&cfg);
	cfg.card_interval_ms = 5000;
	cfg.global_interval_ms = 100;
	cfg.incident_gap_ms = 60000;
	/* 1,000 errors of card a, one a millisecond. */
	for (uint64_t t = 1000; t < 2000; t++) {
		if (watch_decide(&cfg, &g, &a, "fw", t, t * 1000000, &first) == WATCH_CAPTURE) {
			captures++;
			ck_assert(first);
			watch_capture_started(&g, &a, "fw", t);
			/* The capture takes 20 ms. */
		}
		if (t == 1020 && a.busy) {
			ck_assert_uint_eq(a.supp.by_reason[WATCH_SUPPRESS_BUSY], 20);
			watch_capture_ended(&a);
			ck_assert_uint_eq(a.supp.count, 0);
		}
	}
	ck_assert_uint_eq(captures, 1);
	ck_assert_uint_eq(a.incident_events, 1000);
	ck_assert_uint_eq(a.supp.count, 1000 - 21);
	ck_assert_uint_eq(a.supp.by_reason[WATCH_SUPPRESS_CARD], 1000 - 21);
	ck_assert_uint_eq(a.supp.first_ns, 1021ull * 1000000);
	ck_assert_uint_eq(a.supp.last_ns, 1999ull * 1000000);
	/* Card b within the global interval of a's capture: suppressed... */
	ck_assert_int_eq(watch_decide(&cfg, &g, &b, "fw", 1050, 1, &first), WATCH_SUPPRESS_GLOBAL);
	/* ...and captured after it. */
	ck_assert_int_eq(watch_decide(&cfg, &g, &b, "fw", 1100, 2, &first), WATCH_CAPTURE);
	watch_capture_started(&g, &b, "fw", 1100);
	watch_capture_ended(&b);
	/* After the card interval, a is captured again, same incident (no
	 * gap): not the incident's first. */
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw", 6000, 6, &first), WATCH_CAPTURE);
	ck_assert(!first);
	watch_capture_started(&g, &a, "fw", 6000);
	watch_capture_ended(&a);
	/* Quiet for the incident gap: a new incident, its first capture. */
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw", 70000, 70, &first), WATCH_CAPTURE);
	ck_assert(first);
	ck_assert_uint_eq(a.incident_id, 70);
	ck_assert_uint_eq(a.incident_events, 1);
}
END_TEST

/* "fw" then "fw_fatal" during its capture: one follow-up capture, whatever
 * the intervals; more events of either reporter during the follow-up are
 * suppressed (no chain). */
START_TEST(follow_up)
{
	struct watch_config cfg;
	struct watch_global_state g = { 0 };
	struct watch_card_state a = { 0 };
	bool first = false;

	watch_config_defaults(&cfg);
	cfg.card_interval_ms = 60000;
	cfg.global_interval_ms = 60000;
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw", 1000, 1, &first), WATCH_CAPTURE);
	ck_assert(first);
	watch_capture_started(&g, &a, "fw", 1000);
	/* The same reporter again during the capture: suppressed. */
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw", 1001, 2, &first), WATCH_SUPPRESS_BUSY);
	/* Another reporter during the capture: its follow-up, inside both
	 * intervals, not the incident's first. */
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw_fatal", 1002, 3, &first), WATCH_CAPTURE);
	ck_assert(!first);
	watch_capture_ended(&a);
	watch_capture_started(&g, &a, "fw_fatal", 1003);
	/* During the follow-up: neither reporter starts another one. */
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw", 1004, 4, &first), WATCH_SUPPRESS_BUSY);
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw_fatal", 1005, 5, &first),
			 WATCH_SUPPRESS_BUSY);
	watch_capture_ended(&a);
	/* After it, the intervals rule again. */
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw_fatal", 2000, 6, &first),
			 WATCH_SUPPRESS_CARD);
	/* Past them, a capture the intervals allowed may have a follow-up again. */
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw", 70000, 7, &first), WATCH_CAPTURE);
	watch_capture_started(&g, &a, "fw", 70000);
	ck_assert_int_eq(watch_decide(&cfg, &g, &a, "fw_fatal", 70001, 8, &first), WATCH_CAPTURE);
	watch_capture_ended(&a);
}
END_TEST

#define E(p, c, sz, t, inc, f) { p, c, sz, (uint64_t)(t) * 1000000000ull, inc, f }

START_TEST(retention_rules)
{
	struct watch_config cfg;
	enum watch_removal rm[8];
	/* Card A: incident 1 (a1 first, a2, a3), incident 2 (a4 first, a5).
	 * Card B: one capture, old. */
	struct watch_spool_entry e[] = {
		E("a1", "A", 100, 10, 1, true),  E("a2", "A", 100, 11, 1, false),
		E("a3", "A", 100, 12, 1, false), E("a4", "A", 100, 20, 2, true),
		E("a5", "A", 100, 21, 2, false), E("b1", "B", 100, 1, 3, true),
	};
	size_t n = sizeof(e) / sizeof(e[0]);

	watch_config_defaults(&cfg);
	cfg.max_use_pct = cfg.keep_free_pct = 0;
	cfg.max_per_card = 0;
	/* Nothing over budget: nothing removed. */
	ck_assert_uint_eq(watch_retention_plan(&cfg, e, n, 1 << 30, 1 << 29, 30ull * 1000000000, rm), 0);
	/* MaxUse=300: three must go; non-first ones first (a2, a3), then the
	 * oldest first-of-incident that is not a card's newest (a1); b1 is
	 * B's only capture and a5 A's newest. */
	cfg.max_use = 300;
	ck_assert_uint_eq(watch_retention_plan(&cfg, e, n, 1 << 30, 1 << 29, 30ull * 1000000000, rm), 3);
	ck_assert_int_eq(rm[1], WATCH_RM_MAX_USE);
	ck_assert_int_eq(rm[2], WATCH_RM_MAX_USE);
	ck_assert_int_eq(rm[0], WATCH_RM_MAX_USE);
	ck_assert_int_eq(rm[3], WATCH_KEEP);
	ck_assert_int_eq(rm[4], WATCH_KEEP);
	ck_assert_int_eq(rm[5], WATCH_KEEP);
	/* MaxUse=1: everything removable goes, the newest of each card stays. */
	cfg.max_use = 1;
	ck_assert_uint_eq(watch_retention_plan(&cfg, e, n, 1 << 30, 1 << 29, 30ull * 1000000000, rm), 4);
	ck_assert_int_eq(rm[4], WATCH_KEEP);
	ck_assert_int_eq(rm[5], WATCH_KEEP);
	/* MaxPerCard=3: A has five; a2 and a3 go, first-of-incident a1 stays. */
	cfg.max_use = 0;
	cfg.max_per_card = 3;
	ck_assert_uint_eq(watch_retention_plan(&cfg, e, n, 1 << 30, 1 << 29, 30ull * 1000000000, rm), 2);
	ck_assert_int_eq(rm[1], WATCH_RM_MAX_PER_CARD);
	ck_assert_int_eq(rm[2], WATCH_RM_MAX_PER_CARD);
	ck_assert_int_eq(rm[0], WATCH_KEEP);
	/* MaxAge=15s at t=30: a1..a3 and b1 are older; b1 is B's only one. */
	cfg.max_per_card = 0;
	cfg.max_age_ms = 15000;
	ck_assert_uint_eq(watch_retention_plan(&cfg, e, n, 1 << 30, 1 << 29, 30ull * 1000000000, rm), 3);
	ck_assert_int_eq(rm[0], WATCH_RM_MAX_AGE);
	ck_assert_int_eq(rm[5], WATCH_KEEP);
	/* KeepFree=10%% of 1000 bytes with 0 free: 100 bytes must be freed. */
	cfg.max_age_ms = 0;
	cfg.keep_free_pct = 10;
	ck_assert_uint_eq(watch_retention_plan(&cfg, e, n, 1000, 0, 30ull * 1000000000, rm), 1);
	ck_assert_int_eq(rm[1], WATCH_RM_KEEP_FREE);
}
END_TEST

/* An event's record is in the file as soon as watch_journal_event()
 * returns (a kill -9 right then keeps it), before watch_journal_sync();
 * a reopen finds it pending until its D record. */
START_TEST(journal_event_sync)
{
	struct watch_journal *j;
	struct watch_pending *p = NULL;
	char buf[512] = "";
	uint64_t seq;
	size_t n = 0;
	FILE *f;

	ck_assert_int_eq(watch_journal_open(ctx, ".", &j), 0);
	ck_assert_int_eq(watch_journal_event(j, "0000:08:00.0", "fw_fatal", 3, 1234, "boom", &seq), 0);
	f = fopen("journal", "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "E\t1\t0000:08:00.0\tfw_fatal\t3\t1234\tboom\n"));
	ck_assert_int_eq(watch_journal_sync(j), 0);
	ck_assert_int_eq(watch_journal_sync(j), 0); /* nothing left: no second fdatasync */
	watch_journal_close(j);
	ck_assert_int_eq(watch_journal_open(ctx, ".", &j), 0);
	ck_assert_int_eq(watch_journal_pending(j, &p, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(p[0].reporter, "fw_fatal");
	ck_assert_uint_eq(p[0].error_count, 3);
	ck_assert_uint_eq(p[0].seq, seq);
	free(p);
	ck_assert_int_eq(watch_journal_done(j, seq, "", "0000:08:00.0", 1234, 1, true), 0);
	watch_journal_close(j);
	ck_assert_int_eq(watch_journal_open(ctx, ".", &j), 0);
	p = NULL;
	ck_assert_int_eq(watch_journal_pending(j, &p, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(p);
	watch_journal_close(j);
}
END_TEST

/* P and S records: what was present at start and what a capture
 * covered survive a reopen, compacted to the newest of each card and
 * reporter; an S record matches only its own mark. */
START_TEST(journal_marks)
{
	struct watch_journal *j;
	char buf[2048] = "";
	size_t n;
	FILE *f;

	ck_assert_int_eq(watch_journal_open(ctx, ".", &j), 0);
	ck_assert(!watch_journal_is_covered(j, "0000:08:00.0", "fw_fatal", 1));
	ck_assert_int_eq(watch_journal_present(j, "0000:08:00.0", "fw_fatal", 1, 100, "in\terror"), 0);
	ck_assert_int_eq(watch_journal_present(j, "0000:08:00.0", "fw_fatal", 2, 200, "again"), 0);
	ck_assert_int_eq(watch_journal_covered(j, "0000:08:00.0", "fw_fatal", 1), 0);
	ck_assert_int_eq(watch_journal_covered(j, "0000:08:00.0", "fw_fatal", 2), 0);
	ck_assert_int_eq(watch_journal_covered(j, "0000:09:00.0", "health buffer", 77), 0);
	ck_assert_int_eq(watch_journal_sync(j), 0);
	watch_journal_close(j);
	ck_assert_int_eq(watch_journal_open(ctx, ".", &j), 0);
	ck_assert(watch_journal_is_covered(j, "0000:08:00.0", "fw_fatal", 2));
	ck_assert(!watch_journal_is_covered(j, "0000:08:00.0", "fw_fatal", 1));
	ck_assert(!watch_journal_is_covered(j, "0000:08:00.0", "fw", 2));
	ck_assert(watch_journal_is_covered(j, "0000:09:00.0", "health buffer", 77));
	watch_journal_close(j);
	f = fopen("journal", "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "P\t0000:08:00.0\tfw_fatal\t2\t200\tagain\n"
			      "S\t0000:08:00.0\tfw_fatal\t2\n"
			      "S\t0000:09:00.0\thealth buffer\t77\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("watch-policy");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, config_keys);
	tcase_add_test(tc, config_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("ratelimit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rate_limit);
	tcase_add_test(tc, follow_up);
	suite_add_tcase(s, tc);
	tc = tcase_create("retention");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, retention_rules);
	suite_add_tcase(s, tc);
	tc = tcase_create("journal");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, journal_event_sync);
	tcase_add_test(tc, journal_marks);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
