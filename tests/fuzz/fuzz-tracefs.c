/* SPDX-License-Identifier: MIT */
/* Fuzz target: tracefs text through the mlx5_fw line filter.  Seeds are
 * tracefs captures (see make-tracefs-seeds.sh). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "device/transports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx;
	char *text;
	size_t len;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (fw_tracefs_filter(ctx, (const char *)data, size, "0000:08:00.0", &text, &len) == 0)
		free(text);
	fw_ctx_free(ctx);
	return 0;
}
