/* SPDX-License-Identifier: MIT */
/*
 * Firmware tracer registers: MTRC_CAP (capabilities and the strings-DB
 * layout), strings-DB reads through MTRC_STDB, and the opt-in tracer
 * control writes (ownership, configuration, start/stop).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "device/device.h"
#include "mlx5/mlx5-internal.h"

int mlx5_tracer_caps_parse(struct fw_ctx *ctx, const void *reg, size_t len,
			   struct mlx5_tracer_caps *ret)
{
	const uint8_t *p = reg;
	struct mlx5_tracer_caps c;
	unsigned i, n;

	if (len < MLX5_MTRC_CAP_SIZE)
		return fw_error(ctx, -EBADMSG, "MTRC_CAP: %zu bytes, the register has %u", len,
				MLX5_MTRC_CAP_SIZE);
	memset(&c, 0, sizeof(c));
	c.trace_owner = fw_mlx5_get(p, 0, 1);
	c.trace_to_memory = fw_mlx5_get(p, 1, 1);
	c.trc_ver = (uint8_t)fw_mlx5_get(p, 6, 2);
	n = fw_mlx5_get(p, 28, 4);
	c.first_string_trace = (uint8_t)fw_mlx5_get(p, 32, 8);
	c.num_string_trace = (uint8_t)fw_mlx5_get(p, 40, 8);
	c.log_max_trace_buffer_size = (uint8_t)fw_mlx5_get(p, 88, 8);
	if (n > FW_LIMIT_STRINGS_DB_SECTIONS)
		return fw_error(ctx, -EOVERFLOW,
				"MTRC_CAP: num_string_db %u is above FW_LIMIT_STRINGS_DB_SECTIONS (%u)",
				n, FW_LIMIT_STRINGS_DB_SECTIONS);
	c.num_string_db = (uint8_t)n;
	for (i = 0; i < MLX5_STRINGS_DB_SECTIONS; i++) {
		c.db[i].base_address = fw_get_be32(p + 16 + 8 * i);
		c.db[i].size = fw_mlx5_get(p + 20 + 8 * i, 8, 24);
	}
	*ret = c;
	return 0;
}

int mlx5_tracer_query_caps(struct fw_device *dev, struct mlx5_tracer_caps *ret, void *raw,
			   size_t raw_len, struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	uint8_t reg[MLX5_MTRC_CAP_SIZE];
	struct mlx5_tracer_caps caps;
	int r;

	mlx5_status_begin(st);
	if (raw && raw_len > sizeof(reg))
		return fw_error(ctx, -EINVAL, "MTRC_CAP: the register has %zu bytes, not %zu",
				sizeof(reg), raw_len);
	r = mlx5_reg_cmd(dev, MLX5_REG_MTRC_CAP, MLX5_REG_OP_READ, 0, NULL, sizeof(reg), reg,
			 sizeof(reg), st);
	if (r < 0)
		return r;
	r = mlx5_tracer_caps_parse(ctx, reg, sizeof(reg), &caps);
	if (r < 0)
		return r;
	if (raw)
		memcpy(raw, reg, raw_len);
	*ret = caps;
	return 0;
}

/* A status that means "this read is too big for the firmware", for which
 * we fall back to the kernel's 256-byte chunks. */
static bool fw_refused_size(const struct mlx5_status *st)
{
	return st->fw_replied &&
	       (st->status == MLX5_STAT_BAD_PARAM || st->status == MLX5_STAT_BAD_INP_LEN ||
		st->status == MLX5_STAT_BAD_OUTP_LEN || st->status == MLX5_STAT_LIM_ERR);
}

/* The largest chunk one command can carry back, in 64-byte units. */
static size_t stdb_chunk(struct fw_device *dev, size_t chunk_max)
{
	struct fw_device_info info;
	size_t chunk, max_rpc;

	fw_device_info(dev, &info);
	max_rpc = info.max_rpc ? info.max_rpc : FW_LIMIT_MLX5CTL_RPC;
	chunk = max_rpc - MLX5_MBOX_HDR_LEN - MLX5_MTRC_STDB_HDR;
	if (chunk > MLX5_MTRC_STDB_READ_SIZE_MAX)
		chunk = MLX5_MTRC_STDB_READ_SIZE_MAX;
	if (chunk_max && chunk > chunk_max)
		chunk = chunk_max;
	chunk -= chunk % MLX5_MTRC_STDB_ALIGN;
	if (chunk < MLX5_MTRC_STDB_ALIGN)
		chunk = MLX5_MTRC_STDB_ALIGN;
	return chunk;
}

/* Read one section; *chunk shrinks to the kernel's 256 bytes (and stays
 * there for the next section) if the firmware refuses a larger read. */
