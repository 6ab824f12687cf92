/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace-ring: the raw tracer ring reader (trace-ring.c).
 *
 * Contract: bytes of 256-byte ring blocks in, struct trace_event records
 * out through the callback, in time order, following the kernel's
 * fw_tracer rules (timestamps rebuilt from the block's timestamp event,
 * parameters collected by message sequence number, %llx taking two
 * parameters, a pointer in no strings-DB section printed raw).  Input of
 * at most FW_LIMIT_TRACE_RING bytes is a ring snapshot decoded from its
 * oldest valid block across the wrap; longer input is a stream in write
 * order.  Memory stays bounded (FW_LIMIT_TRACE_RING of look-ahead and
 * FW_LIMIT_TRACE_PENDING pending messages) whatever the input; broken
 * parts are reported to the problem callback (at most FW_LIMIT_PROBLEMS
 * of them, then a count) and decoding goes on.  Also the test-side
 * encoder of ring events.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace-core.h"

struct trace_stats {
	uint64_t blocks;            /* blocks seen */
	uint64_t blocks_decoded;
	uint64_t blocks_empty;      /* never written (all zero) */
	uint64_t blocks_invalid;    /* last event not a timestamp event */
	uint64_t blocks_stale;      /* timestamp not newer than the last decoded block */
	uint64_t lost_gaps;         /* "Events were lost" (kernel rule) */
	uint64_t events;            /* 8-byte events parsed */
	uint64_t messages;          /* records emitted */
	uint64_t raw;               /* records emitted raw */
	uint64_t unreliable_ts;     /* timestamp events ignored (urts) */
	uint64_t unrecognized;      /* events neither string nor timestamp */
	uint64_t evicted;           /* pending messages dropped at FW_LIMIT_TRACE_PENDING */
	uint64_t incomplete;        /* messages still waiting at the end */
	uint64_t trailing_bytes;    /* input bytes after the last whole block */
};

struct trace_decoder;

/* db is borrowed and must outlive the decoder.  db may be NULL (no MTRC_CAP
 * or strings DB captured): every non-timestamp event is then a string event
 * and comes out raw. */
int trace_decoder_new(struct fw_ctx *ctx, const struct trace_strdb *db, trace_event_fn fn,
		      trace_problem_fn problem, void *userdata, struct trace_decoder **ret);
void trace_decoder_free(struct trace_decoder *d);
/* Feed any number of bytes.  Returns 0 or the callback's negative code. */
int trace_decoder_feed(struct trace_decoder *d, const void *data, size_t len);
/* End of input: decode what is buffered (ring snapshot mode if the whole
 * input fitted), report trailing bytes and messages left incomplete. */
int trace_decoder_finish(struct trace_decoder *d);
const struct trace_stats *trace_decoder_stats(const struct trace_decoder *d);

/* Encode one string event / timestamp event (8 bytes, big-endian dwords). */
void trace_encode_string_event(void *out, bool lost, uint8_t ts7, uint8_t event_id,
			       uint16_t tmsn, uint8_t tdsn, uint32_t param);
void trace_encode_timestamp_event(void *out, uint64_t ts53, uint8_t urts);
