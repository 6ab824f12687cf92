/* SPDX-License-Identifier: MIT */
/* test-collect-fake: the scripted firmware (see the header). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>

#include "core/bytes.h"
#include "ifc/ifc.h"
#include "test-collect-fake.h"

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint8_t str_byte(unsigned idx, uint32_t off)
{
	return (uint8_t)(off * 7 + idx * 13 + 1);
}

uint8_t seg_byte(uint16_t seg, uint32_t off)
{
	return (uint8_t)(off ^ seg);
}

static void build_menu(struct fake *f)
{
	static const struct { uint16_t type; const char *name; uint32_t flags; } recs[] = {
		{ 0x1010, "FUNC_SYND_REC", 0 },
		{ 0x3001, "SX_SLICE_ALL", 0 },
		{ 0x7777, "CRSPACE", 0 },
	};
	uint8_t *p = f->menu;

	memset(f->menu, 0, sizeof(f->menu));
	be32(p, (16 / 4) << 16 | 0xfffe);                         /* INFO */
	p += 16;
	be32(p, (20 / 4) << 16 | 0xfffa);                         /* COMMAND */
	p += 20;
	be32(p, (uint32_t)((8 + 3 * 52) / 4) << 16 | 0xffff);     /* MENU */
	be32(p + 4, f->no_crspace ? 2 : 3);
	for (unsigned i = 0; i < 3; i++) {
		uint8_t *r = p + 8 + i * 52;

		be32(r, recs[i].flags << 16 | recs[i].type);
		memcpy(r + 4, recs[i].name, strlen(recs[i].name));
	}
	p += 8 + 3 * 52;
	be32(p, 1u << 16 | 0xfffb);                               /* TERMINATE */
	f->menu_len = sizeof(f->menu);
}

static int resdump(struct fake *f, const uint8_t *reg, uint8_t *out)
{
	uint32_t w0 = fw_get_be32(reg);
	uint16_t seg = (uint16_t)w0;
	unsigned seq = (w0 >> 16) & 0xf;
	uint32_t off = (uint32_t)fw_get_be64(reg + 24);     /* our cookie: offset */
	uint32_t total, n;
	bool more;

	if (seg == 0xffff)
		total = (uint32_t)f->menu_len;
	else if (seg == 0x7777)
		total = CRSPACE_SIZE;
	else
		total = 300;
	n = total - off < 208 ? total - off : 208;
	more = off + n < total;
	memcpy(out, reg, 48);
	be32(out, (more ? 1u << 31 : 0) | 1u << 30 | ((seq + 1) & 0xf) << 16 | seg);
	be32(out + 24, 0);
	be32(out + 28, off + n);
	be32(out + 36, n);
	for (uint32_t i = 0; i < n; i++)
		out[48 + i] = seg == 0xffff ? f->menu[off + i] : seg_byte(seg, off + i);
	return 0;
}

uint32_t cr_value(uint32_t addr)
{
	return addr * 2654435761u;
}

/* CORE_DUMP type 2: (address, value) pairs into user memory, at most
 * 'size' bytes a call, resuming at the address in the cookie. */
static int core_dump(struct fake *f, const uint8_t *reg, uint8_t *out)
{
	uint32_t size = fw_get_be32(reg + 0x14), cookie = fw_get_be32(reg + 0x24);
	uint64_t va = fw_get_be64(reg + 0x18);
	size_t used = 0;
	bool more = false;

	memcpy(out, reg, 64);
	if (fw_get_be32(reg) != 2 || fw_get_be32(reg + 0x10) != f->umem_id || !f->umem ||
	    va != (uintptr_t)f->umem || size > f->umem_len)
		return MLX5_STAT_BAD_PARAM;
	if (size > CR_CALL_BYTES)
		size = CR_CALL_BYTES;
	for (unsigned i = 0; i < CR_RUNS; i++) {
		for (uint32_t k = 0; k < CR_RUN_DW; k++) {
			uint32_t addr = CR_RUN_BASE(i) + 4 * k;

			if (addr < cookie)
				continue;
			if (used + 8 > size) {
				more = true;
				cookie = addr;
				goto done;
			}
			be32(f->umem + used, addr);
			be32(f->umem + used + 4, cr_value(addr));
			used += 8;
		}
	}
done:
	be32(out, (more ? 1u << 31 : 0) | 2);
	be32(out + 0x14, (uint32_t)used);
	be32(out + 0x24, more ? cookie : 0);
	return 0;
}

