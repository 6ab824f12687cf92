/* SPDX-License-Identifier: MIT */
/*
 * report trace-agg: a firmware trace of any length reduced to what a page
 * can show in bounded space: per-lane histograms of RP_BINS bins, counts
 * per format (exact for the first REPORT_MAX_FORMATS formats), the whole
 * trace when it is short, and the messages around the first one that
 * looks fatal (or the last ones, when none does).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report-internal.h"

#define FMT_TABLE (2 * REPORT_MAX_FORMATS)  /* open addressing, power of two */

struct rp_trace_priv {
	uint32_t table[FMT_TABLE];             /* format index + 1, 0 empty */
};

static void hist_rebin(struct rp_hist *h, unsigned shift, uint64_t base)
{
	uint32_t tmp[RP_BINS];
	unsigned d = shift - h->shift;

	memset(tmp, 0, sizeof(tmp));
	for (unsigned i = 0; i < RP_BINS; i++) {
		if (!h->bins[i])
			continue;
		tmp[((h->base + i) >> d) - base] += h->bins[i];
	}
	memcpy(h->bins, tmp, sizeof(tmp));
	h->shift = shift;
	h->base = base;
}

/* Lowest and highest used absolute bin index. */
static void hist_span(const struct rp_hist *h, uint64_t *lo, uint64_t *hi)
{
	unsigned a = 0, b = RP_BINS - 1;

	while (a < RP_BINS - 1 && !h->bins[a])
		a++;
	while (b > a && !h->bins[b])
		b--;
	*lo = h->base + a;
	*hi = h->base + b;
}

void rp_hist_coarsen(struct rp_hist *h, unsigned shift, uint64_t base);

void rp_hist_coarsen(struct rp_hist *h, unsigned shift, uint64_t base)
{
	if (!h->used) {
		h->shift = shift;
		h->base = base;
		return;
	}
	hist_rebin(h, shift, base);
}

static void hist_add(struct rp_hist *h, uint64_t ts)
{
	uint64_t idx, lo, hi;
	unsigned k;

	if (!h->used) {
		h->used = true;
		h->shift = 0;
		h->base = ts;
		h->bins[0] = 1;
		return;
	}
	idx = ts >> h->shift;
	if (idx >= h->base && idx - h->base < RP_BINS) {
		h->bins[idx - h->base]++;
		return;
	}
	hist_span(h, &lo, &hi);
	if (idx < lo)
		lo = idx;
	if (idx > hi)
		hi = idx;
	for (k = 0; (hi >> k) - (lo >> k) >= RP_BINS; k++)
		;
	/* Keep room below the first bin: traces arrive roughly in order, so
	 * put the span at the start when it grew upwards, at the end when
	 * it grew downwards. */
	if (idx == lo) {
		uint64_t top = hi >> k;

		hist_rebin(h, h->shift + k, top >= RP_BINS - 1 ? top - (RP_BINS - 1) : 0);
	} else {
		hist_rebin(h, h->shift + k, lo >> k);
	}
	h->bins[(ts >> h->shift) - h->base]++;
}

int rp_trace_init(struct fw_ctx *ctx, struct rp_trace *t)
{
	memset(t, 0, sizeof(*t));
	t->primary = -1;
	t->priv = calloc(1, sizeof(struct rp_trace_priv));
	t->formats = calloc(REPORT_MAX_FORMATS, sizeof(*t->formats));
	t->listed = calloc(REPORT_MAX_EVENTS_LISTED, sizeof(*t->listed));
	t->before = calloc(REPORT_FATAL_CONTEXT, sizeof(*t->before));
	t->context = calloc(2 * REPORT_FATAL_CONTEXT + 1, sizeof(*t->context));
	if (!t->priv || !t->formats || !t->listed || !t->before || !t->context) {
		rp_trace_release(t);
		return fw_error(ctx, -ENOMEM, "out of memory for the trace summary's tables");
	}
	return 0;
}

