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
#include "store/store-internal.h"
#include "trace.h"

/* What the walk is doing with the current member. */
enum walk_member {
	WALK_SKIP,
	WALK_TRACE_CAP,
	WALK_TRACE_STRINGS,
	WALK_TRACE_RING,
	WALK_TRACE_TEXT,
};

/* MTRC_CAP is 128 bytes; anything much larger is not one. */
#define LOAD_TRACE_CAP_MAX 4096u

struct load_walk {
	struct store *s;
	struct store_load *l;
	unsigned member, members;
	uint64_t bytes;

	enum walk_member cur;
	bool use_ring;               /* decode trace.ring; else trace.text */
	uint8_t *buf;                /* trace.cap or one strings section */
	size_t len, cap;
	unsigned section;
	struct trace_cap trace_cap;
	bool have_cap;
	struct trace_strdb *strdb;
	struct trace_decoder *ring;
	struct trace_text *text;
	char msg[2 * FW_LIMIT_TRACE_MESSAGE + 1];
};

/* A decoded record becomes a row.  Ring records keep their format and
 * parameters (the text is rendered by the trace_events view); text records
 * carry only their rendered message, stored as a format with '%' escaped. */
static int on_trace(void *userdata, const struct trace_event *ev)
{
	struct load_walk *w = userdata;
	struct store_trace_event se = {
		.timestamp = ev->timestamp,
		.lost = ev->lost,
		.event_id = ev->event_id,
		.tmsn = ev->tmsn,
	};

	if (ev->text) {
		size_t o = 0;

		for (const char *p = ev->text; *p && o + 2 < sizeof(w->msg); p++) {
			if (*p == '%')
				w->msg[o++] = '%';
			w->msg[o++] = *p;
		}
		w->msg[o] = '\0';
		se.format = w->msg;
	} else {
		se.format = ev->format ? ev->format : TRACE_RAW_FORMAT;
		/* One strings-DB pointer is one text for the whole bundle. */
		se.format_key = ev->raw || !ev->format ? 0 : (uint64_t)ev->format_ptr + 1;
		se.nparams = ev->nparams <= TRACE_MAX_PARAMS ? ev->nparams : TRACE_MAX_PARAMS;
		memcpy(se.params, ev->params, sizeof(se.params));
	}
	if ((ev->seq & 0xffff) == 0 && fw_ctx_cancelled(w->s->ctx))
		return fw_error(w->s->ctx, -EINTR, "load interrupted");
	return store_load_trace(w->l, &se);
}

static void on_trace_problem(void *userdata, uint64_t offset, int err, const char *msg)
{
	struct load_walk *w = userdata;

	fw_log(w->s->ctx, FW_LOG_INFO, "trace at offset %llu: %s (%d), skipping",
	       (unsigned long long)offset, msg, err);
}

static bool kind_is(const char *kind, const char *prefix, const char **ret_rest)
{
	size_t n = strlen(prefix);

	if (strncmp(kind, prefix, n))
		return false;
	*ret_rest = kind + n;
	return true;
}

static int buffer_member(struct load_walk *w, const struct bundle_artifact *a, size_t max)
{
	if (a->size > max) {
		fw_log(w->s->ctx, FW_LOG_WARNING, "member '%s' of %llu bytes is larger than %zu, "
		       "skipping", a->path, (unsigned long long)a->size, max);
		return 1;
	}
	free(w->buf);
	w->buf = malloc(a->size ? a->size : 1);
	if (!w->buf)
		return fw_error(w->s->ctx, -ENOMEM, "out of memory");
	w->len = 0;
	w->cap = a->size;
	return 0;
}

static int walk_begin(void *userdata, const struct bundle_artifact *a)
{
	struct load_walk *w = userdata;
	const char *rest;
	char *end;
	int r;

	w->member++;
	w->cur = WALK_SKIP;
	if (fw_ctx_cancelled(w->s->ctx))
		return fw_error(w->s->ctx, -EINTR, "load interrupted");
	if (!a->kind || !a->size || a->outcome == BUNDLE_OUTCOME_FAILED ||
	    a->outcome == BUNDLE_OUTCOME_SKIPPED)
		return 1;
	if (!strcmp(a->kind, "trace.cap") && w->use_ring) {
		r = buffer_member(w, a, LOAD_TRACE_CAP_MAX);
		if (r)
			return r;
		w->cur = WALK_TRACE_CAP;
	} else if (kind_is(a->kind, "trace.strings.", &rest) && w->use_ring) {
		unsigned long i = strtoul(rest, &end, 10);

		if (!*rest || *end || i >= TRACE_STRINGS_DB_MAX)
			return 1;
		r = buffer_member(w, a, FW_LIMIT_STRINGS_DB_SECTION);
		if (r)
			return r;
		w->section = (unsigned)i;
		w->cur = WALK_TRACE_STRINGS;
	} else if (!strcmp(a->kind, "trace.ring") && w->use_ring) {
		if (!w->have_cap) {
			fw_log(w->s->ctx, FW_LOG_WARNING, "trace ring before its MTRC_CAP, skipping");
			return 1;
		}
		if (!w->strdb) {
			r = trace_strdb_new(w->s->ctx, &w->trace_cap, &w->strdb);
			if (r < 0)
				return r;
		}
		r = trace_decoder_new(w->s->ctx, w->strdb, on_trace, on_trace_problem, w,
				      &w->ring);
		if (r < 0)
			return r;
		w->cur = WALK_TRACE_RING;
	} else if (!strcmp(a->kind, "trace.text") && !w->use_ring) {
		r = trace_text_new(w->s->ctx, on_trace, on_trace_problem, w, &w->text);
		if (r < 0)
			return r;
		w->cur = WALK_TRACE_TEXT;
	} else {
		/* Not decoded here: still read, hashed and checked by the reader. */
		return 1;
	}
	return 0;
}

