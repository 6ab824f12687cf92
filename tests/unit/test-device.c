/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/device/device.c: the gate (allowlist before the
 * transport, size limit), observer, dry run, counters, optional ops.  The
 * transport is a recording fake, so "refused commands never reach the
 * transport" is asserted on what the fake actually received.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "device/allowlist.h"
#include "device/transport.h"
#include "sysfs-fixtures.h"
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

START_TEST(test_open_info_close)
{
	struct fw_device_info info;
	struct fw_device *dev;
	struct fake *f;
	int closed = 0;

	dev = fake_device(ctx, 4096, NULL, &f);
	f->closed = &closed;
	ck_assert_int_eq(fw_device_info(dev, &info), 0);
	ck_assert_str_eq(info.transport, "fake");
	ck_assert_str_eq(info.pci, "0000:99:00.0");
	ck_assert_uint_eq(info.max_rpc, 4096);
	ck_assert(!info.can_umem);
	ck_assert_ptr_eq(fw_device_ctx(dev), ctx);
	ck_assert(!fw_device_trace_control(dev));
	ck_assert(!fw_device_dry_run(dev));
	fw_device_close(dev);
	ck_assert_int_eq(closed, 1);
	fw_device_close(NULL);
}
END_TEST

START_TEST(test_open_specs)
{
	struct fw_device *dev = NULL;

	ck_assert_int_eq(fw_device_open(ctx, "", &dev), -EINVAL);
	ck_assert_ptr_null(dev);
	/* Not an emulator spec: goes to the kernel transports, which find nothing. */
	ck_assert_int_lt(fw_device_open(ctx, "0000:ff:1f.7", &dev), 0);
	ck_assert_ptr_null(dev);
	ck_assert_int_lt(fw_device_open(ctx, "emulator", &dev), 0);
	ck_assert_ptr_null(dev);
}
END_TEST

/* The sysroot reaches the kernel transports: the captured tree has a
 * ConnectX-7 at 0000:08:00.0 with a fwctl node, which is found there (and
 * then cannot be opened: it is no device node), while the real root has no
 * such function. */
START_TEST(test_open_sysroot)
{
	struct fw_device_open_opts opts = { .sysroot = fx_tree("sysfs-cx7-fwctl") };
	struct fw_device *dev = NULL;
	char with[1024];

	ck_assert_int_lt(fw_device_open_with(ctx, "0000:08:00.0", &opts, &dev), 0);
	ck_assert_ptr_null(dev);
	snprintf(with, sizeof(with), "%s", fw_ctx_errmsg(ctx));
	ck_assert_msg(strstr(with, "sysfs-cx7-fwctl/dev/fwctl/fwctl0") != NULL, "%s", with);
	opts.sysroot = "/nonexistent-fwbox-root";
	ck_assert_int_lt(fw_device_open_with(ctx, "0000:08:00.0", &opts, &dev), 0);
	ck_assert_msg(strstr(fw_ctx_errmsg(ctx), "no ConnectX") != NULL, "%s", fw_ctx_errmsg(ctx));
	ck_assert_ptr_null(dev);
}
END_TEST

START_TEST(test_allowed_reaches_transport)
{
	uint8_t in[16], out[16 + 4096];
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, NULL, &f);
	fake_inbox(in, sizeof(in), MLX5_CMD_QUERY_HCA_CAP, (MLX5_CAP_DEBUG << 1) | 1, 0);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), sizeof(out));
	ck_assert_uint_eq(f->n_calls, 1);
	ck_assert_uint_eq(f->calls[0].opcode, MLX5_CMD_QUERY_HCA_CAP);
	ck_assert_uint_eq(f->calls[0].op_mod, 0x1b);
	ck_assert_uint_eq(f->calls[0].inlen, 16);
	ck_assert_uint_eq(f->calls[0].outlen, sizeof(out));
	ck_assert_mem_eq(f->calls[0].in, in, sizeof(in));
	ck_assert_uint_eq(fw_device_cmd_count(dev), 1);
	ck_assert_uint_eq(fw_device_refused_count(dev), 0);
	fw_device_close(dev);
}
END_TEST

