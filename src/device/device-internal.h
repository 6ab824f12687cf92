/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * device-internal: what the device object (device.c) offers the rest of
 * device/ (open.c and the kernel back-ends); not part of the public API.
 */
#include "device/device.h"

/* fw_device_new_from_ops() over info the opener already knows (PCI
 * identity, kernel release); the parts' info methods complete it. */
int fw_device_new_with_info(struct fw_ctx *ctx, const struct fw_device_parts *parts,
			    const struct fw_device_info *base, struct fw_device **ret);
