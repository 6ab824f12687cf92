/* SPDX-License-Identifier: MIT */
/*
 * open: a device spec to a device, through the transport table.
 *
 * A spec some transport claims (the emulator's "emu:...") goes to that
 * transport alone.  Every other spec names a kernel target:
 *  - a PCI address ("0000:08:00.0" or "08:00.0"), looked up in sysfs;
 *  - a device node path ("/dev/fwctl/fwctl0", "/dev/mlx5ctl-mlx5_core.ctl.0")
 *    or its short name ("fwctl0", "mlx5_core.ctl.0"), read under the
 *    sysroot, with its PCI function when discovery can tell.
 * The table is then walked in order: the first transport that opens a
 * command part provides it (fwctl before mlx5ctl), the first that opens a
 * health part provides that.  A machine with no command interface (e.g.
 * Debian 12's 6.1 kernel) still opens with its health part, so health
 * reporters and the firmware trace can be collected; its commands then
 * fail with -ENODEV and a message saying which driver to load.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "device/device-internal.h"
#include "device/discovery.h"
#include "device/sysroot.h"
#include "device/transport.h"

/* The PCI function a node belongs to, if discovery can tell. */
static bool find_fn_of_node(struct fw_ctx *ctx, const char *sysroot, const char *node,
			    struct fw_pci_function *ret)
{
	struct fw_pci_function *list;
	bool found = false;
	size_t n;

	if (fw_discover(ctx, sysroot, &list, &n) < 0) {
		fw_ctx_clear_error(ctx);
		return false;
	}
	for (size_t i = 0; i < n && !found; i++) {
		if (strcmp(list[i].fwctl_node, node) == 0 || strcmp(list[i].mlx5ctl_node, node) == 0) {
			*ret = list[i];
			found = true;
		}
	}
	fw_discover_free(list);
	return found;
}

static void read_kernel_release(const char *sysroot, char *buf, size_t size)
{
	struct utsname u;
	char *p;
	FILE *f;

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

/* What the target says about the device before any transport opens. */
static void target_info(const struct fw_target *t, struct fw_device_info *info)
{
	memset(info, 0, sizeof(*info));
	if (t->devlink_bus)
		snprintf(info->devlink, sizeof(info->devlink), "%s/%s", t->devlink_bus,
			 t->devlink_dev);
	else if (t->fn && (t->fn->interfaces & FW_IFACE_DEVLINK))
		snprintf(info->devlink, sizeof(info->devlink), "pci/%s", t->fn->pci);
	if (t->fn) {
		snprintf(info->pci, sizeof(info->pci), "%s", t->fn->pci);
		info->vendor_id = t->fn->vendor_id;
		info->device_id = t->fn->device_id;
		info->subsys_vendor_id = t->fn->subsys_vendor_id;
		info->subsys_device_id = t->fn->subsys_device_id;
		snprintf(info->driver, sizeof(info->driver), "%s", t->fn->driver);
		snprintf(info->model, sizeof(info->model), "%s", t->fn->model);
	}
	read_kernel_release(t->sysroot, info->kernel, sizeof(info->kernel));
}

static void parts_close(struct fw_device_parts *p)
{
	if (p->health && p->health->close)
		p->health->close(p->health_priv);
	if (p->cmd && p->cmd->close)
		p->cmd->close(p->cmd_priv);
	memset(p, 0, sizeof(*p));
}

/*
 * Walk the kernel rows of the table for one part (the command part, or the
 * health part).  A transport that fails while a later one serves the part
 * is a warning ("..., trying mlx5ctl"); when none does, the last failure is
 * the result.  Returns 1 with the part in *ret, 0 when no row has one.
 */
static int open_part(struct fw_ctx *ctx, const struct fw_target *t, bool cmd,
		     struct fw_device_parts *ret)
{
	const struct fw_transport *tr;
	char failed[512] = "";
	int err = 0, r;

	for (size_t i = 0; (tr = fw_transport_at(i)); i++) {
		struct fw_device_parts got = { 0 };

		if (tr->claims)
			continue;
		r = tr->open(ctx, t, cmd, !cmd, &got);
		if (r == 0)
			continue;
		if (failed[0]) {
			fw_log(ctx, FW_LOG_WARNING, "%s, trying %s", failed, tr->name);
			failed[0] = '\0';
		}
		if (r < 0) {
			err = r;
			snprintf(failed, sizeof(failed), "%s", fw_ctx_errmsg(ctx));
			continue;
		}
		fw_ctx_clear_error(ctx);
		if (cmd) {
			ret->cmd = got.cmd;
			ret->cmd_priv = got.cmd_priv;
		} else {
			ret->health = got.health;
			ret->health_priv = got.health_priv;
		}
		return 1;
	}
	return err;
}

static int open_kernel_parts(struct fw_ctx *ctx, const struct fw_target *t,
			     struct fw_device_parts *ret)
{
	struct fw_device_parts parts = { 0 };
	int r;

	r = open_part(ctx, t, true, &parts);
	if (r >= 0)
		r = open_part(ctx, t, false, &parts);
	if (r < 0) {
		parts_close(&parts);
		return r;
	}
	if (!parts.cmd && !parts.health)
		return fw_error(ctx, -ENOENT,
				"device '%s': no kernel interface (fwctl, mlx5ctl, devlink, tracefs); bind the function to mlx5_core",
				t->spec);
	/* A devlink device on another bus has no command interface to miss. */
	if (!parts.cmd && t->fn)
		fw_log(ctx, FW_LOG_WARNING,
		       "device '%s': no command interface (load mlx5_fwctl on Linux 6.15+, or the mlx5ctl driver); only devlink and tracefs are available",
		       t->spec);
	*ret = parts;
	return 0;
}

/* "BUS/DEV" with BUS of [a-z0-9_-] and DEV without another '/': a devlink
 * handle (the kernel's devlink_nl_get_from_attrs() matches these two names). */
static bool devlink_handle(const char *spec, char *bus, size_t size, const char **ret_dev)
{
	const char *slash = strchr(spec, '/');
	size_t n;

	if (!slash || strchr(slash + 1, '/') || !slash[1])
		return false;
	n = (size_t)(slash - spec);
	if (!n || n >= size)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((spec[i] >= 'a' && spec[i] <= 'z') || (spec[i] >= '0' && spec[i] <= '9') ||
		      spec[i] == '_' || spec[i] == '-'))
			return false;
	memcpy(bus, spec, n);
	bus[n] = '\0';
	*ret_dev = slash + 1;
	return true;
}