struct refused_case {
	uint16_t opcode, op_mod, reg;
	const char *needle;           /* must appear in the message */
};

static const struct refused_case refused_cases[] = {
	{ MLX5_CMD_SET_HCA_CAP, 0, 0, "SET_HCA_CAP (0x109)" },
	{ MLX5_CMD_CREATE_MKEY, 0, 0, "CREATE_MKEY (0x200)" },
	{ MLX5_CMD_ALLOC_PD, 0, 0, "ALLOC_PD" },
	{ MLX5_CMD_CREATE_UCTX, 0, 0, "CREATE_UCTX" },
	{ MLX5_CMD_CREATE_UMEM, 0, 0, "CREATE_UMEM" },
	{ MLX5_CMD_SET_DIAGNOSTIC_PARAMS, 0, 0, "SET_DIAGNOSTIC_PARAMS" },
	{ MLX5_CMD_QUERY_VPORT_COUNTER, 0, 0, "QUERY_VPORT_COUNTER" },
	{ 0x0abc, 0, 0, "(0xabc)" },
	{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_PMAOS, "write (op_mod 0) of register PMAOS (0x5012)" },
	{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_PPCNT, "PPCNT" },
	{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MGIR, "MGIR" },
	{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MFRL, "MFRL" },
	{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, 0x1234, "unknown (0x1234)" },
	{ MLX5_CMD_ACCESS_REG, 2, MLX5_REG_MGIR, "op_mod 2" },
	{ MLX5_CMD_ACCESS_REGISTER_USER, MLX5_REG_OP_WRITE, MLX5_REG_PMAOS, "ACCESS_REGISTER_USER" },
	{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MTRC_CAP, "tracer control" },
	{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MTRC_CONF, "tracer control" },
	{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MTRC_CTRL, "tracer control" },
};

START_TEST(test_refused_never_arrive)
{
	uint8_t in[64], out[64];
	struct fw_device *dev;
	struct fake *f;
	size_t i;

	dev = fake_device(ctx, 1 << 16, NULL, &f);
	for (i = 0; i < sizeof(refused_cases) / sizeof(refused_cases[0]); i++) {
		const struct refused_case *c = &refused_cases[i];

		fake_inbox(in, sizeof(in), c->opcode, c->op_mod, c->reg);
		fw_ctx_clear_error(ctx);
		ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
		ck_assert_msg(strstr(fw_ctx_errmsg(ctx), c->needle) != NULL,
			      "case %zu: '%s' not in '%s'", i, c->needle, fw_ctx_errmsg(ctx));
		ck_assert_msg(strstr(fw_ctx_errmsg(ctx), "refused") != NULL, "%s",
			      fw_ctx_errmsg(ctx));
	}
	ck_assert_uint_eq(f->n_calls, 0);
	ck_assert_uint_eq(fw_device_cmd_count(dev), 0);
	ck_assert_uint_eq(fw_device_refused_count(dev), i);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_guard_bits)
{
	uint8_t in[16 + 256], out[16 + 256];
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, NULL, &f);
	/* PPCNT read with clr=1 (register byte 4, bit 31) would clear counters. */
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, MLX5_REG_PPCNT);
	in[16 + 4] = 0x80;
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "clear the port counters"));
	ck_assert_uint_eq(f->n_calls, 0);
	in[16 + 4] = 0x07;   /* prio_tc bits only: fine */
	tu_assert_ok(ctx, fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)));
	ck_assert_uint_eq(f->n_calls, 1);
	ck_assert_uint_eq(f->calls[0].reg_id, MLX5_REG_PPCNT);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_trace_control_opt_in)
{
	uint8_t in[16 + 128], out[16 + 128];
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, NULL, &f);
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MTRC_CAP);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
	ck_assert_uint_eq(f->n_calls, 0);
	fw_device_allow_trace_control(dev, true);
	ck_assert(fw_device_trace_control(dev));
	tu_assert_ok(ctx, fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)));
	ck_assert_uint_eq(f->n_calls, 1);
	/* Trace control does not open anything else. */
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_PMAOS);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
	fw_device_allow_trace_control(dev, false);
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MTRC_CTRL);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
	ck_assert_uint_eq(f->n_calls, 1);
	fw_device_close(dev);
}
END_TEST

