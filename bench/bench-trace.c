/* SPDX-License-Identifier: MIT */
/*
 * bench-trace: decode-only throughput of the firmware trace decoder on one
 * core, over a ring-block stream of at least 10 million 8-byte tracer
 * events made by the emulator (emu_trace_stream(), "emu:cx7"), with its
 * MTRC_CAP and strings database.  The stream is generated into memory
 * first (about 80 MiB), then fed to the decoder in 1 MiB chunks as the
 * bundle reader would; only the decoding is timed, in CPU time.
 *
 * Figures (best of three runs), in input events (8 bytes each) per second:
 *   trace_baseline_loop     a plain loop over the same bytes that splits
 *                           every event and hands each message start to a
 *                           callback (no parameter assembly, no strings
 *                           DB, no timestamps)
 *   trace_decode_records    trace_decoder_feed(), records to a callback
 *   trace_decode_rendered   the same, each record rendered to text
 * and the decoded messages per second of the last two.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "emu/emu.h"
#include "mlx5/mlx5.h"
#include "trace.h"

#define NEVENTS 10000000ull
#define CHUNK (1u << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* CPU time of this thread: the machine is shared, and the figure is
	 * the rate of one core, not of whatever share of it we were given. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct stream {
	uint8_t *buf;
	size_t len, cap;
};

static int on_block(void *ud, const void *blk, size_t len)
{
	struct stream *st = ud;

	if (st->len + len > st->cap) {
		size_t cap = st->cap ? st->cap * 2 : (64u << 20);
		uint8_t *nb = realloc(st->buf, cap);

		if (!nb)
			return -1;
		st->buf = nb;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, blk, len);
	st->len += len;
	return 0;
}

struct counter {
	uint64_t n;
	uint64_t bytes;
	bool render;
};

static int on_event(void *ud, const struct trace_event *ev)
{
	struct counter *c = ud;

	if (c->render) {
		char msg[FW_LIMIT_TRACE_MESSAGE];

		c->bytes += trace_event_render(ev, msg, sizeof(msg));
	}
	c->n++;
	return 0;
}

static double run_decoder(struct trace_strdb *db, const struct stream *st, bool render,
			  uint64_t *ret_n)
{
	struct fw_ctx *ctx = NULL;
	struct trace_decoder *d = NULL;
	struct counter c = { 0, 0, render };
	uint64_t t0, t;
	size_t off;

	if (fw_ctx_new(&ctx) < 0 || trace_decoder_new(ctx, db, on_event, NULL, &c, &d) < 0) {
		fprintf(stderr, "bench-trace: setup failed\n");
		exit(1);
	}
	t0 = now_ns();
	for (off = 0; off < st->len; off += CHUNK)
		if (trace_decoder_feed(d, st->buf + off, st->len - off < CHUNK ? st->len - off : CHUNK) < 0) {
			fprintf(stderr, "bench-trace: decode failed\n");
			exit(1);
		}
	trace_decoder_finish(d);
	t = now_ns() - t0;
	trace_decoder_free(d);
	fw_ctx_free(ctx);
	*ret_n = c.n;
	return (double)(st->len / 8) / ((double)t / 1e9);
}

/*
 * The plain loop: split every event into its fields and hand each message
 * start to a callback through a pointer the compiler cannot see through,
 * with no parameter assembly, no strings DB and no timestamp rebuild.  It
 * is the floor a "records to a callback" decoder is measured against.
 */
struct plain {
	uint64_t n;
	uint64_t sum;
};

static void plain_cb(struct plain *pl, uint32_t ptr, uint16_t tmsn)
{
	pl->n++;
	pl->sum += ptr ^ tmsn;
}

static void (*volatile plain_fn)(struct plain *, uint32_t, uint16_t) = plain_cb;

static double run_baseline(const struct stream *st, uint64_t *ret_n)
{
	struct plain pl = { 0, 0 };
	void (*fn)(struct plain *, uint32_t, uint16_t) = plain_fn;
	uint64_t t0, t;
	size_t i;

	t0 = now_ns();
	for (i = 0; i + 8 <= st->len; i += 8) {
		uint32_t dw0 = fw_get_be32(st->buf + i), dw1 = fw_get_be32(st->buf + i + 4);

		if (((dw0 >> 16) & 0xff) != 0xff && (dw0 & 7) == 0)
			fn(&pl, dw1, (uint16_t)((dw0 >> 3) & 0x1fff));
	}
	t = now_ns() - t0;
	*ret_n = pl.n;
	return (double)(st->len / 8) / ((double)t / 1e9);
}

