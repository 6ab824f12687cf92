/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/emu/emu-health.c: the health buffer and the devlink
 * fw and fw_fatal reporters (state, diagnose and stored dumps as fmsg
 * streams) after fatal-after=, fw-error-after= and a fatal start.
 */
#include "config.h"

#include <libmnl/libmnl.h>

#include "device/device.h"
#include "emu-test.h"

/* Walk the concatenated fmsg items: names in order, binary bytes. */
struct fmsg_walk {
	char names[4096];
	size_t binary;
	uint32_t first_bin_dword;
	uint8_t last_u8;
	int depth, max_depth;
};

static void fmsg_walk(const uint8_t *buf, size_t len, struct fmsg_walk *w)
{
	size_t off = 0;

	memset(w, 0, sizeof(*w));
	while (off < len) {
		const struct nlattr *a = (const void *)(buf + off);

		ck_assert_uint_ge(len - off, 4);
		ck_assert_uint_ge(a->nla_len, 4);
		ck_assert_uint_le(a->nla_len, len - off);
		{
			switch (mnl_attr_get_type(a)) {
			case 107: case 108: case 109:
				w->depth++;
				w->max_depth = w->depth > w->max_depth ? w->depth : w->max_depth;
				break;
			case 110:
				w->depth--;
				ck_assert_int_ge(w->depth, 0);
				break;
			case 111:
				if (strlen(w->names) + strlen(mnl_attr_get_str(a)) + 2 < sizeof(w->names)) {
					strcat(w->names, mnl_attr_get_str(a));
					strcat(w->names, "|");
				}
				break;
			case 113:
				if (mnl_attr_get_payload_len(a) > 8) {
					if (!w->binary)
						w->first_bin_dword = fw_get_be32(mnl_attr_get_payload(a));
					w->binary += mnl_attr_get_payload_len(a);
				} else if (mnl_attr_get_payload_len(a) == 1) {
					w->last_u8 = mnl_attr_get_u8(a);
				}
				break;
			default:
				break;
			}
		}
		off += MNL_ALIGN(a->nla_len);
	}
	ck_assert_uint_eq(off, len);
	ck_assert_int_eq(w->depth, 0);
}

START_TEST(test_fatal_and_reporters)
{
	struct emu *e = mk("emu:cx6dx,crspace=builtin,fatal-after=3,synd=0x8,rate=5000");
	uint8_t in[16] = { 0 }, out[16];
	struct fmsg_walk w;
	void *d;
	size_t len;

	ck_assert_uint_eq(emu_reporter_count(e), 2);
	ck_assert_str_eq(emu_reporter_at(e, 0)->state, "healthy");
	ck_assert_int_eq(emu_reporter_dump(e, "fw", &d, &len), -ENOENT);
	tu_assert_ok(ctx, emu_reporter_diagnose(e, "fw", &d, &len));
	fmsg_walk(d, len, &w);
	ck_assert_str_eq(w.names, "Syndrome|");
	ck_assert_uint_eq(w.last_u8, 0);
	free(d);
	ck_assert_int_eq(emu_reporter_diagnose(e, "fw_fatal", &d, &len), -EOPNOTSUPP);
	ck_assert_int_eq(emu_reporter_diagnose(e, "tx", &d, &len), -ENOENT);
	tu_assert_ok(ctx, emu_health_buffer(e, &d, &len));
	ck_assert_uint_eq(len, 64);
	ck_assert_uint_eq(((uint8_t *)d)[0x3d], 0);
	ck_assert_uint_eq(fw_get_be32((uint8_t *)d + 0x30), (22u << 24) | (39u << 16) | 2048);
	free(d);

	emu_advance(e, 1000000000ull);
	fw_put_be16(in, MLX5_CMD_NOP);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), 0);
		ck_assert_uint_eq(out[0], 0);
	}
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), -EIO);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "fatal"));

	tu_assert_ok(ctx, emu_health_buffer(e, &d, &len));
	ck_assert_uint_eq(((uint8_t *)d)[0x3d], 0x8);
	ck_assert_uint_eq(((uint8_t *)d)[0x38] >> 7, 1);                  /* rfr */
	free(d);
	/* The fatal path reports fw_fatal only, as poll_health() does. */
	ck_assert_str_eq(emu_reporter_at(e, 0)->state, "healthy");
	ck_assert(!emu_reporter_at(e, 0)->has_dump);
	ck_assert_str_eq(emu_reporter_at(e, 1)->state, "error");
	ck_assert_uint_eq(emu_reporter_at(e, 1)->error_count, 1);
	ck_assert(emu_reporter_at(e, 1)->has_dump);
	ck_assert_int_eq(emu_reporter_dump(e, "fw", &d, &len), -ENOENT);
	tu_assert_ok(ctx, emu_reporter_diagnose(e, "fw", &d, &len));
	fmsg_walk(d, len, &w);
	ck_assert_str_eq(w.names, "Syndrome|Description|");
	ck_assert_ptr_nonnull(memmem(d, len, "unrecoverable hardware error", 28));
	free(d);
	tu_assert_ok(ctx, emu_reporter_dump(e, "fw_fatal", &d, &len));
	fmsg_walk(d, len, &w);
	ck_assert_str_eq(w.names, "syndrome|fw_miss_counter|crdump_data|");
	ck_assert_uint_eq(w.binary, e->cr_end);
	free(d);
	emu_free(e);
}
END_TEST

