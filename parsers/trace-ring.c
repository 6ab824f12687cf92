/* SPDX-License-Identifier: MIT */
/*
 * trace-ring: the raw tracer ring reader (trace-ring.h).  The rules below
 * restate the kernel's drivers/net/ethernet/mellanox/mlx5/core/diag/
 * fw_tracer.c; each one is named where it is applied so the decoder can be
 * checked against the driver line by line.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "trace.h"

#define MASK_52_7 0x1FFFFFFFFFFF80ull
#define MASK_6_0 0x7Full
#define TMSN_COUNT 8192u /* tmsn is 13 bits: direct-indexed pending table */
#define PEND_SLAB 256u

struct pend {
	struct pend *hnext;           /* chain of the tmsn slot, newest first */
	struct pend *aprev, *anext;   /* age list, oldest first (eviction) */
	struct pend *rnext;           /* ready FIFO */
	struct trace_event ev;
	uint8_t count;                /* last_param_num */
	bool ready;
	bool hashed;
};

enum dec_mode { MODE_BUFFER, MODE_STREAM };

struct trace_decoder {
	struct fw_ctx *ctx;
	const struct trace_strdb *db;
	trace_event_fn fn;
	trace_problem_fn problem;
	void *ud;
	struct trace_stats st;

	uint8_t first_str, num_str, trc_ver;

	/* Look-ahead buffer: the whole input while it fits (ring snapshot). */
	enum dec_mode mode;
	uint8_t *buf;
	size_t buf_len, buf_cap;
	uint64_t in_off;           /* input bytes consumed before buf / carry */
	uint8_t carry[TRACE_BLOCK_SIZE];
	size_t carry_len;

	/* Block state (mlx5_fw_tracer_handle_traces). */
	uint64_t last_ts;
	uint64_t prev_block_ts;    /* block timestamp of the block before this one */
	bool have_prev;

	/* Pending messages: slabs allocated as needed, up to
	 * FW_LIMIT_TRACE_PENDING entries in all. */
	struct pend *slabs[FW_LIMIT_TRACE_PENDING / PEND_SLAB];
	unsigned nslabs;
	struct pend *free;
	struct pend *slot[TMSN_COUNT];
	struct pend *ahead, *atail;
	struct pend *rhead, *rtail;
	struct pend rawmsg;        /* raw messages are ready at once; see handle_raw */
	uint64_t problems;
	int err;                   /* sticky callback error */
};

static void problem(struct trace_decoder *d, uint64_t off, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct trace_decoder *d, uint64_t off, int err, const char *fmt, ...)
{
	va_list ap;

	d->problems++;
	if (d->problems > FW_LIMIT_PROBLEMS)
		return;
	va_start(ap, fmt);
	fw_vproblemf(d->problem, d->ud, off, err, fmt, ap);
	va_end(ap);
}

int trace_decoder_new(struct fw_ctx *ctx, const struct trace_strdb *db, trace_event_fn fn,
		      trace_problem_fn problem_fn, void *userdata, struct trace_decoder **ret)
{
	struct trace_decoder *d;

	d = calloc(1, sizeof(*d));
	if (!d)
		return fw_error(ctx, -ENOMEM, "trace decoder: out of memory");
	d->ctx = ctx;
	d->db = db;
	d->fn = fn;
	d->problem = problem_fn;
	d->ud = userdata;
	if (db) {
		const struct trace_cap *cap = trace_strdb_cap(db);

		d->first_str = cap->first_string_trace;
		d->num_str = cap->num_string_trace;
		d->trc_ver = cap->trc_ver;
	} else {
		/* Without MTRC_CAP the string-event range is unknown: take every
		 * event but timestamps as a string event, so each one shows
		 * (raw) rather than vanishing. */
		d->first_str = 0;
		d->num_str = 0xfe;
	}
	*ret = d;
	return 0;
}

void trace_decoder_free(struct trace_decoder *d)
{
	unsigned i;

	if (!d)
		return;
	for (i = 0; i < d->nslabs; i++)
		free(d->slabs[i]);
	free(d->buf);
	free(d);
}

const struct trace_stats *trace_decoder_stats(const struct trace_decoder *d)
{
	return &d->st;
}

static void age_unlink(struct trace_decoder *d, struct pend *p)
{
	if (p->aprev)
		p->aprev->anext = p->anext;
	else
		d->ahead = p->anext;
	if (p->anext)
		p->anext->aprev = p->aprev;
	else
		d->atail = p->aprev;
	p->aprev = p->anext = NULL;
}