static int read_section(struct fw_device *dev, const struct mlx5_tracer_caps *caps,
			unsigned section, size_t *chunk, void **ret_data, size_t *ret_len,
			struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	uint8_t in[MLX5_MTRC_STDB_IN_SIZE];
	uint8_t *db = NULL, *out = NULL;
	size_t size, off = 0;
	int r;

	if (section >= caps->num_string_db || section >= MLX5_STRINGS_DB_SECTIONS)
		return fw_error(ctx, -ENOENT, "strings DB %u: the tracer has %u sections", section,
				caps->num_string_db);
	size = caps->db[section].size;
	if (size > FW_LIMIT_STRINGS_DB_SECTION)
		return fw_error(ctx, -EOVERFLOW,
				"strings DB %u: %zu bytes is above FW_LIMIT_STRINGS_DB_SECTION (%u)",
				section, size, FW_LIMIT_STRINGS_DB_SECTION);

	db = calloc(1, size ? size : 1);
	out = malloc(MLX5_MTRC_STDB_HDR + (*chunk < size ? *chunk : size));
	if (!db || !out) {
		r = fw_error(ctx, -ENOMEM, "strings DB %u: out of memory for %zu bytes", section,
			     size);
		goto err;
	}
	while (off < size) {
		size_t want = size - off < *chunk ? size - off : *chunk;

		if (fw_ctx_cancelled(ctx)) {
			r = fw_error(ctx, -EINTR, "strings DB %u: cancelled", section);
			goto err;
		}
		memset(in, 0, sizeof(in));
		fw_mlx5_set(in, 0, 4, section);
		fw_mlx5_set(in, 8, 24, (uint32_t)want);
		fw_put_be32(in + 4, (uint32_t)off);
		r = mlx5_reg_cmd(dev, MLX5_REG_MTRC_STDB, MLX5_REG_OP_WRITE, 0, in, sizeof(in), out,
				 MLX5_MTRC_STDB_HDR + want, st);
		if (r == -EREMOTEIO && want > MLX5_MTRC_STDB_KERNEL_CHUNK && fw_refused_size(st)) {
			/* Firmware wants smaller reads: do what the kernel does. */
			*chunk = MLX5_MTRC_STDB_KERNEL_CHUNK;
			fw_ctx_clear_error(ctx);
			continue;
		}
		if (r < 0) {
			fw_error_prefix(ctx, r, "strings DB %u at offset %zu", section, off);
			goto err;
		}
		memcpy(db + off, out + MLX5_MTRC_STDB_HDR, want);
		off += want;
	}
	free(out);
	*ret_data = db;
	*ret_len = size;
	return 0;

err:
	free(out);
	free(db);
	return r;
}

int mlx5_strings_db_read(struct fw_device *dev, const struct mlx5_tracer_caps *caps,
			 unsigned section, size_t chunk_max, void **ret_data, size_t *ret_len,
			 struct mlx5_status *st)
{
	struct mlx5_status local;
	size_t chunk = stdb_chunk(dev, chunk_max);

	if (!st)
		st = &local;
	mlx5_status_begin(st);
	return read_section(dev, caps, section, &chunk, ret_data, ret_len, st);
}

int mlx5_strings_db_read_all(struct fw_device *dev, const struct mlx5_tracer_caps *caps,
			     void *ret_data[MLX5_STRINGS_DB_SECTIONS],
			     size_t ret_len[MLX5_STRINGS_DB_SECTIONS], struct mlx5_status *st)
{
	void *data[MLX5_STRINGS_DB_SECTIONS] = { 0 };
	size_t len[MLX5_STRINGS_DB_SECTIONS] = { 0 };
	struct mlx5_status local;
	size_t chunk = stdb_chunk(dev, 0);
	unsigned i, n = caps->num_string_db;
	int r = 0;

	if (!st)
		st = &local;
	mlx5_status_begin(st);
	if (n > MLX5_STRINGS_DB_SECTIONS)
		n = MLX5_STRINGS_DB_SECTIONS;
	for (i = 0; i < n; i++) {
		r = read_section(dev, caps, i, &chunk, &data[i], &len[i], st);
		if (r < 0)
			goto err;
	}
	for (i = 0; i < MLX5_STRINGS_DB_SECTIONS; i++) {
		ret_data[i] = data[i];
		ret_len[i] = len[i];
	}
	return 0;

err:
	for (i = 0; i < MLX5_STRINGS_DB_SECTIONS; i++)
		free(data[i]);
	return r;
}

int mlx5_tracer_set_owner(struct fw_device *dev, bool own, bool *ret_owner,
			  struct mlx5_status *st)
{
	uint8_t reg[MLX5_MTRC_CAP_SIZE] = { 0 }, out[MLX5_MTRC_CAP_SIZE];
	int r;

