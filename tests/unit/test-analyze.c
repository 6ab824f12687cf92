/* SPDX-License-Identifier: MIT */
/*
 * test-analyze: the feed API over every artifact kind, as the loader and the
 * verbs use it: records reach the right callback with the artifact's kind.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-internal.h"
#include "core/bytes.h"
#include "emu/emu.h"
#include "mlx5/mlx5.h"
#include "fmsg-enc.h"
#include "resdump-enc.h"
#include "testutil.h"
#include "trace-enc.h"

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
	char trace[16][300];
	unsigned ntrace;
	char regs[8][160];
	unsigned nregs;
	uint64_t crs_words;
	uint32_t crs_first_addr, crs_first_val;
	unsigned nseg, nmenu, nhealth;
	char health[32][160];
	unsigned problems;
	char last_problem_kind[64];
};

static int s_trace(void *ud, const char *kind, const struct trace_event *ev)
{
	struct got *g = ud;
	char msg[FW_LIMIT_TRACE_MESSAGE];

	trace_event_render(ev, msg, sizeof(msg));
	if (g->ntrace < 16)
		snprintf(g->trace[g->ntrace], sizeof(g->trace[0]), "%s %s [0x%llx] %d [0x%x] %s", kind,
			 trace_source_name(ev->source), (unsigned long long)ev->timestamp, ev->lost,
			 ev->event_id, msg);
	g->ntrace++;
	return 0;
}

static int s_reg(void *ud, const char *kind, const struct regs_field *f)
{
	struct got *g = ud;
	char v[64];

	regs_field_value_text(f, v, sizeof(v));
	if (g->nregs < 8)
		snprintf(g->regs[g->nregs], sizeof(g->regs[0]), "%s %s.%s = %s", kind, f->reg, f->field,
			 v);
	g->nregs++;
	return 0;
}

static int s_crs(void *ud, const char *kind, uint32_t addr, const uint32_t *v, size_t n)
{
	struct got *g = ud;

	(void)kind;
	if (!g->crs_words) {
		g->crs_first_addr = addr;
		g->crs_first_val = v[0];
	}
	g->crs_words += n;
	return 0;
}

static int s_seg(void *ud, const char *kind, const struct resdump_segment *s)
{
	struct got *g = ud;

	(void)kind;
	(void)s;
	g->nseg++;
	return 0;
}

static int s_menu(void *ud, const char *kind, const struct resdump_menu_record *m)
{
	struct got *g = ud;

	(void)kind;
	(void)m;
	g->nmenu++;
	return 0;
}

static int s_health(void *ud, const char *kind, const struct health_item *h)
{
	struct got *g = ud;

	if (g->nhealth < 32)
		snprintf(g->health[g->nhealth], sizeof(g->health[0]), "%s %s", kind, h->path);
	g->nhealth++;
	return 0;
}

static void s_problem(void *ud, const char *kind, uint64_t off, int err, const char *msg)
{
	struct got *g = ud;

	(void)off;
	(void)err;
	(void)msg;
	g->problems++;
	snprintf(g->last_problem_kind, sizeof(g->last_problem_kind), "%s", kind);
}

static const struct analyze_sink sink = {
	.trace = s_trace,
	.reg_field = s_reg,
	.crspace = s_crs,
	.segment = s_seg,
	.menu = s_menu,
	.health = s_health,
	.problem = s_problem,
};

static void feed(struct analyze *an, const char *kind, const void *data, size_t len, size_t chunk)
{
	const uint8_t *p = data;
	size_t off;
	int r = analyze_begin(an, kind);

	tu_assert_ok(ctx, r);
	for (off = 0; off < len; off += chunk)
		tu_assert_ok(ctx, analyze_data(an, p + off, len - off < chunk ? len - off : chunk));
	tu_assert_ok(ctx, analyze_end(an));
}

/* The decoder table: which kinds have a row, that every streamed row is
 * complete, and which record types each one declares. */