static int walk_data(void *userdata, const struct bundle_artifact *a, const void *buf,
		     size_t len)
{
	struct load_walk *w = userdata;

	(void)a;
	w->bytes += len;
	switch (w->cur) {
	case WALK_TRACE_CAP:
	case WALK_TRACE_STRINGS:
		if (len > w->cap - w->len)
			return fw_error(w->s->ctx, -EBADMSG, "member '%s' is longer than its index "
					"entry", a->path);
		memcpy(w->buf + w->len, buf, len);
		w->len += len;
		return 0;
	case WALK_TRACE_RING:
		return trace_decoder_feed(w->ring, buf, len);
	case WALK_TRACE_TEXT:
		return trace_text_feed(w->text, buf, len);
	default:
		return 0;
	}
}

static int walk_end(void *userdata, const struct bundle_artifact *a)
{
	struct load_walk *w = userdata;
	int r = 0;

	switch (w->cur) {
	case WALK_TRACE_CAP:
		r = trace_cap_parse(w->s->ctx, w->buf, w->len, &w->trace_cap);
		if (r < 0) {
			fw_log(w->s->ctx, FW_LOG_WARNING, "'%s': %s, skipping the trace", a->path,
			       fw_ctx_errmsg(w->s->ctx));
			fw_ctx_clear_error(w->s->ctx);
			r = 0;
		} else {
			w->have_cap = true;
			r = trace_strdb_new(w->s->ctx, &w->trace_cap, &w->strdb);
		}
		break;
	case WALK_TRACE_STRINGS:
		if (!w->strdb)
			break;
		r = trace_strdb_set_section(w->strdb, w->section, w->buf, w->len);
		if (r > 0)
			r = 0;
		break;
	case WALK_TRACE_RING:
		r = trace_decoder_finish(w->ring);
		trace_decoder_free(w->ring);
		w->ring = NULL;
		break;
	case WALK_TRACE_TEXT:
		r = trace_text_finish(w->text);
		trace_text_free(w->text);
		w->text = NULL;
		break;
	default:
		break;
	}
	free(w->buf);
	w->buf = NULL;
	w->cur = WALK_SKIP;
	if (r < 0)
		return r;
	fw_progress(w->s->ctx, a->kind, w->member, w->members, w->bytes);
	return 0;
}

static void walk_release(struct load_walk *w)
{
	trace_decoder_free(w->ring);
	trace_text_free(w->text);
	trace_strdb_free(w->strdb);
	free(w->buf);
}

/* Decode the ring when the bundle has one with its capabilities (it has the
 * parameters); the tracefs text only otherwise, never both (same events). */
static bool prefer_ring(struct bundle *b)
{
	const struct bundle_artifact *ring = bundle_find_kind(b, "trace.ring");
	const struct bundle_artifact *cap = bundle_find_kind(b, "trace.cap");

	return ring && cap && ring->size && cap->size &&
	       (ring->outcome == BUNDLE_OUTCOME_OK || ring->outcome == BUNDLE_OUTCOME_PARTIAL);
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
	struct store_load_result res = { 0 };
	struct store_bundle_info info = { 0 };
	struct load_walk walk = { .s = s };
	struct bundle *b = NULL;
	struct store_load *l = NULL;
	struct stat st;
	size_t n;
	int r;

	r = bundle_open(s->ctx, path, &b);
	if (r < 0)
		return r;
	info.header = bundle_get_header(b);
	info.device = bundle_get_device(b);
	info.file = path;
	if (stat(path, &st) == 0)
		info.file_size = (uint64_t)st.st_size;
	walk.use_ring = prefer_ring(b);
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
	*ret = res;

free_load:
	store_load_free(l);
close_bundle:
	walk_release(&walk);
	bundle_close(b);
	return r;
}
