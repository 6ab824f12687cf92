/* SPDX-License-Identifier: MIT */
/* Check suite for src/store/load.c and load-bundle.c: loading, views, one record per message. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store-internal.h"
#include "store-util.h"

START_TEST(test_load_and_views)
{
	struct store *s;
	char *t;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	load_pair(s);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM bundles"), 2);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM devices"), 1);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_events"), 6);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM crspace_words"), 4096);
	ck_assert_int_eq(query_int(s, "SELECT value FROM crspace_words WHERE bundle = 2 "
				   "AND address = 20 AND source = 'crspace'"), 0xdeadbeef);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_events WHERE source = 'ring'"), 6);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM register_fields"), 6);
	t = query_text(s, "SELECT bundle, f.text, events, first_event FROM trace_bundle_formats bf "
		       "JOIN trace_formats f ON f.id = bf.fmt ORDER BY bundle, f.text");
	ck_assert_str_eq(t, "1|cmd 0x%x done, syndrome 0x%x|1|2\n"
			    "1|link up on port %d|2|1\n"
			    "2|FW assert at 0x%08x|2|5\n"
			    "2|link up on port %d|1|4\n");
	free(t);

	t = query_text(s, "SELECT bundle, seq, timestamp, lost, event_id, tmsn, message, parameters "
		       "FROM trace_events ORDER BY bundle, seq");
	ck_assert_str_eq(t, "1|0|100|0|3|17|link up on port 1|[1]\n"
			    "1|1|110|0|3|17|cmd 0x806 done, syndrome 0x0|[2054,0]\n"
			    "1|2|120|0|3|17|link up on port 2|[2]\n"
			    "2|0|200|0|3|17|link up on port 1|[1]\n"
			    "2|1|210|0|3|17|FW assert at 0x00000abc|[2748]\n"
			    "2|2|220|0|3|17|FW assert at 0x00000def|[3567]\n");
	free(t);
	t = query_text(s, "SELECT fw_version, changed, first FROM fw_history");
	ck_assert_str_eq(t, "16.35.1012|0|1\n16.35.2000|1|0\n");
	free(t);
	t = query_text(s, "SELECT kind, outcome, reason FROM failed_steps");
	ck_assert_str_eq(t, "crspace|failed|timed out after 60 s\n");
	free(t);
	t = query_text(s, "SELECT fw_version, outcome FROM latest_capture");
	ck_assert_str_eq(t, "16.35.2000|partial\n");
	free(t);
	t = query_text(s, "SELECT outcome FROM bundles ORDER BY id");
	ck_assert_str_eq(t, "ok\npartial\n");
	free(t);
	/* FTS5 on the message text. */
	t = query_text(s, "SELECT message FROM trace_events WHERE format IN (SELECT rowid FROM "
		       "trace_formats_fts WHERE trace_formats_fts MATCH 'assert') ORDER BY seq");
	ck_assert_str_eq(t, "FW assert at 0x00000abc\nFW assert at 0x00000def\n");
	free(t);
	store_close(s);
}
END_TEST

/* Parameters of 2^31 and more render as the kernel prints them: %d and %i
 * as a signed 32-bit int, %u, %x and %ld as unsigned 32-bit; a '*' width
 * takes a parameter too. */
START_TEST(test_signed_params)
{
	struct store_trace_event ev = {
		.timestamp = 1,
		.format = "a %d b %u c %x d %i e %*d f %ld",
		.nparams = 7,
		.params = { 0x80000001u, 0xfffffffeu, 0xffffffffu, 0xfffffff0u, 3, 0x80000000u,
			    0x90000000u },
	};
	struct fake_bundle fb;
	struct store_load *l;
	struct store_load_stats st;
	struct store *s;
	char *t;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	fake_bundle(&fb, 1, "MT2001X00001", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	tu_assert_ok(ctx, store_load_trace(l, &ev));
	tu_assert_ok(ctx, store_load_commit(l, &st));
	t = query_text(s, "SELECT message FROM trace_events");
	ck_assert_str_eq(t, "a -2147483647 b 4294967294 c ffffffff d -16 e -2147483648 "
			    "f 2415919104\n");
	free(t);
	store_close(s);
}
END_TEST

START_TEST(test_idempotent)
{
	struct fake_bundle fb;
	struct store_load *l = NULL;
	struct store *s;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	load_pair(s);
	/* Same bundle again: no-op. */
	fake_bundle(&fb, 1, "MT2001X00001", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_ALREADY);
	ck_assert_ptr_null(l);
	/* Same UUID, other file hash (e.g. recompressed): still the same bundle. */
	memset(fb.info.sha256, 0x77, sizeof(fb.info.sha256));
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_ALREADY);
	/* Same file hash, other UUID. */
	fake_bundle(&fb, 2, "MT2001X00001", "x");
	memset(fb.h.uuid, 0x55, sizeof(fb.h.uuid));
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_ALREADY);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM bundles"), 2);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_ev"), 6);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM devices"), 1);
	store_close(s);
}
END_TEST

