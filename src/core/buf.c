/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define FW_GROW_MIN 16

int fw_grow(void **ptr, size_t *cap, size_t need, size_t elem, size_t max)
{
	size_t ncap;
	void *n;

	if (need <= *cap)
		return 0;
	if (elem == 0)
		return -EINVAL;
	if (max == 0 || max > SIZE_MAX / elem)
		max = SIZE_MAX / elem;
	if (need > max)
		return -EOVERFLOW;
	ncap = *cap < FW_GROW_MIN ? FW_GROW_MIN : *cap;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	if (ncap > max)
		ncap = max;
	n = realloc(*ptr, ncap * elem);
	if (!n)
		return -ENOMEM;
	*ptr = n;
	*cap = ncap;
	return 0;
}

void fw_buf_init(struct fw_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void fw_buf_release(struct fw_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

static size_t buf_max(const struct fw_buf *b)
{
	return b->max && b->max < FW_BUF_MAX ? b->max : FW_BUF_MAX;
}

int fw_buf_reserve(struct fw_buf *b, size_t more)
{
	size_t max = buf_max(b);

	if (more > max || b->len > max - more)
		return -EOVERFLOW;
	/* The spare byte for fw_buf_str()'s NUL is allocated but not counted. */
	return fw_grow((void **)&b->data, &b->cap, b->len + more + 1, 1, max + 1);
}

/* Append n bytes: a copy of data, or zeros when data is NULL. */
static int buf_append(struct fw_buf *b, const void *data, size_t n)
{
	int r;

	if (n == 0)
		return 0;
	r = fw_buf_reserve(b, n);
	if (r < 0)
		return r;
	if (data)
		memcpy(b->data + b->len, data, n);
	else
		memset(b->data + b->len, 0, n);
	b->len += n;
	return 0;
}

int fw_buf_put(struct fw_buf *b, const void *data, size_t len)
{
	return len ? buf_append(b, data, len) : 0;
}

int fw_buf_putc(struct fw_buf *b, uint8_t c)
{
	if (b->len + 1 < b->cap && b->len < buf_max(b)) {
		b->data[b->len++] = c;
		return 0;
	}
	return fw_buf_put(b, &c, 1);
}

int fw_buf_puts(struct fw_buf *b, const char *s)
{
	return fw_buf_put(b, s, strlen(s));
}

int fw_buf_zeros(struct fw_buf *b, size_t n)
{
	return buf_append(b, NULL, n);
}

int fw_buf_vprintf(struct fw_buf *b, const char *fmt, va_list ap)
{
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	va_list aq;
	int n, r;

	va_copy(aq, ap);
	n = vsnprintf(room ? (char *)b->data + b->len : NULL, room, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= room) {
		r = fw_buf_reserve(b, (size_t)n);
		if (r < 0)
			return r;
		n = vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
		if (n < 0)
			return -EINVAL;
	} else if ((size_t)n > buf_max(b) - b->len) {
		return -EOVERFLOW;
	}
	b->len += (size_t)n;
	return 0;
}

int fw_buf_printf(struct fw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fw_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *fw_buf_str(struct fw_buf *b)
{
	if (!b->data)
		return "";
	b->data[b->len] = '\0';
	return (const char *)b->data;
}

void *fw_buf_steal(struct fw_buf *b, size_t *ret_len)
{
	void *p = b->data;

	if (p)
		b->data[b->len] = '\0';
	if (ret_len)
		*ret_len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
