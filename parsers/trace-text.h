/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace-text: the parsers of rendered trace text (trace-text.c).
 *
 * Contract: lines of text in, one struct trace_event per trace line out,
 * its text and the fields the line prints (device, timestamp, lost,
 * event_id, host time), pointing into the line and valid only during the
 * callback; no format is matched here (trace-match.h does that).  Every
 * length is bounded: a line longer than FW_LIMIT_TEXT_LINE is reported and
 * skipped, never cut; a line that is no trace line is ignored; one that
 * claims to be one but is malformed is reported.  Linear in the input.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace-core.h"

/*
 * Parse one line of rendered trace text.  Accepted:
 *  - an ftrace line of the mlx5_fw (or older fw_tracer) event, with any
 *    context in front (task, PID, TGID, CPU, flags, clock): the part after
 *    "mlx5_fw: " is used, and the host time before it ("SECONDS.FRACTION:")
 *    is kept in host_ns;
 *  - the bare tracepoint text "<dev> [0x<ts>] <lost> [0x<event_id>] <msg>";
 *  - mstflint mstfwtrace output, the same without "<dev> ", its timestamp
 *    either "[0x<ts>]" or --real_ts "[HH:MM:SS:NNNNNNNNN]" (then taken as
 *    nanoseconds: the device ticks are not recoverable);
 *  - iproute2's text of a devlink fw reporter saved trace,
 *    "timestamp: N lost: true|false event_id: N msg: <msg>" (source SAVED).
 * Returns 1 and fills ev (pointing into line) when it is a trace line, 0
 * when the line is not one (comments, other events), -EBADMSG when it
 * claims to be one but is malformed.
 */
int trace_parse_text_line(const char *line, size_t len, struct trace_event *ev);

/*
 * Walk text (tracefs lines) and emit a record per trace line.  Lines longer
 * than FW_LIMIT_TEXT_LINE are reported and skipped.  Incremental like the
 * ring decoder: feed chunks, then finish.
 */
struct trace_text;
int trace_text_new(struct fw_ctx *ctx, trace_event_fn fn, trace_problem_fn problem,
		   void *userdata, struct trace_text **ret);
void trace_text_free(struct trace_text *t);
int trace_text_feed(struct trace_text *t, const void *data, size_t len);
int trace_text_finish(struct trace_text *t);
uint64_t trace_text_count(const struct trace_text *t);

/* Fill a record from one saved trace of the devlink fw reporter. */
void trace_event_from_saved(struct trace_event *ev, uint64_t index, uint64_t timestamp,
			    bool lost, uint8_t event_id, const char *msg);
