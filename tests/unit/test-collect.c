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
#include <unistd.h>

#include "collect/collect-internal.h"
#include "core/bytes.h"
#include "ifc/ifc.h"
#include "test-collect-fake.h"
#include "testutil.h"

/* ------------------------------------------------------------ scripted device */

static struct fw_ctx *ctx;
static struct fake dev;
static struct fw_device *fdev;    /* the fake behind the device gate, made on first use */

static int dup_blob(const char *s, void **ret, size_t *ret_len)
{
	*ret = strdup(s);
	*ret_len = strlen(s);
	return *ret ? 0 : -ENOMEM;
}

static int fake_health(void *priv, void **ret, size_t *ret_len)
{
	(void)priv;
	return dup_blob("HEALTHBUF", ret, ret_len);
}

static int fake_reporters(void *priv, struct fw_health_reporter **ret, size_t *ret_n)
{
	struct fw_health_reporter *r = calloc(2, sizeof(*r));

	(void)priv;
	strcpy(r[0].name, "fw");
	strcpy(r[1].name, "fw_fatal");
	r[1].state = 1;
	r[1].has_dump = true;
	*ret = r;
	*ret_n = 2;
	return 0;
}

static int fake_diagnose(void *priv, const char *name, void **ret, size_t *ret_len)
{
	(void)priv;
	return dup_blob(name, ret, ret_len);
}

static int fake_dump(void *priv, const char *name, void **ret, size_t *ret_len)
{
	(void)priv;
	ck_assert_str_eq(name, "fw_fatal");     /* never asked where nothing is stored */
	return dup_blob("CRDUMP", ret, ret_len);
}

static int fake_text(void *priv, unsigned seconds, char **ret, size_t *ret_len)
{
	(void)priv;
	(void)seconds;
	return dup_blob("mlx5_fw: hello", (void **)ret, ret_len);
}

static const struct fw_health_methods fake_health_ops = {
	.version = FW_HEALTH_METHODS_VERSION,
	.name = "fakehealth",
	.health_buffer = fake_health,
	.reporters = fake_reporters,
	.diagnose = fake_diagnose,
	.dump = fake_dump,
	.trace_text = fake_text,
};

/* The device over the fake (and a health part), made when a test first
 * needs it so the test can shape the fake first. */
static struct fw_device *device_with(const struct fw_health_methods *health)
{
	if (!fdev)
		tu_assert_ok(ctx, fake_device_new_with(ctx, &dev, health, NULL, &fdev));
	return fdev;
}

static struct fw_device *device(void)
{
	return device_with(&fake_health_ops);
}

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

static struct sink snk;


static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
	fake_init(&dev, 8192);
	memset(&snk, 0, sizeof(snk));
	snk.fail_at = -1;
	tu_tmpdir_enter();
}

static void teardown(void)
{
	sink_free(&snk);
	fw_device_close(fdev);    /* NULL is fine */
	fdev = NULL;
	fw_ctx_free(ctx);
	tu_tmpdir_leave();
}

static int run(const struct collect_options *o, struct collect **ret)
{
	struct collect *c = NULL;
	char *path = NULL;
	int r;

	tu_assert_ok(ctx, collect_new_with(ctx, o, device(), &c));
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
		"health.buffer", "health.reporters", "health.fw.diagnose",
		"health.fw_fatal.diagnose", "health.fw_fatal", "trace.cap", "trace.strings.0", "trace.strings.1",
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
	ck_assert_ptr_null(lookup(&snk, "health.fw"));

	it = find(&snk, "health.fw_fatal");
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
		      18 /* regs */ + 5 /* caps */ +
		      2 /* trace.clock: QUERY_HCA_CAP GENERAL, MTRC_CTRL */ + (dev.menu_len + 207) / 208 +
		      (CRSPACE_SIZE + 207) / 208 + 2 * ((SEG_SIZE + 207) / 208);
	ck_assert_uint_eq(collect_device_commands(c), expect_cmds);
	ck_assert_uint_eq(dev.commands, expect_cmds);
	collect_free(c);
}
END_TEST

