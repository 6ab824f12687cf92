/* SPDX-License-Identifier: MIT */
/* test-regs: field-level register decode against a small local catalog. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "regs.h"
#include "testutil.h"

static const struct regcat_enum tech_enums[] = {
	{ 4, "7nm" },
	{ 5, "5nm" },
};

static const struct regcat_field test_fields[] = {
	{ "device_hw_revision", 0, 16, REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
	{ "device_id", 16, 16, REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
	{ "technology", 32 + 16, 5, REGCAT_UINT, tech_enums, 2, REGCAT_SHOW_DEC },
	{ "psid", 0x30 * 8, 16 * 8, REGCAT_STRING, NULL, 0 },
	{ "raw", 8 * 8, 4 * 8, REGCAT_BYTES, NULL, 0 },
	{ "crosses", 30, 4, REGCAT_UINT, NULL, 0 },
	{ "past_end", 0x40 * 8, 32, REGCAT_UINT, NULL, 0 },
	{ "full", 0x1c * 8, 32, REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
};

static const struct regcat_reg test_reg = {
	"MGIR", 0x9020, 0x40, "test", test_fields, sizeof(test_fields) / sizeof(test_fields[0]),
};

struct got {
	char lines[16][128];
	unsigned n;
	unsigned problems;
	uint64_t problem_off[4];
};

static int on_field(void *ud, const struct regs_field *f)
{
	struct got *g = ud;
	char v[96];

	regs_field_value_text(f, v, sizeof(v));
	snprintf(g->lines[g->n++], sizeof(g->lines[0]), "%s.%s = %s", f->reg, f->field, v);
	return 0;
}

static void on_problem(void *ud, uint64_t off, int err, const char *msg)
{
	struct got *g = ud;

	(void)msg;
	ck_assert_int_eq(err, -EBADMSG);
	if (g->problems < 4)
		g->problem_off[g->problems] = off;
	g->problems++;
}

START_TEST(test_decode_golden)
{
	uint8_t data[0x40];
	struct got g;

	memset(data, 0, sizeof(data));
	memset(&g, 0, sizeof(g));
	fw_put_be32(data, 0x00a1101d);
	fw_mlx5_set(data, 48, 5, 4);
	memcpy(data + 0x30, "MT_0000000009  ", 15);
	fw_put_be32(data + 8, 0xdeadbeef);
	fw_put_be32(data + 0x1c, 0xffffffff);
	ck_assert_int_eq(regs_decode(&test_reg, data, sizeof(data), on_field, on_problem, &g), 6);
	ck_assert_uint_eq(g.n, 6);
	ck_assert_str_eq(g.lines[0], "MGIR.device_hw_revision = 0xa1");
	ck_assert_str_eq(g.lines[1], "MGIR.device_id = 0x101d");
	ck_assert_str_eq(g.lines[2], "MGIR.technology = 7nm (4)");
	ck_assert_str_eq(g.lines[3], "MGIR.psid = MT_0000000009");
	ck_assert_str_eq(g.lines[4], "MGIR.raw = deadbeef");
	ck_assert_str_eq(g.lines[5], "MGIR.full = 0xffffffff");
	ck_assert_uint_eq(g.problems, 2);
	ck_assert_uint_eq(g.problem_off[0], 3);    /* crosses: bit 30 */
	ck_assert_uint_eq(g.problem_off[1], 0x40); /* past_end */
}
END_TEST

/* One base per field: decimal, hexadecimal, degrees C (0.125 steps,
 * signed), enum names first. */
