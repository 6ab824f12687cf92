/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/emu/emu-device.c: the emulator behind the device's
 * method tables, reached through the transport table it registered in,
 * and the command layer against it: the gate proof for this transport
 * (refused commands never reach the emulator, by its own command counter),
 * the mlx5 reads end to end on "emu:cx7", and the health part.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "device/device.h"
#include "emu/emu.h"
#include "mlx5/mlx5.h"
#include "ifc/regcat.h"
#include "testutil.h"

static struct fw_ctx *ctx;
static struct fw_device *dev;
static struct emu *emu;

static void open_spec(const char *spec)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	tu_assert_ok(ctx, fw_device_open(ctx, spec, &dev));
	/* The emulator registered itself; the spec reached it. */
	emu = emu_of_device(dev);
	ck_assert_ptr_nonnull(emu);
}

static void setup(void)
{
	open_spec("emu:cx7,seed=1");
}

static void teardown(void)
{
	fw_device_close(dev);
	fw_ctx_free(ctx);
	dev = NULL;
	emu = NULL;
}

START_TEST(test_info)
{
	struct fw_device_info info;
	const struct emu_identity *id = emu_identity(emu);

	tu_assert_ok(ctx, fw_device_info(dev, &info));
	ck_assert_str_eq(info.transport, "emu");
	ck_assert_uint_eq(info.vendor_id, 0x15b3);
	ck_assert_uint_eq(info.device_id, id->device_id);
	ck_assert_str_eq(info.pci, id->pci);
	ck_assert_str_eq(info.psid, id->psid);
	ck_assert_str_eq(info.fw_version, id->fw_version);
	ck_assert_uint_eq(info.max_rpc, 256u << 10);
	ck_assert(info.can_umem);
}
END_TEST

START_TEST(test_bad_specs)
{
	struct fw_device *d = NULL;

	ck_assert_int_eq(fw_device_open(ctx, "emu:cx7,nosuchkey=1", &d), -EINVAL);
	ck_assert_ptr_null(d);
	ck_assert_int_lt(fw_device_open(ctx, "emu:cx99", &d), 0);
	ck_assert_ptr_null(d);
}
END_TEST

static int raw_cmd(uint16_t opcode, uint16_t op_mod, uint16_t reg, size_t len)
{
	uint8_t in[16 + 256] = { 0 }, out[16 + 256];

	fw_mlx5_set(in, 0, 16, opcode);
	fw_mlx5_set(in, 48, 16, op_mod);
	fw_mlx5_set(in, 80, 16, reg);
	return fw_device_cmd(dev, in, 16 + len, out, 16 + len);
}

/* The gate proof for this transport: the emulator answers anything, so
 * only the gate can keep these away from it; its own counter says they
 * never arrived. */
START_TEST(test_refused_never_reach_emu)
{
	static const struct {
		uint16_t opcode, op_mod, reg;
	} refused[] = {
		{ MLX5_CMD_SET_HCA_CAP, 0, 0 },
		{ MLX5_CMD_CREATE_MKEY, 0, 0 },
		{ MLX5_CMD_ALLOC_PD, 0, 0 },
		{ MLX5_CMD_CREATE_UCTX, 0, 0 },
		{ MLX5_CMD_SET_DIAGNOSTIC_PARAMS, 0, 0 },
		{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_PMAOS },
		{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_PAOS },
		{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MGIR },
		{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MTRC_CAP },
		{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MTRC_CONF },
		{ MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, MLX5_REG_MTRC_CTRL },
		{ MLX5_CMD_ACCESS_REGISTER_USER, MLX5_REG_OP_WRITE, MLX5_REG_PMAOS },
	};
	uint64_t before = emu_command_count(emu);
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_int_eq(raw_cmd(refused[i].opcode, refused[i].op_mod, refused[i].reg, 64),
				 -EPERM);
	ck_assert_uint_eq(emu_command_count(emu), before);
	ck_assert_uint_eq(fw_device_refused_count(dev), i);

	/* An allowed one does arrive, exactly once. */
	tu_assert_ok(ctx, raw_cmd(MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, MLX5_REG_PMAOS, 16));
	ck_assert_uint_eq(emu_command_count(emu), before + 1);
	ck_assert_uint_eq(fw_device_cmd_count(dev), 1);

	/* Too big for the transport: refused before the emulator too. */
	{
		size_t big = (256u << 10) + 1;
		uint8_t *in = calloc(1, big), *out = calloc(1, big);

		fw_mlx5_set(in, 0, 16, MLX5_CMD_NOP);
		ck_assert_int_eq(fw_device_cmd(dev, in, big, out, 64), -EOVERFLOW);
		free(in);
		free(out);
	}
	ck_assert_uint_eq(emu_command_count(emu), before + 1);
}
END_TEST

