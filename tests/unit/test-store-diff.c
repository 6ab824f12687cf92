/* SPDX-License-Identifier: MIT */
/* Check suite for src/store/diff.c: what changed between two captures. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store-util.h"

static int diff_field(void *u, const struct store_diff_field *f)
{
	fprintf(u, "field %s[%u].%s %s -> %s\n", f->reg, f->instance, f->field,
		f->a ? f->a : "-", f->b ? f->b : "-");
	return 0;
}

static int diff_word(void *u, const struct store_diff_word *w)
{
	fprintf(u, "word 0x%llx %08x -> %08x\n", (unsigned long long)w->address, w->a, w->b);
	return 0;
}

static int diff_message(void *u, const struct store_diff_message *m)
{
	fprintf(u, "%s '%s' x%llu", m->change == STORE_DIFF_NEW ? "new" : "gone", m->format,
		(unsigned long long)m->count);
	for (unsigned i = 0; i < m->nparams; i++)
		fprintf(u, " %c:%lld..%lld", m->conv[i], (long long)m->min[i], (long long)m->max[i]);
	fprintf(u, " e.g. '%s'%s\n", m->example, m->text ? " (text)" : "");
	return 0;
}

static int diff_header(void *u, const struct store_diff_header *h)
{
	fprintf(u, "cards %s %s same=%d\n", h->a_device ? h->a_device : "-",
		h->b_device ? h->b_device : "-", h->same_card);
	return 0;
}

static int diff_step(void *u, const struct store_diff_step *d)
{
	fprintf(u, "step %s %s -> %s (%s)\n", d->kind, d->a ? d->a : "-", d->b ? d->b : "-",
		d->b_reason ? d->b_reason : "");
	return 0;
}

START_TEST(test_diff)
{
	static const struct store_diff_visitor v = {
		.header = diff_header,
		.field = diff_field,
		.word = diff_word,
		.message = diff_message,
		.step = diff_step,
	};
	struct store_diff_counts c;
	struct store *s;
	int64_t a, b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	load_pair(s);
	tu_assert_ok(ctx, store_find_bundle(s, "01010101-0101-0101-0101-010101010101", &a));
	tu_assert_ok(ctx, store_find_bundle(s, "02020202", &b));
	ck_assert_int_eq(store_find_bundle(s, "03030303", &b), -ENOENT);
	ck_assert_int_eq(store_find_bundle(s, "zz", &b), -EINVAL);
	tu_assert_ok(ctx, store_find_bundle(s, "02020202", &b));
	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, store_diff(s, a, b, &v, f, &c));
	fclose(f);
	ck_assert_str_eq(buf,
			 "cards sn:MT_0000000359:MT2001X00001 sn:MT_0000000359:MT2001X00001 same=1\n"
			 "step crspace ok -> failed (timed out after 60 s)\n"
			 "field MGIR[0].fw_version 16 -> 17\n"
			 "field MGIR[0].psid MT_1 -> MT_2\n"
			 "word 0x14 0000000f -> deadbeef\n"
			 "word 0x1770 00001194 -> 00000000\n"
			 "new 'FW assert at 0x%08x' x2 x:2748..3567 e.g. 'FW assert at 0x00000abc'\n"
			 "gone 'cmd 0x%x done, syndrome 0x%x' x1 x:2054..2054 x:0..0 e.g. "
			 "'cmd 0x806 done, syndrome 0x0'\n");
	ck_assert_uint_eq(c.steps, 1);
	ck_assert_uint_eq(c.fields, 2);
	ck_assert_uint_eq(c.words, 2);
	ck_assert_uint_eq(c.messages, 1);
	ck_assert_uint_eq(c.messages_gone, 1);
	free(buf);
	/* Nothing differs from itself. */
	tu_assert_ok(ctx, store_diff(s, b, b, NULL, NULL, &c));
	ck_assert_uint_eq(c.steps + c.fields + c.words + c.messages + c.messages_gone, 0);
	store_close(s);
}
END_TEST

/* Text-only captures of two different cards: matched text is compared by
 * format, a message kept as text is known when it renders a format of the
 * other side, and the header says the cards differ. */
