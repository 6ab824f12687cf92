/* SPDX-License-Identifier: MIT */
/*
 * store load-bundle: verify, decode and insert one bundle file.
 *
 * Order of work, and why:
 *  1. bundle_open() checks the index (bounded memory) and the file hash is
 *     taken: the bundle's identity.
 *  2. BEGIN IMMEDIATE + insert the bundle row ON CONFLICT DO NOTHING: an
 *     already loaded bundle costs one hash and one insert attempt.
 *  3. Stream the members once, inserting records as they are decoded,
 *     inside the transaction.  bundle_stream() returns 0 only when every
 *     member matched the index; anything else rolls the whole bundle back,
 *     so verification and loading are one pass over the file yet nothing of
 *     a bad bundle is ever committed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/limits.h"
#include "core/text.h"
#include "analyze/analyze.h"
#include "trace-clock.h"
#include "store/store-internal.h"

/* Longest text kept for a binary health value (hex); longer ones are
 * summarised by their size (CR-space dumps arrive as crspace records). */
#define LOAD_HEALTH_HEX_MAX 1024u

struct load_walk {
	struct store *s;
	struct store_load *l;
	struct analyze *an;
	unsigned member, members;
	uint64_t bytes;
	uint64_t problems;
	char first_problem[320];
	char msg[2 * FW_LIMIT_TRACE_MESSAGE + 1];
	char hex[2 * LOAD_HEALTH_HEX_MAX + 1];
	char num[32];
};

/* A decoded record becomes a row.  Ring records, and text and saved
 * records matched to their strings-DB format, keep format and parameters
 * (the text is rendered by the trace_events view); a message no format
 * renders is stored as a "format" with '%' doubled, flagged as text. */
static int on_trace(void *userdata, const char *kind, const struct trace_event *ev)
{
	struct load_walk *w = userdata;
	struct store_trace_event se = {
		.timestamp = ev->timestamp,
		.lost = ev->lost,
		.event_id = ev->event_id,
		.tmsn = ev->tmsn,
		.source = STORE_TRACE_RING,
	};

	(void)kind;
	if (ev->source == TRACE_SOURCE_TEXT)
		se.source = STORE_TRACE_TEXT;
	else if (ev->source == TRACE_SOURCE_SAVED)
		se.source = STORE_TRACE_SAVED;
	if (ev->source != TRACE_SOURCE_RING && (ev->unmatched || !ev->format)) {
		size_t o = 0;

		for (const char *p = ev->text ? ev->text : ""; *p && o + 2 < sizeof(w->msg); p++) {
			if (*p == '%')
				w->msg[o++] = '%';
			w->msg[o++] = *p;
		}
		w->msg[o] = '\0';
		se.format = w->msg;
		se.text = true;
	} else {
		se.format = ev->format ? ev->format : TRACE_RAW_FORMAT;
		/* One strings-DB pointer is one text for the whole bundle. */
		se.format_key = ev->raw || !ev->format ? 0 : (uint64_t)ev->format_ptr + 1;
		se.nparams = ev->nparams <= TRACE_MAX_PARAMS ? ev->nparams : TRACE_MAX_PARAMS;
		memcpy(se.params, ev->params, sizeof(se.params));
		se.ambiguous = ev->ambiguous;
	}
	if ((ev->seq & 0xffff) == 0 && fw_ctx_cancelled(w->s->ctx))
		return fw_error(w->s->ctx, -EINTR, "load interrupted");
	return store_load_trace(w->l, &se);
}

static const char *to_hex(struct load_walk *w, const uint8_t *p, size_t n)
{
	if (n > LOAD_HEALTH_HEX_MAX)
		snprintf(w->hex, sizeof(w->hex), "(%zu bytes)", n);
	else
		fw_hex(p, n, w->hex);
	return w->hex;
}

