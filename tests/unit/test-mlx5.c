/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/mlx5: mailbox bytes (golden), status text and errno,
 * ACCESS_REG, QUERY_HCA_CAP, the RESOURCE_DUMP loop and strings-DB
 * chunking against a scripted fake transport, CORE_DUMP packing, and the
 * opt-in tracer control.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mlx5/mlx5.h"
#include "testutil.h"
#include "test-device-fake.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	fw_ctx_free(ctx);
}

/* ---- mailboxes and status ---- */

START_TEST(test_mbox_golden)
{
	static const uint8_t golden[16] = { 0x08, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
					    0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t out[16] = { 0x03, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x2b, 0x3c };
	uint8_t in[16];
	uint32_t synd;
	uint8_t status;

	memset(in, 0xff, sizeof(in));
	mlx5_mbox_in_hdr(in, MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ);
	ck_assert_mem_eq(in, golden, 16);
	tu_assert_ok(ctx, mlx5_mbox_out_parse(ctx, out, sizeof(out), &status, &synd));
	ck_assert_uint_eq(status, 3);
	ck_assert_uint_eq(synd, 0x1a2b3c);
	ck_assert_int_eq(mlx5_mbox_out_parse(ctx, out, 15, &status, &synd), -EBADMSG);
}
END_TEST

START_TEST(test_status_text)
{
	char buf[MLX5_STATUS_TEXT_MAX];

	mlx5_status_text(MLX5_STAT_BAD_PARAM, 0x1a2b3c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "BAD_PARAM (0x3), syndrome 0x1a2b3c");
	mlx5_status_text(MLX5_STAT_OK, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "OK (0x0)");
	mlx5_status_text(0x77, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "status 0x77, syndrome 0x1");
	mlx5_status_text(MLX5_STAT_BAD_OUTP_LEN, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "BAD_OUTP_LEN (0x51), syndrome 0x0");
	ck_assert_str_eq(mlx5_status_name(MLX5_STAT_RES_BUSY), "RES_BUSY");
	ck_assert_ptr_null(mlx5_status_name(0x07));
	ck_assert_int_eq(mlx5_status_to_errno(0), 0);
	ck_assert_int_eq(mlx5_status_to_errno(MLX5_STAT_INT_ERR), -EREMOTEIO);
	ck_assert_int_eq(mlx5_status_to_errno(0xff), -EREMOTEIO);
	ck_assert_str_eq(mlx5_opcode_name(MLX5_CMD_ACCESS_REG), "ACCESS_REG");
	ck_assert_ptr_null(mlx5_opcode_name(0x7777));
	ck_assert_str_eq(mlx5_reg_name(MLX5_REG_MTRC_STDB), "MTRC_STDB");
	ck_assert_uint_eq(mlx5_reg_size(MLX5_REG_MGIR), 160);
	ck_assert_uint_eq(mlx5_reg_size(MLX5_REG_RESOURCE_DUMP), 256);
	ck_assert_uint_eq(mlx5_reg_size(MLX5_REG_MTRC_STDB), 264);   /* 8 + 256 */
	ck_assert_uint_eq(mlx5_reg_size(MLX5_REG_PCAM), 0);          /* not in the catalog */
	ck_assert_str_eq(mlx5_reg_name(MLX5_REG_PCAM), "PCAM");
	ck_assert_uint_eq(mlx5_reg_size(0x1234), 0);
	ck_assert_ptr_null(mlx5_reg_name(0x1234));
}
END_TEST

/* ---- ACCESS_REG and QUERY_HCA_CAP ---- */

static int reply_mgir(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
		      size_t outlen)
{
	size_t i;

	(void)f;
	(void)in;
	(void)inlen;
	for (i = 16; i < outlen; i++)
		out[i] = (uint8_t)i;
	return 0;
}

START_TEST(test_access_reg_read)
{
	static const uint8_t golden[16] = { 0x08, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
					    0x00, 0x00, 0x90, 0x20, 0x11, 0x22, 0x33, 0x44 };
	uint8_t data[160], in_data[4] = { 0xde, 0xad, 0xbe, 0xef };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, reply_mgir, &f);
	tu_assert_ok(ctx, mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0x11223344, in_data,
					       sizeof(in_data), data, sizeof(data), &st));
	ck_assert_uint_eq(f->n_calls, 1);
	ck_assert_uint_eq(f->calls[0].inlen, 16 + 4);
	ck_assert_uint_eq(f->calls[0].outlen, 16 + 160);
	ck_assert_mem_eq(f->calls[0].in, golden, 16);
	ck_assert_mem_eq(f->calls[0].in + 16, in_data, 4);
	ck_assert_uint_eq(data[0], 16);
	ck_assert_uint_eq(data[159], 175);
	ck_assert_int_eq(st.err, 0);
	ck_assert(st.fw_replied);
	ck_assert_uint_eq(st.commands, 1);
	ck_assert_uint_eq(st.reg_id, MLX5_REG_MGIR);
	ck_assert_str_eq(st.text, "OK (0x0)");

	/* The kernel-style write form: op_mod 0, allowed for MTRC_STDB only. */
	tu_assert_ok(ctx, mlx5_access_reg_write_read(dev, MLX5_REG_MTRC_STDB, 0, NULL, 128, data,
						     64, &st));
	ck_assert_uint_eq(f->calls[1].op_mod, 0);
	ck_assert_uint_eq(f->calls[1].inlen, 16 + 128);
	ck_assert_int_eq(mlx5_access_reg_write_read(dev, MLX5_REG_MGIR, 0, NULL, 160, data, 160,
						    &st), -EPERM);
	ck_assert_int_eq(st.err, -EPERM);
	ck_assert(!st.fw_replied);
	ck_assert_uint_eq(st.reg_id, MLX5_REG_MGIR);
	ck_assert_uint_eq(f->n_calls, 2);
	fw_device_close(dev);
}
END_TEST