static int open_kernel(struct fw_ctx *ctx, const char *spec, const char *sysroot,
		       struct fw_device **ret)
{
	struct fw_target t = { .spec = spec, .sysroot = sysroot };
	struct fw_device_parts parts;
	struct fw_pci_function fn;
	struct fw_device_info info;
	char node[128], bus[64];
	const char *dev = NULL;
	int r;

	/* Short names as the mlx5ctl tool takes them: "fwctl0" and
	 * "mlx5_core.ctl.0" stand for their nodes. */
	if (strncmp(spec, "fwctl", 5) == 0 || strncmp(spec, "mlx5_core.ctl.", 14) == 0) {
		if (snprintf(node, sizeof(node), "%s%s",
			     spec[0] == 'f' ? "/dev/fwctl/" : "/dev/mlx5ctl-", spec) >= (int)sizeof(node))
			return fw_error(ctx, -EINVAL, "device '%s': name too long", spec);
		t.node = node;
	} else if (spec[0] == '/') {
		t.node = spec;
	} else if (devlink_handle(spec, bus, sizeof(bus), &dev)) {
		/* A devlink handle, "BUS/DEV" as `devlink dev` lists them
		 * ("pci/0000:08:00.0", "netdevsim/netdevsim10"): the health part
		 * reads it.  A pci handle of a ConnectX is that function, with
		 * its command part (short forms too: then the function's own
		 * address is the handle); any other is devlink's alone. */
		t.devlink_bus = bus;
		t.devlink_dev = dev;
		if (!strcmp(bus, "pci") && fw_discover_one(ctx, sysroot, dev, &fn) == 0) {
			t.fn = &fn;
			t.devlink_dev = fn.pci;
		}
		fw_ctx_clear_error(ctx);
	} else if (strchr(spec, '/')) {
		return fw_error(ctx, -EINVAL,
				"device '%s': not a devlink handle BUS/DEV ('pci/0000:08:00.0', "
				"'netdevsim/netdevsim10'), a PCI address or a /dev node path",
				spec);
	} else {
		r = fw_discover_one(ctx, sysroot, spec, &fn);
		if (r < 0)
			return r;
		if (!(fn.interfaces & (FW_IFACE_FWCTL | FW_IFACE_MLX5CTL | FW_IFACE_DEVLINK |
				       FW_IFACE_TRACEFS)))
			return fw_error(ctx, -ENOENT,
					"device '%s': no kernel interface (fwctl, mlx5ctl, devlink, tracefs); bind the function to mlx5_core",
					spec);
		t.fn = &fn;
	}
	if (t.node && find_fn_of_node(ctx, sysroot, t.node, &fn))
		t.fn = &fn;
	r = open_kernel_parts(ctx, &t, &parts);
	if (r < 0)
		return r;
	target_info(&t, &info);
	return fw_device_new_with_info(ctx, &parts, &info, ret);
}

int fw_device_open_with(struct fw_ctx *ctx, const char *spec,
			const struct fw_device_open_opts *opts, struct fw_device **ret)
{
	const char *sysroot = opts && opts->sysroot ? opts->sysroot : "";
	const char *regerr = fw_transport_register_error();
	const struct fw_transport *tr;
	int r;

	if (!spec || !spec[0])
		return fw_error(ctx, -EINVAL, "no device given: pass a PCI address, a device node or 'emu'");
	if (regerr)
		fw_log(ctx, FW_LOG_WARNING, "%s", regerr);
	for (size_t i = 0; (tr = fw_transport_at(i)); i++) {
		struct fw_target t = { .spec = spec, .sysroot = sysroot };
		struct fw_device_parts parts = { 0 };

		if (!tr->claims || !tr->claims(spec))
			continue;
		r = tr->open(ctx, &t, true, true, &parts);
		if (r < 0)
			return r;
		if (r == 0 || (!parts.cmd && !parts.health))
			return fw_error(ctx, -ENODEV, "device '%s': transport '%s' opened nothing",
					spec, tr->name);
		return fw_device_new_from_ops(ctx, &parts, ret);
	}
	return open_kernel(ctx, spec, sysroot, ret);
}

int fw_device_open(struct fw_ctx *ctx, const char *spec, struct fw_device **ret)
{
	return fw_device_open_with(ctx, spec, NULL, ret);
}
