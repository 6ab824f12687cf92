/* SPDX-License-Identifier: MIT */
/*
 * bench-store-history: a device + time-window query on a large history.
 *
 * Builds (once; an existing file with the right count is reused) a history
 * of EVENTS synthetic trace events (default 100 M) straight through the
 * store's loader API, so the rows are exactly what `fwbox load` writes:
 * 10 cards, 100 bundles of EVENTS/100 events, each card's tracer clock
 * running on across its bundles, all cards' clocks overlapping.  Then times
 * the named query trace-window (card, from, to) on windows of about 1,000
 * events at pseudo-random places, and the named query trace-search (an
 * FTS5 query naming one of the 3,000 formats, about 33,000 events each),
 * which reads a format's events through its postings (schema 6); the
 * baseline is the same search the way it ran before, scanning every bundle
 * that has the format, timed once in the same run.  Prints `figure:` lines,
 * including what the postings cost in bytes per event.
 *
 * Usage: bench-store-history [EVENTS] [DB]
 *   (env FWBOX_BENCH_HISTORY_EVENTS, FWBOX_BENCH_HISTORY_DB; the default
 *   database is $TMPDIR/fwbox-bench-history.db and is kept for reruns)
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fwbox.h"

#define DEVICES 10
#define BUNDLES 100
#define NFORMATS 3000
#define QUERIES 50
#define SEARCHES 21

static char *formats[NFORMATS];
static unsigned format_params[NFORMATS];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void make_formats(void)
{
	for (unsigned i = 0; i < NFORMATS; i++) {
		format_params[i] = i % 4;
		(void)!asprintf(&formats[i], "event %u: %s", i,
				(const char *[]){ "done", "state 0x%x", "index %d value 0x%08x",
						  "%d -> %d (syndrome 0x%x)" }[i % 4]);
	}
}

static int build(struct fw_ctx *ctx, const char *db, uint64_t total)
{
	uint64_t per = total / BUNDLES, clock[DEVICES];
	struct store *s;
	double t0 = now_s();
	int r;

	for (int d = 0; d < DEVICES; d++)
		clock[d] = 0x100000000ull + (uint64_t)d * 1000;
	r = store_open(ctx, db, 0, &s);
	if (r < 0)
		return r;
	for (unsigned b = 0; b < BUNDLES; b++) {
		unsigned dev = b % DEVICES;
		char serial[32];
		struct bundle_header h = { .format_version = 1, .host = "bench",
					   .fwbox_version = "bench",
					   .created_ns = 1700000000000000000ull + b * 3600000000000ull };
		struct bundle_device d = { .pci = "0000:08:00.0", .psid = "MT_BENCH",
					   .serial = serial, .fw_version = "1.2.3" };
		struct store_bundle_info info = { .header = &h, .device = &d };
		struct store_trace_event ev;
		struct store_load *l;

		snprintf(serial, sizeof(serial), "SN%04u", dev);
		memset(h.uuid, 0, sizeof(h.uuid));
		h.uuid[0] = (uint8_t)b;
		h.uuid[15] = 0x77;
		memset(info.sha256, 0, sizeof(info.sha256));
		info.sha256[0] = (uint8_t)b;
		r = store_load_begin(s, &info, &l);
		if (r < 0)
			goto close;
		if (r == STORE_LOAD_ALREADY)
			continue;
		for (uint64_t i = 0; i < per; i++) {
			uint64_t x = next_rand();
			unsigned f = (unsigned)(x % NFORMATS);

			clock[dev] += 1 + (x >> 61);
			memset(&ev, 0, sizeof(ev));
			ev.timestamp = clock[dev];
			ev.event_id = (uint8_t)(x >> 16);
			ev.format = formats[f];
			ev.format_key = f + 1;
			ev.nparams = format_params[f];
			for (unsigned k = 0; k < ev.nparams; k++)
				ev.params[k] = (uint32_t)(x >> (8 * k)) & 0xffff;
			r = store_load_trace(l, &ev);
			if (r < 0) {
				store_load_free(l);
				goto close;
			}
		}
		r = store_load_commit(l, NULL);
		if (r < 0)
			goto close;
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "\rbench-store-history: bundle %u/%u (%.0f s)", b + 1,
				BUNDLES, now_s() - t0);
	}
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	printf("figure: store-history-build-rate %.0f events/s\n", (double)total / (now_s() - t0));
close:
	store_close(s);
	return r;
}

static int64_t count_events(struct fw_ctx *ctx, const char *db)
{
	struct store_query *q;
	struct store *s;
	int64_t n = -1;

	if (store_open(ctx, db, STORE_OPEN_READONLY, &s) < 0)
		return -1;
	if (store_query_prepare(s, "SELECT coalesce(sum(ev_last - ev_first + 1), 0) FROM bundles",
				&q) == 0) {
		if (store_query_step(q) == 1)
			n = store_query_column_int(q, 0);
		store_query_free(q);
	}
	store_close(s);
	return n;
}

/* The trace-search before schema 6: every bundle with the format scanned. */
static const char scan_search_sql[] =
	"SELECT t.bundle, t.device, t.seq, t.timestamp, t.event_id, t.message "
	"FROM trace_events t WHERE t.bundle IN (SELECT bundle FROM trace_bundle_formats "
	"WHERE fmt IN (SELECT rowid FROM trace_formats_fts WHERE trace_formats_fts MATCH ?1)) "
	"AND t.format IN (SELECT rowid FROM trace_formats_fts WHERE trace_formats_fts MATCH ?1) "
	"ORDER BY t.bundle, t.seq";

