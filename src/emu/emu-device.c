// SPDX-License-Identifier: MIT
/*
 * emu-device: the emulated ConnectX implements both method tables of the
 * device layer (device/device.h) and registers itself in the transport
 * table for "emu[:PROFILE][,key=value...]" specs when the library is
 * loaded.  device/ never calls into emu/: it finds the emulator in its
 * table like any transport, and every mailbox still passes
 * fw_device_cmd() and the allowlist, exactly as on hardware.
 *
 * One struct emu serves both parts (the command part owns it).  It looks
 * like an mlx5ctl node to the gate (the smaller of the two kernel RPC
 * limits, user memory), so size checks and chunking run as on a card.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "device/transport.h"
#include "emu/emu-internal.h"

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* ---- the command part ---- */

static void emu_m_close(void *priv)
{
	emu_free(priv);
}

static int emu_m_info(void *priv, struct fw_device_info *info)
{
	const struct emu_identity *id = emu_identity(priv);

	memset(info, 0, sizeof(*info));
	copy_str(info->pci, sizeof(info->pci), id->pci);
	info->vendor_id = id->vendor_id;
	info->device_id = id->device_id;
	info->subsys_vendor_id = id->subsys_vendor_id;
	info->subsys_device_id = id->subsys_device_id;
	copy_str(info->fw_version, sizeof(info->fw_version), id->fw_version);
	copy_str(info->psid, sizeof(info->psid), id->psid);
	copy_str(info->board_id, sizeof(info->board_id), id->board_id);
	copy_str(info->serial, sizeof(info->serial), id->serial);
	copy_str(info->kernel, sizeof(info->kernel), id->kernel);
	copy_str(info->driver, sizeof(info->driver), id->driver);
	copy_str(info->model, sizeof(info->model), id->model);
	copy_str(info->transport, sizeof(info->transport), "emu");
	/* The emulated mlx5_core registers the function with devlink. */
	snprintf(info->devlink, sizeof(info->devlink), "pci/%s", id->pci ? id->pci : "");
	info->uid = id->uid;
	info->uctx_caps = id->uctx_caps;
	info->max_rpc = FW_LIMIT_MLX5CTL_RPC;
	info->can_umem = true;
	return 0;
}

static int emu_m_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct emu *e = priv;
	uint32_t got;
	int r;

	r = emu_cmd(e, in, inlen, out, outlen);
	if (r < 0)
		return r;
	/* short=NAME cuts the reply; tell the gate how much is real. */
	got = emu_last_outlen(e);
	return got < outlen ? (int)got : 0;
}

static int emu_m_umem_reg(void *priv, void *addr, size_t len, uint32_t *ret_id)
{
	return emu_umem_reg(priv, addr, len, ret_id);
}

static int emu_m_umem_unreg(void *priv, uint32_t id)
{
	return emu_umem_unreg(priv, id);
}

static const struct fw_cmd_methods emu_cmd_methods = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "emu",
	.close = emu_m_close,
	.info = emu_m_info,
	.rpc = emu_m_rpc,
	.umem_reg = emu_m_umem_reg,
	.umem_unreg = emu_m_umem_unreg,
};

/* ---- the health part ---- */

/* devlink=none: a kernel whose driver registers no devlink health
 * reporters; only the health buffer tells of a failure. */
static int no_devlink(struct emu *e)
{
	return fw_error(e->ctx, -EOPNOTSUPP, "emu: no devlink health (devlink=none)");
}

static int emu_h_reporters(void *priv, struct fw_health_reporter **ret, size_t *ret_n)
{
	struct emu *e = priv;
	struct fw_health_reporter *list;
	size_t n = emu_reporter_count(e);

	if (e->no_devlink)
		return no_devlink(e);
	/* As the health buffer: a due fault shows to whoever looks, unless
	 * its events are subscribed: then reading them is what fires it, so
	 * a fault is an event, never also the state a daemon found at its
	 * start (the listing it takes as its baseline right after
	 * subscribing). */
	if (!e->events_opened)
		emu_schedule_run(e);
	list = calloc(n ? n : 1, sizeof(*list));
	if (!list)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory listing reporters");
	for (size_t i = 0; i < n; i++) {
		const struct emu_reporter *rep = emu_reporter_at(e, i);

		if (strlen(rep->name) >= sizeof(list[i].name)) {
			free(list);
			return fw_error(e->ctx, -EOVERFLOW, "emu: reporter name '%s' is too long",
					rep->name);
		}
		copy_str(list[i].name, sizeof(list[i].name), rep->name);
		list[i].state = rep->state && strcmp(rep->state, "healthy") != 0;
		list[i].error_count = rep->error_count;
		list[i].recover_count = rep->recover_count;
		list[i].has_dump = rep->has_dump;
		list[i].dump_ts_ns = rep->dump_ts_ns;
	}
	*ret = list;
	*ret_n = n;
	return 0;
}

static int emu_h_diagnose(void *priv, const char *reporter, void **ret_data, size_t *ret_len)
{
	if (((struct emu *)priv)->no_devlink)
		return no_devlink(priv);
	return emu_reporter_diagnose(priv, reporter, ret_data, ret_len);
}

static int emu_h_dump(void *priv, const char *reporter, void **ret_data, size_t *ret_len)
{
	if (((struct emu *)priv)->no_devlink)
		return no_devlink(priv);
	return emu_reporter_dump(priv, reporter, ret_data, ret_len);
}

static int emu_h_health_buffer(void *priv, void **ret_data, size_t *ret_len)
{
	/* The firmware writes the buffer when a fault happens, whoever looks:
	 * a scheduled fault that is due shows in it. */
	emu_schedule_run(priv);
	return emu_health_buffer(priv, ret_data, ret_len);
}

