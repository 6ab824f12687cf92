/* SPDX-License-Identifier: MIT */
/*
 * test-trace: golden tests of the firmware trace decoder, with a small
 * test-side encoder for ring blocks (tests/unit/trace-enc.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "testutil.h"
#include "trace-enc.h"
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

/* Collected records, rendered. */
struct got {
	char lines[64][600];
	uint64_t ts[64];
	unsigned n;
	uint64_t total;
	unsigned problems;
	uint64_t first_problem_off;
};

static int on_event(void *ud, const struct trace_event *ev)
{
	struct got *g = ud;
	char msg[FW_LIMIT_TRACE_MESSAGE];

	trace_event_render(ev, msg, sizeof(msg));
	if (g->n < 64) {
		snprintf(g->lines[g->n], sizeof(g->lines[0]), "[0x%llx] %d [0x%x] %s",
			 (unsigned long long)ev->timestamp, ev->lost, ev->event_id, msg);
		g->ts[g->n] = ev->timestamp;
		g->n++;
	}
	g->total++;
	return 0;
}

static void on_problem(void *ud, uint64_t off, int err, const char *msg)
{
	struct got *g = ud;

	(void)err;
	(void)msg;
	if (!g->problems++)
		g->first_problem_off = off;
}

static struct trace_strdb *make_db(void)
{
	struct trace_cap cap;
	struct trace_strdb *db;
	uint8_t raw[128];
	size_t len;
	const void *sec = tenc_strings(&len);

	tenc_cap(&cap);
	trace_cap_encode(&cap, raw);
	memset(&cap, 0, sizeof(cap));
	tu_assert_ok(ctx, trace_cap_parse(ctx, raw, sizeof(raw), &cap));
	ck_assert_uint_eq(cap.first_string_trace, TENC_FIRST_STR);
	ck_assert_uint_eq(cap.num_string_trace, TENC_NUM_STR);
	ck_assert_uint_eq(cap.db_base[0], TENC_BASE);
	ck_assert_uint_eq(cap.db_size[0], len);
	tu_assert_ok(ctx, trace_strdb_new(ctx, &cap, &db));
	ck_assert_int_eq(trace_strdb_set_section(db, 0, sec, len), 0);
	return db;
}

static void decode(struct trace_strdb *db, const void *data, size_t len, size_t chunk,
		   struct got *g)
{
	struct trace_decoder *d;
	const uint8_t *p = data;
	size_t off;

	memset(g, 0, sizeof(*g));
	tu_assert_ok(ctx, trace_decoder_new(ctx, db, on_event, on_problem, g, &d));
	for (off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		tu_assert_ok(ctx, trace_decoder_feed(d, p + off, n));
	}
	tu_assert_ok(ctx, trace_decoder_finish(d));
	trace_decoder_free(d);
}