static int reply_bad_param(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
			   size_t outlen)
{
	(void)f;
	(void)in;
	(void)inlen;
	(void)outlen;
	out[0] = MLX5_STAT_BAD_PARAM;
	fw_put_be32(out + 4, 0x1a2b3c);
	return 0;
}

static int reply_timeout(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
			 size_t outlen)
{
	(void)f;
	(void)in;
	(void)inlen;
	(void)out;
	(void)outlen;
	return -ETIMEDOUT;
}

START_TEST(test_status_errors)
{
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	uint8_t data[160];

	dev = fake_device(ctx, 1 << 16, reply_bad_param, &f);
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, 160, data, 160, &st),
			 -EREMOTEIO);
	ck_assert_str_eq(fw_ctx_errmsg(ctx),
			 "ACCESS_REG read MGIR (0x9020): firmware returned BAD_PARAM (0x3), "
			 "syndrome 0x1a2b3c");
	ck_assert_int_eq(st.err, -EREMOTEIO);
	ck_assert(st.fw_replied);
	ck_assert_uint_eq(st.status, 3);
	ck_assert_uint_eq(st.syndrome, 0x1a2b3c);
	ck_assert_str_eq(st.text, "BAD_PARAM (0x3), syndrome 0x1a2b3c");
	/* NULL status record is fine. */
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, 160, data, 160, NULL),
			 -EREMOTEIO);
	fw_device_close(dev);

	dev = fake_device(ctx, 1 << 16, reply_timeout, &f);
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, 160, data, 160, &st),
			 -ETIMEDOUT);
	ck_assert_int_eq(st.err, -ETIMEDOUT);
	ck_assert(!st.fw_replied);
	ck_assert_uint_eq(st.commands, 1);
	fw_device_close(dev);
}
END_TEST

static int reply_cut(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
		     size_t outlen)
{
	(void)f;
	(void)in;
	(void)inlen;
	(void)outlen;
	out[16] = 0x77;
	return 40;
}

START_TEST(test_short_outbox)
{
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	uint8_t data[160];

	dev = fake_device(ctx, 1 << 16, reply_cut, &f);
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, 160, data, 160, &st),
			 -EBADMSG);
	ck_assert_str_eq(fw_ctx_errmsg(ctx),
			 "ACCESS_REG read MGIR (0x9020): outbox cut short, 40 of 176 bytes");
	ck_assert_int_eq(st.err, -EBADMSG);
	ck_assert(st.fw_replied);
	ck_assert_uint_eq(st.out_len, 40);
	ck_assert_str_eq(st.text, "outbox cut short: 40 of 176 bytes");
	/* What came is handed over: 24 register bytes, zeros after. */
	ck_assert_uint_eq(data[0], 0x77);
	ck_assert_uint_eq(data[23], 0);
	ck_assert_uint_eq(data[159], 0);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_query_hca_cap)
{
	uint8_t cap[256];
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, reply_mgir, &f);
	tu_assert_ok(ctx, mlx5_query_hca_cap(dev, MLX5_CAP_DEBUG, true, cap, sizeof(cap), &st));
	ck_assert_uint_eq(f->calls[0].opcode, MLX5_CMD_QUERY_HCA_CAP);
	ck_assert_uint_eq(f->calls[0].op_mod, 0x1b);
	ck_assert_uint_eq(f->calls[0].inlen, 16);
	ck_assert_uint_eq(f->calls[0].outlen, 16 + 4096);
	ck_assert_uint_eq(cap[0], 16);
	tu_assert_ok(ctx, mlx5_query_hca_cap(dev, MLX5_CAP_GENERAL, false, cap, sizeof(cap), &st));
	ck_assert_uint_eq(f->calls[1].op_mod, 0x0);
	ck_assert_int_eq(mlx5_query_hca_cap(dev, MLX5_CAP_GENERAL, false, cap, 4097, &st), -EINVAL);
	ck_assert_uint_eq(f->n_calls, 2);
	fw_device_close(dev);
}
END_TEST

/* ---- RESOURCE_DUMP ---- */

/* A scripted firmware: serves `total` bytes of a pattern, 208 per call. */
struct rd_script {
	size_t total, pos;
	unsigned calls;
	uint16_t segment;
	unsigned bad_seq_at, fail_at, oversize_at;
	bool endless;
	uint16_t op_mod;
	char error[128];
};

static uint8_t rd_byte(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 8));
}

