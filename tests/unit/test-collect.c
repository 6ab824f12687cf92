/* SPDX-License-Identifier: MIT */
/*
 * Check suite for collect: the engine and its steps run against a scripted
 * device (a tiny firmware answering ACCESS_REG, QUERY_HCA_CAP and a
 * multi-page RESOURCE_DUMP) and a sink that keeps artifacts in memory, so
 * every outcome, byte and command count can be asserted exactly.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-internal.h"
#include "core/bytes.h"
#include "mlx5/ifc.h"
#include "testutil.h"

/* ------------------------------------------------------------ scripted device */

#define STR0_SIZE 70000u     /* > one 256 KiB-limited chunk? no: several small-rpc chunks */
#define STR1_SIZE 320u
#define CRSPACE_SIZE 1000u   /* 5 inline pages of 208 bytes */

struct fake {
	uint64_t commands;
	size_t max_rpc;
	uint16_t fail_reg;           /* ACCESS_REG of this id: bad param status */
	uint16_t timeout_reg;        /* -ETIMEDOUT */
	uint16_t short_reg;          /* outbox cut in half */
	bool no_crspace;
	uint8_t menu[16 + 20 + 8 + 3 * 52 + 4];
	size_t menu_len;
};

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint8_t str_byte(unsigned idx, uint32_t off)
{
	return (uint8_t)(off * 7 + idx * 13 + 1);
}

static uint8_t seg_byte(uint16_t seg, uint32_t off)
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

static int fake_info(void *dev, struct fw_device_info *ret)
{
	struct fake *f = dev;

	memset(ret, 0, sizeof(*ret));
	strcpy(ret->pci, "0000:08:00.0");
	strcpy(ret->transport, "fake");
	strcpy(ret->fw_version, "28.39.1002");
	ret->max_rpc = f->max_rpc;
	return 0;
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

static int fake_cmd(void *dev, const void *in, size_t inlen, void *out, size_t outlen)
{
	struct fake *f = dev;
	const uint8_t *i = in;
	uint8_t *o = out;
	uint16_t op = fw_get_be16(i);

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
	ck_assert_uint_eq(fw_get_be16(i + 6), MLX5_REG_OP_READ);
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

static int dup_blob(const char *s, void **ret, size_t *ret_len)
{
	*ret = strdup(s);
	*ret_len = strlen(s);
	return *ret ? 0 : -ENOMEM;
}

static int fake_health(void *dev, void **ret, size_t *ret_len)
{
	(void)dev;
	return dup_blob("HEALTHBUF", ret, ret_len);
}

static int fake_reporters(void *dev, struct collect_reporter **ret, size_t *ret_n)
{
	struct collect_reporter *r = calloc(2, sizeof(*r));

	(void)dev;
	strcpy(r[0].name, "fw");
	strcpy(r[0].state, "healthy");
	strcpy(r[1].name, "fw_fatal");
	strcpy(r[1].state, "error");
	r[1].has_dump = true;
	*ret = r;
	*ret_n = 2;
	return 0;
}

static int fake_diagnose(void *dev, const char *name, void **ret, size_t *ret_len)
{
	(void)dev;
	return dup_blob(name, ret, ret_len);
}

static int fake_dump(void *dev, const char *name, void **ret, size_t *ret_len)
{
	(void)dev;
	ck_assert_str_eq(name, "fw_fatal");     /* never asked where nothing is stored */
	return dup_blob("CRDUMP", ret, ret_len);
}

static int fake_text(void *dev, unsigned seconds, char **ret, size_t *ret_len)
{
	(void)dev;
	(void)seconds;
	return dup_blob("mlx5_fw: hello", (void **)ret, ret_len);
}

static uint64_t fake_count(void *dev)
{
	return ((struct fake *)dev)->commands;
}

static const struct collect_dev_ops fake_ops = {
	.info = fake_info,
	.cmd = fake_cmd,
	.health_buffer = fake_health,
	.reporters = fake_reporters,
	.diagnose = fake_diagnose,
	.stored_dump = fake_dump,
	.tracefs_text = fake_text,
	.command_count = fake_count,
};

/* ------------------------------------------------------------ memory sink */

struct item {
	char kind[64];
	enum bundle_outcome outcome;
	char reason[512];
	int err;
	uint32_t status, syndrome;
	uint8_t *data;
	size_t len;
	size_t request_len;
};

struct sink {
	struct item items[128];
	size_t n;
	int fail_at;                 /* add() number that fails with -ENOSPC, or -1 */
	bool committed;
};

static int sink_add(void *s_, const struct bundle_artifact *m, const void *data, size_t len)
{
	struct sink *s = s_;
	struct item *it;

	if (s->fail_at >= 0 && (size_t)s->fail_at == s->n)
		return -ENOSPC;
	ck_assert_uint_lt(s->n, 128);
	it = &s->items[s->n++];
	snprintf(it->kind, sizeof(it->kind), "%s", m->kind);
	snprintf(it->reason, sizeof(it->reason), "%s", m->reason);
	it->outcome = m->outcome;
	it->err = m->err;
	it->status = m->status;
	it->syndrome = m->syndrome;
	it->request_len = m->request_len;
	it->len = len;
	it->data = malloc(len ? len : 1);
	if (len)
		memcpy(it->data, data, len);
	return 0;
}

static int sink_commit(void *s_, char **ret_path)
{
	struct sink *s = s_;

	s->committed = true;
	*ret_path = strdup("memory");
	return 0;
}

static void sink_free(void *s_)
{
	struct sink *s = s_;

	for (size_t i = 0; i < s->n; i++)
		free(s->items[i].data);
}

static const struct collect_sink_ops sink_ops = {
	.add = sink_add, .commit = sink_commit, .free = sink_free,
};

static const struct item *lookup(const struct sink *s, const char *kind)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->items[i].kind, kind))
			return &s->items[i];
	return NULL;
}