static void hash_unlink(struct trace_decoder *d, struct pend *p)
{
	struct pend **pp = &d->slot[p->ev.tmsn];

	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
	p->hnext = NULL;
	p->hashed = false;
}

static void pend_release(struct trace_decoder *d, struct pend *p)
{
	if (p->hashed)
		hash_unlink(d, p);
	age_unlink(d, p);
	p->hnext = d->free;
	d->free = p;
}

/* The free list is empty: a new slab, or at the limit, evict. */
static __attribute__((noinline)) struct pend *pend_refill(struct trace_decoder *d)
{
	struct pend *victim;

	if (d->nslabs < FW_LIMIT_TRACE_PENDING / PEND_SLAB) {
		struct pend *slab = malloc(PEND_SLAB * sizeof(*slab));
		unsigned i;

		if (slab) {
			d->slabs[d->nslabs++] = slab;
			for (i = 0; i < PEND_SLAB; i++) {
				slab[i].hnext = d->free;
				d->free = &slab[i];
			}
			return d->free;
		}
	}
	/* The kernel keeps incomplete messages forever; we keep at most
	 * FW_LIMIT_TRACE_PENDING and drop the oldest that still waits for
	 * parameters. */
	for (victim = d->ahead; victim && victim->ready; victim = victim->anext)
		;
	if (!victim)
		return NULL;
	d->st.evicted++;
	problem(d, victim->ev.offset, -EOVERFLOW,
		"trace message tmsn %u event_id 0x%x never got its parameters "
		"(FW_LIMIT_TRACE_PENDING), dropping it",
		victim->ev.tmsn, victim->ev.event_id);
	pend_release(d, victim);
	return d->free;
}

static inline __attribute__((always_inline)) struct pend *pend_alloc(struct trace_decoder *d)
{
	struct pend *p = d->free;

	if (__builtin_expect(!p, 0)) {
		p = pend_refill(d);
		if (!p)
			return NULL;
	}
	d->free = p->hnext;
	/* Field by field rather than memset: this runs once per message. */
	p->hnext = p->anext = p->rnext = NULL;
	p->count = 0;
	p->ready = false;
	p->hashed = false;
	p->ev.seq = 0;
	p->ev.text = NULL;
	p->ev.device = NULL;
	p->ev.device_len = 0;
	p->ev.tmsn = 0;
	p->ev.nparams = 0;
	p->ev.raw = false;
	p->ev.unmatched = false;
	p->ev.ambiguous = false;
	p->ev.have_host_ns = false;
	p->ev.host_ns = 0;
	memset(p->ev.params, 0, sizeof(p->ev.params));
	p->aprev = d->atail;
	if (d->atail)
		d->atail->anext = p;
	else
		d->ahead = p;
	d->atail = p;
	return p;
}

static void ready_push(struct trace_decoder *d, struct pend *p)
{
	p->ready = true;
	p->rnext = NULL;
	if (d->rtail)
		d->rtail->rnext = p;
	else
		d->rhead = p;
	d->rtail = p;
}

/* mlx5_tracer_handle_raw_string: "0x%08x%08x" with upper/lower 32 bits of
 * the event read as a host (little-endian) u64. */
/* A new message from the ring: the fields its first (string) event sets. */
static inline __attribute__((always_inline)) struct pend *
pend_start(struct trace_decoder *d, uint64_t off, uint8_t event_id, uint8_t ts7, bool lost,
	   const char *format, uint32_t ptr)
{
	struct pend *p = pend_alloc(d);

	if (!p)
		return NULL;
	p->ev.source = TRACE_SOURCE_RING;
	p->ev.offset = off;
	p->ev.event_id = event_id;
	p->ev.timestamp = ts7;
	p->ev.lost = lost;
	p->ev.format = format;
	p->ev.format_ptr = ptr;
	return p;
}

static void handle_raw(struct trace_decoder *d, const uint8_t *e, uint64_t off, uint8_t event_id,
		       uint8_t ts7, bool lost, uint32_t ptr)
{
	struct pend *p = pend_start(d, off, event_id, ts7, lost, TRACE_RAW_FORMAT, ptr);

	if (!p)
		return;
	p->ev.raw = true;
	p->ev.params[0] = fw_get_le32(e + 4);
	p->ev.params[1] = fw_get_le32(e);
	p->ev.nparams = 2;
	p->ev.nparams_expected = 2;
	/* The kernel also hashes a raw message under tmsn 0, where a later
	 * parameter event could append to it and list it twice; we keep raw
	 * messages out of the table instead. */
	ready_push(d, p);
}

