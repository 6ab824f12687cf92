/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/emu/emu-regs.c: the register file, every catalog
 * register readable and deterministic, MGIR byte for byte, and the
 * contents derived from profile, seed and index fields.
 */
#include "config.h"

#include "emu-test.h"

START_TEST(test_mgir_golden)
{
	static const struct {
		const char *spec, *psid, *tag;
		uint32_t dev, hw, maj, min, sub, tech, ports;
	} g[] = {
		{ "emu:cx5", "MT_0000000008", "rel-16_35_4030", 0x1017, 0x20d, 16, 35, 4030, 3, 2 },
		{ "emu:cx6dx", "MT_0000000359", "rel-22_39_2048", 0x101d, 0x212, 22, 39, 2048, 3, 2 },
		{ "emu:cx7", "MT_0000000838", "rel-28_39_2048", 0x1021, 0x218, 28, 39, 2048, 4, 1 },
	};

	for (size_t i = 0; i < 3; i++) {
		struct emu *e = mk(g[i].spec);
		uint8_t out[160];

		ck_assert_int_eq(reg_read(e, "MGIR", NULL, out), 0);
		ck_assert_uint_eq(fget("MGIR", out, "device_id"), g[i].dev);
		ck_assert_uint_eq(fget("MGIR", out, "hw_dev_id"), g[i].hw);
		ck_assert_uint_eq(fget("MGIR", out, "extended_major"), g[i].maj);
		ck_assert_uint_eq(fget("MGIR", out, "extended_minor"), g[i].min);
		ck_assert_uint_eq(fget("MGIR", out, "extended_sub_minor"), g[i].sub);
		ck_assert_uint_eq(fget("MGIR", out, "technology"), g[i].tech);
		ck_assert_uint_eq(fget("MGIR", out, "num_ports"), g[i].ports);
		ck_assert_mem_eq(out + 0x30, g[i].psid, strlen(g[i].psid));
		ck_assert_uint_eq(out[0x30 + strlen(g[i].psid)], 0);
		ck_assert_mem_eq(out + 0x80, g[i].tag, strlen(g[i].tag));
		/* Raw bytes, not only through the catalog: extended_major at 0x44. */
		ck_assert_uint_eq(fw_get_be32(out + 0x44), g[i].maj);
		ck_assert_uint_eq(fw_get_be16(out + 2), g[i].dev);
		emu_free(e);
	}
}
END_TEST

START_TEST(test_every_register_readable_and_deterministic)
{
	struct emu *a = mk("emu:cx6dx,seed=42"), *b = mk("emu:cx6dx,seed=42"), *c = mk("emu:cx6dx,seed=43");
	uint8_t oa[512], ob[512], oc[512];

	for (size_t i = 0; i < regcat_count(); i++) {
		const struct regcat_reg *r = regcat_at(i);
		uint8_t in[512] = { 0 };

		if (r->id == MLX5_REG_MTRC_STDB) {
			fw_mlx5_set(in, 8, 24, 64);      /* read_size */
		}
		if (r->id == MLX5_REG_RESOURCE_DUMP)
			fw_put_be16(in + 2, 0xffff);     /* the menu */
		if (r->id == MLX5_REG_CORE_DUMP)
			continue;                        /* needs user memory: tested below */
		ck_assert_msg(reg_op(a, r->id, false, in, r->size, oa, r->size, NULL) == 0, "%s", r->name);
		ck_assert_int_eq(reg_op(b, r->id, false, in, r->size, ob, r->size, NULL), 0);
		ck_assert_msg(memcmp(oa, ob, r->size) == 0, "%s differs for one seed", r->name);
		ck_assert_int_eq(reg_op(c, r->id, false, in, r->size, oc, r->size, NULL), 0);
	}
	ck_assert_int_eq(reg_read(a, "MGIR", NULL, oa), 0);
	ck_assert_int_eq(reg_read(c, "MGIR", NULL, oc), 0);
	ck_assert(fget("MGIR", oa, "manufacturing_base_mac_31_0") != fget("MGIR", oc, "manufacturing_base_mac_31_0"));
	emu_free(a);
	emu_free(b);
	emu_free(c);
}
END_TEST

