/* SPDX-License-Identifier: MIT */
/* store query: read-only statements, named queries, bundle lookup. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"

enum query_stop {
	STOP_NONE,
	STOP_TIME,
	STOP_CANCEL,
};

struct store_query {
	struct store *s;
	sqlite3_stmt *st;
	struct store_pg_query *pg;   /* PostgreSQL instead of st */
	uint64_t deadline_ns;      /* 0 until the first step, or without a limit */
	enum query_stop stop;
};

/* SQLite calls this every PROGRESS_OPS virtual machine instructions while a
 * statement runs; non-zero stops it with SQLITE_INTERRUPT.  A clock read
 * per thousand instructions costs well under 1% of a query. */
#define PROGRESS_OPS 1000
static int progress(void *ud)
{
	struct store_query *q = ud;

	if (fw_ctx_cancelled(q->s->ctx)) {
		q->stop = STOP_CANCEL;
		return 1;
	}
	if (q->deadline_ns && fw_monotonic_ns() > q->deadline_ns) {
		q->stop = STOP_TIME;
		return 1;
	}
	return 0;
}

int store_set_query_limits(struct store *s, const struct store_query_limits *l)
{
	s->limits = *l;
	/* PostgreSQL: statement_timeout; rows arrive one at a time. */
	if (s->pg)
		return 0;
	/* Process-wide: fwbox runs one query per process.  The hard limit
	 * makes an allocation beyond it fail (SQLITE_NOMEM) instead of
	 * growing the heap. */
	if (sqlite3_hard_heap_limit64(l->memory_bytes > INT64_MAX ? INT64_MAX
								  : (sqlite3_int64)l->memory_bytes) < 0)
		return fw_error(s->ctx, -EINVAL, "cannot set the query memory limit");
	return 0;
}

void store_interrupt(struct store *s)
{
	if (s && s->pg)
		store_pg_interrupt(s);
	if (s && s->db)
		sqlite3_interrupt(s->db);
}

static int stopped_error(struct store_query *q, int rc)
{
	struct store *s = q->s;

	if ((rc & 0xff) == SQLITE_INTERRUPT && q->stop == STOP_TIME)
		return fw_error(s->ctx, -ETIME,
				"query stopped: it ran past its time limit of %llu ms (database '%s')",
				(unsigned long long)s->limits.time_ms, s->path);
	if ((rc & 0xff) == SQLITE_INTERRUPT)
		return fw_error(s->ctx, -EINTR, "query interrupted (database '%s')", s->path);
	if ((rc & 0xff) == SQLITE_NOMEM && s->limits.memory_bytes) {
		uint64_t m = s->limits.memory_bytes;

		return fw_error(s->ctx, -ENOMEM,
				"query stopped: it needs more than its memory limit of %llu %s (database '%s')",
				(unsigned long long)(m % (1u << 20) ? m : m >> 20),
				m % (1u << 20) ? "bytes" : "MiB", s->path);
	}
	if ((rc & 0xff) == SQLITE_TOOBIG)
		return fw_error(s->ctx, -ENOMEM, "query stopped: %s (database '%s')",
				sqlite3_errmsg(s->db), s->path);
	return store_sqlite_error(s, rc, "query failed");
}

/* Columns of the trace_events view, for queries that reach trace_ev
 * through trace_blocks (the time-window path) instead of the view. */
#define TRACE_COLUMNS                                                                   \
	"b.uuid AS bundle, b.device AS device, e.id - b.ev_first AS seq, e.ts AS timestamp, " \
	"(e.meta >> 8) & 1 AS lost, e.meta & 255 AS event_id, "                          \
	"CASE (e.meta >> 25) & 3 WHEN 0 THEN 'ring' WHEN 1 THEN 'text' ELSE 'saved' END " \
	"AS source, printf(f.text, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6) AS message, " \
	"CASE WHEN b.clock_khz > 0 THEN b.clock_utc_ns + CAST(round((e.ts - b.clock_device_ts) " \
	"* 1000000.0 / b.clock_khz) AS BIGINT) END AS utc_ns"
