/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/device/mlx5ctl.c: the real open()/ioctl() code
 * against a fake /dev/mlx5ctl-mlx5_core.ctl.0 served by umockdev
 * (tests/unit/mockdev.c), plus the V4 ABI numbers and sizes.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/transports.h"
#include "device/uapi-mlx5ctl.h"
#include "fakefw.h"
#include "gate-tests.h"
#include "mockdev.h"
#include "testutil.h"

#define NODE "/dev/mlx5ctl-mlx5_core.ctl.0"

static struct fw_ctx *ctx;
static struct mockdev *md;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	md = mockdev_new(MOCKDEV_MLX5CTL, NODE, fakefw_cmd, NULL);
	ck_assert_ptr_nonnull(md);
}

static void teardown(void)
{
	mockdev_free(md);
	fw_ctx_free(ctx);
}

/* An ACCESS_REG read (op_mod 1) of register id reg, 16 bytes of data. */
static void access_reg_read(uint8_t *in, size_t inlen, uint16_t reg)
{
	memset(in, 0, inlen);
	fw_put_be16(in, 0x805);
	fw_put_be16(in + 2, 0xffff);           /* the driver must overwrite the UID */
	fw_put_be16(in + 6, 1);
	fw_put_be16(in + 10, reg);
}

START_TEST(test_abi_values)
{
	/* The V4 header's ioctl numbers (x86-64), also pinned by static asserts. */
	ck_assert_uint_eq(FW_MLX5CTL_IOCTL_INFO, 0x80105c00u);
	ck_assert_uint_eq(FW_MLX5CTL_IOCTL_CMDRPC, 0xc0185c01u);
	ck_assert_uint_eq(FW_MLX5CTL_IOCTL_UMEM_REG, 0xc0185c02u);
	ck_assert_uint_eq(FW_MLX5CTL_IOCTL_UMEM_UNREG, 0xc0085c03u);
	ck_assert_uint_eq(sizeof(struct fw_mlx5ctl_info), 16);
	ck_assert_uint_eq(sizeof(struct fw_mlx5ctl_cmdrpc), 24);
	ck_assert_uint_eq(sizeof(struct fw_mlx5ctl_umem_reg), 24);
	ck_assert_uint_eq(sizeof(struct fw_mlx5ctl_umem_unreg), 8);
	ck_assert_uint_eq(FW_MLX5CTL_MAX_RPC_SIZE, 262144);
}
END_TEST

START_TEST(test_open_info)
{
	struct fw_mlx5ctl *m;
	struct fw_mlx5ctl_ident id;

	tu_assert_ok(ctx, fw_mlx5ctl_open(ctx, NODE, &m));
	ck_assert_uint_eq(mockdev_log(md)->ioctls, 1);
	ck_assert_uint_eq(mockdev_log(md)->last_request, FW_MLX5CTL_IOCTL_INFO);
	tu_assert_ok(ctx, fw_mlx5ctl_ident(m, &id));
	ck_assert_uint_eq(id.uid, MOCKDEV_UID);
	ck_assert_uint_eq(id.uctx_cap, MOCKDEV_UCTX_CAPS);
	ck_assert_uint_eq(id.dev_uctx_cap, 0x7);
	ck_assert_uint_eq(id.ucap, 0x1d);
	fw_mlx5ctl_close(m);
}
END_TEST

START_TEST(test_rpc_roundtrip)
{
	struct fw_mlx5ctl *m;
	uint8_t in[32], out[16 + 16 + 64];

	tu_assert_ok(ctx, fw_mlx5ctl_open(ctx, NODE, &m));
	access_reg_read(in, sizeof(in), 0x9020);       /* MGIR */
	memset(out, 0xaa, sizeof(out));
	tu_assert_ok(ctx, fw_mlx5ctl_rpc(m, in, sizeof(in), out, sizeof(out)));
	ck_assert_uint_eq(mockdev_log(md)->last_request, FW_MLX5CTL_IOCTL_CMDRPC);
	ck_assert_uint_eq(mockdev_log(md)->rpcs, 1);
	ck_assert_uint_eq(mockdev_log(md)->last_opcode, 0x805);
	ck_assert_uint_eq(mockdev_log(md)->last_uid, MOCKDEV_UID);
	ck_assert_uint_eq(out[0], 0);                   /* status */
	ck_assert_uint_eq(fw_get_be32(out + 16), 0x9020);
	ck_assert_uint_eq(fw_get_be32(out + 20), FAKEFW_MAGIC);
	for (size_t i = 24; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], (uint8_t)(i * 7));
	/* Our inbox is not modified by the driver's UID stamping. */
	ck_assert_uint_eq(fw_get_be16(in + 2), 0xffff);
	/* A bad status is an answer, not an ioctl error. */
	fw_put_be16(in, 0x999);
	tu_assert_ok(ctx, fw_mlx5ctl_rpc(m, in, sizeof(in), out, sizeof(out)));
	ck_assert_uint_eq(out[0], 0x2);
	ck_assert_uint_eq(fw_get_be32(out + 4), 0x00badc0d);
	fw_mlx5ctl_close(m);
}
END_TEST

