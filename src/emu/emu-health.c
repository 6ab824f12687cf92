// SPDX-License-Identifier: MIT
/*
 * emu-health: the health buffer of the initialization segment and the
 * devlink health reporters fw and fw_fatal of the emulated mlx5 driver.
 *
 * Reporter output is produced as the kernel sends it: a devlink fmsg is a
 * flat list of items (OBJ_NEST_START, PAIR_NEST_START, ARR_NEST_START,
 * NEST_END flags, OBJ_NAME strings, OBJ_VALUE_TYPE + OBJ_VALUE_DATA pairs)
 * inside one DEVLINK_ATTR_FMSG nest per netlink message, the list split
 * across messages when a message is full.  We build each message with
 * libmnl's attribute helpers into a buffer (no socket) and hand back the
 * items of every message's DEVLINK_ATTR_FMSG nest, concatenated: the byte
 * stream the devlink transport reassembles from the kernel's replies.
 */
#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "emu/emu-internal.h"
#include "ifc/devlink.h"

/* One netlink message buffer (4 KiB like a genetlink reply) and the
 * kernel's DEVLINK_FMSG_MAX_SIZE for one binary item. */
#define EMU_FMSG_MSG_BYTES 4096u
#define EMU_FMSG_BINARY_CHUNK 3748u

struct emu_fmsg {
	uint8_t msg[EMU_FMSG_MSG_BYTES];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint8_t *out;
	size_t len, cap;
	bool oom;
};

static void emu_fmsg_flush(struct emu_fmsg *f)
{
	size_t n;

	if (!f->nlh)
		return;
	mnl_attr_nest_end(f->nlh, f->nest);
	n = mnl_attr_get_payload_len(f->nest);
	if (fw_grow((void **)&f->out, &f->cap, f->len + n, 1, 0) < 0) {
		f->oom = true;
		f->nlh = NULL;
		return;
	}
	memcpy(f->out + f->len, mnl_attr_get_payload(f->nest), n);
	f->len += n;
	f->nlh = NULL;
}

/* Make room for an item of need bytes (attributes included), starting a
 * new message if this one is full. */
static void emu_fmsg_room(struct emu_fmsg *f, size_t need)
{
	if (f->nlh && f->nlh->nlmsg_len + need > EMU_FMSG_MSG_BYTES)
		emu_fmsg_flush(f);
	if (!f->nlh) {
		f->nlh = mnl_nlmsg_put_header(f->msg);
		f->nest = mnl_attr_nest_start(f->nlh, FW_DEVLINK_ATTR_FMSG);
	}
}

static void emu_fmsg_flag(struct emu_fmsg *f, uint16_t type)
{
	emu_fmsg_room(f, MNL_ATTR_HDRLEN);
	mnl_attr_put(f->nlh, type, 0, NULL);
}

static void emu_fmsg_name(struct emu_fmsg *f, const char *name)
{
	emu_fmsg_room(f, MNL_ATTR_HDRLEN + MNL_ALIGN(strlen(name) + 1));
	mnl_attr_put_strz(f->nlh, FW_DEVLINK_ATTR_FMSG_OBJ_NAME, name);
}

static void emu_fmsg_value(struct emu_fmsg *f, uint8_t nla_type, const void *data, size_t len)
{
	emu_fmsg_room(f, MNL_ATTR_HDRLEN + MNL_ALIGN(1) + MNL_ATTR_HDRLEN + MNL_ALIGN(len));
	mnl_attr_put_u8(f->nlh, FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_TYPE, nla_type);
	mnl_attr_put(f->nlh, FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_DATA, len, data);
}

static void emu_fmsg_obj_start(struct emu_fmsg *f)
{
	emu_fmsg_flag(f, FW_DEVLINK_ATTR_FMSG_OBJ_NEST_START);
}

static void emu_fmsg_end(struct emu_fmsg *f)
{
	emu_fmsg_flag(f, FW_DEVLINK_ATTR_FMSG_NEST_END);
}

