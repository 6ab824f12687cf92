/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * watch policy: the decisions of the capture daemon that need no device,
 * as pure functions over plain records, so each rule is tested alone.
 *
 *  - config: fwbox-watch.conf(5), "Key=value" lines (systemd's spelling,
 *    keys case-insensitive), an optional "[Watch]" section header, "#" and
 *    ";" comments.  Sizes take K, M, G, T (powers of 1024) or "%" of the
 *    spool's file system; times take ms, s, min, h, d, w (a bare number is
 *    seconds).  Unknown keys and bad values are -EINVAL naming the file,
 *    line and key: a daemon started with a typo must not run with a
 *    default the operator did not choose.
 *  - rate limit and incidents: one record per card.  An event starts a
 *    capture when the card's last capture is MinIntervalCard= ago and the
 *    last capture of any card MinIntervalGlobal= ago, and no capture of
 *    that card is under way; otherwise it is suppressed, and the
 *    suppression (count, first and last time, why) is kept until the
 *    card's next capture records it.  Events less than IncidentGap= apart
 *    form one incident (a crash loop is one incident with a count); the
 *    first capture of an incident is marked so retention keeps it.
 *  - retention: which spool files to remove (fwbox-watch.conf(5)).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define WATCH_DEFAULT_SPOOL "/var/lib/fwbox/bundles"
#define WATCH_MAX_DEVICES 64u            /* Device= lines and -d options */
#define WATCH_CONFIG_MAX_BYTES (64u << 10)

struct watch_config {
	char spool[1024];
	char db[1024];                   /* "" = none */
	bool load;                       /* load each bundle into db */
	bool clear_dumps;                /* the one write: clear a dump once captured */
	bool capture_existing;           /* CaptureExisting=: capture what is present at start */
	uint64_t card_interval_ms;       /* MinIntervalCard= */
	uint64_t global_interval_ms;     /* MinIntervalGlobal= */
	uint64_t incident_gap_ms;        /* IncidentGap= */
	uint64_t poll_interval_ms;       /* PollInterval= (polling mode and health buffers) */
	uint64_t max_use;                /* MaxUse= bytes, 0 = no limit */
	uint64_t keep_free;              /* KeepFree= bytes, 0 = no limit */
	unsigned max_use_pct, keep_free_pct;   /* the same given as % of the file system */
	uint64_t max_age_ms;             /* MaxAge=, 0 = no limit */
	unsigned max_per_card;           /* MaxPerCard=, 0 = no limit */
	unsigned trace_seconds;          /* TraceSeconds= passed to the collector */
	char devices[WATCH_MAX_DEVICES][256];
	unsigned ndevices;
};

/* The defaults (fwbox-watch.conf(5) lists them). */
void watch_config_defaults(struct watch_config *cfg);
/* Apply "Key=value" text to cfg; origin names it in errors ("FILE"). */
int watch_config_parse(struct fw_ctx *ctx, const char *text, size_t len, const char *origin,
		       struct watch_config *cfg);
/* Read and apply a file (at most WATCH_CONFIG_MAX_BYTES). */
int watch_config_load(struct fw_ctx *ctx, const char *path, struct watch_config *cfg);
/* Parse "10G", "512M", "15%" (ret_pct set, *ret_bytes 0) ... */
int watch_parse_size(const char *s, uint64_t *ret_bytes, unsigned *ret_pct);
/* Parse "30s", "5min", "250ms", "2h", "7d", "1w", "10" (seconds) into ms. */
int watch_parse_time_ms(const char *s, uint64_t *ret_ms);

/* --- rate limit, dedup, incidents --- */

enum watch_verdict {
	WATCH_CAPTURE = 0,
	WATCH_SUPPRESS_CARD,             /* MinIntervalCard= not over */
	WATCH_SUPPRESS_GLOBAL,           /* MinIntervalGlobal= not over */
	WATCH_SUPPRESS_BUSY,             /* a capture of the card is under way */
};
const char *watch_verdict_name(enum watch_verdict v);

/* What was suppressed since a card's last capture. */
struct watch_suppressed {
	uint64_t count;
	uint64_t first_ns, last_ns;      /* CLOCK_REALTIME of the events */
	uint64_t by_reason[4];           /* indexed by enum watch_verdict */
};

struct watch_card_state {
	bool busy;
	bool captured;                   /* at least one capture */
	uint64_t last_capture_mono_ms;
	uint64_t last_event_mono_ms;
	bool any_event;
	uint64_t incident_id;            /* CLOCK_REALTIME ns of the incident's first event */
	uint64_t incident_events;        /* events in this incident so far */
	bool incident_captured;          /* the incident has its first capture */
	char capture_reporter[64];       /* reporter whose event started the last capture */
	bool follow_up_taken;            /* that capture already had its follow-up */
	struct watch_suppressed supp;
};

struct watch_global_state {
	bool captured;
	uint64_t last_capture_mono_ms;
};

/*
 * Decide on one event of a card's reporter at mono_ms (CLOCK_MONOTONIC
 * ms) and now_ns (CLOCK_REALTIME ns).  Updates the incident, counts the
 * event; on WATCH_CAPTURE *ret_first tells whether it is the incident's
 * first capture, and the caller calls watch_capture_started(); otherwise
 * the suppression is recorded in card->supp.
 *
 * One exception to the rate limits: the first event of another reporter
 * that arrives while a capture runs gets one follow-up capture, whatever
 * the intervals.  mlx5 reports "fw" and then "fw_fatal" (with the crdump)
 * milliseconds apart; suppressing the second would lose the dump that
 * matters most.  The follow-up cannot chain: it has no follow-up itself.
 */
enum watch_verdict watch_decide(const struct watch_config *cfg, struct watch_global_state *g,
				struct watch_card_state *card, const char *reporter,
				uint64_t mono_ms, uint64_t now_ns, bool *ret_first);
void watch_capture_started(struct watch_global_state *g, struct watch_card_state *card,
			   const char *reporter, uint64_t mono_ms);
/* The capture ended (published or not): the card is free again, and its
 * suppression record (which the capture's trigger recorded) starts over. */
void watch_capture_ended(struct watch_card_state *card);

/* --- retention --- */

struct watch_spool_entry {
	const char *path;
	const char *card;                /* card key: PCI address, devlink handle, emu spec */
	uint64_t size;                   /* bytes on disk */
	uint64_t time_ns;                /* capture time */
	uint64_t incident_id;            /* 0: not from watch (a manual collect) */
	bool first_of_incident;
};

enum watch_removal {
	WATCH_KEEP = 0,
	WATCH_RM_MAX_AGE,
	WATCH_RM_MAX_PER_CARD,
	WATCH_RM_MAX_USE,
	WATCH_RM_KEEP_FREE,
};
const char *watch_removal_name(enum watch_removal r);

/*
 * Decide which entries to remove; ret[i] gets a reason or WATCH_KEEP.
 * fs_size/fs_free: the spool's file system (bytes), for KeepFree= and the
 * % forms.  Rules (fwbox-watch.conf(5)): a card's newest capture is never
 * removed (so neither is its only one); MaxAge= removes anything else
 * older; over MaxPerCard=, MaxUse= or under KeepFree=, the oldest captures
 * that are not the first of their incident go first, then the oldest
 * first-of-incident ones.  Returns the number removed.
 */
size_t watch_retention_plan(const struct watch_config *cfg, const struct watch_spool_entry *e,
			    size_t n, uint64_t fs_size, uint64_t fs_free, uint64_t now_ns,
			    enum watch_removal *ret);