static void handle_string(struct trace_decoder *d, const uint8_t *e, uint64_t off, uint32_t dw0)
{
	uint8_t event_id = (uint8_t)(dw0 >> 16);
	uint8_t ts7 = (uint8_t)((dw0 >> 24) & 0x7f);
	bool lost = dw0 >> 31;
	uint16_t tmsn = (uint16_t)((dw0 >> 3) & 0x1fff);
	unsigned tdsn = dw0 & 7;
	uint32_t param = fw_get_be32(e + 4);
	struct pend *p;

	if (tdsn == 0) {
		unsigned np = 0;
		const char *fmt = d->db ? trace_strdb_lookup(d->db, param, &np) : NULL;

		if (!fmt) {
			handle_raw(d, e, off, event_id, ts7, lost, param);
			return;
		}
		p = pend_start(d, off, event_id, ts7, lost, fmt, param);
		if (!p)
			return;
		p->ev.tmsn = tmsn;
		p->ev.nparams_expected = (uint8_t)np;
		/* mlx5_tracer_message_insert: hlist_add_head, newest first. */
		p->hnext = d->slot[tmsn];
		d->slot[tmsn] = p;
		p->hashed = true;
		if (np == 0)
			ready_push(d, p);
		return;
	}
	/* mlx5_tracer_message_get: same tmsn and event_id. */
	for (p = d->slot[tmsn]; p; p = p->hnext)
		if (p->ev.event_id == event_id)
			break;
	if (!p) {
		handle_raw(d, e, off, event_id, ts7, lost, param);
		return;
	}
	p->count++;
	if (p->count > TRACE_MAX_PARAMS) {
		if (!p->ready)
			ready_push(d, p);
		return;
	}
	p->ev.params[p->count - 1] = param;
	p->ev.nparams = p->count;
	if (p->count == p->ev.nparams_expected && !p->ready)
		ready_push(d, p);
}

/* mlx5_tracer_handle_timestamp_trace: every ready message gets its full
 * timestamp from this event and is printed, in the order it became ready. */
static int handle_timestamp(struct trace_decoder *d, uint64_t ts)
{
	struct pend *p;

	while ((p = d->rhead)) {
		uint64_t t = p->ev.timestamp & MASK_6_0;
		int r;

		d->rhead = p->rnext;
		if (!d->rhead)
			d->rtail = NULL;
		if (t < (ts & MASK_6_0))
			p->ev.timestamp = (ts & MASK_52_7) | t;
		else
			p->ev.timestamp = ((ts - 1) & MASK_52_7) | t;
		p->ev.seq = d->st.messages++;
		if (p->ev.raw)
			d->st.raw++;
		r = d->fn ? d->fn(d->ud, &p->ev) : 0;
		pend_release(d, p);
		if (r < 0)
			return r;
	}
	return 0;
}

static inline uint64_t ts_event_value(const uint8_t *e)
{
	uint32_t dw0 = fw_get_be32(e), dw1 = fw_get_be32(e + 4);

	return ((uint64_t)(dw0 & 0x1fff) << 40) | ((uint64_t)dw1 << 8) | (dw0 >> 24);
}

/* get_block_timestamp: the block's last event, 0 if it is no timestamp. */
static inline uint64_t block_ts(const uint8_t *blk)
{
	const uint8_t *e = blk + (TRACE_EVENTS_PER_BLOCK - 1) * TRACE_EVENT_SIZE;

	if (e[1] != TRACE_EVENT_TIMESTAMP)
		return 0;
	return ts_event_value(e);
}