static void emu_fmsg_pair_start(struct emu_fmsg *f, const char *name)
{
	emu_fmsg_flag(f, FW_DEVLINK_ATTR_FMSG_PAIR_NEST_START);
	emu_fmsg_name(f, name);
}

static void emu_fmsg_u8_pair(struct emu_fmsg *f, const char *name, uint8_t v)
{
	emu_fmsg_pair_start(f, name);
	emu_fmsg_value(f, FW_NLA_U8, &v, 1);
	emu_fmsg_end(f);
}

static void emu_fmsg_bool_pair(struct emu_fmsg *f, const char *name, bool b)
{
	uint8_t v = b;

	emu_fmsg_pair_start(f, name);
	emu_fmsg_value(f, FW_NLA_FLAG, &v, 1);
	emu_fmsg_end(f);
}

static void emu_fmsg_u32_pair(struct emu_fmsg *f, const char *name, uint32_t v)
{
	emu_fmsg_pair_start(f, name);
	emu_fmsg_value(f, FW_NLA_U32, &v, 4);   /* host order, as nla_put_u32 */
	emu_fmsg_end(f);
}

static void emu_fmsg_u64_pair(struct emu_fmsg *f, const char *name, uint64_t v)
{
	emu_fmsg_pair_start(f, name);
	emu_fmsg_value(f, FW_NLA_U64, &v, 8);
	emu_fmsg_end(f);
}

static void emu_fmsg_string_pair(struct emu_fmsg *f, const char *name, const char *s)
{
	emu_fmsg_pair_start(f, name);
	emu_fmsg_value(f, FW_NLA_NUL_STRING, s, strlen(s) + 1);
	emu_fmsg_end(f);
}

static void emu_fmsg_binary_pair(struct emu_fmsg *f, const char *name, const uint8_t *data, size_t len)
{
	emu_fmsg_pair_start(f, name);
	emu_fmsg_flag(f, FW_DEVLINK_ATTR_FMSG_ARR_NEST_START);
	for (size_t off = 0; off < len; off += EMU_FMSG_BINARY_CHUNK) {
		size_t n = len - off < EMU_FMSG_BINARY_CHUNK ? len - off : EMU_FMSG_BINARY_CHUNK;

		emu_fmsg_value(f, FW_NLA_BINARY, data + off, n);
	}
	emu_fmsg_end(f);
	emu_fmsg_end(f);
}

static int emu_fmsg_finish(struct emu *e, struct emu_fmsg *f, void **ret_data, size_t *ret_len)
{
	emu_fmsg_flush(f);
	if (f->oom) {
		free(f->out);
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory building a devlink message");
	}
	*ret_data = f->out;
	*ret_len = f->len;
	return 0;
}

/* ---------------- health buffer ---------------- */

/* Health buffer offsets inside its 64 bytes (BAR0 + 0x200). */
enum {
	HB_ASSERT_VAR = 0x00, HB_EXIT_PTR = 0x20, HB_CALLRA = 0x24, HB_TIME = 0x2c, HB_FW_VER = 0x30,
	HB_HW_ID = 0x34, HB_RFR_SEVERITY = 0x38, HB_IRISC = 0x3c, HB_SYND = 0x3d, HB_EXT_SYND = 0x3e,
};

static const char *emu_synd_str(uint8_t synd)
{
	switch (synd) {
	case 0x1: return "firmware internal error";
	case 0x7: return "irisc not responding";
	case 0x8: return "unrecoverable hardware error";
	case 0x9: return "firmware CRC error";
	case 0xa: return "ICM fetch PCI error";
	case 0xb: return "HW fatal error";
	case 0xc: return "async EQ buffer overrun";
	case 0xd: return "EQ error";
	case 0xe: return "Invalid EQ referenced";
	case 0xf: return "FFSER error";
	case 0x10: return "High temperature";
	default: return "unrecognized error";
	}
}