/* Gathering for N seconds is N seconds of emulated firmware time. */
static int emu_h_trace_text(void *priv, unsigned seconds, char **ret_text, size_t *ret_len)
{
	if (seconds)
		emu_advance(priv, (uint64_t)seconds * 1000000000ull);
	return emu_tracefs_text(priv, ret_text, ret_len);
}

/* The emulated lines are stamped with the emulated uptime, a clock of the
 * emulator's own that no host clock follows: named so, and never
 * converted to UTC (the device ticks of the same lines are). */
static int emu_h_trace_clock(void *priv, char *buf, size_t len)
{
	(void)priv;
	snprintf(buf, len, "emu-uptime");
	return 0;
}

static int emu_h_kernel_log(void *priv, char **ret_text, size_t *ret_len)
{
	return emu_kernel_log(priv, ret_text, ret_len);
}

static void emu_h_tick(void *u)
{
	emu_advance(u, FW_DEVICE_WAIT_SLICE_NS);
}

/* Emulated firmware time moves with the real wait, a slice at a time, so
 * the ring holds what the time waited produced and an interrupted wait
 * keeps what its slices made. */
static int emu_h_wait(void *priv, unsigned seconds)
{
	struct emu *e = priv;

	return fw_device_wait_slices(e->ctx, seconds, emu_h_tick, e);
}

static int emu_h_dump_clear(void *priv, const char *reporter)
{
	if (((struct emu *)priv)->no_devlink)
		return no_devlink(priv);
	return emu_reporter_dump_clear(priv, reporter);
}

/* Health events: the faults of the spec's schedule (fatal-at=, burst=),
 * fired when they are due as the events are read. */
static int emu_h_events_open(void *priv)
{
	struct emu *e = priv;
	int fd = emu_events_fd(e);

	if (fd < 0)
		return fw_error(e->ctx, -EOPNOTSUPP,
				"emu: no fault schedule (fatal-at= or burst=), so no health events");
	e->events_opened = true;
	return fd;
}

static int emu_h_events_read(void *priv, struct fw_health_event *ev, size_t max)
{
	struct emu_health_event q[16];
	size_t got = 0;

	while (got < max) {
		size_t want = max - got < 16 ? max - got : 16;
		int r = emu_events_read(priv, q, want);

		if (r < 0)
			return r;
		for (int i = 0; i < r; i++) {
			struct fw_health_event *e = &ev[got++];

			memset(e, 0, sizeof(*e));
			e->source = "emulator";
			copy_str(e->rep.name, sizeof(e->rep.name), q[i].reporter);
			e->rep.state = q[i].error;
			e->rep.error_count = q[i].error_count;
			e->rep.recover_count = q[i].recover_count;
			e->rep.has_dump = q[i].has_dump;
			copy_str(e->msg, sizeof(e->msg), q[i].msg ? q[i].msg : "");
			e->time_ns = q[i].time_ns;
			e->mono_ns = q[i].mono_ns;
		}
		if ((size_t)r < want)
			break;
	}
	return (int)got;
}

/* No regions: the emulator's crdump is in the fw_fatal dump, as on a
 * kernel without an mlx5 region. */
static const struct fw_health_methods emu_health_methods = {
	.version = FW_HEALTH_METHODS_VERSION,
	.name = "emu",
	.close = NULL,                 /* the command part owns the emulator */
	.reporters = emu_h_reporters,
	.diagnose = emu_h_diagnose,
	.dump = emu_h_dump,
	.health_buffer = emu_h_health_buffer,
	.trace_text = emu_h_trace_text,
	.kernel_log = emu_h_kernel_log,
	.wait = emu_h_wait,
	/* version 2 */
	.dump_clear = emu_h_dump_clear,
	/* version 3; nothing to close: the schedule lives with the emulator */
	.events_name = "emulator schedule",
	/* Listing the reporters runs the schedule too, so --poll sees the
	 * faults as a kernel without the multicast group would. */
	.events_only = false,
	.events_open = emu_h_events_open,
	.events_read = emu_h_events_read,
	/* version 4 */
	.trace_clock = emu_h_trace_clock,
};

/* ---- the transport ---- */

static bool emu_claims(const char *spec)
{
	return strncmp(spec, "emu", 3) == 0 && (spec[3] == '\0' || spec[3] == ':' || spec[3] == ',');
}

static int emu_t_open(struct fw_ctx *ctx, const struct fw_target *t, bool want_cmd,
		      bool want_health, struct fw_device_parts *ret)
{
	struct emu *e;
	int r;

	(void)want_cmd;
	(void)want_health;
	r = emu_new(ctx, t->spec, &e);
	if (r < 0)
		return r;
	ret->cmd = &emu_cmd_methods;
	ret->cmd_priv = e;
	ret->health = &emu_health_methods;
	ret->health_priv = e;
	return 1;
}

const struct fw_transport fw_emu_transport = {
	.version = FW_TRANSPORT_VERSION,
	.name = "emu",
	.claims = emu_claims,
	.open = emu_t_open,
};

/* At load time, before main(): the table then has the emulator for every
 * open.  A failure is reported by the next fw_device_open(). */
__attribute__((constructor)) static void emu_register(void)
{
	fw_transport_register(&fw_emu_transport);
}

struct emu *emu_of_device(const struct fw_device *dev)
{
	const struct fw_device_parts *p = fw_device_parts(dev);

	return p->cmd == &emu_cmd_methods ? p->cmd_priv : NULL;
}
