/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * collect-internal: what the collector's files share.
 *
 *   collect-device.c   the public entry points that need the world: the
 *                      device named by -d, the bundle writer as the sink
 *   collect-plan.c     --plan: the steps run against the dry-run gate
 *   collect.c          the engine: the plan of steps from the step table
 *                      and the filters, the run, the collection object
 *   collect-table.c    the step table, {kind, run} rows, most volatile first
 *   collect-step-*.c   the steps, one file per family (health, trace,
 *                      regs, dump); collect-host.c the host context's
 *   collect-art.c      one artifact in the making: its outcome, the
 *                      commands it sent, handing it to the sink
 *   collect-output.c   the bundle's file name
 *   collect-kinds.c    kind patterns (--only, --skip)
 *
 * Calls go down that list and never back up.  The engine talks to a struct
 * fw_device (every command through its allowlist gate; tests build
 * scripted ones with fw_device_new_from_ops()) and writes artifacts through
 * struct collect_sink_ops, so unit tests run every step against a scripted
 * device and look at the artifacts without a tar.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "core/sha256.h"
#include "device/device.h"
#include "mlx5/mlx5.h"

#define COLLECT_KIND_MAX 64
/* NAME, NAME-2 ... NAME-N tried for a default bundle name before giving up. */
#define COLLECT_NAME_TRIES 100u
/* The kinds, for messages about --only and --skip. */
#define COLLECT_KIND_LIST "health, trace, reg, hca.caps, crspace, resdump, kernel.log, host.info"

struct collect;
struct collect_step;

struct collect_sink_ops {
	int (*add)(void *sink, const struct bundle_artifact *meta, const void *data, size_t len);
	int (*commit)(void *sink, char **ret_path);
	/* Optional: the trigger note, set just before commit. */
	int (*set_trigger)(void *sink, const struct bundle_trigger *t);
	void (*free)(void *sink);
};

/* ---- the step table (collect-table.c) ---- */

/* One instance of a step that reads an artifact per item of a list. */
typedef int (*collect_instance_fn)(void *u, const char *kind, uint32_t arg, uint32_t size,
				   bool dflt);

/* One row: a step, by the kind (or family of kinds) it writes. */
struct collect_step_desc {
	const char *kind;              /* "health.buffer"; a family: "health", "resdump" */
	bool family;                   /* writes kinds under kind, known once the device answers */
	bool again_after_fatal;        /* read again as KIND.after when the device went fatal */
	int (*run)(struct collect *c, const struct collect_step *s);
	/* Optional: one step per item (every catalog register, every
	 * capability type), each with its kind, argument, size and whether it
	 * is in the default set; add is called for each. */
	int (*instances)(collect_instance_fn add, void *u);
	/* Sends mlx5 commands: not run once the firmware is known fatal. */
	bool mailbox;
};
extern const struct collect_step_desc collect_step_table[];
extern const size_t collect_step_table_len;

/* One step of a collection: a table row or one of its instances.  desc is
 * NULL for a step --skip left out, recorded as skipped. */
struct collect_step {
	const struct collect_step_desc *desc;
	char kind[COLLECT_KIND_MAX];
	uint32_t arg;                  /* register id, capability type */
	uint32_t size;                 /* register bytes */
};

/* ---- one artifact in the making (collect-art.c) ---- */

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
	/* For the plan: how many commands depends on the device's answers
	 * (a loop the dry run ended after one, a placeholder), and what the
	 * step does where no device operation shows it. */
	bool plan_open;
	const char *plan_what;
};

/* What the dry run saw, before collect_plan() groups it (collect-art.c
 * records, collect-plan.c reads). */
struct collect_plan_op {
	size_t art;                    /* index in plan_arts; SIZE_MAX until emitted */
	const char *side_op;           /* NULL for a mailbox command */
	bool fixed_size;
	uint16_t opcode, op_mod, reg_id;
	bool is_reg;
	bool trace_control;
	size_t in_bytes, out_bytes;
};
struct collect_plan_art {
	unsigned step;
	char kind[COLLECT_KIND_MAX];
	const char *interface;
	enum bundle_outcome outcome;
	char reason[512];
	uint64_t bytes;
	bool open;
	const char *what;
};

/* ---- the collection ---- */

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
	uint64_t first_read_mono_ns;   /* collect_first_read_mono_ns() */
	char *output;
	bool default_name;             /* output is the generated name, may be renumbered */

	struct collect_step *steps;
	size_t n_steps, cap_steps;

	/* Run state. */
	const struct collect_sink_ops *sops;
	void *sink;
	uint64_t deadline;             /* monotonic ns: end of the current step's time box */
	uint64_t bytes;
	uint64_t commands_sent;        /* mailbox commands that reached the device */
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
	/* The firmware went fatal (a mailbox step failed with EIO): the
	 * remaining mailbox steps are recorded as skipped, not sent. */
	bool fatal;
	char fatal_reason[256];
	/* SHA-256 of the health artifacts, so that KIND.after equal to KIND
	 * is not stored twice (a crdump is megabytes). */
	struct collect_digest {
		char kind[COLLECT_KIND_MAX];
		uint8_t sha[FW_SHA256_LEN];
	} *digests;
	size_t n_digests, cap_digests;

	/* --plan: the steps run against the dry-run gate (collect-plan.c).
	 * Where a step needs something only the device can list (reporters,
	 * strings sections, resource-dump segments), planning takes one
	 * placeholder named "<...>". */
	bool planning;
	unsigned plan_step;            /* 1-based step being planned */
	struct collect_plan_op *plan_ops;
	size_t n_plan_ops, cap_plan_ops;
	size_t plan_pending;           /* first op not yet given to an artifact */
	struct collect_plan_art *plan_arts;
	size_t n_plan_arts, cap_plan_arts;
	int plan_err;                  /* recording ran out of memory */
};

