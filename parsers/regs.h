/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * regs: field-level decode of register data from the register catalog
 * (src/ifc/regcat.h).  Bytes in, one record per field out.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "ifc/regcat.h"

/*
 * One decoded field.
 *  - reg, reg_id: register name and ACCESS_REG id;
 *  - field, bit_off, width, type: from the catalog;
 *  - value: REGCAT_UINT fields (width <= 32);
 *  - enum_name: the catalog's name for value, or NULL;
 *  - str: REGCAT_STRING, the bytes up to the first NUL, non-printable
 *    bytes shown as '.', NUL-terminated; NULL otherwise;
 *  - bytes, nbytes: the field's raw bytes for STRING and BYTES fields.
 */
struct regs_field {
	const char *reg;
	uint16_t reg_id;
	const char *field;
	uint32_t bit_off;
	uint32_t width;
	enum regcat_type type;
	uint32_t value;
	const char *enum_name;
	const char *str;
	const uint8_t *bytes;
	size_t nbytes;
	enum regcat_show show;      /* how people read it (regcat.def: U, X, T) */
};

typedef int (*regs_field_fn)(void *ud, const struct regs_field *f);
typedef void (*regs_problem_fn)(void *ud, uint64_t offset, int err, const char *msg);

/*
 * Decode data (len bytes) as register reg.  A field past the end of data,
 * or one the catalog describes inconsistently (a UINT crossing a dword,
 * a STRING not byte aligned), is reported with its byte offset and
 * skipped.  Returns the number of fields emitted, or the callback's
 * negative code.
 */
int regs_decode(const struct regcat_reg *reg, const void *data, size_t len, regs_field_fn fn,
		regs_problem_fn problem, void *ud);

/* Print a field's value as text ("0x1f", "ConnectX-7 (3)" ...) into buf. */
void regs_field_value_text(const struct regs_field *f, char *buf, size_t len);
/* An unsigned value as people read it, in its field's base or unit, with
 * its enum name first if it has one: "42", "0x101d", "45.5 C", "7nm (4)". */
void regs_uint_text(uint64_t v, enum regcat_show show, const char *enum_name, char *buf,
		    size_t len);
