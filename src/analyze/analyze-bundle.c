/* SPDX-License-Identifier: MIT */
/*
 * analyze-bundle: walk a bundle through the feed API.  Side inputs of the
 * trace decoder are read first (they are small and bounded), then every
 * member is streamed once.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-internal.h"
#include "bundle/bundle.h"
#include "core/limits.h"

struct walk {
	struct analyze *an;
	const char *only_prefix;
};

/* only is a comma-separated list of kind prefixes. */
static bool kind_selected(const char *kind, const char *only)
{
	const char *p = only;

	if (!only)
		return true;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n && strncmp(kind, p, n) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/*
 * Kinds whose capture always has bytes when it succeeds: a register read
 * returns its whole layout, a strings DB section and CR-space have a size
 * the device reported, the health buffer is a fixed 64 bytes.  Recorded
 * 'ok' with no bytes, such an artifact is suspect (a writer bug or a
 * hand-made bundle): it is flagged, never silently taken as "nothing".
 */
static bool kind_never_empty(const char *kind)
{
	static const char *const prefixes[] = { "reg.", "trace.strings.", "trace.cap" };
	static const char *const kinds[] = { "crspace", "health.buffer", "health.buffer.after",
					     "trace.cap.after" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i]))
			return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(kind, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* From the index, before any member is read: every verb and the loader. */
static void flag_empty(struct analyze *an, struct bundle *b, const char *only_prefix)
{
	for (size_t i = 0; i < bundle_artifact_count(b); i++) {
		const struct bundle_artifact *a = bundle_artifact_at(b, i);

		if (kind_selected(a->kind, only_prefix) && a->size == 0 &&
		    a->outcome == BUNDLE_OUTCOME_OK && kind_never_empty(a->kind))
			an_problem(an, a->kind, 0, -EBADMSG,
				   "recorded 'ok' but holds no bytes, which a capture of this kind "
				   "never is: the bundle's writer or whoever made it is suspect");
	}
}

static int v_begin(void *ud, const struct bundle_artifact *a)
{
	struct walk *w = ud;
	int r;


	/* A failed or skipped step: nothing to decode (its failure is in the
	 * index already), and decoding nothing would only report every field
	 * as missing. A partial one is decoded for what is there. */
	if (!kind_selected(a->kind, w->only_prefix) || a->size == 0 ||
	    a->outcome == BUNDLE_OUTCOME_FAILED || a->outcome == BUNDLE_OUTCOME_SKIPPED)
		return 1;
	if (!analyze_wants(a->kind))
		return 1;
	r = analyze_begin(w->an, a->kind);
	return r;
}

static int v_data(void *ud, const struct bundle_artifact *a, const void *buf, size_t len)
{
	struct walk *w = ud;

	(void)a;
	return analyze_data(w->an, buf, len);
}

static int v_end(void *ud, const struct bundle_artifact *a)
{
	struct walk *w = ud;

	(void)a;
	return analyze_end(w->an);
}

/*
 * A side input that does not decode (a partial or damaged 'trace.cap', a bad
 * strings DB section) is a problem of that artifact only: it is reported and
 * skipped, and the trace is decoded without it (events rendered raw).  Only
 * errors that are not about the artifact's bytes (out of memory, or the
 * reader refusing the bundle) stop the whole walk.
 */
static bool side_error_fatal(int r)
{
	return r != -EBADMSG && r != -EOVERFLOW && r != -EINVAL;
}

static int read_side(struct analyze *an, struct fw_ctx *ctx, struct bundle *b)
{
	const struct bundle_artifact *a;
	void *data = NULL;
	size_t len = 0;
	unsigned i;
	char kind[32];
	int r;

	a = bundle_find_kind(b, "trace.cap");
	if (!a || !a->size)
		return 0;
	r = bundle_read_kind(b, "trace.cap", 4096, &data, &len);
	if (r < 0)
		return r;
	r = analyze_set_trace_cap(an, data, len);
	free(data);
	if (r < 0) {
		if (side_error_fatal(r))
			return fw_error_prefix(ctx, r, "'trace.cap'");
		an_problem(an, "trace.cap", 0, r, fw_ctx_errmsg(ctx));
		fw_ctx_clear_error(ctx);
		/* The strings DB cannot be used without its MTRC_CAP. */
		return 0;
	}
	for (i = 0; i < TRACE_STRINGS_DB_MAX; i++) {
		snprintf(kind, sizeof(kind), "trace.strings.%u", i);
		a = bundle_find_kind(b, kind);
		if (!a || !a->size)
			continue;
		data = NULL;
		r = bundle_read_kind(b, kind, FW_LIMIT_STRINGS_DB_SECTION, &data, &len);
		if (r < 0)
			return r;
		r = analyze_set_trace_strings(an, i, data, len);
		free(data);
		if (r < 0) {
			if (side_error_fatal(r))
				return fw_error_prefix(ctx, r, "'%s'", kind);
			an_problem(an, kind, 0, r, fw_ctx_errmsg(ctx));
			fw_ctx_clear_error(ctx);
		}
	}
	return 0;
}

static void report_device(struct analyze *an, struct bundle *b)
{
	if (an->sink->device) {
		const struct bundle_device *dev = bundle_get_device(b);

		an->sink->device(an->ud, dev && dev->pci && *dev->pci ? dev->pci : "-");
	}
}

int analyze_prepare_bundle(struct analyze *an, struct bundle *b)
{
	report_device(an, b);
	flag_empty(an, b, NULL);
	return read_side(an, analyze_ctx(an), b);
}

int analyze_bundle(struct analyze *an, struct bundle *b, const char *only_prefix)
{
	static const struct bundle_visitor v = {
		.begin = v_begin,
		.data = v_data,
		.end = v_end,
	};
	struct walk w = { an, only_prefix };
	int r;

	/* The side inputs serve the trace sources (the ring decoder, and the
	 * matcher of text and saved traces): 'regs' has no use for them, nor
	 * for their problems. */
	report_device(an, b);
	flag_empty(an, b, only_prefix);
	if (kind_selected("trace.ring", only_prefix) || kind_selected("trace.text", only_prefix) ||
	    kind_selected("health.fw", only_prefix)) {
		r = read_side(an, analyze_ctx(an), b);
		if (r < 0)
			return r;
	}
	return bundle_stream(b, &v, &w);
}

int analyze_path(struct fw_ctx *ctx, const char *path, const char *only_prefix,
		 const struct analyze_sink *sink, void *ud)
{
	struct bundle *b = NULL;
	struct analyze *an = NULL;
	int r;

	r = bundle_open(ctx, path, &b);
	if (r < 0)
		return r;
	r = analyze_new(ctx, sink, ud, &an);
	if (r < 0)
		goto out;
	r = analyze_bundle(an, b, only_prefix);
	analyze_free(an);
out:
	bundle_close(b);
	return r;
}
