/* SPDX-License-Identifier: MIT */
#pragma once
/* store: declarations shared by the files of src/store/ only. */
#include <signal.h>

#include <libpq-fe.h>
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
/* The PostgreSQL schema (schema/pg/), versioned in table fwbox_schema. */
extern const struct store_migration store_pg_migrations[];
extern const size_t store_pg_migrations_count;

struct store {
	struct fw_ctx *ctx;
	sqlite3 *db;
	char *path;
	bool readonly;
	bool denied_attach;        /* the authorizer refused ATTACH/DETACH */
	struct store_query_limits limits;
	/* PostgreSQL back-end (pg.c): set instead of db.  path is then the
	 * connection string as store_target_display() shows it. */
	PGconn *pg;
	PGcancel *pg_cancel;
	volatile sig_atomic_t pg_interrupted;
	unsigned pg_nstmt;         /* prepared statements named so far */
};

/*
 * The back-end interface.  store.h is the one API; each entry point runs
 * the SQLite code or, when s->pg is set, these PostgreSQL functions.  The
 * loader (load.c: format cache, parameter signs, CR-space chunks, stats,
 * outcome) and the named queries are shared; the back-end gets rows.
 */
struct store_pg_load;
struct store_pg_query;
/* What load.c derived of a bundle for its row. */
struct store_pg_bundle {
	const struct store_bundle_info *info;
	const char *identity;   /* devices.identity, NULL without a device */
	const char *uuid, *sha, *created, *loaded;
};
int store_pg_open(struct store *s, const char *target);
void store_pg_close(struct store *s);
int store_pg_exec(struct store *s, const char *sql);
int store_pg_schema_version(struct store *s);
int store_pg_schema_latest(void);
void store_pg_interrupt(struct store *s);
/* STORE_LOAD_NEW (transaction open, COPY ready) or STORE_LOAD_ALREADY. */
int store_pg_load_begin(struct store *s, const struct store_pg_bundle *b,
			struct store_pg_load **ret, int64_t *ret_bundle_id);
int store_pg_load_trigger(struct store_pg_load *l, const struct bundle_trigger *t);
int store_pg_load_clock(struct store_pg_load *l, const char *device_ts, const char *khz,
			const char *utc_ns, const char *uncertainty_ns, const char *tracefs_clock);
int store_pg_load_format(struct store_pg_load *l, const char *text, int64_t *ret_id);
int store_pg_load_event(struct store_pg_load *l, int64_t seq, int64_t ts, int64_t fmt,
			int64_t meta, unsigned nparams, const int64_t *params);
int store_pg_load_artifact(struct store_pg_load *l, int64_t seq, const struct bundle_artifact *a,
			   const char *sha, const char *outcome);
int store_pg_load_field(struct store_pg_load *l, const char *reg, unsigned instance,
			const char *field, const char *value, const char *enum_name);
int store_pg_load_chunk(struct store_pg_load *l, const char *source, uint64_t addr,
			const void *data, size_t len);
int store_pg_load_segment(struct store_pg_load *l, int64_t seq, const char *dump, uint32_t type,
			  const char *name, int64_t index1, int64_t index2, const void *data,
			  size_t len);
int store_pg_load_health(struct store_pg_load *l, int64_t seq, const char *source,
			 const char *item, const char *value);
int store_pg_load_format_count(struct store_pg_load *l, int64_t fmt, uint64_t events,
			       int64_t first_event);
int store_pg_load_commit(struct store_pg_load *l, const char *outcome, int64_t nevents,
			 uint64_t *ret_new_formats);
void store_pg_load_free(struct store_pg_load *l);
int store_pg_query_prepare(struct store *s, const char *sql, struct store_pg_query **ret);
int store_pg_query_bind(struct store_pg_query *q, int i, const char *v);
int store_pg_query_param_count(struct store_pg_query *q);
int store_pg_query_step(struct store_pg_query *q);
int store_pg_query_column_count(struct store_pg_query *q);
const char *store_pg_query_column_name(struct store_pg_query *q, int i);
enum store_value_type store_pg_query_column_type(struct store_pg_query *q, int i);
int64_t store_pg_query_column_int(struct store_pg_query *q, int i);
double store_pg_query_column_double(struct store_pg_query *q, int i);
const char *store_pg_query_column_text(struct store_pg_query *q, int i);
const void *store_pg_query_column_blob(struct store_pg_query *q, int i, size_t *ret_len);
void store_pg_query_free(struct store_pg_query *q);
int store_pg_prune(struct store *s, uint64_t before_ns, int64_t device, uint64_t *ret);
/* Run a read-only statement ($N text parameters, NULL for SQL NULL) in
 * its own read-only transaction (or the one open) with the statement
 * timeout; *ret_res holds every row, the caller clears it. */
int store_pg_select(struct store *s, const char *sql, int n, const char *const *v,
		    const char *what, PGresult **ret_res);
/* -EOPNOTSUPP: what is not on the PostgreSQL back-end yet. */
int store_pg_unsupported(struct store *s, const char *what);

/* -EINVAL with libpq's reason (never the string itself) unless target
 * parses as a PostgreSQL connection string. */
int store_conninfo_check(struct fw_ctx *ctx, const char *target);

/* Set an error from the connection's message: "what: sqlite message". */
int store_sqlite_error(struct store *s, int rc, const char *what);
/* Run SQL without results; error with the message on failure. */
int store_exec(struct store *s, const char *sql);
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret);
/* Lower-case hex of n bytes into out (2n+1). */
