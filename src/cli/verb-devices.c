/* SPDX-License-Identifier: MIT */
/* fwbox devices: list the ConnectX functions in sysfs and their interfaces. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

static const char usage[] =
	"Usage: fwbox devices [-j|--json] [-p|--pretty] [-r|--sysroot DIR]\n"
	"List the ConnectX (PCI vendor 0x15b3) functions found in sysfs: model, network\n"
	"and RDMA device names, firmware version and PSID, and the kernel interfaces\n"
	"present for each (mlx5ctl, fwctl, devlink, tracefs).\n"
	"\n"
	"  -j, --json          one JSON object per function (fields: fwbox-devices(1))\n"
	"  -p, --pretty        indented JSON; implies --json\n"
	"  -r, --sysroot DIR   read sysfs and /dev under DIR instead of /\n"
	"  -h, --help          show this help\n";

static void ifaces_text(unsigned bits, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < FW_IFACE_COUNT; i++) {
		if (!(bits & (1u << i)))
			continue;
		off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? "," : "",
					fw_iface_name(1u << i));
		if (off >= size)
			break;
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static json_object *fn_json(const struct fw_pci_function *f)
{
	json_object *o = json_object_new_object();
	json_object *ifs = json_object_new_array();
	json_object *nd = json_object_new_array();

	json_object_object_add(o, "pci", cli_json_text(f->pci));
	json_object_object_add(o, "vendor_id", cli_json_int(f->vendor_id));
	json_object_object_add(o, "device_id", cli_json_int(f->device_id));
	json_object_object_add(o, "subsys_vendor_id",
			       f->subsys_vendor_id ? cli_json_int(f->subsys_vendor_id) : NULL);
	json_object_object_add(o, "subsys_device_id",
			       f->subsys_device_id ? cli_json_int(f->subsys_device_id) : NULL);
	json_object_object_add(o, "model", cli_json_text_or_null(f->model));
	json_object_object_add(o, "driver", cli_json_text_or_null(f->driver));
	for (unsigned i = 0; i < FW_IFACE_COUNT; i++)
		if (f->interfaces & (1u << i))
			json_object_array_add(ifs, json_object_new_string(fw_iface_name(1u << i)));
	json_object_object_add(o, "interfaces", ifs);
	json_object_object_add(o, "mlx5ctl_node", cli_json_text_or_null(f->mlx5ctl_node));
	json_object_object_add(o, "fwctl_node", cli_json_text_or_null(f->fwctl_node));
	json_object_object_add(o, "tracefs", cli_json_text_or_null(f->tracefs_dir));
	json_object_object_add(o, "tracefs_enabled",
			       f->tracefs_dir[0] ? json_object_new_boolean(f->tracefs_enabled) : NULL);
	json_object_object_add(o, "netdevs", nd);
	for (unsigned i = 0; i < f->n_netdevs && i < FW_DISCOVER_MAX_NETDEVS; i++)
		json_object_array_add(nd, json_object_new_string(f->netdevs[i]));
	json_object_object_add(o, "rdma", cli_json_text_or_null(f->rdma));
	json_object_object_add(o, "fw_version", cli_json_text_or_null(f->fw_version));
	json_object_object_add(o, "psid", cli_json_text_or_null(f->psid));
	return o;
}

/* "eth0,eth1" ("-" for none; "+N" when more than the list holds). */
static void netdevs_text(const struct fw_pci_function *f, char *buf, size_t size)
{
	size_t off = 0;
	unsigned shown = f->n_netdevs < FW_DISCOVER_MAX_NETDEVS ? f->n_netdevs
							       : FW_DISCOVER_MAX_NETDEVS;

	snprintf(buf, size, "-");
	for (unsigned i = 0; i < shown && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? "," : "",
					f->netdevs[i]);
	if (f->n_netdevs > shown && off < size)
		snprintf(buf + off, size - off, ",+%u", f->n_netdevs - shown);
}

enum { COL_PCI, COL_ID, COL_DRIVER, COL_NETDEV, COL_RDMA, COL_FW, COL_PSID, COL_MODEL, COL_IFS,
       COL_N };