/* A window bound of the time-window queries in one bundle's device ticks:
 * an integer is ticks already; the text "utc:NS" is a UTC time in ns since
 * the epoch (what fwbox query binds for a time argument), turned into
 * ticks through the bundle's clock anchor (NULL without one: nothing of
 * the bundle matches). */
#define BOUND_TICKS(p)                                                                   \
	"CASE WHEN typeof(" p ") = 'text' THEN b.clock_device_ts + CAST(round((CAST(substr(" \
	p ", 5) AS INTEGER) - b.clock_utc_ns) * (b.clock_khz / 1000000.0)) AS BIGINT) "      \
	"ELSE " p " END"
/* The same in PostgreSQL, where every parameter arrives as text. */
#define PG_BOUND_TICKS(p)                                                                 \
	"CASE WHEN left(" p "::text, 4) = 'utc:' THEN b.clock_device_ts + round((substr("   \
	p "::text, 5)::numeric - b.clock_utc_ns) * b.clock_khz / 1000000.0)::bigint "        \
	"ELSE " p "::text::bigint END"
/* TRACE_COLUMNS in PostgreSQL (trace_ev has seq; the message from the
 * format's template, schema/pg/003). */
#define PG_TRACE_COLUMNS                                                                  \
	"b.uuid AS bundle, b.device AS device, e.seq AS seq, e.ts AS timestamp, "            \
	"(e.meta >> 8) & 1 AS lost, e.meta & 255 AS event_id, "                              \
	"CASE (e.meta >> 25) & 3 WHEN 0 THEN 'ring' WHEN 1 THEN 'text' ELSE 'saved' END "     \
	"AS source, fwbox_render(f.text, f.tmpl, f.spec, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, "\
	"e.p6) AS message, CASE WHEN b.clock_khz > 0 THEN b.clock_utc_ns + round((e.ts - "   \
	"b.clock_device_ts) * 1000000.0 / b.clock_khz)::bigint END AS utc_ns"
/* Each firmware message once: not a duplicate of another source's. */
#define TRACE_ONCE "(e.meta >> 27) & 1 = 0"
/* Messages a bundle holds, each once. */
#define BUNDLE_MESSAGES \
	"coalesce((SELECT sum(events) FROM trace_bundle_formats WHERE bundle = b.id), 0)"

/* PostgreSQL: the formats matching a search, by its own full-text search
 * (websearch_to_tsquery: "a phrase", a OR b, -word) over the 'simple'
 * configuration, where SQLite uses FTS5. */
#define PG_FTS                                                                          \
	"(SELECT id FROM trace_formats WHERE to_tsvector('simple', text) @@ "             \
	"websearch_to_tsquery('simple', ?1))"

/*
 * One meaning per column name across these results (fwbox-query(1)):
 * bundle is the bundle's UUID (what show, info and diff take), device the
 * card's id (devices.id: what list -d and trace-window take), identity the
 * card's identity text.
 */
