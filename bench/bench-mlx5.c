/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the command path: what the allowlist gate costs per command
 * (against calling the transport directly, measured in the same run), and
 * how many commands the strings-DB and resource-dump reads need.  The
 * transport is an in-memory firmware stand-in, so the numbers are the
 * library's own cost, not the card's.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/device.h"
#include "mlx5/mlx5.h"

#define DB_SIZE   (1u << 20)
#define RD_SIZE   (1u << 20)

struct bfw {
	size_t max_rpc;
	size_t rd_pos;
	uint64_t calls;
};

static int bfw_info(void *priv, struct fw_device_info *ret)
{
	struct bfw *b = priv;
	struct fw_device_info info = { 0 };

	strcpy(info.transport, "bench");
	info.max_rpc = b->max_rpc;
	*ret = info;
	return 0;
}

static int bfw_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct bfw *b = priv;
	uint16_t reg = (uint16_t)fw_mlx5_get(in, 80, 16);
	uint8_t *o = out;

	(void)inlen;
	b->calls++;
	memset(out, 0, MLX5_MBOX_HDR_LEN);
	if (reg == MLX5_REG_MTRC_CAP) {
		fw_mlx5_set(o + 16, 1, 1, 1);
		fw_mlx5_set(o + 16, 28, 4, 1);
		fw_put_be32(o + 16 + 16, 0x100000);
		fw_put_be32(o + 16 + 20, DB_SIZE);
	} else if (reg == MLX5_REG_RESOURCE_DUMP) {
		size_t n = RD_SIZE - b->rd_pos < 208 ? RD_SIZE - b->rd_pos : 208;

		memcpy(o + 16, (const uint8_t *)in + 16, 48);
		b->rd_pos += n;
		fw_put_be32(o + 16 + 36, (uint32_t)n);
		fw_mlx5_set(o + 16, 0, 1, b->rd_pos < RD_SIZE);
		fw_mlx5_set(o + 16, 12, 4, (fw_mlx5_get(o + 16, 12, 4) + 1) & 0xf);
	} else if (reg == MLX5_REG_MTRC_STDB && outlen > 24) {
		memset(o + 24, 'x', outlen - 24);
	}
	return 0;
}

static void bfw_close(void *priv)
{
	free(priv);
}

static const struct fw_cmd_methods bfw_ops = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "bench",
	.info = bfw_info,
	.rpc = bfw_rpc,
	.close = bfw_close,
};

static struct fw_device *bdev(struct fw_ctx *ctx, size_t max_rpc, struct bfw **ret_b)
{
	struct bfw *b = calloc(1, sizeof(*b));
	struct fw_device *dev;

	if (!b)
		exit(1);
	b->max_rpc = max_rpc;
	if (fw_device_new_from_ops(ctx, &(struct fw_device_parts){ .cmd = &bfw_ops, .cmd_priv = b },
				   &dev) < 0)
		exit(1);
	*ret_b = b;
	return dev;
}

static unsigned db_commands(struct fw_ctx *ctx, size_t max_rpc, size_t chunk_max)
{
	struct mlx5_tracer_caps caps;
	struct mlx5_status st;
	struct fw_device *dev;
	struct bfw *b;
	void *data;
	size_t len;

	dev = bdev(ctx, max_rpc, &b);
	if (mlx5_tracer_query_caps(dev, &caps, NULL, 0, NULL) < 0 ||
	    mlx5_strings_db_read(dev, &caps, 0, chunk_max, &data, &len, &st) < 0 || len != DB_SIZE) {
		fprintf(stderr, "bench-mlx5: %s\n", fw_ctx_errmsg(ctx));
		exit(1);
	}
	free(data);
	fw_device_close(dev);
	return st.commands;
}

int main(void)
{
	const unsigned n = 2000000;
	uint8_t in[16 + 160], out[16 + 160];
	struct mlx5_resdump_req req = { .segment_type = 0x1000 };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fw_ctx *ctx;
	struct bfw *b;
	uint64_t t0, t_direct, t_gate;
	void *data;
	size_t len;
	unsigned i;

	if (fw_ctx_new(&ctx) < 0)
		return 1;
	dev = bdev(ctx, 256u << 10, &b);
	memset(in, 0, sizeof(in));
	mlx5_mbox_in_hdr(in, MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ);
	fw_mlx5_set(in, 80, 16, MLX5_REG_MGIR);

	t0 = fw_monotonic_ns();
	for (i = 0; i < n; i++)
		bfw_ops.rpc(b, in, sizeof(in), out, sizeof(out));
	t_direct = fw_monotonic_ns() - t0;
	t0 = fw_monotonic_ns();
	for (i = 0; i < n; i++)
		if (fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)) < 0)
			return 1;
	t_gate = fw_monotonic_ns() - t0;
	printf("figure: rpc_direct %.1f ns/cmd\n", (double)t_direct / n);
	printf("figure: rpc_through_gate %.1f ns/cmd\n", (double)t_gate / n);
	printf("figure: gate_overhead %.1f ns/cmd\n", (double)(t_gate - t_direct) / n);
	printf("figure: gate_commands_counted %" PRIu64 " commands\n", fw_device_cmd_count(dev));

	t0 = fw_monotonic_ns();
	if (mlx5_resdump(dev, &req, &data, &len, &st) < 0 || len != RD_SIZE)
		return 1;
	printf("figure: resdump_1MiB_commands %u commands\n", st.commands);
	printf("figure: resdump_1MiB_time %.2f ms\n", (double)(fw_monotonic_ns() - t0) / 1e6);
	free(data);
	fw_device_close(dev);

	printf("figure: strings_db_1MiB_commands_kernel256 %u commands\n",
	       db_commands(ctx, 256u << 10, 256));
	printf("figure: strings_db_1MiB_commands_mlx5ctl %u commands\n",
	       db_commands(ctx, 256u << 10, 0));
	printf("figure: strings_db_1MiB_commands_fwctl %u commands\n",
	       db_commands(ctx, 2u << 20, 0));

	/* The emulated card caps MTRC_STDB reads at 256 bytes, like the
	 * kernel's reads: one refused large read, then 256-byte chunks. */
	{
		void *db[MLX5_STRINGS_DB_SECTIONS];
		size_t dblen[MLX5_STRINGS_DB_SECTIONS], total = 0;
		struct mlx5_tracer_caps caps;

		if (fw_device_open(ctx, "emu:cx7,seed=1", &dev) < 0 ||
		    mlx5_tracer_query_caps(dev, &caps, NULL, 0, NULL) < 0)
			return 1;
		t0 = fw_monotonic_ns();
		if (mlx5_strings_db_read_all(dev, &caps, db, dblen, &st) < 0)
			return 1;
		for (i = 0; i < MLX5_STRINGS_DB_SECTIONS; i++) {
			total += dblen[i];
			free(db[i]);
		}
		printf("figure: emu_cx7_strings_db_bytes %zu bytes\n", total);
		printf("figure: emu_cx7_strings_db_commands %u commands\n", st.commands);
		printf("figure: emu_cx7_strings_db_time %.2f ms\n",
		       (double)(fw_monotonic_ns() - t0) / 1e6);
		req.segment_type = MLX5_RESDUMP_SEG_MENU;
		if (mlx5_resdump(dev, &req, &data, &len, &st) < 0)
			return 1;
		printf("figure: emu_cx7_resdump_menu_bytes %zu bytes\n", len);
		printf("figure: emu_cx7_resdump_menu_commands %u commands\n", st.commands);
		free(data);
		fw_device_close(dev);
	}
	fw_ctx_free(ctx);
	return 0;
}