void emu_health_init(struct emu *e)
{
	memset(e->health, 0, sizeof(e->health));
	fw_put_be32(e->health + HB_FW_VER,
		    ((uint32_t)e->fw_major << 24) | ((uint32_t)e->fw_minor << 16) | e->fw_sub);
	fw_put_be32(e->health + HB_HW_ID, e->prof->hw_dev_id);
	e->rep[0] = (struct emu_reporter){ .name = "fw", .state = "healthy" };
	e->rep[1] = (struct emu_reporter){ .name = "fw_fatal", .state = "healthy" };
}

void emu_health_release(struct emu *e)
{
	free(e->dump_data[0]);
	free(e->dump_data[1]);
}

int emu_health_buffer(struct emu *e, void **ret_data, size_t *ret_len)
{
	void *p = malloc(sizeof(e->health));

	if (!p)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory");
	memcpy(p, e->health, sizeof(e->health));
	*ret_data = p;
	*ret_len = sizeof(e->health);
	return 0;
}

/* The health report the emulated driver logs for a syndrome: what
 * mlx5's print_health_info() shows, field by field from the buffer. */
static void emu_klog_health(struct emu *e, FILE *f, const char *pfx)
{
	const uint8_t *h = e->health;
	uint8_t sev = h[HB_RFR_SEVERITY] & 0x7;
	uint32_t fw = fw_get_be32(h + HB_FW_VER);

	fprintf(f, "%s: Health issue observed, %s, severity(%u) %s:\n", pfx,
		emu_synd_str(h[HB_SYND]), sev, sev == 3 ? "ERROR" : "WARNING");
	for (unsigned i = 0; i < 6; i++)
		fprintf(f, "%s: assert_var[%u] 0x%08x\n", pfx, i,
			fw_get_be32(h + HB_ASSERT_VAR + 4 * i));
	fprintf(f, "%s: assert_exit_ptr 0x%08x\n", pfx, fw_get_be32(h + HB_EXIT_PTR));
	fprintf(f, "%s: assert_callra 0x%08x\n", pfx, fw_get_be32(h + HB_CALLRA));
	fprintf(f, "%s: fw_ver %u.%u.%u\n", pfx, fw >> 24, (fw >> 16) & 0xff, fw & 0xffff);
	fprintf(f, "%s: time %u\n", pfx, fw_get_be32(h + HB_TIME));
	fprintf(f, "%s: hw_id 0x%08x\n", pfx, fw_get_be32(h + HB_HW_ID));
	fprintf(f, "%s: rfr %u\n", pfx, h[HB_RFR_SEVERITY] >> 7);
	fprintf(f, "%s: irisc_index %u\n", pfx, h[HB_IRISC]);
	fprintf(f, "%s: synd 0x%x: %s\n", pfx, h[HB_SYND], emu_synd_str(h[HB_SYND]));
	fprintf(f, "%s: ext_synd 0x%04x\n", pfx, fw_get_be16(h + HB_EXT_SYND));
}

int emu_kernel_log(struct emu *e, char **ret_text, size_t *ret_len)
{
	char pfx[64], *text = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(pfx, sizeof(pfx), "%s %s", e->id.driver ? e->id.driver : "mlx5_core", e->pci);
	f = open_memstream(&text, &len);
	if (!f)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory");
	/* Probe, as the driver logs it on every boot. */
	fprintf(f, "%s: enabling device (0000 -> 0002)\n", pfx);
	fprintf(f, "%s: firmware version: %s\n", pfx, e->fw_version);
	fprintf(f, "%s: Port module event: module 0, Cable plugged\n", pfx);
	emu_plant_klog(&e->plant, f, pfx);
	if (e->fw_error && !e->fatal) {
		emu_klog_health(e, f, pfx);
		fprintf(f, "%s: devlink health reporter fw: error reported, dump stored\n", pfx);
	}
	if (e->fatal) {
		fprintf(f, "%s: poll_health: Fatal error %u detected\n", pfx, e->health[HB_SYND]);
		emu_klog_health(e, f, pfx);
		fprintf(f, "%s: mlx5_enter_error_state: start\n", pfx);
		fprintf(f, "%s: mlx5_enter_error_state: end\n", pfx);
		fprintf(f, "%s: devlink health reporter fw_fatal: error reported, crdump stored\n",
			pfx);
	}
	if (fclose(f) != 0 || !text) {
		free(text);
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory");
	}
	*ret_text = text;
	*ret_len = len;
	return 0;
}

