/* SPDX-License-Identifier: MIT */
/*
 * Check suite: the emulator behind the real device layer and command layer
 * (fw_device_open("emu:...") -> the transport table -> emu-device.c's
 * method tables -> allowlist -> emu_cmd), so
 * the three subsystems are proven to agree on bytes, not only each alone.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/device.h"
#include "emu/emu.h"
#include "mlx5/mlx5.h"
#include "ifc/regcat.h"
#include "testutil.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	fw_ctx_free(ctx);
}

/* Open through the transport table, where the emulator registered itself,
 * and the device object with its allowlist gate. */
static int open_emu(const char *spec, struct fw_device **ret)
{
	return fw_device_open(ctx, spec, ret);
}

START_TEST(test_registers_through_device)
{
	struct fw_device *dev;
	struct mlx5_status st;
	uint8_t mgir[160], cap[4096];
	const struct regcat_reg *r = regcat_by_name("MGIR");

	tu_assert_ok(ctx, open_emu("emu:cx6dx,seed=4", &dev));
	tu_assert_ok(ctx, mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir, sizeof(mgir), &st));
	ck_assert_uint_eq(fw_mlx5_get(mgir, regcat_field(r, "hw_dev_id")->bit_off, 16), 0x212);
	ck_assert_mem_eq(mgir + 0x30, "MT_0000000359", 13);
	tu_assert_ok(ctx, mlx5_query_hca_cap(dev, 0xd, true, cap, sizeof(cap), &st));
	ck_assert_uint_eq(cap[0] >> 7, 1);                      /* core_dump_general */
	/* A fault injected in the spec comes back as a firmware status. */
	fw_device_close(dev);
	tu_assert_ok(ctx, open_emu("emu:cx7,fail=MGIR:BAD_SYS_STATE:0x77", &dev));
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir, sizeof(mgir), &st),
			 -EREMOTEIO);
	ck_assert_uint_eq(st.status, MLX5_STAT_BAD_SYS_STATE);
	ck_assert_uint_eq(st.syndrome, 0x77);
	fw_device_close(dev);
	/* A truncated reply is seen as one by the command layer. */
	tu_assert_ok(ctx, open_emu("emu:cx7,short=MGIR", &dev));
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir, sizeof(mgir), &st),
			 -EBADMSG);
	ck_assert_uint_eq(st.out_len, 16 + 80);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_writes_refused_by_allowlist)
{
	struct fw_device *dev;
	struct mlx5_status st;
	uint8_t paos[16] = { 0 }, out[16];

	tu_assert_ok(ctx, open_emu("emu:cx5", &dev));
	/* The emulator would accept this write; the allowlist must not let it out. */
	ck_assert_int_eq(mlx5_access_reg(dev, MLX5_REG_PAOS, MLX5_REG_OP_WRITE, 0, paos, sizeof(paos), out,
					 sizeof(out), &st),
			 -EPERM);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_tracer_and_resdump_through_device)
{
	struct fw_device *dev;
	struct mlx5_status st;
	struct mlx5_tracer_caps caps;
	struct mlx5_resdump_req req = { .segment_type = MLX5_RESDUMP_SEG_MENU };
	void *db[MLX5_STRINGS_DB_SECTIONS] = { 0 };
	size_t dblen[MLX5_STRINGS_DB_SECTIONS] = { 0 };
	void *menu;
	size_t len;
	char *text;

	tu_assert_ok(ctx, open_emu("emu:cx7,seed=2", &dev));
	tu_assert_ok(ctx, mlx5_tracer_query_caps(dev, &caps, NULL, 0, &st));
	ck_assert_uint_eq(caps.num_string_db, 4);
	ck_assert(caps.trace_to_memory);
	tu_assert_ok(ctx, mlx5_strings_db_read_all(dev, &caps, db, dblen, &st));
	{
		struct emu *e;

		/* Same bytes as the emulator's own copy. */
		tu_assert_ok(ctx, emu_new(ctx, "emu:cx7,seed=2", &e));
		for (unsigned s = 0; s < 4; s++) {
			const void *want;
			size_t wlen;

			tu_assert_ok(ctx, emu_strings_db(e, s, &want, &wlen));
			ck_assert_uint_eq(dblen[s], wlen);
			ck_assert_mem_eq(db[s], want, wlen);
			free(db[s]);
		}
		emu_free(e);
	}
	tu_assert_ok(ctx, mlx5_resdump(dev, &req, &menu, &len, &st));
	ck_assert_uint_eq(len, 16 + 20 + 8 + 46 * 52 + 4);
	ck_assert_uint_eq(st.commands, (len + 207) / 208);
	free(menu);
	tu_assert_ok(ctx, fw_device_tracefs_gather(dev, 2, &text, &len));   /* 2 s of emulated tracing */
	ck_assert_ptr_nonnull(strstr(text, "mlx5_fw: 0000:08:00.0 [0x"));
	free(text);
	fw_device_close(dev);
}
END_TEST

static Suite *emu_device_suite(void)
{
	Suite *s = suite_create("emu-device");
	TCase *tc = tcase_create("device");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_registers_through_device);
	tcase_add_test(tc, test_writes_refused_by_allowlist);
	tcase_add_test(tc, test_tracer_and_resdump_through_device);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(emu_device_suite());
}
