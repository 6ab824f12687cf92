/* SPDX-License-Identifier: MIT */
/*
 * Check suite for src/device/devlink.c without a kernel: request building
 * (golden bytes, read-only refusal) and reply walking/parsing on netlink
 * byte buffers constructed here the way the kernel lays them out.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "device/transports.h"
#include "health.h"
#include "testutil.h"

static struct fw_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(fw_ctx_new(&ctx), 0);
}

static void teardown(void)
{
	fw_ctx_free(ctx);
}

/* A reply buffer of several messages, built with libmnl. */
struct rbuf {
	uint8_t buf[16384] __attribute__((aligned(4)));
	size_t len;
};

static struct nlmsghdr *msg_begin(struct rbuf *b, uint16_t type, uint16_t flags, uint32_t seq,
				  uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->buf + b->len);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

static void msg_end(struct rbuf *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	ck_assert_uint_lt(b->len, sizeof(b->buf) - 4096);
}

static void put_done(struct rbuf *b, uint32_t seq, int32_t err)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->buf + b->len);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(err)), &err, sizeof(err));
	b->len += nlh->nlmsg_len;
}

static void put_error(struct rbuf *b, uint32_t seq, int32_t err)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->buf + b->len);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = err;
	b->len += nlh->nlmsg_len;
}

static void put_dev(struct nlmsghdr *nlh, const char *dev)
{
	mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_BUS_NAME, "pci");
	mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_DEV_NAME, dev);
}

static void put_reporter(struct rbuf *b, uint32_t seq, const char *dev, const char *name,
			 uint8_t state, uint64_t errs, bool dump, bool port)
{
	struct nlmsghdr *nlh = msg_begin(b, 0x14, NLM_F_MULTI, seq,
					 FW_DEVLINK_CMD_HEALTH_REPORTER_GET);
	struct nlattr *nest;

	put_dev(nlh, dev);
	if (port)
		mnl_attr_put_u32(nlh, 3, 1);
	nest = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER);
	mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_NAME, name);
	mnl_attr_put_u8(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_STATE, state);
	mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_ERR_COUNT, errs);
	mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_RECOVER_COUNT, errs / 2);
	mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_GRACEFUL_PERIOD, 60000);
	mnl_attr_put_u8(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_AUTO_RECOVER, 1);
	mnl_attr_put_u8(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_AUTO_DUMP, 1);
	if (dump) {
		mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS, 4295012345ull);
		mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS_NS,
				 1764043174123456789ull);
	}
	mnl_attr_nest_end(nlh, nest);
	msg_end(b, nlh);
}

START_TEST(test_build_golden)
{
	static const uint8_t want[56] = {
		56, 0, 0, 0,  0x14, 0,  0x01, 0,  7, 0, 0, 0,  0, 0, 0, 0,   /* nlmsghdr */
		55, 1, 0, 0,                                                   /* genl: DIAGNOSE v1 */
		8, 0, 1, 0, 'p', 'c', 'i', 0,                                  /* BUS_NAME */
		17, 0, 2, 0, '0', '0', '0', '0', ':', '0', '8', ':', '0', '0', '.', '0', 0, 0, 0, 0,
		7, 0, 115, 0, 'f', 'w', 0, 0,                                  /* HEALTH_REPORTER_NAME */
	};
	struct fw_devlink_req req = { .family = 0x14, .cmd = FW_DEVLINK_CMD_HEALTH_REPORTER_DIAGNOSE,
				      .seq = 7, .bus = "pci", .dev = "0000:08:00.0", .reporter = "fw" };
	uint8_t buf[FW_DEVLINK_MSG_MIN];
	int n;

	n = fw_devlink_build(ctx, &req, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));
}
END_TEST

START_TEST(test_build_dump_and_family)
{
	struct fw_devlink_req req = { .family = 0x14, .cmd = FW_DEVLINK_CMD_REGION_READ, .dump = true,
				      .seq = 9, .bus = "pci", .dev = "0000:08:00.0", .region = "cr-space",
				      .has_snapshot = true, .snapshot_id = 3 };
	uint8_t buf[FW_DEVLINK_MSG_MIN];
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct nlattr *a;
	bool seen_snap = false;
	int n;

	n = fw_devlink_build(ctx, &req, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == FW_DEVLINK_ATTR_REGION_SNAPSHOT_ID) {
			ck_assert_uint_eq(mnl_attr_get_u32(a), 3);
			seen_snap = true;
		}
	}
	ck_assert(seen_snap);

	struct fw_devlink_req fam = { .family = GENL_ID_CTRL, .cmd = CTRL_CMD_GETFAMILY, .seq = 1 };
	n = fw_devlink_build(ctx, &fam, buf, sizeof(buf));
	ck_assert_int_eq(n, 16 + 4 + 12);
	ck_assert_uint_eq(nlh->nlmsg_type, GENL_ID_CTRL);
	a = (const void *)(buf + 20);
	ck_assert_uint_eq(mnl_attr_get_type(a), CTRL_ATTR_FAMILY_NAME);
	ck_assert_str_eq(mnl_attr_get_str(a), "devlink");
}
END_TEST

