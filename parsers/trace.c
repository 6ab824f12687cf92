/* SPDX-License-Identifier: MIT */
/*
 * trace: mlx5 firmware tracer decoder.  The rules below restate the
 * kernel's drivers/net/ethernet/mellanox/mlx5/core/diag/fw_tracer.c; each
 * one is named where it is applied so the decoder can be checked against the driver line by line.
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

#define MASK_52_7 0x1FFFFFFFFFFF80ull
#define MASK_6_0 0x7Full
#define TMSN_COUNT 8192u /* tmsn is 13 bits: direct-indexed pending table */
#define PEND_SLAB 256u

const char *trace_source_name(enum trace_source s)
{
	switch (s) {
	case TRACE_SOURCE_RING:
		return "ring";
	case TRACE_SOURCE_TEXT:
		return "text";
	case TRACE_SOURCE_SAVED:
		return "saved";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ MTRC_CAP */

static uint32_t cap_get(const void *data, size_t len, size_t bit_off, unsigned width)
{
	uint32_t v;

	return fw_mlx5_get_in(data, len, bit_off, width, &v) ? v : 0;
}

int trace_cap_parse(struct fw_ctx *ctx, const void *data, size_t len, struct trace_cap *ret)
{
	struct trace_cap cap;
	unsigned i;

	/* string_db_param[7] ends at byte 16 + 8 * 8 = 80. */
	if (len < 80)
		return fw_error(ctx, -EBADMSG,
				"MTRC_CAP: %zu bytes, need at least 80; recollect 'trace.cap'", len);
	memset(&cap, 0, sizeof(cap));
	/* Bounded field reads (core/bytes.h); the length check above makes
	 * every field present. */
	cap.trace_owner = cap_get(data, len, 0, 1);
	cap.trace_to_memory = cap_get(data, len, 1, 1);
	cap.trc_ver = (uint8_t)cap_get(data, len, 6, 2);
	cap.num_string_db = (uint8_t)cap_get(data, len, 28, 4);
	cap.first_string_trace = (uint8_t)cap_get(data, len, 32, 8);
	cap.num_string_trace = (uint8_t)cap_get(data, len, 40, 8);
	cap.log_max_trace_buffer_size = (uint8_t)cap_get(data, len, 88, 8);
	if (cap.num_string_db > TRACE_STRINGS_DB_MAX)
		return fw_error(ctx, -EBADMSG, "MTRC_CAP: num_string_db %u exceeds %u",
				cap.num_string_db, TRACE_STRINGS_DB_MAX);
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		cap.db_base[i] = cap_get(data, len, 128 + 64 * i, 32);
		cap.db_size[i] = cap_get(data, len, 128 + 64 * i + 32 + 8, 24);
	}
	*ret = cap;
	return 0;
}

void trace_cap_encode(const struct trace_cap *cap, void *out)
{
	unsigned i;

	memset(out, 0, 128);
	fw_mlx5_set(out, 0, 1, cap->trace_owner);
	fw_mlx5_set(out, 1, 1, cap->trace_to_memory);
	fw_mlx5_set(out, 6, 2, cap->trc_ver);
	fw_mlx5_set(out, 28, 4, cap->num_string_db);
	fw_mlx5_set(out, 32, 8, cap->first_string_trace);
	fw_mlx5_set(out, 40, 8, cap->num_string_trace);
	fw_mlx5_set(out, 88, 8, cap->log_max_trace_buffer_size);
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		fw_mlx5_set(out, 128 + 64 * i, 32, cap->db_base[i]);
		fw_mlx5_set(out, 128 + 64 * i + 40, 24, cap->db_size[i]);
	}
}

/* ---------------------------------------------------------------- strings DB */

struct trace_strdb {
	struct fw_ctx *ctx;
	struct trace_cap cap;
	/* Each section is copied with a NUL after it, so a format that runs to
	 * the end of its section still ends. pct[i] counts the '%' from byte i
	 * to the end of its string (saturating at 255), so the kernel's
	 * parameter count is one load per message instead of a scan. */
	char *data[TRACE_STRINGS_DB_MAX];
	uint8_t *pct[TRACE_STRINGS_DB_MAX];
	/* Bytes held of each section; MTRC_CAP's size may be larger when the
	 * capture was short, and the rest reads as zeros (empty formats). */
	uint32_t held[TRACE_STRINGS_DB_MAX];
};

int trace_strdb_new(struct fw_ctx *ctx, const struct trace_cap *cap, struct trace_strdb **ret)
{
	struct trace_strdb *db = calloc(1, sizeof(*db));

	if (!db)
		return fw_error(ctx, -ENOMEM, "strings DB: out of memory");
	db->ctx = ctx;
	db->cap = *cap;
	*ret = db;
	return 0;
}

void trace_strdb_free(struct trace_strdb *db)
{
	unsigned i;

	if (!db)
		return;
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		free(db->data[i]);
		free(db->pct[i]);
	}
	free(db);
}

const struct trace_cap *trace_strdb_cap(const struct trace_strdb *db)
{
	return &db->cap;
}