START_TEST(test_decoder_table)
{
	static const struct {
		const char *kind;
		unsigned records; /* 0: a side input */
	} rows[] = {
		{ "trace.cap", 0 },
		{ "trace.strings.3", 0 },
		{ "trace.ring", AN_REC_TRACE },
		{ "trace.text", AN_REC_TRACE },
		{ "health.buffer", AN_REC_HEALTH },
		{ "health.fw_fatal", AN_REC_HEALTH | AN_REC_TRACE | AN_REC_CRSPACE },
		{ "health.fw.after", AN_REC_HEALTH | AN_REC_TRACE | AN_REC_CRSPACE },
		{ "reg.MGIR", AN_REC_REG },
		{ "crspace", AN_REC_CRSPACE },
		{ "resdump.menu", AN_REC_SEGMENT | AN_REC_MENU },
	};
	static const char *const none[] = { "host.info", "reg.", "crspace.x", "trace.ringx",
					    "trace.strings.", ".after", "kernel.log" };

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct an_decoder *d = an_decoder_find(rows[i].kind);

		ck_assert_msg(d, "no row for '%s'", rows[i].kind);
		ck_assert(analyze_wants(rows[i].kind));
		ck_assert_uint_eq(d->records, rows[i].records);
		if (!rows[i].records) {
			ck_assert(d->flags & AN_DEC_SIDE_INPUT);
			continue;
		}
		ck_assert_msg(d->new && d->feed && d->finish && d->free, "'%s'", rows[i].kind);
	}
	ck_assert(an_decoder_find("health.fw.after") == an_decoder_find("health.fw"));
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		ck_assert_msg(!an_decoder_find(none[i]), "'%s' has a row", none[i]);
}
END_TEST