START_TEST(test_trace_control_on_emu)
{
	uint64_t before = emu_command_count(emu);
	bool owner = false;

	ck_assert_int_eq(mlx5_tracer_set_owner(dev, true, &owner, NULL), -EPERM);
	ck_assert_uint_eq(emu_command_count(emu), before);
	fw_device_allow_trace_control(dev, true);
	tu_assert_ok(ctx, mlx5_tracer_set_owner(dev, true, &owner, NULL));
	ck_assert_uint_eq(emu_command_count(emu), before + 1);
	tu_assert_ok(ctx, mlx5_tracer_set_owner(dev, false, &owner, NULL));
	ck_assert(!owner);
}
END_TEST

START_TEST(test_mgir)
{
	const struct regcat_reg *r = regcat_by_id(MLX5_REG_MGIR);
	const struct emu_identity *id = emu_identity(emu);
	struct mlx5_status st;
	uint8_t mgir[160];

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(mlx5_reg_size(MLX5_REG_MGIR), sizeof(mgir));
	tu_assert_ok(ctx, mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir,
					       sizeof(mgir), &st));
	ck_assert_str_eq(st.text, "OK (0x0)");
	ck_assert_uint_eq(st.commands, 1);
	ck_assert_uint_eq(fw_mlx5_get(mgir, 16, 16), id->device_id);   /* hw_info.device_id */
	ck_assert_int_eq(memcmp(mgir + 0x30, id->psid, strlen(id->psid)), 0);
}
END_TEST

START_TEST(test_hca_cap)
{
	uint8_t cap[4096], cap2[4096];

	tu_assert_ok(ctx, mlx5_query_hca_cap(dev, MLX5_CAP_GENERAL, true, cap, sizeof(cap), NULL));
	tu_assert_ok(ctx, mlx5_query_hca_cap(dev, MLX5_CAP_GENERAL, true, cap2, sizeof(cap2), NULL));
	ck_assert_mem_eq(cap, cap2, sizeof(cap));
	tu_assert_ok(ctx, mlx5_query_hca_cap(dev, MLX5_CAP_DEBUG, true, cap, 64, NULL));
}
END_TEST

START_TEST(test_strings_db)
{
	struct mlx5_tracer_caps caps;
	struct mlx5_status st;
	unsigned i;

	tu_assert_ok(ctx, mlx5_tracer_query_caps(dev, &caps, NULL, 0, &st));
	ck_assert(caps.trace_to_memory);
	ck_assert_uint_eq(caps.num_string_db, emu_strings_db_sections(emu));
	ck_assert_uint_ge(caps.num_string_db, 2);
	for (i = 0; i < caps.num_string_db; i++) {
		const void *want;
		size_t want_len, len;
		void *data;

		tu_assert_ok(ctx, emu_strings_db(emu, i, &want, &want_len));
		tu_assert_ok(ctx, mlx5_strings_db_read(dev, &caps, i, 0, &data, &len, &st));
		ck_assert_uint_eq(len, want_len);
		ck_assert_uint_eq(len, caps.db[i].size);
		ck_assert_mem_eq(data, want, len);
		/* This firmware takes at most 256 bytes per read: one larger read
		 * is refused, then the kernel's chunks. */
		if (len > 256)
			ck_assert_uint_eq(st.commands, 1 + (len + 255) / 256);
		free(data);
	}
}
END_TEST

START_TEST(test_strings_db_all)
{
	struct mlx5_tracer_caps caps;
	void *data[MLX5_STRINGS_DB_SECTIONS];
	size_t len[MLX5_STRINGS_DB_SECTIONS], total = 0;
	struct mlx5_status st;
	unsigned i;

	tu_assert_ok(ctx, mlx5_tracer_query_caps(dev, &caps, NULL, 0, &st));
	tu_assert_ok(ctx, mlx5_strings_db_read_all(dev, &caps, data, len, &st));
	for (i = 0; i < caps.num_string_db; i++) {
		const void *want;
		size_t want_len;

		tu_assert_ok(ctx, emu_strings_db(emu, i, &want, &want_len));
		ck_assert_uint_eq(len[i], want_len);
		ck_assert_mem_eq(data[i], want, want_len);
		total += (len[i] + 255) / 256;
	}
	/* One refused large read for the whole DB, then 256-byte reads. */
	ck_assert_uint_eq(st.commands, 1 + total);
	for (i = 0; i < MLX5_STRINGS_DB_SECTIONS; i++)
		free(data[i]);
}
END_TEST

