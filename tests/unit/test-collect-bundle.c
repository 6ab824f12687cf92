/* SPDX-License-Identifier: MIT */
/*
 * Check suite for the collector's glue: the scripted firmware sits behind a
 * real device object (so every command crosses the read-only allowlist
 * gate), and the sink is the real bundle writer, so what is asserted is the
 * published bundle read back with the bundle reader.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collect-internal.h"
#include "device/device.h"
#include "ifc/ifc.h"
#include "test-collect-fake.h"
#include "testutil.h"

static struct fw_ctx *ctx;
static struct fake fw;
static uint64_t cancel_after;     /* request cancellation after this many commands; 0 never */
static struct fw_device *g_dev;   /* the device a test made; the test closes it */

static int t_info(void *priv, struct fw_device_info *ret)
{
	struct fake *f = priv;

	memset(ret, 0, sizeof(*ret));
	strcpy(ret->pci, "0000:08:00.0");
	strcpy(ret->transport, "fake");
	strcpy(ret->fw_version, "28.39.1002");
	strcpy(ret->psid, "MT_0000000838");
	ret->vendor_id = 0x15b3;
	ret->device_id = 0x1021;
	ret->max_rpc = f->max_rpc;
	return 0;
}

static int t_rpc(void *priv, const void *in, size_t inlen, void *out, size_t outlen)
{
	int r = fake_rpc(priv, in, inlen, out, outlen);

	if (cancel_after && fw.commands == cancel_after)
		fw_ctx_request_cancel(ctx);
	return r < 0 || (size_t)r < outlen ? r : 0;
}

static int t_reporters(void *priv, struct fw_health_reporter **ret, size_t *ret_n)
{
	struct fw_health_reporter *r = calloc(1, sizeof(*r));

	(void)priv;
	if (!r)
		return -ENOMEM;
	strcpy(r->name, "fw_fatal");
	r->state = 1;
	r->error_count = 2;
	r->has_dump = true;
	*ret = r;
	*ret_n = 1;
	return 0;
}

static int t_blob(const char *s, void **ret, size_t *ret_len)
{
	*ret = strdup(s);
	if (!*ret)
		return -ENOMEM;
	*ret_len = strlen(s);
	return 0;
}

static int t_diagnose(void *priv, const char *rep, void **ret, size_t *ret_len)
{
	(void)priv;
	(void)rep;
	return t_blob("diagnose", ret, ret_len);
}

static int t_dump(void *priv, const char *rep, void **ret, size_t *ret_len)
{
	(void)priv;
	(void)rep;
	return t_blob("crdump_data", ret, ret_len);
}

static int t_health_buffer(void *priv, void **ret, size_t *ret_len)
{
	uint8_t *b = calloc(1, 64);

	(void)priv;
	if (!b)
		return -ENOMEM;
	b[0x3d] = 0x1;        /* synd: firmware internal error */
	*ret = b;
	*ret_len = 64;
	return 0;
}

static void t_close(void *priv)
{
	(void)priv;             /* the fake belongs to the test */
}

static const struct fw_cmd_methods t_cmd = {
	.version = FW_CMD_METHODS_VERSION,
	.name = "fake",
	.close = t_close,
	.info = t_info,
	.rpc = t_rpc,
};

static const struct fw_health_methods t_health = {
	.version = FW_HEALTH_METHODS_VERSION,
	.name = "fake",
	.reporters = t_reporters,
	.diagnose = t_diagnose,
	.dump = t_dump,
	.health_buffer = t_health_buffer,
};

static struct fw_device *t_device(void)
{
	struct fw_device_parts p = { .cmd = &t_cmd, .cmd_priv = &fw, .health = &t_health };

	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &p, &g_dev));
	return g_dev;
}

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	fake_init(&fw, 8192);
	cancel_after = 0;
	tu_tmpdir_enter();
}

static void teardown(void)
{
	fw_ctx_free(ctx);
	tu_tmpdir_leave();
}

/* Collect into out; returns collect_run's result, the collection in *ret. */
static int collect_to(const char *out, const char *only, struct collect **ret,
		      struct fw_device **ret_dev)
{
	struct collect_options o = { .output = out, .only = only, .reason = "unit test",
				     .compression = BUNDLE_COMPRESS_NONE };
	struct fw_device *dev = t_device();
	struct collect *c;
	char *path = NULL;
	int r;