START_TEST(test_uint_text)
{
	char b[64];

	regs_uint_text(42, REGCAT_SHOW_DEC, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "42");
	regs_uint_text(0x101d, REGCAT_SHOW_HEX, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "0x101d");
	regs_uint_text(4, REGCAT_SHOW_DEC, "7nm", b, sizeof(b));
	ck_assert_str_eq(b, "7nm (4)");
	regs_uint_text(361, REGCAT_SHOW_CELSIUS8, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "45.125 C");
	regs_uint_text(364, REGCAT_SHOW_CELSIUS8, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "45.5 C");
	regs_uint_text(400, REGCAT_SHOW_CELSIUS8, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "50 C");
	regs_uint_text(0xffe7, REGCAT_SHOW_CELSIUS8, NULL, b, sizeof(b)); /* -25 eighths */
	ck_assert_str_eq(b, "-3.125 C");
	regs_uint_text(38 * 256 + 64, REGCAT_SHOW_CELSIUS256, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "38.25 C");
	regs_uint_text(0xfb00, REGCAT_SHOW_CELSIUS256, NULL, b, sizeof(b)); /* -5 C */
	ck_assert_str_eq(b, "-5 C");
	regs_uint_text(1, REGCAT_SHOW_CELSIUS256, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "0.003 C");
	regs_uint_text(4402785244ull, REGCAT_SHOW_DEC, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "4402785244");
}
END_TEST

START_TEST(test_short_data)
{
	uint8_t data[6] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
	struct got g;

	memset(&g, 0, sizeof(g));
	/* Only the first two fields fit in 6 bytes. */
	ck_assert_int_eq(regs_decode(&test_reg, data, sizeof(data), on_field, on_problem, &g), 2);
	ck_assert_str_eq(g.lines[1], "MGIR.device_id = 0x5678");
	ck_assert_uint_eq(g.problems, 6);
	ck_assert_int_eq(regs_decode(&test_reg, data, 0, on_field, NULL, &g), 0);
}
END_TEST

/*
 * Issue 10: a 6-byte MGIR made the decoder read the whole dword of a field
 * that ends at byte 6, two bytes past a heap block of exactly 6 (ASan saw
 * it in `fwbox regs`).  The field's own bits are all present, so it decodes
 * from bytes 4-5 alone; a field reaching byte 6 is reported, never read.
 */
