/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * bytes: the one bounded reader for outside bytes, plus big/little-endian
 * helpers.  Every read checks the remaining length first; a short read sets
 * the cursor's error flag and returns 0, so a parser can read a whole
 * record and test the flag once ("sticky error", like kmod's range checks).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fw_cursor {
	const uint8_t *data;
	size_t len;
	size_t off;
	bool error;       /* set on the first out-of-bounds read; sticky */
};

static inline void fw_cursor_init(struct fw_cursor *c, const void *data, size_t len)
{
	c->data = data;
	c->len = len;
	c->off = 0;
	c->error = false;
}

static inline size_t fw_cursor_left(const struct fw_cursor *c)
{
	return c->error ? 0 : c->len - c->off;
}

/* Overflow-safe "does [off, off+n) fit in len". */
static inline bool fw_range_ok(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

/* Return a pointer to the next n bytes and advance, or NULL (and set error). */
static inline const uint8_t *fw_cursor_take(struct fw_cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->error || !fw_range_ok(c->len, c->off, n)) {
		c->error = true;
		return NULL;
	}
	p = c->data + c->off;
	c->off += n;
	return p;
}

static inline bool fw_cursor_skip(struct fw_cursor *c, size_t n)
{
	return fw_cursor_take(c, n) != NULL;
}

/* Advance to a multiple of align (power of two) within bounds. */
static inline bool fw_cursor_align(struct fw_cursor *c, size_t align)
{
	size_t pad = (align - (c->off & (align - 1))) & (align - 1);
	return fw_cursor_skip(c, pad);
}

static inline uint16_t fw_get_be16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)((b[0] << 8) | b[1]);
}
static inline uint32_t fw_get_be32(const void *p)
{
	const uint8_t *b = p;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
static inline uint64_t fw_get_be64(const void *p)
{
	return ((uint64_t)fw_get_be32(p) << 32) | fw_get_be32((const uint8_t *)p + 4);
}
static inline uint16_t fw_get_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | (b[1] << 8));
}
static inline uint32_t fw_get_le32(const void *p)
{
	const uint8_t *b = p;
	return b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}
static inline uint64_t fw_get_le64(const void *p)
{
	return fw_get_le32(p) | ((uint64_t)fw_get_le32((const uint8_t *)p + 4) << 32);
}
static inline void fw_put_be16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}
static inline void fw_put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}
static inline void fw_put_be64(void *p, uint64_t v)
{
	fw_put_be32(p, (uint32_t)(v >> 32));
	fw_put_be32((uint8_t *)p + 4, (uint32_t)v);
}
static inline void fw_put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}
static inline void fw_put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}
static inline void fw_put_le64(void *p, uint64_t v)
{
	fw_put_le32(p, (uint32_t)v);
	fw_put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#define FW_CURSOR_GETTER(name, type, n, conv)                                   \
	static inline type fw_cursor_##name(struct fw_cursor *c)                \
	{                                                                       \
		const uint8_t *p = fw_cursor_take(c, n);                        \
		return p ? conv(p) : 0;                                         \
	}
static inline uint8_t fw_get_u8(const void *p) { return *(const uint8_t *)p; }
FW_CURSOR_GETTER(u8, uint8_t, 1, fw_get_u8)
FW_CURSOR_GETTER(be16, uint16_t, 2, fw_get_be16)
FW_CURSOR_GETTER(be32, uint32_t, 4, fw_get_be32)
FW_CURSOR_GETTER(be64, uint64_t, 8, fw_get_be64)
FW_CURSOR_GETTER(le16, uint16_t, 2, fw_get_le16)
FW_CURSOR_GETTER(le32, uint32_t, 4, fw_get_le32)
FW_CURSOR_GETTER(le64, uint64_t, 8, fw_get_le64)
#undef FW_CURSOR_GETTER

/*
 * mlx5 bit fields (mlx5_ifc.h convention): bit offset 0 is the MSB of
 * big-endian dword 0; a field of width w <= 32 does not cross a dword.
 * These two are for buffers fwbox sizes itself (mailboxes it built): the
 * get reads the whole dword, so bytes from outside go through
 * fw_mlx5_get_in() below instead.
 */
static inline uint32_t fw_mlx5_get(const void *base, size_t bit_off, unsigned width)
{
	uint32_t dw = fw_get_be32((const uint8_t *)base + (bit_off / 32) * 4);
	unsigned shift = 32 - (unsigned)(bit_off % 32) - width;
	uint32_t mask = width >= 32 ? 0xffffffffu : ((1u << width) - 1);
	return (dw >> shift) & mask;
}
/*
 * The bounded form for outside bytes: reads only the bytes the field covers
 * (through a cursor over [base, base + len)), so a field near the end of a
 * short buffer never touches the missing tail of its dword.  False, with
 * *ret_v = 0, if the field is empty, wider than 32 bits, crosses a dword or
 * does not lie wholly within len bytes.
 */
static inline bool fw_mlx5_get_in(const void *base, size_t len, size_t bit_off, unsigned width,
				  uint32_t *ret_v)
{
	struct fw_cursor c;
	const uint8_t *p;
	size_t first = bit_off / 8, dw_first = (bit_off / 32) * 4, n, i;
	unsigned shift;
	uint32_t dw = 0, mask;

	*ret_v = 0;
	if (!width || width > 32 || (bit_off % 32) + width > 32)
		return false;
	n = ((bit_off % 8) + width + 7) / 8;
	fw_cursor_init(&c, base, len);
	if (!fw_cursor_skip(&c, first) || !(p = fw_cursor_take(&c, n)))
		return false;
	for (i = 0; i < n; i++)
		dw |= (uint32_t)p[i] << (8 * (3 - (first - dw_first + i)));
	shift = 32 - (unsigned)(bit_off % 32) - width;
	mask = width >= 32 ? 0xffffffffu : ((1u << width) - 1);
	*ret_v = (dw >> shift) & mask;
	return true;
}
static inline void fw_mlx5_set(void *base, size_t bit_off, unsigned width, uint32_t v)
{
	uint8_t *p = (uint8_t *)base + (bit_off / 32) * 4;
	uint32_t dw = fw_get_be32(p);
	unsigned shift = 32 - (unsigned)(bit_off % 32) - width;
	uint32_t mask = width >= 32 ? 0xffffffffu : ((1u << width) - 1);
	dw = (dw & ~(mask << shift)) | ((v & mask) << shift);
	fw_put_be32(p, dw);
}
