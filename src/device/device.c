/* SPDX-License-Identifier: MIT */
/*
 * The device object and the read-only gate.  fw_device_cmd() is the only
 * caller of ops->rpc in the whole library: that is what makes "read-only
 * by construction" a property of one function rather than of every caller.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "device/allowlist.h"
#include "device/device-internal.h"
#include "device/transport.h"
#include "ifc/ifc.h"

struct fw_device {
	struct fw_ctx *ctx;
	struct fw_device_parts parts;
	struct fw_device_info info;
	bool trace_control;
	bool dump_clear;
	bool dry_run;
	bool events_on;                /* the health part's events_open succeeded */
	fw_device_observer_fn observer;
	void *observer_data;
	uint64_t seq;
	uint64_t n_cmds;
	uint64_t n_refused;
};

/* A method of a table that has it: present, and the table is of the
 * version that added it or newer. */
#define FW_METHOD(m, member, since) ((m) && (m)->version >= (since) && (m)->member)
#define CMD_M(dev, member) FW_METHOD((dev)->parts.cmd, member, 1)
#define HEALTH_M(dev, member) FW_METHOD((dev)->parts.health, member, 1)

static void parts_close(const struct fw_device_parts *p)
{
	if (p->health && p->health->close)
		p->health->close(p->health_priv);
	if (p->cmd && p->cmd->close)
		p->cmd->close(p->cmd_priv);
}

int fw_device_new_with_info(struct fw_ctx *ctx, const struct fw_device_parts *parts,
			    const struct fw_device_info *base, struct fw_device **ret)
{
	const struct fw_cmd_methods *cm = parts->cmd;
	const struct fw_health_methods *hm = parts->health;
	struct fw_device *dev;
	int r;

	if (!cm && !hm) {
		r = fw_error(ctx, -EINVAL, "device: neither a command nor a health part");
		goto err_close;
	}
	if ((cm && (cm->version < 1 || cm->version > FW_CMD_METHODS_VERSION)) ||
	    (hm && (hm->version < 1 || hm->version > FW_HEALTH_METHODS_VERSION))) {
		r = fw_error(ctx, -EINVAL,
			     "device: transport '%s' has method tables of version %d/%d, this fwbox "
			     "knows up to %d/%d: rebuild it against this fwbox",
			     cm ? cm->name : hm->name, cm ? cm->version : 0, hm ? hm->version : 0,
			     FW_CMD_METHODS_VERSION, FW_HEALTH_METHODS_VERSION);
		goto err_close;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		r = fw_error(ctx, -ENOMEM, "device: out of memory");
		goto err_close;
	}
	dev->ctx = ctx;
	dev->parts = *parts;
	if (base)
		dev->info = *base;
	if (hm && hm->info) {
		r = hm->info(parts->health_priv, &dev->info);
		if (r < 0)
			goto err_free;
	}
	if (cm && cm->info) {
		r = cm->info(parts->cmd_priv, &dev->info);
		if (r < 0)
			goto err_free;
	}
	if (!dev->info.transport[0])
		snprintf(dev->info.transport, sizeof(dev->info.transport), "%s",
			 cm && cm->name ? cm->name : "none");
	dev->info.can_umem = dev->info.can_umem && CMD_M(dev, umem_reg) && CMD_M(dev, umem_unreg);
	*ret = dev;
	return 0;

err_free:
	free(dev);
err_close:
	parts_close(parts);
	return r;
}

int fw_device_new_from_ops(struct fw_ctx *ctx, const struct fw_device_parts *parts,
			   struct fw_device **ret)
{
	return fw_device_new_with_info(ctx, parts, NULL, ret);
}

void fw_device_close(struct fw_device *dev)
{
	if (!dev)
		return;
	fw_device_health_events_close(dev);
	parts_close(&dev->parts);
	free(dev);
}

int fw_device_info(struct fw_device *dev, struct fw_device_info *ret)
{
	*ret = dev->info;
	return 0;
}

struct fw_ctx *fw_device_ctx(const struct fw_device *dev)
{
	return dev->ctx;
}

const struct fw_device_parts *fw_device_parts(const struct fw_device *dev)
{
	return &dev->parts;
}

