/* SPDX-License-Identifier: MIT */
/* Check suite for src/store/store.c: opening, paths, schema migrations. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store-internal.h"
#include "store-util.h"

START_TEST(test_open_schema)
{
	struct store *s;
	char *path, *t;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	ck_assert_int_eq(store_schema_version(s), store_schema_latest());
	ck_assert_int_ge(store_schema_latest(), 1);
	t = query_text(s, "PRAGMA journal_mode");
	ck_assert_str_eq(t, "wal\n");
	free(t);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM sqlite_schema WHERE name IN "
				   "('bundles','devices','artifacts','trace_events',"
				   "'register_fields','crspace_words','segments','health',"
				   "'trace_formats_fts','fw_history','failed_steps',"
				   "'latest_capture')"), 12);
	store_close(s);
	/* Reopening applies nothing twice. */
	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	ck_assert_int_eq(store_schema_version(s), store_schema_latest());
	store_close(s);
	/* Read-only never creates a file. */
	ck_assert_int_lt(store_open(ctx, "absent.db", STORE_OPEN_READONLY, &s), 0);
	ck_assert_int_ne(access("absent.db", F_OK), 0);

	setenv("FWBOX_DB", "/x/y.db", 1);
	tu_assert_ok(ctx, store_default_path(ctx, false, &path));
	ck_assert_str_eq(path, "/x/y.db");
	free(path);
	unsetenv("FWBOX_DB");
	setenv("XDG_DATA_HOME", tu_tmpdir_enter(), 1);
	tu_assert_ok(ctx, store_default_path(ctx, true, &path));
	ck_assert_ptr_nonnull(strstr(path, "/fwbox/history.db"));
	*strrchr(path, '/') = '\0';
	ck_assert_int_eq(access(path, F_OK), 0);
	free(path);
	unsetenv("XDG_DATA_HOME");
}
END_TEST

/* A version-4 or version-5 history (version 5: the watch daemon's triggers
 * and suppressions, the schema before this one) holding text rows (loaded
 * before text was matched to formats) is migrated: its text rows marked as text, those that copy a
 * ring message of their bundle (or a saved trace copying a tracefs line)
 * marked duplicates, the per-format counts redone, and each bundle's
 * legacy rows counted. */
