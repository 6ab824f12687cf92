/* SPDX-License-Identifier: MIT */
/*
 * test-trace-match: the matcher that turns rendered trace messages back
 * into (format, parameters).  The central test is the property of
 * trace-match.h over every format of the emulator's strings database:
 * whatever the parameters, the rendered message matches, and rendering the
 * match gives the message back byte for byte.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "emu/emu.h"
#include "mlx5/mlx5.h"
#include "testutil.h"
#include "trace-enc.h"
#include "trace-match.h"
#include "trace.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	fw_ctx_free(ctx);
}

static uint64_t rng(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* Parameters shaped like firmware values: small, 16-bit, 20-bit, any. */
static uint32_t param_value(uint64_t *s)
{
	uint64_t r = rng(s);

	switch (r & 7) {
	case 0:
		return 0;
	case 1:
		return (uint32_t)(r >> 40) & 0xff;
	case 2:
		return (uint32_t)(r >> 32) & 0xffff;
	case 3:
		return (uint32_t)(r >> 32) & 0xfffff;
	case 4:
		return 0xffffffffu - ((uint32_t)(r >> 60));
	default:
		return (uint32_t)(r >> 32);
	}
}

/* The emulator's MTRC_CAP and strings database, read as a device would. */
static struct trace_strdb *emu_strdb(struct emu **ret_emu)
{
	struct emu *e = NULL;
	struct trace_cap cap;
	struct trace_strdb *db = NULL;
	uint8_t in[16 + 128], out[16 + 128];

	tu_assert_ok(ctx, emu_new(ctx, "emu:cx7,seed=5,tracefs=0", &e));
	memset(in, 0, sizeof(in));
	mlx5_mbox_in_hdr(in, 0x805, 1);
	fw_put_be32(in + 8, 0x9040); /* MTRC_CAP */
	ck_assert_int_eq(emu_cmd(e, in, sizeof(in), out, sizeof(out)), 0);
	ck_assert_uint_eq(out[0], 0);
	tu_assert_ok(ctx, trace_cap_parse(ctx, out + 16, 128, &cap));
	tu_assert_ok(ctx, trace_strdb_new(ctx, &cap, &db));
	for (unsigned i = 0; i < emu_strings_db_sections(e); i++) {
		const void *data;
		size_t len;

		tu_assert_ok(ctx, emu_strings_db(e, i, &data, &len));
		tu_assert_ok(ctx, trace_strdb_set_section(db, i, data, len));
	}
	*ret_emu = e;
	return db;
}

static struct trace_matcher *matcher_of(const char *const *fmts, size_t n)
{
	struct trace_matcher *m;

	tu_assert_ok(ctx, trace_matcher_new(ctx, &m));
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(trace_matcher_add(m, fmts[i], 0x100 + (uint32_t)i * 0x40, 7), 0);
	return m;
}

/* Match msg; check the render property; return the format (NULL: none). */
static const char *check_match(struct trace_matcher *m, const char *msg, struct trace_match *mt)
{
	char back[FW_LIMIT_TRACE_MESSAGE];
	int r = trace_matcher_match(m, msg, strlen(msg), mt);

	ck_assert_int_ge(r, 0);
	if (!r)
		return NULL;
	trace_format_render(mt->format, mt->params, back, sizeof(back));
	ck_assert_msg(!strcmp(back, msg), "'%s' matched '%s' but renders '%s'", msg, mt->format, back);
	return mt->format;
}

/* The property, over every string of the emulator's strings DB: 64
 * parameter sets each, all matched, to the format that made them, and
 * rendered back byte for byte. */
START_TEST(test_property_emu)
{
	struct emu *e;
	struct trace_strdb *db = emu_strdb(&e);
	struct trace_matcher *m;
	const struct trace_matcher_stats *st;
	uint64_t seed = 0x11aa22bb33cc44ddull, formats = 0, lines = 0;

	tu_assert_ok(ctx, trace_matcher_new(ctx, &m));
	tu_assert_ok(ctx, trace_matcher_add_strdb(m, db));
	for (unsigned i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		const char *data;
		uint32_t base;
		size_t held = trace_strdb_section(db, i, &data, &base);

		for (size_t off = 1; off < held; off++) {
			if (data[off - 1] || !data[off])
				continue;
			formats++;
			for (unsigned k = 0; k < 64; k++) {
				uint32_t p[TRACE_MAX_PARAMS];
				char line[FW_LIMIT_TRACE_MESSAGE];
				struct trace_match mt;

				for (unsigned j = 0; j < TRACE_MAX_PARAMS; j++)
					p[j] = param_value(&seed);
				trace_format_render(data + off, p, line, sizeof(line));
				ck_assert_ptr_nonnull(check_match(m, line, &mt));
				ck_assert_msg(mt.format == data + off, "'%s' from '%s' matched '%s'", line,
					      data + off, mt.format);
				ck_assert_uint_eq(mt.format_ptr, base + off);
				ck_assert_uint_eq(mt.alternatives, 0);
				ck_assert(!mt.raw);
				lines++;
			}
		}
	}
	/* 118 templates, each in three of the four sections, and the header. */
	ck_assert_uint_ge(formats, 300);
	st = trace_matcher_stats(m);
	ck_assert_uint_eq(st->matched, lines);
	ck_assert_uint_eq(st->unmatched, 0);
	/* Memory stays a small multiple of the strings DB it indexes. */
	{
		size_t dbsize = 0;

		for (unsigned i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
			const char *d;
			uint32_t b;

			dbsize += trace_strdb_section(db, i, &d, &b);
		}
		ck_assert_uint_lt(st->memory, 16 * dbsize + 65536);
	}
	trace_matcher_free(m);
	trace_strdb_free(db);
	emu_free(e);
}
END_TEST

