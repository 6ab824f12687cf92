/* SPDX-License-Identifier: MIT */
/*
 * kmsg: the kernel log records that name one PCI function, read from
 * /dev/kmsg under the sysroot without blocking.  Moved here from the
 * collector: only device/ opens device nodes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "device/transports.h"

/* Room for the device's lines; more is cut (a busy host's log). */
#define FW_KMSG_TEXT_MAX (4u << 20)

int fw_kmsg_device_lines(struct fw_ctx *ctx, const char *sysroot, const char *pci,
			 char **ret_text, size_t *ret_len)
{
	char rec[8192], *path, *text = NULL;
	size_t len = 0;
	int fd, r = 0;

	if (!pci || !*pci)
		return fw_error(ctx, -ENOENT, "kernel log: no PCI address to look for");
	path = fw_sysroot_path(sysroot, "/dev/kmsg");
	if (!path)
		return fw_error(ctx, -ENOMEM, "kernel log: out of memory");
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = fw_error(ctx, -errno, "kernel log: cannot open '%s' (reading it may need "
			     "CAP_SYSLOG)", path);
		free(path);
		return r;
	}
	free(path);
	text = calloc(1, FW_KMSG_TEXT_MAX + 1);
	if (!text) {
		close(fd);
		return fw_error(ctx, -ENOMEM, "kernel log: out of memory");
	}
	/* Each read() of /dev/kmsg is one record; a plain file (tests) gives
	 * many lines per read.  Bounded: the log is finite and EAGAIN ends it. */
	for (unsigned i = 0; i < 1000000u; i++) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EPIPE)        /* overwritten while reading: go on */
			continue;
		if (n <= 0)
			break;                          /* EAGAIN: the end; others: stop */
		rec[n] = '\0';
		for (char *line = rec, *nl; line && *line; line = nl) {
			const char *msg;
			size_t m;

			nl = strchr(line, '\n');
			if (nl)
				*nl++ = '\0';
			if (!strstr(line, pci))
				continue;
			/* "prio,seq,usec,flags;message": keep the message. */
			msg = strchr(line, ';');
			msg = msg ? msg + 1 : line;
			m = strlen(msg);
			if (len + m + 1 > FW_KMSG_TEXT_MAX)
				goto done;
			memcpy(text + len, msg, m);
			text[len + m] = '\n';
			len += m + 1;
		}
	}
done:
	close(fd);
	text[len] = '\0';
	*ret_text = text;
	*ret_len = len;
	return 0;
}
