/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/device/allowlist.c: the table itself (every row has
 * a reason, no duplicates, only the expected writes), lookups, and that the
 * man page lists every row.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/allowlist.h"
#include "mlx5/mlx5.h"
#include "ifc/regcat.h"
#include "testutil.h"

START_TEST(test_rows_have_reasons)
{
	size_t i, n = fw_allowlist_count();

	ck_assert_uint_gt(n, 40);
	ck_assert_ptr_null(fw_allowlist_at(n));
	for (i = 0; i < n; i++) {
		const struct fw_allow_entry *e = fw_allowlist_at(i);

		ck_assert_ptr_nonnull(e->name);
		ck_assert_ptr_nonnull(e->reason);
		ck_assert_msg(strlen(e->reason) >= 15, "row %s: reason '%s' too thin", e->name,
			      e->reason);
		ck_assert_ptr_nonnull(mlx5_opcode_name(e->opcode));
		if (e->reg_id != FW_ALLOW_NO_REG) {
			ck_assert_uint_eq(e->opcode, MLX5_CMD_ACCESS_REG);
			ck_assert_msg(mlx5_reg_name((uint16_t)e->reg_id) != NULL, "row %s", e->name);
			ck_assert_ptr_nonnull(strstr(e->name, mlx5_reg_name((uint16_t)e->reg_id)));
		} else {
			ck_assert_str_eq(e->name, mlx5_opcode_name(e->opcode));
		}
		if (e->guard_mask)
			ck_assert_ptr_nonnull(e->guard_why);
	}
}
END_TEST

START_TEST(test_no_duplicates)
{
	size_t i, j, n = fw_allowlist_count();

	for (i = 0; i < n; i++) {
		const struct fw_allow_entry *a = fw_allowlist_at(i);

		for (j = i + 1; j < n; j++) {
			const struct fw_allow_entry *b = fw_allowlist_at(j);

			ck_assert_msg(!(a->opcode == b->opcode && a->op_mod == b->op_mod &&
					a->reg_id == b->reg_id), "%s and %s", a->name, b->name);
		}
	}
}
END_TEST

START_TEST(test_writes_are_the_known_ones)
{
	size_t i, n = fw_allowlist_count(), trace = 0, wfr = 0;

	for (i = 0; i < n; i++) {
		const struct fw_allow_entry *e = fw_allowlist_at(i);

		if (e->list == FW_ALLOW_TRACE_CONTROL) {
			trace++;
			ck_assert_uint_eq(e->op_mod, MLX5_REG_OP_WRITE);
			ck_assert(e->reg_id == MLX5_REG_MTRC_CAP || e->reg_id == MLX5_REG_MTRC_CONF ||
				  e->reg_id == MLX5_REG_MTRC_CTRL);
			continue;
		}
		/* Commands with "SET", "CREATE", "ALLOC", "DESTROY" never appear. */
		ck_assert_ptr_null(strstr(e->name, "SET_"));
		ck_assert_ptr_null(strstr(e->name, "CREATE"));
		ck_assert_ptr_null(strstr(e->name, "ALLOC"));
		ck_assert_ptr_null(strstr(e->name, "DESTROY"));
		if (e->reg_id != FW_ALLOW_NO_REG && e->op_mod == MLX5_REG_OP_WRITE) {
			wfr++;
			ck_assert(e->reg_id == MLX5_REG_MTRC_STDB || e->reg_id == MLX5_REG_RESOURCE_DUMP ||
				  e->reg_id == MLX5_REG_CORE_DUMP);
			ck_assert_ptr_nonnull(strstr(e->reason, "kernel"));
		}
		if (e->reg_id != FW_ALLOW_NO_REG)
			ck_assert_uint_ne(e->op_mod, FW_ALLOW_ANY_OPMOD);
	}
	ck_assert_uint_eq(trace, 3);
	ck_assert_uint_eq(wfr, 3);
}
END_TEST

