/* SPDX-License-Identifier: MIT */
/*
 * bench-trace-match: the trace matcher (parsers/trace-match.c) on one core,
 * over the tracefs mlx5_fw lines the emulated driver renders ("emu:cx7",
 * seed 1, its strings database) for at least a million tracer messages.
 * The text is generated into memory first; only the work is timed, in CPU
 * time of this thread, best of three runs.
 *
 * Figures:
 *   trace_match_lines            lines of the input
 *   trace_match_matched_pct      share of them matched to a strings-DB format
 *                                (the target: >= 99.9)
 *   trace_match_build_ms         building the matcher from the strings DB
 *   trace_match_memory_ratio     matcher bytes / strings-DB bytes
 *   trace_line_parse_per_s       the baseline: trace_parse_text_line() alone
 *                                (find the mlx5_fw fields of each line)
 *   trace_match_lines_per_s      parse + match (target >= 1M lines/s)
 *   trace_match_vs_parse         the two rates, matched / parse alone
 *   trace_match_hostile_per_s    500-digit lines against the same matcher and an
 *                                adjacent-conversion format (the walk's bound)
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "emu/emu.h"
#include "mlx5/mlx5.h"
#include "trace-match.h"
#include "trace.h"

#define NEVENTS 4000000ull   /* about 1.2 M messages */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int on_block(void *ud, const void *blk, size_t len)
{
	(void)ud;
	(void)blk;
	(void)len;
	return 0;
}

static int read_cap(struct emu *e, uint8_t cap[128])
{
	uint8_t in[16 + 128], out[16 + 128];

	memset(in, 0, sizeof(in));
	mlx5_mbox_in_hdr(in, 0x805, 1);
	fw_put_be32(in + 8, 0x9040);
	if (emu_cmd(e, in, sizeof(in), out, sizeof(out)) < 0 || out[0] != 0)
		return -1;
	memcpy(cap, out + 16, 128);
	return 0;
}

struct lines {
	char **v;
	size_t n;
};

/* Split text in place into NUL-terminated lines. */
static void split(char *text, size_t len, struct lines *l)
{
	size_t cap = 1 << 20;

	l->v = malloc(cap * sizeof(*l->v));
	l->n = 0;
	for (char *p = text, *end = text + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			nl = end;
		*nl = '\0';
		if (l->n == cap) {
			cap *= 2;
			l->v = realloc(l->v, cap * sizeof(*l->v));
		}
		l->v[l->n++] = p;
		p = nl + 1;
	}
}

static double run(struct trace_matcher *m, const struct lines *l, bool match, uint64_t *ret_ok)
{
	uint64_t t0 = now_ns(), ok = 0, sink = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct trace_event ev;

		if (trace_parse_text_line(l->v[i], strlen(l->v[i]), &ev) != 1)
			continue;
		if (!match) {
			sink += ev.timestamp;
			ok++;
			continue;
		}
		if (trace_event_match(m, &ev) && !ev.raw)
			ok++;
	}
	*ret_ok = ok + (sink == 1); /* keep the baseline's work */
	return (double)l->n / ((double)(now_ns() - t0) / 1e9);
}

int main(void)
{
	struct fw_ctx *ctx = NULL;
	struct emu *e = NULL;
	struct trace_cap cap;
	struct trace_strdb *db = NULL;
	struct trace_matcher *m = NULL;
	uint8_t raw[128];
	char *text = NULL;
	size_t len = 0, dbsize = 0;
	struct lines l;
	uint64_t ok = 0, t0;
	double parse = 0, match = 0, build, v;
	char spec[96];

	snprintf(spec, sizeof(spec), "emu:cx7,seed=1,owner=none,tracefs=%llu",
		 (unsigned long long)NEVENTS);
	if (fw_ctx_new(&ctx) < 0 || emu_new(ctx, spec, &e) < 0) {
		fprintf(stderr, "bench-trace-match: %s\n", ctx ? fw_ctx_errmsg(ctx) : "out of memory");
		return 1;
	}
	if (read_cap(e, raw) < 0 || trace_cap_parse(ctx, raw, sizeof(raw), &cap) < 0 ||
	    trace_strdb_new(ctx, &cap, &db) < 0) {
		fprintf(stderr, "bench-trace-match: no MTRC_CAP from the emulator\n");
		return 1;
	}
	for (unsigned i = 0; i < emu_strings_db_sections(e); i++) {
		const void *data;
		size_t n;

		if (emu_strings_db(e, i, &data, &n) < 0 || trace_strdb_set_section(db, i, data, n) < 0)
			return 1;
		dbsize += n;
	}
	if (emu_trace_stream(e, NEVENTS, on_block, NULL) < 0 || emu_tracefs_text(e, &text, &len) < 0) {
		fprintf(stderr, "bench-trace-match: %s\n", fw_ctx_errmsg(ctx));
		return 1;
	}
	split(text, len, &l);

	t0 = now_ns();
	if (trace_matcher_new(ctx, &m) < 0 || trace_matcher_add_strdb(m, db) < 0) {
		fprintf(stderr, "bench-trace-match: %s\n", fw_ctx_errmsg(ctx));
		return 1;
	}
	build = (double)(now_ns() - t0) / 1e6;
	for (int k = 0; k < 3; k++) {
		uint64_t n;

		v = run(m, &l, false, &n);
		if (v > parse)
			parse = v;
		v = run(m, &l, true, &ok);
		if (v > match)
			match = v;
	}
	printf("figure: trace_match_lines %zu lines\n", l.n);
	printf("figure: trace_match_matched_pct %.4f %%\n", 100.0 * (double)ok / (double)l.n);
	printf("figure: trace_match_build_ms %.2f ms\n", build);
	printf("figure: trace_match_memory_ratio %.2f x\n",
	       (double)trace_matcher_stats(m)->memory / (double)dbsize);
	printf("figure: trace_line_parse_per_s %.0f lines/s\n", parse);
	printf("figure: trace_match_lines_per_s %.0f lines/s\n", match);
	printf("figure: trace_match_vs_parse %.3f x\n", match / parse);

	/* Hostile: long digit runs, with a format that makes every split
	 * possible. */
	{
		static char hostile[501];
		struct trace_match mt;
		uint64_t n = 20000;

		memset(hostile, '7', 500);
		trace_matcher_add(m, "%x%x%x%x%x%x%x!", 0x10, 7);
		trace_matcher_add(m, "%u%u%u%u%u%u%u!", 0x20, 7);
		t0 = now_ns();
		for (uint64_t i = 0; i < n; i++) {
			hostile[i % 500] = (char)('0' + i % 10);
			trace_matcher_match(m, hostile, 500, &mt);
		}
		printf("figure: trace_match_hostile_per_s %.0f lines/s\n",
		       (double)n / ((double)(now_ns() - t0) / 1e9));
	}
	free(l.v);
	free(text);
	trace_matcher_free(m);
	trace_strdb_free(db);
	emu_free(e);
	fw_ctx_free(ctx);
	return 0;
}