static const struct store_named_query named[] = {
	{ "bundles", "", "every loaded bundle, newest first",
	  "SELECT b.uuid AS bundle, b.created, b.host, b.device, d.identity, b.fw_version, b.outcome, "
	  "b.reason, (SELECT count(*) FROM artifacts a WHERE a.bundle = b.id) AS artifacts, "
	  BUNDLE_MESSAGES " AS trace_events "
	  "FROM bundles b LEFT JOIN devices d ON d.id = b.device "
	  "ORDER BY b.created_ns DESC, b.id DESC" },
	{ "devices", "", "every card seen, with its number of captures",
	  "SELECT d.id AS device, d.identity, d.serial, d.psid, d.pci, d.host, d.model, "
	  "(SELECT count(*) FROM bundles b WHERE b.device = d.id) AS captures "
	  "FROM devices d ORDER BY d.id" },
	{ "fw-history", "", "firmware version of every capture per card; changed=1 marks an update (a card's first capture has changed=0)",
	  "SELECT device, identity, created, bundle_uuid AS bundle, fw_version, changed FROM fw_history "
	  "ORDER BY device, created" },
	{ "fw-changes", "", "only the captures where a card's firmware version changed",
	  "SELECT device, identity, created, bundle_uuid AS bundle, fw_version FROM fw_history "
	  "WHERE changed = 1 ORDER BY device, created" },
	{ "latest", "", "the latest capture of each card",
	  "SELECT device, identity, serial, psid, bundle_uuid AS bundle, created, fw_version, outcome "
	  "FROM latest_capture ORDER BY device" },
	{ "failed-steps", "", "collection steps that failed or were partial",
	  "SELECT f.bundle_uuid AS bundle, f.created, b.device, f.device AS identity, f.kind, "
	  "f.outcome, f.reason, f.err, f.status, f.syndrome FROM failed_steps f "
	  "JOIN bundles b ON b.uuid = f.bundle_uuid ORDER BY f.created, f.bundle_uuid, f.kind" },
	{ "trace-search", "TEXT",
	  "trace messages whose format matches an FTS5 query on the format text, each once",
	  /* The formats' events by id through their postings: no scan. */
	  "WITH p AS (SELECT tp.bundle AS bundle, b.ev_first + sum(j.value) OVER "
	  "(PARTITION BY tp.bundle, tp.chunk ORDER BY j.key) AS id "
	  "FROM trace_postings tp JOIN bundles b ON b.id = tp.bundle, json_each(tp.ids) j "
	  "WHERE tp.fmt IN (SELECT rowid FROM trace_formats_fts WHERE trace_formats_fts MATCH ?1)) "
	  "SELECT b.uuid AS bundle, b.device AS device, e.id - b.ev_first AS seq, e.ts AS timestamp, "
	  "e.meta & 255 AS event_id, "
	  "CASE (e.meta >> 25) & 3 WHEN 0 THEN 'ring' WHEN 1 THEN 'text' ELSE 'saved' END AS source, "
	  "printf(f.text, e.p0, e.p1, e.p2, e.p3, e.p4, e.p5, e.p6) AS message "
	  "FROM p JOIN trace_ev e ON e.id = p.id JOIN bundles b ON b.id = p.bundle "
	  "JOIN trace_formats f ON f.id = e.fmt WHERE " TRACE_ONCE " ORDER BY b.id, e.id",
	  "SELECT b.uuid AS bundle, t.device, t.seq, t.timestamp, t.event_id, t.source, t.message "
	  "FROM trace_events t JOIN bundles b ON b.id = t.bundle "
	  "WHERE t.bundle IN (SELECT bundle FROM trace_bundle_formats WHERE fmt IN " PG_FTS ") "
	  "AND t.format IN " PG_FTS " ORDER BY t.bundle, t.seq" },
	{ "trace-cards", "TEXT",
	  "cards whose trace has messages matching an FTS5 query, with counts",
	  "SELECT b.device, d.identity, count(DISTINCT b.id) AS bundles, sum(bf.events) AS events, "
	  "min(b.created) AS first_seen, max(b.created) AS last_seen "
	  "FROM trace_bundle_formats bf JOIN bundles b ON b.id = bf.bundle "
	  "LEFT JOIN devices d ON d.id = b.device "
	  "WHERE bf.fmt IN (SELECT rowid FROM trace_formats_fts WHERE trace_formats_fts MATCH ?1) "
	  "GROUP BY b.device ORDER BY events DESC",
	  "SELECT b.device, d.identity, count(DISTINCT b.id) AS bundles, sum(bf.events) AS events, "
	  "min(b.created) AS first_seen, max(b.created) AS last_seen "
	  "FROM trace_bundle_formats bf JOIN bundles b ON b.id = bf.bundle "
	  "LEFT JOIN devices d ON d.id = b.device "
	  "WHERE bf.fmt IN " PG_FTS " GROUP BY b.device, d.identity ORDER BY events DESC" },
	{ "trace-count", "",
	  "trace messages per bundle (each once), and records of every source",
	  "SELECT b.uuid AS bundle, " BUNDLE_MESSAGES " AS trace_events, "
	  "coalesce(b.ev_last - b.ev_first + 1, 0) AS trace_records "
	  "FROM bundles b ORDER BY b.id" },
	{ "trace-cross-card", "",
	  "trace formats seen on more than one card, with the cards, captures and messages",
	  "SELECT f.id AS format, f.text, count(DISTINCT b.device) AS cards, "
	  "count(DISTINCT bf.bundle) AS captures, sum(bf.events) AS events "
	  "FROM trace_bundle_formats bf JOIN bundles b ON b.id = bf.bundle "
	  "JOIN trace_formats f ON f.id = bf.fmt "
	  "WHERE bf.text = 0 AND b.device IS NOT NULL "
	  "GROUP BY f.id, f.text HAVING count(DISTINCT b.device) > 1 "
	  "ORDER BY cards DESC, events DESC, f.id",
	  /* PostgreSQL's schema has no text column (no text matching there yet). */
	  "SELECT f.id AS format, f.text, count(DISTINCT b.device) AS cards, "
	  "count(DISTINCT bf.bundle) AS captures, sum(bf.events) AS events "
	  "FROM trace_bundle_formats bf JOIN bundles b ON b.id = bf.bundle "
	  "JOIN trace_formats f ON f.id = bf.fmt WHERE b.device IS NOT NULL "
	  "GROUP BY f.id, f.text HAVING count(DISTINCT b.device) > 1 "
	  "ORDER BY cards DESC, events DESC, f.id" },
	{ "trace-new", "",
	  "trace formats of each capture that the previous capture of the same card lacked",
	  "WITH p AS (SELECT id, device, created, created_ns, uuid, lag(id) OVER "
	  "(PARTITION BY device ORDER BY created_ns, id) AS prev FROM bundles "
	  "WHERE device IS NOT NULL) "
	  "SELECT p.device, d.identity, p.uuid AS bundle, p.created, f.id AS format, "
	  "f.text, bf.events, "
	  "printf(f.text, x.p0, x.p1, x.p2, x.p3, x.p4, x.p5, x.p6) AS example "
	  "FROM p JOIN devices d ON d.id = p.device "
	  "JOIN trace_bundle_formats bf ON bf.bundle = p.id AND bf.text = 0 "
	  "JOIN trace_formats f ON f.id = bf.fmt JOIN trace_ev x ON x.id = bf.first_event "
	  "WHERE p.prev IS NOT NULL AND NOT EXISTS (SELECT 1 FROM trace_bundle_formats q "
	  "WHERE q.bundle = p.prev AND q.fmt = bf.fmt) "
	  "ORDER BY d.identity, p.created_ns, p.id, f.text",
	  "WITH p AS (SELECT id, device, created, created_ns, uuid, lag(id) OVER "
	  "(PARTITION BY device ORDER BY created_ns, id) AS prev FROM bundles "
	  "WHERE device IS NOT NULL) "
	  "SELECT p.device, d.identity, p.uuid AS bundle, p.created, f.id AS format, "
	  "f.text, bf.events, "
	  "(SELECT fwbox_render(f.text, f.tmpl, f.spec, x.p0, x.p1, x.p2, x.p3, x.p4, x.p5, x.p6) "
	  "FROM trace_ev x WHERE x.bundle = p.id AND x.fmt = bf.fmt ORDER BY x.seq LIMIT 1) "
	  "AS example "
	  "FROM p JOIN devices d ON d.id = p.device "
	  "JOIN trace_bundle_formats bf ON bf.bundle = p.id "
	  "JOIN trace_formats f ON f.id = bf.fmt "
	  "WHERE p.prev IS NOT NULL AND NOT EXISTS (SELECT 1 FROM trace_bundle_formats q "
	  "WHERE q.bundle = p.prev AND q.fmt = bf.fmt) "
	  "ORDER BY d.identity, p.created_ns, p.id, f.text" },
	{ "trace-window", "DEVICE FROM TO",
	  "trace events of one card (devices.id) with FROM <= timestamp <= TO",
	  "WITH w AS (SELECT b.id AS id, " BOUND_TICKS("?2") " AS lo, " BOUND_TICKS("?3") " AS hi "
	  "FROM bundles b WHERE b.device = ?1) "
	  "SELECT " TRACE_COLUMNS " FROM w JOIN bundles b ON b.id = w.id "
	  "JOIN trace_blocks k ON k.bundle = b.id AND k.ts_lo BETWEEN w.lo - b.blk_span AND w.hi "
	  "AND k.ts_hi >= w.lo "
	  "JOIN trace_ev e ON e.id BETWEEN k.id_lo AND k.id_hi "
	  "JOIN trace_formats f ON f.id = e.fmt "
	  "WHERE e.ts BETWEEN w.lo AND w.hi AND " TRACE_ONCE " ORDER BY b.id, e.id",
	  "WITH w AS (SELECT b.id AS id, " PG_BOUND_TICKS("$2") " AS lo, " PG_BOUND_TICKS("$3")
	  " AS hi FROM bundles b WHERE b.device = $1) "
	  "SELECT " PG_TRACE_COLUMNS " FROM w JOIN bundles b ON b.id = w.id "
	  "JOIN trace_ev e ON e.bundle = b.id AND e.ts BETWEEN w.lo AND w.hi "
	  "JOIN trace_formats f ON f.id = e.fmt ORDER BY b.id, e.seq" },
	{ "trace-top", "SINCE UNTIL",
	  "trace formats by number of messages between two times, across every card",
	  "WITH w AS (SELECT b.id AS id, " BOUND_TICKS("?1") " AS lo, " BOUND_TICKS("?2") " AS hi "
	  "FROM bundles b WHERE b.ev_first IS NOT NULL) "
	  "SELECT f.id AS format, f.text, count(*) AS events, count(DISTINCT b.device) AS cards, "
	  "count(DISTINCT b.id) AS captures "
	  "FROM w JOIN bundles b ON b.id = w.id "
	  "JOIN trace_blocks k ON k.bundle = b.id AND k.ts_lo BETWEEN w.lo - b.blk_span AND w.hi "
	  "AND k.ts_hi >= w.lo "
	  "JOIN trace_ev e ON e.id BETWEEN k.id_lo AND k.id_hi "
	  "JOIN trace_formats f ON f.id = e.fmt "
	  "WHERE e.ts BETWEEN w.lo AND w.hi AND " TRACE_ONCE " "
	  "GROUP BY f.id, f.text ORDER BY events DESC, f.text, f.id",
	  "WITH w AS (SELECT b.id AS id, " PG_BOUND_TICKS("$1") " AS lo, " PG_BOUND_TICKS("$2")
	  " AS hi FROM bundles b WHERE b.ev_first IS NOT NULL) "
	  "SELECT f.id AS format, f.text, count(*) AS events, count(DISTINCT b.device) AS cards, "
	  "count(DISTINCT b.id) AS captures "
	  "FROM w JOIN bundles b ON b.id = w.id "
	  "JOIN trace_ev e ON e.bundle = b.id AND e.ts BETWEEN w.lo AND w.hi "
	  "JOIN trace_formats f ON f.id = e.fmt "
	  "GROUP BY f.id, f.text ORDER BY events DESC, f.text, f.id" },
	{ "artifacts", "BUNDLE", "the steps of one bundle (UUID or unique prefix) with their outcome",
	  "SELECT a.seq, a.kind, a.path, a.size, a.outcome, a.reason FROM artifacts a "
	  "JOIN bundles b ON b.id = a.bundle WHERE b.uuid = ?1 ORDER BY a.seq" },
};