START_TEST(test_diff_text)
{
	static const struct store_diff_visitor v = {
		.header = diff_header,
		.message = diff_message,
	};
	struct store_diff_counts c;
	struct fake_bundle fb;
	struct store_load *l;
	struct store *s;
	struct store_trace_event ev = { .source = STORE_TRACE_TEXT, .event_id = 1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	fake_bundle(&fb, 1, "S1", "1.2.3");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	ev.format = "port %d: up";
	ev.nparams = 1;
	ev.params[0] = 0xffffffff;
	tu_assert_ok(ctx, store_load_trace(l, &ev));
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	fake_bundle(&fb, 2, "S2", "1.2.3");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	ev.params[0] = 5;
	tu_assert_ok(ctx, store_load_trace(l, &ev));
	ev.params[0] = 9;
	tu_assert_ok(ctx, store_load_trace(l, &ev));
	ev.format = "port 4: up";
	ev.text = true;
	ev.nparams = 0;
	tu_assert_ok(ctx, store_load_trace(l, &ev));
	ev.format = "qp 0x1f: gone";
	tu_assert_ok(ctx, store_load_trace(l, &ev));
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, store_diff(s, 1, 2, &v, f, &c));
	fclose(f);
	ck_assert_str_eq(buf, "cards sn:MT_0000000359:S1 sn:MT_0000000359:S2 same=0\n"
			      "new 'qp 0x1f: gone' x1 e.g. 'qp 0x1f: gone' (text)\n");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, store_diff(s, 2, 1, &v, f, &c));
	fclose(f);
	ck_assert_str_eq(buf, "cards sn:MT_0000000359:S2 sn:MT_0000000359:S1 same=0\n"
			      "gone 'qp 0x1f: gone' x1 e.g. 'qp 0x1f: gone' (text)\n");
	free(buf);
	store_close(s);
}
END_TEST

static int diff_segment(void *u, const struct store_diff_segment *g)
{
	fprintf(u, "segment %s 0x%x %s [%lld,%lld] #%llu", g->dump, g->type, g->name ? g->name : "-",
		(long long)g->index1, (long long)g->index2, (unsigned long long)g->nth);
	fprintf(u, g->has_a ? " %llu" : " -", (unsigned long long)g->a_size);
	fprintf(u, g->has_b ? " -> %llu\n" : " -> -\n", (unsigned long long)g->b_size);
	return 0;
}

/* Segments are matched by dump, type, indexes and their order among equal
 * keys; the previous capture of a card is the one made just before. */
START_TEST(test_diff_segments_previous)
{
	static const struct store_diff_visitor v = { .segment = diff_segment };
	struct store_diff_counts c;
	struct fake_bundle fb;
	struct store_load *l;
	struct store *s;
	int64_t id[4], prev;
	char *buf = NULL, *uuid = NULL, *created = NULL, *file = NULL;
	size_t len = 0;
	FILE *f;

	tu_assert_ok(ctx, store_open(ctx, "h.db", 0, &s));
	/* n=1 and n=3: the same card; n=2: another card, between them. */
	fake_bundle(&fb, 1, "MT2001X00001", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x1000, "QP", 0, 0, "aaaa", 4));
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x1000, "QP", 0, 0, "bbbb", 4));
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x2000, "CQ", 1, 2, "cccc", 4));
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	fake_bundle(&fb, 2, "MT2001X00002", "16.35.1012");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	fake_bundle(&fb, 3, "MT2001X00001", "16.35.2000");
	ck_assert_int_eq(store_load_begin(s, &fb.info, &l), STORE_LOAD_NEW);
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x1000, "QP", 0, 0, "aaaa", 4));
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x1000, "QP", 0, 0, "bbbX", 4));
	tu_assert_ok(ctx, store_load_segment(l, "resdump.X", 0x3000, "EQ", 0, 0, "dddddd", 6));
	tu_assert_ok(ctx, store_load_commit(l, NULL));
	tu_assert_ok(ctx, store_find_bundle(s, "01010101", &id[1]));
	tu_assert_ok(ctx, store_find_bundle(s, "02020202", &id[2]));
	tu_assert_ok(ctx, store_find_bundle(s, "03030303", &id[3]));

	tu_assert_ok(ctx, store_previous_capture(s, id[3], &prev));
	ck_assert_int_eq(prev, id[1]);
	ck_assert_int_eq(store_previous_capture(s, id[1], &prev), -ENOENT);
	ck_assert_int_eq(store_previous_capture(s, id[2], &prev), -ENOENT);
	tu_assert_ok(ctx, store_bundle_info(s, id[1], &uuid, &created, &file));
	ck_assert_str_eq(uuid, "01010101-0101-0101-0101-010101010101");
	ck_assert_ptr_nonnull(created);
	ck_assert_ptr_nonnull(file);
	free(uuid);
	free(created);
	free(file);
	ck_assert_int_eq(store_bundle_info(s, 999, NULL, NULL, NULL), -ENOENT);

	f = open_memstream(&buf, &len);
	tu_assert_ok(ctx, store_diff(s, id[1], id[3], &v, f, &c));
	fclose(f);
	ck_assert_str_eq(buf, "segment resdump.X 0x1000 QP [0,0] #1 4 -> 4\n"
			      "segment resdump.X 0x2000 CQ [1,2] #0 4 -> -\n"
			      "segment resdump.X 0x3000 EQ [0,0] #0 - -> 6\n");
	ck_assert_uint_eq(c.segments, 3);
	free(buf);
	tu_assert_ok(ctx, store_diff(s, id[3], id[3], NULL, NULL, &c));
	ck_assert_uint_eq(c.segments, 0);
	store_close(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("store-diff");
	TCase *tc = tcase_create("store-diff");

	tcase_add_checked_fixture(tc, su_setup, su_teardown);
	tcase_add_test(tc, test_diff);
	tcase_add_test(tc, test_diff_text);
	tcase_add_test(tc, test_diff_segments_previous);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
