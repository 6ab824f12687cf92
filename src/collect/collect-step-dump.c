/* SPDX-License-Identifier: MIT */
/*
 * collect-step-dump: the large, less volatile dumps.  The resource-dump
 * menu and the default segments (RESOURCE_DUMP's more_dump loop), and
 * CR-space: through CORE_DUMP to user memory where the transport has it,
 * else the CRSPACE resource-dump segment.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-internal.h"
#include "core/buf.h"
#include "core/bytes.h"
#include "core/limits.h"

/* Segments that need no index (or accept "all"), useful after a crash. */
static const char *const default_segments[] = {
	"FUNC_SYND_REC", "SX_SLICE_ALL", "RX_SLICE_ALL", "PAGE_HISTOGRAM",
	"SHARED_BUFFER", "QUERY_VNIC_ENV",
};

/* A dump being gathered, bounded by FW_LIMIT_CRSPACE, and for CR-space
 * the run of consecutive addresses it is extending. */
struct crbuf {
	struct fw_buf b;
	size_t run;                    /* offset of the open run's segment header, or SIZE_MAX */
	uint32_t next;                 /* address that would extend the open run */
};
#define CRBUF_INIT { .b = { .max = FW_LIMIT_CRSPACE }, .run = SIZE_MAX }

static int crbuf_room(struct collect *c, struct collect_art *a, struct crbuf *b, size_t n)
{
	int r = fw_buf_reserve(&b->b, n);

	if (r == -EOVERFLOW) {
		collect_art_fail(a, BUNDLE_OUTCOME_PARTIAL, -EOVERFLOW,
				 "dump exceeds FW_LIMIT_CRSPACE (%u bytes)", FW_LIMIT_CRSPACE);
		return r;
	}
	if (r < 0)
		return fw_error(c->ctx, r, "collect: out of memory gathering a %zu-byte dump",
				b->b.len);
	return 0;
}

/* Where resdump_read() gathers a dump (a crbuf: bounded by FW_LIMIT_CRSPACE). */
struct rd_buf {
	struct collect *c;
	struct collect_art *a;
	struct crbuf b;
};

static int rd_add(void *u, const void *data, size_t n)
{
	struct rd_buf *d = u;
	int r = crbuf_room(d->c, d->a, &d->b, n);

	if (r < 0)
		return r;
	memcpy(d->b.b.data + d->b.b.len, data, n);
	d->b.b.len += n;
	return 0;
}

/* Read one segment (or the menu) to the end of its more_dump chain with the
 * mlx5 layer's loop, in the tool's read form.  What came before a failure
 * is kept (the art says partial).  Returns bytes read or -ENOMEM. */
static int resdump_read(struct collect *c, struct collect_art *a, uint16_t segment,
			uint16_t nobj1, uint16_t nobj2, uint8_t **ret_buf)
{
	struct mlx5_resdump_req req = { .segment_type = segment, .num_of_obj1 = nobj1,
					.num_of_obj2 = nobj2, .read_op = true };
	struct rd_buf d = { .c = c, .a = a, .b = CRBUF_INIT };
	struct mlx5_status st = { 0 };
	int r;

	/* The firmware decides how many calls: a plan cannot count them. */
	a->plan_open = true;
	r = collect_cmd_begin(c, a);
	if (r < 0)
		goto out;
	r = mlx5_resdump_each(c->dev, &req, rd_add, &d, &st);
	c->cur = NULL;
	if (r == -ENOMEM) {
		free(d.b.b.data);
		return r;
	}
	if (r == -EOVERFLOW && a->outcome == BUNDLE_OUTCOME_PARTIAL) {
		/* crbuf_room() hit FW_LIMIT_CRSPACE and said so. */
	} else if (r == -EOVERFLOW && st.err == 0) {
		/* The layer's FW_LIMIT_RESDUMP_PAGES bound, not a command's fault. */
		collect_art_fail(a, BUNDLE_OUTCOME_PARTIAL, -EOVERFLOW,
				 "more than FW_LIMIT_RESDUMP_PAGES (%u) pages",
				 FW_LIMIT_RESDUMP_PAGES);
	} else {
		collect_cmd_end(c, a, r, &st);
	}
out:
	if (a->outcome == BUNDLE_OUTCOME_FAILED && d.b.b.len)
		a->outcome = BUNDLE_OUTCOME_PARTIAL;
	*ret_buf = d.b.b.data;
	return (int)d.b.b.len;
}

