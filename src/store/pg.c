/* SPDX-License-Identifier: MIT */
/*
 * store, PostgreSQL back-end: the connection, the schema, the row sinks of
 * the shared loader (load.c) and read-only queries, through libpq.
 *
 * Connection: the --db string goes to libpq as it is (PQconnectdbParams
 * with expand_dbname), so PG* variables, the service file, .pgpass and
 * sslmode apply.  s->path holds store_target_display()'s form of it,
 * without a password, and that is all any message quotes.
 *
 * Loading (one bundle, one transaction):
 *  - the month partition of trace_ev the bundle's events go to is made
 *    first, outside the transaction, by fwbox_trace_partition() (SECURITY
 *    DEFINER: a loader role needs no CREATE right);
 *  - BEGIN; the device row (INSERT .. ON CONFLICT DO NOTHING, then SELECT:
 *    no row lock is held on a card another loader is loading too); the
 *    bundle row with ON CONFLICT DO NOTHING: a loader racing another on the
 *    same UUID or SHA-256 waits on the unique index until the first commits
 *    (then inserts nothing: "already loaded") or rolls back (then proceeds);
 *  - trace events stream into COPY trace_ev FROM STDIN; the other rows of
 *    the bundle (artifacts, fields, CR-space, segments, health) are
 *    buffered in COPY text form and sent with one COPY per table at commit;
 *  - at commit, the formats the bundle used are inserted in ascending id
 *    order with ON CONFLICT DO NOTHING (every loader takes their index
 *    entries in the same order, so two loaders cannot deadlock on them),
 *    then the per-format counts, the bundle row's outcome, COMMIT.
 *  A loader killed at any point leaves nothing: the server rolls back the
 *  transaction of a connection that went away.
 *
 * Queries run in a READ ONLY transaction with SET LOCAL statement_timeout,
 * in single-row mode (the client holds one row at a time).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/buf.h"
#include "core/limits.h"
#include "store/store-internal.h"

/* pg_advisory_xact_lock key of schema changes: "fwbx" and 1. */
#define PG_LOCK_SCHEMA "28841712428253185"

/* Flush the event COPY stream to libpq in pieces of this size. */
#define PG_COPY_CHUNK (256u * 1024u)

enum pg_table {
	PGT_ARTIFACTS,
	PGT_FIELDS,
	PGT_CHUNKS,
	PGT_SEGMENTS,
	PGT_HEALTH,
	PGT_FORMAT_COUNTS,
	PGT_COUNT,
};

static const char *const pg_copy_sql[PGT_COUNT] = {
	[PGT_ARTIFACTS] = "COPY artifacts(bundle, seq, kind, path, size, sha256, outcome, reason, "
			  "err, status, syndrome, start_ns, end_ns, interface) FROM STDIN",
	/* Through a staging table: a second value of one field in a bundle
	 * is ignored, as on SQLite (COPY has no ON CONFLICT). */
	[PGT_FIELDS] = "COPY fw_fields(bundle, register, instance, field, value, enum_name) "
		       "FROM STDIN",
	[PGT_CHUNKS] = "COPY crspace_chunks(bundle, source, addr, data) FROM STDIN",
	[PGT_SEGMENTS] = "COPY segments(bundle, seq, dump, segment_type, name, index1, index2, "
			 "size, data) FROM STDIN",
	[PGT_HEALTH] = "COPY health(bundle, seq, source, item, value) FROM STDIN",
	[PGT_FORMAT_COUNTS] = "COPY trace_bundle_formats(bundle, fmt, events, first_event) "
			      "FROM STDIN",
};

struct pg_format {
	int64_t id;
	char *text;
};

struct store_pg_load {
	struct store *s;
	int64_t bundle_id;
	int64_t created_ns;
	bool in_tx, copying;
	struct fw_buf ev;              /* COPY text of events not yet handed to libpq */
	struct fw_buf rows[PGT_COUNT];
	struct pg_format *fmts;        /* formats the bundle used, to insert at commit */
	size_t nfmts, fmt_cap;
};

/* ------------------------------------------------------------ errors */

static void chomp(char *m)
{
	for (size_t l = strlen(m); l && isspace((unsigned char)m[l - 1]); l--)
		m[l - 1] = '\0';
}

/* The error of a result (or of the connection when res is NULL) as
 * "what: server message (database 'DISPLAY')", with an errno by SQLSTATE. */
static int pg_error(struct store *s, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char msg[512];
	int err = -EIO;

	snprintf(msg, sizeof(msg), "%s", res && *PQresultErrorMessage(res) ?
		 PQresultErrorMessage(res) : PQerrorMessage(s->pg));
	chomp(msg);
	if (!strncmp(msg, "ERROR:  ", 8))
		memmove(msg, msg + 8, strlen(msg + 8) + 1);
	if (state) {
		if (!strcmp(state, "25006") || !strcmp(state, "42501"))
			err = -EPERM;
		else if (!strcmp(state, "57014"))
			err = s->pg_interrupted ? -EINTR : -ETIME;
		else if (!strcmp(state, "40P01") || !strcmp(state, "40001"))
			err = -EDEADLK;
		else if (!strcmp(state, "23505"))
			err = -EEXIST;
		else if (!strncmp(state, "53", 2))
			err = !strcmp(state, "53100") ? -ENOSPC : -ENOMEM;
		else if (!strncmp(state, "08", 2))
			err = -ECONNRESET;
		else if (!strncmp(state, "42", 2) || !strncmp(state, "22", 2))
			err = -EINVAL;
	} else if (PQstatus(s->pg) != CONNECTION_OK) {
		err = -ECONNRESET;
	}
	if (err == -ETIME)
		return fw_error(s->ctx, err, "query stopped: it ran past its time limit of %llu ms "
				"(database '%s')", (unsigned long long)s->limits.time_ms, s->path);
	if (err == -EINTR)
		return fw_error(s->ctx, err, "query interrupted (database '%s')", s->path);
	return fw_error(s->ctx, err, "%s: %s (database '%s')", what, msg, s->path);
}

int store_pg_exec(struct store *s, const char *sql)
{
	PGresult *res = PQexec(s->pg, sql);
	ExecStatusType st = PQresultStatus(res);
	int r = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		r = pg_error(s, res, "cannot run SQL");
	PQclear(res);
	return r;
}

