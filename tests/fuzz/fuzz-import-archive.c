/* SPDX-License-Identifier: MIT */
/*
 * fuzz-import-archive: the input as an archive given to fwbox import
 * (discovery over every entry, classification, conversion and grouping;
 * a dry run, so nothing is written).
 */
#include "config.h"

#include <stdint.h>

#include "import/import-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct import_sink sink = { 0 };
	struct import_options o = { .dry_run = true, .device_hint = "0000:08:00.0" };
	struct fw_ctx *ctx = NULL;
	struct import *im = NULL;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (import_new(ctx, &o, &sink, NULL, &im) >= 0)
		import_memory(im, "fuzz.tgz", data, size);
	import_free(im);
	fw_ctx_free(ctx);
	return 0;
}
