/* SPDX-License-Identifier: MIT */
/* The CORE_DUMP register: pack a request, send it, parse the reply. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/bytes.h"
#include "device/device.h"
#include "mlx5/mlx5-internal.h"

void mlx5_core_dump_pack(const struct mlx5_core_dump *d, void *reg)
{
	uint8_t *p = reg;

	memset(reg, 0, MLX5_CORE_DUMP_REG_SIZE);
	fw_mlx5_set(p, 0, 1, d->more_dump);
	fw_mlx5_set(p, 24, 8, d->core_dump_type);
	fw_mlx5_set(p, 80, 16, d->vhca_id);          /* byte 8, bits 15..0 */
	fw_mlx5_set(p, 104, 24, d->qpn);             /* byte 12, bits 23..0 */
	fw_put_be32(p + 16, d->mkey);
	fw_put_be32(p + 20, d->size);
	fw_put_be64(p + 24, d->address);
	fw_put_be64(p + 32, d->cookie);
}

int mlx5_core_dump_parse(struct fw_ctx *ctx, const void *reg, size_t len, struct mlx5_core_dump *ret)
{
	const uint8_t *p = reg;
	struct mlx5_core_dump d;

	if (len < 40)
		return fw_error(ctx, -EBADMSG, "CORE_DUMP reply of %zu bytes is shorter than 40", len);
	d.more_dump = fw_mlx5_get(p, 0, 1);
	d.core_dump_type = (uint8_t)fw_mlx5_get(p, 24, 8);
	d.vhca_id = (uint16_t)fw_mlx5_get(p, 80, 16);
	d.qpn = fw_mlx5_get(p, 104, 24);
	d.mkey = fw_get_be32(p + 16);
	d.size = fw_get_be32(p + 20);
	d.address = fw_get_be64(p + 24);
	d.cookie = fw_get_be64(p + 32);
	*ret = d;
	return 0;
}

int mlx5_core_dump(struct fw_device *dev, const struct mlx5_core_dump *req, bool read_op,
		   void *out, size_t out_len, struct mlx5_core_dump *ret, struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	uint8_t in[MLX5_CORE_DUMP_REG_SIZE], reply[MLX5_CORE_DUMP_REG_SIZE];
	struct mlx5_core_dump parsed;
	int r;

	mlx5_status_begin(st);
	if (out && out_len > sizeof(reply))
		return fw_error(ctx, -EINVAL, "CORE_DUMP: the register has %zu bytes, not %zu",
				sizeof(reply), out_len);
	mlx5_core_dump_pack(req, in);
	r = mlx5_reg_cmd(dev, MLX5_REG_CORE_DUMP, read_op ? MLX5_REG_OP_READ : MLX5_REG_OP_WRITE,
			 0, in, sizeof(in), reply, sizeof(reply), st);
	if (r < 0)
		return r;
	r = mlx5_core_dump_parse(ctx, reply, sizeof(reply), &parsed);
	if (r < 0)
		return r;
	if (out)
		memcpy(out, reply, out_len);
	if (ret)
		*ret = parsed;
	return 0;
}
