/* SPDX-License-Identifier: MIT */
/*
 * fwctl: /dev/fwctl/fwctlN (Linux 6.15+).  We check at open that the node
 * belongs to an mlx5 device (FWCTL_INFO device type) and read its UID and
 * uctx_caps.  Every RPC is sent with scope DEBUG_READ_ONLY: the kernel then
 * refuses (EBADMSG) anything outside its read-only list, a second fence
 * behind our own allowlist; the write scopes, which taint the kernel, are
 * never used.
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
#include "device/uapi-fwctl.h"

static_assert(FW_FWCTL_MAX_RPC_LEN == FW_LIMIT_FWCTL_RPC, "limit matches fwctl core");

#define MBOX_HDR 16u

struct fw_fwctl {
	struct fw_ctx *ctx;
	int fd;
	char *path;
	uint32_t uid, uctx_caps;
};

int fw_fwctl_open(struct fw_ctx *ctx, const char *path, struct fw_fwctl **ret)
{
	struct fw_fwctl *f;
	struct fw_fwctl_info info;
	struct fw_fwctl_info_mlx5 mlx5;
	int r;

	f = calloc(1, sizeof(*f));
	if (!f)
		return fw_error(ctx, -ENOMEM, "fwctl: out of memory");
	f->ctx = ctx;
	f->fd = -1;
	f->path = strdup(path);
	if (!f->path) {
		r = fw_error(ctx, -ENOMEM, "fwctl: out of memory");
		goto err_free;
	}
	f->fd = open(path, O_RDWR | O_CLOEXEC);
	if (f->fd < 0) {
		r = fw_kernel_error(ctx, -errno, "fwctl", "open", path);
		goto err_free;
	}
	memset(&info, 0, sizeof(info));
	memset(&mlx5, 0, sizeof(mlx5));
	info.size = sizeof(info);
	info.device_data_len = sizeof(mlx5);
	info.out_device_data = (uint64_t)(uintptr_t)&mlx5;
	if (ioctl(f->fd, FW_FWCTL_INFO, &info) < 0) {
		r = fw_kernel_error(ctx, -errno, "fwctl", "FWCTL_INFO", path);
		goto err_close;
	}
	if (info.out_device_type != FW_FWCTL_DEVICE_TYPE_MLX5) {
		r = fw_error(ctx, -ENODEV,
			     "fwctl '%s': device type %u is not mlx5 (%u); pick the fwctl node of a ConnectX function (fwbox devices)",
			     path, info.out_device_type, FW_FWCTL_DEVICE_TYPE_MLX5);
		goto err_close;
	}
	if (info.device_data_len < sizeof(mlx5)) {
		r = fw_error(ctx, -EBADMSG,
			     "fwctl '%s': FWCTL_INFO returned %u bytes of mlx5 data, expected %zu",
			     path, info.device_data_len, sizeof(mlx5));
		goto err_close;
	}
	f->uid = mlx5.uid;
	f->uctx_caps = mlx5.uctx_caps;
	*ret = f;
	return 0;

err_close:
	close(f->fd);
err_free:
	free(f->path);
	free(f);
	return r;
}

void fw_fwctl_close(struct fw_fwctl *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

void fw_fwctl_ident(const struct fw_fwctl *f, uint32_t *ret_uid, uint32_t *ret_uctx_caps)
{
	*ret_uid = f->uid;
	*ret_uctx_caps = f->uctx_caps;
}

int fw_fwctl_rpc(struct fw_fwctl *f, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct fw_fwctl_rpc rpc;

	if (inlen < MBOX_HDR || outlen < MBOX_HDR)
		return fw_error(f->ctx, -EINVAL,
				"fwctl '%s': inbox %zu / outbox %zu bytes, the command header needs %u",
				f->path, inlen, outlen, MBOX_HDR);
	if (inlen > FW_LIMIT_FWCTL_RPC || outlen > FW_LIMIT_FWCTL_RPC)
		return fw_error(f->ctx, -EOVERFLOW,
				"fwctl '%s': inbox %zu / outbox %zu bytes exceed FW_LIMIT_FWCTL_RPC (%u); split the command",
				f->path, inlen, outlen, FW_LIMIT_FWCTL_RPC);
	memset(&rpc, 0, sizeof(rpc));
	rpc.size = sizeof(rpc);
	rpc.scope = FW_FWCTL_RPC_DEBUG_READ_ONLY;
	rpc.in_len = (uint32_t)inlen;
	rpc.out_len = (uint32_t)outlen;
	rpc.in = (uint64_t)(uintptr_t)in;
	rpc.out = (uint64_t)(uintptr_t)out;
	if (ioctl(f->fd, FW_FWCTL_RPC, &rpc) < 0)
		return fw_kernel_error(f->ctx, -errno, "fwctl", "FWCTL_RPC", f->path);
	/* The kernel copies min(out_len, response) bytes; a short response
	 * leaves stale bytes in our buffer, so clear what it did not write. */
	if (rpc.out_len < outlen) {
		memset((uint8_t *)out + rpc.out_len, 0, outlen - rpc.out_len);
		/* The command methods' contract: a short reply returns its length. */
		return (int)rpc.out_len;
	}
	return 0;
}

/* --- fwctl as the command part of a device --- */

static void fwctl_m_close(void *priv)
{
	fw_fwctl_close(priv);
}

static int fwctl_m_info(void *priv, struct fw_device_info *info)
{
	snprintf(info->transport, sizeof(info->transport), "fwctl");
	fw_fwctl_ident(priv, &info->uid, &info->uctx_caps);
	info->max_rpc = FW_LIMIT_FWCTL_RPC;
	return 0;
}

static int fwctl_m_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	return fw_fwctl_rpc(priv, in, inlen, out, outlen);
}

/* No user memory: fwctl has no registration ioctl. */
static const struct fw_cmd_methods fwctl_methods = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "fwctl",
	.close = fwctl_m_close,
	.info = fwctl_m_info,
	.rpc = fwctl_m_rpc,
};

/* A node under /dev/fwctl/, or the fwctl node discovery found for the
 * function. */
static int fwctl_t_open(struct fw_ctx *ctx, const struct fw_target *t, bool want_cmd,
			bool want_health, struct fw_device_parts *ret)
{
	struct fw_fwctl *f;
	char *real;
	int r;

	(void)want_health;
	if (!want_cmd)
		return 0;
	r = fw_target_cmd_node(ctx, t, FW_IFACE_FWCTL, &real);
	if (r <= 0)
		return r;
	r = fw_fwctl_open(ctx, real, &f);
	free(real);
	if (r < 0)
		return r;
	ret->cmd = &fwctl_methods;
	ret->cmd_priv = f;
	return 1;
}

const struct fw_transport fw_fwctl_transport = {
	.version = FW_TRANSPORT_VERSION,
	.name = "fwctl",
	.open = fwctl_t_open,
};