/* Build a collection over an already opened device, which stays the
 * caller's (tests; collect_new() opens one and hands it over). */
int collect_new_with(struct fw_ctx *ctx, const struct collect_options *opts,
		     struct fw_device *dev, struct collect **ret);
/* Run, writing to the given sink (collect_run() passes a bundle writer). */
int collect_run_sink(struct collect *c, const struct collect_sink_ops *sops, void *sink,
		     char **ret_path);
/* Run every step of the plan into the sink set on c (collect.c); the run
 * and --plan share it. */
int collect_run_steps(struct collect *c);

/* collect-device.c: open the device named by a spec (or the only one
 * found), and the bundle writer as the sink. */
int collect_device_open(struct fw_ctx *ctx, const char *spec, const char *sysroot,
			struct fw_device **ret);
int collect_bundle_sink_new(struct fw_ctx *ctx, const char *path,
			    enum bundle_compression compression, bool replace,
			    const struct bundle_header *h,
			    const struct bundle_device *d, const struct collect_sink_ops **ret_ops,
			    void **ret_sink);

/* collect-output.c: the bundle's path, chosen in collect_new() (a free
 * default name, or the named file, checked for being writable); re-picked
 * when another run took the default name since. */
int collect_make_output_path(struct collect *c);
int collect_refresh_output(struct collect *c);

/* collect-kinds.c: could anything under family be selected by patterns?
 * Is kind one of the comma-separated tokens, literally? */
bool collect_family_may_match(const char *patterns, const char *family);
bool collect_exact_token(const char *patterns, const char *kind);

/* collect-art.c */
void collect_art_init(struct collect_art *a, const char *kind, const char *interface);
void collect_art_fail(struct collect_art *a, enum bundle_outcome o, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The outcome of a step whose prerequisite (MTRC_CAP, the menu) failed in
 * a: failed, unless the prerequisite was skipped because the device has
 * no such thing, then skipped too. */
static inline enum bundle_outcome collect_prereq_outcome(const struct collect_art *a)
{
	return a->outcome == BUNDLE_OUTCOME_SKIPPED ? BUNDLE_OUTCOME_SKIPPED : BUNDLE_OUTCOME_FAILED;
}
/* Forget a failure that was recovered from (a retried command). */
void collect_art_reset(struct collect_art *a);
/* Is this kind left out by --skip?  Checked before reading anything for
 * kinds only known once the device answered. */
bool collect_skipped(const struct collect *c, const char *kind);
int collect_emit_excluded(struct collect *c, const char *kind);
/* Hand an artifact to the sink and record its outcome; < 0 only when
 * staging failed (the run must stop). */
int collect_emit(struct collect *c, struct collect_art *a, const void *data, size_t len);
/* An artifact from an operation that returned r with data (freed here):
 * -EOPNOTSUPP is skipped, other errors failed with the context's message. */
int collect_emit_blob(struct collect *c, const char *kind, const char *interface, int r,
		      void *data, size_t len);
/*
 * Mailbox operations go through the mlx5 command layer (mlx5/mlx5.h) on
 * c->dev.  Around each one: collect_cmd_begin() checks cancellation and
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
/* One ACCESS_REG read: the register bytes received (a reply cut short
 * marks the art partial), or < 0 with the art failed. */
int collect_reg_read(struct collect *c, struct collect_art *a, uint16_t reg_id,
		     const uint8_t *data_in, size_t in_len, uint8_t *data_out, size_t out_len);
const char *collect_status_name(uint32_t status);
/* The device observer: request bytes, the count of commands sent, and in
 * a dry run what the plan is made of. */
void collect_observe(void *userdata, const struct fw_cmd_event *ev);

/* The steps (collect-step-*.c, collect-host.c). */
int collect_step_health_buffer(struct collect *c, const struct collect_step *s);
int collect_step_health_reporters(struct collect *c, const struct collect_step *s);
int collect_step_trace_cap(struct collect *c, const struct collect_step *s);
int collect_step_trace_strings(struct collect *c, const struct collect_step *s);
int collect_step_trace_ring(struct collect *c, const struct collect_step *s);
int collect_step_trace_text(struct collect *c, const struct collect_step *s);
int collect_step_trace_clock(struct collect *c, const struct collect_step *s);
int collect_step_reg(struct collect *c, const struct collect_step *s);
int collect_step_hca_cap(struct collect *c, const struct collect_step *s);
int collect_step_crspace(struct collect *c, const struct collect_step *s);
int collect_step_resdump_menu(struct collect *c, const struct collect_step *s);
int collect_step_resdump_segments(struct collect *c, const struct collect_step *s);
int collect_step_kernel_log(struct collect *c, const struct collect_step *s);
int collect_step_host_info(struct collect *c, const struct collect_step *s);

/* Host context (collect-host.c).  The kernel's taint mask; false when
 * it cannot be read (the bundle then records it as unknown). */
bool collect_host_taint(const char *sysroot, uint64_t *ret);
int collect_host_info(const char *sysroot, const struct fw_device_info *info,
		      uint64_t taint_before, uint64_t taint_after, char **ret_text,
		      size_t *ret_len);
/* Name of this host for the bundle and the default file name. */
void collect_host_name(char *buf, size_t len);
void collect_uuid(uint8_t out[16]);
