/* SPDX-License-Identifier: MIT */
/*
 * report out: a buffered writer and the escaping every byte from outside
 * goes through on its way into HTML or JSON.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "report/report-internal.h"

void rp_init(struct rp_out *o, FILE *f)
{
	o->f = f;
	o->len = 0;
	o->err = 0;
	o->bytes = 0;
}

static void drain(struct rp_out *o)
{
	if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->err = errno ? -errno : -EIO;
	o->len = 0;
}

void rp_put(struct rp_out *o, const void *data, size_t n)
{
	if (o->err)
		return;
	o->bytes += n;
	if (o->len + n > sizeof(o->buf)) {
		drain(o);
		if (n > sizeof(o->buf)) {
			if (!o->err && fwrite(data, 1, n, o->f) != n)
				o->err = errno ? -errno : -EIO;
			return;
		}
	}
	memcpy(o->buf + o->len, data, n);
	o->len += n;
}

void rp_puts(struct rp_out *o, const char *s)
{
	rp_put(o, s, strlen(s));
}

void rp_putc(struct rp_out *o, char c)
{
	if (o->len == sizeof(o->buf))
		drain(o);
	if (o->err)
		return;
	o->buf[o->len++] = c;
	o->bytes++;
}

/* Format into a bounded buffer and hand it to put (raw or escaped).  Our
 * own formats only: longer text is cut at the buffer's end. */
static void __attribute__((format(printf, 3, 0)))
put_vformat(struct rp_out *o, void (*put)(struct rp_out *, const char *, size_t), const char *fmt,
	    va_list ap)
{
	char tmp[2048];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);

	if (n >= 0)
		put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void put_raw(struct rp_out *o, const char *s, size_t n)
{
	rp_put(o, s, n);
}

void rp_printf(struct rp_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_vformat(o, put_raw, fmt, ap);
	va_end(ap);
}

void rp_u64(struct rp_out *o, uint64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	rp_put(o, p, (size_t)(tmp + sizeof(tmp) - p));
}

int rp_flush(struct rp_out *o)
{
	drain(o);
	if (!o->err && fflush(o->f) != 0)
		o->err = errno ? -errno : -EIO;
	return o->err;
}

/* U+2400 + c for C0 controls, U+2421 for DEL: visible, never markup. */
static void control_picture(struct rp_out *o, unsigned char c)
{
	unsigned cp = c == 0x7f ? 0x2421 : 0x2400 + c;
	char u[3] = { (char)(0xe0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3f)),
		      (char)(0x80 | (cp & 0x3f)) };

	rp_put(o, u, 3);
}

void rp_html_n(struct rp_out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	if (!s)
		return;
	while (p < end) {
		unsigned char c = *p;
		const char *rep = NULL;
		size_t v;

		if (c >= 0x80) {
			v = fw_utf8_valid_len(p, (size_t)(end - p));
			if (v) {
				p += v;
				continue;
			}
			rep = "\xef\xbf\xbd";
		} else {
			switch (c) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			default:
				if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
					rp_put(o, run, (size_t)(p - run));
					control_picture(o, c);
					run = ++p;
					continue;
				}
				p++;
				continue;
			}
		}
		rp_put(o, run, (size_t)(p - run));
		rp_puts(o, rep);
		run = ++p;
	}
	rp_put(o, run, (size_t)(p - run));
}

void rp_html(struct rp_out *o, const char *s)
{
	if (s)
		rp_html_n(o, s, strlen(s));
}

void rp_td(struct rp_out *o, const char *cls, const char *s)
{
	if (cls)
		rp_printf(o, "<td class=\"%s\">", cls);
	else
		rp_puts(o, "<td>");
	rp_html(o, s);
	rp_puts(o, "</td>");
}

void rp_htmlf(struct rp_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_vformat(o, rp_html_n, fmt, ap);
	va_end(ap);
}

void rp_json_str_n(struct rp_out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	rp_putc(o, '"');
	while (p < end) {
		unsigned char c = *p;

		if (c >= 0x80) {
			size_t v = fw_utf8_valid_len(p, (size_t)(end - p));

			if (v) {
				p += v;
				continue;
			}
			rp_put(o, run, (size_t)(p - run));
			rp_puts(o, "\xef\xbf\xbd");
			run = ++p;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\') {
			p++;
			continue;
		}
		rp_put(o, run, (size_t)(p - run));
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			rp_put(o, e, 2);
		} else {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			rp_put(o, e, 6);
		}
		run = ++p;
	}
	rp_put(o, run, (size_t)(p - run));
	rp_putc(o, '"');
}

void rp_json_str(struct rp_out *o, const char *s)
{
	rp_json_str_n(o, s ? s : "", s ? strlen(s) : 0);
}

void rp_bytes_text(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

void rp_count_text(uint64_t n, char *buf, size_t len)
{
	char tmp[32];
	int d = snprintf(tmp, sizeof(tmp), "%" PRIu64, n);
	size_t o = 0;

	for (int i = 0; i < d && o + 2 < len; i++) {
		if (i && (d - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o < len ? o : len - 1] = '\0';
}

void rp_duration_text(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000000)
		snprintf(buf, len, "%" PRIu64 " us", ns / 1000);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", (double)ns / 1e9);
}

char *rp_strdup(const char *s)
{
	return strdup(s ? s : "");
}
