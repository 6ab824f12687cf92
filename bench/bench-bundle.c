/* SPDX-License-Identifier: MIT */
/*
 * bench-bundle: write a realistic ~50 MB artifact set through the bundle
 * writer, and the same files with `tar -c | zstd -3`, in the same run.
 *
 * The set (deterministic, from a fixed seed):
 *   - 240 register snapshots of 4-64 KiB: mostly zero, a few fields set
 *     (highly compressible, like access registers and HCA caps);
 *   - 4 firmware-trace rings of 8 MiB: 64-bit events with a timestamp
 *     every 32nd word and noisy parameters (poorly compressible);
 *   - 2 CR-space images of 4 MiB: dwords 45% zero, 20% small, 10%
 *     0xbadacce5, 25% random;
 *   - 2 MiB of kernel-log-like text.
 * Both sides read the files from the page cache and fsync their output.
 * Each time is the median of 5 interleaved runs.
 *
 * Prints: figure: bundle_write_time_ratio (library / tar|zstd wall time,
 * median; < 1 is faster), bundle_write_cpu_ratio (user+system CPU, summed),
 * bundle_size_ratio (library / tar|zstd), and both MB/s.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwbox.h"

#define RUNS 5

struct file {
	char name[64];
	char kind[64];
	size_t size;
};

static struct file files[300];
static size_t n_files;
static uint64_t total_bytes;
static char dir[256];

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t stage_ns;    /* summed over the runs: staging part of the library time */

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void put(const char *name, const char *kind, const uint8_t *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "bench-bundle: cannot write '%s'\n", path);
		exit(1);
	}
	snprintf(files[n_files].name, sizeof(files[0].name), "%s", name);
	snprintf(files[n_files].kind, sizeof(files[0].kind), "%s", kind);
	files[n_files].size = len;
	n_files++;
	total_bytes += len;
}

static void generate(void)
{
	size_t max = 8u << 20;
	uint8_t *buf = malloc(max);
	char name[64], kind[64];

	if (!buf)
		exit(1);
	for (int i = 0; i < 240; i++) {
		size_t len = (size_t)(4 + next() % 61) << 10;

		memset(buf, 0, len);
		for (size_t j = 0; j < len / 64; j++)
			buf[(next() % (len / 4)) * 4 + 3] = (uint8_t)next();
		for (size_t j = 0; j < 64 && j < len; j++)
			buf[j] = (uint8_t)(i + j);
		snprintf(name, sizeof(name), "reg%03d.bin", i);
		snprintf(kind, sizeof(kind), "reg.R%03d", i);
		put(name, kind, buf, len);
	}
	for (int i = 0; i < 4; i++) {
		uint64_t ts = 1000000;

		for (size_t j = 0; j < max / 8; j++) {
			uint64_t w;

			if (j % 32 == 0) {
				ts += next() % 4096;
				w = (0xffull << 56) | ts;
			} else {
				/* event id, a small format index, a noisy parameter */
				w = ((uint64_t)(next() % 8) << 56) | ((uint64_t)(next() % 3000) << 40) |
				    ((next() % 4) ? (uint64_t)(next() & 0xffff) : (uint64_t)next());
			}
			memcpy(buf + j * 8, &w, 8);
		}
		snprintf(name, sizeof(name), "trace%d.bin", i);
		snprintf(kind, sizeof(kind), "trace.ring.%d", i);
		put(name, kind, buf, max);
	}
	for (int i = 0; i < 2; i++) {
		size_t len = 4u << 20;

		for (size_t j = 0; j < len / 4; j++) {
			uint32_t r = next() % 100, v;

			if (r < 45)
				v = 0;
			else if (r < 65)
				v = next() % 256;
			else if (r < 75)
				v = 0xbadacce5;
			else
				v = next();
			memcpy(buf + j * 4, &v, 4);
		}
		snprintf(name, sizeof(name), "crspace%d.bin", i);
		snprintf(kind, sizeof(kind), "crspace.%d", i);
		put(name, kind, buf, len);
	}
	{
		size_t len = 0;

		while (len < (2u << 20) - 200)
			len += (size_t)snprintf((char *)buf + len, 200,
						"[%8u.%06u] mlx5_core 0000:08:00.0: event %u syndrome 0x%08x\n",
						next() % 100000, next() % 1000000, next() % 64, next());
		put("kernel.log", "kernel.log", buf, len);
	}
	free(buf);
}