START_TEST(test_resdump_menu)
{
	struct mlx5_resdump_req req = { .segment_type = MLX5_RESDUMP_SEG_MENU };
	struct mlx5_status st;
	uint8_t *data;
	size_t len, off = 0;
	unsigned nseg = 0;
	uint16_t last = 0;

	tu_assert_ok(ctx, mlx5_resdump(dev, &req, (void **)&data, &len, &st));
	ck_assert_uint_gt(len, 16 + 20 + 8 + 4);
	ck_assert_uint_eq(st.commands, (len + 207) / 208);
	/* Walk the segments: INFO first, TERMINATE last, lengths add up. */
	ck_assert_uint_eq(fw_get_be32(data) & 0xffff, MLX5_RESDUMP_SEG_INFO);
	while (off + 4 <= len) {
		uint32_t h = fw_get_be32(data + off);
		size_t seg_len = (size_t)(h >> 16) * 4;

		ck_assert_uint_ge(seg_len, 4);
		last = (uint16_t)h;
		off += seg_len;
		nseg++;
	}
	ck_assert_uint_eq(off, len);
	ck_assert_uint_eq(last, MLX5_RESDUMP_SEG_TERMINATE);
	ck_assert_uint_ge(nseg, 4);
	free(data);
}
END_TEST

START_TEST(test_devlink_side)
{
	struct fw_health_reporter *reps;
	size_t n, len, i;
	bool seen_fw = false, seen_fatal = false;
	void *data;
	char *text;

	tu_assert_ok(ctx, fw_device_health_reporters(dev, &reps, &n));
	for (i = 0; i < n; i++) {
		if (strcmp(reps[i].name, "fw") == 0)
			seen_fw = true;
		if (strcmp(reps[i].name, "fw_fatal") == 0) {
			seen_fatal = true;
			ck_assert_uint_eq(reps[i].state, 0);
			ck_assert(!reps[i].has_dump);
		}
	}
	free(reps);
	ck_assert(seen_fw && seen_fatal);
	tu_assert_ok(ctx, fw_device_health_diagnose(dev, "fw", &data, &len));
	ck_assert_uint_gt(len, 4);
	free(data);
	/* Healthy: nothing stored, and reading must not create one. */
	ck_assert_int_eq(fw_device_health_dump(dev, "fw_fatal", &data, &len), -ENOENT);
	ck_assert_int_eq(fw_device_health_dump(dev, "fw_fatal", &data, &len), -ENOENT);
	tu_assert_ok(ctx, fw_device_health_buffer(dev, &data, &len));
	ck_assert_uint_eq(len, 64);
	free(data);
	tu_assert_ok(ctx, fw_device_tracefs_text(dev, &text, &len));
	free(text);
	{
		size_t len2;
		char *text2;

		/* Two seconds of emulated time add mlx5_fw lines. */
		tu_assert_ok(ctx, fw_device_tracefs_gather(dev, 2, &text2, &len2));
		ck_assert_uint_gt(len2, len);
		ck_assert_ptr_nonnull(strstr(text2, "mlx5_fw: "));
		free(text2);
	}
	ck_assert_int_eq(fw_device_regions(dev, NULL, &n), -EOPNOTSUPP);
}
END_TEST

/* Faults the emulator injects come back as outcomes with text. */
START_TEST(test_faults)
{
	struct mlx5_status st;
	uint8_t mgir[160];

	teardown();
	open_spec("emu:cx7,seed=1,fail=MGIR:BAD_PARAM:0x1a2b3c");
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir,
					      sizeof(mgir), &st), -EREMOTEIO);
	ck_assert_str_eq(st.text, "BAD_PARAM (0x3), syndrome 0x1a2b3c");
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "BAD_PARAM (0x3), syndrome 0x1a2b3c"));
	teardown();
	open_spec("emu:cx7,seed=1,short=MGIR");
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir,
					      sizeof(mgir), &st), -EBADMSG);
	ck_assert(st.fw_replied);
	ck_assert_uint_lt(st.out_len, 16 + sizeof(mgir));
	ck_assert_uint_ge(st.out_len, 16);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "outbox cut short"));
	teardown();
	open_spec("emu:cx7,seed=1,timeout=MGIR");
	ck_assert_int_eq(mlx5_access_reg_read(dev, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir,
					      sizeof(mgir), &st), -ETIMEDOUT);
	ck_assert(!st.fw_replied);
}
END_TEST

