/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <string.h>

#include "core/bytes.h"
#include "emu/emu.h"
#include "fakefw.h"

int fakefw_cmd(void *userdata, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	uint16_t opcode = fw_get_be16(in);

	(void)userdata;
	(void)inlen;
	memset(out, 0, outlen);
	if (opcode != 0x805) {
		out[0] = 0x2;                          /* BAD_OP */
		fw_put_be32(out + 4, 0x00badc0d);      /* syndrome */
		return 0;
	}
	for (size_t i = 24; i < outlen; i++)
		out[i] = (uint8_t)(i * 7);
	if (outlen >= 24) {
		fw_put_be32(out + 16, fw_get_be16(in + 10));   /* register_id */
		fw_put_be32(out + 20, FAKEFW_MAGIC);
	}
	return 0;
}

int fakefw_emu_cmd(void *userdata, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	int r = emu_cmd(userdata, in, inlen, out, outlen);

	return r < 0 ? -r : 0;
}
