// SPDX-License-Identifier: MIT
/*
 * emu: the emulated ConnectX.  This file owns the device spec, the
 * profiles, the command dispatcher with its fault injection, QUERY_HCA_CAP
 * and the user-memory table.  Everything is derived from the seed and the
 * emulated clock (never the host clock), so a spec replays byte for byte.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "core/bytes.h"
#include "emu/emu-internal.h"
#include "ifc/ifc.h"

static const struct emu_profile emu_profiles[] = {
	{
		.name = "cx5", .model = "ConnectX-5", .part = "MCX556A-ECAT", .csv = "ConnectX5.csv",
		.device_id = 0x1017, .subsys_vendor_id = 0x15b3, .subsys_device_id = 0x0008,
		.hw_dev_id = 0x20d, .fw_major = 16, .fw_minor = 35, .fw_sub = 4030,
		.psid = "MT_0000000008",
		.technology = 3, .num_ports = 2, .freq_khz = 156250, .uctx_cap = 0x5,
		.ini_version = 0x16, .max_mtu = 9978,
		.eth_proto_cap = 0x7c0f10de, .ext_eth_proto_cap = 0x00000000, .ext_eth_proto_oper = 0,
		.data_rate_oper = 1000,
	},
	{
		.name = "cx6dx", .model = "ConnectX-6 Dx", .part = "MCX623106AN-CDAT", .csv = "ConnectX6DX.csv",
		.device_id = 0x101d, .subsys_vendor_id = 0x15b3, .subsys_device_id = 0x0016,
		.hw_dev_id = 0x212, .fw_major = 22, .fw_minor = 39, .fw_sub = 2048,
		.psid = "MT_0000000359",
		.technology = 3, .num_ports = 2, .freq_khz = 1000000, .uctx_cap = 0x7,
		.ini_version = 0x3a, .max_mtu = 9978,
		.eth_proto_cap = 0x7c0f10de, .ext_eth_proto_cap = 0x000003f6, .ext_eth_proto_oper = 0x200,
		.data_rate_oper = 1000,
	},
	{
		.name = "cx7", .model = "ConnectX-7", .part = "MCX75310AAS-NEAT", .csv = "ConnectX7.csv",
		.device_id = 0x1021, .subsys_vendor_id = 0x15b3, .subsys_device_id = 0x0041,
		.hw_dev_id = 0x218, .fw_major = 28, .fw_minor = 39, .fw_sub = 2048,
		.psid = "MT_0000000838",
		.technology = 4, .num_ports = 1, .freq_khz = 1300000, .uctx_cap = 0x7,
		.ini_version = 0x45, .max_mtu = 9978,
		.eth_proto_cap = 0x00000000, .ext_eth_proto_cap = 0x0003f3f6, .ext_eth_proto_oper = 0x2000,
		.data_rate_oper = 4000,
	},
};

/* Command names, for fault matching and for the BAD_OP message. */
static const struct {
	uint16_t opcode;
	const char *name;
} emu_cmd_names[] = {
	{ MLX5_CMD_QUERY_HCA_CAP, "QUERY_HCA_CAP" },
	{ MLX5_CMD_QUERY_ADAPTER, "QUERY_ADAPTER" },
	{ MLX5_CMD_QUERY_ISSI, "QUERY_ISSI" },
	{ MLX5_CMD_ACCESS_REG, "ACCESS_REG" },
	{ MLX5_CMD_ACCESS_REGISTER_USER, "ACCESS_REGISTER_USER" },
	{ MLX5_CMD_NOP, "NOP" },
	{ MLX5_CMD_CREATE_UCTX, "CREATE_UCTX" },
	{ MLX5_CMD_DESTROY_UCTX, "DESTROY_UCTX" },
	{ MLX5_CMD_CREATE_UMEM, "CREATE_UMEM" },
	{ MLX5_CMD_DESTROY_UMEM, "DESTROY_UMEM" },
};

/* Groups a fault NAME may name besides commands and registers. */
static const char *const emu_groups[] = { "TRACER", "RESDUMP", "COREDUMP", "ALL" };

