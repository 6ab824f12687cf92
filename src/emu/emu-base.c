// SPDX-License-Identifier: MIT
/*
 * emu-base: what every part of the emulator stands on and that calls no
 * other part: the seeded hash every value is derived from, the emulated
 * clocks, the user-memory table lookups, and register fields by name
 * through the catalog.  The parts above it form a tree: emu.c (spec and
 * dispatch) calls emu-regs.c (the register file), which calls the tracer
 * (emu-tracer.c) and the dump registers (emu-crspace.c); emu-health.c
 * reads the tracer and CR-space; and nothing calls back up.
 */
#include "config.h"

#include <string.h>

#include "core/bytes.h"
#include "emu/emu-internal.h"

uint64_t emu_hash(uint64_t seed, uint64_t v)
{
	/* splitmix64 finalizer over seed and value. */
	uint64_t z = seed * 0x9e3779b97f4a7c15ull + v + 0x632be59bd9b4e019ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t emu_wall_ns(const struct emu *e)
{
	return e->wall_base_ns + e->now_ns;
}

uint64_t emu_device_tick(const struct emu *e)
{
	return e->tr.clock;
}

struct emu_umem *emu_umem_find(struct emu *e, uint32_t id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < EMU_MAX_UMEMS; i++)
		if (e->umems[i].id == id)
			return &e->umems[i];
	return NULL;
}

uint8_t *emu_umem_ptr(struct emu *e, uint32_t id, uint64_t addr, size_t len)
{
	struct emu_umem *u = emu_umem_find(e, id);
	uint64_t base;

	if (!u)
		return NULL;
	base = (uintptr_t)u->addr;
	if (addr < base || !fw_range_ok(u->len, (size_t)(addr - base), len))
		return NULL;
	return u->addr + (addr - base);
}

void emu_reg_set(const struct regcat_reg *r, uint8_t *buf, const char *field, uint32_t v)
{
	const struct regcat_field *f = regcat_field(r, field);

	if (f && f->type == REGCAT_UINT)
		fw_mlx5_set(buf, f->bit_off, f->width, v);
}

uint32_t emu_reg_get(const struct regcat_reg *r, const uint8_t *buf, const char *field)
{
	const struct regcat_field *f = regcat_field(r, field);

	return f && f->type == REGCAT_UINT ? fw_mlx5_get(buf, f->bit_off, f->width) : 0;
}

void emu_reg_set_str(const struct regcat_reg *r, uint8_t *buf, const char *field, const char *s)
{
	const struct regcat_field *f = regcat_field(r, field);
	size_t n;

	if (!f || f->type == REGCAT_UINT)
		return;
	n = strlen(s);
	if (n > f->width / 8)
		n = f->width / 8;
	memcpy(buf + f->bit_off / 8, s, n);
}