/* One block exercising every message rule; golden lines. */
START_TEST(test_block_golden)
{
	struct trace_strdb *db = make_db();
	struct tenc_block b;
	struct got g;
	const uint64_t T = 0x123456789abull; /* T & 0x7f = 0x2b */

	tenc_block_init(&b);
	/* "link up port %d speed %u": two params, interleaved with another message. */
	tenc_str(&b, false, 0x10, 0x20, 1, 0, TENC_BASE + TENC_OFF_LINK);
	tenc_str(&b, false, 0x11, 0x21, 2, 0, TENC_BASE + TENC_OFF_VALUE); /* %llx -> %x%x */
	tenc_str(&b, false, 0x10, 0x20, 1, 1, 3);
	tenc_str(&b, false, 0x11, 0x21, 2, 1, 0x1);
	tenc_str(&b, false, 0x10, 0x20, 1, 2, 100000);
	tenc_str(&b, false, 0x11, 0x21, 2, 2, 0x2345);
	/* No params, lost bit, ts7 above T's low bits: the (T - 1) rule. */
	tenc_str(&b, true, 0x50, 0x22, 3, 0, TENC_BASE + TENC_OFF_NOPARAM);
	/* Unknown pointer (== base: strict bound), then an orphan parameter. */
	tenc_str(&b, false, 0x01, 0x23, 4, 0, TENC_BASE);
	tenc_str(&b, false, 0x02, 0x24, 5, 3, 0xdeadbeef);
	/* "%%" counts as two parameters in the kernel's count. */
	tenc_str(&b, false, 0x03, 0x25, 6, 0, TENC_BASE + TENC_OFF_PCT);
	tenc_str(&b, false, 0x03, 0x25, 6, 1, 7);
	tenc_str(&b, false, 0x03, 0x25, 6, 2, 8);
	tenc_str(&b, false, 0x03, 0x25, 6, 3, 9);
	tenc_str(&b, false, 0x03, 0x25, 6, 4, 10);
	/* Upper bound of the string event range is inclusive. */
	tenc_str(&b, false, 0x04, TENC_FIRST_STR + TENC_NUM_STR, 7, 0,
		 TENC_BASE + TENC_OFF_NOPARAM);
	/* Outside the range: ignored. */
	tenc_str(&b, false, 0x05, TENC_FIRST_STR + TENC_NUM_STR + 1, 8, 0,
		 TENC_BASE + TENC_OFF_NOPARAM);
	tenc_block_finish(&b, T);

	decode(db, b.data, sizeof(b.data), sizeof(b.data), &g);
	ck_assert_uint_eq(g.n, 7);
	/* Ready order is completion order. */
	ck_assert_str_eq(g.lines[0], "[0x12345678990] 0 [0x20] link up port 3 speed 100000");
	ck_assert_str_eq(g.lines[1], "[0x12345678991] 0 [0x21] value 12345 done");
	ck_assert_str_eq(g.lines[2], "[0x123456789d0] 1 [0x22] no params here");
	/* Raw: upper/lower halves of the event read as a little-endian u64. */
	ck_assert_str_eq(g.lines[3], "[0x12345678981] 0 [0x23] 0x0010000020002301");
	ck_assert_str_eq(g.lines[4], "[0x12345678982] 0 [0x24] 0xefbeadde2b002402");
	ck_assert_str_eq(g.lines[5], "[0x12345678983] 0 [0x25] pct % 7 8");
	ck_assert_str_eq(g.lines[6], "[0x12345678984] 0 [0x30] no params here");
	ck_assert_uint_eq(g.problems, 0);
	trace_strdb_free(db);
}
END_TEST

/* Structured fields of a record, and render on demand. */
static int check_fields(void *ud, const struct trace_event *ev)
{
	unsigned *n = ud;

	if (ev->event_id == 0x21) {
		ck_assert_uint_eq(ev->format_ptr, TENC_BASE + TENC_OFF_VALUE);
		ck_assert_str_eq(ev->format, "value %x%x done");
		ck_assert_uint_eq(ev->nparams, 2);
		ck_assert_uint_eq(ev->nparams_expected, 2);
		ck_assert_uint_eq(ev->params[0], 1);
		ck_assert_uint_eq(ev->params[1], 0x2345);
		ck_assert_uint_eq(ev->tmsn, 2);
		ck_assert(!ev->raw);
		ck_assert_ptr_null(ev->text);
		ck_assert_int_eq(ev->source, TRACE_SOURCE_RING);
		ck_assert_uint_eq(ev->offset, 8);
	}
	(*n)++;
	return 0;
}

START_TEST(test_fields)
{
	struct trace_strdb *db = make_db();
	struct trace_decoder *d;
	struct tenc_block b;
	unsigned n = 0;

	tenc_block_init(&b);
	tenc_str(&b, false, 0x10, 0x20, 1, 0, TENC_BASE + TENC_OFF_LINK);
	tenc_str(&b, false, 0x11, 0x21, 2, 0, TENC_BASE + TENC_OFF_VALUE);
	tenc_str(&b, false, 0x11, 0x21, 2, 1, 0x1);
	tenc_str(&b, false, 0x11, 0x21, 2, 2, 0x2345);
	tenc_block_finish(&b, 0x1000);
	tu_assert_ok(ctx, trace_decoder_new(ctx, db, check_fields, NULL, &n, &d));
	tu_assert_ok(ctx, trace_decoder_feed(d, b.data, sizeof(b.data)));
	tu_assert_ok(ctx, trace_decoder_finish(d));
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(trace_decoder_stats(d)->incomplete, 1);
	trace_decoder_free(d);
	trace_strdb_free(db);
}
END_TEST