static int reply_resdump(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
			 size_t outlen)
{
	struct rd_script *s = f->user;
	const uint8_t *reg = in + 16;
	uint8_t *o = out + 16;
	size_t n, i;

	ck_assert_uint_eq(inlen, 16 + 256);
	ck_assert_uint_eq(outlen, 16 + 256);
	s->op_mod = (uint16_t)fw_mlx5_get(in, 48, 16);
	s->calls++;
	/* The loop must send back our segment, inline mode, 208, and from
	 * the second call on the cookie and seq_num we returned. */
	ck_assert_uint_eq(fw_mlx5_get(reg, 16, 16), s->segment);
	ck_assert_uint_eq(fw_mlx5_get(reg, 1, 1), 1);
	ck_assert_uint_eq(fw_get_be32(reg + 36), 208);
	if (s->calls > 1) {
		ck_assert_uint_eq(fw_get_be64(reg + 24), 0xc0de0000ull + s->calls - 1);
		ck_assert_uint_eq(fw_mlx5_get(reg, 12, 4), (s->calls - 1) & 0xf);
		ck_assert_uint_eq(fw_mlx5_get(reg, 0, 1), 1);
	} else {
		ck_assert_uint_eq(fw_get_be32(reg + 8), 0x11);
		ck_assert_uint_eq(fw_mlx5_get(reg, 128, 16), 0xffff);
	}
	if (s->fail_at == s->calls) {
		out[0] = MLX5_STAT_BAD_RES_STATE;
		fw_put_be32(out + 4, 0xbeef);
		return 0;
	}
	memcpy(o, reg, 48);
	n = s->total - s->pos < 208 ? s->total - s->pos : 208;
	for (i = 0; i < n; i++)
		o[48 + i] = rd_byte(s->pos + i);
	s->pos += n;
	fw_put_be32(o + 36, s->oversize_at == s->calls ? 209 : (uint32_t)n);
	fw_mlx5_set(o, 0, 1, s->endless || s->pos < s->total);
	fw_mlx5_set(o, 12, 4, s->bad_seq_at == s->calls ? 9 : s->calls & 0xf);
	fw_put_be64(o + 24, 0xc0de0000ull + s->calls);
	return 0;
}

static struct fw_device *rd_device(struct rd_script *s, struct fake **ret_f)
{
	struct fw_device *dev = fake_device(ctx, 1 << 16, reply_resdump, ret_f);

	(*ret_f)->user = s;
	return dev;
}

START_TEST(test_resdump_loop)
{
	struct rd_script s = { .total = 5000, .segment = 0x1000 };
	struct mlx5_resdump_req req = { .segment_type = 0x1000, .index1 = 0x11,
					.num_of_obj1 = MLX5_RESDUMP_ALL };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	uint8_t *data;
	size_t len, i;

	dev = rd_device(&s, &f);
	tu_assert_ok(ctx, mlx5_resdump(dev, &req, (void **)&data, &len, &st));
	ck_assert_uint_eq(len, 5000);
	for (i = 0; i < len; i++)
		ck_assert_uint_eq(data[i], rd_byte(i));
	ck_assert_uint_eq(s.calls, 25);           /* ceil(5000 / 208) */
	ck_assert_uint_eq(st.commands, 25);
	ck_assert_uint_eq(f->n_calls, 25);
	ck_assert_uint_eq(s.op_mod, MLX5_REG_OP_WRITE);   /* the kernel's form */
	free(data);
	fw_device_close(dev);

	/* The tool's read form, and an exact multiple of 208. */
	memset(&s, 0, sizeof(s));
	s.total = 208 * 3;
	s.segment = 0x1000;
	req.read_op = true;
	dev = rd_device(&s, &f);
	tu_assert_ok(ctx, mlx5_resdump(dev, &req, (void **)&data, &len, &st));
	ck_assert_uint_eq(len, 624);
	ck_assert_uint_eq(s.calls, 3);
	ck_assert_uint_eq(s.op_mod, MLX5_REG_OP_READ);
	free(data);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_resdump_errors)
{
	struct mlx5_resdump_req req = { .segment_type = 0x1000, .index1 = 0x11,
					.num_of_obj1 = MLX5_RESDUMP_ALL };
	struct rd_script s;
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	void *data = NULL;
	size_t len = 0;

	memset(&s, 0, sizeof(s));
	s.total = 5000;
	s.segment = 0x1000;
	s.bad_seq_at = 2;
	dev = rd_device(&s, &f);
	ck_assert_int_eq(mlx5_resdump(dev, &req, &data, &len, &st), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "seq_num 9, expected 2"));
	ck_assert_ptr_null(data);
	fw_device_close(dev);

	memset(&s, 0, sizeof(s));
	s.total = 5000;
	s.segment = 0x1000;
	s.oversize_at = 3;
	dev = rd_device(&s, &f);
	ck_assert_int_eq(mlx5_resdump(dev, &req, &data, &len, &st), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "claims 209 bytes"));
	fw_device_close(dev);

	memset(&s, 0, sizeof(s));
	s.total = 5000;
	s.segment = 0x1000;
	s.fail_at = 3;
	dev = rd_device(&s, &f);
	ck_assert_int_eq(mlx5_resdump(dev, &req, &data, &len, &st), -EREMOTEIO);
	ck_assert_str_eq(fw_ctx_errmsg(ctx),
			 "resource dump of segment 0x1000, call 3: ACCESS_REG write RESOURCE_DUMP "
			 "(0xc000): firmware returned BAD_RES_STATE (0x9), syndrome 0xbeef");
	ck_assert_uint_eq(st.commands, 3);
	ck_assert_uint_eq(st.status, MLX5_STAT_BAD_RES_STATE);
	fw_device_close(dev);

	/* Firmware that never stops: bounded by max_calls (FW_LIMIT_RESDUMP_PAGES). */
	memset(&s, 0, sizeof(s));
	s.total = 1 << 20;
	s.segment = 0x1000;
	s.endless = true;
	req.max_calls = 40;
	dev = rd_device(&s, &f);
	ck_assert_int_eq(mlx5_resdump(dev, &req, &data, &len, &st), -EOVERFLOW);
	ck_assert_uint_eq(s.calls, 40);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "FW_LIMIT_RESDUMP_PAGES"));
	ck_assert_ptr_null(data);
	fw_device_close(dev);
}
END_TEST

struct each_count {
	size_t bytes;
	unsigned calls;
};

