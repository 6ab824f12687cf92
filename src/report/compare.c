/* SPDX-License-Identifier: MIT */
/*
 * report compare: what changed since the previous capture of the same
 * card, through the store's diff (store_diff()), when the history holds
 * this bundle and an earlier capture of its card.  Each list keeps at most
 * REPORT_MAX_ROWS entries and counts the rest.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle.h"
#include "report/report-internal.h"

struct cmp {
	struct fw_ctx *ctx;
	struct rp_capture *c;
	size_t cap_steps, cap_fields, cap_words, cap_msgs, cap_segs;
};

static int add(struct cmp *m, struct rp_change **v, size_t *n, size_t *cap, const char *what,
	       const char *a, const char *b, const char *note)
{
	struct rp_change *x;

	if (*n >= REPORT_MAX_ROWS)
		return 0;
	if (fw_grow((void **)v, cap, *n + 1, sizeof(**v), 0) < 0)
		return fw_error(m->ctx, -ENOMEM, "out of memory");
	x = &(*v)[*n];
	x->what = strdup(what ? what : "");
	x->a = a ? strdup(a) : NULL;
	x->b = b ? strdup(b) : NULL;
	x->note = note ? strdup(note) : NULL;
	if (!x->what || (a && !x->a) || (b && !x->b) || (note && !x->note)) {
		free(x->what);
		free(x->a);
		free(x->b);
		free(x->note);
		return fw_error(m->ctx, -ENOMEM, "out of memory");
	}
	(*n)++;
	return 0;
}

static int on_step(void *ud, const struct store_diff_step *s)
{
	struct cmp *m = ud;

	return add(m, &m->c->ch_steps, &m->c->n_ch_steps, &m->cap_steps, s->kind, s->a, s->b,
		   s->b_reason);
}

static int on_field(void *ud, const struct store_diff_field *f)
{
	struct cmp *m = ud;
	char what[160];

	/* The report shows instance 0, the one register read a bundle holds. */
	if (f->instance)
		return 0;
	snprintf(what, sizeof(what), "%s.%s", f->reg, f->field);
	return add(m, &m->c->ch_fields, &m->c->n_ch_fields, &m->cap_fields, what, f->a, f->b,
		   f->a_enum);
}

static int on_word(void *ud, const struct store_diff_word *w)
{
	struct cmp *m = ud;
	struct rp_capture *c = m->c;
	char what[128], a[16], b[16];
	int r;

	/* Consecutive changed words of one image become one range row. */
	if (c->n_ch_words) {
		struct rp_change *last = &c->ch_words[c->n_ch_words - 1];
		size_t sl = strlen(w->source);

		if (!strncmp(last->what, w->source, sl) && last->what[sl] == ' ' &&
		    last->end + 4 == w->address && last->words < 1u << 30) {
			last->end = w->address;
			last->words++;
			return 0;
		}
	}
	if (c->n_ch_words >= REPORT_MAX_ROWS) {
		c->words_ranges_omitted++;
		return 0;
	}
	snprintf(what, sizeof(what), "%s 0x%08" PRIx64, w->source, w->address);
	snprintf(a, sizeof(a), "0x%08x", w->a);
	snprintf(b, sizeof(b), "0x%08x", w->b);
	r = add(m, &c->ch_words, &c->n_ch_words, &m->cap_words, what, w->has_a ? a : NULL,
		w->has_b ? b : NULL, NULL);
	if (r < 0)
		return r;
	c->ch_words[c->n_ch_words - 1].start = w->address;
	c->ch_words[c->n_ch_words - 1].end = w->address;
	c->ch_words[c->n_ch_words - 1].words = 1;
	return 0;
}

static int on_message(void *ud, const struct store_diff_message *msg)
{
	struct cmp *m = ud;
	char n[32];

	/* The page lists the formats new in this capture; the diff walk also
	 * reports those of the previous capture that this one lacks. */
	if (msg->change == STORE_DIFF_GONE)
		return 0;
	snprintf(n, sizeof(n), "%" PRIu64, msg->count);
	return add(m, &m->c->ch_msgs, &m->c->n_ch_msgs, &m->cap_msgs, msg->format, NULL, n,
		   msg->example);
}

static int on_segment(void *ud, const struct store_diff_segment *g)
{
	struct cmp *m = ud;
	char what[200], a[32], b[32];

	snprintf(what, sizeof(what), "%s %s (0x%x) [%" PRId64 ", %" PRId64 "] #%" PRIu64, g->dump,
		 g->name ? g->name : "", g->type, g->index1, g->index2, g->nth);
	snprintf(a, sizeof(a), "%" PRIu64 " bytes", g->a_size);
	snprintf(b, sizeof(b), "%" PRIu64 " bytes", g->b_size);
	return add(m, &m->c->ch_segs, &m->c->n_ch_segs, &m->cap_segs, what, g->has_a ? a : NULL,
		   g->has_b ? b : NULL, g->has_a && g->has_b ? "bytes differ" : NULL);
}

static int note(struct rp_capture *c, struct fw_ctx *ctx, const char *text, const char *path)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s%s%s", text, path ? path : "", path ? "' to compare it with "
		 "the card's previous capture." : "");
	free(c->compare_note);
	c->compare_note = strdup(buf);
	return c->compare_note ? 0 : fw_error(ctx, -ENOMEM, "out of memory");
}

int rp_capture_compare(struct fw_ctx *ctx, struct store *db, struct rp_capture *c)
{
	static const struct store_diff_visitor v = {
		.step = on_step,
		.field = on_field,
		.word = on_word,
		.message = on_message,
		.segment = on_segment,
	};
	struct cmp m = { .ctx = ctx, .c = c };
	struct store_diff_counts counts;
	struct bundle *b = NULL;
	uint8_t sha[FW_SHA256_LEN];
	int64_t id, prev;
	int r;

	r = bundle_open(ctx, c->path, &b);
	if (r < 0)
		return fw_error_prefix(ctx, r, "'%s'", c->path);
	r = bundle_file_sha256(b, sha);
	bundle_close(b);
	if (r < 0)
		return fw_error_prefix(ctx, r, "'%s'", c->path);
	r = store_find_bundle_sha(db, sha, &id);
	if (r == -ENOENT) {
		fw_ctx_clear_error(ctx);
		return note(c, ctx, "This capture is not in the history database: load it with "
			    "'fwbox load ", c->path);
	}
	if (r < 0)
		return r;
	r = store_previous_capture(db, id, &prev);
	if (r == -ENOENT)
		return note(c, ctx, "The history holds no earlier capture of this card.", NULL);
	if (r < 0)
		return r;
	r = store_bundle_info(db, prev, &c->prev_uuid, &c->prev_created, NULL);
	if (r < 0)
		return r;
	r = store_diff(db, prev, id, &v, &m, &counts);
	if (r < 0)
		return r;
	c->compared = true;
	c->tot_steps = counts.steps;
	c->tot_fields = counts.fields;
	c->tot_words = counts.words;
	c->tot_msgs = counts.messages;
	c->tot_segs = counts.segments;
	return 0;
}