/*
 * Exhaustive: for every opcode below 0xc00 and in 0x8000..0x80ff with
 * op_mod 0..2, and every register id with op_mod 0 and 1 (plain and DevX
 * user opcode), the fake receives the command exactly when the allowlist
 * says yes.
 */
START_TEST(test_gate_exhaustive)
{
	uint8_t in[16 + 8], out[16 + 8];
	const struct fw_allow_entry *e;
	struct fw_device *dev;
	struct fw_cmd_id id;
	struct fake *f;
	size_t expect = 0;
	uint32_t op, mod, reg;

	dev = fake_device(ctx, 1 << 16, NULL, &f);
	for (op = 0; op < 0x8100; op = (op == 0xbff ? 0x8000 : op + 1)) {
		if (op == MLX5_CMD_ACCESS_REG || op == MLX5_CMD_ACCESS_REGISTER_USER)
			continue;
		for (mod = 0; mod < 3; mod++) {
			fake_inbox(in, sizeof(in), (uint16_t)op, (uint16_t)mod, 0);
			fw_cmd_id_parse(in, sizeof(in), &id);
			if (fw_allowlist_check(&id, in, sizeof(in), false, &e) == FW_ALLOW_OK)
				expect++;
			fw_device_cmd(dev, in, sizeof(in), out, sizeof(out));
			ck_assert_uint_eq(f->n_calls, expect);
		}
	}
	for (op = 0; op < 2; op++) {
		uint16_t opcode = op ? MLX5_CMD_ACCESS_REGISTER_USER : MLX5_CMD_ACCESS_REG;

		for (reg = 0; reg <= 0xffff; reg++) {
			for (mod = 0; mod < 2; mod++) {
				fake_inbox(in, sizeof(in), opcode, (uint16_t)mod, (uint16_t)reg);
				fw_cmd_id_parse(in, sizeof(in), &id);
				if (fw_allowlist_check(&id, in, sizeof(in), false, &e) == FW_ALLOW_OK) {
					expect++;
					/* Only reads and the three kernel write-for-reads. */
					ck_assert(mod == MLX5_REG_OP_READ ||
						  reg == MLX5_REG_MTRC_STDB ||
						  reg == MLX5_REG_RESOURCE_DUMP ||
						  reg == MLX5_REG_CORE_DUMP);
				}
				fw_device_cmd(dev, in, sizeof(in), out, sizeof(out));
			}
		}
	}
	ck_assert_uint_eq(f->n_calls, expect);
	ck_assert_uint_eq(fw_device_cmd_count(dev), expect);
	/* Some things went through, most did not. */
	ck_assert_uint_gt(expect, 40);
	ck_assert_uint_gt(fw_device_refused_count(dev), 100000);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_size_limit)
{
	static uint8_t in[2048], out[2048];
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1024, NULL, &f);
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, MLX5_REG_MGIR);
	ck_assert_int_eq(fw_device_cmd(dev, in, 1025, out, 64), -EOVERFLOW);
	ck_assert_int_eq(fw_device_cmd(dev, in, 64, out, 1025), -EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "1024 bytes the 'fake' transport"));
	ck_assert_uint_eq(f->n_calls, 0);
	tu_assert_ok(ctx, fw_device_cmd(dev, in, 1024, out, 1024));
	ck_assert_uint_eq(f->n_calls, 1);
	/* Shorter than a header: a usage error, nothing sent. */
	ck_assert_int_eq(fw_device_cmd(dev, in, 15, out, 64), -EINVAL);
	ck_assert_int_eq(fw_device_cmd(dev, in, 64, out, 8), -EINVAL);
	ck_assert_uint_eq(f->n_calls, 1);
	fw_device_close(dev);
}
END_TEST

struct recorder {
	size_t n;
	struct fw_cmd_event ev[8];
};

static void record_event(void *userdata, const struct fw_cmd_event *ev)
{
	struct recorder *r = userdata;

	if (r->n < 8)
		r->ev[r->n] = *ev;
	r->n++;
}

