/* SPDX-License-Identifier: MIT */
/*
 * mlx5ctl: the V4 mlx5ctl misc device.  open() makes the driver allocate a
 * firmware user context (UID); every CMDRPC is stamped with it.  We read
 * INFO once at open so a wrong ABI (ENOTTY, EINVAL from a V1-V3 driver
 * that wants a bigger struct) is reported before any command.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/limits.h"
#include "device/transport.h"
#include "device/transports.h"
#include "device/uapi-mlx5ctl.h"

static_assert(FW_MLX5CTL_MAX_RPC_SIZE == FW_LIMIT_MLX5CTL_RPC, "limit matches the V4 ABI");

/* Smallest mailbox: the 16-byte command header in and out. */
#define MBOX_HDR 16u

struct fw_mlx5ctl {
	struct fw_ctx *ctx;
	int fd;
	char *path;
	struct fw_mlx5ctl_ident ident;
};

int fw_mlx5ctl_open(struct fw_ctx *ctx, const char *path, struct fw_mlx5ctl **ret)
{
	struct fw_mlx5ctl *m;
	struct fw_mlx5ctl_info info;
	int r;

	m = calloc(1, sizeof(*m));
	if (!m)
		return fw_error(ctx, -ENOMEM, "mlx5ctl: out of memory");
	m->ctx = ctx;
	m->fd = -1;
	m->path = strdup(path);
	if (!m->path) {
		r = fw_error(ctx, -ENOMEM, "mlx5ctl: out of memory");
		goto err_free;
	}
	m->fd = open(path, O_RDWR | O_CLOEXEC);
	if (m->fd < 0) {
		r = fw_kernel_error(ctx, -errno, "mlx5ctl", "open", path);
		goto err_free;
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(m->fd, FW_MLX5CTL_IOCTL_INFO, &info) < 0) {
		r = fw_kernel_error(ctx, -errno, "mlx5ctl", "MLX5CTL_IOCTL_INFO", path);
		goto err_close;
	}
	m->ident.uid = info.uctx_uid;
	m->ident.uctx_cap = info.uctx_cap;
	m->ident.dev_uctx_cap = info.dev_uctx_cap;
	m->ident.ucap = info.ucap;
	*ret = m;
	return 0;

err_close:
	close(m->fd);
err_free:
	free(m->path);
	free(m);
	return r;
}

void fw_mlx5ctl_close(struct fw_mlx5ctl *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	free(m->path);
	free(m);
}

int fw_mlx5ctl_ident(struct fw_mlx5ctl *m, struct fw_mlx5ctl_ident *ret)
{
	*ret = m->ident;
	return 0;
}

int fw_mlx5ctl_rpc(struct fw_mlx5ctl *m, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct fw_mlx5ctl_cmdrpc rpc;

	/* The driver refuses these with EINVAL; saying why is kinder. */
	if (inlen < MBOX_HDR || outlen < MBOX_HDR)
		return fw_error(m->ctx, -EINVAL,
				"mlx5ctl '%s': inbox %zu / outbox %zu bytes, the command header needs %u",
				m->path, inlen, outlen, MBOX_HDR);
	if (inlen > FW_LIMIT_MLX5CTL_RPC || outlen > FW_LIMIT_MLX5CTL_RPC)
		return fw_error(m->ctx, -EOVERFLOW,
				"mlx5ctl '%s': inbox %zu / outbox %zu bytes exceed FW_LIMIT_MLX5CTL_RPC (%u); split the command",
				m->path, inlen, outlen, FW_LIMIT_MLX5CTL_RPC);
	memset(&rpc, 0, sizeof(rpc));
	rpc.in = (uint64_t)(uintptr_t)in;
	rpc.out = (uint64_t)(uintptr_t)out;
	rpc.inlen = (uint32_t)inlen;
	rpc.outlen = (uint32_t)outlen;
	if (ioctl(m->fd, FW_MLX5CTL_IOCTL_CMDRPC, &rpc) < 0)
		return fw_kernel_error(m->ctx, -errno, "mlx5ctl", "MLX5CTL_IOCTL_CMDRPC", m->path);
	return 0;
}

