/* SPDX-License-Identifier: MIT */
/* Check suite for src/ifc/regcat: the catalog's data is self-consistent. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/bytes.h"
#include "ifc/ifc.h"
#include "ifc/regcat-layout.h"
#include "ifc/regcat.h"
#include "testutil.h"

START_TEST(test_required_registers)
{
	static const char *const need[] = {
		"MGIR", "MCAM", "MTRC_CAP", "MTRC_CONF", "MTRC_CTRL", "MTRC_STDB", "CORE_DUMP",
		"RESOURCE_DUMP", "PDDR", "PPCNT", "PTYS", "PMAOS", "MTMP", "MCIA", "MCQS", "MCQI",
		"PAOS", "PMLP", "PMTU", "MTCAP", "DTOR", "MFRL",
	};

	ck_assert_uint_ge(regcat_count(), 20);
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		ck_assert_msg(regcat_by_name(need[i]) != NULL, "%s missing", need[i]);
	ck_assert_ptr_null(regcat_at(regcat_count()));
}
END_TEST

START_TEST(test_fields_fit_and_do_not_overlap)
{
	for (size_t i = 0; i < regcat_count(); i++) {
		const struct regcat_reg *r = regcat_at(i);

		ck_assert_uint_gt(r->n_fields, 0);
		ck_assert_msg(r->summary && *r->summary, "%s: no summary", r->name);
		ck_assert_msg(r->size % 4 == 0, "%s: size %u not dwords", r->name, r->size);
		for (size_t j = 0; j < r->n_fields; j++) {
			const struct regcat_field *f = &r->fields[j];

			ck_assert_msg(f->width > 0, "%s.%s: zero width", r->name, f->name);
			ck_assert_msg(f->bit_off + f->width <= r->size * 8, "%s.%s past the end",
				      r->name, f->name);
			if (f->type == REGCAT_UINT)
				ck_assert_msg(f->bit_off / 32 == (f->bit_off + f->width - 1) / 32,
					      "%s.%s crosses a dword", r->name, f->name);
			else
				ck_assert_msg(f->bit_off % 8 == 0 && f->width % 8 == 0,
					      "%s.%s not byte aligned", r->name, f->name);
			ck_assert_msg(regcat_field(r, f->name) == f, "%s.%s duplicate name", r->name,
				      f->name);
			for (size_t k = 0; k < j; k++) {
				const struct regcat_field *g = &r->fields[k];
				bool apart = f->bit_off >= g->bit_off + g->width ||
					     g->bit_off >= f->bit_off + f->width;
				ck_assert_msg(apart, "%s: %s overlaps %s", r->name, f->name, g->name);
			}
		}
		/* ids unique */
		ck_assert_ptr_eq(regcat_by_id(r->id), r);
	}
}
END_TEST

/* REGCAT_PAGE rows: every page belongs to a catalog register, is selected
 * by one of its unsigned base fields, lies inside the field it stands for,
 * and its fields fit, do not overlap, and have names unique in the
 * register (base fields and every page). */
