/* SPDX-License-Identifier: MIT */
/*
 * libfwbox: the installed interface (libfwbox.h) over the bundle reader and
 * the analyzer.  Every public type wraps an internal one, so the internal
 * structures can change without breaking programs linked against the
 * shared library; src/lib/libfwbox.sym lists what is exported.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "analyze/analyze.h"
#include "bundle/bundle.h"
#include "core/buf.h"
#include "core/core.h"
#include "core/limits.h"
#include "core/text.h"
#include "lib/libfwbox.h"

struct fwbox_ctx {
	struct fw_ctx *ctx;
};

struct fwbox_artifact {
	const struct bundle_artifact *a;
	char sha256[FW_SHA256_HEX];
};

struct fwbox_bundle {
	struct fwbox_ctx *c;
	struct bundle *b;
	char uuid[37];
	size_t n;
	struct fwbox_artifact *arts;
};

/* A record's values live NUL-separated in one buffer; offsets are turned
 * into pointers only when the record is complete, since the buffer moves
 * as it grows. */
#define REC_MAX_FIELDS 12

struct fwbox_record {
	enum fwbox_record_type type;
	const char *kind;
	size_t n;
	const char *name[REC_MAX_FIELDS];
	size_t off[REC_MAX_FIELDS];
	const char *value[REC_MAX_FIELDS];
	struct fw_buf text;
	int err; /* first failure while building, reported when emitted */
};

struct decode_walk {
	struct fwbox_bundle *fb;
	fwbox_record_fn fn;
	void *ud;
	struct fwbox_record rec;
	int stop; /* what fn returned from a problem record, to stop at the next */
};

const char *fwbox_version(void)
{
	return fw_version();
}

int fwbox_ctx_new(struct fwbox_ctx **ret_ctx)
{
	struct fwbox_ctx *c;

	if (!ret_ctx)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (fw_ctx_new(&c->ctx) < 0) {
		free(c);
		return -ENOMEM;
	}
	*ret_ctx = c;
	return 0;
}

void fwbox_ctx_free(struct fwbox_ctx *ctx)
{
	if (!ctx)
		return;
	fw_ctx_free(ctx->ctx);
	free(ctx);
}

const char *fwbox_ctx_errmsg(const struct fwbox_ctx *ctx)
{
	return ctx ? fw_ctx_errmsg(ctx->ctx) : "";
}

int fwbox_bundle_open(struct fwbox_ctx *ctx, const char *path, struct fwbox_bundle **ret_bundle)
{
	struct fwbox_bundle *fb;
	int r;

	if (!ctx)
		return -EINVAL;
	if (!path || !ret_bundle)
		return fw_error(ctx->ctx, -EINVAL, "fwbox_bundle_open: no path or no ret_bundle");
	fw_ctx_clear_error(ctx->ctx);
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return fw_error(ctx->ctx, -ENOMEM, "out of memory opening '%s'", path);
	fb->c = ctx;
	r = bundle_open(ctx->ctx, path, &fb->b);
	if (r < 0)
		goto fail;
	fb->n = bundle_artifact_count(fb->b);
	fb->arts = calloc(fb->n ? fb->n : 1, sizeof(*fb->arts));
	if (!fb->arts) {
		r = fw_error(ctx->ctx, -ENOMEM, "out of memory listing the artifacts of '%s'", path);
		goto fail;
	}
	for (size_t i = 0; i < fb->n; i++) {
		fb->arts[i].a = bundle_artifact_at(fb->b, i);
		fw_sha256_hex(fb->arts[i].a->sha256, fb->arts[i].sha256);
	}
	uuid_unparse_lower(bundle_get_header(fb->b)->uuid, fb->uuid);
	*ret_bundle = fb;
	return 0;
fail:
	fwbox_bundle_close(fb);
	return r;
}