/* Everything that changes state is refused before a byte is built. */
START_TEST(test_build_refuses_writes)
{
	static const uint8_t writes[] = {
		53 /* REPORTER_SET */, 54 /* RECOVER */, 57 /* DUMP_CLEAR */, 73 /* TEST */,
		43 /* REGION_SET */, 44 /* REGION_NEW */, 45 /* REGION_DEL */, 0, 2, 255,
	};
	uint8_t buf[FW_DEVLINK_MSG_MIN];

	for (size_t i = 0; i < sizeof(writes); i++) {
		struct fw_devlink_req req = { .family = 0x14, .cmd = writes[i], .bus = "pci",
					      .dev = "0000:08:00.0", .reporter = "fw_fatal" };

		memset(buf, 0xee, sizeof(buf));
		ck_assert_int_eq(fw_devlink_build(ctx, &req, buf, sizeof(buf)), -EPERM);
		ck_assert_uint_eq(buf[0], 0xee);
	}
	struct fw_devlink_req ctrl = { .family = GENL_ID_CTRL, .cmd = CTRL_CMD_NEWFAMILY };
	ck_assert_int_eq(fw_devlink_build(ctx, &ctrl, buf, sizeof(buf)), -EPERM);
}
END_TEST

struct reps {
	struct fw_health_reporter r[8];
	char dev[8][64];
	size_t n;
};

static int rep_collect(void *userdata, const void *attrs, size_t len)
{
	struct reps *v = userdata;
	char bus[64];
	int r;

	ck_assert_uint_lt(v->n, 8);
	r = fw_devlink_parse_dev(ctx, attrs, len, bus, sizeof(bus), v->dev[v->n], sizeof(v->dev[0]));
	if (r < 0)
		return r;
	r = fw_devlink_parse_reporter(ctx, attrs, len, &v->r[v->n]);
	if (r < 0)
		return r;
	v->n++;
	return 0;
}

START_TEST(test_walk_reporters)
{
	static struct rbuf b;
	struct reps v = { .n = 0 };

	b.len = 0;
	put_reporter(&b, 5, "0000:08:00.0", "fw", 0, 0, false, false);
	put_reporter(&b, 5, "0000:08:00.0", "fw_fatal", 1, 3, true, false);
	put_reporter(&b, 5, "0000:08:00.1", "fw", 0, 0, false, false);
	put_done(&b, 5, 0);
	/* The whole buffer at once. */
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 5, rep_collect, &v), 1);
	ck_assert_uint_eq(v.n, 3);
	ck_assert_str_eq(v.r[0].name, "fw");
	ck_assert_uint_eq(v.r[0].state, 0);
	ck_assert(!v.r[0].has_dump);
	ck_assert_str_eq(v.r[1].name, "fw_fatal");
	ck_assert_str_eq(v.dev[1], "0000:08:00.0");
	ck_assert_uint_eq(v.r[1].state, 1);
	ck_assert_uint_eq(v.r[1].error_count, 3);
	ck_assert_uint_eq(v.r[1].recover_count, 1);
	ck_assert(v.r[1].has_dump);
	ck_assert_uint_eq(v.r[1].dump_ts_ms, 4295012345ull);
	ck_assert_uint_eq(v.r[1].dump_ts_ns, 1764043174123456789ull);
	ck_assert_uint_eq(v.r[1].grace_period_ms, 60000);
	ck_assert(v.r[1].auto_recover && v.r[1].auto_dump);
	ck_assert_str_eq(v.dev[2], "0000:08:00.1");

	/* Without DONE yet: 0 = more to come. */
	v.n = 0;
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len - 20, 5, rep_collect, &v), 0);
	ck_assert_uint_eq(v.n, 3);
	/* Wrong sequence number. */
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 6, rep_collect, &v), -EBADMSG);
	/* Cut inside a message: stray bytes are an error, not a silent stop. */
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, 30, 5, rep_collect, &v), -EBADMSG);
}
END_TEST

