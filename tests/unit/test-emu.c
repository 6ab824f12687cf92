/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/emu: the emulated ConnectX driven through emu_cmd()
 * with mailboxes built here, byte by byte, as the kernel builds them.
 */
#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bytes.h"
#include "emu/emu-internal.h"
#include "emu/emu.h"
#include "ifc/ifc.h"
#include "ifc/regcat.h"
#include "testutil.h"
#include "trace.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	fw_ctx_free(ctx);
}

static struct emu *mk(const char *spec)
{
	struct emu *e = NULL;

	tu_assert_ok(ctx, emu_new(ctx, spec, &e));
	return e;
}

/* ACCESS_REG: returns the status byte; out gets the register data. */
static int reg_op(struct emu *e, uint16_t id, bool write, const void *data, size_t dlen, uint8_t *out,
		  size_t olen, uint32_t *syndrome)
{
	uint8_t in[16 + 512] = { 0 }, ob[16 + 512];
	int r;

	ck_assert_uint_le(dlen, 512);
	ck_assert_uint_le(olen, 512);
	fw_put_be16(in, MLX5_CMD_ACCESS_REG);
	fw_put_be16(in + 6, write ? 0 : 1);
	fw_put_be16(in + 10, id);
	if (data)
		memcpy(in + 16, data, dlen);
	r = emu_cmd(e, in, 16 + dlen, ob, 16 + olen);
	if (r < 0)
		return r;
	if (out)
		memcpy(out, ob + 16, olen);
	if (syndrome)
		*syndrome = fw_get_be32(ob + 4);
	return ob[0];
}

static int reg_read(struct emu *e, const char *name, const void *in, uint8_t *out)
{
	const struct regcat_reg *r = regcat_by_name(name);

	return reg_op(e, r->id, false, in, r->size, out, r->size, NULL);
}

static uint32_t fget(const char *reg, const uint8_t *buf, const char *field)
{
	return emu_reg_get(regcat_by_name(reg), buf, field);
}

/* ---------------- spec ---------------- */

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

/* ---------------- registers ---------------- */

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

/* ---------------- tracer ---------------- */

static unsigned count_params(const char *fmt)
{
	unsigned n = 0;

	for (const char *p = fmt; *p; p++) {
		if (strncmp(p, "%llx", 4) == 0) {
			n += 2;
			p += 3;
		} else if (*p == '%') {
			n++;
		}
	}
	return n;
}

START_TEST(test_strings_db)
{
	struct emu *e = mk("emu:cx7");
	const struct regcat_reg *cap = regcat_by_name("MTRC_CAP");
	uint8_t out[264];
	unsigned nsec, nformats = 0, nllx = 0, max = 0;

	ck_assert_int_eq(reg_read(e, "MTRC_CAP", NULL, out), 0);
	nsec = emu_reg_get(cap, out, "num_string_db");
	ck_assert_uint_eq(nsec, emu_strings_db_sections(e));
	ck_assert_uint_ge(nsec, 2);
	ck_assert_uint_eq(emu_reg_get(cap, out, "trace_to_memory"), 1);
	ck_assert_uint_eq(emu_reg_get(cap, out, "trace_owner"), 0);     /* the kernel holds it */
	for (unsigned s = 0; s < nsec; s++) {
		char field[40];
		uint32_t size;
		const void *db;
		size_t dblen;
		uint8_t *copy;

		snprintf(field, sizeof(field), "string_db_size_%u", s);
		size = emu_reg_get(cap, out, field);
		ck_assert_uint_eq(size % 64, 0);
		/* Read it the kernel's way: 256-byte chunks, then 64-byte ones, as writes. */
		copy = calloc(1, size);
		for (uint32_t off = 0; off < size;) {
			uint8_t in[128] = { 0 }, o[264];
			uint32_t chunk = size - off >= 256 ? 256 : 64;

			fw_mlx5_set(in, 0, 4, s);
			fw_mlx5_set(in, 8, 24, chunk);
			fw_put_be32(in + 4, off);
			ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_STDB, true, in, sizeof(in), o, 264, NULL), 0);
			memcpy(copy + off, o + 8, chunk);
			off += chunk;
		}
		tu_assert_ok(ctx, emu_strings_db(e, s, &db, &dblen));
		ck_assert_uint_eq(dblen, size);
		ck_assert_mem_eq(copy, db, size);
		for (uint32_t off = 8; off < size; off += (uint32_t)strlen((char *)copy + off) + 1) {
			const char *f = (const char *)copy + off;
			unsigned n;

			if (!*f)
				break;
			n = count_params(f);
			nformats++;
			nllx += strstr(f, "%llx") != NULL;
			max = n > max ? n : max;
		}
		free(copy);
	}
	ck_assert_uint_ge(nformats, 200);
	ck_assert_uint_ge(nllx, 10);
	ck_assert_uint_eq(max, 7);
	/* Out of range STDB read is BAD_PARAM. */
	{
		uint8_t in[128] = { 0 }, o[264];

		fw_mlx5_set(in, 0, 4, 9);
		fw_mlx5_set(in, 8, 24, 256);
		ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_STDB, true, in, sizeof(in), o, 264, NULL), MLX5_STAT_BAD_PARAM);
	}
	emu_free(e);
}
END_TEST