/* A device of its own, for the tests that vary the spec. */
static int open_emu(const char *spec, struct fw_device **ret)
{
	return fw_device_open(ctx, spec, ret);
}

static void setup_ctx(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown_ctx(void)
{
	fw_ctx_free(ctx);
}

START_TEST(test_registers_through_device)
{
	struct fw_device *d;
	struct mlx5_status st;
	uint8_t mgir[160], cap[4096];
	const struct regcat_reg *r = regcat_by_name("MGIR");

	tu_assert_ok(ctx, open_emu("emu:cx6dx,seed=4", &d));
	tu_assert_ok(ctx, mlx5_access_reg_read(d, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir, sizeof(mgir), &st));
	ck_assert_uint_eq(fw_mlx5_get(mgir, regcat_field(r, "hw_dev_id")->bit_off, 16), 0x212);
	ck_assert_mem_eq(mgir + 0x30, "MT_0000000359", 13);
	tu_assert_ok(ctx, mlx5_query_hca_cap(d, 0xd, true, cap, sizeof(cap), &st));
	ck_assert_uint_eq(cap[0] >> 7, 1);                      /* core_dump_general */
	/* A fault injected in the spec comes back as a firmware status. */
	fw_device_close(d);
	tu_assert_ok(ctx, open_emu("emu:cx7,fail=MGIR:BAD_SYS_STATE:0x77", &d));
	ck_assert_int_eq(mlx5_access_reg_read(d, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir, sizeof(mgir), &st),
			 -EREMOTEIO);
	ck_assert_uint_eq(st.status, MLX5_STAT_BAD_SYS_STATE);
	ck_assert_uint_eq(st.syndrome, 0x77);
	fw_device_close(d);
	/* A truncated reply is seen as one by the command layer. */
	tu_assert_ok(ctx, open_emu("emu:cx7,short=MGIR", &d));
	ck_assert_int_eq(mlx5_access_reg_read(d, MLX5_REG_MGIR, 0, NULL, sizeof(mgir), mgir, sizeof(mgir), &st),
			 -EBADMSG);
	ck_assert_uint_eq(st.out_len, 16 + 80);
	fw_device_close(d);
}
END_TEST

START_TEST(test_writes_refused_by_allowlist)
{
	struct fw_device *d;
	struct mlx5_status st;
	uint8_t paos[16] = { 0 }, out[16];

	tu_assert_ok(ctx, open_emu("emu:cx5", &d));
	/* The emulator would accept this write; the allowlist must not let it out. */
	ck_assert_int_eq(mlx5_access_reg(d, MLX5_REG_PAOS, MLX5_REG_OP_WRITE, 0, paos, sizeof(paos), out,
					 sizeof(out), &st),
			 -EPERM);
	fw_device_close(d);
}
END_TEST

START_TEST(test_tracer_and_resdump_through_device)
{
	struct fw_device *d;
	struct mlx5_status st;
	struct mlx5_tracer_caps caps;
	struct mlx5_resdump_req req = { .segment_type = MLX5_RESDUMP_SEG_MENU };
	void *db[MLX5_STRINGS_DB_SECTIONS] = { 0 };
	size_t dblen[MLX5_STRINGS_DB_SECTIONS] = { 0 };
	void *menu;
	size_t len;
	char *text;

	tu_assert_ok(ctx, open_emu("emu:cx7,seed=2", &d));
	tu_assert_ok(ctx, mlx5_tracer_query_caps(d, &caps, NULL, 0, &st));
	ck_assert_uint_eq(caps.num_string_db, 4);
	ck_assert(caps.trace_to_memory);
	tu_assert_ok(ctx, mlx5_strings_db_read_all(d, &caps, db, dblen, &st));
	{
		struct emu *e;

		/* Same bytes as the emulator's own copy. */
		tu_assert_ok(ctx, emu_new(ctx, "emu:cx7,seed=2", &e));
		for (unsigned s = 0; s < 4; s++) {
			const void *want;
			size_t wlen;

			tu_assert_ok(ctx, emu_strings_db(e, s, &want, &wlen));
			ck_assert_uint_eq(dblen[s], wlen);
			ck_assert_mem_eq(db[s], want, wlen);
			free(db[s]);
		}
		emu_free(e);
	}
	tu_assert_ok(ctx, mlx5_resdump(d, &req, &menu, &len, &st));
	ck_assert_uint_eq(len, 16 + 20 + 8 + 46 * 52 + 4);
	ck_assert_uint_eq(st.commands, (len + 207) / 208);
	free(menu);
	tu_assert_ok(ctx, fw_device_tracefs_gather(d, 2, &text, &len));   /* 2 s of emulated tracing */
	ck_assert_ptr_nonnull(strstr(text, "mlx5_fw: 0000:08:00.0 [0x"));
	free(text);
	fw_device_close(d);
}
END_TEST

/* The emulator's fault schedule through the health methods' event hook,
 * as the watch daemon reads it; waits on the descriptor, never on time. */
START_TEST(test_health_events)
{
	struct fw_health_event ev[3];
	struct fw_device *d;
	const char *name = NULL;
	size_t got = 0;
	int fd;

	/* No schedule, no events: the daemon polls the reporters instead. */
	tu_assert_ok(ctx, open_emu("emu:cx7", &d));
	ck_assert_int_eq(fw_device_health_events_open(d, &name), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "no fault schedule"));
	fw_device_close(d);

	/* Without the events, listing the reporters fires what is due, so
	 * polling sees the faults: the events are not the only way. */
	tu_assert_ok(ctx, open_emu("emu:cx7,burst=1@0", &d));
	ck_assert(!fw_device_health_events_only(d));
	{
		struct fw_health_reporter *rep = NULL;
		size_t n = 0;

		tu_assert_ok(ctx, fw_device_health_reporters(d, &rep, &n));
		ck_assert_uint_eq(n, 2);
		ck_assert_str_eq(rep[0].name, "fw");
		ck_assert_uint_eq(rep[0].error_count, 1);
		free(rep);
	}
	fw_device_close(d);

	tu_assert_ok(ctx, open_emu("emu:cx7,burst=3@0.01", &d));
	fd = fw_device_health_events_open(d, &name);
	tu_assert_ok(ctx, fd);
	ck_assert_str_eq(name, "emulator schedule");
	while (got < 3) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r;

		ck_assert_int_eq(poll(&p, 1, 30000), 1);
		r = fw_device_health_events_read(d, ev + got, 3 - got);
		tu_assert_ok(ctx, r);
		got += (size_t)r;
	}
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_str_eq(ev[i].source, "emulator");
		ck_assert_str_eq(ev[i].rep.name, "fw");
		ck_assert_uint_eq(ev[i].rep.state, 1);
		ck_assert_uint_eq(ev[i].rep.error_count, i + 1);
		ck_assert(ev[i].rep.has_dump);
		ck_assert_str_eq(ev[i].msg, "FW syndrome reported");
		ck_assert_uint_ne(ev[i].time_ns, 0);
	}
	fw_device_close(d);
}
END_TEST

static Suite *device_emu_suite(void)
{
	Suite *s = suite_create("emu-device");
	TCase *tc;

	tc = tcase_create("gate");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_info);
	tcase_add_test(tc, test_bad_specs);
	tcase_add_test(tc, test_refused_never_reach_emu);
	tcase_add_test(tc, test_trace_control_on_emu);
	suite_add_tcase(s, tc);

	tc = tcase_create("mlx5");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mgir);
	tcase_add_test(tc, test_hca_cap);
	tcase_add_test(tc, test_strings_db);
	tcase_add_test(tc, test_strings_db_all);
	tcase_add_test(tc, test_resdump_menu);
	tcase_add_test(tc, test_faults);
	suite_add_tcase(s, tc);

	tc = tcase_create("devlink");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_devlink_side);
	suite_add_tcase(s, tc);

	tc = tcase_create("specs");
	tcase_add_checked_fixture(tc, setup_ctx, teardown_ctx);
	tcase_add_test(tc, test_registers_through_device);
	tcase_add_test(tc, test_writes_refused_by_allowlist);
	tcase_add_test(tc, test_tracer_and_resdump_through_device);
	tcase_add_test(tc, test_health_events);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(device_emu_suite());
}
