/* SPDX-License-Identifier: MIT */
/*
 * bench-collect: a full collect from emu:cx7, timed, with its device
 * command count.  Baselines from the same run:
 *  - the same steps with a sink that throws the bytes away, so the bundle
 *    writer's share (staging, compression, fsync) is visible (the
 *    target: the collector's overhead beyond device reads at most 10%);
 *  - the same collect done the way the kernel reads (256-byte strings-DB
 *    reads as in fw_tracer.c, CR-space through 208-byte inline
 *    RESOURCE_DUMP pages as without user memory), measured;
 *  - the lower bound computed from the artifact sizes: one command per
 *    register or capability page, strings-DB sections in chunks of the
 *    transport's largest RPC, resource dumps at 208 bytes per call, CR-space
 *    at one CORE_DUMP per user-memory buffer.
 * Usage: bench-collect [SPEC] [RUNS]   (default emu:cx7, 3 runs; best run kept)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/collect-internal.h"
#include "core/bytes.h"

static int null_add(void *s, const struct bundle_artifact *m, const void *d, size_t len)
{
	(void)s;
	(void)m;
	(void)d;
	(void)len;
	return 0;
}

static int null_commit(void *s, char **ret_path)
{
	(void)s;
	*ret_path = strdup("(discarded)");
	return *ret_path ? 0 : -1;
}

static void null_free(void *s)
{
	(void)s;
}

static const struct collect_sink_ops null_sink = {
	.add = null_add,
	.commit = null_commit,
	.free = null_free,
};

/* Dwords of CR-space in the bundle: the payload of the stream's CR-space
 * segments (type <= 0xfeff), header words excluded. */
static uint64_t crspace_dwords(struct collect *c, const char *path)
{
	struct bundle *b;
	void *data;
	size_t len;
	uint64_t n = 0;

	if (bundle_open(c->ctx, path, &b) < 0)
		return 0;
	if (bundle_read_kind(b, "crspace", 1u << 30, &data, &len) == 0) {
		const uint8_t *p = data;

		for (size_t off = 0; off + 4 <= len;) {
			uint32_t w = fw_get_be32(p + off);
			size_t dw = w >> 16;

			if (dw == 0)
				break;
			if ((w & 0xffff) <= 0xfeff && dw > 4)
				n += dw - 4;
			off += dw * 4;
		}
		free(data);
	}
	bundle_close(b);
	return n;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "emu:cx7";
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	char dir[] = "/tmp/bench-collect-XXXXXX";
	double best = 1e30, best_null = 1e30;
	uint64_t cmds = 0, kernel_cmds = 0, min_cmds = 0, bytes = 0;
	struct fw_ctx *ctx;

	if (fw_ctx_new(&ctx) < 0 || !mkdtemp(dir))
		return 1;
	for (int i = 0; i < runs; i++) {
		struct collect_options o = { .device = spec, .output = dir };
		struct collect *c;
		char *path = NULL;
		uint64_t t0;
		double dt;

		if (collect_new(ctx, &o, &c) < 0) {
			fprintf(stderr, "bench-collect: %s\n", fw_ctx_errmsg(ctx));
			return 1;
		}
		t0 = fw_monotonic_ns();
		if (collect_run(c, &path) < 0) {
			fprintf(stderr, "bench-collect: %s\n", fw_ctx_errmsg(ctx));
			return 1;
		}
		dt = (double)(fw_monotonic_ns() - t0) / 1e9;
		if (dt < best)
			best = dt;
		cmds = collect_device_commands(c);
		min_cmds = bytes = 0;
		for (size_t k = 0; k < collect_outcome_count(c); k++) {
			const struct collect_outcome *oc = collect_outcome_at(c, k);
			size_t maxdata = c->max_rpc - MLX5_MBOX_HDR_LEN - 8;

			bytes += oc->bytes;
			if (!strncmp(oc->kind, "trace.strings.", 14))
				min_cmds += div_up(oc->bytes, maxdata & ~(size_t)63);
			else if (!strncmp(oc->kind, "resdump.", 8))
				min_cmds += div_up(oc->bytes, 208);
			else if (!strcmp(oc->kind, "crspace"))
				/* One (address, value) pair per dword, 4 MiB a call. */
				min_cmds += div_up(crspace_dwords(c, path) * 8, 4u << 20);
			else if (!strncmp(oc->kind, "reg.", 4) || !strncmp(oc->kind, "hca.caps.", 9) ||
				 !strcmp(oc->kind, "trace.cap"))
				min_cmds += 1;
		}
		unlink(path);
		free(path);
		collect_free(c);

		/* Baseline 1: the same reads, no bundle. */
		if (collect_new(ctx, &o, &c) < 0)
			return 1;
		t0 = fw_monotonic_ns();
		if (collect_run_sink(c, &null_sink, NULL, &path) < 0)
			return 1;
		dt = (double)(fw_monotonic_ns() - t0) / 1e9;
		if (dt < best_null)
			best_null = dt;
		free(path);
		collect_free(c);

		/* Baseline 2: kernel-sized reads. */
		if (collect_new(ctx, &o, &c) < 0)
			return 1;
		c->stdb_small = true;
		c->info.can_umem = false;
		if (collect_run_sink(c, &null_sink, NULL, &path) < 0)
			return 1;
		kernel_cmds = collect_device_commands(c);
		free(path);
		collect_free(c);
	}
	rmdir(dir);
	printf("figure: collect_wall_time %.3f s\n", best);
	printf("figure: collect_wall_time_without_bundle %.3f s\n", best_null);
	printf("figure: collect_bundle_share %.1f %%\n",
	       best > 0 ? 100.0 * (best - best_null) / best : 0.0);
	printf("figure: collect_device_commands %llu commands\n", (unsigned long long)cmds);
	printf("figure: collect_device_commands_kernel_sized_reads %llu commands\n",
	       (unsigned long long)kernel_cmds);
	printf("figure: collect_device_commands_lower_bound %llu commands\n",
	       (unsigned long long)min_cmds);
	printf("figure: collect_artifact_bytes %llu bytes\n", (unsigned long long)bytes);
	fw_ctx_free(ctx);
	return 0;
}
