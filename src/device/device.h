/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * device: one interface to a ConnectX function, several transports behind a
 * vtable (mlx5ctl, fwctl, devlink, tracefs, emu).  Only device/ opens device
 * nodes or netlink sockets.
 *
 * The read-only rule: every mailbox command, whatever the transport, passes
 * through fw_device_cmd(), which checks the allowlist before a byte leaves
 * the process and refuses everything else with -EPERM.
 *
 * (Skeleton by the lead; the device subsystem owns and extends it.)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct fw_device;

struct fw_device_info {
	char pci[32];
	uint16_t vendor_id, device_id, subsys_vendor_id, subsys_device_id;
	char fw_version[32];
	char psid[32];
	char board_id[64];
	char serial[64];
	char kernel[128];
	char driver[64];
	char model[128];
	char transport[16];            /* name of the command transport in use */
	uint32_t uid;                  /* firmware UID of our user context */
	uint32_t uctx_caps;
	size_t max_rpc;                /* largest inbox/outbox the transport takes */
	bool can_umem;                 /* user-memory registration available */
};

struct fw_device_ops {
	const char *name;
	int (*open)(struct fw_ctx *ctx, const char *spec, void **ret_priv);
	int (*info)(void *priv, struct fw_device_info *ret);
	/* Raw mailbox RPC; only ever called by fw_device_cmd(). */
	int (*rpc)(void *priv, const void *in, size_t inlen, void *out, size_t outlen);
	int (*umem_reg)(void *priv, void *addr, size_t len, uint32_t *ret_id);   /* optional */
	int (*umem_unreg)(void *priv, uint32_t id);                              /* optional */
	void (*close)(void *priv);
};

int fw_device_open(struct fw_ctx *ctx, const char *spec, struct fw_device **ret);
void fw_device_close(struct fw_device *dev);
int fw_device_info(struct fw_device *dev, struct fw_device_info *ret);
/* The one function every command passes through: allowlist, then transport. */
int fw_device_cmd(struct fw_device *dev, const void *in, size_t inlen, void *out, size_t outlen);