/* The fw reporter's "health buffer" object, as mlx5 puts it. */
static void emu_fmsg_health_buffer(struct emu *e, struct emu_fmsg *f)
{
	const uint8_t *h = e->health;
	uint8_t rs = h[HB_RFR_SEVERITY];

	if (!h[HB_SYND])
		return;
	emu_fmsg_pair_start(f, "health buffer");
	emu_fmsg_obj_start(f);
	emu_fmsg_pair_start(f, "assert_var");
	emu_fmsg_flag(f, FW_DEVLINK_ATTR_FMSG_ARR_NEST_START);
	for (unsigned i = 0; i < 6; i++) {
		uint32_t v = fw_get_be32(h + HB_ASSERT_VAR + 4 * i);

		emu_fmsg_value(f, FW_NLA_U32, &v, 4);
	}
	emu_fmsg_end(f);
	emu_fmsg_end(f);
	emu_fmsg_u32_pair(f, "assert_exit_ptr", fw_get_be32(h + HB_EXIT_PTR));
	emu_fmsg_u32_pair(f, "assert_callra", fw_get_be32(h + HB_CALLRA));
	emu_fmsg_u32_pair(f, "time", fw_get_be32(h + HB_TIME));
	emu_fmsg_u32_pair(f, "hw_id", fw_get_be32(h + HB_HW_ID));
	emu_fmsg_u8_pair(f, "rfr", rs >> 7);
	emu_fmsg_u8_pair(f, "severity", (rs & 0x08) ? (rs & 0x07) : 3);
	emu_fmsg_u8_pair(f, "irisc_index", h[HB_IRISC]);
	emu_fmsg_u8_pair(f, "synd", h[HB_SYND]);
	emu_fmsg_u32_pair(f, "ext_synd", fw_get_be16(h + HB_EXT_SYND));
	emu_fmsg_u32_pair(f, "raw_fw_ver", fw_get_be32(h + HB_FW_VER));
	emu_fmsg_end(f);
	emu_fmsg_end(f);
}

/* mlx5_fw_reporter_dump(): a general core dump through the tracer first
 * (only the tracer owner may: -EPERM otherwise), the report context, the
 * health buffer, then the saved traces (-ENOMSG when there are none). */
static int emu_build_fw_dump(struct emu *e, void **ret, size_t *ret_len)
{
	struct emu_fmsg *f;
	const struct emu_saved *sv = NULL;
	size_t n;
	int r;

	if (e->tr.owner != 1)
		return fw_error(e->ctx, -EPERM, "emu: fw dump needs the tracer owned by the driver");
	emu_tracer_burst(e, 64);
	if (emu_tracer_saved(e, 0, &sv) == 0)
		return fw_error(e->ctx, -ENOMSG, "emu: fw dump: no saved traces");
	f = calloc(1, sizeof(*f));
	if (!f)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory");
	emu_fmsg_obj_start(f);
	emu_fmsg_u8_pair(f, "syndrome", e->health[HB_SYND]);
	emu_fmsg_u32_pair(f, "fw_miss_counter", e->fw_miss_counter);
	emu_fmsg_health_buffer(e, f);
	n = emu_tracer_saved(e, 0, &sv);
	emu_fmsg_pair_start(f, "dump fw traces");
	emu_fmsg_flag(f, FW_DEVLINK_ATTR_FMSG_ARR_NEST_START);
	for (size_t i = 0; i < n; i++) {
		emu_tracer_saved(e, i, &sv);
		emu_fmsg_obj_start(f);
		emu_fmsg_u64_pair(f, "timestamp", sv->ts);
		emu_fmsg_bool_pair(f, "lost", sv->lost);
		emu_fmsg_u8_pair(f, "event_id", sv->event_id);
		emu_fmsg_string_pair(f, "msg", sv->msg);
		emu_fmsg_end(f);
	}
	emu_fmsg_end(f);
	emu_fmsg_end(f);
	emu_fmsg_end(f);
	r = emu_fmsg_finish(e, f, ret, ret_len);
	free(f);
	return r;
}