const char *fw_device_interface(const struct fw_device *dev, enum fw_device_part part)
{
	const struct fw_health_methods *hm = dev->parts.health;

	if (part == FW_PART_CMD || !hm)
		return dev->info.transport;
	if (part == FW_PART_TRACE && hm->trace_name)
		return hm->trace_name;
	if (part == FW_PART_LOG && hm->log_name)
		return hm->log_name;
	return hm->name;
}

void fw_device_allow_trace_control(struct fw_device *dev, bool allow)
{
	dev->trace_control = allow;
}

bool fw_device_trace_control(const struct fw_device *dev)
{
	return dev->trace_control;
}

void fw_device_set_observer(struct fw_device *dev, fw_device_observer_fn fn, void *userdata)
{
	dev->observer = fn;
	dev->observer_data = userdata;
}

void fw_device_set_dry_run(struct fw_device *dev, bool dry_run)
{
	dev->dry_run = dry_run;
}

bool fw_device_dry_run(const struct fw_device *dev)
{
	return dev->dry_run;
}

uint64_t fw_device_cmd_count(const struct fw_device *dev)
{
	return dev->n_cmds;
}

uint64_t fw_device_refused_count(const struct fw_device *dev)
{
	return dev->n_refused;
}

static void notify(struct fw_device *dev, struct fw_cmd_event *ev)
{
	if (dev->observer)
		dev->observer(dev->observer_data, ev);
}

/* Refuse: count, tell the observer, and say which command and why. */
static int refuse(struct fw_device *dev, struct fw_cmd_event *ev, const struct fw_cmd_id *id,
		  enum fw_allow_verdict v, const struct fw_allow_entry *e)
{
	char what[128];
	int r;

	fw_cmd_id_describe(id, what, sizeof(what));
	switch (v) {
	case FW_ALLOW_NEEDS_TRACE_CONTROL:
		r = fw_error(dev->ctx, -EPERM,
			     "%s refused: it is tracer control (%s), which is off; enable it "
			     "explicitly (fw_device_allow_trace_control) only if you accept that",
			     what, e->reason);
		break;
	case FW_ALLOW_GUARD:
		r = fw_error(dev->ctx, -EPERM,
			     "%s refused: inbox byte %u has bits 0x%02x set (%s); clear them to read",
			     what, e->guard_off, e->guard_mask, e->guard_why);
		break;
	default:
		r = fw_error(dev->ctx, -EPERM,
			     "%s refused: not on the read-only allowlist (man fwbox-allowlist.7)",
			     what);
		break;
	}
	dev->n_refused++;
	ev->refused = true;
	ev->result = r;
	notify(dev, ev);
	return r;
}