static void row_cells(const struct fw_pci_function *f, char cells[COL_N][160])
{
	snprintf(cells[COL_PCI], 160, "%s", f->pci);
	snprintf(cells[COL_ID], 160, "%04x:%04x", f->vendor_id, f->device_id);
	snprintf(cells[COL_DRIVER], 160, "%s", f->driver[0] ? f->driver : "-");
	netdevs_text(f, cells[COL_NETDEV], 160);
	snprintf(cells[COL_RDMA], 160, "%s", f->rdma[0] ? f->rdma : "-");
	snprintf(cells[COL_FW], 160, "%s", f->fw_version[0] ? f->fw_version : "-");
	snprintf(cells[COL_PSID], 160, "%s", f->psid[0] ? f->psid : "-");
	snprintf(cells[COL_MODEL], 160, "%s", f->model);
	ifaces_text(f->interfaces, cells[COL_IFS], 160);
}

/* Columns as wide as their widest cell, two spaces apart, as lsblk. */
static void print_table(const struct fw_pci_function *list, size_t n)
{
	static const char *const head[COL_N] = { "PCI",  "ID",	 "DRIVER", "NETDEV",	 "RDMA",
						 "FIRMWARE", "PSID", "MODEL",  "INTERFACES" };
	char cells[COL_N][160];
	int w[COL_N];

	for (unsigned k = 0; k < COL_N; k++)
		w[k] = (int)strlen(head[k]);
	for (size_t i = 0; i < n; i++) {
		row_cells(&list[i], cells);
		for (unsigned k = 0; k < COL_N; k++)
			if ((int)strlen(cells[k]) > w[k])
				w[k] = (int)strlen(cells[k]);
	}
	for (unsigned k = 0; k < COL_N; k++)
		if (k + 1 < COL_N)
			printf("%-*s  ", w[k], head[k]);
		else
			printf("%s\n", head[k]);
	for (size_t i = 0; i < n; i++) {
		row_cells(&list[i], cells);
		for (unsigned k = 0; k < COL_N; k++)
			if (k + 1 < COL_N)
				printf("%-*s  ", w[k], cells[k]);
			else
				printf("%s\n", cells[k]);
	}
}

static void log_warning(void *userdata, enum fw_log_level level, const char *msg)
{
	(void)userdata;
	if (level == FW_LOG_WARNING)
		fprintf(stderr, "fwbox devices: warning: %s\n", msg);
}

static int run(struct fw_ctx *ctx, int argc, char **argv);

const struct cli_verb cli_verb_devices = {
	.name = "devices",
	.summary = "list ConnectX functions: names, firmware, kernel interfaces",
	.usage = usage,
	.run = run,
};

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_JSON_LONGOPTS,
		{ "sysroot", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sysroot = "";
	struct fw_pci_function *list;
	struct cli_json json = { 0 };
	size_t n;
	int c;

	while ((c = cli_getopt(argc, argv, "r:h" CLI_JSON_SHORTOPTS, opts, &json)) != -1) {
		switch (c) {
		case 'r':
			sysroot = optarg;
			break;
		case 'h':
			return cli_help(&cli_verb_devices);
		default:
			return cli_option_error(&cli_verb_devices, argv, "r:h" CLI_JSON_SHORTOPTS);
		}
	}
	if (optind != argc)
		return cli_usage_error(&cli_verb_devices, "unexpected argument '%s'", argv[optind]);

	fw_ctx_set_log(ctx, log_warning, NULL);
	if (fw_discover_check_sysroot(ctx, sysroot) < 0)
		return cli_fail(ctx, "devices", "--sysroot");
	if (fw_discover(ctx, sysroot, &list, &n) < 0)
		return cli_fail(ctx, "devices", "cannot list devices");

	if (n == 0) {
		fw_discover_free(list);
		return cli_nothing("devices", "no ConnectX (vendor 0x15b3) functions found in "
				   "'%s/sys/bus/pci/devices'", sysroot);
	}
	if (json.on) {
		for (size_t i = 0; i < n; i++)
			cli_json_emit(&json, fn_json(&list[i]));
	} else {
		print_table(list, n);
	}
	fw_discover_free(list);
	return CLI_EXIT_OK;
}
