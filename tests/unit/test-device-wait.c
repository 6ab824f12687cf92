/* SPDX-License-Identifier: MIT */
/*
 * Check suite for the device layer's wait and kernel-log operations the
 * collector uses: fw_device_wait() (real-time default, the emulator's
 * clock, cancellation), fw_device_kernel_log() on the emulator (its
 * driver's lines, deterministic, the fatal report) and the /dev/kmsg
 * reader of the kernel transports (under a sysroot).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/device.h"
#include "device/transports.h"
#include "testutil.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_tmpdir_enter();
}

static void teardown(void)
{
	fw_ctx_free(ctx);
	tu_tmpdir_leave();
}

static char *klog(const char *spec, size_t *ret_len)
{
	struct fw_device *dev;
	char *text = NULL;

	tu_assert_ok(ctx, fw_device_open(ctx, spec, &dev));
	tu_assert_ok(ctx, fw_device_kernel_log(dev, &text, ret_len));
	ck_assert_uint_eq(strlen(text), *ret_len);
	fw_device_close(dev);
	return text;
}

START_TEST(test_emu_kernel_log)
{
	char *a, *b, *f;
	size_t la, lb, lf;

	a = klog("emu:cx7", &la);
	ck_assert_ptr_nonnull(strstr(a, "mlx5_core 0000:08:00.0: enabling device (0000 -> 0002)\n"));
	ck_assert_ptr_nonnull(strstr(a, "mlx5_core 0000:08:00.0: firmware version: 28."));
	ck_assert_ptr_null(strstr(a, "Fatal error"));
	ck_assert_ptr_null(strstr(a, "Health issue"));
	/* Deterministic: the same spec gives the same lines. */
	b = klog("emu:cx7", &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(a, b, la);
	/* The address follows pci=. */
	free(b);
	b = klog("emu:cx5,pci=0000:3b:00.1", &lb);
	ck_assert_ptr_nonnull(strstr(b, "mlx5_core 0000:3b:00.1: firmware version: 16."));

	f = klog("emu:cx7,fatal-after=0", &lf);
	ck_assert_ptr_nonnull(strstr(f, ": poll_health: Fatal error "));
	ck_assert_ptr_nonnull(strstr(f, ": Health issue observed, "));
	ck_assert_ptr_nonnull(strstr(f, "mlx5_core 0000:08:00.0: rfr 1\n"));
	ck_assert_ptr_nonnull(strstr(f, "mlx5_core 0000:08:00.0: mlx5_enter_error_state: end\n"));
	/* Every line names the device. */
	for (char *line = f, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_int_eq(strncmp(line, "mlx5_core 0000:08:00.0: ", 24), 0);
	}
	free(a);
	free(b);
	free(f);
}
END_TEST

static int w_info(void *priv, struct fw_device_info *ret)
{
	(void)priv;
	memset(ret, 0, sizeof(*ret));
	strcpy(ret->pci, "0000:08:00.0");
	ret->max_rpc = 4096;
	return 0;
}

static int w_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	(void)priv;
	(void)in;
	(void)inlen;
	(void)out;
	(void)outlen;
	return -EIO;
}

static void w_close(void *priv)
{
	(void)priv;
}

static const struct fw_cmd_methods w_ops = {
	.version = FW_CMD_METHODS_VERSION, .name = "plain", .info = w_info, .rpc = w_rpc, .close = w_close,
};

START_TEST(test_wait)
{
	struct fw_device *dev, *emu;
	char *text;
	size_t len;

	/* No wait op: the real-time default; no time asked, no wait. */
	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &(struct fw_device_parts){ .cmd = &w_ops }, &dev));
	ck_assert_int_eq(fw_device_wait(dev, 0), 0);
	ck_assert_int_eq(fw_device_kernel_log(dev, &text, &len), -EOPNOTSUPP);
	tu_assert_ok(ctx, fw_device_open(ctx, "emu:cx7", &emu));
	ck_assert_int_eq(fw_device_wait(emu, 0), 0);
	/* A cancelled context ends both waits before their first slice. */
	fw_ctx_request_cancel(ctx);
	ck_assert_int_eq(fw_device_wait(dev, 30), -EINTR);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "wait was cancelled after 0 ms"));
	ck_assert_int_eq(fw_device_wait(emu, 30), -EINTR);
	fw_device_close(dev);
	fw_device_close(emu);
}
END_TEST

START_TEST(test_kmsg_sysroot)
{
	static const char log[] =
		"6,100,1000,-;mlx5_core 0000:08:00.0: firmware version: 28.39.1002\n"
		"6,101,1001,-;e1000e 0000:00:1f.6: link up\n"
		"3,102,1002,-;mlx5_core 0000:08:00.0: poll_health: Fatal error 1 detected\n"
		" SUBSYSTEM=pci\n"
		"6,103,1003,-;mlx5_core 0000:08:00.1: firmware version: 28.39.1002\n";
	char *text = NULL;
	size_t len = 0;

	ck_assert_int_eq(fw_kmsg_device_lines(ctx, ".", "0000:08:00.0", &text, &len), -ENOENT);
	ck_assert_ptr_null(text);
	ck_assert_int_eq(mkdir("dev", 0755), 0);
	tu_write_file("dev/kmsg", log, sizeof(log) - 1);
	tu_assert_ok(ctx, fw_kmsg_device_lines(ctx, ".", "0000:08:00.0", &text, &len));
	ck_assert_str_eq(text, "mlx5_core 0000:08:00.0: firmware version: 28.39.1002\n"
			       "mlx5_core 0000:08:00.0: poll_health: Fatal error 1 detected\n");
	ck_assert_uint_eq(len, strlen(text));
	free(text);
	tu_assert_ok(ctx, fw_kmsg_device_lines(ctx, ".", "0000:3b:00.0", &text, &len));
	ck_assert_str_eq(text, "");
	ck_assert_uint_eq(len, 0);
	free(text);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("device-wait");
	TCase *tc = tcase_create("wait-klog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_emu_kernel_log);
	tcase_add_test(tc, test_wait);
	tcase_add_test(tc, test_kmsg_sysroot);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
