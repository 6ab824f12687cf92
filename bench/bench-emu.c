/* SPDX-License-Identifier: MIT */
/*
 * bench-emu: how fast the emulator produces what the decoders and the
 * collector consume.  Prints `figure:` lines; each rate has a baseline
 * measured in the same run (plain memory traffic of the same size), so the
 * numbers compare across machines.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bytes.h"
#include "emu/emu.h"
#include "ifc/ifc.h"

struct sink {
	uint64_t blocks;
	uint64_t xor;
};

/* CPU time of this process in ns: a rate per CPU-second does not move with
 * the load of a shared machine the way a wall-clock rate does. */
static uint64_t cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int sink_block(void *ud, const void *blk, size_t len)
{
	struct sink *s = ud;

	s->blocks++;
	s->xor ^= fw_get_be64((const uint8_t *)blk + len - 8);
	return 0;
}

int main(void)
{
	const uint64_t nevents = 10000000;
	struct fw_ctx *ctx;
	struct emu *e;
	struct sink s = { 0 };
	uint64_t t0, t1;
	uint8_t *a, *b;
	size_t bytes;
	int rc = 1;

	if (fw_ctx_new(&ctx) < 0)
		return 1;
	/* tracefs=0: the emulated driver renders no text, as a benchmark of
	 * the decoders wants only the blocks. */
	if (emu_new(ctx, "emu:cx7,seed=1,owner=none,tracefs=0", &e) < 0) {
		fprintf(stderr, "bench-emu: %s\n", fw_ctx_errmsg(ctx));
		goto out;
	}
	t0 = fw_monotonic_ns();
	emu_trace_stream(e, nevents, sink_block, &s);
	t1 = fw_monotonic_ns();
	printf("figure: emu_trace_stream_events %.0f events/s\n", (double)nevents * 1e9 / (double)(t1 - t0));
	printf("figure: emu_trace_stream_bytes %.1f MB/s\n", (double)s.blocks * 256 / 1e6 * 1e9 / (double)(t1 - t0));

	/* Baseline: copying the same number of bytes once. */
	bytes = (size_t)s.blocks * 256;
	a = malloc(bytes);
	b = malloc(bytes);
	if (a && b) {
		memset(a, 0x5a, bytes);
		memset(b, 0, bytes);   /* fault the pages in outside the timing */
		t0 = fw_monotonic_ns();
		memcpy(b, a, bytes);
		t1 = fw_monotonic_ns();
		printf("figure: baseline_memcpy %.1f MB/s\n", (double)bytes / 1e6 * 1e9 / (double)(t1 - t0));
		if (b[bytes / 2] != 0x5a)
			fprintf(stderr, "bench-emu: memcpy baseline went wrong\n");
	}
	free(a);
	free(b);

	/* Commands: MGIR reads through the full dispatch. */
	{
		uint8_t in[16 + 160] = { 0 }, out[16 + 160];
		const unsigned n = 200000;
		uint64_t c0, c1;

		fw_put_be16(in, MLX5_CMD_ACCESS_REG);
		fw_put_be16(in + 6, 1);
		fw_put_be16(in + 10, MLX5_REG_MGIR);
		t0 = fw_monotonic_ns();
		c0 = cpu_ns();
		for (unsigned i = 0; i < n; i++)
			emu_cmd(e, in, sizeof(in), out, sizeof(out));
		c1 = cpu_ns();
		t1 = fw_monotonic_ns();
		printf("figure: emu_cmd_mgir %.0f commands/s\n", (double)n * 1e9 / (double)(t1 - t0));
		printf("figure: emu_cmd_mgir_cpu_rate %.0f commands/cpu-s\n",
		       (double)n * 1e9 / (double)(c1 - c0 ? c1 - c0 : 1));
		t0 = fw_monotonic_ns();
		for (unsigned i = 0; i < n; i++)
			memcpy(out, in, sizeof(out));
		t1 = fw_monotonic_ns();
		printf("figure: baseline_mailbox_copy %.0f copies/s\n", (double)n * 1e9 / (double)(t1 - t0));
	}
	if (s.blocks != (nevents + 30) / 31)
		fprintf(stderr, "bench-emu: %llu blocks for %llu events\n", (unsigned long long)s.blocks,
			(unsigned long long)nevents);
	emu_free(e);
	rc = 0;
out:
	fw_ctx_free(ctx);
	return rc;
}
