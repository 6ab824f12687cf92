/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: emu_cmd() on arbitrary mailboxes.  The first two bytes pick
 * the outbox length; the rest is the inbox.  The emulator must answer every
 * inbox with a status (or a documented negative errno), never crash.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "emu/emu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t umem[64 << 10];
	struct fw_ctx *ctx;
	struct emu *e;
	uint8_t *out;
	size_t outlen;
	uint32_t id;

	if (size < 2)
		return 0;
	outlen = 16 + fw_get_be16(data) % 8192;
	if (fw_ctx_new(&ctx) < 0)
		return 0;
	if (emu_new(ctx, "emu:cx6dx,crspace=builtin,seed=1,history=0", &e) < 0)
		goto out_ctx;
	emu_umem_reg(e, umem, sizeof(umem), &id);
	out = malloc(outlen);
	if (out) {
		if (emu_cmd(e, data + 2, size - 2, out, outlen) == 0 && out[0] == 0 && outlen > 16)
			memset(out, 0, outlen);
		/* A second command sees the state the first left behind. */
		emu_cmd(e, data + 2, size - 2, out, outlen);
		free(out);
	}
	emu_free(e);
out_ctx:
	fw_ctx_free(ctx);
	return 0;
}