/* The artifact of this kind; fails the test if there is none. */
static const struct item *find(const struct sink *s, const char *kind)
{
	static const struct item none;
	const struct item *it = lookup(s, kind);

	ck_assert_msg(it != NULL, "kind %s missing", kind);
	return it ? it : &none;
}

/* ------------------------------------------------------------ helpers */

static struct fw_ctx *ctx;
static struct fake dev;
static struct sink snk;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	memset(&dev, 0, sizeof(dev));
	dev.max_rpc = 8192;
	build_menu(&dev);
	memset(&snk, 0, sizeof(snk));
	snk.fail_at = -1;
	tu_tmpdir_enter();
}

static void teardown(void)
{
	sink_free(&snk);
	fw_ctx_free(ctx);
	tu_tmpdir_leave();
}

static int run(const struct collect_options *o, struct collect **ret)
{
	struct collect *c = NULL;
	char *path = NULL;
	int r;

	tu_assert_ok(ctx, collect_new_with(ctx, o, &fake_ops, &dev, &c));
	r = collect_run_sink(c, &sink_ops, &snk, &path);
	free(path);
	*ret = c;
	return r;
}

/* ------------------------------------------------------------ tests */

START_TEST(test_patterns)
{
	ck_assert(collect_kind_matches("reg", "reg.MGIR"));
	ck_assert(collect_kind_matches("crspace,reg.MGIR", "reg.MGIR"));
	ck_assert(collect_kind_matches("trace.strings.*", "trace.strings.3"));
	ck_assert(collect_kind_matches("health", "health.fw_fatal.dump"));
	ck_assert(!collect_kind_matches("reg", "resdump.menu"));
	ck_assert(!collect_kind_matches("re", "reg.MGIR"));
	ck_assert(!collect_kind_matches("reg.MGIR", "reg.MGIRX"));
	ck_assert(!collect_kind_matches("", "reg.MGIR"));
}
END_TEST

