/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the whole bundle reader from memory: open (index), verify (every
 * member), then read each kind.  Seeds: tests/fuzz/corpus/bundle/, made by
 * tests/fixtures/bundle/make-fixtures.sh (valid bundles in every
 * compression and the hostile fixtures).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "bundle/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *userdata, const char *member, const char *why)
{
	(void)userdata;
	(void)member;
	(void)why;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_ctx *ctx = NULL;
	struct bundle *b = NULL;

	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (bundle_open_memory(ctx, data, size, &b) >= 0) {
		bundle_verify(b, ignore, NULL);
		for (size_t i = 0; i < bundle_artifact_count(b) && i < 4; i++) {
			void *buf = NULL;
			size_t len = 0;

			if (bundle_read_kind(b, bundle_artifact_at(b, i)->kind, 1u << 20, &buf, &len) >= 0)
				free(buf);
		}
		bundle_close(b);
	}
	fw_ctx_free(ctx);
	return 0;
}