static int each_cb(void *u, const void *data, size_t len)
{
	struct each_count *e = u;
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		ck_assert_uint_eq(p[i], rd_byte(e->bytes + i));
	e->bytes += len;
	e->calls++;
	return e->calls == 4 ? -ECANCELED : 0;
}

/* The streaming form keeps what came before a failure; the callback can stop it. */
START_TEST(test_resdump_each)
{
	struct mlx5_resdump_req req = { .segment_type = 0x1000, .index1 = 0x11,
					.num_of_obj1 = MLX5_RESDUMP_ALL };
	struct each_count e = { 0 };
	struct rd_script s;
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;

	memset(&s, 0, sizeof(s));
	s.total = 5000;
	s.segment = 0x1000;
	s.fail_at = 3;
	dev = rd_device(&s, &f);
	ck_assert_int_eq(mlx5_resdump_each(dev, &req, each_cb, &e, &st), -EREMOTEIO);
	ck_assert_uint_eq(e.bytes, 2 * 208);
	ck_assert_uint_eq(st.status, MLX5_STAT_BAD_RES_STATE);
	fw_device_close(dev);

	memset(&s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
	s.total = 5000;
	s.segment = 0x1000;
	dev = rd_device(&s, &f);
	ck_assert_int_eq(mlx5_resdump_each(dev, &req, each_cb, &e, &st), -ECANCELED);
	ck_assert_uint_eq(e.bytes, 4 * 208);
	ck_assert_uint_eq(s.calls, 4);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_resdump_dry_run)
{
	struct mlx5_resdump_req req = { .segment_type = MLX5_RESDUMP_SEG_MENU };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	void *data;
	size_t len;

	dev = fake_device(ctx, 1 << 16, NULL, &f);
	fw_device_set_dry_run(dev, true);
	tu_assert_ok(ctx, mlx5_resdump(dev, &req, &data, &len, &st));
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(fw_device_cmd_count(dev), 1);
	ck_assert_uint_eq(f->n_calls, 0);
	free(data);
	fw_device_close(dev);
}
END_TEST

/* ---- tracer ---- */

#define DB0_SIZE 10000u
#define DB1_SIZE 640u

static void make_mtrc_cap(uint8_t *reg, unsigned ndb)
{
	memset(reg, 0, 128);
	fw_mlx5_set(reg, 0, 1, 0);            /* not owner */
	fw_mlx5_set(reg, 1, 1, 1);            /* trace_to_memory */
	fw_mlx5_set(reg, 6, 2, 1);            /* trc_ver */
	fw_mlx5_set(reg, 28, 4, ndb);
	reg[4] = 0x2a;                        /* first_string_trace */
	reg[5] = 0x08;                        /* num_string_trace */
	reg[11] = 0x12;                       /* log_max_trace_buffer_size */
	fw_put_be32(reg + 16, 0x00100000);
	fw_put_be32(reg + 20, DB0_SIZE);
	fw_put_be32(reg + 24, 0x00200000);
	fw_put_be32(reg + 28, DB1_SIZE);
	fw_put_be32(reg + 32, 0x00300000);
	fw_put_be32(reg + 36, 0);
}

static uint8_t db_byte(unsigned section, size_t off)
{
	return (uint8_t)(section * 31 + off * 7 + (off >> 9));
}

struct tr_script {
	size_t fw_max_read;                   /* 0 = any */
	unsigned stdb_calls, refused;
	size_t max_outlen;
};

static int reply_tracer(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
			size_t outlen)
{
	struct tr_script *s = f->user;
	uint16_t reg = (uint16_t)fw_mlx5_get(in, 80, 16);
	uint32_t idx, size, off, i;

	(void)inlen;
	if (reg == MLX5_REG_MTRC_CAP) {
		make_mtrc_cap(out + 16, 3);
		fw_mlx5_set(out + 16, 0, 1, fw_mlx5_get(in + 16, 0, 1));   /* grant ownership */
		return 0;
	}
	if (reg != MLX5_REG_MTRC_STDB)
		return 0;
	s->stdb_calls++;
	if (outlen > s->max_outlen)
		s->max_outlen = outlen;
	idx = fw_mlx5_get(in + 16, 0, 4);
	size = fw_mlx5_get(in + 16, 8, 24);
	off = fw_get_be32(in + 20);
	ck_assert_uint_eq(inlen, 16 + 128);
	ck_assert_uint_eq(fw_mlx5_get(in, 48, 16), MLX5_REG_OP_WRITE);
	ck_assert_uint_eq(outlen, 16 + 8 + size);
	if (s->fw_max_read && size > s->fw_max_read) {
		s->refused++;
		out[0] = MLX5_STAT_BAD_PARAM;
		return 0;
	}
	memcpy(out + 16, in + 16, 8);
	for (i = 0; i < size; i++)
		out[24 + i] = db_byte(idx, off + i);
	return 0;
}

static struct fw_device *tr_device(size_t max_rpc, struct tr_script *s, struct fake **ret_f)
{
	struct fw_device *dev = fake_device(ctx, max_rpc, reply_tracer, ret_f);

	(*ret_f)->user = s;
	return dev;
}

START_TEST(test_tracer_caps)
{
	struct mlx5_tracer_caps caps;
	uint8_t reg[128], raw[128];
	struct tr_script s = { 0 };
	struct fw_device *dev;
	struct fake *f;

	make_mtrc_cap(reg, 3);
	tu_assert_ok(ctx, mlx5_tracer_caps_parse(ctx, reg, sizeof(reg), &caps));
	ck_assert(!caps.trace_owner);
	ck_assert(caps.trace_to_memory);
	ck_assert_uint_eq(caps.trc_ver, 1);
	ck_assert_uint_eq(caps.num_string_db, 3);
	ck_assert_uint_eq(caps.first_string_trace, 0x2a);
	ck_assert_uint_eq(caps.num_string_trace, 8);
	ck_assert_uint_eq(caps.log_max_trace_buffer_size, 0x12);
	ck_assert_uint_eq(caps.db[0].base_address, 0x00100000);
	ck_assert_uint_eq(caps.db[0].size, DB0_SIZE);
	ck_assert_uint_eq(caps.db[1].base_address, 0x00200000);
	ck_assert_uint_eq(caps.db[1].size, DB1_SIZE);
	ck_assert_uint_eq(caps.db[2].size, 0);
	reg[23] = 0xff;
	reg[22] = 0xff;
	reg[21] = 0xff;
	reg[20] = 0xff;   /* size is 24 bits: the top byte is not part of it */
	tu_assert_ok(ctx, mlx5_tracer_caps_parse(ctx, reg, sizeof(reg), &caps));
	ck_assert_uint_eq(caps.db[0].size, 0xffffff);
	ck_assert_int_eq(mlx5_tracer_caps_parse(ctx, reg, 127, &caps), -EBADMSG);
	make_mtrc_cap(reg, 9);
	ck_assert_int_eq(mlx5_tracer_caps_parse(ctx, reg, sizeof(reg), &caps), -EOVERFLOW);

	dev = tr_device(1 << 16, &s, &f);
	tu_assert_ok(ctx, mlx5_tracer_query_caps(dev, &caps, raw, sizeof(raw), NULL));
	ck_assert_uint_eq(f->calls[0].op_mod, MLX5_REG_OP_READ);
	ck_assert_uint_eq(f->calls[0].reg_id, MLX5_REG_MTRC_CAP);
	ck_assert_uint_eq(caps.db[1].size, DB1_SIZE);
	make_mtrc_cap(reg, 3);
	ck_assert_mem_eq(raw, reg, 128);
	fw_device_close(dev);
}
END_TEST

static void check_db(const uint8_t *data, size_t len, unsigned section, size_t expect_len)
{
	size_t i;

	ck_assert_uint_eq(len, expect_len);
	for (i = 0; i < len; i++)
		ck_assert_uint_eq(data[i], db_byte(section, i));
}

static void read_db(size_t max_rpc, size_t fw_max, size_t chunk_max, unsigned section,
		    unsigned expect_cmds, size_t expect_len)
{
	struct mlx5_tracer_caps caps;
	struct tr_script s = { .fw_max_read = fw_max };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	void *data;
	size_t len;

	dev = tr_device(max_rpc, &s, &f);
	tu_assert_ok(ctx, mlx5_tracer_query_caps(dev, &caps, NULL, 0, NULL));
	tu_assert_ok(ctx, mlx5_strings_db_read(dev, &caps, section, chunk_max, &data, &len, &st));
	check_db(data, len, section, expect_len);
	ck_assert_uint_eq(s.stdb_calls, expect_cmds);
	ck_assert_uint_eq(st.commands, expect_cmds);
	ck_assert_uint_le(s.max_outlen, max_rpc);
	free(data);
	fw_device_close(dev);
}

START_TEST(test_strings_db_chunking)
{
	/* mlx5ctl-sized RPC: one command per section. */
	read_db(256 << 10, 0, 0, 0, 1, DB0_SIZE);
	read_db(256 << 10, 0, 0, 1, 1, DB1_SIZE);
	/* A 1 KiB transport: 1000 usable bytes, 960 in 64-byte units -> 11 reads. */
	read_db(1024, 0, 0, 0, 11, DB0_SIZE);
	/* The kernel's chunk size, asked for explicitly: ceil(10000/256) = 40. */
	read_db(256 << 10, 0, 256, 0, 40, DB0_SIZE);
	/* Firmware refuses big reads: one refused, then 40 kernel-size reads. */
	read_db(256 << 10, 256, 0, 0, 41, DB0_SIZE);
	/* Empty section: nothing to read. */
	read_db(256 << 10, 0, 0, 2, 0, 0);
}
END_TEST

START_TEST(test_strings_db_read_all)
{
	struct mlx5_tracer_caps caps;
	struct tr_script s = { .fw_max_read = 256 };
	void *data[MLX5_STRINGS_DB_SECTIONS];
	size_t len[MLX5_STRINGS_DB_SECTIONS];
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	unsigned i;

	dev = tr_device(256 << 10, &s, &f);
	tu_assert_ok(ctx, mlx5_tracer_query_caps(dev, &caps, NULL, 0, NULL));
	tu_assert_ok(ctx, mlx5_strings_db_read_all(dev, &caps, data, len, &st));
	check_db(data[0], len[0], 0, DB0_SIZE);
	check_db(data[1], len[1], 1, DB1_SIZE);
	ck_assert_uint_eq(len[2], 0);
	for (i = 3; i < MLX5_STRINGS_DB_SECTIONS; i++) {
		ck_assert_ptr_null(data[i]);
		ck_assert_uint_eq(len[i], 0);
	}
	/* One refused read in all, then 40 + 3 kernel-size reads. */
	ck_assert_uint_eq(s.refused, 1);
	ck_assert_uint_eq(st.commands, 1 + 40 + 3);
	for (i = 0; i < MLX5_STRINGS_DB_SECTIONS; i++)
		free(data[i]);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_strings_db_errors)
{
	struct mlx5_tracer_caps caps;
	struct tr_script s = { .fw_max_read = 64 };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	void *data = NULL;
	size_t len;

	dev = tr_device(256 << 10, &s, &f);
	tu_assert_ok(ctx, mlx5_tracer_query_caps(dev, &caps, NULL, 0, NULL));
	ck_assert_int_eq(mlx5_strings_db_read(dev, &caps, 3, 0, &data, &len, &st), -ENOENT);
	/* Firmware that refuses even 256-byte reads: the error is reported. */
	ck_assert_int_eq(mlx5_strings_db_read(dev, &caps, 0, 0, &data, &len, &st), -EREMOTEIO);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "strings DB 0 at offset 0"));
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "BAD_PARAM"));
	ck_assert_uint_eq(s.refused, 2);
	ck_assert_ptr_null(data);
	caps.db[0].size = FW_LIMIT_STRINGS_DB_SECTION + 1;
	ck_assert_int_eq(mlx5_strings_db_read(dev, &caps, 0, 0, &data, &len, &st), -EOVERFLOW);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_tracer_control)
{
	struct tr_script s = { 0 };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	bool owner = false;

	dev = tr_device(1 << 16, &s, &f);
	ck_assert_int_eq(mlx5_tracer_set_owner(dev, true, &owner, &st), -EPERM);
	ck_assert_int_eq(mlx5_tracer_configure(dev, 0x1234, 6, &st), -EPERM);
	ck_assert_int_eq(mlx5_tracer_set_status(dev, true, true, &st), -EPERM);
	ck_assert_uint_eq(f->n_calls, 0);

	fw_device_allow_trace_control(dev, true);
	tu_assert_ok(ctx, mlx5_tracer_set_owner(dev, true, &owner, &st));
	ck_assert(owner);
	ck_assert_uint_eq(f->calls[0].in[16], 0x80);
	tu_assert_ok(ctx, mlx5_tracer_configure(dev, 0x1234, 6, &st));
	{
		static const uint8_t golden[12] = { 0, 0, 0, 1, 0, 0, 0, 6, 0, 0, 0x12, 0x34 };
		ck_assert_mem_eq(f->calls[1].in + 16, golden, 12);
		ck_assert_uint_eq(f->calls[1].reg_id, MLX5_REG_MTRC_CONF);
	}
	tu_assert_ok(ctx, mlx5_tracer_set_status(dev, true, true, &st));
	{
		static const uint8_t golden[4] = { 0x48, 0x00, 0x00, 0x01 };
		ck_assert_mem_eq(f->calls[2].in + 16, golden, 4);
		ck_assert_uint_eq(f->calls[2].inlen, 16 + 64);
	}
	tu_assert_ok(ctx, mlx5_tracer_set_owner(dev, false, &owner, &st));
	ck_assert(!owner);
	fw_device_close(dev);
}
END_TEST