int fw_device_cmd(struct fw_device *dev, const void *in, size_t inlen, void *out, size_t outlen)
{
	const struct fw_allow_entry *entry;
	struct fw_cmd_event ev = { 0 };
	enum fw_allow_verdict v;
	struct fw_cmd_id id;
	char what[128];
	size_t max_rpc;
	int r;

	if (!in || !out || inlen < MLX5_MBOX_HDR_LEN || outlen < MLX5_MBOX_HDR_LEN)
		return fw_error(dev->ctx, -EINVAL,
				"device command: inbox (%zu bytes) and outbox (%zu bytes) must hold "
				"the %u-byte mailbox header", inlen, outlen, MLX5_MBOX_HDR_LEN);

	fw_cmd_id_parse(in, inlen, &id);
	ev.seq = ++dev->seq;
	ev.opcode = id.opcode;
	ev.op_mod = id.op_mod;
	ev.is_reg = id.is_reg;
	ev.reg_id = id.reg_id;
	ev.inlen = inlen;
	ev.outlen = outlen;
	ev.in = in;

	v = fw_allowlist_check(&id, in, inlen, dev->trace_control, &entry);
	if (v != FW_ALLOW_OK)
		return refuse(dev, &ev, &id, v, entry);
	ev.trace_control = entry->list == FW_ALLOW_TRACE_CONTROL;

	max_rpc = dev->info.max_rpc ? dev->info.max_rpc : FW_LIMIT_MLX5CTL_RPC;
	if (max_rpc > INT_MAX)
		max_rpc = INT_MAX;   /* the return value carries the outbox length */
	if (inlen > max_rpc || outlen > max_rpc) {
		fw_cmd_id_describe(&id, what, sizeof(what));
		r = fw_error(dev->ctx, -EOVERFLOW,
			     "%s: %zu-byte inbox / %zu-byte outbox exceed the %zu bytes the '%s' "
			     "transport takes per command; read in smaller pieces",
			     what, inlen, outlen, max_rpc, dev->info.transport);
		dev->n_refused++;
		ev.refused = true;
		ev.result = r;
		notify(dev, &ev);
		return r;
	}

	dev->n_cmds++;
	if (dev->dry_run) {
		memset(out, 0, outlen);
		ev.dry_run = true;
		ev.result = (int)outlen;
		notify(dev, &ev);
		return (int)outlen;
	}
	if (!dev->parts.cmd && !dev->info.pci[0]) {
		/* A devlink device that is no PCI function (netdevsim): there
		 * is nothing to load, it has no firmware commands at all. */
		r = fw_error(dev->ctx, -EOPNOTSUPP,
			     "device '%s': not a ConnectX function, it has no firmware commands "
			     "(only devlink health and regions)", dev->info.devlink);
		ev.result = r;
		notify(dev, &ev);
		return r;
	}
	if (!dev->parts.cmd) {
		r = fw_error(dev->ctx, -ENODEV,
			     "device '%s': no command interface: load mlx5_fwctl (Linux 6.15+) or the mlx5ctl driver",
			     dev->info.pci);
		ev.result = r;
		notify(dev, &ev);
		return r;
	}
	if (!CMD_M(dev, rpc)) {
		r = fw_error(dev->ctx, -EOPNOTSUPP,
			     "device '%s': the '%s' transport cannot send firmware commands",
			     dev->info.pci, dev->info.transport);
		ev.result = r;
		notify(dev, &ev);
		return r;
	}
	ev.sent = true;
	r = dev->parts.cmd->rpc(dev->parts.cmd_priv, in, inlen, out, outlen);
	if (r == 0)
		r = (int)outlen;
	if (r > 0 && ((size_t)r < MLX5_MBOX_HDR_LEN || (size_t)r > outlen)) {
		fw_cmd_id_describe(&id, what, sizeof(what));
		r = fw_error(dev->ctx, -EBADMSG,
			     "%s: the '%s' transport returned %d outbox bytes for a %zu-byte outbox",
			     what, dev->info.transport, r, outlen);
	}
	ev.result = r;
	if (r > 0) {
		ev.fw_replied = true;
		ev.status = (uint8_t)fw_mlx5_get(out, 0, 8);
		ev.syndrome = fw_get_be32((const uint8_t *)out + 4);
	}
	notify(dev, &ev);
	return r;
}

static int unsupported(struct fw_device *dev, const char *what)
{
	return fw_error(dev->ctx, -EOPNOTSUPP, "device '%s': the '%s' transport has no %s",
			dev->info.pci[0] ? dev->info.pci : dev->info.devlink, dev->info.transport,
			what);
}

/* A dry run reports an operation instead of performing it. */
static void dry_side(struct fw_device *dev, const char *what, bool fixed_size)
{
	struct fw_cmd_event ev = { .dry_run = true, .side_op = what, .fixed_size = fixed_size };

	notify(dev, &ev);
}

/* The dry run's answer for data: size bytes of zeros, one more for text. */
static int dry_data(struct fw_device *dev, const char *what, bool fixed_size, size_t size,
		    void **ret_data, size_t *ret_len)
{
	void *p = calloc(1, size + 1);

	if (!p)
		return fw_error(dev->ctx, -ENOMEM, "device: out of memory");
	dry_side(dev, what, fixed_size);
	*ret_data = p;
	*ret_len = size;
	return 0;
}

int fw_device_umem_reg(struct fw_device *dev, void *addr, size_t len, uint32_t *ret_id)
{
	if (!CMD_M(dev, umem_reg))
		return unsupported(dev, "user-memory registration");
	if (dev->dry_run) {
		dry_side(dev, "user memory registration", true);
		*ret_id = 0;
		return 0;
	}
	return dev->parts.cmd->umem_reg(dev->parts.cmd_priv, addr, len, ret_id);
}

int fw_device_umem_unreg(struct fw_device *dev, uint32_t id)
{
	if (!CMD_M(dev, umem_unreg))
		return unsupported(dev, "user-memory registration");
	if (dev->dry_run)
		return 0;
	return dev->parts.cmd->umem_unreg(dev->parts.cmd_priv, id);
}

