/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * uapi-fwctl: the fwctl character-device ABI (Linux 6.15+) and the mlx5
 * driver's info block.  Restated from the kernel's include/uapi/fwctl/fwctl.h
 * and include/uapi/fwctl/mlx5.h (Linux 6.15), not copied; the static asserts
 * pin sizes, offsets and ioctl numbers to the values those headers give on
 * x86-64, so a mistake fails the build.
 *
 * fwctl structs are "extensible": the first u32 is the size the caller
 * passes, and the ioctl number encodes no size (_IO).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ioctl.h>

#define FW_FWCTL_TYPE           0x9a
#define FW_FWCTL_MAX_RPC_LEN    (2u << 20)     /* MAX_RPC_LEN = SZ_2M in fwctl core */

enum fw_fwctl_device_type {
	FW_FWCTL_DEVICE_TYPE_ERROR = 0,
	FW_FWCTL_DEVICE_TYPE_MLX5 = 1,
	FW_FWCTL_DEVICE_TYPE_CXL = 2,
	FW_FWCTL_DEVICE_TYPE_PDS = 4,
};

enum fw_fwctl_rpc_scope {
	FW_FWCTL_RPC_CONFIGURATION = 0,
	FW_FWCTL_RPC_DEBUG_READ_ONLY = 1,
	FW_FWCTL_RPC_DEBUG_WRITE = 2,          /* taints the kernel: never used by fwbox */
	FW_FWCTL_RPC_DEBUG_WRITE_FULL = 3,     /* taints, needs CAP_SYS_RAWIO: never used */
};

struct fw_fwctl_info {
	uint32_t size;
	uint32_t flags;              /* must be 0 */
	uint32_t out_device_type;
	uint32_t device_data_len;    /* in: buffer length; out: driver data length */
	uint64_t out_device_data;    /* user pointer */
};

struct fw_fwctl_rpc {
	uint32_t size;
	uint32_t scope;
	uint32_t in_len;
	uint32_t out_len;            /* in: buffer size; out: response length */
	uint64_t in;
	uint64_t out;
};

/* FWCTL_INFO device data for FWCTL_DEVICE_TYPE_MLX5. */
struct fw_fwctl_info_mlx5 {
	uint32_t uid;                /* firmware UID stamped into every command */
	uint32_t uctx_caps;          /* 0x4 (TOOLS_RESOURCES) or 0 */
};

#define FW_FWCTL_INFO  _IO(FW_FWCTL_TYPE, 0)
#define FW_FWCTL_RPC   _IO(FW_FWCTL_TYPE, 1)

static_assert(sizeof(struct fw_fwctl_info) == 24, "fwctl_info is 24 bytes");
static_assert(offsetof(struct fw_fwctl_info, out_device_type) == 8, "fwctl_info.out_device_type @8");
static_assert(offsetof(struct fw_fwctl_info, device_data_len) == 12, "fwctl_info.device_data_len @12");
static_assert(offsetof(struct fw_fwctl_info, out_device_data) == 16, "fwctl_info.out_device_data @16");
static_assert(sizeof(struct fw_fwctl_rpc) == 32, "fwctl_rpc is 32 bytes");
static_assert(offsetof(struct fw_fwctl_rpc, scope) == 4, "fwctl_rpc.scope @4");
static_assert(offsetof(struct fw_fwctl_rpc, in_len) == 8, "fwctl_rpc.in_len @8");
static_assert(offsetof(struct fw_fwctl_rpc, out_len) == 12, "fwctl_rpc.out_len @12");
static_assert(offsetof(struct fw_fwctl_rpc, in) == 16, "fwctl_rpc.in @16");
static_assert(offsetof(struct fw_fwctl_rpc, out) == 24, "fwctl_rpc.out @24");
static_assert(sizeof(struct fw_fwctl_info_mlx5) == 8, "fwctl_info_mlx5 is 8 bytes");
static_assert(FW_FWCTL_INFO == 0x9a00u, "FWCTL_INFO");
static_assert(FW_FWCTL_RPC == 0x9a01u, "FWCTL_RPC");