/* ---- CORE_DUMP ---- */

START_TEST(test_core_dump_pack)
{
	static const uint8_t golden[40] = {
		0x80, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x07, 0x00, 0xab, 0xcd, 0xef,
		0x00, 0x00, 0x12, 0x34, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x0c, 0x04 };
	struct mlx5_core_dump d = { .more_dump = true, .core_dump_type = 2, .vhca_id = 7,
				    .qpn = 0xabcdef, .mkey = 0x1234, .size = 0x200000,
				    .address = 0x100000000ull, .cookie = 0x500c04 };
	struct mlx5_core_dump back, got;
	uint8_t reg[64], out[64];
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;

	mlx5_core_dump_pack(&d, reg);
	ck_assert_mem_eq(reg, golden, 40);
	tu_assert_ok(ctx, mlx5_core_dump_parse(ctx, reg, sizeof(reg), &back));
	ck_assert(back.more_dump);
	ck_assert_uint_eq(back.core_dump_type, 2);
	ck_assert_uint_eq(back.vhca_id, 7);
	ck_assert_uint_eq(back.qpn, 0xabcdef);
	ck_assert_uint_eq(back.mkey, 0x1234);
	ck_assert_uint_eq(back.size, 0x200000);
	ck_assert_uint_eq(back.address, 0x100000000ull);
	ck_assert_uint_eq(back.cookie, 0x500c04);
	ck_assert_int_eq(mlx5_core_dump_parse(ctx, reg, 39, &back), -EBADMSG);

	dev = fake_device(ctx, 1 << 16, reply_mgir, &f);
	tu_assert_ok(ctx, mlx5_core_dump(dev, &d, true, out, sizeof(out), &got, &st));
	ck_assert_uint_eq(f->calls[0].op_mod, MLX5_REG_OP_READ);
	ck_assert_uint_eq(f->calls[0].reg_id, MLX5_REG_CORE_DUMP);
	ck_assert_mem_eq(f->calls[0].in + 16, golden, 40);
	ck_assert_uint_eq(out[0], 16);
	ck_assert_uint_eq(got.size, fw_get_be32(out + 20));
	tu_assert_ok(ctx, mlx5_core_dump(dev, &d, false, NULL, 0, &got, &st));
	ck_assert_uint_eq(f->calls[1].op_mod, MLX5_REG_OP_WRITE);
	fw_device_close(dev);
}
END_TEST

