/* SPDX-License-Identifier: MIT */
/*
 * collect-step-trace: the firmware trace.  The tracer's capabilities
 * (MTRC_CAP), the strings database its events point into (every section,
 * in chunks as large as the transport takes), the raw ring (only with
 * --trace-control: it takes tracer ownership, then gives it back), and the
 * kernel's decoded mlx5_fw tracepoint lines.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/collect-internal.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "trace-clock.h"

static int read_trace_cap(struct collect *c, struct collect_art *a)
{
	uint8_t buf[MLX5_MTRC_CAP_SIZE] = { 0 };
	int r;

	if (c->trace_cap)
		return (int)c->trace_cap_len;
	r = collect_reg_read(c, a, MLX5_REG_MTRC_CAP, buf, sizeof(buf), buf, sizeof(buf));
	if (r < 0)
		return r;
	/* The layer's parser says what the strings database is; a reply it
	 * cannot parse is still kept as the artifact. */
	c->caps_err = mlx5_tracer_caps_parse(c->ctx, buf, (size_t)r, &c->caps);
	c->trace_cap = malloc((size_t)r ? (size_t)r : 1);
	if (!c->trace_cap)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	memcpy(c->trace_cap, buf, (size_t)r);
	c->trace_cap_len = (size_t)r;
	return r;
}

int collect_step_trace_cap(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	int r;

	collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_CMD));
	r = read_trace_cap(c, &a);
	if (r == -ENOMEM)
		return r;
	return collect_emit(c, &a, c->trace_cap, r > 0 ? (size_t)r : 0);
}

/* Largest strings-DB chunk one command carries, as the mlx5 layer picks
 * it (the transport's limit minus the mailbox and MTRC_STDB headers, in
 * 64-byte units), or the kernel's 256 bytes once the firmware refused
 * larger reads. */
static size_t stdb_chunk(const struct collect *c)
{
	size_t room = c->max_rpc - MLX5_MBOX_HDR_LEN - MLX5_MTRC_STDB_HDR;

	if (c->stdb_small)
		return MLX5_MTRC_STDB_KERNEL_CHUNK;
	room &= ~(size_t)(MLX5_MTRC_STDB_ALIGN - 1);
	return room ? room : MLX5_MTRC_STDB_ALIGN;
}

/* One section through the mlx5 layer; returns its bytes (malloc'd in
 * *ret) and their count, or < 0 with the art failed. */
static int read_strings_section(struct collect *c, struct collect_art *a, unsigned idx,
				uint32_t size, void **ret)
{
	struct mlx5_status st = { 0 };
	size_t chunk = stdb_chunk(c), len = 0;
	int r;

	r = collect_cmd_begin(c, a);
	if (r < 0)
		return r;
	r = mlx5_strings_db_read(c->dev, &c->caps, idx, c->stdb_small ? chunk : 0, ret, &len,
				 &st);
	/* More commands than chunks: the firmware refused a large read and
	 * the layer fell back to 256-byte reads; keep to them from here. */
	if (r >= 0 && !c->stdb_small && st.commands > (size + chunk - 1) / chunk)
		c->stdb_small = true;
	r = collect_cmd_end(c, a, r, &st);
	return r < 0 ? r : (int)len;
}

int collect_step_trace_strings(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	unsigned n;
	int r;

	collect_art_init(&a, "trace.strings", fw_device_interface(c->dev, FW_PART_CMD));
	r = read_trace_cap(c, &a);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || (size_t)r < 16 + 8 * FW_LIMIT_STRINGS_DB_SECTIONS || c->caps_err < 0) {
		if (r >= 0)
			collect_art_fail(&a, BUNDLE_OUTCOME_FAILED,
					 c->caps_err < 0 ? c->caps_err : -EBADMSG,
					 "MTRC_CAP (%d bytes) does not list the strings DB", r);
		else
			collect_art_fail(&a, collect_prereq_outcome(&a), a.err,
					 "MTRC_CAP unavailable: %s", a.reason);
		return collect_emit(c, &a, NULL, 0);
	}
	(void)s;
	n = c->caps.num_string_db;
	if (n > FW_LIMIT_STRINGS_DB_SECTIONS)
		n = FW_LIMIT_STRINGS_DB_SECTIONS;
	if (c->planning) {
		/* MTRC_CAP lists the sections, and a dry run has no answer:
		 * one placeholder section, one chunk long. */
		n = 1;
		c->caps.num_string_db = 1;
		c->caps.db[0].size = (uint32_t)stdb_chunk(c);
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t size = c->caps.db[i].size;
		void *db = NULL;

		collect_art_init(&a, "", fw_device_interface(c->dev, FW_PART_CMD));
		if (c->planning)
			snprintf(a.kind, sizeof(a.kind), "trace.strings.<N>");
		else
			snprintf(a.kind, sizeof(a.kind), "trace.strings.%u", i);
		if (c->opts.only && *c->opts.only && !collect_kind_matches(c->opts.only, a.kind))
			continue;
		if (collect_skipped(c, a.kind)) {
			r = collect_emit_excluded(c, a.kind);
			if (r < 0)
				return r;
			continue;
		}
		if (size > FW_LIMIT_STRINGS_DB_SECTION) {
			collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, -EOVERFLOW,
					 "section of %u bytes exceeds FW_LIMIT_STRINGS_DB_SECTION",
					 size);
			r = collect_emit(c, &a, NULL, 0);
			if (r < 0)
				return r;
			continue;
		}
		r = read_strings_section(c, &a, i, size, &db);
		if (r == -ENOMEM)
			return r;
		r = collect_emit(c, &a, db, r > 0 ? (size_t)r : 0);
		free(db);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The reason an "ok" trace artifact carries when the user ended the
 * --trace-seconds wait early: what it covers is then shorter than asked.
 * A later wait of the same run (text after ring) ends at once.
 */
