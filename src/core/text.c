/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

size_t fw_utf8_valid_len(const unsigned char *s, size_t n)
{
	unsigned char c;
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0; /* 0x80..0xc1 and 0xf5..0xff never start a sequence */
	}
	if (n < need + 1)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i <= need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need + 1;
}

char *fw_utf8_sanitize(const char *s, size_t len)
{
	static const char repl[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	size_t i = 0;

	/* Worst case every byte becomes three. */
	if (len > (((size_t)-1) - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	o = out;
	while (i < len) {
		size_t v = fw_utf8_valid_len(p + i, len - i);

		if (v) {
			memcpy(o, p + i, v);
			o += v;
			i += v;
		} else {
			memcpy(o, repl, 3);
			o += 3;
			i++;
		}
	}
	*o = '\0';
	return out;
}

void fw_hex(const void *data, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}
