/* SPDX-License-Identifier: MIT */
/*
 * transports: choose the kernel interfaces for a device spec and present
 * the combination as one vtable object.
 *
 * A spec is a PCI address ("0000:08:00.0" or "08:00.0"), a node path
 * ("/dev/fwctl/fwctl0", "/dev/mlx5ctl-mlx5_core.ctl.0") or a node's short
 * name ("fwctl0", "mlx5_core.ctl.0"); node paths are read under the sysroot.
 *
 * For a PCI address the command interface is fwctl when the function has
 * one (upstream, Linux 6.15+), else mlx5ctl (out-of-tree V4 driver).  devlink
 * and tracefs are companions: a machine with neither command interface
 * (e.g. Debian 12's 6.1 kernel) still opens, so health reporters and the
 * firmware trace can be collected; its rpc then fails with -ENODEV and a
 * message saying which driver to load.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "core/limits.h"
#include "device/discovery.h"
#include "device/transports.h"

/* --- the combined kernel device --- */

struct fw_kdev {
	struct fw_ctx *ctx;
	char *sysroot;
	struct fw_pci_function fn;
	bool has_fn;
	struct fw_mlx5ctl *mlx5ctl;
	struct fw_fwctl *fwctl;
	struct fw_devlink *devlink;
	char node[256];
};

static void kdev_close(void *priv)
{
	struct fw_kdev *k = priv;

	if (!k)
		return;
	fw_mlx5ctl_close(k->mlx5ctl);
	fw_fwctl_close(k->fwctl);
	fw_devlink_close(k->devlink);
	free(k->sysroot);
	free(k);
}

static int kdev_open_node(struct fw_kdev *k, const char *node)
{
	char *real = fw_sysroot_path(k->sysroot, node);
	int r;

	if (!real)
		return fw_error(k->ctx, -ENOMEM, "out of memory");
	snprintf(k->node, sizeof(k->node), "%s", node);
	if (strncmp(node, "/dev/fwctl/", 11) == 0)
		r = fw_fwctl_open(k->ctx, real, &k->fwctl);
	else
		r = fw_mlx5ctl_open(k->ctx, real, &k->mlx5ctl);
	free(real);
	return r;
}

/* The PCI function a node belongs to, if discovery can tell. */
static void kdev_find_fn_of_node(struct fw_kdev *k, const char *node)
{
	struct fw_pci_function *list;
	size_t n;

	if (fw_discover(k->ctx, k->sysroot, &list, &n) < 0) {
		fw_ctx_clear_error(k->ctx);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i].fwctl_node, node) == 0 || strcmp(list[i].mlx5ctl_node, node) == 0) {
			k->fn = list[i];
			k->has_fn = true;
			break;
		}
	}
	fw_discover_free(list);
}

int fw_transport_select(struct fw_ctx *ctx, const char *spec, const char *sysroot,
			const struct fw_device_ops **ret_ops, void **ret_priv)
{
	struct fw_kdev *k;
	int r;

	k = calloc(1, sizeof(*k));
	if (!k)
		return fw_error(ctx, -ENOMEM, "out of memory");
	k->ctx = ctx;
	k->sysroot = strdup(sysroot ? sysroot : "");
	if (!k->sysroot) {
		r = fw_error(ctx, -ENOMEM, "out of memory");
		goto err;
	}
	/* Short names as the mlx5ctl tool takes them: "fwctl0" and
	 * "mlx5_core.ctl.0" stand for their nodes. */
	if (strncmp(spec, "fwctl", 5) == 0 || strncmp(spec, "mlx5_core.ctl.", 14) == 0) {
		char node[128];

		if (snprintf(node, sizeof(node), "%s%s", spec[0] == 'f' ? "/dev/fwctl/" : "/dev/mlx5ctl-",
			     spec) >= (int)sizeof(node)) {
			r = fw_error(ctx, -EINVAL, "device '%s': name too long", spec);
			goto err;
		}
		r = kdev_open_node(k, node);
		if (r < 0)
			goto err;
		kdev_find_fn_of_node(k, node);
		goto done;
	}
	if (spec[0] == '/') {
		r = kdev_open_node(k, spec);
		if (r < 0)
			goto err;
		kdev_find_fn_of_node(k, spec);
		goto done;
	}

	r = fw_discover_one(ctx, k->sysroot, spec, &k->fn);
	if (r < 0)
		goto err;
	k->has_fn = true;
	if (k->fn.interfaces & FW_IFACE_FWCTL) {
		r = kdev_open_node(k, k->fn.fwctl_node);
		if (r >= 0)
			goto done;
		if (!(k->fn.interfaces & FW_IFACE_MLX5CTL))
			goto err;
		fw_log(ctx, FW_LOG_WARNING, "%s, trying mlx5ctl", fw_ctx_errmsg(ctx));
		fw_ctx_clear_error(ctx);
	}
	if (k->fn.interfaces & FW_IFACE_MLX5CTL) {
		r = kdev_open_node(k, k->fn.mlx5ctl_node);
		if (r < 0)
			goto err;
		goto done;
	}
	if (!(k->fn.interfaces & (FW_IFACE_DEVLINK | FW_IFACE_TRACEFS))) {
		r = fw_error(ctx, -ENOENT,
			     "device '%s': no kernel interface (fwctl, mlx5ctl, devlink, tracefs); bind the function to mlx5_core",
			     spec);
		goto err;
	}
	fw_log(ctx, FW_LOG_WARNING,
	       "device '%s': no command interface (load mlx5_fwctl on Linux 6.15+, or the mlx5ctl driver); only devlink and tracefs are available",
	       spec);
done:
	*ret_ops = &fw_kdev_ops;
	*ret_priv = k;
	return 0;
err:
	kdev_close(k);
	return r;
}

