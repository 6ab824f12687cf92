/* SPDX-License-Identifier: MIT */
/*
 * collect-host: the host part of a bundle and its steps (kernel release,
 * driver version, kernel taint before and after the run, the kernel log
 * lines that name the device).  Every path is read under a sysroot so
 * tests can point it at a prepared folder.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <uuid/uuid.h>

#include "collect/collect-internal.h"
#include "core/buf.h"

/* Cap on what we keep of the kernel log: a noisy host must not make the
 * bundle huge (sos keeps 25 MiB per log; device lines are far fewer). */

static void root_path(char *buf, size_t len, const char *sysroot, const char *path)
{
	snprintf(buf, len, "%s%s", sysroot ? sysroot : "", path);
}

/* Read a small text file (at most max bytes) into a NUL-terminated string. */
static int read_small(const char *sysroot, const char *path, char *buf, size_t max)
{
	char p[4096];
	ssize_t n;
	int fd;

	root_path(p, sizeof(p), sysroot, path);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, max - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (int)n;
}

bool collect_host_taint(const char *sysroot, uint64_t *ret)
{
	char buf[64], *end;
	unsigned long long v;

	if (read_small(sysroot, "/proc/sys/kernel/tainted", buf, sizeof(buf)) < 0)
		return false;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return false;
	*ret = v;
	return true;
}

void collect_host_name(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0 || !buf[0])
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
}

void collect_uuid(uint8_t out[16])
{
	uuid_t u;

	uuid_generate(u);
	memcpy(out, u, 16);
}

/* The host.info text, built on the core buffer; the first failure sticks. */
struct text {
	struct fw_buf b;
	int err;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	if (t->err)
		return;
	va_start(ap, fmt);
	t->err = fw_buf_vprintf(&t->b, fmt, ap);
	va_end(ap);
}

static void taint_line(struct text *t, const char *key, uint64_t v)
{
	if (v == UINT64_MAX)
		text_add(t, "%s=unknown\n", key);
	else
		text_add(t, "%s=%llu\n", key, (unsigned long long)v);
}

/* host.info: "key=value" lines, one fact each, in a fixed order. */
int collect_host_info(const char *sysroot, const struct fw_device_info *info,
		      uint64_t taint_before, uint64_t taint_after, char **ret_text,
		      size_t *ret_len)
{
	struct text t = { 0 };
	struct utsname u;
	char host[256], buf[512];

	collect_host_name(host, sizeof(host));
	text_add(&t, "hostname=%s\n", host);
	if (uname(&u) == 0) {
		text_add(&t, "kernel.sysname=%s\n", u.sysname);
		text_add(&t, "kernel.release=%s\n", u.release);
		text_add(&t, "kernel.version=%s\n", u.version);
		text_add(&t, "machine=%s\n", u.machine);
	}
	if (read_small(sysroot, "/sys/module/mlx5_core/version", buf, sizeof(buf)) > 0)
		text_add(&t, "driver.mlx5_core.version=%s\n", buf);
	if (read_small(sysroot, "/sys/module/mlx5_core/srcversion", buf, sizeof(buf)) > 0)
		text_add(&t, "driver.mlx5_core.srcversion=%s\n", buf);
	if (read_small(sysroot, "/proc/cmdline", buf, sizeof(buf)) > 0)
		text_add(&t, "kernel.cmdline=%s\n", buf);
	taint_line(&t, "kernel.taint.before", taint_before);
	taint_line(&t, "kernel.taint.after", taint_after);
	text_add(&t, "fwbox.version=%s\n", fw_version());
	text_add(&t, "device.pci=%s\n", info->pci);
	text_add(&t, "device.transport=%s\n", info->transport);
	text_add(&t, "device.fw_version=%s\n", info->fw_version);
	text_add(&t, "device.psid=%s\n", info->psid);
	text_add(&t, "device.driver=%s\n", info->driver);
	text_add(&t, "device.kernel=%s\n", info->kernel);
	text_add(&t, "device.max_rpc=%zu\n", info->max_rpc);
	if (t.err < 0) {
		fw_buf_release(&t.b);
		return t.err;
	}
	*ret_text = fw_buf_steal(&t.b, ret_len);
	return 0;
}

/* ------------------------------------------------------------ steps */

/* The device's kernel log lines come from the device layer: /dev/kmsg on
 * a kernel transport, the emulated driver's own lines on the emulator. */
int collect_step_kernel_log(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	char *text = NULL;
	size_t len = 0;
	int r;

	collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_LOG));
	fw_ctx_clear_error(c->ctx);
	r = fw_device_kernel_log(c->dev, &text, &len);
	if (r == -EPERM || r == -EACCES) {
		char ebuf[128];

		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, r,
				 "kernel log: %s (reading it needs CAP_SYSLOG)",
				 fw_strerror(r, ebuf, sizeof(ebuf)));
		return collect_emit(c, &a, NULL, 0);
	}
	return collect_emit_blob(c, s->kind, a.interface, r, text, len);
}

int collect_step_host_info(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	uint64_t taint_after = UINT64_MAX;
	char *text = NULL;
	size_t len = 0;
	int r;

	collect_art_init(&a, s->kind, "host");
	a.plan_what = "uname, kernel taint, driver version (sysfs)";
	if (!collect_host_taint(c->opts.sysroot, &taint_after))
		taint_after = UINT64_MAX;
	r = collect_host_info(c->opts.sysroot, &c->info, c->taint_before, taint_after, &text, &len);
	if (r < 0) {
		char ebuf[128];

		collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, r, "%s", fw_strerror(r, ebuf, sizeof(ebuf)));
	} else if (taint_after != c->taint_before) {
		collect_art_fail(&a, BUNDLE_OUTCOME_OK, 0,
				 "kernel taint changed during the run: %#llx -> %#llx",
				 (unsigned long long)c->taint_before, (unsigned long long)taint_after);
	}
	r = collect_emit(c, &a, text, r < 0 ? 0 : len);
	free(text);
	return r;
}