/* Run a statement with text parameters; *ret_res (optional) keeps its
 * result, which the caller clears. */
static int pg_params(struct store *s, const char *sql, int n, const char *const *v,
		     const char *what, PGresult **ret_res)
{
	PGresult *res = PQexecParams(s->pg, sql, n, NULL, v, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		int r = pg_error(s, res, what);

		PQclear(res);
		return r;
	}
	if (ret_res)
		*ret_res = res;
	else
		PQclear(res);
	return 0;
}

/* The library never prints: notices (e.g. "relation exists, skipping")
 * are dropped. */
static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* ------------------------------------------------------------ schema */

int store_pg_schema_latest(void)
{
	return store_pg_migrations[store_pg_migrations_count - 1].version;
}

int store_pg_schema_version(struct store *s)
{
	PGresult *res = NULL;
	int r, v = 0;

	r = pg_params(s, "SELECT to_regclass('fwbox_schema') IS NOT NULL", 0, NULL,
		      "cannot read the schema version", &res);
	if (r < 0)
		return r;
	if (strcmp(PQgetvalue(res, 0, 0), "t")) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	r = pg_params(s, "SELECT coalesce(max(version), 0) FROM fwbox_schema", 0, NULL,
		      "cannot read the schema version", &res);
	if (r < 0)
		return r;
	v = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

/* Apply the migrations newer than the database's version, in one
 * transaction under an advisory lock: two loaders opening a new database at
 * once do not both create the tables.  Nothing is attempted when the schema
 * is current, so a loader role without CREATE rights opens it. */
static int pg_migrate(struct store *s)
{
	char ver[16];
	const char *v[2];
	int version, r;

	r = store_pg_schema_version(s);
	if (r < 0)
		return r;
	if (r > store_pg_schema_latest())
		return fw_error(s->ctx, -EPROTONOSUPPORT, "database '%s' has schema version %d, "
				"newer than this fwbox knows (%d): use a newer fwbox", s->path, r,
				store_pg_schema_latest());
	if (r == store_pg_schema_latest())
		return 0;
	r = store_pg_exec(s, "BEGIN");
	if (r < 0)
		return r;
	r = store_pg_exec(s, "SELECT pg_advisory_xact_lock(" PG_LOCK_SCHEMA ")");
	if (r < 0)
		goto rollback;
	r = store_pg_exec(s, "CREATE TABLE IF NOT EXISTS fwbox_schema ("
			  "version integer PRIMARY KEY, name text NOT NULL, "
			  "applied timestamptz NOT NULL DEFAULT now())");
	if (r < 0)
		goto rollback;
	r = store_pg_schema_version(s);
	if (r < 0)
		goto rollback;
	version = r;
	for (size_t i = 0; i < store_pg_migrations_count; i++) {
		const struct store_migration *m = &store_pg_migrations[i];

		if (m->version <= version)
			continue;
		r = store_pg_exec(s, m->sql);
		if (r < 0) {
			fw_error_prefix(s->ctx, r, "schema file 'pg/%s'", m->name);
			goto rollback;
		}
		snprintf(ver, sizeof(ver), "%d", m->version);
		v[0] = ver;
		v[1] = m->name;
		r = pg_params(s, "INSERT INTO fwbox_schema(version, name) VALUES ($1, $2)", 2, v,
			      "cannot record the schema version", NULL);
		if (r < 0)
			goto rollback;
	}
	r = store_pg_exec(s, "COMMIT");
	if (r < 0)
		goto rollback;
	return 0;
rollback:
	PQclear(PQexec(s->pg, "ROLLBACK"));
	return r;
}

int store_pg_open(struct store *s, const char *target)
{
	const char *const kw[] = { "dbname", "fallback_application_name", NULL };
	const char *const val[] = { target, "fwbox", NULL };
	char msg[512];
	int r;

	s->pg = PQconnectdbParams(kw, val, 1);
	if (!s->pg)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	if (PQstatus(s->pg) != CONNECTION_OK) {
		/* libpq's message names the server and the user, never the
		 * password. */
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(s->pg));
		chomp(msg);
		return fw_error(s->ctx, -ECONNREFUSED, "cannot connect to the PostgreSQL history "
				"'%s': %s", s->path, msg);
	}
	PQsetNoticeProcessor(s->pg, pg_quiet, NULL);
	s->pg_cancel = PQgetCancel(s->pg);
	r = store_pg_exec(s, "SET client_min_messages = warning");
	if (r < 0)
		return r;
	if (s->readonly) {
		r = store_pg_schema_version(s);
		if (r < 0)
			return r;
		if (r == 0)
			return fw_error(s->ctx, -ENOENT, "'%s' is not a fwbox history database "
					"(no schema): load a bundle into it first", s->path);
		if (r > store_pg_schema_latest())
			return fw_error(s->ctx, -EPROTONOSUPPORT, "database '%s' has schema version "
					"%d, newer than this fwbox knows (%d)", s->path, r,
					store_pg_schema_latest());
		/* An older schema: the queries use what the newer versions
		 * add, so upgrade it as a loader would (a reader role that
		 * may not is told what to do). */
		if (r < store_pg_schema_latest()) {
			int old = r;

			r = pg_migrate(s);
			if (r < 0)
				return fw_error_prefix(s->ctx, r, "database '%s' has schema version "
						       "%d and this fwbox reads version %d; upgrading "
						       "it failed (load a bundle into it once as its "
						       "owner)", s->path, old, store_pg_schema_latest());
		}
		return 0;
	}
	return pg_migrate(s);
}

void store_pg_close(struct store *s)
{
	if (s->pg_cancel)
		PQfreeCancel(s->pg_cancel);
	if (s->pg)
		PQfinish(s->pg);
	s->pg_cancel = NULL;
	s->pg = NULL;
}

void store_pg_interrupt(struct store *s)
{
	char err[256];

	s->pg_interrupted = 1;
	/* PQcancel is safe in a signal handler (libpq manual, "Canceling
	 * Queries in Progress"). */
	if (s->pg_cancel)
		PQcancel(s->pg_cancel, err, sizeof(err));
}

/* ------------------------------------------------------------ COPY text */

static int put_i64(struct fw_buf *b, int64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%" PRId64, v);

	return fw_buf_put(b, t, (size_t)n);
}