static int reply_bad_param(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
			   size_t outlen)
{
	(void)f;
	(void)in;
	(void)inlen;
	(void)outlen;
	out[0] = MLX5_STAT_BAD_PARAM;
	fw_put_be32(out + 4, 0x1a2b3c);
	out[16] = 0xee;
	return 0;
}

START_TEST(test_observer)
{
	uint8_t in[16 + 160], out[16 + 160];
	struct recorder rec = { 0 };
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, reply_bad_param, &f);
	fw_device_set_observer(dev, record_event, &rec);
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, MLX5_REG_MGIR);
	/* A firmware status is not a gate failure: the outbox says why. */
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), sizeof(out));
	ck_assert_uint_eq(out[0], MLX5_STAT_BAD_PARAM);
	fake_inbox(in, sizeof(in), MLX5_CMD_SET_HCA_CAP, 0, 0);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);

	ck_assert_uint_eq(rec.n, 2);
	ck_assert_uint_eq(rec.ev[0].seq, 1);
	ck_assert_uint_eq(rec.ev[0].opcode, MLX5_CMD_ACCESS_REG);
	ck_assert_uint_eq(rec.ev[0].op_mod, 1);
	ck_assert(rec.ev[0].is_reg);
	ck_assert_uint_eq(rec.ev[0].reg_id, MLX5_REG_MGIR);
	ck_assert_uint_eq(rec.ev[0].inlen, sizeof(in));
	ck_assert_uint_eq(rec.ev[0].outlen, sizeof(out));
	ck_assert(!rec.ev[0].refused);
	ck_assert(rec.ev[0].fw_replied);
	ck_assert_uint_eq(rec.ev[0].status, MLX5_STAT_BAD_PARAM);
	ck_assert_uint_eq(rec.ev[0].syndrome, 0x1a2b3c);
	ck_assert_uint_eq(rec.ev[1].seq, 2);
	ck_assert_uint_eq(rec.ev[1].opcode, MLX5_CMD_SET_HCA_CAP);
	ck_assert(rec.ev[1].refused);
	ck_assert_int_eq(rec.ev[1].result, -EPERM);
	ck_assert(!rec.ev[1].fw_replied);
	ck_assert_uint_eq(f->n_calls, 1);
	fw_device_close(dev);
}
END_TEST

START_TEST(test_dry_run)
{
	uint8_t in[16 + 160], out[16 + 160];
	struct recorder rec = { 0 };
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, reply_bad_param, &f);
	fw_device_set_observer(dev, record_event, &rec);
	fw_device_set_dry_run(dev, true);
	ck_assert(fw_device_dry_run(dev));
	memset(out, 0xa5, sizeof(out));
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, MLX5_REG_MGIR);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), sizeof(out));
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[sizeof(out) - 1], 0);
	/* Refused stays refused in a dry run. */
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_PMAOS);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EPERM);
	ck_assert_uint_eq(f->n_calls, 0);
	ck_assert_uint_eq(fw_device_cmd_count(dev), 1);
	ck_assert_uint_eq(fw_device_refused_count(dev), 1);
	ck_assert_uint_eq(rec.n, 2);
	ck_assert(rec.ev[0].dry_run);
	ck_assert(!rec.ev[0].fw_replied);
	ck_assert_uint_eq(rec.ev[0].reg_id, MLX5_REG_MGIR);
	ck_assert(rec.ev[1].refused);
	fw_device_set_dry_run(dev, false);
	fake_inbox(in, sizeof(in), MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, MLX5_REG_MGIR);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), sizeof(out));
	ck_assert_uint_eq(f->n_calls, 1);
	fw_device_close(dev);
}
END_TEST

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

START_TEST(test_transport_error)
{
	uint8_t in[16], out[16];
	struct recorder rec = { 0 };
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, reply_timeout, &f);
	fw_device_set_observer(dev, record_event, &rec);
	fake_inbox(in, sizeof(in), MLX5_CMD_NOP, 0, 0);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -ETIMEDOUT);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_int_eq(rec.ev[0].result, -ETIMEDOUT);
	ck_assert(!rec.ev[0].fw_replied);
	ck_assert_uint_eq(fw_device_cmd_count(dev), 1);
	fw_device_close(dev);
}
END_TEST