size_t trace_strdb_section(const struct trace_strdb *db, unsigned i, const char **ret_data,
			   uint32_t *ret_base)
{
	if (i >= TRACE_STRINGS_DB_MAX || !db->data[i] || !db->cap.db_size[i])
		return 0;
	*ret_data = db->data[i];
	*ret_base = db->cap.db_base[i];
	return db->held[i];
}

/*
 * The kernel rewrites every "%llx" of a format to "%x%x" in place when a
 * message first uses it (mlx5_tracer_get_num_of_params), so a 64-bit value
 * is printed from two 32-bit parameter events.  Rewriting the whole section
 * once gives the same text for every pointer at a string start, which is
 * what firmware pointers are.
 */
static void rewrite_llx(char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++) {
		if (s[i] == '%' && s[i + 1] == 'l' && s[i + 2] == 'l' && s[i + 3] == 'x') {
			memcpy(s + i, "%x%x", 4);
			i += 3;
		}
	}
}

int trace_strdb_set_section(struct trace_strdb *db, unsigned i, const void *data, size_t len)
{
	size_t size, n, k;
	char *s;
	uint8_t *pct;
	unsigned count = 0;
	int short_input = 0;

	if (i >= TRACE_STRINGS_DB_MAX)
		return fw_error(db->ctx, -EINVAL, "strings DB section %u: at most %u sections", i,
				TRACE_STRINGS_DB_MAX);
	size = db->cap.db_size[i];
	if (size > FW_LIMIT_STRINGS_DB_SECTION || len > FW_LIMIT_STRINGS_DB_SECTION)
		return fw_error(db->ctx, -EOVERFLOW,
				"strings DB section %u: %zu bytes is over FW_LIMIT_STRINGS_DB_SECTION",
				i, size > len ? (size_t)size : len);
	/* The kernel reads exactly string_db_size bytes; so do we.  A shorter
	 * capture is held as is and its missing tail reads as zeros. */
	n = len < size ? len : size;
	s = calloc(1, n + 1);
	pct = malloc(n + 1);
	if (!s || !pct) {
		free(s);
		free(pct);
		return fw_error(db->ctx, -ENOMEM, "strings DB section %u: out of memory", i);
	}
	if (n)
		memcpy(s, data, n);
	if (n < size)
		short_input = 1;
	rewrite_llx(s, n);
	pct[n] = 0;
	for (k = n; k-- > 0;) {
		if (s[k] == '\0')
			count = 0;
		else if (s[k] == '%' && count < 255)
			count++;
		pct[k] = (uint8_t)count;
	}
	free(db->data[i]);
	free(db->pct[i]);
	db->data[i] = s;
	db->pct[i] = pct;
	db->held[i] = (uint32_t)n;
	return short_input;
}

const char *trace_strdb_lookup(const struct trace_strdb *db, uint32_t ptr, unsigned *ret_nparams)
{
	unsigned i;

	/* mlx5_tracer_get_string: base < ptr < base + size, strictly.
	 * Sections do not overlap in practice, but the kernel takes the first
	 * match, so the scan keeps its order. */
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		uint32_t base = db->cap.db_base[i], size = db->cap.db_size[i];

		if (!size || !db->data[i])
			continue;
		if (ptr > base && (uint64_t)ptr < (uint64_t)base + size) {
			uint32_t off = ptr - base;

			if (off >= db->held[i])
				off = db->held[i]; /* the NUL after what is held */
			if (ret_nparams)
				*ret_nparams = db->pct[i][off];
			return db->data[i] + off;
		}
	}
	return NULL;
}

/* ----------------------------------------------------------------- rendering */

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

/* ------------------------------------------------------------------- decoder */

struct pend {
	struct pend *hnext;           /* chain of the tmsn slot, newest first */
	struct pend *aprev, *anext;   /* age list, oldest first (eviction) */
	struct pend *rnext;           /* ready FIFO */
	struct trace_event ev;
	uint8_t count;                /* last_param_num */
	bool ready;
	bool hashed;
};

enum dec_mode { MODE_BUFFER, MODE_STREAM };

struct trace_decoder {
	struct fw_ctx *ctx;
	const struct trace_strdb *db;
	trace_event_fn fn;
	trace_problem_fn problem;
	void *ud;
	struct trace_stats st;

	uint8_t first_str, num_str, trc_ver;

	/* Look-ahead buffer: the whole input while it fits (ring snapshot). */
	enum dec_mode mode;
	uint8_t *buf;
	size_t buf_len, buf_cap;
	uint64_t in_off;           /* input bytes consumed before buf / carry */
	uint8_t carry[TRACE_BLOCK_SIZE];
	size_t carry_len;

	/* Block state (mlx5_fw_tracer_handle_traces). */
	uint64_t last_ts;
	uint64_t prev_block_ts;    /* block timestamp of the block before this one */
	bool have_prev;

	/* Pending messages: slabs allocated as needed, up to
	 * FW_LIMIT_TRACE_PENDING entries in all. */
	struct pend *slabs[FW_LIMIT_TRACE_PENDING / PEND_SLAB];
	unsigned nslabs;
	struct pend *free;
	struct pend *slot[TMSN_COUNT];
	struct pend *ahead, *atail;
	struct pend *rhead, *rtail;
	struct pend rawmsg;        /* raw messages are ready at once; see handle_raw */
	uint64_t problems;
	int err;                   /* sticky callback error */
};

