/* SPDX-License-Identifier: MIT */
/* Kernel transport selection: PLACEHOLDER until the transports land. */
#include "config.h"

#include <errno.h>

#include "device/device-internal.h"

int fw_transport_select(struct fw_ctx *ctx, const char *spec, const char *sysroot,
			const struct fw_device_ops **ret_ops, void **ret_priv)
{
	(void)sysroot;
	(void)ret_ops;
	(void)ret_priv;
	return fw_error(ctx, -ENODEV, "device '%s': kernel transports are not built yet", spec);
}