static void read_kernel_release(const char *sysroot, char *buf, size_t size)
{
	char *p;
	FILE *f;
	struct utsname u;

	buf[0] = '\0';
	if (sysroot && *sysroot && strcmp(sysroot, "/") != 0) {
		p = fw_sysroot_path(sysroot, "/proc/sys/kernel/osrelease");
		f = p ? fopen(p, "re") : NULL;
		if (f) {
			if (fgets(buf, (int)size, f))
				buf[strcspn(buf, "\n")] = '\0';
			fclose(f);
		}
		free(p);
		return;
	}
	if (uname(&u) == 0)
		snprintf(buf, size, "%s", u.release);
}

static int kdev_info(void *priv, struct fw_device_info *ret)
{
	struct fw_kdev *k = priv;
	struct fw_device_info info;

	memset(&info, 0, sizeof(info));
	if (k->has_fn) {
		snprintf(info.pci, sizeof(info.pci), "%s", k->fn.pci);
		info.vendor_id = k->fn.vendor_id;
		info.device_id = k->fn.device_id;
		info.subsys_vendor_id = k->fn.subsys_vendor_id;
		info.subsys_device_id = k->fn.subsys_device_id;
		snprintf(info.driver, sizeof(info.driver), "%s", k->fn.driver);
		snprintf(info.model, sizeof(info.model), "%s", k->fn.model);
	}
	read_kernel_release(k->sysroot, info.kernel, sizeof(info.kernel));
	if (k->fwctl) {
		snprintf(info.transport, sizeof(info.transport), "fwctl");
		fw_fwctl_ident(k->fwctl, &info.uid, &info.uctx_caps);
		info.max_rpc = FW_LIMIT_FWCTL_RPC;
	} else if (k->mlx5ctl) {
		struct fw_mlx5ctl_ident id;

		fw_mlx5ctl_ident(k->mlx5ctl, &id);
		snprintf(info.transport, sizeof(info.transport), "mlx5ctl");
		info.uid = id.uid;
		info.uctx_caps = id.uctx_cap;
		info.max_rpc = FW_LIMIT_MLX5CTL_RPC;
		info.can_umem = true;
	} else {
		snprintf(info.transport, sizeof(info.transport), "none");
	}
	*ret = info;
	return 0;
}

static int kdev_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct fw_kdev *k = priv;

	if (k->fwctl)
		return fw_fwctl_rpc(k->fwctl, in, inlen, out, outlen);
	if (k->mlx5ctl)
		return fw_mlx5ctl_rpc(k->mlx5ctl, in, inlen, out, outlen);
	return fw_error(k->ctx, -ENODEV,
			"device '%s': no command interface: load mlx5_fwctl (Linux 6.15+) or the mlx5ctl driver",
			k->has_fn ? k->fn.pci : k->node);
}