START_TEST(test_all_kinds)
{
	struct analyze *an;
	struct got g;
	struct trace_cap cap;
	uint8_t capraw[128], mgir[160], rd[1024], img[64], hb[64];
	const void *strings;
	size_t slen, rdlen;
	struct tenc_block b;
	static struct fenc e;
	static const char text[] = "foo [0x10] 0 [0x5] link up port 3 speed 100\n";
	unsigned i;

	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, analyze_new(ctx, &sink, &g, &an));
	ck_assert(analyze_wants("trace.ring"));
	ck_assert(analyze_wants("reg.MGIR"));
	ck_assert(!analyze_wants("host.info"));
	ck_assert(!analyze_wants("reg."));
	ck_assert_int_eq(analyze_begin(an, "host.info"), 1);
	tu_assert_ok(ctx, analyze_data(an, "x", 1));
	tu_assert_ok(ctx, analyze_end(an));

	/* Trace: side inputs, then the ring. */
	tenc_cap(&cap);
	trace_cap_encode(&cap, capraw);
	strings = tenc_strings(&slen);
	tu_assert_ok(ctx, analyze_set_trace_cap(an, capraw, sizeof(capraw)));
	tu_assert_ok(ctx, analyze_set_trace_strings(an, 0, strings, slen));
	tenc_block_init(&b);
	tenc_str(&b, false, 1, 0x20, 1, 0, TENC_BASE + TENC_OFF_LINK);
	tenc_str(&b, false, 1, 0x20, 1, 1, 2);
	tenc_str(&b, false, 1, 0x20, 1, 2, 25000);
	tenc_block_finish(&b, 0x4000);
	feed(an, "trace.ring", b.data, sizeof(b.data), 100);
	feed(an, "trace.text", text, strlen(text), 4);
	/* Health: the fw dump (saved traces), the buffer. */
	feed(an, "health.fw.dump", e.buf, fenc_fw_dump(&e), 50);
	memset(hb, 0, sizeof(hb));
	hb[0x3d] = 0x7;
	feed(an, "health.buffer", hb, sizeof(hb), 64);
	/* Register from the catalog, and one it does not know. */
	memset(mgir, 0, sizeof(mgir));
	fw_put_be32(mgir, 0x0000101d);
	feed(an, "reg.MGIR", mgir, sizeof(mgir), 7);
	feed(an, "reg.NOPE", mgir, 4, 4);
	/* CR-space: flat big-endian. */
	for (i = 0; i < 16; i++)
		fw_put_be32(img + 4 * i, 0xc0de0000 + i);
	feed(an, "crspace", img, sizeof(img), 3);
	/* Resource dump. */
	rdlen = rdenc_sample(rd, sizeof(rd));
	feed(an, "resdump.menu", rd, rdlen, 33);

	ck_assert_uint_eq(g.ntrace, 4);
	ck_assert_str_eq(g.trace[0], "trace.ring ring [0x3f81] 0 [0x20] link up port 2 speed 25000");
	ck_assert_str_eq(g.trace[1], "trace.text text [0x10] 0 [0x5] link up port 3 speed 100");
	ck_assert_str_eq(g.trace[2], "health.fw.dump saved [0x1000] 0 [0x20] first saved");
	ck_assert_str_eq(g.trace[3], "health.fw.dump saved [0x1001] 1 [0x20] second saved");
	ck_assert_str_eq(g.regs[1], "reg.MGIR MGIR.device_id = 0x101d");
	ck_assert_uint_eq(g.crs_words, 16);
	ck_assert_uint_eq(g.crs_first_addr, 0);
	ck_assert_uint_eq(g.crs_first_val, 0xc0de0000);
	ck_assert_uint_eq(g.nseg, 9);
	ck_assert_uint_eq(g.nmenu, 2);
	/* fw dump: 9 non-trace values; health buffer: 19 values */
	ck_assert_uint_eq(g.nhealth, 9 + 19);
	ck_assert_str_eq(g.health[0], "health.fw.dump syndrome");
	ck_assert_str_eq(g.health[27], "health.buffer health buffer/synd_name");
	/* The saved traces match no format of the strings DB: said once for
	 * the artifact. */
	ck_assert_uint_eq(g.problems, 2);
	ck_assert_str_eq(g.last_problem_kind, "reg.NOPE");
	ck_assert_uint_eq(analyze_get_stats(an)->trace_events, 4);
	ck_assert_uint_eq(analyze_get_stats(an)->trace_matched, 1);
	ck_assert_uint_eq(analyze_get_stats(an)->trace_unmatched, 2);
	ck_assert_uint_eq(analyze_get_stats(an)->segments, 9);
	analyze_free(an);
}
END_TEST

/* fw_fatal: the crdump inside the dump reaches the crspace callback. */
START_TEST(test_crdump)
{
	struct analyze *an;
	struct got g;
	static struct fenc e;
	uint8_t data[32];
	size_t len;
	unsigned i;

	for (i = 0; i < 8; i++)
		fw_put_le32(data + 4 * i, i == 3 ? CRSPACE_UNREAD : 0x1000 + i);
	fenc_init(&e);
	fenc_obj(&e);
	fenc_pair(&e, "crdump_data");
	fenc_arr(&e);
	fenc_value(&e, HEALTH_BINARY, data, 12);
	fenc_value(&e, HEALTH_BINARY, data + 12, 20);
	fenc_end(&e);
	fenc_end(&e);
	fenc_end(&e);
	len = fenc_finish(&e);
	memset(&g, 0, sizeof(g));
	tu_assert_ok(ctx, analyze_new(ctx, &sink, &g, &an));
	feed(an, "health.fw_fatal.dump", e.buf, len, len);
	ck_assert_uint_eq(g.crs_words, 7);
	ck_assert_uint_eq(g.crs_first_val, 0x1000);
	ck_assert_uint_eq(g.nhealth, 0);
	/* A ring without MTRC_CAP: raw events and a problem saying why. */
	{
		struct tenc_block b;

		tenc_block_init(&b);
		tenc_str(&b, false, 1, 0x20, 1, 0, 0x1234);
		tenc_block_finish(&b, 0x4000);
		feed(an, "trace.ring", b.data, sizeof(b.data), sizeof(b.data));
	}
	/* Every event but the timestamp comes out raw. */
	ck_assert_uint_eq(g.ntrace, 31);
	ck_assert_str_eq(g.trace[0], "trace.ring ring [0x3f81] 0 [0x20] 0x3412000008002001");
	ck_assert_uint_eq(g.problems, 1);
	analyze_free(an);
}
END_TEST

