/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/emu/emu.c: the device spec and its errors, the
 * command dispatcher (unknown commands, QUERY_HCA_CAP) and the injected
 * faults, driven through emu_cmd() with mailboxes built byte by byte.
 */
#include "config.h"

#include "emu-test.h"

START_TEST(test_spec_ok)
{
	struct emu *e = mk("emu:cx6dx,seed=7,pci=0000:3B:00.1,rate=100,fail=MGIR:BAD_PARAM,short=tracer");
	const struct emu_identity *id = emu_identity(e);

	ck_assert_str_eq(id->profile, "cx6dx");
	ck_assert_str_eq(id->pci, "0000:3b:00.1");
	ck_assert_uint_eq(id->vendor_id, 0x15b3);
	ck_assert_uint_eq(id->device_id, 0x101d);
	ck_assert_str_eq(id->psid, "MT_0000000359");
	ck_assert_str_eq(id->fw_version, "22.39.2048");
	ck_assert_str_eq(id->driver, "mlx5_core");
	emu_free(e);
	e = mk("emu");
	ck_assert_str_eq(emu_identity(e)->profile, "cx7");
	ck_assert_uint_eq(emu_identity(e)->device_id, 0x1021);
	emu_free(e);
	e = mk("emu,seed=1");
	emu_free(e);
	e = mk("emu:cx5");
	ck_assert_uint_eq(emu_identity(e)->device_id, 0x1017);
	ck_assert_uint_eq(emu_identity(e)->subsys_device_id, 0x0008);
	emu_free(e);
}
END_TEST

START_TEST(test_spec_errors)
{
	static const struct {
		const char *spec, *needle;
	} bad[] = {
		{ "emu:cx9", "'cx9'" },
		{ "emu,bogus=1", "'bogus'" },
		{ "emu,seed=abc", "seed" },
		{ "emu,seed", "'seed'" },
		{ "emu,fail=NOPE", "'NOPE'" },
		{ "emu,fail=MGIR:XYZ", "'XYZ'" },
		{ "emu,fail=MGIR:0", "status" },
		{ "emu,fail=MGIR:3:zz", "syndrome" },
		{ "emu,timeout=MGIR:3", "'timeout'" },
		{ "emu,busy=", "busy" },
		{ "emu,pci=zz", "pci" },
		{ "emu,pci=0000:08:00.9", "pci" },
		{ "emu,rate=-1", "rate" },
		{ "emu,rate=999999999999", "rate" },
		{ "emu,fatal-after=x", "fatal-after" },
		{ "emu,synd=0", "synd" },
		{ "emu,owner=me", "owner" },
		{ "emu,history=9999999", "history" },
		{ "emu,crspace=/nonexistent/x.csv", "x.csv" },
		{ "emux", "emux" },
		{ "mlx5", "mlx5" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct emu *e = NULL;

		ck_assert_msg(emu_new(ctx, bad[i].spec, &e) < 0, "'%s' accepted", bad[i].spec);
		ck_assert_ptr_null(e);
		ck_assert_msg(strstr(fw_ctx_errmsg(ctx), bad[i].needle), "'%s': message '%s' lacks '%s'",
			      bad[i].spec, fw_ctx_errmsg(ctx), bad[i].needle);
	}
}
END_TEST

START_TEST(test_bad_commands)
{
	struct emu *e = mk("emu:cx7");
	uint8_t in[64] = { 0 }, out[64];

	fw_put_be16(in, 0x0fff);
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), 0);
	ck_assert_uint_eq(out[0], MLX5_STAT_BAD_OP);
	ck_assert_uint_ne(fw_get_be32(out + 4), 0);
	fw_put_be16(in, MLX5_CMD_ACCESS_REG);
	ck_assert_int_eq(emu_cmd(e, in, 8, out, 16), 0);
	ck_assert_uint_eq(out[0], MLX5_STAT_BAD_INP_LEN);
	fw_put_be16(in + 10, 0x1234);
	ck_assert_int_eq(emu_cmd(e, in, 32, out, 32), 0);
	ck_assert_uint_eq(out[0], MLX5_STAT_BAD_PARAM);
	ck_assert_int_eq(emu_cmd(e, in, 32, out, 8), -EINVAL);
	fw_put_be16(in, MLX5_CMD_NOP);
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), 0);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(emu_command_count(e), 4);
	emu_free(e);
}
END_TEST