/* Parameter count of the format a string pointer points to; the section
 * table is read from MTRC_CAP once per emulator. */
static int ptr_params(struct emu *e, uint32_t ptr)
{
	static struct emu *cached;
	static uint32_t base[8], size[8];
	const struct regcat_reg *cap = regcat_by_name("MTRC_CAP");

	if (cached != e) {
		uint8_t out[128];

		ck_assert_int_eq(reg_read(e, "MTRC_CAP", NULL, out), 0);
		for (unsigned s = 0; s < emu_strings_db_sections(e); s++) {
			char f[40];

			snprintf(f, sizeof(f), "string_db_base_address_%u", s);
			base[s] = emu_reg_get(cap, out, f);
			snprintf(f, sizeof(f), "string_db_size_%u", s);
			size[s] = emu_reg_get(cap, out, f);
		}
		cached = e;
	}
	for (unsigned s = 0; s < emu_strings_db_sections(e); s++) {
		const void *db;
		size_t len;

		if (ptr > base[s] && ptr < base[s] + size[s]) {
			tu_assert_ok(ctx, emu_strings_db(e, s, &db, &len));
			return (int)count_params((const char *)db + (ptr - base[s]));
		}
	}
	return -1;
}

struct ring_check {
	struct emu *e;
	int want;              /* parameter events still expected */
	uint32_t tmsn, event_id;
	unsigned tdsn;
	uint64_t last_T;
	uint64_t messages, lost, blocks;
	bool synced;
};

static void check_block(struct ring_check *c, const uint8_t *blk)
{
	uint32_t d0 = fw_get_be32(blk + 31 * 8), d1 = fw_get_be32(blk + 31 * 8 + 4);
	uint64_t T = ((uint64_t)(d0 & 0x1fff) << 40) | ((uint64_t)d1 << 8) | (d0 >> 24);

	ck_assert_uint_eq((d0 >> 16) & 0xff, 0xff);      /* every block ends with a timestamp */
	ck_assert_uint_gt(T, c->last_T);
	c->last_T = T;
	c->blocks++;
	for (unsigned i = 0; i < 31; i++) {
		uint32_t w0 = fw_get_be32(blk + 8 * i), w1 = fw_get_be32(blk + 8 * i + 4);
		uint32_t id = (w0 >> 16) & 0xff, tmsn = (w0 >> 3) & 0x1fff, tdsn = w0 & 7;

		if (id == 0xff)
			continue;
		ck_assert_uint_ge(id, EMU_FIRST_STRING_TRACE);
		ck_assert_uint_le(id, EMU_FIRST_STRING_TRACE + EMU_NUM_STRING_TRACE);
		if (tdsn == 0) {
			int n;

			if (c->synced)
				ck_assert_int_eq(c->want, 0);
			n = ptr_params(c->e, w1);
			ck_assert_int_ge(n, 0);
			c->want = n;
			c->tmsn = tmsn;
			c->event_id = id;
			c->tdsn = 0;
			c->synced = true;
			c->messages++;
			c->lost += w0 >> 31;
		} else if (c->synced) {
			ck_assert_int_gt(c->want, 0);
			ck_assert_uint_eq(tmsn, c->tmsn);        /* params share the tmsn */
			ck_assert_uint_eq(id, c->event_id);
			ck_assert_uint_eq(tdsn, c->tdsn + 1);
			c->tdsn = tdsn;
			c->want--;
		}
	}
}