START_TEST(test_walk_errors)
{
	static struct rbuf b;
	struct reps v = { .n = 0 };

	b.len = 0;
	put_error(&b, 3, -ENOENT);
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 3, rep_collect, &v), -ENOENT);
	b.len = 0;
	put_error(&b, 3, 0);
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 3, rep_collect, &v), 1);
	b.len = 0;
	put_error(&b, 3, -100000);
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 3, rep_collect, &v), -EBADMSG);
	b.len = 0;
	put_done(&b, 3, -EPERM);
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 3, rep_collect, &v), -EPERM);
}
END_TEST

/*
 * Issue 10: libmnl's mnl_nlmsg_ok() takes nlmsg_len as a signed int, so a
 * reply claiming 2^31 bytes sent the walk 2.9 GB past the buffer (SEGV) and
 * 68 bytes of 0xff (length 2^32-1, NLM_F_MULTI) made it spin for ever.
 */
START_TEST(test_walk_hostile_lengths)
{
	static struct rbuf b;
	struct reps v = { .n = 0 };
	uint8_t *ff;
	uint32_t len = 0x80000000u;

	b.len = 0;
	put_reporter(&b, 5, "0000:08:00.0", "fw", 0, 0, false, false);
	memcpy(b.buf, &len, sizeof(len));
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 5, rep_collect, &v), -EBADMSG);
	ck_assert_uint_eq(v.n, 0);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "malformed netlink message at byte 0"));
	/* 0xb0000000: libmnl's signed bytes-left wrapped back to positive and
	 * the walk read the next header 2.9 GB past the buffer (SEGV). */
	len = 0xb0000000u;
	memcpy(b.buf, &len, sizeof(len));
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 5, rep_collect, &v), -EBADMSG);
	ck_assert_uint_eq(v.n, 0);
	/* A good message, then one of length 2^32-1. */
	b.len = 0;
	put_reporter(&b, 5, "0000:08:00.0", "fw", 0, 0, false, false);
	len = 0xffffffffu;
	put_reporter(&b, 5, "0000:08:00.0", "fw", 0, 0, false, false);
	memcpy(b.buf + b.len / 2, &len, sizeof(len));
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 5, rep_collect, &v), -EBADMSG);
	ck_assert_uint_eq(v.n, 1);
	ff = malloc(68);
	ck_assert_ptr_nonnull(ff);
	memset(ff, 0xff, 68);
	ck_assert_int_eq(fw_devlink_walk(ctx, ff, 68, 0xffffffffu, rep_collect, &v), -EBADMSG);
	free(ff);
	/* An attribute whose nla_len runs past its message. */
	v.n = 0;
	b.len = 0;
	put_reporter(&b, 5, "0000:08:00.0", "fw", 0, 0, false, false);
	{
		uint16_t alen = 0xfff0;

		memcpy(b.buf + 16 + 4, &alen, sizeof(alen));
	}
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 5, rep_collect, &v), -EBADMSG);
	ck_assert_uint_eq(v.n, 0);
}
END_TEST

START_TEST(test_reporter_malformed)
{
	static struct rbuf b;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct fw_health_reporter r;

	/* A reporter nest without a name. */
	b.len = 0;
	nlh = msg_begin(&b, 0x14, 0, 1, FW_DEVLINK_CMD_HEALTH_REPORTER_GET);
	put_dev(nlh, "0000:08:00.0");
	nest = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER);
	mnl_attr_put_u8(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_STATE, 0);
	mnl_attr_nest_end(nlh, nest);
	ck_assert_int_eq(fw_devlink_parse_reporter(ctx, (uint8_t *)mnl_nlmsg_get_payload(nlh) + 4,
						   mnl_nlmsg_get_payload_len(nlh) - 4, &r),
			 -EBADMSG);
	/* A state of the wrong width (u32 instead of u8). */
	b.len = 0;
	nlh = msg_begin(&b, 0x14, 0, 1, FW_DEVLINK_CMD_HEALTH_REPORTER_GET);
	nest = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER);
	mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_NAME, "fw");
	mnl_attr_put_u32(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_STATE, 0);
	mnl_attr_nest_end(nlh, nest);
	ck_assert_int_eq(fw_devlink_parse_reporter(ctx, (uint8_t *)mnl_nlmsg_get_payload(nlh) + 4,
						   mnl_nlmsg_get_payload_len(nlh) - 4, &r),
			 -EBADMSG);
	/* An attribute whose length runs past the buffer. */
	{
		uint8_t bad[8] = { 200, 0, 114, 0x80, 0, 0, 0, 0 };

		ck_assert_int_eq(fw_devlink_parse_reporter(ctx, bad, sizeof(bad), &r), -EBADMSG);
	}
}
END_TEST

