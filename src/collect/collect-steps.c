/* SPDX-License-Identifier: MIT */
/*
 * collect-steps: what each step reads and what it keeps.  The mailboxes
 * themselves (ACCESS_REG reads, QUERY_HCA_CAP, the RESOURCE_DUMP loop,
 * CORE_DUMP, MTRC_CAP, the strings database) are the mlx5 command layer's
 * (mlx5/mlx5.h), sent through fw_device_cmd() and its allowlist; this
 * file decides what to ask for and turns each outcome into an artifact
 * record (collect_cmd_begin/collect_cmd_end).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "collect/collect-steps.h"
#include "core/text.h"

/* The default register set: what says which firmware, which state, which
 * port condition.  Ids and sizes come from the register catalog. */
const char *const collect_default_regs[] = {
	"MGIR",      /* firmware/hardware identity, uptime */
	"MCAM",      /* which management registers exist */
	"MCQS",      /* firmware component update state */
	"MFRL",      /* pending firmware reset level */
	"MTRC_CONF", /* tracer mode, ring size */
	"MTRC_CTRL", /* tracer state and timestamp */
	"MTCAP",     /* temperature sensors present */
	"MTMP",      /* temperature of sensor 0 (ASIC) */
	"MRTC",      /* real-time clock as seen by firmware */
	"DTOR",      /* firmware-recommended timeouts */
	"NODE_DESC", /* node description */
	"PAOS",      /* port admin/oper status */
	"PMAOS",     /* module admin/oper status */
	"PTYS",      /* port speeds */
	"PMLP",      /* port to module lanes */
	"PMTU",      /* port MTU */
	"PDDR",      /* port diagnostics (operational page) */
	"PPCNT",     /* port counters (IEEE 802.3 group) */
};
const size_t collect_default_regs_count =
	sizeof(collect_default_regs) / sizeof(collect_default_regs[0]);

const struct collect_cap_type collect_cap_types[] = {
	{ "GENERAL", 0x0 },
	{ "ETHERNET_OFFLOADS", 0x1 },
	{ "ROCE", 0x4 },
	{ "DEBUG", 0xd },
	{ "GENERAL_2", 0x20 },
};
const size_t collect_cap_types_count = sizeof(collect_cap_types) / sizeof(collect_cap_types[0]);

/* Segments that need no index (or accept "all"), useful after a crash. */
const char *const collect_default_segments[] = {
	"FUNC_SYND_REC", "SX_SLICE_ALL", "RX_SLICE_ALL", "PAGE_HISTOGRAM",
	"SHARED_BUFFER", "QUERY_VNIC_ENV",
};
const size_t collect_default_segments_count =
	sizeof(collect_default_segments) / sizeof(collect_default_segments[0]);

#define HCA_CAP_BYTES         MLX5_HCA_CAP_SIZE
#define MTRC_CAP_BYTES        MLX5_MTRC_CAP_SIZE
#define RESDUMP_REG_BYTES     MLX5_RESDUMP_REG_SIZE
#define RESDUMP_MENU_TYPE     MLX5_RESDUMP_SEG_MENU
#define MENU_RECORD_BYTES     52u

static const char *iface(struct collect *c, enum fw_device_part part)
{
	return fw_device_interface(c->dev, part);
}

/* One ACCESS_REG read through the mlx5 layer.  Returns the register bytes
 * received (a reply cut short marks the art partial) or < 0. */
static int access_reg_read(struct collect *c, struct collect_art *a, uint16_t reg_id,
			   const uint8_t *data_in, size_t in_len, uint8_t *data_out, size_t out_len)
{
	struct mlx5_status st = { 0 };
	int r;

	r = collect_cmd_begin(c, a);
	if (r < 0)
		return r;
	r = mlx5_access_reg_read(c->dev, reg_id, 0, data_in, in_len, data_out, out_len, &st);
	if (r < 0 && collect_cmd_cut_short(&st, MLX5_MBOX_HDR_LEN + out_len)) {
		c->cur = NULL;
		r = (int)(st.out_len - MLX5_MBOX_HDR_LEN);
		collect_art_fail(a, BUNDLE_OUTCOME_PARTIAL, -EIO,
				 "short read: %d of %zu register bytes", r, out_len);
		return r;
	}
	r = collect_cmd_end(c, a, r, &st);
	return r < 0 ? r : (int)out_len;
}

/* ------------------------------------------------------------ registers, caps */

static int step_reg(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	uint8_t *buf = calloc(1, s->size);
	int r;

	collect_art_init(&a, s->kind, iface(c, FW_PART_CMD));
	if (!buf)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	/* The register's own bytes go in too: index fields (local_port, page
	 * select, group) are zero, which selects port 1's default page. */
	r = access_reg_read(c, &a, (uint16_t)s->arg, buf, s->size, buf, s->size);
	r = collect_emit(c, &a, buf, r > 0 ? (size_t)r : 0);
	free(buf);
	return r;
}

