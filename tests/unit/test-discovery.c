/* SPDX-License-Identifier: MIT */
/* Check suite for src/device/discovery.c and the kernel-side transport
 * selection, against the captured sysfs trees in tests/fixtures. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/discovery.h"
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

static const char *tree(const char *name)
{
	return fx_tree(name);
}

START_TEST(test_cx7_fwctl)
{
	struct fw_pci_function *l;
	size_t n;

	tu_assert_ok(ctx, fw_discover(ctx, tree("sysfs-cx7-fwctl"), &l, &n));
	/* Two ConnectX-7 PFs; the Intel I350 at 0000:02:00.0 is not listed. */
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(l[0].pci, "0000:08:00.0");
	ck_assert_str_eq(l[1].pci, "0000:08:00.1");
	ck_assert_uint_eq(l[0].vendor_id, 0x15b3);
	ck_assert_uint_eq(l[0].device_id, 0x1021);
	ck_assert_uint_eq(l[0].subsys_vendor_id, 0x15b3);
	ck_assert_uint_eq(l[0].subsys_device_id, 0x0040);
	ck_assert_str_eq(l[0].model, "MT2910 Family [ConnectX-7]");
	ck_assert_str_eq(l[0].driver, "mlx5_core");
	ck_assert_uint_eq(l[0].interfaces, FW_IFACE_FWCTL | FW_IFACE_DEVLINK | FW_IFACE_TRACEFS);
	ck_assert_str_eq(l[0].fwctl_node, "/dev/fwctl/fwctl0");
	ck_assert_str_eq(l[1].fwctl_node, "/dev/fwctl/fwctl1");
	ck_assert_str_eq(l[0].mlx5ctl_node, "");
	ck_assert_str_eq(l[0].tracefs_dir, "/sys/kernel/tracing");
	ck_assert(l[0].tracefs_enabled);
	fw_discover_free(l);
}
END_TEST

