/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/device/fwctl.c: the real open()/ioctl() code against
 * a fake /dev/fwctl/fwctl0 served by umockdev (tests/unit/mockdev.c), plus
 * the ABI numbers and sizes of include/uapi/fwctl/fwctl.h and mlx5.h.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/transports.h"
#include "device/uapi-fwctl.h"
#include "fakefw.h"
#include "gate-tests.h"
#include "mockdev.h"
#include "testutil.h"

#define NODE "/dev/fwctl/fwctl0"

static struct fw_ctx *ctx;
static struct mockdev *md;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	md = mockdev_new(MOCKDEV_FWCTL, NODE, fakefw_cmd, NULL);
	ck_assert_ptr_nonnull(md);
}

static void teardown(void)
{
	mockdev_free(md);
	fw_ctx_free(ctx);
}

static void access_reg_read(uint8_t *in, size_t inlen, uint16_t reg)
{
	memset(in, 0, inlen);
	fw_put_be16(in, 0x805);
	fw_put_be16(in + 6, 1);
	fw_put_be16(in + 10, reg);
}

START_TEST(test_abi_values)
{
	ck_assert_uint_eq(FW_FWCTL_INFO, 0x9a00u);
	ck_assert_uint_eq(FW_FWCTL_RPC, 0x9a01u);
	ck_assert_uint_eq(sizeof(struct fw_fwctl_info), 24);
	ck_assert_uint_eq(sizeof(struct fw_fwctl_rpc), 32);
	ck_assert_uint_eq(sizeof(struct fw_fwctl_info_mlx5), 8);
	ck_assert_uint_eq(FW_FWCTL_DEVICE_TYPE_MLX5, 1);
	ck_assert_uint_eq(FW_FWCTL_RPC_DEBUG_READ_ONLY, 1);
	ck_assert_uint_eq(FW_FWCTL_MAX_RPC_LEN, 2u << 20);
}
END_TEST

START_TEST(test_open_info)
{
	struct fw_fwctl *f;
	uint32_t uid, caps;

	tu_assert_ok(ctx, fw_fwctl_open(ctx, NODE, &f));
	ck_assert_uint_eq(mockdev_log(md)->ioctls, 1);
	ck_assert_uint_eq(mockdev_log(md)->last_request, FW_FWCTL_INFO);
	fw_fwctl_ident(f, &uid, &caps);
	ck_assert_uint_eq(uid, MOCKDEV_UID);
	ck_assert_uint_eq(caps, MOCKDEV_UCTX_CAPS);
	fw_fwctl_close(f);
}
END_TEST

START_TEST(test_not_mlx5)
{
	struct fw_fwctl *f;

	mockdev_set_device_type(md, FW_FWCTL_DEVICE_TYPE_CXL);
	ck_assert_int_eq(fw_fwctl_open(ctx, NODE, &f), -ENODEV);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "not mlx5"));
}
END_TEST

START_TEST(test_rpc_read_only_scope)
{
	struct fw_fwctl *f;
	uint8_t in[32], out[16 + 16 + 64];

	tu_assert_ok(ctx, fw_fwctl_open(ctx, NODE, &f));
	access_reg_read(in, sizeof(in), 0x9020);
	tu_assert_ok(ctx, fw_fwctl_rpc(f, in, sizeof(in), out, sizeof(out)));
	ck_assert_uint_eq(mockdev_log(md)->last_request, FW_FWCTL_RPC);
	ck_assert_uint_eq(mockdev_log(md)->last_scope, FW_FWCTL_RPC_DEBUG_READ_ONLY);
	ck_assert_uint_eq(mockdev_log(md)->last_opcode, 0x805);
	ck_assert_uint_eq(mockdev_log(md)->last_uid, MOCKDEV_UID);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(fw_get_be32(out + 16), 0x9020);
	ck_assert_uint_eq(fw_get_be32(out + 20), FAKEFW_MAGIC);
	for (size_t i = 24; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], (uint8_t)(i * 7));
	fw_fwctl_close(f);
}
END_TEST