struct acc {
	struct fw_buf b;               /* its ceiling is the reassembly limit */
};

static int fmsg_collect(void *userdata, const void *attrs, size_t len)
{
	struct acc *a = userdata;

	return fw_devlink_parse_fmsg(ctx, attrs, len, &a->b);
}

/* Two reply messages, each with an FMSG nest: {obj {pair "Syndrome" u8 0x1}} split
 * across them; *ret_items gets the items of both nests. */
static void put_fmsg_reply(struct rbuf *b, uint32_t seq, uint8_t **ret_items, size_t *ret_len)
{
	struct nlmsghdr *nlh;
	struct nlattr *f;
	size_t off1, off2;
	uint8_t *items = malloc(1024);
	size_t n = 0;

	nlh = msg_begin(b, 0x14, NLM_F_MULTI, seq, FW_DEVLINK_CMD_HEALTH_REPORTER_DIAGNOSE);
	f = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_FMSG);
	off1 = nlh->nlmsg_len;
	mnl_attr_put(nlh, FW_DEVLINK_ATTR_FMSG_OBJ_NEST_START, 0, NULL);
	mnl_attr_put(nlh, FW_DEVLINK_ATTR_FMSG_PAIR_NEST_START, 0, NULL);
	mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_FMSG_OBJ_NAME, "Syndrome");
	off2 = nlh->nlmsg_len;
	memcpy(items, (uint8_t *)nlh + off1, off2 - off1);
	n = off2 - off1;
	mnl_attr_nest_end(nlh, f);
	msg_end(b, nlh);

	nlh = msg_begin(b, 0x14, NLM_F_MULTI, seq, FW_DEVLINK_CMD_HEALTH_REPORTER_DIAGNOSE);
	f = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_FMSG);
	off1 = nlh->nlmsg_len;
	mnl_attr_put_u8(nlh, FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_TYPE, 1);
	mnl_attr_put_u8(nlh, FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_DATA, 0x1);
	mnl_attr_put(nlh, FW_DEVLINK_ATTR_FMSG_NEST_END, 0, NULL);
	mnl_attr_put(nlh, FW_DEVLINK_ATTR_FMSG_NEST_END, 0, NULL);
	off2 = nlh->nlmsg_len;
	memcpy(items + n, (uint8_t *)nlh + off1, off2 - off1);
	n += off2 - off1;
	mnl_attr_nest_end(nlh, f);
	msg_end(b, nlh);
	*ret_items = items;
	*ret_len = n;
}

START_TEST(test_fmsg_concat)
{
	static struct rbuf b;
	struct acc a = { .b = { .max = 1 << 20 } };
	uint8_t *want;
	size_t wlen;
	const struct nlattr *it;
	unsigned count = 0;
	const struct nlattr *attr;

	b.len = 0;
	put_fmsg_reply(&b, 11, &want, &wlen);
	put_done(&b, 11, 0);
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 11, fmsg_collect, &a), 1);
	/* The items of both nests, back to back, as one attribute stream. */
	ck_assert_uint_eq(a.b.len, wlen);
	ck_assert_mem_eq(a.b.data, want, wlen);
	mnl_attr_for_each_payload((void *)a.b.data, a.b.len) {
		ck_assert_uint_ne(mnl_attr_get_type(attr), FW_DEVLINK_ATTR_FMSG);
		count++;
	}
	ck_assert_uint_eq(count, 7);
	(void)it;
	fw_buf_release(&a.b);

	/* The reassembly limit. */
	a.b.max = wlen - 1;
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 11, fmsg_collect, &a), -EOVERFLOW);
	fw_buf_release(&a.b);
	free(want);

	/* A message without the FMSG nest. */
	b.len = 0;
	put_reporter(&b, 12, "0000:08:00.0", "fw", 0, 0, false, false);
	a.b.max = 1 << 20;
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 12, fmsg_collect, &a), -EBADMSG);
	fw_buf_release(&a.b);
}
END_TEST

struct decoded {
	unsigned values;
	char name[64];
	int type;
	uint64_t u;
};