static int parse_block(struct trace_decoder *d, const uint8_t *blk, uint64_t off)
{
	unsigned i;
	int r;

	for (i = 0; i < TRACE_EVENTS_PER_BLOCK; i++) {
		const uint8_t *e = blk + i * TRACE_EVENT_SIZE;
		uint32_t dw0 = fw_get_be32(e);
		uint8_t event_id = (uint8_t)(dw0 >> 16);

		if (event_id == TRACE_EVENT_TIMESTAMP) {
			unsigned urts = (dw0 >> 13) & 7;
			bool unreliable = d->trc_ver == 0 ? (urts >> 2) : (urts & 1);

			if (unreliable) {
				d->st.unreliable_ts++;
				continue;
			}
			r = handle_timestamp(d, ts_event_value(e));
			if (r < 0)
				return r;
		} else if (event_id >= d->first_str &&
			   event_id <= (unsigned)d->first_str + d->num_str) {
			/* Inclusive upper bound, as in poll_trace. */
			handle_string(d, e, off + i * TRACE_EVENT_SIZE, dw0);
		} else {
			d->st.unrecognized++;
		}
	}
	d->st.events += TRACE_EVENTS_PER_BLOCK;
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * One block in consumption order.  prev_ts is the block timestamp of the
 * block that precedes it in the ring (or the stream), valid if have_prev.
 */
static int consume_block(struct trace_decoder *d, const uint8_t *blk, uint64_t off, uint64_t ts,
			 uint64_t prev_ts, bool have_prev)
{
	d->st.blocks++;
	if (!ts) {
		if (all_zero(blk, TRACE_BLOCK_SIZE)) {
			d->st.blocks_empty++;
		} else {
			d->st.blocks_invalid++;
			problem(d, off, -EBADMSG,
				"trace block at offset %llu: last event is not a timestamp event, skipping",
				(unsigned long long)off);
		}
		return 0;
	}
	if (ts <= d->last_ts) {
		d->st.blocks_stale++;
		problem(d, off, -EBADMSG,
			"trace block at offset %llu: timestamp 0x%llx is not newer than 0x%llx, skipping",
			(unsigned long long)off, (unsigned long long)ts,
			(unsigned long long)d->last_ts);
		return 0;
	}
	/* The kernel's overwrite check: the block before must still carry
	 * the last timestamp handled, else events were lost and this block
	 * is skipped too. */
	if (d->last_ts && (!have_prev || prev_ts != d->last_ts)) {
		d->st.lost_gaps++;
		problem(d, off, -EBADMSG,
			"trace block at offset %llu: events were lost before it (previous block "
			"timestamp 0x%llx, last handled 0x%llx), skipping",
			(unsigned long long)off, (unsigned long long)prev_ts,
			(unsigned long long)d->last_ts);
		d->last_ts = ts;
		return 0;
	}
	d->st.blocks_decoded++;
	d->last_ts = ts;
	return parse_block(d, blk, off);
}

static int stream_block(struct trace_decoder *d, const uint8_t *blk, uint64_t off)
{
	uint64_t ts = block_ts(blk);
	int r = consume_block(d, blk, off, ts, d->prev_block_ts, d->have_prev);

	d->prev_block_ts = ts;
	d->have_prev = true;
	return r;
}

/* Ring snapshot: start at the valid block with the smallest timestamp and
 * walk once around the ring. */
static int decode_ring(struct trace_decoder *d, const uint8_t *ring, size_t nblocks)
{
	size_t i, start = 0, k;
	uint64_t min = 0;
	int r;

	for (i = 0; i < nblocks; i++) {
		uint64_t ts = block_ts(ring + i * TRACE_BLOCK_SIZE);

		if (ts && (!min || ts < min)) {
			min = ts;
			start = i;
		}
	}
	for (k = 0; k < nblocks; k++) {
		size_t idx = (start + k) % nblocks;
		size_t prev = (idx + nblocks - 1) % nblocks;

		r = consume_block(d, ring + idx * TRACE_BLOCK_SIZE, (uint64_t)idx * TRACE_BLOCK_SIZE,
				  block_ts(ring + idx * TRACE_BLOCK_SIZE),
				  block_ts(ring + prev * TRACE_BLOCK_SIZE), nblocks > 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Leave buffering: decode the look-ahead as the start of a stream. */
static int flush_buffer_as_stream(struct trace_decoder *d)
{
	size_t i, n = d->buf_len / TRACE_BLOCK_SIZE;
	int r;

	d->mode = MODE_STREAM;
	for (i = 0; i < n; i++) {
		r = stream_block(d, d->buf + i * TRACE_BLOCK_SIZE, d->in_off + i * TRACE_BLOCK_SIZE);
		if (r < 0)
			return r;
	}
	d->in_off += n * TRACE_BLOCK_SIZE;
	/* Keep the partial block, if any, as carry. */
	d->carry_len = d->buf_len - n * TRACE_BLOCK_SIZE;
	if (d->carry_len)
		memcpy(d->carry, d->buf + n * TRACE_BLOCK_SIZE, d->carry_len);
	free(d->buf);
	d->buf = NULL;
	d->buf_len = 0;
	d->buf_cap = 0;
	return 0;
}

int trace_decoder_feed(struct trace_decoder *d, const void *data, size_t len)
{
	const uint8_t *p = data;
	struct fw_cursor in;
	int r;

	if (d->err)
		return d->err;
	if (d->mode == MODE_BUFFER) {
		if (len <= FW_LIMIT_TRACE_RING - d->buf_len) {
			/* Checked doubling up to the ring limit (core/buf.h). */
			if (fw_grow((void **)&d->buf, &d->buf_cap, d->buf_len + len, 1,
				    FW_LIMIT_TRACE_RING) < 0)
				return fw_error(d->ctx, -ENOMEM, "trace decoder: out of memory");
			memcpy(d->buf + d->buf_len, p, len);
			d->buf_len += len;
			return 0;
		}
		r = flush_buffer_as_stream(d);
		if (r < 0)
			goto fail;
	}
	/* Stream: complete the carried partial block, then whole blocks in place. */
	if (d->carry_len) {
		size_t take = TRACE_BLOCK_SIZE - d->carry_len;

		if (take > len)
			take = len;
		memcpy(d->carry + d->carry_len, p, take);
		d->carry_len += take;
		p += take;
		len -= take;
		if (d->carry_len < TRACE_BLOCK_SIZE)
			return 0;
		r = stream_block(d, d->carry, d->in_off);
		d->in_off += TRACE_BLOCK_SIZE;
		d->carry_len = 0;
		if (r < 0)
			goto fail;
	}
	/* Whole blocks through the bounded reader; the tail waits in carry. */
	fw_cursor_init(&in, p, len);
	while (fw_cursor_left(&in) >= TRACE_BLOCK_SIZE) {
		r = stream_block(d, fw_cursor_take(&in, TRACE_BLOCK_SIZE), d->in_off);
		d->in_off += TRACE_BLOCK_SIZE;
		if (r < 0)
			goto fail;
	}
	len = fw_cursor_left(&in);
	if (len)
		memcpy(d->carry, fw_cursor_take(&in, len), len);
	d->carry_len = len;
	return 0;
fail:
	d->err = r;
	return r;
}

int trace_decoder_finish(struct trace_decoder *d)
{
	struct pend *p;
	int r = 0;

	if (d->err)
		return d->err;
	if (d->mode == MODE_BUFFER) {
		size_t n = d->buf_len / TRACE_BLOCK_SIZE;

		if (n)
			r = decode_ring(d, d->buf, n);
		d->st.trailing_bytes = d->buf_len - n * TRACE_BLOCK_SIZE;
		d->in_off = n * TRACE_BLOCK_SIZE;
		free(d->buf);
		d->buf = NULL;
		d->buf_len = 0;
		d->buf_cap = 0;
	} else {
		d->st.trailing_bytes = d->carry_len;
	}
	if (r < 0) {
		d->err = r;
		return r;
	}
	if (d->st.blocks && d->st.blocks == d->st.blocks_empty)
		problem(d, 0, -ENODATA,
			"trace ring: none of its %llu blocks was ever written (all zero); the tracer "
			"produced nothing while it was captured",
			(unsigned long long)d->st.blocks);
	if (d->st.trailing_bytes)
		problem(d, d->in_off, -EBADMSG,
			"trace ring: %llu bytes after the last whole 256-byte block, skipping",
			(unsigned long long)d->st.trailing_bytes);
	/* A message still waiting for parameters at the end is normal: the
	 * snapshot was taken while the firmware was writing it. Counted in
	 * the statistics, not reported as a problem. */
	for (p = d->ahead; p; p = p->anext)
		if (!p->ready)
			d->st.incomplete++;
	if (d->problems > FW_LIMIT_PROBLEMS && d->problem) {
		char msg[128];

		snprintf(msg, sizeof(msg), "trace ring: %llu more problems not reported",
			 (unsigned long long)(d->problems - FW_LIMIT_PROBLEMS));
		d->problem(d->ud, d->in_off, -EBADMSG, msg);
	}
	return 0;
}

/* ------------------------------------------------------------------ encoder */

void trace_encode_string_event(void *out, bool lost, uint8_t ts7, uint8_t event_id,
			       uint16_t tmsn, uint8_t tdsn, uint32_t param)
{
	uint32_t dw0 = ((uint32_t)lost << 31) | ((uint32_t)(ts7 & 0x7f) << 24) |
		       ((uint32_t)event_id << 16) | ((uint32_t)(tmsn & 0x1fff) << 3) | (tdsn & 7u);

	fw_put_be32(out, dw0);
	fw_put_be32((uint8_t *)out + 4, param);
}

void trace_encode_timestamp_event(void *out, uint64_t ts53, uint8_t urts)
{
	uint32_t dw0 = ((uint32_t)(ts53 & 0xff) << 24) | (0xffu << 16) |
		       ((uint32_t)(urts & 7) << 13) | (uint32_t)((ts53 >> 40) & 0x1fff);

	fw_put_be32(out, dw0);
	fw_put_be32((uint8_t *)out + 4, (uint32_t)(ts53 >> 8));
}