START_TEST(test_cx6dx_mlx5ctl)
{
	struct fw_pci_function *l;
	size_t n;

	tu_assert_ok(ctx, fw_discover(ctx, tree("sysfs-cx6dx-mlx5ctl"), &l, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(l[0].pci, "0000:03:00.0");
	ck_assert_uint_eq(l[0].device_id, 0x101d);
	ck_assert_str_eq(l[0].model, "MT2892 Family [ConnectX-6 Dx]");
	ck_assert_uint_eq(l[0].interfaces, FW_IFACE_MLX5CTL | FW_IFACE_DEVLINK | FW_IFACE_TRACEFS);
	ck_assert_str_eq(l[0].mlx5ctl_node, "/dev/mlx5ctl-mlx5_core.ctl.0");
	ck_assert_str_eq(l[0].fwctl_node, "");
	ck_assert_str_eq(l[0].tracefs_dir, "/sys/kernel/debug/tracing");
	ck_assert(!l[0].tracefs_enabled);
	fw_discover_free(l);
}
END_TEST

START_TEST(test_no_connectx)
{
	struct fw_pci_function *l = (void *)1;
	size_t n = 99;

	tu_assert_ok(ctx, fw_discover(ctx, tree("sysfs-other"), &l, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(l);
	n = 99;
	tu_assert_ok(ctx, fw_discover(ctx, tree("sysfs-empty"), &l, &n));
	ck_assert_uint_eq(n, 0);
	/* A sysroot that does not exist at all is also "nothing found". */
	tu_assert_ok(ctx, fw_discover(ctx, "/nonexistent/fwbox", &l, &n));
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* A PCI function whose vendor file holds no number is skipped with a
 * warning that names the file, and the listing goes on. */
static char warned[512];

static void keep_warning(void *u, enum fw_log_level level, const char *msg)
{
	(void)u;
	if (level == FW_LOG_WARNING)
		snprintf(warned, sizeof(warned), "%s", msg);
}

START_TEST(test_unreadable_function)
{
	struct fw_pci_function *l = NULL;
	const char *dir = tu_tmpdir_enter();
	char root[1024];
	size_t n = 99;
	FILE *f;

	ck_assert_int_eq(mkdir("sys", 0755), 0);
	ck_assert_int_eq(mkdir("sys/bus", 0755), 0);
	ck_assert_int_eq(mkdir("sys/bus/pci", 0755), 0);
	ck_assert_int_eq(mkdir("sys/bus/pci/devices", 0755), 0);
	ck_assert_int_eq(mkdir("sys/bus/pci/devices/0000:01:00.0", 0755), 0);
	f = fopen("sys/bus/pci/devices/0000:01:00.0/vendor", "w");
	ck_assert_ptr_nonnull(f);
	fputs("vendor?\n", f);
	fclose(f);
	snprintf(root, sizeof(root), "%s", dir);
	warned[0] = '\0';
	fw_ctx_set_log(ctx, keep_warning, NULL);
	tu_assert_ok(ctx, fw_discover(ctx, root, &l, &n));
	fw_ctx_set_log(ctx, NULL, NULL);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(warned, "PCI function '0000:01:00.0'") &&
		      strstr(warned, "/vendor' holds no 16-bit hex number") && strstr(warned, "skipping"),
		      "%s", warned);
	free(l);
	tu_tmpdir_leave();
}
END_TEST

START_TEST(test_discover_one)
{
	struct fw_pci_function f;
	const char *root = tree("sysfs-cx7-fwctl");

	tu_assert_ok(ctx, fw_discover_one(ctx, root, "08:00.1", &f));
	ck_assert_str_eq(f.pci, "0000:08:00.1");
	ck_assert_int_eq(fw_discover_one(ctx, root, "0000:02:00.0", &f), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "'0000:02:00.0'"));
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "fwbox devices"));
}
END_TEST

START_TEST(test_iface_names)
{
	ck_assert_str_eq(fw_iface_name(FW_IFACE_MLX5CTL), "mlx5ctl");
	ck_assert_str_eq(fw_iface_name(FW_IFACE_FWCTL), "fwctl");
	ck_assert_str_eq(fw_iface_name(FW_IFACE_DEVLINK), "devlink");
	ck_assert_str_eq(fw_iface_name(FW_IFACE_TRACEFS), "tracefs");
	ck_assert_ptr_null(fw_iface_name(3));
}
END_TEST

START_TEST(test_sysroot_path)
{
	char *p;

	p = fw_sysroot_path("", "/sys/bus");
	ck_assert_str_eq(p, "/sys/bus");
	free(p);
	p = fw_sysroot_path("/tmp/root//", "/sys/bus");
	ck_assert_str_eq(p, "/tmp/root/sys/bus");
	free(p);
	p = fw_sysroot_path(NULL, "/dev/x");
	ck_assert_str_eq(p, "/dev/x");
	free(p);
}
END_TEST

static int open_in(const char *root, const char *spec, struct fw_device **ret)
{
	struct fw_device_open_opts o = { .sysroot = root };

	return fw_device_open_with(ctx, spec, &o, ret);
}

/* Selection on a captured tree: the fwctl node is a regular file there, so
 * the FWCTL_INFO ioctl fails with ENOTTY, which must be reported as a wrong
 * ABI.  This is the real open()/ioctl() path, without a device. */
START_TEST(test_select_wrong_abi)
{
	struct fw_device *dev;
	int r;

	r = open_in(tree("sysfs-cx7-fwctl"), "0000:08:00.0", &dev);
	ck_assert_int_eq(r, -ENOTTY);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "FWCTL_INFO"));
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "wrong ABI"));
	r = open_in(tree("sysfs-cx6dx-mlx5ctl"), "0000:03:00.0", &dev);
	ck_assert_int_eq(r, -ENOTTY);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "MLX5CTL_IOCTL_INFO"));
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "mlx5ctl V4"));
	r = open_in(tree("sysfs-cx7-fwctl"), "0000:02:00.0", &dev);
	ck_assert_int_eq(r, -ENOENT);
	r = open_in(tree("sysfs-cx7-fwctl"), "/dev/fwctl/fwctl7", &dev);
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "mlx5_fwctl"));
}
END_TEST

/* Debian 12's kernel: no command interface, but the device opens so the
 * collector can still read devlink and tracefs; commands say what to load. */
