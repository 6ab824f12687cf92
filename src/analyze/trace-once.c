/* SPDX-License-Identifier: MIT */
/*
 * trace-once: each firmware message once, whatever the sources that
 * carried it (see analyze.h).  A table of 64-bit message keys, each with
 * the most preferred source seen; open addressing, doubling up to
 * FW_LIMIT_TRACE_DEDUP messages.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/limits.h"

struct once_slot {
	uint64_t key;   /* 0: empty (a key of 0 is stored as 1) */
	uint8_t best;   /* most preferred source seen: enum trace_source */
};

struct trace_once {
	struct fw_ctx *ctx;
	struct once_slot *t;
	size_t cap, used;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

/* Timestamp, event id and format; a raw event's two parameters (they are
 * its whole content); a message kept as text: its text. */
static uint64_t message_key(const struct trace_event *ev)
{
	uint64_t h = mix(mix(0xcbf29ce484222325ull, ev->timestamp), ev->event_id);

	if (ev->format && !ev->unmatched) {
		h = hash_str(mix(h, 'F'), ev->format);
		if (ev->raw)
			h = mix(mix(h, ev->params[0]), ev->params[1]);
	} else {
		h = hash_str(mix(h, 'T'), ev->text ? ev->text : "");
	}
	return h ? h : 1;
}

int trace_once_new(struct fw_ctx *ctx, struct trace_once **ret)
{
	struct trace_once *t = calloc(1, sizeof(*t));

	if (!t)
		return fw_error(ctx, -ENOMEM, "out of memory");
	t->ctx = ctx;
	*ret = t;
	return 0;
}

void trace_once_free(struct trace_once *t)
{
	if (!t)
		return;
	free(t->t);
	free(t);
}

static struct once_slot *find(const struct trace_once *t, uint64_t key)
{
	size_t j;

	if (!t->cap)
		return NULL;
	for (j = key & (t->cap - 1); t->t[j].key; j = (j + 1) & (t->cap - 1))
		if (t->t[j].key == key)
			return &t->t[j];
	return NULL;
}

static int grow(struct trace_once *t)
{
	size_t cap = t->cap ? 2 * t->cap : 4096;
	struct once_slot *n = calloc(cap, sizeof(*n));

	if (!n)
		return fw_error(t->ctx, -ENOMEM, "out of memory");
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->t[i].key)
			continue;
		for (j = t->t[i].key & (cap - 1); n[j].key; j = (j + 1) & (cap - 1))
			;
		n[j] = t->t[i];
	}
	free(t->t);
	t->t = n;
	t->cap = cap;
	return 0;
}

int trace_once_note(struct trace_once *t, const struct trace_event *ev, bool only_known)
{
	uint64_t key = message_key(ev);
	struct once_slot *s = find(t, key);
	size_t j;
	int r;

	if (s) {
		if (ev->source < s->best)
			s->best = (uint8_t)ev->source;
		return 0;
	}
	if (only_known)
		return 0;
	if (t->used == FW_LIMIT_TRACE_DEDUP)
		return fw_error(t->ctx, -EOVERFLOW, "more than FW_LIMIT_TRACE_DEDUP (%u) trace "
				"messages to compare across sources", FW_LIMIT_TRACE_DEDUP);
	if ((t->used + 1) * 2 > t->cap) {
		r = grow(t);
		if (r < 0)
			return r;
	}
	for (j = key & (t->cap - 1); t->t[j].key; j = (j + 1) & (t->cap - 1))
		;
	t->t[j].key = key;
	t->t[j].best = (uint8_t)ev->source;
	t->used++;
	return 0;
}

bool trace_once_dup(const struct trace_once *t, const struct trace_event *ev)
{
	const struct once_slot *s = find(t, message_key(ev));

	return s && s->best < (uint8_t)ev->source;
}
