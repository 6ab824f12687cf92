/* SPDX-License-Identifier: MIT */
/*
 * emit: the one way records leave a decoder.  Each wrapper counts the
 * record, adds the kind of the artifact being decoded and calls the sink's
 * callback if it has one.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "analyze/analyze-internal.h"
#include "trace-match.h"

void an_matcher_reset(struct analyze *an)
{
	trace_matcher_free(an->matcher);
	an->matcher = NULL;
	an->matcher_failed = false;
}

/* A text or saved record: its format and parameters from the strings DB,
 * when one renders it (trace-match.h). */
static void match_text(struct analyze *an, struct trace_event *ev)
{
	if (!an->matcher && an->strdb && !an->matcher_failed) {
		int r = trace_matcher_new(an->ctx, &an->matcher);

		if (r >= 0)
			r = trace_matcher_add_strdb(an->matcher, an->strdb);
		if (r < 0) {
			trace_matcher_free(an->matcher);
			an->matcher = NULL;
			an->matcher_failed = true;
			an_problemf(an, 0, r, "cannot index the strings database (%s): trace lines "
				    "are kept as text", fw_ctx_errmsg(an->ctx));
			fw_ctx_clear_error(an->ctx);
		}
	}
	an->art_text++;
	if (!an->matcher) {
		ev->unmatched = true;
		an->st.trace_unmatched++;
		return;
	}
	if (trace_event_match(an->matcher, ev)) {
		an->st.trace_matched++;
		if (ev->ambiguous)
			an->st.trace_ambiguous++;
		return;
	}
	/* Only a mismatch with a strings DB at hand is worth a word
	 * (analyze_end() says it once per artifact). */
	an->st.trace_unmatched++;
	an->art_unmatched++;
}

int an_emit_trace(void *ud, const struct trace_event *ev)
{
	struct analyze *an = ud;

	an->st.trace_events++;
	if (ev->source != TRACE_SOURCE_RING) {
		struct trace_event e = *ev;

		match_text(an, &e);
		return an->sink->trace ? an->sink->trace(an->ud, an->kind, &e) : 0;
	}
	return an->sink->trace ? an->sink->trace(an->ud, an->kind, ev) : 0;
}

int an_emit_reg(void *ud, const struct regs_field *f)
{
	struct analyze *an = ud;

	an->st.reg_fields++;
	return an->sink->reg_field ? an->sink->reg_field(an->ud, an->kind, f) : 0;
}

int an_emit_crspace(void *ud, uint32_t addr, const uint32_t *v, size_t n)
{
	struct analyze *an = ud;

	an->st.crspace_words += n;
	return an->sink->crspace ? an->sink->crspace(an->ud, an->kind, addr, v, n) : 0;
}

int an_emit_segment(void *ud, const struct resdump_segment *s)
{
	struct analyze *an = ud;

	an->st.segments++;
	return an->sink->segment ? an->sink->segment(an->ud, an->kind, s) : 0;
}

int an_emit_menu(void *ud, const struct resdump_menu_record *m)
{
	struct analyze *an = ud;

	return an->sink->menu ? an->sink->menu(an->ud, an->kind, m) : 0;
}

int an_emit_health(void *ud, const struct health_item *h)
{
	struct analyze *an = ud;

	an->st.health_items++;
	return an->sink->health ? an->sink->health(an->ud, an->kind, h) : 0;
}

void an_emit_problem(void *ud, uint64_t off, int err, const char *msg)
{
	struct analyze *an = ud;

	/* A register cut short would report every missing field: one
	 * problem per artifact says it all. */
	if (an->dec && (an->dec->flags & AN_DEC_ONE_PROBLEM) && an->art_problems++)
		return;
	an->st.problems++;
	if (an->sink->problem)
		an->sink->problem(an->ud, an->kind ? an->kind : "", off, err, msg);
}

void an_problemf(struct analyze *an, uint64_t off, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fw_vproblemf(an_emit_problem, an, off, err, fmt, ap);
	va_end(ap);
}

void an_problem(struct analyze *an, const char *kind, uint64_t off, int err, const char *msg)
{
	an->st.problems++;
	if (an->sink->problem)
		an->sink->problem(an->ud, kind, off, err, msg);
}
