/* SPDX-License-Identifier: MIT */
/*
 * The RESOURCE_DUMP more_dump loop, inline mode.  The kernel uses DMA mode
 * (a PA mkey it creates), but CREATE_MKEY is not on our allowlist, so every
 * call carries at most 208 bytes back in inline_data, as the mlx5ctl tool
 * does without umem.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "device/device.h"
#include "ifc/regcat-layout.h"
#include "mlx5/mlx5-internal.h"

/* Fields of the register, from its row in ifc/regcat.def. */
#define RD(f)             REGCAT_FIELD(RESOURCE_DUMP, f)
#define RD_MORE_DUMP      RD(more_dump)
#define RD_INLINE_DUMP    RD(inline_dump)
#define RD_SEQ_NUM        RD(seq_num)
#define RD_SEGMENT_TYPE   RD(segment_type)
#define RD_VHCA_ID        RD(vhca_id)
#define RD_INDEX1         RD(index1)
#define RD_INDEX2         RD(index2)
#define RD_NUM_OBJ1       RD(num_of_obj1)
#define RD_NUM_OBJ2       RD(num_of_obj2)
#define RD_SIZE           RD(size)
#define GET(reg, f)       fw_mlx5_get(reg, f)
#define SET(reg, f, v)    fw_mlx5_set(reg, f, v)

int mlx5_resdump_each(struct fw_device *dev, const struct mlx5_resdump_req *req,
		      mlx5_resdump_fn fn, void *userdata, struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	uint8_t in[MLX5_RESDUMP_REG_SIZE] = { 0 }, out[MLX5_RESDUMP_REG_SIZE];
	unsigned max_calls = req->max_calls ? req->max_calls : FW_LIMIT_RESDUMP_PAGES;
	uint16_t op_mod = req->read_op ? MLX5_REG_OP_READ : MLX5_REG_OP_WRITE;
	unsigned calls = 0, seq = 0, rseq;
	uint32_t size;
	bool more;
	int r;

	mlx5_status_begin(st);
	SET(in, RD_SEGMENT_TYPE, req->segment_type);
	SET(in, RD_VHCA_ID, req->vhca_id);
	SET(in, RD_INDEX1, req->index1);
	SET(in, RD_INDEX2, req->index2);
	SET(in, RD_NUM_OBJ1, req->num_of_obj1);
	SET(in, RD_NUM_OBJ2, req->num_of_obj2);
	SET(in, RD_INLINE_DUMP, 1);
	SET(in, RD_SIZE, MLX5_RESDUMP_INLINE_MAX);

	for (;;) {
		if (calls >= max_calls) {
			r = fw_error(ctx, -EOVERFLOW,
				     "resource dump of segment 0x%04x: firmware still had more after "
				     "%u calls (FW_LIMIT_RESDUMP_PAGES), stopping", req->segment_type,
				     calls);
			goto err;
		}
		if (fw_ctx_cancelled(ctx)) {
			r = fw_error(ctx, -EINTR, "resource dump of segment 0x%04x: cancelled",
				     req->segment_type);
			goto err;
		}
		r = mlx5_reg_cmd(dev, MLX5_REG_RESOURCE_DUMP, op_mod, 0, in, sizeof(in), out,
				 sizeof(out), st);
		if (r < 0) {
			fw_error_prefix(ctx, r, "resource dump of segment 0x%04x, call %u",
					req->segment_type, calls + 1);
			goto err;
		}
		calls++;
		more = GET(out, RD_MORE_DUMP);
		rseq = GET(out, RD_SEQ_NUM);
		size = GET(out, RD_SIZE);
		/* The kernel's check: a reply numbers itself 0 or the next one. */
		if (rseq != 0 && rseq != seq + 1) {
			r = fw_error(ctx, -EBADMSG,
				     "resource dump of segment 0x%04x: call %u came back with seq_num "
				     "%u, expected %u", req->segment_type, calls, rseq, seq + 1);
			goto err;
		}
		if (size > MLX5_RESDUMP_INLINE_MAX) {
			r = fw_error(ctx, -EBADMSG,
				     "resource dump of segment 0x%04x: call %u claims %u bytes, inline "
				     "data holds %u", req->segment_type, calls, size,
				     MLX5_RESDUMP_INLINE_MAX);
			goto err;
		}
		r = fn(userdata, out + MLX5_RESDUMP_INLINE_OFF, size);
		if (r < 0)
			return r;
		if (!more)
			break;
		/* Send back what the firmware returned (seq_num, indexes, object
		 * counts, device_opaque), with our segment type and inline mode. */
		seq = rseq;
		memcpy(in, out, MLX5_RESDUMP_INLINE_OFF);
		memset(in + MLX5_RESDUMP_INLINE_OFF, 0, sizeof(in) - MLX5_RESDUMP_INLINE_OFF);
		SET(in, RD_SEGMENT_TYPE, req->segment_type);
		SET(in, RD_INLINE_DUMP, 1);
		SET(in, RD_SIZE, MLX5_RESDUMP_INLINE_MAX);
	}
	return 0;

err:
	return r;
}

struct buf_sink {
	struct fw_ctx *ctx;
	struct fw_buf buf;
};

static int buf_sink_add(void *u, const void *data, size_t len)
{
	struct buf_sink *b = u;
	int r = fw_buf_put(&b->buf, data, len);

	return r < 0 ? fw_error(b->ctx, r, "resource dump: out of memory keeping %zu bytes",
				b->buf.len)
		     : 0;
}

int mlx5_resdump(struct fw_device *dev, const struct mlx5_resdump_req *req, void **ret_data,
		 size_t *ret_len, struct mlx5_status *st)
{
	struct buf_sink b = { .ctx = fw_device_ctx(dev) };
	int r;

	r = mlx5_resdump_each(dev, req, buf_sink_add, &b, st);
	/* An empty dump is still a result: hand back a valid pointer. */
	if (r >= 0 && fw_buf_reserve(&b.buf, 0) < 0)
		r = fw_error(b.ctx, -ENOMEM, "resource dump: out of memory");
	if (r < 0) {
		fw_buf_release(&b.buf);
		return r;
	}
	*ret_data = fw_buf_steal(&b.buf, ret_len);
	return 0;
}
