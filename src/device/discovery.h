/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * discovery: ConnectX PCI functions found in sysfs (vendor 0x15b3), their
 * model name and which interfaces exist for each.  Every path is read under
 * a sysroot ("" or NULL for "/"), so captured trees can be tested.
 *
 * What counts as present (all read from sysfs, nothing is opened):
 *  - mlx5ctl: an auxiliary device mlx5_core.ctl.N under the PCI function
 *    and its misc device (…/misc/mlx5ctl-mlx5_core.ctl.N) or the node
 *    /dev/mlx5ctl-mlx5_core.ctl.N;
 *  - fwctl: /sys/class/fwctl/fwctlN whose `device` link resolves to the
 *    PCI function; node /dev/fwctl/fwctlN;
 *  - devlink: the function is bound to mlx5_core (which registers
 *    "pci/<address>" with devlink);
 *  - tracefs: bound to mlx5_core and events/mlx5/mlx5_fw exists in
 *    /sys/kernel/tracing or /sys/kernel/debug/tracing.
 * The function's netdev and RDMA names, firmware version and PSID come from
 * sysfs too, with one exception: on the real root, a function with a
 * network interface but no RDMA device asks ethtool (SIOCETHTOOL
 * ETHTOOL_GDRVINFO, which needs no privilege) for the version.
 * Model names come from libpci's pci.ids lookup; a sysroot that carries
 * its own usr/share/misc/pci.ids uses it (so captured trees give the same
 * names everywhere), else the system's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define FW_PCI_VENDOR_MELLANOX 0x15b3
#define FW_DISCOVER_MAX_NETDEVS 8u

enum fw_iface {
	FW_IFACE_MLX5CTL = 1u << 0,
	FW_IFACE_FWCTL = 1u << 1,
	FW_IFACE_DEVLINK = 1u << 2,
	FW_IFACE_TRACEFS = 1u << 3,
};
#define FW_IFACE_COUNT 4u

struct fw_pci_function {
	char pci[32];                  /* "0000:08:00.0" */
	uint16_t vendor_id, device_id, subsys_vendor_id, subsys_device_id;
	char model[128];               /* from pci.ids, or "device 15b3:1021" */
	char driver[64];               /* bound driver, "" if none */
	unsigned interfaces;           /* FW_IFACE_* bits */
	char mlx5ctl_node[128];        /* "/dev/mlx5ctl-mlx5_core.ctl.0" or "" */
	char fwctl_node[64];           /* "/dev/fwctl/fwctl0" or "" */
	char tracefs_dir[64];          /* "/sys/kernel/tracing" or "" */
	bool tracefs_enabled;          /* events/mlx5/mlx5_fw/enable reads 1 */
	/* The kernel's names for the function: its network interfaces
	 * (…/net/NAME, sorted; representors included) and its RDMA device
	 * (…/infiniband/NAME, one per function), "" when absent. */
	char netdevs[FW_DISCOVER_MAX_NETDEVS][16];
	unsigned n_netdevs;            /* more than the array holds are counted */
	char rdma[64];
	/* Firmware version ("28.39.2048") and PSID ("MT_0000000838"), "" when
	 * unknown: the RDMA device's fw_ver and board_id attributes; without
	 * one, on the real root only, ethtool's driver information of the
	 * first network interface (mlx5 reports "28.39.2048 (MT_0000000838)"). */
	char fw_version[32];
	char psid[32];
};

/*
 * List the ConnectX functions under sysroot, sorted by PCI address.  No
 * functions is success with *ret_n = 0 (and *ret = NULL).  Entries that
 * cannot be read are skipped with a warning on the log callback.
 */
int fw_discover(struct fw_ctx *ctx, const char *sysroot, struct fw_pci_function **ret,
		size_t *ret_n);
/* A sysroot given by the user must hold a sysfs copy: -ENOENT with a message
 * naming the missing '<sysroot>/sys/bus/pci/devices' otherwise (fw_discover()
 * treats that as "nothing found", as in a container without a PCI bus).
 * "" or NULL (the real root) is always accepted. */
int fw_discover_check_sysroot(struct fw_ctx *ctx, const char *sysroot);
/* Look up one function by PCI address ("0000:08:00.0" or "08:00.0");
 * -ENOENT with a message if it is absent or not a ConnectX. */
int fw_discover_one(struct fw_ctx *ctx, const char *sysroot, const char *pci,
		    struct fw_pci_function *ret);
void fw_discover_free(struct fw_pci_function *f);
/* "mlx5ctl", "fwctl", "devlink", "tracefs" for one FW_IFACE_* bit. */
const char *fw_iface_name(unsigned bit);