START_TEST(test_hca_caps)
{
	struct emu *e = mk("emu:cx6dx");
	uint8_t in[16] = { 0 }, *out = malloc(16 + 4096);

	fw_put_be16(in, MLX5_CMD_QUERY_HCA_CAP);
	fw_put_be16(in + 6, (0x0 << 1) | 1);
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16 + 4096), 0);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(fw_get_be32(out + 16 + 212), 0x7);               /* uctx_cap */
	ck_assert_uint_eq(fw_get_be32(out + 16 + 156), 1000000);           /* device_frequency_khz */
	ck_assert_uint_eq(fw_mlx5_get(out + 16, 48 * 8 + 3, 1), 1);        /* debug */
	ck_assert_uint_eq(fw_mlx5_get(out + 16, 52 * 8 + 9, 1), 1);        /* mcam_reg */
	fw_put_be16(in + 6, (0xd << 1) | 1);
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16 + 4096), 0);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[16] >> 7, 1);                                /* core_dump_general */
	ck_assert_uint_eq(fw_mlx5_get(out + 16, 9, 1), 1);                 /* resource_dump */
	fw_put_be16(in + 6, (0x3f << 1));
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16 + 4096), 0);
	ck_assert_uint_eq(out[0], MLX5_STAT_BAD_PARAM);
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 64), 0);
	ck_assert_uint_eq(out[0], MLX5_STAT_BAD_OUTP_LEN);
	free(out);
	emu_free(e);
}
END_TEST

START_TEST(test_faults)
{
	struct emu *e = mk("emu:cx7,fail=MGIR:BAD_SYS_STATE:0x1234,fail=tracer,timeout=PDDR,busy=resdump,short=MCAM,"
			   "fail=QUERY_HCA_CAP:0x5");
	uint8_t out[160], in[16] = { 0 }, big[16 + 4096];
	uint32_t synd;

	ck_assert_int_eq(reg_op(e, MLX5_REG_MGIR, false, NULL, 0, out, 160, &synd), MLX5_STAT_BAD_SYS_STATE);
	ck_assert_uint_eq(synd, 0x1234);
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CAP, false, NULL, 0, out, 128, &synd), MLX5_STAT_INT_ERR);
	ck_assert_uint_ne(synd, 0);
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_STDB, true, NULL, 0, out, 128, NULL), MLX5_STAT_INT_ERR);
	ck_assert_int_eq(reg_op(e, MLX5_REG_PDDR, false, NULL, 0, out, 64, NULL), -ETIMEDOUT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "timeout=PDDR"));
	ck_assert_int_eq(reg_op(e, MLX5_REG_RESOURCE_DUMP, false, NULL, 0, out, 64, NULL), -EBUSY);
	{
		uint8_t mb[16] = { 0 }, ob[16 + 72];

		fw_put_be16(mb, MLX5_CMD_ACCESS_REG);
		fw_put_be16(mb + 6, 1);
		fw_put_be16(mb + 10, MLX5_REG_MCAM);
		ck_assert_int_eq(emu_cmd(e, mb, 16, ob, sizeof(ob)), 16 + 36);   /* a short reply */
		ck_assert_uint_eq(ob[0], 0);
	}
	ck_assert_int_eq(reg_op(e, MLX5_REG_MCAM, false, NULL, 0, out, 72, NULL), 0);
	ck_assert_uint_eq(emu_last_outlen(e), 16 + 36);
	ck_assert_uint_eq(out[15] & 0xf, 0xf);                   /* first half kept */
	ck_assert_uint_eq(fw_get_be32(out + 0x34), 0);           /* second half lost */
	ck_assert_int_eq(reg_op(e, MLX5_REG_PTYS, false, NULL, 0, out, 64, NULL), 0);   /* untouched */
	fw_put_be16(in, MLX5_CMD_QUERY_HCA_CAP);
	ck_assert_int_eq(emu_cmd(e, in, 16, big, sizeof(big)), 0);
	ck_assert_uint_eq(big[0], 5);
	emu_free(e);
	/* all: every command */
	e = mk("emu,fail=all:BAD_OP");
	fw_put_be16(in, MLX5_CMD_NOP);
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), 0);
	ck_assert_uint_eq(out[0], MLX5_STAT_BAD_OP);
	emu_free(e);
}
END_TEST

static Suite *emu_suite(void)
{
	Suite *s = suite_create("emu");
	TCase *tc = tcase_create("emu");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_spec_ok);
	tcase_add_test(tc, test_spec_errors);
	tcase_add_test(tc, test_bad_commands);
	tcase_add_test(tc, test_hca_caps);
	tcase_add_test(tc, test_faults);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(emu_suite());
}