/* The SQL of a named query in the dialect of s's back-end. */
static const char *named_sql_for(const struct store *s, const char *sql)
{
	for (size_t i = 0; s->pg && i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].sql_pg && (sql == named[i].sql || !strcmp(sql, named[i].sql)))
			return named[i].sql_pg;
	return sql;
}

const struct store_named_query *store_named_query_find(const char *name)
{
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcmp(named[i].name, name))
			return &named[i];
	return NULL;
}

size_t store_named_query_count(void)
{
	return sizeof(named) / sizeof(named[0]);
}

const struct store_named_query *store_named_query_at(size_t i)
{
	return i < store_named_query_count() ? &named[i] : NULL;
}

int store_query_prepare(struct store *s, const char *sql, struct store_query **ret)
{
	struct store_query *q;
	const char *tail = NULL;
	int rc, r;

	q = calloc(1, sizeof(*q));
	if (!q)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	q->s = s;
	if (s->pg) {
		r = store_pg_query_prepare(s, named_sql_for(s, sql), &q->pg);
		if (r < 0)
			goto free_query;
		*ret = q;
		return 0;
	}
	s->denied_attach = false;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &q->st, &tail);
	if (rc != SQLITE_OK && s->denied_attach) {
		r = fw_error(s->ctx, -EPERM, "ATTACH and DETACH are refused: a query reads the "
			     "history database '%s' and nothing else", s->path);
		goto free_query;
	}
	if (rc != SQLITE_OK) {
		r = store_sqlite_error(s, rc, "bad query");
		goto free_query;
	}
	if (!q->st) {
		r = fw_error(s->ctx, -EINVAL, "empty query");
		goto free_query;
	}
	for (; tail && *tail; tail++) {
		if (!isspace((unsigned char)*tail) && *tail != ';') {
			r = fw_error(s->ctx, -EINVAL, "more than one statement in the query "
				     "(at '%.20s'): give one statement", tail);
			goto free_query;
		}
	}
	/* query_only already stops writes on a read-only store; this check
	 * gives the user a clear message before anything runs. */
	if (s->readonly && !sqlite3_stmt_readonly(q->st)) {
		r = fw_error(s->ctx, -EPERM, "the query would change the database; "
			     "the history is opened read-only for queries");
		goto free_query;
	}
	*ret = q;
	return 0;