START_TEST(test_register_contents)
{
	struct emu *e = mk("emu:cx6dx");
	const struct regcat_reg *r;
	uint8_t in[256] = { 0 }, out[256];
	uint32_t synd;

	ck_assert_int_eq(reg_read(e, "MCAM", NULL, out), 0);
	ck_assert_uint_eq(out[15] & 0xf, 0xf);                     /* tracer_registers */
	ck_assert_int_eq(reg_read(e, "PTYS", NULL, out), 0);
	ck_assert_uint_eq(fget("PTYS", out, "proto_mask"), 4);
	ck_assert_uint_eq(fget("PTYS", out, "data_rate_oper"), 1000);
	ck_assert_int_eq(reg_read(e, "PAOS", NULL, out), 0);
	ck_assert_uint_eq(fget("PAOS", out, "oper_status"), 1);
	ck_assert_int_eq(reg_read(e, "MTMP", NULL, out), 0);
	ck_assert_uint_ge(fget("MTMP", out, "temperature"), 44 * 8);
	ck_assert_uint_le(fget("MTMP", out, "temperature"), 72 * 8);
	ck_assert_int_eq(reg_read(e, "DTOR", NULL, out), 0);
	ck_assert_uint_eq(fget("DTOR", out, "full_crdump_to_value"), 60);
	ck_assert_uint_eq(fget("DTOR", out, "full_crdump_to_mult"), 1);
	ck_assert_int_eq(reg_read(e, "NODE_DESC", NULL, out), 0);
	ck_assert_str_eq((char *)out, "MT4125 ConnectX6Dx");

	/* PPCNT counters grow with emulated time. */
	ck_assert_int_eq(reg_read(e, "PPCNT", NULL, out), 0);
	{
		uint32_t before = fget("PPCNT", out, "a_frames_transmitted_ok_low");

		emu_advance(e, 2000000000ull);
		ck_assert_int_eq(reg_read(e, "PPCNT", NULL, out), 0);
		ck_assert_uint_ge(fget("PPCNT", out, "a_frames_transmitted_ok_low") - before, 2 * 81000);
	}
	/* MCIA reads the module EEPROM: vendor name at 148. */
	r = regcat_by_name("MCIA");
	emu_reg_set(r, in, "device_address", 148);
	emu_reg_set(r, in, "size", 16);
	ck_assert_int_eq(reg_read(e, "MCIA", in, out), 0);
	ck_assert_mem_eq(out + 16, "NVIDIA", 6);
	/* Index errors are BAD_PARAM. */
	memset(in, 0, sizeof(in));
	emu_reg_set(regcat_by_name("PTYS"), in, "local_port", 9);
	ck_assert_int_eq(reg_op(e, MLX5_REG_PTYS, false, in, 64, out, 64, &synd), MLX5_STAT_BAD_PARAM);
	ck_assert_uint_ne(synd, 0);
	memset(in, 0, sizeof(in));
	emu_reg_set(regcat_by_name("MCQS"), in, "component_index", 3);
	ck_assert_int_eq(reg_read(e, "MCQS", in, out), 0);
	ck_assert_uint_eq(fget("MCQS", out, "last_index_flag"), 1);
	emu_reg_set(regcat_by_name("MCQS"), in, "component_index", 4);
	ck_assert_int_eq(reg_read(e, "MCQS", in, out), MLX5_STAT_BAD_PARAM);
	emu_free(e);
}
END_TEST

/* PDDR answers the page asked for, laid out as the public layouts say
 * (raw offsets, not only through the catalog): the troubleshooting message
 * at register byte 0x14 (the kernel's page byte 0x0c), the module's vendor
 * at 0x1c and serial at 0x44, its temperature in 1/256 C at 0x54; a page
 * that does not exist is BAD_PARAM. */
START_TEST(test_pddr_pages)
{
	struct emu *e = mk("emu:cx6dx"), *p = mk("emu:cx7,serial=MT9999XYZ01");
	const struct regcat_reg *r = regcat_by_name("PDDR");
	uint8_t in[256] = { 0 }, out[256];

	emu_reg_set(r, in, "local_port", 1);
	ck_assert_int_eq(reg_read(e, "PDDR", in, out), 0);
	ck_assert_uint_eq(out[0x0c], 3);                            /* phy_mngr_fsm_state ACTIVE */
	ck_assert_uint_eq(out[0x09] >> 4, 4);                       /* proto_active Ethernet */
	emu_reg_set(r, in, "page_select", 1);
	ck_assert_int_eq(reg_read(e, "PDDR", in, out), 0);
	ck_assert_uint_eq(out[7], 1);
	ck_assert_uint_eq(fw_get_be16(out + 0x0e), 0);              /* monitor_opcode */
	ck_assert_mem_eq(out + 0x14, "No issue was observed", 22);  /* NUL-terminated */
	ck_assert(memcmp(out + 8 + 0x1c, "No issue", 8) != 0);      /* not at the old page 0x1c */
	emu_reg_set(r, in, "page_select", 3);
	ck_assert_int_eq(reg_read(e, "PDDR", in, out), 0);
	ck_assert_mem_eq(out + 0x1c, "NVIDIA          ", 16);
	ck_assert_mem_eq(out + 0x2c, "MCP1600-C001E30N", 16);
	ck_assert_mem_eq(out + 0x44, "MT2201VS0       ", 16);
	ck_assert_uint_eq(fw_get_be16(out + 0x54) / 256, 38);
	ck_assert_uint_eq(fw_get_be16(out + 0x56), 33000);
	ck_assert_int_eq(reg_read(p, "PDDR", in, out), 0);           /* serial= plants it */
	ck_assert_mem_eq(out + 0x44, "MT9999XYZ01     ", 16);
	emu_reg_set(r, in, "page_select", 2);
	ck_assert_int_eq(reg_read(e, "PDDR", in, out), MLX5_STAT_BAD_PARAM);
	emu_free(e);
	emu_free(p);
}
END_TEST

static Suite *emu_suite(void)
{
	Suite *s = suite_create("emu-regs");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mgir_golden);
	tcase_add_test(tc, test_every_register_readable_and_deterministic);
	tcase_add_test(tc, test_register_contents);
	tcase_add_test(tc, test_pddr_pages);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(emu_suite());
}
