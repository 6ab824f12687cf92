/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * allowlist: the read-only rule as one table.  Each row is (opcode, op_mod,
 * register) with a written reason; fw_device_cmd() looks every mailbox up
 * here before a byte reaches the transport.  Rows are in two lists:
 *
 *  - FW_ALLOW_READ: always on.  Queries, ACCESS_REG reads (op_mod 1) of the
 *    catalog registers, and the reads the kernel itself issues as ACCESS_REG
 *    *writes* (op_mod 0): MTRC_STDB, RESOURCE_DUMP, CORE_DUMP.
 *  - FW_ALLOW_TRACE_CONTROL: tracer ownership and configuration writes
 *    (MTRC_CAP, MTRC_CONF, MTRC_CTRL), only when the caller opted in with
 *    fw_device_allow_trace_control().
 *
 * A row can also name bits that must be zero in the inbox (a "guard"): a
 * PPCNT read with clr=1 would clear the port counters, so it is refused.
 * ACCESS_REG rows also cover ACCESS_REGISTER_USER (0xb0c), the same
 * command under the DevX user opcode.  Everything not in the table is
 * refused.  man fwbox-allowlist.7 lists every row and its reason.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_ALLOW_ANY_OPMOD 0xffffffffu
#define FW_ALLOW_NO_REG    0xffffffffu   /* the command is not a register access */

enum fw_allow_list {
	FW_ALLOW_READ = 0,
	FW_ALLOW_TRACE_CONTROL,
};

struct fw_allow_entry {
	uint16_t opcode;
	uint32_t op_mod;              /* exact, or FW_ALLOW_ANY_OPMOD */
	uint32_t reg_id;              /* exact, or FW_ALLOW_NO_REG */
	enum fw_allow_list list;
	const char *name;             /* "ACCESS_REG read MGIR" */
	const char *reason;           /* why it is safe (or why it is opt-in) */
	/* Guard: inbox byte guard_off must have (byte & guard_mask) == 0. */
	uint16_t guard_off;
	uint8_t guard_mask;
	const char *guard_why;        /* what the forbidden bits would do */
};

/* Command identity as the gate sees it. */
struct fw_cmd_id {
	uint16_t opcode;
	uint16_t op_mod;
	bool is_reg;                  /* ACCESS_REG or ACCESS_REGISTER_USER */
	uint16_t reg_id;              /* valid when is_reg */
};

size_t fw_allowlist_count(void);
const struct fw_allow_entry *fw_allowlist_at(size_t i);

/* Parse opcode, op_mod and register id from an inbox (inlen >= 16). */
void fw_cmd_id_parse(const void *in, size_t inlen, struct fw_cmd_id *ret);

/* Why a command is refused, for the -EPERM message. */
enum fw_allow_verdict {
	FW_ALLOW_OK = 0,
	FW_ALLOW_UNLISTED,            /* no row for (opcode, op_mod, register) */
	FW_ALLOW_NEEDS_TRACE_CONTROL, /* on the opt-in list, which is off */
	FW_ALLOW_GUARD,               /* listed, but a guarded bit is set */
};

/* Look a command up.  *ret_entry is the matching row (NULL if unlisted). */
enum fw_allow_verdict fw_allowlist_check(const struct fw_cmd_id *id, const void *in,
					 size_t inlen, bool trace_control,
					 const struct fw_allow_entry **ret_entry);

/* "ACCESS_REG read (op_mod 1) of MGIR (0x9020)" or "SET_HCA_CAP (0x109), op_mod 0x0". */
void fw_cmd_id_describe(const struct fw_cmd_id *id, char *buf, size_t len);
