/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * transport: the one table of ways to reach a device, like SQLite's list
 * of registered VFSes.  Each entry opens the method tables of device.h for
 * a target: the command part, the health part, or both.
 *
 * The table starts with the kernel back-ends, in order of preference:
 * fwctl (upstream, Linux 6.15+), then mlx5ctl (the out-of-tree V4 driver)
 * for commands, then the kernel's devlink/tracefs/kmsg side for health.
 * fw_device_open() walks it for a kernel spec and takes the first command
 * part and the first health part that open; a transport that fails is
 * reported as a warning when a later one serves instead, as an error when
 * none does.  Transports that own a spec syntax of their own (the
 * emulator's "emu:...") say so with claims() and are asked first and
 * alone.
 *
 * Others register themselves with fw_transport_register(): the emulator
 * does, from inside emu/, at load time, so device/ never calls up into it.
 */
#include <stdbool.h>

#include "device/device.h"
#include "device/discovery.h"

/* What a kernel spec names, as fw_device_open() resolved it. */
struct fw_target {
	const char *spec;              /* as given */
	const char *sysroot;           /* "" for "/"; every path is read under it */
	const struct fw_pci_function *fn;   /* the PCI function, or NULL when unknown */
	const char *node;              /* the device node the spec names, or NULL */
	const char *devlink_bus;       /* devlink handle BUS/DEV, or NULL when none */
	const char *devlink_dev;
};

#define FW_TRANSPORT_VERSION 1
struct fw_transport {
	int version;                   /* FW_TRANSPORT_VERSION it was written for */
	const char *name;
	/* Does this transport alone serve spec?  NULL for kernel transports,
	 * which serve resolved targets. */
	bool (*claims)(const char *spec);
	/*
	 * Open the parts asked for (want_cmd, want_health) into *ret, leaving
	 * the others NULL.  Returns 1 when it opened something, 0 when it has
	 * nothing for this target (no message), or a negative errno with a
	 * message on ctx.  For a claimed spec, t->spec is the whole spec and
	 * nothing else is set.
	 */
	int (*open)(struct fw_ctx *ctx, const struct fw_target *t, bool want_cmd, bool want_health,
		    struct fw_device_parts *ret);
};

/*
 * Add a transport to the end of the table.  For transports that register
 * at load time (a constructor) or before the first device is opened; the
 * table is not locked against concurrent opens.  -EINVAL for a version
 * this library does not know, -EEXIST for a name already there, -ENOSPC
 * past FW_TRANSPORT_MAX.  A failure at load time has no context to carry
 * its message, so the next fw_device_open() reports it.
 */
#define FW_TRANSPORT_MAX 16u
int fw_transport_register(const struct fw_transport *t);

/* The table, in order: i = 0.. until NULL. */
const struct fw_transport *fw_transport_at(size_t i);
/* Why a registration failed (NULL when none did); device/open.c reports it. */
const char *fw_transport_register_error(void);

/*
 * For back-ends whose wait lets device time pass (the emulator): `seconds`
 * of real time in slices of FW_DEVICE_WAIT_SLICE_NS, calling tick (may be
 * NULL) before each slice; -EINTR as soon as ctx is cancelled, else 0.
 * fw_device_wait() uses it without a tick when a device has no wait method.
 */
#define FW_DEVICE_WAIT_SLICE_NS (100u * 1000u * 1000u)
int fw_device_wait_slices(struct fw_ctx *ctx, unsigned seconds, void (*tick)(void *u),
			  void *u);
