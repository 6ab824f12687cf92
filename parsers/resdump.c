/* SPDX-License-Identifier: MIT */
/*
 * resdump: frame the segment stream by its length headers, decode the
 * fixed part of each segment kind, and pass the rest on as payload.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/bytes.h"
#include "core/limits.h"
#include "resdump.h"

#define SEG_MAX_BYTES (0xffffu * 4u)
#define MENU_RECORD_SIZE 52u

struct menu_name {
	uint16_t type;
	char name[17];
};

struct resdump {
	struct fw_ctx *ctx;
	resdump_segment_fn seg_fn;
	resdump_menu_fn menu_fn;
	resdump_problem_fn problem;
	void *ud;
	uint8_t *seg;          /* current segment, SEG_MAX_BYTES */
	size_t have;           /* bytes of it so far */
	size_t need;           /* its length once the header is in (0: unknown) */
	uint64_t off;          /* stream offset of the current segment */
	uint64_t count;
	bool stopped;          /* framing lost: ignore the rest */
	uint64_t ignored;
	struct menu_name *names;
	size_t n_names, cap_names;
};

const char *resdump_type_kind(uint16_t type)
{
	switch (type) {
	case RESDUMP_MENU:
		return "MENU";
	case RESDUMP_INFO:
		return "INFO";
	case RESDUMP_REFERENCE:
		return "REFERENCE";
	case RESDUMP_ERROR:
		return "ERROR";
	case RESDUMP_TERMINATE:
		return "TERMINATE";
	case RESDUMP_COMMAND:
		return "COMMAND";
	case RESDUMP_NOTICE:
		return "NOTICE";
	}
	return type <= 0xfeff ? "RESOURCE" : "RESERVED";
}

static void problem(struct resdump *r, uint64_t off, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct resdump *r, uint64_t off, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_vproblemf(r->problem, r->ud, off, err, fmt, ap);
	va_end(ap);
}

int resdump_new(struct fw_ctx *ctx, resdump_segment_fn seg, resdump_menu_fn menu,
		resdump_problem_fn problem_fn, void *ud, struct resdump **ret)
{
	struct resdump *r = calloc(1, sizeof(*r));

	if (!r)
		return fw_error(ctx, -ENOMEM, "resource dump: out of memory");
	r->seg = malloc(SEG_MAX_BYTES);
	if (!r->seg) {
		free(r);
		return fw_error(ctx, -ENOMEM, "resource dump: out of memory");
	}
	r->ctx = ctx;
	r->seg_fn = seg;
	r->menu_fn = menu;
	r->problem = problem_fn;
	r->ud = ud;
	*ret = r;
	return 0;
}

void resdump_free(struct resdump *r)
{
	if (!r)
		return;
	free(r->seg);
	free(r->names);
	free(r);
}

uint64_t resdump_count(const struct resdump *r)
{
	return r->count;
}

void resdump_reset(struct resdump *r)
{
	r->have = r->need = 0;
	r->off = 0;
	r->stopped = false;
	r->ignored = 0;
}

const char *resdump_type_name(const struct resdump *r, uint16_t type)
{
	size_t i;

	for (i = 0; i < r->n_names; i++)
		if (r->names[i].type == type)
			return r->names[i].name;
	return NULL;
}

/* Copy a fixed-size ASCII field, stopping at NUL, non-printables as '.'. */
/* src may be NULL (a cursor that ran short): an empty string. */
static void ascii(char *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; src && i < n && src[i]; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '.';
	dst[i] = '\0';
	while (i > 0 && dst[i - 1] == ' ')
		dst[--i] = '\0';
}

static int remember_name(struct resdump *r, const struct resdump_menu_record *m)
{
	size_t i;

	for (i = 0; i < r->n_names; i++)
		if (r->names[i].type == m->type) {
			memcpy(r->names[i].name, m->segment_name, sizeof(m->segment_name));
			return 0;
		}
	if (r->n_names >= FW_LIMIT_MENU_RECORDS)
		return 0;
	/* Checked doubling (core/buf.h), not one realloc per record. */
	if (fw_grow((void **)&r->names, &r->cap_names, r->n_names + 1, sizeof(*r->names),
		    FW_LIMIT_MENU_RECORDS) < 0)
		return fw_error(r->ctx, -ENOMEM, "resource dump: out of memory");
	r->names[r->n_names].type = m->type;
	memcpy(r->names[r->n_names].name, m->segment_name, sizeof(m->segment_name));
	r->n_names++;
	return 0;
}

