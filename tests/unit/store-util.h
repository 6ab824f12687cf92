/* SPDX-License-Identifier: MIT */
#pragma once
/*
 * store-util: what the store's Check suites (test-store-*.c) share: the
 * fixture (a context and a temporary folder per test), query helpers, and
 * fake bundles loaded through the loading API.
 */
#include <stdint.h>

#include "testutil.h"

extern struct fw_ctx *ctx;

void su_setup(void);
void su_teardown(void);

/* The first column of the first row. */
int64_t query_int(struct store *s, const char *sql);
/* All rows of a query as "a|b|c\n" lines (malloc'd). */
char *query_text(struct store *s, const char *sql);

struct fake_bundle {
	struct bundle_header h;
	struct bundle_device d;
	struct store_bundle_info info;
};

/* Bundle n (its UUID and file hash are n repeated), of the card serial
 * (NULL: identified by host and PCI address), firmware fw. */
void fake_bundle(struct fake_bundle *fb, uint8_t n, const char *serial, const char *fw);
void add_artifact(struct store_load *l, const char *kind, enum bundle_outcome o,
		  const char *reason);
/* A ring event with event id 3 and tmsn 17. */
void add_event(struct store_load *l, uint64_t ts, const char *fmt, unsigned n, uint32_t p0,
	       uint32_t p1);

/* Bundle A (n=1) and B (n=2) of the same card: B has a new firmware,
 * a changed register field, two changed CR-space words, a new trace format,
 * a format of A it lacks, and a step that failed. */
void load_pair(struct store *s);
