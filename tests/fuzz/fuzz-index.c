/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the index parser.  An input starting with the ELF magic goes through
 * the whole path (libelf, segment/section agreement, notes); anything else
 * is fed to the note-stream decoder directly, so mutations reach the TLV
 * fields without first having to keep an ELF header valid.
 * Seeds: tests/fuzz/corpus/index/, made by tests/fixtures/bundle/make-fixtures.sh.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "bundle/bundle-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_index *idx = NULL;
	struct fw_ctx *ctx = NULL;
	int r;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (size >= 4 && !memcmp(data, "\177ELF", 4))
		r = bundle_index_parse(ctx, data, size, &idx);
	else
		r = bundle_index_decode(ctx, data, size, &idx);
	if (r >= 0) {
		/* Touch what a reader would use. */
		for (size_t i = 0; i < idx->n_artifacts; i++)
			if (!idx->artifacts[i].path[0] || !bundle_kind_ok(idx->artifacts[i].kind))
				__builtin_trap();
		bundle_index_free(idx);
	}
	fw_ctx_free(ctx);
	return 0;
}
