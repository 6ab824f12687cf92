/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/bytes.h"
#include "gate-tests.h"
#include "testutil.h"

static void access_reg(uint8_t *in, size_t inlen, uint16_t op_mod, uint16_t reg)
{
	memset(in, 0, inlen);
	fw_put_be16(in, 0x805);
	fw_put_be16(in + 6, op_mod);
	fw_put_be16(in + 10, reg);
}

void gate_roundtrip(struct fw_ctx *ctx, const char *node, struct mockdev *md)
{
	struct fw_device *dev;
	struct fw_device_open_opts opts = { .sysroot = "" };
	struct emu *twin;
	uint8_t in[16 + 160], out[16 + 160], want[16 + 160];
	unsigned rpcs = mockdev_log(md)->rpcs;

	tu_assert_ok(ctx, fw_device_open_with(ctx, node, &opts, &dev));
	tu_assert_ok(ctx, emu_new(ctx, GATE_EMU_SPEC, &twin));
	access_reg(in, sizeof(in), 1, 0x9020);          /* MGIR read */
	tu_assert_ok(ctx, fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)));
	ck_assert_uint_eq(mockdev_log(md)->rpcs, rpcs + 1);
	/* The firmware saw the UID the driver stamps, not ours. */
	ck_assert_uint_eq(mockdev_log(md)->last_uid, MOCKDEV_UID);
	fw_put_be16(in + 2, MOCKDEV_UID);
	tu_assert_ok(ctx, emu_cmd(twin, in, sizeof(in), want, sizeof(want)));
	ck_assert_uint_eq(out[0], 0);                    /* status OK */
	ck_assert_mem_eq(out, want, sizeof(out));
	emu_free(twin);
	fw_device_close(dev);
}

void gate_refuses(struct fw_ctx *ctx, const char *node, struct mockdev *md)
{
	struct fw_device *dev;
	struct fw_device_open_opts opts = { .sysroot = "" };
	uint8_t in[16 + 16], out[16 + 16];
	unsigned ioctls;

	tu_assert_ok(ctx, fw_device_open_with(ctx, node, &opts, &dev));
	ioctls = mockdev_log(md)->ioctls;

	access_reg(in, sizeof(in), 0, 0x5012);          /* ACCESS_REG write of PMAOS */
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
	memset(in, 0, sizeof(in));
	fw_put_be16(in, 0x109);                         /* SET_HCA_CAP */
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
	fw_put_be16(in, 0x200);                         /* CREATE_MKEY */
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
	/* Not one of them reached the node. */
	ck_assert_uint_eq(mockdev_log(md)->ioctls, ioctls);

	access_reg(in, sizeof(in), 1, 0x5012);          /* the PMAOS read is allowed */
	ck_assert_int_ge(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), 16);
	ck_assert_uint_eq(mockdev_log(md)->ioctls, ioctls + 1);
	ck_assert_uint_eq(mockdev_log(md)->last_opcode, 0x805);
	fw_device_close(dev);
}
