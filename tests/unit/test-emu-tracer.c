/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/emu/emu-tracer.c: the strings database, the trace
 * ring in registered memory and owned by the emulated kernel, the event
 * stream and the tracefs text its driver decodes, and a cross-check with
 * the trace decoder of parsers/.
 */
#include "config.h"

#include "trace.h"

#include "emu-test.h"

static unsigned count_params(const char *fmt)
{
	unsigned n = 0;

	for (const char *p = fmt; *p; p++) {
		if (strncmp(p, "%llx", 4) == 0) {
			n += 2;
			p += 3;
		} else if (*p == '%') {
			n++;
		}
	}
	return n;
}

START_TEST(test_strings_db)
{
	struct emu *e = mk("emu:cx7");
	const struct regcat_reg *cap = regcat_by_name("MTRC_CAP");
	uint8_t out[264];
	unsigned nsec, nformats = 0, nllx = 0, max = 0;

	ck_assert_int_eq(reg_read(e, "MTRC_CAP", NULL, out), 0);
	nsec = emu_reg_get(cap, out, "num_string_db");
	ck_assert_uint_eq(nsec, emu_strings_db_sections(e));
	ck_assert_uint_ge(nsec, 2);
	ck_assert_uint_eq(emu_reg_get(cap, out, "trace_to_memory"), 1);
	ck_assert_uint_eq(emu_reg_get(cap, out, "trace_owner"), 0);     /* the kernel holds it */
	for (unsigned s = 0; s < nsec; s++) {
		char field[40];
		uint32_t size;
		const void *db;
		size_t dblen;
		uint8_t *copy;

		snprintf(field, sizeof(field), "string_db_size_%u", s);
		size = emu_reg_get(cap, out, field);
		ck_assert_uint_eq(size % 64, 0);
		/* Read it the kernel's way: 256-byte chunks, then 64-byte ones, as writes. */
		copy = calloc(1, size);
		for (uint32_t off = 0; off < size;) {
			uint8_t in[128] = { 0 }, o[264];
			uint32_t chunk = size - off >= 256 ? 256 : 64;

			fw_mlx5_set(in, 0, 4, s);
			fw_mlx5_set(in, 8, 24, chunk);
			fw_put_be32(in + 4, off);
			ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_STDB, true, in, sizeof(in), o, 264, NULL), 0);
			memcpy(copy + off, o + 8, chunk);
			off += chunk;
		}
		tu_assert_ok(ctx, emu_strings_db(e, s, &db, &dblen));
		ck_assert_uint_eq(dblen, size);
		ck_assert_mem_eq(copy, db, size);
		for (uint32_t off = 8; off < size; off += (uint32_t)strlen((char *)copy + off) + 1) {
			const char *f = (const char *)copy + off;
			unsigned n;

			if (!*f)
				break;
			n = count_params(f);
			nformats++;
			nllx += strstr(f, "%llx") != NULL;
			max = n > max ? n : max;
		}
		free(copy);
	}
	ck_assert_uint_ge(nformats, 200);
	ck_assert_uint_ge(nllx, 10);
	ck_assert_uint_eq(max, 7);
	/* Out of range STDB read is BAD_PARAM. */
	{
		uint8_t in[128] = { 0 }, o[264];

		fw_mlx5_set(in, 0, 4, 9);
		fw_mlx5_set(in, 8, 24, 256);
		ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_STDB, true, in, sizeof(in), o, 264, NULL), MLX5_STAT_BAD_PARAM);
	}
	emu_free(e);
}
END_TEST

/* Parameter count of the format a string pointer points to; the section
 * table is read from MTRC_CAP once per emulator. */
static int ptr_params(struct emu *e, uint32_t ptr)
{
	static struct emu *cached;
	static uint32_t base[8], size[8];
	const struct regcat_reg *cap = regcat_by_name("MTRC_CAP");

	if (cached != e) {
		uint8_t out[128];

		ck_assert_int_eq(reg_read(e, "MTRC_CAP", NULL, out), 0);
		for (unsigned s = 0; s < emu_strings_db_sections(e); s++) {
			char f[40];

			snprintf(f, sizeof(f), "string_db_base_address_%u", s);
			base[s] = emu_reg_get(cap, out, f);
			snprintf(f, sizeof(f), "string_db_size_%u", s);
			size[s] = emu_reg_get(cap, out, f);
		}
		cached = e;
	}
	for (unsigned s = 0; s < emu_strings_db_sections(e); s++) {
		const void *db;
		size_t len;

		if (ptr > base[s] && ptr < base[s] + size[s]) {
			tu_assert_ok(ctx, emu_strings_db(e, s, &db, &len));
			return (int)count_params((const char *)db + (ptr - base[s]));
		}
	}
	return -1;
}