START_TEST(test_full_run)
{
	struct collect_options o = { .output = "." };
	struct collect *c;
	const struct item *it;
	static const char *const kinds[] = {
		"health.buffer", "health.reporters", "health.fw", "health.fw_fatal",
		"health.fw_fatal.dump", "trace.cap", "trace.strings.0", "trace.strings.1",
		"trace.ring", "trace.text", "reg.MGIR", "reg.PPCNT", "hca.caps.GENERAL",
		"hca.caps.DEBUG", "crspace", "resdump.menu", "resdump.FUNC_SYND_REC",
		"resdump.SX_SLICE_ALL", "host.info",
	};
	uint64_t expect_cmds;

	ck_assert_int_eq(run(&o, &c), 0);
	ck_assert(snk.committed);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		find(&snk, kinds[i]);
	/* No stored dump for "fw": nothing asked, nothing recorded. */
	ck_assert_ptr_null(lookup(&snk, "health.fw.dump"));

	it = find(&snk, "health.fw_fatal.dump");
	ck_assert_uint_eq(it->len, 6);
	ck_assert(!memcmp(it->data, "CRDUMP", 6));

	it = find(&snk, "trace.strings.0");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_OK);
	ck_assert_uint_eq(it->len, STR0_SIZE);
	for (uint32_t k = 0; k < STR0_SIZE; k++)
		ck_assert_uint_eq(it->data[k], str_byte(0, k));
	it = find(&snk, "trace.strings.1");
	ck_assert_uint_eq(it->len, STR1_SIZE);
	ck_assert_uint_eq(it->data[STR1_SIZE - 1], str_byte(1, STR1_SIZE - 1));

	it = find(&snk, "trace.ring");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert(strstr(it->reason, "--trace-control"));

	it = find(&snk, "reg.MGIR");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_OK);
	ck_assert_uint_eq(it->len, 160);
	ck_assert_uint_eq(it->data[0], (uint8_t)(MLX5_REG_MGIR + 16));
	ck_assert_uint_eq(it->request_len, 16 + 160);

	it = find(&snk, "hca.caps.DEBUG");
	ck_assert_uint_eq(it->len, 4096);
	ck_assert_uint_eq(it->data[0], (uint8_t)((0xd << 1 | 1) + 16));

	it = find(&snk, "crspace");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_OK);
	ck_assert_uint_eq(it->len, CRSPACE_SIZE);
	for (uint32_t k = 0; k < CRSPACE_SIZE; k++)
		ck_assert_uint_eq(it->data[k], seg_byte(0x7777, k));

	it = find(&snk, "resdump.menu");
	ck_assert_uint_eq(it->len, dev.menu_len);
	ck_assert(!memcmp(it->data, dev.menu, dev.menu_len));
	it = find(&snk, "resdump.RX_SLICE_ALL");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_SKIPPED);

	it = find(&snk, "host.info");
	ck_assert(strstr((const char *)it->data, "device.pci=0000:08:00.0\n"));

	ck_assert_int_eq(collect_worst(c), BUNDLE_OUTCOME_OK);
	/* Minimal command count: each register and cap once; strings at the
	 * largest chunk the 8 KiB RPC allows (8192-24 -> 8128 bytes); every
	 * resource dump at 208 bytes per call; the menu once. */
	expect_cmds = 1 /* MTRC_CAP */ + (STR0_SIZE + 8127) / 8128 + 1 /* STR1 */ +
		      13 /* regs */ + 5 /* caps */ + (dev.menu_len + 207) / 208 +
		      (CRSPACE_SIZE + 207) / 208 + 2 * ((300 + 207) / 208);
	ck_assert_uint_eq(collect_device_commands(c), expect_cmds);
	ck_assert_uint_eq(dev.commands, expect_cmds);
	collect_free(c);
}
END_TEST

START_TEST(test_faults)
{
	struct collect_options o = { .output = "." };
	struct collect *c;
	const struct item *it;

	dev.fail_reg = MLX5_REG_MGIR;
	dev.timeout_reg = MLX5_REG_PDDR;
	dev.short_reg = MLX5_REG_PPCNT;
	ck_assert_int_eq(run(&o, &c), 0);
	it = find(&snk, "reg.MGIR");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_FAILED);
	ck_assert_uint_eq(it->status, MLX5_STAT_BAD_PARAM);
	ck_assert_uint_eq(it->syndrome, 0x1234abcd);
	ck_assert(strstr(it->reason, "bad parameter"));
	ck_assert_uint_eq(it->len, 0);
	it = find(&snk, "reg.PDDR");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_FAILED);
	ck_assert_int_eq(it->err, -ETIMEDOUT);
	it = find(&snk, "reg.PPCNT");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_PARTIAL);
	ck_assert_uint_eq(it->len, 128);
	/* The run went on past the failures. */
	ck_assert_int_eq(find(&snk, "crspace")->outcome, BUNDLE_OUTCOME_OK);
	ck_assert_int_eq(collect_worst(c), BUNDLE_OUTCOME_FAILED);
	collect_free(c);
}
END_TEST

START_TEST(test_resdump_timeout)
{
	struct collect_options o = { .output = ".", .only = "crspace,resdump" };
	struct collect *c;

	dev.timeout_reg = MLX5_REG_RESOURCE_DUMP;
	ck_assert_int_eq(run(&o, &c), 0);
	ck_assert_int_eq(find(&snk, "crspace")->outcome, BUNDLE_OUTCOME_FAILED);
	ck_assert_int_eq(find(&snk, "resdump.menu")->err, -ETIMEDOUT);
	ck_assert_int_eq(find(&snk, "resdump.SX_SLICE_ALL")->outcome, BUNDLE_OUTCOME_FAILED);
	ck_assert_ptr_null(lookup(&snk, "reg.MGIR"));
	collect_free(c);
}
END_TEST