static const struct {
	uint8_t status;
	const char *name;
} emu_status_names[] = {
	{ MLX5_STAT_INT_ERR, "INT_ERR" }, { MLX5_STAT_BAD_OP, "BAD_OP" },
	{ MLX5_STAT_BAD_PARAM, "BAD_PARAM" }, { MLX5_STAT_BAD_SYS_STATE, "BAD_SYS_STATE" },
	{ MLX5_STAT_BAD_RES, "BAD_RES" }, { MLX5_STAT_RES_BUSY, "RES_BUSY" },
	{ MLX5_STAT_LIM_ERR, "LIM_ERR" }, { MLX5_STAT_BAD_RES_STATE, "BAD_RES_STATE" },
	{ MLX5_STAT_IX_ERR, "IX_ERR" }, { MLX5_STAT_NO_RES, "NO_RES" },
	{ MLX5_STAT_BAD_QP_STATE, "BAD_QP_STATE" }, { MLX5_STAT_BAD_PKT, "BAD_PKT" },
	{ MLX5_STAT_BAD_SIZE_OUTS_CQES, "BAD_SIZE_OUTS_CQES" },
	{ MLX5_STAT_BAD_INP_LEN, "BAD_INP_LEN" }, { MLX5_STAT_BAD_OUTP_LEN, "BAD_OUTP_LEN" },
};

/* 2026-01-01T00:00:00Z: the emulated wall clock starts here, not at the
 * host's clock, so every output of a given spec is reproducible. */
#define EMU_WALL_BASE_NS (1767225600ull * 1000000000ull)

static uint64_t emu_hash_str(uint64_t seed, const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)toupper((unsigned char)*s)) * 1099511628211ull;
	return emu_hash(seed, h);
}

static const char *emu_cmd_name(uint16_t opcode)
{
	for (size_t i = 0; i < sizeof(emu_cmd_names) / sizeof(emu_cmd_names[0]); i++)
		if (emu_cmd_names[i].opcode == opcode)
			return emu_cmd_names[i].name;
	return NULL;
}

static bool emu_fault_name_known(const char *name)
{
	for (size_t i = 0; i < sizeof(emu_cmd_names) / sizeof(emu_cmd_names[0]); i++)
		if (strcasecmp(emu_cmd_names[i].name, name) == 0)
			return true;
	for (size_t i = 0; i < sizeof(emu_groups) / sizeof(emu_groups[0]); i++)
		if (strcasecmp(emu_groups[i], name) == 0)
			return true;
	return regcat_by_name(name) != NULL;
}

/* Parsers of spec values: false when s is not one; the caller names the
 * key in its message. */
static bool emu_parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*ret = v;
	return true;
}

static bool emu_parse_status(const char *s, uint8_t *ret)
{
	uint64_t v;

	for (size_t i = 0; i < sizeof(emu_status_names) / sizeof(emu_status_names[0]); i++)
		if (strcasecmp(emu_status_names[i].name, s) == 0) {
			*ret = emu_status_names[i].status;
			return true;
		}
	if (!emu_parse_u64(s, 0xff, &v) || v == 0)
		return false;
	*ret = (uint8_t)v;
	return true;
}

static bool emu_pci_valid(const char *s)
{
	unsigned dom, bus, dev, fn;
	int n = 0;

	if (sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) != 4 || (size_t)n != strlen(s))
		return false;
	return strlen(s) == 12 && dev < 32 && fn < 8;
}

static int emu_parse_fault(struct emu *e, enum emu_fault_kind kind, const char *key, const char *val)
{
	struct emu_fault *f;
	char buf[96];
	char *name, *status, *synd;

	if (e->nfaults >= EMU_MAX_FAULTS)
		return fw_error(e->ctx, -EINVAL, "emu spec: more than %u fault keys, at '%s'",
				EMU_MAX_FAULTS, key);
	if (strlen(val) >= sizeof(buf))
		return fw_error(e->ctx, -EINVAL, "emu spec: value of '%s' is too long", key);
	strcpy(buf, val);
	name = buf;
	status = strchr(buf, ':');
	synd = NULL;
	if (status) {
		*status++ = '\0';
		synd = strchr(status, ':');
		if (synd)
			*synd++ = '\0';
	}
	if (!*name || strlen(name) >= sizeof(f->name) || !emu_fault_name_known(name))
		return fw_error(e->ctx, -EINVAL,
				"emu spec: '%s=%s': '%s' is not a command, register or group "
				"(tracer, resdump, coredump, all); see fwbox-emu(7)",
				key, val, name);
	if (status && kind != EMU_FAULT_FAIL)
		return fw_error(e->ctx, -EINVAL, "emu spec: '%s' takes only a NAME, not '%s'", key, val);
	f = &e->faults[e->nfaults];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	for (size_t i = 0; name[i]; i++)
		f->name[i] = (char)toupper((unsigned char)name[i]);
	f->status = MLX5_STAT_INT_ERR;
	if (status && !emu_parse_status(status, &f->status))
		return fw_error(e->ctx, -EINVAL,
				"emu spec: '%s=%s': status '%s' is not a non-zero number or a status "
				"name such as BAD_PARAM",
				key, val, status);
	f->syndrome = (uint32_t)emu_hash_str(e->seed, f->name) | 0x10000000u;
	if (synd) {
		uint64_t v;

		if (!emu_parse_u64(synd, 0xffffffffu, &v))
			return fw_error(e->ctx, -EINVAL, "emu spec: '%s=%s': syndrome '%s' is not a 32-bit number",
					key, val, synd);
		f->syndrome = (uint32_t)v;
	}
	e->nfaults++;
	return 0;
}