START_TEST(test_pages_consistent)
{
	const struct regcat_reg *r0 = regcat_at(0);
	size_t seen = 0;

	for (size_t i = 0; i < r0->n_pages; i++) {
		const struct regcat_page *pg = &r0->pages[i];
		const struct regcat_reg *r = regcat_by_id(pg->reg_id);
		const struct regcat_field *sel, *in;

		ck_assert_msg(r != NULL, "page of unknown register 0x%x", pg->reg_id);
		ck_assert_ptr_eq(r->pages, r0->pages);
		sel = regcat_field(r, pg->sel);
		in = regcat_field(r, pg->instead);
		ck_assert_msg(sel && regcat_field_page(r, pg->sel) == NULL && sel->type == REGCAT_UINT,
			      "%s page %u: selector %s", r->name, pg->value, pg->sel);
		ck_assert_msg(in && regcat_field_page(r, pg->instead) == NULL, "%s page %u: %s", r->name,
			      pg->value, pg->instead);
		ck_assert_msg(pg->summary && *pg->summary, "%s page %u: no summary", r->name, pg->value);
		ck_assert_uint_gt(pg->n_fields, 0);
		ck_assert_ptr_eq(regcat_page(r, pg->value), pg);
		for (size_t k = 0; k < i; k++)
			ck_assert_msg(r0->pages[k].reg_id != pg->reg_id || r0->pages[k].value != pg->value,
				      "%s page %u twice", r->name, pg->value);
		for (size_t j = 0; j < pg->n_fields; j++) {
			const struct regcat_field *f = &pg->fields[j];

			ck_assert_msg(f->width > 0 && f->bit_off >= in->bit_off &&
					      f->bit_off + f->width <= in->bit_off + in->width,
				      "%s.%s outside %s", r->name, f->name, pg->instead);
			if (f->type == REGCAT_UINT)
				ck_assert_msg(f->bit_off / 32 == (f->bit_off + f->width - 1) / 32,
					      "%s.%s crosses a dword", r->name, f->name);
			else
				ck_assert_msg(f->bit_off % 8 == 0 && f->width % 8 == 0,
					      "%s.%s not byte aligned", r->name, f->name);
			/* Unique in the register: the lookup by name finds this one. */
			ck_assert_msg(regcat_field(r, f->name) == f, "%s.%s name not unique", r->name,
				      f->name);
			ck_assert_ptr_eq(regcat_field_page(r, f->name), pg);
			for (size_t k = 0; k < j; k++) {
				const struct regcat_field *g = &pg->fields[k];

				ck_assert_msg(f->bit_off >= g->bit_off + g->width ||
						      g->bit_off >= f->bit_off + f->width,
					      "%s: %s overlaps %s", r->name, f->name, g->name);
			}
		}
		seen++;
	}
	ck_assert_uint_ge(seen, 3);
}
END_TEST

/* PDDR's pages where the public layouts put them: the troubleshooting
 * message at register byte 0x14 (page byte 0x0c, the kernel's
 * mlx5_ifc_pddr_troubleshooting_page_bits), the module serial at 0x44. */
START_TEST(test_pddr_pages)
{
	const struct regcat_reg *r = regcat_by_name("PDDR");
	const struct regcat_field *f;
	uint8_t data[256] = { 0 };

	ck_assert_ptr_nonnull(regcat_page(r, 0));
	ck_assert_ptr_nonnull(regcat_page(r, 1));
	ck_assert_ptr_null(regcat_page(r, 2));
	ck_assert_ptr_nonnull(regcat_page(r, 3));
	ck_assert_ptr_null(regcat_page(regcat_by_name("MGIR"), 0));
	f = regcat_field(r, "status_message");
	ck_assert_uint_eq(f->bit_off, 0x14 * 8);
	ck_assert_uint_eq(f->width, 236 * 8);
	ck_assert_ptr_eq(regcat_field_page(r, "status_message"), regcat_page(r, 1));
	f = regcat_field(r, "monitor_opcode");
	ck_assert_uint_eq(f->bit_off, 0x0c * 8 + 16);
	ck_assert_str_eq(regcat_enum_name(f, 0x400), "CABLE_UNPLUGGED");
	f = regcat_field(r, "vendor_sn");
	ck_assert_uint_eq(f->bit_off, 0x44 * 8);
	f = regcat_field(r, "temperature");
	ck_assert_int_eq(f->show, REGCAT_SHOW_CELSIUS256);
	ck_assert_uint_eq(f->bit_off, 0x54 * 8);
	f = regcat_field(r, "phy_mngr_fsm_state");
	ck_assert_uint_eq(f->bit_off, 0x0c * 8);
	ck_assert_ptr_null(regcat_field_page(r, "page_select"));
	/* The page the bytes select. */
	ck_assert_ptr_eq(regcat_page_of(r, data, sizeof(data)), regcat_page(r, 0));
	fw_put_be32(data + 4, 1);
	ck_assert_ptr_eq(regcat_page_of(r, data, sizeof(data)), regcat_page(r, 1));
	ck_assert_ptr_null(regcat_page_of(r, data, 7));          /* selector cut off */
	fw_put_be32(data + 4, 7);
	ck_assert_ptr_null(regcat_page_of(r, data, sizeof(data)));
	ck_assert_ptr_null(regcat_page_of(regcat_by_name("MGIR"), data, sizeof(data)));
}
END_TEST