#define HEALTH_CALL(dev, member, what, ...)                                           \
	(HEALTH_M(dev, member) ? (dev)->parts.health->member((dev)->parts.health_priv, \
							      __VA_ARGS__)            \
			       : unsupported(dev, what))

int fw_device_health_reporters(struct fw_device *dev, struct fw_health_reporter **ret,
			       size_t *ret_n)
{
	struct fw_health_reporter *r;

	if (!HEALTH_M(dev, reporters) || !dev->dry_run)
		return HEALTH_CALL(dev, reporters, "devlink health reporters", ret, ret_n);
	r = calloc(1, sizeof(*r));
	if (!r)
		return fw_error(dev->ctx, -ENOMEM, "device: out of memory");
	dry_side(dev, "devlink health reporter list", false);
	snprintf(r->name, sizeof(r->name), "<reporter>");
	r->has_dump = true;
	*ret = r;
	*ret_n = 1;
	return 0;
}

int fw_device_health_diagnose(struct fw_device *dev, const char *reporter, void **ret_data,
			      size_t *ret_len)
{
	if (HEALTH_M(dev, diagnose) && dev->dry_run)
		return dry_data(dev, "devlink health diagnose", false, 0, ret_data, ret_len);
	return HEALTH_CALL(dev, diagnose, "devlink health diagnose", reporter, ret_data, ret_len);
}

int fw_device_health_dump(struct fw_device *dev, const char *reporter, void **ret_data,
			  size_t *ret_len)
{
	if (HEALTH_M(dev, dump) && dev->dry_run)
		return dry_data(dev, "devlink health dump get, stored dumps only", false, 0, ret_data,
				ret_len);
	return HEALTH_CALL(dev, dump, "devlink health dump reads", reporter, ret_data, ret_len);
}

#define EVENTS_M(dev, member) FW_METHOD((dev)->parts.health, member, 3)

int fw_device_health_events_open(struct fw_device *dev, const char **ret_name)
{
	const struct fw_health_methods *hm = dev->parts.health;
	int fd;

	if (dev->events_on)
		return fw_error(dev->ctx, -EBUSY, "device: health events are already open");
	if (!EVENTS_M(dev, events_open) || !EVENTS_M(dev, events_read))
		return fw_error(dev->ctx, -EOPNOTSUPP, "device: transport '%s' has no health events",
				hm ? hm->name : "none");
	if (dev->dry_run) {
		dry_side(dev, "devlink health event subscription", false);
		return fw_error(dev->ctx, -EOPNOTSUPP, "device: no health events in a dry run");
	}
	fd = hm->events_open(dev->parts.health_priv);
	if (fd < 0)
		return fd;
	dev->events_on = true;
	if (ret_name)
		*ret_name = hm->events_name ? hm->events_name : hm->name;
	return fd;
}

int fw_device_health_events_read(struct fw_device *dev, struct fw_health_event *ev, size_t max)
{
	if (!dev->events_on)
		return fw_error(dev->ctx, -EBADF, "device: health events are not open");
	return dev->parts.health->events_read(dev->parts.health_priv, ev, max);
}

void fw_device_health_events_close(struct fw_device *dev)
{
	if (!dev->events_on)
		return;
	dev->events_on = false;
	if (EVENTS_M(dev, events_close))
		dev->parts.health->events_close(dev->parts.health_priv);
}

bool fw_device_health_events_only(const struct fw_device *dev)
{
	return FW_METHOD(dev->parts.health, events_only, 3);
}

void fw_device_allow_dump_clear(struct fw_device *dev, bool allow)
{
	dev->dump_clear = allow;
}

int fw_device_health_dump_clear(struct fw_device *dev, const char *reporter)
{
	if (!dev->dump_clear)
		return fw_error(dev->ctx, -EPERM,
				"clearing the stored dump of '%s' is a write; fwbox does it only with --clear-dumps",
				reporter);
	if (dev->dry_run)
		return 0;
	if (!FW_METHOD(dev->parts.health, dump_clear, 2))
		return fw_error(dev->ctx, -EOPNOTSUPP,
				"device: transport '%s' cannot clear a stored dump",
				dev->parts.health ? dev->parts.health->name : "none");
	return dev->parts.health->dump_clear(dev->parts.health_priv, reporter);
}