/* A ring snapshot that wrapped: decoded from the oldest block, and a
 * message whose parameter sits in the next block is completed. */
START_TEST(test_ring_wrap)
{
	struct trace_strdb *db = make_db();
	struct tenc_block b[4];
	uint8_t ring[4 * TRACE_BLOCK_SIZE];
	struct got g, g2;
	unsigned i;
	/* write order: slot 2, 3, 0, 1 */
	static const unsigned order[4] = { 2, 3, 0, 1 };

	for (i = 0; i < 4; i++) {
		struct tenc_block *k = &b[i];

		tenc_block_init(k);
		tenc_str(k, false, (uint8_t)(0x70 + i), 0x20, (uint16_t)(10 + i), 0,
			 TENC_BASE + TENC_OFF_LINK);
		tenc_str(k, false, 0, 0x20, (uint16_t)(10 + i), 1, i);
		if (i > 0)
			tenc_str(k, false, 0, 0x20, (uint16_t)(9 + i), 2, 1000 + i - 1);
		tenc_block_finish(k, 0x100000 + 0x100 * i);
		memcpy(ring + order[i] * TRACE_BLOCK_SIZE, k->data, TRACE_BLOCK_SIZE);
	}
	decode(db, ring, sizeof(ring), sizeof(ring), &g);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_str_eq(g.lines[0], "[0x1000f0] 0 [0x20] link up port 0 speed 1000");
	ck_assert_str_eq(g.lines[1], "[0x1001f1] 0 [0x20] link up port 1 speed 1001");
	ck_assert_str_eq(g.lines[2], "[0x1002f2] 0 [0x20] link up port 2 speed 1002");
	/* One message left incomplete: normal at the end of a snapshot, so
	 * counted in the statistics but not a problem. */
	ck_assert_uint_eq(g.problems, 0);
	/* Same bytes fed 7 at a time: same records. */
	decode(db, ring, sizeof(ring), 7, &g2);
	ck_assert_uint_eq(g2.n, 3);
	for (i = 0; i < 3; i++)
		ck_assert_str_eq(g.lines[i], g2.lines[i]);
	trace_strdb_free(db);
}
END_TEST

/* A never-written tail (all zero) and a torn block in a snapshot. */
START_TEST(test_ring_empty_and_invalid)
{
	struct trace_strdb *db = make_db();
	struct tenc_block b;
	uint8_t ring[3 * TRACE_BLOCK_SIZE];
	struct got g;

	memset(ring, 0, sizeof(ring));
	tenc_block_init(&b);
	tenc_str(&b, false, 1, 0x22, 1, 0, TENC_BASE + TENC_OFF_NOPARAM);
	tenc_block_finish(&b, 0x5000);
	memcpy(ring, b.data, TRACE_BLOCK_SIZE);
	memset(ring + 2 * TRACE_BLOCK_SIZE, 0x11, TRACE_BLOCK_SIZE); /* garbage */
	decode(db, ring, sizeof(ring), 100, &g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.first_problem_off, 2 * TRACE_BLOCK_SIZE);
	/* A ring never written at all says so. */
	memset(ring, 0, sizeof(ring));
	decode(db, ring, sizeof(ring), sizeof(ring), &g);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(g.problems, 1);
	trace_strdb_free(db);
}
END_TEST

/* A stream longer than the ring look-ahead: incremental, every event out,
 * a stale block and the lost-block rule. */
