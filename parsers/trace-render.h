/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace-render: a firmware trace message as the kernel renders it
 * (trace-render.c).
 *
 * Contract: the output is byte for byte what the kernel's fw_tracer prints
 * for the same format and parameters: snprintf(tmp, 512, fmt, p0..p6) on
 * x86-64, each conversion taking the next parameter as a 32-bit int (%d
 * signed, a long/long long conversion sees it zero-extended), width, flags
 * and precision as vsnprintf does them, %s of a small integer "(null)" for
 * 0 and "(efault)" otherwise, an unsupported conversion (%n included)
 * ending the output.  No outside format ever reaches libc.  Output is cut
 * at FW_LIMIT_TRACE_MESSAGE (the kernel's 512 bytes) and always
 * NUL-terminated; pure functions, no allocation, safe on any input.
 */
#include <stddef.h>
#include <stdint.h>

#include "trace-core.h"

/*
 * Render the message as the kernel does (snprintf of the format with the
 * seven parameters as 32-bit ints, into a 512-byte buffer), without ever
 * handing an outside format to libc: conversions are interpreted here, %s
 * prints "(null)" or "(efault)" as the kernel's vsnprintf would for a small
 * integer.  Writes at most len - 1 characters plus NUL; returns the length
 * written.  Text/saved records copy their text.
 */
size_t trace_event_render(const struct trace_event *ev, char *buf, size_t len);
/* The same rendering from a stored format and its seven parameters (for a
 * consumer that keeps formats and parameters apart, e.g. as an SQL
 * function), so every front-end prints exactly what `fwbox trace` prints. */
size_t trace_format_render(const char *fmt, const uint32_t params[TRACE_MAX_PARAMS], char *buf,
			   size_t len);
