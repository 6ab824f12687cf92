/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * devlink-monitor: the kernel's devlink health notifications, for the watch
 * daemon.  devlink_health_report() calls devlink_recover_notify() with
 * DEVLINK_CMD_HEALTH_REPORTER_RECOVER, which sends the reporter's record
 * (name, state, error and recover counts, dump time) with the device's
 * bus and name to the devlink family's "config" multicast group: state
 * error when a report comes in, healthy again after a recovery.  iproute2
 * shows the same with `devlink monitor health`.
 *
 * Joining the group needs no privilege on the kernels we know; where it
 * fails (a kernel that guards the group, a seccomp profile) open returns
 * the error and the caller polls the reporters instead.  Receiving is
 * read-only by nature: nothing is ever sent but the family lookup.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "device/transports.h"

struct fw_devlink_event {
	char bus[64];
	char dev[128];
	struct fw_health_reporter rep;
	uint64_t time_ns;              /* CLOCK_REALTIME when read */
	uint64_t mono_ns;              /* CLOCK_MONOTONIC when read */
};

struct fw_devlink_monitor;
/* Resolve the family and join its "config" group; -ENOENT without devlink
 * or without the group, -EPERM/-EACCES when joining is refused. */
int fw_devlink_monitor_open(struct fw_ctx *ctx, struct fw_devlink_monitor **ret);
void fw_devlink_monitor_close(struct fw_devlink_monitor *m);
/* The socket to poll for POLLIN. */
int fw_devlink_monitor_fd(const struct fw_devlink_monitor *m);
/*
 * Read the notifications the socket holds now, without blocking, into ev
 * (at most max; the rest stays for the next call).  Returns the count;
 * -ENOBUFS when the kernel dropped notifications because we fell behind
 * (the caller must re-read the reporters to catch up); other errors
 * negative with a message.
 */
int fw_devlink_monitor_read(struct fw_devlink_monitor *m, struct fw_devlink_event *ev, size_t max);

/* Pure half, fuzzed: the health events in one receive buffer of family
 * messages; other commands and other families are skipped.  cb gets each
 * event (time fields zero). */
int fw_devlink_monitor_parse(struct fw_ctx *ctx, const void *buf, size_t len, uint16_t family,
			     int (*cb)(void *ud, const struct fw_devlink_event *ev), void *ud);