void rp_trace_release(struct rp_trace *t)
{
	if (t->formats)
		for (size_t i = 0; i < t->n_formats; i++) {
			free(t->formats[i].key);
			free(t->formats[i].example);
		}
	free(t->formats);
	free(t->listed);
	free(t->before);
	free(t->context);
	free(t->priv);
	memset(t, 0, sizeof(*t));
}

bool rp_msg_is_fatal(const char *msg)
{
	static const char *const words[] = { "assert", "fatal", "panic" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);

		for (const char *p = msg; *p; p++)
			if ((*p | 0x20) == words[i][0] && !strncasecmp(p, words[i], n))
				return true;
	}
	return false;
}

/* The grouping key of a message without a format: its text with every run
 * of digits (and a 0x prefix before one) as '#', so messages differing only
 * in their numbers count as one. */
static void text_key(const char *msg, char *out, size_t len)
{
	const char *p = msg;
	size_t o = 0;

	/* The lane tag ("[irisc1] ") is kept as it is. */
	if (*p == '[') {
		const char *e = strchr(p, ']');

		if (e && (size_t)(e - p) < 40 && e - p + 2 < (ptrdiff_t)len) {
			memcpy(out, p, (size_t)(e - p + 1));
			o = (size_t)(e - p + 1);
			p = e + 1;
		}
	}
	for (; *p && o + 1 < len;) {
		if (*p == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    ((p[2] >= '0' && p[2] <= '9') || ((p[2] | 0x20) >= 'a' && (p[2] | 0x20) <= 'f'))) {
			p += 2;
			while ((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'))
				p++;
			out[o++] = '#';
			continue;
		}
		if (*p >= '0' && *p <= '9') {
			while (*p >= '0' && *p <= '9')
				p++;
			out[o++] = '#';
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static unsigned lane_of(struct rp_trace *t, const char *msg, enum trace_source source)
{
	static const char *const suffix[] = { " (ring)", " (tracefs)", " (saved)" };
	char name[40];

	report_trace_lane(msg, name, sizeof(name));
	/* Other sources than the counted one get lanes of their own. */
	if (t->primary >= 0 && (int)source != t->primary && source <= TRACE_SOURCE_SAVED)
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s", suffix[source]);
	for (unsigned i = 0; i < t->n_lanes; i++)
		if (!strcmp(t->lanes[i].name, name))
			return i;
	if (t->n_lanes == REPORT_MAX_LANES) {
		if (!t->lanes[REPORT_MAX_LANES].name[0])
			snprintf(t->lanes[REPORT_MAX_LANES].name, sizeof(t->lanes[0].name), "other");
		return REPORT_MAX_LANES;
	}
	snprintf(t->lanes[t->n_lanes].name, sizeof(t->lanes[0].name), "%s", name);
	return t->n_lanes++;
}

static int count_format(struct fw_ctx *ctx, struct rp_trace *t, const struct trace_event *ev,
			const char *msg, unsigned lane)
{
	struct rp_trace_priv *p = t->priv;
	char keybuf[FW_LIMIT_TRACE_MESSAGE];
	const char *key = ev->format;
	uint32_t h, i;

	if (!key) {
		text_key(msg, keybuf, sizeof(keybuf));
		key = keybuf;
	}
	h = hash_str(key);
	for (i = h & (FMT_TABLE - 1);; i = (i + 1) & (FMT_TABLE - 1)) {
		uint32_t slot = p->table[i];
		struct rp_format *f;

		if (!slot)
			break;
		f = &t->formats[slot - 1];
		if (!strcmp(f->key, key)) {
			f->count++;
			return 0;
		}
	}
	if (t->n_formats == REPORT_MAX_FORMATS) {
		t->formats_approx = true;
		t->other_format_events++;
		return 0;
	}
	t->formats[t->n_formats] = (struct rp_format){
		.key = strdup(key),
		.example = strdup(msg),
		.count = 1,
		.first_ts = ev->timestamp,
		.lane = lane,
	};
	if (!t->formats[t->n_formats].key || !t->formats[t->n_formats].example) {
		free(t->formats[t->n_formats].key);
		free(t->formats[t->n_formats].example);
		return fw_error(ctx, -ENOMEM, "out of memory keeping trace format %zu (event %" PRIu64 ")",
				t->n_formats + 1, t->events);
	}
	p->table[i] = (uint32_t)++t->n_formats;
	return 0;
}

static void fill_msg(struct rp_msg *m, const struct trace_event *ev, const char *msg,
		     unsigned lane, uint64_t seq)
{
	m->ts = ev->timestamp;
	m->seq = seq;
	m->lane = lane;
	m->event_id = ev->event_id;
	m->lost = ev->lost;
	m->source = ev->source;
	snprintf(m->text, sizeof(m->text), "%s", msg);
}

int rp_trace_add(struct fw_ctx *ctx, struct rp_trace *t, const struct trace_event *ev,
		 const char *msg)
{
	unsigned lane = lane_of(t, msg, ev->source);
	struct rp_lane *l = &t->lanes[lane];
	uint64_t seq = t->events;
	bool counted = t->primary < 0 || (int)ev->source == t->primary;
	int r;

	if (!t->any || ev->timestamp < t->first_ts)
		t->first_ts = ev->timestamp;
	if (!t->any || ev->timestamp > t->last_ts)
		t->last_ts = ev->timestamp;
	t->any = true;
	t->events++;
	if (ev->source <= TRACE_SOURCE_SAVED)
		t->by_source[ev->source]++;
	if (!l->events || ev->timestamp < l->first_ts)
		l->first_ts = ev->timestamp;
	if (!l->events || ev->timestamp > l->last_ts)
		l->last_ts = ev->timestamp;
	l->events++;
	if (ev->lost) {
		t->lost++;
		l->lost++;
	}
	hist_add(&l->hist, ev->timestamp);
	hist_add(&t->all, ev->timestamp);
	if (t->n_listed < REPORT_MAX_EVENTS_LISTED)
		fill_msg(&t->listed[t->n_listed++], ev, msg, lane, seq);
	if (!counted)
		return 0;
	t->counted++;
	r = count_format(ctx, t, ev, msg, lane);
	if (r < 0)
		return r;

	/* Messages around the first fatal-looking one. */
	if (t->have_fatal) {
		if (t->after_left) {
			fill_msg(&t->context[t->n_context++], ev, msg, lane, seq);
			t->after_left--;
		}
		return 0;
	}
	if (rp_msg_is_fatal(msg)) {
		size_t n = t->n_before < REPORT_FATAL_CONTEXT ? t->n_before : REPORT_FATAL_CONTEXT;

		for (size_t i = 0; i < n; i++)
			t->context[i] = t->before[(t->n_before - n + i) % REPORT_FATAL_CONTEXT];
		t->n_context = n;
		t->fatal_index = n;
		fill_msg(&t->context[t->n_context++], ev, msg, lane, seq);
		t->have_fatal = true;
		t->after_left = REPORT_FATAL_CONTEXT;
		return 0;
	}
	fill_msg(&t->before[t->n_before % REPORT_FATAL_CONTEXT], ev, msg, lane, seq);
	t->n_before++;
	return 0;
}

static int cmp_format(const void *a, const void *b)
{
	const struct rp_format *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

void rp_trace_sort_formats(struct rp_trace *t)
{
	struct rp_trace_priv *p = t->priv;

	qsort(t->formats, t->n_formats, sizeof(*t->formats), cmp_format);
	/* The hash table points at old positions: no more adds after this. */
	if (p)
		memset(p->table, 0, sizeof(p->table));
}

/* The last messages (when no message looked fatal), oldest first. */
size_t rp_trace_last(const struct rp_trace *t, const struct rp_msg **ret_ring, size_t *ret_start)
{
	size_t n = t->n_before < REPORT_FATAL_CONTEXT ? t->n_before : REPORT_FATAL_CONTEXT;

	*ret_ring = t->before;
	*ret_start = (t->n_before - n) % REPORT_FATAL_CONTEXT;
	return n;
}
