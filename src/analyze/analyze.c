/* SPDX-License-Identifier: MIT */
/*
 * analyze: the feed API.  analyze_begin() finds the artifact's row in the
 * decoder table (decoders.c), analyze_data() and analyze_end() run it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze-internal.h"
#include "core/limits.h"

bool analyze_wants(const char *kind)
{
	return an_decoder_find(kind) != NULL;
}

/* ------------------------------------------------------------------ setup */

int analyze_new(struct fw_ctx *ctx, const struct analyze_sink *sink, void *ud, struct analyze **ret)
{
	struct analyze *an = calloc(1, sizeof(*an));
	int r;

	if (!an)
		return fw_error(ctx, -ENOMEM, "analyze: out of memory");
	an->ctx = ctx;
	an->sink = sink;
	an->ud = ud;
	r = resdump_new(ctx, an_emit_segment, an_emit_menu, an_emit_problem, an, &an->rd);
	if (r < 0) {
		free(an);
		return r;
	}
	*ret = an;
	return 0;
}

static void close_decoder(struct analyze *an)
{
	if (an->dec && an->dec->free)
		an->dec->free(an->state);
	an->state = NULL;
	an->dec = NULL;
	free(an->kind);
	an->kind = NULL;
	an->open = false;
}

void analyze_free(struct analyze *an)
{
	if (!an)
		return;
	close_decoder(an);
	resdump_free(an->rd);
	an_matcher_reset(an);
	trace_strdb_free(an->strdb);
	free(an);
}

const struct analyze_stats *analyze_get_stats(const struct analyze *an)
{
	return &an->st;
}

struct fw_ctx *analyze_ctx(const struct analyze *an)
{
	return an->ctx;
}

int analyze_set_trace_cap(struct analyze *an, const void *data, size_t len)
{
	struct trace_cap cap;
	int r = trace_cap_parse(an->ctx, data, len, &cap);

	if (r < 0)
		return r;
	an_matcher_reset(an);
	trace_strdb_free(an->strdb);
	an->strdb = NULL;
	an->cap = cap;
	an->have_cap = true;
	r = trace_strdb_new(an->ctx, &an->cap, &an->strdb);
	if (r < 0) {
		/* Without its strings DB the MTRC_CAP is of no use: decode raw. */
		an->have_cap = false;
		return r;
	}
	memset(an->strings_set, 0, sizeof(an->strings_set));
	return 0;
}

int analyze_set_trace_strings(struct analyze *an, unsigned section, const void *data, size_t len)
{
	int r;

	if (!an->strdb)
		return fw_error(an->ctx, -EINVAL,
				"strings DB section %u given before MTRC_CAP ('trace.cap')",
				section);
	/* Formats point into the sections: index them again later. */
	an_matcher_reset(an);
	r = trace_strdb_set_section(an->strdb, section, data, len);
	if (r < 0)
		return r;
	if (r == 1) {
		char kind[32];

		snprintf(kind, sizeof(kind), "trace.strings.%u", section);
		if (an->sink->problem)
			an->sink->problem(
				an->ud, kind, len, -EBADMSG,
				"strings DB section is shorter than MTRC_CAP says; the rest reads as empty");
		an->st.problems++;
	}
	if (section < TRACE_STRINGS_DB_MAX)
		an->strings_set[section] = true;
	return 0;
}

/* -------------------------------------------------------------- artifacts */

int analyze_begin(struct analyze *an, const char *kind)
{
	const struct an_decoder *dec = an_decoder_find(kind);
	int r;

	close_decoder(an);
	if (!dec || (dec->flags & AN_DEC_SIDE_INPUT))
		return 1;
	an->kind = strdup(kind);
	if (!an->kind)
		return fw_error(an->ctx, -ENOMEM, "analyze: out of memory");
	an->dec = dec;
	an->open = true;
	an->fed = 0;
	an->art_problems = 0;
	an->art_text = 0;
	an->art_unmatched = 0;
	an->st.artifacts++;
	r = dec->new (an, &an->state);
	if (r == -ENOMEM)
		r = fw_error(an->ctx, r, "analyze '%s': out of memory", kind);
	if (r < 0) {
		an->state = NULL;
		close_decoder(an);
	}
	return r;
}

int analyze_data(struct analyze *an, const void *data, size_t len)
{
	int r;

	if (!an->open)
		return 0;
	if (an->err)
		return an->err;
	an->fed += len;
	r = an->dec->feed(an, an->state, data, len);
	if (r == -ENOMEM)
		r = fw_error(an->ctx, r, "analyze '%s': out of memory", an->kind);
	if (r < 0)
		an->err = r;
	return r;
}

int analyze_end(struct analyze *an)
{
	int r = 0;

	if (!an->open)
		return 0;
	if (an->err) {
		r = an->err;
		an->err = 0;
		close_decoder(an);
		return r;
	}
	/* No bytes: a failed or skipped step (the index records why), not
	 * something to decode; decoding nothing would report every field of
	 * a register as missing. */
	if (an->fed)
		r = an->dec->finish(an, an->state);
	if (r >= 0 && an->art_unmatched)
		an_problemf(an, 0, -ENOENT,
			    "%llu of %llu trace messages match no format of the bundle's strings "
			    "database (the firmware that wrote them may differ); they are kept as text",
			    (unsigned long long)an->art_unmatched, (unsigned long long)an->art_text);
	close_decoder(an);
	return r;
}