static int write_bundle(const char *out)
{
	struct fw_ctx *ctx = NULL;
	struct bundle_writer *w = NULL;
	struct bundle_header h = { .host = "bench", .reason = "bench" };
	struct bundle_writer_options o = { 0 };
	uint8_t *buf = malloc(1 << 20);
	int r;

	uint64_t t0 = fw_monotonic_ns();

	fw_ctx_new(&ctx);
	/* FWBOX_BENCH_THREADS overrides the zstd worker count (default 2). */
	if (getenv("FWBOX_BENCH_THREADS"))
		o.threads = (unsigned)atoi(getenv("FWBOX_BENCH_THREADS"));
	r = bundle_writer_new(ctx, out, &o, &w);
	if (r >= 0)
		r = bundle_writer_set_header(w, &h);
	for (size_t i = 0; r >= 0 && i < n_files; i++) {
		struct bundle_artifact m = { .kind = files[i].kind, .path = files[i].name,
					     .interface = "emu" };
		struct bundle_stage *s;
		char path[512];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		fd = open(path, O_RDONLY);
		r = fd < 0 ? -errno : bundle_writer_begin(w, &s);
		while (r >= 0) {
			ssize_t n = read(fd, buf, 1 << 20);

			if (n <= 0)
				break;
			r = bundle_stage_append(s, buf, (size_t)n);
		}
		if (r >= 0)
			r = bundle_writer_end(w, s, &m);
		if (fd >= 0)
			close(fd);
	}
	stage_ns += fw_monotonic_ns() - t0;
	if (r >= 0)
		r = bundle_writer_commit(w, NULL);
	if (r < 0)
		fprintf(stderr, "bench-bundle: %s\n", fw_ctx_errmsg(ctx));
	bundle_writer_free(w);
	fw_ctx_free(ctx);
	free(buf);
	return r;
}

static int write_tar_zstd(const char *out)
{
	char *cmd;
	size_t cap = 64 + n_files * 80 + 1024, len;
	int r;

	cmd = malloc(cap);
	if (!cmd)
		return -ENOMEM;
	len = (size_t)snprintf(cmd, cap, "tar -cf - -C '%s'", dir);
	for (size_t i = 0; i < n_files; i++)
		len += (size_t)snprintf(cmd + len, cap - len, " %s", files[i].name);
	/* sync FILE fsyncs it, as the library does with its bundle. */
	snprintf(cmd + len, cap - len, " | zstd -3 -q -c > '%s' && sync '%s'", out, out);
	r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -EIO;
}

/* CPU seconds (user + system) of this process or of its waited children. */
static double cpu_s(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	uint64_t t_lib[RUNS], t_tar[RUNS], s_lib = 0, s_tar = 0;
	double cpu_lib = 0, cpu_tar = 0;
	char out_lib[512], out_tar[512], cmd[600];

	snprintf(dir, sizeof(dir), "%s/fwbox-bench-XXXXXX", tmp ? tmp : "/var/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	generate();
	snprintf(out_lib, sizeof(out_lib), "%s/out.tar.zst", dir);
	snprintf(out_tar, sizeof(out_tar), "%s/cli.tar.zst", dir);
	/* Warm the page cache once for both sides. */
	write_tar_zstd(out_tar);
	unlink(out_tar);
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0;

		unlink(out_lib);
		unlink(out_tar);
		double c0 = cpu_s(RUSAGE_SELF);

		t0 = fw_monotonic_ns();
		if (write_bundle(out_lib) < 0)
			return 1;
		t_lib[i] = fw_monotonic_ns() - t0;
		cpu_lib += cpu_s(RUSAGE_SELF) - c0;
		c0 = cpu_s(RUSAGE_CHILDREN);
		t0 = fw_monotonic_ns();
		if (write_tar_zstd(out_tar) < 0) {
			fprintf(stderr, "bench-bundle: tar | zstd failed\n");
			return 1;
		}
		t_tar[i] = fw_monotonic_ns() - t0;
		cpu_tar += cpu_s(RUSAGE_CHILDREN) - c0;
		s_lib = file_size(out_lib);
		s_tar = file_size(out_tar);
	}
	qsort(t_lib, RUNS, sizeof(t_lib[0]), cmp_u64);
	qsort(t_tar, RUNS, sizeof(t_tar[0]), cmp_u64);
	printf("input: %zu files, %.1f MB\n", n_files, total_bytes / 1e6);
	printf("staging (read + hash + copy): %.0f ms of a median %.0f ms per library run\n",
	       stage_ns / 1e6 / RUNS, t_lib[RUNS / 2] / 1e6);
	printf("figure: bundle_write_mb_per_s %.1f MB/s\n", total_bytes / 1e6 / (t_lib[RUNS / 2] / 1e9));
	printf("figure: tar_zstd3_write_mb_per_s %.1f MB/s\n",
	       total_bytes / 1e6 / (t_tar[RUNS / 2] / 1e9));
	printf("figure: bundle_write_time_ratio %.3f ratio\n",
	       (double)t_lib[RUNS / 2] / (double)t_tar[RUNS / 2]);
	/* CPU time is less sensitive than wall time to a busy machine. */
	printf("figure: bundle_write_cpu_ratio %.3f ratio\n", cpu_lib / cpu_tar);
	printf("figure: bundle_size_ratio %.4f ratio\n", (double)s_lib / (double)s_tar);
	printf("figure: bundle_compression_ratio %.2f ratio\n", (double)total_bytes / (double)s_lib);
	if (getenv("FWBOX_BENCH_KEEP")) {
		printf("kept: %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
