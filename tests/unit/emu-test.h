/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * emu-test: what the emulator's Check suites share: a context per test,
 * an emulator from a spec, and ACCESS_REG mailboxes built here byte by
 * byte, as the kernel builds them.  Included by one test file each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "core/bytes.h"
#include "emu/emu-internal.h"
#include "emu/emu.h"
#include "ifc/ifc.h"
#include "ifc/regcat.h"
#include "testutil.h"

static struct fw_ctx *ctx;

static inline void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static inline void teardown(void)
{
	fw_ctx_free(ctx);
}

static struct emu *mk(const char *spec)
{
	struct emu *e = NULL;

	tu_assert_ok(ctx, emu_new(ctx, spec, &e));
	return e;
}

/* ACCESS_REG: returns the status byte; out gets the register data. */
static inline int reg_op(struct emu *e, uint16_t id, bool write, const void *data, size_t dlen, uint8_t *out,
		  size_t olen, uint32_t *syndrome)
{
	uint8_t in[16 + 512] = { 0 }, ob[16 + 512];
	int r;

	ck_assert_uint_le(dlen, 512);
	ck_assert_uint_le(olen, 512);
	fw_put_be16(in, MLX5_CMD_ACCESS_REG);
	fw_put_be16(in + 6, write ? 0 : 1);
	fw_put_be16(in + 10, id);
	if (data)
		memcpy(in + 16, data, dlen);
	r = emu_cmd(e, in, 16 + dlen, ob, 16 + olen);
	if (r < 0)
		return r;
	if (out)
		memcpy(out, ob + 16, olen);
	if (syndrome)
		*syndrome = fw_get_be32(ob + 4);
	return ob[0];
}

static inline int reg_read(struct emu *e, const char *name, const void *in, uint8_t *out)
{
	const struct regcat_reg *r = regcat_by_name(name);

	return reg_op(e, r->id, false, in, r->size, out, r->size, NULL);
}

static inline uint32_t fget(const char *reg, const uint8_t *buf, const char *field)
{
	return emu_reg_get(regcat_by_name(reg), buf, field);
}
