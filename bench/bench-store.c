/* SPDX-License-Identifier: MIT */
/*
 * bench-store: load rate of a large trace into the history database, against
 * `sqlite3 .import` of the same rows as CSV, in one run.
 *
 *  1. A child process loads N synthetic trace events (default 10 M; 3,000
 *     formats with 0-3 parameters, monotonic timestamps, as decoded from a
 *     firmware ring) through store_load_trace() in one bundle transaction;
 *     its getrusage() peak RSS is the loader's memory figure.
 *  2. The same events are written as CSV rows of the trace_events columns
 *     (bundle, device, timestamp, lost, event_id, message, parameters) with
 *     the message rendered, and imported with the sqlite3 tool into a table
 *     of those columns: the naive design we compare with.
 *  3. A minimal C insert loop: the same ten integers per event (trace_ev's
 *     columns) into a table of that shape, one prepared single-row INSERT,
 *     one transaction, under the store's settings (WAL, synchronous=NORMAL,
 *     16 KiB pages): the floor of what any loader of those rows costs.
 *     store-load-vs-minimal-insert is its time over the store's (1.0: as
 *     fast); the store also interns formats, summarises blocks, counts
 *     formats per bundle and writes the postings of each format.
 *
 * Usage: bench-store [EVENTS] [DIR]   (env FWBOX_BENCH_EVENTS, TMPDIR)
 * Prints `figure:` lines.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fwbox.h"

#define NFORMATS 3000

static char *formats[NFORMATS];
static unsigned format_params[NFORMATS];

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void make_formats(void)
{
	static const char *const words[] = { "link", "cmd", "qp", "cq", "eq", "port", "pci",
					     "health", "tx", "rx", "steering", "flow" };

	for (unsigned i = 0; i < NFORMATS; i++) {
		unsigned n = i % 4;
		const char *w = words[i % 12];

		format_params[i] = n;
		switch (n) {
		case 0:
			(void)!asprintf(&formats[i], "%s event %u done", w, i);
			break;
		case 1:
			(void)!asprintf(&formats[i], "%s %u state 0x%%x", w, i);
			break;
		case 2:
			(void)!asprintf(&formats[i], "%s %u: index %%d value 0x%%08x", w, i);
			break;
		default:
			(void)!asprintf(&formats[i], "%s %u: %%d -> %%d (syndrome 0x%%x)", w, i);
			break;
		}
	}
}

/* The i-th event of the synthetic trace (deterministic). */
static void make_event(uint64_t i, uint64_t *ts, struct store_trace_event *ev)
{
	uint64_t r = next_rand();
	unsigned f = (unsigned)(r % NFORMATS);

	*ts += 1 + (r >> 60);
	memset(ev, 0, sizeof(*ev));
	ev->timestamp = *ts;
	ev->event_id = (uint8_t)(r >> 16);
	ev->tmsn = (uint16_t)(i & 0x1fff);
	ev->format = formats[f];
	ev->format_key = f + 1;
	ev->nparams = format_params[f];
	for (unsigned k = 0; k < ev->nparams; k++)
		ev->params[k] = (uint32_t)(r >> (8 * k)) & 0xffff;
}

static int load_child(const char *db, uint64_t n)
{
	struct bundle_header h = { .format_version = 1, .host = "bench", .fwbox_version = "bench" };
	struct bundle_device d = { .pci = "0000:08:00.0", .psid = "MT_BENCH", .serial = "SN-BENCH",
				   .fw_version = "1.2.3" };
	struct store_bundle_info info = { .header = &h, .device = &d };
	struct store_trace_event ev;
	struct store_load_stats st;
	struct store_load *l;
	struct store *s;
	struct fw_ctx *ctx;
	uint64_t ts = 1000000;
	double t0, t1, t2;
	int r;

	fw_ctx_new(&ctx);
	memset(h.uuid, 0x42, sizeof(h.uuid));
	memset(info.sha256, 0x42, sizeof(info.sha256));
	t0 = now_s();
	r = store_open(ctx, db, 0, &s);
	if (r < 0)
		goto fail;
	r = store_load_begin(s, &info, &l);
	if (r < 0)
		goto fail;
	for (uint64_t i = 0; i < n; i++) {
		make_event(i, &ts, &ev);
		r = store_load_trace(l, &ev);
		if (r < 0)
			goto fail;
	}
	t1 = now_s();
	r = store_load_commit(l, &st);
	if (r < 0)
		goto fail;
	t2 = now_s();
	store_close(s);
	printf("store load: %.2f s insert + %.2f s commit\n", t1 - t0, t2 - t1);
	fflush(stdout);
	fw_ctx_free(ctx);
	return 0;
fail:
	fprintf(stderr, "bench-store: %s\n", fw_ctx_errmsg(ctx));
	return 1;
}