static int short_reply_len;

static int reply_short(struct fake *f, const uint8_t *in, size_t inlen, uint8_t *out,
		       size_t outlen)
{
	(void)f;
	(void)in;
	(void)inlen;
	(void)out;
	(void)outlen;
	return short_reply_len;
}

START_TEST(test_short_reply)
{
	uint8_t in[16], out[64];
	struct recorder rec = { 0 };
	struct fw_device *dev;
	struct fake *f;

	dev = fake_device(ctx, 1 << 16, reply_short, &f);
	fw_device_set_observer(dev, record_event, &rec);
	fake_inbox(in, sizeof(in), MLX5_CMD_NOP, 0, 0);
	short_reply_len = 40;
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), 40);
	ck_assert_int_eq(rec.ev[0].result, 40);
	ck_assert(rec.ev[0].fw_replied);
	/* A transport claiming less than a header, or more than the outbox. */
	short_reply_len = 8;
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EBADMSG);
	short_reply_len = 65;
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "returned 65 outbox bytes for a 64-byte"));
	ck_assert(!rec.ev[2].fw_replied);
	fw_device_close(dev);
}
END_TEST

/* ---- the transport table and the method tables' versions ---- */

static int t_claimed_opens;

static bool test_claims(const char *spec)
{
	return strncmp(spec, "test:", 5) == 0;
}

static int test_open(struct fw_ctx *c, const struct fw_target *t, bool want_cmd, bool want_health,
		     struct fw_device_parts *ret)
{
	struct fake *f = calloc(1, sizeof(*f));

	ck_assert(want_cmd && want_health);
	ck_assert_str_eq(t->spec, "test:one");
	if (!f)
		return fw_error(c, -ENOMEM, "out of memory");
	f->max_rpc = 4096;
	t_claimed_opens++;
	ret->cmd = &fake_ops;
	ret->cmd_priv = f;
	return 1;
}

static const struct fw_transport test_transport = {
	.version = FW_TRANSPORT_VERSION, .name = "test", .claims = test_claims, .open = test_open,
};

START_TEST(test_transport_table)
{
	static const char *const order[] = { "fwctl", "mlx5ctl", "devlink", "emu" };
	struct fw_transport bad = test_transport, dup = test_transport;
	struct fw_transport many[FW_TRANSPORT_MAX];
	char names[FW_TRANSPORT_MAX][16];
	struct fw_device_info info;
	struct fw_device *dev;
	size_t n = 0;

	/* The kernel rows in order of preference, then the emulator, which
	 * registered itself when the library was loaded. */
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		ck_assert_str_eq(fw_transport_at(i)->name, order[i]);
	ck_assert_ptr_null(fw_transport_register_error());

	/* A transport of its own: claimed specs reach it alone. */
	tu_assert_ok(ctx, fw_transport_register(&test_transport));
	tu_assert_ok(ctx, fw_transport_register(&test_transport));   /* twice is once */
	tu_assert_ok(ctx, fw_device_open(ctx, "test:one", &dev));
	ck_assert_int_eq(t_claimed_opens, 1);
	tu_assert_ok(ctx, fw_device_info(dev, &info));
	ck_assert_str_eq(info.transport, "fake");
	ck_assert_str_eq(fw_device_interface(dev, FW_PART_HEALTH), "fake");
	fw_device_close(dev);

	bad.version = FW_TRANSPORT_VERSION + 1;
	bad.name = "future";
	ck_assert_int_eq(fw_transport_register(&bad), -EINVAL);
	ck_assert_ptr_nonnull(strstr(fw_transport_register_error(), "'future'"));
	dup.name = "fwctl";
	ck_assert_int_eq(fw_transport_register(&dup), -EEXIST);
	/* The next open says what went wrong at registration. */
	tu_assert_ok(ctx, fw_device_open(ctx, "test:one", &dev));
	fw_device_close(dev);

	while (fw_transport_at(n))
		n++;
	for (size_t i = 0; n + i < FW_TRANSPORT_MAX; i++) {
		many[i] = test_transport;
		snprintf(names[i], sizeof(names[i]), "t%zu", i);
		many[i].name = names[i];
		tu_assert_ok(ctx, fw_transport_register(&many[i]));
	}
	bad = test_transport;
	bad.name = "one-too-many";
	ck_assert_int_eq(fw_transport_register(&bad), -ENOSPC);
}
END_TEST