/* A text field of COPY's text format: backslash, tab, newline and CR
 * escaped; NULL as \N. */
static int put_text(struct fw_buf *b, const char *v)
{
	int r = 0;

	if (!v)
		return fw_buf_put(b, "\\N", 2);
	for (const char *p = v; *p && r >= 0; p++) {
		switch (*p) {
		case '\\':
			r = fw_buf_put(b, "\\\\", 2);
			break;
		case '\t':
			r = fw_buf_put(b, "\\t", 2);
			break;
		case '\n':
			r = fw_buf_put(b, "\\n", 2);
			break;
		case '\r':
			r = fw_buf_put(b, "\\r", 2);
			break;
		default:
			r = fw_buf_putc(b, (uint8_t)*p);
		}
	}
	return r;
}

/* bytea in COPY text: "\\x" and hex (the backslash itself escaped). */
static int put_bytea(struct fw_buf *b, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = data;
	uint8_t *o;
	int r;

	if (!data)
		return fw_buf_put(b, "\\N", 2);
	r = fw_buf_reserve(b, 3 + 2 * len);
	if (r < 0)
		return r;
	o = b->data + b->len;
	*o++ = '\\';
	*o++ = '\\';
	*o++ = 'x';
	for (size_t i = 0; i < len; i++) {
		*o++ = (uint8_t)hex[p[i] >> 4];
		*o++ = (uint8_t)hex[p[i] & 15];
	}
	b->len += 3 + 2 * len;
	return 0;
}

static int tab(struct fw_buf *b)
{
	return fw_buf_putc(b, '\t');
}

static int eol(struct fw_buf *b)
{
	return fw_buf_putc(b, '\n');
}

static int oom(struct store_pg_load *l)
{
	return fw_error(l->s->ctx, -ENOMEM, "out of memory");
}

/* One whole COPY of the bytes of data into a table. */
static int pg_copy(struct store *s, const char *sql, const struct fw_buf *data)
{
	PGresult *res;
	int r = 0;

	if (!data->len)
		return 0;
	res = PQexec(s->pg, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		r = pg_error(s, res, "cannot start a COPY");
		PQclear(res);
		return r;
	}
	PQclear(res);
	for (size_t off = 0; off < data->len; off += PG_COPY_CHUNK) {
		size_t n = data->len - off < PG_COPY_CHUNK ? data->len - off : PG_COPY_CHUNK;

		if (PQputCopyData(s->pg, (const char *)data->data + off, (int)n) != 1) {
			PQputCopyEnd(s->pg, "fwbox: send failed");
			break;
		}
	}
	if (PQputCopyEnd(s->pg, NULL) != 1)
		r = pg_error(s, NULL, "cannot finish a COPY");
	while ((res = PQgetResult(s->pg))) {
		if (!r && PQresultStatus(res) != PGRES_COMMAND_OK)
			r = pg_error(s, res, "cannot record the bundle's rows");
		PQclear(res);
	}
	return r;
}

/* ------------------------------------------------------------ loading */

int store_pg_load_begin(struct store *s, const struct store_pg_bundle *b,
			struct store_pg_load **ret, int64_t *ret_bundle_id)
{
	struct store_pg_load *l;
	PGresult *res = NULL;
	char created_ns[24], vendor[4][16], format_version[16], file_size[24], device_id[24];
	const char *v[17];
	const struct bundle_device *d = b->info->device;
	const struct bundle_header *h = b->info->header;
	int r;

	l = calloc(1, sizeof(*l));
	if (!l)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	l->s = s;
	l->created_ns = (int64_t)h->created_ns;
	fw_buf_init(&l->ev, 0);
	for (int i = 0; i < PGT_COUNT; i++)
		fw_buf_init(&l->rows[i], 0);
	snprintf(created_ns, sizeof(created_ns), "%" PRId64, l->created_ns);