static int on_item(void *ud, const struct health_item *h)
{
	struct decoded *d = ud;

	if (h->event != HEALTH_VALUE)
		return 0;
	d->values++;
	snprintf(d->name, sizeof(d->name), "%s", h->path);
	d->type = h->type;
	d->u = h->u;
	return 0;
}

static void on_problem(void *ud, uint64_t offset, int err, const char *msg)
{
	(void)ud;
	ck_abort_msg("fmsg decoder problem at %llu (%d): %s", (unsigned long long)offset, err, msg);
}

/* What the transport hands back is what the one fmsg decoder reads. */
START_TEST(test_fmsg_decodes)
{
	static struct rbuf b;
	struct acc a = { .b = { .max = 1 << 20 } };
	struct health_fmsg *f;
	struct decoded d = { 0 };
	uint8_t *want;
	size_t wlen;

	b.len = 0;
	put_fmsg_reply(&b, 13, &want, &wlen);
	put_done(&b, 13, 0);
	ck_assert_int_eq(fw_devlink_walk(ctx, b.buf, b.len, 13, fmsg_collect, &a), 1);
	tu_assert_ok(ctx, health_fmsg_new(ctx, on_item, on_problem, &d, &f));
	tu_assert_ok(ctx, health_fmsg_feed(f, a.b.data, a.b.len));
	tu_assert_ok(ctx, health_fmsg_finish(f));
	health_fmsg_free(f);
	ck_assert_uint_eq(d.values, 1);
	ck_assert_str_eq(d.name, "Syndrome");
	ck_assert_int_eq(d.type, HEALTH_U8);
	ck_assert_uint_eq(d.u, 1);
	fw_buf_release(&a.b);
	free(want);
}
END_TEST

/*
 * The emulator's diagnose and stored dump, wrapped into kernel-style reply
 * messages (one FMSG nest each, split every few items), come back out of
 * the transport byte for byte: kernel and emulator give the decoder the
 * same bytes.
 */
static void wrap_and_compare(const uint8_t *items, size_t len, uint32_t seq)
{
	static struct rbuf b;
	struct acc a = { .b = { .max = 1 << 24 } };
	const struct nlattr *attr;
	struct nlmsghdr *nlh = NULL;
	struct nlattr *f = NULL;
	unsigned in_msg = 0;
	uint8_t *big = malloc(len * 2 + 65536);
	size_t blen = 0;

	mnl_attr_for_each_payload((void *)items, len) {
		if (!nlh || in_msg == 5) {
			if (nlh) {
				mnl_attr_nest_end(nlh, f);
				blen += NLMSG_ALIGN(nlh->nlmsg_len);
			}
			nlh = mnl_nlmsg_put_header(big + blen);
			nlh->nlmsg_type = 0x14;
			nlh->nlmsg_flags = NLM_F_MULTI;
			nlh->nlmsg_seq = seq;
			mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
			f = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_FMSG);
			in_msg = 0;
		}
		memcpy((uint8_t *)nlh + nlh->nlmsg_len, attr, MNL_ALIGN(mnl_attr_get_len(attr)));
		nlh->nlmsg_len += MNL_ALIGN(mnl_attr_get_len(attr));
		in_msg++;
	}
	ck_assert_ptr_nonnull(nlh);
	mnl_attr_nest_end(nlh, f);
	blen += NLMSG_ALIGN(nlh->nlmsg_len);
	b.len = 0;
	put_done(&b, seq, 0);
	memcpy(big + blen, b.buf, b.len);
	blen += b.len;
	ck_assert_int_eq(fw_devlink_walk(ctx, big, blen, seq, fmsg_collect, &a), 1);
	ck_assert_uint_eq(a.b.len, len);
	ck_assert_mem_eq(a.b.data, items, len);
	fw_buf_release(&a.b);
	free(big);
}

START_TEST(test_fmsg_same_as_emu)
{
	struct emu *e;
	void *data;
	size_t len, n, dumps = 0;
	uint8_t in[16] = { 0x08, 0x0d }, out[16];     /* NOP */

	/* A firmware fatal error after one command stores a fw_fatal dump. */
	tu_assert_ok(ctx, emu_new(ctx, "emu:cx7,seed=3,fatal-after=1", &e));
	emu_cmd(e, in, sizeof(in), out, sizeof(out));
	emu_cmd(e, in, sizeof(in), out, sizeof(out));
	tu_assert_ok(ctx, emu_reporter_diagnose(e, "fw", &data, &len));
	ck_assert_uint_gt(len, 0);
	wrap_and_compare(data, len, 21);
	free(data);
	n = emu_reporter_count(e);
	for (size_t i = 0; i < n; i++) {
		const struct emu_reporter *r = emu_reporter_at(e, i);

		if (!r->has_dump)
			continue;
		tu_assert_ok(ctx, emu_reporter_dump(e, r->name, &data, &len));
		wrap_and_compare(data, len, 22);
		free(data);
		dumps++;
	}
	ck_assert_uint_ge(dumps, 1);
	emu_free(e);
}
END_TEST

