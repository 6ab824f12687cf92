/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * mockdev: a fake ConnectX command node for the mlx5ctl and fwctl tests,
 * built on umockdev.  The transports run their real open() and ioctl()
 * code; libumockdev-preload redirects /dev/<node> into a testbed and sends
 * each ioctl to a handler in this process, which plays the kernel driver
 * (argument checks, UID stamping, copy-back) in front of a responder that
 * plays the firmware.
 *
 * Why umockdev and not a shim of our own: its ioctl handler API resolves
 * user pointers inside ioctl arguments (the inbox/outbox of CMDRPC and
 * FWCTL_RPC) from the client's memory, which is exactly what these ABIs
 * need, and it is packaged in Debian.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Re-execute the test under libumockdev-preload unless already there.
 * Returns only when running under the preload; exits 77 (skip) when the
 * preload cannot be used. */
void mockdev_reexec(int argc, char **argv);

enum mockdev_kind { MOCKDEV_MLX5CTL, MOCKDEV_FWCTL };

/* What the fake firmware does with one command: fill out (outlen bytes)
 * from in; return 0, or a positive errno for the ioctl to fail with. */
typedef int (*mockdev_fw_fn)(void *userdata, const uint8_t *in, size_t inlen, uint8_t *out,
			     size_t outlen);

struct mockdev_log {
	unsigned ioctls;               /* every ioctl seen */
	unsigned rpcs;                 /* RPCs that reached the firmware */
	uint16_t last_opcode;
	uint16_t last_uid;             /* UID field of the inbox as the firmware saw it */
	uint32_t last_scope;           /* fwctl only */
	unsigned long last_request;
};

struct mockdev;
/* Create a testbed with node (e.g. "/dev/fwctl/fwctl0"). */
struct mockdev *mockdev_new(enum mockdev_kind kind, const char *node, mockdev_fw_fn fw,
			    void *userdata);
void mockdev_free(struct mockdev *m);
/* A testbed with a ConnectX PCI function (vendor 0x15b3, bound to
 * mlx5_core) in sysfs and, as its children, the fwctl and/or mlx5ctl nodes
 * /dev/fwctl/fwctl0 and /dev/mlx5ctl-mlx5_core.ctl.0. */
#define MOCKDEV_NODE_FWCTL 1u
#define MOCKDEV_NODE_MLX5CTL 2u
struct mockdev *mockdev_new_pci(const char *pci, uint16_t device_id, unsigned nodes,
				mockdev_fw_fn fw, void *userdata);
/* Every ioctl on a node whose path contains node_part fails with err. */
void mockdev_fail_node(struct mockdev *m, const char *node_part, int err);
/* The next ioctl fails with this errno before reaching the firmware. */
void mockdev_fail_next(struct mockdev *m, int err);
/* fwctl: the device type FWCTL_INFO reports (default MLX5). */
void mockdev_set_device_type(struct mockdev *m, uint32_t type);
const struct mockdev_log *mockdev_log(const struct mockdev *m);

#define MOCKDEV_UID 0x1d2
#define MOCKDEV_UCTX_CAPS 0x4