	/* The partition first, committed on its own (it outlives a rolled
	 * back bundle, as an empty table). */
	v[0] = created_ns;
	r = pg_params(s, "SELECT fwbox_trace_partition($1)", 1, v,
		      "cannot make the trace partition of the bundle's month", NULL);
	if (r < 0)
		goto fail;
	r = store_pg_exec(s, "BEGIN");
	if (r < 0)
		goto fail;
	l->in_tx = true;
	device_id[0] = '\0';
	if (d) {
		snprintf(vendor[0], sizeof(vendor[0]), "%u", (unsigned)d->vendor_id);
		snprintf(vendor[1], sizeof(vendor[1]), "%u", (unsigned)d->device_id);
		snprintf(vendor[2], sizeof(vendor[2]), "%u", (unsigned)d->subsys_vendor_id);
		snprintf(vendor[3], sizeof(vendor[3]), "%u", (unsigned)d->subsys_device_id);
		v[0] = b->identity;
		v[1] = d->serial;
		v[2] = d->psid;
		v[3] = d->board_id;
		v[4] = d->pci;
		v[5] = h->host;
		v[6] = vendor[0];
		v[7] = vendor[1];
		v[8] = vendor[2];
		v[9] = vendor[3];
		v[10] = d->model;
		/* DO NOTHING, then SELECT in a statement of its own: its
		 * snapshot sees a card another loader committed while this
		 * INSERT waited on it (one statement's would not).  No lock is
		 * taken on a committed card row, so loads of a card do not
		 * queue on each other. */
		for (int attempt = 0; attempt < 3; attempt++) {
			r = pg_params(s, "INSERT INTO devices(identity, serial, psid, board_id, pci, "
				      "host, vendor_id, device_id, subsys_vendor_id, subsys_device_id, "
				      "model) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
				      "ON CONFLICT (identity) DO NOTHING RETURNING id", 11, v,
				      "cannot record the device", &res);
			if (r < 0)
				goto fail;
			if (PQntuples(res) > 0)
				break;
			PQclear(res);
			r = pg_params(s, "SELECT id FROM devices WHERE identity = $1", 1, v,
				      "cannot record the device", &res);
			if (r < 0)
				goto fail;
			if (PQntuples(res) > 0)
				break;
			PQclear(res);
			res = NULL;
		}
		if (!res) {
			r = fw_error(s->ctx, -EIO, "cannot record the device '%s'", b->identity);
			goto fail;
		}
		snprintf(device_id, sizeof(device_id), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	snprintf(format_version, sizeof(format_version), "%u", (unsigned)h->format_version);
	snprintf(file_size, sizeof(file_size), "%" PRIu64, b->info->file_size);
	v[0] = b->uuid;
	v[1] = b->sha;
	v[2] = b->created;
	v[3] = created_ns;
	v[4] = h->host;
	v[5] = h->reason;
	v[6] = h->cmdline;
	v[7] = h->fwbox_version;
	v[8] = format_version;
	v[9] = d ? device_id : NULL;
	v[10] = d ? d->fw_version : NULL;
	v[11] = d ? d->kernel : NULL;
	v[12] = d ? d->driver : NULL;
	v[13] = b->info->file;
	v[14] = file_size;
	v[15] = b->loaded;
	r = pg_params(s, "INSERT INTO bundles(uuid, sha256, created, created_ns, host, reason, "
		      "cmdline, fwbox_version, format_version, outcome, device, fw_version, "
		      "kernel, driver, file, file_size, loaded) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'ok', $10, $11, $12, $13, $14, "
		      "$15, $16) ON CONFLICT DO NOTHING RETURNING id", 16, v,
		      "cannot record the bundle", &res);
	if (r < 0)
		goto fail;
	if (PQntuples(res) == 0) {
		/* The UUID or the file hash is there: a committed load. */
		PQclear(res);
		store_pg_load_free(l);
		return STORE_LOAD_ALREADY;
	}
	l->bundle_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	*ret = l;
	*ret_bundle_id = l->bundle_id;
	return STORE_LOAD_NEW;
fail:
	store_pg_load_free(l);
	return r;
}

int store_pg_load_trigger(struct store_pg_load *l, const struct bundle_trigger *t)
{
	char n[8][24], when[2][48];
	const char *v[18];
	struct store *s = l->s;

	snprintf(n[0], sizeof(n[0]), "%" PRId64, l->bundle_id);
	snprintf(n[1], sizeof(n[1]), "%" PRIu64, (uint64_t)t->error_count);
	snprintf(n[2], sizeof(n[2]), "%" PRIu64, (uint64_t)t->event_ns);
	snprintf(n[3], sizeof(n[3]), "%" PRIu64, (uint64_t)t->latency_ns);
	snprintf(n[4], sizeof(n[4]), "%" PRIu64, (uint64_t)t->incident_ns);
	snprintf(n[5], sizeof(n[5]), "%" PRIu64, (uint64_t)t->incident_events);
	snprintf(n[6], sizeof(n[6]), "%" PRIu64, (uint64_t)t->suppressed);
	snprintf(n[7], sizeof(n[7]), "%" PRIu64, (uint64_t)t->suppressed_first_ns);
	v[0] = n[0];
	v[1] = t->source ? t->source : "";
	v[2] = t->reporter ? t->reporter : "";
	v[3] = t->state ? "error" : "healthy";
	v[4] = n[1];
	v[5] = t->message && *t->message ? t->message : NULL;
	if (t->event_ns)
		fw_format_utc(t->event_ns, when[0], sizeof(when[0]));
	v[6] = t->event_ns ? when[0] : NULL;
	v[7] = t->event_ns ? n[2] : NULL;
	v[8] = t->latency_ns ? n[3] : NULL;
	v[9] = t->incident_ns ? n[4] : NULL;
	v[10] = n[5];
	v[11] = t->first_of_incident ? "1" : "0";
	v[12] = t->replayed ? "1" : "0";
	v[13] = n[6];
	if (t->suppressed_first_ns)
		fw_format_utc(t->suppressed_first_ns, when[1], sizeof(when[1]));
	v[14] = t->suppressed_first_ns ? when[1] : NULL;
	v[15] = t->suppressed_first_ns ? n[7] : NULL;
	{
		char last[48], last_ns[24];

		if (t->suppressed_last_ns) {
			fw_format_utc(t->suppressed_last_ns, last, sizeof(last));
			snprintf(last_ns, sizeof(last_ns), "%" PRIu64, (uint64_t)t->suppressed_last_ns);
		}
		v[16] = t->suppressed_last_ns ? last : NULL;
		v[17] = t->suppressed_last_ns ? last_ns : NULL;
		return pg_params(s, "INSERT INTO triggers(bundle, source, reporter, state, "
				 "error_count, message, event, event_ns, latency_ns, incident_ns, "
				 "incident_events, first_of_incident, replayed, suppressed, "
				 "suppressed_first, suppressed_first_ns, suppressed_last, "
				 "suppressed_last_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
				 "$10, $11, $12, $13, $14, $15, $16, $17, $18)", 18, v,
				 "cannot record the bundle's trigger", NULL);
	}
}

/* The bundle's clock anchor; NULL for what it lacks (a NULL text). */
int store_pg_load_clock(struct store_pg_load *l, const char *device_ts, const char *khz,
			const char *utc_ns, const char *uncertainty_ns, const char *tracefs_clock)
{
	const char *v[6] = { NULL, device_ts, khz, utc_ns, uncertainty_ns, tracefs_clock };
	char id[24];

	snprintf(id, sizeof(id), "%" PRId64, l->bundle_id);
	v[0] = id;
	return pg_params(l->s, "UPDATE bundles SET clock_device_ts = $2, clock_khz = $3, "
			 "clock_utc_ns = $4, clock_uncertainty_ns = $5, tracefs_clock = $6 "
			 "WHERE id = $1", 6, v, "cannot record the clock anchor", NULL);
}

/* The format id every loader computes alike: the first 63 bits of the
 * SHA-256 of the text.  Recorded for the commit. */
int store_pg_load_format(struct store_pg_load *l, const char *text, int64_t *ret_id)
{
	uint8_t h[FW_SHA256_LEN];
	uint64_t id = 0;
	int r;

	r = fw_sha256(text, strlen(text), h);
	if (r < 0)
		return fw_error(l->s->ctx, r, "cannot hash a trace format");
	for (int i = 0; i < 8; i++)
		id = id << 8 | h[i];
	id &= INT64_MAX;
	r = fw_grow((void **)&l->fmts, &l->fmt_cap, l->nfmts + 1, sizeof(*l->fmts), 0);
	if (r < 0)
		return oom(l);
	l->fmts[l->nfmts].id = (int64_t)id;
	l->fmts[l->nfmts].text = strdup(text);
	if (!l->fmts[l->nfmts].text)
		return oom(l);
	l->nfmts++;
	*ret_id = (int64_t)id;
	return 0;
}

static int start_event_copy(struct store_pg_load *l)
{
	PGresult *res = PQexec(l->s->pg, "COPY trace_ev(created_ns, bundle, seq, ts, fmt, meta, "
			       "p0, p1, p2, p3, p4, p5, p6) FROM STDIN");
	int r = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN)
		r = pg_error(l->s, res, "cannot start the COPY of trace events");
	PQclear(res);
	if (r == 0)
		l->copying = true;
	return r;
}

static int send_events(struct store_pg_load *l)
{
	if (!l->ev.len)
		return 0;
	if (PQputCopyData(l->s->pg, (const char *)l->ev.data, (int)l->ev.len) != 1)
		return pg_error(l->s, NULL, "cannot send trace events");
	fw_buf_reset(&l->ev);
	return 0;
}

int store_pg_load_event(struct store_pg_load *l, int64_t seq, int64_t ts, int64_t fmt,
			int64_t meta, unsigned nparams, const int64_t *params)
{
	struct fw_buf *b = &l->ev;
	int r;

	if (!l->copying) {
		r = start_event_copy(l);
		if (r < 0)
			return r;
	}
	r = put_i64(b, l->created_ns);
	r |= tab(b) | put_i64(b, l->bundle_id) | tab(b) | put_i64(b, seq) | tab(b) |
	     put_i64(b, ts) | tab(b) | put_i64(b, fmt) | tab(b) | put_i64(b, meta);
	for (unsigned i = 0; i < FW_LIMIT_TRACE_PARAMS; i++)
		r |= tab(b) | (i < nparams ? put_i64(b, params[i]) : fw_buf_put(b, "\\N", 2));
	r |= eol(b);
	if (r < 0)
		return oom(l);
	if (b->len >= PG_COPY_CHUNK)
		return send_events(l);
	return 0;
}

int store_pg_load_artifact(struct store_pg_load *l, int64_t seq, const struct bundle_artifact *a,
			   const char *sha, const char *outcome)
{
	struct fw_buf *b = &l->rows[PGT_ARTIFACTS];
	int r;

	r = put_i64(b, l->bundle_id) | tab(b) | put_i64(b, seq) | tab(b) |
	    put_text(b, a->kind ? a->kind : "") | tab(b) | put_text(b, a->path ? a->path : "") |
	    tab(b) | put_i64(b, (int64_t)a->size) | tab(b) | put_text(b, sha) | tab(b) |
	    put_text(b, outcome) | tab(b) | put_text(b, a->reason ? a->reason : "") | tab(b) |
	    put_i64(b, a->err) | tab(b) | put_i64(b, (int64_t)a->status) | tab(b) |
	    put_i64(b, (int64_t)a->syndrome) | tab(b) | put_i64(b, (int64_t)a->start_ns) |
	    tab(b) | put_i64(b, (int64_t)a->end_ns) | tab(b) | put_text(b, a->interface) | eol(b);
	return r < 0 ? oom(l) : 0;
}

int store_pg_load_field(struct store_pg_load *l, const char *reg, unsigned instance,
			const char *field, const char *value, const char *enum_name)
{
	struct fw_buf *b = &l->rows[PGT_FIELDS];
	int r;

	r = put_i64(b, l->bundle_id) | tab(b) | put_text(b, reg) | tab(b) |
	    put_i64(b, instance) | tab(b) | put_text(b, field) | tab(b) | put_text(b, value) |
	    tab(b) | put_text(b, enum_name) | eol(b);
	return r < 0 ? oom(l) : 0;
}

int store_pg_load_chunk(struct store_pg_load *l, const char *source, uint64_t addr,
			const void *data, size_t len)
{
	struct fw_buf *b = &l->rows[PGT_CHUNKS];
	int r;

	r = put_i64(b, l->bundle_id) | tab(b) | put_text(b, source) | tab(b) |
	    put_i64(b, (int64_t)addr) | tab(b) | put_bytea(b, data, len) | eol(b);
	return r < 0 ? oom(l) : 0;
}

int store_pg_load_segment(struct store_pg_load *l, int64_t seq, const char *dump, uint32_t type,
			  const char *name, int64_t index1, int64_t index2, const void *data,
			  size_t len)
{
	struct fw_buf *b = &l->rows[PGT_SEGMENTS];
	int r;

	r = put_i64(b, l->bundle_id) | tab(b) | put_i64(b, seq) | tab(b) |
	    put_text(b, dump ? dump : "") | tab(b) | put_i64(b, type) | tab(b) | put_text(b, name) |
	    tab(b) | put_i64(b, index1) | tab(b) | put_i64(b, index2) | tab(b) |
	    put_i64(b, (int64_t)len) | tab(b) | put_bytea(b, data && len ? data : NULL, len) |
	    eol(b);
	return r < 0 ? oom(l) : 0;
}

int store_pg_load_health(struct store_pg_load *l, int64_t seq, const char *source,
			 const char *item, const char *value)
{
	struct fw_buf *b = &l->rows[PGT_HEALTH];
	int r;

	r = put_i64(b, l->bundle_id) | tab(b) | put_i64(b, seq) | tab(b) | put_text(b, source) |
	    tab(b) | put_text(b, item) | tab(b) | put_text(b, value) | eol(b);
	return r < 0 ? oom(l) : 0;
}

int store_pg_load_format_count(struct store_pg_load *l, int64_t fmt, uint64_t events,
			       int64_t first_event)
{
	struct fw_buf *b = &l->rows[PGT_FORMAT_COUNTS];
	int r;

	r = put_i64(b, l->bundle_id) | tab(b) | put_i64(b, fmt) | tab(b) |
	    put_i64(b, (int64_t)events) | tab(b) | put_i64(b, first_event) | eol(b);
	return r < 0 ? oom(l) : 0;
}

static int cmp_format(const void *a, const void *b)
{
	const struct pg_format *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The bundle's formats, ascending by id, one array parameter each. */
static int insert_formats(struct store_pg_load *l, uint64_t *ret_new)
{
	struct fw_buf ids, texts;
	PGresult *res = NULL;
	const char *v[2];
	size_t n = 0;
	int r = 0;

	*ret_new = 0;
	if (!l->nfmts)
		return 0;
	qsort(l->fmts, l->nfmts, sizeof(*l->fmts), cmp_format);
	fw_buf_init(&ids, 0);
	fw_buf_init(&texts, 0);
	r = fw_buf_putc(&ids, '{') | fw_buf_putc(&texts, '{');
	for (size_t i = 0; i < l->nfmts && r >= 0; i++) {
		if (i && l->fmts[i].id == l->fmts[i - 1].id)
			continue;
		r |= (n ? fw_buf_putc(&ids, ',') | fw_buf_putc(&texts, ',') : 0);
		r |= put_i64(&ids, l->fmts[i].id) | fw_buf_putc(&texts, '"');
		for (const char *p = l->fmts[i].text; *p && r >= 0; p++) {
			if (*p == '"' || *p == '\\')
				r |= fw_buf_putc(&texts, '\\');
			r |= fw_buf_putc(&texts, (uint8_t)*p);
		}
		r |= fw_buf_putc(&texts, '"');
		n++;
	}
	r |= fw_buf_putc(&ids, '}') | fw_buf_putc(&texts, '}') | fw_buf_putc(&ids, 0) |
	     fw_buf_putc(&texts, 0);
	if (r < 0) {
		r = oom(l);
		goto out;
	}
	v[0] = (const char *)ids.data;
	v[1] = (const char *)texts.data;
	r = pg_params(l->s, "INSERT INTO trace_formats(id, text) "
		      "SELECT i, t FROM unnest($1::bigint[], $2::text[]) AS u(i, t) ORDER BY i "
		      "ON CONFLICT (id) DO NOTHING", 2, v, "cannot record trace formats", &res);
	if (r < 0)
		goto out;
	*ret_new = strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
out:
	fw_buf_release(&ids);
	fw_buf_release(&texts);
	return r;
}

int store_pg_load_commit(struct store_pg_load *l, const char *outcome, int64_t nevents,
			 uint64_t *ret_new_formats)
{
	struct store *s = l->s;
	PGresult *res;
	char id[24], last[24];
	const char *v[3];
	int r = 0;

	if (l->copying) {
		r = send_events(l);
		if (PQputCopyEnd(s->pg, r < 0 ? "fwbox: send failed" : NULL) != 1 && !r)
			r = pg_error(s, NULL, "cannot finish the COPY of trace events");
		while ((res = PQgetResult(s->pg))) {
			if (!r && PQresultStatus(res) != PGRES_COMMAND_OK)
				r = pg_error(s, res, "cannot record trace events");
			PQclear(res);
		}
		l->copying = false;
		if (r < 0)
			return r;
	}
	if (l->rows[PGT_FIELDS].len) {
		r = store_pg_exec(s, "CREATE TEMP TABLE fw_fields (n bigserial, bundle bigint, "
				  "register text, instance integer, field text, value text, "
				  "enum_name text) ON COMMIT DROP");
		if (r < 0)
			return r;
	}
	for (int t = 0; t < PGT_COUNT; t++) {
		r = pg_copy(s, pg_copy_sql[t], &l->rows[t]);
		if (r < 0)
			return r;
	}
	if (l->rows[PGT_FIELDS].len) {
		/* The first value of a field wins. */
		r = store_pg_exec(s, "INSERT INTO register_fields(bundle, register, instance, field, "
				  "value, enum_name) SELECT bundle, register, instance, field, value, "
				  "enum_name FROM fw_fields ORDER BY n ON CONFLICT DO NOTHING");
		if (r < 0)
			return r;
	}
	r = insert_formats(l, ret_new_formats);
	if (r < 0)
		return r;
	snprintf(id, sizeof(id), "%" PRId64, l->bundle_id);
	snprintf(last, sizeof(last), "%" PRId64, nevents - 1);
	v[0] = outcome;
	v[1] = nevents ? last : NULL;
	v[2] = id;
	r = pg_params(s, "UPDATE bundles SET outcome = $1, ev_first = CASE WHEN $2::bigint IS NULL "
		      "THEN NULL ELSE 0 END, ev_last = $2 WHERE id = $3", 3, v,
		      "cannot finish the bundle row", NULL);
	if (r < 0)
		return r;
	r = store_pg_exec(s, "COMMIT");
	if (r < 0)
		return r;
	l->in_tx = false;
	return 0;
}

void store_pg_load_free(struct store_pg_load *l)
{
	PGresult *res;

	if (!l)
		return;
	if (l->copying) {
		PQputCopyEnd(l->s->pg, "fwbox: load abandoned");
		while ((res = PQgetResult(l->s->pg)))
			PQclear(res);
	}
	if (l->in_tx)
		PQclear(PQexec(l->s->pg, "ROLLBACK"));
	fw_buf_release(&l->ev);
	for (int i = 0; i < PGT_COUNT; i++)
		fw_buf_release(&l->rows[i]);
	for (size_t i = 0; i < l->nfmts; i++)
		free(l->fmts[i].text);
	free(l->fmts);
	free(l);
}

/* ------------------------------------------------------------ queries */

struct store_pg_query {
	struct store *s;
	PGresult *desc;            /* the prepared statement: columns, parameters */
	PGresult *row;             /* the current row (single-row mode) */
	char **params;
	int nparams;
	bool began, prepared, sent, done;
	char name[24];             /* of the prepared statement: queries nest */
	unsigned char *blob;
};

/* SQLite's ?N and ? parameters as $N, outside quotes and comments, so the
 * shared SQL of the store runs on both. */
static char *convert_params(const char *sql)
{
	struct fw_buf b;
	int next = 1;
	int r = 0;

	fw_buf_init(&b, 0);
	for (const char *p = sql; *p && r >= 0; p++) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *e = strchr(p + 1, q);

			while (e && e[1] == q)
				e = strchr(e + 2, q);
			if (!e)
				e = p + strlen(p) - 1;
			r = fw_buf_put(&b, p, (size_t)(e - p + 1));
			p = e;
		} else if (p[0] == '-' && p[1] == '-') {
			const char *e = strchr(p, '\n');

			if (!e)
				e = p + strlen(p) - 1;
			r = fw_buf_put(&b, p, (size_t)(e - p + 1));
			p = e;
		} else if (*p == '?') {
			if (isdigit((unsigned char)p[1])) {
				r = fw_buf_putc(&b, '$');
			} else {
				r = fw_buf_printf(&b, "$%d", next++);
			}
		} else {
			r = fw_buf_putc(&b, (uint8_t)*p);
		}
	}
	if (r < 0 || fw_buf_putc(&b, 0) < 0) {
		fw_buf_release(&b);
		return NULL;
	}
	return fw_buf_steal(&b, NULL);
}

