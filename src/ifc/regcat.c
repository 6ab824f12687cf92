// SPDX-License-Identifier: MIT
/*
 * regcat: the register catalog built from regcat.def.  The .def rows are
 * expanded three times: enum tables, one field array per register, and the
 * register table.  Nothing here knows any particular register.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ifc/regcat.h"

#define REGCAT_N(a) (sizeof(a) / sizeof((a)[0]))

/* Pass 1: enum tables. */
#define V(val, str) { (val), (str) },
#define REGCAT_ENUM(tag, ...) static const struct regcat_enum regcat_enum_##tag[] = { __VA_ARGS__ };
#define REGCAT_REG(name, id, size, summary, ...)
#include "ifc/regcat.def"
#undef REGCAT_ENUM
#undef REGCAT_REG
#undef V

/* Pass 2: one field array per register.  (byte, msb) of the register
 * tables becomes the mlx5_ifc bit offset: byte * 8 + (31 - msb). */
#define REGCAT_BIT(byte, msb) ((uint32_t)(byte) * 8u + (31u - (uint32_t)(msb)))
#define U(n, byte, msb, w) { #n, REGCAT_BIT(byte, msb), (w), REGCAT_UINT, NULL, 0, REGCAT_SHOW_DEC },
#define X(n, byte, msb, w) { #n, REGCAT_BIT(byte, msb), (w), REGCAT_UINT, NULL, 0, REGCAT_SHOW_HEX },
#define T(n, byte, msb, w) \
	{ #n, REGCAT_BIT(byte, msb), (w), REGCAT_UINT, NULL, 0, REGCAT_SHOW_CELSIUS8 },
#define UE(n, byte, msb, w, tag) \
	{ #n, REGCAT_BIT(byte, msb), (w), REGCAT_UINT, regcat_enum_##tag, REGCAT_N(regcat_enum_##tag), \
	  REGCAT_SHOW_DEC },
#define S(n, byte, nbytes) { #n, (uint32_t)(byte) * 8u, (nbytes) * 8u, REGCAT_STRING, NULL, 0 },
#define B(n, byte, nbytes) { #n, (uint32_t)(byte) * 8u, (nbytes) * 8u, REGCAT_BYTES, NULL, 0 },
#define REGCAT_ENUM(tag, ...)
#define REGCAT_REG(name, id, size, summary, ...) \
	static const struct regcat_field regcat_fields_##name[] = { __VA_ARGS__ };
#include "ifc/regcat.def"
#undef REGCAT_REG

/* Pass 3: the register table. */
#define REGCAT_REG(name, id, size, summary, ...) \
	{ #name, (id), (size), (summary), regcat_fields_##name, REGCAT_N(regcat_fields_##name) },
static const struct regcat_reg regcat_regs[] = {
#include "ifc/regcat.def"
};
#undef REGCAT_REG
#undef REGCAT_ENUM
#undef U
#undef X
#undef T
#undef UE
#undef S
#undef B

/* Pass 4: the identifier marks. */
#define REGCAT_ENUM(tag, ...)
#define REGCAT_REG(name, id, size, summary, ...)
#define REGCAT_MARK(reg, f, what) { #reg, #f, REGCAT_IDENT_##what, NULL, 0, 0, 0 },
#define REGCAT_MARK_AT(reg, f, s, v, byte, n, what) { #reg, #f, REGCAT_IDENT_##what, #s, (v), (byte), (n) },
static const struct regcat_mark regcat_marks[] = {
#include "ifc/regcat.def"
};
#undef REGCAT_MARK
#undef REGCAT_MARK_AT
#undef REGCAT_REG
#undef REGCAT_ENUM

size_t regcat_mark_count(void)
{
	return REGCAT_N(regcat_marks);
}

const struct regcat_mark *regcat_mark_at(size_t i)
{
	return i < REGCAT_N(regcat_marks) ? &regcat_marks[i] : NULL;
}

/* Pass 5: the resource-dump segment marks. */
#define REGCAT_ENUM(tag, ...)
#define REGCAT_REG(name, id, size, summary, ...)
#define REGCAT_SEGMENT_MARK_ANY false
#define REGCAT_SEGMENT_MARK_EMU true
#define REGCAT_SEGMENT_MARK(seg, byte, n, what, from) \
	{ #seg, (byte), (n), REGCAT_IDENT_##what, REGCAT_SEGMENT_MARK_##from },
static const struct regcat_segment_mark regcat_segment_marks[] = {
#include "ifc/regcat.def"
};
#undef REGCAT_SEGMENT_MARK
#undef REGCAT_SEGMENT_MARK_ANY
#undef REGCAT_SEGMENT_MARK_EMU
#undef REGCAT_REG
#undef REGCAT_ENUM

size_t regcat_segment_mark_count(void)
{
	return REGCAT_N(regcat_segment_marks);
}

const struct regcat_segment_mark *regcat_segment_mark_at(size_t i)
{
	return i < REGCAT_N(regcat_segment_marks) ? &regcat_segment_marks[i] : NULL;
}

size_t regcat_count(void)
{
	return REGCAT_N(regcat_regs);
}

const struct regcat_reg *regcat_at(size_t i)
{
	return i < REGCAT_N(regcat_regs) ? &regcat_regs[i] : NULL;
}

const struct regcat_reg *regcat_by_id(uint16_t id)
{
	for (size_t i = 0; i < REGCAT_N(regcat_regs); i++)
		if (regcat_regs[i].id == id)
			return &regcat_regs[i];
	return NULL;
}

const struct regcat_reg *regcat_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < REGCAT_N(regcat_regs); i++)
		if (strcasecmp(regcat_regs[i].name, name) == 0)
			return &regcat_regs[i];
	return NULL;
}

const char *regcat_enum_name(const struct regcat_field *f, uint32_t value)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < f->n_enums; i++)
		if (f->enums[i].value == value)
			return f->enums[i].name;
	return NULL;
}

const struct regcat_field *regcat_field(const struct regcat_reg *r, const char *name)
{
	if (!r || !name)
		return NULL;
	for (size_t i = 0; i < r->n_fields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	return NULL;
}

int regcat_enum_value(const struct regcat_field *f, const char *name, uint32_t *ret_value)
{
	if (!f || !name)
		return -ENOENT;
	for (size_t i = 0; i < f->n_enums; i++)
		if (strcasecmp(f->enums[i].name, name) == 0) {
			*ret_value = f->enums[i].value;
			return 0;
		}
	return -ENOENT;
}
