/* SPDX-License-Identifier: MIT */
/* Check suite for src/store/query.c: read-only statements and named queries. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store-util.h"

START_TEST(test_query_readonly)
{
	struct store_query *q = NULL;
	struct store *s;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	load_pair(s);
	store_close(s);

	tu_assert_ok(ctx, store_open(ctx, "h.db", STORE_OPEN_READONLY, &s));
	ck_assert_int_eq(store_query_prepare(s, "DELETE FROM trace_ev", &q), -EPERM);
	ck_assert_ptr_null(q);
	ck_assert_int_eq(store_query_prepare(s, "SELECT 1; DELETE FROM trace_ev", &q), -EINVAL);
	ck_assert_int_lt(store_query_prepare(s, "SELEC 1", &q), 0);
	ck_assert_int_eq(query_int(s, "SELECT count(*) FROM trace_ev"), 6);
	store_close(s);
}
END_TEST

START_TEST(test_named_queries)
{
	const struct store_named_query *nq;
	struct store_query *q;
	struct store *s;
	char *t;
	int n = 0, r;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	load_pair(s);
	/* Every named query prepares against the schema. */
	for (size_t i = 0; i < store_named_query_count(); i++) {
		nq = store_named_query_at(i);
		tu_assert_ok(ctx, store_query_prepare(s, nq->sql, &q));
		store_query_free(q);
	}
	nq = store_named_query_find("trace-search");
	ck_assert_ptr_nonnull(nq);
	tu_assert_ok(ctx, store_query_prepare(s, nq->sql, &q));
	ck_assert_int_eq(store_query_param_count(q), 1);
	tu_assert_ok(ctx, store_query_bind_text(q, 1, "link"));
	while ((r = store_query_step(q)) == 1)
		n++;
	tu_assert_ok(ctx, r);
	ck_assert_int_eq(n, 3);
	store_query_free(q);

	nq = store_named_query_find("trace-cards");
	tu_assert_ok(ctx, store_query_prepare(s, nq->sql, &q));
	tu_assert_ok(ctx, store_query_bind_text(q, 1, "link"));
	ck_assert_int_eq(store_query_step(q), 1);
	/* device is the card's id, identity its text (one meaning per column). */
	ck_assert_int_eq(store_query_column_int(q, 0), 1);
	ck_assert_str_eq(store_query_column_text(q, 1), "sn:MT_0000000359:MT2001X00001");
	ck_assert_int_eq(store_query_column_int(q, 2), 2);
	ck_assert_int_eq(store_query_column_int(q, 3), 3);
	ck_assert_int_eq(store_query_step(q), 0);
	store_query_free(q);

	nq = store_named_query_find("trace-window");
	tu_assert_ok(ctx, store_query_prepare(s, nq->sql, &q));
	tu_assert_ok(ctx, store_query_bind_int(q, 1, 1));
	tu_assert_ok(ctx, store_query_bind_int(q, 2, 110));
	tu_assert_ok(ctx, store_query_bind_int(q, 3, 210));
	n = 0;
	while ((r = store_query_step(q)) == 1) {
		ck_assert_int_ge(store_query_column_int(q, 3), 110);
		n++;
	}
	ck_assert_int_eq(n, 4);
	store_query_free(q);
	ck_assert_ptr_null(store_named_query_find("no-such"));

	t = query_text(s, store_named_query_find("fw-changes")->sql);
	ck_assert_ptr_nonnull(strstr(t, "16.35.2000"));
	/* The first capture is no update. */
	ck_assert_ptr_null(strstr(t, "16.35.1012"));
	free(t);
	store_close(s);
}
END_TEST

/* The rows of named query name, only the columns cols. */
static char *named_text(struct store *s, const char *cols, const char *name)
{
	const struct store_named_query *nq = store_named_query_find(name);
	char *sql, *t;

	ck_assert_ptr_nonnull(nq);
	ck_assert_int_ge(asprintf(&sql, "SELECT %s FROM (%s)", cols, nq->sql), 0);
	t = query_text(s, sql);
	free(sql);
	return t;
}

static void load_card(struct store *s, uint8_t n, const char *serial, const char *const *fmts,
		      size_t nfmts)
{
	struct fake_bundle fb;
	struct store_load *l;

	fake_bundle(&fb, n, serial, "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	for (size_t i = 0; i < nfmts; i++)
		add_event(l, 100 + i, fmts[i], 1, (uint32_t)i, 0);
	tu_assert_ok(ctx, store_load_commit(l, NULL));
}

/* The cross-card named queries: formats seen on more than one card, and
 * formats new since the previous capture of the same card. */
START_TEST(test_cross_card)
{
	static const char *const c1[] = { "A %u", "B %u", "B %u" };
	static const char *const c2[] = { "A %u", "C %u" };
	static const char *const c3[] = { "B %u", "A %u" };
	static const char *const c1b[] = { "A %u", "D %u" };
	struct store *s;
	char *t;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	load_card(s, 11, "S1", c1, 3);
	load_card(s, 12, "S2", c2, 2);
	load_card(s, 13, "S3", c3, 2);
	load_card(s, 14, "S1", c1b, 2);
	t = named_text(s, "text, cards, captures, events", "trace-cross-card");
	ck_assert_str_eq(t, "A %u|3|4|4\nB %u|2|2|3\n");
	free(t);
	t = named_text(s, "identity, text, events, example", "trace-new");
	ck_assert_str_eq(t, "sn:MT_0000000359:S1|D %u|1|D 1\n");
	free(t);
	t = named_text(s, "trace_events, trace_records", "trace-count");
	ck_assert_str_eq(t, "3|3\n2|2\n2|2\n2|2\n");
	free(t);
	store_close(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("store-query");
	TCase *tc = tcase_create("store-query");

	tcase_add_checked_fixture(tc, su_setup, su_teardown);
	tcase_add_test(tc, test_query_readonly);
	tcase_add_test(tc, test_named_queries);
	tcase_add_test(tc, test_cross_card);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