START_TEST(test_crspace_core_dump)
{
	struct collect_options o = { .output = ".", .only = "crspace" };
	struct collect *c;
	const struct item *it;
	const uint8_t *p;

	dev.can_umem = true;
	ck_assert_int_eq(run(&o, &c), 0);
	ck_assert_ptr_null(dev.umem);                      /* unregistered again */
	it = find(&snk, "crspace");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_OK);
	/* INFO, one segment per run (16-byte head + dwords), TERMINATE. */
	ck_assert_uint_eq(it->len, 16 + CR_RUNS * (16 + 4 * CR_RUN_DW) + 4);
	p = it->data;
	ck_assert_uint_eq(fw_get_be32(p), 4u << 16 | 0xfffe);
	p += 16;
	for (unsigned i = 0; i < CR_RUNS; i++) {
		ck_assert_uint_eq(fw_get_be32(p), (4 + CR_RUN_DW) << 16 | 0x7000);
		ck_assert_uint_eq(fw_get_be32(p + 8), CR_RUN_BASE(i));
		for (uint32_t k = 0; k < CR_RUN_DW; k++)
			ck_assert_uint_eq(fw_get_be32(p + 16 + 4 * k), cr_value(CR_RUN_BASE(i) + 4 * k));
		p += 16 + 4 * CR_RUN_DW;
	}
	ck_assert_uint_eq(fw_get_be32(p), 1u << 16 | 0xfffb);
	/* 900 pairs of 8 bytes, 2000 bytes (250 pairs) per call. */
	ck_assert_uint_eq(dev.commands, 4);
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

START_TEST(test_only_extra_register)
{
	struct collect_options o = { .output = ".", .only = "reg.MCIA,reg.MGIR" };
	struct collect *c;

	ck_assert_int_eq(run(&o, &c), 0);
	ck_assert_uint_eq(snk.n, 2);
	ck_assert_uint_eq(find(&snk, "reg.MCIA")->len, 64);
	ck_assert_uint_eq(find(&snk, "reg.MGIR")->len, 160);
	collect_free(c);
}
END_TEST

