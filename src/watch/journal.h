/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * journal: what the watch daemon must not forget across a crash, in
 * <spool>/.fwbox-watch/journal, one tab-separated line per record, each
 * append fsync'd before the call returns (an E record: written, it
 * survives the daemon's death; durable across a machine crash after
 * watch_journal_sync() or the next other append):
 *   E seq card reporter errors time_ns msg   an event accepted for capture
 *                                            (the acknowledgement)
 *   D seq                                    its capture ended (published or not)
 *   C path card time_ns incident first       a bundle the daemon wrote
 *   F path                                   that bundle was removed
 *   P card reporter errors time_ns msg       present when the daemon started
 *                                            (an error it did not see happen)
 *   S card reporter mark                     a published capture covered this
 *                                            error (mark: the reporter's error
 *                                            count, or the health buffer's hash)
 * Opening reads it (a torn last line is skipped), then rewrites it
 * compacted: the C records of bundles still there, the E records
 * without a D (events to capture now), and the newest P and S record of
 * each card and reporter.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct watch_journal;

struct watch_capture_rec {
	char path[1200];
	char card[128];
	uint64_t time_ns;
	uint64_t incident;
	bool first;
};

struct watch_pending {
	uint64_t seq;
	char card[128];
	char reporter[64];
	uint64_t error_count;
	uint64_t time_ns;
	char msg[160];
};

int watch_journal_open(struct fw_ctx *ctx, const char *dir, struct watch_journal **ret);
void watch_journal_close(struct watch_journal *j);
int watch_journal_event(struct watch_journal *j, const char *card, const char *reporter,
			uint64_t error_count, uint64_t time_ns, const char *msg, uint64_t *ret_seq);
/* fdatasync() what was written since the last one (an E record). */
int watch_journal_sync(struct watch_journal *j);
/* path "" when no bundle was written. */
int watch_journal_done(struct watch_journal *j, uint64_t seq, const char *path, const char *card,
		       uint64_t time_ns, uint64_t incident, bool first);
const struct watch_capture_rec *watch_journal_find(const struct watch_journal *j, const char *path);
int watch_journal_forget(struct watch_journal *j, const char *path);
/* The bundles the journal knows, oldest record first. */
size_t watch_journal_capture_count(const struct watch_journal *j);
const struct watch_capture_rec *watch_journal_capture_at(const struct watch_journal *j, size_t i);
/* Events without a D record, oldest first (malloc'd array). */
int watch_journal_pending(struct watch_journal *j, struct watch_pending **ret, size_t *ret_n);
/* A P record (written, made durable by the next watch_journal_sync()). */
int watch_journal_present(struct watch_journal *j, const char *card, const char *reporter,
			  uint64_t error_count, uint64_t time_ns, const char *msg);
/* An S record (fdatasync'd). */
int watch_journal_covered(struct watch_journal *j, const char *card, const char *reporter,
			  uint64_t mark);
/* Whether an S record of card and reporter holds mark. */
bool watch_journal_is_covered(const struct watch_journal *j, const char *card,
			      const char *reporter, uint64_t mark);
