/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * uapi-mlx5ctl: the mlx5ctl misc-device ioctl ABI, V4: the last version of
 * the "mlx5 ConnectX control misc driver" series posted to the netdev and
 * linux-kernel lists (2024-02-07, include/uapi/misc/mlx5ctl.h); never merged
 * upstream, carried by out-of-tree drivers, and the header the user-space
 * tool github.com/saeedtx/mlx5ctl builds against (mlx5ctl.h).  Layouts are
 * restated, not copied; the static asserts below pin every size, offset and
 * ioctl number to that header so a mistake fails the build rather than
 * talking the wrong ABI to a driver.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ioctl.h>

#define FW_MLX5CTL_MAGIC        0x5c
#define FW_MLX5CTL_MAX_RPC_SIZE (512u * 512u)   /* 256 KiB, V4 */
#define FW_MLX5CTL_NODE_PREFIX  "mlx5ctl-"      /* /dev/mlx5ctl-mlx5_core.ctl.N */

struct fw_mlx5ctl_info {
	uint16_t uctx_uid;       /* UID the driver allocated for this fd */
	uint16_t reserved1;      /* must be 0 */
	uint32_t uctx_cap;       /* effective UCTX capability bits of this fd */
	uint32_t dev_uctx_cap;   /* the device's HCA_CAP.uctx_cap */
	uint32_t ucap;           /* OR of the opener's capability numbers */
};

struct fw_mlx5ctl_cmdrpc {
	uint64_t in;             /* user pointer to the inbox */
	uint64_t out;            /* user pointer to the outbox */
	uint32_t inlen;
	uint32_t outlen;
};

struct fw_mlx5ctl_umem_reg {
	uint64_t addr;
	uint64_t len;
	uint32_t umem_id;        /* out */
	uint32_t reserved;       /* must be 0 */
};

struct fw_mlx5ctl_umem_unreg {
	uint32_t umem_id;
	uint32_t reserved;       /* must be 0 */
};

#define FW_MLX5CTL_IOCTL_INFO        _IOR(FW_MLX5CTL_MAGIC, 0, struct fw_mlx5ctl_info)
#define FW_MLX5CTL_IOCTL_CMDRPC      _IOWR(FW_MLX5CTL_MAGIC, 1, struct fw_mlx5ctl_cmdrpc)
#define FW_MLX5CTL_IOCTL_UMEM_REG    _IOWR(FW_MLX5CTL_MAGIC, 2, struct fw_mlx5ctl_umem_reg)
#define FW_MLX5CTL_IOCTL_UMEM_UNREG  _IOWR(FW_MLX5CTL_MAGIC, 3, struct fw_mlx5ctl_umem_unreg)

/* The V4 header's values on x86-64. */
static_assert(sizeof(struct fw_mlx5ctl_info) == 16, "mlx5ctl_info is 16 bytes in V4");
static_assert(offsetof(struct fw_mlx5ctl_info, uctx_cap) == 4, "mlx5ctl_info.uctx_cap @4");
static_assert(offsetof(struct fw_mlx5ctl_info, dev_uctx_cap) == 8, "mlx5ctl_info.dev_uctx_cap @8");
static_assert(offsetof(struct fw_mlx5ctl_info, ucap) == 12, "mlx5ctl_info.ucap @12");
static_assert(sizeof(struct fw_mlx5ctl_cmdrpc) == 24, "mlx5ctl_cmdrpc is 24 bytes in V4");
static_assert(offsetof(struct fw_mlx5ctl_cmdrpc, inlen) == 16, "mlx5ctl_cmdrpc.inlen @16");
static_assert(offsetof(struct fw_mlx5ctl_cmdrpc, outlen) == 20, "mlx5ctl_cmdrpc.outlen @20");
static_assert(sizeof(struct fw_mlx5ctl_umem_reg) == 24, "mlx5ctl_umem_reg is 24 bytes in V4");
static_assert(offsetof(struct fw_mlx5ctl_umem_reg, umem_id) == 16, "mlx5ctl_umem_reg.umem_id @16");
static_assert(sizeof(struct fw_mlx5ctl_umem_unreg) == 8, "mlx5ctl_umem_unreg is 8 bytes in V4");
static_assert(FW_MLX5CTL_IOCTL_INFO == 0x80105c00u, "MLX5CTL_IOCTL_INFO (V4)");
static_assert(FW_MLX5CTL_IOCTL_CMDRPC == 0xc0185c01u, "MLX5CTL_IOCTL_CMDRPC (V4)");
static_assert(FW_MLX5CTL_IOCTL_UMEM_REG == 0xc0185c02u, "MLX5CTL_IOCTL_UMEM_REG (V4)");
static_assert(FW_MLX5CTL_IOCTL_UMEM_UNREG == 0xc0085c03u, "MLX5CTL_IOCTL_UMEM_UNREG (V4)");