/* ---- the raw trace ring (tracer control over user memory) ---- */

struct ring_script {
	bool refuse_owner;
	bool fail_conf;
};

static int reply_ring(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
		      size_t outlen)
{
	const struct ring_script *rs = f->user;
	uint16_t reg = (uint16_t)fw_mlx5_get(in, 80, 16);

	(void)inlen;
	if (reg == MLX5_REG_MTRC_CAP && outlen > 16)
		out[16] = rs->refuse_owner ? 0 : in[16] & 0x80;    /* trace_owner */
	if (reg == MLX5_REG_MTRC_CONF && rs->fail_conf)
		out[0] = MLX5_STAT_BAD_PARAM;
	return 0;
}

START_TEST(test_tracer_capture_ring)
{
	struct ring_script rs = { 0 };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;
	void *data = NULL;
	size_t len = 0;

	dev = fake_umem_device(ctx, 1 << 16, reply_ring, &f);
	f->user = &rs;
	tu_assert_ok(ctx, mlx5_tracer_capture_ring(dev, 0, &data, &len, &st));
	ck_assert_uint_eq(len, MLX5_TRACE_RING_BYTES);
	free(data);
	/* Take, point at our memory, start, stop, give back. */
	ck_assert_uint_eq(f->n_calls, 5);
	ck_assert_uint_eq(f->calls[0].reg_id, MLX5_REG_MTRC_CAP);
	ck_assert_uint_eq(f->calls[0].in[16], 0x80);
	ck_assert_uint_eq(f->calls[1].reg_id, MLX5_REG_MTRC_CONF);
	ck_assert_uint_eq(fw_get_be32(f->calls[1].in + 16 + 8), FAKE_UMEM_ID);
	ck_assert_uint_eq(f->calls[1].in[16 + 7], MLX5_TRACER_LOG_BUFFER_SIZE);
	ck_assert_uint_eq(f->calls[2].reg_id, MLX5_REG_MTRC_CTRL);
	ck_assert_uint_eq(f->calls[2].in[16], 0x48);
	ck_assert_uint_eq(f->calls[3].reg_id, MLX5_REG_MTRC_CTRL);
	ck_assert_uint_eq(f->calls[3].in[16], 0x00);
	ck_assert_uint_eq(f->calls[4].reg_id, MLX5_REG_MTRC_CAP);
	ck_assert_uint_eq(f->calls[4].in[16], 0x00);
	ck_assert_uint_eq(f->umem_regs, 1);
	ck_assert_uint_eq(f->umem_unregs, 1);
	ck_assert(!fw_device_trace_control(dev));

	/* Someone else owns the tracer: nothing configured, ownership
	 * released all the same, the memory given back. */
	f->n_calls = 0;
	rs.refuse_owner = true;
	ck_assert_int_eq(mlx5_tracer_capture_ring(dev, 0, &data, &len, &st), -EBUSY);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "owned by another function"));
	ck_assert_uint_eq(f->n_calls, 2);
	ck_assert_uint_eq(f->calls[1].reg_id, MLX5_REG_MTRC_CAP);
	ck_assert_uint_eq(f->calls[1].in[16], 0x00);
	ck_assert_uint_eq(f->umem_unregs, 2);
	ck_assert(!fw_device_trace_control(dev));

	/* The firmware refuses the configuration: released, unregistered. */
	f->n_calls = 0;
	rs.refuse_owner = false;
	rs.fail_conf = true;
	ck_assert_int_eq(mlx5_tracer_capture_ring(dev, 0, &data, &len, &st), -EREMOTEIO);
	ck_assert_uint_eq(st.status, MLX5_STAT_BAD_PARAM);
	ck_assert_uint_eq(f->n_calls, 3);
	ck_assert_uint_eq(f->calls[2].reg_id, MLX5_REG_MTRC_CAP);
	ck_assert_uint_eq(f->calls[2].in[16], 0x00);
	ck_assert_uint_eq(f->umem_unregs, 3);
	ck_assert(!fw_device_trace_control(dev));

	/* No memory registered: no command at all. */
	f->n_calls = 0;
	f->umem_fail = ENOSPC;
	ck_assert_int_eq(mlx5_tracer_capture_ring(dev, 0, &data, &len, &st), -ENOSPC);
	ck_assert_uint_eq(f->n_calls, 0);
	ck_assert(!fw_device_trace_control(dev));
	fw_device_close(dev);

	/* A transport without user memory. */
	dev = fake_device(ctx, 1 << 16, reply_ring, &f);
	f->user = &rs;
	ck_assert_int_eq(mlx5_tracer_capture_ring(dev, 0, &data, &len, &st), -EOPNOTSUPP);
	ck_assert_uint_eq(f->n_calls, 0);
	fw_device_close(dev);
}
END_TEST