static int ensure_menu(struct collect *c, struct collect_art *a)
{
	uint8_t *buf = NULL;
	int r;

	if (c->menu)
		return (int)c->menu_len;
	r = resdump_read(c, a, MLX5_RESDUMP_SEG_MENU, 0, 0, &buf);
	if (r < 0)
		return r;
	if (a->outcome != BUNDLE_OUTCOME_OK) {
		/* Keep what came for the artifact, but do not trust it as a menu. */
		c->menu = buf;
		c->menu_len = (size_t)r;
		return fw_error(c->ctx, -EIO, "the resource-dump menu came back %s",
				bundle_outcome_name(a->outcome));
	}
	c->menu = buf ? buf : calloc(1, 1);
	c->menu_len = (size_t)r;
	return r;
}

/* A menu record: 52 bytes, the type and flags dword, then names. */
#define MENU_RECORD_BYTES 52u

struct menu_record {
	uint16_t type;
	uint32_t flags;
	char name[17];
};

/* Walk the menu stream (bounded), calling fn for every record. */
static int menu_walk(struct fw_ctx *ctx, const uint8_t *data, size_t len,
		     int (*fn)(void *u, const struct menu_record *m), void *u)
{
	struct fw_cursor cur;

	fw_cursor_init(&cur, data, len);
	for (unsigned seg = 0; seg < FW_LIMIT_SEGMENTS && fw_cursor_left(&cur) >= 4; seg++) {
		const uint8_t *h = cur.data + cur.off;
		uint32_t w = fw_get_be32(h);
		size_t seglen = (size_t)(w >> 16) * 4;
		uint16_t type = (uint16_t)w;
		const uint8_t *body;

		if (seglen < 4 || !(body = fw_cursor_take(&cur, seglen)))
			return fw_error(ctx, -EBADMSG,
					"resource-dump menu: segment %u of %zu bytes at offset %zu overruns "
					"the %zu-byte stream", seg, seglen, cur.off, len);
		if (type == 0xfffb)          /* TERMINATE */
			return 0;
		if (type != MLX5_RESDUMP_SEG_MENU || seglen < 8)
			continue;
		{
			unsigned nrec = fw_get_be32(body + 4) & 0xffff;

			for (unsigned i = 0; i < nrec; i++) {
				struct menu_record m;
				size_t off = 8 + (size_t)i * MENU_RECORD_BYTES;
				int r;

				if (!fw_range_ok(seglen, off, MENU_RECORD_BYTES))
					return fw_error(ctx, -EBADMSG,
							"resource-dump menu: record %u of %u overruns its "
							"%zu-byte segment", i, nrec, seglen);
				w = fw_get_be32(body + off);
				m.type = (uint16_t)w;
				m.flags = (w >> 16) & 0xfff;
				memcpy(m.name, body + off + 4, 16);
				m.name[16] = '\0';
				r = fn(u, &m);
				if (r)
					return r;
			}
		}
	}
	return 0;
}

struct find_seg {
	const char *name;
	struct menu_record rec;
	bool found;
};

static int find_seg_cb(void *u, const struct menu_record *m)
{
	struct find_seg *f = u;

	if (strcmp(m->name, f->name) == 0) {
		f->rec = *m;
		f->found = true;
		return 1;
	}
	return 0;
}

/* The menu record of a segment.  A plan has no menu (the dry run's is
 * empty): it takes every segment as listed and needing no index, the path
 * a firmware that has them takes. */
static int menu_find(struct collect *c, struct find_seg *f)
{
	if (c->planning) {
		memset(&f->rec, 0, sizeof(f->rec));
		snprintf(f->rec.name, sizeof(f->rec.name), "%s", f->name);
		f->found = true;
		return 0;
	}
	return menu_walk(c->ctx, c->menu, c->menu_len, find_seg_cb, f);
}

/* Flags of a menu record (bits 27..16 of its first dword, shifted down). */
#define MENU_MUST_INDEX1     (1u << 1)
#define MENU_MUST_INDEX2     (1u << 3)
#define MENU_MUST_NOBJ1      (1u << 5)
#define MENU_NOBJ1_ALL       (1u << 6)
#define MENU_MUST_NOBJ2      (1u << 9)
#define MENU_NOBJ2_ALL       (1u << 10)