free_query:
	store_query_free(q);
	return r;
}

int store_query_bind_text(struct store_query *q, int i, const char *v)
{
	int rc;

	if (q->pg)
		return store_pg_query_bind(q->pg, i, v);
	rc = sqlite3_bind_text(q->st, i, v, -1, SQLITE_TRANSIENT);

	if (rc != SQLITE_OK)
		return store_sqlite_error(q->s, rc, "cannot bind a query parameter");
	return 0;
}

int store_query_bind_int(struct store_query *q, int i, int64_t v)
{
	int rc;

	if (q->pg) {
		char t[24];

		snprintf(t, sizeof(t), "%lld", (long long)v);
		return store_pg_query_bind(q->pg, i, t);
	}
	rc = sqlite3_bind_int64(q->st, i, v);

	if (rc != SQLITE_OK)
		return store_sqlite_error(q->s, rc, "cannot bind a query parameter");
	return 0;
}

int store_query_param_count(struct store_query *q)
{
	if (q->pg)
		return store_pg_query_param_count(q->pg);
	return sqlite3_bind_parameter_count(q->st);
}

int store_query_step(struct store_query *q)
{
	int rc;

	if (q->pg)
		return store_pg_query_step(q->pg);
	if (fw_ctx_cancelled(q->s->ctx))
		return fw_error(q->s->ctx, -EINTR, "query interrupted (database '%s')", q->s->path);
	if (!q->deadline_ns && q->s->limits.time_ms)
		q->deadline_ns = fw_monotonic_ns() + q->s->limits.time_ms * 1000000ull;
	if (q->deadline_ns && fw_monotonic_ns() > q->deadline_ns) {
		q->stop = STOP_TIME;
		return stopped_error(q, SQLITE_INTERRUPT);
	}
	q->stop = STOP_NONE;
	sqlite3_progress_handler(q->s->db, PROGRESS_OPS, progress, q);
	rc = sqlite3_step(q->st);
	sqlite3_progress_handler(q->s->db, 0, NULL, NULL);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return stopped_error(q, rc);
}

