/* SPDX-License-Identifier: MIT */
/*
 * Mailboxes, status handling, ACCESS_REG and QUERY_HCA_CAP.  Every command
 * leaves through fw_device_cmd(); this file only builds and reads bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/device.h"
#include "mlx5/mlx5-internal.h"

void mlx5_mbox_in_hdr(void *in, uint16_t opcode, uint16_t op_mod)
{
	memset(in, 0, MLX5_MBOX_HDR_LEN);
	fw_mlx5_set(in, 0, 16, opcode);
	fw_mlx5_set(in, 48, 16, op_mod);
}

int mlx5_mbox_out_parse(struct fw_ctx *ctx, const void *out, size_t outlen,
			uint8_t *ret_status, uint32_t *ret_syndrome)
{
	if (outlen < MLX5_MBOX_HDR_LEN)
		return fw_error(ctx, -EBADMSG, "outbox of %zu bytes is shorter than its %u-byte header",
				outlen, MLX5_MBOX_HDR_LEN);
	*ret_status = (uint8_t)fw_mlx5_get(out, 0, 8);
	*ret_syndrome = fw_get_be32((const uint8_t *)out + 4);
	return 0;
}

int mlx5_status_to_errno(uint8_t status)
{
	return status == MLX5_STAT_OK ? 0 : -EREMOTEIO;
}

void mlx5_status_begin(struct mlx5_status *st)
{
	if (st)
		memset(st, 0, sizeof(*st));
}

/* Record the outcome of the last command; keeps the running command count. */
static void status_set(struct mlx5_status *st, const void *in, int err, bool replied,
		       uint8_t status, uint32_t syndrome)
{
	char buf[64];

	if (!st)
		return;
	st->err = err;
	st->opcode = (uint16_t)fw_mlx5_get(in, 0, 16);
	st->op_mod = (uint16_t)fw_mlx5_get(in, 48, 16);
	st->reg_id = (st->opcode == MLX5_CMD_ACCESS_REG ||
		      st->opcode == MLX5_CMD_ACCESS_REGISTER_USER) ?
			     (uint16_t)fw_mlx5_get(in, 80, 16) : 0;
	st->fw_replied = replied;
	st->status = status;
	st->syndrome = syndrome;
	if (replied)
		mlx5_status_text(status, syndrome, st->text, sizeof(st->text));
	else
		snprintf(st->text, sizeof(st->text), "%s", fw_strerror(err, buf, sizeof(buf)));
}

static void describe(const void *in, char *buf, size_t len)
{
	uint16_t opcode = (uint16_t)fw_mlx5_get(in, 0, 16);
	const char *name = mlx5_opcode_name(opcode);

	if (opcode == MLX5_CMD_ACCESS_REG || opcode == MLX5_CMD_ACCESS_REGISTER_USER) {
		uint16_t reg = (uint16_t)fw_mlx5_get(in, 80, 16);
		const char *rname = mlx5_reg_name(reg);

		snprintf(buf, len, "%s %s %s (0x%04x)", name,
			 fw_mlx5_get(in, 48, 16) ? "read" : "write", rname ? rname : "register",
			 reg);
	} else {
		snprintf(buf, len, "%s (0x%x)", name ? name : "command", opcode);
	}
}

int mlx5_cmd_exec(struct fw_device *dev, const void *in, size_t inlen, void *out,
		  size_t outlen, struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	uint32_t syndrome = 0;
	uint8_t status = 0;
	char what[96], text[MLX5_STATUS_TEXT_MAX];
	size_t got;
	int r;

	if (st)
		st->commands++;
	r = fw_device_cmd(dev, in, inlen, out, outlen);
	if (r < 0) {
		if (inlen >= 12)
			status_set(st, in, r, false, 0, 0);
		return r;
	}
	got = (size_t)r;
	r = mlx5_mbox_out_parse(ctx, out, got, &status, &syndrome);
	if (r < 0)
		return r;
	r = mlx5_status_to_errno(status);
	status_set(st, in, r, true, status, syndrome);
	if (st)
		st->out_len = got;
	if (r < 0) {
		describe(in, what, sizeof(what));
		mlx5_status_text(status, syndrome, text, sizeof(text));
		return fw_error(ctx, r, "%s: firmware returned %s", what, text);
	}
	if (got < outlen) {
		describe(in, what, sizeof(what));
		r = fw_error(ctx, -EBADMSG, "%s: outbox cut short, %zu of %zu bytes", what, got,
			     outlen);
		if (st) {
			st->err = r;
			snprintf(st->text, sizeof(st->text), "outbox cut short: %zu of %zu bytes",
				 got, outlen);
		}
		return r;
	}
	return 0;
}

