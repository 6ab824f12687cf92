/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * analyze-internal: what the files of analyze/ share.
 *
 *   emit.c            the sink wrappers every decoder emits through (counts,
 *                     the artifact's kind, problem throttling)
 *   decoders.c        the decoder table: kind pattern -> new/feed/finish/free
 *                     over one parser of parsers/, and the records it emits
 *   analyze.c         the feed API (begin/data/end) over that table
 *   analyze-bundle.c  a whole bundle through the feed API
 *
 * Calls go analyze-bundle.c -> analyze.c -> decoders.c -> emit.c, never back.
 */
#include "analyze/analyze.h"
#include "trace.h"

/* Record types a decoder may emit (bits of struct an_decoder.records). */
enum an_record {
	AN_REC_TRACE = 1u << 0,	  /* sink->trace */
	AN_REC_REG = 1u << 1,	  /* sink->reg_field */
	AN_REC_CRSPACE = 1u << 2, /* sink->crspace */
	AN_REC_SEGMENT = 1u << 3, /* sink->segment */
	AN_REC_MENU = 1u << 4,	  /* sink->menu */
	AN_REC_HEALTH = 1u << 5,  /* sink->health */
};

/* Row flags. */
#define AN_DEC_SIDE_INPUT  0x01u /* read up front (analyze_prepare_bundle), not streamed */
#define AN_DEC_ONE_PROBLEM 0x02u /* report only the first problem of an artifact */

struct analyze;

/*
 * One row of the decoder table.  new() makes the state for one artifact,
 * feed() takes its bytes in any chunking, finish() runs after the last
 * byte (only if there was one: an empty artifact is a failed or skipped
 * step), free() always runs.  Records go out through the an_emit_*()
 * functions below with the analyze handle as their user data.
 */
struct an_decoder {
	/* Kinds this row decodes: "trace.ring" (exactly) or "reg.*" (the
	 * prefix and at least one more byte).  KIND.after decodes like KIND. */
	const char *pattern;
	unsigned records; /* enum an_record bits */
	unsigned flags;	  /* AN_DEC_* */
	int (*new)(struct analyze *an, void **ret_state);
	int (*feed)(struct analyze *an, void *state, const uint8_t *p, size_t len);
	int (*finish)(struct analyze *an, void *state);
	void (*free)(void *state);
};

/* The row for kind, or NULL if no row matches. */
const struct an_decoder *an_decoder_find(const char *kind);

struct analyze {
	struct fw_ctx *ctx;
	const struct analyze_sink *sink;
	void *ud;
	struct analyze_stats st;

	/* Side inputs of the trace ring decoder. */
	struct trace_cap cap;
	bool have_cap;
	struct trace_strdb *strdb;
	bool strings_set[TRACE_STRINGS_DB_MAX];
	/* Rendered messages back to formats (emit.c): built from strdb at the
	 * first text or saved record, dropped when the strings DB changes. */
	struct trace_matcher *matcher;
	bool matcher_failed;
	/* Kept across artifacts: resource-dump menu names name later segments. */
	struct resdump *rd;

	/* The artifact being decoded. */
	char *kind;
	const struct an_decoder *dec;
	void *state;
	bool open;
	uint64_t fed;	       /* bytes so far */
	uint64_t art_problems; /* problems so far */
	uint64_t art_text;     /* text or saved trace records so far */
	uint64_t art_unmatched; /* those no format of the strings DB renders */
	int err;
};

/* Sink wrappers: count, add the artifact's kind, call the sink.  ud is the
 * struct analyze. */
int an_emit_trace(void *ud, const struct trace_event *ev);
int an_emit_reg(void *ud, const struct regs_field *f);
int an_emit_crspace(void *ud, uint32_t addr, const uint32_t *v, size_t n);
int an_emit_segment(void *ud, const struct resdump_segment *s);
int an_emit_menu(void *ud, const struct resdump_menu_record *m);
int an_emit_health(void *ud, const struct health_item *h);
/* Drop the matcher (the strings DB changed or goes away). */
void an_matcher_reset(struct analyze *an);
/* A problem of the artifact being decoded (parsers' problem callback). */
void an_emit_problem(void *ud, uint64_t off, int err, const char *msg);
void an_problemf(struct analyze *an, uint64_t off, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A problem with an artifact other than the one being decoded (a side input
 * such as 'trace.cap'). */
void an_problem(struct analyze *an, const char *kind, uint64_t off, int err, const char *msg);