static const char *wait_ended_reason(const struct collect *c, const struct collect_art *a,
				     char *buf, size_t size)
{
	uint64_t ms = (fw_monotonic_ns() - a->start_mono) / 1000000u;

	snprintf(buf, size,
		 "trace wait ended by the user (SIGINT) after %llu.%03llu s of --trace-seconds %u",
		 (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000),
		 c->opts.trace_seconds);
	return buf;
}

/* A progress line once the wait is under way says how to end it early
 * (and is the handshake the signal test waits for). */
static void wait_begin(struct collect *c)
{
	char what[96];

	fw_ctx_wait_begin(c->ctx);
	if (!c->opts.trace_seconds || fw_ctx_wait_ended(c->ctx))
		return;
	snprintf(what, sizeof(what), "trace wait of %u s under way, Ctrl-C ends it early",
		 c->opts.trace_seconds);
	fw_progress(c->ctx, what, 0, 0, c->bytes);
}

int collect_step_trace_ring(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	void *data = NULL;
	size_t len = 0;
	char buf[160];
	int r;

	collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_CMD));
	if (!c->opts.trace_control) {
		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, 0,
				 "reading the raw ring takes tracer ownership: needs --trace-control");
		return collect_emit(c, &a, NULL, 0);
	}
	if (!c->info.can_umem) {
		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -EOPNOTSUPP,
				 "transport '%s' cannot register user memory for the ring",
				 c->info.transport);
		return collect_emit(c, &a, NULL, 0);
	}
	fw_ctx_clear_error(c->ctx);
	wait_begin(c);
	r = mlx5_tracer_capture_ring(c->dev, c->opts.trace_seconds, &data, &len, NULL);
	fw_ctx_wait_end(c->ctx);
	if (r < 0) {
		char ebuf[128];

		/* Another owner (normally the kernel driver) is the usual state
		 * of a live host, not a fault of the card. */
		collect_art_fail(&a, r == -EBUSY ? BUNDLE_OUTCOME_SKIPPED : BUNDLE_OUTCOME_FAILED, r,
				 "%s: %s", fw_strerror(r, ebuf, sizeof(ebuf)), fw_ctx_errmsg(c->ctx));
	} else if (c->opts.trace_seconds && fw_ctx_cancelled(c->ctx)) {
		collect_art_fail(&a, BUNDLE_OUTCOME_PARTIAL, -EINTR,
				 "interrupted by a signal before --trace-seconds %u ran out; tracer "
				 "ownership was taken with --trace-control, then released",
				 c->opts.trace_seconds);
	} else if (c->opts.trace_seconds && fw_ctx_wait_ended(c->ctx)) {
		/* The user chose a shorter period: the ring holds all of it. */
		snprintf(a.reason, sizeof(a.reason),
			 "%s; tracer ownership taken with --trace-control, then released",
			 wait_ended_reason(c, &a, buf, sizeof(buf)));
	} else {
		/* Recorded in the index: we changed tracer state and put it back. */
		snprintf(a.reason, sizeof(a.reason),
			 "tracer ownership taken for %u s with --trace-control, then released",
			 c->opts.trace_seconds);
	}
	r = collect_emit(c, &a, data, r < 0 ? 0 : len);
	free(data);
	return r;
}

int collect_step_trace_text(struct collect *c, const struct collect_step *s)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	fw_ctx_clear_error(c->ctx);
	/* The device reads the kernel's mlx5_fw lines for that long, unless
	 * the user ends the wait (the first Ctrl-C, see fwbox-collect(1)). */
	wait_begin(c);
	r = fw_device_tracefs_gather(c->dev, c->opts.trace_seconds, &text, &len);
	fw_ctx_wait_end(c->ctx);
	if (r >= 0 && c->opts.trace_seconds && !fw_ctx_cancelled(c->ctx) &&
	    fw_ctx_wait_ended(c->ctx)) {
		struct collect_art a;
		char buf[160];

		collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_TRACE));
		snprintf(a.reason, sizeof(a.reason), "%s",
			 wait_ended_reason(c, &a, buf, sizeof(buf)));
		r = collect_emit(c, &a, text, len);
		free(text);
		return r;
	}
	if (r >= 0 && c->opts.trace_seconds && fw_ctx_cancelled(c->ctx)) {
		/* The wait was cut short: keep what came, say so. */
		struct collect_art a;

		collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_TRACE));
		collect_art_fail(&a, BUNDLE_OUTCOME_PARTIAL, -EINTR,
				 "interrupted by a signal before --trace-seconds %u ran out",
				 c->opts.trace_seconds);
		r = collect_emit(c, &a, text, len);
		free(text);
		return r;
	}
	return collect_emit_blob(c, s->kind, fw_device_interface(c->dev, FW_PART_TRACE), r, text, len);
}