static int dump_segment(struct collect *c, const char *kind, const char *name)
{
	struct collect_art a;
	struct find_seg f = { .name = name };
	uint8_t *buf = NULL;
	uint16_t n1 = 0, n2 = 0;
	int r;

	collect_art_init(&a, kind, fw_device_interface(c->dev, FW_PART_CMD));
	r = ensure_menu(c, &a);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		collect_art_fail(&a, collect_prereq_outcome(&a), a.err,
				 "resource-dump menu unavailable: %s", a.reason);
		return collect_emit(c, &a, NULL, 0);
	}
	if (menu_find(c, &f) < 0 && !f.found) {
		collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, -EBADMSG,
				 "resource-dump menu is malformed");
		return collect_emit(c, &a, NULL, 0);
	}
	if (!f.found) {
		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -ENOENT,
				 "firmware menu has no segment '%s'", name);
		return collect_emit(c, &a, NULL, 0);
	}
	if (f.rec.flags & (MENU_MUST_INDEX1 | MENU_MUST_INDEX2) ||
	    (f.rec.flags & MENU_MUST_NOBJ1 && !(f.rec.flags & MENU_NOBJ1_ALL)) ||
	    (f.rec.flags & MENU_MUST_NOBJ2 && !(f.rec.flags & MENU_NOBJ2_ALL))) {
		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -EINVAL,
				 "segment '%s' needs an object index", name);
		return collect_emit(c, &a, NULL, 0);
	}
	if (f.rec.flags & MENU_MUST_NOBJ1)
		n1 = MLX5_RESDUMP_ALL;
	if (f.rec.flags & MENU_MUST_NOBJ2)
		n2 = MLX5_RESDUMP_ALL;
	r = resdump_read(c, &a, f.rec.type, n1, n2, &buf);
	if (r == -ENOMEM)
		return r;
	r = collect_emit(c, &a, buf, r > 0 ? (size_t)r : 0);
	free(buf);
	return r;
}

int collect_step_resdump_menu(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	int r;

	collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_CMD));
	r = ensure_menu(c, &a);
	if (r == -ENOMEM)
		return r;
	return collect_emit(c, &a, c->menu, c->menu ? c->menu_len : 0);
}

