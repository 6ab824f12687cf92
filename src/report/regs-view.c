/* SPDX-License-Identifier: MIT */
/*
 * report regs-view: register fields as people read them.  The catalog
 * splits 64-bit quantities into two 32-bit fields (NAME_high/NAME_low,
 * NAME_63_32/NAME_31_0, NAME_h/NAME_l); they are shown as one number.
 * Temperatures are shown in degrees C from the register's unit (MTMP: a
 * signed 16-bit count of 0.125 degC, as mlxsw's MLXSW_REG_MTMP_TEMP_TO_MC
 * reads it).  Changed fields carry the previous capture's value.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "regs.h"
#include "report/report-internal.h"

#define RP_MAX_REG_FIELDS 8192u

/* Fields holding a temperature: register, field, degrees C per unit. */
static const struct {
	const char *reg, *field;
	double scale;
} temps[] = {
	{ "MTMP", "temperature", 0.125 },
	{ "MTMP", "max_temperature", 0.125 },
	{ "MTMP", "temperature_threshold_hi", 0.125 },
	{ "MTMP", "temperature_threshold_lo", 0.125 },
};

/* Suffix pairs of split 64-bit values. */
static const struct {
	const char *hi, *lo;
} halves[] = {
	{ "_high", "_low" },
	{ "_63_32", "_31_0" },
	{ "_h", "_l" },
};

int rp_regs_add(struct fw_ctx *ctx, struct rp_capture *c, const char *kind, const void *field)
{
	const struct regs_field *f = field;
	struct rp_regraw *r;
	char text[160];

	(void)kind;
	if (c->n_regraw >= RP_MAX_REG_FIELDS) {
		c->regs_omitted++;
		return 0;
	}
	if (fw_grow((void **)&c->regraw, &c->cap_regraw, c->n_regraw + 1, sizeof(*c->regraw), 0) < 0)
		return fw_error(ctx, -ENOMEM, "out of memory keeping register field %zu (%s.%s)",
				c->n_regraw + 1, f->reg, f->field);
	r = &c->regraw[c->n_regraw];
	memset(r, 0, sizeof(*r));
	snprintf(r->reg, sizeof(r->reg), "%s", f->reg);
	snprintf(r->field, sizeof(r->field), "%s", f->field);
	r->numeric = f->type == REGCAT_UINT;
	r->value = f->value;
	r->width = f->width;
	regs_field_value_text(f, text, sizeof(text));
	r->text = strdup(text);
	if (!r->text)
		return fw_error(ctx, -ENOMEM, "out of memory keeping the text of %s.%s", f->reg,
				f->field);
	c->n_regraw++;
	return 0;
}

void rp_regs_release(struct rp_capture *c)
{
	for (size_t i = 0; i < c->n_regraw; i++)
		free(c->regraw[i].text);
	free(c->regraw);
	c->regraw = NULL;
	c->n_regraw = 0;
}

static const struct rp_change *find_change(const struct rp_capture *c, const char *reg,
					   const char *field)
{
	size_t rl = strlen(reg);

	for (size_t i = 0; i < c->n_ch_fields; i++) {
		const char *w = c->ch_fields[i].what;

		if (!strncmp(w, reg, rl) && w[rl] == '.' && !strcmp(w + rl + 1, field))
			return &c->ch_fields[i];
	}
	return NULL;
}

static double temp_scale(const char *reg, const char *field)
{
	for (size_t i = 0; i < sizeof(temps) / sizeof(temps[0]); i++)
		if (!strcmp(temps[i].reg, reg) && !strcmp(temps[i].field, field))
			return temps[i].scale;
	return 0;
}

static void temp_text(uint64_t raw, double scale, char *buf, size_t len)
{
	double v = (double)(int16_t)(uint16_t)raw * scale;

	snprintf(buf, len, "%.3f", v);
	/* 45.125, 45.5, 45: no trailing zeros. */
	for (char *p = buf + strlen(buf) - 1; p > buf && (*p == '0' || *p == '.'); p--) {
		char d = *p;

		*p = '\0';
		if (d == '.')
			break;
	}
	snprintf(buf + strlen(buf), len - strlen(buf), " \xc2\xb0""C");
}

