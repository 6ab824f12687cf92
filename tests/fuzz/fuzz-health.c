/* SPDX-License-Identifier: MIT */
/* fuzz-health: fmsg netlink stream, iproute2 JSON and the health buffer. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "health.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_item(void *ud, const struct health_item *h)
{
	volatile uint8_t sink = 0;
	size_t i;

	(void)ud;
	if (h->str)
		sink ^= (uint8_t)strlen(h->str);
	for (i = 0; i < h->bin_len; i++)
		sink ^= h->bin[i];
	sink ^= (uint8_t)strlen(h->path);
	(void)sink;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx = NULL;
	struct health_fmsg *f = NULL;
	size_t off = 0, chunk = size ? (size_t)data[0] % 29 + 1 : 1;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (health_fmsg_new(ctx, on_item, NULL, NULL, &f) == 0) {
		while (off < size) {
			size_t n = size - off < chunk ? size - off : chunk;

			health_fmsg_feed(f, data + off, n);
			off += n;
		}
		health_fmsg_finish(f);
		health_fmsg_free(f);
	}
	health_json_parse(ctx, data, size, on_item, NULL, NULL);
	health_buffer_parse(ctx, data, size, on_item, NULL);
	fw_ctx_free(ctx);
	return 0;
}