int store_query_column_count(struct store_query *q)
{
	if (q->pg)
		return store_pg_query_column_count(q->pg);
	return sqlite3_column_count(q->st);
}

const char *store_query_column_name(struct store_query *q, int i)
{
	if (q->pg)
		return store_pg_query_column_name(q->pg, i);
	return sqlite3_column_name(q->st, i);
}

enum store_value_type store_query_column_type(struct store_query *q, int i)
{
	if (q->pg)
		return store_pg_query_column_type(q->pg, i);
	switch (sqlite3_column_type(q->st, i)) {
	case SQLITE_INTEGER:
		return STORE_INTEGER;
	case SQLITE_FLOAT:
		return STORE_FLOAT;
	case SQLITE_TEXT:
		return STORE_TEXT;
	case SQLITE_BLOB:
		return STORE_BLOB;
	default:
		return STORE_NULL;
	}
}

int64_t store_query_column_int(struct store_query *q, int i)
{
	if (q->pg)
		return store_pg_query_column_int(q->pg, i);
	return sqlite3_column_int64(q->st, i);
}

double store_query_column_double(struct store_query *q, int i)
{
	if (q->pg)
		return store_pg_query_column_double(q->pg, i);
	return sqlite3_column_double(q->st, i);
}

const char *store_query_column_text(struct store_query *q, int i)
{
	if (q->pg)
		return store_pg_query_column_text(q->pg, i);
	return (const char *)sqlite3_column_text(q->st, i);
}