static int step_hca_cap(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	struct mlx5_status st = { 0 };
	uint8_t *out = calloc(1, HCA_CAP_BYTES);
	int r;

	collect_art_init(&a, s->kind, iface(c, FW_PART_CMD));
	if (!out)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	r = collect_cmd_begin(c, &a);
	if (r >= 0) {
		r = mlx5_query_hca_cap(c->dev, (uint16_t)s->arg, true, out, HCA_CAP_BYTES, &st);
		if (r < 0 && collect_cmd_cut_short(&st, MLX5_MBOX_HDR_LEN + HCA_CAP_BYTES)) {
			c->cur = NULL;
			r = (int)(st.out_len - MLX5_MBOX_HDR_LEN);
			collect_art_fail(&a, BUNDLE_OUTCOME_PARTIAL, -EIO,
					 "short read: %d of %u capability bytes", r, HCA_CAP_BYTES);
		} else {
			r = collect_cmd_end(c, &a, r, &st);
			if (r >= 0)
				r = HCA_CAP_BYTES;
		}
	}
	r = collect_emit(c, &a, out, r > 0 ? (size_t)r : 0);
	free(out);
	return r;
}

/* ------------------------------------------------------------ tracer */

static int read_trace_cap(struct collect *c, struct collect_art *a)
{
	uint8_t buf[MTRC_CAP_BYTES] = { 0 };
	int r;

	if (c->trace_cap)
		return (int)c->trace_cap_len;
	r = access_reg_read(c, a, MLX5_REG_MTRC_CAP, buf, sizeof(buf), buf, sizeof(buf));
	if (r < 0)
		return r;
	/* The layer's parser says what the strings database is; a reply it
	 * cannot parse is still kept as the artifact. */
	c->caps_err = mlx5_tracer_caps_parse(c->ctx, buf, (size_t)r, &c->caps);
	c->trace_cap = malloc((size_t)r ? (size_t)r : 1);
	if (!c->trace_cap)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	memcpy(c->trace_cap, buf, (size_t)r);
	c->trace_cap_len = (size_t)r;
	return r;
}

static int step_trace_cap(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	int r;

	collect_art_init(&a, s->kind, iface(c, FW_PART_CMD));
	r = read_trace_cap(c, &a);
	if (r == -ENOMEM)
		return r;
	return collect_emit(c, &a, c->trace_cap, r > 0 ? (size_t)r : 0);
}

/* Largest strings-DB chunk one command carries, as the mlx5 layer picks
 * it (the transport's limit minus the mailbox and MTRC_STDB headers, in
 * 64-byte units), or the kernel's 256 bytes once the firmware refused
 * larger reads. */
static size_t stdb_chunk(const struct collect *c)
{
	size_t room = c->max_rpc - MLX5_MBOX_HDR_LEN - MLX5_MTRC_STDB_HDR;

	if (c->stdb_small)
		return MLX5_MTRC_STDB_KERNEL_CHUNK;
	room &= ~(size_t)(MLX5_MTRC_STDB_ALIGN - 1);
	return room ? room : MLX5_MTRC_STDB_ALIGN;
}

/* One section through the mlx5 layer; returns its bytes (malloc'd in
 * *ret) and their count, or < 0 with the art failed. */
static int read_strings_section(struct collect *c, struct collect_art *a, unsigned idx,
				uint32_t size, void **ret)
{
	struct mlx5_status st = { 0 };
	size_t chunk = stdb_chunk(c), len = 0;
	int r;

	r = collect_cmd_begin(c, a);
	if (r < 0)
		return r;
	r = mlx5_strings_db_read(c->dev, &c->caps, idx, c->stdb_small ? chunk : 0, ret, &len,
				 &st);
	/* More commands than chunks: the firmware refused a large read and
	 * the layer fell back to 256-byte reads; keep to them from here. */
	if (r >= 0 && !c->stdb_small && st.commands > (size + chunk - 1) / chunk)
		c->stdb_small = true;
	r = collect_cmd_end(c, a, r, &st);
	return r < 0 ? r : (int)len;
}

