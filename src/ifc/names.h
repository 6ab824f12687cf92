/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * names: text for the numbers of ifc.h (opcodes, registers, statuses) and
 * register sizes from the catalog, for messages and outcome records.  Part
 * of the definitions leaf: the allowlist (device/), the command layer
 * (mlx5/) and the collector read names here, so none of them calls another
 * for a name.
 */
#include <stddef.h>
#include <stdint.h>

#include "ifc/ifc.h"

/* "ACCESS_REG", or NULL for an opcode we have no name for. */
const char *mlx5_opcode_name(uint16_t opcode);
/* "MGIR", or NULL. */
const char *mlx5_reg_name(uint16_t reg_id);
/* Register data size in bytes from the register catalog (ifc/regcat.h),
 * or 0 for a register not in it (then callers give a length). */
size_t mlx5_reg_size(uint16_t reg_id);
/* "BAD_PARAM", or NULL for an unknown status. */
const char *mlx5_status_name(uint8_t status);
/* "BAD_PARAM (0x3), syndrome 0x1a2b3c"; "OK (0x0)"; "status 0x77, syndrome 0x1". */
void mlx5_status_text(uint8_t status, uint32_t syndrome, char *buf, size_t len);