static int h_reporters(void *priv, struct fw_health_reporter **ret, size_t *ret_n)
{
	(void)priv;
	*ret = calloc(1, sizeof(**ret));
	ck_assert_ptr_nonnull(*ret);
	strcpy((*ret)->name, "fw");
	*ret_n = 1;
	return 0;
}

static int h_closed;

static void h_close(void *priv)
{
	(void)priv;
	h_closed++;
}

static const struct fw_health_methods h_methods = {
	.version = FW_HEALTH_METHODS_VERSION,
	.name = "hl",
	.trace_name = "tr",
	.close = h_close,
	.reporters = h_reporters,
};

START_TEST(test_parts_and_versions)
{
	struct fw_health_methods future = h_methods;
	struct fw_cmd_methods old = fake_ops;
	struct fw_health_reporter *reps;
	struct fw_device_parts p = { 0 };
	uint8_t in[16] = { 0 }, out[16];
	struct fw_device *dev;
	struct fake *f;
	size_t n;
	int closed = 0;

	/* Nothing to make a device of. */
	ck_assert_int_eq(fw_device_new_from_ops(ctx, &p, &dev), -EINVAL);

	/* A health part alone: commands have nowhere to go. */
	p.health = &h_methods;
	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &p, &dev));
	ck_assert_str_eq(fw_device_interface(dev, FW_PART_CMD), "none");
	ck_assert_str_eq(fw_device_interface(dev, FW_PART_HEALTH), "hl");
	ck_assert_str_eq(fw_device_interface(dev, FW_PART_TRACE), "tr");
	ck_assert_str_eq(fw_device_interface(dev, FW_PART_LOG), "hl");
	tu_assert_ok(ctx, fw_device_health_reporters(dev, &reps, &n));
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(reps[0].name, "fw");
	free(reps);
	ck_assert_int_eq(fw_device_health_buffer(dev, (void **)&reps, &n), -EOPNOTSUPP);
	/* No PCI function behind it: not a ConnectX, nothing to load (a
	 * ConnectX without fwctl or mlx5ctl is -ENODEV, test-discovery). */
	fake_inbox(in, sizeof(in), MLX5_CMD_NOP, 0, 0);
	ck_assert_int_eq(fw_device_cmd(dev, in, sizeof(in), out, sizeof(out)), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "not a ConnectX function"));
	fw_device_close(dev);
	ck_assert_int_eq(h_closed, 1);

	/* Tables of a version this library does not know are refused, and
	 * the parts handed over are closed all the same. */
	future.version = FW_HEALTH_METHODS_VERSION + 1;
	f = calloc(1, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	f->closed = &closed;
	p = (struct fw_device_parts){ .cmd = &fake_ops, .cmd_priv = f, .health = &future };
	ck_assert_int_eq(fw_device_new_from_ops(ctx, &p, &dev), -EINVAL);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "rebuild it"));
	ck_assert_int_eq(closed, 1);
	ck_assert_int_eq(h_closed, 2);
	old.version = 0;
	f = calloc(1, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	p = (struct fw_device_parts){ .cmd = &old, .cmd_priv = f };
	ck_assert_int_eq(fw_device_new_from_ops(ctx, &p, &dev), -EINVAL);
}
END_TEST

/* Devlink handles: BUS/DEV names any devlink device.  Without a devlink
 * device of that name (this machine has none, or no devlink at all) the
 * open fails at once, with a message that says so. */
