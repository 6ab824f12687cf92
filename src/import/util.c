/* SPDX-License-Identifier: MIT */
/* util: what every format parser of import/ uses: results, lines, hex. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "import/import-internal.h"

void imp_parse_init(struct imp_parse *p, size_t max)
{
	memset(p, 0, sizeof(*p));
	fw_buf_init(&p->out, max);
}

void imp_parse_release(struct imp_parse *p)
{
	fw_buf_release(&p->out);
}

void imp_reject(struct imp_parse *p, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	p->rejected++;
	if (p->first_bad_line || p->first_bad[0])
		return;
	p->first_bad_line = line;
	va_start(ap, fmt);
	vsnprintf(p->first_bad, sizeof(p->first_bad), fmt, ap);
	va_end(ap);
}

void imp_lines_init(struct imp_lines *l, const void *data, size_t len)
{
	l->p = data;
	l->end = l->p + len;
	l->no = 0;
}

bool imp_lines_next(struct imp_lines *l, const char **ret, size_t *ret_len, bool *overlong)
{
	const char *s = l->p, *nl;
	size_t n;

	if (l->p >= l->end)
		return false;
	nl = memchr(s, '\n', (size_t)(l->end - s));
	n = nl ? (size_t)(nl - s) : (size_t)(l->end - s);
	l->p = nl ? nl + 1 : l->end;
	l->no++;
	if (n && s[n - 1] == '\r')
		n--;
	*overlong = n > FW_LIMIT_TEXT_LINE;
	*ret = s;
	*ret_len = *overlong ? FW_LIMIT_TEXT_LINE : n;
	return true;
}

bool imp_hex(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == n || n - i > 16)
		return false;
	for (; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*ret = v;
	return true;
}
