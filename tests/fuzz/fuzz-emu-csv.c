/* SPDX-License-Identifier: MIT */
/* Fuzz target: the mstflint CR-space CSV parser of the emulator. */
#include "config.h"

#include <stdlib.h>

#include "emu/emu-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx;
	struct emu_cr_range *v;
	size_t n;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (emu_crspace_parse_csv(ctx, "fuzz.csv", (const char *)data, size, &v, &n) == 0) {
		/* Sorted and merged: strictly increasing, non-overlapping. */
		for (size_t i = 1; i < n; i++)
			if ((uint64_t)v[i - 1].addr + 4ull * v[i - 1].ndw >= v[i].addr)
				abort();
		free(v);
	}
	fw_ctx_free(ctx);
	return 0;
}
