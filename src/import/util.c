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

/* PCI addresses in file names and text. */
bool imp_ishex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool isalnum_(char c)
{
	return imp_ishex(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z');
}

bool imp_hexrun(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!imp_ishex(s[i]))
			return false;
	return true;
}

static void lower_hex(char *dst, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (s[i] >= 'A' && s[i] <= 'F') ? (char)(s[i] - 'A' + 'a') : s[i];
}

/* dddd?bb?dd.f with sep '?', at s (n bytes available). */
static bool bdf_at(const char *s, size_t n, char sep, char out[16])
{
	if (n < 12 || !imp_hexrun(s, 4) || s[4] != sep || !imp_hexrun(s + 5, 2) || s[7] != sep ||
	    !imp_hexrun(s + 8, 2) || s[10] != '.' || s[11] < '0' || s[11] > '7')
		return false;
	if (n > 12 && isalnum_(s[12]))
		return false;
	lower_hex(out, s, 12);
	out[4] = ':';
	out[7] = ':';
	out[12] = '\0';
	return true;
}

bool imp_find_pci(const char *s, size_t n, char out[16])
{
	for (size_t i = 0; i < n; i++) {
		bool start = !i || !isalnum_(s[i - 1]);

		if (!start)
			continue;
		if (bdf_at(s + i, n - i, ':', out) || bdf_at(s + i, n - i, '_', out))
			return true;
		/* bb:dd.f without a domain */
		if (n - i >= 7 && imp_hexrun(s + i, 2) && s[i + 2] == ':' && imp_hexrun(s + i + 3, 2) &&
		    s[i + 5] == '.' && s[i + 6] >= '0' && s[i + 6] <= '7' &&
		    (n - i == 7 || !isalnum_(s[i + 7]))) {
			memcpy(out, "0000:", 5);
			lower_hex(out + 5, s + i, 7);
			out[12] = '\0';
			return true;
		}
	}
	/* sysinfo-snapshot and sos drop ':' and '.': nine hex digits. */
	for (size_t i = 0; i + 9 <= n; i++) {
		bool start = !i || !imp_ishex(s[i - 1]) || (i >= 3 && !strncasecmp(s + i - 3, "pci", 3));

		if (!start || !imp_hexrun(s + i, 9) || (i + 9 < n && isalnum_(s[i + 9])) || s[i + 8] > '7')
			continue;
		lower_hex(out, s + i, 4);
		out[4] = ':';
		lower_hex(out + 5, s + i + 4, 2);
		out[7] = ':';
		lower_hex(out + 8, s + i + 6, 2);
		out[10] = '.';
		out[11] = s[i + 8];
		out[12] = '\0';
		return true;
	}
	return false;
}