	tu_assert_ok(ctx, collect_new_with(ctx, &o, dev, &c));
	r = collect_run(c, &path);
	if (r >= 0)
		ck_assert_str_eq(path, out);
	free(path);
	*ret = c;
	*ret_dev = dev;
	return r;
}

/* The collection does not own a device it was handed: close it here. */
static void done(struct collect *c)
{
	collect_free(c);
	fw_device_close(g_dev);
}

static void problem_cb(void *u, const char *member, const char *why)
{
	(void)member;
	(void)why;
	(*(int *)u)++;
}

START_TEST(test_bundle_round_trip)
{
	struct collect *c;
	struct fw_device *dev;
	struct bundle *b;
	const struct bundle_artifact *a;
	void *data;
	size_t len;
	int problems = 0;

	fw.fail_reg = MLX5_REG_MCAM;
	ck_assert_int_eq(collect_to("b.tar", NULL, &c, &dev), 0);
	/* The whole plan passed the allowlist gate. */
	ck_assert_uint_eq(fw_device_refused_count(dev), 0);
	ck_assert_uint_eq(fw_device_cmd_count(dev), fw.commands);
	ck_assert_uint_eq(collect_device_commands(c), fw.commands);
	ck_assert_int_eq(collect_worst(c), BUNDLE_OUTCOME_FAILED);

	tu_assert_ok(ctx, bundle_open(ctx, "b.tar", &b));
	ck_assert_int_eq(bundle_verify(b, problem_cb, &problems), 0);
	ck_assert_int_eq(problems, 0);
	ck_assert_str_eq(bundle_get_header(b)->reason, "unit test");
	ck_assert_str_eq(bundle_get_device(b)->pci, "0000:08:00.0");
	ck_assert_str_eq(bundle_get_device(b)->fw_version, "28.39.1002");
	ck_assert_uint_eq(bundle_artifact_count(b), collect_outcome_count(c));

	a = bundle_find_kind(b, "reg.MGIR");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->outcome, BUNDLE_OUTCOME_OK);
	ck_assert_uint_eq(a->size, 160);
	ck_assert_str_eq(a->interface, "fake");
	ck_assert_uint_eq(a->request_len, 16 + 160);
	ck_assert_uint_eq(a->request[1], 0x05);         /* opcode 0x805 */
	ck_assert_uint_eq(a->request[11], 0x20);        /* register 0x9020 */
	ck_assert_uint_ge(a->end_ns, a->start_ns);

	a = bundle_find_kind(b, "reg.MCAM");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->outcome, BUNDLE_OUTCOME_FAILED);
	ck_assert_uint_eq(a->status, MLX5_STAT_BAD_PARAM);
	ck_assert_uint_eq(a->syndrome, 0x1234abcd);
	ck_assert_int_eq(a->err, -EREMOTEIO);
	ck_assert_uint_eq(a->size, 0);

	tu_assert_ok(ctx, bundle_read_kind(b, "trace.strings.0", 1u << 20, &data, &len));
	ck_assert_uint_eq(len, STR0_SIZE);
	for (size_t i = 0; i < len; i++)
		ck_assert_uint_eq(((uint8_t *)data)[i], str_byte(0, (uint32_t)i));
	free(data);
	tu_assert_ok(ctx, bundle_read_kind(b, "crspace", 1u << 20, &data, &len));
	ck_assert_uint_eq(len, CRSPACE_SIZE);
	ck_assert_uint_eq(((uint8_t *)data)[999], seg_byte(0x7777, 999));
	free(data);
	tu_assert_ok(ctx, bundle_read_kind(b, "health.fw_fatal", 4096, &data, &len));
	ck_assert_uint_eq(len, 11);
	ck_assert(!memcmp(data, "crdump_data", 11));
	free(data);
	tu_assert_ok(ctx, bundle_read_kind(b, "health.reporters", 4096, &data, &len));
	ck_assert(memmem(data, len, "\"pci/0000:08:00.0\"", 18));
	ck_assert(memmem(data, len, "\"reporter\":\"fw_fatal\"", 21));
	free(data);
	a = bundle_find_kind(b, "trace.text");
	ck_assert_int_eq(a->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_int_eq(a->err, -EOPNOTSUPP);
	bundle_close(b);
	done(c);
}
END_TEST