/* MTRC_CAP through the emulator's command interface, as a device read. */
static int read_cap(struct emu *e, uint8_t cap[128])
{
	uint8_t in[16 + 128], out[16 + 128];

	memset(in, 0, sizeof(in));
	mlx5_mbox_in_hdr(in, 0x805, 1);
	fw_put_be32(in + 8, 0x9040);
	if (emu_cmd(e, in, sizeof(in), out, sizeof(out)) < 0 || out[0] != 0)
		return -1;
	memcpy(cap, out + 16, 128);
	return 0;
}

int main(void)
{
	struct fw_ctx *ctx = NULL;
	struct emu *e = NULL;
	struct trace_cap cap;
	struct trace_strdb *db = NULL;
	struct stream st = { NULL, 0, 0 };
	uint8_t raw[128];
	uint64_t n_base = 0, n_rec = 0, n_ren = 0, t0;
	double base = 0, rec = 0, ren = 0, v, gen;
	unsigned i;
	int r;

	if (fw_ctx_new(&ctx) < 0 || emu_new(ctx, "emu:cx7,seed=1,tracefs=0", &e) < 0) {
		fprintf(stderr, "bench-trace: %s\n", ctx ? fw_ctx_errmsg(ctx) : "out of memory");
		return 1;
	}
	if (read_cap(e, raw) < 0 || trace_cap_parse(ctx, raw, sizeof(raw), &cap) < 0 ||
	    trace_strdb_new(ctx, &cap, &db) < 0) {
		fprintf(stderr, "bench-trace: no MTRC_CAP from the emulator\n");
		return 1;
	}
	for (i = 0; i < emu_strings_db_sections(e); i++) {
		const void *data;
		size_t len;

		if (emu_strings_db(e, i, &data, &len) < 0 || trace_strdb_set_section(db, i, data, len) < 0) {
			fprintf(stderr, "bench-trace: strings DB section %u: %s\n", i, fw_ctx_errmsg(ctx));
			return 1;
		}
	}
	t0 = now_ns();
	r = emu_trace_stream(e, NEVENTS, on_block, &st);
	gen = (double)(now_ns() - t0) / 1e9;
	if (r < 0) {
		fprintf(stderr, "bench-trace: emu_trace_stream failed\n");
		return 1;
	}
	for (i = 0; i < 3; i++) {
		v = run_baseline(&st, &n_base);
		if (v > base)
			base = v;
		v = run_decoder(db, &st, false, &n_rec);
		if (v > rec)
			rec = v;
		v = run_decoder(db, &st, true, &n_ren);
		if (v > ren)
			ren = v;
	}
	if (n_rec != n_ren || n_rec == 0 || n_rec > n_base) {
		fprintf(stderr, "bench-trace: decoded %" PRIu64 "/%" PRIu64 " messages of %" PRIu64 " starts\n",
			n_rec, n_ren, n_base);
		return 1;
	}
	printf("# emu:cx7 stream: %" PRIu64 " events (%zu bytes, %.1f s to generate), %" PRIu64
	       " messages decoded of %" PRIu64 " started\n",
	       (uint64_t)(st.len / 8), st.len, gen, n_rec, n_base);
	printf("figure: trace_baseline_loop %.0f events/s\n", base);
	printf("figure: trace_decode_records %.0f events/s\n", rec);
	printf("figure: trace_decode_rendered %.0f events/s\n", ren);
	printf("figure: trace_decode_records_messages %.0f messages/s\n", rec * (double)n_rec / (double)(st.len / 8));
	printf("figure: trace_decode_rendered_messages %.0f messages/s\n", ren * (double)n_ren / (double)(st.len / 8));
	trace_strdb_free(db);
	emu_free(e);
	fw_ctx_free(ctx);
	free(st.buf);
	return 0;
}