/* Conversions, flags and widths: each message renders back exactly and
 * the parameters are the ones that print it. */
START_TEST(test_conversions)
{
	static const char *const fmts[] = {
		"signed %d and %i",        "unsigned %u",        "hex %x %X %#x",
		"pad [%5d] [%-5d] [%05u]", "width %08x|%8x|%-8x|", "prec %.3d %.0u!",
		"short %hd %hhu %hx",      "long %ld %lu %lx",    "pct 100%% of %u",
		"name %s here",            "char %c%c",           "oct %o %#o",
		"sign %+d % d",            "ptr %p",
	};
	struct trace_matcher *m = matcher_of(fmts, sizeof(fmts) / sizeof(fmts[0]));
	struct trace_match mt;

	ck_assert_str_eq(check_match(m, "signed -5 and 2147483647", &mt), fmts[0]);
	ck_assert_uint_eq(mt.params[0], 0xfffffffb);
	ck_assert_uint_eq(mt.params[1], 0x7fffffff);
	ck_assert_str_eq(check_match(m, "unsigned 4294967295", &mt), fmts[1]);
	ck_assert_uint_eq(mt.params[0], 0xffffffff);
	ck_assert_ptr_null(check_match(m, "unsigned 4294967296", &mt));
	ck_assert_ptr_null(check_match(m, "unsigned 012", &mt)); /* never printed so */
	ck_assert_str_eq(check_match(m, "hex 1a 1A 0x1a", &mt), fmts[2]);
	ck_assert_ptr_null(check_match(m, "hex 1a 1a 0x1a", &mt)); /* %X prints capitals */
	ck_assert_str_eq(check_match(m, "hex 0 0 0", &mt), fmts[2]); /* %#x of 0: no 0x */
	ck_assert_str_eq(check_match(m, "pad [   -1] [7    ] [00042]", &mt), fmts[3]);
	ck_assert_uint_eq(mt.params[0], 0xffffffff);
	ck_assert_uint_eq(mt.params[1], 7);
	ck_assert_uint_eq(mt.params[2], 42);
	ck_assert_str_eq(check_match(m, "width 0000abcd|    abcd|abcd    |", &mt), fmts[4]);
	ck_assert_str_eq(check_match(m, "prec -007 !", &mt), fmts[5]);
	ck_assert_uint_eq(mt.params[1], 0); /* %.0u of 0 prints nothing */
	ck_assert_str_eq(check_match(m, "short -2 255 ffff", &mt), fmts[6]);
	ck_assert_str_eq(check_match(m, "long 4294967295 3 ff", &mt), fmts[7]);
	ck_assert_ptr_null(check_match(m, "long -1 3 ff", &mt)); /* %ld of a u32: no sign */
	ck_assert_str_eq(check_match(m, "pct 100% of 3", &mt), fmts[8]);
	ck_assert_str_eq(check_match(m, "name (null) here", &mt), fmts[9]);
	ck_assert_uint_eq(mt.params[0], 0);
	ck_assert_str_eq(check_match(m, "name (efault) here", &mt), fmts[9]);
	ck_assert_ptr_null(check_match(m, "name eth0 here", &mt));
	ck_assert_str_eq(check_match(m, "char ab", &mt), fmts[10]);
	ck_assert_uint_eq(mt.params[0], 'a');
	ck_assert_str_eq(check_match(m, "oct 17 017", &mt), fmts[11]);
	ck_assert_str_eq(check_match(m, "sign +3  4", &mt), fmts[12]);
	ck_assert_str_eq(check_match(m, "ptr deadbeef", &mt), fmts[13]);
	ck_assert_uint_eq(mt.params[0], 0xdeadbeef);
	trace_matcher_free(m);
}
END_TEST

