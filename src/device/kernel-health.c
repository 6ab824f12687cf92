/* SPDX-License-Identifier: MIT */
/*
 * kernel-health: the health part of a kernel device.  What the kernel
 * keeps about a function outside its command channel, each from its own
 * interface: devlink health reporters, their stored dumps and regions
 * (devlink.c, generic netlink opened on first use), the mlx5_fw tracepoint
 * lines (tracefs.c) and the kernel log lines that name the function
 * (kmsg.c).  Read-only like everything here: no dump is triggered, no
 * trace setting changed.
 *
 * It serves every kernel target: a function without devlink or tracefs
 * still gets this part, and its reads fail with a message that says what
 * is missing, as a collection records them.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/devlink-monitor.h"
#include "device/transports.h"

struct kside {
	struct fw_ctx *ctx;
	char *sysroot;
	struct fw_pci_function fn;
	bool has_fn;
	char node[256];                /* the node the spec named, for messages */
	char bus[64], dev[128];        /* devlink handle, "" when none */
	struct fw_devlink *devlink;    /* opened on first use */
	struct fw_devlink_monitor *mon;    /* health notifications, while events are open */
};

/* The name messages give the device: its PCI address, else the node. */
static const char *kside_name(const struct kside *k)
{
	if (k->has_fn)
		return k->fn.pci;
	if (k->bus[0])
		return k->dev;
	return k->node;
}

static void kside_close(void *priv)
{
	struct kside *k = priv;

	if (!k)
		return;
	fw_devlink_monitor_close(k->mon);
	fw_devlink_close(k->devlink);
	free(k->sysroot);
	free(k);
}

static int kside_devlink(struct kside *k)
{
	if (!k->bus[0])
		return fw_error(k->ctx, -ENOENT,
				"device '%s': no devlink instance (the function is not bound to mlx5_core)",
				kside_name(k));
	if (k->devlink)
		return 0;
	return fw_devlink_open(k->ctx, &k->devlink);
}

/* Is bus/dev among the devlink devices the kernel lists? */
static int kside_find(struct kside *k)
{
	char **names = NULL, handle[sizeof(k->bus) + sizeof(k->dev)];
	bool found = false;
	size_t n = 0;
	int r;

	r = kside_devlink(k);
	if (r >= 0)
		r = fw_devlink_dev_list(k->devlink, &names, &n);
	if (r < 0)
		return r;
	snprintf(handle, sizeof(handle), "%s/%s", k->bus, k->dev);
	for (size_t i = 0; i < n && !found; i++)
		found = strcmp(names[i], handle) == 0;
	fw_devlink_free_names(names, n);
	if (!found)
		return fw_error(k->ctx, -ENOENT,
				"devlink device '%s' not found (%zu devlink device%s present; "
				"'devlink dev show' lists them)",
				handle, n, n == 1 ? "" : "s");
	return 0;
}

static int kside_reporters(void *priv, struct fw_health_reporter **ret, size_t *ret_n)
{
	struct kside *k = priv;
	int r = kside_devlink(k);

	return r < 0 ? r : fw_devlink_reporters(k->devlink, k->bus, k->dev, ret, ret_n);
}

static int kside_diagnose(void *priv, const char *reporter, void **ret_data, size_t *ret_len)
{
	struct kside *k = priv;
	int r = kside_devlink(k);

	return r < 0 ? r : fw_devlink_diagnose(k->devlink, k->bus, k->dev, reporter, ret_data,
					       ret_len);
}

static int kside_dump(void *priv, const char *reporter, void **ret_data, size_t *ret_len)
{
	struct kside *k = priv;
	int r = kside_devlink(k);

	return r < 0 ? r : fw_devlink_dump_get(k->devlink, k->bus, k->dev, reporter, ret_data,
					       ret_len);
}

/* One row per existing snapshot; a region without snapshots gets one row
 * with has_snapshot false (the method table's contract). */