static int decode_menu(struct resdump *r, const uint8_t *p, size_t len, uint16_t nrec)
{
	size_t i, fit = len >= 8 ? (len - 8) / MENU_RECORD_SIZE : 0;
	struct fw_cursor c;
	int rc;

	if (nrec > fit) {
		problem(r, r->off, -EBADMSG,
			"resource dump MENU at offset %llu: %u records announced, %zu fit, decoding those",
			(unsigned long long)r->off, nrec, fit);
		nrec = (uint16_t)fit;
	}
	/* The records follow the 8-byte fixed part; each is taken whole. */
	fw_cursor_init(&c, p, len);
	fw_cursor_skip(&c, 8);
	for (i = 0; i < nrec; i++) {
		struct resdump_menu_record m;
		struct fw_cursor rec;
		const uint8_t *q = fw_cursor_take(&c, MENU_RECORD_SIZE);
		uint32_t dw0;

		if (!q)
			break;
		fw_cursor_init(&rec, q, MENU_RECORD_SIZE);
		dw0 = fw_cursor_be32(&rec);
		memset(&m, 0, sizeof(m));
		m.type = (uint16_t)dw0;
		m.flags = (uint16_t)((dw0 >> 16) & 0xfff);
		ascii(m.segment_name, fw_cursor_take(&rec, 16), 16);
		ascii(m.index1_name, fw_cursor_take(&rec, 16), 16);
		ascii(m.index2_name, fw_cursor_take(&rec, 16), 16);
		rc = remember_name(r, &m);
		if (rc < 0)
			return rc;
		if (r->menu_fn) {
			rc = r->menu_fn(r->ud, &m);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int decode_segment(struct resdump *r)
{
	const uint8_t *p = r->seg;
	size_t len = r->need;
	struct resdump_segment s;
	struct fw_cursor c;
	size_t fixed = 4;
	uint32_t dw;
	int rc;

	/* The fixed part of every segment kind through the bounded reader. */
	fw_cursor_init(&c, p, len);
	memset(&s, 0, sizeof(s));
	s.offset = r->off;
	s.length = (uint32_t)len;
	s.type = (uint16_t)fw_cursor_be32(&c);
	s.kind = resdump_type_kind(s.type);
	s.name = resdump_type_name(r, s.type);
	switch (s.type) {
	case RESDUMP_INFO:
		fixed = 16;
		break;
	case RESDUMP_COMMAND:
	case RESDUMP_REFERENCE:
		fixed = 20;
		break;
	case RESDUMP_MENU:
		fixed = 8;
		break;
	case RESDUMP_NOTICE:
	case RESDUMP_ERROR:
		fixed = 48;
		break;
	case RESDUMP_TERMINATE:
		fixed = 4;
		break;
	default:
		fixed = s.type <= 0xfeff ? 16 : 4;
		break;
	}
	if (len < fixed) {
		problem(r, r->off,
			-EBADMSG, "resource dump %s segment at offset %llu: %zu bytes, its fixed part needs %zu; decoding the header only",
			s.kind, (unsigned long long)r->off, len, fixed);
		fixed = 4;
	} else {
		switch (s.type) {
		case RESDUMP_INFO:
			s.dump_version = fw_cursor_be32(&c) & 0xff;
			s.hw_version = fw_cursor_be32(&c);
			s.fw_version = fw_cursor_be32(&c);
			break;
		case RESDUMP_COMMAND:
		case RESDUMP_REFERENCE:
			dw = fw_cursor_be32(&c);
			s.segment_called = (uint16_t)(dw >> 16);
			s.vhca_id = (uint16_t)dw;
			if (s.type == RESDUMP_REFERENCE) {
				s.segment_called = (uint16_t)dw;
				s.vhca_id = 0;
			}
			s.index1 = fw_cursor_be32(&c);
			s.index2 = fw_cursor_be32(&c);
			dw = fw_cursor_be32(&c);
			s.num_of_obj1 = (uint16_t)(dw >> 16);
			s.num_of_obj2 = (uint16_t)dw;
			if (!s.name)
				s.name = resdump_type_name(r, s.segment_called);
			break;
		case RESDUMP_MENU:
			s.num_records = (uint16_t)fw_cursor_be32(&c);
			break;
		case RESDUMP_NOTICE:
		case RESDUMP_ERROR:
			s.syndrome_id = (uint16_t)fw_cursor_be32(&c);
			fw_cursor_skip(&c, 8);
			ascii(s.text, fw_cursor_take(&c, 32), 32);
			break;
		default:
			if (s.type <= 0xfeff) {
				fw_cursor_skip(&c, 4);
				s.index1 = fw_cursor_be32(&c);
				s.index2 = fw_cursor_be32(&c);
			}
			break;
		}
	}
	s.payload = p + fixed;
	s.payload_len = len - fixed;
	r->count++;
	rc = r->seg_fn ? r->seg_fn(r->ud, &s) : 0;
	/* A menu's records follow their segment. */
	if (rc >= 0 && s.type == RESDUMP_MENU && len >= 8)
		rc = decode_menu(r, p, len, s.num_records);
	return rc;
}

int resdump_feed(struct resdump *r, const void *data, size_t len)
{
	const uint8_t *p = data;
	int rc;

	while (len > 0) {
		size_t want, take;

		if (r->stopped) {
			r->ignored += len;
			return 0;
		}
		want = r->need ? r->need : 4;
		take = want - r->have;
		if (take > len)
			take = len;
		memcpy(r->seg + r->have, p, take);
		r->have += take;
		p += take;
		len -= take;
		if (r->have < want)
			break;
		if (!r->need) {
			struct fw_cursor hc;
			size_t seglen;

			fw_cursor_init(&hc, r->seg, r->have);
			seglen = (size_t)(fw_cursor_be32(&hc) >> 16) * 4;

			if (seglen == 0) {
				problem(r, r->off, -EBADMSG,
					"resource dump segment at offset %llu has length 0; the rest of the stream cannot be framed, skipping it",
					(unsigned long long)r->off);
				r->stopped = true;
				continue;
			}
			r->need = seglen;
			if (r->have < r->need)
				continue;
		}
		if (r->count >= FW_LIMIT_SEGMENTS) {
			problem(r, r->off, -EOVERFLOW,
				"resource dump: more than FW_LIMIT_SEGMENTS segments, skipping the rest");
			r->stopped = true;
			continue;
		}
		rc = decode_segment(r);
		r->off += r->need;
		r->have = 0;
		r->need = 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}

int resdump_finish(struct resdump *r)
{
	if (r->have && !r->stopped)
		problem(r, r->off, -EBADMSG,
			"resource dump segment at offset %llu is cut short (%zu of %zu bytes), skipping",
			(unsigned long long)r->off, r->have, r->need ? r->need : (size_t)4);
	r->have = r->need = 0;
	return 0;
}