START_TEST(test_tracer_ring)
{
	struct emu *e = mk("emu:cx6dx,owner=none,rate=20000,lost=50,seed=5");
	const struct regcat_reg *conf = regcat_by_name("MTRC_CONF"), *ctrl = regcat_by_name("MTRC_CTRL");
	uint8_t *ring = calloc(1, 256 << 10), in[128] = { 0 }, out[128];
	struct ring_check c = { .e = e };
	uint32_t id, synd;
	uint8_t first[256];

	tu_assert_ok(ctx, emu_umem_reg(e, ring, 256 << 10, &id));
	/* Not the owner yet: CONF is refused. */
	emu_reg_set(conf, in, "trace_mode", 1);
	emu_reg_set(conf, in, "log_trace_buffer_size", 6);
	emu_reg_set(conf, in, "trace_mkey", id);
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CONF, true, in, 128, out, 128, &synd), MLX5_STAT_BAD_RES_STATE);
	/* Take ownership as the kernel does: write trace_owner=1, read it back. */
	{
		uint8_t own[128] = { 0 };

		own[0] = 0x80;
		ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CAP, true, own, 128, out, 128, NULL), 0);
		ck_assert_uint_eq(out[0] >> 7, 1);
	}
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CONF, true, in, 128, out, 128, NULL), 0);
	memset(in, 0, sizeof(in));
	emu_reg_set(ctrl, in, "modify_field_select", 1);
	emu_reg_set(ctrl, in, "trace_status", 1);
	emu_reg_set(ctrl, in, "arm_event", 1);
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CTRL, true, in, 64, out, 64, NULL), 0);
	ck_assert_uint_eq(emu_reg_get(ctrl, out, "trace_status"), 1);

	/* 0.5 s at 20000 events/s = 10000 events = 322 blocks, no wrap yet. */
	emu_advance(e, 500000000ull);
	for (unsigned b = 0; b < 322; b++)
		check_block(&c, ring + 256 * b);
	ck_assert_uint_eq(fw_get_be32(ring + 322 * 256), 0);      /* nothing written past */
	memcpy(first, ring, 256);
	/* 1.5 s more: 30000 events, 967 blocks: the writer wraps past block 0. */
	emu_advance(e, 1500000000ull);
	ck_assert(memcmp(first, ring, 256) != 0);
	/* Oldest block is the one after the newest: walk the ring in order. */
	ck_assert_uint_eq(e->tr.blocks_written, (10000 + 30000) / 31);
	{
		uint32_t newest = (e->tr.write_block + 1023) % 1024;
		struct ring_check c2 = { .e = e };

		for (unsigned k = 1; k <= 1024; k++)
			check_block(&c2, ring + 256 * ((newest + k) % 1024));
		ck_assert_uint_eq(c2.blocks, 1024);
		ck_assert_uint_gt(c2.messages, 2000);
		ck_assert_uint_gt(c2.lost, 0);
	}
	ck_assert_uint_gt(c.lost, 0);
	/* The emulated driver decoded the same blocks. */
	{
		char *text;
		size_t len;
		unsigned lines = 0;

		tu_assert_ok(ctx, emu_tracefs_text(e, &text, &len));
		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		ck_assert_uint_gt(lines, 5000);
		ck_assert_ptr_nonnull(strstr(text, ": mlx5_fw: 0000:08:00.0 [0x"));
		free(text);
	}
	tu_assert_ok(ctx, emu_umem_unreg(e, id));
	free(ring);
	emu_free(e);
}
END_TEST

START_TEST(test_tracer_kernel_owned)
{
	struct emu *e = mk("emu:cx5,rate=1000,history=2000");
	uint8_t own[128] = { 0 }, out[128];
	char *text;
	size_t len;

	/* Two seconds of history at 1000 events/s are already decoded. */
	tu_assert_ok(ctx, emu_tracefs_text(e, &text, &len));
	ck_assert_uint_gt(len, 100 * 40);
	free(text);
	ck_assert_uint_eq(e->tr.blocks_written, 2000 / 31);
	own[0] = 0x80;
	ck_assert_int_eq(reg_op(e, MLX5_REG_MTRC_CAP, true, own, 128, out, 128, NULL), 0);
	ck_assert_uint_eq(out[0] >> 7, 0);                         /* not granted */
	emu_advance(e, 3000000000ull);
	tu_assert_ok(ctx, emu_tracefs_text(e, &text, &len));
	ck_assert_uint_gt(len, 1000);
	free(text);
	emu_free(e);
	/* A day at a high rate stays bounded: only the last laps are made. */
	e = mk("emu:cx5,rate=10000000,tracefs=0,history=0");
	emu_advance(e, 86400ull * 1000000000ull);
	ck_assert_uint_le(e->tr.blocks_written, 4 * 1024 + 1);
	ck_assert_uint_ge(e->tr.blocks_written, 4 * 1024 - 1);
	emu_free(e);
}
END_TEST

struct stream_ctx {
	struct ring_check c;
	uint64_t blocks;
	uint8_t first[256];
};

static int stream_block(void *ud, const void *blk, size_t len)
{
	struct stream_ctx *s = ud;

	ck_assert_uint_eq(len, 256);
	if (s->blocks == 0)
		memcpy(s->first, blk, 256);
	check_block(&s->c, blk);
	s->blocks++;
	return 0;
}

static int stream_stop(void *ud, const void *blk, size_t len)
{
	(void)blk;
	(void)len;
	return ++*(int *)ud == 3 ? -ECANCELED : 0;
}

START_TEST(test_trace_stream_and_text)
{
	struct emu *a = mk("emu:cx7,seed=9,owner=none"), *b = mk("emu:cx7,seed=9,owner=none");
	struct stream_ctx sa = { .c.e = a }, sb = { .c.e = b };
	char *ta, *tb;
	size_t la, lb;
	unsigned lines = 0;
	int n = 0;

	ck_assert_int_eq(emu_trace_stream(a, 3100, stream_block, &sa), 0);
	ck_assert_int_eq(emu_trace_stream(b, 3100, stream_block, &sb), 0);
	ck_assert_uint_eq(sa.blocks, 100);
	ck_assert_mem_eq(sa.first, sb.first, 256);
	tu_assert_ok(ctx, emu_tracefs_text(a, &ta, &la));
	tu_assert_ok(ctx, emu_tracefs_text(b, &tb, &lb));
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(ta, tb, la);
	for (size_t i = 0; i < la; i++)
		lines += ta[i] == '\n';
	/* Every complete message became one line (the last may be cut short). */
	ck_assert_uint_ge(lines + 1, sa.c.messages);
	ck_assert_uint_le(lines, sa.c.messages);
	/* Lines are the kernel's tracepoint format with rendered messages. */
	{
		char *l = strstr(ta, "mlx5_fw: 0000:08:00.0 [0x");
		unsigned long long ts;
		int lost, id;

		ck_assert_ptr_nonnull(l);
		ck_assert_int_eq(sscanf(l, "mlx5_fw: 0000:08:00.0 [0x%llx] %d [0x%x]", &ts, &lost, &id), 3);
		ck_assert_int_ge(id, EMU_FIRST_STRING_TRACE);
		ck_assert_ptr_null(strstr(ta, "%"));
	}
	free(ta);
	free(tb);
	ck_assert_int_eq(emu_trace_stream(a, 1000, stream_stop, &n), -ECANCELED);
	emu_free(a);
	emu_free(b);
}
END_TEST