static int run_search(struct store *s, const char *sql, const char *text, uint64_t *ret_rows)
{
	struct store_query *q;
	int r;

	if (store_query_prepare(s, sql, &q) < 0)
		return -1;
	store_query_bind_text(q, 1, text);
	while ((r = store_query_step(q)) == 1)
		(*ret_rows)++;
	store_query_free(q);
	return r;
}

static int64_t query_one(struct store *s, const char *sql)
{
	struct store_query *q;
	int64_t v = -1;

	if (store_query_prepare(s, sql, &q) < 0)
		return -1;
	if (store_query_step(q) == 1)
		v = store_query_column_int(q, 0);
	store_query_free(q);
	return v;
}

/* Process CPU time: on a shared 2-core machine wall time also counts the
 * time other processes held the CPU, so both are reported. */
static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *env = getenv("FWBOX_BENCH_HISTORY_EVENTS");
	uint64_t total = argc > 1 ? strtoull(argv[1], NULL, 0) :
			 env ? strtoull(env, NULL, 0) : 100000000ull;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	const struct store_named_query *nq = store_named_query_find("trace-window");
	char defdb[4096];
	const char *db;
	double ms[QUERIES], cpu[QUERIES], t0, c0;
	uint64_t rows = 0;
	struct fw_ctx *ctx;
	struct store *s;
	struct stat st;
	int64_t have;

	snprintf(defdb, sizeof(defdb), "%s/fwbox-bench-history.db", tmp);
	db = argc > 2 ? argv[2] : getenv("FWBOX_BENCH_HISTORY_DB") ? getenv("FWBOX_BENCH_HISTORY_DB")
								    : defdb;
	total -= total % BUNDLES;
	fw_ctx_new(&ctx);
	make_formats();
	have = stat(db, &st) == 0 ? count_events(ctx, db) : 0;
	if (have != (int64_t)total) {
		if (have > 0) {
			fprintf(stderr, "bench-store-history: '%s' holds %lld events, not %llu: "
				"remove it or give another path\n", db, (long long)have,
				(unsigned long long)total);
			return 1;
		}
		if (build(ctx, db, total) < 0) {
			fprintf(stderr, "bench-store-history: %s\n", fw_ctx_errmsg(ctx));
			return 1;
		}
	}
	/* A writer's open brings an older database's schema up to date (for
	 * schema 6: the postings of every bundle, one pass over the events). */
	t0 = now_s();
	if (store_open(ctx, db, 0, &s) < 0) {
		fprintf(stderr, "bench-store-history: %s\n", fw_ctx_errmsg(ctx));
		return 1;
	}
	printf("figure: store-history-open-upgrade %.2f s\n", now_s() - t0);
	store_close(s);
	if (store_open(ctx, db, STORE_OPEN_READONLY, &s) < 0) {
		fprintf(stderr, "bench-store-history: %s\n", fw_ctx_errmsg(ctx));
		return 1;
	}
	/* Windows of ~1,000 events: each card advances its clock by 4.5 per
	 * event on average, so 4,500 ticks; placed inside a random bundle's
	 * span of the card's clock. */
	rng = 12345;
	for (int i = 0; i < QUERIES; i++) {
		unsigned dev = (unsigned)(next_rand() % DEVICES);
		uint64_t per_dev_events = total / DEVICES;
		uint64_t from = 0x100000000ull + dev * 1000ull +
				(next_rand() % (per_dev_events * 4)) , to = from + 4500;
		struct store_query *q;
		int r;

		t0 = now_s();
		c0 = cpu_s();
		if (store_query_prepare(s, nq->sql, &q) < 0)
			goto fail;
		/* devices.id: the cards were created in bundle order, 1..10. */
		store_query_bind_int(q, 1, dev + 1);
		store_query_bind_int(q, 2, (int64_t)from);
		store_query_bind_int(q, 3, (int64_t)to);
		while ((r = store_query_step(q)) == 1)
			rows++;
		store_query_free(q);
		if (r < 0)
			goto fail;
		ms[i] = (now_s() - t0) * 1000.0;
		cpu[i] = (cpu_s() - c0) * 1000.0;
	}
	qsort(ms, QUERIES, sizeof(ms[0]), cmp_double);
	qsort(cpu, QUERIES, sizeof(cpu[0]), cmp_double);
	{
		const struct store_named_query *sq = store_named_query_find("trace-search");
		double sms[SEARCHES], scpu[SEARCHES], base_ms, base_cpu;
		uint64_t srows = 0, brows = 0;
		int64_t post_bytes;
		char text[32];

		/* Each format's text names its number: "event 1234: ...". */
		rng = 777;
		for (int i = 0; i < SEARCHES; i++) {
			snprintf(text, sizeof(text), "%u", (unsigned)(next_rand() % NFORMATS));
			t0 = now_s();
			c0 = cpu_s();
			if (run_search(s, sq->sql, text, &srows) < 0)
				goto fail;
			sms[i] = (now_s() - t0) * 1000.0;
			scpu[i] = (cpu_s() - c0) * 1000.0;
		}
		qsort(sms, SEARCHES, sizeof(sms[0]), cmp_double);
		qsort(scpu, SEARCHES, sizeof(scpu[0]), cmp_double);
		t0 = now_s();
		c0 = cpu_s();
		if (run_search(s, scan_search_sql, "1234", &brows) < 0)
			goto fail;
		base_ms = (now_s() - t0) * 1000.0;
		base_cpu = (cpu_s() - c0) * 1000.0;
		post_bytes = query_one(s, "SELECT sum(length(ids)) FROM trace_postings");
		printf("figure: store-search-query-rows %.0f rows\n", (double)srows / SEARCHES);
		printf("figure: store-search-query-median %.2f ms\n", sms[SEARCHES / 2]);
		printf("figure: store-search-query-max %.2f ms\n", sms[SEARCHES - 1]);
		printf("figure: store-search-query-cpu-median %.2f ms\n", scpu[SEARCHES / 2]);
		printf("figure: store-search-scan-baseline %.0f ms (%llu rows)\n", base_ms,
		       (unsigned long long)brows);
		printf("figure: store-search-scan-baseline-cpu %.0f ms\n", base_cpu);
		printf("figure: store-search-speedup %.0f x\n", base_ms / sms[SEARCHES / 2]);
		printf("figure: store-history-postings-bytes-per-event %.2f bytes\n",
		       (double)post_bytes / (double)total);
	}
	printf("figure: store-history-events %llu events\n", (unsigned long long)total);
	printf("figure: store-history-db-bytes-per-event %.1f bytes\n",
	       stat(db, &st) == 0 ? (double)st.st_size / (double)total : -1.0);
	printf("figure: store-window-query-rows %.0f rows\n", (double)rows / QUERIES);
	printf("figure: store-window-query-median %.2f ms\n", ms[QUERIES / 2]);
	printf("figure: store-window-query-p90 %.2f ms\n", ms[QUERIES * 9 / 10]);
	printf("figure: store-window-query-max %.2f ms\n", ms[QUERIES - 1]);
	printf("figure: store-window-query-cpu-median %.2f ms\n", cpu[QUERIES / 2]);
	printf("figure: store-window-query-cpu-max %.2f ms\n", cpu[QUERIES - 1]);
	store_close(s);
	fw_ctx_free(ctx);
	return 0;
fail:
	fprintf(stderr, "bench-store-history: %s\n", fw_ctx_errmsg(ctx));
	return 1;
}