/* ---- CR-space through CORE_DUMP to memory ---- */

#define CR_PAIRS 10u

struct cr_script {
	uint32_t claim;                /* != 0: the size the reply claims */
};

/* Pairs (0x100 + 4k, k) for k = cookie.., as many as the memory holds. */
static int reply_crdump(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
			size_t outlen)
{
	const struct cr_script *cs = f->user;
	const uint8_t *reg = in + 16;
	uint32_t size = fw_get_be32(reg + 0x14), k = fw_get_be32(reg + 0x24), used = 0;

	(void)inlen;
	(void)outlen;
	ck_assert_uint_eq(fw_get_be32(reg) & 0xff, MLX5_CORE_DUMP_CR_DUMP_TO_MEM);
	ck_assert_uint_eq(fw_get_be32(reg + 0x10), FAKE_UMEM_ID);
	ck_assert_ptr_eq((void *)(uintptr_t)fw_get_be64(reg + 0x18), f->umem);
	for (; k < CR_PAIRS && used + 8 <= size; k++, used += 8) {
		fw_put_be32(f->umem + used, 0x100 + 4 * k);
		fw_put_be32(f->umem + used + 4, k);
	}
	memcpy(out + 16, reg, 64);
	fw_put_be32(out + 16, (k < CR_PAIRS ? 1u << 31 : 0) | MLX5_CORE_DUMP_CR_DUMP_TO_MEM);
	fw_put_be32(out + 16 + 0x14, cs->claim ? cs->claim : used);
	fw_put_be64(out + 16 + 0x20, k < CR_PAIRS ? k : 0);
	return 0;
}

