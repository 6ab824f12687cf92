/* SPDX-License-Identifier: MIT */
/* The CORE_DUMP register: pack a request, send it, parse the reply. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "device/device.h"
#include "ifc/regcat-layout.h"
#include "mlx5/mlx5-internal.h"

/* Fields of the register, from its row in ifc/regcat.def; 64-bit values
 * are two dwords there and one big-endian quadword here. */
#define CD(f)         REGCAT_FIELD(CORE_DUMP, f)
#define CD_BYTE(f)    REGCAT_FIELD_BYTE(CORE_DUMP, f)
/* The bytes the parser reads: up to the end of the cookie. */
#define CD_PARSED     ((unsigned)(CD_BYTE(cookie_31_0) + 4u))

void mlx5_core_dump_pack(const struct mlx5_core_dump *d, void *reg)
{
	uint8_t *p = reg;

	memset(reg, 0, MLX5_CORE_DUMP_REG_SIZE);
	fw_mlx5_set(p, CD(more_dump), d->more_dump);
	fw_mlx5_set(p, CD(core_dump_type), d->core_dump_type);
	fw_mlx5_set(p, CD(vhca_id), d->vhca_id);
	fw_mlx5_set(p, CD(qpn), d->qpn);
	fw_mlx5_set(p, CD(mkey), d->mkey);
	fw_mlx5_set(p, CD(size), d->size);
	fw_put_be64(p + CD_BYTE(address_63_32), d->address);
	fw_put_be64(p + CD_BYTE(cookie_63_32), d->cookie);
}

int mlx5_core_dump_parse(struct fw_ctx *ctx, const void *reg, size_t len, struct mlx5_core_dump *ret)
{
	const uint8_t *p = reg;
	struct mlx5_core_dump d;

	if (len < CD_PARSED)
		return fw_error(ctx, -EBADMSG, "CORE_DUMP reply of %zu bytes is shorter than %u", len,
				CD_PARSED);
	d.more_dump = fw_mlx5_get(p, CD(more_dump));
	d.core_dump_type = (uint8_t)fw_mlx5_get(p, CD(core_dump_type));
	d.vhca_id = (uint16_t)fw_mlx5_get(p, CD(vhca_id));
	d.qpn = fw_mlx5_get(p, CD(qpn));
	d.mkey = fw_mlx5_get(p, CD(mkey));
	d.size = fw_mlx5_get(p, CD(size));
	d.address = fw_get_be64(p + CD_BYTE(address_63_32));
	d.cookie = fw_get_be64(p + CD_BYTE(cookie_63_32));
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

int mlx5_crdump_each(struct fw_device *dev, size_t buf_len, unsigned max_calls,
		     mlx5_crdump_fn fn, void *userdata, struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	struct mlx5_core_dump req = { .core_dump_type = MLX5_CORE_DUMP_CR_DUMP_TO_MEM };
	uint8_t in[MLX5_CORE_DUMP_REG_SIZE], reply[MLX5_CORE_DUMP_REG_SIZE];
	struct mlx5_core_dump rep;
	struct mlx5_status local;
	uint8_t *mem;
	uint32_t id = 0;
	unsigned calls = 0;
	int r;

	if (!st)
		st = &local;
	mlx5_status_begin(st);
	if (!max_calls)
		max_calls = FW_LIMIT_RESDUMP_PAGES;
	if (buf_len == 0 || buf_len > UINT32_MAX || buf_len % 8)
		return fw_error(ctx, -EINVAL,
				"CORE_DUMP to memory: a %zu-byte buffer is not whole pairs of a 32-bit size",
				buf_len);
	mem = aligned_alloc(4096, (buf_len + 4095) & ~(size_t)4095);
	if (!mem)
		return fw_error(ctx, -ENOMEM, "CORE_DUMP to memory: out of memory");
	r = fw_device_umem_reg(dev, mem, buf_len, &id);
	if (r < 0) {
		char eb[64];

		free(mem);
		if (r == -EOPNOTSUPP)
			return r;
		return fw_error_prefix(ctx, -EOPNOTSUPP,
				       "CORE_DUMP to memory: %zu bytes of user memory not registered (%s)",
				       buf_len, fw_strerror(r, eb, sizeof(eb)));
	}
	req.mkey = id;
	req.size = (uint32_t)buf_len;
	req.address = (uint64_t)(uintptr_t)mem;
	for (;;) {
		if (calls >= max_calls) {
			r = fw_error(ctx, -EOVERFLOW,
				     "CORE_DUMP to memory: firmware still had more after %u calls "
				     "(FW_LIMIT_RESDUMP_PAGES), stopping", calls);
			break;
		}
		if (fw_ctx_cancelled(ctx)) {
			r = fw_error(ctx, -EINTR, "CORE_DUMP to memory: cancelled");
			break;
		}
		/* The tool's read form: the kernel's write form is for its own
		 * buffers, and the allowlist takes both. */
		mlx5_core_dump_pack(&req, in);
		r = mlx5_reg_cmd(dev, MLX5_REG_CORE_DUMP, MLX5_REG_OP_READ, 0, in, sizeof(in), reply,
				 sizeof(reply), st);
		if (r < 0)
			break;
		calls++;
		r = mlx5_core_dump_parse(ctx, reply, sizeof(reply), &rep);
		if (r < 0)
			break;
		if (rep.size > buf_len || rep.size % 8) {
			r = fw_error(ctx, -EBADMSG, "CORE_DUMP reply claims %u bytes written", rep.size);
			break;
		}
		r = fn(userdata, mem, rep.size, rep.more_dump);
		if (r < 0 || !rep.more_dump)
			break;
		req.cookie = rep.cookie;
	}
	fw_device_umem_unreg(dev, id);
	free(mem);
	return r < 0 ? r : 0;
}
