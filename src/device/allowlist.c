/* SPDX-License-Identifier: MIT */
/*
 * The read-only allowlist: one table, one lookup.  Adding a row here is the
 * only way to let a new command leave the process, so every row says why it
 * cannot change the state of the card; man/fwbox-allowlist.7 repeats them.
 */
#include "config.h"

#include <stdio.h>

#include "core/bytes.h"
#include "device/allowlist.h"
#include "ifc/ifc.h"
#include "ifc/names.h"

#define CMD(op, nm, why)                                                              \
	{ .opcode = (op), .op_mod = FW_ALLOW_ANY_OPMOD, .reg_id = FW_ALLOW_NO_REG,     \
	  .list = FW_ALLOW_READ, .name = (nm), .reason = (why) }
#define REG_READ(reg, why)                                                            \
	{ .opcode = MLX5_CMD_ACCESS_REG, .op_mod = MLX5_REG_OP_READ,                   \
	  .reg_id = MLX5_REG_##reg, .list = FW_ALLOW_READ,                             \
	  .name = "ACCESS_REG read " #reg, .reason = (why) }
#define REG_READ_GUARD(reg, why, off, mask, gwhy)                                     \
	{ .opcode = MLX5_CMD_ACCESS_REG, .op_mod = MLX5_REG_OP_READ,                   \
	  .reg_id = MLX5_REG_##reg, .list = FW_ALLOW_READ,                             \
	  .name = "ACCESS_REG read " #reg, .reason = (why),                            \
	  .guard_off = MLX5_MBOX_HDR_LEN + (off), .guard_mask = (mask), .guard_why = (gwhy) }
#define REG_WRITE_FOR_READ(reg, why)                                                  \
	{ .opcode = MLX5_CMD_ACCESS_REG, .op_mod = MLX5_REG_OP_WRITE,                  \
	  .reg_id = MLX5_REG_##reg, .list = FW_ALLOW_READ,                             \
	  .name = "ACCESS_REG write-for-read " #reg, .reason = (why) }
#define REG_TRACE_CONTROL(reg, why)                                                   \
	{ .opcode = MLX5_CMD_ACCESS_REG, .op_mod = MLX5_REG_OP_WRITE,                  \
	  .reg_id = MLX5_REG_##reg, .list = FW_ALLOW_TRACE_CONTROL,                    \
	  .name = "ACCESS_REG write " #reg " (tracer control)", .reason = (why) }

static const struct fw_allow_entry allowlist[] = {
	/* Queries: the firmware answers from its own state and changes nothing. */
	CMD(MLX5_CMD_QUERY_HCA_CAP, "QUERY_HCA_CAP",
	    "reads one capability page (op_mod selects type and current/max)"),
	CMD(MLX5_CMD_QUERY_OTHER_HCA_CAP, "QUERY_OTHER_HCA_CAP",
	    "reads the capabilities of another function; no state change"),
	CMD(MLX5_CMD_QUERY_ADAPTER, "QUERY_ADAPTER",
	    "reads the adapter identity (PSID, vendor id)"),
	CMD(MLX5_CMD_QUERY_ISSI, "QUERY_ISSI",
	    "reads the supported interface-step-sequence ids"),
	CMD(MLX5_CMD_QUERY_DRIVER_VERSION, "QUERY_DRIVER_VERSION",
	    "reads the driver version string the firmware holds"),
	CMD(MLX5_CMD_QUERY_PAGES, "QUERY_PAGES",
	    "reads how many pages the firmware wants; gives none"),
	CMD(MLX5_CMD_QUERY_VPORT_STATE, "QUERY_VPORT_STATE",
	    "reads the vport link state"),
	CMD(MLX5_CMD_QUERY_NIC_VPORT_CONTEXT, "QUERY_NIC_VPORT_CONTEXT",
	    "reads the NIC vport context (MAC, MTU)"),
	CMD(MLX5_CMD_QUERY_VNIC_ENV, "QUERY_VNIC_ENV",
	    "reads the vNIC environment counters; has no clear bit"),
	CMD(MLX5_CMD_NOP, "NOP",
	    "does nothing; proves the command path works"),
	CMD(MLX5_CMD_QUERY_DIAGNOSTIC_PARAMS, "QUERY_DIAGNOSTIC_PARAMS",
	    "reads the diagnostic-counter sampling setup; SET_DIAGNOSTIC_PARAMS stays refused"),
	CMD(MLX5_CMD_QUERY_DIAGNOSTIC_COUNTERS, "QUERY_DIAGNOSTIC_COUNTERS",
	    "reads already-taken diagnostic-counter samples"),

	/* Register reads (op_mod 1) of the register catalog. */
	REG_READ(MGIR, "general information: firmware version, PSID, uptime"),
	REG_READ(MCAM, "management capability mask (which registers exist)"),
	REG_READ(PCAM, "port capability mask"),
	REG_READ(QCAM, "QoS capability mask"),
	REG_READ(MTCAP, "number of temperature sensors"),
	REG_READ_GUARD(MTMP, "temperature of one sensor", 8, 0xc0,
		       "mte=1 or mtr=1 would enable measurement or reset the recorded maximum"),
	REG_READ(MCIA, "reads cable/module EEPROM bytes over I2C"),
	REG_READ(MCQS, "firmware component query: status of each component"),
	REG_READ(MCQI, "firmware component query: information about one component"),
	REG_READ(MTRC_CAP, "tracer capabilities, owner and strings-DB layout"),
	REG_READ(MTRC_CONF, "tracer configuration (mode, buffer size, mkey)"),
	REG_READ(MTRC_CTRL, "tracer status and current timestamp"),
	REG_READ(MTRC_STDB, "strings-DB chunk, as user tools read it"),
	REG_READ(PDDR, "port diagnostics database page (operational, troubleshooting, module)"),
	REG_READ_GUARD(PPCNT, "port counters of one group", 4, 0x80,
		       "clr=1 would clear the port counters"),
	REG_READ_GUARD(MPCNT, "PCIe counters of one group", 4, 0x80,
		       "clr=1 would clear the PCIe counters"),
	REG_READ(PTYS, "port speed and type: capability, admin and operational"),
	REG_READ(PMAOS, "module administrative and operational status"),
	REG_READ(PAOS, "port administrative and operational status"),
	REG_READ(PMLP, "port to module lane mapping"),
	REG_READ(PMTU, "port MTU: maximum, admin and operational"),
	REG_READ(PFCC, "port flow-control configuration"),
	REG_READ(PPLM, "port FEC mode: capability, admin and active"),
	REG_READ(MPEIN, "PCIe link: speed, width, errors"),
	REG_READ(MRTC, "the real-time clock the driver last set"),
	REG_READ(MFRL, "which firmware reset level is pending or supported"),
	REG_READ(DTOR, "firmware-recommended timeouts"),
	REG_READ(NODE_DESC, "the node description string"),
	REG_READ(CORE_DUMP, "core-dump register contents, as the mlx5ctl tool reads it"),
	REG_READ(RESOURCE_DUMP, "resource-dump segment, inline mode, as the mlx5ctl tool reads it"),

	/* Reads that the kernel issues as ACCESS_REG writes (op_mod 0). */
	REG_WRITE_FOR_READ(MTRC_STDB,
			   "the kernel's strings-DB read: the write names index, offset and size "
			   "and the reply carries the strings; nothing is stored"),
	REG_WRITE_FOR_READ(RESOURCE_DUMP,
			   "the kernel's resource-dump read (rsc_dump.c): the write names the segment "
			   "and the reply carries its bytes; objects are not modified"),
	REG_WRITE_FOR_READ(CORE_DUMP,
			   "the kernel's core-dump request: asks firmware to produce a dump of its own "
			   "state; configuration is not changed"),

	/* Tracer control: opt-in only (fw_device_allow_trace_control()). */
	REG_TRACE_CONTROL(MTRC_CAP,
			  "takes or releases tracer ownership (trace_owner); the kernel driver "
			  "loses the tracer while we own it"),
	REG_TRACE_CONTROL(MTRC_CONF,
			  "sets the trace mode, ring size and memory key the firmware writes to"),
	REG_TRACE_CONTROL(MTRC_CTRL,
			  "starts or stops tracing and arms the traces-available event"),
};

size_t fw_allowlist_count(void)
{
	return sizeof(allowlist) / sizeof(allowlist[0]);
}

const struct fw_allow_entry *fw_allowlist_at(size_t i)
{
	return i < fw_allowlist_count() ? &allowlist[i] : NULL;
}

void fw_cmd_id_parse(const void *in, size_t inlen, struct fw_cmd_id *ret)
{
	struct fw_cmd_id id = { 0 };

	if (inlen >= 8) {
		id.opcode = (uint16_t)fw_mlx5_get(in, 0, 16);
		id.op_mod = (uint16_t)fw_mlx5_get(in, 48, 16);
	}
	if (id.opcode == MLX5_CMD_ACCESS_REG || id.opcode == MLX5_CMD_ACCESS_REGISTER_USER) {
		id.is_reg = true;
		/* register_id: byte 8, bits 15..0; a short inbox reads as 0. */
		id.reg_id = inlen >= 12 ? (uint16_t)fw_mlx5_get(in, 80, 16) : 0;
	}
	*ret = id;
}

static bool entry_matches(const struct fw_allow_entry *e, const struct fw_cmd_id *id)
{
	uint16_t opcode = id->opcode;

	/* ACCESS_REGISTER_USER is the same register access under another opcode. */
	if (opcode == MLX5_CMD_ACCESS_REGISTER_USER)
		opcode = MLX5_CMD_ACCESS_REG;
	if (e->opcode != opcode)
		return false;
	if (e->op_mod != FW_ALLOW_ANY_OPMOD && e->op_mod != id->op_mod)
		return false;
	if (id->is_reg)
		return e->reg_id == id->reg_id;
	return e->reg_id == FW_ALLOW_NO_REG;
}

enum fw_allow_verdict fw_allowlist_check(const struct fw_cmd_id *id, const void *in,
					 size_t inlen, bool trace_control,
					 const struct fw_allow_entry **ret_entry)
{
	const struct fw_allow_entry *e = NULL;
	size_t i;

	for (i = 0; i < fw_allowlist_count(); i++) {
		if (entry_matches(&allowlist[i], id)) {
			e = &allowlist[i];
			break;
		}
	}
	*ret_entry = e;
	if (!e)
		return FW_ALLOW_UNLISTED;
	if (e->list == FW_ALLOW_TRACE_CONTROL && !trace_control)
		return FW_ALLOW_NEEDS_TRACE_CONTROL;
	if (e->guard_mask && e->guard_off < inlen &&
	    (((const uint8_t *)in)[e->guard_off] & e->guard_mask))
		return FW_ALLOW_GUARD;
	return FW_ALLOW_OK;
}

void fw_cmd_id_describe(const struct fw_cmd_id *id, char *buf, size_t len)
{
	const char *op = mlx5_opcode_name(id->opcode);
	const char *reg;
	char opbuf[16];

	if (!op) {
		snprintf(opbuf, sizeof(opbuf), "opcode");
		op = opbuf;
	}
	if (!id->is_reg) {
		snprintf(buf, len, "%s (0x%x), op_mod 0x%x", op, id->opcode, id->op_mod);
		return;
	}
	reg = mlx5_reg_name(id->reg_id);
	snprintf(buf, len, "%s %s (op_mod %u) of register %s (0x%04x)", op,
		 id->op_mod == MLX5_REG_OP_WRITE ? "write" :
		 id->op_mod == MLX5_REG_OP_READ ? "read" : "access",
		 id->op_mod, reg ? reg : "unknown", id->reg_id);
}
