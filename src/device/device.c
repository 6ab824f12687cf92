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
#include "ifc/ifc.h"

struct fw_device {
	struct fw_ctx *ctx;
	const struct fw_device_ops *ops;
	void *priv;
	struct fw_device_info info;
	bool trace_control;
	bool dry_run;
	fw_device_observer_fn observer;
	void *observer_data;
	uint64_t seq;
	uint64_t n_cmds;
	uint64_t n_refused;
};

static bool spec_is_emu(const char *spec)
{
	return strncmp(spec, "emu", 3) == 0 && (spec[3] == '\0' || spec[3] == ':' || spec[3] == ',');
}

int fw_device_new_from_ops(struct fw_ctx *ctx, const struct fw_device_ops *ops, void *priv,
			   struct fw_device **ret)
{
	struct fw_device *dev;
	int r;

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		r = fw_error(ctx, -ENOMEM, "device: out of memory");
		goto err_close;
	}
	dev->ctx = ctx;
	dev->ops = ops;
	dev->priv = priv;
	if (ops->info) {
		r = ops->info(priv, &dev->info);
		if (r < 0)
			goto err_free;
	}
	if (!dev->info.transport[0] && ops->name)
		snprintf(dev->info.transport, sizeof(dev->info.transport), "%s", ops->name);
	dev->info.can_umem = dev->info.can_umem && ops->umem_reg && ops->umem_unreg;
	*ret = dev;
	return 0;

err_free:
	free(dev);
err_close:
	if (ops->close)
		ops->close(priv);
	return r;
}

int fw_device_open_with(struct fw_ctx *ctx, const char *spec,
			const struct fw_device_open_opts *opts, struct fw_device **ret)
{
	const struct fw_device_ops *ops = NULL;
	const char *sysroot = opts && opts->sysroot ? opts->sysroot : "";
	void *priv = NULL;
	int r;

	if (!spec || !spec[0])
		return fw_error(ctx, -EINVAL, "no device given: pass a PCI address, a device node or 'emu'");
	if (spec_is_emu(spec)) {
		ops = &fw_emu_transport_ops;
		r = ops->open(ctx, spec, &priv);
	} else {
		r = fw_transport_select(ctx, spec, sysroot, &ops, &priv);
	}
	if (r < 0)
		return r;
	return fw_device_new_from_ops(ctx, ops, priv, ret);
}

int fw_device_open(struct fw_ctx *ctx, const char *spec, struct fw_device **ret)
{
	return fw_device_open_with(ctx, spec, NULL, ret);
}

void fw_device_close(struct fw_device *dev)
{
	if (!dev)
		return;
	if (dev->ops->close)
		dev->ops->close(dev->priv);
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

const struct fw_device_ops *fw_device_ops_of(const struct fw_device *dev)
{
	return dev->ops;
}

void *fw_device_priv(const struct fw_device *dev)
{
	return dev->priv;
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
	if (!dev->ops->rpc) {
		r = fw_error(dev->ctx, -EOPNOTSUPP,
			     "device '%s': the '%s' transport cannot send firmware commands",
			     dev->info.pci, dev->info.transport);
		ev.result = r;
		notify(dev, &ev);
		return r;
	}
	r = dev->ops->rpc(dev->priv, in, inlen, out, outlen);
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
			dev->info.pci, dev->info.transport, what);
}

int fw_device_umem_reg(struct fw_device *dev, void *addr, size_t len, uint32_t *ret_id)
{
	if (!dev->ops->umem_reg)
		return unsupported(dev, "user-memory registration");
	return dev->ops->umem_reg(dev->priv, addr, len, ret_id);
}

int fw_device_umem_unreg(struct fw_device *dev, uint32_t id)
{
	if (!dev->ops->umem_unreg)
		return unsupported(dev, "user-memory registration");
	return dev->ops->umem_unreg(dev->priv, id);
}