START_TEST(test_lookup)
{
	const struct regcat_reg *r = regcat_by_id(MLX5_REG_MGIR);
	const struct regcat_field *f;
	uint32_t v;

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "MGIR");
	ck_assert_uint_eq(r->size, 160);
	ck_assert_ptr_eq(regcat_by_name("mgir"), r);
	ck_assert_ptr_null(regcat_by_name("NOPE"));
	ck_assert_ptr_null(regcat_by_id(0x1234));
	/* Positions against the PRM register tables (bit 0 = MSB of dword 0). */
	f = regcat_field(r, "psid");
	ck_assert_uint_eq(f->bit_off, 0x30 * 8);
	ck_assert_uint_eq(f->width, 128);
	ck_assert_int_eq(f->type, REGCAT_STRING);
	f = regcat_field(r, "extended_major");
	ck_assert_uint_eq(f->bit_off, 0x44 * 8);
	f = regcat_field(r, "manufacturing_base_mac_47_32");
	ck_assert_uint_eq(f->bit_off, 0x10 * 8 + 16);
	f = regcat_field(regcat_by_name("MCAM"), "tracer_registers");
	ck_assert_uint_eq(f->bit_off, 15 * 8 + 4);
	ck_assert_uint_eq(f->width, 4);
	f = regcat_field(regcat_by_name("MTRC_CAP"), "string_db_size_1");
	ck_assert_uint_eq(f->bit_off, 0x1c * 8 + 8);
	ck_assert_uint_eq(f->width, 24);
	f = regcat_field(regcat_by_name("RESOURCE_DUMP"), "seq_num");
	ck_assert_uint_eq(f->bit_off, 12);
	ck_assert_uint_eq(regcat_by_name("RESOURCE_DUMP")->id, MLX5_REG_RESOURCE_DUMP);
	ck_assert_uint_eq(regcat_by_name("CORE_DUMP")->id, MLX5_REG_CORE_DUMP);
	ck_assert_ptr_null(regcat_field(r, "nope"));

	/* Enums both ways. */
	f = regcat_field(regcat_by_name("PPCNT"), "grp");
	ck_assert_str_eq(regcat_enum_name(f, 0x12), "PHYSICAL_LAYER");
	ck_assert_ptr_null(regcat_enum_name(f, 0x3f));
	ck_assert_int_eq(regcat_enum_value(f, "rfc_2863", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(regcat_enum_value(f, "bogus", &v), -ENOENT);
	f = regcat_field(regcat_by_name("MTRC_CONF"), "trace_mode");
	ck_assert_str_eq(regcat_enum_name(f, 1), "TRACE_TO_MEMORY");
	f = regcat_field(r, "technology");
	ck_assert_str_eq(regcat_enum_name(f, 4), "7nm");
	ck_assert_ptr_null(regcat_enum_name(regcat_field(r, "uptime"), 0));
}
END_TEST

START_TEST(test_ids_match_ifc)
{
	static const struct {
		const char *name;
		uint16_t id;
	} ids[] = {
		{ "MGIR", MLX5_REG_MGIR }, { "MCAM", MLX5_REG_MCAM }, { "MTRC_CAP", MLX5_REG_MTRC_CAP },
		{ "MTRC_CONF", MLX5_REG_MTRC_CONF }, { "MTRC_STDB", MLX5_REG_MTRC_STDB },
		{ "MTRC_CTRL", MLX5_REG_MTRC_CTRL }, { "PDDR", MLX5_REG_PDDR }, { "PPCNT", MLX5_REG_PPCNT },
		{ "PTYS", MLX5_REG_PTYS }, { "PMAOS", MLX5_REG_PMAOS }, { "MTMP", MLX5_REG_MTMP },
		{ "MCIA", MLX5_REG_MCIA }, { "MCQS", MLX5_REG_MCQS }, { "MCQI", MLX5_REG_MCQI },
		{ "PAOS", MLX5_REG_PAOS }, { "PMLP", MLX5_REG_PMLP }, { "PMTU", MLX5_REG_PMTU },
		{ "MTCAP", MLX5_REG_MTCAP }, { "DTOR", MLX5_REG_DTOR }, { "MFRL", MLX5_REG_MFRL },
		{ "MRTC", MLX5_REG_MRTC }, { "NODE_DESC", MLX5_REG_NODE_DESC },
	};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		ck_assert_uint_eq(regcat_by_name(ids[i].name)->id, ids[i].id);
}
END_TEST

/* The compile-time layout (regcat-layout.h) and the run-time catalog are
 * the same rows: every field the command layer packs by constant sits
 * where the catalog says. */
#define CHECK_FIELD(reg, f)                                                          \
	do {                                                                          \
		const struct regcat_field *rf = regcat_field(regcat_by_name(#reg), #f); \
		uint32_t lay[2] = { REGCAT_FIELD(reg, f) };                           \
		ck_assert_ptr_nonnull(rf);                                            \
		ck_assert_uint_eq(lay[0], rf->bit_off);                               \
		ck_assert_uint_eq(lay[1], rf->width);                                 \
	} while (0)

START_TEST(test_layout_constants)
{
	CHECK_FIELD(CORE_DUMP, more_dump);
	CHECK_FIELD(CORE_DUMP, core_dump_type);
	CHECK_FIELD(CORE_DUMP, vhca_id);
	CHECK_FIELD(CORE_DUMP, qpn);
	CHECK_FIELD(CORE_DUMP, mkey);
	CHECK_FIELD(CORE_DUMP, size);
	CHECK_FIELD(CORE_DUMP, address_63_32);
	CHECK_FIELD(CORE_DUMP, cookie_31_0);
	CHECK_FIELD(RESOURCE_DUMP, more_dump);
	CHECK_FIELD(RESOURCE_DUMP, inline_dump);
	CHECK_FIELD(RESOURCE_DUMP, seq_num);
	CHECK_FIELD(RESOURCE_DUMP, segment_type);
	CHECK_FIELD(RESOURCE_DUMP, vhca_id);
	CHECK_FIELD(RESOURCE_DUMP, index1);
	CHECK_FIELD(RESOURCE_DUMP, index2);
	CHECK_FIELD(RESOURCE_DUMP, num_of_obj1);
	CHECK_FIELD(RESOURCE_DUMP, num_of_obj2);
	CHECK_FIELD(RESOURCE_DUMP, size);
	CHECK_FIELD(RESOURCE_DUMP, inline_data);
	CHECK_FIELD(MGIR, device_id);
	CHECK_FIELD(PDDR, page_select);
	/* A page's fields as constants: <REG>_page<value>. */
	{
		const struct regcat_field *rf = regcat_field(regcat_by_name("PDDR"), "status_message");
		uint32_t lay[2] = { REGCAT_FIELD(PDDR_page1, status_message) };

		ck_assert_uint_eq(lay[0], rf->bit_off);
		ck_assert_uint_eq(lay[1], rf->width);
		ck_assert_uint_eq(REGCAT_FIELD_BYTE(PDDR_page3, vendor_sn), 0x44);
	}
	ck_assert_uint_eq(REGCAT_SIZE_CORE_DUMP, regcat_by_name("CORE_DUMP")->size);
	ck_assert_uint_eq(REGCAT_ID_RESOURCE_DUMP, MLX5_REG_RESOURCE_DUMP);
	/* The kernel's RESOURCE_DUMP inline area: 52 dwords at byte 48. */
	ck_assert_uint_eq(MLX5_RESDUMP_INLINE_OFF, 48);
	ck_assert_uint_eq(MLX5_RESDUMP_INLINE_MAX, 208);
	ck_assert_uint_eq(MLX5_RESDUMP_REG_SIZE, 256);
	ck_assert_uint_eq(MLX5_CORE_DUMP_REG_SIZE, 64);
}
END_TEST

static Suite *regcat_suite(void)
{
	Suite *s = suite_create("regcat");
	TCase *tc = tcase_create("catalog");

	tcase_add_test(tc, test_required_registers);
	tcase_add_test(tc, test_fields_fit_and_do_not_overlap);
	tcase_add_test(tc, test_pages_consistent);
	tcase_add_test(tc, test_pddr_pages);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_ids_match_ifc);
	tcase_add_test(tc, test_layout_constants);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(regcat_suite());
}