static int kside_regions(void *priv, struct fw_region **ret, size_t *ret_n)
{
	struct kside *k = priv;
	struct fw_devlink_region *v;
	struct fw_region *out;
	size_t n, rows = 0, j = 0;
	int r;

	r = kside_devlink(k);
	if (r >= 0)
		r = fw_devlink_regions(k->devlink, k->bus, k->dev, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		rows += v[i].nsnapshots ? v[i].nsnapshots : 1;
	out = calloc(rows ? rows : 1, sizeof(*out));
	if (!out) {
		fw_devlink_free_regions(v, n);
		return fw_error(k->ctx, -ENOMEM, "devlink: out of memory listing regions");
	}
	for (size_t i = 0; i < n; i++) {
		size_t ns = v[i].nsnapshots ? v[i].nsnapshots : 1;

		for (size_t s = 0; s < ns; s++, j++) {
			static_assert(sizeof(out[j].name) == sizeof(v[i].name), "region names match");
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

static int kside_region_read(void *priv, const char *region, uint32_t snapshot_id,
			     void **ret_data, size_t *ret_len)
{
	struct kside *k = priv;
	int r = kside_devlink(k);

	return r < 0 ? r : fw_devlink_region_read(k->devlink, k->bus, k->dev, region, snapshot_id,
						  ret_data, ret_len);
}

/* seconds == 0: the `trace` file, nothing consumed; else the lines that
 * arrive on trace_pipe during that time (consuming them). */
static int kside_trace_text(void *priv, unsigned seconds, char **ret_text, size_t *ret_len)
{
	struct kside *k = priv;
	char *dir;
	int r;

	if (!k->has_fn && k->bus[0])
		return fw_error(k->ctx, -EOPNOTSUPP,
				"device '%s/%s': not a ConnectX function, so no mlx5_fw tracepoint",
				k->bus, k->dev);
	if (!k->has_fn || !k->fn.tracefs_dir[0])
		return fw_error(k->ctx, -ENOENT,
				"device '%s': no mlx5_fw tracepoint in tracefs (mount tracefs; the function must be bound to mlx5_core)",
				kside_name(k));
	dir = fw_sysroot_path(k->sysroot, k->fn.tracefs_dir);
	if (!dir)
		return fw_error(k->ctx, -ENOMEM, "tracefs: out of memory");
	r = fw_tracefs_read(k->ctx, dir, k->fn.pci, seconds, ret_text, ret_len);
	free(dir);
	return r;
}

static int kside_trace_clock(void *priv, char *buf, size_t len)
{
	struct kside *k = priv;
	char *dir;
	int r;

	if (!k->has_fn || !k->fn.tracefs_dir[0])
		return fw_error(k->ctx, -ENOENT, "device '%s': no tracefs", kside_name(k));
	dir = fw_sysroot_path(k->sysroot, k->fn.tracefs_dir);
	if (!dir)
		return fw_error(k->ctx, -ENOMEM, "tracefs: out of memory");
	r = fw_tracefs_clock(k->ctx, dir, buf, len);
	free(dir);
	return r;
}

/* The kernel log lines that name this function. */
static int kside_kernel_log(void *priv, char **ret_text, size_t *ret_len)
{
	struct kside *k = priv;

	if (!k->has_fn && k->bus[0])
		return fw_error(k->ctx, -EOPNOTSUPP,
				"device '%s/%s': not a PCI function, so no address to find its kernel log lines by",
				k->bus, k->dev);
	return fw_kmsg_device_lines(k->ctx, k->sysroot, k->has_fn ? k->fn.pci : NULL, ret_text,
				    ret_len);
}

/* No health_buffer: the initialization segment is in BAR0, which no kernel
 * interface here exposes (the fw reporter's diagnose carries the syndrome,
 * its dump the buffer).  No wait: time passes in real time. */
static int kside_dump_clear(void *priv, const char *reporter)
{
	struct kside *k = priv;
	int r = kside_devlink(k);

	return r < 0 ? r : fw_devlink_dump_clear(k->devlink, k->bus, k->dev, reporter);
}

/* Health events: the devlink family's notifications, of this device only.
 * Every subscriber gets every device's notifications; the others are
 * read and dropped here. */
static int kside_events_open(void *priv)
{
	struct kside *k = priv;
	int r;

	if (!k->bus[0])
		return fw_error(k->ctx, -EOPNOTSUPP,
				"device '%s': no devlink instance, so no health notifications",
				kside_name(k));
	r = fw_devlink_monitor_open(k->ctx, &k->mon);
	if (r < 0) {
		k->mon = NULL;
		return r;
	}
	return fw_devlink_monitor_fd(k->mon);
}

static int kside_events_read(void *priv, struct fw_health_event *ev, size_t max)
{
	struct kside *k = priv;
	struct fw_devlink_event batch[16];
	size_t got = 0;

	while (got < max) {
		size_t want = max - got < 16 ? max - got : 16;
		int r = fw_devlink_monitor_read(k->mon, batch, want);

		/* -ENOBUFS: what this call read is dropped with the rest; the
		 * caller re-reads the reporters, which counts it all. */
		if (r < 0)
			return r;
		for (int i = 0; i < r; i++) {
			struct fw_health_event *e;

			/* Another device's, or a recovery: not an event here. */
			if (strcmp(batch[i].bus, k->bus) || strcmp(batch[i].dev, k->dev) ||
			    batch[i].rep.state != 1)
				continue;
			e = &ev[got++];
			memset(e, 0, sizeof(*e));
			e->source = "devlink";
			e->rep = batch[i].rep;
			e->time_ns = batch[i].time_ns;
			e->mono_ns = batch[i].mono_ns;
		}
		if ((size_t)r < want)
			break;
	}
	return (int)got;
}

static void kside_events_close(void *priv)
{
	struct kside *k = priv;

	fw_devlink_monitor_close(k->mon);
	k->mon = NULL;
}

static const struct fw_health_methods kside_methods = {
	.version = FW_HEALTH_METHODS_VERSION,
	.name = "devlink",
	.trace_name = "tracefs",
	.log_name = "kmsg",
	.close = kside_close,
	.reporters = kside_reporters,
	.diagnose = kside_diagnose,
	.dump = kside_dump,
	.regions = kside_regions,
	.region_read = kside_region_read,
	.trace_text = kside_trace_text,
	.kernel_log = kside_kernel_log,
	/* version 2 */
	.dump_clear = kside_dump_clear,
	/* version 3 */
	.events_name = "devlink notifications",
	.events_open = kside_events_open,
	.events_read = kside_events_read,
	.events_close = kside_events_close,
	/* version 4 */
	.trace_clock = kside_trace_clock,
};

static int kside_open(struct fw_ctx *ctx, const struct fw_target *t, bool want_cmd,
		      bool want_health, struct fw_device_parts *ret)
{
	struct kside *k;

	(void)want_cmd;
	if (!want_health)
		return 0;
	k = calloc(1, sizeof(*k));
	if (!k)
		return fw_error(ctx, -ENOMEM, "device: out of memory");
	k->ctx = ctx;
	k->sysroot = strdup(t->sysroot ? t->sysroot : "");
	if (!k->sysroot) {
		free(k);
		return fw_error(ctx, -ENOMEM, "device: out of memory");
	}
	if (t->fn) {
		k->fn = *t->fn;
		k->has_fn = true;
	}
	snprintf(k->node, sizeof(k->node), "%s", t->node ? t->node : t->spec);
	if (t->devlink_bus) {
		int r;

		snprintf(k->bus, sizeof(k->bus), "%s", t->devlink_bus);
		snprintf(k->dev, sizeof(k->dev), "%s", t->devlink_dev);
		/* A handle that is no function discovery knows must exist now,
		 * not at the first read. */
		r = k->has_fn ? 0 : kside_find(k);
		if (r < 0) {
			kside_close(k);
			return r;
		}
	} else if (k->has_fn && (k->fn.interfaces & FW_IFACE_DEVLINK)) {
		/* mlx5_core registers its functions as "pci/<address>". */
		snprintf(k->bus, sizeof(k->bus), "pci");
		snprintf(k->dev, sizeof(k->dev), "%s", k->fn.pci);
	}
	ret->health = &kside_methods;
	ret->health_priv = k;
	return 1;
}

const struct fw_transport fw_kernel_health_transport = {
	.version = FW_TRANSPORT_VERSION,
	.name = "devlink",
	.open = kside_open,
};
