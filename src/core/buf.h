/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * buf: the one growable buffer.  Every place that accumulates bytes or an
 * array of records of unknown count grows it through fw_grow(), so the
 * doubling, the overflow checks and the ceiling are written once.
 *
 * Contract:
 *  - Growth doubles the capacity (amortised O(1) appends) and never wraps:
 *    a request whose size in bytes does not fit in size_t is -EOVERFLOW,
 *    not a short allocation.
 *  - Every buffer has a ceiling.  Growing past it is -EOVERFLOW and leaves
 *    the buffer as it was, so the caller can name the limit in its message
 *    (these functions have no context to carry one).  Allocation failure is
 *    -ENOMEM, also with the buffer unchanged.
 *  - A zeroed struct fw_buf is an empty buffer with the default ceiling
 *    (FW_BUF_MAX); fw_buf_release() accepts one that never grew.
 *  - Byte buffers keep one spare byte past len that fw_buf_str() sets to
 *    NUL, so text can be built and handed out as a C string.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The default ceiling: half the address space, so sums of two sizes below
 * it cannot wrap. */
#define FW_BUF_MAX (SIZE_MAX / 2)

struct fw_buf {
	uint8_t *data;
	size_t len; /* bytes in use */
	size_t cap; /* bytes allocated */
	size_t max; /* ceiling on len; 0 means FW_BUF_MAX */
};

/*
 * Make room for need elements of elem bytes in the array *ptr with *cap
 * elements allocated, doubling from at least 16; never more than max
 * elements (0: no ceiling but the address space).  *ptr and *cap change
 * only on success.  Returns 0, -EOVERFLOW or -ENOMEM.
 *
 * Arrays of structs use it directly:
 *	r = fw_grow((void **)&v, &cap, n + 1, sizeof(*v), FW_LIMIT_X);
 */
int fw_grow(void **ptr, size_t *cap, size_t need, size_t elem, size_t max);

/* An empty buffer whose len may never exceed max bytes (0: FW_BUF_MAX). */
void fw_buf_init(struct fw_buf *b, size_t max);
/* Free the memory; the buffer is empty afterwards and may be reused. */
void fw_buf_release(struct fw_buf *b);
/* Forget the contents but keep the memory (and the ceiling). */
static inline void fw_buf_reset(struct fw_buf *b)
{
	b->len = 0;
}

/* Room for more bytes past len without another allocation. */
int fw_buf_reserve(struct fw_buf *b, size_t more);
int fw_buf_put(struct fw_buf *b, const void *data, size_t len);
int fw_buf_putc(struct fw_buf *b, uint8_t c);
int fw_buf_puts(struct fw_buf *b, const char *s);
int fw_buf_zeros(struct fw_buf *b, size_t n);
int fw_buf_printf(struct fw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fw_buf_vprintf(struct fw_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The contents as a NUL-terminated string (a static "" when empty and never
 * grown); valid until the next change. */
const char *fw_buf_str(struct fw_buf *b);

/* Hand the memory to the caller (NUL-terminated, may be NULL when nothing
 * was ever added) and leave the buffer empty. */
void *fw_buf_steal(struct fw_buf *b, size_t *ret_len);