START_TEST(test_abort_leaves_nothing)
{
	struct fake_bundle fb;
	struct store_load *l;
	struct store *s;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	fake_bundle(&fb, 9, NULL, "1.2.3");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	add_artifact(l, "trace.ring", BUNDLE_OUTCOME_OK, "");
	for (int i = 0; i < 1000; i++)
		add_event(l, (uint64_t)i, "tick %d", 1, (uint32_t)i, 0);
	/* As when the stream's verification fails: roll back. */
	store_load_free(l);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM bundles"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_ev"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_formats"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM devices"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM artifacts"), 0);
	/* An inconsistent image (one address twice) is refused; the load is
	 * dropped and leaves nothing either. */
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	add_event(l, 1, "tick %d", 1, 1, 0);
	tu_assert_ok(ctx, store_load_crspace(l, "crspace", 0, (const uint32_t[]){ 1, 2 }, 2));
	tu_assert_ok(ctx, store_load_crspace(l, "fw_fatal", 0, (const uint32_t[]){ 1, 2 }, 2));
	ck_assert_int_eq(store_load_crspace(l, "crspace", 4, (const uint32_t[]){ 3 }, 1), -EBADMSG);
	store_load_free(l);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM bundles"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM crspace_chunks"), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_ev"), 0);
	/* And it loads afterwards, into the same id range. */
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	for (int i = 0; i < 600; i++)
		add_event(l, (uint64_t)i, "tick %d", 1, (uint32_t)i, 0);
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_events"), 600);
	/* 600 events: blocks of 256, 256 and 88. */
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_blocks"), 3);
	ck_assert_int_eq(query_int(s, "SELECT sum(id_hi - id_lo + 1) FROM trace_blocks"), 600);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM devices WHERE identity = "
				   "'pci:host1:0000:08:00.0:MT_0000000359'"), 1);
	store_close(s);
}
END_TEST

static void add_source_event(struct store_load *l, enum store_trace_source src, uint64_t ts,
			     uint8_t event_id, const char *fmt, unsigned n, uint32_t p0, bool text)
{
	struct store_trace_event ev = {
		.timestamp = ts,
		.event_id = event_id,
		.source = src,
		.format = fmt,
		.nparams = n,
		.params = { p0 },
		.text = text,
	};

	tu_assert_ok(ctx, store_load_trace(l, &ev));
}

/* One record per message: the same message from the ring, tracefs text and
 * saved traces is counted once, from the ring; a text message the ring
 * lacks stays; a saved trace that copies a text line is a duplicate. */