/* A rewritten %llx is two %x: a split is picked deterministically, the
 * message renders back, and an impossible split does not match. */
START_TEST(test_llx_split)
{
	static const char *const fmts[] = { "addr 0x%x%x len %u" };
	struct trace_matcher *m = matcher_of(fmts, 1);
	struct trace_match mt;

	/* hi = 0 prints "0": unambiguous. */
	ck_assert_str_eq(check_match(m, "addr 0x0abc len 1", &mt), fmts[0]);
	ck_assert_uint_eq(mt.params[0], 0);
	ck_assert_uint_eq(mt.params[1], 0xabc);
	ck_assert_str_eq(check_match(m, "addr 0x123456789abcdef0 len 2", &mt), fmts[0]);
	ck_assert_uint_eq(mt.params[0], 0x12345678);
	ck_assert_uint_eq(mt.params[1], 0x9abcdef0);
	/* "123" is 0x12,0x3 or 0x1,0x23: the low half takes the longest
	 * text that lets the rest match. */
	ck_assert_str_eq(check_match(m, "addr 0x123 len 3", &mt), fmts[0]);
	ck_assert_uint_eq(mt.params[0], 0x1);
	ck_assert_uint_eq(mt.params[1], 0x23);
	ck_assert_uint_eq(mt.alternatives, 0);
	/* A 64-bit value whose low half has eight digits reads back exactly. */
	ck_assert_str_eq(check_match(m, "addr 0x7fabcd12345678 len 3", &mt), fmts[0]);
	ck_assert_uint_eq(mt.params[0], 0x7fabcd);
	ck_assert_uint_eq(mt.params[1], 0x12345678);
	/* No split of 17 digits into two canonical 32-bit halves. */
	ck_assert_ptr_null(check_match(m, "addr 0x123456789abcdef01 len 3", &mt));
	ck_assert_ptr_null(check_match(m, "addr 0x1000000005 len 3", &mt));
	trace_matcher_free(m);
}
END_TEST

/* Two formats render the same line: the most specific wins, the other is
 * counted; the raw format only when nothing else matches. */
START_TEST(test_ties_and_raw)
{
	static const char *const fmts[] = { "port %u: up", "port 1: %s", "port %u: %s", "port 1: up" };
	struct trace_matcher *m;
	struct trace_match mt;
	const struct trace_matcher_stats *st;

	tu_assert_ok(ctx, trace_matcher_new(ctx, &m));
	ck_assert_int_eq(trace_matcher_add(m, fmts[0], 0x300, 1), 0);
	ck_assert_int_eq(trace_matcher_add(m, fmts[3], 0x400, 0), 0);
	ck_assert_int_eq(trace_matcher_add(m, "port %u: up", 0x200, 1), 1); /* same text */
	ck_assert_str_eq(check_match(m, "port 1: up", &mt), fmts[3]);
	ck_assert_uint_eq(mt.format_ptr, 0x400);
	ck_assert_uint_eq(mt.alternatives, 1);
	ck_assert_str_eq(check_match(m, "port 2: up", &mt), fmts[0]);
	ck_assert_uint_eq(mt.format_ptr, 0x300);
	ck_assert_uint_eq(mt.alternatives, 0);
	/* The kernel's rendering of an event whose pointer the DB lacks. */
	ck_assert_str_eq(check_match(m, "0x0123456789abcdef", &mt), TRACE_RAW_FORMAT);
	ck_assert(mt.raw);
	ck_assert_uint_eq(mt.params[0], 0x01234567);
	ck_assert_uint_eq(mt.params[1], 0x89abcdef);
	ck_assert_ptr_null(check_match(m, "0x123456789abcdef", &mt));
	ck_assert_ptr_null(check_match(m, "port 1: down", &mt));
	ck_assert_ptr_null(check_match(m, "", &mt));
	st = trace_matcher_stats(m);
	ck_assert_uint_eq(st->ambiguous, 1);
	ck_assert_uint_eq(st->unmatched, 3);
	ck_assert_uint_eq(st->formats, 3); /* with the raw format */
	trace_matcher_free(m);
}
END_TEST

