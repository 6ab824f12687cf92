/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a receive buffer of devlink notifications fed to
 * fw_devlink_monitor_parse(), with the family id the first message names
 * (so the seeds reach the reporter parser).  Seeds:
 * make-devlink-monitor-seeds.py.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/devlink-monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cb(void *ud, const struct fw_devlink_event *ev)
{
	size_t *n = ud;

	/* Touch what a consumer reads. */
	*n += strlen(ev->bus) + strlen(ev->dev) + strlen(ev->rep.name) + ev->rep.state;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx;
	uint8_t *buf;
	size_t n = 0;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	buf = malloc(size ? size : 1);
	if (buf) {
		memcpy(buf, data, size);
		fw_devlink_monitor_parse(ctx, buf, size, size >= 6 ? fw_get_le16(data + 4) : 0, cb, &n);
		free(buf);
	}
	fw_ctx_free(ctx);
	return 0;
}