static int stop_trace(void *ud, const char *kind, const struct trace_event *ev)
{
	(void)ud;
	(void)kind;
	(void)ev;
	return -ECANCELED;
}

START_TEST(test_callback_stops)
{
	static const struct analyze_sink stop = { .trace = stop_trace };
	static const char text[] = "d [0x10] 0 [0x5] a\nd [0x11] 0 [0x5] b\n";
	struct analyze *an;

	tu_assert_ok(ctx, analyze_new(ctx, &stop, NULL, &an));
	ck_assert_int_eq(analyze_begin(an, "trace.text"), 0);
	ck_assert_int_eq(analyze_data(an, text, strlen(text)), -ECANCELED);
	ck_assert_int_eq(analyze_end(an), -ECANCELED);
	analyze_free(an);
}
END_TEST


/* ---- against the emulated card: the bytes its interfaces produce ---- */

struct emu_got {
	char **lines;
	size_t n, cap;
	uint64_t crs_words, health, problems, ring, text, saved;
};

static int e_trace(void *ud, const char *kind, const struct trace_event *ev)
{
	struct emu_got *g = ud;
	char msg[FW_LIMIT_TRACE_MESSAGE], line[700];

	(void)kind;
	trace_event_render(ev, msg, sizeof(msg));
	snprintf(line, sizeof(line), "[0x%llx] %d [0x%x] %s", (unsigned long long)ev->timestamp,
		 ev->lost, ev->event_id, msg);
	if (ev->source == TRACE_SOURCE_RING) {
		if (g->n == g->cap) {
			g->cap = g->cap ? 2 * g->cap : 1024;
			g->lines = realloc(g->lines, g->cap * sizeof(*g->lines));
			ck_assert_ptr_nonnull(g->lines);
		}
		g->lines[g->n++] = strdup(line);
		g->ring++;
	} else if (ev->source == TRACE_SOURCE_TEXT) {
		/* The emulated driver's tracefs lines are the ring decoded by
		 * the kernel's rules: the same messages in the same order. */
		ck_assert_uint_lt(g->text, g->n);
		ck_assert_str_eq(line, g->lines[g->text]);
		g->text++;
	} else {
		ck_assert_ptr_nonnull(ev->text);
		g->saved++;
	}
	return 0;
}

static int e_crs(void *ud, const char *kind, uint32_t addr, const uint32_t *v, size_t n)
{
	struct emu_got *g = ud;

	(void)kind;
	(void)addr;
	(void)v;
	g->crs_words += n;
	return 0;
}

static int e_health(void *ud, const char *kind, const struct health_item *h)
{
	struct emu_got *g = ud;

	(void)kind;
	(void)h;
	g->health++;
	return 0;
}

static void e_problem(void *ud, const char *kind, uint64_t off, int err, const char *msg)
{
	struct emu_got *g = ud;

	(void)kind;
	(void)off;
	(void)err;
	(void)msg;
	g->problems++;
}

static const struct analyze_sink emu_sink = {
	.trace = e_trace,
	.crspace = e_crs,
	.health = e_health,
	.problem = e_problem,
};

struct blocks {
	uint8_t *p;
	size_t len;
};

static int on_blk(void *ud, const void *blk, size_t len)
{
	struct blocks *b = ud;

	b->p = realloc(b->p, b->len + len);
	ck_assert_ptr_nonnull(b->p);
	memcpy(b->p + b->len, blk, len);
	b->len += len;
	return 0;
}

