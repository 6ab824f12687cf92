/* SPDX-License-Identifier: MIT */
/*
 * flint: what "flint -d DEV q [full]" and "mstflint -d DEV q [full]" say
 * about a card (mstflint flint/subcommands.cpp, QuerySubCommand: one
 * "Name:  value" line per fact, "FW Version:", "PSID:"; "Description:"
 * there heads a table of GUIDs and MACs, not the board), and the host facts sos and
 * sysinfo-snapshot keep as command output (hostname, uname -a,
 * /proc/cmdline).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "import/import-internal.h"

static bool key_is(const char *s, size_t n, const char *key)
{
	size_t k = strlen(key);

	return n == k && !memcmp(s, key, k);
}

static void set(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = '?';
}

int imp_flint_query(const void *data, size_t len, struct imp_parse *p)
{
	struct imp_lines l;
	const char *s;
	size_t sn;
	bool overlong;

	imp_lines_init(&l, data, len);
	while (imp_lines_next(&l, &s, &sn, &overlong)) {
		const char *c = memchr(s, ':', sn), *v;
		size_t kn, vn;

		if (overlong) {
			imp_reject(p, l.no, "a line longer than FW_LIMIT_TEXT_LINE");
			continue;
		}
		if (sn >= 3 && !memcmp(s, "-E-", 3)) {
			if (!p->tool_error[0])
				snprintf(p->tool_error, sizeof(p->tool_error), "line %llu: %.*s",
					 (unsigned long long)l.no, (int)(sn > 160 ? 160 : sn), s);
			continue;
		}
		if (!c) {
			p->other++;
			continue;
		}
		kn = (size_t)(c - s);
		while (kn && s[kn - 1] == ' ')
			kn--;
		v = c + 1;
		vn = (size_t)(s + sn - v);
		while (vn && (*v == ' ' || *v == '\t')) {
			v++;
			vn--;
		}
		while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
			vn--;
		if (!vn || (vn == 3 && !memcmp(v, "N/A", 3))) {
			p->other++;
			continue;
		}
		if (key_is(s, kn, "FW Version")) {
			/* "16.35.2000" or, with a running image, "16.35.2000 (running ...)". */
			size_t k = 0;

			while (k < vn && v[k] != ' ')
				k++;
			set(p->fw_version, sizeof(p->fw_version), v, k);
		} else if (key_is(s, kn, "PSID")) {
			set(p->psid, sizeof(p->psid), v, vn);
		} else if (key_is(s, kn, "Part Number")) {
			set(p->board, sizeof(p->board), v, vn);
		} else {
			p->other++;
			continue;
		}
		p->records++;
	}
	if (!p->fw_version[0] && !p->psid[0])
		imp_reject(p, 0, "no 'FW Version:' or 'PSID:' line");
	return fw_buf_put(&p->out, data, len);
}
