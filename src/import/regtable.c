/* SPDX-License-Identifier: MIT */
/*
 * regtable: mstreg / mlxreg --get output back to register bytes.
 *
 * mstflint's mlxreg (mlxreg/mlxreg_ui.cpp) prints a register read three
 * ways: decoded by its ADB as "Field Name | Data" rows ("%-*s | 0x%08x",
 * printSentFieldsStandard; with --detailed a decimal and an enum column
 * follow), a raw buffer as "Address | Data" rows ("0x%08x | 0x%08x" with
 * the dword big-endian, printBuff), or "Word[NN]: 0x%08x" lines
 * (printRawBuffer); rules of '=' frame the tables.
 *
 * Raw rows give the bytes directly.  Decoded rows are put back with the
 * register catalog (src/ifc/regcat.def): a field is found by its name, or
 * by the last component of an ADB path ("hw_info.device_id" ->
 * "device_id"), case-insensitively; fields the catalog does not have, or
 * that are not plain numbers, are rejected and counted (their bits stay
 * zero).  A register not in the catalog cannot be imported.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "ifc/regcat.h"
#include "import/import-internal.h"

static const struct regcat_field *find_field(const struct regcat_reg *reg, const char *name,
					     size_t n)
{
	const char *last = name;

	for (size_t i = 0; i < n; i++)
		if (name[i] == '.')
			last = name + i + 1;
	for (int pass = 0; pass < 2; pass++) {
		const char *nm = pass ? last : name;
		size_t nn = pass ? (size_t)(name + n - last) : n;

		for (size_t i = 0; i < reg->n_fields; i++)
			if (strlen(reg->fields[i].name) == nn &&
			    !strncasecmp(reg->fields[i].name, nm, nn))
				return &reg->fields[i];
		/* A paged register's page fields (PDDR's status_message ...):
		 * their names are unique in the register (regcat.def). */
		for (size_t k = 0; k < reg->n_pages; k++) {
			const struct regcat_page *pg = &reg->pages[k];

			for (size_t i = 0; pg->reg_id == reg->id && i < pg->n_fields; i++)
				if (strlen(pg->fields[i].name) == nn &&
				    !strncasecmp(pg->fields[i].name, nm, nn))
					return &pg->fields[i];
		}
	}
	return NULL;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

int imp_regtable(const void *data, size_t len, const char *regname, struct imp_parse *p)
{
	const struct regcat_reg *reg = regname ? regcat_by_name(regname) : NULL;
	struct imp_lines l;
	uint8_t *buf;
	const char *s;
	size_t sn;
	bool overlong, any = false;
	int r;

	if (!reg) {
		if (regname)
			imp_reject(p, 0, "register '%s' is not in fwbox's register catalog", regname);
		else
			imp_reject(p, 0, "a register table naming no register");
		return 0;
	}
	snprintf(p->name, sizeof(p->name), "%s", reg->name);
	buf = calloc(1, reg->size);
	if (!buf)
		return -ENOMEM;
	imp_lines_init(&l, data, len);
	while (imp_lines_next(&l, &s, &sn, &overlong)) {
		const char *bar, *name, *val;
		size_t nn, vn;
		uint64_t v, addr;

		trim(&s, &sn);
		if (!sn || s[0] == '=')
			continue;
		if (overlong) {
			imp_reject(p, l.no, "a line longer than FW_LIMIT_TEXT_LINE");
			continue;
		}
		if (sn >= 3 && !memcmp(s, "-E-", 3)) {
			if (!p->tool_error[0])
				snprintf(p->tool_error, sizeof(p->tool_error), "line %llu: %.*s",
					 (unsigned long long)l.no, (int)(sn > 160 ? 160 : sn), s);
			continue;
		}
		if (sn > 5 && !memcmp(s, "Word[", 5)) {
			/* Word[NN]: 0xVALUE */
			const char *c = memchr(s, ':', sn);
			char *end;
			unsigned long idx = strtoul(s + 5, &end, 10);

			val = c ? c + 1 : s + sn;
			vn = (size_t)(s + sn - val);
			trim(&val, &vn);
			if (!c || *end != ']' || !imp_hex(val, vn, &v) || v > UINT32_MAX ||
			    idx >= reg->size / 4) {
				imp_reject(p, l.no, "not a 'Word[N]: 0xVALUE' line of this register");
				continue;
			}
			fw_put_be32(buf + 4 * idx, (uint32_t)v);
			p->records++;
			any = true;
			continue;
		}
		bar = memchr(s, '|', sn);
		if (!bar) {
			p->other++;
			continue;
		}
		name = s;
		nn = (size_t)(bar - s);
		trim(&name, &nn);
		val = bar + 1;
		vn = (size_t)(s + sn - val);
		{
			const char *bar2 = memchr(val, '|', vn);

			if (bar2)
				vn = (size_t)(bar2 - val);
		}
		trim(&val, &vn);
		if ((nn == 10 && !memcmp(name, "Field Name", 10)) ||
		    (nn == 7 && !memcmp(name, "Address", 7))) {
			p->other++;
			continue;
		}
		if (!imp_hex(val, vn, &v) || vn < 3 || val[0] != '0' || val[1] != 'x') {
			imp_reject(p, l.no, "'%.*s': not a 0x value", (int)(nn > 64 ? 64 : nn), name);
			continue;
		}
		if (nn > 2 && name[0] == '0' && name[1] == 'x' && imp_hex(name, nn, &addr)) {
			/* Address | Data: a raw dword. */
			if (addr % 4 || addr + 4 > reg->size || v > UINT32_MAX) {
				imp_reject(p, l.no, "address 0x%llx outside the %u bytes of %s",
					   (unsigned long long)addr, reg->size, reg->name);
				continue;
			}
			fw_put_be32(buf + addr, (uint32_t)v);
			p->records++;
			any = true;
			continue;
		}
		{
			const struct regcat_field *f = find_field(reg, name, nn);

			if (!f || f->type != REGCAT_UINT || f->width > 32 ||
			    (f->bit_off % 32) + f->width > 32 || (f->bit_off / 32) * 4 + 4 > reg->size) {
				imp_reject(p, l.no, "field '%.*s' is not a number field of %s in the catalog",
					   (int)(nn > 64 ? 64 : nn), name, reg->name);
				continue;
			}
			if (f->width < 32 && v >> f->width) {
				imp_reject(p, l.no, "field '%.*s': 0x%llx does not fit its %u bits",
					   (int)(nn > 64 ? 64 : nn), name, (unsigned long long)v, f->width);
				continue;
			}
			fw_mlx5_set(buf, f->bit_off, f->width, (uint32_t)v);
			p->records++;
			any = true;
		}
	}
	r = any ? fw_buf_put(&p->out, buf, reg->size) : 0;
	free(buf);
	return r;
}