static void problem(struct trace_decoder *d, uint64_t off, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct trace_decoder *d, uint64_t off, int err, const char *fmt, ...)
{
	va_list ap;

	d->problems++;
	if (d->problems > FW_LIMIT_PROBLEMS)
		return;
	va_start(ap, fmt);
	fw_vproblemf(d->problem, d->ud, off, err, fmt, ap);
	va_end(ap);
}

int trace_decoder_new(struct fw_ctx *ctx, const struct trace_strdb *db, trace_event_fn fn,
		      trace_problem_fn problem_fn, void *userdata, struct trace_decoder **ret)
{
	struct trace_decoder *d;

	d = calloc(1, sizeof(*d));
	if (!d)
		return fw_error(ctx, -ENOMEM, "trace decoder: out of memory");
	d->ctx = ctx;
	d->db = db;
	d->fn = fn;
	d->problem = problem_fn;
	d->ud = userdata;
	if (db) {
		const struct trace_cap *cap = trace_strdb_cap(db);

		d->first_str = cap->first_string_trace;
		d->num_str = cap->num_string_trace;
		d->trc_ver = cap->trc_ver;
	} else {
		/* Without MTRC_CAP the string-event range is unknown: take every
		 * event but timestamps as a string event, so each one shows
		 * (raw) rather than vanishing. */
		d->first_str = 0;
		d->num_str = 0xfe;
	}
	*ret = d;
	return 0;
}

void trace_decoder_free(struct trace_decoder *d)
{
	unsigned i;

	if (!d)
		return;
	for (i = 0; i < d->nslabs; i++)
		free(d->slabs[i]);
	free(d->buf);
	free(d);
}

const struct trace_stats *trace_decoder_stats(const struct trace_decoder *d)
{
	return &d->st;
}

static void age_unlink(struct trace_decoder *d, struct pend *p)
{
	if (p->aprev)
		p->aprev->anext = p->anext;
	else
		d->ahead = p->anext;
	if (p->anext)
		p->anext->aprev = p->aprev;
	else
		d->atail = p->aprev;
	p->aprev = p->anext = NULL;
}

static void hash_unlink(struct trace_decoder *d, struct pend *p)
{
	struct pend **pp = &d->slot[p->ev.tmsn];

	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
	p->hnext = NULL;
	p->hashed = false;
}

static void pend_release(struct trace_decoder *d, struct pend *p)
{
	if (p->hashed)
		hash_unlink(d, p);
	age_unlink(d, p);
	p->hnext = d->free;
	d->free = p;
}

/* The free list is empty: a new slab, or at the limit, evict. */
static __attribute__((noinline)) struct pend *pend_refill(struct trace_decoder *d)
{
	struct pend *victim;

	if (d->nslabs < FW_LIMIT_TRACE_PENDING / PEND_SLAB) {
		struct pend *slab = malloc(PEND_SLAB * sizeof(*slab));
		unsigned i;

		if (slab) {
			d->slabs[d->nslabs++] = slab;
			for (i = 0; i < PEND_SLAB; i++) {
				slab[i].hnext = d->free;
				d->free = &slab[i];
			}
			return d->free;
		}
	}
	/* The kernel keeps incomplete messages forever; we keep at most
	 * FW_LIMIT_TRACE_PENDING and drop the oldest that still waits for
	 * parameters. */
	for (victim = d->ahead; victim && victim->ready; victim = victim->anext)
		;
	if (!victim)
		return NULL;
	d->st.evicted++;
	problem(d, victim->ev.offset, -EOVERFLOW,
		"trace message tmsn %u event_id 0x%x never got its parameters "
		"(FW_LIMIT_TRACE_PENDING), dropping it",
		victim->ev.tmsn, victim->ev.event_id);
	pend_release(d, victim);
	return d->free;
}

static inline __attribute__((always_inline)) struct pend *pend_alloc(struct trace_decoder *d)
{
	struct pend *p = d->free;

	if (__builtin_expect(!p, 0)) {
		p = pend_refill(d);
		if (!p)
			return NULL;
	}
	d->free = p->hnext;
	/* Field by field rather than memset: this runs once per message. */
	p->hnext = p->anext = p->rnext = NULL;
	p->count = 0;
	p->ready = false;
	p->hashed = false;
	p->ev.seq = 0;
	p->ev.text = NULL;
	p->ev.device = NULL;
	p->ev.device_len = 0;
	p->ev.tmsn = 0;
	p->ev.nparams = 0;
	p->ev.raw = false;
	p->ev.unmatched = false;
	p->ev.ambiguous = false;
	p->ev.have_host_ns = false;
	p->ev.host_ns = 0;
	memset(p->ev.params, 0, sizeof(p->ev.params));
	p->aprev = d->atail;
	if (d->atail)
		d->atail->anext = p;
	else
		d->ahead = p;
	d->atail = p;
	return p;
}

static void ready_push(struct trace_decoder *d, struct pend *p)
{
	p->ready = true;
	p->rnext = NULL;
	if (d->rtail)
		d->rtail->rnext = p;
	else
		d->rhead = p;
	d->rtail = p;
}