int fw_device_regions(struct fw_device *dev, struct fw_region **ret, size_t *ret_n)
{
	struct fw_region *r;

	if (!HEALTH_M(dev, regions) || !dev->dry_run)
		return HEALTH_CALL(dev, regions, "devlink regions", ret, ret_n);
	r = calloc(1, sizeof(*r));
	if (!r)
		return fw_error(dev->ctx, -ENOMEM, "device: out of memory");
	dry_side(dev, "devlink region list", false);
	snprintf(r->name, sizeof(r->name), "<region>");
	r->has_snapshot = true;
	*ret = r;
	*ret_n = 1;
	return 0;
}

int fw_device_region_read(struct fw_device *dev, const char *region, uint32_t snapshot_id,
			  void **ret_data, size_t *ret_len)
{
	if (HEALTH_M(dev, region_read) && dev->dry_run)
		return dry_data(dev, "devlink region read", false, 0, ret_data, ret_len);
	return HEALTH_CALL(dev, region_read, "devlink region reads", region, snapshot_id, ret_data,
			   ret_len);
}

int fw_device_tracefs_text(struct fw_device *dev, char **ret_text, size_t *ret_len)
{
	return fw_device_tracefs_gather(dev, 0, ret_text, ret_len);
}

int fw_device_wait_slices(struct fw_ctx *ctx, unsigned seconds, void (*tick)(void *u),
			  void *u)
{
	struct timespec slice = { 0, FW_DEVICE_WAIT_SLICE_NS };
	unsigned i;

	/* Short slices so a cancellation (SIGINT) ends the wait early. */
	for (i = 0; i < seconds * (1000000000u / FW_DEVICE_WAIT_SLICE_NS); i++) {
		if (fw_ctx_cancelled(ctx))
			return fw_error(ctx, -EINTR, "device: the wait was cancelled after %u ms",
					i * (unsigned)(FW_DEVICE_WAIT_SLICE_NS / 1000000u));
		/* The user ended the wait (fw_ctx_request_end_wait): not an error. */
		if (fw_ctx_wait_ended(ctx))
			return 0;
		if (tick)
			tick(u);
		nanosleep(&slice, NULL);
	}
	return 0;
}

int fw_device_wait(struct fw_device *dev, unsigned seconds)
{
	if (dev->dry_run)
		return 0;
	if (HEALTH_M(dev, wait))
		return dev->parts.health->wait(dev->parts.health_priv, seconds);
	return fw_device_wait_slices(dev->ctx, seconds, NULL, NULL);
}

int fw_device_tracefs_gather(struct fw_device *dev, unsigned seconds, char **ret_text,
			     size_t *ret_len)
{
	if (HEALTH_M(dev, trace_text) && dev->dry_run)
		return dry_data(dev, "tracefs mlx5_fw read", false, 0, (void **)ret_text, ret_len);
	return HEALTH_CALL(dev, trace_text, "tracefs mlx5_fw text", seconds, ret_text, ret_len);
}

int fw_device_tracefs_clock(struct fw_device *dev, char *buf, size_t len)
{
	if (!FW_METHOD(dev->parts.health, trace_clock, 4))
		return unsupported(dev, "tracefs clock");
	if (dev->dry_run) {
		dry_side(dev, "tracefs trace_clock read", false);
		if (len)
			buf[0] = '\0';
		return 0;
	}
	return dev->parts.health->trace_clock(dev->parts.health_priv, buf, len);
}

int fw_device_kernel_log(struct fw_device *dev, char **ret_text, size_t *ret_len)
{
	if (HEALTH_M(dev, kernel_log) && dev->dry_run)
		return dry_data(dev, "kernel log read", false, 0, (void **)ret_text, ret_len);
	return HEALTH_CALL(dev, kernel_log, "kernel log", ret_text, ret_len);
}

int fw_device_health_buffer(struct fw_device *dev, void **ret_data, size_t *ret_len)
{
	if (HEALTH_M(dev, health_buffer) && dev->dry_run)
		return dry_data(dev, "health buffer read", true, FW_HEALTH_BUFFER_BYTES, ret_data,
				ret_len);
	return HEALTH_CALL(dev, health_buffer, "health buffer", ret_data, ret_len);
}
