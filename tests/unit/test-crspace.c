/* SPDX-License-Identifier: MIT */
/* test-crspace: CR-space images in their three layouts, and mstdump text. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "crspace.h"
#include "resdump-enc.h"
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
	uint32_t addr[64], val[64];
	unsigned n, runs, problems;
	uint64_t problem_off;
};

static int on_run(void *ud, uint32_t addr, const uint32_t *v, size_t n)
{
	struct got *g = ud;
	size_t i;

	g->runs++;
	for (i = 0; i < n; i++)
		if (g->n < 64) {
			g->addr[g->n] = addr + 4 * (uint32_t)i;
			g->val[g->n++] = v[i];
		}
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

static void run(enum crspace_layout l, const uint8_t *p, size_t len, size_t chunk, struct got *g)
{
	struct crspace *c;
	size_t off;

	memset(g, 0, sizeof(*g));
	tu_assert_ok(ctx, crspace_new(ctx, l, on_run, on_problem, g, &c));
	for (off = 0; off < len; off += chunk)
		tu_assert_ok(ctx, crspace_feed(c, p + off, len - off < chunk ? len - off : chunk));
	tu_assert_ok(ctx, crspace_finish(c));
	crspace_free(c);
}

START_TEST(test_flat_be)
{
	uint8_t img[4 * 5 + 2];
	struct got g;
	unsigned i;

	for (i = 0; i < 5; i++)
		fw_put_be32(img + 4 * i, 0x11110000 + i);
	img[20] = 0xaa;
	img[21] = 0xbb;
	run(CRSPACE_FLAT_BE, img, sizeof(img), 3, &g);
	ck_assert_uint_eq(g.n, 5);
	ck_assert_uint_eq(g.runs, 1);
	for (i = 0; i < 5; i++) {
		ck_assert_uint_eq(g.addr[i], 4 * i);
		ck_assert_uint_eq(g.val[i], 0x11110000 + i);
	}
	ck_assert_uint_eq(g.problems, 1); /* the 2 trailing bytes */
	ck_assert_uint_eq(g.problem_off, 20);
	ck_assert_int_eq(crspace_sniff(img, sizeof(img)), CRSPACE_FLAT_BE);
}
END_TEST

START_TEST(test_crdump_holes)
{
	uint8_t img[4 * 6];
	struct got g;

	fw_put_le32(img + 0, 1);
	fw_put_le32(img + 4, 2);
	fw_put_le32(img + 8, CRSPACE_UNREAD);
	fw_put_le32(img + 12, CRSPACE_UNREAD);
	fw_put_le32(img + 16, 5);
	fw_put_le32(img + 20, 6);
	run(CRSPACE_CRDUMP, img, sizeof(img), sizeof(img), &g);
	ck_assert_uint_eq(g.n, 4);
	ck_assert_uint_eq(g.runs, 2);
	ck_assert_uint_eq(g.addr[2], 16);
	ck_assert_uint_eq(g.val[2], 5);
	ck_assert_uint_eq(g.problems, 0);
}
END_TEST

START_TEST(test_resdump_layout)
{
	uint8_t buf[256];
	size_t o = 0;
	struct got g;

	memset(buf, 0, sizeof(buf));
	o += rdenc_hdr(buf + o, 16, 0xfffe);
	o += rdenc_hdr(buf + o, 20, 0xfffa);
	rdenc_hdr(buf + o, 24, 0x0008);
	fw_put_be32(buf + o + 8, 0x500000);
	fw_put_be32(buf + o + 16, 0xcafe0001);
	fw_put_be32(buf + o + 20, 0xcafe0002);
	o += 24;
	rdenc_hdr(buf + o, 20, 0x0008);
	fw_put_be32(buf + o + 8, 0x500c00);
	fw_put_be32(buf + o + 16, 0xcafe0003);
	o += 20;
	rdenc_hdr(buf + o, 48, 0xfffc);
	memcpy(buf + o + 16, "oops", 4);
	o += 48;
	o += rdenc_hdr(buf + o, 4, 0xfffb);
	ck_assert_int_eq(crspace_sniff(buf, o), CRSPACE_RESDUMP);
	run(CRSPACE_RESDUMP, buf, o, 5, &g);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_uint_eq(g.runs, 2);
	ck_assert_uint_eq(g.addr[0], 0x500000);
	ck_assert_uint_eq(g.addr[1], 0x500004);
	ck_assert_uint_eq(g.addr[2], 0x500c00);
	ck_assert_uint_eq(g.val[2], 0xcafe0003);
	ck_assert_uint_eq(g.problems, 1); /* the ERROR segment */
	ck_assert_uint_eq(g.problem_off, 80);
}
END_TEST

START_TEST(test_mstdump_line)
{
	char line[CRSPACE_MSTDUMP_LINE];

	ck_assert_uint_eq(crspace_mstdump_line(0x500c00, 0xbadacce5, line), 22);
	ck_assert_str_eq(line, "0x00500c00 0xbadacce5\n");
	crspace_mstdump_line(0, 1, line);
	ck_assert_str_eq(line, "0x00000000 0x00000001\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("crspace");
	TCase *tc = tcase_create("images");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_flat_be);
	tcase_add_test(tc, test_crdump_holes);
	tcase_add_test(tc, test_resdump_layout);
	tcase_add_test(tc, test_mstdump_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