/* 3. The floor: the same integer rows, nothing else. */
static int minimal_child(const char *db, uint64_t n)
{
	struct store_trace_event ev;
	sqlite3_stmt *st = NULL;
	sqlite3 *h = NULL;
	uint64_t ts = 1000000;

	if (sqlite3_open(db, &h) != SQLITE_OK ||
	    sqlite3_exec(h, "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; "
			 "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; "
			 "CREATE TABLE trace_ev(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, "
			 "fmt INTEGER NOT NULL, meta INTEGER NOT NULL, p0, p1, p2, p3, p4, p5, p6); "
			 "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "INSERT INTO trace_ev(ts, fmt, meta, p0, p1, p2, p3, p4, p5, p6) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (uint64_t i = 0; i < n; i++) {
		make_event(i, &ts, &ev);
		sqlite3_bind_int64(st, 1, (int64_t)ev.timestamp);
		sqlite3_bind_int64(st, 2, (int64_t)(ev.format_key));
		sqlite3_bind_int64(st, 3, ev.event_id | (int64_t)ev.nparams << 9 |
						  (int64_t)ev.tmsn << 12);
		for (unsigned k = 0; k < 7; k++) {
			if (k < ev.nparams)
				sqlite3_bind_int64(st, 4 + (int)k, ev.params[k]);
			else
				sqlite3_bind_null(st, 4 + (int)k);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_close(h);
	return 0;
fail:
	fprintf(stderr, "bench-store: minimal insert loop: %s\n", h ? sqlite3_errmsg(h) : "no db");
	sqlite3_finalize(st);
	sqlite3_close(h);
	return 1;
}

/* Run fn in a child; its wall time, and its CPU time and peak RSS. */
static int run_child(int (*fn)(const char *, uint64_t), const char *db, uint64_t n,
		     double *ret_wall, double *ret_cpu, long *ret_rss_kib);

static int write_csv(const char *path, uint64_t n)
{
	FILE *f = fopen(path, "w");
	struct store_trace_event ev;
	uint64_t ts = 1000000;
	char msg[FW_LIMIT_TRACE_MESSAGE];

	if (!f)
		return -errno;
	for (uint64_t i = 0; i < n; i++) {
		make_event(i, &ts, &ev);
		/* The formats are ours and take only integers. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(msg, sizeof(msg), ev.format, ev.params[0], ev.params[1], ev.params[2]);
#pragma GCC diagnostic pop
		fprintf(f, "1,1,%llu,0,%u,%s,\"[", (unsigned long long)ev.timestamp, ev.event_id, msg);
		for (unsigned k = 0; k < ev.nparams; k++)
			fprintf(f, "%s%u", k ? "," : "", ev.params[k]);
		fputs("]\"\n", f);
	}
	return fclose(f) ? -errno : 0;
}

static double tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static int run_child(int (*fn)(const char *, uint64_t), const char *db, uint64_t n,
		     double *ret_wall, double *ret_cpu, long *ret_rss_kib)
{
	struct rusage ru;
	double t0;
	int status;
	pid_t pid;

	fflush(stdout);
	rng = 0x9e3779b97f4a7c15ull;
	t0 = now_s();
	pid = fork();
	if (pid == 0)
		_exit(fn(db, n));
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	*ret_wall = now_s() - t0;
	*ret_cpu = tv_s(&ru.ru_utime) + tv_s(&ru.ru_stime);
	*ret_rss_kib = ru.ru_maxrss;
	return 0;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long long)st.st_size;
}

int main(int argc, char **argv)
{
	const char *env = getenv("FWBOX_BENCH_EVENTS");
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : env ? strtoull(env, NULL, 0) : 10000000;
	const char *tmp = argc > 2 ? argv[2] : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[4096], db[4200], csv[4200], idb[4200], mdb[4200], cmd[13000];
	struct rusage rc0, rc1;
	double t0, t_store, t_import, c_store, c_import, t_min, c_min;
	long rss, rss_min;

	snprintf(dir, sizeof(dir), "%s/fwbox-bench-store-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/history.db", dir);
	snprintf(csv, sizeof(csv), "%s/events.csv", dir);
	snprintf(idb, sizeof(idb), "%s/import.db", dir);
	snprintf(mdb, sizeof(mdb), "%s/minimal.db", dir);
	make_formats();

	/* 1. The store, in a child so its peak RSS is its own. */
	if (run_child(load_child, db, n, &t_store, &c_store, &rss) < 0) {
		fprintf(stderr, "bench-store: the load failed\n");
		return 1;
	}
	/* 3. The minimal insert loop, the same way. */
	if (run_child(minimal_child, mdb, n, &t_min, &c_min, &rss_min) < 0) {
		fprintf(stderr, "bench-store: the minimal insert loop failed\n");
		return 1;
	}

	/* 2. The baseline: CSV of the logical rows, imported by sqlite3. */
	rng = 0x9e3779b97f4a7c15ull;
	if (write_csv(csv, n) < 0) {
		fprintf(stderr, "bench-store: cannot write '%s'\n", csv);
		return 1;
	}
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 '%s' 'CREATE TABLE trace_events(bundle INTEGER, device INTEGER, "
		 "timestamp INTEGER, lost INTEGER, event_id INTEGER, message TEXT, parameters TEXT)' "
		 "'.mode csv' '.import %s trace_events'", idb, csv);
	t0 = now_s();
	getrusage(RUSAGE_CHILDREN, &rc0);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-store: sqlite3 .import failed (is the sqlite3 tool installed?)\n");
		return 1;
	}
	t_import = now_s() - t0;
	getrusage(RUSAGE_CHILDREN, &rc1);
	c_import = tv_s(&rc1.ru_utime) + tv_s(&rc1.ru_stime) - tv_s(&rc0.ru_utime) -
		   tv_s(&rc0.ru_stime);

	printf("figure: store-load-events %llu events\n", (unsigned long long)n);
	printf("figure: store-load-rate %.0f events/s\n", (double)n / t_store);
	printf("figure: sqlite3-import-rate %.0f rows/s\n", (double)n / t_import);
	printf("figure: store-load-speedup %.2f x\n", t_import / t_store);
	/* CPU time too: on a shared machine wall time includes waiting. */
	printf("figure: store-load-cpu-rate %.0f events/cpu-s\n", (double)n / c_store);
	printf("figure: sqlite3-import-cpu-rate %.0f rows/cpu-s\n", (double)n / c_import);
	printf("figure: store-load-cpu-speedup %.2f x\n", c_import / c_store);
	printf("figure: minimal-insert-rate %.0f rows/s\n", (double)n / t_min);
	printf("figure: minimal-insert-cpu-rate %.0f rows/cpu-s\n", (double)n / c_min);
	printf("figure: store-load-vs-minimal-insert %.2f x\n", t_min / t_store);
	printf("figure: store-load-vs-minimal-insert-cpu %.2f x\n", c_min / c_store);
	printf("figure: minimal-insert-db-bytes-per-event %.1f bytes\n",
	       (double)file_size(mdb) / (double)n);
	printf("figure: store-load-peak-rss %.1f MiB\n", (double)rss / 1024.0);
	printf("figure: store-db-bytes-per-event %.1f bytes\n", (double)file_size(db) / (double)n);
	printf("figure: import-db-bytes-per-event %.1f bytes\n", (double)file_size(idb) / (double)n);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-store: could not remove '%s'\n", dir);
	return 0;
}
