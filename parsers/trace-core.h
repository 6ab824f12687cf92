/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace-core: what the parts of the tracer decoder share (trace.c): the
 * record, struct trace_event; the source names; MTRC_CAP; the strings
 * database; the callbacks of the sources.  Include trace.h, which brings
 * this and the three parts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define TRACE_BLOCK_SIZE      256u   /* TRACER_BLOCK_SIZE_BYTE */
#define TRACE_EVENTS_PER_BLOCK 32u   /* TRACES_PER_BLOCK */
#define TRACE_EVENT_SIZE      8u
#define TRACE_MAX_PARAMS      7u     /* TRACER_MAX_PARAMS */
#define TRACE_STRINGS_DB_MAX  8u     /* STRINGS_DB_SECTIONS_NUM */
#define TRACE_EVENT_TIMESTAMP 0xffu  /* event_id of a timestamp event */
#define TRACE_RAW_FORMAT      "0x%08x%08x"

/* Where a record came from. */
enum trace_source {
	TRACE_SOURCE_RING = 0,   /* raw ring blocks, decoded here */
	TRACE_SOURCE_TEXT = 1,   /* tracefs mlx5_fw lines */
	TRACE_SOURCE_SAVED = 2,  /* devlink fw reporter "dump fw traces" */
};
const char *trace_source_name(enum trace_source s);

/*
 * One firmware trace message.  Valid only during the callback; copy what
 * you keep.
 *  - timestamp: the 53-bit device timestamp, rebuilt from the 7-bit event
 *    timestamp and the next reliable timestamp event (ring), or as printed
 *    (text, saved);
 *  - lost: the event's lost bit (ring) or the printed lost flag;
 *  - event_id, tmsn: from the first event of the message (tmsn 0 for text
 *    and saved records, and for raw messages);
 *  - format_ptr: the firmware string pointer (ring, tdsn 0 event); for raw
 *    messages of an orphan parameter event it is that event's parameter;
 *  - format: the format string after the kernel's "%llx" -> "%x%x" rewrite,
 *    TRACE_RAW_FORMAT for raw messages, NULL for text/saved records;
 *  - params: the parameters in arrival order, nparams of them (the rest are
 *    zero, as the kernel's kzalloc'd array); nparams_expected is the number
 *    of '%' in the format (the kernel's count);
 *  - raw: the pointer was not in any strings-DB section, or a parameter
 *    event had no pending message: the 8 event bytes are shown raw;
 *  - text: the message for text/saved records (NUL-terminated), NULL for
 *    ring records (render them with trace_event_render());
 *  - offset: byte offset in the input of the message's first event (ring)
 *    or of its line (text); index for saved records.
 *  - seq: 0-based ordinal of the record within its decoder.
 *  - unmatched: a text or saved record whose message no format of the
 *    strings DB renders (or no strings DB was at hand): only its text is
 *    known.  ambiguous: matched, but other formats render it too (see
 *    trace-match.h).  Both false for ring records.
 */
struct trace_event {
	uint64_t timestamp;
	uint64_t offset;
	uint64_t seq;
	const char *format;
	const char *text;
	uint32_t format_ptr;
	uint32_t params[TRACE_MAX_PARAMS];
	uint8_t nparams;
	uint8_t nparams_expected;
	uint8_t event_id;
	uint16_t tmsn;
	bool lost;
	bool raw;
	bool unmatched;
	bool ambiguous;
	enum trace_source source;
	const char *device;        /* text records: the device name on the line */
	size_t device_len;
	uint64_t host_ns;          /* tracefs lines: the ftrace clock's time, in ns */
	bool have_host_ns;
};

/* ------------------------------------------------------------ strings DB */

/* MTRC_CAP as the decoder needs it. */
struct trace_cap {
	uint8_t trc_ver;
	uint8_t first_string_trace;
	uint8_t num_string_trace;
	uint8_t num_string_db;
	uint8_t log_max_trace_buffer_size;
	bool trace_to_memory;
	bool trace_owner;
	uint32_t db_base[TRACE_STRINGS_DB_MAX];
	uint32_t db_size[TRACE_STRINGS_DB_MAX];
};

/* Parse MTRC_CAP register data (>= 80 bytes; 128 normally).  -EBADMSG if
 * short or num_string_db > 8. */
int trace_cap_parse(struct fw_ctx *ctx, const void *data, size_t len, struct trace_cap *ret);
/* Encode (tests and the emulator-side encoder); out must be 128 bytes. */
void trace_cap_encode(const struct trace_cap *cap, void *out);

struct trace_strdb;

int trace_strdb_new(struct fw_ctx *ctx, const struct trace_cap *cap, struct trace_strdb **ret);
void trace_strdb_free(struct trace_strdb *db);
/* Copy section i (as MTRC_STDB returned it, concatenated).  A section longer
 * than MTRC_CAP's size is cut to it; shorter is zero-filled (reported by the
 * return value 1).  -EOVERFLOW beyond FW_LIMIT_STRINGS_DB_SECTION. */
int trace_strdb_set_section(struct trace_strdb *db, unsigned i, const void *data, size_t len);
/* The format for a string pointer, or NULL if no section holds it (the
 * kernel's strict base < ptr < base + size test).  ret_nparams: the kernel's
 * parameter count ('%' characters after the %llx rewrite). */
const char *trace_strdb_lookup(const struct trace_strdb *db, uint32_t ptr, unsigned *ret_nparams);
const struct trace_cap *trace_strdb_cap(const struct trace_strdb *db);
/* The bytes held of section i (after the %llx rewrite, NUL after them) and
 * its base address; returns their count, 0 for a section not set. */
size_t trace_strdb_section(const struct trace_strdb *db, unsigned i, const char **ret_data,
			   uint32_t *ret_base);

/* What a source hands each record to; a negative return stops the input. */
typedef int (*trace_event_fn)(void *userdata, const struct trace_event *ev);
/* A broken or skipped part of the input; decoding goes on. */
typedef void (*trace_problem_fn)(void *userdata, uint64_t offset, int err, const char *msg);