START_TEST(test_migrate_legacy)
{
	const int from = 4 + _i; /* loop test: versions 4 and 5 */
	char pragma[64];
	static const char rows[] =
		"INSERT INTO devices(id, identity) VALUES (1, 'sn:MT_1:S1');"
		"INSERT INTO bundles(id, uuid, sha256, created, created_ns, outcome, device, loaded, "
		"ev_first, ev_last, blk_span) VALUES "
		"(1, 'u1', 's1', 'c', 1, 'ok', 1, 'l', 1, 5, 30), "
		"(2, 'u2', 's2', 'c', 2, 'ok', 1, 'l', 6, 7, 0);"
		"INSERT INTO trace_formats(id, text) VALUES (1, 'link up on port %d'), "
		"(2, 'qp 0x%x down'), (3, 'link up on port 1'), (4, 'qp 0x1f down'), "
		"(5, '100%% done'), (6, 'x 5');"
		/* meta: event_id 3 | nparams << 9 | source << 25 (SQL's | and <<
		 * have one precedence: parentheses needed) */
		"INSERT INTO trace_ev(id, ts, fmt, meta, p0) VALUES "
		"(1, 100, 1, 3 | (1 << 9), 1), (2, 110, 2, 3 | (1 << 9), 31), "
		"(3, 100, 3, 3 | (1 << 25), NULL), (4, 110, 4, 3 | (2 << 25), NULL), "
		"(5, 130, 5, 3 | (1 << 25), NULL), "
		"(6, 200, 6, 3 | (1 << 25), NULL), (7, 200, 6, 3 | (2 << 25), NULL);"
		"INSERT INTO trace_blocks VALUES (1, 100, 130, 1, 5), (2, 200, 200, 6, 7);"
		"INSERT INTO trace_bundle_formats VALUES (1, 1, 1, 1), (1, 2, 1, 2), (1, 3, 1, 3), "
		"(1, 4, 1, 4), (1, 5, 1, 5), (2, 6, 2, 6);";
	sqlite3 *db;
	struct store *s;
	char *t;

	ck_assert_int_eq(sqlite3_open("old.db", &db), SQLITE_OK);
	for (size_t i = 0; i < store_migrations_count && store_migrations[i].version <= from; i++)
		ck_assert_int_eq(sqlite3_exec(db, store_migrations[i].sql, NULL, NULL, NULL), SQLITE_OK);
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", from);
	ck_assert_int_eq(sqlite3_exec(db, pragma, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	/* A reader upgrades it first (it may write the file). */
	tu_assert_ok(ctx, store_open(ctx, "old.db", STORE_OPEN_READONLY, &s));
	ck_assert_int_eq(store_schema_version(s), store_schema_latest());
	ck_assert_int_eq(store_query_prepare(s, "DELETE FROM trace_ev", &(struct store_query *){ 0 }),
			 -EPERM);
	store_close(s);
	tu_assert_ok(ctx, store_open(ctx, "old.db", 0, &s));
	ck_assert_int_eq(store_schema_version(s), store_schema_latest());
	/* text (bit 28) on every text row, duplicate (bit 27) on the copies */
	t = query_text(s, "SELECT id, (meta >> 28) & 1, (meta >> 27) & 1 FROM trace_ev ORDER BY id");
	ck_assert_str_eq(t, "1|0|0\n2|0|0\n3|1|1\n4|1|1\n5|1|0\n6|1|0\n7|1|1\n");
	free(t);
	t = query_text(s, "SELECT bundle, source, matched, message FROM trace_events "
		       "ORDER BY bundle, seq");
	ck_assert_str_eq(t, "1|ring|1|link up on port 1\n1|ring|1|qp 0x1f down\n"
			    "1|text|0|100% done\n2|text|0|x 5\n");
	free(t);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_events_all WHERE duplicate"), 3);
	t = query_text(s, "SELECT bundle, fmt, events, first_event, text FROM trace_bundle_formats "
		       "ORDER BY bundle, fmt");
	ck_assert_str_eq(t, "1|1|1|1|0\n1|2|1|2|0\n1|5|1|5|1\n2|6|1|6|1\n");
	free(t);
	t = query_text(s, "SELECT id, trace_legacy FROM bundles ORDER BY id");
	ck_assert_str_eq(t, "1|3\n2|2\n");
	free(t);
	/* The upgrade built the postings of the bundles already there. */
	t = query_text(s, "SELECT bundle, format, group_concat(id) FROM trace_format_events "
		       "GROUP BY bundle, format ORDER BY bundle, format");
	ck_assert_str_eq(t, "1|1|1\n1|2|2\n1|3|3\n1|4|4\n1|5|5\n2|6|6,7\n");
	free(t);
	store_close(s);
	/* Opening again changes nothing. */
	tu_assert_ok(ctx, store_open(ctx, "old.db", 0, &s));
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_events"), 4);
	store_close(s);
}
END_TEST

/* A version-6 history (the schema before wall-clock time): its bundles
 * have no clock anchor, so their events' utc_ns is NULL, never a made-up
 * time; an anchor recorded afterwards gives each event its UTC time. */
START_TEST(test_migrate_from_6)
{
	static const char rows[] =
		"INSERT INTO devices(id, identity) VALUES (1, 'sn:MT_1:S1');"
		"INSERT INTO bundles(id, uuid, sha256, created, created_ns, outcome, device, loaded, "
		"ev_first, ev_last, blk_span) VALUES (1, 'u1', 's1', 'c', 1, 'ok', 1, 'l', 1, 2, 10);"
		"INSERT INTO trace_formats(id, text) VALUES (1, 'link up on port %d');"
		"INSERT INTO trace_ev(id, ts, fmt, meta, p0) VALUES "
		"(1, 1000, 1, 3 | (1 << 9), 1), (2, 1010, 1, 3 | (1 << 9), 2);"
		"INSERT INTO trace_blocks VALUES (1, 1000, 1010, 1, 2);"
		"INSERT INTO trace_bundle_formats VALUES (1, 1, 2, 1, 0);";
	sqlite3 *db;
	struct store *s;
	char *t;

	ck_assert_int_eq(sqlite3_open("six.db", &db), SQLITE_OK);
	for (size_t i = 0; i < store_migrations_count && store_migrations[i].version <= 6; i++)
		ck_assert_int_eq(sqlite3_exec(db, store_migrations[i].sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 6", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	tu_assert_ok(ctx, store_open(ctx, "six.db", 0, &s));
	ck_assert_int_ge(store_schema_version(s), 7);
	t = query_text(s, "SELECT seq, timestamp, message, coalesce(utc_ns, 'null') FROM trace_events "
		       "ORDER BY seq");
	ck_assert_str_eq(t, "0|1000|link up on port 1|null\n1|1010|link up on port 2|null\n");
	free(t);
	t = query_text(s, "SELECT coalesce(clock_khz, 'null'), coalesce(tracefs_clock, 'null') "
		       "FROM bundles");
	ck_assert_str_eq(t, "null|null\n");
	free(t);
	store_close(s);
	/* 1 GHz: a tick is a nanosecond; tick 1000 was 2023-11-14T22:13:20Z. */
	ck_assert_int_eq(sqlite3_open("six.db", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE bundles SET clock_device_ts = 1000, "
				      "clock_khz = 1000000, clock_utc_ns = 1700000000000000000, "
				      "clock_uncertainty_ns = 5", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	tu_assert_ok(ctx, store_open(ctx, "six.db", STORE_OPEN_READONLY, &s));
	t = query_text(s, "SELECT seq, utc_ns FROM trace_events_all ORDER BY seq");
	ck_assert_str_eq(t, "0|1700000000000000000\n1|1700000000000000010\n");
	free(t);
	store_close(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("store-open");
	TCase *tc = tcase_create("store-open");

	tcase_add_checked_fixture(tc, su_setup, su_teardown);
	tcase_add_test(tc, test_open_schema);
	tcase_add_loop_test(tc, test_migrate_legacy, 0, 2);
	tcase_add_test(tc, test_migrate_from_6);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