/* Every register of the catalog can be read (op_mod 1). */
START_TEST(test_catalog_readable)
{
	size_t i;

	ck_assert_uint_ge(regcat_count(), 20);
	for (i = 0; i < regcat_count(); i++) {
		const struct regcat_reg *r = regcat_at(i);
		const struct fw_allow_entry *e;
		uint8_t in[16] = { 0 };
		struct fw_cmd_id id;

		fw_mlx5_set(in, 0, 16, MLX5_CMD_ACCESS_REG);
		fw_mlx5_set(in, 48, 16, MLX5_REG_OP_READ);
		fw_mlx5_set(in, 80, 16, r->id);
		fw_cmd_id_parse(in, sizeof(in), &id);
		ck_assert_msg(fw_allowlist_check(&id, in, sizeof(in), false, &e) == FW_ALLOW_OK,
			      "catalog register %s (0x%04x) has no read row", r->name, r->id);
		ck_assert_str_eq(mlx5_reg_name(r->id), r->name);
	}
}
END_TEST

static enum fw_allow_verdict check(uint16_t opcode, uint16_t op_mod, uint16_t reg, bool trace)
{
	const struct fw_allow_entry *e;
	uint8_t in[32] = { 0 };
	struct fw_cmd_id id;

	fw_mlx5_set(in, 0, 16, opcode);
	fw_mlx5_set(in, 48, 16, op_mod);
	fw_mlx5_set(in, 80, 16, reg);
	fw_cmd_id_parse(in, sizeof(in), &id);
	return fw_allowlist_check(&id, in, sizeof(in), trace, &e);
}

START_TEST(test_lookups)
{
	struct fw_cmd_id id;
	uint8_t in[16] = { 0x08, 0x05, 0xab, 0xcd, 0x00, 0x00, 0x00, 0x01,
			   0x00, 0x00, 0x90, 0x20, 0, 0, 0, 0 };
	char buf[128];

	fw_cmd_id_parse(in, sizeof(in), &id);
	ck_assert_uint_eq(id.opcode, 0x805);
	ck_assert_uint_eq(id.op_mod, 1);
	ck_assert(id.is_reg);
	ck_assert_uint_eq(id.reg_id, 0x9020);
	fw_cmd_id_describe(&id, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ACCESS_REG read (op_mod 1) of register MGIR (0x9020)");
	fw_cmd_id_parse(in, 10, &id);   /* register id cut off */
	ck_assert_uint_eq(id.reg_id, 0);

	ck_assert_int_eq(check(MLX5_CMD_QUERY_HCA_CAP, 0x1b, 0, false), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_QUERY_HCA_CAP, 0, 0, false), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_SET_HCA_CAP, 0, 0, true), FW_ALLOW_UNLISTED);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 1, MLX5_REG_MGIR, false), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REGISTER_USER, 1, MLX5_REG_MGIR, false), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 0, MLX5_REG_MGIR, true), FW_ALLOW_UNLISTED);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 0, MLX5_REG_MTRC_STDB, false), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 0, MLX5_REG_RESOURCE_DUMP, false), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 0, MLX5_REG_CORE_DUMP, false), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 0, MLX5_REG_MTRC_CAP, false),
			 FW_ALLOW_NEEDS_TRACE_CONTROL);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 0, MLX5_REG_MTRC_CAP, true), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 1, MLX5_REG_MTRC_CAP, false), FW_ALLOW_OK);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 0, MLX5_REG_PMAOS, true), FW_ALLOW_UNLISTED);
	ck_assert_int_eq(check(MLX5_CMD_ACCESS_REG, 3, MLX5_REG_MGIR, false), FW_ALLOW_UNLISTED);
	ck_assert_int_eq(check(MLX5_CMD_CREATE_MKEY, 0, 0, true), FW_ALLOW_UNLISTED);
}
END_TEST

START_TEST(test_man_page_lists_every_row)
{
	size_t i, len;
	char *man = tu_read_file(tu_srcpath("man/fwbox-allowlist.7"), &len);
	char *text = malloc(len + 1);

	memcpy(text, man, len);
	text[len] = '\0';
	for (i = 0; i < fw_allowlist_count(); i++) {
		const struct fw_allow_entry *e = fw_allowlist_at(i);

		ck_assert_msg(strstr(text, e->name) != NULL, "man page lacks row '%s'", e->name);
	}
	free(text);
	free(man);
}
END_TEST

static Suite *allowlist_suite(void)
{
	Suite *s = suite_create("allowlist");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_rows_have_reasons);
	tcase_add_test(tc, test_no_duplicates);
	tcase_add_test(tc, test_writes_are_the_known_ones);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_catalog_readable);
	tcase_add_test(tc, test_man_page_lists_every_row);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(allowlist_suite());
}