static int step_trace_strings(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	unsigned n;
	int r;

	collect_art_init(&a, "trace.strings", iface(c, FW_PART_CMD));
	r = read_trace_cap(c, &a);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || (size_t)r < 16 + 8 * FW_LIMIT_STRINGS_DB_SECTIONS || c->caps_err < 0) {
		if (r >= 0)
			collect_art_fail(&a, BUNDLE_OUTCOME_FAILED,
					 c->caps_err < 0 ? c->caps_err : -EBADMSG,
					 "MTRC_CAP (%d bytes) does not list the strings DB", r);
		else
			collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, a.err,
					 "MTRC_CAP unavailable: %s", a.reason);
		return collect_emit(c, &a, NULL, 0);
	}
	(void)s;
	n = c->caps.num_string_db;
	if (n > FW_LIMIT_STRINGS_DB_SECTIONS)
		n = FW_LIMIT_STRINGS_DB_SECTIONS;
	for (unsigned i = 0; i < n; i++) {
		uint32_t size = c->caps.db[i].size;
		void *db = NULL;

		collect_art_init(&a, "", iface(c, FW_PART_CMD));
		snprintf(a.kind, sizeof(a.kind), "trace.strings.%u", i);
		if (c->opts.only && *c->opts.only && !collect_kind_matches(c->opts.only, a.kind))
			continue;
		if (collect_skipped(c, a.kind)) {
			r = collect_emit_excluded(c, a.kind);
			if (r < 0)
				return r;
			continue;
		}
		if (size > FW_LIMIT_STRINGS_DB_SECTION) {
			collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, -EOVERFLOW,
					 "section of %u bytes exceeds FW_LIMIT_STRINGS_DB_SECTION",
					 size);
			r = collect_emit(c, &a, NULL, 0);
			if (r < 0)
				return r;
			continue;
		}
		r = read_strings_section(c, &a, i, size, &db);
		if (r == -ENOMEM)
			return r;
		r = collect_emit(c, &a, db, r > 0 ? (size_t)r : 0);
		free(db);
		if (r < 0)
			return r;
	}
	return 0;
}

static int step_trace_ring(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	void *data = NULL;
	size_t len = 0;
	int r;

	collect_art_init(&a, s->kind, iface(c, FW_PART_CMD));
	if (!c->opts.trace_control) {
		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, 0,
				 "reading the raw ring takes tracer ownership: needs --trace-control");
		return collect_emit(c, &a, NULL, 0);
	}
	if (!c->info.can_umem) {
		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -EOPNOTSUPP,
				 "transport '%s' cannot register user memory for the ring",
				 c->info.transport);
		return collect_emit(c, &a, NULL, 0);
	}
	fw_ctx_clear_error(c->ctx);
	r = mlx5_tracer_capture_ring(c->dev, c->opts.trace_seconds, &data, &len, NULL);
	if (r < 0) {
		char ebuf[128];

		/* Another owner (normally the kernel driver) is the usual state
		 * of a live host, not a fault of the card. */
		collect_art_fail(&a, r == -EBUSY ? BUNDLE_OUTCOME_SKIPPED : BUNDLE_OUTCOME_FAILED, r,
				 "%s: %s", fw_strerror(r, ebuf, sizeof(ebuf)), fw_ctx_errmsg(c->ctx));
	} else if (c->opts.trace_seconds && fw_ctx_cancelled(c->ctx)) {
		collect_art_fail(&a, BUNDLE_OUTCOME_PARTIAL, -EINTR,
				 "interrupted by a signal before --trace-seconds %u ran out; tracer "
				 "ownership was taken with --trace-control, then released",
				 c->opts.trace_seconds);
	} else {
		/* Recorded in the index: we changed tracer state and put it back. */
		snprintf(a.reason, sizeof(a.reason),
			 "tracer ownership taken for %u s with --trace-control, then released",
			 c->opts.trace_seconds);
	}
	r = collect_emit(c, &a, data, r < 0 ? 0 : len);
	free(data);
	return r;
}

/* ------------------------------------------------------------ optional device ops */

typedef int (*blob_fn)(void *dev, void **ret, size_t *ret_len);

static int emit_blob(struct collect *c, const char *kind, const char *interface, int r,
		     void *data, size_t len)
{
	struct collect_art a;
	char ebuf[128];
	int e;

	collect_art_init(&a, kind, interface);
	if (r == -EOPNOTSUPP)
		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, r, "transport '%s' does not offer it",
				 c->info.transport);
	else if (r < 0)
		collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, r, "%s%s%s",
				 fw_strerror(r, ebuf, sizeof(ebuf)),
				 fw_ctx_errcode(c->ctx) ? ": " : "",
				 fw_ctx_errcode(c->ctx) ? fw_ctx_errmsg(c->ctx) : "");
	e = collect_emit(c, &a, r < 0 ? NULL : data, r < 0 ? 0 : len);
	free(data);
	return e;
}

static int step_health_buffer(struct collect *c, const struct collect_step *s)
{
	void *data = NULL;
	size_t len = 0;
	int r;

	fw_ctx_clear_error(c->ctx);
	r = fw_device_health_buffer(c->dev, &data, &len);
	return emit_blob(c, s->kind, iface(c, FW_PART_HEALTH), r, data, len);
}

/* JSON output must be valid UTF-8, but paths, reasons and device names
 * are bytes: fw_utf8_sanitize() replaces each invalid sequence. */