/* The index of field name+suffix in reg among raw fields, or -1. */
static long find_raw(const struct rp_capture *c, const char *reg, const char *base, size_t blen,
		     const char *suffix)
{
	size_t sl = strlen(suffix);

	for (size_t i = 0; i < c->n_regraw; i++) {
		const struct rp_regraw *r = &c->regraw[i];

		if (strcmp(r->reg, reg) || strlen(r->field) != blen + sl)
			continue;
		if (!strncmp(r->field, base, blen) && !strcmp(r->field + blen, suffix))
			return (long)i;
	}
	return -1;
}

static uint64_t before_value(const struct rp_change *ch, uint64_t now)
{
	if (!ch || !ch->a)
		return now;
	return strtoull(ch->a, NULL, 0);
}

int rp_regs_view(struct fw_ctx *ctx, const struct rp_capture *c, struct rp_field **ret,
		 size_t *ret_n)
{
	struct rp_field *v = NULL;
	size_t n = 0, cap = 0;
	bool *done = calloc(c->n_regraw ? c->n_regraw : 1, 1);

	if (!done)
		return fw_error(ctx, -ENOMEM, "out of memory viewing %zu register fields", c->n_regraw);
	for (size_t i = 0; i < c->n_regraw; i++) {
		const struct rp_regraw *r = &c->regraw[i];
		struct rp_field *f;
		double scale;
		bool joined = false;

		if (done[i])
			continue;
		if (fw_grow((void **)&v, &cap, n + 1, sizeof(*v), 0) < 0) {
			free(done);
			free(v);
			return fw_error(ctx, -ENOMEM, "out of memory viewing register field %zu of %zu",
					n + 1, c->n_regraw);
		}
		f = &v[n++];
		memset(f, 0, sizeof(*f));
		snprintf(f->reg, sizeof(f->reg), "%s", r->reg);
		/* A high half whose low half is there: one 64-bit number. */
		for (size_t k = 0; r->numeric && k < sizeof(halves) / sizeof(halves[0]) && !joined; k++) {
			size_t fl = strlen(r->field), hl = strlen(halves[k].hi);
			long lo;

			if (fl <= hl || strcmp(r->field + fl - hl, halves[k].hi))
				continue;
			lo = find_raw(c, r->reg, r->field, fl - hl, halves[k].lo);
			if (lo < 0 || !c->regraw[lo].numeric || done[lo])
				continue;
			{
				const struct rp_regraw *l = &c->regraw[lo];
				const struct rp_change *ch = find_change(c, r->reg, r->field);
				const struct rp_change *cl = find_change(c, l->reg, l->field);
				uint64_t val = (uint64_t)r->value << 32 | l->value;

				snprintf(f->name, sizeof(f->name), "%.*s", (int)(fl - hl), r->field);
				snprintf(f->value, sizeof(f->value), "%" PRIu64, val);
				snprintf(f->raw, sizeof(f->raw), "%s 0x%08x, %s 0x%08x", r->field,
					 r->value, l->field, l->value);
				if (ch || cl) {
					uint64_t b = before_value(ch, r->value) << 32 |
						     (before_value(cl, l->value) & 0xffffffffu);

					f->changed = true;
					snprintf(f->before, sizeof(f->before), "%" PRIu64, b);
					if (b < val)
						snprintf(f->delta, sizeof(f->delta), "+%" PRIu64, val - b);
					else
						snprintf(f->delta, sizeof(f->delta), "-%" PRIu64, b - val);
				}
				done[lo] = true;
				joined = true;
			}
		}
		done[i] = true;
		if (joined)
			continue;
		snprintf(f->name, sizeof(f->name), "%s", r->field);
		scale = r->numeric ? temp_scale(r->reg, r->field) : 0;
		if (scale != 0) {
			temp_text(r->value, scale, f->value, sizeof(f->value));
			snprintf(f->raw, sizeof(f->raw), "raw 0x%x, units of %g \xc2\xb0""C", r->value, scale);
		} else {
			snprintf(f->value, sizeof(f->value), "%s", r->text);
		}
		{
			const struct rp_change *ch = find_change(c, r->reg, r->field);

			if (ch) {
				f->changed = true;
				if (scale != 0 && ch->a)
					temp_text(strtoull(ch->a, NULL, 0), scale, f->before, sizeof(f->before));
				else if (ch->note && *ch->note)
					snprintf(f->before, sizeof(f->before), "%s (%s)", ch->note,
						 ch->a ? ch->a : "absent");
				else
					snprintf(f->before, sizeof(f->before), "%s", ch->a ? ch->a : "absent");
			}
		}
	}
	free(done);
	*ret = v;
	*ret_n = n;
	return 0;
}
