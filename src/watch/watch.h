/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * watch: the capture daemon behind `fwbox watch` (fwbox-watch(1)).
 *
 * Contract:
 *  - watch_new() opens every device of the configuration (or every
 *    ConnectX found when none is named), chooses how each is watched and
 *    takes the spool: it creates it (mode 0700) and a daemon lock in it, so
 *    two daemons never share one spool.
 *  - Per device, the event source is: the emulator's scheduled faults
 *    (fatal-at=, burst=; a timerfd), else the devlink family's "config"
 *    multicast group (health notifications), else polling the devlink
 *    reporters' error counts every PollInterval=, else polling the health
 *    buffer's syndrome.  WATCH_NOTE_MODE says which, per device.
 *  - An accepted event is written to the journal (<spool>/.fwbox-watch/
 *    journal, fsync'd) before its capture starts: that is the
 *    acknowledgement.  A daemon killed before the capture was published
 *    captures the event when it starts again.
 *  - Captures run one at a time, under a per-card lock file that the
 *    kernel releases if the daemon dies (flock), into the spool (files
 *    0600 under the umask the front-end sets), the trigger in the reason
 *    and in the bundle index.  Cancellation (watch_stop(), from SIGTERM)
 *    ends a capture under way with a valid partial bundle, or none.
 *  - What a card shows at start (a reporter in error, with a stored dump or
 *    a non-zero error count; a health buffer with a syndrome) is the
 *    baseline: it is not an event.  It is said (WATCH_NOTE_PRESENT), kept
 *    in the status and the journal as present at start, and captured only
 *    with CaptureExisting= (--capture-existing), once per card, unless a
 *    capture in this spool already covered that same error.
 *  - Nothing here writes to a device: it reads dumps the kernel already
 *    stored.  The one exception is ClearDumps= (--clear-dumps), named in
 *    fwbox-allowlist(7).
 *  - The library never prints: everything worth saying goes to the note
 *    callback as a struct watch_note.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "watch/policy.h"

enum watch_note_kind {
	WATCH_NOTE_MODE,        /* device, mode: how it is watched */
	WATCH_NOTE_READY,       /* all sources armed: events from now on are caught */
	WATCH_NOTE_EVENT,       /* device, reporter, state, error_count, msg */
	WATCH_NOTE_SUPPRESSED,  /* an event not captured: verdict, count so far */
	WATCH_NOTE_CAPTURE,     /* a capture starts: device, reporter, replayed */
	WATCH_NOTE_CAPTURED,    /* path (NULL: none written), outcome, latency_ns */
	WATCH_NOTE_LOADED,      /* path loaded into the history */
	WATCH_NOTE_REMOVED,     /* path removed by retention, why */
	WATCH_NOTE_RELOADED,    /* the configuration was read again */
	WATCH_NOTE_WARNING,     /* msg: a non-fatal problem */
	WATCH_NOTE_CLEARED,     /* device, reporter: its stored dump cleared (--clear-dumps) */
	WATCH_NOTE_PRESENT,     /* device, reporter, state, error_count, msg: an error present
				 * at start; why: "recorded", "capturing" (CaptureExisting=)
				 * or "already-captured" */
};

struct watch_note {
	enum watch_note_kind kind;
	const char *device;     /* the card's key: PCI address or devlink handle */
	const char *mode;
	const char *reporter;
	const char *state;      /* "error", "healthy" */
	uint64_t error_count;
	const char *msg;
	const char *path;
	const char *outcome;    /* "ok", "partial", "failed", or "none" */
	const char *why;        /* suppression verdict or retention rule */
	uint64_t count;         /* suppressed so far in this record */
	uint64_t latency_ns;    /* event to the capture's first device read */
	uint64_t handling_ns;   /* the daemon receiving the event to that read (0: replayed) */
	uint64_t event_ns;      /* CLOCK_REALTIME of the event */
	bool replayed;          /* acknowledged before a restart */
	bool first_of_incident;
};
typedef void (*watch_note_fn)(void *userdata, const struct watch_note *n);

struct watch_options {
	struct watch_config cfg;
	const char *config_path;   /* reread on watch_reload(); NULL: none */
	unsigned exit_after;       /* stop after this many captures; 0: never */
	const char *cmdline;       /* recorded in each bundle */
	const char *sysroot;       /* discovery root; NULL: "/" */
	bool force_poll;           /* poll even where notifications work (tests) */
	watch_note_fn note;
	void *note_userdata;
};

struct watch;
int watch_new(struct fw_ctx *ctx, const struct watch_options *opts, struct watch **ret);
void watch_free(struct watch *w);
/* Run until watch_stop() (or the context is cancelled), or exit_after
 * captures.  Returns 0, or a negative errno when it cannot go on. */
int watch_run(struct watch *w);
/* Async-signal-safe: end the run (SIGTERM, SIGINT). */
void watch_stop(struct watch *w);
/* Async-signal-safe: reread the configuration at the next turn (SIGHUP). */
void watch_reload(struct watch *w);
/* Captures so far. */
unsigned watch_captures(const struct watch *w);

/* The status file of a spool (<spool>/.fwbox-watch/status.json, written
 * after every change): malloc'd JSON text; -ENOENT when no daemon ever
 * ran on it. */
int watch_status_read(struct fw_ctx *ctx, const char *spool, char **ret_json, size_t *ret_len);
