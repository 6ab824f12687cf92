/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the command layer's reply parsing: the input is a scripted firmware.
 * Byte 0 picks the operation (resource-dump loop, MTRC_CAP + strings-DB
 * read of one section or, with byte 1 bit 7, all, CORE_DUMP), byte 1 a
 * parameter; the rest is cut into outboxes, one
 * per command, in order (a short last one is a reply cut short).  Seeds and
 * their recipe: tests/fuzz/corpus/mlx5/README.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "device/device.h"
#include "mlx5/mlx5.h"

struct script {
	const uint8_t *data;
	size_t len, pos;
};

static int script_info(void *priv, struct fw_device_info *ret)
{
	struct fw_device_info info = { 0 };

	(void)priv;
	strcpy(info.transport, "fuzz");
	info.max_rpc = 4096;
	*ret = info;
	return 0;
}

static int script_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct script *s = priv;
	size_t n;

	(void)in;
	(void)inlen;
	if (s->pos >= s->len)
		return -EIO;
	n = s->len - s->pos < outlen ? s->len - s->pos : outlen;
	memset(out, 0, outlen);
	memcpy(out, s->data + s->pos, n);
	s->pos += n;
	/* Input running out mid-outbox is a reply cut short. */
	if (n == outlen)
		return 0;
	return n >= 16 ? (int)n : -EIO;
}

static void script_close(void *priv)
{
	(void)priv;
}

static const struct fw_cmd_methods script_ops = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "fuzz",
	.info = script_info,
	.rpc = script_rpc,
	.close = script_close,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s = { 0 };
	struct mlx5_tracer_caps caps;
	struct mlx5_status st;
	struct fw_device *dev;
	struct fw_ctx *ctx;
	void *out = NULL;
	size_t len;

	if (size < 2 || fw_ctx_new(&ctx) < 0)
		return 0;
	s.data = data + 2;
	s.len = size - 2;
	if (fw_device_new_from_ops(ctx, &(struct fw_device_parts){ .cmd = &script_ops, .cmd_priv = &s },
				   &dev) < 0) {
		fw_ctx_free(ctx);
		return 0;
	}
	switch (data[0] % 3) {
	case 0: {
		struct mlx5_resdump_req req = { .segment_type = data[1], .max_calls = 512 };

		if (mlx5_resdump(dev, &req, &out, &len, &st) == 0)
			free(out);
		break;
	}
	case 1:
		if (mlx5_tracer_query_caps(dev, &caps, NULL, 0, &st) < 0)
			break;
		if (data[1] & 0x80) {
			void *all[MLX5_STRINGS_DB_SECTIONS];
			size_t lens[MLX5_STRINGS_DB_SECTIONS];

			if (mlx5_strings_db_read_all(dev, &caps, all, lens, &st) == 0)
				for (unsigned i = 0; i < MLX5_STRINGS_DB_SECTIONS; i++)
					free(all[i]);
		} else if (mlx5_strings_db_read(dev, &caps, data[1] % 8, 0, &out, &len, &st) == 0) {
			free(out);
		}
		break;
	default: {
		struct mlx5_core_dump req = { .core_dump_type = data[1] }, got;
		uint8_t reg[64];

		mlx5_core_dump(dev, &req, data[1] & 1, reg, sizeof(reg), &got, &st);
		break;
	}
	}
	fw_device_close(dev);
	fw_ctx_free(ctx);
	return 0;
}