int store_pg_query_prepare(struct store *s, const char *sql, struct store_pg_query **ret)
{
	struct store_pg_query *q;
	PGresult *res;
	char *conv, set[80];
	int r;

	q = calloc(1, sizeof(*q));
	if (!q)
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	q->s = s;
	s->pg_interrupted = 0;
	conv = convert_params(sql);
	if (!conv) {
		free(q);
		return fw_error(s->ctx, -ENOMEM, "out of memory");
	}
	if (PQtransactionStatus(s->pg) == PQTRANS_IDLE) {
		r = store_pg_exec(s, "BEGIN TRANSACTION READ ONLY");
		if (r < 0)
			goto fail;
		q->began = true;
	}
	snprintf(set, sizeof(set), "SET LOCAL statement_timeout = %llu",
		 (unsigned long long)s->limits.time_ms);
	r = store_pg_exec(s, set);
	if (r < 0)
		goto fail;
	snprintf(q->name, sizeof(q->name), "fwbox_q%u", ++s->pg_nstmt);
	res = PQprepare(s->pg, q->name, conv, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		if (state && !strcmp(state, "42601") &&
		    strstr(PQresultErrorMessage(res), "multiple commands"))
			r = fw_error(s->ctx, -EINVAL, "more than one statement in the query: "
				     "give one statement");
		else
			r = pg_error(s, res, "bad query");
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	q->prepared = true;
	q->desc = PQdescribePrepared(s->pg, q->name);
	if (PQresultStatus(q->desc) != PGRES_COMMAND_OK) {
		r = pg_error(s, q->desc, "bad query");
		goto fail;
	}
	q->nparams = PQnparams(q->desc);
	if (q->nparams > 0) {
		q->params = calloc((size_t)q->nparams, sizeof(*q->params));
		if (!q->params) {
			r = fw_error(s->ctx, -ENOMEM, "out of memory");
			goto fail;
		}
	}
	free(conv);
	*ret = q;
	return 0;
fail:
	free(conv);
	store_pg_query_free(q);
	return r;
}

int store_pg_query_bind(struct store_pg_query *q, int i, const char *v)
{
	if (i < 1 || i > q->nparams)
		return fw_error(q->s->ctx, -ERANGE, "query parameter %d: the query has %d", i,
				q->nparams);
	free(q->params[i - 1]);
	q->params[i - 1] = strdup(v);
	if (!q->params[i - 1])
		return fw_error(q->s->ctx, -ENOMEM, "out of memory");
	return 0;
}

int store_pg_query_param_count(struct store_pg_query *q)
{
	return q->nparams;
}

int store_pg_query_step(struct store_pg_query *q)
{
	struct store *s = q->s;
	PGresult *res;
	int r = 0;

	PQclear(q->row);
	q->row = NULL;
	PQfreemem(q->blob);
	q->blob = NULL;
	if (q->done)
		return 0;
	if (fw_ctx_cancelled(s->ctx)) {
		s->pg_interrupted = 1;
		return fw_error(s->ctx, -EINTR, "query interrupted (database '%s')", s->path);
	}
	if (!q->sent) {
		if (!PQsendQueryPrepared(s->pg, q->name, q->nparams, (const char *const *)q->params,
					 NULL, NULL, 0))
			return pg_error(s, NULL, "query failed");
		PQsetSingleRowMode(s->pg);
		q->sent = true;
	}
	res = PQgetResult(s->pg);
	switch (PQresultStatus(res)) {
	case PGRES_SINGLE_TUPLE:
		q->row = res;
		return 1;
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		break;
	default:
		r = res ? pg_error(s, res, "query failed") : 0;
		break;
	}
	PQclear(res);
	while ((res = PQgetResult(s->pg)))
		PQclear(res);
	q->done = true;
	return r;
}

int store_pg_query_column_count(struct store_pg_query *q)
{
	return PQnfields(q->desc);
}

const char *store_pg_query_column_name(struct store_pg_query *q, int i)
{
	return PQfname(q->desc, i);
}

/* Type OIDs of pg_type (src/include/catalog/pg_type.dat): stable. */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

enum store_value_type store_pg_query_column_type(struct store_pg_query *q, int i)
{
	const char *v;

	if (!q->row || PQgetisnull(q->row, 0, i))
		return STORE_NULL;
	switch (PQftype(q->row, i)) {
	case OID_BOOL:
	case OID_INT8:
	case OID_INT2:
	case OID_INT4:
	case OID_OID:
		return STORE_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return STORE_FLOAT;
	case OID_NUMERIC:
		/* sum() of bigint is numeric: whole numbers read as integers. */
		v = PQgetvalue(q->row, 0, i);
		return strpbrk(v, ".eEN") ? STORE_FLOAT : STORE_INTEGER;
	case OID_BYTEA:
		return STORE_BLOB;
	default:
		return STORE_TEXT;
	}
}

int64_t store_pg_query_column_int(struct store_pg_query *q, int i)
{
	const char *v;

	if (!q->row || PQgetisnull(q->row, 0, i))
		return 0;
	v = PQgetvalue(q->row, 0, i);
	if (PQftype(q->row, i) == OID_BOOL)
		return *v == 't';
	return strtoll(v, NULL, 10);
}

double store_pg_query_column_double(struct store_pg_query *q, int i)
{
	if (!q->row || PQgetisnull(q->row, 0, i))
		return 0;
	if (PQftype(q->row, i) == OID_BOOL)
		return *PQgetvalue(q->row, 0, i) == 't';
	return strtod(PQgetvalue(q->row, 0, i), NULL);
}

const char *store_pg_query_column_text(struct store_pg_query *q, int i)
{
	if (!q->row || PQgetisnull(q->row, 0, i))
		return NULL;
	if (PQftype(q->row, i) == OID_BOOL)
		return *PQgetvalue(q->row, 0, i) == 't' ? "1" : "0";
	return PQgetvalue(q->row, 0, i);
}

const void *store_pg_query_column_blob(struct store_pg_query *q, int i, size_t *ret_len)
{
	const char *v = store_pg_query_column_text(q, i);

	*ret_len = 0;
	if (!v)
		return NULL;
	if (PQftype(q->row, i) != OID_BYTEA) {
		*ret_len = strlen(v);
		return v;
	}
	PQfreemem(q->blob);
	q->blob = PQunescapeBytea((const unsigned char *)v, ret_len);
	return q->blob;
}

void store_pg_query_free(struct store_pg_query *q)
{
	PGresult *res;

	if (!q)
		return;
	PQclear(q->row);
	PQfreemem(q->blob);
	PQclear(q->desc);
	if (q->sent && !q->done) {
		/* Stop a statement whose rows are no longer wanted. */
		if (q->s->pg_cancel) {
			char err[256];

			PQcancel(q->s->pg_cancel, err, sizeof(err));
		}
		while ((res = PQgetResult(q->s->pg)))
			PQclear(res);
	}
	if (q->began) {
		/* Ends the read-only transaction; prepared statements outlive
		 * transactions, so each is dropped by name. */
		PQclear(PQexec(q->s->pg, "ROLLBACK"));
	}
	if (q->prepared) {
		char sql[48];

		snprintf(sql, sizeof(sql), "DEALLOCATE %s", q->name);
		PQclear(PQexec(q->s->pg, sql));
	}
	for (int i = 0; q->params && i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	free(q);
}

/*
 * A read-only statement whose whole result is kept: the store's capture
 * walks call back per row, and a callback may run its own statement
 * (`fwbox info` lists a capture's steps from inside the capture's row),
 * which a connection still streaming rows in single-row mode cannot.
 */
int store_pg_select(struct store *s, const char *sql, int n, const char *const *v,
		    const char *what, PGresult **ret_res)
{
	char set[80];
	bool began = false;
	int r;

	s->pg_interrupted = 0;
	if (fw_ctx_cancelled(s->ctx))
		return fw_error(s->ctx, -EINTR, "query interrupted (database '%s')", s->path);
	if (PQtransactionStatus(s->pg) == PQTRANS_IDLE) {
		r = store_pg_exec(s, "BEGIN TRANSACTION READ ONLY");
		if (r < 0)
			return r;
		began = true;
	}
	snprintf(set, sizeof(set), "SET LOCAL statement_timeout = %llu",
		 (unsigned long long)s->limits.time_ms);
	r = store_pg_exec(s, set);
	if (r >= 0)
		r = pg_params(s, sql, n, v, what, ret_res);
	if (began)
		PQclear(PQexec(s->pg, "ROLLBACK"));
	return r;
}

int store_pg_unsupported(struct store *s, const char *what)
{
	return fw_error(s->ctx, -EOPNOTSUPP, "%s is not available on a PostgreSQL history yet "
			"(database '%s'): use a SQLite history for it", what, s->path);
}

/* ------------------------------------------------------------ prune */

int store_pg_prune(struct store *s, uint64_t before_ns, int64_t device, uint64_t *ret)
{
	char sql[512], before[24], dev[24];
	const char *v[2];
	PGresult *res = NULL;
	int r;

	snprintf(before, sizeof(before), "%lld",
		 (long long)(before_ns > INT64_MAX ? INT64_MAX : (int64_t)before_ns));
	snprintf(dev, sizeof(dev), "%lld", (long long)device);
	r = store_pg_exec(s, "BEGIN");
	if (r < 0)
		return r;
	/* Loaders commit or wait: no bundle row appears in a month whose
	 * partition is being dropped. */
	r = store_pg_exec(s, "LOCK TABLE bundles IN SHARE ROW EXCLUSIVE MODE");
	if (r < 0)
		goto rollback;
	snprintf(sql, sizeof(sql), "CREATE TEMP TABLE fw_prune ON COMMIT DROP AS "
		 "SELECT id, device FROM bundles WHERE created_ns < %s AND (%s = 0 OR device = %s)",
		 before, dev, dev);
	r = store_pg_exec(s, sql);
	if (r < 0)
		goto rollback;
	v[0] = before;
	if (!device) {
		/* Months wholly before the date: every bundle of theirs goes, so
		 * their partitions are dropped, not rewritten. */
		r = pg_params(s, "SELECT c.relname FROM pg_inherits i JOIN pg_class c "
			      "ON c.oid = i.inhrelid WHERE i.inhparent = 'trace_ev'::regclass "
			      "AND c.relname ~ '^trace_ev_[0-9]{6}$' AND extract(epoch FROM "
			      "to_date(substr(c.relname, 10), 'YYYYMM') + interval '1 month') "
			      "* 1000000000 <= $1::numeric", 1, v,
			      "cannot list the trace partitions", &res);
		if (r < 0)
			goto rollback;
		for (int i = 0; i < PQntuples(res) && r >= 0; i++) {
			snprintf(sql, sizeof(sql), "DROP TABLE \"%s\"", PQgetvalue(res, i, 0));
			r = store_pg_exec(s, sql);
		}
		PQclear(res);
		if (r < 0)
			goto rollback;
	}
	r = store_pg_exec(s, "DELETE FROM trace_ev WHERE bundle IN (SELECT id FROM fw_prune)");
	if (r < 0)
		goto rollback;
	/* The other tables follow by ON DELETE CASCADE. */
	r = pg_params(s, "DELETE FROM bundles WHERE id IN (SELECT id FROM fw_prune)", 0, NULL,
		      "cannot delete the captures", &res);
	if (r < 0)
		goto rollback;
	*ret = strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	r = store_pg_exec(s, "DELETE FROM devices WHERE id IN (SELECT device FROM fw_prune) AND "
			  "NOT EXISTS (SELECT 1 FROM bundles b WHERE b.device = devices.id)");
	if (r < 0)
		goto rollback;
	return store_pg_exec(s, "COMMIT");
rollback:
	PQclear(PQexec(s->pg, "ROLLBACK"));
	return r;
}
