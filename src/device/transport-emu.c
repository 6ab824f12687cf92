/* SPDX-License-Identifier: MIT */
/*
 * The emulated ConnectX behind the device vtable.  Only emu/emu.h's API is
 * used, so the emulator stays a stand-in for a card: every mailbox still
 * goes through fw_device_cmd() and the allowlist, exactly as on hardware.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "device/device-internal.h"
#include "emu/emu.h"

struct emu_transport {
	struct fw_ctx *ctx;
	struct emu *emu;
};

static int emu_t_open(struct fw_ctx *ctx, const char *spec, void **ret_priv)
{
	struct emu_transport *t;
	int r;

	t = calloc(1, sizeof(*t));
	if (!t)
		return fw_error(ctx, -ENOMEM, "emu: out of memory");
	t->ctx = ctx;
	r = emu_new(ctx, spec, &t->emu);
	if (r < 0) {
		free(t);
		return r;
	}
	*ret_priv = t;
	return 0;
}

struct emu *fw_emu_transport_emu(void *priv)
{
	struct emu_transport *t = priv;

	return t->emu;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static int emu_t_info(void *priv, struct fw_device_info *ret)
{
	struct emu_transport *t = priv;
	const struct emu_identity *id = emu_identity(t->emu);
	struct fw_device_info info = { 0 };

	copy_str(info.pci, sizeof(info.pci), id->pci);
	info.vendor_id = id->vendor_id;
	info.device_id = id->device_id;
	info.subsys_vendor_id = id->subsys_vendor_id;
	info.subsys_device_id = id->subsys_device_id;
	copy_str(info.fw_version, sizeof(info.fw_version), id->fw_version);
	copy_str(info.psid, sizeof(info.psid), id->psid);
	copy_str(info.board_id, sizeof(info.board_id), id->board_id);
	copy_str(info.serial, sizeof(info.serial), id->serial);
	copy_str(info.kernel, sizeof(info.kernel), id->kernel);
	copy_str(info.driver, sizeof(info.driver), id->driver);
	copy_str(info.model, sizeof(info.model), id->model);
	copy_str(info.transport, sizeof(info.transport), "emu");
	info.uid = id->uid;
	info.uctx_caps = id->uctx_caps;
	/* Behave like the mlx5ctl V4 node (the smaller of the two kernel
	 * limits), so size checks and chunking run as on a real card. */
	info.max_rpc = FW_LIMIT_MLX5CTL_RPC;
	info.can_umem = true;
	*ret = info;
	return 0;
}

static int emu_t_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct emu_transport *t = priv;
	uint32_t got;
	int r;

	r = emu_cmd(t->emu, in, inlen, out, outlen);
	if (r < 0)
		return r;
	/* short=NAME cuts the reply; tell the gate how much is real. */
	got = emu_last_outlen(t->emu);
	return got < outlen ? (int)got : 0;
}

static int emu_t_umem_reg(void *priv, void *addr, size_t len, uint32_t *ret_id)
{
	struct emu_transport *t = priv;

	return emu_umem_reg(t->emu, addr, len, ret_id);
}

static int emu_t_umem_unreg(void *priv, uint32_t id)
{
	struct emu_transport *t = priv;

	return emu_umem_unreg(t->emu, id);
}

static void emu_t_close(void *priv)
{
	struct emu_transport *t = priv;

	if (!t)
		return;
	emu_free(t->emu);
	free(t);
}

static int emu_t_health_reporters(void *priv, struct fw_health_reporter **ret, size_t *ret_n)
{
	struct emu_transport *t = priv;
	struct fw_health_reporter *list;
	size_t i, n = emu_reporter_count(t->emu);

	list = calloc(n ? n : 1, sizeof(*list));
	if (!list)
		return fw_error(t->ctx, -ENOMEM, "emu: out of memory");
	for (i = 0; i < n; i++) {
		const struct emu_reporter *rep = emu_reporter_at(t->emu, i);

		if (strlen(rep->name) >= sizeof(list[i].name)) {
			free(list);
			return fw_error(t->ctx, -EOVERFLOW, "emu: reporter name '%s' is too long",
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

static int emu_t_health_diagnose(void *priv, const char *reporter, void **ret_data,
				 size_t *ret_len)
{
	struct emu_transport *t = priv;

	return emu_reporter_diagnose(t->emu, reporter, ret_data, ret_len);
}

static int emu_t_health_dump(void *priv, const char *reporter, void **ret_data, size_t *ret_len)
{
	struct emu_transport *t = priv;

	return emu_reporter_dump(t->emu, reporter, ret_data, ret_len);
}

static int emu_t_tracefs_text(void *priv, char **ret_text, size_t *ret_len)
{
	struct emu_transport *t = priv;

	return emu_tracefs_text(t->emu, ret_text, ret_len);
}

static int emu_t_tracefs_gather(void *priv, unsigned seconds, char **ret_text, size_t *ret_len)
{
	struct emu_transport *t = priv;

	/* Gathering for N seconds is N seconds of emulated firmware time. */
	emu_advance(t->emu, (uint64_t)seconds * 1000000000ull);
	return emu_tracefs_text(t->emu, ret_text, ret_len);
}

static void emu_t_tick(void *u)
{
	struct emu_transport *t = u;

	emu_advance(t->emu, FW_DEVICE_WAIT_SLICE_NS);
}

/* Emulated firmware time moves with the real wait, a slice at a time, so
 * the ring holds what the time waited produced and an interrupted wait
 * keeps what its slices made. */
static int emu_t_wait(void *priv, unsigned seconds)
{
	struct emu_transport *t = priv;

	return fw_device_wait_slices(t->ctx, seconds, emu_t_tick, t);
}

static int emu_t_kernel_log(void *priv, char **ret_text, size_t *ret_len)
{
	struct emu_transport *t = priv;

	return emu_kernel_log(t->emu, ret_text, ret_len);
}

static int emu_t_health_buffer(void *priv, void **ret_data, size_t *ret_len)
{
	struct emu_transport *t = priv;

	return emu_health_buffer(t->emu, ret_data, ret_len);
}

/* The emulator has no devlink regions (its crdump is in the fw_fatal dump),
 * so regions and region_read stay NULL: -EOPNOTSUPP, as on a kernel
 * without an mlx5 region. */
const struct fw_device_ops fw_emu_transport_ops = {
	.name = "emu",
	.open = emu_t_open,
	.info = emu_t_info,
	.rpc = emu_t_rpc,
	.umem_reg = emu_t_umem_reg,
	.umem_unreg = emu_t_umem_unreg,
	.close = emu_t_close,
	.health_reporters = emu_t_health_reporters,
	.health_diagnose = emu_t_health_diagnose,
	.health_dump = emu_t_health_dump,
	.tracefs_text = emu_t_tracefs_text,
	.tracefs_gather = emu_t_tracefs_gather,
	.health_buffer = emu_t_health_buffer,
	.wait = emu_t_wait,
	.kernel_log = emu_t_kernel_log,
};