/* The decoder of parsers/trace.c and the emulated driver must agree on
 * every message of a stream: same count, timestamps, flags and text. */
struct xdec {
	uint8_t *blocks;
	size_t len;
	char *text;            /* emulator's tracefs text, walked line by line */
	const char *cur;
	unsigned matched;
};

static int xdec_block(void *ud, const void *blk, size_t len)
{
	struct xdec *x = ud;

	x->blocks = realloc(x->blocks, x->len + len);
	memcpy(x->blocks + x->len, blk, len);
	x->len += len;
	return 0;
}

static int xdec_event(void *ud, const struct trace_event *ev)
{
	struct xdec *x = ud;
	char msg[512], want[700];
	const char *nl, *p;

	trace_event_render(ev, msg, sizeof(msg));
	p = strstr(x->cur, "mlx5_fw: ");
	ck_assert_ptr_nonnull(p);
	nl = strchr(p, '\n');
	ck_assert_ptr_nonnull(nl);
	snprintf(want, sizeof(want), "mlx5_fw: 0000:08:00.0 [0x%llx] %d [0x%x] %s",
		 (unsigned long long)ev->timestamp, ev->lost ? 1 : 0, ev->event_id, msg);
	ck_assert_msg(strlen(want) == (size_t)(nl - p) && memcmp(want, p, (size_t)(nl - p)) == 0,
		      "decoder '%s' vs emulator '%.*s'", want, (int)(nl - p), p);
	x->cur = nl + 1;
	x->matched++;
	return 0;
}

START_TEST(test_cross_decode_with_parsers)
{
	struct emu *e = mk("emu:cx6dx,seed=11,owner=none,lost=20");
	struct xdec x = { 0 };
	struct trace_cap cap;
	struct trace_strdb *db;
	struct trace_decoder *d;
	uint8_t out[128];
	size_t tlen;
	unsigned lines = 0;

	ck_assert_int_eq(emu_trace_stream(e, 20000, xdec_block, &x), 0);
	ck_assert_int_eq(reg_read(e, "MTRC_CAP", NULL, out), 0);
	tu_assert_ok(ctx, trace_cap_parse(ctx, out, sizeof(out), &cap));
	tu_assert_ok(ctx, trace_strdb_new(ctx, &cap, &db));
	for (unsigned s = 0; s < emu_strings_db_sections(e); s++) {
		const void *data;
		size_t len;

		tu_assert_ok(ctx, emu_strings_db(e, s, &data, &len));
		tu_assert_ok(ctx, trace_strdb_set_section(db, s, data, len));
	}
	tu_assert_ok(ctx, emu_tracefs_text(e, &x.text, &tlen));
	for (size_t i = 0; i < tlen; i++)
		lines += x.text[i] == '\n';
	x.cur = x.text;
	tu_assert_ok(ctx, trace_decoder_new(ctx, db, xdec_event, NULL, &x, &d));
	tu_assert_ok(ctx, trace_decoder_feed(d, x.blocks, x.len));
	tu_assert_ok(ctx, trace_decoder_finish(d));
	ck_assert_uint_eq(x.matched, lines);
	ck_assert_uint_gt(lines, 4000);
	trace_decoder_free(d);
	trace_strdb_free(db);
	free(x.blocks);
	free(x.text);
	emu_free(e);
}
END_TEST

/* ---------------- resource dump, core dump ---------------- */

