/* SPDX-License-Identifier: MIT */
/*
 * sysroot: every path fwbox reads on the host (sysfs, /dev nodes, tracefs,
 * /proc, /dev/kmsg) is read under a root folder, "/" on a live system and
 * a fixture tree in tests and for offline inspection.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "device/sysroot.h"
#include "device/transport.h"

char *fw_sysroot_path(const char *sysroot, const char *path)
{
	size_t a, b;
	char *p;

	if (!sysroot || !*sysroot || strcmp(sysroot, "/") == 0)
		return strdup(path);
	a = strlen(sysroot);
	while (a > 1 && sysroot[a - 1] == '/')
		a--;
	while (*path == '/')
		path++;
	b = strlen(path);
	p = malloc(a + 1 + b + 1);
	if (!p)
		return NULL;
	memcpy(p, sysroot, a);
	p[a] = '/';
	memcpy(p + a + 1, path, b + 1);
	return p;
}

int fw_target_cmd_node(struct fw_ctx *ctx, const struct fw_target *t, unsigned iface,
		       char **ret_path)
{
	bool fwctl = iface == FW_IFACE_FWCTL;
	const char *node = NULL;

	if (t->node)
		node = (strncmp(t->node, "/dev/fwctl/", 11) == 0) == fwctl ? t->node : NULL;
	else if (t->fn && (t->fn->interfaces & iface))
		node = fwctl ? t->fn->fwctl_node : t->fn->mlx5ctl_node;
	if (!node)
		return 0;
	*ret_path = fw_sysroot_path(t->sysroot, node);
	if (!*ret_path)
		return fw_error(ctx, -ENOMEM, "%s: out of memory", fwctl ? "fwctl" : "mlx5ctl");
	return 1;
}
