/* SPDX-License-Identifier: MIT */
/*
 * regs: walk the catalog's fields over the register bytes.  The catalog is
 * data, so every field is checked against the bytes we have before use.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "regs.h"

#define REGS_STR_MAX 256

/* The catalog's enum table, searched here so the decoder needs only the
 * field description it is given (no link to the catalog's code). */
static const char *enum_name(const struct regcat_field *cf, uint32_t v)
{
	size_t i;

	for (i = 0; cf->enums && i < cf->n_enums; i++)
		if (cf->enums[i].value == v)
			return cf->enums[i].name;
	return NULL;
}

/* why completes "register 'R' field 'F' ...". */
static void report(regs_problem_fn problem, void *ud, uint64_t off, int err, const char *why,
		   const char *reg, const char *field)
{
	char msg[256];

	if (!problem)
		return;
	snprintf(msg, sizeof(msg), "register '%s' field '%s' %s, skipping", reg, field, why);
	problem(ud, off, err, msg);
}

/* Decode one catalog field over the bytes into *f: 1 if it is to be
 * emitted, 0 if reported and skipped. */
static int decode_field(const struct regcat_reg *reg, const struct regcat_field *cf,
			const uint8_t *p, size_t len, char *str, struct regs_field *f,
			regs_problem_fn problem, void *ud)
{
	uint64_t end = (uint64_t)cf->bit_off + cf->width;

	memset(f, 0, sizeof(*f));
	f->reg = reg->name;
	f->reg_id = reg->id;
	f->field = cf->name;
	f->bit_off = cf->bit_off;
	f->width = cf->width;
	f->type = cf->type;
	f->show = cf->show;
	if (!cf->width || end > (uint64_t)len * 8) {
		report(problem, ud, cf->bit_off / 8, -EBADMSG, "lies past the end of the data",
		       reg->name, cf->name);
		return 0;
	}
	switch (cf->type) {
	case REGCAT_UINT:
		if (cf->width > 32 || (cf->bit_off % 32) + cf->width > 32) {
			report(problem, ud, cf->bit_off / 8, -EBADMSG, "crosses a dword in the catalog",
			       reg->name, cf->name);
			return 0;
		}
		/* Only the bytes the field covers: a register cut short
		 * inside a dword must not read that dword's missing tail. */
		if (!fw_mlx5_get_in(p, len, cf->bit_off, cf->width, &f->value)) {
			report(problem, ud, cf->bit_off / 8, -EBADMSG, "lies past the end of the data",
			       reg->name, cf->name);
			return 0;
		}
		f->enum_name = enum_name(cf, f->value);
		return 1;
	case REGCAT_STRING:
	case REGCAT_BYTES: {
		size_t k, nb = cf->width / 8;
		struct fw_cursor c;

		if (cf->bit_off % 8 || cf->width % 8) {
			report(problem, ud, cf->bit_off / 8, -EBADMSG, "is not byte aligned in the catalog",
			       reg->name, cf->name);
			return 0;
		}
		fw_cursor_init(&c, p, len);
		if (!fw_cursor_skip(&c, cf->bit_off / 8) || !(f->bytes = fw_cursor_take(&c, nb))) {
			report(problem, ud, cf->bit_off / 8, -EBADMSG, "lies past the end of the data",
			       reg->name, cf->name);
			return 0;
		}
		f->nbytes = nb;
		if (cf->type == REGCAT_STRING) {
			for (k = 0; k < nb && k < REGS_STR_MAX && f->bytes[k]; k++)
				str[k] = (f->bytes[k] >= 0x20 && f->bytes[k] < 0x7f) ? (char)f->bytes[k] : '.';
			str[k] = '\0';
			/* Firmware pads strings with spaces as well as NULs. */
			while (k > 0 && str[k - 1] == ' ')
				str[--k] = '\0';
			f->str = str;
		}
		return 1;
	}
	default:
		report(problem, ud, cf->bit_off / 8, -EBADMSG, "has an unknown type", reg->name,
		       cf->name);
		return 0;
	}
}

