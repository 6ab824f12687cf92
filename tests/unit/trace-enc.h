/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace-enc: a test-side encoder of firmware tracer input (MTRC_CAP, one
 * strings-DB section, 256-byte ring blocks), shared by the unit tests, the
 * fuzz seed recipe and the benchmark.  Header-only so each user compiles it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "trace.h"

#define TENC_FIRST_STR 0x20
#define TENC_NUM_STR 0x10
#define TENC_BASE 0x1000u

/* Offsets of the formats in the section below. */
#define TENC_OFF_LINK 1
#define TENC_OFF_VALUE 26
#define TENC_OFF_NOPARAM 42
#define TENC_OFF_PCT 57
#define TENC_OFF_NINE 70
#define TENC_SECTION_SIZE 128

static inline const void *tenc_strings(size_t *ret_len)
{
	static const char sec[TENC_SECTION_SIZE] =
		"\0"
		"link up port %d speed %u\0"          /* 1 */
		"value %llx done\0"                   /* 26 */
		"no params here\0"                    /* 42 */
		"pct %% %d %d\0"                      /* 57 */
		"%d %d %d %d %d %d %d %d %d";         /* 70 */
	*ret_len = sizeof(sec);
	return sec;
}

static inline void tenc_cap(struct trace_cap *cap)
{
	size_t len;

	memset(cap, 0, sizeof(*cap));
	(void)tenc_strings(&len);
	cap->trace_to_memory = true;
	cap->num_string_db = 1;
	cap->first_string_trace = TENC_FIRST_STR;
	cap->num_string_trace = TENC_NUM_STR;
	cap->log_max_trace_buffer_size = 6;
	cap->db_base[0] = TENC_BASE;
	cap->db_size[0] = (uint32_t)len;
}

struct tenc_block {
	uint8_t data[TRACE_BLOCK_SIZE];
	unsigned n;
};

static inline void tenc_block_init(struct tenc_block *b)
{
	memset(b->data, 0, sizeof(b->data));
	b->n = 0;
}

static inline void tenc_str(struct tenc_block *b, bool lost, uint8_t ts7, uint8_t event_id,
			    uint16_t tmsn, uint8_t tdsn, uint32_t param)
{
	if (b->n < TRACE_EVENTS_PER_BLOCK - 1)
		trace_encode_string_event(b->data + 8 * b->n++, lost, ts7, event_id, tmsn, tdsn, param);
}

/* Fill the unused slots with events outside the string range (ignored by
 * the decoder, as firmware padding would be) and close with the timestamp. */
static inline void tenc_block_finish(struct tenc_block *b, uint64_t ts53)
{
	while (b->n < TRACE_EVENTS_PER_BLOCK - 1)
		trace_encode_string_event(b->data + 8 * b->n++, false, 0, 0x01, 0, 0, 0);
	trace_encode_timestamp_event(b->data + 8 * b->n++, ts53, 0);
}