START_TEST(test_rpc_large)
{
	struct fw_fwctl *f;
	uint8_t in[32];
	size_t len = 1u << 20, bad = 0;
	uint8_t *out = malloc(len);

	tu_assert_ok(ctx, fw_fwctl_open(ctx, NODE, &f));
	access_reg_read(in, sizeof(in), 0xc000);
	tu_assert_ok(ctx, fw_fwctl_rpc(f, in, sizeof(in), out, len));
	for (size_t i = 24; i < len; i++)
		bad += out[i] != (uint8_t)(i * 7);
	ck_assert_uint_eq(bad, 0);
	free(out);
	fw_fwctl_close(f);
}
END_TEST

START_TEST(test_rpc_bounds)
{
	struct fw_fwctl *f;
	uint8_t in[32], out[32];
	unsigned before;

	tu_assert_ok(ctx, fw_fwctl_open(ctx, NODE, &f));
	before = mockdev_log(md)->ioctls;
	access_reg_read(in, sizeof(in), 0x9020);
	ck_assert_int_eq(fw_fwctl_rpc(f, in, 15, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(fw_fwctl_rpc(f, in, sizeof(in), out, (2u << 20) + 1), -EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "FW_LIMIT_FWCTL_RPC"));
	ck_assert_uint_eq(mockdev_log(md)->ioctls, before);
	fw_fwctl_close(f);
}
END_TEST

START_TEST(test_kernel_errors)
{
	struct fw_fwctl *f;
	uint8_t in[32], out[32];

	mockdev_fail_next(md, ENOTTY);
	ck_assert_int_eq(fw_fwctl_open(ctx, NODE, &f), -ENOTTY);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "wrong ABI"));

	tu_assert_ok(ctx, fw_fwctl_open(ctx, NODE, &f));
	access_reg_read(in, sizeof(in), 0x9020);
	/* The kernel's allowlist refusing a command at DEBUG_READ_ONLY. */
	mockdev_fail_next(md, EBADMSG);
	ck_assert_int_eq(fw_fwctl_rpc(f, in, sizeof(in), out, sizeof(out)), -EPERM);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "DEBUG_READ_ONLY"));
	mockdev_fail_next(md, EMSGSIZE);
	ck_assert_int_eq(fw_fwctl_rpc(f, in, sizeof(in), out, sizeof(out)), -EMSGSIZE);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "2 MiB"));
	mockdev_fail_next(md, EOPNOTSUPP);
	ck_assert_int_eq(fw_fwctl_rpc(f, in, sizeof(in), out, sizeof(out)), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "scope"));
	fw_fwctl_close(f);

	ck_assert_int_eq(fw_fwctl_open(ctx, "/dev/fwctl/fwctl5", &f), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "mlx5_fwctl"));
}
END_TEST

START_TEST(test_select_node)
{
	struct fw_device *dev;
	struct fw_device_info info;
	uint8_t in[32], out[32];
	uint32_t id;

	tu_assert_ok(ctx, fw_device_open(ctx, NODE, &dev));
	tu_assert_ok(ctx, fw_device_info(dev, &info));
	ck_assert_str_eq(info.transport, "fwctl");
	ck_assert_uint_eq(info.uid, MOCKDEV_UID);
	ck_assert_uint_eq(info.uctx_caps, MOCKDEV_UCTX_CAPS);
	ck_assert_uint_eq(info.max_rpc, 2u << 20);
	ck_assert(!info.can_umem);
	access_reg_read(in, sizeof(in), 0x9020);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), (int)sizeof(out));
	ck_assert_uint_eq(fw_get_be32(out + 20), FAKEFW_MAGIC);
	ck_assert_int_eq(fw_device_umem_reg(dev, out, sizeof(out), &id), -EOPNOTSUPP);
	fw_device_close(dev);
	/* The short name stands for the same node. */
	tu_assert_ok(ctx, fw_device_open(ctx, "fwctl0", &dev));
	tu_assert_ok(ctx, fw_device_info(dev, &info));
	ck_assert_str_eq(info.transport, "fwctl");
	fw_device_close(dev);
}
END_TEST

static unsigned warnings;