START_TEST(test_sources)
{
	struct fake_bundle fb;
	struct store_load *l;
	struct store_load_stats st;
	struct store *s;
	char *t;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	fake_bundle(&fb, 1, "MT2001X00001", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	/* Saved traces come first in a bundle (the health steps run first). */
	add_source_event(l, STORE_TRACE_SAVED, 100, 3, "port %u up", 1, 1, false);
	add_source_event(l, STORE_TRACE_SAVED, 150, 3, "port %u up", 1, 7, false);
	add_source_event(l, STORE_TRACE_SAVED, 160, 4, "never %s", 1, 0, false);
	for (uint64_t i = 0; i < 300; i++)
		add_source_event(l, STORE_TRACE_RING, 100 + i, 3, "port %u up", 1, (uint32_t)i, false);
	add_source_event(l, STORE_TRACE_TEXT, 100, 3, "port %u up", 1, 1, false);
	/* Same timestamp, other event id: another message. */
	add_source_event(l, STORE_TRACE_TEXT, 101, 9, "port %u up", 1, 1, false);
	add_source_event(l, STORE_TRACE_TEXT, 160, 4, "never %s", 1, 0, false);
	add_source_event(l, STORE_TRACE_TEXT, 500, 3, "odd 100%% line", 0, 0, true);
	tu_assert_ok(ctx, store_load_commit(l, &st));
	ck_assert_uint_eq(st.trace_events, 307);
	ck_assert_uint_eq(st.trace_duplicates, 4);
	ck_assert_uint_eq(st.trace_text, 1);
	t = query_text(s, "SELECT source, count(*) FROM trace_events GROUP BY source ORDER BY 1");
	ck_assert_str_eq(t, "ring|300\ntext|3\n"); /* no saved row is kept */
	free(t);
	t = query_text(s, "SELECT source, timestamp, duplicate FROM trace_events_all "
		       "WHERE source <> 'ring' ORDER BY seq");
	ck_assert_str_eq(t, "saved|100|1\nsaved|150|1\nsaved|160|1\n"
			    "text|100|1\ntext|101|0\ntext|160|0\ntext|500|0\n");
	free(t);
	/* Counted once: 300 ring + the text of event id 9; first event not
	 * a duplicate. */
	t = query_text(s, "SELECT f.text, events, first_event, bf.text FROM trace_bundle_formats bf "
		       "JOIN trace_formats f ON f.id = bf.fmt ORDER BY f.text");
	ck_assert_str_eq(t, "never %s|1|306|0\nodd 100%% line|1|307|1\nport %u up|301|4|0\n");
	free(t);
	t = query_text(s, "SELECT matched, message FROM trace_events WHERE source = 'text' "
		       "AND timestamp = 500");
	ck_assert_str_eq(t, "0|odd 100% line\n");
	free(t);
	/* Blocks hold one source each. */
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_blocks"), 4);
	store_close(s);
}
END_TEST

/* Without a ring, tracefs text is preferred to saved traces; a message
 * kept as text and a format of the same text share one format row but
 * not their flag. */
START_TEST(test_text_kept)
{
	struct fake_bundle fb;
	struct store_load *l;
	struct store_load_stats st;
	struct store *s;
	char *t;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	fake_bundle(&fb, 2, "MT2001X00002", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	add_source_event(l, STORE_TRACE_SAVED, 10, 1, "link up", 0, 0, true);
	add_source_event(l, STORE_TRACE_TEXT, 10, 1, "link up", 0, 0, true);
	add_source_event(l, STORE_TRACE_TEXT, 20, 1, "link up", 0, 0, false);
	tu_assert_ok(ctx, store_load_commit(l, &st));
	ck_assert_uint_eq(st.trace_duplicates, 1);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_formats"), 1);
	t = query_text(s, "SELECT source, timestamp, matched FROM trace_events ORDER BY seq");
	ck_assert_str_eq(t, "text|10|0\ntext|20|1\n");
	free(t);
	t = query_text(s, "SELECT events, first_event, text FROM trace_bundle_formats");
	ck_assert_str_eq(t, "2|2|0\n");
	free(t);
	store_close(s);
}
END_TEST


/* Postings: every event of a bundle is listed under its format, also
 * across chunks written when the held text passes its limit. */
START_TEST(test_postings)
{
	struct store_postings *p;
	struct store *s;
	uint32_t slot[3];
	char *t;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	load_pair(s);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_format_events p "
				   "JOIN trace_ev e ON e.id = p.id AND e.fmt = p.format"), 6);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_format_events"), 6);
	/* A builder that writes every 64 bytes: many chunks. */
	tu_assert_ok(ctx, store_exec(s, "BEGIN; INSERT INTO bundles(id, uuid, sha256, created, "
				     "created_ns, outcome, loaded, ev_first, ev_last) VALUES "
				     "(50, 'u', 's', 'c', 0, 'ok', 'l', 1000, 4000)"));
	tu_assert_ok(ctx, store_postings_new(s, 50, 1000, 64, &p));
	for (unsigned f = 0; f < 3; f++)
		tu_assert_ok(ctx, store_postings_slot(p, 100 + f, &slot[f]));
	for (int64_t id = 1000; id <= 4000; id++)
		tu_assert_ok(ctx, store_postings_add(p, slot[id % 7 == 0 ? 2 : id % 2], id));
	tu_assert_ok(ctx, store_postings_flush(p));
	store_postings_free(p);
	tu_assert_ok(ctx, store_exec(s, "COMMIT"));
	ck_assert_int_gt(query_int(s, "SELECT count(*) FROM trace_postings WHERE bundle = 50"), 50);
	t = query_text(s, "SELECT format, count(*), min(id), max(id), sum(id) FROM trace_format_events "
		       "WHERE bundle = 50 GROUP BY format ORDER BY format");
	{
		int64_t n[3] = { 0 }, mn[3] = { 0 }, mx[3] = { 0 }, sum[3] = { 0 };
		char want[256], *w = want;

		for (int64_t id = 1000; id <= 4000; id++) {
			int f = id % 7 == 0 ? 2 : (int)(id % 2);

			if (!n[f]++)
				mn[f] = id;
			mx[f] = id;
			sum[f] += id;
		}
		for (int f = 0; f < 3; f++)
			w += sprintf(w, "%d|%lld|%lld|%lld|%lld\n", 100 + f, (long long)n[f],
				     (long long)mn[f], (long long)mx[f], (long long)sum[f]);
		ck_assert_str_eq(t, want);
	}
	free(t);
	store_close(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("store-load");
	TCase *tc = tcase_create("store-load");

	tcase_add_checked_fixture(tc, su_setup, su_teardown);
	tcase_add_test(tc, test_load_and_views);
	tcase_add_test(tc, test_signed_params);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_abort_leaves_nothing);
	tcase_add_test(tc, test_sources);
	tcase_add_test(tc, test_text_kept);
	tcase_add_test(tc, test_postings);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
