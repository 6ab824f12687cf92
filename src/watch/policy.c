/* SPDX-License-Identifier: MIT */
/*
 * policy: rate limits, incidents and suppression records, and retention,
 * as pure functions (policy.h).  Rate limiting after SONiC's
 * auto-techsupport (a minimum interval globally and per feature) and the
 * kernel's own devlink health grace period (no second recovery within it):
 * a card that fails in a loop gets one capture per interval and a count.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/policy.h"

const char *watch_verdict_name(enum watch_verdict v)
{
	switch (v) {
	case WATCH_CAPTURE:
		return "capture";
	case WATCH_SUPPRESS_CARD:
		return "card-interval";
	case WATCH_SUPPRESS_GLOBAL:
		return "global-interval";
	case WATCH_SUPPRESS_BUSY:
		return "capture-under-way";
	}
	return "?";
}

const char *watch_removal_name(enum watch_removal r)
{
	switch (r) {
	case WATCH_KEEP:
		return "keep";
	case WATCH_RM_MAX_AGE:
		return "MaxAge";
	case WATCH_RM_MAX_PER_CARD:
		return "MaxPerCard";
	case WATCH_RM_MAX_USE:
		return "MaxUse";
	case WATCH_RM_KEEP_FREE:
		return "KeepFree";
	}
	return "?";
}

enum watch_verdict watch_decide(const struct watch_config *cfg, struct watch_global_state *g,
				struct watch_card_state *card, const char *reporter,
				uint64_t mono_ms, uint64_t now_ns, bool *ret_first)
{
	enum watch_verdict v = WATCH_CAPTURE;
	bool follow_up = false;

	/* A new incident when the card was quiet for IncidentGap=. */
	if (!card->any_event || mono_ms - card->last_event_mono_ms >= cfg->incident_gap_ms) {
		card->incident_id = now_ns;
		card->incident_events = 0;
		card->incident_captured = false;
	}
	card->any_event = true;
	card->last_event_mono_ms = mono_ms;
	card->incident_events++;

	if (card->busy) {
		if (!card->follow_up_taken && strcmp(reporter, card->capture_reporter))
			follow_up = true;
		else
			v = WATCH_SUPPRESS_BUSY;
	} else if (card->captured && mono_ms - card->last_capture_mono_ms < cfg->card_interval_ms)
		v = WATCH_SUPPRESS_CARD;
	else if (g->captured && mono_ms - g->last_capture_mono_ms < cfg->global_interval_ms)
		v = WATCH_SUPPRESS_GLOBAL;
	if (v == WATCH_CAPTURE) {
		/* A capture the intervals allowed may have a follow-up; the
		 * follow-up itself may not. */
		card->follow_up_taken = follow_up;
		*ret_first = !card->incident_captured;
		return v;
	}
	if (!card->supp.count)
		card->supp.first_ns = now_ns;
	card->supp.count++;
	card->supp.last_ns = now_ns;
	card->supp.by_reason[v]++;
	return v;
}

void watch_capture_started(struct watch_global_state *g, struct watch_card_state *card,
			   const char *reporter, uint64_t mono_ms)
{
	snprintf(card->capture_reporter, sizeof(card->capture_reporter), "%s", reporter);
	card->busy = true;
	card->captured = true;
	card->incident_captured = true;
	card->last_capture_mono_ms = mono_ms;
	g->captured = true;
	g->last_capture_mono_ms = mono_ms;
}

void watch_capture_ended(struct watch_card_state *card)
{
	card->busy = false;
	memset(&card->supp, 0, sizeof(card->supp));
}

/* --- retention --- */

struct rank {
	size_t i;
	const struct watch_spool_entry *e;
};

static int by_age(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->e->time_ns != y->e->time_ns)
		return x->e->time_ns < y->e->time_ns ? -1 : 1;
	return strcmp(x->e->path, y->e->path);
}

/* Is e the newest capture of its card among those not removed? */
static bool newest_of_card(const struct rank *r, size_t n, size_t k, const enum watch_removal *rm)
{
	for (size_t j = k + 1; j < n; j++)
		if (!rm[r[j].i] && !strcmp(r[j].e->card, r[k].e->card))
			return false;
	return true;
}

static size_t card_count(const struct rank *r, size_t n, const char *card,
			 const enum watch_removal *rm)
{
	size_t c = 0;

	for (size_t j = 0; j < n; j++)
		if (!rm[r[j].i] && !strcmp(r[j].e->card, card))
			c++;
	return c;
}

/* Remove the oldest removable entry matching card (NULL: any): a
 * non-first-of-incident one first, else a first-of-incident one; never a
 * card's newest.  Returns false when nothing can go. */
static bool remove_oldest(const struct rank *r, size_t n, const char *card, enum watch_removal why,
			  enum watch_removal *rm, uint64_t *total)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < n; k++) {
			if (rm[r[k].i] || (card && strcmp(r[k].e->card, card)))
				continue;
			if (pass == 0 && r[k].e->first_of_incident)
				continue;
			if (newest_of_card(r, n, k, rm))
				continue;
			rm[r[k].i] = why;
			*total -= r[k].e->size;
			return true;
		}
	}
	return false;
}

size_t watch_retention_plan(const struct watch_config *cfg, const struct watch_spool_entry *e,
			    size_t n, uint64_t fs_size, uint64_t fs_free, uint64_t now_ns,
			    enum watch_removal *ret)
{
	struct rank *r;
	uint64_t total = 0, total0, max_use, keep_free;
	size_t removed = 0;

	for (size_t i = 0; i < n; i++) {
		ret[i] = WATCH_KEEP;
		total += e[i].size;
	}
	total0 = total;
	if (!n)
		return 0;
	r = calloc(n, sizeof(*r));
	if (!r)
		return 0;   /* keep everything: removing needs a plan */
	for (size_t i = 0; i < n; i++) {
		r[i].i = i;
		r[i].e = &e[i];
	}
	qsort(r, n, sizeof(*r), by_age);

	/* MaxAge=: everything older, but a card's newest. */
	if (cfg->max_age_ms) {
		uint64_t limit = cfg->max_age_ms * 1000000ull;

		for (size_t k = 0; k < n; k++)
			if (now_ns > r[k].e->time_ns && now_ns - r[k].e->time_ns > limit &&
			    !newest_of_card(r, n, k, ret)) {
				ret[r[k].i] = WATCH_RM_MAX_AGE;
				total -= r[k].e->size;
			}
	}
	/* MaxPerCard=. */
	if (cfg->max_per_card)
		for (size_t k = 0; k < n; k++)
			while (!ret[r[k].i] && card_count(r, n, r[k].e->card, ret) > cfg->max_per_card &&
			       remove_oldest(r, n, r[k].e->card, WATCH_RM_MAX_PER_CARD, ret, &total))
				;
	/* MaxUse= and KeepFree= over the whole spool. */
	max_use = cfg->max_use_pct ? fs_size / 100 * cfg->max_use_pct : cfg->max_use;
	keep_free = cfg->keep_free_pct ? fs_size / 100 * cfg->keep_free_pct : cfg->keep_free;
	while (max_use && total > max_use)
		if (!remove_oldest(r, n, NULL, WATCH_RM_MAX_USE, ret, &total))
			break;
	/* Whatever the rules above removed is free space too. */
	while (keep_free && fs_free + (total0 - total) < keep_free)
		if (!remove_oldest(r, n, NULL, WATCH_RM_KEEP_FREE, ret, &total))
			break;
	for (size_t i = 0; i < n; i++)
		removed += ret[i] != WATCH_KEEP;
	free(r);
	return removed;
}
