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
	char dir[4096], db[4200], csv[4200], idb[4200], cmd[13000];
	struct rusage ru, rc0, rc1;
	double t0, t_store, t_import, c_store, c_import;
	int status;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/fwbox-bench-store-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/history.db", dir);
	snprintf(csv, sizeof(csv), "%s/events.csv", dir);
	snprintf(idb, sizeof(idb), "%s/import.db", dir);
	make_formats();

	/* 1. The store, in a child so its peak RSS is its own. */
	fflush(stdout);
	rng = 0x9e3779b97f4a7c15ull;
	t0 = now_s();
	pid = fork();
	if (pid == 0)
		_exit(load_child(db, n));
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "bench-store: the load failed\n");
		return 1;
	}
	t_store = now_s() - t0;
	c_store = tv_s(&ru.ru_utime) + tv_s(&ru.ru_stime);

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
	printf("figure: store-load-peak-rss %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
	printf("figure: store-db-bytes-per-event %.1f bytes\n", (double)file_size(db) / (double)n);
	printf("figure: import-db-bytes-per-event %.1f bytes\n", (double)file_size(idb) / (double)n);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-store: could not remove '%s'\n", dir);
	return 0;
}