START_TEST(test_region_and_chunks)
{
	static struct rbuf b;
	struct nlmsghdr *nlh;
	struct nlattr *snaps, *s, *chunks, *c;
	struct fw_devlink_region reg;
	uint8_t data[256], image[512];
	size_t high = 0;
	const uint8_t *attrs;
	size_t alen;

	b.len = 0;
	nlh = msg_begin(&b, 0x14, 0, 1, FW_DEVLINK_CMD_REGION_GET);
	put_dev(nlh, "0000:08:00.0");
	mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_REGION_NAME, "cr-space");
	mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_REGION_SIZE, 512);
	snaps = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_REGION_SNAPSHOTS);
	for (uint32_t id = 1; id <= 7; id += 6) {
		s = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_REGION_SNAPSHOT);
		mnl_attr_put_u32(nlh, FW_DEVLINK_ATTR_REGION_SNAPSHOT_ID, id);
		mnl_attr_nest_end(nlh, s);
	}
	mnl_attr_nest_end(nlh, snaps);
	attrs = (uint8_t *)mnl_nlmsg_get_payload(nlh) + 4;
	alen = mnl_nlmsg_get_payload_len(nlh) - 4;
	tu_assert_ok(ctx, fw_devlink_parse_region(ctx, attrs, alen, &reg));
	ck_assert_str_eq(reg.name, "cr-space");
	ck_assert_uint_eq(reg.size, 512);
	ck_assert_uint_eq(reg.nsnapshots, 2);
	ck_assert_uint_eq(reg.snapshots[0], 1);
	ck_assert_uint_eq(reg.snapshots[1], 7);
	free(reg.snapshots);

	/* A REGION_READ reply: two chunks, the second first. */
	b.len = 0;
	nlh = msg_begin(&b, 0x14, NLM_F_MULTI, 2, FW_DEVLINK_CMD_REGION_READ);
	put_dev(nlh, "0000:08:00.0");
	chunks = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_REGION_CHUNKS);
	for (int k = 1; k >= 0; k--) {
		for (size_t i = 0; i < sizeof(data); i++)
			data[i] = (uint8_t)(i + 256 * k) ^ 0x5a;
		c = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_REGION_CHUNK);
		mnl_attr_put(nlh, FW_DEVLINK_ATTR_REGION_CHUNK_DATA, sizeof(data), data);
		mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_REGION_CHUNK_ADDR, 256u * (unsigned)k);
		mnl_attr_nest_end(nlh, c);
	}
	mnl_attr_nest_end(nlh, chunks);
	attrs = (uint8_t *)mnl_nlmsg_get_payload(nlh) + 4;
	alen = mnl_nlmsg_get_payload_len(nlh) - 4;
	memset(image, 0, sizeof(image));
	tu_assert_ok(ctx, fw_devlink_parse_chunks(ctx, attrs, alen, image, sizeof(image), &high));
	ck_assert_uint_eq(high, 512);
	for (size_t i = 0; i < sizeof(image); i++)
		ck_assert_uint_eq(image[i], (uint8_t)i ^ 0x5a);
	/* The same chunks into a smaller region: the second runs past its end. */
	high = 0;
	ck_assert_int_eq(fw_devlink_parse_chunks(ctx, attrs, alen, image, 300, &high), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(fw_ctx_errmsg(ctx), "runs past"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("devlink");
	TCase *tc = tcase_create("build");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_build_golden);
	tcase_add_test(tc, test_build_dump_and_family);
	tcase_add_test(tc, test_build_refuses_writes);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_walk_reporters);
	tcase_add_test(tc, test_walk_errors);
	tcase_add_test(tc, test_walk_hostile_lengths);
	tcase_add_test(tc, test_reporter_malformed);
	tcase_add_test(tc, test_fmsg_concat);
	tcase_add_test(tc, test_fmsg_decodes);
	tcase_add_test(tc, test_fmsg_same_as_emu);
	tcase_add_test(tc, test_region_and_chunks);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