	mlx5_status_begin(st);
	fw_mlx5_set(reg, 0, 1, own);
	r = mlx5_reg_cmd(dev, MLX5_REG_MTRC_CAP, MLX5_REG_OP_WRITE, 0, reg, sizeof(reg), out,
			 sizeof(out), st);
	if (r < 0)
		return r;
	if (ret_owner)
		*ret_owner = fw_mlx5_get(out, 0, 1);
	return 0;
}

int mlx5_tracer_configure(struct fw_device *dev, uint32_t mkey, uint8_t log_buffer_size,
			  struct mlx5_status *st)
{
	uint8_t reg[MLX5_MTRC_CONF_SIZE] = { 0 }, out[MLX5_MTRC_CONF_SIZE];

	mlx5_status_begin(st);
	fw_mlx5_set(reg, 28, 4, MLX5_TRACE_MODE_TO_MEMORY);
	fw_mlx5_set(reg, 56, 8, log_buffer_size);
	fw_put_be32(reg + 8, mkey);
	return mlx5_reg_cmd(dev, MLX5_REG_MTRC_CONF, MLX5_REG_OP_WRITE, 0, reg, sizeof(reg), out,
			    sizeof(out), st);
}

int mlx5_tracer_set_status(struct fw_device *dev, bool enable, bool arm, struct mlx5_status *st)
{
	uint8_t reg[MLX5_MTRC_CTRL_SIZE] = { 0 }, out[MLX5_MTRC_CTRL_SIZE];

	mlx5_status_begin(st);
	fw_mlx5_set(reg, 0, 2, enable);              /* trace_status */
	fw_mlx5_set(reg, 4, 1, arm);                 /* arm_event */
	fw_mlx5_set(reg, 16, 16, 1);                 /* modify_field_select: TRACE_STATUS */
	return mlx5_reg_cmd(dev, MLX5_REG_MTRC_CTRL, MLX5_REG_OP_WRITE, 0, reg, sizeof(reg), out,
			    sizeof(out), st);
}

/*
 * The ring capture.  Ownership is released on every path once it was
 * asked for, and tracer control is allowed on the device only while this
 * runs, so a failure half-way never leaves the tracer pointed at memory
 * that is about to be freed.
 */
int mlx5_tracer_capture_ring(struct fw_device *dev, unsigned seconds, void **ret_data,
			     size_t *ret_len, struct mlx5_status *st)
{
	struct fw_ctx *ctx = fw_device_ctx(dev);
	bool owner = false, registered = false, asked = false;
	struct mlx5_status local;
	uint8_t *ring;
	uint32_t id = 0;
	int r;

	if (!st)
		st = &local;
	mlx5_status_begin(st);
	ring = aligned_alloc(4096, MLX5_TRACE_RING_BYTES);
	if (!ring)
		return fw_error(ctx, -ENOMEM, "tracer ring: out of memory");
	memset(ring, 0, MLX5_TRACE_RING_BYTES);
	r = fw_device_umem_reg(dev, ring, MLX5_TRACE_RING_BYTES, &id);
	if (r < 0)
		goto out;
	registered = true;
	fw_device_allow_trace_control(dev, true);
	asked = true;
	r = mlx5_tracer_set_owner(dev, true, &owner, st);
	if (r < 0)
		goto out;
	/* A dry run has no answer: walk the path of a firmware that grants
	 * ownership, so every command of the capture is reported. */
	if (fw_device_dry_run(dev))
		owner = true;
	if (!owner) {
		r = fw_error(ctx, -EBUSY,
			     "tracer is owned by another function (the kernel driver?), skipping");
		goto out;
	}
	r = mlx5_tracer_configure(dev, id, MLX5_TRACER_LOG_BUFFER_SIZE, st);
	if (r >= 0)
		r = mlx5_tracer_set_status(dev, true, true, st);
	if (r < 0)
		goto out;
	/* On the emulator this is emulated firmware time too: the ring
	 * fills.  A cancelled wait still stops the tracer and keeps what
	 * came. */
	fw_device_wait(dev, seconds);
	r = mlx5_tracer_set_status(dev, false, false, st);
out:
	if (asked) {
		struct mlx5_status rel;
		int r2 = mlx5_tracer_set_owner(dev, false, NULL, &rel);

		if (r >= 0 && r2 < 0) {
			r = r2;
			*st = rel;
		}
		fw_device_allow_trace_control(dev, false);
	}
	if (registered)
		fw_device_umem_unreg(dev, id);
	if (r < 0) {
		free(ring);
		return r;
	}
	*ret_data = ring;
	*ret_len = MLX5_TRACE_RING_BYTES;
	return 0;
}
