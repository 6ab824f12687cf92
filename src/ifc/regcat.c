// SPDX-License-Identifier: MIT
/*
 * regcat: the register catalog built from regcat.def.  The .def rows are
 * expanded in passes: enum tables, one field array per register and per
 * page, the page table, the register table, and the identifier marks.
 * Nothing here knows any particular register.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "ifc/regcat.h"

#define REGCAT_N(a) (sizeof(a) / sizeof((a)[0]))

/* Pass 1: enum tables. */
#define V(val, str) { (val), (str) },
#define REGCAT_ENUM(tag, ...) static const struct regcat_enum regcat_enum_##tag[] = { __VA_ARGS__ };
#define REGCAT_REG(name, id, size, summary, ...)
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...)
#include "ifc/regcat.def"
#undef REGCAT_ENUM
#undef REGCAT_REG
#undef REGCAT_PAGE
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
#define T256(n, byte, msb, w) \
	{ #n, REGCAT_BIT(byte, msb), (w), REGCAT_UINT, NULL, 0, REGCAT_SHOW_CELSIUS256 },
#define S(n, byte, nbytes) { #n, (uint32_t)(byte) * 8u, (nbytes) * 8u, REGCAT_STRING, NULL, 0 },
#define B(n, byte, nbytes) { #n, (uint32_t)(byte) * 8u, (nbytes) * 8u, REGCAT_BYTES, NULL, 0 },
#define REGCAT_ENUM(tag, ...)
#define REGCAT_REG(name, id, size, summary, ...) \
	static const struct regcat_field regcat_fields_##name[] = { __VA_ARGS__ };
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...) \
	static const struct regcat_field regcat_page_fields_##reg##_##value[] = { __VA_ARGS__ };
#include "ifc/regcat.def"
#undef REGCAT_REG
#undef REGCAT_PAGE

/* Pass 3: the page table (ids from the register rows: a page naming a
 * register the catalog lacks does not compile). */
#define REGCAT_REG(name, id, size, summary, ...) enum { regcat_id_##name = (id) };
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...)
#include "ifc/regcat.def"
#undef REGCAT_REG
#undef REGCAT_PAGE
#define REGCAT_REG(name, id, size, summary, ...)
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...) \
	{ regcat_id_##reg, #sel, (value), #instead, (summary), regcat_page_fields_##reg##_##value, \
	  REGCAT_N(regcat_page_fields_##reg##_##value) },
static const struct regcat_page regcat_pages[] = {
#include "ifc/regcat.def"
};
#undef REGCAT_REG
#undef REGCAT_PAGE

/* Pass 4: the register table. */
#define REGCAT_REG(name, id, size, summary, ...) \
	{ #name, (id), (size), (summary), regcat_fields_##name, REGCAT_N(regcat_fields_##name), \
	  regcat_pages, REGCAT_N(regcat_pages) },
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...)
static const struct regcat_reg regcat_regs[] = {
#include "ifc/regcat.def"
};
#undef REGCAT_REG
#undef REGCAT_PAGE
#undef REGCAT_ENUM
#undef U
#undef X
#undef T
#undef T256
#undef UE
#undef S
#undef B

/* Pass 5: the identifier marks. */
#define REGCAT_ENUM(tag, ...)
#define REGCAT_REG(name, id, size, summary, ...)
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...)
#define REGCAT_MARK(reg, f, what) { #reg, #f, REGCAT_IDENT_##what, NULL, 0, 0, 0 },
#define REGCAT_MARK_AT(reg, f, s, v, byte, n, what) { #reg, #f, REGCAT_IDENT_##what, #s, (v), (byte), (n) },
static const struct regcat_mark regcat_marks[] = {
#include "ifc/regcat.def"
};
#undef REGCAT_MARK
#undef REGCAT_MARK_AT
#undef REGCAT_REG
#undef REGCAT_PAGE
#undef REGCAT_ENUM

size_t regcat_mark_count(void)
{
	return REGCAT_N(regcat_marks);
}

const struct regcat_mark *regcat_mark_at(size_t i)
{
	return i < REGCAT_N(regcat_marks) ? &regcat_marks[i] : NULL;
}

/* Pass 6: the resource-dump segment marks. */
#define REGCAT_ENUM(tag, ...)
#define REGCAT_REG(name, id, size, summary, ...)
#define REGCAT_PAGE(reg, sel, value, instead, summary, ...)
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
#undef REGCAT_PAGE
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

const struct regcat_page *regcat_page(const struct regcat_reg *r, uint32_t value)
{
	for (size_t i = 0; r && i < r->n_pages; i++)
		if (r->pages[i].reg_id == r->id && r->pages[i].value == value)
			return &r->pages[i];
	return NULL;
}

const struct regcat_page *regcat_page_of(const struct regcat_reg *r, const void *data, size_t len)
{
	const struct regcat_field *sel = NULL;
	uint32_t v;

	for (size_t i = 0; r && i < r->n_pages && !sel; i++)
		if (r->pages[i].reg_id == r->id)
			sel = regcat_field(r, r->pages[i].sel);
	if (!sel || sel->type != REGCAT_UINT || !fw_mlx5_get_in(data, len, sel->bit_off, sel->width, &v))
		return NULL;
	return regcat_page(r, v);
}

static const struct regcat_field *field_in(const struct regcat_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

const struct regcat_page *regcat_field_page(const struct regcat_reg *r, const char *name)
{
	if (!r || !name || field_in(r->fields, r->n_fields, name))
		return NULL;
	for (size_t i = 0; i < r->n_pages; i++)
		if (r->pages[i].reg_id == r->id &&
		    field_in(r->pages[i].fields, r->pages[i].n_fields, name))
			return &r->pages[i];
	return NULL;
}

const struct regcat_field *regcat_field(const struct regcat_reg *r, const char *name)
{
	const struct regcat_field *f;
	const struct regcat_page *pg;

	if (!r || !name)
		return NULL;
	f = field_in(r->fields, r->n_fields, name);
	if (f)
		return f;
	pg = regcat_field_page(r, name);
	return pg ? field_in(pg->fields, pg->n_fields, name) : NULL;
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