struct ring_check {
	struct emu *e;
	int want;              /* parameter events still expected */
	uint32_t tmsn, event_id;
	unsigned tdsn;
	uint64_t last_T;
	uint64_t messages, lost, blocks;
	bool synced;
};

static void check_block(struct ring_check *c, const uint8_t *blk)
{
	uint32_t d0 = fw_get_be32(blk + 31 * 8), d1 = fw_get_be32(blk + 31 * 8 + 4);
	uint64_t T = ((uint64_t)(d0 & 0x1fff) << 40) | ((uint64_t)d1 << 8) | (d0 >> 24);

	ck_assert_uint_eq((d0 >> 16) & 0xff, 0xff);      /* every block ends with a timestamp */
	ck_assert_uint_gt(T, c->last_T);
	c->last_T = T;
	c->blocks++;
	for (unsigned i = 0; i < 31; i++) {
		uint32_t w0 = fw_get_be32(blk + 8 * i), w1 = fw_get_be32(blk + 8 * i + 4);
		uint32_t id = (w0 >> 16) & 0xff, tmsn = (w0 >> 3) & 0x1fff, tdsn = w0 & 7;

		if (id == 0xff)
			continue;
		ck_assert_uint_ge(id, EMU_FIRST_STRING_TRACE);
		ck_assert_uint_le(id, EMU_FIRST_STRING_TRACE + EMU_NUM_STRING_TRACE);
		if (tdsn == 0) {
			int n;

			if (c->synced)
				ck_assert_int_eq(c->want, 0);
			n = ptr_params(c->e, w1);
			ck_assert_int_ge(n, 0);
			c->want = n;
			c->tmsn = tmsn;
			c->event_id = id;
			c->tdsn = 0;
			c->synced = true;
			c->messages++;
			c->lost += w0 >> 31;
		} else if (c->synced) {
			ck_assert_int_gt(c->want, 0);
			ck_assert_uint_eq(tmsn, c->tmsn);        /* params share the tmsn */
			ck_assert_uint_eq(id, c->event_id);
			ck_assert_uint_eq(tdsn, c->tdsn + 1);
			c->tdsn = tdsn;
			c->want--;
		}
	}
}

START_TEST(test_tracer_ring)
{
	struct emu *e = mk("emu:cx6dx,owner=none,rate=20000,lost=50,seed=5");
	const struct regcat_reg *conf = regcat_by_name("MTRC_CONF"), *ctrl = regcat_by_name("MTRC_CTRL");
	uint8_t *ring = calloc(1, 256 << 10), in[128] = { 0 }, out[128];
	struct ring_check c = { .e = e };
	uint32_t id, synd;
	uint8_t first[256];

	tu_assert_ok(ctx, emu_umem_reg(e, ring, 256 << 10, &id));
	/* Not the owner yet: CONF is refused. */
	emu_reg_set(conf, in, "trace_mode", 1);
	emu_reg_set(conf, in, "log_trace_buffer_size", 6);
	emu_reg_set(conf, in, "trace_mkey", id);
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CONF, true, in, 128, out, 128, &synd), MLX5_STAT_BAD_RES_STATE);
	/* Take ownership as the kernel does: write trace_owner=1, read it back. */
	{
		uint8_t own[128] = { 0 };

		own[0] = 0x80;
		ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CAP, true, own, 128, out, 128, NULL), 0);
		ck_assert_uint_eq(out[0] >> 7, 1);
	}
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CONF, true, in, 128, out, 128, NULL), 0);
	memset(in, 0, sizeof(in));
	emu_reg_set(ctrl, in, "modify_field_select", 1);
	emu_reg_set(ctrl, in, "trace_status", 1);
	emu_reg_set(ctrl, in, "arm_event", 1);
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CTRL, true, in, 64, out, 64, NULL), 0);
	ck_assert_uint_eq(emu_reg_get(ctrl, out, "trace_status"), 1);

	/* 0.5 s at 20000 events/s = 10000 events = 322 blocks, no wrap yet. */
	emu_advance(e, 500000000ull);
	for (unsigned b = 0; b < 322; b++)
		check_block(&c, ring + 256 * b);
	ck_assert_uint_eq(fw_get_be32(ring + 322 * 256), 0);      /* nothing written past */
	memcpy(first, ring, 256);
	/* 1.5 s more: 30000 events, 967 blocks: the writer wraps past block 0. */
	emu_advance(e, 1500000000ull);
	ck_assert(memcmp(first, ring, 256) != 0);
	/* Oldest block is the one after the newest: walk the ring in order. */
	ck_assert_uint_eq(e->tr.blocks_written, (10000 + 30000) / 31);
	{
		uint32_t newest = (e->tr.write_block + 1023) % 1024;
		struct ring_check c2 = { .e = e };

		for (unsigned k = 1; k <= 1024; k++)
			check_block(&c2, ring + 256 * ((newest + k) % 1024));
		ck_assert_uint_eq(c2.blocks, 1024);
		ck_assert_uint_gt(c2.messages, 2000);
		ck_assert_uint_gt(c2.lost, 0);
	}
	ck_assert_uint_gt(c.lost, 0);
	/* The emulated driver decoded the same blocks. */
	{
		char *text;
		size_t len;
		unsigned lines = 0;

		tu_assert_ok(ctx, emu_tracefs_text(e, &text, &len));
		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		ck_assert_uint_gt(lines, 5000);
		ck_assert_ptr_nonnull(strstr(text, ": mlx5_fw: 0000:08:00.0 [0x"));
		free(text);
	}
	tu_assert_ok(ctx, emu_umem_unreg(e, id));
	free(ring);
	emu_free(e);
}
END_TEST

