/* SPDX-License-Identifier: MIT */
/* Check suite for src/device/tracefs.c: finding the tracepoint, reading the
 * trace file of a captured tree, and the line filter. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/transports.h"
#include "sysfs-fixtures.h"
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

static const char want_080[] =
	"     kworker/0:1-42      [000] .....  1021.501122: mlx5_fw: 0000:08:00.0 [0x1c3b2a19d4] 0 [0x8] PCA_2: cmd_if: got command opcode 0x805\n"
	"     kworker/0:1-42      [000] .....  1021.501140: mlx5_fw: 0000:08:00.0 [0x1c3b2a1b11] 1 [0x12] FW_DEBUG: port 1 link up, speed 0x4000\n"
	"     kworker/0:1-42      [000] .....  1021.801140: mlx5_fw: 0000:08:00.0 [0x1c3b2a1d22] 0 [0x9] health: syndrome 0x0\n";

START_TEST(test_find_and_read)
{
	char *dir, *text;
	size_t len;

	tu_assert_ok(ctx, fw_tracefs_find(ctx, fx_tree("sysfs-cx7-fwctl"), &dir));
	ck_assert_ptr_nonnull(strstr(dir, "sysfs-cx7-fwctl/sys/kernel/tracing"));
	tu_assert_ok(ctx, fw_tracefs_read(ctx, dir, "0000:08:00.0", 0, &text, &len));
	ck_assert_str_eq(text, want_080);
	ck_assert_uint_eq(len, strlen(want_080));
	free(text);
	/* The other PF sees only its own line. */
	tu_assert_ok(ctx, fw_tracefs_read(ctx, dir, "0000:08:00.1", 0, &text, &len));
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_ptr_nonnull(strstr(text, "opcode 0x100\n"));
	ck_assert_ptr_null(strstr(text, "0000:08:00.0 "));
	free(text);
	free(dir);
}
END_TEST

START_TEST(test_debugfs_path_and_absent)
{
	char *dir, *text;
	size_t len;

	tu_assert_ok(ctx, fw_tracefs_find(ctx, fx_tree("sysfs-cx6dx-mlx5ctl"), &dir));
	ck_assert_ptr_nonnull(strstr(dir, "/sys/kernel/debug/tracing"));
	/* Tracepoint exists but no trace file was captured: ENOENT with advice. */
	ck_assert_int_eq(fw_tracefs_read(ctx, dir, "0000:03:00.0", 0, &text, &len), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "tracefs: open"));
	free(dir);
	ck_assert_int_eq(fw_tracefs_find(ctx, fx_tree("sysfs-empty"), &dir), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "mount tracefs"));
}
END_TEST

/* trace_pipe with a timeout: a regular file stands in for the pipe. */
START_TEST(test_pipe_seconds)
{
	static const char pipe[] =
		"x-1 [000] ..... 1.0: mlx5_fw: 0000:08:00.0 [0x1] 0 [0x1] a\n"
		"x-1 [000] ..... 1.1: mlx5_fw: 0000:08:00.0 [0x2] 0 [0x1] b";   /* no final newline */
	char *text;
	size_t len;

	tu_tmpdir_enter();
	tu_write_file("trace_pipe", pipe, sizeof(pipe) - 1);
	tu_assert_ok(ctx, fw_tracefs_read(ctx, ".", "0000:08:00.0", 1, &text, &len));
	ck_assert_str_eq(text, "x-1 [000] ..... 1.0: mlx5_fw: 0000:08:00.0 [0x1] 0 [0x1] a\n"
			       "x-1 [000] ..... 1.1: mlx5_fw: 0000:08:00.0 [0x2] 0 [0x1] b\n");
	free(text);
	tu_tmpdir_leave();
}
END_TEST

START_TEST(test_filter_edges)
{
	char *text, *big;
	size_t len;
	const char in[] = "mlx5_fw: 0000:08:00.0\n"           /* no space after pci */
			  "mlx5_fw: 0000:08:00.0 x\r\n"       /* CRLF */
			  "mlx5_fw:0000:08:00.0 y\n"          /* no mark */
			  "\n\n";

	tu_assert_ok(ctx, fw_tracefs_filter(ctx, in, sizeof(in) - 1, "0000:08:00.0", &text, &len));
	ck_assert_str_eq(text, "mlx5_fw: 0000:08:00.0 x\n");
	free(text);
	tu_assert_ok(ctx, fw_tracefs_filter(ctx, "", 0, "0000:08:00.0", &text, &len));
	ck_assert_str_eq(text, "");
	ck_assert_uint_eq(len, 0);
	free(text);
	/* A line over FW_LIMIT_TEXT_LINE is skipped, the next one kept. */
	big = malloc(FW_LIMIT_TEXT_LINE + 200);
	memset(big, 'a', FW_LIMIT_TEXT_LINE + 100);
	memcpy(big, "mlx5_fw: 0000:08:00.0 ", 22);
	strcpy(big + FW_LIMIT_TEXT_LINE + 100, "\nmlx5_fw: 0000:08:00.0 ok\n");
	tu_assert_ok(ctx, fw_tracefs_filter(ctx, big, strlen(big), "0000:08:00.0", &text, &len));
	ck_assert_str_eq(text, "mlx5_fw: 0000:08:00.0 ok\n");
	free(text);
	free(big);
}
END_TEST

/* The clock in use is the bracketed name of trace_clock; a tree without
 * the file, or a file that brackets nothing, is an error naming the path. */
START_TEST(test_trace_clock)
{
	char *dir, name[32], small[4], path[4200];
	FILE *f;

	tu_assert_ok(ctx, fw_tracefs_find(ctx, fx_tree("sysfs-cx5-devlink"), &dir));
	tu_assert_ok(ctx, fw_tracefs_clock(ctx, dir, name, sizeof(name)));
	ck_assert_str_eq(name, "local");
	/* A name that does not fit is an error, never cut short. */
	ck_assert_int_eq(fw_tracefs_clock(ctx, dir, small, sizeof(small)), -EBADMSG);
	snprintf(path, sizeof(path), "%s/trace_clock", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("local global []\n", f);
	fclose(f);
	ck_assert_int_eq(fw_tracefs_clock(ctx, dir, name, sizeof(name)), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "names no clock"));
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("local global [mono] boot\n", f);
	fclose(f);
	tu_assert_ok(ctx, fw_tracefs_clock(ctx, dir, name, sizeof(name)));
	ck_assert_str_eq(name, "mono");
	/* Back as the fixture made it, for the tests after this one. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[local] global counter uptime perf mono mono_raw boot tai x86-tsc\n", f);
	fclose(f);
	free(dir);

	tu_assert_ok(ctx, fw_tracefs_find(ctx, fx_tree("sysfs-cx6dx-mlx5ctl"), &dir));
	ck_assert_int_eq(fw_tracefs_clock(ctx, dir, name, sizeof(name)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "trace_clock"));
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tracefs");
	int r;
	TCase *tc = tcase_create("tracefs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_find_and_read);
	tcase_add_test(tc, test_debugfs_path_and_absent);
	tcase_add_test(tc, test_pipe_seconds);
	tcase_add_test(tc, test_filter_edges);
	tcase_add_test(tc, test_trace_clock);
	suite_add_tcase(s, tc);
	fx_make();
	r = tu_run_suite(s);
	fx_remove();
	return r;
}