static void count_warning(void *userdata, enum fw_log_level level, const char *msg)
{
	(void)userdata;
	(void)msg;
	warnings += level == FW_LOG_WARNING;
}

/*
 * A PCI address as the device spec, end to end: discovery in the testbed's
 * sysfs finds both nodes, fwctl is preferred; when fwctl refuses, the
 * selection falls back to mlx5ctl with a warning.
 */
START_TEST(test_select_pci)
{
	struct mockdev *pm;
	struct fw_device *dev;
	struct fw_device_info info;
	uint8_t in[32], out[32];

	/* Replace the fixture's testbed with one that has a PCI function. */
	mockdev_free(md);
	md = NULL;
	pm = mockdev_new_pci("0000:08:00.0", 0x1021, MOCKDEV_NODE_FWCTL | MOCKDEV_NODE_MLX5CTL,
			     fakefw_cmd, NULL);
	ck_assert_ptr_nonnull(pm);
	tu_assert_ok(ctx, fw_device_open(ctx, "08:00.0", &dev));
	tu_assert_ok(ctx, fw_device_info(dev, &info));
	ck_assert_str_eq(info.transport, "fwctl");
	ck_assert_str_eq(info.pci, "0000:08:00.0");
	ck_assert_uint_eq(info.vendor_id, 0x15b3);
	ck_assert_uint_eq(info.device_id, 0x1021);
	ck_assert_uint_eq(info.subsys_device_id, 0x0040);
	ck_assert_str_eq(info.driver, "mlx5_core");
	access_reg_read(in, sizeof(in), 0x9020);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), (int)sizeof(out));
	ck_assert_uint_eq(mockdev_log(pm)->last_scope, FW_FWCTL_RPC_DEBUG_READ_ONLY);
	fw_device_close(dev);

	/* fwctl refuses (e.g. node permissions): mlx5ctl is used instead. */
	fw_ctx_set_log(ctx, count_warning, NULL);
	warnings = 0;
	mockdev_fail_node(pm, "/fwctl/", EACCES);
	tu_assert_ok(ctx, fw_device_open(ctx, "0000:08:00.0", &dev));
	tu_assert_ok(ctx, fw_device_info(dev, &info));
	ck_assert_str_eq(info.transport, "mlx5ctl");
	ck_assert_uint_eq(warnings, 1);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), (int)sizeof(out));
	ck_assert_uint_eq(fw_get_be32(out + 20), FAKEFW_MAGIC);
	fw_device_close(dev);

	/* Both refuse: the error of the last one tried, with its advice. */
	mockdev_fail_node(pm, "/dev/", EPERM);
	ck_assert_int_eq(fw_device_open(ctx, "0000:08:00.0", &dev), -EPERM);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "mlx5ctl"));
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "CAP_SYS_ADMIN"));
	mockdev_free(pm);
}
END_TEST

/* The emulated ConnectX behind the node. */
static struct emu *emu;

static void setup_emu(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_assert_ok(ctx, emu_new(ctx, GATE_EMU_SPEC, &emu));
	md = mockdev_new(MOCKDEV_FWCTL, NODE, fakefw_emu_cmd, emu);
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
	Suite *s = suite_create("fwctl");
	TCase *tc = tcase_create("abi");

	tcase_add_test(tc, test_abi_values);
	suite_add_tcase(s, tc);
	mockdev_reexec(argc, argv);
	tc = tcase_create("ioctl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_info);
	tcase_add_test(tc, test_not_mlx5);
	tcase_add_test(tc, test_rpc_read_only_scope);
	tcase_add_test(tc, test_rpc_large);
	tcase_add_test(tc, test_rpc_bounds);
	tcase_add_test(tc, test_kernel_errors);
	tcase_add_test(tc, test_select_node);
	tcase_add_test(tc, test_select_pci);
	suite_add_tcase(s, tc);
	tc = tcase_create("emu");
	tcase_add_checked_fixture(tc, setup_emu, teardown_emu);
	tcase_add_test(tc, test_emu_roundtrip);
	tcase_add_test(tc, test_gate_refuses);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