/* Run one RESOURCE_DUMP inline to the end; returns the stream. */
static uint8_t *resdump(struct emu *e, uint16_t type, uint32_t i1, uint16_t n1, uint16_t n2, size_t *ret_len,
			unsigned *ret_pages)
{
	const struct regcat_reg *r = regcat_by_name("RESOURCE_DUMP");
	uint8_t in[256] = { 0 }, out[256];
	uint8_t *buf = NULL;
	size_t len = 0;
	unsigned pages = 0;

	emu_reg_set(r, in, "segment_type", type);
	emu_reg_set(r, in, "index1", i1);
	emu_reg_set(r, in, "num_of_obj1", n1);
	emu_reg_set(r, in, "num_of_obj2", n2);
	for (;;) {
		uint32_t size, seq_in = emu_reg_get(r, in, "seq_num");

		ck_assert_int_eq(reg_op(e, MLX5_REG_RESOURCE_DUMP, false, in, 256, out, 256, NULL), 0);
		ck_assert_uint_eq(emu_reg_get(r, out, "seq_num"), (seq_in + 1) & 0xf);
		ck_assert_uint_eq(emu_reg_get(r, out, "inline_dump"), 1);
		size = emu_reg_get(r, out, "size");
		ck_assert_uint_le(size, 208);
		buf = realloc(buf, len + size);
		memcpy(buf + len, out + 48, size);
		len += size;
		pages++;
		if (!emu_reg_get(r, out, "more_dump"))
			break;
		ck_assert_uint_eq(size, 208);
		/* Continue with what the reply says, as the kernel does. */
		memcpy(in, out, 48);
	}
	*ret_len = len;
	*ret_pages = pages;
	return buf;
}

static unsigned seg_count(const uint8_t *s, size_t len, uint16_t type)
{
	unsigned n = 0;

	for (size_t off = 0; off + 4 <= len;) {
		uint32_t h = fw_get_be32(s + off);

		ck_assert_uint_gt(h >> 16, 0);
		n += (h & 0xffff) == type;
		off += 4 * (h >> 16);
		ck_assert_uint_le(off, len);
	}
	return n;
}

START_TEST(test_resource_dump)
{
	struct emu *e = mk("emu:cx6dx,crspace=builtin");
	uint8_t *s;
	size_t len;
	unsigned pages;

	s = resdump(e, 0xffff, 0, 0, 0, &len, &pages);
	ck_assert_uint_eq(len, 16 + 20 + 8 + 46 * 52 + 4);
	ck_assert_uint_eq(pages, (len + 207) / 208);
	ck_assert_uint_eq(fw_get_be32(s), (4u << 16) | 0xfffe);           /* INFO first */
	ck_assert_uint_eq(fw_get_be32(s + 16), (5u << 16) | 0xfffa);      /* then COMMAND */
	ck_assert_uint_eq(fw_get_be32(s + 36) & 0xffff, 0xffff);          /* MENU */
	ck_assert_uint_eq(fw_get_be32(s + 40) & 0xffff, 46);
	ck_assert_str_eq((char *)s + 44 + 52 * 6 + 4, "FULL_QPC");
	ck_assert_uint_eq(fw_get_be32(s + len - 4), (1u << 16) | 0xfffb); /* TERMINATE */
	free(s);

	s = resdump(e, 0x1000, 5, 0, 0, &len, &pages);                    /* FULL_QPC 5 */
	ck_assert_uint_eq(seg_count(s, len, 0x1000), 1);
	free(s);
	s = resdump(e, 0x1000, 0x20000, 0, 0, &len, &pages);              /* no such QP */
	ck_assert_uint_eq(seg_count(s, len, 0xfff9), 1);
	free(s);
	s = resdump(e, 0x1001, 5, 0, 0, &len, &pages);                    /* SND_BUFF needs num_of_obj2 */
	ck_assert_uint_eq(seg_count(s, len, 0xfffc), 1);
	free(s);
	s = resdump(e, 0x3001, 0, 0, 0, &len, &pages);                    /* SX_SLICE_ALL */
	ck_assert_uint_eq(seg_count(s, len, 0xfffd), 4);
	free(s);
	s = resdump(e, 0x7000, 0, 0xffff, 0, &len, &pages);               /* all of CR-space */
	{
		uint64_t dw = 0;

		for (size_t off = 0; off < len;) {
			uint32_t h = fw_get_be32(s + off);

			if ((h & 0xffff) == 0x7000)
				dw += fw_get_be32(s + off + 12);
			off += 4 * (h >> 16);
		}
		ck_assert_uint_eq(dw, emu_crspace_dwords(e));
	}
	free(s);
	{
		uint8_t in[256] = { 0 }, out[256];

		fw_put_be16(in + 2, 0x9999);
		ck_assert_int_eq(reg_op(e, MLX5_REG_RESOURCE_DUMP, false, in, 256, out, 256, NULL), MLX5_STAT_BAD_PARAM);
	}
	emu_free(e);
}
END_TEST

START_TEST(test_resource_dump_dma)
{
	struct emu *e = mk("emu:cx7,crspace=builtin");
	const struct regcat_reg *r = regcat_by_name("RESOURCE_DUMP");
	uint8_t *mem = calloc(1, 4096), in[256] = { 0 }, out[256];
	uint32_t id;

	tu_assert_ok(ctx, emu_umem_reg(e, mem, 4096, &id));
	emu_reg_set(r, in, "segment_type", 0xffff);
	emu_reg_set(r, in, "mkey", id);
	emu_reg_set(r, in, "size", 4096);
	emu_reg_set(r, in, "address_63_32", (uint32_t)((uint64_t)(uintptr_t)mem >> 32));
	emu_reg_set(r, in, "address_31_0", (uint32_t)(uintptr_t)mem);
	ck_assert_int_eq(reg_op(e, MLX5_REG_RESOURCE_DUMP, false, in, 256, out, 256, NULL), 0);
	ck_assert_uint_eq(emu_reg_get(r, out, "more_dump"), 0);
	ck_assert_uint_eq(emu_reg_get(r, out, "size"), 16 + 20 + 8 + 46 * 52 + 4);
	ck_assert_uint_eq(fw_get_be32(mem), (4u << 16) | 0xfffe);
	emu_reg_set(r, in, "size", 8192);                                 /* larger than the umem */
	ck_assert_int_eq(reg_op(e, MLX5_REG_RESOURCE_DUMP, false, in, 256, out, 256, NULL), MLX5_STAT_BAD_PARAM);
	free(mem);
	emu_free(e);
}
END_TEST

