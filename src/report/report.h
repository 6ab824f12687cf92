/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * report: what people look at.  Two writers over the layers below:
 *
 *  - report_html(): one self-contained HTML page (inline CSS and SVG, no
 *    script, no font, no link to anything; a Content-Security-Policy of
 *    default-src 'none' makes the browser refuse any request the page
 *    could still try).  Per capture: summary and health verdict, steps
 *    (failures first), a trace timeline, decoded registers, CR-space and
 *    resource-dump summaries, and, with a history, what changed since the
 *    previous capture of the same card.  Without captures, the fleet view
 *    of a history.  Every byte that comes from a bundle or the history is
 *    escaped for HTML; invalid UTF-8 becomes U+FFFD.
 *
 *  - struct report_chrome: the firmware trace as Chrome trace-event JSON
 *    (the "JSON Object Format" that chrome://tracing and Perfetto open),
 *    written as the events arrive.
 *
 * Size and memory: both writers aggregate or stream.  A capture's section
 * holds at most REPORT_MAX_* rows of each kind (the rest is counted, not
 * listed), so the page is bounded whatever the bundle holds; the trace is
 * kept as per-lane histograms of a fixed number of bins, a bounded table
 * of formats and a bounded window of messages.  The Chrome writer holds a
 * reorder window of REPORT_CHROME_WINDOW messages.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/core.h"
#include "trace.h"

struct store;

/* Bounds of one capture's section (the page is bounded by these). */
#define REPORT_MAX_LANES        16u     /* timeline lanes; more go to "other" */
#define REPORT_MAX_FORMATS      4096u   /* distinct formats counted exactly, then approximated */
#define REPORT_TOP_FORMATS      25u     /* formats listed */
#define REPORT_MAX_EVENTS_LISTED 400u   /* a trace this small is listed whole */
#define REPORT_FATAL_CONTEXT    30u     /* messages before and after the fatal one */
#define REPORT_MAX_ROWS         300u    /* rows of any other table */
#define REPORT_MAX_CRSPACE      FW_LIMIT_CRSPACE  /* CR-space bytes held for a summary */

/* ------------------------------------------------------------- HTML page */

struct report_options {
	/* Bundle files, one section each.  Empty: the fleet view of db. */
	const char *const *bundles;
	size_t n_bundles;
	/* The history (opened read-only by the caller), or NULL.  With
	 * captures: the previous capture of the same card is looked up there
	 * and compared.  Without: the fleet view. */
	struct store *db;
	const char *db_path;           /* for the page's text; may be NULL */
	/* Fleet view: only captures created at or after this (ns since the
	 * epoch; 0: all). */
	uint64_t since_ns;
	/* The time the page says it was made (ns since the epoch). */
	uint64_t now_ns;
};

/* What was written. */
struct report_result {
	uint64_t bytes;                /* of the page */
	unsigned captures;             /* sections, or captures in the fleet view */
	unsigned cards;                /* fleet view */
	uint64_t trace_events;         /* messages aggregated over all sections */
	unsigned compared;             /* sections compared with a previous capture */
	uint64_t problems;             /* decode problems reported by analyze */
};

/*
 * Write the page to out.  On error nothing is promised about what out
 * received (the caller writes to a temporary file and renames it on
 * success).  A bundle that cannot be opened or read is an error naming it;
 * a problem inside an artifact is shown in the page and counted.
 */
int report_html(struct fw_ctx *ctx, const struct report_options *opts, FILE *out,
		struct report_result *ret);

/* ------------------------------------------------------ Chrome trace JSON */

#define REPORT_CHROME_WINDOW 4096u

struct report_chrome;

struct report_chrome_stats {
	uint64_t events;               /* message events written */
	uint64_t lost_markers;         /* lost-event markers written */
	uint64_t late;                 /* messages older than the reorder window allowed:
					  shown at their track's last time, ticks kept in args */
	unsigned tracks;
	uint32_t clock_khz;            /* 0: unknown, ticks were written as ns */
	bool clock_from_bundle;        /* device_frequency_khz read from hca.caps.GENERAL */
};

/*
 * Start a Chrome trace of bundle path on out.  The device clock comes from
 * the bundle's hca.caps.GENERAL (QUERY_HCA_CAP device_frequency_khz; the
 * firmware tracer stamps events in device clock ticks); clock_khz, when not
 * 0, overrides it.  Without either, one tick is written as one ns and
 * otherData.clock says so.
 */
int report_chrome_open(struct fw_ctx *ctx, const char *path, uint32_t clock_khz, FILE *out,
		       struct report_chrome **ret);
/* One message; msg is its rendered text (trace_event_render()). */
int report_chrome_event(struct report_chrome *c, const struct trace_event *ev, const char *msg);
/* Flush the window, write the names of processes and threads and close the
 * JSON.  *ret_stats optional.  Frees c in every case. */
int report_chrome_close(struct report_chrome *c, struct report_chrome_stats *ret_stats);
/* Free without finishing (error paths).  Accepts NULL. */
void report_chrome_free(struct report_chrome *c);

/* The device clock of a bundle: device_frequency_khz from hca.caps.GENERAL
 * (-ENOENT, with the reason on ctx, when the bundle has no usable one). */
struct bundle;
int report_bundle_clock_khz(struct fw_ctx *ctx, struct bundle *b, uint32_t *ret_khz);

/* The lane (iRISC) of a message: the bracketed tag that begins it ("[irisc1]
 * ..." -> "irisc1"), or "main".  Writes at most len - 1 bytes. */
void report_trace_lane(const char *msg, char *buf, size_t len);
