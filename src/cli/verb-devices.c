/* SPDX-License-Identifier: MIT */
/* fwbox devices: list the ConnectX functions in sysfs and their interfaces. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"

static const char usage[] =
	"Usage: fwbox devices [-j|--json] [-r|--sysroot DIR]\n"
	"List the ConnectX (PCI vendor 0x15b3) functions found in sysfs, their model\n"
	"and the kernel interfaces present for each (mlx5ctl, fwctl, devlink, tracefs).\n"
	"\n"
	"  -j, --json          print a JSON array of objects instead of a table\n"
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
	char hex[8];

	json_object_object_add(o, "pci", json_object_new_string(f->pci));
#define HEXFIELD(name, v)                                                     \
	snprintf(hex, sizeof(hex), "%04x", v);                                \
	json_object_object_add(o, name, json_object_new_string(hex));
	HEXFIELD("vendor_id", f->vendor_id)
	HEXFIELD("device_id", f->device_id)
	HEXFIELD("subsys_vendor_id", f->subsys_vendor_id)
	HEXFIELD("subsys_device_id", f->subsys_device_id)
#undef HEXFIELD
	json_object_object_add(o, "model", json_object_new_string(f->model));
	json_object_object_add(o, "driver", f->driver[0] ? json_object_new_string(f->driver) : NULL);
	for (unsigned i = 0; i < FW_IFACE_COUNT; i++)
		if (f->interfaces & (1u << i))
			json_object_array_add(ifs, json_object_new_string(fw_iface_name(1u << i)));
	json_object_object_add(o, "interfaces", ifs);
	if (f->mlx5ctl_node[0])
		json_object_object_add(o, "mlx5ctl_node", json_object_new_string(f->mlx5ctl_node));
	if (f->fwctl_node[0])
		json_object_object_add(o, "fwctl_node", json_object_new_string(f->fwctl_node));
	if (f->tracefs_dir[0]) {
		json_object_object_add(o, "tracefs", json_object_new_string(f->tracefs_dir));
		json_object_object_add(o, "tracefs_enabled", json_object_new_boolean(f->tracefs_enabled));
	}
	return o;
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
	.summary = "list ConnectX functions and their kernel interfaces",
	.usage = usage,
	.run = run,
};

static int run(struct fw_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysroot", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sysroot = "";
	struct fw_pci_function *list;
	bool json = false;
	size_t n;
	int c;

	opterr = 0; /* one message, ours */
	while ((c = getopt_long(argc, argv, "jr:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'r':
			sysroot = optarg;
			break;
		case 'h':
			return cli_help(&cli_verb_devices);
		default:
			return cli_option_error(&cli_verb_devices, argv, "jr:h");
		}
	}
	if (optind != argc)
		return cli_usage_error(&cli_verb_devices, "unexpected argument '%s'", argv[optind]);

	fw_ctx_set_log(ctx, log_warning, NULL);
	if (fw_discover_check_sysroot(ctx, sysroot) < 0)
		return cli_fail(ctx, "devices", "--sysroot");
	if (fw_discover(ctx, sysroot, &list, &n) < 0)
		return cli_fail(ctx, "devices", "cannot list devices");

	if (json) {
		json_object *arr = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, fn_json(&list[i]));
		cli_print_json(arr);
		json_object_put(arr);
	} else if (n == 0) {
		fprintf(stderr, "fwbox devices: no ConnectX (vendor 0x15b3) functions found in '%s/sys/bus/pci/devices'\n",
			sysroot);
	} else {
		printf("%-14s %-10s %-10s %-32s %s\n", "PCI", "ID", "DRIVER", "MODEL", "INTERFACES");
		for (size_t i = 0; i < n; i++) {
			char ids[16], ifs[64];

			snprintf(ids, sizeof(ids), "%04x:%04x", list[i].vendor_id, list[i].device_id);
			ifaces_text(list[i].interfaces, ifs, sizeof(ifs));
			printf("%-14s %-10s %-10s %-32s %s\n", list[i].pci, ids,
			       list[i].driver[0] ? list[i].driver : "-", list[i].model, ifs);
		}
	}
	fw_discover_free(list);
	return CLI_EXIT_OK;
}
