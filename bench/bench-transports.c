/* SPDX-License-Identifier: MIT */
/*
 * bench-transports: throughput of the pure halves of the kernel transports,
 * each next to a baseline measured in the same run:
 *  - tracefs line filter vs. a plain memchr() line count over the same text;
 *  - devlink reply walk + reporter parse vs. libmnl's bare message walk.
 * Prints `figure:` lines.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "device/transports.h"

static double secs(uint64_t a, uint64_t b)
{
	return (double)(b - a) / 1e9;
}

static void bench_tracefs(struct fw_ctx *ctx)
{
	const size_t nlines = 400000;
	size_t cap = nlines * 120, len = 0, lines = 0, outlen = 0;
	char *text = malloc(cap), *out;
	uint64_t t0, t1, t2;

	for (size_t i = 0; i < nlines; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"  kworker/0:1-42 [000] ..... %zu.%06zu: mlx5_fw: 0000:08:00.%zu [0x%zx] 0 [0x8] cmd_if: opcode 0x805\n",
					i / 1000, i % 1000000, i & 1, i * 977);
	t0 = fw_monotonic_ns();
	for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p))); p++)
		lines++;
	t1 = fw_monotonic_ns();
	if (fw_tracefs_filter(ctx, text, len, "0000:08:00.0", &out, &outlen) < 0) {
		fprintf(stderr, "bench: %s\n", fw_ctx_errmsg(ctx));
		exit(1);
	}
	t2 = fw_monotonic_ns();
	printf("figure: tracefs_filter_MBps %.1f MB/s\n", len / 1e6 / secs(t1, t2));
	printf("figure: tracefs_baseline_memchr_MBps %.1f MB/s\n", len / 1e6 / secs(t0, t1));
	lines = 0;
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	printf("figure: tracefs_filter_kept_lines %zu lines\n", lines);
	free(out);
	free(text);
}

static int rep_cb(void *userdata, const void *attrs, size_t len)
{
	struct fw_health_reporter r;

	return fw_devlink_parse_reporter(userdata, attrs, len, &r) < 0 ? -1 : 0;
}

static int bare_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(size_t *)data)++;
	(void)nlh;
	return MNL_CB_OK;
}

static void bench_devlink(struct fw_ctx *ctx)
{
	const size_t nmsgs = 200, rounds = 2000;
	static uint8_t buf[65536] __attribute__((aligned(4)));
	size_t len = 0, count = 0;
	uint64_t t0, t1, t2;

	for (size_t i = 0; i < nmsgs; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + len);
		struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
		struct nlattr *n;

		nlh->nlmsg_type = 0x14;
		nlh->nlmsg_flags = NLM_F_MULTI;
		nlh->nlmsg_seq = 1;
		g->cmd = FW_DEVLINK_CMD_HEALTH_REPORTER_GET;
		mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_BUS_NAME, "pci");
		mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_DEV_NAME, "0000:08:00.0");
		n = mnl_attr_nest_start(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER);
		mnl_attr_put_strz(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_NAME, "fw_fatal");
		mnl_attr_put_u8(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_STATE, 1);
		mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_ERR_COUNT, i);
		mnl_attr_put_u64(nlh, FW_DEVLINK_ATTR_HEALTH_REPORTER_DUMP_TS_NS, i * 1000);
		mnl_attr_nest_end(nlh, n);
		len += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	t0 = fw_monotonic_ns();
	for (size_t r = 0; r < rounds; r++)
		mnl_cb_run(buf, len, 1, 0, bare_cb, &count);
	t1 = fw_monotonic_ns();
	for (size_t r = 0; r < rounds; r++)
		if (fw_devlink_walk(ctx, buf, len, 1, rep_cb, ctx) < 0) {
			fprintf(stderr, "bench: devlink walk failed\n");
			exit(1);
		}
	t2 = fw_monotonic_ns();
	printf("figure: devlink_reporter_parse_msgs_per_s %.0f msg/s\n", nmsgs * rounds / secs(t1, t2));
	printf("figure: devlink_baseline_mnl_cb_run_msgs_per_s %.0f msg/s\n",
	       nmsgs * rounds / secs(t0, t1));
}

int main(void)
{
	struct fw_ctx *ctx;

	if (fw_ctx_new(&ctx) < 0)
		return 1;
	bench_tracefs(ctx);
	bench_devlink(ctx);
	fw_ctx_free(ctx);
	return 0;
}