int fw_mlx5ctl_umem_reg(struct fw_mlx5ctl *m, void *addr, size_t len, uint32_t *ret_id)
{
	struct fw_mlx5ctl_umem_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.addr = (uint64_t)(uintptr_t)addr;
	reg.len = len;
	if (ioctl(m->fd, FW_MLX5CTL_IOCTL_UMEM_REG, &reg) < 0)
		return fw_kernel_error(m->ctx, -errno, "mlx5ctl", "MLX5CTL_IOCTL_UMEM_REG", m->path);
	*ret_id = reg.umem_id;
	return 0;
}

int fw_mlx5ctl_umem_unreg(struct fw_mlx5ctl *m, uint32_t id)
{
	struct fw_mlx5ctl_umem_unreg unreg;

	memset(&unreg, 0, sizeof(unreg));
	unreg.umem_id = id;
	if (ioctl(m->fd, FW_MLX5CTL_IOCTL_UMEM_UNREG, &unreg) < 0)
		return fw_kernel_error(m->ctx, -errno, "mlx5ctl", "MLX5CTL_IOCTL_UMEM_UNREG", m->path);
	return 0;
}

/* --- mlx5ctl as the command part of a device --- */

static void mlx5ctl_m_close(void *priv)
{
	fw_mlx5ctl_close(priv);
}

static int mlx5ctl_m_info(void *priv, struct fw_device_info *info)
{
	struct fw_mlx5ctl_ident id;

	fw_mlx5ctl_ident(priv, &id);
	snprintf(info->transport, sizeof(info->transport), "mlx5ctl");
	info->uid = id.uid;
	info->uctx_caps = id.uctx_cap;
	info->max_rpc = FW_LIMIT_MLX5CTL_RPC;
	info->can_umem = true;
	return 0;
}

static int mlx5ctl_m_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	return fw_mlx5ctl_rpc(priv, in, inlen, out, outlen);
}

static int mlx5ctl_m_umem_reg(void *priv, void *addr, size_t len, uint32_t *ret_id)
{
	return fw_mlx5ctl_umem_reg(priv, addr, len, ret_id);
}

static int mlx5ctl_m_umem_unreg(void *priv, uint32_t id)
{
	return fw_mlx5ctl_umem_unreg(priv, id);
}

static const struct fw_cmd_methods mlx5ctl_methods = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "mlx5ctl",
	.close = mlx5ctl_m_close,
	.info = mlx5ctl_m_info,
	.rpc = mlx5ctl_m_rpc,
	.umem_reg = mlx5ctl_m_umem_reg,
	.umem_unreg = mlx5ctl_m_umem_unreg,
};

/* A node path outside /dev/fwctl/, or the mlx5ctl node discovery found for
 * the function (after fwctl in the table: the upstream interface first). */
static int mlx5ctl_t_open(struct fw_ctx *ctx, const struct fw_target *t, bool want_cmd,
			  bool want_health, struct fw_device_parts *ret)
{
	struct fw_mlx5ctl *m;
	char *real;
	int r;

	(void)want_health;
	if (!want_cmd)
		return 0;
	r = fw_target_cmd_node(ctx, t, FW_IFACE_MLX5CTL, &real);
	if (r <= 0)
		return r;
	r = fw_mlx5ctl_open(ctx, real, &m);
	free(real);
	if (r < 0)
		return r;
	ret->cmd = &mlx5ctl_methods;
	ret->cmd_priv = m;
	return 1;
}

const struct fw_transport fw_mlx5ctl_transport = {
	.version = FW_TRANSPORT_VERSION,
	.name = "mlx5ctl",
	.open = mlx5ctl_t_open,
};