START_TEST(test_devlink_handle_specs)
{
	struct fw_device_open_opts o = { .sysroot = "." };
	struct fw_device *dev;

	ck_assert_int_eq(fw_device_open(ctx, "bad/handle/x", &dev), -EINVAL);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "not a devlink handle BUS/DEV"));
	ck_assert_int_eq(fw_device_open(ctx, "Net.sim/x", &dev), -EINVAL);
	ck_assert_int_eq(fw_device_open(ctx, "netdevsim/", &dev), -EINVAL);
	ck_assert_int_eq(fw_device_open(ctx, "netdevsim/fwbox-test-none", &dev), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "devlink"));
	/* pci/ADDRESS of no ConnectX function is devlink's alone, and must
	 * exist there too. */
	ck_assert_int_eq(fw_device_open_with(ctx, "pci/0000:99:00.0", &o, &dev), -ENOENT);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "devlink"));
}
END_TEST

START_TEST(test_optional_ops)
{
	struct fw_health_reporter *reps;
	struct fw_region *regions;
	struct fw_device *dev;
	struct fake *f;
	void *data;
	char *text;
	size_t n;
	uint32_t id;

	dev = fake_device(ctx, 1 << 16, NULL, &f);
	ck_assert_int_eq(fw_device_health_reporters(dev, &reps, &n), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "'fake' transport has no devlink health"));
	ck_assert_int_eq(fw_device_health_diagnose(dev, "fw", &data, &n), -EOPNOTSUPP);
	ck_assert_int_eq(fw_device_health_dump(dev, "fw", &data, &n), -EOPNOTSUPP);
	ck_assert_int_eq(fw_device_regions(dev, &regions, &n), -EOPNOTSUPP);
	ck_assert_int_eq(fw_device_region_read(dev, "cr-space", 1, &data, &n), -EOPNOTSUPP);
	ck_assert_int_eq(fw_device_tracefs_text(dev, &text, &n), -EOPNOTSUPP);
	ck_assert_int_eq(fw_device_health_buffer(dev, &data, &n), -EOPNOTSUPP);
	ck_assert_int_eq(fw_device_umem_reg(dev, &id, sizeof(id), &id), -EOPNOTSUPP);
	ck_assert_int_eq(fw_device_umem_unreg(dev, 1), -EOPNOTSUPP);
	fw_device_close(dev);
}
END_TEST

/* A health part with events (version 3): an eventfd to poll, a queue of
 * two error events, and a count of closes. */
struct ev_fake {
	int fd;
	unsigned queued, opened, closed;
};

static int ev_open(void *priv)
{
	struct ev_fake *f = priv;

	f->opened++;
	return f->fd;
}

static int ev_read(void *priv, struct fw_health_event *ev, size_t max)
{
	struct ev_fake *f = priv;
	size_t n = 0;

	for (; n < max && f->queued; n++, f->queued--) {
		memset(&ev[n], 0, sizeof(ev[n]));
		ev[n].source = "fake";
		strcpy(ev[n].rep.name, "fw");
		ev[n].rep.state = 1;
		ev[n].rep.error_count = 3 - f->queued;
		strcpy(ev[n].msg, "syndrome");
	}
	return (int)n;
}

static void ev_close(void *priv)
{
	((struct ev_fake *)priv)->closed++;
}

static const struct fw_health_methods ev_methods = {
	.version = 3,
	.name = "evh",
	.events_name = "fake notifications",
	.events_open = ev_open,
	.events_read = ev_read,
	.events_close = ev_close,
};

/* The event hook is version 3 of the health methods: present only on
 * tables that say so, opened once, closed with the device. */