const void *store_query_column_blob(struct store_query *q, int i, size_t *ret_len)
{
	const void *p;

	if (q->pg)
		return store_pg_query_column_blob(q->pg, i, ret_len);
	p = sqlite3_column_blob(q->st, i);

	*ret_len = (size_t)sqlite3_column_bytes(q->st, i);
	return p;
}

void store_query_free(struct store_query *q)
{
	if (!q)
		return;
	store_pg_query_free(q->pg);
	sqlite3_finalize(q->st);
	free(q);
}

/* find_one() through the back-end-neutral query API (PostgreSQL). */
static int find_one_q(struct store *s, const char *sql, const char *arg, const char *what,
		      int64_t *ret_id)
{
	struct store_query *q = NULL;
	int64_t id;
	int r;

	r = store_query_prepare(s, sql, &q);
	if (r < 0)
		return r;
	r = store_query_bind_text(q, 1, arg);
	if (r < 0)
		goto out;
	r = store_query_step(q);
	if (r == 0)
		r = fw_error(s->ctx, -ENOENT, "no bundle %s '%s' in '%s'", what, arg, s->path);
	if (r <= 0)
		goto out;
	id = store_query_column_int(q, 0);
	r = store_query_step(q);
	if (r > 0)
		r = fw_error(s->ctx, -EINVAL, "bundle %s '%s' is ambiguous: give more of it",
			     what, arg);
	if (r < 0)
		goto out;
	*ret_id = id;
out:
	store_query_free(q);
	return r;
}

static int find_one(struct store *s, const char *sql, const char *arg, const char *what,
		    int64_t *ret_id)
{
	sqlite3_stmt *st = NULL;
	int64_t id;
	int rc, r;

	if (s->pg) {
		/* Collation-proof prefix match on a server in any locale. */
		if (strstr(sql, "uuid >="))
			sql = "SELECT id FROM bundles WHERE starts_with(uuid, lower(?1)) LIMIT 2";
		return find_one_q(s, sql, arg, what, ret_id);
	}

	r = store_prepare(s, sql, &st);
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		r = fw_error(s->ctx, -ENOENT, "no bundle %s '%s' in '%s'", what, arg, s->path);
		goto finalize;
	}
	if (rc != SQLITE_ROW) {
		r = store_sqlite_error(s, rc, "cannot look up a bundle");
		goto finalize;
	}
	id = sqlite3_column_int64(st, 0);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r = fw_error(s->ctx, -EINVAL, "bundle %s '%s' is ambiguous: give more of it",
			     what, arg);
		goto finalize;
	}
	*ret_id = id;
	r = 0;
finalize:
	sqlite3_finalize(st);
	return r;
}

int store_find_bundle(struct store *s, const char *key, int64_t *ret_id)
{
	size_t n = strlen(key);

	if (n == 64)
		return find_one(s, "SELECT id FROM bundles WHERE sha256 = lower(?1)", key, "SHA-256",
				ret_id);
	if (n < 8 || n > 36 || strspn(key, "0123456789abcdefABCDEF-") != n)
		return fw_error(s->ctx, -EINVAL, "'%s' is neither a bundle UUID (or a prefix of at "
				"least 8 characters) nor a SHA-256", key);
	return find_one(s, "SELECT id FROM bundles WHERE uuid >= lower(?1) AND "
			"uuid < lower(?1) || 'g' LIMIT 2", key, "UUID", ret_id);
}

int store_find_bundle_sha(struct store *s, const uint8_t sha[FW_SHA256_LEN], int64_t *ret_id)
{
	char hex[FW_SHA256_HEX];

	fw_sha256_hex(sha, hex);
	return find_one(s, "SELECT id FROM bundles WHERE sha256 = ?1", hex, "SHA-256", ret_id);
}