static int kdev_umem_reg(void *priv, void *addr, size_t len, uint32_t *ret_id)
{
	struct fw_kdev *k = priv;

	if (!k->mlx5ctl)
		return fw_error(k->ctx, -EOPNOTSUPP,
				"device '%s': user-memory registration needs mlx5ctl (fwctl has none)",
				k->has_fn ? k->fn.pci : k->node);
	return fw_mlx5ctl_umem_reg(k->mlx5ctl, addr, len, ret_id);
}

static int kdev_umem_unreg(void *priv, uint32_t id)
{
	struct fw_kdev *k = priv;

	if (!k->mlx5ctl)
		return fw_error(k->ctx, -EOPNOTSUPP,
				"device '%s': user-memory registration needs mlx5ctl (fwctl has none)",
				k->has_fn ? k->fn.pci : k->node);
	return fw_mlx5ctl_umem_unreg(k->mlx5ctl, id);
}

const char *fw_kdev_pci(const struct fw_kdev *k)
{
	return k->has_fn ? k->fn.pci : NULL;
}

const char *fw_kdev_tracefs_dir(const struct fw_kdev *k)
{
	return k->has_fn && k->fn.tracefs_dir[0] ? k->fn.tracefs_dir : NULL;
}

static int kdev_devlink(struct fw_kdev *k)
{
	if (!k->has_fn || !(k->fn.interfaces & FW_IFACE_DEVLINK))
		return fw_error(k->ctx, -ENOENT,
				"device '%s': no devlink instance (the function is not bound to mlx5_core)",
				k->has_fn ? k->fn.pci : k->node);
	if (k->devlink)
		return 0;
	return fw_devlink_open(k->ctx, &k->devlink);
}

int fw_kdev_reporters(struct fw_kdev *k, struct fw_devlink_reporter **ret, size_t *ret_n)
{
	int r = kdev_devlink(k);

	return r < 0 ? r : fw_devlink_reporters(k->devlink, "pci", k->fn.pci, ret, ret_n);
}

int fw_kdev_diagnose(struct fw_kdev *k, const char *reporter, void **ret_data, size_t *ret_len)
{
	int r = kdev_devlink(k);

	return r < 0 ? r : fw_devlink_diagnose(k->devlink, "pci", k->fn.pci, reporter, ret_data, ret_len);
}

int fw_kdev_dump_get(struct fw_kdev *k, const char *reporter, void **ret_data, size_t *ret_len)
{
	int r = kdev_devlink(k);

	return r < 0 ? r : fw_devlink_dump_get(k->devlink, "pci", k->fn.pci, reporter, ret_data, ret_len);
}

int fw_kdev_regions(struct fw_kdev *k, struct fw_devlink_region **ret, size_t *ret_n)
{
	int r = kdev_devlink(k);

	return r < 0 ? r : fw_devlink_regions(k->devlink, "pci", k->fn.pci, ret, ret_n);
}

int fw_kdev_region_read(struct fw_kdev *k, const char *region, uint32_t snapshot_id,
			void **ret_data, size_t *ret_len)
{
	int r = kdev_devlink(k);

	return r < 0 ? r : fw_devlink_region_read(k->devlink, "pci", k->fn.pci, region, snapshot_id,
						  ret_data, ret_len);
}

int fw_kdev_tracefs_text(struct fw_kdev *k, unsigned seconds, char **ret_text, size_t *ret_len)
{
	char *dir;
	int r;

	if (!k->has_fn || !k->fn.tracefs_dir[0])
		return fw_error(k->ctx, -ENOENT,
				"device '%s': no mlx5_fw tracepoint in tracefs (mount tracefs; the function must be bound to mlx5_core)",
				k->has_fn ? k->fn.pci : k->node);
	dir = fw_sysroot_path(k->sysroot, k->fn.tracefs_dir);
	if (!dir)
		return fw_error(k->ctx, -ENOMEM, "out of memory");
	r = fw_tracefs_read(k->ctx, dir, k->fn.pci, seconds, ret_text, ret_len);
	free(dir);
	return r;
}

/* --- the optional devlink/tracefs ops of the device vtable --- */