int collect_step_resdump_segments(struct collect *c, const struct collect_step *s)
{
	char kind[COLLECT_KIND_MAX];
	int r;

	(void)s;
	for (size_t i = 0; i < sizeof(default_segments) / sizeof(default_segments[0]); i++) {
		snprintf(kind, sizeof(kind), "resdump.%s", default_segments[i]);
		if (c->opts.only && *c->opts.only && !collect_kind_matches(c->opts.only, kind))
			continue;
		c->deadline = fw_monotonic_ns() + (uint64_t)c->opts.step_timeout_ms * 1000000ull;
		if (collect_skipped(c, kind))
			r = collect_emit_excluded(c, kind);
		else
			r = dump_segment(c, kind, default_segments[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

#define CORE_DUMP_REG_BYTES   MLX5_CORE_DUMP_REG_SIZE
#define CORE_DUMP_UMEM_BYTES  (4u << 20)    /* 512 Ki dwords per command */
#define CR_SEGMENT_TYPE       0x7000u       /* the CRSPACE segment of fwbox-emu(7) */
#define CR_SEGMENT_MAX_DW     (0xffffu - 4u)

static int crbuf_segment(struct collect *c, struct collect_art *a, struct crbuf *b,
			 uint32_t dw0, uint32_t index1, size_t body)
{
	int r = crbuf_room(c, a, b, body);

	if (r < 0)
		return r;
	memset(b->b.data + b->b.len, 0, body);
	fw_put_be32(b->b.data + b->b.len, dw0);
	if (body >= 12)
		fw_put_be32(b->b.data + b->b.len + 8, index1);
	b->b.len += body;
	return 0;
}

/* Add one (address, value) pair: extend the open run or start a segment. */
static int crbuf_pair(struct collect *c, struct collect_art *a, struct crbuf *b, uint32_t addr,
		      const uint8_t value[4])
{
	int r;

	if (b->run != SIZE_MAX && addr == b->next &&
	    (fw_get_be32(b->b.data + b->run) >> 16) < CR_SEGMENT_MAX_DW) {
		r = crbuf_room(c, a, b, 4);
		if (r < 0)
			return r;
		fw_put_be32(b->b.data + b->run, fw_get_be32(b->b.data + b->run) + (1u << 16));
	} else {
		/* Room for the segment header and its first value at once. */
		r = crbuf_room(c, a, b, 16 + 4);
		if (r < 0)
			return r;
		b->run = b->b.len;
		r = crbuf_segment(c, a, b, 5u << 16 | CR_SEGMENT_TYPE, addr, 16);
		if (r < 0)
			return r;
	}
	memcpy(b->b.data + b->b.len, value, 4);
	b->b.len += 4;
	b->next = addr + 4;
	return 0;
}

/*
 * CR-space through CORE_DUMP type CR_DUMP_TO_MEM: the firmware writes
 * (address, value) big-endian pairs into registered user memory, a buffer
 * per command, and says where to go on (cookie) until more_dump is clear.
 * The pairs are kept as a resource-dump stream (INFO, one CR-space segment
 * per run of consecutive addresses with index1 = its first address,
 * TERMINATE), the layout the crspace decoder reads for CR-space segments:
 * unlike a flat image it keeps holes out, so the bundle and the history
 * hold only words that were read.  Returns the stream's bytes,
 * -EOPNOTSUPP when the transport has no user memory (the caller falls back
 * to RESOURCE_DUMP), or -ENOMEM.
 */
struct crdump_sink {
	struct collect *c;
	struct collect_art *a;
	struct crbuf b;
};

/* One call's pairs; before the next call, the step's checks again
 * (cancellation, time box), as for every command. */
static int crdump_pairs(void *u, const uint8_t *pairs, size_t len, bool more)
{
	struct crdump_sink *d = u;
	int r = 0;

	for (size_t k = 0; k + 8 <= len && r >= 0; k += 8)
		r = crbuf_pair(d->c, d->a, &d->b, fw_get_be32(pairs + k), pairs + k + 4);
	if (r >= 0 && more)
		r = collect_cmd_begin(d->c, d->a);
	return r;
}

static int crspace_core_dump(struct collect *c, struct collect_art *a, uint8_t **ret)
{
	struct crdump_sink d = { .c = c, .a = a, .b = CRBUF_INIT };
	struct crbuf b;
	struct mlx5_status st = { 0 };
	int r;

	if (!c->info.can_umem)
		return fw_error(c->ctx, -EOPNOTSUPP, "CORE_DUMP to memory: the %s transport has no "
				"user memory", c->info.transport);
	a->plan_open = true;    /* the firmware decides how many calls */
	r = crbuf_segment(c, a, &d.b, 4u << 16 | 0xfffeu, 0, 16);    /* INFO */
	if (r >= 0)
		r = collect_cmd_begin(c, a);
	if (r >= 0) {
		r = mlx5_crdump_each(c->dev, CORE_DUMP_UMEM_BYTES, 0, crdump_pairs, &d, &st);
		c->cur = NULL;
		if (r == -EOPNOTSUPP && st.commands == 0) {
			/* No user memory after all: the caller reads the
			 * RESOURCE_DUMP segment instead. */
			free(d.b.b.data);
			return fw_error(c->ctx, -EOPNOTSUPP,
					"CORE_DUMP to memory: user memory refused, reading the CRSPACE "
					"segment instead");
		}
	}
	b = d.b;
	if (r == -ENOMEM) {
		free(b.b.data);
		return r;
	}
	if (r < 0 && a->outcome == BUNDLE_OUTCOME_OK) {
		if (r == -EOVERFLOW && st.err == 0)
			collect_art_fail(a, BUNDLE_OUTCOME_PARTIAL, -EOVERFLOW,
					 "more than FW_LIMIT_RESDUMP_PAGES (%u) CORE_DUMP calls",
					 FW_LIMIT_RESDUMP_PAGES);
		else if (r == -EBADMSG && st.err == 0)
			collect_art_fail(a, BUNDLE_OUTCOME_FAILED, r, "%s", fw_ctx_errmsg(c->ctx));
		else
			collect_cmd_end(c, a, r, &st);
	}
	r = crbuf_segment(c, a, &b, 1u << 16 | 0xfffbu, 0, 4);    /* TERMINATE */
	if (r == -ENOMEM) {
		free(b.b.data);
		return r;
	}
	if (a->outcome == BUNDLE_OUTCOME_FAILED && b.b.len > 20)
		a->outcome = BUNDLE_OUTCOME_PARTIAL;
	else if (a->outcome == BUNDLE_OUTCOME_FAILED)
		b.b.len = 0;              /* INFO and TERMINATE alone say nothing */
	*ret = b.b.data;
	return (int)b.b.len;
}

int collect_step_crspace(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	struct find_seg f = { .name = "CRSPACE" };
	uint8_t *img = NULL;
	int r;

	collect_art_init(&a, s->kind, fw_device_interface(c->dev, FW_PART_CMD));
	r = crspace_core_dump(c, &a, &img);
	if (r == -ENOMEM)
		return r;
	if (r != -EOPNOTSUPP) {
		r = collect_emit(c, &a, img, r > 0 ? (size_t)r : 0);
		free(img);
		return r;
	}
	/* No user memory: the CRSPACE resource-dump segment, 208 bytes a call. */
	r = ensure_menu(c, &a);
	if (r == -ENOMEM)
		return r;
	if (r >= 0)
		menu_find(c, &f);
	if (!f.found) {
		if (r < 0)
			collect_art_fail(&a, collect_prereq_outcome(&a), a.err,
					 "resource-dump menu unavailable: %s", a.reason);
		else
			collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -ENOENT,
					 "no user memory for CORE_DUMP and no CRSPACE resource-dump "
					 "segment");
		return collect_emit(c, &a, NULL, 0);
	}
	return dump_segment(c, s->kind, "CRSPACE");
}

