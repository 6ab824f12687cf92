/* SPDX-License-Identifier: MIT */
/* test-health: fmsg (netlink and JSON) and the health buffer. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "fmsg-enc.h"
#include "health.h"
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
	char lines[64][160];
	unsigned n, ends, problems;
	uint64_t problem_off;
};

static int on_item(void *ud, const struct health_item *h)
{
	struct got *g = ud;

	if (h->event == HEALTH_END) {
		g->ends++;
		return 0;
	}
	if (g->n >= 64)
		return 0;
	if (h->type == HEALTH_STRING)
		snprintf(g->lines[g->n++], sizeof(g->lines[0]), "%s %s '%s'", h->path,
			 health_vtype_name(h->type), h->str);
	else
		snprintf(g->lines[g->n++], sizeof(g->lines[0]), "%s %s %llu", h->path,
			 health_vtype_name(h->type), (unsigned long long)h->u);
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

static void run_fmsg(const uint8_t *p, size_t len, size_t chunk, struct got *g)
{
	struct health_fmsg *f;
	size_t off;

	memset(g, 0, sizeof(*g));
	tu_assert_ok(ctx, health_fmsg_new(ctx, on_item, on_problem, g, &f));
	for (off = 0; off < len; off += chunk)
		tu_assert_ok(ctx, health_fmsg_feed(f, p + off, len - off < chunk ? len - off : chunk));
	tu_assert_ok(ctx, health_fmsg_finish(f));
	health_fmsg_free(f);
}

static const char *const want_dump[] = {
	"syndrome u8 1",
	"fw_miss_counter u32 3",
	"health buffer/assert_var[0] u32 256",
	"health buffer/assert_var[1] u32 257",
	"health buffer/assert_var[2] u32 258",
	"health buffer/assert_var[3] u32 259",
	"health buffer/assert_var[4] u32 260",
	"health buffer/assert_var[5] u32 261",
	"health buffer/synd u8 1",
	"dump fw traces[0]/timestamp u64 4096",
	"dump fw traces[0]/lost bool 0",
	"dump fw traces[0]/event_id u8 32",
	"dump fw traces[0]/msg string 'first saved'",
	"dump fw traces[1]/timestamp u64 4097",
	"dump fw traces[1]/lost bool 1",
	"dump fw traces[1]/event_id u8 32",
	"dump fw traces[1]/msg string 'second saved'",
};

START_TEST(test_fmsg_golden)
{
	static struct fenc e;
	size_t len = fenc_fw_dump(&e), i;
	struct got g;

	run_fmsg(e.buf, len, len, &g);
	ck_assert_uint_eq(g.problems, 0);
	ck_assert_uint_eq(g.n, sizeof(want_dump) / sizeof(want_dump[0]));
	for (i = 0; i < g.n; i++)
		ck_assert_str_eq(g.lines[i], want_dump[i]);
	/* objects: root, health buffer, 2 traces; arrays: assert_var, traces */
	ck_assert_uint_eq(g.ends, 6);
	/* Fed 3 bytes at a time: the same. */
	run_fmsg(e.buf, len, 3, &g);
	ck_assert_uint_eq(g.n, sizeof(want_dump) / sizeof(want_dump[0]));
	for (i = 0; i < g.n; i++)
		ck_assert_str_eq(g.lines[i], want_dump[i]);
	/* The bare item stream (FMSG nest header dropped, as the devlink
	 * transport returns it): the same again. */
	run_fmsg(e.buf + 4, len - 4, 5, &g);
	ck_assert_uint_eq(g.problems, 0);
	ck_assert_uint_eq(g.n, sizeof(want_dump) / sizeof(want_dump[0]));
	for (i = 0; i < g.n; i++)
		ck_assert_str_eq(g.lines[i], want_dump[i]);
}
END_TEST

START_TEST(test_json_golden)
{
	static const char json[] =
		"{\"syndrome\":1,\"fw_miss_counter\":3,\"health buffer\":{\"assert_var\":"
		"[256,257,258,259,260,261],\"synd\":1},\"dump fw traces\":[{\"timestamp\":4096,"
		"\"lost\":false,\"event_id\":32,\"msg\":\"first saved\"},{\"timestamp\":4097,"
		"\"lost\":true,\"event_id\":32,\"msg\":\"second saved\"}]}";
	struct got g;
	size_t i;

	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, health_json_parse(ctx, json, strlen(json), on_item, on_problem, &g));
	ck_assert_uint_eq(g.n, sizeof(want_dump) / sizeof(want_dump[0]));
	for (i = 0; i < g.n; i++) {
		/* Same paths and values; JSON has no widths. */
		static const char *const widths[] = { " u8 ", " u32 ", " u64 " };
		char want[160];
		const char *w;
		size_t k;

		snprintf(want, sizeof(want), "%s", want_dump[i]);
		for (k = 0; k < 3; k++) {
			w = strstr(want_dump[i], widths[k]);
			if (w && !strstr(want_dump[i], " string "))
				snprintf(want, sizeof(want), "%.*s number %s", (int)(w - want_dump[i]),
					 want_dump[i], w + strlen(widths[k]));
		}
		ck_assert_str_eq(g.lines[i], want);
	}
	ck_assert_uint_eq(g.ends, 6);
	ck_assert_int_eq(health_json_parse(ctx, "{\"a\":", 5, on_item, on_problem, &g), -EBADMSG);
}
END_TEST