static uint64_t ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

/* Offset of cmd_hca_cap.device_frequency_khz in QUERY_HCA_CAP's
 * capability bytes (the PRM's bit offset 0x4e0, dword 39). */
#define HCA_CAP_FREQ_KHZ_OFF 156u

/*
 * The clock anchor (parsers/trace-clock.h): the device tick MTRC_CTRL
 * reports, read between two readings of the host clocks, so each event's
 * device timestamp, and each tracefs line's host time, can be given in UTC.
 * The device clock's rate comes from QUERY_HCA_CAP (device_frequency_khz),
 * the tracefs clock's name from tracefs.  Whatever of these fails, the
 * rest is still written, the artifact marked partial.
 */
int collect_step_trace_clock(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	struct trace_clock k;
	struct mlx5_status st = { 0 };
	uint8_t reg[MLX5_MTRC_CTRL_SIZE] = { 0 };
	uint8_t *cap = NULL;
	struct timespec r0, r1, m0, m1, raw, boot, tai;
	char text[TRACE_CLOCK_MAX], missing[160] = "";
	size_t n;
	int r;

	collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_CMD));
	memset(&k, 0, sizeof(k));
	k.version = TRACE_CLOCK_VERSION;
	if (fw_device_tracefs_clock(c->dev, k.tracefs_clock, sizeof(k.tracefs_clock)) < 0) {
		k.tracefs_clock[0] = '\0';
		fw_ctx_clear_error(c->ctx);
	}
	cap = calloc(1, MLX5_HCA_CAP_SIZE);
	if (!cap)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	r = collect_cmd_begin(c, &a);
	if (r >= 0) {
		r = mlx5_query_hca_cap(c->dev, 0 /* GENERAL */, true, cap, MLX5_HCA_CAP_SIZE, &st);
		c->cur = NULL;
		if (r >= 0)
			k.device_khz = fw_get_be32(cap + HCA_CAP_FREQ_KHZ_OFF);
	}
	free(cap);
	if (!k.device_khz)
		snprintf(missing, sizeof(missing), "no device clock rate (QUERY_HCA_CAP)");
	fw_ctx_clear_error(c->ctx);
	a.outcome = BUNDLE_OUTCOME_OK;
	a.err = 0;
	a.reason[0] = '\0';

	/* The register read as close as possible between the two readings. */
	clock_gettime(CLOCK_MONOTONIC, &m0);
	clock_gettime(CLOCK_REALTIME, &r0);
	r = collect_reg_read(c, &a, MLX5_REG_MTRC_CTRL, reg, sizeof(reg), reg, sizeof(reg));
	clock_gettime(CLOCK_REALTIME, &r1);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	clock_gettime(CLOCK_MONOTONIC_RAW, &raw);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_TAI, &tai);
	if (r >= 16) {
		k.have_device = true;
		k.device_ts = ((uint64_t)(fw_get_be32(reg + 8) & 0x1fffff) << 32) | fw_get_be32(reg + 12);
	} else {
		snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%sno device tick (MTRC_CTRL)",
			 missing[0] ? "; " : "");
	}
	k.realtime_ns = ts_ns(&r0) / 2 + ts_ns(&r1) / 2;
	k.monotonic_ns = ts_ns(&m0) / 2 + ts_ns(&m1) / 2;
	/* The other clocks were read after: set back by half the span. */
	k.uncertainty_ns = (ts_ns(&m1) - ts_ns(&m0) + 1) / 2;
	k.monotonic_raw_ns = ts_ns(&raw) - k.uncertainty_ns;
	k.boottime_ns = ts_ns(&boot) - k.uncertainty_ns;
	k.tai_ns = ts_ns(&tai) - k.uncertainty_ns;
	if (r == -ENOMEM)
		return r;
	/* A device with no firmware commands and no tracefs clock (a devlink
	 * device that is no ConnectX) has no trace to anchor: skipped, as
	 * the other trace steps are. */
	if (r == -EOPNOTSUPP && a.outcome == BUNDLE_OUTCOME_SKIPPED && !k.tracefs_clock[0])
		return collect_emit(c, &a, NULL, 0);
	if (missing[0]) {
		a.outcome = BUNDLE_OUTCOME_PARTIAL;
		snprintf(a.reason, sizeof(a.reason), "%s: only the host clocks are anchored", missing);
	}
	n = trace_clock_format(&k, text, sizeof(text));
	return collect_emit(c, &a, text, n < sizeof(text) ? n : 0);
}
