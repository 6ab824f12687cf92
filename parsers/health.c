/* SPDX-License-Identifier: MIT */
/*
 * health: devlink fmsg (netlink attributes or iproute2 JSON) and the health
 * buffer, to path-named values.
 *
 * The netlink stream is walked by hand with bounded reads rather than with
 * libmnl: libmnl casts the buffer to struct nlattr, and bytes read from a
 * bundle are neither aligned nor trusted.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/bytes.h"
#include "core/limits.h"
#include "health.h"

#define NLA_TYPE_MASK 0x3fff
#define PATH_MAX_LEN 4096u

const char *health_vtype_name(enum health_vtype t)
{
	switch (t) {
	case HEALTH_U8:
		return "u8";
	case HEALTH_U16:
		return "u16";
	case HEALTH_U32:
		return "u32";
	case HEALTH_U64:
		return "u64";
	case HEALTH_BOOL:
		return "bool";
	case HEALTH_STRING:
		return "string";
	case HEALTH_BINARY:
		return "binary";
	case HEALTH_NUMBER:
		return "number";
	case HEALTH_NULL:
		return "null";
	}
	return "unknown";
}

/* ------------------------------------------------------------ path builder */

enum frame_kind { FR_OBJ, FR_PAIR, FR_ARR };

struct frame {
	enum frame_kind kind;
	size_t path_len;     /* path length before this frame added its part */
	int64_t next_index;  /* arrays: next element */
	bool named;
};

struct tree {
	struct frame st[FW_LIMIT_FMSG_DEPTH + 1];
	unsigned depth;
	char path[PATH_MAX_LEN + 64];
	size_t path_len;
	char name[FW_LIMIT_FMSG_NAME + 1];
	bool overflow;       /* nesting beyond the limit: values are ignored */
	unsigned over;
};

static void tree_append(struct tree *t, const char *s, size_t n)
{
	if (t->path_len + n > PATH_MAX_LEN)
		n = PATH_MAX_LEN > t->path_len ? PATH_MAX_LEN - t->path_len : 0;
	memcpy(t->path + t->path_len, s, n);
	t->path_len += n;
	t->path[t->path_len] = '\0';
}

/* An element of the array on top gets its "[i]"; returns the index. */
static int64_t tree_element(struct tree *t)
{
	struct frame *f;
	char tmp[32];
	int n;

	if (!t->depth || t->st[t->depth - 1].kind != FR_ARR)
		return -1;
	f = &t->st[t->depth - 1];
	n = snprintf(tmp, sizeof(tmp), "[%lld]", (long long)f->next_index);
	tree_append(t, tmp, (size_t)n);
	return f->next_index++;
}

static bool tree_push(struct tree *t, enum frame_kind k)
{
	struct frame *f;

	if (t->overflow || t->depth >= FW_LIMIT_FMSG_DEPTH) {
		t->overflow = true;
		t->over++;
		return false;
	}
	f = &t->st[t->depth++];
	f->kind = k;
	f->path_len = t->path_len;
	f->next_index = 0;
	f->named = false;
	return true;
}

static void tree_name(struct tree *t, const char *name, size_t n)
{
	struct frame *f;

	if (t->overflow || !t->depth)
		return;
	f = &t->st[t->depth - 1];
	if (f->kind != FR_PAIR || f->named)
		return;
	if (f->path_len > 0 && t->path[t->path_len - 1] != '/')
		tree_append(t, "/", 1);
	if (n > FW_LIMIT_FMSG_NAME)
		n = FW_LIMIT_FMSG_NAME;
	tree_append(t, name, n);
	memcpy(t->name, name, n);
	t->name[n] = '\0';
	f->named = true;
}

/* Pop; returns false if nothing was open. */
static bool tree_pop(struct tree *t, enum frame_kind *ret_kind)
{
	if (t->overflow) {
		if (--t->over == 0)
			t->overflow = false;
		*ret_kind = FR_PAIR; /* nothing to report for a dropped frame */
		return true;
	}
	if (!t->depth)
		return false;
	t->depth--;
	*ret_kind = t->st[t->depth].kind;
	t->path_len = t->st[t->depth].path_len;
	t->path[t->path_len] = '\0';
	return true;
}

