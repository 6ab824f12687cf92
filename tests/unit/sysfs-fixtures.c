/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "sysfs-fixtures.h"
#include "testutil.h"

static char root[4096];

void fx_make(void)
{
	const char *base = getenv("TMPDIR");
	char cmd[8192];

	snprintf(root, sizeof(root), "%s/fwbox-sysfs-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(99);
	}
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s'", tu_srcpath("tests/fixtures/make-sysfs-fixtures.sh"),
		 root);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot build the sysfs fixtures: %s\n", cmd);
		exit(99);
	}
}

void fx_remove(void)
{
	char cmd[8192];

	if (!root[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove '%s'\n", root);
	root[0] = '\0';
}

const char *fx_tree(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", root, name);
	return buf;
}