void fwbox_bundle_close(struct fwbox_bundle *b)
{
	if (!b)
		return;
	bundle_close(b->b);
	free(b->arts);
	free(b);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

const char *fwbox_bundle_uuid(const struct fwbox_bundle *b)
{
	return b->uuid;
}

uint64_t fwbox_bundle_created_ns(const struct fwbox_bundle *b)
{
	return bundle_get_header(b->b)->created_ns;
}

const char *fwbox_bundle_host(const struct fwbox_bundle *b)
{
	return or_empty(bundle_get_header(b->b)->host);
}

const char *fwbox_bundle_writer_version(const struct fwbox_bundle *b)
{
	return or_empty(bundle_get_header(b->b)->fwbox_version);
}

const char *fwbox_bundle_pci(const struct fwbox_bundle *b)
{
	const struct bundle_device *d = bundle_get_device(b->b);

	return d ? or_empty(d->pci) : "";
}

const char *fwbox_bundle_fw_version(const struct fwbox_bundle *b)
{
	const struct bundle_device *d = bundle_get_device(b->b);

	return d ? or_empty(d->fw_version) : "";
}

int fwbox_bundle_verify(struct fwbox_bundle *b, fwbox_problem_fn fn, void *userdata)
{
	fw_ctx_clear_error(b->c->ctx);
	return bundle_verify(b->b, fn, userdata);
}

size_t fwbox_bundle_artifact_count(const struct fwbox_bundle *b)
{
	return b->n;
}

const struct fwbox_artifact *fwbox_bundle_artifact(const struct fwbox_bundle *b, size_t i)
{
	return i < b->n ? &b->arts[i] : NULL;
}

const struct fwbox_artifact *fwbox_bundle_find(const struct fwbox_bundle *b, const char *kind)
{
	for (size_t i = 0; kind && i < b->n; i++)
		if (!strcmp(b->arts[i].a->kind, kind))
			return &b->arts[i];
	return NULL;
}

const char *fwbox_artifact_kind(const struct fwbox_artifact *a)
{
	return a->a->kind;
}

const char *fwbox_artifact_path(const struct fwbox_artifact *a)
{
	return a->a->path;
}

uint64_t fwbox_artifact_size(const struct fwbox_artifact *a)
{
	return a->a->size;
}

const char *fwbox_artifact_outcome(const struct fwbox_artifact *a)
{
	return bundle_outcome_name(a->a->outcome);
}

const char *fwbox_artifact_reason(const struct fwbox_artifact *a)
{
	return or_empty(a->a->reason);
}

const char *fwbox_artifact_sha256(const struct fwbox_artifact *a)
{
	return a->sha256;
}

int fwbox_bundle_read(struct fwbox_bundle *b, const char *kind, size_t max, void **ret_data,
		      size_t *ret_len)
{
	if (!kind || !ret_data || !ret_len)
		return fw_error(b->c->ctx, -EINVAL, "fwbox_bundle_read: no kind or no ret_data/ret_len");
	fw_ctx_clear_error(b->c->ctx);
	return bundle_read_kind(b->b, kind, max, ret_data, ret_len);
}

/* ------------------------------------------------------------ records */
static const char *const record_type_names[] = {
	[FWBOX_RECORD_TRACE] = "trace",     [FWBOX_RECORD_REGISTER] = "register",
	[FWBOX_RECORD_CRSPACE] = "crspace", [FWBOX_RECORD_SEGMENT] = "segment",
	[FWBOX_RECORD_MENU] = "menu",       [FWBOX_RECORD_HEALTH] = "health",
	[FWBOX_RECORD_PROBLEM] = "problem",
};

const char *fwbox_record_type_name(enum fwbox_record_type t)
{
	if ((unsigned)t >= sizeof(record_type_names) / sizeof(record_type_names[0]))
		return NULL;
	return record_type_names[t];
}

enum fwbox_record_type fwbox_record_type(const struct fwbox_record *r)
{
	return r->type;
}

const char *fwbox_record_kind(const struct fwbox_record *r)
{
	return r->kind;
}

size_t fwbox_record_field_count(const struct fwbox_record *r)
{
	return r->n;
}

const char *fwbox_record_field_name(const struct fwbox_record *r, size_t i)
{
	return i < r->n ? r->name[i] : NULL;
}

const char *fwbox_record_field_value(const struct fwbox_record *r, size_t i)
{
	return i < r->n ? r->value[i] : NULL;
}

const char *fwbox_record_get(const struct fwbox_record *r, const char *name)
{
	for (size_t i = 0; name && i < r->n; i++)
		if (!strcmp(r->name[i], name))
			return r->value[i];
	return NULL;
}

static void rec_start(struct decode_walk *w, enum fwbox_record_type type, const char *kind)
{
	w->rec.type = type;
	w->rec.kind = kind;
	w->rec.n = 0;
	w->rec.err = 0;
	fw_buf_reset(&w->rec.text);
}

/* Claim the next field: its value starts at the buffer's end. */
static bool rec_field(struct fwbox_record *r, const char *name)
{
	if (r->err)
		return false;
	if (r->n == REC_MAX_FIELDS) {
		r->err = -EOVERFLOW;
		return false;
	}
	r->name[r->n] = name;
	r->off[r->n] = r->text.len;
	r->n++;
	return true;
}

static void rec_end_value(struct fwbox_record *r, int ret)
{
	if (!r->err && (ret < 0 || (ret = fw_buf_putc(&r->text, 0)) < 0))
		r->err = ret;
}

__attribute__((format(printf, 3, 4))) static void rec_add(struct fwbox_record *r,
							  const char *name, const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (!rec_field(r, name))
		return;
	va_start(ap, fmt);
	ret = fw_buf_vprintf(&r->text, fmt, ap);
	va_end(ap);
	rec_end_value(r, ret);
}

static void rec_add_str(struct fwbox_record *r, const char *name, const char *s)
{
	if (rec_field(r, name))
		rec_end_value(r, fw_buf_puts(&r->text, s ? s : ""));
}

static void rec_add_hex(struct fwbox_record *r, const char *name, const uint8_t *p, size_t n)
{
	int ret;

	if (!rec_field(r, name))
		return;
	/* The value's NUL comes with it: rec_end_value adds none. */
	ret = n > FW_BUF_MAX / 2 ? -ENOMEM : fw_buf_reserve(&r->text, n * 2 + 1);
	if (ret < 0) {
		r->err = ret;
		return;
	}
	fw_hex(p, n, (char *)r->text.data + r->text.len);
	r->text.len += n * 2 + 1;
}

static int rec_emit(struct decode_walk *w)
{
	struct fwbox_record *r = &w->rec;

	if (r->err)
		return fw_error(w->fb->c->ctx, r->err, "'%s': cannot hold a %s record (%s)", r->kind,
				fwbox_record_type_name(r->type),
				r->err == -ENOMEM ? "out of memory" : "too many fields");
	if (w->stop)
		return w->stop;
	for (size_t i = 0; i < r->n; i++)
		r->value[i] = (const char *)r->text.data + r->off[i];
	return w->fn(w->ud, r);
}

static int on_trace(void *ud, const char *kind, const struct trace_event *ev)
{
	struct decode_walk *w = ud;
	char msg[FW_LIMIT_TRACE_MESSAGE];

	trace_event_render(ev, msg, sizeof(msg));
	rec_start(w, FWBOX_RECORD_TRACE, kind);
	rec_add(&w->rec, "timestamp", "%llu", (unsigned long long)ev->timestamp);
	rec_add(&w->rec, "lost", "%u", ev->lost ? 1u : 0u);
	rec_add(&w->rec, "event_id", "%u", (unsigned)ev->event_id);
	rec_add_str(&w->rec, "source", trace_source_name(ev->source));
	rec_add_str(&w->rec, "message", msg);
	return rec_emit(w);
}

static int on_reg_field(void *ud, const char *kind, const struct regs_field *f)
{
	struct decode_walk *w = ud;
	char val[600];

	regs_field_value_text(f, val, sizeof(val));
	rec_start(w, FWBOX_RECORD_REGISTER, kind);
	rec_add_str(&w->rec, "register", f->reg);
	rec_add_str(&w->rec, "field", f->field);
	rec_add(&w->rec, "bit_offset", "%u", f->bit_off);
	rec_add(&w->rec, "width", "%u", f->width);
	rec_add_str(&w->rec, "value", val);
	return rec_emit(w);
}

static int on_crspace(void *ud, const char *kind, uint32_t addr, const uint32_t *values, size_t n)
{
	struct decode_walk *w = ud;
	int r;

	for (size_t i = 0; i < n; i++) {
		rec_start(w, FWBOX_RECORD_CRSPACE, kind);
		rec_add(&w->rec, "address_hex", "0x%08x", (unsigned)(addr + 4 * i));
		rec_add(&w->rec, "value_hex", "0x%08x", (unsigned)values[i]);
		r = rec_emit(w);
		if (r < 0)
			return r;
	}
	return 0;
}

static int on_segment(void *ud, const char *kind, const struct resdump_segment *s)
{
	struct decode_walk *w = ud;

	rec_start(w, FWBOX_RECORD_SEGMENT, kind);
	rec_add(&w->rec, "type_hex", "0x%04x", (unsigned)s->type);
	rec_add_str(&w->rec, "name", s->name);
	rec_add(&w->rec, "index1", "%u", s->index1);
	rec_add(&w->rec, "index2", "%u", s->index2);
	rec_add(&w->rec, "offset", "%llu", (unsigned long long)s->offset);
	rec_add(&w->rec, "length", "%zu", s->payload_len);
	rec_add_hex(&w->rec, "payload_hex", s->payload, s->payload_len);
	return rec_emit(w);
}

static int on_menu(void *ud, const char *kind, const struct resdump_menu_record *m)
{
	struct decode_walk *w = ud;

	rec_start(w, FWBOX_RECORD_MENU, kind);
	rec_add(&w->rec, "type_hex", "0x%04x", (unsigned)m->type);
	rec_add_str(&w->rec, "segment", m->segment_name);
	rec_add_str(&w->rec, "index1_name", m->index1_name);
	rec_add_str(&w->rec, "index2_name", m->index2_name);
	return rec_emit(w);
}

static int on_health(void *ud, const char *kind, const struct health_item *h)
{
	struct decode_walk *w = ud;

	/* Only values: the end of an object or array carries nothing a
	 * reader of records needs (the paths say where values belong). */
	if (h->event != HEALTH_VALUE)
		return 0;
	rec_start(w, FWBOX_RECORD_HEALTH, kind);
	rec_add_str(&w->rec, "path", h->path);
	rec_add_str(&w->rec, "type", health_vtype_name(h->type));
	switch (h->type) {
	case HEALTH_STRING:
		rec_add_str(&w->rec, "value", h->str);
		break;
	case HEALTH_BINARY:
		rec_add_hex(&w->rec, "value", h->bin, h->bin_len);
		break;
	case HEALTH_NULL:
		rec_add_str(&w->rec, "value", "");
		break;
	default:
		rec_add(&w->rec, "value", "%llu", (unsigned long long)h->u);
		break;
	}
	return rec_emit(w);
}

static void on_problem(void *ud, const char *kind, uint64_t offset, int err, const char *msg)
{
	struct decode_walk *w = ud;

	int r;

	/* The sink's problem callback cannot stop the walk: a negative code
	 * from fn is kept and stops it at the next record, or is returned
	 * when the walk ends. */
	rec_start(w, FWBOX_RECORD_PROBLEM, kind);
	rec_add(&w->rec, "offset", "%llu", (unsigned long long)offset);
	rec_add(&w->rec, "error", "%d", err);
	rec_add_str(&w->rec, "message", msg);
	r = rec_emit(w);
	if (r < 0 && !w->stop)
		w->stop = r;
}

int fwbox_bundle_decode(struct fwbox_bundle *b, const char *kinds, fwbox_record_fn fn,
			void *userdata)
{
	static const struct analyze_sink sink = {
		.trace = on_trace,
		.reg_field = on_reg_field,
		.crspace = on_crspace,
		.segment = on_segment,
		.menu = on_menu,
		.health = on_health,
		.problem = on_problem,
	};
	struct decode_walk w = { .fb = b, .fn = fn, .ud = userdata };
	struct analyze *an = NULL;
	int r;

	if (!fn)
		return fw_error(b->c->ctx, -EINVAL, "fwbox_bundle_decode: no record callback");
	fw_ctx_clear_error(b->c->ctx);
	fw_buf_init(&w.rec.text, 0);
	r = analyze_new(b->c->ctx, &sink, &w, &an);
	if (r >= 0)
		r = analyze_bundle(an, b->b, kinds);
	analyze_free(an);
	fw_buf_release(&w.rec.text);
	if (r >= 0 && w.stop)
		r = w.stop;
	return r < 0 ? r : 0;
}
