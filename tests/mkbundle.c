/* SPDX-License-Identifier: MIT */
/*
 * mkbundle: make a support bundle from plain files through the library's
 * writer.  Test-only (a check_PROGRAM): other folders' tests use it to get
 * real bundles before, or without, the collector.
 *
 * Usage:
 *   tests/mkbundle -o OUT [options] KIND=FILE[:OUTCOME[:REASON]] ...
 *
 *   -o, --output OUT        the bundle to create (must not exist)
 *   --compress C            zstd (default), gzip, xz or none
 *   --level N               compression level (0: the filter's default)
 *   --stage-memory BYTES    staging memory before spilling to a temp file
 *   --pci ADDR              device PCI address (default 0000:08:00.0)
 *   --fw VERSION            firmware version (default 28.39.1002)
 *   --psid PSID             default MT_0000000838
 *   --serial SN             default MT2231X00000
 *   --no-device             write no device note
 *   --host NAME             default "testhost"
 *   --reason TEXT           collection reason (default "test")
 *   --time NS               creation time, ns since the epoch (default now)
 *   --uuid HEX32            bundle UUID as 32 hex digits (default random)
 *
 * Each artifact is KIND=FILE: the bytes of FILE under that kind, outcome ok.
 * KIND=FILE:failed:"ETIMEDOUT on MGIR" records an outcome and a reason (the
 * file may be /dev/null).  KIND@PATH=FILE sets the member path explicitly.
 * The artifact's interface is "host" and its times are the file's mtime.
 *
 * Example:
 *   tests/mkbundle -o b.tar.zst reg.MGIR=mgir.bin trace.strings.0=s0.bin \
 *       crspace=/dev/null:skipped:"not asked"
 * Exit status: 0 written, 1 failure, 2 usage.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwbox.h"

static int usage(void)
{
	fprintf(stderr,
		"Usage: mkbundle -o OUT [--compress zstd|gzip|xz|none] [--level N]\n"
		"       [--stage-memory BYTES] [--pci ADDR] [--fw VERSION] [--psid PSID]\n"
		"       [--serial SN] [--no-device] [--host NAME] [--reason TEXT] [--time NS]\n"
		"       [--uuid HEX32] KIND[@PATH]=FILE[:OUTCOME[:REASON]] ...\n");
	return 2;
}

static int parse_uuid(const char *s, uint8_t out[16])
{
	if (strlen(s) != 32)
		return -1;
	for (int i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int add_file(struct fw_ctx *ctx, struct bundle_writer *w, char *spec)
{
	struct bundle_artifact meta = { 0 };
	struct bundle_stage *s;
	char *eq = strchr(spec, '='), *file, *colon, *at;
	uint8_t *buf;
	struct stat st;
	int fd, r;

	if (!eq) {
		fprintf(stderr, "mkbundle: '%s' is not KIND=FILE\n", spec);
		return 2;
	}
	*eq = '\0';
	file = eq + 1;
	meta.kind = spec;
	at = strchr(spec, '@');
	if (at) {
		*at = '\0';
		meta.path = at + 1;
	}
	colon = strchr(file, ':');
	meta.reason = "";
	if (colon) {
		char *reason;

		*colon = '\0';
		reason = strchr(colon + 1, ':');
		if (reason) {
			*reason = '\0';
			meta.reason = reason + 1;
		}
		if (bundle_outcome_parse(colon + 1, &meta.outcome) < 0) {
			fprintf(stderr, "mkbundle: unknown outcome '%s'\n", colon + 1);
			return 2;
		}
	}
	meta.interface = "host";
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "mkbundle: cannot open '%s': %s\n", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	meta.start_ns = meta.end_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000ull +
				      (uint64_t)st.st_mtim.tv_nsec;
	buf = malloc(1 << 20);
	r = buf ? bundle_writer_begin(w, &s) : -ENOMEM;
	while (r >= 0) {
		ssize_t n = read(fd, buf, 1 << 20);

		if (n < 0) {
			fprintf(stderr, "mkbundle: reading '%s': %s\n", file, strerror(errno));
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		r = bundle_stage_append(s, buf, (size_t)n);
	}
	if (r >= 0)
		r = bundle_writer_end(w, s, &meta);
	free(buf);
	close(fd);
	if (r < 0) {
		fprintf(stderr, "mkbundle: adding '%s': %s\n", file, fw_ctx_errmsg(ctx));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "compress", required_argument, NULL, 'c' },
		{ "level", required_argument, NULL, 'l' },
		{ "stage-memory", required_argument, NULL, 'm' },
		{ "pci", required_argument, NULL, 'p' },
		{ "fw", required_argument, NULL, 'f' },
		{ "psid", required_argument, NULL, 'P' },
		{ "serial", required_argument, NULL, 'S' },
		{ "no-device", no_argument, NULL, 'N' },
		{ "host", required_argument, NULL, 'H' },
		{ "reason", required_argument, NULL, 'R' },
		{ "time", required_argument, NULL, 't' },
		{ "uuid", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	struct bundle_writer_options opts = { 0 };
	struct bundle_header h = { .host = "testhost", .reason = "test" };
	struct bundle_device d = {
		.pci = "0000:08:00.0",
		.vendor_id = 0x15b3,
		.device_id = 0x101d,
		.subsys_vendor_id = 0x15b3,
		.subsys_device_id = 0x0016,
		.model = "MT2892 Family [ConnectX-6 Dx]",
		.fw_version = "28.39.1002",
		.psid = "MT_0000000838",
		.board_id = "MT_0000000838",
		.serial = "MT2231X00000",
		.kernel = "6.1.0-test",
		.driver = "mlx5_core",
		.sensitive = BUNDLE_DEV_SERIAL | BUNDLE_DEV_HOST | BUNDLE_DEV_BOARD_ID,
	};
	struct bundle_writer *w = NULL;
	struct fw_ctx *ctx = NULL;
	const char *out = NULL;
	bool device = true;
	char *cmdline = NULL;
	size_t cmdlen = 0;
	int c, r, status = 1;

	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'c':
			if (bundle_compression_parse(optarg, &opts.compression) < 0)
				return usage();
			break;
		case 'l':
			opts.level = atoi(optarg);
			break;
		case 'm':
			opts.stage_memory = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			d.pci = optarg;
			break;
		case 'f':
			d.fw_version = optarg;
			break;
		case 'P':
			d.psid = optarg;
			break;
		case 'S':
			d.serial = optarg;
			break;
		case 'N':
			device = false;
			break;
		case 'H':
			h.host = optarg;
			break;
		case 'R':
			h.reason = optarg;
			break;
		case 't':
			h.created_ns = strtoull(optarg, NULL, 0);
			break;
		case 'u':
			if (parse_uuid(optarg, h.uuid) < 0)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (!out)
		return usage();
	for (int i = 0; i < argc; i++)
		cmdlen += strlen(argv[i]) + 1;
	cmdline = calloc(1, cmdlen + 1);
	for (int i = 0; cmdline && i < argc; i++) {
		if (i)
			strcat(cmdline, " ");
		strcat(cmdline, argv[i]);
	}
	h.cmdline = cmdline;
	if (fw_ctx_new(&ctx) < 0)
		goto out;
	r = bundle_writer_new(ctx, out, &opts, &w);
	if (r >= 0)
		r = bundle_writer_set_header(w, &h);
	if (r >= 0 && device)
		r = bundle_writer_set_device(w, &d);
	if (r < 0) {
		fprintf(stderr, "mkbundle: %s\n", fw_ctx_errmsg(ctx));
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		r = add_file(ctx, w, argv[i]);
		if (r) {
			status = r;
			goto out;
		}
	}
	r = bundle_writer_commit(w, NULL);
	if (r < 0) {
		fprintf(stderr, "mkbundle: %s\n", fw_ctx_errmsg(ctx));
		goto out;
	}
	status = 0;
out:
	bundle_writer_free(w);
	fw_ctx_free(ctx);
	free(cmdline);
	return status;
}