static const struct regcat_field mgir_head[] = {
	{ "device_hw_revision", 0, 16, REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
	{ "device_id", 16, 16, REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
	{ "num_ports", 32 + 4, 12, REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
	{ "technology", 32 + 16, 5, REGCAT_UINT, tech_enums, 2 },
	{ "tail", 5 * 8, 8, REGCAT_BYTES, NULL, 0 },
	{ "last_nibble", 5 * 8 + 4, 4, REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
};
static const struct regcat_reg mgir_head_reg = {
	"MGIR", 0x9020, 0x40, "test", mgir_head, sizeof(mgir_head) / sizeof(mgir_head[0]),
};

START_TEST(test_short_dword_no_overread)
{
	static const uint8_t bytes[6] = { 0x00, 0xa1, 0x10, 0x1d, 0x0a, 0xbc };
	uint8_t *data = malloc(sizeof(bytes));   /* exactly 6: ASan sees byte 6 */
	struct got g;

	ck_assert_ptr_nonnull(data);
	memcpy(data, bytes, sizeof(bytes));
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(regs_decode(&mgir_head_reg, data, sizeof(bytes), on_field, on_problem, &g), 5);
	ck_assert_str_eq(g.lines[0], "MGIR.device_hw_revision = 0xa1");
	ck_assert_str_eq(g.lines[1], "MGIR.device_id = 0x101d");
	ck_assert_str_eq(g.lines[2], "MGIR.num_ports = 0xabc");
	ck_assert_str_eq(g.lines[3], "MGIR.tail = bc");
	ck_assert_str_eq(g.lines[4], "MGIR.last_nibble = 0xc");
	ck_assert_uint_eq(g.problems, 1);           /* technology: byte 6 */
	ck_assert_uint_eq(g.problem_off[0], 6);
	/* Every length from 0 to 6 decodes only what is there. */
	for (size_t n = 0; n <= sizeof(bytes); n++) {
		uint8_t *cut = malloc(n ? n : 1);

		ck_assert_ptr_nonnull(cut);
		memcpy(cut, bytes, n);
		memset(&g, 0, sizeof(g));
		ck_assert_int_ge(regs_decode(&mgir_head_reg, cut, n, on_field, on_problem, &g), 0);
		ck_assert_uint_eq(g.n + g.problems, 6);
		free(cut);
	}
	free(data);
}
END_TEST

/* A paged register: base fields, the raw page, and two pages (a third
 * entry of another register must be ignored). */
static const struct regcat_field paged_base[] = {
	{ "local_port", 8, 8, REGCAT_UINT, NULL, 0, REGCAT_SHOW_DEC },
	{ "page_select", 32 + 24, 8, REGCAT_UINT, NULL, 0, REGCAT_SHOW_DEC },
	{ "page_data", 64, 24 * 8, REGCAT_BYTES, NULL, 0 },
};
static const struct regcat_field paged_p1[] = {
	{ "opcode", 64 + 16, 16, REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
	{ "message", 0x0c * 8, 16 * 8, REGCAT_STRING, NULL, 0 },
};
static const struct regcat_field paged_p3[] = {
	{ "temperature", 64, 16, REGCAT_UINT, NULL, 0, REGCAT_SHOW_CELSIUS256 },
};
static const struct regcat_page paged_pages[] = {
	{ 0x5031, "page_select", 1, "page_data", "one", paged_p1, 2 },
	{ 0x9020, "page_select", 3, "page_data", "another register", paged_p1, 2 },
	{ 0x5031, "page_select", 3, "page_data", "three", paged_p3, 1 },
};
static const struct regcat_reg paged_reg = {
	"PDDR", 0x5031, 0x20, "test", paged_base, 3, paged_pages, 3,
};

/* Each page shows its own fields in place of the raw page; a value with
 * no page, or a selector cut off, shows the raw bytes as before. */
START_TEST(test_paged)
{
	uint8_t data[0x20] = { 0 };
	struct got g;

	data[1] = 2;
	data[7] = 1;
	fw_put_be32(data + 8, 0x0000040a);
	memcpy(data + 0x0c, "Cable unplugged ", 16);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(regs_decode(&paged_reg, data, sizeof(data), on_field, on_problem, &g), 4);
	ck_assert_str_eq(g.lines[0], "PDDR.local_port = 2");
	ck_assert_str_eq(g.lines[1], "PDDR.page_select = 1");
	ck_assert_str_eq(g.lines[2], "PDDR.opcode = 0x40a");
	ck_assert_str_eq(g.lines[3], "PDDR.message = Cable unplugged");
	ck_assert_uint_eq(g.problems, 0);

	data[7] = 3;                                 /* the other page: 38.5 C */
	fw_put_be16(data + 8, 38 * 256 + 128);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(regs_decode(&paged_reg, data, sizeof(data), on_field, on_problem, &g), 3);
	ck_assert_str_eq(g.lines[2], "PDDR.temperature = 38.5 C");

	data[7] = 2;                                 /* no page 2: the raw bytes */
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(regs_decode(&paged_reg, data, sizeof(data), on_field, on_problem, &g), 3);
	ck_assert(strncmp(g.lines[2], "PDDR.page_data = 2680040a", 25) == 0);

	data[7] = 1;                                 /* selector cut off: base only */
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(regs_decode(&paged_reg, data, 6, on_field, on_problem, &g), 1);
	ck_assert_uint_eq(g.problems, 2);
	/* The page selected but the page cut short: what is there, the rest
	 * reported. */
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(regs_decode(&paged_reg, data, 0x10, on_field, on_problem, &g), 3);
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.problem_off[0], 0x0c);
}
END_TEST

static int stop_cb(void *ud, const struct regs_field *f)
{
	(void)ud;
	(void)f;
	return -EINTR;
}

START_TEST(test_callback_stops)
{
	uint8_t data[0x40] = { 0 };

	ck_assert_int_eq(regs_decode(&test_reg, data, sizeof(data), stop_cb, NULL, NULL), -EINTR);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("regs");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_decode_golden);
	tcase_add_test(tc, test_uint_text);
	tcase_add_test(tc, test_short_data);
	tcase_add_test(tc, test_short_dword_no_overread);
	tcase_add_test(tc, test_paged);
	tcase_add_test(tc, test_callback_stops);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