static struct json_object *json_text(const char *s)
{
	char *t = fw_utf8_sanitize(s, strlen(s));
	struct json_object *j = t ? json_object_new_string(t) : NULL;

	free(t);
	return j;
}

/* Reporter states in the shape of `devlink -j health show`, so the health
 * decoder reads them like an iproute2 capture. */
static int reporters_json(const char *pci, const struct fw_health_reporter *rep, size_t n,
			  char **ret, size_t *ret_len)
{
	struct json_object *top = json_object_new_object(), *health = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	char handle[64];
	const char *s;

	if (!top || !health || !arr) {
		json_object_put(top);
		json_object_put(health);
		json_object_put(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "reporter", json_text(rep[i].name));
		json_object_object_add(o, "state",
				       json_object_new_string(rep[i].state == 0 ? "healthy" : "error"));
		json_object_object_add(o, "error", json_object_new_int64((int64_t)rep[i].error_count));
		json_object_object_add(o, "recover",
				       json_object_new_int64((int64_t)rep[i].recover_count));
		json_object_object_add(o, "has_dump", json_object_new_boolean(rep[i].has_dump));
		if (rep[i].has_dump)
			json_object_object_add(o, "dump_ts_ns",
					       json_object_new_int64((int64_t)rep[i].dump_ts_ns));
		json_object_array_add(arr, o);
	}
	snprintf(handle, sizeof(handle), "pci/%s", pci);
	json_object_object_add(health, handle, arr);
	json_object_object_add(top, "health", health);
	s = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	*ret = strdup(s);
	json_object_put(top);
	if (!*ret)
		return -ENOMEM;
	*ret_len = strlen(*ret);
	return 0;
}

static int step_health_reporters(struct collect *c, const struct collect_step *s)
{
	struct fw_health_reporter *rep = NULL;
	const char *hif = iface(c, FW_PART_HEALTH);
	char kind[COLLECT_KIND_MAX];
	char *text = NULL;
	size_t n = 0, len = 0;
	int r;

	(void)s;
	fw_ctx_clear_error(c->ctx);
	r = fw_device_health_reporters(c->dev, &rep, &n);
	if (r >= 0) {
		r = reporters_json(c->info.pci, rep, n, &text, &len);
		if (r == -ENOMEM)
			goto out;
	}
	r = emit_blob(c, "health.reporters", hif, r, text, len);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n && !fw_ctx_cancelled(c->ctx); i++) {
		void *data = NULL;
		size_t dlen = 0;

		snprintf(kind, sizeof(kind), "health.%s.diagnose", rep[i].name);
		fw_ctx_clear_error(c->ctx);
		if (collect_skipped(c, kind)) {
			r = collect_emit_excluded(c, kind);
		} else {
			r = fw_device_health_diagnose(c->dev, rep[i].name, &data, &dlen);
			r = emit_blob(c, kind, hif, r, data, dlen);
		}
		if (r < 0)
			goto out;
		/* Only a dump the kernel already holds: asking for one when the
		 * slot is empty would make the firmware take a new one. */
		if (!rep[i].has_dump)
			continue;
		snprintf(kind, sizeof(kind), "health.%s", rep[i].name);
		data = NULL;
		dlen = 0;
		fw_ctx_clear_error(c->ctx);
		if (collect_skipped(c, kind)) {
			r = collect_emit_excluded(c, kind);
		} else {
			r = fw_device_health_dump(c->dev, rep[i].name, &data, &dlen);
			r = emit_blob(c, kind, hif, r, data, dlen);
		}
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free(rep);
	return r;
}

static int step_trace_text(struct collect *c, const struct collect_step *s)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	fw_ctx_clear_error(c->ctx);
	/* The device reads the kernel's mlx5_fw lines for that long. */
	r = fw_device_tracefs_gather(c->dev, c->opts.trace_seconds, &text, &len);
	if (r >= 0 && c->opts.trace_seconds && fw_ctx_cancelled(c->ctx)) {
		/* The wait was cut short: keep what came, say so. */
		struct collect_art a;

		collect_art_init(&a, s->kind, iface(c, FW_PART_TRACE));
		collect_art_fail(&a, BUNDLE_OUTCOME_PARTIAL, -EINTR,
				 "interrupted by a signal before --trace-seconds %u ran out",
				 c->opts.trace_seconds);
		r = collect_emit(c, &a, text, len);
		free(text);
		return r;
	}
	return emit_blob(c, s->kind, iface(c, FW_PART_TRACE), r, text, len);
}

/* ------------------------------------------------------------ resource dump */

/* A growable byte buffer bounded by FW_LIMIT_CRSPACE. */
struct crbuf {
	uint8_t *p;
	size_t len, cap;
	size_t run;                    /* offset of the open run's segment header, or SIZE_MAX */
	uint32_t next;                 /* address that would extend the open run */
};