/* ---------------------------------------------------------------- fmsg */

struct health_fmsg {
	struct fw_ctx *ctx;
	health_item_fn fn;
	health_problem_fn problem;
	void *ud;
	struct tree tree;
	/* attribute reader */
	uint64_t pos;             /* stream offset */
	uint8_t hdr[4];
	size_t hdr_have;
	uint8_t *leaf;            /* current leaf payload */
	size_t leaf_len, leaf_have, leaf_pad;
	uint16_t leaf_type;
	uint64_t leaf_off;
	uint64_t skip;            /* bytes to skip (unknown attribute, padding) */
	uint64_t nest_end[1];     /* end of the open FMSG nest (stream offset) */
	unsigned nests;
	uint8_t vtype;
	bool have_vtype;
	uint64_t items;
	bool stopped;
	int err;
	char endpath[PATH_MAX_LEN + 64];
};

static void fproblem(struct health_fmsg *f, uint64_t off, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fproblem(struct health_fmsg *f, uint64_t off, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_vproblemf(f->problem, f->ud, off, err, fmt, ap);
	va_end(ap);
}

int health_fmsg_new(struct fw_ctx *ctx, health_item_fn fn, health_problem_fn problem, void *ud,
		    struct health_fmsg **ret)
{
	struct health_fmsg *f = calloc(1, sizeof(*f));

	if (!f)
		return fw_error(ctx, -ENOMEM, "fmsg: out of memory");
	f->ctx = ctx;
	f->fn = fn;
	f->problem = problem;
	f->ud = ud;
	*ret = f;
	return 0;
}

void health_fmsg_free(struct health_fmsg *f)
{
	if (!f)
		return;
	free(f->leaf);
	free(f);
}

uint64_t health_fmsg_count(const struct health_fmsg *f)
{
	return f->items;
}

static int emit(struct health_fmsg *f, struct health_item *h)
{
	if (f->tree.overflow)
		return 0;
	if (++f->items > FW_LIMIT_FMSG_ITEMS) {
		if (f->items == FW_LIMIT_FMSG_ITEMS + 1)
			fproblem(f, h->offset, -EOVERFLOW,
				 "fmsg: more than FW_LIMIT_FMSG_ITEMS items, skipping the rest");
		f->stopped = true;
		return 0;
	}
	if (!h->path)
		h->path = f->tree.path;
	h->depth = f->tree.depth;
	return f->fn ? f->fn(f->ud, h) : 0;
}

static int item(struct health_fmsg *f, uint16_t type, const uint8_t *p, size_t n, uint64_t off)
{
	struct health_item h;
	struct fw_cursor vc;
	enum frame_kind k = FR_OBJ;
	size_t saved;
	int r;

	switch (type) {
	case FW_DEVLINK_ATTR_FMSG_OBJ_NEST_START:
	case FW_DEVLINK_ATTR_FMSG_PAIR_NEST_START:
	case FW_DEVLINK_ATTR_FMSG_ARR_NEST_START:
		saved = f->tree.path_len;
		if (type != FW_DEVLINK_ATTR_FMSG_PAIR_NEST_START)
			tree_element(&f->tree);
		if (!tree_push(&f->tree, type == FW_DEVLINK_ATTR_FMSG_OBJ_NEST_START ? FR_OBJ
					 : type == FW_DEVLINK_ATTR_FMSG_PAIR_NEST_START ? FR_PAIR
										: FR_ARR)) {
			if (f->tree.over == 1)
				fproblem(f, off, -EOVERFLOW,
					 "fmsg nesting deeper than FW_LIMIT_FMSG_DEPTH, skipping the inner values");
			return 0;
		}
		/* An element's "[i]" belongs to the frame just pushed. */
		f->tree.st[f->tree.depth - 1].path_len = saved;
		return 0;
	case FW_DEVLINK_ATTR_FMSG_NEST_END:
		/* END carries the closed container's own path. */
		memcpy(f->endpath, f->tree.path, f->tree.path_len + 1);
		if (!tree_pop(&f->tree, &k)) {
			fproblem(f, off, -EBADMSG, "fmsg NEST_END at offset %llu closes nothing, skipping",
				 (unsigned long long)off);
			return 0;
		}
		if (k == FR_PAIR)
			return 0;
		memset(&h, 0, sizeof(h));
		h.event = HEALTH_END;
		h.index = -1;
		h.offset = off;
		h.path = f->endpath;
		h.name = f->tree.name;
		return emit(f, &h);
	case FW_DEVLINK_ATTR_FMSG_OBJ_NAME:
		tree_name(&f->tree, (const char *)p, strnlen((const char *)p, n));
		return 0;
	case FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_TYPE:
		if (n < 1) {
			fproblem(f, off, -EBADMSG, "fmsg value type at offset %llu is empty, skipping",
				 (unsigned long long)off);
			return 0;
		}
		f->vtype = p[0];
		f->have_vtype = true;
		return 0;
	case FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_DATA:
		memset(&h, 0, sizeof(h));
		h.event = HEALTH_VALUE;
		h.offset = off;
		h.name = f->tree.name;
		if (!f->have_vtype) {
			fproblem(f, off, -EBADMSG,
				 "fmsg value at offset %llu has no type before it, skipping",
				 (unsigned long long)off);
			return 0;
		}
		f->have_vtype = false;
		h.type = (enum health_vtype)f->vtype;
		/* Fixed-size values through the bounded reader: a short one
		 * sets its error flag and is reported, never read past. */
		fw_cursor_init(&vc, p, n);
		switch (f->vtype) {
		case HEALTH_U8:
		case HEALTH_BOOL:
			if (n < 1 && f->vtype == HEALTH_U8)
				goto short_value;
			h.u = n ? fw_cursor_u8(&vc) : 1;
			break;
		case HEALTH_U16:
			h.u = fw_cursor_le16(&vc);
			if (vc.error)
				goto short_value;
			break;
		case HEALTH_U32:
			h.u = fw_cursor_le32(&vc);
			if (vc.error)
				goto short_value;
			break;
		case HEALTH_U64:
			h.u = fw_cursor_le64(&vc);
			if (vc.error)
				goto short_value;
			break;
		case HEALTH_STRING:
			/* The leaf buffer has a NUL after the payload. */
			h.str = (const char *)p;
			break;
		case HEALTH_BINARY:
			h.bin = p;
			h.bin_len = n;
			break;
		default:
			fproblem(f, off, -EBADMSG, "fmsg value at offset %llu has unknown type %u, skipping",
				 (unsigned long long)off, f->vtype);
			return 0;
		}
		saved = f->tree.path_len;
		h.index = tree_element(&f->tree);
		r = emit(f, &h);
		f->tree.path_len = saved;
		f->tree.path[saved] = '\0';
		return r;
	default:
		return 0;
	}
short_value:
	fproblem(f, off, -EBADMSG, "fmsg %s value at offset %llu is %zu bytes, skipping",
		 health_vtype_name((enum health_vtype)f->vtype), (unsigned long long)off, n);
	return 0;
}

int health_fmsg_feed(struct health_fmsg *f, const void *data, size_t len)
{
	const uint8_t *p = data;
	int r;

	if (f->err)
		return f->err;
	while (len > 0 && !f->stopped) {
		/* Close FMSG nests that end here. */
		while (f->nests && f->pos >= f->nest_end[f->nests - 1])
			f->nests--;
		if (f->skip) {
			size_t n = f->skip < len ? (size_t)f->skip : len;

			f->skip -= n;
			f->pos += n;
			p += n;
			len -= n;
			continue;
		}
		if (f->leaf_len) {
			size_t n = f->leaf_len - f->leaf_have;

			if (n > len)
				n = len;
			memcpy(f->leaf + f->leaf_have, p, n);
			f->leaf_have += n;
			f->pos += n;
			p += n;
			len -= n;
			if (f->leaf_have < f->leaf_len)
				continue;
			f->leaf[f->leaf_len] = '\0';
			r = item(f, f->leaf_type, f->leaf, f->leaf_len, f->leaf_off);
			f->skip = f->leaf_pad;
			f->leaf_len = f->leaf_have = 0;
			if (r < 0) {
				f->err = r;
				return r;
			}
			continue;
		}
		f->hdr[f->hdr_have++] = *p++;
		f->pos++;
		len--;
		if (f->hdr_have < 4)
			continue;
		f->hdr_have = 0;
		{
			uint16_t alen = fw_get_le16(f->hdr), type = fw_get_le16(f->hdr + 2) & NLA_TYPE_MASK;
			uint64_t off = f->pos - 4;
			size_t plen, pad;

			if (alen < 4) {
				fproblem(f, off, -EBADMSG,
					 "netlink attribute at offset %llu has length %u; the rest cannot be framed, skipping it",
					 (unsigned long long)off, alen);
				f->stopped = true;
				break;
			}
			plen = alen - 4u;
			pad = (4 - (alen & 3)) & 3;
			if (f->nests && off + alen > f->nest_end[f->nests - 1]) {
				fproblem(f, off, -EBADMSG,
					 "netlink attribute at offset %llu runs past its FMSG nest, skipping the rest",
					 (unsigned long long)off);
				f->stopped = true;
				break;
			}
			if (!f->nests && type == FW_DEVLINK_ATTR_FMSG) {
				f->nest_end[f->nests++] = off + alen;
				continue;
			}
			/* Outside a nest, items stand alone: the devlink transport
			 * hands back the concatenated contents of every reply's
			 * FMSG nest.  Anything else at the top level is skipped. */
			if (!f->nests && (type < FW_DEVLINK_ATTR_FMSG_OBJ_NEST_START ||
					  type > FW_DEVLINK_ATTR_FMSG_OBJ_VALUE_DATA)) {
				f->skip = plen + pad;
				continue;
			}
			if (plen > FW_LIMIT_READ_CHUNK) {
				fproblem(f, off, -EOVERFLOW,
					 "fmsg item at offset %llu is %zu bytes, over FW_LIMIT_READ_CHUNK, skipping",
					 (unsigned long long)off, plen);
				f->skip = plen + pad;
				continue;
			}
			if (plen == 0) {
				r = item(f, type, (const uint8_t *)"", 0, off);
				f->skip = pad;
				if (r < 0) {
					f->err = r;
					return r;
				}
				continue;
			}
			if (!f->leaf) {
				f->leaf = malloc(FW_LIMIT_READ_CHUNK + 1);
				if (!f->leaf)
					return f->err = fw_error(f->ctx, -ENOMEM, "fmsg: out of memory");
			}
			f->leaf_len = plen;
			f->leaf_have = 0;
			f->leaf_pad = pad;
			f->leaf_type = type;
			f->leaf_off = off;
		}
	}
	return 0;
}

int health_fmsg_finish(struct health_fmsg *f)
{
	if (f->err)
		return f->err;
	if (!f->stopped && (f->hdr_have || f->leaf_len))
		fproblem(f, f->pos, -EBADMSG, "fmsg stream ends inside an attribute, skipping it");
	if (!f->stopped && f->tree.depth)
		fproblem(f, f->pos, -EBADMSG, "fmsg stream ends with %u nests still open",
			 f->tree.depth);
	return 0;
}

size_t health_fmsg_put(uint8_t *buf, size_t len, size_t cap, uint16_t type, const void *data,
		       size_t dlen)
{
	size_t alen = 4 + dlen, total = (alen + 3) & ~(size_t)3;

	if (alen > 0xffff || len + total > cap)
		return 0;
	fw_put_le16(buf + len, (uint16_t)alen);
	fw_put_le16(buf + len + 2, type);
	if (dlen)
		memcpy(buf + len + 4, data, dlen);
	memset(buf + len + alen, 0, total - alen);
	return len + total;
}

/* ---------------------------------------------------------------- JSON */

struct jwalk {
	health_item_fn fn;
	health_problem_fn problem;
	void *ud;
	struct tree tree;
	uint64_t items;
};

static int jvalue(struct jwalk *w, struct json_object *o, int64_t index);

static int jemit(struct jwalk *w, struct health_item *h, int64_t index)
{
	h->index = index;
	h->path = w->tree.path;
	h->name = w->tree.name;
	h->depth = w->tree.depth;
	if (++w->items > FW_LIMIT_FMSG_ITEMS)
		return -EOVERFLOW;
	return w->fn ? w->fn(w->ud, h) : 0;
}

static int jcontainer(struct jwalk *w, struct json_object *o, bool is_array)
{
	struct health_item h;
	enum frame_kind k = FR_OBJ;
	int r = 0;

	if (!tree_push(&w->tree, is_array ? FR_ARR : FR_OBJ))
		return 0;
	if (is_array) {
		size_t i, n = json_object_array_length(o);

		for (i = 0; i < n && r >= 0; i++) {
			size_t saved = w->tree.path_len;
			int64_t idx = tree_element(&w->tree);

			r = jvalue(w, json_object_array_get_idx(o, i), idx);
			w->tree.path_len = saved;
			w->tree.path[saved] = '\0';
		}
	} else {
		json_object_object_foreach(o, key, val)
		{
			if (!tree_push(&w->tree, FR_PAIR))
				continue;
			tree_name(&w->tree, key, strlen(key));
			r = jvalue(w, val, -1);
			tree_pop(&w->tree, &k);
			if (r < 0)
				break;
		}
	}
	tree_pop(&w->tree, &k);
	if (r < 0)
		return r;
	memset(&h, 0, sizeof(h));
	h.event = HEALTH_END;
	return jemit(w, &h, -1);
}

static int jvalue(struct jwalk *w, struct json_object *o, int64_t index)
{
	struct health_item h;

	memset(&h, 0, sizeof(h));
	h.event = HEALTH_VALUE;
	switch (json_object_get_type(o)) {
	case json_type_object:
		return jcontainer(w, o, false);
	case json_type_array:
		return jcontainer(w, o, true);
	case json_type_null:
		h.type = HEALTH_NULL;
		break;
	case json_type_boolean:
		h.type = HEALTH_BOOL;
		h.u = json_object_get_boolean(o) ? 1 : 0;
		break;
	case json_type_int:
		/* A negative number does not fit u: kept as its JSON text. */
		if (json_object_get_int64(o) < 0) {
			h.type = HEALTH_STRING;
			h.str = json_object_get_string(o);
			break;
		}
		h.type = HEALTH_NUMBER;
		h.u = json_object_get_uint64(o);
		break;
	case json_type_double: {
		double d = json_object_get_double(o);

		/* Only a whole number in u's range converts (anything else, 1e308
		 * or NaN, is undefined behaviour in C): the rest is kept as text. */
		if (d >= 0 && d < 18446744073709551616.0 && d == (double)(uint64_t)d) {
			h.type = HEALTH_NUMBER;
			h.u = (uint64_t)d;
		} else {
			h.type = HEALTH_STRING;
			h.str = json_object_get_string(o);
		}
		break;
	}
	case json_type_string:
		h.type = HEALTH_STRING;
		h.str = json_object_get_string(o);
		break;
	}
	return jemit(w, &h, index);
}

int health_json_parse(struct fw_ctx *ctx, const void *data, size_t len, health_item_fn fn,
		      health_problem_fn problem, void *ud)
{
	struct json_tokener *tok;
	struct json_object *root;
	struct jwalk *w;
	int r;

	if (len > FW_LIMIT_JSON_INPUT)
		return fw_error(ctx, -EOVERFLOW,
				"health JSON: %zu bytes is over FW_LIMIT_JSON_INPUT", len);
	tok = json_tokener_new_ex(FW_LIMIT_FMSG_DEPTH);
	if (!tok)
		return fw_error(ctx, -ENOMEM, "health JSON: out of memory");
	root = json_tokener_parse_ex(tok, data, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		size_t off = json_tokener_get_parse_end(tok);

		r = fw_error(ctx, -EBADMSG, "health JSON: %s at offset %zu",
			     json_tokener_error_desc(json_tokener_get_error(tok)), off);
		if (problem)
			problem(ud, off, -EBADMSG, fw_ctx_errmsg(ctx));
		json_object_put(root);
		json_tokener_free(tok);
		return r;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		json_object_put(root);
		json_tokener_free(tok);
		return fw_error(ctx, -ENOMEM, "health JSON: out of memory");
	}
	w->fn = fn;
	w->problem = problem;
	w->ud = ud;
	r = jvalue(w, root, -1);
	if (r == -EOVERFLOW)
		r = fw_error(ctx, -EOVERFLOW, "health JSON: more than FW_LIMIT_FMSG_ITEMS values");
	free(w);
	json_object_put(root);
	json_tokener_free(tok);
	return r;
}

/* --------------------------------------------------------- health buffer */

const char *health_syndrome_name(uint8_t synd)
{
	/* Texts of the kernel's hsynd_str() (health.c). */
	switch (synd) {
	case 0x1:
		return "firmware internal error";
	case 0x7:
		return "irisc not responding";
	case 0x8:
		return "unrecoverable hardware error";
	case 0x9:
		return "firmware CRC error";
	case 0xa:
		return "ICM fetch PCI error";
	case 0xb:
		return "HW fatal error";
	case 0xc:
		return "async EQ buffer overrun";
	case 0xd:
		return "EQ error";
	case 0xe:
		return "Invalid EQ referenced";
	case 0xf:
		return "FFSER error";
	case 0x10:
		return "High temperature";
	}
	return NULL;
}

int health_buffer_parse(struct fw_ctx *ctx, const void *data, size_t len, health_item_fn fn,
			void *ud)
{
	static const struct {
		const char *name;
		unsigned off, size, shift, width;
	} fields[] = {
		{ "assert_var[0]", 0x00, 4, 0, 32 }, { "assert_var[1]", 0x04, 4, 0, 32 },
		{ "assert_var[2]", 0x08, 4, 0, 32 }, { "assert_var[3]", 0x0c, 4, 0, 32 },
		{ "assert_var[4]", 0x10, 4, 0, 32 }, { "assert_var[5]", 0x14, 4, 0, 32 },
		{ "assert_exit_ptr", 0x20, 4, 0, 32 }, { "assert_callra", 0x24, 4, 0, 32 },
		{ "time", 0x2c, 4, 0, 32 }, { "fw_ver", 0x30, 4, 0, 32 },
		{ "hw_id", 0x34, 4, 0, 32 }, { "rfr", 0x38, 1, 7, 1 },
		{ "crr", 0x38, 1, 6, 1 }, { "severity_valid", 0x38, 1, 3, 1 },
		{ "severity", 0x38, 1, 0, 3 }, { "irisc_index", 0x3c, 1, 0, 8 },
		{ "synd", 0x3d, 1, 0, 8 }, { "ext_synd", 0x3e, 2, 0, 16 },
	};
	char path[64];
	struct health_item h;
	struct fw_cursor c;
	size_t i;
	const char *sn;
	uint8_t synd;
	int r;

	if (len < HEALTH_BUFFER_SIZE)
		return fw_error(ctx, -EBADMSG, "health buffer: %zu bytes, need %u; recollect it", len,
				HEALTH_BUFFER_SIZE);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint32_t v;

		/* Each field through the bounded reader (the layout is a table). */
		fw_cursor_init(&c, data, len);
		fw_cursor_skip(&c, fields[i].off);
		v = fields[i].size == 4 ? fw_cursor_be32(&c)
		    : fields[i].size == 2 ? fw_cursor_be16(&c) : fw_cursor_u8(&c);
		if (c.error)
			return fw_error(ctx, -EBADMSG, "health buffer: field '%s' lies past its %zu bytes",
					fields[i].name, len);

		v = (v >> fields[i].shift) & (fields[i].width >= 32 ? 0xffffffffu
								    : ((1u << fields[i].width) - 1));
		memset(&h, 0, sizeof(h));
		snprintf(path, sizeof(path), "health buffer/%s", fields[i].name);
		h.path = path;
		h.name = fields[i].name;
		h.index = -1;
		h.depth = 1;
		h.offset = fields[i].off;
		h.type = fields[i].size == 4 ? HEALTH_U32 : fields[i].size == 2 ? HEALTH_U16 : HEALTH_U8;
		h.u = v;
		r = fn ? fn(ud, &h) : 0;
		if (r < 0)
			return r;
	}
	fw_cursor_init(&c, data, len);
	fw_cursor_skip(&c, 0x3d);
	synd = fw_cursor_u8(&c);
	sn = health_syndrome_name(synd);
	memset(&h, 0, sizeof(h));
	h.path = "health buffer/synd_name";
	h.name = "synd_name";
	h.index = -1;
	h.depth = 1;
	h.offset = 0x3d;
	h.type = HEALTH_STRING;
	h.str = sn ? sn : "";
	return fn ? fn(ud, &h) : 0;
}
