/* SPDX-License-Identifier: MIT */
/*
 * trace-render: a firmware trace message rendered as the kernel renders it
 * (trace-render.h).  Conversions are interpreted here, never by libc, so an
 * outside format string cannot reach printf.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "trace.h"
#include "trace-internal.h"

struct out {
	char *p;
	size_t n;   /* written so far */
	size_t cap; /* len - 1 */
};

static inline void out_c(struct out *o, char c)
{
	if (o->n < o->cap)
		o->p[o->n] = c;
	o->n++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_c(o, c);
}

enum {
	F_LEFT = TRACE_F_LEFT,
	F_PLUS = TRACE_F_PLUS,
	F_SPACE = TRACE_F_SPACE,
	F_ALT = TRACE_F_ALT,
	F_ZERO = TRACE_F_ZERO,
};

static void out_number(struct out *o, uint64_t v, bool neg, unsigned base, bool upper, int flags,
		       int width, int prec)
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	const char *dig = upper ? up : lo;
	char tmp[24];
	int nd = 0, len, zeros = 0;
	char sign = 0;
	const char *prefix = "";

	/* Constant divisors, so the compiler multiplies instead of dividing:
	 * this loop is most of the cost of rendering a message. */
	if (prec == 0 && v == 0)
		nd = 0;
	else if (base == 16)
		do {
			tmp[nd++] = dig[v & 15];
			v >>= 4;
		} while (v);
	else if (base == 10 && v <= UINT32_MAX) {
		uint32_t w = (uint32_t)v;

		do {
			tmp[nd++] = (char)('0' + w % 10);
			w /= 10;
		} while (w);
	} else if (base == 10)
		do {
			tmp[nd++] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
	else
		do {
			tmp[nd++] = dig[v & 7];
			v >>= 3;
		} while (v);
	if (neg)
		sign = '-';
	else if (flags & F_PLUS)
		sign = '+';
	else if (flags & F_SPACE)
		sign = ' ';
	/* The common cases, %x/%u/%d and %08x: straight to the buffer. */
	if (!(flags & ~F_ZERO) && prec < 0 && !neg && width <= 64) {
		int pad = width > nd ? width - nd : 0;
		size_t room = o->n < o->cap ? o->cap - o->n : 0;

		if (room >= (size_t)(pad + nd)) {
			char *w = o->p + o->n;

			memset(w, (flags & F_ZERO) ? '0' : ' ', (size_t)pad);
			w += pad;
			o->n += (size_t)(pad + nd);
			while (nd > 0)
				*w++ = tmp[--nd];
			return;
		}
	}
	if ((flags & F_ALT) && nd > 0 && !(nd == 1 && tmp[0] == '0')) {
		if (base == 16)
			prefix = upper ? "0X" : "0x";
		else if (base == 8 && (prec <= nd))
			prefix = "0";
	}
	if (prec > nd)
		zeros = prec - nd;
	len = nd + zeros + (sign ? 1 : 0) + (int)strlen(prefix);
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && width > len) {
		zeros += width - len;
		len = width;
	}
	if (!(flags & F_LEFT))
		out_pad(o, ' ', width - len);
	if (sign)
		out_c(o, sign);
	while (*prefix)
		out_c(o, *prefix++);
	out_pad(o, '0', zeros);
	while (nd > 0)
		out_c(o, tmp[--nd]);
	if (flags & F_LEFT)
		out_pad(o, ' ', width - len);
}

static void out_str(struct out *o, const char *s, int flags, int width, int prec)
{
	int n = (int)strlen(s);

	if (prec >= 0 && prec < n)
		n = prec;
	if (!(flags & F_LEFT))
		out_pad(o, ' ', width - n);
	for (int i = 0; i < n; i++)
		out_c(o, s[i]);
	if (flags & F_LEFT)
		out_pad(o, ' ', width - n);
}

/*
 * One conversion specification, after its '%': flags, width, precision,
 * length modifier and conversion character, read the way the kernel's
 * vsnprintf reads them.  The renderer and the matcher (trace-match.c) both
 * use it, so a line matches a format exactly when the renderer would have
 * printed it.
 */
const char *trace_spec_parse(const char *f, struct trace_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->width = -1;
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->flags |= TRACE_F_LEFT;
		else if (*f == '+')
			sp->flags |= TRACE_F_PLUS;
		else if (*f == ' ')
			sp->flags |= TRACE_F_SPACE;
		else if (*f == '#')
			sp->flags |= TRACE_F_ALT;
		else if (*f == '0')
			sp->flags |= TRACE_F_ZERO;
		else
			break;
	}
	if (*f == '*') {
		sp->star_width = true;
		f++;
	} else {
		sp->width = 0;
		while (*f >= '0' && *f <= '9') {
			if (sp->width < 4096)
				sp->width = sp->width * 10 + (*f - '0');
			f++;
		}
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp->star_prec = true;
			f++;
		} else {
			sp->prec = 0;
			while (*f >= '0' && *f <= '9') {
				if (sp->prec < 4096)
					sp->prec = sp->prec * 10 + (*f - '0');
				f++;
			}
		}
	}
	/* Length modifiers: h, hh, l, ll, z, t, j, L, q. */
	for (;; f++) {
		if (*f == 'h')
			sp->lmod = sp->lmod == -1 ? -2 : -1;
		else if (*f == 'l' || *f == 'z' || *f == 't' || *f == 'j' || *f == 'L' || *f == 'q')
			sp->lmod = 1;
		else
			break;
	}
	switch (*f) {
	case '%':
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'o':
	case 'c':
	case 's':
	case 'p':
		sp->conv = *f++;
		break;
	default:
		/* Anything else (%n, %f, the end of the string) stops the
		 * output, as the kernel's vsnprintf stops at
		 * FORMAT_TYPE_INVALID. */
		sp->conv = 0;
		break;
	}
	return f;
}