START_TEST(test_tracer_kernel_owned)
{
	struct emu *e = mk("emu:cx5,rate=1000,history=2000");
	uint8_t own[128] = { 0 }, out[128];
	char *text;
	size_t len;

	/* Two seconds of history at 1000 events/s are already decoded. */
	tu_assert_ok(ctx, emu_tracefs_text(e, &text, &len));
	ck_assert_uint_gt(len, 100 * 40);
	free(text);
	ck_assert_uint_eq(e->tr.blocks_written, 2000 / 31);
	own[0] = 0x80;
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CAP, true, own, 128, out, 128, NULL), 0);
	ck_assert_uint_eq(out[0] >> 7, 0);                         /* not granted */
	emu_advance(e, 3000000000ull);
	tu_assert_ok(ctx, emu_tracefs_text(e, &text, &len));
	ck_assert_uint_gt(len, 1000);
	free(text);
	emu_free(e);
	/* A day at a high rate stays bounded: only the last laps are made. */
	e = mk("emu:cx5,rate=10000000,tracefs=0,history=0");
	emu_advance(e, 86400ull * 1000000000ull);
	ck_assert_uint_le(e->tr.blocks_written, 4 * 1024 + 1);
	ck_assert_uint_ge(e->tr.blocks_written, 4 * 1024 - 1);
	emu_free(e);
}
END_TEST

struct stream_ctx {
	struct ring_check c;
	uint64_t blocks;
	uint8_t first[256];
};

static int stream_block(void *ud, const void *blk, size_t len)
{
	struct stream_ctx *s = ud;

	ck_assert_uint_eq(len, 256);
	if (s->blocks == 0)
		memcpy(s->first, blk, 256);
	check_block(&s->c, blk);
	s->blocks++;
	return 0;
}

static int stream_stop(void *ud, const void *blk, size_t len)
{
	(void)blk;
	(void)len;
	return ++*(int *)ud == 3 ? -ECANCELED : 0;
}

START_TEST(test_trace_stream_and_text)
{
	struct emu *a = mk("emu:cx7,seed=9,owner=none"), *b = mk("emu:cx7,seed=9,owner=none");
	struct stream_ctx sa = { .c.e = a }, sb = { .c.e = b };
	char *ta, *tb;
	size_t la, lb;
	unsigned lines = 0;
	int n = 0;

	ck_assert_int_eq(emu_trace_stream(a, 3100, stream_block, &sa), 0);
	ck_assert_int_eq(emu_trace_stream(b, 3100, stream_block, &sb), 0);
	ck_assert_uint_eq(sa.blocks, 100);
	ck_assert_mem_eq(sa.first, sb.first, 256);
	tu_assert_ok(ctx, emu_tracefs_text(a, &ta, &la));
	tu_assert_ok(ctx, emu_tracefs_text(b, &tb, &lb));
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(ta, tb, la);
	for (size_t i = 0; i < la; i++)
		lines += ta[i] == '\n';
	/* Every complete message became one line (the last may be cut short). */
	ck_assert_uint_ge(lines + 1, sa.c.messages);
	ck_assert_uint_le(lines, sa.c.messages);
	/* Lines are the kernel's tracepoint format with rendered messages. */
	{
		char *l = strstr(ta, "mlx5_fw: 0000:08:00.0 [0x");
		unsigned long long ts;
		int lost, id;

		ck_assert_ptr_nonnull(l);
		ck_assert_int_eq(sscanf(l, "mlx5_fw: 0000:08:00.0 [0x%llx] %d [0x%x]", &ts, &lost, &id), 3);
		ck_assert_int_ge(id, EMU_FIRST_STRING_TRACE);
		ck_assert_ptr_null(strstr(ta, "%"));
	}
	free(ta);
	free(tb);
	ck_assert_int_eq(emu_trace_stream(a, 1000, stream_stop, &n), -ECANCELED);
	emu_free(a);
	emu_free(b);
}
END_TEST

