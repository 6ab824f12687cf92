/* SPDX-License-Identifier: MIT */
/* fuzz-crspace: the input as a CR-space image in each layout, and sniffed. */
#include "config.h"

#include <stdint.h>

#include "crspace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_run(void *ud, uint32_t addr, const uint32_t *v, size_t n)
{
	char line[CRSPACE_MSTDUMP_LINE];

	(void)ud;
	if (n)
		crspace_mstdump_line(addr, v[n - 1], line);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx = NULL;
	unsigned l;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	for (l = CRSPACE_FLAT_BE; l <= CRSPACE_RESDUMP; l++) {
		struct crspace *c;
		size_t off = 0, chunk = size ? (size_t)data[0] % 13 + 1 : 1;

		if (crspace_new(ctx, (enum crspace_layout)l, on_run, NULL, NULL, &c) < 0)
			break;
		while (off < size) {
			size_t n = size - off < chunk ? size - off : chunk;

			crspace_feed(c, data + off, n);
			off += n;
		}
		crspace_finish(c);
		crspace_free(c);
	}
	(void)crspace_sniff(data, size);
	fw_ctx_free(ctx);
	return 0;
}
