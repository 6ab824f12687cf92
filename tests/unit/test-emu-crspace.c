/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/emu/emu-crspace.c: RESOURCE_DUMP inline and to
 * memory, CORE_DUMP, CR-space shaped from mstflint CSVs (and the built-in
 * map), and the crdump image with its holes.
 */
#include "config.h"

#include <unistd.h>

#include "emu-test.h"

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
	Suite *s = suite_create("emu-crspace");
	TCase *tc = tcase_create("dumps");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resource_dump);
	tcase_add_test(tc, test_resource_dump_dma);
	tcase_add_test(tc, test_core_dump);
	tcase_add_test(tc, test_crspace_csv);
	tcase_add_test(tc, test_crspace_mstflint);
	tcase_add_test(tc, test_crdump_image_holes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(emu_suite());
}