/* mlx5_fw_fatal_reporter_dump(): the syndrome and miss counter of the
 * moment of the failure (kept in e->fatal_dump_*), then the crdump, a
 * CR-space image that depends only on the card (seed, ranges, planted
 * words), so building it when it is first read gives the same bytes as
 * building it at the failure. */
static int emu_build_fatal_dump(struct emu *e, void **ret, size_t *ret_len)
{
	struct emu_fmsg *f = calloc(1, sizeof(*f));
	uint8_t *img = NULL;
	size_t len;
	int r;

	if (!f)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory");
	r = emu_crspace_image(e, &img, &len);
	if (r < 0)
		goto out;
	emu_fmsg_obj_start(f);
	emu_fmsg_u8_pair(f, "syndrome", e->fatal_dump_synd);
	emu_fmsg_u32_pair(f, "fw_miss_counter", e->fatal_dump_miss);
	emu_fmsg_binary_pair(f, "crdump_data", img, len);
	emu_fmsg_end(f);
	r = emu_fmsg_finish(e, f, ret, ret_len);
out:
	free(img);
	free(f);
	return r;
}

void emu_health_fatal(struct emu *e)
{
	uint8_t *h = e->health;
	uint64_t ts = emu_wall_ns(e);

	e->fatal = true;
	for (unsigned i = 0; i < 6; i++)
		fw_put_be32(h + HB_ASSERT_VAR + 4 * i, (uint32_t)emu_hash(e->seed ^ 0xa55e, i));
	fw_put_be32(h + HB_EXIT_PTR, 0x00a1b000u | ((uint32_t)emu_hash(e->seed, 0xe1) & 0xffc));
	fw_put_be32(h + HB_CALLRA, 0x00a1c000u | ((uint32_t)emu_hash(e->seed, 0xe2) & 0xffc));
	fw_put_be32(h + HB_TIME, (uint32_t)(e->boot_uptime_s + e->now_ns / 1000000000ull));
	h[HB_RFR_SEVERITY] = 0x80 | 0x08 | 3;      /* rfr, severity valid, LOGLEVEL_ERR */
	h[HB_IRISC] = 1;
	h[HB_SYND] = e->fatal_synd;
	fw_put_be16(h + HB_EXT_SYND, (uint16_t)emu_hash(e->seed, 0xe3));

	/* poll_health() sees a fatal sensor (syndrome with rfr) and takes the
	 * fatal path only: fw_fatal reports and auto-dumps the crdump once;
	 * the fw reporter is not reported.  Recovery would reload the device,
	 * which the emulator does not do, so the state stays error. */
	e->rep[1].state = "error";
	e->rep[1].error_count++;
	e->rep[1].dump_ts_ns = ts;
	/* The dump is stored now; its 10-16 MB of crdump are built when it is
	 * first read (emu_reporter_dump), so the failure is reported at once
	 * rather than after the image is made: the bytes are the same. */
	if (!e->rep[1].has_dump) {
		e->fatal_dump_synd = h[HB_SYND];
		e->fatal_dump_miss = e->fw_miss_counter;
		e->fatal_dump_pending = true;
		e->rep[1].has_dump = true;
	}
}