struct emu_opts {
	char crspace[256];
	int owner;
	uint64_t history_ms;
	bool fatal_now, fw_error_now;   /* fatal-after=0, fw-error-after=0 */
};

static int emu_parse_kv(struct emu *e, struct emu_opts *o, char *kv)
{
	char *val = strchr(kv, '=');
	uint64_t v;
	int r;

	if (!val)
		return fw_error(e->ctx, -EINVAL, "emu spec: '%s' is not key=value; see fwbox-emu(7)", kv);
	*val++ = '\0';
	if (strcmp(kv, "seed") == 0) {
		if (!emu_parse_u64(val, UINT64_MAX, &e->seed))
			goto bad_number;
	} else if (strcmp(kv, "pci") == 0) {
		if (!emu_pci_valid(val))
			return fw_error(e->ctx, -EINVAL,
					"emu spec: 'pci=%s' is not a PCI address like 0000:08:00.0", val);
		snprintf(e->pci, sizeof(e->pci), "%s", val);
		for (char *p = e->pci; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	} else if (strcmp(kv, "rate") == 0) {
		if (!emu_parse_u64(val, 100000000ull, &e->rate))
			return fw_error(e->ctx, -EINVAL,
					"emu spec: 'rate=%s' must be 0..100000000 events per second", val);
	} else if (strcmp(kv, "lost") == 0) {
		if (!emu_parse_u64(val, UINT32_MAX, &v))
			goto bad_number;
		e->lost_every = (uint32_t)v;
	} else if (strcmp(kv, "tracefs") == 0) {
		if (!emu_parse_u64(val, 100000000ull, &e->tracefs_max))
			goto bad_number;
	} else if (strcmp(kv, "history") == 0) {
		if (!emu_parse_u64(val, 3600000ull, &o->history_ms))
			return fw_error(e->ctx, -EINVAL, "emu spec: 'history=%s' must be 0..3600000 ms", val);
	} else if (strcmp(kv, "fw") == 0) {
		unsigned maj, min, sub;
		int n = -1;

		if (sscanf(val, "%3u.%3u.%5u%n", &maj, &min, &sub, &n) != 3 || n < 0 || val[n] ||
		    !isdigit((unsigned char)val[0]) || maj > 255 || min > 255 || sub > 65535)
			return fw_error(e->ctx, -EINVAL,
					"emu spec: 'fw=%s' must be MAJOR.MINOR.SUBMINOR like 28.40.1000 "
					"(0..255, 0..255, 0..65535)", val);
		e->fw_major = (uint8_t)maj;
		e->fw_minor = (uint8_t)min;
		e->fw_sub = (uint16_t)sub;
		e->fw_set = true;
	} else if (strcmp(kv, "fatal-after") == 0) {
		if (!emu_parse_u64(val, UINT64_MAX, &e->fatal_after))
			return fw_error(e->ctx, -EINVAL,
					"emu spec: 'fatal-after=%s' must be a command count", val);
		o->fatal_now = e->fatal_after == 0;
	} else if (strcmp(kv, "fw-error-after") == 0) {
		if (!emu_parse_u64(val, UINT64_MAX, &e->fw_error_after))
			return fw_error(e->ctx, -EINVAL,
					"emu spec: 'fw-error-after=%s' must be a command count", val);
		o->fw_error_now = e->fw_error_after == 0;
	} else if (strcmp(kv, "fatal-at") == 0 || strcmp(kv, "burst") == 0 || strcmp(kv, "start-on") == 0) {
		return emu_schedule_parse(e, kv, val);
	} else if (strcmp(kv, "synd") == 0) {
		if (!emu_parse_u64(val, 0xff, &v) || v == 0)
			return fw_error(e->ctx, -EINVAL, "emu spec: 'synd=%s' must be 1..255", val);
		e->fatal_synd = (uint8_t)v;
	} else if (strcmp(kv, "owner") == 0) {
		if (strcmp(val, "kernel") == 0)
			o->owner = 1;
		else if (strcmp(val, "none") == 0)
			o->owner = 0;
		else
			return fw_error(e->ctx, -EINVAL, "emu spec: 'owner=%s' must be 'kernel' or 'none'", val);
	} else if (strcmp(kv, "devlink") == 0) {
		if (strcmp(val, "none") == 0)
			e->no_devlink = true;
		else if (strcmp(val, "health") == 0)
			e->no_devlink = false;
		else
			return fw_error(e->ctx, -EINVAL, "emu spec: 'devlink=%s' must be 'health' or 'none'",
					val);
	} else if (strcmp(kv, "crspace") == 0) {
		if (!*val || strlen(val) >= sizeof(o->crspace))
			return fw_error(e->ctx, -EINVAL, "emu spec: 'crspace=' needs 'builtin' or a path");
		strcpy(o->crspace, val);
	} else if ((r = emu_plant_parse(e->ctx, &e->plant, kv, val)) != 0) {
		return r < 0 ? r : 0;
	} else if (strcmp(kv, "fail") == 0) {
		return emu_parse_fault(e, EMU_FAULT_FAIL, kv, val);
	} else if (strcmp(kv, "timeout") == 0) {
		return emu_parse_fault(e, EMU_FAULT_TIMEOUT, kv, val);
	} else if (strcmp(kv, "busy") == 0) {
		return emu_parse_fault(e, EMU_FAULT_BUSY, kv, val);
	} else if (strcmp(kv, "short") == 0) {
		return emu_parse_fault(e, EMU_FAULT_SHORT, kv, val);
	} else {
		return fw_error(e->ctx, -EINVAL,
				"emu spec: unknown key '%s'; known: seed, fw, pci, rate, lost, tracefs, owner, history, "
				"devlink, crspace, fail, timeout, busy, short, fatal-after, fw-error-after, fatal-at, burst, start-on, synd, "
				"serial, mac, guid, node_desc, ip, ip6 (fwbox-emu(7))",
				kv);
	}
	return 0;
bad_number:
	return fw_error(e->ctx, -EINVAL, "emu spec: '%s=%s' is not a number", kv, val);
}

static int emu_parse_spec(struct emu *e, struct emu_opts *o, const char *spec)
{
	char *copy, *p, *tok, *save = NULL;
	const char *profile = "cx7";
	int r = 0;

	if (strncmp(spec, "emu", 3) != 0 || (spec[3] && spec[3] != ':' && spec[3] != ','))
		return fw_error(e->ctx, -EINVAL, "'%s' is not an emulator spec (emu[:PROFILE][,key=value...])",
				spec);
	copy = strdup(spec + 3);
	if (!copy)
		return fw_error(e->ctx, -ENOMEM, "emu spec: out of memory");
	p = copy;
	if (*p == ':') {
		char *comma = strchr(p + 1, ',');

		if (comma)
			*comma = '\0';
		profile = p + 1;
		e->prof = NULL;
		for (size_t i = 0; i < sizeof(emu_profiles) / sizeof(emu_profiles[0]); i++)
			if (strcmp(emu_profiles[i].name, profile) == 0)
				e->prof = &emu_profiles[i];
		if (!e->prof) {
			r = fw_error(e->ctx, -EINVAL, "emu spec: unknown profile '%s'; known: cx5, cx6dx, cx7",
				     profile);
			goto out;
		}
		p = comma ? comma + 1 : p + strlen(p);
	} else {
		e->prof = &emu_profiles[2];
		if (*p == ',')
			p++;
	}
	for (tok = strtok_r(p, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		r = emu_parse_kv(e, o, tok);
		if (r < 0)
			goto out;
	}
out:
	free(copy);
	return r;
}

int emu_new(struct fw_ctx *ctx, const char *spec, struct emu **ret)
{
	struct emu_opts o = { .owner = 1, .history_ms = 0 };
	struct utsname u;
	struct emu *e;
	int r;

	if (!spec)
		return fw_error(ctx, -EINVAL, "emu spec: none given");
	e = calloc(1, sizeof(*e));
	if (!e)
		return fw_error(ctx, -ENOMEM, "emu: out of memory");
	e->ctx = ctx;
	e->rate = 2000;
	e->lost_every = 500;
	e->tracefs_max = 65536;
	e->fatal_synd = 0x1;
	e->next_umem_id = 0x100;
	strcpy(e->pci, "0000:08:00.0");
	r = emu_parse_spec(e, &o, spec);
	if (r < 0)
		goto fail;

	e->wall_base_ns = EMU_WALL_BASE_NS + (emu_hash(e->seed, 1) % 86400ull) * 1000000000ull;
	e->boot_uptime_s = 600 + emu_hash(e->seed, 2) % 86400;
	e->uid = 1 + (uint32_t)(emu_hash(e->seed, 3) % 0x7ff);
	snprintf(e->serial, sizeof(e->serial), "MT%02u%02uX%05u", 20 + (unsigned)(emu_hash(e->seed, 4) % 6),
		 1 + (unsigned)(emu_hash(e->seed, 5) % 52), (unsigned)(emu_hash(e->seed, 6) % 100000));
	if (!e->fw_set) {
		e->fw_major = e->prof->fw_major;
		e->fw_minor = e->prof->fw_minor;
		e->fw_sub = e->prof->fw_sub;
	}
	snprintf(e->fw_version, sizeof(e->fw_version), "%u.%u.%04u", e->fw_major, e->fw_minor,
		 e->fw_sub);
	/* MGIR's dev_branch_tag names the release running, so it follows fw=
	 * too; formatted here once, not on every MGIR read. */
	snprintf(e->branch_tag, sizeof(e->branch_tag), "rel-%u_%u_%04u", e->fw_major, e->fw_minor,
		 e->fw_sub);
	e->id.profile = e->prof->name;
	e->id.pci = e->pci;
	e->id.vendor_id = 0x15b3;
	e->id.device_id = e->prof->device_id;
	e->id.subsys_vendor_id = e->prof->subsys_vendor_id;
	e->id.subsys_device_id = e->prof->subsys_device_id;
	e->id.model = e->prof->model;
	e->id.fw_version = e->fw_version;
	e->id.psid = e->prof->psid;
	e->id.board_id = e->prof->psid;
	e->id.serial = e->serial;
	e->id.driver = "mlx5_core";
	/* The emulated driver runs on this host's kernel: the device identity
	 * and host.info (uname) then name the same release. */
	if (uname(&u) == 0)
		snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);
	else
		snprintf(e->kernel, sizeof(e->kernel), "unknown");
	e->id.kernel = e->kernel;
	e->id.uid = e->uid;
	e->id.uctx_caps = e->prof->uctx_cap;

	if (e->plant.set & EMU_PLANT_SERIAL)
		snprintf(e->serial, sizeof(e->serial), "%s", e->plant.serial);
	r = emu_crspace_init(e, o.crspace[0] ? o.crspace : NULL);
	if (r < 0)
		goto fail;
	emu_plant_place(&e->plant, e->cr, e->ncr);
	r = emu_tracer_init(e);
	if (r < 0)
		goto fail;
	e->tr.owner = o.owner;
	e->tr.active = o.owner == 1;
	emu_health_init(e);
	/* history=MS: the card has been tracing for a while before anyone
	 * looks (off by default: the device adapter advances emulated time
	 * while a collector gathers trace text, and emu_trace_stream() users
	 * expect the text to hold their stream only). */
	if (e->tr.active && o.history_ms)
		emu_advance(e, o.history_ms * 1000000ull);
	/* N = 0: the error happened before anyone looked. */
	if (o.fw_error_now)
		emu_health_fw_error(e);
	if (o.fatal_now)
		emu_health_fatal(e);
	/* fatal-at= and burst= count from here: the device is open. */
	r = emu_schedule_start(e);
	if (r < 0)
		goto fail;
	*ret = e;
	return 0;
fail:
	emu_free(e);
	return r;
}

void emu_free(struct emu *e)
{
	if (!e)
		return;
	emu_tracer_release(e);
	emu_health_release(e);
	emu_schedule_release(e);
	free(e->cr);
	free(e->rd.data);
	free(e);
}

const struct emu_identity *emu_identity(const struct emu *e)
{
	return &e->id;
}

uint64_t emu_command_count(const struct emu *e)
{
	return e->ncmds;
}

uint32_t emu_last_outlen(const struct emu *e)
{
	return e->last_outlen;
}

const char *emu_profile_name(size_t i)
{
	return i < sizeof(emu_profiles) / sizeof(emu_profiles[0]) ? emu_profiles[i].name : NULL;
}

/* ---- user memory ---- */

int emu_umem_reg(struct emu *e, void *addr, size_t len, uint32_t *ret_id)
{
	if (!addr || len == 0 || len > (64u << 20) || (uintptr_t)addr + len < (uintptr_t)addr)
		return fw_error(e->ctx, -EINVAL, "emu: user memory of %zu bytes refused (1 byte .. 64 MiB)", len);
	for (size_t i = 0; i < EMU_MAX_UMEMS; i++) {
		if (e->umems[i].id)
			continue;
		e->umems[i].id = e->next_umem_id++;
		e->umems[i].addr = addr;
		e->umems[i].len = len;
		*ret_id = e->umems[i].id;
		return 0;
	}
	return fw_error(e->ctx, -ENOSPC, "emu: more than %u user memory registrations", EMU_MAX_UMEMS);
}

int emu_umem_unreg(struct emu *e, uint32_t id)
{
	struct emu_umem *u = emu_umem_find(e, id);

	if (!u)
		return fw_error(e->ctx, -ENOENT, "emu: no user memory with id %u", id);
	if (e->tr.mkey == id) {
		/* The tracer loses its buffer: firmware stops tracing into it. */
		e->tr.active = false;
		e->tr.mkey = 0;
	}
	memset(u, 0, sizeof(*u));
	return 0;
}

void emu_advance(struct emu *e, uint64_t ns)
{
	e->now_ns += ns;
	emu_tracer_advance(e, ns);
}

/* ---- QUERY_HCA_CAP ---- */

static void emu_set(uint8_t *cap, size_t byte, unsigned msb, unsigned width, uint32_t v)
{
	fw_mlx5_set(cap, byte * 8 + (31 - msb), width, v);
}

static uint8_t emu_hca_cap(struct emu *e, unsigned type, bool cur, uint8_t *cap, uint32_t *syndrome)
{
	const struct emu_profile *p = e->prof;

	switch (type) {
	case 0x0: /* GENERAL (cmd_hca_cap) */
		emu_set(cap, 4, 31, 1, 1);                  /* hca_cap_2 */
		emu_set(cap, 4, 15, 16, 0);                 /* vhca_id */
		emu_set(cap, 16, 31, 8, 24);                /* log_max_srq_sz */
		emu_set(cap, 16, 7, 5, 17);                 /* log_max_qp */
		emu_set(cap, 44, 16, 1, 1);                 /* qcam_reg */
		emu_set(cap, 48, 28, 1, 1);                 /* debug */
		emu_set(cap, 52, 22, 1, 1);                 /* mcam_reg */
		emu_set(cap, 52, 21, 1, 1);                 /* pcam_reg */
		emu_set(cap, 52, 9, 2, 1);                  /* port_type: Ethernet */
		emu_set(cap, 52, 7, 8, p->num_ports);       /* num_ports */
		emu_set(cap, 56, 28, 5, 30);                /* log_max_msg */
		emu_set(cap, 80, 31, 16, p->device_id == 0x1017 ? 18 : 175); /* num_of_diagnostic_counters */
		emu_set(cap, 128, 31, 32, 0);               /* general_obj_types 63..32 */
		emu_set(cap, 132, 31, 32, cur ? 0x00003ffeu : 0x0001fffeu);
		emu_set(cap, 156, 31, 32, p->freq_khz);     /* device_frequency_khz */
		emu_set(cap, 212, 31, 32, p->uctx_cap);     /* uctx_cap */
		break;
	case 0x1: /* ETHERNET_OFFLOADS: csum, vlan, lro, ... first bits */
		emu_set(cap, 0, 31, 8, 0xf9);
		emu_set(cap, 4, 31, 8, 0x7e);
		emu_set(cap, 8, 15, 16, 0x3c);              /* max_lso_cap and friends */
		break;
	case 0x4: /* ROCE */
		emu_set(cap, 0, 31, 4, 0xe);
		emu_set(cap, 4, 15, 16, 0xc000);            /* r_roce_dest_udp_port */
		break;
	case 0xc: /* QOS */
		emu_set(cap, 0, 31, 8, 0xe8);
		emu_set(cap, 8, 31, 32, 400000);            /* packet_pacing_max_rate */
		break;
	case 0xd: /* DEBUG */
		emu_set(cap, 0, 31, 1, 1);                  /* core_dump_general */
		emu_set(cap, 0, 30, 1, 1);                  /* core_dump_qp */
		emu_set(cap, 0, 27, 5, 8);                  /* log_cr_dump_to_mem_size */
		emu_set(cap, 0, 22, 1, 1);                  /* resource_dump */
		emu_set(cap, 0, 20, 5, 4);                  /* log_min_resource_dump_eq */
		emu_set(cap, 0, 7, 8, 14);                  /* log_max_samples */
		emu_set(cap, 4, 31, 1, 1);                  /* single */
		emu_set(cap, 4, 30, 1, 1);                  /* repetitive */
		emu_set(cap, 4, 28, 1, 1);                  /* diag_counter_tracer_dump */
		emu_set(cap, 4, 7, 8, 0);                   /* log_min_sample_period */
		{
			static const uint16_t ids[] = { 0x401, 0x402, 0x403, 0x406, 0x409, 0x40a, 0x40b,
							0x1001, 0x2001, 0x2006, 0x2c02, 0x2c03, 0x2c04,
							0x2c05, 0x2c06, 0x3001, 0x3002, 0x3003 };

			for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
				emu_set(cap, 64 + 4 * i, 31, 1, 1);
				emu_set(cap, 64 + 4 * i, 15, 16, ids[i]);
			}
		}
		break;
	case 0x20: /* GENERAL_2 */
		emu_set(cap, 0, 31, 8, 0x40);
		emu_set(cap, 16, 31, 32, 0x00000013);
		break;
	default:
		*syndrome = 0x6e36a3d1u ^ type;
		return MLX5_STAT_BAD_PARAM;
	}
	return MLX5_STAT_OK;
}

