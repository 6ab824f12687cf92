/* SPDX-License-Identifier: MIT */
/*
 * registry: the table of transports (device/transport.h).  The kernel
 * back-ends are its first rows, in order of preference; the rest is
 * filled by fw_transport_register().
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "device/transport.h"
#include "device/transports.h"

static const struct fw_transport *table[FW_TRANSPORT_MAX] = {
	&fw_fwctl_transport,           /* commands: upstream fwctl first */
	&fw_mlx5ctl_transport,         /* commands: the out-of-tree mlx5ctl driver */
	&fw_kernel_health_transport,   /* health: devlink, tracefs, kmsg */
};

static char register_error[160];

static int register_failed(const struct fw_transport *t, int err, const char *why)
{
	snprintf(register_error, sizeof(register_error), "transport '%s' was not registered: %s",
		 t && t->name ? t->name : "(unnamed)", why);
	return err;
}

int fw_transport_register(const struct fw_transport *t)
{
	size_t i;

	if (!t || !t->name || !t->open)
		return register_failed(t, -EINVAL, "it has no name or no open method");
	if (t->version < 1 || t->version > FW_TRANSPORT_VERSION)
		return register_failed(t, -EINVAL, "it was written for another version of fwbox");
	for (i = 0; i < FW_TRANSPORT_MAX && table[i]; i++)
		if (strcmp(table[i]->name, t->name) == 0)
			return table[i] == t ? 0 : register_failed(t, -EEXIST, "the name is taken");
	if (i == FW_TRANSPORT_MAX)
		return register_failed(t, -ENOSPC, "the table is full (FW_TRANSPORT_MAX)");
	table[i] = t;
	return 0;
}

const struct fw_transport *fw_transport_at(size_t i)
{
	return i < FW_TRANSPORT_MAX ? table[i] : NULL;
}

const char *fw_transport_register_error(void)
{
	return register_error[0] ? register_error : NULL;
}