START_TEST(test_stream_large)
{
	struct trace_strdb *db = make_db();
	size_t nblocks = FW_LIMIT_TRACE_RING / TRACE_BLOCK_SIZE + 100, i;
	uint8_t *buf = malloc(nblocks * TRACE_BLOCK_SIZE);
	struct tenc_block b;
	struct got g;
	struct trace_decoder *d;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < nblocks; i++) {
		unsigned k;

		tenc_block_init(&b);
		for (k = 0; k < 31; k++)
			tenc_str(&b, false, (uint8_t)k, 0x22, (uint16_t)k, 0,
				 TENC_BASE + TENC_OFF_NOPARAM);
		tenc_block_finish(&b, 0x1000 * (i + 1));
		memcpy(buf + i * TRACE_BLOCK_SIZE, b.data, TRACE_BLOCK_SIZE);
	}
	decode(db, buf, nblocks * TRACE_BLOCK_SIZE, 100000, &g);
	ck_assert_uint_eq(g.total, nblocks * 31);
	ck_assert_uint_eq(g.problems, 0);
	ck_assert_uint_eq(g.ts[0], 0x1000 - 0x80); /* ts7 0 >= T&0x7f 0: (T-1)&~0x7f */

	/* Block 5000 repeats block 4999's timestamp: stale, skipped; then the
	 * next block's predecessor no longer carries the last handled
	 * timestamp, so the kernel's rule skips it as lost too. */
	memcpy(buf + 5000 * TRACE_BLOCK_SIZE, buf + 4999 * TRACE_BLOCK_SIZE, TRACE_BLOCK_SIZE);
	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, trace_decoder_new(ctx, db, on_event, on_problem, &g, &d));
	tu_assert_ok(ctx, trace_decoder_feed(d, buf, nblocks * TRACE_BLOCK_SIZE));
	tu_assert_ok(ctx, trace_decoder_finish(d));
	ck_assert_uint_eq(trace_decoder_stats(d)->blocks_stale, 1);
	ck_assert_uint_eq(trace_decoder_stats(d)->lost_gaps, 0);
	ck_assert_uint_eq(g.total, (nblocks - 1) * 31);
	ck_assert_uint_eq(g.first_problem_off, 5000 * TRACE_BLOCK_SIZE);
	trace_decoder_free(d);

	/* A gap: block 6000 holds garbage timestamp in the past -> stale, and
	 * its successor is skipped by the lost rule. */
	tenc_block_init(&b);
	tenc_block_finish(&b, 0x10);
	memcpy(buf + 6000 * TRACE_BLOCK_SIZE, b.data, TRACE_BLOCK_SIZE);
	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, trace_decoder_new(ctx, db, on_event, on_problem, &g, &d));
	tu_assert_ok(ctx, trace_decoder_feed(d, buf, nblocks * TRACE_BLOCK_SIZE));
	tu_assert_ok(ctx, trace_decoder_finish(d));
	ck_assert_uint_eq(trace_decoder_stats(d)->blocks_stale, 2);
	ck_assert_uint_eq(trace_decoder_stats(d)->lost_gaps, 1);
	ck_assert_uint_eq(g.total, (nblocks - 3) * 31);
	trace_decoder_free(d);
	free(buf);
	trace_strdb_free(db);
}
END_TEST

/* Unreliable timestamp events are ignored (urts bit 2 when trc_ver 0). */
START_TEST(test_unreliable_ts)
{
	struct trace_strdb *db = make_db();
	struct tenc_block b;
	struct got g;

	tenc_block_init(&b);
	tenc_str(&b, false, 1, 0x22, 1, 0, TENC_BASE + TENC_OFF_NOPARAM);
	trace_encode_timestamp_event(b.data + 8 * b.n++, 0x999, 4);
	tenc_block_finish(&b, 0x2000);
	decode(db, b.data, sizeof(b.data), 256, &g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ts[0], 0x1f81);
	trace_strdb_free(db);
}
END_TEST

/* More than seven parameters: ready at the eighth, the rest dropped. */
START_TEST(test_too_many_params)
{
	struct trace_strdb *db = make_db();
	struct tenc_block b;
	struct got g;
	unsigned k;

	tenc_block_init(&b);
	tenc_str(&b, false, 1, 0x20, 1, 0, TENC_BASE + TENC_OFF_NINE);
	for (k = 1; k <= 9; k++)
		tenc_str(&b, false, 1, 0x20, 1, (uint8_t)(k % 7 + 1), k);
	tenc_block_finish(&b, 0x2000);
	decode(db, b.data, sizeof(b.data), 256, &g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.lines[0], "[0x1f81] 0 [0x20] 1 2 3 4 5 6 7 0 0");
	trace_strdb_free(db);
}
END_TEST

