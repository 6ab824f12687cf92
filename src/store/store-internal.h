/* SPDX-License-Identifier: MIT */
#pragma once
/* store: declarations shared by the files of src/store/ only. */
#include <sqlite3.h>

#include "store/store.h"

/* trace_ev.meta: event_id | lost << 8 | nparams << 9 | tmsn << 12 |
 * source << 25 | the flags below (fwbox-schema(7), schema/006). */
#define STORE_META_SOURCE_SHIFT 25
#define STORE_META_DUP       (INT64_C(1) << 27)
#define STORE_META_TEXT      (INT64_C(1) << 28)
#define STORE_META_AMBIGUOUS (INT64_C(1) << 29)

/* postings.c: the ids of each format's events in a bundle (trace_postings). */
struct store_postings;
/* limit: bytes of chunk text held before they are written (0: the
 * default, 4 MiB). */
int store_postings_new(struct store *s, int64_t bundle, int64_t ev_first, size_t limit,
		       struct store_postings **ret);
void store_postings_free(struct store_postings *p);
/* The builder's slot for format fmt (made on first use). */
int store_postings_slot(struct store_postings *p, int64_t fmt, uint32_t *ret_slot);
/* Add event id (ids of a slot come in increasing order). */
int store_postings_add(struct store_postings *p, uint32_t slot, int64_t id);
/* Write what is held. */
int store_postings_flush(struct store_postings *p);
/* Postings of every bundle that has none (schema upgrade). */
int store_postings_backfill(struct store *s);

/* One schema file, embedded by schema/embed.sh. */
struct store_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct store_migration store_migrations[];
extern const size_t store_migrations_count;

struct store {
	struct fw_ctx *ctx;
	sqlite3 *db;
	char *path;
	bool readonly;
	bool denied_attach;        /* the authorizer refused ATTACH/DETACH */
	struct store_query_limits limits;
};

/* Set an error from the connection's message: "what: sqlite message". */
int store_sqlite_error(struct store *s, int rc, const char *what);
/* Run SQL without results; error with the message on failure. */
int store_exec(struct store *s, const char *sql);
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret);
/* Lower-case hex of n bytes into out (2n+1). */
void store_hex(const uint8_t *data, size_t n, char *out);