/* ---- dispatch ---- */

static const struct emu_fault *emu_fault_match(struct emu *e, const char *cmd, const struct regcat_reg *r)
{
	const char *group = NULL;

	if (r) {
		if (strncmp(r->name, "MTRC_", 5) == 0)
			group = "TRACER";
		else if (r->id == MLX5_REG_RESOURCE_DUMP)
			group = "RESDUMP";
		else if (r->id == MLX5_REG_CORE_DUMP)
			group = "COREDUMP";
	}
	for (size_t i = 0; i < e->nfaults; i++) {
		const struct emu_fault *f = &e->faults[i];

		if (strcmp(f->name, "ALL") == 0 || (cmd && strcmp(f->name, cmd) == 0) ||
		    (r && strcmp(f->name, r->name) == 0) || (group && strcmp(f->name, group) == 0))
			return f;
	}
	return NULL;
}

static uint8_t emu_access_reg(struct emu *e, const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen,
			      uint32_t *syndrome, const struct regcat_reg **ret_reg)
{
	uint16_t op_mod = fw_get_be16(in + 6);
	uint16_t reg_id = fw_get_be16(in + 10);
	const struct regcat_reg *r = regcat_by_id(reg_id);

	*ret_reg = r;
	if (!r) {
		*syndrome = 0x2d1c93e0u | reg_id;
		return MLX5_STAT_BAD_PARAM;
	}
	if (op_mod > 1) {
		*syndrome = 0x5aa1b3c0u | op_mod;
		return MLX5_STAT_BAD_PARAM;
	}
	return emu_reg_access(e, r, op_mod == 0, in + 16, inlen - 16, out + 16, outlen - 16, syndrome);
}