START_TEST(test_only_skip)
{
	struct collect_options o = { .output = ".", .only = "reg.MGIR,trace", .skip = "trace.text" };
	struct collect *c;

	ck_assert_int_eq(run(&o, &c), 0);
	ck_assert_ptr_nonnull(lookup(&snk, "reg.MGIR"));
	ck_assert_ptr_null(lookup(&snk, "reg.MCAM"));
	ck_assert_ptr_null(lookup(&snk, "crspace"));
	ck_assert_ptr_nonnull(lookup(&snk, "trace.strings.1"));
	ck_assert_int_eq(find(&snk, "trace.text")->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_str_eq(find(&snk, "trace.text")->reason, "excluded by --skip");
	ck_assert_int_eq(collect_worst(c), BUNDLE_OUTCOME_OK);
	collect_free(c);
}
END_TEST

START_TEST(test_only_nothing)
{
	struct collect_options o = { .output = ".", .only = "nosuchkind" };
	struct collect *c = NULL;

	ck_assert_int_eq(collect_new_with(ctx, &o, &fake_ops, &dev, &c), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "nosuchkind"));
}
END_TEST

static int plan_cb(void *u, const struct collect_command *cmd)
{
	unsigned *n = u;

	if (cmd->reg && !strcmp(cmd->reg, "MTRC_CAP"))
		ck_assert_uint_eq(cmd->out_bytes, 16 + 128);
	if (cmd->reg && !strcmp(cmd->reg, "MTRC_STDB"))
		ck_assert_uint_eq(cmd->out_bytes, 16 + 8 + 8128);
	ck_assert_str_eq(cmd->scope, "read-only");
	(*n)++;
	return 0;
}

START_TEST(test_plan_sends_nothing)
{
	struct collect_options o = { .output = "." };
	struct collect *c;
	unsigned n = 0;

	tu_assert_ok(ctx, collect_new_with(ctx, &o, &fake_ops, &dev, &c));
	ck_assert_int_gt(collect_plan(c, plan_cb, &n), 20);
	ck_assert_uint_gt(n, 20);
	ck_assert_uint_eq(dev.commands, 0);
	collect_free(c);
}
END_TEST

START_TEST(test_cancel)
{
	struct collect_options o = { .output = "." };
	struct collect *c;

	fw_ctx_request_cancel(ctx);
	ck_assert_int_eq(run(&o, &c), 0);
	ck_assert(snk.committed);
	ck_assert_uint_eq(dev.commands, 0);
	ck_assert_int_eq(find(&snk, "reg.MGIR")->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_int_eq(find(&snk, "reg.MGIR")->err, -EINTR);
	ck_assert_int_eq(collect_worst(c), BUNDLE_OUTCOME_PARTIAL);
	collect_free(c);
}
END_TEST

START_TEST(test_stage_failure_stops)
{
	struct collect_options o = { .output = "." };
	struct collect *c;

	snk.fail_at = 3;
	ck_assert_int_eq(run(&o, &c), -ENOSPC);
	ck_assert(!snk.committed);
	ck_assert_uint_eq(snk.n, 3);
	collect_free(c);
}
END_TEST

START_TEST(test_output_naming)
{
	struct collect_options o = { .output = ".", .compression = BUNDLE_COMPRESS_NONE };
	struct collect *c;
	const char *p;

	tu_assert_ok(ctx, collect_new_with(ctx, &o, &fake_ops, &dev, &c));
	p = collect_output_path(c);
	ck_assert(!strncmp(p, "./fwbox-", 8));
	ck_assert(strstr(p, "-0000-08-00.0-"));
	ck_assert(!strcmp(p + strlen(p) - 5, "Z.tar"));
	collect_free(c);
	o.output = "out.tar";
	tu_assert_ok(ctx, collect_new_with(ctx, &o, &fake_ops, &dev, &c));
	ck_assert_str_eq(collect_output_path(c), "out.tar");
	collect_free(c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("collect");
	TCase *tc = tcase_create("engine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_patterns);
	tcase_add_test(tc, test_full_run);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_resdump_timeout);
	tcase_add_test(tc, test_only_skip);
	tcase_add_test(tc, test_only_nothing);
	tcase_add_test(tc, test_plan_sends_nothing);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_stage_failure_stops);
	tcase_add_test(tc, test_output_naming);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