/* mlx5_tracer_handle_raw_string: "0x%08x%08x" with upper/lower 32 bits of
 * the event read as a host (little-endian) u64. */
/* A new message from the ring: the fields its first (string) event sets. */
static inline __attribute__((always_inline)) struct pend *
pend_start(struct trace_decoder *d, uint64_t off, uint8_t event_id, uint8_t ts7, bool lost,
	   const char *format, uint32_t ptr)
{
	struct pend *p = pend_alloc(d);

	if (!p)
		return NULL;
	p->ev.source = TRACE_SOURCE_RING;
	p->ev.offset = off;
	p->ev.event_id = event_id;
	p->ev.timestamp = ts7;
	p->ev.lost = lost;
	p->ev.format = format;
	p->ev.format_ptr = ptr;
	return p;
}

static void handle_raw(struct trace_decoder *d, const uint8_t *e, uint64_t off, uint8_t event_id,
		       uint8_t ts7, bool lost, uint32_t ptr)
{
	struct pend *p = pend_start(d, off, event_id, ts7, lost, TRACE_RAW_FORMAT, ptr);

	if (!p)
		return;
	p->ev.raw = true;
	p->ev.params[0] = fw_get_le32(e + 4);
	p->ev.params[1] = fw_get_le32(e);
	p->ev.nparams = 2;
	p->ev.nparams_expected = 2;
	/* The kernel also hashes a raw message under tmsn 0, where a later
	 * parameter event could append to it and list it twice; we keep raw
	 * messages out of the table instead. */
	ready_push(d, p);
}

static void handle_string(struct trace_decoder *d, const uint8_t *e, uint64_t off, uint32_t dw0)
{
	uint8_t event_id = (uint8_t)(dw0 >> 16);
	uint8_t ts7 = (uint8_t)((dw0 >> 24) & 0x7f);
	bool lost = dw0 >> 31;
	uint16_t tmsn = (uint16_t)((dw0 >> 3) & 0x1fff);
	unsigned tdsn = dw0 & 7;
	uint32_t param = fw_get_be32(e + 4);
	struct pend *p;

	if (tdsn == 0) {
		unsigned np = 0;
		const char *fmt = d->db ? trace_strdb_lookup(d->db, param, &np) : NULL;

		if (!fmt) {
			handle_raw(d, e, off, event_id, ts7, lost, param);
			return;
		}
		p = pend_start(d, off, event_id, ts7, lost, fmt, param);
		if (!p)
			return;
		p->ev.tmsn = tmsn;
		p->ev.nparams_expected = (uint8_t)np;
		/* mlx5_tracer_message_insert: hlist_add_head, newest first. */
		p->hnext = d->slot[tmsn];
		d->slot[tmsn] = p;
		p->hashed = true;
		if (np == 0)
			ready_push(d, p);
		return;
	}
	/* mlx5_tracer_message_get: same tmsn and event_id. */
	for (p = d->slot[tmsn]; p; p = p->hnext)
		if (p->ev.event_id == event_id)
			break;
	if (!p) {
		handle_raw(d, e, off, event_id, ts7, lost, param);
		return;
	}
	p->count++;
	if (p->count > TRACE_MAX_PARAMS) {
		if (!p->ready)
			ready_push(d, p);
		return;
	}
	p->ev.params[p->count - 1] = param;
	p->ev.nparams = p->count;
	if (p->count == p->ev.nparams_expected && !p->ready)
		ready_push(d, p);
}

/* mlx5_tracer_handle_timestamp_trace: every ready message gets its full
 * timestamp from this event and is printed, in the order it became ready. */
static int handle_timestamp(struct trace_decoder *d, uint64_t ts)
{
	struct pend *p;

	while ((p = d->rhead)) {
		uint64_t t = p->ev.timestamp & MASK_6_0;
		int r;

		d->rhead = p->rnext;
		if (!d->rhead)
			d->rtail = NULL;
		if (t < (ts & MASK_6_0))
			p->ev.timestamp = (ts & MASK_52_7) | t;
		else
			p->ev.timestamp = ((ts - 1) & MASK_52_7) | t;
		p->ev.seq = d->st.messages++;
		if (p->ev.raw)
			d->st.raw++;
		r = d->fn ? d->fn(d->ud, &p->ev) : 0;
		pend_release(d, p);
		if (r < 0)
			return r;
	}
	return 0;
}

static inline uint64_t ts_event_value(const uint8_t *e)
{
	uint32_t dw0 = fw_get_be32(e), dw1 = fw_get_be32(e + 4);

	return ((uint64_t)(dw0 & 0x1fff) << 40) | ((uint64_t)dw1 << 8) | (dw0 >> 24);
}

/* get_block_timestamp: the block's last event, 0 if it is no timestamp. */
static inline uint64_t block_ts(const uint8_t *blk)
{
	const uint8_t *e = blk + (TRACE_EVENTS_PER_BLOCK - 1) * TRACE_EVENT_SIZE;

	if (e[1] != TRACE_EVENT_TIMESTAMP)
		return 0;
	return ts_event_value(e);
}

