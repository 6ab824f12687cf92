/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a devlink receive buffer (one or more netlink messages) fed
 * to fw_devlink_walk(), every genetlink payload then to every reply parser
 * (device, reporter, fmsg, region, chunks).  Seeds: make-devlink-seeds.py.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/transports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	struct fw_ctx *ctx;
	struct fw_buf fmsg;
	uint8_t image[4096];
	size_t high;
};

static int cb(void *userdata, const void *attrs, size_t len)
{
	struct state *s = userdata;
	struct fw_health_reporter rep;
	struct fw_devlink_region reg;
	char bus[64], dev[64];

	fw_devlink_parse_dev(s->ctx, attrs, len, bus, sizeof(bus), dev, sizeof(dev));
	fw_devlink_parse_reporter(s->ctx, attrs, len, &rep);
	fw_devlink_parse_fmsg(s->ctx, attrs, len, &s->fmsg);
	if (fw_devlink_parse_region(s->ctx, attrs, len, &reg) == 0)
		free(reg.snapshots);
	fw_devlink_parse_chunks(s->ctx, attrs, len, s->image, sizeof(s->image), &s->high);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s = { .fmsg = { .max = 1u << 20 } };
	uint8_t *buf;

	if (fw_ctx_new(&s.ctx) < 0)
		return 0;
	/* An aligned copy, as a receive buffer would be. */
	buf = malloc(size ? size : 1);
	if (buf) {
		memcpy(buf, data, size);
		fw_devlink_walk(s.ctx, buf, size, size >= 12 ? fw_get_le32(data + 8) : 0, cb, &s);
		free(buf);
	}
	fw_buf_release(&s.fmsg);
	fw_ctx_free(s.ctx);
	return 0;
}