static int kdev_health_reporters(void *priv, struct fw_health_reporter **ret, size_t *ret_n)
{
	struct fw_kdev *k = priv;
	struct fw_devlink_reporter *v;
	struct fw_health_reporter *out;
	size_t n;
	int r;

	r = fw_kdev_reporters(k, &v, &n);
	if (r < 0)
		return r;
	out = calloc(n ? n : 1, sizeof(*out));
	if (!out) {
		free(v);
		return fw_error(k->ctx, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		static_assert(sizeof(out[i].name) == sizeof(v[i].name), "reporter names match");
		memcpy(out[i].name, v[i].name, sizeof(out[i].name));
		out[i].state = v[i].state;
		out[i].error_count = v[i].error_count;
		out[i].recover_count = v[i].recover_count;
		out[i].has_dump = v[i].has_dump;
		out[i].dump_ts_ns = v[i].dump_ts_ns;
	}
	free(v);
	*ret = out;
	*ret_n = n;
	return 0;
}

static int kdev_health_diagnose(void *priv, const char *reporter, void **ret_data, size_t *ret_len)
{
	return fw_kdev_diagnose(priv, reporter, ret_data, ret_len);
}

static int kdev_health_dump(void *priv, const char *reporter, void **ret_data, size_t *ret_len)
{
	return fw_kdev_dump_get(priv, reporter, ret_data, ret_len);
}

/* One row per existing snapshot; a region without snapshots gets one row
 * with has_snapshot false (the vtable's contract). */
static int kdev_regions(void *priv, struct fw_region **ret, size_t *ret_n)
{
	struct fw_kdev *k = priv;
	struct fw_devlink_region *v;
	struct fw_region *out;
	size_t n, rows = 0, j = 0;
	int r;

	r = fw_kdev_regions(k, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		rows += v[i].nsnapshots ? v[i].nsnapshots : 1;
	out = calloc(rows ? rows : 1, sizeof(*out));
	if (!out) {
		fw_devlink_free_regions(v, n);
		return fw_error(k->ctx, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		size_t ns = v[i].nsnapshots ? v[i].nsnapshots : 1;

		for (size_t s = 0; s < ns; s++, j++) {
			memcpy(out[j].name, v[i].name, sizeof(out[j].name));
			out[j].size = v[i].size;
			out[j].has_snapshot = v[i].nsnapshots != 0;
			out[j].snapshot_id = v[i].nsnapshots ? v[i].snapshots[s] : 0;
		}
	}
	fw_devlink_free_regions(v, n);
	*ret = out;
	*ret_n = rows;
	return 0;
}

static int kdev_region_read(void *priv, const char *region, uint32_t snapshot_id, void **ret_data,
			    size_t *ret_len)
{
	return fw_kdev_region_read(priv, region, snapshot_id, ret_data, ret_len);
}

/* What the trace ring buffer holds now: the `trace` file, nothing consumed. */
static int kdev_tracefs(void *priv, char **ret_text, size_t *ret_len)
{
	return fw_kdev_tracefs_text(priv, 0, ret_text, ret_len);
}

/* The lines that arrive on trace_pipe during `seconds` (consuming them);
 * seconds == 0 is the snapshot above. */
static int kdev_tracefs_gather(void *priv, unsigned seconds, char **ret_text, size_t *ret_len)
{
	return fw_kdev_tracefs_text(priv, seconds, ret_text, ret_len);
}

/* The kernel log lines that name this function. */
static int kdev_kernel_log(void *priv, char **ret_text, size_t *ret_len)
{
	struct fw_kdev *k = priv;

	return fw_kmsg_device_lines(k->ctx, k->sysroot, fw_kdev_pci(k), ret_text, ret_len);
}

/* The vtable's open takes a spec; kernel devices are opened by
 * fw_transport_select() (it needs the sysroot), so this one refuses. */
static int kdev_open(struct fw_ctx *ctx, const char *spec, void **ret_priv)
{
	(void)ret_priv;
	return fw_error(ctx, -EINVAL, "device '%s': kernel devices open through fw_transport_select()",
			spec);
}

const struct fw_device_ops fw_kdev_ops = {
	.name = "kernel",
	.open = kdev_open,
	.info = kdev_info,
	.rpc = kdev_rpc,
	.umem_reg = kdev_umem_reg,
	.umem_unreg = kdev_umem_unreg,
	.close = kdev_close,
	.health_reporters = kdev_health_reporters,
	.health_diagnose = kdev_health_diagnose,
	.health_dump = kdev_health_dump,
	.regions = kdev_regions,
	.region_read = kdev_region_read,
	.tracefs_text = kdev_tracefs,
	.tracefs_gather = kdev_tracefs_gather,
	.kernel_log = kdev_kernel_log,
	/* No health_buffer: the initialization segment is in BAR0, which no
	 * kernel interface here exposes (the fw reporter's diagnose carries
	 * the syndrome, its dump the buffer). */
};