START_TEST(test_core_dump)
{
	struct emu *e = mk("emu:cx6dx,crspace=builtin");
	const struct regcat_reg *r = regcat_by_name("CORE_DUMP");
	uint8_t *mem = calloc(1, 65536), in[64] = { 0 }, out[64];
	uint64_t pairs = 0;
	uint32_t id, last = 0;
	bool hwid = false;

	tu_assert_ok(ctx, emu_umem_reg(e, mem, 65536, &id));
	emu_reg_set(r, in, "core_dump_type", 2);
	emu_reg_set(r, in, "mkey", id);
	emu_reg_set(r, in, "size", 65536);
	emu_reg_set(r, in, "address_63_32", (uint32_t)((uint64_t)(uintptr_t)mem >> 32));
	emu_reg_set(r, in, "address_31_0", (uint32_t)(uintptr_t)mem);
	for (unsigned iter = 0; iter < 1000; iter++) {
		uint32_t size;

		ck_assert_int_eq(reg_op(e, MLX5_REG_CORE_DUMP, false, in, 64, out, 64, NULL), 0);
		size = emu_reg_get(r, out, "size");
		ck_assert_uint_eq(size % 8, 0);
		for (uint32_t k = 0; k < size; k += 8) {
			uint32_t a = fw_get_be32(mem + k);

			if (pairs)
				ck_assert_uint_gt(a, last);
			last = a;
			if (a == 0xf0014) {
				ck_assert_uint_eq(fw_get_be32(mem + k + 4), 0x212);
				hwid = true;
			}
			pairs++;
		}
		if (!emu_reg_get(r, out, "more_dump"))
			break;
		emu_reg_set(r, in, "cookie_31_0", emu_reg_get(r, out, "cookie_31_0"));
	}
	ck_assert_uint_eq(pairs, emu_crspace_dwords(e));
	ck_assert(hwid);
	/* General dump needs a running tracer; QP dump a QP number. */
	memset(in, 0, sizeof(in));
	ck_assert_int_eq(reg_op(e, MLX5_REG_CORE_DUMP, true, in, 64, out, 64, NULL), 0);
	emu_reg_set(r, in, "core_dump_type", 1);
	ck_assert_int_eq(reg_op(e, MLX5_REG_CORE_DUMP, true, in, 64, out, 64, NULL), MLX5_STAT_BAD_PARAM);
	free(mem);
	emu_free(e);
}
END_TEST

START_TEST(test_crspace_csv)
{
	static const char good[] = "#Addr, Size, Enable addr\n0x000100,4,\n0x000000,16,\n0x000200,2,0x0f0000\n\n";
	static const char *const bad[] = { "0x10,x,\n", "zz,4,\n", "0x2,4,\n", "0x10,0,\n", "0xfffffff0,16,\n" };
	struct emu_cr_range *v;
	size_t n;

	tu_assert_ok(ctx, emu_crspace_parse_csv(ctx, "t.csv", good, sizeof(good) - 1, &v, &n));
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(v[0].addr, 0);
	ck_assert_uint_eq(v[1].addr, 0x100);
	ck_assert_uint_eq(v[2].ndw, 2);
	free(v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(emu_crspace_parse_csv(ctx, "t.csv", bad[i], strlen(bad[i]), &v, &n), -EBADMSG);
		ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "'t.csv' line 1"));
	}
	ck_assert_int_eq(emu_crspace_parse_csv(ctx, "t.csv", "", 0, &v, &n), -EBADMSG);
	/* A sparse map reaching past FW_LIMIT_CRSPACE would make a huge image. */
	ck_assert_int_eq(emu_crspace_parse_csv(ctx, "t.csv", "0xf0000000,1,\n", 13, &v, &n), -EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "FW_LIMIT_CRSPACE"));
}
END_TEST

START_TEST(test_crspace_mstflint)
{
	/* Dword counts of mstdump's lists: the sum of the CSV's sizes (the
	 * reference's table says 95467 for CX6DX; the CSV sums to 95466). */
	static const struct {
		const char *spec, *csv;
		uint64_t dwords;
		uint32_t end;
	} m[] = {
		{ "emu:cx5", "/usr/share/mstflint/ConnectX5.csv", 53741, 0x13fe9c },
		{ "emu:cx6dx", "/usr/share/mstflint/ConnectX6DX.csv", 95466, 0x500c04 },
		{ "emu:cx7", "/usr/share/mstflint/ConnectX7.csv", 230590, 0x9c0160 },
	};

	for (size_t i = 0; i < 3; i++) {
		struct emu *e;

		if (access(m[i].csv, R_OK) != 0)
			continue;
		e = mk(m[i].spec);
		ck_assert_str_eq(emu_crspace_source(e), m[i].csv);
		ck_assert_uint_eq(emu_crspace_dwords(e), m[i].dwords);
		ck_assert_uint_eq(e->cr_end, m[i].end);
		emu_free(e);
	}
}
END_TEST