START_TEST(test_skip_dynamic_kinds)
{
	struct collect_options o = { .output = ".", .only = "trace.strings,health,resdump",
				     .skip = "trace.strings.0,health.fw_fatal,resdump.SX*" };
	struct collect *c;
	uint64_t before;

	ck_assert_int_eq(run(&o, &c), 0);
	/* Skipped kinds are recorded, and nothing was read for them: one
	 * MTRC_CAP, STR1 in one command, menu and FUNC_SYND_REC pages. */
	ck_assert_str_eq(find(&snk, "trace.strings.0")->reason, "excluded by --skip");
	ck_assert_uint_eq(find(&snk, "trace.strings.0")->len, 0);
	ck_assert_uint_eq(find(&snk, "trace.strings.1")->len, STR1_SIZE);
	ck_assert_int_eq(find(&snk, "health.fw_fatal")->outcome, BUNDLE_OUTCOME_SKIPPED);
	/* A prefix takes what is under it too. */
	ck_assert_int_eq(find(&snk, "health.fw_fatal.diagnose")->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_int_eq(find(&snk, "health.fw.diagnose")->outcome, BUNDLE_OUTCOME_OK);
	ck_assert_int_eq(find(&snk, "resdump.SX_SLICE_ALL")->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_int_eq(find(&snk, "resdump.FUNC_SYND_REC")->outcome, BUNDLE_OUTCOME_OK);
	before = 1 + 1 + (dev.menu_len + 207) / 208 + (SEG_SIZE + 207) / 208;
	ck_assert_uint_eq(dev.commands, before);
	collect_free(c);
}
END_TEST

START_TEST(test_only_nothing)
{
	struct collect_options o = { .output = ".", .only = "nosuchkind" };
	struct collect *c = NULL;

	ck_assert_int_eq(collect_new_with(ctx, &o, device(), &c), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "nosuchkind"));
	/* The front-end adds "fwbox collect: "; the library adds no prefix. */
	ck_assert_str_eq(fw_ctx_errmsg(ctx),
			 "'--only nosuchkind' selects nothing; kinds are health, trace, reg, "
			 "hca.caps, crspace, resdump, kernel.log, host.info");
}
END_TEST

/* A reason that wraps the step's earlier reason says it once, whole. */
START_TEST(test_wrapped_reason)
{
	struct collect_options o = { .output = ".", .only = "trace" };
	struct collect *c;
	const char *r;

	dev.fail_reg = MLX5_REG_MTRC_CAP;
	ck_assert_int_eq(run(&o, &c), 0);
	ck_assert_int_eq(find(&snk, "trace.cap")->outcome, BUNDLE_OUTCOME_FAILED);
	r = find(&snk, "trace.strings")->reason;
	ck_assert_int_eq(find(&snk, "trace.strings")->outcome, BUNDLE_OUTCOME_FAILED);
	ck_assert_msg(!strncmp(r, "MTRC_CAP unavailable: firmware returned status 0x3 (bad parameter)",
			       66), "reason '%s'", r);
	ck_assert_ptr_null(strstr(r + 1, "MTRC_CAP unavailable"));
	collect_free(c);
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

	tu_assert_ok(ctx, collect_new_with(ctx, &o, device(), &c));
	ck_assert_int_gt(collect_plan(c, plan_cb, &n), 20);
	ck_assert_uint_gt(n, 20);
	ck_assert_uint_eq(dev.commands, 0);
	collect_free(c);
}
END_TEST

/* The plan is the run: every command a real run sends has its line in the
 * plan (same opcode, op_mod, register and sizes), and every command line
 * of the plan is sent by the run.  The fake's trace strings take several
 * chunks and its resource dumps several pages, so counts differ ("n"),
 * never what is sent. */
#define PLAN_MAX 256
static struct collect_command plan_lines[PLAN_MAX];
static char plan_regs[PLAN_MAX][32];
static unsigned n_plan;

static int plan_keep(void *u, const struct collect_command *cmd)
{
	(void)u;
	ck_assert_uint_lt(n_plan, PLAN_MAX);
	plan_lines[n_plan] = *cmd;
	snprintf(plan_regs[n_plan], sizeof(plan_regs[n_plan]), "%s", cmd->reg ? cmd->reg : "");
	n_plan++;
	return 0;
}

static bool in_plan(const struct fake_cmd *l)
{
	for (unsigned i = 0; i < n_plan; i++) {
		const struct collect_command *p = &plan_lines[i];

		/* A strings-DB section ends in a shorter chunk: the plan's
		 * outbox is the largest one. */
		if (p->opcode == l->opcode && p->op_mod == l->op_mod && p->in_bytes == l->inlen &&
		    (p->out_bytes == l->outlen || (p->count == 0 && l->outlen < p->out_bytes)) &&
		    (l->opcode != MLX5_CMD_ACCESS_REG || !strcmp(plan_regs[i], mlx5_reg_name(l->reg_id))))
			return true;
	}
	return false;
}

START_TEST(test_plan_is_the_run)
{
	struct collect_options o = { .output = "." };
	struct collect *c;
	bool sent;

	dev.can_umem = true;
	n_plan = 0;
	tu_assert_ok(ctx, collect_new_with(ctx, &o, device(), &c));
	ck_assert_int_gt(collect_plan(c, plan_keep, NULL), 30);
	ck_assert_uint_eq(dev.nlog, 0);
	tu_assert_ok(ctx, collect_run_sink(c, &sink_ops, &snk, NULL));
	ck_assert_uint_gt(dev.nlog, n_plan);
	for (size_t k = 0; k < dev.nlog; k++)
		ck_assert_msg(in_plan(&dev.log[k]), "command 0x%x/%u reg 0x%x (%zu/%zu bytes) is not in the plan",
			      dev.log[k].opcode, dev.log[k].op_mod, dev.log[k].reg_id, dev.log[k].inlen,
			      dev.log[k].outlen);
	for (unsigned i = 0; i < n_plan; i++) {
		if (!plan_lines[i].opcode)
			continue;
		sent = false;
		for (size_t k = 0; k < dev.nlog && !sent; k++)
			sent = plan_lines[i].opcode == dev.log[k].opcode &&
			       plan_lines[i].op_mod == dev.log[k].op_mod &&
			       plan_lines[i].in_bytes == dev.log[k].inlen;
		ck_assert_msg(sent, "plan line %u (%s) was never sent", i, plan_lines[i].kind);
	}
	/* The placeholders of what only the device lists. */
	for (unsigned i = 0; i < n_plan; i++)
		if (!strcmp(plan_lines[i].kind, "trace.strings.<N>") ||
		    !strcmp(plan_lines[i].kind, "health.<reporter>.diagnose"))
			ck_assert_uint_eq(plan_lines[i].count, 0);
	collect_free(c);
}
END_TEST

/* A devlink device that is no ConnectX (netdevsim): its health part alone.
 * The health steps read it by its handle; the mlx5 steps are skipped with
 * the reason, so the run is not a failure. */
static int nd_info(void *priv, struct fw_device_info *info)
{
	(void)priv;
	snprintf(info->devlink, sizeof(info->devlink), "netdevsim/netdevsim10");
	return 0;
}

static const struct fw_health_methods nd_health = {
	.version = FW_HEALTH_METHODS_VERSION,
	.name = "devlink",
	.info = nd_info,
	.reporters = fake_reporters,
	.diagnose = fake_diagnose,
	.dump = fake_dump,
};

START_TEST(test_devlink_only_device)
{
	struct collect_options o = { .output = "." };
	struct fw_device_parts p = { .health = &nd_health };
	struct fw_device *nd;
	struct collect *c;
	const struct item *it;
	char *path = NULL;

	tu_assert_ok(ctx, fw_device_new_from_ops(ctx, &p, &nd));
	tu_assert_ok(ctx, collect_new_with(ctx, &o, nd, &c));
	ck_assert_ptr_nonnull(strstr(collect_output_path(c), "-netdevsim-netdevsim10-"));
	tu_assert_ok(ctx, collect_run_sink(c, &sink_ops, &snk, &path));
	free(path);
	it = find(&snk, "health.reporters");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_OK);
	ck_assert_ptr_nonnull(memmem(it->data, it->len, "\"netdevsim/netdevsim10\"", 23));
	ck_assert_int_eq(find(&snk, "health.fw_fatal")->outcome, BUNDLE_OUTCOME_OK);
	it = find(&snk, "reg.MGIR");
	ck_assert_int_eq(it->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_msg(strstr(it->reason, "not a ConnectX function"), "reason '%s'", it->reason);
	ck_assert_int_eq(find(&snk, "trace.cap")->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_int_eq(find(&snk, "hca.caps.GENERAL")->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_int_eq(find(&snk, "trace.clock")->outcome, BUNDLE_OUTCOME_SKIPPED);
	for (size_t i = 0; i < collect_outcome_count(c); i++)
		ck_assert_msg(collect_outcome_at(c, i)->outcome != BUNDLE_OUTCOME_FAILED, "%s: %s",
			      collect_outcome_at(c, i)->kind, collect_outcome_at(c, i)->reason);
	ck_assert_int_eq(collect_worst(c), BUNDLE_OUTCOME_OK);
	ck_assert_uint_eq(collect_device_commands(c), 0);
	collect_free(c);
	fw_device_close(nd);
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

/* A trace wait that a signal ends: what came is kept (partial); nothing
 * came, nothing kept (failed); both with EINTR, and the rest not run. */
static int cancel_text(void *d, unsigned seconds, char **ret, size_t *ret_len)
{
	(void)d;
	(void)seconds;
	fw_ctx_request_cancel(ctx);
	return dup_blob("mlx5_fw: before the signal", (void **)ret, ret_len);
}

static int cancel_text_empty(void *d, unsigned seconds, char **ret, size_t *ret_len)
{
	(void)d;
	(void)seconds;
	fw_ctx_request_cancel(ctx);
	return dup_blob("", (void **)ret, ret_len);
}

static void interrupted_run(int (*text)(void *, unsigned, char **, size_t *),
			    enum bundle_outcome want, size_t want_len)
{
	struct collect_options o = { .output = ".", .only = "trace.text,host.info",
				     .trace_seconds = 5 };
	static struct fw_health_methods ops;   /* outlives the run: teardown closes the device */
	struct collect *c;
	const struct item *it;
	char *path = NULL;

	ops = fake_health_ops;
	ops.trace_text = text;
	tu_assert_ok(ctx, collect_new_with(ctx, &o, device_with(&ops), &c));
	tu_assert_ok(ctx, collect_run_sink(c, &sink_ops, &snk, &path));
	free(path);
	it = find(&snk, "trace.text");
	ck_assert_int_eq(it->outcome, want);
	ck_assert_int_eq(it->err, -EINTR);
	ck_assert_uint_eq(it->len, want_len);
	ck_assert(!strncmp(it->reason, "interrupted by a signal", 23));
	ck_assert_int_eq(find(&snk, "host.info")->outcome, BUNDLE_OUTCOME_SKIPPED);
	ck_assert_int_eq(find(&snk, "host.info")->err, -EINTR);
	collect_free(c);
}

START_TEST(test_interrupted_step_kept)
{
	interrupted_run(cancel_text, BUNDLE_OUTCOME_PARTIAL, 26);
}
END_TEST

START_TEST(test_interrupted_step_empty)
{
	interrupted_run(cancel_text_empty, BUNDLE_OUTCOME_FAILED, 0);
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

	tu_assert_ok(ctx, collect_new_with(ctx, &o, device(), &c));
	p = collect_output_path(c);
	ck_assert(!strncmp(p, "./fwbox-", 8));
	ck_assert(strstr(p, "-0000-08-00.0-"));
	ck_assert(!strcmp(p + strlen(p) - 5, "Z.tar"));
	collect_free(c);
	o.output = "out.tar";
	tu_assert_ok(ctx, collect_new_with(ctx, &o, device(), &c));
	ck_assert_str_eq(collect_output_path(c), "out.tar");
	collect_free(c);
}
END_TEST

/* Two default-named runs in the same second: the second gets NAME-2, and
 * an explicit file that exists is refused before anything is collected. */
START_TEST(test_output_collision)
{
	char dir[] = "/tmp/test-collect-XXXXXX", first[512];
	struct collect_options o = { .compression = BUNDLE_COMPRESS_NONE };
	struct collect *c, *c2;
	const char *p;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	o.output = dir;
	tu_assert_ok(ctx, collect_new_with(ctx, &o, device(), &c));
	snprintf(first, sizeof(first), "%s", collect_output_path(c));
	f = fopen(first, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	/* The name is now taken, as by a run in the same second. */
	tu_assert_ok(ctx, collect_refresh_output(c));
	p = collect_output_path(c);
	ck_assert_uint_eq(strlen(p), strlen(first) + 2);
	ck_assert(!strncmp(p, first, strlen(first) - 4));
	ck_assert_str_eq(p + strlen(p) - 6, "-2.tar");
	/* An explicit name that exists: refused, with the name and a way out. */
	o.output = first;
	ck_assert_int_eq(collect_new_with(ctx, &o, device(), &c2), -EEXIST);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "already exists"));
	ck_assert(strstr(fw_ctx_errmsg(ctx), first));
	collect_free(c);
	ck_assert_int_eq(unlink(first), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* -o naming a folder that is not there: the message says so, and what to do. */
START_TEST(test_output_missing_folder)
{
	struct collect_options o = { .output = "/nonexistent-fwbox-test/dir/" };
	struct collect *c = NULL;

	ck_assert_int_eq(collect_new_with(ctx, &o, device(), &c), -ENOENT);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(fw_ctx_errmsg(ctx),
			 "output folder '/nonexistent-fwbox-test/dir/' does not exist: create it "
			 "first (mkdir -p '/nonexistent-fwbox-test/dir/') or give an existing "
			 "folder or a file name");
	o.output = "/nonexistent-fwbox-test/dir/b.tar.zst";
	ck_assert_int_eq(collect_new_with(ctx, &o, device(), &c), -ENOENT);
	ck_assert(strstr(fw_ctx_errmsg(ctx), "folder '/nonexistent-fwbox-test/dir' of bundle"));
	ck_assert(strstr(fw_ctx_errmsg(ctx), "does not exist"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("collect");
	TCase *tc = tcase_create("engine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_patterns);
	tcase_add_test(tc, test_full_run);
	tcase_add_test(tc, test_crspace_core_dump);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_resdump_timeout);
	tcase_add_test(tc, test_only_skip);
	tcase_add_test(tc, test_only_extra_register);
	tcase_add_test(tc, test_skip_dynamic_kinds);
	tcase_add_test(tc, test_only_nothing);
	tcase_add_test(tc, test_wrapped_reason);
	tcase_add_test(tc, test_plan_sends_nothing);
	tcase_add_test(tc, test_plan_is_the_run);
	tcase_add_test(tc, test_devlink_only_device);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_interrupted_step_kept);
	tcase_add_test(tc, test_interrupted_step_empty);
	tcase_add_test(tc, test_stage_failure_stops);
	tcase_add_test(tc, test_output_naming);
	tcase_add_test(tc, test_output_collision);
	tcase_add_test(tc, test_output_missing_folder);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