START_TEST(test_fw_error_reporter)
{
	struct emu *e = mk("emu:cx7,crspace=builtin,fw-error-after=2,synd=0x10,rate=3000");
	uint8_t in[16] = { 0 }, out[16];
	const struct emu_saved *sv;
	struct fmsg_walk w;
	size_t len, nsaved;
	void *d;

	emu_advance(e, 1000000000ull);
	fw_put_be16(in, MLX5_CMD_NOP);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), 0);      /* not fatal: still answers */
		ck_assert_uint_eq(out[0], 0);
	}
	ck_assert_str_eq(emu_reporter_at(e, 0)->state, "error");
	ck_assert_str_eq(emu_reporter_at(e, 1)->state, "healthy");
	tu_assert_ok(ctx, emu_health_buffer(e, &d, &len));
	ck_assert_uint_eq(((uint8_t *)d)[0x3d], 0x10);
	ck_assert_uint_eq(((uint8_t *)d)[0x38] >> 7, 0);                  /* no rfr */
	free(d);
	nsaved = emu_tracer_saved(e, 0, &sv);
	ck_assert_uint_gt(nsaved, 500);
	tu_assert_ok(ctx, emu_reporter_dump(e, "fw", &d, &len));
	fmsg_walk(d, len, &w);
	ck_assert_ptr_nonnull(strstr(w.names, "syndrome|fw_miss_counter|health buffer|assert_var|assert_exit_ptr|"));
	ck_assert_ptr_nonnull(strstr(w.names, "|dump fw traces|timestamp|lost|event_id|msg|"));
	ck_assert_int_ge(w.max_depth, 4);
	ck_assert_uint_gt(len, 65536);                                    /* several nests */
	ck_assert_ptr_nonnull(memmem(d, len, sv->msg, strlen(sv->msg)));  /* the oldest saved trace */
	free(d);
	emu_free(e);
}
END_TEST

START_TEST(test_fatal_at_start)
{
	struct emu *e = mk("emu:cx5,crspace=builtin,fatal-after=0,fw-error-after=0");
	uint8_t in[16] = { 0 }, out[16];
	void *d;
	size_t len;

	ck_assert(emu_reporter_at(e, 0)->has_dump);     /* fw error first, then fatal */
	ck_assert(emu_reporter_at(e, 1)->has_dump);
	tu_assert_ok(ctx, emu_reporter_dump(e, "fw_fatal", &d, &len));
	ck_assert_ptr_nonnull(memmem(d, len, "crdump_data", 11));
	free(d);
	fw_put_be16(in, MLX5_CMD_NOP);
	ck_assert_int_eq(emu_cmd(e, in, 16, out, 16), -EIO);
	emu_free(e);
}
END_TEST

/* The fw_fatal dump is stored at the failure but built when first read:
 * its bytes are those of the failure's moment, however much happened
 * since (emulated time, refused commands, another fault's health buffer),
 * and its crdump is the CR-space image. */