START_TEST(test_interrupted_bundle)
{
	struct collect *c;
	struct fw_device *dev;
	struct bundle *b;
	const struct bundle_artifact *a;
	int problems = 0;
	bool seen_interrupt = false;
	struct fw_ctx *rctx;

	cancel_after = 4;       /* mid strings DB */
	ck_assert_int_eq(collect_to("i.tar", NULL, &c, &dev), 0);
	ck_assert_uint_eq(fw.commands, 4);
	/* ctx stays cancelled: read back with a fresh one. */
	ck_assert_int_eq(fw_ctx_new(&rctx), 0);
	tu_assert_ok(rctx, bundle_open(rctx, "i.tar", &b));
	ck_assert_int_eq(bundle_verify(b, problem_cb, &problems), 0);
	for (size_t i = 0; i < bundle_artifact_count(b); i++) {
		a = bundle_artifact_at(b, i);
		if (a->err == -EINTR && a->outcome != BUNDLE_OUTCOME_SKIPPED)
			seen_interrupt = true;
	}
	ck_assert(seen_interrupt);
	a = bundle_find_kind(b, "reg.MGIR");
	ck_assert_int_eq(a->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_int_eq(a->err, -EINTR);
	ck_assert_int_ne(collect_worst(c), BUNDLE_OUTCOME_OK);
	bundle_close(b);
	fw_ctx_free(rctx);
	done(c);
}
END_TEST

START_TEST(test_existing_file_kept)
{
	struct collect *c;
	struct fw_device *dev;
	struct stat st;

	struct collect_options o = { .output = "e.tar", .only = "reg.MGIR",
				     .compression = BUNDLE_COMPRESS_NONE };
	char *path = NULL;

	/* Named -o FILE that exists: refused at start, before collecting. */
	tu_write_file("e.tar", "keep", 4);
	dev = t_device();
	ck_assert_int_eq(collect_new_with(ctx, &o, dev, &c), -EEXIST);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "'e.tar' already exists"));
	/* The file appears while the run goes on: the writer keeps it too. */
	o.output = "f.tar";
	tu_assert_ok(ctx, collect_new_with(ctx, &o, dev, &c));
	tu_write_file("f.tar", "keep", 4);
	ck_assert_int_eq(collect_run(c, &path), -EEXIST);
	ck_assert_ptr_null(path);
	ck_assert_int_eq(stat("e.tar", &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	ck_assert_int_eq(stat("f.tar", &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	done(c);
}
END_TEST

/* A PCI function in a sysfs tree under the test folder. */
static void fake_function(const char *pci, const char *vendor, const char *device)
{
	char path[256];

	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", pci);
	ck_assert_int_eq(system("mkdir -p sys/bus/pci/devices"), 0);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/vendor", pci);
	tu_write_file(path, vendor, strlen(vendor));
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/device", pci);
	tu_write_file(path, device, strlen(device));
}

/* No -d: one ConnectX is taken, none or several is an error that helps. */
START_TEST(test_pick_none)
{
	struct fw_device *dev;

	fake_function("0000:02:00.0", "0x8086\n", "0x1533\n");    /* not a ConnectX */
	ck_assert_int_eq(collect_device_open(ctx, NULL, ".", &dev), -ENOENT);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "-d emu:cx7"));
}
END_TEST

START_TEST(test_pick_many)
{
	struct fw_device *dev;

	fake_function("0000:08:00.0", "0x15b3\n", "0x1021\n");
	fake_function("0000:08:00.1", "0x15b3\n", "0x1021\n");
	ck_assert_int_eq(collect_device_open(ctx, "", ".", &dev), -EINVAL);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "'0000:08:00.0'"));
	ck_assert(strstr(fw_ctx_errmsg(ctx), "'0000:08:00.1'"));
	ck_assert(strstr(fw_ctx_errmsg(ctx), "pick one with -d"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("collect-bundle");
	TCase *tc = tcase_create("glue");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bundle_round_trip);
	tcase_add_test(tc, test_interrupted_bundle);
	tcase_add_test(tc, test_existing_file_kept);
	tcase_add_test(tc, test_pick_none);
	tcase_add_test(tc, test_pick_many);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
