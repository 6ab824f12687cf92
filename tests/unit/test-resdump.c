/* SPDX-License-Identifier: MIT */
/* test-resdump: the resource-dump segment stream, golden and broken. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "resdump-enc.h"
#include "resdump.h"
#include "testutil.h"

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
	char lines[16][200];
	unsigned n, menus, problems;
	uint64_t problem_off;
};

static int on_seg(void *ud, const struct resdump_segment *s)
{
	struct got *g = ud;

	if (g->n < 16)
		snprintf(g->lines[g->n], sizeof(g->lines[0]),
			 "%llu %s %04x %s len %u v%u/%x/%x c%x/%u i%x/%x o%u/%u r%u s%x '%s' p%zu",
			 (unsigned long long)s->offset, s->kind, s->type, s->name ? s->name : "-",
			 s->length, s->dump_version, s->hw_version, s->fw_version, s->segment_called,
			 s->vhca_id, s->index1, s->index2, s->num_of_obj1, s->num_of_obj2,
			 s->num_records, s->syndrome_id, s->text, s->payload_len);
	g->n++;
	return 0;
}

static int on_menu(void *ud, const struct resdump_menu_record *m)
{
	struct got *g = ud;

	if (g->menus == 0) {
		ck_assert_uint_eq(m->type, 0x1000);
		ck_assert_str_eq(m->segment_name, "FULL_QPC");
		ck_assert_str_eq(m->index1_name, "QPN");
		ck_assert_str_eq(m->index2_name, "");
		ck_assert_uint_eq(m->flags, 0x003);
	}
	g->menus++;
	return 0;
}

static void on_problem(void *ud, uint64_t off, int err, const char *msg)
{
	struct got *g = ud;

	(void)err;
	(void)msg;
	if (!g->problems++)
		g->problem_off = off;
}

static void run(const uint8_t *p, size_t len, size_t chunk, struct got *g)
{
	struct resdump *r;
	size_t off;

	memset(g, 0, sizeof(*g));
	tu_assert_ok(ctx, resdump_new(ctx, on_seg, on_menu, on_problem, g, &r));
	for (off = 0; off < len; off += chunk)
		tu_assert_ok(ctx, resdump_feed(r, p + off, len - off < chunk ? len - off : chunk));
	tu_assert_ok(ctx, resdump_finish(r));
	resdump_free(r);
}

START_TEST(test_golden)
{
	uint8_t buf[1024];
	size_t len = rdenc_sample(buf, sizeof(buf));
	struct got g, g2;
	unsigned i;

	ck_assert_uint_gt(len, 0);
	run(buf, len, len, &g);
	ck_assert_uint_eq(g.n, 9);
	ck_assert_uint_eq(g.menus, 2);
	ck_assert_uint_eq(g.problems, 0);
	ck_assert_str_eq(g.lines[0], "0 INFO fffe - len 16 v1/a0/1c0027 c0/0 i0/0 o0/0 r0 s0 '' p0");
	ck_assert_str_eq(g.lines[1], "16 COMMAND fffa - len 20 v0/0/0 cffff/0 i0/0 o0/0 r0 s0 '' p0");
	ck_assert_str_eq(g.lines[2], "36 MENU ffff - len 112 v0/0/0 c0/0 i0/0 o0/0 r2 s0 '' p104");
	ck_assert_str_eq(g.lines[3],
			 "148 COMMAND fffa FULL_QPC len 20 v0/0/0 c1000/3 i2a/0 o1/65535 r0 s0 '' p0");
	ck_assert_str_eq(g.lines[4],
			 "168 RESOURCE 1000 FULL_QPC len 24 v0/0/0 c0/0 i2a/7 o0/0 r0 s0 '' p8");
	ck_assert_str_eq(g.lines[5],
			 "192 REFERENCE fffd SND_BUFF len 20 v0/0/0 c1001/0 i2a/0 o0/0 r0 s0 '' p0");
	ck_assert_str_eq(g.lines[6], "212 NOTICE fff9 - len 48 v0/0/0 c0/0 i0/0 o0/0 r0 s5 'partial dump' p0");
	ck_assert_str_eq(g.lines[7], "260 ERROR fffc - len 48 v0/0/0 c0/0 i0/0 o0/0 r0 s9 'bad index' p0");
	ck_assert_str_eq(g.lines[8], "308 TERMINATE fffb - len 4 v0/0/0 c0/0 i0/0 o0/0 r0 s0 '' p0");
	/* Byte by byte: the same. */
	run(buf, len, 1, &g2);
	ck_assert_uint_eq(g2.n, 9);
	for (i = 0; i < 9; i++)
		ck_assert_str_eq(g.lines[i], g2.lines[i]);
}
END_TEST

START_TEST(test_broken)
{
	uint8_t buf[1024];
	size_t len = rdenc_sample(buf, sizeof(buf));
	struct got g;

	/* Cut inside the RESOURCE segment: earlier ones decode, the rest is reported. */
	run(buf, 180, 64, &g);
	ck_assert_uint_eq(g.n, 4);
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.problem_off, 168);
	/* A zero-length header stops framing, with its offset. */
	fw_put_be32(buf + 168, 0x00001000);
	run(buf, len, len, &g);
	ck_assert_uint_eq(g.n, 4);
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.problem_off, 168);
	/* A MENU announcing more records than fit: those that fit decode. */
	len = rdenc_sample(buf, sizeof(buf));
	fw_put_be32(buf + 36 + 4, 50);
	run(buf, len, len, &g);
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.problem_off, 36);
	ck_assert_uint_eq(g.menus, 2);
	ck_assert_uint_eq(g.n, 9);
	/* An INFO shorter than its fixed part: header only, framing goes on. */
	len = rdenc_sample(buf, sizeof(buf));
	fw_put_be32(buf, (1u << 16) | 0xfffe);
	fw_put_be32(buf + 4, (3u << 16) | 0xfffb);
	run(buf, len, len, &g);
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.problem_off, 0);
	ck_assert_str_eq(g.lines[1], "4 TERMINATE fffb - len 12 v0/0/0 c0/0 i0/0 o0/0 r0 s0 '' p8");
	ck_assert_str_eq(g.lines[2], "16 COMMAND fffa - len 20 v0/0/0 cffff/0 i0/0 o0/0 r0 s0 '' p0");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("resdump");
	TCase *tc = tcase_create("stream");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_broken);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
