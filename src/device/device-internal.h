/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * device-internal: what device.c (the device object, allowlist gate, emu
 * adapter) and the kernel transports (transports.c, mlx5ctl.c, fwctl.c,
 * devlink.c, tracefs.c, discovery.c) share; not part of the public API.
 */
#include "device/device.h"

/*
 * Choose and open the transport(s) for a non-emulator spec: a PCI address
 * (best command interface: fwctl, then mlx5ctl, plus devlink and tracefs),
 * or a device node path.  On success *ret_ops and *ret_priv describe one object
 * that implements the vtable (it may combine several kernel interfaces).
 * sysroot is "" or a folder every path is read under.
 */
int fw_transport_select(struct fw_ctx *ctx, const char *spec, const char *sysroot,
			const struct fw_device_ops **ret_ops, void **ret_priv);

/* The emulator behind the vtable (transport-emu.c), selected by "emu..." specs. */
extern const struct fw_device_ops fw_emu_transport_ops;

/* The transport object behind a device (tests reach the emulator through
 * it to count what arrived). */
const struct fw_device_ops *fw_device_ops_of(const struct fw_device *dev);
void *fw_device_priv(const struct fw_device *dev);
/* The emulator inside an emu transport's priv. */
struct emu;
struct emu *fw_emu_transport_emu(void *priv);

/* The wait of fw_device_wait(): `seconds` of real time in slices of
 * FW_DEVICE_WAIT_SLICE_NS, calling tick (may be NULL) before each slice;
 * -EINTR as soon as ctx is cancelled, else 0. */
#define FW_DEVICE_WAIT_SLICE_NS (100u * 1000u * 1000u)
int fw_device_wait_slices(struct fw_ctx *ctx, unsigned seconds, void (*tick)(void *u),
			  void *u);