int fake_rpc(struct fake *f, const void *in, size_t inlen, void *out, size_t outlen)
{
	const uint8_t *i = in;
	uint8_t *o = out;
	uint16_t op = fw_get_be16(i);

	if (f->nlog < FAKE_LOG) {
		struct fake_cmd *l = &f->log[f->nlog++];

		l->opcode = op;
		l->op_mod = fw_get_be16(i + 6);
		l->reg_id = op == MLX5_CMD_ACCESS_REG ? fw_get_be16(i + 10) : 0;
		l->inlen = inlen;
		l->outlen = outlen;
	}
	f->commands++;
	ck_assert_uint_le(inlen, f->max_rpc);
	ck_assert_uint_le(outlen, f->max_rpc);
	memset(o, 0, outlen);
	if (op == MLX5_CMD_QUERY_HCA_CAP) {
		for (size_t k = 16; k < outlen; k++)
			o[k] = (uint8_t)(fw_get_be16(i + 6) + k);
		return (int)outlen;
	}
	ck_assert_uint_eq(op, MLX5_CMD_ACCESS_REG);
	/* Reads, and the kernel's write-for-read form of MTRC_STDB that the
	 * mlx5 layer uses. */
	if (fw_get_be16(i + 6) != MLX5_REG_OP_READ)
		ck_assert_uint_eq(fw_get_be16(i + 10), MLX5_REG_MTRC_STDB);
	{
		uint16_t reg = fw_get_be16(i + 10);

		if (reg == f->fail_reg) {
			o[0] = MLX5_STAT_BAD_PARAM;
			be32(o + 4, 0x1234abcd);
			return (int)outlen;
		}
		if (reg == f->timeout_reg)
			return -ETIMEDOUT;
		switch (reg) {
		case MLX5_REG_MTRC_CAP:
			o[16 + 3] = 2;                           /* num_string_db */
			be32(o + 16 + 20, STR0_SIZE);
			be32(o + 16 + 28, STR1_SIZE);
			break;
		case MLX5_REG_MTRC_STDB: {
			uint32_t h = fw_get_be32(i + 16);
			unsigned idx = h >> 28;
			uint32_t size = h & 0xffffff, off = fw_get_be32(i + 20);

			ck_assert_uint_eq(outlen, 16 + 8 + size);
			for (uint32_t k = 0; k < size; k++)
				o[24 + k] = str_byte(idx, off + k);
			break;
		}
		case MLX5_REG_CORE_DUMP:
			o[0] = (uint8_t)core_dump(f, i + 16, o + 16);
			break;
		case MLX5_REG_RESOURCE_DUMP:
			ck_assert_uint_eq(inlen, 16 + 256);
			resdump(f, i + 16, o + 16);
			break;
		default:
			for (size_t k = 16; k < outlen; k++)
				o[k] = (uint8_t)(reg + k);
		}
		if (reg == f->short_reg)
			return (int)(16 + (outlen - 16) / 2);
	}
	return (int)outlen;
}

void fake_init(struct fake *f, size_t max_rpc)
{
	memset(f, 0, sizeof(*f));
	f->max_rpc = max_rpc;
	build_menu(f);
}

int fake_device_info(void *priv, struct fw_device_info *ret)
{
	struct fake *f = priv;

	memset(ret, 0, sizeof(*ret));
	strcpy(ret->pci, "0000:08:00.0");
	strcpy(ret->transport, "fake");
	strcpy(ret->fw_version, "28.39.1002");
	ret->max_rpc = f->max_rpc;
	ret->can_umem = f->can_umem;
	return 0;
}

static int fd_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	int r = fake_rpc(priv, in, inlen, out, outlen);

	/* The transport convention: 0 for a whole outbox, else the count. */
	return r < 0 || (size_t)r < outlen ? r : 0;
}

static void fd_close(void *priv)
{
	(void)priv;             /* the fake belongs to the test */
}

/* User memory for CORE_DUMP CR_DUMP_TO_MEM, offered when can_umem is set. */
static int fd_umem_reg(void *priv, void *addr, size_t len, uint32_t *ret_id)
{
	struct fake *f = priv;

	ck_assert_ptr_null(f->umem);
	f->umem = addr;
	f->umem_len = len;
	f->umem_id = 7;
	*ret_id = 7;
	return 0;
}

static int fd_umem_unreg(void *priv, uint32_t id)
{
	struct fake *f = priv;

	ck_assert_uint_eq(id, 7);
	f->umem = NULL;
	return 0;
}

static const struct fw_cmd_methods fd_ops = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "fake",
	.info = fake_device_info,
	.rpc = fd_rpc,
	.umem_reg = fd_umem_reg,
	.umem_unreg = fd_umem_unreg,
	.close = fd_close,
};

int fake_device_new_with(struct fw_ctx *ctx, struct fake *f,
			 const struct fw_health_methods *health, void *health_priv,
			 struct fw_device **ret)
{
	struct fw_device_parts p = {
		.cmd = &fd_ops, .cmd_priv = f, .health = health, .health_priv = health_priv,
	};

	return fw_device_new_from_ops(ctx, &p, ret);
}

int fake_device_new(struct fw_ctx *ctx, struct fake *f, struct fw_device **ret)
{
	return fake_device_new_with(ctx, f, NULL, NULL, ret);
}
