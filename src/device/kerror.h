/* SPDX-License-Identifier: MIT */
#pragma once
/* kerror: messages for failed system calls on kernel interfaces (kerror.c). */
#include "core/core.h"

/*
 * Record a message for a failed system call on a kernel interface: what
 * failed ("open", "FWCTL_RPC"), on which node, and what to do about err
 * (a negative errno).  iface is "mlx5ctl", "fwctl", "devlink" or "tracefs"
 * (some errnos mean different things per interface).  Returns err.
 */
int fw_kernel_error(struct fw_ctx *ctx, int err, const char *iface, const char *what,
		    const char *path);