static void emu_out_status(uint8_t *out, uint8_t status, uint32_t syndrome)
{
	out[0] = status;
	out[1] = out[2] = out[3] = 0;
	fw_put_be32(out + 4, status ? syndrome : 0);
}

int emu_cmd(struct emu *e, const void *inp, size_t inlen, void *outp, size_t outlen)
{
	const uint8_t *in = inp;
	uint8_t *out = outp;
	const struct regcat_reg *reg = NULL;
	const struct emu_fault *f;
	const char *name;
	uint32_t syndrome = 0;
	uint16_t opcode;
	uint8_t status;
	int ret = 0;

	if (!in || !out || outlen < MLX5_MBOX_HDR_LEN)
		return fw_error(e->ctx, -EINVAL, "emu: command needs an outbox of at least %d bytes",
				MLX5_MBOX_HDR_LEN);
	if (e->fatal)
		return fw_error(e->ctx, -EIO,
				"emu: firmware is in a fatal state (health syndrome 0x%x); "
				"commands fail until the device is reset",
				e->fatal_synd);
	e->ncmds++;
	memset(out, 0, outlen);
	e->last_outlen = (uint32_t)(outlen > UINT32_MAX ? UINT32_MAX : outlen);
	if (inlen < MLX5_MBOX_HDR_LEN) {
		emu_out_status(out, MLX5_STAT_BAD_INP_LEN, 0x51c0f2a8u ^ (uint32_t)inlen);
		goto done;
	}
	opcode = fw_get_be16(in);
	name = emu_cmd_name(opcode);
	if (opcode == MLX5_CMD_ACCESS_REG || opcode == MLX5_CMD_ACCESS_REGISTER_USER)
		reg = regcat_by_id(fw_get_be16(in + 10));

	f = emu_fault_match(e, name, reg);
	if (f && f->kind == EMU_FAULT_TIMEOUT)
		return fw_error(e->ctx, -ETIMEDOUT, "emu: command %s timed out (injected by 'timeout=%s')",
				name ? name : "?", f->name);
	if (f && f->kind == EMU_FAULT_BUSY)
		return fw_error(e->ctx, -EBUSY, "emu: command %s: device busy (injected by 'busy=%s')",
				name ? name : "?", f->name);
	if (f && f->kind == EMU_FAULT_FAIL) {
		emu_out_status(out, f->status, f->syndrome);
		goto done;
	}

	switch (opcode) {
	case MLX5_CMD_QUERY_HCA_CAP: {
		uint16_t op_mod = fw_get_be16(in + 6);

		if (outlen < MLX5_MBOX_HDR_LEN + 4096) {
			status = MLX5_STAT_BAD_OUTP_LEN;
			syndrome = 0x1b0c3f5au;
			break;
		}
		status = emu_hca_cap(e, op_mod >> 1, op_mod & 1, out + 16, &syndrome);
		break;
	}
	case MLX5_CMD_ACCESS_REG:
	case MLX5_CMD_ACCESS_REGISTER_USER:
		status = emu_access_reg(e, in, inlen, out, outlen, &syndrome, &reg);
		break;
	case MLX5_CMD_NOP:
		status = MLX5_STAT_OK;
		break;
	case MLX5_CMD_QUERY_ISSI:
		status = MLX5_STAT_OK;
		if (outlen >= 16 + 100) {
			fw_put_be16(out + 10, 1);            /* current_issi */
			out[16 + 99] = 0x3;                  /* supported_issi: 0 and 1 */
		}
		break;
	case MLX5_CMD_QUERY_ADAPTER:
		status = MLX5_STAT_OK;
		if (outlen >= 16 + 64) {
			fw_put_be32(out + 16 + 12, e->prof->device_id);
			memcpy(out + 16 + 16, e->prof->psid, strlen(e->prof->psid));
		}
		break;
	case MLX5_CMD_CREATE_UCTX:
		status = MLX5_STAT_OK;
		fw_put_be16(out + 10, (uint16_t)e->uid);
		break;
	case MLX5_CMD_DESTROY_UCTX:
		status = MLX5_STAT_OK;
		break;
	default:
		status = MLX5_STAT_BAD_OP;
		syndrome = 0x0d3a5f00u | opcode;
		break;
	}
	emu_out_status(out, status, syndrome);
	if (status == MLX5_STAT_OK && f && f->kind == EMU_FAULT_SHORT) {
		/* Truncated output: firmware produced only half of the data. */
		size_t keep = MLX5_MBOX_HDR_LEN + (outlen - MLX5_MBOX_HDR_LEN) / 2;

		memset(out + keep, 0, outlen - keep);
		e->last_outlen = (uint32_t)keep;
		/* The transport contract: a count below outlen = a short reply. */
		ret = keep < outlen ? (int)keep : 0;
	}
done:
	emu_schedule_run(e);
	if (e->fw_error_after && e->ncmds >= e->fw_error_after && !e->fw_error && !e->fatal)
		emu_health_fw_error(e);
	if (e->fatal_after && e->ncmds >= e->fatal_after && !e->fatal)
		emu_health_fatal(e);
	return ret;
}
