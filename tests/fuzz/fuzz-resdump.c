/* SPDX-License-Identifier: MIT */
/* fuzz-resdump: the resource-dump segment stream, fed in input-sized chunks. */
#include "config.h"

#include <stdint.h>

#include "resdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_seg(void *ud, const struct resdump_segment *s)
{
	volatile uint8_t sink = 0;
	size_t i;

	(void)ud;
	/* Touch every payload byte: the decoder must hand out only real bytes. */
	for (i = 0; i < s->payload_len; i++)
		sink ^= s->payload[i];
	(void)sink;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx = NULL;
	struct resdump *r = NULL;
	size_t off = 0, chunk = size ? (size_t)data[0] % 61 + 1 : 1;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (resdump_new(ctx, on_seg, NULL, NULL, NULL, &r) == 0) {
		while (off < size) {
			size_t n = size - off < chunk ? size - off : chunk;

			resdump_feed(r, data + off, n);
			off += n;
		}
		resdump_finish(r);
		resdump_free(r);
	}
	fw_ctx_free(ctx);
	return 0;
}