static int on_reg_field(void *userdata, const char *kind, const struct regs_field *f)
{
	struct load_walk *w = userdata;

	(void)kind;
	switch (f->type) {
	case REGCAT_STRING:
		return store_load_register_text(w->l, f->reg, 0, f->field, f->str ? f->str : "");
	case REGCAT_BYTES:
		return store_load_register_text(w->l, f->reg, 0, f->field,
						to_hex(w, f->bytes, f->nbytes));
	default:
		return store_load_register_field(w->l, f->reg, 0, f->field, f->value,
						 f->enum_name);
	}
}

static int on_crspace(void *userdata, const char *kind, uint32_t addr, const uint32_t *values,
		      size_t n)
{
	struct load_walk *w = userdata;

	return store_load_crspace(w->l, kind, addr, values, n);
}

static int on_segment(void *userdata, const char *kind, const struct resdump_segment *seg)
{
	struct load_walk *w = userdata;

	return store_load_segment(w->l, kind, seg->type, seg->name, seg->index1, seg->index2,
				  seg->payload, seg->payload_len);
}

static int on_health(void *userdata, const char *kind, const struct health_item *h)
{
	struct load_walk *w = userdata;
	const char *v = NULL;

	if (h->event != HEALTH_VALUE)
		return 0;
	switch (h->type) {
	case HEALTH_STRING:
		v = h->str;
		break;
	case HEALTH_BINARY:
		v = to_hex(w, h->bin, h->bin_len);
		break;
	case HEALTH_NULL:
		break;
	default:
		snprintf(w->num, sizeof(w->num), "%llu", (unsigned long long)h->u);
		v = w->num;
		break;
	}
	return store_load_health(w->l, kind, h->path ? h->path : "", v);
}

static void on_problem(void *userdata, const char *kind, uint64_t offset, int err,
		       const char *msg)
{
	struct load_walk *w = userdata;

	if (!w->problems++)
		snprintf(w->first_problem, sizeof(w->first_problem), "'%s': %s", kind, msg);
	fw_log(w->s->ctx, FW_LOG_INFO, "'%s' at offset %llu: %s (%d), skipping", kind,
	       (unsigned long long)offset, msg, err);
}

static int walk_begin(void *userdata, const struct bundle_artifact *a)
{
	struct load_walk *w = userdata;

	w->member++;
	if (fw_ctx_cancelled(w->s->ctx))
		return fw_error(w->s->ctx, -EINTR, "load interrupted");
	/* 1: not decoded; the reader still reads, hashes and checks it. */
	return analyze_begin(w->an, a->kind ? a->kind : "");
}

static int walk_data(void *userdata, const struct bundle_artifact *a, const void *buf,
		     size_t len)
{
	struct load_walk *w = userdata;

	/* Progress inside a long member (a 200 MB ring) as well. */
	if ((w->bytes + len) >> 24 != w->bytes >> 24)
		fw_progress(w->s->ctx, a->kind, w->member, w->members, w->bytes + len);
	w->bytes += len;
	return analyze_data(w->an, buf, len);
}

static int walk_end(void *userdata, const struct bundle_artifact *a)
{
	struct load_walk *w = userdata;
	int r = analyze_end(w->an);

	if (r < 0)
		return r;
	fw_progress(w->s->ctx, a->kind, w->member, w->members, w->bytes);
	return 0;
}

/* The clock anchor (trace.clock), a small side input read first.  One
 * that does not parse is a problem of the bundle, not a failed load: its
 * events get no UTC time. */
static int load_clock(struct load_walk *w, struct bundle *b, struct store_load *l)
{
	const struct bundle_artifact *a = bundle_find_kind(b, "trace.clock");
	struct trace_clock c;
	void *data = NULL;
	size_t len = 0;
	char err[160];
	int r;

	if (!a || !a->size || a->outcome == BUNDLE_OUTCOME_FAILED ||
	    a->outcome == BUNDLE_OUTCOME_SKIPPED)
		return 0;
	r = bundle_read_kind(b, "trace.clock", TRACE_CLOCK_MAX, &data, &len);
	if (r < 0)
		return fw_error_prefix(w->s->ctx, r, "'trace.clock'");
	r = trace_clock_parse(data, len, &c, err, sizeof(err));
	free(data);
	if (r < 0) {
		on_problem(w, "trace.clock", 0, r, err);
		return 0;
	}
	return store_load_clock(l, &c);
}