/* The firmware said OK but the transport brought fewer bytes than asked. */
static bool cut_short(const struct mlx5_status *st, size_t outlen)
{
	return st->err == -EBADMSG && st->fw_replied && st->status == 0 && st->out_len < outlen;
}

int mlx5_reg_cmd(struct fw_device *dev, uint16_t reg_id, uint16_t op_mod, uint32_t argument,
		 const void *in_data, size_t in_len, void *out, size_t out_len,
		 struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	uint8_t *in = NULL, *outbox = NULL;
	struct mlx5_status local = { 0 };
	size_t inlen, outlen;
	int r;

	if (in_len > SIZE_MAX - MLX5_MBOX_HDR_LEN || out_len > SIZE_MAX - MLX5_MBOX_HDR_LEN)
		return fw_error(ctx, -EOVERFLOW, "ACCESS_REG: register size too large");
	inlen = MLX5_MBOX_HDR_LEN + in_len;
	outlen = MLX5_MBOX_HDR_LEN + out_len;
	in = calloc(1, inlen);
	outbox = calloc(1, outlen);
	if (!in || !outbox) {
		r = fw_error(ctx, -ENOMEM, "ACCESS_REG: out of memory");
		goto out_free;
	}
	mlx5_mbox_in_hdr(in, MLX5_CMD_ACCESS_REG, op_mod);
	fw_mlx5_set(in, 80, 16, reg_id);           /* byte 8, bits 15..0 */
	fw_put_be32(in + 12, argument);
	if (in_data && in_len)
		memcpy(in + MLX5_MBOX_HDR_LEN, in_data, in_len);
	if (!st)
		st = &local;
	r = mlx5_cmd_exec(dev, in, inlen, outbox, outlen, st);
	if (r < 0 && !cut_short(st, outlen))
		goto out_free;
	/* A reply cut short still hands over what came (zeros after it). */
	memcpy(out, outbox + MLX5_MBOX_HDR_LEN, out_len);
out_free:
	free(in);
	free(outbox);
	return r;
}

int mlx5_access_reg(struct fw_device *dev, uint16_t reg_id, uint16_t op_mod, uint32_t argument,
		    const void *in_data, size_t in_len, void *out, size_t out_len,
		    struct mlx5_status *st)
{
	mlx5_status_begin(st);
	return mlx5_reg_cmd(dev, reg_id, op_mod, argument, in_data, in_len, out, out_len, st);
}

int mlx5_access_reg_read(struct fw_device *dev, uint16_t reg_id, uint32_t argument,
			 const void *in_data, size_t in_len, void *out, size_t out_len,
			 struct mlx5_status *st)
{
	mlx5_status_begin(st);
	return mlx5_reg_cmd(dev, reg_id, MLX5_REG_OP_READ, argument, in_data, in_len, out,
			       out_len, st);
}

int mlx5_access_reg_write_read(struct fw_device *dev, uint16_t reg_id, uint32_t argument,
			       const void *in_data, size_t in_len, void *out, size_t out_len,
			       struct mlx5_status *st)
{
	mlx5_status_begin(st);
	return mlx5_reg_cmd(dev, reg_id, MLX5_REG_OP_WRITE, argument, in_data, in_len, out,
			       out_len, st);
}

int mlx5_query_hca_cap(struct fw_device *dev, uint16_t cap_type, bool current, void *out,
		       size_t out_len, struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	uint8_t in[MLX5_MBOX_HDR_LEN];
	struct mlx5_status local = { 0 };
	uint8_t *outbox;
	size_t outlen = MLX5_MBOX_HDR_LEN + MLX5_HCA_CAP_SIZE;
	int r;

	mlx5_status_begin(st);
	if (out_len > MLX5_HCA_CAP_SIZE)
		return fw_error(ctx, -EINVAL, "QUERY_HCA_CAP: asked for %zu bytes, a page has %u",
				out_len, MLX5_HCA_CAP_SIZE);
	if (cap_type > 0x7fff)
		return fw_error(ctx, -EINVAL, "QUERY_HCA_CAP: cap type 0x%x does not fit op_mod",
				cap_type);
	outbox = calloc(1, outlen);
	if (!outbox)
		return fw_error(ctx, -ENOMEM, "QUERY_HCA_CAP: out of memory");
	mlx5_mbox_in_hdr(in, MLX5_CMD_QUERY_HCA_CAP,
			 (uint16_t)((cap_type << 1) | (current ? MLX5_CAP_MODE_CUR : MLX5_CAP_MODE_MAX)));
	if (!st)
		st = &local;
	r = mlx5_cmd_exec(dev, in, sizeof(in), outbox, outlen, st);
	if (r >= 0 || cut_short(st, outlen))
		memcpy(out, outbox + MLX5_MBOX_HDR_LEN, out_len);
	free(outbox);
	return r;
}