/* The page the bytes select (regcat.def's REGCAT_PAGE rows), searched here
 * over the register's own description like the enums above.  NULL when the
 * register has no pages, its selector is not in the bytes, or the value
 * has no page (the raw page bytes are shown then). */
static const struct regcat_page *select_page(const struct regcat_reg *reg, const uint8_t *p,
					     size_t len)
{
	for (size_t i = 0; i < reg->n_pages; i++) {
		const struct regcat_page *pg = &reg->pages[i];
		uint32_t v;

		if (pg->reg_id != reg->id)
			continue;
		for (size_t j = 0; j < reg->n_fields; j++) {
			const struct regcat_field *sel = &reg->fields[j];

			if (strcmp(sel->name, pg->sel) == 0 && sel->type == REGCAT_UINT &&
			    sel->width <= 32 && fw_mlx5_get_in(p, len, sel->bit_off, sel->width, &v) &&
			    v == pg->value)
				return pg;
		}
	}
	return NULL;
}

int regs_decode(const struct regcat_reg *reg, const void *data, size_t len, regs_field_fn fn,
		regs_problem_fn problem, void *ud)
{
	const uint8_t *p = data;
	const struct regcat_page *pg = select_page(reg, p, len);
	char str[REGS_STR_MAX + 1];
	int n = 0, r;

	/* The base fields, then the page's, which stand for its raw bytes. */
	for (size_t i = 0; i < reg->n_fields + (pg ? pg->n_fields : 0); i++) {
		const struct regcat_field *cf = i < reg->n_fields ? &reg->fields[i]
								 : &pg->fields[i - reg->n_fields];
		struct regs_field f;

		if (pg && i < reg->n_fields && strcmp(cf->name, pg->instead) == 0)
			continue;
		if (!decode_field(reg, cf, p, len, str, &f, problem, ud))
			continue;
		r = fn ? fn(ud, &f) : 0;
		if (r < 0)
			return r;
		n++;
	}
	return n;
}

void regs_uint_text(uint64_t v, enum regcat_show show, const char *enum_name, char *buf,
		    size_t len)
{
	char num[48];

	switch (show) {
	case REGCAT_SHOW_HEX:
		snprintf(num, sizeof(num), "0x%" PRIx64, v);
		break;
	case REGCAT_SHOW_CELSIUS8:
	case REGCAT_SHOW_CELSIUS256: {
		/* A signed 16-bit count of 0.125 degC, as mlxsw's
		 * MLXSW_REG_MTMP_TEMP_TO_MC reads MTMP: 45.5 C, -3.125 C; or
		 * of 1/256 degC, SFF-8636's module temperature, shown to
		 * the thousandth (rounded toward zero). */
		int32_t t = (int16_t)(uint16_t)v;
		uint32_t a = (uint32_t)(t < 0 ? -t : t), div = show == REGCAT_SHOW_CELSIUS8 ? 8 : 256;
		unsigned frac = (unsigned)((a % div) * 1000u / div);
		int n = snprintf(num, sizeof(num), "%s%u", t < 0 ? "-" : "", a / div);

		if (frac)
			snprintf(num + n, sizeof(num) - (size_t)n, ".%03u", frac);
		for (size_t k = strlen(num); frac && k > 0 && num[k - 1] == '0'; k--)
			num[k - 1] = '\0';
		snprintf(num + strlen(num), sizeof(num) - strlen(num), " C");
		break;
	}
	default:
		snprintf(num, sizeof(num), "%" PRIu64, v);
		break;
	}
	if (enum_name)
		snprintf(buf, len, "%s (%s)", enum_name, num);
	else
		snprintf(buf, len, "%s", num);
}

void regs_field_value_text(const struct regs_field *f, char *buf, size_t len)
{
	size_t i, o = 0;

	if (!len)
		return;
	buf[0] = '\0';
	switch (f->type) {
	case REGCAT_UINT:
		regs_uint_text(f->value, f->show, f->enum_name, buf, len);
		break;
	case REGCAT_STRING:
		snprintf(buf, len, "%s", f->str ? f->str : "");
		break;
	case REGCAT_BYTES:
		for (i = 0; i < f->nbytes && o + 3 <= len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%02x", f->bytes[i]);
		break;
	}
}