static void format_uuid(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

int store_load_bundle(struct store *s, const char *path, struct store_load_result *ret)
{
	static const struct bundle_visitor visitor = {
		.begin = walk_begin,
		.data = walk_data,
		.end = walk_end,
	};
	static const struct analyze_sink sink = {
		.trace = on_trace,
		.reg_field = on_reg_field,
		.crspace = on_crspace,
		.segment = on_segment,
		.health = on_health,
		.problem = on_problem,
	};
	struct store_load_result res = { 0 };
	struct store_bundle_info info = { 0 };
	struct load_walk walk = { .s = s };
	struct bundle *b = NULL;
	struct store_load *l = NULL;
	struct stat st;
	char *abs = NULL;
	size_t n;
	int r;

	r = bundle_open(s->ctx, path, &b);
	if (r < 0)
		return r;
	info.header = bundle_get_header(b);
	info.device = bundle_get_device(b);
	info.trigger = bundle_get_trigger(b);
	/* bundles.file is absolute: the history is read from other folders
	 * (fwbox show UUID opens it), and a relative name would mean nothing
	 * there. */
	abs = realpath(path, NULL);
	info.file = abs ? abs : path;
	if (stat(path, &st) == 0)
		info.file_size = (uint64_t)st.st_size;
	r = bundle_file_sha256(b, info.sha256);
	if (r < 0)
		goto close_bundle;
	format_uuid(info.header->uuid, res.uuid);

	r = store_load_begin(s, &info, &l);
	if (r < 0)
		goto close_bundle;
	if (r == STORE_LOAD_ALREADY) {
		int64_t id;

		/* Same bytes as a bundle loaded (and so verified) before: done.
		 * Same UUID from other bytes: still verify, so a damaged copy is
		 * reported as such rather than as "already loaded". */
		if (store_find_bundle_sha(s, info.sha256, &id) < 0) {
			fw_ctx_clear_error(s->ctx);
			r = bundle_verify(b, NULL, NULL);
			if (r < 0) {
				fw_error_prefix(s->ctx, r, "bundle '%s' failed verification", path);
				goto close_bundle;
			}
		}
		res.status = STORE_LOAD_ALREADY;
		*ret = res;
		r = 0;
		goto close_bundle;
	}
	n = bundle_artifact_count(b);
	walk.l = l;
	walk.members = (unsigned)n;
	r = analyze_new(s->ctx, &sink, &walk, &walk.an);
	if (r < 0)
		goto free_load;
	/* Side inputs (MTRC_CAP, strings DB) first, bounded; then one pass. */
	r = analyze_prepare_bundle(walk.an, b);
	if (r < 0)
		goto free_load;
	r = load_clock(&walk, b, l);
	if (r < 0)
		goto free_load;
	for (size_t i = 0; i < n; i++) {
		r = store_load_artifact(l, bundle_artifact_at(b, i));
		if (r < 0)
			goto free_load;
	}
	r = bundle_stream(b, &visitor, &walk);
	if (r < 0) {
		fw_error_prefix(s->ctx, r, "bundle '%s' failed verification, nothing of it was loaded",
				path);
		goto free_load;
	}
	r = store_load_commit(l, &res.stats);
	l = NULL;
	if (r < 0)
		goto close_bundle;
	res.status = STORE_LOAD_NEW;
	res.problems = walk.problems;
	memcpy(res.first_problem, walk.first_problem, sizeof(res.first_problem));
	*ret = res;

free_load:
	store_load_free(l);
close_bundle:
	analyze_free(walk.an);
	bundle_close(b);
	free(abs);
	return r;
}