/* Incomplete messages past FW_LIMIT_TRACE_PENDING are evicted, oldest first. */
START_TEST(test_pending_limit)
{
	struct trace_strdb *db = make_db();
	size_t nb = FW_LIMIT_TRACE_PENDING / 31 + 10, i;
	uint8_t *buf = calloc(nb, TRACE_BLOCK_SIZE);
	struct trace_decoder *d;
	struct got g;
	struct tenc_block b;

	for (i = 0; i < nb; i++) {
		unsigned k;

		tenc_block_init(&b);
		for (k = 0; k < 31; k++)
			tenc_str(&b, false, 1, 0x20, (uint16_t)((i * 31 + k) & 0x1fff), 0,
				 TENC_BASE + TENC_OFF_LINK);
		tenc_block_finish(&b, 0x100 * (i + 1));
		memcpy(buf + i * TRACE_BLOCK_SIZE, b.data, TRACE_BLOCK_SIZE);
	}
	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, trace_decoder_new(ctx, db, on_event, on_problem, &g, &d));
	tu_assert_ok(ctx, trace_decoder_feed(d, buf, nb * TRACE_BLOCK_SIZE));
	tu_assert_ok(ctx, trace_decoder_finish(d));
	ck_assert_uint_eq(trace_decoder_stats(d)->evicted, nb * 31 - FW_LIMIT_TRACE_PENDING);
	ck_assert_uint_eq(trace_decoder_stats(d)->incomplete, FW_LIMIT_TRACE_PENDING);
	ck_assert_uint_eq(g.total, 0);
	trace_decoder_free(d);
	free(buf);
	trace_strdb_free(db);
}
END_TEST

static void check_render(const char *fmt, uint32_t a, uint32_t b, const char *want)
{
	struct trace_event ev;
	char buf[FW_LIMIT_TRACE_MESSAGE];

	memset(&ev, 0, sizeof(ev));
	ev.format = fmt;
	ev.params[0] = a;
	ev.params[1] = b;
	trace_event_render(&ev, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, want) == 0, "'%s' rendered '%s', want '%s'", fmt, buf, want);
}

/* The renderer matches libc for numeric conversions, and never reads a
 * parameter as a pointer. */
START_TEST(test_render)
{
	static const char *fmts[] = {
		"%d %d", "%5d|%-5d|", "%05u %x", "%#x %#o", "%.3d %+d", "% d %X",
		"%08x%08x", "%-8x|%8X|", "%hd %hhx", "%u%%%u", "%i %o", "%3c%c",
	};
	static const uint32_t vals[][2] = {
		{ 0xffffffff, 42 }, { 0x80000000, 7 }, { 12, 0xabc }, { 0, 8 }, { 5, 0 },
		{ 1, 0xfeed }, { 0xdeadbeef, 0x10 }, { 0x1234, 0xff },
	};
	unsigned i, j;
	char want[256];

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		for (j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
			uint32_t a = vals[j][0], b = vals[j][1];

			if (strstr(fmts[i], "c") && (!(a & 0xff) || !(b & 0xff)))
				continue;
			/* Only integer conversions: libc gives the reference. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat"
			snprintf(want, sizeof(want), fmts[i], a, b);
#pragma GCC diagnostic pop
			check_render(fmts[i], a, b, want);
		}
	check_render("%lx %llu", 0xffffffff, 3, "ffffffff 3");
	check_render("%ld", 0xffffffff, 0, "4294967295");
	check_render("name %s %s", 0, 5, "name (null) (efault)");
	check_render("a %n b", 1, 2, "a ");
	check_render("x %y z", 1, 2, "x ");
	check_render("%*d|", 4, 9, "   9|");
	check_render("trailing %", 1, 2, "trailing ");
	check_render("%c!", 0, 0, "");
	{
		static const uint32_t p[TRACE_MAX_PARAMS] = { 0xffffffff, 2, 3, 4, 5, 6, 7 };
		char buf[64];

		ck_assert_uint_eq(trace_format_render("%d %s %u%u%u%u%u%u", p, buf, sizeof(buf)), 18);
		ck_assert_str_eq(buf, "-1 (efault) 345670"); /* the 8th conversion reads 0 */
	}
}
END_TEST