static void emu_reg(struct emu *e, uint16_t id, uint8_t *data, size_t len)
{
	uint8_t in[16 + 256], out[16 + 256];

	memset(in, 0, sizeof(in));
	mlx5_mbox_in_hdr(in, 0x805, 1);
	fw_put_be32(in + 8, id);
	ck_assert_int_eq(emu_cmd(e, in, 16 + len, out, 16 + len), 0);
	ck_assert_uint_eq(out[0], 0);
	memcpy(data, out + 16, len);
}

START_TEST(test_emulator_trace)
{
	struct emu *e;
	struct analyze *an;
	struct emu_got g;
	struct blocks b = { NULL, 0 };
	uint8_t cap[128];
	char *text;
	size_t tlen, i;

	memset(&g, 0, sizeof(g));
	/* owner=none: the emulated driver does not run the tracer itself, so its
	 * tracefs lines are exactly this stream decoded. */
	tu_assert_ok(ctx, emu_new(ctx, "emu:cx7,seed=4,owner=none", &e));
	tu_assert_ok(ctx, emu_trace_stream(e, 5000, on_blk, &b));
	tu_assert_ok(ctx, emu_tracefs_text(e, &text, &tlen));
	emu_reg(e, 0x9040, cap, sizeof(cap));
	tu_assert_ok(ctx, analyze_new(ctx, &emu_sink, &g, &an));
	tu_assert_ok(ctx, analyze_set_trace_cap(an, cap, sizeof(cap)));
	for (i = 0; i < emu_strings_db_sections(e); i++) {
		const void *d;
		size_t l;

		tu_assert_ok(ctx, emu_strings_db(e, (unsigned)i, &d, &l));
		tu_assert_ok(ctx, analyze_set_trace_strings(an, (unsigned)i, d, l));
	}
	feed(an, "trace.ring", b.p, b.len, 4096);
	feed(an, "trace.text", text, tlen, 4096);
	ck_assert_uint_gt(g.ring, 1000);
	ck_assert_uint_eq(g.text, g.ring);
	ck_assert_uint_eq(g.problems, 0);
	analyze_free(an);
	for (i = 0; i < g.n; i++)
		free(g.lines[i]);
	free(g.lines);
	free(b.p);
	free(text);
	emu_free(e);
}
END_TEST

START_TEST(test_emulator_health)
{
	static const char *const specs[] = { "emu:cx6dx,seed=5,fw-error-after=1",
					     "emu:cx6dx,seed=5,fatal-after=1" };
	unsigned k;

	for (k = 0; k < 2; k++) {
		struct emu *e;
		struct analyze *an;
		struct emu_got g;
		struct blocks b = { NULL, 0 };
		uint8_t cap[128];
		void *data = NULL, *hb = NULL;
		size_t len = 0, hlen = 0;

		memset(&g, 0, sizeof(g));
		tu_assert_ok(ctx, emu_new(ctx, specs[k], &e));
		tu_assert_ok(ctx, emu_trace_stream(e, 2000, on_blk, &b));
		emu_cmd(e, "", 0, cap, 16); /* one command: the fault fires */
		tu_assert_ok(ctx, emu_reporter_dump(e, k ? "fw_fatal" : "fw", &data, &len));
		tu_assert_ok(ctx, emu_health_buffer(e, &hb, &hlen));
		tu_assert_ok(ctx, analyze_new(ctx, &emu_sink, &g, &an));
		feed(an, k ? "health.fw_fatal.dump" : "health.fw.dump", data, len, 1000);
		feed(an, "health.buffer", hb, hlen, hlen);
		ck_assert_uint_eq(g.problems, 0);
		ck_assert_uint_ge(g.health, 19);
		if (k)
			ck_assert_uint_gt(g.crs_words, 1000);
		else
			ck_assert_uint_gt(g.saved, 0);
		analyze_free(an);
		free(data);
		free(hb);
		free(b.p);
		emu_free(e);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("analyze");
	TCase *tc = tcase_create("feed");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_decoder_table);
	tcase_add_test(tc, test_all_kinds);
	tcase_add_test(tc, test_crdump);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_emulator_trace);
	tcase_add_test(tc, test_emulator_health);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
