/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * analyze: turn a bundle's artifacts into typed records, streaming, in
 * bounded memory.  It runs the right decoder of parsers/ over each artifact
 * kind and hands every record to a sink of callbacks.  Used by the decode
 * verbs (trace, regs, crspace, segments) and by the SQLite loader.
 *
 * Artifact kinds decoded (others are ignored):
 *   trace.cap, trace.strings.N   side inputs of the ring decoder
 *   trace.ring                   raw tracer ring (snapshot or block stream) -> trace
 *   trace.text                   tracefs mlx5_fw lines (and mstfwtrace's,
 *                                iproute2's saved-trace text)               -> trace
 *   health.<reporter>[.<what>]   devlink fmsg (netlink attribute stream, or
 *                                iproute2 JSON if it starts with '{' or '[') -> health;
 *                                its "dump fw traces" objects               -> trace (saved);
 *                                its binary "crdump_data"                   -> crspace
 *   health.buffer                the 64-byte health buffer                  -> health
 *   reg.<NAME>                   register data, decoded by the catalog      -> reg_field
 *   crspace                      CR-space image: a resource-dump stream of
 *                                CRSPACE segments, or a flat big-endian image -> crspace
 *   resdump.menu, resdump.<SEG>  resource-dump segment streams              -> segment, menu
 *
 * Memory: the trace ring decoder keeps at most FW_LIMIT_TRACE_RING bytes of
 * look-ahead plus FW_LIMIT_TRACE_PENDING pending messages; strings-DB
 * sections are held whole (FW_LIMIT_STRINGS_DB_SECTION each); a resource
 * dump holds one segment at a time; fmsg is parsed one netlink attribute at a
 * time except binary values, which are passed as they are found.  Nothing
 * else grows with the input.
 *
 * Every callback may return a negative errno to stop the walk; that code is
 * returned.  problem() reports a broken or skipped part of an artifact; the
 * walk goes on.  Records and their strings are valid only during the call.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "crspace.h"
#include "health.h"
#include "regs.h"
#include "resdump.h"
#include "trace.h"

struct bundle;

struct analyze_sink {
	/* analyze_bundle only, once before any record: the device's PCI name
	 * from the bundle index ("-" if none).  May be NULL. */
	void (*device)(void *ud, const char *pci);
	/* A firmware trace message (see struct trace_event in parsers/trace.h:
	 * timestamp, lost, event_id, tmsn, format_ptr, format, params,
	 * source ring/text/saved, text).  Render with trace_event_render().
	 * Text and saved records come matched to their strings-DB format when
	 * the bundle has one that renders them (format, format_ptr, params as
	 * a ring record, text kept); otherwise unmatched is set and only the
	 * text is known (parsers/trace-match.h). */
	int (*trace)(void *ud, const char *kind, const struct trace_event *ev);
	/* One register field (struct regs_field in parsers/regs.h: register
	 * name and id, field name, bit offset, width, type, value, enum name,
	 * string/bytes). */
	int (*reg_field)(void *ud, const char *kind, const struct regs_field *f);
	/* A run of n consecutive CR-space dwords starting at address addr
	 * (addr, addr + 4, ...), values in host order. */
	int (*crspace)(void *ud, const char *kind, uint32_t addr, const uint32_t *values, size_t n);
	/* A resource-dump segment (struct resdump_segment in parsers/resdump.h). */
	int (*segment)(void *ud, const char *kind, const struct resdump_segment *s);
	/* A resource-dump menu record (struct resdump_menu_record). */
	int (*menu)(void *ud, const char *kind, const struct resdump_menu_record *m);
	/* A health value (struct health_item in parsers/health.h: reporter,
	 * dotted path, type, value).  Also the health buffer's fields. */
	int (*health)(void *ud, const char *kind, const struct health_item *h);
	/* Something in an artifact was broken or skipped (offset into it). */
	void (*problem)(void *ud, const char *kind, uint64_t offset, int err, const char *msg);
};

struct analyze;

int analyze_new(struct fw_ctx *ctx, const struct analyze_sink *sink, void *ud,
		struct analyze **ret);
void analyze_free(struct analyze *an);

/* True if analyze decodes artifacts of this kind (side inputs included). */
bool analyze_wants(const char *kind);

/*
 * Feed API, for a caller that walks the bundle itself: set the side inputs
 * first (MTRC_CAP and every strings-DB section; without them ring events
 * come out raw), then for each artifact begin/data.../end.  Only one
 * artifact is open at a time.  begin returns 1 if the kind is not decoded
 * (data and end are then no-ops).
 */
int analyze_set_trace_cap(struct analyze *an, const void *data, size_t len);
int analyze_set_trace_strings(struct analyze *an, unsigned section, const void *data, size_t len);
int analyze_begin(struct analyze *an, const char *kind);
int analyze_data(struct analyze *an, const void *buf, size_t len);
int analyze_end(struct analyze *an);

/*
 * For a caller that runs its own bundle_stream() (the loader): read the
 * side inputs of bundle b (trace.cap and every trace.strings.N, bounded by
 * FW_LIMIT_STRINGS_DB_SECTION each) into an, and tell sink->device the PCI
 * name.  Then, in the visitor: begin -> analyze_begin(an, a->kind) (return
 * its 1 to skip the member's data), data -> analyze_data(), end ->
 * analyze_end(); skip members of size 0 (failed or skipped steps).
 * analyze_bundle() below is exactly that.
 */
int analyze_prepare_bundle(struct analyze *an, struct bundle *b);

/*
 * Whole bundle: reads trace.cap and trace.strings.N first (bounded), then
 * streams every member once through the feed API.  Returns 0, or the first
 * negative code of a callback or of the bundle reader.  only_prefix, if not
 * NULL, limits decoding to kinds starting with one of its comma-separated
 * prefixes (e.g. "trace.,health.").
 */
int analyze_bundle(struct analyze *an, struct bundle *b, const char *only_prefix);

/* Open the bundle at path, analyze it (as analyze_bundle), close it. */
int analyze_path(struct fw_ctx *ctx, const char *path, const char *only_prefix,
		 const struct analyze_sink *sink, void *ud);

/* Counters of the last analyze_bundle / feed session. */
struct analyze_stats {
	uint64_t trace_events;
	/* Text and saved records: matched to a strings-DB format (of them,
	 * ambiguous: other formats render them too), or kept as text. */
	uint64_t trace_matched;
	uint64_t trace_ambiguous;
	uint64_t trace_unmatched;
	uint64_t reg_fields;
	uint64_t crspace_words;
	uint64_t segments;
	uint64_t health_items;
	uint64_t problems;
	uint64_t artifacts;     /* artifacts decoded */
};
const struct analyze_stats *analyze_get_stats(const struct analyze *an);
struct fw_ctx *analyze_ctx(const struct analyze *an);

/* ------------------------------------------------ one record per message */

/*
 * The same firmware message can reach a bundle through several sources: the
 * raw ring, tracefs text, the devlink fw reporter's saved traces.  Two
 * records are the same message when timestamp, event id and format agree
 * (and, for a raw event, its two parameters, its whole content; for a
 * message kept as text, its text).  The ring is preferred, then text, then
 * saved traces (the enum trace_source order).
 *
 * A trace_once remembers, per message, the most preferred source seen:
 * note every record of the sources to compare (with only_known, a record
 * only updates messages noted before, so a long ring costs no memory),
 * then trace_once_dup() tells whether a better source holds a record's
 * message.  Messages are held as 64-bit hashes (16 bytes each), at most
 * FW_LIMIT_TRACE_DEDUP of them (-EOVERFLOW beyond).
 */
struct trace_once;
int trace_once_new(struct fw_ctx *ctx, struct trace_once **ret);
void trace_once_free(struct trace_once *t);
int trace_once_note(struct trace_once *t, const struct trace_event *ev, bool only_known);
bool trace_once_dup(const struct trace_once *t, const struct trace_event *ev);