/* One conversion of parameter a; *wrote_nul is set by a %c of 0. */
static void render_conv(struct out *o, const struct trace_spec *sp, uint32_t a, bool *wrote_nul)
{
	int flags = sp->flags, width = sp->width, prec = sp->prec;
	uint64_t v;

	switch (sp->conv) {
	case 'd':
	case 'i': {
		int64_t sv;

		if (sp->lmod == 1)
			sv = (int64_t)(uint64_t)a;
		else if (sp->lmod == -1)
			sv = (int16_t)a;
		else if (sp->lmod == -2)
			sv = (int8_t)a;
		else
			sv = (int32_t)a;
		out_number(o, sv < 0 ? (uint64_t)0 - (uint64_t)sv : (uint64_t)sv, sv < 0, 10, false,
			   flags, width, prec);
		break;
	}
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		v = a;
		if (sp->lmod == -1)
			v = (uint16_t)a;
		else if (sp->lmod == -2)
			v = (uint8_t)a;
		out_number(o, v, false, sp->conv == 'u' ? 10 : (sp->conv == 'o' ? 8 : 16),
			   sp->conv == 'X', flags & ~(F_PLUS | F_SPACE), width, prec);
		break;
	case 'c':
		if (!(char)a)
			*wrote_nul = true;
		if (!(flags & F_LEFT))
			out_pad(o, ' ', width - 1);
		out_c(o, (char)a);
		if (flags & F_LEFT)
			out_pad(o, ' ', width - 1);
		break;
	case 's':
		out_str(o, a ? "(efault)" : "(null)", flags, width, prec);
		break;
	case 'p':
		/* The kernel hashes %p; there is no value to match, so show
		 * the parameter in hex like %x. */
		out_number(o, a, false, 16, false, 0, width, prec);
		break;
	default:
		break;
	}
}

size_t trace_spec_render(const struct trace_spec *sp, uint32_t a, char *buf, size_t len)
{
	struct out o = { buf, 0, len ? len - 1 : 0 };
	bool nul = false;

	render_conv(&o, sp, a, &nul);
	if (len)
		buf[o.n < o.cap ? o.n : o.cap] = '\0';
	return o.n;
}

/*
 * Interpret fmt with the seven 32-bit parameters the way the kernel's
 * snprintf(tmp, 512, fmt, p0..p6) does on x86-64: each conversion takes the
 * next int; a long/long long conversion sees it zero-extended; %s of a
 * small integer prints "(null)" for 0 and "(efault)" otherwise; an
 * unsupported conversion (including %n) stops the output, as the kernel's
 * vsnprintf stops at FORMAT_TYPE_INVALID.
 */
static size_t render_format(const char *fmt, const uint32_t *params, char *buf, size_t len)
{
	struct out o = { buf, 0, len ? len - 1 : 0 };
	unsigned pi = 0;
	bool wrote_nul = false;
	const char *f = fmt;

	while (*f) {
		struct trace_spec sp;

		if (*f != '%') {
			const char *q = strchrnul(f, '%');
			size_t n, room;

			n = (size_t)(q - f);
			room = o.n < o.cap ? o.cap - o.n : 0;
			/* Past the end o.p + o.n is no pointer into buf at all. */
			if (room)
				memcpy(o.p + o.n, f, n < room ? n : room);
			o.n += n;
			f = q;
			continue;
		}
		f = trace_spec_parse(f + 1, &sp);
		if (sp.star_width) {
			int w = (int)(pi < TRACE_MAX_PARAMS ? params[pi] : 0);

			pi++;
			if (w < 0) {
				sp.flags |= F_LEFT;
				w = -w;
			}
			sp.width = w > 4096 ? 4096 : w;
		}
		if (sp.star_prec) {
			int p = (int)(pi < TRACE_MAX_PARAMS ? params[pi] : 0);

			pi++;
			sp.prec = p < 0 ? -1 : (p > 4096 ? 4096 : p);
		}
		if (sp.conv == '%') {
			out_c(&o, '%');
			continue;
		}
		if (!sp.conv)
			break;
		render_conv(&o, &sp, pi < TRACE_MAX_PARAMS ? params[pi] : 0, &wrote_nul);
		pi++;
	}
	if (len) {
		size_t end = o.n < o.cap ? o.n : o.cap;

		buf[end] = '\0';
		/* A %c of 0 writes a NUL the consumer stops at, as with the
		 * kernel's tmp[] buffer printed with %s. */
		return wrote_nul ? strlen(buf) : end;
	}
	return 0;
}

size_t trace_format_render(const char *fmt, const uint32_t params[TRACE_MAX_PARAMS], char *buf,
			   size_t len)
{
	if (!len)
		return 0;
	if (!fmt) {
		buf[0] = '\0';
		return 0;
	}
	if (len > FW_LIMIT_TRACE_MESSAGE)
		len = FW_LIMIT_TRACE_MESSAGE;
	return render_format(fmt, params, buf, len);
}

size_t trace_event_render(const struct trace_event *ev, char *buf, size_t len)
{
	size_t n;

	if (!len)
		return 0;
	if (ev->text) {
		n = strlen(ev->text);
		if (n >= len)
			n = len - 1;
		memcpy(buf, ev->text, n);
		buf[n] = '\0';
		return n;
	}
	if (!ev->format) {
		buf[0] = '\0';
		return 0;
	}
	if (len > FW_LIMIT_TRACE_MESSAGE)
		len = FW_LIMIT_TRACE_MESSAGE;
	return render_format(ev->format, ev->params, buf, len);
}