struct cr_got {
	uint32_t addr[CR_PAIRS * 2], val[CR_PAIRS * 2];
	unsigned n, calls, last_more;
	int stop;                      /* return this from the first call */
};

static int cr_collect(void *u, const uint8_t *pairs, size_t len, bool more)
{
	struct cr_got *g = u;

	ck_assert_uint_eq(len % 8, 0);
	for (size_t k = 0; k < len; k += 8, g->n++) {
		g->addr[g->n] = fw_get_be32(pairs + k);
		g->val[g->n] = fw_get_be32(pairs + k + 4);
	}
	g->calls++;
	g->last_more = more;
	return g->stop;
}

START_TEST(test_crdump_each)
{
	struct cr_script cs = { 0 };
	struct cr_got g = { 0 };
	struct mlx5_status st;
	struct fw_device *dev;
	struct fake *f;

	dev = fake_umem_device(ctx, 1 << 16, reply_crdump, &f);
	f->user = &cs;
	/* 32 bytes of memory: 4 pairs a call, so 4 + 4 + 2. */
	tu_assert_ok(ctx, mlx5_crdump_each(dev, 32, 0, cr_collect, &g, &st));
	ck_assert_uint_eq(g.n, CR_PAIRS);
	for (unsigned k = 0; k < CR_PAIRS; k++) {
		ck_assert_uint_eq(g.addr[k], 0x100 + 4 * k);
		ck_assert_uint_eq(g.val[k], k);
	}
	ck_assert_uint_eq(g.calls, 3);
	ck_assert_uint_eq(g.last_more, 0);
	ck_assert_uint_eq(st.commands, 3);
	ck_assert_uint_eq(f->n_calls, 3);
	ck_assert_uint_eq(f->calls[0].op_mod, MLX5_REG_OP_READ);
	ck_assert_uint_eq(f->calls[2].reg_id, MLX5_REG_CORE_DUMP);
	ck_assert_uint_eq(f->umem_regs, 1);
	ck_assert_uint_eq(f->umem_unregs, 1);

	/* The bound on calls. */
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(mlx5_crdump_each(dev, 32, 2, cr_collect, &g, &st), -EOVERFLOW);
	ck_assert_uint_eq(g.calls, 2);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "after 2 calls"));
	ck_assert_uint_eq(f->umem_unregs, 2);

	/* The callback stops the loop with its own code. */
	memset(&g, 0, sizeof(g));
	g.stop = -ECANCELED;
	ck_assert_int_eq(mlx5_crdump_each(dev, 32, 0, cr_collect, &g, &st), -ECANCELED);
	ck_assert_uint_eq(g.calls, 1);
	ck_assert_uint_eq(f->umem_unregs, 3);

	/* A reply that claims more than the memory, or not whole pairs. */
	memset(&g, 0, sizeof(g));
	cs.claim = 40;
	ck_assert_int_eq(mlx5_crdump_each(dev, 32, 0, cr_collect, &g, &st), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "claims 40 bytes"));
	cs.claim = 12;
	ck_assert_int_eq(mlx5_crdump_each(dev, 32, 0, cr_collect, &g, &st), -EBADMSG);
	ck_assert_uint_eq(g.calls, 0);
	cs.claim = 0;

	/* Bad sizes, and memory that cannot be registered. */
	ck_assert_int_eq(mlx5_crdump_each(dev, 12, 0, cr_collect, &g, &st), -EINVAL);
	f->n_calls = 0;
	f->umem_fail = ENOSPC;
	ck_assert_int_eq(mlx5_crdump_each(dev, 32, 0, cr_collect, &g, &st), -EOPNOTSUPP);
	ck_assert_uint_eq(f->n_calls, 0);
	fw_device_close(dev);

	dev = fake_device(ctx, 1 << 16, reply_crdump, &f);
	ck_assert_int_eq(mlx5_crdump_each(dev, 32, 0, cr_collect, &g, &st), -EOPNOTSUPP);
	ck_assert_uint_eq(f->n_calls, 0);
	fw_device_close(dev);
}
END_TEST

static Suite *mlx5_suite(void)
{
	Suite *s = suite_create("mlx5");
	TCase *tc;

	tc = tcase_create("mailbox");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mbox_golden);
	tcase_add_test(tc, test_status_text);
	tcase_add_test(tc, test_access_reg_read);
	tcase_add_test(tc, test_status_errors);
	tcase_add_test(tc, test_short_outbox);
	tcase_add_test(tc, test_resdump_each);
	tcase_add_test(tc, test_query_hca_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("resdump");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resdump_loop);
	tcase_add_test(tc, test_resdump_errors);
	tcase_add_test(tc, test_resdump_dry_run);
	suite_add_tcase(s, tc);

	tc = tcase_create("tracer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tracer_caps);
	tcase_add_test(tc, test_strings_db_chunking);
	tcase_add_test(tc, test_strings_db_read_all);
	tcase_add_test(tc, test_strings_db_errors);
	tcase_add_test(tc, test_tracer_control);
	tcase_add_test(tc, test_tracer_capture_ring);
	suite_add_tcase(s, tc);

	tc = tcase_create("core_dump");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_core_dump_pack);
	tcase_add_test(tc, test_crdump_each);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(mlx5_suite());
}
