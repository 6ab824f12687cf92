/* SPDX-License-Identifier: MIT */
/*
 * vm-probe: the library's devlink reads and fmsg decoder as a command, for
 * the real-kernel test (tests/vm/run-netdevsim.sh).  Test-only (a
 * check_PROGRAM): it runs inside the qemu guest against netdevsim, next to
 * iproute2's devlink, and on the host to decode what the guest stored.
 *
 * Usage:
 *   vm-probe reporters BUS/DEV             one line per reporter:
 *                                          NAME STATE ERRORS RECOVERS HAS_DUMP DUMP_TS_NS
 *   vm-probe diagnose BUS/DEV REPORTER OUT raw fmsg items of DIAGNOSE into OUT
 *   vm-probe dump BUS/DEV REPORTER OUT     the stored dump's fmsg items into OUT;
 *                                          exit 3 when the kernel holds none
 *   vm-probe regions BUS/DEV               one line per region: NAME SIZE SNAPSHOT-IDS...
 *   vm-probe region-read BUS/DEV REGION ID OUT
 *   vm-probe monitor BUS/DEV N             join the health notifications, print
 *                                          "monitoring" (the handshake), then one
 *                                          line per event of BUS/DEV until N:
 *                                          REPORTER STATE ERRORS RECOVERS HAS_DUMP
 *   vm-probe items FILE                    decode fmsg items: one JSON object a
 *                                          line per value, problems as
 *                                          {"problem": ...} lines
 *
 * Exit status: 0 done, 1 failure, 2 usage, 3 no stored dump.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "device/devlink-monitor.h"
#include "device/transports.h"
#include "health.h"

static int usage(void)
{
	fprintf(stderr, "Usage: vm-probe reporters|regions BUS/DEV\n"
			"       vm-probe diagnose|dump BUS/DEV REPORTER OUT\n"
			"       vm-probe region-read BUS/DEV REGION ID OUT\n"
			"       vm-probe items FILE\n");
	return 2;
}

static int split_handle(const char *handle, char *bus, size_t bsz, char *dev, size_t dsz)
{
	const char *slash = strchr(handle, '/');

	if (!slash || slash == handle || !slash[1] || (size_t)(slash - handle) >= bsz ||
	    strlen(slash + 1) >= dsz)
		return -EINVAL;
	memcpy(bus, handle, (size_t)(slash - handle));
	bus[slash - handle] = '\0';
	strcpy(dev, slash + 1);
	return 0;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -errno;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

static void json_string(const char *s, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int on_item(void *ud, const struct health_item *h)
{
	(void)ud;
	if (h->event != HEALTH_VALUE)
		return 0;
	printf("{\"path\": ");
	json_string(h->path, strlen(h->path));
	printf(", \"type\": \"%s\", \"value\": ", health_vtype_name(h->type));
	switch (h->type) {
	case HEALTH_BOOL:
		printf("%s", h->u ? "true" : "false");
		break;
	case HEALTH_STRING:
		json_string(h->str, strlen(h->str));
		break;
	case HEALTH_BINARY:
		putchar('[');
		for (size_t i = 0; i < h->bin_len; i++)
			printf("%s%u", i ? "," : "", h->bin[i]);
		putchar(']');
		break;
	default:
		printf("%" PRIu64, h->u);
		break;
	}
	printf("}\n");
	return 0;
}

static void on_problem(void *ud, uint64_t offset, int err, const char *msg)
{
	(void)ud;
	printf("{\"problem\": ");
	json_string(msg, strlen(msg));
	printf(", \"offset\": %" PRIu64 ", \"errno\": %d}\n", offset, -err);
}

static int items(struct fw_ctx *ctx, const char *path)
{
	struct health_fmsg *f = NULL;
	FILE *in = fopen(path, "rb");
	uint8_t buf[4096];
	size_t n;
	int r;

	if (!in) {
		fprintf(stderr, "vm-probe: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	r = health_fmsg_new(ctx, on_item, on_problem, NULL, &f);
	while (r >= 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		r = health_fmsg_feed(f, buf, n);
	if (r >= 0)
		r = health_fmsg_finish(f);
	health_fmsg_free(f);
	fclose(in);
	if (r < 0) {
		fprintf(stderr, "vm-probe: %s\n", fw_ctx_errmsg(ctx));
		return 1;
	}
	return 0;
}

static int monitor(struct fw_ctx *ctx, const char *bus, const char *dev, unsigned long want)
{
	struct fw_devlink_monitor *m = NULL;
	struct fw_devlink_event ev[16];
	unsigned long seen = 0;
	int r;

	r = fw_devlink_monitor_open(ctx, &m);
	if (r < 0) {
		fprintf(stderr, "vm-probe: %s\n", fw_ctx_errmsg(ctx));
		return 1;
	}
	printf("monitoring\n");
	fflush(stdout);
	while (seen < want) {
		struct pollfd p = { .fd = fw_devlink_monitor_fd(m), .events = POLLIN };

		if (poll(&p, 1, -1) < 0)
			break;
		r = fw_devlink_monitor_read(m, ev, 16);
		if (r < 0) {
			fprintf(stderr, "vm-probe: %s\n", fw_ctx_errmsg(ctx));
			break;
		}
		for (int i = 0; i < r; i++) {
			if (strcmp(ev[i].bus, bus) || strcmp(ev[i].dev, dev))
				continue;
			printf("%s %u %" PRIu64 " %" PRIu64 " %d\n", ev[i].rep.name, ev[i].rep.state,
			       ev[i].rep.error_count, ev[i].rep.recover_count, ev[i].rep.has_dump);
			fflush(stdout);
			seen++;
		}
	}
	fw_devlink_monitor_close(m);
	return seen == want ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct fw_ctx *ctx = NULL;
	struct fw_devlink *dl = NULL;
	char bus[64], dev[128];
	void *data = NULL;
	size_t len = 0;
	int r, ret = 1;

	if (argc < 3)
		return usage();
	if (fw_ctx_new(&ctx) < 0)
		return 1;
	if (!strcmp(argv[1], "items")) {
		ret = argc == 3 ? items(ctx, argv[2]) : usage();
		goto out;
	}
	if (split_handle(argv[2], bus, sizeof(bus), dev, sizeof(dev)) < 0) {
		fprintf(stderr, "vm-probe: '%s' is not a BUS/DEV devlink handle\n", argv[2]);
		ret = 2;
		goto out;
	}
	if (!strcmp(argv[1], "monitor") && argc == 4) {
		ret = monitor(ctx, bus, dev, strtoul(argv[3], NULL, 10));
		goto out;
	}
	r = fw_devlink_open(ctx, &dl);
	if (r < 0)
		goto fail;
	if (!strcmp(argv[1], "reporters") && argc == 3) {
		struct fw_health_reporter *rep = NULL;
		size_t n = 0;

		r = fw_devlink_reporters(dl, bus, dev, &rep, &n);
		if (r < 0)
			goto fail;
		for (size_t i = 0; i < n; i++)
			printf("%s %u %" PRIu64 " %" PRIu64 " %d %" PRIu64 "\n", rep[i].name,
			       rep[i].state, rep[i].error_count, rep[i].recover_count,
			       rep[i].has_dump, rep[i].dump_ts_ns);
		free(rep);
	} else if ((!strcmp(argv[1], "diagnose") || !strcmp(argv[1], "dump")) && argc == 5) {
		if (argv[1][1] == 'i')
			r = fw_devlink_diagnose(dl, bus, dev, argv[3], &data, &len);
		else
			r = fw_devlink_dump_get(dl, bus, dev, argv[3], &data, &len);
		if (r == -ENOENT) {
			fprintf(stderr, "vm-probe: %s\n", fw_ctx_errmsg(ctx));
			ret = 3;
			goto out;
		}
		if (r < 0)
			goto fail;
		r = write_file(argv[4], data, len);
		if (r < 0)
			goto fail_io;
	} else if (!strcmp(argv[1], "regions") && argc == 3) {
		struct fw_devlink_region *reg = NULL;
		size_t n = 0;

		r = fw_devlink_regions(dl, bus, dev, &reg, &n);
		if (r < 0)
			goto fail;
		for (size_t i = 0; i < n; i++) {
			printf("%s %" PRIu64, reg[i].name, reg[i].size);
			for (size_t j = 0; j < reg[i].nsnapshots; j++)
				printf(" %u", reg[i].snapshots[j]);
			printf("\n");
		}
		fw_devlink_free_regions(reg, n);
	} else if (!strcmp(argv[1], "region-read") && argc == 6) {
		r = fw_devlink_region_read(dl, bus, dev, argv[3], (uint32_t)strtoul(argv[4], NULL, 0),
					   &data, &len);
		if (r < 0)
			goto fail;
		r = write_file(argv[5], data, len);
		if (r < 0)
			goto fail_io;
	} else {
		ret = usage();
		goto out;
	}
	ret = 0;
	goto out;
fail_io:
	fprintf(stderr, "vm-probe: cannot write '%s': %s\n", argv[argc - 1], strerror(-r));
	goto out;
fail:
	fprintf(stderr, "vm-probe: %s\n", fw_ctx_errmsg(ctx));
out:
	free(data);
	fw_devlink_close(dl);
	fw_ctx_free(ctx);
	return ret;
}