static int parse_block(struct trace_decoder *d, const uint8_t *blk, uint64_t off)
{
	unsigned i;
	int r;

	for (i = 0; i < TRACE_EVENTS_PER_BLOCK; i++) {
		const uint8_t *e = blk + i * TRACE_EVENT_SIZE;
		uint32_t dw0 = fw_get_be32(e);
		uint8_t event_id = (uint8_t)(dw0 >> 16);

		if (event_id == TRACE_EVENT_TIMESTAMP) {
			unsigned urts = (dw0 >> 13) & 7;
			bool unreliable = d->trc_ver == 0 ? (urts >> 2) : (urts & 1);

			if (unreliable) {
				d->st.unreliable_ts++;
				continue;
			}
			r = handle_timestamp(d, ts_event_value(e));
			if (r < 0)
				return r;
		} else if (event_id >= d->first_str &&
			   event_id <= (unsigned)d->first_str + d->num_str) {
			/* Inclusive upper bound, as in poll_trace. */
			handle_string(d, e, off + i * TRACE_EVENT_SIZE, dw0);
		} else {
			d->st.unrecognized++;
		}
	}
	d->st.events += TRACE_EVENTS_PER_BLOCK;
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * One block in consumption order.  prev_ts is the block timestamp of the
 * block that precedes it in the ring (or the stream), valid if have_prev.
 */
static int consume_block(struct trace_decoder *d, const uint8_t *blk, uint64_t off, uint64_t ts,
			 uint64_t prev_ts, bool have_prev)
{
	d->st.blocks++;
	if (!ts) {
		if (all_zero(blk, TRACE_BLOCK_SIZE)) {
			d->st.blocks_empty++;
		} else {
			d->st.blocks_invalid++;
			problem(d, off, -EBADMSG,
				"trace block at offset %llu: last event is not a timestamp event, skipping",
				(unsigned long long)off);
		}
		return 0;
	}
	if (ts <= d->last_ts) {
		d->st.blocks_stale++;
		problem(d, off, -EBADMSG,
			"trace block at offset %llu: timestamp 0x%llx is not newer than 0x%llx, skipping",
			(unsigned long long)off, (unsigned long long)ts,
			(unsigned long long)d->last_ts);
		return 0;
	}
	/* The kernel's overwrite check: the block before must still carry
	 * the last timestamp handled, else events were lost and this block
	 * is skipped too. */
	if (d->last_ts && (!have_prev || prev_ts != d->last_ts)) {
		d->st.lost_gaps++;
		problem(d, off, -EBADMSG,
			"trace block at offset %llu: events were lost before it (previous block "
			"timestamp 0x%llx, last handled 0x%llx), skipping",
			(unsigned long long)off, (unsigned long long)prev_ts,
			(unsigned long long)d->last_ts);
		d->last_ts = ts;
		return 0;
	}
	d->st.blocks_decoded++;
	d->last_ts = ts;
	return parse_block(d, blk, off);
}

static int stream_block(struct trace_decoder *d, const uint8_t *blk, uint64_t off)
{
	uint64_t ts = block_ts(blk);
	int r = consume_block(d, blk, off, ts, d->prev_block_ts, d->have_prev);

	d->prev_block_ts = ts;
	d->have_prev = true;
	return r;
}

/* Ring snapshot: start at the valid block with the smallest timestamp and
 * walk once around the ring. */
static int decode_ring(struct trace_decoder *d, const uint8_t *ring, size_t nblocks)
{
	size_t i, start = 0, k;
	uint64_t min = 0;
	int r;

	for (i = 0; i < nblocks; i++) {
		uint64_t ts = block_ts(ring + i * TRACE_BLOCK_SIZE);

		if (ts && (!min || ts < min)) {
			min = ts;
			start = i;
		}
	}
	for (k = 0; k < nblocks; k++) {
		size_t idx = (start + k) % nblocks;
		size_t prev = (idx + nblocks - 1) % nblocks;

		r = consume_block(d, ring + idx * TRACE_BLOCK_SIZE, (uint64_t)idx * TRACE_BLOCK_SIZE,
				  block_ts(ring + idx * TRACE_BLOCK_SIZE),
				  block_ts(ring + prev * TRACE_BLOCK_SIZE), nblocks > 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Leave buffering: decode the look-ahead as the start of a stream. */
static int flush_buffer_as_stream(struct trace_decoder *d)
{
	size_t i, n = d->buf_len / TRACE_BLOCK_SIZE;
	int r;

	d->mode = MODE_STREAM;
	for (i = 0; i < n; i++) {
		r = stream_block(d, d->buf + i * TRACE_BLOCK_SIZE, d->in_off + i * TRACE_BLOCK_SIZE);
		if (r < 0)
			return r;
	}
	d->in_off += n * TRACE_BLOCK_SIZE;
	/* Keep the partial block, if any, as carry. */
	d->carry_len = d->buf_len - n * TRACE_BLOCK_SIZE;
	if (d->carry_len)
		memcpy(d->carry, d->buf + n * TRACE_BLOCK_SIZE, d->carry_len);
	free(d->buf);
	d->buf = NULL;
	d->buf_len = 0;
	d->buf_cap = 0;
	return 0;
}

int trace_decoder_feed(struct trace_decoder *d, const void *data, size_t len)
{
	const uint8_t *p = data;
	struct fw_cursor in;
	int r;

	if (d->err)
		return d->err;
	if (d->mode == MODE_BUFFER) {
		if (len <= FW_LIMIT_TRACE_RING - d->buf_len) {
			/* Checked doubling up to the ring limit (core/buf.h). */
			if (fw_grow((void **)&d->buf, &d->buf_cap, d->buf_len + len, 1,
				    FW_LIMIT_TRACE_RING) < 0)
				return fw_error(d->ctx, -ENOMEM, "trace decoder: out of memory");
			memcpy(d->buf + d->buf_len, p, len);
			d->buf_len += len;
			return 0;
		}
		r = flush_buffer_as_stream(d);
		if (r < 0)
			goto fail;
	}
	/* Stream: complete the carried partial block, then whole blocks in place. */
	if (d->carry_len) {
		size_t take = TRACE_BLOCK_SIZE - d->carry_len;

		if (take > len)
			take = len;
		memcpy(d->carry + d->carry_len, p, take);
		d->carry_len += take;
		p += take;
		len -= take;
		if (d->carry_len < TRACE_BLOCK_SIZE)
			return 0;
		r = stream_block(d, d->carry, d->in_off);
		d->in_off += TRACE_BLOCK_SIZE;
		d->carry_len = 0;
		if (r < 0)
			goto fail;
	}
	/* Whole blocks through the bounded reader; the tail waits in carry. */
	fw_cursor_init(&in, p, len);
	while (fw_cursor_left(&in) >= TRACE_BLOCK_SIZE) {
		r = stream_block(d, fw_cursor_take(&in, TRACE_BLOCK_SIZE), d->in_off);
		d->in_off += TRACE_BLOCK_SIZE;
		if (r < 0)
			goto fail;
	}
	len = fw_cursor_left(&in);
	if (len)
		memcpy(d->carry, fw_cursor_take(&in, len), len);
	d->carry_len = len;
	return 0;
fail:
	d->err = r;
	return r;
}

int trace_decoder_finish(struct trace_decoder *d)
{
	struct pend *p;
	int r = 0;

	if (d->err)
		return d->err;
	if (d->mode == MODE_BUFFER) {
		size_t n = d->buf_len / TRACE_BLOCK_SIZE;

		if (n)
			r = decode_ring(d, d->buf, n);
		d->st.trailing_bytes = d->buf_len - n * TRACE_BLOCK_SIZE;
		d->in_off = n * TRACE_BLOCK_SIZE;
		free(d->buf);
		d->buf = NULL;
		d->buf_len = 0;
		d->buf_cap = 0;
	} else {
		d->st.trailing_bytes = d->carry_len;
	}
	if (r < 0) {
		d->err = r;
		return r;
	}
	if (d->st.blocks && d->st.blocks == d->st.blocks_empty)
		problem(d, 0, -ENODATA,
			"trace ring: none of its %llu blocks was ever written (all zero); the tracer "
			"produced nothing while it was captured",
			(unsigned long long)d->st.blocks);
	if (d->st.trailing_bytes)
		problem(d, d->in_off, -EBADMSG,
			"trace ring: %llu bytes after the last whole 256-byte block, skipping",
			(unsigned long long)d->st.trailing_bytes);
	/* A message still waiting for parameters at the end is normal: the
	 * snapshot was taken while the firmware was writing it. Counted in
	 * the statistics, not reported as a problem. */
	for (p = d->ahead; p; p = p->anext)
		if (!p->ready)
			d->st.incomplete++;
	if (d->problems > FW_LIMIT_PROBLEMS && d->problem) {
		char msg[128];

		snprintf(msg, sizeof(msg), "trace ring: %llu more problems not reported",
			 (unsigned long long)(d->problems - FW_LIMIT_PROBLEMS));
		d->problem(d->ud, d->in_off, -EBADMSG, msg);
	}
	return 0;
}

/* ------------------------------------------------------------- text sources */

static const char *memfind(const char *h, size_t hl, const char *n)
{
	return memmem(h, hl, n, strlen(n));
}

static bool parse_hex(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	int n = 0;

	while (p < end && n < 16) {
		char c = *p;
		unsigned dv;

		if (c >= '0' && c <= '9')
			dv = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			dv = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			dv = (unsigned)(c - 'A' + 10);
		else
			break;
		v = (v << 4) | dv;
		p++;
		n++;
	}
	if (!n)
		return false;
	*pp = p;
	*ret = v;
	return true;
}

static bool expect(const char **pp, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *pp) < n || memcmp(*pp, s, n) != 0)
		return false;
	*pp += n;
	return true;
}

/* "SECONDS.FRACTION" as printed by ftrace's clocks (local, global, mono,
 * boot, tai: microseconds; some set-ups print nanoseconds). */
static bool parse_host_time(const char *p, const char *end, uint64_t *ret_ns)
{
	uint64_t sec = 0, frac = 0, scale = 1000000000ull;
	int nd = 0, nf = 0;

	for (; p < end && *p >= '0' && *p <= '9'; p++, nd++) {
		if (nd >= 12)
			return false;
		sec = sec * 10 + (uint64_t)(*p - '0');
	}
	if (!nd || p == end || *p != '.')
		return false;
	for (p++; p < end && *p >= '0' && *p <= '9'; p++, nf++) {
		if (nf >= 9)
			return false;
		frac = frac * 10 + (uint64_t)(*p - '0');
		scale /= 10;
	}
	if (!nf || p != end)
		return false;
	*ret_ns = sec * 1000000000ull + frac * scale;
	return true;
}

/* The part every rendering shares: "[0x<ts>] <lost> [0x<event_id>] <msg>",
 * at p.  ts_any: the timestamp may also be mstfwtrace's --real_ts
 * "[HH:MM:SS:NNNNNNNNN]", taken as nanoseconds. */
static bool parse_fields(const char *p, const char *end, bool ts_any, struct trace_event *ev)
{
	uint64_t ts = 0, eid;
	bool lost;

	if (expect(&p, end, "[0x")) {
		if (!parse_hex(&p, end, &ts))
			return false;
	} else if (ts_any && expect(&p, end, "[")) {
		/* hh:mm:ss:nsec, each field decimal */
		uint64_t f[4] = { 0 };

		for (int k = 0; k < 4; k++) {
			int nd = 0;

			if (k && !expect(&p, end, ":"))
				return false;
			for (; p < end && *p >= '0' && *p <= '9' && nd < 12; p++, nd++)
				f[k] = f[k] * 10 + (uint64_t)(*p - '0');
			if (!nd)
				return false;
		}
		ts = ((f[0] * 60 + f[1]) * 60 + f[2]) * 1000000000ull + f[3];
	} else {
		return false;
	}
	if (!expect(&p, end, "] "))
		return false;
	if (p < end && (*p == '0' || *p == '1'))
		lost = *p++ == '1';
	else
		return false;
	if (!expect(&p, end, " [0x") || !parse_hex(&p, end, &eid) || eid > 0xff ||
	    !expect(&p, end, "]"))
		return false;
	if (p < end && *p == ' ')
		p++;
	ev->timestamp = ts;
	ev->lost = lost;
	ev->event_id = (uint8_t)eid;
	/* text points at the rest of the line; the caller NUL-terminates. */
	ev->text = p;
	return true;
}

static bool parse_dec(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	int n = 0;

	for (; p < end && *p >= '0' && *p <= '9' && n < 20; p++, n++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (!n)
		return false;
	*pp = p;
	*ret = v;
	return true;
}

/* iproute2's text of a saved trace (`devlink health dump show ... reporter
 * fw`): "timestamp: N lost: true|false event_id: N msg: TEXT". */
static int parse_saved_text(const char *p, const char *end, struct trace_event *ev)
{
	uint64_t ts, eid;
	bool lost;

	if (!expect(&p, end, "timestamp: ") || !parse_dec(&p, end, &ts) || !expect(&p, end, " lost: "))
		return -EBADMSG;
	if (expect(&p, end, "true"))
		lost = true;
	else if (expect(&p, end, "false"))
		lost = false;
	else
		return -EBADMSG;
	if (!expect(&p, end, " event_id: ") || !parse_dec(&p, end, &eid) || eid > 0xff ||
	    !expect(&p, end, " msg:"))
		return -EBADMSG;
	if (p < end && *p == ' ')
		p++;
	memset(ev, 0, sizeof(*ev));
	ev->source = TRACE_SOURCE_SAVED;
	ev->timestamp = ts;
	ev->lost = lost;
	ev->event_id = (uint8_t)eid;
	ev->text = p;
	return 1;
}

int trace_parse_text_line(const char *line, size_t len, struct trace_event *ev)
{
	const char *end, *p, *dev, *tag;
	size_t taglen;
	struct trace_event e;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	end = line + len;
	if (!len || line[0] == '#')
		return 0;
	memset(&e, 0, sizeof(e));
	e.source = TRACE_SOURCE_TEXT;
	taglen = strlen("mlx5_fw: ");
	tag = memfind(line, len, "mlx5_fw: ");
	if (!tag) {
		taglen = strlen("fw_tracer: ");
		tag = memfind(line, len, "fw_tracer: ");
	}
	if (tag) {
		/* ftrace's context ends "<time>: " before the event name; the
		 * task, CPU and flag columns in front vary with trace_options. */
		const char *te = tag, *ts;

		if (te - line >= 2 && te[-1] == ' ' && te[-2] == ':') {
			te -= 2;
			for (ts = te; ts > line && ts[-1] != ' '; ts--)
				;
			e.have_host_ns = parse_host_time(ts, te, &e.host_ns);
		}
		p = tag + taglen;
	} else {
		for (p = line; p < end && *p == ' '; p++)
			;
		if ((size_t)(end - p) >= strlen("timestamp: ") &&
		    !memcmp(p, "timestamp: ", strlen("timestamp: ")))
			return parse_saved_text(p, end, ev);
		if (p < end && *p == '[') {
			/* mstfwtrace: the device name stripped. */
			if (!parse_fields(p, end, true, &e))
				return 0;
			*ev = e;
			return 1;
		}
		if (line[0] == ' ')
			return 0;
		p = line;
	}
	dev = p;
	while (p < end && *p != ' ')
		p++;
	if (p == dev || p == end || !parse_fields(p + 1, end, false, &e))
		return tag ? -EBADMSG : 0;
	e.device = dev;
	e.device_len = (size_t)(p - dev);
	*ev = e;
	return 1;
}

struct trace_text {
	struct fw_ctx *ctx;
	trace_event_fn fn;
	trace_problem_fn problem;
	void *ud;
	char *line;
	size_t len;
	bool overlong;
	uint64_t off;       /* offset of the current line's start */
	uint64_t pos;       /* input bytes seen */
	uint64_t count;
	uint64_t lines;
};

int trace_text_new(struct fw_ctx *ctx, trace_event_fn fn, trace_problem_fn problem_fn,
		   void *userdata, struct trace_text **ret)
{
	struct trace_text *t = calloc(1, sizeof(*t));

	if (!t)
		return fw_error(ctx, -ENOMEM, "trace text: out of memory");
	t->line = malloc(FW_LIMIT_TEXT_LINE + 1);
	if (!t->line) {
		free(t);
		return fw_error(ctx, -ENOMEM, "trace text: out of memory");
	}
	t->ctx = ctx;
	t->fn = fn;
	t->problem = problem_fn;
	t->ud = userdata;
	*ret = t;
	return 0;
}

void trace_text_free(struct trace_text *t)
{
	if (!t)
		return;
	free(t->line);
	free(t);
}

uint64_t trace_text_count(const struct trace_text *t)
{
	return t->count;
}

static int text_line_done(struct trace_text *t)
{
	struct trace_event ev;
	char msg[160];
	int r = 0;

	t->lines++;
	if (t->overlong) {
		if (t->problem) {
			snprintf(msg, sizeof(msg),
				 "trace text line %llu is longer than FW_LIMIT_TEXT_LINE, skipping",
				 (unsigned long long)t->lines);
			t->problem(t->ud, t->off, -EOVERFLOW, msg);
		}
		goto out;
	}
	t->line[t->len] = '\0';
	r = trace_parse_text_line(t->line, t->len, &ev);
	if (r < 0) {
		if (t->problem) {
			snprintf(msg, sizeof(msg), "trace text line %llu is not a valid mlx5_fw line, skipping",
				 (unsigned long long)t->lines);
			t->problem(t->ud, t->off, r, msg);
		}
		r = 0;
		goto out;
	}
	if (r == 1) {
		/* Strip the line end from the message. */
		size_t n = strlen(ev.text);
		char *m = (char *)ev.text;

		while (n && (m[n - 1] == '\n' || m[n - 1] == '\r'))
			m[--n] = '\0';
		ev.offset = t->off;
		ev.seq = t->count++;
		r = t->fn ? t->fn(t->ud, &ev) : 0;
	}
out:
	t->len = 0;
	t->overlong = false;
	return r < 0 ? r : 0;
}

int trace_text_feed(struct trace_text *t, const void *data, size_t len)
{
	const char *p = data;
	size_t i;
	int r;

	for (i = 0; i < len; i++) {
		t->pos++;
		if (p[i] == '\n') {
			r = text_line_done(t);
			t->off = t->pos;
			if (r < 0)
				return r;
			continue;
		}
		if (t->len < FW_LIMIT_TEXT_LINE)
			t->line[t->len++] = p[i];
		else
			t->overlong = true;
	}
	return 0;
}

int trace_text_finish(struct trace_text *t)
{
	if (t->len || t->overlong)
		return text_line_done(t);
	return 0;
}

void trace_event_from_saved(struct trace_event *ev, uint64_t index, uint64_t timestamp,
			    bool lost, uint8_t event_id, const char *msg)
{
	memset(ev, 0, sizeof(*ev));
	ev->source = TRACE_SOURCE_SAVED;
	ev->offset = index;
	ev->seq = index;
	ev->timestamp = timestamp;
	ev->lost = lost;
	ev->event_id = event_id;
	ev->text = msg ? msg : "";
}

/* ------------------------------------------------------------------ encoder */

void trace_encode_string_event(void *out, bool lost, uint8_t ts7, uint8_t event_id,
			       uint16_t tmsn, uint8_t tdsn, uint32_t param)
{
	uint32_t dw0 = ((uint32_t)lost << 31) | ((uint32_t)(ts7 & 0x7f) << 24) |
		       ((uint32_t)event_id << 16) | ((uint32_t)(tmsn & 0x1fff) << 3) | (tdsn & 7u);

	fw_put_be32(out, dw0);
	fw_put_be32((uint8_t *)out + 4, param);
}

void trace_encode_timestamp_event(void *out, uint64_t ts53, uint8_t urts)
{
	uint32_t dw0 = ((uint32_t)(ts53 & 0xff) << 24) | (0xffu << 16) |
		       ((uint32_t)(urts & 7) << 13) | (uint32_t)((ts53 >> 40) & 0x1fff);

	fw_put_be32(out, dw0);
	fw_put_be32((uint8_t *)out + 4, (uint32_t)(ts53 >> 8));
}
