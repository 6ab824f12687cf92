/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * collect-internal: what collect.c (the engine), collect-steps.c (device
 * steps), collect-host.c (host context) and collect-device.c (the glue to
 * the device object and the bundle writer) share.
 *
 * The engine talks to the device through struct collect_dev_ops and writes
 * artifacts through struct collect_sink_ops, so unit tests can run every
 * step against a scripted device and look at the artifacts without a tar.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "device/device.h"

/* A devlink health reporter as the collector sees it. */
struct collect_reporter {
	char name[32];
	char state[16];
	uint64_t error_count;
	uint64_t recover_count;
	bool has_dump;                 /* a dump is stored: reading it triggers nothing */
	uint64_t dump_ts_ns;
};

struct collect_dev_ops {
	int (*info)(void *dev, struct fw_device_info *ret);
	/* The device object every mailbox command goes through (allowlist
	 * gate); the collector sends with the mlx5 command layer on it and
	 * sets its observer.  Owned by the glue. */
	struct fw_device *(*device)(void *dev);
	/* The rest may be NULL (-EOPNOTSUPP: step skipped). */
	int (*health_buffer)(void *dev, void **ret_data, size_t *ret_len);
	int (*reporters)(void *dev, struct collect_reporter **ret, size_t *ret_n);
	int (*diagnose)(void *dev, const char *reporter, void **ret_data, size_t *ret_len);
	/* Stored dump only; -ENOENT when none is stored. */
	int (*stored_dump)(void *dev, const char *reporter, void **ret_data, size_t *ret_len);
	int (*tracefs_text)(void *dev, unsigned seconds, char **ret_text, size_t *ret_len);
	/* Kernel log lines that concern this device (emulator: its own). */
	int (*kernel_log)(void *dev, char **ret_text, size_t *ret_len);
	/* Tracer control: take ownership and fill a ring for the given time;
	 * always gives ownership back.  Returns the ring bytes. */
	int (*trace_ring)(void *dev, unsigned seconds, void **ret_data, size_t *ret_len);
	/* User memory the firmware may write into (CORE_DUMP to memory). */
	int (*umem_reg)(void *dev, void *addr, size_t len, uint32_t *ret_id);
	int (*umem_unreg)(void *dev, uint32_t id);
	uint64_t (*command_count)(void *dev);
	/* Dry run: commands are counted and observed but never sent. */
	void (*set_dry_run)(void *dev, bool on);
	const char *(*interface)(void *dev, const char *what);   /* "devlink", "tracefs" ... */
	void (*close)(void *dev);
};

struct collect_sink_ops {
	int (*add)(void *sink, const struct bundle_artifact *meta, const void *data, size_t len);
	int (*commit)(void *sink, char **ret_path);
	void (*free)(void *sink);
};

/* Build a collection over an already opened device (tests, the glue). */
int collect_new_with(struct fw_ctx *ctx, const struct collect_options *opts,
		     const struct collect_dev_ops *ops, void *dev, struct collect **ret);
/* Run, writing to the given sink (the glue passes a bundle writer). */
/* Re-pick a default output name that was taken since collect_new(). */
int collect_refresh_output(struct collect *c);
int collect_run_sink(struct collect *c, const struct collect_sink_ops *sops, void *sink,
		     char **ret_path);

/* Glue (collect-device.c): open the device named by a spec, the bundle sink. */
int collect_device_open(struct fw_ctx *ctx, const char *spec, const char *sysroot,
			const struct collect_dev_ops **ret_ops, void **ret_dev);
/* Wrap an opened device (owned from here on, closed on failure too). */
int collect_device_wrap(struct fw_ctx *ctx, struct fw_device *dev, bool emu,
			const struct collect_dev_ops **ret_ops, void **ret_dev);
int collect_bundle_sink_new(struct fw_ctx *ctx, const char *path,
			    enum bundle_compression compression, const struct bundle_header *h,
			    const struct bundle_device *d, const struct collect_sink_ops **ret_ops,
			    void **ret_sink);

/* ---- mailbox helpers (collect-steps.c) */
struct collect_step;
struct collect_run_state;

/* Host context (collect-host.c). */
int collect_host_taint(const char *sysroot, uint64_t *ret);
int collect_host_info(const char *sysroot, const struct fw_device_info *info,
		      uint64_t taint_before, uint64_t taint_after, char **ret_text,
		      size_t *ret_len);
/* Name of this host for the bundle and the default file name. */
void collect_host_name(char *buf, size_t len);
