/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * trace-match: turn a rendered firmware trace message (a tracefs mlx5_fw
 * line, a devlink saved trace, mstfwtrace output) back into the record the
 * ring gives: its strings-DB format and parameters.  Bytes in, records
 * out; no I/O.
 *
 * Built once per strings database.  Every NUL-terminated string of every
 * section (after the kernel's "%llx" -> "%x%x" rewrite, as the ring decoder
 * sees it) is a candidate format; so is the kernel's rendering of a raw
 * event, TRACE_RAW_FORMAT, which is tried last.
 *
 * The rule: a message matches a format when rendering the format with some
 * parameters (trace_format_render(), the kernel's rules: %d as a signed
 * 32-bit value, %x/%u/%o, width, flags and precision, %s as "(null)" or
 * "(efault)", %% as a literal '%') gives the message byte for byte.  So
 * for every match, trace_format_render(format, params) == message.
 *
 * How: the formats are compiled into a trie whose edges are literal runs
 * (path-compressed) or conversions, so formats sharing a prefix
 * ("[irisc1] port %u: ") are walked once.  A message is matched by a
 * depth-first walk of that trie: a literal edge is followed only if the
 * message continues with its bytes, a conversion edge is tried with each
 * length of the message that parses as a value and renders back to the
 * same bytes (longest first).  Visited (node, position) states are not
 * walked twice, and the walk has a step budget proportional to the message
 * length (4096 + FW_LIMIT_MATCH_STEPS per byte), so a hostile line can cost
 * linear time at most, never exponential.
 *
 * Ties: when several formats render the message, the one with the most
 * literal bytes wins (the most specific), then the lowest string pointer;
 * the raw format only when nothing else matches.  alternatives counts the
 * others.  Within one format, several parameter values can render the same
 * text (a rewritten %llx: "0x%x%x" of 0x1,0x23 and of 0x12,0x3 both give
 * "0x123"); each conversion then takes the longest text that lets the rest
 * match, except one followed at once by another conversion, which takes
 * the shortest: so the low half of a %llx gets as many digits as fit (up
 * to eight), the likely split of a 64-bit value ("0x123" -> 0x1, 0x23).
 *
 * Not matched (the message stays text): formats whose width or precision
 * is '*' (the value would come from a parameter), messages longer than the
 * kernel's 511-byte rendering, and strings a firmware pointer reaches only
 * in their middle (the matcher indexes string starts).
 *
 * Memory: a few bytes per strings-DB byte (trace_matcher_stats()->memory).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "trace.h"

struct trace_matcher;

struct trace_match {
	const char *format;       /* borrowed: strings-DB text, or TRACE_RAW_FORMAT */
	uint32_t format_ptr;      /* its firmware string pointer; 0 for the raw format */
	uint32_t params[TRACE_MAX_PARAMS];
	uint8_t nparams;          /* the kernel's parameter count, at most TRACE_MAX_PARAMS */
	bool raw;                 /* the kernel's rendering of a raw event */
	unsigned alternatives;    /* other formats that render the message too */
};

struct trace_matcher_stats {
	uint64_t formats;         /* distinct formats indexed (the raw format included) */
	uint64_t unmatchable;     /* strings with a '*' width or precision */
	uint64_t messages;        /* trace_matcher_match() calls */
	uint64_t matched;
	uint64_t ambiguous;       /* matched, with alternatives > 0 */
	uint64_t unmatched;
	uint64_t gave_up;         /* unmatched because the step budget ran out */
	uint64_t memory;          /* bytes held */
};

/* An empty matcher (it knows the raw format only). */
int trace_matcher_new(struct fw_ctx *ctx, struct trace_matcher **ret);
void trace_matcher_free(struct trace_matcher *m);

/* Add one format.  text is borrowed and must outlive the matcher; ptr is
 * its firmware string pointer, nparams the kernel's count.  Returns 1 if
 * the same text is already indexed (the first pointer stays), 0 when
 * added, -ENOMEM. */
int trace_matcher_add(struct trace_matcher *m, const char *text, uint32_t ptr, unsigned nparams);

/* Add every string of every section of db (borrowed: db must outlive the
 * matcher and not change). */
int trace_matcher_add_strdb(struct trace_matcher *m, const struct trace_strdb *db);

/* Match len bytes of msg (no NUL needed).  1 and *ret filled when a format
 * renders msg, 0 when none does. */
int trace_matcher_match(struct trace_matcher *m, const char *msg, size_t len,
			struct trace_match *ret);

/*
 * Match a text or saved record in place: on a match, ev gets format,
 * format_ptr, params, nparams, nparams_expected and raw (text stays);
 * ev->ambiguous is set when other formats render it too.  Otherwise
 * ev->unmatched is set.  Ring records are left alone.  Returns true on a
 * match.
 */
bool trace_event_match(struct trace_matcher *m, struct trace_event *ev);

const struct trace_matcher_stats *trace_matcher_stats(const struct trace_matcher *m);
