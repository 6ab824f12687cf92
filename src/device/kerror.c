/* SPDX-License-Identifier: MIT */
/*
 * kerror: what a failed system call on a kernel interface means and what
 * to do about it, per interface (the same errno means different things to
 * fwctl, mlx5ctl and devlink).  Every kernel back-end reports its errors
 * through fw_kernel_error(), so the advice is written once.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "device/kerror.h"

/* What to do about err on iface; NULL when errno's own text is all we know. */
static const char *kernel_advice(int err, const char *iface, const char *what)
{
	bool is_open = strcmp(what, "open") == 0;
	bool fwctl = strcmp(iface, "fwctl") == 0;
	bool mlx5ctl = strcmp(iface, "mlx5ctl") == 0;
	bool devlink = strcmp(iface, "devlink") == 0;

	switch (-err) {
	case EPERM:
	case EACCES:
		if (devlink)
			return "reading devlink health and regions needs CAP_NET_ADMIN: run as root";
		if (fwctl && !is_open)
			return "the fwctl scope needs more privilege than this process has: run as root";
		if (fwctl)
			return "no permission on the fwctl node: run as root or give this user access to the node";
		return "needs CAP_SYS_ADMIN: run as root";
	case ENOENT:
	case ENXIO:
		if (devlink)
			return "the device has no such devlink object (driver not loaded, or nothing stored)";
		if (is_open && fwctl)
			return "the node is absent: load the mlx5_fwctl module (Linux 6.15+) or use the mlx5ctl node";
		if (is_open && mlx5ctl)
			return "the node is absent: the mlx5ctl driver is not loaded (it is out of tree); use fwctl on Linux 6.15+";
		if (is_open)
			return "the file is absent: the driver is not loaded or the device is gone";
		return "the firmware object is absent";
	case ENODEV:
		return "the device was removed or reset (driver unbound): check 'fwbox devices' and open it again";
	case ENOTTY:
		if (mlx5ctl)
			return "wrong ABI: the node does not speak the mlx5ctl V4 ioctls (an older V1-V3 driver, or not an mlx5ctl node)";
		if (fwctl)
			return "wrong ABI: the node does not speak the fwctl ioctls (not a fwctl node, or a kernel without fwctl)";
		return "wrong ABI: the kernel does not know this request";
	case EINVAL:
		if (mlx5ctl)
			return "the driver rejected the request size: an mlx5ctl ABI revision other than V4, or a length outside 16 bytes..256 KiB";
		return "the kernel rejected the request (ABI mismatch or a bad length)";
	case EOPNOTSUPP:
		if (fwctl)
			return "the kernel does not support this fwctl scope or flag (a newer request on an older kernel)";
		if (mlx5ctl)
			return "the driver saw a non-zero reserved field: ABI revision mismatch";
		if (devlink)
			return "the driver does not implement this devlink operation for the device";
		return NULL;
	case EMSGSIZE:
		if (fwctl)
			return "the request or response length is outside 16 bytes..2 MiB, the fwctl limits";
		return "a message exceeded the kernel's size limit";
	case EBADMSG:
		if (fwctl)
			return "the kernel's fwctl mlx5 driver does not permit this command at scope DEBUG_READ_ONLY (fwbox never asks for write scopes); use mlx5ctl if the command is needed";
		return NULL;
	case E2BIG:
		return "the kernel is older than this request structure: update the kernel or fwbox";
	case EREMOTEIO:
	case EIO:
		return "the firmware command failed: see the kernel log (dmesg) for the syndrome";
	case ETIMEDOUT:
		return "the firmware did not answer in time: see the kernel log (dmesg); the device may need a reset";
	case EBUSY:
	case EAGAIN:
		return "the device is busy: try again later";
	default:
		return NULL;
	}
}

int fw_kernel_error(struct fw_ctx *ctx, int err, const char *iface, const char *what,
		    const char *path)
{
	const char *advice = kernel_advice(err, iface, what);
	char buf[64];
	const char *eb = fw_strerror(err, buf, sizeof(buf));

	/* fwctl's EBADMSG is the kernel's allowlist refusing a command: in
	 * fwbox's vocabulary that is -EPERM, not malformed input. */
	if (err == -EBADMSG && strcmp(iface, "fwctl") == 0)
		err = -EPERM;
	if (advice)
		return fw_error(ctx, err, "%s: %s '%s': %s: %s", iface, what, path, eb, advice);
	return fw_error(ctx, err, "%s: %s '%s': %s", iface, what, path, eb);
}
