/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * A recording fake transport for the gate and command-layer tests.  It
 * records every call that reaches ops->rpc (so a test can prove refused
 * commands never arrive) and answers through a scripted reply function.
 * Included by one test file each; everything is static.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/device.h"
#include "ifc/ifc.h"

#define FAKE_MAX_CALLS 4096
#define FAKE_IN_KEEP   512

struct fake_call {
	uint16_t opcode, op_mod, reg_id;
	size_t inlen, outlen;
	uint8_t in[FAKE_IN_KEEP];
};

struct fake;
typedef int (*fake_reply_fn)(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
			     size_t outlen);

struct fake {
	size_t max_rpc;
	size_t n_calls;                  /* all calls, even past FAKE_MAX_CALLS */
	struct fake_call calls[FAKE_MAX_CALLS];
	fake_reply_fn reply;
	void *user;
	int *closed;                     /* set to 1 on close, if non-NULL */
	/* User memory (fake_umem_device()): one registration at a time. */
	uint8_t *umem;
	size_t umem_len;
	unsigned umem_regs, umem_unregs;
	int umem_fail;                   /* fail registration with this errno */
};

static int fake_info(void *priv, struct fw_device_info *ret)
{
	struct fake *f = priv;
	struct fw_device_info info = { 0 };

	strcpy(info.pci, "0000:99:00.0");
	strcpy(info.transport, "fake");
	info.vendor_id = 0x15b3;
	info.device_id = 0x1021;
	info.max_rpc = f->max_rpc;
	*ret = info;
	return 0;
}

static int fake_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct fake *f = priv;

	if (f->n_calls < FAKE_MAX_CALLS) {
		struct fake_call *c = &f->calls[f->n_calls];

		c->opcode = (uint16_t)fw_mlx5_get(in, 0, 16);
		c->op_mod = (uint16_t)fw_mlx5_get(in, 48, 16);
		c->reg_id = (uint16_t)fw_mlx5_get(in, 80, 16);
		c->inlen = inlen;
		c->outlen = outlen;
		memcpy(c->in, in, inlen < FAKE_IN_KEEP ? inlen : FAKE_IN_KEEP);
	}
	f->n_calls++;
	memset(out, 0, outlen);
	if (f->reply)
		return f->reply(f, in, inlen, out, outlen);
	return 0;
}

static void fake_close(void *priv)
{
	struct fake *f = priv;

	if (f->closed)
		*f->closed = 1;
	free(f);
}

static const struct fw_cmd_methods fake_ops = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "fake",
	.info = fake_info,
	.rpc = fake_rpc,
	.close = fake_close,
};

#define FAKE_UMEM_ID 7u

static int fake_umem_reg(void *priv, void *addr, size_t len, uint32_t *ret_id)
{
	struct fake *f = priv;

	if (f->umem_fail)
		return -f->umem_fail;
	ck_assert_ptr_null(f->umem);
	f->umem = addr;
	f->umem_len = len;
	f->umem_regs++;
	*ret_id = FAKE_UMEM_ID;
	return 0;
}

static int fake_umem_unreg(void *priv, uint32_t id)
{
	struct fake *f = priv;

	ck_assert_uint_eq(id, FAKE_UMEM_ID);
	ck_assert_ptr_nonnull(f->umem);
	f->umem = NULL;
	f->umem_unregs++;
	return 0;
}

static int fake_umem_info(void *priv, struct fw_device_info *ret)
{
	fake_info(priv, ret);
	ret->can_umem = true;
	return 0;
}

static const struct fw_cmd_methods fake_umem_ops = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "fake",
	.info = fake_umem_info,
	.rpc = fake_rpc,
	.umem_reg = fake_umem_reg,
	.umem_unreg = fake_umem_unreg,
	.close = fake_close,
};

static inline struct fw_device *fake_device_with(struct fw_ctx *ctx, const struct fw_cmd_methods *m,
						 size_t max_rpc, fake_reply_fn reply,
						 struct fake **ret_fake)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct fw_device *dev = NULL;

	ck_assert_ptr_nonnull(f);
	f->max_rpc = max_rpc;
	f->reply = reply;
	ck_assert_int_eq(fw_device_new_from_ops(ctx, &(struct fw_device_parts){ .cmd = m, .cmd_priv = f },
						 &dev), 0);
	*ret_fake = f;
	return dev;
}

/* A device over a fresh fake; *ret_fake stays valid until fw_device_close(). */
static inline struct fw_device *fake_device(struct fw_ctx *ctx, size_t max_rpc, fake_reply_fn reply,
					    struct fake **ret_fake)
{
	return fake_device_with(ctx, &fake_ops, max_rpc, reply, ret_fake);
}

/* The same with user memory (the trace ring, CORE_DUMP to memory). */
static inline struct fw_device *fake_umem_device(struct fw_ctx *ctx, size_t max_rpc,
						 fake_reply_fn reply, struct fake **ret_fake)
{
	return fake_device_with(ctx, &fake_umem_ops, max_rpc, reply, ret_fake);
}

/* Build a 16-byte-header inbox. */
static inline void fake_inbox(uint8_t *in, size_t len, uint16_t opcode, uint16_t op_mod,
			      uint16_t reg_id)
{
	memset(in, 0, len);
	fw_mlx5_set(in, 0, 16, opcode);
	fw_mlx5_set(in, 48, 16, op_mod);
	if (opcode == MLX5_CMD_ACCESS_REG || opcode == MLX5_CMD_ACCESS_REGISTER_USER)
		fw_mlx5_set(in, 80, 16, reg_id);
}
