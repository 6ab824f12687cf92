/* SPDX-License-Identifier: MIT */
/*
 * sysroot: every path fwbox reads on the host (sysfs, /dev nodes, tracefs,
 * /proc, /dev/kmsg) is read under a root folder, "/" on a live system and
 * a fixture tree in tests and for offline inspection.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "device/sysroot.h"

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