START_TEST(test_fatal_dump_lazy)
{
	struct emu *now = mk("emu:cx7,crspace=builtin,seed=7,fatal-after=0");
	struct emu *later = mk("emu:cx7,crspace=builtin,seed=7,fatal-after=0");
	uint8_t in[16] = { 0 }, out[16], *img;
	void *d1, *d2, *hb;
	size_t len1, len2, ilen, hlen;
	struct fmsg_walk w;

	ck_assert(emu_reporter_at(now, 1)->has_dump);
	tu_assert_ok(ctx, emu_reporter_dump(now, "fw_fatal", &d1, &len1));
	emu_advance(later, 5000000000ull);
	fw_put_be16(in, MLX5_CMD_NOP);
	ck_assert_int_eq(emu_cmd(later, in, 16, out, 16), -EIO);
	tu_assert_ok(ctx, emu_health_buffer(later, &hb, &hlen));
	free(hb);
	later->health[0x3d] = 0x99;     /* the buffer moved on: the dump keeps its syndrome */
	tu_assert_ok(ctx, emu_reporter_dump(later, "fw_fatal", &d2, &len2));
	ck_assert_uint_eq(len1, len2);
	ck_assert(memcmp(d1, d2, len1) == 0);
	/* Read again: the same stored bytes. */
	free(d2);
	tu_assert_ok(ctx, emu_reporter_dump(later, "fw_fatal", &d2, &len2));
	ck_assert(len1 == len2 && memcmp(d1, d2, len1) == 0);
	tu_assert_ok(ctx, emu_crspace_image(now, &img, &ilen));
	fmsg_walk(d1, len1, &w);
	ck_assert_uint_eq(w.binary, ilen);
	ck_assert_uint_eq(w.first_bin_dword, fw_get_be32(img));
	ck_assert_ptr_nonnull(strstr(w.names, "syndrome|fw_miss_counter|crdump_data|"));
	free(img);
	free(d1);
	free(d2);
	/* Cleared before it was ever read: gone, not built. */
	tu_assert_ok(ctx, emu_reporter_dump_clear(now, "fw_fatal"));
	ck_assert_int_eq(emu_reporter_dump(now, "fw_fatal", &d1, &len1), -ENOENT);
	emu_free(now);
	emu_free(later);
}
END_TEST

/* start-on=PATH: the schedule's clock starts when PATH exists, whoever
 * looks (the events, the reporters); without a fault to start it is
 * refused. */
START_TEST(test_start_on)
{
	char dir[] = "/tmp/fwbox-start-on-XXXXXX", path[64], spec[128];
	struct emu_health_event ev[4];
	struct emu *e;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/go", dir);
	snprintf(spec, sizeof(spec), "emu:cx7,start-on=%s,fatal-at=0", path);
	e = mk(spec);
	ck_assert_int_ge(emu_events_fd(e), 0);
	ck_assert_int_eq(emu_events_read(e, ev, 4), 0);
	ck_assert(!e->fatal);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(emu_events_read(e, ev, 4), 1);
	ck_assert_str_eq(ev[0].reporter, "fw_fatal");
	ck_assert(ev[0].error && ev[0].has_dump);
	ck_assert(e->fatal);
	emu_free(e);
	unlink(path);
	rmdir(dir);
	snprintf(spec, sizeof(spec), "emu:cx7,start-on=%s", path);
	ck_assert_int_eq(emu_new(ctx, spec, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "neither"));
}
END_TEST

/* devlink=none: a driver with no devlink health.  Reporters, diagnose,
 * dump and dump clearing are refused, no event is offered, and a
 * scheduled fault still shows in the health buffer once it is due. */
START_TEST(test_no_devlink)
{
	struct fw_device *dev;
	struct fw_health_reporter *rep = NULL;
	struct emu *e;
	uint8_t *hb;
	size_t n = 0, len;
	void *d = NULL;

	tu_assert_ok(ctx, fw_device_open(ctx, "emu:cx7,devlink=none,synd=0x42,fatal-at=0", &dev));
	e = emu_of_device(dev);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(fw_device_health_reporters(dev, &rep, &n), -EOPNOTSUPP);
	ck_assert_int_eq(fw_device_health_dump(dev, "fw_fatal", &d, &len), -EOPNOTSUPP);
	ck_assert_ptr_null(d);
	ck_assert_int_lt(emu_events_fd(e), 0);
	tu_assert_ok(ctx, fw_device_health_buffer(dev, (void **)&hb, &len));
	ck_assert_uint_ge(len, 0x3e);
	ck_assert_uint_eq(hb[0x3d], 0x42);
	free(hb);
	fw_device_close(dev);
	/* Anything but health or none is refused, naming the key. */
	ck_assert_int_eq(emu_new(ctx, "emu:cx7,devlink=maybe", &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "devlink=maybe"));
}
END_TEST

static Suite *emu_suite(void)
{
	Suite *s = suite_create("emu-health");
	TCase *tc = tcase_create("health");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fatal_and_reporters);
	tcase_add_test(tc, test_fw_error_reporter);
	tcase_add_test(tc, test_fatal_at_start);
	tcase_add_test(tc, test_no_devlink);
	tcase_add_test(tc, test_fatal_dump_lazy);
	tcase_add_test(tc, test_start_on);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(emu_suite());
}
