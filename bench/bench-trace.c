/* SPDX-License-Identifier: MIT */
/*
 * bench-trace: decode-only throughput of the firmware trace decoder on one
 * core, over a ring-block stream of at least 10 million messages.
 *
 * The stream is made by the test-side encoder (tests/unit/trace-enc.h) in a
 * 16 MiB window of 256-byte blocks: messages with 0 to 3 parameters from a
 * strings DB of four formats, 31 events and a timestamp per block.  The
 * window is fed again and again with its timestamps moved forward between
 * passes (outside the timed region), so memory stays small while the
 * decoder sees one strictly increasing stream.
 *
 * Figures (messages per second, best of three runs):
 *   trace_baseline_loop     a plain loop over the same bytes that reads
 *                           every event and counts message starts
 *   trace_decode_records    trace_decoder_feed(), records to a callback
 *   trace_decode_rendered   the same, each record rendered to text
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "trace.h"

#define WINDOW (16u << 20)
#define NBLOCKS (WINDOW / TRACE_BLOCK_SIZE)
#define MIN_MESSAGES 10000000ull
#define BASE 0x10000u

static const char formats[] = "\0"
			      "queue %u doorbell\0"           /* 1: 1 param */
			      "cq 0x%x eq %u armed\0"         /* 19: 2 params */
			      "heartbeat\0"                   /* 39: 0 params */
			      "qp 0x%x state %d -> %d\0";     /* 49: 3 params */
static const uint32_t fmt_off[4] = { 39, 1, 19, 49 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* CPU time of this thread: the machine is shared, and the figure is
	 * the rate of one core, not of whatever share of it we were given. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Fill the window; returns the number of messages in it. */
static uint64_t fill(uint8_t *win)
{
	uint64_t msgs = 0, seed = 1;
	size_t blk;
	uint16_t tmsn = 0;

	for (blk = 0; blk < NBLOCKS; blk++) {
		uint8_t *b = win + blk * TRACE_BLOCK_SIZE;
		unsigned n = 0;

		while (n < TRACE_EVENTS_PER_BLOCK - 1) {
			unsigned np, k;

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			np = (unsigned)(seed >> 62);
			if (n + 1 + np > TRACE_EVENTS_PER_BLOCK - 1)
				np = TRACE_EVENTS_PER_BLOCK - 2 - n;
			/* np params fit: the format with np params */
			trace_encode_string_event(b + 8 * n, false, (uint8_t)(n & 0x7f), 0x20, tmsn, 0,
						  BASE + fmt_off[np]);
			n++;
			for (k = 0; k < np; k++, n++)
				trace_encode_string_event(b + 8 * n, false, (uint8_t)(n & 0x7f), 0x20, tmsn,
							  (uint8_t)(k + 1), (uint32_t)(seed >> (8 * k)));
			tmsn = (tmsn + 1) & 0x1fff;
			msgs++;
		}
	}
	return msgs;
}

/* Give every block of the window its timestamp for pass p. */
static void stamp(uint8_t *win, uint64_t pass)
{
	size_t blk;

	for (blk = 0; blk < NBLOCKS; blk++)
		trace_encode_timestamp_event(win + blk * TRACE_BLOCK_SIZE + 31 * 8,
					     (pass * NBLOCKS + blk + 1) * 0x1000, 0);
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

static double run_decoder(struct trace_strdb *db, uint8_t *win, uint64_t passes, bool render,
			  uint64_t *ret_n)
{
	struct fw_ctx *ctx = NULL;
	struct trace_decoder *d = NULL;
	struct counter c = { 0, 0, render };
	uint64_t p, t = 0, t0;

	if (fw_ctx_new(&ctx) < 0 || trace_decoder_new(ctx, db, on_event, NULL, &c, &d) < 0) {
		fprintf(stderr, "bench-trace: setup failed\n");
		exit(1);
	}
	for (p = 0; p < passes; p++) {
		stamp(win, p);
		t0 = now_ns();
		if (trace_decoder_feed(d, win, WINDOW) < 0) {
			fprintf(stderr, "bench-trace: decode failed\n");
			exit(1);
		}
		t += now_ns() - t0;
	}
	t0 = now_ns();
	trace_decoder_finish(d);
	t += now_ns() - t0;
	trace_decoder_free(d);
	fw_ctx_free(ctx);
	*ret_n = c.n;
	return (double)c.n / ((double)t / 1e9);
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

static double run_baseline(uint8_t *win, uint64_t passes, uint64_t *ret_n)
{
	struct plain pl = { 0, 0 };
	uint64_t p, t = 0, t0;
	void (*fn)(struct plain *, uint32_t, uint16_t);
	size_t i;

	for (p = 0; p < passes; p++) {
		stamp(win, p);
		fn = plain_fn;
		t0 = now_ns();
		for (i = 0; i < WINDOW; i += 8) {
			uint32_t dw0 = fw_get_be32(win + i), dw1 = fw_get_be32(win + i + 4);

			if (((dw0 >> 16) & 0xff) != 0xff && (dw0 & 7) == 0)
				fn(&pl, dw1, (uint16_t)((dw0 >> 3) & 0x1fff));
		}
		t += now_ns() - t0;
	}
	*ret_n = pl.n;
	return (double)pl.n / ((double)t / 1e9);
}

int main(void)
{
	struct fw_ctx *ctx = NULL;
	struct trace_cap cap;
	struct trace_strdb *db = NULL;
	uint8_t *win = malloc(WINDOW);
	uint64_t per_window, passes, n_base = 0, n_rec = 0, n_ren = 0;
	double base = 0, rec = 0, ren = 0, v;
	int i;

	if (!win || fw_ctx_new(&ctx) < 0)
		return 1;
	memset(&cap, 0, sizeof(cap));
	cap.trace_to_memory = true;
	cap.num_string_db = 1;
	cap.first_string_trace = 0x20;
	cap.num_string_trace = 0x10;
	cap.db_base[0] = BASE;
	cap.db_size[0] = sizeof(formats);
	if (trace_strdb_new(ctx, &cap, &db) < 0 ||
	    trace_strdb_set_section(db, 0, formats, sizeof(formats)) < 0)
		return 1;
	per_window = fill(win);
	passes = (MIN_MESSAGES + per_window - 1) / per_window;
	for (i = 0; i < 3; i++) {
		v = run_baseline(win, passes, &n_base);
		if (v > base)
			base = v;
		v = run_decoder(db, win, passes, false, &n_rec);
		if (v > rec)
			rec = v;
		v = run_decoder(db, win, passes, true, &n_ren);
		if (v > ren)
			ren = v;
	}
	if (n_rec != n_base || n_ren != n_base) {
		fprintf(stderr, "bench-trace: decoded %" PRIu64 "/%" PRIu64 " of %" PRIu64 " messages\n",
			n_rec, n_ren, n_base);
		return 1;
	}
	printf("# %" PRIu64 " messages (%" PRIu64 " passes over a %u MiB window of ring blocks)\n",
	       n_rec, passes, WINDOW >> 20);
	printf("figure: trace_baseline_loop %.0f events/s\n", base);
	printf("figure: trace_decode_records %.0f events/s\n", rec);
	printf("figure: trace_decode_rendered %.0f events/s\n", ren);
	trace_strdb_free(db);
	fw_ctx_free(ctx);
	free(win);
	return 0;
}