void emu_health_fw_error(struct emu *e)
{
	uint8_t *h = e->health;

	e->fw_error = true;
	for (unsigned i = 0; i < 6; i++)
		fw_put_be32(h + HB_ASSERT_VAR + 4 * i, (uint32_t)emu_hash(e->seed ^ 0xa5e1, i));
	fw_put_be32(h + HB_EXIT_PTR, 0x00a1b000u | ((uint32_t)emu_hash(e->seed, 0xe4) & 0xffc));
	fw_put_be32(h + HB_CALLRA, 0x00a1c000u | ((uint32_t)emu_hash(e->seed, 0xe5) & 0xffc));
	fw_put_be32(h + HB_TIME, (uint32_t)(e->boot_uptime_s + e->now_ns / 1000000000ull));
	h[HB_RFR_SEVERITY] = 0x08 | 4;              /* severity valid, LOGLEVEL_WARNING, no rfr */
	h[HB_IRISC] = 0;
	h[HB_SYND] = e->fatal_synd;
	fw_put_be16(h + HB_EXT_SYND, (uint16_t)emu_hash(e->seed, 0xe6));

	/* "FW syndrome reported": the fw reporter goes to error (it has no
	 * recover op) and auto-dumps once if the dump op succeeds. */
	e->rep[0].state = "error";
	e->rep[0].error_count++;
	e->rep[0].dump_ts_ns = emu_wall_ns(e);
	if (!e->rep[0].has_dump && emu_build_fw_dump(e, &e->dump_data[0], &e->dump_len[0]) == 0)
		e->rep[0].has_dump = true;
	fw_ctx_clear_error(e->ctx);
}

size_t emu_reporter_count(const struct emu *e)
{
	(void)e;
	return 2;
}

const struct emu_reporter *emu_reporter_at(const struct emu *e, size_t i)
{
	return i < 2 ? &e->rep[i] : NULL;
}

static int emu_reporter_index(struct emu *e, const char *name)
{
	for (int i = 0; i < 2; i++)
		if (name && strcmp(e->rep[i].name, name) == 0)
			return i;
	return fw_error(e->ctx, -ENOENT, "emu: no health reporter '%s' (there are 'fw' and 'fw_fatal')",
			name ? name : "");
}

int emu_reporter_diagnose(struct emu *e, const char *name, void **ret_data, size_t *ret_len)
{
	struct emu_fmsg *f;
	int i = emu_reporter_index(e, name), r;

	if (i < 0)
		return i;
	if (i == 1)
		return fw_error(e->ctx, -EOPNOTSUPP, "emu: reporter 'fw_fatal' has no diagnose (as in mlx5)");
	f = calloc(1, sizeof(*f));
	if (!f)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory");
	emu_fmsg_obj_start(f);
	emu_fmsg_u8_pair(f, "Syndrome", e->health[HB_SYND]);
	if (e->health[HB_SYND])
		emu_fmsg_string_pair(f, "Description", emu_synd_str(e->health[HB_SYND]));
	emu_fmsg_end(f);
	r = emu_fmsg_finish(e, f, ret_data, ret_len);
	free(f);
	return r;
}

int emu_reporter_dump(struct emu *e, const char *name, void **ret_data, size_t *ret_len)
{
	int i = emu_reporter_index(e, name);
	void *p;

	if (i < 0)
		return i;
	if (!e->rep[i].has_dump)
		return fw_error(e->ctx, -ENOENT, "emu: reporter '%s' has no stored dump", name);
	if (i == 1 && e->fatal_dump_pending) {
		int r = emu_build_fatal_dump(e, &e->dump_data[1], &e->dump_len[1]);

		if (r < 0)
			return r;   /* still pending: a later read may have the memory */
		e->fatal_dump_pending = false;
	}
	p = malloc(e->dump_len[i]);
	if (!p)
		return fw_error(e->ctx, -ENOMEM, "emu: out of memory");
	memcpy(p, e->dump_data[i], e->dump_len[i]);
	*ret_data = p;
	*ret_len = e->dump_len[i];
	return 0;
}

int emu_reporter_dump_clear(struct emu *e, const char *name)
{
	int i = emu_reporter_index(e, name);

	if (i < 0)
		return i;
	/* As devlink_health_dump_clear(): the next report stores a new one. */
	free(e->dump_data[i]);
	e->dump_data[i] = NULL;
	e->dump_len[i] = 0;
	if (i == 1)
		e->fatal_dump_pending = false;
	e->rep[i].has_dump = false;
	e->rep[i].dump_ts_ns = 0;
	return 0;
}