/* What is never matched, and what bounds the work. */
START_TEST(test_limits)
{
	static const char *const fmts[] = { "%x%x%x%x%x%x%x", "w %*d", "tail %n gone",
					    "%u%u%u%u%u%u%u%u%u" };
	struct trace_matcher *m;
	struct trace_match mt;
	char line[2048];

	tu_assert_ok(ctx, trace_matcher_new(ctx, &m));
	ck_assert_int_eq(trace_matcher_add(m, fmts[0], 0x10, 7), 0);
	ck_assert_int_eq(trace_matcher_add(m, fmts[1], 0x20, 2), 0);
	ck_assert_int_eq(trace_matcher_add(m, fmts[2], 0x30, 1), 0);
	ck_assert_int_eq(trace_matcher_add(m, fmts[3], 0x40, 9), 0);
	ck_assert_uint_eq(trace_matcher_stats(m)->unmatchable, 1);
	ck_assert_ptr_null(check_match(m, "w    5", &mt));
	/* Output stops at %n, as the kernel's vsnprintf. */
	ck_assert_str_eq(check_match(m, "tail ", &mt), fmts[2]);
	/* Conversions after the seventh print the parameter 0. */
	ck_assert_str_eq(check_match(m, "1234567" "00", &mt), fmts[3]);
	/* 500 hex digits against seven %x: no exponential walk, no match. */
	memset(line, 'f', 500);
	line[500] = '\0';
	ck_assert_ptr_null(check_match(m, line, &mt));
	/* 56 digits: the seven %x take eight each. */
	line[56] = '\0';
	ck_assert_str_eq(check_match(m, line, &mt), fmts[0]);
	/* Longer than the kernel's 511-byte rendering: not a message. */
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	ck_assert_int_eq(trace_matcher_match(m, line, 600, &mt), 0);
	trace_matcher_free(m);
}
END_TEST

/* Text and saved records take the format in place; ring records do not. */
START_TEST(test_event_match)
{
	static const char *const fmts[] = { "[irisc1] qp: 0x%x destroyed" };
	struct trace_matcher *m = matcher_of(fmts, 1);
	struct trace_event ev;
	static const char line[] =
		"  kworker/u16:2-213   [002] .....  85472.000001: mlx5_fw: 0000:08:00.0 "
		"[0x650e0ce2e96d] 0 [0x18] [irisc1] qp: 0x1f destroyed";
	char buf[64];

	ck_assert_int_eq(trace_parse_text_line(line, strlen(line), &ev), 1);
	ck_assert(trace_event_match(m, &ev));
	ck_assert_str_eq(ev.format, fmts[0]);
	ck_assert_uint_eq(ev.format_ptr, 0x100);
	ck_assert_uint_eq(ev.params[0], 0x1f);
	ck_assert_uint_eq(ev.nparams, 7);
	ck_assert(!ev.unmatched);
	trace_event_render(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "[irisc1] qp: 0x1f destroyed");
	trace_event_from_saved(&ev, 0, 5, false, 3, "[irisc1] qp: 0x1f created");
	ck_assert(!trace_event_match(m, &ev));
	ck_assert(ev.unmatched);
	ck_assert_ptr_null(ev.format);
	memset(&ev, 0, sizeof(ev));
	ev.source = TRACE_SOURCE_RING;
	ev.format = "x";
	ck_assert(!trace_event_match(m, &ev));
	ck_assert(!ev.unmatched);
	trace_matcher_free(m);
}
END_TEST

/* The strings-DB walk: every string start but offset 0, the %llx
 * rewrite, the kernel's parameter count. */
START_TEST(test_strdb)
{
	struct trace_cap cap;
	struct trace_strdb *db;
	struct trace_matcher *m;
	struct trace_match mt;
	size_t len;
	const void *sec = tenc_strings(&len);

	tenc_cap(&cap);
	tu_assert_ok(ctx, trace_strdb_new(ctx, &cap, &db));
	ck_assert_int_eq(trace_strdb_set_section(db, 0, sec, len), 0);
	tu_assert_ok(ctx, trace_matcher_new(ctx, &m));
	tu_assert_ok(ctx, trace_matcher_add_strdb(m, db));
	ck_assert_str_eq(check_match(m, "value 1ffffffff done", &mt), "value %x%x done");
	ck_assert_uint_eq(mt.format_ptr, TENC_BASE + TENC_OFF_VALUE);
	ck_assert_uint_eq(mt.nparams, 2);
	ck_assert_str_eq(check_match(m, "pct % 1 2", &mt), "pct %% %d %d");
	ck_assert_uint_eq(mt.nparams, 4); /* the kernel counts every '%' */
	ck_assert_str_eq(check_match(m, "no params here", &mt), "no params here");
	ck_assert_uint_eq(mt.nparams, 0);
	ck_assert_str_eq(check_match(m, "1 2 3 4 5 6 7 0 0", &mt), "%d %d %d %d %d %d %d %d %d");
	ck_assert_uint_eq(mt.nparams, 7);
	trace_matcher_free(m);
	trace_strdb_free(db);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("trace-match");
	TCase *tc = tcase_create("matcher");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_property_emu);
	tcase_add_test(tc, test_conversions);
	tcase_add_test(tc, test_llx_split);
	tcase_add_test(tc, test_ties_and_raw);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_event_match);
	tcase_add_test(tc, test_strdb);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