int fw_device_health_reporters(struct fw_device *dev, struct fw_health_reporter **ret,
			       size_t *ret_n)
{
	if (!dev->ops->health_reporters)
		return unsupported(dev, "devlink health reporters");
	return dev->ops->health_reporters(dev->priv, ret, ret_n);
}

int fw_device_health_diagnose(struct fw_device *dev, const char *reporter, void **ret_data,
			      size_t *ret_len)
{
	if (!dev->ops->health_diagnose)
		return unsupported(dev, "devlink health diagnose");
	return dev->ops->health_diagnose(dev->priv, reporter, ret_data, ret_len);
}

int fw_device_health_dump(struct fw_device *dev, const char *reporter, void **ret_data,
			  size_t *ret_len)
{
	if (!dev->ops->health_dump)
		return unsupported(dev, "devlink health dump reads");
	return dev->ops->health_dump(dev->priv, reporter, ret_data, ret_len);
}

int fw_device_regions(struct fw_device *dev, struct fw_region **ret, size_t *ret_n)
{
	if (!dev->ops->regions)
		return unsupported(dev, "devlink regions");
	return dev->ops->regions(dev->priv, ret, ret_n);
}

int fw_device_region_read(struct fw_device *dev, const char *region, uint32_t snapshot_id,
			  void **ret_data, size_t *ret_len)
{
	if (!dev->ops->region_read)
		return unsupported(dev, "devlink region reads");
	return dev->ops->region_read(dev->priv, region, snapshot_id, ret_data, ret_len);
}

int fw_device_tracefs_text(struct fw_device *dev, char **ret_text, size_t *ret_len)
{
	if (!dev->ops->tracefs_text)
		return unsupported(dev, "tracefs mlx5_fw text");
	return dev->ops->tracefs_text(dev->priv, ret_text, ret_len);
}

int fw_device_wait_slices(struct fw_ctx *ctx, unsigned seconds, void (*tick)(void *u),
			  void *u)
{
	struct timespec slice = { 0, FW_DEVICE_WAIT_SLICE_NS };
	unsigned i;

	/* Short slices so a cancellation (SIGINT) ends the wait early. */
	for (i = 0; i < seconds * (1000000000u / FW_DEVICE_WAIT_SLICE_NS); i++) {
		if (fw_ctx_cancelled(ctx))
			return -EINTR;
		if (tick)
			tick(u);
		nanosleep(&slice, NULL);
	}
	return 0;
}

int fw_device_wait(struct fw_device *dev, unsigned seconds)
{
	if (dev->ops->wait)
		return dev->ops->wait(dev->priv, seconds);
	return fw_device_wait_slices(dev->ctx, seconds, NULL, NULL);
}

int fw_device_tracefs_gather(struct fw_device *dev, unsigned seconds, char **ret_text,
			     size_t *ret_len)
{
	if (dev->ops->tracefs_gather)
		return dev->ops->tracefs_gather(dev->priv, seconds, ret_text, ret_len);
	if (!dev->ops->tracefs_text)
		return unsupported(dev, "tracefs mlx5_fw text");
	/* The kernel keeps appending lines while we wait; a cancelled wait
	 * still reads what came. */
	fw_device_wait_slices(dev->ctx, seconds, NULL, NULL);
	return dev->ops->tracefs_text(dev->priv, ret_text, ret_len);
}

int fw_device_kernel_log(struct fw_device *dev, char **ret_text, size_t *ret_len)
{
	if (!dev->ops->kernel_log)
		return unsupported(dev, "kernel log");
	return dev->ops->kernel_log(dev->priv, ret_text, ret_len);
}

int fw_device_health_buffer(struct fw_device *dev, void **ret_data, size_t *ret_len)
{
	if (!dev->ops->health_buffer)
		return unsupported(dev, "health buffer");
	return dev->ops->health_buffer(dev->priv, ret_data, ret_len);
}