START_TEST(test_health_events)
{
	struct ev_fake f = { .queued = 2 };
	struct fw_health_methods v2 = ev_methods;
	struct fw_device_parts p = { .health = &ev_methods, .health_priv = &f };
	struct fw_health_event ev[4];
	struct fw_device *dev;
	const char *name = NULL;

	f.fd = eventfd(0, EFD_CLOEXEC);
	ck_assert_int_ge(f.fd, 0);

	/* A version-2 table with the same members: they are not there. */
	v2.version = 2;
	p.health = &v2;
	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &p, &dev));
	ck_assert_int_eq(fw_device_health_events_open(dev, &name), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "'evh' has no health events"));
	ck_assert(!fw_device_health_events_only(dev));
	fw_device_close(dev);
	ck_assert_uint_eq(f.opened, 0);

	/* Reading before opening is an error, not a call into the table. */
	p.health = &ev_methods;
	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &p, &dev));
	ck_assert_int_eq(fw_device_health_events_read(dev, ev, 4), -EBADF);
	ck_assert_int_eq(fw_device_health_events_open(dev, &name), f.fd);
	ck_assert_str_eq(name, "fake notifications");
	ck_assert_int_eq(fw_device_health_events_open(dev, &name), -EBUSY);
	ck_assert_int_eq(fw_device_health_events_read(dev, ev, 4), 2);
	ck_assert_str_eq(ev[0].source, "fake");
	ck_assert_str_eq(ev[1].rep.name, "fw");
	ck_assert_uint_eq(ev[1].rep.error_count, 2);
	ck_assert_int_eq(fw_device_health_events_read(dev, ev, 4), 0);
	/* Closing the device closes the subscription, once. */
	fw_device_close(dev);
	ck_assert_uint_eq(f.opened, 1);
	ck_assert_uint_eq(f.closed, 1);

	/* A dry run subscribes to nothing and says so. */
	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &p, &dev));
	fw_device_set_dry_run(dev, true);
	ck_assert_int_eq(fw_device_health_events_open(dev, &name), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "dry run"));
	fw_device_health_events_close(dev);
	fw_device_close(dev);
	ck_assert_uint_eq(f.opened, 1);
	ck_assert_uint_eq(f.closed, 1);
	close(f.fd);
}
END_TEST

static int clk_calls;

static int clk_name(void *priv, char *buf, size_t len)
{
	(void)priv;
	clk_calls++;
	snprintf(buf, len, "boot");
	return 0;
}

/* The tracefs clock is version 4 of the health methods: a table of an
 * older version with the member set is not called; a dry run reads
 * nothing and says so. */
START_TEST(test_trace_clock_method)
{
	struct fw_health_methods m = { .version = 4, .name = "clk", .trace_clock = clk_name };
	struct fw_device_parts p = { .health = &m };
	struct fw_device *dev;
	char name[16];

	m.version = 3;
	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &p, &dev));
	ck_assert_int_eq(fw_device_tracefs_clock(dev, name, sizeof(name)), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "tracefs clock"));
	fw_device_close(dev);
	ck_assert_int_eq(clk_calls, 0);

	m.version = 4;
	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &p, &dev));
	tu_assert_ok(ctx, fw_device_tracefs_clock(dev, name, sizeof(name)));
	ck_assert_str_eq(name, "boot");
	ck_assert_int_eq(clk_calls, 1);
	fw_device_set_dry_run(dev, true);
	tu_assert_ok(ctx, fw_device_tracefs_clock(dev, name, sizeof(name)));
	ck_assert_str_eq(name, "");
	ck_assert_int_eq(clk_calls, 1);
	fw_device_close(dev);
}
END_TEST

static Suite *device_suite(void)
{
	Suite *s = suite_create("device");
	TCase *tc;

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_info_close);
	tcase_add_test(tc, test_open_specs);
	tcase_add_test(tc, test_open_sysroot);
	tcase_add_test(tc, test_optional_ops);
	tcase_add_test(tc, test_transport_table);
	tcase_add_test(tc, test_devlink_handle_specs);
	tcase_add_test(tc, test_parts_and_versions);
	tcase_add_test(tc, test_health_events);
	tcase_add_test(tc, test_trace_clock_method);
	suite_add_tcase(s, tc);

	tc = tcase_create("gate");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_allowed_reaches_transport);
	tcase_add_test(tc, test_refused_never_arrive);
	tcase_add_test(tc, test_guard_bits);
	tcase_add_test(tc, test_trace_control_opt_in);
	tcase_add_test(tc, test_gate_exhaustive);
	tcase_add_test(tc, test_size_limit);
	tcase_add_test(tc, test_transport_error);
	tcase_add_test(tc, test_short_reply);
	suite_add_tcase(s, tc);

	tc = tcase_create("observer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_observer);
	tcase_add_test(tc, test_dry_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int r;

	fx_make();
	r = tu_run_suite(device_suite());
	fx_remove();
	return r;
}
