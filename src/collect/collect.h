/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * collect: the support-bundle collector.  A collection is a plan of steps,
 * most volatile first (health, firmware trace, registers and capabilities,
 * CR-space and resource dumps, host context).  Each step produces one
 * artifact of one kind ("health.buffer", "trace.strings.0", "reg.MGIR",
 * "crspace", "resdump.menu", "host.info", ...) and one outcome (ok,
 * partial, failed, skipped) with its errno, mlx5 status and syndrome,
 * duration, interface and the request bytes that produced it.  A failed step
 * never stops the run; every outcome, good or bad, goes into the bundle
 * index.
 *
 * Contract:
 *  - collect_new() opens the device (nothing is sent to it yet) and builds
 *    the plan from the options.
 *  - collect_plan() reports every command the run would send and sends
 *    nothing.
 *  - collect_run() runs the steps and publishes the bundle atomically
 *    (bundle writer: nothing at the final path unless the whole bundle is
 *    there).  It returns 0 when a bundle was written, whatever the step
 *    outcomes; collect_worst() tells whether all went well.
 *  - Cancellation (fw_ctx_request_cancel, e.g. from a SIGINT handler) stops
 *    the step under way at its next command; it is recorded as
 *    "interrupted", the remaining steps as skipped, and the partial bundle is
 *    still published.
 *  - Only commands on the device's read-only allowlist leave the process:
 *    every command goes through fw_device_cmd().  Tracer control (taking
 *    tracer ownership to read the raw ring) happens only with
 *    trace_control set; it is restored afterwards and recorded.
 *  - The library never prints; progress goes through fw_progress().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "bundle/bundle.h"

struct collect_options {
	const char *device;            /* -d: PCI address, node, "emu:..."; NULL: discover */
	const char *output;            /* -o: a file or an existing folder; NULL: "." */
	const char *reason;            /* free text kept in the bundle header */
	unsigned trace_seconds;        /* how long to gather tracefs text (and the ring) */
	const char *only;              /* comma list of kind patterns; NULL: the default set */
	const char *skip;              /* comma list of kind patterns to leave out */
	enum bundle_compression compression;
	bool trace_control;            /* allow taking tracer ownership for the raw ring */
	bool replace;                  /* --force: replace an existing bundle file */
	const char *cmdline;           /* recorded in the bundle header */
	const char *sysroot;           /* "" or NULL: "/"; for discovery and host files */
	unsigned step_timeout_ms;      /* 0: COLLECT_STEP_TIMEOUT_MS */
	/* fwbox watch: the event that made this collection, written as the
	 * bundle's trigger note (it must stay valid until collect_run()
	 * returns); latency_ns is filled in from trigger_mono_ns, the
	 * CLOCK_MONOTONIC time of the event. */
	const struct bundle_trigger *trigger;
	uint64_t trigger_mono_ns;
};

/* Default time box of one step; a single device command is bounded by its
 * transport (the kernel's command timeout), a step of many commands stops
 * between two of them once its time is up. */
#define COLLECT_STEP_TIMEOUT_MS 60000u

struct collect;

int collect_new(struct fw_ctx *ctx, const struct collect_options *opts, struct collect **ret);
/* The same on a device the caller opened and keeps (opts->device is not
 * used): the watch daemon collects from the device it watches, which for
 * the emulator is the instance whose scheduled faults fired. */
struct fw_device;
int collect_new_on_device(struct fw_ctx *ctx, const struct collect_options *opts,
			  struct fw_device *dev, struct collect **ret);
/* CLOCK_MONOTONIC ns when the last run's first step began reading the
 * device (0 before a run): the watch daemon's event-to-capture latency. */
uint64_t collect_first_read_mono_ns(const struct collect *c);
void collect_free(struct collect *c);

/* One command (or a run of identical commands) of the plan. */
struct collect_command {
	unsigned step;                 /* 1-based step number */
	const char *kind;              /* artifact it feeds */
	const char *interface;         /* "emu", "fwctl", "mlx5ctl", "devlink", "tracefs", "host" */
	const char *what;              /* "ACCESS_REG read", "QUERY_HCA_CAP", "devlink health diagnose" ... */
	uint16_t opcode;               /* 0 for non-mailbox operations */
	uint16_t op_mod;
	const char *reg;               /* register or cap/segment name, may be NULL */
	const char *scope;             /* "read-only", "tracer-control" */
	size_t in_bytes;               /* inbox bytes per command */
	size_t out_bytes;              /* outbox bytes per command */
	unsigned count;                /* how many such commands; 0: depends on the device's answer */
	uint64_t expected_bytes;       /* artifact bytes expected, 0 if unknown */
};
typedef int (*collect_plan_fn)(void *userdata, const struct collect_command *cmd);

/* Report the plan; sends nothing to the device.  A callback returning < 0
 * stops the walk with that code.  Returns the number of commands reported. */
int collect_plan(struct collect *c, collect_plan_fn fn, void *userdata);
/* Steps in the plan (after --only/--skip). */
size_t collect_step_count(const struct collect *c);
/* Path the bundle will be written to (known after collect_new). */
const char *collect_output_path(const struct collect *c);

/* Run and publish.  On success *ret_path (optional, malloc'd) is the bundle
 * written.  < 0: no bundle was written (the message says why). */
int collect_run(struct collect *c, char **ret_path);

/* Outcomes of the last run, one per artifact, in run order. */
struct collect_outcome {
	const char *kind;
	enum bundle_outcome outcome;
	const char *reason;            /* "" when ok */
	int err;                       /* negative errno or 0 */
	uint32_t status;               /* mlx5 status or 0 */
	uint32_t syndrome;
	uint64_t bytes;
	uint64_t duration_ns;
	const char *interface;
};
size_t collect_outcome_count(const struct collect *c);
const struct collect_outcome *collect_outcome_at(const struct collect *c, size_t i);
/* Worst outcome over the run; skipped steps count only when a signal
 * made them skipped (then the run is at best partial). */
enum bundle_outcome collect_worst(const struct collect *c);
/* Did the firmware go fatal during the last run (a device command failed
 * with EIO)?  Then the remaining device-command steps were recorded as
 * skipped, not sent; *ret_reason (optional) is the first failure. */
bool collect_fatal(const struct collect *c, const char **ret_reason);
/* Device commands sent by this collection (through fw_device_cmd). */
uint64_t collect_device_commands(const struct collect *c);

/* Does kind match a pattern list ("reg,trace.strings.*,crspace")?  Each
 * comma-separated item is a shell pattern, or a prefix that matches itself
 * and everything under "prefix." (as --only and --skip use them). */
bool collect_kind_matches(const char *patterns, const char *kind);
