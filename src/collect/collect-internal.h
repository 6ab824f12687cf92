/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * collect-internal: what collect.c (the engine), collect-steps.c (device
 * steps), collect-host.c (host context) and collect-device.c (opening the
 * device, the bundle writer as the sink) share.
 *
 * The engine talks to a struct fw_device (every command through its
 * allowlist gate; tests build scripted ones with fw_device_new_from_ops())
 * and writes artifacts through struct collect_sink_ops, so unit tests can
 * run every step against a scripted device and look at the artifacts
 * without a tar.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/collect.h"
#include "device/device.h"

struct collect_sink_ops {
	int (*add)(void *sink, const struct bundle_artifact *meta, const void *data, size_t len);
	int (*commit)(void *sink, char **ret_path);
	void (*free)(void *sink);
};

/* Build a collection over an already opened device, which stays the
 * caller's (tests; collect_new() opens one and hands it over). */
int collect_new_with(struct fw_ctx *ctx, const struct collect_options *opts,
		     struct fw_device *dev, struct collect **ret);
/* Run, writing to the given sink (the glue passes a bundle writer). */
/* Re-pick a default output name that was taken since collect_new(). */
int collect_refresh_output(struct collect *c);
int collect_run_sink(struct collect *c, const struct collect_sink_ops *sops, void *sink,
		     char **ret_path);

/* collect-device.c: open the device named by a spec (or the only one
 * found), and the bundle writer as the sink. */
int collect_device_open(struct fw_ctx *ctx, const char *spec, const char *sysroot,
			struct fw_device **ret);
int collect_bundle_sink_new(struct fw_ctx *ctx, const char *path,
			    enum bundle_compression compression, bool replace,
			    const struct bundle_header *h,
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