/* ---------------- faults ---------------- */

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

/* Walk the concatenated fmsg items: names in order, binary bytes. */
struct fmsg_walk {
	char names[4096];
	size_t binary;
	uint32_t first_bin_dword;
	uint8_t last_u8;
	int depth, max_depth;
};

static void fmsg_walk(const uint8_t *buf, size_t len, struct fmsg_walk *w)
{
	size_t off = 0;

	memset(w, 0, sizeof(*w));
	while (off < len) {
		const struct nlattr *a = (const void *)(buf + off);

		ck_assert_uint_ge(len - off, 4);
		ck_assert_uint_ge(a->nla_len, 4);
		ck_assert_uint_le(a->nla_len, len - off);
		{
			switch (mnl_attr_get_type(a)) {
			case 107: case 108: case 109:
				w->depth++;
				w->max_depth = w->depth > w->max_depth ? w->depth : w->max_depth;
				break;
			case 110:
				w->depth--;
				ck_assert_int_ge(w->depth, 0);
				break;
			case 111:
				if (strlen(w->names) + strlen(mnl_attr_get_str(a)) + 2 < sizeof(w->names)) {
					strcat(w->names, mnl_attr_get_str(a));
					strcat(w->names, "|");
				}
				break;
			case 113:
				if (mnl_attr_get_payload_len(a) > 8) {
					if (!w->binary)
						w->first_bin_dword = fw_get_be32(mnl_attr_get_payload(a));
					w->binary += mnl_attr_get_payload_len(a);
				} else if (mnl_attr_get_payload_len(a) == 1) {
					w->last_u8 = mnl_attr_get_u8(a);
				}
				break;
			default:
				break;
			}
		}
		off += MNL_ALIGN(a->nla_len);
	}
	ck_assert_uint_eq(off, len);
	ck_assert_int_eq(w->depth, 0);
}

START_TEST(test_fatal_and_reporters)
{
	struct emu *e = mk("emu:cx6dx,crspace=builtin,fatal-after=3,synd=0x8,rate=5000");
	uint8_t in[16] = { 0 }, out[16];
	struct fmsg_walk w;
	void *d;
	size_t len;

	ck_assert_uint_eq(emu_reporter_count(e), 2);
	ck_assert_str_eq(emu_reporter_at(e, 0)->state, "healthy");
	ck_assert_int_eq(emu_reporter_dump(e, "fw", &d, &len), -ENOENT);
	tu_assert_ok(ctx, emu_reporter_diagnose(e, "fw", &d, &len));
	fmsg_walk(d, len, &w);
	ck_assert_str_eq(w.names, "Syndrome|");
	ck_assert_uint_eq(w.last_u8, 0);
	free(d);
	ck_assert_int_eq(emu_reporter_diagnose(e, "fw_fatal", &d, &len), -EOPNOTSUPP);
	ck_assert_int_eq(emu_reporter_diagnose(e, "tx", &d, &len), -ENOENT);
	tu_assert_ok(ctx, emu_health_buffer(e, &d, &len));
	ck_assert_uint_eq(len, 64);
	ck_assert_uint_eq(((uint8_t *)d)[0x3d], 0);
	ck_assert_uint_eq(fw_get_be32((uint8_t *)d + 0x30), (22u << 24) | (39u << 16) | 2048);
	free(d);

	emu_advance(e, 1000000000ull);
	fw_put_be16(in, MLX5_CMD_NOP);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), 0);
		ck_assert_uint_eq(out[0], 0);
	}
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), -EIO);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "fatal"));

	tu_assert_ok(ctx, emu_health_buffer(e, &d, &len));
	ck_assert_uint_eq(((uint8_t *)d)[0x3d], 0x8);
	ck_assert_uint_eq(((uint8_t *)d)[0x38] >> 7, 1);                  /* rfr */
	free(d);
	/* The fatal path reports fw_fatal only, as poll_health() does. */
	ck_assert_str_eq(emu_reporter_at(e, 0)->state, "healthy");
	ck_assert(!emu_reporter_at(e, 0)->has_dump);
	ck_assert_str_eq(emu_reporter_at(e, 1)->state, "error");
	ck_assert_uint_eq(emu_reporter_at(e, 1)->error_count, 1);
	ck_assert(emu_reporter_at(e, 1)->has_dump);
	ck_assert_int_eq(emu_reporter_dump(e, "fw", &d, &len), -ENOENT);
	tu_assert_ok(ctx, emu_reporter_diagnose(e, "fw", &d, &len));
	fmsg_walk(d, len, &w);
	ck_assert_str_eq(w.names, "Syndrome|Description|");
	ck_assert_ptr_nonnull(memmem(d, len, "unrecoverable hardware error", 28));
	free(d);
	tu_assert_ok(ctx, emu_reporter_dump(e, "fw_fatal", &d, &len));
	fmsg_walk(d, len, &w);
	ck_assert_str_eq(w.names, "syndrome|fw_miss_counter|crdump_data|");
	ck_assert_uint_eq(w.binary, e->cr_end);
	free(d);
	emu_free(e);
}
END_TEST