/* Issue 10 (fuzzing): a JSON number outside uint64 (1e308, NaN-like, a
 * fraction, a negative) was cast to uint64_t, undefined behaviour (UBSan).
 * Only whole numbers in range are numbers; the rest keep their JSON text. */
START_TEST(test_json_numbers_out_of_range)
{
	static const char json[] = "{\"a\":1e308,\"b\":-5,\"c\":2.5,\"d\":7.0,\"e\":-1e308,"
				   "\"f\":18446744073709551615,\"g\":18446744073709551616.0}";
	struct got g;

	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, health_json_parse(ctx, json, strlen(json), on_item, on_problem, &g));
	ck_assert_uint_eq(g.n, 7);
	ck_assert_str_eq(g.lines[0], "a string '1e308'");
	ck_assert_str_eq(g.lines[1], "b string '-5'");
	ck_assert_str_eq(g.lines[2], "c string '2.5'");
	ck_assert_str_eq(g.lines[3], "d number 7");
	ck_assert_str_eq(g.lines[4], "e string '-1e308'");
	ck_assert_str_eq(g.lines[5], "f number 18446744073709551615");
	ck_assert_str_eq(g.lines[6], "g string '18446744073709551616.0'");
	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, health_json_parse(ctx, "1e308 ", 6, on_item, on_problem, &g));
	ck_assert_uint_eq(g.n, 1);
}
END_TEST

START_TEST(test_fmsg_broken)
{
	static struct fenc e;
	size_t len = fenc_fw_dump(&e);
	struct got g;
	uint8_t bad[16];

	/* Cut in the middle: what came before decodes, the end is reported. */
	run_fmsg(e.buf, len / 2, 7, &g);
	ck_assert_uint_gt(g.n, 2);
	ck_assert_uint_ge(g.problems, 1);
	/* An attribute of length 2 stops framing at its offset. */
	memcpy(bad, e.buf, 8);
	fw_put_le16(bad + 4, 2);
	run_fmsg(bad, 8, 8, &g);
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.problem_off, 4);
	/* A value without a type, and a u32 of 2 bytes. */
	fenc_init(&e);
	fenc_obj(&e);
	fenc_pair(&e, "x");
	fenc_attr(&e, FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_DATA, "ab", 2);
	fenc_end(&e);
	fenc_pair(&e, "y");
	fenc_value(&e, HEALTH_U32, "ab", 2);
	fenc_end(&e);
	fenc_end(&e);
	len = fenc_finish(&e);
	run_fmsg(e.buf, len, len, &g);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(g.problems, 2);
}
END_TEST

START_TEST(test_fmsg_deep)
{
	static struct fenc e;
	size_t len;
	unsigned i;
	struct got g;

	fenc_init(&e);
	for (i = 0; i < 40; i++)
		fenc_arr(&e);
	fenc_u32(&e, 7);
	for (i = 0; i < 40; i++)
		fenc_end(&e);
	fenc_arr(&e);
	fenc_u32(&e, 9);
	fenc_end(&e);
	len = fenc_finish(&e);
	run_fmsg(e.buf, len, len, &g);
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.lines[0], "[0] u32 9");
}
END_TEST

START_TEST(test_health_buffer)
{
	uint8_t hb[64];
	struct got g;

	memset(hb, 0, sizeof(hb));
	memset(&g, 0, sizeof(g));
	fw_put_be32(hb + 0x00, 0xaabbccdd);
	fw_put_be32(hb + 0x20, 0x1234);
	fw_put_be32(hb + 0x30, 0x1c0027);
	hb[0x38] = 0x80 | 0x08 | 0x3;
	hb[0x3c] = 2;
	hb[0x3d] = 0x1;
	fw_put_be16(hb + 0x3e, 0x55);
	tu_assert_ok(ctx, health_buffer_parse(ctx, hb, sizeof(hb), on_item, &g));
	ck_assert_uint_eq(g.n, 19);
	ck_assert_str_eq(g.lines[0], "health buffer/assert_var[0] u32 2864434397");
	ck_assert_str_eq(g.lines[6], "health buffer/assert_exit_ptr u32 4660");
	ck_assert_str_eq(g.lines[9], "health buffer/fw_ver u32 1835047");
	ck_assert_str_eq(g.lines[11], "health buffer/rfr u8 1");
	ck_assert_str_eq(g.lines[12], "health buffer/crr u8 0");
	ck_assert_str_eq(g.lines[13], "health buffer/severity_valid u8 1");
	ck_assert_str_eq(g.lines[14], "health buffer/severity u8 3");
	ck_assert_str_eq(g.lines[15], "health buffer/irisc_index u8 2");
	ck_assert_str_eq(g.lines[16], "health buffer/synd u8 1");
	ck_assert_str_eq(g.lines[17], "health buffer/ext_synd u16 85");
	ck_assert_str_eq(g.lines[18], "health buffer/synd_name string 'firmware internal error'");
	ck_assert_int_eq(health_buffer_parse(ctx, hb, 63, on_item, &g), -EBADMSG);
	ck_assert_ptr_null(health_syndrome_name(0x2));
	ck_assert_str_eq(health_syndrome_name(0x10), "High temperature");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("fmsg");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fmsg_golden);
	tcase_add_test(tc, test_json_golden);
	tcase_add_test(tc, test_json_numbers_out_of_range);
	tcase_add_test(tc, test_fmsg_broken);
	tcase_add_test(tc, test_fmsg_deep);
	tcase_add_test(tc, test_health_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
