/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * regcat-layout: the register catalog (regcat.def) as compile-time
 * constants, for code that packs or reads a register itself (the command
 * layer's CORE_DUMP and RESOURCE_DUMP loops) rather than looking fields up
 * by name at run time (ifc/regcat.h).  Both come from the same rows, so a
 * layout is written once.
 *
 *   REGCAT_FIELD(RESOURCE_DUMP, more_dump)   "bit offset, width", the last
 *                                            two arguments of fw_mlx5_get()
 *                                            and fw_mlx5_set()
 *   REGCAT_FIELD_BYTE(reg, field)            byte offset of a byte-aligned field
 *   REGCAT_FIELD_BYTES(reg, field)           its size in bytes
 *   REGCAT_ID_<REG>, REGCAT_SIZE_<REG>       register id and data bytes
 *   REGCAT_FIELD(PDDR_page1, status_message) a field of one page (REGCAT_PAGE
 *                                            rows): <REG>_page<value>
 *
 * How: each register row becomes a struct type that is never instantiated,
 * with two char arrays per field whose sizes are the field's bit offset
 * plus one and its width; sizeof reads them back as constants.  The struct
 * only carries numbers through the type system, so the compiler checks
 * every field name used.
 */
#include <stdint.h>

#define REGCAT_L_BIT(byte, msb) ((uint32_t)(byte) * 8u + (31u - (uint32_t)(msb)))
#define U(n, byte, msb, w) char n##_off[REGCAT_L_BIT(byte, msb) + 1]; char n##_w[w];
#define X(n, byte, msb, w) U(n, byte, msb, w)
#define T(n, byte, msb, w) U(n, byte, msb, w)
#define T256(n, byte, msb, w) U(n, byte, msb, w)
#define UE(n, byte, msb, w, tag) U(n, byte, msb, w)
#define S(n, byte, nbytes) char n##_off[(byte) * 8 + 1]; char n##_w[(nbytes) * 8];
#define B(n, byte, nbytes) S(n, byte, nbytes)
#define REGCAT_ENUM(tag, ...)
#define REGCAT_REG(name, id, size, summary, ...) \
	struct regcat_layout_##name { __VA_ARGS__ }; \
	enum { REGCAT_ID_##name = (id), REGCAT_SIZE_##name = (size) };
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...) \
	struct regcat_layout_##reg##_page##value { __VA_ARGS__ };
#include "ifc/regcat.def"
#undef REGCAT_REG
#undef REGCAT_PAGE
#undef REGCAT_ENUM
#undef B
#undef S
#undef UE
#undef T256
#undef T
#undef X
#undef U
#undef REGCAT_L_BIT

#define REGCAT_L_OFF(reg, f) (sizeof(((struct regcat_layout_##reg *)0)->f##_off) - 1u)
#define REGCAT_L_WIDTH(reg, f) sizeof(((struct regcat_layout_##reg *)0)->f##_w)

#define REGCAT_FIELD(reg, f) (uint32_t)REGCAT_L_OFF(reg, f), (uint32_t)REGCAT_L_WIDTH(reg, f)
#define REGCAT_FIELD_BYTE(reg, f) (REGCAT_L_OFF(reg, f) / 8u)
#define REGCAT_FIELD_BYTES(reg, f) (REGCAT_L_WIDTH(reg, f) / 8u)