START_TEST(test_rpc_max_size)
{
	struct fw_mlx5ctl *m;
	uint8_t in[32];
	uint8_t *out = malloc(FW_MLX5CTL_MAX_RPC_SIZE);
	size_t bad = 0;

	tu_assert_ok(ctx, fw_mlx5ctl_open(ctx, NODE, &m));
	access_reg_read(in, sizeof(in), 0xc000);
	tu_assert_ok(ctx, fw_mlx5ctl_rpc(m, in, sizeof(in), out, FW_MLX5CTL_MAX_RPC_SIZE));
	for (size_t i = 24; i < FW_MLX5CTL_MAX_RPC_SIZE; i++)
		bad += out[i] != (uint8_t)(i * 7);
	ck_assert_uint_eq(bad, 0);
	free(out);
	fw_mlx5ctl_close(m);
}
END_TEST

/* Lengths the driver would refuse never reach the ioctl. */
START_TEST(test_rpc_bounds)
{
	struct fw_mlx5ctl *m;
	uint8_t in[32], out[32];
	unsigned before;

	tu_assert_ok(ctx, fw_mlx5ctl_open(ctx, NODE, &m));
	before = mockdev_log(md)->ioctls;
	access_reg_read(in, sizeof(in), 0x9020);
	ck_assert_int_eq(fw_mlx5ctl_rpc(m, in, 8, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(fw_mlx5ctl_rpc(m, in, sizeof(in), out, 15), -EINVAL);
	ck_assert_int_eq(fw_mlx5ctl_rpc(m, in, FW_MLX5CTL_MAX_RPC_SIZE + 1, out, sizeof(out)),
			 -EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "FW_LIMIT_MLX5CTL_RPC"));
	ck_assert_uint_eq(mockdev_log(md)->ioctls, before);
	fw_mlx5ctl_close(m);
}
END_TEST

START_TEST(test_kernel_errors)
{
	struct fw_mlx5ctl *m;
	uint8_t in[32], out[32];

	/* An older driver (or another node) does not know INFO. */
	mockdev_fail_next(md, ENOTTY);
	ck_assert_int_eq(fw_mlx5ctl_open(ctx, NODE, &m), -ENOTTY);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "wrong ABI"));
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "'" NODE "'"));

	tu_assert_ok(ctx, fw_mlx5ctl_open(ctx, NODE, &m));
	access_reg_read(in, sizeof(in), 0x9020);
	mockdev_fail_next(md, EPERM);
	ck_assert_int_eq(fw_mlx5ctl_rpc(m, in, sizeof(in), out, sizeof(out)), -EPERM);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "CAP_SYS_ADMIN"));
	mockdev_fail_next(md, ENODEV);
	ck_assert_int_eq(fw_mlx5ctl_rpc(m, in, sizeof(in), out, sizeof(out)), -ENODEV);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "removed"));
	/* No umem in this fake driver: the error comes back through the ioctl. */
	uint32_t id;
	ck_assert_int_eq(fw_mlx5ctl_umem_reg(m, in, sizeof(in), &id), -EOPNOTSUPP);
	ck_assert_uint_eq(mockdev_log(md)->last_request, FW_MLX5CTL_IOCTL_UMEM_REG);
	fw_mlx5ctl_close(m);

	ck_assert_int_eq(fw_mlx5ctl_open(ctx, "/dev/mlx5ctl-mlx5_core.ctl.9", &m), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "not loaded"));
}
END_TEST

/* The node path as a device spec, through the transport table. */
START_TEST(test_select_node)
{
	struct fw_device *dev;
	struct fw_device_info info;
	uint8_t in[32], out[32];

	tu_assert_ok(ctx, fw_device_open(ctx, NODE, &dev));
	tu_assert_ok(ctx, fw_device_info(dev, &info));
	ck_assert_str_eq(info.transport, "mlx5ctl");
	ck_assert_uint_eq(info.uid, MOCKDEV_UID);
	ck_assert_uint_eq(info.max_rpc, 262144);
	ck_assert(info.can_umem);
	access_reg_read(in, sizeof(in), 0x9020);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), (int)sizeof(out));
	ck_assert_uint_eq(fw_get_be32(out + 20), FAKEFW_MAGIC);
	fw_device_close(dev);
}
END_TEST

/* The emulated ConnectX behind the node. */
static struct emu *emu;

static void setup_emu(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_assert_ok(ctx, emu_new(ctx, GATE_EMU_SPEC, &emu));
	md = mockdev_new(MOCKDEV_MLX5CTL, NODE, fakefw_emu_cmd, emu);
	ck_assert_ptr_nonnull(md);
}

static void teardown_emu(void)
{
	mockdev_free(md);
	emu_free(emu);
	fw_ctx_free(ctx);
}

START_TEST(test_emu_roundtrip)
{
	gate_roundtrip(ctx, NODE, md);
}
END_TEST

START_TEST(test_gate_refuses)
{
	gate_refuses(ctx, NODE, md);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("mlx5ctl");
	TCase *tc = tcase_create("abi");

	tcase_add_test(tc, test_abi_values);
	suite_add_tcase(s, tc);
	mockdev_reexec(argc, argv);
	tc = tcase_create("ioctl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_info);
	tcase_add_test(tc, test_rpc_roundtrip);
	tcase_add_test(tc, test_rpc_max_size);
	tcase_add_test(tc, test_rpc_bounds);
	tcase_add_test(tc, test_kernel_errors);
	tcase_add_test(tc, test_select_node);
	suite_add_tcase(s, tc);
	tc = tcase_create("emu");
	tcase_add_checked_fixture(tc, setup_emu, teardown_emu);
	tcase_add_test(tc, test_emu_roundtrip);
	tcase_add_test(tc, test_gate_refuses);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