static int crbuf_room(struct collect *c, struct collect_art *a, struct crbuf *b, size_t n)
{
	size_t ncap;
	uint8_t *np;

	if (b->len + n <= b->cap)
		return 0;
	if (b->len + n > FW_LIMIT_CRSPACE) {
		collect_art_fail(a, BUNDLE_OUTCOME_PARTIAL, -EOVERFLOW,
				 "dump exceeds FW_LIMIT_CRSPACE (%u bytes)", FW_LIMIT_CRSPACE);
		return -EOVERFLOW;
	}
	ncap = b->cap ? b->cap : 4096;
	while (ncap < b->len + n)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (!np)
		return fw_error(c->ctx, -ENOMEM, "out of memory");
	b->p = np;
	b->cap = ncap;
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
	memcpy(d->b.p + d->b.len, data, n);
	d->b.len += n;
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
	struct rd_buf d = { .c = c, .a = a, .b = { .run = SIZE_MAX } };
	struct mlx5_status st = { 0 };
	int r;

	r = collect_cmd_begin(c, a);
	if (r < 0)
		goto out;
	r = mlx5_resdump_each(c->dev, &req, rd_add, &d, &st);
	c->cur = NULL;
	if (r == -ENOMEM) {
		free(d.b.p);
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
	if (a->outcome == BUNDLE_OUTCOME_FAILED && d.b.len)
		a->outcome = BUNDLE_OUTCOME_PARTIAL;
	*ret_buf = d.b.p;
	return (int)d.b.len;
}

static int ensure_menu(struct collect *c, struct collect_art *a)
{
	uint8_t *buf = NULL;
	int r;

	if (c->menu)
		return (int)c->menu_len;
	r = resdump_read(c, a, RESDUMP_MENU_TYPE, 0, 0, &buf);
	if (r < 0)
		return r;
	if (a->outcome != BUNDLE_OUTCOME_OK) {
		/* Keep what came for the artifact, but do not trust it as a menu. */
		c->menu = buf;
		c->menu_len = (size_t)r;
		return -EIO;
	}
	c->menu = buf ? buf : calloc(1, 1);
	c->menu_len = (size_t)r;
	return r;
}

struct menu_record {
	uint16_t type;
	uint32_t flags;
	char name[17];
};

/* Walk the menu stream (bounded), calling fn for every record. */
static int menu_walk(const uint8_t *data, size_t len,
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
			return -EBADMSG;
		if (type == 0xfffb)          /* TERMINATE */
			return 0;
		if (type != RESDUMP_MENU_TYPE || seglen < 8)
			continue;
		{
			unsigned nrec = fw_get_be32(body + 4) & 0xffff;

			for (unsigned i = 0; i < nrec; i++) {
				struct menu_record m;
				size_t off = 8 + (size_t)i * MENU_RECORD_BYTES;
				int r;

				if (!fw_range_ok(seglen, off, MENU_RECORD_BYTES))
					return -EBADMSG;
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

	collect_art_init(&a, kind, iface(c, FW_PART_CMD));
	r = ensure_menu(c, &a);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, a.err,
				 "resource-dump menu unavailable: %s", a.reason);
		return collect_emit(c, &a, NULL, 0);
	}
	if (menu_walk(c->menu, c->menu_len, find_seg_cb, &f) < 0 && !f.found) {
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

static int step_resdump_menu(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	int r;

	collect_art_init(&a, s->kind, iface(c, FW_PART_CMD));
	r = ensure_menu(c, &a);
	if (r == -ENOMEM)
		return r;
	return collect_emit(c, &a, c->menu, c->menu ? c->menu_len : 0);
}

static int step_resdump_segments(struct collect *c, const struct collect_step *s)
{
	char kind[COLLECT_KIND_MAX];
	int r;

	(void)s;
	for (size_t i = 0; i < collect_default_segments_count; i++) {
		snprintf(kind, sizeof(kind), "resdump.%s", collect_default_segments[i]);
		if (c->opts.only && *c->opts.only && !collect_kind_matches(c->opts.only, kind))
			continue;
		c->deadline = fw_monotonic_ns() + (uint64_t)c->opts.step_timeout_ms * 1000000ull;
		if (collect_skipped(c, kind))
			r = collect_emit_excluded(c, kind);
		else
			r = dump_segment(c, kind, collect_default_segments[i]);
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
	memset(b->p + b->len, 0, body);
	fw_put_be32(b->p + b->len, dw0);
	if (body >= 12)
		fw_put_be32(b->p + b->len + 8, index1);
	b->len += body;
	return 0;
}

/* Add one (address, value) pair: extend the open run or start a segment. */
static int crbuf_pair(struct collect *c, struct collect_art *a, struct crbuf *b, uint32_t addr,
		      const uint8_t value[4])
{
	int r;

	if (b->run != SIZE_MAX && addr == b->next &&
	    (fw_get_be32(b->p + b->run) >> 16) < CR_SEGMENT_MAX_DW) {
		r = crbuf_room(c, a, b, 4);
		if (r < 0)
			return r;
		fw_put_be32(b->p + b->run, fw_get_be32(b->p + b->run) + (1u << 16));
	} else {
		/* Room for the segment header and its first value at once. */
		r = crbuf_room(c, a, b, 16 + 4);
		if (r < 0)
			return r;
		b->run = b->len;
		r = crbuf_segment(c, a, b, 5u << 16 | CR_SEGMENT_TYPE, addr, 16);
		if (r < 0)
			return r;
	}
	memcpy(b->p + b->len, value, 4);
	b->len += 4;
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
	struct crdump_sink d = { .c = c, .a = a, .b = { .run = SIZE_MAX } };
	struct crbuf b;
	struct mlx5_status st = { 0 };
	int r;

	if (!c->info.can_umem)
		return -EOPNOTSUPP;
	r = crbuf_segment(c, a, &d.b, 4u << 16 | 0xfffeu, 0, 16);    /* INFO */
	if (r >= 0)
		r = collect_cmd_begin(c, a);
	if (r >= 0) {
		r = mlx5_crdump_each(c->dev, CORE_DUMP_UMEM_BYTES, 0, crdump_pairs, &d, &st);
		c->cur = NULL;
		if (r == -EOPNOTSUPP && st.commands == 0) {
			/* No user memory after all: the caller reads the
			 * RESOURCE_DUMP segment instead. */
			free(d.b.p);
			return -EOPNOTSUPP;
		}
	}
	b = d.b;
	if (r == -ENOMEM) {
		free(b.p);
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
	if (crbuf_segment(c, a, &b, 1u << 16 | 0xfffbu, 0, 4) == -ENOMEM) {   /* TERMINATE */
		free(b.p);
		return -ENOMEM;
	}
	if (a->outcome == BUNDLE_OUTCOME_FAILED && b.len > 20)
		a->outcome = BUNDLE_OUTCOME_PARTIAL;
	else if (a->outcome == BUNDLE_OUTCOME_FAILED)
		b.len = 0;              /* INFO and TERMINATE alone say nothing */
	*ret = b.p;
	return (int)b.len;
}

static int step_crspace(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	struct find_seg f = { .name = "CRSPACE" };
	uint8_t *img = NULL;
	int r;

	collect_art_init(&a, s->kind, iface(c, FW_PART_CMD));
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
		menu_walk(c->menu, c->menu_len, find_seg_cb, &f);
	if (!f.found) {
		if (r < 0)
			collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, a.err,
					 "resource-dump menu unavailable: %s", a.reason);
		else
			collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, -ENOENT,
					 "no user memory for CORE_DUMP and no CRSPACE resource-dump "
					 "segment");
		return collect_emit(c, &a, NULL, 0);
	}
	return dump_segment(c, s->kind, "CRSPACE");
}

/* ------------------------------------------------------------ context */

/* The device's kernel log lines come from the device layer: /dev/kmsg on
 * a kernel transport, the emulated driver's own lines on the emulator. */
static int step_kernel_log(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	char *text = NULL;
	size_t len = 0;
	int r;

	collect_art_init(&a, s->kind, iface(c, FW_PART_LOG));
	fw_ctx_clear_error(c->ctx);
	r = fw_device_kernel_log(c->dev, &text, &len);
	if (r == -EPERM || r == -EACCES) {
		char ebuf[128];

		collect_art_fail(&a, BUNDLE_OUTCOME_SKIPPED, r,
				 "kernel log: %s (reading it needs CAP_SYSLOG)",
				 fw_strerror(r, ebuf, sizeof(ebuf)));
		return collect_emit(c, &a, NULL, 0);
	}
	return emit_blob(c, s->kind, a.interface, r, text, len);
}

static int step_host_info(struct collect *c, const struct collect_step *s)
{
	struct collect_art a;
	uint64_t taint_after = UINT64_MAX;
	char *text = NULL;
	size_t len = 0;
	int r;

	collect_art_init(&a, s->kind, "host");
	if (collect_host_taint(c->opts.sysroot, &taint_after) < 0)
		taint_after = UINT64_MAX;
	r = collect_host_info(c->opts.sysroot, &c->info, c->taint_before, taint_after, &text, &len);
	if (r < 0) {
		char ebuf[128];

		collect_art_fail(&a, BUNDLE_OUTCOME_FAILED, r, "%s", fw_strerror(r, ebuf, sizeof(ebuf)));
	} else if (taint_after != c->taint_before) {
		collect_art_fail(&a, BUNDLE_OUTCOME_OK, 0,
				 "kernel taint changed during the run: %#llx -> %#llx",
				 (unsigned long long)c->taint_before, (unsigned long long)taint_after);
	}
	r = collect_emit(c, &a, text, r < 0 ? 0 : len);
	free(text);
	return r;
}

static int step_excluded(struct collect *c, const struct collect_step *s)
{
	return collect_emit_excluded(c, s->kind);
}

int collect_step_run(struct collect *c, const struct collect_step *s)
{
	switch (s->type) {
	case COLLECT_ST_EXCLUDED:          return step_excluded(c, s);
	case COLLECT_ST_HEALTH_BUFFER:     return step_health_buffer(c, s);
	case COLLECT_ST_HEALTH_REPORTERS:  return step_health_reporters(c, s);
	case COLLECT_ST_TRACE_CAP:         return step_trace_cap(c, s);
	case COLLECT_ST_TRACE_STRINGS:     return step_trace_strings(c, s);
	case COLLECT_ST_TRACE_RING:        return step_trace_ring(c, s);
	case COLLECT_ST_TRACE_TEXT:        return step_trace_text(c, s);
	case COLLECT_ST_REG:               return step_reg(c, s);
	case COLLECT_ST_HCA_CAP:           return step_hca_cap(c, s);
	case COLLECT_ST_CRSPACE:           return step_crspace(c, s);
	case COLLECT_ST_RESDUMP_MENU:      return step_resdump_menu(c, s);
	case COLLECT_ST_RESDUMP_SEGMENTS:  return step_resdump_segments(c, s);
	case COLLECT_ST_KERNEL_LOG:        return step_kernel_log(c, s);
	case COLLECT_ST_HOST_INFO:         return step_host_info(c, s);
	}
	return fw_error(c->ctx, -EINVAL, "unknown step type %d", (int)s->type);
}

/* ------------------------------------------------------------ plan */

struct plan_ctx {
	struct collect *c;
	collect_plan_fn fn;
	void *userdata;
	unsigned step;
	int count;
};

static int plan_emit(struct plan_ctx *p, const char *kind, const char *interface,
		     const char *what, uint16_t opcode, uint16_t op_mod, const char *reg,
		     const char *scope, size_t in_bytes, size_t out_bytes, unsigned count,
		     uint64_t expected)
{
	struct collect_command cmd = {
		.step = p->step, .kind = kind, .interface = interface, .what = what,
		.opcode = opcode, .op_mod = op_mod, .reg = reg, .scope = scope,
		.in_bytes = in_bytes, .out_bytes = out_bytes, .count = count,
		.expected_bytes = expected,
	};
	int r = p->fn(p->userdata, &cmd);

	if (r < 0)
		return r;
	p->count++;
	return 0;
}

#define RD "read-only"

int collect_plan(struct collect *c, collect_plan_fn fn, void *userdata)
{
	struct plan_ctx p = { .c = c, .fn = fn, .userdata = userdata };
	const size_t hdr = MLX5_MBOX_HDR_LEN, rdreg = hdr + RESDUMP_REG_BYTES;
	char kind[COLLECT_KIND_MAX];
	int r = 0;

	/* Nothing below sends a command; the device's dry-run mode makes
	 * sure of it should that ever change. */
	fw_device_set_dry_run(c->dev, true);
	for (size_t i = 0; i < c->n_steps && r >= 0; i++) {
		const struct collect_step *s = &c->steps[i];
		const char *ci = iface(c, FW_PART_CMD);

		p.step = (unsigned)i + 1;
		switch (s->type) {
		case COLLECT_ST_EXCLUDED:
			break;
		case COLLECT_ST_HEALTH_BUFFER:
			r = plan_emit(&p, s->kind, iface(c, FW_PART_HEALTH), "health buffer read", 0, 0,
				      NULL, RD, 0, 0, 1, 64);
			break;
		case COLLECT_ST_HEALTH_REPORTERS:
			r = plan_emit(&p, "health.reporters", iface(c, FW_PART_HEALTH),
				      "devlink health reporter list", 0, 0, NULL, RD, 0, 0, 1, 0);
			if (r >= 0)
				r = plan_emit(&p, "health.<reporter>.diagnose", iface(c, FW_PART_HEALTH),
					      "devlink health diagnose, each reporter", 0, 0, NULL,
					      RD, 0, 0, 0, 0);
			if (r >= 0)
				r = plan_emit(&p, "health.<reporter>", iface(c, FW_PART_HEALTH),
					      "devlink health dump get, stored dumps only", 0, 0,
					      NULL, RD, 0, 0, 0, 0);
			break;
		case COLLECT_ST_TRACE_CAP:
			r = plan_emit(&p, s->kind, ci, "ACCESS_REG read", MLX5_CMD_ACCESS_REG,
				      MLX5_REG_OP_READ, "MTRC_CAP", RD, hdr + MTRC_CAP_BYTES,
				      hdr + MTRC_CAP_BYTES, 1, MTRC_CAP_BYTES);
			break;
		case COLLECT_ST_TRACE_STRINGS:
			/* Section sizes come from MTRC_CAP: count unknown until then. */
			r = plan_emit(&p, "trace.strings.<N>", ci,
				      "ACCESS_REG write-for-read, 256-byte reads if larger ones are refused",
				      MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, "MTRC_STDB", RD,
				      hdr + MLX5_MTRC_STDB_IN_SIZE,
				      hdr + MLX5_MTRC_STDB_HDR + stdb_chunk(c), 0, 0);
			break;
		case COLLECT_ST_TRACE_RING:
			if (!c->opts.trace_control)
				r = plan_emit(&p, s->kind, iface(c, FW_PART_CMD),
					      "nothing: needs --trace-control", 0, 0, NULL, RD, 0, 0,
					      0, 0);
			else
				r = plan_emit(&p, s->kind, iface(c, FW_PART_CMD),
					      "ACCESS_REG write MTRC_CAP/MTRC_CONF/MTRC_CTRL, then "
					      "ownership released",
					      MLX5_CMD_ACCESS_REG, MLX5_REG_OP_WRITE, "MTRC_*",
					      "tracer-control", 0, 0, 0, 256u << 10);
			break;
		case COLLECT_ST_TRACE_TEXT:
			r = plan_emit(&p, s->kind, iface(c, FW_PART_TRACE), "tracefs mlx5_fw read", 0, 0,
				      NULL, RD, 0, 0, 1, 0);
			break;
		case COLLECT_ST_REG:
			r = plan_emit(&p, s->kind, ci, "ACCESS_REG read", MLX5_CMD_ACCESS_REG,
				      MLX5_REG_OP_READ, s->kind + 4, RD, hdr + s->size,
				      hdr + s->size, 1, s->size);
			break;
		case COLLECT_ST_HCA_CAP:
			r = plan_emit(&p, s->kind, ci, "QUERY_HCA_CAP", MLX5_CMD_QUERY_HCA_CAP,
				      (uint16_t)(s->arg << 1 | 1), s->kind + 9, RD, hdr,
				      hdr + HCA_CAP_BYTES, 1, HCA_CAP_BYTES);
			break;
		case COLLECT_ST_CRSPACE:
			if (c->info.can_umem)
				r = plan_emit(&p, s->kind, ci,
					      "ACCESS_REG read CORE_DUMP CR_DUMP_TO_MEM until more_dump=0",
					      MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, "CORE_DUMP", RD,
					      hdr + CORE_DUMP_REG_BYTES, hdr + CORE_DUMP_REG_BYTES, 0, 0);
			else
				r = plan_emit(&p, s->kind, ci,
					      "ACCESS_REG read RESOURCE_DUMP until more_dump=0",
					      MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, "CRSPACE", RD,
					      rdreg, rdreg, 0, 0);
			break;
		case COLLECT_ST_RESDUMP_MENU:
			r = plan_emit(&p, s->kind, ci, "ACCESS_REG read RESOURCE_DUMP until more_dump=0",
				      MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ, "MENU", RD, rdreg,
				      rdreg, 0, 0);
			break;
		case COLLECT_ST_RESDUMP_SEGMENTS:
			for (size_t k = 0; k < collect_default_segments_count && r >= 0; k++) {
				snprintf(kind, sizeof(kind), "resdump.%s", collect_default_segments[k]);
				if (c->opts.only && *c->opts.only &&
				    !collect_kind_matches(c->opts.only, kind))
					continue;
				if (c->opts.skip && *c->opts.skip &&
				    collect_kind_matches(c->opts.skip, kind))
					continue;
				r = plan_emit(&p, kind, ci,
					      "ACCESS_REG read RESOURCE_DUMP until more_dump=0",
					      MLX5_CMD_ACCESS_REG, MLX5_REG_OP_READ,
					      collect_default_segments[k], RD, rdreg, rdreg, 0, 0);
			}
			break;
		case COLLECT_ST_KERNEL_LOG:
			r = plan_emit(&p, s->kind, iface(c, FW_PART_LOG),
				      "kernel log read (/dev/kmsg, the emulator's own), device lines",
				      0, 0, NULL, RD, 0, 0, 1, 0);
			break;
		case COLLECT_ST_HOST_INFO:
			r = plan_emit(&p, s->kind, "host",
				      "uname, kernel taint, driver version (sysfs)", 0, 0, NULL, RD,
				      0, 0, 1, 0);
			break;
		}
	}
	fw_device_set_dry_run(c->dev, false);
	return r < 0 ? r : p.count;
}