START_TEST(test_render_truncates)
{
	struct trace_event ev;
	char buf[1024], fmt[700];

	memset(fmt, 'a', sizeof(fmt) - 1);
	fmt[sizeof(fmt) - 1] = '\0';
	memset(&ev, 0, sizeof(ev));
	ev.format = fmt;
	ck_assert_uint_eq(trace_event_render(&ev, buf, sizeof(buf)), FW_LIMIT_TRACE_MESSAGE - 1);
	ck_assert_uint_eq(trace_event_render(&ev, buf, 10), 9);
	ck_assert_uint_eq(strlen(buf), 9);
}
END_TEST

START_TEST(test_strdb_lookup)
{
	struct trace_strdb *db = make_db();
	unsigned np = 99;
	const char *f;

	ck_assert_ptr_null(trace_strdb_lookup(db, TENC_BASE, &np));
	f = trace_strdb_lookup(db, TENC_BASE + TENC_OFF_LINK, &np);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f, "link up port %d speed %u");
	ck_assert_uint_eq(np, 2);
	f = trace_strdb_lookup(db, TENC_BASE + TENC_OFF_PCT, &np);
	ck_assert_uint_eq(np, 4); /* "%%" counts twice, as in the kernel */
	ck_assert_ptr_null(trace_strdb_lookup(db, TENC_BASE + 0x10000, &np));
	/* A section shorter than MTRC_CAP says: zero-filled, reported. */
	ck_assert_int_eq(trace_strdb_set_section(db, 0, "\0abc", 4), 1);
	ck_assert_str_eq(trace_strdb_lookup(db, TENC_BASE + 1, NULL), "abc");
	np = 99;
	ck_assert_str_eq(trace_strdb_lookup(db, TENC_BASE + 100, &np), "");
	ck_assert_uint_eq(np, 0);
	ck_assert_int_eq(trace_strdb_set_section(db, 8, "x", 1), -EINVAL);
	trace_strdb_free(db);
}
END_TEST

START_TEST(test_cap_bad)
{
	struct trace_cap cap;
	uint8_t raw[128] = { 0 };

	ck_assert_int_eq(trace_cap_parse(ctx, raw, 40, &cap), -EBADMSG);
	raw[3] = 9; /* num_string_db 9 */
	ck_assert_int_eq(trace_cap_parse(ctx, raw, sizeof(raw), &cap), -EBADMSG);
}
END_TEST