/* The decoder of parsers/trace.c and the emulated driver must agree on
 * every message of a stream: same count, timestamps, flags and text. */
struct xdec {
	uint8_t *blocks;
	size_t len;
	char *text;            /* emulator's tracefs text, walked line by line */
	const char *cur;
	unsigned matched;
};

static int xdec_block(void *ud, const void *blk, size_t len)
{
	struct xdec *x = ud;

	x->blocks = realloc(x->blocks, x->len + len);
	memcpy(x->blocks + x->len, blk, len);
	x->len += len;
	return 0;
}

static int xdec_event(void *ud, const struct trace_event *ev)
{
	struct xdec *x = ud;
	char msg[512], want[700];
	const char *nl, *p;

	trace_event_render(ev, msg, sizeof(msg));
	p = strstr(x->cur, "mlx5_fw: ");
	ck_assert_ptr_nonnull(p);
	nl = strchr(p, '\n');
	ck_assert_ptr_nonnull(nl);
	snprintf(want, sizeof(want), "mlx5_fw: 0000:08:00.0 [0x%llx] %d [0x%x] %s",
		 (unsigned long long)ev->timestamp, ev->lost ? 1 : 0, ev->event_id, msg);
	ck_assert_msg(strlen(want) == (size_t)(nl - p) && memcmp(want, p, (size_t)(nl - p)) == 0,
		      "decoder '%s' vs emulator '%.*s'", want, (int)(nl - p), p);
	x->cur = nl + 1;
	x->matched++;
	return 0;
}

START_TEST(test_cross_decode_with_parsers)
{
	struct emu *e = mk("emu:cx6dx,seed=11,owner=none,lost=20");
	struct xdec x = { 0 };
	struct trace_cap cap;
	struct trace_strdb *db;
	struct trace_decoder *d;
	uint8_t out[128];
	size_t tlen;
	unsigned lines = 0;

	ck_assert_int_eq(emu_trace_stream(e, 20000, xdec_block, &x), 0);
	ck_assert_int_eq(reg_read(e, "MTRC_CAP", NULL, out), 0);
	tu_assert_ok(ctx, trace_cap_parse(ctx, out, sizeof(out), &cap));
	tu_assert_ok(ctx, trace_strdb_new(ctx, &cap, &db));
	for (unsigned s = 0; s < emu_strings_db_sections(e); s++) {
		const void *data;
		size_t len;

		tu_assert_ok(ctx, emu_strings_db(e, s, &data, &len));
		tu_assert_ok(ctx, trace_strdb_set_section(db, s, data, len));
	}
	tu_assert_ok(ctx, emu_tracefs_text(e, &x.text, &tlen));
	for (size_t i = 0; i < tlen; i++)
		lines += x.text[i] == '\n';
	x.cur = x.text;
	tu_assert_ok(ctx, trace_decoder_new(ctx, db, xdec_event, NULL, &x, &d));
	tu_assert_ok(ctx, trace_decoder_feed(d, x.blocks, x.len));
	tu_assert_ok(ctx, trace_decoder_finish(d));
	ck_assert_uint_eq(x.matched, lines);
	ck_assert_uint_gt(lines, 4000);
	trace_decoder_free(d);
	trace_strdb_free(db);
	free(x.blocks);
	free(x.text);
	emu_free(e);
}
END_TEST

static Suite *emu_suite(void)
{
	Suite *s = suite_create("emu-tracer");
	TCase *tc = tcase_create("tracer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_strings_db);
	tcase_add_test(tc, test_tracer_ring);
	tcase_add_test(tc, test_tracer_kernel_owned);
	tcase_add_test(tc, test_trace_stream_and_text);
	tcase_add_test(tc, test_cross_decode_with_parsers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(emu_suite());
}