int store_previous_capture(struct store *s, int64_t id, int64_t *ret_prev)
{
	sqlite3_stmt *st;
	int rc, r;

	if (s->pg) {
		PGresult *res = NULL;
		char v[24];
		const char *p = v;

		snprintf(v, sizeof(v), "%lld", (long long)id);
		r = store_pg_select(s, "SELECT p.id FROM bundles b JOIN bundles p ON p.device = b.device "
				    "WHERE b.id = $1::bigint AND p.id <> b.id AND (p.created_ns < "
				    "b.created_ns OR (p.created_ns = b.created_ns AND p.id < b.id)) "
				    "ORDER BY p.created_ns DESC, p.id DESC LIMIT 1", 1, &p,
				    "cannot look up the previous capture", &res);
		if (r < 0)
			return r;
		if (PQntuples(res))
			*ret_prev = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		else
			r = -ENOENT;
		PQclear(res);
		return r;
	}
	r = store_prepare(s, "SELECT p.id FROM bundles b JOIN bundles p ON p.device = b.device "
			  "WHERE b.id = ?1 AND p.id <> b.id AND (p.created_ns < b.created_ns OR "
			  "(p.created_ns = b.created_ns AND p.id < b.id)) "
			  "ORDER BY p.created_ns DESC, p.id DESC LIMIT 1", &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret_prev = sqlite3_column_int64(st, 0);
		r = 0;
	} else if (rc == SQLITE_DONE) {
		r = -ENOENT;
	} else {
		r = store_sqlite_error(s, rc, "cannot look up the previous capture");
	}
	sqlite3_finalize(st);
	return r;
}

static char *col_dup(sqlite3_stmt *st, int i, bool *oom)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	char *d;

	if (!t)
		return NULL;
	d = strdup((const char *)t);
	if (!d)
		*oom = true;
	return d;
}

static int bundle_info_q(struct store *s, int64_t id, char **ret_uuid, char **ret_created,
			 char **ret_file)
{
	struct store_query *q = NULL;
	char **out[3] = { ret_uuid, ret_created, ret_file };
	char *v[3] = { NULL, NULL, NULL };
	int r;

	r = store_query_prepare(s, "SELECT uuid, created, file FROM bundles WHERE id = ?1", &q);
	if (r < 0)
		return r;
	r = store_query_bind_int(q, 1, id);
	if (r >= 0)
		r = store_query_step(q);
	if (r == 0)
		r = fw_error(s->ctx, -ENOENT, "no bundle with id %lld in the history", (long long)id);
	for (int i = 0; i < 3 && r > 0; i++) {
		const char *t = store_query_column_text(q, i);

		if (t && !(v[i] = strdup(t)))
			r = fw_error(s->ctx, -ENOMEM, "out of memory");
	}
	store_query_free(q);
	for (int i = 0; i < 3; i++) {
		if (r > 0 && out[i])
			*out[i] = v[i];
		else
			free(v[i]);
	}
	return r < 0 ? r : 0;
}

int store_bundle_info(struct store *s, int64_t id, char **ret_uuid, char **ret_created,
		      char **ret_file)
{
	sqlite3_stmt *st;
	bool oom = false;
	char *u, *c, *f;
	int rc, r;

	if (s->pg)
		return bundle_info_q(s, id, ret_uuid, ret_created, ret_file);
	r = store_prepare(s, "SELECT uuid, created, file FROM bundles WHERE id = ?1", &st);
	if (r < 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? fw_error(s->ctx, -ENOENT, "no bundle with id %lld in the history",
						 (long long)id)
				      : store_sqlite_error(s, rc, "cannot read the bundle row");
		sqlite3_finalize(st);
		return r;
	}
	u = col_dup(st, 0, &oom);
	c = col_dup(st, 1, &oom);
	f = col_dup(st, 2, &oom);
	sqlite3_finalize(st);
	if (oom) {
		free(u);
		free(c);
		free(f);
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	}
	if (ret_uuid)
		*ret_uuid = u;
	else
		free(u);
	if (ret_created)
		*ret_created = c;
	else
		free(c);
	if (ret_file)
		*ret_file = f;
	else
		free(f);
	return 0;
}
