/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace: the mlx5 firmware tracer decoder.  Bytes in, records out.
 *
 * Three sources reach the same record, struct trace_event:
 *  - raw ring blocks (256 bytes, 32 eight-byte events, the last one a
 *    timestamp event), decoded with the strings database and MTRC_CAP,
 *    following the kernel's fw_tracer rules (see trace-ring.c for each rule);
 *  - the kernel's tracefs "mlx5_fw" lines (already rendered text);
 *  - the devlink "fw" reporter's saved traces (timestamp, lost, event_id,
 *    msg), fed one by one with trace_event_from_saved().
 *
 * Ring input is incremental: trace_decoder_feed() takes chunks of any size,
 * records come out through the callback in time order, and memory stays
 * bounded (FW_LIMIT_TRACE_RING bytes of look-ahead plus the pending-message
 * pool).  An input of at most FW_LIMIT_TRACE_RING bytes is taken as a ring
 * snapshot and decoded from its oldest valid block onwards across the wrap;
 * longer input is a stream of blocks in the order the firmware wrote them.
 *
 * Records carry the structured fields (format pointer, parameters); the
 * message text is made on demand by trace_event_render(), so a consumer that
 * stores parameters pays nothing for text.
 *
 * This header brings the parts: trace-core.h what they share (the record,
 * MTRC_CAP, the strings database: trace.c), and trace-ring.h,
 * trace-render.h and trace-text.h, each stating the contract of its part.
 */
#include "trace-core.h"
#include "trace-render.h"
#include "trace-ring.h"
#include "trace-text.h"