START_TEST(test_select_devlink_only)
{
	const char *root = tree("sysfs-cx5-devlink");
	struct fw_device_info info;
	struct fw_pci_function f;
	uint8_t in[16] = { 0 }, out[16];
	struct fw_device *dev;
	char *text;
	size_t len;

	tu_assert_ok(ctx, fw_discover_one(ctx, root, "0000:5e:00.0", &f));
	ck_assert_uint_eq(f.interfaces, FW_IFACE_DEVLINK | FW_IFACE_TRACEFS);
	ck_assert_str_eq(f.model, "MT27800 Family [ConnectX-5]");
	tu_assert_ok(ctx, open_in(root, "5e:00.0", &dev));
	tu_assert_ok(ctx, fw_device_info(dev, &info));
	ck_assert_str_eq(info.transport, "none");
	ck_assert_str_eq(info.pci, "0000:5e:00.0");
	ck_assert_uint_eq(info.device_id, 0x1017);
	ck_assert_uint_eq(info.max_rpc, 0);
	/* An allowed command (NOP) reaches the missing command part. */
	in[1] = 0x0d;
	in[0] = 0x08;
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -ENODEV);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "mlx5_fwctl"));
	ck_assert_str_eq(fw_device_interface(dev, FW_PART_HEALTH), "devlink");
	ck_assert_str_eq(fw_device_interface(dev, FW_PART_TRACE), "tracefs");
	ck_assert_str_eq(fw_device_interface(dev, FW_PART_LOG), "kmsg");
	tu_assert_ok(ctx, fw_device_tracefs_text(dev, &text, &len));
	ck_assert_str_eq(text, "     kworker/3:2-311     [003] .....   88.100200: mlx5_fw: 0000:5e:00.0 [0x9a0b1c] 0 [0x3] PHY: port 1 module plugged\n");
	free(text);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_kernel_error_advice)
{
	static const struct {
		int err;
		const char *iface, *what, *want;
		int code;
	} cases[] = {
		{ -EPERM, "mlx5ctl", "MLX5CTL_IOCTL_CMDRPC", "CAP_SYS_ADMIN", -EPERM },
		{ -EACCES, "fwctl", "open", "run as root", -EACCES },
		{ -ENOENT, "mlx5ctl", "open", "not loaded", -ENOENT },
		{ -ENOTTY, "mlx5ctl", "MLX5CTL_IOCTL_INFO", "wrong ABI", -ENOTTY },
		{ -EOPNOTSUPP, "fwctl", "FWCTL_RPC", "scope", -EOPNOTSUPP },
		{ -EMSGSIZE, "fwctl", "FWCTL_RPC", "2 MiB", -EMSGSIZE },
		{ -EBADMSG, "fwctl", "FWCTL_RPC", "DEBUG_READ_ONLY", -EPERM },
		{ -ENODEV, "fwctl", "FWCTL_RPC", "removed", -ENODEV },
		{ -EPERM, "devlink", "request", "CAP_NET_ADMIN", -EPERM },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = fw_kernel_error(ctx, cases[i].err, cases[i].iface, cases[i].what, "/dev/x");

		ck_assert_int_eq(r, cases[i].code);
		ck_assert_msg(strstr(fw_ctx_errmsg(ctx), cases[i].want), "case %zu: '%s' lacks '%s'", i,
			      fw_ctx_errmsg(ctx), cases[i].want);
		ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "'/dev/x'"));
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("discovery");
	int r;
	TCase *tc = tcase_create("discover");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cx7_fwctl);
	tcase_add_test(tc, test_cx6dx_mlx5ctl);
	tcase_add_test(tc, test_no_connectx);
	tcase_add_test(tc, test_unreadable_function);
	tcase_add_test(tc, test_discover_one);
	tcase_add_test(tc, test_iface_names);
	tcase_add_test(tc, test_sysroot_path);
	suite_add_tcase(s, tc);
	tc = tcase_create("select");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_select_wrong_abi);
	tcase_add_test(tc, test_select_devlink_only);
	tcase_add_test(tc, test_kernel_error_advice);
	suite_add_tcase(s, tc);
	fx_make();
	r = tu_run_suite(s);
	fx_remove();
	return r;
}