START_TEST(test_fatal_at_start)
{
	struct emu *e = mk("emu:cx5,crspace=builtin,fatal-after=0,fw-error-after=0");
	uint8_t in[16] = { 0 }, out[16];
	void *d;
	size_t len;

	ck_assert(emu_reporter_at(e, 0)->has_dump);     /* fw error first, then fatal */
	ck_assert(emu_reporter_at(e, 1)->has_dump);
	tu_assert_ok(ctx, emu_reporter_dump(e, "fw_fatal", &d, &len));
	ck_assert_ptr_nonnull(memmem(d, len, "crdump_data", 11));
	free(d);
	fw_put_be16(in, MLX5_CMD_NOP);
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), -EIO);
	emu_free(e);
}
END_TEST

START_TEST(test_fw_error_reporter)
{
	struct emu *e = mk("emu:cx7,crspace=builtin,fw-error-after=2,synd=0x10,rate=3000");
	uint8_t in[16] = { 0 }, out[16];
	const struct emu_saved *sv;
	struct fmsg_walk w;
	size_t len, nsaved;
	void *d;

	emu_advance(e, 1000000000ull);
	fw_put_be16(in, MLX5_CMD_NOP);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), 0);      /* not fatal: still answers */
		ck_assert_uint_eq(out[0], 0);
	}
	ck_assert_str_eq(emu_reporter_at(e, 0)->state, "error");
	ck_assert_str_eq(emu_reporter_at(e, 1)->state, "healthy");
	tu_assert_ok(ctx, emu_health_buffer(e, &d, &len));
	ck_assert_uint_eq(((uint8_t *)d)[0x3d], 0x10);
	ck_assert_uint_eq(((uint8_t *)d)[0x38] >> 7, 0);                  /* no rfr */
	free(d);
	nsaved = emu_tracer_saved(e, 0, &sv);
	ck_assert_uint_gt(nsaved, 500);
	tu_assert_ok(ctx, emu_reporter_dump(e, "fw", &d, &len));
	fmsg_walk(d, len, &w);
	ck_assert_ptr_nonnull(strstr(w.names, "syndrome|fw_miss_counter|health buffer|assert_var|assert_exit_ptr|"));
	ck_assert_ptr_nonnull(strstr(w.names, "|dump fw traces|timestamp|lost|event_id|msg|"));
	ck_assert_int_ge(w.max_depth, 4);
	ck_assert_uint_gt(len, 65536);                                    /* several nests */
	ck_assert_ptr_nonnull(memmem(d, len, sv->msg, strlen(sv->msg)));  /* the oldest saved trace */
	free(d);
	emu_free(e);
}
END_TEST

START_TEST(test_crdump_image_holes)
{
	struct emu *e = mk("emu:cx5,crspace=builtin,seed=3");
	uint8_t *img;
	size_t len;

	tu_assert_ok(ctx, emu_crspace_image(e, &img, &len));
	ck_assert_uint_eq(len, e->cr_end);
	ck_assert_uint_eq(fw_get_be32(img + 0x10000), 0xBADACCE5u);      /* between ranges */
	ck_assert_uint_eq(fw_get_be32(img + 0xf0014), 0x20d);
	free(img);
	emu_free(e);
}
END_TEST

static Suite *emu_suite(void)
{
	Suite *s = suite_create("emu");
	TCase *tc;

	tc = tcase_create("spec");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_spec_ok);
	tcase_add_test(tc, test_spec_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("registers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mgir_golden);
	tcase_add_test(tc, test_every_register_readable_and_deterministic);
	tcase_add_test(tc, test_register_contents);
	tcase_add_test(tc, test_bad_commands);
	tcase_add_test(tc, test_hca_caps);
	suite_add_tcase(s, tc);

	tc = tcase_create("tracer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_strings_db);
	tcase_add_test(tc, test_tracer_ring);
	tcase_add_test(tc, test_tracer_kernel_owned);
	tcase_add_test(tc, test_trace_stream_and_text);
	tcase_add_test(tc, test_cross_decode_with_parsers);
	suite_add_tcase(s, tc);

	tc = tcase_create("dumps");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resource_dump);
	tcase_add_test(tc, test_resource_dump_dma);
	tcase_add_test(tc, test_core_dump);
	tcase_add_test(tc, test_crspace_csv);
	tcase_add_test(tc, test_crspace_mstflint);
	tcase_add_test(tc, test_crdump_image_holes);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_fatal_and_reporters);
	tcase_add_test(tc, test_fw_error_reporter);
	tcase_add_test(tc, test_fatal_at_start);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(emu_suite());
}
