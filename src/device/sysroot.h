/* SPDX-License-Identifier: MIT */
#pragma once
/* sysroot: paths on the host, read under a root folder (sysroot.c). */

/* Join sysroot ("" or NULL = "/") and an absolute path into a malloc'd
 * string, or NULL on allocation failure. */
char *fw_sysroot_path(const char *sysroot, const char *path);

struct fw_ctx;
struct fw_target;
/* The node the fwctl (iface FW_IFACE_FWCTL) or mlx5ctl (FW_IFACE_MLX5CTL)
 * command transport opens for t, under t's sysroot, in *ret_path
 * (malloc'd): the node the spec names when it is of that kind (fwctl
 * nodes are under /dev/fwctl/, mlx5ctl nodes anywhere else), else the one
 * discovery found for the function.  1 with a path, 0 when t has none for
 * that transport, -ENOMEM with a message. */
int fw_target_cmd_node(struct fw_ctx *ctx, const struct fw_target *t, unsigned iface,
		       char **ret_path);
