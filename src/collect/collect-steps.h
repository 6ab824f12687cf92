/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * collect-steps: the collection object and its steps, shared by the engine
 * (collect.c) and the step implementations (collect-steps.c).  Private.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect-internal.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "ifc/ifc.h"
#include "mlx5/mlx5.h"

#define COLLECT_KIND_MAX 64
/* NAME, NAME-2 ... NAME-N tried for a default bundle name before giving up. */
#define COLLECT_NAME_TRIES 100u

enum collect_step_type {
	COLLECT_ST_EXCLUDED = 0,       /* left out by --skip: recorded as skipped */
	COLLECT_ST_HEALTH_BUFFER,
	COLLECT_ST_HEALTH_REPORTERS,
	COLLECT_ST_TRACE_CAP,
	COLLECT_ST_TRACE_STRINGS,
	COLLECT_ST_TRACE_RING,
	COLLECT_ST_TRACE_TEXT,
	COLLECT_ST_REG,
	COLLECT_ST_HCA_CAP,
	COLLECT_ST_CRSPACE,
	COLLECT_ST_RESDUMP_MENU,
	COLLECT_ST_RESDUMP_SEGMENTS,
	COLLECT_ST_KERNEL_LOG,
	COLLECT_ST_HOST_INFO,
};

struct collect_step {
	enum collect_step_type type;
	char kind[COLLECT_KIND_MAX];   /* kind, or the family for multi-artifact steps */
	uint32_t arg;                  /* register id, cap type */
	uint32_t size;                 /* register bytes */
};

/* One artifact being produced. */
struct collect_art {
	char kind[COLLECT_KIND_MAX];
	enum bundle_outcome outcome;
	char reason[512];
	int err;
	uint32_t status;
	uint32_t syndrome;
	const char *interface;
	uint8_t request[256];          /* the first command's inbox (head) */
	size_t request_len;
	uint64_t start_ns;
	uint64_t start_mono;
};

struct collect {
	struct fw_ctx *ctx;
	struct collect_options opts;
	char *s_output, *s_reason, *s_only, *s_skip, *s_cmdline, *s_sysroot;
	struct fw_device *dev;         /* every command and read goes through it */
	struct collect_art *cur;       /* artifact whose commands are in flight */
	bool owns_dev;
	struct fw_device_info info;
	size_t max_rpc;
	uint64_t created_ns;
	char *output;
	bool default_name;        /* output is the generated name, may be renumbered */

	struct collect_step *steps;
	size_t n_steps, cap_steps;

	/* Run state. */
	const struct collect_sink_ops *sops;
	void *sink;
	uint64_t deadline;             /* monotonic ns: end of the current step's time box */
	uint64_t bytes;
	uint64_t commands_sent;
	uint64_t commands_before;
	uint64_t taint_before;
	uint8_t *trace_cap;            /* MTRC_CAP register bytes, once read */
	size_t trace_cap_len;
	struct mlx5_tracer_caps caps;  /* ... parsed */
	int caps_err;                  /* 0, or why the bytes did not parse */
	bool stdb_small;               /* firmware refused large MTRC_STDB reads */
	uint8_t *menu;                 /* resource-dump menu stream, once read */
	size_t menu_len;

	struct collect_outcome *out;
	size_t n_out, cap_out;
	/* ".after" while the health steps are read again at the end because
	 * the device went fatal during the run (fwbox-collect(1)). */
	const char *kind_suffix;
};

/* Registers read by default (documented in fwbox-collect(1)). */
extern const char *const collect_default_regs[];
extern const size_t collect_default_regs_count;

struct collect_cap_type {
	const char *name;
	uint16_t type;
};
extern const struct collect_cap_type collect_cap_types[];
extern const size_t collect_cap_types_count;

/* Resource-dump segments taken by default when the menu lists them. */
extern const char *const collect_default_segments[];
extern const size_t collect_default_segments_count;

void collect_art_init(struct collect_art *a, const char *kind, const char *interface);
void collect_art_fail(struct collect_art *a, enum bundle_outcome o, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Is this kind left out by --skip?  Checked before reading anything for
 * kinds only known once the device answered. */
bool collect_skipped(const struct collect *c, const char *kind);
int collect_emit_excluded(struct collect *c, const char *kind);
/* Forget a failure that was recovered from (a retried command). */
void collect_art_reset(struct collect_art *a);
/* Hand an artifact to the sink and record its outcome; < 0 only when
 * staging failed (the run must stop). */
int collect_emit(struct collect *c, struct collect_art *a, const void *data, size_t len);
/*
 * Mailbox operations go through the mlx5 command layer (mlx5/mlx5.h) on
 * c->fdev.  Around each one: collect_cmd_begin() checks cancellation and
 * the step's time box (< 0 with the art failed) and marks a as the
 * artifact whose request bytes the device observer keeps;
 * collect_cmd_end() turns the layer's outcome record into the art's
 * (status, syndrome, errno and message) and returns r.
 * collect_cmd_cut_short() says whether a failure was a reply the
 * transport cut short (asked = outbox bytes asked for), whose bytes the
 * layer handed over all the same.
 */
int collect_cmd_begin(struct collect *c, struct collect_art *a);
int collect_cmd_end(struct collect *c, struct collect_art *a, int r, const struct mlx5_status *st);
bool collect_cmd_cut_short(const struct mlx5_status *st, size_t asked);
const char *collect_status_name(uint32_t status);
int collect_step_run(struct collect *c, const struct collect_step *s);
void collect_uuid(uint8_t out[16]);