START_TEST(test_text_line)
{
	static const char l1[] =
		"   kworker/u8:1-123     [001] ....  10.500000: mlx5_fw: 0000:08:00.0 "
		"[0x1a2b3c] 1 [0x2a] hello world\n";
	struct trace_event ev;
	char buf[128];

	ck_assert_int_eq(trace_parse_text_line(l1, strlen(l1), &ev), 1);
	ck_assert_uint_eq(ev.timestamp, 0x1a2b3c);
	ck_assert(ev.lost);
	ck_assert_uint_eq(ev.event_id, 0x2a);
	ck_assert_uint_eq(ev.device_len, 12);
	ck_assert(strncmp(ev.device, "0000:08:00.0", 12) == 0);
	ck_assert(strncmp(ev.text, "hello world", 11) == 0);
	ck_assert_int_eq(ev.source, TRACE_SOURCE_TEXT);
	ck_assert_int_eq(trace_parse_text_line("# tracer: nop", 13, &ev), 0);
	ck_assert_int_eq(trace_parse_text_line("x [0x1] 0 [0x2] m", 17, &ev), 1);
	ck_assert_uint_eq(ev.event_id, 2);
	ck_assert_int_eq(trace_parse_text_line(" foo: bar", 9, &ev), 0);
	ck_assert_int_eq(trace_parse_text_line("a mlx5_fw: dev [0xzz] 0 [0x1] m", 31, &ev),
			 -EBADMSG);
	ck_assert_int_eq(trace_parse_text_line(l1, strlen(l1), &ev), 1);
	ck_assert(ev.have_host_ns);
	ck_assert_uint_eq(ev.host_ns, 10500000000ull);
	/* Other ftrace contexts: TGID column, a counter clock (no host time). */
	{
		static const char l2[] = "  <idle>-0     (-------) [003] d.h2. 123456789: mlx5_fw: "
					 "0000:08:00.1 [0x10] 0 [0x3] m";

		ck_assert_int_eq(trace_parse_text_line(l2, strlen(l2), &ev), 1);
		ck_assert(!ev.have_host_ns);
		ck_assert_uint_eq(ev.timestamp, 0x10);
		ck_assert(strncmp(ev.device, "0000:08:00.1", ev.device_len) == 0);
	}
	/* mstfwtrace: the device name stripped; --real_ts as nanoseconds. */
	ck_assert_int_eq(trace_parse_text_line("[0x1a2b3c] 0 [0x2a] hello", 25, &ev), 1);
	ck_assert_uint_eq(ev.timestamp, 0x1a2b3c);
	ck_assert_uint_eq(ev.device_len, 0);
	ck_assert_str_eq(ev.text, "hello");
	ck_assert_int_eq(ev.source, TRACE_SOURCE_TEXT);
	ck_assert_int_eq(trace_parse_text_line("[01:02:03:000000004] 1 [0x5] hi", 31, &ev), 1);
	ck_assert_uint_eq(ev.timestamp, 3723000000004ull);
	ck_assert(ev.lost);
	ck_assert_int_eq(trace_parse_text_line("[01:02] 1 [0x5] hi", 18, &ev), 0);
	/* iproute2's text of a saved trace. */
	{
		static const char l3[] = "    timestamp: 4096 lost: false event_id: 32 msg: qp: 0x1 done";

		ck_assert_int_eq(trace_parse_text_line(l3, strlen(l3), &ev), 1);
		ck_assert_int_eq(ev.source, TRACE_SOURCE_SAVED);
		ck_assert_uint_eq(ev.timestamp, 4096);
		ck_assert(!ev.lost);
		ck_assert_uint_eq(ev.event_id, 32);
		ck_assert_str_eq(ev.text, "qp: 0x1 done");
		ck_assert_int_eq(trace_parse_text_line("timestamp: 1 lost: maybe", 24, &ev), -EBADMSG);
	}
	trace_event_from_saved(&ev, 3, 0x77, true, 5, "saved msg");
	trace_event_render(&ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, "saved msg");
	ck_assert_int_eq(ev.source, TRACE_SOURCE_SAVED);
}
END_TEST

START_TEST(test_text_stream)
{
	static const char text[] = "# tracer: nop\n"
				   "d [0x10] 0 [0x1] one\n"
				   "broken mlx5_fw: d [0x1\n"
				   "d [0x11] 0 [0x2] two\r\n"
				   "d [0x12] 1 [0x3] three";
	struct trace_text *t;
	struct got g;
	size_t i;

	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, trace_text_new(ctx, on_event, on_problem, &g, &t));
	for (i = 0; i < sizeof(text) - 1; i += 5)
		tu_assert_ok(ctx, trace_text_feed(t, text + i,
						  sizeof(text) - 1 - i < 5 ? sizeof(text) - 1 - i : 5));
	tu_assert_ok(ctx, trace_text_finish(t));
	ck_assert_uint_eq(trace_text_count(t), 3);
	ck_assert_str_eq(g.lines[0], "[0x10] 0 [0x1] one");
	ck_assert_str_eq(g.lines[1], "[0x11] 0 [0x2] two");
	ck_assert_str_eq(g.lines[2], "[0x12] 1 [0x3] three");
	ck_assert_uint_eq(g.problems, 1);
	ck_assert_uint_eq(g.first_problem_off, 35);
	trace_text_free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("decoder");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_block_golden);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_ring_wrap);
	tcase_add_test(tc, test_ring_empty_and_invalid);
	tcase_add_test(tc, test_stream_large);
	tcase_add_test(tc, test_unreliable_ts);
	tcase_add_test(tc, test_too_many_params);
	tcase_add_test(tc, test_pending_limit);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_render_truncates);
	tcase_add_test(tc, test_strdb_lookup);
	tcase_add_test(tc, test_cap_bad);
	tcase_add_test(tc, test_text_line);
	tcase_add_test(tc, test_text_stream);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
